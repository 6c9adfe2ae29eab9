//! The standard checks. Each returns `Ok(Checked::Passed)`, `Ok(Checked::Skipped(reason))`
//! when the connector's coverage does not declare what the check is about, or a
//! [`CheckFailure`] listing every problem found. The kit's own tests prove each check fails on
//! a deliberately broken connector.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use atsbridge_connector::{Action, GuardedConnector, Model};
use atsbridge_schema::record::{
    ApplicationRecord, ApplicationStageRecord, CandidateRecord, JobRecord,
    JobScreeningQuestionRecord, ScreeningQuestionRecord, TagRecord,
};
use serde_json::Value;

use crate::action_input::{parse_action, run_action, sample_input};
use crate::fixture::{ExpectedOutcome, Fault, Fixture, ScenarioInput};
use crate::kit::ConformanceKit;
use crate::replay::ReplayServer;
use crate::scenario::{ScenarioRun, error_code};

/// A check that did not fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// The check ran and found nothing wrong.
    Passed,
    /// The coverage does not declare what the check is about.
    Skipped(String),
}

/// A check that found problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFailure {
    /// The check's name.
    pub check: &'static str,
    /// Everything it found wrong.
    pub problems: Vec<String>,
}

impl fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} failed:", self.check)?;
        for problem in &self.problems {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CheckFailure {}

/// The result of one check.
pub type CheckResult = Result<Checked, CheckFailure>;

struct Problems {
    check: &'static str,
    list: Vec<String>,
}

impl Problems {
    fn new(check: &'static str) -> Problems {
        Problems {
            check,
            list: Vec::new(),
        }
    }

    fn add(&mut self, problem: impl Into<String>) {
        self.list.push(problem.into());
    }

    fn finish(self) -> CheckResult {
        if self.list.is_empty() {
            Ok(Checked::Passed)
        } else {
            Err(CheckFailure {
                check: self.check,
                problems: self.list,
            })
        }
    }

    fn fail(check: &'static str, problem: impl Into<String>) -> CheckResult {
        Err(CheckFailure {
            check,
            problems: vec![problem.into()],
        })
    }
}

fn skipped(check: &str, reason: impl Into<String>) -> CheckResult {
    let reason = reason.into();
    tracing::info!(target: "atsbridge_conformance", check, %reason, "check skipped");
    Ok(Checked::Skipped(reason))
}

fn load(kit: &ConformanceKit, check: &'static str) -> Result<Vec<Fixture>, CheckFailure> {
    kit.fixtures().map_err(|error| CheckFailure {
        check,
        problems: vec![error.to_string()],
    })
}

fn is_sync(fixture: &Fixture) -> bool {
    matches!(fixture.input, ScenarioInput::Sync { .. })
}

fn expects_ok(fixture: &Fixture) -> bool {
    fixture.expect.outcome == ExpectedOutcome::Ok
}

/// Replays each fixture and records every expectation mismatch; returns the successful runs.
async fn replay_all<'a>(
    kit: &ConformanceKit,
    fixtures: impl IntoIterator<Item = &'a Fixture>,
    paused: bool,
    problems: &mut Problems,
) -> Vec<ScenarioRun> {
    let mut runs = Vec::new();
    for fixture in fixtures {
        let run = if paused {
            kit.replay_paused(fixture).await
        } else {
            kit.replay(fixture).await
        };
        match run {
            Ok(run) => {
                if let Err(problem) = run.verify_expectation() {
                    problems.add(problem);
                }
                runs.push(run);
            }
            Err(error) => problems.add(error.to_string()),
        }
    }
    runs
}

