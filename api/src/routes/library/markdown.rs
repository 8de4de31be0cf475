//! Article bodies: Markdown rendered to HTML that is safe to insert into a
//! page. (Their plain text for full-text search is the domain's,
//! [`warren_domain::library::markdown::to_plain_text`].)
//!
//! `pulldown-cmark` renders CommonMark (with tables and strikethrough, the
//! dialect of [`warren_domain::library::markdown::options`]);
//! `ammonia` then keeps only a list of harmless tags and attributes: no
//! `<script>`, `<style>`, `<iframe>` or forms, no `on…` event handlers, no
//! `style` attributes, and links only to `http`, `https`, `mailto` and `tel`
//! addresses or relative ones (a `javascript:` link loses its `href`). Links
//! open with `rel="noopener noreferrer"`. Raw HTML written into the Markdown
//! goes through the same filter, so the server is the one place that decides
//! what an article may contain and the browser inserts what it is given.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::Parser;
use warren_domain::library::markdown::options;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(Some("noopener noreferrer"))
        .rm_tags(["img"])
        .strip_comments(true);
    builder
});

/// The Markdown as sanitised HTML.
pub fn to_html(markdown: &str) -> String {
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(markdown, options()));
    SANITIZER.clean(&html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_headings_lists_tables_and_emphasis() {
        let html = to_html(
            "# Degu enrichment\n\n- dust bath\n- **chew** blocks\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        );
        assert!(html.contains("<h1>Degu enrichment</h1>"), "{html}");
        assert!(
            html.contains("<li><strong>chew</strong> blocks</li>"),
            "{html}"
        );
        assert!(html.contains("<table>"), "{html}");
    }

    #[test]
    fn scripts_event_handlers_and_javascript_links_are_stripped() {
        let html = to_html(
            "Hello <script>alert(1)</script>\n\n\
             <img src=x onerror=\"alert(2)\">\n\n\
             <a href=\"javascript:alert(3)\" onclick=\"alert(4)\">click</a>\n\n\
             [md link](javascript:alert(5)) <b onmouseover=\"alert(6)\">bold</b>\n\n\
             <iframe src=\"https://evil.example\"></iframe><style>body{}</style>",
        );
        for bad in [
            "<script",
            "alert(1)",
            "onerror",
            "javascript:",
            "onclick",
            "onmouseover",
            "<iframe",
            "<style",
            "<img",
        ] {
            assert!(!html.contains(bad), "{bad} survived in {html}");
        }
        assert!(html.contains("<b>bold</b>"), "{html}");
        assert!(html.contains(">md link</a>"), "{html}");
    }

    #[test]
    fn safe_links_keep_their_address_and_open_without_an_opener() {
        let html = to_html("[Guide](https://warren.example/guide) and [call](tel:+441174960123)");
        assert!(
            html.contains(
                "<a href=\"https://warren.example/guide\" rel=\"noopener noreferrer\">Guide</a>"
            ),
            "{html}"
        );
        assert!(html.contains("href=\"tel:+441174960123\""), "{html}");
    }
}
