//! The connect flow in Chromium, the way an application's customer goes through it: open
//! the link, read the guide, enter a wrong key and see the error, enter the right one and see
//! success; after that the integration exists and its first sync ran. A webhook receiver
//! checks the signatures and payloads of `integration-created` and `sync-finished`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use atsbridge_webhooks::signing::{WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP, verify};
use atsbridge_webhooks::{Backoff, DeliveryWorker, WorkerConfig};
use axum::body::Bytes;
use axum::extract::State;
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::harness::{Browser, PATIENCE, Stack, succeeded};
use crate::update_docs_image;

/// Kombo's webhook schemas (shapes only), as the server's tests keep them.
const SHAPES: &str = include_str!("../../../server/tests/spec/kombo-shapes.json");

/// What the receiver accepted: verified payloads, and how many it refused.
#[derive(Default)]
struct Received {
    payloads: Vec<Value>,
    rejected: usize,
}

#[derive(Clone)]
struct Receiver {
    secret: Arc<Mutex<String>>,
    received: Arc<Mutex<Received>>,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let secret = receiver.secret.lock().unwrap().clone();
    let now = chrono::Utc::now().timestamp();
    let verified = verify(
        &secret,
        &header(WEBHOOK_ID),
        &header(WEBHOOK_TIMESTAMP),
        &header(WEBHOOK_SIGNATURE),
        &body,
        now,
        300,
    );
    let mut received = receiver.received.lock().unwrap();
    match (verified, serde_json::from_slice::<Value>(&body)) {
        (Ok(()), Ok(payload)) if payload["id"] == header(WEBHOOK_ID).as_str() => {
            received.payloads.push(payload);
            StatusCode::NO_CONTENT
        }
        _ => {
            received.rejected += 1;
            StatusCode::UNAUTHORIZED
        }
    }
}

/// A receiver on 127.0.0.1, registered as an endpoint of the stack's environment, and a
/// delivery worker that may reach it (loopback is refused by default).
async fn webhooks(stack: &Stack, cancel: &CancellationToken) -> Receiver {
    let receiver = Receiver {
        secret: Arc::default(),
        received: Arc::default(),
    };
    let app = axum::Router::new()
        .route("/hooks", axum::routing::post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let endpoint = stack
        .store
        .add_webhook_endpoint(&stack.environment, &url)
        .await
        .unwrap();
    *receiver.secret.lock().unwrap() = endpoint.secret.clone();
    let worker = DeliveryWorker::new(
        stack.store.clone(),
        WorkerConfig {
            poll_interval: Duration::from_millis(50),
            backoff: Backoff {
                base: Duration::from_millis(50),
                max: Duration::from_millis(500),
            },
            allow_private_addresses: true,
            ..WorkerConfig::default()
        },
    )
    .unwrap();
    tokio::spawn(worker.run(cancel.clone()));
    receiver
}

fn assert_kombo_webhook(payload: &Value) {
    let shapes: Value = serde_json::from_str(SHAPES).unwrap();
    let kind = payload["type"].as_str().unwrap();
    let validator = jsonschema::validator_for(&shapes["webhooks"][kind]).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(payload)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{kind}: {errors:?}\n{payload:#}");
}

async fn create_link(stack: &Stack) -> String {
    let response = reqwest::Client::new()
        .post(format!("{}/v1/connect/create-link", stack.base_url))
        .bearer_auth(&stack.api_key)
        .json(&json!({
            "end_user_email": "it@acme.example",
            "end_user_organization_name": "ACME GmbH",
            "end_user_origin_id": "customer-42",
            "integration_category": "ATS",
            "integration_tool": "erecruiter",
            "language": "en",
            "link_type": "MAGIC_LINK",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["data"]["link"].as_str().unwrap().to_owned()
}

async fn field_value(browser: &Browser, css: &str) -> String {
    browser
        .find(css)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_connects_an_erecruiter_account_through_a_link() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let stack = Stack::start().await;
    let cancel = CancellationToken::new();
    let receiver = webhooks(&stack, &cancel).await;
    let link = create_link(&stack).await;
    let credentials = stack.sandbox_credentials();
    let host = credentials["host"].as_str().unwrap().to_owned();
    let mandator = credentials["mandator_id"].to_string();
    let api_key = credentials["api_key"].as_str().unwrap().to_owned();

    // The guide and the prerequisites, then the form.
    browser.goto(&link).await;
    browser.wait_for_text("Connection Setup Guide").await;
    assert!(browser.page_text().await.contains("Before you start"));
    browser.screenshot("connect-guide").await;

    // A wrong key: a specific error, the other fields kept, the secret field emptied.
    browser.fill("#field-host", &host).await;
    browser.fill("#field-mandator_id", &mandator).await;
    browser.fill("#field-api_key", "wrong-key").await;
    browser.click_button("Connect account").await;
    browser
        .wait_for_text("did not accept these credentials")
        .await;
    assert_eq!(field_value(&browser, "#field-host").await, host);
    assert_eq!(field_value(&browser, "#field-api_key").await, "");
    let shot = browser.screenshot_full_page("connect-wrong-key").await;
    update_docs_image(&shot, "connect-error");

    // The right key.
    browser.fill("#field-api_key", &api_key).await;
    browser.click_button("Connect account").await;
    browser.wait_for_text("Your account is connected").await;
    browser.screenshot_full_page("connect-success").await;

    // The integration exists, for the link's end user, and its first sync ran.
    let integrations = stack
        .store
        .list_integrations(Some(&stack.environment))
        .await
        .unwrap();
    assert_eq!(integrations.len(), 1);
    let integration = &integrations[0];
    assert_eq!(
        integration.end_user.origin_id.as_deref(),
        Some("customer-42")
    );
    let run = stack
        .wait_for_run(integration, |run| run.status.is_final())
        .await;
    assert!(succeeded(&run), "{run:?}");

    // The webhooks arrived signed and in Kombo's shapes.
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let payloads = loop {
        let payloads = receiver.received.lock().unwrap().payloads.clone();
        let kinds: Vec<&str> = payloads.iter().filter_map(|p| p["type"].as_str()).collect();
        if kinds.contains(&"integration-created") && kinds.contains(&"sync-finished") {
            break payloads;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "webhooks missing: {kinds:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(receiver.received.lock().unwrap().rejected, 0);
    for payload in &payloads {
        assert_kombo_webhook(payload);
    }
    let created = payloads
        .iter()
        .find(|p| p["type"] == "integration-created")
        .unwrap();
    assert_eq!(created["data"]["id"], integration.id.as_str());
    assert_eq!(created["data"]["end_user"]["origin_id"], "customer-42");
    let finished = payloads
        .iter()
        .find(|p| p["type"] == "sync-finished")
        .unwrap();
    assert_eq!(finished["data"]["integration_id"], integration.id.as_str());
    assert_eq!(finished["data"]["sync_state"], "SUCCEEDED");

    cancel.cancel();
    browser.close().await;
    stack.shutdown().await;
}
