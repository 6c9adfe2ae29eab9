//! The sync engine's error type.

use atsbridge_connector::ConnectorError;
use atsbridge_schema::Timestamp;
use atsbridge_store::{IntegrationId, RunId, RunStatus, StoreError, SyncMode};

/// Why a sync run did not succeed (or could not start).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// Another run of the same integration is in progress; runs never overlap.
    #[error("a sync of integration {0} is already running")]
    AlreadyRunning(IntegrationId),
    /// The store holds a run of the integration that is queued or running, e.g. one started
    /// by another process on the same database, so this run was not recorded.
    #[error(
        "integration {integration_id} is already being synced: run {run_id} is {} since \
         {since}",
        .status.as_str()
    )]
    RunInProgress {
        /// The integration.
        integration_id: IntegrationId,
        /// The run that is queued or running.
        run_id: RunId,
        /// `Queued` or `Running`.
        status: RunStatus,
        /// The mode of that run.
        mode: SyncMode,
        /// When that run started (or was queued, while it still is).
        since: Timestamp,
    },
    /// The integration does not exist (any more).
    #[error("integration {0} does not exist")]
    UnknownIntegration(IntegrationId),
    /// The store failed; the run (if started) is recorded as failed.
    #[error("store error during sync: {0}")]
    Store(#[from] StoreError),
    /// The connector could not be built for the integration (bad config, unknown tool).
    #[error("cannot build the connector for integration {integration_id}: {source}")]
    ConnectorSetup {
        /// The integration.
        integration_id: IntegrationId,
        /// What the factory reported.
        #[source]
        source: ConnectorError,
    },
    /// The connector failed; nothing was marked deleted.
    #[error("sync run {run_id} failed: {source}")]
    Connector {
        /// The failed run.
        run_id: RunId,
        /// What the connector reported.
        #[source]
        source: ConnectorError,
    },
    /// The run's lease expired (this process stalled for longer than
    /// [`atsbridge_store::RUN_LEASE`]) and another process closed it as failed; the run was
    /// stopped and marked nothing deleted.
    #[error("sync run {run_id} was stopped: its lease expired and another process closed it")]
    LeaseLost {
        /// The run that was closed elsewhere.
        run_id: RunId,
    },
    /// The run was cancelled; nothing was marked deleted.
    #[error("sync run {run_id} was cancelled")]
    Cancelled {
        /// The cancelled run.
        run_id: RunId,
    },
}

impl SyncError {
    /// Wraps a store error of a call about `integration_id`, turning the store's refusal to
    /// record a second run into [`SyncError::RunInProgress`].
    pub(crate) fn from_store(integration_id: &IntegrationId, error: StoreError) -> Self {
        match error {
            StoreError::RunInProgress {
                run_id,
                status,
                mode,
                since,
            } => SyncError::RunInProgress {
                integration_id: integration_id.clone(),
                run_id,
                status,
                mode,
                since,
            },
            other => SyncError::Store(other),
        }
    }
}
