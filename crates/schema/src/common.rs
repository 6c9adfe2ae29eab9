//! Small structures shared by records, wire objects and request bodies.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::enums::IntegrationFieldType;

/// Free-form key/value object (`custom_fields`, `remote_data`, `remote_fields`).
pub type JsonObject = serde_json::Map<String, serde_json::Value>;

/// A postal location as Kombo reports it for jobs, candidates and interviews.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Location {
    /// City.
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 code when known, else the provider's value.
    pub country: Option<String>,
    /// The unparsed address as the provider has it.
    pub raw: Option<String>,
    /// State or region.
    pub state: Option<String>,
    /// First street line.
    pub street_1: Option<String>,
    /// Second street line.
    pub street_2: Option<String>,
    /// Postal code.
    pub zip_code: Option<String>,
}

/// A phone number of a candidate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PhoneNumber {
    /// The number as the provider stores it.
    pub phone_number: String,
    /// Free-form kind (`HOME`, `MOBILE` ...) or `null` when unknown.
    #[serde(rename = "type")]
    pub r#type: Option<String>,
}

/// An email address of a candidate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EmailAddress {
    /// The address.
    pub email_address: Option<String>,
    /// Free-form kind (`PRIVATE`, `WORK` ...) or `null` when unknown.
    #[serde(rename = "type")]
    pub r#type: Option<String>,
}

/// A social media account of a candidate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SocialMediaLink {
    /// URL of the profile.
    pub link: Option<String>,
    /// Free-form kind (`LINKEDIN`, `XING` ...).
    #[serde(rename = "type")]
    pub r#type: Option<String>,
    /// User name on the platform.
    pub username: Option<String>,
}

/// A provider field passed through on request (Kombo's `integration_fields`).
///
/// Records and wire objects share this type and differ only in what `id` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IntegrationField {
    /// Stable id of the field. In a record: the provider's identifier of the field, unique
    /// within the record (usually its key). On the wire: the Kombo id that the assembly
    /// functions mint from the model and that identifier (the same in every record).
    pub id: String,
    /// The field's key at the provider.
    pub key: String,
    /// Built-in or user-defined field.
    #[serde(rename = "type")]
    pub r#type: IntegrationFieldType,
    /// The value, any JSON.
    pub value: Option<serde_json::Value>,
    /// Human-readable label, when the provider has one.
    pub label: Option<String>,
}
