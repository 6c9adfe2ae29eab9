//! Joining a relative request path onto the provider's base URL without escaping it.

use url::Url;

use crate::error::HttpError;

/// Joins `path` onto `base` and guarantees the result stays under `base`.
///
/// `base` may carry a path of its own (`https://host/Api/`); a missing trailing slash is
/// treated as present. `path` is relative to it; one leading `/` is tolerated and means
/// the same thing. Refused with [`HttpErrorKind::InvalidRequest`](crate::HttpErrorKind):
/// empty segments (`//`), `.` and `..` segments, backslashes, a scheme or host, query or
/// fragment markers, control characters, and percent-encoded dots, slashes or backslashes
/// that would decode into any of these.
pub fn join_under_base(base: &Url, path: &str) -> Result<Url, HttpError> {
    let base = normalized_base(base)?;
    let relative = path.strip_prefix('/').unwrap_or(path);
    check_relative_path(relative).map_err(|reason| {
        HttpError::invalid_request(format!("refused request path {path:?}: {reason}"))
    })?;
    let joined = base.join(relative).map_err(|err| {
        HttpError::invalid_request(format!("refused request path {path:?}: {err}"))
    })?;
    let stays_under_base = joined.scheme() == base.scheme()
        && joined.host_str() == base.host_str()
        && joined.port_or_known_default() == base.port_or_known_default()
        && joined.path().starts_with(base.path())
        && joined.query().is_none()
        && joined.fragment().is_none();
    if !stays_under_base {
        return Err(HttpError::invalid_request(format!(
            "refused request path {path:?}: it leaves the provider base URL"
        )));
    }
    Ok(joined)
}

/// Checks a base URL and returns it with a trailing slash on its path.
pub(crate) fn normalized_base(base: &Url) -> Result<Url, HttpError> {
    if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
        return Err(HttpError::config(format!(
            "base URL must be an http(s) URL, got scheme {:?}",
            base.scheme()
        )));
    }
    if base.host_str().is_none() {
        return Err(HttpError::config("base URL has no host"));
    }
    if !base.username().is_empty() || base.password().is_some() {
        return Err(HttpError::config(
            "base URL must not carry credentials; use an auth hook",
        ));
    }
    if base.query().is_some() || base.fragment().is_some() {
        return Err(HttpError::config(
            "base URL must not carry a query or fragment",
        ));
    }
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        let with_slash = format!("{}/", base.path());
        base.set_path(&with_slash);
    }
    Ok(base)
}

/// Longest relative path accepted: far above any provider route, well below the URL limits
/// of servers and proxies (a longer one would fail at the provider with an unclear error).
pub const MAX_PATH_LEN: usize = 2048;

fn check_relative_path(relative: &str) -> Result<(), &'static str> {
    if relative.is_empty() {
        return Ok(());
    }
    if relative.len() > MAX_PATH_LEN {
        return Err("the path is longer than 2048 bytes");
    }
    if relative.contains(';') {
        // `..;/` is `..` to servlet containers and some proxies; provider APIs use no
        // path parameters.
        return Err("`;` (path parameters) is not allowed");
    }
    if relative.contains('\\') {
        return Err("backslashes are not allowed");
    }
    if relative.contains('?') || relative.contains('#') {
        return Err("query and fragment belong in query parameters, not the path");
    }
    if relative.chars().any(|c| c.is_control()) {
        return Err("control characters are not allowed");
    }
    let first_segment = relative.split('/').next().unwrap_or_default();
    if first_segment.contains(':') {
        return Err("a scheme or host is not allowed");
    }
    for segment in relative.split('/') {
        if segment.is_empty() {
            return Err("empty segments (`//`) are not allowed");
        }
        check_segment(segment)?;
    }
    Ok(())
}

fn check_segment(segment: &str) -> Result<(), &'static str> {
    // Decode a few times so that double-encoded dots and slashes are caught as well.
    let mut current = segment.to_owned();
    for _ in 0..3 {
        if current == "." || current == ".." {
            return Err("`.` and `..` segments are not allowed");
        }
        if current.contains('/') || current.contains('\\') {
            return Err("encoded slashes or backslashes are not allowed");
        }
        if current.chars().any(|c| c.is_control()) {
            return Err("encoded control characters are not allowed");
        }
        let decoded = percent_decode(&current);
        if decoded == current {
            break;
        }
        current = decoded;
    }
    if current == "." || current == ".." || current.contains('/') || current.contains('\\') {
        return Err("encoded dots or slashes are not allowed");
    }
    Ok(())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            let high = (bytes[index + 1] as char).to_digit(16);
            let low = (bytes[index + 2] as char).to_digit(16);
            if let (Some(high), Some(low)) = (high, low) {
                out.push((high * 16 + low) as u8);
                index += 3;
                continue;
            }
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://host.example/Api/").unwrap()
    }

    #[test]
    fn joins_relative_paths_under_the_base_path() {
        let url = join_under_base(&base(), "Job/12").unwrap();
        assert_eq!(url.as_str(), "https://host.example/Api/Job/12");
        let url = join_under_base(&base(), "/Job/12").unwrap();
        assert_eq!(url.as_str(), "https://host.example/Api/Job/12");
        let no_slash = Url::parse("https://host.example/Api").unwrap();
        let url = join_under_base(&no_slash, "Ping").unwrap();
        assert_eq!(url.as_str(), "https://host.example/Api/Ping");
        let url = join_under_base(&base(), "").unwrap();
        assert_eq!(url.as_str(), "https://host.example/Api/");
        let url = join_under_base(&base(), "Applicant/a%20b").unwrap();
        assert_eq!(url.path(), "/Api/Applicant/a%20b");
    }

    #[test]
    fn refuses_paths_that_escape() {
        for path in [
            "..",
            "../Other",
            "Job/../../x",
            "./Job",
            "//evil.example/x",
            "Job//12",
            "https://evil.example/",
            "http:x",
            "Job\\..\\x",
            "%2e%2e/x",
            "%2E%2E",
            "Job%2f..%2fx",
            "Job/%2F",
            "Job/%5c",
            "%252e%252e/x",
            "Job?x=1",
            "Job#frag",
            "Job/\n12",
            "Job/%0a",
            "..;/x",
            "Job/..;/..;/x",
            "Job;jsessionid=1/x",
        ] {
            let err = join_under_base(&base(), path).unwrap_err();
            assert_eq!(err.kind(), crate::HttpErrorKind::InvalidRequest, "{path}");
        }
    }

    #[test]
    fn refuses_overlong_paths() {
        let long = "Job/".repeat(600);
        let err = join_under_base(&base(), &long).unwrap_err();
        assert_eq!(err.kind(), crate::HttpErrorKind::InvalidRequest);
        assert!(join_under_base(&base(), &"J".repeat(MAX_PATH_LEN)).is_ok());
    }

    #[test]
    fn refuses_unusable_bases() {
        for base in [
            "ftp://host/",
            "https://user:pw@host/",
            "https://host/?a=1",
            "mailto:x@y",
        ] {
            let err = join_under_base(&Url::parse(base).unwrap(), "x").unwrap_err();
            assert_eq!(err.kind(), crate::HttpErrorKind::Config, "{base}");
        }
    }
}
