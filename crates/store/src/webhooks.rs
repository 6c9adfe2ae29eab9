//! Webhook endpoints, the event outbox and its deliveries: the types both backends share and
//! the constructors of the events the store writes.
//!
//! # Delivery state machine
//!
//! Writing an event inserts one delivery per endpoint its environment has at that moment, as
//! `pending` with `next_attempt_at = now`, in the transaction of the change it announces.
//! A worker claims due deliveries ([`Store::claim_webhook_deliveries`](crate::Store)): pending,
//! `next_attempt_at` reached, and no live lease. The claim sets `lease_owner` and
//! `lease_expires_at`; on PostgreSQL it skips rows other instances are claiming (`FOR UPDATE
//! SKIP LOCKED`), on SQLite the write lock makes the claim atomic. After the attempt the worker
//! records its outcome ([`Store::record_webhook_attempt`](crate::Store)), which counts the
//! attempt, clears the lease and moves the delivery to `delivered`, back to `pending` with a
//! later `next_attempt_at`, or to `failed`. A worker that dies mid-attempt leaves a lease that
//! expires, after which another worker claims the delivery again: delivery is at least once,
//! and exactly once while workers finish their attempts within the lease.

use std::collections::BTreeMap;
use std::fmt;

use atsbridge_schema::webhook::{
    ChangedModel, ConnectionFlowFailed, DataChanged, IntegrationCategory, IntegrationCreated,
    IntegrationDeleted, IntegrationState, IntegrationStateChanged, QaStatus, SetupStatus,
    SyncFinished, WebhookEndUser, WebhookEvent, WebhookPayload,
};
use atsbridge_schema::{Model, Timestamp};
use base64::Engine as _;
use rand::RngCore as _;
use serde::{Deserialize, Serialize};

use crate::crypto::random_base58;
use crate::error::StoreError;
use crate::model::{
    EndUser, EnvironmentId, Integration, IntegrationStatus, ModelCounts, RunId, RunOutcome,
    RunStatus, WebhookEndpointId,
};

/// Prefix of webhook signing secrets (the Standard Webhooks form: `whsec_` + base64 key).
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

/// A webhook endpoint as listed (its secret is shown once, when it is added).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    /// The endpoint's id (`whep_…`).
    pub id: WebhookEndpointId,
    /// The environment whose events it receives.
    pub environment_id: EnvironmentId,
    /// Where events are posted.
    pub url: String,
    /// When it was added.
    pub created_at: Timestamp,
}

/// A freshly added endpoint with its signing secret, returned once.
#[derive(Clone)]
pub struct NewWebhookEndpoint {
    /// The endpoint.
    pub endpoint: WebhookEndpoint,
    /// The signing secret, `whsec_<base64 key>`.
    pub secret: String,
}

impl fmt::Debug for NewWebhookEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewWebhookEndpoint")
            .field("endpoint", &self.endpoint)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not delivered yet; will be attempted (again) at `next_attempt_at`.
    Pending,
    /// The endpoint answered with a 2xx status.
    Delivered,
    /// Every attempt failed; no further attempt is made.
    Failed,
}

impl DeliveryStatus {
    /// `pending`, `delivered` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// Parses [`DeliveryStatus::as_str`]'s output.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(DeliveryStatus::Pending),
            "delivered" => Some(DeliveryStatus::Delivered),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

/// One entry of the delivery log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    /// The delivery's id.
    pub id: i64,
    /// The event's id (the `webhook-id` header and the payload's `id`).
    pub event_id: String,
    /// The event's type, e.g. `sync-finished`.
    pub event_type: String,
    /// The environment of the event.
    pub environment_id: EnvironmentId,
    /// The endpoint it goes to.
    pub endpoint_id: WebhookEndpointId,
    /// The endpoint's URL.
    pub url: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: u32,
    /// When the next attempt is due (meaningful while pending).
    pub next_attempt_at: Timestamp,
    /// What went wrong in the last failed attempt.
    pub last_error: Option<String>,
    /// HTTP status of the last attempt that got an answer.
    pub last_http_status: Option<u16>,
    /// When it was delivered.
    pub delivered_at: Option<Timestamp>,
    /// When the event was written.
    pub created_at: Timestamp,
}

/// Which deliveries [`Store::list_webhook_deliveries`](crate::Store) returns, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryQuery {
    /// Only this environment's.
    pub environment_id: Option<EnvironmentId>,
    /// Only those to this endpoint.
    pub endpoint_id: Option<WebhookEndpointId>,
    /// Only those with this status.
    pub status: Option<DeliveryStatus>,
    /// At most this many.
    pub limit: u32,
}

impl Default for DeliveryQuery {
    fn default() -> Self {
        Self {
            environment_id: None,
            endpoint_id: None,
            status: None,
            limit: 50,
        }
    }
}

