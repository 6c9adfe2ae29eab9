//! The sync engine's error type.

use atsbridge_connector::ConnectorError;
use atsbridge_store::{IntegrationId, RunId, StoreError};

/// Why a sync run did not succeed (or could not start).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// Another run of the same integration is in progress; runs never overlap.
    #[error("a sync of integration {0} is already running")]
    AlreadyRunning(IntegrationId),
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
    /// The run was cancelled; nothing was marked deleted.
    #[error("sync run {run_id} was cancelled")]
    Cancelled {
        /// The cancelled run.
        run_id: RunId,
    },
}
