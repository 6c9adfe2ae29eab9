//! Our published schemas agree with Kombo's specification for the seed endpoints: same keys,
//! required keys present, nullability and enum values matching, same JSON types.
//!
//! Kombo's side comes from `spec/kombo-spec-facts.json` (regenerate with
//! `cargo xtask spec-facts --spec ../shared/reference/kombo-openapi.json`). Deliberate
//! differences are listed below with their reason; anything else fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use atsbridge_schema::catalog;
use atsbridge_schema::spec_facts::{
    Direction, FieldFact, SPEC_TARGETS, SchemaFacts, SpecFactsFile, extract,
};

const FACTS: &str = include_str!("../spec/kombo-spec-facts.json");

/// Fields SDK 1.4 requires that the OpenAPI copy does not have (appendix Part C).
const SDK_ONLY_FIELDS: &[&str] = &[
    "stages[].status",
    "stages[].custom_fields",
    "current_stage.status",
    "current_stage.custom_fields",
    "data.results[].status",
    "data.results[].custom_fields",
];

/// Fields where we always send a value although Kombo allows `null`: ids we always have, and
/// arrays we send as `[]` instead of `null`; and the role `scope`, which SDK 1.4 requires to
/// be the non-null constant `JOB`.
const NEVER_NULL_FIELDS: &[&str] = &[
    "scope",
    "remote_id",
    "phone_numbers",
    "email_addresses",
    "social_media",
    "screening_question_answers",
    "choices",
];

/// Closed enums where we emit only the values both SDK 1.4 and the OpenAPI copy accept.
const NARROWED_ENUMS: &[(&str, &[&str])] = &[("job_roles[].scope", &["JOB"])];

fn last_segment(path: &str) -> &str {
    path.rsplit(['.', '>']).next().unwrap_or(path)
}

fn ours(schema_name: &str) -> SchemaFacts {
    let entry = catalog::schema_named(schema_name).expect("schema in catalog");
    extract(&entry.schema, &entry.schema).expect("facts of our schema")
}

fn compare(
    name: &str,
    direction: Direction,
    spec: &SchemaFacts,
    ours: &SchemaFacts,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, expected) in spec {
        let Some(actual) = ours.get(path) else {
            problems.push(format!(
                "{name}: `{path}` is in Kombo's spec but not in our schema"
            ));
            continue;
        };
        check_field(name, direction, path, expected, actual, &mut problems);
    }
    for path in ours.keys() {
        if !spec.contains_key(path) && !SDK_ONLY_FIELDS.iter().any(|suffix| path.ends_with(suffix))
        {
            problems.push(format!(
                "{name}: `{path}` is in our schema but not in Kombo's spec"
            ));
        }
    }
    problems
}

fn check_field(
    name: &str,
    direction: Direction,
    path: &str,
    spec: &FieldFact,
    ours: &FieldFact,
    problems: &mut Vec<String>,
) {
    match direction {
        Direction::Response => {
            if spec.required && !ours.required {
                problems.push(format!(
                    "{name}: `{path}` is required by Kombo but may be left out by us"
                ));
            }
            if ours.nullable && !spec.nullable {
                problems.push(format!(
                    "{name}: `{path}` may be null in ours but not in Kombo's"
                ));
            }
            if spec.nullable && !ours.nullable && !NEVER_NULL_FIELDS.contains(&last_segment(path)) {
                problems.push(format!(
                    "{name}: `{path}` is nullable in Kombo's but never null in ours"
                ));
            }
        }
        Direction::Request => {
            if spec.required != ours.required {
                problems.push(format!(
                    "{name}: `{path}` required: Kombo {} vs ours {}",
                    spec.required, ours.required
                ));
            }
        }
    }
    if !spec.types.is_empty() && !ours.types.is_empty() && spec.types != ours.types {
        problems.push(format!(
            "{name}: `{path}` types: Kombo {:?} vs ours {:?}",
            spec.types, ours.types
        ));
    }
    if spec.open != ours.open {
        problems.push(format!(
            "{name}: `{path}` open enum: Kombo {} vs ours {}",
            spec.open, ours.open
        ));
    }
    let narrowed = NARROWED_ENUMS
        .iter()
        .find(|(suffix, _)| path.ends_with(suffix));
    match narrowed {
        Some((_, allowed)) => {
            let actual: Vec<&str> = ours.values.iter().map(String::as_str).collect();
            if actual != *allowed || !actual.iter().all(|value| spec.values.contains(*value)) {
                problems.push(format!(
                    "{name}: `{path}` values {actual:?}, expected {allowed:?}"
                ));
            }
        }
        None if spec.values != ours.values => {
            problems.push(format!(
                "{name}: `{path}` values: Kombo {:?} vs ours {:?}",
                spec.values, ours.values
            ));
        }
        None => {}
    }
}

#[test]
fn facts_file_covers_every_target() {
    let file: SpecFactsFile = serde_json::from_str(FACTS).unwrap();
    for target in SPEC_TARGETS {
        let facts = file
            .targets
            .get(target.name)
            .unwrap_or_else(|| panic!("no facts for {}", target.name));
        assert!(!facts.is_empty(), "empty facts for {}", target.name);
    }
    // Spot checks that the extraction saw what the seed depends on.
    let jobs = &file.targets["get_jobs"];
    assert!(jobs["data.results[].employment_type"].open);
    assert!(
        jobs.contains_key(
            "data.results[].screening_questions[].format<SINGLE_SELECT>.options[].id"
        )
    );
    let errors = &file.targets["ats_error"];
    assert_eq!(errors["error.code"].values.len(), 24);
}

#[test]
fn published_schemas_agree_with_kombo_spec() {
    let file: SpecFactsFile = serde_json::from_str(FACTS).unwrap();
    let mut problems = Vec::new();
    for target in SPEC_TARGETS {
        let spec = &file.targets[target.name];
        problems.extend(compare(
            target.name,
            target.direction,
            spec,
            &ours(target.schema),
        ));
    }
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn comparison_catches_a_missing_key_and_a_changed_enum() {
    let file: SpecFactsFile = serde_json::from_str(FACTS).unwrap();
    let spec = &file.targets["get_jobs"];
    let mut broken = ours("JobListResponse");
    broken.remove("data.results[].job_code");
    broken
        .get_mut("data.results[].stages[].status")
        .unwrap()
        .values
        .insert("ARCHIVED".into());
    broken
        .get_mut("data.results[].screening_questions[].category")
        .unwrap()
        .values
        .insert("OTHER".into());
    let problems = compare("get_jobs", Direction::Response, spec, &broken);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("data.results[].job_code")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("category")),
        "{problems:?}"
    );
}
