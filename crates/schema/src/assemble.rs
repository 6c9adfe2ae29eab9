//! Pure functions that build wire objects from records.
//!
//! The caller (the server) loads the records, their [`RecordMeta`] and the related records,
//! assembles the nested objects first and hands them to the parent's function. Ids of
//! referenced objects are minted with an [`IdMinter`], so a reference to a record that is not
//! stored (yet) still gets the id the record will have.

use crate::common::IntegrationField;
use crate::format::{QuestionFormat, QuestionOption};
use crate::record::{
    ApplicationRecord, ApplicationStageRecord, CandidateRecord, HiringTeamMemberRecord,
    InterviewRecord, JobPostingRecord, JobRecord, JobScreeningQuestionRecord, OfferRecord,
    PreconditionOptions, ScreeningQuestionRecord, TagRecord,
};
use crate::wire;
use crate::{KomboId, Model, Timestamp};

/// Scope for ids of job postings (not one of the seven models).
pub const JOB_POSTING_SCOPE: &str = "job_posting";
/// Scope for ids of hiring-team users.
pub const USER_SCOPE: &str = "user";
/// Scope for ids of interviews.
pub const INTERVIEW_SCOPE: &str = "interview";
/// Scope for ids of offers.
pub const OFFER_SCOPE: &str = "offer";
/// Scope for ids of screening-question options.
pub const QUESTION_OPTION_SCOPE: &str = "screening_question_option";
/// Scope for ids of the `integration_fields` items of jobs, candidates and applications.
pub const INTEGRATION_FIELD_SCOPE: &str = "integration_field";

/// What the engine owns about a stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordMeta {
    /// Kombo id of the record.
    pub id: KomboId,
    /// When the record's own fields last changed.
    pub changed_at: Timestamp,
    /// When the record disappeared at the provider.
    pub remote_deleted_at: Option<Timestamp>,
}

/// Mints Kombo ids for one integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdMinter {
    integration_id: String,
}

impl IdMinter {
    /// A minter for `integration_id`.
    pub fn new(integration_id: impl Into<String>) -> Self {
        IdMinter {
            integration_id: integration_id.into(),
        }
    }

    /// The integration the ids belong to.
    pub fn integration_id(&self) -> &str {
        &self.integration_id
    }

    /// The id of the `model` record with `remote_id`.
    pub fn mint(&self, model: Model, remote_id: &str) -> KomboId {
        KomboId::derive(&self.integration_id, model, remote_id)
    }

    /// The id of a nested object that is not one of the seven models (see the `*_SCOPE` constants).
    pub fn mint_scoped(&self, scope: &str, remote_id: &str) -> KomboId {
        KomboId::derive_scoped(&self.integration_id, scope, remote_id)
    }

    /// The id of option `option_remote_id` of question `question_remote_id`.
    pub fn mint_option(&self, question_remote_id: &str, option_remote_id: &str) -> KomboId {
        let key = format!(
            "{}:{question_remote_id}{option_remote_id}",
            question_remote_id.len()
        );
        self.mint_scoped(QUESTION_OPTION_SCOPE, &key)
    }

    /// The id of the integration field `field_id` (the provider's identifier of the field, as
    /// a record holds it) of `model`.
    ///
    /// The id names the field, not one record's value of it: every record of the model that
    /// carries the field serves the same id, and `/integrations/{id}/integration-fields`
    /// lists it under that id. The model is part of the key because the same provider member
    /// name may exist on several objects (a job's and an applicant's `Tags` are different
    /// fields); model names contain no `/`, so no other pair produces the same key.
    pub fn mint_integration_field(&self, model: Model, field_id: &str) -> KomboId {
        let key = format!("{}/{field_id}", model.as_str());
        self.mint_scoped(INTEGRATION_FIELD_SCOPE, &key)
    }
}

/// The wire form of a record's `integration_fields`: each item's `id` (the provider's
/// identifier of the field) is replaced by the field's Kombo id, which is the same in every
/// record of `model`.
pub fn assemble_integration_fields(
    model: Model,
    fields: &[IntegrationField],
    ids: &IdMinter,
) -> Vec<IntegrationField> {
    fields
        .iter()
        .map(|field| IntegrationField {
            id: ids.mint_integration_field(model, &field.id).into_string(),
            ..field.clone()
        })
        .collect()
}

