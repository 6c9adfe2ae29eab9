//! Query-string parsing for list routes, as Kombo's SDKs send it.
//!
//! - list filters are one parameter holding a comma-joined list (`ids=a%2Cb`); a repeated
//!   parameter (`ids=a&ids=b`) is accepted too; blank values mean "no filter";
//! - booleans are `true` / `false`;
//! - `page_size` is an integer in 1..=250, default 100;
//! - timestamps use [`Timestamp::parse_flexible`] (RFC 3339, naive, bare date); an offset
//!   whose `+` arrived unencoded (and so decoded as a space) is read as the `+` it was;
//! - unknown parameters are ignored.

use std::collections::BTreeMap;
use std::convert::Infallible;

use atsbridge_schema::Timestamp;
use axum::extract::FromRequestParts;
use http::request::Parts;

use crate::cursor::filter_fingerprint;
use crate::error::ApiError;

/// Default page size when `page_size` is absent.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// Largest page size accepted.
pub const MAX_PAGE_SIZE: usize = 250;

/// Parameters that are not filters and never enter the cursor fingerprint.
const NON_FILTER_KEYS: [&str; 2] = ["cursor", "page_size"];
/// `true` / `false` parameters; absent means `false`.
const BOOLEAN_KEYS: [&str; 2] = ["include_deleted", "ignore_unsupported_filters"];
/// Timestamp parameters.
const TIMESTAMP_KEYS: [&str; 2] = ["updated_after", "remote_created_after"];

/// The decoded query string of a request, values grouped by key.
#[derive(Debug, Clone, Default)]
pub struct QueryParams {
    values: BTreeMap<String, Vec<String>>,
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::parse(parts.uri.query().unwrap_or("")))
    }
}

