//! `atsbridge integration-fields` and `atsbridge custom-fields`: the provider fields a sync
//! discovered for an integration, and the unified `custom_fields` keys mapped onto them.

use anyhow::{anyhow, bail};
use atsbridge_schema::{Model, Timestamp};
use atsbridge_store::{NewCustomField, Store, StoredCustomField, StoredIntegrationField};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

use crate::commands::{find_integration, open};
use crate::config::ConfigFlags;

/// Rows read per store call while listing.
const PAGE: u32 = 200;

/// The models that have integration fields and custom fields.
const FIELD_MODELS: [Model; 3] = [Model::Job, Model::Candidate, Model::Application];

/// Flags of `atsbridge custom-fields add`.
#[derive(Debug, clap::Args)]
pub struct AddCustomFieldArgs {
    /// Integration id.
    #[arg(long)]
    pub integration: String,
    /// Kombo's model name: `ats_jobs`, `ats_candidates` or `ats_applications`.
    #[arg(long)]
    pub model: String,
    /// The key in the model's `custom_fields`, e.g. `tshirt_size`.
    #[arg(long)]
    pub key: String,
    /// A human-readable label.
    #[arg(long)]
    pub label: Option<String>,
    /// What the key is for.
    #[arg(long)]
    pub description: Option<String>,
}

/// Checks a Kombo model name given on the command line.
fn field_model(name: &str) -> anyhow::Result<String> {
    match Model::from_kombo_name(name) {
        Some(model) if FIELD_MODELS.contains(&model) => Ok(model.kombo_name().to_owned()),
        _ => {
            let known: Vec<&str> = FIELD_MODELS.iter().map(|m| m.kombo_name()).collect();
            bail!("unknown model `{name}`; use one of {}", known.join(", "))
        }
    }
}

/// Every integration field of an integration, page by page.
async fn all_integration_fields(
    store: &dyn Store,
    integration: &atsbridge_store::IntegrationId,
) -> anyhow::Result<Vec<StoredIntegrationField>> {
    let mut all: Vec<StoredIntegrationField> = Vec::new();
    loop {
        let after = all.last().map(|field| field.id.clone());
        let page = store
            .list_integration_fields(integration, after.as_deref(), PAGE)
            .await?;
        let done = page.len() < PAGE as usize;
        all.extend(page);
        if done {
            return Ok(all);
        }
    }
}

/// Every custom field of an integration, page by page.
async fn all_custom_fields(
    store: &dyn Store,
    integration: &atsbridge_store::IntegrationId,
) -> anyhow::Result<Vec<StoredCustomField>> {
    let mut all: Vec<StoredCustomField> = Vec::new();
    loop {
        let after = all.last().map(|field| field.id.clone());
        let page = store
            .list_custom_fields(integration, after.as_deref(), PAGE)
            .await?;
        let done = page.len() < PAGE as usize;
        all.extend(page);
        if done {
            return Ok(all);
        }
    }
}

/// `atsbridge integration-fields list`.
pub async fn list_integration_fields(flags: &ConfigFlags, id: &str) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    let integration = find_integration(store.as_ref(), id).await?;
    let mut fields = all_integration_fields(store.as_ref(), &integration.id).await?;
    fields.sort_by(|a, b| (&a.model, &a.key).cmp(&(&b.model, &b.key)));
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
        "id",
        "model",
        "type",
        "key",
        "label",
        "passthrough",
    ]);
    for field in &fields {
        table.add_row(vec![
            field.id.clone(),
            field.model.clone(),
            field.field_type.as_str().to_owned(),
            field.key.clone(),
            field.label.clone().unwrap_or_default(),
            if field.passthrough_enabled {
                "on"
            } else {
                "off"
            }
            .to_owned(),
        ]);
    }
    println!("{table}");
    if fields.is_empty() {
        eprintln!("no fields yet: a sync records the fields it sees");
    }
    Ok(())
}

/// `atsbridge integration-fields enable|disable`.
pub async fn set_passthrough(
    flags: &ConfigFlags,
    id: &str,
    field_id: &str,
    enabled: bool,
) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    let integration = find_integration(store.as_ref(), id).await?;
    let field = store
        .set_integration_field_passthrough(&integration.id, field_id, enabled)
        .await?
        .ok_or_else(|| {
            anyhow!("integration {id} has no field `{field_id}` (see `integration-fields list`)")
        })?;
    eprintln!(
        "{} {} `{}`: passthrough {}",
        field.model,
        field.field_type.as_str(),
        field.key,
        if enabled { "on" } else { "off" }
    );
    Ok(())
}

/// `atsbridge custom-fields add`.
pub async fn add_custom_field(flags: &ConfigFlags, args: AddCustomFieldArgs) -> anyhow::Result<()> {
    let model = field_model(&args.model)?;
    let (_, store) = open(flags).await?;
    let integration = find_integration(store.as_ref(), &args.integration).await?;
    let field = store
        .define_custom_field(
            &integration.id,
            NewCustomField {
                model,
                key: args.key,
                label: args.label,
                description: args.description,
            },
            Timestamp::from(chrono::Utc::now()),
        )
        .await?;
    println!("{}", field.id);
    Ok(())
}

/// `atsbridge custom-fields list`.
pub async fn list_custom_fields(flags: &ConfigFlags, id: &str) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    let integration = find_integration(store.as_ref(), id).await?;
    let fields = all_custom_fields(store.as_ref(), &integration.id).await?;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
        "id",
        "model",
        "key",
        "label",
        "description",
        "mapped to",
    ]);
    for field in &fields {
        let mapped = field
            .integration_field
            .as_ref()
            .map(|f| format!("{} {} ({})", f.field_type.as_str(), f.key, f.id))
            .unwrap_or_default();
        table.add_row(vec![
            field.id.clone(),
            field.model.clone(),
            field.key.clone(),
            field.label.clone().unwrap_or_default(),
            field.description.clone().unwrap_or_default(),
            mapped,
        ]);
    }
    println!("{table}");
    Ok(())
}

/// `atsbridge custom-fields map`: points a custom field at an integration field, or clears
/// the mapping when `field_id` is `None`.
pub async fn map_custom_field(
    flags: &ConfigFlags,
    id: &str,
    custom_field_id: &str,
    field_id: Option<&str>,
) -> anyhow::Result<()> {
    let (_, store) = open(flags).await?;
    let integration = find_integration(store.as_ref(), id).await?;
    let custom = store
        .map_custom_field(&integration.id, custom_field_id, field_id)
        .await?
        .ok_or_else(|| {
            anyhow!(
                "integration {id} has no custom field `{custom_field_id}` (see `custom-fields list`)"
            )
        })?;
    match custom.integration_field {
        Some(field) => eprintln!(
            "{} `{}` now carries {} `{}`",
            custom.model,
            custom.key,
            field.field_type.as_str(),
            field.key
        ),
        None => eprintln!("{} `{}` is not mapped", custom.model, custom.key),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_models_with_fields_are_accepted() {
        assert_eq!(
            field_model("ats_candidates").ok().as_deref(),
            Some("ats_candidates")
        );
        let error = field_model("ats_tags").err().map(|e| e.to_string());
        assert!(
            error.as_deref().is_some_and(|e| e.contains("ats_jobs")),
            "{error:?}"
        );
        assert!(field_model("candidate").is_err());
    }
}
