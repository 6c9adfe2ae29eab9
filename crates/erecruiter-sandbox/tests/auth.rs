//! Token exchange, token checks and expiry.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use atsbridge_erecruiter_sandbox::SandboxConfig;
use common::{Api, SMALL_SEED, is_dotnet_datetime};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn token_exchange_returns_token_and_local_expiry() {
    let api = Api::start().await;
    let (key, mandator) = api.handle.credentials();
    let reply = api
        .raw(
            Method::POST,
            "/Api",
            Some(json!({"Key": key, "MandatorId": mandator, "ClientInfo": "t"})),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["Token", "Expires"]);
    let token = body["Token"].as_str().unwrap();
    assert_eq!(token.len(), 32);
    let expires = body["Expires"].as_str().unwrap();
    assert!(is_dotnet_datetime(expires), "{expires}");
    assert!(
        expires.ends_with("+01:00") || expires.ends_with("+02:00"),
        "{expires}"
    );
    assert_eq!(
        reply.headers["content-type"],
        "application/json; charset=utf-8"
    );
}

#[tokio::test]
async fn wrong_key_is_401_and_wrong_mandator_is_403() {
    let api = Api::start().await;
    let (key, mandator) = api.handle.credentials();
    let wrong_key = api
        .raw(
            Method::POST,
            "/Api",
            Some(json!({"Key": "nope", "MandatorId": mandator})),
            None,
        )
        .await;
    assert_eq!(wrong_key.status, StatusCode::UNAUTHORIZED);
    assert!(wrong_key.json()["Message"].is_string());
    assert!(!wrong_key.text.contains(&key), "the real key must not leak");

    let wrong_mandator = api
        .raw(
            Method::POST,
            "/Api",
            Some(json!({"Key": key, "MandatorId": mandator + 1})),
            None,
        )
        .await;
    assert_eq!(wrong_mandator.status, StatusCode::FORBIDDEN);

    let garbage = api
        .client
        .post(api.url("/Api"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn form_encoded_token_exchange_is_accepted() {
    let api = Api::start().await;
    let (key, mandator) = api.handle.credentials();
    let response = api
        .client
        .post(api.url("/api/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "Key={key}&MandatorId={mandator}&ClientInfo=form+client"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn endpoints_require_a_live_token() {
    let api = Api::start().await;
    let missing = api.raw(Method::GET, "/Api/Mandator", None, None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        missing.json()["Message"],
        "Authorization has been denied for this request."
    );
    let unknown = api
        .raw(
            Method::GET,
            "/Api/Mandator",
            None,
            Some("0123456789ABCDEF0123456789ABCDEF"),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let ok = api.call(Method::GET, "/Api/Mandator", None).await;
    assert_eq!(ok.status, StatusCode::OK);
}

#[tokio::test]
async fn ping_answers_with_and_without_token() {
    let api = Api::start().await;
    let anonymous = api.raw(Method::GET, "/Api/Ping", None, None).await;
    assert_eq!(anonymous.status, StatusCode::OK);
    assert!(
        anonymous
            .json()
            .as_str()
            .unwrap()
            .contains("not authorized")
    );
    let authorized = api.call(Method::GET, "/Api/Ping", None).await;
    assert!(
        !authorized
            .json()
            .as_str()
            .unwrap()
            .contains("not authorized")
    );
}

#[tokio::test]
async fn tokens_expire_after_their_lifetime_on_the_sandbox_clock() {
    let config = SandboxConfig {
        token_lifetime: Duration::from_secs(600),
        ..SandboxConfig::default()
    };
    let api = Api::start_with(config, SMALL_SEED).await;
    api.handle.advance_clock(Duration::from_secs(590));
    assert_eq!(
        api.call(Method::GET, "/Api/Policies", None).await.status,
        StatusCode::OK
    );
    api.handle.advance_clock(Duration::from_secs(20));
    let expired = api.call(Method::GET, "/Api/Policies", None).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);

    // A shorter lifetime applies to tokens issued afterwards.
    api.handle.set_token_lifetime(Duration::from_secs(5));
    let short = api.fresh_token().await;
    let fine = api
        .raw(Method::GET, "/Api/Policies", None, Some(&short))
        .await;
    assert_eq!(fine.status, StatusCode::OK);
    api.handle.advance_clock(Duration::from_secs(6));
    let gone = api
        .raw(Method::GET, "/Api/Policies", None, Some(&short))
        .await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
    assert_eq!(api.handle.tokens_issued(), 2);
}

#[tokio::test]
async fn revoked_tokens_are_refused() {
    let api = Api::start().await;
    api.handle.revoke_tokens();
    assert_eq!(
        api.call(Method::GET, "/Api/Mandator", None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn exchange(api: &Api) -> serde_json::Value {
    let (key, mandator) = api.handle.credentials();
    let body = json!({"Key": key, "MandatorId": mandator, "ClientInfo": "t"});
    api.raw(Method::POST, "/Api", Some(body), None).await.json()
}

#[tokio::test]
async fn a_frozen_clock_makes_token_expiries_reproducible() {
    let frozen = "2025-06-02T12:00:00Z".parse().unwrap();
    let config = SandboxConfig {
        frozen_clock: Some(frozen),
        token_lifetime: Duration::from_secs(3600),
        ..SandboxConfig::default()
    };
    let first = Api::start_with(config.clone(), SMALL_SEED).await;
    let second = Api::start_with(config, SMALL_SEED).await;
    let a = exchange(&first).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let b = exchange(&second).await;
    // Vienna summer time: one hour after the frozen instant, written with its offset.
    assert_eq!(a["Expires"], "2025-06-02T15:00:00+02:00");
    assert_eq!(
        a["Expires"], b["Expires"],
        "independent of when the exchange happens"
    );
    // The clock still moves when a test advances it.
    first.handle.advance_clock(Duration::from_secs(60));
    assert_eq!(
        exchange(&first).await["Expires"],
        "2025-06-02T15:01:00+02:00"
    );
}
