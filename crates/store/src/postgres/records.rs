//! Record writes (batches, deletion marking, relation touches) and reads (keyset lists).

use std::collections::{BTreeMap, HashMap};

use atsbridge_schema::{Model, Timestamp};
use deadpool_postgres::{GenericClient, Object};

use super::{PgDialect, PgParams};
use crate::error::StoreError;
use crate::explain::StatementLog;
use crate::keys::index_keys;
use crate::model::{
    BatchResult, IntegrationId, RecordQuery, RecordWrite, RelationQuery, RunId, StoredRecord,
};
use crate::rows::{RawRecord, document_text, ts_to_sql};
use crate::sql::{Param, RECORD_COLUMNS, Sql, list_query, relation_query};

/// First key of the advisory locks that serialize record writes of one integration (the
/// second is `hashtext(integration id)`); "atsb" in ASCII.
const RECORD_WRITE_LOCK_CLASS: i32 = 0x6174_7362;

/// Takes the transaction-scoped lock that serializes record writes of an integration, so
/// that within it `seq` order is commit order (see the module documentation).
async fn lock_integration_records(
    tx: &impl GenericClient,
    integration_id: &IntegrationId,
) -> Result<(), StoreError> {
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext($2))",
        &[&RECORD_WRITE_LOCK_CLASS, &integration_id.as_str()],
    )
    .await?;
    Ok(())
}

/// Reads the record columns of a row (`crate::sql::RECORD_COLUMNS`, in that order).
fn raw_record(row: &tokio_postgres::Row) -> Result<RawRecord, StoreError> {
    Ok(RawRecord {
        seq: row.try_get(0)?,
        id: row.try_get(1)?,
        remote_id: row.try_get(2)?,
        document: row.try_get(3)?,
        changed_at: row.try_get(4)?,
        remote_deleted_at: row.try_get(5)?,
        relations_changed_at: row.try_get(6)?,
        remote_created_at: row.try_get(7)?,
    })
}

fn records_from_rows(
    rows: &[tokio_postgres::Row],
    model: Model,
) -> Result<Vec<StoredRecord>, StoreError> {
    rows.iter()
        .map(|row| raw_record(row)?.into_record(model))
        .collect()
}

/// Key rows to write per record seq: the record's model and its `(key, value)` pairs.
type KeyRows = BTreeMap<i64, (&'static str, Vec<(&'static str, String)>)>;

/// What a batch knows about a stored record: its seq, content hash and whether it is marked
/// deleted.
type Existing = (i64, String, bool);

