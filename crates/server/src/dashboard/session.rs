//! Who may use the dashboard: the admin token, signed session cookies and CSRF tokens.
//!
//! A token is accepted when its SHA-256 hash equals, in constant time, the hash of the token
//! in [`DashboardConfig::admin_token`] (config file or `ATSBRIDGE_ADMIN_TOKEN`) or the hash
//! `atsbridge admin-token` stored. Logging in sets a cookie that carries its expiry and a
//! random nonce, signed with HMAC-SHA256 under the session key over those two and the hash
//! of the token used, so a session ends when it expires or when that token is replaced, and
//! needs no server-side storage (every instance with the same key accepts it). The CSRF
//! token of a session is an HMAC of its nonce; every POST behind the login carries it.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

type HmacSha256 = Hmac<Sha256>;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "atsbridge_dashboard";

/// Fewest characters an admin token may have.
pub const MIN_TOKEN_CHARS: usize = 16;

/// The dashboard's admin token, as configured. `Debug` never shows it.
#[derive(Clone)]
pub struct AdminToken {
    sha256: [u8; 32],
}

impl AdminToken {
    /// Accepts a configured token of at least [`MIN_TOKEN_CHARS`] characters (surrounding
    /// whitespace is ignored); only its hash is kept.
    pub fn new(token: &str) -> Result<Self, AdminTokenError> {
        let token = token.trim();
        if token.chars().count() < MIN_TOKEN_CHARS {
            return Err(AdminTokenError::TooShort);
        }
        Ok(Self {
            sha256: hash_token(token),
        })
    }

    /// The token's SHA-256 hash.
    pub fn sha256(&self) -> [u8; 32] {
        self.sha256
    }
}

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken([REDACTED])")
    }
}

/// A configured admin token that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminTokenError {
    /// Shorter than [`MIN_TOKEN_CHARS`].
    #[error(
        "the admin token must have at least 16 characters (generate one with `atsbridge admin-token`)"
    )]
    TooShort,
}

/// The SHA-256 hash under which an admin token is compared and stored.
pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.trim().as_bytes()).into()
}

/// A new random admin token (32 random bytes, URL-safe base64, prefixed `atsb_admin_`).
pub fn generate_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("atsb_admin_{}", B64.encode(bytes))
}

/// The key that signs session cookies and CSRF tokens. `Debug` never shows it.
#[derive(Clone)]
pub struct SessionKey([u8; 32]);

impl SessionKey {
    /// Wraps key material (e.g. derived from the store's secret key, so every instance of a
    /// deployment accepts the same sessions).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// A random key: sessions then only work on this process and end when it stops.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionKey([REDACTED])")
    }
}

/// Settings of the operator dashboard.
#[derive(Debug, Clone)]
pub struct DashboardConfig {
    /// The admin token from configuration; `None` leaves only a token stored by
    /// `atsbridge admin-token`, and with neither the dashboard explains how to set one.
    pub admin_token: Option<AdminToken>,
    /// Signs session cookies and CSRF tokens.
    pub session_key: SessionKey,
    /// How long a login lasts.
    pub session_lifetime: Duration,
    /// Mark the session cookie `Secure` (set this when the dashboard is served over HTTPS).
    pub secure_cookie: bool,
}

impl Default for DashboardConfig {
    fn default() -> Self {
        Self {
            admin_token: None,
            session_key: SessionKey::generate(),
            session_lifetime: Duration::from_secs(12 * 60 * 60),
            secure_cookie: false,
        }
    }
}

/// Which of the accepted token hashes `presented` matches, compared in constant time.
pub(crate) fn matching_token(presented: &str, accepted: &[[u8; 32]]) -> Option<[u8; 32]> {
    let presented = hash_token(presented);
    let mut found = None;
    for hash in accepted {
        if bool::from(presented.ct_eq(hash)) {
            found = Some(*hash);
        }
    }
    found
}

/// A logged-in dashboard session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Session {
    nonce: String,
    expires: i64,
}

const SESSION_PURPOSE: &[u8] = b"atsbridge dashboard session v1";
const CSRF_PURPOSE: &[u8] = b"atsbridge dashboard csrf v1";

/// Starts a session for the token with hash `token_hash`; returns it and its cookie value.
pub(crate) fn issue(
    key: &SessionKey,
    token_hash: &[u8; 32],
    now_unix: i64,
    lifetime: Duration,
) -> (Session, String) {
    let mut nonce = [0u8; 18];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let lifetime = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
    let session = Session {
        nonce: B64.encode(nonce),
        expires: now_unix.saturating_add(lifetime),
    };
    let mac = session_mac(key, &session, token_hash);
    let value = format!(
        "v1.{}.{}.{}",
        session.expires,
        session.nonce,
        B64.encode(mac)
    );
    (session, value)
}

fn session_mac(key: &SessionKey, session: &Session, token_hash: &[u8; 32]) -> [u8; 32] {
    let expires = session.expires.to_string();
    key.mac(&[
        SESSION_PURPOSE,
        expires.as_bytes(),
        session.nonce.as_bytes(),
        token_hash,
    ])
}

