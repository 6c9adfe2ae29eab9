//! The commands that work on a configured database: serve, sync, check, integrations,
//! environments, keys and coverage.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, anyhow, bail};
use atsbridge_connector::{Context, ModelAccess, render_coverage_markdown};
use atsbridge_server::ServerConfig;
use atsbridge_store::{
    Environment, EnvironmentId, Integration, IntegrationId, IntegrationSettings, NewIntegration,
    RunStatus, Store, SyncMode,
};
use atsbridge_sync::SyncError;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use tokio_util::sync::CancellationToken;

use crate::config::{ConfigFlags, Settings};
use crate::runtime::{self, ServeOptions};

/// Flags of `atsbridge integrations add`.
#[derive(Debug, clap::Args)]
pub struct AddIntegrationArgs {
    /// Environment name or id (created when a name is given that does not exist yet).
    #[arg(long, default_value = "default")]
    pub environment: String,
    /// Connector slug, e.g. `erecruiter` (see `atsbridge coverage`).
    #[arg(long)]
    pub tool: String,
    /// A JSON file with the connector's credentials and settings.
    #[arg(long)]
    pub credentials_file: Option<PathBuf>,
    /// A non-secret credential field, `key=value` (repeatable), e.g. `host=acme.erecruiter.net`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// A credential field read from an environment variable, `key=VAR` (repeatable), so
    /// secrets stay out of shell history, e.g. `api_key=ERECRUITER_API_KEY`.
    #[arg(long = "set-from-env", value_name = "KEY=VAR")]
    pub set_from_env: Vec<String>,
    /// Serve every application, not only those created through the API (the default is to
    /// serve only created ones, Kombo's "sync only created applications").
    #[arg(long)]
    pub sync_all_applications: bool,
    /// Source name written on applications created through the API when a request names none.
    #[arg(long)]
    pub default_source: Option<String>,
    /// A label for the connected account (shown in `integrations list`).
    #[arg(long)]
    pub label: Option<String>,
}

/// Loads the settings and opens the configured store.
pub(crate) async fn open(flags: &ConfigFlags) -> anyhow::Result<(Settings, Arc<dyn Store>)> {
    let settings = Settings::load(flags, None)?;
    let key = settings.require_secret_key()?;
    let store = runtime::open_store(&settings.database, key, &settings.store).await?;
    Ok((settings, store))
}

/// Finds an environment by id or name.
pub(crate) async fn find_environment(
    store: &dyn Store,
    name_or_id: &str,
) -> anyhow::Result<Option<Environment>> {
    let all = store.list_environments().await?;
    Ok(all
        .into_iter()
        .find(|env| env.id.as_str() == name_or_id || env.name == name_or_id))
}

/// Finds an integration by id, with an error that says where to look.
pub(crate) async fn find_integration(store: &dyn Store, id: &str) -> anyhow::Result<Integration> {
    store
        .find_integration(&IntegrationId::new(id))
        .await?
        .ok_or_else(|| anyhow!("no integration `{id}` (see `atsbridge integrations list`)"))
}

/// `atsbridge serve`.
pub async fn serve(flags: &ConfigFlags, listen: Option<SocketAddr>) -> anyhow::Result<()> {
    let settings = Settings::load(flags, listen)?;
    let key = settings.require_secret_key()?;
    let store = runtime::open_store(&settings.database, key.clone(), &settings.store).await?;
    runtime::close_interrupted_runs(store.as_ref()).await?;
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    eprintln!("atsbridge API on http://{}/v1", settings.listen);
    eprintln!("operator dashboard on http://{}/dashboard", settings.listen);
    let config = ServerConfig {
        body_limit: settings.body_limit_bytes,
        allow_private_data_urls: settings.allow_private_data_urls,
        dashboard: settings.dashboard(&key)?,
        public_url: settings.public_url.clone(),
        ..ServerConfig::default()
    };
    runtime::serve_api(
        store,
        runtime::registry()?,
        ServeOptions {
            listener,
            config,
            schedule_all: settings.scheduler,
            webhooks: atsbridge_webhooks::WorkerConfig {
                allow_private_addresses: settings.allow_private_webhook_urls,
                ..atsbridge_webhooks::WorkerConfig::default()
            },
        },
        CancellationToken::new(),
    )
    .await
}