/// A delivery claimed by a worker, with what it needs to send it.
#[derive(Clone)]
pub struct ClaimedDelivery {
    /// The delivery's id.
    pub id: i64,
    /// The event's id.
    pub event_id: String,
    /// The event's type.
    pub event_type: String,
    /// The endpoint.
    pub endpoint_id: WebhookEndpointId,
    /// Where to post.
    pub url: String,
    /// The endpoint's signing secret (`whsec_…`).
    pub secret: String,
    /// The body to post, exactly (JSON text).
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

impl fmt::Debug for ClaimedDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimedDelivery")
            .field("id", &self.id)
            .field("event_id", &self.event_id)
            .field("event_type", &self.event_type)
            .field("endpoint_id", &self.endpoint_id)
            .field("url", &self.url)
            .field("secret", &"<redacted>")
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// How one delivery attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The endpoint accepted it.
    Delivered {
        /// The status it answered with.
        http_status: u16,
    },
    /// It failed and is tried again at `next_attempt_at`.
    Retry {
        /// When to try again.
        next_attempt_at: Timestamp,
        /// What went wrong.
        error: String,
        /// The status the endpoint answered with, if it answered.
        http_status: Option<u16>,
    },
    /// It failed for the last time.
    Failed {
        /// What went wrong.
        error: String,
        /// The status the endpoint answered with, if it answered.
        http_status: Option<u16>,
    },
}

/// An attempt to record with [`Store::record_webhook_attempt`](crate::Store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryAttempt {
    /// The delivery.
    pub delivery_id: i64,
    /// The worker that claimed it; the record is refused when its lease went to another.
    pub lease_owner: String,
    /// When the attempt ended.
    pub at: Timestamp,
    /// How it went.
    pub outcome: AttemptOutcome,
}

/// The columns an attempt's outcome sets, the same on both backends.
pub(crate) struct OutcomeColumns {
    pub(crate) status: DeliveryStatus,
    pub(crate) next_attempt_at: Option<Timestamp>,
    pub(crate) last_error: Option<String>,
    pub(crate) last_http_status: Option<i64>,
    pub(crate) delivered_at: Option<Timestamp>,
}

impl OutcomeColumns {
    pub(crate) fn of(attempt: &DeliveryAttempt) -> Self {
        match &attempt.outcome {
            AttemptOutcome::Delivered { http_status } => OutcomeColumns {
                status: DeliveryStatus::Delivered,
                next_attempt_at: None,
                last_error: None,
                last_http_status: Some(i64::from(*http_status)),
                delivered_at: Some(attempt.at),
            },
            AttemptOutcome::Retry {
                next_attempt_at,
                error,
                http_status,
            } => OutcomeColumns {
                status: DeliveryStatus::Pending,
                next_attempt_at: Some(*next_attempt_at),
                last_error: Some(error.clone()),
                last_http_status: http_status.map(i64::from),
                delivered_at: None,
            },
            AttemptOutcome::Failed { error, http_status } => OutcomeColumns {
                status: DeliveryStatus::Failed,
                next_attempt_at: None,
                last_error: Some(error.clone()),
                last_http_status: http_status.map(i64::from),
                delivered_at: None,
            },
        }
    }
}

/// Raw delivery-log columns, in [`DELIVERY_COLUMNS`] order.
pub(crate) type RawDelivery = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<i64>,
    Option<i64>,
    i64,
);

/// The delivery-log columns (`d` deliveries, `v` events, `e` endpoints).
pub(crate) const DELIVERY_COLUMNS: &str = "d.id, d.event_id, v.event_type, v.environment_id, \
     d.endpoint_id, e.url, d.status, d.attempts, d.next_attempt_at, d.last_error, \
     d.last_http_status, d.delivered_at, d.created_at";

pub(crate) fn delivery_from_raw(raw: RawDelivery) -> Result<WebhookDelivery, StoreError> {
    let (
        id,
        event_id,
        event_type,
        environment_id,
        endpoint_id,
        url,
        status,
        attempts,
        next_attempt_at,
        last_error,
        last_http_status,
        delivered_at,
        created_at,
    ) = raw;
    let status = DeliveryStatus::parse(&status)
        .ok_or_else(|| StoreError::Corrupt(format!("delivery {id} has status `{status}`")))?;
    Ok(WebhookDelivery {
        id,
        event_id,
        event_type,
        environment_id: EnvironmentId::new(environment_id),
        endpoint_id: WebhookEndpointId::new(endpoint_id),
        url,
        status,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        next_attempt_at: crate::rows::ts_from_sql(next_attempt_at)?,
        last_error,
        last_http_status: last_http_status.and_then(|s| u16::try_from(s).ok()),
        delivered_at: crate::rows::opt_ts_from_sql(delivered_at)?,
        created_at: crate::rows::ts_from_sql(created_at)?,
    })
}

