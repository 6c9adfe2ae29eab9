//! Persistence of unified records and sync state for atsbridge (embedded SQLite or
//! PostgreSQL).
//!
//! The [`Store`] trait is what the sync engine, the server and the CLI talk to;
//! [`SqliteStore`] implements it on an embedded SQLite database (WAL mode, numbered
//! migrations) and [`PgStore`] on a PostgreSQL server, with the same semantics.
//! [`open_store`] picks one from a configuration value. Records are kept schema-agnostic: a row is `(integration, model, remote id)`
//! plus the record's JSON document, its content hash and the timestamps the engine owns.
//!
//! Environments own API keys (stored as SHA-256 hashes) and integrations (credentials
//! encrypted with XChaCha20-Poly1305 under a [`SecretKey`] from configuration).

mod copy;
mod crypto;
mod dashboard;
mod error;
mod explain;
mod export;
mod keys;
mod lifecycle;
mod model;
mod postgres;
mod rows;
mod sql;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
pub mod webhooks;

use atsbridge_schema::{KomboId, Model, Timestamp};

pub use copy::{COPY_PAGE_ROWS, TableCheck, compare_stores, copy_store, table_digest};
pub use crypto::SecretKey;
pub use dashboard::{DailyChanges, ModelRecordCount};
pub use error::StoreError;
pub use explain::{QueryPlan, full_scans};
pub use export::{ExportKey, ExportRow, ExportTable};
pub use keys::{MAX_KEY_VALUE_CHARS, RecordKey, index_keys};
pub use lifecycle::{
    ACTIVATION_TOKEN_PREFIX, CONNECT_LINK_PREFIX, CompletedConnectLink, ConnectCompletion,
    ConnectLink, NewConnectLink, NewCustomField, NewIntegrationField, StoredCustomField,
    StoredIntegrationField,
};
pub use model::{
    ApiKey, ApiKeyId, BatchResult, EndUser, Environment, EnvironmentId, Integration, IntegrationId,
    IntegrationSettings, IntegrationStatus, KeyFilter, ModelCounts, NewApiKey, NewIntegration,
    RecordQuery, RecordWrite, RelationQuery, RunId, RunOutcome, RunStatus, SetupStatus,
    StoredRecord, SyncMode, SyncRun, TrackedApplication, TrackedRestriction, WebhookEndpointId,
};
pub use postgres::{DEFAULT_MAX_CONNECTIONS, PgOptions, PgStore};
pub use sqlite::{DEFAULT_MAX_READERS, SqliteOptions, SqliteStore};
pub use webhooks::{
    AttemptOutcome, ClaimedDelivery, DeliveryAttempt, DeliveryQuery, DeliveryStatus, EventLinks,
    NewWebhookEndpoint, WebhookDelivery, WebhookEndpoint,
};

/// How long a queued or running run stays claimed without a heartbeat, by default
/// (see [`Store::run_lease`]).
///
/// The process that owns a run renews its lease with [`Store::heartbeat_run`] well within
/// this time (the sync engine beats every 15 seconds). A run whose last heartbeat is older
/// belongs to a process that was killed or hung: [`Store::start_run`], [`Store::queue_run`]
/// and [`Store::fail_stale_runs`] close it as failed. Generous on purpose, so a busy machine
/// never loses a live run.
pub const RUN_LEASE: std::time::Duration = std::time::Duration::from_secs(120);

/// Result type of every store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Limits that apply to whichever backend [`open_store`] opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// Connections open at once: SQLite read connections, or the PostgreSQL pool.
    pub max_connections: usize,
    /// How long a queued or running run stays claimed without a heartbeat.
    pub run_lease: std::time::Duration,
    /// Where the links in webhook payloads (`log_url`) point.
    pub links: EventLinks,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            run_lease: RUN_LEASE,
            links: EventLinks::default(),
        }
    }
}

/// Whether a database setting is a PostgreSQL URL (`postgres://` or `postgresql://`).
pub fn is_postgres_url(url_or_path: &str) -> bool {
    let lowered = url_or_path.trim_start().to_ascii_lowercase();
    lowered.starts_with("postgres://") || lowered.starts_with("postgresql://")
}

