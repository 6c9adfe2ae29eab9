//! Discovery of the provider fields records carry in `integration_fields`.
//!
//! A sync run notes every distinct field of the jobs, candidates and applications it is
//! handed ([`SeenFields`]) and records them for the integration once, when the run ends, so
//! `/integrations/{id}/integration-fields` lists them under the ids records serve. Memory is
//! bounded by the number of distinct fields, not by the number of records.

use std::collections::HashMap;

use atsbridge_schema::Model;
use atsbridge_schema::assemble::IdMinter;
use atsbridge_schema::common::IntegrationField;
use atsbridge_schema::enums::IntegrationFieldType;
use atsbridge_schema::record::UnifiedRecord;
use atsbridge_store::{IntegrationId, NewIntegrationField};

/// What is kept of one field: its identifier within the record and its latest label.
#[derive(Debug, Clone)]
struct SeenField {
    identifier: String,
    label: Option<String>,
}

/// The distinct integration fields seen so far, by model, type and key (the store's unique
/// key of a field).
#[derive(Debug, Default)]
pub(crate) struct SeenFields {
    by_kind: HashMap<(Model, IntegrationFieldType), HashMap<String, SeenField>>,
}

impl SeenFields {
    /// Notes the integration fields of `record` (other models carry none).
    pub(crate) fn observe(&mut self, record: &UnifiedRecord) {
        let fields = match record {
            UnifiedRecord::Job(job) => &job.integration_fields,
            UnifiedRecord::Candidate(candidate) => &candidate.integration_fields,
            UnifiedRecord::Application(application) => &application.integration_fields,
            _ => return,
        };
        for field in fields {
            self.observe_field(record.model(), field);
        }
    }

    fn observe_field(&mut self, model: Model, field: &IntegrationField) {
        let known = self.by_kind.entry((model, field.r#type)).or_default();
        match known.get_mut(field.key.as_str()) {
            // Labels follow the provider: the latest one seen wins.
            Some(seen) => {
                if field.label.is_some() && seen.label != field.label {
                    seen.label.clone_from(&field.label);
                }
            }
            None => {
                known.insert(
                    field.key.clone(),
                    SeenField {
                        identifier: field.id.clone(),
                        label: field.label.clone(),
                    },
                );
            }
        }
    }

    /// Whether nothing was seen.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_kind.values().all(HashMap::is_empty)
    }

    /// The fields as the store records them, with the ids records are served with.
    pub(crate) fn into_new_fields(
        self,
        integration_id: &IntegrationId,
    ) -> Vec<NewIntegrationField> {
        let ids = IdMinter::new(integration_id.as_str());
        let mut out: Vec<NewIntegrationField> = self
            .by_kind
            .into_iter()
            .flat_map(|((model, field_type), fields)| {
                let ids = &ids;
                fields
                    .into_iter()
                    .map(move |(key, seen)| NewIntegrationField {
                        id: ids
                            .mint_integration_field(model, &seen.identifier)
                            .into_string(),
                        model: model.kombo_name().to_owned(),
                        key,
                        field_type,
                        label: seen.label,
                    })
            })
            .collect();
        // A stable order keeps the store's writes (and their logs) reproducible.
        out.sort_by(|a, b| (&a.model, &a.key, a.field_type).cmp(&(&b.model, &b.key, b.field_type)));
        out
    }
}

/// The distinct integration fields of `records`, as
/// [`Store::record_integration_fields`](atsbridge_store::Store::record_integration_fields)
/// takes them. The server uses it for records that write actions return.
pub fn discovered_integration_fields(
    integration_id: &IntegrationId,
    records: &[UnifiedRecord],
) -> Vec<NewIntegrationField> {
    let mut seen = SeenFields::default();
    for record in records {
        seen.observe(record);
    }
    seen.into_new_fields(integration_id)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use atsbridge_schema::record::{CandidateRecord, JobRecord, TagRecord};

    fn field(id: &str, key: &str, kind: IntegrationFieldType, label: &str) -> IntegrationField {
        IntegrationField {
            id: id.into(),
            key: key.into(),
            r#type: kind,
            value: Some(serde_json::json!("x")),
            label: Some(label.into()),
        }
    }

    #[test]
    fn fields_are_collected_once_per_model_type_and_key() {
        let tags = field("Tags", "Tags", IntegrationFieldType::Default, "Job tags");
        let custom = field(
            "CustomFields/Tags",
            "Tags",
            IntegrationFieldType::Custom,
            "Tags (old)",
        );
        let renamed = field(
            "CustomFields/Tags",
            "Tags",
            IntegrationFieldType::Custom,
            "Tags",
        );
        let records: Vec<UnifiedRecord> = vec![
            JobRecord {
                remote_id: "1".into(),
                integration_fields: vec![tags.clone(), custom],
                ..Default::default()
            }
            .into(),
            JobRecord {
                remote_id: "2".into(),
                integration_fields: vec![tags.clone(), renamed],
                ..Default::default()
            }
            .into(),
            CandidateRecord {
                remote_id: "1".into(),
                integration_fields: vec![tags],
                ..Default::default()
            }
            .into(),
            TagRecord::default().into(),
        ];
        let integration = IntegrationId::new("fake:1");
        let fields = discovered_integration_fields(&integration, &records);
        let ids = IdMinter::new("fake:1");
        let summary: Vec<(&str, &str, IntegrationFieldType, Option<&str>, String)> = fields
            .iter()
            .map(|f| {
                (
                    f.model.as_str(),
                    f.key.as_str(),
                    f.field_type,
                    f.label.as_deref(),
                    f.id.clone(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "ats_candidates",
                    "Tags",
                    IntegrationFieldType::Default,
                    Some("Job tags"),
                    ids.mint_integration_field(Model::Candidate, "Tags")
                        .into_string()
                ),
                (
                    "ats_jobs",
                    "Tags",
                    IntegrationFieldType::Default,
                    Some("Job tags"),
                    ids.mint_integration_field(Model::Job, "Tags").into_string()
                ),
                (
                    "ats_jobs",
                    "Tags",
                    IntegrationFieldType::Custom,
                    Some("Tags"),
                    ids.mint_integration_field(Model::Job, "CustomFields/Tags")
                        .into_string()
                ),
            ]
        );
    }
}
