//! Environments, API keys and integrations.

use deadpool_postgres::{GenericClient, Object};

use crate::crypto::{SecretKey, hash_api_key_secret, random_base58};
use crate::error::StoreError;
use crate::explain::StatementLog;
use crate::model::{
    ApiKey, ApiKeyId, Environment, EnvironmentId, Integration, IntegrationId, IntegrationSettings,
    NewApiKey, NewIntegration,
};
use crate::rows::{
    API_KEY_PREFIX, AuthenticatedKey, INTEGRATION_COLUMNS, RawIntegration, credentials_bytes,
    credentials_from_plaintext, end_user_to_json, environment_from_raw, integration_from_raw,
    last_used_cutoff, now, opt_ts_from_sql, settings_to_json, ts_from_sql, ts_to_sql,
    validate_environment_name, validate_imported_secret, validate_tool,
};
use crate::sql::Param;

use super::PgParams;
use super::webhooks::enqueue_event;
use crate::webhooks;
use atsbridge_schema::Timestamp;

pub(crate) async fn create_environment(
    client: &Object,
    name: &str,
) -> Result<Environment, StoreError> {
    validate_environment_name(name)?;
    let environment = Environment {
        id: EnvironmentId::new(random_base58(24)),
        name: name.to_owned(),
        created_at: now(),
    };
    client
        .execute(
            "INSERT INTO environments (id, name, created_at) VALUES ($1, $2, $3)",
            &[
                &environment.id.as_str(),
                &environment.name,
                &ts_to_sql(environment.created_at),
            ],
        )
        .await?;
    Ok(environment)
}

fn environment_from_row(row: &tokio_postgres::Row) -> Result<Environment, StoreError> {
    environment_from_raw((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?))
}

pub(crate) async fn get_environment(
    client: &Object,
    id: &EnvironmentId,
) -> Result<Option<Environment>, StoreError> {
    let statement = client
        .prepare_cached("SELECT id, name, created_at FROM environments WHERE id = $1")
        .await?;
    client
        .query_opt(&statement, &[&id.as_str()])
        .await?
        .as_ref()
        .map(environment_from_row)
        .transpose()
}

pub(crate) async fn list_environments(client: &Object) -> Result<Vec<Environment>, StoreError> {
    client
        .query(
            "SELECT id, name, created_at FROM environments ORDER BY created_at, id",
            &[],
        )
        .await?
        .iter()
        .map(environment_from_row)
        .collect()
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

async fn insert_api_key(
    client: &impl GenericClient,
    environment_id: &EnvironmentId,
    label: &str,
    secret: &str,
) -> Result<ApiKeyId, StoreError> {
    let id = ApiKeyId::new(random_base58(24));
    client
        .execute(
            "INSERT INTO api_keys (id, environment_id, label, secret_sha256, created_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &id.as_str(),
                &environment_id.as_str(),
                &label,
                &hash_api_key_secret(secret).as_slice(),
                &ts_to_sql(now()),
            ],
        )
        .await?;
    Ok(id)
}

pub(crate) async fn create_api_key(
    client: &mut Object,
    environment_id: &EnvironmentId,
    label: &str,
) -> Result<NewApiKey, StoreError> {
    let tx = client.transaction().await?;
    require_environment(&tx, environment_id).await?;
    let secret = format!("{API_KEY_PREFIX}{}", random_base58(40));
    let id = insert_api_key(&tx, environment_id, label, &secret).await?;
    tx.commit().await?;
    Ok(NewApiKey { id, secret })
}

