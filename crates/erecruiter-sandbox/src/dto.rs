//! eRecruiter's JSON shapes (PascalCase names, enums as integers), in the property order the
//! vendor DTO classes declare. Crate-private: tests look at the JSON, not at these types.

use serde::{Deserialize, Serialize, Serializer};

use crate::wire_time::WireDateTime;

/// `ApiTokenParameter`, the body of `POST /Api`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ApiTokenParameter {
    pub key: Option<String>,
    pub mandator_id: i32,
    #[allow(dead_code)]
    pub client_info: Option<String>,
}

/// `ApiTokenResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ApiTokenResponse {
    pub token: String,
    pub expires: WireDateTime,
}

/// `CustomFieldResponse`: the definition of a custom field.
#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CustomFieldResponse {
    pub name: String,
    pub title: String,
    pub group_name: String,
    #[serde(rename = "Type")]
    pub kind: i32,
    pub target: i32,
    pub is_public: bool,
    pub possible_values: Option<Vec<String>>,
    pub default_value: Option<String>,
}

/// `CustomFieldValueResponse`: one filled custom field.
#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CustomFieldValueResponse {
    pub custom_field: CustomFieldResponse,
    pub value: Option<String>,
    pub bool_value: Option<bool>,
    pub date_value: Option<WireDateTime>,
    pub string_value: Option<String>,
    pub number_value: Option<f64>,
}

/// `CustomFieldValueParameter`, the body of `POST /Api/Applicant/{id}/CustomField`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct CustomFieldValueParameter {
    pub custom_field: Option<String>,
    pub value: Option<String>,
    pub values: Option<Vec<String>>,
}

/// `JobProfileResponse` (extended job profile).
#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct JobProfileResponse {
    pub name: String,
    pub group: String,
    pub culture_filter: Vec<String>,
}

/// `JobPublicationResponse`.
#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct JobPublicationResponse {
    pub name: String,
    pub internal_name: String,
    pub partner: Option<String>,
    pub account: Option<String>,
    pub channel: Option<i32>,
    pub publication_date: WireDateTime,
    pub expiration_date: Option<WireDateTime>,
    #[serde(rename = "Type")]
    pub kind: i32,
    pub job_ad_url: String,
    pub apply_url: String,
}

/// `ChannelSettings`.
#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ChannelSettings {
    pub step_stone: Option<StepStoneChannelSettings>,
}

/// `StepStoneChannelSettings`.
#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct StepStoneChannelSettings {
    pub header_color: String,
    pub background_color: String,
    pub headers: Vec<String>,
    pub background: Option<String>,
    pub video: Option<String>,
    pub contact: Option<String>,
}

/// `GoogleForJobsResponse`.
#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GoogleForJobsResponse {
    pub employment_type: Option<i32>,
    pub telecommute: bool,
    pub country: String,
    pub min_salary: Option<f64>,
    pub max_salary: Option<f64>,
    pub salary_unit: String,
    pub content: String,
    pub currency: String,
    pub hiring_organization: String,
    pub hiring_organization_logo: String,
    pub locations: Vec<GoogleForJobsLocationResponse>,
}

/// `GoogleForJobsLocationResponse`.
#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GoogleForJobsLocationResponse {
    pub street: String,
    pub house_no: String,
    pub zip_code: String,
    pub city: String,
    pub state: String,
    pub country: String,
}

/// `GeoLocationResponse` (GeoJSON-style lower-case `type` and `coordinates`).
#[derive(Serialize, Clone)]
pub(crate) struct GeoLocationResponse {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "coordinates")]
    pub coordinates: Vec<f64>,
    #[serde(rename = "Country")]
    pub country: String,
    #[serde(rename = "Region")]
    pub region: String,
    #[serde(rename = "ZipCode")]
    pub zip_code: String,
    #[serde(rename = "Street")]
    pub street: String,
    #[serde(rename = "StreetNumber")]
    pub street_number: String,
    #[serde(rename = "City")]
    pub city: String,
}

