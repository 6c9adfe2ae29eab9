//! The replay server: interactions used once each, in order for duplicates, a catch-all for
//! everything else, and consumption verified without panicking.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use atsbridge_conformance::ReplayServer;
use atsbridge_conformance::fixture::{
    Expectation, ExpectedOutcome, Fixture, FixtureBody, FixtureRequest, FixtureResponse,
    Interaction, ScenarioInput,
};
use atsbridge_conformance::replay::{UNMATCHED_HEADER, UNMATCHED_STATUS};
use serde_json::json;

fn interaction(method: &str, path: &str, status: u16, body: serde_json::Value) -> Interaction {
    Interaction {
        request: FixtureRequest {
            method: method.into(),
            path: path.into(),
            query: Default::default(),
            headers: Default::default(),
            body: None,
        },
        response: FixtureResponse {
            status,
            headers: Default::default(),
            body: Some(FixtureBody::Json(body)),
        },
    }
}

fn fixture(interactions: Vec<Interaction>, ordered: bool) -> Fixture {
    Fixture {
        version: 1,
        connector: "acme".into(),
        scenario: "replay_case".into(),
        docs: String::new(),
        fault: None,
        config: json!({"base_url": "[SERVER]/v1"}),
        clock: "2026-01-01T00:00:00Z".parse().unwrap(),
        input: ScenarioInput::Check,
        ordered,
        interactions,
        expect: Expectation {
            outcome: ExpectedOutcome::Ok,
            complete_models: None,
        },
    }
}

async fn get(uri: &str) -> (u16, String) {
    let response = reqwest::get(uri).await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn repeated_requests_get_the_recorded_answers_in_order() {
    let fixture = fixture(
        vec![
            interaction("GET", "/jobs", 500, json!({"n": 1})),
            interaction("GET", "/jobs", 200, json!({"n": 2})),
        ],
        false,
    );
    let server = ReplayServer::start(&fixture).await.unwrap();
    assert_eq!(
        server.config(),
        json!({"base_url": format!("{}/v1", server.uri())})
    );
    assert_eq!(
        get(&format!("{}/jobs", server.uri())).await,
        (500, r#"{"n":1}"#.into())
    );
    assert_eq!(
        get(&format!("{}/jobs", server.uri())).await,
        (200, r#"{"n":2}"#.into())
    );
    let observed = server.finish().await.unwrap();
    let used: Vec<_> = observed.iter().map(|o| o.interaction).collect();
    assert_eq!(used, vec![Some(0), Some(1)]);
}

#[tokio::test]
async fn unrecorded_request_hits_the_catch_all_and_fails_verification() {
    let fixture = fixture(vec![interaction("GET", "/jobs", 200, json!([]))], false);
    let server = ReplayServer::start(&fixture).await.unwrap();
    let response = reqwest::get(format!("{}/jobs?page=2", server.uri()))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), UNMATCHED_STATUS);
    assert!(response.headers().contains_key(UNMATCHED_HEADER));
    let body = response.text().await.unwrap();
    assert!(body.contains("GET /jobs?page=2"), "{body}");
    assert!(body.contains("query differs"), "{body}");
    assert!(body.contains("record_scenario"), "{body}");

    let failure = server.finish().await.unwrap_err();
    assert_eq!(failure.unmatched, vec!["GET /jobs?page=2".to_owned()]);
    assert_eq!(failure.unused, vec!["#0 GET /jobs".to_owned()]);
}

#[tokio::test]
async fn second_use_of_a_single_interaction_is_unmatched() {
    let fixture = fixture(vec![interaction("GET", "/jobs", 200, json!([]))], false);
    let server = ReplayServer::start(&fixture).await.unwrap();
    assert_eq!(get(&format!("{}/jobs", server.uri())).await.0, 200);
    assert_eq!(
        get(&format!("{}/jobs", server.uri())).await.0,
        UNMATCHED_STATUS
    );
    let failure = server.finish().await.unwrap_err();
    assert_eq!(failure.unmatched, vec!["GET /jobs".to_owned()]);
    assert!(failure.unused.is_empty());
}

#[tokio::test]
async fn ordered_fixture_refuses_out_of_order_requests() {
    let fixture = fixture(
        vec![
            interaction("GET", "/a", 200, json!(1)),
            interaction("GET", "/b", 200, json!(2)),
        ],
        true,
    );
    let server = ReplayServer::start(&fixture).await.unwrap();
    assert_eq!(
        get(&format!("{}/b", server.uri())).await.0,
        UNMATCHED_STATUS
    );
    assert_eq!(get(&format!("{}/a", server.uri())).await.0, 200);
    assert_eq!(get(&format!("{}/b", server.uri())).await.0, 200);
    let failure = server.finish().await.unwrap_err();
    assert_eq!(failure.unmatched, vec!["GET /b".to_owned()]);
    assert!(failure.unused.is_empty());
}

#[tokio::test]
async fn requests_are_stamped_with_the_given_time_source() {
    let fixture = fixture(vec![interaction("GET", "/a", 200, json!(1))], false);
    let now: chrono::DateTime<chrono::Utc> = "2026-01-01T00:00:07Z".parse().unwrap();
    let server = ReplayServer::start_with_time(&fixture, Arc::new(move || now))
        .await
        .unwrap();
    get(&format!("{}/a", server.uri())).await;
    let observed = server.finish().await.unwrap();
    assert_eq!(observed[0].at, Some(now));
}

#[tokio::test]
#[should_panic(expected = "Verifications failed")]
async fn dropping_an_unfinished_replay_enforces_expect_once() {
    let fixture = fixture(vec![interaction("GET", "/a", 200, json!(1))], false);
    let server = ReplayServer::start(&fixture).await.unwrap();
    drop(server);
}

#[test]
fn fixture_schema_describes_the_format() {
    let schema = atsbridge_conformance::fixture_json_schema();
    let text = schema.to_string();
    for field in ["interactions", "clock", "expect", "fault", "scenario"] {
        assert!(text.contains(field), "schema lacks {field}");
    }
    let validator = jsonschema::validator_for(&schema).unwrap();
    let example = serde_json::to_value(fixture(vec![], false)).unwrap();
    assert!(validator.is_valid(&example));
    assert!(!validator.is_valid(&json!({"version": 1})));
}
