//! Greenhouse connector for atsbridge: Harvest API v3 through OAuth client credentials, built
//! on the connector SDK and the shared transport only.
//!
//! - [`config`]: the integration's settings;
//! - [`client`]: token exchange and `Link`-following list walks;
//! - [`wire`] and [`map`]: Harvest rows and their records;
//! - [`sync`]: full and delta runs;
//! - [`coverage`]: what the connector declares;
//! - [`decisions`]: every open point of the provider reference, decided.

mod actions;
pub mod client;
pub mod config;
mod connector;
pub mod coverage;
pub mod decisions;
pub mod map;
mod passthrough;
pub mod sync;
pub mod wire;

pub use config::{ConfigError, GreenhouseConfig};
pub use connector::{GreenhouseConnector, GreenhouseFactory};
