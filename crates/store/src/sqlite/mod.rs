//! [`SqliteStore`]: the embedded SQLite implementation of [`Store`].
//!
//! One writer connection behind a mutex (SQLite allows one writer at a time anyway) and a
//! small pool of read connections, which WAL mode lets run beside the writer. Every call runs
//! on tokio's blocking thread pool.

mod convert;
mod dashboard;
mod export;
mod lifecycle;
mod migrations;
mod records;
mod runs;
mod tenancy;
mod webhooks;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atsbridge_schema::{KomboId, Model, Timestamp};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params_from_iter};

use crate::crypto::SecretKey;
use crate::error::StoreError;
use crate::explain::{QueryPlan, StatementLog, render_params, sqlite_full_scans};
use crate::export::{ExportKey, ExportRow, ExportTable};
use crate::lifecycle::{
    CompletedConnectLink, ConnectCompletion, ConnectLink, NewConnectLink, NewCustomField,
    NewIntegrationField, StoredCustomField, StoredIntegrationField,
};
use crate::model::{
    ApiKey, ApiKeyId, BatchResult, Environment, EnvironmentId, Integration, IntegrationId,
    IntegrationSettings, NewApiKey, NewIntegration, RecordQuery, RecordWrite, RelationQuery, RunId,
    RunOutcome, StoredRecord, SyncMode, SyncRun, TrackedApplication, WebhookEndpointId,
};
use crate::rows::{KEY_CHECK_META, KEY_CHECK_PLAINTEXT, now, verify_key_check};
use crate::sql::Param;
use crate::webhooks::{
    ClaimedDelivery, DeliveryAttempt, DeliveryQuery, EventLinks, NewWebhookEndpoint,
    WebhookDelivery, WebhookEndpoint,
};
use crate::{Store, StoreResult};
use atsbridge_schema::webhook::WebhookPayload;
use records::{KeyColumn, sqlite_params};

/// How long a connection waits for a lock held by another connection before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Read connections open at once, unless [`SqliteOptions::max_readers`] says otherwise.
pub const DEFAULT_MAX_READERS: usize = 8;

/// The SQLite store. Cheap to clone; clones share the connections.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Mutex<Connection>,
    /// `None` for an in-memory database, whose reads go through the writer.
    path: Option<PathBuf>,
    readers: ReaderPool,
    key: SecretKey,
    run_lease: Duration,
    links: EventLinks,
    /// Statements issued by record reads, while the log is on (see `start_statement_log`).
    log: StatementLog,
}

/// Options of [`SqliteStore::open_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteOptions {
    /// Read connections open at once; further reads wait for one to be free. Each connection
    /// has its own page cache, so this bounds the memory reads take.
    pub max_readers: usize,
    /// How long a queued or running run stays claimed without a heartbeat
    /// ([`crate::RUN_LEASE`] by default).
    pub run_lease: Duration,
    /// Where the links in webhook payloads point.
    pub links: EventLinks,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            max_readers: DEFAULT_MAX_READERS,
            run_lease: crate::RUN_LEASE,
            links: EventLinks::default(),
        }
    }
}

/// A bounded pool of read connections: at most `permits` exist, opened on demand and kept.
struct ReaderPool {
    permits: Arc<tokio::sync::Semaphore>,
    idle: Mutex<Vec<Connection>>,
    /// Read connections opened so far (they are kept, so this is how many exist).
    opened: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (or creates) the database file at `path`, switches it to WAL mode and applies
    /// pending migrations.
    ///
    /// Fails with [`StoreError::NewerSchema`] for a database written by a newer atsbridge and
    /// with [`StoreError::WrongEncryptionKey`] when `key` is not the key the database was
    /// created with. Blocks while it runs; call it at startup (or in `spawn_blocking`).
    pub fn open(path: impl AsRef<Path>, key: SecretKey) -> StoreResult<Self> {
        Self::open_with(path, key, SqliteOptions::default())
    }