pub(crate) async fn import_api_key(
    client: &mut Object,
    environment_id: &EnvironmentId,
    label: &str,
    secret: &str,
) -> Result<ApiKeyId, StoreError> {
    validate_imported_secret(secret)?;
    let hash = hash_api_key_secret(secret);
    // Two imports of one secret at once: the loser's insert violates the unique hash and
    // it tries again, then finding the winner's row.
    for _ in 0..2 {
        let tx = client.transaction().await?;
        require_environment(&tx, environment_id).await?;
        let existing = tx
            .query_opt(
                "SELECT id, environment_id FROM api_keys WHERE secret_sha256 = $1",
                &[&hash.as_slice()],
            )
            .await?;
        let id = match existing {
            Some(row) => {
                let (id, owner): (String, String) = (row.try_get(0)?, row.try_get(1)?);
                if owner != environment_id.as_str() {
                    return Err(StoreError::ApiKeyTaken);
                }
                ApiKeyId::new(id)
            }
            None => match insert_api_key(&tx, environment_id, label, secret).await {
                Ok(id) => id,
                Err(StoreError::Postgres(error))
                    if error.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) =>
                {
                    continue;
                }
                Err(error) => return Err(error),
            },
        };
        tx.commit().await?;
        return Ok(id);
    }
    Err(StoreError::ApiKeyTaken)
}

/// The key a bearer secret belongs to: its environment, id and last use.
pub(crate) async fn authenticate_api_key(
    client: &Object,
    log: &StatementLog,
    secret: &str,
) -> Result<Option<AuthenticatedKey>, StoreError> {
    // Lookup by SHA-256: the secret itself is never compared, so timing reveals nothing
    // useful about it.
    const AUTHENTICATE: &str =
        "SELECT environment_id, id, last_used_at FROM api_keys WHERE secret_sha256 = $1";
    let hash = hash_api_key_secret(secret);
    log.record(AUTHENTICATE, || vec![Param::Bytes(hash.to_vec())]);
    let statement = client.prepare_cached(AUTHENTICATE).await?;
    client
        .query_opt(&statement, &[&hash.as_slice()])
        .await?
        .map(|row| {
            Ok(AuthenticatedKey {
                environment_id: EnvironmentId::new(row.try_get::<_, String>(0)?),
                key_id: ApiKeyId::new(row.try_get::<_, String>(1)?),
                last_used_at: opt_ts_from_sql(row.try_get(2)?)?,
            })
        })
        .transpose()
}

/// Sets a key's last use to `now` unless it was set within the last minute.
pub(crate) async fn touch_api_key(
    client: &Object,
    key_id: &ApiKeyId,
    now: Timestamp,
) -> Result<(), StoreError> {
    client
        .execute(
            "UPDATE api_keys SET last_used_at = $1
             WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)",
            &[&ts_to_sql(now), &key_id.as_str(), &last_used_cutoff(now)],
        )
        .await?;
    Ok(())
}

/// Replaces a key by a new one with the same label, in one transaction.
pub(crate) async fn rotate_api_key(
    client: &mut Object,
    environment_id: &EnvironmentId,
    key_id: &ApiKeyId,
) -> Result<Option<NewApiKey>, StoreError> {
    let tx = client.transaction().await?;
    let deleted = tx
        .query_opt(
            "DELETE FROM api_keys WHERE id = $1 AND environment_id = $2 RETURNING label",
            &[&key_id.as_str(), &environment_id.as_str()],
        )
        .await?;
    let Some(row) = deleted else {
        return Ok(None);
    };
    let label: String = row.try_get(0)?;
    let secret = format!("{API_KEY_PREFIX}{}", random_base58(40));
    let id = insert_api_key(&tx, environment_id, &label, &secret).await?;
    tx.commit().await?;
    Ok(Some(NewApiKey { id, secret }))
}

pub(crate) async fn list_api_keys(
    client: &Object,
    environment_id: &EnvironmentId,
) -> Result<Vec<ApiKey>, StoreError> {
    client
        .query(
            "SELECT id, environment_id, label, created_at, last_used_at FROM api_keys
             WHERE environment_id = $1 ORDER BY created_at, id",
            &[&environment_id.as_str()],
        )
        .await?
        .iter()
        .map(|row| {
            Ok(ApiKey {
                id: ApiKeyId::new(row.try_get::<_, String>(0)?),
                environment_id: EnvironmentId::new(row.try_get::<_, String>(1)?),
                label: row.try_get(2)?,
                created_at: ts_from_sql(row.try_get(3)?)?,
                last_used_at: opt_ts_from_sql(row.try_get(4)?)?,
            })
        })
        .collect()
}

