//! Encryption of integration credentials at rest and hashing of API key secrets.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

use crate::error::StoreError;

/// Version byte written in front of every sealed value, so the format can evolve.
const SEALED_FORMAT_V1: u8 = 1;
const NONCE_LEN: usize = 24;

/// The 32-byte key that encrypts integration credentials at rest.
///
/// It comes from configuration (base64) or is generated for a demo. Its `Debug` output never
/// shows the key material.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl SecretKey {
    /// Generates a fresh random key from the operating system's random source.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Parses a key from standard base64 (with or without padding) holding exactly 32 bytes.
    pub fn from_base64(encoded: &str) -> Result<Self, StoreError> {
        let trimmed = encoded.trim();
        let bytes = BASE64
            .decode(trimmed)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(trimmed))
            .map_err(|_| StoreError::InvalidKey("the key is not valid base64".into()))?;
        let array: [u8; 32] = bytes.try_into().map_err(|bytes: Vec<u8>| {
            StoreError::InvalidKey(format!(
                "the key must decode to 32 bytes, got {}",
                bytes.len()
            ))
        })?;
        Ok(Self(array))
    }

    /// Encodes the key as standard base64, e.g. to print it once for the operator to keep.
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.0)
    }

    /// A separate 32-byte key for `purpose` (e.g. signing dashboard sessions), derived one
    /// way from this key: it reveals nothing about the key and differs per purpose, so
    /// every process configured with the same secret key derives the same one.
    pub fn derive_key(&self, purpose: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(b"atsbridge derived key v1\0");
        hasher.update((purpose.len() as u64).to_be_bytes());
        hasher.update(purpose.as_bytes());
        hasher.update(self.0);
        hasher.finalize().into()
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(&self.0))
    }

    /// Encrypts `plaintext` with a random nonce; `context` is authenticated but not stored
    /// (it binds the ciphertext to, e.g., the integration it belongs to).
    pub(crate) fn seal(&self, plaintext: &[u8], context: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context,
                },
            )
            .map_err(|_| StoreError::Encryption)?;
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(SEALED_FORMAT_V1);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    /// Decrypts a value produced by [`SecretKey::seal`] with the same `context`.
    ///
    /// A wrong key, a different context or a tampered value gives
    /// [`StoreError::WrongEncryptionKey`], never garbage.
    pub(crate) fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, StoreError> {
        let Some((&version, rest)) = sealed.split_first() else {
            return Err(StoreError::Corrupt("empty encrypted value".into()));
        };
        if version != SEALED_FORMAT_V1 {
            return Err(StoreError::Corrupt(format!(
                "unknown encrypted value format {version}"
            )));
        }
        if rest.len() < NONCE_LEN {
            return Err(StoreError::Corrupt("encrypted value is truncated".into()));
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        self.cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context,
                },
            )
            .map_err(|_| StoreError::WrongEncryptionKey)
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// SHA-256 of an API key secret; the only form in which secrets are stored.
pub(crate) fn hash_api_key_secret(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// `len` random base58 characters (used for ids and API key secrets).
pub(crate) fn random_base58(len: usize) -> String {
    // Each base58 digit carries ~5.86 bits; 32 random bytes give 43-44 digits, enough for 24.
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        out.push_str(&bs58::encode(bytes).into_string());
    }
    out.truncate(len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open_round_trip() {
        let key = SecretKey::generate();
        let sealed = key.seal(b"{\"api_key\":\"s3cret\"}", b"ctx").unwrap();
        assert_eq!(
            key.open(&sealed, b"ctx").unwrap(),
            b"{\"api_key\":\"s3cret\"}"
        );
    }

    #[test]
    fn wrong_key_or_context_is_a_clear_error() {
        let key = SecretKey::generate();
        let sealed = key.seal(b"hello", b"ctx").unwrap();
        let other = SecretKey::generate();
        assert!(matches!(
            other.open(&sealed, b"ctx"),
            Err(StoreError::WrongEncryptionKey)
        ));
        assert!(matches!(
            key.open(&sealed, b"other"),
            Err(StoreError::WrongEncryptionKey)
        ));
    }

    #[test]
    fn derived_keys_are_stable_per_purpose_and_differ_from_the_key() {
        let key = SecretKey::generate();
        let again = SecretKey::from_base64(&key.to_base64()).unwrap();
        assert_eq!(key.derive_key("a"), again.derive_key("a"));
        assert_ne!(key.derive_key("a"), key.derive_key("b"));
        assert_ne!(key.derive_key("a"), SecretKey::generate().derive_key("a"));
        assert_ne!(key.derive_key("a"), key.0);
    }

    #[test]
    fn nonces_differ_between_seals() {
        let key = SecretKey::generate();
        assert_ne!(key.seal(b"x", b"").unwrap(), key.seal(b"x", b"").unwrap());
    }

    #[test]
    fn key_base64_round_trip_and_validation() {
        let key = SecretKey::generate();
        let parsed = SecretKey::from_base64(&key.to_base64()).unwrap();
        assert_eq!(parsed.0, key.0);
        assert!(matches!(
            SecretKey::from_base64("c2hvcnQ="),
            Err(StoreError::InvalidKey(_))
        ));
        assert!(SecretKey::from_base64("!!!").is_err());
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
    }

    #[test]
    fn random_base58_has_requested_length() {
        let id = random_base58(24);
        assert_eq!(id.len(), 24);
        assert!(bs58::decode(&id).into_vec().is_ok());
    }
}
