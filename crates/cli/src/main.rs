//! `atsbridge`: the command-line interface of the self-hostable unified ATS API.
//!
//! `atsbridge demo` needs no configuration: it starts a seeded eRecruiter sandbox, stores an
//! integration, runs the first sync and serves the Kombo-compatible API. The other commands
//! work on a configured database (see [`config`]).

mod commands;
mod config;
mod demo;
mod fields;
mod lifecycle;
mod runtime;
mod webhooks;

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::ConfigFlags;

/// Self-hostable unified ATS API, wire-compatible with Kombo's `/v1/ats`.
#[derive(Debug, Parser)]
#[command(name = "atsbridge", version, about, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    config: ConfigFlags,
    /// Log filter (tracing `EnvFilter` syntax), e.g. `info` or `atsbridge_http=debug`.
    #[arg(long, global = true, env = "ATSBRIDGE_LOG", default_value = "warn")]
    log: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start a seeded eRecruiter sandbox, sync it and serve the API (no configuration needed).
    Demo(demo::DemoArgs),
    /// Serve the API from the configured database, syncing integrations on their schedule.
    Serve {
        /// Listen address (overrides config and $ATSBRIDGE_LISTEN).
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Run one sync of an integration now and print a summary.
    Sync {
        /// Integration id, e.g. `erecruiter:...`.
        #[arg(long)]
        integration: String,
        /// Run a delta sync instead of a full one (connectors without delta support run full).
        #[arg(long)]
        delta: bool,
    },
    /// Test an integration's credentials and print the access per model.
    Check {
        /// Integration id.
        #[arg(long)]
        integration: String,
    },
    /// Manage integrations.
    #[command(subcommand)]
    Integrations(IntegrationsCommand),
    /// Provider fields a sync discovered for an integration, and whether records list them.
    #[command(subcommand, name = "integration-fields")]
    IntegrationFields(IntegrationFieldsCommand),
    /// Unified `custom_fields` keys of an integration and the provider fields they carry.
    #[command(subcommand, name = "custom-fields")]
    CustomFields(CustomFieldsCommand),
    /// Manage environments (they own API keys and integrations).
    #[command(subcommand)]
    Environments(EnvironmentsCommand),
    /// Manage API keys: create, list, revoke, rotate.
    #[command(subcommand, name = "api-keys", alias = "keys")]
    ApiKeys(webhooks::ApiKeysCommand),
    /// Manage webhook endpoints and read the delivery log.
    #[command(subcommand)]
    Webhooks(webhooks::WebhooksCommand),
    /// Print what a connector covers: models and fields, actions and input fields, features.
    Coverage {
        /// Only this connector (tool slug). Default: every registered connector.
        #[arg(long)]
        tool: Option<String>,
        /// Print the generated Markdown page instead of a table.
        #[arg(long)]
        markdown: bool,
    },
    /// Print a new random secret key for $ATSBRIDGE_SECRET_KEY.
    SecretKey,
    /// Create the operator dashboard's admin token: printed once, stored as a hash. Running it
    /// again replaces the token and ends every dashboard session.
    AdminToken,
    /// Work on whole databases.
    #[command(subcommand)]
    Store(StoreCommand),
}

