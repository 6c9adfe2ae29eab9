//! The eight write actions. Decisions behind them are listed in [`crate::decisions`].

use atsbridge_connector::{
    ActionOutcome, AttachmentPayload, ConnectorError, Context, CreateApplicationInput,
    CreateCandidateInput, ResolvedScreeningAnswer, ScreeningAnswerValue,
};
use atsbridge_schema::action::{AddResultLinkRequest, CandidateInput, GdprConsent, TypedAnswer};
use atsbridge_schema::enums::{AttachmentType, Gender, SalaryExpectationPeriod};
use atsbridge_schema::record::{ApplicationRecord, CandidateRecord, UnifiedRecord};
use base64::Engine as _;
use chrono::{DateTime, Datelike, Utc};
use serde_json::{Map, Value, json};

use crate::client::{ErecruiterClient, WithRaw};
use crate::config::ErecruiterConfig;
use crate::map;
use crate::wire::{
    APPLICANT_READ_ONLY_MEMBERS, ApplicantCvParameter, ApplicantDocumentParameter,
    ApplicantHistoryParameter, ApplicantParameter, ApplicantPolicyParameter, ApplicantResponse,
    ApplicationCreateError, ApplicationCreateParameter, CustomFieldType, CustomFieldValueParameter,
    FlexDate, HistoryType, MandatorResponse, MilitaryService, PolicyType,
    QuestionnaireItemResponse, QuestionnaireItemType, SalaryPeriod,
};

/// Whether two texts are equal ignoring surrounding blanks and case, Unicode included
/// (eRecruiter compares tags, referrers and e-mail addresses that way; `Ü` and `ü` match).
pub fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase()
}

/// Parses a provider id given as a string.
pub fn parse_remote_id(what: &str, id: &str) -> Result<i64, ConnectorError> {
    id.trim().parse::<i64>().map_err(|_| {
        ConnectorError::invalid_input(format!("`{id}` is not an eRecruiter {what} id (a number)"))
    })
}

/// Everything a create action needs, independent of whether it came as "create candidate" or
/// "create application".
#[derive(Debug, Clone)]
pub struct CreateRequest<'a> {
    /// Job to apply to.
    pub job_remote_id: &'a str,
    /// The candidate's data.
    pub candidate: &'a CandidateInput,
    /// Screening answers with their questions.
    pub answers: &'a [ResolvedScreeningAnswer],
    /// Attachments.
    pub attachments: &'a [AttachmentPayload],
    /// Source to write.
    pub source_name: Option<&'a str>,
    /// GDPR consent.
    pub gdpr_consent: Option<&'a GdprConsent>,
}

impl<'a> From<&'a CreateCandidateInput> for CreateRequest<'a> {
    fn from(input: &'a CreateCandidateInput) -> Self {
        Self {
            job_remote_id: &input.job_remote_id,
            candidate: &input.body.candidate,
            answers: &input.screening_answers,
            attachments: &input.attachments,
            source_name: input.source_name.as_deref(),
            gdpr_consent: input.body.gdpr_consent.as_ref(),
        }
    }
}

impl<'a> From<&'a CreateApplicationInput> for CreateRequest<'a> {
    fn from(input: &'a CreateApplicationInput) -> Self {
        Self {
            job_remote_id: &input.job_remote_id,
            candidate: &input.body.candidate,
            answers: &input.screening_answers,
            attachments: &input.attachments,
            source_name: input.source_name.as_deref(),
            gdpr_consent: input.body.gdpr_consent.as_ref(),
        }
    }
}

/// The outcome of a create action.
#[derive(Debug, Clone)]
pub struct Created {
    /// The candidate as eRecruiter now has it.
    pub candidate: CandidateRecord,
    /// The created application.
    pub application: ApplicationRecord,
    /// Tag records of the candidate's tags.
    pub related: Vec<UnifiedRecord>,
    /// Notes for the caller.
    pub warnings: Vec<String>,
}

/// How a requested source is written to eRecruiter.
#[derive(Debug, Default, PartialEq, Eq)]
struct SourceChoice {
    /// `Referrer`: always one of the mandator's configured referrers.
    referrer: Option<String>,
    /// `ReferrerAdditionalInfo`: the requested name when it is not a configured referrer.
    additional_info: Option<String>,
}

/// Matches the requested source against the mandator's configured referrers (ignoring case,
/// written in the mandator's spelling). eRecruiter refuses unknown referrers, so an
/// unconfigured source falls back to the default source (the integration's setting, else the
/// connector config's; used only when eRecruiter knows it) and
/// is kept as additional referrer information, with a warning, instead of failing the action.
async fn resolve_source(
    requested: Option<&str>,
    ctx: &Context,
    config: &ErecruiterConfig,
    mandator: &mut MandatorLookup<'_>,
    warnings: &mut Vec<String>,
) -> Result<SourceChoice, ConnectorError> {
    let Some(requested) = requested.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(SourceChoice::default());
    };
    let configured: Vec<String> = mandator
        .get()
        .await?
        .referrers
        .iter()
        .filter_map(|r| r.name.as_deref().map(str::trim))
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    // The integration's setting wins over the connector config's default.
    let default_source = ctx
        .settings()
        .default_source_name
        .as_deref()
        .or(config.default_source_name.as_deref());
    Ok(choose_source(
        requested,
        default_source,
        &configured,
        warnings,
    ))
}

