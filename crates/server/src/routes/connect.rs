//! Kombo Connect's API: `POST /connect/create-link`, `GET /connect/integration-by-token/{token}`,
//! `POST /connect/activate-integration` and `POST /integrations/{id}/relink`.
//!
//! A link points at the connect page this server renders itself (`crate::connect_page`).
//! Its token is a bearer secret kept only as a hash; it works once, until it expires.

use atsbridge_schema::Timestamp;
use atsbridge_schema::envelope::SuccessEnvelope;
use atsbridge_store::{EndUser, Integration, NewConnectLink, SetupStatus};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::auth::Caller;
use crate::config::ServerConfig;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::routes::integrations::owned_integration;
use crate::state::AppState;

/// Kombo's `integration_category`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum IntegrationCategory {
    /// Human resources systems (not served by atsbridge).
    Hris,
    /// Applicant tracking systems.
    Ats,
    /// Assessment tools (not served by atsbridge).
    Assessment,
    /// Learning systems (not served by atsbridge).
    Lms,
}

/// Kombo's `link_type`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LinkType {
    /// Opened in the application's own page (iframe or popup); valid for an hour.
    #[default]
    Embedded,
    /// Sent to the customer by e-mail; valid for a year.
    MagicLink,
}

impl LinkType {
    /// Kombo's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkType::Embedded => "EMBEDDED",
            LinkType::MagicLink => "MAGIC_LINK",
        }
    }
}

/// Languages of the connect flow. English and German pages exist; French, Italian and Spanish
/// links are accepted and shown in English.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    #[default]
    En,
    /// German.
    De,
    /// French (shown in English).
    Fr,
    /// Italian (shown in English).
    It,
    /// Spanish (shown in English).
    Es,
}

impl Language {
    /// The code, as links store it.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::De => "de",
            Language::Fr => "fr",
            Language::It => "it",
            Language::Es => "es",
        }
    }
}

impl std::str::FromStr for Language {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [
            Language::En,
            Language::De,
            Language::Fr,
            Language::It,
            Language::Es,
        ]
        .into_iter()
        .find(|language| language.as_str() == text)
        .ok_or_else(|| {
            format!("`{text}` is not a language of the connect flow (en, de, fr, it, es)")
        })
    }
}

/// Body of `POST /connect/create-link`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLinkRequest {
    /// E-mail of the person the link is for.
    pub end_user_email: String,
    /// Their organization.
    pub end_user_organization_name: String,
    /// The application's id for them.
    #[serde(default)]
    pub end_user_origin_id: Option<String>,
    /// A provider environment; atsbridge connectors have one, so only `null` is accepted.
    #[serde(default)]
    pub remote_environment: Option<String>,
    /// Must be `ATS` when given (atsbridge serves ATS integrations only).
    #[serde(default)]
    pub integration_category: Option<IntegrationCategory>,
    /// The one tool the link allows; every ATS connector when left out.
    #[serde(default)]
    pub integration_tool: Option<String>,
    /// Language of the connect page.
    #[serde(default)]
    pub language: Option<Language>,
    /// Accepted and ignored: atsbridge has no scope configs.
    #[serde(default)]
    pub scope_config_id: Option<String>,
    /// HRIS only in Kombo; only `false` is accepted.
    #[serde(default)]
    pub enable_filtering: Option<bool>,
    /// Only `false` is accepted (field mapping happens through the custom-fields API).
    #[serde(default)]
    pub enable_field_mapping: Option<bool>,
    /// `EMBEDDED` (default) or `MAGIC_LINK`.
    #[serde(default)]
    pub link_type: Option<LinkType>,
}

/// `data` of the link-creating endpoints.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LinkResponse {
    /// The connect page's address, with its single-use token.
    pub link: String,
}

use atsbridge_schema::email::is_plausible_email;

fn check_text(name: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::input_invalid(format!(
            "`{name}` must not be empty"
        )));
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(ApiError::input_invalid(format!(
            "`{name}` must have at most {max} characters and no control characters"
        )));
    }
    Ok(())
}

