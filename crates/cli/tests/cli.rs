//! The `atsbridge` binary end to end: bad flags and config give clear errors; the
//! configured-database commands work against an eRecruiter sandbox.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use atsbridge_erecruiter_sandbox::{Sandbox, SandboxConfig, SandboxSeed};

fn atsbridge(dir: &Path, key: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_atsbridge"))
        .args(args)
        .current_dir(dir)
        .env("ATSBRIDGE_SECRET_KEY", key)
        .env("ATSBRIDGE_DATABASE", dir.join("test.db"))
        .env_remove("ATSBRIDGE_CONFIG")
        .output()
        .expect("run atsbridge")
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn secret_key(dir: &Path) -> String {
    let out = atsbridge(dir, "", &["secret-key"]);
    assert!(out.status.success());
    text(&out).0.trim().to_owned()
}

#[test]
fn unknown_flags_and_bad_values_are_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = atsbridge(dir.path(), "", &["demo", "--candidates", "0"]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("--candidates"), "{}", text(&out).1);

    let out = atsbridge(dir.path(), "", &["demo", "--listen", "nowhere"]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("--listen"), "{}", text(&out).1);

    let out = atsbridge(dir.path(), "", &["sync"]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("--integration"));
}

#[test]
fn commands_that_need_the_secret_key_say_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = atsbridge(dir.path(), "", &["environments", "list"]);
    assert!(!out.status.success());
    let stderr = text(&out).1;
    assert!(stderr.contains("ATSBRIDGE_SECRET_KEY"), "{stderr}");
    assert!(stderr.contains("atsbridge secret-key"), "{stderr}");

    let out = atsbridge(dir.path(), "not base64!", &["environments", "list"]);
    assert!(!out.status.success());
    assert!(
        text(&out).1.contains("not a valid base64"),
        "{}",
        text(&out).1
    );
}

#[test]
fn a_bad_config_file_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("atsbridge.toml"), "listen = 3000\n").unwrap();
    let key = secret_key(dir.path());
    let out = atsbridge(dir.path(), &key, &["environments", "list"]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("atsbridge.toml"), "{}", text(&out).1);
}

