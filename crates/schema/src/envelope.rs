//! Response envelopes and Kombo's closed list of error codes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::enums::closed_enum;

closed_enum! {
    /// The `status` of a successful response: always `"success"`.
    SuccessStatus {
        /// `"success"`.
        Success => "success",
    }
}

closed_enum! {
    /// The `status` of an error response: always `"error"`.
    ErrorStatus {
        /// `"error"`.
        Error => "error",
    }
}

#[allow(clippy::derivable_impls)] // the enum comes from a macro without `#[default]`
impl Default for SuccessStatus {
    fn default() -> Self {
        SuccessStatus::Success
    }
}

#[allow(clippy::derivable_impls)] // the enum comes from a macro without `#[default]`
impl Default for ErrorStatus {
    fn default() -> Self {
        ErrorStatus::Error
    }
}

/// `{"status": "success", "data": ...}` for non-list, non-action endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SuccessEnvelope<T> {
    /// Always `success`.
    pub status: SuccessStatus,
    /// The payload.
    pub data: T,
}

impl<T> SuccessEnvelope<T> {
    /// Wraps `data`.
    pub fn new(data: T) -> Self {
        SuccessEnvelope {
            status: SuccessStatus::Success,
            data,
        }
    }
}

/// One page of a list endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ListPage<T> {
    /// Cursor of the next page; `null` on the last page.
    pub next: Option<String>,
    /// The items of this page.
    pub results: Vec<T>,
}

/// `{"status": "success", "data": {"next": ..., "results": [...]}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ListEnvelope<T> {
    /// Always `success`.
    pub status: SuccessStatus,
    /// The page.
    pub data: ListPage<T>,
}

impl<T> ListEnvelope<T> {
    /// Wraps one page.
    pub fn new(results: Vec<T>, next: Option<String>) -> Self {
        ListEnvelope {
            status: SuccessStatus::Success,
            data: ListPage { next, results },
        }
    }
}

/// A warning returned by an action, meant for the client's logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Warning {
    /// The warning text.
    pub message: String,
}

impl Warning {
    /// Creates a warning.
    pub fn new(message: impl Into<String>) -> Self {
        Warning {
            message: message.into(),
        }
    }
}

/// `{"status": "success", "data": ..., "warnings": [...]}` for action endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ActionEnvelope<T> {
    /// Always `success`.
    pub status: SuccessStatus,
    /// The payload.
    pub data: T,
    /// Warnings (may be empty, always present).
    pub warnings: Vec<Warning>,
}

impl<T> ActionEnvelope<T> {
    /// Wraps `data` with `warnings`.
    pub fn new(data: T, warnings: Vec<Warning>) -> Self {
        ActionEnvelope {
            status: SuccessStatus::Success,
            data,
            warnings,
        }
    }
}

