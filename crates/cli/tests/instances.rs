//! Several `atsbridge serve` processes on one PostgreSQL database: both serve the API, a
//! forced sync runs once, and after the instance running a sync is killed, the other one
//! runs the next sync once the dead run's lease expired.
//!
//! Needs `ATSBRIDGE_TEST_POSTGRES_URL` (a server URL; the test creates and drops its own
//! database). Without it the test says so and passes, unless `ATSBRIDGE_REQUIRE_POSTGRES=1`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use atsbridge_erecruiter_sandbox::{Sandbox, SandboxConfig, SandboxSeed};
use atsbridge_store::{IntegrationId, RunId, RunStatus, SecretKey, Store, SyncRun, testing};

/// A `serve` process, killed when dropped.
struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn cli(dir: &Path, database: &str, key: &str, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_atsbridge"));
    command
        .args(args)
        .current_dir(dir)
        .env("ATSBRIDGE_SECRET_KEY", key)
        .env("ATSBRIDGE_DATABASE", database)
        .env_remove("ATSBRIDGE_CONFIG");
    for (name, value) in envs {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn serve(dir: &Path, database: &str, key: &str) -> Instance {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_atsbridge"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(dir)
        .env("ATSBRIDGE_SECRET_KEY", key)
        .env("ATSBRIDGE_DATABASE", database)
        .env("ATSBRIDGE_RUN_LEASE_SECONDS", "3")
        .env_remove("ATSBRIDGE_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Instance {
        child,
        base: format!("http://127.0.0.1:{port}/v1"),
    }
}

struct Api {
    http: reqwest::Client,
    secret: String,
    integration: String,
}

impl Api {
    async fn get(&self, instance: &Instance, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", instance.base))
            .bearer_auth(&self.secret)
            .header("X-Integration-Id", &self.integration)
            .send()
            .await
            .unwrap()
    }

    /// `POST /force-sync`; returns the run id it answered with.
    async fn force_sync(&self, instance: &Instance) -> RunId {
        let body: serde_json::Value = self
            .http
            .post(format!("{}/force-sync", instance.base))
            .bearer_auth(&self.secret)
            .header("X-Integration-Id", &self.integration)
            .json(&serde_json::json!({"type": "FULL"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = body["data"]["sync_id"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"));
        RunId(id.parse().unwrap())
    }
}

/// Polls (bounded) until `done` holds for the integration's runs.
async fn wait_for_runs(
    store: &dyn Store,
    integration: &IntegrationId,
    what: &str,
    done: impl Fn(&[SyncRun]) -> bool,
) -> Vec<SyncRun> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let runs = store.last_runs(integration, 50).await.unwrap();
        if done(&runs) {
            return runs;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {runs:#?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn status_of(runs: &[SyncRun], id: RunId) -> Option<RunStatus> {
    runs.iter().find(|run| run.id == id).map(|run| run.status)
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_share_one_database() {
    let Some(server_url) = testing::postgres_url("two-instance test") else {
        return;
    };
    let database = testing::TestDatabase::create(&server_url).await.unwrap();
    let url = database.url.clone();
    // The connector's polite default of 10 requests/s makes each sync take a few seconds,
    // long enough to kill an instance in the middle of one.
    let sandbox = Sandbox::spawn(
        SandboxConfig::default(),
        SandboxSeed {
            jobs: 4,
            candidates: 20,
            seed: 11,
        },
    )
    .await
    .unwrap();
    let (api_key, mandator) = sandbox.credentials();
    let dir = tempfile::tempdir().unwrap();
    let key = SecretKey::generate().to_base64();
    let integration = stdout(&cli(
        dir.path(),
        &url,
        &key,
        &[
            "integrations",
            "add",
            "--tool",
            "erecruiter",
            "--environment",
            "prod",
            "--set",
            &format!("host={}", sandbox.base_url()),
            "--set",
            &format!("mandator_id={mandator}"),
            "--set-from-env",
            "api_key=TEST_ERECRUITER_KEY",
            "--sync-all-applications",
        ],
        &[("TEST_ERECRUITER_KEY", &api_key)],
    ));
    let secret = stdout(&cli(
        dir.path(),
        &url,
        &key,
        &["keys", "create", "--environment", "prod"],
        &[],
    ));
    let store: Arc<dyn Store> = atsbridge_store::open_store(
        &url,
        SecretKey::from_base64(&key).unwrap(),
        &atsbridge_store::StoreOptions::default(),
    )
    .await
    .unwrap();
    let id = IntegrationId::new(integration.clone());
    let api = Api {
        http: reqwest::Client::new(),
        secret,
        integration,
    };

    let first = serve(dir.path(), &url, &key);
    let second = serve(dir.path(), &url, &key);

    // Both schedulers want the first full sync; the store lets one of them record it.
    let runs = wait_for_runs(store.as_ref(), &id, "the first sync", |runs| {
        runs.iter().any(|run| run.status == RunStatus::Succeeded)
    })
    .await;
    assert_eq!(
        runs.len(),
        1,
        "one first sync between both instances: {runs:#?}"
    );

    // Both serve the API, with the same data.
    let mut bodies = Vec::new();
    for instance in [&first, &second] {
        let deadline = Instant::now() + Duration::from_secs(30);
        let response = loop {
            let response = api.get(instance, "/ats/jobs?page_size=50").await;
            if response.status().is_success() || Instant::now() > deadline {
                break response;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert!(response.status().is_success(), "{}", response.status());
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(!body["data"]["results"].as_array().unwrap().is_empty());
        bodies.push(body);
    }
    assert_eq!(bodies[0], bodies[1]);

    // A forced sync runs once.
    let forced = api.force_sync(&first).await;
    let runs = wait_for_runs(store.as_ref(), &id, "the forced sync", |runs| {
        status_of(runs, forced).is_some_and(RunStatus::is_final)
    })
    .await;
    assert_eq!(status_of(&runs, forced), Some(RunStatus::Succeeded));
    assert_eq!(
        runs.len(),
        2,
        "the forced sync was recorded and run once: {runs:#?}"
    );

    // Kill the instance in the middle of a sync.
    let doomed = api.force_sync(&first).await;
    wait_for_runs(store.as_ref(), &id, "the sync to start", |runs| {
        status_of(runs, doomed) == Some(RunStatus::Running)
    })
    .await;
    drop(first);

    // The other instance folds force-syncs into the dead run until its lease expires, then
    // runs the next sync itself.
    let deadline = Instant::now() + Duration::from_secs(60);
    let next = loop {
        let run = api.force_sync(&second).await;
        if run != doomed {
            break run;
        }
        assert!(
            Instant::now() < deadline,
            "the dead run was never taken over"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let runs = wait_for_runs(store.as_ref(), &id, "the sync after the kill", |runs| {
        status_of(runs, next).is_some_and(RunStatus::is_final)
    })
    .await;
    assert_eq!(status_of(&runs, next), Some(RunStatus::Succeeded));
    let dead = runs.iter().find(|run| run.id == doomed).unwrap();
    assert_eq!(dead.status, RunStatus::Failed);
    assert!(
        dead.error
            .as_deref()
            .unwrap_or("")
            .contains("lease expired"),
        "{dead:?}"
    );
    let response = api.get(&second, "/ats/candidates?page_size=5").await;
    assert!(response.status().is_success());
    drop(second);
    sandbox.shutdown().await.unwrap();
}
