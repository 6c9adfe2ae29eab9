//! Connection settings of one eRecruiter integration, parsed from the integration's JSON
//! credentials and validated before any request is made.

use std::fmt;
use std::num::NonZeroU32;

use serde::{Deserialize, Deserializer};
use url::Url;

/// Default `ClientInfo` sent with the token exchange.
pub const DEFAULT_CLIENT_INFO: &str = concat!("atsbridge-erecruiter/", env!("CARGO_PKG_VERSION"));
/// Default culture used for job texts, questionnaires and application statuses.
pub const DEFAULT_CULTURE: &str = "de-AT";
/// Default number of requests in flight against one eRecruiter installation.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: u32 = 5;
/// Default ceiling of requests per second against one eRecruiter installation.
pub const DEFAULT_REQUESTS_PER_SECOND: u32 = 10;

/// Why a configuration was refused. Messages never contain the API key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The credentials JSON could not be read at all.
    #[error("eRecruiter config is not valid JSON of the expected shape: {0}")]
    Malformed(String),
    /// `host` is empty or missing.
    #[error("eRecruiter config: `host` is required (e.g. `acme-api.erecruiter.net`)")]
    MissingHost,
    /// `host` cannot be turned into a URL.
    #[error("eRecruiter config: `host` `{host}` is not a valid host name or URL: {reason}")]
    InvalidHost {
        /// The value as given.
        host: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Plain `http` was requested for a host that is not the local machine.
    #[error(
        "eRecruiter config: `host` `{0}` uses plain http; only https is allowed except for localhost"
    )]
    InsecureScheme(String),
    /// `mandator_id` is missing, not a number or not positive.
    #[error("eRecruiter config: `mandator_id` must be a positive integer (got `{0}`)")]
    InvalidMandatorId(String),
    /// `api_key` is missing or blank.
    #[error("eRecruiter config: `api_key` is required")]
    MissingApiKey,
    /// A numeric limit is zero.
    #[error("eRecruiter config: `{0}` must be at least 1")]
    ZeroLimit(&'static str),
    /// A text setting is present but blank.
    #[error("eRecruiter config: `{0}` must not be blank when given")]
    BlankSetting(&'static str),
}

/// The raw JSON shape accepted by [`ErecruiterConfig::from_json`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(alias = "domain", alias = "base_url", default)]
    host: Option<String>,
    #[serde(default, deserialize_with = "number_or_string")]
    mandator_id: Option<String>,
    #[serde(alias = "key", default)]
    api_key: Option<String>,
    #[serde(default)]
    culture: Option<String>,
    #[serde(default)]
    default_source_name: Option<String>,
    #[serde(default)]
    default_document_type: Option<String>,
    #[serde(default)]
    client_info: Option<String>,
    #[serde(default)]
    max_concurrent_requests: Option<u32>,
    #[serde(default)]
    requests_per_second: Option<u32>,
}

fn number_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match value {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

/// The API key; its `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself, for the token exchange only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Validated settings of one eRecruiter integration.
#[derive(Clone, PartialEq, Eq)]
pub struct ErecruiterConfig {
    /// Installation root, e.g. `https://acme-api.erecruiter.net/` (never ends in `/Api`).
    pub root_url: Url,
    /// eRecruiter's numeric tenant id.
    pub mandator_id: u32,
    /// The API key exchanged for tokens.
    pub api_key: ApiKey,
    /// Culture for job texts, questionnaires and statuses (`de-AT`, `en`, ...).
    pub culture: String,
    /// Source (eRecruiter "Referrer") written on created applications when the request names none.
    pub default_source_name: Option<String>,
    /// Document type used for attachments that are neither CV nor cover letter, and as the
    /// fallback when the mandator has no better match.
    pub default_document_type: Option<String>,
    /// Free text that identifies this caller in the token exchange.
    pub client_info: String,
    /// Maximum requests in flight.
    pub max_concurrent_requests: NonZeroU32,
    /// Maximum requests per second.
    pub requests_per_second: NonZeroU32,
}

impl fmt::Debug for ErecruiterConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErecruiterConfig")
            .field("root_url", &self.root_url.as_str())
            .field("mandator_id", &self.mandator_id)
            .field("api_key", &self.api_key)
            .field("culture", &self.culture)
            .field("default_source_name", &self.default_source_name)
            .field("default_document_type", &self.default_document_type)
            .field("client_info", &self.client_info)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("requests_per_second", &self.requests_per_second)
            .finish()
    }
}

