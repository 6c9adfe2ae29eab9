//! `GET /v1/openapi.json`: an OpenAPI 3.1 description of the routes this server serves.
//!
//! Response schemas come from the schema crate's types (schemars, serialize contract) and are
//! referenced from `components.schemas`; request bodies use the deserialize contract, inlined.

use std::sync::OnceLock;

use atsbridge_schema::action::{
    AddAttachmentRequest, AddResultLinkRequest, AddTagRequest, CheckApiKeyResponse,
    CreateApplicationRequest, CreateCandidateRequest, EmptyObject, PassthroughRequest,
    PassthroughResponse, RemoveTagRequest,
};
use atsbridge_schema::envelope::{ActionEnvelope, ErrorEnvelope, ListEnvelope, SuccessEnvelope};
use atsbridge_schema::wire;
use axum::Json;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::query::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::routes::connect::{
    ActivateRequest, ConnectedIntegration, CreateLinkRequest, LinkResponse, RelinkRequest,
};
use crate::routes::general::{ForceSyncRequest, ForceSyncResponse};
use crate::routes::integrations::{
    CustomFieldView, Empty, FieldPage, ImportedTrackedApplication, IntegrationFieldView,
    IntegrationView, PatchIntegrationFieldRequest, PutCustomFieldRequest, SetEnabledRequest,
    ToolsView,
};

/// `GET /v1/openapi.json` (no authentication).
pub async fn serve_openapi() -> Json<Value> {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    Json(DOCUMENT.get_or_init(openapi_document).clone())
}

/// How an operation is scoped and documented.
struct Operation {
    method: &'static str,
    path: &'static str,
    operation_id: &'static str,
    summary: &'static str,
    /// Needs `X-Integration-Id`.
    integration_scoped: bool,
    /// Needs the API key.
    authenticated: bool,
    query: Vec<Value>,
    request: Option<Value>,
    response: Value,
}

fn param(name: &str, location: &str, required: bool, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": location, "required": required, "description": description, "schema": schema})
}

fn text(name: &str, description: &str) -> Value {
    param(name, "query", false, description, json!({"type": "string"}))
}

