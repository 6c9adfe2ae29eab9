//! Connect links, and the provider fields and custom-field keys of an integration.
//!
//! A connect link is a bearer secret handed to an application's customer: only its SHA-256
//! is stored, like an API key's. Completing a link creates (or, for a relink, updates) the
//! integration and marks the link used in one transaction, so a link works exactly once.

use std::fmt;

use atsbridge_schema::Timestamp;
use atsbridge_schema::enums::IntegrationFieldType;
use serde::{Deserialize, Serialize};

use crate::model::{EndUser, EnvironmentId, IntegrationId, NewIntegration};

/// Prefix of connect-link tokens (recognizable in a URL, never a secret by itself).
pub const CONNECT_LINK_PREFIX: &str = "cl_";
/// Prefix of the activation tokens a finished connect flow hands to the application.
pub const ACTIVATION_TOKEN_PREFIX: &str = "act_";

/// What [`Store::create_connect_link`](crate::Store::create_connect_link) needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConnectLink {
    /// The environment whose API key asked for the link.
    pub environment_id: EnvironmentId,
    /// For a relink: the integration whose credentials the link replaces.
    pub relink_integration_id: Option<IntegrationId>,
    /// The one connector the link allows; `None` allows every ATS connector.
    pub tool: Option<String>,
    /// Who the link is for.
    pub end_user: EndUser,
    /// Language of the connect page (`en`, `de`, ...).
    pub language: String,
    /// Kombo's `link_type` (`EMBEDDED` or `MAGIC_LINK`).
    pub link_type: String,
    /// When the link stops working.
    pub expires_at: Timestamp,
}

/// A stored connect link (its token is never kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectLink {
    /// The environment the link belongs to.
    pub environment_id: EnvironmentId,
    /// For a relink: the integration whose credentials the link replaces.
    pub relink_integration_id: Option<IntegrationId>,
    /// The one connector the link allows; `None` allows every ATS connector.
    pub tool: Option<String>,
    /// Who the link is for.
    pub end_user: EndUser,
    /// Language of the connect page.
    pub language: String,
    /// Kombo's `link_type`.
    pub link_type: String,
    /// When the link was created.
    pub created_at: Timestamp,
    /// When the link stops working.
    pub expires_at: Timestamp,
    /// When the link was used, if it was.
    pub used_at: Option<Timestamp>,
    /// The integration the link created or relinked, once used.
    pub integration_id: Option<IntegrationId>,
}

impl ConnectLink {
    /// Whether the link can still be completed at `now`.
    pub fn is_usable(&self, now: Timestamp) -> bool {
        self.used_at.is_none() && now < self.expires_at
    }
}

/// What completing a connect link does.
#[derive(Clone)]
pub enum ConnectCompletion {
    /// Creates this integration (a link from `create-link`).
    Create(NewIntegration),
    /// Replaces the credentials of the link's integration (a link from `relink`).
    Relink {
        /// The checked credentials.
        credentials: serde_json::Value,
    },
}

impl fmt::Debug for ConnectCompletion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectCompletion::Create(new) => f.debug_tuple("Create").field(new).finish(),
            ConnectCompletion::Relink { .. } => f
                .debug_struct("Relink")
                .field("credentials", &"<redacted>")
                .finish(),
        }
    }
}

/// The result of completing a connect link: the integration and the short-lived activation
/// token the application exchanges for it (returned once, never stored).
#[derive(Clone)]
pub struct CompletedConnectLink {
    /// The created or relinked integration.
    pub integration: crate::model::Integration,
    /// The activation token (see [`ACTIVATION_TOKEN_PREFIX`]).
    pub activation_token: String,
}

impl fmt::Debug for CompletedConnectLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompletedConnectLink")
            .field("integration", &self.integration.id)
            .field("activation_token", &"<redacted>")
            .finish()
    }
}

/// A provider field seen on an integration's records, as the sync engine reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIntegrationField {
    /// The served id (minted by the engine from model, type and key).
    pub id: String,
    /// Kombo's model name (`ats_jobs`, `ats_candidates`, `ats_applications`).
    pub model: String,
    /// The field's key at the provider.
    pub key: String,
    /// Built-in or user-defined.
    pub field_type: IntegrationFieldType,
    /// The provider's label, if it has one.
    pub label: Option<String>,
}

/// A provider field of an integration, with its passthrough switch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredIntegrationField {
    /// The served id.
    pub id: String,
    /// Kombo's model name.
    pub model: String,
    /// The field's key at the provider.
    pub key: String,
    /// Built-in or user-defined.
    pub field_type: IntegrationFieldType,
    /// The provider's label.
    pub label: Option<String>,
    /// Whether records list the field in `integration_fields`.
    pub passthrough_enabled: bool,
}

/// What [`Store::define_custom_field`](crate::Store::define_custom_field) needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCustomField {
    /// Kombo's model name the key belongs to.
    pub model: String,
    /// The key as it appears in the model's `custom_fields`.
    pub key: String,
    /// Human-readable label.
    pub label: Option<String>,
    /// What the key is for.
    pub description: Option<String>,
}

/// A unified `custom_fields` key of an integration, with the provider field it maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCustomField {
    /// The custom field's id.
    pub id: String,
    /// Kombo's model name.
    pub model: String,
    /// The key in `custom_fields`.
    pub key: String,
    /// Human-readable label.
    pub label: Option<String>,
    /// What the key is for.
    pub description: Option<String>,
    /// The provider field whose value the key carries, if mapped.
    pub integration_field: Option<StoredIntegrationField>,
}

/// A fresh connect-link token.
pub(crate) fn new_link_token() -> String {
    format!("{CONNECT_LINK_PREFIX}{}", crate::crypto::random_base58(40))
}

