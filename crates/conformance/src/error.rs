//! Errors of the kit's own machinery (loading fixtures, running the replay server).

/// Failure to load, parse or write fixtures, or to drive a replay.
#[derive(Debug, thiserror::Error)]
pub enum KitError {
    /// A file or directory could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The path involved.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A fixture is not valid JSON or does not follow the format.
    #[error("fixture {path} is not a valid v1 fixture: {source}")]
    FixtureParse {
        /// The fixture's path.
        path: String,
        /// The parse error.
        source: serde_json::Error,
    },
    /// A fixture declares a format version this kit does not read.
    #[error("fixture {path} has version {found}; this kit reads version 1")]
    FixtureVersion {
        /// The fixture's path.
        path: String,
        /// The version found.
        found: u32,
    },
    /// A fixture could not be serialized.
    #[error("cannot serialize fixture: {0}")]
    Serialize(serde_json::Error),
    /// A fixture holds a value wiremock cannot replay (bad header name, bad status).
    #[error("fixture {scenario} cannot be replayed: {message}")]
    Unreplayable {
        /// The scenario.
        scenario: String,
        /// What is wrong.
        message: String,
    },
    /// The connector could not be built from the fixture's config.
    #[error("cannot build the connector for `{scenario}`: {message}")]
    Build {
        /// The scenario.
        scenario: String,
        /// The connector's error message.
        message: String,
    },
    /// The fixture's input does not fit the SDK's types.
    #[error("fixture `{scenario}` has an unusable input: {message}")]
    BadInput {
        /// The scenario.
        scenario: String,
        /// What is wrong.
        message: String,
    },
    /// A fault scenario could not be derived from a recorded sync.
    #[error("cannot derive `{scenario}`: {message}")]
    Derive {
        /// The scenario being derived.
        scenario: String,
        /// What is wrong (usually a fault point outside the recording).
        message: String,
    },
}
