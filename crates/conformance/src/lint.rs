//! Fixture lint: no credentials, tokens or real-looking personal data in committed fixtures.
//!
//! Rules: no secret-bearing headers; values under secret-like keys must be `[REDACTED]`;
//! no bearer tokens, JWTs or long opaque tokens anywhere; e-mail addresses and URLs only on
//! allow-listed fake domains; phone numbers only from the fictional `555` range.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use serde_json::Value;

use crate::error::KitError;
use crate::fixture::{Fixture, FixtureBody, REDACTED, SERVER_PLACEHOLDER, collect_json_files};

/// Domains (and their subdomains) that may appear in e-mail addresses and URLs.
pub const FAKE_DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "example.net",
    "example",
    "test",
    "invalid",
    "localhost",
];

/// Header names that carry credentials and must never be stored.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-apitoken",
    "x-api-token",
    "x-api-key",
    "api-key",
];

/// Object keys (lower-case, without `_` and `-`) whose values are secrets.
/// A plain lower-case `key` is not in the list (it names attribute keys); `Key` is, via
/// [`is_secret_key`], as eRecruiter's token exchange spells it.
const SECRET_KEYS: &[&str] = &[
    "apikey",
    "token",
    "apitoken",
    "accesstoken",
    "refreshtoken",
    "password",
    "secret",
    "clientsecret",
    "authorization",
    "bearer",
];

/// Which rule a finding breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LintRule {
    /// The file is not a valid v1 fixture.
    InvalidFixture,
    /// A header that carries credentials was recorded.
    SecretHeader,
    /// A secret-like key holds something other than `[REDACTED]`.
    UnredactedSecret,
    /// A value looks like a bearer token, JWT or API key.
    TokenLike,
    /// An e-mail address outside the fake domains.
    RealEmail,
    /// A URL whose host is outside the fake domains.
    RealUrl,
    /// A phone number outside the fictional range.
    RealPhone,
}

/// One problem found in a fixture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintFinding {
    /// The fixture file, when linting from disk.
    pub file: Option<PathBuf>,
    /// The scenario name (empty when the file could not be parsed).
    pub scenario: String,
    /// Where in the fixture (`interactions[2].response.body.Email`).
    pub location: String,
    /// The rule broken.
    pub rule: LintRule,
    /// Human-readable explanation; never repeats a suspected secret in full.
    pub message: String,
}

impl std::fmt::Display for LintFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        write!(
            f,
            "{} at {}: {}",
            self.scenario, self.location, self.message
        )
    }
}

static BEARER: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"));
static JWT: LazyLock<Regex> =
    LazyLock::new(|| compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\."));
static OPAQUE_TOKEN: LazyLock<Regex> = LazyLock::new(|| compile(r"^[A-Za-z0-9_\-.]{32,}$"));
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| compile(r"[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)"));
static URL_HOST: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?i)\bhttps?://(?:[^/@\s]*@)?([A-Za-z0-9.-]+|\[[0-9a-f:]+\])"));
static PHONE_SHAPE: LazyLock<Regex> =
    LazyLock::new(|| compile(r"^\+?[0-9][0-9 ()/.-]{5,22}[0-9]$"));
static DATE_PREFIX: LazyLock<Regex> = LazyLock::new(|| compile(r"^\d{4}-\d{2}-\d{2}"));

#[allow(clippy::expect_used)] // the patterns above are constants, covered by tests
fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("lint pattern compiles")
}

/// Lints one fixture.
pub fn lint_fixture(fixture: &Fixture) -> Vec<LintFinding> {
    let mut linter = Linter {
        scenario: fixture.scenario.clone(),
        findings: Vec::new(),
    };
    linter.text("docs", &fixture.docs);
    linter.value("config", None, &fixture.config);
    if let Ok(input) = serde_json::to_value(&fixture.input) {
        linter.value("input", None, &input);
    }
    for (index, interaction) in fixture.interactions.iter().enumerate() {
        let request = &interaction.request;
        let at = format!("interactions[{index}].request");
        linter.text(&format!("{at}.path"), &request.path);
        for (name, value) in &request.query {
            let before = linter.findings.len();
            linter.value(
                &format!("{at}.query.{name}"),
                Some(name),
                &Value::String(value.clone()),
            );
            // A paging cursor is opaque provider state (Greenhouse: base64 of the query), long
            // and token-shaped but no credential; the other rules still apply to it.
            if PAGING_CURSOR_PARAMS.contains(&name.as_str()) {
                let mut index = before;
                while index < linter.findings.len() {
                    if linter.findings[index].rule == LintRule::TokenLike {
                        linter.findings.remove(index);
                    } else {
                        index += 1;
                    }
                }
            }
        }
        linter.headers(&at, request.headers.iter());
        linter.body(&format!("{at}.body"), request.body.as_ref());

        let response = &interaction.response;
        let at = format!("interactions[{index}].response");
        linter.headers(&at, response.headers.iter());
        linter.body(&format!("{at}.body"), response.body.as_ref());
    }
    linter.findings
}

