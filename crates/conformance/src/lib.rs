//! Conformance kit for atsbridge connectors: fixtures replayed through wiremock, insta snapshots and standard checks.
