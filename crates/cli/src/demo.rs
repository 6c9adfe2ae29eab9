//! `atsbridge demo`: a seeded sandbox of the chosen tool (eRecruiter or Greenhouse), an
//! integration pointing at it, the first sync and the API on localhost, with nothing to
//! configure.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use atsbridge_erecruiter_sandbox::{Sandbox, SandboxConfig, SandboxSeed};
use atsbridge_server::ServerConfig;
use atsbridge_server::dashboard::session::generate_token;
use atsbridge_server::dashboard::{AdminToken, DashboardConfig, SessionKey};
use atsbridge_store::{IntegrationSettings, NewIntegration, SecretKey, SyncMode};
use tokio_util::sync::CancellationToken;

use crate::runtime::{self, ServeOptions};

/// The tools the demo can run against, each with its own sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoTool {
    /// eRecruiter (API key and mandator).
    Erecruiter,
    /// Greenhouse Harvest v3 (OAuth client credentials).
    Greenhouse,
}

/// A running sandbox of either tool.
enum DemoSandbox {
    Erecruiter(atsbridge_erecruiter_sandbox::SandboxHandle),
    Greenhouse(atsbridge_greenhouse_sandbox::SandboxHandle),
}

impl DemoSandbox {
    async fn spawn(
        tool: DemoTool,
        jobs: usize,
        candidates: usize,
        seed: u64,
    ) -> anyhow::Result<DemoSandbox> {
        Ok(match tool {
            DemoTool::Erecruiter => DemoSandbox::Erecruiter(
                Sandbox::spawn(
                    SandboxConfig::default(),
                    SandboxSeed {
                        jobs,
                        candidates,
                        seed,
                    },
                )
                .await
                .context("starting the eRecruiter sandbox")?,
            ),
            DemoTool::Greenhouse => DemoSandbox::Greenhouse(
                atsbridge_greenhouse_sandbox::Sandbox::spawn(
                    atsbridge_greenhouse_sandbox::SandboxConfig::default(),
                    atsbridge_greenhouse_sandbox::SandboxSeed {
                        jobs,
                        candidates,
                        seed,
                    },
                )
                .await
                .context("starting the Greenhouse sandbox")?,
            ),
        })
    }

    /// `(tool slug, label, credentials)` of an integration pointing at the sandbox.
    fn integration(&self) -> (&'static str, &'static str, serde_json::Value) {
        match self {
            DemoSandbox::Erecruiter(sandbox) => {
                let (key, mandator_id) = sandbox.credentials();
                let credentials = serde_json::json!({
                    "host": sandbox.base_url(),
                    "mandator_id": mandator_id,
                    "api_key": key,
                    "default_source_name": "atsbridge",
                    // The sandbox is local: no need for the polite limits a real tenant gets.
                    "max_concurrent_requests": 16,
                    "requests_per_second": 1000,
                });
                ("erecruiter", "eRecruiter sandbox", credentials)
            }
            DemoSandbox::Greenhouse(sandbox) => {
                let (client_id, client_secret) = sandbox.credentials();
                let credentials = serde_json::json!({
                    "client_id": client_id,
                    "client_secret": client_secret,
                    "harvest_url": sandbox.base_url(),
                    "token_url": format!("{}/token", sandbox.base_url()),
                    "per_page": 500,
                });
                ("greenhouse", "Greenhouse sandbox", credentials)
            }
        }
    }

    fn base_url(&self) -> String {
        match self {
            DemoSandbox::Erecruiter(sandbox) => sandbox.base_url(),
            DemoSandbox::Greenhouse(sandbox) => sandbox.base_url(),
        }
    }

    async fn shutdown(self) -> anyhow::Result<()> {
        match self {
            DemoSandbox::Erecruiter(sandbox) => sandbox.shutdown().await?,
            DemoSandbox::Greenhouse(sandbox) => sandbox.shutdown().await,
        }
        Ok(())
    }
}

/// Flags of `atsbridge demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// The tool whose sandbox the demo syncs.
    #[arg(long, value_enum, default_value = "erecruiter")]
    tool: DemoTool,
    /// Where the API listens.
    #[arg(long, default_value = "127.0.0.1:3000")]
    listen: SocketAddr,
    /// The API key to accept (default: a random one, printed at start).
    #[arg(long)]
    api_key: Option<String>,
    /// Number of candidates in the seeded account.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    candidates: u32,
    /// Number of jobs (default: one per ten candidates, at least 6).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    jobs: Option<u32>,
    /// Seed of the generated account (same seed, same data).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Keep the database here instead of a temporary directory removed on exit.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Write `{api_key, integration_id, server_url}` as JSON to this file once the API is up.
    #[arg(long)]
    info_file: Option<PathBuf>,
}

