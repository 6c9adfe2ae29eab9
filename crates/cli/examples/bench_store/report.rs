//! Printing: machine, generation, read and write tables, ratio targets (all Markdown).

use std::collections::BTreeMap;
use std::time::Duration;

use atsbridge_schema::Model;

use crate::target::{Depth, Probe, Scenario, Target, Writes};

/// Timings of one scenario.
#[derive(Debug, Clone, Default)]
pub struct Samples(pub Vec<Duration>);

impl Samples {
    /// The nearest-rank percentile (zero without samples).
    pub fn percentile(&self, fraction: f64) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = (fraction * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Machine and command line.
pub fn print_header() {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map_or_else(|_| "unknown".to_owned(), |k| k.trim().to_owned());
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("# atsbridge store benchmark");
    println!();
    println!(
        "machine: {} CPU(s) available, {cpu}, {} RAM, Linux {kernel}; release build",
        std::thread::available_parallelism().map_or(1, usize::from),
        meminfo("MemTotal"),
    );
    println!("arguments: {}", args.join(" "));
    println!();
}

/// Head of the generation table.
pub fn print_generation_head() {
    println!(
        "| backend | size | records | jobs | candidates | applications | load | load records/s | update pass | on disk |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
}

/// One row of the generation table.
pub async fn print_generation(target: &Target) {
    let g = &target.generation;
    let disk = target.disk_bytes().await.map_or_else(
        || "-".to_owned(),
        |b| format!("{:.0} MiB", b as f64 / 1048576.0),
    );
    println!(
        "| {} | {} | {} | {} | {} | {} | {:.1} s | {:.0} | {} records, {:.1} s | {disk} |",
        target.backend,
        target.size,
        g.records,
        target.account.shape.jobs,
        g.candidates,
        g.applications,
        g.load.as_secs_f64(),
        g.records as f64 / g.load.as_secs_f64().max(f64::EPSILON),
        g.updated,
        g.update.as_secs_f64(),
    );
}

fn model_name(model: Model) -> &'static str {
    match model {
        Model::Candidate => "candidates",
        Model::Application => "applications",
        _ => model.as_str(),
    }
}

fn depth_name(scenario: &Scenario) -> &'static str {
    match (&scenario.probe, scenario.depth) {
        (Probe::SerializeCandidates(_), _) => "to_vec of that page",
        (_, Depth::First) => "first",
        (_, Depth::Deep) => "80 %",
    }
}

/// The read table.
pub fn print_reads(targets: &[Target], results: &[Vec<Samples>], label: &str) {
    println!();
    println!("Reads, {label}:");
    println!();
    println!(
        "| backend | size | list | filter | page | matching | served | KiB | p50 ms | p99 ms |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (target, samples) in targets.iter().zip(results) {
        for (scenario, samples) in target.scenarios.iter().zip(samples) {
            println!(
                "| {} | {} | {} | {} | {} | {} | {} | {:.0} | {:.2} | {:.2} |",
                target.backend,
                target.size,
                model_name(scenario.model),
                scenario.filter,
                depth_name(scenario),
                scenario.matching,
                scenario.served,
                scenario.bytes as f64 / 1024.0,
                ms(samples.percentile(0.5)),
                ms(samples.percentile(0.99)),
            );
        }
    }
}

/// p50 of every request scenario, keyed by (backend, size, model, filter, depth).
type Key = (String, usize, &'static str, String, &'static str);

fn p50s(targets: &[Target], results: &[Vec<Samples>]) -> BTreeMap<Key, Duration> {
    let mut out = BTreeMap::new();
    for (target, samples) in targets.iter().zip(results) {
        for (scenario, samples) in target.scenarios.iter().zip(samples) {
            out.insert(
                (
                    target.backend.to_string(),
                    target.size,
                    model_name(scenario.model),
                    scenario.filter.to_string(),
                    depth_name(scenario),
                ),
                samples.percentile(0.5),
            );
        }
    }
    out
}

fn verdict(ratio: f64, target: f64) -> &'static str {
    if ratio <= target { "meets" } else { "misses" }
}

