//! The eRecruiter connector through the conformance kit: every fixture under
//! `fixtures/erecruiter/` is replayed and snapshotted, the standard checks run, and recording
//! against the sandbox is exercised. `regenerate_fixtures` (ignored) rewrites the fixtures from
//! the sandbox and derives the fault scenarios from the recorded full sync.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::Arc;

use atsbridge_conformance::fixture::{
    Expectation, ExpectedOutcome, Fault, Fixture, FixtureBody, FixtureResponse, Interaction,
    ScenarioInput,
};
use atsbridge_conformance::{
    ConformanceKit, RecordingSpec, check, lint_dir, lint_fixture, record_via_proxy,
    snapshot_settings,
};
use atsbridge_connector::{Connector, ConnectorError, ConnectorFactory, Model};
use atsbridge_erecruiter::ErecruiterFactory;
use atsbridge_erecruiter_sandbox::{Sandbox, SandboxConfig, SandboxHandle, SandboxSeed};
use serde_json::{Value, json};

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/erecruiter")
}

fn kit() -> ConformanceKit {
    ConformanceKit::new(Arc::new(ErecruiterFactory)).fixtures_dir(fixtures_dir())
}

#[tokio::test]
async fn every_fixture_replays_as_expected_and_matches_its_snapshot() {
    let kit = kit();
    let fixtures = kit.fixtures().unwrap();
    assert!(fixtures.len() >= 10, "expected the eRecruiter fixture set");
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let run = kit.replay(fixture).await.unwrap();
        if let Err(problem) = run.verify_expectation() {
            failures.push(problem);
        }
        snapshot_settings(&run).bind(|| {
            insta::assert_json_snapshot!(fixture.scenario.as_str(), run.snapshot());
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every standard check passes. The skipped ones are those eRecruiter's declaration rules
/// out: it declares every action, has no paged lists and no delta sync.
#[tokio::test]
async fn standard_checks_pass() {
    let report = check::run_all(&kit()).await;
    report.assert_passed();
    let mut skipped = Vec::new();
    for (name, result) in &report.results {
        match result {
            Ok(check::Checked::Passed) => {}
            Ok(check::Checked::Skipped(reason)) => skipped.push((*name, reason.clone())),
            Err(failure) => panic!("{failure}"),
        }
    }
    assert_eq!(
        skipped,
        vec![
            (
                "check_undeclared_actions_refused",
                "every action is declared".to_owned()
            ),
            (
                "check_paging_walked",
                "the connector does not declare paged lists".to_owned()
            ),
            (
                "check_delta_sync",
                "the connector does not declare delta syncs".to_owned()
            ),
        ],
        "unexpected skips"
    );
}

#[test]
fn fixtures_are_lint_clean() {
    let findings = lint_dir(&fixtures_dir()).unwrap();
    assert!(
        findings.is_empty(),
        "{}",
        findings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Recording against the sandbox.

const CLOCK: &str = "2025-06-02T12:00:00Z";

fn build(config: &Value) -> Result<Arc<dyn Connector>, ConnectorError> {
    ErecruiterFactory.build(config)
}

async fn sandbox() -> (SandboxHandle, Value) {
    let handle = Sandbox::spawn(
        // A frozen sandbox clock keeps token expiries and write timestamps identical across
        // re-recordings, so a regeneration's diff shows only real changes. The token lifetime
        // reaches past today: the connector judges expiry by the real clock.
        SandboxConfig {
            frozen_clock: Some(CLOCK.parse().unwrap()),
            token_lifetime: std::time::Duration::from_secs(100 * 365 * 24 * 3600),
            ..SandboxConfig::default()
        },
        SandboxSeed {
            jobs: 6,
            candidates: 14,
            seed: 42,
        },
    )
    .await
    .unwrap();
    let (key, mandator) = handle.credentials();
    let config = json!({
        "host": handle.base_url(),
        "mandator_id": mandator,
        "api_key": key,
        "culture": "de-AT",
        "default_source_name": "atsbridge",
        "max_concurrent_requests": 1,
        "requests_per_second": 1000,
    });
    (handle, config)
}

fn spec(
    handle: &SandboxHandle,
    scenario: &str,
    docs: &str,
    fault: Option<Fault>,
    input: ScenarioInput,
) -> RecordingSpec {
    RecordingSpec {
        connector: "erecruiter".into(),
        scenario: scenario.into(),
        docs: docs.into(),
        fault,
        clock: CLOCK.parse().unwrap(),
        input,
        base_url: handle.base_url(),
        secret_keys: vec!["api_key".into()],
    }
}

fn full_sync() -> ScenarioInput {
    let models: Vec<Model> = ErecruiterFactory
        .coverage()
        .models
        .iter()
        .map(|m| m.model)
        .collect();
    ScenarioInput::Sync {
        scope: json!({ "mode": "full", "models": models }),
    }
}

#[tokio::test]
async fn a_scenario_recorded_against_the_sandbox_is_clean_and_replays() {
    let (handle, config) = sandbox().await;
    let fixture = record_via_proxy(
        &build,
        &config,
        spec(
            &handle,
            "recorded_check",
            "Recorded in a test.",
            None,
            ScenarioInput::Check,
        ),
    )
    .await
    .unwrap();
    assert!(fixture.interactions.len() >= 2);
    assert_eq!(fixture.config["api_key"], "[REDACTED]");
    assert_eq!(fixture.config["host"], "[SERVER]");
    assert_eq!(lint_fixture(&fixture), vec![]);
    let run = kit().replay(&fixture).await.unwrap();
    run.verify_expectation().unwrap();
}

fn with_response(
    interaction: &Interaction,
    status: u16,
    headers: &[(&str, &str)],
    body: Option<FixtureBody>,
) -> Interaction {
    Interaction {
        request: interaction.request.clone(),
        response: FixtureResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body,
        },
    }
}

fn derived(
    base: &Fixture,
    scenario: &str,
    docs: &str,
    fault: Fault,
    interactions: Vec<Interaction>,
    expect: Expectation,
) -> Fixture {
    Fixture {
        scenario: scenario.into(),
        docs: docs.into(),
        fault: Some(fault),
        interactions,
        expect,
        ..base.clone()
    }
}

fn position(fixture: &Fixture, predicate: impl Fn(&Interaction) -> bool) -> usize {
    fixture
        .interactions
        .iter()
        .position(predicate)
        .expect("the recorded sync has the request the fault is injected into")
}

/// Keeps only the interactions a replay actually used and takes the observed outcome as the
/// expectation; for faults whose handling is the connector's choice.
async fn settle(kit: &ConformanceKit, mut fixture: Fixture) -> Fixture {
    let run = kit.replay(&fixture).await.unwrap();
    let used: std::collections::BTreeSet<usize> =
        run.observed.iter().filter_map(|o| o.interaction).collect();
    fixture.interactions = fixture
        .interactions
        .iter()
        .enumerate()
        .filter(|(index, _)| used.contains(index))
        .map(|(_, interaction)| interaction.clone())
        .collect();
    fixture.expect = Expectation {
        outcome: match &run.error {
            None => ExpectedOutcome::Ok,
            Some(error) => ExpectedOutcome::Error {
                code: error.kombo_code().as_str().to_owned(),
            },
        },
        complete_models: run.sink.as_ref().map(|sink| {
            sink.complete
                .iter()
                .map(|m| m.as_str().to_owned())
                .collect()
        }),
    };
    fixture
}

fn rewrite_ints(value: &mut Value, keys: &[&str], to: i64) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if keys.contains(&key.as_str()) && item.is_i64() {
                    *item = json!(to);
                } else {
                    rewrite_ints(item, keys, to);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite_ints(item, keys, to)),
        _ => {}
    }
}

fn null_optional(value: &mut Value, keep: &[&str]) {
    if let Value::Object(map) = value {
        for (key, item) in map.iter_mut() {
            if !keep.contains(&key.as_str())
                && (item.is_string() || item.is_array() || item.is_object())
            {
                *item = Value::Null;
            }
        }
    }
}

#[tokio::test]
#[ignore = "rewrites fixtures/erecruiter from the sandbox; run on purpose and review the diff"]
async fn regenerate_fixtures() {
    let (handle, config) = sandbox().await;
    let kit = kit();
    let mut out: Vec<Fixture> = Vec::new();

    out.push(
        record_via_proxy(
            &build,
            &config,
            spec(
                &handle,
                "check_ok",
                "Credential check with a valid API key.",
                None,
                ScenarioInput::Check,
            ),
        )
        .await
        .unwrap(),
    );
    let mut bad = config.clone();
    bad["api_key"] = json!("wrong-key-for-the-sandbox");
    out.push(
        record_via_proxy(
            &build,
            &bad,
            spec(
                &handle,
                "check_bad_credentials",
                "The token exchange rejects the API key.",
                Some(Fault::BadCredentials),
                ScenarioInput::Check,
            ),
        )
        .await
        .unwrap(),
    );
    let sync = record_via_proxy(&build, &config, spec(&handle, "sync_full", "Full sync of every declared model: published jobs, their questionnaires, applications and applicants.", None, full_sync()))
        .await
        .unwrap();

    // Ids for the actions, read from the recorded sync.
    let run = kit.replay(&sync).await.unwrap();
    let job = run.records(Model::Job)[0]["remote_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let application = run.records(Model::Application)[0].clone();
    let application_id = application["remote_id"].as_str().unwrap().to_owned();
    let candidate_id = application["candidate_remote_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let applied_job = application["job_remote_id"].as_str().unwrap().to_owned();

    let attachment = json!({"name": "cv.pdf", "content_type": "application/pdf", "type": "CV", "data": "JVBERi0xLjQKJcOkw7zDtsOfCg=="});
    let link = json!({"label": "Coding assessment", "url": "https://assessments.example.com/results/7f3a", "details": {"custom_field_name_prefix": "assessment:", "attributes": [{"key": "Score", "value": "87/100"}]}});
    let new_candidate = json!({"first_name": "Erika", "last_name": "Mustermann", "email_address": "erika.mustermann@example.org", "phone_number": "+43 1 555 0147", "location": {"city": "Linz", "country": "AT"}});
    let actions: Vec<(&str, &str, Value, Option<Fault>)> = vec![
        (
            "action_add_candidate_tag",
            "add_candidate_tag",
            json!({"candidate_remote_id": candidate_id, "tag_name": "Talent pool"}),
            None,
        ),
        (
            "action_remove_candidate_tag",
            "remove_candidate_tag",
            json!({"candidate_remote_id": candidate_id, "tag_name": "Talent pool"}),
            None,
        ),
        (
            "action_add_candidate_attachment",
            "add_candidate_attachment",
            json!({"candidate_remote_id": candidate_id, "attachment": attachment}),
            None,
        ),
        (
            "action_add_application_attachment",
            "add_application_attachment",
            json!({"application_remote_id": application_id, "candidate_remote_id": candidate_id, "attachment": attachment}),
            None,
        ),
        (
            "action_add_candidate_result_link",
            "add_candidate_result_link",
            json!({"candidate_remote_id": candidate_id, "link": link}),
            None,
        ),
        (
            "action_add_application_result_link",
            "add_application_result_link",
            json!({"application_remote_id": application_id, "candidate_remote_id": candidate_id, "link": link}),
            None,
        ),
        (
            "action_create_candidate",
            "create_candidate",
            json!({"job_remote_id": job, "source_name": "atsbridge", "body": {"candidate": new_candidate, "application": {"job_id": format!("remote:{job}")}, "gdpr_consent": {"given": true}}}),
            None,
        ),
        (
            "action_create_application",
            "create_application",
            json!({"job_remote_id": job, "source_name": "atsbridge", "body": {"candidate": {"first_name": "Max", "last_name": "Muster", "email_address": "max.muster@example.net"}}}),
            None,
        ),
        // Repeats the application created just before; eRecruiter refuses the duplicate.
        (
            "action_create_application_already_exists",
            "create_application",
            json!({"job_remote_id": job, "source_name": "atsbridge", "body": {"candidate": {"first_name": "Max", "last_name": "Muster", "email_address": "max.muster@example.net"}}}),
            Some(Fault::BusinessError),
        ),
        (
            "action_create_application_job_closed",
            "create_application",
            json!({"job_remote_id": applied_job, "body": {"candidate": {"first_name": "Lena", "last_name": "Beispiel", "email_address": "lena.beispiel@example.net"}}}),
            Some(Fault::BusinessError),
        ),
        (
            "action_create_application_unknown_job",
            "create_application",
            json!({"job_remote_id": "999999", "body": {"candidate": {"first_name": "Max", "last_name": "Muster", "email_address": "max.muster2@example.net"}}}),
            Some(Fault::BusinessError),
        ),
        (
            "action_add_tag_unknown_candidate",
            "add_candidate_tag",
            json!({"candidate_remote_id": "999999", "tag_name": "Talent pool"}),
            Some(Fault::BusinessError),
        ),
    ];
    for (scenario, action, input, fault) in actions {
        let docs = match fault {
            None => format!("`{action}` succeeds."),
            Some(_) => format!(
                "`{action}` with input the provider rejects; the business error is surfaced."
            ),
        };
        let fixture = record_via_proxy(
            &build,
            &config,
            spec(
                &handle,
                scenario,
                &docs,
                fault,
                ScenarioInput::Action {
                    action: action.into(),
                    input,
                },
            ),
        )
        .await
        .unwrap();
        out.push(fixture);
    }

    // Faults derived from the recorded sync.
    let token = sync.interactions[0].clone();
    assert_eq!(token.request.method, "POST");
    let data = |i: &Interaction| i.request.method == "GET";
    let second_data = {
        let first = position(&sync, data);
        first
            + 1
            + sync.interactions[first + 1..]
                .iter()
                .position(data)
                .unwrap()
    };
    let ok = |sync: &Fixture| sync.expect.clone();

    let mut expiry = sync.interactions.clone();
    expiry.insert(
        second_data,
        with_response(
            &sync.interactions[second_data],
            401,
            &[],
            Some(FixtureBody::Json(
                json!({"Message": "Authorization has been denied for this request."}),
            )),
        ),
    );
    expiry.insert(second_data + 1, token.clone());
    out.push(derived(&sync, "sync_token_expiry", "The token expires mid-run: a data request answers 401, the connector exchanges the key again and continues.", Fault::TokenExpiry, expiry, ok(&sync)));

    let mut limited = sync.interactions.clone();
    limited.insert(
        second_data,
        with_response(
            &sync.interactions[second_data],
            429,
            &[("retry-after", "2")],
            None,
        ),
    );
    out.push(derived(
        &sync,
        "sync_rate_limited",
        "One request is rate limited with Retry-After: 2; the connector waits and retries.",
        Fault::RateLimit,
        limited,
        ok(&sync),
    ));

    let mut recovers = sync.interactions.clone();
    recovers.insert(
        second_data,
        with_response(
            &sync.interactions[second_data],
            500,
            &[],
            Some(FixtureBody::Json(
                json!({"Message": "An error has occurred."}),
            )),
        ),
    );
    out.push(derived(
        &sync,
        "sync_server_error_recovers",
        "A data request answers 500 once; the retry succeeds.",
        Fault::ServerErrorRecovers,
        recovers,
        ok(&sync),
    ));

    let jobs_at = position(&sync, |i| i.request.path.ends_with("/PublishedJobs"));
    let mut persists: Vec<Interaction> = sync.interactions[..jobs_at].to_vec();
    for _ in 0..4 {
        persists.push(with_response(&sync.interactions[jobs_at], 503, &[], None));
    }
    persists.extend(sync.interactions[jobs_at..].iter().cloned());
    let persists = derived(
        &sync,
        "sync_server_error_persists",
        "PublishedJobs answers 503 until retries are exhausted; the run fails and marks nothing complete.",
        Fault::ServerErrorPersists,
        persists,
        ok(&sync),
    );
    out.push(settle(&kit, persists).await);

    let last_fan_out = sync
        .interactions
        .iter()
        .rposition(|i| i.request.path.contains("/Applications/ByJob/"))
        .unwrap();
    let mut half: Vec<Interaction> = sync.interactions[..last_fan_out].to_vec();
    for _ in 0..4 {
        half.push(with_response(
            &sync.interactions[last_fan_out],
            500,
            &[],
            None,
        ));
    }
    half.extend(sync.interactions[last_fan_out..].iter().cloned());
    let half = settle(&kit, derived(&sync, "sync_fails_half_way", "The applications of the last job keep failing with 500: the run fails after jobs were read; applications and candidates must not be marked complete.", Fault::FailsHalfWay, half, ok(&sync))).await;
    let complete = half.expect.complete_models.clone().unwrap_or_default();
    assert!(
        !complete.iter().any(|m| m == "application"),
        "connector marked applications complete in a failed run: {complete:?}"
    );
    out.push(half);

    let applicant_at = position(&sync, |i| i.request.path.contains("/Applicant/"));
    let mut malformed = sync.interactions.clone();
    malformed[applicant_at].response.body = Some(FixtureBody::Text(
        "{\"Id\": 120001, \"FirstName\": \"Erika\", \"LastN".into(),
    ));
    out.push(
        settle(
            &kit,
            derived(
                &sync,
                "sync_malformed_json",
                "One applicant response is cut off mid-JSON.",
                Fault::MalformedJson,
                malformed,
                ok(&sync),
            ),
        )
        .await,
    );

    let mut unknown = sync.interactions.clone();
    for interaction in &mut unknown {
        if let Some(FixtureBody::Json(body)) = &mut interaction.response.body {
            rewrite_ints(
                body,
                &["Status", "Gender", "Type", "WorkflowStatusGroup"],
                97,
            );
        }
    }
    out.push(derived(&sync, "sync_unknown_enum_values", "Every enum integer (Status, Gender, Type, WorkflowStatusGroup) is a value the connector does not know; the sync still succeeds.", Fault::UnknownEnumValues, unknown, ok(&sync)));

    let mut missing = sync.interactions.clone();
    for interaction in &mut missing {
        if interaction.request.path.contains("/Applicant/")
            && let Some(FixtureBody::Json(body)) = &mut interaction.response.body
        {
            null_optional(body, &["Id", "FirstName", "LastName"]);
        }
    }
    out.push(derived(
        &sync,
        "sync_missing_optional_fields",
        "Applicants with every optional field null; the sync still succeeds.",
        Fault::MissingOptionalFields,
        missing,
        ok(&sync),
    ));
    out.push(sync);

    let dir = fixtures_dir();
    for fixture in &out {
        assert_eq!(
            lint_fixture(fixture),
            vec![],
            "{} is not clean",
            fixture.scenario
        );
        fixture
            .save(&dir.join(format!("{}.json", fixture.scenario)))
            .unwrap();
    }
}
