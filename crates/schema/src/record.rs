//! Records: what connectors produce and the store keeps.
//!
//! A record is flat and addressed by the provider's id (`remote_id`). It carries every unified
//! field of the Kombo object with the same name and type, except the fields the engine owns
//! (`id`, `changed_at`, `remote_deleted_at`) and the embedded objects of other models, which
//! are referenced by remote id instead (`job_remote_id`, `tag_remote_ids` ...).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Model;
use crate::Timestamp;
use crate::answer::ApplicationScreeningAnswer;
use crate::common::{
    EmailAddress, IntegrationField, JsonObject, Location, PhoneNumber, SocialMediaLink,
};
use crate::enums::{
    ApplicationOutcome, EmploymentType, HiringTeamRole, JobPostingStatus, JobPostingVisibility,
    JobRoleScope, JobRoleType, JobStatus, JobVisibility, OfferStatus, RemoteWorkStatus,
    SalaryPeriod, ScreeningQuestionCategory, StageStatus,
};
use crate::format::QuestionFormat;
use crate::serde_util::null_as_default;

/// A job as a connector reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JobRecord {
    /// The provider's id of the job.
    pub remote_id: String,
    /// Title.
    pub name: Option<String>,
    /// Human-readable requisition code.
    pub job_code: Option<String>,
    /// Description, usually HTML.
    pub description: Option<String>,
    /// Deprecated confidentiality flag (prefer `visibility`).
    pub confidential: Option<bool>,
    /// Expected hours per week.
    pub weekly_hours: Option<f64>,
    /// Kind of contract.
    pub employment_type: Option<EmploymentType>,
    /// Lifecycle status.
    pub status: Option<JobStatus>,
    /// Who can see and apply.
    pub visibility: Option<JobVisibility>,
    /// Category or industry, as the provider names it.
    pub category: Option<String>,
    /// Department or team, as the provider names it.
    pub department: Option<String>,
    /// Public posting URL of the ATS.
    pub post_url: Option<String>,
    /// Seniority, as the provider names it.
    pub experience_level: Option<String>,
    /// Remote-work policy.
    pub remote_work_status: Option<RemoteWorkStatus>,
    /// Salary amount.
    pub salary_amount: Option<f64>,
    /// Lower bound of the salary range.
    pub salary_amount_from: Option<f64>,
    /// Upper bound of the salary range.
    pub salary_amount_to: Option<f64>,
    /// Currency, usually ISO 4217.
    pub salary_currency: Option<String>,
    /// Period the salary refers to.
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
    /// Deprecated contact user id (prefer `hiring_team`).
    pub contact_id: Option<String>,
    /// Raw provider data keyed by endpoint path.
    pub remote_data: Option<JsonObject>,
    /// Provider ids of the application stages of this job, in order.
    #[serde(default, deserialize_with = "null_as_default")]
    pub stage_remote_ids: Vec<String>,
    /// Postings of the job.
    #[serde(default, deserialize_with = "null_as_default")]
    pub job_postings: Vec<JobPostingRecord>,
    /// Users working on the job.
    #[serde(default, deserialize_with = "null_as_default")]
    pub hiring_team: Vec<HiringTeamMemberRecord>,
}

/// A posting of a job (part of [`JobRecord`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JobPostingRecord {
    /// The provider's id of the posting.
    pub remote_id: String,
    /// Title of the posting.
    pub title: Option<String>,
    /// Description in HTML.
    pub description_html: Option<String>,
    /// Status.
    pub status: Option<JobPostingStatus>,
    /// Visibility.
    pub visibility: Option<JobPostingVisibility>,
    /// Public URL of the posting.
    pub url: Option<String>,
    /// Raw provider data.
    pub remote_data: Option<JsonObject>,
}

/// A user on a job's hiring team (part of [`JobRecord`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HiringTeamMemberRecord {
    /// The provider's id of the user.
    pub remote_id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Email address, `null` when invalid.
    pub email: Option<String>,
    /// Deprecated role list.
    #[serde(default, deserialize_with = "null_as_default")]
    pub hiring_team_roles: Vec<HiringTeamRole>,
    /// Roles on this job.
    #[serde(default, deserialize_with = "null_as_default")]
    pub job_roles: Vec<JobRole>,
}

