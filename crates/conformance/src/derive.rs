//! Fault scenarios derived from one recorded full sync. A connector declares where in its
//! recording the faults belong ([`FaultPoints`]) and gets the standard fault fixtures the
//! checks ask for: token expiry (when its tokens expire), rate limit, 5xx that recovers, 5xx
//! that persists, a run that fails half-way, malformed JSON, unknown enum values and missing
//! optional fields.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::error::KitError;
use crate::fixture::{
    Expectation, ExpectedOutcome, Fault, Fixture, FixtureBody, FixtureResponse, Interaction,
};
use crate::kit::ConformanceKit;

/// Where the faults go in a recorded full sync, by interaction index.
#[derive(Debug, Clone)]
pub struct FaultPoints {
    /// The token exchange to repeat after a 401 (`None`: tokens do not expire, no
    /// token-expiry scenario).
    pub token_exchange: Option<usize>,
    /// The data request that answers 401, 429 or 500 once (the transient faults).
    pub transient: usize,
    /// The request that keeps answering 503 until the connector gives up; pick one before
    /// any model is complete.
    pub persists: usize,
    /// The request that keeps answering 500 half-way through the run; pick one after some
    /// model is complete.
    pub half_way: usize,
    /// The response cut off mid-JSON.
    pub malformed: usize,
    /// How many failing answers "keeps failing" inserts (more than the connector retries;
    /// unused ones are dropped when the scenario is settled).
    pub failing_attempts: usize,
    /// Enum members and a value of the same JSON type the connector cannot know (e.g.
    /// `("Status", 97)` or `("status", "archived_forever")`); empty: no unknown-enum scenario.
    pub unknown_enum_values: Vec<(String, Value)>,
    /// Interactions whose response objects get every optional member nulled (all members
    /// but `required_members`); empty: no missing-fields scenario.
    pub optional_fields_in: Vec<usize>,
    /// Members kept when nulling optional ones (ids and the fields the provider always sends).
    pub required_members: Vec<String>,
    /// The body of the 401 (the provider's own wording keeps the scenario realistic).
    pub unauthorized_body: Option<Value>,
    /// The body of the recovering 500.
    pub server_error_body: Option<Value>,
    /// The `Retry-After` of the 429, in seconds.
    pub retry_after_seconds: u32,
}

impl FaultPoints {
    /// Points with the given transient, persisting and half-way requests and defaults for the
    /// rest: four failing attempts, a 2 s `Retry-After`, no token, enum or optional-field
    /// scenario, the malformed response at the half-way request.
    pub fn new(transient: usize, persists: usize, half_way: usize) -> FaultPoints {
        FaultPoints {
            token_exchange: None,
            transient,
            persists,
            half_way,
            malformed: half_way,
            failing_attempts: 4,
            unknown_enum_values: Vec::new(),
            optional_fields_in: Vec::new(),
            required_members: Vec::new(),
            unauthorized_body: None,
            server_error_body: None,
            retry_after_seconds: 2,
        }
    }
}

/// An interaction with the same request and another response.
pub fn with_response(
    interaction: &Interaction,
    status: u16,
    headers: &[(&str, &str)],
    body: Option<FixtureBody>,
) -> Interaction {
    Interaction {
        request: interaction.request.clone(),
        response: FixtureResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body,
        },
    }
}

/// A fixture like `base` with another name, fault, interactions and expectation.
pub fn derived(
    base: &Fixture,
    scenario: &str,
    docs: &str,
    fault: Fault,
    interactions: Vec<Interaction>,
    expect: Expectation,
) -> Fixture {
    Fixture {
        scenario: scenario.into(),
        docs: docs.into(),
        fault: Some(fault),
        interactions,
        expect,
        ..base.clone()
    }
}