/// A database setting fit for messages: a SQLite path as it is, a PostgreSQL URL as
/// `postgres://host:port/database`, without user or password.
pub fn describe_database(url_or_path: &str) -> String {
    if !is_postgres_url(url_or_path) {
        return url_or_path.to_owned();
    }
    match url_or_path.trim().parse::<tokio_postgres::Config>() {
        Ok(config) => format!("postgres://{}", postgres::describe(&config)),
        Err(_) => "a PostgreSQL database (unparsable URL)".to_owned(),
    }
}

/// Opens the store a configuration value names: a PostgreSQL URL connects a [`PgStore`],
/// anything else is the path of a SQLite file, opened (or created) as a [`SqliteStore`].
/// Migrations are applied either way.
pub async fn open_store(
    url_or_path: &str,
    key: SecretKey,
    options: &StoreOptions,
) -> StoreResult<std::sync::Arc<dyn Store>> {
    if is_postgres_url(url_or_path) {
        let pg = PgOptions {
            max_connections: options.max_connections,
            run_lease: options.run_lease,
            links: options.links.clone(),
        };
        let store = PgStore::connect(url_or_path.trim(), key, pg).await?;
        return Ok(std::sync::Arc::new(store));
    }
    let path = std::path::PathBuf::from(url_or_path);
    let sqlite = SqliteOptions {
        max_readers: options.max_connections,
        run_lease: options.run_lease,
        links: options.links.clone(),
    };
    let store = tokio::task::spawn_blocking(move || SqliteStore::open_with(path, key, sqlite))
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))??;
    Ok(std::sync::Arc::new(store))
}

/// Persistence used by the sync engine, the server and the CLI.
///
/// Implementations must be safe to share (`Arc<dyn Store>`) and must make every method
/// atomic: a call either applies completely or not at all.
#[async_trait::async_trait]
pub trait Store: Send + Sync {
    // ---- environments and API keys ----

    /// Creates an environment.
    async fn create_environment(&self, name: &str) -> StoreResult<Environment>;

    /// Looks an environment up by id.
    async fn get_environment(&self, id: &EnvironmentId) -> StoreResult<Option<Environment>>;

    /// Lists all environments, oldest first.
    async fn list_environments(&self) -> StoreResult<Vec<Environment>>;

    /// Creates an API key for an environment and returns its secret (the only time it is
    /// visible; only a hash is stored).
    async fn create_api_key(
        &self,
        environment_id: &EnvironmentId,
        label: &str,
    ) -> StoreResult<NewApiKey>;

    /// Registers a secret chosen by the operator (e.g. the demo's `--api-key`). Importing the
    /// same secret again for the same environment is a no-op returning the existing key id;
    /// importing it for another environment fails with [`StoreError::ApiKeyTaken`].
    async fn import_api_key(
        &self,
        environment_id: &EnvironmentId,
        label: &str,
        secret: &str,
    ) -> StoreResult<ApiKeyId>;

    /// Returns the environment a bearer secret belongs to, or `None` for an unknown secret.
    async fn authenticate_api_key(&self, secret: &str) -> StoreResult<Option<EnvironmentId>>;

    /// Lists an environment's API keys (without secrets).
    async fn list_api_keys(&self, environment_id: &EnvironmentId) -> StoreResult<Vec<ApiKey>>;

    /// Deletes an API key of an environment; `false` if there was none. The next request
    /// with its secret fails, on every process using the store (keys are never cached).
    async fn revoke_api_key(
        &self,
        environment_id: &EnvironmentId,
        key_id: &ApiKeyId,
    ) -> StoreResult<bool>;

    /// Replaces an API key by a new one with the same label, in one transaction: the new
    /// secret is returned (once) and the old key stops working. `None` if the environment
    /// has no such key.
    async fn rotate_api_key(
        &self,
        environment_id: &EnvironmentId,
        key_id: &ApiKeyId,
    ) -> StoreResult<Option<NewApiKey>>;

