//! The seed generator: reproducibility and coverage of the generated tenant.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use atsbridge_erecruiter_sandbox::{Sandbox, SandboxConfig, SandboxSeed};
use common::Api;

const SEED: SandboxSeed = SandboxSeed {
    jobs: 30,
    candidates: 120,
    seed: 2024,
};

#[test]
fn same_seed_gives_identical_data_and_other_seed_differs() {
    let first = Sandbox::new(SandboxConfig::default(), SEED)
        .state()
        .dump_json();
    let second = Sandbox::new(SandboxConfig::default(), SEED)
        .state()
        .dump_json();
    assert_eq!(first, second);
    let other = Sandbox::new(SandboxConfig::default(), SandboxSeed { seed: 2025, ..SEED })
        .state()
        .dump_json();
    assert_ne!(first, other);
    assert!(first.len() > 10_000);
}

#[tokio::test]
async fn same_seed_serves_identical_bytes() {
    let one = Api::start_with(SandboxConfig::default(), SEED).await;
    let two = Api::start_with(SandboxConfig::default(), SEED).await;
    let mut paths = vec![
        "/Api/PublishedJobs?channel=&culture=en".to_owned(),
        "/Api/Mandator".to_owned(),
    ];
    for job in one.handle.state().jobs().iter().take(8) {
        paths.push(format!("/Api/Job/{}", job.id));
        paths.push(format!("/Api/Applications/ByJob/{}", job.id));
    }
    for applicant in one.handle.state().applicants().iter().take(15) {
        paths.push(format!("/Api/Applicant/{}", applicant.id));
        paths.push(format!("/Api/Applications/{}?culture=de-AT", applicant.id));
    }
    for path in paths {
        let a = one.call(reqwest::Method::GET, &path, None).await;
        let b = two.call(reqwest::Method::GET, &path, None).await;
        assert_eq!(a.status, b.status, "{path}");
        assert_eq!(a.text, b.text, "{path}");
    }
}

#[test]
fn generated_tenant_covers_scripts_statuses_and_groups() {
    let sandbox = Sandbox::new(SandboxConfig::default(), SEED);
    let state = sandbox.state();
    let applicants = state.applicants();
    assert_eq!(applicants.len(), 120);
    let names: String = applicants
        .iter()
        .map(|a| {
            format!(
                "{} {} ",
                a.first_name.clone().unwrap(),
                a.last_name.clone().unwrap()
            )
        })
        .collect();
    let has = |range: std::ops::RangeInclusive<char>| names.chars().any(|c| range.contains(&c));
    assert!(has('\u{0400}'..='\u{04FF}'), "Cyrillic");
    assert!(has('\u{0370}'..='\u{03FF}'), "Greek");
    assert!(has('\u{0600}'..='\u{06FF}'), "Arabic");
    assert!(has('\u{0590}'..='\u{05FF}'), "Hebrew");
    assert!(has('\u{4E00}'..='\u{9FFF}'), "CJK ideographs");
    assert!(has('\u{AC00}'..='\u{D7AF}'), "Hangul");
    assert!(has('\u{0900}'..='\u{097F}'), "Devanagari");
    assert!(has('\u{00C0}'..='\u{017F}'), "Latin with diacritics");

    for applicant in &applicants {
        if let Some(email) = &applicant.email {
            let domain = email.rsplit('@').next().unwrap();
            assert!(
                ["example.com", "example.org", "example.net"].contains(&domain),
                "{email}"
            );
            assert!(email.is_ascii(), "{email}");
        }
    }
    let emails: Vec<&String> = applicants.iter().filter_map(|a| a.email.as_ref()).collect();
    let unique: BTreeSet<&String> = emails.iter().copied().collect();
    assert_eq!(emails.len(), unique.len(), "seeded e-mails are unique");

    let jobs = state.jobs();
    let statuses: BTreeSet<i32> = jobs.iter().map(|job| job.status).collect();
    assert_eq!(statuses, (0..=4).collect());
    assert!(jobs.iter().any(|job| job.status == 0 && !job.is_published));

    let groups: BTreeSet<i32> = state
        .applications()
        .iter()
        .map(|application| application.workflow_status_group)
        .collect();
    assert_eq!(groups, (0..=6).collect());

    let item_types: BTreeSet<i32> = jobs
        .iter()
        .flat_map(|job| job.questionnaire_item_types.clone())
        .collect();
    assert_eq!(item_types, (0..=22).collect());
}

#[test]
fn tiny_and_empty_seeds_work() {
    let empty = Sandbox::new(
        SandboxConfig::default(),
        SandboxSeed {
            jobs: 0,
            candidates: 0,
            seed: 1,
        },
    );
    assert!(empty.state().jobs().is_empty());
    assert!(empty.state().applications().is_empty());
    let no_jobs = Sandbox::new(
        SandboxConfig::default(),
        SandboxSeed {
            jobs: 0,
            candidates: 5,
            seed: 1,
        },
    );
    assert_eq!(no_jobs.state().applicants().len(), 5);
    assert!(no_jobs.state().applications().is_empty());
}
