//! The eRecruiter endpoints the connector calls, on top of the shared HTTP transport.
//!
//! One [`ErecruiterClient`] per integration: it owns the [`HttpClient`] (base URL
//! `{root}/Api/`, token exchange auth hook, concurrency and rate limits, 60 s per attempt) and
//! turns transport errors into [`ConnectorError`]s.

use std::sync::Arc;
use std::time::Duration;

use atsbridge_connector::ConnectorError;
use atsbridge_http::{
    AuthClient, ExchangeFuture, HttpClient, HttpError, HttpErrorKind, IssuedToken, Limits,
    ProviderRequest, ProviderResponse, Recorder, Secret, TokenExchange,
};
use bytes::Bytes;
use http::HeaderName;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::config::ErecruiterConfig;
use crate::wire::{
    ApiTokenParameter, ApiTokenResponse, ApplicantCvParameter, ApplicantDocumentParameter,
    ApplicantHistoryParameter, ApplicantPolicyParameter, ApplicantResponse,
    ApplicationCreateParameter, ApplicationCreateResponse, ApplicationJobResponse,
    ApplicationResponse, CustomFieldValueParameter, CustomFieldValueResponse, JobResponse,
    MandatorResponse, PolicyResponse, QuestionnaireResponse,
};

/// Provider name used in spans and errors.
pub const PROVIDER: &str = "erecruiter";
/// Header that carries the token.
pub const TOKEN_HEADER: &str = "x-apitoken";
/// Per-attempt timeout.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// A typed value together with the raw JSON it was read from (for `remote_data`).
#[derive(Debug, Clone)]
pub struct WithRaw<T> {
    /// The typed value.
    pub value: T,
    /// The JSON as received.
    pub raw: Value,
}

/// The body of a `PublishedJobs` answer (`{"Jobs": [...], "Culture": ...}`), kept as bytes.
///
/// The job list is one response however many jobs are published, and a parsed JSON tree of
/// it costs several times its size. So the list is only split into the raw text of each job
/// ([`PublishedJobs::raw_jobs`], borrowed from the body) and each job is parsed when it is
/// used ([`read_job`], [`read_job_json`]): a run holds the body and one batch of jobs.
#[derive(Debug, Clone)]
pub struct PublishedJobs {
    body: Bytes,
}

/// The members of a `PublishedJobs` answer the connector reads; the jobs stay unparsed.
#[derive(Deserialize)]
struct RawJobList<'a> {
    #[serde(rename = "Jobs", borrow, default)]
    jobs: Option<Vec<&'a RawValue>>,
}

impl PublishedJobs {
    /// The raw JSON of every listed job, in list order (`null` or no `Jobs` reads as none).
    pub fn raw_jobs(&self) -> Result<Vec<&RawValue>, ConnectorError> {
        let list: RawJobList<'_> = serde_json::from_slice(&self.body).map_err(|e| {
            ConnectorError::provider_error(
                200,
                format!("eRecruiter sent an unreadable job list: {e}"),
            )
            .with_provider(PROVIDER)
            .with_request("GET", "/Api/PublishedJobs")
        })?;
        Ok(list.jobs.unwrap_or_default())
    }
}

/// Reads the typed job out of one job's raw JSON (no JSON tree is built).
pub fn read_job(raw: &RawValue) -> Result<JobResponse, ConnectorError> {
    serde_json::from_str(raw.get()).map_err(|e| unreadable("job", e))
}

/// Reads one job's raw JSON as the typed job together with its JSON tree (for
/// `remote_data`).
pub fn read_job_json(raw: &RawValue) -> Result<WithRaw<JobResponse>, ConnectorError> {
    let raw: Value = serde_json::from_str(raw.get()).map_err(|e| unreadable("job", e))?;
    Ok(WithRaw {
        value: decode(&raw, "job")?,
        raw,
    })
}

fn unreadable(what: &str, error: serde_json::Error) -> ConnectorError {
    ConnectorError::provider_error(
        200,
        format!("eRecruiter sent an unreadable {what}: {error}"),
    )
    .with_provider(PROVIDER)
}

/// Typed access to the eRecruiter API of one integration.
#[derive(Clone, Debug)]
pub struct ErecruiterClient {
    http: HttpClient,
    culture: String,
}