#[test]
fn coverage_lists_the_erecruiter_models_and_actions() {
    let dir = tempfile::tempdir().unwrap();
    let out = atsbridge(dir.path(), "", &["coverage", "--tool", "erecruiter"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let stdout = text(&out).0;
    for expected in [
        "Jobs",
        "Job-specific screening questions",
        "Create application",
        "API Passthrough",
    ] {
        assert!(stdout.contains(expected), "missing {expected} in\n{stdout}");
    }
    let out = atsbridge(dir.path(), "", &["coverage", "--tool", "nope"]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("unknown tool `nope`"));
}

#[tokio::test(flavor = "multi_thread")]
async fn integrations_sync_and_check_against_the_sandbox() {
    let sandbox = Sandbox::spawn(
        SandboxConfig::default(),
        SandboxSeed {
            jobs: 6,
            candidates: 30,
            seed: 3,
        },
    )
    .await
    .unwrap();
    let (api_key, mandator) = sandbox.credentials();
    let base = sandbox.base_url();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let key = secret_key(&path);

    let run = move |args: Vec<String>, env: Vec<(&'static str, String)>| {
        let path = path.clone();
        let key = key.clone();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_atsbridge"));
            cmd.args(&args)
                .current_dir(&path)
                .env("ATSBRIDGE_SECRET_KEY", &key)
                .env("ATSBRIDGE_DATABASE", path.join("test.db"));
            for (k, v) in env {
                cmd.env(k, v);
            }
            cmd.output().unwrap()
        })
    };
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();

    // Invalid credentials never reach the database.
    let out = run(
        s(&[
            "integrations",
            "add",
            "--tool",
            "erecruiter",
            "--set",
            "host=x",
        ]),
        vec![],
    )
    .await
    .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out).1.contains("invalid erecruiter credentials"),
        "{}",
        text(&out).1
    );

    let out = run(
        s(&[
            "integrations",
            "add",
            "--tool",
            "erecruiter",
            "--set",
            &format!("host={base}"),
            "--set",
            &format!("mandator_id={mandator}"),
            "--set-from-env",
            "api_key=TEST_ERECRUITER_KEY",
            "--sync-all-applications",
        ]),
        vec![("TEST_ERECRUITER_KEY", api_key.clone())],
    )
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let integration = text(&out).0.trim().to_owned();
    assert!(integration.starts_with("erecruiter:"), "{integration}");

    // The API key of the provider is stored encrypted, never in clear text.
    let db = std::fs::read(dir.path().join("test.db")).unwrap();
    let wal = std::fs::read(dir.path().join("test.db-wal")).unwrap_or_default();
    for bytes in [&db, &wal] {
        assert!(
            !bytes
                .windows(api_key.len())
                .any(|w| w == api_key.as_bytes())
        );
    }

    let out = run(s(&["check", "--integration", &integration]), vec![])
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(text(&out).0.contains("granted"), "{}", text(&out).0);

    let out = run(s(&["sync", "--integration", &integration]), vec![])
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let table = text(&out).0;
    assert!(
        table.contains("candidate") && table.contains("total"),
        "{table}"
    );
    assert!(table.contains("provider requests"), "{table}");

    let out = run(s(&["integrations", "list"]), vec![]).await.unwrap();
    assert!(text(&out).0.contains(&integration));
    assert!(text(&out).0.contains("succeeded"), "{}", text(&out).0);

    // The sync recorded the provider fields; the CLI lists, switches and maps them.
    let out = run(
        s(&["integration-fields", "list", "--integration", &integration]),
        vec![],
    )
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let fields = text(&out).0;
    let status_row = fields
        .lines()
        .find(|line| line.contains("ats_applications") && line.contains(" Status "))
        .unwrap_or_else(|| panic!("no application Status field:\n{fields}"));
    assert!(status_row.contains(" on "), "{status_row}");
    let status_id = status_row
        .split(['│', '┆'])
        .map(str::trim)
        .find(|cell| cell.len() == 24)
        .unwrap_or_else(|| panic!("no id in {status_row}"))
        .to_owned();
    let out = run(
        s(&[
            "integration-fields",
            "disable",
            "--integration",
            &integration,
            "--field",
            &status_id,
        ]),
        vec![],
    )
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let out = run(
        s(&["integration-fields", "list", "--integration", &integration]),
        vec![],
    )
    .await
    .unwrap();
    let listed = text(&out).0;
    let row = listed.lines().find(|l| l.contains(&status_id)).unwrap();
    assert!(row.contains(" off "), "{row}");

    let out = run(
        s(&[
            "custom-fields",
            "add",
            "--integration",
            &integration,
            "--model",
            "ats_applications",
            "--key",
            "status_text",
            "--label",
            "Status text",
        ]),
        vec![],
    )
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let custom_id = text(&out).0.trim().to_owned();
    let out = run(
        s(&[
            "custom-fields",
            "add",
            "--integration",
            &integration,
            "--model",
            "ats_tags",
            "--key",
            "x",
        ]),
        vec![],
    )
    .await
    .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).1.contains("unknown model"), "{}", text(&out).1);
    let out = run(
        s(&[
            "custom-fields",
            "map",
            "--integration",
            &integration,
            "--custom-field",
            &custom_id,
            "--field",
            &status_id,
        ]),
        vec![],
    )
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let out = run(
        s(&["custom-fields", "list", "--integration", &integration]),
        vec![],
    )
    .await
    .unwrap();
    let listed = text(&out).0;
    assert!(
        listed.contains("status_text") && listed.contains("Status text"),
        "{listed}"
    );
    assert!(listed.contains(&status_id), "{listed}");

    let out = run(s(&["integrations", "remove", &integration]), vec![])
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let out = run(s(&["sync", "--integration", &integration]), vec![])
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).1.contains("no integration"), "{}", text(&out).1);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_command_beside_a_running_server_leaves_its_runs_alone() {
    use atsbridge_schema::Timestamp;
    use atsbridge_store::{
        IntegrationSettings, NewIntegration, SecretKey, SqliteStore, Store, SyncMode,
    };

    let dir = tempfile::tempdir().unwrap();
    let key = secret_key(dir.path());
    let store = SqliteStore::open(
        dir.path().join("test.db"),
        SecretKey::from_base64(&key).unwrap(),
    )
    .unwrap();
    let env = store.create_environment("prod").await.unwrap();
    let integration = store
        .create_integration(NewIntegration {
            environment_id: env.id.clone(),
            tool: "erecruiter".into(),
            remote_label: None,
            credentials: serde_json::json!({}),
            settings: IntegrationSettings::default(),
            end_user: None,
            setup_status: atsbridge_store::SetupStatus::Completed,
        })
        .await
        .unwrap();
    // A server's sync in progress.
    let now = Timestamp::from(chrono::Utc::now());
    store
        .start_run(&integration.id, SyncMode::Full, now)
        .await
        .unwrap();

    let path = dir.path().to_path_buf();
    let out =
        tokio::task::spawn_blocking(move || atsbridge(&path, &key, &["integrations", "list"]))
            .await
            .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let runs = store.last_runs(&integration.id, 1).await.unwrap();
    assert_eq!(
        runs[0].status.as_str(),
        "running",
        "a side command closed a live run"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_beside_a_live_run_of_the_integration_refuses_and_names_it() {
    use atsbridge_schema::Timestamp;
    use atsbridge_store::{
        IntegrationSettings, NewIntegration, SecretKey, SqliteStore, Store, SyncMode,
    };

    let dir = tempfile::tempdir().unwrap();
    let key = secret_key(dir.path());
    let store = SqliteStore::open(
        dir.path().join("test.db"),
        SecretKey::from_base64(&key).unwrap(),
    )
    .unwrap();
    let env = store.create_environment("prod").await.unwrap();
    // Well-formed credentials, so the command gets as far as recording its run; the provider
    // address is never contacted because the run is refused first.
    let integration = store
        .create_integration(NewIntegration {
            environment_id: env.id.clone(),
            tool: "erecruiter".into(),
            remote_label: None,
            credentials: serde_json::json!({
                "host": "http://127.0.0.1:9",
                "mandator_id": "1",
                "api_key": "unused-test-key",
            }),
            settings: IntegrationSettings::default(),
            end_user: None,
            setup_status: atsbridge_store::SetupStatus::Completed,
        })
        .await
        .unwrap();
    // A server's sync in progress.
    let since = Timestamp::from(chrono::Utc::now());
    let live = store
        .start_run(&integration.id, SyncMode::Delta, since)
        .await
        .unwrap();

    let path = dir.path().to_path_buf();
    let id = integration.id.to_string();
    let out = tokio::task::spawn_blocking(move || {
        atsbridge(&path, &key, &["sync", "--integration", &id])
    })
    .await
    .unwrap();
    assert!(!out.status.success());
    let stderr = text(&out).1;
    assert!(
        !stderr.contains("`atsbridge serve` starts"),
        "the old, wrong explanation is back: {stderr}"
    );
    for expected in [
        format!("sync run {live} of this integration is already running"),
        format!("started {since}"),
        "its lease expires within 120 s of its last heartbeat".to_owned(),
        "the next run of this integration".to_owned(),
    ] {
        assert!(
            stderr.contains(&expected),
            "missing `{expected}` in: {stderr}"
        );
    }
    // The live run is untouched and no second run was recorded.
    let runs = store.last_runs(&integration.id, 10).await.unwrap();
    assert_eq!(
        runs.iter()
            .map(|r| (r.id, r.status.as_str()))
            .collect::<Vec<_>>(),
        vec![(live, "running")]
    );
}

#[tokio::test]
async fn admin_token_prints_a_new_token_once_and_stores_only_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let key = secret_key(dir.path());
    let first = atsbridge(dir.path(), &key, &["admin-token"]);
    assert!(first.status.success(), "{:?}", text(&first));
    let (token, stderr) = text(&first);
    let token = token.trim().to_owned();
    assert!(
        token.starts_with("atsb_admin_") && token.len() > 40,
        "{token}"
    );
    assert!(stderr.contains("shown once"), "{stderr}");
    let second = atsbridge(dir.path(), &key, &["admin-token"]);
    let replacement = text(&second).0.trim().to_owned();
    assert_ne!(token, replacement);

    let store = atsbridge_store::SqliteStore::open(
        dir.path().join("test.db"),
        atsbridge_store::SecretKey::from_base64(&key).unwrap(),
    )
    .unwrap();
    use atsbridge_store::Store as _;
    let stored = store.admin_token_hash().await.unwrap().unwrap();
    assert_eq!(
        stored,
        atsbridge_server::dashboard::session::hash_token(&replacement)
    );
    // Neither the database nor its write-ahead log holds the token itself.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let raw = std::fs::read(entry.unwrap().path()).unwrap();
        let haystack = String::from_utf8_lossy(&raw);
        assert!(
            !haystack.contains(&replacement),
            "the token itself was stored"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_integration_lifecycle_from_the_command_line() {
    use atsbridge_store::{
        IntegrationId, IntegrationSettings, NewIntegration, SecretKey, SqliteStore, Store,
    };

    let dir = tempfile::tempdir().unwrap();
    let key = secret_key(dir.path());
    let store = SqliteStore::open(
        dir.path().join("test.db"),
        SecretKey::from_base64(&key).unwrap(),
    )
    .unwrap();
    let env = store.create_environment("prod").await.unwrap();
    let integration = store
        .create_integration(NewIntegration {
            environment_id: env.id.clone(),
            tool: "erecruiter".into(),
            remote_label: Some("ACME".into()),
            credentials: serde_json::json!({}),
            settings: IntegrationSettings::default(),
            end_user: None,
            setup_status: atsbridge_store::SetupStatus::FinalSyncPending,
        })
        .await
        .unwrap();
    let id = integration.id.as_str().to_owned();
    let run = |args: Vec<String>| {
        let path = dir.path().to_path_buf();
        let key = key.clone();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            atsbridge(&path, &key, &args)
        })
    };
    let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();

    let out = run(args(&["integrations", "disable", &id])).await.unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let found = store
        .find_integration(&IntegrationId::new(&id))
        .await
        .unwrap()
        .unwrap();
    assert!(!found.enabled);
    let out = run(args(&["integrations", "show", &id])).await.unwrap();
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains("INACTIVE") && stdout.contains("FINAL_SYNC_PENDING"),
        "{stdout}"
    );
    let out = run(args(&["integrations", "enable", &id])).await.unwrap();
    assert!(out.status.success());
    assert!(
        store
            .find_integration(&IntegrationId::new(&id))
            .await
            .unwrap()
            .unwrap()
            .enabled
    );

    let out = run(args(&[
        "integrations",
        "connect-link",
        "--environment",
        "prod",
        "--email",
        "it@acme.example",
        "--organization",
        "ACME",
        "--language",
        "de",
    ]))
    .await
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let token = stdout.trim().rsplit('/').next().unwrap().to_owned();
    assert!(
        stdout
            .trim()
            .starts_with("http://127.0.0.1:3000/connect/cl_"),
        "{stdout}"
    );
    let link = store.connect_link(&token).await.unwrap().unwrap();
    assert_eq!(link.language, "de");
    assert_eq!(link.end_user.organization_name, "ACME");

    let out = run(args(&["integrations", "relink", &id])).await.unwrap();
    let (stdout, _) = text(&out);
    let token = stdout.trim().rsplit('/').next().unwrap().to_owned();
    let link = store.connect_link(&token).await.unwrap().unwrap();
    assert_eq!(link.relink_integration_id.as_ref(), Some(&integration.id));

    let out = run(args(&[
        "integrations",
        "connect-link",
        "--environment",
        "prod",
        "--email",
        "nope",
        "--organization",
        "ACME",
    ]))
    .await
    .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).1.contains("not an e-mail address"));
}
