//! eRecruiter's JSON objects, exactly as the API sends and accepts them.
//!
//! Everything here is tolerant: unknown members are ignored, missing or `null` members fall
//! back to their defaults, enums are integers on the wire and keep unknown ordinals, and dates
//! parse with or without an offset and with 0 to 7 fractional digits. Nothing in this module
//! knows about the unified model; see [`crate::map`] for that.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, TimeZone, Utc};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

/// Declares an integer-coded eRecruiter enum with an `Other(i64)` fallback for unknown ordinals.
///
/// Deserializes from an integer, a numeric string or the C# member name (case-insensitive);
/// serializes as the integer.
macro_rules! int_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])*
            #[doc = concat!("Wire value ", stringify!($value), " (`", stringify!($variant), "`).")]
            $variant,)+
            /// An ordinal this connector does not know yet.
            Other(i64),
        }

        impl $name {
            /// The ordinal sent on the wire.
            pub fn ordinal(self) -> i64 {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Other(other) => other,
                }
            }

            /// The enum for an ordinal, keeping unknown values.
            pub fn from_ordinal(value: i64) -> Self {
                match value {
                    $($value => Self::$variant,)+
                    other => Self::Other(other),
                }
            }

            /// The C# member name, or `Other(n)`.
            pub fn name(self) -> String {
                match self {
                    $(Self::$variant => stringify!($variant).to_owned(),)+
                    Self::Other(other) => format!("Other({other})"),
                }
            }

            fn from_name(name: &str) -> Option<Self> {
                $(if name.eq_ignore_ascii_case(stringify!($variant)) {
                    return Some(Self::$variant);
                })+
                None
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.ordinal())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                match serde_json::Value::deserialize(d)? {
                    serde_json::Value::Number(n) => n
                        .as_i64()
                        .map(Self::from_ordinal)
                        .ok_or_else(|| de::Error::custom(format!("{} ordinal {n} is not an integer", stringify!($name)))),
                    serde_json::Value::String(s) => match s.trim().parse::<i64>() {
                        Ok(n) => Ok(Self::from_ordinal(n)),
                        Err(_) => Self::from_name(s.trim()).ok_or_else(|| {
                            de::Error::custom(format!("unknown {} name `{s}`", stringify!($name)))
                        }),
                    },
                    other => Err(de::Error::custom(format!(
                        "{} must be an integer, got {other}",
                        stringify!($name)
                    ))),
                }
            }
        }
    };
}

int_enum!(
    /// `JobStatus` of a job.
    JobStatus { Open = 0, Draft = 1, Engaged = 2, Repositioned = 3, Cancelled = 4 }
);
// The macro cannot derive `Default`; the default is the ordinal Json.NET writes for a missing value.
#[allow(clippy::derivable_impls)]
impl Default for JobStatus {
    fn default() -> Self {
        Self::Open
    }
}

int_enum!(
    /// Legal gender of an applicant or user.
    Gender { Unknown = 0, Male = 1, Female = 2 }
);
// The macro cannot derive `Default`; the default is the ordinal Json.NET writes for a missing value.
#[allow(clippy::derivable_impls)]
impl Default for Gender {
    fn default() -> Self {
        Self::Unknown
    }
}

int_enum!(
    /// Gender identity of an applicant (adds the non-binary options to [`Gender`]).
    GenderIdentity { Unknown = 0, Male = 1, Female = 2, Diverse = 3, Inter = 4, Open = 5 }
);
// The macro cannot derive `Default`; the default is the ordinal Json.NET writes for a missing value.
#[allow(clippy::derivable_impls)]
impl Default for GenderIdentity {
    fn default() -> Self {
        Self::Unknown
    }
}

int_enum!(
    /// Kind of a job publication.
    JobPublicationType { Portal = 0, Channel = 1, MultiPostChannel = 2 }
);

int_enum!(
    /// Input type of a custom field.
    CustomFieldType {
        TextMultiLine = 0, CheckBox = 1, DropdownList = 2, CheckboxList = 3, Date = 4,
        TextSingleLine = 5, Html = 6,
    }
);

int_enum!(
    /// Which objects a custom field belongs to.
    CustomFieldTarget {
        Applicant = 0, Company = 1, Job = 2, JobApplicant = 3, JobCompany = 4,
        ApplicantCompany = 5, JobApplicantCompany = 6,
    }
);

