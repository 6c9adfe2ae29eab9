//! The deterministic seed: the same [`SandboxSeed`] always yields the same account.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::world::{Application, AppliedTag, Candidate, Job, JobPost, Stage, Tag, World};

/// How large an account to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SandboxSeed {
    /// Jobs (each with one job post and six stages).
    pub jobs: usize,
    /// Candidates (each with one or two applications).
    pub candidates: usize,
    /// Seed of the random choices.
    pub seed: u64,
}

impl Default for SandboxSeed {
    fn default() -> Self {
        SandboxSeed {
            jobs: 6,
            candidates: 20,
            seed: 7,
        }
    }
}

const FIRST_NAMES: [&str; 10] = [
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Leslie",
];
const LAST_NAMES: [&str; 10] = [
    "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman",
    "Lamport",
];
const JOB_NAMES: [&str; 6] = [
    "Backend Engineer",
    "Product Designer",
    "Data Analyst",
    "Office Manager",
    "Site Reliability Engineer",
    "Recruiter",
];
const STAGES: [&str; 6] = [
    "Application Review",
    "Recruiter Screen",
    "Technical Interview",
    "Onsite",
    "Reference Check",
    "Offer",
];
const TAGS: [&str; 4] = ["Referral", "Talent pool", "Relocation", "Silver medalist"];

/// The time every seeded record was created around (long before any test runs).
pub fn seed_epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Fills `world` with the account `seed` describes.
pub fn populate(world: &mut World, seed: SandboxSeed) {
    let mut rng = StdRng::seed_from_u64(seed.seed);
    let epoch = seed_epoch();
    for (index, name) in TAGS.iter().enumerate() {
        let id = 9_000 + index as u64;
        world.tags.insert(id, Tag::new(id, name, epoch));
    }
    for j in 0..seed.jobs {
        let job_id = 4_000_000 + j as u64 * 1_000;
        let at = epoch + Duration::hours(j as i64);
        let status = if j % 3 == 2 { "closed" } else { "open" };
        world.jobs.insert(
            job_id,
            Job::new(job_id, JOB_NAMES[j % JOB_NAMES.len()], j, status, at),
        );
        for (s, stage) in STAGES.iter().enumerate() {
            let id = job_id + 1 + s as u64;
            world
                .stages
                .insert(id, Stage::new(id, job_id, stage, s as i64, at));
        }
        let post_id = 7_000_000 + j as u64;
        world.job_posts.insert(
            post_id,
            JobPost::new(
                post_id,
                job_id,
                JOB_NAMES[j % JOB_NAMES.len()],
                questions(post_id),
                at,
            ),
        );
    }
    let job_ids: Vec<u64> = world.jobs.keys().copied().collect();
    let mut application_id = 60_000_000u64;
    for c in 0..seed.candidates {
        let id = 30_000_000 + c as u64;
        let first = FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())];
        let last = LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())];
        let at = epoch + Duration::minutes(c as i64 * 7);
        let mut candidate = Candidate::new(id, first, last, at);
        candidate.email = Some(format!(
            "{}.{}.{c}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        ));
        candidate.phone = Some(format!("+1 555 01{:02}", c % 100));
        candidate.company = (c % 3 == 0).then(|| "Example Corp".to_owned());
        candidate.title = (c % 2 == 0).then(|| "Engineer".to_owned());
        candidate.linkedin =
            (c % 4 == 0).then(|| format!("https://www.linkedin.example/in/cand{c}"));
        if c % 3 == 1 {
            let tag = c % TAGS.len();
            candidate.tags.push(TAGS[tag].to_owned());
            let applied = 80_000_000 + c as u64;
            world.applied_tags.insert(
                applied,
                AppliedTag::new(applied, id, 9_000 + tag as u64, at),
            );
        }
        world.candidates.insert(id, candidate);
        if job_ids.is_empty() {
            continue;
        }
        for _ in 0..rng.gen_range(1..=2) {
            let job_id = job_ids[rng.gen_range(0..job_ids.len())];
            let stage = job_id + 1 + rng.gen_range(0..STAGES.len()) as u64;
            let mut application = Application::new(application_id, id, job_id, stage, at);
            match rng.gen_range(0..10) {
                0 | 1 => application.reject(at + Duration::days(3)),
                2 => application.status = "hired".to_owned(),
                _ => {}
            }
            application.stage_name = world.stages.get(&stage).map(|s| s.name.clone());
            world.applications.insert(application_id, application);
            application_id += 1;
        }
    }
}

/// The questions of a job post: the default ones Greenhouse adds (no id) and custom ones.
fn questions(post_id: u64) -> Vec<Value> {
    let base = post_id * 10;
    vec![
        json!({"id": null, "label": "First Name", "name": "first_name", "description": null,
               "required": true, "private": false, "answer_type": "short_text", "options": []}),
        json!({"id": base + 1, "label": "Why do you want to join us?", "name": format!("question_{}", base + 1),
               "description": "A few sentences are enough.", "required": true, "private": false,
               "answer_type": "long_text", "options": []}),
        json!({"id": base + 2, "label": "Are you authorised to work in the EU?", "name": format!("question_{}", base + 2),
               "description": null, "required": true, "private": false, "answer_type": "boolean", "options": []}),
        json!({"id": base + 3, "label": "Preferred office", "name": format!("question_{}", base + 3),
               "description": null, "required": false, "private": false, "answer_type": "single_select",
               "options": [{"id": base * 10 + 1, "label": "Berlin"}, {"id": base * 10 + 2, "label": "Remote"}]}),
        json!({"id": base + 4, "label": "Portfolio", "name": format!("question_{}", base + 4),
               "description": null, "required": false, "private": false, "answer_type": "attachment", "options": []}),
    ]
}
