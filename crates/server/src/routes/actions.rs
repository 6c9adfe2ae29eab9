//! The eight write actions.
//!
//! Each action: checks the connector declares it (`INTEGRATION.ACTION_NOT_AVAILABLE`), resolves
//! Kombo ids to remote ids through the store (`remote:` ids for jobs are taken as they are),
//! resolves screening questions, downloads or decodes attachments, calls the guarded connector,
//! stores the records it returns (and tracks created applications), and answers with the
//! assembled objects and the connector's warnings.

use atsbridge_connector::{
    Action, ApplicationAttachmentInput, ApplicationResultLinkInput, AttachmentPayload,
    CandidateAttachmentInput, CandidateResultLinkInput, CandidateTagInput, CreateApplicationInput,
    CreateCandidateInput, ResolvedScreeningAnswer, ScreeningAnswerValue,
};
use atsbridge_schema::action::{
    AddAttachmentRequest, AddResultLinkRequest, AddTagRequest, AttachmentInput, CandidateSource,
    CreateApplicationRequest, CreateCandidateRequest, EmptyObject, FileContent, FileInput,
    RemoveTagRequest, ScreeningAnswer, TypedAnswer,
};
use atsbridge_schema::assemble::IdMinter;
use atsbridge_schema::enums::AttachmentType;
use atsbridge_schema::envelope::{ActionEnvelope, ErrorCode, Warning};
use atsbridge_schema::record::{
    ApplicationRecord, CandidateRecord, JobScreeningQuestionRecord, ScreeningQuestionRecord,
    UnifiedRecord,
};
use atsbridge_schema::{KomboId, Model, wire};
use atsbridge_store::{Integration, RecordKey, RelationQuery, StoredRecord};
use axum::Json;
use axum::extract::State;
use base64::Engine as _;
use bytes::Bytes;

use crate::auth::IntegrationScope;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::nested::{self, decode};
use crate::state::AppState;
use crate::writeback::{load_one, store_records, track};

/// Prefix that marks a provider id where a Kombo id is expected.
const REMOTE_PREFIX: &str = "remote:";

type ActionResult<T> = Result<Json<ActionEnvelope<T>>, ApiError>;

fn ensure_action(
    state: &AppState,
    integration: &Integration,
    action: Action,
) -> Result<(), ApiError> {
    if state.coverage(integration)?.supports_action(action) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::IntegrationActionNotAvailable,
            format!(
                "the action \"{}\" is not available for the `{}` connector",
                action.title(),
                integration.tool
            ),
        ))
    }
}

fn warnings(messages: Vec<String>) -> Vec<Warning> {
    messages.into_iter().map(Warning::new).collect()
}

/// Loads the record of `model` with Kombo id `id`; unknown ids are a 404 input error.
async fn resolve(
    state: &AppState,
    integration: &Integration,
    model: Model,
    id: &str,
) -> Result<StoredRecord, ApiError> {
    let missing = || {
        ApiError::not_found(format!(
            "no {} with id `{id}` in this integration",
            model.as_str().replace('_', " ")
        ))
    };
    let kombo_id = KomboId::parse(id.trim()).map_err(|_| missing())?;
    state
        .store()
        .get_by_ids(&integration.id, model, &[kombo_id])
        .await?
        .into_iter()
        .next()
        .ok_or_else(missing)
}

/// A job reference: a Kombo id, or `remote:<id>` naming the provider's id directly.
async fn resolve_job(
    state: &AppState,
    integration: &Integration,
    job_id: &str,
) -> Result<String, ApiError> {
    match job_id.strip_prefix(REMOTE_PREFIX) {
        Some(remote) if !remote.trim().is_empty() => Ok(remote.trim().to_owned()),
        Some(_) => Err(ApiError::input_invalid(
            "`remote:` must be followed by the job's id in the ATS",
        )),
        None => Ok(resolve(state, integration, Model::Job, job_id)
            .await?
            .remote_id),
    }
}

async fn resolve_stage(
    state: &AppState,
    integration: &Integration,
    stage_id: Option<&str>,
) -> Result<Option<String>, ApiError> {
    match stage_id.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(id) => Ok(Some(
            resolve(state, integration, Model::ApplicationStage, id)
                .await?
                .remote_id,
        )),
    }
}