    /// [`SqliteStore::open`] with explicit options.
    pub fn open_with(
        path: impl AsRef<Path>,
        key: SecretKey,
        options: SqliteOptions,
    ) -> StoreResult<Self> {
        if options.max_readers == 0 {
            return Err(StoreError::InvalidArgument(
                "the SQLite read pool needs at least one connection".into(),
            ));
        }
        if options.run_lease.is_zero() {
            return Err(StoreError::InvalidArgument(
                "the run lease must be longer than zero".into(),
            ));
        }
        let path = path.as_ref().to_path_buf();
        let writer = Connection::open(&path)?;
        configure(&writer)?;
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(journal_mode = %mode, "SQLite refused WAL mode");
        }
        writer.pragma_update(None, "synchronous", "NORMAL")?;
        Self::finish_open(writer, Some(path), key, options)
    }

    /// Opens a private in-memory database (for tests and throw-away demos).
    pub fn open_in_memory(key: SecretKey) -> StoreResult<Self> {
        let writer = Connection::open_in_memory()?;
        configure(&writer)?;
        Self::finish_open(writer, None, key, SqliteOptions::default())
    }

    fn finish_open(
        mut writer: Connection,
        path: Option<PathBuf>,
        key: SecretKey,
        options: SqliteOptions,
    ) -> StoreResult<Self> {
        migrations::migrate(&mut writer)?;
        check_or_record_key(&writer, &key)?;
        refresh_statistics(&writer)?;
        Ok(Self {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                path,
                readers: ReaderPool {
                    permits: Arc::new(tokio::sync::Semaphore::new(options.max_readers)),
                    idle: Mutex::new(Vec::new()),
                    opened: std::sync::atomic::AtomicUsize::new(0),
                },
                key,
                run_lease: options.run_lease,
                links: options.links,
                log: StatementLog::default(),
            }),
        })
    }

    /// Runs `work` on the writer connection in the blocking pool.
    async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection, &Inner) -> StoreResult<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        run_blocking(move || {
            let mut conn = inner
                .writer
                .lock()
                .map_err(|_| StoreError::Worker("writer connection mutex poisoned".into()))?;
            work(&mut conn, &inner)
        })
        .await
    }

    /// Runs `work` on a read connection (the writer for in-memory stores). Waits while every
    /// connection of the bounded pool is busy.
    async fn read<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &Inner) -> StoreResult<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        if inner.path.is_none() {
            return run_blocking(move || {
                let conn = inner
                    .writer
                    .lock()
                    .map_err(|_| StoreError::Worker("writer connection mutex poisoned".into()))?;
                work(&conn, &inner)
            })
            .await;
        }
        let permit = Arc::clone(&inner.readers.permits)
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Worker("the read pool is closed".into()))?;
        run_blocking(move || {
            let _permit = permit;
            let idle = inner
                .readers
                .idle
                .lock()
                .map_err(|_| StoreError::Worker("reader pool mutex poisoned".into()))?
                .pop();
            let conn = match (idle, &inner.path) {
                (Some(conn), _) => conn,
                (None, Some(path)) => {
                    let conn = open_reader(path)?;
                    inner
                        .readers
                        .opened
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    conn
                }
                (None, None) => return Err(StoreError::Worker("no database path".into())),
            };
            let result = work(&conn, &inner);
            // The permit bounds how many connections exist, so every one can be kept.
            if let Ok(mut idle) = inner.readers.idle.lock() {
                idle.push(conn);
            }
            result
        })
        .await
    }

    /// Starts logging the statements of record reads (and of API key, integration and
    /// first-sync lookups), dropping what was logged before. For index checks in tests; the
    /// log stays on until the store is dropped.
    pub fn start_statement_log(&self) {
        self.inner.log.start();
    }

    /// The `EXPLAIN QUERY PLAN` of every distinct statement logged since
    /// [`SqliteStore::start_statement_log`], run with the parameters it was issued with.
    pub async fn explain_logged(&self) -> StoreResult<Vec<QueryPlan>> {
        let statements = self.inner.log.distinct();
        self.read(move |conn, _| {
            statements
                .into_iter()
                .map(|(text, params)| explain(conn, text, &params))
                .collect()
        })
        .await
    }

    /// How many read connections this store has opened (and keeps); never more than
    /// [`SqliteOptions::max_readers`].
    pub fn open_readers(&self) -> usize {
        self.inner
            .readers
            .opened
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

async fn run_blocking<T, F>(work: F) -> StoreResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> StoreResult<T> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))?
}

