//! The [`RecordSink`] the engine hands to a connector: mints ids, hashes, batches and writes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use atsbridge_connector::{Clock, ConnectorError, RecordSink};
use atsbridge_schema::record::UnifiedRecord;
use atsbridge_schema::{KomboId, Model, Timestamp};
use atsbridge_store::{
    IntegrationId, ModelCounts, RecordWrite, RunId, Store, StoreError, TrackedApplication,
};
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

use crate::fields::SeenFields;
use crate::hash::hash_and_size;
use crate::progress::SyncProgress;
use crate::relations::{ChangedRecord, RELATION_MEMBERS, touch_parents};

/// Writes pushed records to the store in batches, counting what happened per model.
pub(crate) struct EngineSink {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) integration_id: IntegrationId,
    pub(crate) run_id: RunId,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) batch_size: usize,
    /// Canonical JSON bytes at which the buffer is written ([`crate::EngineConfig::batch_bytes`]).
    pub(crate) batch_bytes: usize,
    /// Canonical JSON bytes of the records in `buffer`.
    pub(crate) buffered_bytes: usize,
    pub(crate) flush_interval: Duration,
    pub(crate) progress: Option<UnboundedSender<SyncProgress>>,
    /// Tracked applications whose candidate or job id is still unknown, by application id.
    pub(crate) incomplete_tracked: HashMap<String, TrackedApplication>,
    pub(crate) buffer: Vec<RecordWrite>,
    pub(crate) buffered_since: Option<Instant>,
    pub(crate) counts: BTreeMap<Model, ModelCounts>,
    /// Records of every model written so far in this run.
    pub(crate) written_total: u64,
    pub(crate) complete: BTreeSet<Model>,
    pub(crate) state: Option<Value>,
    /// Provider requests the connector reported (summed), `None` when it reported none.
    pub(crate) requests: Option<u64>,
    /// The first store failure; it ends the run as failed.
    pub(crate) store_error: Option<StoreError>,
    /// The distinct integration fields of the pushed records.
    pub(crate) fields: SeenFields,
}

impl EngineSink {
    pub(crate) fn now(&self) -> Timestamp {
        Timestamp::from(self.clock.now())
    }

    /// Writes everything buffered, one transaction per model.
    pub(crate) async fn flush(&mut self) -> Result<(), StoreError> {
        self.buffered_since = None;
        self.buffered_bytes = 0;
        if self.buffer.is_empty() {
            return Ok(());
        }
        let mut by_model: BTreeMap<Model, Vec<RecordWrite>> = BTreeMap::new();
        for write in std::mem::take(&mut self.buffer) {
            by_model.entry(write.model).or_default().push(write);
        }
        for (model, writes) in by_model {
            let now = self.now();
            // The store takes the documents; keep only what relations and tracking read
            // (a copy of the whole batch would double the engine's memory per batch).
            let written: Vec<WrittenRecord> = writes.iter().map(WrittenRecord::of).collect();
            let result = self
                .store
                .apply_batch(&self.integration_id, Some(self.run_id), now, writes)
                .await?;
            self.counts.entry(model).or_default().add_batch(&result);
            let changed: Vec<ChangedRecord<'_>> = result
                .changed
                .iter()
                .filter_map(|&index| written.get(index))
                .map(|write| ChangedRecord {
                    model,
                    remote_id: &write.remote_id,
                    document: &write.relations,
                })
                .collect();
            touch_parents(self.store.as_ref(), &self.integration_id, &changed, now).await?;
            if model == Model::Application {
                self.complete_tracked(&written, now).await?;
            }
            self.written_total = self.written_total.saturating_add(written.len() as u64);
            if let Some(progress) = &self.progress {
                // A closed receiver only means nobody listens any more.
                let _ = progress.send(SyncProgress::BatchWritten {
                    run_id: self.run_id,
                    model,
                    records: written.len(),
                    changed: result.changed.len(),
                    written_total: self.written_total,
                });
            }
        }
        Ok(())
    }

