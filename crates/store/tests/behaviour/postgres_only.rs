//! PostgreSQL specifics: instances starting together, secrets in connection URLs, keyset
//! pagination while other connections write.

use std::sync::Arc;

use atsbridge_schema::Model;
use atsbridge_store::{PgOptions, PgStore, SecretKey, Store, StoreError};
use serde_json::json;

use crate::fixture::*;

/// The fresh database of a PostgreSQL-only test, or `None` when PostgreSQL is skipped.
async fn database() -> Option<TestDatabase> {
    Some(TestDatabase::create(&postgres_url()?).await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_migrate_once() {
    let Some(db) = database().await else { return };
    let key = SecretKey::generate();
    let mut starting = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let (url, key) = (db.url.clone(), key.clone());
        starting.spawn(async move { PgStore::connect(&url, key, PgOptions::default()).await });
    }
    while let Some(started) = starting.join_next().await {
        started.unwrap().unwrap();
    }
    let client = db.client().await.unwrap();
    let versions: Vec<i64> = client
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(versions, vec![1, 2, 3, 4]);
    let checks: i64 = client
        .query_one("SELECT count(*) FROM store_meta", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(checks, 1);
}

#[tokio::test]
async fn connection_secrets_stay_out_of_errors_and_debug_output() {
    let Some(db) = database().await else { return };
    // The server trusts local connections, so a password in the URL is accepted (and must
    // still never be shown).
    let mut url = url::Url::parse(&db.url).unwrap();
    url.set_password(Some("hunter2-secret")).unwrap();
    let store = PgStore::connect(url.as_str(), SecretKey::generate(), PgOptions::default())
        .await
        .unwrap();
    assert!(!format!("{store:?}").contains("hunter2"), "{store:?}");

    // Nothing listens on port 1: the connection error must not quote the URL.
    let unreachable = "postgres://someone:hunter2-secret@127.0.0.1:1/nowhere?connect_timeout=2";
    let err = PgStore::connect(unreachable, SecretKey::generate(), PgOptions::default())
        .await
        .unwrap_err();
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("hunter2"), "{shown}");
    }
    let err = PgStore::connect(
        "postgres://someone:hunter2-secret@127.0.0.1:notaport/x",
        SecretKey::generate(),
        PgOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::InvalidArgument(_)), "{err}");
    assert!(!format!("{err} {err:?}").contains("hunter2"), "{err:?}");
    let err = PgStore::connect(
        &db.url,
        SecretKey::generate(),
        PgOptions {
            max_connections: 0,
            ..PgOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::InvalidArgument(_)), "{err}");
}

#[tokio::test]
async fn open_store_picks_the_backend_from_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("picked.db");
    let sqlite = atsbridge_store::open_store(
        path.to_str().unwrap(),
        SecretKey::generate(),
        &Default::default(),
    )
    .await
    .unwrap();
    sqlite.create_environment("file").await.unwrap();
    assert!(path.exists());

    let Some(db) = database().await else { return };
    let postgres = atsbridge_store::open_store(&db.url, SecretKey::generate(), &Default::default())
        .await
        .unwrap();
    let env = postgres.create_environment("server").await.unwrap();
    let client = db.client().await.unwrap();
    let names: i64 = client
        .query_one(
            "SELECT count(*) FROM environments WHERE id = $1",
            &[&env.id.as_str()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(names, 1);
}

/// Batches of one integration written by several connections at once commit in `seq`
/// order, so a reader paging meanwhile never steps over a record that commits later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyset_pages_miss_nothing_while_connections_write_concurrently() {
    let Some(db) = database().await else { return };
    let key = SecretKey::generate();
    let store: Arc<dyn Store> = Arc::new(
        PgStore::connect(&db.url, key.clone(), PgOptions::default())
            .await
            .unwrap(),
    );
    let i = env_and_integration(&*store).await;
    const WRITERS: usize = 4;
    const BATCHES: usize = 15;
    let mut writers = tokio::task::JoinSet::new();
    for w in 0..WRITERS {
        let writer: Arc<dyn Store> = Arc::new(
            PgStore::connect(&db.url, key.clone(), PgOptions::default())
                .await
                .unwrap(),
        );
        let i = i.clone();
        writers.spawn(async move {
            for b in 0..BATCHES {
                let batch = (0..3)
                    .map(|n| write(&i, Model::Candidate, &format!("w{w}-b{b}-{n}"), json!({})))
                    .collect();
                writer.apply_batch(&i.id, None, at(0), batch).await.unwrap();
            }
        });
    }
    // Page through while the writers run; a page ends the walk only once they are done.
    let mut q = query(&i, Model::Candidate);
    q.limit = 7;
    let mut seen = Vec::new();
    loop {
        let page = store.list_records(&q).await.unwrap();
        if let Some(last) = page.last() {
            q.after_seq = Some(last.seq);
        }
        let empty = page.is_empty();
        seen.extend(page.into_iter().map(|r| r.remote_id));
        if empty && writers.is_empty() {
            break;
        }
        if empty {
            match writers.try_join_next() {
                Some(done) => done.unwrap(),
                None => tokio::task::yield_now().await,
            }
        }
    }
    let mut expected = store
        .known_remote_ids(&i.id, Model::Candidate, false)
        .await
        .unwrap();
    assert_eq!(expected.len(), WRITERS * BATCHES * 3);
    assert_eq!(seen, expected, "pages skipped or repeated records");
    expected.sort();
    expected.dedup();
    assert_eq!(expected.len(), WRITERS * BATCHES * 3);
}
