//! Types that go in and out of a [`Store`](crate::Store).

use std::collections::BTreeMap;
use std::fmt;

use atsbridge_schema::{KomboId, Model, Timestamp};
use serde::{Deserialize, Serialize};

use crate::keys::RecordKey;

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id string (no validation: unknown ids simply match nothing).
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }
    };
}

string_id!(
    /// Id of an environment (a tenant that owns API keys and integrations).
    EnvironmentId
);
string_id!(
    /// Id of an integration, `<tool>:<24 base58 chars>`, e.g. `erecruiter:8Fz...`.
    IntegrationId
);
string_id!(
    /// Id of an API key (not the secret; safe to show and log).
    ApiKeyId
);
string_id!(
    /// Id of a webhook endpoint, `whep_<24 base58 chars>`.
    WebhookEndpointId
);

/// Id of a sync run; increases with every run started in this store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RunId(pub i64);

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An environment: the tenant boundary. Its API keys only ever see its own integrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    /// The environment's id.
    pub id: EnvironmentId,
    /// Human-readable name (also the default source name for created applications).
    pub name: String,
    /// When the environment was created.
    pub created_at: Timestamp,
}

/// An API key as listed (the secret is never kept, only its SHA-256 hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    /// The key's id.
    pub id: ApiKeyId,
    /// The environment the key authenticates for.
    pub environment_id: EnvironmentId,
    /// Free-text label given at creation.
    pub label: String,
    /// When the key was created or imported.
    pub created_at: Timestamp,
    /// When the key last authenticated a request (kept to the minute), if ever.
    pub last_used_at: Option<Timestamp>,
}

/// A freshly created API key. The secret is returned here once and cannot be read back later.
#[derive(Clone)]
pub struct NewApiKey {
    /// The key's id.
    pub id: ApiKeyId,
    /// The bearer secret to hand to the client.
    pub secret: String,
}

impl fmt::Debug for NewApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewApiKey")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Per-integration settings, stored as JSON so new settings can be added with defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntegrationSettings {
    /// Serve only candidates and applications created (or imported) through the API.
    pub sync_only_created_applications: bool,
    /// Source name attached to created applications when the request names none.
    pub default_source_name: Option<String>,
    /// Hours between two scheduled full syncs.
    pub full_sync_every_hours: u32,
    /// Minutes between two scheduled delta syncs.
    pub delta_sync_every_minutes: u32,
}

impl Default for IntegrationSettings {
    fn default() -> Self {
        Self {
            sync_only_created_applications: true,
            default_source_name: None,
            full_sync_every_hours: 3,
            delta_sync_every_minutes: 15,
        }
    }
}

/// What [`Store::create_integration`](crate::Store::create_integration) needs.
#[derive(Clone)]
pub struct NewIntegration {
    /// The owning environment.
    pub environment_id: EnvironmentId,
    /// Connector slug, e.g. `erecruiter`; becomes the prefix of the integration id.
    pub tool: String,
    /// Label of the remote account (e.g. the customer's company name), if known.
    pub remote_label: Option<String>,
    /// Connector credentials; encrypted before they touch the disk.
    pub credentials: serde_json::Value,
    /// Initial settings.
    pub settings: IntegrationSettings,
    /// Who connected the account (from a connect link); `None` for integrations made by the
    /// operator, whose end user is derived from the remote label.
    pub end_user: Option<EndUser>,
    /// Setup status to start in: [`SetupStatus::FinalSyncPending`] until the first sync.
    pub setup_status: SetupStatus,
}

impl fmt::Debug for NewIntegration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewIntegration")
            .field("environment_id", &self.environment_id)
            .field("tool", &self.tool)
            .field("remote_label", &self.remote_label)
            .field("credentials", &"<redacted>")
            .field("settings", &self.settings)
            .field("end_user", &self.end_user)
            .field("setup_status", &self.setup_status)
            .finish()
    }
}

/// The customer an integration was connected for, as the application developer named them
/// when creating the connect link (Kombo's `end_user`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndUser {
    /// The customer's organization.
    pub organization_name: String,
    /// E-mail of the person who connected the account.
    pub creator_email: Option<String>,
    /// The application's own id for the customer.
    pub origin_id: Option<String>,
}

/// Whether an integration works (Kombo's integration `status`, and the `state` of
/// `integration-state-changed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
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

