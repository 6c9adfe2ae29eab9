//! Authentication hooks: static headers, or a cached, single-flight token exchange.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use futures::future::BoxFuture;
use http::{HeaderName, HeaderValue};
use tokio::sync::Mutex;

use crate::client::AuthClient;
use crate::error::HttpError;
use crate::secret::Secret;

/// The headers to put on one attempt, and which credential generation they belong to.
#[derive(Clone)]
pub struct AuthHeaders {
    /// Headers to add to the request; credential values are marked sensitive.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Identifies the credential these headers carry; passed back to
    /// [`AuthHook::invalidate`] when the provider rejects them.
    pub generation: u64,
}

impl fmt::Debug for AuthHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("AuthHeaders")
            .field("header_names", &names)
            .field("generation", &self.generation)
            .finish()
    }
}

/// Supplies credentials for every attempt and reacts to a rejected credential.
#[async_trait]
pub trait AuthHook: Send + Sync {
    /// Returns the headers for the next attempt. `client` reaches the same base URL
    /// without going through this hook, for token exchanges.
    async fn headers(&self, client: &AuthClient) -> Result<AuthHeaders, HttpError>;

    /// Called after a 401 for a request sent with `seen_generation`. Returns whether
    /// fresh credentials may now be available, i.e. whether one retry makes sense.
    async fn invalidate(&self, seen_generation: u64) -> bool;
}

/// Fixed headers on every request (an API key header, a basic-auth header, ...).
#[derive(Clone, Default)]
pub struct StaticHeaders {
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl StaticHeaders {
    /// No headers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a header that is not a credential.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Adds a credential header; its value is marked sensitive.
    pub fn secret_header(mut self, name: HeaderName, value: &Secret) -> Result<Self, HttpError> {
        let value = sensitive_header_value(&name, value)?;
        self.headers.push((name, value));
        Ok(self)
    }
}

impl fmt::Debug for StaticHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("StaticHeaders")
            .field("header_names", &names)
            .finish()
    }
}

#[async_trait]
impl AuthHook for StaticHeaders {
    async fn headers(&self, _client: &AuthClient) -> Result<AuthHeaders, HttpError> {
        Ok(AuthHeaders {
            headers: self.headers.clone(),
            generation: 0,
        })
    }

    async fn invalidate(&self, _seen_generation: u64) -> bool {
        // Static credentials cannot be refreshed; retrying would only repeat the 401.
        false
    }
}

/// A token handed out by a token exchange.
pub struct IssuedToken {
    /// The header that carries the token (e.g. `x-apitoken`, `authorization`).
    pub header_name: HeaderName,
    /// The full header value (include a `Bearer ` prefix here if the provider wants one).
    pub value: Secret,
    /// When the provider says the token stops working, if it says so.
    pub expires_at: Option<DateTime<Utc>>,
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken")
            .field("header_name", &self.header_name)
            .field("value", &self.value)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Future returned by a token exchange function.
pub type ExchangeFuture = BoxFuture<'static, Result<IssuedToken, HttpError>>;

/// Exchanges long-lived credentials for a short-lived token, caches it, refreshes it a
/// margin before expiry, and lets only one exchange run at a time: every caller that
/// needs a token while an exchange is in flight waits for that exchange's result.
pub struct TokenExchange<F> {
    exchange: F,
    refresh_before: Duration,
    state: Mutex<TokenState>,
}

#[derive(Default)]
struct TokenState {
    current: Option<CachedToken>,
    generation: u64,
}

struct CachedToken {
    header_name: HeaderName,
    value: HeaderValue,
    expires_at: Option<DateTime<Utc>>,
    generation: u64,
}

impl<F> TokenExchange<F>
where
    F: Fn(AuthClient) -> ExchangeFuture + Send + Sync,
{
    /// A token exchange that calls `exchange` whenever a new token is needed; tokens are
    /// refreshed five minutes before they expire.
    pub fn new(exchange: F) -> Self {
        Self {
            exchange,
            refresh_before: Duration::from_secs(300),
            state: Mutex::new(TokenState::default()),
        }
    }

    /// How long before `expires_at` a token is replaced.
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    fn is_fresh(&self, token: &CachedToken) -> bool {
        match token.expires_at {
            None => true,
            Some(expires_at) => {
                let margin = TimeDelta::from_std(self.refresh_before).unwrap_or(TimeDelta::MAX);
                let refresh_at = expires_at
                    .checked_sub_signed(margin)
                    .unwrap_or(DateTime::<Utc>::MIN_UTC);
                Utc::now() < refresh_at
            }
        }
    }
}

impl<F> fmt::Debug for TokenExchange<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenExchange")
            .field("refresh_before", &self.refresh_before)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl<F> AuthHook for TokenExchange<F>
where
    F: Fn(AuthClient) -> ExchangeFuture + Send + Sync,
{
    async fn headers(&self, client: &AuthClient) -> Result<AuthHeaders, HttpError> {
        // Holding the lock across the exchange is what makes it single-flight.
        let mut state = self.state.lock().await;
        if let Some(token) = state.current.as_ref().filter(|token| self.is_fresh(token)) {
            return Ok(AuthHeaders {
                headers: vec![(token.header_name.clone(), token.value.clone())],
                generation: token.generation,
            });
        }
        client.note_auth_exchange();
        tracing::debug!("exchanging credentials for a provider token");
        let issued = (self.exchange)(client.clone()).await?;
        let value = sensitive_header_value(&issued.header_name, &issued.value)?;
        state.generation += 1;
        let generation = state.generation;
        state.current = Some(CachedToken {
            header_name: issued.header_name.clone(),
            value: value.clone(),
            expires_at: issued.expires_at,
            generation,
        });
        Ok(AuthHeaders {
            headers: vec![(issued.header_name, value)],
            generation,
        })
    }

    async fn invalidate(&self, seen_generation: u64) -> bool {
        let mut state = self.state.lock().await;
        // Only drop the token that was rejected; a newer one from a concurrent refresh stays.
        if state
            .current
            .as_ref()
            .is_some_and(|token| token.generation == seen_generation)
        {
            state.current = None;
        }
        true
    }
}

/// Builds a header value for a credential and marks it sensitive.
pub(crate) fn sensitive_header_value(
    name: &HeaderName,
    value: &Secret,
) -> Result<HeaderValue, HttpError> {
    let mut header = HeaderValue::from_str(value.expose()).map_err(|_| {
        HttpError::config(format!(
            "the credential for header {name} is not a valid header value"
        ))
    })?;
    header.set_sensitive(true);
    Ok(header)
}
