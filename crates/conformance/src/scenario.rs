//! Running one fixture against a connector on a replay server, and judging the run against
//! the fixture's expectation.

use std::sync::Arc;

use atsbridge_connector::{
    Connector, ConnectorError, Context, ManualClock, MemorySink, Model, SyncScope,
};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::action_input::{parse_action, run_action};
use crate::error::KitError;
use crate::fixture::{
    ExpectedOutcome, Fault, Fixture, REDACTED, ScenarioInput, replace_json_strings,
};
use crate::replay::{
    CANARY_SECRET, CANARY_TOKEN, ObservedRequest, ReplayFailure, ReplayServer, TimeSource,
};

/// Builds the connector under test from a replay config (the fixture's config pointed at the
/// replay server). Usually `ConnectorFactory::build`.
pub type BuildConnector =
    Arc<dyn Fn(&Value) -> Result<Arc<dyn Connector>, ConnectorError> + Send + Sync>;

/// Everything one replayed scenario produced.
#[derive(Debug)]
pub struct ScenarioRun {
    /// The fixture that was replayed.
    pub fixture: Fixture,
    /// The replay server's URI (snapshots replace it with `[SERVER]`).
    pub server_uri: String,
    /// The connector's error, when the run failed.
    pub error: Option<ConnectorError>,
    /// What a sync pushed (sync scenarios only).
    pub sink: Option<MemorySink>,
    /// The check report or action output as JSON (check and action scenarios).
    pub output: Option<Value>,
    /// The requests the server received, in order.
    pub observed: Vec<ObservedRequest>,
    /// Whether every interaction was used exactly once and nothing else was asked.
    pub replay: Result<(), ReplayFailure>,
}

/// How to run a scenario.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Freeze tokio's clock for the run (retries and `Retry-After` waits pass instantly) and
    /// stamp each request with the virtual time it arrived at.
    pub paused_time: bool,
}

impl RunOptions {
    /// Paused time for fixtures whose fault makes a connector wait or back off.
    pub fn for_fixture(fixture: &Fixture) -> RunOptions {
        RunOptions {
            paused_time: matches!(
                fixture.fault,
                Some(
                    Fault::RateLimit
                        | Fault::ServerErrorRecovers
                        | Fault::ServerErrorPersists
                        | Fault::FailsHalfWay
                )
            ),
        }
    }
}

/// Replays `fixture` against a connector built by `build`.
pub async fn run_scenario(
    build: &BuildConnector,
    fixture: &Fixture,
    options: RunOptions,
) -> Result<ScenarioRun, KitError> {
    let server = if options.paused_time {
        ReplayServer::start_with_time(fixture, virtual_time_source(fixture.clock)).await?
    } else {
        ReplayServer::start(fixture).await?
    };
    let config = server.config();
    let connector = match build(&config) {
        Ok(connector) => connector,
        Err(error) => {
            server.disarm().await;
            return Err(KitError::Build {
                scenario: fixture.scenario.clone(),
                message: error.to_string(),
            });
        }
    };
    let ctx = Context::new("conformance").with_clock(
        Arc::new(ManualClock::new(fixture.clock)) as Arc<dyn atsbridge_connector::Clock>
    );

    let ticker = if options.paused_time {
        tokio::time::pause();
        Some(tokio::spawn(virtual_ticker()))
    } else {
        None
    };
    let outcome = drive(connector.as_ref(), &ctx, fixture).await;
    if let Some(ticker) = ticker {
        ticker.abort();
        tokio::time::resume();
    }
    let (error, sink, output) = match outcome {
        Ok(parts) => parts,
        Err(error) => {
            server.disarm().await;
            return Err(error);
        }
    };

    let observed = server.observed();
    let replay = server.verify_consumed();
    // Consumption is reported through `replay`; clear wiremock's own expectations so
    // dropping the server does not panic on top of it.
    server.disarm().await;
    Ok(ScenarioRun {
        fixture: fixture.clone(),
        server_uri: server.uri(),
        error,
        sink,
        output,
        observed,
        replay,
    })
}

