//! The error taxonomy every connector speaks.
//!
//! A [`ConnectorError`] has a [`ErrorKind`] (what went wrong), an [`ErrorStatus`] (whether trying
//! again can help) and a context (provider, method, path, provider status). It maps onto the
//! closed list of Kombo error codes with [`ConnectorError::kombo_code`] and onto the HTTP status
//! the API answers with through [`ConnectorError::http_status`].
//!
//! Errors never carry credentials: the context keeps only the request path without its query
//! string, and connectors must not put tokens or keys into messages.

use std::fmt;
use std::time::Duration;

use atsbridge_schema::Model;
use atsbridge_schema::envelope::ErrorCode;

use crate::coverage::{Action, Feature};

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The provider rejected the integration's credentials.
    #[error("the provider rejected the integration's credentials")]
    Unauthenticated,
    /// The credentials are valid but lack a permission the operation needs.
    #[error("the integration lacks a permission at the provider")]
    PermissionDenied,
    /// The addressed provider object does not exist.
    #[error("not found at the provider")]
    NotFound,
    /// The provider throttled the request; `retry_after` is its hint, when it gave one.
    #[error("rate limited by the provider")]
    RateLimited {
        /// How long the provider asked us to wait.
        retry_after: Option<Duration>,
    },
    /// The input was rejected (by the connector's validation or by the provider).
    #[error("invalid input")]
    InvalidInput,
    /// The object to create exists already (e.g. the candidate already applied to the job).
    #[error("already exists")]
    AlreadyExists,
    /// The job no longer accepts applications.
    #[error("the job is closed")]
    JobClosed,
    /// The connector does not declare what was asked for.
    #[error("{0} is not supported by this connector")]
    Unsupported(Unsupported),
    /// The provider is down or overloaded (e.g. HTTP 503).
    #[error("the provider is unavailable")]
    ProviderUnavailable,
    /// The provider answered with an error status no other kind describes.
    #[error("the provider answered with HTTP {status}")]
    ProviderError {
        /// The provider's HTTP status.
        status: u16,
    },
    /// The request could not be sent or its response not read (DNS, TLS, connection reset,
    /// undecodable body).
    #[error("transport failure")]
    Transport,
    /// The provider did not answer in time.
    #[error("the provider did not answer in time")]
    Timeout,
    /// The integration's configuration is missing or invalid.
    #[error("invalid integration configuration")]
    Config,
    /// The caller cancelled the operation.
    #[error("cancelled")]
    Cancelled,
}

/// What a connector was asked for but does not declare in its coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsupported {
    /// A read model.
    Model(Model),
    /// A write action.
    Action(Action),
    /// A feature, e.g. API passthrough.
    Feature(Feature),
    /// Anything else (an option or argument of an otherwise supported operation).
    Operation,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unsupported::Model(model) => write!(f, "model `{}`", model.as_str()),
            Unsupported::Action(action) => write!(f, "action `{}`", action.as_str()),
            Unsupported::Feature(feature) => write!(f, "feature `{}`", feature.title()),
            Unsupported::Operation => f.write_str("this operation"),
        }
    }
}

/// Whether trying the same operation again can succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorStatus {
    /// Trying again will fail the same way.
    Permanent,
    /// Trying again later may succeed.
    Temporary,
    /// Was temporary, but retries did not help; do not retry again.
    Persistent,
}

impl fmt::Display for ErrorStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorStatus::Permanent => "permanent",
            ErrorStatus::Temporary => "temporary",
            ErrorStatus::Persistent => "persistent",
        })
    }
}

/// Where an error happened: provider, request method and path, provider status.
///
/// Paths are stored without query string, fragment or user info, because those can carry
/// credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorContext {
    /// The connector slug, e.g. `erecruiter`.
    pub provider: Option<String>,
    /// The HTTP method of the failed provider request.
    pub method: Option<String>,
    /// The path (or URL without query) of the failed provider request.
    pub path: Option<String>,
    /// The provider's HTTP status, when it answered.
    pub provider_status: Option<u16>,
}

impl fmt::Display for ErrorContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(provider) = &self.provider {
            parts.push(format!("provider {provider}"));
        }
        match (&self.method, &self.path) {
            (Some(method), Some(path)) => parts.push(format!("{method} {path}")),
            (Some(method), None) => parts.push(method.clone()),
            (None, Some(path)) => parts.push(path.clone()),
            (None, None) => {}
        }
        if let Some(status) = self.provider_status {
            parts.push(format!("HTTP {status}"));
        }
        if parts.is_empty() {
            Ok(())
        } else {
            write!(f, " [{}]", parts.join(", "))
        }
    }
}

/// An error returned by a connector (or by the SDK on its behalf).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}{context}")]
pub struct ConnectorError {
    kind: ErrorKind,
    status: ErrorStatus,
    message: String,
    // Boxed to keep `Result<_, ConnectorError>` small.
    context: Box<ErrorContext>,
}

