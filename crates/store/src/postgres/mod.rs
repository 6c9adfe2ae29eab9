//! [`PgStore`]: the PostgreSQL implementation of [`Store`], for deployments that run several
//! atsbridge processes or already operate PostgreSQL.
//!
//! # Client
//!
//! The store talks to PostgreSQL through `tokio-postgres`, pooled by `deadpool-postgres`:
//!
//! - `tokio-postgres` is async-native (no blocking thread per query, unlike the SQLite
//!   store), needs no database at compile time (the record queries are built at run time by
//!   [`crate::sql`] anyway), is the most widely used PostgreSQL client of the tokio
//!   ecosystem, and is a light build next to `sqlx` (no macros, no other drivers).
//! - `deadpool-postgres` keeps a bounded pool ([`PgOptions::max_connections`]): a burst of
//!   requests waits for a free connection instead of opening one connection each, and a
//!   connection that broke is replaced on its next checkout.
//!
//! Connections are plain TCP or Unix sockets (no TLS yet): run the database on the same host
//! or a private network.
//!
//! # Concurrency
//!
//! Several processes may use one database, with the same guarantees as several processes on
//! one SQLite file:
//!
//! - Migrations run under a transaction-scoped advisory lock with a fixed key, so instances
//!   starting together apply each migration once (see `migrations`).
//! - Record writes of one integration (`apply_batch`, `mark_unseen_deleted`) take a
//!   transaction-scoped advisory lock keyed on the integration id (`hashtext`) before their
//!   first write. `seq` comes from an identity sequence, so without the lock two batches could
//!   commit out of `seq` order and a reader paginating between the commits would step over the
//!   earlier `seq` for good. With it, within one integration a larger `seq` is never visible
//!   before a smaller one, which keeps keyset pagination exact while writes happen.
//! - Recording a run locks the integration's row (`SELECT … FOR NO KEY UPDATE`) before it
//!   checks for a queued or running run, so two processes cannot both record one.

mod dashboard;
mod export;
mod lifecycle;
mod migrations;
mod records;
mod runs;
mod tenancy;
mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use atsbridge_schema::{KomboId, Model, Timestamp};
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod};
use tokio_postgres::NoTls;
use tokio_postgres::types::ToSql;

use crate::crypto::SecretKey;
use crate::error::StoreError;
use crate::explain::{QueryPlan, StatementLog, postgres_full_scans, render_params};
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
use crate::sql::{Dialect, Param};
use crate::webhooks::{
    ClaimedDelivery, DeliveryAttempt, DeliveryQuery, EventLinks, NewWebhookEndpoint,
    WebhookDelivery, WebhookEndpoint,
};
use crate::{Store, StoreResult};
use atsbridge_schema::webhook::WebhookPayload;

/// Connections in the pool, unless [`PgOptions::max_connections`] says otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 8;
/// How long opening a connection may take, unless the URL sets `connect_timeout`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Options of [`PgStore::connect`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgOptions {
    /// Connections open at once; further calls wait for one to be free.
    pub max_connections: usize,
    /// How long a queued or running run stays claimed without a heartbeat
    /// ([`crate::RUN_LEASE`] by default).
    pub run_lease: Duration,
    /// Where the links in webhook payloads point.
    pub links: EventLinks,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            run_lease: crate::RUN_LEASE,
            links: EventLinks::default(),
        }
    }
}

/// The PostgreSQL store. Cheap to clone; clones share the pool.
#[derive(Clone)]
pub struct PgStore {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    key: SecretKey,
    run_lease: Duration,
    links: EventLinks,
    /// Statements issued by record reads, while the log is on (see `start_statement_log`).
    log: StatementLog,
    /// `host:port/database`, for `Debug` (never the user's password).
    target: String,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("target", &self.inner.target)
            .finish_non_exhaustive()
    }
}

impl From<PoolError> for StoreError {
    fn from(error: PoolError) -> Self {
        match error {
            PoolError::Backend(error) => StoreError::Postgres(error),
            other => StoreError::PostgresPool(other.to_string()),
        }
    }
}

/// PostgreSQL's flavour of the shared record queries.
pub(crate) struct PgDialect;

impl Dialect for PgDialect {
    fn placeholder(&self, n: usize) -> String {
        format!("${n}")
    }

    fn in_list(&self, expr: &str, placeholder: &str) -> String {
        format!("{expr} = ANY({placeholder})")
    }