#[derive(Debug, Subcommand)]
enum StoreCommand {
    /// Copy everything from one database into a new, empty one (e.g. SQLite into
    /// PostgreSQL), then check counts and content digests of every table. Both use the
    /// configured secret key: credentials move sealed.
    Copy {
        /// The database to copy from: a SQLite file path (must exist) or `postgres://…`.
        #[arg(long)]
        from: String,
        /// The database to copy into: `postgres://…` or a SQLite file path. Must be empty.
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
enum IntegrationsCommand {
    /// Add an integration to an environment.
    Add(commands::AddIntegrationArgs),
    /// List integrations.
    List {
        /// Only integrations of this environment (name or id).
        #[arg(long)]
        environment: Option<String>,
    },
    /// Remove an integration and every record synced for it.
    Remove {
        /// Integration id.
        integration: String,
    },
    /// Show an integration: status, setup, end user and its last runs.
    Show {
        /// Integration id.
        integration: String,
    },
    /// Enable an integration (it syncs and serves again).
    Enable {
        /// Integration id.
        integration: String,
    },
    /// Disable an integration: it stops syncing and serving; data and credentials stay.
    Disable {
        /// Integration id.
        integration: String,
    },
    /// Print a connect link for a customer to connect an account (single use).
    ConnectLink(lifecycle::ConnectLinkArgs),
    /// Print a link that replaces the credentials of an integration (single use).
    Relink {
        /// Integration id.
        integration: String,
        /// Language of the connect page (en or de).
        #[arg(long, default_value = "en")]
        language: String,
    },
}

#[derive(Debug, Subcommand)]
enum IntegrationFieldsCommand {
    /// List the integration's provider fields with their ids and passthrough switch.
    List {
        /// Integration id.
        #[arg(long)]
        integration: String,
    },
    /// List a field in records' `integration_fields` again.
    Enable(FieldSwitchArgs),
    /// Leave a field out of records' `integration_fields`.
    Disable(FieldSwitchArgs),
}

#[derive(Debug, Args)]
struct FieldSwitchArgs {
    /// Integration id.
    #[arg(long)]
    integration: String,
    /// The field's id (see `integration-fields list`).
    #[arg(long)]
    field: String,
}

#[derive(Debug, Subcommand)]
enum CustomFieldsCommand {
    /// Define a `custom_fields` key of a model; prints its id.
    Add(fields::AddCustomFieldArgs),
    /// List the integration's custom fields and what they are mapped to.
    List {
        /// Integration id.
        #[arg(long)]
        integration: String,
    },
    /// Make a custom field carry the value of a provider field of the same model.
    Map {
        /// Integration id.
        #[arg(long)]
        integration: String,
        /// The custom field's id (see `custom-fields list`).
        #[arg(long)]
        custom_field: String,
        /// The integration field's id (see `integration-fields list`).
        #[arg(long, required_unless_present = "unmap", conflicts_with = "unmap")]
        field: Option<String>,
        /// Remove the mapping instead.
        #[arg(long)]
        unmap: bool,
    },
}

#[derive(Debug, Subcommand)]
enum EnvironmentsCommand {
    /// Create an environment.
    Add {
        /// Its name (unique).
        name: String,
    },
    /// List environments.
    List,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(err) = runtime::init_tracing(&cli.log) {
        eprintln!("error: {err:#}");
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let flags = cli.config;
    match cli.command {
        Command::Demo(args) => demo::run(args).await,
        Command::Serve { listen } => commands::serve(&flags, listen).await,
        Command::Sync { integration, delta } => commands::sync(&flags, &integration, delta).await,
        Command::Check { integration } => commands::check(&flags, &integration).await,
        Command::Integrations(IntegrationsCommand::Add(args)) => {
            commands::add_integration(&flags, args).await
        }
        Command::Integrations(IntegrationsCommand::List { environment }) => {
            commands::list_integrations(&flags, environment.as_deref()).await
        }
        Command::Integrations(IntegrationsCommand::Remove { integration }) => {
            commands::remove_integration(&flags, &integration).await
        }
        Command::Integrations(IntegrationsCommand::Show { integration }) => {
            lifecycle::show(&flags, &integration).await
        }
        Command::Integrations(IntegrationsCommand::Enable { integration }) => {
            lifecycle::set_enabled(&flags, &integration, true).await
        }
        Command::Integrations(IntegrationsCommand::Disable { integration }) => {
            lifecycle::set_enabled(&flags, &integration, false).await
        }
        Command::Integrations(IntegrationsCommand::ConnectLink(args)) => {
            lifecycle::connect_link(&flags, args).await
        }
        Command::Integrations(IntegrationsCommand::Relink {
            integration,
            language,
        }) => lifecycle::relink(&flags, &integration, &language).await,
        Command::IntegrationFields(command) => integration_fields(&flags, command).await,
        Command::CustomFields(command) => custom_fields(&flags, command).await,
        Command::Environments(EnvironmentsCommand::Add { name }) => {
            commands::add_environment(&flags, &name).await
        }
        Command::Environments(EnvironmentsCommand::List) => {
            commands::list_environments(&flags).await
        }
        Command::ApiKeys(command) => webhooks::api_keys(&flags, command).await,
        Command::Webhooks(command) => webhooks::webhooks(&flags, command).await,
        Command::Coverage { tool, markdown } => commands::coverage(tool.as_deref(), markdown),
        Command::SecretKey => {
            println!("{}", atsbridge_store::SecretKey::generate().to_base64());
            Ok(())
        }
        Command::AdminToken => commands::admin_token(&flags).await,
        Command::Store(StoreCommand::Copy { from, to }) => {
            commands::copy_store(&flags, &from, &to).await
        }
    }
}

async fn integration_fields(
    flags: &ConfigFlags,
    command: IntegrationFieldsCommand,
) -> anyhow::Result<()> {
    match command {
        IntegrationFieldsCommand::List { integration } => {
            fields::list_integration_fields(flags, &integration).await
        }
        IntegrationFieldsCommand::Enable(args) => {
            fields::set_passthrough(flags, &args.integration, &args.field, true).await
        }
        IntegrationFieldsCommand::Disable(args) => {
            fields::set_passthrough(flags, &args.integration, &args.field, false).await
        }
    }
}

async fn custom_fields(flags: &ConfigFlags, command: CustomFieldsCommand) -> anyhow::Result<()> {
    match command {
        CustomFieldsCommand::Add(args) => fields::add_custom_field(flags, args).await,
        CustomFieldsCommand::List { integration } => {
            fields::list_custom_fields(flags, &integration).await
        }
        CustomFieldsCommand::Map {
            integration,
            custom_field,
            field,
            unmap: _,
        } => fields::map_custom_field(flags, &integration, &custom_field, field.as_deref()).await,
    }
}
