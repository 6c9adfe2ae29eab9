//! Persistence of unified records and sync state for atsbridge (embedded SQLite).
