//! The error every transport call returns, with retry semantics attached.

use std::fmt;
use std::time::Duration;

use http::{Method, StatusCode};

/// What went wrong, independent of whether it is worth retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpErrorKind {
    /// The provider rejected our credentials (401), also after one re-authentication.
    Unauthenticated,
    /// The credentials are valid but not allowed to do this (403 without rate-limit hints).
    PermissionDenied,
    /// The resource does not exist (404, 410).
    NotFound,
    /// The provider throttled us (429, or 403 with rate-limit headers).
    RateLimited {
        /// How long the provider asked us to wait, when it said so.
        retry_after: Option<Duration>,
    },
    /// The request was refused before or by the provider as malformed (bad path, 400, 422).
    InvalidRequest,
    /// The request conflicts with the provider's current state (409, 412).
    Conflict,
    /// The provider failed or is overloaded (5xx other than 501).
    ProviderUnavailable,
    /// Any other unexpected status from the provider.
    ProviderError {
        /// The HTTP status code received.
        status: u16,
    },
    /// The connection failed or broke before a full response arrived.
    Transport,
    /// One attempt took longer than the per-attempt timeout (or the provider answered 408).
    Timeout,
    /// The overall deadline of the call passed.
    Deadline,
    /// A response body could not be decoded into the expected type.
    Decode,
    /// The client was configured wrongly (bad base URL, unusable header value, ...).
    Config,
}

impl HttpErrorKind {
    fn describe(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "not authenticated",
            Self::PermissionDenied => "permission denied",
            Self::NotFound => "not found",
            Self::RateLimited { .. } => "rate limited",
            Self::InvalidRequest => "invalid request",
            Self::Conflict => "conflict",
            Self::ProviderUnavailable => "provider unavailable",
            Self::ProviderError { .. } => "unexpected provider response",
            Self::Transport => "transport failure",
            Self::Timeout => "attempt timed out",
            Self::Deadline => "deadline exceeded",
            Self::Decode => "could not decode response",
            Self::Config => "invalid configuration",
        }
    }
}

/// Whether an error is worth retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorStatus {
    /// Retrying the same request will not help.
    Permanent,
    /// The same request may succeed later.
    Temporary,
    /// The error was temporary but it survived every retry we were allowed.
    Persistent,
}

/// A failed provider call.
///
/// It names the provider, method and path (never the query, headers or body) and, for
/// HTTP errors, the status and a short scrubbed excerpt of the response body. Its
/// `Display` never contains credentials.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", self.render())]
pub struct HttpError {
    // Boxed so that `Result<_, HttpError>` stays small.
    details: Box<ErrorDetails>,
}

#[derive(Debug, Clone)]
struct ErrorDetails {
    kind: HttpErrorKind,
    status: ErrorStatus,
    message: String,
    provider: Option<String>,
    method: Option<Method>,
    path: Option<String>,
    http_status: Option<StatusCode>,
    body_excerpt: Option<String>,
    retry_after: Option<Duration>,
    attempts: u32,
}

impl HttpError {
    /// Creates an error of `kind` with a human-readable message (which must not hold secrets).
    ///
    /// The retry status defaults to what the kind suggests: transport failures, timeouts,
    /// rate limits and provider outages are temporary, everything else is permanent.
    pub fn new(kind: HttpErrorKind, message: impl Into<String>) -> Self {
        let status = match kind {
            HttpErrorKind::RateLimited { .. }
            | HttpErrorKind::ProviderUnavailable
            | HttpErrorKind::Transport
            | HttpErrorKind::Timeout
            | HttpErrorKind::Deadline => ErrorStatus::Temporary,
            _ => ErrorStatus::Permanent,
        };
        let details = ErrorDetails {
            kind,
            status,
            message: message.into(),
            provider: None,
            method: None,
            path: None,
            http_status: None,
            body_excerpt: None,
            retry_after: None,
            attempts: 0,
        };
        Self {
            details: Box::new(details),
        }
    }