/// A stored integration (credentials are fetched separately, decrypted, on demand).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integration {
    /// The integration's id.
    pub id: IntegrationId,
    /// The owning environment.
    pub environment_id: EnvironmentId,
    /// Connector slug, e.g. `erecruiter`.
    pub tool: String,
    /// Label of the remote account, if known.
    pub remote_label: Option<String>,
    /// Current settings.
    pub settings: IntegrationSettings,
    /// When the integration was created.
    pub created_at: Timestamp,
    /// Off: the integration neither syncs nor serves (its data and credentials are kept).
    pub enabled: bool,
    /// Whether the provider accepted the credentials the last time they were used.
    pub credentials_valid: bool,
    /// How far setup has come.
    pub setup_status: SetupStatus,
    /// Who the integration was connected for.
    pub end_user: EndUser,
}

impl Integration {
    /// Kombo's `status`: disabled wins over invalid credentials.
    pub fn status(&self) -> IntegrationStatus {
        if !self.enabled {
            IntegrationStatus::Inactive
        } else if !self.credentials_valid {
            IntegrationStatus::Invalid
        } else {
            IntegrationStatus::Active
        }
    }
}

/// One record to write in [`Store::apply_batch`](crate::Store::apply_batch).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordWrite {
    /// The record's model.
    pub model: Model,
    /// The provider's id.
    pub remote_id: String,
    /// The Kombo id, derived by the engine from (integration, model, remote id).
    pub id: KomboId,
    /// The record as JSON (a serialized `atsbridge_schema::record` type).
    pub document: serde_json::Value,
    /// Hash of the record's canonical JSON; a different hash means a real change.
    pub content_hash: String,
    /// When the record was created at the provider, for `remote_created_after`.
    pub remote_created_at: Option<Timestamp>,
}

/// What [`Store::apply_batch`](crate::Store::apply_batch) did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchResult {
    /// Records that did not exist before.
    pub inserted: u64,
    /// Records whose content hash changed.
    pub updated: u64,
    /// Records that were identical (only marked as seen).
    pub unchanged: u64,
    /// Records that were marked deleted and have reappeared.
    pub undeleted: u64,
    /// Positions (in the input batch) of the records that were inserted, updated or undeleted,
    /// i.e. whose `changed_at` moved.
    pub changed: Vec<usize>,
}

/// A record as read back from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    /// Keyset pagination key; fixed at insert, never changes.
    pub seq: i64,
    /// The Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// The record's model.
    pub model: Model,
    /// The record document as written.
    pub document: serde_json::Value,
    /// Last time the record's own content changed (or it was deleted / undeleted).
    pub changed_at: Timestamp,
    /// When the record was found missing from a complete enumeration; `None` while present.
    pub remote_deleted_at: Option<Timestamp>,
    /// Last time one of the record's nested relations changed (for `updated_after`).
    pub relations_changed_at: Option<Timestamp>,
    /// When the record was created at the provider, if known.
    pub remote_created_at: Option<Timestamp>,
}

/// Records whose indexed `key` is one of `values` (see [`RecordKey`]).
///
/// Values of case-folded keys (e-mail addresses, names) are compared ignoring case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFilter {
    /// The indexed key.
    pub key: RecordKey,
    /// Accepted values; an empty list matches nothing.
    pub values: Vec<String>,
}

/// Which column of the tracked-applications table restricts a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackedRestriction {
    /// Only records whose remote id is a tracked application.
    Applications,
    /// Only records whose remote id is the candidate of a tracked application.
    Candidates,
}

/// A keyset-paginated record listing (see [`Store::list_records`](crate::Store::list_records)).
///
/// All conditions are combined with AND; list-valued conditions match any element.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordQuery {
    /// The integration whose records are listed.
    pub integration_id: IntegrationId,
    /// The model to list.
    pub model: Model,
    /// Return only records with `seq` greater than this (the cursor).
    pub after_seq: Option<i64>,
    /// Maximum number of records to return.
    pub limit: u32,
    /// Include records marked deleted.
    pub include_deleted: bool,
    /// Only records whose `changed_at` or relation touch time is after this instant.
    pub updated_after: Option<Timestamp>,
    /// Only these Kombo ids.
    pub ids: Option<Vec<KomboId>>,
    /// Only these remote ids.
    pub remote_ids: Option<Vec<String>>,
    /// Only records created at the provider after this instant.
    pub remote_created_after: Option<Timestamp>,
    /// Conditions on indexed keys of the record.
    pub key_filters: Vec<KeyFilter>,
    /// Only records whose case-folded [`RecordKey::Name`] contains this text (jobs).
    pub name_contains: Option<String>,
    /// Only candidates with a live application to one of these job remote ids (an
    /// application the tracked restriction would hide does not count).
    pub applied_to_jobs: Option<Vec<String>>,
    /// Only records that belong to the tracked-applications set.
    pub restrict_to_tracked: Option<TrackedRestriction>,
}

