//! The integration lifecycle: `GET`/`DELETE /integrations/{id}`, `PUT …/enabled`, the
//! integration fields and custom fields of an integration, and `GET /tools/{category}`.
//!
//! These routes name the integration in their path, not in `X-Integration-Id`, and they work
//! on disabled integrations too (that is how one enables them again). Their error schema is
//! Kombo's general one, so every error goes through [`ApiError::for_general_endpoint`].

use atsbridge_connector::{Action, ConnectorFactory, Coverage, Feature};
use atsbridge_schema::envelope::SuccessEnvelope;
use atsbridge_schema::{Model, Timestamp};
use atsbridge_store::{
    Integration, IntegrationId, StoredCustomField, StoredIntegrationField, TrackedApplication,
};
use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};

use crate::auth::{Caller, IntegrationScope};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// The category of every atsbridge connector.
pub const ATS_CATEGORY: &str = "ATS";

/// Kombo's id of a write action (`ats_create_candidate`, ...).
pub fn kombo_action_id(action: Action) -> String {
    format!("ats_{}", action.as_str())
}

/// `coverage_status` of Kombo's coverage objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CoverageStatus {
    /// Offered by the connector.
    Supported,
    /// Not offered by the connector.
    Unsupported,
}

/// An `empty` object (`data: {}`).
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Empty {}

/// The tool of an integration (`GET /integrations/{id}` → `data.tool`).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct IntegrationTool {
    /// Connector slug.
    pub id: String,
    /// The provider's name.
    pub label: String,
    /// Kombo's internal label; atsbridge has none.
    pub internal_label: Option<String>,
    /// Logo served by this server.
    pub logo_url: String,
    /// Icon served by this server.
    pub icon_url: String,
}

/// Who an integration was connected for.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EndUserView {
    /// The customer's organization.
    pub organization_name: String,
    /// Who connected the account.
    pub creator_email: Option<String>,
    /// The application's id for the customer.
    pub origin_id: Option<String>,
}

/// Scope configs are a Kombo dashboard concept atsbridge does not have; every integration
/// reports the one implicit config, `default`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ScopeConfigView {
    /// Always `default`.
    pub id: String,
    /// Always `null`.
    pub name: Option<String>,
}

/// Coverage of one field inside [`ReadModelView`].
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReadFieldView {
    /// Field name.
    pub id: String,
    /// Whether the field is filled.
    pub is_available: bool,
    /// Supported or not.
    pub coverage_status: CoverageStatus,
    /// Always `ENABLED` (no scope configs).
    pub scope_config_setting: &'static str,
    /// Always `false`.
    pub opted_out_by_customer: bool,
}

/// A read model in `GET /integrations/{id}`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReadModelView {
    /// Kombo's model name.
    pub id: String,
    /// Human title.
    pub label: String,
    /// Whether the model is served.
    pub is_available: bool,
    /// Supported or not.
    pub coverage_status: CoverageStatus,
    /// Always `ENABLED`.
    pub scope_config_setting: &'static str,
    /// Always `false`.
    pub opted_out_by_customer: bool,
    /// Its fields.
    pub fields: Vec<ReadFieldView>,
}

/// Coverage of one input field inside [`WriteActionView`].
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WriteFieldView {
    /// Dotted request field path.
    pub id: String,
    /// Whether the field is passed on.
    pub is_available: bool,
    /// Supported or not.
    pub coverage_status: CoverageStatus,
}

/// A write action in `GET /integrations/{id}`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WriteActionView {
    /// Kombo's action id.
    pub id: String,
    /// Human title.
    pub label: String,
    /// Whether the action can be called.
    pub is_available: bool,
    /// Supported or not.
    pub coverage_status: CoverageStatus,
    /// Always `ENABLED`.
    pub scope_config_setting: &'static str,
    /// Always `false`.
    pub opted_out_by_customer: bool,
    /// Its input fields.
    pub fields: Vec<WriteFieldView>,
}