    /// Fills in candidate / job ids of tracked applications that were imported without them.
    async fn complete_tracked(
        &mut self,
        writes: &[WrittenRecord],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        if self.incomplete_tracked.is_empty() {
            return Ok(());
        }
        for write in writes {
            let Some(tracked) = self.incomplete_tracked.get(&write.remote_id) else {
                continue;
            };
            let field = |key: &str| {
                write
                    .relations
                    .get(key)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            let completed = TrackedApplication {
                application_remote_id: tracked.application_remote_id.clone(),
                candidate_remote_id: tracked
                    .candidate_remote_id
                    .clone()
                    .or_else(|| field("candidate_remote_id")),
                job_remote_id: tracked
                    .job_remote_id
                    .clone()
                    .or_else(|| field("job_remote_id")),
            };
            if completed != *tracked {
                self.store
                    .track_application(&self.integration_id, completed, now)
                    .await?;
                self.incomplete_tracked.remove(&write.remote_id);
            }
        }
        Ok(())
    }
}

impl EngineSink {
    /// Writes the buffer; a store failure is kept (it ends the run) and reported to the
    /// connector as the provider being unavailable.
    async fn flush_or_fail(&mut self) -> Result<(), ConnectorError> {
        if let Err(error) = self.flush().await {
            let message = format!("writing to the store failed: {error}");
            self.store_error = Some(error);
            return Err(ConnectorError::provider_unavailable(message));
        }
        Ok(())
    }
}

/// What the engine keeps of a record once the store took its write: the remote id and the
/// relation members of its document ([`RELATION_MEMBERS`]).
struct WrittenRecord {
    remote_id: String,
    relations: Value,
}

impl WrittenRecord {
    fn of(write: &RecordWrite) -> Self {
        let relations = RELATION_MEMBERS
            .iter()
            .filter_map(|&key| Some((key.to_owned(), write.document.get(key)?.clone())))
            .collect::<serde_json::Map<String, Value>>();
        Self {
            remote_id: write.remote_id.clone(),
            relations: Value::Object(relations),
        }
    }
}

/// Turns a connector record into the store write the engine makes of it: Kombo id, document,
/// canonical content hash and `remote_created_at`.
///
/// The server uses it too when it stores records created through the API, so that the next
/// sync sees identical content (and does not move `changed_at`).
pub fn record_write(
    integration_id: &IntegrationId,
    record: &UnifiedRecord,
) -> Result<RecordWrite, StoreError> {
    record_write_sized(integration_id, record).map(|(write, _)| write)
}

/// [`record_write`] and the length of the document's canonical JSON.
fn record_write_sized(
    integration_id: &IntegrationId,
    record: &UnifiedRecord,
) -> Result<(RecordWrite, usize), StoreError> {
    let model = record.model();
    let remote_id = record.remote_id().to_owned();
    let document = record_document(record)?;
    let remote_created_at = document
        .get("remote_created_at")
        .and_then(Value::as_str)
        .and_then(|text| Timestamp::parse_flexible(text).ok());
    let (content_hash, size) = hash_and_size(&document);
    let write = RecordWrite {
        model,
        id: KomboId::derive(integration_id.as_str(), model, &remote_id),
        remote_id,
        content_hash,
        document,
        remote_created_at,
    };
    Ok((write, size))
}

/// The JSON document of a record: the record type itself, without the model tag.
pub fn record_document(record: &UnifiedRecord) -> Result<Value, StoreError> {
    let tagged = serde_json::to_value(record).map_err(|source| StoreError::Serialize {
        what: "record",
        source,
    })?;
    match tagged {
        Value::Object(mut map) => map.remove("record").ok_or_else(|| {
            StoreError::Corrupt("a serialized record has no `record` member".into())
        }),
        _ => Err(StoreError::Corrupt(
            "a record did not serialize to an object".into(),
        )),
    }
}

#[async_trait]
impl RecordSink for EngineSink {
    async fn push(&mut self, batch: Vec<UnifiedRecord>) -> Result<(), ConnectorError> {
        if self.store_error.is_some() {
            return Err(ConnectorError::provider_unavailable(
                "the store failed earlier in this run",
            ));
        }
        for record in &batch {
            self.fields.observe(record);
            let (write, size) = match record_write_sized(&self.integration_id, record) {
                Ok(sized) => sized,
                Err(error) => {
                    let message = error.to_string();
                    self.store_error = Some(error);
                    return Err(ConnectorError::provider_unavailable(message));
                }
            };
            self.buffer.push(write);
            self.buffered_bytes = self.buffered_bytes.saturating_add(size);
            self.buffered_since.get_or_insert_with(Instant::now);
            // Written as soon as the buffer is full by count or by size, even within a
            // pushed batch: a batch of large records must not sit in memory twice over.
            if self.buffer.len() >= self.batch_size || self.buffered_bytes >= self.batch_bytes {
                self.flush_or_fail().await?;
            }
        }
        if self
            .buffered_since
            .is_some_and(|since| since.elapsed() >= self.flush_interval)
        {
            self.flush_or_fail().await?;
        }
        Ok(())
    }

    fn mark_complete(&mut self, model: Model) {
        self.complete.insert(model);
    }

    fn set_state(&mut self, state: Value) {
        self.state = Some(state);
    }

    fn report_requests(&mut self, count: u64) {
        self.requests = Some(self.requests.unwrap_or(0).saturating_add(count));
    }
}