/// The plan of one statement: SQLite's plan details, indented by depth.
fn explain(conn: &Connection, text: String, params: &[Param]) -> StoreResult<QueryPlan> {
    let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {text}"))?;
    let steps = statement
        .query_map(params_from_iter(sqlite_params(params)), |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut depths: Vec<(i64, usize)> = Vec::new();
    let mut lines = Vec::new();
    for (id, parent, detail) in steps {
        let depth = depths
            .iter()
            .find(|(step, _)| *step == parent)
            .map_or(0, |(_, depth)| depth + 1);
        depths.push((id, depth));
        lines.push(format!("{}{detail}", "  ".repeat(depth)));
    }
    let details: Vec<String> = lines.iter().map(|line| line.trim().to_owned()).collect();
    Ok(QueryPlan {
        params: render_params(params),
        full_scans: sqlite_full_scans(&details),
        statement: text,
        lines,
    })
}

fn configure(conn: &Connection) -> StoreResult<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

fn open_reader(path: &Path) -> StoreResult<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&conn)?;
    Ok(conn)
}

/// Refreshes the statistics SQLite's query planner uses to choose an index, from a bounded
/// sample of each index (`analysis_limit`), so it stays cheap on large databases.
///
/// Without them SQLite guesses, and for a rare value (a job with few applications, a small
/// tracked set) it would walk a whole model in sequence order instead of looking the few
/// matching rows up.
fn refresh_statistics(conn: &Connection) -> StoreResult<()> {
    conn.execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
    Ok(())
}