/// `SocialMediaResponse`.
#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SocialMediaResponse {
    pub title: String,
    pub description: String,
    pub image: Option<String>,
}

/// `JobResponse`, rendered for one culture.
#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct JobResponse {
    pub id: i32,
    pub mandator_id: i32,
    pub internal_name: String,
    pub internal_location: String,
    pub status: i32,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub user_first_name: String,
    pub user_last_name: String,
    pub user_title_before_name: Option<String>,
    pub user_title_after_name: Option<String>,
    pub user_full_name: String,
    pub user_gender: i32,
    pub user_phone: String,
    pub user_email: String,
    pub creation_date: WireDateTime,
    pub update_date: WireDateTime,
    pub online_date: Option<WireDateTime>,
    pub online_date_corrected: WireDateTime,
    pub job_profiles: Vec<String>,
    pub extended_job_profiles: Vec<JobProfileResponse>,
    pub regions: Vec<String>,
    pub custom_fields: Vec<CustomFieldValueResponse>,
    pub occupation_types: Vec<String>,
    pub career_levels: Vec<String>,
    pub tags: Vec<String>,
    pub published_on: Vec<JobPublicationResponse>,
    pub available_cultures: Vec<String>,
    pub channels: ChannelSettings,
    pub company_picture_content: Option<String>,
    pub company_picture_file_extension: Option<String>,
    pub culture: String,
    pub html: String,
    pub title: String,
    pub sub_title: Option<String>,
    pub location: String,
    pub company_description: String,
    pub block1: String,
    pub block2: String,
    pub block3: String,
    pub block4: String,
    pub header_block1: String,
    pub header_block2: String,
    pub header_block3: String,
    pub header_block4: String,
    pub template_name: String,
    pub has_questionnaire: bool,
    pub google_for_jobs: GoogleForJobsResponse,
    pub expiration_date: Option<WireDateTime>,
    pub geo_location: GeoLocationResponse,
    pub company_location: GeoLocationResponse,
    pub geo_location_name: String,
    pub company_location_name: String,
    pub social_media: SocialMediaResponse,
    pub customer_id: i32,
    pub customer_name: Option<String>,
    pub user_address: String,
    pub user_zip_code: String,
    pub user_city: String,
    pub cammio_pitch_hash: Option<String>,
    pub indeed_apply_widget_url: Option<String>,
}

/// `JobsResponse`, the body of `GET /Api/PublishedJobs`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct JobsResponse {
    pub jobs: Vec<JobResponse>,
    pub job_publication_type: Option<JobPublicationResponse>,
    pub culture: String,
}

/// `QuestionnaireResponse`.
#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct QuestionnaireResponse {
    pub id: i32,
    pub name: String,
    pub description: String,
    pub location: i32,
    pub items: Vec<QuestionnaireItemResponse>,
}

/// `QuestionnaireItemResponse`.
#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct QuestionnaireItemResponse {
    pub id: i32,
    pub title: String,
    pub description: Option<String>,
    pub is_required: bool,
    #[serde(rename = "Type")]
    pub kind: i32,
    pub custom_field: Option<CustomFieldResponse>,
    pub language: Option<String>,
    pub knowledge: Option<String>,
    pub knowledge_group: Option<String>,
    pub applicant_document_type: Option<String>,
}

/// `FlexDate`: a partial or relative date. Responses add the computed `IsValid` / `IsEmpty`.
#[derive(Deserialize, Clone, Copy, Default, PartialEq, Eq, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct FlexDate {
    pub year: Option<i32>,
    pub month: Option<i32>,
    pub day: Option<i32>,
    pub is_relative_date: bool,
}

impl FlexDate {
    fn is_empty(&self) -> bool {
        self.year.is_none() && self.month.is_none() && self.day.is_none()
    }

    fn is_valid(&self) -> bool {
        if self.is_empty() {
            return false;
        }
        if self.is_relative_date {
            return true;
        }
        let month_ok = self.month.is_none_or(|month| (1..=12).contains(&month));
        let day_ok = self.day.is_none_or(|day| (1..=31).contains(&day));
        self.year.is_some() && month_ok && day_ok
    }
}

