//! [`Scheduler`]: one background loop per integration running full and delta syncs on
//! their intervals, plus force-sync on demand.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use atsbridge_connector::{Connector, ConnectorError, ConnectorRegistry};
use atsbridge_store::{Integration, IntegrationId, IntegrationSettings, Store, SyncMode};
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::engine::SyncEngine;
use crate::error::SyncError;
use crate::progress::SyncProgress;

/// Builds the (guarded) connector of an integration for each run, so rotated credentials are
/// picked up.
#[async_trait]
pub trait ConnectorProvider: Send + Sync {
    /// The connector to sync `integration` with.
    async fn connector(&self, integration: &Integration) -> Result<Arc<dyn Connector>, SyncError>;
}

/// Builds connectors from a [`ConnectorRegistry`] with the integration's decrypted
/// credentials as config. The registry wraps every connector in a `GuardedConnector`.
pub struct RegistryConnectorProvider {
    registry: ConnectorRegistry,
    store: Arc<dyn Store>,
}

impl RegistryConnectorProvider {
    /// A provider over `registry`, reading credentials from `store`.
    pub fn new(registry: ConnectorRegistry, store: Arc<dyn Store>) -> Self {
        Self { registry, store }
    }
}

#[async_trait]
impl ConnectorProvider for RegistryConnectorProvider {
    async fn connector(&self, integration: &Integration) -> Result<Arc<dyn Connector>, SyncError> {
        let config = self.store.integration_credentials(&integration.id).await?;
        self.registry
            .build(&integration.tool, &config)
            .map_err(|source: ConnectorError| SyncError::ConnectorSetup {
                integration_id: integration.id.clone(),
                source,
            })
    }
}

/// Answer of [`Scheduler::force_sync`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForceSyncOutcome {
    /// A run was queued and starts right away.
    Queued,
    /// A run is already running or queued; the request was folded into it.
    AlreadyQueued,
}

struct IntegrationLoop {
    force: mpsc::Sender<SyncMode>,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

/// Runs each integration's syncs on its schedule.
///
/// Per integration: a full run first when the integration never completed one, then a full
/// run every `full_sync_every_hours` and a delta run every `delta_sync_every_minutes` (both
/// read from the integration's settings before each wait). Runs of one integration never
/// overlap. Timers use tokio's clock, so tests can pause and advance time.
pub struct Scheduler {
    engine: Arc<SyncEngine>,
    connectors: Arc<dyn ConnectorProvider>,
    progress: Option<mpsc::UnboundedSender<SyncProgress>>,
    shutdown: CancellationToken,
    loops: Mutex<HashMap<IntegrationId, IntegrationLoop>>,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler").finish_non_exhaustive()
    }
}

impl Scheduler {
    /// A scheduler running syncs through `engine` with connectors from `connectors`.
    pub fn new(engine: Arc<SyncEngine>, connectors: Arc<dyn ConnectorProvider>) -> Self {
        Self {
            engine,
            connectors,
            progress: None,
            shutdown: CancellationToken::new(),
            loops: Mutex::new(HashMap::new()),
        }
    }

    /// Sends the progress events of every scheduled run to `progress`.
    #[must_use]
    pub fn with_progress(mut self, progress: mpsc::UnboundedSender<SyncProgress>) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Starts the loop of every integration in the store; returns how many were started.
    pub async fn start_all(&self) -> Result<usize, SyncError> {
        let integrations = self.engine.store().list_integrations(None).await?;
        let count = integrations.len();
        for integration in integrations {
            self.start_integration(integration);
        }
        Ok(count)
    }

    /// Starts (or restarts) the loop of one integration.
    pub fn start_integration(&self, integration: Integration) {
        let (force, requests) = mpsc::channel(1);
        let stop = self.shutdown.child_token();
        let worker = IntegrationWorker {
            engine: Arc::clone(&self.engine),
            connectors: Arc::clone(&self.connectors),
            progress: self.progress.clone(),
            integration_id: integration.id.clone(),
            stop: stop.clone(),
        };
        let task = tokio::spawn(worker.run(requests));
        let previous = self
            .loops
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(integration.id, IntegrationLoop { force, stop, task });
        if let Some(previous) = previous {
            previous.stop.cancel();
        }
    }

    /// Stops the loop of one integration (cancelling its running sync); `false` if none ran.
    pub async fn stop_integration(&self, integration_id: &IntegrationId) -> bool {
        let removed = self
            .loops
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(integration_id);
        match removed {
            Some(handle) => {
                handle.stop.cancel();
                let _ = handle.task.await;
                true
            }
            None => false,
        }
    }

