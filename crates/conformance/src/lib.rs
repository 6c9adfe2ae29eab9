//! Conformance kit for atsbridge connectors.
//!
//! A connector crate adds this crate as a dev-dependency and, from `tests/conformance.rs`,
//! replays the recorded scenarios under `fixtures/<connector>/` through wiremock, snapshots
//! the results with insta and runs the standard checks its coverage declaration allows.
//!
//! - [`fixture`]: the v1 fixture format and its JSON Schema;
//! - [`request`]: canonical requests and the matching rule;
//! - [`replay`]: the wiremock replay server with `expect(1)` interactions and a catch-all;
//! - [`scenario`]: running one fixture against a connector and judging the outcome;
//! - [`kit`]: [`ConformanceKit`], a connector factory plus its fixtures;
//! - [`check`]: the standard checks, gated by the connector's coverage;
//! - [`derive`]: the standard fault scenarios derived from one recorded full sync;
//! - [`snapshot`]: insta settings for the snapshots;
//! - [`schema_paths`]: the field names a coverage declaration may use;
//! - [`lint`]: the fixture lint behind `cargo xtask fixtures lint`;
//! - [`record`]: recording a scenario against a live (or sandbox) provider.

pub mod action_input;
pub mod check;
pub mod derive;
pub mod error;
pub mod fixture;
pub mod kit;
pub mod lint;
pub mod proxy;
pub mod record;
pub mod replay;
pub mod request;
pub mod scenario;
pub mod schema_paths;
pub mod snapshot;

pub use check::{CheckFailure, CheckResult, Checked, ConformanceReport, run_all};
pub use derive::{FaultPoints, derive_fault_fixtures};
pub use error::KitError;
pub use fixture::{
    Expectation, ExpectedOutcome, Fault, Fixture, FixtureBody, FixtureRequest, FixtureResponse,
    Interaction, ScenarioInput, fixture_json_schema, load_dir,
};
pub use kit::ConformanceKit;
pub use lint::{LintFinding, LintRule, lint_dir, lint_fixture};
pub use record::{RecordingSpec, record_scenario, record_via_proxy};
pub use replay::{ObservedRequest, ReplayFailure, ReplayServer, TimeSource};
pub use request::CanonicalRequest;
pub use scenario::{ScenarioRun, run_scenario};
pub use snapshot::snapshot_settings;