/// A role of a user on a job (same shape on the wire).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JobRole {
    /// The provider's id of the role.
    pub remote_id: Option<String>,
    /// The provider's label of the role.
    pub remote_label: Option<String>,
    /// Scope of the role (always `JOB`).
    pub scope: JobRoleScope,
    /// Unified role type, when it can be mapped.
    pub unified_type: Option<JobRoleType>,
}

#[allow(clippy::derivable_impls)] // the enum comes from a macro without `#[default]`
impl Default for JobRoleScope {
    fn default() -> Self {
        JobRoleScope::Job
    }
}

/// A candidate as a connector reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CandidateRecord {
    /// The provider's id of the candidate.
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
    /// Raw provider data keyed by endpoint path.
    pub remote_data: Option<JsonObject>,
    /// Provider ids of the candidate's tags ([`TagRecord`]s).
    #[serde(default, deserialize_with = "null_as_default")]
    pub tag_remote_ids: Vec<String>,
}

/// An application as a connector reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApplicationRecord {
    /// The provider's id of the application.
    pub remote_id: String,
    /// Outcome as far as known.
    pub outcome: Option<ApplicationOutcome>,
    /// Why the candidate was rejected.
    pub rejection_reason_name: Option<String>,
    /// When the application was rejected.
    pub rejected_at: Option<Timestamp>,
    /// Provider id of the job applied to.
    pub job_remote_id: Option<String>,
    /// Provider id of the candidate who applied.
    pub candidate_remote_id: Option<String>,
    /// Provider id of the stage the application is in.
    pub current_stage_remote_id: Option<String>,
    /// Answers to the job's screening questions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub screening_question_answers: Vec<ApplicationScreeningAnswer>,
    /// Customer-defined fields.
    pub custom_fields: Option<JsonObject>,
    /// Provider fields enabled for passthrough.
    #[serde(default, deserialize_with = "null_as_default")]
    pub integration_fields: Vec<IntegrationField>,
    /// Link to the application in the ATS.
    pub remote_url: Option<String>,
    /// Creation time at the provider.
    pub remote_created_at: Option<Timestamp>,
    /// Last update time at the provider.
    pub remote_updated_at: Option<Timestamp>,
    /// Raw provider data keyed by endpoint path.
    pub remote_data: Option<JsonObject>,
    /// Interviews of the application.
    #[serde(default, deserialize_with = "null_as_default")]
    pub interviews: Vec<InterviewRecord>,
    /// Offers made for the application.
    #[serde(default, deserialize_with = "null_as_default")]
    pub offers: Vec<OfferRecord>,
}

/// An interview of an application (part of [`ApplicationRecord`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InterviewRecord {
    /// The provider's id of the interview.
    pub remote_id: String,
    /// Title.
    pub title: Option<String>,
    /// Start time.
    pub starting_at: Option<Timestamp>,
    /// End time.
    pub ending_at: Option<Timestamp>,
    /// Where it takes place.
    pub location: Option<Location>,
    /// Whether it was canceled; `null` when unknown.
    pub canceled: Option<bool>,
}

/// An offer made for an application (part of [`ApplicationRecord`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OfferRecord {
    /// The provider's id of the offer.
    pub remote_id: String,
    /// Status of the offer.
    pub status: Option<OfferStatus>,
}

/// An application stage as a connector reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApplicationStageRecord {
    /// The provider's id of the stage.
    pub remote_id: String,
    /// Name of the stage.
    pub name: Option<String>,
    /// Position in the ordered stage list, when the provider orders stages.
    pub index: Option<i64>,
    /// Whether the stage is still in use.
    pub status: Option<StageStatus>,
    /// Customer-defined fields.
    pub custom_fields: Option<JsonObject>,
    /// Raw provider data keyed by endpoint path.
    pub remote_data: Option<JsonObject>,
}

/// A tag as a connector reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TagRecord {
    /// The provider's id of the tag (its name when the provider has no ids).
    pub remote_id: String,
    /// Name of the tag.
    pub name: Option<String>,
    /// Raw provider data keyed by endpoint path.
    pub remote_data: Option<JsonObject>,
}

