//! Rows of a whole store, as they are kept, for `atsbridge store copy`.
//!
//! Every table is exported in a fixed order with its stored values untouched: API keys as
//! their hashes, credentials still sealed (the target must be opened with the same
//! [`SecretKey`](crate::SecretKey)), records with their sequence numbers, so cursors handed out
//! by the source stay valid on the target. The key index is not exported: the target derives
//! it from each document as it imports it, as every write does.

use serde::{Deserialize, Serialize};

/// The tables of a store, in the order a copy must import them (owners before what they own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportTable {
    /// Environments.
    Environments,
    /// API keys (hashes only).
    ApiKeys,
    /// Integrations (credentials sealed, settings and connector sync state).
    Integrations,
    /// Records (documents and the timestamps the engine owns).
    Records,
    /// The tracked-applications sets.
    TrackedApplications,
    /// Sync runs.
    SyncRuns,
}

impl ExportTable {
    /// Every table, in import order.
    pub const ALL: [ExportTable; 6] = [
        ExportTable::Environments,
        ExportTable::ApiKeys,
        ExportTable::Integrations,
        ExportTable::Records,
        ExportTable::TrackedApplications,
        ExportTable::SyncRuns,
    ];

    /// The table's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportTable::Environments => "environments",
            ExportTable::ApiKeys => "api_keys",
            ExportTable::Integrations => "integrations",
            ExportTable::Records => "records",
            ExportTable::TrackedApplications => "tracked_applications",
            ExportTable::SyncRuns => "sync_runs",
        }
    }
}

/// One stored row. Timestamps are microseconds since the Unix epoch, as both backends keep
/// them; byte strings are kept as they are stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "table", rename_all = "snake_case")]
pub enum ExportRow {
    /// A row of `environments`.
    Environment {
        /// Id.
        id: String,
        /// Name.
        name: String,
        /// Creation time.
        created_at: i64,
    },
    /// A row of `api_keys`.
    ApiKey {
        /// Id.
        id: String,
        /// Owning environment.
        environment_id: String,
        /// Label.
        label: String,
        /// SHA-256 of the secret.
        secret_sha256: Vec<u8>,
        /// Creation time.
        created_at: i64,
    },
    /// A row of `integrations`.
    Integration {
        /// Id.
        id: String,
        /// Owning environment.
        environment_id: String,
        /// Connector slug.
        tool: String,
        /// Remote account label.
        remote_label: Option<String>,
        /// Sealed credentials (nonce and ciphertext), bound to the integration id.
        credentials: Vec<u8>,
        /// Settings as JSON text.
        settings: String,
        /// Connector sync state as JSON text.
        sync_state: Option<String>,
        /// Creation time.
        created_at: i64,
    },
    /// A row of `records`.
    Record {
        /// Sequence number (keyset pagination key).
        seq: i64,
        /// Owning integration.
        integration_id: String,
        /// Model name.
        model: String,
        /// Provider id.
        remote_id: String,
        /// Kombo id.
        id: String,
        /// Document as JSON text.
        document: String,
        /// Content hash.
        content_hash: String,
        /// Last own change.
        changed_at: i64,
        /// Deletion time.
        remote_deleted_at: Option<i64>,
        /// Last relation change.
        relations_changed_at: Option<i64>,
        /// Creation at the provider.
        remote_created_at: Option<i64>,
        /// Last run that saw it.
        last_seen_run: Option<i64>,
        /// Last write outside a run.
        written_outside_run_at: Option<i64>,
    },
    /// A row of `tracked_applications`.
    TrackedApplication {
        /// Owning integration.
        integration_id: String,
        /// Application remote id.
        application_remote_id: String,
        /// Candidate remote id.
        candidate_remote_id: Option<String>,
        /// Job remote id.
        job_remote_id: Option<String>,
        /// Tracking time.
        tracked_at: i64,
    },
    /// A row of `sync_runs`.
    SyncRun {
        /// Run id.
        id: i64,
        /// Owning integration.
        integration_id: String,
        /// `full` or `delta`.
        mode: String,
        /// Status name.
        status: String,
        /// Start (or queue) time.
        started_at: i64,
        /// End time.
        finished_at: Option<i64>,
        /// Counts as JSON text.
        counts: Option<String>,
        /// Provider requests.
        requests: Option<i64>,
        /// Error message.
        error: Option<String>,
        /// Last heartbeat.
        heartbeat_at: Option<i64>,
    },
}

impl ExportRow {
    /// The table the row belongs to.
    pub fn table(&self) -> ExportTable {
        match self {
            ExportRow::Environment { .. } => ExportTable::Environments,
            ExportRow::ApiKey { .. } => ExportTable::ApiKeys,
            ExportRow::Integration { .. } => ExportTable::Integrations,
            ExportRow::Record { .. } => ExportTable::Records,
            ExportRow::TrackedApplication { .. } => ExportTable::TrackedApplications,
            ExportRow::SyncRun { .. } => ExportTable::SyncRuns,
        }
    }

    /// The row's position in its table's export order; the next page starts after it.
    pub fn export_key(&self) -> ExportKey {
        match self {
            ExportRow::Environment { id, .. }
            | ExportRow::ApiKey { id, .. }
            | ExportRow::Integration { id, .. } => ExportKey::Text(id.clone(), String::new()),
            ExportRow::Record { seq, .. } => ExportKey::Int(*seq),
            ExportRow::SyncRun { id, .. } => ExportKey::Int(*id),
            ExportRow::TrackedApplication {
                integration_id,
                application_remote_id,
                ..
            } => ExportKey::Text(integration_id.clone(), application_remote_id.clone()),
        }
    }
}

/// Where an export page starts: after this key of the table's order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExportKey {
    /// Tables ordered by one or two text columns (the second is empty when unused).
    Text(String, String),
    /// Tables ordered by an integer id.
    Int(i64),
}
