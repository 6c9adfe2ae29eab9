//! Rows of a whole store, as they are kept, for `atsbridge store copy`.
//!
//! Every table is exported in a fixed order with its stored values untouched: API keys as
//! their hashes, credentials still sealed (the target must be opened with the same
//! [`SecretKey`](crate::SecretKey)), records with their sequence numbers, so cursors handed out
//! by the source stay valid on the target. The key index is not exported: the target derives
//! it from each document as it imports it, as every write does.

use serde::{Deserialize, Serialize};

use crate::error::StoreError;
use crate::sql::{Dialect, Param};

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
    /// Provider fields of integrations and their passthrough switches.
    IntegrationFields,
    /// Custom-field keys of integrations and their mappings.
    CustomFields,
    /// Webhook endpoints (signing secrets sealed).
    WebhookEndpoints,
    /// The webhook event outbox.
    WebhookEvents,
    /// Webhook deliveries and their log.
    WebhookDeliveries,
}

impl ExportTable {
    /// Every table, in import order.
    ///
    /// Connect links are not copied: they live for hours and a copy is made to move a
    /// store, not to keep a customer's half-finished connect flow.
    pub const ALL: [ExportTable; 11] = [
        ExportTable::Environments,
        ExportTable::ApiKeys,
        ExportTable::Integrations,
        ExportTable::Records,
        ExportTable::TrackedApplications,
        ExportTable::SyncRuns,
        ExportTable::IntegrationFields,
        ExportTable::CustomFields,
        ExportTable::WebhookEndpoints,
        ExportTable::WebhookEvents,
        ExportTable::WebhookDeliveries,
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
            ExportTable::IntegrationFields => "integration_fields",
            ExportTable::CustomFields => "custom_fields",
            ExportTable::WebhookEndpoints => "webhook_endpoints",
            ExportTable::WebhookEvents => "webhook_events",
            ExportTable::WebhookDeliveries => "webhook_deliveries",
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
        /// Last use (to the minute).
        last_used_at: Option<i64>,
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
        /// 1 when enabled, 0 when disabled.
        enabled: i64,
        /// 1 while the provider accepts the credentials.
        credentials_valid: i64,
        /// Kombo's setup status.
        setup_status: String,
        /// The end user as JSON text.
        end_user: Option<String>,
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
    /// A row of `integration_fields`.
    IntegrationField {
        /// Owning integration.
        integration_id: String,
        /// Served id.
        id: String,
        /// Kombo model name.
        model: String,
        /// Key at the provider.
        key: String,
        /// `DEFAULT` or `CUSTOM`.
        field_type: String,
        /// Label at the provider.
        label: Option<String>,
        /// 1 when records list the field.
        passthrough_enabled: i64,
        /// First seen.
        discovered_at: i64,
    },
    /// A row of `custom_fields`.
    CustomField {
        /// Owning integration.
        integration_id: String,
        /// Id.
        id: String,
        /// Kombo model name.
        model: String,
        /// Key in `custom_fields`.
        key: String,
        /// Label.
        label: Option<String>,
        /// Description.
        description: Option<String>,
        /// Mapped integration field.
        integration_field_id: Option<String>,
        /// Creation time.
        created_at: i64,
    },
    /// A row of `webhook_endpoints`.
    WebhookEndpoint {
        /// Id.
        id: String,
        /// Owning environment.
        environment_id: String,
        /// Target URL.
        url: String,
        /// Sealed signing secret, bound to the endpoint id.
        secret: Vec<u8>,
        /// Creation time.
        created_at: i64,
    },
    /// A row of `webhook_events`.
    WebhookEvent {
        /// Id (`msg_…`).
        id: String,
        /// Owning environment.
        environment_id: String,
        /// Event type.
        event_type: String,
        /// Payload as JSON text.
        payload: String,
        /// Creation time.
        created_at: i64,
    },
    /// A row of `webhook_deliveries`.
    WebhookDelivery {
        /// Id.
        id: i64,
        /// The event.
        event_id: String,
        /// The endpoint.
        endpoint_id: String,
        /// Status name.
        status: String,
        /// Attempts made.
        attempts: i64,
        /// Next attempt time.
        next_attempt_at: i64,
        /// Last error.
        last_error: Option<String>,
        /// Last HTTP status.
        last_http_status: Option<i64>,
        /// Delivery time.
        delivered_at: Option<i64>,
        /// Lease holder.
        lease_owner: Option<String>,
        /// Lease end.
        lease_expires_at: Option<i64>,
        /// Creation time.
        created_at: i64,
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
            ExportRow::IntegrationField { .. } => ExportTable::IntegrationFields,
            ExportRow::CustomField { .. } => ExportTable::CustomFields,
            ExportRow::WebhookEndpoint { .. } => ExportTable::WebhookEndpoints,
            ExportRow::WebhookEvent { .. } => ExportTable::WebhookEvents,
            ExportRow::WebhookDelivery { .. } => ExportTable::WebhookDeliveries,
        }
    }