impl RecordQuery {
    /// A query for the first `limit` live records of `model`, with no other condition.
    pub fn new(integration_id: IntegrationId, model: Model, limit: u32) -> Self {
        Self {
            integration_id,
            model,
            after_seq: None,
            limit,
            include_deleted: false,
            updated_after: None,
            ids: None,
            remote_ids: None,
            remote_created_after: None,
            key_filters: Vec::new(),
            name_contains: None,
            applied_to_jobs: None,
            restrict_to_tracked: None,
        }
    }
}

/// The records of one model related to a set of others through an indexed key, e.g. the
/// applications whose `candidate_remote_id` is one of a page's candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationQuery {
    /// The integration whose records are read.
    pub integration_id: IntegrationId,
    /// The model to read.
    pub model: Model,
    /// The key that points at the related records.
    pub key: RecordKey,
    /// Remote ids (or values) of the related records.
    pub values: Vec<String>,
    /// Include records marked deleted.
    pub include_deleted: bool,
    /// Only records that belong to the tracked-applications set.
    pub restrict_to_tracked: Option<TrackedRestriction>,
}

impl RelationQuery {
    /// Live records of `model` whose `key` is one of `values`.
    pub fn new(
        integration_id: IntegrationId,
        model: Model,
        key: RecordKey,
        values: Vec<String>,
    ) -> Self {
        Self {
            integration_id,
            model,
            key,
            values,
            include_deleted: false,
            restrict_to_tracked: None,
        }
    }
}

/// An application created or imported through the API (for "sync only created applications").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackedApplication {
    /// The application's remote id.
    pub application_remote_id: String,
    /// Its candidate's remote id, once known.
    pub candidate_remote_id: Option<String>,
    /// Its job's remote id, once known.
    pub job_remote_id: Option<String>,
}

/// Kind of sync run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncMode {
    /// Re-reads everything; the only kind that can detect deletions.
    Full,
    /// Reads only what changed since the previous run.
    Delta,
}

impl SyncMode {
    /// `full` or `delta`.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncMode::Full => "full",
            SyncMode::Delta => "delta",
        }
    }
}

/// State of a sync run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Recorded ahead of its start (e.g. requested through force-sync) and not started yet.
    Queued,
    /// Started and not finished (or the process died while it ran).
    Running,
    /// Finished without error.
    Succeeded,
    /// Finished with an error; nothing was marked deleted.
    Failed,
    /// Cancelled before completion; nothing was marked deleted.
    Cancelled,
}

impl RunStatus {
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
        }
    }

    /// Whether the run is over (succeeded, failed or cancelled).
    pub fn is_final(self) -> bool {
        !matches!(self, RunStatus::Queued | RunStatus::Running)
    }
}

/// Per-model counts of a sync run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelCounts {
    /// New records.
    pub inserted: u64,
    /// Records whose content changed.
    pub updated: u64,
    /// Records re-read without change.
    pub unchanged: u64,
    /// Deleted records that reappeared.
    pub undeleted: u64,
    /// Records marked deleted at the end of the run.
    pub deleted: u64,
}

impl ModelCounts {
    /// Adds a batch result to these counts.
    pub fn add_batch(&mut self, batch: &BatchResult) {
        self.inserted += batch.inserted;
        self.updated += batch.updated;
        self.unchanged += batch.unchanged;
        self.undeleted += batch.undeleted;
    }
}

/// How a run ended, recorded by [`Store::finish_run`](crate::Store::finish_run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutcome {
    /// Final status (not `Queued` or `Running`).
    pub status: RunStatus,
    /// When the run ended.
    pub finished_at: Timestamp,
    /// Counts per model, keyed by `Model::as_str()`.
    pub counts: BTreeMap<String, ModelCounts>,
    /// Provider requests made, if the connector reported them.
    pub requests: Option<u64>,
    /// Error message of a failed run (must not contain secrets).
    pub error: Option<String>,
}

/// A recorded sync run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRun {
    /// The run's id.
    pub id: RunId,
    /// The integration it synced.
    pub integration_id: IntegrationId,
    /// Full or delta.
    pub mode: SyncMode,
    /// Current or final status.
    pub status: RunStatus,
    /// When it started; while it is still queued, when it was queued.
    pub started_at: Timestamp,
    /// When it ended, if it has.
    pub finished_at: Option<Timestamp>,
    /// When the process owning it last renewed its lease (see [`crate::RUN_LEASE`]).
    pub heartbeat_at: Option<Timestamp>,
    /// Counts per model, keyed by `Model::as_str()`.
    pub counts: BTreeMap<String, ModelCounts>,
    /// Provider requests made, if known.
    pub requests: Option<u64>,
    /// Error message of a failed run.
    pub error: Option<String>,
}