/// `data` of `GET /integrations/{id}`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct IntegrationView {
    /// The integration's id.
    pub id: String,
    /// The tool.
    pub tool: IntegrationTool,
    /// Always `ATS`.
    pub category: &'static str,
    /// `ACTIVE`, `INVALID` or `INACTIVE`.
    pub status: atsbridge_store::IntegrationStatus,
    /// `INCOMPLETE`, `FINAL_SYNC_PENDING` or `COMPLETED`.
    pub setup_status: atsbridge_store::SetupStatus,
    /// Who it was connected for.
    pub end_user: EndUserView,
    /// The implicit scope config.
    pub scope_config: ScopeConfigView,
    /// Data never expires in atsbridge: always `null`.
    pub data_expired_at: Option<Timestamp>,
    /// When the integration was created.
    pub created_at: Timestamp,
    /// Always `false`.
    pub beta: bool,
    /// The models the connector can read.
    pub read_models: Vec<ReadModelView>,
    /// The actions the connector can run.
    pub write_actions: Vec<WriteActionView>,
}

/// Body of `PUT /integrations/{id}/enabled`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetEnabledRequest {
    /// `true` enables, `false` disables.
    pub value: bool,
}

/// Loads an integration of the caller's environment, or answers 404.
pub(crate) async fn owned_integration(
    state: &AppState,
    caller: &Caller,
    integration_id: &str,
) -> Result<Integration, ApiError> {
    state
        .store()
        .get_integration(&caller.environment_id, &IntegrationId::new(integration_id))
        .await?
        .ok_or_else(|| ApiError::integration_not_found(integration_id))
}

/// URLs of a tool's images, served by this server.
fn asset_url(state: &AppState, tool: &str, kind: &str) -> String {
    format!("{}/assets/tools/{tool}/{kind}.svg", state.public_base())
}

fn read_models(coverage: &Coverage) -> Vec<ReadModelView> {
    coverage
        .models
        .iter()
        .map(|model| ReadModelView {
            id: model.model.kombo_name().to_owned(),
            label: model.title.clone(),
            is_available: true,
            coverage_status: CoverageStatus::Supported,
            scope_config_setting: "ENABLED",
            opted_out_by_customer: false,
            fields: model
                .fields
                .iter()
                .map(|field| ReadFieldView {
                    id: field.name.clone(),
                    is_available: !field.is_always_empty(),
                    coverage_status: if field.is_always_empty() {
                        CoverageStatus::Unsupported
                    } else {
                        CoverageStatus::Supported
                    },
                    scope_config_setting: "ENABLED",
                    opted_out_by_customer: false,
                })
                .collect(),
        })
        .collect()
}

fn write_actions(coverage: &Coverage) -> Vec<WriteActionView> {
    coverage
        .actions
        .iter()
        .map(|action| WriteActionView {
            id: kombo_action_id(action.action),
            label: action.title.clone(),
            is_available: true,
            coverage_status: CoverageStatus::Supported,
            scope_config_setting: "ENABLED",
            opted_out_by_customer: false,
            fields: action
                .input_fields
                .iter()
                .map(|field| WriteFieldView {
                    id: field.name.clone(),
                    is_available: true,
                    coverage_status: CoverageStatus::Supported,
                })
                .collect(),
        })
        .collect()
}

/// Builds the `GET /integrations/{id}` view.
pub(crate) fn integration_view(
    state: &AppState,
    integration: &Integration,
) -> Result<IntegrationView, ApiError> {
    let factory = state.registry().get(&integration.tool).ok_or_else(|| {
        ApiError::internal(
            "describing an integration",
            &format!("no connector for tool `{}`", integration.tool),
        )
    })?;
    let coverage = factory.coverage();
    let info = factory.info();
    Ok(IntegrationView {
        id: integration.id.as_str().to_owned(),
        tool: IntegrationTool {
            id: info.slug.clone(),
            label: info.display_name,
            internal_label: None,
            logo_url: asset_url(state, &info.slug, "logo"),
            icon_url: asset_url(state, &info.slug, "icon"),
        },
        category: ATS_CATEGORY,
        status: integration.status(),
        setup_status: integration.setup_status,
        end_user: EndUserView {
            organization_name: integration.end_user.organization_name.clone(),
            creator_email: integration.end_user.creator_email.clone(),
            origin_id: integration.end_user.origin_id.clone(),
        },
        scope_config: ScopeConfigView {
            id: "default".into(),
            name: None,
        },
        data_expired_at: None,
        created_at: integration.created_at,
        beta: false,
        read_models: read_models(&coverage),
        write_actions: write_actions(&coverage),
    })
}