    /// Shorthand for an [`HttpErrorKind::InvalidRequest`] error.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(HttpErrorKind::InvalidRequest, message)
    }

    /// Shorthand for an [`HttpErrorKind::Config`] error.
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(HttpErrorKind::Config, message)
    }

    /// Shorthand for an [`HttpErrorKind::Decode`] error.
    pub fn decode(message: impl Into<String>) -> Self {
        Self::new(HttpErrorKind::Decode, message)
    }

    /// Overrides the retry status.
    pub fn with_status(mut self, status: ErrorStatus) -> Self {
        self.details.status = status;
        self
    }

    /// Names the provider the call went to.
    pub fn with_provider(mut self, provider: impl Into<String>) -> Self {
        self.details.provider = Some(provider.into());
        self
    }

    /// Names the request (method and URL path, without query).
    pub fn with_request(mut self, method: Method, path: impl Into<String>) -> Self {
        self.details.method = Some(method);
        self.details.path = Some(path.into());
        self
    }

    /// Attaches the HTTP status and an already scrubbed body excerpt.
    pub(crate) fn with_response(mut self, status: StatusCode, excerpt: Option<String>) -> Self {
        self.details.http_status = Some(status);
        self.details.body_excerpt = excerpt.filter(|text| !text.is_empty());
        self
    }

    /// Attaches the provider's `Retry-After` for errors other than rate limits (e.g. 503).
    pub(crate) fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.details.retry_after = retry_after;
        self
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.details.attempts = attempts;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> HttpErrorKind {
        self.details.kind
    }

    /// Whether retrying may help.
    pub fn status(&self) -> ErrorStatus {
        self.details.status
    }

    /// Whether a later retry may succeed (`Temporary`).
    pub fn is_temporary(&self) -> bool {
        self.details.status == ErrorStatus::Temporary
    }

    /// How long the provider asked us to wait (`Retry-After`, or the rate-limit reset).
    pub fn retry_after(&self) -> Option<Duration> {
        match self.details.kind {
            HttpErrorKind::RateLimited {
                retry_after: Some(wait),
            } => Some(wait),
            _ => self.details.retry_after,
        }
    }

    /// The human-readable message, without the request context.
    pub fn message(&self) -> &str {
        &self.details.message
    }

    /// The provider name, when the client was given one.
    pub fn provider(&self) -> Option<&str> {
        self.details.provider.as_deref()
    }

    /// The request method, when the error belongs to a request.
    pub fn method(&self) -> Option<&Method> {
        self.details.method.as_ref()
    }

    /// The URL path of the request (no query string).
    pub fn path(&self) -> Option<&str> {
        self.details.path.as_deref()
    }

    /// The HTTP status code the provider answered with, if it answered.
    pub fn http_status(&self) -> Option<StatusCode> {
        self.details.http_status
    }

    /// A short, scrubbed excerpt of the provider's error body.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.details.body_excerpt.as_deref()
    }

    /// How many attempts were made before giving up (0 when none was sent).
    pub fn attempts(&self) -> u32 {
        self.details.attempts
    }

    fn render(&self) -> String {
        let mut out = String::new();
        if let Some(provider) = &self.details.provider {
            out.push_str(provider);
            out.push(' ');
        }
        if let (Some(method), Some(path)) = (&self.details.method, &self.details.path) {
            out.push_str(&format!("{method} {path}: "));
        }
        out.push_str(&self.render_detail());
        out
    }

    /// The message without provider, method and path: kind, status, message, attempts, body.
    pub(crate) fn render_detail(&self) -> String {
        let mut out = String::new();
        out.push_str(self.details.kind.describe());
        if let Some(status) = self.details.http_status {
            out.push_str(&format!(" (HTTP {})", status.as_u16()));
        }
        if !self.details.message.is_empty() {
            out.push_str(": ");
            out.push_str(&self.details.message);
        }
        if self.details.attempts > 1 {
            out.push_str(&format!(" after {} attempts", self.details.attempts));
        }
        if let Some(excerpt) = &self.details.body_excerpt {
            out.push_str(&format!("; body: {excerpt}"));
        }
        out
    }
}

impl fmt::Display for ErrorStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Permanent => "permanent",
            Self::Temporary => "temporary",
            Self::Persistent => "persistent",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_request_and_status() {
        let error = HttpError::new(HttpErrorKind::NotFound, "no such job")
            .with_provider("erecruiter")
            .with_request(Method::GET, "/Api/Job/12")
            .with_response(StatusCode::NOT_FOUND, Some("{\"Message\":\"gone\"}".into()));
        assert_eq!(
            error.to_string(),
            "erecruiter GET /Api/Job/12: not found (HTTP 404): no such job; body: {\"Message\":\"gone\"}"
        );
        assert_eq!(error.status(), ErrorStatus::Permanent);
    }

    #[test]
    fn kind_sets_default_status() {
        let error = HttpError::new(HttpErrorKind::Transport, "reset");
        assert!(error.is_temporary());
        let limited = HttpError::new(
            HttpErrorKind::RateLimited {
                retry_after: Some(Duration::from_secs(3)),
            },
            "",
        );
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(3)));
    }
}
