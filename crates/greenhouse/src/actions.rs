//! The write actions Harvest v3 supports, each a few requests. The acting user is the token's
//! `sub`: the integration's `user_id`, or a request's
//! `remote_fields.greenhouse.post_headers.On-Behalf-Of` (see `decisions.rs`, point 11).

use atsbridge_connector::{ActionOutcome, AttachmentPayload, ConnectorError, CreatedApplication};
use atsbridge_http::ProviderRequest;
use atsbridge_schema::action::{AddResultLinkRequest, CandidateInput};
use atsbridge_schema::common::JsonObject;
use atsbridge_schema::enums::AttachmentType;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::client::GreenhouseClient;
use crate::{map, wire};

/// The acting user a request names, if any.
pub fn on_behalf_of(remote_fields: Option<&JsonObject>) -> Option<String> {
    let value = remote_fields?
        .get("greenhouse")?
        .get("post_headers")?
        .get("On-Behalf-Of")?;
    match value {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn id_of(remote_id: &str, what: &str) -> Result<u64, ConnectorError> {
    remote_id.trim().parse().map_err(|_| {
        ConnectorError::invalid_input(format!("`{remote_id}` is not a Greenhouse {what} id"))
    })
}

fn decode<T: serde::de::DeserializeOwned>(value: &Value, what: &str) -> Result<T, ConnectorError> {
    serde_json::from_value(value.clone()).map_err(|e| {
        ConnectorError::transport(format!(
            "Greenhouse answered with an unreadable {what}: {e}"
        ))
    })
}

/// `POST /v3/candidates` with the one application Harvest v3 creates alongside, then the
/// attachments on that application.
pub async fn create_candidate_with_application(
    client: &GreenhouseClient,
    candidate: &CandidateInput,
    job_remote_id: &str,
    source_id: Option<u64>,
    attachments: &[AttachmentPayload],
    ignored_answers: usize,
) -> Result<CreatedApplication, ConnectorError> {
    let mut emails = vec![json!({"value": candidate.email_address, "type": "personal"})];
    emails.extend(
        candidate
            .additional_email_addresses
            .iter()
            .map(|e| json!({"value": e.email_address, "type": "other"})),
    );
    let phones: Vec<Value> = candidate
        .phone_number
        .iter()
        .map(|p| json!({"value": p, "type": "mobile"}))
        .collect();
    let body = json!({
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "company": candidate.company,
        "title": candidate.title,
        "email_addresses": emails,
        "phone_numbers": phones,
        "application": {"job_id": id_of(job_remote_id, "job")?, "source_id": source_id},
    });
    let answer = client
        .send_json(ProviderRequest::post("candidates").json(&body))
        .await?;
    let candidate_row = &answer["candidate"];
    let application_row = &answer["application"];
    let created_candidate: wire::Candidate = decode(candidate_row, "candidate")?;
    let created_application: wire::Application = decode(application_row, "application")?;
    let mut warnings = Vec::new();
    if ignored_answers > 0 {
        warnings.push(format!(
            "{ignored_answers} screening answer(s) were not sent: Harvest v3 takes no answers when an application is created"
        ));
    }
    for attachment in attachments {
        upload(client, created_application.id, attachment).await?;
    }
    Ok(CreatedApplication {
        candidate: map::map_candidate(&created_candidate, candidate_row, &Default::default()),
        application: map::map_application(&created_application, application_row),
        related: Vec::new(),
        warnings,
    })
}

/// `POST /v3/attachments` on an application, with the bytes as base64 `content`.
pub async fn upload(
    client: &GreenhouseClient,
    application_id: u64,
    attachment: &AttachmentPayload,
) -> Result<(), ConnectorError> {
    let kind = match attachment.kind {
        AttachmentType::Cv => "resume",
        AttachmentType::CoverLetter => "cover_letter",
        _ => "other",
    };
    let body = json!({
        "application_id": application_id,
        "filename": attachment.name,
        "type": kind,
        "content": STANDARD.encode(&attachment.data),
    });
    client
        .send(ProviderRequest::post("attachments").json(&body))
        .await?;
    Ok(())
}

/// The candidate's most recent application (attachments and notes are anchored on one).
pub async fn latest_application(
    client: &GreenhouseClient,
    candidate_remote_id: &str,
) -> Result<u64, ConnectorError> {
    let candidate = id_of(candidate_remote_id, "candidate")?;
    let rows = client
        .list_all("applications", &[("candidate_ids", candidate.to_string())])
        .await?;
    rows.iter()
        .filter_map(|row| decode::<wire::Application>(row, "application").ok())
        .max_by_key(|application| (application.created_at, application.id))
        .map(|application| application.id)
        .ok_or_else(|| {
            ConnectorError::not_found(format!(
                "candidate {candidate} has no application to attach to"
            ))
        })
}

/// The candidate of an application, read from Greenhouse when the caller does not know it.
pub async fn candidate_of(
    client: &GreenhouseClient,
    application_remote_id: &str,
) -> Result<u64, ConnectorError> {
    let id = id_of(application_remote_id, "application")?;
    let rows = client
        .list_all("applications", &[("ids", id.to_string())])
        .await?;
    rows.first()
        .and_then(|row| row["candidate_id"].as_u64())
        .ok_or_else(|| ConnectorError::not_found(format!("application {id} does not exist")))
}

/// The id of the tag called `name` (exact, case-sensitive), created when `create` is set.
async fn tag_id(
    client: &GreenhouseClient,
    name: &str,
    create: bool,
) -> Result<Option<u64>, ConnectorError> {
    let rows = client.list_all("candidate_tags", &[]).await?;
    if let Some(id) = rows
        .iter()
        .find(|row| row["name"] == name)
        .and_then(|row| row["id"].as_u64())
    {
        return Ok(Some(id));
    }
    if !create {
        return Ok(None);
    }
    let created = client
        .send_json(ProviderRequest::post("candidate_tags").json(&json!({"name": name})))
        .await?;
    Ok(created["id"].as_u64())
}

/// The applied-tag row joining `candidate` and `tag`, if any.
async fn applied(
    client: &GreenhouseClient,
    candidate: u64,
    tag: u64,
) -> Result<Option<u64>, ConnectorError> {
    let rows = client
        .list_all(
            "applied_candidate_tags",
            &[
                ("candidate_ids", candidate.to_string()),
                ("candidate_tag_ids", tag.to_string()),
            ],
        )
        .await?;
    Ok(rows.first().and_then(|row| row["id"].as_u64()))
}

/// Applies the tag (creating it in the dictionary when new); applying it twice is a no-op.
pub async fn add_tag(
    client: &GreenhouseClient,
    candidate_remote_id: &str,
    name: &str,
) -> Result<ActionOutcome, ConnectorError> {
    let candidate = id_of(candidate_remote_id, "candidate")?;
    let tag = tag_id(client, name, true).await?.ok_or_else(|| {
        ConnectorError::transport("Greenhouse created the tag without an id".to_owned())
    })?;
    if applied(client, candidate, tag).await?.is_none() {
        let body = json!({"candidate_id": candidate, "candidate_tag_id": tag});
        client
            .send(ProviderRequest::post("applied_candidate_tags").json(&body))
            .await?;
    }
    refreshed(client, candidate).await
}

/// Removes the tag from this candidate only (never from the dictionary).
pub async fn remove_tag(
    client: &GreenhouseClient,
    candidate_remote_id: &str,
    name: &str,
) -> Result<ActionOutcome, ConnectorError> {
    let candidate = id_of(candidate_remote_id, "candidate")?;
    let Some(tag) = tag_id(client, name, false).await? else {
        return Err(ConnectorError::not_found(format!("no tag called `{name}`")));
    };
    let Some(row) = applied(client, candidate, tag).await? else {
        return Err(ConnectorError::not_found(format!(
            "candidate {candidate} does not have the tag `{name}`"
        )));
    };
    client
        .send(ProviderRequest::delete(format!(
            "applied_candidate_tags/{row}"
        )))
        .await?;
    refreshed(client, candidate).await
}

/// The candidate as Greenhouse has it now, with the tags of the dictionary it carries, so the
/// server can store the change at once.
async fn refreshed(
    client: &GreenhouseClient,
    candidate: u64,
) -> Result<ActionOutcome, ConnectorError> {
    let tags = client.list_all("candidate_tags", &[]).await?;
    let rows = client
        .list_all("candidates", &[("ids", candidate.to_string())])
        .await?;
    let row = rows.first().ok_or_else(|| {
        ConnectorError::not_found(format!("candidate {candidate} does not exist"))
    })?;
    let current: wire::Candidate = decode(row, "candidate")?;
    let mut records = Vec::new();
    let mut ids = std::collections::BTreeMap::new();
    for tag in &tags {
        let tag: wire::Tag = decode(tag, "tag")?;
        if let Some(name) = tag.name.clone().filter(|name| current.tags.contains(name)) {
            ids.insert(name, tag.id.to_string());
            records.push(map::map_tag(&tag).into());
        }
    }
    records.insert(0, map::map_candidate(&current, row, &ids).into());
    Ok(ActionOutcome {
        records,
        warnings: Vec::new(),
    })
}

/// A result link as a `NOTE` on the candidate (and application): label, URL, then one line
/// per attribute.
pub async fn add_result_link(
    client: &GreenhouseClient,
    candidate: u64,
    application: Option<u64>,
    link: &AddResultLinkRequest,
) -> Result<ActionOutcome, ConnectorError> {
    let mut text = format!("{}: {}", link.label, link.url);
    for attribute in link.details.iter().flat_map(|details| &details.attributes) {
        text.push_str(&format!("\n{}: {}", attribute.key, attribute.value));
    }
    let body = json!({
        "candidate_id": candidate,
        "application_id": application,
        "body": text,
        "visibility": "admin_only",
        "note_type": "NOTE",
    });
    client
        .send(ProviderRequest::post("notes").json(&body))
        .await?;
    Ok(ActionOutcome::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_acting_user_comes_from_kombos_post_headers() {
        let fields: JsonObject = serde_json::from_value(
            json!({"greenhouse": {"post_headers": {"On-Behalf-Of": "4080"}}}),
        )
        .unwrap();
        assert_eq!(on_behalf_of(Some(&fields)).as_deref(), Some("4080"));
        let numeric: JsonObject =
            serde_json::from_value(json!({"greenhouse": {"post_headers": {"On-Behalf-Of": 17}}}))
                .unwrap();
        assert_eq!(on_behalf_of(Some(&numeric)).as_deref(), Some("17"));
        assert_eq!(on_behalf_of(None), None);
    }
}
