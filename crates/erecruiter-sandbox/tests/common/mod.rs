//! Shared helpers: a spawned sandbox plus a reqwest client holding a live token.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use atsbridge_erecruiter_sandbox::{Sandbox, SandboxConfig, SandboxHandle, SandboxSeed};
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};

pub const SMALL_SEED: SandboxSeed = SandboxSeed {
    jobs: 10,
    candidates: 40,
    seed: 7,
};

pub struct Api {
    pub handle: SandboxHandle,
    pub client: reqwest::Client,
    pub token: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", self.text))
    }
}

impl Api {
    pub async fn start() -> Api {
        Api::start_with(SandboxConfig::default(), SMALL_SEED).await
    }

    pub async fn start_with(config: SandboxConfig, seed: SandboxSeed) -> Api {
        let handle = Sandbox::spawn(config, seed).await.expect("spawn sandbox");
        let client = reqwest::Client::new();
        let mut api = Api {
            handle,
            client,
            token: String::new(),
        };
        api.token = api.fresh_token().await;
        api
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.handle.base_url(), path)
    }

    pub async fn fresh_token(&self) -> String {
        let (key, mandator) = self.handle.credentials();
        let reply = self
            .raw(
                Method::POST,
                "/Api",
                Some(json!({"Key": key, "MandatorId": mandator, "ClientInfo": "tests"})),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.json()["Token"].as_str().unwrap().to_owned()
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> Reply {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.header("X-ApiToken", token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        Reply {
            status,
            headers,
            text,
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.raw(method, path, body, Some(&self.token)).await
    }

    /// GET that must succeed; returns the JSON body.
    pub async fn get_ok(&self, path: &str) -> Value {
        let reply = self.call(Method::GET, path, None).await;
        assert_eq!(reply.status, StatusCode::OK, "GET {path}: {}", reply.text);
        reply.json()
    }
}

/// Checks a date-time string looks like Json.NET output: `YYYY-MM-DDTHH:MM:SS`, up to seven
/// fractional digits, optional `+HH:MM` offset.
pub fn is_dotnet_datetime(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 19 {
        return false;
    }
    let base_ok = bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[16] == b':';
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || digits > 7 {
            return false;
        }
        rest = &fraction[digits..];
    }
    base_ok
        && (rest.is_empty()
            || (rest.len() == 6
                && (rest.starts_with('+') || rest.starts_with('-'))
                && &rest[3..4] == ":"))
}