int_enum!(
    /// Where a questionnaire is shown in the application form.
    QuestionnaireLocation { OnFirstPage = 0, OnSecondPage = 1 }
);

int_enum!(
    /// Type of a questionnaire item; decides which applicant field or sub-resource it fills.
    QuestionnaireItemType {
        SingleLanguage = 0, SingleKnowledge = 1, Headline = 2, CustomField = 3,
        KnowledgeGroup = 4, AbroadTravelling = 5, DomesticTravelling = 6, BeginDate = 7,
        Salary = 8, MilitaryService = 9, WillingToMove = 10, SelfDescription = 11,
        JobDescription = 12, SubHeadline = 13, Languages = 14, Referrer = 15, JobProfiles = 16,
        Regions = 17, Location = 18, EmploymentType = 19, Educations = 20, Experiences = 21,
        ApplicantDocument = 22,
    }
);

int_enum!(
    /// The fixed workflow group an application's status belongs to.
    WorkflowStatusGroup {
        None = 0, New = 1, Internal = 2, Proposed = 3, External = 4, Rejected = 5, Accepted = 6,
    }
);
// The macro cannot derive `Default`; the default is the ordinal Json.NET writes for a missing value.
#[allow(clippy::derivable_impls)]
impl Default for WorkflowStatusGroup {
    fn default() -> Self {
        Self::None
    }
}

int_enum!(
    /// Business errors of `PUT Api/Application` (reported with HTTP 200).
    ApplicationCreateError {
        ApplicationAlreadyExists = 0, JobIsClosed = 1, JobDoesNotExist = 2,
        ApplicantDoesNotExist = 3,
    }
);

int_enum!(
    /// Period of an applicant's salary expectation.
    SalaryPeriod { Monthly = 0, Yearly = 1 }
);

int_enum!(
    /// State of an applicant's military or civilian service.
    MilitaryService { NotYetDone = 0, Done = 1, Reliefed = 2, Alternative = 3 }
);

int_enum!(
    /// Kind of an applicant history entry.
    HistoryType { Manual = 0, Import = 1, PrivacyPolicy = 2 }
);

int_enum!(
    /// Kind of a privacy policy.
    PolicyType { Consent = 0, Information = 1 }
);
// The macro cannot derive `Default`; the default is the ordinal Json.NET writes for a missing value.
#[allow(clippy::derivable_impls)]
impl Default for PolicyType {
    fn default() -> Self {
        Self::Consent
    }
}

// ---------------------------------------------------------------------------------------------
// Dates

/// Parses an eRecruiter date-time: RFC 3339 with offset (`2025-11-08T08:22:40.4174937+01:00`),
/// UTC (`...Z`) or without offset (`2016-03-25T00:00:00`, read as UTC), 0 to 7 fractional
/// digits. The .NET default `0001-01-01T00:00:00` means "never set" and yields `None`.
pub fn parse_datetime(input: &str) -> Result<Option<DateTime<Utc>>, String> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let parsed = if let Ok(dt) = DateTime::<FixedOffset>::parse_from_rfc3339(s) {
        dt.with_timezone(&Utc)
    } else if let Ok(naive) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        Utc.from_utc_datetime(&naive)
    } else if let Ok(date) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Utc.from_utc_datetime(&date.and_time(chrono::NaiveTime::MIN))
    } else {
        return Err(format!("`{s}` is not an ISO-8601 date-time"));
    };
    // `DateTime.MinValue` may carry the server's offset (`0001-01-01T00:00:00+01:00`), which
    // lands in year 0 once converted to UTC; both mean "never set".
    if parsed.year() <= 1 {
        return Ok(None);
    }
    Ok(Some(parsed))
}

/// serde adapter for optional eRecruiter date-times (see [`parse_datetime`]).
pub mod flexible_datetime {
    use super::*;

    /// Reads `null`, a missing value or a date-time string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => parse_datetime(&s).map_err(de::Error::custom),
        }
    }

    /// Writes UTC with an explicit `Z`, which .NET reads unambiguously.
    pub fn serialize<S: Serializer>(
        value: &Option<DateTime<Utc>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(dt) => s.serialize_str(&dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            None => s.serialize_none(),
        }
    }
}

/// Reads `null` as the type's default (Json.NET writes `null` for empty collections and strings).
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

// ---------------------------------------------------------------------------------------------
// Auth

