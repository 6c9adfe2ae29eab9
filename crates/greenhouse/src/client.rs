//! The Harvest v3 transport of one integration: OAuth client credentials with a cached token,
//! and list walks that follow the `Link` header.

use std::sync::Arc;
use std::time::Duration;

use atsbridge_connector::{ConnectorError, NextPage, PageWalk, Recorder};
use atsbridge_http::{
    AuthClient, ExchangeFuture, HttpClient, HttpError, IssuedToken, Limits, ProviderRequest,
    ProviderResponse, Secret, TokenExchange,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use http::{HeaderValue, header};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::config::GreenhouseConfig;

/// Provider name used in spans and errors.
pub const PROVIDER: &str = "greenhouse";
/// Per-attempt timeout.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
/// A walk longer than this is a provider loop, not an account.
const MAX_PAGES: u64 = 100_000;

/// The token endpoint's answer. Greenhouse sends an absolute `expires_at`; `expires_in` is
/// accepted too.
#[derive(Deserialize)]
struct TokenResponse {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    expires_in: Option<i64>,
}

/// Typed access to Harvest v3 for one integration.
#[derive(Clone, Debug)]
pub struct GreenhouseClient {
    http: HttpClient,
    token_http: HttpClient,
    base: Url,
    per_page: u32,
}

/// Splits the token URL into the client base (its parent) and the last segment.
fn token_base(token_url: &Url) -> (Url, String) {
    let mut base = token_url.clone();
    let segment = token_url
        .path_segments()
        .and_then(|mut segments| segments.next_back().map(str::to_owned))
        .unwrap_or_default();
    let parent = token_url.path().trim_end_matches(&segment).to_owned();
    base.set_path(if parent.is_empty() { "/" } else { &parent });
    base.set_query(None);
    (base, segment)
}

impl GreenhouseClient {
    /// Builds the client, with the transport's recording hook when `recorder` is given.
    /// `sub` is the acting user the token is minted for (`None`: the credential's own).
    pub fn new(
        config: &GreenhouseConfig,
        sub: Option<String>,
        recorder: Option<Arc<dyn Recorder>>,
    ) -> Result<GreenhouseClient, ConnectorError> {
        let (token_base, token_path) = token_base(&config.token_url);
        let secret = Secret::new(config.client_secret.clone());
        let mut token_builder = HttpClient::builder(token_base)
            .provider(PROVIDER)
            .attempt_timeout(ATTEMPT_TIMEOUT)
            .scrub_values([secret.clone()]);
        if let Some(recorder) = &recorder {
            token_builder = token_builder.recorder(recorder.clone());
        }
        let token_http = token_builder.build()?;
        let exchange = token_exchange(
            token_http.clone(),
            token_path,
            config.client_id.clone(),
            secret.clone(),
            sub,
        );
        let mut builder = HttpClient::builder(config.api_base())
            .provider(PROVIDER)
            .auth(Arc::new(
                TokenExchange::new(exchange).refresh_before(Duration::from_secs(60)),
            ))
            .attempt_timeout(ATTEMPT_TIMEOUT)
            .limits(Limits {
                max_concurrency: 4,
                requests_per_second: None,
            })
            .scrub_values([secret]);
        if let Some(recorder) = recorder {
            builder = builder.recorder(recorder);
        }
        Ok(GreenhouseClient {
            http: builder.build()?,
            token_http,
            base: config.api_base(),
            per_page: config.per_page,
        })
    }

    /// `<harvest>/v3/`, the base of every request.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Requests sent so far, token exchanges included, as Greenhouse counts them.
    pub fn requests_sent(&self) -> u64 {
        self.http.metrics().requests + self.token_http.metrics().requests
    }

    /// Sends one request.
    pub async fn send(&self, request: ProviderRequest) -> Result<ProviderResponse, ConnectorError> {
        Ok(self.http.send(request).await?)
    }

    /// Sends one request and decodes its JSON answer.
    pub async fn send_json(&self, request: ProviderRequest) -> Result<Value, ConnectorError> {
        let response = self.send(request).await?;
        if response.body.is_empty() {
            return Ok(Value::Null);
        }
        Ok(response.json::<Value>()?)
    }

    /// A walk over `resource` (`jobs`, `candidates`, ...) with the first request's filters.
    pub fn list(&self, resource: &str, filters: &[(&str, String)]) -> Pager<'_> {
        let mut first = ProviderRequest::get(resource).query("per_page", self.per_page.to_string());
        for (name, value) in filters {
            first = first.query(*name, value.clone());
        }
        Pager {
            client: self,
            next: Some(first),
            walk: PageWalk::new(resource, MAX_PAGES),
        }
    }

    /// Every row of `resource` for the filters.
    pub async fn list_all(
        &self,
        resource: &str,
        filters: &[(&str, String)],
    ) -> Result<Vec<Value>, ConnectorError> {
        let mut pager = self.list(resource, filters);
        let mut rows = Vec::new();
        while let Some(page) = pager.next_page().await? {
            rows.extend(page);
        }
        Ok(rows)
    }

    /// The request for a `rel="next"` URL: it must stay under the Harvest base (a cursor
    /// pointing elsewhere is refused), and goes out unchanged (a cursor must come alone).
    fn follow(&self, next: &str) -> Result<ProviderRequest, ConnectorError> {
        let url = Url::parse(next).map_err(|e| {
            ConnectorError::transport(format!("Greenhouse sent an unusable next link: {e}"))
        })?;
        let path = url
            .path()
            .strip_prefix(self.base.path())
            .filter(|_| url.origin() == self.base.origin())
            .ok_or_else(|| {
                ConnectorError::transport(
                    "Greenhouse's next link leaves the Harvest API; not followed".to_owned(),
                )
                .into_persistent()
            })?;
        let mut request = ProviderRequest::get(path);
        for (name, value) in url.query_pairs() {
            request = request.query(name.into_owned(), value.into_owned());
        }
        Ok(request)
    }
}

