//! atsbridge command-line interface: demo, serve, sync, check, integrations and coverage.
fn main() {}
