//! "Acme", a tiny connector for a made-up provider, plus switches that break it in the ways
//! the standard checks must notice. Its fixtures live in `fixtures()`.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use atsbridge_conformance::ConformanceKit;
use atsbridge_conformance::fixture::{
    Expectation, ExpectedOutcome, Fault, Fixture, FixtureBody, FixtureRequest, FixtureResponse,
    Interaction, ScenarioInput,
};
use atsbridge_connector::{
    Action, ActionCoverage, ActionOutcome, CandidateTagInput, Capabilities, CheckReport, Connector,
    ConnectorError, ConnectorInfo, Context, Coverage, DeletionDetection, Model, ModelAccess,
    ModelCoverage, RecordSink, SyncMode, SyncScope,
};
use atsbridge_schema::record::{CandidateRecord, JobRecord, UnifiedRecord};
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// Ways to break the connector.
#[derive(Debug, Clone, Copy, Default)]
pub struct Breakage {
    pub duplicate_ids: bool,
    pub skip_second_page: bool,
    /// Declares `candidate.last_name` and `remove_candidate_tag` without supporting them.
    pub declares_too_much: bool,
    /// Fills `candidate.title` and performs `remove_candidate_tag` without declaring them.
    pub declares_too_little: bool,
    pub ignores_retry_after: bool,
    pub leaks_secret: bool,
    pub no_reauth: bool,
    pub no_retry_on_5xx: bool,
    pub marks_complete_early: bool,
    /// Declares this candidate field as always empty (with a reason). Acme never fills
    /// `last_name`, so marking it is honest; marking `first_name` is not.
    pub marks_always_empty: Option<&'static str>,
    /// Declares a field the unified format does not have (`candidate.nickname`).
    pub declares_unknown_field: bool,
    /// Marks candidates complete in a delta run, which would make the engine delete every
    /// candidate the delta did not read.
    pub delta_marks_complete: bool,
    /// Declares paged lists while its only sync fixture reads one page.
    pub single_page_fixtures: bool,
}

#[derive(Debug)]
pub struct Acme {
    base: String,
    key: String,
    token: Mutex<Option<String>>,
    http: reqwest::Client,
    broken: Breakage,
}

pub fn coverage(broken: Breakage) -> Coverage {
    let mut candidate = ModelCoverage::new(Model::Candidate).fields(["remote_id", "first_name"]);
    let mut coverage = Coverage::new()
        .model(ModelCoverage::new(Model::Job).fields(["remote_id", "name"]))
        .action(ActionCoverage::new(Action::AddCandidateTag));
    if broken.declares_too_much {
        candidate = candidate.fields(["last_name"]);
        coverage = coverage.action(ActionCoverage::new(Action::RemoveCandidateTag));
    }
    if let Some(field) = broken.marks_always_empty {
        candidate.fields.retain(|declared| declared.name != field);
        candidate = candidate.field_always_empty(field, "Acme keeps a single name field.");
    }
    if broken.declares_unknown_field {
        candidate = candidate.fields(["nickname"]);
    }
    coverage.model(candidate).capabilities(Capabilities {
        delta_sync: true,
        deletion_detection: DeletionDetection::FullScanDiff,
        expiring_tokens: true,
        paged_lists: true,
        ..Capabilities::default()
    })
}

pub fn kit(broken: Breakage) -> ConformanceKit {
    ConformanceKit::from_builder(coverage(broken), move |config: &Value| {
        let base = config["base_url"].as_str().unwrap_or_default().to_owned();
        let key = config["api_key"].as_str().unwrap_or_default().to_owned();
        Ok(Arc::new(Acme {
            base,
            key,
            token: Mutex::new(None),
            http: reqwest::Client::new(),
            broken,
        }) as Arc<dyn Connector>)
    })
    .with_fixtures(fixtures_for(broken))
}

fn transport(error: reqwest::Error) -> ConnectorError {
    ConnectorError::transport(error.without_url().to_string())
}

impl Acme {
    async fn authenticate(&self) -> Result<String, ConnectorError> {
        let response = self
            .http
            .post(format!("{}/token", self.base))
            .json(&json!({"key": self.key}))
            .send()
            .await
            .map_err(transport)?;
        if response.status().as_u16() == 401 {
            let message = if self.broken.leaks_secret {
                format!("key {} was rejected", self.key)
            } else {
                "the API key was rejected".to_owned()
            };
            return Err(ConnectorError::unauthenticated(message));
        }
        let body: Value = response.json().await.map_err(transport)?;
        let token = body["token"].as_str().unwrap_or_default().to_owned();
        *self.token.lock().await = Some(token.clone());
        Ok(token)
    }

