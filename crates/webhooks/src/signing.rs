//! Standard Webhooks signatures.
//!
//! A message is signed by computing HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`
//! with the key that the endpoint's secret carries in base64 after `whsec_`, and sending the
//! result as `webhook-signature: v1,<base64 signature>`. Receivers recompute it from the raw
//! body and the two other headers, compare in constant time, and refuse timestamps too far
//! from their clock so that a captured message cannot be replayed later.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Header with the message id (the payload's `id`), the same on every retry.
pub const WEBHOOK_ID: &str = "webhook-id";
/// Header with the send time in whole seconds since the Unix epoch.
pub const WEBHOOK_TIMESTAMP: &str = "webhook-timestamp";
/// Header with the space-separated signatures, each `v1,<base64>`.
pub const WEBHOOK_SIGNATURE: &str = "webhook-signature";

/// Why a secret or a signature is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The secret is not `whsec_` followed by a base64 key.
    #[error("the webhook secret is not `whsec_` followed by a base64 key")]
    BadSecret,
    /// No `v1` signature matched the message.
    #[error("no webhook signature matches the message")]
    Mismatch,
    /// The timestamp header is not a number or too far from now.
    #[error("the webhook timestamp is missing, malformed or outside the accepted window")]
    BadTimestamp,
}

/// The HMAC key of a `whsec_…` secret.
fn key_of(secret: &str) -> Result<Vec<u8>, SignatureError> {
    let encoded = secret
        .strip_prefix(atsbridge_store::webhooks::WEBHOOK_SECRET_PREFIX)
        .ok_or(SignatureError::BadSecret)?;
    let key = STANDARD
        .decode(encoded)
        .map_err(|_| SignatureError::BadSecret)?;
    if key.is_empty() {
        return Err(SignatureError::BadSecret);
    }
    Ok(key)
}

fn mac(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> Result<Hmac<Sha256>, SignatureError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| SignatureError::BadSecret)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac)
}

/// The `webhook-signature` header value for a message: `v1,<base64 HMAC-SHA256>`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, SignatureError> {
    let key = key_of(secret)?;
    let tag = mac(&key, id, timestamp, body)?.finalize().into_bytes();
    Ok(format!("v1,{}", STANDARD.encode(tag)))
}

/// Checks a received message: one of the `v1` signatures in `signatures` must match (in
/// constant time), and `timestamp` must lie within `tolerance_seconds` of `now`.
pub fn verify(
    secret: &str,
    id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now: i64,
    tolerance_seconds: i64,
) -> Result<(), SignatureError> {
    let timestamp: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    if (now - timestamp).abs() > tolerance_seconds {
        return Err(SignatureError::BadTimestamp);
    }
    let key = key_of(secret)?;
    for candidate in signatures.split_whitespace() {
        let Some(encoded) = candidate.strip_prefix("v1,") else {
            continue;
        };
        let Ok(tag) = STANDARD.decode(encoded) else {
            continue;
        };
        if mac(&key, id, timestamp, body)?.verify_slice(&tag).is_ok() {
            return Ok(());
        }
    }
    Err(SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The example of the Standard Webhooks specification.
    #[test]
    fn matches_the_standard_webhooks_example() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        verify(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "1614265330",
            &format!("v1,bm9wZQ== {signature}"),
            body,
            1614265330 + 10,
            300,
        )
        .unwrap();
    }

    #[test]
    fn refuses_tampering_old_timestamps_and_bad_secrets() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let signature = sign(secret, "msg_1", 1000, b"{}").unwrap();
        let check = |id, ts, body: &[u8], now| verify(secret, id, ts, &signature, body, now, 300);
        assert_eq!(check("msg_1", "1000", b"{}", 1000), Ok(()));
        assert_eq!(
            check("msg_1", "1000", b"{ }", 1000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            check("msg_2", "1000", b"{}", 1000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            check("msg_1", "1000", b"{}", 2000),
            Err(SignatureError::BadTimestamp)
        );
        assert_eq!(
            sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", 1, b""),
            Err(SignatureError::BadSecret)
        );
    }
}
