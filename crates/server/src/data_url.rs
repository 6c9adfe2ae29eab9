//! Downloading attachments given as `data_url`.
//!
//! Kombo downloads `data_url` attachments at request time. A server that fetches URLs chosen by
//! its callers must not become a way into the network it runs in, so by default every address
//! the fetch would connect to is checked: loopback, private, link-local, unique-local and other
//! non-public ranges are refused. The check happens in the DNS resolver the HTTP client uses
//! (so the address that is checked is the address that is connected to) and again for IP
//! literals and every redirect target. `allow_private_data_urls` turns the check off, for
//! self-hosted setups that keep their files on the local network.

use std::error::Error as StdError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

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

/// Marker error raised by the resolver and the redirect policy, found again in the error chain.
#[derive(Debug, thiserror::Error)]
#[error("address of `{0}` is not allowed")]
struct BlockedHost(String);

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
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(redirect)
            .timeout(policy.timeout)
            .dns_resolver(Arc::new(CheckedResolver { allow_private }))
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
    let mut source: Option<&(dyn StdError + 'static)> = Some(&error);
    while let Some(current) = source {
        if let Some(blocked) = current.downcast_ref::<BlockedHost>() {
            return DataUrlError::AddressNotAllowed(blocked.0.clone());
        }
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
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(DataUrlError::SchemeNotAllowed(other.to_owned())),
    }
    let ip = match url.host() {
        None => return Err(DataUrlError::InvalidUrl),
        Some(Host::Domain(_)) => return Ok(()),
        Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
    };
    if allow_private || is_public_address(ip) {
        Ok(())
    } else {
        Err(DataUrlError::AddressNotAllowed(ip.to_string()))
    }
}

/// Resolver that drops non-public addresses (unless allowed) and fails when none is left.
struct CheckedResolver {
    allow_private: bool,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|addr| allow_private || is_public_address(addr.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(Box::new(BlockedHost(host)) as Box<dyn StdError + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// True when `ip` is a globally routable unicast address.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b); // 100.64.0.0/10 carrier-grade NAT
    let ietf = a == 192 && b == 0 && c == 0; // 192.0.0.0/24
    let benchmarking = a == 198 && (b == 18 || b == 19); // 198.18.0.0/15
    let reserved = a >= 240; // 240.0.0.0/4 and broadcast
    !(ip.is_unspecified()
        || a == 0
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_documentation()
        || shared
        || ietf
        || benchmarking
        || reserved)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    // 64:ff9b::/96 (NAT64) embeds an IPv4 address in the last 32 bits.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., hi, lo] = segments;
        let v4 = Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
        return is_public_v4(v4);
    }
    let unique_local = (segments[0] & 0xfe00) == 0xfc00; // fc00::/7
    let link_local = (segments[0] & 0xffc0) == 0xfe80; // fe80::/10
    let site_local = (segments[0] & 0xffc0) == 0xfec0; // fec0::/10 (deprecated)
    let documentation = segments[0] == 0x2001 && segments[1] == 0x0db8; // 2001:db8::/32
    let ipv4_compatible = segments[..6] == [0, 0, 0, 0, 0, 0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || unique_local
        || link_local
        || site_local
        || documentation
        || ipv4_compatible)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_addresses() {
        let blocked = [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "ff02::1",
        ];
        for ip in blocked {
            assert!(
                !is_public_address(ip.parse().unwrap()),
                "{ip} must be refused"
            );
        }
        let allowed = [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "93.184.216.34",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ];
        for ip in allowed {
            assert!(
                is_public_address(ip.parse().unwrap()),
                "{ip} must be allowed"
            );
        }
    }

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
