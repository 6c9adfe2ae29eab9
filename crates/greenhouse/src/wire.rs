//! Harvest v3 rows as tolerant DTOs: every member optional, unknown members ignored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

/// Reads a list that Greenhouse may send as `null` as an empty list.
fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// `GET /v3/jobs`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Job {
    /// Id.
    pub id: u64,
    /// Internal title.
    pub name: Option<String>,
    /// Free-text requisition id.
    pub requisition_id: Option<String>,
    /// Whether only the hiring team sees it.
    pub confidential: Option<bool>,
    /// `open`, `closed` or `draft`.
    pub status: Option<String>,
    /// When it opened.
    pub opened_at: Option<DateTime<Utc>>,
    /// When it closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Last modified.
    pub updated_at: Option<DateTime<Utc>>,
}

/// One option of a select question.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct QuestionOption {
    /// Id.
    pub id: Option<u64>,
    /// Text.
    pub label: Option<String>,
}

/// A question of a job post's application form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Question {
    /// Id; `null` for the default questions (name, email, resume).
    pub id: Option<u64>,
    /// The question.
    pub label: Option<String>,
    /// Help text.
    pub description: Option<String>,
    /// Whether an answer is required.
    pub required: Option<bool>,
    /// `short_text`, `long_text`, `single_select`, `multi_select`, `boolean`, `attachment`, ...
    pub answer_type: Option<String>,
    /// The choices of select questions.
    #[serde(deserialize_with = "list")]
    pub options: Vec<QuestionOption>,
}

/// `GET /v3/job_posts`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct JobPost {
    /// Id.
    pub id: u64,
    /// The job it advertises.
    pub job_id: Option<u64>,
    /// Public title.
    pub title: Option<String>,
    /// HTML description.
    pub content: Option<String>,
    /// Published and its board live.
    pub live: Option<bool>,
    /// `false` for deleted posts.
    pub active: Option<bool>,
    /// Internal (employees only).
    pub internal: Option<bool>,
    /// Public URL.
    pub public_url: Option<String>,
    /// Application questions.
    #[serde(deserialize_with = "list")]
    pub questions: Vec<Question>,
}

/// `GET /v3/job_interview_stages`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Stage {
    /// Id.
    pub id: u64,
    /// The job it belongs to.
    pub job_id: Option<u64>,
    /// Name.
    pub name: Option<String>,
    /// Position within the job.
    pub sort_order: Option<i64>,
}

/// A typed or untyped contact value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Contact {
    /// The address, number or URL.
    pub value: Option<String>,
    /// `personal`, `work`, `mobile`, ... (absent on social media).
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// `GET /v3/candidates`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Candidate {
    /// Id.
    pub id: u64,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Current company.
    pub company: Option<String>,
    /// Current title.
    pub title: Option<String>,
    /// Private candidate.
    pub private: Option<bool>,
    /// Tag names.
    #[serde(deserialize_with = "list")]
    pub tags: Vec<String>,
    /// Emails.
    #[serde(deserialize_with = "list")]
    pub email_addresses: Vec<Contact>,
    /// Phone numbers.
    #[serde(deserialize_with = "list")]
    pub phone_numbers: Vec<Contact>,
    /// Postal addresses.
    #[serde(deserialize_with = "list")]
    pub addresses: Vec<Contact>,
    /// Social media profiles (untyped).
    #[serde(deserialize_with = "list")]
    pub social_media_addresses: Vec<Contact>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Last modified.
    pub updated_at: Option<DateTime<Utc>>,
}

/// `GET /v3/applications`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Application {
    /// Id.
    pub id: u64,
    /// The candidate.
    pub candidate_id: Option<u64>,
    /// The job (null for jobless prospects).
    pub job_id: Option<u64>,
    /// Prospect application.
    pub prospect: Option<bool>,
    /// `in_process`, `rejected`, `hired` or `converted`.
    pub status: Option<String>,
    /// The current stage's definition (`job_interview_stages.id`).
    pub job_interview_stage_id: Option<u64>,
    /// When it was rejected.
    pub rejected_at: Option<DateTime<Utc>>,
    /// Created (the former `applied_at`).
    pub created_at: Option<DateTime<Utc>>,
    /// Last modified.
    pub updated_at: Option<DateTime<Utc>>,
}

/// `GET /v3/candidate_tags`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Tag {
    /// Id.
    pub id: u64,
    /// Unique name.
    pub name: Option<String>,
}