/// Result type of connector operations.
pub type ConnectorResult<T> = Result<T, ConnectorError>;

impl ConnectorError {
    /// An error of `kind` with the kind's default retry status.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let status = default_status(&kind);
        Self {
            kind,
            status,
            message: message.into(),
            context: Box::default(),
        }
    }

    /// The provider rejected the credentials.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthenticated, message)
    }

    /// The credentials lack a permission.
    pub fn permission_denied(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::PermissionDenied, message)
    }

    /// The addressed provider object does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    /// The provider throttled us.
    pub fn rate_limited(retry_after: Option<Duration>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::RateLimited { retry_after }, message)
    }

    /// The input was rejected.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// The object to create exists already.
    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::AlreadyExists, message)
    }

    /// The job does not accept applications any more.
    pub fn job_closed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::JobClosed, message)
    }

    /// The connector does not support this model.
    pub fn unsupported_model(model: Model) -> Self {
        Self::undeclared(Unsupported::Model(model))
    }

    /// The connector does not support this action.
    pub fn unsupported_action(action: Action) -> Self {
        Self::undeclared(Unsupported::Action(action))
    }

    /// The connector does not support this feature.
    pub fn unsupported_feature(feature: Feature) -> Self {
        Self::undeclared(Unsupported::Feature(feature))
    }

    /// A model, action or feature missing from the connector's coverage.
    fn undeclared(what: Unsupported) -> Self {
        Self::new(
            ErrorKind::Unsupported(what),
            format!("the connector does not declare the {what}"),
        )
    }

    /// Some option or argument of an operation is not supported.
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unsupported(Unsupported::Operation), message)
    }

    /// The provider is down or overloaded.
    pub fn provider_unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ProviderUnavailable, message)
    }

    /// The provider answered with an unexpected error status.
    pub fn provider_error(status: u16, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ProviderError { status }, message).with_provider_status(status)
    }

    /// Classifies a provider's error status the usual way: 401 unauthenticated, 403 permission
    /// denied, 404 not found, 409 already exists, 400/422 invalid input, 408 and 504 timeout,
    /// 429 rate limited (without a retry hint; add one with [`Self::rate_limited`] when the
    /// response has `Retry-After`), 503 unavailable, anything else a provider error.
    /// Connectors with provider-specific meanings (e.g. a 403 that signals throttling) decide
    /// themselves before falling back to this.
    pub fn from_provider_status(status: u16, message: impl Into<String>) -> Self {
        let kind = match status {
            400 | 422 => ErrorKind::InvalidInput,
            401 => ErrorKind::Unauthenticated,
            403 => ErrorKind::PermissionDenied,
            404 | 410 => ErrorKind::NotFound,
            408 | 504 => ErrorKind::Timeout,
            409 => ErrorKind::AlreadyExists,
            429 => ErrorKind::RateLimited { retry_after: None },
            503 => ErrorKind::ProviderUnavailable,
            _ => ErrorKind::ProviderError { status },
        };
        Self::new(kind, message).with_provider_status(status)
    }

    /// The request could not be sent or its response not read.
    pub fn transport(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Transport, message)
    }

    /// The provider did not answer in time.
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Timeout, message)
    }

    /// The integration's configuration is missing or invalid.
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    /// The caller cancelled the operation.
    pub fn cancelled() -> Self {
        Self::new(ErrorKind::Cancelled, "the operation was cancelled")
    }

    /// Names the provider (connector slug) the error comes from.
    #[must_use]
    pub fn with_provider(mut self, provider: impl Into<String>) -> Self {
        self.context.provider = Some(provider.into());
        self
    }

    /// Records the failed provider request. Query string, fragment and user info are dropped
    /// from `path` (it may be a full URL), since they can carry credentials.
    #[must_use]
    pub fn with_request(mut self, method: impl Into<String>, path: &str) -> Self {
        self.context.method = Some(method.into());
        self.context.path = Some(strip_secrets_from_path(path));
        self
    }

    /// Records the provider's HTTP status.
    #[must_use]
    pub fn with_provider_status(mut self, status: u16) -> Self {
        self.context.provider_status = Some(status);
        self
    }

    /// Overrides the retry status.
    #[must_use]
    pub fn with_status(mut self, status: ErrorStatus) -> Self {
        self.status = status;
        self
    }

    /// Marks a temporary error as persistent (retries did not help); other statuses stay.
    #[must_use]
    pub fn into_persistent(mut self) -> Self {
        if self.status == ErrorStatus::Temporary {
            self.status = ErrorStatus::Persistent;
        }
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Whether retrying can help.
    pub fn status(&self) -> ErrorStatus {
        self.status
    }

    /// Whether the error is [`ErrorStatus::Temporary`].
    pub fn is_temporary(&self) -> bool {
        self.status == ErrorStatus::Temporary
    }

    /// The human-readable explanation.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Provider, method, path and provider status, where known.
    pub fn context(&self) -> &ErrorContext {
        &self.context
    }

    /// The provider's wait hint of a rate-limit error.
    pub fn retry_after(&self) -> Option<Duration> {
        match self.kind {
            ErrorKind::RateLimited { retry_after } => retry_after,
            _ => None,
        }
    }

    /// The Kombo error code the API reports for this error.
    pub fn kombo_code(&self) -> ErrorCode {
        match &self.kind {
            ErrorKind::Unauthenticated => ErrorCode::IntegrationAuthenticationInvalid,
            ErrorKind::PermissionDenied => ErrorCode::IntegrationPermissionMissing,
            // A provider object that does not exist is a bad reference in the input.
            ErrorKind::NotFound | ErrorKind::InvalidInput => ErrorCode::RemoteInputInvalid,
            ErrorKind::RateLimited { .. } => ErrorCode::RemoteRateLimitExceeded,
            ErrorKind::AlreadyExists => ErrorCode::AtsApplicationAlreadyExists,
            ErrorKind::JobClosed => ErrorCode::AtsJobClosed,
            ErrorKind::Unsupported(Unsupported::Model(_)) => {
                ErrorCode::IntegrationModelNotAvailable
            }
            ErrorKind::Unsupported(_) => ErrorCode::IntegrationActionNotAvailable,
            ErrorKind::ProviderError { status } if *status >= 500 => {
                ErrorCode::RemoteServiceUnavailable
            }
            ErrorKind::ProviderError { .. } => ErrorCode::RemoteUnknownHttpError,
            ErrorKind::ProviderUnavailable | ErrorKind::Transport | ErrorKind::Timeout => {
                ErrorCode::RemoteServiceUnavailable
            }
            ErrorKind::Config => ErrorCode::IntegrationSetupIncomplete,
            ErrorKind::Cancelled => ErrorCode::PlatformTaskTimedOut,
        }
    }

    /// The HTTP status the API answers with for this error: the status of
    /// [`Self::kombo_code`], except a missing provider object (404), a transport failure (502)
    /// and a provider timeout (504), which say more than their shared code.
    pub fn http_status(&self) -> u16 {
        match &self.kind {
            ErrorKind::NotFound => 404,
            ErrorKind::Transport => 502,
            ErrorKind::Timeout => 504,
            _ => self.kombo_code().http_status(),
        }
    }
}

