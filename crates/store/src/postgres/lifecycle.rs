//! Connect links, integration fields and custom fields on PostgreSQL.

use atsbridge_schema::Timestamp;
use deadpool_postgres::{GenericClient, Object};
use tokio_postgres::Row;

use super::tenancy::{create_integration, integration_from_row, update_credentials};
use crate::crypto::SecretKey;
use crate::error::StoreError;
use crate::lifecycle::{
    CONNECT_LINK_COLUMNS, CUSTOM_FIELD_SELECT, CompletedConnectLink, ConnectCompletion,
    ConnectLink, FIELD_COLUMNS, NewConnectLink, NewCustomField, NewIntegrationField,
    RawConnectLink, StoredCustomField, StoredIntegrationField, check_mapping, field_from_raw,
    field_type_to_sql, new_activation_token, new_custom_field_id, new_link_token, token_hash,
    unusable_reason, validate_custom_field,
};
use crate::model::{EnvironmentId, Integration, IntegrationId};
use crate::rows::{INTEGRATION_COLUMNS, end_user_to_json, ts_to_sql};

pub(crate) async fn create_connect_link(
    client: &Object,
    link: &NewConnectLink,
    now: Timestamp,
) -> Result<String, StoreError> {
    let token = new_link_token();
    let inserted = client
        .execute(
            "INSERT INTO connect_links
                 (token_sha256, environment_id, relink_integration_id, tool, end_user, language,
                  link_type, created_at, expires_at)
             SELECT $1::bytea, e.id, $3::text, $4::text, $5::text, $6::text, $7::text,
                    $8::bigint, $9::bigint
             FROM environments e WHERE e.id = $2",
            &[
                &token_hash(&token).as_slice(),
                &link.environment_id.as_str(),
                &link
                    .relink_integration_id
                    .as_ref()
                    .map(IntegrationId::as_str),
                &link.tool,
                &end_user_to_json(&link.end_user)?,
                &link.language,
                &link.link_type,
                &ts_to_sql(now),
                &ts_to_sql(link.expires_at),
            ],
        )
        .await?;
    if inserted == 0 {
        return Err(StoreError::EnvironmentNotFound(
            link.environment_id.to_string(),
        ));
    }
    Ok(token)
}

fn link_from_row(row: &Row) -> Result<ConnectLink, StoreError> {
    RawConnectLink {
        environment_id: row.try_get(0)?,
        relink_integration_id: row.try_get(1)?,
        tool: row.try_get(2)?,
        end_user: row.try_get(3)?,
        language: row.try_get(4)?,
        link_type: row.try_get(5)?,
        created_at: row.try_get(6)?,
        expires_at: row.try_get(7)?,
        used_at: row.try_get(8)?,
        integration_id: row.try_get(9)?,
    }
    .into_link()
}

async fn select_link(
    client: &impl GenericClient,
    token: &str,
    lock: bool,
) -> Result<Option<ConnectLink>, StoreError> {
    let lock = if lock { " FOR UPDATE" } else { "" };
    client
        .query_opt(
            &format!(
                "SELECT {CONNECT_LINK_COLUMNS} FROM connect_links WHERE token_sha256 = $1{lock}"
            ),
            &[&token_hash(token).as_slice()],
        )
        .await?
        .as_ref()
        .map(link_from_row)
        .transpose()
}

pub(crate) async fn connect_link(
    client: &Object,
    token: &str,
) -> Result<Option<ConnectLink>, StoreError> {
    select_link(client, token, false).await
}

