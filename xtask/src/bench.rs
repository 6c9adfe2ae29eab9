//! `cargo xtask bench-sync` and `cargo xtask bench-store`: build and run the benchmarks in
//! release mode.
//!
//! The benchmarks themselves are the `bench_sync` and `bench_store` examples of the
//! `atsbridge` (cli) crate, which already depends on every piece they drive; these commands
//! only check the flags, make sure they run optimised and forward the flags.
//!
//! `bench-sync --memory` measures how a sync's peak memory scales with the account: for each
//! account of `MEMORY_RUNS` (2,000 and 20,000 candidates) it starts the sandbox binary as its
//! own process, runs the benchmark's two full syncs against it in another process (so the
//! peak RSS measured is the sync's, not the generated tenant's), and prints the peaks and
//! their ratios against the target "peak at 20k ≤ 1.5 × peak at 2k".

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

use anyhow::{Context, bail};

/// Flags `bench-sync` takes, each followed by a whole number.
const FLAGS: [&str; 6] = [
    "--candidates",
    "--jobs",
    "--latency-ms",
    "--concurrency",
    "--requests-per-second",
    "--seed",
];

/// The flag that selects the memory-scaling mode.
const MEMORY_FLAG: &str = "--memory";

/// Accounts the memory mode syncs, as (candidates, jobs): the benchmark's usual shape (one
/// job per ten candidates) at 2k and 20k, and 20k candidates with the 2k account's jobs, which
/// separates what grows with the candidates from what grows with the published job list
/// (eRecruiter sends that list as one response).
const MEMORY_RUNS: [(u32, u32); 3] = [(2_000, 200), (20_000, 2_000), (20_000, 200)];

/// The memory target: peak RSS at the larger size at most this many times the smaller one's.
const MEMORY_TARGET_RATIO: f64 = 1.5;

/// Where the benchmark takes the sandbox API key from (see the example).
const SANDBOX_API_KEY_ENV: &str = "ATSBRIDGE_BENCH_SANDBOX_API_KEY";

/// Checks `args` and runs `cargo run --release --example bench_sync -- <args>` in `root`, or
/// the memory comparison when `--memory` is among them.
pub fn run(root: &Path, args: &[String]) -> anyhow::Result<()> {
    check_args(args)?;
    if args.iter().any(|a| a == MEMORY_FLAG) {
        let rest: Vec<String> = args.iter().filter(|a| *a != MEMORY_FLAG).cloned().collect();
        return memory(root, &rest);
    }
    run_example(root, "bench_sync", args)
}

/// Checks `args` and runs `cargo run --release --example bench_store -- <args>` in `root`.
pub fn run_store(root: &Path, args: &[String]) -> anyhow::Result<()> {
    check_store_args(args)?;
    run_example(root, "bench_store", args)
}

fn run_example(root: &Path, example: &str, args: &[String]) -> anyhow::Result<()> {
    let status = cargo(root)
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "atsbridge",
            "--example",
            example,
            "--",
        ])
        .args(args)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("the benchmark failed ({status})");
    }
    Ok(())
}

fn cargo(root: &Path) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(root);
    command
}

/// Peak RSS figures of one benchmark process, in kB.
#[derive(Debug, Clone, Copy)]
struct RssFigures {
    before: u64,
    first: u64,
    second: u64,
}

/// `bench-sync --memory`: both sizes back to back, then the ratio.
fn memory(root: &Path, args: &[String]) -> anyhow::Result<()> {
    if args
        .iter()
        .any(|a| a.starts_with("--candidates") || a.starts_with("--jobs"))
    {
        bail!("--memory picks the accounts itself (see MEMORY_RUNS in xtask/src/bench.rs)");
    }
    let seed = flag_value(args, "--seed").unwrap_or_else(|| "42".to_owned());
    let latency = flag_value(args, "--latency-ms").unwrap_or_else(|| "0".to_owned());
    let mut forwarded = without_flag(args, "--latency-ms");
    forwarded.extend(["--latency-ms".to_owned(), latency.clone()]);

    let status = cargo(root)
        .args([
            "build",
            "--release",
            "--quiet",
            "--package",
            "atsbridge-erecruiter-sandbox",
            "--bin",
            "erecruiter-sandbox",
            "--package",
            "atsbridge",
            "--example",
            "bench_sync",
        ])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("building the benchmark failed ({status})");
    }
    let release = target_dir(root)?.join("release");
    let sandbox_bin = release.join("erecruiter-sandbox");
    let bench_bin = release.join("examples").join("bench_sync");

    let mut figures = Vec::new();
    for (candidates, jobs) in MEMORY_RUNS {
        let sandbox = SandboxProcess::start(&sandbox_bin, candidates, jobs, &seed, &latency)?;
        let output = Command::new(&bench_bin)
            .args(["--candidates", &candidates.to_string()])
            .args(["--jobs", &jobs.to_string()])
            .args(["--sandbox-url", &sandbox.base_url])
            .args(["--sandbox-mandator-id", &sandbox.mandator_id])
            .arg("--sync-only")
            .args(&forwarded)
            .env(SANDBOX_API_KEY_ENV, &sandbox.api_key)
            .stderr(Stdio::inherit())
            .output()
            .context("running the benchmark")?;
        drop(sandbox);
        let text = String::from_utf8_lossy(&output.stdout);
        print!("{text}");
        if !output.status.success() {
            bail!("the benchmark failed ({})", output.status);
        }
        let rss = parse_rss(&text).context("the benchmark printed no `bench-rss-kb` line")?;
        figures.push((candidates, jobs, rss));
        println!();
    }
    print_memory_summary(&figures);
    Ok(())
}

