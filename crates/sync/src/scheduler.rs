//! [`Scheduler`]: one background loop per integration running full and delta syncs on
//! their intervals, plus force-sync on demand.
//!
//! Every run the scheduler starts is recorded as `queued` first, so its id is known before it
//! runs: force-sync hands that id out, and a second request while a run is queued or running
//! gets the same id back. The store refuses to record a run while another of the integration
//! is queued or running, also one of another process (e.g. `atsbridge sync`): force-sync then
//! answers with that run's id, and a timer's run is skipped until the next interval.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use atsbridge_connector::{Connector, ConnectorError, ConnectorRegistry, Coverage};
use atsbridge_store::{
    Integration, IntegrationId, IntegrationSettings, RunId, RunStatus, Store, SyncMode,
};
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::engine::{ActiveRun, SyncEngine, effective_mode};
use crate::error::SyncError;
use crate::progress::SyncProgress;

/// Builds the (guarded) connector of an integration for each run, so rotated credentials are
/// picked up.
#[async_trait]
pub trait ConnectorProvider: Send + Sync {
    /// The connector to sync `integration` with.
    async fn connector(&self, integration: &Integration) -> Result<Arc<dyn Connector>, SyncError>;

    /// The coverage of the integration's connector, used to tell which mode a requested run
    /// really gets. The default builds the connector and asks it.
    async fn coverage(&self, integration: &Integration) -> Result<Coverage, SyncError> {
        Ok(self.connector(integration).await?.coverage())
    }
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

    async fn coverage(&self, integration: &Integration) -> Result<Coverage, SyncError> {
        match self.registry.get(&integration.tool) {
            // No credentials needed: the factory knows what its connectors cover.
            Some(factory) => Ok(factory.coverage()),
            // Unknown tool: building reports the proper error.
            None => Ok(self.connector(integration).await?.coverage()),
        }
    }
}

/// Answer of [`Scheduler::force_sync`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForceSyncOutcome {
    /// A new run was recorded as queued; the integration's loop starts it next.
    Queued {
        /// The queued run's id (see [`Store::last_runs`]).
        run_id: RunId,
        /// The mode it will run in (a delta request becomes full when the connector cannot
        /// sync deltas).
        mode: SyncMode,
    },
    /// A run was queued or running already; the request was folded into it.
    AlreadyQueued {
        /// The id of that run.
        run_id: RunId,
        /// The mode of that run.
        mode: SyncMode,
    },
}

impl ForceSyncOutcome {
    /// The id of the new or already queued/running run.
    pub fn run_id(self) -> RunId {
        match self {
            ForceSyncOutcome::Queued { run_id, .. }
            | ForceSyncOutcome::AlreadyQueued { run_id, .. } => run_id,
        }
    }

    /// The mode of the new or already queued/running run.
    pub fn mode(self) -> SyncMode {
        match self {
            ForceSyncOutcome::Queued { mode, .. }
            | ForceSyncOutcome::AlreadyQueued { mode, .. } => mode,
        }
    }

    /// Whether the request was folded into a run that was queued or running already.
    pub fn already_queued(self) -> bool {
        matches!(self, ForceSyncOutcome::AlreadyQueued { .. })
    }
}

/// The run an integration's loop has queued or is running, if any. Force-sync and the loop
/// change it only while holding the lock, so at most one run is queued or running.
type RunSlot = Arc<tokio::sync::Mutex<Option<ActiveRun>>>;

struct IntegrationLoop {
    /// Hands queued runs to the loop. Capacity 1: a run is only sent while the slot is empty,
    /// and the slot stays taken until the loop finished that run.
    force: mpsc::Sender<ActiveRun>,
    slot: RunSlot,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

/// Runs each integration's syncs on its schedule.
///
/// Per integration: a full run first when the integration never completed one, then a full
/// run every `full_sync_every_hours` and a delta run every `delta_sync_every_minutes` (both
/// read from the integration's settings before each wait). Runs of one integration never
/// overlap, and at most one is queued or running at a time. Timers use tokio's clock, so
/// tests can pause and advance time.
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