/// `GET /v1/integrations/{integration_id}`.
pub async fn get_integration(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(integration_id): ApiPath<String>,
) -> Result<Json<SuccessEnvelope<IntegrationView>>, ApiError> {
    let run = async {
        let integration = owned_integration(&state, &caller, &integration_id).await?;
        Ok(Json(SuccessEnvelope::new(integration_view(
            &state,
            &integration,
        )?)))
    };
    run.await.map_err(ApiError::for_general_endpoint)
}

/// `DELETE /v1/integrations/{integration_id}`: removes the integration with its records,
/// runs and credentials.
pub async fn delete_integration(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(integration_id): ApiPath<String>,
) -> Result<Json<SuccessEnvelope<Empty>>, ApiError> {
    let run = async {
        let removed = state
            .store()
            .remove_integration(&caller.environment_id, &IntegrationId::new(&integration_id))
            .await?;
        if !removed {
            return Err(ApiError::integration_not_found(&integration_id));
        }
        state.forget_connector(&integration_id).await;
        tracing::info!(integration_id, "integration deleted through the API");
        Ok(Json(SuccessEnvelope::new(Empty {})))
    };
    run.await.map_err(ApiError::for_general_endpoint)
}

/// `PUT /v1/integrations/{integration_id}/enabled`.
pub async fn set_enabled(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(integration_id): ApiPath<String>,
    ApiJson(body): ApiJson<SetEnabledRequest>,
) -> Result<Json<SuccessEnvelope<Empty>>, ApiError> {
    let run = async {
        state
            .store()
            .set_integration_enabled(
                &caller.environment_id,
                &IntegrationId::new(&integration_id),
                body.value,
            )
            .await?
            .ok_or_else(|| ApiError::integration_not_found(&integration_id))?;
        tracing::info!(integration_id, enabled = body.value, "integration switched");
        Ok(Json(SuccessEnvelope::new(Empty {})))
    };
    run.await.map_err(ApiError::for_general_endpoint)
}

// ---- integration fields and custom fields ----

/// Query of the field listings.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FieldPageQuery {
    /// Cursor from the previous page's `next`.
    pub cursor: Option<String>,
    /// Page size.
    pub page_size: Option<String>,
}

impl FieldPageQuery {
    /// The page size (1..=`max`, default 100) and the id to start after.
    fn parse(&self, max: u32) -> Result<(u32, Option<String>), ApiError> {
        let size = match self.page_size.as_deref() {
            None | Some("") => 100.min(max),
            Some(text) => match text.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    return Err(ApiError::input_invalid(format!(
                        "`page_size` must be a whole number from 1 to {max}"
                    )));
                }
            },
        };
        let after = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(cursor) => Some(decode_field_cursor(cursor)?),
        };
        Ok((size, after))
    }
}

const FIELD_CURSOR_PREFIX: &str = "f1:";

fn encode_field_cursor(last_id: &str) -> String {
    format!("{FIELD_CURSOR_PREFIX}{last_id}")
}

fn decode_field_cursor(cursor: &str) -> Result<String, ApiError> {
    cursor
        .strip_prefix(FIELD_CURSOR_PREFIX)
        .filter(|id| !id.is_empty() && id.len() <= 200)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::input_invalid("`cursor` is not a cursor this endpoint issued"))
}

/// An integration field as listed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct IntegrationFieldView {
    /// The field's id.
    pub id: String,
    /// Its key at the provider.
    pub key: String,
    /// Kombo's model name.
    pub model: String,
    /// `DEFAULT` or `CUSTOM`.
    #[serde(rename = "type")]
    pub field_type: atsbridge_schema::enums::IntegrationFieldType,
    /// Its label at the provider.
    pub label: Option<String>,
    /// Whether records list it in `integration_fields`.
    pub is_passthrough_enabled: bool,
    /// Always `false` (a deprecated Kombo flag).
    pub is_writable: bool,
}

