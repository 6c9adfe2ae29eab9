//! Micro benchmark of `Store::apply_batch` on a SQLite file in a temporary directory.
//!
//! `cargo run -p atsbridge-store --example bench_apply --release [-- <records> <batch size>]`
//! prints records per second for first inserts, unchanged re-reads and content changes.
//! With `ATSBRIDGE_BENCH_POSTGRES_URL` set it measures a PostgreSQL database instead.

use std::time::Instant;

use atsbridge_schema::{KomboId, Model, Timestamp};
use atsbridge_store::{
    IntegrationSettings, NewIntegration, RecordQuery, RecordWrite, RunOutcome, RunStatus,
    SecretKey, SqliteStore, Store, SyncMode, open_store,
};
use serde_json::json;

fn writes(integration_id: &str, total: usize, version: u32) -> Vec<RecordWrite> {
    (0..total)
        .map(|n| {
            let remote_id = n.to_string();
            RecordWrite {
                model: Model::Candidate,
                id: KomboId::derive(integration_id, Model::Candidate, &remote_id),
                document: json!({
                    "remote_id": remote_id,
                    "first_name": format!("First {n}"),
                    "last_name": format!("Last {version}"),
                    "email_addresses": [{"email_address": format!("c{n}@example.com"), "type": "PERSONAL"}],
                    "tag_remote_ids": ["t1", "t2"],
                }),
                content_hash: format!("{n:016x}-{version}"),
                remote_id,
                remote_created_at: None,
            }
        })
        .collect()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let total: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(50_000);
    let batch_size: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(500);

    let dir = tempfile::tempdir()?;
    // A PostgreSQL database instead of a temporary SQLite file, e.g.
    // ATSBRIDGE_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/bench (it keeps the
    // benchmark's records).
    let store: std::sync::Arc<dyn Store> = match std::env::var("ATSBRIDGE_BENCH_POSTGRES_URL") {
        Ok(url) => open_store(&url, SecretKey::generate(), &Default::default()).await?,
        Err(_) => std::sync::Arc::new(SqliteStore::open(
            dir.path().join("bench.db"),
            SecretKey::generate(),
        )?),
    };
    let env = store.create_environment("bench").await?;
    let integration = store
        .create_integration(NewIntegration {
            environment_id: env.id,
            tool: "bench".into(),
            remote_label: None,
            credentials: json!({}),
            settings: IntegrationSettings::default(),
            end_user: None,
            setup_status: atsbridge_store::SetupStatus::Completed,
        })
        .await?;
    let id = integration.id.clone();

    for (label, version) in [("insert", 1), ("unchanged", 1), ("update", 2)] {
        let now = Timestamp::from(chrono::Utc::now());
        let run = store.start_run(&id, SyncMode::Full, now).await?;
        let all = writes(id.as_str(), total, version);
        let started = Instant::now();
        for chunk in all.chunks(batch_size.max(1)) {
            store
                .apply_batch(&id, Some(run), now, chunk.to_vec())
                .await?;
        }
        let seconds = started.elapsed().as_secs_f64();
        store
            .finish_run(
                run,
                RunOutcome {
                    status: RunStatus::Succeeded,
                    finished_at: now,
                    counts: Default::default(),
                    requests: None,
                    error: None,
                },
            )
            .await?;
        println!(
            "{label:>9}: {total} records in batches of {batch_size}: {seconds:.2}s, {:.0} records/s",
            total as f64 / seconds
        );
    }

    let started = Instant::now();
    let mut query = RecordQuery::new(id.clone(), Model::Candidate, 250);
    let mut read = 0;
    loop {
        let page = store.list_records(&query).await?;
        let Some(last) = page.last() else { break };
        query.after_seq = Some(last.seq);
        read += page.len();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "     list: {read} records in pages of 250: {seconds:.2}s, {:.0} records/s",
        read as f64 / seconds
    );
    Ok(())
}
