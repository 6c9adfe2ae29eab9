//! Facts about JSON Schemas: which keys exist, which are required or nullable, their JSON types
//! and enum values, flattened to one entry per field path.
//!
//! The same extraction runs on Kombo's OpenAPI document (`cargo xtask spec-facts`, stored in
//! `crates/schema/spec/kombo-spec-facts.json`) and on our generated schemas (the agreement
//! test), so both sides are compared in the same terms.
//!
//! Paths: `data.results[].name`; array items add `[]`; variants of a union of objects that are
//! told apart by a constant (`type`, or `question.type`) add `<VALUE>`, e.g.
//! `format<TEXT>.display_type`. Free-form objects and `remote_fields` (tool-specific shapes) are
//! leaves.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What one field of a schema looks like.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldFact {
    /// The key must be present.
    pub required: bool,
    /// `null` is allowed.
    pub nullable: bool,
    /// JSON types other than `null` (empty: any JSON).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub types: BTreeSet<String>,
    /// Listed values (`enum` / `const`), if any.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub values: BTreeSet<String>,
    /// The listed values are open: any other string is allowed as well.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
}

/// Facts of one schema, keyed by field path.
pub type SchemaFacts = BTreeMap<String, FieldFact>;

/// Direction of a body, which decides how strictly the agreement test compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// A body the server sends.
    Response,
    /// A body the server receives.
    Request,
}

/// A place in Kombo's OpenAPI document matched by one of our published schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecTarget {
    /// Unique name of the comparison.
    pub name: &'static str,
    /// Name of our schema in [`crate::catalog`].
    pub schema: &'static str,
    /// JSON pointer into the OpenAPI document.
    pub pointer: &'static str,
    /// Request or response.
    pub direction: Direction,
}

const fn target(
    name: &'static str,
    schema: &'static str,
    pointer: &'static str,
    direction: Direction,
) -> SpecTarget {
    SpecTarget {
        name,
        schema,
        pointer,
        direction,
    }
}

use Direction::{Request, Response};

