//! Helpers for tests that run against PostgreSQL as well as SQLite (feature `testing`).
//!
//! Tests that need PostgreSQL read a server URL from [`POSTGRES_URL_VAR`], create a database
//! of their own there ([`TestDatabase`]) and drop it afterwards, also when they fail, so no
//! run depends on what an earlier one left. Without the variable they skip with one line on
//! stderr, unless [`REQUIRE_POSTGRES_VAR`] is `1` (CI), which makes them fail instead.

use std::io::Write as _;
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

/// Names the PostgreSQL server tests may use, e.g. `postgres://postgres@127.0.0.1:5432/test`.
pub const POSTGRES_URL_VAR: &str = "ATSBRIDGE_TEST_POSTGRES_URL";
/// When `1`, a missing [`POSTGRES_URL_VAR`] fails the tests that need it instead of skipping.
pub const REQUIRE_POSTGRES_VAR: &str = "ATSBRIDGE_REQUIRE_POSTGRES";

/// The PostgreSQL server URL, or `None` after saying once (per `suite`) that the PostgreSQL
/// tests are skipped.
///
/// # Panics
///
/// When [`REQUIRE_POSTGRES_VAR`] is `1` and no URL is set, so CI cannot skip silently.
#[allow(clippy::panic)]
pub fn postgres_url(suite: &str) -> Option<String> {
    static SKIPPED: Once = Once::new();
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            if std::env::var(REQUIRE_POSTGRES_VAR).is_ok_and(|v| v.trim() == "1") {
                panic!("{REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set");
            }
            SKIPPED.call_once(|| {
                // Straight to stderr: the test harness captures only the print macros.
                let _ = writeln!(
                    std::io::stderr(),
                    "{suite}: PostgreSQL skipped (set {POSTGRES_URL_VAR})"
                );
            });
            None
        }
    }
}

/// A database of its own for one test, created on a server and dropped (`WITH (FORCE)`,
/// closing the connections still open) when the guard is dropped, also while a failing test
/// unwinds.
pub struct TestDatabase {
    server_url: String,
    name: String,
    /// The URL of the new database.
    pub url: String,
}

impl std::fmt::Debug for TestDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDatabase")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Why a test database could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TestDatabaseError {
    /// The server URL does not parse.
    #[error("the PostgreSQL server URL does not parse: {0}")]
    Url(#[from] url::ParseError),
    /// The server refused a connection or the statement.
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] tokio_postgres::Error),
}

impl TestDatabase {
    /// Creates a database with a name no other test uses, on the server at `server_url`.
    pub async fn create(server_url: &str) -> Result<TestDatabase, TestDatabaseError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        let name = format!(
            "atsbridge_test_{}_{nanos}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut url = url::Url::parse(server_url)?;
        connect(server_url)
            .await?
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await?;
        url.set_path(&name);
        Ok(TestDatabase {
            server_url: server_url.to_owned(),
            name,
            url: url.to_string(),
        })
    }

    /// A plain connection to the test database.
    pub async fn client(&self) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
        connect(&self.url).await
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (server_url, name) = (self.server_url.clone(), self.name.clone());
        // A runtime of its own on a thread of its own: drop may run inside the test's
        // runtime (or while it unwinds), where blocking on it is not allowed.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let client = connect(&server_url).await.map_err(|e| e.to_string())?;
                client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .map_err(|e| e.to_string())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            let _ = writeln!(
                std::io::stderr(),
                "could not drop test database {}",
                self.name
            );
        }
    }
}

async fn connect(url: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}
