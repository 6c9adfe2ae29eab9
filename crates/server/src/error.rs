//! The API error type, rendered as Kombo's error envelope.

use atsbridge_connector::ConnectorError;
use atsbridge_schema::envelope::{ErrorCode, ErrorEnvelope};
use atsbridge_store::StoreError;
use axum::Json;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// An error answered as `{"status":"error","error":{code,title,message,log_url}}`.
///
/// The code always comes from Kombo's closed list ([`ErrorCode`]); the HTTP status follows the
/// code unless a more precise one is known (e.g. 413 for an oversized body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The Kombo error code.
    pub code: ErrorCode,
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, for people; never contains secrets.
    pub message: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.code.as_str(),
            self.status.as_u16(),
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// An error with `code` and the code's usual HTTP status.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let status =
            StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self {
            code,
            status,
            message: message.into(),
        }
    }

    /// Replaces the HTTP status.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// `PLATFORM.INPUT_INVALID` (400).
    pub fn input_invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::PlatformInputInvalid, message)
    }

    /// A referenced object does not exist: `PLATFORM.INPUT_INVALID` with status 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::input_invalid(message).with_status(StatusCode::NOT_FOUND)
    }

    /// The body exceeded the configured limit: `PLATFORM.INPUT_INVALID` with status 413.
    pub fn payload_too_large() -> Self {
        Self::input_invalid("the request body is larger than this server accepts")
            .with_status(StatusCode::PAYLOAD_TOO_LARGE)
    }

    /// Missing or unknown API key: `PLATFORM.AUTHENTICATION_INVALID` (401).
    pub fn authentication_invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::PlatformAuthenticationInvalid, message)
    }

    /// Unknown integration (or one of another environment): `PLATFORM.INTEGRATION_NOT_FOUND`.
    pub fn integration_not_found(integration_id: &str) -> Self {
        Self::new(
            ErrorCode::PlatformIntegrationNotFound,
            format!(
                "no integration with id `{integration_id}` exists for this API key's environment"
            ),
        )
    }

    /// Reads before the first finished sync: `INTEGRATION.SETUP_SYNC_PENDING` (409).
    pub fn setup_sync_pending() -> Self {
        Self::new(
            ErrorCode::IntegrationSetupSyncPending,
            "the integration's first sync has not finished yet; retry once it has",
        )
    }

    /// Any failure that is ours: `PLATFORM.UNKNOWN_ERROR` (500). Details go to the log only.
    pub fn internal(context: &str, error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "{context}");
        Self::new(
            ErrorCode::PlatformUnknownError,
            format!("internal error while {context}"),
        )
    }

    /// Keeps general endpoints (`/check-api-key`, `/force-sync`, `/passthrough`) to the
    /// `PLATFORM.*` codes their error schema allows.
    #[must_use]
    pub fn for_general_endpoint(self) -> Self {
        if self.code.is_general() {
            return self;
        }
        let code = match self.code {
            ErrorCode::IntegrationSetupSyncPending
            | ErrorCode::IntegrationSetupIncomplete
            | ErrorCode::IntegrationQaFailed
            | ErrorCode::IntegrationInactive
            | ErrorCode::IntegrationModelNotAvailable
            | ErrorCode::IntegrationModelDisabled
            | ErrorCode::IntegrationActionNotAvailable
            | ErrorCode::IntegrationActionDisabled
            | ErrorCode::RemoteInputInvalid
            | ErrorCode::AtsJobClosed
            | ErrorCode::AtsApplicationAlreadyExists => ErrorCode::PlatformInputInvalid,
            ErrorCode::RemoteRateLimitExceeded => ErrorCode::PlatformRateLimitExceeded,
            _ => ErrorCode::PlatformUnknownError,
        };
        Self {
            code,
            status: self.status,
            message: self.message,
        }
    }
}

impl From<ConnectorError> for ApiError {
    fn from(error: ConnectorError) -> Self {
        let status = StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::BAD_GATEWAY);
        // ConnectorError's Display never contains credentials.
        Self {
            code: error.kombo_code(),
            status,
            message: error.to_string(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        ApiError::internal("reading or writing the store", &error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ErrorEnvelope::new(self.code, self.message)),
        )
            .into_response()
    }
}
