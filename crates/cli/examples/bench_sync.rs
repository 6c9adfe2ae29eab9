//! Sync and API benchmark: prints figures, asserts nothing.
//!
//! Starts an eRecruiter sandbox with the given size and per-request latency, runs a full sync
//! through the real engine into a temporary SQLite store, then a second full sync over
//! unchanged data, and pages through `/v1/ats/candidates` and `/v1/ats/applications` over
//! HTTP. Run it in release mode through `cargo xtask bench-sync [flags]` (or
//! `cargo run --release -p atsbridge --example bench_sync -- [flags]`).
//!
//! With `--sandbox-url` it syncs from a sandbox running in another process instead (its API
//! key comes from `ATSBRIDGE_BENCH_SANDBOX_API_KEY`), so that the peak RSS it reports is the
//! sync's alone; `cargo xtask bench-sync --memory` drives it that way.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use atsbridge_connector::ConnectorRegistry;
use atsbridge_erecruiter_sandbox::{Sandbox, SandboxConfig, SandboxHandle, SandboxSeed};
use atsbridge_schema::Model;
use atsbridge_server::{AppState, SchedulerTrigger, ServerConfig};
use atsbridge_store::{
    Integration, IntegrationSettings, ModelCounts, NewIntegration, SecretKey, SqliteStore, Store,
    SyncMode,
};
use atsbridge_sync::{RegistryConnectorProvider, Scheduler, SyncEngine, SyncSummary};
use clap::Parser;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

/// Where the sandbox API key comes from when the sandbox runs in another process.
const SANDBOX_API_KEY_ENV: &str = "ATSBRIDGE_BENCH_SANDBOX_API_KEY";

/// Flags of the benchmark.
#[derive(Debug, Parser)]
#[command(about = "Benchmarks eRecruiter syncs against the sandbox and API paging")]
struct Args {
    /// Candidates (applicants) in the sandbox account.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=200_000))]
    candidates: u32,
    /// Jobs in the sandbox account (default: one per ten candidates, at least 6).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=20_000))]
    jobs: Option<u32>,
    /// Latency the sandbox adds to every request, in milliseconds.
    #[arg(long, default_value_t = 20)]
    latency_ms: u64,
    /// Requests the connector keeps in flight (`max_concurrent_requests`).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    concurrency: u32,
    /// The connector's request rate limit (`requests_per_second`; the connector's own default
    /// is 10, high here so that latency and concurrency are what is measured).
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(1..))]
    requests_per_second: u32,
    /// Seed of the generated account.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Base URL of a sandbox running in another process (e.g. `http://127.0.0.1:8089`);
    /// `--candidates`, `--jobs`, `--latency-ms` and `--seed` then only label the output.
    #[arg(long, requires = "sandbox_mandator_id")]
    sandbox_url: Option<String>,
    /// Mandator id of the sandbox behind `--sandbox-url`.
    #[arg(long)]
    sandbox_mandator_id: Option<i32>,
    /// Run the two syncs only, without serving and paging the API.
    #[arg(long)]
    sync_only: bool,
}

/// The sandbox the benchmark syncs from.
struct SandboxTarget {
    base_url: String,
    api_key: String,
    mandator_id: i32,
    /// Set when the sandbox runs in this process.
    in_process: Option<SandboxHandle>,
}

impl SandboxTarget {
    /// Requests the in-process sandbox received since the last reset.
    fn request_count(&self) -> Option<u64> {
        self.in_process
            .as_ref()
            .map(|h| h.sandbox().request_count())
    }

