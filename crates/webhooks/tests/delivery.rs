//! The delivery worker against a real receiver (axum on 127.0.0.1) that verifies every
//! signature and payload: delivery, retries after 500s, giving up, the private-address guard,
//! and two workers on one PostgreSQL database delivering each event once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atsbridge_store::{
    DeliveryQuery, DeliveryStatus, EndUser, EnvironmentId, Integration, IntegrationSettings,
    NewIntegration, SecretKey, SetupStatus, SqliteStore, Store,
};
use atsbridge_webhooks::signing::{self, WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP};
use atsbridge_webhooks::{Backoff, DeliveryWorker, WorkerConfig};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

/// What the receiver saw: verified payloads by message id, and how many requests came.
#[derive(Default)]
struct Seen {
    payloads: BTreeMap<String, Vec<Value>>,
    requests: usize,
    rejected: usize,
}

#[derive(Clone)]
struct Receiver {
    secret: Arc<Mutex<String>>,
    seen: Arc<Mutex<Seen>>,
    /// Answer 500 to this many requests first.
    fail_first: Arc<Mutex<usize>>,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut seen = receiver.seen.lock().unwrap();
    seen.requests += 1;
    {
        let mut fail = receiver.fail_first.lock().unwrap();
        if *fail > 0 {
            *fail -= 1;
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
    }
    let secret = receiver.secret.lock().unwrap().clone();
    let id = header(WEBHOOK_ID);
    let now = chrono::Utc::now().timestamp();
    let verified = signing::verify(
        &secret,
        &id,
        &header(WEBHOOK_TIMESTAMP),
        &header(WEBHOOK_SIGNATURE),
        &body,
        now,
        300,
    );
    let payload: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if verified.is_err() || payload["id"] != id.as_str() {
        seen.rejected += 1;
        return StatusCode::UNAUTHORIZED;
    }
    seen.payloads.entry(id).or_default().push(payload);
    StatusCode::NO_CONTENT
}

async fn start_receiver(fail_first: usize) -> (String, Receiver) {
    let receiver = Receiver {
        secret: Arc::default(),
        seen: Arc::default(),
        fail_first: Arc::new(Mutex::new(fail_first)),
    };
    let app = axum::Router::new()
        .route("/hooks", axum::routing::post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, receiver)
}

fn config(owner: &str, allow_private: bool) -> WorkerConfig {
    WorkerConfig {
        owner: owner.to_owned(),
        poll_interval: Duration::from_millis(20),
        batch: 4,
        lease: Duration::from_secs(30),
        request_timeout: Duration::from_secs(5),
        max_attempts: 3,
        backoff: Backoff {
            base: Duration::from_millis(10),
            max: Duration::from_millis(40),
        },
        allow_private_addresses: allow_private,
    }
}

async fn integration(store: &dyn Store, env: &EnvironmentId) -> Integration {
    store
        .create_integration(NewIntegration {
            environment_id: env.clone(),
            tool: "erecruiter".into(),
            remote_label: Some("Acme".into()),
            credentials: serde_json::json!({"api_key": "k"}),
            settings: IntegrationSettings::default(),
            end_user: Some(EndUser {
                organization_name: "Acme GmbH".into(),
                creator_email: Some("hr@acme.example".into()),
                origin_id: None,
            }),
            setup_status: SetupStatus::FinalSyncPending,
        })
        .await
        .unwrap()
}

async fn deliveries(store: &dyn Store) -> Vec<atsbridge_store::WebhookDelivery> {
    store
        .list_webhook_deliveries(&DeliveryQuery::default())
        .await
        .unwrap()
}

/// Runs rounds until nothing is pending any more (bounded, so a bug fails instead of hanging).
async fn drain(workers: &[DeliveryWorker], store: &dyn Store) {
    for _ in 0..500 {
        let pending = deliveries(store)
            .await
            .iter()
            .any(|d| d.status == DeliveryStatus::Pending);
        if !pending {
            return;
        }
        let mut rounds = tokio::task::JoinSet::new();
        for worker in workers {
            let worker = worker.clone();
            rounds.spawn(async move { worker.run_once().await.unwrap() });
        }
        while rounds.join_next().await.is_some() {}
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("deliveries still pending: {:#?}", deliveries(store).await);
}

fn sqlite() -> Arc<dyn Store> {
    Arc::new(SqliteStore::open_in_memory(SecretKey::generate()).unwrap())
}

#[tokio::test]
async fn signed_payloads_reach_the_receiver_once() {
    let store = sqlite();
    let (url, receiver) = start_receiver(0).await;
    let env = store.create_environment("prod").await.unwrap();
    let added = store.add_webhook_endpoint(&env.id, &url).await.unwrap();
    *receiver.secret.lock().unwrap() = added.secret.clone();
    let i = integration(store.as_ref(), &env.id).await;

    let worker = DeliveryWorker::new(store.clone(), config("w1", true)).unwrap();
    drain(std::slice::from_ref(&worker), store.as_ref()).await;

    {
        let seen = receiver.seen.lock().unwrap();
        assert_eq!((seen.requests, seen.rejected), (1, 0));
        let (id, payloads) = seen.payloads.iter().next().unwrap();
        assert!(id.starts_with("msg_"));
        assert_eq!(payloads.len(), 1);
        assert_eq!(payloads[0]["type"], "integration-created");
        assert_eq!(payloads[0]["data"]["id"], Value::from(i.id.to_string()));
        assert_eq!(
            payloads[0]["data"]["end_user"],
            serde_json::json!({
                "organization_name": "Acme GmbH",
                "creator_email": "hr@acme.example",
                "origin_id": null
            })
        );
    }
    let log = deliveries(store.as_ref()).await;
    assert_eq!(log[0].status, DeliveryStatus::Delivered);
    assert_eq!((log[0].attempts, log[0].last_http_status), (1, Some(204)));
}

#[tokio::test]
async fn a_receiver_answering_500_gets_retries_until_it_accepts() {
    let store = sqlite();
    let (url, receiver) = start_receiver(2).await;
    let env = store.create_environment("prod").await.unwrap();
    *receiver.secret.lock().unwrap() = store
        .add_webhook_endpoint(&env.id, &url)
        .await
        .unwrap()
        .secret;
    integration(store.as_ref(), &env.id).await;
    let worker = DeliveryWorker::new(store.clone(), config("w1", true)).unwrap();
    drain(std::slice::from_ref(&worker), store.as_ref()).await;

    {
        let seen = receiver.seen.lock().unwrap();
        assert_eq!(seen.requests, 3, "two 500s, then the accepted attempt");
        assert_eq!(seen.payloads.values().map(Vec::len).sum::<usize>(), 1);
    }
    let log = deliveries(store.as_ref()).await;
    assert_eq!(log[0].status, DeliveryStatus::Delivered);
    assert_eq!(log[0].attempts, 3);
    assert_eq!(log[0].last_error, None);
}

#[tokio::test]
async fn a_receiver_that_keeps_failing_ends_as_failed_after_max_attempts() {
    let store = sqlite();
    let (url, receiver) = start_receiver(usize::MAX).await;
    let env = store.create_environment("prod").await.unwrap();
    store.add_webhook_endpoint(&env.id, &url).await.unwrap();
    integration(store.as_ref(), &env.id).await;
    let worker = DeliveryWorker::new(store.clone(), config("w1", true)).unwrap();
    drain(std::slice::from_ref(&worker), store.as_ref()).await;

    assert_eq!(receiver.seen.lock().unwrap().requests, 3);
    let log = deliveries(store.as_ref()).await;
    assert_eq!(log[0].status, DeliveryStatus::Failed);
    assert_eq!(log[0].attempts, 3);
    assert_eq!(log[0].last_http_status, Some(500));
    assert_eq!(
        log[0].last_error.as_deref(),
        Some("the endpoint answered with HTTP 500")
    );
}

#[tokio::test]
async fn private_addresses_are_refused_unless_allowed() {
    let store = sqlite();
    let (url, receiver) = start_receiver(0).await;
    let env = store.create_environment("prod").await.unwrap();
    store.add_webhook_endpoint(&env.id, &url).await.unwrap();
    // A host name that resolves to loopback is refused at resolution, too.
    let by_name = url.replace("127.0.0.1", "localhost");
    store.add_webhook_endpoint(&env.id, &by_name).await.unwrap();
    integration(store.as_ref(), &env.id).await;
    let worker = DeliveryWorker::new(store.clone(), config("w1", false)).unwrap();
    drain(std::slice::from_ref(&worker), store.as_ref()).await;

    assert_eq!(receiver.seen.lock().unwrap().requests, 0);
    let log = deliveries(store.as_ref()).await;
    assert_eq!(log.len(), 2);
    for delivery in log {
        assert_eq!(delivery.status, DeliveryStatus::Failed, "{delivery:?}");
        assert_eq!(delivery.attempts, 1, "not retried: {delivery:?}");
        let error = delivery.last_error.unwrap_or_default();
        assert!(error.contains("loopback, private or link-local"), "{error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_on_one_postgres_database_deliver_each_event_once() {
    let Some(server) = atsbridge_store::testing::postgres_url("webhook delivery") else {
        return;
    };
    let db = atsbridge_store::testing::TestDatabase::create(&server)
        .await
        .unwrap();
    let key = SecretKey::generate();
    let connect = || {
        atsbridge_store::PgStore::connect(
            &db.url,
            key.clone(),
            atsbridge_store::PgOptions::default(),
        )
    };
    let first: Arc<dyn Store> = Arc::new(connect().await.unwrap());
    let second: Arc<dyn Store> = Arc::new(connect().await.unwrap());

    let (url, receiver) = start_receiver(0).await;
    let env = first.create_environment("prod").await.unwrap();
    *receiver.secret.lock().unwrap() = first
        .add_webhook_endpoint(&env.id, &url)
        .await
        .unwrap()
        .secret;
    let i = integration(first.as_ref(), &env.id).await;
    for _ in 0..30 {
        let event = atsbridge_store::webhooks::integration_created(&i);
        second.emit_webhook_event(&env.id, &event).await.unwrap();
    }
    let workers = [
        DeliveryWorker::new(first.clone(), config("instance-a", true)).unwrap(),
        DeliveryWorker::new(second.clone(), config("instance-b", true)).unwrap(),
    ];
    drain(&workers, first.as_ref()).await;

    {
        let seen = receiver.seen.lock().unwrap();
        assert_eq!(seen.rejected, 0);
        assert_eq!(seen.payloads.len(), 31, "every event arrived");
        assert!(
            seen.payloads.values().all(|p| p.len() == 1),
            "no event arrived twice"
        );
        assert_eq!(seen.requests, 31);
    }
    let log = deliveries(first.as_ref()).await;
    assert!(
        log.iter()
            .all(|d| d.status == DeliveryStatus::Delivered && d.attempts == 1)
    );
}
