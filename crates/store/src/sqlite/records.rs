//! Record writes (batches, deletion marking, relation touches) and reads (keyset lists).

use atsbridge_schema::{Model, Timestamp};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Transaction, params, params_from_iter};

use super::convert::{collect_records, json_list, ts_to_sql};
use crate::error::StoreError;
use crate::explain::StatementLog;
use crate::keys::index_keys;
use crate::model::{
    BatchResult, IntegrationId, RecordQuery, RecordWrite, RelationQuery, RunId, StoredRecord,
};
use crate::rows::document_text;
use crate::sql::{Dialect, Param, RECORD_COLUMNS, Sql, list_query, relation_query};

/// SQLite's flavour of the shared record queries.
pub(crate) struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn placeholder(&self, n: usize) -> String {
        format!("?{n}")
    }

    fn in_list(&self, expr: &str, placeholder: &str) -> String {
        format!("{expr} IN (SELECT value FROM json_each({placeholder}))")
    }

    fn contains(&self, haystack: &str, placeholder: &str) -> String {
        format!("instr({haystack}, {placeholder}) > 0")
    }
}

/// The parameters of a shared query as SQLite values (lists as JSON arrays).
pub(crate) fn sqlite_params(params: &[Param]) -> Vec<Value> {
    params
        .iter()
        .map(|param| match param {
            Param::Text(text) => Value::Text(text.clone()),
            Param::Int(n) => Value::Integer(*n),
            Param::TextList(list) => Value::Text(json_list(list)),
            Param::Bytes(bytes) => Value::Blob(bytes.clone()),
        })
        .collect()
}

