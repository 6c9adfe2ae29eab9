//! One store of one size: creation, generated data, the API router and the probes run on it.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use async_trait::async_trait;
use atsbridge_schema::envelope::ListEnvelope;
use atsbridge_schema::record::UnifiedRecord;
use atsbridge_schema::{KomboId, Model, Timestamp, wire};
use atsbridge_server::cursor::PageCursor;
use atsbridge_server::{AppState, ForceSyncOutcome, ServerConfig, SyncTrigger};
use atsbridge_store::{
    EnvironmentId, Integration, IntegrationId, IntegrationSettings, KeyFilter, NewIntegration,
    PgOptions, PgStore, QueryPlan, RecordKey, RecordQuery, RecordWrite, RunOutcome, RunStatus,
    SecretKey, SqliteStore, Store, StoreError, SyncMode, TrackedApplication, TrackedRestriction,
};
use atsbridge_sync::{ChangedRecord, record_write, touch_parents};
use axum::body::Body;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use serde_json::{Value, json};
use tower::ServiceExt as _;

use crate::Args;
use crate::data::{self, Account};

/// Jobs named by the `job_ids` filter (about 2750 applications at every size).
const FILTER_JOBS: usize = 10;
/// Page size of every request.
const PAGE_SIZE: usize = 250;

/// A store backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `SqliteStore` in a temporary directory.
    Sqlite,
    /// PostgreSQL, a fresh database per store.
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

/// Which filter a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// None.
    All,
    /// `job_ids` of [`FILTER_JOBS`] jobs.
    Jobs,
    /// `updated_after` between the load and the update pass.
    UpdatedAfter,
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Filter::All => "none",
            Filter::Jobs => "job_ids (10 jobs)",
            Filter::UpdatedAfter => "updated_after",
        })
    }
}

/// First page, or the page that starts at 80 % of the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// No cursor.
    First,
    /// Cursor at 80 % of the matching records (or at the last full page, if later).
    Deep,
}

/// What one sample times.
pub enum Probe {
    /// A GET through the router, body read to the end.
    Request(String),
    /// `serde_json::to_vec` of a candidates response, parsed from a served body.
    SerializeCandidates(Box<ListEnvelope<wire::Candidate>>),
}

/// One measurement.
pub struct Scenario {
    /// Listed model.
    pub model: Model,
    /// Filter.
    pub filter: Filter,
    /// Page depth.
    pub depth: Depth,
    /// What is timed.
    pub probe: Probe,
    /// Records matching the filter (the whole listing).
    pub matching: usize,
    /// Records on the page.
    pub served: usize,
    /// Response body bytes.
    pub bytes: usize,
}

/// Counts and times of the generation.
#[derive(Debug, Default, Clone)]
pub struct Generation {
    /// Records written by the load.
    pub records: usize,
    /// Candidates.
    pub candidates: usize,
    /// Applications.
    pub applications: usize,
    /// Wall time of the load.
    pub load: Duration,
    /// Records changed by the update pass.
    pub updated: usize,
    /// Wall time of the update pass (writes and relation touches).
    pub update: Duration,
}

/// Write throughput of one store.
pub struct Writes {
    /// Records per pass.
    pub records: usize,
    /// First pass (inserts).
    pub insert: Duration,
    /// Second pass over the same records (unchanged).
    pub unchanged: Duration,
}

/// Keeps a store's storage alive until [`Target::close`].
enum Guard {
    /// The SQLite file's directory.
    Dir(tempfile::TempDir),
    /// The database created for this store, dropped on close.
    Postgres {
        server_url: String,
        database: String,
    },
}

/// The store as its concrete type, for statement plans.
enum Concrete {
    Sqlite(Arc<SqliteStore>),
    Postgres(Arc<PgStore>),
}

/// A filled store and its API.
pub struct Target {
    /// Backend.
    pub backend: Backend,
    /// Requested size in records.
    pub size: usize,
    /// Generated account.
    pub account: Account,
    /// Generation figures.
    pub generation: Generation,
    /// Probes, in measuring order.
    pub scenarios: Vec<Scenario>,
    store: Arc<dyn Store>,
    router: axum::Router,
    api_key: String,
    environment: EnvironmentId,
    integration: Integration,
    concrete: Concrete,
    guard: Guard,
}