pub(crate) async fn apply_batch(
    client: &mut Object,
    integration_id: &IntegrationId,
    run_id: Option<RunId>,
    now: Timestamp,
    writes: &[RecordWrite],
) -> Result<BatchResult, StoreError> {
    let now = ts_to_sql(now);
    let run = run_id.map(|run| run.0);
    let integration = integration_id.as_str();
    let mut result = BatchResult::default();
    let tx = client.transaction().await?;
    lock_integration_records(&tx, integration_id).await?;

    // What is stored already, one query per model of the batch.
    let mut by_model: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for write in writes {
        by_model
            .entry(write.model.as_str())
            .or_default()
            .push(write.remote_id.clone());
    }
    // A join with the unnested ids, so that every id is one probe of the unique index, also
    // while the planner's statistics still think the table is tiny (`remote_id = ANY($3)`
    // then becomes a filter over all of the integration's records of the model).
    let find = tx
        .prepare_cached(
            "SELECT r.remote_id, r.seq, r.content_hash, r.remote_deleted_at IS NOT NULL
             FROM unnest($3::text[]) AS w (remote_id)
             JOIN records r ON r.integration_id = $1 AND r.model = $2
                           AND r.remote_id = w.remote_id",
        )
        .await?;
    let mut existing: HashMap<(&'static str, String), Existing> = HashMap::new();
    for (model, remote_ids) in &by_model {
        for row in tx.query(&find, &[&integration, model, remote_ids]).await? {
            existing.insert(
                (model, row.try_get(0)?),
                (row.try_get(1)?, row.try_get(2)?, row.try_get(3)?),
            );
        }
    }

    let insert = tx
        .prepare_cached(
            "INSERT INTO records (integration_id, model, remote_id, id, document, content_hash,
                                  changed_at, remote_created_at, last_seen_run,
                                  written_outside_run_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                     CASE WHEN $9::bigint IS NULL THEN $7::bigint END)
             RETURNING seq",
        )
        .await?;
    let update_changed = tx
        .prepare_cached(
            "UPDATE records SET document = $1, content_hash = $2, changed_at = $3,
                 remote_deleted_at = NULL, remote_created_at = $4,
                 last_seen_run = COALESCE($5, last_seen_run),
                 written_outside_run_at = CASE WHEN $5::bigint IS NULL THEN $3::bigint
                                               ELSE written_outside_run_at END
             WHERE seq = $6",
        )
        .await?;
    // Key rows of the records whose document was written, by seq (the last write wins when
    // a batch holds a record twice), and the seqs whose old key rows must go first.
    let mut keys = KeyRows::new();
    let mut replaced: Vec<i64> = Vec::new();
    let mut seen: Vec<i64> = Vec::new();
    for (index, write) in writes.iter().enumerate() {
        let model = write.model.as_str();
        let remote_created_at = write.remote_created_at.map(ts_to_sql);
        let index_rows = || {
            index_keys(write.model, &write.document)
                .into_iter()
                .map(|(key, value)| (key.as_str(), value))
                .collect::<Vec<_>>()
        };
        match existing.get(&(model, write.remote_id.clone())).cloned() {
            None => {
                let document = document_text(&write.document)?;
                let row = tx
                    .query_one(
                        &insert,
                        &[
                            &integration,
                            &model,
                            &write.remote_id,
                            &write.id.as_str(),
                            &document,
                            &write.content_hash,
                            &now,
                            &remote_created_at,
                            &run,
                        ],
                    )
                    .await?;
                let seq: i64 = row.try_get(0)?;
                keys.insert(seq, (model, index_rows()));
                existing.insert(
                    (model, write.remote_id.clone()),
                    (seq, write.content_hash.clone(), false),
                );
                result.inserted += 1;
                result.changed.push(index);
            }
            Some((seq, hash, deleted)) if deleted || hash != write.content_hash => {
                let document = document_text(&write.document)?;
                tx.execute(
                    &update_changed,
                    &[
                        &document,
                        &write.content_hash,
                        &now,
                        &remote_created_at,
                        &run,
                        &seq,
                    ],
                )
                .await?;
                keys.insert(seq, (model, index_rows()));
                replaced.push(seq);
                existing.insert(
                    (model, write.remote_id.clone()),
                    (seq, write.content_hash.clone(), false),
                );
                if deleted {
                    result.undeleted += 1;
                } else {
                    result.updated += 1;
                }
                result.changed.push(index);
            }
            Some((seq, _, _)) => {
                seen.push(seq);
                result.unchanged += 1;
            }
        }
    }
    if !seen.is_empty() {
        tx.execute(
            "UPDATE records SET last_seen_run = COALESCE($1, last_seen_run),
                 written_outside_run_at = CASE WHEN $1::bigint IS NULL THEN $2::bigint
                                               ELSE written_outside_run_at END
             WHERE seq = ANY($3)",
            &[&run, &now, &seen],
        )
        .await?;
    }
    write_record_keys(&tx, integration, &replaced, &keys).await?;
    tx.commit().await?;
    Ok(result)
}

/// Replaces the key rows of the written records: those of `replaced` records go, the rows
/// derived from the new documents come in, in one statement each.
async fn write_record_keys(
    tx: &impl GenericClient,
    integration: &str,
    replaced: &[i64],
    keys: &KeyRows,
) -> Result<(), StoreError> {
    if !replaced.is_empty() {
        tx.execute("DELETE FROM record_keys WHERE seq = ANY($1)", &[&replaced])
            .await?;
    }
    let (mut seqs, mut models, mut names, mut values) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (seq, (model, rows)) in keys {
        for (key, value) in rows {
            seqs.push(*seq);
            models.push(*model);
            names.push(*key);
            values.push(value.as_str());
        }
    }
    if seqs.is_empty() {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO record_keys (seq, integration_id, model, key, value)
         SELECT k.seq, $1, k.model, k.key, k.value
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS k (seq, model, key, value)",
        &[&integration, &seqs, &models, &names, &values],
    )
    .await?;
    Ok(())
}

