//! A plausibility check for e-mail addresses, the one place the API decides what counts as
//! one (Kombo's schemas say `format: email`; a provider should never see `not-an-email`).

/// Whether `text` looks like an e-mail address: one `@`, a non-empty local part of the usual
/// characters without leading or doubled dots, and a domain of at least two dot-separated
/// labels (letters, digits, inner hyphens) ending in a letters-only top-level label.
pub fn is_plausible_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::is_plausible_email;

    #[test]
    fn plausible_emails() {
        for good in [
            "a@b.de",
            "jane.doe+hr@acme-corp.example.com",
            "x_y@sub.domain.io",
        ] {
            assert!(is_plausible_email(good), "{good}");
        }
        for bad in [
            "not-an-email",
            "@acme.com",
            "jane@",
            "jane@acme",
            "jane@acme.c0m",
            ".jane@acme.com",
            "jane.@acme.com",
            "ja..ne@acme.com",
            "jane doe@acme.com",
            "jane@-acme.com",
            "jane@acme..com",
        ] {
            assert!(!is_plausible_email(bad), "{bad}");
        }
    }
}