closed_enum! {
    /// Kombo's error codes. The list is closed: the SDKs reject any other code.
    ErrorCode {
        /// Too many requests for the API key.
        PlatformRateLimitExceeded => "PLATFORM.RATE_LIMIT_EXCEEDED",
        /// Too many concurrent action requests for the integration.
        PlatformConcurrencyLimitExceeded => "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED",
        /// The integration id is unknown.
        PlatformIntegrationNotFound => "PLATFORM.INTEGRATION_NOT_FOUND",
        /// The request is malformed or fails validation.
        PlatformInputInvalid => "PLATFORM.INPUT_INVALID",
        /// An unexpected internal failure.
        PlatformUnknownError => "PLATFORM.UNKNOWN_ERROR",
        /// The caller's IP address is not allowed.
        PlatformIpNotWhitelisted => "PLATFORM.IP_NOT_WHITELISTED",
        /// The API key is missing or wrong.
        PlatformAuthenticationInvalid => "PLATFORM.AUTHENTICATION_INVALID",
        /// The operation took too long.
        PlatformTaskTimedOut => "PLATFORM.TASK_TIMED_OUT",
        /// The provider credentials lack a permission.
        IntegrationPermissionMissing => "INTEGRATION.PERMISSION_MISSING",
        /// The provider rejected the integration's credentials.
        IntegrationAuthenticationInvalid => "INTEGRATION.AUTHENTICATION_INVALID",
        /// The integration failed its quality checks.
        IntegrationQaFailed => "INTEGRATION.QA_FAILED",
        /// The first sync has not finished yet.
        IntegrationSetupSyncPending => "INTEGRATION.SETUP_SYNC_PENDING",
        /// The integration's setup is not finished.
        IntegrationSetupIncomplete => "INTEGRATION.SETUP_INCOMPLETE",
        /// The integration is inactive.
        IntegrationInactive => "INTEGRATION.INACTIVE",
        /// The connector does not offer this model.
        IntegrationModelNotAvailable => "INTEGRATION.MODEL_NOT_AVAILABLE",
        /// The model is switched off for this integration.
        IntegrationModelDisabled => "INTEGRATION.MODEL_DISABLED",
        /// The connector does not offer this action.
        IntegrationActionNotAvailable => "INTEGRATION.ACTION_NOT_AVAILABLE",
        /// The action is switched off for this integration.
        IntegrationActionDisabled => "INTEGRATION.ACTION_DISABLED",
        /// The provider is unreachable or failing.
        RemoteServiceUnavailable => "REMOTE.SERVICE_UNAVAILABLE",
        /// The provider rate-limited us.
        RemoteRateLimitExceeded => "REMOTE.RATE_LIMIT_EXCEEDED",
        /// The provider rejected the input.
        RemoteInputInvalid => "REMOTE.INPUT_INVALID",
        /// The provider answered with an unexpected HTTP error.
        RemoteUnknownHttpError => "REMOTE.UNKNOWN_HTTP_ERROR",
        /// The job does not accept applications.
        AtsJobClosed => "ATS.JOB_CLOSED",
        /// The candidate already applied to this job.
        AtsApplicationAlreadyExists => "ATS.APPLICATION_ALREADY_EXISTS",
    }
}

impl ErrorCode {
    /// The HTTP status atsbridge answers with for this code.
    ///
    /// Kombo documents few statuses; where it is silent the choice follows the code's meaning
    /// (client input 400, permissions 403, blocked setup 409, limits 429, upstream 502/503/504).
    pub const fn http_status(self) -> u16 {
        match self {
            ErrorCode::PlatformInputInvalid
            | ErrorCode::RemoteInputInvalid
            | ErrorCode::AtsJobClosed
            | ErrorCode::AtsApplicationAlreadyExists
            | ErrorCode::IntegrationModelNotAvailable
            | ErrorCode::IntegrationActionNotAvailable => 400,
            ErrorCode::PlatformAuthenticationInvalid => 401,
            ErrorCode::PlatformIpNotWhitelisted
            | ErrorCode::IntegrationPermissionMissing
            | ErrorCode::IntegrationAuthenticationInvalid
            | ErrorCode::IntegrationInactive
            | ErrorCode::IntegrationModelDisabled
            | ErrorCode::IntegrationActionDisabled => 403,
            ErrorCode::PlatformIntegrationNotFound => 404,
            ErrorCode::IntegrationSetupSyncPending
            | ErrorCode::IntegrationSetupIncomplete
            | ErrorCode::IntegrationQaFailed => 409,
            ErrorCode::PlatformRateLimitExceeded
            | ErrorCode::PlatformConcurrencyLimitExceeded
            | ErrorCode::RemoteRateLimitExceeded => 429,
            ErrorCode::PlatformUnknownError => 500,
            ErrorCode::RemoteUnknownHttpError => 502,
            ErrorCode::RemoteServiceUnavailable => 503,
            ErrorCode::PlatformTaskTimedOut => 504,
        }
    }

    /// Whether general (non-ATS) endpoints may return this code; they use `PLATFORM.*` only.
    pub fn is_general(self) -> bool {
        self.as_str().starts_with("PLATFORM.")
    }

