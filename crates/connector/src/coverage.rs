//! What a connector declares it supports: models and their fields, actions and their input
//! fields, features, and the capability flags the engine plans a sync with.
//!
//! The declaration is the single source of truth: the [`GuardedConnector`](crate::GuardedConnector)
//! refuses everything it does not list, the coverage page in `docs/connectors/<slug>.md` is
//! rendered from it, and the conformance kit checks the connector behaves as declared.

use std::fmt;

use atsbridge_schema::Model;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A write action of the unified API.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// `POST /ats/candidates`.
    CreateCandidate,
    /// `POST /ats/jobs/{job_id}/applications`.
    CreateApplication,
    /// `POST /ats/candidates/{candidate_id}/tags`.
    AddCandidateTag,
    /// `DELETE /ats/candidates/{candidate_id}/tags`.
    RemoveCandidateTag,
    /// `POST /ats/applications/{application_id}/attachments`.
    AddApplicationAttachment,
    /// `POST /ats/candidates/{candidate_id}/attachments`.
    AddCandidateAttachment,
    /// `POST /ats/applications/{application_id}/result-links`.
    AddApplicationResultLink,
    /// `POST /ats/candidates/{candidate_id}/result-links`.
    AddCandidateResultLink,
}

impl Action {
    /// Every action, in the order coverage pages list them.
    pub const ALL: [Action; 8] = [
        Action::CreateCandidate,
        Action::CreateApplication,
        Action::AddCandidateTag,
        Action::RemoveCandidateTag,
        Action::AddApplicationAttachment,
        Action::AddApplicationResultLink,
        Action::AddCandidateAttachment,
        Action::AddCandidateResultLink,
    ];

    /// The snake_case name (as serialized).
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::CreateCandidate => "create_candidate",
            Action::CreateApplication => "create_application",
            Action::AddCandidateTag => "add_candidate_tag",
            Action::RemoveCandidateTag => "remove_candidate_tag",
            Action::AddApplicationAttachment => "add_application_attachment",
            Action::AddCandidateAttachment => "add_candidate_attachment",
            Action::AddApplicationResultLink => "add_application_result_link",
            Action::AddCandidateResultLink => "add_candidate_result_link",
        }
    }

    /// The human title used on coverage pages, e.g. "Add tag to candidate".
    pub const fn title(self) -> &'static str {
        match self {
            Action::CreateCandidate => "Create candidate",
            Action::CreateApplication => "Create application",
            Action::AddCandidateTag => "Add tag to candidate",
            Action::RemoveCandidateTag => "Remove tag from candidate",
            Action::AddApplicationAttachment => "Add attachment to application",
            Action::AddCandidateAttachment => "Add attachment to candidate",
            Action::AddApplicationResultLink => "Add result link to application",
            Action::AddCandidateResultLink => "Add result link to candidate",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An integration feature beyond plain models and actions.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// Created candidates/applications carry a source (request's or the integration default).
    SourceWriting,
    /// The connector can restrict candidate/application reads to the tracked set.
    SyncOnlyCreatedApplications,
    /// A step-by-step guide to connect an account.
    ConnectionGuide,
    /// Things the customer must prepare at the provider before connecting.
    Prerequisites,
    /// The connector documents which credentials it needs and how to create them.
    CreateCredentials,
    /// Raw requests to the provider's API through `/passthrough`.
    ApiPassthrough,
}

impl Feature {
    /// Every feature, in the order coverage pages list them.
    pub const ALL: [Feature; 6] = [
        Feature::SourceWriting,
        Feature::SyncOnlyCreatedApplications,
        Feature::ConnectionGuide,
        Feature::Prerequisites,
        Feature::CreateCredentials,
        Feature::ApiPassthrough,
    ];

    /// The human title used on coverage pages, e.g. "API Passthrough".
    pub const fn title(self) -> &'static str {
        match self {
            Feature::SourceWriting => "Source Writing",
            Feature::SyncOnlyCreatedApplications => "Sync Only Created Applications",
            Feature::ConnectionGuide => "Connection Guide",
            Feature::Prerequisites => "Prerequisites",
            Feature::CreateCredentials => "Create credentials",
            Feature::ApiPassthrough => "API Passthrough",
        }
    }
}

