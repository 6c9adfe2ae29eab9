//! The request a connector hands to the transport and the response it gets back.

use std::fmt;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::HttpError;
use crate::secret::REDACTED;

/// The body of a [`ProviderRequest`].
#[derive(Clone)]
pub(crate) enum RequestBody {
    /// Raw bytes with an optional content type.
    Bytes {
        bytes: Bytes,
        content_type: Option<HeaderValue>,
    },
    /// A JSON document serialized up front.
    Json(Bytes),
    /// `.json()` failed to serialize; reported when the request is sent.
    Unserializable(String),
}

/// One call to the provider, relative to the client's base URL.
///
/// Build it with [`ProviderRequest::get`] and friends, then refine it with the chained
/// helpers. Only safe methods (GET, HEAD, OPTIONS, TRACE) are retried by default; PUT and
/// DELETE are idempotent on paper but some providers create records with PUT, so they are
/// retried only after [`ProviderRequest::mark_retry_safe`].
#[derive(Clone)]
pub struct ProviderRequest {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<RequestBody>,
    pub(crate) retry_safe: Option<bool>,
    pub(crate) accept_any_status: bool,
    pub(crate) log_path: Option<String>,
}

impl ProviderRequest {
    /// A request with any method to `path` (relative to the base URL).
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            retry_safe: None,
            accept_any_status: false,
            log_path: None,
        }
    }

    /// A GET request.
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    /// A POST request.
    pub fn post(path: impl Into<String>) -> Self {
        Self::new(Method::POST, path)
    }

    /// A PUT request.
    pub fn put(path: impl Into<String>) -> Self {
        Self::new(Method::PUT, path)
    }

    /// A PATCH request.
    pub fn patch(path: impl Into<String>) -> Self {
        Self::new(Method::PATCH, path)
    }

    /// A DELETE request.
    pub fn delete(path: impl Into<String>) -> Self {
        Self::new(Method::DELETE, path)
    }

    /// Appends one query parameter (kept in the order given).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a header. Mark credential values with `HeaderValue::set_sensitive(true)`.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Sets a JSON body (and `content-type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        self.body = Some(match serde_json::to_vec(value) {
            Ok(bytes) => RequestBody::Json(Bytes::from(bytes)),
            Err(err) => RequestBody::Unserializable(err.to_string()),
        });
        self
    }

    /// Sets a raw body with an optional content type.
    pub fn body(mut self, bytes: impl Into<Bytes>, content_type: Option<HeaderValue>) -> Self {
        self.body = Some(RequestBody::Bytes {
            bytes: bytes.into(),
            content_type,
        });
        self
    }

    /// Allows retries for this request even though its method is not safe, because
    /// repeating it cannot cause a second effect (e.g. a token exchange or an upsert).
    pub fn mark_retry_safe(mut self) -> Self {
        self.retry_safe = Some(true);
        self
    }

    /// Shows `template` instead of the real path in logs, spans and errors, for paths that
    /// carry personal data (e.g. `Applicants/ByEmail/{email}`). The request still goes to
    /// the real path.
    pub fn log_path_as(mut self, template: impl Into<String>) -> Self {
        self.log_path = Some(template.into());
        self
    }

    /// The path as logs and errors show it: the [`log_path_as`](Self::log_path_as) template
    /// when one is set, else the real path.
    pub fn shown_path(&self) -> &str {
        self.log_path.as_deref().unwrap_or(&self.path)
    }

    /// Forbids retries for this request even if its method is safe.
    pub fn mark_not_retry_safe(mut self) -> Self {
        self.retry_safe = Some(false);
        self
    }

    /// Returns non-2xx responses as a [`ProviderResponse`] instead of an [`HttpError`]
    /// (after the usual re-authentication and retries). Passthrough needs this.
    pub fn accept_any_status(mut self) -> Self {
        self.accept_any_status = true;
        self
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path relative to the base URL.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether failed attempts of this request may be repeated.
    pub fn is_retry_safe(&self) -> bool {
        self.retry_safe.unwrap_or(matches!(
            self.method,
            Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
        ))
    }

    /// The body bytes and the content type to send, or an error for an unserializable body.
    pub(crate) fn body_bytes(&self) -> Result<Option<(Bytes, Option<HeaderValue>)>, HttpError> {
        match &self.body {
            None => Ok(None),
            Some(RequestBody::Bytes {
                bytes,
                content_type,
            }) => Ok(Some((bytes.clone(), content_type.clone()))),
            Some(RequestBody::Json(bytes)) => Ok(Some((
                bytes.clone(),
                Some(HeaderValue::from_static("application/json")),
            ))),
            Some(RequestBody::Unserializable(reason)) => Err(HttpError::invalid_request(format!(
                "request body could not be serialized as JSON: {reason}"
            ))),
        }
    }
}