/// The ratio targets, each next to its measured value.
pub fn print_ratios(targets: &[Target], results: &[Vec<Samples>]) {
    let p50 = p50s(targets, results);
    let smallest = targets.iter().map(|t| t.size).min().unwrap_or(0);
    let largest = targets.iter().map(|t| t.size).max().unwrap_or(0);
    println!();
    println!("Ratio targets (p50 against p50, measured in the same rounds):");
    println!();
    println!("| backend | target | list | filter | page | measured | target | |");
    println!("|---|---|---|---|---|---|---|---|");
    if smallest != largest {
        for ((backend, size, model, filter, page), large) in &p50 {
            if *size != largest || page.starts_with("to_vec") {
                continue;
            }
            let key = (backend.clone(), smallest, *model, filter.clone(), *page);
            let Some(small) = p50.get(&key) else { continue };
            let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-9);
            println!(
                "| {backend} | page at {largest} ≤ 1.3 × page at {smallest} | {model} | {filter} | {page} | {ratio:.2} | 1.3 | {} |",
                verdict(ratio, 1.3)
            );
        }
    }
    for ((backend, size, model, filter, page), deep) in &p50 {
        if *page != "80 %" {
            continue;
        }
        let key = (backend.clone(), *size, *model, filter.clone(), "first");
        let Some(first) = p50.get(&key) else { continue };
        let ratio = deep.as_secs_f64() / first.as_secs_f64().max(1e-9);
        println!(
            "| {backend} | {size}: deep page ≤ 1.2 × first page | {model} | {filter} | 80 % vs first | {ratio:.2} | 1.2 | {} |",
            verdict(ratio, 1.2)
        );
    }
    for ((backend, size, model, filter, page), serialize) in &p50 {
        if !page.starts_with("to_vec") {
            continue;
        }
        let key = (backend.clone(), *size, *model, filter.clone(), "first");
        let Some(request) = p50.get(&key) else {
            continue;
        };
        let ratio = request.as_secs_f64() / serialize.as_secs_f64().max(1e-9);
        println!(
            "| {backend} | {size}: page ≤ 3 × serde_json::to_vec of its response ({:.2} ms) | {model} | {filter} | first | {ratio:.2} | 3 | {} |",
            ms(*serialize),
            verdict(ratio, 3.0)
        );
    }
}

/// Head of the write table.
pub fn print_writes_head() {
    println!(
        "| backend | store holds | records | insert | insert records/s | unchanged | unchanged records/s |"
    );
    println!("|---|---|---|---|---|---|---|");
}

/// One row of the write table.
pub fn print_writes(target: &Target, writes: &Writes) {
    let rate = |d: Duration| writes.records as f64 / d.as_secs_f64().max(f64::EPSILON);
    println!(
        "| {} | {} | {} | {:.2} s | {:.0} | {:.2} s | {:.0} |",
        target.backend,
        target.generation.records,
        writes.records,
        writes.insert.as_secs_f64(),
        rate(writes.insert),
        writes.unchanged.as_secs_f64(),
        rate(writes.unchanged),
    );
}

/// A memory line of `/proc/self/status` (`VmRSS`, `VmHWM`) in MiB.
pub fn memory(field: &str) -> String {
    proc_kb("/proc/self/status", field)
}

fn meminfo(field: &str) -> String {
    proc_kb("/proc/meminfo", field)
}

fn proc_kb(path: &str, field: &str) -> String {
    let Ok(status) = std::fs::read_to_string(path) else {
        return "unavailable".to_owned();
    };
    status
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| key.trim() == field)
        .and_then(|(_, value)| value.trim().strip_suffix(" kB")?.trim().parse::<u64>().ok())
        .map_or_else(
            || "unavailable".to_owned(),
            |kb| format!("{:.1} MiB", kb as f64 / 1024.0),
        )
}
