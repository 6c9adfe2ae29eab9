//! [`SyncTrigger`] on top of the sync crate's [`Scheduler`].

use std::sync::Arc;

use async_trait::async_trait;
use atsbridge_schema::KomboId;
use atsbridge_store::{Integration, SyncMode};
use atsbridge_sync::{ForceSyncOutcome as SchedulerOutcome, Scheduler, SyncError};

use crate::state::{ForceSyncOutcome, SyncTrigger};

/// Forwards `POST /v1/force-sync` to a [`Scheduler`], starting the integration's loop first
/// when the scheduler does not run one yet (e.g. an integration added after start-up).
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
        let outcome = match self.scheduler.force_sync(&integration.id, mode) {
            Err(SyncError::UnknownIntegration(_)) => {
                self.scheduler.start_integration(integration.clone());
                self.scheduler.force_sync(&integration.id, mode)
            }
            other => other,
        }
        .map_err(|e| e.to_string())?;
        // The scheduler does not hand out run ids before a run starts; the id names the request.
        let nanos = chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default();
        let sync_id =
            KomboId::derive_scoped(integration.id.as_str(), "force_sync", &nanos.to_string())
                .into_string();
        Ok(ForceSyncOutcome {
            already_queued: outcome == SchedulerOutcome::AlreadyQueued,
            sync_id,
            mode,
        })
    }
}
