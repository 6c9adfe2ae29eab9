//! SQLite-file specifics: WAL mode, `user_version` upgrades of older files, in-memory stores.

use atsbridge_schema::Model;
use atsbridge_store::{
    RecordKey, RelationQuery, RunStatus, SecretKey, SqliteStore, Store as _, StoreError, SyncMode,
};
use serde_json::json;

use crate::fixture::*;

#[tokio::test]
async fn the_database_file_is_in_wal_mode() {
    let f = Fixture::sqlite().await;
    let (_, path) = f.sqlite_store().unwrap();
    let raw = rusqlite::Connection::open(path).unwrap();
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn in_memory_store_works_without_read_connections() {
    let store = SqliteStore::open_in_memory(SecretKey::generate()).unwrap();
    let i = env_and_integration(&store).await;
    store
        .apply_batch(
            &i.id,
            None,
            at(0),
            vec![write(&i, Model::Tag, "t", json!({"name": "x"}))],
        )
        .await
        .unwrap();
    assert_eq!(remote_ids(&store, &query(&i, Model::Tag)).await, vec!["t"]);
}

#[tokio::test]
async fn the_lease_migration_upgrades_a_database_of_the_first_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // A database as the first release left it: migration 0001 only, with a run that a
        // killed process left running and one that finished.
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute_batch(include_str!("../../migrations/0001_initial.sql"))
            .unwrap();
        raw.pragma_update(None, "user_version", 1).unwrap();
        let micros = |seconds: i64| at(seconds).as_datetime().timestamp_micros();
        raw.execute_batch(&format!(
            "INSERT INTO environments (id, name, created_at) VALUES ('env', 'Old', 0);
             INSERT INTO integrations (id, environment_id, tool, credentials, settings, created_at)
                 VALUES ('erecruiter:old', 'env', 'erecruiter', x'00', '{{}}', 0);
             INSERT INTO sync_runs (integration_id, mode, status, started_at, finished_at)
                 VALUES ('erecruiter:old', 'full', 'succeeded', {}, {});
             INSERT INTO sync_runs (integration_id, mode, status, started_at)
                 VALUES ('erecruiter:old', 'delta', 'running', {});",
            micros(0),
            micros(10),
            micros(20)
        ))
        .unwrap();
    }
    let store = SqliteStore::open(&path, SecretKey::generate()).unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = raw
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, 3);
    let has_heartbeat: bool = raw
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info('sync_runs')
                            WHERE name = 'heartbeat_at' AND type = 'INTEGER')",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(has_heartbeat);

    // Old runs count as last beaten when they last changed, so the lease applies to them.
    let id = atsbridge_store::IntegrationId::new("erecruiter:old");
    let runs = store.last_runs(&id, 10).await.unwrap();
    assert_eq!(
        runs.iter()
            .map(|r| (r.status, r.heartbeat_at))
            .collect::<Vec<_>>(),
        vec![
            (RunStatus::Running, Some(at(20))),
            (RunStatus::Succeeded, Some(at(10)))
        ]
    );
    assert!(matches!(
        store.start_run(&id, SyncMode::Full, at(20 + lease())).await,
        Err(StoreError::RunInProgress { .. })
    ));
    store
        .start_run(&id, SyncMode::Full, at(21 + lease()))
        .await
        .unwrap();
}

/// A database written before the key index existed gets its keys derived on open.
#[tokio::test]
async fn opening_an_older_database_backfills_the_key_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let key = SecretKey::generate();
    let store = SqliteStore::open(&path, key.clone()).unwrap();
    let i = env_and_integration(&store).await;
    store
        .apply_batch(
            &i.id,
            None,
            at(0),
            vec![write(
                &i,
                Model::Application,
                "a1",
                json!({"job_remote_id": "j1", "candidate_remote_id": "c1"}),
            )],
        )
        .await
        .unwrap();
    drop(store);
    // Turn the file back into a version-2 database: no key index, no generated column.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TABLE record_keys;
             DROP INDEX records_by_updated_at;
             DROP INDEX records_live_by_seq;
             DROP INDEX sync_runs_by_status;
             ALTER TABLE records DROP COLUMN updated_at;
             PRAGMA user_version = 2;",
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path, key).unwrap();
    let apps = store
        .find_related(&RelationQuery::new(
            i.id.clone(),
            Model::Application,
            RecordKey::JobRemoteId,
            vec!["j1".into()],
        ))
        .await
        .unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].remote_id, "a1");
}
