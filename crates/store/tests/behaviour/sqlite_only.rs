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
    assert_eq!(version, 6);
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
             DROP TABLE connect_links;
             DROP TABLE integration_fields;
             DROP TABLE custom_fields;
             ALTER TABLE integrations DROP COLUMN enabled;
             ALTER TABLE integrations DROP COLUMN credentials_valid;
             ALTER TABLE integrations DROP COLUMN setup_status;
             ALTER TABLE integrations DROP COLUMN end_user;
             DROP TABLE webhook_deliveries;
             DROP TABLE webhook_events;
             DROP TABLE webhook_endpoints;
             ALTER TABLE api_keys DROP COLUMN last_used_at;
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

/// Concurrent reads share a bounded pool of connections instead of opening one each.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_reads_never_open_more_connections_than_the_pool_allows() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_with(
        dir.path().join("pool.db"),
        SecretKey::generate(),
        atsbridge_store::SqliteOptions {
            max_readers: 2,
            ..Default::default()
        },
    )
    .unwrap();
    let i = env_and_integration(&store).await;
    let writes = (0..200)
        .map(|n| write(&i, Model::Candidate, &format!("c{n}"), json!({"n": n})))
        .collect();
    store.apply_batch(&i.id, None, at(0), writes).await.unwrap();
    let reads = (0..32).map(|_| {
        let store = store.clone();
        let q = query(&i, Model::Candidate);
        tokio::spawn(async move { store.list_records(&q).await.unwrap().len() })
    });
    for read in futures::future::join_all(reads).await {
        assert_eq!(read.unwrap(), 100);
    }
    assert!(
        (1..=2).contains(&store.open_readers()),
        "{} read connections",
        store.open_readers()
    );
    let err = SqliteStore::open_with(
        dir.path().join("zero.db"),
        SecretKey::generate(),
        atsbridge_store::SqliteOptions {
            max_readers: 0,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, StoreError::InvalidArgument(_)), "{err}");
}

/// The copy check compares content, not only counts.
#[tokio::test]
async fn the_copy_check_sees_a_changed_row() {
    let key = SecretKey::generate();
    let dir = tempfile::tempdir().unwrap();
    let source = SqliteStore::open(dir.path().join("a.db"), key.clone()).unwrap();
    let target = SqliteStore::open(dir.path().join("b.db"), key.clone()).unwrap();
    let i = env_and_integration(&source).await;
    source
        .apply_batch(
            &i.id,
            None,
            at(0),
            vec![write(&i, Model::Candidate, "c1", json!({}))],
        )
        .await
        .unwrap();
    atsbridge_store::copy_store(&source, &target, |_, _| {})
        .await
        .unwrap();
    drop(target);
    let raw = rusqlite::Connection::open(dir.path().join("b.db")).unwrap();
    raw.execute("UPDATE records SET content_hash = 'tampered'", [])
        .unwrap();
    let target = SqliteStore::open(dir.path().join("b.db"), key).unwrap();
    let checks = atsbridge_store::compare_stores(&source, &target)
        .await
        .unwrap();
    let records = checks
        .iter()
        .find(|c| c.table == atsbridge_store::ExportTable::Records)
        .unwrap();
    assert_eq!(records.source_rows, records.target_rows);
    assert!(!records.matches(), "{records:?}");
}

/// SQLite chooses how to answer `updated_after` and a candidates' job filter by counting
/// matches first; both ways give the same pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_and_few_matches_give_the_same_pages() {
    let f = Fixture::sqlite().await;
    let store = &*f.store;
    let i = env_and_integration(store).await;
    let mut writes = Vec::new();
    for n in 0..6_000 {
        writes.push(write(&i, Model::Candidate, &format!("c{n}"), json!({})));
        let job = if n % 1000 == 0 { "rare" } else { "busy" };
        writes.push(write(
            &i,
            Model::Application,
            &format!("a{n}"),
            json!({"job_remote_id": job, "candidate_remote_id": format!("c{n}")}),
        ));
    }
    store.apply_batch(&i.id, None, at(0), writes).await.unwrap();
    // A few candidates change later.
    let later: Vec<_> = (0..6)
        .map(|n| {
            write(
                &i,
                Model::Candidate,
                &format!("c{}", n * 997),
                json!({"v": 2}),
            )
        })
        .collect();
    store
        .apply_batch(&i.id, None, at(100), later)
        .await
        .unwrap();

    let pages = |mut q: atsbridge_store::RecordQuery| async move {
        let mut all = Vec::new();
        loop {
            let page = store.list_records(&q).await.unwrap();
            let Some(last) = page.last() else { break };
            q.after_seq = Some(last.seq);
            all.extend(page.into_iter().map(|r| r.remote_id));
        }
        all
    };
    let mut q = query(&i, Model::Candidate);
    q.limit = 250;
    q.updated_after = Some(at(50));
    let few = pages(q.clone()).await;
    assert_eq!(few, vec!["c0", "c997", "c1994", "c2991", "c3988", "c4985"]);
    q.updated_after = Some(at(-50));
    assert_eq!(
        pages(q.clone()).await.len(),
        6_000,
        "every candidate, walked in order"
    );

    let mut q = query(&i, Model::Candidate);
    q.limit = 250;
    q.applied_to_jobs = Some(vec!["rare".into()]);
    assert_eq!(
        pages(q.clone()).await,
        vec!["c0", "c1000", "c2000", "c3000", "c4000", "c5000"]
    );
    q.applied_to_jobs = Some(vec!["busy".into()]);
    assert_eq!(pages(q).await.len(), 5_994);
}