    /// Keeps the loops in step with the store: every `period`, starts a loop for each
    /// integration that has none (added by the CLI or another instance) and stops the loops
    /// of integrations that were removed. Ends with [`Scheduler::shutdown`].
    pub fn watch_integrations(self: &Arc<Self>, period: Duration) -> JoinHandle<()> {
        let scheduler = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = scheduler.shutdown.cancelled() => return,
                    () = tokio::time::sleep(period) => {}
                }
                if let Err(error) = scheduler.reconcile_integrations().await {
                    tracing::warn!(%error, "cannot list integrations; will try again");
                }
            }
        })
    }

    /// One step of [`Scheduler::watch_integrations`]; returns (started, stopped).
    pub async fn reconcile_integrations(&self) -> Result<(usize, usize), SyncError> {
        let integrations = self.engine.store().list_integrations(None).await?;
        let known: Vec<IntegrationId> = self
            .loops
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .cloned()
            .collect();
        let mut started = 0;
        for integration in &integrations {
            if !known.contains(&integration.id) {
                tracing::info!(integration_id = %integration.id, "found a new integration; scheduling its syncs");
                self.start_integration(integration.clone());
                started += 1;
            }
        }
        let mut stopped = 0;
        for id in known {
            if !integrations.iter().any(|i| i.id == id) && self.stop_integration(&id).await {
                stopped += 1;
            }
        }
        Ok((started, stopped))
    }

    /// Starts (or restarts) the loop of one integration.
    pub fn start_integration(&self, integration: Integration) {
        let (force, requests) = mpsc::channel(1);
        let stop = self.shutdown.child_token();
        let slot = RunSlot::default();
        let worker = IntegrationWorker {
            engine: Arc::clone(&self.engine),
            connectors: Arc::clone(&self.connectors),
            progress: self.progress.clone(),
            integration_id: integration.id.clone(),
            slot: Arc::clone(&slot),
            stop: stop.clone(),
            last_own_run: Mutex::new(None),
        };
        let task = tokio::spawn(worker.run(requests));
        let previous = self
            .loops
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                integration.id,
                IntegrationLoop {
                    force,
                    slot,
                    stop,
                    task,
                },
            );
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

    /// Asks for a run now and returns its id.
    ///
    /// When a run of the integration is queued or running already, the request is folded
    /// into it and its id is returned ([`ForceSyncOutcome::AlreadyQueued`]); the same holds
    /// for a run the store holds from another process on the same database. Otherwise a run
    /// is recorded as `queued` in the store in the mode it will really use, and the
    /// integration's loop starts it next. Fails with [`SyncError::UnknownIntegration`] when
    /// no loop runs for the integration.
    pub async fn force_sync(
        &self,
        integration_id: &IntegrationId,
        mode: SyncMode,
    ) -> Result<ForceSyncOutcome, SyncError> {
        let (force, slot) = {
            let loops = self.loops.lock().unwrap_or_else(PoisonError::into_inner);
            let handle = loops
                .get(integration_id)
                .ok_or_else(|| SyncError::UnknownIntegration(integration_id.clone()))?;
            (handle.force.clone(), Arc::clone(&handle.slot))
        };
        if force.is_closed() {
            return Err(SyncError::UnknownIntegration(integration_id.clone()));
        }
        let mut active = slot.lock().await;
        // A run started outside this loop (same engine) counts as running too.
        if let Some(run) = active.or_else(|| self.engine.current_run(integration_id)) {
            return Ok(ForceSyncOutcome::AlreadyQueued {
                run_id: run.run_id,
                mode: run.mode,
            });
        }
        let store = self.engine.store();
        let integration = store
            .find_integration(integration_id)
            .await?
            .ok_or_else(|| SyncError::UnknownIntegration(integration_id.clone()))?;
        let coverage = self.connectors.coverage(&integration).await?;
        let mode = effective_mode(&coverage, mode);
        let run_id = match store
            .queue_run(integration_id, mode, self.engine.now())
            .await
        {
            Ok(run_id) => run_id,
            // Another process (e.g. `atsbridge sync`) holds a run: fold into it as well.
            Err(error) => match SyncError::from_store(integration_id, error) {
                SyncError::RunInProgress {
                    run_id,
                    mode,
                    status,
                    ..
                } => {
                    tracing::info!(%integration_id, %run_id, status = status.as_str(), "force-sync folded into a run recorded elsewhere");
                    return Ok(ForceSyncOutcome::AlreadyQueued { run_id, mode });
                }
                other => return Err(other),
            },
        };
        let run = ActiveRun { run_id, mode };
        match force.try_send(run) {
            Ok(()) => {
                *active = Some(run);
                tracing::info!(%integration_id, %run_id, mode = mode.as_str(), "sync run queued");
                Ok(ForceSyncOutcome::Queued { run_id, mode })
            }
            Err(error) => {
                self.engine
                    .close_unstarted(
                        run_id,
                        RunStatus::Cancelled,
                        "the integration's sync loop stopped before the run started",
                    )
                    .await;
                Err(match error {
                    TrySendError::Closed(_) => {
                        SyncError::UnknownIntegration(integration_id.clone())
                    }
                    // Cannot happen while the slot is empty; refuse rather than queue twice.
                    TrySendError::Full(_) => SyncError::AlreadyRunning(integration_id.clone()),
                })
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
    slot: RunSlot,
    stop: CancellationToken,
    /// The last run this worker started itself; the timers already count from it.
    last_own_run: Mutex<Option<RunId>>,
}

fn intervals(settings: &IntegrationSettings) -> (Duration, Duration) {
    let full = Duration::from_secs(u64::from(settings.full_sync_every_hours.max(1)) * 3600);
    let delta = Duration::from_secs(u64::from(settings.delta_sync_every_minutes.max(1)) * 60);
    (full, delta)
}

/// What woke the loop up.
enum Wake {
    /// Force-sync queued this run.
    Forced(ActiveRun),
    /// A timer asks for a run of this mode.
    Timer(SyncMode),
}

/// What became of a timer's request for a run.
enum TimerRun {
    /// Recorded as queued and reserved in the slot; run it now.
    Queued(ActiveRun),
    /// A forced run waits in the channel; it goes first and the timer fires again later.
    ForcedPending,
    /// Could not be recorded (logged); skipped until the next interval.
    Skipped,
}

impl IntegrationWorker {
    async fn run(self, mut requests: mpsc::Receiver<ActiveRun>) {
        self.run_loop(&mut requests).await;
        // Runs queued but never started are closed, not left queued.
        requests.close();
        while let Ok(run) = requests.try_recv() {
            self.engine
                .close_unstarted(
                    run.run_id,
                    RunStatus::Cancelled,
                    "the integration's sync loop stopped before the run started",
                )
                .await;
        }
        *self.slot.lock().await = None;
    }

    async fn run_loop(&self, requests: &mut mpsc::Receiver<ActiveRun>) {
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
            let wake = tokio::select! {
                biased;
                () = self.stop.cancelled() => return,
                request = requests.recv() => match request {
                    Some(run) => Wake::Forced(run),
                    None => return,
                },
                () = tokio::time::sleep_until(next_full) => Wake::Timer(SyncMode::Full),
                () = tokio::time::sleep_until(next_delta) => Wake::Timer(SyncMode::Delta),
            };
            let Some(integration) = self.integration().await else {
                tracing::info!(integration_id = %self.integration_id, "integration removed; its sync loop stops");
                // Its runs went with it; a forced run still waiting has nothing left to close.
                return;
            };
            let requested = match wake {
                Wake::Forced(run) if !integration.enabled => {
                    self.engine
                        .close_unstarted(run.run_id, RunStatus::Cancelled, "integration disabled")
                        .await;
                    run.mode
                }
                Wake::Forced(run) => {
                    self.run_once(&integration, run).await;
                    run.mode
                }
                // A disabled integration keeps its loop (it may be enabled again) but skips
                // every timer.
                Wake::Timer(mode) if !integration.enabled => mode,
                Wake::Timer(mode) => {
                    let (full, delta) = intervals(&integration.settings);
                    let interval = if mode == SyncMode::Full { full } else { delta };
                    if let Some(wait) = self.recent_run_elsewhere(mode, interval).await {
                        let next = Instant::now() + wait;
                        match mode {
                            SyncMode::Full => next_full = next,
                            SyncMode::Delta => next_delta = next,
                        }
                        continue;
                    }
                    match self.queue_timer_run(&integration, mode).await {
                        TimerRun::Queued(run) => self.run_once(&integration, run).await,
                        TimerRun::ForcedPending => continue,
                        TimerRun::Skipped => {}
                    }
                    mode
                }
            };
            *self.slot.lock().await = None;
            let (full, delta) = intervals(&integration.settings);
            let finished = Instant::now();
            if requested == SyncMode::Full {
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

    /// When another process (another `serve` instance on the same database) ran the
    /// integration within `interval`, how long until this timer is due again.
    ///
    /// Several instances each run a loop per integration; without this, each would run its
    /// own schedule and the integration would sync once per interval per instance. The store
    /// still refuses overlapping runs; this keeps the schedule shared. Counted are runs that
    /// succeeded or are in progress; for a full timer only full runs. Failed runs do not delay
    /// the next attempt.
    async fn recent_run_elsewhere(&self, mode: SyncMode, interval: Duration) -> Option<Duration> {
        let runs = match self
            .engine
            .store()
            .last_runs(&self.integration_id, 20)
            .await
        {
            Ok(runs) => runs,
            Err(error) => {
                tracing::warn!(integration_id = %self.integration_id, %error, "cannot read recent runs");
                return None;
            }
        };
        let latest = runs.into_iter().find(|run| {
            matches!(
                run.status,
                RunStatus::Succeeded | RunStatus::Running | RunStatus::Queued
            ) && (mode == SyncMode::Delta || run.mode == SyncMode::Full)
        })?;
        let own = *self
            .last_own_run
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if own == Some(latest.id) {
            return None;
        }
        let elapsed = self
            .engine
            .now()
            .as_datetime()
            .signed_duration_since(latest.started_at.as_datetime())
            .to_std()
            .unwrap_or_default();
        let wait = interval
            .checked_sub(elapsed)
            .filter(|wait| !wait.is_zero())?;
        tracing::debug!(integration_id = %self.integration_id, run_id = %latest.id, ?wait, "a recent run elsewhere defers this timer");
        Some(wait)
    }

    /// Records a timer's run as queued and takes the slot for it, unless a forced run got
    /// there first.
    async fn queue_timer_run(&self, integration: &Integration, requested: SyncMode) -> TimerRun {
        let mut active = self.slot.lock().await;
        if active.is_some() {
            return TimerRun::ForcedPending;
        }
        let mode = match self.connectors.coverage(integration).await {
            Ok(coverage) => effective_mode(&coverage, requested),
            Err(error) => {
                tracing::warn!(integration_id = %integration.id, %error, "cannot build connector; sync skipped");
                return TimerRun::Skipped;
            }
        };
        match self
            .engine
            .store()
            .queue_run(&integration.id, mode, self.engine.now())
            .await
        {
            Ok(run_id) => {
                let run = ActiveRun { run_id, mode };
                *active = Some(run);
                TimerRun::Queued(run)
            }
            Err(error) => {
                match SyncError::from_store(&integration.id, error) {
                    error @ SyncError::RunInProgress { .. } => {
                        tracing::info!(integration_id = %integration.id, %error, "sync skipped: a run recorded elsewhere is in progress");
                    }
                    error => {
                        tracing::warn!(integration_id = %integration.id, %error, "cannot record sync run; sync skipped");
                    }
                }
                TimerRun::Skipped
            }
        }
    }

    /// Runs a queued run to its end (the engine records how it ended).
    async fn run_once(&self, integration: &Integration, run: ActiveRun) {
        *self
            .last_own_run
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(run.run_id);
        let connector = match self.connectors.connector(integration).await {
            Ok(connector) => connector,
            Err(error) => {
                tracing::warn!(integration_id = %integration.id, %error, "cannot build connector; sync skipped");
                self.engine
                    .close_unstarted(run.run_id, RunStatus::Failed, &error.to_string())
                    .await;
                return;
            }
        };
        let result = self
            .engine
            .run_queued(
                integration,
                connector,
                run,
                self.stop.child_token(),
                self.progress.clone(),
            )
            .await;
        if let Err(error) = result {
            tracing::warn!(integration_id = %integration.id, %error, "scheduled sync did not succeed");
        }
    }
}
