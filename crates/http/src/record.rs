//! Capturing scrubbed request/response pairs, e.g. to write fixtures.

use std::collections::BTreeMap;

pub use atsbridge_connector::{MemoryRecorder, RecordedBody, RecordedExchange, Recorder};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::HeaderMap;

use crate::redact::{Redactor, is_recordable_header};

/// Keeps allow-listed headers whose values are not marked sensitive.
pub(crate) fn recordable_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .filter(|(name, value)| is_recordable_header(name) && !value.is_sensitive())
        .filter_map(|(name, value)| {
            value
                .to_str()
                .ok()
                .map(|text| (name.as_str().to_owned(), text.to_owned()))
        })
        .collect()
}

/// Turns a body into its recorded form, scrubbing JSON keys and known secret values.
pub(crate) fn recorded_body(
    bytes: &[u8],
    redactor: &Redactor,
    known_secrets: &[&str],
) -> Option<RecordedBody> {
    if bytes.is_empty() {
        return None;
    }
    if let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(bytes) {
        redactor.scrub_json(&mut json);
        scrub_json_strings(&mut json, known_secrets);
        return Some(RecordedBody::Json(json));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(RecordedBody::Text(crate::redact::scrub_known_secrets(
            text,
            known_secrets,
        ))),
        Err(_) => Some(RecordedBody::Base64(BASE64.encode(bytes))),
    }
}

/// A token exchange's body for a recording. JSON keeps its shape (so a replay can answer the
/// exchange) with secret-named members, known secrets and every opaque token-like string
/// replaced by `[REDACTED]`; anything else is withheld whole.
pub(crate) fn auth_exchange_body(
    bytes: &[u8],
    redactor: &Redactor,
    known_secrets: &[&str],
) -> Option<RecordedBody> {
    if bytes.is_empty() {
        return None;
    }
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(mut json) => {
            redactor.scrub_json(&mut json);
            scrub_json_strings(&mut json, known_secrets);
            redact_token_like_strings(&mut json);
            Some(RecordedBody::Json(json))
        }
        Err(_) => Some(RecordedBody::Redacted),
    }
}

/// True for strings that could be a credential whatever their member is called: at least 16
/// characters from the alphabet of keys and tokens (letters, digits, `._~+/=-`), no spaces or
/// colons (so dates, URLs and sentences survive).
fn looks_like_token(text: &str) -> bool {
    text.len() >= 16
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._~+/=-".contains(c))
}

fn redact_token_like_strings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) if looks_like_token(text) => {
            *text = crate::secret::REDACTED.to_owned();
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_token_like_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(redact_token_like_strings),
        _ => {}
    }
}

fn scrub_json_strings(value: &mut serde_json::Value, known_secrets: &[&str]) {
    match value {
        serde_json::Value::String(text) => {
            let scrubbed = crate::redact::scrub_known_secrets(text, known_secrets);
            if scrubbed != *text {
                *text = scrubbed;
            }
        }
        serde_json::Value::Array(items) => items
            .iter_mut()
            .for_each(|item| scrub_json_strings(item, known_secrets)),
        serde_json::Value::Object(map) => map
            .values_mut()
            .for_each(|item| scrub_json_strings(item, known_secrets)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_exchanges_keep_their_shape_but_no_credential() {
        let redactor = Redactor::default();
        let body = br#"{"Token":"x","Access":"eyJhbGciOiJIUzI1NiJ9.payload.sig","Expires":"2026-11-29T09:27:19.9625033+01:00","ClientInfo":"my app 1.0","MandatorId":1234}"#;
        let Some(RecordedBody::Json(json)) = auth_exchange_body(body, &redactor, &[]) else {
            panic!("expected JSON");
        };
        assert_eq!(json["Token"], "[REDACTED]", "secret-named member");
        assert_eq!(
            json["Access"], "[REDACTED]",
            "token-like value under any name"
        );
        assert_eq!(json["Expires"], "2026-11-29T09:27:19.9625033+01:00");
        assert_eq!(json["ClientInfo"], "my app 1.0");
        assert_eq!(json["MandatorId"], 1234);
        assert_eq!(
            auth_exchange_body(b"token=abc", &redactor, &[]),
            Some(RecordedBody::Redacted),
            "non-JSON exchanges are withheld whole"
        );
    }
}
