//! Retry behaviour: which failures are retried, how long the client waits, and what the
//! final error says.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use atsbridge_http::{ErrorStatus, HttpErrorKind, ProviderRequest};
use common::{RecordingSleeper, builder, hits, mount_catch_all};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[tokio::test]
async fn retries_503_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/Api/Job/12"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/Api/Job/12"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"Id": 12})))
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper.clone()).build().unwrap();

    let job: serde_json::Value = client
        .send_json(ProviderRequest::get("Job/12"))
        .await
        .unwrap();

    assert_eq!(job["Id"], 12);
    assert_eq!(hits(&server, "/Api/Job/12").await, 2);
    assert_eq!(sleeper.delays(), vec![Duration::from_millis(100)]);
    let metrics = client.metrics();
    assert_eq!(metrics.requests, 2);
    assert_eq!(metrics.retries, 1);
}

/// Answers 429 with `Retry-After` first; afterwards answers 200 only if the client has
/// already waited at least the announced time, and 500 "too early" otherwise.
struct ThrottleOnce {
    retry_after: String,
    required_wait: Duration,
    sleeper: Arc<RecordingSleeper>,
    calls: AtomicUsize,
}

impl Respond for ThrottleOnce {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
            return ResponseTemplate::new(429)
                .insert_header("retry-after", self.retry_after.as_str());
        }
        if self.sleeper.total() >= self.required_wait {
            ResponseTemplate::new(200).set_body_string("ok")
        } else {
            ResponseTemplate::new(500).set_body_string("retried too early")
        }
    }
}