    fn contains(&self, haystack: &str, placeholder: &str) -> String {
        format!("strpos({haystack}, {placeholder}) > 0")
    }

    fn records_by_seq(&self, alias: &str) -> String {
        format!("records {alias}")
    }

    fn records_indexed_by(&self, alias: &str, _index: &str) -> String {
        // PostgreSQL takes no index hints; its statistics choose.
        format!("records {alias}")
    }
}

/// Owned PostgreSQL values of shared-query parameters (lists as `text[]`).
pub(crate) struct PgParams(Vec<Box<dyn ToSql + Sync + Send>>);

impl PgParams {
    pub(crate) fn new(params: &[Param]) -> Self {
        Self(
            params
                .iter()
                .map(|param| -> Box<dyn ToSql + Sync + Send> {
                    match param {
                        Param::Text(text) => Box::new(text.clone()),
                        Param::Int(n) => Box::new(*n),
                        Param::TextList(list) => Box::new(list.clone()),
                        Param::Bytes(bytes) => Box::new(bytes.clone()),
                        Param::OptText(text) => Box::new(text.clone()),
                        Param::OptInt(n) => Box::new(*n),
                    }
                })
                .collect(),
        )
    }

    /// The values as `tokio-postgres` takes them.
    pub(crate) fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.0
            .iter()
            .map(|param| param.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }
}

