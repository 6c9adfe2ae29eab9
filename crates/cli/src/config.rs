//! Configuration for `atsbridge serve`, `sync`, `check` and `integrations`: a TOML file,
//! overridden by environment variables, overridden by flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use atsbridge_server::dashboard::{AdminToken, DashboardConfig, SessionKey};
use atsbridge_store::{SecretKey, StoreOptions};
use serde::Deserialize;

/// Environment variable naming the configuration file.
pub const ENV_CONFIG: &str = "ATSBRIDGE_CONFIG";
/// Environment variable with the database path.
pub const ENV_DATABASE: &str = "ATSBRIDGE_DATABASE";
/// Environment variable with the listen address.
pub const ENV_LISTEN: &str = "ATSBRIDGE_LISTEN";
/// Environment variable with the base64 secret key that encrypts stored credentials.
pub const ENV_SECRET_KEY: &str = "ATSBRIDGE_SECRET_KEY";
/// Environment variable with the largest number of database connections a process opens.
pub const ENV_MAX_CONNECTIONS: &str = "ATSBRIDGE_DATABASE_MAX_CONNECTIONS";
/// Environment variable with the address the server is reached under from outside.
pub const ENV_PUBLIC_URL: &str = "ATSBRIDGE_PUBLIC_URL";
/// Environment variable with the sync run lease in seconds.
pub const ENV_RUN_LEASE: &str = "ATSBRIDGE_RUN_LEASE_SECONDS";
/// Environment variable with the operator dashboard's admin token.
pub const ENV_ADMIN_TOKEN: &str = "ATSBRIDGE_ADMIN_TOKEN";

/// What the dashboard's session key is derived for, from the secret key.
pub const DASHBOARD_SESSION_PURPOSE: &str = "dashboard session";

/// The file format (every key optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database: Option<String>,
    listen: Option<String>,
    secret_key: Option<String>,
    body_limit_bytes: Option<usize>,
    allow_private_data_urls: Option<bool>,
    scheduler: Option<bool>,
    max_database_connections: Option<usize>,
    run_lease_seconds: Option<u64>,
    admin_token: Option<String>,
    dashboard_secure_cookie: Option<bool>,
    public_url: Option<String>,
    allow_private_webhook_urls: Option<bool>,
}

/// Fully resolved settings.
pub struct Settings {
    /// The database: a SQLite file path or a `postgres://` URL.
    pub database: String,
    /// Address the API listens on.
    pub listen: SocketAddr,
    /// Key for credentials at rest (None when not configured; commands that need it fail).
    pub secret_key: Option<SecretKey>,
    /// Largest accepted request body.
    pub body_limit_bytes: usize,
    /// Whether `data_url` downloads may reach loopback/private addresses.
    pub allow_private_data_urls: bool,
    /// Whether `serve` runs the background sync scheduler.
    pub scheduler: bool,
    /// Whether webhook deliveries may reach loopback/private addresses.
    pub allow_private_webhook_urls: bool,
    /// Limits of the store connection, and the base of links in webhook payloads.
    pub store: StoreOptions,
    /// The dashboard's admin token from the environment or the file (checked when used).
    pub admin_token: Option<String>,
    /// Mark the dashboard's session cookie `Secure` (dashboard served over HTTPS).
    pub dashboard_secure_cookie: bool,
    /// The address connect links and asset URLs start with (default: `http://{listen}`).
    pub public_url: String,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field(
                "database",
                &atsbridge_store::describe_database(&self.database),
            )
            .field("listen", &self.listen)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "[REDACTED]"),
            )
            .field("body_limit_bytes", &self.body_limit_bytes)
            .field("allow_private_data_urls", &self.allow_private_data_urls)
            .field("scheduler", &self.scheduler)
            .field(
                "allow_private_webhook_urls",
                &self.allow_private_webhook_urls,
            )
            .field("store", &self.store)
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("dashboard_secure_cookie", &self.dashboard_secure_cookie)
            .field("public_url", &self.public_url)
            .finish()
    }
}

/// Flags that override file and environment.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct ConfigFlags {
    /// Configuration file (TOML). Default: $ATSBRIDGE_CONFIG, else ./atsbridge.toml if present.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// The database: a SQLite file path or a `postgres://user@host/db` URL.
    /// Default: $ATSBRIDGE_DATABASE, else ./atsbridge.db.
    #[arg(long, global = true)]
    pub database: Option<String>,
}

