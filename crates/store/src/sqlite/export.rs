//! Whole-store export and import for `atsbridge store copy` (see [`crate::export`]).

use rusqlite::types::Value;
use rusqlite::{Connection, Row, params, params_from_iter};

use super::records::{insert_record_keys, parse_stored};
use crate::error::StoreError;
use crate::export::{ExportKey, ExportRow, ExportTable};

/// Whether no table holds a row (the key check in `store_meta` does not count).
pub(crate) fn is_empty(conn: &Connection) -> Result<bool, StoreError> {
    for table in ExportTable::ALL {
        let any: bool = conn.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM {})", table.as_str()),
            [],
            |row| row.get(0),
        )?;
        if any {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The columns, order and key condition of each table's export.
fn export_sql(table: ExportTable, has_after: bool) -> String {
    let (columns, key, order) = match table {
        ExportTable::Environments => ("id, name, created_at", "id > ?1", "id"),
        ExportTable::ApiKeys => (
            "id, environment_id, label, secret_sha256, created_at",
            "id > ?1",
            "id",
        ),
        ExportTable::Integrations => (
            "id, environment_id, tool, remote_label, credentials, settings, sync_state, \
             created_at",
            "id > ?1",
            "id",
        ),
        ExportTable::Records => (
            "seq, integration_id, model, remote_id, id, document, content_hash, changed_at, \
             remote_deleted_at, relations_changed_at, remote_created_at, last_seen_run, \
             written_outside_run_at",
            "seq > ?1",
            "seq",
        ),
        ExportTable::TrackedApplications => (
            "integration_id, application_remote_id, candidate_remote_id, job_remote_id, \
             tracked_at",
            "(integration_id, application_remote_id) > (?1, ?2)",
            "integration_id, application_remote_id",
        ),
        ExportTable::SyncRuns => (
            "id, integration_id, mode, status, started_at, finished_at, counts, requests, \
             error, heartbeat_at",
            "id > ?1",
            "id",
        ),
    };
    let condition = if has_after { key } else { "1 = 1" };
    format!(
        "SELECT {columns} FROM {} WHERE {condition} ORDER BY {order} LIMIT ?9",
        table.as_str()
    )
}

fn row_of(table: ExportTable, row: &Row<'_>) -> rusqlite::Result<ExportRow> {
    Ok(match table {
        ExportTable::Environments => ExportRow::Environment {
            id: row.get(0)?,
            name: row.get(1)?,
            created_at: row.get(2)?,
        },
        ExportTable::ApiKeys => ExportRow::ApiKey {
            id: row.get(0)?,
            environment_id: row.get(1)?,
            label: row.get(2)?,
            secret_sha256: row.get(3)?,
            created_at: row.get(4)?,
        },
        ExportTable::Integrations => ExportRow::Integration {
            id: row.get(0)?,
            environment_id: row.get(1)?,
            tool: row.get(2)?,
            remote_label: row.get(3)?,
            credentials: row.get(4)?,
            settings: row.get(5)?,
            sync_state: row.get(6)?,
            created_at: row.get(7)?,
        },
        ExportTable::Records => ExportRow::Record {
            seq: row.get(0)?,
            integration_id: row.get(1)?,
            model: row.get(2)?,
            remote_id: row.get(3)?,
            id: row.get(4)?,
            document: row.get(5)?,
            content_hash: row.get(6)?,
            changed_at: row.get(7)?,
            remote_deleted_at: row.get(8)?,
            relations_changed_at: row.get(9)?,
            remote_created_at: row.get(10)?,
            last_seen_run: row.get(11)?,
            written_outside_run_at: row.get(12)?,
        },
        ExportTable::TrackedApplications => ExportRow::TrackedApplication {
            integration_id: row.get(0)?,
            application_remote_id: row.get(1)?,
            candidate_remote_id: row.get(2)?,
            job_remote_id: row.get(3)?,
            tracked_at: row.get(4)?,
        },
        ExportTable::SyncRuns => ExportRow::SyncRun {
            id: row.get(0)?,
            integration_id: row.get(1)?,
            mode: row.get(2)?,
            status: row.get(3)?,
            started_at: row.get(4)?,
            finished_at: row.get(5)?,
            counts: row.get(6)?,
            requests: row.get(7)?,
            error: row.get(8)?,
            heartbeat_at: row.get(9)?,
        },
    })
}

pub(crate) fn export_rows(
    conn: &Connection,
    table: ExportTable,
    after: Option<&ExportKey>,
    limit: u32,
) -> Result<Vec<ExportRow>, StoreError> {
    let mut values: Vec<Value> = vec![Value::Null; 9];
    match after {
        Some(ExportKey::Int(n)) => values[0] = Value::Integer(*n),
        Some(ExportKey::Text(first, second)) => {
            values[0] = Value::Text(first.clone());
            values[1] = Value::Text(second.clone());
        }
        None => {}
    }
    values[8] = Value::Integer(i64::from(limit));
    let sql = export_sql(table, after.is_some());
    let mut statement = conn.prepare_cached(&sql)?;
    // Every ?N up to ?9 is referenced or bound as NULL; unused ones are harmless.
    let rows = statement
        .query_map(params_from_iter(values), |row| row_of(table, row))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(crate) fn import_rows(conn: &mut Connection, rows: &[ExportRow]) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    for row in rows {
        import_row(&tx, row)?;
    }
    tx.commit()?;
    Ok(())
}

fn import_row(conn: &Connection, row: &ExportRow) -> Result<(), StoreError> {
    match row {
        ExportRow::Environment {
            id,
            name,
            created_at,
        } => {
            conn.prepare_cached(
                "INSERT INTO environments (id, name, created_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![id, name, created_at])?;
        }
        ExportRow::ApiKey {
            id,
            environment_id,
            label,
            secret_sha256,
            created_at,
        } => {
            conn.prepare_cached(
                "INSERT INTO api_keys (id, environment_id, label, secret_sha256, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                id,
                environment_id,
                label,
                secret_sha256,
                created_at
            ])?;
        }
        ExportRow::Integration {
            id,
            environment_id,
            tool,
            remote_label,
            credentials,
            settings,
            sync_state,
            created_at,
        } => {
            conn.prepare_cached(
                "INSERT INTO integrations (id, environment_id, tool, remote_label, credentials,
                                           settings, sync_state, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                id,
                environment_id,
                tool,
                remote_label,
                credentials,
                settings,
                sync_state,
                created_at
            ])?;
        }
        ExportRow::Record { .. } => import_record(conn, row)?,
        ExportRow::TrackedApplication {
            integration_id,
            application_remote_id,
            candidate_remote_id,
            job_remote_id,
            tracked_at,
        } => {
            conn.prepare_cached(
                "INSERT INTO tracked_applications (integration_id, application_remote_id,
                     candidate_remote_id, job_remote_id, tracked_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                integration_id,
                application_remote_id,
                candidate_remote_id,
                job_remote_id,
                tracked_at
            ])?;
        }
        ExportRow::SyncRun {
            id,
            integration_id,
            mode,
            status,
            started_at,
            finished_at,
            counts,
            requests,
            error,
            heartbeat_at,
        } => {
            conn.prepare_cached(
                "INSERT INTO sync_runs (id, integration_id, mode, status, started_at,
                     finished_at, counts, requests, error, heartbeat_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                id,
                integration_id,
                mode,
                status,
                started_at,
                finished_at,
                counts,
                requests,
                error,
                heartbeat_at
            ])?;
        }
    }
    Ok(())
}

/// Inserts a record row as it was and derives its key rows from the document.
fn import_record(conn: &Connection, row: &ExportRow) -> Result<(), StoreError> {
    let ExportRow::Record {
        seq,
        integration_id,
        model,
        remote_id,
        id,
        document,
        content_hash,
        changed_at,
        remote_deleted_at,
        relations_changed_at,
        remote_created_at,
        last_seen_run,
        written_outside_run_at,
    } = row
    else {
        return Ok(());
    };
    conn.prepare_cached(
        "INSERT INTO records (seq, integration_id, model, remote_id, id, document, content_hash,
             changed_at, remote_deleted_at, relations_changed_at, remote_created_at,
             last_seen_run, written_outside_run_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        seq,
        integration_id,
        model,
        remote_id,
        id,
        document,
        content_hash,
        changed_at,
        remote_deleted_at,
        relations_changed_at,
        remote_created_at,
        last_seen_run,
        written_outside_run_at
    ])?;
    let (parsed_model, parsed) = parse_stored(*seq, model, document)?;
    insert_record_keys(conn, *seq, integration_id, parsed_model, &parsed)?;
    Ok(())
}
