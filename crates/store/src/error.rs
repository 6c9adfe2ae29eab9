//! The store's error type.

use atsbridge_schema::Timestamp;

use crate::model::{RunId, RunStatus, SyncMode};

/// Everything that can go wrong in a [`Store`](crate::Store) call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The SQLite database file could not be opened or a statement failed.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// A PostgreSQL statement failed or the server could not be reached. The message is the
    /// server's or the client library's; it never contains the connection URL or bound values.
    #[error("PostgreSQL error: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// No PostgreSQL connection could be taken from the pool (or the pool could not be built).
    #[error("PostgreSQL connection pool: {0}")]
    PostgresPool(String),
    /// A PostgreSQL migration failed; the database was left at the previous version.
    #[error("PostgreSQL migration {version} failed: {source}")]
    PostgresMigration {
        /// The migration that failed.
        version: i64,
        /// The underlying PostgreSQL error.
        #[source]
        source: tokio_postgres::Error,
    },
    /// The database was written by a newer atsbridge than this one.
    #[error(
        "the database schema is at version {found}, but this atsbridge only knows up to version \
         {supported}; upgrade atsbridge to open it"
    )]
    NewerSchema {
        /// Version recorded in the database.
        found: i64,
        /// Highest version this build knows.
        supported: i64,
    },
    /// A migration failed to apply; the database was left at the previous version.
    #[error("migration {version} failed: {source}")]
    Migration {
        /// The migration that failed.
        version: i64,
        /// The underlying SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// The configured encryption key is not the one the credentials were encrypted with.
    #[error(
        "the encryption key does not match the one this database was created with; \
         credentials cannot be decrypted"
    )]
    WrongEncryptionKey,
    /// The encryption key from configuration is malformed.
    #[error("invalid encryption key: {0}")]
    InvalidKey(String),
    /// Encrypting a value failed.
    #[error("encrypting credentials failed")]
    Encryption,
    /// A stored row could not be read back (bad JSON, unknown enum value, ...).
    #[error("corrupt data in the store: {0}")]
    Corrupt(String),
    /// The referenced environment does not exist.
    #[error("environment {0} does not exist")]
    EnvironmentNotFound(String),
    /// The referenced integration does not exist (or belongs to another environment).
    #[error("integration {0} does not exist")]
    IntegrationNotFound(String),
    /// The referenced sync run does not exist.
    #[error("sync run {0} does not exist")]
    RunNotFound(i64),
    /// The sync run exists but is not queued any more (it started or was closed already).
    #[error("sync run {run_id} is {status}, not queued")]
    RunNotQueued {
        /// The run.
        run_id: i64,
        /// Its current status (`running`, `succeeded`, ...).
        status: String,
    },
    /// The integration already has a run queued or running (possibly in another process on
    /// the same database), so no second one is recorded: runs of one integration never
    /// overlap.
    #[error(
        "sync run {run_id} of this integration is already {} (since {since}); \
         only one run per integration may be queued or running at a time",
        .status.as_str()
    )]
    RunInProgress {
        /// The run that is queued or running.
        run_id: RunId,
        /// `Queued` or `Running`.
        status: RunStatus,
        /// The mode that run was recorded with.
        mode: SyncMode,
        /// When it started (when it was queued, while it is still queued).
        since: Timestamp,
    },
    /// The API key secret is already registered for another environment.
    #[error("this API key is already registered for another environment")]
    ApiKeyTaken,
    /// An argument was invalid (empty name, limit out of range, ...).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A value could not be serialized to JSON.
    #[error("serializing {what} failed: {source}")]
    Serialize {
        /// What was being serialized.
        what: &'static str,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },
    /// The blocking task running the query panicked or was cancelled.
    #[error("store worker task failed: {0}")]
    Worker(String),

    /// A connect link that does not exist, was used already or has expired.
    #[error("this connect link is {0}")]
    ConnectLinkUnusable(&'static str),

    /// `store copy` was pointed at a store that already holds data.
    #[error("the target store is not empty; copy only into a new, empty database")]
    TargetNotEmpty,

    /// After a copy, a table differs between source and target.
    #[error("the copy does not match its source: {0}")]
    CopyMismatch(String),
}
