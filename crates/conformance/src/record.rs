//! Recording: run a connector against a live provider (or the sandbox) through the
//! transport's recording hook and turn the scrubbed exchanges into a fixture.

use std::collections::BTreeMap;
use std::sync::Arc;

use atsbridge_connector::{Connector, ConnectorError, Context, ManualClock};
use atsbridge_http::{MemoryRecorder, RecordedBody, RecordedExchange, Recorder};
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::error::KitError;
use crate::fixture::{
    Expectation, ExpectedOutcome, FIXTURE_VERSION, Fault, Fixture, FixtureBody, FixtureRequest,
    FixtureResponse, Interaction, KEPT_RESPONSE_HEADERS, MATCHED_REQUEST_HEADERS, REDACTED,
    SERVER_PLACEHOLDER, ScenarioInput, replace_json_strings,
};
use crate::scenario::{drive, error_code};

/// What to record.
#[derive(Debug, Clone)]
pub struct RecordingSpec {
    /// Connector slug.
    pub connector: String,
    /// Scenario name.
    pub scenario: String,
    /// Why the scenario exists.
    pub docs: String,
    /// The fault the scenario exercises, if any.
    pub fault: Option<Fault>,
    /// The frozen clock of the run.
    pub clock: DateTime<Utc>,
    /// What to run.
    pub input: ScenarioInput,
    /// The provider's base URL as it appears in the config (scheme, host and port only); it is
    /// replaced by `[SERVER]` everywhere in the fixture.
    pub base_url: String,
    /// Config keys whose values are secrets; they become `[REDACTED]`.
    pub secret_keys: Vec<String>,
}

/// Builds a connector from a config JSON.
pub type BuildFromConfig<'a> = dyn Fn(&Value) -> Result<Arc<dyn Connector>, ConnectorError> + 'a;

/// Builds a connector whose transport reports every exchange to the given recorder.
pub type RecordingBuild<'a> =
    &'a dyn Fn(&Value, Arc<dyn Recorder>) -> Result<Arc<dyn Connector>, ConnectorError>;

/// Runs `spec.input` against the provider `config` points at, and returns the scrubbed
/// fixture: secrets redacted, the base URL replaced by `[SERVER]`, only allow-listed headers
/// kept, and the observed outcome as the expectation. Lint the result before committing it.
pub async fn record_scenario(
    build: RecordingBuild<'_>,
    config: &Value,
    spec: RecordingSpec,
) -> Result<Fixture, KitError> {
    let recorder = Arc::new(MemoryRecorder::new());
    let connector = build(config, recorder.clone()).map_err(|error| KitError::Build {
        scenario: spec.scenario.clone(),
        message: error.to_string(),
    })?;
    let ctx = Context::new("recording")
        .with_clock(Arc::new(ManualClock::new(spec.clock)) as Arc<dyn atsbridge_connector::Clock>);
    let probe = empty_fixture(&spec);
    let (error, sink, _output) = drive(connector.as_ref(), &ctx, &probe).await?;

    let base = spec.base_url.trim_end_matches('/');
    let secrets = secret_values(config, &spec.secret_keys);
    // The base URL first (so the placeholder survives), then the personal-data scrub the proxy
    // path applies too.
    let scrub = |value: &Value| {
        let mut value = replace_json_strings(value, base, SERVER_PLACEHOLDER);
        crate::proxy::scrub_json(&mut value, &secrets);
        value
    };
    let interactions = recorder
        .take()
        .into_iter()
        .map(|exchange| interaction_from_exchange(exchange, &scrub))
        .collect();
    Ok(Fixture {
        config: scrub(&scrub_config(config, &spec.secret_keys)),
        interactions,
        expect: observed_expectation(error.as_ref(), sink.as_ref()),
        ..probe
    })
}

/// The values of the config's secret keys (to be scrubbed wherever they show up).
fn secret_values(config: &Value, secret_keys: &[String]) -> Vec<String> {
    secret_keys
        .iter()
        .filter_map(|key| config.get(key).and_then(Value::as_str).map(str::to_owned))
        .collect()
}

