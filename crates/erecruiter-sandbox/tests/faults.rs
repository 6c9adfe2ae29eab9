//! Fault knobs (429 with Retry-After, injected 500s, latency) and the request counter.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use atsbridge_erecruiter_sandbox::{
    RateLimitKnob, RateLimitRule, Sandbox, SandboxConfig, SandboxRoute, UNMATCHED_ROUTE,
};
use axum::body::Body;
use axum::http::{Request, StatusCode as AxumStatus};
use common::{Api, SMALL_SEED};
use reqwest::{Method, StatusCode};
use tower::ServiceExt;

#[tokio::test]
async fn every_nth_request_gets_429_with_retry_after() {
    let api = Api::start().await;
    api.handle.set_rate_limit(Some(RateLimitKnob {
        rule: RateLimitRule::EveryNthRequest(3),
        retry_after_secs: 7,
    }));
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let reply = api.call(Method::GET, "/Api/Mandator", None).await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(reply.headers["retry-after"], "7");
            assert!(reply.json()["Message"].is_string());
        }
        statuses.push(reply.status.as_u16());
    }
    assert_eq!(statuses, [200, 200, 429, 200, 200, 429]);
    api.handle.set_rate_limit(None);
    assert_eq!(
        api.call(Method::GET, "/Api/Mandator", None).await.status,
        StatusCode::OK
    );
}

#[tokio::test(start_paused = true)]
async fn max_requests_per_second_refuses_the_excess_until_the_window_passes() {
    let sandbox = Sandbox::new(
        SandboxConfig {
            rate_limit: Some(RateLimitKnob {
                rule: RateLimitRule::MaxRequestsPerSecond(2),
                retry_after_secs: 1,
            }),
            ..SandboxConfig::default()
        },
        SMALL_SEED,
    );
    let ping = || async {
        let request = Request::get("/Api/Ping").body(Body::empty()).unwrap();
        sandbox.router().oneshot(request).await.unwrap()
    };
    assert_eq!(ping().await.status(), AxumStatus::OK);
    assert_eq!(ping().await.status(), AxumStatus::OK);
    let refused = ping().await;
    assert_eq!(refused.status(), AxumStatus::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()["retry-after"], "1");
    tokio::time::advance(Duration::from_millis(1001)).await;
    assert_eq!(ping().await.status(), AxumStatus::OK);
}

#[tokio::test]
async fn error_rate_one_gives_500s_and_zero_recovers() {
    let api = Api::start().await;
    api.handle.set_error_rate(1.0);
    for _ in 0..5 {
        let reply = api.call(Method::GET, "/Api/Job/4001", None).await;
        assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
        let body = reply.json();
        assert_eq!(body["Message"], "An error has occurred.");
        assert!(body["ExceptionMessage"].is_string());
    }
    api.handle.set_error_rate(0.0);
    assert_eq!(
        api.call(Method::GET, "/Api/Job/4001", None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn partial_error_rate_is_seeded_and_mixed() {
    let run = || async {
        let config = SandboxConfig {
            error_rate: 0.5,
            fault_seed: 99,
            ..SandboxConfig::default()
        };
        let handle = Sandbox::spawn(config, SMALL_SEED).await.unwrap();
        let client = reqwest::Client::new();
        let mut statuses = Vec::new();
        for _ in 0..40 {
            let url = format!("{}/Api/Ping", handle.base_url());
            statuses.push(client.get(url).send().await.unwrap().status().as_u16());
        }
        statuses
    };
    let first = run().await;
    assert!(first.contains(&200) && first.contains(&500));
    assert_eq!(first, run().await, "same fault seed, same sequence");
}

#[tokio::test(start_paused = true)]
async fn latency_delays_responses_on_the_tokio_clock() {
    let sandbox = Sandbox::new(SandboxConfig::default(), SMALL_SEED);
    sandbox.set_latency(Duration::from_millis(250), Duration::ZERO);
    let started = tokio::time::Instant::now();
    let request = Request::get("/Api/Ping").body(Body::empty()).unwrap();
    let response = sandbox.router().oneshot(request).await.unwrap();
    assert_eq!(response.status(), AxumStatus::OK);
    assert!(started.elapsed() >= Duration::from_millis(250));
}

#[tokio::test]
async fn request_counter_counts_per_route_and_logs_requests() {
    let api = Api::start().await;
    api.handle.reset_request_stats();
    let applicant = api.handle.state().applicants()[0].id;
    for _ in 0..3 {
        api.get_ok(&format!("/Api/Applicant/{applicant}")).await;
    }
    api.get_ok("/api/applicant/120002").await;
    api.call(Method::GET, "/Api/Unknown", None).await;
    api.raw(Method::GET, "/Api/Mandator", None, None).await;

    assert_eq!(api.handle.request_count(), 6);
    assert_eq!(api.handle.requests_for("GET /Api/Applicant/{id}"), 4);
    assert_eq!(
        api.handle.requests_for(SandboxRoute::Mandator.template()),
        1
    );
    assert_eq!(api.handle.requests_for(UNMATCHED_ROUTE), 1);
    assert_eq!(api.handle.requests_for("PUT /Api/Applicant"), 0);
    let log = api.handle.request_log();
    assert_eq!(log.len(), 6);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, format!("/Api/Applicant/{applicant}"));
    assert_eq!(log[0].route, Some(SandboxRoute::Applicant));
    assert_eq!(log[3].path, "/api/applicant/120002");
    assert_eq!(log[4].route, None);
    assert_eq!(log[4].status, 404);
    assert_eq!(log[5].status, 401);
    assert_eq!(api.handle.requests_by_route().values().sum::<u64>(), 6);
}

#[tokio::test]
async fn router_works_in_process_and_shutdown_stops_the_server() {
    let api = Api::start().await;
    let base = api.handle.base_url();
    api.handle.shutdown().await.unwrap();
    let refused = reqwest::Client::new()
        .get(format!("{base}/Api/Ping"))
        .send()
        .await;
    assert!(refused.is_err(), "server still answering after shutdown");
}
