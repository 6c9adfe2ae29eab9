//! A store of each backend, fresh for every test, and helpers shared by the cases.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Once};

use atsbridge_schema::{KomboId, Model, Timestamp};
use atsbridge_store::{
    EnvironmentId, Integration, IntegrationSettings, NewIntegration, PgOptions, PgStore, QueryPlan,
    RUN_LEASE, RecordQuery, RecordWrite, RunId, RunOutcome, RunStatus, SecretKey, SqliteStore,
    Store, StoreResult,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

pub use atsbridge_store::testing::TestDatabase;

/// Printed (uncaptured) once per test process when PostgreSQL cases run; CI looks for it.
pub const POSTGRES_MARKER: &str = "store behaviour suite: PostgreSQL cases ran";

/// Which database a fixture runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh store of one backend: an empty SQLite file in a temporary directory, or a new
/// PostgreSQL database that is dropped with the fixture (also when the test fails).
pub struct Fixture {
    pub store: Arc<dyn Store>,
    pub key: SecretKey,
    kind: Kind,
}

enum Kind {
    Sqlite {
        store: SqliteStore,
        path: PathBuf,
        _dir: TempDir,
    },
    Postgres {
        store: PgStore,
        db: TestDatabase,
    },
}

impl Fixture {
    /// A store on a new SQLite file.
    pub async fn sqlite() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("atsbridge.db");
        let key = SecretKey::generate();
        let store = SqliteStore::open(&path, key.clone()).unwrap();
        Fixture {
            store: Arc::new(store.clone()),
            key,
            kind: Kind::Sqlite {
                store,
                path,
                _dir: dir,
            },
        }
    }

    /// A store on a new PostgreSQL database, or `None` when no server is configured.
    pub async fn postgres() -> Option<Fixture> {
        let server = postgres_url()?;
        let db = TestDatabase::create(&server).await.unwrap();
        static MARKER: Once = Once::new();
        MARKER.call_once(|| {
            let _ = writeln!(std::io::stderr(), "{POSTGRES_MARKER}");
        });
        let key = SecretKey::generate();
        let store = PgStore::connect(&db.url, key.clone(), PgOptions::default())
            .await
            .unwrap();
        Some(Fixture {
            store: Arc::new(store.clone()),
            key,
            kind: Kind::Postgres { store, db },
        })
    }

    pub fn backend(&self) -> Backend {
        match self.kind {
            Kind::Sqlite { .. } => Backend::Sqlite,
            Kind::Postgres { .. } => Backend::Postgres,
        }
    }

    /// The SQLite store and its file, for SQLite-only checks.
    pub fn sqlite_store(&self) -> Option<(&SqliteStore, &PathBuf)> {
        match &self.kind {
            Kind::Sqlite { store, path, .. } => Some((store, path)),
            Kind::Postgres { .. } => None,
        }
    }

    /// Another store on the same database with `key`, as another process would open it.
    pub async fn open_with_key(&self, key: SecretKey) -> StoreResult<Arc<dyn Store>> {
        match &self.kind {
            Kind::Sqlite { path, .. } => Ok(Arc::new(SqliteStore::open(path, key)?)),
            Kind::Postgres { db, .. } => Ok(Arc::new(
                PgStore::connect(&db.url, key, PgOptions::default()).await?,
            )),
        }
    }

    /// Another store on the same database with the same key (another process).
    pub async fn reopen(&self) -> Arc<dyn Store> {
        self.open_with_key(self.key.clone()).await.unwrap()
    }

    /// The schema version this build writes on the fixture's backend.
    pub fn latest_schema_version(&self) -> i64 {
        match self.backend() {
            Backend::Sqlite => 6,
            Backend::Postgres => 4,
        }
    }

    /// The schema version recorded in the database.
    pub async fn schema_version(&self) -> i64 {
        match self.backend() {
            Backend::Sqlite => self.raw_count("PRAGMA user_version").await,
            Backend::Postgres => {
                self.raw_count("SELECT max(version) FROM schema_migrations")
                    .await
            }
        }
    }

    /// Records `version` as the schema version, as a newer atsbridge would.
    pub async fn set_schema_version(&self, version: i64) {
        match self.backend() {
            Backend::Sqlite => {
                self.raw_execute(&format!("PRAGMA user_version = {version}"))
                    .await
            }
            Backend::Postgres => {
                self.raw_execute(&format!(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES ({version}, 0)"
                ))
                .await
            }
        }
    }

    /// Runs SQL on a connection of its own, behind the store's back.
    pub async fn raw_execute(&self, sql: &str) {
        match &self.kind {
            Kind::Sqlite { path, .. } => rusqlite::Connection::open(path)
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
            Kind::Postgres { db, .. } => {
                db.client().await.unwrap().batch_execute(sql).await.unwrap()
            }
        }
    }

    /// The single integer a query returns, read on a connection of its own.
    pub async fn raw_count(&self, sql: &str) -> i64 {
        match &self.kind {
            Kind::Sqlite { path, .. } => rusqlite::Connection::open(path)
                .unwrap()
                .query_row(sql, [], |row| row.get(0))
                .unwrap(),
            Kind::Postgres { db, .. } => {
                let row = db
                    .client()
                    .await
                    .unwrap()
                    .query_one(sql, &[])
                    .await
                    .unwrap();
                row.get::<_, i64>(0)
            }
        }
    }

    /// The byte strings a query returns (one column), read on a connection of its own.
    pub async fn raw_blobs(&self, sql: &str) -> Vec<Vec<u8>> {
        match &self.kind {
            Kind::Sqlite { path, .. } => rusqlite::Connection::open(path)
                .unwrap()
                .prepare(sql)
                .unwrap()
                .query_map([], |row| row.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap(),
            Kind::Postgres { db, .. } => db
                .client()
                .await
                .unwrap()
                .query(sql, &[])
                .await
                .unwrap()
                .iter()
                .map(|row| row.get::<_, Vec<u8>>(0))
                .collect(),
        }
    }

    /// Starts the concrete store's statement log.
    pub fn start_statement_log(&self) {
        match &self.kind {
            Kind::Sqlite { store, .. } => store.start_statement_log(),
            Kind::Postgres { store, .. } => store.start_statement_log(),
        }
    }

    /// The plans of the statements logged since [`Fixture::start_statement_log`].
    pub async fn explain_logged(&self) -> Vec<QueryPlan> {
        match &self.kind {
            Kind::Sqlite { store, .. } => store.explain_logged().await.unwrap(),
            Kind::Postgres { store, .. } => store.explain_logged().await.unwrap(),
        }
    }
}

/// The PostgreSQL server URL, or `None` (after saying so once) when the cases are skipped;
/// fails instead when `ATSBRIDGE_REQUIRE_POSTGRES=1`.
pub fn postgres_url() -> Option<String> {
    atsbridge_store::testing::postgres_url("store behaviour suite")
}

/// Runs each named case (`async fn case(f: &Fixture)`) once per backend, as the tests
/// `<case>::sqlite` and `<case>::postgres`.
macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let f = crate::fixture::Fixture::sqlite().await;
                    super::$case(&f).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(f) = crate::fixture::Fixture::postgres().await {
                        super::$case(&f).await;
                    }
                }
            }
        )*
    };
}
pub(crate) use on_both_backends;

