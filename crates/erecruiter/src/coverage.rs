//! What the eRecruiter connector declares: models and fields, actions and input fields,
//! features. `docs/connectors/erecruiter.md` is rendered from this declaration.

use atsbridge_connector::{
    Action, ActionCoverage, Capabilities, ConnectorInfo, Coverage, CredentialField,
    DeletionDetection, Feature, FeatureCoverage, Guide, ModelCoverage,
};
use atsbridge_schema::Model;

use crate::config::DEFAULT_MAX_CONCURRENT_REQUESTS;

/// The connector's slug.
pub const SLUG: &str = "erecruiter";

/// The eRecruiter API generation the connector was written against (vendor client 1.8x).
pub const PROVIDER_API_VERSION: &str = "eRecruiter.Api 1.8x";

/// Identity of the connector.
pub fn info() -> ConnectorInfo {
    ConnectorInfo::new(
        SLUG,
        "eRecruiter",
        "Syncs jobs, candidates, applications, application stages and screening questions from \
         eRecruiter, and writes candidates, applications, tags, attachments and result links back.",
        PROVIDER_API_VERSION,
    )
}

const CREATE_INPUT_FIELDS: [&str; 19] = [
    "candidate.first_name",
    "candidate.last_name",
    "candidate.email_address",
    "candidate.phone_number",
    "candidate.location.city",
    "candidate.location.country",
    "candidate.gender",
    "candidate.availability_date",
    "candidate.salary_expectations.period",
    "candidate.salary_expectations.amount",
    "application.job_id",
    "screening_question_answers.question_id",
    "screening_question_answers.answer",
    "attachments.name",
    "attachments.data",
    "attachments.data_url",
    "attachments.type",
    "source.name",
    "gdpr_consent.given",
];

const ATTACHMENT_FIELDS: [&str; 3] = ["attachment.name", "attachment.data", "attachment.type"];
const RESULT_LINK_FIELDS: [&str; 4] = [
    "label",
    "url",
    "details.attributes.key",
    "details.attributes.value",
];

/// Note on fields the connector fills beyond Kombo's own eRecruiter coverage page.
const BEYOND_KOMBO: &str = "Beyond Kombo's eRecruiter page";