/// Prints the per-account peaks and the ratios against the target.
fn print_memory_summary(figures: &[(u32, u32, RssFigures)]) {
    println!("# sync peak RSS (sync process only; the sandbox ran as its own process)");
    println!(
        "  {:>10} {:>6} {:>14} {:>20} {:>22}",
        "candidates", "jobs", "before syncs", "peak, first sync", "peak, both syncs"
    );
    for (candidates, jobs, rss) in figures {
        println!(
            "  {:>10} {:>6} {:>10.1} MiB {:>16.1} MiB {:>18.1} MiB",
            candidates,
            jobs,
            mib(rss.before),
            mib(rss.first),
            mib(rss.second)
        );
    }
    let Some((base_candidates, base_jobs, base)) = figures.first() else {
        return;
    };
    for (candidates, jobs, rss) in figures.iter().skip(1) {
        let ratio = rss.second as f64 / (base.second.max(1)) as f64;
        let verdict = if ratio <= MEMORY_TARGET_RATIO {
            "met"
        } else {
            "NOT met"
        };
        println!(
            "  ratio {candidates} candidates / {jobs} jobs vs {base_candidates} / {base_jobs}: {ratio:.2} × (target ≤ {MEMORY_TARGET_RATIO} ×: {verdict})"
        );
    }
}

fn mib(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// Reads `bench-rss-kb before=.. first=.. second=..` from the benchmark's output.
fn parse_rss(output: &str) -> Option<RssFigures> {
    let line = output
        .lines()
        .find_map(|line| line.strip_prefix("bench-rss-kb "))?;
    let value = |key: &str| -> Option<u64> {
        line.split_whitespace()
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))?
            .parse()
            .ok()
    };
    Some(RssFigures {
        before: value("before")?,
        first: value("first")?,
        second: value("second")?,
    })
}

/// The value of `--flag N` or `--flag=N` in `args`.
fn flag_value(args: &[String], flag: &str) -> Option<String> {
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == flag {
            return rest.next().cloned();
        }
        if let Some(value) = arg.strip_prefix(flag).and_then(|v| v.strip_prefix('=')) {
            return Some(value.to_owned());
        }
    }
    None
}

/// `args` without `--flag N` / `--flag=N`.
fn without_flag(args: &[String], flag: &str) -> Vec<String> {
    let mut kept = Vec::with_capacity(args.len());
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == flag {
            rest.next();
        } else if !arg
            .strip_prefix(flag)
            .is_some_and(|tail| tail.starts_with('='))
        {
            kept.push(arg.clone());
        }
    }
    kept
}

/// The workspace's target directory, as cargo reports it.
fn target_dir(root: &Path) -> anyhow::Result<PathBuf> {
    let output = cargo(root)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!("cargo metadata failed ({})", output.status);
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("reading cargo metadata")?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("cargo metadata names no target directory")
}

/// The sandbox binary running as a child process; killed when dropped.
struct SandboxProcess {
    child: Child,
    base_url: String,
    mandator_id: String,
    api_key: String,
}

impl SandboxProcess {
    /// Starts the sandbox on a free local port and reads its address and credentials.
    fn start(
        bin: &Path,
        candidates: u32,
        jobs: u32,
        seed: &str,
        latency_ms: &str,
    ) -> anyhow::Result<Self> {
        let child = Command::new(bin)
            .args(["--listen", "127.0.0.1:0"])
            .args(["--candidates", &candidates.to_string()])
            .args(["--jobs", &jobs.to_string()])
            .args(["--seed", seed, "--latency-ms", latency_ms])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let mut sandbox = Self {
            child,
            base_url: String::new(),
            mandator_id: String::new(),
            api_key: String::new(),
        };
        let stdout = sandbox
            .child
            .stdout
            .take()
            .context("the sandbox has no stdout")?;
        sandbox.read_banner(stdout)?;
        Ok(sandbox)
    }

