//! Pieces every command shares: logging, the connector registry, opening the store, the
//! progress bar and summary table of a sync run, and the API server with its scheduler.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use atsbridge_connector::ConnectorRegistry;
use atsbridge_schema::Model;
use atsbridge_schema::Timestamp;
use atsbridge_server::{AppState, SchedulerTrigger, ServerConfig};
use atsbridge_store::{Integration, ModelCounts, SecretKey, Store, StoreOptions, SyncMode};
use atsbridge_sync::{RegistryConnectorProvider, Scheduler, SyncEngine, SyncProgress, SyncSummary};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

/// Installs the tracing subscriber (logs go to stderr).
pub fn init_tracing(filter: &str) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(filter)
        .with_context(|| format!("invalid log filter `{filter}` (try `info` or `warn`)"))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init()
        .map_err(|err| anyhow::anyhow!("cannot install the logger: {err}"))
}

/// Every connector this binary ships (the list in `atsbridge-connectors`).
pub fn registry() -> anyhow::Result<ConnectorRegistry> {
    atsbridge_connectors::registry().context("registering the connectors")
}

/// Opens (creating and migrating if needed) the store the database setting names: a
/// `postgres://` URL or a SQLite file path (its directory is created when missing).
pub async fn open_store(
    database: &str,
    key: SecretKey,
    options: &StoreOptions,
) -> anyhow::Result<Arc<dyn Store>> {
    if !atsbridge_store::is_postgres_url(database) {
        let path = std::path::Path::new(database);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create directory {}", parent.display()))?;
        }
    }
    atsbridge_store::open_store(database, key, options)
        .await
        .with_context(|| {
            format!(
                "cannot open the database {}",
                atsbridge_store::describe_database(database)
            )
        })
}

/// Records runs that a stopped process left queued or running as failed: those whose lease
/// expired (no heartbeat for `atsbridge_store::RUN_LEASE`). Runs of live processes, such as an
/// `atsbridge sync` beside `serve`, keep beating and are left alone. Only the process that owns
/// the scheduler calls this at start; any later run of an integration closes its stale runs
/// anyway.
pub async fn close_interrupted_runs(store: &dyn Store) -> anyhow::Result<()> {
    let interrupted = store
        .fail_stale_runs(Timestamp::from(chrono::Utc::now()))
        .await
        .context("closing runs interrupted by an earlier stop")?;
    if interrupted > 0 {
        tracing::warn!(
            interrupted,
            "marked sync runs left unfinished by an earlier process as failed"
        );
    }
    Ok(())
}

/// Runs one sync of `integration` in the foreground with a progress spinner.
pub async fn sync_with_progress(
    store: Arc<dyn Store>,
    registry: &ConnectorRegistry,
    integration: &Integration,
    mode: SyncMode,
    show_progress: bool,
) -> anyhow::Result<SyncSummary> {
    let credentials = store
        .integration_credentials(&integration.id)
        .await
        .context("reading the integration's credentials")?;
    let connector = registry
        .build(&integration.tool, &credentials)
        .with_context(|| format!("building the {} connector", integration.tool))?;
    let engine = SyncEngine::new(store);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let ctrl_c = cancel.clone();
    let watcher = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\ninterrupted: stopping the sync (nothing will be marked deleted)");
            ctrl_c.cancel();
        }
    });
    let bar = if show_progress {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed_precise} syncing {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    } else {
        ProgressBar::hidden()
    };
    let progress_bar = bar.clone();
    let printer = tokio::spawn(async move {
        let mut seen: std::collections::BTreeMap<Model, usize> = Default::default();
        while let Some(event) = rx.recv().await {
            if let SyncProgress::BatchWritten {
                model,
                records,
                written_total,
                ..
            } = event
            {
                *seen.entry(model).or_default() += records;
                let per_model = seen
                    .iter()
                    .map(|(model, n)| format!("{} {n}", model.as_str()))
                    .collect::<Vec<_>>()
                    .join(" · ");
                progress_bar.set_message(format!("{written_total} records stored ({per_model})"));
            }
        }
    });
    let result = engine
        .run(integration, connector, mode, cancel, Some(tx))
        .await;
    watcher.abort();
    let _ = printer.await;
    bar.finish_and_clear();
    result.with_context(|| format!("sync of {} failed", integration.id))
}