/// Body of `POST Api`: exchanges the API key for a token.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApiTokenParameter<'a> {
    /// The API key.
    pub key: &'a str,
    /// The tenant id.
    pub mandator_id: u32,
    /// Free text naming the caller.
    pub client_info: &'a str,
}

/// Answer of `POST Api`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub struct ApiTokenResponse {
    /// Value of the `X-ApiToken` header.
    #[serde(deserialize_with = "null_default")]
    pub token: String,
    /// When the token stops working.
    #[serde(with = "flexible_datetime")]
    pub expires: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for ApiTokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiTokenResponse")
            .field("token", &"<redacted>")
            .field("expires", &self.expires)
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------
// Jobs

/// Answer of `GET Api/PublishedJobs`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct JobsResponse {
    /// The published jobs.
    #[serde(deserialize_with = "null_default")]
    pub jobs: Vec<JobResponse>,
    /// Culture of the texts.
    pub culture: Option<String>,
}

/// A job (`JobResponse`), from `PublishedJobs` or `Job/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct JobResponse {
    /// Job id.
    pub id: i64,
    /// Tenant id.
    #[serde(deserialize_with = "null_default")]
    pub mandator_id: i64,
    /// Internal job name.
    pub internal_name: Option<String>,
    /// Internal location label.
    pub internal_location: Option<String>,
    /// Job status.
    #[serde(deserialize_with = "null_default")]
    pub status: JobStatus,
    /// When the job was created.
    #[serde(with = "flexible_datetime")]
    pub creation_date: Option<DateTime<Utc>>,
    /// When the job was last modified.
    #[serde(with = "flexible_datetime")]
    pub update_date: Option<DateTime<Utc>>,
    /// First publication anywhere.
    #[serde(with = "flexible_datetime")]
    pub online_date: Option<DateTime<Utc>>,
    /// Corrected first publication date.
    #[serde(with = "flexible_datetime")]
    pub online_date_corrected: Option<DateTime<Utc>>,
    /// End of the publication.
    #[serde(with = "flexible_datetime")]
    pub expiration_date: Option<DateTime<Utc>>,
    /// Job profiles (categories).
    #[serde(deserialize_with = "null_default")]
    pub job_profiles: Vec<String>,
    /// Regions.
    #[serde(deserialize_with = "null_default")]
    pub regions: Vec<String>,
    /// Custom field values.
    #[serde(deserialize_with = "null_default")]
    pub custom_fields: Vec<CustomFieldValueResponse>,
    /// Occupation types (full-time, part-time, ... as configured).
    #[serde(deserialize_with = "null_default")]
    pub occupation_types: Vec<String>,
    /// Career levels.
    #[serde(deserialize_with = "null_default")]
    pub career_levels: Vec<String>,
    /// Job tags.
    #[serde(deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// Where the job is published.
    #[serde(deserialize_with = "null_default")]
    pub published_on: Vec<JobPublicationResponse>,
    /// Culture of the texts below.
    pub culture: Option<String>,
    /// Complete job ad as HTML.
    pub html: Option<String>,
    /// Public job title.
    pub title: Option<String>,
    /// Sub title.
    pub sub_title: Option<String>,
    /// Location text of the ad.
    pub location: Option<String>,
    /// Whether a questionnaire is attached.
    #[serde(deserialize_with = "null_default")]
    pub has_questionnaire: bool,
    /// Google for Jobs data.
    pub google_for_jobs: Option<GoogleForJobsResponse>,
    /// Geocoded job location.
    pub geo_location: Option<GeoLocationResponse>,
    /// Name of the geocoded job location.
    pub geo_location_name: Option<String>,
}

/// One publication of a job.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct JobPublicationResponse {
    /// Publication name.
    pub name: Option<String>,
    /// Kind of publication.
    pub r#type: Option<JobPublicationType>,
    /// Ad URL; may contain the `$Referrer$` placeholder.
    pub job_ad_url: Option<String>,
    /// Apply URL; may contain the `$Referrer$` placeholder.
    pub apply_url: Option<String>,
}

/// Google for Jobs block of a job.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GoogleForJobsResponse {
    /// Employment type: an integer on current servers, a string or string array on old ones.
    pub employment_type: serde_json::Value,
    /// Whether the job is remote.
    #[serde(deserialize_with = "null_default")]
    pub telecommute: bool,
    /// Country of the job.
    pub country: Option<String>,
    /// Structured job locations.
    #[serde(deserialize_with = "null_default")]
    pub locations: Vec<GoogleForJobsLocation>,
}

