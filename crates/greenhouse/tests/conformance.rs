//! The Greenhouse connector through the conformance kit: every fixture under
//! `fixtures/greenhouse/` is replayed and snapshotted and the standard checks run.
//! `regenerate_fixtures` (ignored) records the fixtures from the sandbox through the kit's
//! proxy and has the kit derive the fault scenarios from the recorded full sync.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::Arc;

use atsbridge_conformance::fixture::{Fault, Fixture, Interaction, ScenarioInput};
use atsbridge_conformance::{
    ConformanceKit, FaultPoints, RecordingSpec, check, derive_fault_fixtures, lint_dir,
    lint_fixture, record_via_proxy, snapshot_settings,
};
use atsbridge_connector::{Connector, ConnectorError, ConnectorFactory};
use atsbridge_greenhouse::GreenhouseFactory;
use atsbridge_greenhouse_sandbox::{Sandbox, SandboxConfig, SandboxHandle, SandboxSeed};
use serde_json::{Value, json};

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/greenhouse")
}

fn kit() -> ConformanceKit {
    ConformanceKit::new(Arc::new(GreenhouseFactory)).fixtures_dir(fixtures_dir())
}

#[tokio::test]
async fn every_fixture_replays_as_expected_and_matches_its_snapshot() {
    let kit = kit();
    let fixtures = kit.fixtures().unwrap();
    assert!(fixtures.len() >= 10, "expected the Greenhouse fixture set");
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

/// Every standard check passes; the only one skipped is the refusal of undeclared actions,
/// since every action is declared.
#[tokio::test]
async fn standard_checks_pass() {
    let report = check::run_all(&kit()).await;
    report.assert_passed();
    let skipped: Vec<&str> = report
        .results
        .iter()
        .filter(|(_, result)| matches!(result, Ok(check::Checked::Skipped(_))))
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(skipped, vec!["check_undeclared_actions_refused"]);
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

#[test]
fn the_coverage_declaration_is_sound() {
    assert!(GreenhouseFactory.coverage().problems().is_empty());
}

// ---------------------------------------------------------------------------------------
// Recording against the sandbox.

const CLOCK: &str = "2025-06-02T12:00:00Z";

fn build(config: &Value) -> Result<Arc<dyn Connector>, ConnectorError> {
    GreenhouseFactory.build(config)
}

async fn sandbox() -> (SandboxHandle, Value) {
    let handle = Sandbox::spawn(
        // A frozen clock keeps timestamps identical across re-recordings; the token lifetime
        // reaches past today because the connector judges expiry by the real clock.
        SandboxConfig {
            frozen_clock: Some(CLOCK.parse().unwrap()),
            token_lifetime: std::time::Duration::from_secs(100 * 365 * 24 * 3600),
            ..SandboxConfig::default()
        },
        SandboxSeed {
            jobs: 3,
            candidates: 12,
            seed: 42,
        },
    )
    .await
    .unwrap();
    let (id, secret) = handle.credentials();
    let config = json!({
        "client_id": id,
        "client_secret": secret,
        "harvest_url": handle.base_url(),
        "token_url": format!("{}/token", handle.base_url()),
        "per_page": 5,
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
        connector: "greenhouse".into(),
        scenario: scenario.into(),
        docs: docs.into(),
        fault,
        clock: CLOCK.parse().unwrap(),
        input,
        base_url: handle.base_url(),
        secret_keys: GreenhouseFactory.secret_config_keys(),
    }
}

fn sync_input(mode: &str, previous_state: Option<Value>) -> ScenarioInput {
    let models: Vec<_> = GreenhouseFactory
        .coverage()
        .models
        .iter()
        .map(|m| m.model)
        .collect();
    ScenarioInput::Sync {
        scope: json!({ "mode": mode, "models": models, "previous_state": previous_state }),
    }
}

fn position(fixture: &Fixture, predicate: impl Fn(&Interaction) -> bool) -> usize {
    fixture
        .interactions
        .iter()
        .position(predicate)
        .expect("the recorded sync has the request")
}

#[tokio::test]
#[ignore = "rewrites fixtures/greenhouse from the sandbox; run on purpose and review the diff"]
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
                "Credential check: a token exchange, then one probe per model family.",
                None,
                ScenarioInput::Check,
            ),
        )
        .await
        .unwrap(),
    );
    let mut bad = config.clone();
    bad["client_secret"] = json!("wrong-secret-for-the-sandbox");
    out.push(
        record_via_proxy(
            &build,
            &bad,
            spec(
                &handle,
                "check_bad_credentials",
                "The token endpoint rejects the client secret.",
                Some(Fault::BadCredentials),
                ScenarioInput::Check,
            ),
        )
        .await
        .unwrap(),
    );
    let sync = record_via_proxy(&build, &config, spec(&handle, "sync_full", "Full sync of every declared model, five rows per page: the Link header's next cursor is followed to the end of each list.", None, sync_input("full", None))).await.unwrap();

    let run = kit.replay(&sync).await.unwrap();
    let job = run.records(atsbridge_connector::Model::Job)[0]["remote_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let application = run.records(atsbridge_connector::Model::Application)[0].clone();
    let application_id = application["remote_id"].as_str().unwrap().to_owned();
    let candidate_id = application["candidate_remote_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let attachment = json!({"name": "cv.pdf", "content_type": "application/pdf", "type": "CV", "data": "JVBERi0xLjQKJcOkw7zDtsOfCg=="});
    let link = json!({"label": "Coding assessment", "url": "https://assessments.example.com/results/7f3a", "details": {"custom_field_name_prefix": "assessment:", "attributes": [{"key": "Score", "value": "87/100"}]}, "remote_fields": {"greenhouse": {"post_headers": {"On-Behalf-Of": "4080"}}}});
    let new_candidate = json!({"first_name": "Erika", "last_name": "Mustermann", "email_address": "erika.mustermann@example.org", "phone_number": "+1 555 0147", "company": "Example Corp"});
    let actions: Vec<(&str, &str, Value, Option<Fault>)> = vec![
        (
            "action_add_candidate_tag",
            "add_candidate_tag",
            json!({"candidate_remote_id": candidate_id, "tag_name": "Talent pool"}),
            None,
        ),
        (
            "action_add_candidate_tag_new",
            "add_candidate_tag",
            json!({"candidate_remote_id": candidate_id, "tag_name": "Hackathon 2025"}),
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
            json!({"application_remote_id": application_id, "link": link}),
            None,
        ),
        (
            "action_create_candidate",
            "create_candidate",
            json!({"job_remote_id": job, "source_name": "atsbridge", "attachments": [attachment], "body": {"candidate": new_candidate, "application": {"job_id": format!("remote:{job}")}, "remote_fields": {"greenhouse": {"post_headers": {"On-Behalf-Of": "4080"}}}}}),
            None,
        ),
        (
            "action_create_application",
            "create_application",
            json!({"job_remote_id": job, "body": {"candidate": {"first_name": "Max", "last_name": "Muster", "email_address": "max.muster@example.net"}}}),
            None,
        ),
        (
            "action_create_application_unknown_job",
            "create_application",
            json!({"job_remote_id": "999999", "body": {"candidate": {"first_name": "Max", "last_name": "Muster", "email_address": "max.muster2@example.net"}}}),
            Some(Fault::BusinessError),
        ),
    ];
    for (scenario, action, input, fault) in actions {
        let docs = match fault {
            None => format!("`{action}` succeeds."),
            Some(_) => format!("`{action}` with input Greenhouse rejects; the error is surfaced."),
        };
        out.push(
            record_via_proxy(
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
            .unwrap(),
        );
    }

    let edited = handle.edit_candidates(2);
    assert_eq!(edited.len(), 2);
    out.push(record_via_proxy(&build, &config, spec(&handle, "sync_delta", "Delta sync after two candidates were edited: candidates and applications are read with updated_at=gte|<previous start - 10 min>, the job side whole; nothing is marked complete.", None, sync_input("delta", Some(json!({"checkpoint": "2025-06-01T00:00:00Z"}))))).await.unwrap());

    let data = |i: &Interaction| i.request.method == "GET";
    let first_data = position(&sync, data);
    let second_data = first_data
        + 1
        + sync.interactions[first_data + 1..]
            .iter()
            .position(data)
            .unwrap();
    let candidates: Vec<usize> = (0..sync.interactions.len())
        .filter(|i| sync.interactions[*i].request.path.ends_with("/candidates"))
        .collect();
    let points = FaultPoints {
        token_exchange: Some(position(&sync, |i| i.request.path.ends_with("/token"))),
        malformed: candidates[0],
        unknown_enum_values: vec![
            ("status".to_owned(), json!("archived_forever")),
            ("answer_type".to_owned(), json!("video_response")),
        ],
        optional_fields_in: candidates,
        required_members: ["id", "first_name", "last_name"]
            .map(str::to_owned)
            .to_vec(),
        unauthorized_body: Some(
            json!({"message": "Unauthorized", "errors": ["Token could not be decoded."]}),
        ),
        server_error_body: Some(json!({"message": "Internal Server Error"})),
        ..FaultPoints::new(
            second_data,
            first_data,
            sync.interactions
                .iter()
                .rposition(|i| i.request.path.ends_with("/applications"))
                .unwrap(),
        )
    };
    let faults = derive_fault_fixtures(&kit, &sync, &points).await.unwrap();
    let half = faults
        .iter()
        .find(|f| f.scenario == "sync_fails_half_way")
        .unwrap();
    let complete = half.expect.complete_models.clone().unwrap_or_default();
    assert!(
        !complete.iter().any(|m| m == "application"),
        "applications marked complete in a failed run: {complete:?}"
    );
    out.extend(faults);
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
