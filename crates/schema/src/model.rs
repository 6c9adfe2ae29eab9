//! The seven unified models atsbridge knows.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One of the unified models a connector can produce.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// A job (requisition) candidates can apply to.
    Job,
    /// A person in the ATS.
    Candidate,
    /// A candidate's application to one job.
    Application,
    /// A stage an application can be in.
    ApplicationStage,
    /// A label attached to candidates.
    Tag,
    /// A screening question, independent of the jobs that ask it.
    ScreeningQuestion,
    /// The link between a job and a screening question (order, required, preconditions).
    JobScreeningQuestion,
}

impl Model {
    /// Every model, in a fixed order (parents before the models that refer to them).
    pub const ALL: [Model; 7] = [
        Model::Job,
        Model::Candidate,
        Model::Application,
        Model::ApplicationStage,
        Model::Tag,
        Model::ScreeningQuestion,
        Model::JobScreeningQuestion,
    ];

    /// The snake_case name used in storage keys, id derivation and logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Model::Job => "job",
            Model::Candidate => "candidate",
            Model::Application => "application",
            Model::ApplicationStage => "application_stage",
            Model::Tag => "tag",
            Model::ScreeningQuestion => "screening_question",
            Model::JobScreeningQuestion => "job_screening_question",
        }
    }
}

impl Model {
    /// Kombo's name of the model, as webhooks (`data-changed`), integration fields and
    /// custom fields spell it: `ats_jobs`, `ats_candidates`, `ats_applications`, ...
    pub const fn kombo_name(self) -> &'static str {
        match self {
            Model::Job => "ats_jobs",
            Model::Candidate => "ats_candidates",
            Model::Application => "ats_applications",
            Model::ApplicationStage => "ats_application_stages",
            Model::Tag => "ats_tags",
            Model::ScreeningQuestion => "ats_screening_questions",
            Model::JobScreeningQuestion => "ats_join_jobs_screening_questions",
        }
    }

    /// The model Kombo calls `name` ([`Model::kombo_name`]), if it is one of the seven.
    pub fn from_kombo_name(name: &str) -> Option<Model> {
        Model::ALL
            .into_iter()
            .find(|model| model.kombo_name() == name)
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Returned when a string names no known model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown model `{0}`")]
pub struct UnknownModel(pub String);

impl FromStr for Model {
    type Err = UnknownModel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Model::ALL
            .into_iter()
            .find(|model| model.as_str() == s)
            .ok_or_else(|| UnknownModel(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_from_str_and_serde() {
        for model in Model::ALL {
            assert_eq!(model.as_str().parse::<Model>().unwrap(), model);
            let json = serde_json::to_value(model).unwrap();
            assert_eq!(json, serde_json::Value::String(model.as_str().to_owned()));
        }
        assert!("jobs".parse::<Model>().is_err());
    }

    #[test]
    fn kombo_names_round_trip_and_use_the_spec_spelling() {
        for model in Model::ALL {
            assert_eq!(Model::from_kombo_name(model.kombo_name()), Some(model));
        }
        assert_eq!(Model::Job.kombo_name(), "ats_jobs");
        assert_eq!(Model::Candidate.kombo_name(), "ats_candidates");
        assert_eq!(Model::Application.kombo_name(), "ats_applications");
        assert_eq!(Model::from_kombo_name("job"), None);
    }
}
