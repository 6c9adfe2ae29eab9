//! Raw requests below `https://{host}/Api`, authenticated by the connector.
//!
//! The path is relative to `/Api` (a leading `/` and a leading `Api/` are tolerated); absolute
//! URLs, other schemes or hosts, `..` and anything else that would leave `/Api` are refused
//! before any request is made. The caller's own authentication headers are dropped; the
//! connector's token is added by the transport.

use std::collections::BTreeMap;

use atsbridge_connector::{ConnectorError, PassthroughBody, PassthroughCall, PassthroughResult};
use atsbridge_http::{ProviderRequest, join_under_base};
use base64::Engine as _;
use http::{HeaderName, HeaderValue};
use serde_json::Value;

use crate::client::{ErecruiterClient, TOKEN_HEADER, map_http_error};

/// Request headers the caller may not set (credentials and hop-by-hop headers).
const REFUSED_REQUEST_HEADERS: &[&str] = &[
    TOKEN_HEADER,
    "authorization",
    "proxy-authorization",
    "cookie",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
];

/// Response headers never handed back.
const HIDDEN_RESPONSE_HEADERS: &[&str] = &[
    TOKEN_HEADER,
    "set-cookie",
    "authorization",
    "www-authenticate",
];

/// Splits the caller's path into a path below `/Api` and its own query pairs, refusing
/// anything that is not a plain relative path.
pub fn split_path(raw: &str) -> Result<(String, Vec<(String, String)>), ConnectorError> {
    let trimmed = raw.trim();
    if trimmed.contains("://") || trimmed.starts_with("//") {
        return Err(ConnectorError::invalid_input(format!(
            "passthrough path `{trimmed}` must be relative to /Api, not an absolute URL"
        )));
    }
    let (path, query) = match trimmed.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (trimmed, None),
    };
    let mut path = path.trim_start_matches('/');
    if path.len() >= 3
        && path[..3].eq_ignore_ascii_case("api")
        && (path.len() == 3 || path.as_bytes()[3] == b'/')
    {
        path = path[3..].trim_start_matches('/');
    }
    let pairs = query
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    Ok((path.to_owned(), pairs))
}

/// Executes a passthrough call.
pub async fn execute(
    client: &ErecruiterClient,
    call: PassthroughCall,
) -> Result<PassthroughResult, ConnectorError> {
    let (path, mut query) = split_path(&call.path)?;
    // Refuse escapes up front with the transport's own rule.
    let url = join_under_base(client.http().base_url(), &path).map_err(|e| {
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
            tracing::debug!(header = %lower, "dropping a caller header from a passthrough call");
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
        PassthroughBody::Raw(text) => {
            let content_type = call
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                .and_then(|(_, v)| HeaderValue::from_str(v).ok())
                .or_else(|| Some(HeaderValue::from_static("text/plain; charset=utf-8")));
            request.body(text.into_bytes(), content_type)
        }
    };
    let response = client.http().send(request).await.map_err(map_http_error)?;
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in &response.headers {
        let name = name.as_str().to_ascii_lowercase();
        if HIDDEN_RESPONSE_HEADERS.contains(&name.as_str()) {
            continue;
        }
        headers
            .entry(name)
            .or_default()
            .push(String::from_utf8_lossy(value.as_bytes()).into_owned());
    }
    let data = if response.body.is_empty() {
        None
    } else if call.response_as_base64 {
        Some(Value::String(
            base64::engine::general_purpose::STANDARD.encode(&response.body),
        ))
    } else {
        match serde_json::from_slice::<Value>(&response.body) {
            Ok(json) => Some(json),
            Err(_) => Some(Value::String(response.text())),
        }
    };
    let mut shown = url;
    if !query.is_empty() {
        shown.query_pairs_mut().extend_pairs(query.iter());
    }
    Ok(PassthroughResult {
        url: shown.to_string(),
        status: response.status.as_u16(),
        headers,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_split_and_normalized() {
        assert_eq!(
            split_path("/Applicant/5").unwrap(),
            ("Applicant/5".into(), vec![])
        );
        assert_eq!(split_path("Api/Ping").unwrap().0, "Ping");
        assert_eq!(split_path("/api/Ping").unwrap().0, "Ping");
        assert_eq!(split_path("/Apis/x").unwrap().0, "Apis/x");
        assert_eq!(
            split_path("PublishedJobs?culture=de-AT&channel=").unwrap(),
            (
                "PublishedJobs".into(),
                vec![
                    ("culture".into(), "de-AT".into()),
                    ("channel".into(), String::new())
                ]
            )
        );
        assert!(split_path("https://evil.example/Api").is_err());
        assert!(split_path("//evil.example/Api").is_err());
    }

    #[test]
    fn escapes_are_refused_by_the_join() {
        let base = url::Url::parse("https://acme-api.erecruiter.net/Api/").unwrap();
        for bad in [
            "../Help",
            "Applicant/../../x",
            "%2e%2e/x",
            "a//b",
            "http:evil",
        ] {
            let (path, _) = split_path(bad).unwrap();
            assert!(join_under_base(&base, &path).is_err(), "{bad}");
        }
        let (path, _) = split_path("/Applicant/1").unwrap();
        assert_eq!(
            join_under_base(&base, &path).unwrap().as_str(),
            "https://acme-api.erecruiter.net/Api/Applicant/1"
        );
    }
}
