//! Canonical form of an HTTP request and the rule that matches it against a recorded one:
//! method, path, sorted query, allow-listed headers and canonical body. Everything else
//! (authorization, user agent, token headers) is ignored.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use serde_json::Value;

use crate::fixture::{FixtureBody, FixtureRequest, MATCHED_REQUEST_HEADERS, REDACTED};

/// A request reduced to the parts the kit compares and snapshots.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CanonicalRequest {
    /// Upper-case method.
    pub method: String,
    /// URL path.
    pub path: String,
    /// Query pairs sorted by name, then value (repeated names kept).
    pub query: Vec<(String, String)>,
    /// Allow-listed headers with lower-case names.
    pub headers: BTreeMap<String, String>,
    /// Body, if any.
    pub body: Option<FixtureBody>,
}

impl CanonicalRequest {
    /// Canonicalizes a request received by the wiremock server.
    pub fn from_wiremock(request: &wiremock::Request) -> CanonicalRequest {
        let mut query: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        query.sort();
        let headers = MATCHED_REQUEST_HEADERS
            .iter()
            .filter_map(|name| {
                request
                    .headers
                    .get(*name)
                    .and_then(|value| value.to_str().ok())
                    .map(|value| ((*name).to_owned(), value.to_owned()))
            })
            .collect();
        CanonicalRequest {
            method: request.method.as_str().to_ascii_uppercase(),
            path: request.url.path().to_owned(),
            query,
            headers,
            body: FixtureBody::from_bytes(&request.body),
        }
    }

    /// The canonical form of a recorded request.
    pub fn from_fixture(request: &FixtureRequest) -> CanonicalRequest {
        CanonicalRequest {
            method: request.method.to_ascii_uppercase(),
            path: request.path.clone(),
            query: request
                .query
                .iter()
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect(),
            headers: request.headers.clone(),
            body: request.body.clone(),
        }
    }

    /// Converts into the fixture's request form (repeated query names keep the last value).
    pub fn into_fixture(self) -> FixtureRequest {
        FixtureRequest {
            method: self.method,
            path: self.path,
            query: self.query.into_iter().collect(),
            headers: self.headers,
            body: self.body,
        }
    }

    /// `METHOD /path?query` in canonical order, for messages.
    pub fn line(&self) -> String {
        let mut line = format!("{} {}", self.method, self.path);
        if !self.query.is_empty() {
            let query: Vec<String> = self
                .query
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            line.push('?');
            line.push_str(&query.join("&"));
        }
        line
    }

    /// Why this request does not match `recorded`, or `None` when it matches.
    pub fn mismatch(&self, recorded: &FixtureRequest) -> Option<Mismatch> {
        if !self.method.eq_ignore_ascii_case(&recorded.method) {
            return Some(Mismatch::Method);
        }
        if self.path != recorded.path {
            return Some(Mismatch::Path);
        }
        let recorded_query: Vec<(String, String)> = recorded
            .query
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        if self.query.len() != recorded_query.len()
            || self
                .query
                .iter()
                .zip(&recorded_query)
                .any(|(actual, recorded)| {
                    actual.0 != recorded.0 || !text_matches(&recorded.1, &actual.1)
                })
        {
            return Some(Mismatch::Query);
        }
        for (name, expected) in &recorded.headers {
            let actual = self.headers.get(&name.to_ascii_lowercase());
            if !actual.is_some_and(|actual| header_values_match(name, actual, expected)) {
                return Some(Mismatch::Header(name.clone()));
            }
        }
        if !body_matches(recorded.body.as_ref(), self.body.as_ref()) {
            return Some(Mismatch::Body);
        }
        None
    }

    /// True when this request matches `recorded`.
    pub fn matches(&self, recorded: &FixtureRequest) -> bool {
        self.mismatch(recorded).is_none()
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line())
    }
}

/// The first part of a request that differs from a recorded one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// Different method.
    Method,
    /// Different path.
    Path,
    /// Different query parameters.
    Query,
    /// A recorded header is missing or has another value.
    Header(String),
    /// Different body.
    Body,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Method => f.write_str("method differs"),
            Mismatch::Path => f.write_str("path differs"),
            Mismatch::Query => f.write_str("query differs"),
            Mismatch::Header(name) => write!(f, "header `{name}` differs"),
            Mismatch::Body => f.write_str("body differs"),
        }
    }
}

fn body_matches(recorded: Option<&FixtureBody>, actual: Option<&FixtureBody>) -> bool {
    match (recorded, actual) {
        (Some(FixtureBody::Redacted), _) => true,
        (None, None) => true,
        (Some(FixtureBody::Json(recorded)), Some(FixtureBody::Json(actual))) => {
            json_matches(recorded, actual)
        }
        (Some(FixtureBody::Text(recorded)), Some(FixtureBody::Text(actual))) => {
            text_matches(recorded, actual)
        }
        _ => false,
    }
}