type DriveOutput = (Option<ConnectorError>, Option<MemorySink>, Option<Value>);

pub(crate) async fn drive(
    connector: &dyn Connector,
    ctx: &Context,
    fixture: &Fixture,
) -> Result<DriveOutput, KitError> {
    match &fixture.input {
        ScenarioInput::Check => match connector.check(ctx).await {
            Ok(report) => Ok((
                None,
                None,
                Some(serde_json::to_value(&report).unwrap_or(Value::Null)),
            )),
            Err(error) => Ok((Some(error), None, None)),
        },
        ScenarioInput::Sync { scope } => {
            let scope: SyncScope =
                serde_json::from_value(scope.clone()).map_err(|error| KitError::BadInput {
                    scenario: fixture.scenario.clone(),
                    message: format!("sync scope: {error}"),
                })?;
            let mut sink = MemorySink::new();
            let result = connector.sync(ctx, &scope, &mut sink).await;
            Ok((result.err(), Some(sink), None))
        }
        ScenarioInput::Action { action, input } => {
            let Some(parsed) = parse_action(action) else {
                return Err(KitError::BadInput {
                    scenario: fixture.scenario.clone(),
                    message: format!("unknown action `{action}`"),
                });
            };
            let result = run_action(connector, ctx, parsed, input)
                .await
                .map_err(|error| KitError::BadInput {
                    scenario: fixture.scenario.clone(),
                    message: error.to_string(),
                })?;
            match result {
                Ok(output) => Ok((None, None, Some(output))),
                Err(error) => Ok((Some(error), None, None)),
            }
        }
    }
}

/// Keeps a timer 100 µs ahead while time is paused. Tokio auto-advances a paused clock to the
/// next timer whenever the runtime idles, including while it waits for a socket; without this
/// ticker that next timer would be the connector's per-attempt timeout, which would fire
/// before the replay server could answer. With it, virtual time creeps forward in small steps
/// while a request is in flight, and still jumps quickly through deliberate waits.
async fn virtual_ticker() {
    loop {
        tokio::time::sleep(std::time::Duration::from_micros(100)).await;
    }
}

/// A time source that reads tokio's (possibly paused) clock of the calling runtime from the
/// wiremock thread and maps it onto the fixture's frozen clock.
pub fn virtual_time_source(start: DateTime<Utc>) -> TimeSource {
    let handle = tokio::runtime::Handle::current();
    let origin = tokio::time::Instant::now();
    Arc::new(move || {
        let _entered = handle.enter();
        let elapsed = tokio::time::Instant::now().saturating_duration_since(origin);
        start + chrono::Duration::from_std(elapsed).unwrap_or_default()
    })
}

/// The Kombo error code of a connector error (`INTEGRATION.AUTHENTICATION_INVALID`, ...).
pub fn error_code(error: &ConnectorError) -> &'static str {
    error.kombo_code().as_str()
}

