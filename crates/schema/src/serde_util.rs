//! Small serde helpers shared by the wire and request types.

use serde::{Deserialize, Deserializer};

/// Deserializes a value where JSON `null` means the same as a missing key: the type's default.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}
