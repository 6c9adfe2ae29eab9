//! Where a sync run puts what it read.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use atsbridge_schema::Model;
use atsbridge_schema::record::UnifiedRecord;

use crate::error::ConnectorError;

/// Receives the records of a sync run.
///
/// The connector pushes batches (any mix of models, any size), marks each model it enumerated
/// completely, and may leave state for the next run. The engine marks records deleted only in
/// models marked complete, and only when the whole run returned `Ok`.
#[async_trait]
pub trait RecordSink: Send {
    /// Takes a batch of records. An `Err` (e.g. the store failed) must end the run.
    async fn push(&mut self, batch: Vec<UnifiedRecord>) -> Result<(), ConnectorError>;

    /// Declares that every existing record of `model` within the scope was pushed in this run.
    /// "Within the scope" matters in "sync only created applications" mode: there, complete
    /// means every *tracked* application (and its candidate) was looked up, and the engine
    /// may only mark tracked records deleted. Never call it for a model read partially (a
    /// delta run, a skipped page, a request that failed and was skipped).
    fn mark_complete(&mut self, model: Model);

    /// Stores opaque state handed to the next run as
    /// [`SyncScope::previous_state`](crate::SyncScope::previous_state). The last call wins.
    fn set_state(&mut self, state: serde_json::Value);

    /// Adds `count` requests sent to the provider (token exchanges and retries included) to
    /// the run's tally. Calls add up; a connector typically reports once, when its sync ends,
    /// whether it succeeded or not. Connectors that do not count never call it, and the run
    /// then records the request count as unknown. The default implementation ignores it.
    fn report_requests(&mut self, count: u64) {
        let _ = count;
    }
}

/// A sink that keeps everything in memory, for tests and small tools.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemorySink {
    /// Pushed records by model, in push order.
    pub records: BTreeMap<Model, Vec<UnifiedRecord>>,
    /// Models marked complete.
    pub complete: BTreeSet<Model>,
    /// The last state set.
    pub state: Option<serde_json::Value>,
    /// How many batches were pushed.
    pub batches: usize,
    /// The sum of the provider requests reported, `None` when none was reported.
    pub requests: Option<u64>,
}

impl MemorySink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// The records pushed for `model`.
    pub fn records_of(&self, model: Model) -> &[UnifiedRecord] {
        self.records.get(&model).map_or(&[], Vec::as_slice)
    }

    /// The remote ids pushed for `model`, in push order.
    pub fn remote_ids(&self, model: Model) -> Vec<&str> {
        self.records_of(model)
            .iter()
            .map(UnifiedRecord::remote_id)
            .collect()
    }

    /// Whether `model` was marked complete.
    pub fn is_complete(&self, model: Model) -> bool {
        self.complete.contains(&model)
    }
}

#[async_trait]
impl RecordSink for MemorySink {
    async fn push(&mut self, batch: Vec<UnifiedRecord>) -> Result<(), ConnectorError> {
        self.batches += 1;
        for record in batch {
            self.records.entry(record.model()).or_default().push(record);
        }
        Ok(())
    }

    fn mark_complete(&mut self, model: Model) {
        self.complete.insert(model);
    }

    fn set_state(&mut self, state: serde_json::Value) {
        self.state = Some(state);
    }

    fn report_requests(&mut self, count: u64) {
        self.requests = Some(self.requests.unwrap_or(0).saturating_add(count));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sink_adds_up_reported_requests() {
        let mut sink = MemorySink::new();
        assert_eq!(sink.requests, None, "nothing reported yet");
        sink.report_requests(0);
        assert_eq!(sink.requests, Some(0), "a report of zero is still a report");
        sink.report_requests(4);
        sink.report_requests(u64::MAX);
        assert_eq!(sink.requests, Some(u64::MAX));
    }
}
