//! Wire objects: exactly what `/v1/ats/...` serves, field by field.
//!
//! Every key Kombo marks required is always serialized (`null` where nullable); the optional
//! keys of read models are serialized too. Stage objects carry SDK 1.4's `status` and
//! `custom_fields`; `remote_data` and `integration_fields` are always present.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{
    EmailAddress, IntegrationField, JsonObject, Location, PhoneNumber, SocialMediaLink,
};
use crate::enums::{
    ApplicationOutcome, EmploymentType, HiringTeamRole, JobPostingStatus, JobPostingVisibility,
    JobStatus, JobVisibility, OfferStatus, RemoteWorkStatus, SalaryPeriod,
    ScreeningQuestionCategory, StageStatus,
};
use crate::format::QuestionFormatOf;
use crate::serde_util::null_as_default;
use crate::{KomboId, Timestamp};

pub use crate::answer::ApplicationScreeningAnswer;
pub use crate::record::{JobRole, PreconditionOptions};

/// A job as served by `GET /ats/jobs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Job {
    /// Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// Title.
    pub name: Option<String>,
    /// Human-readable requisition code.
    pub job_code: Option<String>,
    /// Description, usually HTML.
    pub description: Option<String>,
    /// Deprecated confidentiality flag.
    pub confidential: Option<bool>,
    /// Expected hours per week.
    pub weekly_hours: Option<f64>,
    /// Kind of contract (open enum).
    pub employment_type: Option<EmploymentType>,
    /// Lifecycle status (open enum).
    pub status: Option<JobStatus>,
    /// Visibility (open enum).
    pub visibility: Option<JobVisibility>,
    /// Category as the provider names it.
    pub category: Option<String>,
    /// Department as the provider names it.
    pub department: Option<String>,
    /// Public posting URL of the ATS.
    pub post_url: Option<String>,
    /// Seniority as the provider names it.
    pub experience_level: Option<String>,
    /// Remote-work policy (open enum).
    pub remote_work_status: Option<RemoteWorkStatus>,
    /// Salary amount.
    pub salary_amount: Option<f64>,
    /// Lower bound of the salary range.
    pub salary_amount_from: Option<f64>,
    /// Upper bound of the salary range.
    pub salary_amount_to: Option<f64>,
    /// Currency.
    pub salary_currency: Option<String>,
    /// Salary period (open enum).
    pub salary_period: Option<SalaryPeriod>,
    /// Where the job is.
    pub location: Option<Location>,
    /// Customer-defined fields.
    pub custom_fields: Option<JsonObject>,
    /// Provider fields enabled for passthrough.
    #[serde(default, deserialize_with = "null_as_default")]
    pub integration_fields: Vec<IntegrationField>,
    /// Link to the job in the ATS.
    pub remote_url: Option<String>,
    /// When the job opened.
    pub opened_at: Option<Timestamp>,
    /// When the job closed or will close.
    pub closed_at: Option<Timestamp>,
    /// Creation time at the provider.
    pub remote_created_at: Option<Timestamp>,
    /// Last update time at the provider.
    pub remote_updated_at: Option<Timestamp>,
    /// Deprecated contact user id.
    pub contact_id: Option<String>,
    /// Raw provider data.
    pub remote_data: Option<JsonObject>,
    /// When this record's own fields last changed.
    pub changed_at: Timestamp,
    /// When the record disappeared at the provider.
    pub remote_deleted_at: Option<Timestamp>,
    /// Stages applications to this job can be in.
    #[serde(default, deserialize_with = "null_as_default")]
    pub stages: Vec<JobStage>,
    /// Screening questions of the job, merged with their per-job settings.
    #[serde(default, deserialize_with = "null_as_default")]
    pub screening_questions: Vec<JobScreeningQuestion>,
    /// Postings of the job.
    #[serde(default, deserialize_with = "null_as_default")]
    pub job_postings: Vec<JobPosting>,
    /// Users working on the job.
    #[serde(default, deserialize_with = "null_as_default")]
    pub hiring_team: Vec<HiringTeamMember>,
}

/// A stage inside `jobs[].stages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JobStage {
    /// Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// Stage name.
    pub name: Option<String>,
    /// Raw provider data.
    pub remote_data: Option<JsonObject>,
    /// Position in the ordered list.
    pub index: Option<i64>,
    /// Whether the stage is active (SDK 1.4 requires the key).
    pub status: Option<StageStatus>,
    /// Customer-defined fields (SDK 1.4 requires the key).
    pub custom_fields: Option<JsonObject>,
}