/// One walk over a paged list.
pub struct Pager<'a> {
    client: &'a GreenhouseClient,
    next: Option<ProviderRequest>,
    walk: PageWalk,
}

impl Pager<'_> {
    /// The next page's rows, `None` once the list is done.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Value>>, ConnectorError> {
        let Some(request) = self.next.take() else {
            return Ok(None);
        };
        let response = self.client.send(request).await?;
        let rows: Vec<Value> = response.json()?;
        let link = response
            .headers
            .get(header::LINK)
            .and_then(|v| v.to_str().ok());
        if let Some(NextPage::Url(url)) = self.walk.advance(NextPage::from_link_header(link))? {
            self.next = Some(self.client.follow(&url)?);
        }
        Ok(Some(rows))
    }
}

/// The client-credentials exchange: Basic client id and secret, `grant_type` and the acting
/// user's `sub` in the form body.
fn token_exchange(
    token_http: HttpClient,
    path: String,
    client_id: String,
    secret: Secret,
    sub: Option<String>,
) -> impl Fn(AuthClient) -> ExchangeFuture + Send + Sync + 'static {
    move |_harvest: AuthClient| {
        let token_http = token_http.clone();
        let path = path.clone();
        let basic = STANDARD.encode(format!("{client_id}:{}", secret.expose()));
        let form = match &sub {
            Some(sub) => format!(
                "grant_type=client_credentials&sub={}",
                url::form_urlencoded::byte_serialize(sub.as_bytes()).collect::<String>()
            ),
            None => "grant_type=client_credentials".to_owned(),
        };
        Box::pin(async move {
            let mut authorization = HeaderValue::from_str(&format!("Basic {basic}"))
                .map_err(|_| HttpError::decode("the client id cannot be sent in a header"))?;
            authorization.set_sensitive(true);
            let request = ProviderRequest::post(path)
                .header(header::AUTHORIZATION, authorization)
                .body(
                    form.into_bytes(),
                    Some(HeaderValue::from_static(
                        "application/x-www-form-urlencoded",
                    )),
                )
                .mark_retry_safe();
            let response: TokenResponse = token_http.send_json(request).await?;
            let token = response
                .access_token
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| {
                    HttpError::decode("the token endpoint answered without an access token")
                })?;
            let expires_at = response.expires_at.or_else(|| {
                Some(Utc::now() + chrono::Duration::seconds(response.expires_in.unwrap_or(3600)))
            });
            Ok(IssuedToken {
                header_name: header::AUTHORIZATION,
                value: Secret::new(format!("Bearer {token}")),
                expires_at,
            })
        }) as ExchangeFuture
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_url_splits_into_base_and_segment() {
        let (base, segment) = token_base(&Url::parse("https://auth.greenhouse.io/token").unwrap());
        assert_eq!(
            (base.as_str(), segment.as_str()),
            ("https://auth.greenhouse.io/", "token")
        );
    }
}