pub(crate) async fn revoke_api_key(
    client: &Object,
    environment_id: &EnvironmentId,
    key_id: &ApiKeyId,
) -> Result<bool, StoreError> {
    let deleted = client
        .execute(
            "DELETE FROM api_keys WHERE id = $1 AND environment_id = $2",
            &[&key_id.as_str(), &environment_id.as_str()],
        )
        .await?;
    Ok(deleted > 0)
}

/// Inserts an integration and writes its `integration-created` event; call it inside a
/// transaction so both commit together.
pub(crate) async fn create_integration(
    client: &impl GenericClient,
    key: &SecretKey,
    new: NewIntegration,
) -> Result<Integration, StoreError> {
    validate_tool(&new.tool)?;
    let id = IntegrationId::new(format!("{}:{}", new.tool, random_base58(24)));
    let sealed = key.seal(
        &credentials_bytes(&new.credentials)?,
        id.as_str().as_bytes(),
    )?;
    let settings = settings_to_json(&new.settings)?;
    let end_user = new.end_user.as_ref().map(end_user_to_json).transpose()?;
    let created_at = now();
    // One statement: the environment check and the insert are atomic.
    let row = client
        .query_opt(
            &format!(
                "INSERT INTO integrations
                     (id, environment_id, tool, remote_label, credentials, settings, created_at,
                      setup_status, end_user)
                 SELECT $1::text, e.id, $3::text, $4::text, $5::bytea, $6::text, $7::bigint,
                        $8::text, $9::text
                 FROM environments e WHERE e.id = $2
                 RETURNING {INTEGRATION_COLUMNS}"
            ),
            &[
                &id.as_str(),
                &new.environment_id.as_str(),
                &new.tool,
                &new.remote_label,
                &sealed,
                &settings,
                &ts_to_sql(created_at),
                &new.setup_status.as_str(),
                &end_user,
            ],
        )
        .await?;
    let Some(row) = row else {
        return Err(StoreError::EnvironmentNotFound(
            new.environment_id.to_string(),
        ));
    };
    let integration = integration_from_row(&row)?;
    let event = webhooks::integration_created(&integration);
    enqueue_event(client, &integration.environment_id, &event, created_at).await?;
    Ok(integration)
}

pub(crate) fn integration_from_row(row: &tokio_postgres::Row) -> Result<Integration, StoreError> {
    integration_from_raw(RawIntegration {
        id: row.try_get(0)?,
        environment_id: row.try_get(1)?,
        tool: row.try_get(2)?,
        remote_label: row.try_get(3)?,
        settings: row.try_get(4)?,
        created_at: row.try_get(5)?,
        enabled: row.try_get(6)?,
        credentials_valid: row.try_get(7)?,
        setup_status: row.try_get(8)?,
        end_user: row.try_get(9)?,
    })
}

pub(crate) async fn get_integration(
    client: &Object,
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
                 WHERE id = $1 AND environment_id = $2"
            )
        }
        None => format!("SELECT {INTEGRATION_COLUMNS} FROM integrations WHERE id = $1"),
    };
    log.record(&text, || params.clone());
    let statement = client.prepare_cached(&text).await?;
    let values = PgParams::new(&params);
    client
        .query_opt(&statement, &values.refs())
        .await?
        .as_ref()
        .map(integration_from_row)
        .transpose()
}

pub(crate) async fn list_integrations(
    client: &Object,
    environment_id: Option<&EnvironmentId>,
) -> Result<Vec<Integration>, StoreError> {
    let rows = match environment_id {
        Some(env) => {
            client
                .query(
                    &format!(
                        "SELECT {INTEGRATION_COLUMNS} FROM integrations
                         WHERE environment_id = $1 ORDER BY created_at, id"
                    ),
                    &[&env.as_str()],
                )
                .await?
        }
        None => {
            client
                .query(
                    &format!(
                        "SELECT {INTEGRATION_COLUMNS} FROM integrations ORDER BY created_at, id"
                    ),
                    &[],
                )
                .await?
        }
    };
    rows.iter().map(integration_from_row).collect()
}

