//! Building connectors from stored integration config, by slug.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::connector::Connector;
use crate::coverage::Coverage;
use crate::error::ConnectorError;
use crate::guard::GuardedConnector;
use crate::info::ConnectorInfo;
use crate::recording::Recorder;

/// One credential or setting the customer enters when connecting an account
/// ("Create credentials").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CredentialField {
    /// The key in the integration's config JSON.
    pub key: String,
    /// Label shown to the person connecting.
    pub label: String,
    /// Where to find or how to create the value.
    pub help: String,
    /// Whether the connector cannot work without it.
    pub required: bool,
    /// Whether the value is a secret (stored encrypted, never shown again, never logged).
    pub secret: bool,
}

/// Knows how to build one kind of connector from an integration's config.
pub trait ConnectorFactory: Send + Sync {
    /// The slug of the connectors it builds (same as `info().slug`).
    fn slug(&self) -> &'static str;

    /// The identity of the connectors it builds, without building one.
    fn info(&self) -> ConnectorInfo;

    /// The coverage of the connectors it builds, without building one (coverage pages,
    /// `atsbridge coverage`).
    fn coverage(&self) -> Coverage;

    /// The config keys the customer fills in when connecting.
    fn credential_fields(&self) -> Vec<CredentialField>;

    /// JSON Schema of the config, when the connector publishes one.
    fn config_schema(&self) -> Option<serde_json::Value> {
        None
    }

    /// Builds a connector (with its own provider transport) from `config`. Invalid config is
    /// an [`ErrorKind::Config`](crate::ErrorKind::Config) error whose message names the bad
    /// key but never echoes a secret value.
    fn build(&self, config: &serde_json::Value) -> Result<Arc<dyn Connector>, ConnectorError>;

    /// Builds a connector whose transport reports every exchange, scrubbed, to `recorder`
    /// (fixture recording). Connectors without the hook refuse with a config error; the
    /// conformance kit can still record them through its proxy.
    fn build_recording(
        &self,
        config: &serde_json::Value,
        recorder: Arc<dyn Recorder>,
    ) -> Result<Arc<dyn Connector>, ConnectorError> {
        let _ = (config, recorder);
        Err(ConnectorError::config(format!(
            "the `{}` connector has no recording hook",
            self.slug()
        )))
    }

    /// The provider origin (scheme, host and port) that `config` points the connector at.
    /// Recording replaces it by a placeholder in fixtures and replay substitutes the replay
    /// server for it, so every URL of the provider must share this origin in the config.
    fn provider_origin(&self, config: &serde_json::Value) -> Result<String, ConnectorError> {
        let _ = config;
        Err(ConnectorError::config(format!(
            "the `{}` connector does not say which provider origin its config names",
            self.slug()
        )))
    }

    /// The config keys whose values are secrets (taken from [`credential_fields`](Self::credential_fields));
    /// recordings redact them.
    fn secret_config_keys(&self) -> Vec<String> {
        self.credential_fields()
            .into_iter()
            .filter(|field| field.secret)
            .map(|field| field.key)
            .collect()
    }
}

/// The connector factories a binary knows, by slug.
#[derive(Clone, Default)]
pub struct ConnectorRegistry {
    factories: BTreeMap<&'static str, Arc<dyn ConnectorFactory>>,
}

impl fmt::Debug for ConnectorRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectorRegistry")
            .field("slugs", &self.factories.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl ConnectorRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a factory. Fails when its slug is taken already.
    pub fn add(&mut self, factory: Arc<dyn ConnectorFactory>) -> Result<(), ConnectorError> {
        let slug = factory.slug();
        if self.factories.contains_key(slug) {
            return Err(ConnectorError::config(format!(
                "a connector with slug `{slug}` is registered already"
            )));
        }
        self.factories.insert(slug, factory);
        Ok(())
    }

    /// The factory for `slug`.
    pub fn get(&self, slug: &str) -> Option<&Arc<dyn ConnectorFactory>> {
        self.factories.get(slug)
    }

    /// Every factory, ordered by slug.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn ConnectorFactory>> {
        self.factories.values()
    }

    /// A registry holding `factories`; fails on a repeated slug.
    pub fn from_factories(
        factories: impl IntoIterator<Item = Arc<dyn ConnectorFactory>>,
    ) -> Result<Self, ConnectorError> {
        let mut registry = Self::new();
        for factory in factories {
            registry.add(factory)?;
        }
        Ok(registry)
    }

    /// Every registered slug, sorted.
    pub fn slugs(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.factories.keys().copied()
    }

    /// Builds the connector for `slug` from `config`, already wrapped in a
    /// [`GuardedConnector`]; this is how the engine, server and CLI get connectors.
    pub fn build(
        &self,
        slug: &str,
        config: &serde_json::Value,
    ) -> Result<Arc<dyn Connector>, ConnectorError> {
        let factory = self.get(slug).ok_or_else(|| {
            ConnectorError::config(format!("no connector with slug `{slug}` is registered"))
        })?;
        let connector = factory.build(config)?;
        Ok(Arc::new(GuardedConnector::new(connector)))
    }
}
