//! Conversions between Rust values and SQLite columns.

use atsbridge_schema::Model;
use rusqlite::Row;

use crate::error::StoreError;
use crate::model::StoredRecord;
use crate::rows::RawRecord;
pub(crate) use crate::rows::{ts_from_sql, ts_to_sql};

/// Encodes a list of strings as a JSON array, bound as one parameter and expanded in SQL with
/// `json_each(?)`, which avoids SQLite's limit on bound parameters.
pub(crate) fn json_list<S: AsRef<str>>(values: &[S]) -> String {
    let strings: Vec<&str> = values.iter().map(AsRef::as_ref).collect();
    serde_json::Value::from(strings).to_string()
}

/// Reads the record columns of a row (`crate::sql::RECORD_COLUMNS`, in that order).
pub(crate) fn raw_record(row: &Row<'_>) -> rusqlite::Result<RawRecord> {
    Ok(RawRecord {
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

/// Runs a prepared record query and converts every row.
pub(crate) fn collect_records(
    statement: &mut rusqlite::Statement<'_>,
    params: impl rusqlite::Params,
    model: Model,
) -> Result<Vec<StoredRecord>, StoreError> {
    let raws = statement
        .query_map(params, raw_record)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(|raw| raw.into_record(model)).collect()
}