/// `check()` succeeds with good credentials and fails with
/// `INTEGRATION.AUTHENTICATION_INVALID` with bad ones, without leaking them.
pub async fn check_credentials(kit: &ConformanceKit) -> CheckResult {
    const CHECK: &str = "check_credentials";
    let fixtures = match load(kit, CHECK) {
        Ok(fixtures) => fixtures,
        Err(failure) => return Err(failure),
    };
    let checks: Vec<&Fixture> = fixtures
        .iter()
        .filter(|f| matches!(f.input, ScenarioInput::Check))
        .collect();
    let mut problems = Problems::new(CHECK);
    if !checks.iter().any(|f| f.fault.is_none() && expects_ok(f)) {
        problems.add("no `check` fixture with good credentials (fault: none, outcome: ok)");
    }
    let bad_code = "INTEGRATION.AUTHENTICATION_INVALID";
    if !checks.iter().any(|f| {
        f.fault == Some(Fault::BadCredentials)
            && f.expect.outcome
                == ExpectedOutcome::Error {
                    code: bad_code.to_owned(),
                }
    }) {
        problems.add(format!(
            "no `check` fixture with bad credentials expecting {bad_code}"
        ));
    }
    replay_all(kit, checks, false, &mut problems).await;
    problems.finish()
}

/// The JSON Schema of the record type of `model`.
pub fn record_schema(model: Model) -> Value {
    let schema = match model {
        Model::Job => schemars::schema_for!(JobRecord),
        Model::Candidate => schemars::schema_for!(CandidateRecord),
        Model::Application => schemars::schema_for!(ApplicationRecord),
        Model::ApplicationStage => schemars::schema_for!(ApplicationStageRecord),
        Model::Tag => schemars::schema_for!(TagRecord),
        Model::ScreeningQuestion => schemars::schema_for!(ScreeningQuestionRecord),
        Model::JobScreeningQuestion => schemars::schema_for!(JobScreeningQuestionRecord),
    };
    schema.to_value()
}

fn declared_models(kit: &ConformanceKit) -> Vec<Model> {
    kit.coverage().models.iter().map(|m| m.model).collect()
}

/// Every successful sync replays cleanly and its records validate against the record JSON
/// Schemas.
pub async fn check_full_sync_schema(kit: &ConformanceKit) -> CheckResult {
    const CHECK: &str = "check_full_sync_schema";
    if declared_models(kit).is_empty() {
        return skipped(CHECK, "no model declared");
    }
    let fixtures = load(kit, CHECK)?;
    let syncs: Vec<&Fixture> = fixtures
        .iter()
        .filter(|f| is_sync(f) && expects_ok(f))
        .collect();
    let mut problems = Problems::new(CHECK);
    if !syncs.iter().any(|f| f.fault.is_none()) {
        problems.add("no successful full-sync fixture without a fault");
    }
    let runs = replay_all(kit, syncs, false, &mut problems).await;
    let mut validators = BTreeMap::new();
    for model in Model::ALL {
        match jsonschema::validator_for(&record_schema(model)) {
            Ok(validator) => {
                validators.insert(model, validator);
            }
            Err(error) => problems.add(format!("schema of {model} does not compile: {error}")),
        }
    }
    for run in &runs {
        for model in Model::ALL {
            let Some(validator) = validators.get(&model) else {
                continue;
            };
            for record in run.records(model) {
                let errors: Vec<String> = validator
                    .iter_errors(&record)
                    .map(|error| format!("{} at {}", error, error.instance_path()))
                    .collect();
                if !errors.is_empty() {
                    problems.add(format!(
                        "`{}`: {model} record {} does not match its schema: {}",
                        run.fixture.scenario,
                        record
                            .get("remote_id")
                            .map(Value::to_string)
                            .unwrap_or_default(),
                        errors.join("; ")
                    ));
                }
            }
        }
    }
    problems.finish()
}

