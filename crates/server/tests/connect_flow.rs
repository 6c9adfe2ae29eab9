//! The connect flow and the integration lifecycle over HTTP, against the eRecruiter sandbox:
//! create a link, open the page, submit wrong and right credentials, exchange the activation
//! token, see the first sync complete the setup, then disable, relink and delete.
//!
//! Every JSON answer of these routes, success or error, is validated against the shapes of
//! Kombo's own schemas (`tests/spec/kombo-shapes.json`, made by `cargo xtask spec-shapes`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use atsbridge_connector::ConnectorRegistry;
use atsbridge_erecruiter::ErecruiterFactory;
use atsbridge_erecruiter_sandbox::{Sandbox, SandboxConfig, SandboxHandle, SandboxSeed};
use atsbridge_server::{AppState, SchedulerTrigger, ServerConfig};
use atsbridge_store::{IntegrationId, RunStatus, SecretKey, SqliteStore, Store};
use atsbridge_sync::{RegistryConnectorProvider, Scheduler, SyncEngine};
use reqwest::Method;
use serde_json::{Value, json};

const SHAPES: &str = include_str!("spec/kombo-shapes.json");

/// Validates `body` against Kombo's schema of `operation` (`success` or `error`).
fn assert_kombo_shape(operation: &str, kind: &str, body: &Value) {
    let shapes: Value = serde_json::from_str(SHAPES).unwrap();
    let schema = &shapes["operations"][operation][kind];
    assert!(schema.is_object(), "no {kind} shape for {operation}");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{operation} {kind} does not match Kombo's schema: {errors:#?}\n{body:#}"
    );
}

struct Harness {
    base: String,
    key: String,
    other_key: String,
    client: reqwest::Client,
    store: Arc<SqliteStore>,
    sandbox: SandboxHandle,
    _dir: tempfile::TempDir,
}

