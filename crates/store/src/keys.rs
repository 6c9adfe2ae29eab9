//! The record key index: relation keys and filterable values of every record, kept beside
//! the document so that relations and filters are index lookups instead of document scans.
//!
//! Both backends keep a `record_keys` table of `(seq, key, value)` rows (plus the record's
//! integration and model, for the lookup index). The rows are derived from the document by
//! [`index_keys`] and written in the same transaction as the document, so they never disagree
//! with it. This module is the one place that says which values are indexed.

use std::collections::BTreeSet;

use atsbridge_schema::Model;
use serde_json::Value;

/// A value of a record that the store indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RecordKey {
    /// `job_remote_id` of an application or a job screening question.
    JobRemoteId,
    /// `candidate_remote_id` of an application.
    CandidateRemoteId,
    /// `current_stage_remote_id` of an application.
    CurrentStageRemoteId,
    /// `question_remote_id` of a job screening question.
    QuestionRemoteId,
    /// `outcome` of an application.
    Outcome,
    /// `status` of a job.
    Status,
    /// `job_code` of a job.
    JobCode,
    /// `post_url` of a job.
    PostUrl,
    /// `employment_type` of a job.
    EmploymentType,
    /// `visibility` of a job.
    Visibility,
    /// `name` of a job, lower-cased (for `name_contains`).
    Name,
    /// Every `email_addresses[].email_address` of a candidate, lower-cased.
    Email,
    /// `first_name` of a candidate, lower-cased.
    FirstName,
    /// `last_name` of a candidate, lower-cased.
    LastName,
}

/// How a key's value is found in the document.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// A string member, kept as it is.
    Exact(&'static str),
    /// A string member, lower-cased.
    Folded(&'static str),
    /// A member of every object of an array, lower-cased.
    FoldedItems(&'static str, &'static str),
}

/// Every indexed key: which model has it and where its value is.
const INDEXED: &[(Model, RecordKey, Source)] = &[
    (
        Model::Application,
        RecordKey::JobRemoteId,
        Source::Exact("job_remote_id"),
    ),
    (
        Model::Application,
        RecordKey::CandidateRemoteId,
        Source::Exact("candidate_remote_id"),
    ),
    (
        Model::Application,
        RecordKey::CurrentStageRemoteId,
        Source::Exact("current_stage_remote_id"),
    ),
    (
        Model::Application,
        RecordKey::Outcome,
        Source::Exact("outcome"),
    ),
    (
        Model::JobScreeningQuestion,
        RecordKey::JobRemoteId,
        Source::Exact("job_remote_id"),
    ),
    (
        Model::JobScreeningQuestion,
        RecordKey::QuestionRemoteId,
        Source::Exact("question_remote_id"),
    ),
    (Model::Job, RecordKey::Status, Source::Exact("status")),
    (Model::Job, RecordKey::JobCode, Source::Exact("job_code")),
    (Model::Job, RecordKey::PostUrl, Source::Exact("post_url")),
    (
        Model::Job,
        RecordKey::EmploymentType,
        Source::Exact("employment_type"),
    ),
    (
        Model::Job,
        RecordKey::Visibility,
        Source::Exact("visibility"),
    ),
    (Model::Job, RecordKey::Name, Source::Folded("name")),
    (
        Model::Candidate,
        RecordKey::Email,
        Source::FoldedItems("email_addresses", "email_address"),
    ),
    (
        Model::Candidate,
        RecordKey::FirstName,
        Source::Folded("first_name"),
    ),
    (
        Model::Candidate,
        RecordKey::LastName,
        Source::Folded("last_name"),
    ),
];

impl RecordKey {
    /// Every key, in a fixed order.
    pub const ALL: [RecordKey; 14] = [
        RecordKey::JobRemoteId,
        RecordKey::CandidateRemoteId,
        RecordKey::CurrentStageRemoteId,
        RecordKey::QuestionRemoteId,
        RecordKey::Outcome,
        RecordKey::Status,
        RecordKey::JobCode,
        RecordKey::PostUrl,
        RecordKey::EmploymentType,
        RecordKey::Visibility,
        RecordKey::Name,
        RecordKey::Email,
        RecordKey::FirstName,
        RecordKey::LastName,
    ];

    /// The name stored in the `key` column.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKey::JobRemoteId => "job_remote_id",
            RecordKey::CandidateRemoteId => "candidate_remote_id",
            RecordKey::CurrentStageRemoteId => "current_stage_remote_id",
            RecordKey::QuestionRemoteId => "question_remote_id",
            RecordKey::Outcome => "outcome",
            RecordKey::Status => "status",
            RecordKey::JobCode => "job_code",
            RecordKey::PostUrl => "post_url",
            RecordKey::EmploymentType => "employment_type",
            RecordKey::Visibility => "visibility",
            RecordKey::Name => "name",
            RecordKey::Email => "email",
            RecordKey::FirstName => "first_name",
            RecordKey::LastName => "last_name",
        }
    }

    /// Whether `model` records carry this key.
    pub fn applies_to(self, model: Model) -> bool {
        INDEXED.iter().any(|(m, k, _)| *m == model && *k == self)
    }

    /// Whether values are compared ignoring case (they are stored lower-cased).
    pub fn is_case_folded(self) -> bool {
        INDEXED
            .iter()
            .any(|(_, k, source)| *k == self && !matches!(source, Source::Exact(_)))
    }

    /// A filter value as it is compared against the stored values.
    pub fn normalize(self, value: &str) -> String {
        if self.is_case_folded() {
            bounded(fold(value))
        } else {
            bounded(value.to_owned())
        }
    }
}

