//! Raw requests below `<harvest>/v3`, authenticated by the connector. Absolute URLs, other
//! hosts and paths that leave `/v3` are refused before any request; the caller's own
//! credential headers are dropped and the token never comes back.

use std::collections::BTreeMap;

use atsbridge_connector::{ConnectorError, PassthroughBody, PassthroughCall, PassthroughResult};
use atsbridge_http::{ProviderRequest, join_under_base};
use base64::Engine as _;
use http::{HeaderName, HeaderValue};
use serde_json::Value;

use crate::client::GreenhouseClient;

/// Request headers the caller may not set.
const REFUSED_REQUEST_HEADERS: [&str; 7] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
];
/// Response headers never handed back.
const HIDDEN_RESPONSE_HEADERS: [&str; 3] = ["set-cookie", "authorization", "www-authenticate"];

/// The path below `/v3` (a leading `/` or `v3/` is accepted) and its query pairs.
pub fn split_path(raw: &str) -> Result<(String, Vec<(String, String)>), ConnectorError> {
    let trimmed = raw.trim();
    if trimmed.contains("://") || trimmed.starts_with("//") {
        return Err(ConnectorError::invalid_input(format!(
            "passthrough path `{trimmed}` must be relative to /v3, not an absolute URL"
        )));
    }
    let (path, query) = trimmed.split_once('?').unwrap_or((trimmed, ""));
    let path = path.trim_start_matches('/');
    let path = path
        .strip_prefix("v3/")
        .unwrap_or(if path == "v3" { "" } else { path });
    let pairs = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    Ok((path.to_owned(), pairs))
}

/// Executes a passthrough call on the Harvest host.
pub async fn execute(
    client: &GreenhouseClient,
    call: PassthroughCall,
) -> Result<PassthroughResult, ConnectorError> {
    let (path, mut query) = split_path(&call.path)?;
    let mut url = join_under_base(client.base_url(), &path).map_err(|e| {
        ConnectorError::invalid_input(format!("passthrough path refused: {}", e.message()))
    })?;
    query.extend(call.query);
    let mut request = ProviderRequest::new(call.method.clone(), path).accept_any_status();
    for (name, value) in &query {
        request = request.query(name.clone(), value.clone());
    }
    for (name, value) in &call.headers {
        let lower = name.to_ascii_lowercase();
        if REFUSED_REQUEST_HEADERS.contains(&lower.as_str()) {
            continue;
        }
        let name = HeaderName::from_bytes(lower.as_bytes()).map_err(|_| {
            ConnectorError::invalid_input(format!("`{name}` is not a valid header name"))
        })?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            ConnectorError::invalid_input(format!("the value of header `{name}` is not valid"))
        })?;
        request = request.header(name, value);
    }
    request = match call.body {
        PassthroughBody::Empty => request,
        PassthroughBody::Json(value) => request.json(&value),
        PassthroughBody::Raw(text) => request.body(
            text.into_bytes(),
            Some(HeaderValue::from_static("text/plain; charset=utf-8")),
        ),
    };
    let response = client.send(request).await?;
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in &response.headers {
        if !HIDDEN_RESPONSE_HEADERS.contains(&name.as_str()) {
            headers
                .entry(name.as_str().to_owned())
                .or_default()
                .push(String::from_utf8_lossy(value.as_bytes()).into_owned());
        }
    }
    let data = if response.body.is_empty() {
        None
    } else if call.response_as_base64 {
        Some(Value::String(
            base64::engine::general_purpose::STANDARD.encode(&response.body),
        ))
    } else {
        Some(
            serde_json::from_slice::<Value>(&response.body)
                .unwrap_or_else(|_| Value::String(response.text())),
        )
    };
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query.iter());
    }
    Ok(PassthroughResult {
        url: url.to_string(),
        status: response.status.as_u16(),
        headers,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_below_v3_on_the_harvest_host_are_accepted() {
        assert_eq!(
            split_path("/v3/jobs?per_page=2").unwrap(),
            ("jobs".into(), vec![("per_page".into(), "2".into())])
        );
        assert_eq!(split_path("candidates").unwrap().0, "candidates");
        assert!(split_path("https://evil.example/v3/jobs").is_err());
        assert!(split_path("//evil.example/v3").is_err());
        let base = url::Url::parse("https://harvest.greenhouse.io/v3/").unwrap();
        for bad in ["../auth/token", "jobs/../../x", "%2e%2e/x"] {
            let (path, _) = split_path(bad).unwrap();
            assert!(join_under_base(&base, &path).is_err(), "{bad}");
        }
    }
}