/// Query parameters that carry a provider's paging cursor.
const PAGING_CURSOR_PARAMS: [&str; 3] = ["cursor", "page_token", "starting_after"];

/// Lints every `*.json` file under `dir`; files that are not valid fixtures are findings too.
pub fn lint_dir(dir: &Path) -> Result<Vec<LintFinding>, KitError> {
    let mut paths = Vec::new();
    collect_json_files(dir, &mut paths)?;
    paths.sort();
    let mut findings = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|source| KitError::Io {
            path: path.display().to_string(),
            source,
        })?;
        match Fixture::from_json(&text, &path.display().to_string()) {
            Ok(fixture) => {
                findings.extend(
                    lint_fixture(&fixture)
                        .into_iter()
                        .map(|finding| LintFinding {
                            file: Some(path.clone()),
                            ..finding
                        }),
                )
            }
            Err(error) => findings.push(LintFinding {
                file: Some(path.clone()),
                scenario: String::new(),
                location: "(file)".to_owned(),
                rule: LintRule::InvalidFixture,
                message: error.to_string(),
            }),
        }
    }
    Ok(findings)
}

struct Linter {
    scenario: String,
    findings: Vec<LintFinding>,
}

impl Linter {
    fn report(&mut self, location: &str, rule: LintRule, message: String) {
        self.findings.push(LintFinding {
            file: None,
            scenario: self.scenario.clone(),
            location: location.to_owned(),
            rule,
            message,
        });
    }

