//! Sync and API benchmark: prints figures, asserts nothing.
//!
//! Starts an eRecruiter sandbox with the given size and per-request latency, runs a full sync
//! through the real engine into a temporary SQLite store, then a second full sync over
//! unchanged data, and pages through `/v1/ats/candidates` and `/v1/ats/applications` over
//! HTTP. Run it in release mode through `cargo xtask bench-sync [flags]` (or
//! `cargo run --release -p atsbridge --example bench_sync -- [flags]`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use atsbridge_connector::ConnectorRegistry;
use atsbridge_erecruiter_sandbox::{Sandbox, SandboxConfig, SandboxSeed};
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
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let candidates = args.candidates as usize;
    let jobs = args.jobs.map_or((candidates / 10).max(6), |j| j as usize);
    let latency = Duration::from_millis(args.latency_ms);

    println!("# atsbridge sync benchmark");
    println!(
        "sandbox: {jobs} jobs, {candidates} candidates, seed {}, latency {} ms; connector: concurrency {}, {} req/s limit; {} CPU(s)",
        args.seed,
        args.latency_ms,
        args.concurrency,
        args.requests_per_second,
        std::thread::available_parallelism().map_or(1, usize::from),
    );

    let seeding = Instant::now();
    let sandbox = Sandbox::spawn(
        SandboxConfig {
            latency,
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
        memory("VmRSS")
    );

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
    let (sandbox_key, mandator_id) = sandbox.credentials();
    let integration = store
        .create_integration(NewIntegration {
            environment_id: environment.id.clone(),
            tool: "erecruiter".to_owned(),
            remote_label: Some("eRecruiter sandbox".to_owned()),
            credentials: json!({
                "host": sandbox.base_url(),
                "mandator_id": mandator_id,
                "api_key": sandbox_key,
                "max_concurrent_requests": args.concurrency,
                "requests_per_second": args.requests_per_second,
            }),
            settings: IntegrationSettings {
                sync_only_created_applications: false,
                ..IntegrationSettings::default()
            },
        })
        .await?;

    let mut registry = ConnectorRegistry::new();
    registry
        .add(Arc::new(atsbridge_erecruiter::ErecruiterFactory))
        .context("registering the eRecruiter connector")?;
    let engine = Arc::new(SyncEngine::new(store.clone()));

    for label in ["first full sync", "second full sync (unchanged data)"] {
        sandbox.reset_request_stats();
        let started = Instant::now();
        let summary = sync(&engine, &store, &registry, &integration).await?;
        print_run(label, &summary, started.elapsed(), sandbox.request_count());
    }
    println!("peak RSS after the syncs: {}", memory("VmHWM"));

    // The API over HTTP, served from the store the syncs filled.
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
        let pages = page_through(&client, &base, path, &api_key, integration.id.as_str()).await?;
        print_pages(path, &pages);
    }
    stop.cancel();
    server
        .await
        .context("joining the API server")?
        .context("the API server failed")?;
    scheduler.shutdown().await;
    sandbox
        .shutdown()
        .await
        .context("stopping the eRecruiter sandbox")?;
    println!();
    println!(
        "peak RSS of the process (sandbox included): {}",
        memory("VmHWM")
    );
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

fn print_run(label: &str, summary: &SyncSummary, wall: Duration, sandbox_requests: u64) {
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

/// A memory line of `/proc/self/status` (`VmRSS`, `VmHWM`), or "unavailable" off Linux.
fn memory(field: &str) -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return "unavailable (no /proc/self/status)".to_owned();
    };
    let values: BTreeMap<&str, &str> = status
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim(), value.trim()))
        .collect();
    match values.get(field) {
        Some(value) => match value
            .strip_suffix(" kB")
            .and_then(|kb| kb.trim().parse::<u64>().ok())
        {
            Some(kb) => format!("{:.1} MiB", kb as f64 / 1024.0),
            None => (*value).to_owned(),
        },
        None => format!("unavailable ({field} not reported)"),
    }
}
