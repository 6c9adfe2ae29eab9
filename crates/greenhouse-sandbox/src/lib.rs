//! A stateful fake of the Greenhouse Harvest v3 API and its token endpoint, for demos,
//! end-to-end tests, fixture recording and fault injection.
//!
//! It serves the endpoints the Greenhouse connector uses: `POST /token` (client credentials,
//! optional `sub`), the lists `GET /v3/{jobs, job_posts, job_interview_stages, candidates,
//! applications, candidate_tags}` and the writes `POST /v3/{candidates, applications,
//! candidate_tags, applied_candidate_tags, attachments, notes}` and `DELETE
//! /v3/applied_candidate_tags/{id}`. Lists behave like Harvest v3: bare arrays ordered by id
//! descending, `per_page` 1 to 500 (default 100), `updated_at=gte|…|lte|…` windows, a `Link`
//! header with `rel="next"` while rows remain, and a 422 when a cursor comes with any other
//! parameter. The account comes from a deterministic [`SandboxSeed`].

mod seed;
mod server;
mod world;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

pub use seed::{SandboxSeed, seed_epoch};

/// Knobs of one sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The client id the token endpoint accepts.
    pub client_id: String,
    /// The client secret the token endpoint accepts.
    pub client_secret: String,
    /// How long issued tokens stay valid.
    pub token_lifetime: Duration,
    /// Fixed "now" (tokens, write timestamps); `None` uses the real clock.
    pub frozen_clock: Option<DateTime<Utc>>,
    /// Delay before every `/v3` answer.
    pub latency: Duration,
    /// Every n-th `/v3` request answers 429 with `Retry-After: 1` and used-up rate-limit
    /// headers.
    pub rate_limit_every: Option<u64>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            client_id: "sandbox-client".to_owned(),
            client_secret: "sandbox-client-secret-0000".to_owned(),
            token_lifetime: Duration::from_secs(3600),
            frozen_clock: None,
            latency: Duration::ZERO,
            rate_limit_every: None,
        }
    }
}

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// Binding or serving failed.
    #[error("sandbox I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// Entry point: starts sandboxes.
#[derive(Debug)]
pub struct Sandbox;

impl Sandbox {
    /// Starts a sandbox on an ephemeral port of 127.0.0.1, seeded with `seed`.
    pub async fn spawn(
        config: SandboxConfig,
        seed: SandboxSeed,
    ) -> Result<SandboxHandle, SandboxError> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let mut world = world::World::default();
        seed::populate(&mut world, seed);
        let state = server::AppState {
            world: Arc::new(Mutex::new(world)),
            config: Arc::new(config),
            base_url: Arc::from(format!("http://{address}")),
        };
        let app = server::router(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = server.await {
                tracing::warn!(%error, "greenhouse sandbox stopped");
            }
        });
        Ok(SandboxHandle {
            address,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// A running sandbox; dropping it stops the server.
pub struct SandboxHandle {
    address: SocketAddr,
    state: server::AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for SandboxHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxHandle")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl SandboxHandle {
    /// `http://127.0.0.1:<port>`: both the Harvest host and the token host.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// `(client_id, client_secret)` the token endpoint accepts.
    pub fn credentials(&self) -> (String, String) {
        (
            self.state.config.client_id.clone(),
            self.state.config.client_secret.clone(),
        )
    }

    /// `/v3` requests answered since the start or the last reset (the token endpoint is not
    /// counted).
    pub fn request_count(&self) -> u64 {
        self.state.world().requests.values().sum()
    }

    /// `/v3` requests per path.
    pub fn requests_by_path(&self) -> std::collections::BTreeMap<String, u64> {
        self.state.world().requests.clone()
    }

    /// Sets the request counters to zero.
    pub fn reset_request_stats(&self) {
        self.state.world().requests.clear();
    }

    /// Every candidate id, ascending.
    pub fn candidate_ids(&self) -> Vec<u64> {
        self.state.world().candidates.keys().copied().collect()
    }

    /// Renames the first `count` candidates (by id) and stamps them as updated now, as an
    /// edit in Greenhouse would.
    pub fn edit_candidates(&self, count: usize) -> Vec<u64> {
        let now = self.state.now();
        let mut world = self.state.world();
        let mut edited = Vec::new();
        for candidate in world.candidates.values_mut().take(count) {
            candidate.first_name = format!(
                "{} (edited)",
                candidate.first_name.trim_end_matches(" (edited)")
            );
            candidate.updated_at = now;
            edited.push(candidate.id());
        }
        edited
    }

    /// Deletes a candidate and its applications (a hard delete, as in Harvest v3).
    pub fn delete_candidate(&self, id: u64) -> bool {
        let mut world = self.state.world();
        world
            .applications
            .retain(|_, application| application.candidate() != id);
        world.candidates.remove(&id).is_some()
    }

    /// Notes written through the API, as received (the sandbox keeps them only).
    pub fn notes(&self) -> Vec<serde_json::Value> {
        self.state.world().notes.clone()
    }

    /// Attachments written through the API, as received.
    pub fn attachments(&self) -> Vec<serde_json::Value> {
        self.state.world().attachments.clone()
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