    fn headers<'a>(&mut self, at: &str, headers: impl Iterator<Item = (&'a String, &'a String)>) {
        for (name, value) in headers {
            let location = format!("{at}.headers.{name}");
            let lower = name.to_ascii_lowercase();
            if SECRET_HEADERS.contains(&lower.as_str())
                || lower.contains("token")
                || lower.contains("secret")
            {
                self.report(
                    &location,
                    LintRule::SecretHeader,
                    format!("header `{name}` carries credentials and must not be recorded"),
                );
            } else {
                self.text(&location, value);
            }
        }
    }

    fn body(&mut self, at: &str, body: Option<&FixtureBody>) {
        match body {
            Some(FixtureBody::Json(value)) => self.value(at, None, value),
            Some(FixtureBody::Text(text)) => self.text(at, text),
            Some(FixtureBody::Redacted) | None => {}
        }
    }

    fn value(&mut self, at: &str, key: Option<&str>, value: &Value) {
        match value {
            Value::String(text) => {
                if let Some(key) = key
                    && is_secret_key(key)
                    && !text.is_empty()
                    && text != REDACTED
                {
                    self.report(
                        at,
                        LintRule::UnredactedSecret,
                        format!("`{key}` must be \"{REDACTED}\""),
                    );
                    return;
                }
                if key.is_some_and(is_phone_key) {
                    self.phone(at, text, true);
                    self.text_without_phone(at, text);
                } else {
                    self.text(at, text);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.value(&format!("{at}[{index}]"), key, item);
                }
            }
            Value::Object(map) => {
                for (name, item) in map {
                    self.value(&format!("{at}.{name}"), Some(name), item);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    fn text(&mut self, at: &str, text: &str) {
        self.text_without_phone(at, text);
        self.phone(at, text, false);
    }

    fn text_without_phone(&mut self, at: &str, text: &str) {
        if BEARER.is_match(text) || JWT.is_match(text) {
            self.report(
                at,
                LintRule::TokenLike,
                "looks like a bearer token or JWT; replace it with \"[REDACTED]\"".to_owned(),
            );
        } else if OPAQUE_TOKEN.is_match(text)
            && text.chars().any(|c| c.is_ascii_digit())
            && text.chars().any(|c| c.is_ascii_alphabetic())
        {
            self.report(
                at,
                LintRule::TokenLike,
                format!(
                    "looks like an API key or token ({} characters starting `{}`); replace it \
                     with \"[REDACTED]\"",
                    text.len(),
                    text.chars().take(4).collect::<String>()
                ),
            );
        }
        for capture in EMAIL.captures_iter(text) {
            if let Some(domain) = capture.get(1)
                && !is_fake_domain(domain.as_str())
            {
                self.report(
                    at,
                    LintRule::RealEmail,
                    format!(
                        "e-mail address on `{}`; use example.com, example.org or example.net",
                        domain.as_str()
                    ),
                );
            }
        }
        for capture in URL_HOST.captures_iter(text) {
            if let Some(host) = capture.get(1)
                && !is_fake_host(host.as_str())
            {
                self.report(
                    at,
                    LintRule::RealUrl,
                    format!(
                        "URL on host `{}`; use an example.* domain or [SERVER]",
                        host.as_str()
                    ),
                );
            }
        }
    }

    fn phone(&mut self, at: &str, text: &str, phone_key: bool) {
        if is_real_looking_phone(text, phone_key) {
            self.report(
                at,
                LintRule::RealPhone,
                "phone number outside the fictional 555 range (e.g. +43 1 555 0100)".to_owned(),
            );
        }
    }
}

/// True for a phone-shaped value outside the fictional `555` range; `phone_key` relaxes the
/// shape rules for values stored under phone-like keys.
pub(crate) fn is_real_looking_phone(text: &str, phone_key: bool) -> bool {
    let trimmed = text.trim();
    if !phone_key && !trimmed.starts_with('+') {
        return false;
    }
    if DATE_PREFIX.is_match(trimmed) || !PHONE_SHAPE.is_match(trimmed) {
        return false;
    }
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 6 || (!phone_key && digits.len() < 8) {
        return false;
    }
    !digits.contains("555")
}

/// Rewrites every URL host outside the fake domains to `<name>.example.com`
/// (`https://www.linkedin.com/in/x` becomes `https://linkedin.example.com/in/x`).
pub(crate) fn fake_url_hosts(text: &str) -> String {
    URL_HOST
        .replace_all(text, |captures: &regex::Captures<'_>| {
            let whole = captures.get(0).map_or("", |m| m.as_str());
            match captures.get(1) {
                Some(host) if !is_fake_host(host.as_str()) => {
                    let name = host
                        .as_str()
                        .trim_start_matches("www.")
                        .split('.')
                        .next()
                        .unwrap_or("host");
                    whole.replace(host.as_str(), &format!("{name}.example.com"))
                }
                _ => whole.to_owned(),
            }
        })
        .into_owned()
}

/// A deterministic fictional replacement for a phone number: same country code, then
/// `1 555 0` and the last three digits.
pub(crate) fn fake_phone(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let tail = &digits[digits.len().saturating_sub(3)..];
    let country = if text.trim().starts_with("+") {
        format!("+{} ", &digits[..digits.len().min(2)])
    } else {
        "0".to_owned()
    };
    format!("{country}1 555 0{tail}")
}

fn normalized_key(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .collect::<String>()
        .to_ascii_lowercase()
}

pub(crate) fn is_secret_key(key: &str) -> bool {
    key == "Key" || key == "KEY" || SECRET_KEYS.contains(&normalized_key(key).as_str())
}

pub(crate) fn is_phone_key(key: &str) -> bool {
    let key = normalized_key(key);
    key.contains("phone") || key.contains("mobile") || key == "fax" || key == "tel"
}

fn is_fake_domain(domain: &str) -> bool {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    FAKE_DOMAINS
        .iter()
        .any(|fake| domain == *fake || domain.ends_with(&format!(".{fake}")))
}

fn is_fake_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "127.0.0.1"
        || host == "[::1]"
        || is_fake_domain(&host)
        || SERVER_PLACEHOLDER.eq_ignore_ascii_case(&host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{
        Expectation, ExpectedOutcome, FixtureRequest, FixtureResponse, Interaction, ScenarioInput,
    };
    use serde_json::json;
    use std::collections::BTreeMap;

    fn fixture(config: Value, response_body: Value, headers: &[(&str, &str)]) -> Fixture {
        Fixture {
            version: 1,
            connector: "acme".into(),
            scenario: "lint_case".into(),
            docs: "A scenario on [SERVER].".into(),
            fault: None,
            config,
            clock: "2026-01-01T00:00:00Z".parse().unwrap(),
            input: ScenarioInput::Check,
            ordered: false,
            interactions: vec![Interaction {
                request: FixtureRequest {
                    method: "GET".into(),
                    path: "/Api/Ping".into(),
                    query: BTreeMap::new(),
                    headers: headers
                        .iter()
                        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                        .collect(),
                    body: None,
                },
                response: FixtureResponse {
                    status: 200,
                    headers: BTreeMap::new(),
                    body: Some(FixtureBody::Json(response_body)),
                },
            }],
            expect: Expectation {
                outcome: ExpectedOutcome::Ok,
                complete_models: None,
            },
        }
    }

    fn rules(fixture: &Fixture) -> Vec<LintRule> {
        lint_fixture(fixture).into_iter().map(|f| f.rule).collect()
    }

    #[test]
    fn clean_fixture_passes() {
        let clean = fixture(
            json!({"host": "[SERVER]", "api_key": "[REDACTED]", "mandator_id": 1234}),
            json!({
                "Token": "[REDACTED]",
                "Email": "anna.muster@example.com",
                "Phone": "+43 1 555 0100",
                "JobAdUrl": "https://jobs.example.org/Job/4711",
                "CreationDate": "2025-02-10T08:15:00+01:00",
                "Id": 123456789
            }),
            &[("content-type", "application/json")],
        );
        assert_eq!(lint_fixture(&clean), vec![]);
    }

    #[test]
    fn a_paging_cursor_is_not_a_token_but_other_query_values_are() {
        let opaque = "eyJyZXNvdXJjZSI6ImNhbmRpZGF0ZXMiLCJxdWVyeSI6eyJwZXJfcGFnZSI6IjUifSwiYWZ0ZXIiOjMwMDAwMDA3fQ";
        let mut paged = fixture(json!({}), json!({}), &[]);
        paged.interactions[0]
            .request
            .query
            .insert("cursor".into(), opaque.into());
        assert_eq!(lint_fixture(&paged), vec![]);
        let mut leaked = fixture(json!({}), json!({}), &[]);
        leaked.interactions[0]
            .request
            .query
            .insert("ref".into(), opaque.into());
        assert_eq!(rules(&leaked), vec![LintRule::TokenLike]);
    }

    #[test]
    fn flags_each_kind_of_leak() {
        assert_eq!(
            rules(&fixture(
                json!({"api_key": "abc", "attributes": [{"key": "Score"}]}),
                json!({"Key": "x"}),
                &[]
            )),
            vec![LintRule::UnredactedSecret, LintRule::UnredactedSecret]
        );
        assert_eq!(
            rules(&fixture(
                json!({}),
                json!({}),
                &[("X-ApiToken", "[REDACTED]")]
            )),
            vec![LintRule::SecretHeader]
        );
        assert_eq!(
            rules(&fixture(
                json!({}),
                json!({"Note": "Bearer abcdefghijklmnop"}),
                &[]
            )),
            vec![LintRule::TokenLike]
        );
        assert_eq!(
            rules(&fixture(
                json!({}),
                json!({"Ref": "0123456789abcdef0123456789abcdef"}),
                &[]
            )),
            vec![LintRule::TokenLike]
        );
        assert_eq!(
            rules(&fixture(json!({}), json!({"Email": "max@gmail.com"}), &[])),
            vec![LintRule::RealEmail]
        );
        assert_eq!(
            rules(&fixture(
                json!({}),
                json!({"Profile": "https://www.linkedin.com/in/max"}),
                &[]
            )),
            vec![LintRule::RealUrl]
        );
        assert_eq!(
            rules(&fixture(
                json!({}),
                json!({"MobilePhone": "0664 1234567"}),
                &[]
            )),
            vec![LintRule::RealPhone]
        );
        assert_eq!(
            rules(&fixture(
                json!({}),
                json!({"Other": "+43 664 1234567"}),
                &[]
            )),
            vec![LintRule::RealPhone]
        );
    }

    #[test]
    fn fake_hosts_pass_the_lint() {
        assert_eq!(
            fake_url_hosts("see https://www.linkedin.com/in/x and http://127.0.0.1:80/a"),
            "see https://linkedin.example.com/in/x and http://127.0.0.1:80/a"
        );
    }

    #[test]
    fn fake_phones_pass_the_lint() {
        let fake = fake_phone("+43 664 1234567");
        assert_eq!(fake, "+43 1 555 0567");
        assert!(!is_real_looking_phone(&fake, true));
        assert!(!is_real_looking_phone(&fake_phone("0664 1234567"), true));
    }

    #[test]
    fn dates_and_ids_are_not_phones() {
        let fixture = fixture(
            json!({}),
            json!({"Phone": null, "Date": "2025-02-10", "Ids": ["20250210"]}),
            &[],
        );
        assert_eq!(lint_fixture(&fixture), vec![]);
    }

    #[test]
    fn lint_dir_reports_invalid_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("broken.json"), "{").unwrap();
        let good = fixture(json!({}), json!({"Email": "a@example.net"}), &[]);
        good.save(&dir.path().join("sub/good.json")).unwrap();
        let findings = lint_dir(dir.path()).unwrap();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule, LintRule::InvalidFixture);
    }
}
