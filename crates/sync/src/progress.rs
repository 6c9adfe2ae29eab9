//! Events a running sync reports, e.g. for a CLI progress bar.

use atsbridge_schema::Model;
use atsbridge_store::{IntegrationId, RunId, RunStatus, SyncMode};

use crate::engine::SyncSummary;

/// One step of a sync run.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SyncProgress {
    /// The run was recorded and the connector is starting.
    Started {
        /// The integration being synced.
        integration_id: IntegrationId,
        /// The run.
        run_id: RunId,
        /// Full or delta (after the connector's capabilities were applied).
        mode: SyncMode,
    },
    /// A batch of records of one model was written.
    BatchWritten {
        /// The run.
        run_id: RunId,
        /// The model of the batch.
        model: Model,
        /// Records in the batch.
        records: usize,
        /// Of those, records whose content changed (inserted, updated or undeleted).
        changed: usize,
        /// Records of every model written so far in this run, this batch included.
        written_total: u64,
    },
    /// A model the connector enumerated completely was reconciled (deletions marked).
    ModelComplete {
        /// The run.
        run_id: RunId,
        /// The model.
        model: Model,
        /// Records newly marked deleted.
        deleted: u64,
    },
    /// The run succeeded.
    Finished(SyncSummary),
    /// The run failed or was cancelled; nothing was marked deleted.
    Failed {
        /// The run.
        run_id: RunId,
        /// `Failed` or `Cancelled`.
        status: RunStatus,
        /// What went wrong.
        message: String,
    },
}
