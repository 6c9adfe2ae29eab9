//! Opaque page cursors.
//!
//! A cursor is URL-safe base64 of a small JSON object holding the sequence number of the last
//! record served and a fingerprint of the filters the first page was asked with. Records are
//! served in sequence order and a record keeps its sequence number when it is updated, so
//! "everything after seq N" stays correct while a sync inserts or updates rows between pages.
//! The SDKs resend every filter with the cursor; a cursor sent with different filters is
//! refused instead of silently mixing two result sets.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Format version written into every cursor.
const CURSOR_VERSION: u8 = 1;

/// Decoded content of a cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageCursor {
    #[serde(rename = "v")]
    version: u8,
    /// Sequence number of the last record on the previous page.
    #[serde(rename = "s")]
    pub after_seq: i64,
    /// Fingerprint of the route and filters (see [`filter_fingerprint`]).
    #[serde(rename = "f")]
    pub fingerprint: String,
}

/// Why a cursor was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    /// Not a cursor this server issued.
    #[error("the cursor is malformed; pass the `next` value of the previous page unchanged")]
    Malformed,
    /// Issued for another route or other filters.
    #[error(
        "the cursor was issued for different filters; repeat the filters of the first page when paginating"
    )]
    FiltersChanged,
}

impl PageCursor {
    /// A cursor continuing after `after_seq` for the given fingerprint.
    pub fn new(after_seq: i64, fingerprint: String) -> Self {
        Self {
            version: CURSOR_VERSION,
            after_seq,
            fingerprint,
        }
    }

    /// The opaque string handed to clients.
    pub fn encode(&self) -> String {
        // Serializing a struct of an integer and strings cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Decodes `raw` and checks it belongs to `expected_fingerprint`.
    pub fn decode(raw: &str, expected_fingerprint: &str) -> Result<Self, CursorError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(raw.trim().trim_end_matches('='))
            .map_err(|_| CursorError::Malformed)?;
        let cursor: PageCursor =
            serde_json::from_slice(&bytes).map_err(|_| CursorError::Malformed)?;
        if cursor.version != CURSOR_VERSION || cursor.after_seq < 0 {
            return Err(CursorError::Malformed);
        }
        if cursor.fingerprint != expected_fingerprint {
            return Err(CursorError::FiltersChanged);
        }
        Ok(cursor)
    }
}

/// Fingerprint of a route and its normalized filters: the first 16 hex digits of a SHA-256.
///
/// `parts` must already be normalized (sorted keys, sorted list values) by the caller.
pub fn filter_fingerprint(route: &str, parts: &[(String, String)]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(route.as_bytes());
    for (key, value) in parts {
        hasher.update([0u8]);
        hasher.update(key.as_bytes());
        hasher.update([1u8]);
        hasher.update(value.as_bytes());
    }
    let digest = hasher.finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks_fingerprint() {
        let fp = filter_fingerprint("jobs", &[("statuses".into(), "OPEN".into())]);
        let other = filter_fingerprint("jobs", &[("statuses".into(), "CLOSED".into())]);
        assert_ne!(fp, other);
        let encoded = PageCursor::new(42, fp.clone()).encode();
        assert_eq!(PageCursor::decode(&encoded, &fp).unwrap().after_seq, 42);
        assert_eq!(
            PageCursor::decode(&encoded, &other),
            Err(CursorError::FiltersChanged)
        );
        assert_eq!(
            PageCursor::decode("not a cursor!", &fp),
            Err(CursorError::Malformed)
        );
        assert_eq!(
            PageCursor::decode(&URL_SAFE_NO_PAD.encode(b"{\"page\":12}"), &fp),
            Err(CursorError::Malformed)
        );
    }

    #[test]
    fn fingerprint_separates_route_and_values() {
        let a = filter_fingerprint("jobs", &[]);
        let b = filter_fingerprint("candidates", &[]);
        assert_ne!(a, b);
        let c = filter_fingerprint("jobs", &[("ids".into(), "ab".into())]);
        let d = filter_fingerprint("jobs", &[("idsa".into(), "b".into())]);
        assert_ne!(c, d);
    }
}