    /// The row's position in its table's export order; the next page starts after it.
    pub fn export_key(&self) -> ExportKey {
        match self {
            ExportRow::Environment { id, .. }
            | ExportRow::ApiKey { id, .. }
            | ExportRow::Integration { id, .. }
            | ExportRow::WebhookEndpoint { id, .. }
            | ExportRow::WebhookEvent { id, .. } => ExportKey::Text(id.clone(), String::new()),
            ExportRow::Record { seq, .. } => ExportKey::Int(*seq),
            ExportRow::SyncRun { id, .. } | ExportRow::WebhookDelivery { id, .. } => {
                ExportKey::Int(*id)
            }
            ExportRow::IntegrationField {
                integration_id, id, ..
            }
            | ExportRow::CustomField {
                integration_id, id, ..
            } => ExportKey::Text(integration_id.clone(), id.clone()),
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

/// The stored columns of a table, in the order rows are read and written, and its export
/// order.
fn layout(table: ExportTable) -> (&'static [&'static str], &'static [&'static str]) {
    match table {
        ExportTable::Environments => (&["id", "name", "created_at"], &["id"]),
        ExportTable::ApiKeys => (
            &[
                "id",
                "environment_id",
                "label",
                "secret_sha256",
                "created_at",
                "last_used_at",
            ],
            &["id"],
        ),
        ExportTable::Integrations => (
            &[
                "id",
                "environment_id",
                "tool",
                "remote_label",
                "credentials",
                "settings",
                "sync_state",
                "created_at",
                "enabled",
                "credentials_valid",
                "setup_status",
                "end_user",
            ],
            &["id"],
        ),
        ExportTable::Records => (
            &[
                "seq",
                "integration_id",
                "model",
                "remote_id",
                "id",
                "document",
                "content_hash",
                "changed_at",
                "remote_deleted_at",
                "relations_changed_at",
                "remote_created_at",
                "last_seen_run",
                "written_outside_run_at",
            ],
            &["seq"],
        ),
        ExportTable::TrackedApplications => (
            &[
                "integration_id",
                "application_remote_id",
                "candidate_remote_id",
                "job_remote_id",
                "tracked_at",
            ],
            &["integration_id", "application_remote_id"],
        ),
        ExportTable::SyncRuns => (
            &[
                "id",
                "integration_id",
                "mode",
                "status",
                "started_at",
                "finished_at",
                "counts",
                "requests",
                "error",
                "heartbeat_at",
            ],
            &["id"],
        ),
        ExportTable::IntegrationFields => (
            &[
                "integration_id",
                "id",
                "model",
                "key",
                "field_type",
                "label",
                "passthrough_enabled",
                "discovered_at",
            ],
            &["integration_id", "id"],
        ),
        ExportTable::CustomFields => (
            &[
                "integration_id",
                "id",
                "model",
                "key",
                "label",
                "description",
                "integration_field_id",
                "created_at",
            ],
            &["integration_id", "id"],
        ),
        ExportTable::WebhookEndpoints => (
            &["id", "environment_id", "url", "secret", "created_at"],
            &["id"],
        ),
        ExportTable::WebhookEvents => (
            &[
                "id",
                "environment_id",
                "event_type",
                "payload",
                "created_at",
            ],
            &["id"],
        ),
        ExportTable::WebhookDeliveries => (
            &[
                "id",
                "event_id",
                "endpoint_id",
                "status",
                "attempts",
                "next_attempt_at",
                "last_error",
                "last_http_status",
                "delivered_at",
                "lease_owner",
                "lease_expires_at",
                "created_at",
            ],
            &["id"],
        ),
    }
}

/// `SELECT` of one export page, with its parameters: the key to start after (if any) and
/// the limit.
pub(crate) fn select_page(
    dialect: &dyn Dialect,
    table: ExportTable,
    after: Option<&ExportKey>,
    limit: u32,
) -> (String, Vec<Param>) {
    let (columns, order) = layout(table);
    let mut params = Vec::new();
    let placeholder = |param: Param, params: &mut Vec<Param>| {
        params.push(param);
        dialect.placeholder(params.len())
    };
    let condition = match after {
        None => "1 = 1".to_owned(),
        Some(ExportKey::Int(n)) => {
            format!(
                "{} > {}",
                order[0],
                placeholder(Param::Int(*n), &mut params)
            )
        }
        Some(ExportKey::Text(first, second)) if order.len() == 2 => {
            let a = placeholder(Param::Text(first.clone()), &mut params);
            let b = placeholder(Param::Text(second.clone()), &mut params);
            format!("({}, {}) > ({a}, {b})", order[0], order[1])
        }
        Some(ExportKey::Text(first, _)) => {
            format!(
                "{} > {}",
                order[0],
                placeholder(Param::Text(first.clone()), &mut params)
            )
        }
    };
    let limit = placeholder(Param::Int(i64::from(limit)), &mut params);
    let sql = format!(
        "SELECT {} FROM {} WHERE {condition} ORDER BY {} LIMIT {limit}",
        columns.join(", "),
        table.as_str(),
        order.join(", ")
    );
    (sql, params)
}

/// `INSERT` of one row of `table`.
pub(crate) fn insert_statement(dialect: &dyn Dialect, table: ExportTable) -> String {
    let (columns, _) = layout(table);
    let placeholders: Vec<String> = (1..=columns.len())
        .map(|n| dialect.placeholder(n))
        .collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        table.as_str(),
        columns.join(", "),
        placeholders.join(", ")
    )
}

