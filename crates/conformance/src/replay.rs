//! Replays a fixture on a wiremock server: every interaction is mounted with `expect(1)` and
//! `up_to_n_times(1)` in recorded order, and a catch-all mounted last answers any other request
//! with a distinctive error that names the request and how to record it.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde::Serialize;
use wiremock::http::{HeaderName, HeaderValue};
use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::error::KitError;
use crate::fixture::{
    Fixture, FixtureBody, FixtureResponse, Interaction, REDACTED, SERVER_PLACEHOLDER,
    replace_json_strings,
};
use crate::request::CanonicalRequest;

/// Status of the catch-all answer; deliberately odd so it is recognisable in connector errors.
pub const UNMATCHED_STATUS: u16 = 418;

/// Header set on the catch-all answer.
pub const UNMATCHED_HEADER: &str = "x-atsbridge-conformance";

/// Stands in for every `[REDACTED]` secret of a fixture's config during replay; it must never
/// show up in errors, records, outputs or snapshots.
pub const CANARY_SECRET: &str = "atsbridge-canary-secret";

/// Stands in for every `[REDACTED]` value in replayed responses (tokens handed out by the
/// provider); it must never show up in errors, records, outputs or snapshots.
pub const CANARY_TOKEN: &str = "atsbridge-canary-token";

/// The replayed form of a recorded response body: `[REDACTED]` becomes [`CANARY_TOKEN`].
fn with_canaries(body: &FixtureBody) -> FixtureBody {
    match body {
        FixtureBody::Json(value) => {
            FixtureBody::Json(replace_json_strings(value, REDACTED, CANARY_TOKEN))
        }
        FixtureBody::Text(text) => FixtureBody::Text(text.replace(REDACTED, CANARY_TOKEN)),
        FixtureBody::Redacted => FixtureBody::Redacted,
    }
}

/// Reads the virtual time at which a request reached the server (for instance the run's
/// manual clock), so checks can assert waits without wall-clock thresholds.
pub type TimeSource = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// One request the replay server received.
#[derive(Debug, Clone, Serialize)]
pub struct ObservedRequest {
    /// The request in canonical form.
    pub request: CanonicalRequest,
    /// Index of the interaction that answered it; `None` means the catch-all did.
    pub interaction: Option<usize>,
    /// Virtual time of arrival, when the replay was started with a [`TimeSource`].
    pub at: Option<DateTime<Utc>>,
}

#[derive(Default)]
struct ReplayLog {
    observed: Vec<ObservedRequest>,
    /// Next interaction index allowed in ordered mode.
    next_ordered: usize,
}

type SharedLog = Arc<Mutex<ReplayLog>>;

fn lock(log: &SharedLog) -> MutexGuard<'_, ReplayLog> {
    log.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Never matches; only writes each arriving request into the log. Mounted first.
struct Observer {
    log: SharedLog,
    time: Option<TimeSource>,
}

impl Match for Observer {
    fn matches(&self, request: &Request) -> bool {
        let at = self.time.as_ref().map(|time| time());
        lock(&self.log).observed.push(ObservedRequest {
            request: CanonicalRequest::from_wiremock(request),
            interaction: None,
            at,
        });
        false
    }
}

/// Matches one recorded interaction and notes in the log that it answered the last request.
struct InteractionMatcher {
    index: usize,
    interaction: Interaction,
    ordered: bool,
    log: SharedLog,
}

impl Match for InteractionMatcher {
    fn matches(&self, request: &Request) -> bool {
        let mut log = lock(&self.log);
        if self.ordered && log.next_ordered != self.index {
            return false;
        }
        if !CanonicalRequest::from_wiremock(request).matches(&self.interaction.request) {
            return false;
        }
        log.next_ordered = self.index + 1;
        if let Some(last) = log.observed.last_mut() {
            last.interaction = Some(self.index);
        }
        true
    }
}

struct CatchAll {
    fixture: Arc<Fixture>,
}

