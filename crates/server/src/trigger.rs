//! [`SyncTrigger`] on top of the sync crate's [`Scheduler`].

use std::sync::Arc;

use async_trait::async_trait;
use atsbridge_store::{Integration, SyncMode};
use atsbridge_sync::{Scheduler, SyncError};

use crate::state::{ForceSyncOutcome, SyncTrigger};

/// Forwards `POST /v1/force-sync` to a [`Scheduler`], starting the integration's loop first
/// when the scheduler does not run one yet (e.g. an integration added after start-up).
///
/// The `sync_id` it reports is the id of the run in the store (as listed by
/// `Store::last_runs`), and the mode is the one that run really uses.
#[derive(Debug, Clone)]
pub struct SchedulerTrigger {
    scheduler: Arc<Scheduler>,
}

impl SchedulerTrigger {
    /// Wraps a scheduler.
    pub fn new(scheduler: Arc<Scheduler>) -> Self {
        Self { scheduler }
    }
}

#[async_trait]
impl SyncTrigger for SchedulerTrigger {
    async fn force_sync(
        &self,
        integration: &Integration,
        mode: SyncMode,
    ) -> Result<ForceSyncOutcome, String> {
        let outcome = match self.scheduler.force_sync(&integration.id, mode).await {
            Err(SyncError::UnknownIntegration(_)) => {
                self.scheduler.start_integration(integration.clone());
                self.scheduler.force_sync(&integration.id, mode).await
            }
            other => other,
        }
        .map_err(|e| e.to_string())?;
        Ok(ForceSyncOutcome {
            already_queued: outcome.already_queued(),
            sync_id: outcome.run_id().to_string(),
            mode: outcome.mode(),
        })
    }
}
