//! Pure functions from eRecruiter wire objects to unified records. No I/O, no clock.

use std::collections::BTreeSet;

use atsbridge_schema::Timestamp;
use atsbridge_schema::common::{
    EmailAddress, IntegrationField, JsonObject, Location, PhoneNumber, SocialMediaLink,
};
use atsbridge_schema::enums::{
    ApplicationOutcome, EmploymentType, IntegrationFieldType, JobStatus as UnifiedJobStatus,
    StageStatus, TextDisplayType,
};
use atsbridge_schema::format::{QuestionFormat, QuestionOption};
use atsbridge_schema::record::{
    ApplicationRecord, ApplicationStageRecord, CandidateRecord, JobRecord,
    JobScreeningQuestionRecord, ScreeningQuestionRecord, TagRecord,
};
use chrono::{DateTime, Utc};
use serde_json::Value;
#[cfg(test)]
use serde_json::json;

use crate::wire::{
    ApplicantResponse, ApplicationResponse, CustomFieldResponse, CustomFieldType,
    CustomFieldValueResponse, JobResponse, JobStatus, MilitaryService, QuestionnaireItemResponse,
    QuestionnaireItemType, QuestionnaireResponse, WorkflowStatusGroup,
};

/// The placeholder eRecruiter puts into publication URLs for the referrer.
const REFERRER_PLACEHOLDER: &str = "$Referrer$";

/// The workflow groups in the order stages are listed (also their `index`).
pub const STAGE_GROUPS: [WorkflowStatusGroup; 7] = [
    WorkflowStatusGroup::New,
    WorkflowStatusGroup::Internal,
    WorkflowStatusGroup::Proposed,
    WorkflowStatusGroup::External,
    WorkflowStatusGroup::Accepted,
    WorkflowStatusGroup::Rejected,
    WorkflowStatusGroup::None,
];

/// Options of the `EmploymentType` questionnaire item: (remote id, label, applicant member).
pub const EMPLOYMENT_TYPE_OPTIONS: [(&str, &str, &str); 4] = [
    ("Fulltime", "Full-time", "IsInterestedInFulltime"),
    ("PartTime", "Part-time", "IsInterestedInPartTime"),
    ("Internship", "Internship", "IsInterestedInInternship"),
    ("Freelancer", "Freelancer", "IsInterestedInFreelancer"),
];

fn ts(value: Option<DateTime<Utc>>) -> Option<Timestamp> {
    value.map(Timestamp::from_datetime)
}

fn non_blank(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Wraps a raw payload as `remote_data`, keyed by the endpoint path it came from.
pub fn remote_data(path: &str, raw: Value) -> JsonObject {
    let mut object = JsonObject::new();
    object.insert(path.to_owned(), raw);
    object
}

// ---------------------------------------------------------------------------------------------
// Jobs

/// Maps eRecruiter's job status onto Kombo's job status.
pub fn map_job_status(status: JobStatus) -> UnifiedJobStatus {
    match status {
        JobStatus::Open | JobStatus::Repositioned => UnifiedJobStatus::Open,
        JobStatus::Draft => UnifiedJobStatus::Draft,
        JobStatus::Engaged => UnifiedJobStatus::Closed,
        JobStatus::Cancelled => UnifiedJobStatus::Archived,
        JobStatus::Other(n) => UnifiedJobStatus::Other(format!("Other({n})")),
    }
}

/// Removes the `$Referrer$` placeholder from a publication URL: a query parameter whose value
/// is only the placeholder is dropped, any other occurrence is deleted.
pub fn strip_referrer_placeholder(raw: &str) -> String {
    let Ok(mut url) = url::Url::parse(raw) else {
        return raw.replace(REFERRER_PLACEHOLDER, "");
    };
    if url
        .query()
        .is_some_and(|q| q.contains(REFERRER_PLACEHOLDER))
    {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(_, v)| v != REFERRER_PLACEHOLDER)
            .map(|(k, v)| (k.into_owned(), v.replace(REFERRER_PLACEHOLDER, "")))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    url.to_string().replace(REFERRER_PLACEHOLDER, "")
}

/// Kombo's employment type from the job's occupation types (tenant texts in German or
/// English), else from Google for Jobs' textual employment type.
pub fn map_employment_type(job: &JobResponse) -> Option<EmploymentType> {
    if let Some(first) = job.occupation_types.iter().find(|t| !t.trim().is_empty()) {
        let lower = first.to_lowercase();
        let known = [
            (&["full", "voll"][..], EmploymentType::FullTime),
            (&["part", "teil"][..], EmploymentType::PartTime),
            (
                &["intern", "praktik", "trainee"][..],
                EmploymentType::Internship,
            ),
            (&["season", "saison"][..], EmploymentType::Seasonal),
            (
                &["contract", "freelance", "freie", "werkvertrag", "befrist"][..],
                EmploymentType::Contract,
            ),
        ];
        return Some(
            known
                .iter()
                .find(|(needles, _)| needles.iter().any(|n| lower.contains(n)))
                .map(|(_, t)| t.clone())
                .unwrap_or_else(|| EmploymentType::Other(first.trim().to_owned())),
        );
    }
    let google = job.google_for_jobs.as_ref()?;
    let text = match &google.employment_type {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().find_map(Value::as_str)?.to_owned(),
        _ => return None,
    };
    Some(match text.trim().to_ascii_uppercase().as_str() {
        "FULL_TIME" => EmploymentType::FullTime,
        "PART_TIME" => EmploymentType::PartTime,
        "CONTRACTOR" => EmploymentType::Contract,
        "TEMPORARY" => EmploymentType::Seasonal,
        "INTERN" => EmploymentType::Internship,
        _ => EmploymentType::Other(text.trim().to_owned()),
    })
}

/// The job's location: the first structured Google for Jobs address, else the geocoded
/// location; `raw` is the ad's location text.
pub fn map_job_location(job: &JobResponse) -> Option<Location> {
    let raw = non_blank(&job.location)
        .or_else(|| non_blank(&job.geo_location_name))
        .or_else(|| non_blank(&job.internal_location));
    let structured = job
        .google_for_jobs
        .as_ref()
        .and_then(|g| g.locations.first())
        .map(|l| Location {
            city: non_blank(&l.city),
            country: non_blank(&l.country).map(|c| country_to_iso(&c)),
            raw: None,
            state: non_blank(&l.state),
            street_1: join_street(&l.street, &l.house_no),
            street_2: None,
            zip_code: non_blank(&l.zip_code),
        })
        .or_else(|| {
            job.geo_location.as_ref().map(|g| Location {
                city: non_blank(&g.city),
                country: non_blank(&g.country).map(|c| country_to_iso(&c)),
                raw: None,
                state: non_blank(&g.region),
                street_1: join_street(&g.street, &g.street_number),
                street_2: None,
                zip_code: non_blank(&g.zip_code),
            })
        });
    match (structured, raw) {
        (Some(mut location), raw) => {
            location.raw = raw;
            Some(location)
        }
        (None, Some(raw)) => Some(Location {
            raw: Some(raw),
            ..Location::default()
        }),
        (None, None) => None,
    }
}

fn join_street(street: &Option<String>, number: &Option<String>) -> Option<String> {
    match (non_blank(street), non_blank(number)) {
        (Some(s), Some(n)) => Some(format!("{s} {n}")),
        (Some(s), None) => Some(s),
        (None, _) => None,
    }
}

/// The JSON value of a custom field, typed by the field type (checkbox → bool, checkbox list
/// → array, date → timestamp, else the formatted text); `Null` when it has none.
fn custom_field_value(field: &CustomFieldResponse, value: &CustomFieldValueResponse) -> Value {
    let text = value.value.clone().or_else(|| value.string_value.clone());
    let mapped = match field.r#type {
        Some(CustomFieldType::CheckBox) => value.bool_value.map(Value::Bool).or_else(|| {
            text.as_deref()
                .map(|t| Value::Bool(t.eq_ignore_ascii_case("true")))
        }),
        Some(CustomFieldType::CheckboxList) => value
            .string_value
            .as_deref()
            .or(text.as_deref())
            .map(|joined| {
                Value::Array(
                    joined
                        .split('|')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| Value::String(s.to_owned()))
                        .collect(),
                )
            }),
        Some(CustomFieldType::Date) => value
            .date_value
            .map(|d| Value::String(Timestamp::from_datetime(d).to_wire_string()))
            .or_else(|| text.clone().map(Value::String)),
        _ => text.map(Value::String),
    };
    mapped.unwrap_or(Value::Null)
}