/// Reads a file given as base64 `data` or as `data_url`.
async fn load_file(
    state: &AppState,
    name: &str,
    content: FileContent<'_>,
    kind: AttachmentType,
) -> Result<AttachmentPayload, ApiError> {
    match content {
        FileContent::Inline { data, content_type } => {
            let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact.as_bytes())
                .or_else(|_| {
                    base64::engine::general_purpose::STANDARD_NO_PAD
                        .decode(compact.trim_end_matches('='))
                })
                .map_err(|_| {
                    ApiError::input_invalid(format!("`data` of file `{name}` is not valid base64"))
                })?;
            Ok(AttachmentPayload {
                name: name.to_owned(),
                content_type: Some(content_type.to_owned()),
                kind,
                data: Bytes::from(bytes),
            })
        }
        FileContent::Url { url, content_type } => {
            let file = state
                .fetcher()
                .fetch(url)
                .await
                .map_err(|e| ApiError::input_invalid(format!("file `{name}`: {e}")))?;
            Ok(AttachmentPayload {
                name: name.to_owned(),
                content_type: content_type.map(str::to_owned).or(file.content_type),
                kind,
                data: file.bytes,
            })
        }
    }
}

async fn load_attachment(
    state: &AppState,
    input: &AttachmentInput,
) -> Result<AttachmentPayload, ApiError> {
    let content = input
        .content()
        .map_err(|e| ApiError::input_invalid(e.to_string()))?;
    load_file(state, &input.name, content, input.r#type).await
}

async fn load_attachments(
    state: &AppState,
    inputs: &[AttachmentInput],
) -> Result<Vec<AttachmentPayload>, ApiError> {
    let mut out = Vec::with_capacity(inputs.len());
    for input in inputs {
        out.push(load_attachment(state, input).await?);
    }
    Ok(out)
}

async fn load_file_answer(
    state: &AppState,
    file: &FileInput,
) -> Result<AttachmentPayload, ApiError> {
    let content = file
        .content()
        .map_err(|e| ApiError::input_invalid(e.to_string()))?;
    load_file(state, &file.name, content, AttachmentType::Other).await
}

/// Maps an option given by Kombo id (or, leniently, by remote id or name) to its remote id.
fn option_remote_id(
    ids: &IdMinter,
    question: &ScreeningQuestionRecord,
    given: &str,
) -> Option<String> {
    let format = question.format.as_ref()?;
    format
        .options()
        .iter()
        .find(|o| ids.mint_option(&question.remote_id, &o.remote_id).as_str() == given)
        .or_else(|| {
            format
                .options()
                .iter()
                .find(|o| o.remote_id == given || o.name == given)
        })
        .map(|o| o.remote_id.clone())
}

/// Resolves screening answers against the job's questions. Unknown questions and questions
/// that cannot be answered become warnings; answers of the wrong shape are input errors.
async fn resolve_answers(
    state: &AppState,
    integration: &Integration,
    job_remote_id: &str,
    answers: &[ScreeningAnswer],
    warnings: &mut Vec<String>,
) -> Result<Vec<ResolvedScreeningAnswer>, ApiError> {
    if answers.is_empty() {
        return Ok(Vec::new());
    }
    let store = state.store();
    let links = store
        .find_related(&RelationQuery::new(
            integration.id.clone(),
            Model::JobScreeningQuestion,
            RecordKey::JobRemoteId,
            vec![job_remote_id.to_owned()],
        ))
        .await?;
    let on_job: Vec<String> = links
        .iter()
        .filter_map(|l| decode::<JobScreeningQuestionRecord>(l).ok())
        .map(|l| l.record.question_remote_id)
        .collect();
    let kombo_ids: Vec<KomboId> = answers
        .iter()
        .filter_map(|a| KomboId::parse(a.question_id.trim()).ok())
        .collect();
    let questions = if kombo_ids.is_empty() {
        Vec::new()
    } else {
        store
            .get_by_ids(&integration.id, Model::ScreeningQuestion, &kombo_ids)
            .await?
    };
    let ids = IdMinter::new(integration.id.as_str());
    let mut resolved = Vec::new();
    for answer in answers {
        let Some(stored) = questions
            .iter()
            .find(|q| q.id.as_str() == answer.question_id.trim())
        else {
            warnings.push(format!(
                "screening question `{}` was not found; its answer was not submitted",
                answer.question_id
            ));
            continue;
        };
        let question = decode::<ScreeningQuestionRecord>(stored)?.record;
        if !on_job.contains(&question.remote_id) {
            warnings.push(format!(
                "screening question `{}` does not belong to this job; its answer was not submitted",
                answer.question_id
            ));
            continue;
        }
        let value = match &question.format {
            None => ScreeningAnswerValue::Raw(answer.answer.clone()),
            Some(format) => match answer.interpret(format) {
                Err(atsbridge_schema::action::AnswerError::NotAnswerable { .. }) => {
                    warnings.push(format!(
                        "screening question `{}` ({}) cannot be answered; its answer was not submitted",
                        answer.question_id,
                        format.type_name()
                    ));
                    continue;
                }
                Err(error) => return Err(ApiError::input_invalid(error.to_string())),
                Ok(TypedAnswer::File(file)) => {
                    ScreeningAnswerValue::File(load_file_answer(state, &file).await?)
                }
                Ok(TypedAnswer::SingleSelect(given)) => {
                    let remote = option_remote_id(&ids, &question, &given).ok_or_else(|| {
                        ApiError::input_invalid(format!(
                            "`{given}` is not an option of screening question `{}`",
                            answer.question_id
                        ))
                    })?;
                    ScreeningAnswerValue::Typed(TypedAnswer::SingleSelect(remote))
                }
                Ok(TypedAnswer::MultiSelect(given)) => {
                    let mut remote = Vec::with_capacity(given.len());
                    for option in given {
                        remote.push(option_remote_id(&ids, &question, &option).ok_or_else(
                            || {
                                ApiError::input_invalid(format!(
                                    "`{option}` is not an option of screening question `{}`",
                                    answer.question_id
                                ))
                            },
                        )?);
                    }
                    ScreeningAnswerValue::Typed(TypedAnswer::MultiSelect(remote))
                }
                Ok(typed) => ScreeningAnswerValue::Typed(typed),
            },
        };
        resolved.push(ResolvedScreeningAnswer {
            question,
            answer: value,
        });
    }
    Ok(resolved)
}

/// Source writing: the request's source name, else the integration's default.
fn source_name(integration: &Integration, source: Option<&CandidateSource>) -> Option<String> {
    source
        .and_then(|s| s.name.clone())
        .filter(|name| !name.trim().is_empty())
        .or_else(|| integration.settings.default_source_name.clone())
}

/// The parts of a create-application or create-candidate request that need the store or the
/// network before the connector runs: ids resolved to remote ids, answers matched to the job's
/// questions, attachments decoded or downloaded, and the source to write.
struct ResolvedCreate {
    job_remote_id: String,
    stage_remote_id: Option<String>,
    screening_answers: Vec<ResolvedScreeningAnswer>,
    attachments: Vec<AttachmentPayload>,
    source_name: Option<String>,
}

/// Borrowed view of the request fields [`resolve_create`] needs.
struct CreateParts<'a> {
    job_id: &'a str,
    stage_id: Option<&'a str>,
    answers: &'a [ScreeningAnswer],
    attachments: &'a [AttachmentInput],
    source: Option<&'a CandidateSource>,
}