/// A structured job address.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GoogleForJobsLocation {
    /// Street.
    pub street: Option<String>,
    /// House number.
    pub house_no: Option<String>,
    /// Postal code.
    pub zip_code: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or region.
    pub state: Option<String>,
    /// Country name.
    pub country: Option<String>,
}

/// A geocoded location (GeoJSON-like; `type`/`coordinates` are lower-case on the wire).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GeoLocationResponse {
    /// Country name.
    pub country: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Postal code.
    pub zip_code: Option<String>,
    /// Street.
    pub street: Option<String>,
    /// House number.
    pub street_number: Option<String>,
    /// City.
    pub city: Option<String>,
}

/// Definition of a custom field.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct CustomFieldResponse {
    /// Internal name (identifier).
    pub name: Option<String>,
    /// Public label.
    pub title: Option<String>,
    /// Group label.
    pub group_name: Option<String>,
    /// Input type.
    pub r#type: Option<CustomFieldType>,
    /// Owner kind.
    pub target: Option<CustomFieldTarget>,
    /// Allowed values for list types.
    #[serde(deserialize_with = "null_default")]
    pub possible_values: Vec<String>,
    /// Default value.
    pub default_value: Option<String>,
}

/// A custom field with its value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CustomFieldValueResponse {
    /// The field definition.
    pub custom_field: Option<CustomFieldResponse>,
    /// Formatted value (always a string).
    pub value: Option<String>,
    /// Checkbox value.
    pub bool_value: Option<bool>,
    /// Date value.
    #[serde(with = "flexible_datetime")]
    pub date_value: Option<DateTime<Utc>>,
    /// Text value (checkbox lists joined by `|`).
    pub string_value: Option<String>,
    /// Numeric value.
    pub number_value: Option<f64>,
}

// ---------------------------------------------------------------------------------------------
// Questionnaires

/// Answer of `GET Api/Questionnaire/ByJob/{jobId}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct QuestionnaireResponse {
    /// Questionnaire id.
    pub id: i64,
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Page on which it is shown.
    pub location: Option<QuestionnaireLocation>,
    /// Items in display order.
    #[serde(deserialize_with = "null_default")]
    pub items: Vec<QuestionnaireItemResponse>,
}

/// One question (or display-only heading) of a questionnaire.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct QuestionnaireItemResponse {
    /// Item id (absent on servers older than API 1.79).
    pub id: Option<i64>,
    /// Question text.
    pub title: Option<String>,
    /// Help text.
    pub description: Option<String>,
    /// Whether an answer is required.
    #[serde(deserialize_with = "null_default")]
    pub is_required: bool,
    /// Item type.
    pub r#type: Option<QuestionnaireItemType>,
    /// Custom field for type `CustomField`.
    pub custom_field: Option<CustomFieldResponse>,
    /// Language for type `SingleLanguage`.
    pub language: Option<String>,
    /// Knowledge for type `SingleKnowledge`.
    pub knowledge: Option<String>,
    /// Knowledge group for type `KnowledgeGroup`.
    pub knowledge_group: Option<String>,
    /// Document type for type `ApplicantDocument`.
    pub applicant_document_type: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Applications

/// An element of `GET Api/Applications/ByJob/{jobId}`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase", default)]
pub struct ApplicationJobResponse {
    /// Application id.
    pub id: i64,
    /// Job id.
    pub job_id: i64,
    /// Applicant id.
    pub applicant_id: i64,
}

/// An element of `GET Api/Applications/{applicantId}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ApplicationResponse {
    /// Application id.
    pub id: i64,
    /// Applicant id.
    pub applicant_id: i64,
    /// Job id.
    pub job_id: i64,
    /// Localized current status.
    pub status: Option<String>,
    /// Status as shown to the applicant.
    pub status_for_applicant: Option<String>,
    /// Source of the application.
    pub referrer: Option<String>,
    /// Source detail.
    pub referrer_additional_info: Option<String>,
    /// Workflow group of the current status.
    #[serde(deserialize_with = "null_default")]
    pub workflow_status_group: WorkflowStatusGroup,
    /// Rating.
    pub rating: Option<i64>,
}

