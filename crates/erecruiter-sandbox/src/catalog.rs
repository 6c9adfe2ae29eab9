//! The mandator's configured lists (referrers, document types, countries, custom fields ...)
//! and the vocabulary jobs are built from. Fixed data: the seed only picks from it.

use serde_json::{Value, json};

use crate::dto::CustomFieldResponse;
use crate::names::LOCALES;

/// Display name of the sandbox mandator.
pub(crate) const MANDATOR_NAME: &str = "Sandbox Recruiting GmbH";
/// Cultures offered by the mandator; the first one is `PortalSettings.DefaultCulture`.
pub(crate) const CULTURES: &[&str] = &["de-AT", "en"];
/// Default culture used when a request names none or an unknown one.
pub(crate) const DEFAULT_CULTURE: &str = "de-AT";
/// Portal URL of the default applicant portal.
pub(crate) const PORTAL_URL: &str = "https://jobs.example.com";

/// (Name, Group, AllowsAdditionalInfo, IsInternalOnly)
pub(crate) const REFERRERS: &[(&str, &str, bool, bool)] = &[
    ("Career portal", "Own channels", false, false),
    ("Example Job Board", "Online job boards", true, false),
    ("StepStone", "Online job boards", true, false),
    ("karriere.at", "Online job boards", true, false),
    ("LinkedIn", "Social media", true, false),
    ("Employee referral", "Internal", true, true),
    ("Unsolicited application", "Own channels", false, false),
    ("atsbridge", "Integrations", true, false),
];

/// Valid `Type` values for applicant documents.
pub(crate) const DOCUMENT_TYPES: &[&str] = &[
    "Lebenslauf",
    "Anschreiben",
    "Zeugnis",
    "Dienstzeugnis",
    "Certificate",
    "Sonstiges",
];

/// Tags the seed puts on applicants.
pub(crate) const APPLICANT_TAGS: &[&str] = &[
    "Talent pool",
    "Excellent Fit",
    "Top-Kandidat:in",
    "Rehire",
    "Relocation needed",
    "Remote only",
    "Senior",
    "Ехал Грека через реку",
];

pub(crate) const JOB_PROFILES: &[(&str, &str)] = &[
    ("Software Development", "IT"),
    ("IT Operations", "IT"),
    ("Sales", "Sales & Marketing"),
    ("Marketing", "Sales & Marketing"),
    ("Accounting", "Finance"),
    ("Production", "Technology"),
    ("Nursing", "Health"),
];
pub(crate) const REGIONS: &[(&str, &[&str])] = &[
    (
        "Austria",
        &["Vienna", "Upper Austria", "Styria", "Salzburg", "Tyrol"],
    ),
    ("Germany", &["Bavaria", "Berlin"]),
    ("Switzerland", &["Zurich"]),
];
pub(crate) const OCCUPATION_TYPES: &[&str] = &["Full-time", "Part-time", "Internship", "Freelance"];
pub(crate) const CAREER_LEVELS: &[&str] = &["Entry level", "Professional", "Senior", "Management"];
pub(crate) const SALARY_CURRENCIES: &[&str] = &["EUR", "CHF", "USD"];
pub(crate) const TRAVELLING_TYPES: &[&str] = &["Never", "Occasionally", "Frequently"];
pub(crate) const PHONE_TIMES: &[&str] = &["Mornings", "Afternoons", "Evenings"];
pub(crate) const LANGUAGES: &[&str] = &[
    "German", "English", "French", "Spanish", "Russian", "Arabic", "Chinese", "Japanese", "Hindi",
];
pub(crate) const KNOWLEDGES: &[&str] = &["Rust", "SQL", "SAP", "Excel", "Forklift licence", "C#"];
pub(crate) const CLASSIFICATIONS: &[&str] = &["A", "B", "C"];