impl From<StoredIntegrationField> for IntegrationFieldView {
    fn from(field: StoredIntegrationField) -> Self {
        Self {
            id: field.id,
            key: field.key,
            model: field.model,
            field_type: field.field_type,
            label: field.label,
            is_passthrough_enabled: field.passthrough_enabled,
            is_writable: false,
        }
    }
}

/// A page of fields.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FieldPage<T> {
    /// The fields.
    pub results: Vec<T>,
    /// Deprecated twin of `next`.
    pub next_cursor: Option<String>,
    /// Cursor of the next page, `null` on the last.
    pub next: Option<String>,
}

fn page<T, S>(mut items: Vec<S>, size: u32, id: impl Fn(&S) -> &str) -> FieldPage<T>
where
    T: From<S>,
{
    let has_more = items.len() > size as usize;
    items.truncate(size as usize);
    let next = if has_more {
        items.last().map(|last| encode_field_cursor(id(last)))
    } else {
        None
    };
    FieldPage {
        results: items.into_iter().map(T::from).collect(),
        next_cursor: next.clone(),
        next,
    }
}

/// `GET /v1/integrations/{integration_id}/integration-fields`.
pub async fn list_integration_fields(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(integration_id): ApiPath<String>,
    Query(query): Query<FieldPageQuery>,
) -> Result<Json<SuccessEnvelope<FieldPage<IntegrationFieldView>>>, ApiError> {
    let run = async {
        let integration = owned_integration(&state, &caller, &integration_id).await?;
        let (size, after) = query.parse(2000)?;
        let fields = state
            .store()
            .list_integration_fields(&integration.id, after.as_deref(), size + 1)
            .await?;
        Ok(Json(SuccessEnvelope::new(page(fields, size, |f| {
            f.id.as_str()
        }))))
    };
    run.await.map_err(ApiError::for_general_endpoint)
}

/// Body of `PATCH …/integration-fields/{id}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchIntegrationFieldRequest {
    /// Switches the passthrough; `null` leaves it as it is.
    pub enable_passthrough: Option<bool>,
}

/// `PATCH /v1/integrations/{integration_id}/integration-fields/{integration_field_id}`.
pub async fn patch_integration_field(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((integration_id, field_id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<PatchIntegrationFieldRequest>,
) -> Result<Json<SuccessEnvelope<IntegrationFieldView>>, ApiError> {
    let run = async {
        let integration = owned_integration(&state, &caller, &integration_id).await?;
        let store = state.store();
        let field = match body.enable_passthrough {
            Some(enabled) => {
                store
                    .set_integration_field_passthrough(&integration.id, &field_id, enabled)
                    .await?
            }
            None => find_field(&state, &integration, &field_id).await?,
        };
        let field = field.ok_or_else(|| {
            ApiError::not_found(format!("the integration has no field `{field_id}`"))
        })?;
        Ok(Json(SuccessEnvelope::new(field.into())))
    };
    run.await.map_err(ApiError::for_general_endpoint)
}

async fn find_field(
    state: &AppState,
    integration: &Integration,
    field_id: &str,
) -> Result<Option<StoredIntegrationField>, ApiError> {
    let mut after: Option<String> = None;
    loop {
        let page = state
            .store()
            .list_integration_fields(&integration.id, after.as_deref(), 2000)
            .await?;
        let Some(last) = page.last().map(|f| f.id.clone()) else {
            return Ok(None);
        };
        if let Some(found) = page.into_iter().find(|f| f.id == field_id) {
            return Ok(Some(found));
        }
        after = Some(last);
    }
}

/// The integration field a custom field maps to.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MappedFieldView {
    /// The field's id.
    pub id: String,
    /// Its key at the provider.
    pub key: String,
    /// `DEFAULT` or `CUSTOM`.
    #[serde(rename = "type")]
    pub field_type: atsbridge_schema::enums::IntegrationFieldType,
    /// Its label at the provider.
    pub label: Option<String>,
}

/// A custom field as listed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CustomFieldView {
    /// The custom field's id.
    pub id: String,
    /// Its key in `custom_fields`.
    pub key: String,
    /// The provider field it maps to, if any.
    pub integration_field: Option<MappedFieldView>,
    /// Kombo's model name.
    pub model: String,
    /// Label.
    pub label: Option<String>,
    /// Description.
    pub description: Option<String>,
}

