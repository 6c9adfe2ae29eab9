//! The operator dashboard in Chromium: sign in (a wrong token first), find the integration
//! and its first run, force a sync and watch the new run finish, open the coverage page.

use fantoccini::Locator;

use crate::harness::{Browser, Stack, succeeded};
use crate::update_docs_image;

/// `(run id, status)` of every row of the runs table, newest first.
async fn run_rows(browser: &Browser) -> Option<Vec<(String, String)>> {
    let rows = browser
        .client
        .find_all(Locator::Css("#runs tbody tr"))
        .await
        .ok()?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push((
            row.attr("data-run-id").await.ok()??,
            row.attr("data-status").await.ok()??,
        ));
    }
    Some(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_signs_in_sees_the_integration_and_forces_a_sync() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let stack = Stack::start().await;
    let integration = stack
        .add_sandbox_integration("Acme GmbH (eRecruiter)")
        .await;
    let first = stack.sync_and_wait(&integration).await;
    assert!(succeeded(&first), "{first:?}");

    // Signed out, the dashboard sends the operator to the login form.
    browser.goto(&format!("{}/dashboard", stack.base_url)).await;
    assert_eq!(browser.path().await, "/dashboard/login");
    browser.fill("#token", "not-the-admin-token-at-all").await;
    browser.click_button("Sign in").await;
    assert_eq!(
        browser.text("#login-error").await,
        "That admin token is not valid."
    );
    // The wrong token is not sent back into the form.
    assert_eq!(browser.value("#token").await, "");
    browser.screenshot("dashboard-login-error").await;
    browser.fill("#token", &stack.admin_token).await;
    browser.click_button("Sign in").await;

    // The overview lists the environment, the key's label and the integration.
    browser.find("#integrations").await;
    assert_eq!(browser.path().await, "/dashboard");
    let overview = browser.page_text().await;
    for expected in [
        "Acme HR",
        "careers site",
        integration.id.as_str(),
        "healthy",
    ] {
        assert!(
            overview.contains(expected),
            "missing {expected}:\n{overview}"
        );
    }
    assert!(!overview.contains(&stack.api_key));
    browser.screenshot("dashboard-overview").await;

    // The integration page shows its records and the first run.
    browser.click("#integrations a.strong").await;
    assert_eq!(
        browser.text("#integration-id").await,
        integration.id.as_str()
    );
    let rows = run_rows(&browser).await.unwrap();
    assert_eq!(rows, vec![(first.id.0.to_string(), "succeeded".to_owned())]);
    let counts = browser.text("#record-counts").await;
    assert!(counts.contains("Jobs"), "{counts}");
    browser.find("svg.chart-bars").await;

    // Force a sync: a new run appears and (the page reloads itself) finishes.
    browser.click_button("Force full sync").await;
    browser.wait_for_text("Sync queued").await;
    let rows = browser
        .wait_until("the forced run to succeed", || async {
            let rows = run_rows(&browser).await?;
            (rows.len() == 2 && rows.iter().all(|(_, status)| status == "succeeded"))
                .then_some(rows)
        })
        .await;
    let newest: i64 = rows[0].0.parse().unwrap();
    assert!(newest > first.id.0, "{rows:?}");
    let stored = stack
        .wait_for_run(&integration, |run| run.id.0 == newest)
        .await;
    assert!(succeeded(&stored), "{stored:?}");
    browser.wait_for_text("succeeded.").await;
    let screenshot = browser.screenshot_full_page("dashboard-integration").await;
    update_docs_image(&screenshot, "dashboard");

    // The connector's coverage page, from the same declaration as docs/connectors.
    browser.click("nav a[href='/dashboard/connectors']").await;
    browser.click("a.card-link").await;
    browser.wait_for_text("Connection Setup Guide").await;
    browser.screenshot("dashboard-connector").await;

    browser.close().await;
    stack.shutdown().await;
}
