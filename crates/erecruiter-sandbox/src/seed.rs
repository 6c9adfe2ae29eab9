//! The deterministic generator that fills a fresh sandbox tenant.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Duration as ChronoDuration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::catalog::{self, *};
use crate::dto::*;
use crate::names::{LOCALES, Locale, Spelling};
use crate::wire_time::{WireDateTime, vienna_offset};
use crate::world::{
    CustomValue, POLICIES, PolicyRecord, StoredApplicant, StoredApplication, StoredDocument,
    StoredHistory, StoredJob, World, job_status,
};

/// How much data a sandbox starts with, and the seed that makes it reproducible.
///
/// The same seed (and the same mandator id in [`crate::SandboxConfig`]) always produces
/// byte-identical data; every timestamp is relative to a fixed anchor date, not to "now".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SandboxSeed {
    /// Number of jobs (published, internal, draft, filled and cancelled ones).
    pub jobs: usize,
    /// Number of applicants.
    pub candidates: usize,
    /// Seed of the pseudo-random generator.
    pub seed: u64,
}

impl Default for SandboxSeed {
    fn default() -> Self {
        SandboxSeed {
            jobs: 12,
            candidates: 60,
            seed: 42,
        }
    }
}

/// First id of each kind; distinct ranges make id mix-ups visible in tests.
pub(crate) const FIRST_JOB_ID: i32 = 4001;
pub(crate) const FIRST_APPLICANT_ID: i32 = 120_001;
pub(crate) const FIRST_APPLICATION_ID: i32 = 980_001;
pub(crate) const FIRST_DOCUMENT_ID: i32 = 55_001;
const FIRST_QUESTIONNAIRE_ID: i32 = 301;
const FIRST_QUESTIONNAIRE_ITEM_ID: i32 = 1001;

fn anchor() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 2, 8, 0, 0)
        .single()
        .unwrap_or_else(Utc::now)
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn to_i32(value: usize) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// An instant a random number of days from `days_back` (plus a random time of day and tick fraction) before the anchor.
fn instant_before(rng: &mut StdRng, days_back: std::ops::Range<i64>) -> DateTime<Utc> {
    let days_back = rng.gen_range(days_back);
    anchor() - ChronoDuration::days(days_back)
        + ChronoDuration::seconds(rng.gen_range(0..86_400))
        + ChronoDuration::nanoseconds(rng.gen_range(0..10_000_000_i64) * 100)
}

/// Local midnight of the Vienna calendar day containing `at`.
fn local_midnight(at: DateTime<Utc>) -> (WireDateTime, WireDateTime) {
    let local_day = at.with_timezone(&vienna_offset(at)).date_naive();
    let naive = local_day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let unspecified = WireDateTime::Unspecified(naive);
    (WireDateTime::Local(unspecified.to_utc()), unspecified)
}

fn fake_pdf(label: &str) -> String {
    BASE64.encode(format!(
        "%PDF-1.4\n% atsbridge sandbox: {label}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
    ))
}

/// Builds the initial tenant.
pub(crate) fn generate_world(seed: SandboxSeed, mandator_id: i32) -> World {
    let mut rng = StdRng::seed_from_u64(seed.seed);
    let custom_fields = catalog::custom_fields();
    let mandator_body =
        serde_json::to_vec(&catalog::mandator_json(mandator_id)).unwrap_or_default();

    let mut world = World {
        mandator_body,
        custom_fields,
        jobs: BTreeMap::new(),
        applicants: BTreeMap::new(),
        applications: BTreeMap::new(),
        documents: BTreeMap::new(),
        cvs: BTreeMap::new(),
        history: Vec::new(),
        policy_records: BTreeMap::new(),
        next_applicant_id: FIRST_APPLICANT_ID,
        next_application_id: FIRST_APPLICATION_ID,
        next_document_id: FIRST_DOCUMENT_ID,
    };

    let mut item_ids = FIRST_QUESTIONNAIRE_ITEM_ID;
    for index in 0..seed.jobs {
        let job = generate_job(&mut rng, &world, index, mandator_id, &mut item_ids);
        world.jobs.insert(job.id, job);
    }

    let mut emails = BTreeSet::new();
    for index in 0..seed.candidates {
        let applicant = generate_applicant(&mut rng, index, &mut emails);
        let id = applicant.id;
        world.applicants.insert(id, applicant);
        world.next_applicant_id = id + 1;
        seed_attachments(&mut rng, &mut world, id);
    }
    generate_applications(&mut rng, &mut world);
    world
}