    /// A static, human-readable title for the code (the envelope's `title`).
    pub const fn title(self) -> &'static str {
        match self {
            ErrorCode::PlatformRateLimitExceeded => "Rate limit exceeded.",
            ErrorCode::PlatformConcurrencyLimitExceeded => "Concurrency limit exceeded.",
            ErrorCode::PlatformIntegrationNotFound => "Integration not found.",
            ErrorCode::PlatformInputInvalid => "The request input is invalid.",
            ErrorCode::PlatformUnknownError => "An unknown error occurred.",
            ErrorCode::PlatformIpNotWhitelisted => "IP address not allowed.",
            ErrorCode::PlatformAuthenticationInvalid => "Authentication failed.",
            ErrorCode::PlatformTaskTimedOut => "The task timed out.",
            ErrorCode::IntegrationPermissionMissing => "The integration lacks a permission.",
            ErrorCode::IntegrationAuthenticationInvalid => {
                "The integration's credentials were rejected."
            }
            ErrorCode::IntegrationQaFailed => "The integration failed quality checks.",
            ErrorCode::IntegrationSetupSyncPending => "The first sync is still running.",
            ErrorCode::IntegrationSetupIncomplete => "The integration setup is incomplete.",
            ErrorCode::IntegrationInactive => "The integration is inactive.",
            ErrorCode::IntegrationModelNotAvailable => "Model not available for this integration.",
            ErrorCode::IntegrationModelDisabled => "Model disabled for this integration.",
            ErrorCode::IntegrationActionNotAvailable => {
                "Action not available for this integration."
            }
            ErrorCode::IntegrationActionDisabled => "Action disabled for this integration.",
            ErrorCode::RemoteServiceUnavailable => "The remote system is unavailable.",
            ErrorCode::RemoteRateLimitExceeded => "The remote system's rate limit was hit.",
            ErrorCode::RemoteInputInvalid => "The remote system rejected the input.",
            ErrorCode::RemoteUnknownHttpError => "The remote system returned an error.",
            ErrorCode::AtsJobClosed => "The job is closed.",
            ErrorCode::AtsApplicationAlreadyExists => "The application already exists.",
        }
    }
}

/// The `error` object of an error response; all four keys are always present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorBody {
    /// Machine-readable code, or `null`.
    pub code: Option<ErrorCode>,
    /// Static label, or `null`.
    pub title: Option<String>,
    /// What went wrong in this instance.
    pub message: String,
    /// Link to a log page, or `null`.
    pub log_url: Option<String>,
}

/// `{"status": "error", "error": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorEnvelope {
    /// Always `error`.
    pub status: ErrorStatus,
    /// The error.
    pub error: ErrorBody,
}

impl ErrorEnvelope {
    /// An error with `code`, its standard title and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorEnvelope {
            status: ErrorStatus::Error,
            error: ErrorBody {
                code: Some(code),
                title: Some(code.title().to_owned()),
                message: message.into(),
                log_url: None,
            },
        }
    }

    /// An error without a code.
    pub fn without_code(message: impl Into<String>) -> Self {
        ErrorEnvelope {
            status: ErrorStatus::Error,
            error: ErrorBody {
                code: None,
                title: None,
                message: message.into(),
                log_url: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_serialize_as_dotted_strings_and_map_statuses() {
        assert_eq!(ErrorCode::ALL.len(), 24);
        let json = serde_json::to_string(&ErrorCode::AtsJobClosed).unwrap();
        assert_eq!(json, "\"ATS.JOB_CLOSED\"");
        assert_eq!(ErrorCode::IntegrationSetupSyncPending.http_status(), 409);
        assert_eq!(ErrorCode::PlatformAuthenticationInvalid.http_status(), 401);
        assert!(serde_json::from_str::<ErrorCode>("\"PLATFORM.NOPE\"").is_err());
        assert!(ErrorCode::PlatformInputInvalid.is_general());
        assert!(!ErrorCode::AtsJobClosed.is_general());
    }
}
