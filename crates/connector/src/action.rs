//! Inputs and outputs of the write actions.
//!
//! The server prepares the inputs: every Kombo id in the request is resolved to the provider's
//! remote id, every attachment is downloaded (or base64-decoded) into bytes, screening answers
//! come with the question they answer, and the source name is settled (request, else the
//! integration default). What needs no resolving is read from the original request `body`.
//!
//! Outputs are records (plus warnings), so the server can store them, mint ids and answer at
//! once.

use std::fmt;

use atsbridge_schema::action::{
    AddResultLinkRequest, CreateApplicationRequest, CreateCandidateRequest, TypedAnswer,
};
use atsbridge_schema::enums::AttachmentType;
use atsbridge_schema::record::{
    ApplicationRecord, CandidateRecord, ScreeningQuestionRecord, UnifiedRecord,
};
use bytes::Bytes;

/// A file to upload, already in memory.
#[derive(Clone, PartialEq)]
pub struct AttachmentPayload {
    /// File name, e.g. `Resume.pdf`.
    pub name: String,
    /// MIME type, when known.
    pub content_type: Option<String>,
    /// What the file is (CV, cover letter, other).
    pub kind: AttachmentType,
    /// The file content.
    pub data: Bytes,
}

impl fmt::Debug for AttachmentPayload {
    // The content is personal data; show only its size.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttachmentPayload")
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("kind", &self.kind)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// The answer part of a resolved screening answer.
#[derive(Debug, Clone, PartialEq)]
pub enum ScreeningAnswerValue {
    /// The answer read with the question's format (never [`TypedAnswer::File`]; file answers
    /// arrive as [`ScreeningAnswerValue::File`]).
    Typed(TypedAnswer),
    /// A file answer, already downloaded.
    File(AttachmentPayload),
    /// The answer as sent, when the question's format is unknown; the connector decides.
    Raw(serde_json::Value),
}

/// A screening answer together with the question it answers.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedScreeningAnswer {
    /// The question, as last synced (its `remote_id` and `format` matter most).
    pub question: ScreeningQuestionRecord,
    /// The answer.
    pub answer: ScreeningAnswerValue,
}

/// Input of [`Connector::create_application`](crate::Connector::create_application).
#[derive(Debug, Clone, PartialEq)]
pub struct CreateApplicationInput {
    /// The job to apply to, as the provider's id.
    pub job_remote_id: String,
    /// The requested stage, as the provider's id.
    pub stage_remote_id: Option<String>,
    /// Screening answers with their questions.
    pub screening_answers: Vec<ResolvedScreeningAnswer>,
    /// Attachments, downloaded.
    pub attachments: Vec<AttachmentPayload>,
    /// The source to write ("Source Writing"): the request's, else the integration default.
    pub source_name: Option<String>,
    /// The original request; read candidate, GDPR consent and remote fields from here.
    pub body: CreateApplicationRequest,
}

/// Input of [`Connector::create_candidate`](crate::Connector::create_candidate).
#[derive(Debug, Clone, PartialEq)]
pub struct CreateCandidateInput {
    /// The job of the candidate's application, as the provider's id.
    pub job_remote_id: String,
    /// The requested stage, as the provider's id.
    pub stage_remote_id: Option<String>,
    /// Screening answers with their questions.
    pub screening_answers: Vec<ResolvedScreeningAnswer>,
    /// Attachments, downloaded.
    pub attachments: Vec<AttachmentPayload>,
    /// The source to write ("Source Writing"): the request's, else the integration default.
    pub source_name: Option<String>,
    /// The original request; read candidate, GDPR consent and remote fields from here.
    pub body: CreateCandidateRequest,
}

/// Input of the add/remove tag actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateTagInput {
    /// The candidate, as the provider's id.
    pub candidate_remote_id: String,
    /// The tag's name (the connector finds or creates the provider's tag).
    pub tag_name: String,
}

/// Input of [`Connector::add_application_attachment`](crate::Connector::add_application_attachment).
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationAttachmentInput {
    /// The application, as the provider's id.
    pub application_remote_id: String,
    /// Its candidate, as the provider's id (for providers that attach to candidates).
    pub candidate_remote_id: Option<String>,
    /// The file.
    pub attachment: AttachmentPayload,
}

/// Input of [`Connector::add_candidate_attachment`](crate::Connector::add_candidate_attachment).
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateAttachmentInput {
    /// The candidate, as the provider's id.
    pub candidate_remote_id: String,
    /// The file.
    pub attachment: AttachmentPayload,
}

/// Input of [`Connector::add_application_result_link`](crate::Connector::add_application_result_link).
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationResultLinkInput {
    /// The application, as the provider's id.
    pub application_remote_id: String,
    /// Its candidate, as the provider's id (for providers that store links on candidates).
    pub candidate_remote_id: Option<String>,
    /// Label, URL and details as sent.
    pub link: AddResultLinkRequest,
}

/// Input of [`Connector::add_candidate_result_link`](crate::Connector::add_candidate_result_link).
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateResultLinkInput {
    /// The candidate, as the provider's id.
    pub candidate_remote_id: String,
    /// Label, URL and details as sent.
    pub link: AddResultLinkRequest,
}

/// Output of [`Connector::create_application`](crate::Connector::create_application).
#[derive(Debug, Clone, PartialEq)]
pub struct CreatedApplication {
    /// The candidate, new or reused, as the provider now has it.
    pub candidate: CandidateRecord,
    /// The created application.
    pub application: ApplicationRecord,
    /// Other records the action created or changed (e.g. tags).
    pub related: Vec<UnifiedRecord>,
    /// Things the caller should know (e.g. an answer that could not be submitted).
    pub warnings: Vec<String>,
}

/// Output of [`Connector::create_candidate`](crate::Connector::create_candidate).
#[derive(Debug, Clone, PartialEq)]
pub struct CreatedCandidate {
    /// The created candidate.
    pub candidate: CandidateRecord,
    /// Its applications (the one created with it, when a job was given).
    pub applications: Vec<ApplicationRecord>,
    /// Other records the action created or changed.
    pub related: Vec<UnifiedRecord>,
    /// Things the caller should know.
    pub warnings: Vec<String>,
}

/// Output of the actions that change existing records (tags, attachments, result links).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionOutcome {
    /// Records the action created or changed, as the provider now has them (e.g. the
    /// candidate with its new tag and the tag itself); may be empty.
    pub records: Vec<UnifiedRecord>,
    /// Things the caller should know (e.g. "attached to the candidate instead").
    pub warnings: Vec<String>,
}
