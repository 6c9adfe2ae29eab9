//! Project automation: `cargo xtask <command>`.
//!
//! - `codegen [--check]`: regenerate (or verify) every generated file, e.g. `docs/schemas/*.json`.
//! - `spec-facts --spec <kombo-openapi.json> [--check]`: extract the facts the spec-agreement
//!   test needs into `crates/schema/spec/kombo-spec-facts.json`.
//! - `fixtures lint [DIR]`: refuse recorded fixtures that hold tokens, keys, authorization
//!   headers or real-looking personal data (default directory: `fixtures/`).
//! - `fixtures record --config FILE --scenario NAME [--connector SLUG] [--input FILE]
//!   [--docs TEXT] [--out DIR]`: run a connector against a live provider through the
//!   transport's recording hook and write a scrubbed fixture (see `record.rs`).
//! - `bench-sync [--candidates N] [--jobs N] [--latency-ms L] [--concurrency C]
//!   [--requests-per-second R] [--seed S]`: sync and API benchmark against the eRecruiter
//!   sandbox, in release mode; prints figures (see `docs/benchmarks.md`).
//! - `bench-store [--sizes N,N,..] [--backend sqlite|postgres|both] [--postgres-url URL]
//!   [--samples N] [--batch N] [--write-records N] [--write-batch N] [--no-tracked]
//!   [--explain] [--seed S]`: store and list-API benchmark at 10k to 1M records, in release
//!   mode; prints figures (see `docs/benchmarks.md`).

mod bench;
mod codegen;
mod record;
mod spec_facts;
mod spec_shapes;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

const USAGE: &str = "usage:
  cargo xtask codegen [--check]
  cargo xtask spec-facts --spec <path/to/kombo-openapi.json> [--check]
  cargo xtask spec-shapes --spec <path/to/kombo-openapi.json> [--check]
  cargo xtask fixtures lint [DIR]
  cargo xtask fixtures record --config FILE --scenario NAME [--connector SLUG] [--input FILE]
                              [--docs TEXT] [--out DIR]
  cargo xtask bench-sync [--candidates N] [--jobs N] [--latency-ms L] [--concurrency C]
                         [--requests-per-second R] [--seed S]
  cargo xtask bench-store [--sizes N,N,..] [--backend sqlite|postgres|both] [--postgres-url URL]
                          [--samples N] [--batch N] [--write-records N] [--write-batch N]
                          [--no-tracked] [--explain] [--seed S]";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    match args.first().map(String::as_str) {
        Some("codegen") => {
            let check = parse_flags(&args[1..], &["--check"])?.contains(&"--check");
            codegen::run(&root, mode(check))
        }
        Some("spec-facts") => {
            let mut spec: Option<PathBuf> = None;
            let mut check = false;
            let mut rest = args[1..].iter();
            while let Some(arg) = rest.next() {
                match arg.as_str() {
                    "--spec" => {
                        spec = Some(rest.next().context("--spec needs a path")?.into());
                    }
                    "--check" => check = true,
                    other => bail!("unknown argument `{other}`\n{USAGE}"),
                }
            }
            let spec = spec.with_context(|| format!("missing --spec\n{USAGE}"))?;
            spec_facts::run(&root, &spec, mode(check))
        }
        Some("spec-shapes") => {
            let mut spec: Option<PathBuf> = None;
            let mut check = false;
            let mut rest = args[1..].iter();
            while let Some(arg) = rest.next() {
                match arg.as_str() {
                    "--spec" => {
                        spec = Some(rest.next().context("--spec needs a path")?.into());
                    }
                    "--check" => check = true,
                    other => bail!("unknown argument `{other}`\n{USAGE}"),
                }
            }
            let spec = spec.with_context(|| format!("missing --spec\n{USAGE}"))?;
            spec_shapes::run(&root, &spec, mode(check))
        }
        Some("fixtures") => match args.get(1).map(String::as_str) {
            Some("lint") => {
                let dir = args
                    .get(2)
                    .map_or_else(|| root.join("fixtures"), PathBuf::from);
                if args.len() > 3 {
                    bail!("unexpected arguments after the directory\n{USAGE}");
                }
                lint_fixtures(&dir)
            }
            Some("record") => {
                let request = record::parse_args(&root, &args[2..])
                    .with_context(|| format!("invalid `fixtures record` arguments\n{USAGE}"))?;
                let runtime = tokio::runtime::Runtime::new().context("starting tokio")?;
                let path = runtime.block_on(record::record(&request))?;
                println!("wrote {}", path.display());
                println!(
                    "check it with `cargo xtask fixtures lint` and replay it in the connector's conformance test"
                );
                Ok(())
            }
            _ => bail!("{USAGE}"),
        },
        Some("bench-sync") => bench::run(&root, &args[1..]),
        Some("bench-store") => bench::run_store(&root, &args[1..]),
        _ => bail!("{USAGE}"),
    }
}

fn lint_fixtures(dir: &Path) -> anyhow::Result<()> {
    let findings = atsbridge_conformance::lint_dir(dir)
        .with_context(|| format!("linting fixtures under {}", dir.display()))?;
    if findings.is_empty() {
        println!("fixtures under {} are clean", dir.display());
        return Ok(());
    }
    for finding in &findings {
        eprintln!("{finding}");
    }
    bail!(
        "{} fixture finding(s); scrub them (re-record or edit) and run again",
        findings.len()
    )
}

fn mode(check: bool) -> codegen::Mode {
    if check {
        codegen::Mode::Check
    } else {
        codegen::Mode::Write
    }
}

fn parse_flags<'a>(args: &'a [String], known: &[&str]) -> anyhow::Result<Vec<&'a str>> {
    args.iter()
        .map(|arg| {
            if known.contains(&arg.as_str()) {
                Ok(arg.as_str())
            } else {
                bail!("unknown argument `{arg}`\n{USAGE}")
            }
        })
        .collect()
}

/// The workspace root (the parent of `xtask/`).
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.to_path_buf(), Path::to_path_buf)
}
