//! The connector against the Greenhouse sandbox: a full sync reads every model and marks it
//! complete; a delta sync after edits reads only what changed, and says how many requests it
//! took; cursors, token expiry and 429s are handled.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use atsbridge_connector::{ConnectorFactory, Context, MemorySink, Model, SyncMode, SyncScope};
use atsbridge_greenhouse::GreenhouseFactory;
use atsbridge_greenhouse_sandbox::{Sandbox, SandboxConfig, SandboxHandle, SandboxSeed};
use serde_json::{Value, json};

async fn sandbox(config: SandboxConfig, seed: SandboxSeed) -> (SandboxHandle, Value) {
    let handle = Sandbox::spawn(config, seed).await.unwrap();
    let (id, secret) = handle.credentials();
    let config = json!({
        "client_id": id,
        "client_secret": secret,
        "harvest_url": handle.base_url(),
        "token_url": format!("{}/token", handle.base_url()),
    });
    (handle, config)
}

async fn sync(config: &Value, scope: &SyncScope) -> MemorySink {
    let connector = GreenhouseFactory.build(config).unwrap();
    let mut sink = MemorySink::new();
    connector
        .sync(&Context::new("it"), scope, &mut sink)
        .await
        .unwrap();
    sink
}

#[tokio::test]
async fn a_full_sync_reads_every_model_and_marks_it_complete() {
    let seed = SandboxSeed {
        jobs: 4,
        candidates: 250,
        seed: 3,
    };
    let (handle, config) = sandbox(SandboxConfig::default(), seed).await;
    let sink = sync(&config, &SyncScope::full_all_models()).await;
    assert_eq!(
        sink.records_of(Model::Candidate).len(),
        250,
        "three pages of candidates"
    );
    assert_eq!(sink.records_of(Model::Job).len(), 4);
    assert_eq!(sink.records_of(Model::ApplicationStage).len(), 24);
    assert!(sink.records_of(Model::Application).len() >= 250);
    assert_eq!(sink.records_of(Model::ScreeningQuestion).len(), 16);
    assert_eq!(sink.complete.len(), 7, "{:?}", sink.complete);
    assert!(handle.requests_by_path()["/v3/candidates"] >= 3);
}

#[tokio::test]
async fn a_delta_after_one_percent_of_candidates_changed_costs_at_most_five_percent_of_a_full_sync()
{
    let seed = SandboxSeed {
        jobs: 30,
        candidates: 10_000,
        seed: 5,
    };
    let (handle, config) = sandbox(SandboxConfig::default(), seed).await;
    let full = sync(&config, &SyncScope::full_all_models()).await;
    let full_requests = full.requests.unwrap();

    let edited = handle.edit_candidates(100);
    let delta_scope = SyncScope {
        mode: SyncMode::Delta,
        previous_state: full.state.clone(),
        ..SyncScope::full_all_models()
    };
    let delta = sync(&config, &delta_scope).await;
    let delta_requests = delta.requests.unwrap();
    println!(
        "full sync: {full_requests} requests; delta after editing {} of 10000 candidates: {delta_requests} requests ({:.1} %)",
        edited.len(),
        delta_requests as f64 * 100.0 / full_requests as f64
    );
    let candidates: Vec<String> = delta
        .records_of(Model::Candidate)
        .iter()
        .map(|r| r.remote_id().to_owned())
        .collect();
    let expected: Vec<String> = edited.iter().map(u64::to_string).collect();
    let mut sorted = candidates.clone();
    sorted.sort();
    assert_eq!(
        sorted, expected,
        "the delta reads exactly the edited candidates"
    );
    assert!(delta.complete.is_empty(), "a delta marks nothing complete");
    assert!(
        delta_requests * 20 <= full_requests,
        "delta {delta_requests} requests > 5 % of full {full_requests}"
    );
}

#[tokio::test]
async fn expired_tokens_and_rate_limits_do_not_fail_a_run() {
    let config = SandboxConfig {
        token_lifetime: Duration::from_secs(1),
        rate_limit_every: Some(4),
        ..SandboxConfig::default()
    };
    let seed = SandboxSeed {
        jobs: 2,
        candidates: 30,
        seed: 9,
    };
    let (_handle, mut settings) = sandbox(config, seed).await;
    settings["per_page"] = json!(10);
    let connector = GreenhouseFactory.build(&settings).unwrap();
    let mut sink = MemorySink::new();
    connector
        .sync(
            &Context::new("it"),
            &SyncScope::full_all_models(),
            &mut sink,
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut again = MemorySink::new();
    connector
        .sync(
            &Context::new("it"),
            &SyncScope::full_all_models(),
            &mut again,
        )
        .await
        .unwrap();
    assert_eq!(again.records_of(Model::Candidate).len(), 30);
}

#[tokio::test]
async fn passthrough_reaches_harvest_only() {
    let seed = SandboxSeed {
        jobs: 2,
        candidates: 3,
        seed: 1,
    };
    let (_handle, config) = sandbox(SandboxConfig::default(), seed).await;
    let connector = GreenhouseFactory.build(&config).unwrap();
    let ctx = Context::new("it");
    let call = atsbridge_connector::PassthroughCall::new(http::Method::GET, "/v3/jobs?per_page=1");
    let result = connector.passthrough(&ctx, call).await.unwrap();
    assert_eq!(result.status, 200);
    assert_eq!(result.data.unwrap().as_array().map(Vec::len), Some(1));
    assert!(!result.headers.contains_key("authorization"));
    for escape in [
        "https://evil.example/v3/jobs",
        "../token",
        "//evil.example/x",
    ] {
        let call = atsbridge_connector::PassthroughCall::new(http::Method::GET, escape);
        let error = connector.passthrough(&ctx, call).await.unwrap_err();
        assert_eq!(
            error.kind(),
            &atsbridge_connector::ErrorKind::InvalidInput,
            "{escape}"
        );
    }
}
