//! [`SyncEngine`]: runs one connector sync against the store.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use atsbridge_connector::{
    Clock, Connector, ConnectorError, Context, Coverage, ErrorKind, SyncScope, SystemClock,
};
use atsbridge_schema::{Model, Timestamp};
use atsbridge_store::{
    Integration, IntegrationId, ModelCounts, RunId, RunOutcome, RunStatus, Store, StoreError,
    SyncMode,
};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

use crate::error::SyncError;
use crate::fields::SeenFields;
use crate::progress::SyncProgress;
use crate::relations::{ChangedRecord, touch_parents};
use crate::sink::EngineSink;

/// Tunables of the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineConfig {
    /// Records written per store transaction.
    pub batch_size: usize,
    /// Buffered content (bytes of the records' canonical JSON) at which the buffer is
    /// written even before `batch_size` records are in it: it bounds the memory a batch of
    /// large records (jobs carry descriptions and remote data) takes.
    pub batch_bytes: usize,
    /// Longest time pushed records wait in the buffer before they are written (so a slow
    /// fan-out connector's records become visible during the run).
    pub flush_interval: Duration,
    /// How often a run in progress renews its lease in the store
    /// ([`Store::heartbeat_run`]). The engine beats at least 8 times per lease
    /// ([`Store::run_lease`]), whatever this says.
    pub heartbeat_interval: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            batch_size: 500,
            batch_bytes: 1 << 20,
            flush_interval: Duration::from_secs(2),
            heartbeat_interval: Duration::from_secs(15),
        }
    }
}

/// What a successful run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSummary {
    /// The run.
    pub run_id: RunId,
    /// The integration.
    pub integration_id: IntegrationId,
    /// Full or delta (after the connector's capabilities were applied).
    pub mode: SyncMode,
    /// Counts per model (only models the connector pushed or completed).
    pub counts: BTreeMap<Model, ModelCounts>,
    /// Models the connector enumerated completely (deletions were reconciled for them).
    pub complete_models: BTreeSet<Model>,
    /// Provider requests the connector reported through
    /// [`RecordSink::report_requests`](atsbridge_connector::RecordSink::report_requests);
    /// `None` when it reports none.
    pub requests: Option<u64>,
    /// Wall time of the run.
    pub duration: Duration,
}

/// A run the engine (or the scheduler) has a record of: its id and the mode it runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveRun {
    /// The run's id in the store.
    pub run_id: RunId,
    /// Full or delta, after the connector's capabilities were applied.
    pub mode: SyncMode,
}

/// The mode a run of a connector with `coverage` really uses when `requested` is asked for:
/// a delta request becomes a full run when the connector cannot sync deltas.
pub fn effective_mode(coverage: &Coverage, requested: SyncMode) -> SyncMode {
    match requested {
        SyncMode::Delta if coverage.capabilities.delta_sync => SyncMode::Delta,
        _ => SyncMode::Full,
    }
}

/// Where the record of a run comes from.
#[derive(Debug, Clone, Copy)]
enum RunRecord {
    /// The engine creates it when the run starts.
    New,
    /// It was queued ahead (see [`Store::queue_run`]) and is moved to running.
    Queued(RunId),
}

/// Renews a run's lease in the background until dropped.
///
/// When the store reports the run is no longer in progress (another process closed it
/// because its lease expired while this one stalled), the run is cancelled and
/// [`Heartbeat::lost`] turns true.
struct Heartbeat {
    task: JoinHandle<()>,
    lost: Arc<AtomicBool>,
}

impl Heartbeat {
    fn start(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        run_id: RunId,
        every: Duration,
        cancel: CancellationToken,
    ) -> Self {
        // `interval` refuses a zero period.
        let every = every.max(Duration::from_millis(1));
        let lost = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&lost);
        let beat = async move {
            let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let now = Timestamp::from(clock.now());
                match store.heartbeat_run(run_id, now).await {
                    Ok(true) => tracing::trace!(%run_id, "renewed the run's lease"),
                    Ok(false) => {
                        tracing::warn!(%run_id, "the run's lease expired and another process closed it; stopping the run");
                        flag.store(true, Ordering::SeqCst);
                        cancel.cancel();
                        return;
                    }
                    // Transient (e.g. the database is busy): try again on the next tick.
                    Err(error) => {
                        tracing::warn!(%run_id, %error, "cannot renew the run's lease");
                    }
                }
            }
        };
        Self {
            task: tokio::spawn(beat.in_current_span()),
            lost,
        }
    }

    /// Records that the run was closed elsewhere (found outside the background task).
    fn mark_lost(&self) {
        self.lost.store(true, Ordering::SeqCst);
    }

    /// Whether the run was closed elsewhere because its lease expired.
    fn lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Runs syncs: builds the scope, hands the connector a sink that writes to the store, and
