//! Record queries as SQL, written once for both backends.
//!
//! The list and relation queries are the ones the API issues on every request, so they are
//! built here in one place, against the shared table layout (`records`, `record_keys`,
//! `tracked_applications`), and rendered for a backend by a [`Dialect`]: how placeholders
//! look, how a bound list of strings is matched, and how a substring test is written. Every
//! value is bound, never inlined.

use atsbridge_schema::KomboId;

use crate::keys::RecordKey;
use crate::model::{RecordQuery, RelationQuery, TrackedRestriction};

/// Largest page a list query returns, whatever the caller asks for.
pub(crate) const MAX_LIST_LIMIT: u32 = 10_000;

/// Columns selected by every record read, in the order the backends read them back.
pub(crate) const RECORD_COLUMNS: &str = "r.seq, r.id, r.remote_id, r.document, r.changed_at, \
     r.remote_deleted_at, r.relations_changed_at, r.remote_created_at";

/// A bound parameter, converted by each backend to its own type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param {
    /// A string.
    Text(String),
    /// A 64-bit integer (also timestamps, as microseconds).
    Int(i64),
    /// A list of strings, matched with [`Dialect::in_list`].
    TextList(Vec<String>),
    /// Bytes (API key hashes).
    Bytes(Vec<u8>),
}

/// What differs between the SQL of the backends.
pub(crate) trait Dialect: Sync {
    /// The placeholder of the `n`th parameter (1-based).
    fn placeholder(&self, n: usize) -> String;
    /// `expr` is one of the strings bound at `placeholder`.
    fn in_list(&self, expr: &str, placeholder: &str) -> String;
    /// The string `haystack` contains the string bound at `placeholder`.
    fn contains(&self, haystack: &str, placeholder: &str) -> String;
}

/// SQL text with its parameters, numbered as they are bound.
pub(crate) struct Sql<'d> {
    dialect: &'d dyn Dialect,
    /// The statement text.
    pub(crate) text: String,
    /// The parameters, in placeholder order.
    pub(crate) params: Vec<Param>,
}

impl<'d> Sql<'d> {
    pub(crate) fn new(dialect: &'d dyn Dialect, text: &str) -> Self {
        Self {
            dialect,
            text: text.to_owned(),
            params: Vec::new(),
        }
    }

    /// Binds a parameter and returns its placeholder.
    pub(crate) fn bind(&mut self, param: Param) -> String {
        self.params.push(param);
        self.dialect.placeholder(self.params.len())
    }

    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn bind_text(&mut self, text: &str) -> String {
        self.bind(Param::Text(text.to_owned()))
    }

    fn in_list(&mut self, expr: &str, values: Vec<String>) -> String {
        let placeholder = self.bind(Param::TextList(values));
        self.dialect.in_list(expr, &placeholder)
    }

    /// ` AND <alias>.remote_id IN (tracked applications or their candidates)`.
    fn restrict_to_tracked(&mut self, alias: &str, integration_id: &str, by: TrackedRestriction) {
        let column = match by {
            TrackedRestriction::Applications => "application_remote_id",
            TrackedRestriction::Candidates => "candidate_remote_id",
        };
        let integration = self.bind_text(integration_id);
        self.push(&format!(
            " AND {alias}.remote_id IN (SELECT t.{column} FROM tracked_applications t \
               WHERE t.integration_id = {integration} AND t.{column} IS NOT NULL)"
        ));
    }

    /// ` AND <alias>.seq IN (records whose key matches)`.
    fn key_matches(
        &mut self,
        alias: &str,
        integration_id: &str,
        model: &str,
        key: RecordKey,
        values: &[String],
    ) {
        let integration = self.bind_text(integration_id);
        let model = self.bind_text(model);
        let key_name = self.bind_text(key.as_str());
        let normalized = values.iter().map(|v| key.normalize(v)).collect();
        let matches = self.in_list("k.value", normalized);
        self.push(&format!(
            " AND {alias}.seq IN (SELECT k.seq FROM record_keys k \
               WHERE k.integration_id = {integration} AND k.model = {model} \
                 AND k.key = {key_name} AND {matches})"
        ));
    }
}

