//! Content hashes of records: SHA-256 over canonical JSON (object keys sorted).

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Hex SHA-256 of the canonical form of `document`. Two documents that differ only in the
/// order of object keys hash the same.
pub fn content_hash(document: &Value) -> String {
    hash_and_size(document).0
}

/// [`content_hash`] and the length in bytes of the canonical form it hashed (the engine
/// bounds its write buffer by it).
pub(crate) fn hash_and_size(document: &Value) -> (String, usize) {
    let mut canonical = Canonical {
        hasher: Sha256::new(),
        len: 0,
    };
    canonical.write(document);
    let hash = canonical
        .hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    (hash, canonical.len)
}

/// The hasher the canonical form is written into, and how many bytes it took.
struct Canonical {
    hasher: Sha256,
    len: usize,
}

impl Canonical {
    fn update(&mut self, bytes: &[u8]) {
        self.len = self.len.saturating_add(bytes.len());
        self.hasher.update(bytes);
    }

    fn write(&mut self, value: &Value) {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                self.update(b"{");
                for (index, (key, item)) in entries.into_iter().enumerate() {
                    if index > 0 {
                        self.update(b",");
                    }
                    self.update(Value::String(key.clone()).to_string().as_bytes());
                    self.update(b":");
                    self.write(item);
                }
                self.update(b"}");
            }
            Value::Array(items) => {
                self.update(b"[");
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        self.update(b",");
                    }
                    self.write(item);
                }
                self.update(b"]");
            }
            scalar => self.update(scalar.to_string().as_bytes()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_does_not_matter_but_values_do() {
        let a = json!({"a": 1, "b": {"x": [1, 2], "y": null}});
        let b = json!({"b": {"y": null, "x": [1, 2]}, "a": 1});
        assert_eq!(content_hash(&a), content_hash(&b));
        assert_ne!(
            content_hash(&a),
            content_hash(&json!({"a": 1, "b": {"x": [2, 1], "y": null}}))
        );
        assert_ne!(
            content_hash(&json!({"a": "1"})),
            content_hash(&json!({"a": 1}))
        );
        assert_eq!(content_hash(&a).len(), 64);
    }

    #[test]
    fn the_size_is_the_length_of_the_canonical_form() {
        let document = json!({"b": [1, null], "a": "x"});
        let (hash, size) = hash_and_size(&document);
        assert_eq!(hash, content_hash(&document));
        assert_eq!(size, r#"{"a":"x","b":[1,null]}"#.len());
    }
}
