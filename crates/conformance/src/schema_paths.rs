//! The field names a coverage declaration may use, read from the JSON Schemas of the unified
//! format: a model's fields are its wire object's members and its record's keys; an action's
//! input fields are the dotted paths of its request body plus its path parameters.

use std::collections::BTreeSet;

use atsbridge_connector::{Action, Model};
use atsbridge_schema::{action, wire};
use schemars::Schema;
use serde_json::Value;

use crate::check::{field_name_of_record_key, record_schema};

/// Fields the engine fills on every model, whatever the schema of the record says.
const ENGINE_FIELDS: [&str; 3] = ["id", "changed_at", "remote_deleted_at"];

/// Deepest nesting followed while listing paths (the schemas have no deeper input).
const MAX_DEPTH: usize = 6;

/// Every field name a connector may declare for `model`.
pub fn model_field_names(model: Model) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = ENGINE_FIELDS.iter().map(|n| (*n).to_owned()).collect();
    let record = record_schema(model);
    names.extend(top_level_members(&record).map(|key| field_name_of_record_key(&key)));
    if let Some(wire) = wire_schema(model) {
        names.extend(top_level_members(&wire.to_value()));
    }
    names
}

/// Every input field name a connector may declare for `action`: path parameters and the
/// dotted paths of the request body (array items add no segment: `attachments.name`).
pub fn action_input_names(action: Action) -> BTreeSet<String> {
    let (path_params, body): (&[&str], Schema) = match action {
        Action::CreateCandidate => (&[], schemars::schema_for!(action::CreateCandidateRequest)),
        Action::CreateApplication => (
            &["job_id"],
            schemars::schema_for!(action::CreateApplicationRequest),
        ),
        Action::AddCandidateTag => (
            &["candidate_id"],
            schemars::schema_for!(action::AddTagRequest),
        ),
        Action::RemoveCandidateTag => (
            &["candidate_id"],
            schemars::schema_for!(action::RemoveTagRequest),
        ),
        Action::AddApplicationAttachment => (
            &["application_id"],
            schemars::schema_for!(action::AddAttachmentRequest),
        ),
        Action::AddCandidateAttachment => (
            &["candidate_id"],
            schemars::schema_for!(action::AddAttachmentRequest),
        ),
        Action::AddApplicationResultLink => (
            &["application_id"],
            schemars::schema_for!(action::AddResultLinkRequest),
        ),
        Action::AddCandidateResultLink => (
            &["candidate_id"],
            schemars::schema_for!(action::AddResultLinkRequest),
        ),
    };
    let root = body.to_value();
    let mut names: BTreeSet<String> = path_params.iter().map(|p| (*p).to_owned()).collect();
    collect_paths(&root, &root, "", 0, &mut names);
    names
}

fn wire_schema(model: Model) -> Option<Schema> {
    Some(match model {
        Model::Job => schemars::schema_for!(wire::Job),
        Model::Candidate => schemars::schema_for!(wire::Candidate),
        Model::Application => schemars::schema_for!(wire::Application),
        Model::ApplicationStage => schemars::schema_for!(wire::ApplicationStage),
        Model::Tag => schemars::schema_for!(wire::Tag),
        Model::JobScreeningQuestion => schemars::schema_for!(wire::JobScreeningQuestion),
        Model::ScreeningQuestion => return None,
    })
}

fn top_level_members(schema: &Value) -> impl Iterator<Item = String> + '_ {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|properties| properties.keys().cloned())
}

/// Follows `$ref`, `anyOf`/`oneOf`/`allOf` and array `items` down to object schemas and
/// records each member's dotted path.
fn collect_paths(
    root: &Value,
    schema: &Value,
    prefix: &str,
    depth: usize,
    out: &mut BTreeSet<String>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(target) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| resolve(root, reference))
    {
        collect_paths(root, target, prefix, depth + 1, out);
    }
    for combinator in ["anyOf", "oneOf", "allOf"] {
        for branch in schema
            .get(combinator)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            collect_paths(root, branch, prefix, depth + 1, out);
        }
    }
    if let Some(items) = schema.get("items") {
        collect_paths(root, items, prefix, depth + 1, out);
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, member) in properties {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        out.insert(path.clone());
        collect_paths(root, member, &path, depth + 1, out);
    }
}

/// Resolves a local `#/...` JSON pointer reference.
fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    root.pointer(reference.strip_prefix('#')?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_and_array_paths_are_listed() {
        let names = action_input_names(Action::CreateCandidate);
        for expected in [
            "candidate.first_name",
            "candidate.location.city",
            "attachments.name",
            "screening_question_answers.question_id",
            "application.job_id",
        ] {
            assert!(
                names.contains(expected),
                "{expected} missing from {names:?}"
            );
        }
        assert!(!names.contains("candidate.nickname"));
        assert!(action_input_names(Action::CreateApplication).contains("job_id"));
    }

    #[test]
    fn model_fields_include_wire_members_and_record_keys() {
        let names = model_field_names(Model::Application);
        for expected in ["id", "remote_id", "candidate_id", "job_id", "current_stage"] {
            assert!(
                names.contains(expected),
                "{expected} missing from {names:?}"
            );
        }
        assert!(!names.contains("candidat_id"));
    }
}