pub(crate) async fn remove_integration(
    client: &mut Object,
    environment_id: &EnvironmentId,
    integration_id: &IntegrationId,
) -> Result<bool, StoreError> {
    // Records, their keys, tracked applications and runs go with it (ON DELETE CASCADE).
    let tx = client.transaction().await?;
    let deleted = tx
        .query_opt(
            &format!(
                "DELETE FROM integrations WHERE id = $1 AND environment_id = $2
                 RETURNING {INTEGRATION_COLUMNS}"
            ),
            &[&integration_id.as_str(), &environment_id.as_str()],
        )
        .await?;
    let Some(row) = deleted else {
        return Ok(false);
    };
    let integration = integration_from_row(&row)?;
    let at = now();
    let event = webhooks::integration_deleted(&integration, at);
    enqueue_event(&tx, environment_id, &event, at).await?;
    tx.commit().await?;
    Ok(true)
}

pub(crate) async fn update_settings(
    client: &Object,
    integration_id: &IntegrationId,
    settings: &IntegrationSettings,
) -> Result<(), StoreError> {
    let updated = client
        .execute(
            "UPDATE integrations SET settings = $1 WHERE id = $2",
            &[&settings_to_json(settings)?, &integration_id.as_str()],
        )
        .await?;
    if updated == 0 {
        return Err(StoreError::IntegrationNotFound(integration_id.to_string()));
    }
    Ok(())
}

pub(crate) async fn integration_credentials(
    client: &Object,
    key: &SecretKey,
    integration_id: &IntegrationId,
) -> Result<serde_json::Value, StoreError> {
    let row = client
        .query_opt(
            "SELECT credentials FROM integrations WHERE id = $1",
            &[&integration_id.as_str()],
        )
        .await?
        .ok_or_else(|| StoreError::IntegrationNotFound(integration_id.to_string()))?;
    let sealed: Vec<u8> = row.try_get(0)?;
    let plaintext = key.open(&sealed, integration_id.as_str().as_bytes())?;
    credentials_from_plaintext(integration_id, &plaintext)
}

pub(crate) async fn update_credentials(
    client: &impl GenericClient,
    key: &SecretKey,
    integration_id: &IntegrationId,
    credentials: &serde_json::Value,
) -> Result<(), StoreError> {
    let sealed = key.seal(
        &credentials_bytes(credentials)?,
        integration_id.as_str().as_bytes(),
    )?;
    let updated = client
        .execute(
            "UPDATE integrations SET credentials = $1, credentials_valid = 1 WHERE id = $2",
            &[&sealed, &integration_id.as_str()],
        )
        .await?;
    if updated == 0 {
        return Err(StoreError::IntegrationNotFound(integration_id.to_string()));
    }
    Ok(())
}

pub(crate) async fn set_integration_enabled(
    client: &mut Object,
    environment_id: &EnvironmentId,
    integration_id: &IntegrationId,
    enabled: bool,
) -> Result<Option<Integration>, StoreError> {
    let tx = client.transaction().await?;
    let row = tx
        .query_opt(
            &format!(
                "UPDATE integrations SET enabled = $1 WHERE id = $2 AND environment_id = $3
                 RETURNING {INTEGRATION_COLUMNS}"
            ),
            &[
                &i64::from(enabled),
                &integration_id.as_str(),
                &environment_id.as_str(),
            ],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if !enabled {
        // Cancels the integration's runs wherever they run: the owner's next heartbeat
        // finds its run closed and stops without deleting anything.
        tx.execute(
            "UPDATE sync_runs
             SET status = 'cancelled', finished_at = $1, error = 'integration disabled'
             WHERE integration_id = $2 AND status IN ('queued', 'running')",
            &[&ts_to_sql(now()), &integration_id.as_str()],
        )
        .await?;
    }
    let integration = integration_from_row(&row)?;
    tx.commit().await?;
    Ok(Some(integration))
}

pub(crate) async fn set_credentials_valid(
    client: &Object,
    integration_id: &IntegrationId,
    valid: bool,
) -> Result<Option<Integration>, StoreError> {
    let row = client
        .query_opt(
            &format!(
                "UPDATE integrations SET credentials_valid = $1
                 WHERE id = $2 AND credentials_valid != $1
                 RETURNING {INTEGRATION_COLUMNS}"
            ),
            &[&i64::from(valid), &integration_id.as_str()],
        )
        .await?;
    row.as_ref().map(integration_from_row).transpose()
}
