//! Sync engine for atsbridge: runs connectors, diffs against the store, tracks changes and
//! deletions.
//!
//! - [`SyncEngine::run`] performs one full or delta run: it builds the connector's
//!   [`SyncScope`](atsbridge_connector::SyncScope) from the store, mints Kombo ids, hashes
//!   every record's canonical JSON so that `changed_at` moves only on real changes, writes in
//!   batches, touches parents' relation times for `updated_after`, and marks records deleted
//!   only for models the connector enumerated completely in a run that succeeded.
//! - [`Scheduler`] runs each integration on its full/delta intervals, with force-sync, and
//!   never lets two runs of one integration overlap.

mod engine;
mod error;
mod fields;
mod hash;
mod progress;
mod relations;
mod scheduler;
mod sink;

pub use engine::{ActiveRun, EngineConfig, SyncEngine, SyncSummary, effective_mode};
pub use error::SyncError;
pub use fields::discovered_integration_fields;
pub use hash::content_hash;
pub use progress::SyncProgress;
pub use relations::{ChangedRecord, touch_parents};
pub use scheduler::{ConnectorProvider, ForceSyncOutcome, RegistryConnectorProvider, Scheduler};
pub use sink::{record_document, record_write};
