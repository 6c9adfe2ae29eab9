//! Connect links, integration fields and custom fields on SQLite.

use atsbridge_schema::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::convert::ts_to_sql;
use super::tenancy::{get_integration_tx, insert_integration, update_credentials};
use crate::crypto::SecretKey;
use crate::error::StoreError;
use crate::lifecycle::{
    CONNECT_LINK_COLUMNS, CUSTOM_FIELD_SELECT, CompletedConnectLink, ConnectCompletion,
    ConnectLink, FIELD_COLUMNS, NewConnectLink, NewCustomField, NewIntegrationField,
    RawConnectLink, StoredCustomField, StoredIntegrationField, field_from_raw, field_type_to_sql,
    new_activation_token, new_custom_field_id, new_link_token, token_hash, unusable_reason,
    validate_custom_field,
};
use crate::model::{EnvironmentId, Integration, IntegrationId};
use crate::rows::end_user_to_json;

pub(crate) fn create_connect_link(
    conn: &Connection,
    link: &NewConnectLink,
    now: Timestamp,
) -> Result<String, StoreError> {
    let token = new_link_token();
    conn.execute(
        "INSERT INTO connect_links
             (token_sha256, environment_id, relink_integration_id, tool, end_user, language,
              link_type, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            token_hash(&token).as_slice(),
            link.environment_id.as_str(),
            link.relink_integration_id
                .as_ref()
                .map(IntegrationId::as_str),
            link.tool,
            end_user_to_json(&link.end_user)?,
            link.language,
            link.link_type,
            ts_to_sql(now),
            ts_to_sql(link.expires_at),
        ],
    )
    .map_err(|error| match error {
        rusqlite::Error::SqliteFailure(e, _)
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            StoreError::EnvironmentNotFound(link.environment_id.to_string())
        }
        other => StoreError::from(other),
    })?;
    Ok(token)
}

fn link_from_row(row: &Row<'_>) -> rusqlite::Result<RawConnectLink> {
    Ok(RawConnectLink {
        environment_id: row.get(0)?,
        relink_integration_id: row.get(1)?,
        tool: row.get(2)?,
        end_user: row.get(3)?,
        language: row.get(4)?,
        link_type: row.get(5)?,
        created_at: row.get(6)?,
        expires_at: row.get(7)?,
        used_at: row.get(8)?,
        integration_id: row.get(9)?,
    })
}

pub(crate) fn connect_link(
    conn: &Connection,
    token: &str,
) -> Result<Option<ConnectLink>, StoreError> {
    conn.query_row(
        &format!("SELECT {CONNECT_LINK_COLUMNS} FROM connect_links WHERE token_sha256 = ?1"),
        [token_hash(token).as_slice()],
        link_from_row,
    )
    .optional()?
    .map(RawConnectLink::into_link)
    .transpose()
}

pub(crate) fn complete_connect_link(
    conn: &mut Connection,
    key: &SecretKey,
    token: &str,
    completion: ConnectCompletion,
    now: Timestamp,
    activation_expires_at: Timestamp,
) -> Result<CompletedConnectLink, StoreError> {
    let tx = conn.transaction()?;
    let link = connect_link(&tx, token)?;
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
            insert_integration(&tx, key, new, now)?
        }
        (ConnectCompletion::Relink { credentials }, Some(id)) => {
            update_credentials(&tx, key, id, &credentials)?;
            get_integration_tx(&tx, id)?
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
         SET used_at = ?1, integration_id = ?2, activation_sha256 = ?3,
             activation_expires_at = ?4
         WHERE token_sha256 = ?5",
        params![
            ts_to_sql(now),
            integration.id.as_str(),
            token_hash(&activation).as_slice(),
            ts_to_sql(activation_expires_at),
            token_hash(token).as_slice(),
        ],
    )?;
    tx.commit()?;
    Ok(CompletedConnectLink {
        integration,
        activation_token: activation,
    })
}

