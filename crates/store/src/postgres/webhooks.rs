//! Webhook endpoints, the event outbox and deliveries (see [`crate::webhooks`]).

use std::time::Duration;

use atsbridge_schema::Timestamp;
use atsbridge_schema::webhook::WebhookPayload;
use deadpool_postgres::{GenericClient, Object};

use super::tenancy::integration_from_row;
use crate::crypto::SecretKey;
use crate::error::StoreError;
use crate::model::{EnvironmentId, Integration, IntegrationId, WebhookEndpointId};
use crate::rows::{INTEGRATION_COLUMNS, ts_from_sql, ts_to_sql};
use crate::webhooks::{
    ClaimedDelivery, DELIVERY_COLUMNS, DeliveryAttempt, DeliveryQuery, DeliveryStatus,
    NewWebhookEndpoint, OutcomeColumns, WebhookDelivery, WebhookEndpoint, delivery_from_raw,
    new_endpoint_id, new_signing_secret, open_secret, payload_text, validate_endpoint_url,
};

/// Writes an event into the outbox with a pending delivery per endpoint of its environment.
/// Call it inside the transaction of the change the event announces.
pub(crate) async fn enqueue_event(
    tx: &impl GenericClient,
    environment_id: &EnvironmentId,
    payload: &WebhookPayload,
    now: Timestamp,
) -> Result<(), StoreError> {
    let text = payload_text(payload)?;
    tx.execute(
        "INSERT INTO webhook_events (id, environment_id, event_type, payload, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &payload.id,
            &environment_id.as_str(),
            &payload.event_type(),
            &text,
            &ts_to_sql(now),
        ],
    )
    .await?;
    tx.execute(
        "INSERT INTO webhook_deliveries
             (event_id, endpoint_id, status, attempts, next_attempt_at, created_at)
         SELECT $1::text, id, $2::text, 0, $3::bigint, $3::bigint
         FROM webhook_endpoints WHERE environment_id = $4",
        &[
            &payload.id,
            &DeliveryStatus::Pending.as_str(),
            &ts_to_sql(now),
            &environment_id.as_str(),
        ],
    )
    .await?;
    Ok(())
}

/// An integration, read inside a transaction (locking its row against deletion).
pub(crate) async fn integration_for_event(
    tx: &impl GenericClient,
    integration_id: &IntegrationId,
) -> Result<Option<Integration>, StoreError> {
    tx.query_opt(
        &format!("SELECT {INTEGRATION_COLUMNS} FROM integrations WHERE id = $1 FOR KEY SHARE"),
        &[&integration_id.as_str()],
    )
    .await?
    .as_ref()
    .map(integration_from_row)
    .transpose()
}

async fn require_environment(
    client: &impl GenericClient,
    id: &EnvironmentId,
) -> Result<(), StoreError> {
    let found = client
        .query_opt(
            "SELECT 1 FROM environments WHERE id = $1 FOR KEY SHARE",
            &[&id.as_str()],
        )
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::EnvironmentNotFound(id.to_string())),
    }
}

