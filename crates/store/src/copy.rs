//! Copying a whole store into another, empty one (`atsbridge store copy`), and checking it.
//!
//! Rows move table by table in pages (memory stays bounded by the page size), owners before
//! what they own. At the end, every table is read back from both stores and compared by row
//! count and by a digest of the rows: the sum of a SHA-256 per row, so it does not depend on
//! the order in which each backend lists rows. Documents enter the digest in a canonical form
//! (object keys sorted), so a backend that re-orders JSON keys still compares equal.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::export::{ExportKey, ExportRow, ExportTable};
use crate::{Store, StoreError, StoreResult};

/// Rows moved per page.
pub const COPY_PAGE_ROWS: u32 = 2_000;

/// Count and digest of one table on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCheck {
    /// The table.
    pub table: ExportTable,
    /// Rows in the source.
    pub source_rows: u64,
    /// Rows in the target.
    pub target_rows: u64,
    /// Digest of the source's rows (hex).
    pub source_digest: String,
    /// Digest of the target's rows (hex).
    pub target_digest: String,
}

impl TableCheck {
    /// Whether both sides hold the same rows.
    pub fn matches(&self) -> bool {
        self.source_rows == self.target_rows && self.source_digest == self.target_digest
    }
}

/// Copies every row of `source` into `target`, which must be empty, then compares both.
///
/// `progress` is called after each page with the table and the rows copied of it so far.
/// Fails with [`StoreError::TargetNotEmpty`] before writing anything when the target holds
/// data, and with [`StoreError::CopyMismatch`] when a table differs afterwards.
pub async fn copy_store(
    source: &dyn Store,
    target: &dyn Store,
    mut progress: impl FnMut(ExportTable, u64),
) -> StoreResult<Vec<TableCheck>> {
    if !target.is_empty().await? {
        return Err(StoreError::TargetNotEmpty);
    }
    for table in ExportTable::ALL {
        let mut after: Option<ExportKey> = None;
        let mut copied = 0_u64;
        loop {
            let rows = source
                .export_rows(table, after.clone(), COPY_PAGE_ROWS)
                .await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = Some(last.export_key());
            copied += rows.len() as u64;
            target.import_rows(rows).await?;
            progress(table, copied);
        }
    }
    let checks = compare_stores(source, target).await?;
    if let Some(bad) = checks.iter().find(|check| !check.matches()) {
        return Err(StoreError::CopyMismatch(format!(
            "{}: {} rows ({}) in the source, {} rows ({}) in the target",
            bad.table.as_str(),
            bad.source_rows,
            bad.source_digest,
            bad.target_rows,
            bad.target_digest
        )));
    }
    Ok(checks)
}

/// Counts and digests every table of both stores.
pub async fn compare_stores(
    source: &dyn Store,
    target: &dyn Store,
) -> StoreResult<Vec<TableCheck>> {
    let mut checks = Vec::new();
    for table in ExportTable::ALL {
        let (source_rows, source_digest) = table_digest(source, table).await?;
        let (target_rows, target_digest) = table_digest(target, table).await?;
        checks.push(TableCheck {
            table,
            source_rows,
            target_rows,
            source_digest,
            target_digest,
        });
    }
    Ok(checks)
}

/// Row count and order-independent digest of one table.
pub async fn table_digest(store: &dyn Store, table: ExportTable) -> StoreResult<(u64, String)> {
    let mut sum = [0_u64; 4];
    let mut rows = 0_u64;
    let mut after: Option<ExportKey> = None;
    loop {
        let page = store
            .export_rows(table, after.clone(), COPY_PAGE_ROWS)
            .await?;
        let Some(last) = page.last() else {
            break;
        };
        after = Some(last.export_key());
        for row in &page {
            add_lanes(&mut sum, &row_hash(row)?);
            rows += 1;
        }
    }
    let digest = sum.iter().map(|lane| format!("{lane:016x}")).collect();
    Ok((rows, digest))
}

/// SHA-256 of a row's canonical JSON.
fn row_hash(row: &ExportRow) -> StoreResult<[u8; 32]> {
    let mut canonical = canonical_row(row)?;
    if let (ExportRow::Record { document, .. }, Some(object)) = (row, canonical.as_object_mut()) {
        let parsed: serde_json::Value = serde_json::from_str(document)
            .map_err(|e| StoreError::Corrupt(format!("a record document is not JSON: {e}")))?;
        object.insert("document".into(), sorted(parsed));
    }
    let text = serde_json::to_string(&canonical).map_err(|source| StoreError::Serialize {
        what: "export row",
        source,
    })?;
    Ok(Sha256::digest(text.as_bytes()).into())
}

fn canonical_row(row: &ExportRow) -> StoreResult<serde_json::Value> {
    serde_json::to_value(row)
        .map(sorted)
        .map_err(|source| StoreError::Serialize {
            what: "export row",
            source,
        })
}

/// The value with every object's keys in sorted order.
fn sorted(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let ordered: BTreeMap<String, serde_json::Value> =
                map.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            serde_json::Value::Object(ordered.into_iter().collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted).collect())
        }
        other => other,
    }
}

/// Adds a 256-bit hash into the running sum, lane by lane (wrapping).
fn add_lanes(sum: &mut [u64; 4], hash: &[u8; 32]) {
    for (lane, chunk) in sum.iter_mut().zip(hash.chunks_exact(8)) {
        let mut bytes = [0_u8; 8];
        bytes.copy_from_slice(chunk);
        *lane = lane.wrapping_add(u64::from_be_bytes(bytes));
    }
}
