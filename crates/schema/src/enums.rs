//! Enumerations of the unified schema.
//!
//! *Open* enums (`enum X { Known..., Other(String) }`) keep a provider value the schema cannot
//! map, exactly as Kombo passes the original string through. *Closed* enums accept only their
//! listed values, because the official SDKs reject anything else.

/// Returned when a string is not a value of a closed enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {type_name}; expected one of {expected}")]
pub struct UnknownEnumValue {
    /// Name of the enum type.
    pub type_name: &'static str,
    /// The rejected value.
    pub value: String,
    /// The accepted values, comma separated.
    pub expected: String,
}

/// Defines a closed enum with exact wire spellings, serde, `FromStr` and a JSON Schema `enum`.
macro_rules! closed_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the order the specification lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire spelling.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::enums::UnknownEnumValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    other => Err($crate::enums::UnknownEnumValue {
                        type_name: stringify!($name),
                        value: other.to_owned(),
                        expected: [$($wire),+].join(", "),
                    }),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                raw.parse().map_err(::serde::de::Error::custom)
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "type": "string",
                    "enum": [$($wire),+],
                })
            }
        }
    };
}

/// Defines an open enum: known values plus `Other(String)` carrying any unmapped value.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A provider value the unified schema has no mapping for, passed through unchanged.
            Other(String),
        }

        impl $name {
            /// The values the unified schema knows, in wire spelling.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The wire spelling (the raw string for [`Self::Other`]).
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(raw) => raw,
                }
            }

            /// Maps a wire string to the known value, or keeps it as [`Self::Other`].
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $($wire => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }

            /// Whether the value is one the unified schema knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(raw) if !Self::KNOWN.contains(&raw.as_str()))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name::from_wire(value)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok($name::from_wire(&raw))
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "anyOf": [
                        { "type": "string", "enum": [$($wire),+] },
                        { "type": "string", "description": "Unmapped provider value, passed through." },
                    ],
                })
            }
        }
    };
}

pub(crate) use closed_enum;

open_enum! {
    /// Kind of employment contract of a job.
    EmploymentType {
        /// Full-time position.
        FullTime => "FULL_TIME",
        /// Part-time position.
        PartTime => "PART_TIME",
        /// Fixed-term or freelance contract.
        Contract => "CONTRACT",
        /// Seasonal work.
        Seasonal => "SEASONAL",
        /// Internship.
        Internship => "INTERNSHIP",
    }
}

open_enum! {
    /// Lifecycle status of a job.
    JobStatus {
        /// Accepting applications.
        Open => "OPEN",
        /// No longer accepting applications.
        Closed => "CLOSED",
        /// Not yet published.
        Draft => "DRAFT",
        /// Archived.
        Archived => "ARCHIVED",
    }
}

open_enum! {
    /// Who can see and apply to a job.
    JobVisibility {
        /// Published for everyone.
        Public => "PUBLIC",
        /// Only for employees.
        Internal => "INTERNAL",
        /// Reachable only through its link.
        Unlisted => "UNLISTED",
        /// Nobody can apply.
        Confidential => "CONFIDENTIAL",
    }
}

open_enum! {
    /// How far a job allows remote work.
    RemoteWorkStatus {
        /// Fully remote.
        Remote => "REMOTE",
        /// Partly remote.
        Hybrid => "HYBRID",
        /// Remote for a limited time.
        Temporary => "TEMPORARY",
        /// On site only.
        OnSite => "ON_SITE",
    }
}

open_enum! {
    /// Period a salary amount refers to.
    SalaryPeriod {
        /// Per year.
        Year => "YEAR",
        /// Per month.
        Month => "MONTH",
        /// Per two weeks.
        TwoWeeks => "TWO_WEEKS",
        /// Per week.
        Week => "WEEK",
        /// Per day.
        Day => "DAY",
        /// Per hour.
        Hour => "HOUR",
    }
}

closed_enum! {
    /// Outcome of an application as far as it is known.
    ApplicationOutcome {
        /// Still in process.
        Pending => "PENDING",
        /// The candidate was hired.
        Hired => "HIRED",
        /// Rejected, or the candidate withdrew.
        Declined => "DECLINED",
    }
}

closed_enum! {
    /// Whether an application stage is still in use in the ATS.
    StageStatus {
        /// The stage is in use.
        Active => "ACTIVE",
        /// The stage is retired but may still be referenced.
        Inactive => "INACTIVE",
    }
}

closed_enum! {
    /// Special category of a screening question.
    ScreeningQuestionCategory {
        /// Equal Employment Opportunity question.
        Eeo => "EEO",
        /// Other demographic question.
        Demographic => "DEMOGRAPHIC",
    }
}

closed_enum! {
    /// Gender given when creating a candidate.
    Gender {
        /// Male.
        Male => "MALE",
        /// Female.
        Female => "FEMALE",
        /// Any other gender.
        Other => "OTHER",
    }
}

closed_enum! {
    /// Kind of an additional email address or phone number given on input.
    ContactType {
        /// Personal contact.
        Personal => "PERSONAL",
        /// Work contact.
        Work => "WORK",
        /// Anything else.
        Other => "OTHER",
    }
}