/// Reads an environment variable; an empty value counts as unset.
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Settings {
    /// Resolves settings from `flags`, the environment and the config file.
    pub fn load(flags: &ConfigFlags, listen_flag: Option<SocketAddr>) -> anyhow::Result<Self> {
        let explicit = flags
            .config
            .clone()
            .or_else(|| env_var(ENV_CONFIG).map(PathBuf::from));
        let file = match &explicit {
            Some(path) => read_file(path)?,
            None if Path::new("atsbridge.toml").exists() => read_file(Path::new("atsbridge.toml"))?,
            None => FileConfig::default(),
        };
        let database = flags
            .database
            .clone()
            .or_else(|| env_var(ENV_DATABASE))
            .or(file.database)
            .unwrap_or_else(|| "atsbridge.db".to_owned());
        let listen = match listen_flag {
            Some(addr) => addr,
            None => {
                let raw = env_var(ENV_LISTEN)
                    .or(file.listen)
                    .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
                raw.parse().with_context(|| {
                    format!("invalid listen address `{raw}` (expected e.g. 127.0.0.1:3000)")
                })?
            }
        };
        let secret_key = match env_var(ENV_SECRET_KEY).or(file.secret_key) {
            Some(encoded) => Some(SecretKey::from_base64(encoded.trim()).with_context(|| {
                format!("{ENV_SECRET_KEY} / secret_key is not a valid base64 32-byte key")
            })?),
            None => None,
        };
        let public_url = match env_var(ENV_PUBLIC_URL).or(file.public_url) {
            Some(raw) => parse_public_url(&raw)?,
            None => format!("http://{listen}"),
        };
        let mut store = store_settings(file.max_database_connections, file.run_lease_seconds)?;
        // Links in webhook payloads point at the same public address.
        store.links.public_url = Some(
            url::Url::parse(&public_url)
                .with_context(|| format!("public_url `{public_url}` is not a URL"))?,
        );
        Ok(Self {
            public_url,
            database,
            listen,
            secret_key,
            body_limit_bytes: file.body_limit_bytes.unwrap_or(25 * 1024 * 1024),
            allow_private_data_urls: file.allow_private_data_urls.unwrap_or(false),
            scheduler: file.scheduler.unwrap_or(true),
            allow_private_webhook_urls: file.allow_private_webhook_urls.unwrap_or(false),
            store,
            admin_token: env_var(ENV_ADMIN_TOKEN).or(file.admin_token),
            dashboard_secure_cookie: file.dashboard_secure_cookie.unwrap_or(false),
        })
    }

    /// The dashboard settings: the configured admin token (refused when too short) and a
    /// session key derived from the secret key, so every instance accepts the same sessions.
    pub fn dashboard(&self, key: &SecretKey) -> anyhow::Result<DashboardConfig> {
        let admin_token = match &self.admin_token {
            Some(token) => Some(
                AdminToken::new(token)
                    .with_context(|| format!("{ENV_ADMIN_TOKEN} / admin_token is not usable"))?,
            ),
            None => None,
        };
        Ok(DashboardConfig {
            admin_token,
            session_key: SessionKey::from_bytes(key.derive_key(DASHBOARD_SESSION_PURPOSE)),
            secure_cookie: self.dashboard_secure_cookie,
            ..DashboardConfig::default()
        })
    }

    /// The secret key, or an error telling how to provide one.
    pub fn require_secret_key(&self) -> anyhow::Result<SecretKey> {
        match &self.secret_key {
            Some(key) => Ok(key.clone()),
            None => bail!(
                "no secret key configured: set {ENV_SECRET_KEY} (generate one with `atsbridge \
                 secret-key`) or `secret_key` in the config file"
            ),
        }
    }
}

/// Store limits from the environment, else the file, else the defaults; zero is refused.
fn store_settings(
    file_connections: Option<usize>,
    file_lease: Option<u64>,
) -> anyhow::Result<StoreOptions> {
    let defaults = StoreOptions::default();
    let max_connections = match env_var(ENV_MAX_CONNECTIONS) {
        Some(raw) => raw.trim().parse().with_context(|| {
            format!("{ENV_MAX_CONNECTIONS} must be a whole number, not `{raw}`")
        })?,
        None => file_connections.unwrap_or(defaults.max_connections),
    };
    let lease_seconds = match env_var(ENV_RUN_LEASE) {
        Some(raw) => raw
            .trim()
            .parse()
            .with_context(|| format!("{ENV_RUN_LEASE} must be whole seconds, not `{raw}`"))?,
        None => file_lease.unwrap_or(defaults.run_lease.as_secs()),
    };
    if max_connections == 0 {
        bail!("max_database_connections / {ENV_MAX_CONNECTIONS} must be at least 1");
    }
    if lease_seconds == 0 {
        bail!("run_lease_seconds / {ENV_RUN_LEASE} must be at least 1");
    }
    Ok(StoreOptions {
        max_connections,
        run_lease: std::time::Duration::from_secs(lease_seconds),
        ..defaults
    })
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))
}

