//! Bearer API keys and the `X-Integration-Id` header.

use atsbridge_schema::envelope::ErrorCode;
use atsbridge_store::{EnvironmentId, Integration, IntegrationId};
use axum::extract::FromRequestParts;
use http::header::AUTHORIZATION;
use http::request::Parts;

use crate::error::ApiError;
use crate::state::AppState;

/// Header naming the integration a request is for.
pub const INTEGRATION_HEADER: &str = "x-integration-id";

/// A request authenticated by an API key.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The environment the key belongs to.
    pub environment_id: EnvironmentId,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = bearer_token(parts)?;
        match state.store().authenticate_api_key(secret).await? {
            Some(environment_id) => Ok(Caller { environment_id }),
            None => Err(ApiError::authentication_invalid("the API key is not valid")),
        }
    }
}

fn bearer_token(parts: &Parts) -> Result<&str, ApiError> {
    let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
        ApiError::authentication_invalid("missing `Authorization: Bearer <api key>` header")
    })?;
    let value = header
        .to_str()
        .map_err(|_| {
            ApiError::authentication_invalid("the Authorization header is not valid text")
        })?
        .trim();
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(ApiError::authentication_invalid(
            "the Authorization header must be `Bearer <api key>`",
        ));
    }
    Ok(token)
}

/// A request authenticated by an API key for one of its environment's integrations.
#[derive(Debug, Clone)]
pub struct IntegrationScope {
    /// The environment the key belongs to.
    pub environment_id: EnvironmentId,
    /// The integration named by `X-Integration-Id`.
    pub integration: Integration,
}

impl FromRequestParts<AppState> for IntegrationScope {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let raw = parts
            .headers
            .get(INTEGRATION_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                ApiError::input_invalid("missing `X-Integration-Id` header naming the integration")
            })?;
        let integration_id = IntegrationId::new(raw);
        match state
            .store()
            .get_integration(&caller.environment_id, &integration_id)
            .await?
        {
            Some(integration) if !integration.enabled => Err(ApiError::new(
                ErrorCode::IntegrationInactive,
                "the integration is disabled; enable it with PUT /v1/integrations/{id}/enabled",
            )),
            Some(integration) => {
                tracing::Span::current().record("integration_id", raw);
                Ok(IntegrationScope {
                    environment_id: caller.environment_id,
                    integration,
                })
            }
            None => Err(ApiError::integration_not_found(raw)),
        }
    }
}
