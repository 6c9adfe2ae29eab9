//! `atsbridge webhooks …` and `atsbridge api-keys …`: webhook endpoints with their delivery
//! log, and the lifecycle of API keys.

use anyhow::{anyhow, bail};
use atsbridge_store::{
    ApiKeyId, DeliveryQuery, DeliveryStatus, Environment, Store, WebhookEndpointId,
};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

use crate::commands::{find_environment, open};
use crate::config::ConfigFlags;

/// `atsbridge webhooks …`.
#[derive(Debug, clap::Subcommand)]
pub enum WebhooksCommand {
    /// Add an endpoint to an environment; its signing secret is printed once.
    Add {
        /// Environment name or id.
        #[arg(long)]
        environment: String,
        /// Where events are posted (http or https).
        #[arg(long)]
        url: String,
    },
    /// List endpoints.
    List {
        /// Only endpoints of this environment (name or id).
        #[arg(long)]
        environment: Option<String>,
    },
    /// Remove an endpoint and its delivery log.
    Remove {
        /// Environment name or id.
        #[arg(long)]
        environment: String,
        /// Endpoint id (`whep_…`).
        endpoint: String,
    },
    /// Show the delivery log, newest first.
    Deliveries {
        /// Only deliveries of this environment (name or id).
        #[arg(long)]
        environment: Option<String>,
        /// Only deliveries to this endpoint.
        #[arg(long)]
        endpoint: Option<String>,
        /// Only `pending`, `delivered` or `failed` deliveries.
        #[arg(long)]
        status: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

/// `atsbridge api-keys …`.
#[derive(Debug, clap::Subcommand)]
pub enum ApiKeysCommand {
    /// Create an API key for an environment; the key is printed once and stored hashed.
    Create {
        /// Environment name or id.
        #[arg(long)]
        environment: String,
        /// A label to recognise the key by.
        #[arg(long, default_value = "cli")]
        label: String,
    },
    /// List an environment's keys: label, creation and last use (never the secret).
    List {
        /// Environment name or id.
        #[arg(long)]
        environment: String,
    },
    /// Revoke a key: requests with it fail at once, on every instance.
    Revoke {
        /// Environment name or id.
        #[arg(long)]
        environment: String,
        /// Key id (from `api-keys list`).
        key: String,
    },
    /// Replace a key by a new one with the same label (printed once) and revoke the old one,
    /// in one step.
    Rotate {
        /// Environment name or id.
        #[arg(long)]
        environment: String,
        /// Key id (from `api-keys list`).
        key: String,
    },
}

async fn environment(store: &dyn Store, name_or_id: &str) -> anyhow::Result<Environment> {
    find_environment(store, name_or_id)
        .await?
        .ok_or_else(|| anyhow!("no environment `{name_or_id}` (see `atsbridge environments list`)"))
}

async fn optional_environment(
    store: &dyn Store,
    name_or_id: Option<&str>,
) -> anyhow::Result<Option<Environment>> {
    match name_or_id {
        Some(name) => Ok(Some(environment(store, name).await?)),
        None => Ok(None),
    }
}

/// Runs `atsbridge webhooks …`.
pub async fn webhooks(flags: &ConfigFlags, command: WebhooksCommand) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    let store = store.as_ref();
    match command {
        WebhooksCommand::Add {
            environment: env,
            url,
        } => {
            let env = environment(store, &env).await?;
            let added = store.add_webhook_endpoint(&env.id, &url).await?;
            println!("{}", added.secret);
            eprintln!(
                "added endpoint {} for {}; the signing secret above is shown once",
                added.endpoint.id, env.name
            );
        }
        WebhooksCommand::List { environment: env } => {
            let env = optional_environment(store, env.as_deref()).await?;
            let mut table = Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
                "id",
                "environment",
                "url",
                "created",
            ]);
            for endpoint in store
                .list_webhook_endpoints(env.as_ref().map(|e| &e.id))
                .await?
            {
                table.add_row(vec![
                    endpoint.id.to_string(),
                    endpoint.environment_id.to_string(),
                    endpoint.url,
                    endpoint.created_at.to_string(),
                ]);
            }
            println!("{table}");
        }
        WebhooksCommand::Remove {
            environment: env,
            endpoint,
        } => {
            let env = environment(store, &env).await?;
            let id = WebhookEndpointId::new(endpoint.as_str());
            if !store.remove_webhook_endpoint(&env.id, &id).await? {
                bail!(
                    "no endpoint `{endpoint}` in {} (see `atsbridge webhooks list`)",
                    env.name
                );
            }
            eprintln!("removed endpoint {endpoint}");
        }
        WebhooksCommand::Deliveries {
            environment: env,
            endpoint,
            status,
            limit,
        } => {
            let env = optional_environment(store, env.as_deref()).await?;
            let status = status
                .map(|s| {
                    DeliveryStatus::parse(s.trim()).ok_or_else(|| {
                        anyhow!("unknown status `{s}`: use pending, delivered or failed")
                    })
                })
                .transpose()?;
            let query = DeliveryQuery {
                environment_id: env.map(|e| e.id),
                endpoint_id: endpoint.map(WebhookEndpointId::new),
                status,
                limit,
            };
            print_deliveries(store, &query).await?;
        }
    }
    Ok(())
}

