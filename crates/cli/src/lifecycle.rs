//! `atsbridge integrations show|enable|disable|connect-link|relink`: the integration
//! lifecycle from the command line, the same operations the `/v1/integrations` API offers.

use anyhow::{anyhow, bail};
use atsbridge_schema::Timestamp;
use atsbridge_server::routes::connect::{Language, LinkType, link_expiry};
use atsbridge_server::{ServerConfig, connect_page_url};
use atsbridge_store::{EndUser, NewConnectLink};
use comfy_table::Table;
use comfy_table::presets::UTF8_FULL_CONDENSED;

use crate::commands::{find_environment, find_integration, open};
use crate::config::{ConfigFlags, Settings};
use crate::runtime;

/// Flags of `atsbridge integrations connect-link`.
#[derive(Debug, clap::Args)]
pub struct ConnectLinkArgs {
    /// Environment name or id the integration will belong to.
    #[arg(long)]
    pub environment: String,
    /// E-mail of the person who will connect the account.
    #[arg(long)]
    pub email: String,
    /// Their organization.
    #[arg(long)]
    pub organization: String,
    /// Your own id for the customer.
    #[arg(long)]
    pub origin_id: Option<String>,
    /// Allow only this tool (default: every connector).
    #[arg(long)]
    pub tool: Option<String>,
    /// Language of the connect page (en or de).
    #[arg(long, default_value = "en")]
    pub language: String,
    /// A link to send by e-mail (valid for a year) instead of an embedded one (an hour).
    #[arg(long)]
    pub magic_link: bool,
}

fn parse_language(text: &str) -> anyhow::Result<Language> {
    text.parse::<Language>()
        .map_err(|message| anyhow::anyhow!("--language: {message} (fr, it and es show English)"))
}

fn now() -> Timestamp {
    Timestamp::from(chrono::Utc::now())
}

/// `atsbridge integrations connect-link`.
pub async fn connect_link(flags: &ConfigFlags, args: ConnectLinkArgs) -> anyhow::Result<()> {
    let language = parse_language(&args.language)?;
    if !atsbridge_schema::email::is_plausible_email(&args.email) {
        bail!("--email `{}` is not an e-mail address", args.email);
    }
    if args.organization.trim().is_empty() {
        bail!("--organization must not be empty");
    }
    if let Some(tool) = &args.tool {
        let registry = runtime::registry()?;
        if registry.get(tool).is_none() {
            let known: Vec<_> = registry.slugs().collect();
            bail!("unknown tool `{tool}` (known: {})", known.join(", "));
        }
    }
    let settings = Settings::load(flags, None)?;
    let (_, store) = open(flags).await?;
    let environment = find_environment(store.as_ref(), &args.environment)
        .await?
        .ok_or_else(|| anyhow!("no environment `{}`", args.environment))?;
    let link_type = if args.magic_link {
        LinkType::MagicLink
    } else {
        LinkType::Embedded
    };
    let token = store
        .create_connect_link(NewConnectLink {
            environment_id: environment.id,
            relink_integration_id: None,
            tool: args.tool,
            end_user: EndUser {
                organization_name: args.organization.trim().to_owned(),
                creator_email: Some(args.email),
                origin_id: args.origin_id,
            },
            language: language.as_str().to_owned(),
            link_type: link_type.as_str().to_owned(),
            expires_at: link_expiry(&ServerConfig::default(), link_type, false, now()),
        })
        .await?;
    println!("{}", connect_page_url(&settings.public_url, &token));
    Ok(())
}

/// `atsbridge integrations relink`.
pub async fn relink(flags: &ConfigFlags, id: &str, language: &str) -> anyhow::Result<()> {
    let language = parse_language(language)?;
    let settings = Settings::load(flags, None)?;
    let (_, store) = open(flags).await?;
    let integration = find_integration(store.as_ref(), id).await?;
    let token = store
        .create_connect_link(NewConnectLink {
            environment_id: integration.environment_id.clone(),
            relink_integration_id: Some(integration.id.clone()),
            tool: Some(integration.tool.clone()),
            end_user: integration.end_user.clone(),
            language: language.as_str().to_owned(),
            link_type: LinkType::Embedded.as_str().to_owned(),
            expires_at: link_expiry(&ServerConfig::default(), LinkType::Embedded, true, now()),
        })
        .await?;
    println!("{}", connect_page_url(&settings.public_url, &token));
    Ok(())
}

/// `atsbridge integrations enable|disable`.
pub async fn set_enabled(flags: &ConfigFlags, id: &str, enabled: bool) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    let integration = find_integration(store.as_ref(), id).await?;
    store
        .set_integration_enabled(&integration.environment_id, &integration.id, enabled)
        .await?
        .ok_or_else(|| anyhow!("integration {id} disappeared"))?;
    if enabled {
        eprintln!("{id} is enabled: it syncs and serves again");
    } else {
        eprintln!("{id} is disabled: its runs were cancelled; data and credentials are kept");
    }
    Ok(())
}

/// `atsbridge integrations show`.
pub async fn show(flags: &ConfigFlags, id: &str) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    let integration = find_integration(store.as_ref(), id).await?;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    let end_user = &integration.end_user;
    for (key, value) in [
        ("integration", integration.id.as_str().to_owned()),
        ("tool", integration.tool.clone()),
        ("status", integration.status().as_str().to_owned()),
        ("setup", integration.setup_status.as_str().to_owned()),
        ("organization", end_user.organization_name.clone()),
        (
            "connected by",
            end_user.creator_email.clone().unwrap_or_default(),
        ),
        ("origin id", end_user.origin_id.clone().unwrap_or_default()),
        ("created", integration.created_at.to_wire_string()),
    ] {
        table.add_row(vec![key.to_owned(), value]);
    }
    println!("{table}");
    let mut runs = Table::new();
    runs.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
        "run", "mode", "status", "started", "finished", "error",
    ]);
    for run in store.last_runs(&integration.id, 10).await? {
        runs.add_row(vec![
            run.id.to_string(),
            run.mode.as_str().to_owned(),
            run.status.as_str().to_owned(),
            run.started_at.to_wire_string(),
            run.finished_at
                .map(|t| t.to_wire_string())
                .unwrap_or_default(),
            run.error.unwrap_or_default(),
        ]);
    }
    println!("{runs}");
    Ok(())
}