/// A job template: (German title, English title, job profile index, occupation type).
pub(crate) const JOB_TITLES: &[(&str, &str, usize, &str)] = &[
    (
        "Softwareentwickler:in (m/w/d)",
        "Software Developer (m/f/d)",
        0,
        "Full-time",
    ),
    (
        "Systemadministrator:in (m/w/d)",
        "System Administrator (m/f/d)",
        1,
        "Full-time",
    ),
    (
        "Key Account Manager:in (m/w/d)",
        "Key Account Manager (m/f/d)",
        2,
        "Full-time",
    ),
    (
        "Online-Marketing-Spezialist:in",
        "Online Marketing Specialist",
        3,
        "Part-time",
    ),
    (
        "Bilanzbuchhalter:in (m/w/d)",
        "Senior Accountant (m/f/d)",
        4,
        "Full-time",
    ),
    (
        "Lehrling Mechatronik",
        "Mechatronics Apprentice",
        5,
        "Internship",
    ),
    (
        "Diplomierte:r Gesundheits- und Krankenpfleger:in",
        "Registered Nurse",
        6,
        "Part-time",
    ),
    (
        "Praktikum Datenanalyse",
        "Data Analytics Internship",
        0,
        "Internship",
    ),
    (
        "Schichtleiter:in Produktion",
        "Production Shift Lead",
        5,
        "Full-time",
    ),
    (
        "Freelance UX-Designer:in",
        "Freelance UX Designer",
        3,
        "Freelance",
    ),
];

/// A job location: (city, zip, region, country, latitude, longitude).
pub(crate) const JOB_LOCATIONS: &[(&str, &str, &str, &str, f64, f64)] = &[
    ("Linz", "4020", "Upper Austria", "Austria", 48.3069, 14.2858),
    ("Wien", "1010", "Vienna", "Austria", 48.2082, 16.3738),
    ("Graz", "8010", "Styria", "Austria", 47.0707, 15.4395),
    ("Salzburg", "5020", "Salzburg", "Austria", 47.8095, 13.055),
    ("Innsbruck", "6020", "Tyrol", "Austria", 47.2692, 11.4041),
    ("München", "80331", "Bavaria", "Germany", 48.1351, 11.582),
    ("Zürich", "8001", "Zurich", "Switzerland", 47.3769, 8.5417),
];

/// A recruiter: (title before, first name, last name, title after, gender).
pub(crate) type Recruiter = (
    Option<&'static str>,
    &'static str,
    &'static str,
    Option<&'static str>,
    i32,
);

/// Recruiters responsible for jobs.
pub(crate) const RECRUITERS: &[Recruiter] = &[
    (Some("Mag."), "Birgit", "Haslinger", Some("MSc"), 2),
    (None, "Thomas", "Ebner", None, 1),
    (Some("Dr."), "Claudia", "Reiter", None, 2),
    (None, "Kemal", "Aydın", Some("BA"), 1),
];

/// Custom field definitions. Applicant-side fields (Target 0 or 3) are answered by
/// questionnaires and stored per applicant; `Department` describes jobs.
pub(crate) fn custom_fields() -> Vec<CustomFieldResponse> {
    #[allow(clippy::too_many_arguments)] // mirrors the eight members of CustomFieldResponse
    fn field(
        name: &str,
        title: &str,
        group: &str,
        kind: i32,
        target: i32,
        is_public: bool,
        values: Option<&[&str]>,
        default_value: Option<&str>,
    ) -> CustomFieldResponse {
        CustomFieldResponse {
            name: name.to_owned(),
            title: title.to_owned(),
            group_name: group.to_owned(),
            kind,
            target,
            is_public,
            possible_values: values.map(|values| values.iter().map(|v| (*v).to_owned()).collect()),
            default_value: default_value.map(str::to_owned),
        }
    }
    vec![
        field(
            "Department",
            "Abteilung",
            "General",
            2,
            2,
            true,
            Some(&["Engineering", "Sales", "Finance", "Operations", "Care"]),
            Some("Engineering"),
        ),
        field(
            "Motivation",
            "Why do you want to join us?",
            "Application",
            0,
            3,
            true,
            None,
            None,
        ),
        field(
            "DriversLicence",
            "Driving licence B",
            "Profile",
            1,
            0,
            true,
            None,
            Some("false"),
        ),
        field(
            "PreferredDepartment",
            "Preferred department",
            "Application",
            2,
            3,
            true,
            Some(&["Engineering", "Sales", "Finance", "Operations"]),
            None,
        ),
        field(
            "Shifts",
            "Which shifts can you work?",
            "Application",
            3,
            3,
            true,
            Some(&["Morning", "Afternoon", "Night", "Weekend"]),
            None,
        ),
        field(
            "AvailableFrom",
            "Available from",
            "Profile",
            4,
            0,
            true,
            None,
            None,
        ),
        field(
            "GitHubProfile",
            "GitHub profile",
            "Profile",
            5,
            0,
            true,
            None,
            None,
        ),
        field(
            "InternalNote",
            "Internal note",
            "Internal",
            6,
            0,
            false,
            None,
            None,
        ),
    ]
}