/// The benchmark starts no syncs.
struct NoSync;

#[async_trait]
impl SyncTrigger for NoSync {
    async fn force_sync(
        &self,
        _integration: &Integration,
        _mode: SyncMode,
    ) -> Result<ForceSyncOutcome, String> {
        Err("the benchmark starts no syncs".to_owned())
    }
}

fn now() -> Timestamp {
    Timestamp::from(Utc::now())
}

impl Target {
    /// Creates the store, fills it and builds the router.
    pub async fn create(backend: Backend, size: usize, args: &Args) -> anyhow::Result<Self> {
        let (store, concrete, guard): (Arc<dyn Store>, Concrete, Guard) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::Builder::new()
                    .prefix("atsbridge-bench-store-")
                    .tempdir()
                    .context("creating a temporary directory")?;
                let store = Arc::new(
                    SqliteStore::open(dir.path().join("bench.db"), SecretKey::generate())
                        .context("opening the SQLite store")?,
                );
                (store.clone(), Concrete::Sqlite(store), Guard::Dir(dir))
            }
            Backend::Postgres => {
                let server_url = args
                    .postgres_url
                    .clone()
                    .context("the PostgreSQL backend needs --postgres-url")?;
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.subsec_nanos());
                let database = format!("atsbridge_bench_{}_{size}_{nanos}", std::process::id());
                pg_admin(&server_url)
                    .await?
                    .batch_execute(&format!("CREATE DATABASE {database}"))
                    .await
                    .with_context(|| format!("creating database {database}"))?;
                let guard = Guard::Postgres {
                    server_url: server_url.clone(),
                    database: database.clone(),
                };
                let url = database_url(&server_url, &database)?;
                let store =
                    match PgStore::connect(&url, SecretKey::generate(), PgOptions::default()).await
                    {
                        Ok(store) => Arc::new(store),
                        Err(error) => {
                            drop_database(&server_url, &database).await?;
                            return Err(error).context("opening the PostgreSQL store");
                        }
                    };
                (store.clone(), Concrete::Postgres(store), guard)
            }
        };
        let environment = store.create_environment("bench").await?;
        let api_key = store.create_api_key(&environment.id, "bench").await?.secret;
        let integration = store
            .create_integration(new_integration(&environment.id))
            .await?;
        let registry = atsbridge_connectors::registry().context("registering the connectors")?;
        let state = AppState::new(
            store.clone(),
            Arc::new(registry),
            Arc::new(NoSync),
            ServerConfig::default(),
        )
        .context("building the API state")?;
        let mut target = Target {
            backend,
            size,
            account: Account::new(size, args.seed),
            generation: Generation::default(),
            scenarios: Vec::new(),
            store,
            router: atsbridge_server::build_router(state),
            api_key,
            environment: environment.id,
            integration,
            concrete,
            guard,
        };
        if let Err(error) = target.load(args.batch as usize).await {
            target.close().await?;
            return Err(error);
        }
        if let Guard::Postgres {
            server_url,
            database,
        } = &target.guard
        {
            // A steady state: autovacuum would analyze the freshly loaded tables soon anyway.
            pg_admin(&database_url(server_url, database)?)
                .await?
                .batch_execute("ANALYZE")
                .await
                .context("analyzing the loaded database")?;
        }
        Ok(target)
    }

    /// Releases the store and its storage (drops the PostgreSQL database).
    pub async fn close(self) -> anyhow::Result<()> {
        let Target {
            store,
            router,
            concrete,
            guard,
            ..
        } = self;
        drop((store, router, concrete));
        match guard {
            Guard::Dir(dir) => dir.close().context("removing the temporary directory")?,
            Guard::Postgres {
                server_url,
                database,
            } => drop_database(&server_url, &database).await?,
        }
        Ok(())
    }

    /// Size of the store on disk, if known.
    pub async fn disk_bytes(&self) -> Option<u64> {
        match &self.guard {
            Guard::Dir(dir) => std::fs::read_dir(dir.path()).ok().map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            }),
            Guard::Postgres {
                server_url,
                database,
            } => {
                let client = pg_admin(server_url).await.ok()?;
                let row = client
                    .query_one("SELECT pg_database_size($1)", &[database])
                    .await
                    .ok()?;
                row.get::<_, i64>(0).try_into().ok()
            }
        }
    }

    /// Issues every request scenario once with the store's statement log on and returns the
    /// plans of the distinct statements (SQLite: `EXPLAIN QUERY PLAN`; PostgreSQL: `EXPLAIN`
    /// with sequential scans disabled, as the store's `explain_logged` does).
    pub async fn explain(&self) -> anyhow::Result<Vec<QueryPlan>> {
        match &self.concrete {
            Concrete::Sqlite(store) => store.start_statement_log(),
            Concrete::Postgres(store) => store.start_statement_log(),
        }
        for scenario in &self.scenarios {
            if let Probe::Request(path) = &scenario.probe {
                self.get(path).await?;
            }
        }
        Ok(match &self.concrete {
            Concrete::Sqlite(store) => store.explain_logged().await?,
            Concrete::Postgres(store) => store.explain_logged().await?,
        })
    }

    fn id(&self) -> &IntegrationId {
        &self.integration.id
    }

    /// The initial load (one full run), then the update pass; the run ends as succeeded.
    async fn load(&mut self, batch: usize) -> anyhow::Result<()> {
        let run = self
            .store
            .start_run(self.id(), SyncMode::Full, Timestamp::from(data::epoch()))
            .await?;
        let started = Instant::now();
        let mut rx = spawn_producer(self.account, self.id().clone(), batch, Pass::Load);
        let mut n: i64 = 0;
        let mut generation = Generation::default();
        while let Some(item) = rx.recv().await {
            let (model, writes) = item?;
            let at = data::epoch() + chrono::Duration::seconds(30 * n);
            n += 1;
            let count = writes.len();
            let result = self
                .store
                .apply_batch(self.id(), Some(run), Timestamp::from(at), writes)
                .await?;
            if result.inserted as usize != count {
                bail!("expected {count} inserts, the store reports {result:?}");
            }
            generation.records += count;
            match model {
                Model::Candidate => generation.candidates += count,
                Model::Application => generation.applications += count,
                _ => {}
            }
        }
        generation.load = started.elapsed();

        let started = Instant::now();
        let mut rx = spawn_producer(self.account, self.id().clone(), batch, Pass::Update);
        let at = Timestamp::from(data::update_time());
        while let Some(item) = rx.recv().await {
            let (model, writes) = item?;
            let result = self
                .store
                .apply_batch(self.id(), Some(run), at, writes.clone())
                .await?;
            let changed: Vec<ChangedRecord<'_>> = result
                .changed
                .iter()
                .filter_map(|&i| writes.get(i))
                .map(|w| ChangedRecord {
                    model,
                    remote_id: &w.remote_id,
                    document: &w.document,
                })
                .collect();
            touch_parents(self.store.as_ref(), self.id(), &changed, at).await?;
            generation.updated += result.updated as usize;
        }
        generation.update = started.elapsed();
        self.store
            .finish_run(run, succeeded(Timestamp::from(data::update_time())))
            .await?;
        self.generation = generation;
        Ok(())
    }

    /// Tracks [`data::TRACKED_PERCENT`] of the applications and turns "sync only created
    /// applications" on. Returns how many applications are tracked.
    pub async fn track(&mut self) -> anyhow::Result<usize> {
        let mut tracked = 0;
        let at = now();
        for c in 0..self.account.shape.candidates {
            for j in 0..self.account.applications_of(c) {
                if !self.account.is_tracked(c, j) {
                    continue;
                }
                let application = TrackedApplication {
                    application_remote_id: Account::application_id(c, j),
                    candidate_remote_id: Some(format!("c{c}")),
                    job_remote_id: Some(Account::job_id(self.account.job_of(c, j))),
                };
                self.store
                    .track_application(self.id(), application, at)
                    .await?;
                tracked += 1;
            }
        }
        let settings = IntegrationSettings {
            sync_only_created_applications: true,
            ..self.integration.settings.clone()
        };
        self.store.update_settings(self.id(), &settings).await?;
        self.integration.settings = settings;
        Ok(tracked)
    }

    /// Builds the probes: first and deep pages of both models with every filter, plus the
    /// serialization reference. Checks that each page serves what the store holds.
    pub async fn prepare_scenarios(&mut self, tracked: bool) -> anyhow::Result<()> {
        self.scenarios.clear();
        let job_remote_ids: Vec<String> = (0..FILTER_JOBS).map(Account::job_id).collect();
        let job_ids: Vec<String> = job_remote_ids
            .iter()
            .map(|j| KomboId::derive(self.id().as_str(), Model::Job, j).to_string())
            .collect();
        let updated_after = Timestamp::from(data::updated_after());
        for (model, route) in [
            (Model::Candidate, "candidates"),
            (Model::Application, "applications"),
        ] {
            for filter in [Filter::All, Filter::Jobs, Filter::UpdatedAfter] {
                let mut path = format!("/v1/ats/{route}?page_size={PAGE_SIZE}");
                let mut query = RecordQuery::new(self.id().clone(), model, 10_000);
                match filter {
                    Filter::All => {}
                    Filter::Jobs => {
                        path.push_str(&format!("&job_ids={}", job_ids.join(",")));
                        if model == Model::Candidate {
                            query.applied_to_jobs = Some(job_remote_ids.clone());
                        } else {
                            query.key_filters.push(KeyFilter {
                                key: RecordKey::JobRemoteId,
                                values: job_remote_ids.clone(),
                            });
                        }
                    }
                    Filter::UpdatedAfter => {
                        path.push_str(&format!(
                            "&updated_after={}",
                            updated_after.to_wire_string()
                        ));
                        query.updated_after = Some(updated_after);
                    }
                }
                if tracked {
                    query.restrict_to_tracked = Some(if model == Model::Candidate {
                        TrackedRestriction::Candidates
                    } else {
                        TrackedRestriction::Applications
                    });
                }
                let seqs = self.matching_seqs(query).await?;
                let first = self.get(&path).await?;
                let served = check_page(&path, &first, seqs.len().min(PAGE_SIZE))?;
                if model == Model::Candidate && filter == Filter::All {
                    let envelope: ListEnvelope<wire::Candidate> = serde_json::from_slice(&first)
                        .context("parsing a candidates page as the wire type")?;
                    let again = serde_json::to_vec(&envelope)?;
                    if again.len() != first.len() {
                        println!(
                            "note: the reserialized candidates page has {} bytes, the served one {}",
                            again.len(),
                            first.len()
                        );
                    }
                    self.scenarios.push(Scenario {
                        model,
                        filter,
                        depth: Depth::First,
                        probe: Probe::SerializeCandidates(Box::new(envelope)),
                        matching: seqs.len(),
                        served,
                        bytes: again.len(),
                    });
                }
                self.scenarios.push(Scenario {
                    model,
                    filter,
                    depth: Depth::First,
                    probe: Probe::Request(path.clone()),
                    matching: seqs.len(),
                    served,
                    bytes: first.len(),
                });
                let start = (seqs.len() * 4 / 5).min(seqs.len().saturating_sub(PAGE_SIZE));
                if start == 0 {
                    continue;
                }
                let fingerprint = fingerprint_of(&first)?;
                let cursor = PageCursor::new(seqs[start - 1], fingerprint).encode();
                let deep_path = format!("{path}&cursor={cursor}");
                let deep = self.get(&deep_path).await?;
                let served = check_page(&deep_path, &deep, (seqs.len() - start).min(PAGE_SIZE))?;
                self.scenarios.push(Scenario {
                    model,
                    filter,
                    depth: Depth::Deep,
                    probe: Probe::Request(deep_path),
                    matching: seqs.len(),
                    served,
                    bytes: deep.len(),
                });
            }
        }
        Ok(())
    }

    /// Sequence numbers of every record `query` matches, through the store.
    async fn matching_seqs(&self, mut query: RecordQuery) -> anyhow::Result<Vec<i64>> {
        let mut seqs = Vec::new();
        loop {
            let page = self.store.list_records(&query).await?;
            let Some(last) = page.last() else {
                return Ok(seqs);
            };
            query.after_seq = Some(last.seq);
            seqs.extend(page.iter().map(|r| r.seq));
        }
    }

    /// One GET through the router; the body of a 200 answer.
    async fn get(&self, path: &str) -> anyhow::Result<bytes::Bytes> {
        let request = http::Request::get(path)
            .header("authorization", format!("Bearer {}", self.api_key))
            .header("x-integration-id", self.id().as_str())
            .body(Body::empty())
            .context("building a request")?;
        let response = match self.router.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .context("reading a response body")?;
        if !status.is_success() {
            bail!(
                "GET {path} answered {status}: {}",
                String::from_utf8_lossy(&body)
            );
        }
        Ok(body)
    }

    /// Times one sample of `scenario`.
    pub async fn time(&self, scenario: &Scenario) -> anyhow::Result<Duration> {
        match &scenario.probe {
            Probe::Request(path) => {
                let started = Instant::now();
                let body = self.get(path).await?;
                let elapsed = started.elapsed();
                std::hint::black_box(body);
                Ok(elapsed)
            }
            Probe::SerializeCandidates(envelope) => {
                let started = Instant::now();
                let bytes = serde_json::to_vec(envelope.as_ref())?;
                let elapsed = started.elapsed();
                std::hint::black_box(bytes);
                Ok(elapsed)
            }
        }
    }

    /// Inserts `records` candidates and applications into a second integration in batches of
    /// `batch`, then applies the same batches again unchanged.
    pub async fn write_throughput(&self, records: usize, batch: usize) -> anyhow::Result<Writes> {
        let integration = self
            .store
            .create_integration(new_integration(&self.environment))
            .await?;
        let id = integration.id;
        let mut writes: Vec<RecordWrite> = Vec::with_capacity(records + 3);
        let mut c = 0;
        while writes.len() < records {
            writes.push(record_write(
                &id,
                &UnifiedRecord::from(self.account.candidate(c, 1)),
            )?);
            for j in 0..self.account.applications_of(c) {
                writes.push(record_write(
                    &id,
                    &UnifiedRecord::from(self.account.application(c, j, 1)),
                )?);
            }
            c += 1;
        }
        writes.truncate(records);
        let batches: Vec<Vec<RecordWrite>> =
            writes.chunks(batch.max(1)).map(<[_]>::to_vec).collect();
        let insert = self.apply_all(&id, batches.clone(), true).await?;
        let unchanged = self.apply_all(&id, batches, false).await?;
        Ok(Writes {
            records,
            insert,
            unchanged,
        })
    }

    /// Applies `batches` in one run and checks they were all inserted (or all unchanged).
    async fn apply_all(
        &self,
        id: &IntegrationId,
        batches: Vec<Vec<RecordWrite>>,
        insert: bool,
    ) -> anyhow::Result<Duration> {
        let run = self.store.start_run(id, SyncMode::Full, now()).await?;
        let started = Instant::now();
        for writes in batches {
            let count = writes.len() as u64;
            let result = self.store.apply_batch(id, Some(run), now(), writes).await?;
            let done = if insert {
                result.inserted
            } else {
                result.unchanged
            };
            if done != count {
                bail!("expected {count} records to be written alike, got {result:?}");
            }
        }
        let elapsed = started.elapsed();
        self.store.finish_run(run, succeeded(now())).await?;
        Ok(elapsed)
    }
}