closed_enum! {
    /// Period of a candidate's salary expectation.
    SalaryExpectationPeriod {
        /// Per month.
        Month => "MONTH",
        /// Per year.
        Year => "YEAR",
    }
}

closed_enum! {
    /// Where an uploaded file belongs in the ATS.
    AttachmentType {
        /// Curriculum vitae / resume.
        Cv => "CV",
        /// Cover letter.
        CoverLetter => "COVER_LETTER",
        /// Any other document.
        Other => "OTHER",
    }
}

closed_enum! {
    /// Origin of an integration field.
    IntegrationFieldType {
        /// A built-in field of the provider.
        Default => "DEFAULT",
        /// A field created by the provider's users.
        Custom => "CUSTOM",
    }
}

closed_enum! {
    /// Status of a job posting.
    JobPostingStatus {
        /// Live.
        Active => "ACTIVE",
        /// Not live.
        Inactive => "INACTIVE",
        /// Not yet published.
        Draft => "DRAFT",
    }
}

closed_enum! {
    /// Visibility of a job posting.
    JobPostingVisibility {
        /// Public.
        Public => "PUBLIC",
        /// Internal.
        Internal => "INTERNAL",
        /// Reachable only through its link.
        Unlisted => "UNLISTED",
    }
}

closed_enum! {
    /// Deprecated role list of a hiring-team member.
    HiringTeamRole {
        /// Recruiter.
        Recruiter => "RECRUITER",
        /// Hiring manager.
        HiringManager => "HIRING_MANAGER",
        /// Coordinator.
        Coordinator => "COORDINATOR",
        /// Sourcer.
        Sourcer => "SOURCER",
        /// Interviewer.
        Interviewer => "INTERVIEWER",
    }
}

closed_enum! {
    /// Scope of a job role. SDK 1.4 accepts only `JOB` here.
    JobRoleScope {
        /// The role applies to this job.
        Job => "JOB",
    }
}

closed_enum! {
    /// Unified type of a job role.
    JobRoleType {
        /// Hiring manager.
        HiringManager => "HIRING_MANAGER",
        /// Recruiter.
        Recruiter => "RECRUITER",
        /// Coordinator.
        Coordinator => "COORDINATOR",
        /// Sourcer.
        Sourcer => "SOURCER",
        /// Interviewer.
        Interviewer => "INTERVIEWER",
        /// Administrator.
        Admin => "ADMIN",
    }
}

closed_enum! {
    /// Status of an offer.
    OfferStatus {
        /// Accepted by the candidate.
        Accepted => "ACCEPTED",
        /// Declined by the candidate.
        Declined => "DECLINED",
        /// Sent to the candidate.
        Sent => "SENT",
        /// Approved internally.
        Approved => "APPROVED",
        /// Being drafted.
        Draft => "DRAFT",
        /// Abandoned.
        Abandoned => "ABANDONED",
    }
}

closed_enum! {
    /// Suggested input widget for a TEXT question.
    TextDisplayType {
        /// One line.
        SingleLine => "SINGLE_LINE",
        /// Several lines.
        MultiLine => "MULTI_LINE",
        /// An email address.
        Email => "EMAIL",
        /// A URL.
        Url => "URL",
    }
}

closed_enum! {
    /// Suggested input widget for a NUMBER question.
    NumberDisplayType {
        /// A slider.
        Slider => "SLIDER",
        /// A number field.
        Field => "FIELD",
    }
}

closed_enum! {
    /// Suggested input widget for a SINGLE_SELECT question.
    SelectDisplayType {
        /// A dropdown.
        Dropdown => "DROPDOWN",
        /// Radio buttons.
        Radio => "RADIO",
    }
}

closed_enum! {
    /// HTTP method of a passthrough request.
    PassthroughMethod {
        /// GET.
        Get => "GET",
        /// POST.
        Post => "POST",
        /// DELETE.
        Delete => "DELETE",
        /// PUT.
        Put => "PUT",
        /// PATCH.
        Patch => "PATCH",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enum_passes_unknown_values_through() {
        let value: EmploymentType = serde_json::from_str("\"FREELANCE\"").unwrap();
        assert_eq!(value, EmploymentType::Other("FREELANCE".into()));
        assert!(!value.is_known());
        assert_eq!(serde_json::to_string(&value).unwrap(), "\"FREELANCE\"");
        let known: EmploymentType = serde_json::from_str("\"FULL_TIME\"").unwrap();
        assert_eq!(known, EmploymentType::FullTime);
        assert!(known.is_known());
    }

    #[test]
    fn closed_enum_rejects_unknown_values() {
        let err = serde_json::from_str::<StageStatus>("\"ARCHIVED\"").unwrap_err();
        assert!(err.to_string().contains("ACTIVE, INACTIVE"), "{err}");
        assert_eq!(
            serde_json::from_str::<StageStatus>("\"INACTIVE\"").unwrap(),
            StageStatus::Inactive
        );
    }
}
