//! Read access to the sandbox tenant for test assertions.

use serde_json::Value;

use crate::server::Sandbox;
use crate::world::{decode_stored, is_open_group};

/// A job as the sandbox holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct JobSummary {
    /// `JobResponse.Id`.
    pub id: i32,
    /// `JobStatus` ordinal (0 Open, 1 Draft, 2 Engaged, 3 Repositioned, 4 Cancelled).
    pub status: i32,
    /// Whether `GET /Api/PublishedJobs` lists the job on the default portal.
    pub is_published: bool,
    /// Whether applications can be created for it (Open or Repositioned).
    pub accepts_applications: bool,
    /// Title in the default culture.
    pub title: String,
    /// Questionnaire id, when the job has one.
    pub questionnaire_id: Option<i32>,
    /// The `QuestionnaireItemType` ordinals of its questionnaire items, in order.
    pub questionnaire_item_types: Vec<i32>,
}

/// An applicant as the sandbox holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApplicantSummary {
    /// `ApplicantResponse.Id`.
    pub id: i32,
    /// `FirstName`.
    pub first_name: Option<String>,
    /// `LastName`.
    pub last_name: Option<String>,
    /// `Email`.
    pub email: Option<String>,
    /// `Tags` (`None` when the stored value is `null`).
    pub tags: Option<Vec<String>>,
}

/// An application as the sandbox holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApplicationSummary {
    /// `ApplicationResponse.Id`.
    pub id: i32,
    /// The applicant's id.
    pub applicant_id: i32,
    /// The job's id.
    pub job_id: i32,
    /// `WorkflowStatusGroup` ordinal (0 None ... 5 Rejected, 6 Accepted).
    pub workflow_status_group: i32,
    /// Whether `GET /Api/Applications/ByJob/{jobId}` lists it.
    pub is_open: bool,
    /// `Referrer`.
    pub referrer: Option<String>,
    /// `ReferrerAdditionalInfo`.
    pub referrer_additional_info: Option<String>,
    /// The cover letter sent when it was created through the API.
    pub cover_letter: Option<String>,
}

/// A document attached to an applicant.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentSummary {
    /// Document id.
    pub id: i32,
    /// Owning applicant.
    pub applicant_id: i32,
    /// `Name`.
    pub name: Option<String>,
    /// `FileExtension` (with the leading dot when the client sent one).
    pub file_extension: Option<String>,
    /// `Type`, one of the mandator's document types.
    pub document_type: Option<String>,
    /// Decoded file content.
    pub content: Vec<u8>,
    /// `IsPublic`.
    pub is_public: bool,
}

/// The single CV slot of an applicant.
#[derive(Clone, Debug, PartialEq)]
pub struct CvSummary {
    /// `FileExtension`.
    pub file_extension: Option<String>,
    /// Decoded file content.
    pub content: Vec<u8>,
}

/// A history entry of an applicant.
#[derive(Clone, Debug, PartialEq)]
pub struct HistorySummary {
    /// Owning applicant.
    pub applicant_id: i32,
    /// Related job, if any.
    pub job_id: Option<i32>,
    /// `Subject`.
    pub subject: Option<String>,
    /// `Body`.
    pub body: Option<String>,
    /// `HistoryType` ordinal (0 Manual, 1 Import, 2 PrivacyPolicy).
    pub history_type: i32,
    /// `CreatedBy`.
    pub created_by: Option<String>,
    /// When the sandbox recorded it, in eRecruiter's date format.
    pub recorded_at: String,
}

/// An applicant's record for one policy version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyAcceptanceSummary {
    /// Policy version id.
    pub policy_id: i32,
    /// Whether `AcceptedOn` is set.
    pub accepted: bool,
    /// Whether `RevokedOn` is set.
    pub revoked: bool,
}

/// Read access to the sandbox tenant. Every call takes a fresh snapshot.
#[derive(Clone, Debug)]
pub struct SandboxState {
    pub(crate) sandbox: Sandbox,
}

