//! Request and response bodies of the write actions, passthrough and `check-api-key`.
//!
//! Input rules (Kombo's): JSON `null` means the same as a missing key, and number fields take
//! integers or floats. Optional fields are left out when serializing.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::common::JsonObject;
use crate::enums::{
    AttachmentType, ContactType, Gender, PassthroughMethod, SalaryExpectationPeriod,
};
use crate::format::QuestionFormatOf;
use crate::serde_util::null_as_default;

/// Body of `POST /ats/jobs/{job_id}/applications`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CreateApplicationRequest {
    /// Stage to put the application in (the job's default stage when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_id: Option<String>,
    /// The candidate applying.
    pub candidate: CandidateInput,
    /// Files to upload; the first CV becomes the resume.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub attachments: Vec<AttachmentInput>,
    /// Deprecated source information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<CandidateSource>,
    /// The recruiter who sourced the candidate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sourced_by: Option<SourcedBy>,
    /// GDPR consent information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gdpr_consent: Option<GdprConsent>,
    /// Tool-specific extra input keyed by tool slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_fields: Option<JsonObject>,
    /// Answers to the job's screening questions.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub screening_question_answers: Vec<ScreeningAnswer>,
}

/// Body of `POST /ats/candidates` (creates a candidate with one application).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CreateCandidateRequest {
    /// The candidate.
    pub candidate: CandidateInput,
    /// The job to apply to.
    pub application: ApplicationInput,
    /// Answers to the job's screening questions.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub screening_question_answers: Vec<ScreeningAnswer>,
    /// Files to upload.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub attachments: Vec<AttachmentInput>,
    /// Deprecated source information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<CandidateSource>,
    /// The recruiter who sourced the candidate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sourced_by: Option<SourcedBy>,
    /// GDPR consent information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gdpr_consent: Option<GdprConsent>,
    /// Tool-specific extra input keyed by tool slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_fields: Option<JsonObject>,
}

/// The application part of [`CreateCandidateRequest`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApplicationInput {
    /// Kombo id of the job, or `remote:<provider id>`.
    pub job_id: String,
    /// Stage to start in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_id: Option<String>,
}

/// The candidate given to the create actions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CandidateInput {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Primary email address.
    pub email_address: String,
    /// Further email addresses.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub additional_email_addresses: Vec<TypedEmailAddress>,
    /// Current employer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Current job title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Primary phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Further phone numbers.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub additional_phone_numbers: Vec<TypedPhoneNumber>,
    /// Where the candidate lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<LocationInput>,
    /// Gender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// When the candidate can start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_date: Option<Timestamp>,
    /// Expected salary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salary_expectations: Option<SalaryExpectations>,
    /// Links to social profiles.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub social_links: Vec<SocialLinkInput>,
}

/// An additional email address with its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TypedEmailAddress {
    /// Kind of address.
    #[serde(rename = "type")]
    pub r#type: ContactType,
    /// The address.
    pub email_address: String,
}

/// An additional phone number with its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TypedPhoneNumber {
    /// Kind of number.
    #[serde(rename = "type")]
    pub r#type: ContactType,
    /// The number.
    pub phone_number: String,
}

/// A location given on input; `country` is an uppercase ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LocationInput {
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Two-letter country code, e.g. `DE`.
    #[schemars(regex(pattern = r"^[A-Z]{2}$"))]
    pub country: String,
    /// State or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Street line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_1: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
}

/// A salary expectation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SalaryExpectations {
    /// Period the amount refers to.
    pub period: SalaryExpectationPeriod,
    /// The amount (integer or float on input).
    pub amount: f64,
}

/// A social profile link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SocialLinkInput {
    /// URL of the profile.
    pub url: String,
}

/// Deprecated source information for a created candidate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CandidateSource {
    /// Name of the source, e.g. a job board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Unified key of the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unified_key: Option<String>,
    /// Id of the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// The recruiter credited with sourcing a candidate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SourcedBy {
    /// Kombo id of the user, or `remote:<provider id>`.
    pub user_id: String,
}

/// GDPR consent of a candidate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GdprConsent {
    /// Until when the consent holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// Whether consent was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given: Option<bool>,
}