impl Feature {
    /// The snake_case name (as serialized), e.g. `api_passthrough`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Feature::SourceWriting => "source_writing",
            Feature::SyncOnlyCreatedApplications => "sync_only_created_applications",
            Feature::ConnectionGuide => "connection_guide",
            Feature::Prerequisites => "prerequisites",
            Feature::CreateCredentials => "create_credentials",
            Feature::ApiPassthrough => "api_passthrough",
        }
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

/// The plural title of a model as coverage pages show it, e.g. "Job-specific screening questions".
pub const fn model_title(model: Model) -> &'static str {
    match model {
        Model::Job => "Jobs",
        Model::Candidate => "Candidates",
        Model::Application => "Applications",
        Model::ApplicationStage => "Application Stages",
        Model::Tag => "Tags",
        Model::ScreeningQuestion => "Screening questions",
        Model::JobScreeningQuestion => "Job-specific screening questions",
    }
}

/// One field (a unified model field or an action input path) and what to know about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FieldCoverage {
    /// The field name, or a dotted path for action inputs (`candidate.location.city`).
    pub name: String,
    /// Caveats of this connector for the field (empty when there are none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Set when the field is declared although the provider never has data for it: the
    /// field is served (with its empty value) and this says why it stays empty. The
    /// conformance kit then requires the field to be empty in every fixture record instead
    /// of filled in at least one, so a marker that stops being true is noticed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub always_empty_reason: Option<String>,
}

impl FieldCoverage {
    /// A field without notes.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            notes: None,
            always_empty_reason: None,
        }
    }

    /// A field with a note.
    pub fn with_note(name: impl Into<String>, notes: impl Into<String>) -> Self {
        Self {
            notes: Some(notes.into()),
            ..Self::new(name)
        }
    }

    /// A declared field the provider never fills, with the reason (see
    /// [`always_empty_reason`](Self::always_empty_reason)).
    pub fn always_empty(name: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            always_empty_reason: Some(reason.into()),
            ..Self::new(name)
        }
    }

    /// Whether the field is declared as always empty for this connector.
    pub fn is_always_empty(&self) -> bool {
        self.always_empty_reason.is_some()
    }
}

/// A read model the connector syncs, with the unified fields it fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ModelCoverage {
    /// Which model.
    pub model: Model,
    /// Title on the coverage page (defaults to [`model_title`]).
    pub title: String,
    /// Connector-specific remarks about the model as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The unified fields the connector fills, in page order.
    pub fields: Vec<FieldCoverage>,
}

impl ModelCoverage {
    /// A model with its default title, no notes and no fields yet.
    pub fn new(model: Model) -> Self {
        Self {
            model,
            title: model_title(model).to_owned(),
            notes: None,
            fields: Vec::new(),
        }
    }

    /// Sets the model's note.
    #[must_use]
    pub fn note(mut self, notes: impl Into<String>) -> Self {
        self.notes = Some(notes.into());
        self
    }

    /// Adds fields without notes.
    #[must_use]
    pub fn fields<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.fields
            .extend(names.into_iter().map(FieldCoverage::new));
        self
    }

    /// Adds one field with a note.
    #[must_use]
    pub fn field_with_note(mut self, name: impl Into<String>, notes: impl Into<String>) -> Self {
        self.fields.push(FieldCoverage::with_note(name, notes));
        self
    }

    /// Adds one field the provider never fills, with the reason it stays empty.
    #[must_use]
    pub fn field_always_empty(
        mut self,
        name: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        self.fields.push(FieldCoverage::always_empty(name, reason));
        self
    }

    /// The declaration of the field `name`, if any.
    pub fn field(&self, name: &str) -> Option<&FieldCoverage> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// Whether `name` is among the declared fields.
    pub fn declares_field(&self, name: &str) -> bool {
        self.field(name).is_some()
    }
}

/// A write action the connector performs, with the input fields it honours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ActionCoverage {
    /// Which action.
    pub action: Action,
    /// Title on the coverage page (defaults to [`Action::title`]).
    pub title: String,
    /// Connector-specific remarks, e.g. a fallback behaviour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The request fields the connector passes on to the provider, as dotted paths.
    pub input_fields: Vec<FieldCoverage>,
}

impl ActionCoverage {
    /// An action with its default title, no notes and no input fields yet.
    pub fn new(action: Action) -> Self {
        Self {
            action,
            title: action.title().to_owned(),
            notes: None,
            input_fields: Vec::new(),
        }
    }

