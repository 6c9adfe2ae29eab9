//! Every open point of the Harvest v3 reference (`greenhouse-harvest-v3.md`, §10 and the
//! [INFERRED] items the connector depends on), decided. Nothing here is executable; it is the
//! place a reviewer looks for "why does the connector do that".
//!
//! 1. **Create candidate body/response** (§10.1): `POST /v3/candidates` with names, contacts
//!    and a singular `application {job_id, source_id}`; the answer is read as `{candidate,
//!    application}`. "Create application" does the same (Harvest v3 offers no lookup to reuse
//!    an existing candidate), and screening answers are not sent (no input for them) but
//!    warned about. The source is the integration's `default_source_id`: v3 cannot create
//!    sources and looking names up is left for later.
//! 2. **Attachments** (§10.2): `POST /v3/attachments {application_id, filename, type,
//!    content}` with base64 bytes; CV → `resume`, cover letter → `cover_letter`, else `other`.
//!    A candidate-level attachment goes to the candidate's most recent application.
//! 3. **Tags write** (§10.3): look the tag up by exact name in `candidate_tags`, create it when
//!    missing, apply it through `applied_candidate_tags` unless applied already; removal
//!    deletes the join row. Never `DELETE /v3/candidate_tags/{id}` (removes the tag from
//!    everyone).
//! 4. **Notes / result links** (§10.4): a result link is a `NOTE` (`admin_only`) with the
//!    candidate, the application when known, and label, URL and attributes as lines.
//! 5. **Partner OAuth** (§10.5): only customer client credentials are supported; partner
//!    authorization code needs a partnership and is out of scope.
//! 6. **Rate limits** (§10.6): nothing is assumed about the limit. The transport holds every
//!    request while `X-RateLimit-Remaining` is 0 until `X-RateLimit-Reset`, honours
//!    `Retry-After` on 429, and the connector keeps at most 4 requests in flight.
//! 7. **Error envelope** (§10.7): statuses drive the error kind; the body is only quoted
//!    (scrubbed) in the message.
//! 8. **Change tracking** (§10.8): a delta reads candidates and applications with
//!    `updated_at=gte|<previous run start − 10 min>`. Whether tag changes bump a candidate's
//!    `updated_at` is unknown, so the tag dictionary is read whole every run and a full run
//!    (which the scheduler runs regularly) repairs anything a delta missed. The job side (jobs,
//!    job posts, stages) is small and read whole every run: a job's stage list changes when a
//!    stage changes, which a filter on jobs would not see.
//! 9. **Deletions** (§10.9): no API signal; a full run enumerates every list and marks every
//!    model complete, so the engine marks what it did not see as deleted (candidate deletes
//!    cascade because their applications disappear from the list too). A delta run marks
//!    nothing complete.
//! 10. **Cursor** (§10.10): the `Link` URL is followed unchanged (a cursor must come alone);
//!     a walk that repeats a page or never ends fails the run. On a 422 the run fails and the
//!     next run starts the window again (the checkpoint only moves after a successful run).
//! 11. **On-Behalf-Of** (§10.11): Harvest v3 has no such header; the acting user is the token's
//!     `sub`. The integration's `user_id` becomes `sub`; a request's
//!     `remote_fields.greenhouse.post_headers.On-Behalf-Of` (create candidate/application,
//!     result links: the inputs that carry `remote_fields`) gets a client whose token is
//!     minted with that user as `sub`, cached per user.
//! 12. **Prospects / `converted`** (§10.12): prospect applications are skipped; `converted`
//!     maps to PENDING (the promoted application is in process).
//! 13. **Current stage** (§10.13): `job_interview_stage_id` is the current stage; `stage_id` is
//!     not a stage definition and is ignored. Responses without `job_interview_stage_id` leave
//!     the current stage empty rather than costing one `application_stages` request each.
//! 14. **Web URLs** (§10.14): `https://app.greenhouse.io/people/{id}`,
//!     `/people/{candidate}?application_id={id}` and `/sdash/{job}`; regional hosts are not
//!     known and not guessed.
//! 15. **Webhooks** (§10.15): not used; syncs poll.
//! 16. **Search endpoints** (§10.16): not used.
//! 17. **Transition tokens** (§10.17): not implemented; v3 OAuth only.
//! 18. **Token lifetime** (§1.2): `expires_at` is parsed, `expires_in` tolerated, 3600 s
//!     assumed otherwise; the token is refreshed 60 s before expiry and once after a 401.
//! 19. **Job description and URL**: from the job's first live job post (posts are ordered by
//!     id descending, so the newest); jobs without one have neither.
//! 20. **Recording**: fixtures are recorded against the sandbox, which serves the token
//!     endpoint on the Harvest origin; against real Greenhouse the token host differs and
//!     recording goes through the transport hook rather than the kit's proxy.