    /// Reads the three banner lines, then keeps draining stdout so the sandbox never blocks.
    fn read_banner(&mut self, stdout: ChildStdout) -> anyhow::Result<()> {
        let mut lines = BufReader::new(stdout);
        let mut line = String::new();
        while self.base_url.is_empty() || self.mandator_id.is_empty() || self.api_key.is_empty() {
            line.clear();
            if lines
                .read_line(&mut line)
                .context("reading the sandbox banner")?
                == 0
            {
                bail!("the sandbox exited before printing its address");
            }
            let text = line.trim();
            if let Some(url) = text.strip_prefix("eRecruiter sandbox listening on ") {
                self.base_url = url.trim_end_matches("/Api").to_owned();
            } else if let Some(id) = text.strip_prefix("mandator id:") {
                self.mandator_id = id.trim().to_owned();
            } else if let Some(key) = text.strip_prefix("api key:") {
                self.api_key = key.trim().to_owned();
            }
        }
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut lines, &mut std::io::sink());
        });
        Ok(())
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        // Our own child, stopped by its handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Refuses unknown flags and non-numeric values before a release build starts.
fn check_args(args: &[String]) -> anyhow::Result<()> {
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        if flag == "--help" || flag == "-h" || flag == MEMORY_FLAG {
            continue;
        }
        let (name, inline) = match flag.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (flag.as_str(), None),
        };
        if !FLAGS.contains(&name) {
            bail!(
                "unknown argument `{flag}`; bench-sync takes {}",
                FLAGS.join(", ")
            );
        }
        let value = match inline {
            Some(value) => value,
            None => rest
                .next()
                .with_context(|| format!("{name} needs a number"))?
                .clone(),
        };
        if value.parse::<u64>().is_err() {
            bail!("{name} needs a whole number, got `{value}`");
        }
    }
    Ok(())
}

/// Flags `bench-store` takes that are followed by a whole number.
const STORE_NUMBER_FLAGS: [&str; 5] = [
    "--samples",
    "--batch",
    "--write-records",
    "--write-batch",
    "--seed",
];

/// Refuses unknown `bench-store` flags and bad values before a release build starts.
fn check_store_args(args: &[String]) -> anyhow::Result<()> {
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        if flag == "--help" || flag == "-h" || flag == "--no-tracked" || flag == "--explain" {
            continue;
        }
        let (name, inline) = match flag.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (flag.as_str(), None),
        };
        let known = STORE_NUMBER_FLAGS.contains(&name)
            || ["--sizes", "--backend", "--postgres-url"].contains(&name);
        if !known {
            bail!(
                "unknown argument `{flag}`; bench-store takes --sizes, --backend, --postgres-url, \
                 --no-tracked, --explain, {}",
                STORE_NUMBER_FLAGS.join(", ")
            );
        }
        let value = match inline {
            Some(value) => value,
            None => rest
                .next()
                .with_context(|| format!("{name} needs a value"))?
                .clone(),
        };
        match name {
            "--sizes" => {
                for size in value.split(',') {
                    if size.trim().parse::<u64>().is_err() {
                        bail!("--sizes needs comma-separated whole numbers, got `{value}`");
                    }
                }
            }
            "--backend" => {
                if !["sqlite", "postgres", "both"].contains(&value.as_str()) {
                    bail!("--backend is sqlite, postgres or both, got `{value}`");
                }
            }
            "--postgres-url" => {}
            _ => {
                if value.parse::<u64>().is_err() {
                    bail!("{name} needs a whole number, got `{value}`");
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|a| (*a).to_owned()).collect()
    }

    #[test]
    fn known_flags_with_numbers_pass() {
        check_args(&strings(&[
            "--candidates",
            "2000",
            "--latency-ms=20",
            "--concurrency",
            "5",
        ]))
        .unwrap();
        check_args(&[]).unwrap();
        check_args(&strings(&["--help"])).unwrap();
    }

    #[test]
    fn unknown_flags_and_bad_values_are_refused() {
        assert!(check_args(&strings(&["--candidate", "5"])).is_err());
        assert!(check_args(&strings(&["--jobs"])).is_err());
        assert!(check_args(&strings(&["--latency-ms", "fast"])).is_err());
    }

    #[test]
    fn memory_mode_helpers_read_flags_and_figures() {
        let args = strings(&["--latency-ms", "5", "--seed=7", "--concurrency", "3"]);
        assert_eq!(flag_value(&args, "--seed").as_deref(), Some("7"));
        assert_eq!(flag_value(&args, "--latency-ms").as_deref(), Some("5"));
        assert_eq!(
            without_flag(&args, "--latency-ms"),
            strings(&["--seed=7", "--concurrency", "3"])
        );
        assert_eq!(
            without_flag(&args, "--seed"),
            strings(&["--latency-ms", "5", "--concurrency", "3"])
        );
        check_args(&strings(&["--memory", "--latency-ms", "0"])).unwrap();
        let rss = parse_rss("x\nbench-rss-kb before=10 first=20 second=30\n").unwrap();
        assert_eq!((rss.before, rss.first, rss.second), (10, 20, 30));
        assert!(parse_rss("nothing here").is_none());
    }

    #[test]
    fn store_flags_are_checked() {
        check_store_args(&strings(&[
            "--sizes",
            "10000,100000",
            "--backend=both",
            "--postgres-url",
            "postgres://localhost/test",
            "--samples",
            "5",
            "--no-tracked",
        ]))
        .unwrap();
        assert!(check_store_args(&strings(&["--sizes", "10k"])).is_err());
        assert!(check_store_args(&strings(&["--backend", "mysql"])).is_err());
        assert!(check_store_args(&strings(&["--samples"])).is_err());
        assert!(check_store_args(&strings(&["--candidates", "5"])).is_err());
    }
}