/// A file given inline (`data`, base64) or by URL (`data_url`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FileInput {
    /// File name, e.g. `Resume.pdf`.
    pub name: String,
    /// MIME type; required with `data`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// URL to download the file from, without authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_url: Option<String>,
    /// Base64 content of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

/// A file to attach, with its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AttachmentInput {
    /// File name, e.g. `Resume.pdf`.
    pub name: String,
    /// MIME type; required with `data`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// URL to download the file from, without authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_url: Option<String>,
    /// Base64 content of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// Where the file belongs in the ATS.
    #[serde(rename = "type")]
    pub r#type: AttachmentType,
}

/// Why an attachment or file answer cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileInputError {
    /// Neither `data` nor `data_url` was given.
    #[error("file `{0}` needs either `data` or `data_url`")]
    NoContent(String),
    /// Both `data` and `data_url` were given.
    #[error("file `{0}` has both `data` and `data_url`; give only one")]
    BothContents(String),
    /// `data` was given without `content_type`.
    #[error("file `{0}` has `data` but no `content_type`")]
    MissingContentType(String),
}

/// Where the content of a file comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileContent<'a> {
    /// Inline base64 data with its MIME type.
    Inline {
        /// Base64 text.
        data: &'a str,
        /// MIME type.
        content_type: &'a str,
    },
    /// A URL to download, with an optional MIME type.
    Url {
        /// The URL.
        url: &'a str,
        /// MIME type, when given.
        content_type: Option<&'a str>,
    },
}

fn file_content<'a>(
    name: &str,
    data: Option<&'a str>,
    data_url: Option<&'a str>,
    content_type: Option<&'a str>,
) -> Result<FileContent<'a>, FileInputError> {
    match (data, data_url) {
        (Some(_), Some(_)) => Err(FileInputError::BothContents(name.to_owned())),
        (None, None) => Err(FileInputError::NoContent(name.to_owned())),
        (Some(data), None) => match content_type {
            Some(content_type) => Ok(FileContent::Inline { data, content_type }),
            None => Err(FileInputError::MissingContentType(name.to_owned())),
        },
        (None, Some(url)) => Ok(FileContent::Url { url, content_type }),
    }
}

impl FileInput {
    /// Checks Kombo's rule (exactly one of `data`/`data_url`; `content_type` with `data`).
    pub fn content(&self) -> Result<FileContent<'_>, FileInputError> {
        file_content(
            &self.name,
            self.data.as_deref(),
            self.data_url.as_deref(),
            self.content_type.as_deref(),
        )
    }
}

impl AttachmentInput {
    /// Checks Kombo's rule (exactly one of `data`/`data_url`; `content_type` with `data`).
    pub fn content(&self) -> Result<FileContent<'_>, FileInputError> {
        file_content(
            &self.name,
            self.data.as_deref(),
            self.data_url.as_deref(),
            self.content_type.as_deref(),
        )
    }
}

/// An answer to a screening question as sent by the client.
///
/// The JSON type of `answer` says little (a DATE answer is a string, a NUMBER may be `3.0`), so
/// the answer stays raw JSON until [`ScreeningAnswer::interpret`] reads it with the question's
/// format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScreeningAnswer {
    /// Kombo id of the question (a provider id once the server resolved it).
    pub question_id: String,
    /// The answer: string, boolean, number, array of strings or a file object.
    #[schemars(with = "ScreeningAnswerValue")]
    pub answer: serde_json::Value,
}

/// The shapes a raw answer may take; only used to describe [`ScreeningAnswer::answer`].
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // never built: the answer stays raw JSON until it is interpreted
enum ScreeningAnswerValue {
    Text(String),
    Flag(bool),
    Number(f64),
    Choices(Vec<String>),
    File(FileInput),
}

/// A screening answer read according to its question's format.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedAnswer {
    /// Answer to a TEXT question.
    Text(String),
    /// Answer to a NUMBER question.
    Number(f64),
    /// Answer to a BOOLEAN question.
    Boolean(bool),
    /// Answer to a DATE question.
    Date(Timestamp),
    /// The chosen option id of a SINGLE_SELECT question.
    SingleSelect(String),
    /// The chosen option ids of a MULTI_SELECT question.
    MultiSelect(Vec<String>),
    /// The uploaded file of a FILE question.
    File(FileInput),
}