/// A select option on the wire: Kombo id plus the provider's id and text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WireQuestionOption {
    /// Kombo id; clients answer with it.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: Option<String>,
    /// Text of the option.
    pub name: String,
}

/// A question format on the wire (options carry Kombo ids).
pub type WireQuestionFormat = QuestionFormatOf<WireQuestionOption>;

/// An item of `jobs[].screening_questions`: a question merged with its per-job settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JobScreeningQuestion {
    /// Kombo id of the question.
    pub id: KomboId,
    /// The provider's id of the question.
    pub remote_id: String,
    /// Title.
    pub title: Option<String>,
    /// Extra instructions.
    pub description: Option<String>,
    /// Answer format.
    pub format: Option<WireQuestionFormat>,
    /// EEO or demographic category.
    pub category: Option<ScreeningQuestionCategory>,
    /// Display position.
    pub index: Option<i64>,
    /// Whether an answer is required.
    pub required: Option<bool>,
    /// Kombo id of the question deciding whether this one is shown.
    pub precondition_question_id: Option<KomboId>,
    /// Answers of the precondition question that show this one (option Kombo ids or booleans).
    pub precondition_options: Option<PreconditionOptions>,
}

/// A posting inside `jobs[].job_postings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JobPosting {
    /// Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// Title.
    pub title: Option<String>,
    /// Description in HTML.
    pub description_html: Option<String>,
    /// Status.
    pub status: Option<JobPostingStatus>,
    /// Visibility.
    pub visibility: Option<JobPostingVisibility>,
    /// Public URL.
    pub url: Option<String>,
    /// Raw provider data.
    pub remote_data: Option<JsonObject>,
}

/// A user inside `jobs[].hiring_team`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HiringTeamMember {
    /// Kombo id of the user.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Deprecated role list.
    #[serde(default, deserialize_with = "null_as_default")]
    pub hiring_team_roles: Vec<HiringTeamRole>,
    /// Roles on this job.
    #[serde(default, deserialize_with = "null_as_default")]
    pub job_roles: Vec<JobRole>,
}

/// A candidate as served by `GET /ats/candidates` (also the create-candidate response).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Candidate {
    /// Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Current employer.
    pub company: Option<String>,
    /// Current job title.
    pub title: Option<String>,
    /// Whether the profile is confidential.
    pub confidential: Option<bool>,
    /// Hiring source.
    pub source: Option<String>,
    /// Phone numbers.
    #[serde(default, deserialize_with = "null_as_default")]
    pub phone_numbers: Vec<PhoneNumber>,
    /// Email addresses.
    #[serde(default, deserialize_with = "null_as_default")]
    pub email_addresses: Vec<EmailAddress>,
    /// Social media accounts.
    #[serde(default, deserialize_with = "null_as_default")]
    pub social_media: Vec<SocialMediaLink>,
    /// Where the candidate lives.
    pub location: Option<Location>,
    /// Customer-defined fields.
    pub custom_fields: Option<JsonObject>,
    /// Provider fields enabled for passthrough.
    #[serde(default, deserialize_with = "null_as_default")]
    pub integration_fields: Vec<IntegrationField>,
    /// Link to the candidate in the ATS.
    pub remote_url: Option<String>,
    /// Creation time at the provider.
    pub remote_created_at: Option<Timestamp>,
    /// Last update time at the provider.
    pub remote_updated_at: Option<Timestamp>,
    /// Raw provider data.
    pub remote_data: Option<JsonObject>,
    /// When this record's own fields last changed.
    pub changed_at: Timestamp,
    /// When the record disappeared at the provider.
    pub remote_deleted_at: Option<Timestamp>,
    /// The candidate's applications.
    #[serde(default, deserialize_with = "null_as_default")]
    pub applications: Vec<CandidateApplication>,
    /// The candidate's tags.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<TagRef>,
}

/// An application inside `candidates[].applications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CandidateApplication {
    /// Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// Outcome.
    pub outcome: Option<ApplicationOutcome>,
    /// Rejection reason.
    pub rejection_reason_name: Option<String>,
    /// When it was rejected.
    pub rejected_at: Option<Timestamp>,
    /// Link to the application in the ATS.
    pub remote_url: Option<String>,
    /// When the application's own fields last changed.
    pub changed_at: Timestamp,
    /// Creation time at the provider.
    pub remote_created_at: Option<Timestamp>,
    /// Last update time at the provider.
    pub remote_updated_at: Option<Timestamp>,
    /// Current stage (short form).
    pub current_stage: Option<StageRef>,
    /// The job (short form).
    pub job: Option<JobRef>,
}