/// The session a cookie value carries, if its signature is valid for one of the accepted
/// token hashes and it has not expired.
pub(crate) fn verify(
    key: &SessionKey,
    cookie: &str,
    accepted: &[[u8; 32]],
    now_unix: i64,
) -> Option<Session> {
    let mut parts = cookie.split('.');
    let (Some("v1"), Some(expires), Some(nonce), Some(mac), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let session = Session {
        nonce: nonce.to_owned(),
        expires: expires.parse().ok()?,
    };
    let presented = B64.decode(mac).ok()?;
    let mut valid = false;
    for hash in accepted {
        let expected = session_mac(key, &session, hash);
        if bool::from(expected.as_slice().ct_eq(presented.as_slice())) {
            valid = true;
        }
    }
    (valid && session.expires > now_unix).then_some(session)
}

/// The CSRF token forms of `session` carry.
pub(crate) fn csrf_token(key: &SessionKey, session: &Session) -> String {
    B64.encode(key.mac(&[CSRF_PURPOSE, session.nonce.as_bytes()]))
}

/// Whether `presented` is the CSRF token of `session` (constant-time comparison).
pub(crate) fn csrf_matches(key: &SessionKey, session: &Session, presented: &str) -> bool {
    let expected = csrf_token(key, session);
    bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
}

/// The value of cookie `name` in a `Cookie` header.
pub(crate) fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then_some(value)
    })
}

/// The `Set-Cookie` value for a session cookie (or, with `None`, one that removes it).
pub(crate) fn set_cookie(value: Option<&str>, lifetime: Duration, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match value {
        Some(value) => format!(
            "{SESSION_COOKIE}={value}; Path=/dashboard; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
            lifetime.as_secs()
        ),
        None => format!(
            "{SESSION_COOKIE}=; Path=/dashboard; Max-Age=0; HttpOnly; SameSite=Strict{secure}"
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn a_token_matches_only_its_own_hash() {
        let token = generate_token();
        let accepted = [hash_token("some-other-token-value"), hash_token(&token)];
        assert_eq!(matching_token(&token, &accepted), Some(accepted[1]));
        assert_eq!(matching_token(&format!("{token}x"), &accepted), None);
        assert_eq!(matching_token("", &accepted), None);
        assert_eq!(matching_token(&token, &[]), None);
    }

    #[test]
    fn short_tokens_are_refused_and_debug_hides_the_token() {
        assert_eq!(
            AdminToken::new("too-short").unwrap_err(),
            AdminTokenError::TooShort
        );
        let token = AdminToken::new("a-long-enough-admin-token").unwrap();
        assert_eq!(token.sha256(), hash_token("a-long-enough-admin-token"));
        assert!(!format!("{token:?}").contains("long-enough"));
        assert!(!format!("{:?}", SessionKey::from_bytes([7; 32])).contains('7'));
    }

    #[test]
    fn a_session_is_valid_until_it_expires_and_only_for_its_token() {
        let key = SessionKey::generate();
        let token = hash_token("token-one-token-one");
        let (session, cookie) = issue(&key, &token, 1_000, HOUR);
        assert_eq!(
            verify(&key, &cookie, &[token], 1_000),
            Some(session.clone())
        );
        assert_eq!(verify(&key, &cookie, &[token], 1_000 + 3599), Some(session));
        assert_eq!(verify(&key, &cookie, &[token], 1_000 + 3600), None);
        // The token was replaced: the session ends.
        let other = hash_token("token-two-token-two");
        assert_eq!(verify(&key, &cookie, &[other], 1_000), None);
        // Another key (another deployment) does not accept it.
        assert_eq!(
            verify(&SessionKey::generate(), &cookie, &[token], 1_000),
            None
        );
    }

    #[test]
    fn a_tampered_cookie_is_refused() {
        let key = SessionKey::generate();
        let token = hash_token("token-one-token-one");
        let (_, cookie) = issue(&key, &token, 1_000, HOUR);
        let parts: Vec<&str> = cookie.split('.').collect();
        let later = format!("v1.{}.{}.{}", 99_999_999, parts[2], parts[3]);
        assert_eq!(verify(&key, &later, &[token], 1_000), None);
        for bad in [
            "",
            "v1",
            "v1.1.2",
            "v2.1.2.3",
            "v1.x.y.z",
            &format!("{cookie}.x"),
        ] {
            assert_eq!(verify(&key, bad, &[token], 1_000), None, "{bad}");
        }
    }

    #[test]
    fn csrf_tokens_belong_to_one_session() {
        let key = SessionKey::generate();
        let token = hash_token("token-one-token-one");
        let (one, _) = issue(&key, &token, 1_000, HOUR);
        let (two, _) = issue(&key, &token, 1_000, HOUR);
        let csrf = csrf_token(&key, &one);
        assert!(csrf_matches(&key, &one, &csrf));
        assert!(!csrf_matches(&key, &two, &csrf));
        assert!(!csrf_matches(&key, &one, ""));
    }

    #[test]
    fn cookies_are_read_from_the_header_and_set_strict() {
        let header = "a=1; atsbridge_dashboard=v1.2.3.4; b=2";
        assert_eq!(cookie_value(header, SESSION_COOKIE), Some("v1.2.3.4"));
        assert_eq!(cookie_value("a=1", SESSION_COOKIE), None);
        let set = set_cookie(Some("v"), HOUR, true);
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/dashboard", "Secure"] {
            assert!(set.contains(attribute), "{set}");
        }
        assert!(set_cookie(None, HOUR, false).contains("Max-Age=0"));
    }
}
