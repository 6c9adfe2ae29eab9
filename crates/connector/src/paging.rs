//! Walking a provider's paged lists: where the next page is (a `Link` header, a cursor in the
//! body, or an offset) and a guard that stops a walk which would never end.

use std::collections::HashSet;

use crate::error::ConnectorError;

/// Where the next page of a list is, read from the current page's response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextPage {
    /// A URL to request as it is (RFC 8288 `Link: <…>; rel="next"`). Providers that put the
    /// cursor in it, such as Greenhouse, refuse it with extra parameters: send it unchanged.
    Url(String),
    /// An opaque cursor to send with the next request.
    Cursor(String),
    /// The offset of the next page's first item.
    Offset(u64),
    /// There is no next page.
    Done,
}

impl NextPage {
    /// The `next` target of a `Link` header value (`None` or no `next` relation: done).
    pub fn from_link_header(value: Option<&str>) -> NextPage {
        value
            .and_then(next_link)
            .map_or(NextPage::Done, NextPage::Url)
    }

    /// A cursor from a response body; absent or empty means done.
    pub fn from_cursor(cursor: Option<&str>) -> NextPage {
        match cursor.map(str::trim) {
            Some(cursor) if !cursor.is_empty() => NextPage::Cursor(cursor.to_owned()),
            _ => NextPage::Done,
        }
    }

    /// The page after the one that started at `offset` and held `received` items, when pages
    /// hold `page_size` items: a short (or empty) page is the last one.
    pub fn after_offset(offset: u64, received: usize, page_size: usize) -> NextPage {
        if received == 0 || received < page_size {
            NextPage::Done
        } else {
            NextPage::Offset(offset.saturating_add(received as u64))
        }
    }

    /// Whether the walk is over.
    pub fn is_done(&self) -> bool {
        matches!(self, NextPage::Done)
    }
}

/// The target of the first link whose `rel` includes `next` in an RFC 8288 `Link` header
/// value. Commas inside `<…>` (URLs with id lists) are part of the URL.
pub fn next_link(header: &str) -> Option<String> {
    links(header)
        .into_iter()
        .find(|(_, rels)| rels.iter().any(|rel| rel.eq_ignore_ascii_case("next")))
        .map(|(target, _)| target)
        .filter(|target| !target.is_empty())
}

/// Every `(target, relations)` of a `Link` header value.
fn links(header: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = header;
    while let Some(open) = rest.find('<') {
        let after_open = &rest[open + 1..];
        let Some(close) = after_open.find('>') else {
            break;
        };
        let target = after_open[..close].trim().to_owned();
        let params_and_more = &after_open[close + 1..];
        // Parameters run to the next link, which starts with `<` after a comma.
        let end = params_and_more.find('<').unwrap_or(params_and_more.len());
        let params = &params_and_more[..end];
        let rels = params
            .split(';')
            .filter_map(|param| {
                let (name, value) = param.split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("rel")
                    .then(|| value.trim().trim_end_matches(',').trim().trim_matches('"'))
            })
            .flat_map(|value| value.split_whitespace().map(str::to_owned))
            .collect();
        out.push((target, rels));
        rest = &params_and_more[end..];
    }
    out
}

/// Guards one walk over a paged list: counts pages and refuses a next page it has seen
/// before or one beyond the limit, so a provider that keeps answering with the same cursor
/// fails the run instead of looping.
#[derive(Debug, Clone)]
pub struct PageWalk {
    list: String,
    pages: u64,
    max_pages: u64,
    seen: HashSet<String>,
}

impl PageWalk {
    /// A walk over `list` (named in errors) that allows at most `max_pages` pages.
    pub fn new(list: impl Into<String>, max_pages: u64) -> PageWalk {
        PageWalk {
            list: list.into(),
            pages: 0,
            max_pages: max_pages.max(1),
            seen: HashSet::new(),
        }
    }

    /// Pages read so far.
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// Counts the page just read and returns where to go next (`None` when the walk is
    /// over). Fails when `next` repeats an earlier page or the walk exceeds its limit.
    pub fn advance(&mut self, next: NextPage) -> Result<Option<NextPage>, ConnectorError> {
        self.pages += 1;
        let key = match &next {
            NextPage::Done => return Ok(None),
            NextPage::Url(url) => format!("url:{url}"),
            NextPage::Cursor(cursor) => format!("cursor:{cursor}"),
            NextPage::Offset(offset) => format!("offset:{offset}"),
        };
        if self.pages >= self.max_pages {
            return Err(ConnectorError::transport(format!(
                "the {} list did not end after {} pages",
                self.list, self.max_pages
            ))
            .into_persistent());
        }
        if !self.seen.insert(key) {
            return Err(ConnectorError::transport(format!(
                "the {} list pointed back to a page it had already returned (page {})",
                self.list, self.pages
            ))
            .into_persistent());
        }
        Ok(Some(next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_is_found_among_others_and_keeps_its_commas() {
        let header = r#"<https://h.example/v3/jobs?cursor=abc%3D>; rel="next", <https://h.example/v3/jobs?ids=1,2>; rel="prev""#;
        assert_eq!(
            next_link(header).as_deref(),
            Some("https://h.example/v3/jobs?cursor=abc%3D")
        );
        let reversed =
            r#"<https://h.example/a?ids=1,2>; rel="prev", <https://h.example/b?ids=3,4>; rel=next"#;
        assert_eq!(
            next_link(reversed).as_deref(),
            Some("https://h.example/b?ids=3,4")
        );
        assert_eq!(next_link(r#"<https://h.example/a>; rel="prev""#), None);
        assert_eq!(next_link(r#"<>; rel="next""#), None);
        assert_eq!(next_link(""), None);
        assert_eq!(
            next_link(r#"<https://h.example/c>; title="x"; rel="last next""#).as_deref(),
            Some("https://h.example/c")
        );
    }

    #[test]
    fn offsets_stop_at_a_short_page_and_cursors_at_an_empty_one() {
        assert_eq!(NextPage::after_offset(0, 100, 100), NextPage::Offset(100));
        assert_eq!(NextPage::after_offset(100, 40, 100), NextPage::Done);
        assert_eq!(NextPage::after_offset(100, 0, 100), NextPage::Done);
        assert_eq!(NextPage::from_cursor(Some("  ")), NextPage::Done);
        assert_eq!(
            NextPage::from_cursor(Some("c2")),
            NextPage::Cursor("c2".into())
        );
        assert_eq!(NextPage::from_link_header(None), NextPage::Done);
    }

    #[test]
    fn a_walk_refuses_a_repeated_page_and_a_runaway_list() {
        let mut walk = PageWalk::new("jobs", 10);
        assert_eq!(
            walk.advance(NextPage::Cursor("a".into()))
                .unwrap_or_default(),
            Some(NextPage::Cursor("a".into()))
        );
        let error = walk.advance(NextPage::Cursor("a".into())).err();
        assert!(error.is_some_and(|e| e.to_string().contains("already returned")));

        let mut short = PageWalk::new("jobs", 2);
        assert!(short.advance(NextPage::Offset(1)).is_ok());
        assert!(short.advance(NextPage::Offset(2)).is_err());
        let mut done = PageWalk::new("jobs", 2);
        assert!(matches!(done.advance(NextPage::Done), Ok(None)));
        assert_eq!(done.pages(), 1);
    }
}
