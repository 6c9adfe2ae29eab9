//! Fixture format v1: one JSON file per scenario holding the scrubbed connector config, a
//! frozen clock, the scenario input, the ordered HTTP interactions and the expected outcome.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::KitError;

/// The only fixture format version this kit reads and writes.
pub const FIXTURE_VERSION: u32 = 1;

/// Placeholder that stands for the replay (or recording) server's base URI inside fixture
/// configs; replay substitutes the wiremock URI for it.
pub const SERVER_PLACEHOLDER: &str = "[SERVER]";

/// Placeholder that replaces every secret (API key, token, password) in a fixture.
pub const REDACTED: &str = "[REDACTED]";

/// One recorded scenario: everything needed to replay a connector run offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// Format version; always [`FIXTURE_VERSION`].
    pub version: u32,
    /// Connector slug the scenario belongs to (`erecruiter`).
    pub connector: String,
    /// Scenario name, unique within the connector; also the snapshot name.
    pub scenario: String,
    /// Why this scenario exists, shown to reviewers next to its snapshot.
    #[serde(default)]
    pub docs: String,
    /// The provider fault this scenario exercises, if any; standard checks pick scenarios by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<Fault>,
    /// Connector config JSON with secrets replaced by `[REDACTED]` and the provider base URL
    /// replaced by `[SERVER]`.
    pub config: Value,
    /// The frozen "now" of the run.
    pub clock: DateTime<Utc>,
    /// What the run does: a credential check, a sync or an action.
    pub input: ScenarioInput,
    /// When true the interactions must arrive in exactly the recorded order.
    #[serde(default)]
    pub ordered: bool,
    /// The recorded HTTP exchanges, in the order they happened.
    pub interactions: Vec<Interaction>,
    /// The expected outcome of the run.
    pub expect: Expectation,
}

/// Provider faults a scenario can exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// The provider rejects the credentials.
    BadCredentials,
    /// The access token expires mid-run (a 401 on a data request).
    TokenExpiry,
    /// A 429 with `Retry-After`.
    RateLimit,
    /// A 5xx that recovers after a retry.
    ServerErrorRecovers,
    /// A 5xx that persists until retries are exhausted.
    ServerErrorPersists,
    /// A response body that is not valid JSON.
    MalformedJson,
    /// Enum values the connector does not know.
    UnknownEnumValues,
    /// Optional fields missing or null.
    MissingOptionalFields,
    /// A run that fails half-way.
    FailsHalfWay,
    /// A business error returned by the provider for an action.
    BusinessError,
}

impl Fault {
    /// Snake-case name, as written in fixtures.
    pub fn as_str(self) -> &'static str {
        match self {
            Fault::BadCredentials => "bad_credentials",
            Fault::TokenExpiry => "token_expiry",
            Fault::RateLimit => "rate_limit",
            Fault::ServerErrorRecovers => "server_error_recovers",
            Fault::ServerErrorPersists => "server_error_persists",
            Fault::MalformedJson => "malformed_json",
            Fault::UnknownEnumValues => "unknown_enum_values",
            Fault::MissingOptionalFields => "missing_optional_fields",
            Fault::FailsHalfWay => "fails_half_way",
            Fault::BusinessError => "business_error",
        }
    }
}

/// What a scenario asks the connector to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ScenarioInput {
    /// `Connector::check`.
    Check,
    /// `Connector::sync` with the given scope (the connector SDK's `SyncScope` as JSON).
    Sync {
        /// The sync scope, deserialized into the SDK's `SyncScope` at run time.
        scope: Value,
    },
    /// One write action.
    Action {
        /// Action name in snake case (`create_candidate`, `add_tag_to_candidate`, ...).
        action: String,
        /// The action input (the SDK's input type for that action, as JSON).
        input: Value,
    },
}

impl ScenarioInput {
    /// Short label for messages: `check`, `sync` or `action:<name>`.
    pub fn label(&self) -> String {
        match self {
            ScenarioInput::Check => "check".to_owned(),
            ScenarioInput::Sync { .. } => "sync".to_owned(),
            ScenarioInput::Action { action, .. } => format!("action:{action}"),
        }
    }
}

/// One request/response pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Interaction {
    /// What the connector sent.
    pub request: FixtureRequest,
    /// What the provider answered.
    pub response: FixtureResponse,
}

/// A recorded request in canonical form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureRequest {
    /// Upper-case HTTP method.
    pub method: String,
    /// URL path without the query string.
    pub path: String,
    /// Query parameters, sorted by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    /// Allow-listed headers (see [`MATCHED_REQUEST_HEADERS`]), lower-case names.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Request body, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<FixtureBody>,
}

/// A recorded response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureResponse {
    /// HTTP status code.
    pub status: u16,
    /// Allow-listed response headers (see [`KEPT_RESPONSE_HEADERS`]), lower-case names.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Response body, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<FixtureBody>,
}