/// A new endpoint id.
pub(crate) fn new_endpoint_id() -> WebhookEndpointId {
    WebhookEndpointId::new(format!("whep_{}", random_base58(24)))
}

/// A new signing secret: `whsec_` and 24 random bytes in base64.
pub(crate) fn new_signing_secret() -> String {
    let mut key = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!(
        "{WEBHOOK_SECRET_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

/// Checks an endpoint URL: absolute `http` or `https` with a host. Which addresses it may
/// reach is decided when it is delivered to.
pub(crate) fn validate_endpoint_url(raw: &str) -> Result<String, StoreError> {
    let parsed = url::Url::parse(raw.trim()).map_err(|e| {
        StoreError::InvalidArgument(format!("`{raw}` is not a valid webhook URL: {e}"))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(StoreError::InvalidArgument(format!(
            "`{raw}` is not a webhook URL: use http:// or https:// and a host"
        )));
    }
    Ok(parsed.to_string())
}

/// Opens an endpoint's sealed signing secret.
pub(crate) fn open_secret(
    key: &crate::crypto::SecretKey,
    endpoint_id: &str,
    sealed: &[u8],
) -> Result<String, StoreError> {
    let plaintext = key.open(sealed, endpoint_id.as_bytes())?;
    String::from_utf8(plaintext).map_err(|_| {
        StoreError::Corrupt(format!(
            "the signing secret of webhook endpoint {endpoint_id} is not text"
        ))
    })
}

/// The JSON text of a payload, as it is stored and sent.
pub(crate) fn payload_text(payload: &WebhookPayload) -> Result<String, StoreError> {
    serde_json::to_string(payload).map_err(|source| StoreError::Serialize {
        what: "webhook payload",
        source,
    })
}

/// Where the links in payloads (`log_url`) point: the public base URL of the dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventLinks {
    /// The server's public base URL; `http://localhost` when unset.
    pub public_url: Option<url::Url>,
}

impl EventLinks {
    /// `path` (starting with `/`) under the public base URL.
    pub fn link(&self, path: &str) -> String {
        let base = self
            .public_url
            .as_ref()
            .map_or("http://localhost", |url| url.as_str());
        format!("{}{path}", base.trim_end_matches('/'))
    }

    /// The dashboard page of an integration.
    pub fn integration(&self, integration_id: &str) -> String {
        self.link(&format!("/dashboard/integrations/{integration_id}"))
    }
}

/// A new event id, `msg_` and 24 base58 characters.
pub fn new_event_id() -> String {
    format!("msg_{}", random_base58(24))
}

fn payload(event: WebhookEvent) -> WebhookPayload {
    WebhookPayload {
        id: new_event_id(),
        event,
    }
}

/// An end user as payloads carry it.
pub fn webhook_end_user(end_user: &EndUser) -> WebhookEndUser {
    WebhookEndUser {
        organization_name: end_user.organization_name.clone(),
        creator_email: end_user.creator_email.clone(),
        origin_id: end_user.origin_id.clone(),
    }
}

/// The customer of an integration, as payloads carry it.
fn end_user_of(integration: &Integration) -> WebhookEndUser {
    webhook_end_user(&integration.end_user)
}

/// `integration-created` for a new integration.
pub fn integration_created(integration: &Integration) -> WebhookPayload {
    payload(WebhookEvent::IntegrationCreated(IntegrationCreated {
        id: integration.id.to_string(),
        tool: integration.tool.clone(),
        category: IntegrationCategory::Ats,
        end_user: end_user_of(integration),
    }))
}

/// `integration-deleted` for an integration deleted at `deleted_at`.
pub fn integration_deleted(integration: &Integration, deleted_at: Timestamp) -> WebhookPayload {
    payload(WebhookEvent::IntegrationDeleted(IntegrationDeleted {
        id: integration.id.to_string(),
        tool: integration.tool.clone(),
        category: IntegrationCategory::Ats,
        end_user: end_user_of(integration),
        deleted_at,
    }))
}

/// `integration-state-changed` with the integration's current status and setup status.
pub fn integration_state_changed(
    integration: &Integration,
    updated_at: Timestamp,
) -> WebhookPayload {
    let state = match integration.status() {
        IntegrationStatus::Active => IntegrationState::Active,
        IntegrationStatus::Invalid => IntegrationState::Invalid,
        IntegrationStatus::Inactive => IntegrationState::Inactive,
    };
    let setup_status = match integration.setup_status {
        crate::model::SetupStatus::Incomplete => SetupStatus::Incomplete,
        crate::model::SetupStatus::FinalSyncPending => SetupStatus::FinalSyncPending,
        crate::model::SetupStatus::Completed => SetupStatus::Completed,
    };
    payload(WebhookEvent::IntegrationStateChanged(
        IntegrationStateChanged {
            integration_tool: integration.tool.clone(),
            integration_id: integration.id.to_string(),
            integration_category: IntegrationCategory::Ats,
            end_user: end_user_of(integration),
            qa_status: QaStatus::Passed,
            setup_status,
            state,
            updated_at,
        },
    ))
}

/// `connection-flow-failed` for an end user who could not connect `tool`; `log_url` is
/// where an operator reads what happened (e.g. [`EventLinks::link`]).
pub fn connection_flow_failed(tool: &str, end_user: &EndUser, log_url: String) -> WebhookPayload {
    payload(WebhookEvent::ConnectionFlowFailed(ConnectionFlowFailed {
        integration_tool: tool.to_owned(),
        integration_category: IntegrationCategory::Ats,
        end_user: webhook_end_user(end_user),
        log_url,
    }))
}

/// `sync-finished` for a run that ended with `outcome`.
pub fn sync_finished(
    integration: &Integration,
    run_id: RunId,
    started_at: Timestamp,
    outcome: &RunOutcome,
    links: &EventLinks,
) -> WebhookPayload {
    let seconds = (outcome.finished_at.as_datetime() - started_at.as_datetime())
        .num_seconds()
        .max(0);
    let state = match outcome.status {
        RunStatus::Succeeded => "SUCCEEDED",
        RunStatus::Cancelled => "CANCELLED",
        RunStatus::Failed | RunStatus::Queued | RunStatus::Running => "FAILED",
    };
    payload(WebhookEvent::SyncFinished(SyncFinished {
        sync_id: run_id.to_string(),
        sync_state: state.to_owned(),
        sync_started_at: started_at,
        sync_ended_at: outcome.finished_at,
        sync_duration_seconds: u64::try_from(seconds).unwrap_or(0),
        integration_id: integration.id.to_string(),
        integration_tool: integration.tool.clone(),
        integration_category: IntegrationCategory::Ats,
        end_user: end_user_of(integration),
        log_url: links.link(&format!(
            "/dashboard/integrations/{}/runs/{run_id}",
            integration.id
        )),
    }))
}

/// `data-changed` for a run whose counts show created, changed, restored or deleted records;
/// `None` when nothing changed. Models are listed by Kombo's names, in model order.
pub fn data_changed(
    integration: &Integration,
    counts: &BTreeMap<String, ModelCounts>,
) -> Option<WebhookPayload> {
    let changed: Vec<ChangedModel> = Model::ALL
        .iter()
        .filter(|model| {
            counts.get(model.as_str()).is_some_and(|c| {
                c.inserted > 0 || c.updated > 0 || c.undeleted > 0 || c.deleted > 0
            })
        })
        .map(|model| ChangedModel {
            name: model.kombo_name().to_owned(),
        })
        .collect();
    if changed.is_empty() {
        return None;
    }
    Some(payload(WebhookEvent::DataChanged(DataChanged {
        integration_id: integration.id.to_string(),
        integration_tool: integration.tool.clone(),
        integration_category: IntegrationCategory::Ats,
        changed_models: changed,
    })))
}

/// The events that announce the end of a run: `sync-finished` always, `data-changed` when
/// its counts show a change.
pub(crate) fn run_finished_events(
    integration: &Integration,
    run_id: RunId,
    started_at: Timestamp,
    outcome: &RunOutcome,
    links: &EventLinks,
) -> Vec<WebhookPayload> {
    let mut events = vec![sync_finished(
        integration,
        run_id,
        started_at,
        outcome,
        links,
    )];
    events.extend(data_changed(integration, &outcome.counts));
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_secrets_are_standard_webhooks_keys() {
        let secret = new_signing_secret();
        let key = secret.strip_prefix(WEBHOOK_SECRET_PREFIX).unwrap_or("");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(key)
            .unwrap_or_default();
        assert_eq!(bytes.len(), 24);
        assert_ne!(secret, new_signing_secret());
    }

    #[test]
    fn endpoint_urls_must_be_http_with_a_host() {
        assert!(validate_endpoint_url("https://hooks.example.com/in").is_ok());
        assert!(validate_endpoint_url("ftp://hooks.example.com/in").is_err());
        assert!(validate_endpoint_url("not a url").is_err());
        assert!(validate_endpoint_url("mailto:x@example.com").is_err());
    }

    #[test]
    fn links_join_the_public_url() {
        let links = EventLinks {
            public_url: url::Url::parse("https://bridge.example/").ok(),
        };
        assert_eq!(
            links.integration("erecruiter:x"),
            "https://bridge.example/dashboard/integrations/erecruiter:x"
        );
        assert_eq!(
            EventLinks::default().link("/dashboard"),
            "http://localhost/dashboard"
        );
    }
}