/// On first open, seals a known value with `key`; afterwards checks that it still opens, so
/// a wrong key is reported at startup instead of at the first credentials read.
fn check_or_record_key(conn: &Connection, key: &SecretKey) -> StoreResult<()> {
    let existing: Option<Vec<u8>> = conn
        .query_row(
            "SELECT value FROM store_meta WHERE key = ?1",
            [KEY_CHECK_META],
            |row| row.get(0),
        )
        .optional()?;
    match existing {
        Some(sealed) => verify_key_check(key, &sealed)?,
        None => {
            let sealed = key.seal(KEY_CHECK_PLAINTEXT, KEY_CHECK_META.as_bytes())?;
            conn.execute(
                "INSERT INTO store_meta (key, value) VALUES (?1, ?2)",
                rusqlite::params![KEY_CHECK_META, sealed],
            )?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    async fn create_environment(&self, name: &str) -> StoreResult<Environment> {
        let name = name.to_owned();
        self.write(move |conn, _| tenancy::create_environment(conn, &name, now()))
            .await
    }

    async fn get_environment(&self, id: &EnvironmentId) -> StoreResult<Option<Environment>> {
        let id = id.clone();
        self.read(move |conn, _| tenancy::get_environment(conn, &id))
            .await
    }

    async fn list_environments(&self) -> StoreResult<Vec<Environment>> {
        self.read(|conn, _| tenancy::list_environments(conn)).await
    }

    async fn create_api_key(
        &self,
        environment_id: &EnvironmentId,
        label: &str,
    ) -> StoreResult<NewApiKey> {
        let (env, label) = (environment_id.clone(), label.to_owned());
        self.write(move |conn, _| tenancy::create_api_key(conn, &env, &label, now()))
            .await
    }

    async fn import_api_key(
        &self,
        environment_id: &EnvironmentId,
        label: &str,
        secret: &str,
    ) -> StoreResult<ApiKeyId> {
        let (env, label, secret) = (environment_id.clone(), label.to_owned(), secret.to_owned());
        self.write(move |conn, _| tenancy::import_api_key(conn, &env, &label, &secret, now()))
            .await
    }

    async fn authenticate_api_key(&self, secret: &str) -> StoreResult<Option<EnvironmentId>> {
        let secret = secret.to_owned();
        let found = self
            .read(move |conn, inner| tenancy::authenticate_api_key(conn, &inner.log, &secret))
            .await?;
        let Some(found) = found else {
            return Ok(None);
        };
        let at = now();
        if found.needs_touch(at) {
            let key_id = found.key_id.clone();
            // Recording the last use is bookkeeping: failing to write it never fails the
            // request it authenticates.
            if let Err(error) = self
                .write(move |conn, _| tenancy::touch_api_key(conn, &key_id, at))
                .await
            {
                tracing::warn!(%error, key_id = %found.key_id, "cannot record an API key's last use");
            }
        }
        Ok(Some(found.environment_id))
    }

    async fn list_api_keys(&self, environment_id: &EnvironmentId) -> StoreResult<Vec<ApiKey>> {
        let env = environment_id.clone();
        self.read(move |conn, _| tenancy::list_api_keys(conn, &env))
            .await
    }

    async fn revoke_api_key(
        &self,
        environment_id: &EnvironmentId,
        key_id: &ApiKeyId,
    ) -> StoreResult<bool> {
        let (env, key_id) = (environment_id.clone(), key_id.clone());
        self.write(move |conn, _| tenancy::revoke_api_key(conn, &env, &key_id))
            .await
    }

    async fn rotate_api_key(
        &self,
        environment_id: &EnvironmentId,
        key_id: &ApiKeyId,
    ) -> StoreResult<Option<NewApiKey>> {
        let (env, key_id) = (environment_id.clone(), key_id.clone());
        self.write(move |conn, _| tenancy::rotate_api_key(conn, &env, &key_id, now()))
            .await
    }

    async fn add_webhook_endpoint(
        &self,
        environment_id: &EnvironmentId,
        url: &str,
    ) -> StoreResult<NewWebhookEndpoint> {
        let (env, url) = (environment_id.clone(), url.to_owned());
        self.write(move |conn, inner| webhooks::add_endpoint(conn, &inner.key, &env, &url, now()))
            .await
    }

    async fn list_webhook_endpoints(
        &self,
        environment_id: Option<&EnvironmentId>,
    ) -> StoreResult<Vec<WebhookEndpoint>> {
        let env = environment_id.cloned();
        self.read(move |conn, _| webhooks::list_endpoints(conn, env.as_ref()))
            .await
    }

    async fn remove_webhook_endpoint(
        &self,
        environment_id: &EnvironmentId,
        endpoint_id: &WebhookEndpointId,
    ) -> StoreResult<bool> {
        let (env, id) = (environment_id.clone(), endpoint_id.clone());
        self.write(move |conn, _| webhooks::remove_endpoint(conn, &env, &id))
            .await
    }

    async fn emit_webhook_event(
        &self,
        environment_id: &EnvironmentId,
        payload: &WebhookPayload,
    ) -> StoreResult<()> {
        let (env, payload) = (environment_id.clone(), payload.clone());
        self.write(move |conn, _| webhooks::emit_event(conn, &env, &payload, now()))
            .await
    }

    async fn claim_webhook_deliveries(
        &self,
        owner: &str,
        now: Timestamp,
        lease: Duration,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedDelivery>> {
        let owner = owner.to_owned();
        self.write(move |conn, inner| {
            webhooks::claim_deliveries(conn, &inner.key, &owner, now, lease, limit)
        })
        .await
    }

    async fn record_webhook_attempt(&self, attempt: &DeliveryAttempt) -> StoreResult<bool> {
        let attempt = attempt.clone();
        self.write(move |conn, _| webhooks::record_attempt(conn, &attempt))
            .await
    }

    async fn list_webhook_deliveries(
        &self,
        query: &DeliveryQuery,
    ) -> StoreResult<Vec<WebhookDelivery>> {
        let query = query.clone();
        self.read(move |conn, _| webhooks::list_deliveries(conn, &query))
            .await
    }

    async fn create_integration(&self, new: NewIntegration) -> StoreResult<Integration> {
        self.write(move |conn, inner| tenancy::create_integration(conn, &inner.key, new, now()))
            .await
    }

    async fn get_integration(
        &self,
        environment_id: &EnvironmentId,
        integration_id: &IntegrationId,
    ) -> StoreResult<Option<Integration>> {
        let (env, id) = (environment_id.clone(), integration_id.clone());
        self.read(move |conn, inner| tenancy::get_integration(conn, &inner.log, Some(&env), &id))
            .await
    }

    async fn find_integration(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Option<Integration>> {
        let id = integration_id.clone();
        self.read(move |conn, inner| tenancy::get_integration(conn, &inner.log, None, &id))
            .await
    }

    async fn list_integrations(
        &self,
        environment_id: Option<&EnvironmentId>,
    ) -> StoreResult<Vec<Integration>> {
        let env = environment_id.cloned();
        self.read(move |conn, _| tenancy::list_integrations(conn, env.as_ref()))
            .await
    }

    async fn remove_integration(
        &self,
        environment_id: &EnvironmentId,
        integration_id: &IntegrationId,
    ) -> StoreResult<bool> {
        let (env, id) = (environment_id.clone(), integration_id.clone());
        self.write(move |conn, _| tenancy::remove_integration(conn, &env, &id, now()))
            .await
    }

    async fn update_settings(
        &self,
        integration_id: &IntegrationId,
        settings: &IntegrationSettings,
    ) -> StoreResult<()> {
        let (id, settings) = (integration_id.clone(), settings.clone());
        self.write(move |conn, _| tenancy::update_settings(conn, &id, &settings))
            .await
    }

    async fn integration_credentials(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<serde_json::Value> {
        let id = integration_id.clone();
        self.read(move |conn, inner| tenancy::integration_credentials(conn, &inner.key, &id))
            .await
    }

    async fn update_credentials(
        &self,
        integration_id: &IntegrationId,
        credentials: &serde_json::Value,
    ) -> StoreResult<()> {
        let (id, credentials) = (integration_id.clone(), credentials.clone());
        self.write(move |conn, inner| {
            let tx = conn.transaction()?;
            tenancy::update_credentials(&tx, &inner.key, &id, &credentials)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn set_integration_enabled(
        &self,
        environment_id: &EnvironmentId,
        integration_id: &IntegrationId,
        enabled: bool,
    ) -> StoreResult<Option<Integration>> {
        let (env, id) = (environment_id.clone(), integration_id.clone());
        self.write(move |conn, _| tenancy::set_integration_enabled(conn, &env, &id, enabled))
            .await
    }

    async fn set_credentials_valid(
        &self,
        integration_id: &IntegrationId,
        valid: bool,
    ) -> StoreResult<Option<Integration>> {
        let id = integration_id.clone();
        self.write(move |conn, _| tenancy::set_credentials_valid(conn, &id, valid))
            .await
    }

    async fn create_connect_link(&self, link: NewConnectLink) -> StoreResult<String> {
        self.write(move |conn, _| lifecycle::create_connect_link(conn, &link, now()))
            .await
    }

    async fn connect_link(&self, token: &str) -> StoreResult<Option<ConnectLink>> {
        let token = token.to_owned();
        self.read(move |conn, _| lifecycle::connect_link(conn, &token))
            .await
    }

    async fn complete_connect_link(
        &self,
        token: &str,
        completion: ConnectCompletion,
        now: Timestamp,
        activation_expires_at: Timestamp,
    ) -> StoreResult<CompletedConnectLink> {
        let token = token.to_owned();
        self.write(move |conn, inner| {
            lifecycle::complete_connect_link(
                conn,
                &inner.key,
                &token,
                completion,
                now,
                activation_expires_at,
            )
        })
        .await
    }

    async fn integration_by_activation_token(
        &self,
        environment_id: &EnvironmentId,
        token: &str,
        now: Timestamp,
    ) -> StoreResult<Option<Integration>> {
        let (env, token) = (environment_id.clone(), token.to_owned());
        self.read(move |conn, _| {
            lifecycle::integration_by_activation_token(conn, &env, &token, now)
        })
        .await
    }

    async fn record_integration_fields(
        &self,
        integration_id: &IntegrationId,
        fields: Vec<NewIntegrationField>,
        now: Timestamp,
    ) -> StoreResult<()> {
        let id = integration_id.clone();
        self.write(move |conn, _| lifecycle::record_integration_fields(conn, &id, &fields, now))
            .await
    }

    async fn list_integration_fields(
        &self,
        integration_id: &IntegrationId,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<StoredIntegrationField>> {
        let (id, after) = (integration_id.clone(), after.map(str::to_owned));
        self.read(move |conn, _| {
            lifecycle::list_integration_fields(conn, &id, after.as_deref(), limit)
        })
        .await
    }

    async fn set_integration_field_passthrough(
        &self,
        integration_id: &IntegrationId,
        field_id: &str,
        enabled: bool,
    ) -> StoreResult<Option<StoredIntegrationField>> {
        let (id, field) = (integration_id.clone(), field_id.to_owned());
        self.write(move |conn, _| {
            lifecycle::set_integration_field_passthrough(conn, &id, &field, enabled)
        })
        .await
    }

    async fn disabled_integration_fields(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Vec<StoredIntegrationField>> {
        let id = integration_id.clone();
        self.read(move |conn, _| lifecycle::disabled_integration_fields(conn, &id))
            .await
    }

    async fn define_custom_field(
        &self,
        integration_id: &IntegrationId,
        field: NewCustomField,
        now: Timestamp,
    ) -> StoreResult<StoredCustomField> {
        let id = integration_id.clone();
        self.write(move |conn, _| lifecycle::define_custom_field(conn, &id, &field, now))
            .await
    }

    async fn list_custom_fields(
        &self,
        integration_id: &IntegrationId,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<StoredCustomField>> {
        let (id, after) = (integration_id.clone(), after.map(str::to_owned));
        self.read(move |conn, _| lifecycle::list_custom_fields(conn, &id, after.as_deref(), limit))
            .await
    }

    async fn custom_field_mappings(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Vec<StoredCustomField>> {
        let id = integration_id.clone();
        self.read(move |conn, _| lifecycle::custom_field_mappings(conn, &id))
            .await
    }

    async fn map_custom_field(
        &self,
        integration_id: &IntegrationId,
        custom_field_id: &str,
        integration_field_id: Option<&str>,
    ) -> StoreResult<Option<StoredCustomField>> {
        let (id, custom) = (integration_id.clone(), custom_field_id.to_owned());
        let field = integration_field_id.map(str::to_owned);
        self.write(move |conn, _| lifecycle::map_custom_field(conn, &id, &custom, field.as_deref()))
            .await
    }

    async fn apply_batch(
        &self,
        integration_id: &IntegrationId,
        run_id: Option<RunId>,
        now: Timestamp,
        writes: Vec<RecordWrite>,
    ) -> StoreResult<BatchResult> {
        let id = integration_id.clone();
        self.write(move |conn, _| records::apply_batch(conn, &id, run_id, now, &writes))
            .await
    }

    async fn mark_unseen_deleted(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        run_id: RunId,
        now: Timestamp,
    ) -> StoreResult<Vec<StoredRecord>> {
        let id = integration_id.clone();
        self.write(move |conn, _| records::mark_unseen_deleted(conn, &id, model, run_id, now))
            .await
    }

    async fn touch_relations(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        remote_ids: &[String],
        now: Timestamp,
    ) -> StoreResult<u64> {
        let (id, remote_ids) = (integration_id.clone(), remote_ids.to_vec());
        self.write(move |conn, inner| {
            records::touch_relations(conn, &inner.log, &id, model, &remote_ids, now)
        })
        .await
    }

    async fn list_records(&self, query: &RecordQuery) -> StoreResult<Vec<StoredRecord>> {
        let query = query.clone();
        self.read(move |conn, inner| records::list_records(conn, &inner.log, &query))
            .await
    }

    async fn get_by_remote_ids(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        remote_ids: &[String],
    ) -> StoreResult<Vec<StoredRecord>> {
        let (id, keys) = (integration_id.clone(), remote_ids.to_vec());
        self.read(move |conn, inner| {
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            records::get_by_column(conn, &inner.log, &id, model, KeyColumn::RemoteId, &keys)
        })
        .await
    }

    async fn get_by_ids(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        ids: &[KomboId],
    ) -> StoreResult<Vec<StoredRecord>> {
        let (id, keys) = (integration_id.clone(), ids.to_vec());
        self.read(move |conn, inner| {
            let keys: Vec<&str> = keys.iter().map(KomboId::as_str).collect();
            records::get_by_column(conn, &inner.log, &id, model, KeyColumn::KomboId, &keys)
        })
        .await
    }

    async fn find_related(&self, query: &RelationQuery) -> StoreResult<Vec<StoredRecord>> {
        let query = query.clone();
        self.read(move |conn, inner| records::find_related(conn, &inner.log, &query))
            .await
    }

    async fn known_remote_ids(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        include_deleted: bool,
    ) -> StoreResult<Vec<String>> {
        let id = integration_id.clone();
        self.read(move |conn, inner| {
            records::known_remote_ids(conn, &inner.log, &id, model, include_deleted)
        })
        .await
    }

    async fn has_completed_sync(&self, integration_id: &IntegrationId) -> StoreResult<bool> {
        let id = integration_id.clone();
        self.read(move |conn, inner| runs::has_completed_sync(conn, &inner.log, &id))
            .await
    }

    async fn track_application(
        &self,
        integration_id: &IntegrationId,
        application: TrackedApplication,
        tracked_at: Timestamp,
    ) -> StoreResult<()> {
        let id = integration_id.clone();
        self.write(move |conn, _| runs::track_application(conn, &id, &application, tracked_at))
            .await
    }

    async fn tracked_applications(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Vec<TrackedApplication>> {
        let id = integration_id.clone();
        self.read(move |conn, _| runs::tracked_applications(conn, &id))
            .await
    }

    async fn start_run(
        &self,
        integration_id: &IntegrationId,
        mode: SyncMode,
        started_at: Timestamp,
    ) -> StoreResult<RunId> {
        let (id, lease) = (integration_id.clone(), self.inner.run_lease);
        self.write(move |conn, _| runs::start_run(conn, &id, mode, started_at, lease))
            .await
    }

    async fn queue_run(
        &self,
        integration_id: &IntegrationId,
        mode: SyncMode,
        queued_at: Timestamp,
    ) -> StoreResult<RunId> {
        let (id, lease) = (integration_id.clone(), self.inner.run_lease);
        self.write(move |conn, _| runs::queue_run(conn, &id, mode, queued_at, lease))
            .await
    }

    async fn start_queued_run(
        &self,
        run_id: RunId,
        mode: SyncMode,
        started_at: Timestamp,
    ) -> StoreResult<()> {
        self.write(move |conn, _| runs::start_queued_run(conn, run_id, mode, started_at))
            .await
    }

    async fn finish_run(&self, run_id: RunId, outcome: RunOutcome) -> StoreResult<()> {
        self.write(move |conn, inner| {
            runs::finish_run(conn, run_id, &outcome, &inner.links)?;
            // A run may have changed the shape of the data a lot; the planner's statistics
            // follow. Failing to refresh them never fails the run.
            if let Err(error) = refresh_statistics(conn) {
                tracing::warn!(%error, "cannot refresh the query planner's statistics");
            }
            Ok(())
        })
        .await
    }

    async fn heartbeat_run(&self, run_id: RunId, now: Timestamp) -> StoreResult<bool> {
        self.write(move |conn, _| runs::heartbeat_run(conn, run_id, now))
            .await
    }

    async fn fail_stale_runs(&self, now: Timestamp) -> StoreResult<u64> {
        let lease = self.inner.run_lease;
        self.write(move |conn, _| runs::fail_stale_runs(conn, now, lease))
            .await
    }

    fn run_lease(&self) -> Duration {
        self.inner.run_lease
    }

    async fn set_admin_token_hash(&self, sha256: &[u8; 32]) -> StoreResult<()> {
        let sha256 = *sha256;
        self.write(move |conn, _| dashboard::set_admin_token_hash(conn, &sha256))
            .await
    }

    async fn admin_token_hash(&self) -> StoreResult<Option<[u8; 32]>> {
        self.read(|conn, _| dashboard::admin_token_hash(conn)).await
    }

    async fn record_counts(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Vec<crate::ModelRecordCount>> {
        let id = integration_id.clone();
        self.read(move |conn, inner| dashboard::record_counts(conn, &inner.log, &id))
            .await
    }

    async fn changed_at_histogram(
        &self,
        integration_id: &IntegrationId,
        since: Timestamp,
    ) -> StoreResult<Vec<crate::DailyChanges>> {
        let id = integration_id.clone();
        self.read(move |conn, inner| dashboard::changed_at_histogram(conn, &inner.log, &id, since))
            .await
    }

    async fn last_runs(&self, integration_id: &IntegrationId, n: u32) -> StoreResult<Vec<SyncRun>> {
        let id = integration_id.clone();
        self.read(move |conn, _| runs::last_runs(conn, &id, n))
            .await
    }

    async fn is_empty(&self) -> StoreResult<bool> {
        self.read(|conn, _| export::is_empty(conn)).await
    }

    async fn export_rows(
        &self,
        table: ExportTable,
        after: Option<ExportKey>,
        limit: u32,
    ) -> StoreResult<Vec<ExportRow>> {
        self.read(move |conn, _| export::export_rows(conn, table, after.as_ref(), limit))
            .await
    }

    async fn import_rows(&self, rows: Vec<ExportRow>) -> StoreResult<()> {
        self.write(move |conn, _| export::import_rows(conn, &rows))
            .await
    }

    async fn save_sync_state(
        &self,
        integration_id: &IntegrationId,
        state: &serde_json::Value,
    ) -> StoreResult<()> {
        let (id, state) = (integration_id.clone(), state.clone());
        self.write(move |conn, _| runs::save_sync_state(conn, &id, &state))
            .await
    }

    async fn load_sync_state(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Option<serde_json::Value>> {
        let id = integration_id.clone();
        self.read(move |conn, _| runs::load_sync_state(conn, &id))
            .await
    }
}