impl fmt::Debug for ProviderRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        let query_names: Vec<&str> = self.query.iter().map(|(name, _)| name.as_str()).collect();
        let body_len = match &self.body {
            Some(RequestBody::Bytes { bytes, .. } | RequestBody::Json(bytes)) => Some(bytes.len()),
            _ => None,
        };
        f.debug_struct("ProviderRequest")
            .field("method", &self.method)
            .field("path", &self.shown_path())
            .field("query_names", &query_names)
            .field("header_names", &header_names)
            .field("body_len", &body_len)
            .field("retry_safe", &self.is_retry_safe())
            .field("accept_any_status", &self.accept_any_status)
            .finish()
    }
}

/// A provider response with its body fully read.
#[derive(Clone)]
pub struct ProviderResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The response body.
    pub body: Bytes,
    /// The request method, for error messages.
    pub method: Method,
    /// The URL path of the request (no query), for error messages.
    pub path: String,
}

impl ProviderResponse {
    /// Decodes the body as JSON; the error names the request's method and path.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, HttpError> {
        serde_json::from_slice(&self.body).map_err(|err| {
            HttpError::decode(format!(
                "response body is not the expected JSON: {err} (line {}, column {})",
                err.line(),
                err.column()
            ))
            .with_request(self.method.clone(), self.path.clone())
        })
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The response content type, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
    }
}

impl fmt::Debug for ProviderResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if crate::redact::is_recordable_header(name) {
                    value.to_str().unwrap_or(REDACTED)
                } else {
                    REDACTED
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("ProviderResponse")
            .field("status", &self.status)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_header_values_and_query_values() {
        let mut token = HeaderValue::from_static("tok-987654");
        token.set_sensitive(true);
        let request = ProviderRequest::get("Job/1")
            .query("api_key", "key-123456")
            .header(HeaderName::from_static("x-apitoken"), token);
        let debug = format!("{request:?}");
        assert!(!debug.contains("tok-987654"));
        assert!(!debug.contains("key-123456"));
        assert!(debug.contains("x-apitoken"));
    }

    #[test]
    fn retry_safety_follows_method_unless_overridden() {
        assert!(ProviderRequest::get("a").is_retry_safe());
        assert!(!ProviderRequest::post("a").is_retry_safe());
        assert!(!ProviderRequest::put("a").is_retry_safe());
        assert!(ProviderRequest::post("a").mark_retry_safe().is_retry_safe());
        assert!(
            !ProviderRequest::get("a")
                .mark_not_retry_safe()
                .is_retry_safe()
        );
    }

    #[test]
    fn json_decode_error_names_request() {
        let response = ProviderResponse {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"not json"),
            method: Method::GET,
            path: "/Api/Job/1".into(),
        };
        let err = response.json::<serde_json::Value>().unwrap_err();
        assert!(err.to_string().contains("GET /Api/Job/1"), "{err}");
        assert_eq!(err.kind(), crate::HttpErrorKind::Decode);
    }
}