fn list_params(extra: &[(&str, &str)]) -> Vec<Value> {
    let boolean = json!({"type": "string", "enum": ["true", "false"], "default": "false"});
    let mut out = vec![
        text(
            "cursor",
            "The `next` value of the previous page; repeat the same filters with it.",
        ),
        param(
            "page_size",
            "query",
            false,
            "Results per page.",
            json!({"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE}),
        ),
        param(
            "updated_after",
            "query",
            false,
            "Only records that changed, or whose nested data changed, after this time.",
            json!({"type": "string", "format": "date-time"}),
        ),
        param(
            "include_deleted",
            "query",
            false,
            "Also return records deleted in the ATS.",
            boolean.clone(),
        ),
        param(
            "ignore_unsupported_filters",
            "query",
            false,
            "Ignore filters on fields the connector does not support instead of returning nothing.",
            boolean,
        ),
        text("ids", "Comma-separated Kombo ids."),
        text("remote_ids", "Comma-separated ATS ids."),
    ];
    out.extend(
        extra
            .iter()
            .map(|(name, description)| text(name, description)),
    );
    out
}

fn openapi_document() -> Value {
    let mut responses = SchemaSettings::draft2020_12()
        .for_serialize()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    let mut requests = SchemaSettings::draft2020_12()
        .for_deserialize()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator();

    fn body<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
        generator.root_schema_for::<T>().to_value()
    }
    fn response<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
        generator.subschema_for::<T>().to_value()
    }

    let candidate_id = "candidate_id";
    let operations = vec![
        Operation {
            method: "get",
            path: "/check-api-key",
            operation_id: "GetCheckApiKey",
            summary: "Check API key",
            integration_scoped: false,
            authenticated: true,
            query: vec![],
            request: None,
            response: response::<SuccessEnvelope<CheckApiKeyResponse>>(&mut responses),
        },
        Operation {
            method: "post",
            path: "/force-sync",
            operation_id: "PostForceSync",
            summary: "Trigger sync",
            integration_scoped: true,
            authenticated: true,
            query: vec![],
            request: Some(body::<ForceSyncRequest>(&mut requests)),
            response: response::<SuccessEnvelope<ForceSyncResponse>>(&mut responses),
        },
        Operation {
            method: "post",
            path: "/passthrough/{tool}/{api}",
            operation_id: "PostPassthroughToolApi",
            summary: "Send passthrough request",
            integration_scoped: true,
            authenticated: true,
            query: vec![],
            request: Some(body::<PassthroughRequest>(&mut requests)),
            response: response::<ActionEnvelope<PassthroughResponse>>(&mut responses),
        },
        Operation {
            method: "get",
            path: "/ats/jobs",
            operation_id: "GetAtsJobs",
            summary: "Get jobs",
            integration_scoped: true,
            authenticated: true,
            query: list_params(&[
                ("job_codes", "Comma-separated job codes."),
                ("post_url", "Exact posting URL."),
                ("status", "Deprecated: use `statuses`."),
                ("statuses", "Comma-separated OPEN, CLOSED, DRAFT, ARCHIVED."),
                ("employment_types", "Comma-separated employment types."),
                ("visibilities", "Comma-separated visibilities."),
                (
                    "remote_created_after",
                    "Jobs created in the ATS on or after this day.",
                ),
                (
                    "name_contains",
                    "Text contained in the job name (case-insensitive).",
                ),
            ]),
            request: None,
            response: response::<ListEnvelope<wire::Job>>(&mut responses),
        },
        Operation {
            method: "get",
            path: "/ats/candidates",
            operation_id: "GetAtsCandidates",
            summary: "Get candidates",
            integration_scoped: true,
            authenticated: true,
            query: list_params(&[
                (
                    "email",
                    "An email address of the candidate (case-insensitive).",
                ),
                (
                    "job_ids",
                    "Comma-separated job ids the candidate applied to.",
                ),
                ("first_name", "Exact first name (case-insensitive)."),
                ("last_name", "Exact last name (case-insensitive)."),
            ]),
            request: None,
            response: response::<ListEnvelope<wire::Candidate>>(&mut responses),
        },
        Operation {
            method: "post",
            path: "/ats/candidates",
            operation_id: "PostAtsCandidates",
            summary: "Create candidate",
            integration_scoped: true,
            authenticated: true,
            query: vec![],
            request: Some(body::<CreateCandidateRequest>(&mut requests)),
            response: response::<ActionEnvelope<wire::Candidate>>(&mut responses),
        },
        Operation {
            method: "get",
            path: "/ats/applications",
            operation_id: "GetAtsApplications",
            summary: "Get applications",
            integration_scoped: true,
            authenticated: true,
            query: list_params(&[
                ("outcome", "Deprecated: use `outcomes`."),
                ("outcomes", "Comma-separated PENDING, HIRED, DECLINED."),
                ("job_ids", "Comma-separated job ids."),
                ("job_remote_ids", "Comma-separated job ATS ids."),
                ("current_stage_ids", "Comma-separated stage ids."),
                (
                    "remote_created_after",
                    "Applications created in the ATS on or after this day.",
                ),
            ]),
            request: None,
            response: response::<ListEnvelope<wire::Application>>(&mut responses),
        },
        Operation {
            method: "get",
            path: "/ats/application-stages",
            operation_id: "GetAtsApplicationStages",
            summary: "Get application stages",
            integration_scoped: true,
            authenticated: true,
            query: list_params(&[]),
            request: None,
            response: response::<ListEnvelope<wire::ApplicationStage>>(&mut responses),
        },
        Operation {
            method: "get",
            path: "/ats/tags",
            operation_id: "GetAtsTags",
            summary: "Get tags",
            integration_scoped: true,
            authenticated: true,
            query: list_params(&[]),
            request: None,
            response: response::<ListEnvelope<wire::Tag>>(&mut responses),
        },
        Operation {
            method: "post",
            path: "/ats/jobs/{job_id}/applications",
            operation_id: "PostAtsJobsJobIdApplications",
            summary: "Create application",
            integration_scoped: true,
            authenticated: true,
            query: vec![],
            request: Some(body::<CreateApplicationRequest>(&mut requests)),
            response: response::<ActionEnvelope<wire::CreatedApplication>>(&mut responses),
        },
        Operation {
            method: "post",
            path: "/ats/candidates/{candidate_id}/tags",
            operation_id: "PostAtsCandidatesCandidateIdTags",
            summary: "Add tag to candidate",
            integration_scoped: true,
            authenticated: true,
            query: vec![],
            request: Some(body::<AddTagRequest>(&mut requests)),
            response: response::<ActionEnvelope<EmptyObject>>(&mut responses),
        },
        Operation {
            method: "delete",
            path: "/ats/candidates/{candidate_id}/tags",
            operation_id: "DeleteAtsCandidatesCandidateIdTags",
            summary: "Remove tag from candidate",
            integration_scoped: true,
            authenticated: true,
            query: vec![],
            request: Some(body::<RemoveTagRequest>(&mut requests)),
            response: response::<ActionEnvelope<EmptyObject>>(&mut responses),
        },
        Operation {
            method: "post",
            path: "/ats/applications/{application_id}/attachments",
            operation_id: "PostAtsApplicationsApplicationIdAttachments",
            summary: "Add attachment to application",
            integration_scoped: true,
            authenticated: true,
            query: vec![],
            request: Some(body::<AddAttachmentRequest>(&mut requests)),
            response: response::<ActionEnvelope<EmptyObject>>(&mut responses),
        },
        Operation {
            method: "post",
            path: "/ats/candidates/{candidate_id}/attachments",
            operation_id: "PostAtsCandidatesCandidateIdAttachments",
            summary: "Add attachment to candidate",
            integration_scoped: true,
            authenticated: true,
            query: vec![],
            request: Some(body::<AddAttachmentRequest>(&mut requests)),
            response: response::<ActionEnvelope<EmptyObject>>(&mut responses),
        },
        Operation {
            method: "post",
            path: "/ats/applications/{application_id}/result-links",
            operation_id: "PostAtsApplicationsApplicationIdResultLinks",
            summary: "Add result link to application",
            integration_scoped: true,
            authenticated: true,
            query: vec![],
            request: Some(body::<AddResultLinkRequest>(&mut requests)),
            response: response::<ActionEnvelope<EmptyObject>>(&mut responses),
        },
        Operation {
            method: "post",
            path: "/ats/candidates/{candidate_id}/result-links",
            operation_id: "PostAtsCandidatesCandidateIdResultLinks",
            summary: "Add result link to candidate",
            integration_scoped: true,
            authenticated: true,
            query: vec![],
            request: Some(body::<AddResultLinkRequest>(&mut requests)),
            response: response::<ActionEnvelope<EmptyObject>>(&mut responses),
        },
        Operation {
            method: "post",
            path: "/connect/create-link",
            operation_id: "PostConnectCreateLink",
            summary: "Create connection link",
            integration_scoped: false,
            authenticated: true,
            query: vec![],
            request: Some(body::<CreateLinkRequest>(&mut requests)),
            response: response::<SuccessEnvelope<LinkResponse>>(&mut responses),
        },
        Operation {
            method: "get",
            path: "/connect/integration-by-token/{token}",
            operation_id: "GetConnectIntegrationByTokenToken",
            summary: "Get integration by token",
            integration_scoped: false,
            authenticated: true,
            query: vec![],
            request: None,
            response: response::<SuccessEnvelope<ConnectedIntegration>>(&mut responses),
        },
        Operation {
            method: "post",
            path: "/connect/activate-integration",
            operation_id: "PostConnectActivateIntegration",
            summary: "Activate integration (deprecated)",
            integration_scoped: false,
            authenticated: true,
            query: vec![],
            request: Some(body::<ActivateRequest>(&mut requests)),
            response: response::<SuccessEnvelope<ConnectedIntegration>>(&mut responses),
        },
        Operation {
            method: "get",
            path: "/integrations/{integration_id}",
            operation_id: "GetIntegrationsIntegrationId",
            summary: "Get integration details",
            integration_scoped: false,
            authenticated: true,
            query: vec![],
            request: None,
            response: response::<SuccessEnvelope<IntegrationView>>(&mut responses),
        },
        Operation {
            method: "delete",
            path: "/integrations/{integration_id}",
            operation_id: "DeleteIntegrationsIntegrationId",
            summary: "Delete integration",
            integration_scoped: false,
            authenticated: true,
            query: vec![],
            request: None,
            response: response::<SuccessEnvelope<Empty>>(&mut responses),
        },
        Operation {
            method: "put",
            path: "/integrations/{integration_id}/enabled",
            operation_id: "PutIntegrationsIntegrationIdEnabled",
            summary: "Set integration enabled status",
            integration_scoped: false,
            authenticated: true,
            query: vec![],
            request: Some(body::<SetEnabledRequest>(&mut requests)),
            response: response::<SuccessEnvelope<Empty>>(&mut responses),
        },
        Operation {
            method: "post",
            path: "/integrations/{integration_id}/relink",
            operation_id: "PostIntegrationsIntegrationIdRelink",
            summary: "Create reconnection link",
            integration_scoped: false,
            authenticated: true,
            query: vec![],
            request: Some(body::<RelinkRequest>(&mut requests)),
            response: response::<SuccessEnvelope<LinkResponse>>(&mut responses),
        },
        Operation {
            method: "get",
            path: "/integrations/{integration_id}/integration-fields",
            operation_id: "GetIntegrationsIntegrationIdIntegrationFields",
            summary: "Get integration fields",
            integration_scoped: false,
            authenticated: true,
            query: vec![
                text("cursor", "The `next` value of the previous page."),
                text("page_size", "Results per page."),
            ],
            request: None,
            response: response::<SuccessEnvelope<FieldPage<IntegrationFieldView>>>(&mut responses),
        },
        Operation {
            method: "patch",
            path: "/integrations/{integration_id}/integration-fields/{integration_field_id}",
            operation_id: "PatchIntegrationsIntegrationIdIntegrationFieldsIntegrationFieldId",
            summary: "Updates an integration field's passthrough setting",
            integration_scoped: false,
            authenticated: true,
            query: vec![],
            request: Some(body::<PatchIntegrationFieldRequest>(&mut requests)),
            response: response::<SuccessEnvelope<IntegrationFieldView>>(&mut responses),
        },
        Operation {
            method: "get",
            path: "/integrations/{integration_id}/custom-fields",
            operation_id: "GetIntegrationsIntegrationIdCustomFields",
            summary: "Get custom fields with current mappings",
            integration_scoped: false,
            authenticated: true,
            query: vec![
                text("cursor", "The `next` value of the previous page."),
                text("page_size", "Results per page."),
            ],
            request: None,
            response: response::<SuccessEnvelope<FieldPage<CustomFieldView>>>(&mut responses),
        },
        Operation {
            method: "put",
            path: "/integrations/{integration_id}/custom-fields/{custom_field_id}",
            operation_id: "PutIntegrationsIntegrationIdCustomFieldsCustomFieldId",
            summary: "Put custom field mappings",
            integration_scoped: false,
            authenticated: true,
            query: vec![],
            request: Some(body::<PutCustomFieldRequest>(&mut requests)),
            response: response::<SuccessEnvelope<CustomFieldView>>(&mut responses),
        },
        Operation {
            method: "get",
            path: "/tools/{category}",
            operation_id: "GetToolsCategory",
            summary: "Get tools",
            integration_scoped: false,
            authenticated: true,
            query: vec![],
            request: None,
            response: response::<SuccessEnvelope<ToolsView>>(&mut responses),
        },
        Operation {
            method: "post",
            path: "/ats/import-tracked-application",
            operation_id: "PostAtsImportTrackedApplication",
            summary: "Import tracked application",
            integration_scoped: true,
            authenticated: true,
            query: vec![],
            request: Some(json!({"type": "object"})),
            response: response::<ActionEnvelope<ImportedTrackedApplication>>(&mut responses),
        },
        Operation {
            method: "get",
            path: "/openapi.json",
            operation_id: "GetOpenApi",
            summary: "This OpenAPI document",
            integration_scoped: false,
            authenticated: false,
            query: vec![],
            request: None,
            response: json!({"type": "object"}),
        },
    ];
    let error = response::<ErrorEnvelope>(&mut responses);

    let mut paths: Map<String, Value> = Map::new();
    for op in operations {
        let mut parameters = Vec::new();
        if op.integration_scoped {
            parameters.push(param(
                "X-Integration-Id",
                "header",
                true,
                "Id of the integration to work with.",
                json!({"type": "string"}),
            ));
        }
        for segment in op.path.split('/').filter(|s| s.starts_with('{')) {
            let name = segment.trim_matches(|c| c == '{' || c == '}');
            let description = if name == "job_id" {
                "Kombo id of the job, or its ATS id prefixed with `remote:`."
            } else if name == candidate_id || name == "application_id" {
                "Kombo id."
            } else {
                "Path parameter."
            };
            parameters.push(param(
                name,
                "path",
                true,
                description,
                json!({"type": "string"}),
            ));
        }
        parameters.extend(op.query);
        let mut operation = json!({
            "operationId": op.operation_id,
            "summary": op.summary,
            "parameters": parameters,
            "responses": {
                "200": {"description": "Success", "content": {"application/json": {"schema": op.response}}},
                "default": {"description": "Error (Kombo error envelope)", "content": {"application/json": {"schema": error}}}
            }
        });
        if let Some(request) = op.request {
            operation["requestBody"] =
                json!({"required": false, "content": {"application/json": {"schema": request}}});
        }
        if !op.authenticated {
            operation["security"] = json!([]);
        }
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        entry[op.method] = operation;
    }

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "atsbridge API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Kombo-compatible unified ATS API served by atsbridge."
        },
        "servers": [{"url": "/v1"}],
        "security": [{"ApiKey": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"ApiKey": {"type": "http", "scheme": "bearer"}},
            "schemas": responses.take_definitions(true),
        }
    })
}

/// The document, for tests and tooling.
pub fn document() -> Value {
    openapi_document()
}
