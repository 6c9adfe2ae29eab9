//! `cargo xtask fixtures record`: run a connector against a live provider (or the sandbox)
//! through the transport's recording hook and write a scrubbed conformance fixture.
//!
//! The config file holds the integration's credentials as JSON. Secrets never reach the
//! fixture: the config's secret keys become `[REDACTED]`, the transport records only
//! allow-listed headers and hides the token exchange, and the fixture is linted before it is
//! written; a finding aborts the recording without writing anything.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use atsbridge_conformance::{Fixture, RecordingSpec, ScenarioInput, lint_fixture, record_scenario};
use atsbridge_connector::{ConnectorFactory, Recorder, SyncScope};
use serde_json::Value;

/// What to record.
#[derive(Debug)]
pub struct RecordRequest {
    /// Connector slug, one of `atsbridge_connectors::factories()` (default `erecruiter`).
    pub connector: String,
    /// JSON file with the integration's credentials.
    pub config: PathBuf,
    /// Scenario name; the fixture is written to `<out>/<scenario>.json`.
    pub scenario: String,
    /// Why the scenario exists (stored in the fixture).
    pub docs: String,
    /// A JSON file with the scenario input (`{"kind": "check"}`, `{"kind": "sync", ...}` or
    /// `{"kind": "action", ...}`); default: a full sync of every model.
    pub input: Option<PathBuf>,
    /// Output directory; default `fixtures/<connector>`.
    pub out: PathBuf,
}

/// Parses `fixtures record` flags.
pub fn parse_args(root: &Path, args: &[String]) -> anyhow::Result<RecordRequest> {
    let mut connector = None;
    let mut config = None;
    let mut scenario = None;
    let mut docs = None;
    let mut input = None;
    let mut out = None;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let mut value = || {
            rest.next()
                .cloned()
                .with_context(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--connector" => connector = Some(value()?),
            "--config" => config = Some(PathBuf::from(value()?)),
            "--scenario" => scenario = Some(value()?),
            "--docs" => docs = Some(value()?),
            "--input" => input = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            other => bail!("unknown argument `{other}` for `fixtures record`"),
        }
    }
    let connector = connector.unwrap_or_else(|| "erecruiter".to_owned());
    let scenario = scenario.context("missing --scenario NAME")?;
    if scenario.is_empty()
        || !scenario
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        bail!("--scenario must be a file-name-safe name (letters, digits, `_`, `-`)");
    }
    Ok(RecordRequest {
        out: out.unwrap_or_else(|| root.join("fixtures").join(&connector)),
        config: config.context("missing --config FILE (the credentials as JSON)")?,
        docs: docs
            .unwrap_or_else(|| format!("recorded with `cargo xtask fixtures record`: {scenario}")),
        connector,
        scenario,
        input,
    })
}

/// The shipped connector called `slug` (see `atsbridge-connectors`).
fn factory(slug: &str) -> anyhow::Result<Arc<dyn ConnectorFactory>> {
    atsbridge_connectors::factory(slug).with_context(|| {
        let known: Vec<&str> = atsbridge_connectors::factories()
            .iter()
            .map(|factory| factory.slug())
            .collect();
        format!("no connector `{slug}` (known: {})", known.join(", "))
    })
}

/// Records the scenario and writes the fixture; returns its path.
pub async fn record(request: &RecordRequest) -> anyhow::Result<PathBuf> {
    let factory = factory(&request.connector)?;
    let text = std::fs::read_to_string(&request.config)
        .with_context(|| format!("cannot read {}", request.config.display()))?;
    let config: Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not valid JSON", request.config.display()))?;
    let input = match &request.input {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            serde_json::from_str::<ScenarioInput>(&text)
                .with_context(|| format!("{} is not a scenario input", path.display()))?
        }
        None => ScenarioInput::Sync {
            scope: serde_json::to_value(SyncScope::full_all_models())?,
        },
    };
    let spec = RecordingSpec {
        connector: request.connector.clone(),
        scenario: request.scenario.clone(),
        docs: request.docs.clone(),
        fault: None,
        clock: chrono::Utc::now(),
        input,
        base_url: factory
            .provider_origin(&config)
            .map_err(|error| anyhow::anyhow!("invalid {} config: {error}", request.connector))?,
        secret_keys: factory.secret_config_keys(),
    };
    let build =
        |config: &Value, recorder: Arc<dyn Recorder>| factory.build_recording(config, recorder);
    let fixture: Fixture = record_scenario(&build, &config, spec)
        .await
        .context("recording the scenario")?;
    let findings = lint_fixture(&fixture);
    if !findings.is_empty() {
        for finding in &findings {
            eprintln!("{finding}");
        }
        bail!(
            "the recording holds {} value(s) that look secret or personal; nothing was written \
             (record against an account with fake data, or scrub and add the fixture by hand)",
            findings.len()
        );
    }
    std::fs::create_dir_all(&request.out)
        .with_context(|| format!("cannot create {}", request.out.display()))?;
    let path = request.out.join(format!("{}.json", request.scenario));
    std::fs::write(
        &path,
        format!("{}\n", serde_json::to_string_pretty(&fixture)?),
    )
    .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use atsbridge_conformance::ConformanceKit;
    use atsbridge_erecruiter_sandbox::{Sandbox, SandboxConfig, SandboxSeed};

    #[tokio::test]
    async fn records_a_replayable_scrubbed_fixture_from_the_sandbox() {
        let sandbox = Sandbox::spawn(
            SandboxConfig::default(),
            SandboxSeed {
                jobs: 4,
                candidates: 8,
                seed: 11,
            },
        )
        .await
        .unwrap();
        let (api_key, mandator) = sandbox.credentials();
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("credentials.json");
        std::fs::write(
            &config,
            serde_json::json!({
                "host": sandbox.base_url(),
                "mandator_id": mandator,
                "api_key": api_key,
            })
            .to_string(),
        )
        .unwrap();
        let args: Vec<String> = [
            "--config",
            config.to_str().unwrap(),
            "--scenario",
            "sandbox_full_sync",
            "--out",
            dir.path().to_str().unwrap(),
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let request = parse_args(dir.path(), &args).unwrap();
        let path = record(&request).await.unwrap();

        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&api_key), "the API key reached the fixture");
        assert!(
            !text.contains(&sandbox.base_url()),
            "the provider URL is not scrubbed"
        );
        let fixture = Fixture::from_json(&text, "recorded").unwrap();
        assert!(
            fixture.interactions.len() > 3,
            "a full sync makes many requests"
        );
        assert!(lint_fixture(&fixture).is_empty());
        sandbox.shutdown().await.unwrap();

        // The recording replays through the kit with the provider gone.
        let kit = ConformanceKit::new(factory("erecruiter").unwrap());
        let run = kit.replay(&fixture).await.unwrap();
        run.verify_expectation().unwrap();
    }

    #[tokio::test]
    async fn unknown_connectors_are_named_with_the_known_ones() {
        let args: Vec<String> = [
            "--connector",
            "nope",
            "--config",
            "c.json",
            "--scenario",
            "s",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let request = parse_args(Path::new("."), &args).unwrap();
        let err = record(&request).await.unwrap_err().to_string();
        assert!(
            err.contains("no connector `nope`") && err.contains("erecruiter"),
            "{err}"
        );
    }

    #[test]
    fn scenario_names_must_be_file_safe() {
        let args: Vec<String> = ["--config", "c.json", "--scenario", "../escape"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let err = parse_args(Path::new("."), &args).unwrap_err();
        assert!(err.to_string().contains("file-name-safe"), "{err}");
    }
}
