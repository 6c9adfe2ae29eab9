//! `cargo xtask spec-facts --spec <path>`: extracts keys, requiredness, nullability, types and
//! enum values of the seed endpoints from Kombo's OpenAPI document into
//! `crates/schema/spec/kombo-spec-facts.json` (no descriptions are copied).

use std::fs;
use std::path::Path;

use anyhow::{Context, bail};

use crate::codegen::Mode;

/// Where the facts file lives, relative to the workspace root.
pub const FACTS_PATH: &str = "crates/schema/spec/kombo-spec-facts.json";

/// Extracts the facts from `spec` and writes (or checks) the facts file.
pub fn run(root: &Path, spec: &Path, mode: Mode) -> anyhow::Result<()> {
    let text = fs::read_to_string(spec).with_context(|| format!("reading {}", spec.display()))?;
    let document: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", spec.display()))?;
    let facts = atsbridge_schema::spec_facts::build_facts_file(&document)
        .with_context(|| format!("extracting facts from {}", spec.display()))?;
    let rendered = atsbridge_schema::spec_facts::render_facts_file(&facts);
    let target = root.join(FACTS_PATH);
    let current = fs::read_to_string(&target).ok();
    if current.as_deref() == Some(rendered.as_str()) {
        return Ok(());
    }
    match mode {
        Mode::Check => bail!(
            "{FACTS_PATH} is out of date; run `cargo xtask spec-facts --spec {}`",
            spec.display()
        ),
        Mode::Write => {
            fs::write(&target, rendered)
                .with_context(|| format!("writing {}", target.display()))?;
            println!("wrote {FACTS_PATH}");
            Ok(())
        }
    }
}
