//! The operator dashboard's queries on SQLite (see `crate::dashboard`).

use atsbridge_schema::{Model, Timestamp};
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::convert::ts_to_sql;
use super::records::sqlite_params;
use crate::dashboard::{
    ADMIN_TOKEN_META, DailyChanges, ModelRecordCount, count_from_sql, daily_changes, histogram_sql,
    merge_counts, parse_model,
};
use crate::error::StoreError;
use crate::explain::StatementLog;
use crate::model::IntegrationId;
use crate::sql::Param;

const TOTALS: &str = "SELECT model, count(*) FROM records WHERE integration_id = ?1 \
                      GROUP BY model";
const LIVE: &str = "SELECT model, count(*) FROM records WHERE integration_id = ?1 \
                    AND remote_deleted_at IS NULL GROUP BY model";

pub(crate) fn set_admin_token_hash(conn: &Connection, sha256: &[u8; 32]) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO store_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![ADMIN_TOKEN_META, sha256.as_slice()],
    )?;
    Ok(())
}

pub(crate) fn admin_token_hash(conn: &Connection) -> Result<Option<[u8; 32]>, StoreError> {
    let stored: Option<Vec<u8>> = conn
        .query_row(
            "SELECT value FROM store_meta WHERE key = ?1",
            [ADMIN_TOKEN_META],
            |row| row.get(0),
        )
        .optional()?;
    stored
        .map(|bytes| {
            <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
                StoreError::Corrupt("the stored admin token hash is not 32 bytes".into())
            })
        })
        .transpose()
}

fn model_counts(
    conn: &Connection,
    log: &StatementLog,
    sql: &str,
    integration_id: &IntegrationId,
) -> Result<Vec<(Model, u64)>, StoreError> {
    let params = vec![Param::Text(integration_id.as_str().to_owned())];
    log.record(sql, || params.clone());
    let rows = conn
        .prepare_cached(sql)?
        .query_map(params_from_iter(sqlite_params(&params)), |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(model, count)| Ok((parse_model(&model)?, count_from_sql(count)?)))
        .collect()
}

pub(crate) fn record_counts(
    conn: &Connection,
    log: &StatementLog,
    integration_id: &IntegrationId,
) -> Result<Vec<ModelRecordCount>, StoreError> {
    let totals = model_counts(conn, log, TOTALS, integration_id)?;
    let live = model_counts(conn, log, LIVE, integration_id)?;
    Ok(merge_counts(totals, live))
}

pub(crate) fn changed_at_histogram(
    conn: &Connection,
    log: &StatementLog,
    integration_id: &IntegrationId,
    since: Timestamp,
) -> Result<Vec<DailyChanges>, StoreError> {
    let sql = histogram_sql("?1", "?2");
    let params = vec![
        Param::Text(integration_id.as_str().to_owned()),
        Param::Int(ts_to_sql(since)),
    ];
    log.record(&sql, || params.clone());
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(sqlite_params(&params)), |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(model, day, count)| daily_changes(&model, day, count))
        .collect()
}
