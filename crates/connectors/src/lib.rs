//! The one list of connectors atsbridge ships.
//!
//! The CLI, the server's binary, `cargo xtask codegen` (coverage pages), `cargo xtask fixtures
//! record` and the benchmarks all take their connectors from [`factories`], so adding a
//! connector is its own crate plus one line here (and one dependency in this crate's
//! manifest).

use std::sync::Arc;

use atsbridge_connector::{ConnectorError, ConnectorFactory, ConnectorRegistry};

/// Every connector factory, one line per connector.
pub fn factories() -> Vec<Arc<dyn ConnectorFactory>> {
    vec![
        Arc::new(atsbridge_erecruiter::ErecruiterFactory),
        Arc::new(atsbridge_greenhouse::GreenhouseFactory),
    ]
}

/// A registry of every connector in [`factories`].
pub fn registry() -> Result<ConnectorRegistry, ConnectorError> {
    ConnectorRegistry::from_factories(factories())
}

/// The factory for `slug`, if atsbridge ships such a connector.
pub fn factory(slug: &str) -> Option<Arc<dyn ConnectorFactory>> {
    factories()
        .into_iter()
        .find(|factory| factory.slug() == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_unique_and_match_the_info() {
        let registry = registry().unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(registry.slugs().count(), factories().len());
        for factory in factories() {
            assert_eq!(factory.slug(), factory.info().slug);
        }
    }
}
