//! Sync engine for atsbridge: runs connectors, diffs against the store, tracks changes and deletions.