    async fn token(&self) -> Result<String, ConnectorError> {
        let cached = self.token.lock().await.clone();
        match cached {
            Some(token) => Ok(token),
            None => self.authenticate().await,
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, ConnectorError> {
        let mut reauthed = false;
        let mut server_errors = 0;
        loop {
            let token = self.token().await?;
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .header("x-token", token);
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await.map_err(transport)?;
            let status = response.status().as_u16();
            match status {
                200..=299 => {
                    let text = response.text().await.map_err(transport)?;
                    return Ok(serde_json::from_str(&text).unwrap_or(Value::Null));
                }
                401 if !reauthed && !self.broken.no_reauth => {
                    reauthed = true;
                    self.authenticate().await?;
                }
                429 => {
                    let wait = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok())
                        .unwrap_or(1);
                    if !self.broken.ignores_retry_after {
                        tokio::time::sleep(Duration::from_secs(wait)).await;
                    }
                }
                500..=599 if server_errors < 2 && !self.broken.no_retry_on_5xx => {
                    server_errors += 1;
                    tokio::time::sleep(Duration::from_secs(server_errors)).await;
                }
                _ => {
                    return Err(ConnectorError::from_provider_status(
                        status,
                        format!("{method} {path} answered {status}"),
                    )
                    .into_persistent());
                }
            }
        }
    }
}

#[async_trait]
impl Connector for Acme {
    fn info(&self) -> ConnectorInfo {
        ConnectorInfo::new(
            "acme",
            "Acme",
            "A made-up provider for the kit's own tests",
            "1",
        )
    }

    fn coverage(&self) -> Coverage {
        coverage(self.broken)
    }

    async fn check(&self, _ctx: &Context) -> Result<CheckReport, ConnectorError> {
        self.authenticate().await?;
        self.send(reqwest::Method::GET, "/ping", None).await?;
        Ok(CheckReport::default().with(Model::Job, ModelAccess::Granted))
    }

    async fn sync(
        &self,
        ctx: &Context,
        scope: &SyncScope,
        sink: &mut dyn RecordSink,
    ) -> Result<(), ConnectorError> {
        let since = scope
            .previous_state
            .as_ref()
            .and_then(|state| state["since"].as_str())
            .filter(|_| scope.mode == SyncMode::Delta);
        if let Some(since) = since {
            // A delta reads the candidates changed since the last run, one page.
            let body = self
                .send(
                    reqwest::Method::GET,
                    &format!("/candidates?page=1&updated_since={since}"),
                    None,
                )
                .await?;
            sink.push(candidates_of(&body, false)).await?;
            if self.broken.delta_marks_complete {
                sink.mark_complete(Model::Candidate);
            }
            sink.set_state(json!({"since": ctx.now().format("%Y-%m-%dT%H:%M:%SZ").to_string()}));
            return Ok(());
        }
        if self.broken.marks_complete_early {
            sink.mark_complete(Model::Job);
            sink.mark_complete(Model::Candidate);
        }
        let jobs = self.send(reqwest::Method::GET, "/jobs", None).await?;
        let mut batch = Vec::new();
        for job in jobs.as_array().into_iter().flatten() {
            let record = UnifiedRecord::from(JobRecord {
                remote_id: job["id"].as_str().unwrap_or_default().to_owned(),
                name: job["title"].as_str().map(str::to_owned),
                ..JobRecord::default()
            });
            if self.broken.duplicate_ids {
                batch.push(record.clone());
            }
            batch.push(record);
        }
        sink.push(batch).await?;
        sink.mark_complete(Model::Job);

        let mut page = 1;
        loop {
            let body = self
                .send(
                    reqwest::Method::GET,
                    &format!("/candidates?page={page}"),
                    None,
                )
                .await?;
            sink.push(candidates_of(&body, self.broken.declares_too_little))
                .await?;
            match body["next"].as_u64() {
                Some(next) if !self.broken.skip_second_page => page = next,
                _ => break,
            }
        }
        sink.mark_complete(Model::Candidate);
        sink.set_state(json!({"since": ctx.now().format("%Y-%m-%dT%H:%M:%SZ").to_string()}));
        Ok(())
    }