impl ErecruiterConfig {
    /// Parses and validates the integration's credentials JSON.
    ///
    /// Accepted keys: `host` (alias `domain`, `base_url`), `mandator_id` (number or numeric
    /// string), `api_key`, and optional `culture`, `default_source_name`,
    /// `default_document_type`, `client_info`, `max_concurrent_requests`, `requests_per_second`.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, ConfigError> {
        let raw: RawConfig = serde_json::from_value(value.clone())
            .map_err(|e| ConfigError::Malformed(redact_serde_message(&e.to_string())))?;
        let host = raw.host.unwrap_or_default();
        let root_url = normalize_host(&host)?;
        let mandator_raw = raw.mandator_id.unwrap_or_default();
        let mandator_id = mandator_raw
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or(ConfigError::InvalidMandatorId(mandator_raw.clone()))?;
        let api_key = raw
            .api_key
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .ok_or(ConfigError::MissingApiKey)?;
        let culture =
            optional_text(raw.culture, "culture")?.unwrap_or_else(|| DEFAULT_CULTURE.into());
        let limit = |value: Option<u32>, default: u32, name: &'static str| {
            NonZeroU32::new(value.unwrap_or(default)).ok_or(ConfigError::ZeroLimit(name))
        };
        Ok(Self {
            root_url,
            mandator_id,
            api_key: ApiKey::new(api_key),
            culture,
            default_source_name: optional_text(raw.default_source_name, "default_source_name")?,
            default_document_type: optional_text(
                raw.default_document_type,
                "default_document_type",
            )?,
            client_info: optional_text(raw.client_info, "client_info")?
                .unwrap_or_else(|| DEFAULT_CLIENT_INFO.into()),
            max_concurrent_requests: limit(
                raw.max_concurrent_requests,
                DEFAULT_MAX_CONCURRENT_REQUESTS,
                "max_concurrent_requests",
            )?,
            requests_per_second: limit(
                raw.requests_per_second,
                DEFAULT_REQUESTS_PER_SECOND,
                "requests_per_second",
            )?,
        })
    }

    /// The API base every endpoint path is joined to: `{root}/Api/`.
    pub fn api_base_url(&self) -> Url {
        // `root_url` always ends in `/`, so the join cannot fail.
        self.root_url
            .join("Api/")
            .unwrap_or_else(|_| self.root_url.clone())
    }
}

/// serde's messages may quote values; never let an API key through.
fn redact_serde_message(message: &str) -> String {
    if message.contains("unknown field") {
        message.to_owned()
    } else {
        // Type errors quote the offending value; keep only the position information.
        match message.rfind(" at line") {
            Some(pos) => format!("invalid value{}", &message[pos..]),
            None => "invalid value".to_owned(),
        }
    }
}

/// A host setting as it may appear in errors: user info, query string and fragment removed,
/// whether or not the value parses as a URL.
fn host_for_messages(input: &str) -> String {
    let (scheme, rest) = match input.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, input),
    };
    let rest = &rest[..rest.find(['?', '#']).unwrap_or(rest.len())];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    match scheme {
        Some(scheme) => format!("{scheme}://{host}{path}"),
        None => format!("{host}{path}"),
    }
}

fn optional_text(value: Option<String>, name: &'static str) -> Result<Option<String>, ConfigError> {
    match value {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Err(ConfigError::BlankSetting(name)),
        Some(v) => Ok(Some(v.trim().to_owned())),
    }
}