async fn resolve_create(
    state: &AppState,
    integration: &Integration,
    parts: CreateParts<'_>,
    notes: &mut Vec<String>,
) -> Result<ResolvedCreate, ApiError> {
    let job_remote_id = resolve_job(state, integration, parts.job_id).await?;
    let stage_remote_id = resolve_stage(state, integration, parts.stage_id).await?;
    let screening_answers =
        resolve_answers(state, integration, &job_remote_id, parts.answers, notes).await?;
    let attachments = load_attachments(state, parts.attachments).await?;
    Ok(ResolvedCreate {
        job_remote_id,
        stage_remote_id,
        screening_answers,
        attachments,
        source_name: source_name(integration, parts.source),
    })
}

/// What a create action returned, to be stored before the response is assembled.
struct CreatedRecords<'a> {
    candidate: CandidateRecord,
    applications: Vec<ApplicationRecord>,
    related: Vec<UnifiedRecord>,
    /// The job the request named, for applications the connector returned without one.
    requested_job_remote_id: &'a str,
}

/// Stores the created candidate, applications and related records in one batch and adds
/// every created application to the tracked set, so the next read shows them even with "sync
/// only created applications" on.
async fn store_created(
    state: &AppState,
    integration: &Integration,
    created: CreatedRecords<'_>,
) -> Result<(), ApiError> {
    let candidate_remote_id = created.candidate.remote_id.clone();
    let mut records = created.related;
    records.push(created.candidate.into());
    records.extend(
        created
            .applications
            .iter()
            .cloned()
            .map(UnifiedRecord::from),
    );
    store_records(state, integration, &records).await?;
    for application in &created.applications {
        let candidate = application
            .candidate_remote_id
            .as_deref()
            .unwrap_or(&candidate_remote_id);
        let job = application
            .job_remote_id
            .as_deref()
            .unwrap_or(created.requested_job_remote_id);
        track(
            state,
            integration,
            &application.remote_id,
            Some(candidate),
            Some(job),
        )
        .await?;
    }
    Ok(())
}