pub(crate) async fn emit_event(
    client: &mut Object,
    environment_id: &EnvironmentId,
    payload: &WebhookPayload,
    now: Timestamp,
) -> Result<(), StoreError> {
    let tx = client.transaction().await?;
    require_environment(&tx, environment_id).await?;
    enqueue_event(&tx, environment_id, payload, now).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn add_endpoint(
    client: &mut Object,
    key: &SecretKey,
    environment_id: &EnvironmentId,
    url: &str,
    now: Timestamp,
) -> Result<NewWebhookEndpoint, StoreError> {
    let url = validate_endpoint_url(url)?;
    let id = new_endpoint_id();
    let secret = new_signing_secret();
    let sealed = key.seal(secret.as_bytes(), id.as_str().as_bytes())?;
    let tx = client.transaction().await?;
    require_environment(&tx, environment_id).await?;
    tx.execute(
        "INSERT INTO webhook_endpoints (id, environment_id, url, secret, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &id.as_str(),
            &environment_id.as_str(),
            &url,
            &sealed,
            &ts_to_sql(now),
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(NewWebhookEndpoint {
        endpoint: WebhookEndpoint {
            id,
            environment_id: environment_id.clone(),
            url,
            created_at: now,
        },
        secret,
    })
}

pub(crate) async fn list_endpoints(
    client: &Object,
    environment_id: Option<&EnvironmentId>,
) -> Result<Vec<WebhookEndpoint>, StoreError> {
    client
        .query(
            "SELECT id, environment_id, url, created_at FROM webhook_endpoints
             WHERE $1::text IS NULL OR environment_id = $1 ORDER BY created_at, id",
            &[&environment_id.map(EnvironmentId::as_str)],
        )
        .await?
        .iter()
        .map(|row| {
            Ok(WebhookEndpoint {
                id: WebhookEndpointId::new(row.try_get::<_, String>(0)?),
                environment_id: EnvironmentId::new(row.try_get::<_, String>(1)?),
                url: row.try_get(2)?,
                created_at: ts_from_sql(row.try_get(3)?)?,
            })
        })
        .collect()
}

pub(crate) async fn remove_endpoint(
    client: &Object,
    environment_id: &EnvironmentId,
    endpoint_id: &WebhookEndpointId,
) -> Result<bool, StoreError> {
    let deleted = client
        .execute(
            "DELETE FROM webhook_endpoints WHERE id = $1 AND environment_id = $2",
            &[&endpoint_id.as_str(), &environment_id.as_str()],
        )
        .await?;
    Ok(deleted > 0)
}

/// Claims due deliveries in one statement. `FOR UPDATE SKIP LOCKED` lets instances claiming
/// at the same time pass over each other's rows instead of waiting for them or taking them
/// too; the lease columns keep a claimed row away from later claims until it expires.
pub(crate) async fn claim_deliveries(
    client: &Object,
    key: &SecretKey,
    owner: &str,
    now: Timestamp,
    lease: Duration,
    limit: u32,
) -> Result<Vec<ClaimedDelivery>, StoreError> {
    let now_sql = ts_to_sql(now);
    let until = now_sql.saturating_add(i64::try_from(lease.as_micros()).unwrap_or(i64::MAX));
    let rows = client
        .query(
            "WITH due AS (
                 SELECT id FROM webhook_deliveries
                 WHERE status = $1 AND next_attempt_at <= $2
                   AND (lease_expires_at IS NULL OR lease_expires_at <= $2)
                 ORDER BY next_attempt_at, id LIMIT $3
                 FOR UPDATE SKIP LOCKED
             ), claimed AS (
                 UPDATE webhook_deliveries d SET lease_owner = $4, lease_expires_at = $5
                 FROM due WHERE d.id = due.id
                 RETURNING d.id, d.event_id, d.endpoint_id, d.attempts, d.next_attempt_at
             )
             SELECT c.id, c.event_id, v.event_type, c.endpoint_id, e.url, e.secret, v.payload,
                    c.attempts
             FROM claimed c
             JOIN webhook_events v ON v.id = c.event_id
             JOIN webhook_endpoints e ON e.id = c.endpoint_id
             ORDER BY c.next_attempt_at, c.id",
            &[
                &DeliveryStatus::Pending.as_str(),
                &now_sql,
                &i64::from(limit),
                &owner,
                &until,
            ],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let endpoint_id: String = row.try_get(3)?;
            let sealed: Vec<u8> = row.try_get(5)?;
            let secret = open_secret(key, &endpoint_id, &sealed)?;
            Ok(ClaimedDelivery {
                id: row.try_get(0)?,
                event_id: row.try_get(1)?,
                event_type: row.try_get(2)?,
                endpoint_id: WebhookEndpointId::new(endpoint_id),
                url: row.try_get(4)?,
                secret,
                payload: row.try_get(6)?,
                attempts: u32::try_from(row.try_get::<_, i64>(7)?).unwrap_or(u32::MAX),
            })
        })
        .collect()
}

pub(crate) async fn record_attempt(
    client: &Object,
    attempt: &DeliveryAttempt,
) -> Result<bool, StoreError> {
    let columns = OutcomeColumns::of(attempt);
    let updated = client
        .execute(
            "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1,
                 next_attempt_at = COALESCE($2, next_attempt_at), last_error = $3,
                 last_http_status = $4, delivered_at = $5,
                 lease_owner = NULL, lease_expires_at = NULL
             WHERE id = $6 AND lease_owner = $7 AND status = $8",
            &[
                &columns.status.as_str(),
                &columns.next_attempt_at.map(ts_to_sql),
                &columns.last_error,
                &columns.last_http_status,
                &columns.delivered_at.map(ts_to_sql),
                &attempt.delivery_id,
                &attempt.lease_owner,
                &DeliveryStatus::Pending.as_str(),
            ],
        )
        .await?;
    Ok(updated == 1)
}

pub(crate) async fn list_deliveries(
    client: &Object,
    query: &DeliveryQuery,
) -> Result<Vec<WebhookDelivery>, StoreError> {
    let rows = client
        .query(
            &format!(
                "SELECT {DELIVERY_COLUMNS}
                 FROM webhook_deliveries d
                 JOIN webhook_events v ON v.id = d.event_id
                 JOIN webhook_endpoints e ON e.id = d.endpoint_id
                 WHERE ($1::text IS NULL OR e.environment_id = $1)
                   AND ($2::text IS NULL OR d.endpoint_id = $2)
                   AND ($3::text IS NULL OR d.status = $3)
                 ORDER BY d.id DESC LIMIT $4"
            ),
            &[
                &query.environment_id.as_ref().map(EnvironmentId::as_str),
                &query.endpoint_id.as_ref().map(WebhookEndpointId::as_str),
                &query.status.map(DeliveryStatus::as_str),
                &i64::from(query.limit),
            ],
        )
        .await?;
    rows.iter()
        .map(|row| {
            delivery_from_raw((
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
                row.try_get(4)?,
                row.try_get(5)?,
                row.try_get(6)?,
                row.try_get(7)?,
                row.try_get(8)?,
                row.try_get(9)?,
                row.try_get(10)?,
                row.try_get(11)?,
                row.try_get(12)?,
            ))
        })
        .collect()
}

/// The integration and start time of a run, for the events that announce its end.
pub(crate) async fn run_integration_and_start(
    tx: &impl GenericClient,
    run_id: i64,
) -> Result<Option<(IntegrationId, Timestamp)>, StoreError> {
    tx.query_opt(
        "SELECT integration_id, started_at FROM sync_runs WHERE id = $1",
        &[&run_id],
    )
    .await?
    .map(|row| {
        Ok((
            IntegrationId::new(row.try_get::<_, String>(0)?),
            ts_from_sql(row.try_get(1)?)?,
        ))
    })
    .transpose()
}