    /// Sets the action's note.
    #[must_use]
    pub fn note(mut self, notes: impl Into<String>) -> Self {
        self.notes = Some(notes.into());
        self
    }

    /// Adds input fields without notes.
    #[must_use]
    pub fn input_fields<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.input_fields
            .extend(names.into_iter().map(FieldCoverage::new));
        self
    }

    /// Adds one input field with a note.
    #[must_use]
    pub fn input_field_with_note(
        mut self,
        name: impl Into<String>,
        notes: impl Into<String>,
    ) -> Self {
        self.input_fields
            .push(FieldCoverage::with_note(name, notes));
        self
    }
}

/// A guide shown under "Guides and Resources" on the coverage page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Guide {
    /// Heading, e.g. "Connection Setup Guide".
    pub title: String,
    /// One sentence saying what the guide is for.
    pub summary: String,
    /// The guide itself (Markdown).
    pub body: String,
}

impl Guide {
    /// A guide from its parts.
    pub fn new(
        title: impl Into<String>,
        summary: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            summary: summary.into(),
            body: body.into(),
        }
    }
}

/// A feature the connector offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FeatureCoverage {
    /// Which feature.
    pub feature: Feature,
    /// Connector-specific remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Guide text attached to the feature (connection steps, prerequisites, credentials).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide: Option<Guide>,
}

impl FeatureCoverage {
    /// A feature without notes or guide.
    pub fn new(feature: Feature) -> Self {
        Self {
            feature,
            notes: None,
            guide: None,
        }
    }

    /// Sets the feature's note.
    #[must_use]
    pub fn note(mut self, notes: impl Into<String>) -> Self {
        self.notes = Some(notes.into());
        self
    }

    /// Attaches a guide.
    #[must_use]
    pub fn guide(mut self, guide: Guide) -> Self {
        self.guide = Some(guide);
        self
    }
}

/// How a connector lets the engine notice records deleted at the provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeletionDetection {
    /// Deletions are never detected.
    #[default]
    None,
    /// A full sync enumerates every record, so the engine marks as deleted what was not seen
    /// in a model the connector marked complete.
    FullScanDiff,
    /// The provider reports deletions explicitly (a deleted-records feed).
    Feed,
}

/// Flags the engine plans a sync with. OpenDAL-style: flat, `Copy`, built with
/// `Capabilities { delta_sync: true, ..Default::default() }`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Capabilities {
    /// The connector can fetch only what changed since the previous run's state; without
    /// it, the guard turns delta runs into full runs.
    #[serde(default)]
    pub delta_sync: bool,
    /// How deletions are detected.
    #[serde(default)]
    pub deletion_detection: DeletionDetection,
    /// The connector re-reads the records in [`SyncScope::known_remote_ids`](crate::SyncScope)
    /// one by one (fan-out providers whose lists omit older records); the engine fills that
    /// map only when this is set.
    #[serde(default)]
    pub refresh_known_ids: bool,
    /// Most provider requests the connector keeps in flight per integration (`None`: the
    /// connector decides; the engine shows it and uses it as a hint).
    #[serde(default)]
    pub max_concurrency: Option<u32>,
    /// The provider's access tokens expire while a run may still be going (session tokens,
    /// OAuth): the connector authenticates again when a request is refused. The conformance
    /// kit asks for a token-expiry fixture only when this is set.
    #[serde(default)]
    pub expiring_tokens: bool,
    /// The provider's lists come page by page (cursor, `Link` header or offset). The
    /// conformance kit then asks for a sync fixture that walks more than one page.
    #[serde(default)]
    pub paged_lists: bool,
}

/// Everything a connector declares about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Coverage {
    /// Read models, in page order.
    pub models: Vec<ModelCoverage>,
    /// Write actions, in page order.
    pub actions: Vec<ActionCoverage>,
    /// Features, in page order.
    pub features: Vec<FeatureCoverage>,
    /// Engine-facing flags.
    pub capabilities: Capabilities,
    /// Models the connector syncs only to fill nested objects of declared models (e.g. tag
    /// names for `candidates[].tags`). They are synced and stored, but not served as a list
    /// route of their own and not listed as covered models on the coverage page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supporting_models: Vec<Model>,
}

