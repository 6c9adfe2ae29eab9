//! The private-address guard for URLs chosen by callers (`data_url` downloads, webhook
//! endpoints).
//!
//! A server that connects to URLs its callers chose must not become a way into the network it
//! runs in. [`guarded_client_builder`] gives a reqwest client whose DNS resolver drops
//! loopback, private, link-local, unique-local and other non-public addresses (so the address
//! that is checked is the address that is connected to) and that ignores proxy settings;
//! [`check_url`] checks the scheme and IP literals before a request (and should be applied to
//! every redirect target a client follows). Both can be switched off (`allow_private`) for
//! self-hosted setups that keep their services on the local network, and for tests.

use std::error::Error as StdError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Why [`check_url`] refused a URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// The URL has no host.
    #[error("the URL has no host")]
    NoHost,
    /// Only `http` and `https` are allowed.
    #[error("the URL must use http or https, not `{0}`")]
    SchemeNotAllowed(String),
    /// The host is, or resolves to, a non-public address.
    #[error(
        "host `{0}` is a loopback, private or link-local address, which this server does not connect to"
    )]
    AddressNotAllowed(String),
}

/// Marker error raised by the resolver, found again in the error chain by [`blocked_host`].
#[derive(Debug, thiserror::Error)]
#[error("address of `{0}` is not allowed")]
pub struct BlockedHost(pub String);

/// Checks scheme and, for IP literals, the address; host names are checked when they are
/// resolved by a [`guarded_client_builder`] client.
pub fn check_url(url: &Url, allow_private: bool) -> Result<(), AddressError> {
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(AddressError::SchemeNotAllowed(other.to_owned())),
    }
    let ip = match url.host() {
        None => return Err(AddressError::NoHost),
        Some(Host::Domain(_)) => return Ok(()),
        Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
    };
    if allow_private || is_public_address(ip) {
        Ok(())
    } else {
        Err(AddressError::AddressNotAllowed(ip.to_string()))
    }
}

/// A reqwest client builder with the guarded resolver and without proxies (a proxy would
/// resolve names itself, past the guard). Callers add timeouts and a redirect policy.
pub fn guarded_client_builder(allow_private: bool) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver { allow_private }))
}

/// The host a request error was refused for by the guarded resolver, if that is why it
/// failed.
pub fn blocked_host(error: &(dyn StdError + 'static)) -> Option<String> {
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(blocked) = current.downcast_ref::<BlockedHost>() {
            return Some(blocked.0.clone());
        }
        source = current.source();
    }
    None
}

/// Resolver that drops non-public addresses (unless allowed) and fails when none is left.
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
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
    #![allow(clippy::unwrap_used)]

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
            Err(AddressError::SchemeNotAllowed(_))
        ));
        assert!(matches!(
            check("file:///etc/passwd", true),
            Err(AddressError::SchemeNotAllowed(_))
        ));
        assert!(matches!(
            check("http://127.0.0.1/a", false),
            Err(AddressError::AddressNotAllowed(_))
        ));
        assert!(matches!(
            check("http://[::1]/a", false),
            Err(AddressError::AddressNotAllowed(_))
        ));
        assert!(check("http://127.0.0.1/a", true).is_ok());
        assert!(check("https://example.com/a", false).is_ok());
    }
}
