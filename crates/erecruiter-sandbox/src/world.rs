//! The sandbox's in-memory eRecruiter tenant and the behaviour of every endpoint on it.
//!
//! Handlers here are plain functions over [`World`]: they take parsed inputs and return the
//! JSON body (or an [`ApiFailure`]); HTTP plumbing, auth and fault injection live in
//! `server`.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};

use crate::catalog::{self, DEFAULT_CULTURE, DOCUMENT_TYPES, PORTAL_URL, REFERRERS};
use crate::dto::*;
use crate::wire_time::{WireDateTime, parse_short_date, short_date_de_at};

/// `JobStatus` ordinals.
pub(crate) mod job_status {
    pub const OPEN: i32 = 0;
    pub const DRAFT: i32 = 1;
    pub const ENGAGED: i32 = 2;
    pub const REPOSITIONED: i32 = 3;
    pub const CANCELLED: i32 = 4;
}

/// `WorkflowStatusGroup` ordinals that end an application.
pub(crate) const GROUP_REJECTED: i32 = 5;
/// See [`GROUP_REJECTED`].
pub(crate) const GROUP_ACCEPTED: i32 = 6;

/// Whether an application in this workflow group still counts as open.
pub(crate) fn is_open_group(group: i32) -> bool {
    group != GROUP_REJECTED && group != GROUP_ACCEPTED
}

/// An error response: HTTP status plus the JSON body ASP.NET Web API would send.
#[derive(Debug, Clone)]
pub(crate) struct ApiFailure {
    pub status: u16,
    pub body: Value,
}

impl ApiFailure {
    pub(crate) fn message(status: u16, message: impl Into<String>) -> Self {
        ApiFailure {
            status,
            body: json!({ "Message": message.into() }),
        }
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::message(404, message)
    }

    /// A model-binding/validation failure in the `ModelState` shape of ASP.NET Web API.
    pub(crate) fn invalid_model(key: &str, error: impl Into<String>) -> Self {
        let mut state = serde_json::Map::new();
        state.insert(key.to_owned(), json!([error.into()]));
        ApiFailure {
            status: 400,
            body: json!({ "Message": "The request is invalid.", "ModelState": state }),
        }
    }

    pub(crate) fn internal(detail: impl Into<String>) -> Self {
        ApiFailure {
            status: 500,
            body: json!({
                "Message": "An error has occurred.",
                "ExceptionMessage": detail.into(),
                "ExceptionType": "System.InvalidOperationException",
                "StackTrace": null
            }),
        }
    }
}

/// The body of a successful response.
pub(crate) type ApiResult = Result<Vec<u8>, ApiFailure>;

fn ok<T: Serialize + ?Sized>(value: &T) -> ApiResult {
    serde_json::to_vec(value).map_err(|error| ApiFailure::internal(error.to_string()))
}

/// A job with its ad rendered once per available culture (first = default culture).
#[derive(Clone)]
pub(crate) struct StoredJob {
    pub id: i32,
    pub status: i32,
    /// Listed by `PublishedJobs` (has a portal publication and is open for applications).
    pub published: bool,
    pub renders: Vec<JobResponse>,
    pub questionnaire: Option<QuestionnaireResponse>,
}

impl StoredJob {
    pub(crate) fn render(&self, culture: Option<&str>) -> Option<&JobResponse> {
        culture
            .and_then(|wanted| {
                self.renders
                    .iter()
                    .find(|job| job.culture.eq_ignore_ascii_case(wanted))
            })
            .or_else(|| self.renders.first())
    }

    pub(crate) fn accepts_applications(&self) -> bool {
        self.status == job_status::OPEN || self.status == job_status::REPOSITIONED
    }
}

/// A custom-field value as stored for an applicant.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CustomValue {
    Text(String),
    Bool(bool),
    Date(NaiveDate),
    Choices(Vec<String>),
}

/// An applicant: the writable parameter block plus the read-only members.
#[derive(Clone)]
pub(crate) struct StoredApplicant {
    pub id: i32,
    pub date_of_update_by_user: WireDateTime,
    pub date_of_update_by_applicant: WireDateTime,
    pub has_photo: bool,
    /// Activities, experiences, educations, certificates, languages, publications.
    pub sub_entity_counts: [i32; 6],
    pub third_party_profiles: Vec<ThirdPartyProfile>,
    pub parameter: ApplicantParameter,
    pub custom_values: BTreeMap<String, CustomValue>,
}

