//! Delta windows for providers that filter lists by modification time: where the next run
//! starts reading, with an overlap for clock skew and writes that land while a run reads.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The time range one delta run reads: records modified at or after `since` (every record
/// when `None`, i.e. on the first run), up to the run's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeltaWindow {
    /// Lower bound to send to the provider (`updated_at >= since`); `None` reads everything.
    pub since: Option<DateTime<Utc>>,
    /// When the run started: the next run's window starts here, minus the overlap.
    pub started_at: DateTime<Utc>,
}

impl DeltaWindow {
    /// The window of a run starting at `now` after a run that started at `previous`
    /// (`None`: no earlier run). The lower bound reaches `overlap` before `previous`, so a
    /// record written while the previous run read, or stamped by a provider clock running
    /// behind ours, is read again rather than missed. A `previous` in the future (a clock
    /// that jumped back) is clamped to `now`.
    pub fn starting(
        previous: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        overlap: Duration,
    ) -> DeltaWindow {
        let overlap = chrono::Duration::from_std(overlap).unwrap_or(chrono::Duration::zero());
        DeltaWindow {
            since: previous.map(|previous| previous.min(now) - overlap),
            started_at: now,
        }
    }

    /// What to store as the state for the next run once this one succeeded.
    pub fn checkpoint(&self) -> DateTime<Utc> {
        self.started_at
    }

    /// Whether the run reads everything (first run, no previous checkpoint).
    pub fn is_full(&self) -> bool {
        self.since.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn the_window_overlaps_the_previous_run_by_the_given_margin() {
        let window = DeltaWindow::starting(
            Some(at("2026-05-01T10:00:00Z")),
            at("2026-05-01T11:00:00Z"),
            Duration::from_secs(300),
        );
        assert_eq!(window.since, Some(at("2026-05-01T09:55:00Z")));
        assert_eq!(window.checkpoint(), at("2026-05-01T11:00:00Z"));
        assert!(!window.is_full());
    }

    #[test]
    fn a_first_run_reads_everything_and_a_future_checkpoint_is_clamped() {
        let now = at("2026-05-01T11:00:00Z");
        assert!(DeltaWindow::starting(None, now, Duration::from_secs(60)).is_full());
        let skewed = DeltaWindow::starting(
            Some(at("2026-05-02T00:00:00Z")),
            now,
            Duration::from_secs(60),
        );
        assert_eq!(skewed.since, Some(at("2026-05-01T10:59:00Z")));
    }
}
