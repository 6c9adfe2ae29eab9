//! General endpoints: `check-api-key`, `force-sync` and passthrough.
//!
//! Their error schema allows only `PLATFORM.*` codes, so every error leaving them goes through
//! [`ApiError::for_general_endpoint`].

use std::collections::BTreeMap;

use atsbridge_connector::{Feature, PassthroughBody, PassthroughCall};
use atsbridge_schema::action::{
    CheckApiKeyResponse, HeaderValue, PassthroughRequest, PassthroughResponse,
};
use atsbridge_schema::envelope::{ActionEnvelope, SuccessEnvelope};
use atsbridge_store::SyncMode;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::auth::{Caller, IntegrationScope};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// The passthrough API name every connector serves (`/passthrough/{tool}/api`).
pub const PASSTHROUGH_API: &str = "api";

/// `GET /v1/check-api-key`.
pub async fn check_api_key(caller: Caller) -> Json<SuccessEnvelope<CheckApiKeyResponse>> {
    let id = caller.environment_id.as_str().to_owned();
    Json(SuccessEnvelope::new(CheckApiKeyResponse {
        environment_id: id.clone(),
        customer_id: id,
    }))
}

/// Kind of sync in `POST /v1/force-sync`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum ForceSyncType {
    /// A full sync (the default).
    #[default]
    Full,
    /// A delta sync.
    Delta,
}

/// Body of `POST /v1/force-sync`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ForceSyncRequest {
    /// The kind of sync; `FULL` when left out or `null`.
    #[serde(default, rename = "type")]
    pub sync_type: Option<ForceSyncType>,
}

/// `data` of the `POST /v1/force-sync` response.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ForceSyncResponse {
    /// A sync was running or queued already; no new one was created.
    pub already_queued: bool,
    /// Id of the new or already queued sync.
    pub sync_id: String,
    /// The kind of sync that will run.
    #[serde(rename = "type")]
    pub sync_type: ForceSyncType,
}

/// `POST /v1/force-sync`.
pub async fn force_sync(
    State(state): State<AppState>,
    scope: IntegrationScope,
    ApiJson(body): ApiJson<ForceSyncRequest>,
) -> Result<Json<SuccessEnvelope<ForceSyncResponse>>, ApiError> {
    let mode = match body.sync_type.unwrap_or_default() {
        ForceSyncType::Full => SyncMode::Full,
        ForceSyncType::Delta => SyncMode::Delta,
    };
    let outcome = state
        .sync()
        .force_sync(&scope.integration, mode)
        .await
        .map_err(|message| {
            ApiError::internal("starting a sync", &message).for_general_endpoint()
        })?;
    let sync_type = match outcome.mode {
        SyncMode::Full => ForceSyncType::Full,
        SyncMode::Delta => ForceSyncType::Delta,
    };
    Ok(Json(SuccessEnvelope::new(ForceSyncResponse {
        already_queued: outcome.already_queued,
        sync_id: outcome.sync_id,
        sync_type,
    })))
}

/// `POST /v1/passthrough/{tool}/{api}`.
pub async fn passthrough(
    State(state): State<AppState>,
    scope: IntegrationScope,
    ApiPath((tool, api)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<PassthroughRequest>,
) -> Result<Json<ActionEnvelope<PassthroughResponse>>, ApiError> {
    run_passthrough(&state, &scope, &tool, &api, body)
        .await
        .map_err(ApiError::for_general_endpoint)
}

async fn run_passthrough(
    state: &AppState,
    scope: &IntegrationScope,
    tool: &str,
    api: &str,
    body: PassthroughRequest,
) -> Result<Json<ActionEnvelope<PassthroughResponse>>, ApiError> {
    let integration = &scope.integration;
    if tool != integration.tool || api != PASSTHROUGH_API {
        return Err(ApiError::not_found(format!(
            "no passthrough API `{tool}/{api}` for this integration; use `{}/{PASSTHROUGH_API}`",
            integration.tool
        )));
    }
    if !state
        .coverage(integration)?
        .supports_feature(Feature::ApiPassthrough)
    {
        return Err(ApiError::input_invalid(format!(
            "the `{}` connector does not offer API passthrough",
            integration.tool
        )));
    }
    if body
        .multipart_form_data
        .as_ref()
        .is_some_and(|fields| !fields.is_empty())
    {
        return Err(ApiError::input_invalid(
            "`multipart_form_data` is not supported by this server's passthrough",
        ));
    }
    let method = http::Method::from_bytes(body.method.as_str().as_bytes())
        .map_err(|_| ApiError::input_invalid("unsupported passthrough method"))?;
    let mut call = PassthroughCall::new(method, body.path);
    call.query = body.params.unwrap_or_default();
    call.headers = body.headers.unwrap_or_default();
    call.response_as_base64 = body.response_as_base64.unwrap_or(false);
    call.body = match body.data {
        None | Some(serde_json::Value::Null) => PassthroughBody::Empty,
        Some(serde_json::Value::String(raw)) => PassthroughBody::Raw(raw),
        Some(json) => PassthroughBody::Json(json),
    };
    let connector = state.connector(integration).await?;
    let ctx = state.connector_context(integration);
    let result = connector.passthrough(&ctx, call).await?;
    let headers: BTreeMap<String, HeaderValue> = result
        .headers
        .into_iter()
        .map(|(name, mut values)| {
            let value = if values.len() == 1 {
                HeaderValue::One(values.remove(0))
            } else {
                HeaderValue::Many(values)
            };
            (name, value)
        })
        .collect();
    let response = PassthroughResponse {
        url: result.url,
        status: i64::from(result.status),
        headers,
        data: result.data,
    };
    Ok(Json(ActionEnvelope::new(response, Vec::new())))
}
