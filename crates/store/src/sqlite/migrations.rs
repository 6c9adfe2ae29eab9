//! Numbered schema migrations, tracked in SQLite's `user_version`.

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::StoreError;

/// A step that derives data in Rust after a migration's SQL, in the same transaction.
type DataStep = fn(&Transaction<'_>) -> Result<(), StoreError>;

/// A migration: its SQL, then an optional data step.
struct Migration {
    version: i64,
    sql: &'static str,
    then: Option<DataStep>,
}

/// In ascending order. Never edit a released migration; add a new one.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("../../migrations/0001_initial.sql"),
        then: None,
    },
    Migration {
        version: 2,
        sql: include_str!("../../migrations/0002_run_leases.sql"),
        then: None,
    },
    Migration {
        version: 3,
        sql: include_str!("../../migrations/0003_record_keys.sql"),
        then: Some(super::records::backfill_record_keys),
    },
    Migration {
        version: 4,
        sql: include_str!("../../migrations/0004_integration_lifecycle.sql"),
        then: None,
    },
    Migration {
        version: 5,
        sql: include_str!("../../migrations/0005_webhooks.sql"),
        then: None,
    },
    Migration {
        version: 6,
        sql: include_str!("../../migrations/0006_records_by_changed_at.sql"),
        then: None,
    },
];

/// The schema version this build creates and understands.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Brings the database up to [`latest_version`], one transaction per migration.
///
/// Each migration runs in a `BEGIN IMMEDIATE` transaction that reads the version again after
/// taking SQLite's write lock, so two processes opening the same file at once apply each
/// migration exactly once. A database from a newer atsbridge is refused rather than touched.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let latest = latest_version();
    for migration in MIGRATIONS {
        let version = migration.version;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|source| StoreError::Migration { version, source })?;
        let current: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if current > latest {
            return Err(StoreError::NewerSchema {
                found: current,
                supported: latest,
            });
        }
        if current >= version {
            continue;
        }
        tx.execute_batch(migration.sql)
            .map_err(|source| StoreError::Migration { version, source })?;
        if let Some(step) = migration.then {
            step(&tx)?;
        }
        tx.pragma_update(None, "user_version", version)
            .and_then(|()| tx.commit())
            .map_err(|source| StoreError::Migration { version, source })?;
        tracing::info!(version, "applied store migration");
    }
    Ok(())
}