/// Why an answer does not fit its question's format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// The JSON value has the wrong shape for the format.
    #[error("answer to question `{question_id}` ({format}) must be {expected}, got {found}")]
    WrongShape {
        /// The question.
        question_id: String,
        /// The question's format type.
        format: &'static str,
        /// What the format takes.
        expected: &'static str,
        /// The JSON that was sent, shortened.
        found: String,
    },
    /// The question cannot be answered (INFORMATION or UNKNOWN).
    #[error("question `{question_id}` ({format}) cannot be answered")]
    NotAnswerable {
        /// The question.
        question_id: String,
        /// The question's format type.
        format: &'static str,
    },
}

impl ScreeningAnswer {
    /// Reads the raw answer according to `format`.
    ///
    /// Accepted forms: TEXT a string; NUMBER a number or numeric string; BOOLEAN a boolean or
    /// `"true"`/`"false"`; DATE any [`Timestamp::parse_flexible`] form; SINGLE_SELECT an option
    /// id (or a one-element array); MULTI_SELECT an array of option ids (or one id); FILE a file
    /// object. Option ids are not checked against the options here.
    pub fn interpret<O>(&self, format: &QuestionFormatOf<O>) -> Result<TypedAnswer, AnswerError> {
        use serde_json::Value;
        let format_name = format.type_name();
        let wrong = |expected: &'static str| AnswerError::WrongShape {
            question_id: self.question_id.clone(),
            format: format_name,
            expected,
            found: shorten(&self.answer),
        };
        match format {
            QuestionFormatOf::Text { .. } => match &self.answer {
                Value::String(text) => Ok(TypedAnswer::Text(text.clone())),
                _ => Err(wrong("a string")),
            },
            QuestionFormatOf::Number { .. } => match &self.answer {
                Value::Number(number) => number
                    .as_f64()
                    .map(TypedAnswer::Number)
                    .ok_or_else(|| wrong("a number")),
                Value::String(text) => text
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .map(TypedAnswer::Number)
                    .ok_or_else(|| wrong("a number")),
                _ => Err(wrong("a number")),
            },
            QuestionFormatOf::Boolean => match &self.answer {
                Value::Bool(flag) => Ok(TypedAnswer::Boolean(*flag)),
                Value::String(text) if text == "true" => Ok(TypedAnswer::Boolean(true)),
                Value::String(text) if text == "false" => Ok(TypedAnswer::Boolean(false)),
                _ => Err(wrong("true or false")),
            },
            QuestionFormatOf::Date => match &self.answer {
                Value::String(text) => Timestamp::parse_flexible(text)
                    .map(TypedAnswer::Date)
                    .map_err(|_| wrong("a date or date-time string")),
                _ => Err(wrong("a date or date-time string")),
            },
            QuestionFormatOf::SingleSelect { .. } => match &self.answer {
                Value::String(id) => Ok(TypedAnswer::SingleSelect(id.clone())),
                Value::Array(items) if items.len() == 1 => match &items[0] {
                    Value::String(id) => Ok(TypedAnswer::SingleSelect(id.clone())),
                    _ => Err(wrong("an option id")),
                },
                _ => Err(wrong("an option id")),
            },
            QuestionFormatOf::MultiSelect { .. } => match &self.answer {
                Value::String(id) => Ok(TypedAnswer::MultiSelect(vec![id.clone()])),
                Value::Array(items) => items
                    .iter()
                    .map(|item| item.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .map(TypedAnswer::MultiSelect)
                    .ok_or_else(|| wrong("an array of option ids")),
                _ => Err(wrong("an array of option ids")),
            },
            QuestionFormatOf::File { .. } => {
                serde_json::from_value::<FileInput>(self.answer.clone())
                    .map(TypedAnswer::File)
                    .map_err(|_| wrong("a file object {name, data | data_url, content_type}"))
            }
            QuestionFormatOf::Information | QuestionFormatOf::Unknown { .. } => {
                Err(AnswerError::NotAnswerable {
                    question_id: self.question_id.clone(),
                    format: format_name,
                })
            }
        }
    }
}