/// JSON equality where a recorded `"[REDACTED]"` string stands for any string.
fn json_matches(recorded: &Value, actual: &Value) -> bool {
    match (recorded, actual) {
        (Value::String(recorded), Value::String(actual)) => text_matches(recorded, actual),
        (Value::Array(recorded), Value::Array(actual)) => {
            recorded.len() == actual.len()
                && recorded
                    .iter()
                    .zip(actual)
                    .all(|(recorded, actual)| json_matches(recorded, actual))
        }
        (Value::Object(recorded), Value::Object(actual)) => {
            recorded.len() == actual.len()
                && recorded.iter().all(|(key, recorded)| {
                    actual
                        .get(key)
                        .is_some_and(|actual| json_matches(recorded, actual))
                })
        }
        (recorded, actual) => recorded == actual,
    }
}

/// Text equality where each `[REDACTED]` in the recorded text stands for any run of characters.
fn text_matches(recorded: &str, actual: &str) -> bool {
    if !recorded.contains(REDACTED) {
        return recorded == actual;
    }
    let mut pieces = recorded.split(REDACTED);
    let Some(first) = pieces.next() else {
        return recorded == actual;
    };
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    for (index, piece) in pieces.iter().enumerate() {
        if index + 1 == pieces.len() {
            return rest.len() >= piece.len() && rest.ends_with(piece);
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

/// Content types compare by media type only (parameters such as `charset` are ignored).
fn header_values_match(name: &str, actual: &str, expected: &str) -> bool {
    if name.eq_ignore_ascii_case("content-type") {
        media_type(actual) == media_type(expected)
    } else {
        actual == expected
    }
}

fn media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn recorded() -> FixtureRequest {
        FixtureRequest {
            method: "POST".into(),
            path: "/Api".into(),
            query: [
                ("b".to_owned(), "2".to_owned()),
                ("a".to_owned(), "1".to_owned()),
            ]
            .into_iter()
            .collect(),
            headers: [("content-type".to_owned(), "application/json".to_owned())]
                .into_iter()
                .collect(),
            body: Some(FixtureBody::Json(
                json!({"Key": "[REDACTED]", "MandatorId": 7}),
            )),
        }
    }

    fn actual() -> CanonicalRequest {
        CanonicalRequest {
            method: "POST".into(),
            path: "/Api".into(),
            query: vec![("a".into(), "1".into()), ("b".into(), "2".into())],
            headers: [(
                "content-type".to_owned(),
                "application/json; charset=utf-8".to_owned(),
            )]
            .into_iter()
            .collect(),
            body: FixtureBody::from_bytes(br#"{"MandatorId":7,"Key":"[REDACTED]"}"#),
        }
    }

    #[test]
    fn matches_ignoring_key_order_and_charset() {
        assert_eq!(actual().mismatch(&recorded()), None);
    }

    #[test]
    fn reports_each_kind_of_difference() {
        let mut request = actual();
        request.method = "PUT".into();
        assert_eq!(request.mismatch(&recorded()), Some(Mismatch::Method));

        let mut request = actual();
        request.path = "/Api/Ping".into();
        assert_eq!(request.mismatch(&recorded()), Some(Mismatch::Path));

        let mut request = actual();
        request.query.pop();
        assert_eq!(request.mismatch(&recorded()), Some(Mismatch::Query));

        let mut request = actual();
        request.headers.clear();
        assert_eq!(
            request.mismatch(&recorded()),
            Some(Mismatch::Header("content-type".into()))
        );

        let mut request = actual();
        request.body = FixtureBody::from_bytes(br#"{"MandatorId":8,"Key":"[REDACTED]"}"#);
        assert_eq!(request.mismatch(&recorded()), Some(Mismatch::Body));
    }

    #[test]
    fn redacted_placeholders_match_any_secret() {
        let mut recorded = recorded();
        recorded.query.insert("key".into(), "[REDACTED]".into());
        let mut request = actual();
        request.query.push(("key".into(), "live-secret".into()));
        request.query.sort();
        request.body = FixtureBody::from_bytes(br#"{"MandatorId":7,"Key":"canary-secret-value"}"#);
        assert_eq!(request.mismatch(&recorded), None);

        request.body = FixtureBody::from_bytes(br#"{"MandatorId":7,"Key":5}"#);
        assert_eq!(request.mismatch(&recorded), Some(Mismatch::Body));

        recorded.body = Some(FixtureBody::Redacted);
        assert_eq!(request.mismatch(&recorded), None);
    }

    #[test]
    fn text_placeholder_is_a_wildcard() {
        assert!(text_matches("key=[REDACTED]&x=1", "key=abc&x=1"));
        assert!(text_matches("[REDACTED]", "anything"));
        assert!(!text_matches("key=[REDACTED]&x=1", "key=abc&x=2"));
        assert!(text_matches("plain", "plain"));
    }

    #[test]
    fn line_is_sorted_and_readable() {
        assert_eq!(actual().line(), "POST /Api?a=1&b=2");
    }
}
