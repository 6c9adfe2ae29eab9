//! Decisions this connector takes where eRecruiter's public material is silent.
//!
//! Each entry names the open question, what the connector does, and why. The numbering follows
//! the list of unknowns in the team's eRecruiter research notes (§10) so reviewers can match them.
//!
//! 1. **Closed and unpublished jobs.** Only `PublishedJobs` enumerates jobs. Every job id ever
//!    seen is kept in the sync state (and taken from `SyncScope::known_remote_ids`); ids that
//!    left the published list are re-read once per run with `GET Api/Job/{id}`. A 404 there
//!    means the job is gone: it is not pushed, and since jobs are marked complete only when
//!    every request succeeded, the engine then marks it deleted. Status mapping: Open → `OPEN`,
//!    Draft → `DRAFT`, Engaged (filled) → `CLOSED`, Cancelled → `ARCHIVED`, Repositioned →
//!    `OPEN` (the job was re-advertised); unknown ordinals pass through as `Other(n)` text.
//!
//! 2. **Applications that left the open set.** `Applications/ByJob` lists only open
//!    applications. Every applicant id ever seen is kept in the sync state and re-read with
//!    `Applications/{applicantId}`, so an application that was rejected or accepted still
//!    receives its final workflow group instead of disappearing. Applications of an applicant
//!    come from `Applications/{applicantId}` (one request per applicant, never per
//!    application); `ByJob` only supplies the applicant ids.
//!
//! 3. **Application stages.** eRecruiter has no endpoint that lists workflow statuses, and the
//!    localized `Status` text changes with the culture and with the tenant's configuration. The
//!    stages are therefore the seven fixed `WorkflowStatusGroup` values, with stable remote ids
//!    `0`..`6` and English names (None, New, Internal, Proposed, External, Rejected, Accepted).
//!    They are emitted on every sync without a request. An application's `current_stage` is its
//!    group; the localized status text is kept in the application's `remote_data` and in its
//!    `Status` integration field (see 25).
//!    Outcome: Rejected → `DECLINED`, Accepted → `HIRED`, any other group → `PENDING`.
//!
//! 4. **Incremental sync.** There is no modified-since filter, so every run enumerates all
//!    resources; the engine's content hash decides what changed. Delta runs behave like full
//!    runs, which also means deletions are detected on every complete run.
//!
//! 5. **Rate limits.** Unknown upstream. Defaults: at most 5 requests in flight and 10 per
//!    second per integration (config `max_concurrent_requests`, `requests_per_second`); the
//!    transport retries 429/503 with backoff; each attempt has a 60 s timeout.
//!
//! 6. **Token lifetime.** The token is renewed 5 minutes before its `Expires` and once after
//!    any 401 (then the request is retried once).
//!
//! 7. **Applicant update semantics.** `POST Api/Applicant/{id}` is treated as a full replace.
//!    Tag changes and answer-driven profile changes read the applicant as raw JSON, change only
//!    the affected members, remove the read-only members of `ApplicantResponse`, and send
//!    everything else back unchanged (including members this connector does not know).
//!
//! 8. **Enums on input.** Integers are sent; on input integers, numeric strings and C# member
//!    names are accepted, and unknown ordinals are kept.
//!
//! 9. **Source (Referrer).** The request's `source.name`, else the integration's
//!    `default_source_name`, is written as `Referrer` on the created application and on a newly
//!    created applicant. An existing applicant's source is never overwritten. The name is
//!    matched (ignoring case) against the mandator's configured `Referrers` and written in the
//!    mandator's spelling. eRecruiter refuses unknown referrers, so an unconfigured source does
//!    not fail the action: the integration's default source takes its place when that one is
//!    configured, the requested name goes to `ReferrerAdditionalInfo`, and a warning says so.
//!
//! 10. **Attachment types.** `CV` → `PUT Api/Applicant/Cv/{id}` (single CV slot).
//!     `COVER_LETTER` and `OTHER` → `PUT Api/Applicant/Document/{id}` with a document type
//!     chosen from the mandator's `ApplicantDocumentTypes`: for cover letters the first type
//!     that mentions "cover"/"anschreiben"/"motivation"; otherwise `default_document_type` from
//!     the config, else the first configured type. Documents belong to the applicant; the
//!     "attachment to application" action stores it on the application's applicant and reports
//!     a warning saying so.
//!
//! 11. **Result links.** There is no native concept. A result link becomes a history entry
//!     (`PUT Api/Applicant/History/{applicantId}`, type Manual) whose subject is the label and
//!     whose body holds the URL followed by one `key: value` line per attribute (attribute keys
//!     get the request's `custom_field_name_prefix`). The application variant also sets the
//!     entry's `JobId`.
//!
//! 12. **Tags.** Tags are free strings on the applicant. Add is case-insensitive idempotent
//!     (Unicode case, so `Über` matches `über`; an existing tag with other casing is kept as
//!     is); remove drops every case-insensitive match and succeeds when none exists. Each
//!     distinct tag text is also emitted as a tag record whose remote id is the text itself.
//!
//! 13. **Screening questions.** Questions come from `Questionnaire/ByJob/{jobId}` for jobs with
//!     `HasQuestionnaire`. Remote id: the item's `Id` when present, else
//!     `{questionnaireId}:{index}`. Formats: custom fields by their field type (multi-line text
//!     → TEXT/MULTI_LINE, single-line → TEXT/SINGLE_LINE, checkbox → BOOLEAN, dropdown →
//!     SINGLE_SELECT, checkbox list → MULTI_SELECT, date → DATE, HTML → INFORMATION), Salary →
//!     NUMBER, BeginDate → DATE, WillingToMove → BOOLEAN, self/job description → TEXT
//!     multi-line, Location/Referrer/travelling → TEXT single-line, MilitaryService and
//!     EmploymentType → selects with fixed options, ApplicantDocument → FILE, headlines →
//!     INFORMATION, everything else (languages, knowledge, education, experience, regions, job
//!     profiles) → UNKNOWN with the raw item. Option remote ids are the option texts (eRecruiter
//!     identifies dropdown values by text) or, for the fixed selects, the enum names.
//!     eRecruiter questionnaires have no preconditions, so `precondition_*` stay empty.
//!     Answers are written per type: custom fields through `POST Api/Applicant/{id}/CustomField`
//!     (checkbox as `true`/`false`, checkbox list as `Values`, dates in the short date pattern of
//!     the configured culture), profile questions as members of the applicant, FILE answers as
//!     documents with the item's document type. Answers to UNKNOWN/INFORMATION questions and to
//!     questions not found on the job are skipped with a warning.
//!
//! 14. **Culture.** The config's `culture` (default `de-AT`) is sent with every job,
//!     questionnaire and application read.
//!
//! 15. **Credentials.** `host`, `mandator_id`, `api_key`; the connection check is the token
//!     exchange plus `GET Api/Ping`.
//!
//! 16. **Offset-less date-times** are read as UTC; the .NET default `0001-01-01T00:00:00` is read
//!     as "not set".
//!
//! 17. **Create candidate / application dedupe.** `GET Api/Applicants/ByEmail/{email}`; the first
//!     hit (lowest id, e-mail compared ignoring case) is reused and its profile is not
//!     overwritten; only members that screening answers fill are updated, starting from the
//!     complete applicant `ByEmail` returned (no second read). The application is created
//!     with `RefreshApplicationIfItAlreadyExists = false`; an `ApplicationAlreadyExists` error
//!     becomes `ATS.APPLICATION_ALREADY_EXISTS`, `JobIsClosed` becomes `ATS.JOB_CLOSED`, and
//!     `JobDoesNotExist`/`ApplicantDoesNotExist` become `REMOTE.INPUT_INVALID`.
//!
//! 18. **GDPR consent.** `gdpr_consent.given = true` sets `PolicyAcceptedAt` on a new applicant
//!     and, for an existing applicant, accepts the current consent policy through
//!     `PUT Api/Applicant/{id}/Policies/{policyId}` when `GET Api/Policies` lists one.
//!
//! 19. **Salary expectations.** The amount is rounded to the nearest integer (eRecruiter stores
//!     whole numbers) and sent with `SalaryPeriod` Monthly/Yearly.
//!
//! 20. **Availability date** becomes a full `FlexDate` (year, month, day, not relative).
//!
//! 21. **Country.** eRecruiter stores country display names from the mandator's list. Reads
//!     turn the English or German name of about twenty common countries into the ISO code and
//!     pass any other text through; writes look the ISO code's English and German names up in
//!     the mandator's `Countries` (one `GET Api/Mandator` per create) and fall back to the
//!     English name, or to the code when the table does not know it.
//!
//! 22. **Candidate custom fields** come from `GET Api/Applicant/CustomFields/{id}` (one request
//!     per applicant, typed by field type: checkbox → bool, checkbox list → array, date →
//!     timestamp, else the formatted text). Job custom fields come with the job.
//!     `custom_fields` is keyed by the field's internal `Name`.
//!
//! 23. **Tags outside the declaration.** Tag records are pushed when the sync scope asks for
//!     the `tag` model; the guard narrows scopes to declared models and tags are not in the
//!     seed's list, so through the guard only the action outcomes carry tag records.
//!
//! 24. **Read back after writes.** Create actions re-read the applicant (and its
//!     applications) after writing, so the records they return are exactly what the next sync
//!     produces and no spurious change is recorded. Tag actions take the applicant from the
//!     update's answer (or, when nothing changed, from the read that preceded it) and read only
//!     its custom fields.
//!
//! 25. **Integration fields.** Kombo lists in `integration_fields` only the provider fields a
//!     customer enabled one by one. The connector reports a fixed set of provider fields that
//!     the unified schema has no place for; the sync engine records each distinct one for the
//!     integration with passthrough switched on, and the server leaves out those a customer
//!     switched off (`PATCH /integrations/{id}/integration-fields/{field_id}`). The set:
//!     - `CUSTOM`: each custom field of the job or applicant, `key` = internal `Name`,
//!       `label` = public `Title`, value typed as in `custom_fields` (see 22). The same data
//!       is also in `custom_fields`; the integration field adds the label and the kind.
//!     - `DEFAULT` (built-in members, keyed by their eRecruiter member name, listed only when
//!       the provider has a value): job `InternalName`, `InternalLocation`, `SubTitle`,
//!       `JobProfiles`, `Regions`, `Tags`, `ExpirationDate`; applicant
//!       `ReferrerAdditionalInfo`, `Url`, `Salary`, `SalaryCurrency`, `SalaryPeriod`,
//!       `EarliestPossibleBeginDate` (the provider's partial-date object), `PolicyAcceptedAt`;
//!       application `Status` (the tenant's localized status text), `StatusForApplicant`,
//!       `Referrer`, `ReferrerAdditionalInfo`, `Rating`. Dates use the wire timestamp format and
//!       enums their member names; everything else is the provider's value.
//!
//!     The record's `IntegrationField.id` is the field's identifier within its model: the
//!     member name for `DEFAULT` fields and `CustomFields/{Name}` for `CUSTOM` ones (tenants
//!     name custom fields freely, so a custom field called `Tags` must not collide with the
//!     job's `Tags` member). The served `id` is a Kombo id derived from the model and that
//!     identifier only (`IdMinter::mint_integration_field`), never from the record: a field
//!     has one id in every job (or candidate, or application) that carries it, and it is the
//!     id the integration-fields endpoints list and switch.
//!
//! 26. **Application custom fields.** eRecruiter's custom fields target applicants, jobs and
//!     companies (and combinations of them), never a single application, and no endpoint reads
//!     custom values per application. Putting the status text or the referrer detail into
//!     `custom_fields` would present built-in members as tenant-defined fields and duplicate
//!     `integration_fields`, so `custom_fields` stays `{}` and the coverage declares it
//!     *always empty* with that reason (`FieldCoverage::always_empty_reason`). It stays
//!     declared because Kombo's page lists it; the conformance kit fails if a fixture ever
//!     fills it, so the marker cannot go stale. The marker describes what the connector
//!     delivers. A customer can still give applications `custom_fields` keys of their own:
//!     a custom field of `ats_applications` mapped to one of the application's integration
//!     fields (say `Referrer`) is filled by the server from that field when it serves the
//!     application. Such a mapped key replaces a connector key of the same name on every
//!     model (the customer configured it for this integration), and is `null` in records
//!     that do not carry the field.
//!
//! 27. **Screening-question preconditions.** eRecruiter questionnaires show every item
//!     unconditionally, so `precondition_question_id` and `precondition_options` are always
//!     null. They are declared (Kombo's page lists them) with the same *always empty* marker.
//!
//! 28. **Fields beyond Kombo's page.** The connector also fills `candidates[].tags`, the
//!     application's `remote_data` and the stages' `index` and `status`. Hiding real data would
//!     help no one, so they are declared, each with a note that it goes beyond Kombo's
//!     eRecruiter coverage.
//!
//! 29. **Partial success of create actions.** eRecruiter has no transactions: once
//!     `PUT Application` succeeded, the application exists. Answers written to custom fields
//!     and uploads that fail afterwards are reported as warnings on a successful action, so the
//!     caller and atsbridge's store learn about the application (failing would make a retry
//!     run into "already exists" and leave the application untracked). Cancellation still
//!     aborts. A new applicant whose application then fails stays in eRecruiter (no delete).
//!
//! 30. **Streaming sync.** Applicants are read in ascending id order, `max_concurrent_requests`
//!     at a time, and each applicant's records are pushed the moment its three requests are
//!     answered (in id order, whatever order the answers arrive in): the candidate, then the
//!     tags it carries that this run has not pushed yet, then its applications. Jobs and
//!     questions are pushed in batches as soon as their lists are read; each
//!     `Applications/ByJob` list is reduced to its applicant ids and dropped. So a run holds
//!     at most `max_concurrent_requests` applicants at a time (plus the engine's write batch),
//!     not the account, and a run that fails half-way has stored everything it read (the
//!     engine deletes nothing after a failed run; the next full run completes). Models are
//!     still marked complete only after the whole enumeration. What a run keeps per account:
//!     the set of applicant ids to read (needed so an applicant listed under several jobs is
//!     read once; it becomes the next run's state), about 20 bytes per applicant in memory
//!     (~20 MB per 10^6); the state itself, which stores each id set as one range text
//!     (`"1-3,7"`, at most ~8 bytes per id, less for consecutive ids) because the engine
//!     holds the previous state for the whole run and a JSON array of 10^6 numbers would
//!     cost it tens of megabytes (arrays are still read); the set of tag texts already
//!     pushed, which grows with the distinct tags of the tenant, not with its applicants.
//!     The published job list is one response: it is held as its bytes (about 4 kB per
//!     published job), split into each job's raw text without building a JSON tree, and
//!     each job is parsed when it is used, a batch at a time; a JSON tree of the whole list
//!     cost about ten times the body.
