//! A stateful fake of the eRecruiter REST API for demos, end-to-end tests, benchmarks and
//! fault injection.
//!
//! The sandbox speaks eRecruiter's wire format: routes below `/Api` (matched
//! case-insensitively, trailing slashes ignored), PascalCase JSON members, enums as integers,
//! date-times with the Vienna offset and up to seven fractional digits (some values without
//! offset), `$Referrer$` placeholders in job ad URLs, `PUT` to create and `POST` to update.
//! Its tenant is generated deterministically from a [`SandboxSeed`] and lives in memory;
//! writes are visible to later reads.
//!
//! ```no_run
//! # async fn demo() -> Result<(), atsbridge_erecruiter_sandbox::SandboxError> {
//! use atsbridge_erecruiter_sandbox::{Sandbox, SandboxConfig, SandboxSeed};
//!
//! let handle = Sandbox::spawn(SandboxConfig::default(), SandboxSeed::default()).await?;
//! let (api_key, mandator_id) = handle.credentials();
//! // POST {base_url}/Api with {"Key": api_key, "MandatorId": mandator_id, "ClientInfo": "..."}
//! println!("{} {mandator_id} {}", handle.base_url(), api_key.len());
//! handle.set_error_rate(0.2); // faults can be injected while a test runs
//! assert!(handle.request_count() == 0);
//! handle.shutdown().await?;
//! # Ok(()) }
//! ```
//!
//! # Served routes
//!
//! See [`SandboxRoute`]: token exchange, ping, published jobs, job by id, questionnaire by
//! job, applications by job / by applicant / by referrer, applicant read, create, update and
//! lookup by e-mail, application create, documents, CV, history, applicant policies,
//! policies, mandator, applicant custom fields. Anything else answers 404.
//!
//! # Decisions where the references are silent
//!
//! - **Token exchange errors:** a wrong or missing `Key` answers 401 with ASP.NET's
//!   `{"Message":"Authorization has been denied for this request."}`; a right key with
//!   another `MandatorId` answers 403. A missing, unknown or expired `X-ApiToken` answers
//!   401 with the same body. The token is 32 upper-case hex characters; its lifetime
//!   (default 60 minutes) is a knob, measured on a sandbox clock that tests can advance
//!   ([`Sandbox::advance_clock`]). `POST /Api` also accepts a form-urlencoded body.
//! - **Error bodies:** every error is JSON. Business/lookup errors use `{"Message": "..."}`;
//!   model-binding and validation failures use ASP.NET's
//!   `{"Message":"The request is invalid.","ModelState":{"parameter.X":["..."]}}` with 400;
//!   a non-integer id in the path answers 400 `{"Message","MessageDetail"}`; unknown routes
//!   answer 404 with ASP.NET's "No HTTP resource was found ..." message; injected failures
//!   answer 500 in the `HttpError` shape (`Message`, `ExceptionMessage`, `ExceptionType`,
//!   `StackTrace`); 429s carry `Retry-After` (seconds) and a `Message`.
//! - **Unknown entities:** 404 for an unknown job (`Job`, `Questionnaire/ByJob`,
//!   `Applications/ByJob`), applicant (every applicant route), document, CV, policy; a job
//!   without questionnaire answers 404 on `Questionnaire/ByJob`.
//! - **Published jobs:** a job is listed when it is Open or Repositioned and has a portal
//!   publication; expiry dates are informational (the data is anchored in 2025 and must not
//!   age out). `channel` empty = default portal; otherwise jobs with a publication whose
//!   `InternalName` or `Name` equals the channel; an unknown channel gives an empty list and
//!   `JobPublicationType: null`. Unpublished jobs (draft, internal-only, filled, cancelled)
//!   are still served by `Job/{id}` with `PublishedOn: []`.
//! - **Cultures:** jobs exist in `de-AT` and often `en`; an unknown or missing `culture`
//!   falls back to the job's first culture. Application status texts and policy texts are
//!   German unless the culture starts with `en`. Questionnaires are English only.
//! - **Open applications:** `Applications/ByJob` lists applications whose workflow group is
//!   not Rejected (5) or Accepted (6), whatever the job's status.
//! - **`PUT Application`:** unknown job → `Errors:[2]`, unknown applicant → `[3]` (both may
//!   appear), job not Open/Repositioned → `[1]`, all with `ApplicationId: null` and HTTP 200.
//!   An existing application with `RefreshApplicationIfItAlreadyExists=false` answers
//!   `{"ApplicationId": <existing id>, "Errors": [0]}`; with `true` it updates referrer and
//!   cover letter, writes an "Applied again" history entry and answers the existing id with
//!   no errors. New applications start in workflow group New (1).
//! - **Validation:** `FirstName` and `LastName` are required on create and update;
//!   `DateOfCreation` on create; enum ordinals outside their range answer 400. `Referrer`
//!   values (applicant and application) must be one of the mandator's `Referrers` and
//!   document `Type`s one of `ApplicantDocumentTypes` (case-insensitive), else 400 with a
//!   `Message`. E-mail uniqueness is not enforced (clients dedupe with `ByEmail`).
//! - **`POST Applicant/{id}` is a full replace:** members missing from the body take
//!   Json.NET defaults (`null`, `0`, `false`, `0001-01-01T00:00:00`), so a partial body wipes
//!   data. Read-only members in the body (e.g. `Id`) are ignored, so posting back a `GET`
//!   response works.
//! - **Documents and CV:** the `PUT` responses do not echo `Content` for documents (they do
//!   for the CV); `Documents/{applicantId}` omits content unless `includeContent=true`,
//!   `Document/{id}` and `Cv/{id}` include it unless `includeContent=false`. Content must be
//!   valid base64.
//! - **Policies:** `GET Policies` lists the current consent (12) and information (13)
//!   versions; 10 and 11 are outdated versions some seeded applicants accepted.
//!   `Applicant/{id}/Policies` lists only policy versions the applicant has a record for.
//!   Accepting a policy does not change `PolicyAcceptedAt`.
//! - **Custom fields:** `POST Applicant/{id}/CustomField` answers the stored
//!   `CustomFieldValueResponse`; check boxes take `"true"`/`"false"`, dates the de-AT short
//!   date (`01.09.2025`) or ISO, dropdowns and checkbox lists only their possible values,
//!   HTML fields are refused (400), unknown fields answer 400.
//! - **Mandator:** third-party secrets in `MandatorResponse` (`CammioSecret`,
//!   `PortalSettings.*Secret` ...) are `null`.
//! - **Offset-less dates:** `BirthDate`, `OnlineDate`/`ExpirationDate` of every third job and
//!   `DateOfUpdateByApplicant` of every fourth applicant carry no offset.
//! - **Faults** apply to every request, token exchange included, in this order: latency,
//!   rate limit, error rate. Counters count every request on arrival (also refused and
//!   unmatched ones, the latter under [`UNMATCHED_ROUTE`]); the request log records a request
//!   when it is answered.
//! - **Determinism:** the tenant depends only on the seed and the mandator id; `StdRng`
//!   from `rand` 0.8 drives it. Writes use the sandbox clock and are not deterministic.

#![recursion_limit = "512"]

mod catalog;
mod config;
mod dto;
mod faults;
mod names;
mod routes;
mod seed;
mod server;
mod state;
mod wire_time;
mod world;

pub use config::{
    DEFAULT_SANDBOX_API_KEY, DEFAULT_SANDBOX_MANDATOR_ID, RateLimitKnob, RateLimitRule,
    SandboxConfig,
};
pub use faults::{RequestRecord, UNMATCHED_ROUTE};
pub use routes::SandboxRoute;
pub use seed::SandboxSeed;
pub use server::{Sandbox, SandboxError, SandboxHandle};
pub use state::{
    ApplicantSummary, ApplicationSummary, CvSummary, DocumentSummary, HistorySummary, JobSummary,
    PolicyAcceptanceSummary, SandboxState,
};