/// Replays `fixture`, keeps only the interactions the connector used and takes the observed
/// outcome as the expectation: for faults whose handling is the connector's choice (how
/// often it retries, what it marks complete).
pub async fn settle(kit: &ConformanceKit, mut fixture: Fixture) -> Result<Fixture, KitError> {
    let run = kit.replay(&fixture).await?;
    let used: BTreeSet<usize> = run.observed.iter().filter_map(|o| o.interaction).collect();
    fixture.interactions = fixture
        .interactions
        .iter()
        .enumerate()
        .filter(|(index, _)| used.contains(index))
        .map(|(_, interaction)| interaction.clone())
        .collect();
    fixture.expect = Expectation {
        outcome: match &run.error {
            None => ExpectedOutcome::Ok,
            Some(error) => ExpectedOutcome::Error {
                code: error.kombo_code().as_str().to_owned(),
            },
        },
        complete_models: run.sink.as_ref().map(|sink| {
            sink.complete
                .iter()
                .map(|m| m.as_str().to_owned())
                .collect()
        }),
    };
    Ok(fixture)
}

/// Replaces the value of every member named in `replacements` (at any depth) whose current
/// value has the same JSON type as the replacement.
pub fn replace_members(value: &mut Value, replacements: &[(String, Value)]) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match replacements.iter().find(|(name, _)| name == key) {
                    Some((_, replacement)) if same_type(item, replacement) => {
                        *item = replacement.clone();
                    }
                    _ => replace_members(item, replacements),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| replace_members(item, replacements)),
        _ => {}
    }
}

fn same_type(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => a.is_i64() == b.is_i64(),
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

/// Nulls every string, array and object member of an object (or of each object in an array)
/// except the `keep` members.
pub fn null_optional(value: &mut Value, keep: &[String]) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if !keep.iter().any(|kept| kept == key)
                    && (item.is_string() || item.is_array() || item.is_object())
                {
                    *item = Value::Null;
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| null_optional(item, keep)),
        _ => {}
    }
}

fn at<'a>(sync: &'a Fixture, index: usize, what: &str) -> Result<&'a Interaction, KitError> {
    sync.interactions
        .get(index)
        .ok_or_else(|| KitError::Derive {
            scenario: sync.scenario.clone(),
            message: format!(
                "the {what} point #{index} is outside the recording ({} interactions)",
                sync.interactions.len()
            ),
        })
}

fn failing(interaction: &Interaction, status: u16, times: usize) -> Vec<Interaction> {
    (0..times)
        .map(|_| with_response(interaction, status, &[], None))
        .collect()
}