/// A screening question, independent of the jobs that ask it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScreeningQuestionRecord {
    /// The provider's id of the question.
    pub remote_id: String,
    /// Title (the question itself).
    pub title: Option<String>,
    /// Extra instructions; may contain HTML.
    pub description: Option<String>,
    /// Answer format; select options carry provider ids.
    pub format: Option<QuestionFormat>,
    /// Special category (EEO or demographic).
    pub category: Option<ScreeningQuestionCategory>,
}

/// Values of the precondition question that make a question visible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PreconditionOptions {
    /// Option ids of a select precondition question (remote ids in records, Kombo ids on the wire).
    OptionIds(Vec<String>),
    /// `[true]` or `[false]` for a boolean precondition question.
    Booleans(Vec<bool>),
}

/// The link between a job and a screening question it asks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JobScreeningQuestionRecord {
    /// The provider's id of the link (for example `<job>:<question>` when it has none).
    pub remote_id: String,
    /// Provider id of the job.
    pub job_remote_id: String,
    /// Provider id of the question.
    pub question_remote_id: String,
    /// Display position.
    pub index: Option<i64>,
    /// Whether an answer is required.
    pub required: Option<bool>,
    /// Provider id of the question whose answer decides whether this one is shown.
    pub precondition_question_remote_id: Option<String>,
    /// Answers of the precondition question that show this one (option remote ids or booleans).
    pub precondition_options: Option<PreconditionOptions>,
}

/// Any record, tagged with its model: `{"model": "job", "record": {...}}`.
// Records are moved in batches; boxing the large variants would only add noise for connectors.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "model", content = "record", rename_all = "snake_case")]
pub enum UnifiedRecord {
    /// A job.
    Job(JobRecord),
    /// A candidate.
    Candidate(CandidateRecord),
    /// An application.
    Application(ApplicationRecord),
    /// An application stage.
    ApplicationStage(ApplicationStageRecord),
    /// A tag.
    Tag(TagRecord),
    /// A screening question.
    ScreeningQuestion(ScreeningQuestionRecord),
    /// A job-to-question link.
    JobScreeningQuestion(JobScreeningQuestionRecord),
}

impl UnifiedRecord {
    /// The model of the record.
    pub const fn model(&self) -> Model {
        match self {
            UnifiedRecord::Job(_) => Model::Job,
            UnifiedRecord::Candidate(_) => Model::Candidate,
            UnifiedRecord::Application(_) => Model::Application,
            UnifiedRecord::ApplicationStage(_) => Model::ApplicationStage,
            UnifiedRecord::Tag(_) => Model::Tag,
            UnifiedRecord::ScreeningQuestion(_) => Model::ScreeningQuestion,
            UnifiedRecord::JobScreeningQuestion(_) => Model::JobScreeningQuestion,
        }
    }

    /// The provider's id of the record.
    pub fn remote_id(&self) -> &str {
        match self {
            UnifiedRecord::Job(r) => &r.remote_id,
            UnifiedRecord::Candidate(r) => &r.remote_id,
            UnifiedRecord::Application(r) => &r.remote_id,
            UnifiedRecord::ApplicationStage(r) => &r.remote_id,
            UnifiedRecord::Tag(r) => &r.remote_id,
            UnifiedRecord::ScreeningQuestion(r) => &r.remote_id,
            UnifiedRecord::JobScreeningQuestion(r) => &r.remote_id,
        }
    }
}

macro_rules! into_unified {
    ($($record:ident => $variant:ident),+ $(,)?) => {
        $(impl From<$record> for UnifiedRecord {
            fn from(record: $record) -> Self {
                UnifiedRecord::$variant(record)
            }
        })+
    };
}

into_unified! {
    JobRecord => Job,
    CandidateRecord => Candidate,
    ApplicationRecord => Application,
    ApplicationStageRecord => ApplicationStage,
    TagRecord => Tag,
    ScreeningQuestionRecord => ScreeningQuestion,
    JobScreeningQuestionRecord => JobScreeningQuestion,
}