/// Body of `PUT Api/Application`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ApplicationCreateParameter {
    /// Job to apply to.
    pub job_id: i64,
    /// Applicant applying.
    pub applicant_id: i64,
    /// Source.
    pub referrer: Option<String>,
    /// Source detail.
    pub referrer_additional_info: Option<String>,
    /// Whether an existing application is refreshed instead of ignored.
    pub refresh_application_if_it_already_exists: bool,
    /// Cover letter text.
    pub cover_letter: Option<String>,
}

/// Answer of `PUT Api/Application`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ApplicationCreateResponse {
    /// The new application's id, when created.
    pub application_id: Option<i64>,
    /// Business errors (HTTP 200 nevertheless).
    #[serde(deserialize_with = "null_default")]
    pub errors: Vec<ApplicationCreateError>,
}

// ---------------------------------------------------------------------------------------------
// Applicants

/// A partial date (year only, month and year, or a full date).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase", default)]
pub struct FlexDate {
    /// Year.
    pub year: Option<i32>,
    /// Month 1-12.
    pub month: Option<u32>,
    /// Day 1-31.
    pub day: Option<u32>,
    /// Whether the parts are offsets from today.
    #[serde(deserialize_with = "null_default")]
    pub is_relative_date: bool,
}

/// A linked social profile.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ThirdPartyProfile {
    /// Network name (`LinkedIn`, `Xing`).
    pub third_party: Option<String>,
    /// Profile id on the network.
    pub identifier: Option<String>,
    /// Profile URL.
    pub url: Option<String>,
}

/// An applicant (`ApplicantResponse`, the read-only fields plus every `ApplicantParameter` field
/// the connector reads).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ApplicantResponse {
    /// Applicant id.
    pub id: i64,
    /// Last change by a recruiter.
    #[serde(with = "flexible_datetime")]
    pub date_of_update_by_user: Option<DateTime<Utc>>,
    /// Last change by the applicant.
    #[serde(with = "flexible_datetime")]
    pub date_of_update_by_applicant: Option<DateTime<Utc>>,
    /// Linked social profiles.
    #[serde(deserialize_with = "null_default")]
    pub third_party_profiles: Vec<ThirdPartyProfile>,
    /// Creation date.
    #[serde(with = "flexible_datetime")]
    pub date_of_creation: Option<DateTime<Utc>>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Legal gender.
    #[serde(deserialize_with = "null_default")]
    pub gender: Gender,
    /// Street.
    pub street: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Postal code.
    pub zip_code: Option<String>,
    /// Country (a display name from the mandator's list).
    pub country: Option<String>,
    /// Landline phone.
    pub phone: Option<String>,
    /// Mobile phone.
    pub mobile_phone: Option<String>,
    /// Personal web page.
    pub url: Option<String>,
    /// Tags.
    #[serde(deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// Salary expectation.
    pub salary: Option<i64>,
    /// Salary currency.
    pub salary_currency: Option<String>,
    /// Salary period.
    pub salary_period: Option<SalaryPeriod>,
    /// Earliest start date.
    pub earliest_possible_begin_date: Option<FlexDate>,
    /// Source.
    pub referrer: Option<String>,
    /// Source detail.
    pub referrer_additional_info: Option<String>,
    /// GDPR consent date.
    #[serde(with = "flexible_datetime")]
    pub policy_accepted_at: Option<DateTime<Utc>>,
}

/// `ApplicantResponse` members that are read-only and not part of `ApplicantParameter`; they
/// are removed before an applicant read with GET is sent back with POST.
pub const APPLICANT_READ_ONLY_MEMBERS: &[&str] = &[
    "Id",
    "DateOfUpdateByUser",
    "DateOfUpdateByApplicant",
    "HasCv",
    "HasPhoto",
    "HasApplicationsVisibleToApplicant",
    "DocumentsCount",
    "ActivitiesCount",
    "ExperiencesCount",
    "EducationsCount",
    "CertificatesCount",
    "LanguagesCount",
    "PublicationsCount",
    "ThirdPartyProfiles",
];