    /// Asks for a run now. A run that is already running or queued absorbs the request.
    pub fn force_sync(
        &self,
        integration_id: &IntegrationId,
        mode: SyncMode,
    ) -> Result<ForceSyncOutcome, SyncError> {
        if self.engine.is_running(integration_id) {
            return Ok(ForceSyncOutcome::AlreadyQueued);
        }
        let loops = self.loops.lock().unwrap_or_else(PoisonError::into_inner);
        let handle = loops
            .get(integration_id)
            .ok_or_else(|| SyncError::UnknownIntegration(integration_id.clone()))?;
        match handle.force.try_send(mode) {
            Ok(()) => Ok(ForceSyncOutcome::Queued),
            Err(TrySendError::Full(_)) => Ok(ForceSyncOutcome::AlreadyQueued),
            Err(TrySendError::Closed(_)) => {
                Err(SyncError::UnknownIntegration(integration_id.clone()))
            }
        }
    }

    /// Stops every loop (cancelling running syncs, which then delete nothing) and waits.
    pub async fn shutdown(&self) {
        self.shutdown.cancel();
        let loops: Vec<IntegrationLoop> = self
            .loops
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain()
            .map(|(_, handle)| handle)
            .collect();
        for handle in loops {
            let _ = handle.task.await;
        }
    }
}

struct IntegrationWorker {
    engine: Arc<SyncEngine>,
    connectors: Arc<dyn ConnectorProvider>,
    progress: Option<mpsc::UnboundedSender<SyncProgress>>,
    integration_id: IntegrationId,
    stop: CancellationToken,
}

fn intervals(settings: &IntegrationSettings) -> (Duration, Duration) {
    let full = Duration::from_secs(u64::from(settings.full_sync_every_hours.max(1)) * 3600);
    let delta = Duration::from_secs(u64::from(settings.delta_sync_every_minutes.max(1)) * 60);
    (full, delta)
}

impl IntegrationWorker {
    async fn run(self, mut requests: mpsc::Receiver<SyncMode>) {
        let store = Arc::clone(self.engine.store());
        let first_full = match store.has_completed_sync(&self.integration_id).await {
            Ok(done) => !done,
            Err(error) => {
                tracing::warn!(integration_id = %self.integration_id, %error, "cannot read sync history; starting with a full sync");
                true
            }
        };
        let now = Instant::now();
        let mut next_full = now;
        let mut next_delta = now;
        if !first_full {
            match self.integration().await {
                Some(integration) => {
                    let (full, delta) = intervals(&integration.settings);
                    next_full = now + full;
                    next_delta = now + delta;
                }
                None => return,
            }
        }
        loop {
            let mode = tokio::select! {
                biased;
                () = self.stop.cancelled() => return,
                request = requests.recv() => match request {
                    Some(mode) => mode,
                    None => return,
                },
                () = tokio::time::sleep_until(next_full) => SyncMode::Full,
                () = tokio::time::sleep_until(next_delta) => SyncMode::Delta,
            };
            let Some(integration) = self.integration().await else {
                tracing::info!(integration_id = %self.integration_id, "integration removed; its sync loop stops");
                return;
            };
            self.run_once(&integration, mode).await;
            let (full, delta) = intervals(&integration.settings);
            let finished = Instant::now();
            if mode == SyncMode::Full {
                next_full = finished + full;
            }
            next_delta = finished + delta;
        }
    }

    async fn integration(&self) -> Option<Integration> {
        match self
            .engine
            .store()
            .find_integration(&self.integration_id)
            .await
        {
            Ok(found) => found,
            Err(error) => {
                tracing::warn!(integration_id = %self.integration_id, %error, "cannot load integration");
                None
            }
        }
    }

    async fn run_once(&self, integration: &Integration, mode: SyncMode) {
        let connector = match self.connectors.connector(integration).await {
            Ok(connector) => connector,
            Err(error) => {
                tracing::warn!(integration_id = %integration.id, %error, "cannot build connector; sync skipped");
                return;
            }
        };
        let result = self
            .engine
            .run(
                integration,
                connector,
                mode,
                self.stop.child_token(),
                self.progress.clone(),
            )
            .await;
        if let Err(error) = result {
            tracing::warn!(integration_id = %integration.id, %error, "scheduled sync did not succeed");
        }
    }
}
