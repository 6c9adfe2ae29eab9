//! `cargo xtask bench-sync` and `cargo xtask bench-store`: build and run the benchmarks in
//! release mode.
//!
//! The benchmarks themselves are the `bench_sync` and `bench_store` examples of the
//! `atsbridge` (cli) crate, which already depends on every piece they drive; these commands
//! only check the flags, make sure they run optimised and forward the flags.

use std::path::Path;
use std::process::Command;

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

/// Checks `args` and runs `cargo run --release --example bench_sync -- <args>` in `root`.
pub fn run(root: &Path, args: &[String]) -> anyhow::Result<()> {
    check_args(args)?;
    run_example(root, "bench_sync", args)
}

/// Checks `args` and runs `cargo run --release --example bench_store -- <args>` in `root`.
pub fn run_store(root: &Path, args: &[String]) -> anyhow::Result<()> {
    check_store_args(args)?;
    run_example(root, "bench_store", args)
}

fn run_example(root: &Path, example: &str, args: &[String]) -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
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

/// Refuses unknown flags and non-numeric values before a release build starts.
fn check_args(args: &[String]) -> anyhow::Result<()> {
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        if flag == "--help" || flag == "-h" {
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
