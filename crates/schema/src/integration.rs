//! The state of an integration as Kombo reports it: `status` (and the `state` of the
//! `integration-state-changed` webhook) and `setup_status`. One home for the store, the API
//! and the webhook payloads.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether an integration works (Kombo's integration `status`, and the `state` of
/// `integration-state-changed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IntegrationStatus {
    /// Enabled, and its credentials were accepted the last time they were used.
    Active,
    /// Enabled, but the provider refused its credentials; a relink fixes it.
    Invalid,
    /// Disabled by the operator or the application: it neither syncs nor serves.
    Inactive,
}

impl IntegrationStatus {
    /// Kombo's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            IntegrationStatus::Active => "ACTIVE",
            IntegrationStatus::Invalid => "INVALID",
            IntegrationStatus::Inactive => "INACTIVE",
        }
    }
}

/// How far an integration's setup has come (Kombo's `setup_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SetupStatus {
    /// Not used by atsbridge's own flow (a connect flow either creates a working
    /// integration or none); kept because Kombo's wire format has it.
    Incomplete,
    /// Connected; the first full sync has not finished yet.
    FinalSyncPending,
    /// Connected and synced at least once.
    Completed,
}

impl SetupStatus {
    /// Kombo's spelling, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            SetupStatus::Incomplete => "INCOMPLETE",
            SetupStatus::FinalSyncPending => "FINAL_SYNC_PENDING",
            SetupStatus::Completed => "COMPLETED",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "INCOMPLETE" => Some(SetupStatus::Incomplete),
            "FINAL_SYNC_PENDING" => Some(SetupStatus::FinalSyncPending),
            "COMPLETED" => Some(SetupStatus::Completed),
            _ => None,
        }
    }
}
