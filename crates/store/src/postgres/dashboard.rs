//! The operator dashboard's queries on PostgreSQL (see `crate::dashboard`).

use atsbridge_schema::{Model, Timestamp};
use deadpool_postgres::Object;

use super::PgParams;
use crate::dashboard::{
    ADMIN_TOKEN_META, DailyChanges, ModelRecordCount, count_from_sql, daily_changes, histogram_sql,
    merge_counts, parse_model,
};
use crate::error::StoreError;
use crate::explain::StatementLog;
use crate::model::IntegrationId;
use crate::rows::ts_to_sql;
use crate::sql::Param;

const TOTALS: &str = "SELECT model, count(*) FROM records WHERE integration_id = $1 \
                      GROUP BY model";
const LIVE: &str = "SELECT model, count(*) FROM records WHERE integration_id = $1 \
                    AND remote_deleted_at IS NULL GROUP BY model";

pub(crate) async fn set_admin_token_hash(
    client: &Object,
    sha256: &[u8; 32],
) -> Result<(), StoreError> {
    client
        .execute(
            "INSERT INTO store_meta (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&ADMIN_TOKEN_META, &sha256.as_slice()],
        )
        .await?;
    Ok(())
}

pub(crate) async fn admin_token_hash(client: &Object) -> Result<Option<[u8; 32]>, StoreError> {
    let row = client
        .query_opt(
            "SELECT value FROM store_meta WHERE key = $1",
            &[&ADMIN_TOKEN_META],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let bytes: Vec<u8> = row.try_get(0)?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map(Some)
        .map_err(|_| StoreError::Corrupt("the stored admin token hash is not 32 bytes".into()))
}

async fn model_counts(
    client: &Object,
    log: &StatementLog,
    sql: &str,
    integration_id: &IntegrationId,
) -> Result<Vec<(Model, u64)>, StoreError> {
    let params = vec![Param::Text(integration_id.as_str().to_owned())];
    log.record(sql, || params.clone());
    let statement = client.prepare_cached(sql).await?;
    let values = PgParams::new(&params);
    let rows = client.query(&statement, &values.refs()).await?;
    rows.iter()
        .map(|row| {
            let model: String = row.try_get(0)?;
            let count: i64 = row.try_get(1)?;
            Ok((parse_model(&model)?, count_from_sql(count)?))
        })
        .collect()
}

pub(crate) async fn record_counts(
    client: &Object,
    log: &StatementLog,
    integration_id: &IntegrationId,
) -> Result<Vec<ModelRecordCount>, StoreError> {
    let totals = model_counts(client, log, TOTALS, integration_id).await?;
    let live = model_counts(client, log, LIVE, integration_id).await?;
    Ok(merge_counts(totals, live))
}

pub(crate) async fn changed_at_histogram(
    client: &Object,
    log: &StatementLog,
    integration_id: &IntegrationId,
    since: Timestamp,
) -> Result<Vec<DailyChanges>, StoreError> {
    let sql = histogram_sql("$1", "$2");
    let params = vec![
        Param::Text(integration_id.as_str().to_owned()),
        Param::Int(ts_to_sql(since)),
    ];
    log.record(&sql, || params.clone());
    let statement = client.prepare_cached(&sql).await?;
    let values = PgParams::new(&params);
    let rows = client.query(&statement, &values.refs()).await?;
    rows.iter()
        .map(|row| {
            let model: String = row.try_get(0)?;
            let day: i64 = row.try_get(1)?;
            let count: i64 = row.try_get(2)?;
            daily_changes(&model, day, count)
        })
        .collect()
}
