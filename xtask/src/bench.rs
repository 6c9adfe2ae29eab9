//! `cargo xtask bench-sync`: builds and runs the sync benchmark in release mode.
//!
//! The benchmark itself is the `bench_sync` example of the `atsbridge` (cli) crate, which
//! already depends on every piece it drives; this command only makes sure it runs optimised
//! and forwards the flags.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

/// Flags the benchmark takes, each followed by a whole number.
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
            "bench_sync",
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
}