/// `atsbridge sync`.
pub async fn sync(flags: &ConfigFlags, integration: &str, delta: bool) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    let integration = find_integration(store.as_ref(), integration).await?;
    let mode = if delta {
        SyncMode::Delta
    } else {
        SyncMode::Full
    };
    let lease = store.run_lease();
    let summary =
        runtime::sync_with_progress(store, &runtime::registry()?, &integration, mode, true)
            .await
            .map_err(|error| explain_run_in_progress(error, lease))?;
    println!("{}", runtime::summary_table(&summary));
    Ok(())
}

/// Rewrites the store's refusal to start a second run of an integration into a message that
/// names the other run and says how a stale one gets closed; other errors pass unchanged.
fn explain_run_in_progress(error: anyhow::Error, lease: std::time::Duration) -> anyhow::Error {
    match error.downcast_ref::<SyncError>() {
        Some(SyncError::RunInProgress {
            integration_id,
            run_id,
            status,
            since,
            ..
        }) => {
            let when = if *status == RunStatus::Queued {
                "queued"
            } else {
                "started"
            };
            anyhow!(
                "cannot sync {integration_id}: sync run {run_id} of this integration is already \
                 {status} ({when} {since}), by `atsbridge serve` or another `atsbridge sync`; only \
                 one run per integration may be in progress. Wait for it to finish. If the \
                 process running it was killed, its lease expires within {lease} s of its last \
                 heartbeat; after that the next run of this integration (this command, run \
                 again) closes it as failed.",
                lease = lease.as_secs(),
                status = status.as_str()
            )
        }
        _ => error,
    }
}

/// `atsbridge check`.
pub async fn check(flags: &ConfigFlags, integration: &str) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    let integration = find_integration(store.as_ref(), integration).await?;
    let credentials = store.integration_credentials(&integration.id).await?;
    let connector = runtime::registry()?
        .build(&integration.tool, &credentials)
        .with_context(|| format!("building the {} connector", integration.tool))?;
    let report = connector
        .check(&Context::new(integration.id.as_str()))
        .await
        .with_context(|| format!("checking {}", integration.id))?;
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_header(vec!["model", "access", "detail"]);
    let mut denied = 0;
    for (model, access) in &report.models {
        let (label, detail) = match access {
            ModelAccess::Granted => ("granted", String::new()),
            ModelAccess::Denied { reason } => {
                denied += 1;
                ("denied", reason.clone())
            }
            ModelAccess::Unknown { reason } => ("unknown", reason.clone()),
        };
        table.add_row(vec![model.as_str().to_owned(), label.to_owned(), detail]);
    }
    println!("{table}");
    for warning in &report.warnings {
        println!("warning: {warning}");
    }
    if denied > 0 {
        bail!("{denied} model(s) are not accessible with these credentials");
    }
    Ok(())
}

fn parse_pair(raw: &str, flag: &str) -> anyhow::Result<(String, String)> {
    let (key, value) = raw
        .split_once('=')
        .ok_or_else(|| anyhow!("{flag} expects KEY=VALUE, got `{raw}`"))?;
    let key = key.trim();
    if key.is_empty() {
        bail!("{flag} expects KEY=VALUE with a non-empty key, got `{raw}`");
    }
    Ok((key.to_owned(), value.to_owned()))
}

