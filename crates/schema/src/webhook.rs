//! Webhook payloads, in the shapes of the `webhooks` section of Kombo's specification.
//!
//! Every payload is `{ "id": …, "type": …, "data": … }` with no other key ([`WebhookPayload`]);
//! the `type` names the variant of [`WebhookEvent`] and `data` carries its fields. Both the store
//! (which writes events into its outbox) and the delivery worker (which signs and sends them)
//! use these types, so the shape is decided here once.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// One webhook message: a unique id, the event type and its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WebhookPayload {
    /// Unique id of the message (`msg_…`); receivers use it to drop duplicates.
    pub id: String,
    /// The event, serialized as `type` and `data`.
    #[serde(flatten)]
    pub event: WebhookEvent,
}

impl WebhookPayload {
    /// The event's type name, e.g. `sync-finished`.
    pub fn event_type(&self) -> &'static str {
        self.event.event_type()
    }
}

/// The events atsbridge sends, each with the data Kombo sends for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "data", rename_all = "kebab-case")]
pub enum WebhookEvent {
    /// An integration was connected.
    IntegrationCreated(IntegrationCreated),
    /// An integration was deleted.
    IntegrationDeleted(IntegrationDeleted),
    /// An integration's state, setup status or QA status changed.
    IntegrationStateChanged(IntegrationStateChanged),
    /// An end user started the connection flow and it failed.
    ConnectionFlowFailed(ConnectionFlowFailed),
    /// A sync run ended (whatever its outcome).
    SyncFinished(SyncFinished),
    /// A sync run created, changed or deleted records.
    DataChanged(DataChanged),
}

impl WebhookEvent {
    /// Every event type name, in declaration order.
    pub const TYPES: [&'static str; 6] = [
        "integration-created",
        "integration-deleted",
        "integration-state-changed",
        "connection-flow-failed",
        "sync-finished",
        "data-changed",
    ];

    /// The type name the event is sent under.
    pub fn event_type(&self) -> &'static str {
        match self {
            WebhookEvent::IntegrationCreated(_) => "integration-created",
            WebhookEvent::IntegrationDeleted(_) => "integration-deleted",
            WebhookEvent::IntegrationStateChanged(_) => "integration-state-changed",
            WebhookEvent::ConnectionFlowFailed(_) => "connection-flow-failed",
            WebhookEvent::SyncFinished(_) => "sync-finished",
            WebhookEvent::DataChanged(_) => "data-changed",
        }
    }
}

/// Category of an integration's tool. atsbridge serves ATS tools only; the other values exist
/// so that payloads read back from elsewhere still parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum IntegrationCategory {
    /// Human-resources information systems.
    #[serde(rename = "HRIS")]
    Hris,
    /// Applicant tracking systems.
    #[serde(rename = "ATS")]
    Ats,
    /// Assessment tools.
    #[serde(rename = "ASSESSMENT")]
    Assessment,
    /// Learning management systems.
    #[serde(rename = "LMS")]
    Lms,
}

/// The customer an integration belongs to, as given when the connection link was created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookEndUser {
    /// The customer's organization name.
    pub organization_name: String,
    /// E-mail of the person who connected the integration, if known.
    pub creator_email: Option<String>,
    /// The application developer's own id for the customer, if given.
    pub origin_id: Option<String>,
}

/// Data of `integration-created`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationCreated {
    /// The integration's id.
    pub id: String,
    /// Connector slug, e.g. `erecruiter`.
    pub tool: String,
    /// The tool's category.
    pub category: IntegrationCategory,
    /// The customer.
    pub end_user: WebhookEndUser,
}

/// Data of `integration-deleted`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationDeleted {
    /// The integration's id.
    pub id: String,
    /// Connector slug.
    pub tool: String,
    /// The tool's category.
    pub category: IntegrationCategory,
    /// The customer.
    pub end_user: WebhookEndUser,
    /// When it was deleted.
    pub deleted_at: Timestamp,
}

/// Quality-assurance status of an integration (atsbridge has no QA step: always `PASSED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum QaStatus {
    /// Waiting for review.
    Pending,
    /// Review failed.
    Failed,
    /// Reviewed, or no review needed.
    Passed,
}

/// Setup progress of an integration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SetupStatus {
    /// Setup steps are still open.
    Incomplete,
    /// Setup done; the first full sync has not finished yet.
    FinalSyncPending,
    /// Ready.
    Completed,
}

/// State of an integration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IntegrationState {
    /// Working.
    Active,
    /// Its credentials stopped working.
    Invalid,
    /// Disabled.
    Inactive,
}

/// Data of `integration-state-changed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationStateChanged {
    /// Connector slug.
    pub integration_tool: String,
    /// The integration's id.
    pub integration_id: String,
    /// The tool's category.
    pub integration_category: IntegrationCategory,
    /// The customer.
    pub end_user: WebhookEndUser,
    /// QA status.
    pub qa_status: QaStatus,
    /// Setup status.
    pub setup_status: SetupStatus,
    /// State.
    pub state: IntegrationState,
    /// When the state changed.
    pub updated_at: Timestamp,
}

/// Data of `connection-flow-failed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectionFlowFailed {
    /// Connector slug the end user tried to connect.
    pub integration_tool: String,
    /// The tool's category.
    pub integration_category: IntegrationCategory,
    /// The customer.
    pub end_user: WebhookEndUser,
    /// Where an operator can read what happened.
    pub log_url: String,
}

/// Data of `sync-finished`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncFinished {
    /// The run's id.
    pub sync_id: String,
    /// `SUCCEEDED`, `FAILED` or `CANCELLED`.
    pub sync_state: String,
    /// When the run started.
    pub sync_started_at: Timestamp,
    /// When it ended.
    pub sync_ended_at: Timestamp,
    /// Whole seconds between start and end.
    pub sync_duration_seconds: u64,
    /// The integration's id.
    pub integration_id: String,
    /// Connector slug.
    pub integration_tool: String,
    /// The tool's category.
    pub integration_category: IntegrationCategory,
    /// The customer.
    pub end_user: WebhookEndUser,
    /// Where an operator can read about the run.
    pub log_url: String,
}

/// Data of `data-changed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataChanged {
    /// The integration's id.
    pub integration_id: String,
    /// Connector slug.
    pub integration_tool: String,
    /// The tool's category.
    pub integration_category: IntegrationCategory,
    /// The models in which at least one record was created, changed or deleted.
    pub changed_models: Vec<ChangedModel>,
}

/// One entry of [`DataChanged::changed_models`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangedModel {
    /// Kombo's name of the model, e.g. `ats_jobs` ([`crate::Model::kombo_name`]).
    pub name: String,
}
