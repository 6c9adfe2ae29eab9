//! Pure functions from Harvest v3 rows to records.

use std::collections::BTreeMap;

use atsbridge_schema::Timestamp;
use atsbridge_schema::common::{EmailAddress, Location, PhoneNumber, SocialMediaLink};
use atsbridge_schema::enums::{ApplicationOutcome, JobStatus, TextDisplayType};
use atsbridge_schema::format::{QuestionFormat, QuestionOption};
use atsbridge_schema::record::{
    ApplicationRecord, ApplicationStageRecord, CandidateRecord, JobPostingRecord, JobRecord,
    JobScreeningQuestionRecord, ScreeningQuestionRecord, TagRecord,
};
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::wire;

/// Greenhouse's web app, for `remote_url` (see `decisions.rs`).
const APP_URL: &str = "https://app.greenhouse.io";

fn stamp(at: Option<DateTime<Utc>>) -> Option<Timestamp> {
    at.map(Timestamp::from)
}

fn raw_object(raw: &Value) -> Option<serde_json::Map<String, Value>> {
    raw.as_object().cloned()
}

/// A job, with its stages (ids in `sort_order`) and its live job post, if any.
pub fn map_job(
    job: &wire::Job,
    raw: &Value,
    stage_ids: Vec<String>,
    post: Option<&wire::JobPost>,
) -> JobRecord {
    JobRecord {
        remote_id: job.id.to_string(),
        name: job.name.clone(),
        job_code: job.requisition_id.clone(),
        confidential: job.confidential,
        status: job.status.as_deref().map(|status| match status {
            "open" => JobStatus::Open,
            "closed" => JobStatus::Closed,
            "draft" => JobStatus::Draft,
            other => JobStatus::Other(other.to_owned()),
        }),
        description: post.and_then(|p| p.content.clone()),
        post_url: post.and_then(|p| p.public_url.clone()),
        remote_url: Some(format!("{APP_URL}/sdash/{}", job.id)),
        opened_at: stamp(job.opened_at),
        closed_at: stamp(job.closed_at),
        remote_created_at: stamp(job.created_at),
        remote_updated_at: stamp(job.updated_at),
        remote_data: raw_object(raw),
        stage_remote_ids: stage_ids,
        job_postings: post.map(map_job_posting).into_iter().collect(),
        ..JobRecord::default()
    }
}

fn map_job_posting(post: &wire::JobPost) -> JobPostingRecord {
    JobPostingRecord {
        remote_id: post.id.to_string(),
        title: post.title.clone(),
        description_html: post.content.clone(),
        url: post.public_url.clone(),
        ..JobPostingRecord::default()
    }
}

/// A job's interview stage.
pub fn map_stage(stage: &wire::Stage, raw: &Value) -> ApplicationStageRecord {
    ApplicationStageRecord {
        remote_id: stage.id.to_string(),
        name: stage.name.clone(),
        index: stage.sort_order,
        remote_data: raw_object(raw),
        ..ApplicationStageRecord::default()
    }
}

/// The question format of a Harvest `answer_type`.
fn question_format(question: &wire::Question) -> QuestionFormat {
    let options = || {
        question
            .options
            .iter()
            .filter_map(|o| {
                Some(QuestionOption {
                    remote_id: o.id?.to_string(),
                    name: o.label.clone().unwrap_or_default(),
                })
            })
            .collect()
    };
    match question.answer_type.as_deref() {
        Some("short_text") => QuestionFormat::Text {
            display_type: Some(TextDisplayType::SingleLine),
            max_length: None,
        },
        Some("long_text") => QuestionFormat::Text {
            display_type: Some(TextDisplayType::MultiLine),
            max_length: None,
        },
        Some("single_select") => QuestionFormat::SingleSelect {
            display_type: None,
            options: options(),
        },
        Some("multi_select") => QuestionFormat::MultiSelect { options: options() },
        Some("boolean") => QuestionFormat::Boolean,
        Some("attachment") => QuestionFormat::File {
            accepted_mime_types: None,
            max_file_size_bytes: None,
        },
        _ => QuestionFormat::Unknown {
            raw_question: serde_json::to_value(&question.answer_type).ok(),
        },
    }
}

