//! Date-time values written the way eRecruiter's Json.NET serializer writes them.
//!
//! eRecruiter runs on a Windows server in Austria: instants carry the local Vienna offset
//! (`+01:00` in winter, `+02:00` in summer) and up to seven fractional digits (.NET ticks,
//! trailing zeros dropped), while values read back from the database without a kind are written
//! with no offset at all (`1990-05-17T00:00:00`).

use std::fmt::Write as _;

use chrono::{
    DateTime, Datelike, Duration as ChronoDuration, FixedOffset, NaiveDate, NaiveDateTime, Offset,
    Timelike, Utc, Weekday,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date-time as it travels on eRecruiter's wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum WireDateTime {
    /// An instant, written in Vienna local time with its offset.
    Local(DateTime<Utc>),
    /// A wall-clock value without offset (Json.NET `DateTimeKind.Unspecified`).
    Unspecified(NaiveDateTime),
}

impl Default for WireDateTime {
    /// `0001-01-01T00:00:00`, what Json.NET writes for a `DateTime` that was never set.
    fn default() -> Self {
        WireDateTime::Unspecified(
            NaiveDate::from_ymd_opt(1, 1, 1)
                .and_then(|date| date.and_hms_opt(0, 0, 0))
                .unwrap_or(NaiveDateTime::MIN),
        )
    }
}

impl WireDateTime {
    /// The value as a UTC instant (offset-less values are read as Vienna local time).
    pub(crate) fn to_utc(self) -> DateTime<Utc> {
        match self {
            WireDateTime::Local(at) => at,
            WireDateTime::Unspecified(naive) => {
                let guess = naive.and_utc();
                guess - ChronoDuration::seconds(i64::from(vienna_offset(guess).local_minus_utc()))
            }
        }
    }

    /// The string Json.NET would write for this value.
    pub(crate) fn to_wire_string(self) -> String {
        let mut out = String::with_capacity(33);
        match self {
            WireDateTime::Local(at) => {
                let offset = vienna_offset(at);
                let local = at.with_timezone(&offset);
                write_naive(local.naive_local(), &mut out);
                let _ = write!(out, "{}", local.format("%:z"));
            }
            WireDateTime::Unspecified(naive) => write_naive(naive, &mut out),
        }
        out
    }

    /// Parses the ISO-8601 forms a .NET server accepts: with offset or `Z`, without offset,
    /// or a bare date.
    pub(crate) fn parse(text: &str) -> Option<WireDateTime> {
        let text = text.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Some(WireDateTime::Local(at.with_timezone(&Utc)));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
                return Some(WireDateTime::Unspecified(naive));
            }
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .and_then(|date| date.and_hms_opt(0, 0, 0))
            .map(WireDateTime::Unspecified)
    }
}

fn write_naive(naive: NaiveDateTime, out: &mut String) {
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        naive.year(),
        naive.month(),
        naive.day(),
        naive.hour(),
        naive.minute(),
        naive.second()
    );
    let ticks = (naive.nanosecond() % 1_000_000_000) / 100;
    if ticks > 0 {
        let digits = format!("{ticks:07}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

/// The Europe/Vienna offset in force at `at` (EU rule: summer time from the last Sunday of
/// March to the last Sunday of October, switching at 01:00 UTC).
pub(crate) fn vienna_offset(at: DateTime<Utc>) -> FixedOffset {
    let year = at.year();
    let summer = match (last_sunday_utc_1am(year, 3), last_sunday_utc_1am(year, 10)) {
        (Some(start), Some(end)) => at >= start && at < end,
        _ => false,
    };
    let seconds = if summer { 7200 } else { 3600 };
    FixedOffset::east_opt(seconds).unwrap_or_else(|| Utc.fix())
}

fn last_sunday_utc_1am(year: i32, month: u32) -> Option<DateTime<Utc>> {
    let next_month = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let mut day = next_month.pred_opt()?;
    while day.weekday() != Weekday::Sun {
        day = day.pred_opt()?;
    }
    Some(day.and_hms_opt(1, 0, 0)?.and_utc())
}

/// Formats a date with the "d" short-date pattern of the de-AT culture (`01.03.2025`).
pub(crate) fn short_date_de_at(date: NaiveDate) -> String {
    format!("{:02}.{:02}.{:04}", date.day(), date.month(), date.year())
}

/// Parses a custom-field date value: the de-AT short date or an ISO date.
pub(crate) fn parse_short_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%d.%m.%Y")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .or_else(|| WireDateTime::parse(text).map(|value| value.to_utc().date_naive()))
}

impl Serialize for WireDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_wire_string())
    }
}

impl<'de> Deserialize<'de> for WireDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        WireDateTime::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("'{text}' is not a valid date-time")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn local_values_carry_vienna_offset_and_trimmed_ticks() {
        let winter = Utc.with_ymd_and_hms(2025, 11, 8, 7, 22, 40).unwrap()
            + ChronoDuration::nanoseconds(417_493_700);
        assert_eq!(
            WireDateTime::Local(winter).to_wire_string(),
            "2025-11-08T08:22:40.4174937+01:00"
        );
        let summer = Utc.with_ymd_and_hms(2025, 6, 29, 22, 0, 0).unwrap();
        assert_eq!(
            WireDateTime::Local(summer).to_wire_string(),
            "2025-06-30T00:00:00+02:00"
        );
        let half =
            Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap() + ChronoDuration::milliseconds(500);
        assert_eq!(
            WireDateTime::Local(half).to_wire_string(),
            "2025-01-01T01:00:00.5+01:00"
        );
    }

    #[test]
    fn unspecified_values_have_no_offset_and_default_is_year_one() {
        let naive = NaiveDate::from_ymd_opt(1990, 5, 17)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(
            WireDateTime::Unspecified(naive).to_wire_string(),
            "1990-05-17T00:00:00"
        );
        assert_eq!(
            WireDateTime::default().to_wire_string(),
            "0001-01-01T00:00:00"
        );
    }

    #[test]
    fn parse_round_trips_both_forms() {
        for text in [
            "2025-11-08T08:22:40.4174937+01:00",
            "1990-05-17T00:00:00",
            "2025-06-30T00:00:00+02:00",
        ] {
            assert_eq!(WireDateTime::parse(text).unwrap().to_wire_string(), text);
        }
        assert_eq!(
            WireDateTime::parse("2025-03-01T08:30:00Z")
                .unwrap()
                .to_wire_string(),
            "2025-03-01T09:30:00+01:00"
        );
        assert!(WireDateTime::parse("yesterday").is_none());
    }
}