pub(crate) async fn complete_connect_link(
    client: &mut Object,
    key: &SecretKey,
    token: &str,
    completion: ConnectCompletion,
    now: Timestamp,
    activation_expires_at: Timestamp,
) -> Result<CompletedConnectLink, StoreError> {
    let tx = client.transaction().await?;
    // The row lock makes a second submission of the same link wait, then see it used.
    let link = select_link(&tx, token, true).await?;
    if let Some(reason) = unusable_reason(link.as_ref(), now) {
        return Err(StoreError::ConnectLinkUnusable(reason));
    }
    let link = link.ok_or(StoreError::ConnectLinkUnusable("unknown"))?;
    let integration = match (completion, &link.relink_integration_id) {
        (ConnectCompletion::Create(new), None) => {
            if new.environment_id != link.environment_id {
                return Err(StoreError::InvalidArgument(
                    "the integration must belong to the link's environment".into(),
                ));
            }
            create_integration(&tx, key, new).await?
        }
        (ConnectCompletion::Relink { credentials }, Some(id)) => {
            update_credentials(&tx, key, id, &credentials).await?;
            let row = tx
                .query_one(
                    &format!("SELECT {INTEGRATION_COLUMNS} FROM integrations WHERE id = $1"),
                    &[&id.as_str()],
                )
                .await?;
            integration_from_row(&row)?
        }
        _ => {
            return Err(StoreError::InvalidArgument(
                "a create link creates and a relink link relinks".into(),
            ));
        }
    };
    let activation = new_activation_token();
    tx.execute(
        "UPDATE connect_links
         SET used_at = $1, integration_id = $2, activation_sha256 = $3,
             activation_expires_at = $4
         WHERE token_sha256 = $5",
        &[
            &ts_to_sql(now),
            &integration.id.as_str(),
            &token_hash(&activation).as_slice(),
            &ts_to_sql(activation_expires_at),
            &token_hash(token).as_slice(),
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(CompletedConnectLink {
        integration,
        activation_token: activation,
    })
}

pub(crate) async fn integration_by_activation_token(
    client: &Object,
    environment_id: &EnvironmentId,
    token: &str,
    now: Timestamp,
) -> Result<Option<Integration>, StoreError> {
    client
        .query_opt(
            &format!(
                "SELECT {INTEGRATION_COLUMNS} FROM integrations WHERE id = (
                     SELECT integration_id FROM connect_links
                     WHERE activation_sha256 = $1 AND environment_id = $2
                       AND activation_expires_at > $3)"
            ),
            &[
                &token_hash(token).as_slice(),
                &environment_id.as_str(),
                &ts_to_sql(now),
            ],
        )
        .await?
        .as_ref()
        .map(integration_from_row)
        .transpose()
}

pub(crate) async fn record_integration_fields(
    client: &mut Object,
    integration_id: &IntegrationId,
    fields: &[NewIntegrationField],
    now: Timestamp,
) -> Result<(), StoreError> {
    let tx = client.transaction().await?;
    let upsert = tx
        .prepare_cached(
            "INSERT INTO integration_fields
                 (integration_id, id, model, key, field_type, label, discovered_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (integration_id, id) DO UPDATE SET label = excluded.label
             WHERE integration_fields.label IS DISTINCT FROM excluded.label",
        )
        .await?;
    for field in fields {
        tx.execute(
            &upsert,
            &[
                &integration_id.as_str(),
                &field.id,
                &field.model,
                &field.key,
                &field_type_to_sql(field.field_type),
                &field.label,
                &ts_to_sql(now),
            ],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn field_at(row: &Row, offset: usize) -> Result<Option<StoredIntegrationField>, StoreError> {
    let id: Option<String> = row.try_get(offset)?;
    let Some(id) = id else { return Ok(None) };
    let field_type: String = row.try_get(offset + 3)?;
    field_from_raw(
        id,
        row.try_get(offset + 1)?,
        row.try_get(offset + 2)?,
        &field_type,
        row.try_get(offset + 4)?,
        row.try_get(offset + 5)?,
    )
    .map(Some)
}

fn fields_from(rows: &[Row]) -> Result<Vec<StoredIntegrationField>, StoreError> {
    rows.iter()
        .filter_map(|row| field_at(row, 0).transpose())
        .collect()
}

pub(crate) async fn list_integration_fields(
    client: &Object,
    integration_id: &IntegrationId,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<StoredIntegrationField>, StoreError> {
    let rows = client
        .query(
            &format!(
                "SELECT {FIELD_COLUMNS} FROM integration_fields
                 WHERE integration_id = $1 AND id > $2 ORDER BY id LIMIT $3"
            ),
            &[
                &integration_id.as_str(),
                &after.unwrap_or(""),
                &i64::from(limit),
            ],
        )
        .await?;
    fields_from(&rows)
}

pub(crate) async fn set_integration_field_passthrough(
    client: &Object,
    integration_id: &IntegrationId,
    field_id: &str,
    enabled: bool,
) -> Result<Option<StoredIntegrationField>, StoreError> {
    let rows = client
        .query(
            &format!(
                "UPDATE integration_fields SET passthrough_enabled = $1
                 WHERE integration_id = $2 AND id = $3 RETURNING {FIELD_COLUMNS}"
            ),
            &[&i64::from(enabled), &integration_id.as_str(), &field_id],
        )
        .await?;
    Ok(fields_from(&rows)?.into_iter().next())
}

pub(crate) async fn disabled_integration_fields(
    client: &Object,
    integration_id: &IntegrationId,
) -> Result<Vec<StoredIntegrationField>, StoreError> {
    let rows = client
        .query(
            &format!(
                "SELECT {FIELD_COLUMNS} FROM integration_fields
                 WHERE integration_id = $1 AND passthrough_enabled = 0"
            ),
            &[&integration_id.as_str()],
        )
        .await?;
    fields_from(&rows)
}

fn custom_from(row: &Row) -> Result<StoredCustomField, StoreError> {
    Ok(StoredCustomField {
        id: row.try_get(0)?,
        model: row.try_get(1)?,
        key: row.try_get(2)?,
        label: row.try_get(3)?,
        description: row.try_get(4)?,
        integration_field: field_at(row, 5)?,
    })
}

async fn get_custom_field(
    client: &impl GenericClient,
    integration_id: &IntegrationId,
    id: &str,
) -> Result<Option<StoredCustomField>, StoreError> {
    client
        .query_opt(
            &format!("{CUSTOM_FIELD_SELECT} WHERE c.integration_id = $1 AND c.id = $2"),
            &[&integration_id.as_str(), &id],
        )
        .await?
        .as_ref()
        .map(custom_from)
        .transpose()
}

pub(crate) async fn define_custom_field(
    client: &Object,
    integration_id: &IntegrationId,
    field: &NewCustomField,
    now: Timestamp,
) -> Result<StoredCustomField, StoreError> {
    validate_custom_field(field)?;
    let id = new_custom_field_id();
    let inserted = client
        .execute(
            "INSERT INTO custom_fields
                 (integration_id, id, model, key, label, description, created_at)
             SELECT i.id, $2, $3, $4, $5, $6, $7 FROM integrations i WHERE i.id = $1
             ON CONFLICT DO NOTHING",
            &[
                &integration_id.as_str(),
                &id,
                &field.model,
                &field.key,
                &field.label,
                &field.description,
                &ts_to_sql(now),
            ],
        )
        .await?;
    if inserted == 0 {
        let exists = client
            .query_opt(
                "SELECT 1 FROM integrations WHERE id = $1",
                &[&integration_id.as_str()],
            )
            .await?
            .is_some();
        return Err(if exists {
            StoreError::InvalidArgument(format!(
                "{} already has a custom field `{}`",
                field.model, field.key
            ))
        } else {
            StoreError::IntegrationNotFound(integration_id.to_string())
        });
    }
    get_custom_field(client, integration_id, &id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("a custom field vanished as it was created".into()))
}

pub(crate) async fn list_custom_fields(
    client: &Object,
    integration_id: &IntegrationId,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<StoredCustomField>, StoreError> {
    let rows = client
        .query(
            &format!(
                "{CUSTOM_FIELD_SELECT} WHERE c.integration_id = $1 AND c.id > $2
                 ORDER BY c.id LIMIT $3"
            ),
            &[
                &integration_id.as_str(),
                &after.unwrap_or(""),
                &i64::from(limit),
            ],
        )
        .await?;
    rows.iter().map(custom_from).collect()
}

pub(crate) async fn custom_field_mappings(
    client: &Object,
    integration_id: &IntegrationId,
) -> Result<Vec<StoredCustomField>, StoreError> {
    let rows = client
        .query(
            &format!(
                "{CUSTOM_FIELD_SELECT} WHERE c.integration_id = $1 AND f.id IS NOT NULL
                 ORDER BY c.id"
            ),
            &[&integration_id.as_str()],
        )
        .await?;
    rows.iter().map(custom_from).collect()
}

pub(crate) async fn map_custom_field(
    client: &mut Object,
    integration_id: &IntegrationId,
    custom_field_id: &str,
    integration_field_id: Option<&str>,
) -> Result<Option<StoredCustomField>, StoreError> {
    let tx = client.transaction().await?;
    let Some(custom) = get_custom_field(&tx, integration_id, custom_field_id).await? else {
        return Ok(None);
    };
    if let Some(field_id) = integration_field_id {
        let model: Option<String> = tx
            .query_opt(
                "SELECT model FROM integration_fields WHERE integration_id = $1 AND id = $2",
                &[&integration_id.as_str(), &field_id],
            )
            .await?
            .map(|row| row.try_get(0))
            .transpose()?;
        check_mapping(&custom, field_id, model.as_deref())?;
    }
    tx.execute(
        "UPDATE custom_fields SET integration_field_id = $1 WHERE integration_id = $2 AND id = $3",
        &[
            &integration_field_id,
            &integration_id.as_str(),
            &custom_field_id,
        ],
    )
    .await?;
    let updated = get_custom_field(&tx, integration_id, custom_field_id).await?;
    tx.commit().await?;
    Ok(updated)
}
