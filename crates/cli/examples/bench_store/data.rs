//! A generated ATS account, shaped like what the eRecruiter connector syncs.
//!
//! Every record is a pure function of `(seed, model, number, version)`, so the update pass
//! and the tracked set can name records without keeping them in memory.

use atsbridge_schema::Timestamp;
use atsbridge_schema::answer::{
    ApplicationScreeningAnswer, SingleSelectAnswer, SingleSelectAnswerEntry,
    SingleSelectAnsweredQuestion, TextAnswer, TextAnswerEntry, TextAnsweredQuestion,
};
use atsbridge_schema::common::{
    EmailAddress, IntegrationField, JsonObject, Location, PhoneNumber, SocialMediaLink,
};
use atsbridge_schema::enums::{
    ApplicationOutcome, EmploymentType, IntegrationFieldType, JobStatus, StageStatus,
};
use atsbridge_schema::format::{QuestionFormat, QuestionOption};
use atsbridge_schema::record::{
    ApplicationRecord, ApplicationStageRecord, CandidateRecord, JobRecord,
    JobScreeningQuestionRecord, ScreeningQuestionRecord, TagRecord, UnifiedRecord,
};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

/// Stages of the workflow (eRecruiter has a fixed set of workflow groups).
pub const STAGES: usize = 7;
/// Distinct tags.
pub const TAGS: usize = 40;
/// Screening questions asked per job (each job has its own questionnaire).
pub const QUESTIONS_PER_JOB: usize = 3;
/// Share of candidates and applications changed by the later update pass, in percent.
pub const UPDATED_PERCENT: u64 = 10;
/// Share of applications in the tracked set ("sync only created applications"), in percent.
pub const TRACKED_PERCENT: u64 = 10;

const FIRST: [&str; 16] = [
    "Anna",
    "Lukas",
    "Sophie",
    "Maximilian",
    "Laura",
    "Jonas",
    "Lena",
    "Felix",
    "Marie",
    "Paul",
    "Julia",
    "Elias",
    "Sarah",
    "David",
    "Hannah",
    "Tobias",
];
const LAST: [&str; 16] = [
    "Gruber", "Huber", "Wagner", "Müller", "Pichler", "Steiner", "Moser", "Mayer", "Hofer",
    "Leitner", "Berger", "Fuchs", "Eder", "Fischer", "Schmid", "Winkler",
];
const CITIES: [(&str, &str); 6] = [
    ("Wien", "1010"),
    ("Graz", "8010"),
    ("Linz", "4020"),
    ("Salzburg", "5020"),
    ("Innsbruck", "6020"),
    ("Klagenfurt", "9020"),
];
const SOURCES: [&str; 5] = [
    "Karriereseite",
    "LinkedIn",
    "karriere.at",
    "Empfehlung",
    "AMS",
];
const STAGE_NAMES: [&str; STAGES] = [
    "Eingang",
    "Vorauswahl",
    "Telefoninterview",
    "Interview",
    "Angebot",
    "Eingestellt",
    "Absage",
];

/// Record counts of an account of about `records` records.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Jobs (one per 500 records, at least 20).
    pub jobs: usize,
    /// Candidates (40 % of the records).
    pub candidates: usize,
}

impl Shape {
    /// Per 1M records: 2k jobs, 7 stages, 6k questions and 6k job questions, 40 tags,
    /// 400k candidates and about 550k applications (1–3 per candidate).
    pub fn for_records(records: usize) -> Self {
        Self {
            jobs: (records / 500).max(20),
            candidates: records * 2 / 5,
        }
    }
}

/// The deterministic generator of one account.
#[derive(Debug, Clone, Copy)]
pub struct Account {
    /// Counts.
    pub shape: Shape,
    seed: u64,
}

/// A splitmix64 stream keyed by (seed, kind, number): cheap, reproducible randomness.
struct Mix(u64);

impl Mix {
    fn new(seed: u64, kind: u64, n: u64) -> Self {
        let mut mix = Mix(seed ^ kind.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ n.rotate_left(17));
        mix.next();
        mix
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const K_CANDIDATE: u64 = 1;
const K_APPS: u64 = 2;
const K_APPLICATION: u64 = 3;
const K_UPDATE: u64 = 4;
const K_TRACK: u64 = 5;
const K_JOB: u64 = 6;

/// Start of the generated history: the first batch is written at this instant.
pub fn epoch() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_735_689_600, 0).unwrap_or_default() // 2025-01-01
}

