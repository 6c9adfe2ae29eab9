//! Raw provider requests (`POST /v1/passthrough/{tool}/{api}`).
//!
//! The server turns the wire request into a [`PassthroughCall`]; the connector checks it
//! (relative path, allowed method), adds base URL and authentication, executes it with its own
//! transport and answers with a [`PassthroughResult`]. An upstream error status is a result, not
//! an error.

use std::collections::BTreeMap;
use std::fmt;

use http::Method;

/// The body of a passthrough request.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum PassthroughBody {
    /// No body.
    #[default]
    Empty,
    /// A JSON object or array, sent as `application/json`.
    Json(serde_json::Value),
    /// A string, sent unchanged.
    Raw(String),
}

/// A raw request to the provider's API.
#[derive(Clone, PartialEq)]
pub struct PassthroughCall {
    /// HTTP method.
    pub method: Method,
    /// Path relative to the provider's API base (may contain its own query string).
    pub path: String,
    /// Extra query parameters.
    pub query: BTreeMap<String, String>,
    /// Extra headers; the connector adds authentication itself and refuses to let these
    /// override it.
    pub headers: BTreeMap<String, String>,
    /// Request body.
    pub body: PassthroughBody,
    /// Return the response body base64-encoded (binary downloads).
    pub response_as_base64: bool,
}

impl PassthroughCall {
    /// A call without query, headers or body.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: BTreeMap::new(),
            headers: BTreeMap::new(),
            body: PassthroughBody::Empty,
            response_as_base64: false,
        }
    }
}

impl fmt::Debug for PassthroughCall {
    // Header values may hold the caller's own secrets; show only their names.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PassthroughCall")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query.keys().collect::<Vec<_>>())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &self.body)
            .field("response_as_base64", &self.response_as_base64)
            .finish()
    }
}

/// The provider's answer to a [`PassthroughCall`].
#[derive(Debug, Clone, PartialEq)]
pub struct PassthroughResult {
    /// The full upstream URL that was called, without credentials.
    pub url: String,
    /// The upstream HTTP status.
    pub status: u16,
    /// Upstream response headers (repeated headers keep every value); the connector leaves
    /// out headers that carry credentials (`Set-Cookie`, auth tokens).
    pub headers: BTreeMap<String, Vec<String>>,
    /// The upstream body: parsed JSON when the provider sent JSON, a JSON string otherwise
    /// (base64 when requested), `None` when empty.
    pub data: Option<serde_json::Value>,
}
