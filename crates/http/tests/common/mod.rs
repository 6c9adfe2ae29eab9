//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use atsbridge_http::{HttpClient, HttpClientBuilder, NoJitter, RetryPolicy, Sleeper};
use futures::future::BoxFuture;
use url::Url;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A sleeper that records every requested wait and returns at once.
#[derive(Default)]
pub struct RecordingSleeper {
    delays: Mutex<Vec<Duration>>,
}

impl RecordingSleeper {
    pub fn delays(&self) -> Vec<Duration> {
        self.delays.lock().unwrap().clone()
    }

    pub fn total(&self) -> Duration {
        self.delays().iter().sum()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.delays.lock().unwrap().push(duration);
        Box::pin(async {})
    }
}

/// A retry policy with deterministic backoff (100 ms, 200 ms, ...) and no real waiting.
pub fn fast_retry(sleeper: Arc<RecordingSleeper>) -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(3)
        .initial_backoff(Duration::from_millis(100))
        .jitter(Arc::new(NoJitter))
        .sleeper(sleeper)
}

/// The base URL of the mock with an `/Api/` path, like eRecruiter.
pub fn api_base(server: &MockServer) -> Url {
    Url::parse(&format!("{}/Api/", server.uri())).unwrap()
}

/// A builder pointed at the mock with fast, recorded retries.
pub fn builder(server: &MockServer, sleeper: Arc<RecordingSleeper>) -> HttpClientBuilder {
    HttpClient::builder(api_base(server))
        .provider("testprovider")
        .retry(fast_retry(sleeper))
}

/// Mounts a low-priority catch-all that names any request no other mock expected.
pub async fn mount_catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(|request: &Request| {
            ResponseTemplate::new(599).set_body_string(format!(
                "unexpected request: {} {}",
                request.method,
                request.url.path()
            ))
        })
        .with_priority(u8::MAX)
        .mount(server)
        .await;
}

/// How many requests the mock saw on `path`.
pub async fn hits(server: &MockServer, path: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|request| request.url.path() == path)
        .count()
}