impl Serialize for FlexDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("FlexDate", 6)?;
        out.serialize_field("Year", &self.year)?;
        out.serialize_field("Month", &self.month)?;
        out.serialize_field("Day", &self.day)?;
        out.serialize_field("IsRelativeDate", &self.is_relative_date)?;
        out.serialize_field("IsValid", &self.is_valid())?;
        out.serialize_field("IsEmpty", &self.is_empty())?;
        out.end()
    }
}

/// `ApplicantParameter`: the writable applicant fields. Absent members take Json.NET's
/// defaults (`null`, `0`, `false`, `0001-01-01T00:00:00`), which is what makes
/// `POST /Api/Applicant/{id}` a full replace.
#[derive(Serialize, Deserialize, Clone, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ApplicantParameter {
    pub date_of_creation: WireDateTime,
    pub global_id: Option<i64>,
    pub external_id: Option<i32>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub gender: i32,
    pub gender_identity: i32,
    pub title_before_name: Option<String>,
    pub title_after_name: Option<String>,
    pub birth_date: Option<WireDateTime>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub zip_code: Option<String>,
    pub country: Option<String>,
    pub citizenship: Option<String>,
    pub phone: Option<String>,
    pub mobile_phone: Option<String>,
    pub url: Option<String>,
    pub is_active: bool,
    pub is_locked: bool,
    pub enable_newsletter: bool,
    pub enable_matching_jobs_auto_mail: bool,
    pub tags: Option<Vec<String>>,
    pub job_profiles: Option<Vec<String>>,
    pub regions: Option<Vec<String>>,
    pub career_level: Option<String>,
    pub location: Option<String>,
    pub salary: Option<i32>,
    pub salary_notes: Option<String>,
    pub salary_currency: Option<String>,
    pub salary_period: Option<i32>,
    pub domestic_travelling: Option<String>,
    pub abroad_travelling: Option<String>,
    pub earliest_possible_begin_date: Option<FlexDate>,
    pub phone_time: Option<String>,
    pub military_service: Option<i32>,
    pub military_service_start: Option<FlexDate>,
    pub military_service_end: Option<FlexDate>,
    pub military_service_relief_reason: Option<String>,
    pub is_willing_to_move: Option<bool>,
    pub is_interested_in_internship: Option<bool>,
    pub is_interested_in_fulltime: Option<bool>,
    pub is_interested_in_freelancer: Option<bool>,
    pub is_interested_in_part_time: Option<bool>,
    pub overtime_hours: Option<i32>,
    pub part_time_hours: Option<i32>,
    pub referrer: Option<String>,
    pub referrer_additional_info: Option<String>,
    pub classification: Option<String>,
    pub classification_reason: Option<String>,
    pub important_info: Option<String>,
    pub self_description: Option<String>,
    pub job_description: Option<String>,
    pub culture: Option<String>,
    pub maximum_distance_to_job_location: Option<f32>,
    pub policy_accepted_at: Option<WireDateTime>,
}

/// `ApplicantThirdPartyProfileResponse`.
#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ThirdPartyProfile {
    pub third_party: String,
    pub identifier: String,
    pub url: String,
}

/// `ApplicantResponse`: read-only members first, then the inherited parameter members
/// (Json.NET writes a derived class's own properties first).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ApplicantResponse<'a> {
    pub id: i32,
    pub date_of_update_by_user: WireDateTime,
    pub date_of_update_by_applicant: WireDateTime,
    pub has_cv: bool,
    pub has_photo: bool,
    pub has_applications_visible_to_applicant: bool,
    pub documents_count: i32,
    pub activities_count: i32,
    pub experiences_count: i32,
    pub educations_count: i32,
    pub certificates_count: i32,
    pub languages_count: i32,
    pub publications_count: i32,
    pub third_party_profiles: &'a [ThirdPartyProfile],
    #[serde(flatten)]
    pub parameter: &'a ApplicantParameter,
}

