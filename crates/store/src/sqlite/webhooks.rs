//! Webhook endpoints, the event outbox and deliveries (see [`crate::webhooks`]).

use std::time::Duration;

use atsbridge_schema::Timestamp;
use atsbridge_schema::webhook::WebhookPayload;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::convert::{ts_from_sql, ts_to_sql};
use crate::crypto::SecretKey;
use crate::error::StoreError;
use crate::model::{EnvironmentId, WebhookEndpointId};
use crate::webhooks::{
    ClaimedDelivery, DELIVERY_COLUMNS, DeliveryAttempt, DeliveryQuery, DeliveryStatus,
    NewWebhookEndpoint, OutcomeColumns, RawDelivery, WebhookDelivery, WebhookEndpoint,
    delivery_from_raw, new_endpoint_id, new_signing_secret, open_secret, payload_text,
    validate_endpoint_url,
};

/// Writes an event into the outbox with a pending delivery per endpoint of its environment.
/// Call it inside the transaction of the change the event announces.
pub(crate) fn enqueue_event(
    conn: &Connection,
    environment_id: &EnvironmentId,
    payload: &WebhookPayload,
    now: Timestamp,
) -> Result<(), StoreError> {
    let text = payload_text(payload)?;
    conn.prepare_cached(
        "INSERT INTO webhook_events (id, environment_id, event_type, payload, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        payload.id,
        environment_id.as_str(),
        payload.event_type(),
        text,
        ts_to_sql(now)
    ])?;
    conn.prepare_cached(
        "INSERT INTO webhook_deliveries
             (event_id, endpoint_id, status, attempts, next_attempt_at, created_at)
         SELECT ?1, id, ?2, 0, ?3, ?3 FROM webhook_endpoints WHERE environment_id = ?4",
    )?
    .execute(params![
        payload.id,
        DeliveryStatus::Pending.as_str(),
        ts_to_sql(now),
        environment_id.as_str()
    ])?;
    Ok(())
}

pub(crate) fn emit_event(
    conn: &mut Connection,
    environment_id: &EnvironmentId,
    payload: &WebhookPayload,
    now: Timestamp,
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    require_environment(&tx, environment_id)?;
    enqueue_event(&tx, environment_id, payload, now)?;
    tx.commit()?;
    Ok(())
}

fn require_environment(conn: &Connection, id: &EnvironmentId) -> Result<(), StoreError> {
    let exists: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM environments WHERE id = ?1)")?
        .query_row([id.as_str()], |row| row.get(0))?;
    if exists {
        Ok(())
    } else {
        Err(StoreError::EnvironmentNotFound(id.to_string()))
    }
}

pub(crate) fn add_endpoint(
    conn: &mut Connection,
    key: &SecretKey,
    environment_id: &EnvironmentId,
    url: &str,
    now: Timestamp,
) -> Result<NewWebhookEndpoint, StoreError> {
    let url = validate_endpoint_url(url)?;
    let id = new_endpoint_id();
    let secret = new_signing_secret();
    let sealed = key.seal(secret.as_bytes(), id.as_str().as_bytes())?;
    let tx = conn.transaction()?;
    require_environment(&tx, environment_id)?;
    tx.execute(
        "INSERT INTO webhook_endpoints (id, environment_id, url, secret, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id.as_str(),
            environment_id.as_str(),
            url,
            sealed,
            ts_to_sql(now)
        ],
    )?;
    tx.commit()?;
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