/// The country names the mandator offers: every seed locale plus the DACH neighbours.
pub(crate) fn countries() -> Vec<String> {
    let mut countries: Vec<String> = vec!["Austria".into(), "Germany".into(), "Switzerland".into()];
    for locale in LOCALES {
        if !countries.iter().any(|known| known == locale.country) {
            countries.push(locale.country.to_owned());
        }
    }
    countries.push("Liechtenstein".into());
    countries
}

/// The job publication type that describes the default applicant portal.
pub(crate) fn portal_publication_type_json() -> Value {
    json!({
        "Name": "Career portal",
        "InternalName": "career-portal",
        "Partner": null,
        "Account": null,
        "Channel": null,
        "PublicationDate": "2020-01-01T00:00:00+01:00",
        "ExpirationDate": null,
        "Type": 0,
        "JobAdUrl": format!("{PORTAL_URL}/Job?Referrer=$Referrer$"),
        "ApplyUrl": format!("{PORTAL_URL}/Apply?Referrer=$Referrer$")
    })
}

/// The full `MandatorResponse` body. Third-party integration secrets are `null`: the sandbox
/// has none and never serves anything secret-looking.
pub(crate) fn mandator_json(mandator_id: i32) -> Value {
    let region_tree: Vec<Value> = REGIONS
        .iter()
        .map(|(country, regions)| {
            json!({
                "Name": country,
                "Regions": regions.iter().map(|name| json!({"Name": name, "Regions": []})).collect::<Vec<_>>()
            })
        })
        .collect();
    let referrers: Vec<Value> = REFERRERS
        .iter()
        .map(|(name, group, additional, internal)| {
            json!({
                "Name": name,
                "CultureFilter": if *internal { json!([]) } else { json!(CULTURES) },
                "Group": group,
                "AllowsAdditionalInfo": additional,
                "IsInternalOnly": internal
            })
        })
        .collect();
    let grouped_profiles: Vec<Value> = JOB_PROFILES
        .iter()
        .map(|(name, group)| json!({"Name": name, "Group": group, "CultureFilter": CULTURES}))
        .collect();
    let mut profile_groups: Vec<&str> = JOB_PROFILES.iter().map(|(_, group)| *group).collect();
    profile_groups.dedup();
    json!({
        "Id": mandator_id,
        "Name": MANDATOR_NAME,
        "PortalSettings": portal_settings_json(),
        "Translations": [
            {"Key": "JobsTitle", "Texts": [
                {"Culture": "de-AT", "Text": "Offene Stellen"},
                {"Culture": "en", "Text": "Open positions"}
            ]}
        ],
        "JobProfiles": profile_groups,
        "GroupedJobProfiles": grouped_profiles,
        "Cultures": CULTURES,
        "Regions": region_tree,
        "Urls": [PORTAL_URL],
        "ApplicantDocumentTypes": DOCUMENT_TYPES,
        "TitlesBeforeName": [
            {"Name": "Mag.", "CultureFilter": ["de-AT"], "Group": "Academic"},
            {"Name": "Dr.", "CultureFilter": ["de-AT", "en"], "Group": "Academic"},
            {"Name": "Ing.", "CultureFilter": ["de-AT"], "Group": "Professional"}
        ],
        "TitlesAfterName": [
            {"Name": "MSc", "CultureFilter": ["de-AT", "en"], "Group": "Academic"},
            {"Name": "BA", "CultureFilter": ["de-AT", "en"], "Group": "Academic"},
            {"Name": "PhD", "CultureFilter": ["en"], "Group": "Academic"}
        ],
        "Countries": countries(),
        "PublicationTypes": ["Book", "Article", "Talk"],
        "Languages": LANGUAGES,
        "LanguageLevels": ["Basic", "Good", "Fluent", "Native"],
        "CertificateTypes": ["Language certificate", "Professional certificate"],
        "EducationTypes": ["University", "Apprenticeship", "Secondary school"],
        "CareerLevels": CAREER_LEVELS,
        "SalaryCurrencies": SALARY_CURRENCIES,
        "DomesticTravellingTypes": TRAVELLING_TYPES,
        "AbroadTravellingTypes": TRAVELLING_TYPES,
        "PhoneTimes": PHONE_TIMES,
        "Knowledges": KNOWLEDGES,
        "KnowledgeLevels": ["Basic", "Advanced", "Expert"],
        "Referrers": referrers,
        "JobPublicationTypes": [portal_publication_type_json()],
        "CustomFields": custom_fields(),
        "ClassificationTypes": CLASSIFICATIONS,
        "VideoRecruitingProvider": 0,
        "OccupationTypes": OCCUPATION_TYPES,
        "CammioClientId": null,
        "CammioSecret": null
    })
}