/// Builds a job; `screening_questions` and `stages` are assembled by the caller, in order.
pub fn assemble_job(
    record: &JobRecord,
    meta: &RecordMeta,
    ids: &IdMinter,
    screening_questions: Vec<wire::JobScreeningQuestion>,
    stages: Vec<wire::JobStage>,
) -> wire::Job {
    wire::Job {
        id: meta.id.clone(),
        remote_id: record.remote_id.clone(),
        name: record.name.clone(),
        job_code: record.job_code.clone(),
        description: record.description.clone(),
        confidential: record.confidential,
        weekly_hours: record.weekly_hours,
        employment_type: record.employment_type.clone(),
        status: record.status.clone(),
        visibility: record.visibility.clone(),
        category: record.category.clone(),
        department: record.department.clone(),
        post_url: record.post_url.clone(),
        experience_level: record.experience_level.clone(),
        remote_work_status: record.remote_work_status.clone(),
        salary_amount: record.salary_amount,
        salary_amount_from: record.salary_amount_from,
        salary_amount_to: record.salary_amount_to,
        salary_currency: record.salary_currency.clone(),
        salary_period: record.salary_period.clone(),
        location: record.location.clone(),
        custom_fields: record.custom_fields.clone(),
        integration_fields: assemble_integration_fields(
            Model::Job,
            &record.integration_fields,
            ids,
        ),
        remote_url: record.remote_url.clone(),
        opened_at: record.opened_at,
        closed_at: record.closed_at,
        remote_created_at: record.remote_created_at,
        remote_updated_at: record.remote_updated_at,
        contact_id: record.contact_id.clone(),
        remote_data: record.remote_data.clone(),
        changed_at: meta.changed_at,
        remote_deleted_at: meta.remote_deleted_at,
        stages,
        screening_questions,
        job_postings: record
            .job_postings
            .iter()
            .map(|posting| assemble_job_posting(posting, ids))
            .collect(),
        hiring_team: record
            .hiring_team
            .iter()
            .map(|member| assemble_hiring_team_member(member, ids))
            .collect(),
    }
}

fn assemble_job_posting(posting: &JobPostingRecord, ids: &IdMinter) -> wire::JobPosting {
    wire::JobPosting {
        id: ids.mint_scoped(JOB_POSTING_SCOPE, &posting.remote_id),
        remote_id: posting.remote_id.clone(),
        title: posting.title.clone(),
        description_html: posting.description_html.clone(),
        status: posting.status,
        visibility: posting.visibility,
        url: posting.url.clone(),
        remote_data: posting.remote_data.clone(),
    }
}

fn assemble_hiring_team_member(
    member: &HiringTeamMemberRecord,
    ids: &IdMinter,
) -> wire::HiringTeamMember {
    wire::HiringTeamMember {
        id: ids.mint_scoped(USER_SCOPE, &member.remote_id),
        remote_id: member.remote_id.clone(),
        first_name: member.first_name.clone(),
        last_name: member.last_name.clone(),
        email: member.email.clone(),
        hiring_team_roles: member.hiring_team_roles.clone(),
        job_roles: member.job_roles.clone(),
    }
}

/// Builds an item of `jobs[].stages` (always with `status` and `custom_fields`).
pub fn assemble_job_stage(record: &ApplicationStageRecord, ids: &IdMinter) -> wire::JobStage {
    wire::JobStage {
        id: ids.mint(Model::ApplicationStage, &record.remote_id),
        remote_id: record.remote_id.clone(),
        name: record.name.clone(),
        remote_data: record.remote_data.clone(),
        index: record.index,
        status: record.status,
        custom_fields: record.custom_fields.clone(),
    }
}