/// The pure part of [`resolve_source`].
fn choose_source(
    requested: &str,
    default_source: Option<&str>,
    configured: &[String],
    warnings: &mut Vec<String>,
) -> SourceChoice {
    let find = |name: &str| {
        configured
            .iter()
            .find(|known| same_text(known, name))
            .cloned()
    };
    if let Some(found) = find(requested) {
        return SourceChoice {
            referrer: Some(found),
            additional_info: None,
        };
    }
    let fallback = default_source.and_then(find);
    warnings.push(match &fallback {
        Some(fallback) => format!(
            "the source `{requested}` is not configured in eRecruiter; the application was \
             attributed to the default source `{fallback}` and `{requested}` kept as additional \
             referrer information (add it to eRecruiter's referrers to write it as the source)"
        ),
        None => format!(
            "the source `{requested}` is not configured in eRecruiter; it was kept as additional \
             referrer information only (add it to eRecruiter's referrers to write it as the source)"
        ),
    });
    SourceChoice {
        referrer: fallback,
        additional_info: Some(requested.to_owned()),
    }
}

/// Reads the mandator lists at most once per action.
struct MandatorLookup<'a> {
    client: &'a ErecruiterClient,
    loaded: Option<MandatorResponse>,
}

impl<'a> MandatorLookup<'a> {
    fn new(client: &'a ErecruiterClient) -> Self {
        Self {
            client,
            loaded: None,
        }
    }

    async fn get(&mut self) -> Result<&MandatorResponse, ConnectorError> {
        if self.loaded.is_none() {
            self.loaded = Some(self.client.mandator().await?);
        }
        self.loaded
            .as_ref()
            .ok_or_else(|| ConnectorError::transport("mandator lookup failed"))
    }
}

/// Profile changes and extra writes derived from screening answers.
#[derive(Debug, Default)]
struct AnswerPlan {
    members: Map<String, Value>,
    custom_fields: Vec<CustomFieldValueParameter>,
    documents: Vec<(AttachmentPayload, String)>,
    warnings: Vec<String>,
}

/// Formats a date the way eRecruiter's short date pattern of `culture` expects it.
pub fn format_short_date(date: DateTime<Utc>, culture: &str) -> String {
    let culture = culture.to_ascii_lowercase();
    if culture.starts_with("de") {
        date.format("%d.%m.%Y").to_string()
    } else if culture == "en-us" {
        format!("{}/{}/{}", date.month(), date.day(), date.year())
    } else if culture.starts_with("en") || culture.starts_with("fr") || culture.starts_with("it") {
        date.format("%d/%m/%Y").to_string()
    } else {
        date.format("%Y-%m-%d").to_string()
    }
}

fn flex_date(date: DateTime<Utc>) -> FlexDate {
    FlexDate {
        year: Some(date.year()),
        month: Some(date.month()),
        day: Some(date.day()),
        is_relative_date: false,
    }
}

/// Reads an answer of unknown format the obvious way.
fn typed_from_raw(value: &Value) -> Option<TypedAnswer> {
    match value {
        Value::String(s) => Some(TypedAnswer::Text(s.clone())),
        Value::Bool(b) => Some(TypedAnswer::Boolean(*b)),
        Value::Number(n) => n.as_f64().map(TypedAnswer::Number),
        Value::Array(items) => Some(TypedAnswer::MultiSelect(
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
        )),
        _ => None,
    }
}

fn answer_text(answer: &TypedAnswer) -> Option<String> {
    match answer {
        TypedAnswer::Text(s) | TypedAnswer::SingleSelect(s) => Some(s.clone()),
        TypedAnswer::Number(n) => Some(n.to_string()),
        TypedAnswer::Boolean(b) => Some(b.to_string()),
        TypedAnswer::Date(d) => Some(d.as_datetime().format("%Y-%m-%d").to_string()),
        TypedAnswer::MultiSelect(items) => Some(items.join(", ")),
        TypedAnswer::File(_) => None,
    }
}

