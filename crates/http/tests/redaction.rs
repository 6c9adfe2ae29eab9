//! Secrets never leak: not in Debug output, error messages, tracing output or recordings.
//! Also: request paths cannot escape the base URL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use atsbridge_http::{
    AuthClient, ExchangeFuture, HttpClient, HttpErrorKind, IssuedToken, MemoryRecorder,
    ProviderRequest, REDACTED, RecordedBody, Secret, TokenExchange,
};
use common::{RecordingSleeper, builder, mount_catch_all};
use http::{HeaderName, HeaderValue};
use tracing_subscriber::fmt::MakeWriter;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "API-KEY-SECRET-1234";
const TOKEN: &str = "TOKEN-SECRET-5678";
const PIN: &str = "PIN-SECRET-9012";
const EXTRA_HEADER: &str = "HEADER-SECRET-3456";
const SECRETS: [&str; 4] = [API_KEY, TOKEN, PIN, EXTRA_HEADER];

/// A tracing writer that appends into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn exchange(client: AuthClient) -> ExchangeFuture {
    Box::pin(async move {
        let token: serde_json::Value = client
            .send_json(
                ProviderRequest::post("")
                    .json(&serde_json::json!({"ApiKey": API_KEY}))
                    .mark_retry_safe(),
            )
            .await?;
        Ok(IssuedToken {
            header_name: HeaderName::from_static("x-apitoken"),
            value: Secret::new(token["Token"].as_str().unwrap_or_default()),
            expires_at: None,
        })
    })
}

fn assert_no_secret(label: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{label} leaks {secret}: {text}");
    }
}

async fn mount_provider(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/Api/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"Token": TOKEN, "Expires": null}))
                .insert_header("set-cookie", "session=abc"),
        )
        .mount(server)
        .await;
    // The provider echoes the credentials it received in its error body.
    Mock::given(path("/Api/Job/1"))
        .and(query_param("pin", PIN))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "Message": format!("token {TOKEN} with key {API_KEY} and pin {PIN} rejected"),
            "ApiKey": API_KEY,
        })))
        .mount(server)
        .await;
    Mock::given(path("/Api/Job/2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"Id": 2, "Echo": format!("seen {TOKEN}")}))
                .insert_header("retry-after", "1")
                .insert_header("x-apitoken", TOKEN),
        )
        .mount(server)
        .await;
    mount_catch_all(server).await;
}

#[tokio::test]
async fn secrets_stay_out_of_debug_errors_tracing_and_recordings() {
    let server = MockServer::start().await;
    mount_provider(&server).await;
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let recorder = Arc::new(MemoryRecorder::new());
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = builder(&server, sleeper)
        .auth(Arc::new(TokenExchange::new(exchange)))
        .recorder(recorder.clone())
        .secret_query_params(["pin"])
        .scrub_values([Secret::new(API_KEY)])
        .build()
        .unwrap();
    let mut extra = HeaderValue::from_static(EXTRA_HEADER);
    extra.set_sensitive(true);
    let failing = ProviderRequest::get("Job/1")
        .query("culture", "de-AT")
        .query("pin", PIN)
        .header(HeaderName::from_static("x-extra-secret"), extra);

    assert_no_secret("request Debug", &format!("{failing:?}"));
    let err = client.send(failing).await.unwrap_err();
    assert_eq!(err.kind(), HttpErrorKind::InvalidRequest);
    assert_no_secret("error Display", &err.to_string());
    assert_no_secret("error Debug", &format!("{err:?}"));
    assert!(err.to_string().contains("rejected"), "{err}");
    let response = client.send(ProviderRequest::get("Job/2")).await.unwrap();
    assert_no_secret("response Debug", &format!("{response:?}"));
    assert_no_secret("client Debug", &format!("{client:?}"));

    let traced = captured.text();
    assert!(traced.contains("provider_request"), "{traced}");
    assert!(traced.contains("/Api/Job/1"), "{traced}");
    assert_no_secret("tracing output", &traced);

    let exchanges = recorder.exchanges();
    assert_eq!(exchanges.len(), 3);
    let recorded = serde_json::to_string(&exchanges).unwrap();
    assert_no_secret("recording", &recorded);
    assert!(!recorded.to_lowercase().contains("set-cookie"));
    assert!(!recorded.to_lowercase().contains("x-apitoken"));

    let token_exchange = &exchanges[0];
    assert_eq!(token_exchange.path, "/Api/");
    // The exchange keeps its JSON shape (a replay must be able to answer it) with every
    // credential replaced; `assert_no_secret` above covers the whole recording.
    for body in [&token_exchange.request_body, &token_exchange.response_body] {
        match body {
            Some(RecordedBody::Json(json)) => {
                assert!(json.to_string().contains(REDACTED), "{json}")
            }
            other => panic!("expected a scrubbed JSON body, got {other:?}"),
        }
    }

    let job = &exchanges[1];
    assert_eq!(
        job.query,
        vec![
            ("culture".to_owned(), "de-AT".to_owned()),
            ("pin".to_owned(), REDACTED.to_owned()),
        ]
    );
    assert!(job.request_headers.is_empty(), "{:?}", job.request_headers);
    assert_eq!(job.status, 400);

    let job2 = &exchanges[2];
    assert_eq!(
        job2.response_headers.get("retry-after").map(String::as_str),
        Some("1")
    );
    assert_eq!(
        job2.response_headers
            .get("content-type")
            .map(String::as_str),
        Some("application/json")
    );
    let Some(RecordedBody::Json(body)) = &job2.response_body else {
        panic!("expected a JSON body, got {:?}", job2.response_body);
    };
    assert_eq!(body["Id"], 2);
    assert_eq!(body["Echo"], format!("seen {REDACTED}"));
}

#[tokio::test]
async fn paths_that_escape_the_base_are_refused_before_sending() {
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    let client = HttpClient::builder(common::api_base(&server))
        .build()
        .unwrap();
    for bad in [
        "../Admin",
        "Job/../../Admin",
        "//evil.example/x",
        "http://evil.example/",
        "%2e%2e/Admin",
        "Job%2F..%2F..%2FAdmin",
        "Job\\..\\Admin",
    ] {
        let err = client.send(ProviderRequest::get(bad)).await.unwrap_err();
        assert_eq!(err.kind(), HttpErrorKind::InvalidRequest, "{bad}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
    assert_eq!(client.metrics().requests, 0);
}

/// A path with personal data in it (an e-mail lookup) reaches the provider as it is, but
/// logs, spans and errors show only the caller's template.
#[tokio::test]
async fn a_path_template_keeps_personal_data_out_of_logs_and_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let client = builder(&server, Arc::new(RecordingSleeper::default()))
        .build()
        .unwrap();
    let request = ProviderRequest::get("Applicants/ByEmail/jane.doe%40acme.example")
        .log_path_as("Applicants/ByEmail/{email}");
    assert!(!format!("{request:?}").contains("jane.doe"));
    let err = client.send(request).await.unwrap_err();
    let received = server.received_requests().await.unwrap();
    assert!(received[0].url.path().contains("jane.doe%40acme.example"));
    for (label, text) in [
        ("error", err.to_string()),
        ("debug", format!("{err:?}")),
        ("tracing", captured.text()),
    ] {
        assert!(
            !text.contains("jane.doe"),
            "{label} shows the address: {text}"
        );
    }
    assert!(err.to_string().contains("{email}"), "{err}");
}