/// Body of `PUT Api/Applicant` (create). Only the members the connector fills are listed;
/// Json.NET gives the others their defaults.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ApplicantParameter {
    /// Creation date; must be set explicitly.
    #[serde(with = "flexible_datetime")]
    pub date_of_creation: Option<DateTime<Utc>>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Legal gender.
    pub gender: i64,
    /// Gender identity.
    pub gender_identity: i64,
    /// Phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Country display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Active flag.
    pub is_active: bool,
    /// Locked flag.
    pub is_locked: bool,
    /// Newsletter opt-in.
    pub enable_newsletter: bool,
    /// Job alert opt-in.
    pub enable_matching_jobs_auto_mail: bool,
    /// Tags.
    pub tags: Vec<String>,
    /// Salary expectation (whole number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salary: Option<i64>,
    /// Salary period ordinal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salary_period: Option<i64>,
    /// Earliest start date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest_possible_begin_date: Option<FlexDate>,
    /// Source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    /// GDPR consent date.
    #[serde(with = "flexible_datetime", skip_serializing_if = "Option::is_none")]
    pub policy_accepted_at: Option<DateTime<Utc>>,
    /// Further members set from screening answers (`IsWillingToMove`, `SelfDescription`, ...).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Body of `PUT Api/Applicant/Document/{applicantId}`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ApplicantDocumentParameter {
    /// File name.
    pub name: String,
    /// Extension including the dot.
    pub file_extension: String,
    /// Document type from the mandator's list.
    pub r#type: String,
    /// Base64 content.
    pub content: String,
    /// Visible on the applicant portal.
    pub is_public: bool,
}

/// Body of `PUT Api/Applicant/Cv/{applicantId}`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ApplicantCvParameter {
    /// Extension including the dot.
    pub file_extension: String,
    /// Base64 content.
    pub content: String,
}

/// Body of `PUT Api/Applicant/History/{applicantId}`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ApplicantHistoryParameter {
    /// Related job, if any.
    pub job_id: Option<i64>,
    /// Subject line.
    pub subject: String,
    /// Body text.
    pub body: String,
    /// Entry kind.
    pub r#type: HistoryType,
    /// Author label.
    pub created_by: String,
}

/// Body of `POST Api/Applicant/{applicantId}/CustomField`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct CustomFieldValueParameter {
    /// Internal name of the field.
    pub custom_field: String,
    /// Formatted value.
    pub value: Option<String>,
    /// Values of a checkbox list.
    pub values: Option<Vec<String>>,
}

/// An element of `GET Api/Policies`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PolicyResponse {
    /// Policy id.
    pub id: i64,
    /// Policy kind.
    #[serde(deserialize_with = "null_default")]
    pub r#type: PolicyType,
}

/// Body of `PUT Api/Applicant/{applicantId}/Policies/{policyId}`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ApplicantPolicyParameter {
    /// When the applicant accepted.
    #[serde(with = "flexible_datetime")]
    pub accepted_on: Option<DateTime<Utc>>,
    /// When the applicant revoked.
    #[serde(with = "flexible_datetime")]
    pub revoked_on: Option<DateTime<Utc>>,
}

/// The subset of `GET Api/Mandator` the connector uses. The full answer contains third-party
/// secrets and is never logged or stored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct MandatorResponse {
    /// Tenant id.
    pub id: i64,
    /// Tenant name.
    pub name: Option<String>,
    /// Allowed document types.
    #[serde(deserialize_with = "null_default")]
    pub applicant_document_types: Vec<String>,
    /// Allowed countries (display names).
    #[serde(deserialize_with = "null_default")]
    pub countries: Vec<String>,
    /// Allowed sources.
    #[serde(deserialize_with = "null_default")]
    pub referrers: Vec<ReferrerResponse>,
}

