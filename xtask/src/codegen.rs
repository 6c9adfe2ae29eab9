//! `cargo xtask codegen [--check]`: every generated file of the repository.
//!
//! Each generator returns the files it owns as `(path, contents)`; [`run`] writes them, or in
//! check mode reports every file that is missing, different or no longer generated. To add a
//! generator (e.g. connector coverage pages), add it to [`generators`].

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// Write the files, or only check that they are up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write every file that differs.
    Write,
    /// Fail when any file differs.
    Check,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// Full contents.
    pub contents: String,
}

/// A generator: the directory whose generated files it owns (stale files there are removed,
/// matching `extension`) and the files it produces.
pub struct Generator {
    /// Name shown in messages.
    pub name: &'static str,
    /// Directory it owns, relative to the workspace root.
    pub directory: &'static str,
    /// Extension of the files it owns in `directory`.
    pub extension: &'static str,
    /// Produces the files.
    pub generate: fn() -> anyhow::Result<Vec<GeneratedFile>>,
}

/// All generators, in order.
pub fn generators() -> Vec<Generator> {
    vec![Generator {
        name: "json-schemas",
        directory: "docs/schemas",
        extension: "json",
        generate: json_schemas,
    }]
}

/// The published JSON Schemas, one file per entry of the schema catalog.
fn json_schemas() -> anyhow::Result<Vec<GeneratedFile>> {
    Ok(atsbridge_schema::catalog::public_schemas()
        .iter()
        .map(|entry| GeneratedFile {
            path: Path::new("docs/schemas").join(format!("{}.json", entry.name)),
            contents: atsbridge_schema::catalog::render(entry),
        })
        .collect())
}

/// Runs every generator against the workspace at `root`.
pub fn run(root: &Path, mode: Mode) -> anyhow::Result<()> {
    let mut stale = Vec::new();
    for generator in generators() {
        let files = (generator.generate)()
            .with_context(|| format!("generator `{}` failed", generator.name))?;
        let wanted: BTreeSet<PathBuf> = files.iter().map(|file| file.path.clone()).collect();
        for file in &files {
            let absolute = root.join(&file.path);
            let current = fs::read_to_string(&absolute).ok();
            if current.as_deref() == Some(file.contents.as_str()) {
                continue;
            }
            match mode {
                Mode::Check => stale.push(file.path.display().to_string()),
                Mode::Write => {
                    if let Some(parent) = absolute.parent() {
                        fs::create_dir_all(parent)
                            .with_context(|| format!("creating {}", parent.display()))?;
                    }
                    fs::write(&absolute, &file.contents)
                        .with_context(|| format!("writing {}", absolute.display()))?;
                    println!("wrote {}", file.path.display());
                }
            }
        }
        for leftover in owned_files(root, &generator)? {
            if wanted.contains(&leftover) {
                continue;
            }
            match mode {
                Mode::Check => stale.push(format!("{} (no longer generated)", leftover.display())),
                Mode::Write => {
                    fs::remove_file(root.join(&leftover))
                        .with_context(|| format!("removing {}", leftover.display()))?;
                    println!("removed {}", leftover.display());
                }
            }
        }
    }
    if !stale.is_empty() {
        bail!(
            "generated files are out of date:\n  {}\nrun `cargo xtask codegen` and commit the result",
            stale.join("\n  ")
        );
    }
    Ok(())
}

/// Files currently in the generator's directory with its extension (relative paths).
fn owned_files(root: &Path, generator: &Generator) -> anyhow::Result<Vec<PathBuf>> {
    let directory = root.join(generator.directory);
    let Ok(entries) = fs::read_dir(&directory) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("listing {}", directory.display()))?
            .path();
        if path.extension().and_then(|ext| ext.to_str()) == Some(generator.extension)
            && let Some(name) = path.file_name()
        {
            files.push(Path::new(generator.directory).join(name));
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_files_are_up_to_date() {
        let root = crate::workspace_root();
        if let Err(error) = run(&root, Mode::Check) {
            panic!("{error:#}");
        }
    }

    #[test]
    fn check_mode_reports_a_stale_file_and_names_the_command() {
        let dir = std::env::temp_dir().join(format!("xtask-codegen-{}", std::process::id()));
        let schemas = dir.join("docs/schemas");
        fs::create_dir_all(&schemas).unwrap();
        fs::write(schemas.join("Obsolete.json"), "{}").unwrap();
        let error = run(&dir, Mode::Check).unwrap_err().to_string();
        assert!(error.contains("cargo xtask codegen"), "{error}");
        assert!(error.contains("Obsolete.json"), "{error}");
        assert!(error.contains("Job.json"), "{error}");
        run(&dir, Mode::Write).unwrap();
        run(&dir, Mode::Check).unwrap();
        assert!(!schemas.join("Obsolete.json").exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