fn scrub_config(config: &Value, secret_keys: &[String]) -> Value {
    match config {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| {
                    if secret_keys.iter().any(|secret| secret == key) && !value.is_null() {
                        (key.clone(), Value::String(REDACTED.to_owned()))
                    } else {
                        (key.clone(), scrub_config(value, secret_keys))
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| scrub_config(item, secret_keys))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn keep_headers(headers: BTreeMap<String, String>, allowed: &[&str]) -> BTreeMap<String, String> {
    headers
        .into_iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value))
        .filter(|(name, _)| allowed.contains(&name.as_str()))
        .collect()
}

/// Applies the body scrub (base URL to `[SERVER]`, secrets) to header values too.
fn scrub_headers(
    headers: BTreeMap<String, String>,
    scrub: &dyn Fn(&Value) -> Value,
) -> BTreeMap<String, String> {
    headers
        .into_iter()
        .map(|(name, value)| match scrub(&Value::String(value.clone())) {
            Value::String(scrubbed) => (name, scrubbed),
            _ => (name, value),
        })
        .collect()
}

fn body_from_recorded(
    body: Option<RecordedBody>,
    scrub: &dyn Fn(&Value) -> Value,
) -> Option<FixtureBody> {
    match body? {
        RecordedBody::Json(value) => Some(FixtureBody::Json(scrub(&value))),
        RecordedBody::Text(text) => match scrub(&Value::String(text)) {
            Value::String(text) => Some(FixtureBody::Text(text)),
            _ => None,
        },
        RecordedBody::Base64(data) => Some(FixtureBody::Text(data)),
        RecordedBody::Redacted => Some(FixtureBody::Redacted),
    }
}

fn interaction_from_exchange(
    exchange: RecordedExchange,
    scrub: &dyn Fn(&Value) -> Value,
) -> Interaction {
    Interaction {
        request: FixtureRequest {
            method: exchange.method.to_ascii_uppercase(),
            path: exchange.path,
            query: exchange.query.into_iter().collect(),
            headers: keep_headers(exchange.request_headers, MATCHED_REQUEST_HEADERS),
            body: body_from_recorded(exchange.request_body, scrub),
        },
        response: FixtureResponse {
            status: exchange.status,
            headers: scrub_headers(
                keep_headers(exchange.response_headers, KEPT_RESPONSE_HEADERS),
                scrub,
            ),
            body: body_from_recorded(exchange.response_body, scrub),
        },
    }
}

/// Like [`record_scenario`], for connectors whose transport the kit cannot hook: the config's
/// base URL (`spec.base_url`) is pointed at a [`RecordingProxy`](crate::proxy::RecordingProxy)
/// that forwards to the provider and keeps scrubbed copies of the exchanges. Values of
/// `spec.secret_keys` in the config are scrubbed from every recorded body and query.
pub async fn record_via_proxy(
    build: &BuildFromConfig<'_>,
    config: &Value,
    spec: RecordingSpec,
) -> Result<Fixture, KitError> {
    let secrets = secret_values(config, &spec.secret_keys);
    let proxy = crate::proxy::RecordingProxy::start(&spec.base_url, secrets).await?;
    let base = spec.base_url.trim_end_matches('/');
    let proxied = replace_json_strings(config, base, proxy.uri());
    let connector = build(&proxied).map_err(|error| KitError::Build {
        scenario: spec.scenario.clone(),
        message: error.to_string(),
    })?;
    let ctx = Context::new("recording")
        .with_clock(Arc::new(ManualClock::new(spec.clock)) as Arc<dyn atsbridge_connector::Clock>);
    let mut fixture = empty_fixture(&spec);
    let (error, sink, _output) = drive(connector.as_ref(), &ctx, &fixture).await?;
    let proxy_uri = proxy.uri().to_owned();
    let scrub = |value: &Value| {
        replace_json_strings(
            &replace_json_strings(value, &proxy_uri, SERVER_PLACEHOLDER),
            base,
            SERVER_PLACEHOLDER,
        )
    };
    fixture.interactions = proxy
        .take()
        .into_iter()
        .map(|mut interaction| {
            interaction.request.body = interaction
                .request
                .body
                .map(|body| scrub_body(body, &scrub));
            interaction.response.body = interaction
                .response
                .body
                .map(|body| scrub_body(body, &scrub));
            interaction.response.headers =
                scrub_headers(std::mem::take(&mut interaction.response.headers), &scrub);
            interaction
        })
        .collect();
    fixture.config = scrub(&scrub_config(config, &spec.secret_keys));
    fixture.expect = observed_expectation(error.as_ref(), sink.as_ref());
    Ok(fixture)
}

fn scrub_body(body: FixtureBody, scrub: &dyn Fn(&Value) -> Value) -> FixtureBody {
    match body {
        FixtureBody::Json(value) => FixtureBody::Json(scrub(&value)),
        FixtureBody::Text(text) => match scrub(&Value::String(text.clone())) {
            Value::String(text) => FixtureBody::Text(text),
            _ => FixtureBody::Text(text),
        },
        FixtureBody::Redacted => FixtureBody::Redacted,
    }
}

fn empty_fixture(spec: &RecordingSpec) -> Fixture {
    Fixture {
        version: FIXTURE_VERSION,
        connector: spec.connector.clone(),
        scenario: spec.scenario.clone(),
        docs: spec.docs.clone(),
        fault: spec.fault,
        config: Value::Null,
        clock: spec.clock,
        input: spec.input.clone(),
        ordered: false,
        interactions: Vec::new(),
        expect: Expectation {
            outcome: ExpectedOutcome::Ok,
            complete_models: None,
        },
    }
}

fn observed_expectation(
    error: Option<&ConnectorError>,
    sink: Option<&atsbridge_connector::MemorySink>,
) -> Expectation {
    Expectation {
        outcome: match error {
            None => ExpectedOutcome::Ok,
            Some(error) => ExpectedOutcome::Error {
                code: error_code(error).to_owned(),
            },
        },
        complete_models: sink.map(|sink| {
            sink.complete
                .iter()
                .map(|model| model.as_str().to_owned())
                .collect()
        }),
    }
}