/// `ApplicationResponse.ApplicationActivityResponse`.
#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ApplicationActivityResponse {
    pub name: String,
    pub name_for_applicant: String,
    pub name_for_contact: String,
    pub is_visible_to_applicant: bool,
    pub available_to_contact: i32,
}

/// `ApplicationResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ApplicationResponse {
    pub id: i32,
    pub applicant_id: i32,
    pub job_id: i32,
    pub status: String,
    pub status_for_applicant: String,
    pub status_for_contact: String,
    pub is_visible_to_applicant: bool,
    pub is_visible_to_contact: bool,
    pub referrer: Option<String>,
    pub referrer_additional_info: Option<String>,
    pub available_activities: Vec<ApplicationActivityResponse>,
    pub workflow_status_group: i32,
    pub rating: Option<i32>,
}

/// `ApplicationJobResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ApplicationJobResponse {
    pub id: i32,
    pub job_id: i32,
    pub applicant_id: i32,
}

/// `ApplicationReferrerResponse` (note `ReferrerAdditionalInformation`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ApplicationReferrerResponse {
    pub applicant_id: i32,
    pub application_id: i32,
    pub job_id: i32,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub title_before_name: Option<String>,
    pub title_after_name: Option<String>,
    pub gender: i32,
    pub referrer: Option<String>,
    pub referrer_additional_information: Option<String>,
    pub workflow_status_group: i32,
    pub workflow_last_change: WireDateTime,
}

/// `ApplicationCreateParameter`, the body of `PUT /Api/Application`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ApplicationCreateParameter {
    pub job_id: i32,
    pub applicant_id: i32,
    pub referrer: Option<String>,
    pub referrer_additional_info: Option<String>,
    pub refresh_application_if_it_already_exists: bool,
    pub cover_letter: Option<String>,
}

/// `ApplicationCreateResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ApplicationCreateResponse {
    pub application_id: Option<i32>,
    pub errors: Vec<i32>,
}

/// `ApplicantDocumentParameter`.
#[derive(Serialize, Deserialize, Default, Clone)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ApplicantDocumentParameter {
    pub name: Option<String>,
    pub file_extension: Option<String>,
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    pub content: Option<String>,
    pub is_public: bool,
}

/// `ApplicantDocumentResponse`: its own `Id` first, then the inherited parameter members
/// (Json.NET writes a derived class's own properties first).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ApplicantDocumentResponse {
    pub id: i32,
    #[serde(flatten)]
    pub parameter: ApplicantDocumentParameter,
}

/// `ApplicantCvParameter` and `ApplicantCvResponse` (same members).
#[derive(Serialize, Deserialize, Default, Clone)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ApplicantCv {
    pub file_extension: Option<String>,
    pub content: Option<String>,
}

/// `ApplicantHistoryParameter` and `ApplicantHistoryResponse` (same members).
#[derive(Serialize, Deserialize, Default, Clone)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ApplicantHistory {
    pub job_id: Option<i32>,
    pub subject: Option<String>,
    pub body: Option<String>,
    #[serde(rename = "Type")]
    pub kind: i32,
    pub created_by: Option<String>,
}

/// `PolicyResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PolicyResponse {
    pub id: i32,
    pub text: String,
    pub created_on: WireDateTime,
    #[serde(rename = "Type")]
    pub kind: i32,
}

/// `ApplicantPolicyParameter`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ApplicantPolicyParameter {
    pub accepted_on: Option<WireDateTime>,
    pub revoked_on: Option<WireDateTime>,
}

/// `ApplicantPolicyResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ApplicantPolicyResponse {
    pub applicant_id: i32,
    pub policy_id: i32,
    #[serde(rename = "Type")]
    pub kind: i32,
    pub language: String,
    pub url: String,
    pub text: String,
    pub accepted_on: Option<WireDateTime>,
    pub revoked_on: Option<WireDateTime>,
    pub is_outdated: bool,
}