/// Renders a run summary as a table.
pub fn summary_table(summary: &SyncSummary) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
        "model",
        "new",
        "changed",
        "unchanged",
        "undeleted",
        "deleted",
        "complete",
    ]);
    let mut total = ModelCounts::default();
    for (model, counts) in &summary.counts {
        total.inserted += counts.inserted;
        total.updated += counts.updated;
        total.unchanged += counts.unchanged;
        total.undeleted += counts.undeleted;
        total.deleted += counts.deleted;
        table.add_row(vec![
            model.as_str().to_owned(),
            counts.inserted.to_string(),
            counts.updated.to_string(),
            counts.unchanged.to_string(),
            counts.undeleted.to_string(),
            counts.deleted.to_string(),
            if summary.complete_models.contains(model) {
                "yes"
            } else {
                "no"
            }
            .to_owned(),
        ]);
    }
    table.add_row(vec![
        "total".to_owned(),
        total.inserted.to_string(),
        total.updated.to_string(),
        total.unchanged.to_string(),
        total.undeleted.to_string(),
        total.deleted.to_string(),
        String::new(),
    ]);
    let requests = summary
        .requests
        .map_or_else(String::new, |n| format!(" with {n} provider requests"));
    format!(
        "{table}\n{} sync of {} finished in {:.1?}{requests}",
        summary.mode.as_str(),
        summary.integration_id.as_str(),
        summary.duration
    )
}

/// How often `serve` looks for integrations added or removed by another process.
const INTEGRATION_WATCH_PERIOD: Duration = Duration::from_secs(30);

/// Options of [`serve_api`].
pub struct ServeOptions {
    /// Listen address.
    pub listener: tokio::net::TcpListener,
    /// Server settings.
    pub config: ServerConfig,
    /// Start the periodic sync scheduler for every stored integration.
    pub schedule_all: bool,
    /// Settings of the webhook delivery worker that runs beside the API.
    pub webhooks: atsbridge_webhooks::WorkerConfig,
}

/// Serves the API until Ctrl-C, with a scheduler for force-sync (and periodic syncs).
pub async fn serve_api(
    store: Arc<dyn Store>,
    registry: ConnectorRegistry,
    options: ServeOptions,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let engine = Arc::new(SyncEngine::new(store.clone()));
    let provider = Arc::new(RegistryConnectorProvider::new(
        registry.clone(),
        store.clone(),
    ));
    let scheduler = Arc::new(Scheduler::new(engine, provider));
    if options.schedule_all {
        scheduler
            .start_all()
            .await
            .context("starting the sync scheduler")?;
        // Integrations added or removed by the CLI or another instance are picked up.
        scheduler.watch_integrations(INTEGRATION_WATCH_PERIOD);
    }
    let trigger = Arc::new(SchedulerTrigger::new(scheduler.clone()));
    let worker = atsbridge_webhooks::DeliveryWorker::new(store.clone(), options.webhooks)
        .context("starting the webhook delivery worker")?;
    let state = AppState::new(store, Arc::new(registry), trigger, options.config)
        .context("building the API state")?;
    // Every instance delivers webhooks; claims in the store keep them from sending a
    // delivery twice.
    let delivering = tokio::spawn(worker.run(shutdown.child_token()));
    let stop = shutdown.clone();
    let ctrl_c = tokio::spawn(async move {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => stop.cancel(),
            () = stop.cancelled() => {}
        }
    });
    let served = atsbridge_server::serve(options.listener, state, async move {
        shutdown.cancelled().await;
    })
    .await;
    ctrl_c.abort();
    scheduler.shutdown().await;
    delivering.abort();
    served.context("the API server stopped with an error")
}