/// Converts a record's question format to the wire, minting option ids.
pub fn assemble_question_format(
    question_remote_id: &str,
    format: &QuestionFormat,
    ids: &IdMinter,
) -> wire::WireQuestionFormat {
    format
        .clone()
        .map_options(|option: QuestionOption| wire::WireQuestionOption {
            id: ids.mint_option(question_remote_id, &option.remote_id),
            remote_id: Some(option.remote_id),
            name: option.name,
        })
}

/// Merges a question with its per-job link into an item of `jobs[].screening_questions`.
///
/// The item's `id` is the question's id; precondition option ids are minted for the
/// precondition question.
pub fn assemble_job_screening_question(
    link: &JobScreeningQuestionRecord,
    question: &ScreeningQuestionRecord,
    ids: &IdMinter,
) -> wire::JobScreeningQuestion {
    let precondition_options = match (
        &link.precondition_options,
        &link.precondition_question_remote_id,
    ) {
        (Some(PreconditionOptions::OptionIds(option_ids)), Some(precondition)) => {
            Some(PreconditionOptions::OptionIds(
                option_ids
                    .iter()
                    .map(|option| ids.mint_option(precondition, option).into_string())
                    .collect(),
            ))
        }
        (Some(PreconditionOptions::OptionIds(_)), None) => None,
        (other, _) => other.clone(),
    };
    wire::JobScreeningQuestion {
        id: ids.mint(Model::ScreeningQuestion, &question.remote_id),
        remote_id: question.remote_id.clone(),
        title: question.title.clone(),
        description: question.description.clone(),
        format: question
            .format
            .as_ref()
            .map(|format| assemble_question_format(&question.remote_id, format, ids)),
        category: question.category,
        index: link.index,
        required: link.required,
        precondition_question_id: link
            .precondition_question_remote_id
            .as_deref()
            .map(|remote_id| ids.mint(Model::ScreeningQuestion, remote_id)),
        precondition_options,
    }
}

/// Builds the short form of a tag.
pub fn assemble_tag_ref(record: &TagRecord, ids: &IdMinter) -> wire::TagRef {
    wire::TagRef {
        id: ids.mint(Model::Tag, &record.remote_id),
        name: record.name.clone(),
        remote_id: record.remote_id.clone(),
    }
}

/// Builds the short form of a job.
pub fn assemble_job_ref(record: &JobRecord, ids: &IdMinter) -> wire::JobRef {
    wire::JobRef {
        id: ids.mint(Model::Job, &record.remote_id),
        name: record.name.clone(),
        remote_id: record.remote_id.clone(),
    }
}

/// Builds the short form of a stage.
pub fn assemble_stage_ref(record: &ApplicationStageRecord, ids: &IdMinter) -> wire::StageRef {
    wire::StageRef {
        id: ids.mint(Model::ApplicationStage, &record.remote_id),
        name: record.name.clone(),
        remote_id: record.remote_id.clone(),
        index: record.index,
    }
}

/// Builds a candidate; `applications` and `tags` are assembled by the caller.
pub fn assemble_candidate(
    record: &CandidateRecord,
    meta: &RecordMeta,
    ids: &IdMinter,
    applications: Vec<wire::CandidateApplication>,
    tags: Vec<wire::TagRef>,
) -> wire::Candidate {
    wire::Candidate {
        id: meta.id.clone(),
        remote_id: record.remote_id.clone(),
        first_name: record.first_name.clone(),
        last_name: record.last_name.clone(),
        company: record.company.clone(),
        title: record.title.clone(),
        confidential: record.confidential,
        source: record.source.clone(),
        phone_numbers: record.phone_numbers.clone(),
        email_addresses: record.email_addresses.clone(),
        social_media: record.social_media.clone(),
        location: record.location.clone(),
        custom_fields: record.custom_fields.clone(),
        integration_fields: assemble_integration_fields(
            Model::Candidate,
            &record.integration_fields,
            ids,
        ),
        remote_url: record.remote_url.clone(),
        remote_created_at: record.remote_created_at,
        remote_updated_at: record.remote_updated_at,
        remote_data: record.remote_data.clone(),
        changed_at: meta.changed_at,
        remote_deleted_at: meta.remote_deleted_at,
        applications,
        tags,
    }
}

