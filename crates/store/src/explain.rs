//! Statement capture and query plans, to prove that the queries the server issues use indexes.
//!
//! Both stores can keep a log of the record reads they issue (text and bound parameters,
//! see `start_statement_log` on [`SqliteStore`](crate::SqliteStore) and
//! [`PgStore`](crate::PgStore)). `explain_logged` then asks the database for the plan of
//! every distinct logged statement, and [`QueryPlan::full_scans`] names the steps that read
//! all of `records` or `record_keys` instead of searching an index.

use std::sync::Mutex;

use crate::sql::Param;

/// Tables that must never be read in full by a request.
const GUARDED_TABLES: [&str; 2] = ["records", "record_keys"];
/// Aliases the shared queries give those tables (SQLite's plans name the alias).
const GUARDED_ALIASES: [&str; 5] = ["r", "k", "a", "kj", "kc"];

/// The plan of one logged statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryPlan {
    /// The statement as issued, with placeholders.
    pub statement: String,
    /// Its bound parameters, rendered for reading.
    pub params: String,
    /// The plan, one line per step, as the database printed it.
    pub lines: Vec<String>,
    /// The steps that read all of `records` or `record_keys` (empty when every access is an
    /// index search).
    pub full_scans: Vec<String>,
}

impl std::fmt::Display for QueryPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}", self.statement)?;
        writeln!(f, "  params: {}", self.params)?;
        for line in &self.lines {
            writeln!(f, "  | {line}")?;
        }
        Ok(())
    }
}

/// Every full scan of `records` or `record_keys` in `plans`, each with its statement, plan
/// and parameters; empty when all of them use indexes.
pub fn full_scans(plans: &[QueryPlan]) -> Vec<String> {
    plans
        .iter()
        .filter(|plan| !plan.full_scans.is_empty())
        .map(|plan| format!("{}: {}", plan.full_scans.join("; "), plan))
        .collect()
}

/// A logged statement: its text and bound parameters.
pub(crate) type Logged = (String, Vec<Param>);

/// The statements a store issued while its log was on.
#[derive(Default)]
pub(crate) struct StatementLog {
    entries: Mutex<Option<Vec<Logged>>>,
}

impl StatementLog {
    /// Starts (or restarts, empty) the log.
    pub(crate) fn start(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            *entries = Some(Vec::new());
        }
    }

    /// Records a statement if the log is on; `params` is only evaluated then.
    pub(crate) fn record(&self, text: &str, params: impl FnOnce() -> Vec<Param>) {
        if let Ok(mut entries) = self.entries.lock()
            && let Some(entries) = entries.as_mut()
        {
            entries.push((text.to_owned(), params()));
        }
    }

    /// The distinct statements logged so far (same text and parameters once), in order.
    pub(crate) fn distinct(&self) -> Vec<Logged> {
        let Ok(entries) = self.entries.lock() else {
            return Vec::new();
        };
        let mut distinct: Vec<Logged> = Vec::new();
        for entry in entries.iter().flatten() {
            if !distinct.contains(entry) {
                distinct.push(entry.clone());
            }
        }
        distinct
    }
}

/// Parameters as text for [`QueryPlan::params`].
pub(crate) fn render_params(params: &[Param]) -> String {
    let rendered: Vec<String> = params
        .iter()
        .enumerate()
        .map(|(n, param)| {
            let value = match param {
                Param::Text(text) => format!("{text:?}"),
                Param::Int(n) => n.to_string(),
                Param::TextList(list) => format!("{list:?}"),
                Param::Bytes(bytes) => format!("<{} bytes>", bytes.len()),
            };
            format!("${}={value}", n + 1)
        })
        .collect();
    rendered.join(", ")
}

/// Full scans in SQLite's `EXPLAIN QUERY PLAN` details: `SCAN <table or alias>` of a guarded
/// table (with or without `USING INDEX`, which is a full pass over an index). `SEARCH` steps
/// use an index with a condition; `SCAN json_each` reads a bound list.
pub(crate) fn sqlite_full_scans(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|line| {
            let mut words = line.split_whitespace();
            words.next() == Some("SCAN")
                && words.next().is_some_and(|name| {
                    GUARDED_TABLES.contains(&name) || GUARDED_ALIASES.contains(&name)
                })
        })
        .cloned()
        .collect()
}

/// Full scans in PostgreSQL's `EXPLAIN` text: a `Seq Scan` of a guarded table, or an index
/// scan of one without an `Index Cond` (which walks the whole index).
pub(crate) fn postgres_full_scans(lines: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let Some(table) = scanned_table(line) else {
            continue;
        };
        if !GUARDED_TABLES.contains(&table) {
            continue;
        }
        if line.contains("Seq Scan") {
            found.push(line.trim().to_owned());
            continue;
        }
        if line.contains("Bitmap Heap Scan") {
            // Fed by a bitmap index scan, which always has a condition.
            continue;
        }
        // The node's details follow on deeper-indented lines until the next node.
        let has_condition = lines[n + 1..]
            .iter()
            .take_while(|detail| !detail.contains("->"))
            .any(|detail| detail.trim_start().starts_with("Index Cond:"));
        if !has_condition {
            found.push(line.trim().to_owned());
        }
    }
    found
}

/// The table a PostgreSQL scan node reads: the word after ` on ` in `... Scan ... on <table>`.
fn scanned_table(line: &str) -> Option<&str> {
    if !line.contains(" Scan") {
        return None;
    }
    let (_, after) = line.split_once(" on ")?;
    after.split_whitespace().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn sqlite_scans_of_records_are_found() {
        let plan = lines(
            "SEARCH r USING INDEX records_live_by_seq (integration_id=? AND model=?)\n\
             LIST SUBQUERY 1\n\
             SCAN json_each VIRTUAL TABLE INDEX 0:\n\
             SCAN k USING COVERING INDEX record_keys_lookup\n\
             SCAN CONSTANT ROW",
        );
        assert_eq!(
            sqlite_full_scans(&plan),
            vec!["SCAN k USING COVERING INDEX record_keys_lookup"]
        );
    }

    #[test]
    fn postgres_seq_scans_and_unconditioned_index_scans_are_found() {
        let plan = lines(
            "Limit  (cost=0.15..8.17 rows=1 width=200)\n\
             \x20 ->  Index Scan using records_live_by_seq on records r  (cost=0.15..8.17)\n\
             \x20       Index Cond: ((integration_id = $1) AND (model = $2))\n\
             \x20       Filter: (updated_at > $3)\n\
             \x20       ->  Index Only Scan using record_keys_pkey on record_keys k  (cost=1)\n\
             \x20       ->  Seq Scan on tracked_applications t  (cost=1)\n\
             \x20       ->  Seq Scan on records a  (cost=1)",
        );
        assert_eq!(
            postgres_full_scans(&plan),
            vec![
                "->  Index Only Scan using record_keys_pkey on record_keys k  (cost=1)",
                "->  Seq Scan on records a  (cost=1)"
            ]
        );
    }
}