/// reconciles deletions after complete enumerations. At most one run per integration at a
/// time (per engine).
pub struct SyncEngine {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    config: EngineConfig,
    /// Integrations with a run in progress, with the run once its record exists.
    running: Mutex<HashMap<IntegrationId, Option<ActiveRun>>>,
}

impl std::fmt::Debug for SyncEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncEngine")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Removes the integration from the running set when the run ends, however it ends.
struct RunningGuard<'a> {
    running: &'a Mutex<HashMap<IntegrationId, Option<ActiveRun>>>,
    integration_id: IntegrationId,
}

impl RunningGuard<'_> {
    /// Makes the run's record known to [`SyncEngine::current_run`].
    fn set_run(&self, run: ActiveRun) {
        if let Some(slot) = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(&self.integration_id)
        {
            *slot = Some(run);
        }
    }
}

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.integration_id);
    }
}

impl SyncEngine {
    /// An engine over `store` with the system clock and default tunables.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            clock: Arc::new(SystemClock),
            config: EngineConfig::default(),
            running: Mutex::new(HashMap::new()),
        }
    }

    /// Replaces the clock that stamps `changed_at`, `remote_deleted_at` and run times.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces the tunables.
    #[must_use]
    pub fn with_config(mut self, config: EngineConfig) -> Self {
        self.config = config;
        self
    }

    /// The store the engine writes to.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Whether a run of the integration is in progress.
    pub fn is_running(&self, integration_id: &IntegrationId) -> bool {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(integration_id)
    }

    /// The run of the integration in progress, once its record exists (a run that is still
    /// building its scope before being recorded reports `None`, like no run at all).
    pub fn current_run(&self, integration_id: &IntegrationId) -> Option<ActiveRun> {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(integration_id)
            .copied()
            .flatten()
    }

    /// Current time on the engine's clock.
    pub(crate) fn now(&self) -> Timestamp {
        Timestamp::from(self.clock.now())
    }

    /// Closes a queued run that will never start (its status becomes `status`). Failures
    /// are logged: a run left queued is closed by the next start-up at the latest.
    pub(crate) async fn close_unstarted(&self, run_id: RunId, status: RunStatus, reason: &str) {
        let outcome = RunOutcome {
            status,
            finished_at: self.now(),
            counts: BTreeMap::new(),
            requests: None,
            error: Some(reason.to_owned()),
        };
        if let Err(error) = self.store.finish_run(run_id, outcome).await {
            tracing::warn!(%run_id, %error, "cannot close a queued sync run");
        }
    }

    /// Keeps the integration's `status` in step with what the provider said about its
    /// credentials: rejected makes it `INVALID` (a relink fixes it), a successful run makes it
    /// valid again. Other failures say nothing about the credentials. A failure to record
    /// the verdict is logged; the run's own result stands.
    async fn record_credential_verdict(
        &self,
        integration: &Integration,
        outcome: &Result<(), RunFailure>,
    ) {
        let valid = match outcome {
            Ok(()) => true,
            Err(RunFailure::Connector(error)) if *error.kind() == ErrorKind::Unauthenticated => {
                false
            }
            Err(_) => return,
        };
        if let Err(error) = self
            .store
            .set_credentials_valid(&integration.id, valid)
            .await
        {
            tracing::warn!(integration_id = %integration.id, %error, "cannot record whether the credentials work");
        }
    }

    fn claim(&self, integration_id: &IntegrationId) -> Result<RunningGuard<'_>, SyncError> {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        if running.contains_key(integration_id) {
            return Err(SyncError::AlreadyRunning(integration_id.clone()));
        }
        running.insert(integration_id.clone(), None);
        Ok(RunningGuard {
            running: &self.running,
            integration_id: integration_id.clone(),
        })
    }

    /// Runs one sync of `integration` with `connector` (which callers wrap in a
    /// `GuardedConnector`).
    ///
    /// Deletions are marked only for models the connector marked complete, and only when the
    /// connector returned `Ok` and the run was not cancelled. A failed or cancelled run is
    /// recorded as such and deletes nothing; what it wrote stays (it is real data).
    pub async fn run(
        &self,
        integration: &Integration,
        connector: Arc<dyn Connector>,
        mode: SyncMode,
        cancel: CancellationToken,
        progress: Option<UnboundedSender<SyncProgress>>,
    ) -> Result<SyncSummary, SyncError> {
        let guard = self.claim(&integration.id)?;
        let span = tracing::info_span!(
            "sync_run",
            integration_id = %integration.id,
            tool = %integration.tool,
            mode = mode.as_str()
        );
        self.run_claimed(
            &guard,
            integration,
            connector,
            mode,
            RunRecord::New,
            cancel,
            progress,
        )
        .instrument(span)
        .await
    }

    /// Like [`SyncEngine::run`], for a run recorded ahead with [`Store::queue_run`]: the
    /// queued record becomes the run's record (no second one is created). When the run
    /// cannot start (another run of the integration is in progress, the store fails while
    /// preparing it) the queued record is closed as failed.
    pub async fn run_queued(
        &self,
        integration: &Integration,
        connector: Arc<dyn Connector>,
        queued: ActiveRun,
        cancel: CancellationToken,
        progress: Option<UnboundedSender<SyncProgress>>,
    ) -> Result<SyncSummary, SyncError> {
        let guard = match self.claim(&integration.id) {
            Ok(guard) => guard,
            Err(error) => {
                self.close_unstarted(queued.run_id, RunStatus::Failed, &error.to_string())
                    .await;
                return Err(error);
            }
        };
        let span = tracing::info_span!(
            "sync_run",
            integration_id = %integration.id,
            tool = %integration.tool,
            mode = queued.mode.as_str()
        );
        self.run_claimed(
            &guard,
            integration,
            connector,
            queued.mode,
            RunRecord::Queued(queued.run_id),
            cancel,
            progress,
        )
        .instrument(span)
        .await
    }

    async fn build_scope(
        &self,
        integration: &Integration,
        connector: &dyn Connector,
        mode: SyncMode,
    ) -> Result<
        (
            SyncScope,
            HashMap<String, atsbridge_store::TrackedApplication>,
        ),
        SyncError,
    > {
        let coverage = connector.coverage();
        let mut scope = SyncScope::full_all_models();
        scope.mode = match effective_mode(&coverage, mode) {
            SyncMode::Delta => atsbridge_connector::SyncMode::Delta,
            SyncMode::Full => atsbridge_connector::SyncMode::Full,
        };
        scope.previous_state = self.store.load_sync_state(&integration.id).await?;
        if coverage.capabilities.refresh_known_ids {
            // One string per stored record: load only the models the connector reads.
            for model in connector.known_ids_models() {
                let ids = self
                    .store
                    .known_remote_ids(&integration.id, model, false)
                    .await?;
                if !ids.is_empty() {
                    scope
                        .known_remote_ids
                        .insert(model, ids.into_iter().collect());
                }
            }
        }
        let mut incomplete = HashMap::new();
        if integration.settings.sync_only_created_applications {
            let tracked = self.store.tracked_applications(&integration.id).await?;
            let mut set = BTreeSet::new();
            for application in tracked {
                if application.candidate_remote_id.is_none() || application.job_remote_id.is_none()
                {
                    incomplete.insert(
                        application.application_remote_id.clone(),
                        application.clone(),
                    );
                }
                // Passed on whether or not the candidate id is known: a connector that
                // addresses applications directly needs only the application id.
                set.insert(atsbridge_connector::TrackedApplication {
                    application_remote_id: application.application_remote_id.clone(),
                    candidate_remote_id: application.candidate_remote_id.clone(),
                    job_remote_id: application.job_remote_id.clone(),
                });
            }
            scope.tracked_applications = Some(set);
        }
        Ok((scope, incomplete))
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_claimed(
        &self,
        guard: &RunningGuard<'_>,
        integration: &Integration,
        connector: Arc<dyn Connector>,
        requested_mode: SyncMode,
        record: RunRecord,
        cancel: CancellationToken,
        progress: Option<UnboundedSender<SyncProgress>>,
    ) -> Result<SyncSummary, SyncError> {
        let started = tokio::time::Instant::now();
        // Lost leases stop this run only, not the caller's other work.
        let cancel = cancel.child_token();
        // A queued run's lease is renewed from now on; a new run's once it is recorded.
        let mut heartbeat = match record {
            RunRecord::Queued(run_id) => Some(self.heartbeat(run_id, &cancel)),
            RunRecord::New => None,
        };
        let (scope, incomplete_tracked) = match self
            .build_scope(integration, connector.as_ref(), requested_mode)
            .await
        {
            Ok(built) => built,
            Err(error) => {
                if let RunRecord::Queued(run_id) = record {
                    self.close_unstarted(run_id, RunStatus::Failed, &error.to_string())
                        .await;
                }
                return Err(error);
            }
        };
        let mode = match scope.mode {
            atsbridge_connector::SyncMode::Full => SyncMode::Full,
            atsbridge_connector::SyncMode::Delta => SyncMode::Delta,
        };
        let run_id = match record {
            // Refused when the store holds a queued or running run of the integration,
            // which may belong to another process on the same database.
            RunRecord::New => self
                .store
                .start_run(&integration.id, mode, self.now())
                .await
                .map_err(|error| SyncError::from_store(&integration.id, error))?,
            RunRecord::Queued(run_id) => {
                match self.store.start_queued_run(run_id, mode, self.now()).await {
                    Ok(()) => run_id,
                    // Closed or started elsewhere already: nothing of ours to clean up.
                    Err(error @ StoreError::RunNotQueued { .. }) => return Err(error.into()),
                    Err(error) => {
                        self.close_unstarted(run_id, RunStatus::Failed, &error.to_string())
                            .await;
                        return Err(error.into());
                    }
                }
            }
        };
        let heartbeat = heartbeat.get_or_insert_with(|| self.heartbeat(run_id, &cancel));
        guard.set_run(ActiveRun { run_id, mode });
        send(
            &progress,
            SyncProgress::Started {
                integration_id: integration.id.clone(),
                run_id,
                mode,
            },
        );
        tracing::info!(%run_id, "sync run started");

        let ctx = Context::new(integration.id.as_str())
            .with_settings(atsbridge_connector::IntegrationSettings {
                sync_only_created_applications: integration.settings.sync_only_created_applications,
                default_source_name: integration.settings.default_source_name.clone(),
            })
            .with_clock(Arc::clone(&self.clock))
            .with_cancellation(cancel.clone());
        let mut sink = EngineSink {
            store: Arc::clone(&self.store),
            integration_id: integration.id.clone(),
            run_id,
            clock: Arc::clone(&self.clock),
            batch_size: self.config.batch_size.max(1),
            batch_bytes: self.config.batch_bytes.max(1),
            buffered_bytes: 0,
            flush_interval: self.config.flush_interval,
            progress: progress.clone(),
            incomplete_tracked,
            buffer: Vec::new(),
            buffered_since: None,
            counts: BTreeMap::new(),
            written_total: 0,
            complete: BTreeSet::new(),
            state: None,
            requests: None,
            store_error: None,
            fields: SeenFields::default(),
        };

        let connector_result = tokio::select! {
            result = connector.sync(&ctx, &scope, &mut sink) => result,
            () = cancel.cancelled() => Err(ConnectorError::cancelled()),
        };
        // What was read is real data even when the run failed later: write it.
        if sink.store_error.is_none()
            && let Err(error) = sink.flush().await
        {
            sink.store_error = Some(error);
        }
        // The fields seen are real too, whatever the outcome.
        if let Err(error) = self.record_fields(integration, &mut sink).await
            && sink.store_error.is_none()
        {
            sink.store_error = Some(error);
        }

        let outcome = if let Some(error) = sink.store_error.take() {
            Err(RunFailure::Store(error))
        } else {
            match connector_result {
                Ok(()) if cancel.is_cancelled() => Err(RunFailure::Cancelled),
                // Deletions only while the run is still ours: renew the lease once more first.
                Ok(()) => match self.store.heartbeat_run(run_id, self.now()).await {
                    Ok(true) => {
                        self.reconcile(integration, run_id, &mut sink, &progress)
                            .await
                    }
                    Ok(false) => {
                        heartbeat.mark_lost();
                        Err(RunFailure::Cancelled)
                    }
                    Err(error) => Err(RunFailure::Store(error)),
                },
                Err(error) if *error.kind() == ErrorKind::Cancelled => Err(RunFailure::Cancelled),
                Err(error) => Err(RunFailure::Connector(error)),
            }
        };

        let counts_by_name: BTreeMap<String, ModelCounts> = sink
            .counts
            .iter()
            .map(|(model, counts)| (model.as_str().to_owned(), *counts))
            .collect();
        let (status, error_message) = match &outcome {
            Ok(()) => (RunStatus::Succeeded, None),
            Err(RunFailure::Cancelled) => (RunStatus::Cancelled, Some("cancelled".to_owned())),
            Err(failure) => (RunStatus::Failed, Some(failure.to_string())),
        };
        if heartbeat.lost() {
            // Another process closed the record already (lease expired); keep its verdict.
            let error = SyncError::LeaseLost { run_id };
            tracing::warn!(%run_id, %error, "sync run stopped");
            send(
                &progress,
                SyncProgress::Failed {
                    run_id,
                    status: RunStatus::Failed,
                    message: error.to_string(),
                },
            );
            return Err(error);
        }
        self.store
            .finish_run(
                run_id,
                RunOutcome {
                    status,
                    finished_at: self.now(),
                    counts: counts_by_name,
                    requests: sink.requests,
                    error: error_message.clone(),
                },
            )
            .await?;
        self.record_credential_verdict(integration, &outcome).await;

        match outcome {
            Ok(()) => {
                let summary = SyncSummary {
                    run_id,
                    integration_id: integration.id.clone(),
                    mode,
                    counts: sink.counts,
                    complete_models: sink.complete,
                    requests: sink.requests,
                    duration: started.elapsed(),
                };
                tracing::info!(
                    %run_id,
                    counts = ?summary.counts,
                    requests = ?summary.requests,
                    "sync run succeeded"
                );
                send(&progress, SyncProgress::Finished(summary.clone()));
                Ok(summary)
            }
            Err(failure) => {
                let message = error_message.unwrap_or_default();
                tracing::warn!(%run_id, status = status.as_str(), error = %message, "sync run did not succeed");
                send(
                    &progress,
                    SyncProgress::Failed {
                        run_id,
                        status,
                        message,
                    },
                );
                Err(match failure {
                    RunFailure::Cancelled => SyncError::Cancelled { run_id },
                    RunFailure::Store(error) => SyncError::Store(error),
                    RunFailure::Connector(source) => SyncError::Connector { run_id, source },
                })
            }
        }
    }

    /// Records the distinct integration fields the run saw (new ones with passthrough on,
    /// known ones keep their switch and take the provider's label).
    async fn record_fields(
        &self,
        integration: &Integration,
        sink: &mut EngineSink,
    ) -> Result<(), StoreError> {
        let seen = std::mem::take(&mut sink.fields);
        if seen.is_empty() {
            return Ok(());
        }
        let fields = seen.into_new_fields(&integration.id);
        tracing::debug!(fields = fields.len(), "recording integration fields");
        self.store
            .record_integration_fields(&integration.id, fields, self.now())
            .await
    }

    /// Starts renewing the lease of `run_id` on the engine's clock, every
    /// `heartbeat_interval` or an eighth of the store's lease, whichever is shorter.
    fn heartbeat(&self, run_id: RunId, cancel: &CancellationToken) -> Heartbeat {
        let interval = self
            .config
            .heartbeat_interval
            .min(self.store.run_lease() / 8)
            .max(Duration::from_millis(10));
        Heartbeat::start(
            Arc::clone(&self.store),
            Arc::clone(&self.clock),
            run_id,
            interval,
            cancel.clone(),
        )
    }

    /// After a successful run: marks deletions in completely enumerated models, touches the
    /// parents of deleted records, and keeps the connector's state.
    async fn reconcile(
        &self,
        integration: &Integration,
        run_id: RunId,
        sink: &mut EngineSink,
        progress: &Option<UnboundedSender<SyncProgress>>,
    ) -> Result<(), RunFailure> {
        for model in sink.complete.clone() {
            let now = self.now();
            let deleted = self
                .store
                .mark_unseen_deleted(&integration.id, model, run_id, now)
                .await?;
            let changed: Vec<ChangedRecord<'_>> = deleted
                .iter()
                .map(|record| ChangedRecord {
                    model,
                    remote_id: &record.remote_id,
                    document: &record.document,
                })
                .collect();
            touch_parents(self.store.as_ref(), &integration.id, &changed, now).await?;
            let count = deleted.len() as u64;
            sink.counts.entry(model).or_default().deleted += count;
            send(
                progress,
                SyncProgress::ModelComplete {
                    run_id,
                    model,
                    deleted: count,
                },
            );
        }
        if let Some(state) = sink.state.take() {
            self.store.save_sync_state(&integration.id, &state).await?;
        }
        Ok(())
    }
}

/// Why a run did not succeed (internal; mapped to [`SyncError`]).
#[derive(Debug, thiserror::Error)]
enum RunFailure {
    #[error("cancelled")]
    Cancelled,
    #[error("store error: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Connector(ConnectorError),
}

fn send(progress: &Option<UnboundedSender<SyncProgress>>, event: SyncProgress) {
    if let Some(progress) = progress {
        // A closed receiver only means nobody listens any more.
        let _ = progress.send(event);
    }
}
