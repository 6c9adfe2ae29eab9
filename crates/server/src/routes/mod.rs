//! The `/v1` router.

pub mod actions;
pub mod connect;
pub mod general;
pub mod integrations;
pub mod lists;

use std::any::Any;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use http::{Request, StatusCode};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::error::ApiError;
use crate::openapi;
use crate::state::AppState;

/// Builds the complete router: `/v1/...` routes, body limit, tracing and panic safety.
///
/// Every answer that is not a success is a Kombo error envelope, including unknown routes,
/// wrong methods, oversized bodies and panics.
pub fn build_router(state: AppState) -> Router {
    let body_limit = state.config().body_limit;
    let v1 = Router::new()
        .route("/check-api-key", get(general::check_api_key))
        .route("/force-sync", post(general::force_sync))
        .route("/passthrough/{tool}/{api}", post(general::passthrough))
        .route("/openapi.json", get(openapi::serve_openapi))
        .route("/ats/jobs", get(lists::list_jobs))
        .route(
            "/ats/candidates",
            get(lists::list_candidates).post(actions::create_candidate),
        )
        .route("/ats/applications", get(lists::list_applications))
        .route(
            "/ats/application-stages",
            get(lists::list_application_stages),
        )
        .route("/ats/tags", get(lists::list_tags))
        .route(
            "/ats/jobs/{job_id}/applications",
            post(actions::create_application),
        )
        .route(
            "/ats/candidates/{candidate_id}/tags",
            post(actions::add_candidate_tag).delete(actions::remove_candidate_tag),
        )
        .route(
            "/ats/candidates/{candidate_id}/attachments",
            post(actions::add_candidate_attachment),
        )
        .route(
            "/ats/candidates/{candidate_id}/result-links",
            post(actions::add_candidate_result_link),
        )
        .route(
            "/ats/applications/{application_id}/attachments",
            post(actions::add_application_attachment),
        )
        .route(
            "/ats/applications/{application_id}/result-links",
            post(actions::add_application_result_link),
        )
        .route(
            "/ats/import-tracked-application",
            post(integrations::import_tracked_application),
        )
        .route("/connect/create-link", post(connect::create_link))
        .route(
            "/connect/integration-by-token/{token}",
            get(connect::integration_by_token),
        )
        .route(
            "/connect/activate-integration",
            post(connect::activate_integration),
        )
        .route(
            "/integrations/{integration_id}",
            get(integrations::get_integration).delete(integrations::delete_integration),
        )
        .route(
            "/integrations/{integration_id}/enabled",
            put(integrations::set_enabled),
        )
        .route(
            "/integrations/{integration_id}/relink",
            post(connect::relink),
        )
        .route(
            "/integrations/{integration_id}/integration-fields",
            get(integrations::list_integration_fields),
        )
        .route(
            "/integrations/{integration_id}/integration-fields/{integration_field_id}",
            patch(integrations::patch_integration_field),
        )
        .route(
            "/integrations/{integration_id}/custom-fields",
            get(integrations::list_custom_fields),
        )
        .route(
            "/integrations/{integration_id}/custom-fields/{custom_field_id}",
            put(integrations::put_custom_field),
        )
        .route("/tools/{category}", get(integrations::list_tools));

    Router::new()
        .nest("/v1", v1)
        .nest("/dashboard", crate::dashboard::router())
        .merge(crate::connect_page::router())
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                // Only method and path: headers carry API keys and passthrough credentials.
                tracing::info_span!(
                    "api_request",
                    method = %request.method(),
                    path = %request.uri().path(),
                    integration_id = tracing::field::Empty,
                )
            }),
        )
        .layer(CatchPanicLayer::custom(panic_response))
        .with_state(state)
}

async fn unknown_route() -> ApiError {
    ApiError::not_found("no such route; the API is served under /v1 (see /v1/openapi.json)")
}

async fn method_not_allowed() -> ApiError {
    ApiError::input_invalid("this route does not accept that HTTP method")
        .with_status(StatusCode::METHOD_NOT_ALLOWED)
}

fn panic_response(_panic: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("request handler panicked");
    ApiError::new(
        atsbridge_schema::envelope::ErrorCode::PlatformUnknownError,
        "internal error",
    )
    .into_response()
}