fn endpoint_from_row(row: &Row<'_>) -> rusqlite::Result<(String, String, String, i64)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

pub(crate) fn list_endpoints(
    conn: &Connection,
    environment_id: Option<&EnvironmentId>,
) -> Result<Vec<WebhookEndpoint>, StoreError> {
    let raws = conn
        .prepare_cached(
            "SELECT id, environment_id, url, created_at FROM webhook_endpoints
             WHERE ?1 IS NULL OR environment_id = ?1 ORDER BY created_at, id",
        )?
        .query_map(
            [environment_id.map(EnvironmentId::as_str)],
            endpoint_from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter()
        .map(|(id, env, url, created_at)| {
            Ok(WebhookEndpoint {
                id: WebhookEndpointId::new(id),
                environment_id: EnvironmentId::new(env),
                url,
                created_at: ts_from_sql(created_at)?,
            })
        })
        .collect()
}

pub(crate) fn remove_endpoint(
    conn: &Connection,
    environment_id: &EnvironmentId,
    endpoint_id: &WebhookEndpointId,
) -> Result<bool, StoreError> {
    let deleted = conn.execute(
        "DELETE FROM webhook_endpoints WHERE id = ?1 AND environment_id = ?2",
        params![endpoint_id.as_str(), environment_id.as_str()],
    )?;
    Ok(deleted > 0)
}

/// Claims due deliveries. `BEGIN IMMEDIATE` takes SQLite's write lock before the select, so
/// two processes on one file cannot claim the same delivery.
pub(crate) fn claim_deliveries(
    conn: &mut Connection,
    key: &SecretKey,
    owner: &str,
    now: Timestamp,
    lease: Duration,
    limit: u32,
) -> Result<Vec<ClaimedDelivery>, StoreError> {
    let now_sql = ts_to_sql(now);
    let until = now_sql.saturating_add(i64::try_from(lease.as_micros()).unwrap_or(i64::MAX));
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let rows = tx
        .prepare_cached(
            "SELECT d.id, d.event_id, v.event_type, d.endpoint_id, e.url, e.secret, v.payload,
                    d.attempts
             FROM webhook_deliveries d
             JOIN webhook_events v ON v.id = d.event_id
             JOIN webhook_endpoints e ON e.id = d.endpoint_id
             WHERE d.status = ?1 AND d.next_attempt_at <= ?2
               AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= ?2)
             ORDER BY d.next_attempt_at, d.id LIMIT ?3",
        )?
        .query_map(
            params![DeliveryStatus::Pending.as_str(), now_sql, limit],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, Vec<u8>>(5)?,
                    row.get::<_, String>(6)?,
                    row.get::<_, i64>(7)?,
                ))
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut claimed = Vec::with_capacity(rows.len());
    for (id, event_id, event_type, endpoint_id, url, sealed, payload, attempts) in rows {
        tx.prepare_cached(
            "UPDATE webhook_deliveries SET lease_owner = ?1, lease_expires_at = ?2 WHERE id = ?3",
        )?
        .execute(params![owner, until, id])?;
        let secret = open_secret(key, &endpoint_id, &sealed)?;
        claimed.push(ClaimedDelivery {
            id,
            event_id,
            event_type,
            endpoint_id: WebhookEndpointId::new(endpoint_id),
            url,
            secret,
            payload,
            attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        });
    }
    tx.commit()?;
    Ok(claimed)
}

pub(crate) fn record_attempt(
    conn: &Connection,
    attempt: &DeliveryAttempt,
) -> Result<bool, StoreError> {
    let columns = OutcomeColumns::of(attempt);
    let updated = conn
        .prepare_cached(
            "UPDATE webhook_deliveries SET status = ?1, attempts = attempts + 1,
                 next_attempt_at = COALESCE(?2, next_attempt_at), last_error = ?3,
                 last_http_status = ?4, delivered_at = ?5,
                 lease_owner = NULL, lease_expires_at = NULL
             WHERE id = ?6 AND lease_owner = ?7 AND status = ?8",
        )?
        .execute(params![
            columns.status.as_str(),
            columns.next_attempt_at.map(ts_to_sql),
            columns.last_error,
            columns.last_http_status,
            columns.delivered_at.map(ts_to_sql),
            attempt.delivery_id,
            attempt.lease_owner,
            DeliveryStatus::Pending.as_str()
        ])?;
    Ok(updated == 1)
}

fn delivery_from_row(row: &Row<'_>) -> rusqlite::Result<RawDelivery> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
        row.get(9)?,
        row.get(10)?,
        row.get(11)?,
        row.get(12)?,
    ))
}

pub(crate) fn list_deliveries(
    conn: &Connection,
    query: &DeliveryQuery,
) -> Result<Vec<WebhookDelivery>, StoreError> {
    let raws = conn
        .prepare_cached(&format!(
            "SELECT {DELIVERY_COLUMNS}
             FROM webhook_deliveries d
             JOIN webhook_events v ON v.id = d.event_id
             JOIN webhook_endpoints e ON e.id = d.endpoint_id
             WHERE (?1 IS NULL OR e.environment_id = ?1)
               AND (?2 IS NULL OR d.endpoint_id = ?2)
               AND (?3 IS NULL OR d.status = ?3)
             ORDER BY d.id DESC LIMIT ?4"
        ))?
        .query_map(
            params![
                query.environment_id.as_ref().map(EnvironmentId::as_str),
                query.endpoint_id.as_ref().map(WebhookEndpointId::as_str),
                query.status.map(DeliveryStatus::as_str),
                query.limit
            ],
            delivery_from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(delivery_from_raw).collect()
}

/// The integration and start time of a run, for the events that announce its end.
pub(crate) fn run_integration_and_start(
    conn: &Connection,
    run_id: i64,
) -> Result<Option<(String, i64)>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT integration_id, started_at FROM sync_runs WHERE id = ?1")?
        .query_row([run_id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?)
}