/// The coverage declaration.
pub fn coverage() -> Coverage {
    let jobs = ModelCoverage::new(Model::Job)
        .note(
            "A job can be published on several channels. `post_url` is the ad URL of the first \
             publication that has one, without eRecruiter's `$Referrer$` placeholder.",
        )
        .fields([
            "id",
            "remote_id",
            "changed_at",
            "remote_deleted_at",
            "name",
            "description",
            "employment_type",
            "status",
            "post_url",
            "experience_level",
            "location",
            "custom_fields",
        ])
        .field_with_note(
            "integration_fields",
            "`DEFAULT`: internal name and location, subtitle, job profiles, regions, job tags \
             and end of publication; `CUSTOM`: every custom field of the job.",
        )
        .fields([
            "opened_at",
            "remote_created_at",
            "remote_updated_at",
            "remote_data",
        ]);
    let candidates = ModelCoverage::new(Model::Candidate)
        .fields([
            "id",
            "remote_id",
            "changed_at",
            "remote_deleted_at",
            "first_name",
            "last_name",
            "source",
            "phone_numbers",
            "email_addresses",
            "social_media",
            "location",
            "custom_fields",
        ])
        .field_with_note(
            "integration_fields",
            "`DEFAULT`: source detail, website, salary expectation (amount, currency, period), \
             earliest start and privacy-policy acceptance; `CUSTOM`: every custom field of the \
             applicant.",
        )
        .fields(["remote_created_at", "remote_updated_at", "remote_data"])
        .field_with_note(
            "tags",
            format!("{BEYOND_KOMBO}: the applicant's tags (free texts in eRecruiter)."),
        );
    let stages = ModelCoverage::new(Model::ApplicationStage)
        .fields(["id", "remote_id", "changed_at", "remote_deleted_at", "name"])
        .field_with_note(
            "index",
            format!(
                "{BEYOND_KOMBO}: position of the stage among eRecruiter's fixed workflow groups."
            ),
        )
        .field_with_note(
            "status",
            format!("{BEYOND_KOMBO}: always `ACTIVE`; the workflow groups cannot be retired."),
        );
    let applications = ModelCoverage::new(Model::Application)
        .fields([
            "id",
            "remote_id",
            "changed_at",
            "remote_deleted_at",
            "outcome",
            "current_stage_id",
            "job_id",
            "candidate_id",
        ])
        .field_always_empty(
            "custom_fields",
            "eRecruiter defines custom fields for applicants, jobs and companies, never for a \
             single application, so this object stays `{}`. What the application has beyond \
             the unified fields is in `integration_fields`.",
        )
        .field_with_note(
            "integration_fields",
            "`DEFAULT`: the tenant's status text, the status text the applicant sees, the \
             application's own source and source detail, and its rating.",
        )
        .field_with_note(
            "remote_data",
            format!(
                "{BEYOND_KOMBO}: the application's item of `/Api/Applications/{{applicantId}}`, \
                 keyed by that path."
            ),
        );
    let questions = ModelCoverage::new(Model::ScreeningQuestion).fields([
        "id",
        "remote_id",
        "changed_at",
        "remote_deleted_at",
        "title",
        "description",
        "format",
    ]);
    let no_preconditions = "An eRecruiter questionnaire shows every item unconditionally; no \
                            question can depend on the answer to another one.";
    let job_questions = ModelCoverage::new(Model::JobScreeningQuestion)
        .fields(["index", "required"])
        .field_always_empty("precondition_question_id", no_preconditions)
        .field_always_empty("precondition_options", no_preconditions)
        .fields([
            "job_id",
            "question_id",
            "id",
            "changed_at",
            "remote_deleted_at",
        ]);
    Coverage::new()
        .model(jobs)
        .model(candidates)
        .model(stages)
        .model(applications)
        .model(questions)
        .model(job_questions)
        .action(ActionCoverage::new(Action::CreateCandidate).input_fields(CREATE_INPUT_FIELDS))
        .action(
            // The job of a new application is the path's `job_id`, not a body field.
            ActionCoverage::new(Action::CreateApplication)
                .input_fields(["job_id"])
                .input_fields(
                    CREATE_INPUT_FIELDS
                        .into_iter()
                        .filter(|field| *field != "application.job_id"),
                ),
        )
        .action(ActionCoverage::new(Action::AddCandidateTag).input_fields(["candidate_id", "tag.name"]))
        .action(ActionCoverage::new(Action::RemoveCandidateTag).input_fields(["candidate_id", "tag.name"]))
        .action(
            ActionCoverage::new(Action::AddApplicationAttachment)
                .note(
                    "eRecruiter keeps documents on the applicant, not on one application. The \
                     file is therefore stored on the candidate behind the application, exactly \
                     as \"Add attachment to candidate\" would, and the response warns about it.",
                )
                .input_fields(["application_id"])
                .input_fields(ATTACHMENT_FIELDS),
        )
        .action(
            ActionCoverage::new(Action::AddApplicationResultLink)
                .input_fields(["application_id"])
                .input_fields(RESULT_LINK_FIELDS),
        )
        .action(
            ActionCoverage::new(Action::AddCandidateAttachment)
                .input_fields(["candidate_id"])
                .input_fields(ATTACHMENT_FIELDS),
        )
        .action(
            ActionCoverage::new(Action::AddCandidateResultLink)
                .input_fields(["candidate_id"])
                .input_fields(RESULT_LINK_FIELDS),
        )
        .feature(FeatureCoverage::new(Feature::SourceWriting).guide(Guide::new(
            "View Candidate Sources",
            "Where eRecruiter keeps its list of candidate sources and how atsbridge fills it in.",
            "eRecruiter calls a candidate's source the *Referrer* (German UI: \"Bewerberquelle\"). \
             Administrators maintain the allowed sources in the eRecruiter settings; add the source \
             name your integration writes (the request's `source.name` or the integration's \
             default source) to that list so that applications created through atsbridge are \
             attributed. The source of an existing candidate is never overwritten.",
        )))
        .feature(FeatureCoverage::new(Feature::SyncOnlyCreatedApplications))
        .feature(FeatureCoverage::new(Feature::ConnectionGuide).guide(Guide::new(
            "Connection Setup Guide",
            "What to ask your eRecruiter administrator for and where to enter it.",
            "1. Ask your eRecruiter administrator (or eRecruiter support) for an API key of your \
             mandator with the access levels *Jobs* and *Applicants* and the *ApplicationSearch* \
             permission.\n2. Note the numeric mandator id and the API host of your installation \
             (for example `acme-api.erecruiter.net`, `api.erecruiter.net` or your own server).\n\
             3. Enter host, mandator id and API key. atsbridge exchanges the key for a token and \
             calls `Ping` to verify the connection.",
        )))
        .feature(FeatureCoverage::new(Feature::Prerequisites).note(
            "An eRecruiter API key with the Jobs and Applicants access levels and the \
             ApplicationSearch permission.",
        ))
        .feature(
            FeatureCoverage::new(Feature::CreateCredentials)
                .note("Host, mandator id and API key (see the connection guide)."),
        )
        .feature(
            FeatureCoverage::new(Feature::ApiPassthrough)
                .note("Requests are sent below `https://{host}/Api`, authenticated automatically."),
        )
        .capabilities(Capabilities {
            delta_sync: false,
            deletion_detection: DeletionDetection::FullScanDiff,
            refresh_known_ids: true,
            max_concurrency: Some(DEFAULT_MAX_CONCURRENT_REQUESTS),
            // The exchanged access token expires; a 401 mid-run triggers a new exchange.
            expiring_tokens: true,
            paged_lists: false,
        })
        // Tags are free strings on the applicant; their records only name the tags that
        // `candidates[].tags` shows. The seed lists no Tags model, so `/ats/tags` stays
        // unavailable.
        .supporting_model(Model::Tag)
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
            "host",
            "API host",
            "Host of your eRecruiter API, e.g. `acme-api.erecruiter.net`; a scheme or a trailing `/Api` is accepted.",
            true,
            false,
        ),
        field(
            "mandator_id",
            "Mandator id",
            "Your numeric eRecruiter mandator (tenant) id.",
            true,
            false,
        ),
        field(
            "api_key",
            "API key",
            "An API key created by your eRecruiter administrator.",
            true,
            true,
        ),
        field(
            "culture",
            "Culture",
            "Language of job texts and statuses, e.g. `de-AT` (default) or `en`.",
            false,
            false,
        ),
        field(
            "default_source_name",
            "Default source",
            "Source (Referrer) written on applications when a request names none.",
            false,
            false,
        ),
        field(
            "default_document_type",
            "Default document type",
            "Document type for uploaded files that are not CVs; must exist in eRecruiter.",
            false,
            false,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use atsbridge_connector::render_coverage_markdown;

    #[test]
    fn declaration_has_no_duplicates() {
        assert!(
            coverage().problems().is_empty(),
            "{:?}",
            coverage().problems()
        );
    }

    #[test]
    fn declares_exactly_the_seed_models_actions_and_features() {
        let c = coverage();
        let models: Vec<_> = c.models.iter().map(|m| m.model).collect();
        assert_eq!(
            models,
            [
                Model::Job,
                Model::Candidate,
                Model::ApplicationStage,
                Model::Application,
                Model::ScreeningQuestion,
                Model::JobScreeningQuestion
            ]
        );
        assert!(!c.supports_model(Model::Tag));
        for action in Action::ALL {
            assert!(c.supports_action(action), "{action}");
        }
        for feature in Feature::ALL {
            assert!(c.supports_feature(feature), "{feature}");
        }
        assert_eq!(
            c.action_coverage(Action::CreateApplication)
                .unwrap()
                .input_fields
                .len(),
            19
        );
        assert!(c.declares_input_field(Action::AddCandidateResultLink, "details.attributes.value"));
        assert!(c.declares_field(Model::Job, "post_url"));
        assert!(!c.declares_field(Model::Job, "closed_at"));
    }

    /// The fields of Kombo's eRecruiter coverage page, which must all stay declared.
    const SEED_FIELDS: [(Model, &[&str]); 6] = [
        (
            Model::Job,
            &[
                "id",
                "remote_id",
                "changed_at",
                "remote_deleted_at",
                "name",
                "description",
                "employment_type",
                "status",
                "post_url",
                "experience_level",
                "location",
                "custom_fields",
                "integration_fields",
                "opened_at",
                "remote_created_at",
                "remote_updated_at",
                "remote_data",
            ],
        ),
        (
            Model::Candidate,
            &[
                "id",
                "remote_id",
                "changed_at",
                "remote_deleted_at",
                "first_name",
                "last_name",
                "source",
                "phone_numbers",
                "email_addresses",
                "social_media",
                "location",
                "custom_fields",
                "integration_fields",
                "remote_created_at",
                "remote_updated_at",
                "remote_data",
            ],
        ),
        (
            Model::ApplicationStage,
            &["id", "remote_id", "changed_at", "remote_deleted_at", "name"],
        ),
        (
            Model::Application,
            &[
                "id",
                "remote_id",
                "changed_at",
                "remote_deleted_at",
                "outcome",
                "current_stage_id",
                "job_id",
                "candidate_id",
                "custom_fields",
                "integration_fields",
            ],
        ),
        (
            Model::ScreeningQuestion,
            &[
                "id",
                "remote_id",
                "changed_at",
                "remote_deleted_at",
                "title",
                "description",
                "format",
            ],
        ),
        (
            Model::JobScreeningQuestion,
            &[
                "index",
                "required",
                "precondition_question_id",
                "precondition_options",
                "job_id",
                "question_id",
                "id",
                "changed_at",
                "remote_deleted_at",
            ],
        ),
    ];

    #[test]
    fn every_seed_field_stays_declared_and_extras_say_so() {
        let c = coverage();
        for (model, seed) in SEED_FIELDS {
            let declared = c.model_coverage(model).unwrap();
            for field in seed {
                assert!(declared.declares_field(field), "{model}.{field}");
            }
            // Fields beyond the seed are marked as such on the page.
            for field in &declared.fields {
                if !seed.contains(&field.name.as_str()) {
                    assert!(
                        field
                            .notes
                            .as_deref()
                            .is_some_and(|n| n.starts_with(BEYOND_KOMBO)),
                        "{model}.{} is not in the seed and has no note saying so",
                        field.name
                    );
                }
            }
        }
        let always_empty: Vec<String> = c
            .models
            .iter()
            .flat_map(|m| {
                m.fields
                    .iter()
                    .filter(|f| f.is_always_empty())
                    .map(move |f| format!("{}.{}", m.model, f.name))
            })
            .collect();
        assert_eq!(
            always_empty,
            [
                "application.custom_fields",
                "job_screening_question.precondition_question_id",
                "job_screening_question.precondition_options"
            ]
        );
    }

    #[test]
    fn rendered_page_lists_every_seed_section() {
        let page = render_coverage_markdown(&info(), &coverage());
        for heading in [
            "Jobs",
            "Candidates",
            "Application Stages",
            "Applications",
            "Screening questions",
            "Job-specific screening questions",
            "Create candidate",
            "Create application",
            "Add tag to candidate",
            "Remove tag from candidate",
            "Add attachment to application",
            "Add result link to application",
            "Add attachment to candidate",
            "Add result link to candidate",
            "Connection Setup Guide",
            "View Candidate Sources",
        ] {
            assert!(page.contains(heading), "missing {heading}");
        }
        assert!(page.contains("`post_url` is the ad URL of the first publication"));
        assert!(page.contains("| `precondition_options` | Always empty: An eRecruiter"));
        assert!(page.contains("| Sync Only Created Applications |"));
    }
}
