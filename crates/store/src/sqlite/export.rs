//! Whole-store export and import for `atsbridge store copy` (see [`crate::export`]).

use rusqlite::{Connection, Row, params_from_iter};

use super::records::{SqliteDialect, insert_record_keys, sqlite_params};
use crate::error::StoreError;
use crate::export::{
    ColumnReader, ExportKey, ExportRow, ExportTable, insert_statement, select_page,
};

impl ColumnReader for Row<'_> {
    fn text(&self, index: usize) -> Result<String, StoreError> {
        Ok(self.get(index)?)
    }

    fn opt_text(&self, index: usize) -> Result<Option<String>, StoreError> {
        Ok(self.get(index)?)
    }

    fn int(&self, index: usize) -> Result<i64, StoreError> {
        Ok(self.get(index)?)
    }

    fn opt_int(&self, index: usize) -> Result<Option<i64>, StoreError> {
        Ok(self.get(index)?)
    }

    fn bytes(&self, index: usize) -> Result<Vec<u8>, StoreError> {
        Ok(self.get(index)?)
    }
}

/// Whether no exported table holds a row (the key check in `store_meta` does not count).
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

pub(crate) fn export_rows(
    conn: &Connection,
    table: ExportTable,
    after: Option<&ExportKey>,
    limit: u32,
) -> Result<Vec<ExportRow>, StoreError> {
    let (sql, params) = select_page(&SqliteDialect, table, after, limit);
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query(params_from_iter(sqlite_params(&params)))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(ExportRow::read(table, row)?);
    }
    Ok(out)
}

/// Inserts the rows in one transaction; AUTOINCREMENT continues after the largest id.
pub(crate) fn import_rows(conn: &mut Connection, rows: &[ExportRow]) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    for row in rows {
        let sql = insert_statement(&SqliteDialect, row.table());
        tx.prepare_cached(&sql)?
            .execute(params_from_iter(sqlite_params(&row.params())))?;
        if let Some((seq, integration_id, model, document)) = row.record_for_keys()? {
            insert_record_keys(&tx, seq, integration_id, model, &document)?;
        }
    }
    tx.commit()?;
    Ok(())
}