impl Harness {
    async fn start() -> Harness {
        let sandbox = Sandbox::spawn(
            SandboxConfig::default(),
            SandboxSeed {
                jobs: 4,
                candidates: 8,
                seed: 5,
            },
        )
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(
            SqliteStore::open(dir.path().join("connect.db"), SecretKey::generate()).unwrap(),
        );
        let env = store.create_environment("Apps").await.unwrap();
        let key = store.create_api_key(&env.id, "app").await.unwrap().secret;
        let other = store.create_environment("Other").await.unwrap();
        let other_key = store
            .create_api_key(&other.id, "other")
            .await
            .unwrap()
            .secret;

        let mut registry = ConnectorRegistry::new();
        registry.add(Arc::new(ErecruiterFactory)).unwrap();
        let scheduler = Arc::new(Scheduler::new(
            Arc::new(SyncEngine::new(store.clone())),
            Arc::new(RegistryConnectorProvider::new(
                registry.clone(),
                store.clone(),
            )),
        ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::new(
            store.clone(),
            Arc::new(registry),
            Arc::new(SchedulerTrigger::new(scheduler)),
            ServerConfig {
                public_url: base.clone(),
                ..ServerConfig::default()
            },
        )
        .unwrap();
        tokio::spawn(atsbridge_server::serve(
            listener,
            state,
            std::future::pending(),
        ));
        Harness {
            base,
            key,
            other_key,
            client: reqwest::Client::new(),
            store,
            sandbox,
            _dir: dir,
        }
    }

    async fn api(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        integration: Option<&str>,
    ) -> (u16, Value) {
        self.api_as(&self.key, method, path, body, integration)
            .await
    }

    async fn api_as(
        &self,
        key: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
        integration: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, format!("{}/v1{path}", self.base))
            .bearer_auth(key);
        if let Some(id) = integration {
            request = request.header("X-Integration-Id", id);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    /// Checks a JSON answer against Kombo's schema and returns it.
    async fn kombo(
        &self,
        operation: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let (status, answer) = self.api(method, path, body, None).await;
        let kind = if status == 200 { "success" } else { "error" };
        assert_kombo_shape(operation, kind, &answer);
        (status, answer)
    }

    async fn page(&self, link: &str) -> (u16, String) {
        let response = self.client.get(link).send().await.unwrap();
        let status = response.status().as_u16();
        assert_eq!(
            response.headers()["referrer-policy"],
            "no-referrer",
            "the token in the address must not leak"
        );
        (status, response.text().await.unwrap())
    }

    async fn submit(&self, link: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let response = self.client.post(link).form(fields).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    fn sandbox_fields(&self) -> (String, String, String) {
        let (key, mandator) = self.sandbox.credentials();
        (self.sandbox.base_url(), mandator.to_string(), key)
    }

    async fn wait_for_success(&self, integration: &str) {
        let id = IntegrationId::new(integration);
        for _ in 0..300 {
            let runs = self.store.last_runs(&id, 5).await.unwrap();
            if runs.iter().any(|r| r.status == RunStatus::Succeeded) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the first sync of {integration} did not succeed");
    }
}

fn attribute(html: &str, name: &str) -> String {
    let start = html.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_owned()
}

async fn create_link(h: &Harness, body: Value) -> String {
    let (status, answer) = h
        .kombo(
            "POST /connect/create-link",
            Method::POST,
            "/connect/create-link",
            Some(body),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    answer["data"]["link"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_customer_connects_an_account_and_its_first_sync_runs() {
    let h = Harness::start().await;
    let link = create_link(
        &h,
        json!({
            "end_user_email": "it@acme.example",
            "end_user_organization_name": "ACME GmbH",
            "end_user_origin_id": "cust-42",
            "integration_category": "ATS",
            "integration_tool": "erecruiter",
            "language": "de",
            "link_type": "EMBEDDED",
        }),
    )
    .await;
    assert!(
        link.starts_with(&format!("{}/connect/cl_", h.base)),
        "{link}"
    );

    // The page: German, the guide, a generated form with the secret masked.
    let (status, html) = h.page(&link).await;
    assert_eq!(status, 200);
    assert!(html.contains("lang=\"de\""));
    assert!(html.contains("Ihre Zugangsdaten"));
    assert!(html.contains("Connection Setup Guide"));
    assert!(html.contains("name=\"field.api_key\" type=\"password\""));
    assert!(html.contains("<label for=\"field-host\">"));

    let (host, mandator, api_key) = h.sandbox_fields();
    // A required field left empty.
    let (status, html) = h
        .submit(&link, &[("tool", "erecruiter"), ("field.host", &host)])
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("Bitte füllen Sie dieses Feld aus."));
    // A wrong key: a specific error, the host kept, the secret not echoed.
    let wrong = "wrong-key-that-must-not-be-echoed";
    let (status, html) = h
        .submit(
            &link,
            &[
                ("tool", "erecruiter"),
                ("field.host", &host),
                ("field.mandator_id", &mandator),
                ("field.api_key", wrong),
            ],
        )
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("nicht akzeptiert"), "{html}");
    assert!(html.contains(&format!("value=\"{host}\"")));
    assert!(!html.contains(wrong));
    // An unreachable host.
    let (status, html) = h
        .submit(
            &link,
            &[
                ("tool", "erecruiter"),
                ("field.host", "http://127.0.0.1:9"),
                ("field.mandator_id", &mandator),
                ("field.api_key", &api_key),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("nicht erreichbar"), "{html}");

    // The right credentials.
    let (status, html) = h
        .submit(
            &link,
            &[
                ("tool", "erecruiter"),
                ("field.host", &host),
                ("field.mandator_id", &mandator),
                ("field.api_key", &api_key),
            ],
        )
        .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Ihr Konto ist verbunden"));
    let token = attribute(&html, "data-activation-token");
    assert!(token.starts_with("act_"));

    // The link works once.
    let (status, html) = h.page(&link).await;
    assert_eq!(status, 410);
    assert!(html.contains("bereits verwendet"));

    let by_token = format!("/connect/integration-by-token/{token}");
    let (status, found) = h
        .kombo(
            "GET /connect/integration-by-token/{token}",
            Method::GET,
            &by_token,
            None,
        )
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["data"]["end_user_origin_id"], "cust-42");
    assert_eq!(found["data"]["tool"], "erecruiter");
    let id = found["data"]["id"].as_str().unwrap().to_owned();
    // Another environment's key cannot redeem the token.
    let (status, _) = h
        .api_as(&h.other_key, Method::GET, &by_token, None, None)
        .await;
    assert_eq!(status, 400);

    h.wait_for_success(&id).await;
    let (status, activated) = h
        .kombo(
            "POST /connect/activate-integration",
            Method::POST,
            "/connect/activate-integration",
            Some(json!({"token": token})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(activated["data"]["setup_status"], "COMPLETED");

    let (status, jobs) = h.api(Method::GET, "/ats/jobs", None, Some(&id)).await;
    assert_eq!(status, 200, "{jobs}");
    assert!(!jobs["data"]["results"].as_array().unwrap().is_empty());

    lifecycle_of(&h, &id).await;
}

/// GET, disable, relink, fields, tools, import and delete of a connected integration.
async fn lifecycle_of(h: &Harness, id: &str) {
    let path = format!("/integrations/{id}");
    let (status, view) = h
        .kombo(
            "GET /integrations/{integration_id}",
            Method::GET,
            &path,
            None,
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["data"]["status"], "ACTIVE");
    assert_eq!(view["data"]["end_user"]["organization_name"], "ACME GmbH");
    assert_eq!(view["data"]["tool"]["id"], "erecruiter");
    let (status, _) = h
        .api_as(&h.other_key, Method::GET, &format!("/v1{path}"), None, None)
        .await;
    assert_eq!(status, 404);

    // Disabled: neither serves nor syncs, and says so with Kombo's code.
    let enabled = format!("{path}/enabled");
    let (status, _) = h
        .kombo(
            "PUT /integrations/{integration_id}/enabled",
            Method::PUT,
            &enabled,
            Some(json!({"value": false})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, refused) = h.api(Method::GET, "/ats/jobs", None, Some(id)).await;
    assert_eq!(status, 403);
    assert_eq!(refused["error"]["code"], "INTEGRATION.INACTIVE");
    let (_, view) = h.api(Method::GET, &path, None, None).await;
    assert_eq!(view["data"]["status"], "INACTIVE");
    let (status, _) = h
        .api(Method::PUT, &enabled, Some(json!({"value": true})), None)
        .await;
    assert_eq!(status, 200);

    // Relink: a new link that replaces the credentials of this integration.
    let (status, relinked) = h
        .kombo(
            "POST /integrations/{integration_id}/relink",
            Method::POST,
            &format!("{path}/relink"),
            Some(json!({"language": "en"})),
        )
        .await;
    assert_eq!(status, 200);
    let link = relinked["data"]["link"].as_str().unwrap();
    let (host, mandator, api_key) = h.sandbox_fields();
    let (status, html) = h
        .submit(
            link,
            &[
                ("tool", "erecruiter"),
                ("field.host", &host),
                ("field.mandator_id", &mandator),
                ("field.api_key", &api_key),
            ],
        )
        .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("new credentials are saved"));
    assert_eq!(
        h.store.list_integrations(None).await.unwrap().len(),
        1,
        "a relink creates no integration"
    );

    fields_and_tools(h, id).await;

    let (status, _) = h
        .kombo(
            "DELETE /integrations/{integration_id}",
            Method::DELETE,
            &path,
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, gone) = h
        .kombo(
            "GET /integrations/{integration_id}",
            Method::GET,
            &path,
            None,
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(gone["error"]["code"], "PLATFORM.INTEGRATION_NOT_FOUND");
    assert!(h.store.list_integrations(None).await.unwrap().is_empty());
}

async fn fields_and_tools(h: &Harness, id: &str) {
    let (status, fields) = h
        .kombo(
            "GET /integrations/{integration_id}/integration-fields",
            Method::GET,
            &format!("/integrations/{id}/integration-fields?page_size=5"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{fields}");
    let (status, missing) = h
        .kombo(
            "PATCH /integrations/{integration_id}/integration-fields/{integration_field_id}",
            Method::PATCH,
            &format!("/integrations/{id}/integration-fields/nope"),
            Some(json!({"enable_passthrough": false})),
        )
        .await;
    assert_eq!(status, 404, "{missing}");
    let (status, custom) = h
        .kombo(
            "GET /integrations/{integration_id}/custom-fields",
            Method::GET,
            &format!("/integrations/{id}/custom-fields"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{custom}");
    let (status, bad) = h
        .kombo(
            "PUT /integrations/{integration_id}/custom-fields/{custom_field_id}",
            Method::PUT,
            &format!("/integrations/{id}/custom-fields/nope"),
            Some(json!({"integration_field_id": null})),
        )
        .await;
    assert_eq!(status, 404, "{bad}");

    let (status, tools) = h
        .kombo("GET /tools/{category}", Method::GET, "/tools/ats", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(tools["data"]["tools"][0]["id"], "erecruiter");
    let (status, _) = h
        .kombo("GET /tools/{category}", Method::GET, "/tools/nope", None)
        .await;
    assert_eq!(status, 400);

    let (status, imported) = h
        .api(
            Method::POST,
            "/ats/import-tracked-application",
            Some(json!({
                "erecruiter": {
                    "id_type": "application_and_job_remote_ids",
                    "application_remote_id": "777",
                    "job_remote_id": "1",
                },
                "tracked_at": "2026-01-01T00:00:00Z",
            })),
            Some(id),
        )
        .await;
    assert_eq!(status, 200, "{imported}");
    assert_kombo_shape("POST /ats/import-tracked-application", "success", &imported);
    let tracked = h
        .store
        .tracked_applications(&IntegrationId::new(id))
        .await
        .unwrap();
    assert!(tracked.iter().any(|t| t.application_remote_id == "777"));
}

#[tokio::test]
async fn bad_link_requests_get_kombo_errors_and_bad_links_get_clear_pages() {
    let h = Harness::start().await;
    for body in [
        json!({"end_user_email": "not-an-email", "end_user_organization_name": "ACME"}),
        json!({"end_user_email": "a@b.de", "end_user_organization_name": " "}),
        json!({"end_user_email": "a@b.de", "end_user_organization_name": "ACME",
               "integration_category": "HRIS"}),
        json!({"end_user_email": "a@b.de", "end_user_organization_name": "ACME",
               "integration_tool": "personio"}),
        json!({"end_user_email": "a@b.de", "end_user_organization_name": "ACME",
               "unexpected": true}),
        json!([]),
    ] {
        let (status, answer) = h
            .kombo(
                "POST /connect/create-link",
                Method::POST,
                "/connect/create-link",
                Some(body.clone()),
            )
            .await;
        assert_eq!(status, 400, "{body} → {answer}");
        assert_eq!(answer["error"]["code"], "PLATFORM.INPUT_INVALID");
    }
    let (status, html) = h.page(&format!("{}/connect/cl_nonsense", h.base)).await;
    assert_eq!(status, 404);
    assert!(html.contains("This link is not valid."));

    // A link for every tool lists them; choosing one shows its form.
    let link = create_link(
        &h,
        json!({"end_user_email": "a@b.de", "end_user_organization_name": "ACME"}),
    )
    .await;
    let (status, html) = h.page(&link).await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"?tool=erecruiter\""));
    let (status, html) = h.page(&format!("{link}?tool=erecruiter")).await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"field.api_key\""));
    let (status, answer) = h
        .kombo(
            "GET /connect/integration-by-token/{token}",
            Method::GET,
            "/connect/integration-by-token/act_unknown",
            None,
        )
        .await;
    assert_eq!(status, 400, "{answer}");
}
