//! Kombo-compatible /v1 HTTP API for atsbridge.