/// Short form of a stage: `{id, name, remote_id, index}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StageRef {
    /// Kombo id.
    pub id: KomboId,
    /// Stage name.
    pub name: Option<String>,
    /// The provider's id.
    pub remote_id: String,
    /// Position in the ordered list.
    pub index: Option<i64>,
}

/// Short form of a job: `{id, name, remote_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JobRef {
    /// Kombo id.
    pub id: KomboId,
    /// Title.
    pub name: Option<String>,
    /// The provider's id.
    pub remote_id: String,
}

/// Short form of a tag: `{id, name, remote_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TagRef {
    /// Kombo id.
    pub id: KomboId,
    /// Name.
    pub name: Option<String>,
    /// The provider's id.
    pub remote_id: String,
}

/// An application as served by `GET /ats/applications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Application {
    /// Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// Outcome.
    pub outcome: Option<ApplicationOutcome>,
    /// Rejection reason.
    pub rejection_reason_name: Option<String>,
    /// When it was rejected.
    pub rejected_at: Option<Timestamp>,
    /// Kombo id of the current stage.
    pub current_stage_id: Option<KomboId>,
    /// Kombo id of the job.
    pub job_id: Option<KomboId>,
    /// Kombo id of the candidate.
    pub candidate_id: Option<KomboId>,
    /// Answers to screening questions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub screening_question_answers: Vec<ApplicationScreeningAnswer>,
    /// Customer-defined fields.
    pub custom_fields: Option<JsonObject>,
    /// Provider fields enabled for passthrough.
    #[serde(default, deserialize_with = "null_as_default")]
    pub integration_fields: Vec<IntegrationField>,
    /// Link to the application in the ATS.
    pub remote_url: Option<String>,
    /// When this record's own fields last changed.
    pub changed_at: Timestamp,
    /// When the record disappeared at the provider.
    pub remote_deleted_at: Option<Timestamp>,
    /// Creation time at the provider.
    pub remote_created_at: Option<Timestamp>,
    /// Last update time at the provider.
    pub remote_updated_at: Option<Timestamp>,
    /// Raw provider data.
    pub remote_data: Option<JsonObject>,
    /// The candidate (short form).
    pub candidate: Option<ApplicationCandidate>,
    /// The current stage, with SDK 1.4's `status` and `custom_fields`.
    pub current_stage: Option<ApplicationCurrentStage>,
    /// The job (short form).
    pub job: Option<JobRef>,
    /// Interviews.
    #[serde(default, deserialize_with = "null_as_default")]
    pub interviews: Vec<Interview>,
    /// Offers.
    #[serde(default, deserialize_with = "null_as_default")]
    pub offers: Vec<Offer>,
}

/// The candidate inside `applications[].candidate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApplicationCandidate {
    /// Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Email addresses.
    #[serde(default, deserialize_with = "null_as_default")]
    pub email_addresses: Vec<EmailAddress>,
    /// Phone numbers.
    #[serde(default, deserialize_with = "null_as_default")]
    pub phone_numbers: Vec<PhoneNumber>,
    /// Social media accounts.
    #[serde(default, deserialize_with = "null_as_default")]
    pub social_media: Vec<SocialMediaLink>,
    /// Hiring source.
    pub source: Option<String>,
    /// Link to the candidate in the ATS.
    pub remote_url: Option<String>,
    /// Tags.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<TagRef>,
}

/// The stage inside `applications[].current_stage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApplicationCurrentStage {
    /// Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// Stage name.
    pub name: Option<String>,
    /// Position in the ordered list.
    pub index: Option<i64>,
    /// Whether the stage is active (SDK 1.4 requires the key).
    pub status: Option<StageStatus>,
    /// Customer-defined fields (SDK 1.4 requires the key).
    pub custom_fields: Option<JsonObject>,
}

/// An interview inside `applications[].interviews`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Interview {
    /// Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// Title.
    pub title: Option<String>,
    /// Start time.
    pub starting_at: Option<Timestamp>,
    /// End time.
    pub ending_at: Option<Timestamp>,
    /// Where it takes place.
    pub location: Option<Location>,
    /// Whether it was canceled.
    pub canceled: Option<bool>,
}