/// One application of an applicant to a job.
#[derive(Clone)]
pub(crate) struct StoredApplication {
    pub id: i32,
    pub applicant_id: i32,
    pub job_id: i32,
    pub workflow_status_group: i32,
    pub is_visible_to_applicant: bool,
    pub is_visible_to_contact: bool,
    pub referrer: Option<String>,
    pub referrer_additional_info: Option<String>,
    pub rating: Option<i32>,
    pub workflow_last_change: WireDateTime,
    pub cover_letter: Option<String>,
}

/// A document attached to an applicant.
#[derive(Clone)]
pub(crate) struct StoredDocument {
    pub id: i32,
    pub applicant_id: i32,
    /// As received (`Content` is base64).
    pub parameter: ApplicantDocumentParameter,
}

/// A history entry together with the applicant it belongs to.
#[derive(Clone)]
pub(crate) struct StoredHistory {
    pub applicant_id: i32,
    pub entry: ApplicantHistory,
    pub recorded_at: WireDateTime,
}

/// An applicant's acceptance or revocation of one policy version.
#[derive(Clone)]
pub(crate) struct PolicyRecord {
    pub accepted_on: Option<WireDateTime>,
    pub revoked_on: Option<WireDateTime>,
}

/// A policy version: (id, type, created on, is current, German text, English text).
pub(crate) type PolicyVersion = (i32, i32, (i32, u32, u32), bool, &'static str, &'static str);

/// Every policy version of the mandator.
pub(crate) const POLICIES: &[PolicyVersion] = &[
    (
        10,
        0,
        (2023, 1, 2),
        false,
        "<p>Ich willige in die Verarbeitung meiner Daten ein (Fassung 2023).</p>",
        "<p>I consent to the processing of my data (2023 version).</p>",
    ),
    (
        11,
        1,
        (2023, 1, 2),
        false,
        "<p>Informationen zum Datenschutz (Fassung 2023).</p>",
        "<p>Privacy information (2023 version).</p>",
    ),
    (
        12,
        0,
        (2024, 5, 1),
        true,
        "<p>Ich willige ein, dass meine Bewerbungsdaten 24 Monate gespeichert werden.</p>",
        "<p>I consent to my application data being kept for 24 months.</p>",
    ),
    (
        13,
        1,
        (2024, 5, 1),
        true,
        "<p>Informationen gemäß Art. 13 DSGVO.</p>",
        "<p>Information pursuant to Art. 13 GDPR.</p>",
    ),
];

fn policy_created_on(date: (i32, u32, u32)) -> WireDateTime {
    NaiveDate::from_ymd_opt(date.0, date.1, date.2)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|naive| WireDateTime::Local(WireDateTime::Unspecified(naive).to_utc()))
        .unwrap_or_default()
}

fn is_english(culture: Option<&str>) -> bool {
    culture.is_some_and(|culture| culture.to_ascii_lowercase().starts_with("en"))
}

/// Localized status texts: (status, for applicant, for contact), German then English.
fn status_texts(group: i32, english: bool) -> (&'static str, &'static str, &'static str) {
    let (de, en) = match group {
        1 => (
            ("Neue Bewerbung", "Bewerbung eingegangen", "Neu"),
            ("New application", "Application received", "New"),
        ),
        2 => (
            ("Interne Prüfung", "In Bearbeitung", "Intern"),
            ("Internal review", "In progress", "Internal"),
        ),
        3 => (
            (
                "Dem Fachbereich vorgeschlagen",
                "In Bearbeitung",
                "Vorgeschlagen",
            ),
            ("Proposed to department", "In progress", "Proposed"),
        ),
        4 => (
            ("Beim Kunden", "In Bearbeitung", "Extern"),
            ("With client", "In progress", "External"),
        ),
        5 => (
            ("Absage", "Absage", "Abgesagt"),
            ("Rejected", "Declined", "Rejected"),
        ),
        6 => (
            ("Eingestellt", "Zusage", "Eingestellt"),
            ("Hired", "Offer accepted", "Hired"),
        ),
        _ => (
            ("Ohne Status", "In Bearbeitung", "Ohne Status"),
            ("No status", "In progress", "No status"),
        ),
    };
    if english { en } else { de }
}

