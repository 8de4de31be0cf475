//! The demo's mailbox: `/demo/mailbox` lists the e-mails Warren wrote into
//! its mailbox folder (newest first) and shows each one, so a newcomer
//! trying the demo can follow an invitation, a password reset or an
//! alert's acknowledge link without a mail server.
//!
//! It exists only under `warren serve --demo` with no `WARREN_SMTP_URL`:
//! the folder holds single-use links to other people's accounts, which no
//! real deployment may show to whoever asks.
//!
//! Each message is a `.eml` file (the message as a mail server would have
//! received it, to open in any mail program) with a `.txt` beside it: its
//! recipient, subject, date and plain-text body, which this page shows.

use std::path::{Path, PathBuf};

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::alerts::compose::escape_html;

/// The `.txt` companion of a mailbox message: the lines the page shows.
pub fn summary(to: &str, subject: &str, date: &str, body: &str) -> String {
    format!("To: {to}\nSubject: {subject}\nDate: {date}\n\n{body}")
}

/// Registers the mailbox pages for `folder`.
pub fn routes(config: &mut web::ServiceConfig, folder: PathBuf) {
    let folder = web::Data::new(MailboxFolder(folder));
    config.service(
        web::scope("/demo/mailbox")
            .app_data(folder)
            .route("", web::get().to(list))
            .route("/{name}", web::get().to(show)),
    );
}

/// The folder the mailbox pages read.
struct MailboxFolder(PathBuf);

/// One message's `.txt`: (file stem, to, subject, date, body).
struct Summary {
    stem: String,
    to: String,
    subject: String,
    date: String,
    body: String,
}

fn read(path: &Path) -> Option<Summary> {
    let text = std::fs::read_to_string(path).ok()?;
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let field = |name: &str| {
        head.lines()
            .find_map(|line| line.strip_prefix(name))
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    Some(Summary {
        stem: path.file_stem()?.to_string_lossy().into_owned(),
        to: field("To:"),
        subject: field("Subject:"),
        date: field("Date:"),
        body: body.to_owned(),
    })
}

fn page(title: &str, content: &str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{} · Warren demo mailbox</title></head>\
             <body style=\"font-family:system-ui,sans-serif;max-width:48rem;margin:1rem auto;padding:0 1rem;line-height:1.5\">\
             {content}</body></html>",
            escape_html(title)
        ))
}

/// Every message, newest first.
async fn list(folder: web::Data<MailboxFolder>) -> HttpResponse {
    let folder = folder.0.clone();
    let messages = web::block(move || {
        let mut found: Vec<(std::time::SystemTime, Summary)> = std::fs::read_dir(&folder)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.path())
                    .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
                    .filter_map(|path| {
                        let modified = path.metadata().and_then(|meta| meta.modified()).ok()?;
                        Some((modified, read(&path)?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
        found
            .into_iter()
            .map(|(_, summary)| summary)
            .collect::<Vec<_>>()
    })
    .await
    .unwrap_or_default();
    let mut content = String::from(
        "<h1>Demo mailbox</h1><p>The e-mails Warren sent while running this demo (it has no mail \
         server), newest first. Open one to follow its links.</p>",
    );
    if messages.is_empty() {
        content.push_str(
            "<p>Nothing yet. Invite someone, ask for a password reset, or refer a tier 1 case.</p>",
        );
    } else {
        content.push_str("<table style=\"width:100%;border-collapse:collapse\"><thead><tr><th align=\"left\">To</th><th align=\"left\">Subject</th><th align=\"left\">Sent</th></tr></thead><tbody>");
        for message in messages {
            content.push_str(&format!(
                "<tr style=\"border-top:1px solid #ccd\"><td>{}</td><td><a href=\"/demo/mailbox/{}\">{}</a></td><td>{}</td></tr>",
                escape_html(&message.to),
                escape_html(&message.stem),
                escape_html(&message.subject),
                escape_html(&message.date)
            ));
        }
        content.push_str("</tbody></table>");
    }
    page("Demo mailbox", &content)
}

/// One message, its links clickable.
async fn show(folder: web::Data<MailboxFolder>, name: web::Path<String>) -> HttpResponse {
    let name = name.into_inner();
    let (stem, raw) = match name.strip_suffix(".eml") {
        Some(stem) => (stem.to_owned(), true),
        None => (name, false),
    };
    let safe = !stem.is_empty() && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if safe && raw {
        return match std::fs::read(folder.0.join(format!("{stem}.eml"))) {
            Ok(bytes) => HttpResponse::Ok()
                .insert_header((header::CONTENT_TYPE, "message/rfc822"))
                .insert_header((
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{stem}.eml\""),
                ))
                .body(bytes),
            Err(_) => HttpResponse::NotFound()
                .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
                .body("No such message."),
        };
    }
    let path = folder.0.join(format!("{stem}.txt"));
    let Some(message) = safe.then(|| read(&path)).flatten() else {
        return HttpResponse::NotFound()
            .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
            .body("No such message.");
    };
    let body = linked(&message.body);
    page(
        &message.subject,
        &format!(
            "<p><a href=\"/demo/mailbox\">← All messages</a></p><h1>{}</h1><p>To: {}<br>Sent: {}</p>\
             <pre style=\"white-space:pre-wrap;font-family:inherit\">{body}</pre>\
             <p><a href=\"/demo/mailbox/{}.eml\">The message as sent (.eml)</a></p>",
            escape_html(&message.subject),
            escape_html(&message.to),
            escape_html(&message.date),
            escape_html(&message.stem)
        ),
    )
}

/// Escapes `text` and makes its `http(s)://` addresses links.
fn linked(text: &str) -> String {
    let mut out = String::new();
    for (index, word) in text.split(' ').enumerate() {
        if index > 0 {
            out.push(' ');
        }
        let lines: Vec<String> = word
            .split('\n')
            .map(|part| {
                if part.starts_with("http://") || part.starts_with("https://") {
                    let escaped = escape_html(part);
                    format!("<a href=\"{escaped}\">{escaped}</a>")
                } else {
                    escape_html(part)
                }
            })
            .collect();
        out.push_str(&lines.join("\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_links_and_the_rest_is_escaped() {
        assert_eq!(
            linked("Open <b>it</b>: https://w.test/a?x=1&y=2\nthen"),
            "Open &lt;b&gt;it&lt;/b&gt;: <a href=\"https://w.test/a?x=1&amp;y=2\">https://w.test/a?x=1&amp;y=2</a>\nthen"
        );
    }
}
