//! Conversions between Rust values and SQLite columns.

use atsbridge_schema::{KomboId, Model, Timestamp};
use chrono::DateTime;
use rusqlite::Row;

use crate::error::StoreError;
use crate::model::StoredRecord;

/// Timestamps are stored as microseconds since the Unix epoch.
pub(crate) fn ts_to_sql(timestamp: Timestamp) -> i64 {
    timestamp.as_datetime().timestamp_micros()
}

/// Reads a timestamp column back.
pub(crate) fn ts_from_sql(micros: i64) -> Result<Timestamp, StoreError> {
    DateTime::from_timestamp_micros(micros)
        .map(Timestamp::from)
        .ok_or_else(|| StoreError::Corrupt(format!("timestamp {micros} is out of range")))
}

/// Reads an optional timestamp column back.
pub(crate) fn opt_ts_from_sql(micros: Option<i64>) -> Result<Option<Timestamp>, StoreError> {
    micros.map(ts_from_sql).transpose()
}

/// Encodes a list of strings as a JSON array, bound as one parameter and expanded in SQL with
/// `json_each(?)`, which avoids SQLite's limit on bound parameters.
pub(crate) fn json_list<S: AsRef<str>>(values: &[S]) -> String {
    let strings: Vec<&str> = values.iter().map(AsRef::as_ref).collect();
    serde_json::Value::from(strings).to_string()
}

/// Raw record columns, converted outside rusqlite's closure so that corrupt values become a
/// [`StoreError::Corrupt`] instead of a generic conversion error.
pub(crate) struct RawRecord {
    seq: i64,
    id: String,
    remote_id: String,
    document: String,
    changed_at: i64,
    remote_deleted_at: Option<i64>,
    relations_changed_at: Option<i64>,
    remote_created_at: Option<i64>,
}

impl RawRecord {
    /// Reads the record columns of a row (`crate::sql::RECORD_COLUMNS`, in that order).
    pub(crate) fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            seq: row.get(0)?,
            id: row.get(1)?,
            remote_id: row.get(2)?,
            document: row.get(3)?,
            changed_at: row.get(4)?,
            remote_deleted_at: row.get(5)?,
            relations_changed_at: row.get(6)?,
            remote_created_at: row.get(7)?,
        })
    }

    /// Converts to a [`StoredRecord`] of `model`.
    pub(crate) fn into_record(self, model: Model) -> Result<StoredRecord, StoreError> {
        let seq = self.seq;
        let corrupt = |what: &str, detail: String| {
            StoreError::Corrupt(format!("{} record seq {seq}: {what}: {detail}", model))
        };
        Ok(StoredRecord {
            seq,
            id: KomboId::parse(&self.id).map_err(|e| corrupt("bad id", e.to_string()))?,
            remote_id: self.remote_id,
            model,
            document: serde_json::from_str(&self.document)
                .map_err(|e| corrupt("bad document JSON", e.to_string()))?,
            changed_at: ts_from_sql(self.changed_at)?,
            remote_deleted_at: opt_ts_from_sql(self.remote_deleted_at)?,
            relations_changed_at: opt_ts_from_sql(self.relations_changed_at)?,
            remote_created_at: opt_ts_from_sql(self.remote_created_at)?,
        })
    }
}

/// Runs a prepared record query and converts every row.
pub(crate) fn collect_records(
    statement: &mut rusqlite::Statement<'_>,
    params: impl rusqlite::Params,
    model: Model,
) -> Result<Vec<StoredRecord>, StoreError> {
    let raws = statement
        .query_map(params, RawRecord::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(|raw| raw.into_record(model)).collect()
}
