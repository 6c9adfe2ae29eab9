//! Case-insensitive routing of eRecruiter paths (IIS and ASP.NET ignore case).

use axum::http::Method;

/// Every endpoint the sandbox serves. [`SandboxRoute::template`] is the key used by the
/// per-route request counter, e.g. `"GET /Api/Applicant/{id}"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SandboxRoute {
    /// `POST /Api`: exchange API key and mandator id for a token.
    ExchangeToken,
    /// `GET /Api/Ping`: works with or without a token.
    Ping,
    /// `GET /Api/PublishedJobs?channel=&culture=`.
    PublishedJobs,
    /// `GET /Api/PublishedJob/{jobId}?channel=&culture=`.
    PublishedJob,
    /// `GET /Api/Job/{id}?culture=`.
    Job,
    /// `GET /Api/Questionnaire/ByJob/{jobId}`.
    QuestionnaireByJob,
    /// `GET /Api/Applications/ByJob/{jobId}`: open applications of a job.
    ApplicationsByJob,
    /// `GET /Api/Applications/ByReferrer/{referrer}?startAt=&endAt=`.
    ApplicationsByReferrer,
    /// `GET /Api/Applications/{applicantId}?culture=`.
    ApplicationsByApplicant,
    /// `GET /Api/Applicant/{id}`.
    Applicant,
    /// `GET /Api/Applicants/ByEmail/{email}`.
    ApplicantsByEmail,
    /// `PUT /Api/Applicant`: create an applicant.
    CreateApplicant,
    /// `POST /Api/Applicant/{id}`: replace an applicant.
    UpdateApplicant,
    /// `PUT /Api/Application`: create an application.
    CreateApplication,
    /// `PUT /Api/Applicant/Document/{applicantId}`.
    AddDocument,
    /// `GET /Api/Applicant/Documents/{applicantId}?includeContent=`.
    Documents,
    /// `GET /Api/Applicant/Document/{documentId}?includeContent=`.
    Document,
    /// `PUT /Api/Applicant/Cv/{applicantId}`.
    PutCv,
    /// `GET /Api/Applicant/Cv/{applicantId}?includeContent=`.
    Cv,
    /// `PUT /Api/Applicant/History/{applicantId}`.
    AddHistory,
    /// `GET /Api/Applicant/{applicantId}/Policies`.
    ApplicantPolicies,
    /// `PUT /Api/Applicant/{applicantId}/Policies/{policyId}`.
    PutApplicantPolicy,
    /// `GET /Api/Applicant/CustomFields/{applicantId}`.
    ApplicantCustomFields,
    /// `POST /Api/Applicant/{applicantId}/CustomField`.
    SetApplicantCustomField,
    /// `GET /Api/Policies?portal=&culture=`.
    Policies,
    /// `GET /Api/Policies/{policyId}`.
    Policy,
    /// `GET /Api/Mandator`.
    Mandator,
}

