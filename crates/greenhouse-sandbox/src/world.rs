//! The sandbox's state: Harvest v3 rows, issued tokens and request counters, plus the list
//! semantics (id-descending, `updated_at` windows, cursors that must come alone).

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A job (`/v3/jobs`).
#[derive(Debug, Clone)]
pub struct Job {
    id: u64,
    name: String,
    requisition_id: String,
    status: String,
    created_at: DateTime<Utc>,
    /// Last modification.
    pub updated_at: DateTime<Utc>,
}

impl Job {
    pub(crate) fn new(id: u64, name: &str, index: usize, status: &str, at: DateTime<Utc>) -> Job {
        Job {
            id,
            name: name.to_owned(),
            requisition_id: format!("REQ-{:03}", index + 1),
            status: status.to_owned(),
            created_at: at,
            updated_at: at,
        }
    }

    pub(crate) fn json(&self) -> Value {
        json!({"id": self.id, "name": self.name, "requisition_id": self.requisition_id, "notes": null,
               "confidential": false, "created_at": ts(self.created_at), "updated_at": ts(self.updated_at),
               "is_template": false, "copied_from_id": null, "opened_at": ts(self.created_at),
               "closed_at": (self.status == "closed").then(|| ts(self.updated_at)),
               "status": self.status, "office_ids": [], "department_id": null,
               "custom_fields": {"employment_type": {"name": "Employment Type", "type": "single_select", "value": "Full-time"}}})
    }
}

/// A job post with its application questions (`/v3/job_posts`).
#[derive(Debug, Clone)]
pub struct JobPost {
    id: u64,
    job_id: u64,
    title: String,
    questions: Vec<Value>,
    at: DateTime<Utc>,
}

impl JobPost {
    pub(crate) fn new(
        id: u64,
        job_id: u64,
        title: &str,
        questions: Vec<Value>,
        at: DateTime<Utc>,
    ) -> JobPost {
        JobPost {
            id,
            job_id,
            title: title.to_owned(),
            questions,
            at,
        }
    }

    pub(crate) fn json(&self) -> Value {
        json!({"id": self.id, "job_id": self.job_id, "title": self.title, "job_board_id": 1, "internal": false,
               "active": true, "live": true, "featured": false, "first_published_at": ts(self.at),
               "content": format!("<p>Join us as {}.</p>", self.title), "internal_content": null, "language": "en",
               "public_url": format!("https://job-boards.greenhouse.example/acme/jobs/{}?gh_jid={}", self.id, self.id),
               "created_at": ts(self.at), "updated_at": ts(self.at), "questions": self.questions})
    }
}

/// A job's interview stage (`/v3/job_interview_stages`).
#[derive(Debug, Clone)]
pub struct Stage {
    id: u64,
    job_id: u64,
    /// The stage's name.
    pub name: String,
    sort_order: i64,
    at: DateTime<Utc>,
}

impl Stage {
    pub(crate) fn new(
        id: u64,
        job_id: u64,
        name: &str,
        sort_order: i64,
        at: DateTime<Utc>,
    ) -> Stage {
        Stage {
            id,
            job_id,
            name: name.to_owned(),
            sort_order,
            at,
        }
    }

    pub(crate) fn job_id(&self) -> u64 {
        self.job_id
    }

    pub(crate) fn json(&self) -> Value {
        json!({"id": self.id, "job_id": self.job_id, "name": self.name, "sort_order": self.sort_order,
               "active": true, "created_at": ts(self.at), "updated_at": ts(self.at)})
    }
}

/// A candidate (`/v3/candidates`).
#[derive(Debug, Clone)]
pub struct Candidate {
    id: u64,
    /// First name.
    pub first_name: String,
    last_name: String,
    pub(crate) company: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) linkedin: Option<String>,
    /// Tag names.
    pub tags: Vec<String>,
    created_at: DateTime<Utc>,
    /// Last modification.
    pub updated_at: DateTime<Utc>,
}