impl From<StoredCustomField> for CustomFieldView {
    fn from(field: StoredCustomField) -> Self {
        Self {
            id: field.id,
            key: field.key,
            integration_field: field.integration_field.map(|f| MappedFieldView {
                id: f.id,
                key: f.key,
                field_type: f.field_type,
                label: f.label,
            }),
            model: field.model,
            label: field.label,
            description: field.description,
        }
    }
}

/// `GET /v1/integrations/{integration_id}/custom-fields`.
pub async fn list_custom_fields(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(integration_id): ApiPath<String>,
    Query(query): Query<FieldPageQuery>,
) -> Result<Json<SuccessEnvelope<FieldPage<CustomFieldView>>>, ApiError> {
    let run = async {
        let integration = owned_integration(&state, &caller, &integration_id).await?;
        let (size, after) = query.parse(250)?;
        let fields = state
            .store()
            .list_custom_fields(&integration.id, after.as_deref(), size + 1)
            .await?;
        Ok(Json(SuccessEnvelope::new(page(fields, size, |f| {
            f.id.as_str()
        }))))
    };
    run.await.map_err(ApiError::for_general_endpoint)
}

/// Body of `PUT …/custom-fields/{id}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PutCustomFieldRequest {
    /// The integration field to map to; `null` removes the mapping.
    pub integration_field_id: Option<String>,
}

/// `PUT /v1/integrations/{integration_id}/custom-fields/{custom_field_id}`.
pub async fn put_custom_field(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((integration_id, custom_field_id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<PutCustomFieldRequest>,
) -> Result<Json<SuccessEnvelope<CustomFieldView>>, ApiError> {
    let run = async {
        let integration = owned_integration(&state, &caller, &integration_id).await?;
        let mapped = state
            .store()
            .map_custom_field(
                &integration.id,
                &custom_field_id,
                body.integration_field_id.as_deref(),
            )
            .await?
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "the integration has no custom field `{custom_field_id}`"
                ))
            })?;
        Ok(Json(SuccessEnvelope::new(mapped.into())))
    };
    run.await.map_err(ApiError::for_general_endpoint)
}

// ---- tools ----

/// A coverage entry of `GET /tools/{category}`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ToolCoverageEntry {
    /// Model, action or feature id.
    pub id: String,
    /// Human title.
    pub label: String,
    /// Supported or not.
    pub coverage_status: CoverageStatus,
    /// Field coverage (models and actions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<ToolFieldEntry>>,
}

/// A field of a [`ToolCoverageEntry`].
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ToolFieldEntry {
    /// Field name.
    pub id: String,
    /// Supported or not.
    pub coverage_status: CoverageStatus,
}

/// A tool's coverage.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ToolCoverage {
    /// Read models.
    pub read_models: Vec<ToolCoverageEntry>,
    /// Write actions.
    pub write_actions: Vec<ToolCoverageEntry>,
    /// Features.
    pub features: Vec<ToolCoverageEntry>,
}

/// Images of a tool.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ToolAssets {
    /// Logo.
    pub logo_url: String,
    /// Icon.
    pub icon_url: String,
    /// Monochrome icon.
    pub icon_black_url: String,
}

/// One tool of `GET /tools/{category}`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ToolView {
    /// Connector slug.
    pub id: String,
    /// The provider's name.
    pub label: String,
    /// Always `null`.
    pub internal_label: Option<String>,
    /// Images served by this server.
    pub assets: ToolAssets,
    /// Always `null`.
    pub paid_api_details_markdown: Option<String>,
    /// Always `null`.
    pub fast_track_details_markdown: Option<String>,
    /// Always `null`.
    pub partner_only_details_markdown: Option<String>,
    /// The connection guide on this server, when the connector has one.
    pub connection_guide_url: Option<String>,
    /// What the connector covers.
    pub coverage: ToolCoverage,
}