fn activities_for(group: i32, english: bool) -> Vec<ApplicationActivityResponse> {
    if !is_open_group(group) {
        return Vec::new();
    }
    let list: &[(&str, &str, &str, bool, i32)] = if english {
        &[
            (
                "Invite to interview",
                "Interview invitation",
                "Interview",
                true,
                2,
            ),
            ("Reject", "Rejection", "Rejection", true, 1),
            ("Propose to department", "In progress", "Proposal", false, 0),
        ]
    } else {
        &[
            (
                "Zum Interview einladen",
                "Interview-Einladung",
                "Interview",
                true,
                2,
            ),
            ("Absagen", "Absage", "Absage", true, 1),
            (
                "Dem Fachbereich vorschlagen",
                "In Bearbeitung",
                "Vorschlag",
                false,
                0,
            ),
        ]
    };
    list.iter()
        .map(
            |(name, applicant, contact, visible, availability)| ApplicationActivityResponse {
                name: (*name).to_owned(),
                name_for_applicant: (*applicant).to_owned(),
                name_for_contact: (*contact).to_owned(),
                is_visible_to_applicant: *visible,
                available_to_contact: *availability,
            },
        )
        .collect()
}

/// The complete sandbox tenant.
pub(crate) struct World {
    pub mandator_body: Vec<u8>,
    pub custom_fields: Vec<CustomFieldResponse>,
    pub jobs: BTreeMap<i32, StoredJob>,
    pub applicants: BTreeMap<i32, StoredApplicant>,
    pub applications: BTreeMap<i32, StoredApplication>,
    pub documents: BTreeMap<i32, StoredDocument>,
    pub cvs: BTreeMap<i32, ApplicantCv>,
    pub history: Vec<StoredHistory>,
    pub policy_records: BTreeMap<(i32, i32), PolicyRecord>,
    pub next_applicant_id: i32,
    pub next_application_id: i32,
    pub next_document_id: i32,
}

fn known_referrer(name: &str) -> bool {
    REFERRERS
        .iter()
        .any(|(known, ..)| known.eq_ignore_ascii_case(name))
}

fn check_referrer(referrer: Option<&String>) -> Result<(), ApiFailure> {
    match referrer {
        Some(name) if !name.trim().is_empty() && !known_referrer(name) => Err(ApiFailure::message(
            400,
            format!("The referrer '{name}' is not configured for this mandator."),
        )),
        _ => Ok(()),
    }
}

fn check_enum(value: i32, max: i32, key: &str) -> Result<(), ApiFailure> {
    if (0..=max).contains(&value) {
        Ok(())
    } else {
        Err(ApiFailure::invalid_model(
            &format!("parameter.{key}"),
            format!("The value {value} is not valid for {key}."),
        ))
    }
}

fn validate_applicant(parameter: &ApplicantParameter, creating: bool) -> Result<(), ApiFailure> {
    for (key, value) in [
        ("FirstName", &parameter.first_name),
        ("LastName", &parameter.last_name),
    ] {
        if value.as_deref().is_none_or(|text| text.trim().is_empty()) {
            return Err(ApiFailure::invalid_model(
                &format!("parameter.{key}"),
                format!("The {key} field is required."),
            ));
        }
    }
    if creating && parameter.date_of_creation == WireDateTime::default() {
        return Err(ApiFailure::invalid_model(
            "parameter.DateOfCreation",
            "The DateOfCreation field is required.",
        ));
    }
    check_enum(parameter.gender, 2, "Gender")?;
    check_enum(parameter.gender_identity, 5, "GenderIdentity")?;
    if let Some(period) = parameter.salary_period {
        check_enum(period, 1, "SalaryPeriod")?;
    }
    if let Some(service) = parameter.military_service {
        check_enum(service, 3, "MilitaryService")?;
    }
    check_referrer(parameter.referrer.as_ref())
}

impl World {
    fn applicant_or_404(&self, id: i32) -> Result<&StoredApplicant, ApiFailure> {
        self.applicants
            .get(&id)
            .ok_or_else(|| ApiFailure::not_found(format!("Applicant {id} was not found.")))
    }

    fn job_or_404(&self, id: i32) -> Result<&StoredJob, ApiFailure> {
        self.jobs
            .get(&id)
            .ok_or_else(|| ApiFailure::not_found(format!("Job {id} was not found.")))
    }

