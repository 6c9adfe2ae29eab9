//! Recording hooks: the scrubbed request/response pairs a transport reports while a connector
//! runs, and the [`Recorder`] that receives them. Fixture recording (`cargo xtask fixtures
//! record`, the conformance kit) asks a [`ConnectorFactory`](crate::ConnectorFactory) for a
//! connector wired to a recorder, so no tool needs to know a connector by name.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// A body as it appears in a recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum RecordedBody {
    /// A JSON document (secret keys already replaced).
    Json(serde_json::Value),
    /// UTF-8 text that is not JSON.
    Text(String),
    /// Binary data, base64 encoded.
    Base64(String),
    /// The body was withheld because it carries credentials (token exchanges).
    Redacted,
}

/// One attempt's request and response, scrubbed of secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedExchange {
    /// The request method.
    pub method: String,
    /// The URL path as the provider saw it (base path included).
    pub path: String,
    /// Query pairs sorted by name then value; secret values are `[REDACTED]`.
    pub query: Vec<(String, String)>,
    /// Allow-listed request headers only (never auth, token or cookie headers).
    pub request_headers: BTreeMap<String, String>,
    /// The request body, if any.
    pub request_body: Option<RecordedBody>,
    /// The response status code.
    pub status: u16,
    /// Allow-listed response headers only.
    pub response_headers: BTreeMap<String, String>,
    /// The response body, if not empty.
    pub response_body: Option<RecordedBody>,
}

/// Receives every exchange a transport completes.
pub trait Recorder: Send + Sync {
    /// Stores one scrubbed exchange.
    fn record(&self, exchange: RecordedExchange);
}

/// A recorder that keeps exchanges in memory (tests and fixture recording).
#[derive(Debug, Default)]
pub struct MemoryRecorder {
    exchanges: Mutex<Vec<RecordedExchange>>,
}

impl MemoryRecorder {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of everything recorded so far, in order.
    pub fn exchanges(&self) -> Vec<RecordedExchange> {
        match self.exchanges.lock() {
            Ok(exchanges) => exchanges.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Removes and returns everything recorded so far.
    pub fn take(&self) -> Vec<RecordedExchange> {
        match self.exchanges.lock() {
            Ok(mut exchanges) => std::mem::take(&mut *exchanges),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        }
    }
}

impl Recorder for MemoryRecorder {
    fn record(&self, exchange: RecordedExchange) {
        match self.exchanges.lock() {
            Ok(mut exchanges) => exchanges.push(exchange),
            Err(poisoned) => poisoned.into_inner().push(exchange),
        }
    }
}