/// Every standard fault scenario, derived from the recorded full sync `sync` at `points`.
/// Scenarios whose handling is the connector's choice are replayed once through `kit` and
/// settled (see [`settle`]); check them in review like any recording.
pub async fn derive_fault_fixtures(
    kit: &ConformanceKit,
    sync: &Fixture,
    points: &FaultPoints,
) -> Result<Vec<Fixture>, KitError> {
    let ok = sync.expect.clone();
    let json = |value: &Option<Value>| value.clone().map(FixtureBody::Json);
    let transient = at(sync, points.transient, "transient")?;
    let mut out = Vec::new();

    if let Some(token_at) = points.token_exchange {
        let token = at(sync, token_at, "token exchange")?.clone();
        let mut expiry = sync.interactions.clone();
        expiry.insert(
            points.transient,
            with_response(transient, 401, &[], json(&points.unauthorized_body)),
        );
        expiry.insert(points.transient + 1, token);
        out.push(derived(sync, "sync_token_expiry", "The token expires mid-run: a data request answers 401, the connector authenticates again and continues.", Fault::TokenExpiry, expiry, ok.clone()));
    }

    let retry_after = points.retry_after_seconds.to_string();
    let mut limited = sync.interactions.clone();
    limited.insert(
        points.transient,
        with_response(transient, 429, &[("retry-after", &retry_after)], None),
    );
    out.push(derived(
        sync,
        "sync_rate_limited",
        &format!(
            "One request is rate limited with Retry-After: {retry_after}; the connector waits and retries."
        ),
        Fault::RateLimit,
        limited,
        ok.clone(),
    ));

    let mut recovers = sync.interactions.clone();
    recovers.insert(
        points.transient,
        with_response(transient, 500, &[], json(&points.server_error_body)),
    );
    out.push(derived(
        sync,
        "sync_server_error_recovers",
        "A data request answers 500 once; the retry succeeds.",
        Fault::ServerErrorRecovers,
        recovers,
        ok.clone(),
    ));

    let persists_at = at(sync, points.persists, "persisting")?;
    let mut persists = sync.interactions[..points.persists].to_vec();
    persists.extend(failing(persists_at, 503, points.failing_attempts));
    persists.extend(sync.interactions[points.persists..].iter().cloned());
    out.push(settle(kit, derived(sync, "sync_server_error_persists", "A request answers 503 until retries are exhausted; the run fails and marks nothing it had not finished complete.", Fault::ServerErrorPersists, persists, ok.clone())).await?);

    let half_at = at(sync, points.half_way, "half-way")?;
    let mut half = sync.interactions[..points.half_way].to_vec();
    half.extend(failing(half_at, 500, points.failing_attempts));
    half.extend(sync.interactions[points.half_way..].iter().cloned());
    out.push(settle(kit, derived(sync, "sync_fails_half_way", "A request late in the run keeps failing with 500: the run fails after some models were read; the model being read must not be marked complete.", Fault::FailsHalfWay, half, ok.clone())).await?);

    let malformed_at = at(sync, points.malformed, "malformed")?;
    let mut malformed = sync.interactions.clone();
    malformed[points.malformed].response.body = Some(FixtureBody::Text(cut_off(malformed_at)));
    out.push(
        settle(
            kit,
            derived(
                sync,
                "sync_malformed_json",
                "One response is cut off mid-JSON.",
                Fault::MalformedJson,
                malformed,
                ok.clone(),
            ),
        )
        .await?,
    );

    if !points.unknown_enum_values.is_empty() {
        let mut unknown = sync.interactions.clone();
        for interaction in &mut unknown {
            if let Some(FixtureBody::Json(body)) = &mut interaction.response.body {
                replace_members(body, &points.unknown_enum_values);
            }
        }
        let names: Vec<&str> = points
            .unknown_enum_values
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        out.push(derived(sync, "sync_unknown_enum_values", &format!("Every enum value ({}) is one the connector does not know; the sync still succeeds.", names.join(", ")), Fault::UnknownEnumValues, unknown, ok.clone()));
    }

    if !points.optional_fields_in.is_empty() {
        let mut missing = sync.interactions.clone();
        for index in &points.optional_fields_in {
            at(sync, *index, "optional fields")?;
            if let Some(FixtureBody::Json(body)) = &mut missing[*index].response.body {
                null_optional(body, &points.required_members);
            }
        }
        out.push(derived(
            sync,
            "sync_missing_optional_fields",
            "Records with every optional field null; the sync still succeeds.",
            Fault::MissingOptionalFields,
            missing,
            ok,
        ));
    }
    Ok(out)
}

/// The first half of a response's JSON, so it no longer parses.
fn cut_off(interaction: &Interaction) -> String {
    let text = match &interaction.response.body {
        Some(FixtureBody::Json(value)) => value.to_string(),
        Some(FixtureBody::Text(text)) => text.clone(),
        _ => "{\"id\": 1, \"na".to_owned(),
    };
    let mut end = (text.len() / 2).max(1);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_are_replaced_only_by_values_of_their_type() {
        let mut body =
            json!([{"Status": 1, "Name": "x", "Inner": {"Status": 2}}, {"Status": "open"}]);
        replace_members(&mut body, &[("Status".to_owned(), json!(97))]);
        assert_eq!(
            body,
            json!([{"Status": 97, "Name": "x", "Inner": {"Status": 97}}, {"Status": "open"}])
        );
    }

    #[test]
    fn optional_members_are_nulled_in_objects_and_arrays() {
        let mut body = json!([{"id": 1, "name": "a", "tags": ["t"], "count": 3}]);
        null_optional(&mut body, &["name".to_owned()]);
        assert_eq!(
            body,
            json!([{"id": 1, "name": "a", "tags": null, "count": 3}])
        );
    }
}