impl CreateLinkRequest {
    fn validate(&self, state: &AppState) -> Result<(), ApiError> {
        if !is_plausible_email(&self.end_user_email) {
            return Err(ApiError::input_invalid(
                "`end_user_email` must be an e-mail address",
            ));
        }
        check_text(
            "end_user_organization_name",
            &self.end_user_organization_name,
            200,
        )?;
        if let Some(origin) = &self.end_user_origin_id {
            check_text("end_user_origin_id", origin, 200)?;
        }
        if matches!(self.integration_category, Some(c) if c != IntegrationCategory::Ats) {
            return Err(ApiError::input_invalid(
                "atsbridge serves ATS integrations only; use `integration_category: ATS`",
            ));
        }
        if let Some(tool) = &self.integration_tool
            && state.registry().get(tool).is_none()
        {
            let known: Vec<&str> = state.registry().slugs().collect();
            return Err(ApiError::input_invalid(format!(
                "`integration_tool` `{tool}` is not available here (available: {})",
                known.join(", ")
            )));
        }
        if self.remote_environment.is_some() {
            return Err(ApiError::input_invalid(
                "`remote_environment` is not supported: atsbridge connectors have one environment",
            ));
        }
        if self.enable_filtering == Some(true) || self.enable_field_mapping == Some(true) {
            return Err(ApiError::input_invalid(
                "`enable_filtering` and `enable_field_mapping` are not supported; map fields \
                 through /integrations/{id}/custom-fields",
            ));
        }
        Ok(())
    }
}

/// When a link made at `now` stops working: relink and `EMBEDDED` links after
/// `connect_link_ttl`, `MAGIC_LINK` links after `magic_link_ttl` (Kombo: an hour and a
/// year). The API, the dashboard and the CLI all use this rule.
pub fn link_expiry(
    config: &ServerConfig,
    link_type: LinkType,
    relink: bool,
    now: Timestamp,
) -> Timestamp {
    let ttl = match link_type {
        LinkType::MagicLink if !relink => config.magic_link_ttl,
        _ => config.connect_link_ttl,
    };
    let ttl = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(1));
    Timestamp::from(now.as_datetime() + ttl)
}

/// The connect page's address for a token.
pub(crate) fn link_url(state: &AppState, token: &str) -> String {
    connect_page_url(state.public_base(), token)
}

/// The connect page's address for a token, below the server's public address.
pub fn connect_page_url(public_url: &str, token: &str) -> String {
    format!("{}/connect/{token}", public_url.trim_end_matches('/'))
}

/// `POST /v1/connect/create-link`.
pub async fn create_link(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateLinkRequest>,
) -> Result<Json<SuccessEnvelope<LinkResponse>>, ApiError> {
    let run = async {
        body.validate(&state)?;
        let link_type = body.link_type.unwrap_or_default();
        let token = state
            .store()
            .create_connect_link(NewConnectLink {
                environment_id: caller.environment_id.clone(),
                relink_integration_id: None,
                tool: body.integration_tool.clone(),
                end_user: EndUser {
                    organization_name: body.end_user_organization_name.trim().to_owned(),
                    creator_email: Some(body.end_user_email.clone()),
                    origin_id: body.end_user_origin_id.clone(),
                },
                language: body.language.unwrap_or_default().as_str().to_owned(),
                link_type: link_type.as_str().to_owned(),
                expires_at: link_expiry(state.config(), link_type, false, state.now()),
            })
            .await?;
        Ok(Json(SuccessEnvelope::new(LinkResponse {
            link: link_url(&state, &token),
        })))
    };
    run.await.map_err(ApiError::for_general_endpoint)
}

/// Body of `POST /integrations/{id}/relink`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelinkRequest {
    /// Language of the connect page.
    #[serde(default)]
    pub language: Option<Language>,
    /// Accepted and ignored: atsbridge has no scope configs.
    #[serde(default)]
    pub scope_config_id: Option<String>,
    /// `EMBEDDED` (default) or `MAGIC_LINK`.
    #[serde(default)]
    pub link_type: Option<LinkType>,
}

