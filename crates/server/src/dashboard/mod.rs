//! The operator dashboard at `/dashboard`: server-rendered HTML (maud), no script.
//!
//! Pages: the overview (environments, API key labels, integrations with status, last sync,
//! record counts and last error), one page per integration (counts per model, a per-day
//! `changed_at` chart, its sync runs, webhook deliveries, and buttons for force-sync), and
//! each connector's coverage. Everything behind the login needs a session from
//! [`session`]; every POST carries the session's CSRF token. Responses are never cached and
//! carry a strict Content-Security-Policy (styles from the one stylesheet, no scripts).

mod chart;
mod connectors;
mod integration;
mod keys;
mod login;
mod overview;
pub mod session;
mod views;
mod wiring;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::request::Parts;
use maud::{Markup, html};

use crate::state::AppState;
pub use session::{AdminToken, AdminTokenError, DashboardConfig, SessionKey};
use views::{Frame, Section};

const STYLESHEET_BODY: &str = include_str!("dashboard.css");

/// The dashboard's routes, to be nested at `/dashboard`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(overview::show))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/integrations/{integration_id}", get(integration::show))
        .route(
            "/integrations/{integration_id}/force-sync",
            post(integration::force_sync),
        )
        .route(
            "/integrations/{integration_id}/enabled",
            post(wiring::set_enabled),
        )
        .route(
            "/integrations/{integration_id}/relink",
            post(wiring::relink),
        )
        .route(
            "/environments/{environment_id}/keys/{key_id}/revoke",
            post(keys::revoke),
        )
        .route(
            "/environments/{environment_id}/keys/{key_id}/rotate",
            post(keys::rotate),
        )
        .route(
            "/environments/{environment_id}/webhooks",
            post(keys::add_endpoint),
        )
        .route(
            "/environments/{environment_id}/webhooks/{endpoint_id}/remove",
            post(keys::remove_endpoint),
        )
        .route("/connectors", get(connectors::list))
        .route("/connectors/{tool}", get(connectors::show))
        .route("/assets/dashboard.css", get(stylesheet))
        .fallback(not_found)
        .layer(axum::middleware::map_response(security_headers))
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET_BODY,
    )
        .into_response()
}

/// No caching of pages (they show operator data), no framing, no sniffing, no referrer,
/// and a policy that allows only the dashboard's own stylesheet and form targets.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A page answer: status and HTML.
fn html_page(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

/// What went wrong while answering a dashboard request, shown as a page.
#[derive(Debug)]
pub(crate) enum DashboardError {
    /// Nothing at this address.
    NotFound(String),
    /// The request cannot be carried out as sent (missing CSRF token, bad form).
    BadRequest(String),
    /// The store or the sync trigger failed; details go to the log, not the page.
    Internal(String),
}

impl From<atsbridge_store::StoreError> for DashboardError {
    fn from(error: atsbridge_store::StoreError) -> Self {
        tracing::error!(%error, "dashboard store call failed");
        Self::Internal("the store could not be read; see the server log".to_owned())
    }
}

impl IntoResponse for DashboardError {
    fn into_response(self) -> Response {
        let (status, heading, detail) = match self {
            Self::NotFound(detail) => (StatusCode::NOT_FOUND, "Not found", detail),
            Self::BadRequest(detail) => (StatusCode::BAD_REQUEST, "Request refused", detail),
            Self::Internal(detail) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something failed",
                detail,
            ),
        };
        let frame = Frame {
            title: heading,
            section: Section::None,
            csrf: None,
            refresh_seconds: None,
        };
        let content = html! {
            section.card.narrow {
                h1 { (heading) }
                p { (detail) }
                p { a href="/dashboard" { "Back to the overview" } }
            }
        };
        html_page(status, views::page(&frame, content))
    }
}

async fn not_found() -> DashboardError {
    DashboardError::NotFound("There is no dashboard page at this address.".to_owned())
}

/// The SHA-256 hashes of every admin token accepted now: the configured one and the one
/// `atsbridge admin-token` stored (read on every request, so a new token works at once on
/// every instance).
async fn accepted_tokens(state: &AppState) -> Result<Vec<[u8; 32]>, DashboardError> {
    let mut accepted = Vec::with_capacity(2);
    if let Some(token) = &state.config().dashboard.admin_token {
        accepted.push(token.sha256());
    }
    if let Some(stored) = state.store().admin_token_hash().await? {
        accepted.push(stored);
    }
    Ok(accepted)
}

/// The page shown while no admin token exists.
fn setup_page() -> Response {
    let frame = Frame {
        title: "Set an admin token",
        section: Section::None,
        csrf: None,
        refresh_seconds: None,
    };
    let content = html! {
        section.card.narrow #setup {
            h1 { "The dashboard needs an admin token" }
            p { "No admin token is configured, so nobody can sign in. Set one in any of these ways, then reload this page:" }
            ol {
                li { "Run " code { "atsbridge admin-token" } " against this server's database. It prints a new token once and stores only its hash." }
                li { "Or set the environment variable " code { "ATSBRIDGE_ADMIN_TOKEN" } " (at least 16 characters) and restart " code { "atsbridge serve" } "." }
                li { "Or put " code { "admin_token = \"…\"" } " in the configuration file." }
            }
        }
    };
    html_page(
        StatusCode::SERVICE_UNAVAILABLE,
        views::page(&frame, content),
    )
}

/// A request from a signed-in operator.
pub(crate) struct Admin {
    session: session::Session,
    /// The CSRF token the session's forms carry.
    pub(crate) csrf: String,
}

impl Admin {
    /// Refuses a POST whose CSRF token is not this session's.
    pub(crate) fn check_csrf(
        &self,
        state: &AppState,
        presented: &str,
    ) -> Result<(), DashboardError> {
        let key = &state.config().dashboard.session_key;
        if session::csrf_matches(key, &self.session, presented) {
            Ok(())
        } else {
            tracing::warn!("dashboard form refused: wrong or missing CSRF token");
            Err(DashboardError::BadRequest(
                "The form was not sent from this dashboard session. Reload the page and try again."
                    .to_owned(),
            ))
        }
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let accepted = accepted_tokens(state)
            .await
            .map_err(IntoResponse::into_response)?;
        if accepted.is_empty() {
            return Err(setup_page());
        }
        let key = &state.config().dashboard.session_key;
        let now = chrono::Utc::now().timestamp();
        let found = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| session::cookie_value(value, session::SESSION_COOKIE))
            .find_map(|cookie| session::verify(key, cookie, &accepted, now));
        match found {
            Some(session) => Ok(Admin {
                csrf: session::csrf_token(key, &session),
                session,
            }),
            None => {
                // Inside the nested router `parts.uri` lacks the `/dashboard` prefix.
                let original = parts
                    .extensions
                    .get::<axum::extract::OriginalUri>()
                    .map_or_else(|| parts.uri.path().to_owned(), |uri| uri.path().to_owned());
                let next = if parts.method == http::Method::GET {
                    original.as_str()
                } else {
                    "/dashboard"
                };
                let target = format!("/dashboard/login?next={}", views::segment(next));
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}
