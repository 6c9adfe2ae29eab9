//! Whole-store export and import for `atsbridge store copy` (see [`crate::export`]).

use std::collections::BTreeMap;

use deadpool_postgres::{GenericClient, Object};

use super::records::{KeyRows, write_record_keys};
use super::{PgDialect, PgParams};
use crate::error::StoreError;
use crate::export::{
    ColumnReader, ExportKey, ExportRow, ExportTable, insert_statement, select_page,
};
use crate::keys::index_keys;

impl ColumnReader for tokio_postgres::Row {
    fn text(&self, index: usize) -> Result<String, StoreError> {
        Ok(self.try_get(index)?)
    }

    fn opt_text(&self, index: usize) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(index)?)
    }

    fn int(&self, index: usize) -> Result<i64, StoreError> {
        Ok(self.try_get(index)?)
    }

    fn opt_int(&self, index: usize) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(index)?)
    }

    fn bytes(&self, index: usize) -> Result<Vec<u8>, StoreError> {
        Ok(self.try_get(index)?)
    }
}

/// Whether no exported table holds a row (the key check in `store_meta` does not count).
pub(crate) async fn is_empty(client: &impl GenericClient) -> Result<bool, StoreError> {
    for table in ExportTable::ALL {
        let row = client
            .query_one(
                &format!("SELECT EXISTS (SELECT 1 FROM {})", table.as_str()),
                &[],
            )
            .await?;
        if row.try_get::<_, bool>(0)? {
            return Ok(false);
        }
    }
    Ok(true)
}

pub(crate) async fn export_rows(
    client: &impl GenericClient,
    table: ExportTable,
    after: Option<&ExportKey>,
    limit: u32,
) -> Result<Vec<ExportRow>, StoreError> {
    let (sql, params) = select_page(&PgDialect, table, after, limit);
    let values = PgParams::new(&params);
    let rows = client.query(&sql, &values.refs()).await?;
    rows.iter().map(|row| ExportRow::read(table, row)).collect()
}

/// Inserts the rows in one transaction, derives the key rows of records, and moves the
/// identity sequences past the largest imported ids so later writes get fresh ones.
pub(crate) async fn import_rows(client: &mut Object, rows: &[ExportRow]) -> Result<(), StoreError> {
    let tx = client.transaction().await?;
    let mut keys: BTreeMap<String, KeyRows> = BTreeMap::new();
    for row in rows {
        let sql = insert_statement(&PgDialect, row.table());
        let values = PgParams::new(&row.params());
        tx.execute(&sql, &values.refs()).await?;
        if let Some((seq, integration_id, model, document)) = row.record_for_keys()? {
            let pairs = index_keys(model, &document)
                .into_iter()
                .map(|(key, value)| (key.as_str(), value))
                .collect();
            keys.entry(integration_id.to_owned())
                .or_default()
                .insert(seq, (model.as_str(), pairs));
        }
    }
    for (integration_id, rows) in &keys {
        write_record_keys(&tx, integration_id, &[], rows).await?;
    }
    for (table, column) in [
        ("records", "seq"),
        ("sync_runs", "id"),
        ("webhook_deliveries", "id"),
    ] {
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'),
                               GREATEST((SELECT MAX({column}) FROM {table}), 1))"
            ),
            &[],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