/// `POST /v1/integrations/{integration_id}/relink`: a link that replaces the credentials of
/// an existing integration (its records, settings and id stay).
pub async fn relink(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(integration_id): ApiPath<String>,
    ApiJson(body): ApiJson<RelinkRequest>,
) -> Result<Json<SuccessEnvelope<LinkResponse>>, ApiError> {
    let run = async {
        let integration = owned_integration(&state, &caller, &integration_id).await?;
        let token = create_relink_link(&state, &integration, body).await?;
        Ok(Json(SuccessEnvelope::new(LinkResponse {
            link: link_url(&state, &token),
        })))
    };
    run.await.map_err(ApiError::for_general_endpoint)
}

/// Stores a relink link for `integration` and returns its token (also used by the dashboard
/// and the CLI).
pub async fn create_relink_link(
    state: &AppState,
    integration: &Integration,
    body: RelinkRequest,
) -> Result<String, ApiError> {
    let link_type = body.link_type.unwrap_or_default();
    Ok(state
        .store()
        .create_connect_link(NewConnectLink {
            environment_id: integration.environment_id.clone(),
            relink_integration_id: Some(integration.id.clone()),
            tool: Some(integration.tool.clone()),
            end_user: integration.end_user.clone(),
            language: body.language.unwrap_or_default().as_str().to_owned(),
            link_type: link_type.as_str().to_owned(),
            expires_at: link_expiry(state.config(), link_type, true, state.now()),
        })
        .await?)
}

/// `data` of the token exchange endpoints.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConnectedIntegration {
    /// Connector slug.
    pub tool: String,
    /// The integration's id.
    pub id: String,
    /// The application's id for the customer.
    pub end_user_origin_id: Option<String>,
    /// The customer's organization.
    pub end_user_organization_name: String,
    /// Who connected the account.
    pub end_user_email: Option<String>,
    /// How far setup has come.
    pub setup_status: SetupStatus,
}

impl From<Integration> for ConnectedIntegration {
    fn from(integration: Integration) -> Self {
        Self {
            tool: integration.tool,
            id: integration.id.as_str().to_owned(),
            end_user_origin_id: integration.end_user.origin_id,
            end_user_organization_name: integration.end_user.organization_name,
            end_user_email: integration.end_user.creator_email,
            setup_status: integration.setup_status,
        }
    }
}

async fn by_token(
    state: &AppState,
    caller: &Caller,
    token: &str,
) -> Result<Json<SuccessEnvelope<ConnectedIntegration>>, ApiError> {
    if token.len() > 200 {
        return Err(ApiError::input_invalid("unknown or expired token"));
    }
    let integration = state
        .store()
        .integration_by_activation_token(&caller.environment_id, token, state.now())
        .await?
        .ok_or_else(|| {
            ApiError::input_invalid(
                "unknown or expired token; tokens come from a finished connect flow and work \
                 for an hour",
            )
        })?;
    Ok(Json(SuccessEnvelope::new(integration.into())))
}

/// `GET /v1/connect/integration-by-token/{token}`.
pub async fn integration_by_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<SuccessEnvelope<ConnectedIntegration>>, ApiError> {
    by_token(&state, &caller, &token)
        .await
        .map_err(ApiError::for_general_endpoint)
}

/// Body of `POST /connect/activate-integration`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivateRequest {
    /// The token from the connect flow.
    pub token: String,
}

/// `POST /v1/connect/activate-integration` (deprecated in Kombo in favour of
/// `integration-by-token`, and the same here: integrations are active without it).
pub async fn activate_integration(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<ActivateRequest>,
) -> Result<Json<SuccessEnvelope<ConnectedIntegration>>, ApiError> {
    by_token(&state, &caller, &body.token)
        .await
        .map_err(ApiError::for_general_endpoint)
}