impl ScenarioRun {
    /// The records pushed for `model` (empty for non-sync runs).
    pub fn records(&self, model: Model) -> Vec<Value> {
        self.sink
            .as_ref()
            .map(|sink| {
                sink.records_of(model)
                    .iter()
                    .map(|record| {
                        serde_json::to_value(record)
                            .ok()
                            .and_then(|value| value.get("record").cloned())
                            .unwrap_or(Value::Null)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Checks the run against the fixture: outcome and error code, the models marked
    /// complete (when the fixture lists them), full consumption of the interactions, and no
    /// canary secret anywhere in the output.
    pub fn verify_expectation(&self) -> Result<(), String> {
        let scenario = &self.fixture.scenario;
        match (&self.fixture.expect.outcome, &self.error) {
            (ExpectedOutcome::Ok, None) => {}
            (ExpectedOutcome::Ok, Some(error)) => {
                return Err(format!(
                    "`{scenario}` should succeed but failed with {}: {error}",
                    error_code(error)
                ));
            }
            (ExpectedOutcome::Error { code }, None) => {
                return Err(format!(
                    "`{scenario}` should fail with {code} but succeeded"
                ));
            }
            (ExpectedOutcome::Error { code }, Some(error)) => {
                if error_code(error) != code {
                    return Err(format!(
                        "`{scenario}` should fail with {code} but failed with {}: {error}",
                        error_code(error)
                    ));
                }
            }
        }
        if let (Some(expected), Some(sink)) = (&self.fixture.expect.complete_models, &self.sink) {
            let mut expected: Vec<&str> = expected.iter().map(String::as_str).collect();
            expected.sort_unstable();
            let mut actual: Vec<&str> = sink.complete.iter().map(|model| model.as_str()).collect();
            actual.sort_unstable();
            if expected != actual {
                return Err(format!(
                    "`{scenario}` marked {actual:?} complete; expected exactly {expected:?}"
                ));
            }
        }
        self.replay.clone().map_err(|failure| failure.to_string())?;
        self.verify_no_secret_leak()
    }

    /// Fails when a canary secret or token appears in the error (message or `Debug`), the
    /// records, the output or the state.
    pub fn verify_no_secret_leak(&self) -> Result<(), String> {
        let mut texts = Vec::new();
        if let Some(error) = &self.error {
            texts.push(("error message", error.to_string()));
            texts.push(("error debug output", format!("{error:?}")));
        }
        if let Some(sink) = &self.sink {
            texts.push(("records", format!("{:?}", sink.records)));
            texts.push(("state", format!("{:?}", sink.state)));
        }
        if let Some(output) = &self.output {
            texts.push(("output", output.to_string()));
        }
        for (place, text) in texts {
            for canary in [CANARY_SECRET, CANARY_TOKEN] {
                if text.contains(canary) {
                    return Err(format!(
                        "`{}` leaks a credential into the {place}",
                        self.fixture.scenario
                    ));
                }
            }
        }
        Ok(())
    }

    /// The reviewable result of the run for an insta snapshot: outcome, records per model
    /// (sorted by remote id), models marked complete, state, output and the request sequence.
    pub fn snapshot(&self) -> Value {
        let outcome = match &self.error {
            None => json!({"result": "ok"}),
            Some(error) => json!({
                "result": "error",
                "code": error_code(error),
                "message": error.to_string(),
            }),
        };
        let mut snapshot = json!({
            "scenario": self.fixture.scenario,
            "input": self.fixture.input.label(),
            "outcome": outcome,
        });
        if let Some(sink) = &self.sink {
            let mut records = serde_json::Map::new();
            for model in Model::ALL {
                let mut of_model = self.records(model);
                if of_model.is_empty() {
                    continue;
                }
                of_model.sort_by(|a, b| {
                    let key = |v: &Value| v.get("remote_id").map(Value::to_string);
                    key(a).cmp(&key(b))
                });
                records.insert(model.as_str().to_owned(), Value::Array(of_model));
            }
            snapshot["records"] = Value::Object(records);
            snapshot["complete_models"] = json!(
                sink.complete
                    .iter()
                    .map(|model| model.as_str())
                    .collect::<Vec<_>>()
            );
            snapshot["state"] = sink.state.clone().unwrap_or(Value::Null);
        }
        if let Some(output) = &self.output {
            snapshot["output"] = output.clone();
        }
        snapshot["requests"] = Value::Array(
            self.observed
                .iter()
                .map(|entry| {
                    let mut request = json!({
                        "line": entry.request.line(),
                        "answered_by": entry.interaction,
                    });
                    if let Some(body) = &entry.request.body {
                        // The connector legitimately sends the (canary) credentials to the
                        // provider; the snapshot shows where, not what.
                        let body = serde_json::to_value(body).unwrap_or(Value::Null);
                        let body = replace_json_strings(&body, CANARY_SECRET, REDACTED);
                        request["body"] = replace_json_strings(&body, CANARY_TOKEN, REDACTED);
                    }
                    request
                })
                .collect(),
        );
        snapshot
    }
}
