//! Numbered schema migrations of the PostgreSQL store, tracked in `schema_migrations`.
//!
//! The SQL lives in `migrations/postgres/NNNN_*.sql`. Version numbers are the PostgreSQL
//! store's own; they do not follow SQLite's `user_version`.

use deadpool_postgres::Object;

use crate::error::StoreError;
use crate::rows::{now, ts_to_sql};

/// In ascending order. Never edit a released migration; add a new one.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        include_str!("../../migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        include_str!("../../migrations/postgres/0002_integration_lifecycle.sql"),
    ),
    (
        3,
        include_str!("../../migrations/postgres/0003_webhooks.sql"),
    ),
    (
        4,
        include_str!("../../migrations/postgres/0004_records_by_changed_at.sql"),
    ),
];

/// Key of the advisory lock that serializes migrations across processes ("atsbmigr").
const MIGRATION_LOCK: i64 = 0x6174_7362_6d69_6772;

/// The schema version this build creates and understands.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |(version, _)| *version)
}

/// Brings the database up to [`latest_version`], one transaction per migration.
///
/// Each transaction first takes `pg_advisory_xact_lock` on a fixed key and only then reads
/// the current version, so instances starting together apply every migration exactly once
/// (the others wait, then find it applied). The transaction-scoped lock is released by the
/// commit or rollback, also when a migration fails, so a pooled connection never keeps it.
/// A database at a newer version than this build knows is refused, not touched.
pub(crate) async fn migrate(client: &mut Object) -> Result<(), StoreError> {
    let latest = latest_version();
    for &(version, sql) in MIGRATIONS {
        let failed = |source| StoreError::PostgresMigration { version, source };
        let tx = client.transaction().await.map_err(failed)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(failed)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    BIGINT PRIMARY KEY,
                 applied_at BIGINT NOT NULL
             )",
        )
        .await
        .map_err(failed)?;
        let current: i64 = tx
            .query_one(
                "SELECT COALESCE(max(version), 0)::bigint FROM schema_migrations",
                &[],
            )
            .await
            .and_then(|row| row.try_get(0))
            .map_err(failed)?;
        if current > latest {
            return Err(StoreError::NewerSchema {
                found: current,
                supported: latest,
            });
        }
        if current >= version {
            continue;
        }
        tx.batch_execute(sql).await.map_err(failed)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
            &[&version, &ts_to_sql(now())],
        )
        .await
        .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        tracing::info!(version, "applied PostgreSQL store migration");
    }
    Ok(())
}