/// `host:port/database` of a configuration (no user, no password).
pub(crate) fn describe(config: &tokio_postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .zip(config.get_ports().iter().chain(std::iter::repeat(&5432)))
        .map(|(host, port)| match host {
            tokio_postgres::config::Host::Tcp(name) => format!("{name}:{port}"),
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(path) => format!("{}:{port}", path.display()),
        })
        .collect();
    format!(
        "{}/{}",
        hosts.join(","),
        config.get_dbname().unwrap_or_default()
    )
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/database`, or any
    /// connection string `tokio-postgres` accepts), applies pending migrations and checks the
    /// encryption key.
    ///
    /// Fails with [`StoreError::NewerSchema`] for a database written by a newer atsbridge and
    /// with [`StoreError::WrongEncryptionKey`] when `key` is not the key the database was
    /// created with. Error messages never contain the URL.
    pub async fn connect(url: &str, key: SecretKey, options: PgOptions) -> StoreResult<Self> {
        if options.max_connections == 0 {
            return Err(StoreError::InvalidArgument(
                "the PostgreSQL pool needs at least one connection".into(),
            ));
        }
        if options.run_lease.is_zero() {
            return Err(StoreError::InvalidArgument(
                "the run lease must be longer than zero".into(),
            ));
        }
        let mut config: tokio_postgres::Config = url.parse().map_err(|error| {
            StoreError::InvalidArgument(format!("invalid PostgreSQL connection URL: {error}"))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("atsbridge");
        }
        let target = describe(&config);
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.max_connections)
            .build()
            .map_err(|error| StoreError::PostgresPool(error.to_string()))?;
        let mut client = pool.get().await?;
        migrations::migrate(&mut client).await?;
        check_or_record_key(&client, &key).await?;
        drop(client);
        tracing::debug!(%target, "connected to PostgreSQL");
        Ok(Self {
            inner: Arc::new(Inner {
                pool,
                key,
                run_lease: options.run_lease,
                links: options.links,
                log: StatementLog::default(),
                target,
            }),
        })
    }

    /// A connection from the pool; waits while all of them are busy.
    async fn client(&self) -> StoreResult<Object> {
        Ok(self.inner.pool.get().await?)
    }

    /// Starts logging the statements of record reads (and of API key, integration and
    /// first-sync lookups), dropping what was logged before. For index checks in tests; the
    /// log stays on until the store is dropped.
    pub fn start_statement_log(&self) {
        self.inner.log.start();
    }

    /// The `EXPLAIN` of every distinct statement logged since
    /// [`PgStore::start_statement_log`], planned with the parameters it was issued with.
    ///
    /// Plans are made with `enable_seqscan = off`, so that on small test tables the planner
    /// still picks an index when one fits, and a sequential scan in the plan means that no
    /// index can answer the statement.
    pub async fn explain_logged(&self) -> StoreResult<Vec<QueryPlan>> {
        let statements = self.inner.log.distinct();
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.batch_execute("SET LOCAL enable_seqscan = off").await?;
        let mut plans = Vec::with_capacity(statements.len());
        for (text, params) in statements {
            let values = PgParams::new(&params);
            let rows = tx.query(&format!("EXPLAIN {text}"), &values.refs()).await?;
            let lines = rows
                .iter()
                .map(|row| row.try_get::<_, String>(0))
                .collect::<Result<Vec<_>, _>>()?;
            plans.push(QueryPlan {
                params: render_params(&params),
                full_scans: postgres_full_scans(&lines),
                statement: text,
                lines,
            });
        }
        tx.rollback().await?;
        Ok(plans)
    }
}

/// On first connect, seals a known value with `key`; afterwards checks that it still opens,
/// so a wrong key is reported at startup instead of at the first credentials read. Two
/// instances starting together both insert-if-absent and then check the one that won.
async fn check_or_record_key(client: &Object, key: &SecretKey) -> StoreResult<()> {
    let sealed = key.seal(KEY_CHECK_PLAINTEXT, KEY_CHECK_META.as_bytes())?;
    client
        .execute(
            "INSERT INTO store_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            &[&KEY_CHECK_META, &sealed],
        )
        .await?;
    let row = client
        .query_one(
            "SELECT value FROM store_meta WHERE key = $1",
            &[&KEY_CHECK_META],
        )
        .await?;
    let stored: Vec<u8> = row.try_get(0)?;
    verify_key_check(key, &stored)
}

#[async_trait::async_trait]
impl Store for PgStore {
    async fn create_environment(&self, name: &str) -> StoreResult<Environment> {
        tenancy::create_environment(&self.client().await?, name).await
    }

    async fn get_environment(&self, id: &EnvironmentId) -> StoreResult<Option<Environment>> {
        tenancy::get_environment(&self.client().await?, id).await
    }

    async fn list_environments(&self) -> StoreResult<Vec<Environment>> {
        tenancy::list_environments(&self.client().await?).await
    }

    async fn create_api_key(
        &self,
        environment_id: &EnvironmentId,
        label: &str,
    ) -> StoreResult<NewApiKey> {
        tenancy::create_api_key(&mut self.client().await?, environment_id, label).await
    }

    async fn import_api_key(
        &self,
        environment_id: &EnvironmentId,
        label: &str,
        secret: &str,
    ) -> StoreResult<ApiKeyId> {
        tenancy::import_api_key(&mut self.client().await?, environment_id, label, secret).await
    }

    async fn authenticate_api_key(&self, secret: &str) -> StoreResult<Option<EnvironmentId>> {
        let client = self.client().await?;
        let Some(found) = tenancy::authenticate_api_key(&client, &self.inner.log, secret).await?
        else {
            return Ok(None);
        };
        let at = now();
        if found.needs_touch(at) {
            // Recording the last use is bookkeeping: failing to write it never fails the
            // request it authenticates.
            if let Err(error) = tenancy::touch_api_key(&client, &found.key_id, at).await {
                tracing::warn!(%error, key_id = %found.key_id, "cannot record an API key's last use");
            }
        }
        Ok(Some(found.environment_id))
    }

    async fn list_api_keys(&self, environment_id: &EnvironmentId) -> StoreResult<Vec<ApiKey>> {
        tenancy::list_api_keys(&self.client().await?, environment_id).await
    }

    async fn revoke_api_key(
        &self,
        environment_id: &EnvironmentId,
        key_id: &ApiKeyId,
    ) -> StoreResult<bool> {
        tenancy::revoke_api_key(&self.client().await?, environment_id, key_id).await
    }

    async fn rotate_api_key(
        &self,
        environment_id: &EnvironmentId,
        key_id: &ApiKeyId,
    ) -> StoreResult<Option<NewApiKey>> {
        tenancy::rotate_api_key(&mut self.client().await?, environment_id, key_id).await
    }

    async fn add_webhook_endpoint(
        &self,
        environment_id: &EnvironmentId,
        url: &str,
    ) -> StoreResult<NewWebhookEndpoint> {
        let mut client = self.client().await?;
        webhooks::add_endpoint(&mut client, &self.inner.key, environment_id, url, now()).await
    }

    async fn list_webhook_endpoints(
        &self,
        environment_id: Option<&EnvironmentId>,
    ) -> StoreResult<Vec<WebhookEndpoint>> {
        webhooks::list_endpoints(&self.client().await?, environment_id).await
    }

    async fn remove_webhook_endpoint(
        &self,
        environment_id: &EnvironmentId,
        endpoint_id: &WebhookEndpointId,
    ) -> StoreResult<bool> {
        webhooks::remove_endpoint(&self.client().await?, environment_id, endpoint_id).await
    }

    async fn emit_webhook_event(
        &self,
        environment_id: &EnvironmentId,
        payload: &WebhookPayload,
    ) -> StoreResult<()> {
        webhooks::emit_event(&mut self.client().await?, environment_id, payload, now()).await
    }

    async fn claim_webhook_deliveries(
        &self,
        owner: &str,
        now: Timestamp,
        lease: Duration,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedDelivery>> {
        let client = self.client().await?;
        webhooks::claim_deliveries(&client, &self.inner.key, owner, now, lease, limit).await
    }

    async fn record_webhook_attempt(&self, attempt: &DeliveryAttempt) -> StoreResult<bool> {
        webhooks::record_attempt(&self.client().await?, attempt).await
    }

    async fn list_webhook_deliveries(
        &self,
        query: &DeliveryQuery,
    ) -> StoreResult<Vec<WebhookDelivery>> {
        webhooks::list_deliveries(&self.client().await?, query).await
    }

    async fn create_integration(&self, new: NewIntegration) -> StoreResult<Integration> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let integration = tenancy::create_integration(&tx, &self.inner.key, new).await?;
        tx.commit().await?;
        Ok(integration)
    }

    async fn get_integration(
        &self,
        environment_id: &EnvironmentId,
        integration_id: &IntegrationId,
    ) -> StoreResult<Option<Integration>> {
        tenancy::get_integration(
            &self.client().await?,
            &self.inner.log,
            Some(environment_id),
            integration_id,
        )
        .await
    }

    async fn find_integration(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Option<Integration>> {
        tenancy::get_integration(&self.client().await?, &self.inner.log, None, integration_id).await
    }

    async fn list_integrations(
        &self,
        environment_id: Option<&EnvironmentId>,
    ) -> StoreResult<Vec<Integration>> {
        tenancy::list_integrations(&self.client().await?, environment_id).await
    }

    async fn remove_integration(
        &self,
        environment_id: &EnvironmentId,
        integration_id: &IntegrationId,
    ) -> StoreResult<bool> {
        tenancy::remove_integration(&mut self.client().await?, environment_id, integration_id).await
    }

    async fn update_settings(
        &self,
        integration_id: &IntegrationId,
        settings: &IntegrationSettings,
    ) -> StoreResult<()> {
        tenancy::update_settings(&self.client().await?, integration_id, settings).await
    }

    async fn integration_credentials(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<serde_json::Value> {
        tenancy::integration_credentials(&self.client().await?, &self.inner.key, integration_id)
            .await
    }

    async fn update_credentials(
        &self,
        integration_id: &IntegrationId,
        credentials: &serde_json::Value,
    ) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tenancy::update_credentials(&tx, &self.inner.key, integration_id, credentials).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_integration_enabled(
        &self,
        environment_id: &EnvironmentId,
        integration_id: &IntegrationId,
        enabled: bool,
    ) -> StoreResult<Option<Integration>> {
        tenancy::set_integration_enabled(
            &mut self.client().await?,
            environment_id,
            integration_id,
            enabled,
        )
        .await
    }

    async fn set_credentials_valid(
        &self,
        integration_id: &IntegrationId,
        valid: bool,
    ) -> StoreResult<Option<Integration>> {
        tenancy::set_credentials_valid(&mut self.client().await?, integration_id, valid).await
    }

    async fn create_connect_link(&self, link: NewConnectLink) -> StoreResult<String> {
        lifecycle::create_connect_link(&self.client().await?, &link, crate::rows::now()).await
    }

    async fn connect_link(&self, token: &str) -> StoreResult<Option<ConnectLink>> {
        lifecycle::connect_link(&self.client().await?, token).await
    }

    async fn complete_connect_link(
        &self,
        token: &str,
        completion: ConnectCompletion,
        now: Timestamp,
        activation_expires_at: Timestamp,
    ) -> StoreResult<CompletedConnectLink> {
        lifecycle::complete_connect_link(
            &mut self.client().await?,
            &self.inner.key,
            token,
            completion,
            now,
            activation_expires_at,
        )
        .await
    }

    async fn integration_by_activation_token(
        &self,
        environment_id: &EnvironmentId,
        token: &str,
        now: Timestamp,
    ) -> StoreResult<Option<Integration>> {
        lifecycle::integration_by_activation_token(
            &self.client().await?,
            environment_id,
            token,
            now,
        )
        .await
    }

    async fn record_integration_fields(
        &self,
        integration_id: &IntegrationId,
        fields: Vec<NewIntegrationField>,
        now: Timestamp,
    ) -> StoreResult<()> {
        lifecycle::record_integration_fields(
            &mut self.client().await?,
            integration_id,
            &fields,
            now,
        )
        .await
    }

    async fn list_integration_fields(
        &self,
        integration_id: &IntegrationId,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<StoredIntegrationField>> {
        lifecycle::list_integration_fields(&self.client().await?, integration_id, after, limit)
            .await
    }

    async fn set_integration_field_passthrough(
        &self,
        integration_id: &IntegrationId,
        field_id: &str,
        enabled: bool,
    ) -> StoreResult<Option<StoredIntegrationField>> {
        lifecycle::set_integration_field_passthrough(
            &self.client().await?,
            integration_id,
            field_id,
            enabled,
        )
        .await
    }

    async fn disabled_integration_fields(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Vec<StoredIntegrationField>> {
        lifecycle::disabled_integration_fields(&self.client().await?, integration_id).await
    }

    async fn define_custom_field(
        &self,
        integration_id: &IntegrationId,
        field: NewCustomField,
        now: Timestamp,
    ) -> StoreResult<StoredCustomField> {
        lifecycle::define_custom_field(&self.client().await?, integration_id, &field, now).await
    }

    async fn list_custom_fields(
        &self,
        integration_id: &IntegrationId,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<StoredCustomField>> {
        lifecycle::list_custom_fields(&self.client().await?, integration_id, after, limit).await
    }

    async fn custom_field_mappings(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Vec<StoredCustomField>> {
        lifecycle::custom_field_mappings(&self.client().await?, integration_id).await
    }

    async fn map_custom_field(
        &self,
        integration_id: &IntegrationId,
        custom_field_id: &str,
        integration_field_id: Option<&str>,
    ) -> StoreResult<Option<StoredCustomField>> {
        lifecycle::map_custom_field(
            &mut self.client().await?,
            integration_id,
            custom_field_id,
            integration_field_id,
        )
        .await
    }

    async fn apply_batch(
        &self,
        integration_id: &IntegrationId,
        run_id: Option<RunId>,
        now: Timestamp,
        writes: Vec<RecordWrite>,
    ) -> StoreResult<BatchResult> {
        records::apply_batch(
            &mut self.client().await?,
            integration_id,
            run_id,
            now,
            &writes,
        )
        .await
    }

    async fn mark_unseen_deleted(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        run_id: RunId,
        now: Timestamp,
    ) -> StoreResult<Vec<StoredRecord>> {
        records::mark_unseen_deleted(
            &mut self.client().await?,
            integration_id,
            model,
            run_id,
            now,
        )
        .await
    }

    async fn touch_relations(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        remote_ids: &[String],
        now: Timestamp,
    ) -> StoreResult<u64> {
        if remote_ids.is_empty() {
            return Ok(0);
        }
        records::touch_relations(
            &self.client().await?,
            &self.inner.log,
            integration_id,
            model,
            remote_ids,
            now,
        )
        .await
    }

    async fn list_records(&self, query: &RecordQuery) -> StoreResult<Vec<StoredRecord>> {
        if query.limit == 0 {
            return Ok(Vec::new());
        }
        records::list_records(&self.client().await?, &self.inner.log, query).await
    }

    async fn get_by_remote_ids(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        remote_ids: &[String],
    ) -> StoreResult<Vec<StoredRecord>> {
        if remote_ids.is_empty() {
            return Ok(Vec::new());
        }
        records::get_by_column(
            &self.client().await?,
            &self.inner.log,
            integration_id,
            model,
            "remote_id",
            remote_ids.to_vec(),
        )
        .await
    }

    async fn get_by_ids(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        ids: &[KomboId],
    ) -> StoreResult<Vec<StoredRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        records::get_by_column(
            &self.client().await?,
            &self.inner.log,
            integration_id,
            model,
            "id",
            ids.iter().map(|id| id.as_str().to_owned()).collect(),
        )
        .await
    }

    async fn find_related(&self, query: &RelationQuery) -> StoreResult<Vec<StoredRecord>> {
        if query.values.is_empty() {
            return Ok(Vec::new());
        }
        records::find_related(&self.client().await?, &self.inner.log, query).await
    }

    async fn known_remote_ids(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        include_deleted: bool,
    ) -> StoreResult<Vec<String>> {
        records::known_remote_ids(
            &self.client().await?,
            &self.inner.log,
            integration_id,
            model,
            include_deleted,
        )
        .await
    }

    async fn has_completed_sync(&self, integration_id: &IntegrationId) -> StoreResult<bool> {
        runs::has_completed_sync(&self.client().await?, &self.inner.log, integration_id).await
    }

    async fn track_application(
        &self,
        integration_id: &IntegrationId,
        application: TrackedApplication,
        tracked_at: Timestamp,
    ) -> StoreResult<()> {
        runs::track_application(
            &self.client().await?,
            integration_id,
            &application,
            tracked_at,
        )
        .await
    }

    async fn tracked_applications(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Vec<TrackedApplication>> {
        runs::tracked_applications(&self.client().await?, integration_id).await
    }

    async fn start_run(
        &self,
        integration_id: &IntegrationId,
        mode: SyncMode,
        started_at: Timestamp,
    ) -> StoreResult<RunId> {
        runs::insert_run(
            &mut self.client().await?,
            integration_id,
            mode,
            crate::RunStatus::Running,
            started_at,
            self.inner.run_lease,
        )
        .await
    }

    async fn queue_run(
        &self,
        integration_id: &IntegrationId,
        mode: SyncMode,
        queued_at: Timestamp,
    ) -> StoreResult<RunId> {
        runs::insert_run(
            &mut self.client().await?,
            integration_id,
            mode,
            crate::RunStatus::Queued,
            queued_at,
            self.inner.run_lease,
        )
        .await
    }

    async fn start_queued_run(
        &self,
        run_id: RunId,
        mode: SyncMode,
        started_at: Timestamp,
    ) -> StoreResult<()> {
        runs::start_queued_run(&self.client().await?, run_id, mode, started_at).await
    }

    async fn finish_run(&self, run_id: RunId, outcome: RunOutcome) -> StoreResult<()> {
        runs::finish_run(
            &mut self.client().await?,
            run_id,
            &outcome,
            &self.inner.links,
        )
        .await
    }

    async fn heartbeat_run(&self, run_id: RunId, now: Timestamp) -> StoreResult<bool> {
        runs::heartbeat_run(&self.client().await?, run_id, now).await
    }

    fn run_lease(&self) -> Duration {
        self.inner.run_lease
    }

    async fn is_empty(&self) -> StoreResult<bool> {
        export::is_empty(&self.client().await?).await
    }

    async fn export_rows(
        &self,
        table: ExportTable,
        after: Option<ExportKey>,
        limit: u32,
    ) -> StoreResult<Vec<ExportRow>> {
        export::export_rows(&self.client().await?, table, after.as_ref(), limit).await
    }

    async fn import_rows(&self, rows: Vec<ExportRow>) -> StoreResult<()> {
        export::import_rows(&mut self.client().await?, &rows).await
    }

    async fn fail_stale_runs(&self, now: Timestamp) -> StoreResult<u64> {
        runs::fail_stale_runs(&mut self.client().await?, now, self.inner.run_lease).await
    }

    async fn set_admin_token_hash(&self, sha256: &[u8; 32]) -> StoreResult<()> {
        dashboard::set_admin_token_hash(&self.client().await?, sha256).await
    }

    async fn admin_token_hash(&self) -> StoreResult<Option<[u8; 32]>> {
        dashboard::admin_token_hash(&self.client().await?).await
    }

    async fn record_counts(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Vec<crate::ModelRecordCount>> {
        dashboard::record_counts(&self.client().await?, &self.inner.log, integration_id).await
    }

    async fn changed_at_histogram(
        &self,
        integration_id: &IntegrationId,
        since: Timestamp,
    ) -> StoreResult<Vec<crate::DailyChanges>> {
        dashboard::changed_at_histogram(
            &self.client().await?,
            &self.inner.log,
            integration_id,
            since,
        )
        .await
    }

    async fn last_runs(&self, integration_id: &IntegrationId, n: u32) -> StoreResult<Vec<SyncRun>> {
        runs::last_runs(&self.client().await?, integration_id, n).await
    }

    async fn save_sync_state(
        &self,
        integration_id: &IntegrationId,
        state: &serde_json::Value,
    ) -> StoreResult<()> {
        runs::save_sync_state(&self.client().await?, integration_id, state).await
    }

    async fn load_sync_state(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Option<serde_json::Value>> {
        runs::load_sync_state(&self.client().await?, integration_id).await
    }
}
