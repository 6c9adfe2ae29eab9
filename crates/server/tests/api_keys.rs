//! API keys across instances: the server keeps no cache of keys, so a key revoked or rotated
//! through one process stops working on every instance with the very next request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use atsbridge_store::{SecretKey, SqliteStore, Store};
use common::{Options, TestApp, error_code};

#[tokio::test]
async fn a_revoked_or_rotated_key_fails_at_once_on_every_instance() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let key = SecretKey::generate();
    let first: Arc<dyn Store> = Arc::new(SqliteStore::open(&path, key.clone()).unwrap());
    let second: Arc<dyn Store> = Arc::new(SqliteStore::open(&path, key).unwrap());
    let a = TestApp::start(Options {
        store: Some(first),
        ..Options::default()
    })
    .await;
    let b = TestApp::start(Options {
        store: Some(second.clone()),
        ..Options::default()
    })
    .await;

    // Warm both instances up with the key, as live traffic would.
    for app in [&a, &b] {
        let (status, _) = app.get_as("/v1/check-api-key", Some(&a.key), None).await;
        assert_eq!(status, 200);
    }
    let listed = second.list_api_keys(&a.environment).await.unwrap();
    assert!(listed[0].last_used_at.is_some(), "the use was recorded");

    // Rotated through the second instance's store: the old secret is dead on both.
    let rotated = second
        .rotate_api_key(&a.environment, &listed[0].id)
        .await
        .unwrap()
        .unwrap();
    for app in [&a, &b] {
        let (status, body) = app.get_as("/v1/check-api-key", Some(&a.key), None).await;
        assert_eq!(status, 401);
        assert_eq!(error_code(&body), "PLATFORM.AUTHENTICATION_INVALID");
        let (status, _) = app
            .get_as("/v1/check-api-key", Some(&rotated.secret), None)
            .await;
        assert_eq!(status, 200);
    }

    // Revoked: the next request fails everywhere.
    assert!(
        second
            .revoke_api_key(&a.environment, &rotated.id)
            .await
            .unwrap()
    );
    for app in [&a, &b] {
        let (status, body) = app
            .get_as("/v1/check-api-key", Some(&rotated.secret), None)
            .await;
        assert_eq!(status, 401);
        assert_eq!(error_code(&body), "PLATFORM.AUTHENTICATION_INVALID");
    }
}
