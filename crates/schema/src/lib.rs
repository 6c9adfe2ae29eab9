//! Kombo-compatible unified ATS schema: records, wire types, envelopes, error codes and ids.
//!
//! Two layers live here (see `docs/architecture.md`):
//! - [`record`]: flat, provider-addressed records that connectors produce and the store keeps;
//! - [`wire`]: the objects `/v1/ats/...` serves, built from records by [`assemble`].
//!
//! Around them: request and response bodies of the write actions ([`action`]), the success,
//! list and error envelopes ([`envelope`]), the deterministic id type ([`KomboId`]), the
//! timestamp type ([`Timestamp`]) and the enums shared by all of them ([`enums`]). The payloads
//! of the webhooks atsbridge sends live in [`webhook`].

pub mod action;
pub mod answer;
pub mod assemble;
pub mod catalog;
pub mod common;
pub mod email;
pub mod enums;
pub mod envelope;
pub mod format;
mod id;
pub mod integration;
mod model;
pub mod record;
pub(crate) mod serde_util;
pub mod spec_facts;
mod timestamp;
pub mod webhook;
pub mod wire;

pub use id::{IdError, KomboId};
pub use model::{Model, UnknownModel};
pub use timestamp::{Timestamp, TimestampError};