pub(crate) async fn mark_unseen_deleted(
    client: &mut Object,
    integration_id: &IntegrationId,
    model: Model,
    run_id: RunId,
    now: Timestamp,
) -> Result<Vec<StoredRecord>, StoreError> {
    let tx = client.transaction().await?;
    lock_integration_records(&tx, integration_id).await?;
    let started_at: i64 = tx
        .query_opt(
            "SELECT started_at FROM sync_runs WHERE id = $1 AND integration_id = $2",
            &[&run_id.0, &integration_id.as_str()],
        )
        .await?
        .ok_or(StoreError::RunNotFound(run_id.0))?
        .try_get(0)?;
    const RETURNED_COLUMNS: &str = "seq, id, remote_id, document, changed_at, \
         remote_deleted_at, relations_changed_at, remote_created_at";
    // Records written after the run started without being seen by it (created through the
    // API meanwhile) are not evidence of a deletion, so they are spared.
    let rows = tx
        .query(
            &format!(
                "UPDATE records SET remote_deleted_at = $1, changed_at = $1
                 WHERE integration_id = $2 AND model = $3 AND remote_deleted_at IS NULL
                   AND (last_seen_run IS NULL OR last_seen_run <> $4)
                   AND (written_outside_run_at IS NULL OR written_outside_run_at < $5)
                 RETURNING {RETURNED_COLUMNS}"
            ),
            &[
                &ts_to_sql(now),
                &integration_id.as_str(),
                &model.as_str(),
                &run_id.0,
                &started_at,
            ],
        )
        .await?;
    let mut marked = records_from_rows(&rows, model)?;
    marked.sort_by_key(|record| record.seq);
    tx.commit().await?;
    Ok(marked)
}

pub(crate) async fn touch_relations(
    client: &Object,
    log: &StatementLog,
    integration_id: &IntegrationId,
    model: Model,
    remote_ids: &[String],
    now: Timestamp,
) -> Result<u64, StoreError> {
    const TOUCH: &str = "UPDATE records SET relations_changed_at = $1
         WHERE integration_id = $2 AND model = $3 AND remote_id = ANY($4)";
    let params = vec![
        Param::Int(ts_to_sql(now)),
        Param::Text(integration_id.as_str().to_owned()),
        Param::Text(model.as_str().to_owned()),
        Param::TextList(remote_ids.to_vec()),
    ];
    log.record(TOUCH, || params.clone());
    let statement = client.prepare_cached(TOUCH).await?;
    let values = PgParams::new(&params);
    Ok(client.execute(&statement, &values.refs()).await?)
}

/// Runs a shared query built by [`crate::sql`].
async fn run_shared(
    client: &Object,
    log: &StatementLog,
    sql: &Sql<'_>,
    model: Model,
) -> Result<Vec<StoredRecord>, StoreError> {
    log.record(&sql.text, || sql.params.clone());
    let statement = client.prepare_cached(&sql.text).await?;
    let values = PgParams::new(&sql.params);
    let rows = client.query(&statement, &values.refs()).await?;
    records_from_rows(&rows, model)
}

pub(crate) async fn list_records(
    client: &Object,
    log: &StatementLog,
    query: &RecordQuery,
) -> Result<Vec<StoredRecord>, StoreError> {
    run_shared(client, log, &list_query(&PgDialect, query), query.model).await
}

pub(crate) async fn find_related(
    client: &Object,
    log: &StatementLog,
    query: &RelationQuery,
) -> Result<Vec<StoredRecord>, StoreError> {
    run_shared(client, log, &relation_query(&PgDialect, query), query.model).await
}

/// Records whose `column` (`remote_id` or `id`) is one of `keys`, in `seq` order.
pub(crate) async fn get_by_column(
    client: &Object,
    log: &StatementLog,
    integration_id: &IntegrationId,
    model: Model,
    column: &'static str,
    keys: Vec<String>,
) -> Result<Vec<StoredRecord>, StoreError> {
    let text = format!(
        "SELECT {RECORD_COLUMNS} FROM records r
         WHERE r.integration_id = $1 AND r.model = $2 AND r.{column} = ANY($3)
         ORDER BY r.seq"
    );
    let params = vec![
        Param::Text(integration_id.as_str().to_owned()),
        Param::Text(model.as_str().to_owned()),
        Param::TextList(keys),
    ];
    log.record(&text, || params.clone());
    let statement = client.prepare_cached(&text).await?;
    let values = PgParams::new(&params);
    let rows = client.query(&statement, &values.refs()).await?;
    records_from_rows(&rows, model)
}

pub(crate) async fn known_remote_ids(
    client: &Object,
    log: &StatementLog,
    integration_id: &IntegrationId,
    model: Model,
    include_deleted: bool,
) -> Result<Vec<String>, StoreError> {
    let text = if include_deleted {
        "SELECT remote_id FROM records
         WHERE integration_id = $1 AND model = $2
         ORDER BY seq"
    } else {
        "SELECT remote_id FROM records
         WHERE integration_id = $1 AND model = $2 AND remote_deleted_at IS NULL
         ORDER BY seq"
    };
    let params = vec![
        Param::Text(integration_id.as_str().to_owned()),
        Param::Text(model.as_str().to_owned()),
    ];
    log.record(text, || params.clone());
    let statement = client.prepare_cached(text).await?;
    let values = PgParams::new(&params);
    client
        .query(&statement, &values.refs())
        .await?
        .iter()
        .map(|row| Ok(row.try_get(0)?))
        .collect()
}