/// Runs the demo until Ctrl-C.
pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    if let Some(key) = &args.api_key
        && key.trim().len() < 8
    {
        bail!("--api-key must be at least 8 characters");
    }
    // Bind first: a busy port should fail before anything else starts.
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {} (try --listen 127.0.0.1:0)",
                args.listen
            )
        })?;
    let local = listener
        .local_addr()
        .context("reading the listen address")?;

    let candidates = args.candidates as usize;
    let jobs = args.jobs.map_or((candidates / 10).max(6), |j| j as usize);
    let sandbox = DemoSandbox::spawn(args.tool, jobs, candidates, args.seed).await?;
    let (tool, label, credentials) = sandbox.integration();
    // What a customer would type on the connect page for this sandbox.
    let connect_fields = credentials.clone();
    eprintln!(
        "{label} on {} ({jobs} jobs, {candidates} candidates)",
        sandbox.base_url()
    );

    let (_tempdir, data_dir) = match &args.data_dir {
        Some(dir) => (None, dir.clone()),
        None => {
            let dir = tempfile::Builder::new()
                .prefix("atsbridge-demo-")
                .tempdir()
                .context("creating a temporary directory")?;
            let path = dir.path().to_path_buf();
            (Some(dir), path)
        }
    };
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let db_path = data_dir.join("atsbridge-demo.db");
    if db_path.exists() {
        std::fs::remove_file(&db_path).with_context(|| {
            format!("cannot replace the old demo database {}", db_path.display())
        })?;
    }
    // The configured key when there is one (so the kept database can be opened later, e.g.
    // by `atsbridge store copy`), else a throw-away key.
    let key = match std::env::var(crate::config::ENV_SECRET_KEY) {
        Ok(encoded) if !encoded.trim().is_empty() => SecretKey::from_base64(encoded.trim())
            .with_context(|| {
                format!(
                    "{} is not a valid base64 32-byte key",
                    crate::config::ENV_SECRET_KEY
                )
            })?,
        _ => SecretKey::generate(),
    };
    let session_key =
        SessionKey::from_bytes(key.derive_key(crate::config::DASHBOARD_SESSION_PURPOSE));
    let store = runtime::open_store(
        &db_path.to_string_lossy(),
        key,
        &atsbridge_store::StoreOptions {
            // Links in webhook payloads point at this demo's own address.
            links: atsbridge_store::EventLinks {
                public_url: url::Url::parse(&format!("http://{local}")).ok(),
            },
            ..atsbridge_store::StoreOptions::default()
        },
    )
    .await?;
    let environment = store.create_environment("demo").await?;
    let api_key = match &args.api_key {
        Some(key) => {
            store
                .import_api_key(&environment.id, "demo", key.trim())
                .await?;
            key.trim().to_owned()
        }
        None => store.create_api_key(&environment.id, "demo").await?.secret,
    };
    let integration = store
        .create_integration(NewIntegration {
            environment_id: environment.id.clone(),
            tool: tool.to_owned(),
            remote_label: Some(label.to_owned()),
            credentials,
            settings: IntegrationSettings {
                // The demo serves the seeded applications too; new integrations default to
                // serving only applications created through the API.
                sync_only_created_applications: false,
                default_source_name: Some("atsbridge".to_owned()),
                ..IntegrationSettings::default()
            },
            end_user: None,
            setup_status: atsbridge_store::SetupStatus::FinalSyncPending,
        })
        .await?;

    let registry = runtime::registry()?;
    let summary =
        runtime::sync_with_progress(store.clone(), &registry, &integration, SyncMode::Full, true)
            .await?;
    eprintln!("{}", runtime::summary_table(&summary));

    // The configured admin token when there is one, else a new one for this demo.
    let admin_token = std::env::var(crate::config::ENV_ADMIN_TOKEN)
        .ok()
        .filter(|t| !t.trim().is_empty())
        .map_or_else(generate_token, |t| t.trim().to_owned());
    let dashboard = DashboardConfig {
        admin_token: Some(
            AdminToken::new(&admin_token)
                .with_context(|| format!("{} is not usable", crate::config::ENV_ADMIN_TOKEN))?,
        ),
        session_key,
        ..DashboardConfig::default()
    };

    let server_url = format!("http://{local}/v1");
    let id = integration.id.as_str();
    println!();
    println!("atsbridge demo is serving {server_url}");
    println!("  API key:        {api_key}");
    println!("  integration id: {id}");
    println!("  dashboard:      http://{local}/dashboard (admin token: {admin_token})");
    println!();
    println!("Try:");
    println!("  curl -s {server_url}/check-api-key -H 'Authorization: Bearer {api_key}'");
    println!(
        "  curl -s '{server_url}/ats/jobs?page_size=2' -H 'Authorization: Bearer {api_key}' -H 'X-Integration-Id: {id}'"
    );
    println!(
        "  curl -s '{server_url}/ats/applications?page_size=5' -H 'Authorization: Bearer {api_key}' -H 'X-Integration-Id: {id}'"
    );
    println!(
        "  python: Kombo(api_key=\"{api_key}\", integration_id=\"{id}\", server_url=\"{server_url}\")"
    );
    println!(
        "  connect link:   curl -s {server_url}/connect/create-link -H 'Authorization: Bearer {api_key}' -H 'Content-Type: application/json' -d '{{\"end_user_email\":\"it@acme.example\",\"end_user_organization_name\":\"ACME\",\"integration_category\":\"ATS\",\"integration_tool\":\"{tool}\"}}'"
    );
    println!("  (on the connect page, the sandbox's credentials: {connect_fields})");
    println!();
    println!("Press Ctrl-C to stop.");
    if let Some(path) = &args.info_file {
        let info = serde_json::json!({
            "api_key": api_key,
            "integration_id": id,
            "server_url": server_url,
            "dashboard_url": format!("http://{local}/dashboard"),
            "admin_token": admin_token,
            "sandbox": connect_fields,
        });
        std::fs::write(path, serde_json::to_vec_pretty(&info)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }

    let config = ServerConfig {
        dashboard,
        public_url: format!("http://{local}"),
        ..ServerConfig::default()
    };
    let result = runtime::serve_api(
        store,
        registry,
        ServeOptions {
            listener,
            config,
            schedule_all: false,
            // The demo is local by nature: receivers on this machine are fine.
            webhooks: atsbridge_webhooks::WorkerConfig {
                allow_private_addresses: true,
                ..atsbridge_webhooks::WorkerConfig::default()
            },
        },
        CancellationToken::new(),
    )
    .await;
    if let Err(err) = sandbox.shutdown().await {
        tracing::warn!(error = %err, "the sandbox did not stop cleanly");
    }
    eprintln!("stopped");
    result
}