fn portal_settings_json() -> Value {
    json!({
        "ForceSsl": true,
        "EnableSelfServiceZone": true,
        "AllowApplicationWithoutJob": true,
        "DefaultCulture": DEFAULT_CULTURE,
        "EnableDoubleOptIn": false,
        "EnableTransactionalFlow": false,
        "EnableGDPRInformationPolicy": true,
        "LanguagePacks": ["de", "en"],
        "SendRegistrationEmail": true,
        "SendApplicationEmail": true,
        "AskForGender": 1,
        "AskForGenderIdentity": 2,
        "AskForTitles": 2,
        "AskForEmail": 1,
        "AskForPhoneNumber": 2,
        "AskForBirthdate": 2,
        "AskForAddress": 2,
        "AskForCountry": 2,
        "DefaultCountry": "Austria",
        "AskForCitizenship": 0,
        "DefaultCitizenship": "Austria",
        "AskForCoverLetter": 2,
        "AskForCv": 1,
        "AskForPhoto": 0,
        "AskForConsentPolicy": 1,
        "AskForDocuments": true,
        "AskForReferrer": true,
        "AskForLocation": false,
        "AskForRegion": false,
        "AskForNewsletter": false,
        "AskForMatchingJobsMail": false,
        "AskForQuitReason": false,
        "AskForReferences": false,
        "AskForOvertime": false,
        "AskForSelfDescription": false,
        "AskForJobDescription": false,
        "AskForEmploymentType": false,
        "AskForFreelancing": false,
        "AskForInternship": false,
        "AskForSalary": true,
        "AskForWillingnessToMove": false,
        "AskForAbroadTravelling": false,
        "AskForDomesticTravelling": false,
        "AskForActivities": false,
        "AskForJobRequirements": false,
        "AskForExperience": true,
        "AskForEducation": true,
        "AskForCertificates": false,
        "AskForEarliestPossibleBeginDate": true,
        "AskForLanguages": true,
        "AskForPublications": false,
        "AskForTags": false,
        "AskForCareerLevel": false,
        "AskForJobProfiles": false,
        "AskForGenderOnRegistration": 1,
        "AskForGenderIdentityOnRegistration": 2,
        "AskForTitlesOnRegistration": 2,
        "AskForEmailOnRegistration": 1,
        "AskForEmailConfirmation": true,
        "AskForPhoneNumberOnRegistration": 2,
        "AskForBirthdateOnRegistration": 0,
        "AskForAddressOnRegistration": 0,
        "AskForCountryOnRegistration": 0,
        "AskForCitizenshipOnRegistration": 0,
        "AskForCoverLetterOnRegistration": 2,
        "AskForCvOnRegistration": 1,
        "AskForPhotoOnRegistration": 0,
        "AskForDocumentsOnRegistration": true,
        "AskForVideoPitchOnRegistration": 0,
        "AllowDuplicateEmail": false,
        "EnableExtendedDateSelection": false,
        "DisplayLocationInJobListing": true,
        "DisplayDateInJobListing": true,
        "EnableRegionsFilterOnJobsList": false,
        "EnableJobProfilesFilterOnJobsList": false,
        "EnableFilterOnJobsList": true,
        "EnableCompanyPicturesOnJobsList": false,
        "EnablePaginationInJobsList": true,
        "PageSizeJobsList": 20,
        "EnableCvParsing": false,
        "EnableDeleteForApplicant": true,
        "EnableExtendedXml": false,
        "EnableJobTagsInXmlFeed": false,
        "EnableFourthJobBlockInXmlFeed": false,
        "EnableCustomerInformationInXmlFeed": false,
        "LinkedinConsumerKey": null,
        "LinkedinConsumerSecret": null,
        "IndeedApiToken": null,
        "IndeedApiSecret": null,
        "IndeedApplyAllowed": false,
        "IndeedApplyWidgetEnabled": false,
        "MyVeetaToken": null,
        "InstappToken": null,
        "KarriereApiKey": null,
        "KarriereApiSecret": null,
        "KarriereApiUuId": null,
        "KarriereOneClickWidget": false,
        "LoginWithXingConsumerKey": null,
        "LoginWithXingSignatureSalt": null,
        "LoginWithJobCloudKey": null,
        "EnableEuropeanCvDownload": false,
        "EnableJobMap": false,
        "JobMapCollapsed": false,
        "EnableSitemap": true,
        "EnableSEOFriendlyUrls": true,
        "EnableSitemapXML": true
    })
}