/// Reads the columns of an exported row, whatever the backend's row type.
pub(crate) trait ColumnReader {
    /// A text column.
    fn text(&self, index: usize) -> Result<String, StoreError>;
    /// A nullable text column.
    fn opt_text(&self, index: usize) -> Result<Option<String>, StoreError>;
    /// An integer column.
    fn int(&self, index: usize) -> Result<i64, StoreError>;
    /// A nullable integer column.
    fn opt_int(&self, index: usize) -> Result<Option<i64>, StoreError>;
    /// A byte column.
    fn bytes(&self, index: usize) -> Result<Vec<u8>, StoreError>;
}

impl ExportRow {
    /// Reads a row of `table` selected by [`select_page`].
    pub(crate) fn read(table: ExportTable, row: &impl ColumnReader) -> Result<Self, StoreError> {
        Ok(match table {
            ExportTable::Environments => ExportRow::Environment {
                id: row.text(0)?,
                name: row.text(1)?,
                created_at: row.int(2)?,
            },
            ExportTable::ApiKeys => ExportRow::ApiKey {
                id: row.text(0)?,
                environment_id: row.text(1)?,
                label: row.text(2)?,
                secret_sha256: row.bytes(3)?,
                created_at: row.int(4)?,
                last_used_at: row.opt_int(5)?,
            },
            ExportTable::Integrations => ExportRow::Integration {
                id: row.text(0)?,
                environment_id: row.text(1)?,
                tool: row.text(2)?,
                remote_label: row.opt_text(3)?,
                credentials: row.bytes(4)?,
                settings: row.text(5)?,
                sync_state: row.opt_text(6)?,
                created_at: row.int(7)?,
                enabled: row.int(8)?,
                credentials_valid: row.int(9)?,
                setup_status: row.text(10)?,
                end_user: row.opt_text(11)?,
            },
            ExportTable::Records => ExportRow::Record {
                seq: row.int(0)?,
                integration_id: row.text(1)?,
                model: row.text(2)?,
                remote_id: row.text(3)?,
                id: row.text(4)?,
                document: row.text(5)?,
                content_hash: row.text(6)?,
                changed_at: row.int(7)?,
                remote_deleted_at: row.opt_int(8)?,
                relations_changed_at: row.opt_int(9)?,
                remote_created_at: row.opt_int(10)?,
                last_seen_run: row.opt_int(11)?,
                written_outside_run_at: row.opt_int(12)?,
            },
            ExportTable::TrackedApplications => ExportRow::TrackedApplication {
                integration_id: row.text(0)?,
                application_remote_id: row.text(1)?,
                candidate_remote_id: row.opt_text(2)?,
                job_remote_id: row.opt_text(3)?,
                tracked_at: row.int(4)?,
            },
            ExportTable::SyncRuns => ExportRow::SyncRun {
                id: row.int(0)?,
                integration_id: row.text(1)?,
                mode: row.text(2)?,
                status: row.text(3)?,
                started_at: row.int(4)?,
                finished_at: row.opt_int(5)?,
                counts: row.opt_text(6)?,
                requests: row.opt_int(7)?,
                error: row.opt_text(8)?,
                heartbeat_at: row.opt_int(9)?,
            },
            ExportTable::IntegrationFields => ExportRow::IntegrationField {
                integration_id: row.text(0)?,
                id: row.text(1)?,
                model: row.text(2)?,
                key: row.text(3)?,
                field_type: row.text(4)?,
                label: row.opt_text(5)?,
                passthrough_enabled: row.int(6)?,
                discovered_at: row.int(7)?,
            },
            ExportTable::CustomFields => ExportRow::CustomField {
                integration_id: row.text(0)?,
                id: row.text(1)?,
                model: row.text(2)?,
                key: row.text(3)?,
                label: row.opt_text(4)?,
                description: row.opt_text(5)?,
                integration_field_id: row.opt_text(6)?,
                created_at: row.int(7)?,
            },
            ExportTable::WebhookEndpoints => ExportRow::WebhookEndpoint {
                id: row.text(0)?,
                environment_id: row.text(1)?,
                url: row.text(2)?,
                secret: row.bytes(3)?,
                created_at: row.int(4)?,
            },
            ExportTable::WebhookEvents => ExportRow::WebhookEvent {
                id: row.text(0)?,
                environment_id: row.text(1)?,
                event_type: row.text(2)?,
                payload: row.text(3)?,
                created_at: row.int(4)?,
            },
            ExportTable::WebhookDeliveries => ExportRow::WebhookDelivery {
                id: row.int(0)?,
                event_id: row.text(1)?,
                endpoint_id: row.text(2)?,
                status: row.text(3)?,
                attempts: row.int(4)?,
                next_attempt_at: row.int(5)?,
                last_error: row.opt_text(6)?,
                last_http_status: row.opt_int(7)?,
                delivered_at: row.opt_int(8)?,
                lease_owner: row.opt_text(9)?,
                lease_expires_at: row.opt_int(10)?,
                created_at: row.int(11)?,
            },
        })
    }

