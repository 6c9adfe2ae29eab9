//! insta settings for conformance snapshots: sorted maps, the replay URI replaced by
//! `[SERVER]`, volatile values redacted, and the fixture's docs as snapshot info.

use crate::scenario::ScenarioRun;

/// Settings to bind around `insta::assert_json_snapshot!(run.fixture.scenario.as_str(),
/// run.snapshot())` in a connector's `tests/conformance.rs`.
pub fn snapshot_settings(run: &ScenarioRun) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_sort_maps(true);
    settings.set_prepend_module_to_snapshot(true);
    settings.set_omit_expression(true);
    settings.set_description(format!(
        "{} ({}): {}",
        run.fixture.scenario,
        run.fixture.input.label(),
        run.fixture.docs
    ));
    settings.add_filter(&regex::escape(&run.server_uri), "[SERVER]");
    settings.add_filter(r"127\.0\.0\.1:\d+", "[SERVER]");
    settings.add_redaction(".**.sdk_version", "[sdk_version]");
    settings.add_redaction(".**.fetched_at", "[timestamp]");
    settings
}