/// `POST /v1/ats/jobs/{job_id}/applications`.
pub async fn create_application(
    State(state): State<AppState>,
    scope: IntegrationScope,
    ApiPath(job_id): ApiPath<String>,
    ApiJson(body): ApiJson<CreateApplicationRequest>,
) -> ActionResult<wire::CreatedApplication> {
    let integration = &scope.integration;
    ensure_action(&state, integration, Action::CreateApplication)?;
    check_candidate_emails(&body.candidate)?;
    let mut notes = Vec::new();
    let resolved = resolve_create(
        &state,
        integration,
        CreateParts {
            job_id: &job_id,
            stage_id: body.stage_id.as_deref(),
            answers: &body.screening_question_answers,
            attachments: &body.attachments,
            source: body.source.as_ref(),
        },
        &mut notes,
    )
    .await?;
    let job_remote_id = resolved.job_remote_id.clone();
    let input = CreateApplicationInput {
        job_remote_id: resolved.job_remote_id,
        stage_remote_id: resolved.stage_remote_id,
        screening_answers: resolved.screening_answers,
        attachments: resolved.attachments,
        source_name: resolved.source_name,
        body,
    };
    let connector = state.connector(integration).await?;
    let created = connector
        .create_application(&state.connector_context(integration), input)
        .await?;
    notes.extend(created.warnings);

    let application_remote_id = created.application.remote_id.clone();
    store_created(
        &state,
        integration,
        CreatedRecords {
            candidate: created.candidate,
            applications: vec![created.application],
            related: created.related,
            requested_job_remote_id: &job_remote_id,
        },
    )
    .await?;
    let stored = load_one(
        &state,
        integration,
        Model::Application,
        &application_remote_id,
    )
    .await?;
    let data = nested::created_application(&state, integration, &stored).await?;
    Ok(Json(ActionEnvelope::new(data, warnings(notes))))
}

/// `POST /v1/ats/candidates`.
pub async fn create_candidate(
    State(state): State<AppState>,
    scope: IntegrationScope,
    ApiJson(body): ApiJson<CreateCandidateRequest>,
) -> ActionResult<wire::Candidate> {
    let integration = &scope.integration;
    ensure_action(&state, integration, Action::CreateCandidate)?;
    check_candidate_emails(&body.candidate)?;
    let mut notes = Vec::new();
    let resolved = resolve_create(
        &state,
        integration,
        CreateParts {
            job_id: &body.application.job_id,
            stage_id: body.application.stage_id.as_deref(),
            answers: &body.screening_question_answers,
            attachments: &body.attachments,
            source: body.source.as_ref(),
        },
        &mut notes,
    )
    .await?;
    let job_remote_id = resolved.job_remote_id.clone();
    let input = CreateCandidateInput {
        job_remote_id: resolved.job_remote_id,
        stage_remote_id: resolved.stage_remote_id,
        screening_answers: resolved.screening_answers,
        attachments: resolved.attachments,
        source_name: resolved.source_name,
        body,
    };
    let connector = state.connector(integration).await?;
    let created = connector
        .create_candidate(&state.connector_context(integration), input)
        .await?;
    notes.extend(created.warnings);

    let candidate_remote_id = created.candidate.remote_id.clone();
    store_created(
        &state,
        integration,
        CreatedRecords {
            candidate: created.candidate,
            applications: created.applications,
            related: created.related,
            requested_job_remote_id: &job_remote_id,
        },
    )
    .await?;
    let stored = load_one(&state, integration, Model::Candidate, &candidate_remote_id).await?;
    let tracked_only = integration.settings.sync_only_created_applications;
    let data = nested::candidates_page(
        &state,
        integration,
        std::slice::from_ref(&stored),
        tracked_only,
    )
    .await?
    .into_iter()
    .next()
    .ok_or_else(|| ApiError::internal("assembling the created candidate", &candidate_remote_id))?;
    Ok(Json(ActionEnvelope::new(data, warnings(notes))))
}

