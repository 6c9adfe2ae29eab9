//! Record writes (batches, deletion marking, relation touches) and reads (keyset lists).

use atsbridge_schema::{KomboId, Model, Timestamp};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::convert::{RECORD_COLUMNS, collect_records, json_list, ts_to_sql};
use crate::error::StoreError;
use crate::model::{
    BatchResult, IntegrationId, JsonFilterOp, RecordQuery, RecordWrite, RunId, StoredRecord,
    TrackedRestriction,
};

/// Largest page [`list_records`] returns, whatever the caller asks for.
pub(crate) const MAX_LIST_LIMIT: u32 = 10_000;

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

fn document_text(document: &serde_json::Value) -> Result<String, StoreError> {
    serde_json::to_string(document).map_err(|source| StoreError::Serialize {
        what: "record document",
        source,
    })
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
    // Records written after the run started without being seen by it (created through the
    // API meanwhile) are not evidence of a deletion, so they are spared.
    let mut statement = tx.prepare_cached(&format!(
        "UPDATE records SET remote_deleted_at = ?1, changed_at = ?1
             WHERE integration_id = ?2 AND model = ?3 AND remote_deleted_at IS NULL
               AND (last_seen_run IS NULL OR last_seen_run <> ?4)
               AND (written_outside_run_at IS NULL OR written_outside_run_at < ?5)
             RETURNING {RECORD_COLUMNS}"
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
    integration_id: &IntegrationId,
    model: Model,
    remote_ids: &[String],
    now: Timestamp,
) -> Result<u64, StoreError> {
    if remote_ids.is_empty() {
        return Ok(0);
    }
    let touched = conn
        .prepare_cached(
            "UPDATE records SET relations_changed_at = ?1
             WHERE integration_id = ?2 AND model = ?3
               AND remote_id IN (SELECT value FROM json_each(?4))",
        )?
        .execute(params![
            ts_to_sql(now),
            integration_id.as_str(),
            model.as_str(),
            json_list(remote_ids)
        ])?;
    Ok(touched as u64)
}

/// Builds the SQL and parameters of a [`RecordQuery`]. Every value is bound, never inlined.
fn build_list_query(query: &RecordQuery) -> (String, Vec<Value>) {
    let mut sql =
        format!("SELECT {RECORD_COLUMNS} FROM records WHERE integration_id = ? AND model = ?");
    let mut values: Vec<Value> = vec![
        Value::Text(query.integration_id.to_string()),
        Value::Text(query.model.as_str().to_owned()),
    ];
    if let Some(after) = query.after_seq {
        sql.push_str(" AND seq > ?");
        values.push(Value::Integer(after));
    }
    if !query.include_deleted {
        sql.push_str(" AND remote_deleted_at IS NULL");
    }
    if let Some(after) = query.updated_after {
        sql.push_str(" AND (changed_at > ? OR relations_changed_at > ?)");
        values.push(Value::Integer(ts_to_sql(after)));
        values.push(Value::Integer(ts_to_sql(after)));
    }
    if let Some(after) = query.remote_created_after {
        sql.push_str(" AND remote_created_at > ?");
        values.push(Value::Integer(ts_to_sql(after)));
    }
    if let Some(ids) = &query.ids {
        sql.push_str(" AND id IN (SELECT value FROM json_each(?))");
        let ids: Vec<&str> = ids.iter().map(KomboId::as_str).collect();
        values.push(Value::Text(json_list(&ids)));
    }
    if let Some(remote_ids) = &query.remote_ids {
        sql.push_str(" AND remote_id IN (SELECT value FROM json_each(?))");
        values.push(Value::Text(json_list(remote_ids)));
    }
    if let Some(remote_ids) = &query.restrict_to_remote_ids {
        sql.push_str(" AND remote_id IN (SELECT value FROM json_each(?))");
        values.push(Value::Text(json_list(remote_ids)));
    }
    if let Some(restriction) = query.restrict_to_tracked {
        let column = match restriction {
            TrackedRestriction::Applications => "application_remote_id",
            TrackedRestriction::Candidates => "candidate_remote_id",
        };
        sql.push_str(&format!(
            " AND remote_id IN (SELECT {column} FROM tracked_applications
                                WHERE integration_id = ? AND {column} IS NOT NULL)"
        ));
        values.push(Value::Text(query.integration_id.to_string()));
    }
    for filter in &query.json_filters {
        let path = Value::Text(filter.path.clone());
        match &filter.op {
            JsonFilterOp::In(accepted) => {
                sql.push_str(" AND json_extract(document, ?) IN (SELECT value FROM json_each(?))");
                values.push(path);
                values.push(Value::Text(json_list(accepted)));
            }
            JsonFilterOp::ContainsCaseInsensitive(needle) => {
                sql.push_str(" AND instr(lower(json_extract(document, ?)), lower(?)) > 0");
                values.push(path);
                values.push(Value::Text(needle.clone()));
            }
            JsonFilterOp::EqualsCaseInsensitive(expected) => {
                sql.push_str(" AND lower(json_extract(document, ?)) = lower(?)");
                values.push(path);
                values.push(Value::Text(expected.clone()));
            }
            JsonFilterOp::ArrayContainsAny {
                item_key,
                values: accepted,
                case_insensitive,
            } => {
                let item = match item_key {
                    Some(_) => "json_extract(item.value, ?)",
                    None => "item.value",
                };
                let (item, accepted_value) = if *case_insensitive {
                    (format!("lower({item})"), "lower(accepted.value)")
                } else {
                    (item.to_owned(), "accepted.value")
                };
                sql.push_str(&format!(
                    " AND EXISTS (SELECT 1 FROM json_each(document, ?) AS item
                                  WHERE {item} IN (SELECT {accepted_value}
                                                   FROM json_each(?) AS accepted))"
                ));
                values.push(path);
                if let Some(key) = item_key {
                    values.push(Value::Text(json_member_path(key)));
                }
                values.push(Value::Text(json_list(accepted)));
            }
        }
    }
    sql.push_str(" ORDER BY seq LIMIT ?");
    values.push(Value::Integer(i64::from(query.limit.min(MAX_LIST_LIMIT))));
    (sql, values)
}