fn shorten(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= 60 {
        text
    } else {
        let head: String = text.chars().take(57).collect();
        format!("{head}...")
    }
}

/// Body of `POST` and `DELETE /ats/candidates/{candidate_id}/tags`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AddTagRequest {
    /// The tag, by name.
    pub tag: TagInput,
    /// Tool-specific extra input keyed by tool slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_fields: Option<JsonObject>,
}

/// Body of `DELETE /ats/candidates/{candidate_id}/tags`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RemoveTagRequest {
    /// The tag, by name.
    pub tag: TagInput,
    /// Tool-specific extra input keyed by tool slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_fields: Option<JsonObject>,
}

/// A tag named in a request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TagInput {
    /// Name of the tag (not empty).
    #[schemars(length(min = 1))]
    pub name: String,
}

/// Body of `POST /ats/applications/{id}/attachments` and `POST /ats/candidates/{id}/attachments`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AddAttachmentRequest {
    /// The file.
    pub attachment: AttachmentInput,
    /// Tool-specific extra input keyed by tool slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_fields: Option<JsonObject>,
}

/// Body of `POST /ats/applications/{id}/result-links` and `POST /ats/candidates/{id}/result-links`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AddResultLinkRequest {
    /// Display name of the link.
    pub label: String,
    /// The link.
    pub url: String,
    /// Extra attributes shown with the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<ResultLinkDetails>,
    /// Tool-specific extra input keyed by tool slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_fields: Option<JsonObject>,
}

/// Attributes of a result link.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResultLinkDetails {
    /// Prefix for custom-field labels, e.g. `Acme:`.
    pub custom_field_name_prefix: String,
    /// The attributes.
    pub attributes: Vec<ResultLinkAttribute>,
}

/// One key/value attribute of a result link.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResultLinkAttribute {
    /// Name of the attribute.
    pub key: String,
    /// Value of the attribute.
    pub value: String,
}

/// Body of `POST /passthrough/{tool}/{api}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PassthroughRequest {
    /// HTTP method to use upstream.
    pub method: PassthroughMethod,
    /// Path appended to the provider's base URL.
    pub path: String,
    /// Extra headers (authentication is added automatically).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// Extra query parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<BTreeMap<String, String>>,
    /// Request body: an object or array is sent as JSON, a string raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
    /// Return the upstream body base64-encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_as_base64: Option<bool>,
    /// Multipart form fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multipart_form_data: Option<Vec<MultipartField>>,
    /// Adapter options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_options: Option<BTreeMap<String, String>>,
}

/// One multipart form field of a passthrough request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MultipartField {
    /// Field name.
    pub name: String,
    /// A text value or a file.
    pub value: MultipartValue,
}

/// Value of a multipart form field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum MultipartValue {
    /// A plain text value.
    Text(String),
    /// A file.
    File(FileInput),
}

/// `data` of a passthrough response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PassthroughResponse {
    /// The full upstream URL that was called.
    pub url: String,
    /// The upstream HTTP status.
    pub status: i64,
    /// The upstream response headers.
    pub headers: BTreeMap<String, HeaderValue>,
    /// The upstream body: JSON when the upstream returned JSON, else a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

/// A response header value: one string or several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum HeaderValue {
    /// A single value.
    One(String),
    /// Repeated header values.
    Many(Vec<String>),
}

/// `data` of the tag, attachment and result-link actions: always `{}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EmptyObject {}

/// `data` of `GET /check-api-key`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CheckApiKeyResponse {
    /// The environment the key belongs to.
    pub environment_id: String,
    /// Deprecated name of `environment_id` (same value).
    pub customer_id: String,
}

/// `data` of `POST /ats/jobs/{job_id}/applications`: the created application.
pub type CreateApplicationResponse = crate::wire::CreatedApplication;

/// `data` of `POST /ats/candidates`: the created candidate.
pub type CreateCandidateResponse = crate::wire::Candidate;
