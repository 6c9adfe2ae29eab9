//! `POST /v1/force-sync` through the router with the real scheduler: the `sync_id` is the
//! store's run id, repeats while a run is queued or running fold into it, and the reported
//! type is the mode that really runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use atsbridge_connector::{
    CheckReport, Connector, ConnectorError, ConnectorInfo, ConnectorRegistry, Context, Coverage,
    GuardedConnector, RecordSink, SyncScope,
};
use atsbridge_server::{AppState, SchedulerTrigger, ServerConfig};
use atsbridge_store::{
    Integration, IntegrationSettings, NewIntegration, RunId, RunStatus, SecretKey, SqliteStore,
    Store, SyncMode, SyncRun,
};
use atsbridge_sync::{ConnectorProvider, Scheduler, SyncEngine, SyncError};
use common::{FakeAts, FakeConnector, FakeFactory, SLUG, coverage};
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// The fake ATS connector, but each sync waits for a permit before it reads anything.
#[derive(Debug, Clone)]
struct GatedConnector {
    inner: FakeConnector,
    gate: Arc<Semaphore>,
}

#[async_trait]
impl Connector for GatedConnector {
    fn info(&self) -> ConnectorInfo {
        self.inner.info()
    }

    fn coverage(&self) -> Coverage {
        self.inner.coverage()
    }

    async fn check(&self, ctx: &Context) -> Result<CheckReport, ConnectorError> {
        self.inner.check(ctx).await
    }

    async fn sync(
        &self,
        ctx: &Context,
        scope: &SyncScope,
        sink: &mut dyn RecordSink,
    ) -> Result<(), ConnectorError> {
        self.gate.acquire().await.unwrap().forget();
        self.inner.sync(ctx, scope, sink).await
    }
}

struct GatedProvider(GatedConnector);

#[async_trait]
impl ConnectorProvider for GatedProvider {
    async fn connector(&self, _integration: &Integration) -> Result<Arc<dyn Connector>, SyncError> {
        Ok(Arc::new(GuardedConnector::new(Arc::new(self.0.clone()))))
    }
}

struct App {
    base: String,
    key: String,
    client: reqwest::Client,
    store: Arc<SqliteStore>,
    integration: Integration,
    gate: Arc<Semaphore>,
    scheduler: Arc<Scheduler>,
    _dir: tempfile::TempDir,
}

/// An API over an integration that synced once already, so its scheduler loop starts idle
/// (the loop itself is started by the first force-sync request).
async fn start() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        SqliteStore::open(dir.path().join("atsbridge.db"), SecretKey::generate()).unwrap(),
    );
    let connector = FakeConnector {
        ats: Arc::new(Mutex::new(FakeAts::seeded())),
        coverage: coverage(true, &[]),
    };
    let mut registry = ConnectorRegistry::new();
    registry
        .add(Arc::new(FakeFactory {
            connector: connector.clone(),
        }))
        .unwrap();
    let env = store.create_environment("Acme").await.unwrap();
    let key = store.create_api_key(&env.id, "tests").await.unwrap().secret;
    let integration = store
        .create_integration(NewIntegration {
            environment_id: env.id.clone(),
            tool: SLUG.into(),
            remote_label: None,
            credentials: json!({}),
            settings: IntegrationSettings::default(),
            end_user: None,
            setup_status: atsbridge_store::SetupStatus::Completed,
        })
        .await
        .unwrap();
    let engine = Arc::new(SyncEngine::new(store.clone()));
    engine
        .run(
            &integration,
            registry.build(SLUG, &json!({})).unwrap(),
            SyncMode::Full,
            CancellationToken::new(),
            None,
        )
        .await
        .unwrap();

    let gate = Arc::new(Semaphore::new(0));
    let provider = GatedProvider(GatedConnector {
        inner: connector,
        gate: gate.clone(),
    });
    let scheduler = Arc::new(Scheduler::new(engine, Arc::new(provider)));
    let trigger = Arc::new(SchedulerTrigger::new(scheduler.clone()));
    let state = AppState::new(
        store.clone(),
        Arc::new(registry),
        trigger,
        ServerConfig::default(),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(atsbridge_server::serve(
        listener,
        state,
        std::future::pending(),
    ));
    App {
        base,
        key,
        client: reqwest::Client::new(),
        store,
        integration,
        gate,
        scheduler,
        _dir: dir,
    }
}

impl App {
    async fn force_sync(&self, body: Option<Value>) -> Value {
        let request = self
            .client
            .post(format!("{}/v1/force-sync", self.base))
            .bearer_auth(&self.key)
            .header("X-Integration-Id", self.integration.id.as_str());
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "success", "{body}");
        body["data"].clone()
    }

    async fn run(&self, sync_id: &str) -> SyncRun {
        let id = RunId(sync_id.parse().unwrap());
        self.store
            .last_runs(&self.integration.id, 20)
            .await
            .unwrap()
            .into_iter()
            .find(|run| run.id == id)
            .unwrap_or_else(|| panic!("sync_id {sync_id} is not a recorded run"))
    }

    /// Waits (bounded) until the run is over.
    async fn finished(&self, sync_id: &str) -> SyncRun {
        for _ in 0..2000 {
            let run = self.run(sync_id).await;
            if run.status.is_final() {
                return run;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("run {sync_id} did not finish");
    }
}

#[tokio::test]
async fn force_sync_reports_the_real_run_and_folds_repeats_into_it() {
    let app = start().await;

    // The fake ATS has no delta sync, so a DELTA request runs as FULL.
    let first = app.force_sync(Some(json!({"type": "DELTA"}))).await;
    assert_eq!(first["already_queued"], false, "{first}");
    assert_eq!(first["type"], "FULL", "{first}");
    let sync_id = first["sync_id"].as_str().unwrap().to_owned();
    let run = app.run(&sync_id).await;
    assert!(
        matches!(run.status, RunStatus::Queued | RunStatus::Running),
        "{run:?}"
    );
    assert_eq!(run.mode, SyncMode::Full);

    // Repeats while it is queued or running get the same id back.
    let second = app.force_sync(None).await;
    assert_eq!(
        second,
        json!({"already_queued": true, "sync_id": sync_id, "type": "FULL"})
    );
    let third = app.force_sync(Some(json!({"type": "DELTA"}))).await;
    assert_eq!(
        third,
        json!({"already_queued": true, "sync_id": sync_id, "type": "FULL"})
    );

    app.gate.add_permits(1);
    let run = app.finished(&sync_id).await;
    assert_eq!(run.status, RunStatus::Succeeded, "{run:?}");
    let runs = app.store.last_runs(&app.integration.id, 20).await.unwrap();
    assert_eq!(
        runs.len(),
        2,
        "one earlier sync plus one forced run: {runs:?}"
    );
    assert_eq!(runs[0].id.to_string(), sync_id);

    // After it finished, a new request creates a new run with a new id.
    let next = app.force_sync(Some(json!({"type": "FULL"}))).await;
    assert_eq!(next["already_queued"], false, "{next}");
    assert_ne!(next["sync_id"], first["sync_id"]);
    app.gate.add_permits(1);
    let run = app.finished(next["sync_id"].as_str().unwrap()).await;
    assert_eq!(run.status, RunStatus::Succeeded, "{run:?}");
    app.scheduler.shutdown().await;
}