/// Longest indexed value, in characters. Index entries have a size limit (about 2.7 kB on
/// PostgreSQL), and a provider may send a job name or URL of any length; longer values are
/// indexed (and filter values compared) by their first `MAX_KEY_VALUE_CHARS` characters.
/// Two values that differ only after that many characters match each other's filters; the
/// document itself always keeps the whole value.
pub const MAX_KEY_VALUE_CHARS: usize = 512;

/// Case folding for case-insensitive keys (Unicode lower case, the same on both backends).
fn fold(value: &str) -> String {
    value.to_lowercase()
}

/// The value cut to [`MAX_KEY_VALUE_CHARS`] characters.
fn bounded(mut value: String) -> String {
    if let Some((cut, _)) = value.char_indices().nth(MAX_KEY_VALUE_CHARS) {
        value.truncate(cut);
    }
    value
}

/// The index rows of a record document: each `(key, value)` once, in a stable order.
pub fn index_keys(model: Model, document: &Value) -> Vec<(RecordKey, String)> {
    let mut keys = BTreeSet::new();
    for (_, key, source) in INDEXED.iter().filter(|(m, _, _)| *m == model) {
        match *source {
            Source::Exact(member) => {
                if let Some(text) = document.get(member).and_then(Value::as_str) {
                    keys.insert((*key, bounded(text.to_owned())));
                }
            }
            Source::Folded(member) => {
                if let Some(text) = document.get(member).and_then(Value::as_str) {
                    keys.insert((*key, bounded(fold(text))));
                }
            }
            Source::FoldedItems(array, member) => {
                let items = document.get(array).and_then(Value::as_array);
                for item in items.into_iter().flatten() {
                    if let Some(text) = item.get(member).and_then(Value::as_str) {
                        keys.insert((*key, bounded(fold(text))));
                    }
                }
            }
        }
    }
    keys.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn application_keys_are_its_relations_and_outcome() {
        let keys = index_keys(
            Model::Application,
            &json!({"job_remote_id": "j1", "candidate_remote_id": "c1",
                    "current_stage_remote_id": null, "outcome": "PENDING", "name": "x"}),
        );
        assert_eq!(
            keys,
            vec![
                (RecordKey::JobRemoteId, "j1".to_owned()),
                (RecordKey::CandidateRemoteId, "c1".to_owned()),
                (RecordKey::Outcome, "PENDING".to_owned()),
            ]
        );
    }

    #[test]
    fn candidate_emails_and_names_are_case_folded_and_deduplicated() {
        let keys = index_keys(
            Model::Candidate,
            &json!({"first_name": "Ärne", "last_name": null,
                    "email_addresses": [{"email_address": "A@X.org"},
                                        {"email_address": "a@x.ORG"},
                                        {"email_address": 3}, "junk"]}),
        );
        assert_eq!(
            keys,
            vec![
                (RecordKey::Email, "a@x.org".to_owned()),
                (RecordKey::FirstName, "ärne".to_owned()),
            ]
        );
        assert_eq!(RecordKey::Email.normalize("B@Y.Org"), "b@y.org");
        assert_eq!(RecordKey::JobRemoteId.normalize("AbC"), "AbC");
    }

    #[test]
    fn long_values_are_indexed_and_compared_by_their_start() {
        let long = "ß".repeat(MAX_KEY_VALUE_CHARS + 100);
        let keys = index_keys(Model::Job, &json!({"post_url": long, "name": long}));
        for (_, value) in &keys {
            assert_eq!(value.chars().count(), MAX_KEY_VALUE_CHARS);
        }
        let stored = &keys
            .iter()
            .find(|(k, _)| *k == RecordKey::PostUrl)
            .unwrap()
            .1;
        assert_eq!(&RecordKey::PostUrl.normalize(&long), stored);
    }

    #[test]
    fn every_key_belongs_to_a_model() {
        for key in RecordKey::ALL {
            assert!(
                INDEXED.iter().any(|(_, k, _)| *k == key),
                "{key:?} is never indexed"
            );
        }
    }
}