/// An offer inside `applications[].offers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Offer {
    /// Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// Status.
    pub status: Option<OfferStatus>,
}

/// An application stage as served by `GET /ats/application-stages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApplicationStage {
    /// Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// Stage name.
    pub name: Option<String>,
    /// Raw provider data.
    pub remote_data: Option<JsonObject>,
    /// When this record's own fields last changed.
    pub changed_at: Timestamp,
    /// When the record disappeared at the provider.
    pub remote_deleted_at: Option<Timestamp>,
    /// Whether the stage is active (SDK 1.4 requires the key).
    pub status: Option<StageStatus>,
    /// Customer-defined fields (SDK 1.4 requires the key).
    pub custom_fields: Option<JsonObject>,
}

/// A tag as served by `GET /ats/tags`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Tag {
    /// Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// Name.
    pub name: Option<String>,
    /// Raw provider data.
    pub remote_data: Option<JsonObject>,
    /// When this record's own fields last changed.
    pub changed_at: Timestamp,
    /// When the record disappeared at the provider.
    pub remote_deleted_at: Option<Timestamp>,
}

/// The application returned by create-application, with the full candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CreatedApplication {
    /// Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// Outcome.
    pub outcome: Option<ApplicationOutcome>,
    /// Rejection reason.
    pub rejection_reason_name: Option<String>,
    /// When it was rejected.
    pub rejected_at: Option<Timestamp>,
    /// Kombo id of the current stage.
    pub current_stage_id: Option<KomboId>,
    /// Kombo id of the job.
    pub job_id: Option<KomboId>,
    /// Kombo id of the candidate.
    pub candidate_id: Option<KomboId>,
    /// Answers to screening questions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub screening_question_answers: Vec<ApplicationScreeningAnswer>,
    /// Customer-defined fields.
    pub custom_fields: Option<JsonObject>,
    /// Provider fields enabled for passthrough.
    #[serde(default, deserialize_with = "null_as_default")]
    pub integration_fields: Vec<IntegrationField>,
    /// Link to the application in the ATS.
    pub remote_url: Option<String>,
    /// When this record's own fields last changed.
    pub changed_at: Timestamp,
    /// When the record disappeared at the provider.
    pub remote_deleted_at: Option<Timestamp>,
    /// Creation time at the provider.
    pub remote_created_at: Option<Timestamp>,
    /// Last update time at the provider.
    pub remote_updated_at: Option<Timestamp>,
    /// Raw provider data.
    pub remote_data: Option<JsonObject>,
    /// The current stage (short form).
    pub current_stage: Option<StageRef>,
    /// The job (short form).
    pub job: Option<JobRef>,
    /// The candidate, in full except its applications.
    pub candidate: Option<CreatedApplicationCandidate>,
}

/// The candidate inside a create-application response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CreatedApplicationCandidate {
    /// Kombo id.
    pub id: KomboId,
    /// The provider's id.
    pub remote_id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Current employer.
    pub company: Option<String>,
    /// Current job title.
    pub title: Option<String>,
    /// Whether the profile is confidential.
    pub confidential: Option<bool>,
    /// Hiring source.
    pub source: Option<String>,
    /// Phone numbers.
    #[serde(default, deserialize_with = "null_as_default")]
    pub phone_numbers: Vec<PhoneNumber>,
    /// Email addresses.
    #[serde(default, deserialize_with = "null_as_default")]
    pub email_addresses: Vec<EmailAddress>,
    /// Social media accounts.
    #[serde(default, deserialize_with = "null_as_default")]
    pub social_media: Vec<SocialMediaLink>,
    /// Where the candidate lives.
    pub location: Option<Location>,
    /// Customer-defined fields.
    pub custom_fields: Option<JsonObject>,
    /// Provider fields enabled for passthrough.
    #[serde(default, deserialize_with = "null_as_default")]
    pub integration_fields: Vec<IntegrationField>,
    /// Link to the candidate in the ATS.
    pub remote_url: Option<String>,
    /// Creation time at the provider.
    pub remote_created_at: Option<Timestamp>,
    /// Last update time at the provider.
    pub remote_updated_at: Option<Timestamp>,
    /// Raw provider data.
    pub remote_data: Option<JsonObject>,
    /// When this record's own fields last changed.
    pub changed_at: Timestamp,
    /// When the record disappeared at the provider.
    pub remote_deleted_at: Option<Timestamp>,
    /// Tags.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<TagRef>,
}