impl Candidate {
    /// The candidate's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    pub(crate) fn new(id: u64, first_name: &str, last_name: &str, at: DateTime<Utc>) -> Candidate {
        Candidate {
            id,
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            company: None,
            title: None,
            email: None,
            phone: None,
            linkedin: None,
            tags: Vec::new(),
            created_at: at,
            updated_at: at,
        }
    }

    pub(crate) fn json(&self) -> Value {
        let emails: Vec<Value> = self
            .email
            .iter()
            .map(|e| json!({"value": e, "type": "personal"}))
            .collect();
        let phones: Vec<Value> = self
            .phone
            .iter()
            .map(|p| json!({"value": p, "type": "mobile"}))
            .collect();
        let social: Vec<Value> = self.linkedin.iter().map(|l| json!({"value": l})).collect();
        json!({"id": self.id, "first_name": self.first_name, "last_name": self.last_name, "preferred_name": null,
               "company": self.company, "title": self.title, "created_at": ts(self.created_at),
               "updated_at": ts(self.updated_at), "last_activity_at": ts(self.updated_at), "private": false,
               "can_email": true, "time_zone": null, "tags": self.tags, "linked_user_ids": [],
               "email_addresses": emails, "phone_numbers": phones, "addresses": [], "website_addresses": [],
               "social_media_addresses": social, "custom_fields": {}})
    }
}

/// An application (`/v3/applications`).
#[derive(Debug, Clone)]
pub struct Application {
    id: u64,
    candidate_id: u64,
    job_id: u64,
    job_interview_stage_id: u64,
    pub(crate) stage_name: Option<String>,
    /// `in_process`, `rejected`, `hired` or `converted`.
    pub status: String,
    rejected_at: Option<DateTime<Utc>>,
    source_id: Option<u64>,
    created_at: DateTime<Utc>,
    /// Last modification.
    pub updated_at: DateTime<Utc>,
}

impl Application {
    pub(crate) fn new(
        id: u64,
        candidate_id: u64,
        job_id: u64,
        stage: u64,
        at: DateTime<Utc>,
    ) -> Application {
        Application {
            id,
            candidate_id,
            job_id,
            job_interview_stage_id: stage,
            stage_name: None,
            status: "in_process".to_owned(),
            rejected_at: None,
            source_id: None,
            created_at: at,
            updated_at: at,
        }
    }

    pub(crate) fn candidate(&self) -> u64 {
        self.candidate_id
    }

    pub(crate) fn set_source(&mut self, source_id: Option<u64>) {
        self.source_id = source_id;
    }

    pub(crate) fn belongs_to(&self, candidate_id: u64, job_id: u64) -> bool {
        self.candidate_id == candidate_id && self.job_id == job_id
    }

    pub(crate) fn reject(&mut self, at: DateTime<Utc>) {
        self.status = "rejected".to_owned();
        self.rejected_at = Some(at);
        self.updated_at = at;
    }

    pub(crate) fn json(&self) -> Value {
        json!({"id": self.id, "candidate_id": self.candidate_id, "job_id": self.job_id, "job_post_id": null,
               "prospect": false, "prospective_job_ids": [], "status": self.status,
               // `stage_id` is deliberately not the stage definition's id (as in Harvest v3).
               "stage_id": self.id * 10 + 1, "stage_name": self.stage_name,
               "job_interview_stage_id": self.job_interview_stage_id, "needs_decision": false,
               "source_id": self.source_id, "referrer_id": null, "recruiter_id": null, "coordinator_id": null,
               "rejected_at": self.rejected_at.map(ts),
               "rejection_reason_id": self.rejected_at.map(|_| 501),
               "created_at": ts(self.created_at), "updated_at": ts(self.updated_at),
               "last_activity_at": ts(self.updated_at), "location_address": null, "answers": [], "custom_fields": {}})
    }
}

/// A tag of the dictionary (`/v3/candidate_tags`).
#[derive(Debug, Clone)]
pub struct Tag {
    id: u64,
    /// Unique, case-sensitive name.
    pub name: String,
    at: DateTime<Utc>,
}

impl Tag {
    pub(crate) fn new(id: u64, name: &str, at: DateTime<Utc>) -> Tag {
        Tag {
            id,
            name: name.to_owned(),
            at,
        }
    }

    pub(crate) fn json(&self) -> Value {
        json!({"id": self.id, "name": self.name, "created_at": ts(self.at), "updated_at": ts(self.at)})
    }
}

/// A tag applied to a candidate (`/v3/applied_candidate_tags`).
#[derive(Debug, Clone)]
pub struct AppliedTag {
    id: u64,
    candidate_id: u64,
    candidate_tag_id: u64,
    at: DateTime<Utc>,
}