impl Coverage {
    /// An empty declaration (supports nothing).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a model.
    #[must_use]
    pub fn model(mut self, model: ModelCoverage) -> Self {
        self.models.push(model);
        self
    }

    /// Adds an action.
    #[must_use]
    pub fn action(mut self, action: ActionCoverage) -> Self {
        self.actions.push(action);
        self
    }

    /// Adds a feature.
    #[must_use]
    pub fn feature(mut self, feature: FeatureCoverage) -> Self {
        self.features.push(feature);
        self
    }

    /// Sets the capability flags.
    #[must_use]
    pub fn capabilities(mut self, capabilities: Capabilities) -> Self {
        self.capabilities = capabilities;
        self
    }

    /// The declaration of `model`, if any.
    pub fn model_coverage(&self, model: Model) -> Option<&ModelCoverage> {
        self.models.iter().find(|declared| declared.model == model)
    }

    /// The declaration of `action`, if any.
    pub fn action_coverage(&self, action: Action) -> Option<&ActionCoverage> {
        self.actions
            .iter()
            .find(|declared| declared.action == action)
    }

    /// The declaration of `feature`, if any.
    pub fn feature_coverage(&self, feature: Feature) -> Option<&FeatureCoverage> {
        self.features
            .iter()
            .find(|declared| declared.feature == feature)
    }

    /// Whether the connector syncs `model`.
    pub fn supports_model(&self, model: Model) -> bool {
        self.model_coverage(model).is_some()
    }

    /// Whether a sync may read `model`: a declared model or a supporting one.
    pub fn syncs_model(&self, model: Model) -> bool {
        self.supports_model(model) || self.supporting_models.contains(&model)
    }

    /// Declares `model` as a supporting model (synced for nested objects, not served).
    #[must_use]
    pub fn supporting_model(mut self, model: Model) -> Self {
        if !self.supporting_models.contains(&model) {
            self.supporting_models.push(model);
        }
        self
    }

    /// Whether the connector performs `action`.
    pub fn supports_action(&self, action: Action) -> bool {
        self.action_coverage(action).is_some()
    }

    /// Whether the connector offers `feature`.
    pub fn supports_feature(&self, feature: Feature) -> bool {
        self.feature_coverage(feature).is_some()
    }

    /// Whether the connector fills the unified field `name` of `model`.
    pub fn declares_field(&self, model: Model, name: &str) -> bool {
        self.model_coverage(model)
            .is_some_and(|declared| declared.declares_field(name))
    }

    /// Whether the connector honours the input field `name` (dotted path) of `action`.
    pub fn declares_input_field(&self, action: Action, name: &str) -> bool {
        self.action_coverage(action)
            .is_some_and(|declared| declared.input_fields.iter().any(|field| field.name == name))
    }

    /// Problems that make the declaration inconsistent: a model, action or feature declared
    /// twice, a field listed twice, or a field marked always empty with a blank reason. Empty
    /// when the declaration is sound; the conformance kit and the registry tests assert that.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (index, declared) in self.models.iter().enumerate() {
            if self.models[..index]
                .iter()
                .any(|m| m.model == declared.model)
            {
                problems.push(format!("model `{}` is declared twice", declared.model));
            }
            push_field_problems(&mut problems, declared.model.as_str(), &declared.fields);
        }
        for (index, declared) in self.actions.iter().enumerate() {
            if self.actions[..index]
                .iter()
                .any(|a| a.action == declared.action)
            {
                problems.push(format!("action `{}` is declared twice", declared.action));
            }
            push_field_problems(
                &mut problems,
                declared.action.as_str(),
                &declared.input_fields,
            );
        }
        for (index, declared) in self.features.iter().enumerate() {
            if self.features[..index]
                .iter()
                .any(|f| f.feature == declared.feature)
            {
                problems.push(format!("feature `{}` is declared twice", declared.feature));
            }
        }
        problems
    }
}

