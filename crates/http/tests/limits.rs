//! Concurrency and rate limits, counted at the server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atsbridge_http::{HttpClient, Limits, ProviderRequest};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use common::{RecordingSleeper, builder};
use url::Url;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Default)]
struct InFlight {
    current: AtomicUsize,
    max: AtomicUsize,
    total: AtomicUsize,
}

async fn counting_handler(State(counters): State<Arc<InFlight>>) -> &'static str {
    let now = counters.current.fetch_add(1, Ordering::SeqCst) + 1;
    counters.max.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(15)).await;
    counters.current.fetch_sub(1, Ordering::SeqCst);
    counters.total.fetch_add(1, Ordering::SeqCst);
    "ok"
}

/// A local server that counts requests in flight on `/Api/Item`.
async fn start_counting_server() -> (Url, Arc<InFlight>) {
    let counters = Arc::new(InFlight::default());
    let app = Router::new()
        .route("/Api/Item", get(counting_handler))
        .with_state(counters.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (
        Url::parse(&format!("http://{address}/Api/")).unwrap(),
        counters,
    )
}

async fn max_in_flight(max_concurrency: usize) -> usize {
    let (base, counters) = start_counting_server().await;
    let client = HttpClient::builder(base)
        .limits(Limits {
            max_concurrency,
            requests_per_second: None,
        })
        .build()
        .unwrap();
    let calls = (0..40).map(|_| client.send(ProviderRequest::get("Item")));
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(counters.total.load(Ordering::SeqCst), 40);
    counters.max.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_concurrency_limit_is_never_exceeded() {
    let limited = max_in_flight(3).await;
    assert!(
        limited <= 3,
        "saw {limited} requests in flight with a limit of 3"
    );
    assert!(limited >= 1);
    // The counter itself works: without a tight limit more requests overlap.
    let loose = max_in_flight(20).await;
    assert!(
        loose > 3,
        "saw only {loose} requests in flight with a limit of 20"
    );
}

#[tokio::test]
async fn a_429_halves_the_rate_and_is_counted() {
    let server = MockServer::start().await;
    Mock::given(path("/Api/Jobs"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/Api/Jobs"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper)
        .limits(Limits {
            max_concurrency: 2,
            requests_per_second: Some(40.0),
        })
        .build()
        .unwrap();
    assert_eq!(client.effective_rate(), Some(40.0));

    client.send(ProviderRequest::get("Jobs")).await.unwrap();

    assert_eq!(client.effective_rate(), Some(20.0));
    let metrics = client.metrics();
    assert_eq!(metrics.rate_limited, 1);
    assert_eq!(metrics.retries, 1);
    assert_eq!(metrics.requests, 2);
}