/// The SQL of a keyset-paginated [`RecordQuery`].
pub(crate) fn list_query<'d>(dialect: &'d dyn Dialect, query: &RecordQuery) -> Sql<'d> {
    let integration = query.integration_id.as_str();
    let model = query.model.as_str();
    let mut sql = Sql::new(
        dialect,
        &format!("SELECT {RECORD_COLUMNS} FROM records r WHERE "),
    );
    let p = sql.bind_text(integration);
    let m = sql.bind_text(model);
    sql.push(&format!("r.integration_id = {p} AND r.model = {m}"));
    if let Some(after) = query.after_seq {
        let p = sql.bind(Param::Int(after));
        sql.push(&format!(" AND r.seq > {p}"));
    }
    if !query.include_deleted {
        sql.push(" AND r.remote_deleted_at IS NULL");
    }
    if let Some(after) = query.updated_after {
        let p = sql.bind(Param::Int(timestamp_micros(after)));
        sql.push(&format!(" AND r.updated_at > {p}"));
    }
    if let Some(after) = query.remote_created_after {
        let p = sql.bind(Param::Int(timestamp_micros(after)));
        sql.push(&format!(" AND r.remote_created_at > {p}"));
    }
    if let Some(ids) = &query.ids {
        let ids = ids.iter().map(KomboId::to_string).collect();
        let cond = sql.in_list("r.id", ids);
        sql.push(&format!(" AND {cond}"));
    }
    if let Some(remote_ids) = &query.remote_ids {
        let cond = sql.in_list("r.remote_id", remote_ids.clone());
        sql.push(&format!(" AND {cond}"));
    }
    if let Some(by) = query.restrict_to_tracked {
        sql.restrict_to_tracked("r", integration, by);
    }
    for filter in &query.key_filters {
        sql.key_matches("r", integration, model, filter.key, &filter.values);
    }
    if let Some(needle) = &query.name_contains {
        let i = sql.bind_text(integration);
        let m = sql.bind_text(model);
        let k = sql.bind_text(RecordKey::Name.as_str());
        let n = sql.bind(Param::Text(RecordKey::Name.normalize(needle)));
        let contains = dialect.contains("k.value", &n);
        sql.push(&format!(
            " AND r.seq IN (SELECT k.seq FROM record_keys k \
               WHERE k.integration_id = {i} AND k.model = {m} AND k.key = {k} AND {contains})"
        ));
    }
    if let Some(jobs) = &query.applied_to_jobs {
        applied_to_jobs(&mut sql, query, jobs);
    }
    let limit = sql.bind(Param::Int(i64::from(query.limit.min(MAX_LIST_LIMIT))));
    sql.push(&format!(" ORDER BY r.seq LIMIT {limit}"));
    sql
}

/// ` AND r.remote_id IN (candidates of live applications to these jobs)`.
fn applied_to_jobs(sql: &mut Sql<'_>, query: &RecordQuery, jobs: &[String]) {
    let integration = query.integration_id.as_str();
    let i = sql.bind_text(integration);
    let application = sql.bind_text(atsbridge_schema::Model::Application.as_str());
    let job_key = sql.bind_text(RecordKey::JobRemoteId.as_str());
    let candidate_key = sql.bind_text(RecordKey::CandidateRemoteId.as_str());
    let matches = sql.in_list("kj.value", jobs.to_vec());
    sql.push(&format!(
        " AND r.remote_id IN (SELECT kc.value FROM record_keys kj \
           JOIN record_keys kc ON kc.seq = kj.seq AND kc.key = {candidate_key} \
           JOIN records a ON a.seq = kj.seq \
           WHERE kj.integration_id = {i} AND kj.model = {application} AND kj.key = {job_key} \
             AND {matches} AND a.remote_deleted_at IS NULL"
    ));
    if query.restrict_to_tracked.is_some() {
        sql.restrict_to_tracked("a", integration, TrackedRestriction::Applications);
    }
    sql.push(")");
}

/// The SQL of a [`RelationQuery`], driven by the key index.
pub(crate) fn relation_query<'d>(dialect: &'d dyn Dialect, query: &RelationQuery) -> Sql<'d> {
    let integration = query.integration_id.as_str();
    let mut sql = Sql::new(
        dialect,
        &format!("SELECT {RECORD_COLUMNS} FROM records r WHERE "),
    );
    let i = sql.bind_text(integration);
    let m = sql.bind_text(query.model.as_str());
    let k = sql.bind_text(query.key.as_str());
    let normalized = query
        .values
        .iter()
        .map(|v| query.key.normalize(v))
        .collect();
    let matches = sql.in_list("k.value", normalized);
    sql.push(&format!(
        "r.seq IN (SELECT k.seq FROM record_keys k \
           WHERE k.integration_id = {i} AND k.model = {m} AND k.key = {k} AND {matches})"
    ));
    if !query.include_deleted {
        sql.push(" AND r.remote_deleted_at IS NULL");
    }
    if let Some(by) = query.restrict_to_tracked {
        sql.restrict_to_tracked("r", integration, by);
    }
    sql.push(" ORDER BY r.seq");
    sql
}

/// Timestamps are stored as microseconds since the Unix epoch on both backends.
pub(crate) fn timestamp_micros(timestamp: atsbridge_schema::Timestamp) -> i64 {
    timestamp.as_datetime().timestamp_micros()
}
