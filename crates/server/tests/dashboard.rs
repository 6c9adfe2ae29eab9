//! The operator dashboard over HTTP: the admin token (configured or stored), sessions,
//! CSRF, the pages' content and the force-sync button. The browser test in
//! `crates/cli/tests/browser` drives the same pages in Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atsbridge_schema::Model;
use atsbridge_server::ServerConfig;
use atsbridge_server::dashboard::{AdminToken, DashboardConfig, session};
use atsbridge_store::SyncMode;
use common::{Options, TestApp};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, COOKIE, LOCATION, SET_COOKIE};

const TOKEN: &str = "configured-admin-token-0123456789";

/// A client that does not follow redirects, so their targets can be checked.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn app_with_token(token: Option<&str>) -> TestApp {
    let config = ServerConfig {
        dashboard: DashboardConfig {
            admin_token: token.map(|t| AdminToken::new(t).unwrap()),
            ..DashboardConfig::default()
        },
        ..ServerConfig::default()
    };
    TestApp::start(Options {
        config,
        ..Options::default()
    })
    .await
}

/// Signs in; returns the `name=value` cookie pair.
async fn login(app: &TestApp, token: &str) -> String {
    let response = client()
        .post(format!("{}/dashboard/login", app.base))
        .form(&[("token", token), ("next", "/dashboard")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/dashboard");
    let set_cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/dashboard"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!set_cookie.contains(token));
    set_cookie.split(';').next().unwrap().to_owned()
}

async fn get_page(app: &TestApp, path: &str, cookie: Option<&str>) -> (StatusCode, String) {
    let mut request = client().get(format!("{}{path}", app.base));
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

/// The CSRF token in the forms of a page.
fn csrf_of(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).expect("a form with a CSRF token") + marker.len();
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

fn integration_path(app: &TestApp) -> String {
    format!(
        "/dashboard/integrations/{}",
        app.integration.id.as_str().replace(':', "%3A")
    )
}

#[tokio::test]
async fn without_an_admin_token_the_dashboard_says_how_to_set_one() {
    let app = app_with_token(None).await;
    for path in ["/dashboard", "/dashboard/login", &integration_path(&app)] {
        let (status, page) = get_page(&app, path, None).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(page.contains("atsbridge admin-token"), "{page}");
        assert!(page.contains("ATSBRIDGE_ADMIN_TOKEN"), "{page}");
    }
    // Nothing signs in, whatever is sent.
    let response = client()
        .post(format!("{}/dashboard/login", app.base))
        .form(&[("token", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().get(SET_COOKIE).is_none());
}

#[tokio::test]
async fn pages_need_a_session_and_a_wrong_token_gets_none() {
    let app = app_with_token(Some(TOKEN)).await;
    let response = client()
        .get(format!("{}{}", app.base, integration_path(&app)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()[LOCATION].to_str().unwrap();
    assert!(
        location.starts_with("/dashboard/login?next=%2Fdashboard%2Fintegrations%2F"),
        "{location}"
    );

    let (status, page) = get_page(&app, "/dashboard/login", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<label for=\"token\">Admin token</label>"),
        "{page}"
    );

    let response = client()
        .post(format!("{}/dashboard/login", app.base))
        .form(&[("token", "configured-admin-token-0123456788")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get(SET_COOKIE).is_none());
    let page = response.text().await.unwrap();
    assert!(page.contains("That admin token is not valid."), "{page}");
    assert!(!page.contains("0123456788"), "the typed token is echoed");

    // A forged or altered cookie is no session.
    let cookie = login(&app, TOKEN).await;
    let forged = format!("{}x", cookie);
    let (status, _) = get_page(&app, "/dashboard", Some(&forged)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = get_page(&app, "/dashboard", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_stored_token_signs_in_until_it_is_replaced() {
    let app = app_with_token(None).await;
    let stored = session::generate_token();
    app.store
        .set_admin_token_hash(&session::hash_token(&stored))
        .await
        .unwrap();
    let cookie = login(&app, &stored).await;
    let (status, _) = get_page(&app, "/dashboard", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    // `atsbridge admin-token` again: the old token and its sessions stop working.
    let replacement = session::generate_token();
    app.store
        .set_admin_token_hash(&session::hash_token(&replacement))
        .await
        .unwrap();
    let (status, _) = get_page(&app, "/dashboard", Some(&cookie)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    login(&app, &replacement).await;
}

#[tokio::test]
async fn the_overview_lists_environments_key_labels_and_integrations() {
    let app = app_with_token(Some(TOKEN)).await;
    app.sync().await;
    let cookie = login(&app, TOKEN).await;
    let response = client()
        .get(format!("{}/dashboard", app.base))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
    let page = response.text().await.unwrap();
    for expected in [
        "Acme",
        "Other",
        app.integration.id.as_str(),
        app.other_integration.id.as_str(),
        "healthy",
        "never synced",
        ">tests</span>",
    ] {
        assert!(page.contains(expected), "missing {expected}: {page}");
    }
    assert!(!page.contains(&app.key), "an API key secret is on the page");
    assert!(!page.contains("<script"), "the dashboard ships no script");
}

#[tokio::test]
async fn the_integration_page_shows_counts_changes_and_runs() {
    let app = app_with_token(Some(TOKEN)).await;
    app.sync().await;
    let cookie = login(&app, TOKEN).await;
    let (status, page) = get_page(&app, &integration_path(&app), Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let counts = app.store.record_counts(&app.integration.id).await.unwrap();
    let jobs = counts.iter().find(|c| c.model == Model::Job).unwrap();
    assert!(
        page.contains(&format!(
            "<th scope=\"row\">Jobs</th><td class=\"num\">{}</td>",
            jobs.live
        )),
        "{page}"
    );
    assert!(page.contains("id=\"runs\""), "{page}");
    assert!(page.contains("data-status=\"succeeded\""), "{page}");
    assert!(page.contains("<svg class=\"chart-bars\""), "{page}");
    assert!(
        page.contains(&format!(
            "Jobs: {} records changed in the last 30 days",
            jobs.live
        )),
        "{page}"
    );
    assert!(page.contains("Force full sync"), "{page}");

    let (status, _) = get_page(
        &app,
        "/dashboard/integrations/fakeats%3Anope",
        Some(&cookie),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn force_sync_needs_the_sessions_csrf_token() {
    let app = app_with_token(Some(TOKEN)).await;
    let cookie = login(&app, TOKEN).await;
    let path = integration_path(&app);
    let (_, page) = get_page(&app, &path, Some(&cookie)).await;
    let csrf = csrf_of(&page);
    let url = format!("{}{path}/force-sync", app.base);

    for bad in ["", "not-the-token"] {
        let response = client()
            .post(&url)
            .header(COOKIE, &cookie)
            .form(&[("csrf", bad), ("mode", "full")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    // Another session's token is refused too.
    let other_cookie = login(&app, TOKEN).await;
    let (_, other_page) = get_page(&app, &path, Some(&other_cookie)).await;
    let response = client()
        .post(&url)
        .header(COOKIE, &cookie)
        .form(&[("csrf", csrf_of(&other_page).as_str()), ("mode", "full")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // Without a session there is a redirect to the login, and no sync.
    let response = client()
        .post(&url)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(app.trigger.requests.lock().unwrap().is_empty());

    for (mode, expected) in [("full", SyncMode::Full), ("delta", SyncMode::Delta)] {
        let response = client()
            .post(&url)
            .header(COOKIE, &cookie)
            .form(&[("csrf", csrf.as_str()), ("mode", mode)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()[LOCATION].to_str().unwrap();
        assert!(location.contains("?notice=sync-"), "{location}");
        let requests = app.trigger.requests.lock().unwrap();
        assert_eq!(
            requests.last().unwrap(),
            &(app.integration.id.to_string(), expected)
        );
    }
    let response = client()
        .post(&url)
        .header(COOKIE, &cookie)
        .form(&[("csrf", csrf.as_str()), ("mode", "sideways")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.trigger.requests.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn logout_ends_the_session_cookie() {
    let app = app_with_token(Some(TOKEN)).await;
    let cookie = login(&app, TOKEN).await;
    let (_, page) = get_page(&app, "/dashboard", Some(&cookie)).await;
    let response = client()
        .post(format!("{}/dashboard/logout", app.base))
        .header(COOKIE, &cookie)
        .form(&[("csrf", csrf_of(&page))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let set_cookie = response.headers()[SET_COOKIE].to_str().unwrap();
    assert!(set_cookie.contains("Max-Age=0"), "{set_cookie}");
}

#[tokio::test]
async fn connector_pages_render_the_coverage_declaration() {
    let app = app_with_token(Some(TOKEN)).await;
    let cookie = login(&app, TOKEN).await;
    let (status, page) = get_page(&app, "/dashboard/connectors", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Fake ATS"), "{page}");
    let (status, page) = get_page(&app, "/dashboard/connectors/fakeats", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    let coverage = app.registry.get("fakeats").unwrap().coverage();
    for model in &coverage.models {
        assert!(
            page.contains(&format!("<h3>{}</h3>", model.title)),
            "{}: {page}",
            model.title
        );
    }
    for action in &coverage.actions {
        assert!(
            page.contains(&format!("<h3>{}</h3>", action.title)),
            "{}",
            action.title
        );
    }
    let (status, _) = get_page(&app, "/dashboard/connectors/nope", Some(&cookie)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get_page(&app, "/dashboard/no-such-page", Some(&cookie)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn disable_and_enable_switch_the_integration_and_block_force_sync() {
    let app = app_with_token(Some(TOKEN)).await;
    let cookie = login(&app, TOKEN).await;
    let path = integration_path(&app);
    let (_, page) = get_page(&app, &path, Some(&cookie)).await;
    let csrf = csrf_of(&page);
    assert!(page.contains(">Disable</button>"), "{page}");
    let post = |action: &'static str, fields: Vec<(&'static str, String)>| {
        client()
            .post(format!("{}{path}/{action}", app.base))
            .header(COOKIE, &cookie)
            .form(&fields)
            .send()
    };

    // Without the CSRF token nothing changes.
    let response = post("enabled", vec![("enabled", "false".into())])
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = post(
        "enabled",
        vec![("csrf", csrf.clone()), ("enabled", "maybe".into())],
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let stored = app
        .store
        .find_integration(&app.integration.id)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.enabled);

    let response = post(
        "enabled",
        vec![("csrf", csrf.clone()), ("enabled", "false".into())],
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let stored = app
        .store
        .find_integration(&app.integration.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.enabled);
    let (_, page) = get_page(&app, &format!("{path}?notice=disabled"), Some(&cookie)).await;
    assert!(page.contains(">disabled</span>"), "{page}");
    assert!(page.contains(">Enable</button>"), "{page}");
    assert!(page.contains("neither syncs nor serves"), "{page}");

    // A disabled integration is not synced from the dashboard either.
    let response = post(
        "force-sync",
        vec![("csrf", csrf.clone()), ("mode", "full".into())],
    )
    .await
    .unwrap();
    let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(location.ends_with("?notice=disabled-no-sync"), "{location}");
    assert!(app.trigger.requests.lock().unwrap().is_empty());

    let response = post("enabled", vec![("csrf", csrf), ("enabled", "true".into())])
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let stored = app
        .store
        .find_integration(&app.integration.id)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.enabled);
}

#[tokio::test]
async fn relink_shows_a_single_use_link_for_the_integration_once() {
    let app = app_with_token(Some(TOKEN)).await;
    let cookie = login(&app, TOKEN).await;
    let path = integration_path(&app);
    let (_, page) = get_page(&app, &path, Some(&cookie)).await;
    assert!(page.contains(">Relink</button>"), "{page}");
    let csrf = csrf_of(&page);
    let url = format!("{}{path}/relink", app.base);

    let response = client()
        .post(&url)
        .header(COOKIE, &cookie)
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let response = client()
        .post(&url)
        .header(COOKIE, &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    let marker = "id=\"relink-link\" type=\"text\" readonly value=\"";
    let start = page.find(marker).expect("the link field") + marker.len();
    let link = &page[start..start + page[start..].find('"').unwrap()];
    let public = &ServerConfig::default().public_url;
    let token = link
        .strip_prefix(&format!("{public}/connect/"))
        .unwrap_or_else(|| panic!("{link} is not a connect link under {public}"));
    let stored = app.store.connect_link(token).await.unwrap().unwrap();
    assert_eq!(
        stored.relink_integration_id.as_ref(),
        Some(&app.integration.id)
    );
    assert_eq!(stored.environment_id, app.environment);
    assert!(stored.used_at.is_none());
}

#[tokio::test]
async fn the_integration_page_lists_its_environments_webhook_deliveries() {
    let app = app_with_token(Some(TOKEN)).await;
    let cookie = login(&app, TOKEN).await;
    let (_, page) = get_page(&app, &integration_path(&app), Some(&cookie)).await;
    assert!(page.contains("No webhook delivery yet."), "{page}");

    app.store
        .add_webhook_endpoint(
            &app.environment,
            "https://hooks.example.com/atsbridge?token=endpoint-secret-123",
        )
        .await
        .unwrap();
    // A finished sync writes a `sync-finished` event for the endpoint.
    app.sync().await;
    let (_, page) = get_page(&app, &integration_path(&app), Some(&cookie)).await;
    assert!(
        page.contains("data-event=\"sync-finished\" data-status=\"pending\""),
        "{page}"
    );
    assert!(
        page.contains("https://hooks.example.com/atsbridge"),
        "{page}"
    );
    assert!(
        !page.contains("endpoint-secret-123"),
        "the URL's query is on the page"
    );
}

#[tokio::test]
async fn keys_are_rotated_and_revoked_and_webhook_endpoints_managed_from_the_overview() {
    let app = app_with_token(Some(TOKEN)).await;
    let cookie = login(&app, TOKEN).await;
    let (_, page) = get_page(&app, "/dashboard", Some(&cookie)).await;
    assert!(page.contains("last used"), "{page}");
    assert!(!page.contains(&app.key), "a key secret on the page");
    let csrf = csrf_of(&page);
    let keys = app.store.list_api_keys(&app.environment).await.unwrap();
    let env = app.environment.as_str();
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let cookie = cookie.clone();
        let base = app.base.clone();
        async move {
            client()
                .post(format!("{base}{path}"))
                .header(COOKIE, cookie)
                .form(&form)
                .send()
                .await
                .unwrap()
        }
    };

    // Without the CSRF token nothing happens.
    let rotate = format!(
        "/dashboard/environments/{env}/keys/{}/rotate",
        keys[0].id.as_str()
    );
    let response = post(rotate.clone(), vec![("csrf", "nope".into())]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (status, _) = app.get("/v1/check-api-key").await;
    assert_eq!(status, 200, "the key still works");

    // Rotate: the old key stops at once, the new one is shown once and works.
    let response = post(rotate, vec![("csrf", csrf.clone())]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    let marker = "id=\"api-key\" type=\"text\" readonly value=\"";
    let start = body.find(marker).unwrap() + marker.len();
    let new_key = body[start..start + body[start..].find('"').unwrap()].to_owned();
    let (status, _) = app.get("/v1/check-api-key").await;
    assert_eq!(status, 401, "the rotated-away key still works");
    let (status, _) = app.get_as("/v1/check-api-key", Some(&new_key), None).await;
    assert_eq!(status, 200);

    // Revoke the new key.
    let keys = app.store.list_api_keys(&app.environment).await.unwrap();
    let revoke = format!(
        "/dashboard/environments/{env}/keys/{}/revoke",
        keys[0].id.as_str()
    );
    let response = post(revoke, vec![("csrf", csrf.clone())]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, _) = app.get_as("/v1/check-api-key", Some(&new_key), None).await;
    assert_eq!(status, 401);

    // Webhook endpoints: private addresses are refused, a public one is added with its
    // secret shown once, then removed.
    let add = format!("/dashboard/environments/{env}/webhooks");
    let response = post(
        add.clone(),
        vec![
            ("csrf", csrf.clone()),
            ("url", "http://169.254.169.254/x".into()),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = post(
        add,
        vec![
            ("csrf", csrf.clone()),
            ("url", "https://hooks.example/in".into()),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("whsec_"));
    let endpoints = app
        .store
        .list_webhook_endpoints(Some(&app.environment))
        .await
        .unwrap();
    assert_eq!(endpoints.len(), 1);
    let (_, page) = get_page(&app, "/dashboard", Some(&cookie)).await;
    assert!(page.contains("https://hooks.example/in"));
    let remove = format!(
        "/dashboard/environments/{env}/webhooks/{}/remove",
        endpoints[0].id.as_str()
    );
    let response = post(remove, vec![("csrf", csrf)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        app.store
            .list_webhook_endpoints(Some(&app.environment))
            .await
            .unwrap()
            .is_empty()
    );
}
