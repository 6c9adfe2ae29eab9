//! The page frame and small pieces the dashboard pages share (badges, times, forms).

use atsbridge_schema::Timestamp;
use atsbridge_store::{RunStatus, SyncRun};
use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// Where the stylesheet is served.
pub(crate) const STYLESHEET: &str = "/dashboard/assets/dashboard.css";

/// Which top-level section a page belongs to (highlighted in the navigation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Overview,
    Connectors,
    None,
}

/// What the frame of a logged-in page needs.
pub(crate) struct Frame<'a> {
    pub(crate) title: &'a str,
    pub(crate) section: Section,
    /// The session's CSRF token; `None` on the login and setup pages (no logout button).
    pub(crate) csrf: Option<&'a str>,
    /// Reload the page after this many seconds (while a sync is queued or running).
    pub(crate) refresh_seconds: Option<u32>,
}

/// The HTML document around a page's content.
pub(crate) fn page(frame: &Frame<'_>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                @if let Some(seconds) = frame.refresh_seconds {
                    meta http-equiv="refresh" content=(seconds);
                }
                title { (frame.title) " · atsbridge" }
                link rel="stylesheet" href=(STYLESHEET);
            }
            body {
                a.skip-link href="#main" { "Skip to content" }
                header.topbar {
                    div.topbar-inner {
                        a.brand href="/dashboard" aria-label="atsbridge dashboard home" {
                            span.brand-mark aria-hidden="true" { "ab" }
                            span.brand-name { "atsbridge" }
                            span.brand-sub { "Operator dashboard" }
                        }
                        @if let Some(csrf) = frame.csrf {
                            nav aria-label="Main" {
                                ul.nav {
                                    (nav_link("/dashboard", "Overview", frame.section == Section::Overview))
                                    (nav_link("/dashboard/connectors", "Connectors", frame.section == Section::Connectors))
                                }
                            }
                            form.logout method="post" action="/dashboard/logout" {
                                input type="hidden" name="csrf" value=(csrf);
                                button.btn.btn-quiet type="submit" { "Log out" }
                            }
                        }
                    }
                }
                main #main tabindex="-1" { (content) }
            }
        }
    }
}

fn nav_link(href: &str, label: &str, current: bool) -> Markup {
    html! {
        li {
            @if current {
                a href=(href) aria-current="page" { (label) }
            } @else {
                a href=(href) { (label) }
            }
        }
    }
}

/// Tone of a status badge (its colour; the text always says the status too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    Good,
    Bad,
    Busy,
    Neutral,
}

/// A small coloured label.
pub(crate) fn badge(tone: Tone, text: &str) -> Markup {
    let class = match tone {
        Tone::Good => "badge badge-good",
        Tone::Bad => "badge badge-bad",
        Tone::Busy => "badge badge-busy",
        Tone::Neutral => "badge badge-neutral",
    };
    html! { span class=(class) { (text) } }
}

/// The badge of a run status.
pub(crate) fn run_badge(status: RunStatus) -> Markup {
    let tone = match status {
        RunStatus::Succeeded => Tone::Good,
        RunStatus::Failed => Tone::Bad,
        RunStatus::Queued | RunStatus::Running => Tone::Busy,
        RunStatus::Cancelled => Tone::Neutral,
    };
    badge(tone, status.as_str())
}

/// A time as `2026-12-02 13:05 UTC`, in a `<time>` element with the exact value.
pub(crate) fn time(at: Timestamp) -> Markup {
    let datetime = at.as_datetime();
    html! {
        time datetime=(at.to_wire_string()) title=(at.to_wire_string()) {
            (datetime.format("%Y-%m-%d %H:%M UTC").to_string())
        }
    }
}

/// How long ago `at` was, relative to `now`, in words (`3 min ago`).
pub(crate) fn ago(at: Timestamp, now: DateTime<Utc>) -> String {
    let seconds = (now - at.as_datetime()).num_seconds();
    match seconds {
        s if s < 0 => "just now".to_owned(),
        s if s < 60 => format!("{s} s ago"),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s => format!("{} d ago", s / 86_400),
    }
}

/// A run's duration, for a finished run.
pub(crate) fn duration(run: &SyncRun) -> String {
    let Some(finished) = run.finished_at else {
        return "–".to_owned();
    };
    let millis = (finished.as_datetime() - run.started_at.as_datetime()).num_milliseconds();
    match millis {
        m if m < 0 => "–".to_owned(),
        m if m < 1000 => format!("{m} ms"),
        m if m < 60_000 => format!("{:.1} s", m as f64 / 1000.0),
        m => format!("{} min {} s", m / 60_000, (m % 60_000) / 1000),
    }
}

