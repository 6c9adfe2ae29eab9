//! Runs the eRecruiter sandbox as a standalone HTTP server.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use atsbridge_erecruiter_sandbox::{Sandbox, SandboxConfig, SandboxSeed};
use clap::Parser;

/// A stateful fake eRecruiter API on a local socket.
#[derive(Parser, Debug)]
#[command(name = "erecruiter-sandbox", version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8089")]
    listen: SocketAddr,
    /// Number of generated jobs.
    #[arg(long, default_value_t = 25)]
    jobs: usize,
    /// Number of generated candidates.
    #[arg(long, default_value_t = 200)]
    candidates: usize,
    /// Seed of the data generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Probability of injected 500 responses (0.0 to 1.0).
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let config = SandboxConfig {
        latency: Duration::from_millis(args.latency_ms),
        error_rate: args.error_rate,
        ..SandboxConfig::default()
    };
    let seed = SandboxSeed {
        jobs: args.jobs,
        candidates: args.candidates,
        seed: args.seed,
    };
    let handle = Sandbox::spawn_on(config, seed, args.listen)
        .await
        .context("starting the sandbox")?;
    let (api_key, mandator_id) = handle.credentials();
    // The sandbox key is a fixed, public development value; printing it is the point.
    println!("eRecruiter sandbox listening on {}/Api", handle.base_url());
    println!("mandator id: {mandator_id}");
    println!("api key:     {api_key}");
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    handle.shutdown().await.context("stopping the sandbox")?;
    Ok(())
}