    async fn add_candidate_tag(
        &self,
        _ctx: &Context,
        input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.send(
            reqwest::Method::POST,
            &format!("/candidates/{}/tags", input.candidate_remote_id),
            Some(json!({"name": input.tag_name})),
        )
        .await?;
        Ok(ActionOutcome::default())
    }

    async fn remove_candidate_tag(
        &self,
        _ctx: &Context,
        input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        if self.broken.declares_too_little {
            self.send(
                reqwest::Method::DELETE,
                &format!("/candidates/{}/tags", input.candidate_remote_id),
                Some(json!({"name": input.tag_name})),
            )
            .await?;
            return Ok(ActionOutcome::default());
        }
        Err(ConnectorError::unsupported_action(
            Action::RemoveCandidateTag,
        ))
    }
}

fn exchange(
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: Option<Value>,
    status: u16,
    headers: &[(&str, &str)],
    response: Option<Value>,
) -> Interaction {
    Interaction {
        request: FixtureRequest {
            method: method.into(),
            path: path.into(),
            query: query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            headers: Default::default(),
            body: body.map(FixtureBody::Json),
        },
        response: FixtureResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: response.map(FixtureBody::Json),
        },
    }
}

/// The candidate records of one page of `/candidates`.
fn candidates_of(body: &Value, with_title: bool) -> Vec<UnifiedRecord> {
    body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|candidate| {
            UnifiedRecord::from(CandidateRecord {
                remote_id: candidate["id"].as_str().unwrap_or_default().to_owned(),
                first_name: candidate["first_name"].as_str().map(str::to_owned),
                title: if with_title {
                    candidate["title"].as_str().map(str::to_owned)
                } else {
                    None
                },
                ..CandidateRecord::default()
            })
        })
        .collect()
}

fn token() -> Interaction {
    exchange(
        "POST",
        "/token",
        &[],
        Some(json!({"key": "[REDACTED]"})),
        200,
        &[],
        Some(json!({"token": "[REDACTED]"})),
    )
}

fn jobs() -> Interaction {
    exchange(
        "GET",
        "/jobs",
        &[],
        None,
        200,
        &[],
        Some(
            json!([{"id": "j1", "title": "Backend Developer"}, {"id": "j2", "title": "Office Manager"}]),
        ),
    )
}

/// The one page a delta run reads: candidates changed since `since`.
fn page_since(since: &str, ids: &[&str]) -> Interaction {
    let mut interaction = page("1", ids, None);
    interaction
        .request
        .query
        .insert("updated_since".to_owned(), since.to_owned());
    interaction
}

fn page(page: &str, ids: &[&str], next: Option<u64>) -> Interaction {
    let items: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "first_name": "Erika", "title": "Engineer"}))
        .collect();
    exchange(
        "GET",
        "/candidates",
        &[("page", page)],
        None,
        200,
        &[],
        Some(json!({"items": items, "next": next})),
    )
}

fn status(
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    code: u16,
    headers: &[(&str, &str)],
) -> Interaction {
    exchange(
        method,
        path,
        query,
        None,
        code,
        headers,
        Some(json!({"error": code})),
    )
}

fn fixture(
    scenario: &str,
    fault: Option<Fault>,
    input: ScenarioInput,
    interactions: Vec<Interaction>,
    outcome: ExpectedOutcome,
    complete: Option<&[&str]>,
) -> Fixture {
    Fixture {
        version: 1,
        connector: "acme".into(),
        scenario: scenario.into(),
        docs: format!("Acme scenario {scenario}."),
        fault,
        config: json!({"base_url": "[SERVER]", "api_key": "[REDACTED]"}),
        clock: "2026-01-01T00:00:00Z".parse().unwrap(),
        input,
        ordered: false,
        interactions,
        expect: Expectation {
            outcome,
            complete_models: complete
                .map(|models| models.iter().map(|m| (*m).to_owned()).collect()),
        },
    }
}

fn sync() -> ScenarioInput {
    ScenarioInput::Sync {
        scope: json!({"mode": "full", "models": ["job", "candidate"]}),
    }
}

fn error(code: &str) -> ExpectedOutcome {
    ExpectedOutcome::Error { code: code.into() }
}

