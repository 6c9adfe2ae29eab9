//! Environments, API keys and integrations.

use atsbridge_schema::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use super::convert::{ts_from_sql, ts_to_sql};
use super::records::sqlite_params;
use super::webhooks::enqueue_event;
use crate::crypto::{SecretKey, hash_api_key_secret, random_base58};
use crate::error::StoreError;
use crate::explain::StatementLog;
use crate::model::{
    ApiKey, ApiKeyId, Environment, EnvironmentId, Integration, IntegrationId, IntegrationSettings,
    NewApiKey, NewIntegration,
};
use crate::rows::{
    API_KEY_PREFIX, AuthenticatedKey, INTEGRATION_COLUMNS, RawIntegration, end_user_to_json,
    environment_from_raw, integration_from_raw, last_used_cutoff, opt_ts_from_sql,
    settings_to_json, validate_tool,
};
use crate::sql::Param;
use crate::webhooks;

pub(crate) fn create_environment(
    conn: &Connection,
    name: &str,
    now: Timestamp,
) -> Result<Environment, StoreError> {
    if name.trim().is_empty() {
        return Err(StoreError::InvalidArgument(
            "environment name must not be empty".into(),
        ));
    }
    let environment = Environment {
        id: EnvironmentId::new(random_base58(24)),
        name: name.to_owned(),
        created_at: now,
    };
    conn.execute(
        "INSERT INTO environments (id, name, created_at) VALUES (?1, ?2, ?3)",
        params![environment.id.as_str(), environment.name, ts_to_sql(now)],
    )?;
    Ok(environment)
}

fn environment_from_row(row: &Row<'_>) -> rusqlite::Result<(String, String, i64)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
}

pub(crate) fn get_environment(
    conn: &Connection,
    id: &EnvironmentId,
) -> Result<Option<Environment>, StoreError> {
    conn.prepare_cached("SELECT id, name, created_at FROM environments WHERE id = ?1")?
        .query_row([id.as_str()], environment_from_row)
        .optional()?
        .map(environment_from_raw)
        .transpose()
}

pub(crate) fn list_environments(conn: &Connection) -> Result<Vec<Environment>, StoreError> {
    let raws = conn
        .prepare_cached("SELECT id, name, created_at FROM environments ORDER BY created_at, id")?
        .query_map([], environment_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(environment_from_raw).collect()
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

fn insert_api_key(
    conn: &Connection,
    environment_id: &EnvironmentId,
    label: &str,
    secret: &str,
    now: Timestamp,
) -> Result<ApiKeyId, StoreError> {
    let id = ApiKeyId::new(random_base58(24));
    conn.execute(
        "INSERT INTO api_keys (id, environment_id, label, secret_sha256, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id.as_str(),
            environment_id.as_str(),
            label,
            hash_api_key_secret(secret).as_slice(),
            ts_to_sql(now)
        ],
    )?;
    Ok(id)
}

pub(crate) fn create_api_key(
    conn: &mut Connection,
    environment_id: &EnvironmentId,
    label: &str,
    now: Timestamp,
) -> Result<NewApiKey, StoreError> {
    let tx = conn.transaction()?;
    require_environment(&tx, environment_id)?;
    let secret = format!("{API_KEY_PREFIX}{}", random_base58(40));
    let id = insert_api_key(&tx, environment_id, label, &secret, now)?;
    tx.commit()?;
    Ok(NewApiKey { id, secret })
}

pub(crate) fn import_api_key(
    conn: &mut Connection,
    environment_id: &EnvironmentId,
    label: &str,
    secret: &str,
    now: Timestamp,
) -> Result<ApiKeyId, StoreError> {
    if secret.trim().is_empty() {
        return Err(StoreError::InvalidArgument(
            "API key secret must not be empty".into(),
        ));
    }
    let tx = conn.transaction()?;
    require_environment(&tx, environment_id)?;
    let existing: Option<(String, String)> = tx
        .prepare_cached("SELECT id, environment_id FROM api_keys WHERE secret_sha256 = ?1")?
        .query_row([hash_api_key_secret(secret).as_slice()], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let id = match existing {
        Some((id, owner)) if owner == environment_id.as_str() => ApiKeyId::new(id),
        Some(_) => return Err(StoreError::ApiKeyTaken),
        None => insert_api_key(&tx, environment_id, label, secret, now)?,
    };
    tx.commit()?;
    Ok(id)
}

/// The key a bearer secret belongs to: its environment, id and last use.
pub(crate) fn authenticate_api_key(
    conn: &Connection,
    log: &StatementLog,
    secret: &str,
) -> Result<Option<AuthenticatedKey>, StoreError> {
    // Lookup by SHA-256: the secret itself is never compared, so timing reveals nothing
    // useful about it.
    const AUTHENTICATE: &str =
        "SELECT environment_id, id, last_used_at FROM api_keys WHERE secret_sha256 = ?1";
    let hash = hash_api_key_secret(secret);
    log.record(AUTHENTICATE, || vec![Param::Bytes(hash.to_vec())]);
    let found = conn
        .prepare_cached(AUTHENTICATE)?
        .query_row([hash.as_slice()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<i64>>(2)?,
            ))
        })
        .optional()?;
    found
        .map(|(env, id, last_used_at)| {
            Ok(AuthenticatedKey {
                environment_id: EnvironmentId::new(env),
                key_id: ApiKeyId::new(id),
                last_used_at: opt_ts_from_sql(last_used_at)?,
            })
        })
        .transpose()
}