/// Builds the credentials JSON from a file, `--set` and `--set-from-env`.
fn credentials_from(args: &AddIntegrationArgs) -> anyhow::Result<serde_json::Value> {
    let mut object = match &args.credentials_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            match serde_json::from_str::<serde_json::Value>(&text)
                .with_context(|| format!("{} is not valid JSON", path.display()))?
            {
                serde_json::Value::Object(map) => map,
                _ => bail!("{} must hold a JSON object", path.display()),
            }
        }
        None => serde_json::Map::new(),
    };
    for raw in &args.set {
        let (key, value) = parse_pair(raw, "--set")?;
        object.insert(key, serde_json::Value::String(value));
    }
    for raw in &args.set_from_env {
        let (key, var) = parse_pair(raw, "--set-from-env")?;
        let value = std::env::var(&var).map_err(|_| {
            anyhow!("--set-from-env {key}={var}: environment variable {var} is not set")
        })?;
        object.insert(key, serde_json::Value::String(value));
    }
    Ok(serde_json::Value::Object(object))
}

/// `atsbridge integrations add`.
pub async fn add_integration(flags: &ConfigFlags, args: AddIntegrationArgs) -> anyhow::Result<()> {
    let registry = runtime::registry()?;
    if registry.get(&args.tool).is_none() {
        let known: Vec<_> = registry.slugs().collect();
        bail!("unknown tool `{}` (known: {})", args.tool, known.join(", "));
    }
    let credentials = credentials_from(&args)?;
    // Validate before storing: a config the connector refuses never reaches the database.
    registry
        .build(&args.tool, &credentials)
        .with_context(|| format!("invalid {} credentials", args.tool))?;
    let (_, store) = open(flags).await?;
    let environment = match find_environment(store.as_ref(), &args.environment).await? {
        Some(env) => env,
        None => store.create_environment(&args.environment).await?,
    };
    let integration = store
        .create_integration(NewIntegration {
            environment_id: environment.id.clone(),
            tool: args.tool.clone(),
            remote_label: args.label.clone(),
            credentials,
            settings: IntegrationSettings {
                sync_only_created_applications: !args.sync_all_applications,
                default_source_name: args.default_source.clone(),
                ..IntegrationSettings::default()
            },
            end_user: None,
            setup_status: atsbridge_store::SetupStatus::FinalSyncPending,
        })
        .await?;
    println!("{}", integration.id.as_str());
    eprintln!(
        "added to environment `{}`; run `atsbridge sync --integration {}` for the first sync",
        environment.name,
        integration.id.as_str()
    );
    Ok(())
}

/// `atsbridge integrations list`.
pub async fn list_integrations(
    flags: &ConfigFlags,
    environment: Option<&str>,
) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    let env_id: Option<EnvironmentId> = match environment {
        Some(name) => Some(
            find_environment(store.as_ref(), name)
                .await?
                .ok_or_else(|| anyhow!("no environment `{name}`"))?
                .id,
        ),
        None => None,
    };
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
        "integration",
        "environment",
        "label",
        "only created applications",
        "last sync",
    ]);
    for integration in store.list_integrations(env_id.as_ref()).await? {
        let last = store
            .last_runs(&integration.id, 1)
            .await?
            .into_iter()
            .next()
            .map(|run| format!("{} ({})", run.status.as_str(), run.started_at))
            .unwrap_or_else(|| "never".to_owned());
        table.add_row(vec![
            integration.id.as_str().to_owned(),
            integration.environment_id.as_str().to_owned(),
            integration.remote_label.clone().unwrap_or_default(),
            integration
                .settings
                .sync_only_created_applications
                .to_string(),
            last,
        ]);
    }
    println!("{table}");
    Ok(())
}

/// `atsbridge integrations remove`.
pub async fn remove_integration(flags: &ConfigFlags, id: &str) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    let integration = find_integration(store.as_ref(), id).await?;
    store
        .remove_integration(&integration.environment_id, &integration.id)
        .await?;
    eprintln!("removed {id} and its records");
    Ok(())
}

/// `atsbridge environments add`.
pub async fn add_environment(flags: &ConfigFlags, name: &str) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    if find_environment(store.as_ref(), name).await?.is_some() {
        bail!("an environment `{name}` exists already");
    }
    let env = store.create_environment(name).await?;
    println!("{}", env.id.as_str());
    Ok(())
}