    // ---- webhooks ----

    /// Adds a webhook endpoint to an environment and returns it with its signing secret
    /// (`whsec_…`; the only time it is visible). Events written from now on are delivered
    /// to it. Fails with [`StoreError::InvalidArgument`] for a URL that is not http(s).
    async fn add_webhook_endpoint(
        &self,
        environment_id: &EnvironmentId,
        url: &str,
    ) -> StoreResult<NewWebhookEndpoint>;

    /// Lists the endpoints of one environment, or of all with `None`, oldest first.
    async fn list_webhook_endpoints(
        &self,
        environment_id: Option<&EnvironmentId>,
    ) -> StoreResult<Vec<WebhookEndpoint>>;

    /// Removes an endpoint of an environment with its delivery log; `false` if there was
    /// none.
    async fn remove_webhook_endpoint(
        &self,
        environment_id: &EnvironmentId,
        endpoint_id: &WebhookEndpointId,
    ) -> StoreResult<bool>;

    /// Writes an event that no other store change announces (e.g. `connection-flow-failed`)
    /// into the outbox, with a pending delivery per endpoint of the environment.
    async fn emit_webhook_event(
        &self,
        environment_id: &EnvironmentId,
        payload: &atsbridge_schema::webhook::WebhookPayload,
    ) -> StoreResult<()>;