/// Sets a key's last use to `now` unless it was set within the last minute.
pub(crate) fn touch_api_key(
    conn: &Connection,
    key_id: &ApiKeyId,
    now: Timestamp,
) -> Result<(), StoreError> {
    let cutoff = last_used_cutoff(now);
    conn.prepare_cached(
        "UPDATE api_keys SET last_used_at = ?1
         WHERE id = ?2 AND (last_used_at IS NULL OR last_used_at <= ?3)",
    )?
    .execute(params![ts_to_sql(now), key_id.as_str(), cutoff])?;
    Ok(())
}

/// Replaces a key by a new one with the same label, in one transaction.
pub(crate) fn rotate_api_key(
    conn: &mut Connection,
    environment_id: &EnvironmentId,
    key_id: &ApiKeyId,
    now: Timestamp,
) -> Result<Option<NewApiKey>, StoreError> {
    let tx = conn.transaction()?;
    let label: Option<String> = tx
        .prepare_cached("SELECT label FROM api_keys WHERE id = ?1 AND environment_id = ?2")?
        .query_row(params![key_id.as_str(), environment_id.as_str()], |row| {
            row.get(0)
        })
        .optional()?;
    let Some(label) = label else {
        return Ok(None);
    };
    tx.execute("DELETE FROM api_keys WHERE id = ?1", [key_id.as_str()])?;
    let secret = format!("{API_KEY_PREFIX}{}", random_base58(40));
    let id = insert_api_key(&tx, environment_id, &label, &secret, now)?;
    tx.commit()?;
    Ok(Some(NewApiKey { id, secret }))
}

