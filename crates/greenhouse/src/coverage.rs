//! What the Greenhouse connector declares. `docs/connectors/greenhouse.md` is rendered from it.

use atsbridge_connector::{
    Action, ActionCoverage, Capabilities, ConnectorInfo, Coverage, CredentialField,
    DeletionDetection, Feature, FeatureCoverage, Guide, ModelCoverage,
};
use atsbridge_schema::Model;

/// The connector's slug.
pub const SLUG: &str = "greenhouse";
/// The API the connector was written against.
pub const PROVIDER_API_VERSION: &str = "Harvest API v3";

/// Identity of the connector.
pub fn info() -> ConnectorInfo {
    ConnectorInfo::new(
        SLUG,
        "Greenhouse",
        "Syncs jobs with their stages and screening questions, candidates with tags, and \
         applications from Greenhouse's Harvest API v3, with delta syncs through `updated_at`, \
         and writes candidates, applications, tags, attachments and result links back.",
        PROVIDER_API_VERSION,
    )
}

const RECORD_FIELDS: [&str; 4] = ["id", "remote_id", "changed_at", "remote_deleted_at"];

const CANDIDATE_INPUT: [&str; 9] = [
    "candidate.first_name",
    "candidate.last_name",
    "candidate.email_address",
    "candidate.company",
    "candidate.title",
    "candidate.phone_number",
    "attachments.name",
    "attachments.data",
    "attachments.type",
];
const ATTACHMENT_INPUT: [&str; 3] = ["attachment.name", "attachment.data", "attachment.type"];
const RESULT_LINK_INPUT: [&str; 4] = [
    "label",
    "url",
    "details.attributes.key",
    "details.attributes.value",
];
const ACTING_USER: &str = "`remote_fields.greenhouse.post_headers.On-Behalf-Of` names the Greenhouse user the write acts as: the token is minted with that user as `sub` (Harvest v3 has no such header).";
const SOURCE: &str = "The integration's `default_source_id` is set on the application; Harvest v3 cannot create sources, so a name alone is reported as a warning.";

fn create_action(action: Action) -> ActionCoverage {
    let base = ActionCoverage::new(action);
    let base = if action == Action::CreateApplication {
        base.note("Harvest v3 cannot look a candidate up before creating one: the applicant becomes a new candidate with this application.")
            .input_fields(["job_id"])
    } else {
        base.input_fields(["application.job_id"])
    };
    base.input_fields(CANDIDATE_INPUT)
        .input_field_with_note("source.name", SOURCE)
        .input_field_with_note("remote_fields", ACTING_USER)
        .input_field_with_note(
            "screening_question_answers",
            "Not sent: Harvest v3 takes no answers on create; the response warns.",
        )
}