impl Respond for CatchAll {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let canonical = CanonicalRequest::from_wiremock(request);
        let message = unmatched_message(&self.fixture, &canonical);
        tracing::warn!(target: "atsbridge_conformance", "{message}");
        ResponseTemplate::new(UNMATCHED_STATUS)
            .insert_header(UNMATCHED_HEADER, "unmatched-request")
            .set_body_raw(
                serde_json::json!({ "conformance_error": message }).to_string(),
                "application/json",
            )
    }
}

/// The message the catch-all returns: the request, the closest recorded one and how to fix it.
pub fn unmatched_message(fixture: &Fixture, request: &CanonicalRequest) -> String {
    let closest = fixture
        .interactions
        .iter()
        .enumerate()
        .filter(|(_, interaction)| {
            interaction
                .request
                .method
                .eq_ignore_ascii_case(&request.method)
                && interaction.request.path == request.path
        })
        .find_map(|(index, interaction)| {
            request
                .mismatch(&interaction.request)
                .map(|mismatch| format!(" Closest recorded interaction #{index}: {mismatch}."))
        })
        .unwrap_or_default();
    format!(
        "atsbridge-conformance: no recorded interaction for `{}` in fixture `{}/{}`.{closest} \
         Record the scenario again (atsbridge_conformance::record_scenario against the sandbox or \
         a live account) or add the interaction to fixtures/{}/{}.json by hand.",
        request.line(),
        fixture.connector,
        fixture.scenario,
        fixture.connector,
        fixture.scenario,
    )
}

/// A running replay of one fixture.
pub struct ReplayServer {
    server: MockServer,
    fixture: Arc<Fixture>,
    log: SharedLog,
}

impl fmt::Debug for ReplayServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayServer")
            .field("uri", &self.server.uri())
            .field("scenario", &self.fixture.scenario)
            .finish()
    }
}

impl ReplayServer {
    /// Starts a server replaying `fixture`.
    pub async fn start(fixture: &Fixture) -> Result<ReplayServer, KitError> {
        ReplayServer::start_inner(fixture, None).await
    }

    /// Starts a server that also stamps every request with `time()` on arrival.
    pub async fn start_with_time(
        fixture: &Fixture,
        time: TimeSource,
    ) -> Result<ReplayServer, KitError> {
        ReplayServer::start_inner(fixture, Some(time)).await
    }

    async fn start_inner(
        fixture: &Fixture,
        time: Option<TimeSource>,
    ) -> Result<ReplayServer, KitError> {
        let server = MockServer::start().await;
        let templates = fixture
            .interactions
            .iter()
            .map(|interaction| response_template(fixture, &interaction.response, &server.uri()))
            .collect::<Result<Vec<_>, _>>()?;
        let fixture = Arc::new(fixture.clone());
        let log = SharedLog::default();

        Mock::given(Observer {
            log: log.clone(),
            time,
        })
        .respond_with(ResponseTemplate::new(500))
        .with_priority(1)
        .named("request observer")
        .mount(&server)
        .await;

        for (index, (interaction, template)) in
            fixture.interactions.iter().zip(templates).enumerate()
        {
            Mock::given(InteractionMatcher {
                index,
                interaction: interaction.clone(),
                ordered: fixture.ordered,
                log: log.clone(),
            })
            .respond_with(template)
            .with_priority(2)
            .up_to_n_times(1)
            .expect(1)
            .named(format!(
                "{}#{index} {}",
                fixture.scenario,
                CanonicalRequest::from_fixture(&interaction.request).line()
            ))
            .mount(&server)
            .await;
        }

        Mock::given(wiremock::matchers::any())
            .respond_with(CatchAll {
                fixture: fixture.clone(),
            })
            .with_priority(u8::MAX)
            .named("catch-all for unrecorded requests")
            .mount(&server)
            .await;

        Ok(ReplayServer {
            server,
            fixture,
            log,
        })
    }

    /// Base URI of the server (`http://127.0.0.1:<port>`).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The fixture being replayed.
    pub fn fixture(&self) -> &Fixture {
        &self.fixture
    }

    /// The fixture's connector config pointed at this server, with every `[REDACTED]` secret
    /// replaced by [`CANARY_SECRET`].
    pub fn config(&self) -> serde_json::Value {
        replace_json_strings(
            &self.fixture.config_for_server(&self.uri()),
            REDACTED,
            CANARY_SECRET,
        )
    }

