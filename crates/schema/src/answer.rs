//! Screening answers stored on an application, a union keyed by `question.type`.
//!
//! They carry no Kombo ids (choices are option texts or provider values), so records and wire
//! objects share these types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// Defines one variant of the answer union: a single-value tag enum, the question reference,
/// the answer payload and the entry that pairs them.
macro_rules! answer_variant {
    (
        $(#[$meta:meta])*
        $entry:ident, $question:ident, $answer:ident, $tag:ident => $wire:literal {
            $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        crate::enums::closed_enum! {
            #[doc = concat!("The discriminator value `", $wire, "`.")]
            $tag {
                #[doc = concat!("`", $wire, "`.")]
                Value => $wire,
            }
        }

        impl Default for $tag {
            fn default() -> Self {
                $tag::Value
            }
        }

        #[doc = concat!("The question an answer of type `", $wire, "` refers to.")]
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
        pub struct $question {
            /// Provider id of the question.
            pub remote_id: Option<String>,
            /// The question's title.
            pub title: String,
            /// Always the variant's type.
            #[serde(rename = "type")]
            pub r#type: $tag,
        }

        #[doc = concat!("The answer payload of type `", $wire, "`.")]
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
        pub struct $answer {
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
        pub struct $entry {
            /// The answer.
            pub answer: $answer,
            /// The question answered.
            pub question: $question,
        }
    };
}

answer_variant! {
    /// An answer to a TEXT question.
    TextAnswerEntry, TextAnsweredQuestion, TextAnswer, TextAnswerType => "TEXT" {
        /// The text.
        content: Option<String>,
    }
}

answer_variant! {
    /// An answer to a SINGLE_SELECT question.
    SingleSelectAnswerEntry, SingleSelectAnsweredQuestion, SingleSelectAnswer, SingleSelectAnswerType => "SINGLE_SELECT" {
        /// The chosen option (its text or provider value).
        choice: Option<String>,
    }
}

answer_variant! {
    /// An answer to a MULTI_SELECT question.
    MultiSelectAnswerEntry, MultiSelectAnsweredQuestion, MultiSelectAnswer, MultiSelectAnswerType => "MULTI_SELECT" {
        /// The chosen options (texts or provider values).
        #[serde(default, deserialize_with = "crate::serde_util::null_as_default")]
        choices: Vec<String>,
    }
}

answer_variant! {
    /// An answer to a BOOLEAN question.
    BooleanAnswerEntry, BooleanAnsweredQuestion, BooleanAnswer, BooleanAnswerType => "BOOLEAN" {
        /// Whether the box was ticked.
        checked: Option<bool>,
    }
}

answer_variant! {
    /// An answer to a NUMBER question.
    NumberAnswerEntry, NumberAnsweredQuestion, NumberAnswer, NumberAnswerType => "NUMBER" {
        /// The number.
        number: Option<f64>,
    }
}

answer_variant! {
    /// An answer to a DATE question.
    DateAnswerEntry, DateAnsweredQuestion, DateAnswer, DateAnswerType => "DATE" {
        /// The date, as a UTC timestamp.
        date: Option<Timestamp>,
    }
}

answer_variant! {
    /// An answer to a question the unified schema cannot describe.
    UnknownAnswerEntry, UnknownAnsweredQuestion, UnknownAnswer, UnknownAnswerType => "UNKNOWN" {
        /// The provider's answer data, any JSON.
        raw: Option<serde_json::Value>,
    }
}

/// A screening answer stored on an application (Kombo does not return FILE answers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ApplicationScreeningAnswer {
    /// TEXT answer.
    Text(TextAnswerEntry),
    /// SINGLE_SELECT answer.
    SingleSelect(SingleSelectAnswerEntry),
    /// MULTI_SELECT answer.
    MultiSelect(MultiSelectAnswerEntry),
    /// BOOLEAN answer.
    Boolean(BooleanAnswerEntry),
    /// NUMBER answer.
    Number(NumberAnswerEntry),
    /// DATE answer.
    Date(DateAnswerEntry),
    /// UNKNOWN answer.
    Unknown(UnknownAnswerEntry),
}
