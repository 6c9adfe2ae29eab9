//! Signing in with the admin token, and out again.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::views::{self, Frame, Section};
use super::{Admin, DashboardError, accepted_tokens, html_page, session, setup_page};
use crate::state::AppState;

/// Query of the login page: where to go after signing in.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LoginQuery {
    #[serde(default)]
    next: Option<String>,
}

/// The login form as sent. `Debug` leaves the token out.
#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    next: Option<String>,
}

/// Only pages of the dashboard itself are followed after login (no open redirect).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with("/dashboard")
                && !path.starts_with("//")
                && !path.contains("://")
                && !path.contains('\\') =>
        {
            path
        }
        _ => "/dashboard",
    }
}

fn login_page(status: StatusCode, next: &str, error: Option<&str>) -> Response {
    let frame = Frame {
        title: "Sign in",
        section: Section::None,
        csrf: None,
        refresh_seconds: None,
    };
    let content = html! {
        section.card.narrow.login {
            h1 { "Sign in to the dashboard" }
            p.muted { "Use the admin token of this atsbridge server." }
            @if let Some(error) = error {
                div.notice.notice-bad role="alert" #login-error { (error) }
            }
            form method="post" action="/dashboard/login" {
                input type="hidden" name="next" value=(next);
                div.field {
                    label for="token" { "Admin token" }
                    @if error.is_some() {
                        input #token type="password" name="token" autocomplete="current-password"
                            required autofocus aria-invalid="true" aria-describedby="token-help login-error";
                    } @else {
                        input #token type="password" name="token" autocomplete="current-password"
                            required autofocus aria-describedby="token-help";
                    }
                    p.help #token-help {
                        "Set by " code { "ATSBRIDGE_ADMIN_TOKEN" } ", " code { "admin_token" }
                        " in the configuration file, or printed once by " code { "atsbridge admin-token" } "."
                    }
                }
                button.btn.btn-primary type="submit" { "Sign in" }
            }
        }
    };
    html_page(status, views::page(&frame, content))
}

/// `GET /dashboard/login`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Query(query): Query<LoginQuery>,
) -> Result<Response, DashboardError> {
    if accepted_tokens(&state).await?.is_empty() {
        return Ok(setup_page());
    }
    Ok(login_page(
        StatusCode::OK,
        safe_next(query.next.as_deref()),
        None,
    ))
}

/// `POST /dashboard/login`: checks the token and starts a session.
pub(crate) async fn submit(
    State(state): State<AppState>,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, DashboardError> {
    let Ok(Form(form)) = form else {
        return Err(DashboardError::BadRequest(
            "The sign-in form could not be read.".to_owned(),
        ));
    };
    let accepted = accepted_tokens(&state).await?;
    if accepted.is_empty() {
        return Ok(setup_page());
    }
    let next = safe_next(form.next.as_deref());
    let Some(token_hash) = session::matching_token(&form.token, &accepted) else {
        tracing::warn!("dashboard sign-in with a wrong admin token");
        return Ok(login_page(
            StatusCode::UNAUTHORIZED,
            next,
            Some("That admin token is not valid."),
        ));
    };
    let config = &state.config().dashboard;
    let (_, cookie) = session::issue(
        &config.session_key,
        &token_hash,
        chrono::Utc::now().timestamp(),
        config.session_lifetime,
    );
    tracing::info!("dashboard sign-in");
    let set_cookie =
        session::set_cookie(Some(&cookie), config.session_lifetime, config.secure_cookie);
    Ok(([(header::SET_COOKIE, set_cookie)], Redirect::to(next)).into_response())
}

/// The logout form.
#[derive(Debug, Deserialize)]
pub(crate) struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /dashboard/logout`: removes the session cookie.
pub(crate) async fn logout(
    State(state): State<AppState>,
    admin: Admin,
    form: Result<Form<LogoutForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, DashboardError> {
    let presented = form.map(|Form(f)| f.csrf).unwrap_or_default();
    admin.check_csrf(&state, &presented)?;
    let config = &state.config().dashboard;
    let set_cookie = session::set_cookie(None, config.session_lifetime, config.secure_cookie);
    Ok((
        [(header::SET_COOKIE, set_cookie)],
        Redirect::to("/dashboard/login"),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dashboard_paths_are_followed() {
        assert_eq!(
            safe_next(Some("/dashboard/integrations/x")),
            "/dashboard/integrations/x"
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/v1/ats/jobs",
            "/dashboard\\@evil",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/dashboard", "{bad}");
        }
        assert_eq!(safe_next(None), "/dashboard");
    }
}
