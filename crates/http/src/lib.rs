//! Production HTTP transport for atsbridge connectors: auth hook, retries, rate limits, redaction and recording.
