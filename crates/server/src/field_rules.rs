//! What an integration's customer configured about provider fields, applied to served objects.
//!
//! Two settings shape the `integration_fields` and `custom_fields` of jobs, candidates and
//! applications: fields whose passthrough is switched off are left out of
//! `integration_fields`, and custom fields mapped to a provider field carry that field's value
//! under their key in `custom_fields`. Both are read once per request ([`FieldRules::load`])
//! and applied to every object of the response.
//!
//! A mapped key replaces a key of the same name that the connector put in `custom_fields`:
//! the mapping is what the customer configured for this integration. A mapped key whose
//! provider field a record does not carry is `null` in that record. The value is taken from
//! the record whether or not the field's passthrough is on.

use std::collections::HashSet;

use atsbridge_schema::Model;
use atsbridge_schema::common::{IntegrationField, JsonObject};
use atsbridge_schema::enums::IntegrationFieldType;
use atsbridge_store::{Integration, StoredCustomField};
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

/// A `custom_fields` key that carries the value of a provider field.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CustomFieldMapping {
    model: Model,
    custom_key: String,
    field_type: IntegrationFieldType,
    field_key: String,
}

/// The field settings of one integration, as one request applies them.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldRules {
    /// Served ids of the fields whose passthrough is off.
    hidden: HashSet<String>,
    mappings: Vec<CustomFieldMapping>,
}

impl FieldRules {
    /// Reads the integration's switched-off fields and custom-field mappings (two queries).
    pub(crate) async fn load(
        state: &AppState,
        integration: &Integration,
    ) -> Result<Self, ApiError> {
        let store = state.store();
        let hidden = store
            .disabled_integration_fields(&integration.id)
            .await?
            .into_iter()
            .map(|field| field.id)
            .collect();
        let mappings = store
            .custom_field_mappings(&integration.id)
            .await?
            .into_iter()
            .filter_map(mapping_of)
            .collect();
        Ok(Self { hidden, mappings })
    }

    /// Fills the mapped keys of `custom_fields` from `integration_fields`, then drops the
    /// switched-off fields from `integration_fields` (whose ids are the served ones).
    pub(crate) fn apply(
        &self,
        model: Model,
        custom_fields: &mut Option<JsonObject>,
        integration_fields: &mut Vec<IntegrationField>,
    ) {
        for mapping in self.mappings.iter().filter(|m| m.model == model) {
            let value = integration_fields
                .iter()
                .find(|field| field.r#type == mapping.field_type && field.key == mapping.field_key)
                .and_then(|field| field.value.clone())
                .unwrap_or(Value::Null);
            custom_fields
                .get_or_insert_with(JsonObject::new)
                .insert(mapping.custom_key.clone(), value);
        }
        if !self.hidden.is_empty() {
            integration_fields.retain(|field| !self.hidden.contains(&field.id));
        }
    }
}

/// The mapping a stored custom field describes; `None` when it is unmapped or names a model
/// the server does not serve.
fn mapping_of(custom: StoredCustomField) -> Option<CustomFieldMapping> {
    let field = custom.integration_field?;
    let model = Model::from_kombo_name(&custom.model)?;
    Some(CustomFieldMapping {
        model,
        custom_key: custom.key,
        field_type: field.field_type,
        field_key: field.key,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn field(id: &str, kind: IntegrationFieldType, key: &str, value: Value) -> IntegrationField {
        IntegrationField {
            id: id.into(),
            key: key.into(),
            r#type: kind,
            value: Some(value),
            label: None,
        }
    }

    fn rules() -> FieldRules {
        FieldRules {
            hidden: HashSet::from(["id-shirt".to_owned()]),
            mappings: vec![
                CustomFieldMapping {
                    model: Model::Candidate,
                    custom_key: "tshirt_size".into(),
                    field_type: IntegrationFieldType::Custom,
                    field_key: "Shirt".into(),
                },
                CustomFieldMapping {
                    model: Model::Candidate,
                    custom_key: "hobby".into(),
                    field_type: IntegrationFieldType::Custom,
                    field_key: "Hobby".into(),
                },
                CustomFieldMapping {
                    model: Model::Job,
                    custom_key: "budget".into(),
                    field_type: IntegrationFieldType::Default,
                    field_key: "Budget".into(),
                },
            ],
        }
    }

    #[test]
    fn mapped_keys_win_hidden_fields_go_and_values_come_from_hidden_fields_too() {
        let mut custom = Some(
            json!({"tshirt_size": "from the connector", "Shirt": "L"})
                .as_object()
                .unwrap()
                .clone(),
        );
        let mut fields = vec![
            field(
                "id-shirt",
                IntegrationFieldType::Custom,
                "Shirt",
                json!("L"),
            ),
            // Same key, other type: not the mapped field.
            field(
                "id-default",
                IntegrationFieldType::Default,
                "Shirt",
                json!("S"),
            ),
        ];
        rules().apply(Model::Candidate, &mut custom, &mut fields);
        assert_eq!(
            Value::Object(custom.unwrap()),
            json!({"tshirt_size": "L", "Shirt": "L", "hobby": null})
        );
        assert_eq!(
            fields.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["id-default"]
        );
    }

    #[test]
    fn objects_without_custom_fields_get_them_only_for_their_own_model() {
        let mut custom = None;
        let mut fields = vec![field(
            "id-budget",
            IntegrationFieldType::Default,
            "Budget",
            json!(100),
        )];
        rules().apply(Model::Application, &mut custom, &mut fields);
        assert_eq!(custom, None);
        assert_eq!(fields.len(), 1);
        rules().apply(Model::Job, &mut custom, &mut fields);
        assert_eq!(Value::Object(custom.unwrap()), json!({"budget": 100}));
    }
}
