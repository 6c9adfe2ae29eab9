//! HTML building blocks of the connect page: escaping, the page frame with its styles, the
//! credential form, the guide sections and a small Markdown subset for connector guides.

use atsbridge_connector::{Coverage, CredentialField, Feature};
use axum::response::{Html, IntoResponse, Response};
use http::{HeaderValue, header};

use super::FormState;
use super::text::Texts;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Renders the Markdown subset connector guides use: paragraphs, numbered and bulleted
/// lists, `code` and *emphasis*. Everything is escaped first; no raw HTML passes.
pub fn markdown(text: &str) -> String {
    let mut out = String::new();
    let mut list: Option<&str> = None;
    for line in text.lines() {
        let line = line.trim();
        let (kind, content) = if let Some(rest) = numbered_item(line) {
            (Some("ol"), rest)
        } else if let Some(rest) = line.strip_prefix("- ").or(line.strip_prefix("* ")) {
            (Some("ul"), rest)
        } else {
            (None, line)
        };
        if list != kind {
            if let Some(open) = list {
                out.push_str(&format!("</{open}>"));
            }
            if let Some(new) = kind {
                out.push_str(&format!("<{new}>"));
            }
            list = kind;
        }
        if content.is_empty() {
            continue;
        }
        let inline = inline_markdown(content);
        match kind {
            Some(_) => out.push_str(&format!("<li>{inline}</li>")),
            None => out.push_str(&format!("<p>{inline}</p>")),
        }
    }
    if let Some(open) = list {
        out.push_str(&format!("</{open}>"));
    }
    out
}

fn numbered_item(line: &str) -> Option<&str> {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    line[digits..].strip_prefix(". ")
}

fn inline_markdown(text: &str) -> String {
    let escaped = escape(text);
    let mut out = String::new();
    let mut code = false;
    let mut emphasis = false;
    for c in escaped.chars() {
        match c {
            '`' => {
                out.push_str(if code { "</code>" } else { "<code>" });
                code = !code;
            }
            '*' if !code => {
                out.push_str(if emphasis { "</em>" } else { "<em>" });
                emphasis = !emphasis;
            }
            _ => out.push(c),
        }
    }
    if code {
        out.push_str("</code>");
    }
    if emphasis {
        out.push_str("</em>");
    }
    out
}

/// A page being built.
pub struct Page {
    texts: &'static Texts,
    title: String,
    body: String,
}

impl Page {
    /// A page with `heading` as its `<h1>`.
    pub fn new(texts: &'static Texts, heading: &str) -> Self {
        Self {
            texts,
            title: heading.to_owned(),
            body: format!("<h1>{}</h1>", escape(heading)),
        }
    }

    /// Appends trusted HTML.
    pub fn raw(&mut self, html: &str) {
        self.body.push_str(html);
    }

    /// A lead paragraph.
    pub fn lead(&mut self, text: &str) {
        self.raw(&format!("<p class=\"lead\">{}</p>", escape(text)));
    }

    /// The tool's badge above the heading.
    pub fn tool_header(&mut self, slug: &str, name: &str) {
        self.body = format!(
            "<div class=\"tool-header\"><img src=\"/assets/tools/{}/logo.svg\" alt=\"{} logo\" \
             width=\"48\" height=\"48\"></div>{}",
            escape(slug),
            escape(name),
            self.body
        );
    }

    /// An error box that screen readers announce and that takes the focus target.
    pub fn error_box(&mut self, heading: &str, message: &str) {
        self.raw(&format!(
            "<div class=\"error\" role=\"alert\" id=\"form-error\" tabindex=\"-1\">\
             <h2>{}</h2><p>{}</p></div>",
            escape(heading),
            escape(message)
        ));
    }

    /// The credential form of a connector.
    pub fn credential_form(
        &mut self,
        texts: &Texts,
        slug: &str,
        fields: &[CredentialField],
        form: &FormState,
    ) {
        self.raw(&format!(
            "<form method=\"post\" class=\"credentials\" id=\"connect-form\" novalidate>\
             <h2>{}</h2><input type=\"hidden\" name=\"tool\" value=\"{}\">",
            escape(texts.credentials),
            escape(slug)
        ));
        for field in fields {
            self.raw(&field_html(texts, field, form));
        }
        self.raw(&format!(
            "<button type=\"submit\" id=\"connect-submit\">{}</button>\
             <p class=\"note\">{}</p></form>",
            escape(texts.connect),
            escape(texts.secrets_note)
        ));
    }

