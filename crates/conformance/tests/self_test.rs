//! The kit's own tests: every standard check passes on the well-behaved Acme connector and
//! fails on a connector broken in the way the check exists to catch.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use atsbridge_conformance::check::{self, CheckResult, Checked};
use support::acme::{Breakage, kit};

fn assert_fails(result: CheckResult, needle: &str) {
    match result {
        Err(failure) => assert!(
            failure.problems.iter().any(|p| p.contains(needle)),
            "expected a problem mentioning `{needle}`, got {failure}"
        ),
        Ok(checked) => panic!("check should have failed but returned {checked:?}"),
    }
}

#[tokio::test]
async fn every_check_passes_on_the_good_connector() {
    let report = check::run_all(&kit(Breakage::default())).await;
    report.assert_passed();
    for (name, result) in &report.results {
        assert_eq!(
            result.as_ref().unwrap(),
            &Checked::Passed,
            "{name} did not run"
        );
    }
}

#[tokio::test]
async fn credentials_check_catches_a_leaked_secret() {
    let broken = kit(Breakage {
        leaks_secret: true,
        ..Breakage::default()
    });
    assert_fails(
        check::check_credentials(&broken).await,
        "leaks a credential",
    );
}

#[tokio::test]
async fn schema_check_catches_a_skipped_page() {
    let broken = kit(Breakage {
        skip_second_page: true,
        ..Breakage::default()
    });
    assert_fails(
        check::check_full_sync_schema(&broken).await,
        "never requested",
    );
}

#[tokio::test]
async fn id_check_catches_duplicates() {
    let broken = kit(Breakage {
        duplicate_ids: true,
        ..Breakage::default()
    });
    assert_fails(
        check::check_ids_unique_and_stable(&broken).await,
        "pushed twice",
    );
}

#[tokio::test]
async fn field_check_catches_a_field_declared_but_never_filled() {
    let broken = kit(Breakage {
        declares_too_much: true,
        ..Breakage::default()
    });
    assert_fails(
        check::check_field_coverage_honest(&broken).await,
        "candidate.last_name is declared but empty",
    );
}

#[tokio::test]
async fn field_check_accepts_an_empty_field_only_with_the_always_empty_marker() {
    let marked = kit(Breakage {
        marks_always_empty: Some("last_name"),
        ..Breakage::default()
    });
    assert_eq!(
        check::check_field_coverage_honest(&marked).await.unwrap(),
        Checked::Passed
    );
    // The same never-filled field, declared without the marker, fails.
    let unmarked = kit(Breakage {
        declares_too_much: true,
        ..Breakage::default()
    });
    assert_fails(
        check::check_field_coverage_honest(&unmarked).await,
        "candidate.last_name is declared but empty in every fixture record",
    );
}

#[tokio::test]
async fn field_check_catches_an_always_empty_marker_on_a_filled_field() {
    let broken = kit(Breakage {
        marks_always_empty: Some("first_name"),
        ..Breakage::default()
    });
    assert_fails(
        check::check_field_coverage_honest(&broken).await,
        "candidate.first_name is declared always empty but",
    );
}

#[tokio::test]
async fn field_check_catches_an_undeclared_field_that_is_filled() {
    let broken = kit(Breakage {
        declares_too_little: true,
        ..Breakage::default()
    });
    assert_fails(
        check::check_field_coverage_honest(&broken).await,
        "candidate.title is not declared",
    );
}

#[tokio::test]
async fn declared_action_check_catches_an_action_declared_without_support() {
    let broken = kit(Breakage {
        declares_too_much: true,
        ..Breakage::default()
    });
    assert_fails(
        check::check_declared_actions(&broken).await,
        "RemoveCandidateTag",
    );
}

#[tokio::test]
async fn undeclared_action_check_catches_an_action_performed_without_declaring_it() {
    let broken = kit(Breakage {
        declares_too_little: true,
        ..Breakage::default()
    });
    assert_fails(
        check::check_undeclared_actions_refused(&broken).await,
        "RemoveCandidateTag",
    );
}

#[tokio::test]
async fn reauth_check_catches_a_connector_that_gives_up_on_401() {
    let broken = kit(Breakage {
        no_reauth: true,
        ..Breakage::default()
    });
    assert_fails(check::check_reauth_mid_run(&broken).await, "should succeed");
}

#[tokio::test]
async fn rate_limit_check_catches_an_ignored_retry_after() {
    let broken = kit(Breakage {
        ignores_retry_after: true,
        ..Breakage::default()
    });
    assert_fails(
        check::check_rate_limit_honoured(&broken).await,
        "Retry-After: 7",
    );
}

#[tokio::test]
async fn server_error_check_catches_a_connector_that_never_retries() {
    let broken = kit(Breakage {
        no_retry_on_5xx: true,
        ..Breakage::default()
    });
    assert_fails(
        check::check_5xx_retried_then_surfaced(&broken).await,
        "never requested",
    );
}

#[tokio::test]
async fn partial_run_check_catches_models_marked_complete_too_early() {
    let broken = kit(Breakage {
        marks_complete_early: true,
        ..Breakage::default()
    });
    assert_fails(
        check::check_partial_run_incomplete(&broken).await,
        "complete",
    );
}

#[tokio::test]
async fn declared_fields_check_catches_a_name_the_format_does_not_have() {
    let broken = kit(Breakage {
        declares_unknown_field: true,
        ..Breakage::default()
    });
    assert_fails(
        check::check_declared_fields_exist(&broken),
        "declares field `nickname`",
    );
}

#[tokio::test]
async fn delta_check_catches_a_delta_that_marks_a_model_complete() {
    let broken = kit(Breakage {
        delta_marks_complete: true,
        ..Breakage::default()
    });
    assert_fails(check::check_delta_sync(&broken).await, "delta run marked");
}

#[tokio::test]
async fn paging_check_catches_fixtures_that_never_walk_a_second_page() {
    let broken = kit(Breakage {
        single_page_fixtures: true,
        ..Breakage::default()
    });
    assert_fails(
        check::check_paging_walked(&broken).await,
        "walks more than one page",
    );
}

#[tokio::test]
async fn paging_check_catches_a_connector_that_stops_after_one_page() {
    let broken = kit(Breakage {
        skip_second_page: true,
        ..Breakage::default()
    });
    assert_fails(check::check_paging_walked(&broken).await, "never requested");
}

#[tokio::test]
async fn checks_skip_what_the_coverage_does_not_declare() {
    use atsbridge_connector::Coverage;
    let empty = atsbridge_conformance::ConformanceKit::from_builder(Coverage::new(), |_| {
        Err(atsbridge_connector::ConnectorError::config("never built"))
    });
    for result in [
        check::check_full_sync_schema(&empty).await,
        check::check_declared_actions(&empty).await,
        check::check_rate_limit_honoured(&empty).await,
        check::check_partial_run_incomplete(&empty).await,
        check::check_reauth_mid_run(&empty).await,
        check::check_paging_walked(&empty).await,
        check::check_delta_sync(&empty).await,
        check::check_declared_fields_exist(&empty),
    ] {
        assert!(matches!(result, Ok(Checked::Skipped(_))), "{result:?}");
    }
}
