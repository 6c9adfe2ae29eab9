//! Screening question formats: the union discriminated by `type`.
//!
//! The same union appears in records (options carry provider ids) and on the wire (options also
//! carry their Kombo id), so it is generic over the option type. Use [`QuestionFormat`] in
//! records and [`crate::wire::WireQuestionFormat`] on the wire.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::enums::{NumberDisplayType, SelectDisplayType, TextDisplayType};

/// A question format with option type `O`, tagged by `type` on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type")]
pub enum QuestionFormatOf<O> {
    /// Free text.
    #[serde(rename = "TEXT")]
    Text {
        /// Suggested widget.
        display_type: Option<TextDisplayType>,
        /// Longest accepted answer, in characters.
        max_length: Option<i64>,
    },
    /// A number.
    #[serde(rename = "NUMBER")]
    Number {
        /// Suggested widget.
        display_type: Option<NumberDisplayType>,
        /// Largest accepted value.
        max: Option<f64>,
        /// Smallest accepted value.
        min: Option<f64>,
    },
    /// A file upload.
    #[serde(rename = "FILE")]
    File {
        /// Accepted MIME types, when restricted.
        accepted_mime_types: Option<Vec<String>>,
        /// Largest accepted file, in bytes.
        max_file_size_bytes: Option<i64>,
    },
    /// Exactly one of the options.
    #[serde(rename = "SINGLE_SELECT")]
    SingleSelect {
        /// Suggested widget.
        display_type: Option<SelectDisplayType>,
        /// The choices.
        options: Vec<O>,
    },
    /// Yes or no.
    #[serde(rename = "BOOLEAN")]
    Boolean,
    /// A date.
    #[serde(rename = "DATE")]
    Date,
    /// Any number of the options.
    #[serde(rename = "MULTI_SELECT")]
    MultiSelect {
        /// The choices.
        options: Vec<O>,
    },
    /// A text block to show; nothing to answer.
    #[serde(rename = "INFORMATION")]
    Information,
    /// A question the unified schema cannot describe; the provider's data is kept.
    #[serde(rename = "UNKNOWN")]
    Unknown {
        /// The provider's question data, any JSON.
        raw_question: Option<serde_json::Value>,
    },
}

impl<O> QuestionFormatOf<O> {
    /// The discriminator as it appears on the wire (`TEXT`, `SINGLE_SELECT` ...).
    pub const fn type_name(&self) -> &'static str {
        match self {
            QuestionFormatOf::Text { .. } => "TEXT",
            QuestionFormatOf::Number { .. } => "NUMBER",
            QuestionFormatOf::File { .. } => "FILE",
            QuestionFormatOf::SingleSelect { .. } => "SINGLE_SELECT",
            QuestionFormatOf::Boolean => "BOOLEAN",
            QuestionFormatOf::Date => "DATE",
            QuestionFormatOf::MultiSelect { .. } => "MULTI_SELECT",
            QuestionFormatOf::Information => "INFORMATION",
            QuestionFormatOf::Unknown { .. } => "UNKNOWN",
        }
    }

    /// The options of a select question (empty for other formats).
    pub fn options(&self) -> &[O] {
        match self {
            QuestionFormatOf::SingleSelect { options, .. }
            | QuestionFormatOf::MultiSelect { options } => options,
            _ => &[],
        }
    }

    /// Converts the options with `map`, keeping everything else.
    pub fn map_options<P>(self, mut map: impl FnMut(O) -> P) -> QuestionFormatOf<P> {
        match self {
            QuestionFormatOf::Text {
                display_type,
                max_length,
            } => QuestionFormatOf::Text {
                display_type,
                max_length,
            },
            QuestionFormatOf::Number {
                display_type,
                max,
                min,
            } => QuestionFormatOf::Number {
                display_type,
                max,
                min,
            },
            QuestionFormatOf::File {
                accepted_mime_types,
                max_file_size_bytes,
            } => QuestionFormatOf::File {
                accepted_mime_types,
                max_file_size_bytes,
            },
            QuestionFormatOf::SingleSelect {
                display_type,
                options,
            } => QuestionFormatOf::SingleSelect {
                display_type,
                options: options.into_iter().map(&mut map).collect(),
            },
            QuestionFormatOf::Boolean => QuestionFormatOf::Boolean,
            QuestionFormatOf::Date => QuestionFormatOf::Date,
            QuestionFormatOf::MultiSelect { options } => QuestionFormatOf::MultiSelect {
                options: options.into_iter().map(map).collect(),
            },
            QuestionFormatOf::Information => QuestionFormatOf::Information,
            QuestionFormatOf::Unknown { raw_question } => {
                QuestionFormatOf::Unknown { raw_question }
            }
        }
    }
}

/// An option of a select question as a connector reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct QuestionOption {
    /// The provider's id of the option (use the option's text when the provider has no id).
    pub remote_id: String,
    /// The text of the option.
    pub name: String,
}

/// A question format whose options are addressed by provider ids (records).
pub type QuestionFormat = QuestionFormatOf<QuestionOption>;