// ---- helpers shared by the cases ----

pub fn at(seconds: i64) -> Timestamp {
    Timestamp::from(chrono::DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap())
}

/// The lease in whole seconds, for [`at`].
pub fn lease() -> i64 {
    i64::try_from(RUN_LEASE.as_secs()).unwrap()
}

pub async fn integration(store: &dyn Store, env: &EnvironmentId) -> Integration {
    store
        .create_integration(NewIntegration {
            environment_id: env.clone(),
            tool: "erecruiter".into(),
            remote_label: Some("ACME".into()),
            credentials: json!({"api_key": "very-secret-api-key", "mandator_id": 7}),
            settings: IntegrationSettings::default(),
            end_user: None,
            setup_status: atsbridge_store::SetupStatus::Completed,
        })
        .await
        .unwrap()
}

pub async fn env_and_integration(store: &dyn Store) -> Integration {
    let env = store.create_environment("Test").await.unwrap();
    integration(store, &env.id).await
}

pub fn write(integration: &Integration, model: Model, remote_id: &str, doc: Value) -> RecordWrite {
    let hash = hex(&Sha256::digest(doc.to_string().as_bytes()));
    RecordWrite {
        model,
        remote_id: remote_id.to_owned(),
        id: KomboId::derive(integration.id.as_str(), model, remote_id),
        document: doc,
        content_hash: hash,
        remote_created_at: None,
    }
}

/// Closes a run, so the integration may record the next one.
pub async fn finish(store: &dyn Store, run: RunId, status: RunStatus, finished_at: Timestamp) {
    store
        .finish_run(
            run,
            RunOutcome {
                status,
                finished_at,
                counts: BTreeMap::new(),
                requests: None,
                error: None,
            },
        )
        .await
        .unwrap();
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn query(integration: &Integration, model: Model) -> RecordQuery {
    RecordQuery::new(integration.id.clone(), model, 100)
}

pub async fn remote_ids(store: &dyn Store, q: &RecordQuery) -> Vec<String> {
    store
        .list_records(q)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.remote_id)
        .collect()
}

/// Fails with every plan that reads all of `records` or `record_keys`.
pub fn assert_no_full_scans(plans: &[QueryPlan]) {
    assert!(!plans.is_empty(), "no statement was logged");
    let mut scans = atsbridge_store::full_scans(plans);
    // The textual patterns as well, in case a plan format changes under the library's parser.
    for plan in plans {
        for line in &plan.lines {
            let trimmed = line.trim();
            let sqlite_scan = ["SCAN records", "SCAN r", "SCAN record_keys", "SCAN k"]
                .iter()
                .any(|p| trimmed == *p || trimmed.starts_with(&format!("{p} ")));
            let postgres_scan = trimmed.contains("Seq Scan on records")
                || trimmed.contains("Seq Scan on record_keys");
            if (sqlite_scan || postgres_scan) && plan.full_scans.is_empty() {
                scans.push(format!("{trimmed}: {plan}"));
            }
        }
    }
    assert!(
        scans.is_empty(),
        "{} statement(s) scan a whole table:\n{}",
        scans.len(),
        scans.join("\n")
    );
}