    /// The finished response, with headers that keep the token in the address private.
    pub fn finish(self) -> Response {
        let html = format!(
            "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta name=\"referrer\" content=\"no-referrer\">\
             <title>{title} · {site}</title><style>{STYLE}</style>\
             <script src=\"/connect/static/connect.js\" defer></script></head>\
             <body><main class=\"card\">{body}</main><footer>{footer}</footer></body></html>",
            lang = self.texts.lang,
            title = escape(&self.title),
            site = escape(self.texts.title),
            body = self.body,
            footer = escape(self.texts.footer),
        );
        let mut response = Html(html).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; \
                 img-src 'self'; form-action 'self'; base-uri 'none'",
            ),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        response
    }
}

fn field_html(texts: &Texts, field: &CredentialField, form: &FormState) -> String {
    let id = format!("field-{}", field.key);
    let help_id = format!("{id}-help");
    let error = form.field_errors.get(&field.key);
    let error_id = format!("{id}-error");
    let value = if field.secret {
        String::new()
    } else {
        form.values.get(&field.key).cloned().unwrap_or_default()
    };
    let described_by = if error.is_some() {
        format!("{help_id} {error_id}")
    } else {
        help_id.clone()
    };
    format!(
        "<div class=\"field{invalid_class}\"><label for=\"{id}\">{label} \
         <span class=\"badge\">{badge}</span></label>\
         <input id=\"{id}\" name=\"field.{key}\" type=\"{kind}\" value=\"{value}\" \
         aria-describedby=\"{described_by}\"{required}{invalid}{autocomplete}>\
         <p class=\"help\" id=\"{help_id}\">{help}</p>{error_html}</div>",
        invalid_class = if error.is_some() { " has-error" } else { "" },
        id = escape(&id),
        label = escape(&field.label),
        badge = if field.required {
            texts.required
        } else {
            texts.optional
        },
        key = escape(&field.key),
        kind = if field.secret { "password" } else { "text" },
        value = escape(&value),
        described_by = escape(&described_by),
        required = if field.required { " required" } else { "" },
        invalid = if error.is_some() {
            " aria-invalid=\"true\""
        } else {
            ""
        },
        autocomplete = if field.secret {
            " autocomplete=\"new-password\""
        } else {
            " autocomplete=\"off\""
        },
        help_id = escape(&help_id),
        help = inline_markdown(&field.help),
        error_html = error
            .map(|message| format!(
                "<p class=\"field-error\" id=\"{}\">{}</p>",
                escape(&error_id),
                escape(message)
            ))
            .unwrap_or_default(),
    )
}

/// The prerequisites and the connection guide of a connector, when it declares them.
pub fn guide_sections(page: &mut Page, texts: &Texts, coverage: &Coverage) {
    let feature = |wanted: Feature| coverage.features.iter().find(|f| f.feature == wanted);
    if let Some(notes) = feature(Feature::Prerequisites).and_then(|f| f.notes.as_deref()) {
        page.raw(&format!(
            "<section class=\"prerequisites\"><h2>{}</h2>{}</section>",
            escape(texts.prerequisites),
            markdown(notes)
        ));
    }
    if let Some(guide) = feature(Feature::ConnectionGuide).and_then(|f| f.guide.as_ref()) {
        page.raw(&format!(
            "<section class=\"guide\"><h2>{}</h2><p>{}</p>{}</section>",
            escape(&guide.title),
            escape(&guide.summary),
            markdown(&guide.body)
        ));
    }
}

/// A badge with the initials of `name`; `None` for an unknown image kind.
pub fn tool_svg(name: &str, kind: &str) -> Option<String> {
    let (background, foreground) = match kind {
        "logo" | "icon" => ("#1f4fd1", "#ffffff"),
        "icon-black" => ("#111111", "#ffffff"),
        _ => return None,
    };
    let initials: String = name
        .split(|c: char| !c.is_alphanumeric())
        .filter_map(|word| word.chars().next())
        .take(2)
        .collect::<String>()
        .to_uppercase();
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"96\" height=\"96\" viewBox=\"0 0 96 96\">\
         <rect width=\"96\" height=\"96\" rx=\"20\" fill=\"{background}\"/>\
         <text x=\"48\" y=\"60\" font-family=\"system-ui, sans-serif\" font-size=\"38\" \
         font-weight=\"700\" text-anchor=\"middle\" fill=\"{foreground}\">{}</text></svg>",
        escape(&initials)
    ))
}