/// Longest tag name accepted. eRecruiter documents no limit; 255 characters is what most
/// ATSs allow and far above any real tag.
pub const MAX_TAG_NAME_CHARS: usize = 255;

fn tag_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::input_invalid("`tag.name` must not be empty"));
    }
    if name.chars().count() > MAX_TAG_NAME_CHARS {
        return Err(ApiError::input_invalid(format!(
            "`tag.name` must have at most {MAX_TAG_NAME_CHARS} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(ApiError::input_invalid(
            "`tag.name` must not contain control characters",
        ));
    }
    Ok(name.to_owned())
}

/// Refuses a candidate whose e-mail addresses are not e-mail addresses (Kombo:
/// `format: email`, answered with `PLATFORM.INPUT_INVALID`).
fn check_candidate_emails(
    candidate: &atsbridge_schema::action::CandidateInput,
) -> Result<(), ApiError> {
    if !atsbridge_schema::email::is_plausible_email(&candidate.email_address) {
        return Err(ApiError::input_invalid(
            "`candidate.email_address` must be an e-mail address",
        ));
    }
    for (index, extra) in candidate.additional_email_addresses.iter().enumerate() {
        if !atsbridge_schema::email::is_plausible_email(&extra.email_address) {
            return Err(ApiError::input_invalid(format!(
                "`candidate.additional_email_addresses[{index}].email_address` must be an e-mail address"
            )));
        }
    }
    Ok(())
}

/// Runs an action that answers `{}`, storing the records it returns.
async fn finish_simple(
    state: &AppState,
    integration: &Integration,
    outcome: atsbridge_connector::ActionOutcome,
) -> ActionResult<EmptyObject> {
    store_records(state, integration, &outcome.records).await?;
    Ok(Json(ActionEnvelope::new(
        EmptyObject {},
        warnings(outcome.warnings),
    )))
}

/// `POST /v1/ats/candidates/{candidate_id}/tags`.
pub async fn add_candidate_tag(
    State(state): State<AppState>,
    scope: IntegrationScope,
    ApiPath(candidate_id): ApiPath<String>,
    ApiJson(body): ApiJson<AddTagRequest>,
) -> ActionResult<EmptyObject> {
    let integration = &scope.integration;
    ensure_action(&state, integration, Action::AddCandidateTag)?;
    let tag_name = tag_name(&body.tag.name)?;
    let candidate = resolve(&state, integration, Model::Candidate, &candidate_id).await?;
    let input = CandidateTagInput {
        candidate_remote_id: candidate.remote_id,
        tag_name,
    };
    let connector = state.connector(integration).await?;
    let outcome = connector
        .add_candidate_tag(&state.connector_context(integration), input)
        .await?;
    finish_simple(&state, integration, outcome).await
}

/// `DELETE /v1/ats/candidates/{candidate_id}/tags`.
pub async fn remove_candidate_tag(
    State(state): State<AppState>,
    scope: IntegrationScope,
    ApiPath(candidate_id): ApiPath<String>,
    ApiJson(body): ApiJson<RemoveTagRequest>,
) -> ActionResult<EmptyObject> {
    let integration = &scope.integration;
    ensure_action(&state, integration, Action::RemoveCandidateTag)?;
    let tag_name = tag_name(&body.tag.name)?;
    let candidate = resolve(&state, integration, Model::Candidate, &candidate_id).await?;
    let input = CandidateTagInput {
        candidate_remote_id: candidate.remote_id,
        tag_name,
    };
    let connector = state.connector(integration).await?;
    let outcome = connector
        .remove_candidate_tag(&state.connector_context(integration), input)
        .await?;
    finish_simple(&state, integration, outcome).await
}

/// Loads an application and its candidate's remote id.
async fn resolve_application(
    state: &AppState,
    integration: &Integration,
    application_id: &str,
) -> Result<(String, Option<String>), ApiError> {
    let stored = resolve(state, integration, Model::Application, application_id).await?;
    let application = decode::<ApplicationRecord>(&stored)?.record;
    Ok((application.remote_id, application.candidate_remote_id))
}