impl SandboxState {
    /// All jobs, by id.
    pub fn jobs(&self) -> Vec<JobSummary> {
        let world = self.sandbox.read_world();
        world
            .jobs
            .values()
            .map(|job| JobSummary {
                id: job.id,
                status: job.status,
                is_published: job.published,
                accepts_applications: job.accepts_applications(),
                title: job
                    .renders
                    .first()
                    .map(|render| render.title.clone())
                    .unwrap_or_default(),
                questionnaire_id: job.questionnaire.as_ref().map(|q| q.id),
                questionnaire_item_types: job
                    .questionnaire
                    .as_ref()
                    .map(|q| q.items.iter().map(|item| item.kind).collect())
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// All applicants, by id.
    pub fn applicants(&self) -> Vec<ApplicantSummary> {
        let world = self.sandbox.read_world();
        world
            .applicants
            .values()
            .map(|applicant| ApplicantSummary {
                id: applicant.id,
                first_name: applicant.parameter.first_name.clone(),
                last_name: applicant.parameter.last_name.clone(),
                email: applicant.parameter.email.clone(),
                tags: applicant.parameter.tags.clone(),
            })
            .collect()
    }

    /// The applicant exactly as `GET /Api/Applicant/{id}` would render it.
    pub fn applicant_json(&self, id: i32) -> Option<Value> {
        self.sandbox.read_world().applicant_value(id)
    }

    /// The applicant's custom field values exactly as `GET /Api/Applicant/CustomFields/{id}`
    /// would render them (`None` for an unknown applicant).
    pub fn custom_field_values(&self, applicant_id: i32) -> Option<Value> {
        let world = self.sandbox.read_world();
        let applicant = world.applicants.get(&applicant_id)?;
        serde_json::to_value(world.custom_values_response(&applicant.custom_values)).ok()
    }

    /// The stored tags of an applicant (`None` for an unknown applicant or `null` tags).
    pub fn tags(&self, applicant_id: i32) -> Option<Vec<String>> {
        self.sandbox
            .read_world()
            .applicants
            .get(&applicant_id)
            .and_then(|applicant| applicant.parameter.tags.clone())
    }

    /// All applications, by id.
    pub fn applications(&self) -> Vec<ApplicationSummary> {
        let world = self.sandbox.read_world();
        world
            .applications
            .values()
            .map(|application| ApplicationSummary {
                id: application.id,
                applicant_id: application.applicant_id,
                job_id: application.job_id,
                workflow_status_group: application.workflow_status_group,
                is_open: is_open_group(application.workflow_status_group),
                referrer: application.referrer.clone(),
                referrer_additional_info: application.referrer_additional_info.clone(),
                cover_letter: application.cover_letter.clone(),
            })
            .collect()
    }

    /// Documents of one applicant.
    pub fn documents(&self, applicant_id: i32) -> Vec<DocumentSummary> {
        let world = self.sandbox.read_world();
        world
            .documents
            .values()
            .filter(|document| document.applicant_id == applicant_id)
            .map(|document| DocumentSummary {
                id: document.id,
                applicant_id: document.applicant_id,
                name: document.parameter.name.clone(),
                file_extension: document.parameter.file_extension.clone(),
                document_type: document.parameter.kind.clone(),
                content: decode_stored(document.parameter.content.as_deref()),
                is_public: document.parameter.is_public,
            })
            .collect()
    }

    /// The CV of one applicant.
    pub fn cv(&self, applicant_id: i32) -> Option<CvSummary> {
        let world = self.sandbox.read_world();
        world.cvs.get(&applicant_id).map(|cv| CvSummary {
            file_extension: cv.file_extension.clone(),
            content: decode_stored(cv.content.as_deref()),
        })
    }

    /// History entries of one applicant, oldest first.
    pub fn history(&self, applicant_id: i32) -> Vec<HistorySummary> {
        let world = self.sandbox.read_world();
        world
            .history
            .iter()
            .filter(|stored| stored.applicant_id == applicant_id)
            .map(|stored| HistorySummary {
                applicant_id: stored.applicant_id,
                job_id: stored.entry.job_id,
                subject: stored.entry.subject.clone(),
                body: stored.entry.body.clone(),
                history_type: stored.entry.kind,
                created_by: stored.entry.created_by.clone(),
                recorded_at: stored.recorded_at.to_wire_string(),
            })
            .collect()
    }

    /// Policy records of one applicant.
    pub fn policy_acceptances(&self, applicant_id: i32) -> Vec<PolicyAcceptanceSummary> {
        let world = self.sandbox.read_world();
        world
            .policy_records
            .range((applicant_id, i32::MIN)..=(applicant_id, i32::MAX))
            .map(|((_, policy_id), record)| PolicyAcceptanceSummary {
                policy_id: *policy_id,
                accepted: record.accepted_on.is_some(),
                revoked: record.revoked_on.is_some(),
            })
            .collect()
    }

    /// A canonical JSON dump of the whole tenant (jobs in every culture, questionnaires,
    /// applicants, applications, documents, history). Equal seeds give equal dumps.
    pub fn dump_json(&self) -> String {
        let world = self.sandbox.read_world();
        let jobs: Vec<Value> = world
            .jobs
            .values()
            .map(|job| {
                serde_json::json!({
                    "Renders": job.renders,
                    "Questionnaire": job.questionnaire,
                    "Published": job.published,
                })
            })
            .collect();
        let applicants: Vec<Value> = world
            .applicants
            .keys()
            .filter_map(|id| {
                let mut value = world.applicant_value(*id)?;
                let custom = serde_json::to_value(
                    world.custom_values_response(&world.applicants.get(id)?.custom_values),
                )
                .ok()?;
                if let Value::Object(map) = &mut value {
                    map.insert("CustomFieldValues".into(), custom);
                }
                Some(value)
            })
            .collect();
        let applications: Vec<Value> = world
            .applications
            .values()
            .map(|application| {
                serde_json::json!({
                    "Id": application.id,
                    "ApplicantId": application.applicant_id,
                    "JobId": application.job_id,
                    "WorkflowStatusGroup": application.workflow_status_group,
                    "Referrer": application.referrer,
                    "Rating": application.rating,
                    "WorkflowLastChange": application.workflow_last_change,
                })
            })
            .collect();
        let documents: Vec<Value> = world
            .documents
            .values()
            .map(|document| {
                serde_json::json!({
                    "Id": document.id,
                    "ApplicantId": document.applicant_id,
                    "Name": document.parameter.name,
                    "Type": document.parameter.kind,
                    "Content": document.parameter.content,
                })
            })
            .collect();
        let history: Vec<Value> = world
            .history
            .iter()
            .map(|stored| serde_json::json!({"ApplicantId": stored.applicant_id, "Entry": stored.entry}))
            .collect();
        serde_json::json!({
            "Jobs": jobs,
            "Applicants": applicants,
            "Applications": applications,
            "Documents": documents,
            "History": history,
        })
        .to_string()
    }
}
