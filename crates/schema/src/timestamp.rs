//! UTC timestamps with Kombo's output format and tolerant input parsing.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The output format: `YYYY-MM-DDTHH:mm:ss.sssZ`.
const OUTPUT_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3fZ";

/// A point in time in UTC.
///
/// Serializes as `YYYY-MM-DDTHH:mm:ss.sssZ` (always three fraction digits and `Z`). Parsing
/// ([`Timestamp::parse_flexible`], and therefore deserializing) accepts what the SDKs and raw
/// clients send: RFC 3339 with any fraction length and `Z` or an offset, a datetime without a
/// zone (taken as UTC), and a bare date (midnight UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(DateTime<Utc>);

/// Returned when a string is none of the accepted timestamp forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a timestamp; expected e.g. 2024-01-01T12:00:00.000Z, an RFC 3339 offset, a datetime without zone or a date"
)]
pub struct TimestampError(pub String);

impl Timestamp {
    /// Wraps a UTC datetime.
    pub const fn from_datetime(datetime: DateTime<Utc>) -> Timestamp {
        Timestamp(datetime)
    }

    /// The wrapped UTC datetime.
    pub const fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    /// Parses any of the accepted input forms (see the type documentation).
    pub fn parse_flexible(input: &str) -> Result<Timestamp, TimestampError> {
        let text = input.trim();
        if let Ok(with_zone) = DateTime::parse_from_rfc3339(text) {
            return Ok(Timestamp(with_zone.with_timezone(&Utc)));
        }
        for pattern in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
            if let Ok(with_zone) = DateTime::parse_from_str(text, pattern) {
                return Ok(Timestamp(with_zone.with_timezone(&Utc)));
            }
        }
        for pattern in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
        ] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, pattern) {
                return Ok(Timestamp(naive.and_utc()));
            }
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Timestamp(date.and_time(chrono::NaiveTime::MIN).and_utc()));
        }
        Err(TimestampError(input.to_owned()))
    }

    /// The output form, `YYYY-MM-DDTHH:mm:ss.sssZ`.
    pub fn to_wire_string(&self) -> String {
        self.0.format(OUTPUT_FORMAT).to_string()
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(datetime: DateTime<Utc>) -> Self {
        Timestamp(datetime)
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(timestamp: Timestamp) -> Self {
        timestamp.0
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse_flexible(s)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format(OUTPUT_FORMAT))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Cow::<str>::deserialize(deserializer)?;
        Timestamp::parse_flexible(&raw).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date-time",
            "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$",
        })
    }
}
