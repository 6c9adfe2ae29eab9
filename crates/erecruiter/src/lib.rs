//! eRecruiter connector for atsbridge.
//!
//! Reads jobs, candidates, applications, application stages and screening questions from an
//! eRecruiter installation and performs the eight write actions of the unified API, through
//! the shared HTTP transport (token exchange auth, retries, limits).
//!
//! Entry points: [`ErecruiterFactory`] (builds a connector from an integration's config JSON),
//! [`ErecruiterConnector`] (the [`atsbridge_connector::Connector`] implementation) and
//! [`coverage::coverage`] (the declaration the docs page is rendered from). The choices made
//! where eRecruiter's documentation is silent are listed in [`decisions`].
//!
//! Layout: [`config`] (credentials + validation), [`wire`] (eRecruiter JSON), [`map`] (pure
//! wire → record functions), [`client`] (endpoints), [`sync`] (the fan-out), [`actions`],
//! [`passthrough`], [`coverage`], [`connector`] (trait impl + factory).

pub mod actions;
pub mod client;
pub mod config;
pub mod connector;
pub mod coverage;
pub mod decisions;
pub mod map;
pub mod passthrough;
pub mod sync;
pub mod wire;

pub use config::{ConfigError, ErecruiterConfig};
pub use connector::{ErecruiterConnector, ErecruiterFactory};