/// `atsbridge environments list`.
pub async fn list_environments(flags: &ConfigFlags) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_header(vec!["id", "name", "created"]);
    for env in store.list_environments().await? {
        table.add_row(vec![
            env.id.as_str().to_owned(),
            env.name,
            env.created_at.to_string(),
        ]);
    }
    println!("{table}");
    Ok(())
}

/// `atsbridge admin-token`: a new dashboard admin token, printed once; the store keeps only
/// its hash, and the token it replaces (and every session signed in with it) stops working.
pub async fn admin_token(flags: &ConfigFlags) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    let token = atsbridge_server::dashboard::session::generate_token();
    store
        .set_admin_token_hash(&atsbridge_server::dashboard::session::hash_token(&token))
        .await
        .context("storing the admin token's hash")?;
    println!("{token}");
    eprintln!(
        "this admin token is shown once; atsbridge stores only its hash. Sign in at \
         http://<listen address>/dashboard"
    );
    Ok(())
}

/// `atsbridge coverage`.
pub fn coverage(tool: Option<&str>, markdown: bool) -> anyhow::Result<()> {
    let registry = runtime::registry()?;
    let factories: Vec<_> = match tool {
        Some(slug) => vec![registry.get(slug).cloned().ok_or_else(|| {
            let known: Vec<_> = registry.slugs().collect();
            anyhow!("unknown tool `{slug}` (known: {})", known.join(", "))
        })?],
        None => registry.iter().cloned().collect(),
    };
    for factory in factories {
        let info = factory.info();
        let coverage = factory.coverage();
        if markdown {
            println!("{}", render_coverage_markdown(&info, &coverage));
            continue;
        }
        println!("{} ({})", info.display_name, info.slug);
        let mut models = Table::new();
        models
            .load_preset(UTF8_FULL_CONDENSED)
            .set_header(vec!["model", "fields"]);
        for model in &coverage.models {
            let fields: Vec<_> = model.fields.iter().map(|f| f.name.as_str()).collect();
            models.add_row(vec![model.title.clone(), fields.join(", ")]);
        }
        println!("{models}");
        let mut actions = Table::new();
        actions
            .load_preset(UTF8_FULL_CONDENSED)
            .set_header(vec!["action", "input fields"]);
        for action in &coverage.actions {
            let fields: Vec<_> = action
                .input_fields
                .iter()
                .map(|f| f.name.as_str())
                .collect();
            actions.add_row(vec![action.title.clone(), fields.join(", ")]);
        }
        println!("{actions}");
        let mut features = Table::new();
        features
            .load_preset(UTF8_FULL_CONDENSED)
            .set_header(vec!["feature", "notes"]);
        for feature in &coverage.features {
            features.add_row(vec![
                feature.feature.title().to_owned(),
                feature.notes.clone().unwrap_or_default(),
            ]);
        }
        println!("{features}");
    }
    Ok(())
}

/// `atsbridge store copy --from <database> --to <database>`.
pub async fn copy_store(flags: &ConfigFlags, from: &str, to: &str) -> anyhow::Result<()> {
    let settings = Settings::load(flags, None)?;
    let key = settings.require_secret_key()?;
    if !atsbridge_store::is_postgres_url(from) && !Path::new(from).is_file() {
        bail!("no SQLite database at {from} to copy from");
    }
    let source = runtime::open_store(from, key.clone(), &settings.store).await?;
    let target = runtime::open_store(to, key, &settings.store).await?;
    let checks = atsbridge_store::copy_store(source.as_ref(), target.as_ref(), |table, rows| {
        eprint!("\rcopying {:<22} {rows:>10} rows", table.as_str());
    })
    .await;
    eprintln!();
    let checks = checks.context("copying the database")?;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(["table", "rows", "digest", "check"]);
    for check in &checks {
        table.add_row([
            check.table.as_str().to_owned(),
            check.target_rows.to_string(),
            check.target_digest.chars().take(16).collect(),
            if check.matches() { "ok" } else { "MISMATCH" }.to_owned(),
        ]);
    }
    println!("{table}");
    println!(
        "copied {} into {}",
        atsbridge_store::describe_database(from),
        atsbridge_store::describe_database(to)
    );
    Ok(())
}