/// A fresh activation token.
pub(crate) fn new_activation_token() -> String {
    format!(
        "{ACTIVATION_TOKEN_PREFIX}{}",
        crate::crypto::random_base58(40)
    )
}

/// The stored form of a link or activation token.
pub(crate) fn token_hash(token: &str) -> [u8; 32] {
    crate::crypto::hash_api_key_secret(token)
}

/// A fresh custom-field id.
pub(crate) fn new_custom_field_id() -> String {
    crate::crypto::random_base58(24)
}

/// Parses a stored field type.
pub(crate) fn field_type_from_sql(value: &str) -> Result<IntegrationFieldType, crate::StoreError> {
    match value {
        "DEFAULT" => Ok(IntegrationFieldType::Default),
        "CUSTOM" => Ok(IntegrationFieldType::Custom),
        other => Err(crate::StoreError::Corrupt(format!(
            "unknown integration field type `{other}`"
        ))),
    }
}

/// The stored spelling of a field type.
pub(crate) fn field_type_to_sql(value: IntegrationFieldType) -> &'static str {
    match value {
        IntegrationFieldType::Default => "DEFAULT",
        IntegrationFieldType::Custom => "CUSTOM",
    }
}

/// Checks the text inputs of a custom field.
pub(crate) fn validate_custom_field(field: &NewCustomField) -> Result<(), crate::StoreError> {
    let bad = |what: &str| Err(crate::StoreError::InvalidArgument(what.to_owned()));
    if field.key.trim().is_empty() || field.key.len() > 200 {
        return bad("a custom field key must have 1 to 200 characters");
    }
    if field.key.chars().any(char::is_control) {
        return bad("a custom field key must not contain control characters");
    }
    if !matches!(
        field.model.as_str(),
        "ats_jobs" | "ats_candidates" | "ats_applications"
    ) {
        return bad("custom fields exist on ats_jobs, ats_candidates and ats_applications");
    }
    Ok(())
}

/// Raw columns of a connect link, in the order of [`CONNECT_LINK_COLUMNS`].
pub(crate) struct RawConnectLink {
    pub(crate) environment_id: String,
    pub(crate) relink_integration_id: Option<String>,
    pub(crate) tool: Option<String>,
    pub(crate) end_user: String,
    pub(crate) language: String,
    pub(crate) link_type: String,
    pub(crate) created_at: i64,
    pub(crate) expires_at: i64,
    pub(crate) used_at: Option<i64>,
    pub(crate) integration_id: Option<String>,
}

/// The columns read into [`RawConnectLink`].
pub(crate) const CONNECT_LINK_COLUMNS: &str = "environment_id, relink_integration_id, tool, \
     end_user, language, link_type, created_at, expires_at, used_at, integration_id";

impl RawConnectLink {
    pub(crate) fn into_link(self) -> Result<ConnectLink, crate::StoreError> {
        use crate::rows::{opt_ts_from_sql, ts_from_sql};
        let end_user = serde_json::from_str(&self.end_user)
            .map_err(|e| crate::StoreError::Corrupt(format!("connect link end user: {e}")))?;
        Ok(ConnectLink {
            environment_id: EnvironmentId::new(self.environment_id),
            relink_integration_id: self.relink_integration_id.map(IntegrationId::new),
            tool: self.tool,
            end_user,
            language: self.language,
            link_type: self.link_type,
            created_at: ts_from_sql(self.created_at)?,
            expires_at: ts_from_sql(self.expires_at)?,
            used_at: opt_ts_from_sql(self.used_at)?,
            integration_id: self.integration_id.map(IntegrationId::new),
        })
    }
}

/// Why a link cannot be completed at `now`, if it cannot.
pub(crate) fn unusable_reason(link: Option<&ConnectLink>, now: Timestamp) -> Option<&'static str> {
    match link {
        None => Some("unknown"),
        Some(link) if link.used_at.is_some() => Some("already used"),
        Some(link) if now >= link.expires_at => Some("expired"),
        Some(_) => None,
    }
}

/// The columns of an integration field, in the order [`field_from_raw`] reads them.
pub(crate) const FIELD_COLUMNS: &str = "id, model, key, field_type, label, passthrough_enabled";

/// Builds a field from its raw columns.
pub(crate) fn field_from_raw(
    id: String,
    model: String,
    key: String,
    field_type: &str,
    label: Option<String>,
    passthrough_enabled: i64,
) -> Result<StoredIntegrationField, crate::StoreError> {
    Ok(StoredIntegrationField {
        id,
        model,
        key,
        field_type: field_type_from_sql(field_type)?,
        label,
        passthrough_enabled: passthrough_enabled != 0,
    })
}

/// The columns of a custom field joined with its mapped field (`f.*` may be NULL).
pub(crate) const CUSTOM_FIELD_SELECT: &str = "SELECT c.id, c.model, c.key, c.label, c.description,
        f.id, f.model, f.key, f.field_type, f.label, f.passthrough_enabled
     FROM custom_fields c
     LEFT JOIN integration_fields f
       ON f.integration_id = c.integration_id AND f.id = c.integration_field_id";

/// Checks that a custom field may be mapped to the field `field_id`, whose model is `model`
/// (`None` when the integration has no such field).
pub(crate) fn check_mapping(
    custom: &StoredCustomField,
    field_id: &str,
    model: Option<&str>,
) -> Result<(), crate::StoreError> {
    match model {
        None => Err(crate::StoreError::InvalidArgument(format!(
            "the integration has no field `{field_id}`"
        ))),
        Some(model) if model != custom.model => Err(crate::StoreError::InvalidArgument(format!(
            "field `{field_id}` belongs to {model}, the custom field to {}",
            custom.model
        ))),
        Some(_) => Ok(()),
    }
}