impl SandboxRoute {
    /// The counter key: method and path template, e.g. `"PUT /Api/Applicant"`.
    pub fn template(self) -> &'static str {
        use SandboxRoute::*;
        match self {
            ExchangeToken => "POST /Api",
            Ping => "GET /Api/Ping",
            PublishedJobs => "GET /Api/PublishedJobs",
            PublishedJob => "GET /Api/PublishedJob/{jobId}",
            Job => "GET /Api/Job/{id}",
            QuestionnaireByJob => "GET /Api/Questionnaire/ByJob/{jobId}",
            ApplicationsByJob => "GET /Api/Applications/ByJob/{jobId}",
            ApplicationsByReferrer => "GET /Api/Applications/ByReferrer/{referrer}",
            ApplicationsByApplicant => "GET /Api/Applications/{applicantId}",
            Applicant => "GET /Api/Applicant/{id}",
            ApplicantsByEmail => "GET /Api/Applicants/ByEmail/{email}",
            CreateApplicant => "PUT /Api/Applicant",
            UpdateApplicant => "POST /Api/Applicant/{id}",
            CreateApplication => "PUT /Api/Application",
            AddDocument => "PUT /Api/Applicant/Document/{applicantId}",
            Documents => "GET /Api/Applicant/Documents/{applicantId}",
            Document => "GET /Api/Applicant/Document/{documentId}",
            PutCv => "PUT /Api/Applicant/Cv/{applicantId}",
            Cv => "GET /Api/Applicant/Cv/{applicantId}",
            AddHistory => "PUT /Api/Applicant/History/{applicantId}",
            ApplicantPolicies => "GET /Api/Applicant/{applicantId}/Policies",
            PutApplicantPolicy => "PUT /Api/Applicant/{applicantId}/Policies/{policyId}",
            ApplicantCustomFields => "GET /Api/Applicant/CustomFields/{applicantId}",
            SetApplicantCustomField => "POST /Api/Applicant/{applicantId}/CustomField",
            Policies => "GET /Api/Policies",
            Policy => "GET /Api/Policies/{policyId}",
            Mandator => "GET /Api/Mandator",
        }
    }

    /// Whether the route needs a live `X-ApiToken`.
    pub fn requires_token(self) -> bool {
        !matches!(self, SandboxRoute::ExchangeToken | SandboxRoute::Ping)
    }
}

/// A matched route with its path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MatchedRoute {
    pub route: SandboxRoute,
    /// Integer path parameters, in path order.
    pub ids: Vec<i32>,
    /// The text path parameter (e-mail, referrer), percent-decoded.
    pub text: Option<String>,
}

/// The outcome of routing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolution {
    Found(MatchedRoute),
    /// The path names a route but an id segment is not an integer.
    InvalidId(SandboxRoute, String),
    NotFound,
}

