//! eRecruiter connector for atsbridge.
