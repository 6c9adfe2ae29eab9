//! Browser tests: a real headless Chromium (Debian's `chromium` and `chromium-driver`)
//! drives atsbridge's own pages against the eRecruiter sandbox. `harness` starts everything;
//! each module is one flow. Screenshots land in `target/screenshots/`; with
//! `ATSBRIDGE_UPDATE_DOCS_SCREENSHOTS=1` the ones the README shows are also written to
//! `docs/images/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod connect;
mod dashboard;
mod harness;

use std::path::{Path, PathBuf};

/// Copies a screenshot to `docs/images/<name>.png` when the README's images are being
/// refreshed (`ATSBRIDGE_UPDATE_DOCS_SCREENSHOTS=1`).
pub fn update_docs_image(screenshot: &Path, name: &str) {
    if std::env::var_os("ATSBRIDGE_UPDATE_DOCS_SCREENSHOTS").is_none() {
        return;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/images");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(screenshot, dir.join(format!("{name}.png"))).unwrap();
}