/// The custom questions of a job post (default questions have no id and are skipped) as
/// screening questions and their job links; the link id is `<post>-<question>`.
pub fn map_questions(
    post: &wire::JobPost,
) -> Vec<(ScreeningQuestionRecord, JobScreeningQuestionRecord)> {
    let Some(job_id) = post.job_id else {
        return Vec::new();
    };
    post.questions
        .iter()
        .filter_map(|q| q.id.map(|id| (id, q)))
        .enumerate()
        .map(|(index, (id, question))| {
            let screening = ScreeningQuestionRecord {
                remote_id: id.to_string(),
                title: question.label.clone(),
                description: question.description.clone(),
                format: Some(question_format(question)),
                ..ScreeningQuestionRecord::default()
            };
            let link = JobScreeningQuestionRecord {
                remote_id: format!("{}-{id}", post.id),
                job_remote_id: job_id.to_string(),
                question_remote_id: id.to_string(),
                index: Some(index as i64),
                required: question.required,
                ..JobScreeningQuestionRecord::default()
            };
            (screening, link)
        })
        .collect()
}

fn upper(kind: &Option<String>) -> Option<String> {
    kind.as_ref().map(|k| k.to_ascii_uppercase())
}

/// A candidate; tag names become tag ids through the tag dictionary.
pub fn map_candidate(
    candidate: &wire::Candidate,
    raw: &Value,
    tag_ids: &BTreeMap<String, String>,
) -> CandidateRecord {
    CandidateRecord {
        remote_id: candidate.id.to_string(),
        first_name: candidate.first_name.clone(),
        last_name: candidate.last_name.clone(),
        company: candidate.company.clone(),
        title: candidate.title.clone(),
        confidential: candidate.private,
        email_addresses: candidate
            .email_addresses
            .iter()
            .filter(|c| c.value.is_some())
            .map(|c| EmailAddress {
                email_address: c.value.clone(),
                r#type: upper(&c.kind),
            })
            .collect(),
        phone_numbers: candidate
            .phone_numbers
            .iter()
            .filter_map(|c| {
                Some(PhoneNumber {
                    phone_number: c.value.clone()?,
                    r#type: upper(&c.kind),
                })
            })
            .collect(),
        social_media: candidate
            .social_media_addresses
            .iter()
            .filter(|c| c.value.is_some())
            .map(|c| SocialMediaLink {
                link: c.value.clone(),
                r#type: None,
                username: None,
            })
            .collect(),
        location: candidate
            .addresses
            .first()
            .and_then(|a| a.value.clone())
            .map(|raw| Location {
                raw: Some(raw),
                ..Location::default()
            }),
        remote_url: Some(format!("{APP_URL}/people/{}", candidate.id)),
        remote_created_at: stamp(candidate.created_at),
        remote_updated_at: stamp(candidate.updated_at),
        remote_data: raw_object(raw),
        tag_remote_ids: candidate
            .tags
            .iter()
            .filter_map(|name| tag_ids.get(name).cloned())
            .collect(),
        ..CandidateRecord::default()
    }
}

/// An application. `converted` (a prospect promoted to a candidate application) counts as
/// still in process (see `decisions.rs`).
pub fn map_application(application: &wire::Application, raw: &Value) -> ApplicationRecord {
    ApplicationRecord {
        remote_id: application.id.to_string(),
        outcome: application.status.as_deref().map(|status| match status {
            "hired" => ApplicationOutcome::Hired,
            "rejected" => ApplicationOutcome::Declined,
            _ => ApplicationOutcome::Pending,
        }),
        rejected_at: stamp(application.rejected_at),
        job_remote_id: application.job_id.map(|id| id.to_string()),
        candidate_remote_id: application.candidate_id.map(|id| id.to_string()),
        current_stage_remote_id: application.job_interview_stage_id.map(|id| id.to_string()),
        remote_url: application
            .candidate_id
            .map(|c| format!("{APP_URL}/people/{c}?application_id={}", application.id)),
        remote_created_at: stamp(application.created_at),
        remote_updated_at: stamp(application.updated_at),
        remote_data: raw_object(raw),
        ..ApplicationRecord::default()
    }
}

/// A tag of the dictionary.
pub fn map_tag(tag: &wire::Tag) -> TagRecord {
    TagRecord {
        remote_id: tag.id.to_string(),
        name: tag.name.clone(),
        ..TagRecord::default()
    }
}