/// Turns `acme-api.erecruiter.net`, `https://acme-api.erecruiter.net/Api/` or
/// `http://127.0.0.1:8080` into the installation root URL (ending in `/`, without `/Api`).
pub fn normalize_host(input: &str) -> Result<Url, ConfigError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ConfigError::MissingHost);
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    // Errors repeat the host without user info, query and fragment, which can hold secrets.
    let shown = host_for_messages(trimmed);
    let invalid = |reason: &str| ConfigError::InvalidHost {
        host: shown.clone(),
        reason: reason.to_owned(),
    };
    // The parser's message never quotes the input.
    let mut url = Url::parse(&with_scheme).map_err(|e| invalid(&e.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            if !loopback {
                return Err(ConfigError::InsecureScheme(shown));
            }
        }
        other => return Err(invalid(&format!("unsupported scheme `{other}`"))),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host name"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials in the URL are not allowed"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("query strings and fragments are not allowed"));
    }
    let mut path = url.path().trim_end_matches('/').to_owned();
    if path.len() >= 4 && path[path.len() - 4..].eq_ignore_ascii_case("/api") {
        path.truncate(path.len() - 4);
    }
    url.set_path(&format!("{path}/"));
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> serde_json::Value {
        json!({"host": "acme-api.erecruiter.net", "mandator_id": 42, "api_key": "s3cr3t-key"})
    }

    #[test]
    fn host_forms_normalize_to_one_root() {
        for input in [
            "acme-api.erecruiter.net",
            "acme-api.erecruiter.net/",
            "https://acme-api.erecruiter.net",
            "https://acme-api.erecruiter.net/Api",
            "https://acme-api.erecruiter.net/api/",
            "  acme-api.erecruiter.net/API  ",
        ] {
            let url = normalize_host(input).unwrap();
            assert_eq!(url.as_str(), "https://acme-api.erecruiter.net/", "{input}");
        }
    }

    #[test]
    fn on_premise_paths_and_loopback_http_are_kept() {
        assert_eq!(
            normalize_host("https://hr.example.com/erecruiter/Api/")
                .unwrap()
                .as_str(),
            "https://hr.example.com/erecruiter/"
        );
        assert_eq!(
            normalize_host("http://127.0.0.1:8080").unwrap().as_str(),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(
            normalize_host("http://localhost:1/Api").unwrap().as_str(),
            "http://localhost:1/"
        );
    }

    #[test]
    fn bad_hosts_are_refused_with_clear_errors() {
        assert_eq!(normalize_host(" "), Err(ConfigError::MissingHost));
        assert!(matches!(
            normalize_host("http://acme-api.erecruiter.net"),
            Err(ConfigError::InsecureScheme(_))
        ));
        assert!(matches!(
            normalize_host("ftp://acme"),
            Err(ConfigError::InvalidHost { .. })
        ));
        assert!(matches!(
            normalize_host("https://user:pw@acme"),
            Err(ConfigError::InvalidHost { .. })
        ));
        assert!(matches!(
            normalize_host("acme?x=1"),
            Err(ConfigError::InvalidHost { .. })
        ));
    }

    #[test]
    fn full_config_parses_with_defaults() {
        let config = ErecruiterConfig::from_json(&base()).unwrap();
        assert_eq!(config.mandator_id, 42);
        assert_eq!(config.culture, "de-AT");
        assert_eq!(config.max_concurrent_requests.get(), 5);
        assert_eq!(config.requests_per_second.get(), 10);
        assert_eq!(
            config.api_base_url().as_str(),
            "https://acme-api.erecruiter.net/Api/"
        );
    }

    #[test]
    fn mandator_id_accepts_numeric_strings_only() {
        let mut v = base();
        v["mandator_id"] = json!("17");
        assert_eq!(ErecruiterConfig::from_json(&v).unwrap().mandator_id, 17);
        for bad in [json!("abc"), json!(0), json!(-3), json!(null)] {
            v["mandator_id"] = bad;
            assert!(matches!(
                ErecruiterConfig::from_json(&v),
                Err(ConfigError::InvalidMandatorId(_))
            ));
        }
    }

    #[test]
    fn missing_key_and_zero_limits_are_refused() {
        let mut v = base();
        v["api_key"] = json!("  ");
        assert_eq!(
            ErecruiterConfig::from_json(&v),
            Err(ConfigError::MissingApiKey)
        );
        let mut v = base();
        v["max_concurrent_requests"] = json!(0);
        assert_eq!(
            ErecruiterConfig::from_json(&v),
            Err(ConfigError::ZeroLimit("max_concurrent_requests"))
        );
        let mut v = base();
        v["culture"] = json!("");
        assert_eq!(
            ErecruiterConfig::from_json(&v),
            Err(ConfigError::BlankSetting("culture"))
        );
    }

    #[test]
    fn unknown_keys_are_named_in_the_error() {
        let mut v = base();
        v["mandatorid"] = json!(1);
        let err = ErecruiterConfig::from_json(&v).unwrap_err().to_string();
        assert!(err.contains("mandatorid"), "{err}");
    }

    #[test]
    fn host_errors_never_repeat_credentials_or_queries() {
        for host in [
            "https://admin:s3cr3t@acme-api.erecruiter.net",
            "http://admin:s3cr3t@evil.example/Api",
            "https://acme-api.erecruiter.net/Api?key=s3cr3t",
            "https://acme-api.erecruiter.net/#s3cr3t",
            "ftp://admin:s3cr3t@acme-api.erecruiter.net",
            "https://ad min:s3cr3t@acme api.example",
        ] {
            let mut v = base();
            v["host"] = json!(host);
            let err = ErecruiterConfig::from_json(&v).unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("s3cr3t"), "{shown}");
            assert!(
                shown.contains("acme") || shown.contains("evil.example"),
                "the error still names the host: {shown}"
            );
        }
        assert_eq!(
            host_for_messages("https://u:p@h.example:8443/x/Api?k=v#f"),
            "https://h.example:8443/x/Api"
        );
        assert_eq!(host_for_messages("u@h.example"), "h.example");
    }

    #[test]
    fn debug_and_errors_never_show_the_key() {
        let config = ErecruiterConfig::from_json(&base()).unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(debug.contains("<redacted>"));
        let mut v = base();
        v["api_key"] = json!(["s3cr3t-key"]);
        let err = ErecruiterConfig::from_json(&v).unwrap_err().to_string();
        assert!(!err.contains("s3cr3t"), "{err}");
    }
}