    /// Claims up to `limit` due deliveries for `owner` until `now + lease`: pending ones
    /// whose `next_attempt_at` has come and that no live lease holds, oldest due first.
    /// Concurrent claims, also from other processes, never return the same delivery while
    /// its lease lasts.
    async fn claim_webhook_deliveries(
        &self,
        owner: &str,
        now: Timestamp,
        lease: std::time::Duration,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedDelivery>>;

    /// Records the outcome of an attempt and releases the lease. Returns `false` (and
    /// changes nothing) when `attempt.lease_owner` does not hold the delivery any more.
    async fn record_webhook_attempt(&self, attempt: &DeliveryAttempt) -> StoreResult<bool>;

    /// The delivery log, newest first.
    async fn list_webhook_deliveries(
        &self,
        query: &DeliveryQuery,
    ) -> StoreResult<Vec<WebhookDelivery>>;

    // ---- integrations ----

    /// Creates an integration with a fresh random id `<tool>:<24 base58>`, and writes its
    /// `integration-created` webhook event in the same transaction.
    async fn create_integration(&self, new: NewIntegration) -> StoreResult<Integration>;

    /// Looks an integration up within an environment; `None` if it does not exist or belongs
    /// to another environment.
    async fn get_integration(
        &self,
        environment_id: &EnvironmentId,
        integration_id: &IntegrationId,
    ) -> StoreResult<Option<Integration>>;

    /// Looks an integration up in any environment (for the scheduler and the CLI, never for
    /// a request authenticated by an API key).
    async fn find_integration(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Option<Integration>>;

    /// Lists integrations of one environment, or of all with `None`, oldest first.
    async fn list_integrations(
        &self,
        environment_id: Option<&EnvironmentId>,
    ) -> StoreResult<Vec<Integration>>;

    /// Removes an integration of an environment together with its records, tracked
    /// applications and runs, and writes its `integration-deleted` webhook event in the same
    /// transaction; `false` if there was none.
    async fn remove_integration(
        &self,
        environment_id: &EnvironmentId,
        integration_id: &IntegrationId,
    ) -> StoreResult<bool>;

    /// Replaces an integration's settings.
    async fn update_settings(
        &self,
        integration_id: &IntegrationId,
        settings: &IntegrationSettings,
    ) -> StoreResult<()>;

    /// The integration's decrypted credentials.
    async fn integration_credentials(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<serde_json::Value>;

    /// Replaces the integration's credentials (encrypted again with a fresh nonce) and marks
    /// them valid: new credentials are only stored after the connector's check accepted them.
    async fn update_credentials(
        &self,
        integration_id: &IntegrationId,
        credentials: &serde_json::Value,
    ) -> StoreResult<()>;

    /// Turns an integration on or off within an environment; `None` if it does not exist
    /// there. A disabled integration keeps its records and credentials but neither syncs
    /// nor serves.
    async fn set_integration_enabled(
        &self,
        environment_id: &EnvironmentId,
        integration_id: &IntegrationId,
        enabled: bool,
    ) -> StoreResult<Option<Integration>>;

    /// Records whether the provider accepted the integration's credentials the last time
    /// they were used. Returns the integration when this changed its status, `None` when
    /// nothing changed.
    async fn set_credentials_valid(
        &self,
        integration_id: &IntegrationId,
        valid: bool,
    ) -> StoreResult<Option<Integration>>;

    // ---- connect links ----

    /// Stores a connect link and returns its token (the only time it is seen).
    async fn create_connect_link(&self, link: NewConnectLink) -> StoreResult<String>;

    /// The link a token names, used or not; `None` for an unknown token.
    async fn connect_link(&self, token: &str) -> StoreResult<Option<ConnectLink>>;

    /// Uses a link: creates or relinks the integration and marks the link used, in one
    /// transaction. Fails with [`StoreError::ConnectLinkUnusable`] when the link is unknown,
    /// used or expired at `now`, so two submissions of one link create one integration.
    /// The activation token expires at `activation_expires_at`.
    async fn complete_connect_link(
        &self,
        token: &str,
        completion: ConnectCompletion,
        now: Timestamp,
        activation_expires_at: Timestamp,
    ) -> StoreResult<CompletedConnectLink>;

    /// The integration an activation token names, within an environment, while the token
    /// has not expired at `now`.
    async fn integration_by_activation_token(
        &self,
        environment_id: &EnvironmentId,
        token: &str,
        now: Timestamp,
    ) -> StoreResult<Option<Integration>>;

    // ---- integration fields and custom fields ----

    /// Adds provider fields the sync saw (existing ones keep their switch; labels follow the
    /// provider).
    async fn record_integration_fields(
        &self,
        integration_id: &IntegrationId,
        fields: Vec<NewIntegrationField>,
        now: Timestamp,
    ) -> StoreResult<()>;

    /// One page of an integration's fields in id order, starting after `after`.
    async fn list_integration_fields(
        &self,
        integration_id: &IntegrationId,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<StoredIntegrationField>>;

    /// Switches whether records list a field; `None` when the integration has no such field.
    async fn set_integration_field_passthrough(
        &self,
        integration_id: &IntegrationId,
        field_id: &str,
        enabled: bool,
    ) -> StoreResult<Option<StoredIntegrationField>>;

    /// The fields whose passthrough is off (few; read per request).
    async fn disabled_integration_fields(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Vec<StoredIntegrationField>>;

    /// Defines a `custom_fields` key of an integration (unique per model).
    async fn define_custom_field(
        &self,
        integration_id: &IntegrationId,
        field: NewCustomField,
        now: Timestamp,
    ) -> StoreResult<StoredCustomField>;

    /// One page of an integration's custom fields in id order, starting after `after`.
    async fn list_custom_fields(
        &self,
        integration_id: &IntegrationId,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<StoredCustomField>>;

    /// Every custom field of the integration that is mapped to a provider field, with that
    /// field (few; read per request to fill `custom_fields`).
    async fn custom_field_mappings(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Vec<StoredCustomField>>;

    /// Maps a custom field to a provider field of the same model, or unmaps it with `None`;
    /// `Ok(None)` when the integration has no such custom field. A provider field of
    /// another model or an unknown one is [`StoreError::InvalidArgument`].
    async fn map_custom_field(
        &self,
        integration_id: &IntegrationId,
        custom_field_id: &str,
        integration_field_id: Option<&str>,
    ) -> StoreResult<Option<StoredCustomField>>;

    // ---- records: writes (sync engine and server writes) ----

    /// Writes a batch of records in one transaction.
    ///
    /// Per record: new → inserted with `changed_at = now`; same content hash → only marked as
    /// seen by `run_id`; different hash → document, hash and `changed_at = now` replaced;
    /// previously deleted → `remote_deleted_at` cleared and `changed_at = now`. `run_id` is
    /// `None` for writes outside a sync run (records created through the API).
    async fn apply_batch(
        &self,
        integration_id: &IntegrationId,
        run_id: Option<RunId>,
        now: Timestamp,
        writes: Vec<RecordWrite>,
    ) -> StoreResult<BatchResult>;

    /// Marks deleted every live record of `model` that run `run_id` did not see (and that was
    /// not written after the run started), with `remote_deleted_at = changed_at = now`.
    /// Only to be called after a run enumerated the model completely. Returns the records
    /// that were marked.
    async fn mark_unseen_deleted(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        run_id: RunId,
        now: Timestamp,
    ) -> StoreResult<Vec<StoredRecord>>;

    /// Sets the relation touch time (used by `updated_after`) of the given records; returns
    /// how many rows were touched.
    async fn touch_relations(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        remote_ids: &[String],
        now: Timestamp,
    ) -> StoreResult<u64>;

    // ---- records: reads ----

    /// Lists records ordered by `seq` (keyset pagination: pass the last `seq` of a page as
    /// `after_seq` of the next). Stable while writes happen between pages.
    async fn list_records(&self, query: &RecordQuery) -> StoreResult<Vec<StoredRecord>>;

    /// Loads records by remote id (deleted ones included), in `seq` order.
    async fn get_by_remote_ids(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        remote_ids: &[String],
    ) -> StoreResult<Vec<StoredRecord>>;

    /// Loads records by Kombo id (deleted ones included), in `seq` order.
    async fn get_by_ids(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        ids: &[KomboId],
    ) -> StoreResult<Vec<StoredRecord>>;

    /// Loads the records related to others through an indexed key (e.g. the applications of
    /// a page of candidates), in `seq` order. Answered from the key index, never by reading
    /// documents.
    async fn find_related(&self, query: &RelationQuery) -> StoreResult<Vec<StoredRecord>>;

    /// Remote ids of the stored records of a model (live ones, or all with
    /// `include_deleted`), e.g. to tell a connector what it has seen before.
    async fn known_remote_ids(
        &self,
        integration_id: &IntegrationId,
        model: Model,
        include_deleted: bool,
    ) -> StoreResult<Vec<String>>;

    /// Whether at least one sync run of the integration succeeded.
    async fn has_completed_sync(&self, integration_id: &IntegrationId) -> StoreResult<bool>;

    // ---- tracked applications ----

    /// Adds an application to the tracked set. Tracking it again fills in remote ids that were
    /// unknown before and keeps the original tracking time.
    async fn track_application(
        &self,
        integration_id: &IntegrationId,
        application: TrackedApplication,
        tracked_at: Timestamp,
    ) -> StoreResult<()>;

    /// The tracked set of an integration, in tracking order.
    async fn tracked_applications(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Vec<TrackedApplication>>;

    // ---- sync runs and state ----

    /// Records the start of a run.
    ///
    /// Fails with [`StoreError::RunInProgress`] when the integration already has a run
    /// `queued` or `running` with a live lease; such runs whose lease expired ([`RUN_LEASE`]
    /// before `started_at`) are closed as failed instead. The check and the insert are one
    /// atomic step, also against other processes using the same database. The new run's
    /// lease starts at `started_at`.
    async fn start_run(
        &self,
        integration_id: &IntegrationId,
        mode: SyncMode,
        started_at: Timestamp,
    ) -> StoreResult<RunId>;

    /// Records a run that will start later (status `queued`), so its id can be handed out
    /// before it starts. Until it starts, its `started_at` is `queued_at`. Fails with
    /// [`StoreError::RunInProgress`] like [`Store::start_run`].
    async fn queue_run(
        &self,
        integration_id: &IntegrationId,
        mode: SyncMode,
        queued_at: Timestamp,
    ) -> StoreResult<RunId>;

    /// Moves a queued run to `running`, recording the mode it really runs in and its start
    /// time. Fails with [`StoreError::RunNotQueued`] when the run is not queued any more.
    async fn start_queued_run(
        &self,
        run_id: RunId,
        mode: SyncMode,
        started_at: Timestamp,
    ) -> StoreResult<()>;

    /// Records the end of a run (a queued run that never started may be closed this way too),
    /// and in the same transaction writes the `sync-finished` webhook event and, when the
    /// counts show created, changed, restored or deleted records, `data-changed`.
    async fn finish_run(&self, run_id: RunId, outcome: RunOutcome) -> StoreResult<()>;

    /// Renews the lease of a `queued` or `running` run (its heartbeat becomes `now`).
    /// Returns `false` when the run is no longer in progress: it ended, or another process
    /// closed it because its lease expired, and its owner should stop it. Fails with
    /// [`StoreError::RunNotFound`] for an unknown run.
    async fn heartbeat_run(&self, run_id: RunId, now: Timestamp) -> StoreResult<bool>;

    /// Marks runs still `running` or `queued` whose lease expired ([`RUN_LEASE`] before
    /// `now`; their process stopped) as failed and returns how many. Runs with a live lease,
    /// also those of other processes, are left alone.
    async fn fail_stale_runs(&self, now: Timestamp) -> StoreResult<u64>;

    /// How long a queued or running run of this store stays claimed without a heartbeat;
    /// owners renew well within it. [`RUN_LEASE`] unless the store was opened with another.
    fn run_lease(&self) -> std::time::Duration {
        RUN_LEASE
    }

    /// The `n` most recent runs of an integration, newest first.
    async fn last_runs(&self, integration_id: &IntegrationId, n: u32) -> StoreResult<Vec<SyncRun>>;

    // ---- operator dashboard ----

    /// Stores the SHA-256 hash of the dashboard's admin token, replacing an earlier one
    /// (`atsbridge admin-token`). The token itself is never stored.
    async fn set_admin_token_hash(&self, sha256: &[u8; 32]) -> StoreResult<()>;

    /// The hash stored by [`Store::set_admin_token_hash`], if any.
    async fn admin_token_hash(&self) -> StoreResult<Option<[u8; 32]>>;

    /// Live and deleted records of an integration per model (models without records are
    /// left out), counted from indexes.
    async fn record_counts(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Vec<ModelRecordCount>>;

    /// How many records of each model got their current `changed_at` on each UTC day from
    /// the day of `since` on (days without changes are left out), ordered by model and day.
    async fn changed_at_histogram(
        &self,
        integration_id: &IntegrationId,
        since: Timestamp,
    ) -> StoreResult<Vec<DailyChanges>>;

    // ---- whole-store copy ----

    /// Whether the store holds no row at all (what opening it writes does not count).
    async fn is_empty(&self) -> StoreResult<bool>;

    /// Up to `limit` rows of `table` in its export order, starting after `after` (the
    /// [`ExportRow::export_key`] of the last row of the previous page).
    async fn export_rows(
        &self,
        table: ExportTable,
        after: Option<ExportKey>,
        limit: u32,
    ) -> StoreResult<Vec<ExportRow>>;

    /// Inserts exported rows as they are, in one transaction, deriving the key index of
    /// records from their documents. Ids and sequence numbers are kept, and new rows written
    /// later get higher ones. Fails on a row that exists already.
    async fn import_rows(&self, rows: Vec<ExportRow>) -> StoreResult<()>;

    /// Saves the connector's opaque sync state (e.g. delta cursors) for the next run.
    async fn save_sync_state(
        &self,
        integration_id: &IntegrationId,
        state: &serde_json::Value,
    ) -> StoreResult<()>;

    /// Loads the state saved by the last [`Store::save_sync_state`], if any.
    async fn load_sync_state(
        &self,
        integration_id: &IntegrationId,
    ) -> StoreResult<Option<serde_json::Value>>;
}