/// The JSON path of an object member, quoted so any key name is taken literally.
fn json_member_path(key: &str) -> String {
    format!("$.\"{}\"", key.replace('"', "\\\""))
}

pub(crate) fn list_records(
    conn: &Connection,
    query: &RecordQuery,
) -> Result<Vec<StoredRecord>, StoreError> {
    if query.limit == 0 {
        return Ok(Vec::new());
    }
    let (sql, values) = build_list_query(query);
    let mut statement = conn.prepare_cached(&sql)?;
    collect_records(&mut statement, params_from_iter(values), query.model)
}

pub(crate) fn get_by_column(
    conn: &Connection,
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
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {RECORD_COLUMNS} FROM records
         WHERE integration_id = ?1 AND model = ?2
           AND {column} IN (SELECT value FROM json_each(?3))
         ORDER BY seq"
    ))?;
    collect_records(
        &mut statement,
        params![integration_id.as_str(), model.as_str(), json_list(keys)],
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

pub(crate) fn find_by_json_in(
    conn: &Connection,
    integration_id: &IntegrationId,
    model: Model,
    path: &str,
    values: &[String],
    include_deleted: bool,
) -> Result<Vec<StoredRecord>, StoreError> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {RECORD_COLUMNS} FROM records
         WHERE integration_id = ?1 AND model = ?2
           AND (?5 OR remote_deleted_at IS NULL)
           AND json_extract(document, ?3) IN (SELECT value FROM json_each(?4))
         ORDER BY seq"
    ))?;
    collect_records(
        &mut statement,
        params![
            integration_id.as_str(),
            model.as_str(),
            path,
            json_list(values),
            include_deleted
        ],
        model,
    )
}

pub(crate) fn known_remote_ids(
    conn: &Connection,
    integration_id: &IntegrationId,
    model: Model,
    include_deleted: bool,
) -> Result<Vec<String>, StoreError> {
    let ids = conn
        .prepare_cached(
            "SELECT remote_id FROM records
             WHERE integration_id = ?1 AND model = ?2 AND (?3 OR remote_deleted_at IS NULL)
             ORDER BY seq",
        )?
        .query_map(
            params![integration_id.as_str(), model.as_str(), include_deleted],
            |row| row.get(0),
        )?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}