/// Decides what each answer writes, from the job's questionnaire.
fn plan_answers(
    answers: &[ResolvedScreeningAnswer],
    items: &[(String, QuestionnaireItemResponse)],
    culture: &str,
    source_given: bool,
) -> AnswerPlan {
    use QuestionnaireItemType as T;
    let mut plan = AnswerPlan::default();
    for resolved in answers {
        let question_id = &resolved.question.remote_id;
        let Some((_, item)) = items.iter().find(|(id, _)| id == question_id) else {
            plan.warnings.push(format!(
                "screening question `{question_id}` is not on the job's questionnaire; its answer was not submitted"
            ));
            continue;
        };
        let typed = match &resolved.answer {
            ScreeningAnswerValue::Typed(t) => Some(t.clone()),
            ScreeningAnswerValue::Raw(v) => typed_from_raw(v),
            ScreeningAnswerValue::File(file) => {
                match item.r#type {
                    Some(T::ApplicantDocument) => {
                        let doc_type = item.applicant_document_type.clone().unwrap_or_default();
                        plan.documents.push((file.clone(), doc_type));
                    }
                    _ => plan.warnings.push(format!(
                        "screening question `{question_id}` does not take files; the file was not submitted"
                    )),
                }
                continue;
            }
        };
        let Some(typed) = typed else {
            plan.warnings.push(format!(
                "the answer to `{question_id}` is empty; nothing submitted"
            ));
            continue;
        };
        let mut skip = |reason: &str| {
            plan.warnings.push(format!(
                "screening question `{question_id}` ({reason}) cannot be answered through the API; its answer was not submitted"
            ))
        };
        match item.r#type {
            Some(T::CustomField) => {
                let Some(field) = item.custom_field.as_ref() else {
                    skip("custom field without definition");
                    continue;
                };
                let Some(name) = field.name.clone().filter(|n| !n.trim().is_empty()) else {
                    skip("custom field without name");
                    continue;
                };
                // HTML fields are display-only (INFORMATION) and unknown field types have an
                // unknown format: eRecruiter accepts no value for either.
                match field.r#type {
                    Some(CustomFieldType::Html) => {
                        skip("information text");
                        continue;
                    }
                    Some(CustomFieldType::Other(n)) => {
                        skip(&format!("custom field type {n}"));
                        continue;
                    }
                    _ => {}
                }
                let (value, values) = match (field.r#type, &typed) {
                    (Some(CustomFieldType::CheckBox), TypedAnswer::Boolean(b)) => {
                        (Some(b.to_string()), None)
                    }
                    (Some(CustomFieldType::CheckboxList), TypedAnswer::MultiSelect(items)) => {
                        (None, Some(items.clone()))
                    }
                    (Some(CustomFieldType::CheckboxList), TypedAnswer::SingleSelect(one)) => {
                        (None, Some(vec![one.clone()]))
                    }
                    (Some(CustomFieldType::Date), TypedAnswer::Date(d)) => {
                        (Some(format_short_date(d.as_datetime(), culture)), None)
                    }
                    (_, other) => (answer_text(other), None),
                };
                plan.custom_fields.push(CustomFieldValueParameter {
                    custom_field: name,
                    value,
                    values,
                });
            }
            Some(T::Salary) => match typed {
                TypedAnswer::Number(n) => {
                    plan.members
                        .insert("Salary".into(), json!(n.round() as i64));
                }
                other => match answer_text(&other).and_then(|t| t.trim().parse::<f64>().ok()) {
                    Some(n) => {
                        plan.members
                            .insert("Salary".into(), json!(n.round() as i64));
                    }
                    None => skip("salary needs a number"),
                },
            },
            Some(T::BeginDate) => match typed {
                TypedAnswer::Date(d) => {
                    plan.members.insert(
                        "EarliestPossibleBeginDate".into(),
                        json!(flex_date(d.as_datetime())),
                    );
                }
                _ => skip("start date needs a date"),
            },
            Some(T::WillingToMove) => match typed {
                TypedAnswer::Boolean(b) => {
                    plan.members.insert("IsWillingToMove".into(), json!(b));
                }
                _ => skip("needs yes or no"),
            },
            Some(
                t @ (T::SelfDescription
                | T::JobDescription
                | T::Location
                | T::AbroadTravelling
                | T::DomesticTravelling),
            ) => {
                if let Some(text) = answer_text(&typed) {
                    plan.members.insert(t.name(), json!(text));
                }
            }
            Some(T::Referrer) => {
                if !source_given && let Some(text) = answer_text(&typed) {
                    plan.members.insert("Referrer".into(), json!(text));
                }
            }
            Some(T::MilitaryService) => {
                let chosen = answer_text(&typed).unwrap_or_default();
                let value = [
                    MilitaryService::NotYetDone,
                    MilitaryService::Done,
                    MilitaryService::Reliefed,
                    MilitaryService::Alternative,
                ]
                .into_iter()
                .find(|m| m.name().eq_ignore_ascii_case(chosen.trim()));
                match value {
                    Some(m) => {
                        plan.members
                            .insert("MilitaryService".into(), json!(m.ordinal()));
                    }
                    None => skip("unknown military service option"),
                }
            }
            Some(T::EmploymentType) => {
                let chosen: Vec<String> = match typed {
                    TypedAnswer::MultiSelect(items) => items,
                    other => answer_text(&other).into_iter().collect(),
                };
                for (id, _, member) in map::EMPLOYMENT_TYPE_OPTIONS {
                    let on = chosen.iter().any(|c| c.eq_ignore_ascii_case(id));
                    plan.members.insert(member.into(), json!(on));
                }
            }
            Some(T::Headline | T::SubHeadline) => skip("information text"),
            Some(other) => skip(&other.name()),
            None => skip("no type"),
        }
    }
    plan
}

/// Applies member changes to a raw applicant read with GET, ready to POST back.
pub fn prepare_applicant_update(mut raw: Value, changes: &Map<String, Value>) -> Value {
    if let Value::Object(object) = &mut raw {
        for member in APPLICANT_READ_ONLY_MEMBERS {
            object.remove(*member);
        }
        for (key, value) in changes {
            object.insert(key.clone(), value.clone());
        }
    }
    raw
}

fn file_extension(payload: &AttachmentPayload) -> String {
    if let Some((_, ext)) = payload.name.rsplit_once('.')
        && !ext.is_empty()
        && ext.len() <= 8
        && !ext.contains(' ')
    {
        return format!(".{}", ext.to_ascii_lowercase());
    }
    let by_type = match payload
        .content_type
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("application/pdf") => ".pdf",
        Some("application/msword") => ".doc",
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document") => ".docx",
        Some("text/plain") => ".txt",
        Some("application/rtf" | "text/rtf") => ".rtf",
        Some("image/png") => ".png",
        Some("image/jpeg") => ".jpg",
        _ => "",
    };
    by_type.to_owned()
}

/// Picks the eRecruiter document type for an attachment (see the decisions).
pub fn document_type_for(
    kind: &AttachmentType,
    configured: &[String],
    default_type: Option<&str>,
) -> Option<String> {
    if matches!(kind, AttachmentType::CoverLetter)
        && let Some(found) = configured.iter().find(|t| {
            let l = t.to_lowercase();
            l.contains("cover") || l.contains("anschreiben") || l.contains("motivation")
        })
    {
        return Some(found.clone());
    }
    default_type
        .map(str::to_owned)
        .or_else(|| configured.first().cloned())
}

