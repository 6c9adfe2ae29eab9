//! Per-attempt timeout inside the retry loop, and the overall deadline around it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use atsbridge_http::{ErrorStatus, HttpErrorKind, ProviderRequest};
use common::{RecordingSleeper, builder, hits};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn each_attempt_has_its_own_timeout_and_is_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/Api/Slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper.clone())
        .retry(common::fast_retry(sleeper.clone()).max_retries(2))
        .attempt_timeout(Duration::from_millis(100))
        .deadline(Duration::from_secs(60))
        .build()
        .unwrap();

    let err = client.send(ProviderRequest::get("Slow")).await.unwrap_err();

    assert_eq!(err.kind(), HttpErrorKind::Timeout);
    assert_eq!(err.status(), ErrorStatus::Persistent);
    assert_eq!(err.attempts(), 3);
    assert_eq!(hits(&server, "/Api/Slow").await, 3);
    assert_eq!(sleeper.delays().len(), 2);
}

#[tokio::test]
async fn a_slow_answer_within_the_attempt_timeout_succeeds() {
    let server = MockServer::start().await;
    Mock::given(path("/Api/Slowish"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(50)))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper.clone())
        .attempt_timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    client.send(ProviderRequest::get("Slowish")).await.unwrap();
    assert!(sleeper.delays().is_empty());
}

#[tokio::test]
async fn the_overall_deadline_stops_the_call() {
    let server = MockServer::start().await;
    Mock::given(path("/Api/Slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper)
        .attempt_timeout(Duration::from_secs(30))
        .deadline(Duration::from_millis(200))
        .build()
        .unwrap();

    let err = client.send(ProviderRequest::get("Slow")).await.unwrap_err();

    assert_eq!(err.kind(), HttpErrorKind::Deadline);
    assert_eq!(err.attempts(), 1);
    assert!(err.to_string().contains("deadline"), "{err}");
}

#[tokio::test]
async fn no_retry_is_scheduled_past_the_deadline() {
    let server = MockServer::start().await;
    Mock::given(path("/Api/Busy"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "120"))
        .expect(1)
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper.clone())
        .deadline(Duration::from_secs(30))
        .build()
        .unwrap();

    let err = client.send(ProviderRequest::get("Busy")).await.unwrap_err();

    assert_eq!(err.kind(), HttpErrorKind::ProviderUnavailable);
    assert!(sleeper.delays().is_empty());
}