/// Remote ids are non-empty, unique per model within a run, and the same over two runs.
pub async fn check_ids_unique_and_stable(kit: &ConformanceKit) -> CheckResult {
    const CHECK: &str = "check_ids_unique_and_stable";
    if declared_models(kit).is_empty() {
        return skipped(CHECK, "no model declared");
    }
    let fixtures = load(kit, CHECK)?;
    let clean: Vec<&Fixture> = fixtures
        .iter()
        .filter(|f| is_sync(f) && expects_ok(f) && f.fault.is_none())
        .collect();
    let mut problems = Problems::new(CHECK);
    if clean.is_empty() {
        problems.add("no successful full-sync fixture without a fault");
    }
    for fixture in clean {
        let mut id_sets = Vec::new();
        for round in 1..=2 {
            let run = match kit.replay(fixture).await {
                Ok(run) => run,
                Err(error) => {
                    problems.add(error.to_string());
                    continue;
                }
            };
            let mut ids_by_model = BTreeMap::new();
            for model in Model::ALL {
                let ids: Vec<String> = run
                    .sink
                    .as_ref()
                    .map(|sink| {
                        sink.remote_ids(model)
                            .into_iter()
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                let mut seen = BTreeSet::new();
                for id in &ids {
                    if id.trim().is_empty() {
                        problems.add(format!(
                            "`{}` run {round}: a {model} record has an empty remote_id",
                            fixture.scenario
                        ));
                    } else if !seen.insert(id.clone()) {
                        problems.add(format!(
                            "`{}` run {round}: {model} remote_id `{id}` pushed twice",
                            fixture.scenario
                        ));
                    }
                }
                ids_by_model.insert(model, seen);
            }
            id_sets.push(ids_by_model);
        }
        if let [first, second] = id_sets.as_slice()
            && first != second
        {
            problems.add(format!(
                "`{}`: the two runs pushed different remote ids",
                fixture.scenario
            ));
        }
    }
    problems.finish()
}

/// Maps a record key to the unified field name the coverage uses.
pub fn field_name_of_record_key(key: &str) -> String {
    if key == "remote_id" {
        return key.to_owned();
    }
    if let Some(prefix) = key.strip_suffix("_remote_ids") {
        return format!("{prefix}s");
    }
    if let Some(prefix) = key.strip_suffix("_remote_id") {
        return format!("{prefix}_id");
    }
    key.to_owned()
}

fn is_empty_value(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

fn record_keys(model: Model) -> Vec<String> {
    record_schema(model)
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

/// Coverage honesty over every successful sync fixture: each declared model yields records,
/// each declared field is filled in at least one record, every undeclared field is always
/// empty, and no undeclared model is pushed. A field declared as always empty
/// ([`FieldCoverage::always_empty_reason`](atsbridge_connector::FieldCoverage)) is the
/// exception: it must be empty in every record, since its stated reason is otherwise wrong.
pub async fn check_field_coverage_honest(kit: &ConformanceKit) -> CheckResult {
    const CHECK: &str = "check_field_coverage_honest";
    let declared = declared_models(kit);
    if declared.is_empty() {
        return skipped(CHECK, "no model declared");
    }
    let fixtures = load(kit, CHECK)?;
    let mut problems = Problems::new(CHECK);
    let runs = replay_all(
        kit,
        fixtures.iter().filter(|f| is_sync(f) && expects_ok(f)),
        false,
        &mut problems,
    )
    .await;
    for model in Model::ALL {
        let records: Vec<(String, Value)> = runs
            .iter()
            .flat_map(|run| {
                run.records(model)
                    .into_iter()
                    .map(|record| (run.fixture.scenario.clone(), record))
            })
            .collect();
        let Some(model_coverage) = kit.coverage().model_coverage(model) else {
            if let Some((scenario, _)) = records.first() {
                problems.add(format!(
                    "`{scenario}` pushes {model} records but {model} is not declared"
                ));
            }
            continue;
        };
        if records.is_empty() {
            problems.add(format!(
                "{model} is declared but no successful sync fixture yields a {model} record"
            ));
            continue;
        }
        for key in record_keys(model) {
            let field = field_name_of_record_key(&key);
            let filled_in = records
                .iter()
                .find(|(_, record)| record.get(&key).is_some_and(|v| !is_empty_value(v)));
            let remote_id_of = |record: &Value| {
                record
                    .get("remote_id")
                    .map(Value::to_string)
                    .unwrap_or_default()
            };
            match (model_coverage.field(&field), filled_in) {
                (Some(declared), None) if !declared.is_always_empty() => problems.add(format!(
                    "{model}.{field} is declared but empty in every fixture record"
                )),
                (Some(declared), Some((scenario, record))) if declared.is_always_empty() => {
                    problems.add(format!(
                        "{model}.{field} is declared always empty but `{scenario}` fills it \
                         (record {})",
                        remote_id_of(record)
                    ));
                }
                (None, Some((scenario, record))) if field != "remote_id" => {
                    problems.add(format!(
                        "{model}.{field} is not declared but `{scenario}` fills it (record {})",
                        remote_id_of(record)
                    ));
                }
                _ => {}
            }
        }
    }
    problems.finish()
}

/// Every declared action has a successful fixture, and every action fixture of a declared
/// action gives the expected outcome after sending exactly the recorded requests.
pub async fn check_declared_actions(kit: &ConformanceKit) -> CheckResult {
    const CHECK: &str = "check_declared_actions";
    let declared: Vec<Action> = kit.coverage().actions.iter().map(|a| a.action).collect();
    if declared.is_empty() {
        return skipped(CHECK, "no action declared");
    }
    let fixtures = load(kit, CHECK)?;
    let mut problems = Problems::new(CHECK);
    let action_of = |fixture: &Fixture| match &fixture.input {
        ScenarioInput::Action { action, .. } => parse_action(action),
        _ => None,
    };
    for action in &declared {
        if !fixtures
            .iter()
            .any(|f| action_of(f) == Some(*action) && expects_ok(f))
        {
            problems.add(format!(
                "no successful fixture for declared action {action:?}"
            ));
        }
    }
    replay_all(
        kit,
        fixtures
            .iter()
            .filter(|f| action_of(f).is_some_and(|action| declared.contains(&action))),
        false,
        &mut problems,
    )
    .await;
    problems.finish()
}

/// Every undeclared action is refused with `INTEGRATION.ACTION_NOT_AVAILABLE` without a single
/// provider request, both by the connector itself and through the guard.
pub async fn check_undeclared_actions_refused(kit: &ConformanceKit) -> CheckResult {
    const CHECK: &str = "check_undeclared_actions_refused";
    let undeclared: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|action| !kit.coverage().supports_action(*action))
        .collect();
    if undeclared.is_empty() {
        return skipped(CHECK, "every action is declared");
    }
    let fixtures = load(kit, CHECK)?;
    let Some(template) = fixtures.first() else {
        return Problems::fail(CHECK, "no fixture to take a connector config from");
    };
    let mut empty = template.clone();
    empty.interactions.clear();
    empty.scenario = format!("{}__no_requests_expected", template.scenario);
    let mut problems = Problems::new(CHECK);
    let expected = "INTEGRATION.ACTION_NOT_AVAILABLE";
    for action in undeclared {
        let server = match ReplayServer::start(&empty).await {
            Ok(server) => server,
            Err(error) => return Problems::fail(CHECK, error.to_string()),
        };
        let connector = match (kit.builder())(&server.config()) {
            Ok(connector) => connector,
            Err(error) => return Problems::fail(CHECK, format!("cannot build connector: {error}")),
        };
        let guarded = GuardedConnector::new(connector.clone());
        let ctx = atsbridge_connector::Context::new("conformance");
        let input = sample_input(action);
        for (who, target) in [
            ("the connector", connector.as_ref()),
            ("the guard", &guarded as &dyn atsbridge_connector::Connector),
        ] {
            match run_action(target, &ctx, action, &input).await {
                Err(error) => problems.add(error.to_string()),
                Ok(Ok(_)) => problems.add(format!(
                    "undeclared action {action:?} succeeded through {who}"
                )),
                Ok(Err(error)) if error_code(&error) != expected => problems.add(format!(
                    "undeclared action {action:?} through {who} failed with {} instead of {expected}",
                    error_code(&error)
                )),
                Ok(Err(_)) => {}
            }
        }
        let requests = server.observed();
        if !requests.is_empty() {
            problems.add(format!(
                "undeclared action {action:?} sent {} request(s) (first: `{}`)",
                requests.len(),
                requests[0].request.line()
            ));
        }
        server.disarm().await;
    }
    problems.finish()
}

fn has_reads_or_writes(kit: &ConformanceKit) -> bool {
    !kit.coverage().models.is_empty() || !kit.coverage().actions.is_empty()
}

/// Fixtures where the token expires mid-run: the connector authenticates again and the run
/// finishes as expected, using every recorded interaction. Only for connectors that declare
/// [`Capabilities::expiring_tokens`](atsbridge_connector::Capabilities).
pub async fn check_reauth_mid_run(kit: &ConformanceKit) -> CheckResult {
    const CHECK: &str = "check_reauth_mid_run";
    if !kit.coverage().capabilities.expiring_tokens {
        return skipped(CHECK, "the connector does not declare expiring tokens");
    }
    fault_check(kit, CHECK, &[Fault::TokenExpiry], false).await
}

/// Every model and action input field the coverage declares exists in the unified format:
/// a misspelt name would otherwise be promised on the coverage page and never checked.
pub fn check_declared_fields_exist(kit: &ConformanceKit) -> CheckResult {
    const CHECK: &str = "check_declared_fields_exist";
    let coverage = kit.coverage();
    if coverage.models.is_empty() && coverage.actions.is_empty() {
        return skipped(CHECK, "no model or action declared");
    }
    let mut problems = Problems::new(CHECK);
    for declared in &coverage.models {
        let known = crate::schema_paths::model_field_names(declared.model);
        for field in &declared.fields {
            if !known.contains(&field.name) {
                problems.add(format!(
                    "{} declares field `{}`, which the unified {} has not",
                    declared.model, field.name, declared.model
                ));
            }
        }
    }
    for declared in &coverage.actions {
        let known = crate::schema_paths::action_input_names(declared.action);
        for field in &declared.input_fields {
            if !known.contains(&field.name) {
                problems.add(format!(
                    "{} declares input field `{}`, which its request has not",
                    declared.action, field.name
                ));
            }
        }
    }
    problems.finish()
}

/// Whether a fixture shows a walk past the first page: a response with a `Link` header whose
/// `next` relation is followed, or a request for a later page (a cursor, a page number above
/// one, an offset above zero).
fn walks_pages(fixture: &Fixture) -> bool {
    fixture.interactions.iter().any(|interaction| {
        let next_link = interaction
            .response
            .headers
            .get("link")
            .is_some_and(|link| atsbridge_connector::paging::next_link(link).is_some());
        let later_page =
            interaction
                .request
                .query
                .iter()
                .any(|(name, value)| match name.as_str() {
                    "cursor" | "after" | "starting_after" | "page_token" => !value.is_empty(),
                    "page" => !matches!(value.as_str(), "" | "0" | "1"),
                    "offset" | "skip" => !matches!(value.as_str(), "" | "0"),
                    _ => false,
                });
        next_link || later_page
    })
}

/// For connectors that declare [`Capabilities::paged_lists`](atsbridge_connector::Capabilities):
/// a successful sync fixture walks more than one page, and every such fixture replays with
/// each recorded page requested exactly once (a connector that stops after the first page,
/// or asks for one twice, fails).
pub async fn check_paging_walked(kit: &ConformanceKit) -> CheckResult {
    const CHECK: &str = "check_paging_walked";
    if !kit.coverage().capabilities.paged_lists {
        return skipped(CHECK, "the connector does not declare paged lists");
    }
    let fixtures = load(kit, CHECK)?;
    let paged: Vec<&Fixture> = fixtures
        .iter()
        .filter(|f| is_sync(f) && expects_ok(f) && walks_pages(f))
        .collect();
    let mut problems = Problems::new(CHECK);
    if paged.is_empty() {
        problems.add("no successful sync fixture walks more than one page");
    }
    replay_all(kit, paged, false, &mut problems).await;
    problems.finish()
}

/// Whether a sync fixture asks for a delta run.
fn is_delta_sync(fixture: &Fixture) -> bool {
    match &fixture.input {
        ScenarioInput::Sync { scope } => scope.get("mode").and_then(Value::as_str) == Some("delta"),
        _ => false,
    }
}

/// For connectors that declare [`Capabilities::delta_sync`](atsbridge_connector::Capabilities):
/// a successful delta fixture (with a previous state) replays, stores a state for the next
/// run, and marks no model complete, since the engine would mark every record the delta did
/// not read as deleted.
pub async fn check_delta_sync(kit: &ConformanceKit) -> CheckResult {
    const CHECK: &str = "check_delta_sync";
    if !kit.coverage().capabilities.delta_sync {
        return skipped(CHECK, "the connector does not declare delta syncs");
    }
    let fixtures = load(kit, CHECK)?;
    let deltas: Vec<&Fixture> = fixtures
        .iter()
        .filter(|f| is_delta_sync(f) && expects_ok(f))
        .collect();
    let mut problems = Problems::new(CHECK);
    if !deltas.iter().any(|f| match &f.input {
        ScenarioInput::Sync { scope } => scope.get("previous_state").is_some_and(|s| !s.is_null()),
        _ => false,
    }) {
        problems.add("no successful delta-sync fixture with a previous state");
    }
    let runs = replay_all(kit, deltas, false, &mut problems).await;
    for run in &runs {
        let Some(sink) = &run.sink else { continue };
        if !sink.complete.is_empty() {
            problems.add(format!(
                "`{}`: a delta run marked {:?} complete; the engine would delete every record \
                 it did not read",
                run.fixture.scenario, sink.complete
            ));
        }
        if sink.state.is_none() {
            problems.add(format!(
                "`{}`: the delta run stored no state, so the next run has no window to start from",
                run.fixture.scenario
            ));
        }
    }
    problems.finish()
}

/// Fixtures with 5xx answers: the connector retries (recovering fixtures succeed) and, once
/// retries are exhausted, surfaces the error (persisting fixtures fail with the expected code).
pub async fn check_5xx_retried_then_surfaced(kit: &ConformanceKit) -> CheckResult {
    const CHECK: &str = "check_5xx_retried_then_surfaced";
    let result = fault_check(
        kit,
        CHECK,
        &[Fault::ServerErrorRecovers, Fault::ServerErrorPersists],
        true,
    )
    .await?;
    if result == Checked::Passed {
        let fixtures = load(kit, CHECK)?;
        let persists = fixtures
            .iter()
            .filter(|f| f.fault == Some(Fault::ServerErrorPersists))
            .all(|f| !expects_ok(f));
        if !persists {
            return Problems::fail(
                CHECK,
                "a `server_error_persists` fixture must expect an error outcome",
            );
        }
    }
    Ok(result)
}

async fn fault_check(
    kit: &ConformanceKit,
    check: &'static str,
    faults: &[Fault],
    paused: bool,
) -> CheckResult {
    if !has_reads_or_writes(kit) {
        return skipped(check, "no model or action declared");
    }
    let fixtures = load(kit, check)?;
    let mut problems = Problems::new(check);
    for fault in faults {
        if !fixtures.iter().any(|f| f.fault == Some(*fault)) {
            problems.add(format!("no fixture with fault `{}`", fault.as_str()));
        }
    }
    replay_all(
        kit,
        fixtures
            .iter()
            .filter(|f| f.fault.is_some_and(|fault| faults.contains(&fault))),
        paused,
        &mut problems,
    )
    .await;
    problems.finish()
}

/// Fixtures with a 429 and `Retry-After`: the connector waits at least that long (measured on
/// tokio's paused clock as the replay server saw the requests arrive) and the run finishes as
/// expected.
pub async fn check_rate_limit_honoured(kit: &ConformanceKit) -> CheckResult {
    const CHECK: &str = "check_rate_limit_honoured";
    if !has_reads_or_writes(kit) {
        return skipped(CHECK, "no model or action declared");
    }
    let fixtures = load(kit, CHECK)?;
    let mut problems = Problems::new(CHECK);
    let limited: Vec<&Fixture> = fixtures
        .iter()
        .filter(|f| f.fault == Some(Fault::RateLimit))
        .collect();
    if limited.is_empty() {
        problems.add("no fixture with fault `rate_limit`");
    }
    let runs = replay_all(kit, limited, true, &mut problems).await;
    for run in &runs {
        let mut saw_retry_after = false;
        for (position, entry) in run.observed.iter().enumerate() {
            let Some(response) = entry
                .interaction
                .and_then(|index| run.fixture.interactions.get(index))
                .map(|interaction| &interaction.response)
            else {
                continue;
            };
            if response.status != 429 {
                continue;
            }
            let Some(wait) = response
                .headers
                .get("retry-after")
                .and_then(|value| value.trim().parse::<i64>().ok())
            else {
                continue;
            };
            saw_retry_after = true;
            let Some(next) = run.observed.get(position + 1) else {
                continue;
            };
            if let (Some(limited_at), Some(next_at)) = (entry.at, next.at) {
                let waited = next_at - limited_at;
                if waited < chrono::Duration::seconds(wait) {
                    problems.add(format!(
                        "`{}`: after a 429 with Retry-After: {wait} the next request came {} ms later",
                        run.fixture.scenario,
                        waited.num_milliseconds()
                    ));
                }
            }
        }
        if !saw_retry_after {
            problems.add(format!(
                "`{}` has no answered 429 with a Retry-After in seconds",
                run.fixture.scenario
            ));
        }
    }
    problems.finish()
}

/// Fixtures where a sync fails half-way: the run fails and marks exactly the models the
/// fixture lists as complete (never the one it was reading).
pub async fn check_partial_run_incomplete(kit: &ConformanceKit) -> CheckResult {
    const CHECK: &str = "check_partial_run_incomplete";
    if declared_models(kit).is_empty() {
        return skipped(CHECK, "no model declared");
    }
    let fixtures = load(kit, CHECK)?;
    let mut problems = Problems::new(CHECK);
    let partial: Vec<&Fixture> = fixtures
        .iter()
        .filter(|f| f.fault == Some(Fault::FailsHalfWay))
        .collect();
    if partial.is_empty() {
        problems.add("no fixture with fault `fails_half_way`");
    }
    for fixture in &partial {
        if !is_sync(fixture) || expects_ok(fixture) || fixture.expect.complete_models.is_none() {
            problems.add(format!(
                "`{}` must be a sync that expects an error and lists `complete_models`",
                fixture.scenario
            ));
        }
    }
    replay_all(kit, partial, true, &mut problems).await;
    problems.finish()
}

/// The results of every standard check, by name.
#[derive(Debug)]
pub struct ConformanceReport {
    /// `(check name, result)` in the order the checks ran.
    pub results: Vec<(&'static str, CheckResult)>,
}

impl ConformanceReport {
    /// Panics with every failure when any check failed; logs skipped checks.
    pub fn assert_passed(&self) {
        let failures: Vec<String> = self
            .results
            .iter()
            .filter_map(|(_, result)| result.as_ref().err().map(ToString::to_string))
            .collect();
        assert!(
            failures.is_empty(),
            "conformance checks failed:\n{}",
            failures.join("\n")
        );
    }

    /// Every check's verdict as JSON (`"passed"`, `{"skipped": reason}` or
    /// `{"failed": [problems]}`), for a snapshot that makes known findings reviewable.
    pub fn summary(&self) -> Value {
        let mut summary = serde_json::Map::new();
        for (name, result) in &self.results {
            let verdict = match result {
                Ok(Checked::Passed) => Value::String("passed".to_owned()),
                Ok(Checked::Skipped(reason)) => serde_json::json!({ "skipped": reason }),
                Err(failure) => serde_json::json!({ "failed": failure.problems }),
            };
            summary.insert((*name).to_owned(), verdict);
        }
        Value::Object(summary)
    }

    /// The result of the check called `name`.
    pub fn result(&self, name: &str) -> Option<&CheckResult> {
        self.results
            .iter()
            .find(|(check, _)| *check == name)
            .map(|(_, result)| result)
    }
}

/// Runs every standard check.
pub async fn run_all(kit: &ConformanceKit) -> ConformanceReport {
    let results = vec![
        ("check_credentials", check_credentials(kit).await),
        ("check_full_sync_schema", check_full_sync_schema(kit).await),
        (
            "check_ids_unique_and_stable",
            check_ids_unique_and_stable(kit).await,
        ),
        (
            "check_field_coverage_honest",
            check_field_coverage_honest(kit).await,
        ),
        ("check_declared_actions", check_declared_actions(kit).await),
        (
            "check_undeclared_actions_refused",
            check_undeclared_actions_refused(kit).await,
        ),
        (
            "check_declared_fields_exist",
            check_declared_fields_exist(kit),
        ),
        ("check_reauth_mid_run", check_reauth_mid_run(kit).await),
        ("check_paging_walked", check_paging_walked(kit).await),
        ("check_delta_sync", check_delta_sync(kit).await),
        (
            "check_rate_limit_honoured",
            check_rate_limit_honoured(kit).await,
        ),
        (
            "check_5xx_retried_then_surfaced",
            check_5xx_retried_then_surfaced(kit).await,
        ),
        (
            "check_partial_run_incomplete",
            check_partial_run_incomplete(kit).await,
        ),
    ];
    ConformanceReport { results }
}