impl From<crate::fan_out::Cancelled> for ConnectorError {
    fn from(_: crate::fan_out::Cancelled) -> Self {
        Self::cancelled()
    }
}

fn default_status(kind: &ErrorKind) -> ErrorStatus {
    match kind {
        ErrorKind::RateLimited { .. }
        | ErrorKind::ProviderUnavailable
        | ErrorKind::Transport
        | ErrorKind::Timeout => ErrorStatus::Temporary,
        ErrorKind::ProviderError { status } if *status >= 500 => ErrorStatus::Temporary,
        _ => ErrorStatus::Permanent,
    }
}

/// Drops query string, fragment and user info from a path or URL.
fn strip_secrets_from_path(path: &str) -> String {
    if let Ok(mut url) = url::Url::parse(path)
        && url.has_host()
    {
        // Both setters only fail for URLs that cannot carry credentials in the first place.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.set_query(None);
        url.set_fragment(None);
        return url.to_string();
    }
    let end = path.find(['?', '#']).unwrap_or(path.len());
    path[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_maps_to_a_listed_code_status_and_retry_class() {
        use ErrorCode as C;
        use ErrorStatus::{Permanent, Temporary};
        let table: Vec<(ConnectorError, ErrorCode, u16, ErrorStatus)> = vec![
            (
                ConnectorError::unauthenticated("x"),
                C::IntegrationAuthenticationInvalid,
                403,
                Permanent,
            ),
            (
                ConnectorError::permission_denied("x"),
                C::IntegrationPermissionMissing,
                403,
                Permanent,
            ),
            (
                ConnectorError::not_found("x"),
                C::RemoteInputInvalid,
                404,
                Permanent,
            ),
            (
                ConnectorError::rate_limited(Some(Duration::from_secs(2)), "x"),
                C::RemoteRateLimitExceeded,
                429,
                Temporary,
            ),
            (
                ConnectorError::invalid_input("x"),
                C::RemoteInputInvalid,
                400,
                Permanent,
            ),
            (
                ConnectorError::already_exists("x"),
                C::AtsApplicationAlreadyExists,
                400,
                Permanent,
            ),
            (
                ConnectorError::job_closed("x"),
                C::AtsJobClosed,
                400,
                Permanent,
            ),
            (
                ConnectorError::unsupported_model(Model::Tag),
                C::IntegrationModelNotAvailable,
                400,
                Permanent,
            ),
            (
                ConnectorError::unsupported_action(Action::RemoveCandidateTag),
                C::IntegrationActionNotAvailable,
                400,
                Permanent,
            ),
            (
                ConnectorError::unsupported_feature(Feature::ApiPassthrough),
                C::IntegrationActionNotAvailable,
                400,
                Permanent,
            ),
            (
                ConnectorError::unsupported("x"),
                C::IntegrationActionNotAvailable,
                400,
                Permanent,
            ),
            (
                ConnectorError::provider_unavailable("x"),
                C::RemoteServiceUnavailable,
                503,
                Temporary,
            ),
            (
                ConnectorError::provider_error(500, "x"),
                C::RemoteServiceUnavailable,
                503,
                Temporary,
            ),
            (
                ConnectorError::provider_error(418, "x"),
                C::RemoteUnknownHttpError,
                502,
                Permanent,
            ),
            (
                ConnectorError::transport("x"),
                C::RemoteServiceUnavailable,
                502,
                Temporary,
            ),
            (
                ConnectorError::timeout("x"),
                C::RemoteServiceUnavailable,
                504,
                Temporary,
            ),
            (
                ConnectorError::config("x"),
                C::IntegrationSetupIncomplete,
                409,
                Permanent,
            ),
            (
                ConnectorError::cancelled(),
                C::PlatformTaskTimedOut,
                504,
                Permanent,
            ),
        ];
        for (error, code, http, status) in table {
            assert_eq!(error.kombo_code(), code, "code of {error}");
            assert_eq!(error.http_status(), http, "HTTP status of {error}");
            assert_eq!(error.status(), status, "retry status of {error}");
            assert!(ErrorCode::ALL.contains(&error.kombo_code()));
        }
    }

    #[test]
    fn provider_statuses_are_classified() {
        let cases = [
            (400, ErrorKind::InvalidInput),
            (401, ErrorKind::Unauthenticated),
            (403, ErrorKind::PermissionDenied),
            (404, ErrorKind::NotFound),
            (408, ErrorKind::Timeout),
            (409, ErrorKind::AlreadyExists),
            (422, ErrorKind::InvalidInput),
            (429, ErrorKind::RateLimited { retry_after: None }),
            (500, ErrorKind::ProviderError { status: 500 }),
            (503, ErrorKind::ProviderUnavailable),
            (504, ErrorKind::Timeout),
        ];
        for (status, kind) in cases {
            let error = ConnectorError::from_provider_status(status, "x");
            assert_eq!(error.kind(), &kind, "status {status}");
            assert_eq!(error.context().provider_status, Some(status));
        }
        assert!(!ConnectorError::from_provider_status(403, "x").is_temporary());
        assert!(ConnectorError::from_provider_status(502, "x").is_temporary());
    }

    #[test]
    fn retries_exhausted_turns_temporary_into_persistent_only() {
        let exhausted = ConnectorError::provider_unavailable("down").into_persistent();
        assert_eq!(exhausted.status(), ErrorStatus::Persistent);
        assert!(!exhausted.is_temporary());
        let permanent = ConnectorError::invalid_input("bad").into_persistent();
        assert_eq!(permanent.status(), ErrorStatus::Permanent);
    }

    #[test]
    fn rate_limit_keeps_its_hint() {
        let error = ConnectorError::rate_limited(Some(Duration::from_secs(7)), "slow down");
        assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(ConnectorError::timeout("x").retry_after(), None);
    }

    #[test]
    fn display_names_kind_message_and_request_without_query_or_user_info() {
        let error = ConnectorError::from_provider_status(503, "maintenance window")
            .with_provider("erecruiter")
            .with_request("GET", "/Api/Jobs?apiKey=hunter2&mandator=9#frag");
        assert_eq!(
            error.to_string(),
            "the provider is unavailable: maintenance window \
             [provider erecruiter, GET /Api/Jobs, HTTP 503]"
        );

        let error = ConnectorError::transport("connection reset").with_request(
            "POST",
            "https://user:hunter2@ats.example.com/Api/Applicant?token=hunter2",
        );
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("https://ats.example.com/Api/Applicant"),
            "{shown}"
        );
    }

    #[test]
    fn unsupported_errors_name_what_was_refused() {
        let error = ConnectorError::unsupported_action(Action::RemoveCandidateTag);
        assert_eq!(
            error.kind(),
            &ErrorKind::Unsupported(Unsupported::Action(Action::RemoveCandidateTag))
        );
        assert!(
            error.to_string().contains("remove_candidate_tag"),
            "{error}"
        );
        let error = ConnectorError::unsupported_model(Model::JobScreeningQuestion);
        assert!(
            error.to_string().contains("job_screening_question"),
            "{error}"
        );
    }
}
