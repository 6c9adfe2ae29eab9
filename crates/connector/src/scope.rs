//! What a sync run asks the connector to read.

use std::collections::{BTreeMap, BTreeSet};

use atsbridge_schema::Model;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether a run re-reads everything or only what changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncMode {
    /// Read everything; the only mode that lets the engine detect deletions.
    #[default]
    Full,
    /// Read only what changed since [`SyncScope::previous_state`]; connectors without
    /// [`Capabilities::delta_sync`](crate::Capabilities::delta_sync) get full runs instead.
    Delta,
}

/// An application created (or imported) through the API, which "sync only created
/// applications" keeps refreshing.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub struct TrackedApplication {
    /// The application's id at the provider.
    pub application_remote_id: String,
    /// The candidate's id at the provider, when known. Providers that address applications
    /// directly do not need it; providers that read applications through their candidates
    /// skip (and log) the entries without one.
    #[serde(default)]
    pub candidate_remote_id: Option<String>,
    /// The job's id at the provider, when known.
    #[serde(default)]
    pub job_remote_id: Option<String>,
}

/// The input of one [`Connector::sync`](crate::Connector::sync) run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SyncScope {
    /// Full or delta.
    pub mode: SyncMode,
    /// The models to read. The guard narrows this to the declared models.
    pub models: BTreeSet<Model>,
    /// What the connector stored with [`RecordSink::set_state`](crate::RecordSink::set_state)
    /// at the end of the previous successful run (`None` on the first run).
    #[serde(default)]
    pub previous_state: Option<serde_json::Value>,
    /// Remote ids the store already holds per model (not deleted). A fan-out connector
    /// refreshes them even when the provider's lists no longer show them.
    #[serde(default)]
    pub known_remote_ids: BTreeMap<Model, BTreeSet<String>>,
    /// `None`: read all candidates and applications. `Some`: "sync only created
    /// applications" is on; read only these applications and their candidates.
    #[serde(default)]
    pub tracked_applications: Option<BTreeSet<TrackedApplication>>,
}

impl SyncScope {
    /// A full run over `models` with no previous state, no known ids, nothing tracked.
    pub fn full(models: impl IntoIterator<Item = Model>) -> Self {
        Self {
            mode: SyncMode::Full,
            models: models.into_iter().collect(),
            ..Self::default()
        }
    }

    /// A full run over every model.
    pub fn full_all_models() -> Self {
        Self::full(Model::ALL)
    }

    /// Whether `model` is requested.
    pub fn wants(&self, model: Model) -> bool {
        self.models.contains(&model)
    }

    /// The known remote ids of `model` (empty when there are none).
    pub fn known_ids(&self, model: Model) -> impl Iterator<Item = &str> {
        self.known_remote_ids
            .get(&model)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// Whether "sync only created applications" restricts this run.
    pub fn only_tracked_applications(&self) -> bool {
        self.tracked_applications.is_some()
    }
}