/// When the update pass writes (after every batch of the initial load).
pub fn update_time() -> DateTime<Utc> {
    epoch() + Duration::days(60)
}

/// The `updated_after` of the filtered measurements: between the load and the update pass.
pub fn updated_after() -> DateTime<Utc> {
    epoch() + Duration::days(59)
}

fn ts(at: DateTime<Utc>) -> Option<Timestamp> {
    Some(Timestamp::from(at))
}

impl Account {
    /// The account of about `records` records.
    pub fn new(records: usize, seed: u64) -> Self {
        Self {
            shape: Shape::for_records(records),
            seed,
        }
    }

    /// Remote id of job `n`.
    pub fn job_id(n: usize) -> String {
        format!("j{n}")
    }

    /// Remote id of application `j` (0..3) of candidate `c`.
    pub fn application_id(c: usize, j: usize) -> String {
        format!("a{}", c * 3 + j)
    }

    /// Applications of candidate `c`: 1 (70 %), 2 (22.5 %) or 3 (7.5 %), 1.375 on average.
    pub fn applications_of(&self, c: usize) -> usize {
        match Mix::new(self.seed, K_APPS, c as u64).below(1000) {
            0..700 => 1,
            700..925 => 2,
            _ => 3,
        }
    }

    /// Whether candidate `c` (or, with `j`, its application `j`) changes in the update pass.
    pub fn is_updated(&self, c: usize, j: Option<usize>) -> bool {
        let n = (c * 4 + j.map_or(0, |j| j + 1)) as u64;
        Mix::new(self.seed, K_UPDATE, n).next() % 100 < UPDATED_PERCENT
    }

    /// Whether application `j` of candidate `c` is in the tracked set.
    pub fn is_tracked(&self, c: usize, j: usize) -> bool {
        Mix::new(self.seed, K_TRACK, (c * 3 + j) as u64).next() % 100 < TRACKED_PERCENT
    }

    /// The job of application `j` of candidate `c` (distinct jobs per candidate).
    pub fn job_of(&self, c: usize, j: usize) -> usize {
        let jobs = self.shape.jobs;
        let first = Mix::new(self.seed, K_APPLICATION, c as u64).below(jobs);
        (first + j * (jobs / 3 + 1)) % jobs
    }

    /// Stages, tags, jobs, screening questions and job screening questions.
    pub fn reference_records(&self) -> Vec<UnifiedRecord> {
        let mut out: Vec<UnifiedRecord> = Vec::new();
        for (index, name) in STAGE_NAMES.iter().enumerate() {
            out.push(
                ApplicationStageRecord {
                    remote_id: format!("s{index}"),
                    name: Some((*name).to_owned()),
                    index: Some(index as i64),
                    status: Some(StageStatus::Active),
                    ..Default::default()
                }
                .into(),
            );
        }
        for n in 0..TAGS {
            out.push(
                TagRecord {
                    remote_id: format!("Tag {n}"),
                    name: Some(format!("Tag {n}")),
                    remote_data: None,
                }
                .into(),
            );
        }
        for n in 0..self.shape.jobs {
            out.push(self.job(n).into());
            for q in 0..QUESTIONS_PER_JOB {
                let question = format!("q{n}-{q}");
                out.push(self.question(&question, q).into());
                out.push(
                    JobScreeningQuestionRecord {
                        remote_id: format!("{}:{question}", Self::job_id(n)),
                        job_remote_id: Self::job_id(n),
                        question_remote_id: question,
                        index: Some(q as i64),
                        required: Some(q == 0),
                        ..Default::default()
                    }
                    .into(),
                );
            }
        }
        out
    }