/// Replaces the key rows of the record at `seq` with those of its new document.
fn write_record_keys(
    tx: &Transaction<'_>,
    seq: i64,
    integration_id: &str,
    write: &RecordWrite,
    replace: bool,
) -> Result<(), StoreError> {
    if replace {
        tx.prepare_cached("DELETE FROM record_keys WHERE seq = ?1")?
            .execute([seq])?;
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO record_keys (seq, integration_id, model, key, value)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (key, value) in index_keys(write.model, &write.document) {
        insert.execute(params![
            seq,
            integration_id,
            write.model.as_str(),
            key.as_str(),
            value
        ])?;
    }
    Ok(())
}

/// Derives the key rows of every stored record from its document (migration 3, for records
/// written before the key index existed). Reads and writes in slices of `seq`, so memory stays
/// bounded on large databases.
pub(crate) fn backfill_record_keys(tx: &Transaction<'_>) -> Result<(), StoreError> {
    const SLICE: i64 = 5_000;
    let mut after = 0_i64;
    let mut insert = tx.prepare(
        "INSERT OR IGNORE INTO record_keys (seq, integration_id, model, key, value)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut read = tx.prepare(
        "SELECT seq, integration_id, model, document FROM records
         WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    loop {
        let rows = read
            .query_map(params![after, SLICE], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.0;
        for (seq, integration_id, model, document) in rows {
            let Some(model) = Model::ALL.into_iter().find(|m| m.as_str() == model) else {
                return Err(StoreError::Corrupt(format!(
                    "record seq {seq} has unknown model `{model}`"
                )));
            };
            let document: serde_json::Value = serde_json::from_str(&document).map_err(|e| {
                StoreError::Corrupt(format!("record seq {seq}: bad document JSON: {e}"))
            })?;
            for (key, value) in index_keys(model, &document) {
                insert.execute(params![
                    seq,
                    integration_id,
                    model.as_str(),
                    key.as_str(),
                    value
                ])?;
            }
        }
    }
}

pub(crate) fn apply_batch(
    conn: &mut Connection,
    integration_id: &IntegrationId,
    run_id: Option<RunId>,
    now: Timestamp,
    writes: &[RecordWrite],
) -> Result<BatchResult, StoreError> {
    let now = ts_to_sql(now);
    let run = run_id.map(|run| run.0);
    let mut result = BatchResult::default();
    let tx = conn.transaction()?;
    {
        let mut find = tx.prepare_cached(
            "SELECT seq, content_hash, remote_deleted_at IS NOT NULL FROM records
             WHERE integration_id = ?1 AND model = ?2 AND remote_id = ?3",
        )?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO records (integration_id, model, remote_id, id, document, content_hash,
                                  changed_at, remote_created_at, last_seen_run,
                                  written_outside_run_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, CASE WHEN ?9 IS NULL THEN ?7 END)",
        )?;
        let mut update_changed = tx.prepare_cached(
            "UPDATE records SET document = ?1, content_hash = ?2, changed_at = ?3,
                 remote_deleted_at = NULL, remote_created_at = ?4,
                 last_seen_run = COALESCE(?5, last_seen_run),
                 written_outside_run_at = CASE WHEN ?5 IS NULL THEN ?3
                                               ELSE written_outside_run_at END
             WHERE seq = ?6",
        )?;
        let mut update_seen = tx.prepare_cached(
            "UPDATE records SET last_seen_run = COALESCE(?1, last_seen_run),
                 written_outside_run_at = CASE WHEN ?1 IS NULL THEN ?2
                                               ELSE written_outside_run_at END
             WHERE seq = ?3",
        )?;
        for (index, write) in writes.iter().enumerate() {
            let model = write.model.as_str();
            let existing: Option<(i64, String, bool)> = find
                .query_row(
                    params![integration_id.as_str(), model, write.remote_id],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()?;
            let remote_created_at = write.remote_created_at.map(ts_to_sql);
            match existing {
                None => {
                    let document = document_text(&write.document)?;
                    insert.execute(params![
                        integration_id.as_str(),
                        model,
                        write.remote_id,
                        write.id.as_str(),
                        document,
                        write.content_hash,
                        now,
                        remote_created_at,
                        run
                    ])?;
                    let seq = tx.last_insert_rowid();
                    write_record_keys(&tx, seq, integration_id.as_str(), write, false)?;
                    result.inserted += 1;
                    result.changed.push(index);
                }
                Some((seq, hash, deleted)) if deleted || hash != write.content_hash => {
                    let document = document_text(&write.document)?;
                    update_changed.execute(params![
                        document,
                        write.content_hash,
                        now,
                        remote_created_at,
                        run,
                        seq
                    ])?;
                    write_record_keys(&tx, seq, integration_id.as_str(), write, true)?;
                    if deleted {
                        result.undeleted += 1;
                    } else {
                        result.updated += 1;
                    }
                    result.changed.push(index);
                }
                Some((seq, _, _)) => {
                    update_seen.execute(params![run, now, seq])?;
                    result.unchanged += 1;
                }
            }
        }
    }
    tx.commit()?;
    Ok(result)
}

pub(crate) fn mark_unseen_deleted(
    conn: &mut Connection,
    integration_id: &IntegrationId,
    model: Model,
    run_id: RunId,
    now: Timestamp,
) -> Result<Vec<StoredRecord>, StoreError> {
    let tx = conn.transaction()?;
    let started_at: i64 = tx
        .prepare_cached("SELECT started_at FROM sync_runs WHERE id = ?1 AND integration_id = ?2")?
        .query_row(params![run_id.0, integration_id.as_str()], |row| row.get(0))
        .optional()?
        .ok_or(StoreError::RunNotFound(run_id.0))?;
    const RETURNED_COLUMNS: &str = "seq, id, remote_id, document, changed_at, \
         remote_deleted_at, relations_changed_at, remote_created_at";
    // Records written after the run started without being seen by it (created through the
    // API meanwhile) are not evidence of a deletion, so they are spared.
    let mut statement = tx.prepare_cached(&format!(
        "UPDATE records SET remote_deleted_at = ?1, changed_at = ?1
             WHERE integration_id = ?2 AND model = ?3 AND remote_deleted_at IS NULL
               AND (last_seen_run IS NULL OR last_seen_run <> ?4)
               AND (written_outside_run_at IS NULL OR written_outside_run_at < ?5)
             RETURNING {RETURNED_COLUMNS}"
    ))?;
    let marked = collect_records(
        &mut statement,
        params![
            ts_to_sql(now),
            integration_id.as_str(),
            model.as_str(),
            run_id.0,
            started_at
        ],
        model,
    )?;
    drop(statement);
    tx.commit()?;
    Ok(marked)
}

pub(crate) fn touch_relations(
    conn: &Connection,
    log: &StatementLog,
    integration_id: &IntegrationId,
    model: Model,
    remote_ids: &[String],
    now: Timestamp,
) -> Result<u64, StoreError> {
    if remote_ids.is_empty() {
        return Ok(0);
    }
    const TOUCH: &str = "UPDATE records SET relations_changed_at = ?1
         WHERE integration_id = ?2 AND model = ?3
           AND remote_id IN (SELECT value FROM json_each(?4))";
    let params = vec![
        Param::Int(ts_to_sql(now)),
        Param::Text(integration_id.as_str().to_owned()),
        Param::Text(model.as_str().to_owned()),
        Param::TextList(remote_ids.to_vec()),
    ];
    log.record(TOUCH, || params.clone());
    let touched = conn
        .prepare_cached(TOUCH)?
        .execute(params_from_iter(sqlite_params(&params)))?;
    Ok(touched as u64)
}

/// Runs a shared query built by [`crate::sql`].
fn run_shared(
    conn: &Connection,
    log: &StatementLog,
    sql: &Sql<'_>,
    model: Model,
) -> Result<Vec<StoredRecord>, StoreError> {
    log.record(&sql.text, || sql.params.clone());
    let mut statement = conn.prepare_cached(&sql.text)?;
    collect_records(
        &mut statement,
        params_from_iter(sqlite_params(&sql.params)),
        model,
    )
}

pub(crate) fn list_records(
    conn: &Connection,
    log: &StatementLog,
    query: &RecordQuery,
) -> Result<Vec<StoredRecord>, StoreError> {
    if query.limit == 0 {
        return Ok(Vec::new());
    }
    run_shared(conn, log, &list_query(&SqliteDialect, query), query.model)
}

pub(crate) fn find_related(
    conn: &Connection,
    log: &StatementLog,
    query: &RelationQuery,
) -> Result<Vec<StoredRecord>, StoreError> {
    if query.values.is_empty() {
        return Ok(Vec::new());
    }
    run_shared(
        conn,
        log,
        &relation_query(&SqliteDialect, query),
        query.model,
    )
}

pub(crate) fn get_by_column(
    conn: &Connection,
    log: &StatementLog,
    integration_id: &IntegrationId,
    model: Model,
    column: KeyColumn,
    keys: &[&str],
) -> Result<Vec<StoredRecord>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let column = match column {
        KeyColumn::RemoteId => "remote_id",
        KeyColumn::KomboId => "id",
    };
    let text = format!(
        "SELECT {RECORD_COLUMNS} FROM records r
         WHERE r.integration_id = ?1 AND r.model = ?2
           AND r.{column} IN (SELECT value FROM json_each(?3))
         ORDER BY r.seq"
    );
    let params = vec![
        Param::Text(integration_id.as_str().to_owned()),
        Param::Text(model.as_str().to_owned()),
        Param::TextList(keys.iter().map(|k| (*k).to_owned()).collect()),
    ];
    log.record(&text, || params.clone());
    let mut statement = conn.prepare_cached(&text)?;
    collect_records(
        &mut statement,
        params_from_iter(sqlite_params(&params)),
        model,
    )
}

/// Which column [`get_by_column`] matches.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyColumn {
    /// The provider's id.
    RemoteId,
    /// The Kombo id.
    KomboId,
}

pub(crate) fn known_remote_ids(
    conn: &Connection,
    log: &StatementLog,
    integration_id: &IntegrationId,
    model: Model,
    include_deleted: bool,
) -> Result<Vec<String>, StoreError> {
    // Two statements rather than `(?3 OR remote_deleted_at IS NULL)`, so that the live one
    // can use the partial index of live records.
    let text = if include_deleted {
        "SELECT remote_id FROM records
         WHERE integration_id = ?1 AND model = ?2
         ORDER BY seq"
    } else {
        "SELECT remote_id FROM records
         WHERE integration_id = ?1 AND model = ?2 AND remote_deleted_at IS NULL
         ORDER BY seq"
    };
    let params = vec![
        Param::Text(integration_id.as_str().to_owned()),
        Param::Text(model.as_str().to_owned()),
    ];
    log.record(text, || params.clone());
    let ids = conn
        .prepare_cached(text)?
        .query_map(params_from_iter(sqlite_params(&params)), |row| row.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}