/// The seed endpoints compared with Kombo's specification.
pub const SPEC_TARGETS: &[SpecTarget] = &[
    target(
        "get_jobs",
        "JobListResponse",
        "/components/schemas/GetAtsJobsPositiveResponse",
        Response,
    ),
    target(
        "get_candidates",
        "CandidateListResponse",
        "/components/schemas/GetAtsCandidatesPositiveResponse",
        Response,
    ),
    target(
        "get_applications",
        "ApplicationListResponse",
        "/components/schemas/GetAtsApplicationsPositiveResponse",
        Response,
    ),
    target(
        "get_application_stages",
        "ApplicationStageListResponse",
        "/components/schemas/GetAtsApplicationStagesPositiveResponse",
        Response,
    ),
    target(
        "get_tags",
        "TagListResponse",
        "/components/schemas/GetAtsTagsPositiveResponse",
        Response,
    ),
    target(
        "create_application_request",
        "CreateApplicationRequest",
        "/components/schemas/PostAtsJobsJobIdApplicationsRequestBody",
        Request,
    ),
    target(
        "create_application_response",
        "CreateApplicationResponse",
        "/components/schemas/PostAtsJobsJobIdApplicationsPositiveResponse",
        Response,
    ),
    target(
        "create_candidate_request",
        "CreateCandidateRequest",
        "/components/schemas/PostAtsCandidatesRequestBody",
        Request,
    ),
    target(
        "create_candidate_response",
        "CreateCandidateResponse",
        "/components/schemas/PostAtsCandidatesPositiveResponse",
        Response,
    ),
    target(
        "add_tag_request",
        "AddTagRequest",
        "/components/schemas/PostAtsCandidatesCandidateIdTagsRequestBody",
        Request,
    ),
    target(
        "add_tag_response",
        "EmptyActionResponse",
        "/components/schemas/PostAtsCandidatesCandidateIdTagsPositiveResponse",
        Response,
    ),
    target(
        "remove_tag_request",
        "RemoveTagRequest",
        "/components/schemas/DeleteAtsCandidatesCandidateIdTagsRequestBody",
        Request,
    ),
    target(
        "remove_tag_response",
        "EmptyActionResponse",
        "/components/schemas/DeleteAtsCandidatesCandidateIdTagsPositiveResponse",
        Response,
    ),
    target(
        "add_application_attachment_request",
        "AddAttachmentRequest",
        "/components/schemas/PostAtsApplicationsApplicationIdAttachmentsRequestBody",
        Request,
    ),
    target(
        "add_application_attachment_response",
        "EmptyActionResponse",
        "/components/schemas/PostAtsApplicationsApplicationIdAttachmentsPositiveResponse",
        Response,
    ),
    target(
        "add_candidate_attachment_request",
        "AddAttachmentRequest",
        "/components/schemas/PostAtsCandidatesCandidateIdAttachmentsRequestBody",
        Request,
    ),
    target(
        "add_candidate_attachment_response",
        "EmptyActionResponse",
        "/components/schemas/PostAtsCandidatesCandidateIdAttachmentsPositiveResponse",
        Response,
    ),
    target(
        "add_application_result_link_request",
        "AddResultLinkRequest",
        "/components/schemas/PostAtsApplicationsApplicationIdResultLinksRequestBody",
        Request,
    ),
    target(
        "add_application_result_link_response",
        "EmptyActionResponse",
        "/components/schemas/PostAtsApplicationsApplicationIdResultLinksPositiveResponse",
        Response,
    ),
    target(
        "add_candidate_result_link_request",
        "AddResultLinkRequest",
        "/components/schemas/PostAtsCandidatesCandidateIdResultLinksRequestBody",
        Request,
    ),
    target(
        "add_candidate_result_link_response",
        "EmptyActionResponse",
        "/components/schemas/PostAtsCandidatesCandidateIdResultLinksPositiveResponse",
        Response,
    ),
    target(
        "passthrough_request",
        "PassthroughRequest",
        "/components/schemas/PostPassthroughToolApiRequestBody",
        Request,
    ),
    target(
        "passthrough_response",
        "PassthroughResponse",
        "/components/schemas/PostPassthroughToolApiPositiveResponse",
        Response,
    ),
    target(
        "check_api_key_response",
        "CheckApiKeyResponse",
        "/components/schemas/GetCheckApiKeyPositiveResponse",
        Response,
    ),
    target(
        "ats_error",
        "ErrorEnvelope",
        "/components/responses/ErrorResponseATS/content/application~1json/schema",
        Response,
    ),
];

/// Why facts could not be extracted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactsError {
    /// A `$ref` points nowhere.
    #[error("unresolvable $ref `{0}`")]
    BadReference(String),
    /// A JSON pointer points nowhere.
    #[error("nothing at JSON pointer `{0}`")]
    MissingPointer(String),
    /// `$ref`s nest deeper than any sane schema.
    #[error("$ref chain too deep at `{0}`")]
    TooDeep(String),
}

/// Extracts the facts of the schema at `pointer` inside `document` (refs resolve in `document`).
pub fn extract_at(document: &Value, pointer: &str) -> Result<SchemaFacts, FactsError> {
    let schema = document
        .pointer(pointer)
        .ok_or_else(|| FactsError::MissingPointer(pointer.to_owned()))?;
    extract(document, schema)
}

/// Extracts the facts of `schema`; `$ref`s resolve against `document`.
pub fn extract(document: &Value, schema: &Value) -> Result<SchemaFacts, FactsError> {
    let mut facts = SchemaFacts::new();
    let node = Node::flatten(document, schema, 0)?;
    walk_children(document, &node, "", &mut facts, 0)?;
    Ok(facts)
}

/// Keys whose contents are tool-specific and deliberately not compared.
const LEAF_KEYS: &[&str] = &["remote_fields"];

/// A schema flattened through `$ref`, `anyOf`, `oneOf` and `allOf` into its variants.
#[derive(Debug, Default)]
struct Node<'a> {
    nullable: bool,
    variants: Vec<&'a Value>,
}