impl AppliedTag {
    pub(crate) fn new(
        id: u64,
        candidate_id: u64,
        candidate_tag_id: u64,
        at: DateTime<Utc>,
    ) -> AppliedTag {
        AppliedTag {
            id,
            candidate_id,
            candidate_tag_id,
            at,
        }
    }

    pub(crate) fn pair(&self) -> (u64, u64) {
        (self.candidate_id, self.candidate_tag_id)
    }

    pub(crate) fn json(&self) -> Value {
        json!({"id": self.id, "candidate_id": self.candidate_id, "candidate_tag_id": self.candidate_tag_id,
               "created_at": ts(self.at), "updated_at": ts(self.at)})
    }
}

/// Everything the sandbox holds.
#[derive(Debug, Default)]
pub struct World {
    pub(crate) jobs: BTreeMap<u64, Job>,
    pub(crate) job_posts: BTreeMap<u64, JobPost>,
    pub(crate) stages: BTreeMap<u64, Stage>,
    pub(crate) candidates: BTreeMap<u64, Candidate>,
    pub(crate) applications: BTreeMap<u64, Application>,
    pub(crate) tags: BTreeMap<u64, Tag>,
    /// Applied tags by id.
    pub(crate) applied_tags: BTreeMap<u64, AppliedTag>,
    /// Attachments and notes as received (the sandbox only keeps them).
    pub(crate) attachments: Vec<Value>,
    pub(crate) notes: Vec<Value>,
    /// Issued tokens: token -> (expires at, subject).
    pub(crate) tokens: BTreeMap<String, (DateTime<Utc>, Option<String>)>,
    pub(crate) next_id: u64,
    /// Data requests (`/v3/...`) answered, by path.
    pub(crate) requests: BTreeMap<String, u64>,
}

/// The resources the list route serves.
pub(crate) const RESOURCES: [&str; 7] = [
    "applied_candidate_tags",
    "jobs",
    "job_posts",
    "job_interview_stages",
    "candidates",
    "applications",
    "candidate_tags",
];

/// Why a list request is refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ListError {
    #[error("When passing a cursor, do not include other query params.")]
    CursorWithParams,
    #[error("invalid cursor")]
    BadCursor,
    #[error("per_page must be between 1 and 500")]
    BadPerPage,
    #[error("invalid {0} filter")]
    BadFilter(&'static str),
}

/// One page of a list, and the cursor of the next one.
pub(crate) struct Page {
    pub(crate) rows: Vec<Value>,
    pub(crate) next_cursor: Option<String>,
}

impl World {
    pub(crate) fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        90_000_000 + self.next_id
    }

    /// One page of `resource` for the query `params` (the first request) or a cursor.
    pub(crate) fn list(
        &self,
        resource: &str,
        params: &BTreeMap<String, String>,
    ) -> Result<Page, ListError> {
        match resource {
            "jobs" => page_of(&self.jobs, resource, params),
            "job_posts" => page_of(&self.job_posts, resource, params),
            "job_interview_stages" => page_of(&self.stages, resource, params),
            "candidates" => page_of(&self.candidates, resource, params),
            "applications" => page_of(&self.applications, resource, params),
            "applied_candidate_tags" => page_of(&self.applied_tags, resource, params),
            _ => page_of(&self.tags, resource, params),
        }
    }
}

/// What the list semantics need of a row.
pub(crate) trait Row {
    fn updated(&self) -> DateTime<Utc>;
    fn parent(&self, member: &str) -> Option<u64>;
    fn to_json(&self) -> Value;
}

macro_rules! row {
    ($type:ty, $updated:ident, [$($member:literal => $field:ident),*]) => {
        impl Row for $type {
            fn updated(&self) -> DateTime<Utc> {
                self.$updated
            }
            fn parent(&self, member: &str) -> Option<u64> {
                let _ = member;
                $(if member == $member { return Some(self.$field); })*
                None
            }
            fn to_json(&self) -> Value {
                self.json()
            }
        }
    };
}

row!(Job, updated_at, []);
row!(JobPost, at, ["job_id" => job_id]);
row!(Stage, at, ["job_id" => job_id]);
row!(Candidate, updated_at, []);
row!(Application, updated_at, ["job_id" => job_id, "candidate_id" => candidate_id]);
row!(Tag, at, []);
row!(AppliedTag, at, ["candidate_id" => candidate_id, "candidate_tag_id" => candidate_tag_id]);

