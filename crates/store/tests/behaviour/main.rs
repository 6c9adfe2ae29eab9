//! The store behaviour suite: every case runs against each backend through `&dyn Store`.
//!
//! A case is an `async fn(&Fixture)` listed in its module's `on_both_backends!`, which makes
//! the tests `<module>::<case>::sqlite` and `<module>::<case>::postgres`. The SQLite case
//! runs on a new file in a temporary directory. The PostgreSQL case runs when
//! `ATSBRIDGE_TEST_POSTGRES_URL` names a server (e.g.
//! `postgres://postgres@127.0.0.1:5432/test`): it creates a database of its own there and
//! drops it afterwards, also when the test fails. Without the variable the PostgreSQL cases
//! pass after saying once on stderr that they were skipped, unless
//! `ATSBRIDGE_REQUIRE_POSTGRES=1` (CI), which makes them fail instead. When they run, the
//! line `store behaviour suite: PostgreSQL cases ran` is printed once.
//!
//! Checks that only make sense for one backend (SQLite's WAL mode and file upgrades,
//! PostgreSQL's concurrent migrations) live in `sqlite_only` and `postgres_only`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod copy;
mod dashboard;
mod fixture;
mod lifecycle;
mod plans;
mod postgres_only;
mod records;
mod runs;
mod sqlite_only;
mod tenancy;
mod webhooks;