/// The custom fields that carry a definition with an internal name, with that name.
fn named_custom_fields(
    values: &[CustomFieldValueResponse],
) -> impl Iterator<Item = (String, &CustomFieldResponse, &CustomFieldValueResponse)> {
    values.iter().filter_map(|value| {
        let field = value.custom_field.as_ref()?;
        Some((non_blank(&field.name)?, field, value))
    })
}

/// Custom field values keyed by the field's internal name, typed by the field type.
pub fn map_custom_fields(values: &[CustomFieldValueResponse]) -> JsonObject {
    named_custom_fields(values)
        .map(|(name, field, value)| (name, custom_field_value(field, value)))
        .collect()
}

/// Prefix of the record-level id of a custom field's integration field. Custom field names
/// are chosen by the tenant and may equal the name of a built-in member, so the two kinds
/// get separate id spaces.
pub const CUSTOM_INTEGRATION_FIELD_ID_PREFIX: &str = "CustomFields/";

/// Custom fields as `CUSTOM` integration fields: key is the field's internal name, label its
/// public title, value typed as in [`map_custom_fields`]. A name listed twice keeps its last
/// value, as in `custom_fields`.
pub fn custom_integration_fields(values: &[CustomFieldValueResponse]) -> Vec<IntegrationField> {
    let mut fields: Vec<IntegrationField> = Vec::new();
    for (name, field, value) in named_custom_fields(values) {
        let item = IntegrationField {
            id: format!("{CUSTOM_INTEGRATION_FIELD_ID_PREFIX}{name}"),
            key: name,
            r#type: IntegrationFieldType::Custom,
            value: Some(custom_field_value(field, value)).filter(|v| !v.is_null()),
            label: non_blank(&field.title),
        };
        match fields.iter_mut().find(|known| known.id == item.id) {
            Some(known) => *known = item,
            None => fields.push(item),
        }
    }
    fields
}

/// A built-in member of a provider object as a `DEFAULT` integration field, keyed (and
/// identified) by the member's name; `None` when the provider has no value for it.
fn default_field(member: &str, label: &str, value: Option<Value>) -> Option<IntegrationField> {
    let value = value.filter(|value| match value {
        Value::Null => false,
        Value::String(text) => !text.trim().is_empty(),
        Value::Array(items) => !items.is_empty(),
        _ => true,
    })?;
    Some(IntegrationField {
        id: member.to_owned(),
        key: member.to_owned(),
        r#type: IntegrationFieldType::Default,
        value: Some(value),
        label: Some(label.to_owned()),
    })
}

fn text_value(value: &Option<String>) -> Option<Value> {
    non_blank(value).map(Value::String)
}

fn list_value(values: &[String]) -> Option<Value> {
    Some(Value::Array(
        values
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(|v| Value::String(v.to_owned()))
            .collect(),
    ))
}

fn timestamp_value(value: Option<DateTime<Utc>>) -> Option<Value> {
    value.map(|at| Value::String(Timestamp::from_datetime(at).to_wire_string()))
}

/// The job's integration fields: built-in members without a unified field, then its custom
/// fields.
pub fn job_integration_fields(job: &JobResponse) -> Vec<IntegrationField> {
    [
        default_field(
            "InternalName",
            "Internal name",
            text_value(&job.internal_name),
        ),
        default_field(
            "InternalLocation",
            "Internal location",
            text_value(&job.internal_location),
        ),
        default_field("SubTitle", "Subtitle", text_value(&job.sub_title)),
        default_field("JobProfiles", "Job profiles", list_value(&job.job_profiles)),
        default_field("Regions", "Regions", list_value(&job.regions)),
        default_field("Tags", "Job tags", list_value(&job.tags)),
        default_field(
            "ExpirationDate",
            "Publication ends",
            timestamp_value(job.expiration_date),
        ),
    ]
    .into_iter()
    .flatten()
    .chain(custom_integration_fields(&job.custom_fields))
    .collect()
}

