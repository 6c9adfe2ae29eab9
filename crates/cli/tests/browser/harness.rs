//! What every browser test needs: the whole stack on 127.0.0.1 ([`Stack`]: eRecruiter
//! sandbox, SQLite store, API server with its sync scheduler) and a headless Chromium driven
//! over WebDriver ([`Browser`]: chromedriver from Debian's `chromium-driver`, a fresh
//! profile, screenshots under `target/screenshots/`).
//!
//! Without chromedriver the tests fail with a clear message when `CI` is set, and are
//! skipped (saying why) otherwise; see [`Browser::start`].

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use atsbridge_connector::ConnectorRegistry;
use atsbridge_erecruiter_sandbox::{Sandbox, SandboxConfig, SandboxHandle, SandboxSeed};
use atsbridge_server::dashboard::{AdminToken, DashboardConfig};
use atsbridge_server::{AppState, SchedulerTrigger, ServerConfig, SyncTrigger};
use atsbridge_store::{
    EnvironmentId, Integration, IntegrationSettings, NewIntegration, RunStatus, SecretKey,
    SetupStatus, SqliteStore, Store, SyncMode, SyncRun,
};
use atsbridge_sync::{RegistryConnectorProvider, Scheduler, SyncEngine};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// The chromedriver of Debian's `chromium-driver` package (`ATSBRIDGE_CHROMEDRIVER`
/// overrides it).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The browser of Debian's `chromium` package (`ATSBRIDGE_CHROMIUM` overrides it).
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// A binary's path: the environment variable when set, else the Debian default.
fn binary(variable: &str, default: &str) -> PathBuf {
    std::env::var_os(variable)
        .filter(|value| !value.is_empty())
        .map_or_else(|| PathBuf::from(default), PathBuf::from)
}
/// How long a test waits for something to appear before it fails.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// The API server with everything behind it, on loopback ports.
pub struct Stack {
    /// `http://127.0.0.1:<port>` of the API server (`/v1`, `/dashboard`, connect pages).
    pub base_url: String,
    /// The store the server uses.
    pub store: Arc<dyn Store>,
    /// The environment created at start.
    pub environment: EnvironmentId,
    /// An API key of that environment.
    pub api_key: String,
    /// The dashboard's admin token.
    pub admin_token: String,
    /// The same trigger `POST /v1/force-sync` uses.
    pub trigger: Arc<SchedulerTrigger>,
    /// The seeded eRecruiter sandbox.
    pub sandbox: SandboxHandle,
    scheduler: Arc<Scheduler>,
    stop_server: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Stack {
    /// Starts the sandbox (6 jobs, 30 candidates), a store in a temporary directory, and the
    /// API server with the eRecruiter connector, a scheduler and an admin token.
    pub async fn start() -> Stack {
        let sandbox = Sandbox::spawn(
            SandboxConfig::default(),
            SandboxSeed {
                jobs: 6,
                candidates: 30,
                seed: 7,
            },
        )
        .await
        .expect("start the eRecruiter sandbox");
        let dir = tempfile::tempdir().expect("temporary directory");
        let store: Arc<dyn Store> = Arc::new(
            SqliteStore::open(dir.path().join("atsbridge.db"), SecretKey::generate())
                .expect("open the store"),
        );
        let environment = store.create_environment("Acme HR").await.unwrap();
        let api_key = store
            .create_api_key(&environment.id, "careers site")
            .await
            .unwrap()
            .secret;
        let mut registry = ConnectorRegistry::new();
        registry
            .add(Arc::new(atsbridge_erecruiter::ErecruiterFactory))
            .unwrap();
        let engine = Arc::new(SyncEngine::new(store.clone()));
        let provider = Arc::new(RegistryConnectorProvider::new(
            registry.clone(),
            store.clone(),
        ));
        let scheduler = Arc::new(Scheduler::new(engine, provider));
        let trigger = Arc::new(SchedulerTrigger::new(scheduler.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let admin_token = atsbridge_server::dashboard::session::generate_token();
        let config = ServerConfig {
            // Connect links point here.
            public_url: base_url.clone(),
            dashboard: DashboardConfig {
                admin_token: Some(AdminToken::new(&admin_token).unwrap()),
                ..DashboardConfig::default()
            },
            ..ServerConfig::default()
        };
        let state = AppState::new(store.clone(), Arc::new(registry), trigger.clone(), config)
            .expect("API state");
        let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(atsbridge_server::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        Stack {
            base_url,
            store,
            environment: environment.id,
            api_key,
            admin_token,
            trigger,
            sandbox,
            scheduler,
            stop_server: Some(stop_server),
            _dir: dir,
        }
    }

    /// The eRecruiter credentials of the sandbox (host, mandator id, API key).
    pub fn sandbox_credentials(&self) -> serde_json::Value {
        let (api_key, mandator_id) = self.sandbox.credentials();
        json!({
            "host": self.sandbox.base_url(),
            "mandator_id": mandator_id,
            "api_key": api_key,
            "max_concurrent_requests": 8,
            "requests_per_second": 1000,
        })
    }

    /// Stores an eRecruiter integration pointing at the sandbox (serving every application).
    pub async fn add_sandbox_integration(&self, label: &str) -> Integration {
        self.store
            .create_integration(NewIntegration {
                environment_id: self.environment.clone(),
                tool: "erecruiter".to_owned(),
                remote_label: Some(label.to_owned()),
                credentials: self.sandbox_credentials(),
                settings: IntegrationSettings {
                    sync_only_created_applications: false,
                    ..IntegrationSettings::default()
                },
                end_user: None,
                setup_status: SetupStatus::FinalSyncPending,
            })
            .await
            .expect("store the integration")
    }

    /// Queues a full sync through the scheduler, as force-sync does, and waits until that
    /// run ended; returns it.
    pub async fn sync_and_wait(&self, integration: &Integration) -> SyncRun {
        let outcome = self
            .trigger
            .force_sync(integration, SyncMode::Full)
            .await
            .expect("queue a sync");
        let run_id: i64 = outcome.sync_id.parse().expect("numeric run id");
        self.wait_for_run(integration, |run| {
            run.id.0 == run_id && run.status.is_final()
        })
        .await
    }

    /// Waits until one of the integration's last runs matches `done`; returns it.
    pub async fn wait_for_run(
        &self,
        integration: &Integration,
        done: impl Fn(&SyncRun) -> bool,
    ) -> SyncRun {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let runs = self.store.last_runs(&integration.id, 10).await.unwrap();
            if let Some(run) = runs.into_iter().find(|run| done(run)) {
                return run;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no matching run of {} within {PATIENCE:?}",
                integration.id
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops the scheduler, the server and the sandbox.
    pub async fn shutdown(mut self) {
        self.scheduler.shutdown().await;
        if let Some(stop) = self.stop_server.take() {
            let _ = stop.send(());
        }
        let _ = self.sandbox.shutdown().await;
    }
}

/// Whether a run succeeded.
pub fn succeeded(run: &SyncRun) -> bool {
    run.status == RunStatus::Succeeded
}

/// `target/screenshots/`: under `$CARGO_TARGET_DIR` when set, else the `target` directory
/// that holds this test binary (`target/debug/deps/browser-…`).
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            let exe = std::env::current_exe().ok()?;
            exe.ancestors().nth(3).map(Path::to_path_buf)
        })
        .unwrap_or_else(|| PathBuf::from("target"));
    target.join("screenshots")
}

/// A headless Chromium session, with its chromedriver and throw-away profile.
pub struct Browser {
    /// The WebDriver client; use it directly for anything the helpers do not cover.
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and opens a headless Chromium at a
    /// laptop-sized window (1366×900).
    ///
    /// Returns `None` (after printing why) when chromedriver is not installed and `CI` is
    /// not set; with `CI` set that is a test failure naming the packages to install.
    pub async fn start() -> Option<Browser> {
        let chromedriver = binary("ATSBRIDGE_CHROMEDRIVER", CHROMEDRIVER);
        let chromium = binary("ATSBRIDGE_CHROMIUM", CHROMIUM);
        if !chromedriver.exists() || !chromium.exists() {
            let message = format!(
                "browser tests need {} and {} (Debian packages `chromium-driver` and \
                 `chromium`; .ci/run installs them)",
                chromedriver.display(),
                chromium.display()
            );
            if std::env::var_os("CI").is_some() {
                panic!("{message}");
            }
            eprintln!("skipped: {message}");
            return None;
        }
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("profile directory");
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.display().to_string(),
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                    "--window-size=1366,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal")
        };
        let url = format!("http://127.0.0.1:{port}");
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let mut driver = Some(driver);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                // chromedriver is still starting.
                Err(_) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(error) => {
                    if let Some(mut child) = driver.take() {
                        let _ = child.kill();
                    }
                    panic!("cannot open a Chromium session through chromedriver: {error}");
                }
            }
        };
        Some(Browser {
            client,
            driver: driver.take().expect("driver kept"),
            _profile: profile,
        })
    }

    /// Opens a URL and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// The first element matching a CSS selector, waiting up to [`PATIENCE`] for it.
    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!("no element `{css}`: {e}\n{}", self.page_text().await),
        }
    }

    /// Types `text` into the field matching `css` (after clearing it).
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click `{css}`: {e}"));
    }

    /// Clicks the button whose visible text is exactly `label`.
    pub async fn click_button(&self, label: &str) {
        let xpath = format!("//button[normalize-space(.)='{label}']");
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button `{label}`: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click `{label}`: {e}"));
    }

    /// The visible text of the element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_default()
    }

    /// The current value of the form field matching `css` (what the user typed or the page
    /// filled in).
    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// The visible text of the whole page (empty while it is being replaced).
    pub async fn page_text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Waits until the page's visible text contains `needle` (surviving reloads).
    pub async fn wait_for_text(&self, needle: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if self.page_text().await.contains(needle) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "`{needle}` did not appear within {PATIENCE:?}; the page says:\n{}",
                self.page_text().await
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Polls `check` (surviving reloads) until it returns `Some`; returns that value.
    pub async fn wait_until<T, F, Fut>(&self, what: &str, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if let Some(value) = check().await {
                return value;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{what} did not happen within {PATIENCE:?}; the page says:\n{}",
                self.page_text().await
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// The path of the current page, e.g. `/dashboard/login`.
    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|url| url.path().to_owned())
            .unwrap_or_default()
    }

    /// Saves a PNG of the window as `target/screenshots/<name>.png`; returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("take a screenshot");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("create the screenshot directory");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        eprintln!("screenshot: {}", path.display());
        path
    }

    /// Like [`Browser::screenshot`], but of the whole page: the window grows to the page's
    /// height for the picture and shrinks back afterwards.
    pub async fn screenshot_full_page(&self, name: &str) -> PathBuf {
        let (width, height) = self.client.get_window_size().await.unwrap();
        let page_height = self
            .client
            .execute("return document.documentElement.scrollHeight;", Vec::new())
            .await
            .ok()
            .and_then(|value| value.as_u64())
            .unwrap_or(height);
        let full = u32::try_from(page_height.max(height) + 160)
            .unwrap_or(4000)
            .min(4000);
        let width = u32::try_from(width).unwrap_or(1366);
        self.client.set_window_size(width, full).await.unwrap();
        let path = self.screenshot(name).await;
        let height = u32::try_from(height).unwrap_or(900);
        self.client.set_window_size(width, height).await.unwrap();
        path
    }

    /// Ends the session and stops chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failed test still stops its chromedriver (and with it the browser).
        let _ = self.driver.kill();
    }
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}