pub(crate) fn percent_decode(segment: &str) -> String {
    fn hex(byte: u8) -> Option<u8> {
        match byte {
            b'0'..=b'9' => Some(byte - b'0'),
            b'a'..=b'f' => Some(byte - b'a' + 10),
            b'A'..=b'F' => Some(byte - b'A' + 10),
            _ => None,
        }
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && index + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[index + 1]), hex(bytes[index + 2]))
        {
            out.push(high * 16 + low);
            index += 3;
            continue;
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Matches a method and path against the sandbox routes.
pub(crate) fn resolve(method: &Method, path: &str) -> Resolution {
    use SandboxRoute::*;
    let segments: Vec<&str> = path.split('/').filter(|part| !part.is_empty()).collect();
    let Some((first, rest)) = segments.split_first() else {
        return Resolution::NotFound;
    };
    if !first.eq_ignore_ascii_case("api") {
        return Resolution::NotFound;
    }
    let lower: Vec<String> = rest.iter().map(|part| part.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    // (route, positions of integer parameters, position of a text parameter)
    let found: Option<(SandboxRoute, &[usize], Option<usize>)> = match (method.as_str(), &lower[..])
    {
        ("POST", []) => Some((ExchangeToken, &[], None)),
        ("GET", ["ping"]) => Some((Ping, &[], None)),
        ("GET", ["publishedjobs"]) => Some((PublishedJobs, &[], None)),
        ("GET", ["publishedjob", _]) => Some((PublishedJob, &[1], None)),
        ("GET", ["job", _]) => Some((Job, &[1], None)),
        ("GET", ["questionnaire", "byjob", _]) => Some((QuestionnaireByJob, &[2], None)),
        ("GET", ["applications", "byjob", _]) => Some((ApplicationsByJob, &[2], None)),
        ("GET", ["applications", "byreferrer", _]) => Some((ApplicationsByReferrer, &[], Some(2))),
        ("GET", ["applications", _]) => Some((ApplicationsByApplicant, &[1], None)),
        ("GET", ["applicants", "byemail", _]) => Some((ApplicantsByEmail, &[], Some(2))),
        ("PUT", ["applicant"]) => Some((CreateApplicant, &[], None)),
        ("PUT", ["application"]) => Some((CreateApplication, &[], None)),
        ("PUT", ["applicant", "document", _]) => Some((AddDocument, &[2], None)),
        ("GET", ["applicant", "documents", _]) => Some((Documents, &[2], None)),
        ("GET", ["applicant", "document", _]) => Some((Document, &[2], None)),
        ("PUT", ["applicant", "cv", _]) => Some((PutCv, &[2], None)),
        ("GET", ["applicant", "cv", _]) => Some((Cv, &[2], None)),
        ("PUT", ["applicant", "history", _]) => Some((AddHistory, &[2], None)),
        ("GET", ["applicant", "customfields", _]) => Some((ApplicantCustomFields, &[2], None)),
        ("GET", ["applicant", _]) => Some((Applicant, &[1], None)),
        ("POST", ["applicant", _]) => Some((UpdateApplicant, &[1], None)),
        ("GET", ["applicant", _, "policies"]) => Some((ApplicantPolicies, &[1], None)),
        ("PUT", ["applicant", _, "policies", _]) => Some((PutApplicantPolicy, &[1, 3], None)),
        ("POST", ["applicant", _, "customfield"]) => Some((SetApplicantCustomField, &[1], None)),
        ("GET", ["policies"]) => Some((Policies, &[], None)),
        ("GET", ["policies", _]) => Some((Policy, &[1], None)),
        ("GET", ["mandator"]) => Some((Mandator, &[], None)),
        _ => None,
    };
    let Some((route, id_positions, text_position)) = found else {
        return Resolution::NotFound;
    };
    let mut ids = Vec::with_capacity(id_positions.len());
    for position in id_positions {
        let raw = rest.get(*position).copied().unwrap_or_default();
        match raw.parse::<i32>() {
            Ok(id) => ids.push(id),
            Err(_) => return Resolution::InvalidId(route, raw.to_owned()),
        }
    }
    let text = text_position.and_then(|position| rest.get(position).map(|raw| percent_decode(raw)));
    Resolution::Found(MatchedRoute { route, ids, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route_of(method: Method, path: &str) -> Option<SandboxRoute> {
        match resolve(&method, path) {
            Resolution::Found(found) => Some(found.route),
            _ => None,
        }
    }

    #[test]
    fn paths_match_case_insensitively_with_optional_trailing_slash() {
        assert_eq!(
            route_of(Method::POST, "/Api/"),
            Some(SandboxRoute::ExchangeToken)
        );
        assert_eq!(
            route_of(Method::POST, "/api"),
            Some(SandboxRoute::ExchangeToken)
        );
        assert_eq!(
            route_of(Method::PUT, "/API/applicant/"),
            Some(SandboxRoute::CreateApplicant)
        );
        assert_eq!(
            route_of(Method::GET, "/Api/applications/byJOB/4001"),
            Some(SandboxRoute::ApplicationsByJob)
        );
        assert_eq!(
            route_of(Method::GET, "/Api/Applications/4001"),
            Some(SandboxRoute::ApplicationsByApplicant)
        );
        assert_eq!(route_of(Method::DELETE, "/Api/Applicant/1"), None);
        assert_eq!(route_of(Method::GET, "/Other/Applicant/1"), None);
    }

    #[test]
    fn parameters_are_extracted() {
        let Resolution::Found(found) = resolve(&Method::PUT, "/Api/Applicant/120001/Policies/12")
        else {
            panic!("route not found");
        };
        assert_eq!(found.route, SandboxRoute::PutApplicantPolicy);
        assert_eq!(found.ids, vec![120001, 12]);
        let Resolution::Found(found) = resolve(
            &Method::GET,
            "/Api/Applicants/ByEmail/j%C3%BCrgen%40example.com",
        ) else {
            panic!("route not found");
        };
        assert_eq!(found.text.as_deref(), Some("jürgen@example.com"));
        assert_eq!(
            resolve(&Method::GET, "/Api/Job/abc"),
            Resolution::InvalidId(SandboxRoute::Job, "abc".into())
        );
    }
}