fn id_list(text: &str) -> Vec<u64> {
    text.split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect()
}

/// The page semantics of every list: id descending, filters on the first request only.
fn page_of<R: Row>(
    rows: &BTreeMap<u64, R>,
    resource: &str,
    params: &BTreeMap<String, String>,
) -> Result<Page, ListError> {
    let (query, after) = match params.get("cursor") {
        Some(_) if params.len() > 1 => return Err(ListError::CursorWithParams),
        Some(cursor) => decode_cursor(cursor, resource)?,
        None => (params.clone(), None),
    };
    let per_page: usize = match query.get("per_page") {
        None => 100,
        Some(text) => text
            .parse()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .ok_or(ListError::BadPerPage)?,
    };
    let window = match query.get("updated_at") {
        Some(filter) => Some(parse_window(filter)?),
        None => None,
    };
    let ids = query.get("ids").map(|ids| id_list(ids));
    let parents: Vec<(&str, Vec<u64>)> = [
        ("job_ids", "job_id"),
        ("candidate_ids", "candidate_id"),
        ("candidate_tag_ids", "candidate_tag_id"),
    ]
    .into_iter()
    .filter_map(|(param, member)| query.get(param).map(|ids| (member, id_list(ids))))
    .collect();
    let upper = after.unwrap_or(u64::MAX);
    let mut matching = rows
        .range(..upper)
        .rev()
        .filter(|(_, row)| window.as_ref().is_none_or(|w| w.contains(row.updated())))
        .filter(|(id, _)| ids.as_ref().is_none_or(|ids| ids.contains(id)))
        .filter(|(_, row)| {
            parents
                .iter()
                .all(|(member, wanted)| row.parent(member).is_some_and(|p| wanted.contains(&p)))
        });
    let page: Vec<(u64, &R)> = matching
        .by_ref()
        .take(per_page)
        .map(|(id, row)| (*id, row))
        .collect();
    let more = matching.next().is_some();
    let next_cursor = match page.last() {
        Some((last, _)) if more => Some(encode_cursor(resource, &query, *last)),
        _ => None,
    };
    Ok(Page {
        rows: page.into_iter().map(|(_, row)| row.to_json()).collect(),
        next_cursor,
    })
}

/// An `updated_at` window: `gte|<t>`, `lte|<t>`, `gt|<t>`, `lt|<t>`, chained with `|`.
struct Window {
    bounds: Vec<(String, DateTime<Utc>)>,
}

impl Window {
    fn contains(&self, at: DateTime<Utc>) -> bool {
        self.bounds.iter().all(|(op, bound)| match op.as_str() {
            "gte" => at >= *bound,
            "gt" => at > *bound,
            "lte" => at <= *bound,
            _ => at < *bound,
        })
    }
}

fn parse_window(filter: &str) -> Result<Window, ListError> {
    let parts: Vec<&str> = filter.split('|').collect();
    if parts.is_empty() || !parts.len().is_multiple_of(2) {
        return Err(ListError::BadFilter("updated_at"));
    }
    let mut bounds = Vec::new();
    for pair in parts.chunks(2) {
        let op = pair[0];
        if !["gte", "gt", "lte", "lt"].contains(&op) {
            return Err(ListError::BadFilter("updated_at"));
        }
        let at = pair[1]
            .parse::<DateTime<Utc>>()
            .map_err(|_| ListError::BadFilter("updated_at"))?;
        bounds.push((op.to_owned(), at));
    }
    Ok(Window { bounds })
}

fn encode_cursor(resource: &str, query: &BTreeMap<String, String>, after: u64) -> String {
    let payload = json!({"resource": resource, "query": query, "after": after});
    URL_SAFE_NO_PAD.encode(payload.to_string())
}

fn decode_cursor(
    cursor: &str,
    resource: &str,
) -> Result<(BTreeMap<String, String>, Option<u64>), ListError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .map_err(|_| ListError::BadCursor)?;
    let payload: Value = serde_json::from_slice(&bytes).map_err(|_| ListError::BadCursor)?;
    if payload["resource"] != resource {
        return Err(ListError::BadCursor);
    }
    let query =
        serde_json::from_value(payload["query"].clone()).map_err(|_| ListError::BadCursor)?;
    Ok((query, payload["after"].as_u64()))
}