/// The coverage declaration.
pub fn coverage() -> Coverage {
    let jobs = ModelCoverage::new(Model::Job)
        .fields(RECORD_FIELDS)
        .fields(["name", "confidential", "status", "stages", "job_postings", "remote_url", "opened_at", "closed_at", "remote_created_at", "remote_updated_at", "remote_data"])
        .field_with_note("job_code", "The job's requisition id (free text, not unique in Greenhouse).")
        .field_with_note("description", "The HTML content of the job's first live job post.")
        .field_with_note("post_url", "The public URL of the job's first live job post.")
        .field_with_note("screening_questions", "The custom questions of the job's job posts; Greenhouse's default questions (name, email, resume) are left out.");
    let candidates = ModelCoverage::new(Model::Candidate)
        .fields(RECORD_FIELDS)
        .fields(["first_name", "last_name", "company", "title", "phone_numbers", "email_addresses", "tags", "applications", "remote_created_at", "remote_updated_at", "remote_data"])
        .field_with_note("confidential", "Greenhouse's `private` flag.")
        .field_with_note("social_media", "Harvest v3 keeps social media profiles untyped, so `type` stays empty.")
        .field_with_note("remote_url", "`https://app.greenhouse.io/people/{id}`; tenants on another Greenhouse host get the same path there.");
    let applications = ModelCoverage::new(Model::Application)
        .note("Prospect applications (not tied to a job) are not synced.")
        .fields(RECORD_FIELDS)
        .fields([
            "rejected_at",
            "job_id",
            "candidate_id",
            "current_stage_id",
            "candidate",
            "current_stage",
            "job",
            "remote_url",
            "remote_created_at",
            "remote_updated_at",
            "remote_data",
        ])
        .field_with_note(
            "outcome",
            "`in_process` and `converted` are PENDING, `hired` HIRED, `rejected` DECLINED.",
        );
    let stages = ModelCoverage::new(Model::ApplicationStage)
        .note("Stages are per job in Greenhouse (`job_interview_stages`); `index` is their `sort_order`.")
        .fields(["id", "remote_id", "changed_at", "remote_deleted_at", "name", "index", "remote_data"]);
    let tags = ModelCoverage::new(Model::Tag).fields([
        "id",
        "remote_id",
        "changed_at",
        "remote_deleted_at",
        "name",
    ]);
    let questions = ModelCoverage::new(Model::ScreeningQuestion).fields([
        "id",
        "remote_id",
        "changed_at",
        "remote_deleted_at",
        "title",
        "description",
        "format",
    ]);
    let job_questions = ModelCoverage::new(Model::JobScreeningQuestion)
        .note("One per custom question of a job post; its id is `<job post id>-<question id>`.")
        .fields([
            "id",
            "changed_at",
            "remote_deleted_at",
            "job_id",
            "question_id",
            "index",
            "required",
        ]);
    Coverage::new()
        .model(jobs)
        .model(candidates)
        .model(applications)
        .model(stages)
        .model(tags)
        .model(questions)
        .model(job_questions)
        .action(create_action(Action::CreateCandidate))
        .action(create_action(Action::CreateApplication))
        .action(ActionCoverage::new(Action::AddCandidateTag).note("A tag missing from the dictionary is created; applying a tag twice changes nothing.").input_fields(["candidate_id", "tag.name"]))
        .action(ActionCoverage::new(Action::RemoveCandidateTag).note("Removes the tag from this candidate only; the tag stays in the dictionary.").input_fields(["candidate_id", "tag.name"]))
        .action(ActionCoverage::new(Action::AddApplicationAttachment).input_fields(["application_id"]).input_fields(ATTACHMENT_INPUT))
        .action(ActionCoverage::new(Action::AddApplicationResultLink).note("Written as a note (admin only) on the candidate and application: label, URL, one line per attribute.").input_fields(["application_id"]).input_fields(RESULT_LINK_INPUT).input_field_with_note("remote_fields", ACTING_USER))
        .action(ActionCoverage::new(Action::AddCandidateAttachment).note("Greenhouse keeps files on applications: the file goes to the candidate's most recent application, and the response says which.").input_fields(["candidate_id"]).input_fields(ATTACHMENT_INPUT))
        .action(ActionCoverage::new(Action::AddCandidateResultLink).note("Written as a note (admin only) on the candidate.").input_fields(["candidate_id"]).input_fields(RESULT_LINK_INPUT).input_field_with_note("remote_fields", ACTING_USER))
        .feature(FeatureCoverage::new(Feature::SourceWriting).note(SOURCE))
        .feature(FeatureCoverage::new(Feature::ApiPassthrough).note("Requests go below `https://harvest.greenhouse.io/v3` only, authenticated with the integration's token; other hosts and paths outside `/v3` are refused."))
        .feature(FeatureCoverage::new(Feature::SyncOnlyCreatedApplications).note("Tracked applications are read by id, 50 per request, with their candidates."))
        .feature(FeatureCoverage::new(Feature::ConnectionGuide).guide(Guide::new(
            "Connection Setup Guide",
            "How to create Harvest v3 credentials for atsbridge.",
            "1. In Greenhouse, open Configure → Dev Center → API Credentials and create a \
             *Harvest V3 (OAuth)* credential.\n2. Tick the list scopes of jobs, job posts, job \
             interview stages, candidates, applications and candidate tags.\n3. Copy the client id \
             and the client secret (shown once).\n4. Optionally enter the numeric id of the \
             Greenhouse user the integration acts as (`user_id`, sent as the token's `sub`); list \
             endpoints need a Site Admin.",
        )))
        .feature(FeatureCoverage::new(Feature::Prerequisites).note("A Harvest v3 (OAuth) credential with the list scopes above; the acting user must be a Site Admin."))
        .feature(FeatureCoverage::new(Feature::CreateCredentials).note("Client id, client secret and, optionally, the acting user's id."))
        .capabilities(Capabilities {
            delta_sync: true,
            deletion_detection: DeletionDetection::FullScanDiff,
            refresh_known_ids: false,
            max_concurrency: Some(4),
            expiring_tokens: true,
            paged_lists: true,
        })
}

/// The credential fields the customer fills in.
pub fn credential_fields() -> Vec<CredentialField> {
    let field =
        |key: &str, label: &str, help: &str, required: bool, secret: bool| CredentialField {
            key: key.to_owned(),
            label: label.to_owned(),
            help: help.to_owned(),
            required,
            secret,
        };
    vec![
        field(
            "client_id",
            "Client id",
            "The client id of your Harvest V3 (OAuth) credential.",
            true,
            false,
        ),
        field(
            "client_secret",
            "Client secret",
            "The client secret of that credential (shown once when it is created).",
            true,
            true,
        ),
        field(
            "user_id",
            "Acting user id",
            "Numeric id of the Greenhouse user the integration acts as (the number in app.greenhouse.io/account/users/<id>); empty: the credential's service user.",
            false,
            false,
        ),
    ]
}