    fn job(&self, n: usize) -> JobRecord {
        let mut mix = Mix::new(self.seed, K_JOB, n as u64);
        let (city, zip) = CITIES[mix.below(CITIES.len())];
        let created = epoch() - Duration::days(30 + mix.below(700) as i64);
        JobRecord {
            remote_id: Self::job_id(n),
            name: Some(format!(
                "{} (m/w/d) {n}",
                mix.pick(&[
                    "Softwareentwickler",
                    "Buchhalter",
                    "Pflegefachkraft",
                    "Vertriebsmitarbeiter",
                    "Lagerlogistiker",
                ])
            )),
            description: Some(
                "<p>Wir suchen Verstärkung für unser Team. Ihre Aufgaben: Planung, Umsetzung \
                 und Betreuung von Projekten, Abstimmung mit Fachabteilungen, Dokumentation. \
                 Ihr Profil: abgeschlossene Ausbildung, Teamfähigkeit, Deutsch und Englisch. \
                 Wir bieten: flexible Arbeitszeiten, Weiterbildung, ein modernes Büro.</p>"
                    .to_owned(),
            ),
            employment_type: Some(if mix.below(4) == 0 {
                EmploymentType::PartTime
            } else {
                EmploymentType::FullTime
            }),
            status: Some(if mix.below(5) == 0 {
                JobStatus::Closed
            } else {
                JobStatus::Open
            }),
            post_url: Some(format!("https://jobs.example.com/stellen/{n}")),
            experience_level: Some("Berufserfahrung".to_owned()),
            location: Some(Location {
                city: Some(city.to_owned()),
                country: Some("AT".to_owned()),
                zip_code: Some(zip.to_owned()),
                ..Default::default()
            }),
            custom_fields: Some(object(
                json!({"cost_center": format!("KST-{}", n % 97), "headcount": 1 + n % 3}),
            )),
            opened_at: ts(created),
            remote_created_at: ts(created),
            remote_updated_at: ts(created + Duration::days(3)),
            stage_remote_ids: (0..STAGES).map(|s| format!("s{s}")).collect(),
            remote_data: Some(object(
                json!({format!("/Api/Job/{n}"): {"Id": n, "Title": format!("Job {n}"), "Published": true}}),
            )),
            ..Default::default()
        }
    }

    fn question(&self, remote_id: &str, q: usize) -> ScreeningQuestionRecord {
        let format = if q == 1 {
            QuestionFormat::SingleSelect {
                display_type: None,
                options: ["Ja", "Nein", "Teilweise"]
                    .iter()
                    .enumerate()
                    .map(|(i, name)| QuestionOption {
                        remote_id: format!("{remote_id}-o{i}"),
                        name: (*name).to_owned(),
                    })
                    .collect(),
            }
        } else {
            QuestionFormat::Text {
                display_type: None,
                max_length: Some(2000),
            }
        };
        ScreeningQuestionRecord {
            remote_id: remote_id.to_owned(),
            title: Some(match q {
                0 => "Warum möchten Sie bei uns arbeiten?".to_owned(),
                1 => "Haben Sie einen Führerschein?".to_owned(),
                _ => "Gehaltsvorstellung".to_owned(),
            }),
            format: Some(format),
            ..Default::default()
        }
    }

    /// Candidate `c` in `version` 1 (initial load) or 2 (update pass).
    pub fn candidate(&self, c: usize, version: u32) -> CandidateRecord {
        let mut mix = Mix::new(self.seed, K_CANDIDATE, c as u64);
        let first = mix.pick(&FIRST);
        let last = mix.pick(&LAST);
        let (city, zip) = CITIES[mix.below(CITIES.len())];
        let created = epoch() - Duration::minutes(mix.below(1_500_000) as i64);
        let tags: Vec<String> = match mix.below(10) {
            0..7 => Vec::new(),
            7..9 => vec![format!("Tag {}", mix.below(TAGS))],
            _ => vec![
                format!("Tag {}", mix.below(TAGS / 2)),
                format!("Tag {}", TAGS / 2 + mix.below(TAGS / 2)),
            ],
        };
        let phone = format!("+43 660 {:07}", mix.below(10_000_000));
        let email = format!("{first}.{last}.{c}@example.com").to_lowercase();
        CandidateRecord {
            remote_id: format!("c{c}"),
            first_name: Some(first.to_owned()),
            last_name: Some(last.to_owned()),
            source: Some(mix.pick(&SOURCES).to_owned()),
            phone_numbers: vec![PhoneNumber {
                phone_number: phone.clone(),
                r#type: Some(if version > 1 { "HOME" } else { "MOBILE" }.to_owned()),
            }],
            email_addresses: vec![EmailAddress {
                email_address: Some(email.clone()),
                r#type: Some("PRIVATE".to_owned()),
            }],
            social_media: if mix.below(4) == 0 {
                vec![SocialMediaLink {
                    link: Some(format!("https://www.linkedin.com/in/{first}-{last}-{c}")),
                    r#type: Some("LINKEDIN".to_owned()),
                    username: None,
                }]
            } else {
                Vec::new()
            },
            location: Some(Location {
                city: Some(city.to_owned()),
                country: Some("AT".to_owned()),
                zip_code: Some(zip.to_owned()),
                street_1: Some(format!("Hauptstraße {}", 1 + mix.below(200))),
                ..Default::default()
            }),
            custom_fields: Some(object(json!({
                "Gehaltsvorstellung": 35_000 + 1000 * mix.below(40),
                "Fruehester_Eintritt": "2025-04-01",
                "Fuehrerschein": mix.below(2) == 0,
            }))),
            integration_fields: vec![
                IntegrationField {
                    id: "source_detail".to_owned(),
                    key: "source_detail".to_owned(),
                    r#type: IntegrationFieldType::Default,
                    value: Some(json!("Kampagne Frühjahr")),
                    label: Some("Quelle Detail".to_owned()),
                },
                IntegrationField {
                    id: "privacy_policy_accepted".to_owned(),
                    key: "privacy_policy_accepted".to_owned(),
                    r#type: IntegrationFieldType::Default,
                    value: Some(json!(true)),
                    label: Some("Datenschutz akzeptiert".to_owned()),
                },
            ],
            remote_url: Some(format!("https://example.erecruiter.net/Applicant/{c}")),
            remote_created_at: ts(created),
            remote_updated_at: ts(created + Duration::days(i64::from(version))),
            remote_data: Some(object(json!({
                format!("/Api/Applicant/{c}"): {
                    "Id": c,
                    "FirstName": first,
                    "LastName": last,
                    "Email": email,
                    "Phone": phone,
                    "City": city,
                    "PostalCode": zip,
                    "Gender": "Unknown",
                    "Source": "Karriereseite",
                    "Version": version,
                }
            }))),
            tag_remote_ids: tags,
            ..Default::default()
        }
    }