/// A configured applicant source.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReferrerResponse {
    /// Source name, used as `Referrer`.
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates_parse_with_and_without_offset() {
        let with = parse_datetime("2025-11-08T08:22:40.4174937+01:00")
            .unwrap()
            .unwrap();
        assert_eq!(with.to_rfc3339(), "2025-11-08T07:22:40.417493700+00:00");
        let without = parse_datetime("2016-03-25T00:00:00").unwrap().unwrap();
        assert_eq!(without.to_rfc3339(), "2016-03-25T00:00:00+00:00");
        let seven = parse_datetime("2016-03-25T10:00:00.1234567")
            .unwrap()
            .unwrap();
        assert_eq!(seven.timestamp_subsec_nanos(), 123_456_700);
        assert_eq!(parse_datetime("0001-01-01T00:00:00").unwrap(), None);
        // Json.NET writes `DateTime.MinValue` of local kind with the server's offset.
        assert_eq!(parse_datetime("0001-01-01T00:00:00+01:00").unwrap(), None);
        assert_eq!(parse_datetime("0001-01-01T00:00:00Z").unwrap(), None);
        let utc_seven = parse_datetime("2025-11-08T08:22:40.4174937Z")
            .unwrap()
            .unwrap();
        assert_eq!(utc_seven.timestamp_subsec_nanos(), 417_493_700);
        let negative = parse_datetime("2025-01-01T00:30:00-05:00")
            .unwrap()
            .unwrap();
        assert_eq!(negative.to_rfc3339(), "2025-01-01T05:30:00+00:00");
        assert_eq!(parse_datetime("").unwrap(), None);
        assert!(parse_datetime("yesterday").is_err());
    }

    #[test]
    fn enums_keep_unknown_ordinals_and_accept_names() {
        let v: Vec<WorkflowStatusGroup> =
            serde_json::from_value(json!([5, 99, "Accepted", "3"])).unwrap();
        assert_eq!(
            v,
            vec![
                WorkflowStatusGroup::Rejected,
                WorkflowStatusGroup::Other(99),
                WorkflowStatusGroup::Accepted,
                WorkflowStatusGroup::Proposed
            ]
        );
        assert_eq!(
            serde_json::to_value(JobStatus::Cancelled).unwrap(),
            json!(4)
        );
        assert_eq!(serde_json::to_value(JobStatus::Other(9)).unwrap(), json!(9));
        assert!(serde_json::from_value::<JobStatus>(json!("Frozen")).is_err());
    }

    #[test]
    fn nulls_and_missing_members_fall_back_to_defaults() {
        let applicant: ApplicantResponse = serde_json::from_value(json!({
            "Id": 7, "Tags": null, "ThirdPartyProfiles": null, "Gender": null, "Brand new": 1
        }))
        .unwrap();
        assert_eq!(applicant.id, 7);
        assert!(applicant.tags.is_empty());
        assert_eq!(applicant.gender, Gender::Unknown);
        let job: JobResponse = serde_json::from_value(json!({"Id": 1})).unwrap();
        assert_eq!(job.status, JobStatus::Open);
        assert!(job.published_on.is_empty());
        // Explicit nulls in value-typed members must not make the whole job list unreadable.
        let job: JobResponse = serde_json::from_value(json!({
            "Id": 2, "MandatorId": null, "Status": null, "HasQuestionnaire": null,
            "PublishedOn": null, "CustomFields": null, "GoogleForJobs": null
        }))
        .unwrap();
        assert_eq!(
            (job.id, job.mandator_id, job.status, job.has_questionnaire),
            (2, 0, JobStatus::Open, false)
        );
        let list: JobsResponse = serde_json::from_value(json!({
            "Jobs": [{"Id": 3, "Status": 7, "Title": "Köchin (m/w/d) 👩‍🍳"}, {"Id": 4, "Status": null}],
            "Culture": null
        }))
        .unwrap();
        assert_eq!(list.jobs.len(), 2);
        assert_eq!(list.jobs[0].status, JobStatus::Other(7));
        assert_eq!(list.jobs[0].title.as_deref(), Some("Köchin (m/w/d) 👩‍🍳"));
        let item: QuestionnaireItemResponse =
            serde_json::from_value(json!({"Type": 42, "IsRequired": null, "Title": null})).unwrap();
        assert_eq!(item.r#type, Some(QuestionnaireItemType::Other(42)));
        assert!(!item.is_required);
    }

    #[test]
    fn google_for_jobs_employment_type_is_lenient() {
        for value in [
            json!(1),
            json!("FULL_TIME"),
            json!(["FULL_TIME"]),
            json!(null),
        ] {
            let g: GoogleForJobsResponse =
                serde_json::from_value(json!({"EmploymentType": value})).unwrap();
            assert_eq!(g.employment_type, value);
        }
    }

    #[test]
    fn token_response_debug_hides_the_token() {
        let r: ApiTokenResponse = serde_json::from_value(
            json!({"Token": "ABCDEF0123", "Expires": "2025-03-01T09:30:00+01:00"}),
        )
        .unwrap();
        assert!(!format!("{r:?}").contains("ABCDEF"));
        assert_eq!(r.expires.unwrap().to_rfc3339(), "2025-03-01T08:30:00+00:00");
    }

    #[test]
    fn flex_date_and_parameters_serialize_as_pascal_case() {
        let body = ApplicantHistoryParameter {
            job_id: Some(4711),
            subject: "s".into(),
            body: "b".into(),
            r#type: HistoryType::Manual,
            created_by: "x".into(),
        };
        assert_eq!(
            serde_json::to_value(body).unwrap(),
            json!({"JobId": 4711, "Subject": "s", "Body": "b", "Type": 0, "CreatedBy": "x"})
        );
        let flex = FlexDate {
            year: Some(2025),
            month: Some(9),
            day: None,
            is_relative_date: false,
        };
        assert_eq!(
            serde_json::to_value(flex).unwrap(),
            json!({"Year": 2025, "Month": 9, "Day": null, "IsRelativeDate": false})
        );
    }

    fn sample(name: &str) -> serde_json::Value {
        let path = format!("{}/tests/samples/{name}.json", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn reference_samples_deserialize() {
        let token: ApiTokenResponse = serde_json::from_value(sample("api_token_response")).unwrap();
        assert!(!token.token.is_empty());

        let jobs: JobsResponse = serde_json::from_value(sample("published_jobs")).unwrap();
        assert_eq!(jobs.jobs.len(), 1);
        let job = &jobs.jobs[0];
        assert_eq!(job.id, 4711);
        assert_eq!(job.published_on.len(), 2);
        assert_eq!(
            job.published_on[1].r#type,
            Some(JobPublicationType::MultiPostChannel)
        );
        assert_eq!(job.custom_fields[0].number_value, Some(3.0));
        assert_eq!(
            job.geo_location.as_ref().unwrap().city.as_deref(),
            Some("Linz")
        );
        let single: JobResponse = serde_json::from_value(sample("job")).unwrap();
        assert_eq!(single.title.as_deref(), Some("Software Developer (m/f/d)"));
        assert!(single.has_questionnaire);

        let q: QuestionnaireResponse =
            serde_json::from_value(sample("questionnaire_by_job")).unwrap();
        assert_eq!(q.items.len(), 3);
        assert_eq!(q.items[0].r#type, Some(QuestionnaireItemType::CustomField));
        assert_eq!(
            q.items[2].applicant_document_type.as_deref(),
            Some("Certificate")
        );

        let by_job: Vec<ApplicationJobResponse> =
            serde_json::from_value(sample("applications_by_job")).unwrap();
        assert_eq!(
            by_job[1],
            ApplicationJobResponse {
                id: 98766,
                job_id: 4711,
                applicant_id: 123457
            }
        );
        let apps: Vec<ApplicationResponse> =
            serde_json::from_value(sample("applications_by_applicant")).unwrap();
        assert_eq!(apps[0].workflow_status_group, WorkflowStatusGroup::New);

        let applicant: ApplicantResponse = serde_json::from_value(sample("applicant")).unwrap();
        assert_eq!(applicant.id, 123456);
        assert_eq!(applicant.third_party_profiles.len(), 1);
        assert_eq!(applicant.salary_period, Some(SalaryPeriod::Yearly));
        assert_eq!(applicant.earliest_possible_begin_date.unwrap().day, Some(1));

        let created: ApplicationCreateResponse =
            serde_json::from_value(sample("application_create_response")).unwrap();
        assert_eq!(created.application_id, Some(98765));
        let failed: ApplicationCreateResponse =
            serde_json::from_value(sample("application_create_response_error")).unwrap();
        assert_eq!(failed.errors, vec![ApplicationCreateError::JobIsClosed]);

        let mandator: MandatorResponse = serde_json::from_value(sample("mandator")).unwrap();
        assert_eq!(mandator.applicant_document_types.len(), 3);
        assert_eq!(
            mandator.referrers[0].name.as_deref(),
            Some("Example Job Board")
        );

        let policies: Vec<PolicyResponse> = serde_json::from_value(sample("policies")).unwrap();
        assert_eq!(policies[0].r#type, PolicyType::Consent);
        let values: Vec<CustomFieldValueResponse> =
            serde_json::from_value(sample("applicant_custom_fields")).unwrap();
        assert_eq!(
            values[0].custom_field.as_ref().unwrap().r#type,
            Some(CustomFieldType::DropdownList)
        );
    }
}