    /// The row's values in the column order of [`insert_statement`].
    pub(crate) fn params(&self) -> Vec<Param> {
        let text = |v: &String| Param::Text(v.clone());
        let opt_text = |v: &Option<String>| Param::OptText(v.clone());
        let opt_int = |v: &Option<i64>| Param::OptInt(*v);
        match self {
            ExportRow::Environment {
                id,
                name,
                created_at,
            } => vec![text(id), text(name), Param::Int(*created_at)],
            ExportRow::ApiKey {
                id,
                environment_id,
                label,
                secret_sha256,
                created_at,
                last_used_at,
            } => vec![
                text(id),
                text(environment_id),
                text(label),
                Param::Bytes(secret_sha256.clone()),
                Param::Int(*created_at),
                opt_int(last_used_at),
            ],
            ExportRow::Integration {
                id,
                environment_id,
                tool,
                remote_label,
                credentials,
                settings,
                sync_state,
                created_at,
                enabled,
                credentials_valid,
                setup_status,
                end_user,
            } => vec![
                text(id),
                text(environment_id),
                text(tool),
                opt_text(remote_label),
                Param::Bytes(credentials.clone()),
                text(settings),
                opt_text(sync_state),
                Param::Int(*created_at),
                Param::Int(*enabled),
                Param::Int(*credentials_valid),
                text(setup_status),
                opt_text(end_user),
            ],
            ExportRow::Record {
                seq,
                integration_id,
                model,
                remote_id,
                id,
                document,
                content_hash,
                changed_at,
                remote_deleted_at,
                relations_changed_at,
                remote_created_at,
                last_seen_run,
                written_outside_run_at,
            } => vec![
                Param::Int(*seq),
                text(integration_id),
                text(model),
                text(remote_id),
                text(id),
                text(document),
                text(content_hash),
                Param::Int(*changed_at),
                opt_int(remote_deleted_at),
                opt_int(relations_changed_at),
                opt_int(remote_created_at),
                opt_int(last_seen_run),
                opt_int(written_outside_run_at),
            ],
            ExportRow::TrackedApplication {
                integration_id,
                application_remote_id,
                candidate_remote_id,
                job_remote_id,
                tracked_at,
            } => vec![
                text(integration_id),
                text(application_remote_id),
                opt_text(candidate_remote_id),
                opt_text(job_remote_id),
                Param::Int(*tracked_at),
            ],
            ExportRow::SyncRun {
                id,
                integration_id,
                mode,
                status,
                started_at,
                finished_at,
                counts,
                requests,
                error,
                heartbeat_at,
            } => vec![
                Param::Int(*id),
                text(integration_id),
                text(mode),
                text(status),
                Param::Int(*started_at),
                opt_int(finished_at),
                opt_text(counts),
                opt_int(requests),
                opt_text(error),
                opt_int(heartbeat_at),
            ],
            ExportRow::IntegrationField {
                integration_id,
                id,
                model,
                key,
                field_type,
                label,
                passthrough_enabled,
                discovered_at,
            } => vec![
                text(integration_id),
                text(id),
                text(model),
                text(key),
                text(field_type),
                opt_text(label),
                Param::Int(*passthrough_enabled),
                Param::Int(*discovered_at),
            ],
            ExportRow::CustomField {
                integration_id,
                id,
                model,
                key,
                label,
                description,
                integration_field_id,
                created_at,
            } => vec![
                text(integration_id),
                text(id),
                text(model),
                text(key),
                opt_text(label),
                opt_text(description),
                opt_text(integration_field_id),
                Param::Int(*created_at),
            ],
            ExportRow::WebhookEndpoint {
                id,
                environment_id,
                url,
                secret,
                created_at,
            } => vec![
                text(id),
                text(environment_id),
                text(url),
                Param::Bytes(secret.clone()),
                Param::Int(*created_at),
            ],
            ExportRow::WebhookEvent {
                id,
                environment_id,
                event_type,
                payload,
                created_at,
            } => vec![
                text(id),
                text(environment_id),
                text(event_type),
                text(payload),
                Param::Int(*created_at),
            ],
            ExportRow::WebhookDelivery {
                id,
                event_id,
                endpoint_id,
                status,
                attempts,
                next_attempt_at,
                last_error,
                last_http_status,
                delivered_at,
                lease_owner,
                lease_expires_at,
                created_at,
            } => vec![
                Param::Int(*id),
                text(event_id),
                text(endpoint_id),
                text(status),
                Param::Int(*attempts),
                Param::Int(*next_attempt_at),
                opt_text(last_error),
                opt_int(last_http_status),
                opt_int(delivered_at),
                opt_text(lease_owner),
                opt_int(lease_expires_at),
                Param::Int(*created_at),
            ],
        }
    }

    /// For a record row: its sequence number, integration, model and parsed document, from
    /// which the importing store derives the key rows.
    pub(crate) fn record_for_keys(
        &self,
    ) -> Result<Option<(i64, &str, atsbridge_schema::Model, serde_json::Value)>, StoreError> {
        let ExportRow::Record {
            seq,
            integration_id,
            model,
            document,
            ..
        } = self
        else {
            return Ok(None);
        };
        let (model, document) = crate::rows::parse_stored(*seq, model, document)?;
        Ok(Some((*seq, integration_id, model, document)))
    }
}