    /// Application `j` of candidate `c` in `version` 1 or 2.
    pub fn application(&self, c: usize, j: usize, version: u32) -> ApplicationRecord {
        let mut mix = Mix::new(self.seed, K_APPLICATION, (c * 3 + j) as u64 + (1 << 40));
        let job = self.job_of(c, j);
        let stage = (mix.below(STAGES - 2) + version as usize - 1).min(STAGES - 1);
        let outcome = match stage {
            5 => ApplicationOutcome::Hired,
            6 => ApplicationOutcome::Declined,
            _ => ApplicationOutcome::Pending,
        };
        let created = epoch() - Duration::minutes(mix.below(500_000) as i64);
        let question = |q: usize| format!("q{job}-{q}");
        ApplicationRecord {
            remote_id: Self::application_id(c, j),
            outcome: Some(outcome),
            job_remote_id: Some(Self::job_id(job)),
            candidate_remote_id: Some(format!("c{c}")),
            current_stage_remote_id: Some(format!("s{stage}")),
            screening_question_answers: vec![
                ApplicationScreeningAnswer::Text(TextAnswerEntry {
                    answer: TextAnswer {
                        content: Some("Weil mich die Aufgaben und das Team interessieren.".into()),
                    },
                    question: TextAnsweredQuestion {
                        remote_id: Some(question(0)),
                        title: "Warum möchten Sie bei uns arbeiten?".into(),
                        ..Default::default()
                    },
                }),
                ApplicationScreeningAnswer::SingleSelect(SingleSelectAnswerEntry {
                    answer: SingleSelectAnswer {
                        choice: Some("Ja".into()),
                    },
                    question: SingleSelectAnsweredQuestion {
                        remote_id: Some(question(1)),
                        title: "Haben Sie einen Führerschein?".into(),
                        ..Default::default()
                    },
                }),
            ],
            custom_fields: Some(JsonObject::new()),
            integration_fields: vec![IntegrationField {
                id: "status_text".to_owned(),
                key: "status_text".to_owned(),
                r#type: IntegrationFieldType::Default,
                value: Some(json!(STAGE_NAMES[stage])),
                label: Some("Status".to_owned()),
            }],
            remote_created_at: ts(created),
            remote_updated_at: ts(created + Duration::days(i64::from(version))),
            remote_data: Some(object(json!({
                format!("/Api/Applications/{c}"): {
                    "Id": c * 3 + j,
                    "JobId": job,
                    "Status": STAGE_NAMES[stage],
                    "Rating": mix.below(5),
                    "Source": "Karriereseite",
                }
            }))),
            ..Default::default()
        }
    }
}

fn object(value: Value) -> JsonObject {
    match value {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    }
}