/// A connection to the PostgreSQL server (or database) at `url`.
async fn pg_admin(url: &str) -> anyhow::Result<tokio_postgres::Client> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .context("connecting to PostgreSQL")?;
    tokio::spawn(connection);
    Ok(client)
}

/// `server_url` with its database replaced by `database`.
fn database_url(server_url: &str, database: &str) -> anyhow::Result<String> {
    let mut url = url::Url::parse(server_url)
        .context("--postgres-url must be a URL such as postgres://postgres@127.0.0.1:5432/test")?;
    url.set_path(database);
    Ok(url.to_string())
}

async fn drop_database(server_url: &str, database: &str) -> anyhow::Result<()> {
    pg_admin(server_url)
        .await?
        .batch_execute(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        .await
        .with_context(|| format!("dropping database {database}"))
}

fn new_integration(environment: &EnvironmentId) -> NewIntegration {
    NewIntegration {
        environment_id: environment.clone(),
        tool: "erecruiter".to_owned(),
        remote_label: Some("benchmark account".to_owned()),
        credentials: json!({}),
        settings: IntegrationSettings {
            sync_only_created_applications: false,
            ..IntegrationSettings::default()
        },
        end_user: None,
        setup_status: atsbridge_store::SetupStatus::Completed,
    }
}

fn succeeded(finished_at: Timestamp) -> RunOutcome {
    RunOutcome {
        status: RunStatus::Succeeded,
        finished_at,
        counts: Default::default(),
        requests: None,
        error: None,
    }
}

/// Number of results on a page, checked against what the store says it should hold.
fn check_page(path: &str, body: &[u8], expected: usize) -> anyhow::Result<usize> {
    let value: Value = serde_json::from_slice(body).context("parsing a page")?;
    let served = value["data"]["results"].as_array().map_or(0, Vec::len);
    if served != expected {
        bail!("GET {path} served {served} records, the store holds {expected} for that page");
    }
    Ok(served)
}

/// The filter fingerprint inside the `next` cursor of a first page.
fn fingerprint_of(body: &[u8]) -> anyhow::Result<String> {
    let value: Value = serde_json::from_slice(body).context("parsing a page")?;
    let next = value["data"]["next"]
        .as_str()
        .context("a first page with more records has no `next` cursor")?;
    let json = URL_SAFE_NO_PAD
        .decode(next)
        .context("the cursor is not URL-safe base64")?;
    let cursor: Value = serde_json::from_slice(&json).context("the cursor is not JSON")?;
    cursor["f"]
        .as_str()
        .map(str::to_owned)
        .context("the cursor holds no fingerprint")
}

/// Which records a producer makes.
#[derive(Debug, Clone, Copy)]
enum Pass {
    /// Everything, version 1.
    Load,
    /// [`data::UPDATED_PERCENT`] of candidates and applications, version 2.
    Update,
}

type Batch = Result<(Model, Vec<RecordWrite>), StoreError>;

/// Builds the writes of `pass` on a thread of its own, one model per batch, so that making
/// documents and writing them overlap.
fn spawn_producer(
    account: Account,
    id: IntegrationId,
    batch: usize,
    pass: Pass,
) -> tokio::sync::mpsc::Receiver<Batch> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Batch>(4);
    std::thread::spawn(move || {
        let batch = batch.max(1);
        let send = |model: Model, records: &mut Vec<UnifiedRecord>| -> bool {
            if records.is_empty() {
                return true;
            }
            let writes: Result<Vec<RecordWrite>, StoreError> =
                records.drain(..).map(|r| record_write(&id, &r)).collect();
            tx.blocking_send(writes.map(|w| (model, w))).is_ok()
        };
        let mut candidates: Vec<UnifiedRecord> = Vec::new();
        let mut applications: Vec<UnifiedRecord> = Vec::new();
        if let Pass::Load = pass {
            let reference = account.reference_records();
            for model in [
                Model::ApplicationStage,
                Model::Tag,
                Model::Job,
                Model::ScreeningQuestion,
                Model::JobScreeningQuestion,
            ] {
                let mut of_model: Vec<UnifiedRecord> = reference
                    .iter()
                    .filter(|r| r.model() == model)
                    .cloned()
                    .collect();
                while !of_model.is_empty() {
                    let rest = of_model.split_off(of_model.len().min(batch));
                    if !send(model, &mut of_model) {
                        return;
                    }
                    of_model = rest;
                }
            }
        }
        let (version, all) = match pass {
            Pass::Load => (1, true),
            Pass::Update => (2, false),
        };
        for c in 0..account.shape.candidates {
            if all || account.is_updated(c, None) {
                candidates.push(account.candidate(c, version).into());
            }
            for j in 0..account.applications_of(c) {
                if all || account.is_updated(c, Some(j)) {
                    applications.push(account.application(c, j, version).into());
                }
            }
            if candidates.len() >= batch {
                if !send(Model::Candidate, &mut candidates) {
                    return;
                }
                if !send(Model::Application, &mut applications) {
                    return;
                }
            }
        }
        let _ =
            send(Model::Candidate, &mut candidates) && send(Model::Application, &mut applications);
    });
    rx
}