/// `POST /v1/ats/applications/{application_id}/attachments`.
pub async fn add_application_attachment(
    State(state): State<AppState>,
    scope: IntegrationScope,
    ApiPath(application_id): ApiPath<String>,
    ApiJson(body): ApiJson<AddAttachmentRequest>,
) -> ActionResult<EmptyObject> {
    let integration = &scope.integration;
    ensure_action(&state, integration, Action::AddApplicationAttachment)?;
    let (application_remote_id, candidate_remote_id) =
        resolve_application(&state, integration, &application_id).await?;
    let attachment = load_attachment(&state, &body.attachment).await?;
    let input = ApplicationAttachmentInput {
        application_remote_id,
        candidate_remote_id,
        attachment,
    };
    let connector = state.connector(integration).await?;
    let outcome = connector
        .add_application_attachment(&state.connector_context(integration), input)
        .await?;
    finish_simple(&state, integration, outcome).await
}

/// `POST /v1/ats/candidates/{candidate_id}/attachments`.
pub async fn add_candidate_attachment(
    State(state): State<AppState>,
    scope: IntegrationScope,
    ApiPath(candidate_id): ApiPath<String>,
    ApiJson(body): ApiJson<AddAttachmentRequest>,
) -> ActionResult<EmptyObject> {
    let integration = &scope.integration;
    ensure_action(&state, integration, Action::AddCandidateAttachment)?;
    let candidate = resolve(&state, integration, Model::Candidate, &candidate_id).await?;
    let attachment = load_attachment(&state, &body.attachment).await?;
    let input = CandidateAttachmentInput {
        candidate_remote_id: candidate.remote_id,
        attachment,
    };
    let connector = state.connector(integration).await?;
    let outcome = connector
        .add_candidate_attachment(&state.connector_context(integration), input)
        .await?;
    finish_simple(&state, integration, outcome).await
}

/// Longest result-link URL accepted (the common limit of browsers and HTTP servers).
pub const MAX_RESULT_LINK_URL_CHARS: usize = 2048;
/// Longest result-link label accepted.
pub const MAX_RESULT_LINK_LABEL_CHARS: usize = 255;

fn check_link(link: &AddResultLinkRequest) -> Result<(), ApiError> {
    if link.url.chars().count() > MAX_RESULT_LINK_URL_CHARS {
        return Err(ApiError::input_invalid(format!(
            "`url` must have at most {MAX_RESULT_LINK_URL_CHARS} characters"
        )));
    }
    if link.label.chars().count() > MAX_RESULT_LINK_LABEL_CHARS
        || link.label.chars().any(char::is_control)
    {
        return Err(ApiError::input_invalid(format!(
            "`label` must have at most {MAX_RESULT_LINK_LABEL_CHARS} characters and no control characters"
        )));
    }
    let url = url::Url::parse(link.url.trim())
        .map_err(|_| ApiError::input_invalid("`url` must be an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ApiError::input_invalid("`url` must use http or https"));
    }
    Ok(())
}

/// `POST /v1/ats/applications/{application_id}/result-links`.
pub async fn add_application_result_link(
    State(state): State<AppState>,
    scope: IntegrationScope,
    ApiPath(application_id): ApiPath<String>,
    ApiJson(body): ApiJson<AddResultLinkRequest>,
) -> ActionResult<EmptyObject> {
    let integration = &scope.integration;
    ensure_action(&state, integration, Action::AddApplicationResultLink)?;
    check_link(&body)?;
    let (application_remote_id, candidate_remote_id) =
        resolve_application(&state, integration, &application_id).await?;
    let input = ApplicationResultLinkInput {
        application_remote_id,
        candidate_remote_id,
        link: body,
    };
    let connector = state.connector(integration).await?;
    let outcome = connector
        .add_application_result_link(&state.connector_context(integration), input)
        .await?;
    finish_simple(&state, integration, outcome).await
}

/// `POST /v1/ats/candidates/{candidate_id}/result-links`.
pub async fn add_candidate_result_link(
    State(state): State<AppState>,
    scope: IntegrationScope,
    ApiPath(candidate_id): ApiPath<String>,
    ApiJson(body): ApiJson<AddResultLinkRequest>,
) -> ActionResult<EmptyObject> {
    let integration = &scope.integration;
    ensure_action(&state, integration, Action::AddCandidateResultLink)?;
    check_link(&body)?;
    let candidate = resolve(&state, integration, Model::Candidate, &candidate_id).await?;
    let input = CandidateResultLinkInput {
        candidate_remote_id: candidate.remote_id,
        link: body,
    };
    let connector = state.connector(integration).await?;
    let outcome = connector
        .add_candidate_result_link(&state.connector_context(integration), input)
        .await?;
    finish_simple(&state, integration, outcome).await
}