impl<'a> Node<'a> {
    fn flatten(
        document: &'a Value,
        schema: &'a Value,
        depth: usize,
    ) -> Result<Node<'a>, FactsError> {
        let mut node = Node::default();
        node.collect(document, schema, depth)?;
        Ok(node)
    }

    fn collect(
        &mut self,
        document: &'a Value,
        schema: &'a Value,
        depth: usize,
    ) -> Result<(), FactsError> {
        if depth > 64 {
            return Err(FactsError::TooDeep(
                schema.to_string().chars().take(80).collect(),
            ));
        }
        let Some(object) = schema.as_object() else {
            // `true` (or any non-object) accepts any JSON, including null.
            if schema.as_bool() != Some(false) {
                self.nullable = true;
                self.variants.push(schema);
            }
            return Ok(());
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let target = resolve(document, reference)?;
            self.collect(document, target, depth + 1)?;
        }
        let mut has_union = false;
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(items) = object.get(key).and_then(Value::as_array) {
                has_union = true;
                for item in items {
                    self.collect(document, item, depth + 1)?;
                }
            }
        }
        if object.get("nullable").and_then(Value::as_bool) == Some(true) {
            self.nullable = true;
        }
        let types = type_list(object);
        if types.iter().any(|t| t == "null") {
            self.nullable = true;
        }
        let only_null = !types.is_empty() && types.iter().all(|t| t == "null");
        let has_ref = object.contains_key("$ref");
        let carries_shape = !types.is_empty()
            || object.contains_key("properties")
            || object.contains_key("enum")
            || object.contains_key("const")
            || object.contains_key("items");
        if only_null {
            // A plain `{"type": "null"}` adds nullability only; a null-typed field with nothing
            // else (a known upstream bug for "any" values) is treated as any JSON.
            if !has_union && !has_ref && object.len() > 1 && !object.contains_key("enum") {
                self.variants.push(schema);
            }
            return Ok(());
        }
        if carries_shape || (!has_union && !has_ref) {
            self.variants.push(schema);
        }
        Ok(())
    }

    fn fact(&self, required: bool) -> FieldFact {
        let mut fact = FieldFact {
            required,
            nullable: self.nullable,
            ..FieldFact::default()
        };
        let mut any = false;
        let mut plain_string = false;
        for variant in &self.variants {
            let Some(object) = variant.as_object() else {
                any = true;
                continue;
            };
            let types: Vec<String> = type_list(object)
                .into_iter()
                .filter(|t| t != "null")
                .collect();
            let mut listed = false;
            if let Some(values) = object.get("enum").and_then(Value::as_array) {
                listed = true;
                fact.values.extend(values.iter().filter_map(value_text));
            }
            if let Some(value) = object.get("const").and_then(value_text) {
                listed = true;
                fact.values.insert(value);
            }
            if types.is_empty()
                && !listed
                && !object.contains_key("properties")
                && !object.contains_key("items")
            {
                any = true;
            }
            if !listed && types.iter().any(|t| t == "string") {
                plain_string = true;
            }
            let inferred: Vec<String> = if types.is_empty() && listed {
                vec!["string".to_owned()]
            } else if types.is_empty() && object.contains_key("properties") {
                vec!["object".to_owned()]
            } else {
                types
            };
            fact.types.extend(inferred);
        }
        if any {
            // Any JSON, which includes null.
            fact.types.clear();
            fact.nullable = true;
        }
        fact.open = !fact.values.is_empty() && plain_string;
        fact
    }
}

fn walk_children(
    document: &Value,
    node: &Node<'_>,
    path: &str,
    facts: &mut SchemaFacts,
    depth: usize,
) -> Result<(), FactsError> {
    if depth > 32 {
        return Err(FactsError::TooDeep(path.to_owned()));
    }
    let objects: Vec<&serde_json::Map<String, Value>> = node
        .variants
        .iter()
        .filter_map(|variant| variant.as_object())
        .filter(|object| {
            object
                .get("properties")
                .and_then(Value::as_object)
                .is_some()
        })
        .collect();
    let labelled = objects.len() > 1;
    for (position, object) in objects.iter().enumerate() {
        let prefix = if labelled {
            let label = discriminator(document, object).unwrap_or_else(|| position.to_string());
            format!("{path}<{label}>")
        } else {
            path.to_owned()
        };
        let required: BTreeSet<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|keys| keys.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(properties) = object.get("properties").and_then(Value::as_object) else {
            continue;
        };
        for (key, child_schema) in properties {
            let child_path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            let child = Node::flatten(document, child_schema, 0)?;
            facts.insert(
                child_path.clone(),
                child.fact(required.contains(key.as_str())),
            );
            if !LEAF_KEYS.contains(&key.as_str()) {
                walk_children(document, &child, &child_path, facts, depth + 1)?;
            }
        }
    }
    // Array items (all array variants merge into one `[]` level).
    let mut items = Node::default();
    for variant in &node.variants {
        if let Some(item_schema) = variant.as_object().and_then(|object| object.get("items")) {
            items.collect(document, item_schema, 0)?;
        }
    }
    if !items.variants.is_empty() || items.nullable {
        let item_path = format!("{path}[]");
        facts.insert(item_path.clone(), items.fact(true));
        walk_children(document, &items, &item_path, facts, depth + 1)?;
    }
    Ok(())
}

