//! Store and API benchmark at 10k to 1M records: prints figures, asserts nothing.
//!
//! Fills a fresh store per size with a generated account (written directly with
//! `Store::apply_batch`, documents made by the sync engine's `record_write`), marks one
//! successful run, then calls the real API router in-process (`tower::ServiceExt::oneshot`, no
//! network) for first and deep pages of candidates and applications with `page_size=250`,
//! unfiltered, with `job_ids` and with `updated_after`. Sizes and scenarios are measured
//! interleaved, round by round, so that the ratios compare figures taken side by side. Ends with
//! the write throughput of `apply_batch`. Run it through `cargo xtask bench-store [flags]`.

mod data;
mod report;
mod target;

use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::{Parser, ValueEnum};

use crate::report::Samples;
use crate::target::{Backend, Target};

/// Flags of the benchmark.
#[derive(Debug, Parser)]
#[command(about = "Benchmarks the store and the list API at 10k to 1M records")]
pub struct Args {
    /// Account sizes in records (all models together), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
    sizes: Vec<usize>,
    /// Store backend(s) to measure.
    #[arg(long, value_enum, default_value_t = BackendChoice::Sqlite)]
    backend: BackendChoice,
    /// PostgreSQL server URL; a fresh database is created on it per size and dropped at the end.
    #[arg(long, env = "ATSBRIDGE_TEST_POSTGRES_URL")]
    postgres_url: Option<String>,
    /// Requests per measurement (after one warm-up round).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    samples: u32,
    /// Records per `apply_batch` while generating.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    batch: u32,
    /// Records written by the write-throughput measurement.
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    write_records: u32,
    /// Records per `apply_batch` in the write-throughput measurement.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    write_batch: u32,
    /// Skip the measurements with "sync only created applications" on.
    #[arg(long)]
    no_tracked: bool,
    /// Print the plans of the statements the list requests issue, for the largest size.
    #[arg(long)]
    explain: bool,
    /// Seed of the generated accounts.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// `--backend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackendChoice {
    /// The embedded SQLite store.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// Both, SQLite first.
    Both,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.sizes.is_empty() || args.sizes.iter().any(|&size| size < 1000) {
        bail!("--sizes needs sizes of at least 1000 records");
    }
    let backends = match args.backend {
        BackendChoice::Sqlite => vec![Backend::Sqlite],
        BackendChoice::Postgres => vec![Backend::Postgres],
        BackendChoice::Both => vec![Backend::Sqlite, Backend::Postgres],
    };
    if backends.contains(&Backend::Postgres) && args.postgres_url.is_none() {
        bail!("the PostgreSQL backend needs --postgres-url or ATSBRIDGE_TEST_POSTGRES_URL");
    }
    report::print_header();

    let mut targets: Vec<Target> = Vec::new();
    // On Ctrl-C the run stops and the stores are still cleaned up (databases dropped).
    let outcome = tokio::select! {
        outcome = run(&args, &backends, &mut targets) => outcome,
        _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
    };
    for target in targets {
        if let Err(error) = target.close().await {
            eprintln!("cleanup: {error:#}");
        }
    }
    outcome
}

async fn run(args: &Args, backends: &[Backend], targets: &mut Vec<Target>) -> anyhow::Result<()> {
    println!("## Generation");
    println!();
    report::print_generation_head();
    for &backend in backends {
        for &size in &args.sizes {
            let target = Target::create(backend, size, args)
                .await
                .with_context(|| format!("building the {size}-record {backend} store"))?;
            report::print_generation(&target).await;
            targets.push(target);
        }
    }

    println!();
    println!(
        "## Reads: page_size=250 through the API router in-process, {} samples each (after one warm-up round)",
        args.samples
    );
    for target in targets.iter_mut() {
        target.prepare_scenarios(false).await?;
    }
    let untracked = measure(targets, args.samples).await?;
    report::print_reads(targets, &untracked, "sync only created applications off");
    report::print_ratios(targets, &untracked);
    if args.explain {
        explain(targets).await?;
    }

    if !args.no_tracked {
        println!();
        println!(
            "## Reads with \"sync only created applications\" on ({} % of the applications tracked)",
            data::TRACKED_PERCENT
        );
        println!();
        for target in targets.iter_mut() {
            let started = Instant::now();
            let tracked = target.track().await?;
            println!(
                "- {} {}: tracked {tracked} applications in {:.1} s",
                target.backend,
                target.size,
                started.elapsed().as_secs_f64()
            );
            target.prepare_scenarios(true).await?;
        }
        let tracked = measure(targets, args.samples).await?;
        report::print_reads(targets, &tracked, "sync only created applications on");
        report::print_ratios(targets, &tracked);
    }

    println!();
    println!(
        "## Writes: Store::apply_batch, {} records (candidates and their applications) in batches of {}, into a second integration of each store",
        args.write_records, args.write_batch
    );
    println!();
    report::print_writes_head();
    for target in targets.iter() {
        let writes = target
            .write_throughput(args.write_records as usize, args.write_batch as usize)
            .await?;
        report::print_writes(target, &writes);
    }
    println!();
    println!("peak RSS of the process: {}", report::memory("VmHWM"));
    Ok(())
}

/// Prints the statement plans of the largest store of each backend.
async fn explain(targets: &[Target]) -> anyhow::Result<()> {
    let largest = targets.iter().map(|t| t.size).max().unwrap_or(0);
    for target in targets.iter().filter(|t| t.size == largest) {
        println!();
        println!("Statement plans, {} {}:", target.backend, target.size);
        println!();
        println!("```");
        for plan in target.explain().await? {
            println!(
                "{}",
                plan.statement
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            let params: String = plan.params.chars().take(160).collect();
            let more = if params.len() < plan.params.len() {
                " …"
            } else {
                ""
            };
            println!("  params: {params}{more}");
            for line in &plan.lines {
                println!("  | {line}");
            }
        }
        println!("```");
    }
    Ok(())
}

/// Runs every scenario of every target once per round, one warm-up round plus `samples`.
async fn measure(targets: &[Target], samples: u32) -> anyhow::Result<Vec<Vec<Samples>>> {
    let mut results: Vec<Vec<Samples>> = targets
        .iter()
        .map(|t| vec![Samples::default(); t.scenarios.len()])
        .collect();
    let started = Instant::now();
    for round in 0..=samples {
        for (target, results) in targets.iter().zip(results.iter_mut()) {
            for (scenario, samples) in target.scenarios.iter().zip(results.iter_mut()) {
                let elapsed: Duration = target.time(scenario).await?;
                if round > 0 {
                    samples.0.push(elapsed);
                }
            }
        }
    }
    println!();
    println!("(measured in {:.1} s)", started.elapsed().as_secs_f64());
    Ok(results)
}