/// Checks a public URL: `http` or `https`, with a host, without query or fragment. Returned
/// without a trailing slash.
pub fn parse_public_url(raw: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(raw.trim())
        .with_context(|| format!("{ENV_PUBLIC_URL} / public_url `{raw}` is not a URL"))?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        bail!(
            "{ENV_PUBLIC_URL} / public_url must be an http(s) address without query or \
             fragment, e.g. https://atsbridge.example.com"
        );
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_in_the_file_are_rejected() {
        let err = toml::from_str::<FileConfig>("databse = 'x.db'").unwrap_err();
        assert!(err.to_string().contains("databse"), "{err}");
    }

    #[test]
    fn bad_listen_address_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "listen = 'not-an-address'").unwrap();
        let flags = ConfigFlags {
            config: Some(path),
            database: None,
        };
        let err = Settings::load(&flags, None).unwrap_err();
        assert!(
            format!("{err:#}").contains("invalid listen address"),
            "{err:#}"
        );
    }

    #[test]
    fn zero_store_limits_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "run_lease_seconds = 0").unwrap();
        let flags = ConfigFlags {
            config: Some(path.clone()),
            database: None,
        };
        let err = Settings::load(&flags, None).unwrap_err();
        assert!(format!("{err:#}").contains("run_lease_seconds"), "{err:#}");
        std::fs::write(&path, "max_database_connections = 3\nrun_lease_seconds = 9").unwrap();
        let settings = Settings::load(&flags, None).unwrap();
        assert_eq!(settings.store.max_connections, 3);
        assert_eq!(settings.store.run_lease.as_secs(), 9);
    }

    #[test]
    fn a_short_admin_token_is_refused_and_sessions_keys_follow_the_secret_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "admin_token = 'short'").unwrap();
        let flags = ConfigFlags {
            config: Some(path.clone()),
            database: None,
        };
        let key = SecretKey::generate();
        let settings = Settings::load(&flags, None).unwrap();
        let err = settings.dashboard(&key).unwrap_err();
        assert!(format!("{err:#}").contains("at least 16"), "{err:#}");
        std::fs::write(&path, "admin_token = 'long-enough-admin-token'").unwrap();
        let settings = Settings::load(&flags, None).unwrap();
        let dashboard = settings.dashboard(&key).unwrap();
        assert!(dashboard.admin_token.is_some());
        assert!(!dashboard.secure_cookie);
    }

    #[test]
    fn public_urls_must_be_plain_http_addresses() {
        assert_eq!(
            parse_public_url("https://atsbridge.example.com/base/").unwrap(),
            "https://atsbridge.example.com/base"
        );
        for bad in [
            "ftp://x.example",
            "not a url",
            "https://x.example/?a=1",
            "https://x#y",
        ] {
            assert!(parse_public_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_hides_the_database_password() {
        let settings = Settings {
            database: "postgres://app:hunter2@db.internal:5432/atsbridge".into(),
            listen: "127.0.0.1:1".parse().unwrap(),
            secret_key: None,
            body_limit_bytes: 1,
            allow_private_data_urls: false,
            scheduler: false,
            allow_private_webhook_urls: false,
            store: StoreOptions::default(),
            admin_token: Some("dashboard-admin-token-value".into()),
            dashboard_secure_cookie: false,
            public_url: "http://127.0.0.1:1".into(),
        };
        let debug = format!("{settings:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("db.internal:5432/atsbridge"), "{debug}");
    }

    #[test]
    fn debug_redacts_the_secret_key() {
        let settings = Settings {
            database: "a.db".into(),
            listen: "127.0.0.1:1".parse().unwrap(),
            secret_key: Some(SecretKey::generate()),
            body_limit_bytes: 1,
            allow_private_data_urls: false,
            scheduler: false,
            allow_private_webhook_urls: false,
            store: StoreOptions::default(),
            admin_token: Some("dashboard-admin-token-value".into()),
            dashboard_secure_cookie: false,
            public_url: "http://127.0.0.1:1".into(),
        };
        let key = settings.secret_key.as_ref().unwrap().to_base64();
        let debug = format!("{settings:?}");
        assert!(!debug.contains(&key));
        assert!(!debug.contains("dashboard-admin-token-value"));
        assert!(debug.contains("[REDACTED]"));
    }
}
