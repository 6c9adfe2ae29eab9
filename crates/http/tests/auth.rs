//! Auth hooks: token exchange caching, single-flight refresh after 401, one re-auth retry.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atsbridge_http::{
    AuthClient, ErrorStatus, ExchangeFuture, HttpErrorKind, IssuedToken, Limits, ProviderRequest,
    Secret, StaticHeaders, TokenExchange,
};
use chrono::Utc;
use common::{RecordingSleeper, builder, hits, mount_catch_all};
use http::HeaderName;
use serde::Deserialize;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Issues `token-1`, `token-2`, ... with an expiry `valid_for` from now.
struct TokenIssuer {
    issued: AtomicUsize,
    valid_for: chrono::Duration,
}

impl Respond for TokenIssuer {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let number = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({
                "Token": format!("token-{number}"),
                "Expires": (Utc::now() + self.valid_for).to_rfc3339(),
            }))
            // Slow enough that concurrent callers pile up behind the exchange.
            .set_delay(Duration::from_millis(20))
    }
}

async fn mount_token_endpoint(server: &MockServer, valid_for: chrono::Duration) {
    Mock::given(method("POST"))
        .and(path("/Api/"))
        .and(body_json(
            serde_json::json!({"ApiKey": "api-key-0001", "MandatorId": 7}),
        ))
        .respond_with(TokenIssuer {
            issued: AtomicUsize::new(0),
            valid_for,
        })
        .mount(server)
        .await;
}

#[derive(Deserialize)]
struct TokenResponse {
    #[serde(rename = "Token")]
    token: String,
    #[serde(rename = "Expires")]
    expires: chrono::DateTime<Utc>,
}

fn exchange(client: AuthClient) -> ExchangeFuture {
    Box::pin(async move {
        let body = serde_json::json!({"ApiKey": "api-key-0001", "MandatorId": 7});
        let token: TokenResponse = client
            .send_json(ProviderRequest::post("").json(&body).mark_retry_safe())
            .await?;
        Ok(IssuedToken {
            header_name: HeaderName::from_static("x-apitoken"),
            value: Secret::new(token.token),
            expires_at: Some(token.expires),
        })
    })
}

#[tokio::test]
async fn fifty_concurrent_401s_cause_one_exchange() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, chrono::Duration::hours(1)).await;
    Mock::given(path("/Api/Job/1"))
        .and(header("x-apitoken", "token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_string("job"))
        .with_priority(1)
        .mount(&server)
        .await;
    // token-1 is "expired" on the provider side although its expiry lies in the future.
    Mock::given(path("/Api/Job/1"))
        .respond_with(ResponseTemplate::new(401))
        .with_priority(2)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper)
        .auth(Arc::new(TokenExchange::new(exchange)))
        .limits(Limits {
            max_concurrency: 50,
            requests_per_second: None,
        })
        .build()
        .unwrap();

    let calls = (0..50).map(|_| client.send(ProviderRequest::get("Job/1")));
    let results = futures::future::join_all(calls).await;

    for result in results {
        assert_eq!(result.unwrap().text(), "job");
    }
    let requests = server.received_requests().await.unwrap();
    let exchanges = requests.iter().filter(|r| r.url.path() == "/Api/").count();
    let rejected = requests
        .iter()
        .filter(|r| r.url.path() == "/Api/Job/1" && r.headers["x-apitoken"] == "token-1")
        .count();
    // One exchange for the first token, exactly one more after all fifty 401s.
    assert_eq!(exchanges, 2);
    assert_eq!(rejected, 50);
    assert_eq!(hits(&server, "/Api/Job/1").await, 100);
    assert_eq!(client.metrics().auth_exchanges, 2);
}

#[tokio::test]
async fn a_second_401_after_reauth_is_unauthenticated() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, chrono::Duration::hours(1)).await;
    Mock::given(path("/Api/Job/1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper)
        .auth(Arc::new(TokenExchange::new(exchange)))
        .build()
        .unwrap();

    let err = client
        .send(ProviderRequest::get("Job/1"))
        .await
        .unwrap_err();

    assert_eq!(err.kind(), HttpErrorKind::Unauthenticated);
    assert_eq!(err.status(), ErrorStatus::Permanent);
    assert_eq!(hits(&server, "/Api/Job/1").await, 2);
    assert_eq!(hits(&server, "/Api/").await, 2);
}

#[tokio::test]
async fn a_401_on_a_post_is_retried_once_after_reauth() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, chrono::Duration::hours(1)).await;
    Mock::given(method("PUT"))
        .and(path("/Api/Applicant"))
        .and(header("x-apitoken", "token-2"))
        .respond_with(ResponseTemplate::new(200))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/Api/Applicant"))
        .respond_with(ResponseTemplate::new(401))
        .with_priority(2)
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper)
        .auth(Arc::new(TokenExchange::new(exchange)))
        .build()
        .unwrap();

    client
        .send(ProviderRequest::put("Applicant"))
        .await
        .unwrap();

    assert_eq!(hits(&server, "/Api/Applicant").await, 2);
}

#[tokio::test]
async fn cached_token_is_reused_until_it_nears_expiry() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, chrono::Duration::hours(1)).await;
    Mock::given(path("/Api/Ping"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper)
        .auth(Arc::new(TokenExchange::new(exchange)))
        .build()
        .unwrap();
    for _ in 0..3 {
        client.send(ProviderRequest::get("Ping")).await.unwrap();
    }
    assert_eq!(hits(&server, "/Api/").await, 1);
}

#[tokio::test]
async fn token_inside_the_refresh_margin_is_replaced_before_use() {
    let server = MockServer::start().await;
    // Tokens live two minutes; with a five minute margin each one is already due.
    mount_token_endpoint(&server, chrono::Duration::minutes(2)).await;
    Mock::given(path("/Api/Ping"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper)
        .auth(Arc::new(
            TokenExchange::new(exchange).refresh_before(Duration::from_secs(300)),
        ))
        .build()
        .unwrap();
    for _ in 0..3 {
        client.send(ProviderRequest::get("Ping")).await.unwrap();
    }
    assert_eq!(hits(&server, "/Api/").await, 3);
    assert_eq!(client.metrics().auth_exchanges, 3);
}

#[tokio::test]
async fn static_headers_are_sent_and_a_401_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/Api/Ping"))
        .and(header("x-api-key", "static-key-42"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let hook = StaticHeaders::new()
        .secret_header(
            HeaderName::from_static("x-api-key"),
            &Secret::new("static-key-42"),
        )
        .unwrap();
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper)
        .auth(Arc::new(hook))
        .build()
        .unwrap();

    let err = client.send(ProviderRequest::get("Ping")).await.unwrap_err();

    assert_eq!(err.kind(), HttpErrorKind::Unauthenticated);
}
