//! Action inputs as fixtures spell them (plain JSON) and action outputs as snapshots show
//! them. The SDK's input types hold bytes and resolved records and are not serde types, so
//! this module converts in both directions.

use atsbridge_connector::{
    Action, ActionOutcome, ApplicationAttachmentInput, ApplicationResultLinkInput,
    AttachmentPayload, CandidateAttachmentInput, CandidateResultLinkInput, CandidateTagInput,
    Connector, ConnectorError, Context, CreateApplicationInput, CreateCandidateInput,
    CreatedApplication, CreatedCandidate, ResolvedScreeningAnswer, ScreeningAnswerValue,
};
use atsbridge_schema::Timestamp;
use atsbridge_schema::action::{
    AddResultLinkRequest, CreateApplicationRequest, CreateCandidateRequest, TypedAnswer,
};
use atsbridge_schema::record::ScreeningQuestionRecord;
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};

/// The fixture's action input could not be turned into the SDK's input type.
#[derive(Debug, thiserror::Error)]
#[error("action input for `{action}` is invalid: {message}")]
pub struct ActionInputError {
    /// The action name as written in the fixture.
    pub action: String,
    /// What is wrong.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureAttachment {
    name: String,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(rename = "type")]
    kind: atsbridge_schema::enums::AttachmentType,
    /// Base64 content.
    data: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum FixtureAnswer {
    Text(String),
    Number(f64),
    Boolean(bool),
    Date(Timestamp),
    SingleSelect(String),
    MultiSelect(Vec<String>),
    File(FixtureAttachment),
    Raw(Value),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureScreeningAnswer {
    question: ScreeningQuestionRecord,
    answer: FixtureAnswer,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureCreateInput<B> {
    job_remote_id: String,
    #[serde(default)]
    stage_remote_id: Option<String>,
    #[serde(default)]
    screening_answers: Vec<FixtureScreeningAnswer>,
    #[serde(default)]
    attachments: Vec<FixtureAttachment>,
    #[serde(default)]
    source_name: Option<String>,
    body: B,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureTagInput {
    candidate_remote_id: String,
    tag_name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureApplicationAttachment {
    application_remote_id: String,
    #[serde(default)]
    candidate_remote_id: Option<String>,
    attachment: FixtureAttachment,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureCandidateAttachment {
    candidate_remote_id: String,
    attachment: FixtureAttachment,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureApplicationResultLink {
    application_remote_id: String,
    #[serde(default)]
    candidate_remote_id: Option<String>,
    link: AddResultLinkRequest,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureCandidateResultLink {
    candidate_remote_id: String,
    link: AddResultLinkRequest,
}

fn payload(attachment: FixtureAttachment) -> Result<AttachmentPayload, String> {
    let data = base64::engine::general_purpose::STANDARD
        .decode(attachment.data.as_bytes())
        .map_err(|error| format!("attachment `{}` is not base64: {error}", attachment.name))?;
    Ok(AttachmentPayload {
        name: attachment.name,
        content_type: attachment.content_type,
        kind: attachment.kind,
        data: data.into(),
    })
}

fn resolved(answer: FixtureScreeningAnswer) -> Result<ResolvedScreeningAnswer, String> {
    let value = match answer.answer {
        FixtureAnswer::Text(text) => ScreeningAnswerValue::Typed(TypedAnswer::Text(text)),
        FixtureAnswer::Number(number) => ScreeningAnswerValue::Typed(TypedAnswer::Number(number)),
        FixtureAnswer::Boolean(flag) => ScreeningAnswerValue::Typed(TypedAnswer::Boolean(flag)),
        FixtureAnswer::Date(date) => ScreeningAnswerValue::Typed(TypedAnswer::Date(date)),
        FixtureAnswer::SingleSelect(option) => {
            ScreeningAnswerValue::Typed(TypedAnswer::SingleSelect(option))
        }
        FixtureAnswer::MultiSelect(options) => {
            ScreeningAnswerValue::Typed(TypedAnswer::MultiSelect(options))
        }
        FixtureAnswer::File(file) => ScreeningAnswerValue::File(payload(file)?),
        FixtureAnswer::Raw(raw) => ScreeningAnswerValue::Raw(raw),
    };
    Ok(ResolvedScreeningAnswer {
        question: answer.question,
        answer: value,
    })
}

struct CreateParts {
    job_remote_id: String,
    stage_remote_id: Option<String>,
    screening_answers: Vec<ResolvedScreeningAnswer>,
    attachments: Vec<AttachmentPayload>,
    source_name: Option<String>,
}

fn create_parts<B>(input: FixtureCreateInput<B>) -> Result<(CreateParts, B), String> {
    let screening_answers = input
        .screening_answers
        .into_iter()
        .map(resolved)
        .collect::<Result<_, _>>()?;
    let attachments = input
        .attachments
        .into_iter()
        .map(payload)
        .collect::<Result<_, _>>()?;
    Ok((
        CreateParts {
            job_remote_id: input.job_remote_id,
            stage_remote_id: input.stage_remote_id,
            screening_answers,
            attachments,
            source_name: input.source_name,
        },
        input.body,
    ))
}

/// Parses the action name of a fixture (`add_candidate_tag`, ...).
pub fn parse_action(name: &str) -> Option<Action> {
    serde_json::from_value(Value::String(name.to_owned())).ok()
}

/// Runs `action` on `connector` with the fixture input `input`. The outer `Err` means the
/// fixture's input is unusable; the inner result is the connector's answer, its output as JSON.
pub async fn run_action(
    connector: &dyn Connector,
    ctx: &Context,
    action: Action,
    input: &Value,
) -> Result<Result<Value, ConnectorError>, ActionInputError> {
    let name = serde_json::to_value(action)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default();
    let bad = |message: String| ActionInputError {
        action: name.clone(),
        message,
    };
    fn parse<T: for<'de> Deserialize<'de>>(input: &Value) -> Result<T, String> {
        serde_json::from_value(input.clone()).map_err(|error| error.to_string())
    }
    let outcome = match action {
        Action::CreateCandidate => {
            let (parts, body) = create_parts(
                parse::<FixtureCreateInput<CreateCandidateRequest>>(input).map_err(bad)?,
            )
            .map_err(bad)?;
            connector
                .create_candidate(
                    ctx,
                    CreateCandidateInput {
                        job_remote_id: parts.job_remote_id,
                        stage_remote_id: parts.stage_remote_id,
                        screening_answers: parts.screening_answers,
                        attachments: parts.attachments,
                        source_name: parts.source_name,
                        body,
                    },
                )
                .await
                .map(|created| created_candidate_json(&created))
        }
        Action::CreateApplication => {
            let (parts, body) = create_parts(
                parse::<FixtureCreateInput<CreateApplicationRequest>>(input).map_err(bad)?,
            )
            .map_err(bad)?;
            connector
                .create_application(
                    ctx,
                    CreateApplicationInput {
                        job_remote_id: parts.job_remote_id,
                        stage_remote_id: parts.stage_remote_id,
                        screening_answers: parts.screening_answers,
                        attachments: parts.attachments,
                        source_name: parts.source_name,
                        body,
                    },
                )
                .await
                .map(|created| created_application_json(&created))
        }
        Action::AddCandidateTag | Action::RemoveCandidateTag => {
            let tag: FixtureTagInput = parse(input).map_err(bad)?;
            let tag = CandidateTagInput {
                candidate_remote_id: tag.candidate_remote_id,
                tag_name: tag.tag_name,
            };
            let result = if action == Action::AddCandidateTag {
                connector.add_candidate_tag(ctx, tag).await
            } else {
                connector.remove_candidate_tag(ctx, tag).await
            };
            result.map(|outcome| outcome_json(&outcome))
        }
        Action::AddApplicationAttachment => {
            let input: FixtureApplicationAttachment = parse(input).map_err(bad)?;
            let attachment = payload(input.attachment).map_err(bad)?;
            connector
                .add_application_attachment(
                    ctx,
                    ApplicationAttachmentInput {
                        application_remote_id: input.application_remote_id,
                        candidate_remote_id: input.candidate_remote_id,
                        attachment,
                    },
                )
                .await
                .map(|outcome| outcome_json(&outcome))
        }
        Action::AddCandidateAttachment => {
            let input: FixtureCandidateAttachment = parse(input).map_err(bad)?;
            let attachment = payload(input.attachment).map_err(bad)?;
            connector
                .add_candidate_attachment(
                    ctx,
                    CandidateAttachmentInput {
                        candidate_remote_id: input.candidate_remote_id,
                        attachment,
                    },
                )
                .await
                .map(|outcome| outcome_json(&outcome))
        }
        Action::AddApplicationResultLink => {
            let input: FixtureApplicationResultLink = parse(input).map_err(bad)?;
            connector
                .add_application_result_link(
                    ctx,
                    ApplicationResultLinkInput {
                        application_remote_id: input.application_remote_id,
                        candidate_remote_id: input.candidate_remote_id,
                        link: input.link,
                    },
                )
                .await
                .map(|outcome| outcome_json(&outcome))
        }
        Action::AddCandidateResultLink => {
            let input: FixtureCandidateResultLink = parse(input).map_err(bad)?;
            connector
                .add_candidate_result_link(
                    ctx,
                    CandidateResultLinkInput {
                        candidate_remote_id: input.candidate_remote_id,
                        link: input.link,
                    },
                )
                .await
                .map(|outcome| outcome_json(&outcome))
        }
    };
    Ok(outcome)
}

/// A small valid input for `action`, used to call undeclared actions (which must be refused
/// before any request is made).
pub fn sample_input(action: Action) -> Value {
    let attachment = json!({"name": "cv.pdf", "content_type": "application/pdf", "type": "CV", "data": "JVBERi0xLjQK"});
    let link = json!({"label": "Assessment", "url": "https://results.example.com/r/1"});
    match action {
        Action::CreateCandidate => json!({
            "job_remote_id": "1",
            "body": {"candidate": {"first_name": "Erika", "last_name": "Muster", "email_address": "erika.muster@example.com"}, "application": {"job_id": "remote:1"}}
        }),
        Action::CreateApplication => json!({
            "job_remote_id": "1",
            "body": {"candidate": {"first_name": "Erika", "last_name": "Muster", "email_address": "erika.muster@example.com"}}
        }),
        Action::AddCandidateTag | Action::RemoveCandidateTag => {
            json!({"candidate_remote_id": "1", "tag_name": "Talent pool"})
        }
        Action::AddApplicationAttachment => {
            json!({"application_remote_id": "1", "attachment": attachment})
        }
        Action::AddCandidateAttachment => {
            json!({"candidate_remote_id": "1", "attachment": attachment})
        }
        Action::AddApplicationResultLink => json!({"application_remote_id": "1", "link": link}),
        Action::AddCandidateResultLink => json!({"candidate_remote_id": "1", "link": link}),
    }
}

fn created_candidate_json(created: &CreatedCandidate) -> Value {
    json!({
        "candidate": created.candidate,
        "applications": created.applications,
        "related": created.related,
        "warnings": created.warnings,
    })
}

fn created_application_json(created: &CreatedApplication) -> Value {
    json!({
        "candidate": created.candidate,
        "application": created.application,
        "related": created.related,
        "warnings": created.warnings,
    })
}

fn outcome_json(outcome: &ActionOutcome) -> Value {
    json!({ "records": outcome.records, "warnings": outcome.warnings })
}
