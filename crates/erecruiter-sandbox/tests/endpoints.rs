//! Shapes of every read endpoint: PascalCase members, integer enums, dates, 404s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use common::{Api, is_dotnet_datetime};
use reqwest::{Method, StatusCode};
use serde_json::Value;

fn assert_pascal_case(value: &Value, path: &str) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let lower_ok = matches!(key.as_str(), "type" | "coordinates");
                assert!(
                    lower_ok || key.chars().next().is_some_and(|c| c.is_ascii_uppercase()),
                    "{path}.{key} is not PascalCase"
                );
                assert_pascal_case(child, &format!("{path}.{key}"));
            }
        }
        Value::Array(items) => items.iter().for_each(|item| assert_pascal_case(item, path)),
        _ => {}
    }
}

#[tokio::test]
async fn published_jobs_lists_only_published_jobs_with_referrer_placeholders() {
    let api = Api::start().await;
    let body = api
        .get_ok("/Api/PublishedJobs?channel=&culture=de-AT")
        .await;
    assert_pascal_case(&body, "JobsResponse");
    assert_eq!(body["Culture"], "de-AT");
    assert_eq!(body["JobPublicationType"]["Type"], 0);
    let listed: BTreeSet<i64> = body["Jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|job| job["Id"].as_i64().unwrap())
        .collect();
    let expected: BTreeSet<i64> = api
        .handle
        .state()
        .jobs()
        .iter()
        .filter(|job| job.is_published)
        .map(|job| i64::from(job.id))
        .collect();
    assert_eq!(listed, expected);
    assert!(!listed.is_empty());
    for job in body["Jobs"].as_array().unwrap() {
        let status = job["Status"].as_i64().expect("Status is an integer");
        assert!(status == 0 || status == 3);
        let portal = &job["PublishedOn"][0];
        assert_eq!(portal["Type"], 0);
        assert!(portal["JobAdUrl"].as_str().unwrap().contains("$Referrer$"));
        assert!(is_dotnet_datetime(job["CreationDate"].as_str().unwrap()));
        assert!(job["GeoLocation"]["coordinates"].is_array());
    }
    // A multiposting channel narrows the list.
    let channel = api
        .get_ok("/Api/PublishedJobs?channel=example-job-board&culture=en")
        .await;
    let on_channel = channel["Jobs"].as_array().unwrap();
    assert!(!on_channel.is_empty() && on_channel.len() <= listed.len());
    assert_eq!(channel["JobPublicationType"]["Type"], 2);
    let unknown = api.get_ok("/Api/PublishedJobs?channel=nowhere").await;
    assert_eq!(unknown["Jobs"].as_array().unwrap().len(), 0);
    assert!(unknown["JobPublicationType"].is_null());
}

#[tokio::test]
async fn job_by_id_serves_closed_jobs_and_404s_unknown_ones() {
    let api = Api::start().await;
    let jobs = api.handle.state().jobs();
    let engaged = jobs.iter().find(|job| job.status == 2).unwrap();
    let body = api
        .get_ok(&format!("/Api/Job/{}?culture=en", engaged.id))
        .await;
    assert_eq!(body["Status"], 2);
    assert_eq!(body["PublishedOn"], serde_json::json!([]));
    assert_pascal_case(&body, "JobResponse");

    let english = api
        .get_ok(&format!("/Api/Job/{}?culture=en", jobs[0].id))
        .await;
    let german = api
        .get_ok(&format!("/Api/Job/{}?culture=de-AT", jobs[0].id))
        .await;
    assert_eq!(english["Culture"], "en");
    assert_eq!(german["Culture"], "de-AT");
    assert_ne!(english["Title"], german["Title"]);

    let missing = api.call(Method::GET, "/Api/Job/999999", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.json()["Message"].is_string());
    let bad = api.call(Method::GET, "/Api/Job/abc", None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let unknown_route = api.call(Method::GET, "/Api/Nothing/Here", None).await;
    assert_eq!(unknown_route.status, StatusCode::NOT_FOUND);
    let wrong_method = api.call(Method::DELETE, "/Api/Job/4001", None).await;
    assert_eq!(wrong_method.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn paths_are_case_insensitive() {
    let api = Api::start().await;
    let upper = api.call(Method::GET, "/API/MANDATOR", None).await;
    let lower = api.call(Method::GET, "/api/mandator/", None).await;
    assert_eq!(upper.status, StatusCode::OK);
    assert_eq!(upper.text, lower.text);
}

#[tokio::test]
async fn questionnaire_of_first_job_has_every_item_type() {
    let api = Api::start().await;
    let body = api
        .get_ok("/Api/Questionnaire/ByJob/4001?culture=de-AT")
        .await;
    assert_pascal_case(&body, "QuestionnaireResponse");
    let types: BTreeSet<i64> = body["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["Type"].as_i64().unwrap())
        .collect();
    assert_eq!(types, (0..=22).collect());
    let custom = body["Items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["Type"] == 3 && item["CustomField"]["Type"] == 2)
        .unwrap();
    assert!(custom["CustomField"]["PossibleValues"].is_array());
    assert!(custom["Language"].is_null());
    let without = api
        .handle
        .state()
        .jobs()
        .into_iter()
        .find(|job| job.questionnaire_id.is_none())
        .unwrap();
    let missing = api
        .call(
            Method::GET,
            &format!("/Api/Questionnaire/ByJob/{}", without.id),
            None,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn applications_by_job_lists_open_applications_only() {
    let api = Api::start().await;
    let applications = api.handle.state().applications();
    let mut saw_closed = false;
    for job in api.handle.state().jobs() {
        if job.status == 1 {
            continue;
        }
        let body = api
            .get_ok(&format!("/Api/Applications/ByJob/{}", job.id))
            .await;
        let listed: BTreeSet<i64> = body
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| {
                assert_eq!(entry.as_object().unwrap().len(), 3);
                assert_eq!(entry["JobId"], job.id);
                entry["Id"].as_i64().unwrap()
            })
            .collect();
        let expected: BTreeSet<i64> = applications
            .iter()
            .filter(|a| a.job_id == job.id && a.is_open)
            .map(|a| i64::from(a.id))
            .collect();
        saw_closed |= applications
            .iter()
            .any(|a| a.job_id == job.id && !a.is_open);
        assert_eq!(listed, expected, "job {}", job.id);
    }
    assert!(saw_closed, "the seed should contain closed applications");
}

#[tokio::test]
async fn applications_by_applicant_have_integer_groups_and_localized_status() {
    let api = Api::start().await;
    let application = api.handle.state().applications()[0].clone();
    let german = api
        .get_ok(&format!(
            "/Api/Applications/{}?culture=de-AT",
            application.applicant_id
        ))
        .await;
    let english = api
        .get_ok(&format!(
            "/Api/Applications/{}?culture=en",
            application.applicant_id
        ))
        .await;
    assert_pascal_case(&german, "ApplicationResponse");
    let first = &german[0];
    assert!(first["WorkflowStatusGroup"].is_i64());
    assert!(first["Status"].is_string());
    assert!(first["AvailableActivities"].is_array());
    assert_ne!(german[0]["Status"], english[0]["Status"]);
    let missing = api.call(Method::GET, "/Api/Applications/1", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn applicant_has_read_only_members_first_and_flexdates() {
    let api = Api::start().await;
    let id = api.handle.state().applicants()[0].id;
    let reply = api
        .call(Method::GET, &format!("/Api/Applicant/{id}"), None)
        .await;
    let body = reply.json();
    assert_pascal_case(&body, "ApplicantResponse");
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "Id");
    assert_eq!(keys[13], "ThirdPartyProfiles");
    assert_eq!(keys[14], "DateOfCreation");
    assert_eq!(keys.len(), 14 + 57);
    assert!(body["Gender"].is_i64() && body["GenderIdentity"].is_i64());
    // Across applicants, the begin date is a FlexDate object and BirthDate has no offset.
    let mut saw_flex = false;
    let mut saw_birth = false;
    for applicant in api.handle.state().applicants() {
        let value = api.handle.state().applicant_json(applicant.id).unwrap();
        if let Some(flex) = value["EarliestPossibleBeginDate"].as_object() {
            assert!(flex.contains_key("IsRelativeDate") && flex.contains_key("IsValid"));
            saw_flex = true;
        }
        if let Some(birth) = value["BirthDate"].as_str() {
            assert!(birth.ends_with("T00:00:00"), "{birth}");
            saw_birth = true;
        }
    }
    assert!(saw_flex && saw_birth);
    // The reply body is exactly what the state inspector renders.
    assert_eq!(body, api.handle.state().applicant_json(id).unwrap());
}

#[tokio::test]
async fn applicants_by_email_finds_case_insensitively() {
    let api = Api::start().await;
    let applicant = api
        .handle
        .state()
        .applicants()
        .into_iter()
        .find(|a| a.email.is_some())
        .unwrap();
    let email = applicant.email.unwrap().to_uppercase();
    let body = api
        .get_ok(&format!("/Api/Applicants/ByEmail/{email}"))
        .await;
    assert_eq!(body.as_array().unwrap().len(), 1);
    assert_eq!(body[0]["Id"], applicant.id);
    let none = api
        .get_ok("/Api/Applicants/ByEmail/nobody@example.com")
        .await;
    assert_eq!(none, serde_json::json!([]));
}

#[tokio::test]
async fn mandator_and_policies_have_the_lists_a_connector_needs() {
    let api = Api::start().await;
    let mandator = api.get_ok("/Api/Mandator").await;
    assert_pascal_case(&mandator["Referrers"], "Referrers");
    assert_eq!(mandator["Id"], 1234);
    assert_eq!(mandator["PortalSettings"]["DefaultCulture"], "de-AT");
    assert!(mandator["Referrers"][0]["Name"].is_string());
    assert!(mandator["ApplicantDocumentTypes"].as_array().unwrap().len() > 2);
    assert!(
        mandator["Countries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "Austria")
    );
    assert!(mandator["CustomFields"][0]["Type"].is_i64());
    assert!(mandator["CammioSecret"].is_null());

    let policies = api.get_ok("/Api/Policies?portal=&culture=en").await;
    let ids: Vec<i64> = policies
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [12, 13]);
    assert_eq!(policies[0]["Type"], 0);
    assert!(is_dotnet_datetime(
        policies[0]["CreatedOn"].as_str().unwrap()
    ));

    let with_record = api
        .handle
        .state()
        .applicants()
        .into_iter()
        .find(|a| !api.handle.state().policy_acceptances(a.id).is_empty())
        .unwrap();
    let records = api
        .get_ok(&format!("/Api/Applicant/{}/Policies", with_record.id))
        .await;
    let first = &records[0];
    assert_eq!(first["ApplicantId"], with_record.id);
    assert!(first["IsOutdated"].is_boolean());
    assert!(first["Type"].is_i64());
}

#[tokio::test]
async fn documents_and_custom_fields_read_back() {
    let api = Api::start().await;
    let state = api.handle.state();
    let owner = state
        .applicants()
        .into_iter()
        .find(|a| !state.documents(a.id).is_empty())
        .unwrap();
    let list = api
        .get_ok(&format!("/Api/Applicant/Documents/{}", owner.id))
        .await;
    assert!(
        list[0]["Content"].is_null(),
        "list omits content by default"
    );
    let id = list[0]["Id"].as_i64().unwrap();
    let single = api.get_ok(&format!("/Api/Applicant/Document/{id}")).await;
    assert!(single["Content"].is_string());

    let with_fields = state
        .applicants()
        .into_iter()
        .find(|a| api.handle.state().applicant_json(a.id).is_some() && state.cv(a.id).is_some())
        .unwrap();
    let cv = api
        .get_ok(&format!("/Api/Applicant/Cv/{}", with_fields.id))
        .await;
    assert_eq!(cv["FileExtension"], ".pdf");
    let fields = api
        .get_ok(&format!("/Api/Applicant/CustomFields/{}", with_fields.id))
        .await;
    for field in fields.as_array().unwrap() {
        assert!(field["CustomField"]["Name"].is_string());
        assert!(field["Value"].is_string());
    }
}