/// Maps a job. `remote_data` is the raw job keyed by the path it was read from.
pub fn map_job(job: &JobResponse, remote_data: Option<JsonObject>) -> JobRecord {
    JobRecord {
        remote_id: job.id.to_string(),
        name: non_blank(&job.title).or_else(|| non_blank(&job.internal_name)),
        description: non_blank(&job.html),
        employment_type: map_employment_type(job),
        status: Some(map_job_status(job.status)),
        post_url: job
            .published_on
            .iter()
            .find_map(|p| non_blank(&p.job_ad_url))
            .map(|u| strip_referrer_placeholder(&u)),
        experience_level: job
            .career_levels
            .iter()
            .find_map(|c| non_blank(&Some(c.clone()))),
        location: map_job_location(job),
        custom_fields: Some(map_custom_fields(&job.custom_fields)),
        integration_fields: job_integration_fields(job),
        opened_at: ts(job.online_date.or(job.online_date_corrected)),
        remote_created_at: ts(job.creation_date),
        remote_updated_at: ts(job.update_date),
        remote_data,
        ..JobRecord::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Candidates and tags

/// Whether an e-mail address looks deliverable enough to report (Kombo drops invalid ones).
pub fn is_plausible_email(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.starts_with('.')
        && domain.contains('.')
        && !domain.ends_with('.')
        && !address.chars().any(char::is_whitespace)
}

/// Maps an applicant. `custom_fields` come from `Applicant/CustomFields/{id}` when read.
pub fn map_applicant(
    applicant: &ApplicantResponse,
    custom_fields: &[CustomFieldValueResponse],
    remote_data: Option<JsonObject>,
) -> CandidateRecord {
    let email_addresses = non_blank(&applicant.email)
        .filter(|e| is_plausible_email(e))
        .map(|e| {
            vec![EmailAddress {
                email_address: Some(e),
                r#type: None,
            }]
        })
        .unwrap_or_default();
    let mut phone_numbers = Vec::new();
    if let Some(phone) = non_blank(&applicant.phone) {
        phone_numbers.push(PhoneNumber {
            phone_number: phone,
            r#type: None,
        });
    }
    if let Some(mobile) = non_blank(&applicant.mobile_phone) {
        phone_numbers.push(PhoneNumber {
            phone_number: mobile,
            r#type: Some("MOBILE".into()),
        });
    }
    let social_media = applicant
        .third_party_profiles
        .iter()
        .filter(|p| non_blank(&p.url).is_some() || non_blank(&p.identifier).is_some())
        .map(|p| SocialMediaLink {
            link: non_blank(&p.url),
            r#type: non_blank(&p.third_party).map(|t| t.to_uppercase()),
            username: non_blank(&p.identifier),
        })
        .collect();
    let location = Location {
        city: non_blank(&applicant.city),
        country: non_blank(&applicant.country).map(|c| country_to_iso(&c)),
        raw: None,
        state: None,
        street_1: non_blank(&applicant.street),
        street_2: None,
        zip_code: non_blank(&applicant.zip_code),
    };
    let updated = match (
        applicant.date_of_update_by_user,
        applicant.date_of_update_by_applicant,
    ) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    CandidateRecord {
        remote_id: applicant.id.to_string(),
        first_name: non_blank(&applicant.first_name),
        last_name: non_blank(&applicant.last_name),
        source: non_blank(&applicant.referrer),
        phone_numbers,
        email_addresses,
        social_media,
        location: (location != Location::default()).then_some(location),
        custom_fields: Some(map_custom_fields(custom_fields)),
        integration_fields: applicant_integration_fields(applicant, custom_fields),
        remote_created_at: ts(applicant.date_of_creation),
        remote_updated_at: ts(updated),
        remote_data,
        tag_remote_ids: distinct_tags(&applicant.tags),
        ..CandidateRecord::default()
    }
}

/// The applicant's integration fields: built-in members without a unified field, then the
/// custom fields read from `Applicant/CustomFields/{id}`.
pub fn applicant_integration_fields(
    applicant: &ApplicantResponse,
    custom_fields: &[CustomFieldValueResponse],
) -> Vec<IntegrationField> {
    [
        default_field(
            "ReferrerAdditionalInfo",
            "Source detail",
            text_value(&applicant.referrer_additional_info),
        ),
        default_field("Url", "Website", text_value(&applicant.url)),
        default_field(
            "Salary",
            "Expected salary",
            applicant.salary.map(Value::from),
        ),
        default_field(
            "SalaryCurrency",
            "Expected salary currency",
            text_value(&applicant.salary_currency),
        ),
        default_field(
            "SalaryPeriod",
            "Expected salary period",
            applicant.salary_period.map(|p| Value::String(p.name())),
        ),
        default_field(
            "EarliestPossibleBeginDate",
            "Earliest start",
            applicant
                .earliest_possible_begin_date
                .filter(|date| date.year.is_some() || date.month.is_some() || date.day.is_some())
                .and_then(|date| serde_json::to_value(date).ok()),
        ),
        default_field(
            "PolicyAcceptedAt",
            "Privacy policy accepted",
            timestamp_value(applicant.policy_accepted_at),
        ),
    ]
    .into_iter()
    .flatten()
    .chain(custom_integration_fields(custom_fields))
    .collect()
}

/// The applicant's tags without blanks and exact duplicates, in their original order.
pub fn distinct_tags(tags: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    tags.iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty() && seen.insert(t.to_string()))
        .map(str::to_owned)
        .collect()
}

/// A tag record for a tag text (its remote id is the text itself).
pub fn map_tag(name: &str) -> TagRecord {
    TagRecord {
        remote_id: name.to_owned(),
        name: Some(name.to_owned()),
        remote_data: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Applications and stages

/// Outcome of an application from its workflow group.
pub fn map_outcome(group: WorkflowStatusGroup) -> ApplicationOutcome {
    match group {
        WorkflowStatusGroup::Rejected => ApplicationOutcome::Declined,
        WorkflowStatusGroup::Accepted => ApplicationOutcome::Hired,
        _ => ApplicationOutcome::Pending,
    }
}

/// Remote id of the stage for a workflow group (its ordinal).
pub fn stage_remote_id(group: WorkflowStatusGroup) -> String {
    group.ordinal().to_string()
}

/// Maps an application.
pub fn map_application(
    application: &ApplicationResponse,
    remote_data: Option<JsonObject>,
) -> ApplicationRecord {
    ApplicationRecord {
        remote_id: application.id.to_string(),
        outcome: Some(map_outcome(application.workflow_status_group)),
        job_remote_id: Some(application.job_id.to_string()),
        candidate_remote_id: Some(application.applicant_id.to_string()),
        current_stage_remote_id: Some(stage_remote_id(application.workflow_status_group)),
        custom_fields: Some(JsonObject::new()),
        integration_fields: application_integration_fields(application),
        remote_data,
        ..ApplicationRecord::default()
    }
}

/// The application's integration fields: the members of `ApplicationResponse` that have no
/// unified field (the tenant's status texts, the application's own source and its rating).
pub fn application_integration_fields(application: &ApplicationResponse) -> Vec<IntegrationField> {
    [
        default_field("Status", "Status", text_value(&application.status)),
        default_field(
            "StatusForApplicant",
            "Status shown to the applicant",
            text_value(&application.status_for_applicant),
        ),
        default_field("Referrer", "Source", text_value(&application.referrer)),
        default_field(
            "ReferrerAdditionalInfo",
            "Source detail",
            text_value(&application.referrer_additional_info),
        ),
        default_field("Rating", "Rating", application.rating.map(Value::from)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// English name of a workflow group stage.
pub fn stage_name(group: WorkflowStatusGroup) -> String {
    match group {
        WorkflowStatusGroup::Other(n) => format!("Workflow group {n}"),
        known => known.name(),
    }
}

/// The fixed application stages (one per workflow group).
pub fn application_stages() -> Vec<ApplicationStageRecord> {
    STAGE_GROUPS
        .iter()
        .enumerate()
        .map(|(index, group)| ApplicationStageRecord {
            remote_id: stage_remote_id(*group),
            name: Some(stage_name(*group)),
            index: Some(index as i64),
            status: Some(StageStatus::Active),
            custom_fields: None,
            remote_data: None,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Screening questions

/// Remote id of a questionnaire item: its `Id`, else `{questionnaireId}:{index}`.
pub fn question_remote_id(
    questionnaire_id: i64,
    index: usize,
    item: &QuestionnaireItemResponse,
) -> String {
    match item.id {
        Some(id) => id.to_string(),
        None => format!("{questionnaire_id}:{index}"),
    }
}

fn options_from(values: &[String]) -> Vec<QuestionOption> {
    let mut seen = BTreeSet::new();
    values
        .iter()
        .filter(|v| !v.trim().is_empty() && seen.insert(v.as_str()))
        .map(|v| QuestionOption {
            remote_id: v.clone(),
            name: v.clone(),
        })
        .collect()
}

fn text(display: TextDisplayType) -> QuestionFormat {
    QuestionFormat::Text {
        display_type: Some(display),
        max_length: None,
    }
}

fn unknown(item: &QuestionnaireItemResponse) -> QuestionFormat {
    QuestionFormat::Unknown {
        raw_question: serde_json::to_value(item).ok(),
    }
}

fn custom_field_format(
    field: &CustomFieldResponse,
    item: &QuestionnaireItemResponse,
) -> QuestionFormat {
    match field.r#type {
        Some(CustomFieldType::TextMultiLine) => text(TextDisplayType::MultiLine),
        Some(CustomFieldType::TextSingleLine) => text(TextDisplayType::SingleLine),
        Some(CustomFieldType::CheckBox) => QuestionFormat::Boolean,
        Some(CustomFieldType::DropdownList) => QuestionFormat::SingleSelect {
            display_type: Some(atsbridge_schema::enums::SelectDisplayType::Dropdown),
            options: options_from(&field.possible_values),
        },
        Some(CustomFieldType::CheckboxList) => QuestionFormat::MultiSelect {
            options: options_from(&field.possible_values),
        },
        Some(CustomFieldType::Date) => QuestionFormat::Date,
        Some(CustomFieldType::Html) => QuestionFormat::Information,
        Some(CustomFieldType::Other(_)) | None => unknown(item),
    }
}

/// The unified format of a questionnaire item (see the decisions on screening questions).
pub fn map_question_format(item: &QuestionnaireItemResponse) -> QuestionFormat {
    use QuestionnaireItemType as T;
    match item.r#type {
        Some(T::CustomField) => match item.custom_field.as_ref() {
            Some(field) => custom_field_format(field, item),
            None => unknown(item),
        },
        Some(T::Headline | T::SubHeadline) => QuestionFormat::Information,
        Some(T::Salary) => QuestionFormat::Number {
            display_type: None,
            max: None,
            min: Some(0.0),
        },
        Some(T::BeginDate) => QuestionFormat::Date,
        Some(T::WillingToMove) => QuestionFormat::Boolean,
        Some(T::SelfDescription | T::JobDescription) => text(TextDisplayType::MultiLine),
        Some(T::Location | T::Referrer | T::AbroadTravelling | T::DomesticTravelling) => {
            text(TextDisplayType::SingleLine)
        }
        Some(T::MilitaryService) => QuestionFormat::SingleSelect {
            display_type: None,
            options: [
                MilitaryService::NotYetDone,
                MilitaryService::Done,
                MilitaryService::Reliefed,
                MilitaryService::Alternative,
            ]
            .iter()
            .map(|m| QuestionOption {
                remote_id: m.name(),
                name: m.name(),
            })
            .collect(),
        },
        Some(T::EmploymentType) => QuestionFormat::MultiSelect {
            options: EMPLOYMENT_TYPE_OPTIONS
                .iter()
                .map(|(id, label, _)| QuestionOption {
                    remote_id: (*id).into(),
                    name: (*label).into(),
                })
                .collect(),
        },
        Some(T::ApplicantDocument) => QuestionFormat::File {
            accepted_mime_types: None,
            max_file_size_bytes: None,
        },
        _ => unknown(item),
    }
}

/// Screening questions and their links to the job, from one job's questionnaire.
pub fn map_questionnaire(
    job_id: i64,
    questionnaire: &QuestionnaireResponse,
) -> (
    Vec<ScreeningQuestionRecord>,
    Vec<JobScreeningQuestionRecord>,
) {
    let mut questions = Vec::with_capacity(questionnaire.items.len());
    let mut links = Vec::with_capacity(questionnaire.items.len());
    for (index, item) in questionnaire.items.iter().enumerate() {
        let remote_id = question_remote_id(questionnaire.id, index, item);
        questions.push(ScreeningQuestionRecord {
            remote_id: remote_id.clone(),
            title: non_blank(&item.title),
            description: non_blank(&item.description),
            format: Some(map_question_format(item)),
            category: None,
        });
        links.push(JobScreeningQuestionRecord {
            remote_id: format!("{job_id}:{remote_id}"),
            job_remote_id: job_id.to_string(),
            question_remote_id: remote_id,
            index: Some(index as i64),
            required: Some(item.is_required),
            precondition_question_remote_id: None,
            precondition_options: None,
        });
    }
    (questions, links)
}

// ---------------------------------------------------------------------------------------------
// Countries

/// ISO code, English and German name of the countries eRecruiter tenants use most.
const COUNTRIES: &[(&str, &str, &str)] = &[
    ("AT", "Austria", "Österreich"),
    ("DE", "Germany", "Deutschland"),
    ("CH", "Switzerland", "Schweiz"),
    ("LI", "Liechtenstein", "Liechtenstein"),
    ("IT", "Italy", "Italien"),
    ("HU", "Hungary", "Ungarn"),
    ("CZ", "Czech Republic", "Tschechien"),
    ("SK", "Slovakia", "Slowakei"),
    ("SI", "Slovenia", "Slowenien"),
    ("HR", "Croatia", "Kroatien"),
    ("PL", "Poland", "Polen"),
    ("RO", "Romania", "Rumänien"),
    ("FR", "France", "Frankreich"),
    ("NL", "Netherlands", "Niederlande"),
    ("BE", "Belgium", "Belgien"),
    ("LU", "Luxembourg", "Luxemburg"),
    ("ES", "Spain", "Spanien"),
    ("DK", "Denmark", "Dänemark"),
    ("SE", "Sweden", "Schweden"),
    ("GB", "United Kingdom", "Großbritannien"),
    ("US", "United States", "USA"),
];

/// The ISO 3166-1 alpha-2 code for a country name, or the name itself when unknown.
pub fn country_to_iso(name: &str) -> String {
    let trimmed = name.trim();
    COUNTRIES
        .iter()
        .find(|(code, en, de)| {
            trimmed.eq_ignore_ascii_case(code)
                || trimmed.eq_ignore_ascii_case(en)
                || trimmed.to_lowercase() == de.to_lowercase()
        })
        .map(|(code, _, _)| (*code).to_owned())
        .unwrap_or_else(|| trimmed.to_owned())
}

/// The country name to send for an ISO code: the entry of the mandator's list that matches
/// the code's English or German name, else the English name, else the code.
pub fn iso_to_country_name(code: &str, mandator_countries: &[String]) -> String {
    let Some((_, en, de)) = COUNTRIES
        .iter()
        .find(|(c, _, _)| c.eq_ignore_ascii_case(code.trim()))
    else {
        return code.trim().to_owned();
    };
    mandator_countries
        .iter()
        .find(|c| c.eq_ignore_ascii_case(en) || c.to_lowercase() == de.to_lowercase())
        .cloned()
        .unwrap_or_else(|| (*en).to_owned())
}

/// A record as JSON with every object's keys sorted, for stable snapshots.
#[cfg(test)]
pub(crate) fn snapshot<T: serde::Serialize>(value: &T) -> Value {
    fn sort(value: Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<_> = map.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Object(entries.into_iter().map(|(k, v)| (k, sort(v))).collect())
            }
            Value::Array(items) => Value::Array(items.into_iter().map(sort).collect()),
            other => other,
        }
    }
    sort(json!(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::*;
    use insta::assert_json_snapshot;

    fn sample(name: &str) -> Value {
        let path = format!("{}/tests/samples/{name}.json", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn referrer_placeholder_is_removed() {
        assert_eq!(
            strip_referrer_placeholder("https://jobs.example.com/Job/4711?Referrer=$Referrer$"),
            "https://jobs.example.com/Job/4711"
        );
        assert_eq!(
            strip_referrer_placeholder("https://jobs.example.com/Job/4711?a=1&Referrer=$Referrer$"),
            "https://jobs.example.com/Job/4711?a=1"
        );
        assert_eq!(
            strip_referrer_placeholder("https://jobs.example.com/$Referrer$/4711"),
            "https://jobs.example.com//4711"
        );
        assert_eq!(
            strip_referrer_placeholder("not a url $Referrer$"),
            "not a url "
        );
    }

    #[test]
    fn sample_job_maps_every_declared_field() {
        let job: JobResponse = serde_json::from_value(sample("job")).unwrap();
        let record = map_job(&job, None);
        assert_json_snapshot!(snapshot(&record), @r#"
        {
          "category": null,
          "closed_at": null,
          "confidential": null,
          "contact_id": null,
          "custom_fields": {
            "Department": "3"
          },
          "department": null,
          "description": "<div class=\"job\">...</div>",
          "employment_type": "FULL_TIME",
          "experience_level": "Professional",
          "hiring_team": [],
          "integration_fields": [
            {
              "id": "InternalName",
              "key": "InternalName",
              "label": "Internal name",
              "type": "DEFAULT",
              "value": "Software Developer (m/f/d) - Linz"
            },
            {
              "id": "InternalLocation",
              "key": "InternalLocation",
              "label": "Internal location",
              "type": "DEFAULT",
              "value": "Linz"
            },
            {
              "id": "SubTitle",
              "key": "SubTitle",
              "label": "Subtitle",
              "type": "DEFAULT",
              "value": "Backend"
            },
            {
              "id": "JobProfiles",
              "key": "JobProfiles",
              "label": "Job profiles",
              "type": "DEFAULT",
              "value": [
                "IT"
              ]
            },
            {
              "id": "Regions",
              "key": "Regions",
              "label": "Regions",
              "type": "DEFAULT",
              "value": [
                "Upper Austria"
              ]
            },
            {
              "id": "Tags",
              "key": "Tags",
              "label": "Job tags",
              "type": "DEFAULT",
              "value": [
                "Remote possible"
              ]
            },
            {
              "id": "ExpirationDate",
              "key": "ExpirationDate",
              "label": "Publication ends",
              "type": "DEFAULT",
              "value": "2025-06-29T22:00:00.000Z"
            },
            {
              "id": "CustomFields/Department",
              "key": "Department",
              "label": "Department",
              "type": "CUSTOM",
              "value": "3"
            }
          ],
          "job_code": null,
          "job_postings": [],
          "location": {
            "city": "Linz",
            "country": "AT",
            "raw": "Linz",
            "state": "Upper Austria",
            "street_1": "Example Street 1",
            "street_2": null,
            "zip_code": "4020"
          },
          "name": "Software Developer (m/f/d)",
          "opened_at": "2025-02-11T23:00:00.000Z",
          "post_url": "https://jobs.example.com/Job/4711",
          "remote_created_at": "2025-02-10T07:15:00.000Z",
          "remote_data": null,
          "remote_id": "4711",
          "remote_updated_at": "2025-03-01T08:30:00.000Z",
          "remote_url": null,
          "remote_work_status": null,
          "salary_amount": null,
          "salary_amount_from": null,
          "salary_amount_to": null,
          "salary_currency": null,
          "salary_period": null,
          "stage_remote_ids": [],
          "status": "OPEN",
          "visibility": null,
          "weekly_hours": null
        }
        "#);
    }

    #[test]
    fn job_with_missing_names_unknown_status_and_offsetless_dates() {
        let job: JobResponse = serde_json::from_value(json!({
            "Id": 9, "Status": 17, "InternalName": "  Lagerist (m/w/d) – Wörgl ",
            "CreationDate": "2016-03-25T00:00:00", "OnlineDate": null,
            "OccupationTypes": ["Teilzeit"], "Location": "Wörgl",
            "PublishedOn": [{"JobAdUrl": null}, {"JobAdUrl": "https://x.example/j/9?r=$Referrer$&s=1"}]
        }))
        .unwrap();
        let r = map_job(&job, None);
        assert_json_snapshot!(
            snapshot(&json!({"name": r.name, "status": r.status, "employment_type": r.employment_type,
                   "created": r.remote_created_at, "opened": r.opened_at, "post_url": r.post_url,
                   "location": r.location})),
            @r#"
        {
          "created": "2016-03-25T00:00:00.000Z",
          "employment_type": "PART_TIME",
          "location": {
            "city": null,
            "country": null,
            "raw": "Wörgl",
            "state": null,
            "street_1": null,
            "street_2": null,
            "zip_code": null
          },
          "name": "Lagerist (m/w/d) – Wörgl",
          "opened": null,
          "post_url": "https://x.example/j/9?s=1",
          "status": "Other(17)"
        }
        "#
        );
    }

    #[test]
    fn job_status_covers_every_value() {
        assert_eq!(map_job_status(JobStatus::Engaged), UnifiedJobStatus::Closed);
        assert_eq!(
            map_job_status(JobStatus::Cancelled),
            UnifiedJobStatus::Archived
        );
        assert_eq!(map_job_status(JobStatus::Draft), UnifiedJobStatus::Draft);
        assert_eq!(
            map_job_status(JobStatus::Repositioned),
            UnifiedJobStatus::Open
        );
    }

    #[test]
    fn sample_applicant_maps_to_candidate() {
        let applicant: ApplicantResponse = serde_json::from_value(sample("applicant")).unwrap();
        let fields: Vec<CustomFieldValueResponse> =
            serde_json::from_value(sample("applicant_custom_fields")).unwrap();
        let r = map_applicant(&applicant, &fields, None);
        assert_json_snapshot!(snapshot(&r), @r#"
        {
          "company": null,
          "confidential": null,
          "custom_fields": {
            "Department": "IT"
          },
          "email_addresses": [
            {
              "email_address": "jane.doe@example.com",
              "type": null
            }
          ],
          "first_name": "Jane",
          "integration_fields": [
            {
              "id": "ReferrerAdditionalInfo",
              "key": "ReferrerAdditionalInfo",
              "label": "Source detail",
              "type": "DEFAULT",
              "value": "campaign-2025"
            },
            {
              "id": "Url",
              "key": "Url",
              "label": "Website",
              "type": "DEFAULT",
              "value": "https://example.com/jane-doe"
            },
            {
              "id": "Salary",
              "key": "Salary",
              "label": "Expected salary",
              "type": "DEFAULT",
              "value": 55000
            },
            {
              "id": "SalaryCurrency",
              "key": "SalaryCurrency",
              "label": "Expected salary currency",
              "type": "DEFAULT",
              "value": "EUR"
            },
            {
              "id": "SalaryPeriod",
              "key": "SalaryPeriod",
              "label": "Expected salary period",
              "type": "DEFAULT",
              "value": "Yearly"
            },
            {
              "id": "EarliestPossibleBeginDate",
              "key": "EarliestPossibleBeginDate",
              "label": "Earliest start",
              "type": "DEFAULT",
              "value": {
                "Day": 1,
                "IsRelativeDate": false,
                "Month": 9,
                "Year": 2025
              }
            },
            {
              "id": "PolicyAcceptedAt",
              "key": "PolicyAcceptedAt",
              "label": "Privacy policy accepted",
              "type": "DEFAULT",
              "value": "2025-03-01T08:30:00.000Z"
            },
            {
              "id": "CustomFields/Department",
              "key": "Department",
              "label": "Department",
              "type": "CUSTOM",
              "value": "IT"
            }
          ],
          "last_name": "Doe",
          "location": {
            "city": "Vienna",
            "country": "AT",
            "raw": null,
            "state": null,
            "street_1": "Example Street 1",
            "street_2": null,
            "zip_code": "1010"
          },
          "phone_numbers": [
            {
              "phone_number": "+43 1 2345678",
              "type": null
            },
            {
              "phone_number": "+43 660 1234567",
              "type": "MOBILE"
            }
          ],
          "remote_created_at": "2025-03-01T08:30:00.000Z",
          "remote_data": null,
          "remote_id": "123456",
          "remote_updated_at": "2025-03-01T08:30:00.000Z",
          "remote_url": null,
          "social_media": [
            {
              "link": "https://www.linkedin.com/in/example",
              "type": "LINKEDIN",
              "username": "abc123"
            }
          ],
          "source": "Example Job Board",
          "tag_remote_ids": [
            "Talent pool"
          ],
          "title": null
        }
        "#);
    }

    #[test]
    fn applicant_with_missing_names_bad_email_and_unicode() {
        let applicant: ApplicantResponse = serde_json::from_value(json!({
            "Id": 5, "FirstName": null, "LastName": "  ", "Email": "not-an-email",
            "City": "Graz", "Country": "Österreich", "Tags": ["Zöe ✓", "Zöe ✓", " ", "VIP"],
            "DateOfUpdateByUser": "2025-01-01T00:00:00", "DateOfUpdateByApplicant": "2025-02-01T00:00:00.1234567"
        }))
        .unwrap();
        let r = map_applicant(&applicant, &[], None);
        assert_json_snapshot!(
            snapshot(&json!({"first": r.first_name, "last": r.last_name, "emails": r.email_addresses,
                   "location": r.location, "tags": r.tag_remote_ids, "updated": r.remote_updated_at,
                   "custom_fields": r.custom_fields})),
            @r#"
        {
          "custom_fields": {},
          "emails": [],
          "first": null,
          "last": null,
          "location": {
            "city": "Graz",
            "country": "AT",
            "raw": null,
            "state": null,
            "street_1": null,
            "street_2": null,
            "zip_code": null
          },
          "tags": [
            "Zöe ✓",
            "VIP"
          ],
          "updated": "2025-02-01T00:00:00.123Z"
        }
        "#
        );
    }

    #[test]
    fn custom_field_values_are_typed() {
        let values: Vec<CustomFieldValueResponse> = serde_json::from_value(json!([
            {"CustomField": {"Name": "Agree", "Type": 1}, "Value": "true", "BoolValue": true},
            {"CustomField": {"Name": "Langs", "Type": 3}, "Value": "DE, EN", "StringValue": "DE|EN"},
            {"CustomField": {"Name": "Start", "Type": 4}, "Value": "01.03.2025", "DateValue": "2025-03-01T00:00:00"},
            {"CustomField": {"Name": "Note", "Type": 0}, "Value": "Hi"},
            {"CustomField": null, "Value": "orphan"}
        ]))
        .unwrap();
        assert_json_snapshot!(snapshot(&map_custom_fields(&values)), @r#"
        {
          "Agree": true,
          "Langs": [
            "DE",
            "EN"
          ],
          "Note": "Hi",
          "Start": "2025-03-01T00:00:00.000Z"
        }
        "#);
    }

    #[test]
    fn applications_map_outcome_and_stage() {
        let apps: Vec<ApplicationResponse> =
            serde_json::from_value(sample("applications_by_applicant")).unwrap();
        let r = map_application(&apps[0], None);
        assert_eq!(r.outcome, Some(ApplicationOutcome::Pending));
        assert_eq!(r.current_stage_remote_id.as_deref(), Some("1"));
        assert_eq!(r.job_remote_id.as_deref(), Some("4711"));
        assert_eq!(r.candidate_remote_id.as_deref(), Some("123456"));
        assert_eq!(
            map_outcome(WorkflowStatusGroup::Rejected),
            ApplicationOutcome::Declined
        );
        assert_eq!(
            map_outcome(WorkflowStatusGroup::Accepted),
            ApplicationOutcome::Hired
        );
        assert_eq!(
            map_outcome(WorkflowStatusGroup::Other(42)),
            ApplicationOutcome::Pending
        );
        let unknown = ApplicationResponse {
            id: 1,
            workflow_status_group: WorkflowStatusGroup::Other(42),
            ..Default::default()
        };
        assert_eq!(
            map_application(&unknown, None)
                .current_stage_remote_id
                .as_deref(),
            Some("42")
        );
    }

    #[test]
    fn application_integration_fields_hold_the_members_without_a_unified_field() {
        let apps: Vec<ApplicationResponse> =
            serde_json::from_value(sample("applications_by_applicant")).unwrap();
        let r = map_application(&apps[0], None);
        assert_eq!(r.custom_fields, Some(JsonObject::new()));
        let fields: Vec<String> = r
            .integration_fields
            .iter()
            .map(|f| {
                format!(
                    "{} {:?} {}={}",
                    f.r#type.as_str(),
                    f.label.as_deref().unwrap_or_default(),
                    f.id,
                    f.value.clone().unwrap()
                )
            })
            .collect();
        assert_eq!(
            fields,
            [
                r#"DEFAULT "Status" Status="New application""#,
                r#"DEFAULT "Status shown to the applicant" StatusForApplicant="Application received""#,
                r#"DEFAULT "Source" Referrer="Example Job Board""#,
                r#"DEFAULT "Source detail" ReferrerAdditionalInfo="campaign-2025""#,
                r#"DEFAULT "Rating" Rating=4"#,
            ]
        );
        for field in &r.integration_fields {
            assert_eq!(field.id, field.key);
        }
        // Members without a value are left out rather than listed as null.
        let bare = ApplicationResponse {
            id: 1,
            status: Some("  ".into()),
            rating: Some(0),
            ..Default::default()
        };
        let keys: Vec<_> = application_integration_fields(&bare)
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert_eq!(keys, ["Rating"]);
    }

    #[test]
    fn custom_integration_fields_have_their_own_ids_and_keep_the_last_duplicate() {
        let values: Vec<CustomFieldValueResponse> = serde_json::from_value(json!([
            {"CustomField": {"Name": "Tags", "Title": "Skills", "Type": 3}, "StringValue": "Rust|SQL"},
            {"CustomField": {"Name": "Shift", "Title": null, "Type": 5}, "Value": "early"},
            {"CustomField": {"Name": "Shift", "Title": "Shift", "Type": 5}, "Value": "late"},
            {"CustomField": {"Name": "Empty", "Title": "Empty", "Type": 5}, "Value": null},
            {"CustomField": {"Name": " ", "Type": 5}, "Value": "nameless"}
        ]))
        .unwrap();
        let job = JobResponse {
            id: 4,
            tags: vec!["Remote".into(), " ".into()],
            custom_fields: values,
            ..Default::default()
        };
        let fields = job_integration_fields(&job);
        let summary: Vec<_> = fields
            .iter()
            .map(|f| json!([f.id, f.key, f.r#type.as_str(), f.label, f.value]))
            .collect();
        assert_eq!(
            summary,
            [
                json!(["Tags", "Tags", "DEFAULT", "Job tags", ["Remote"]]),
                json!([
                    "CustomFields/Tags",
                    "Tags",
                    "CUSTOM",
                    "Skills",
                    ["Rust", "SQL"]
                ]),
                json!(["CustomFields/Shift", "Shift", "CUSTOM", "Shift", "late"]),
                json!(["CustomFields/Empty", "Empty", "CUSTOM", "Empty", null]),
            ]
        );
        // The custom fields carry the same values as `custom_fields`.
        let record = map_job(&job, None);
        let custom = record.custom_fields.unwrap();
        assert_eq!(custom["Tags"], json!(["Rust", "SQL"]));
        assert_eq!(custom["Shift"], json!("late"));
    }

    #[test]
    fn stages_are_the_fixed_workflow_groups() {
        let stages = application_stages();
        let names: Vec<_> = stages
            .iter()
            .map(|s| format!("{}={}", s.remote_id, s.name.clone().unwrap()))
            .collect();
        assert_eq!(
            names,
            [
                "1=New",
                "2=Internal",
                "3=Proposed",
                "4=External",
                "6=Accepted",
                "5=Rejected",
                "0=None"
            ]
        );
    }

    #[test]
    fn sample_questionnaire_maps_questions_and_links() {
        let q: QuestionnaireResponse =
            serde_json::from_value(sample("questionnaire_by_job")).unwrap();
        let (questions, links) = map_questionnaire(4711, &q);
        assert_json_snapshot!(snapshot(&json!({"questions": questions, "links": links})), @r#"
        {
          "links": [
            {
              "index": 0,
              "job_remote_id": "4711",
              "precondition_options": null,
              "precondition_question_remote_id": null,
              "question_remote_id": "1001",
              "remote_id": "4711:1001",
              "required": true
            },
            {
              "index": 1,
              "job_remote_id": "4711",
              "precondition_options": null,
              "precondition_question_remote_id": null,
              "question_remote_id": "1002",
              "remote_id": "4711:1002",
              "required": false
            },
            {
              "index": 2,
              "job_remote_id": "4711",
              "precondition_options": null,
              "precondition_question_remote_id": null,
              "question_remote_id": "1003",
              "remote_id": "4711:1003",
              "required": false
            }
          ],
          "questions": [
            {
              "category": null,
              "description": "Choose one.",
              "format": {
                "display_type": "DROPDOWN",
                "options": [
                  {
                    "name": "Sales",
                    "remote_id": "Sales"
                  },
                  {
                    "name": "IT",
                    "remote_id": "IT"
                  }
                ],
                "type": "SINGLE_SELECT"
              },
              "remote_id": "1001",
              "title": "Which department do you prefer?"
            },
            {
              "category": null,
              "description": "Self-assessment",
              "format": {
                "raw_question": {
                  "ApplicantDocumentType": null,
                  "CustomField": null,
                  "Description": "Self-assessment",
                  "Id": 1002,
                  "IsRequired": false,
                  "Knowledge": null,
                  "KnowledgeGroup": null,
                  "Language": "English",
                  "Title": "English skills",
                  "Type": 0
                },
                "type": "UNKNOWN"
              },
              "remote_id": "1002",
              "title": "English skills"
            },
            {
              "category": null,
              "description": "PDF preferred",
              "format": {
                "accepted_mime_types": null,
                "max_file_size_bytes": null,
                "type": "FILE"
              },
              "remote_id": "1003",
              "title": "Upload your certificates"
            }
          ]
        }
        "#);
    }

    #[test]
    fn questionnaire_without_ids_and_empty_questionnaire() {
        let q: QuestionnaireResponse = serde_json::from_value(json!({
            "Id": 77, "Items": [
                {"Title": "Über Sie", "Type": 2},
                {"Title": "Gehalt", "Type": 8, "IsRequired": true},
                {"Title": "Neu", "Type": 99}
            ]
        }))
        .unwrap();
        let (questions, links) = map_questionnaire(3, &q);
        let summary: Vec<_> = questions
            .iter()
            .map(|q| format!("{} {}", q.remote_id, q.format.as_ref().unwrap().type_name()))
            .collect();
        assert_eq!(summary, ["77:0 INFORMATION", "77:1 NUMBER", "77:2 UNKNOWN"]);
        assert_eq!(links[1].remote_id, "3:77:1");
        assert_eq!(links[1].required, Some(true));

        let empty: QuestionnaireResponse =
            serde_json::from_value(json!({"Id": 1, "Items": null})).unwrap();
        let (questions, links) = map_questionnaire(3, &empty);
        assert!(questions.is_empty() && links.is_empty());
    }

    #[test]
    fn countries_translate_both_ways() {
        assert_eq!(country_to_iso("Österreich"), "AT");
        assert_eq!(country_to_iso("austria"), "AT");
        assert_eq!(country_to_iso("Atlantis"), "Atlantis");
        let list = vec!["Österreich".to_owned(), "Deutschland".to_owned()];
        assert_eq!(iso_to_country_name("AT", &list), "Österreich");
        assert_eq!(iso_to_country_name("CH", &list), "Switzerland");
        assert_eq!(iso_to_country_name("ZZ", &list), "ZZ");
    }

    #[test]
    fn plausible_emails() {
        assert!(is_plausible_email("a@b.at"));
        for bad in ["", "a@b", "@b.at", "a b@c.at", "a@.at", "a@b."] {
            assert!(!is_plausible_email(bad), "{bad}");
        }
    }
}