    /// Jobs listed on the queried portal or channel (`None`/empty = default portal).
    fn published_on_channel<'a>(
        &'a self,
        channel: Option<&'a str>,
    ) -> impl Iterator<Item = &'a StoredJob> + 'a {
        let channel = channel.map(str::trim).filter(|name| !name.is_empty());
        self.jobs.values().filter(move |job| {
            job.published
                && job.renders.first().is_some_and(|render| {
                    render.published_on.iter().any(|publication| match channel {
                        None => publication.kind == 0,
                        Some(name) => {
                            publication.internal_name.eq_ignore_ascii_case(name)
                                || publication.name.eq_ignore_ascii_case(name)
                        }
                    })
                })
        })
    }

    pub(crate) fn published_jobs(&self, channel: Option<&str>, culture: Option<&str>) -> ApiResult {
        let jobs: Vec<JobResponse> = self
            .published_on_channel(channel)
            .filter_map(|job| job.render(culture).cloned())
            .collect();
        let culture = culture
            .filter(|wanted| {
                catalog::CULTURES
                    .iter()
                    .any(|known| known.eq_ignore_ascii_case(wanted))
            })
            .unwrap_or(DEFAULT_CULTURE);
        let publication_type = self
            .jobs
            .values()
            .flat_map(|job| job.renders.first())
            .flat_map(|render| render.published_on.iter())
            .find(
                |publication| match channel.filter(|name| !name.trim().is_empty()) {
                    None => publication.kind == 0,
                    Some(name) => {
                        publication.internal_name.eq_ignore_ascii_case(name)
                            || publication.name.eq_ignore_ascii_case(name)
                    }
                },
            )
            .cloned();
        ok(&JobsResponse {
            jobs,
            job_publication_type: publication_type,
            culture: culture.to_owned(),
        })
    }

    pub(crate) fn published_job(
        &self,
        id: i32,
        channel: Option<&str>,
        culture: Option<&str>,
    ) -> ApiResult {
        let job = self
            .published_on_channel(channel)
            .find(|job| job.id == id)
            .ok_or_else(|| ApiFailure::not_found(format!("Job {id} is not published.")))?;
        ok(&job.render(culture))
    }

    pub(crate) fn job(&self, id: i32, culture: Option<&str>) -> ApiResult {
        ok(&self.job_or_404(id)?.render(culture))
    }

    pub(crate) fn questionnaire_by_job(&self, job_id: i32) -> ApiResult {
        let job = self.job_or_404(job_id)?;
        match &job.questionnaire {
            Some(questionnaire) => ok(questionnaire),
            None => Err(ApiFailure::not_found(format!(
                "Job {job_id} has no questionnaire."
            ))),
        }
    }

    pub(crate) fn applications_by_job(&self, job_id: i32) -> ApiResult {
        self.job_or_404(job_id)?;
        let open: Vec<ApplicationJobResponse> = self
            .applications
            .values()
            .filter(|application| {
                application.job_id == job_id && is_open_group(application.workflow_status_group)
            })
            .map(|application| ApplicationJobResponse {
                id: application.id,
                job_id: application.job_id,
                applicant_id: application.applicant_id,
            })
            .collect();
        ok(&open)
    }

    fn render_application(
        &self,
        application: &StoredApplication,
        english: bool,
    ) -> ApplicationResponse {
        let (status, for_applicant, for_contact) =
            status_texts(application.workflow_status_group, english);
        ApplicationResponse {
            id: application.id,
            applicant_id: application.applicant_id,
            job_id: application.job_id,
            status: status.to_owned(),
            status_for_applicant: for_applicant.to_owned(),
            status_for_contact: for_contact.to_owned(),
            is_visible_to_applicant: application.is_visible_to_applicant,
            is_visible_to_contact: application.is_visible_to_contact,
            referrer: application.referrer.clone(),
            referrer_additional_info: application.referrer_additional_info.clone(),
            available_activities: activities_for(application.workflow_status_group, english),
            workflow_status_group: application.workflow_status_group,
            rating: application.rating,
        }
    }

    pub(crate) fn applications_by_applicant(
        &self,
        applicant_id: i32,
        culture: Option<&str>,
    ) -> ApiResult {
        self.applicant_or_404(applicant_id)?;
        let english = is_english(culture);
        let list: Vec<ApplicationResponse> = self
            .applications
            .values()
            .filter(|application| application.applicant_id == applicant_id)
            .map(|application| self.render_application(application, english))
            .collect();
        ok(&list)
    }

    pub(crate) fn applications_by_referrer(
        &self,
        referrer: &str,
        start_at: Option<&str>,
        end_at: Option<&str>,
    ) -> ApiResult {
        let parse_bound = |key: &str, text: Option<&str>| -> Result<_, ApiFailure> {
            match text.map(str::trim).filter(|text| !text.is_empty()) {
                None => Ok(None),
                Some(text) => WireDateTime::parse(text)
                    .map(|value| Some(value.to_utc()))
                    .ok_or_else(|| {
                        ApiFailure::invalid_model(key, format!("'{text}' is not a valid date."))
                    }),
            }
        };
        let start = parse_bound("startAt", start_at)?;
        let end = parse_bound("endAt", end_at)?;
        let list: Vec<ApplicationReferrerResponse> = self
            .applications
            .values()
            .filter(|application| {
                application
                    .referrer
                    .as_deref()
                    .is_some_and(|name| name.eq_ignore_ascii_case(referrer))
            })
            .filter(|application| {
                let at = application.workflow_last_change.to_utc();
                start.is_none_or(|start| at >= start) && end.is_none_or(|end| at <= end)
            })
            .filter_map(|application| {
                let applicant = self.applicants.get(&application.applicant_id)?;
                Some(ApplicationReferrerResponse {
                    applicant_id: application.applicant_id,
                    application_id: application.id,
                    job_id: application.job_id,
                    first_name: applicant.parameter.first_name.clone(),
                    last_name: applicant.parameter.last_name.clone(),
                    title_before_name: applicant.parameter.title_before_name.clone(),
                    title_after_name: applicant.parameter.title_after_name.clone(),
                    gender: applicant.parameter.gender,
                    referrer: application.referrer.clone(),
                    referrer_additional_information: application.referrer_additional_info.clone(),
                    workflow_status_group: application.workflow_status_group,
                    workflow_last_change: application.workflow_last_change,
                })
            })
            .collect();
        ok(&list)
    }

    fn applicant_response<'a>(&'a self, applicant: &'a StoredApplicant) -> ApplicantResponse<'a> {
        let documents_count = self
            .documents
            .values()
            .filter(|document| document.applicant_id == applicant.id)
            .count();
        let has_visible_applications = self.applications.values().any(|application| {
            application.applicant_id == applicant.id && application.is_visible_to_applicant
        });
        let counts = applicant.sub_entity_counts;
        ApplicantResponse {
            id: applicant.id,
            date_of_update_by_user: applicant.date_of_update_by_user,
            date_of_update_by_applicant: applicant.date_of_update_by_applicant,
            has_cv: self.cvs.contains_key(&applicant.id),
            has_photo: applicant.has_photo,
            has_applications_visible_to_applicant: has_visible_applications,
            documents_count: i32::try_from(documents_count).unwrap_or(i32::MAX),
            activities_count: counts[0],
            experiences_count: counts[1],
            educations_count: counts[2],
            certificates_count: counts[3],
            languages_count: counts[4],
            publications_count: counts[5],
            third_party_profiles: &applicant.third_party_profiles,
            parameter: &applicant.parameter,
        }
    }

    /// The applicant as `GET /Api/Applicant/{id}` renders it.
    pub(crate) fn applicant_value(&self, id: i32) -> Option<Value> {
        let applicant = self.applicants.get(&id)?;
        serde_json::to_value(self.applicant_response(applicant)).ok()
    }

    pub(crate) fn applicant(&self, id: i32) -> ApiResult {
        let applicant = self.applicant_or_404(id)?;
        ok(&self.applicant_response(applicant))
    }

    pub(crate) fn applicants_by_email(&self, email: &str) -> ApiResult {
        let email = email.trim();
        let list: Vec<ApplicantResponse<'_>> = self
            .applicants
            .values()
            .filter(|applicant| {
                applicant
                    .parameter
                    .email
                    .as_deref()
                    .is_some_and(|known| known.eq_ignore_ascii_case(email))
            })
            .map(|applicant| self.applicant_response(applicant))
            .collect();
        ok(&list)
    }

    pub(crate) fn create_applicant(
        &mut self,
        parameter: ApplicantParameter,
        now: WireDateTime,
    ) -> ApiResult {
        validate_applicant(&parameter, true)?;
        let id = self.next_applicant_id;
        self.next_applicant_id += 1;
        self.applicants.insert(
            id,
            StoredApplicant {
                id,
                date_of_update_by_user: now,
                date_of_update_by_applicant: parameter.date_of_creation,
                has_photo: false,
                sub_entity_counts: [0; 6],
                third_party_profiles: Vec::new(),
                parameter,
                custom_values: BTreeMap::new(),
            },
        );
        self.applicant(id)
    }

    pub(crate) fn update_applicant(
        &mut self,
        id: i32,
        parameter: ApplicantParameter,
        now: WireDateTime,
    ) -> ApiResult {
        self.applicant_or_404(id)?;
        validate_applicant(&parameter, false)?;
        if let Some(applicant) = self.applicants.get_mut(&id) {
            applicant.parameter = parameter;
            applicant.date_of_update_by_user = now;
        }
        self.applicant(id)
    }

    pub(crate) fn create_application(
        &mut self,
        parameter: ApplicationCreateParameter,
        now: WireDateTime,
    ) -> ApiResult {
        let mut errors = Vec::new();
        let job_accepts = match self.jobs.get(&parameter.job_id) {
            None => {
                errors.push(2);
                false
            }
            Some(job) => job.accepts_applications(),
        };
        if !self.applicants.contains_key(&parameter.applicant_id) {
            errors.push(3);
        }
        if errors.is_empty() && !job_accepts {
            errors.push(1);
        }
        if !errors.is_empty() {
            return ok(&ApplicationCreateResponse {
                application_id: None,
                errors,
            });
        }
        check_referrer(parameter.referrer.as_ref())?;
        let existing = self
            .applications
            .values()
            .find(|application| {
                application.applicant_id == parameter.applicant_id
                    && application.job_id == parameter.job_id
            })
            .map(|application| application.id);
        if let Some(existing_id) = existing {
            if !parameter.refresh_application_if_it_already_exists {
                return ok(&ApplicationCreateResponse {
                    application_id: Some(existing_id),
                    errors: vec![0],
                });
            }
            if let Some(application) = self.applications.get_mut(&existing_id) {
                if parameter.referrer.is_some() {
                    application.referrer = parameter.referrer;
                    application.referrer_additional_info = parameter.referrer_additional_info;
                }
                if parameter.cover_letter.is_some() {
                    application.cover_letter = parameter.cover_letter;
                }
                application.workflow_last_change = now;
            }
            self.history.push(StoredHistory {
                applicant_id: parameter.applicant_id,
                entry: ApplicantHistory {
                    job_id: Some(parameter.job_id),
                    subject: Some("Applied again".to_owned()),
                    body: None,
                    kind: 0,
                    created_by: Some("API".to_owned()),
                },
                recorded_at: now,
            });
            return ok(&ApplicationCreateResponse {
                application_id: Some(existing_id),
                errors: Vec::new(),
            });
        }
        let id = self.next_application_id;
        self.next_application_id += 1;
        self.applications.insert(
            id,
            StoredApplication {
                id,
                applicant_id: parameter.applicant_id,
                job_id: parameter.job_id,
                workflow_status_group: 1,
                is_visible_to_applicant: true,
                is_visible_to_contact: false,
                referrer: parameter.referrer,
                referrer_additional_info: parameter.referrer_additional_info,
                rating: None,
                workflow_last_change: now,
                cover_letter: parameter.cover_letter,
            },
        );
        ok(&ApplicationCreateResponse {
            application_id: Some(id),
            errors: Vec::new(),
        })
    }

    fn document_response(
        document: &StoredDocument,
        include_content: bool,
    ) -> ApplicantDocumentResponse {
        let mut parameter = document.parameter.clone();
        if !include_content {
            parameter.content = None;
        }
        ApplicantDocumentResponse {
            id: document.id,
            parameter,
        }
    }

    pub(crate) fn add_document(
        &mut self,
        applicant_id: i32,
        parameter: ApplicantDocumentParameter,
    ) -> ApiResult {
        self.applicant_or_404(applicant_id)?;
        let kind = parameter.kind.as_deref().unwrap_or_default();
        if !DOCUMENT_TYPES
            .iter()
            .any(|known| known.eq_ignore_ascii_case(kind))
        {
            return Err(ApiFailure::message(
                400,
                format!("The document type '{kind}' is not configured for this mandator."),
            ));
        }
        decode_content(parameter.content.as_deref(), "parameter.Content")?;
        let id = self.next_document_id;
        self.next_document_id += 1;
        let document = StoredDocument {
            id,
            applicant_id,
            parameter,
        };
        let body = ok(&Self::document_response(&document, false));
        self.documents.insert(id, document);
        body
    }

    pub(crate) fn documents(&self, applicant_id: i32, include_content: bool) -> ApiResult {
        self.applicant_or_404(applicant_id)?;
        let list: Vec<ApplicantDocumentResponse> = self
            .documents
            .values()
            .filter(|document| document.applicant_id == applicant_id)
            .map(|document| Self::document_response(document, include_content))
            .collect();
        ok(&list)
    }

    pub(crate) fn document(&self, id: i32, include_content: bool) -> ApiResult {
        let document = self
            .documents
            .get(&id)
            .ok_or_else(|| ApiFailure::not_found(format!("Document {id} was not found.")))?;
        ok(&Self::document_response(document, include_content))
    }

    pub(crate) fn put_cv(&mut self, applicant_id: i32, cv: ApplicantCv) -> ApiResult {
        self.applicant_or_404(applicant_id)?;
        decode_content(cv.content.as_deref(), "parameter.Content")?;
        let body = ok(&cv);
        self.cvs.insert(applicant_id, cv);
        body
    }

    pub(crate) fn cv(&self, applicant_id: i32, include_content: bool) -> ApiResult {
        self.applicant_or_404(applicant_id)?;
        let cv = self
            .cvs
            .get(&applicant_id)
            .ok_or_else(|| ApiFailure::not_found(format!("Applicant {applicant_id} has no CV.")))?;
        ok(&ApplicantCv {
            file_extension: cv.file_extension.clone(),
            content: if include_content {
                cv.content.clone()
            } else {
                None
            },
        })
    }

    pub(crate) fn add_history(
        &mut self,
        applicant_id: i32,
        entry: ApplicantHistory,
        now: WireDateTime,
    ) -> ApiResult {
        self.applicant_or_404(applicant_id)?;
        check_enum(entry.kind, 2, "Type")?;
        if let Some(job_id) = entry.job_id {
            self.job_or_404(job_id)?;
        }
        let body = ok(&entry);
        self.history.push(StoredHistory {
            applicant_id,
            entry,
            recorded_at: now,
        });
        body
    }

    fn applicant_policy_response(
        &self,
        applicant: &StoredApplicant,
        policy_id: i32,
        record: &PolicyRecord,
    ) -> Option<ApplicantPolicyResponse> {
        let (id, kind, _, current, de, en) =
            POLICIES.iter().find(|policy| policy.0 == policy_id)?;
        let english = is_english(applicant.parameter.culture.as_deref());
        Some(ApplicantPolicyResponse {
            applicant_id: applicant.id,
            policy_id: *id,
            kind: *kind,
            language: if english { "en" } else { "de" }.to_owned(),
            url: PORTAL_URL.to_owned(),
            text: if english { en } else { de }.to_string(),
            accepted_on: record.accepted_on,
            revoked_on: record.revoked_on,
            is_outdated: !current,
        })
    }

    pub(crate) fn applicant_policies(&self, applicant_id: i32) -> ApiResult {
        let applicant = self.applicant_or_404(applicant_id)?;
        let list: Vec<ApplicantPolicyResponse> = self
            .policy_records
            .range((applicant_id, i32::MIN)..=(applicant_id, i32::MAX))
            .filter_map(|((_, policy_id), record)| {
                self.applicant_policy_response(applicant, *policy_id, record)
            })
            .collect();
        ok(&list)
    }

    pub(crate) fn put_applicant_policy(
        &mut self,
        applicant_id: i32,
        policy_id: i32,
        parameter: ApplicantPolicyParameter,
    ) -> ApiResult {
        self.applicant_or_404(applicant_id)?;
        if !POLICIES.iter().any(|policy| policy.0 == policy_id) {
            return Err(ApiFailure::not_found(format!(
                "Policy {policy_id} was not found."
            )));
        }
        let record = PolicyRecord {
            accepted_on: parameter.accepted_on,
            revoked_on: parameter.revoked_on,
        };
        self.policy_records
            .insert((applicant_id, policy_id), record.clone());
        let applicant = self.applicant_or_404(applicant_id)?;
        ok(&self.applicant_policy_response(applicant, policy_id, &record))
    }

    fn policy_response(policy: &PolicyVersion, english: bool) -> PolicyResponse {
        PolicyResponse {
            id: policy.0,
            text: if english { policy.5 } else { policy.4 }.to_owned(),
            created_on: policy_created_on(policy.2),
            kind: policy.1,
        }
    }

    pub(crate) fn policies(&self, culture: Option<&str>) -> ApiResult {
        let english = is_english(culture);
        let list: Vec<PolicyResponse> = POLICIES
            .iter()
            .filter(|policy| policy.3)
            .map(|policy| Self::policy_response(policy, english))
            .collect();
        ok(&list)
    }

    pub(crate) fn policy(&self, id: i32, culture: Option<&str>) -> ApiResult {
        let policy = POLICIES
            .iter()
            .find(|policy| policy.0 == id)
            .ok_or_else(|| ApiFailure::not_found(format!("Policy {id} was not found.")))?;
        ok(&Self::policy_response(policy, is_english(culture)))
    }

    pub(crate) fn mandator(&self) -> ApiResult {
        Ok(self.mandator_body.clone())
    }

    fn custom_value_response(
        &self,
        name: &str,
        value: &CustomValue,
    ) -> Option<CustomFieldValueResponse> {
        let definition = self.custom_fields.iter().find(|field| field.name == name)?;
        let mut response = CustomFieldValueResponse {
            custom_field: definition.clone(),
            value: None,
            bool_value: None,
            date_value: None,
            string_value: None,
            number_value: None,
        };
        match value {
            CustomValue::Text(text) => {
                response.value = Some(text.clone());
                response.string_value = Some(text.clone());
                response.number_value = text.trim().parse::<f64>().ok();
            }
            CustomValue::Bool(flag) => {
                response.value = Some(flag.to_string());
                response.bool_value = Some(*flag);
            }
            CustomValue::Date(date) => {
                response.value = Some(short_date_de_at(*date));
                response.date_value = date
                    .and_hms_opt(0, 0, 0)
                    .map(|naive| WireDateTime::Local(WireDateTime::Unspecified(naive).to_utc()));
            }
            CustomValue::Choices(choices) => {
                response.value = Some(choices.join(", "));
                response.string_value = Some(choices.join("|"));
            }
        }
        Some(response)
    }

    /// Renders a set of custom values (used for applicants and jobs).
    pub(crate) fn custom_values_response(
        &self,
        values: &BTreeMap<String, CustomValue>,
    ) -> Vec<CustomFieldValueResponse> {
        values
            .iter()
            .filter_map(|(name, value)| self.custom_value_response(name, value))
            .collect()
    }

    pub(crate) fn applicant_custom_fields(&self, applicant_id: i32) -> ApiResult {
        let applicant = self.applicant_or_404(applicant_id)?;
        ok(&self.custom_values_response(&applicant.custom_values))
    }

    pub(crate) fn set_applicant_custom_field(
        &mut self,
        applicant_id: i32,
        parameter: CustomFieldValueParameter,
    ) -> ApiResult {
        self.applicant_or_404(applicant_id)?;
        let name = parameter.custom_field.unwrap_or_default();
        let definition = self
            .custom_fields
            .iter()
            .find(|field| field.name.eq_ignore_ascii_case(&name) && field.target != 2)
            .ok_or_else(|| {
                ApiFailure::message(400, format!("The custom field '{name}' does not exist."))
            })?
            .clone();
        let text = parameter.value.unwrap_or_default();
        let invalid = |detail: String| ApiFailure::invalid_model("parameter.Value", detail);
        let possible = definition.possible_values.clone().unwrap_or_default();
        let value = match definition.kind {
            1 => match text.trim().to_ascii_lowercase().as_str() {
                "true" => CustomValue::Bool(true),
                "false" => CustomValue::Bool(false),
                _ => return Err(invalid(format!("'{text}' is not 'true' or 'false'."))),
            },
            2 => {
                let choice = possible
                    .iter()
                    .find(|option| option.eq_ignore_ascii_case(text.trim()))
                    .ok_or_else(|| invalid(format!("'{text}' is not a possible value.")))?;
                CustomValue::Text(choice.clone())
            }
            3 => {
                let values = parameter.values.unwrap_or_default();
                let mut choices = Vec::new();
                for wanted in &values {
                    let choice = possible
                        .iter()
                        .find(|option| option.eq_ignore_ascii_case(wanted.trim()))
                        .ok_or_else(|| invalid(format!("'{wanted}' is not a possible value.")))?;
                    choices.push(choice.clone());
                }
                CustomValue::Choices(choices)
            }
            4 => CustomValue::Date(
                parse_short_date(&text)
                    .ok_or_else(|| invalid(format!("'{text}' is not a valid date.")))?,
            ),
            6 => {
                return Err(ApiFailure::message(
                    400,
                    "HTML custom fields cannot be written through the API.",
                ));
            }
            _ => CustomValue::Text(text),
        };
        let canonical = definition.name.clone();
        if let Some(applicant) = self.applicants.get_mut(&applicant_id) {
            applicant
                .custom_values
                .insert(canonical.clone(), value.clone());
        }
        match self.custom_value_response(&canonical, &value) {
            Some(response) => ok(&response),
            None => Err(ApiFailure::internal("custom field vanished")),
        }
    }
}

fn decode_content(content: Option<&str>, key: &str) -> Result<Vec<u8>, ApiFailure> {
    match content {
        None => Err(ApiFailure::invalid_model(
            key,
            "The Content field is required.",
        )),
        Some(text) => BASE64
            .decode(text.trim())
            .map_err(|_| ApiFailure::invalid_model(key, "Content is not valid base64.")),
    }
}

/// Decodes stored base64 for inspection; undecodable content yields an empty vector.
pub(crate) fn decode_stored(content: Option<&str>) -> Vec<u8> {
    content
        .and_then(|text| BASE64.decode(text.trim()).ok())
        .unwrap_or_default()
}