/// The constant that tells a union variant apart: its `type`, or its `question.type`.
fn discriminator(document: &Value, object: &serde_json::Map<String, Value>) -> Option<String> {
    let properties = object.get("properties")?.as_object()?;
    if let Some(value) = properties
        .get("type")
        .and_then(|schema| single_value(document, schema))
    {
        return Some(value);
    }
    let question = Node::flatten(document, properties.get("question")?, 0).ok()?;
    question.variants.iter().find_map(|variant| {
        let inner = variant.as_object()?.get("properties")?.as_object()?;
        single_value(document, inner.get("type")?)
    })
}

fn single_value(document: &Value, schema: &Value) -> Option<String> {
    let node = Node::flatten(document, schema, 0).ok()?;
    let fact = node.fact(true);
    (fact.values.len() == 1 && !fact.open)
        .then(|| fact.values.into_iter().next())
        .flatten()
}

fn resolve<'a>(document: &'a Value, reference: &str) -> Result<&'a Value, FactsError> {
    reference
        .strip_prefix('#')
        .and_then(|pointer| document.pointer(pointer))
        .ok_or_else(|| FactsError::BadReference(reference.to_owned()))
}

fn type_list(object: &serde_json::Map<String, Value>) -> Vec<String> {
    match object.get("type") {
        Some(Value::String(single)) => vec![single.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// The facts file: facts of every [`SPEC_TARGETS`] entry, extracted from Kombo's document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SpecFactsFile {
    /// Marks the file as generated.
    #[serde(rename = "$comment")]
    pub comment: String,
    /// `info.title` and `info.version` of the source document.
    pub source: String,
    /// Facts per target name.
    pub targets: BTreeMap<String, SchemaFacts>,
}

/// Builds the facts file from Kombo's OpenAPI document.
pub fn build_facts_file(openapi: &Value) -> Result<SpecFactsFile, FactsError> {
    let info = |key: &str| {
        openapi
            .pointer(&format!("/info/{key}"))
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    let mut targets = BTreeMap::new();
    for target in SPEC_TARGETS {
        targets.insert(target.name.to_owned(), extract_at(openapi, target.pointer)?);
    }
    Ok(SpecFactsFile {
        comment: "Generated by `cargo xtask spec-facts --spec <kombo-openapi.json>`; do not edit."
            .to_owned(),
        source: format!("{} {}", info("title"), info("version")),
        targets,
    })
}

/// Renders the facts file with one field per line, so diffs stay readable.
pub fn render_facts_file(file: &SpecFactsFile) -> String {
    let mut out = String::from("{\n");
    out.push_str(&format!(
        "  \"$comment\": {},\n",
        Value::from(file.comment.as_str())
    ));
    out.push_str(&format!(
        "  \"source\": {},\n",
        Value::from(file.source.as_str())
    ));
    out.push_str("  \"targets\": {");
    for (index, (name, facts)) in file.targets.iter().enumerate() {
        out.push_str(if index == 0 { "\n" } else { ",\n" });
        out.push_str(&format!("    {}: {{", Value::from(name.as_str())));
        for (field_index, (path, fact)) in facts.iter().enumerate() {
            out.push_str(if field_index == 0 { "\n" } else { ",\n" });
            let rendered = serde_json::to_string(fact).unwrap_or_else(|_| "{}".to_owned());
            out.push_str(&format!("      {}: {rendered}", Value::from(path.as_str())));
        }
        out.push_str(if facts.is_empty() { "}" } else { "\n    }" });
    }
    out.push_str("\n  }\n}\n");
    out
}