pub(crate) fn integration_by_activation_token(
    conn: &Connection,
    environment_id: &EnvironmentId,
    token: &str,
    now: Timestamp,
) -> Result<Option<Integration>, StoreError> {
    let id: Option<String> = conn
        .query_row(
            "SELECT integration_id FROM connect_links
             WHERE activation_sha256 = ?1 AND environment_id = ?2
               AND activation_expires_at > ?3",
            params![
                token_hash(token).as_slice(),
                environment_id.as_str(),
                ts_to_sql(now)
            ],
            |row| row.get(0),
        )
        .optional()?
        .flatten();
    match id {
        Some(id) => match get_integration_tx(conn, &IntegrationId::new(id)) {
            Ok(integration) => Ok(Some(integration)),
            Err(StoreError::IntegrationNotFound(_)) => Ok(None),
            Err(other) => Err(other),
        },
        None => Ok(None),
    }
}

pub(crate) fn record_integration_fields(
    conn: &mut Connection,
    integration_id: &IntegrationId,
    fields: &[NewIntegrationField],
    now: Timestamp,
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO integration_fields
                 (integration_id, id, model, key, field_type, label, discovered_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (integration_id, id) DO UPDATE SET label = excluded.label
             WHERE label IS NOT excluded.label",
        )?;
        for field in fields {
            upsert.execute(params![
                integration_id.as_str(),
                field.id,
                field.model,
                field.key,
                field_type_to_sql(field.field_type),
                field.label,
                ts_to_sql(now),
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn field_from_row(row: &Row<'_>, offset: usize) -> rusqlite::Result<Option<RawField>> {
    let id: Option<String> = row.get(offset)?;
    let Some(id) = id else { return Ok(None) };
    Ok(Some((
        id,
        row.get(offset + 1)?,
        row.get(offset + 2)?,
        row.get(offset + 3)?,
        row.get(offset + 4)?,
        row.get(offset + 5)?,
    )))
}

type RawField = (String, String, String, String, Option<String>, i64);

fn field_from(raw: RawField) -> Result<StoredIntegrationField, StoreError> {
    let (id, model, key, field_type, label, enabled) = raw;
    field_from_raw(id, model, key, &field_type, label, enabled)
}

pub(crate) fn list_integration_fields(
    conn: &Connection,
    integration_id: &IntegrationId,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<StoredIntegrationField>, StoreError> {
    let raws = conn
        .prepare_cached(&format!(
            "SELECT {FIELD_COLUMNS} FROM integration_fields
             WHERE integration_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3"
        ))?
        .query_map(
            params![integration_id.as_str(), after.unwrap_or(""), limit],
            |row| field_from_row(row, 0),
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().flatten().map(field_from).collect()
}

pub(crate) fn set_integration_field_passthrough(
    conn: &Connection,
    integration_id: &IntegrationId,
    field_id: &str,
    enabled: bool,
) -> Result<Option<StoredIntegrationField>, StoreError> {
    conn.query_row(
        &format!(
            "UPDATE integration_fields SET passthrough_enabled = ?1
             WHERE integration_id = ?2 AND id = ?3 RETURNING {FIELD_COLUMNS}"
        ),
        params![i64::from(enabled), integration_id.as_str(), field_id],
        |row| field_from_row(row, 0),
    )
    .optional()?
    .flatten()
    .map(field_from)
    .transpose()
}

pub(crate) fn disabled_integration_fields(
    conn: &Connection,
    integration_id: &IntegrationId,
) -> Result<Vec<StoredIntegrationField>, StoreError> {
    let raws = conn
        .prepare_cached(&format!(
            "SELECT {FIELD_COLUMNS} FROM integration_fields
             WHERE integration_id = ?1 AND passthrough_enabled = 0"
        ))?
        .query_map([integration_id.as_str()], |row| field_from_row(row, 0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().flatten().map(field_from).collect()
}

type RawCustom = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<RawField>,
);

fn custom_from_row(row: &Row<'_>) -> rusqlite::Result<RawCustom> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        field_from_row(row, 5)?,
    ))
}

fn custom_from(raw: RawCustom) -> Result<StoredCustomField, StoreError> {
    let (id, model, key, label, description, field) = raw;
    Ok(StoredCustomField {
        id,
        model,
        key,
        label,
        description,
        integration_field: field.map(field_from).transpose()?,
    })
}

fn get_custom_field(
    conn: &Connection,
    integration_id: &IntegrationId,
    id: &str,
) -> Result<Option<StoredCustomField>, StoreError> {
    conn.query_row(
        &format!("{CUSTOM_FIELD_SELECT} WHERE c.integration_id = ?1 AND c.id = ?2"),
        params![integration_id.as_str(), id],
        custom_from_row,
    )
    .optional()?
    .map(custom_from)
    .transpose()
}

pub(crate) fn define_custom_field(
    conn: &Connection,
    integration_id: &IntegrationId,
    field: &NewCustomField,
    now: Timestamp,
) -> Result<StoredCustomField, StoreError> {
    validate_custom_field(field)?;
    let id = new_custom_field_id();
    let inserted = conn.execute(
        "INSERT INTO custom_fields
             (integration_id, id, model, key, label, description, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS (SELECT 1 FROM integrations WHERE id = ?1)
         ON CONFLICT DO NOTHING",
        params![
            integration_id.as_str(),
            id,
            field.model,
            field.key,
            field.label,
            field.description,
            ts_to_sql(now),
        ],
    )?;
    if inserted == 0 {
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM integrations WHERE id = ?1)",
            [integration_id.as_str()],
            |row| row.get(0),
        )?;
        return Err(if exists {
            StoreError::InvalidArgument(format!(
                "{} already has a custom field `{}`",
                field.model, field.key
            ))
        } else {
            StoreError::IntegrationNotFound(integration_id.to_string())
        });
    }
    get_custom_field(conn, integration_id, &id)?
        .ok_or_else(|| StoreError::Corrupt("a custom field vanished as it was created".into()))
}

pub(crate) fn list_custom_fields(
    conn: &Connection,
    integration_id: &IntegrationId,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<StoredCustomField>, StoreError> {
    let raws = conn
        .prepare_cached(&format!(
            "{CUSTOM_FIELD_SELECT} WHERE c.integration_id = ?1 AND c.id > ?2
             ORDER BY c.id LIMIT ?3"
        ))?
        .query_map(
            params![integration_id.as_str(), after.unwrap_or(""), limit],
            custom_from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(custom_from).collect()
}

pub(crate) fn custom_field_mappings(
    conn: &Connection,
    integration_id: &IntegrationId,
) -> Result<Vec<StoredCustomField>, StoreError> {
    let raws = conn
        .prepare_cached(&format!(
            "{CUSTOM_FIELD_SELECT} WHERE c.integration_id = ?1 AND f.id IS NOT NULL
             ORDER BY c.id"
        ))?
        .query_map([integration_id.as_str()], custom_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(custom_from).collect()
}

pub(crate) fn map_custom_field(
    conn: &mut Connection,
    integration_id: &IntegrationId,
    custom_field_id: &str,
    integration_field_id: Option<&str>,
) -> Result<Option<StoredCustomField>, StoreError> {
    let tx = conn.transaction()?;
    let Some(custom) = get_custom_field(&tx, integration_id, custom_field_id)? else {
        return Ok(None);
    };
    if let Some(field_id) = integration_field_id {
        let model: Option<String> = tx
            .query_row(
                "SELECT model FROM integration_fields WHERE integration_id = ?1 AND id = ?2",
                params![integration_id.as_str(), field_id],
                |row| row.get(0),
            )
            .optional()?;
        crate::lifecycle::check_mapping(&custom, field_id, model.as_deref())?;
    }
    tx.execute(
        "UPDATE custom_fields SET integration_field_id = ?1 WHERE integration_id = ?2 AND id = ?3",
        params![
            integration_field_id,
            integration_id.as_str(),
            custom_field_id
        ],
    )?;
    let updated = get_custom_field(&tx, integration_id, custom_field_id)?;
    tx.commit()?;
    Ok(updated)
}