/// The fixtures; with `single_page` the full sync reads one page only.
pub fn fixtures_for(broken: Breakage) -> Vec<Fixture> {
    let mut all = fixtures();
    if broken.single_page_fixtures {
        for fixture in &mut all {
            if fixture.scenario == "sync_full" {
                fixture.interactions = vec![token(), jobs(), page("1", &["c1", "c2"], None)];
            }
        }
    }
    all
}

pub fn fixtures() -> Vec<Fixture> {
    let ok = ExpectedOutcome::Ok;
    let both: &[&str] = &["candidate", "job"];
    vec![
        fixture(
            "check_ok",
            None,
            ScenarioInput::Check,
            vec![
                token(),
                exchange("GET", "/ping", &[], None, 200, &[], Some(json!("pong"))),
            ],
            ok.clone(),
            None,
        ),
        fixture(
            "check_bad_credentials",
            Some(Fault::BadCredentials),
            ScenarioInput::Check,
            vec![exchange(
                "POST",
                "/token",
                &[],
                Some(json!({"key": "[REDACTED]"})),
                401,
                &[],
                Some(json!({"error": "invalid key"})),
            )],
            error("INTEGRATION.AUTHENTICATION_INVALID"),
            None,
        ),
        fixture(
            "sync_full",
            None,
            sync(),
            vec![
                token(),
                jobs(),
                page("1", &["c1", "c2"], Some(2)),
                page("2", &["c3"], None),
            ],
            ok.clone(),
            Some(both),
        ),
        fixture(
            "sync_token_expiry",
            Some(Fault::TokenExpiry),
            sync(),
            vec![
                token(),
                status("GET", "/jobs", &[], 401, &[]),
                token(),
                jobs(),
                page("1", &["c1"], None),
            ],
            ok.clone(),
            Some(both),
        ),
        fixture(
            "sync_rate_limited",
            Some(Fault::RateLimit),
            sync(),
            vec![
                token(),
                status("GET", "/jobs", &[], 429, &[("retry-after", "7")]),
                jobs(),
                page("1", &["c1"], None),
            ],
            ok.clone(),
            Some(both),
        ),
        fixture(
            "sync_5xx_recovers",
            Some(Fault::ServerErrorRecovers),
            sync(),
            vec![
                token(),
                status("GET", "/jobs", &[], 502, &[]),
                jobs(),
                page("1", &["c1"], None),
            ],
            ok.clone(),
            Some(both),
        ),
        fixture(
            "sync_5xx_persists",
            Some(Fault::ServerErrorPersists),
            sync(),
            vec![
                token(),
                status("GET", "/jobs", &[], 500, &[]),
                status("GET", "/jobs", &[], 500, &[]),
                status("GET", "/jobs", &[], 500, &[]),
            ],
            error("REMOTE.SERVICE_UNAVAILABLE"),
            Some(&[]),
        ),
        fixture(
            "sync_fails_half_way",
            Some(Fault::FailsHalfWay),
            sync(),
            vec![
                token(),
                jobs(),
                page("1", &["c1"], Some(2)),
                status("GET", "/candidates", &[("page", "2")], 500, &[]),
                status("GET", "/candidates", &[("page", "2")], 500, &[]),
                status("GET", "/candidates", &[("page", "2")], 500, &[]),
            ],
            error("REMOTE.SERVICE_UNAVAILABLE"),
            Some(&["job"]),
        ),
        fixture(
            "sync_delta",
            None,
            ScenarioInput::Sync {
                scope: json!({
                    "mode": "delta",
                    "models": ["job", "candidate"],
                    "previous_state": {"since": "2025-12-31T00:00:00Z"},
                }),
            },
            vec![token(), page_since("2025-12-31T00:00:00Z", &["c2"])],
            ok.clone(),
            Some(&[]),
        ),
        fixture(
            "action_add_tag",
            None,
            ScenarioInput::Action {
                action: "add_candidate_tag".into(),
                input: json!({"candidate_remote_id": "c1", "tag_name": "Talent pool"}),
            },
            vec![
                token(),
                exchange(
                    "POST",
                    "/candidates/c1/tags",
                    &[],
                    Some(json!({"name": "Talent pool"})),
                    204,
                    &[],
                    None,
                ),
            ],
            ok,
            None,
        ),
    ]
}
