//! The per-model picture of `changed_at`: one row of daily bars per model, as inline SVG
//! (no script, no external image), with the numbers in each bar's tooltip and a summary for
//! screen readers.

use atsbridge_connector::model_title;
use atsbridge_schema::{Model, Timestamp};
use atsbridge_store::DailyChanges;
use chrono::{Duration, NaiveDate};
use maud::{Markup, html};

use super::views::number;

/// Days the chart shows, ending today.
pub(crate) const DAYS: i64 = 30;

const BAR_WIDTH: i64 = 10;
const BAR_GAP: i64 = 3;
const HEIGHT: i64 = 48;

/// The first day the chart shows (midnight UTC, `DAYS - 1` days before `today`).
pub(crate) fn first_day(today: NaiveDate) -> Timestamp {
    let day = today - Duration::days(DAYS - 1);
    Timestamp::from_datetime(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
}

/// One model's changes per day of the window, oldest first.
fn per_day(changes: &[DailyChanges], model: Model, first: NaiveDate) -> Vec<(NaiveDate, u64)> {
    (0..DAYS)
        .map(|offset| {
            let day = first + Duration::days(offset);
            let records = changes
                .iter()
                .filter(|c| c.model == model && c.day.as_datetime().date_naive() == day)
                .map(|c| c.records)
                .sum();
            (day, records)
        })
        .collect()
}

/// The chart for every model that changed in the window, or a sentence saying none did.
pub(crate) fn changed_at_chart(changes: &[DailyChanges], today: NaiveDate) -> Markup {
    let first = today - Duration::days(DAYS - 1);
    let models: Vec<Model> = Model::ALL
        .into_iter()
        .filter(|m| changes.iter().any(|c| c.model == *m))
        .collect();
    if models.is_empty() {
        return html! { p.muted { "No record changed in the last " (DAYS) " days." } };
    }
    let width = DAYS * (BAR_WIDTH + BAR_GAP) - BAR_GAP;
    html! {
        div.chart {
            @for model in models {
                @let days = per_day(changes, model, first);
                @let total: u64 = days.iter().map(|(_, n)| n).sum();
                @let peak = days.iter().max_by_key(|(_, n)| *n).copied().unwrap_or((first, 0));
                @let label = format!(
                    "{}: {} records changed in the last {} days, most on {} ({})",
                    model_title(model), total, DAYS, peak.0, peak.1
                );
                div.chart-row {
                    div.chart-label {
                        span.chart-model { (model_title(model)) }
                        span.chart-total { (number(total)) " changed" }
                    }
                    svg.chart-bars viewBox=(format!("0 0 {width} {HEIGHT}")) role="img" aria-label=(label) preserveAspectRatio="none" {
                        @for (i, (day, records)) in days.iter().enumerate() {
                            @let height = bar_height(*records, peak.1);
                            @let x = i64::try_from(i).unwrap_or(0) * (BAR_WIDTH + BAR_GAP);
                            rect class=(if *records == 0 { "bar bar-empty" } else { "bar" })
                                x=(x) y=(HEIGHT - height) width=(BAR_WIDTH) height=(height) {
                                title { (day) ": " (number(*records)) " records" }
                            }
                        }
                    }
                }
            }
            div.chart-axis aria-hidden="true" {
                span { (first) }
                span { (today) }
            }
        }
    }
}

/// Bar height in the SVG's units: proportional to the peak, at least 2 for any change, a
/// 1-unit baseline for none.
fn bar_height(records: u64, peak: u64) -> i64 {
    if records == 0 || peak == 0 {
        return 1;
    }
    let scaled = (records as f64 / peak as f64 * HEIGHT as f64).round() as i64;
    scaled.clamp(2, HEIGHT)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn change(model: Model, day: NaiveDate, records: u64) -> DailyChanges {
        DailyChanges {
            model,
            day: Timestamp::from_datetime(day.and_hms_opt(0, 0, 0).unwrap().and_utc()),
            records,
        }
    }

    #[test]
    fn the_chart_has_a_bar_per_day_and_a_row_per_changed_model() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let changes = vec![
            change(Model::Job, today, 10),
            change(Model::Job, today - Duration::days(3), 5),
            change(Model::Candidate, today - Duration::days(29), 1),
        ];
        let html = changed_at_chart(&changes, today).into_string();
        assert_eq!(html.matches("<rect").count(), 2 * DAYS as usize);
        assert!(
            html.contains("Jobs: 15 records changed in the last 30 days, most on 2026-12-02 (10)"),
            "{html}"
        );
        assert!(html.contains("2026-11-03: 1 records"), "{html}");
        assert!(!html.contains("Applications"));
        assert_eq!(bar_height(10, 10), HEIGHT);
        assert_eq!(bar_height(1, 1000), 2);
        assert_eq!(bar_height(0, 10), 1);
    }

    #[test]
    fn no_changes_say_so() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert!(
            changed_at_chart(&[], today)
                .into_string()
                .contains("No record changed")
        );
        assert_eq!(
            first_day(today).to_wire_string(),
            "2026-11-03T00:00:00.000Z"
        );
    }
}
