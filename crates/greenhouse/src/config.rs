//! Connection settings of one Greenhouse integration, validated before any request.

use std::fmt;

use serde::Deserialize;
use url::Url;

/// The Harvest v3 host.
pub const DEFAULT_HARVEST_URL: &str = "https://harvest.greenhouse.io";
/// The OAuth token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://auth.greenhouse.io/token";
/// Rows per page (Harvest's default; at most 500).
pub const DEFAULT_PER_PAGE: u32 = 100;

/// Why a configuration was refused. Messages never contain the client secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The JSON does not have the expected shape.
    #[error("Greenhouse config is not valid JSON of the expected shape: {0}")]
    Malformed(String),
    /// A required key is missing or blank.
    #[error("Greenhouse config: `{0}` is required")]
    Missing(&'static str),
    /// A URL setting is not a usable URL.
    #[error("Greenhouse config: `{key}` is not a valid https URL: {reason}")]
    InvalidUrl {
        /// The setting.
        key: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// `per_page` is outside 1..=500.
    #[error("Greenhouse config: `per_page` must be between 1 and 500")]
    PerPage,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    harvest_url: Option<String>,
    #[serde(default)]
    token_url: Option<String>,
    #[serde(default)]
    default_source_id: Option<u64>,
    #[serde(default)]
    per_page: Option<u32>,
}

/// A validated Greenhouse configuration.
#[derive(Clone)]
pub struct GreenhouseConfig {
    /// OAuth client id of the customer's Harvest v3 credential.
    pub client_id: String,
    /// OAuth client secret (never printed).
    pub client_secret: String,
    /// Greenhouse user the token acts as (`sub`); reads need a Site Admin.
    pub user_id: Option<String>,
    /// The Harvest host (`https://harvest.greenhouse.io`).
    pub harvest_url: Url,
    /// The token endpoint.
    pub token_url: Url,
    /// Source set on created applications when the request names none.
    pub default_source_id: Option<u64>,
    /// Rows per list page.
    pub per_page: u32,
}

impl fmt::Debug for GreenhouseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GreenhouseConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("user_id", &self.user_id)
            .field("harvest_url", &self.harvest_url.as_str())
            .field("token_url", &self.token_url.as_str())
            .field("per_page", &self.per_page)
            .finish()
    }
}

fn url_setting(
    key: &'static str,
    value: Option<String>,
    default: &str,
) -> Result<Url, ConfigError> {
    let text = value
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_owned());
    let url = Url::parse(text.trim()).map_err(|e| ConfigError::InvalidUrl {
        key,
        reason: e.to_string(),
    })?;
    let local = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if url.scheme() != "https" && !(url.scheme() == "http" && local) {
        return Err(ConfigError::InvalidUrl {
            key,
            reason: "only https is allowed except for localhost".to_owned(),
        });
    }
    Ok(url)
}

impl GreenhouseConfig {
    /// Parses and validates the integration's config JSON.
    pub fn from_json(value: &serde_json::Value) -> Result<GreenhouseConfig, ConfigError> {
        let raw: RawConfig = serde_json::from_value(value.clone()).map_err(|e| {
            // serde's message names keys, never values.
            ConfigError::Malformed(e.to_string())
        })?;
        let required = |key: &'static str, value: Option<String>| {
            value
                .filter(|v| !v.trim().is_empty())
                .ok_or(ConfigError::Missing(key))
        };
        let per_page = raw.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=500).contains(&per_page) {
            return Err(ConfigError::PerPage);
        }
        Ok(GreenhouseConfig {
            client_id: required("client_id", raw.client_id)?,
            client_secret: required("client_secret", raw.client_secret)?,
            user_id: raw.user_id.filter(|u| !u.trim().is_empty()),
            harvest_url: url_setting("harvest_url", raw.harvest_url, DEFAULT_HARVEST_URL)?,
            token_url: url_setting("token_url", raw.token_url, DEFAULT_TOKEN_URL)?,
            default_source_id: raw.default_source_id,
            per_page,
        })
    }

    /// `<harvest>/v3/`, the base every Harvest request is relative to.
    pub fn api_base(&self) -> Url {
        let mut base = self.harvest_url.clone();
        base.set_path("/v3/");
        base.set_query(None);
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_validation() {
        let config = GreenhouseConfig::from_json(
            &json!({"client_id": "id", "client_secret": "s3cret-value"}),
        )
        .unwrap();
        assert_eq!(
            config.api_base().as_str(),
            "https://harvest.greenhouse.io/v3/"
        );
        assert_eq!(config.per_page, 100);
        assert!(!format!("{config:?}").contains("s3cret-value"));
        assert_eq!(
            GreenhouseConfig::from_json(&json!({"client_id": "id"})).unwrap_err(),
            ConfigError::Missing("client_secret")
        );
        let insecure = GreenhouseConfig::from_json(
            &json!({"client_id": "i", "client_secret": "s", "harvest_url": "http://evil.example"}),
        );
        assert!(matches!(
            insecure,
            Err(ConfigError::InvalidUrl {
                key: "harvest_url",
                ..
            })
        ));
        let err = GreenhouseConfig::from_json(
            &json!({"client_id": "i", "client_secret": "s", "bogus": 1}),
        )
        .unwrap_err();
        assert!(!err.to_string().contains("\"s\""));
    }
}