/// Styles: a centred card, system fonts, contrast of at least 4.5:1 for text, visible focus.
const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;min-height:100vh;font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;\
color:#1a1d24;background:linear-gradient(160deg,#eef2fb 0%,#f7f8fb 60%);display:flex;\
flex-direction:column;align-items:center;padding:32px 16px}\
.card{width:100%;max-width:640px;background:#fff;border-radius:16px;\
box-shadow:0 8px 30px rgba(20,30,60,.10);padding:32px 36px}\
h1{font-size:1.6rem;margin:0 0 8px}h2{font-size:1.1rem;margin:24px 0 8px}\
.lead{color:#3d4452;margin:0 0 16px}\
.tool-header img{border-radius:12px;margin-bottom:12px}\
.tools{list-style:none;padding:0;margin:16px 0}\
.tool{display:flex;align-items:center;gap:16px;padding:14px 16px;border:1px solid #d9dee8;\
border-radius:12px;margin-bottom:10px}.tool div{flex:1}.tool p{margin:2px 0 0;color:#4a5160;\
font-size:.92rem}.tool img{border-radius:8px}\
section{background:#f5f7fb;border-radius:12px;padding:4px 18px 12px;margin:16px 0}\
section ol,section ul{padding-left:20px}code{background:#e8ecf5;border-radius:4px;\
padding:1px 5px;font-size:.9em}\
.field{margin:16px 0}label{display:block;font-weight:600;margin-bottom:4px}\
.badge{font-weight:400;font-size:.8rem;color:#4a5160;margin-left:4px}\
input[type=text],input[type=password]{width:100%;padding:10px 12px;font:inherit;\
border:1px solid #8a93a6;border-radius:8px;background:#fff;color:#1a1d24}\
input:focus,button:focus,a:focus{outline:3px solid #f5a623;outline-offset:2px}\
.help{margin:4px 0 0;font-size:.88rem;color:#4a5160}\
.has-error input{border-color:#b3261e}.field-error{color:#b3261e;margin:4px 0 0;font-weight:600}\
button,.button{display:inline-block;background:#1f4fd1;color:#fff;border:0;border-radius:8px;\
padding:11px 20px;font:inherit;font-weight:600;cursor:pointer;text-decoration:none}\
button:hover,.button:hover{background:#183fa8}button[disabled]{background:#6b7ab0;cursor:wait}\
.note{font-size:.85rem;color:#4a5160}\
.error{border-left:4px solid #b3261e;background:#fdecea;padding:8px 16px;border-radius:8px;\
margin:16px 0}.error h2{margin-top:8px;color:#8c1d18}\
.success{border-left:4px solid #1e7b34;background:#e7f5ea;padding:8px 16px;border-radius:8px}\
.success h2{color:#155d27}\
footer{margin-top:20px;font-size:.85rem;color:#4a5160}\
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}\
@media (max-width:520px){.card{padding:24px 18px}.tool{flex-wrap:wrap}}";

/// Progressive behaviour: focus the error, disable the button while checking, and hand the
/// activation token of an embedded flow to the window that opened the page.
pub const SCRIPT: &str = r#""use strict";
document.addEventListener("DOMContentLoaded", function () {
  var error = document.getElementById("form-error");
  if (error) { error.focus(); }
  var form = document.getElementById("connect-form");
  var button = document.getElementById("connect-submit");
  if (form && button) {
    form.addEventListener("submit", function () { button.disabled = true; });
  }
  var result = document.getElementById("connect-result");
  if (result && result.dataset.linkType === "EMBEDDED" && result.dataset.activationToken) {
    var target = window.opener || (window.parent !== window ? window.parent : null);
    if (target) {
      target.postMessage({ type: "atsbridge-connect-success",
                           token: result.dataset.activationToken }, "*");
    }
  }
});
"#;

#[cfg(test)]
mod tests {
    use super::{escape, markdown};

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn markdown_subset_renders_lists_code_and_emphasis_and_never_raw_html() {
        let html = markdown("Intro *now*\n1. Use `host`\n2. Done\n<script>x</script>");
        assert_eq!(
            html,
            "<p>Intro <em>now</em></p><ol><li>Use <code>host</code></li><li>Done</li></ol>\
             <p>&lt;script&gt;x&lt;/script&gt;</p>"
        );
    }
}