fn document_parameter(
    file: &AttachmentPayload,
    doc_type: String,
    content: String,
) -> ApplicantDocumentParameter {
    ApplicantDocumentParameter {
        name: file.name.clone(),
        file_extension: file_extension(file),
        r#type: doc_type,
        content,
        is_public: false,
    }
}

/// Uploads files to an applicant: the first CV into the CV slot, everything else as documents.
async fn upload_files(
    client: &ErecruiterClient,
    config: &ErecruiterConfig,
    mandator: &mut MandatorLookup<'_>,
    applicant_id: i64,
    files: &[AttachmentPayload],
    typed_documents: &[(AttachmentPayload, String)],
) -> Result<(), ConnectorError> {
    let engine = base64::engine::general_purpose::STANDARD;
    let mut cv_used = false;
    for file in files {
        let content = engine.encode(&file.data);
        if matches!(file.kind, AttachmentType::Cv) && !cv_used {
            cv_used = true;
            client
                .put_cv(
                    applicant_id,
                    &ApplicantCvParameter {
                        file_extension: file_extension(file),
                        content,
                    },
                )
                .await?;
            continue;
        }
        let configured = match config.default_document_type.as_deref() {
            Some(_) if !matches!(file.kind, AttachmentType::CoverLetter) => Vec::new(),
            _ => mandator.get().await?.applicant_document_types.clone(),
        };
        let doc_type = document_type_for(&file.kind, &configured, config.default_document_type.as_deref())
            .ok_or_else(|| {
                ConnectorError::config(
                    "eRecruiter has no document types configured and `default_document_type` is not set",
                )
            })?;
        client
            .add_document(applicant_id, &document_parameter(file, doc_type, content))
            .await?;
    }
    for (file, doc_type) in typed_documents {
        let content = engine.encode(&file.data);
        client
            .add_document(
                applicant_id,
                &document_parameter(file, doc_type.clone(), content),
            )
            .await?;
    }
    Ok(())
}

fn map_create_errors(
    errors: &[ApplicationCreateError],
    job_id: i64,
    applicant_id: i64,
) -> ConnectorError {
    let first = errors
        .first()
        .copied()
        .unwrap_or(ApplicationCreateError::Other(-1));
    match first {
        ApplicationCreateError::ApplicationAlreadyExists => ConnectorError::already_exists(
            format!("applicant {applicant_id} has already applied to job {job_id}"),
        ),
        ApplicationCreateError::JobIsClosed => {
            ConnectorError::job_closed(format!("job {job_id} is closed for applications"))
        }
        ApplicationCreateError::JobDoesNotExist => {
            ConnectorError::invalid_input(format!("job {job_id} does not exist in eRecruiter"))
        }
        ApplicationCreateError::ApplicantDoesNotExist => ConnectorError::invalid_input(format!(
            "applicant {applicant_id} does not exist in eRecruiter"
        )),
        ApplicationCreateError::Other(code) => ConnectorError::invalid_input(format!(
            "eRecruiter refused the application with error code {code}"
        )),
    }
}

fn no_applicant(applicant_id: i64) -> ConnectorError {
    ConnectorError::not_found(format!("eRecruiter has no applicant {applicant_id}"))
}

/// Reads a candidate the way a sync would (applicant + custom fields).
pub async fn read_candidate(
    client: &ErecruiterClient,
    applicant_id: i64,
) -> Result<CandidateRecord, ConnectorError> {
    let applicant = client
        .applicant(applicant_id)
        .await?
        .ok_or_else(|| no_applicant(applicant_id))?;
    candidate_from(client, applicant).await
}

/// Shapes an applicant the action already holds (read or returned by a write) like a sync
/// would; only its custom fields are read.
async fn candidate_from(
    client: &ErecruiterClient,
    applicant: WithRaw<ApplicantResponse>,
) -> Result<CandidateRecord, ConnectorError> {
    let applicant_id = applicant.value.id;
    let custom_fields = client.applicant_custom_fields(applicant_id).await?;
    let data = map::remote_data(&format!("/Api/Applicant/{applicant_id}"), applicant.raw);
    Ok(map::map_applicant(
        &applicant.value,
        &custom_fields,
        Some(data),
    ))
}

fn tag_records(candidate: &CandidateRecord) -> Vec<UnifiedRecord> {
    candidate
        .tag_remote_ids
        .iter()
        .map(|t| UnifiedRecord::from(map::map_tag(t)))
        .collect()
}