    fn reset_request_stats(&self) {
        if let Some(handle) = &self.in_process {
            handle.sandbox().reset_request_stats();
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let candidates = args.candidates as usize;
    let jobs = args.jobs.map_or((candidates / 10).max(6), |j| j as usize);

    println!("# atsbridge sync benchmark");
    println!(
        "sandbox: {jobs} jobs, {candidates} candidates, seed {}, latency {} ms{}; connector: concurrency {}, {} req/s limit; {} CPU(s)",
        args.seed,
        args.latency_ms,
        if args.sandbox_url.is_some() {
            " (separate process)"
        } else {
            ""
        },
        args.concurrency,
        args.requests_per_second,
        std::thread::available_parallelism().map_or(1, usize::from),
    );
    let sandbox = start_sandbox(&args, jobs, candidates).await?;

    let dir = tempfile::Builder::new()
        .prefix("atsbridge-bench-")
        .tempdir()
        .context("creating a temporary directory")?;
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(dir.path().join("bench.db"), SecretKey::generate())
            .context("opening the SQLite store")?,
    );
    let environment = store.create_environment("bench").await?;
    let api_key = store.create_api_key(&environment.id, "bench").await?.secret;
    let integration = store
        .create_integration(NewIntegration {
            environment_id: environment.id.clone(),
            tool: "erecruiter".to_owned(),
            remote_label: Some("eRecruiter sandbox".to_owned()),
            credentials: json!({
                "host": sandbox.base_url,
                "mandator_id": sandbox.mandator_id,
                "api_key": sandbox.api_key,
                "max_concurrent_requests": args.concurrency,
                "requests_per_second": args.requests_per_second,
            }),
            settings: IntegrationSettings {
                sync_only_created_applications: false,
                ..IntegrationSettings::default()
            },
            end_user: None,
            setup_status: atsbridge_store::SetupStatus::Completed,
        })
        .await?;

    let registry = atsbridge_connectors::registry().context("registering the connectors")?;
    let engine = Arc::new(SyncEngine::new(store.clone()));

    let before_syncs = memory_kb("VmRSS");
    let mut peaks = Vec::new();
    for label in ["first full sync", "second full sync (unchanged data)"] {
        sandbox.reset_request_stats();
        let started = Instant::now();
        let summary = sync(&engine, &store, &registry, &integration).await?;
        print_run(label, &summary, started.elapsed(), sandbox.request_count());
        peaks.push(memory_kb("VmHWM"));
    }
    println!(
        "RSS before the syncs: {}; peak RSS after the first sync: {}, after the second: {}{}",
        show_kb(before_syncs),
        show_kb(peaks.first().copied().flatten()),
        show_kb(peaks.get(1).copied().flatten()),
        if sandbox.in_process.is_some() {
            " (sandbox included)"
        } else {
            " (sync process only; the sandbox runs elsewhere)"
        }
    );
    // One line for `cargo xtask bench-sync --memory` to read.
    println!(
        "bench-rss-kb before={} first={} second={}",
        before_syncs.unwrap_or(0),
        peaks.first().copied().flatten().unwrap_or(0),
        peaks.get(1).copied().flatten().unwrap_or(0),
    );

    if !args.sync_only {
        page_the_api(&engine, &store, registry, &integration, &api_key).await?;
    }
    if let Some(handle) = sandbox.in_process {
        handle
            .shutdown()
            .await
            .context("stopping the eRecruiter sandbox")?;
    }
    println!();
    println!(
        "peak RSS of the process{}: {}",
        if args.sandbox_url.is_some() {
            ""
        } else {
            " (sandbox included)"
        },
        show_kb(memory_kb("VmHWM"))
    );
    Ok(())
}

/// Starts the in-process sandbox, or names the one behind `--sandbox-url`.
async fn start_sandbox(
    args: &Args,
    jobs: usize,
    candidates: usize,
) -> anyhow::Result<SandboxTarget> {
    if let (Some(base_url), Some(mandator_id)) = (&args.sandbox_url, args.sandbox_mandator_id) {
        let api_key = std::env::var(SANDBOX_API_KEY_ENV)
            .with_context(|| format!("--sandbox-url needs {SANDBOX_API_KEY_ENV}"))?;
        return Ok(SandboxTarget {
            base_url: base_url.clone(),
            api_key,
            mandator_id,
            in_process: None,
        });
    }
    let seeding = Instant::now();
    let handle = Sandbox::spawn(
        SandboxConfig {
            latency: Duration::from_millis(args.latency_ms),
            ..SandboxConfig::default()
        },
        SandboxSeed {
            jobs,
            candidates,
            seed: args.seed,
        },
    )
    .await
    .context("starting the eRecruiter sandbox")?;
    println!(
        "sandbox seeded in {:.2?}; RSS now {}",
        seeding.elapsed(),
        show_kb(memory_kb("VmRSS"))
    );
    let (api_key, mandator_id) = handle.credentials();
    Ok(SandboxTarget {
        base_url: handle.base_url(),
        api_key,
        mandator_id,
        in_process: Some(handle),
    })
}

/// Serves the API from the store the syncs filled and pages through two list endpoints.
async fn page_the_api(
    engine: &Arc<SyncEngine>,
    store: &Arc<dyn Store>,
    registry: ConnectorRegistry,
    integration: &Integration,
    api_key: &str,
) -> anyhow::Result<()> {
    let scheduler = Arc::new(Scheduler::new(
        engine.clone(),
        Arc::new(RegistryConnectorProvider::new(
            registry.clone(),
            store.clone(),
        )),
    ));
    let state = AppState::new(
        store.clone(),
        Arc::new(registry),
        Arc::new(SchedulerTrigger::new(scheduler.clone())),
        ServerConfig::default(),
    )
    .context("building the API state")?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding the API listener")?;
    let base = format!("http://{}/v1", listener.local_addr()?);
    let stop = CancellationToken::new();
    let server_stop = stop.clone();
    let server = tokio::spawn(atsbridge_server::serve(listener, state, async move {
        server_stop.cancelled().await;
    }));
    let client = reqwest::Client::new();
    println!();
    println!("## API paging (page_size=250, one client, sequential pages)");
    for path in ["ats/candidates", "ats/applications"] {
        let pages = page_through(&client, &base, path, api_key, integration.id.as_str()).await?;
        print_pages(path, &pages);
    }
    stop.cancel();
    server
        .await
        .context("joining the API server")?
        .context("the API server failed")?;
    scheduler.shutdown().await;
    Ok(())
}

/// One full sync through the guarded connector, as the scheduler would run it.
async fn sync(
    engine: &SyncEngine,
    store: &Arc<dyn Store>,
    registry: &ConnectorRegistry,
    integration: &Integration,
) -> anyhow::Result<SyncSummary> {
    let credentials = store.integration_credentials(&integration.id).await?;
    let connector = registry
        .build(&integration.tool, &credentials)
        .context("building the eRecruiter connector")?;
    engine
        .run(
            integration,
            connector,
            SyncMode::Full,
            CancellationToken::new(),
            None,
        )
        .await
        .context("the sync failed")
}

fn print_run(label: &str, summary: &SyncSummary, wall: Duration, sandbox_requests: Option<u64>) {
    let sandbox_requests =
        sandbox_requests.map_or_else(|| "not counted here".to_owned(), |n| n.to_string());
    let seconds = wall.as_secs_f64().max(f64::EPSILON);
    println!();
    println!("## {label}: {:.2} s wall", seconds);
    println!(
        "  {:<24} {:>8} {:>8} {:>10} {:>8}",
        "model", "records", "new", "unchanged", "deleted"
    );
    let mut stored = 0;
    for (model, counts) in &summary.counts {
        let records = processed(counts);
        stored += records;
        println!(
            "  {:<24} {:>8} {:>8} {:>10} {:>8}",
            model.as_str(),
            records,
            counts.inserted,
            counts.unchanged,
            counts.deleted
        );
    }
    println!("  {:<24} {:>8}", "total", stored);
    match summary.requests {
        Some(requests) => println!(
            "  provider requests: {requests} (sandbox counted {sandbox_requests}), {:.1} requests/s",
            requests as f64 / seconds
        ),
        None => println!("  provider requests: not reported (sandbox counted {sandbox_requests})"),
    }
    println!(
        "  records written per second: {:.0} (inserted, updated or confirmed unchanged)",
        stored as f64 / seconds
    );
    let complete: Vec<&str> = summary
        .complete_models
        .iter()
        .map(|m: &Model| m.as_str())
        .collect();
    println!("  complete models: {}", complete.join(", "));
}

/// Records that went through the store in one run (deletions excluded).
fn processed(counts: &ModelCounts) -> u64 {
    counts.inserted + counts.updated + counts.unchanged + counts.undeleted
}

/// What one list endpoint took, page by page.
struct Pages {
    latencies: Vec<Duration>,
    records: usize,
    wall: Duration,
}

async fn page_through(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    api_key: &str,
    integration_id: &str,
) -> anyhow::Result<Pages> {
    let started = Instant::now();
    let mut latencies = Vec::new();
    let mut records = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut query = vec![("page_size", "250".to_owned())];
        if let Some(cursor) = &cursor {
            query.push(("cursor", cursor.clone()));
        }
        let sent = Instant::now();
        let response = client
            .get(format!("{base}/{path}"))
            .bearer_auth(api_key)
            .header("X-Integration-Id", integration_id)
            .query(&query)
            .send()
            .await
            .with_context(|| format!("GET /v1/{path}"))?;
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .with_context(|| format!("reading a page of /v1/{path}"))?;
        latencies.push(sent.elapsed());
        if !status.is_success() {
            bail!("GET /v1/{path} answered {status}: {body}");
        }
        let data = &body["data"];
        records += data["results"].as_array().map_or(0, Vec::len);
        match data["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    Ok(Pages {
        latencies,
        records,
        wall: started.elapsed(),
    })
}

fn print_pages(path: &str, pages: &Pages) {
    let mut sorted = pages.latencies.clone();
    sorted.sort();
    let seconds = pages.wall.as_secs_f64().max(f64::EPSILON);
    println!(
        "  /v1/{path}: {} records in {} pages, {:.2} s, {:.1} pages/s, {:.0} records/s, page latency p50 {:.1} ms, p95 {:.1} ms",
        pages.records,
        sorted.len(),
        seconds,
        sorted.len() as f64 / seconds,
        pages.records as f64 / seconds,
        millis(percentile(&sorted, 0.50)),
        millis(percentile(&sorted, 0.95)),
    );
}

/// The nearest-rank percentile of sorted durations (zero when there are none).
fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (fraction * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A memory line of `/proc/self/status` (`VmRSS`, `VmHWM`) in kB; `None` off Linux.
fn memory_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| key.trim() == field)
        .and_then(|(_, value)| value.trim().strip_suffix(" kB")?.trim().parse().ok())
}

/// A size in kB for people.
fn show_kb(kb: Option<u64>) -> String {
    match kb {
        Some(kb) => format!("{:.1} MiB", kb as f64 / 1024.0),
        None => "unavailable (no /proc/self/status)".to_owned(),
    }
}
