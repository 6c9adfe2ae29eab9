//! The entry point: a connector factory plus its fixtures.

use std::path::PathBuf;
use std::sync::Arc;

use atsbridge_connector::{Connector, ConnectorFactory, Coverage};
use serde_json::Value;

use crate::error::KitError;
use crate::fixture::{Fixture, load_dir};
use crate::scenario::{BuildConnector, RunOptions, ScenarioRun, run_scenario};

/// Where the fixtures come from.
#[derive(Debug, Clone)]
enum FixtureSource {
    Dir(PathBuf),
    InMemory(Vec<Fixture>),
}

/// A connector under test: how to build it, what it declares and which fixtures describe it.
///
/// ```ignore
/// let kit = ConformanceKit::new(Arc::new(ErecruiterFactory::default()))
///     .fixtures_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/erecruiter"));
/// atsbridge_conformance::check::run_all(&kit).await.assert_passed();
/// ```
#[derive(Clone)]
pub struct ConformanceKit {
    build: BuildConnector,
    coverage: Coverage,
    fixtures: FixtureSource,
}

impl std::fmt::Debug for ConformanceKit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConformanceKit")
            .field("fixtures", &self.fixtures)
            .finish_non_exhaustive()
    }
}

impl ConformanceKit {
    /// A kit for the connectors `factory` builds; fixtures default to `fixtures/<slug>`
    /// relative to the current directory.
    pub fn new(factory: Arc<dyn ConnectorFactory>) -> ConformanceKit {
        let coverage = factory.coverage();
        let dir = PathBuf::from("fixtures").join(factory.slug());
        let build: BuildConnector = Arc::new(move |config: &Value| factory.build(config));
        ConformanceKit {
            build,
            coverage,
            fixtures: FixtureSource::Dir(dir),
        }
    }

    /// A kit from a build function and the coverage its connectors declare (the kit's own
    /// tests use it for deliberately broken connectors).
    pub fn from_builder(
        coverage: Coverage,
        build: impl Fn(&Value) -> Result<Arc<dyn Connector>, atsbridge_connector::ConnectorError>
        + Send
        + Sync
        + 'static,
    ) -> ConformanceKit {
        ConformanceKit {
            build: Arc::new(build),
            coverage,
            fixtures: FixtureSource::InMemory(Vec::new()),
        }
    }

    /// Reads fixtures from `dir` (every `*.json` below it).
    #[must_use]
    pub fn fixtures_dir(mut self, dir: impl Into<PathBuf>) -> ConformanceKit {
        self.fixtures = FixtureSource::Dir(dir.into());
        self
    }

    /// Uses the given fixtures instead of a directory.
    #[must_use]
    pub fn with_fixtures(mut self, fixtures: Vec<Fixture>) -> ConformanceKit {
        self.fixtures = FixtureSource::InMemory(fixtures);
        self
    }

    /// The coverage the connector declares.
    pub fn coverage(&self) -> &Coverage {
        &self.coverage
    }

    /// How the kit builds connectors.
    pub fn builder(&self) -> &BuildConnector {
        &self.build
    }

    /// The fixtures, sorted by scenario name.
    pub fn fixtures(&self) -> Result<Vec<Fixture>, KitError> {
        let mut fixtures = match &self.fixtures {
            FixtureSource::Dir(dir) => load_dir(dir)?
                .into_iter()
                .map(|(_, fixture)| fixture)
                .collect(),
            FixtureSource::InMemory(fixtures) => fixtures.clone(),
        };
        fixtures.sort_by(|a, b| a.scenario.cmp(&b.scenario));
        Ok(fixtures)
    }

    /// Replays one fixture; fixtures whose fault makes a connector wait (rate limits, 5xx,
    /// failures half-way) run on tokio's paused clock, the others in real time.
    pub async fn replay(&self, fixture: &Fixture) -> Result<ScenarioRun, KitError> {
        run_scenario(&self.build, fixture, RunOptions::for_fixture(fixture)).await
    }

    /// Replays one fixture with tokio's clock paused (for fixtures whose connector waits).
    pub async fn replay_paused(&self, fixture: &Fixture) -> Result<ScenarioRun, KitError> {
        run_scenario(&self.build, fixture, RunOptions { paused_time: true }).await
    }
}
