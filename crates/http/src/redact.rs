//! Scrubbing of secrets from query strings, headers, bodies and error excerpts.

use http::HeaderName;
use serde_json::Value;

use crate::secret::REDACTED;

/// Name fragments that mark a query parameter or JSON key as secret (compared lowercase).
const SECRET_NAME_FRAGMENTS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "authorization",
    "credential",
    "signature",
    "session",
    "cookie",
];

/// Names that are secret only when they match exactly (compared lowercase).
const SECRET_EXACT_NAMES: &[&str] = &["key", "pwd", "sig", "auth"];

/// Response and request headers that may be recorded; everything else is dropped.
const RECORDABLE_HEADERS: &[&str] = &[
    "accept",
    "content-type",
    "content-language",
    "retry-after",
    "location",
    "etag",
    "last-modified",
    "link",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
];

/// How many bytes of an error body an [`HttpError`](crate::HttpError) keeps.
const EXCERPT_LIMIT: usize = 300;

/// Decides what counts as secret for one client.
#[derive(Debug, Clone, Default)]
pub(crate) struct Redactor {
    extra_secret_names: Vec<String>,
}

impl Redactor {
    /// Adds query parameter / JSON key names that are secret for this provider.
    pub(crate) fn with_secret_names<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.extra_secret_names.extend(
            names
                .into_iter()
                .map(|name| name.as_ref().to_ascii_lowercase()),
        );
        self
    }

    /// Whether a query parameter or JSON key with this name holds a secret.
    pub(crate) fn is_secret_name(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        SECRET_EXACT_NAMES.contains(&lower.as_str())
            || SECRET_NAME_FRAGMENTS
                .iter()
                .any(|fragment| lower.contains(fragment))
            || self.extra_secret_names.contains(&lower)
    }

    /// Returns the query pairs sorted, with secret values replaced.
    pub(crate) fn redacted_query(&self, pairs: &[(String, String)]) -> Vec<(String, String)> {
        let mut redacted: Vec<(String, String)> = pairs
            .iter()
            .map(|(name, value)| {
                let value = if self.is_secret_name(name) {
                    REDACTED.to_owned()
                } else {
                    value.clone()
                };
                (name.clone(), value)
            })
            .collect();
        redacted.sort();
        redacted
    }

    /// Values of the secret query parameters, to be scrubbed from free text.
    pub(crate) fn secret_query_values<'a>(&self, pairs: &'a [(String, String)]) -> Vec<&'a str> {
        pairs
            .iter()
            .filter(|(name, value)| self.is_secret_name(name) && !value.is_empty())
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// Replaces the values of secret keys anywhere inside a JSON document.
    pub(crate) fn scrub_json(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map.iter_mut() {
                    if self.is_secret_name(key) && !inner.is_null() {
                        *inner = Value::String(REDACTED.to_owned());
                    } else {
                        self.scrub_json(inner);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.scrub_json(item)),
            _ => {}
        }
    }

    /// A short excerpt of an error body with secret JSON keys and known secret values removed.
    pub(crate) fn error_excerpt(&self, body: &[u8], known_secrets: &[&str]) -> String {
        let text = match serde_json::from_slice::<Value>(body) {
            Ok(mut json) => {
                self.scrub_json(&mut json);
                json.to_string()
            }
            Err(_) => String::from_utf8_lossy(body).into_owned(),
        };
        let text = scrub_known_secrets(&text, known_secrets);
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        truncate_on_char_boundary(&text, EXCERPT_LIMIT)
    }
}

/// Whether a header may appear in recordings.
pub(crate) fn is_recordable_header(name: &HeaderName) -> bool {
    RECORDABLE_HEADERS.contains(&name.as_str())
}

/// Replaces every occurrence of each known secret value in `text`.
pub(crate) fn scrub_known_secrets(text: &str, known_secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in known_secrets {
        // Very short values would blank out ordinary text; they are not worth scrubbing.
        if secret.len() >= 4 {
            out = out.replace(secret, REDACTED);
        }
    }
    out
}

fn truncate_on_char_boundary(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_recognised() {
        let redactor = Redactor::default().with_secret_names(["mandator_pin"]);
        for name in [
            "ApiKey",
            "access_token",
            "password",
            "key",
            "MANDATOR_PIN",
            "X-ApiToken",
        ] {
            assert!(redactor.is_secret_name(name), "{name}");
        }
        for name in ["culture", "jobId", "keyword", "page"] {
            assert!(!redactor.is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn query_is_sorted_and_redacted() {
        let redactor = Redactor::default();
        let pairs = vec![
            ("z".to_owned(), "1".to_owned()),
            ("api_key".to_owned(), "abc123".to_owned()),
            ("a".to_owned(), "2".to_owned()),
        ];
        assert_eq!(
            redactor.redacted_query(&pairs),
            vec![
                ("a".to_owned(), "2".to_owned()),
                ("api_key".to_owned(), REDACTED.to_owned()),
                ("z".to_owned(), "1".to_owned()),
            ]
        );
    }

    #[test]
    fn json_and_excerpts_are_scrubbed() {
        let redactor = Redactor::default();
        let body = br#"{"ApiKey":"k-123456","Nested":[{"Token":"t-abcdef"}],"Message":"echo s3cr3t-value"}"#;
        let excerpt = redactor.error_excerpt(body, &["s3cr3t-value"]);
        assert!(!excerpt.contains("k-123456"));
        assert!(!excerpt.contains("t-abcdef"));
        assert!(!excerpt.contains("s3cr3t-value"));
        assert!(excerpt.contains("Message"));
        let long = "é".repeat(400);
        let excerpt = redactor.error_excerpt(long.as_bytes(), &[]);
        assert!(excerpt.len() <= EXCERPT_LIMIT + '…'.len_utf8());
    }
}
