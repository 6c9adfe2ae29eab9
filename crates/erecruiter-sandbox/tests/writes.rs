//! Write endpoints: creates, full-replace updates, business errors, attachments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Api;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn new_applicant_body() -> Value {
    json!({
        "DateOfCreation": "2025-05-01T10:00:00+02:00",
        "FirstName": "Zoë",
        "LastName": "Ångström-Müller",
        "Email": "zoe.angstrom@example.org",
        "Gender": 2,
        "GenderIdentity": 3,
        "Phone": "+43 1 234",
        "City": "Wien",
        "Country": "Austria",
        "IsActive": true,
        "Tags": ["Excellent Fit"],
        "Salary": 55000,
        "SalaryCurrency": "EUR",
        "SalaryPeriod": 1,
        "EarliestPossibleBeginDate": {"Year": 2025, "Month": 9, "Day": 1, "IsRelativeDate": false},
        "Referrer": "atsbridge",
        "PolicyAcceptedAt": "2025-05-01T10:00:00+02:00"
    })
}

async fn create_applicant(api: &Api) -> Value {
    let reply = api
        .call(
            Method::PUT,
            "/Api/Applicant/?sendRegistrationEmail=false&url=",
            Some(new_applicant_body()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()
}

fn open_job(api: &Api) -> i32 {
    api.handle
        .state()
        .jobs()
        .into_iter()
        .find(|job| job.accepts_applications)
        .unwrap()
        .id
}

#[tokio::test]
async fn created_applicant_and_application_are_visible_in_later_reads() {
    let api = Api::start().await;
    let created = create_applicant(&api).await;
    let id = created["Id"].as_i64().unwrap();
    assert!(created["Id"].is_i64());
    assert_eq!(created["FirstName"], "Zoë");
    assert_eq!(created["EarliestPossibleBeginDate"]["IsValid"], true);
    assert_eq!(created["DateOfCreation"], "2025-05-01T10:00:00+02:00");

    let read = api.get_ok(&format!("/Api/Applicant/{id}")).await;
    assert_eq!(read, created);

    let job = open_job(&api);
    let reply = api
        .call(
            Method::PUT,
            "/Api/Application/?sendApplicationEmail=false",
            Some(json!({"JobId": job, "ApplicantId": id, "Referrer": "atsbridge",
                        "ReferrerAdditionalInfo": null, "RefreshApplicationIfItAlreadyExists": false,
                        "CoverLetter": "Hello"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["Errors"], json!([]));
    let application_id = body["ApplicationId"].as_i64().unwrap();

    let by_job = api.get_ok(&format!("/Api/Applications/ByJob/{job}")).await;
    assert!(
        by_job
            .as_array()
            .unwrap()
            .iter()
            .any(|entry| { entry["Id"] == application_id && entry["ApplicantId"] == id })
    );
    let by_applicant = api.get_ok(&format!("/Api/Applications/{id}")).await;
    assert_eq!(by_applicant[0]["Id"], application_id);
    assert_eq!(by_applicant[0]["WorkflowStatusGroup"], 1);
    assert_eq!(by_applicant[0]["Referrer"], "atsbridge");
    let stored = api
        .handle
        .state()
        .applications()
        .into_iter()
        .find(|a| i64::from(a.id) == application_id)
        .unwrap();
    assert_eq!(stored.cover_letter.as_deref(), Some("Hello"));
    let by_referrer = api
        .get_ok("/Api/Applications/ByReferrer/atsbridge?startAt=2000-01-01T00:00:00&endAt=2100-01-01T00:00:00")
        .await;
    assert_eq!(by_referrer[0]["ApplicationId"], application_id);
    assert!(
        by_referrer[0]
            .get("ReferrerAdditionalInformation")
            .is_some()
    );
}

#[tokio::test]
async fn application_business_errors_come_back_in_errors() {
    let api = Api::start().await;
    let applicant = create_applicant(&api).await["Id"].as_i64().unwrap();
    let job = open_job(&api);
    let closed = api
        .handle
        .state()
        .jobs()
        .into_iter()
        .find(|job| job.status == 2)
        .unwrap()
        .id;
    let put = |body: Value| api.call(Method::PUT, "/Api/Application", Some(body));

    let first = put(json!({"JobId": job, "ApplicantId": applicant}))
        .await
        .json();
    let existing = first["ApplicationId"].clone();
    let again = put(json!({"JobId": job, "ApplicantId": applicant}))
        .await
        .json();
    assert_eq!(again, json!({"ApplicationId": existing, "Errors": [0]}));
    let refreshed = put(json!({"JobId": job, "ApplicantId": applicant,
                               "RefreshApplicationIfItAlreadyExists": true}))
    .await
    .json();
    assert_eq!(refreshed, json!({"ApplicationId": existing, "Errors": []}));
    let applicant_id = i32::try_from(applicant).unwrap();
    assert!(
        api.handle
            .state()
            .history(applicant_id)
            .iter()
            .any(|h| h.job_id == Some(job))
    );

    let on_closed = put(json!({"JobId": closed, "ApplicantId": applicant}))
        .await
        .json();
    assert_eq!(on_closed, json!({"ApplicationId": null, "Errors": [1]}));
    let no_job = put(json!({"JobId": 1, "ApplicantId": applicant}))
        .await
        .json();
    assert_eq!(no_job["Errors"], json!([2]));
    let nobody = put(json!({"JobId": 1, "ApplicantId": 2})).await.json();
    assert_eq!(nobody["Errors"], json!([2, 3]));

    let bad_referrer =
        put(json!({"JobId": job, "ApplicantId": 120001, "Referrer": "Nowhere"})).await;
    assert_eq!(bad_referrer.status, StatusCode::BAD_REQUEST);
    assert!(bad_referrer.json()["Message"].is_string());
    let bad_type = put(json!({"JobId": "x"})).await;
    assert_eq!(bad_type.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_type.json()["Message"], "The request is invalid.");
    assert!(bad_type.json()["ModelState"].is_object());
}

#[tokio::test]
async fn applicant_validation_errors_use_model_state() {
    let api = Api::start().await;
    let mut body = new_applicant_body();
    body.as_object_mut().unwrap().remove("LastName");
    let reply = api.call(Method::PUT, "/Api/Applicant", Some(body)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.json()["ModelState"]["parameter.LastName"].is_array());

    let mut body = new_applicant_body();
    body.as_object_mut().unwrap().remove("DateOfCreation");
    let reply = api.call(Method::PUT, "/Api/Applicant", Some(body)).await;
    assert!(reply.json()["ModelState"]["parameter.DateOfCreation"].is_array());

    let mut body = new_applicant_body();
    body["Salary"] = json!(1234.5);
    let reply = api.call(Method::PUT, "/Api/Applicant", Some(body)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);

    let empty = api.call(Method::PUT, "/Api/Applicant", None).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn post_applicant_is_a_full_replace() {
    let api = Api::start().await;
    let created = create_applicant(&api).await;
    let id = created["Id"].as_i64().unwrap();

    // A careful client posts the full object back with edited tags: everything survives.
    let mut full = created.clone();
    full["Tags"] = json!(["Excellent Fit", "Interview scheduled"]);
    let reply = api
        .call(Method::POST, &format!("/Api/Applicant/{id}"), Some(full))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let after = api.get_ok(&format!("/Api/Applicant/{id}")).await;
    assert_eq!(
        after["Tags"],
        json!(["Excellent Fit", "Interview scheduled"])
    );
    assert_eq!(after["Email"], created["Email"]);
    assert_eq!(after["Salary"], 55000);
    let applicant_id = i32::try_from(id).unwrap();
    assert_eq!(
        api.handle.state().tags(applicant_id).unwrap(),
        ["Excellent Fit", "Interview scheduled"]
    );

    // A careless client sends only what it changed: the rest is wiped.
    let partial = json!({"FirstName": "Zoë", "LastName": "Ångström-Müller", "Tags": ["Only tag"]});
    let reply = api
        .call(Method::POST, &format!("/Api/Applicant/{id}"), Some(partial))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let wiped = api.get_ok(&format!("/Api/Applicant/{id}")).await;
    assert_eq!(wiped["Tags"], json!(["Only tag"]));
    assert!(wiped["Email"].is_null());
    assert!(wiped["Salary"].is_null());
    assert!(wiped["EarliestPossibleBeginDate"].is_null());
    assert_eq!(wiped["Gender"], 0);
    assert_eq!(wiped["IsActive"], false);
    assert_eq!(wiped["DateOfCreation"], "0001-01-01T00:00:00");
    assert_eq!(wiped["Id"], id, "read-only members survive");

    let missing = api
        .call(
            Method::POST,
            "/Api/Applicant/1",
            Some(json!({"FirstName": "a", "LastName": "b"})),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn documents_cv_history_policies_and_custom_fields_are_recorded() {
    let api = Api::start().await;
    let id = create_applicant(&api).await["Id"].as_i64().unwrap();
    let applicant = i32::try_from(id).unwrap();

    let document = api
        .call(
            Method::PUT,
            &format!("/Api/Applicant/Document/{id}"),
            Some(
                json!({"Name": "Zeugnis.pdf", "FileExtension": ".pdf", "Type": "Zeugnis",
                        "Content": "JVBERi0xLjQK", "IsPublic": false}),
            ),
        )
        .await;
    assert_eq!(document.status, StatusCode::OK, "{}", document.text);
    let document = document.json();
    assert!(document["Id"].is_i64());
    assert_eq!(document.as_object().unwrap().keys().next().unwrap(), "Id");
    let stored = api.handle.state().documents(applicant);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].content, b"%PDF-1.4\n");
    assert_eq!(stored[0].document_type.as_deref(), Some("Zeugnis"));
    let read = api.get_ok(&format!("/Api/Applicant/{id}")).await;
    assert_eq!(read["DocumentsCount"], 1);

    let bad_type = api
        .call(
            Method::PUT,
            &format!("/Api/Applicant/Document/{id}"),
            Some(
                json!({"Name": "x", "FileExtension": ".pdf", "Type": "Selfie", "Content": "AA=="}),
            ),
        )
        .await;
    assert_eq!(bad_type.status, StatusCode::BAD_REQUEST);
    let bad_base64 = api
        .call(
            Method::PUT,
            &format!("/Api/Applicant/Document/{id}"),
            Some(
                json!({"Name": "x", "FileExtension": ".pdf", "Type": "Zeugnis", "Content": "***"}),
            ),
        )
        .await;
    assert_eq!(bad_base64.status, StatusCode::BAD_REQUEST);

    let cv = api
        .call(
            Method::PUT,
            &format!("/Api/Applicant/Cv/{id}"),
            Some(json!({"FileExtension": ".pdf", "Content": "JVBERi0xLjQK"})),
        )
        .await;
    assert_eq!(
        cv.json(),
        json!({"FileExtension": ".pdf", "Content": "JVBERi0xLjQK"})
    );
    assert_eq!(
        api.handle.state().cv(applicant).unwrap().content,
        b"%PDF-1.4\n"
    );
    assert_eq!(
        api.get_ok(&format!("/Api/Applicant/{id}")).await["HasCv"],
        true
    );

    let entry = json!({"JobId": 4001, "Subject": "Assessment result",
                       "Body": "Score 87% - https://example.com/r/abc", "Type": 0, "CreatedBy": "atsbridge"});
    let history = api
        .call(
            Method::PUT,
            &format!("/Api/Applicant/History/{id}"),
            Some(entry.clone()),
        )
        .await;
    assert_eq!(history.json(), entry);
    let recorded = api.handle.state().history(applicant);
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].subject.as_deref(), Some("Assessment result"));
    assert_eq!(recorded[0].job_id, Some(4001));

    let policy = api
        .call(
            Method::PUT,
            &format!("/Api/Applicant/{id}/Policies/12"),
            Some(json!({"AcceptedOn": "2025-03-01T09:30:00+01:00", "RevokedOn": null})),
        )
        .await;
    let policy = policy.json();
    assert_eq!(policy["PolicyId"], 12);
    assert_eq!(policy["IsOutdated"], false);
    assert_eq!(policy["AcceptedOn"], "2025-03-01T09:30:00+01:00");
    let listed = api.get_ok(&format!("/Api/Applicant/{id}/Policies")).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let unknown_policy = api
        .call(
            Method::PUT,
            &format!("/Api/Applicant/{id}/Policies/99"),
            Some(json!({})),
        )
        .await;
    assert_eq!(unknown_policy.status, StatusCode::NOT_FOUND);

    let field = api
        .call(
            Method::POST,
            &format!("/Api/Applicant/{id}/CustomField"),
            Some(json!({"CustomField": "Shifts", "Value": null, "Values": ["Night", "Morning"]})),
        )
        .await;
    assert_eq!(field.status, StatusCode::OK, "{}", field.text);
    assert_eq!(field.json()["StringValue"], "Night|Morning");
    let date = api
        .call(
            Method::POST,
            &format!("/Api/Applicant/{id}/CustomField"),
            Some(json!({"CustomField": "AvailableFrom", "Value": "01.09.2025"})),
        )
        .await;
    assert_eq!(date.json()["Value"], "01.09.2025");
    let fields = api
        .get_ok(&format!("/Api/Applicant/CustomFields/{id}"))
        .await;
    assert_eq!(fields.as_array().unwrap().len(), 2);
    let unknown_field = api
        .call(
            Method::POST,
            &format!("/Api/Applicant/{id}/CustomField"),
            Some(json!({"CustomField": "Nope", "Value": "x"})),
        )
        .await;
    assert_eq!(unknown_field.status, StatusCode::BAD_REQUEST);
    let bad_choice = api
        .call(
            Method::POST,
            &format!("/Api/Applicant/{id}/CustomField"),
            Some(json!({"CustomField": "PreferredDepartment", "Value": "Space"})),
        )
        .await;
    assert_eq!(bad_choice.status, StatusCode::BAD_REQUEST);
}
