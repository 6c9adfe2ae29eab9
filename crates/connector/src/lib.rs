//! Connector SDK for atsbridge: the [`Connector`] trait, coverage declarations, errors, sync
//! scope and record sink.
//!
//! A connector crate implements [`Connector`] (and a [`ConnectorFactory`] that builds it from
//! an integration's config). It declares what it supports in a [`Coverage`]; callers always go
//! through a [`GuardedConnector`], which refuses everything undeclared before the connector
//! runs. `docs/connector-guide.md` walks through a complete example.

mod action;
mod clock;
mod connector;
mod context;
mod coverage;
mod delta;
mod error;
mod fan_out;
mod guard;
mod info;
pub mod paging;
mod passthrough;
mod recording;
mod registry;
mod render;
mod scope;
mod sink;

pub use action::{
    ActionOutcome, ApplicationAttachmentInput, ApplicationResultLinkInput, AttachmentPayload,
    CandidateAttachmentInput, CandidateResultLinkInput, CandidateTagInput, CreateApplicationInput,
    CreateCandidateInput, CreatedApplication, CreatedCandidate, ResolvedScreeningAnswer,
    ScreeningAnswerValue,
};
pub use clock::{Clock, ManualClock, SystemClock};
pub use connector::Connector;
pub use context::{Context, IntegrationSettings};
pub use coverage::{
    Action, ActionCoverage, Capabilities, Coverage, DeletionDetection, Feature, FeatureCoverage,
    FieldCoverage, Guide, ModelCoverage, model_title,
};
pub use delta::DeltaWindow;
pub use error::{
    ConnectorError, ConnectorResult, ErrorContext, ErrorKind, ErrorStatus, Unsupported,
};
pub use fan_out::{Cancelled, FanOutStream, fan_out, fan_out_stream};
pub use guard::GuardedConnector;
pub use info::{CheckReport, ConnectorInfo, ModelAccess};
pub use paging::{NextPage, PageWalk};
pub use passthrough::{PassthroughBody, PassthroughCall, PassthroughResult};
pub use recording::{MemoryRecorder, RecordedBody, RecordedExchange, Recorder};
pub use registry::{ConnectorFactory, ConnectorRegistry, CredentialField};
pub use render::render_coverage_markdown;
pub use scope::{SyncMode, SyncScope, TrackedApplication};
pub use sink::{MemorySink, RecordSink};

/// The version of this SDK, recorded in [`ConnectorInfo::sdk_version`].
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

// Re-exported so connector crates and their tests name the same types.
pub use atsbridge_schema::Model;
pub use tokio_util::sync::CancellationToken;
