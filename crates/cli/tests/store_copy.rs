//! `atsbridge store copy` round-trips the demo database: SQLite into PostgreSQL (or another
//! SQLite file when no PostgreSQL server is configured) and back, and the result holds the
//! same rows as the original.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use atsbridge_store::testing::{TestDatabase, postgres_url};
use atsbridge_store::{SecretKey, SqliteStore, compare_stores};

fn atsbridge(dir: &Path, key: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_atsbridge"))
        .args(args)
        .current_dir(dir)
        .env("ATSBRIDGE_SECRET_KEY", key)
        .env_remove("ATSBRIDGE_CONFIG")
        .env_remove("ATSBRIDGE_DATABASE")
        .output()
        .unwrap()
}

/// Runs the demo until its first sync is stored, then stops it; returns the database path.
fn demo_database(dir: &Path, key: &str) -> std::path::PathBuf {
    let info = dir.join("info.json");
    let mut demo = Command::new(env!("CARGO_BIN_EXE_atsbridge"))
        .args(["demo", "--listen", "127.0.0.1:0", "--candidates", "30"])
        .arg("--data-dir")
        .arg(dir)
        .arg("--info-file")
        .arg(&info)
        .current_dir(dir)
        .env("ATSBRIDGE_SECRET_KEY", key)
        .env_remove("ATSBRIDGE_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !info.exists() {
        assert!(Instant::now() < deadline, "the demo did not come up");
        assert!(demo.try_wait().unwrap().is_none(), "the demo exited early");
        std::thread::sleep(Duration::from_millis(100));
    }
    demo.kill().unwrap();
    demo.wait().unwrap();
    dir.join("atsbridge-demo.db")
}

#[tokio::test(flavor = "multi_thread")]
async fn store_copy_round_trips_the_demo_database() {
    let dir = tempfile::tempdir().unwrap();
    let key = SecretKey::generate().to_base64();
    let path = dir.path().to_path_buf();
    let demo_key = key.clone();
    let original = tokio::task::spawn_blocking(move || demo_database(&path, &demo_key))
        .await
        .unwrap();

    let database = match postgres_url("store copy test") {
        Some(server) => Some(TestDatabase::create(&server).await.unwrap()),
        None => None,
    };
    let middle = match &database {
        Some(db) => db.url.clone(),
        None => dir.path().join("middle.db").to_string_lossy().into_owned(),
    };
    let back = dir.path().join("back.db");
    let copy = |from: String, to: String| {
        let (dir, key) = (dir.path().to_path_buf(), key.clone());
        tokio::task::spawn_blocking(move || {
            atsbridge(&dir, &key, &["store", "copy", "--from", &from, "--to", &to])
        })
    };
    let out = copy(original.to_string_lossy().into_owned(), middle.clone())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("records") && !stdout.contains("MISMATCH"),
        "{stdout}"
    );
    assert!(!stdout.contains("password"), "{stdout}");
    let out = copy(middle.clone(), back.to_string_lossy().into_owned())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The database that came back holds exactly the original rows.
    let key = SecretKey::from_base64(&key).unwrap();
    let original = SqliteStore::open(&original, key.clone()).unwrap();
    let returned = SqliteStore::open(&back, key).unwrap();
    let checks = compare_stores(&original, &returned).await.unwrap();
    assert!(checks.iter().all(|c| c.matches()), "{checks:#?}");
    let records = checks
        .iter()
        .find(|c| c.table == atsbridge_store::ExportTable::Records)
        .unwrap();
    assert!(records.source_rows > 50, "{records:?}");

    // Copying into a database that holds data is refused, and changes nothing.
    let out = copy(original_path(dir.path()), middle).await.unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not empty"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn original_path(dir: &Path) -> String {
    dir.join("atsbridge-demo.db").to_string_lossy().into_owned()
}
