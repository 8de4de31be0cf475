//! Article bodies are Markdown: the dialect they are written in, and their
//! words as plain text for full-text search.
//!
//! `pulldown-cmark` reads CommonMark with tables and strikethrough
//! ([`options`]); the server renders the same dialect to sanitised HTML, so
//! what is searched is what is shown.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The CommonMark extensions article bodies are written with: tables and
/// strikethrough.
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The Markdown's words as plain text, one block per line, for search.
/// Raw HTML is left out.
pub fn to_plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(words) | Event::Code(words) => text.push_str(&words),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            ) => text.push('\n'),
            Event::Start(Tag::TableCell) => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_the_words_and_drops_the_markup() {
        let text = to_plain_text("## Diet\n\nOffer *hay* and `pellets`.\n\n<b>raw</b> html\n");
        assert_eq!(text, "Diet\nOffer hay and pellets.\nraw html");
    }
}