#[tokio::test]
async fn retry_after_seconds_is_waited_for_before_the_retry() {
    let server = MockServer::start().await;
    let sleeper = Arc::new(RecordingSleeper::default());
    Mock::given(path("/Api/Jobs"))
        .respond_with(ThrottleOnce {
            retry_after: "2".into(),
            required_wait: Duration::from_secs(2),
            sleeper: sleeper.clone(),
            calls: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    let client = builder(&server, sleeper.clone()).build().unwrap();

    let response = client.send(ProviderRequest::get("Jobs")).await.unwrap();

    assert_eq!(response.text(), "ok");
    assert_eq!(sleeper.delays(), vec![Duration::from_secs(2)]);
    assert_eq!(hits(&server, "/Api/Jobs").await, 2);
    assert_eq!(client.metrics().rate_limited, 1);
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let server = MockServer::start().await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(4));
    Mock::given(path("/Api/Jobs"))
        .respond_with(ThrottleOnce {
            retry_after: when,
            required_wait: Duration::from_secs(2),
            sleeper: sleeper.clone(),
            calls: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    let client = builder(&server, sleeper.clone()).build().unwrap();

    client.send(ProviderRequest::get("Jobs")).await.unwrap();

    let delays = sleeper.delays();
    assert_eq!(delays.len(), 1);
    assert!(
        delays[0] >= Duration::from_secs(2) && delays[0] <= Duration::from_secs(4),
        "{delays:?}"
    );
}

#[tokio::test]
async fn retry_after_beyond_the_cap_is_returned_not_waited() {
    let server = MockServer::start().await;
    Mock::given(path("/Api/Jobs"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper.clone()).build().unwrap();

    let err = client.send(ProviderRequest::get("Jobs")).await.unwrap_err();

    assert_eq!(
        err.kind(),
        HttpErrorKind::RateLimited {
            retry_after: Some(Duration::from_secs(3600))
        }
    );
    assert_eq!(err.status(), ErrorStatus::Temporary);
    assert!(sleeper.delays().is_empty());
}

#[tokio::test]
async fn no_retry_on_400_or_403_without_rate_limit_headers() {
    let server = MockServer::start().await;
    Mock::given(path("/Api/Bad"))
        .respond_with(ResponseTemplate::new(400).set_body_string("missing culture"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/Api/Forbidden"))
        .respond_with(ResponseTemplate::new(403))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper.clone()).build().unwrap();

    let bad = client.send(ProviderRequest::get("Bad")).await.unwrap_err();
    assert_eq!(bad.kind(), HttpErrorKind::InvalidRequest);
    assert_eq!(bad.status(), ErrorStatus::Permanent);
    assert_eq!(bad.http_status().map(|s| s.as_u16()), Some(400));
    assert_eq!(bad.body_excerpt(), Some("missing culture"));
    assert_eq!(
        bad.to_string(),
        "testprovider GET /Api/Bad: invalid request (HTTP 400); body: missing culture"
    );

    let forbidden = client
        .send(ProviderRequest::get("Forbidden"))
        .await
        .unwrap_err();
    assert_eq!(forbidden.kind(), HttpErrorKind::PermissionDenied);
    assert_eq!(forbidden.status(), ErrorStatus::Permanent);

    assert!(sleeper.delays().is_empty());
    assert_eq!(client.metrics().requests, 2);
}

#[tokio::test]
async fn forbidden_with_rate_limit_headers_is_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/Api/Jobs"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("retry-after", "1"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/Api/Jobs"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper.clone()).build().unwrap();

    client.send(ProviderRequest::get("Jobs")).await.unwrap();

    assert_eq!(sleeper.delays(), vec![Duration::from_secs(1)]);
    assert_eq!(hits(&server, "/Api/Jobs").await, 2);
}

#[tokio::test]
async fn a_used_up_window_holds_the_next_request_until_its_reset() {
    let server = MockServer::start().await;
    Mock::given(path("/Api/Jobs"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-limit", "50")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "4"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/Api/Jobs"))
        .respond_with(ResponseTemplate::new(200).insert_header("x-ratelimit-remaining", "49"))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper.clone()).build().unwrap();
    // Virtual time: a ticker keeps a timer 100 µs ahead so a request in flight does not let
    // the paused clock jump to the attempt timeout, while deliberate waits pass at once.
    tokio::time::pause();
    let ticker = tokio::spawn(async {
        loop {
            tokio::time::sleep(Duration::from_micros(100)).await;
        }
    });

    client.send(ProviderRequest::get("Jobs")).await.unwrap();
    // Measured on this test's paused tokio clock, which the client's waits advance.
    let before_second = tokio::time::Instant::now();
    client.send(ProviderRequest::get("Jobs")).await.unwrap();
    let held = tokio::time::Instant::now() - before_second;
    assert!(held >= Duration::from_secs(4), "held only {held:?}");
    let before_third = tokio::time::Instant::now();
    client.send(ProviderRequest::get("Jobs")).await.unwrap();
    assert!(
        tokio::time::Instant::now() - before_third < Duration::from_secs(1),
        "a window with budget left does not hold"
    );
    ticker.abort();
    assert_eq!(hits(&server, "/Api/Jobs").await, 3);
    assert!(sleeper.delays().is_empty(), "nothing was retried");
}

#[tokio::test]
async fn post_is_not_retried_unless_marked_safe() {
    let server = MockServer::start().await;
    Mock::given(path("/Api/Applicant"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper.clone()).build().unwrap();

    let err = client
        .send(ProviderRequest::post("Applicant").json(&serde_json::json!({"FirstName": "A"})))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), HttpErrorKind::ProviderUnavailable);
    // Not retried, so the error is still only temporary, not persistent.
    assert_eq!(err.status(), ErrorStatus::Temporary);
    assert_eq!(hits(&server, "/Api/Applicant").await, 1);

    let put = client
        .send(ProviderRequest::put("Applicant"))
        .await
        .unwrap_err();
    // PUT creates records at some providers, so it is not retried by default either.
    assert_eq!(put.kind(), HttpErrorKind::ProviderUnavailable);
    assert_eq!(hits(&server, "/Api/Applicant").await, 2);

    let err = client
        .send(ProviderRequest::post("Applicant").mark_retry_safe())
        .await
        .unwrap_err();
    assert_eq!(err.status(), ErrorStatus::Persistent);
    assert_eq!(hits(&server, "/Api/Applicant").await, 2 + 4);
    assert_eq!(sleeper.delays().len(), 3);
}

#[tokio::test]
async fn exhausted_retries_are_persistent() {
    let server = MockServer::start().await;
    Mock::given(path("/Api/Jobs"))
        .respond_with(ResponseTemplate::new(502))
        .expect(3)
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper.clone())
        .retry(common::fast_retry(sleeper.clone()).max_retries(2))
        .build()
        .unwrap();

    let err = client.send(ProviderRequest::get("Jobs")).await.unwrap_err();

    assert_eq!(err.kind(), HttpErrorKind::ProviderUnavailable);
    assert_eq!(err.status(), ErrorStatus::Persistent);
    assert_eq!(err.attempts(), 3);
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
    assert_eq!(
        sleeper.delays(),
        vec![Duration::from_millis(100), Duration::from_millis(200)]
    );
}

#[tokio::test]
async fn accept_any_status_returns_error_responses_raw() {
    let server = MockServer::start().await;
    Mock::given(path("/Api/Job/99"))
        .respond_with(ResponseTemplate::new(404).set_body_string("no such job"))
        .expect(1)
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper).build().unwrap();

    let response = client
        .send(ProviderRequest::get("Job/99").accept_any_status())
        .await
        .unwrap();

    assert_eq!(response.status.as_u16(), 404);
    assert_eq!(response.text(), "no such job");
}
