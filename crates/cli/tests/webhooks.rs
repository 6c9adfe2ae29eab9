//! `atsbridge webhooks …` and `atsbridge api-keys …`, and `serve` delivering a signed
//! webhook to a receiver on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atsbridge_store::{IntegrationSettings, NewIntegration, SecretKey, SqliteStore, Store};
use axum::body::Bytes;
use axum::http::HeaderMap;

fn atsbridge(dir: &Path, key: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_atsbridge"))
        .args(args)
        .current_dir(dir)
        .env("ATSBRIDGE_SECRET_KEY", key)
        .env("ATSBRIDGE_DATABASE", dir.join("test.db"))
        .env_remove("ATSBRIDGE_CONFIG")
        .output()
        .expect("run atsbridge")
}

/// Runs a command that must succeed; returns its stdout.
fn ok(dir: &Path, key: &str, args: &[&str]) -> String {
    let out = atsbridge(dir, key, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn secret_key(dir: &Path) -> String {
    ok(dir, "", &["secret-key"]).trim().to_owned()
}

#[test]
fn api_keys_are_listed_without_secrets_rotated_and_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let (dir, key) = (dir.path(), secret_key(dir.path()));
    ok(dir, &key, &["environments", "add", "prod"]);
    let first = ok(
        dir,
        &key,
        &[
            "api-keys",
            "create",
            "--environment",
            "prod",
            "--label",
            "backend",
        ],
    );
    let first = first.trim();
    assert!(first.starts_with("atsb_"));
    // The old spelling keeps working.
    ok(dir, &key, &["keys", "create", "--environment", "prod"]);

    let listed = ok(dir, &key, &["api-keys", "list", "--environment", "prod"]);
    assert!(
        listed.contains("backend") && listed.contains("never"),
        "{listed}"
    );
    assert!(!listed.contains(first), "a secret was listed");
    let id = listed
        .lines()
        .find(|line| line.contains("backend"))
        .and_then(|line| {
            line.split(['│', '┆'])
                .map(str::trim)
                .find(|cell| !cell.is_empty())
        })
        .map(str::to_owned)
        .unwrap();

    let rotated = ok(
        dir,
        &key,
        &["api-keys", "rotate", "--environment", "prod", &id],
    );
    assert!(rotated.trim().starts_with("atsb_") && rotated.trim() != first);
    let listed = ok(dir, &key, &["api-keys", "list", "--environment", "prod"]);
    assert!(
        listed.contains("backend") && !listed.contains(&id),
        "{listed}"
    );

    let out = atsbridge(
        dir,
        &key,
        &["api-keys", "revoke", "--environment", "prod", &id],
    );
    assert!(!out.status.success(), "the rotated-away key is gone");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no key"));
}

#[test]
fn webhook_endpoints_are_added_listed_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (dir, key) = (dir.path(), secret_key(dir.path()));
    ok(dir, &key, &["environments", "add", "prod"]);
    let url = "https://hooks.example.com/atsbridge";
    let secret = ok(
        dir,
        &key,
        &["webhooks", "add", "--environment", "prod", "--url", url],
    );
    assert!(secret.trim().starts_with("whsec_"), "{secret}");

    let listed = ok(dir, &key, &["webhooks", "list"]);
    assert!(
        listed.contains(url) && !listed.contains(secret.trim()),
        "{listed}"
    );
    let id = listed
        .split(|c: char| c.is_whitespace() || c == '│' || c == '┆')
        .find(|word| word.starts_with("whep_"))
        .unwrap()
        .to_owned();

    let out = atsbridge(
        dir,
        &key,
        &[
            "webhooks",
            "add",
            "--environment",
            "prod",
            "--url",
            "ftp://x",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("http"));
    let out = atsbridge(dir, &key, &["webhooks", "deliveries", "--status", "sent"]);
    assert!(!out.status.success());

    ok(
        dir,
        &key,
        &["webhooks", "deliveries", "--environment", "prod"],
    );
    ok(
        dir,
        &key,
        &["webhooks", "remove", "--environment", "prod", &id],
    );
    assert!(!ok(dir, &key, &["webhooks", "list"]).contains(url));
}

/// What the receiver got: (headers, body) per request.
type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

#[tokio::test(flavor = "multi_thread")]
async fn serve_delivers_signed_events_to_the_endpoints() {
    let received: Received = Arc::default();
    let sink = received.clone();
    let app = axum::Router::new().route(
        "/hooks",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push((headers, body));
                axum::http::StatusCode::OK
            }
        }),
    );
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/hooks", receiver.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(receiver, app).await });

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let key = secret_key(&dir);
    std::fs::write(
        dir.join("atsbridge.toml"),
        "scheduler = false\nallow_private_webhook_urls = true\n\
         public_url = \"https://bridge.example.com\"\n",
    )
    .unwrap();
    ok(&dir, &key, &["environments", "add", "prod"]);
    let secret = ok(
        &dir,
        &key,
        &[
            "webhooks",
            "add",
            "--environment",
            "prod",
            "--url",
            &hook_url,
        ],
    );
    let secret = secret.trim().to_owned();

    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut server = Command::new(env!("CARGO_BIN_EXE_atsbridge"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(&dir)
        .env("ATSBRIDGE_SECRET_KEY", &key)
        .env("ATSBRIDGE_DATABASE", dir.join("test.db"))
        .env_remove("ATSBRIDGE_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // An integration appears (as the connect flow or another instance would add it).
    let store =
        SqliteStore::open(dir.join("test.db"), SecretKey::from_base64(&key).unwrap()).unwrap();
    let env = store.list_environments().await.unwrap().remove(0);
    let integration = store
        .create_integration(NewIntegration {
            environment_id: env.id,
            tool: "erecruiter".into(),
            remote_label: Some("Acme".into()),
            credentials: serde_json::json!({}),
            settings: IntegrationSettings::default(),
            end_user: None,
            setup_status: atsbridge_store::SetupStatus::FinalSyncPending,
        })
        .await
        .unwrap();

    let mut got = None;
    for _ in 0..300 {
        if let Some(first) = received.lock().unwrap().first().cloned() {
            got = Some(first);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let (headers, body) = got.expect("serve delivered nothing");
    let header = |name: &str| headers.get(name).unwrap().to_str().unwrap().to_owned();
    atsbridge_webhooks::signing::verify(
        &secret,
        &header("webhook-id"),
        &header("webhook-timestamp"),
        &header("webhook-signature"),
        &body,
        chrono::Utc::now().timestamp(),
        300,
    )
    .unwrap();
    let payload: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(payload["type"], "integration-created");
    assert_eq!(payload["id"], serde_json::Value::from(header("webhook-id")));
    assert_eq!(
        payload["data"]["id"],
        serde_json::Value::from(integration.id.to_string())
    );

    let log = ok(&dir, &key, &["webhooks", "deliveries"]);
    assert!(
        log.contains("integration-created") && log.contains("delivered"),
        "{log}"
    );
}