/// Builds an item of `candidates[].applications`.
pub fn assemble_candidate_application(
    record: &ApplicationRecord,
    meta: &RecordMeta,
    current_stage: Option<wire::StageRef>,
    job: Option<wire::JobRef>,
) -> wire::CandidateApplication {
    wire::CandidateApplication {
        id: meta.id.clone(),
        remote_id: record.remote_id.clone(),
        outcome: record.outcome,
        rejection_reason_name: record.rejection_reason_name.clone(),
        rejected_at: record.rejected_at,
        remote_url: record.remote_url.clone(),
        changed_at: meta.changed_at,
        remote_created_at: record.remote_created_at,
        remote_updated_at: record.remote_updated_at,
        current_stage,
        job,
    }
}

/// Builds the candidate inside `applications[].candidate`.
pub fn assemble_application_candidate(
    record: &CandidateRecord,
    ids: &IdMinter,
    tags: Vec<wire::TagRef>,
) -> wire::ApplicationCandidate {
    wire::ApplicationCandidate {
        id: ids.mint(Model::Candidate, &record.remote_id),
        remote_id: record.remote_id.clone(),
        first_name: record.first_name.clone(),
        last_name: record.last_name.clone(),
        email_addresses: record.email_addresses.clone(),
        phone_numbers: record.phone_numbers.clone(),
        social_media: record.social_media.clone(),
        source: record.source.clone(),
        remote_url: record.remote_url.clone(),
        tags,
    }
}

/// Builds the stage inside `applications[].current_stage` (with `status` and `custom_fields`).
pub fn assemble_application_current_stage(
    record: &ApplicationStageRecord,
    ids: &IdMinter,
) -> wire::ApplicationCurrentStage {
    wire::ApplicationCurrentStage {
        id: ids.mint(Model::ApplicationStage, &record.remote_id),
        remote_id: record.remote_id.clone(),
        name: record.name.clone(),
        index: record.index,
        status: record.status,
        custom_fields: record.custom_fields.clone(),
    }
}

fn assemble_interview(record: &InterviewRecord, ids: &IdMinter) -> wire::Interview {
    wire::Interview {
        id: ids.mint_scoped(INTERVIEW_SCOPE, &record.remote_id),
        remote_id: record.remote_id.clone(),
        title: record.title.clone(),
        starting_at: record.starting_at,
        ending_at: record.ending_at,
        location: record.location.clone(),
        canceled: record.canceled,
    }
}

fn assemble_offer(record: &OfferRecord, ids: &IdMinter) -> wire::Offer {
    wire::Offer {
        id: ids.mint_scoped(OFFER_SCOPE, &record.remote_id),
        remote_id: record.remote_id.clone(),
        status: record.status,
    }
}

/// Builds an application; the nested `candidate`, `current_stage` and `job` come from the
/// caller (`None` when the referenced record is unknown). The `*_id` fields are minted from the
/// record's references either way.
pub fn assemble_application(
    record: &ApplicationRecord,
    meta: &RecordMeta,
    ids: &IdMinter,
    candidate: Option<wire::ApplicationCandidate>,
    current_stage: Option<wire::ApplicationCurrentStage>,
    job: Option<wire::JobRef>,
) -> wire::Application {
    wire::Application {
        id: meta.id.clone(),
        remote_id: record.remote_id.clone(),
        outcome: record.outcome,
        rejection_reason_name: record.rejection_reason_name.clone(),
        rejected_at: record.rejected_at,
        current_stage_id: mint_reference(
            ids,
            Model::ApplicationStage,
            &record.current_stage_remote_id,
        ),
        job_id: mint_reference(ids, Model::Job, &record.job_remote_id),
        candidate_id: mint_reference(ids, Model::Candidate, &record.candidate_remote_id),
        screening_question_answers: record.screening_question_answers.clone(),
        custom_fields: record.custom_fields.clone(),
        integration_fields: assemble_integration_fields(
            Model::Application,
            &record.integration_fields,
            ids,
        ),
        remote_url: record.remote_url.clone(),
        changed_at: meta.changed_at,
        remote_deleted_at: meta.remote_deleted_at,
        remote_created_at: record.remote_created_at,
        remote_updated_at: record.remote_updated_at,
        remote_data: record.remote_data.clone(),
        candidate,
        current_stage,
        job,
        interviews: record
            .interviews
            .iter()
            .map(|interview| assemble_interview(interview, ids))
            .collect(),
        offers: record
            .offers
            .iter()
            .map(|offer| assemble_offer(offer, ids))
            .collect(),
    }
}

