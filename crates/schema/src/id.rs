//! Kombo ids: 24 base58 characters, derived deterministically from what identifies a record.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};

use crate::Model;

/// Number of characters in every Kombo id.
const ID_LEN: usize = 24;
/// The bitcoin base58 alphabet (no `0`, `O`, `I`, `l`).
const ALPHABET: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// A Kombo id: 24 characters over the base58 alphabet.
///
/// Ids are never random: [`KomboId::derive`] hashes the integration id, the model and the
/// provider's remote id, so a record that disappears and comes back keeps its id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct KomboId(String);

/// Why a string is not a valid Kombo id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The id does not have exactly 24 characters.
    #[error("a Kombo id has {expected} characters, got {actual}")]
    Length {
        /// Required length.
        expected: usize,
        /// Length of the rejected value.
        actual: usize,
    },
    /// The id contains a character outside the base58 alphabet.
    #[error("a Kombo id uses only base58 characters, found {0:?}")]
    Alphabet(char),
}

impl KomboId {
    /// Derives the id of a record of `model` with `remote_id` in the integration `integration_id`.
    pub fn derive(integration_id: &str, model: Model, remote_id: &str) -> KomboId {
        KomboId::derive_scoped(integration_id, model.as_str(), remote_id)
    }

    /// Derives an id for an object that is not one of the seven [`Model`]s (job postings,
    /// hiring-team users, question options ...). `scope` names the kind of object and keeps ids
    /// of different kinds apart.
    pub fn derive_scoped(integration_id: &str, scope: &str, remote_id: &str) -> KomboId {
        let mut hasher = Sha256::new();
        for part in [integration_id, scope, remote_id] {
            // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        let digest = hasher.finalize();
        // 32 bytes encode to 43 or 44 base58 characters; the first 24 carry about 140 bits.
        let encoded = bs58::encode(digest.as_slice()).into_string();
        KomboId(encoded.chars().take(ID_LEN).collect())
    }

    /// Checks that `value` has the shape of a Kombo id (length and alphabet).
    pub fn parse(value: &str) -> Result<KomboId, IdError> {
        if let Some(bad) = value.chars().find(|c| !ALPHABET.contains(*c)) {
            return Err(IdError::Alphabet(bad));
        }
        let actual = value.chars().count();
        if actual != ID_LEN {
            return Err(IdError::Length {
                expected: ID_LEN,
                actual,
            });
        }
        Ok(KomboId(value.to_owned()))
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Consumes the id and returns its string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for KomboId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for KomboId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for KomboId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KomboId::parse(s)
    }
}

impl From<KomboId> for String {
    fn from(id: KomboId) -> String {
        id.0
    }
}

impl<'de> Deserialize<'de> for KomboId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        KomboId::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for KomboId {
    fn schema_name() -> Cow<'static, str> {
        "KomboId".into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[1-9A-HJ-NP-Za-km-z]+$",
            "minLength": ID_LEN,
            "maxLength": ID_LEN,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_have_the_documented_shape() {
        let id = KomboId::derive("erecruiter:abc", Model::Job, "42");
        assert_eq!(id.as_str().len(), 24);
        assert_eq!(KomboId::parse(id.as_str()).unwrap(), id);
    }

    #[test]
    fn parse_rejects_bad_length_and_alphabet() {
        assert!(matches!(
            KomboId::parse("abc"),
            Err(IdError::Length { actual: 3, .. })
        ));
        assert_eq!(
            KomboId::parse("0bcdefghijkmnopqrstuvwxy"),
            Err(IdError::Alphabet('0'))
        );
        assert!(KomboId::parse("H5daSm8e85Dmvmne3wLeCPhX").is_ok());
    }

    #[test]
    fn model_and_integration_change_the_id() {
        let a = KomboId::derive("i1", Model::Job, "1");
        assert_ne!(a, KomboId::derive("i1", Model::Candidate, "1"));
        assert_ne!(a, KomboId::derive("i2", Model::Job, "1"));
        assert_ne!(
            KomboId::derive("i1", Model::Job, "ab"),
            KomboId::derive("i1a", Model::Job, "b")
        );
    }
}