/// `data` of `GET /tools/{category}`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ToolsView {
    /// Every connector of the category.
    pub tools: Vec<ToolView>,
}

fn tool_view(state: &AppState, factory: &dyn ConnectorFactory) -> ToolView {
    let info = factory.info();
    let coverage = factory.coverage();
    let supported = |yes: bool| {
        if yes {
            CoverageStatus::Supported
        } else {
            CoverageStatus::Unsupported
        }
    };
    let read_models = read_models(&coverage)
        .into_iter()
        .map(|m| ToolCoverageEntry {
            id: m.id,
            label: m.label,
            coverage_status: m.coverage_status,
            fields: Some(
                m.fields
                    .into_iter()
                    .map(|f| ToolFieldEntry {
                        id: f.id,
                        coverage_status: f.coverage_status,
                    })
                    .collect(),
            ),
        })
        .collect();
    let write_actions = Action::ALL
        .iter()
        .map(|&action| {
            let declared = coverage.actions.iter().find(|a| a.action == action);
            ToolCoverageEntry {
                id: kombo_action_id(action),
                label: action.title().to_owned(),
                coverage_status: supported(declared.is_some()),
                fields: Some(
                    declared
                        .map(|a| {
                            a.input_fields
                                .iter()
                                .map(|f| ToolFieldEntry {
                                    id: f.name.clone(),
                                    coverage_status: CoverageStatus::Supported,
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                ),
            }
        })
        .collect();
    let features = Feature::ALL
        .iter()
        .map(|&feature| ToolCoverageEntry {
            id: feature.as_str().to_owned(),
            label: feature.title().to_owned(),
            coverage_status: supported(coverage.supports_feature(feature)),
            fields: None,
        })
        .collect();
    let guide = coverage.supports_feature(Feature::ConnectionGuide);
    ToolView {
        assets: ToolAssets {
            logo_url: asset_url(state, &info.slug, "logo"),
            icon_url: asset_url(state, &info.slug, "icon"),
            icon_black_url: asset_url(state, &info.slug, "icon-black"),
        },
        connection_guide_url: guide
            .then(|| format!("{}/connect/guide/{}", state.public_base(), info.slug)),
        id: info.slug,
        label: info.display_name,
        internal_label: None,
        paid_api_details_markdown: None,
        fast_track_details_markdown: None,
        partner_only_details_markdown: None,
        coverage: ToolCoverage {
            read_models,
            write_actions,
            features,
        },
    }
}

/// `GET /v1/tools/{category}`: the connectors of this server. Every atsbridge connector is
/// an ATS; the other categories Kombo knows answer an empty list.
pub async fn list_tools(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(category): ApiPath<String>,
) -> Result<Json<SuccessEnvelope<ToolsView>>, ApiError> {
    let tools = match category.as_str() {
        "ats" => state
            .registry()
            .iter()
            .map(|factory| tool_view(&state, factory.as_ref()))
            .collect(),
        "hris" | "assessment" | "lms" => Vec::new(),
        other => {
            return Err(ApiError::input_invalid(format!(
                "unknown tool category `{other}`; use ats, hris, assessment or lms"
            ))
            .for_general_endpoint());
        }
    };
    Ok(Json(SuccessEnvelope::new(ToolsView { tools })))
}

// ---- import tracked application ----

/// `data` of `POST /ats/import-tracked-application`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ImportedTrackedApplication {
    /// Kombo id of the application.
    pub id: String,
    /// When it counts as tracked.
    pub tracked_at: Option<Timestamp>,
    /// The ids as given, under the tool's key.
    pub imported_id: serde_json::Map<String, serde_json::Value>,
}

/// The ids of one tool's variant.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "id_type", rename_all = "snake_case", deny_unknown_fields)]
enum ImportedIds {
    #[serde(rename = "application_and_job_remote_ids")]
    WithJob {
        application_remote_id: String,
        job_remote_id: String,
    },
    #[serde(rename = "application_and_candidate_remote_ids")]
    WithCandidate {
        candidate_remote_id: String,
        application_remote_id: String,
    },
    #[serde(rename = "application_id")]
    Alone { application_id: String },
}

impl ImportedIds {
    fn into_tracked(self) -> TrackedApplication {
        match self {
            ImportedIds::WithJob {
                application_remote_id,
                job_remote_id,
            } => TrackedApplication {
                application_remote_id,
                candidate_remote_id: None,
                job_remote_id: Some(job_remote_id),
            },
            ImportedIds::WithCandidate {
                candidate_remote_id,
                application_remote_id,
            } => TrackedApplication {
                application_remote_id,
                candidate_remote_id: Some(candidate_remote_id),
                job_remote_id: None,
            },
            ImportedIds::Alone { application_id } => TrackedApplication {
                application_remote_id: application_id,
                candidate_remote_id: None,
                job_remote_id: None,
            },
        }
    }
}

/// The `id_type`s each tool accepts (Kombo's variants).
fn accepted_id_types(tool: &str) -> &'static [&'static str] {
    match tool {
        "erecruiter" => &[
            "application_and_job_remote_ids",
            "application_and_candidate_remote_ids",
        ],
        "greenhouse" => &["application_id"],
        _ => &[],
    }
}

/// `POST /v1/ats/import-tracked-application`: adds an application created outside atsbridge
/// to the set that "sync only created applications" serves.
pub async fn import_tracked_application(
    State(state): State<AppState>,
    scope: IntegrationScope,
    ApiJson(body): ApiJson<serde_json::Map<String, serde_json::Value>>,
) -> Result<Json<atsbridge_schema::envelope::ActionEnvelope<ImportedTrackedApplication>>, ApiError>
{
    let integration = &scope.integration;
    let tool = integration.tool.as_str();
    let mut tracked_at = None;
    let mut ids = None;
    for (key, value) in body {
        match key.as_str() {
            "tracked_at" => tracked_at = Some(value),
            _ if key == tool => ids = Some(value),
            _ => {
                return Err(ApiError::input_invalid(format!(
                    "`{key}` does not apply to this integration; send the ids under `{tool}`"
                )));
            }
        }
    }
    let tracked_at = match tracked_at {
        None => return Err(ApiError::input_invalid("`tracked_at` is required")),
        Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(text)) => {
            Some(Timestamp::parse_flexible(&text).map_err(|_| {
                ApiError::input_invalid("`tracked_at` must be an ISO 8601 date-time")
            })?)
        }
        Some(_) => return Err(ApiError::input_invalid("`tracked_at` must be a string")),
    };
    let raw_ids = ids.ok_or_else(|| {
        ApiError::input_invalid(format!("the application's ids are required under `{tool}`"))
    })?;
    let id_type = raw_ids
        .get("id_type")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    if !accepted_id_types(tool).contains(&id_type) {
        return Err(ApiError::input_invalid(format!(
            "`{tool}.id_type` must be one of: {}",
            accepted_id_types(tool).join(", ")
        )));
    }
    let parsed: ImportedIds = serde_json::from_value(raw_ids.clone())
        .map_err(|e| ApiError::input_invalid(format!("invalid `{tool}` ids: {e}")))?;
    let tracked = parsed.into_tracked();
    if tracked.application_remote_id.trim().is_empty() {
        return Err(ApiError::input_invalid(
            "the application id must not be empty",
        ));
    }
    let id = atsbridge_schema::assemble::IdMinter::new(integration.id.as_str())
        .mint(Model::Application, &tracked.application_remote_id);
    let when = tracked_at.unwrap_or_else(|| state.now());
    state
        .store()
        .track_application(&integration.id, tracked, when)
        .await?;
    let mut imported_id = serde_json::Map::new();
    imported_id.insert(tool.to_owned(), raw_ids);
    Ok(Json(atsbridge_schema::envelope::ActionEnvelope::new(
        ImportedTrackedApplication {
            id: id.into_string(),
            tracked_at: Some(when),
            imported_id,
        },
        Vec::new(),
    )))
}