    /// Every request received so far, in arrival order.
    pub fn observed(&self) -> Vec<ObservedRequest> {
        lock(&self.log).observed.clone()
    }

    /// Checks that every interaction was used exactly once and nothing else was requested.
    pub fn verify_consumed(&self) -> Result<(), ReplayFailure> {
        let observed = self.observed();
        let mut used = vec![false; self.fixture.interactions.len()];
        let mut unmatched = Vec::new();
        for entry in &observed {
            match entry.interaction {
                Some(index) => {
                    if let Some(slot) = used.get_mut(index) {
                        *slot = true;
                    }
                }
                None => unmatched.push(entry.request.line()),
            }
        }
        let unused: Vec<String> = used
            .iter()
            .enumerate()
            .filter(|(_, used)| !**used)
            .filter_map(|(index, _)| {
                self.fixture.interactions.get(index).map(|interaction| {
                    format!(
                        "#{index} {}",
                        CanonicalRequest::from_fixture(&interaction.request).line()
                    )
                })
            })
            .collect();
        if unmatched.is_empty() && unused.is_empty() {
            Ok(())
        } else {
            Err(ReplayFailure {
                scenario: self.fixture.scenario.clone(),
                unmatched,
                unused,
            })
        }
    }

    /// Verifies consumption and shuts the server down. On failure the wiremock expectations
    /// are cleared first, so the error is returned instead of a panic on drop.
    pub async fn finish(self) -> Result<Vec<ObservedRequest>, ReplayFailure> {
        let outcome = self.verify_consumed();
        if outcome.is_err() {
            self.server.reset().await;
        }
        outcome.map(|()| self.observed())
    }

    /// Clears the wiremock expectations so dropping the server never panics; for checks that
    /// report consumption problems through their own result.
    pub async fn disarm(&self) {
        self.server.reset().await;
    }
}

/// Interactions that were not used, or requests nobody recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ReplayFailure {
    /// The scenario replayed.
    pub scenario: String,
    /// Requests answered by the catch-all.
    pub unmatched: Vec<String>,
    /// Recorded interactions that were never requested.
    pub unused: Vec<String>,
}

impl fmt::Display for ReplayFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "replay of `{}` did not line up:", self.scenario)?;
        for line in &self.unmatched {
            write!(f, " unrecorded request `{line}`;")?;
        }
        for line in &self.unused {
            write!(f, " interaction {line} never requested;")?;
        }
        Ok(())
    }
}

/// The response of one interaction; `[SERVER]` in header values (`Link`, `Location`) becomes
/// the replay server's URI so a connector following them stays on the replay.
fn response_template(
    fixture: &Fixture,
    response: &FixtureResponse,
    server_uri: &str,
) -> Result<ResponseTemplate, KitError> {
    let unreplayable = |message: String| KitError::Unreplayable {
        scenario: fixture.scenario.clone(),
        message,
    };
    if !(100..=599).contains(&response.status) {
        return Err(unreplayable(format!(
            "status {} is not an HTTP status",
            response.status
        )));
    }
    let mut template = ResponseTemplate::new(response.status);
    let mut content_type = None;
    for (name, value) in &response.headers {
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| unreplayable(format!("bad header name `{name}`")))?;
        let header_value = HeaderValue::from_str(&value.replace(SERVER_PLACEHOLDER, server_uri))
            .map_err(|_| unreplayable(format!("bad value for header `{name}`")))?;
        if header_name.as_str() == "content-type" {
            content_type = Some(value.clone());
        } else {
            template = template.insert_header(header_name, header_value);
        }
    }
    if let Some(body) = &response.body {
        let mime = content_type.unwrap_or_else(|| match body {
            FixtureBody::Json(_) => "application/json; charset=utf-8".to_owned(),
            FixtureBody::Text(_) | FixtureBody::Redacted => "text/plain; charset=utf-8".to_owned(),
        });
        template = template.set_body_raw(with_canaries(body).to_bytes(), &mime);
    } else if let Some(mime) = content_type {
        template = template.set_body_raw(Vec::new(), &mime);
    }
    Ok(template)
}