async fn print_deliveries(store: &dyn Store, query: &DeliveryQuery) -> anyhow::Result<()> {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
        "event",
        "type",
        "endpoint",
        "status",
        "attempts",
        "http",
        "next attempt / delivered",
        "last error",
    ]);
    for d in store.list_webhook_deliveries(query).await? {
        let when = match d.status {
            DeliveryStatus::Pending => d.next_attempt_at.to_string(),
            DeliveryStatus::Delivered => d.delivered_at.map(|t| t.to_string()).unwrap_or_default(),
            DeliveryStatus::Failed => String::new(),
        };
        table.add_row(vec![
            d.event_id,
            d.event_type,
            d.url,
            d.status.as_str().to_owned(),
            d.attempts.to_string(),
            d.last_http_status
                .map(|s| s.to_string())
                .unwrap_or_default(),
            when,
            d.last_error.unwrap_or_default(),
        ]);
    }
    println!("{table}");
    Ok(())
}

/// Runs `atsbridge api-keys …`.
pub async fn api_keys(flags: &ConfigFlags, command: ApiKeysCommand) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    let store = store.as_ref();
    match command {
        ApiKeysCommand::Create {
            environment: env,
            label,
        } => {
            let env = environment(store, &env).await?;
            let key = store.create_api_key(&env.id, &label).await?;
            println!("{}", key.secret);
            eprintln!(
                "created key {}; it is shown once, atsbridge stores only its hash",
                key.id
            );
        }
        ApiKeysCommand::List { environment: env } => {
            let env = environment(store, &env).await?;
            let mut table = Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
                "id",
                "label",
                "created",
                "last used",
            ]);
            for key in store.list_api_keys(&env.id).await? {
                table.add_row(vec![
                    key.id.to_string(),
                    key.label,
                    key.created_at.to_string(),
                    key.last_used_at
                        .map_or_else(|| "never".to_owned(), |t| t.to_string()),
                ]);
            }
            println!("{table}");
        }
        ApiKeysCommand::Revoke {
            environment: env,
            key,
        } => {
            let env = environment(store, &env).await?;
            if !store
                .revoke_api_key(&env.id, &ApiKeyId::new(key.as_str()))
                .await?
            {
                bail!(
                    "no key `{key}` in {} (see `atsbridge api-keys list`)",
                    env.name
                );
            }
            eprintln!("revoked {key}");
        }
        ApiKeysCommand::Rotate {
            environment: env,
            key,
        } => {
            let env = environment(store, &env).await?;
            let rotated = store
                .rotate_api_key(&env.id, &ApiKeyId::new(key.as_str()))
                .await?
                .ok_or_else(|| {
                    anyhow!(
                        "no key `{key}` in {} (see `atsbridge api-keys list`)",
                        env.name
                    )
                })?;
            println!("{}", rotated.secret);
            eprintln!(
                "revoked {key}; its replacement {} is shown once",
                rotated.id
            );
        }
    }
    Ok(())
}