fn push_field_problems(problems: &mut Vec<String>, owner: &str, fields: &[FieldCoverage]) {
    for (index, field) in fields.iter().enumerate() {
        if field
            .always_empty_reason
            .as_deref()
            .is_some_and(|reason| reason.trim().is_empty())
        {
            problems.push(format!(
                "`{owner}` marks field `{}` always empty without saying why",
                field.name
            ));
        }
        if fields[..index]
            .iter()
            .any(|earlier| earlier.name == field.name)
        {
            problems.push(format!("`{owner}` lists field `{}` twice", field.name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_names_are_their_serialized_names() {
        for feature in Feature::ALL {
            assert_eq!(
                serde_json::to_value(feature).unwrap(),
                serde_json::Value::from(feature.as_str())
            );
        }
    }

    fn sample() -> Coverage {
        Coverage::new()
            .model(ModelCoverage::new(Model::Job).fields(["id", "remote_id", "name"]))
            .action(ActionCoverage::new(Action::AddCandidateTag).input_fields(["tag.name"]))
            .feature(FeatureCoverage::new(Feature::ApiPassthrough))
    }

    #[test]
    fn lookups_answer_only_for_what_is_declared() {
        let coverage = sample();
        assert!(coverage.supports_model(Model::Job));
        assert!(!coverage.supports_model(Model::Candidate));
        assert!(coverage.supports_action(Action::AddCandidateTag));
        assert!(!coverage.supports_action(Action::RemoveCandidateTag));
        assert!(coverage.supports_feature(Feature::ApiPassthrough));
        assert!(!coverage.supports_feature(Feature::SourceWriting));
        assert!(coverage.declares_field(Model::Job, "name"));
        assert!(!coverage.declares_field(Model::Job, "status"));
        assert!(!coverage.declares_field(Model::Candidate, "name"));
        assert!(coverage.declares_input_field(Action::AddCandidateTag, "tag.name"));
        assert!(!coverage.declares_input_field(Action::CreateCandidate, "tag.name"));
    }

    #[test]
    fn problems_names_duplicates() {
        assert!(sample().problems().is_empty());
        let broken = sample()
            .model(ModelCoverage::new(Model::Job).fields(["title", "title"]))
            .feature(FeatureCoverage::new(Feature::ApiPassthrough));
        assert_eq!(
            broken.problems(),
            vec![
                "model `job` is declared twice".to_owned(),
                "`job` lists field `title` twice".to_owned(),
                "feature `API Passthrough` is declared twice".to_owned(),
            ]
        );
    }

    #[test]
    fn always_empty_fields_are_declared_and_need_a_reason() {
        let coverage = sample().model(
            ModelCoverage::new(Model::JobScreeningQuestion)
                .fields(["index"])
                .field_always_empty("precondition_options", "No conditional questions."),
        );
        assert!(coverage.problems().is_empty());
        assert!(coverage.declares_field(Model::JobScreeningQuestion, "precondition_options"));
        let declared = coverage
            .model_coverage(Model::JobScreeningQuestion)
            .unwrap();
        assert!(
            declared
                .field("precondition_options")
                .unwrap()
                .is_always_empty()
        );
        assert!(!declared.field("index").unwrap().is_always_empty());
        assert!(declared.field("required").is_none());

        let json = serde_json::to_value(&coverage).unwrap();
        let fields = &json["models"][1]["fields"];
        assert!(fields[0].get("always_empty_reason").is_none());
        assert_eq!(
            fields[1]["always_empty_reason"],
            "No conditional questions."
        );
        let back: Coverage = serde_json::from_value(json).unwrap();
        assert_eq!(back, coverage);

        let blank =
            sample().model(ModelCoverage::new(Model::Candidate).field_always_empty("title", "  "));
        assert_eq!(
            blank.problems(),
            vec!["`candidate` marks field `title` always empty without saying why".to_owned()]
        );
    }

    #[test]
    fn serializes_with_snake_case_names() {
        let json = serde_json::to_value(sample()).unwrap();
        assert_eq!(json["models"][0]["model"], "job");
        assert_eq!(json["actions"][0]["action"], "add_candidate_tag");
        assert_eq!(json["features"][0]["feature"], "api_passthrough");
        assert_eq!(json["capabilities"]["deletion_detection"], "none");
        let back: Coverage = serde_json::from_value(json).unwrap();
        assert_eq!(back, sample());
    }

    #[test]
    fn every_action_and_feature_has_a_distinct_title() {
        let mut titles: Vec<&str> = Action::ALL.iter().map(|a| a.title()).collect();
        titles.extend(Feature::ALL.iter().map(|f| f.title()));
        let count = titles.len();
        titles.sort_unstable();
        titles.dedup();
        assert_eq!(titles.len(), count);
    }
}