/// Records a run wrote: new, changed, undeleted and deleted ones (unchanged ones are only
/// read), and all it saw.
pub(crate) fn records_written(run: &SyncRun) -> (u64, u64) {
    run.counts.values().fold((0, 0), |(written, seen), c| {
        let changed = c.inserted + c.updated + c.undeleted + c.deleted;
        (written + changed, seen + changed + c.unchanged)
    })
}

/// A number with thin thousands separators (`12 345`).
pub(crate) fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    out
}

/// A POST form that is only a button (with the CSRF token and optional hidden fields).
pub(crate) fn post_button(
    action: &str,
    csrf: &str,
    fields: &[(&str, &str)],
    class: &str,
    label: &str,
) -> Markup {
    html! {
        form.inline-form method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            @for (name, value) in fields {
                input type="hidden" name=(name) value=(value);
            }
            button class=(class) type="submit" { (label) }
        }
    }
}

/// A notice box at the top of a page (`role=status`, so screen readers announce it).
pub(crate) fn notice(tone: Tone, text: &str) -> Markup {
    let class = match tone {
        Tone::Bad => "notice notice-bad",
        Tone::Good => "notice notice-good",
        Tone::Busy | Tone::Neutral => "notice",
    };
    html! { div class=(class) role="status" { (text) } }
}

/// Percent-encodes one path segment (integration ids contain `:`).
pub(crate) fn segment(raw: &str) -> String {
    url::form_urlencoded::byte_serialize(raw.as_bytes()).collect()
}

/// Renders the plain Markdown of coverage guides: paragraphs, `-` and `1.` lists,
/// `` `code` `` and `*emphasis*`. Everything is escaped; nothing else is interpreted.
pub(crate) fn guide_text(text: &str) -> Markup {
    let blocks: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .collect();
    html! {
        @for block in blocks {
            @let lines: Vec<&str> = block.lines().map(str::trim).collect();
            @if lines.iter().all(|l| l.starts_with("- ")) {
                ul { @for line in &lines { li { (inline(&line[2..])) } } }
            } @else if lines.iter().all(|l| ordered_item(l).is_some()) {
                ol { @for line in &lines { li { (inline(ordered_item(line).unwrap_or(line))) } } }
            } @else {
                p { (inline(&lines.join(" "))) }
            }
        }
    }
}

fn ordered_item(line: &str) -> Option<&str> {
    let (number, rest) = line.split_once(". ")?;
    (!number.is_empty() && number.chars().all(|c| c.is_ascii_digit())).then_some(rest)
}

/// `count` and the noun, singular or plural (`1 integration`, `3 integrations`).
pub(crate) fn count_of(count: usize, singular: &str, plural: &str) -> String {
    if count == 1 {
        format!("1 {singular}")
    } else {
        format!("{count} {plural}")
    }
}

/// Inline code and emphasis of one line of coverage text; the text between is escaped.
pub(crate) fn inline(text: &str) -> Markup {
    let mut out = String::new();
    for (i, piece) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(&maud::html! { (piece) }.into_string());
            out.push_str("</code>");
            continue;
        }
        for (j, part) in piece.split('*').enumerate() {
            let escaped = maud::html! { (part) }.into_string();
            if j % 2 == 1 {
                out.push_str("<em>");
                out.push_str(&escaped);
                out.push_str("</em>");
            } else {
                out.push_str(&escaped);
            }
        }
    }
    PreEscaped(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_text_escapes_and_renders_lists() {
        let html = guide_text("Intro with `code` and *stress* <b>.\n\n1. one\n2. two\n\n- a\n- b")
            .into_string();
        assert!(
            html.contains("<p>Intro with <code>code</code> and <em>stress</em> &lt;b&gt;.</p>"),
            "{html}"
        );
        assert!(html.contains("<ol><li>one</li><li>two</li></ol>"), "{html}");
        assert!(html.contains("<ul><li>a</li><li>b</li></ul>"), "{html}");
    }

    #[test]
    fn numbers_get_separators() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(12_345), "12\u{202f}345");
        assert_eq!(number(1_234_567), "1\u{202f}234\u{202f}567");
    }
}