impl QueryParams {
    /// Decodes a raw query string (percent-decoding and `+` as space).
    pub fn parse(raw: &str) -> Self {
        let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            values
                .entry(key.into_owned())
                .or_default()
                .push(value.into_owned());
        }
        Self { values }
    }

    /// The trimmed value of `key` (the last one when repeated); `None` when absent or blank.
    pub fn string(&self, key: &str) -> Option<String> {
        self.values
            .get(key)
            .and_then(|v| v.last())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The comma-joined list in `key` (all occurrences), trimmed, without blanks and duplicates,
    /// in first-seen order; `None` when absent or blank.
    pub fn list(&self, key: &str) -> Option<Vec<String>> {
        let mut items: Vec<String> = Vec::new();
        for raw in self.values.get(key)? {
            for item in raw.split(',') {
                let item = item.trim();
                if !item.is_empty() && !items.iter().any(|seen| seen == item) {
                    items.push(item.to_owned());
                }
            }
        }
        (!items.is_empty()).then_some(items)
    }

    /// A `true` / `false` parameter (case-insensitive), `default` when absent or blank.
    pub fn boolean(&self, key: &str, default: bool) -> Result<bool, ApiError> {
        match self.string(key) {
            None => Ok(default),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(ApiError::input_invalid(format!(
                "`{key}` must be `true` or `false`, got `{v}`"
            ))),
        }
    }

    /// A timestamp parameter in any of the accepted spellings.
    pub fn timestamp(&self, key: &str) -> Result<Option<Timestamp>, ApiError> {
        let Some(raw) = self.string(key) else {
            return Ok(None);
        };
        Timestamp::parse_flexible(&raw)
            // `2024-01-01T12:00:00+02:00` sent without encoding the `+` arrives with a space.
            .or_else(|err| {
                if raw.contains(' ') {
                    Timestamp::parse_flexible(&raw.replace(' ', "+"))
                } else {
                    Err(err)
                }
            })
            .map(Some)
            .map_err(|_| {
                ApiError::input_invalid(format!(
                    "`{key}` must be a date or date-time such as `2024-01-01T00:00:00.000Z`, got `{raw}`"
                ))
            })
    }

    /// `page_size`: an integer in 1..=250, [`DEFAULT_PAGE_SIZE`] when absent.
    pub fn page_size(&self) -> Result<usize, ApiError> {
        let Some(raw) = self.string("page_size") else {
            return Ok(DEFAULT_PAGE_SIZE);
        };
        match raw.parse::<i64>() {
            Ok(n) if (1..=MAX_PAGE_SIZE as i64).contains(&n) => Ok(n as usize),
            _ => Err(ApiError::input_invalid(format!(
                "`page_size` must be an integer between 1 and {MAX_PAGE_SIZE}, got `{raw}`"
            ))),
        }
    }

    /// Fingerprint of `route` and the values of `filter_keys`, used to bind a cursor to the
    /// filters it was issued for.
    ///
    /// Values are normalized so that spellings meaning the same filter match: list items are
    /// sorted, a boolean equal to its default counts as absent, timestamps count by the instant
    /// they name. A value that does not parse is taken as written (it is refused later anyway).
    pub fn fingerprint(&self, route: &str, filter_keys: &[&str]) -> String {
        let mut keys: Vec<&str> = filter_keys
            .iter()
            .copied()
            .filter(|k| !NON_FILTER_KEYS.contains(k))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let parts: Vec<(String, String)> = keys
            .into_iter()
            .filter_map(|key| Some((key.to_owned(), self.normalized(key)?)))
            .collect();
        filter_fingerprint(route, &parts)
    }

    /// The value of `key` in the form [`Self::fingerprint`] compares; `None` when it does not
    /// filter anything.
    fn normalized(&self, key: &str) -> Option<String> {
        if BOOLEAN_KEYS.contains(&key) {
            return match self.boolean(key, false) {
                Ok(false) => None,
                Ok(true) => Some("true".to_owned()),
                Err(_) => self.string(key),
            };
        }
        if TIMESTAMP_KEYS.contains(&key) {
            return match self.timestamp(key) {
                Ok(instant) => instant.map(|t| t.to_wire_string()),
                Err(_) => self.string(key),
            };
        }
        let mut items = self.list(key)?;
        items.sort();
        Some(items.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_as_the_sdks_send_them() {
        let q = QueryParams::parse(
            "ids=a%2Cb&statuses=OPEN%2CCLOSED&remote_ids=x&remote_ids=y%2Cx&email=&page_size=2",
        );
        assert_eq!(q.list("ids").unwrap(), vec!["a", "b"]);
        assert_eq!(q.list("remote_ids").unwrap(), vec!["x", "y"]);
        assert_eq!(q.list("email"), None);
        assert_eq!(q.list("missing"), None);
        assert_eq!(q.page_size().unwrap(), 2);
    }

    #[test]
    fn validates_page_size_and_booleans() {
        assert_eq!(
            QueryParams::parse("").page_size().unwrap(),
            DEFAULT_PAGE_SIZE
        );
        assert_eq!(
            QueryParams::parse("page_size=250").page_size().unwrap(),
            250
        );
        for bad in ["0", "251", "-1", "abc", "1.5"] {
            assert!(
                QueryParams::parse(&format!("page_size={bad}"))
                    .page_size()
                    .is_err(),
                "{bad}"
            );
        }
        let q = QueryParams::parse("include_deleted=true&ignore_unsupported_filters=FALSE&x=maybe");
        assert!(q.boolean("include_deleted", false).unwrap());
        assert!(!q.boolean("ignore_unsupported_filters", true).unwrap());
        assert!(q.boolean("absent", true).unwrap());
        assert!(q.boolean("x", false).is_err());
    }

    #[test]
    fn parses_flexible_timestamps() {
        for raw in [
            "2024-01-01T00%3A00%3A00Z",
            "2024-01-01T00%3A00%3A00.000Z",
            "2024-01-01T02%3A00%3A00%2B02%3A00",
            "2024-01-01T00%3A00%3A00",
            "2024-01-01",
        ] {
            let q = QueryParams::parse(&format!("updated_after={raw}"));
            let ts = q.timestamp("updated_after").unwrap().unwrap();
            assert_eq!(
                ts,
                Timestamp::parse_flexible("2024-01-01T00:00:00Z").unwrap(),
                "{raw}"
            );
        }
        assert!(
            QueryParams::parse("updated_after=yesterday")
                .timestamp("updated_after")
                .is_err()
        );
    }

    #[test]
    fn reads_an_offset_whose_plus_was_not_encoded() {
        let q = QueryParams::parse("updated_after=2024-01-01T02:00:00+02:00");
        assert_eq!(
            q.timestamp("updated_after").unwrap().unwrap(),
            Timestamp::parse_flexible("2024-01-01T00:00:00Z").unwrap()
        );
        assert!(
            QueryParams::parse("updated_after=2024-01-01+yesterday")
                .timestamp("updated_after")
                .is_err()
        );
    }

    #[test]
    fn fingerprint_treats_equivalent_spellings_alike() {
        let keys = [
            "include_deleted",
            "ignore_unsupported_filters",
            "updated_after",
            "statuses",
        ];
        let first = QueryParams::parse(
            "include_deleted=false&ignore_unsupported_filters=false&updated_after=2024-01-01T00%3A00%3A00Z&statuses=OPEN",
        )
        .fingerprint("jobs", &keys);
        let resent = QueryParams::parse("updated_after=2024-01-01T00%3A00%3A00.000Z&statuses=OPEN")
            .fingerprint("jobs", &keys);
        assert_eq!(first, resent);
        let deleted_too =
            QueryParams::parse("include_deleted=TRUE&updated_after=2024-01-01&statuses=OPEN")
                .fingerprint("jobs", &keys);
        assert_ne!(first, deleted_too);
        let later =
            QueryParams::parse("updated_after=2024-01-02&statuses=OPEN").fingerprint("jobs", &keys);
        assert_ne!(first, later);
        let bad =
            QueryParams::parse("include_deleted=maybe&statuses=OPEN").fingerprint("jobs", &keys);
        assert_ne!(bad, resent);
    }

    #[test]
    fn fingerprint_ignores_order_cursor_and_page_size() {
        let keys = ["ids", "statuses", "cursor", "page_size"];
        let a =
            QueryParams::parse("ids=b%2Ca&statuses=OPEN&page_size=2").fingerprint("jobs", &keys);
        let b = QueryParams::parse("statuses=OPEN&ids=a,b&cursor=zzz&page_size=5")
            .fingerprint("jobs", &keys);
        let c = QueryParams::parse("statuses=CLOSED&ids=a,b").fingerprint("jobs", &keys);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