pub(crate) fn list_api_keys(
    conn: &Connection,
    environment_id: &EnvironmentId,
) -> Result<Vec<ApiKey>, StoreError> {
    let raws = conn
        .prepare_cached(
            "SELECT id, environment_id, label, created_at, last_used_at FROM api_keys
             WHERE environment_id = ?1 ORDER BY created_at, id",
        )?
        .query_map([environment_id.as_str()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
                row.get::<_, Option<i64>>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter()
        .map(|(id, env, label, created_at, last_used_at)| {
            Ok(ApiKey {
                id: ApiKeyId::new(id),
                environment_id: EnvironmentId::new(env),
                label,
                created_at: ts_from_sql(created_at)?,
                last_used_at: opt_ts_from_sql(last_used_at)?,
            })
        })
        .collect()
}

pub(crate) fn revoke_api_key(
    conn: &Connection,
    environment_id: &EnvironmentId,
    key_id: &ApiKeyId,
) -> Result<bool, StoreError> {
    let deleted = conn.execute(
        "DELETE FROM api_keys WHERE id = ?1 AND environment_id = ?2",
        params![key_id.as_str(), environment_id.as_str()],
    )?;
    Ok(deleted > 0)
}

pub(crate) fn create_integration(
    conn: &mut Connection,
    key: &SecretKey,
    new: NewIntegration,
    now: Timestamp,
) -> Result<Integration, StoreError> {
    let tx = conn.transaction()?;
    let integration = insert_integration(&tx, key, new, now)?;
    tx.commit()?;
    Ok(integration)
}

/// Inserts an integration inside the caller's transaction.
pub(crate) fn insert_integration(
    tx: &Connection,
    key: &SecretKey,
    new: NewIntegration,
    now: Timestamp,
) -> Result<Integration, StoreError> {
    validate_tool(&new.tool)?;
    let id = IntegrationId::new(format!("{}:{}", new.tool, random_base58(24)));
    let credentials =
        serde_json::to_vec(&new.credentials).map_err(|source| StoreError::Serialize {
            what: "credentials",
            source,
        })?;
    let sealed = key.seal(&credentials, id.as_str().as_bytes())?;
    let settings = settings_to_json(&new.settings)?;
    let end_user = new.end_user.as_ref().map(end_user_to_json).transpose()?;
    require_environment(tx, &new.environment_id)?;
    tx.execute(
        "INSERT INTO integrations
             (id, environment_id, tool, remote_label, credentials, settings, created_at,
              setup_status, end_user)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id.as_str(),
            new.environment_id.as_str(),
            new.tool,
            new.remote_label,
            sealed,
            settings,
            ts_to_sql(now),
            new.setup_status.as_str(),
            end_user,
        ],
    )?;
    let integration = get_integration_tx(tx, &id)?;
    let event = webhooks::integration_created(&integration);
    enqueue_event(tx, &integration.environment_id, &event, now)?;
    Ok(integration)
}

/// Reads an integration back inside a write transaction.
pub(crate) fn get_integration_tx(
    conn: &Connection,
    id: &IntegrationId,
) -> Result<Integration, StoreError> {
    let raw = conn
        .query_row(
            &format!("SELECT {INTEGRATION_COLUMNS} FROM integrations WHERE id = ?1"),
            [id.as_str()],
            integration_from_row,
        )
        .optional()?
        .ok_or_else(|| StoreError::IntegrationNotFound(id.to_string()))?;
    integration_from_raw(raw)
}

fn integration_from_row(row: &Row<'_>) -> rusqlite::Result<RawIntegration> {
    Ok(RawIntegration {
        id: row.get(0)?,
        environment_id: row.get(1)?,
        tool: row.get(2)?,
        remote_label: row.get(3)?,
        settings: row.get(4)?,
        created_at: row.get(5)?,
        enabled: row.get(6)?,
        credentials_valid: row.get(7)?,
        setup_status: row.get(8)?,
        end_user: row.get(9)?,
    })
}

pub(crate) fn get_integration(
    conn: &Connection,
    log: &StatementLog,
    environment_id: Option<&EnvironmentId>,
    integration_id: &IntegrationId,
) -> Result<Option<Integration>, StoreError> {
    let mut params = vec![Param::Text(integration_id.as_str().to_owned())];
    let text = match environment_id {
        Some(env) => {
            params.push(Param::Text(env.as_str().to_owned()));
            format!(
                "SELECT {INTEGRATION_COLUMNS} FROM integrations
                 WHERE id = ?1 AND environment_id = ?2"
            )
        }
        None => format!("SELECT {INTEGRATION_COLUMNS} FROM integrations WHERE id = ?1"),
    };
    log.record(&text, || params.clone());
    let raw = conn
        .prepare_cached(&text)?
        .query_row(
            params_from_iter(sqlite_params(&params)),
            integration_from_row,
        )
        .optional()?;
    raw.map(integration_from_raw).transpose()
}

pub(crate) fn list_integrations(
    conn: &Connection,
    environment_id: Option<&EnvironmentId>,
) -> Result<Vec<Integration>, StoreError> {
    let raws = match environment_id {
        Some(env) => conn
            .prepare_cached(&format!(
                "SELECT {INTEGRATION_COLUMNS} FROM integrations
                 WHERE environment_id = ?1 ORDER BY created_at, id"
            ))?
            .query_map([env.as_str()], integration_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        None => conn
            .prepare_cached(&format!(
                "SELECT {INTEGRATION_COLUMNS} FROM integrations ORDER BY created_at, id"
            ))?
            .query_map([], integration_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    };
    raws.into_iter().map(integration_from_raw).collect()
}

pub(crate) fn remove_integration(
    conn: &mut Connection,
    environment_id: &EnvironmentId,
    integration_id: &IntegrationId,
    now: Timestamp,
) -> Result<bool, StoreError> {
    // Records, tracked applications and runs go with it through ON DELETE CASCADE.
    let tx = conn.transaction()?;
    let Some(integration) = get_integration(
        &tx,
        &StatementLog::default(),
        Some(environment_id),
        integration_id,
    )?
    else {
        return Ok(false);
    };
    tx.execute(
        "DELETE FROM integrations WHERE id = ?1 AND environment_id = ?2",
        params![integration_id.as_str(), environment_id.as_str()],
    )?;
    let event = webhooks::integration_deleted(&integration, now);
    enqueue_event(&tx, environment_id, &event, now)?;
    tx.commit()?;
    Ok(true)
}

pub(crate) fn update_settings(
    conn: &Connection,
    integration_id: &IntegrationId,
    settings: &IntegrationSettings,
) -> Result<(), StoreError> {
    let updated = conn.execute(
        "UPDATE integrations SET settings = ?1 WHERE id = ?2",
        params![settings_to_json(settings)?, integration_id.as_str()],
    )?;
    if updated == 0 {
        return Err(StoreError::IntegrationNotFound(integration_id.to_string()));
    }
    Ok(())
}

pub(crate) fn integration_credentials(
    conn: &Connection,
    key: &SecretKey,
    integration_id: &IntegrationId,
) -> Result<serde_json::Value, StoreError> {
    let sealed: Vec<u8> = conn
        .prepare_cached("SELECT credentials FROM integrations WHERE id = ?1")?
        .query_row([integration_id.as_str()], |row| row.get(0))
        .optional()?
        .ok_or_else(|| StoreError::IntegrationNotFound(integration_id.to_string()))?;
    let plaintext = key.open(&sealed, integration_id.as_str().as_bytes())?;
    serde_json::from_slice(&plaintext).map_err(|_| {
        // The error text of serde could quote part of the credentials; keep it out.
        StoreError::Corrupt(format!(
            "decrypted credentials of integration {integration_id} are not valid JSON"
        ))
    })
}

pub(crate) fn update_credentials(
    conn: &Connection,
    key: &SecretKey,
    integration_id: &IntegrationId,
    credentials: &serde_json::Value,
) -> Result<(), StoreError> {
    let plaintext = serde_json::to_vec(credentials).map_err(|source| StoreError::Serialize {
        what: "credentials",
        source,
    })?;
    let sealed = key.seal(&plaintext, integration_id.as_str().as_bytes())?;
    let updated = conn.execute(
        "UPDATE integrations SET credentials = ?1, credentials_valid = 1 WHERE id = ?2",
        params![sealed, integration_id.as_str()],
    )?;
    if updated == 0 {
        return Err(StoreError::IntegrationNotFound(integration_id.to_string()));
    }
    Ok(())
}

pub(crate) fn set_integration_enabled(
    conn: &mut Connection,
    environment_id: &EnvironmentId,
    integration_id: &IntegrationId,
    enabled: bool,
) -> Result<Option<Integration>, StoreError> {
    let tx = conn.transaction()?;
    let updated = tx.execute(
        "UPDATE integrations SET enabled = ?1 WHERE id = ?2 AND environment_id = ?3",
        params![
            i64::from(enabled),
            integration_id.as_str(),
            environment_id.as_str()
        ],
    )?;
    if updated == 0 {
        return Ok(None);
    }
    if !enabled {
        // Cancels the integration's runs wherever they run: the owner's next heartbeat
        // finds its run closed and stops without deleting anything.
        tx.execute(
            CANCEL_RUNS_OF_DISABLED_SQL,
            params![ts_to_sql(crate::rows::now()), integration_id.as_str()],
        )?;
    }
    let integration = get_integration_tx(&tx, integration_id)?;
    tx.commit()?;
    Ok(Some(integration))
}

/// Closes the queued and running runs of an integration that was just disabled.
const CANCEL_RUNS_OF_DISABLED_SQL: &str = "UPDATE sync_runs
     SET status = 'cancelled', finished_at = ?1, error = 'integration disabled'
     WHERE integration_id = ?2 AND status IN ('queued', 'running')";

pub(crate) fn set_credentials_valid(
    conn: &mut Connection,
    integration_id: &IntegrationId,
    valid: bool,
) -> Result<Option<Integration>, StoreError> {
    let tx = conn.transaction()?;
    let updated = tx.execute(
        "UPDATE integrations SET credentials_valid = ?1 WHERE id = ?2 AND credentials_valid != ?1",
        params![i64::from(valid), integration_id.as_str()],
    )?;
    if updated == 0 {
        return Ok(None);
    }
    let integration = get_integration_tx(&tx, integration_id)?;
    tx.commit()?;
    Ok(Some(integration))
}