fn mint_reference(ids: &IdMinter, model: Model, remote_id: &Option<String>) -> Option<KomboId> {
    remote_id
        .as_deref()
        .map(|remote_id| ids.mint(model, remote_id))
}

/// Builds the candidate inside a create-application response.
pub fn assemble_created_application_candidate(
    record: &CandidateRecord,
    meta: &RecordMeta,
    ids: &IdMinter,
    tags: Vec<wire::TagRef>,
) -> wire::CreatedApplicationCandidate {
    let full = assemble_candidate(record, meta, ids, Vec::new(), tags);
    wire::CreatedApplicationCandidate {
        id: full.id,
        remote_id: full.remote_id,
        first_name: full.first_name,
        last_name: full.last_name,
        company: full.company,
        title: full.title,
        confidential: full.confidential,
        source: full.source,
        phone_numbers: full.phone_numbers,
        email_addresses: full.email_addresses,
        social_media: full.social_media,
        location: full.location,
        custom_fields: full.custom_fields,
        integration_fields: full.integration_fields,
        remote_url: full.remote_url,
        remote_created_at: full.remote_created_at,
        remote_updated_at: full.remote_updated_at,
        remote_data: full.remote_data,
        changed_at: full.changed_at,
        remote_deleted_at: full.remote_deleted_at,
        tags: full.tags,
    }
}

/// Builds the create-application response body.
pub fn assemble_created_application(
    record: &ApplicationRecord,
    meta: &RecordMeta,
    ids: &IdMinter,
    candidate: Option<wire::CreatedApplicationCandidate>,
    current_stage: Option<wire::StageRef>,
    job: Option<wire::JobRef>,
) -> wire::CreatedApplication {
    let full = assemble_application(record, meta, ids, None, None, None);
    wire::CreatedApplication {
        id: full.id,
        remote_id: full.remote_id,
        outcome: full.outcome,
        rejection_reason_name: full.rejection_reason_name,
        rejected_at: full.rejected_at,
        current_stage_id: full.current_stage_id,
        job_id: full.job_id,
        candidate_id: full.candidate_id,
        screening_question_answers: full.screening_question_answers,
        custom_fields: full.custom_fields,
        integration_fields: full.integration_fields,
        remote_url: full.remote_url,
        changed_at: full.changed_at,
        remote_deleted_at: full.remote_deleted_at,
        remote_created_at: full.remote_created_at,
        remote_updated_at: full.remote_updated_at,
        remote_data: full.remote_data,
        current_stage,
        job,
        candidate,
    }
}

/// Builds an application stage as served by `GET /ats/application-stages`.
pub fn assemble_application_stage(
    record: &ApplicationStageRecord,
    meta: &RecordMeta,
) -> wire::ApplicationStage {
    wire::ApplicationStage {
        id: meta.id.clone(),
        remote_id: record.remote_id.clone(),
        name: record.name.clone(),
        remote_data: record.remote_data.clone(),
        changed_at: meta.changed_at,
        remote_deleted_at: meta.remote_deleted_at,
        status: record.status,
        custom_fields: record.custom_fields.clone(),
    }
}

/// Builds a tag as served by `GET /ats/tags`.
pub fn assemble_tag(record: &TagRecord, meta: &RecordMeta) -> wire::Tag {
    wire::Tag {
        id: meta.id.clone(),
        remote_id: record.remote_id.clone(),
        name: record.name.clone(),
        remote_data: record.remote_data.clone(),
        changed_at: meta.changed_at,
        remote_deleted_at: meta.remote_deleted_at,
    }
}