/// A body: parsed JSON when it was JSON, raw text otherwise (malformed JSON stays text).
///
/// In recorded requests the string `[REDACTED]` (a JSON string value, or a piece of a text
/// body) matches any value, and `redacted` matches any body: the secrets they stood for are
/// not in the fixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FixtureBody {
    /// A JSON document.
    Json(Value),
    /// Anything else, verbatim.
    Text(String),
    /// A body withheld at recording time because it carried credentials.
    Redacted,
}

impl FixtureBody {
    /// Classifies raw bytes: JSON when they parse, text otherwise. Empty input gives `None`.
    pub fn from_bytes(bytes: &[u8]) -> Option<FixtureBody> {
        if bytes.is_empty() {
            return None;
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(value) => Some(FixtureBody::Json(value)),
            Err(_) => Some(FixtureBody::Text(
                String::from_utf8_lossy(bytes).into_owned(),
            )),
        }
    }

    /// The bytes to put on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            FixtureBody::Json(value) => value.to_string().into_bytes(),
            FixtureBody::Text(text) => text.clone().into_bytes(),
            FixtureBody::Redacted => Vec::new(),
        }
    }
}

/// Request headers that are recorded and matched; all others (authorization, user agent,
/// tokens, tracing ids) are ignored.
pub const MATCHED_REQUEST_HEADERS: &[&str] = &["content-type"];

/// Response headers that are recorded and replayed.
/// `link` and `location` values name the provider; recording replaces its origin by
/// `[SERVER]` and replay puts the replay server's URI back.
pub const KEPT_RESPONSE_HEADERS: &[&str] = &[
    "content-type",
    "retry-after",
    "link",
    "location",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
];

/// The expected outcome of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// `ok`, or `error` with a Kombo error code.
    pub outcome: ExpectedOutcome,
    /// For sync scenarios: the exact set of models the connector must mark complete
    /// (model names as in `Model::as_str`). `None` skips that assertion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete_models: Option<Vec<String>>,
}

/// Success or a specific error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "result", rename_all = "snake_case", deny_unknown_fields)]
pub enum ExpectedOutcome {
    /// The run succeeds.
    Ok,
    /// The run fails with this Kombo error code (`INTEGRATION.AUTHENTICATION_INVALID`, ...).
    Error {
        /// The Kombo error code.
        code: String,
    },
}

impl Fixture {
    /// Parses a fixture from JSON text and validates its version; `origin` names the source
    /// in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<Fixture, KitError> {
        let fixture: Fixture =
            serde_json::from_str(text).map_err(|source| KitError::FixtureParse {
                path: origin.to_owned(),
                source,
            })?;
        if fixture.version != FIXTURE_VERSION {
            return Err(KitError::FixtureVersion {
                path: origin.to_owned(),
                found: fixture.version,
            });
        }
        Ok(fixture)
    }

    /// Reads and parses one fixture file.
    pub fn load(path: &Path) -> Result<Fixture, KitError> {
        let text = std::fs::read_to_string(path).map_err(|source| KitError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Fixture::from_json(&text, &path.display().to_string())
    }

    /// Pretty JSON (two-space indent, trailing newline), the on-disk form.
    pub fn to_pretty_json(&self) -> Result<String, KitError> {
        let mut text = serde_json::to_string_pretty(self).map_err(KitError::Serialize)?;
        text.push('\n');
        Ok(text)
    }

    /// Writes the fixture to `path`, creating parent directories.
    pub fn save(&self, path: &Path) -> Result<(), KitError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| KitError::Io {
                path: parent.display().to_string(),
                source,
            })?;
        }
        std::fs::write(path, self.to_pretty_json()?).map_err(|source| KitError::Io {
            path: path.display().to_string(),
            source,
        })
    }

    /// The config with every `[SERVER]` placeholder replaced by `server_uri`.
    pub fn config_for_server(&self, server_uri: &str) -> Value {
        replace_json_strings(&self.config, SERVER_PLACEHOLDER, server_uri)
    }
}

/// Replaces `from` by `to` inside every string of a JSON value.
pub(crate) fn replace_json_strings(value: &Value, from: &str, to: &str) -> Value {
    match value {
        Value::String(text) => Value::String(text.replace(from, to)),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| replace_json_strings(item, from, to))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, item)| (key.clone(), replace_json_strings(item, from, to)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Loads every `*.json` fixture under `dir` (recursively), sorted by path.
pub fn load_dir(dir: &Path) -> Result<Vec<(PathBuf, Fixture)>, KitError> {
    let mut paths = Vec::new();
    collect_json_files(dir, &mut paths)?;
    paths.sort();
    paths
        .into_iter()
        .map(|path| Fixture::load(&path).map(|fixture| (path, fixture)))
        .collect()
}

pub(crate) fn collect_json_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), KitError> {
    let entries = std::fs::read_dir(dir).map_err(|source| KitError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| KitError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let path = entry.path();
        if path.is_dir() {
            collect_json_files(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// The JSON Schema (draft 2020-12) of the fixture format, for `cargo xtask` to publish.
pub fn fixture_json_schema() -> Value {
    let schema = schemars::schema_for!(Fixture);
    schema.to_value()
}
