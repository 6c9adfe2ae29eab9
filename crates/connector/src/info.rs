//! Identity of a connector and the result of an access check.

use atsbridge_schema::Model;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who a connector is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ConnectorInfo {
    /// Stable lower-case identifier, used in URLs and config (`erecruiter`).
    pub slug: String,
    /// Human name of the provider (`eRecruiter`).
    pub display_name: String,
    /// One-line description shown on the coverage page.
    pub description: String,
    /// The provider API version the connector was written against, so a provider version
    /// change shows up as a visible difference.
    pub provider_api_version: String,
    /// The connector SDK version the connector was built with.
    pub sdk_version: String,
}

impl ConnectorInfo {
    /// Info with the current SDK version filled in.
    pub fn new(
        slug: impl Into<String>,
        display_name: impl Into<String>,
        description: impl Into<String>,
        provider_api_version: impl Into<String>,
    ) -> Self {
        Self {
            slug: slug.into(),
            display_name: display_name.into(),
            description: description.into(),
            provider_api_version: provider_api_version.into(),
            sdk_version: crate::SDK_VERSION.to_owned(),
        }
    }
}

/// Whether the integration's credentials can read one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ModelAccess {
    /// A probe request succeeded.
    Granted,
    /// The provider refused; the reason says what is missing.
    Denied {
        /// Explanation, without credentials.
        reason: String,
    },
    /// The connector could not tell (no cheap probe, or the probe failed for another reason).
    Unknown {
        /// Explanation, without credentials.
        reason: String,
    },
}

/// The answer of [`Connector::check`](crate::Connector::check): per-model access, because one
/// missing permission should not look like broken credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CheckReport {
    /// Access per checked model.
    pub models: Vec<(Model, ModelAccess)>,
    /// Remarks that are not failures.
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl CheckReport {
    /// Records the access to `model`.
    #[must_use]
    pub fn with(mut self, model: Model, access: ModelAccess) -> Self {
        self.models.push((model, access));
        self
    }

    /// The recorded access to `model`.
    pub fn access(&self, model: Model) -> Option<&ModelAccess> {
        self.models
            .iter()
            .find(|(checked, _)| *checked == model)
            .map(|(_, access)| access)
    }

    /// Whether every checked model is granted.
    pub fn all_granted(&self) -> bool {
        self.models
            .iter()
            .all(|(_, access)| *access == ModelAccess::Granted)
    }
}
