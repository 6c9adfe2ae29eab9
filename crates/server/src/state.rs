//! Shared state of the API: store, connectors, sync trigger, settings.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use atsbridge_connector::{
    Clock, Connector, ConnectorRegistry, Context, Coverage,
    IntegrationSettings as ConnectorSettings, SystemClock,
};
use atsbridge_schema::Timestamp;
use atsbridge_store::{Integration, Store, SyncMode};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use crate::config::ServerConfig;
use crate::data_url::{DataUrlError, DataUrlFetcher};
use crate::error::ApiError;

/// What `POST /v1/force-sync` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForceSyncOutcome {
    /// A run was queued or running already; no new one was started.
    pub already_queued: bool,
    /// Id of the new or already queued run.
    pub sync_id: String,
    /// The kind of run that will happen (may differ from the request).
    pub mode: SyncMode,
}

/// Starts syncs on request; implemented on top of the sync scheduler.
#[async_trait]
pub trait SyncTrigger: Send + Sync {
    /// Queues a run of `mode` for `integration`, or reports the one already queued or running.
    async fn force_sync(
        &self,
        integration: &Integration,
        mode: SyncMode,
    ) -> Result<ForceSyncOutcome, String>;
}

/// Failure to build the [`AppState`].
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The `data_url` HTTP client could not be built.
    #[error("cannot build the data_url download client: {0}")]
    DataUrlClient(#[from] DataUrlError),
}

/// Everything a request handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<StateInner>,
}

struct StateInner {
    store: Arc<dyn Store>,
    registry: Arc<ConnectorRegistry>,
    sync: Arc<dyn SyncTrigger>,
    config: ServerConfig,
    fetcher: DataUrlFetcher,
    clock: Arc<dyn Clock>,
    connectors: Mutex<HashMap<String, Arc<dyn Connector>>>,
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState")
            .field("registry", &self.inner.registry)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Builds the state from the store, the connector registry, the sync trigger and settings.
    pub fn new(
        store: Arc<dyn Store>,
        registry: Arc<ConnectorRegistry>,
        sync: Arc<dyn SyncTrigger>,
        config: ServerConfig,
    ) -> Result<Self, StateError> {
        let fetcher = DataUrlFetcher::new(config.data_url_policy())?;
        Ok(Self {
            inner: Arc::new(StateInner {
                store,
                registry,
                sync,
                config,
                fetcher,
                clock: Arc::new(SystemClock),
                connectors: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// Replaces the clock used for `changed_at` of records written by actions (tests).
    #[must_use]
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        let inner = StateInner {
            store: self.inner.store.clone(),
            registry: self.inner.registry.clone(),
            sync: self.inner.sync.clone(),
            config: self.inner.config.clone(),
            fetcher: self.inner.fetcher.clone(),
            clock,
            connectors: Mutex::new(HashMap::new()),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// The settings.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// The sync trigger.
    pub(crate) fn sync(&self) -> &Arc<dyn SyncTrigger> {
        &self.inner.sync
    }

    /// The `data_url` downloader.
    pub(crate) fn fetcher(&self) -> &DataUrlFetcher {
        &self.inner.fetcher
    }

    /// Current time, as the engine's timestamps use it.
    pub(crate) fn now(&self) -> Timestamp {
        Timestamp::from_datetime(self.inner.clock.now())
    }

    /// The coverage of the integration's connector, without building it.
    pub(crate) fn coverage(&self, integration: &Integration) -> Result<Coverage, ApiError> {
        self.inner
            .registry
            .get(&integration.tool)
            .map(|factory| factory.coverage())
            .ok_or_else(|| {
                ApiError::new(
                    atsbridge_schema::envelope::ErrorCode::IntegrationSetupIncomplete,
                    format!(
                        "this server has no connector for tool `{}`",
                        integration.tool
                    ),
                )
            })
    }

    /// The integration's connector (guarded), built once per set of credentials.
    ///
    /// The cache is keyed by the integration and a digest of its current credentials, which
    /// are read on every call: a relink done through another instance takes effect here at
    /// the next request, not at the next restart.
    pub(crate) async fn connector(
        &self,
        integration: &Integration,
    ) -> Result<Arc<dyn Connector>, ApiError> {
        let credentials = self
            .inner
            .store
            .integration_credentials(&integration.id)
            .await?;
        let digest = Sha256::digest(credentials.to_string().as_bytes());
        let key = format!("{}#{digest:x}", integration.id);
        let mut cache = self.inner.connectors.lock().await;
        if let Some(connector) = cache.get(&key) {
            return Ok(connector.clone());
        }
        let connector = self
            .inner
            .registry
            .build(&integration.tool, &credentials)
            .map_err(ApiError::from)?;
        // Connectors built from older credentials of this integration are dead weight now.
        let prefix = format!("{}#", integration.id);
        cache.retain(|cached, _| !cached.starts_with(&prefix));
        cache.insert(key, connector.clone());
        Ok(connector)
    }

    /// Drops the cached connectors of an integration (after it was removed).
    pub async fn forget_connector(&self, integration_id: &str) {
        let prefix = format!("{integration_id}#");
        self.inner
            .connectors
            .lock()
            .await
            .retain(|cached, _| !cached.starts_with(&prefix));
    }

    /// The public address of this server, without a trailing slash.
    pub fn public_base(&self) -> &str {
        self.inner.config.public_url.trim_end_matches('/')
    }

    /// The connector registry.
    pub fn registry(&self) -> &Arc<ConnectorRegistry> {
        &self.inner.registry
    }

    /// The context for a connector call on behalf of `integration`.
    pub(crate) fn connector_context(&self, integration: &Integration) -> Context {
        Context::new(integration.id.as_str())
            .with_clock(self.inner.clock.clone())
            .with_settings(ConnectorSettings {
                sync_only_created_applications: integration.settings.sync_only_created_applications,
                default_source_name: integration.settings.default_source_name.clone(),
            })
    }
}