/// Percent-encodes one path segment (everything but unreserved characters and `@`).
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'~' | b'@' => {
                out.push(byte as char)
            }
            // A lone `.` or `..` segment is refused by the transport; dots inside are fine.
            b'.' => out.push('.'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Converts a transport error into the connector error taxonomy.
pub fn map_http_error(error: HttpError) -> ConnectorError {
    let message = error.to_string();
    let status = error.http_status().map(|s| s.as_u16());
    let mapped = match error.kind() {
        HttpErrorKind::Unauthenticated => ConnectorError::unauthenticated(message),
        HttpErrorKind::PermissionDenied => ConnectorError::permission_denied(message),
        HttpErrorKind::NotFound => ConnectorError::not_found(message),
        HttpErrorKind::RateLimited { retry_after } => {
            ConnectorError::rate_limited(retry_after, message)
        }
        HttpErrorKind::InvalidRequest | HttpErrorKind::Conflict => match status {
            Some(code) => ConnectorError::from_provider_status(code, message),
            None => ConnectorError::invalid_input(message),
        },
        HttpErrorKind::ProviderUnavailable => ConnectorError::provider_unavailable(message),
        HttpErrorKind::ProviderError { status } => ConnectorError::provider_error(status, message),
        HttpErrorKind::Transport => ConnectorError::transport(message),
        HttpErrorKind::Timeout | HttpErrorKind::Deadline => ConnectorError::timeout(message),
        HttpErrorKind::Decode => ConnectorError::provider_error(status.unwrap_or(200), message),
        HttpErrorKind::Config => ConnectorError::config(message),
        _ => ConnectorError::transport(message),
    };
    let mapped = mapped.with_provider(PROVIDER);
    let mapped = match (error.method(), error.path()) {
        (Some(method), Some(path)) => mapped.with_request(method.as_str(), path),
        _ => mapped,
    };
    match status {
        Some(code) => mapped.with_provider_status(code),
        None => mapped,
    }
}

/// Reads a typed value out of the raw JSON without copying it (the raw JSON is kept for
/// `remote_data`).
fn decode<T: DeserializeOwned>(raw: &Value, what: &str) -> Result<T, ConnectorError> {
    T::deserialize(raw).map_err(|e| {
        ConnectorError::provider_error(200, format!("eRecruiter sent an unreadable {what}: {e}"))
            .with_provider(PROVIDER)
    })
}

/// Splits a raw JSON array into typed elements that keep their raw JSON (`null` reads as an
/// empty list).
fn decode_list<T: DeserializeOwned>(
    raw: Value,
    what: &str,
) -> Result<Vec<WithRaw<T>>, ConnectorError> {
    let items = match raw {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        other => {
            return Err(ConnectorError::provider_error(
                200,
                format!(
                    "eRecruiter sent an unreadable {what} list: expected an array, got {}",
                    json_kind(&other)
                ),
            )
            .with_provider(PROVIDER));
        }
    };
    items
        .into_iter()
        .map(|raw| {
            Ok(WithRaw {
                value: decode(&raw, what)?,
                raw,
            })
        })
        .collect()
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn not_found_as_none<T>(result: Result<T, ConnectorError>) -> Result<Option<T>, ConnectorError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(e) if matches!(e.kind(), atsbridge_connector::ErrorKind::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Builds the token exchange hook: `POST Api` with key, mandator and client info.
fn token_exchange(
    config: &ErecruiterConfig,
) -> impl Fn(AuthClient) -> ExchangeFuture + Send + Sync + 'static {
    let key = Secret::new(config.api_key.expose());
    let mandator_id = config.mandator_id;
    let client_info = config.client_info.clone();
    move |client: AuthClient| {
        let key = key.clone();
        let client_info = client_info.clone();
        Box::pin(async move {
            let body = ApiTokenParameter {
                key: key.expose(),
                mandator_id,
                client_info: &client_info,
            };
            let response: ApiTokenResponse = client
                // Exchanging the key for a token changes nothing at eRecruiter, so a 5xx or
                // a dropped connection is retried like a GET.
                .send_json(ProviderRequest::post("").json(&body).mark_retry_safe())
                .await?;
            if response.token.trim().is_empty() {
                return Err(HttpError::decode(
                    "the token exchange answered without a token",
                ));
            }
            Ok(IssuedToken {
                header_name: HeaderName::from_static(TOKEN_HEADER),
                value: Secret::new(response.token),
                expires_at: response.expires,
            })
        }) as ExchangeFuture
    }
}

impl ErecruiterClient {
    /// Builds the client for a validated config.
    pub fn new(config: &ErecruiterConfig) -> Result<Self, ConnectorError> {
        Self::build(config, None)
    }

    /// Builds the client with the transport's recording hook: every exchange is handed,
    /// scrubbed, to `recorder` (used to record conformance fixtures).
    pub fn with_recorder(
        config: &ErecruiterConfig,
        recorder: Arc<dyn Recorder>,
    ) -> Result<Self, ConnectorError> {
        Self::build(config, Some(recorder))
    }

    fn build(
        config: &ErecruiterConfig,
        recorder: Option<Arc<dyn Recorder>>,
    ) -> Result<Self, ConnectorError> {
        let auth =
            TokenExchange::new(token_exchange(config)).refresh_before(Duration::from_secs(300));
        let mut builder = HttpClient::builder(config.api_base_url())
            .provider(PROVIDER)
            .auth(Arc::new(auth))
            .attempt_timeout(ATTEMPT_TIMEOUT)
            .limits(Limits {
                max_concurrency: config.max_concurrent_requests.get() as usize,
                requests_per_second: Some(f64::from(config.requests_per_second.get())),
            })
            // The key only travels in the token exchange, which the transport already hides;
            // scrubbing its value everywhere else is a second line of defence.
            .scrub_values([Secret::new(config.api_key.expose())]);
        if let Some(recorder) = recorder {
            builder = builder.recorder(recorder);
        }
        let http = builder.build().map_err(map_http_error)?;
        Ok(Self {
            http,
            culture: config.culture.clone(),
        })
    }

    /// The underlying transport (passthrough uses it directly).
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// Attempts this client has sent to eRecruiter since it was built: every retry and token
    /// exchange counts, like the provider sees them.
    pub fn requests_sent(&self) -> u64 {
        self.http.metrics().requests
    }

    /// Sends a request and maps errors.
    pub async fn send(&self, request: ProviderRequest) -> Result<ProviderResponse, ConnectorError> {
        self.http.send(request).await.map_err(map_http_error)
    }

    async fn get_raw(&self, request: ProviderRequest) -> Result<Value, ConnectorError> {
        let response = self.send(request).await?;
        if response.body.is_empty() {
            return Ok(Value::Null);
        }
        response.json::<Value>().map_err(map_http_error)
    }

    async fn call<T: DeserializeOwned>(
        &self,
        request: ProviderRequest,
        what: &str,
    ) -> Result<T, ConnectorError> {
        let raw = self.get_raw(request).await?;
        decode(&raw, what)
    }

    fn with_culture(&self, request: ProviderRequest) -> ProviderRequest {
        request.query("culture", self.culture.clone())
    }

    /// `GET Api/Ping`: answers whether the token is accepted.
    pub async fn ping(&self) -> Result<String, ConnectorError> {
        let response = self.send(ProviderRequest::get("Ping")).await?;
        Ok(response.text())
    }

    /// `GET Api/PublishedJobs`: the answer as received, read one job at a time through
    /// [`PublishedJobs`].
    pub async fn published_jobs(&self) -> Result<PublishedJobs, ConnectorError> {
        let response = self
            .send(self.with_culture(ProviderRequest::get("PublishedJobs").query("channel", "")))
            .await?;
        Ok(PublishedJobs {
            body: response.body,
        })
    }

    /// `GET Api/Job/{id}`; `None` when the job no longer exists.
    pub async fn job(&self, job_id: i64) -> Result<Option<WithRaw<JobResponse>>, ConnectorError> {
        let raw = not_found_as_none(
            self.get_raw(self.with_culture(ProviderRequest::get(format!("Job/{job_id}"))))
                .await,
        )?;
        raw.map(|raw| {
            Ok(WithRaw {
                value: decode(&raw, "job")?,
                raw,
            })
        })
        .transpose()
    }

    /// `GET Api/Questionnaire/ByJob/{jobId}`; `None` when the job has none.
    pub async fn questionnaire_by_job(
        &self,
        job_id: i64,
    ) -> Result<Option<QuestionnaireResponse>, ConnectorError> {
        let raw = not_found_as_none(
            self.get_raw(self.with_culture(ProviderRequest::get(format!(
                "Questionnaire/ByJob/{job_id}"
            ))))
            .await,
        )?;
        match raw {
            None | Some(Value::Null) => Ok(None),
            Some(raw) => Ok(Some(decode(&raw, "questionnaire")?)),
        }
    }

    /// `GET Api/Applications/ByJob/{jobId}`: the job's open applications (empty when the job
    /// is gone).
    pub async fn applications_by_job(
        &self,
        job_id: i64,
    ) -> Result<Vec<ApplicationJobResponse>, ConnectorError> {
        let result = self
            .call::<Option<Vec<ApplicationJobResponse>>>(
                ProviderRequest::get(format!("Applications/ByJob/{job_id}")),
                "application list",
            )
            .await;
        Ok(not_found_as_none(result)?.flatten().unwrap_or_default())
    }

    /// `GET Api/Applications/{applicantId}`: every application of an applicant; `None` when
    /// the applicant is gone.
    pub async fn applications_of_applicant(
        &self,
        applicant_id: i64,
    ) -> Result<Option<Vec<WithRaw<ApplicationResponse>>>, ConnectorError> {
        let raw = not_found_as_none(
            self.get_raw(
                self.with_culture(ProviderRequest::get(format!("Applications/{applicant_id}"))),
            )
            .await,
        )?;
        raw.map(|raw| decode_list(raw, "application")).transpose()
    }

    /// `GET Api/Applicant/{id}`; `None` when the applicant is gone.
    pub async fn applicant(
        &self,
        applicant_id: i64,
    ) -> Result<Option<WithRaw<ApplicantResponse>>, ConnectorError> {
        let raw = not_found_as_none(
            self.get_raw(ProviderRequest::get(format!("Applicant/{applicant_id}")))
                .await,
        )?;
        raw.map(|raw| {
            Ok(WithRaw {
                value: decode(&raw, "applicant")?,
                raw,
            })
        })
        .transpose()
    }

    /// `GET Api/Applicant/CustomFields/{applicantId}` (only fields with a value).
    pub async fn applicant_custom_fields(
        &self,
        applicant_id: i64,
    ) -> Result<Vec<CustomFieldValueResponse>, ConnectorError> {
        let result = self
            .call::<Option<Vec<CustomFieldValueResponse>>>(
                ProviderRequest::get(format!("Applicant/CustomFields/{applicant_id}")),
                "custom field list",
            )
            .await;
        Ok(not_found_as_none(result)?.flatten().unwrap_or_default())
    }

    /// `GET Api/Applicants/ByEmail/{email}`: complete applicants (the same shape as
    /// `Applicant/{id}`), with their raw JSON.
    pub async fn applicants_by_email(
        &self,
        email: &str,
    ) -> Result<Vec<WithRaw<ApplicantResponse>>, ConnectorError> {
        let raw = not_found_as_none(
            // An e-mail address is personal data: logs and errors show the template.
            self.get_raw(
                ProviderRequest::get(format!("Applicants/ByEmail/{}", encode_segment(email)))
                    .log_path_as("Applicants/ByEmail/{email}"),
            )
            .await,
        )?;
        match raw {
            Some(raw) => decode_list(raw, "applicant"),
            None => Ok(Vec::new()),
        }
    }

    /// `PUT Api/Applicant`: creates an applicant without sending e-mails.
    pub async fn create_applicant<B: Serialize + ?Sized>(
        &self,
        body: &B,
    ) -> Result<WithRaw<ApplicantResponse>, ConnectorError> {
        let raw = self
            .get_raw(
                ProviderRequest::put("Applicant")
                    .query("sendRegistrationEmail", "false")
                    .json(body),
            )
            .await?;
        Ok(WithRaw {
            value: decode(&raw, "applicant")?,
            raw,
        })
    }

    /// `POST Api/Applicant/{id}` with a complete applicant body.
    pub async fn update_applicant(
        &self,
        applicant_id: i64,
        body: &Value,
    ) -> Result<WithRaw<ApplicantResponse>, ConnectorError> {
        let raw = self
            .get_raw(
                ProviderRequest::post(format!("Applicant/{applicant_id}"))
                    .json(body)
                    .mark_retry_safe(),
            )
            .await?;
        Ok(WithRaw {
            value: decode(&raw, "applicant")?,
            raw,
        })
    }

    /// `PUT Api/Application`: creates an application without sending e-mails.
    pub async fn create_application(
        &self,
        body: &ApplicationCreateParameter,
    ) -> Result<ApplicationCreateResponse, ConnectorError> {
        self.call(
            ProviderRequest::put("Application")
                .query("sendApplicationEmail", "false")
                .json(body),
            "application result",
        )
        .await
    }

    async fn put_ignoring_answer<B: Serialize + ?Sized>(
        &self,
        path: String,
        body: &B,
    ) -> Result<(), ConnectorError> {
        self.send(ProviderRequest::put(path).json(body))
            .await
            .map(|_| ())
    }

    /// `PUT Api/Applicant/Document/{applicantId}`.
    pub async fn add_document(
        &self,
        applicant_id: i64,
        body: &ApplicantDocumentParameter,
    ) -> Result<(), ConnectorError> {
        self.put_ignoring_answer(format!("Applicant/Document/{applicant_id}"), body)
            .await
    }

    /// `PUT Api/Applicant/Cv/{applicantId}`.
    pub async fn put_cv(
        &self,
        applicant_id: i64,
        body: &ApplicantCvParameter,
    ) -> Result<(), ConnectorError> {
        self.put_ignoring_answer(format!("Applicant/Cv/{applicant_id}"), body)
            .await
    }

    /// `PUT Api/Applicant/History/{applicantId}`.
    pub async fn add_history(
        &self,
        applicant_id: i64,
        body: &ApplicantHistoryParameter,
    ) -> Result<(), ConnectorError> {
        self.put_ignoring_answer(format!("Applicant/History/{applicant_id}"), body)
            .await
    }

    /// `POST Api/Applicant/{applicantId}/CustomField`.
    pub async fn set_custom_field(
        &self,
        applicant_id: i64,
        body: &CustomFieldValueParameter,
    ) -> Result<(), ConnectorError> {
        self.send(
            ProviderRequest::post(format!("Applicant/{applicant_id}/CustomField"))
                .json(body)
                .mark_retry_safe(),
        )
        .await
        .map(|_| ())
    }

    /// `GET Api/Policies`: the current policies.
    pub async fn policies(&self) -> Result<Vec<PolicyResponse>, ConnectorError> {
        let list: Option<Vec<PolicyResponse>> = self
            .call(
                self.with_culture(ProviderRequest::get("Policies").query("portal", "")),
                "policy list",
            )
            .await?;
        Ok(list.unwrap_or_default())
    }

    /// `PUT Api/Applicant/{applicantId}/Policies/{policyId}`.
    pub async fn accept_policy(
        &self,
        applicant_id: i64,
        policy_id: i64,
        body: &ApplicantPolicyParameter,
    ) -> Result<(), ConnectorError> {
        self.put_ignoring_answer(
            format!("Applicant/{applicant_id}/Policies/{policy_id}"),
            body,
        )
        .await
    }

    /// `GET Api/Mandator` (only the lists the connector needs are kept).
    pub async fn mandator(&self) -> Result<MandatorResponse, ConnectorError> {
        self.call(ProviderRequest::get("Mandator"), "mandator")
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded() {
        assert_eq!(
            encode_segment("jane.doe+x@example.com"),
            "jane.doe%2Bx@example.com"
        );
        assert_eq!(encode_segment("a/b?c"), "a%2Fb%3Fc");
        assert_eq!(encode_segment("zoë"), "zo%C3%AB");
    }

    #[test]
    fn http_errors_keep_their_meaning() {
        let e = map_http_error(HttpError::new(HttpErrorKind::NotFound, "gone"));
        assert!(matches!(e.kind(), atsbridge_connector::ErrorKind::NotFound));
        let e = map_http_error(HttpError::new(HttpErrorKind::Unauthenticated, "no"));
        assert!(matches!(
            e.kind(),
            atsbridge_connector::ErrorKind::Unauthenticated
        ));
        let e = map_http_error(HttpError::new(HttpErrorKind::Timeout, "slow"));
        assert!(matches!(e.kind(), atsbridge_connector::ErrorKind::Timeout));
    }
}