/// Creates (or reuses, by e-mail) the applicant and applies to the job.
pub async fn create(
    client: &ErecruiterClient,
    config: &ErecruiterConfig,
    ctx: &Context,
    request: CreateRequest<'_>,
) -> Result<Created, ConnectorError> {
    let job_id = parse_remote_id("job", request.job_remote_id)?;
    let candidate = request.candidate;
    let email = candidate.email_address.trim();
    if email.is_empty()
        || candidate.first_name.trim().is_empty()
        || candidate.last_name.trim().is_empty()
    {
        return Err(ConnectorError::invalid_input(
            "candidate.first_name, candidate.last_name and candidate.email_address are required",
        ));
    }
    let now = ctx.now();
    let mut mandator = MandatorLookup::new(client);
    let mut warnings = Vec::new();

    // Questions of the job, only when there are answers to place.
    let mut items = Vec::new();
    if !request.answers.is_empty()
        && let Some(questionnaire) = client.questionnaire_by_job(job_id).await?
    {
        for (index, item) in questionnaire.items.iter().enumerate() {
            items.push((
                map::question_remote_id(questionnaire.id, index, item),
                item.clone(),
            ));
        }
    }
    let plan = plan_answers(
        request.answers,
        &items,
        &config.culture,
        request.source_name.is_some(),
    );
    warnings.extend(plan.warnings.iter().cloned());

    let source = resolve_source(
        request.source_name,
        ctx,
        config,
        &mut mandator,
        &mut warnings,
    )
    .await?;

    // Dedupe by e-mail.
    let existing = client
        .applicants_by_email(email)
        .await?
        .into_iter()
        .filter(|a| {
            a.value
                .email
                .as_deref()
                .is_some_and(|e| same_text(e, email))
        })
        .min_by_key(|a| a.value.id);
    let consent_given = request.gdpr_consent.and_then(|g| g.given).unwrap_or(false);

    let applicant_id = match existing {
        Some(found) => {
            let found_id = found.value.id;
            warnings.push(format!(
                "an applicant with this e-mail exists already ({found_id}); it was reused and its \
                 profile left unchanged (screening answers were still recorded)"
            ));
            // `ByEmail` returns complete applicants, so the full-replace update starts from
            // that copy instead of reading the applicant again.
            if !plan.members.is_empty() {
                let body = prepare_applicant_update(found.raw, &plan.members);
                client.update_applicant(found_id, &body).await?;
            }
            if consent_given {
                let consent = client
                    .policies()
                    .await?
                    .into_iter()
                    .find(|p| p.r#type == PolicyType::Consent);
                match consent {
                    Some(policy) => {
                        client
                            .accept_policy(
                                found_id,
                                policy.id,
                                &ApplicantPolicyParameter {
                                    accepted_on: Some(now),
                                    revoked_on: None,
                                },
                            )
                            .await?
                    }
                    None => warnings.push(
                        "eRecruiter lists no consent policy; GDPR consent was not recorded".into(),
                    ),
                }
            }
            found_id
        }
        None => {
            let (gender, identity) = match candidate.gender {
                Some(Gender::Male) => (1, 1),
                Some(Gender::Female) => (2, 2),
                Some(Gender::Other) => (0, 3),
                None => (0, 0),
            };
            let country = match candidate
                .location
                .as_ref()
                .map(|l| l.country.trim())
                .filter(|c| !c.is_empty())
            {
                Some(code) => Some(map::iso_to_country_name(
                    code,
                    &mandator.get().await?.countries,
                )),
                None => None,
            };
            let (salary, salary_period) = match &candidate.salary_expectations {
                Some(s) => (
                    Some(s.amount.round() as i64),
                    Some(match s.period {
                        SalaryExpectationPeriod::Month => SalaryPeriod::Monthly.ordinal(),
                        SalaryExpectationPeriod::Year => SalaryPeriod::Yearly.ordinal(),
                    }),
                ),
                None => (None, None),
            };
            let body = ApplicantParameter {
                date_of_creation: Some(now),
                first_name: candidate.first_name.trim().to_owned(),
                last_name: candidate.last_name.trim().to_owned(),
                email: Some(email.to_owned()),
                gender,
                gender_identity: identity,
                phone: candidate
                    .phone_number
                    .clone()
                    .filter(|p| !p.trim().is_empty()),
                city: candidate.location.as_ref().and_then(|l| l.city.clone()),
                country,
                is_active: true,
                is_locked: false,
                enable_newsletter: false,
                enable_matching_jobs_auto_mail: false,
                tags: Vec::new(),
                salary,
                salary_period,
                earliest_possible_begin_date: candidate
                    .availability_date
                    .map(|d| flex_date(d.as_datetime())),
                referrer: source.referrer.clone(),
                policy_accepted_at: consent_given.then_some(now),
                extra: Map::new(),
            };
            // Answers fill members the candidate data left empty; explicit candidate data wins.
            let mut body = serde_json::to_value(&body).map_err(|e| {
                ConnectorError::invalid_input(format!("unusable candidate data: {e}"))
            })?;
            if let Value::Object(object) = &mut body {
                for (key, value) in &plan.members {
                    if object.get(key).is_none_or(Value::is_null) {
                        object.insert(key.clone(), value.clone());
                    }
                }
            }
            client.create_applicant(&body).await?.value.id
        }
    };

    // The application.
    let created = client
        .create_application(&ApplicationCreateParameter {
            job_id,
            applicant_id,
            referrer: source.referrer.clone(),
            referrer_additional_info: source.additional_info.clone(),
            refresh_application_if_it_already_exists: false,
            cover_letter: None,
        })
        .await?;
    if !created.errors.is_empty() {
        return Err(map_create_errors(&created.errors, job_id, applicant_id));
    }
    let application_id = created.application_id.ok_or_else(|| {
        ConnectorError::provider_error(
            200,
            "eRecruiter reported no error but returned no application id",
        )
    })?;

    // Answers stored in custom fields, then files. The application exists from here on, so a
    // failed follow-up write becomes a warning: failing the action would hide an application
    // that eRecruiter has (a retry would only get "already exists") and atsbridge would never
    // track it. Cancellation still stops the action.
    for field in &plan.custom_fields {
        if let Err(err) = client.set_custom_field(applicant_id, field).await {
            ctx.ensure_not_cancelled()?;
            warnings.push(format!(
                "the application was created, but the answer for custom field `{}` could not be \
                 written: {err}",
                field.custom_field
            ));
        }
    }
    if let Err(err) = upload_files(
        client,
        config,
        &mut mandator,
        applicant_id,
        request.attachments,
        &plan.documents,
    )
    .await
    {
        ctx.ensure_not_cancelled()?;
        warnings.push(format!(
            "the application was created, but not every attachment could be uploaded: {err}"
        ));
    }

    // Read back what eRecruiter now has, shaped exactly like a sync would shape it.
    let candidate = read_candidate(client, applicant_id).await?;
    let path = format!("/Api/Applications/{applicant_id}");
    let application = client
        .applications_of_applicant(applicant_id)
        .await?
        .unwrap_or_default()
        .into_iter()
        .find(|a| a.value.id == application_id)
        .map(|a| map::map_application(&a.value, Some(map::remote_data(&path, a.raw))))
        .unwrap_or_else(|| ApplicationRecord {
            remote_id: application_id.to_string(),
            outcome: Some(map::map_outcome(crate::wire::WorkflowStatusGroup::New)),
            job_remote_id: Some(job_id.to_string()),
            candidate_remote_id: Some(applicant_id.to_string()),
            current_stage_remote_id: Some(map::stage_remote_id(
                crate::wire::WorkflowStatusGroup::New,
            )),
            custom_fields: Some(Default::default()),
            ..ApplicationRecord::default()
        });
    let related = tag_records(&candidate);
    Ok(Created {
        candidate,
        application,
        related,
        warnings,
    })
}

/// Adds (`add = true`) or removes a tag: GET the applicant, edit `Tags`, POST it back complete.
pub async fn change_tag(
    client: &ErecruiterClient,
    candidate_remote_id: &str,
    tag_name: &str,
    add: bool,
) -> Result<ActionOutcome, ConnectorError> {
    let applicant_id = parse_remote_id("candidate", candidate_remote_id)?;
    let tag = tag_name.trim();
    if tag.is_empty() {
        return Err(ConnectorError::invalid_input("tag.name must not be empty"));
    }
    let current = client
        .applicant(applicant_id)
        .await?
        .ok_or_else(|| no_applicant(applicant_id))?;
    let new_tags = edit_tags(&current.value.tags, tag, add);
    // The update answers with the applicant as eRecruiter now has it, and an unchanged
    // applicant is the one just read: neither needs reading again.
    let applicant = if new_tags == current.value.tags {
        current
    } else {
        let mut changes = Map::new();
        changes.insert("Tags".into(), json!(new_tags));
        let body = prepare_applicant_update(current.raw, &changes);
        client.update_applicant(applicant_id, &body).await?
    };
    let candidate = candidate_from(client, applicant).await?;
    let mut records = vec![UnifiedRecord::from(candidate.clone())];
    if add {
        records.extend(
            tag_records(&candidate)
                .into_iter()
                .filter(|r| same_text(r.remote_id(), tag)),
        );
    }
    Ok(ActionOutcome {
        records,
        warnings: Vec::new(),
    })
}

/// The applicant's tags after adding (`add = true`) or removing `tag`. Adding keeps an
/// existing tag of other casing as it is; removing drops every match. Case is compared the
/// Unicode way.
pub fn edit_tags(tags: &[String], tag: &str, add: bool) -> Vec<String> {
    if add {
        let mut edited = tags.to_vec();
        if !tags.iter().any(|t| same_text(t, tag)) {
            edited.push(tag.trim().to_owned());
        }
        edited
    } else {
        tags.iter()
            .filter(|t| !same_text(t, tag))
            .cloned()
            .collect()
    }
}

/// Stores a file on an applicant.
pub async fn add_attachment(
    client: &ErecruiterClient,
    config: &ErecruiterConfig,
    applicant_id: i64,
    attachment: &AttachmentPayload,
) -> Result<(), ConnectorError> {
    let mut mandator = MandatorLookup::new(client);
    upload_files(
        client,
        config,
        &mut mandator,
        applicant_id,
        std::slice::from_ref(attachment),
        &[],
    )
    .await
}

/// The history entry that represents a result link.
pub fn result_link_history(
    link: &AddResultLinkRequest,
    job_id: Option<i64>,
    created_by: &str,
) -> ApplicantHistoryParameter {
    let mut body = link.url.trim().to_owned();
    if let Some(details) = &link.details {
        let prefix = details.custom_field_name_prefix.trim();
        for attribute in &details.attributes {
            let key = if prefix.is_empty() {
                attribute.key.clone()
            } else {
                format!("{prefix} {}", attribute.key)
            };
            body.push_str(&format!("\n{key}: {}", attribute.value));
        }
    }
    ApplicantHistoryParameter {
        job_id,
        subject: link.label.trim().to_owned(),
        body,
        r#type: HistoryType::Manual,
        created_by: created_by.to_owned(),
    }
}

/// Finds the job of an application through its applicant's applications.
pub async fn job_of_application(
    client: &ErecruiterClient,
    applicant_id: i64,
    application_id: i64,
) -> Result<i64, ConnectorError> {
    client
        .applications_of_applicant(applicant_id)
        .await?
        .unwrap_or_default()
        .into_iter()
        .find(|a| a.value.id == application_id)
        .map(|a| a.value.job_id)
        .ok_or_else(|| {
            ConnectorError::not_found(format!(
                "eRecruiter has no application {application_id} for applicant {applicant_id}"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use atsbridge_schema::action::{ResultLinkAttribute, ResultLinkDetails};
    use atsbridge_schema::record::ScreeningQuestionRecord;
    use bytes::Bytes;

    #[test]
    fn sources_are_matched_against_the_configured_referrers() {
        let configured = vec!["LinkedIn".to_owned(), "atsbridge".to_owned()];
        let mut warnings = Vec::new();
        // Known source, any case: written in the mandator's spelling, no warning.
        assert_eq!(
            choose_source("linkedin", None, &configured, &mut warnings),
            SourceChoice {
                referrer: Some("LinkedIn".into()),
                additional_info: None
            }
        );
        assert!(warnings.is_empty());
        // Unknown source: the configured default takes its place, the name is kept.
        assert_eq!(
            choose_source("Job fair", Some("ATSBRIDGE"), &configured, &mut warnings),
            SourceChoice {
                referrer: Some("atsbridge".into()),
                additional_info: Some("Job fair".into())
            }
        );
        assert!(
            warnings[0].contains("`Job fair` is not configured"),
            "{warnings:?}"
        );
        // Unknown source and no usable default: no referrer at all, never an unknown one.
        assert_eq!(
            choose_source("Job fair", Some("missing"), &configured, &mut warnings),
            SourceChoice {
                referrer: None,
                additional_info: Some("Job fair".into())
            }
        );
        assert_eq!(warnings.len(), 2);
    }

    fn answer(id: &str, value: TypedAnswer) -> ResolvedScreeningAnswer {
        ResolvedScreeningAnswer {
            question: ScreeningQuestionRecord {
                remote_id: id.into(),
                ..Default::default()
            },
            answer: ScreeningAnswerValue::Typed(value),
        }
    }

    fn item(value: Value) -> QuestionnaireItemResponse {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn answers_are_planned_per_question_type() {
        let items = vec![
            (
                "1".to_owned(),
                item(json!({"Type": 3, "CustomField": {"Name": "Dept", "Type": 2}})),
            ),
            (
                "2".to_owned(),
                item(json!({"Type": 3, "CustomField": {"Name": "Langs", "Type": 3}})),
            ),
            (
                "3".to_owned(),
                item(json!({"Type": 3, "CustomField": {"Name": "Start", "Type": 4}})),
            ),
            ("4".to_owned(), item(json!({"Type": 8}))),
            ("5".to_owned(), item(json!({"Type": 10}))),
            ("6".to_owned(), item(json!({"Type": 19}))),
            (
                "7".to_owned(),
                item(json!({"Type": 0, "Language": "English"})),
            ),
        ];
        let date = atsbridge_schema::Timestamp::parse_flexible("2025-09-01").unwrap();
        let answers = vec![
            answer("1", TypedAnswer::SingleSelect("IT".into())),
            answer(
                "2",
                TypedAnswer::MultiSelect(vec!["DE".into(), "EN".into()]),
            ),
            answer("3", TypedAnswer::Date(date)),
            answer("4", TypedAnswer::Number(55000.6)),
            answer("5", TypedAnswer::Boolean(true)),
            answer("6", TypedAnswer::MultiSelect(vec!["PartTime".into()])),
            answer("7", TypedAnswer::Text("fluent".into())),
            answer("99", TypedAnswer::Text("?".into())),
        ];
        let plan = plan_answers(&answers, &items, "de-AT", true);
        assert_eq!(
            serde_json::to_value(&plan.custom_fields).unwrap(),
            json!([
                {"CustomField": "Dept", "Value": "IT", "Values": null},
                {"CustomField": "Langs", "Value": null, "Values": ["DE", "EN"]},
                {"CustomField": "Start", "Value": "01.09.2025", "Values": null}
            ])
        );
        assert_eq!(
            Value::Object(plan.members.clone()),
            json!({"Salary": 55001, "IsWillingToMove": true, "IsInterestedInFulltime": false,
                   "IsInterestedInPartTime": true, "IsInterestedInInternship": false,
                   "IsInterestedInFreelancer": false})
        );
        assert_eq!(plan.warnings.len(), 2, "{:?}", plan.warnings);
        assert!(plan.warnings[0].contains("SingleLanguage"));
        assert!(plan.warnings[1].contains("`99`"));
    }

    #[test]
    fn display_only_and_unknown_items_are_skipped_with_a_warning() {
        let items = vec![
            (
                "html".to_owned(),
                item(json!({"Type": 3, "CustomField": {"Name": "Intro", "Type": 6}})),
            ),
            (
                "future".to_owned(),
                item(json!({"Type": 3, "CustomField": {"Name": "Rating", "Type": 9}})),
            ),
            ("head".to_owned(), item(json!({"Type": 2}))),
            ("sub".to_owned(), item(json!({"Type": 13}))),
            ("new-type".to_owned(), item(json!({"Type": 40}))),
            (
                "ok".to_owned(),
                item(json!({"Type": 3, "CustomField": {"Name": "Note", "Type": 5}})),
            ),
        ];
        let answers = vec![
            answer("html", TypedAnswer::Text("<b>hi</b>".into())),
            answer("future", TypedAnswer::Number(3.0)),
            answer("head", TypedAnswer::Text("x".into())),
            answer("sub", TypedAnswer::Boolean(true)),
            answer("new-type", TypedAnswer::Text("y".into())),
            answer("ok", TypedAnswer::Text("Grüße aus Wien ✓".into())),
        ];
        let plan = plan_answers(&answers, &items, "de-AT", false);
        assert_eq!(
            serde_json::to_value(&plan.custom_fields).unwrap(),
            json!([{"CustomField": "Note", "Value": "Grüße aus Wien ✓", "Values": null}])
        );
        assert!(plan.members.is_empty());
        assert_eq!(plan.warnings.len(), 5, "{:?}", plan.warnings);
        for (warning, id) in plan
            .warnings
            .iter()
            .zip(["html", "future", "head", "sub", "new-type"])
        {
            assert!(warning.contains(&format!("`{id}`")), "{warning}");
        }
    }

    #[test]
    fn tags_and_texts_compare_ignoring_unicode_case() {
        assert!(same_text(" Über ", "über"));
        assert!(same_text("ЕХАЛ ГРЕКА", "ехал грека"));
        assert!(!same_text("Senior", "Seniors"));
        let tags = vec!["Über".to_owned(), "VIP".to_owned()];
        // Adding with other casing keeps the tags as they are.
        assert_eq!(edit_tags(&tags, "über", true), tags);
        assert_eq!(edit_tags(&tags, " Neu ★ ", true), ["Über", "VIP", "Neu ★"]);
        // Removing drops every case-insensitive match and tolerates a missing tag.
        let doubled = vec!["vip".to_owned(), "Über".to_owned(), "VIP".to_owned()];
        assert_eq!(edit_tags(&doubled, "Vip", false), ["Über"]);
        assert_eq!(edit_tags(&tags, "ÜBER", false), ["VIP"]);
        assert_eq!(edit_tags(&tags, "never", false), tags);
        // Referrers match the same way and keep the mandator's spelling.
        let mut warnings = Vec::new();
        let configured = vec!["Österreich Jobs".to_owned()];
        assert_eq!(
            choose_source("ÖSTERREICH JOBS", None, &configured, &mut warnings).referrer,
            Some("Österreich Jobs".to_owned())
        );
        assert!(warnings.is_empty());
    }

    #[test]
    fn applicant_update_keeps_every_member_but_read_only_ones() {
        let raw = json!({"Id": 1, "HasCv": true, "ThirdPartyProfiles": [], "FirstName": "Zoë",
                         "Tags": ["a"], "FutureMember": {"x": 1}, "BirthDate": "1990-05-17T00:00:00"});
        let mut changes = Map::new();
        changes.insert("Tags".into(), json!(["a", "b"]));
        assert_eq!(
            prepare_applicant_update(raw, &changes),
            json!({"FirstName": "Zoë", "Tags": ["a", "b"], "FutureMember": {"x": 1}, "BirthDate": "1990-05-17T00:00:00"})
        );
    }

    #[test]
    fn document_types_and_extensions() {
        let types = vec![
            "Lebenslauf".to_owned(),
            "Anschreiben".to_owned(),
            "Zeugnis".to_owned(),
        ];
        assert_eq!(
            document_type_for(&AttachmentType::CoverLetter, &types, None).as_deref(),
            Some("Anschreiben")
        );
        assert_eq!(
            document_type_for(&AttachmentType::Other, &types, Some("Zeugnis")).as_deref(),
            Some("Zeugnis")
        );
        assert_eq!(
            document_type_for(&AttachmentType::Other, &types, None).as_deref(),
            Some("Lebenslauf")
        );
        assert_eq!(document_type_for(&AttachmentType::Other, &[], None), None);
        let payload = |name: &str, ct: Option<&str>| AttachmentPayload {
            name: name.into(),
            content_type: ct.map(str::to_owned),
            kind: AttachmentType::Cv,
            data: Bytes::from_static(b"x"),
        };
        assert_eq!(file_extension(&payload("CV.PDF", None)), ".pdf");
        assert_eq!(
            file_extension(&payload("CV", Some("application/pdf"))),
            ".pdf"
        );
        assert_eq!(file_extension(&payload("CV", None)), "");
    }

    #[test]
    fn result_link_history_keeps_label_url_and_attributes() {
        let link = AddResultLinkRequest {
            label: "Assessment".into(),
            url: "https://example.com/r/1".into(),
            details: Some(ResultLinkDetails {
                custom_field_name_prefix: "Acme:".into(),
                attributes: vec![ResultLinkAttribute {
                    key: "Score".into(),
                    value: "87%".into(),
                }],
            }),
            remote_fields: None,
        };
        let history = result_link_history(&link, Some(4711), "atsbridge");
        assert_eq!(
            serde_json::to_value(history).unwrap(),
            json!({"JobId": 4711, "Subject": "Assessment", "Body": "https://example.com/r/1\nAcme: Score: 87%",
                   "Type": 0, "CreatedBy": "atsbridge"})
        );
    }

    #[test]
    fn short_dates_follow_the_culture() {
        let d = atsbridge_schema::Timestamp::parse_flexible("2025-03-04")
            .unwrap()
            .as_datetime();
        assert_eq!(format_short_date(d, "de-AT"), "04.03.2025");
        assert_eq!(format_short_date(d, "en-US"), "3/4/2025");
        assert_eq!(format_short_date(d, "en"), "04/03/2025");
        assert_eq!(format_short_date(d, "sv"), "2025-03-04");
    }

    #[test]
    fn create_errors_map_to_kombo_codes() {
        use atsbridge_connector::ErrorKind;
        let e = map_create_errors(&[ApplicationCreateError::ApplicationAlreadyExists], 1, 2);
        assert_eq!(e.kind(), &ErrorKind::AlreadyExists);
        let e = map_create_errors(&[ApplicationCreateError::JobIsClosed], 1, 2);
        assert_eq!(e.kind(), &ErrorKind::JobClosed);
        let e = map_create_errors(&[ApplicationCreateError::JobDoesNotExist], 1, 2);
        assert_eq!(e.kind(), &ErrorKind::InvalidInput);
    }
}
