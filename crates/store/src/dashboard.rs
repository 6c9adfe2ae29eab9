//! What the operator dashboard reads from the store besides records and runs: the hash of
//! the admin token, record counts per model and a per-day picture of `changed_at`.
//!
//! Both backends answer the two read queries from the `records_by_changed_at` index
//! (`integration_id, model, changed_at`) alone, one range per model, so neither reads a
//! document or walks other integrations' rows.

use atsbridge_schema::{Model, Timestamp};

use crate::error::StoreError;

/// The `store_meta` key of the dashboard admin token's SHA-256 hash.
pub(crate) const ADMIN_TOKEN_META: &str = "dashboard_admin_token_sha256";

/// One microsecond-timestamp day.
pub(crate) const MICROS_PER_DAY: i64 = 86_400_000_000;

/// Stored records of one model of an integration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelRecordCount {
    /// The model.
    pub model: Model,
    /// Records the provider still has.
    pub live: u64,
    /// Records marked deleted (kept so `include_deleted` can serve them).
    pub deleted: u64,
}

/// How many records of one model got a new `changed_at` on one UTC day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyChanges {
    /// The model.
    pub model: Model,
    /// Midnight (UTC) that starts the day.
    pub day: Timestamp,
    /// Records of the model whose latest change falls on that day.
    pub records: u64,
}

/// The histogram query with the backend's two placeholders (integration id, `since` in
/// microseconds): one index range per model, as `model IN` the fixed list of models.
pub(crate) fn histogram_sql(integration_param: &str, since_param: &str) -> String {
    let models: Vec<String> = Model::ALL
        .iter()
        .map(|m| format!("'{}'", m.as_str()))
        .collect();
    format!(
        "SELECT model, changed_at / {MICROS_PER_DAY} AS day, count(*) FROM records \
         WHERE integration_id = {integration_param} AND model IN ({}) \
         AND changed_at >= {since_param} GROUP BY model, day ORDER BY model, day",
        models.join(", ")
    )
}

/// Converts one `(model, count)` row of a count query.
pub(crate) fn parse_model(name: &str) -> Result<Model, StoreError> {
    name.parse()
        .map_err(|_| StoreError::Corrupt(format!("unknown model `{name}` in records")))
}

/// Converts a count column (never negative in a healthy database).
pub(crate) fn count_from_sql(count: i64) -> Result<u64, StoreError> {
    u64::try_from(count).map_err(|_| StoreError::Corrupt(format!("negative count {count}")))
}

/// Merges the per-model totals and live counts into one entry per model that has records.
pub(crate) fn merge_counts(
    totals: Vec<(Model, u64)>,
    live: Vec<(Model, u64)>,
) -> Vec<ModelRecordCount> {
    Model::ALL
        .iter()
        .filter_map(|&model| {
            let total = totals.iter().find(|(m, _)| *m == model).map(|(_, n)| *n)?;
            let live = live
                .iter()
                .find(|(m, _)| *m == model)
                .map_or(0, |(_, n)| *n);
            Some(ModelRecordCount {
                model,
                live,
                deleted: total.saturating_sub(live),
            })
        })
        .collect()
}

/// Builds a [`DailyChanges`] from a `(model, day number, count)` row, where the day number
/// counts days since the Unix epoch.
pub(crate) fn daily_changes(model: &str, day: i64, count: i64) -> Result<DailyChanges, StoreError> {
    let micros = day
        .checked_mul(MICROS_PER_DAY)
        .ok_or_else(|| StoreError::Corrupt(format!("day {day} is out of range")))?;
    Ok(DailyChanges {
        model: parse_model(model)?,
        day: crate::rows::ts_from_sql(micros)?,
        records: count_from_sql(count)?,
    })
}
