//! Server settings.

use std::time::Duration;

use crate::dashboard::DashboardConfig;
use crate::data_url::DataUrlPolicy;

/// Settings of the HTTP API.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest request body accepted, in bytes (base64 attachments travel in bodies).
    pub body_limit: usize,
    /// Let `data_url` downloads reach loopback, private and link-local addresses.
    pub allow_private_data_urls: bool,
    /// Largest `data_url` download, in bytes.
    pub data_url_max_bytes: usize,
    /// Deadline for one `data_url` download.
    pub data_url_timeout: Duration,
    /// The operator dashboard's admin token and session settings.
    pub dashboard: DashboardConfig,
    /// The address under which this server is reached from outside (scheme, host, optional
    /// port and path prefix): connect links, asset URLs and webhook `log_url`s start with it.
    pub public_url: String,
    /// How long a connect link from `create-link` (`EMBEDDED`) or `relink` works.
    pub connect_link_ttl: Duration,
    /// How long a `MAGIC_LINK` connect link works (it travels by e-mail).
    pub magic_link_ttl: Duration,
    /// How long the activation token of a finished connect flow works.
    pub activation_token_ttl: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            body_limit: 32 * 1024 * 1024,
            allow_private_data_urls: false,
            data_url_max_bytes: 25 * 1024 * 1024,
            data_url_timeout: Duration::from_secs(30),
            dashboard: DashboardConfig::default(),
            public_url: "http://127.0.0.1:8080".to_owned(),
            connect_link_ttl: Duration::from_secs(60 * 60),
            magic_link_ttl: Duration::from_secs(7 * 24 * 60 * 60),
            activation_token_ttl: Duration::from_secs(60 * 60),
        }
    }
}

impl ServerConfig {
    /// The download policy these settings describe.
    pub fn data_url_policy(&self) -> DataUrlPolicy {
        DataUrlPolicy {
            allow_private_addresses: self.allow_private_data_urls,
            max_bytes: self.data_url_max_bytes,
            timeout: self.data_url_timeout,
        }
    }
}
