//! Downloading attachments given as `data_url`.
//!
//! Kombo downloads `data_url` attachments at request time. A server that fetches URLs chosen by
//! its callers must not become a way into the network it runs in, so by default every address
//! the fetch would connect to is checked: loopback, private, link-local, unique-local and other
//! non-public ranges are refused, by the guard of `atsbridge_http::address_guard` (the same
//! one webhook deliveries use): in the DNS resolver the HTTP client uses (so the address that
//! is checked is the address that is connected to) and again for IP literals and every
//! redirect target. `allow_private_data_urls` turns the check off, for self-hosted setups that
//! keep their files on the local network.

use std::error::Error as StdError;
use std::time::Duration;

use atsbridge_http::address_guard::{self, AddressError, BlockedHost};
use bytes::{Bytes, BytesMut};
use url::Url;

/// Most redirects a single download may follow.
const MAX_REDIRECTS: usize = 5;

/// Settings for [`DataUrlFetcher`].
#[derive(Debug, Clone)]
pub struct DataUrlPolicy {
    /// Connect to loopback, private and link-local addresses as well.
    pub allow_private_addresses: bool,
    /// Largest body accepted, in bytes.
    pub max_bytes: usize,
    /// Deadline for the whole download, redirects included.
    pub timeout: Duration,
}

impl Default for DataUrlPolicy {
    fn default() -> Self {
        Self {
            allow_private_addresses: false,
            max_bytes: 25 * 1024 * 1024,
            timeout: Duration::from_secs(30),
        }
    }
}

/// A downloaded file.
#[derive(Debug, Clone)]
pub struct DownloadedFile {
    /// The body.
    pub bytes: Bytes,
    /// The media type the server announced, without parameters.
    pub content_type: Option<String>,
}

/// Why a `data_url` could not be downloaded.
#[derive(Debug, thiserror::Error)]
pub enum DataUrlError {
    /// The value is not an absolute URL.
    #[error("data_url is not a valid absolute URL")]
    InvalidUrl,
    /// Only `http` and `https` are fetched.
    #[error("data_url must use http or https, not `{0}`")]
    SchemeNotAllowed(String),
    /// The URL (or a redirect) points at a non-public address.
    #[error(
        "data_url host `{0}` resolves to a loopback, private or link-local address, which this server does not fetch"
    )]
    AddressNotAllowed(String),
    /// The body is larger than the configured limit.
    #[error("data_url file is larger than the limit of {0} bytes")]
    TooLarge(usize),
    /// The server answered with a non-success status.
    #[error("data_url download failed with HTTP status {0}")]
    Status(u16),
    /// The download did not finish in time.
    #[error("data_url download timed out")]
    Timeout,
    /// Too many redirects.
    #[error("data_url download followed too many redirects")]
    TooManyRedirects,
    /// Any other transport failure (DNS, connect, TLS, ...).
    #[error("data_url download failed: {0}")]
    Transport(String),
}

/// Marker error for too many redirects.
#[derive(Debug, thiserror::Error)]
#[error("too many redirects")]
struct RedirectLimit;

/// Downloads `data_url` attachments under a [`DataUrlPolicy`].
#[derive(Debug, Clone)]
pub struct DataUrlFetcher {
    client: reqwest::Client,
    policy: DataUrlPolicy,
}

impl DataUrlFetcher {
    /// Builds a fetcher; the HTTP client ignores proxy settings so the address checks hold.
    pub fn new(policy: DataUrlPolicy) -> Result<Self, DataUrlError> {
        let allow_private = policy.allow_private_addresses;
        let redirect = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error(RedirectLimit);
            }
            match check_url(attempt.url(), allow_private) {
                Ok(()) => attempt.follow(),
                Err(DataUrlError::AddressNotAllowed(host)) => attempt.error(BlockedHost(host)),
                Err(other) => attempt.error(other.to_string()),
            }
        });
        let client = address_guard::guarded_client_builder(allow_private)
            .redirect(redirect)
            .timeout(policy.timeout)
            .build()
            .map_err(|e| DataUrlError::Transport(e.to_string()))?;
        Ok(Self { client, policy })
    }

    /// The policy this fetcher applies.
    pub fn policy(&self) -> &DataUrlPolicy {
        &self.policy
    }

    /// Downloads `raw_url`, enforcing the scheme, address and size rules.
    pub async fn fetch(&self, raw_url: &str) -> Result<DownloadedFile, DataUrlError> {
        let url = Url::parse(raw_url).map_err(|_| DataUrlError::InvalidUrl)?;
        check_url(&url, self.policy.allow_private_addresses)?;
        let mut response = self
            .client
            .get(url)
            .send()
            .await
            .map_err(map_reqwest_error)?;
        if !response.status().is_success() {
            return Err(DataUrlError::Status(response.status().as_u16()));
        }
        let limit = self.policy.max_bytes;
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(DataUrlError::TooLarge(limit));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(map_reqwest_error)? {
            if body.len() + chunk.len() > limit {
                return Err(DataUrlError::TooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(DownloadedFile {
            bytes: body.freeze(),
            content_type,
        })
    }
}

fn map_reqwest_error(error: reqwest::Error) -> DataUrlError {
    if let Some(host) = address_guard::blocked_host(&error) {
        return DataUrlError::AddressNotAllowed(host);
    }
    let mut source: Option<&(dyn StdError + 'static)> = Some(&error);
    while let Some(current) = source {
        if current.downcast_ref::<RedirectLimit>().is_some() {
            return DataUrlError::TooManyRedirects;
        }
        source = current.source();
    }
    if error.is_timeout() {
        return DataUrlError::Timeout;
    }
    // The URL is left out: it may carry a signed query string.
    DataUrlError::Transport(error.without_url().to_string())
}

/// Checks scheme and, for IP literals, the address; host names are checked at resolution.
fn check_url(url: &Url, allow_private: bool) -> Result<(), DataUrlError> {
    address_guard::check_url(url, allow_private).map_err(|error| match error {
        AddressError::NoHost => DataUrlError::InvalidUrl,
        AddressError::SchemeNotAllowed(scheme) => DataUrlError::SchemeNotAllowed(scheme),
        AddressError::AddressNotAllowed(host) => DataUrlError::AddressNotAllowed(host),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_scheme_and_ip_literals() {
        let check = |u: &str, allow| check_url(&Url::parse(u).unwrap(), allow);
        assert!(matches!(
            check("ftp://example.com/a", false),
            Err(DataUrlError::SchemeNotAllowed(_))
        ));
        assert!(matches!(
            check("file:///etc/passwd", true),
            Err(DataUrlError::SchemeNotAllowed(_))
        ));
        assert!(matches!(
            check("http://127.0.0.1/a", false),
            Err(DataUrlError::AddressNotAllowed(_))
        ));
        assert!(matches!(
            check("http://[::1]/a", false),
            Err(DataUrlError::AddressNotAllowed(_))
        ));
        assert!(check("http://127.0.0.1/a", true).is_ok());
        assert!(check("https://example.com/a", false).is_ok());
    }
}