fn generate_job(
    rng: &mut StdRng,
    world: &World,
    index: usize,
    mandator_id: i32,
    item_ids: &mut i32,
) -> StoredJob {
    use job_status::*;
    let id = FIRST_JOB_ID + to_i32(index);
    // The first six jobs cover every status so even tiny seeds exercise all paths.
    let (status, published) = match index {
        0 => (OPEN, true),
        1 => (ENGAGED, false),
        2 => (CANCELLED, false),
        3 => (DRAFT, false),
        4 => (OPEN, false),
        5 => (REPOSITIONED, true),
        _ => match rng.gen_range(0..100) {
            0..62 => (OPEN, true),
            62..67 => (REPOSITIONED, true),
            67..75 => (DRAFT, false),
            75..87 => (ENGAGED, false),
            87..95 => (CANCELLED, false),
            _ => (OPEN, false),
        },
    };
    let (title_de, title_en, profile_index, occupation) = *pick(rng, JOB_TITLES);
    let (city, zip, region, country, latitude, longitude) = *pick(rng, JOB_LOCATIONS);
    let (title_before, first, last, title_after, recruiter_gender) = *pick(rng, RECRUITERS);
    let (profile_name, profile_group) = JOB_PROFILES[profile_index % JOB_PROFILES.len()];

    let created = instant_before(rng, 40..500);
    let updated = created
        + ChronoDuration::days(rng.gen_range(0..30))
        + ChronoDuration::seconds(rng.gen_range(0..40_000))
        + ChronoDuration::nanoseconds(rng.gen_range(0..10_000_000_i64) * 100);
    // Every third job carries its online/expiry dates without offset, as values read
    // straight from the database do.
    let offsetless_dates = index % 3 == 2;
    let choose = |pair: (WireDateTime, WireDateTime)| {
        if offsetless_dates { pair.1 } else { pair.0 }
    };
    let online_date = (status != DRAFT).then(|| {
        choose(local_midnight(
            created + ChronoDuration::days(rng.gen_range(1..6)),
        ))
    });
    let expiration_date = match status {
        ENGAGED | CANCELLED => Some(choose(local_midnight(updated))),
        _ if published && rng.gen_bool(0.7) => Some(choose(local_midnight(
            anchor() + ChronoDuration::days(rng.gen_range(60..400)),
        ))),
        _ => None,
    };

    let mut published_on = Vec::new();
    if published {
        let start = online_date.unwrap_or(WireDateTime::Local(created));
        published_on.push(JobPublicationResponse {
            name: "Career portal".into(),
            internal_name: "career-portal".into(),
            partner: None,
            account: None,
            channel: None,
            publication_date: start,
            expiration_date,
            kind: 0,
            job_ad_url: format!("{PORTAL_URL}/Job/{id}?Referrer=$Referrer$"),
            apply_url: format!("{PORTAL_URL}/Apply/{id}?Referrer=$Referrer$"),
        });
        if index == 0 || rng.gen_bool(0.5) {
            published_on.push(JobPublicationResponse {
                name: "Example Job Board".into(),
                internal_name: "example-job-board".into(),
                partner: Some("Example Partner".into()),
                account: Some("sandbox-account".into()),
                channel: Some(17),
                publication_date: WireDateTime::Local(created + ChronoDuration::days(2)),
                expiration_date: None,
                kind: 2,
                job_ad_url: format!("https://jobboard.example.net/ads/{id}?src=$Referrer$"),
                apply_url: format!("https://jobboard.example.net/apply/{id}"),
            });
        }
        if rng.gen_bool(0.3) {
            published_on.push(JobPublicationResponse {
                name: "Intranet".into(),
                internal_name: "intranet".into(),
                partner: None,
                account: None,
                channel: Some(3),
                publication_date: WireDateTime::Local(created + ChronoDuration::days(1)),
                expiration_date,
                kind: 1,
                job_ad_url: format!("https://intranet.example.org/jobs/{id}"),
                apply_url: format!("https://intranet.example.org/jobs/{id}/apply"),
            });
        }
    }

    let with_english = index == 0 || rng.gen_bool(0.6);
    let mut cultures = vec!["de-AT".to_owned()];
    if with_english {
        cultures.push("en".to_owned());
    }
    let has_questionnaire = index == 0 || (status != DRAFT && rng.gen_bool(0.6));
    let questionnaire = has_questionnaire.then(|| {
        generate_questionnaire(
            rng,
            world,
            FIRST_QUESTIONNAIRE_ID + to_i32(index),
            index == 0,
            item_ids,
        )
    });
    let department = *pick(
        rng,
        &["Engineering", "Sales", "Finance", "Operations", "Care"],
    );
    let department_values: BTreeMap<String, CustomValue> = [(
        "Department".to_owned(),
        CustomValue::Text(department.to_owned()),
    )]
    .into();
    let job_custom_fields = world.custom_values_response(&department_values);
    let tags: Vec<String> = match rng.gen_range(0..4) {
        0 => vec!["Remote possible".into()],
        1 => vec!["Urgent".into(), "Dringend".into()],
        _ => Vec::new(),
    };
    let min_salary = f64::from(rng.gen_range(32..60) * 1000);
    let full_name = [title_before, Some(first), Some(last)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
        + &title_after
            .map(|title| format!(", {title}"))
            .unwrap_or_default();
    let street_number = rng.gen_range(1..80).to_string();
    let geo = |street: &str| GeoLocationResponse {
        kind: "Point".into(),
        coordinates: vec![longitude, latitude],
        country: country.into(),
        region: region.into(),
        zip_code: zip.into(),
        street: street.into(),
        street_number: street_number.clone(),
        city: city.into(),
    };
    let step_stone = rng.gen_bool(0.3).then(|| StepStoneChannelSettings {
        header_color: "#003366".into(),
        background_color: "#FFFFFF".into(),
        headers: vec![format!("{PORTAL_URL}/img/header-{id}.png")],
        background: None,
        video: None,
        contact: Some(format!("{first} {last}")),
    });
    let company_picture = rng.gen_bool(0.4);

    let renders = cultures
        .iter()
        .map(|culture| {
            let english = culture == "en";
            let title = if english { title_en } else { title_de };
            let headers: [&str; 4] = if english {
                ["Your tasks", "Your profile", "We offer", "Contact"]
            } else {
                ["Ihre Aufgaben", "Ihr Profil", "Wir bieten", "Kontakt"]
            };
            let blocks = [
                format!("<ul><li>{title}: tägliche Aufgaben</li><li>Teamarbeit</li></ul>"),
                "<ul><li>Abgeschlossene Ausbildung</li><li>Deutsch &amp; Englisch</li></ul>"
                    .to_owned(),
                format!(
                    "<p>Mindestgehalt EUR {min_salary:.0} brutto/Jahr, Überzahlung möglich.</p>"
                ),
                format!("<p>{full_name}, {PORTAL_URL}/Apply/{id}</p>"),
            ];
            JobResponse {
                id,
                mandator_id,
                internal_name: format!("{title_de} - {city}"),
                internal_location: city.into(),
                status,
                latitude: Some(latitude),
                longitude: Some(longitude),
                user_first_name: first.into(),
                user_last_name: last.into(),
                user_title_before_name: title_before.map(str::to_owned),
                user_title_after_name: title_after.map(str::to_owned),
                user_full_name: full_name.clone(),
                user_gender: recruiter_gender,
                user_phone: format!("+43 732 {:06}", 100_000 + id),
                user_email: format!(
                    "{}.{}@example.com",
                    first.to_lowercase(),
                    last.to_lowercase().replace('ı', "i")
                ),
                creation_date: WireDateTime::Local(created),
                update_date: WireDateTime::Local(updated),
                online_date,
                online_date_corrected: online_date.unwrap_or(WireDateTime::Local(created)),
                job_profiles: vec![profile_group.into()],
                extended_job_profiles: vec![JobProfileResponse {
                    name: profile_name.into(),
                    group: profile_group.into(),
                    culture_filter: catalog::CULTURES.iter().map(|c| (*c).to_owned()).collect(),
                }],
                regions: vec![region.into()],
                custom_fields: job_custom_fields.clone(),
                occupation_types: vec![occupation.into()],
                career_levels: vec![(*pick_fixed(CAREER_LEVELS, index)).into()],
                tags: tags.clone(),
                published_on: published_on.clone(),
                available_cultures: cultures.clone(),
                channels: ChannelSettings {
                    step_stone: step_stone.clone(),
                },
                company_picture_content: company_picture.then(|| "iVBORw0KGgo=".to_owned()),
                company_picture_file_extension: company_picture.then(|| ".png".to_owned()),
                culture: culture.clone(),
                html: format!(
                    "<div class=\"job\"><h1>{title}</h1><h2>{}</h2>{}<h2>{}</h2>{}</div>",
                    headers[0], blocks[0], headers[1], blocks[1]
                ),
                title: title.into(),
                sub_title: index.is_multiple_of(2).then(|| profile_name.to_owned()),
                location: city.into(),
                company_description: format!("<p>{MANDATOR_NAME}</p>"),
                block1: blocks[0].clone(),
                block2: blocks[1].clone(),
                block3: blocks[2].clone(),
                block4: blocks[3].clone(),
                header_block1: headers[0].into(),
                header_block2: headers[1].into(),
                header_block3: headers[2].into(),
                header_block4: headers[3].into(),
                template_name: "Default".into(),
                has_questionnaire,
                google_for_jobs: GoogleForJobsResponse {
                    employment_type: Some(match occupation {
                        "Full-time" => 1,
                        "Part-time" => 2,
                        "Internship" => 7,
                        _ => 3,
                    }),
                    telecommute: tags.iter().any(|tag| tag == "Remote possible"),
                    country: country.into(),
                    min_salary: Some(min_salary),
                    max_salary: (!index.is_multiple_of(2)).then_some(min_salary + 10_000.0),
                    salary_unit: "YEAR".into(),
                    content: blocks[0].clone(),
                    currency: "EUR".into(),
                    hiring_organization: MANDATOR_NAME.into(),
                    hiring_organization_logo: format!("{PORTAL_URL}/img/logo.png"),
                    locations: vec![GoogleForJobsLocationResponse {
                        street: "Hauptplatz".into(),
                        house_no: street_number.clone(),
                        zip_code: zip.into(),
                        city: city.into(),
                        state: region.into(),
                        country: country.into(),
                    }],
                },
                expiration_date,
                geo_location: geo("Hauptplatz"),
                company_location: geo("Industriezeile"),
                geo_location_name: city.into(),
                company_location_name: format!("{MANDATOR_NAME}, {city}"),
                social_media: SocialMediaResponse {
                    title: title.into(),
                    description: format!("{title} in {city}"),
                    image: None,
                },
                customer_id: 0,
                customer_name: None,
                user_address: "Industriezeile 1".into(),
                user_zip_code: "4020".into(),
                user_city: "Linz".into(),
                cammio_pitch_hash: None,
                indeed_apply_widget_url: None,
            }
        })
        .collect();
    StoredJob {
        id,
        status,
        published,
        renders,
        questionnaire,
    }
}

fn pick_fixed<T>(items: &[T], index: usize) -> &T {
    &items[index % items.len()]
}

/// Questionnaire item types (0-22) with their title and type-specific member.
fn item_for_type(
    kind: i32,
    world: &World,
    custom_field: Option<&CustomFieldResponse>,
) -> (String, Option<String>, QuestionnaireItemResponse) {
    let mut item = QuestionnaireItemResponse {
        id: 0,
        title: String::new(),
        description: None,
        is_required: false,
        kind,
        custom_field: None,
        language: None,
        knowledge: None,
        knowledge_group: None,
        applicant_document_type: None,
    };
    let (title, description): (&str, Option<&str>) = match kind {
        0 => {
            item.language = Some("English".into());
            ("English skills", Some("Self-assessment"))
        }
        1 => {
            item.knowledge = Some("Rust".into());
            ("Experience with Rust", None)
        }
        2 => ("About you", None),
        3 => {
            let field = custom_field
                .cloned()
                .or_else(|| world.custom_fields.iter().find(|f| f.target == 3).cloned());
            let title = field.as_ref().map(|f| f.title.clone()).unwrap_or_default();
            item.custom_field = field;
            return (title, None, item);
        }
        4 => {
            item.knowledge_group = Some("Programming languages".into());
            ("Programming languages", Some("Rate your skills"))
        }
        5 => ("Willingness to travel abroad", None),
        6 => ("Willingness to travel domestically", None),
        7 => ("Earliest possible start date", None),
        8 => ("Salary expectation", Some("Gross per year")),
        9 => ("Military or civilian service", None),
        10 => ("Are you willing to relocate?", None),
        11 => ("Describe yourself", None),
        12 => ("Describe your ideal job", None),
        13 => ("Further information", None),
        14 => ("Language skills", None),
        15 => ("How did you hear about us?", None),
        16 => ("Areas of interest", None),
        17 => ("Preferred regions", None),
        18 => ("Preferred place of work", None),
        19 => (
            "Employment type",
            Some("Full-time, part-time, internship or freelance"),
        ),
        20 => ("Education", None),
        21 => ("Work experience", None),
        _ => {
            item.applicant_document_type = Some("Zeugnis".into());
            ("Upload your certificates", Some("PDF preferred"))
        }
    };
    (title.to_owned(), description.map(str::to_owned), item)
}

fn generate_questionnaire(
    rng: &mut StdRng,
    world: &World,
    id: i32,
    complete: bool,
    item_ids: &mut i32,
) -> QuestionnaireResponse {
    let applicant_fields: Vec<&CustomFieldResponse> = world
        .custom_fields
        .iter()
        .filter(|field| field.is_public && field.target != 2)
        .collect();
    // (type, custom field) pairs; the complete questionnaire has every type and one
    // CustomField item per public applicant-side field type.
    let mut plan: Vec<(i32, Option<&CustomFieldResponse>)> = Vec::new();
    if complete {
        for kind in 0..=22 {
            if kind == 3 {
                plan.extend(applicant_fields.iter().map(|field| (3, Some(*field))));
            } else {
                plan.push((kind, None));
            }
        }
    } else {
        plan.push((2, None));
        let mut kinds: Vec<i32> = (0..=22).filter(|kind| *kind != 2 && *kind != 3).collect();
        for _ in 0..rng.gen_range(1..5) {
            let kind = kinds.remove(rng.gen_range(0..kinds.len()));
            plan.push((kind, None));
        }
        for _ in 0..rng.gen_range(1..3) {
            plan.push((3, Some(*pick(rng, &applicant_fields))));
        }
    }
    let items = plan
        .into_iter()
        .map(|(kind, field)| {
            let (title, description, mut item) = item_for_type(kind, world, field);
            item.id = *item_ids;
            *item_ids += 1;
            item.title = title;
            item.description = description;
            item.is_required = kind != 2 && kind != 13 && rng.gen_bool(0.5);
            item
        })
        .collect();
    QuestionnaireResponse {
        id,
        name: if complete {
            "Complete screening (all item types)".into()
        } else {
            "Screening questions".into()
        },
        description: "Please answer the following questions.".into(),
        location: if complete { 1 } else { rng.gen_range(0..2) },
        items,
    }
}

fn romanized_email(
    rng: &mut StdRng,
    first: &Spelling,
    last: &Spelling,
    emails: &mut BTreeSet<String>,
) -> String {
    let domain = *pick(rng, &["example.com", "example.org", "example.net"]);
    let local = format!("{}.{}", first.1, last.1).replace(' ', ".");
    let mut candidate = format!("{local}@{domain}");
    let mut suffix = 2;
    while emails.contains(&candidate) {
        candidate = format!("{local}{suffix}@{domain}");
        suffix += 1;
    }
    emails.insert(candidate.clone());
    candidate
}

fn digits(rng: &mut StdRng, count: usize) -> String {
    (0..count)
        .map(|_| char::from(b'0' + rng.gen_range(0..10_u8)))
        .collect()
}

fn flex_date(rng: &mut StdRng) -> Option<FlexDate> {
    match rng.gen_range(0..5) {
        0 => None,
        1 => Some(FlexDate {
            year: None,
            month: Some(rng.gen_range(1..4)),
            day: None,
            is_relative_date: true,
        }),
        2 => Some(FlexDate {
            year: Some(2025),
            month: Some(rng.gen_range(7..13)),
            day: None,
            is_relative_date: false,
        }),
        _ => Some(FlexDate {
            year: Some(2025),
            month: Some(rng.gen_range(7..13)),
            day: Some(1),
            is_relative_date: false,
        }),
    }
}

fn generate_applicant(
    rng: &mut StdRng,
    index: usize,
    emails: &mut BTreeSet<String>,
) -> StoredApplicant {
    let id = FIRST_APPLICANT_ID + to_i32(index);
    let locale: &Locale = if index < LOCALES.len() {
        &LOCALES[index]
    } else if rng.gen_bool(0.45) {
        &LOCALES[rng.gen_range(0..2)]
    } else {
        pick(rng, LOCALES)
    };
    let gender = match rng.gen_range(0..100) {
        0..50 => 2,
        50..95 => 1,
        _ => 0,
    };
    let gender_identity = match rng.gen_range(0..100) {
        0..4 => 3,
        4..5 => 4,
        5..6 => 5,
        _ => gender,
    };
    let female = gender == 2 || (gender == 0 && rng.gen_bool(0.5));
    let first = *pick(
        rng,
        if female {
            locale.female_given
        } else {
            locale.male_given
        },
    );
    let family_index = rng.gen_range(0..locale.male_family.len());
    let last = if female {
        *locale
            .female_family
            .get(family_index)
            .unwrap_or(&locale.male_family[family_index])
    } else {
        locale.male_family[family_index]
    };
    let created = instant_before(rng, 5..900);
    let updated_by_user = created + ChronoDuration::days(rng.gen_range(0..60));
    let updated_by_applicant = if index % 4 == 3 {
        // Imported applicants carry an offset-less value.
        local_midnight(created).1
    } else {
        WireDateTime::Local(created + ChronoDuration::minutes(rng.gen_range(0..600)))
    };
    let (city, zip) = *pick(rng, locale.cities);
    let email = (rng.gen_range(0..100) >= 3).then(|| romanized_email(rng, &first, &last, emails));
    let phone = format!(
        "{} {} {}",
        locale.phone_prefix,
        digits(rng, 3),
        digits(rng, 7)
    );
    let mobile = rng.gen_bool(0.7).then(|| {
        format!(
            "{} 6{} {}",
            locale.phone_prefix,
            digits(rng, 2),
            digits(rng, 7)
        )
    });
    let birth_date = rng.gen_bool(0.85).then(|| {
        let date = NaiveDate::from_ymd_opt(
            rng.gen_range(1962..2005),
            rng.gen_range(1..13),
            rng.gen_range(1..29),
        )
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
        WireDateTime::Unspecified(date)
    });
    let tags = match rng.gen_range(0..100) {
        0..15 => None,
        15..40 => Some(Vec::new()),
        _ => {
            let mut tags: Vec<String> = Vec::new();
            for _ in 0..rng.gen_range(1..4) {
                let tag = (*pick(rng, APPLICANT_TAGS)).to_owned();
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
            Some(tags)
        }
    };
    let (salary, salary_period) = match rng.gen_range(0..10) {
        0..3 => (None, None),
        3..6 => (Some(rng.gen_range(18..60) * 100), Some(0)),
        _ => (Some(rng.gen_range(30..95) * 1000), Some(1)),
    };
    let referrer = rng.gen_bool(0.85).then(|| {
        let (name, ..) = REFERRERS[rng.gen_range(0..REFERRERS.len() - 1)];
        name.to_owned()
    });
    let military = (locale.culture == "de-AT" && gender == 1 && rng.gen_bool(0.6)).then_some(1);
    let english = !locale.culture.starts_with("de");
    let policy_accepted_at = rng
        .gen_bool(0.8)
        .then_some(WireDateTime::Local(created + ChronoDuration::minutes(3)));
    let mut third_party_profiles = Vec::new();
    if rng.gen_bool(0.35) {
        let handle = format!("{}-{}-{}", first.1, last.1, digits(rng, 4)).replace(' ', "-");
        third_party_profiles.push(ThirdPartyProfile {
            third_party: "LinkedIn".into(),
            identifier: digits(rng, 9),
            url: format!("https://www.linkedin.com/in/{handle}"),
        });
    }
    if rng.gen_bool(0.1) {
        third_party_profiles.push(ThirdPartyProfile {
            third_party: "Xing".into(),
            identifier: digits(rng, 8),
            url: format!(
                "https://www.xing.com/profile/{}_{}",
                first.1,
                digits(rng, 4)
            ),
        });
    }
    let mut custom_values = BTreeMap::new();
    if rng.gen_bool(0.5) {
        custom_values.insert(
            "DriversLicence".to_owned(),
            CustomValue::Bool(rng.gen_bool(0.7)),
        );
    }
    if rng.gen_bool(0.3) {
        let date = NaiveDate::from_ymd_opt(2025, rng.gen_range(7..13), 1).unwrap_or_default();
        custom_values.insert("AvailableFrom".to_owned(), CustomValue::Date(date));
    }
    if rng.gen_bool(0.2) {
        custom_values.insert(
            "GitHubProfile".to_owned(),
            CustomValue::Text(format!("https://code.example.org/{}", first.1)),
        );
    }
    if rng.gen_bool(0.3) {
        custom_values.insert(
            "Shifts".to_owned(),
            CustomValue::Choices(vec!["Morning".into(), "Weekend".into()]),
        );
    }
    let parameter = ApplicantParameter {
        date_of_creation: WireDateTime::Local(created),
        global_id: rng.gen_bool(0.3).then(|| 5_000_000_000 + i64::from(id)),
        external_id: rng.gen_bool(0.2).then(|| 7000 + id % 1000),
        first_name: Some(first.0.to_owned()),
        last_name: Some(last.0.to_owned()),
        email,
        gender,
        gender_identity,
        title_before_name: rng.gen_bool(0.1).then(|| "Mag.".to_owned()),
        title_after_name: rng.gen_bool(0.08).then(|| "MSc".to_owned()),
        birth_date,
        street: Some(format!(
            "{} {}",
            pick(rng, locale.streets),
            rng.gen_range(1..150)
        )),
        city: Some(city.to_owned()),
        zip_code: Some(zip.to_owned()),
        country: Some(locale.country.to_owned()),
        citizenship: Some(
            if rng.gen_bool(0.85) {
                locale.country
            } else {
                "Austria"
            }
            .to_owned(),
        ),
        phone: Some(phone),
        mobile_phone: mobile,
        url: rng
            .gen_bool(0.1)
            .then(|| format!("https://{}.example.net", first.1.replace(' ', "-"))),
        is_active: rng.gen_bool(0.95),
        is_locked: false,
        enable_newsletter: rng.gen_bool(0.2),
        enable_matching_jobs_auto_mail: rng.gen_bool(0.1),
        tags,
        job_profiles: rng
            .gen_bool(0.6)
            .then(|| vec![pick(rng, JOB_PROFILES).1.to_owned()]),
        regions: rng.gen_bool(0.4).then(|| vec!["Vienna".to_owned()]),
        career_level: rng
            .gen_bool(0.5)
            .then(|| (*pick(rng, CAREER_LEVELS)).to_owned()),
        location: Some(city.to_owned()),
        salary,
        salary_notes: salary.and_then(|_| rng.gen_bool(0.3).then(|| "Negotiable".to_owned())),
        salary_currency: salary.map(|_| (*pick(rng, SALARY_CURRENCIES)).to_owned()),
        salary_period,
        domestic_travelling: rng
            .gen_bool(0.4)
            .then(|| (*pick(rng, TRAVELLING_TYPES)).to_owned()),
        abroad_travelling: rng
            .gen_bool(0.3)
            .then(|| (*pick(rng, TRAVELLING_TYPES)).to_owned()),
        earliest_possible_begin_date: flex_date(rng),
        phone_time: rng
            .gen_bool(0.3)
            .then(|| (*pick(rng, PHONE_TIMES)).to_owned()),
        military_service: military,
        military_service_start: military.map(|_| FlexDate {
            year: Some(2010),
            month: Some(10),
            day: None,
            is_relative_date: false,
        }),
        military_service_end: military.map(|_| FlexDate {
            year: Some(2011),
            month: Some(3),
            day: None,
            is_relative_date: false,
        }),
        military_service_relief_reason: None,
        is_willing_to_move: rng.gen_bool(0.5).then(|| rng.gen_bool(0.5)),
        is_interested_in_internship: Some(false),
        is_interested_in_fulltime: Some(rng.gen_bool(0.8)),
        is_interested_in_freelancer: None,
        is_interested_in_part_time: Some(rng.gen_bool(0.3)),
        overtime_hours: None,
        part_time_hours: rng.gen_bool(0.1).then_some(20),
        referrer: referrer.clone(),
        referrer_additional_info: referrer.as_ref().and_then(|_| {
            rng.gen_bool(0.2)
                .then(|| format!("campaign-{}", rng.gen_range(1..20)))
        }),
        classification: rng
            .gen_bool(0.3)
            .then(|| (*pick(rng, CLASSIFICATIONS)).to_owned()),
        classification_reason: None,
        important_info: rng
            .gen_bool(0.1)
            .then(|| "Nur Dienstag bis Donnerstag erreichbar".to_owned()),
        self_description: rng
            .gen_bool(0.2)
            .then(|| "Teamplayer, 🚀 motiviert".to_owned()),
        job_description: None,
        culture: Some(if english { "en" } else { "de-AT" }.to_owned()),
        maximum_distance_to_job_location: rng.gen_bool(0.2).then_some(50.0),
        policy_accepted_at,
    };
    StoredApplicant {
        id,
        date_of_update_by_user: WireDateTime::Local(updated_by_user),
        date_of_update_by_applicant: updated_by_applicant,
        has_photo: rng.gen_bool(0.2),
        sub_entity_counts: [
            0,
            rng.gen_range(0..4),
            rng.gen_range(0..3),
            rng.gen_range(0..2),
            rng.gen_range(0..3),
            0,
        ],
        third_party_profiles,
        parameter,
        custom_values,
    }
}

/// CV, documents, history and policy acceptances of a freshly generated applicant.
fn seed_attachments(rng: &mut StdRng, world: &mut World, applicant_id: i32) {
    let Some(applicant) = world.applicants.get(&applicant_id) else {
        return;
    };
    let created = applicant.parameter.date_of_creation;
    let accepted = applicant.parameter.policy_accepted_at;
    if rng.gen_bool(0.6) {
        world.cvs.insert(
            applicant_id,
            ApplicantCv {
                file_extension: Some(".pdf".into()),
                content: Some(fake_pdf(&format!("CV {applicant_id}"))),
            },
        );
    }
    for _ in 0..rng.gen_range(0..3) {
        let id = world.next_document_id;
        world.next_document_id += 1;
        let kind = *pick(
            rng,
            &["Zeugnis", "Anschreiben", "Dienstzeugnis", "Certificate"],
        );
        world.documents.insert(
            id,
            StoredDocument {
                id,
                applicant_id,
                parameter: ApplicantDocumentParameter {
                    name: Some(format!("{kind} {id}.pdf")),
                    file_extension: Some(".pdf".into()),
                    kind: Some(kind.into()),
                    content: Some(fake_pdf(&format!("document {id}"))),
                    is_public: rng.gen_bool(0.3),
                },
            },
        );
    }
    if rng.gen_bool(0.2) {
        world.history.push(StoredHistory {
            applicant_id,
            entry: ApplicantHistory {
                job_id: None,
                subject: Some("Imported".into()),
                body: Some("Imported from the previous applicant database.".into()),
                kind: 1,
                created_by: Some("Import".into()),
            },
            recorded_at: created,
        });
    }
    if let Some(accepted_on) = accepted {
        // Applicants from before the 2024 policy accepted the outdated consent version.
        let current_since = Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).single();
        let policy_id = if current_since.is_some_and(|since| accepted_on.to_utc() >= since) {
            POLICIES[2].0
        } else {
            POLICIES[0].0
        };
        let revoked_on = rng
            .gen_bool(0.1)
            .then(|| WireDateTime::Local(accepted_on.to_utc() + ChronoDuration::days(30)));
        world.policy_records.insert(
            (applicant_id, policy_id),
            PolicyRecord {
                accepted_on: Some(accepted_on),
                revoked_on,
            },
        );
    }
}

fn generate_applications(rng: &mut StdRng, world: &mut World) {
    let eligible: Vec<(i32, bool)> = world
        .jobs
        .values()
        .filter(|job| job.status != job_status::DRAFT)
        .map(|job| (job.id, job.accepts_applications()))
        .collect();
    if eligible.is_empty() {
        return;
    }
    let applicants: Vec<(i32, Option<String>, WireDateTime)> = world
        .applicants
        .values()
        .map(|applicant| {
            (
                applicant.id,
                applicant.parameter.referrer.clone(),
                applicant.parameter.date_of_creation,
            )
        })
        .collect();
    let mut created = 0_usize;
    for (applicant_id, applicant_referrer, since) in applicants {
        let wanted = match rng.gen_range(0..100) {
            0..5 => 0,
            5..60 => 1,
            60..88 => 2,
            _ => 3,
        };
        let mut jobs: Vec<(i32, bool)> = Vec::new();
        for _ in 0..wanted.min(eligible.len()) {
            let candidate = *pick(rng, &eligible);
            if !jobs.contains(&candidate) {
                jobs.push(candidate);
            }
        }
        for (job_id, job_open) in jobs {
            // The first seven applications walk through every workflow status group.
            let group = if created < 7 {
                to_i32(created)
            } else if !job_open {
                if rng.gen_bool(0.7) { 5 } else { 6 }
            } else {
                match rng.gen_range(0..100) {
                    0..3 => 0,
                    3..38 => 1,
                    38..58 => 2,
                    58..70 => 3,
                    70..78 => 4,
                    78..95 => 5,
                    _ => 6,
                }
            };
            let id = world.next_application_id;
            world.next_application_id += 1;
            created += 1;
            let referrer = if rng.gen_bool(0.7) {
                applicant_referrer.clone()
            } else {
                Some(
                    REFERRERS[rng.gen_range(0..REFERRERS.len() - 1)]
                        .0
                        .to_owned(),
                )
            };
            world.applications.insert(
                id,
                StoredApplication {
                    id,
                    applicant_id,
                    job_id,
                    workflow_status_group: group,
                    is_visible_to_applicant: rng.gen_bool(0.85),
                    is_visible_to_contact: group == 3 || group == 4,
                    referrer,
                    referrer_additional_info: rng.gen_bool(0.1).then(|| "newsletter".to_owned()),
                    rating: rng.gen_bool(0.6).then(|| rng.gen_range(1..6)),
                    workflow_last_change: WireDateTime::Local(
                        since.to_utc() + ChronoDuration::hours(rng.gen_range(1..2000)),
                    ),
                    cover_letter: None,
                },
            );
        }
    }
}
