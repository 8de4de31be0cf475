//! The words of Warren's e-mails: each in plain text and HTML, built from
//! the same parts so the two never say different things. Everything
//! people typed is escaped in the HTML.

/// Escapes text for HTML: the five characters that mean something there.
/// (ammonia's `escape_html` escapes every space as well, which makes prose
/// three times longer for nothing outside attributes without quotes.)
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// An e-mail's subject and bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// Subject line.
    pub subject: String,
    /// Plain text.
    pub text: String,
    /// HTML.
    pub html: String,
}

/// One paragraph or action of an e-mail.
enum Part<'a> {
    /// Words.
    Text(&'a str),
    /// A button (HTML) or a labelled address (text).
    Action { label: &'a str, url: &'a str },
    /// Small print at the foot.
    Small(&'a str),
}

fn build(subject: &str, heading: &str, parts: &[Part<'_>]) -> Composed {
    let mut text = format!("{heading}\n\n");
    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1d2a2e\">\
         <h1 style=\"font-size:1.2em\">{}</h1>",
        escape_html(heading)
    );
    for part in parts {
        match part {
            Part::Text(words) => {
                text.push_str(words);
                text.push_str("\n\n");
                for paragraph in words.split("\n\n") {
                    html.push_str(&format!(
                        "<p>{}</p>",
                        escape_html(paragraph).replace('\n', "<br>")
                    ));
                }
            }
            Part::Action { label, url } => {
                text.push_str(&format!("{label}: {url}\n\n"));
                html.push_str(&format!(
                    "<p><a href=\"{}\" style=\"display:inline-block;padding:0.6em 1.2em;background:#006d77;\
                     color:#fff;text-decoration:none;border-radius:4px\">{}</a></p>",
                    escape_html(url),
                    escape_html(label)
                ));
            }
            Part::Small(words) => {
                text.push_str(&format!("-- \n{words}\n"));
                html.push_str(&format!(
                    "<p style=\"font-size:0.85em;color:#55666b\">{}</p>",
                    escape_html(words).replace('\n', "<br>")
                ));
            }
        }
    }
    html.push_str("</body></html>");
    Composed {
        subject: subject.to_owned(),
        text: text.trim_end().to_owned() + "\n",
        html,
    }
}

/// An alert's e-mail: what happened, a link to it, and for an urgent alert
/// the single-use acknowledge link; for others, where to change the
/// settings and how to stop this kind.
pub fn alert(
    title: &str,
    body: &str,
    open_url: &str,
    acknowledge_url: Option<&str>,
    settings_url: &str,
    unsubscribe_url: Option<&str>,
) -> Composed {
    let subject = if acknowledge_url.is_some() {
        format!("URGENT: {title}")
    } else {
        title.to_owned()
    };
    let mut parts = vec![Part::Text(body)];
    let footer;
    match acknowledge_url {
        Some(acknowledge) => {
            parts.push(Part::Action {
                label: "Acknowledge: I am on it",
                url: acknowledge,
            });
            parts.push(Part::Action {
                label: "Open in Warren",
                url: open_url,
            });
            parts.push(Part::Small(
                "Acknowledging stops the alert going on to the next person on call. The link works \
                 once and needs no sign-in.\nWarren, the care network's platform.",
            ));
        }
        None => {
            parts.push(Part::Action {
                label: "Open in Warren",
                url: open_url,
            });
            footer = match unsubscribe_url {
                Some(unsubscribe) => format!(
                    "You get this e-mail because of your alert settings ({settings_url}).\n\
                     Stop e-mails of this kind: {unsubscribe}"
                ),
                None => format!("Your alert settings: {settings_url}"),
            };
            parts.push(Part::Small(&footer));
        }
    }
    build(&subject, title, &parts)
}

/// One alert's line in a digest.
pub struct DigestLine {
    /// One line.
    pub title: String,
    /// What happened.
    pub body: String,
    /// Where, as a full address.
    pub url: String,
}

/// The daily digest of a person's alerts.
pub fn digest(date: &str, lines: &[DigestLine], settings_url: &str) -> Composed {
    let subject = match lines.len() {
        1 => format!("Your Warren digest for {date}: 1 alert"),
        count => format!("Your Warren digest for {date}: {count} alerts"),
    };
    let mut text = format!("Your Warren digest for {date}\n\n");
    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1d2a2e\">\
         <h1 style=\"font-size:1.2em\">Your Warren digest for {}</h1><ul>",
        escape_html(date)
    );
    for line in lines {
        text.push_str(&format!(
            "* {}\n  {}\n  {}\n\n",
            line.title,
            line.body.replace('\n', "\n  "),
            line.url
        ));
        html.push_str(&format!(
            "<li><p><a href=\"{}\"><strong>{}</strong></a><br>{}</p></li>",
            escape_html(&line.url),
            escape_html(&line.title),
            escape_html(&line.body).replace('\n', "<br>")
        ));
    }
    let footer = format!(
        "These alerts come in one e-mail a day because of your alert settings: {settings_url}"
    );
    text.push_str(&format!("-- \n{footer}\n"));
    html.push_str(&format!(
        "</ul><p style=\"font-size:0.85em;color:#55666b\">{}</p></body></html>",
        escape_html(&footer)
    ));
    Composed {
        subject,
        text,
        html,
    }
}

/// The password-reset e-mail.
pub fn password_reset(name: &str, url: &str, minutes: i64) -> Composed {
    let words = format!(
        "Hello {name},\n\nSomeone (we hope you) asked to reset the password of your Warren account. \
         The link below sets a new one; it works once, within {minutes} minutes, and signs out \
         every device signed in to your account.\n\nIf you did not ask, ignore this e-mail: your \
         password stays as it is."
    );
    build(
        "Reset your Warren password",
        "Reset your Warren password",
        &[
            Part::Text(&words),
            Part::Action {
                label: "Choose a new password",
                url,
            },
            Part::Small("Warren, the care network's platform."),
        ],
    )
}

/// The e-mail to an address that has an account when someone applies for a
/// new organization with it: the answer to the application does not say so.
pub fn already_registered(name: &str, organization: &str, sign_in_url: &str) -> Composed {
    let words = format!(
        "Hello {name},\n\nSomeone (we hope you) applied for {organization} to join Warren with \
         this e-mail address. You already have a Warren account with it, so no new account or \
         organization was made.\n\nSign in with the account you have; if you forgot its \
         password, \"Forgot your password?\" on the sign-in page sends a link. To add another \
         organization, ask a network coordinator, or apply with a different address."
    );
    build(
        "You already have a Warren account",
        "You already have a Warren account",
        &[
            Part::Text(&words),
            Part::Action {
                label: "Sign in",
                url: sign_in_url,
            },
            Part::Small(
                "If you did not apply, ignore this e-mail: nothing changed.\nWarren, the care network's platform.",
            ),
        ],
    )
}

/// The invitation e-mail.
pub fn invitation(inviter: &str, organization: &str, role: &str, url: &str, days: i64) -> Composed {
    let words = format!(
        "{inviter} invited you to join {organization} on Warren as {role}.\n\nWarren is how the \
         care network's clinics, rescues and rehabilitators find each other, triage emergencies, \
         refer patients and lend each other kit. The link below creates your account (or adds \
         {organization} to the one you have); it works for {days} days."
    );
    build(
        &format!("{inviter} invited you to {organization} on Warren"),
        &format!("Join {organization} on Warren"),
        &[
            Part::Text(&words),
            Part::Action {
                label: "Accept the invitation",
                url,
            },
            Part::Small(
                "If you did not expect this, ignore this e-mail.\nWarren, the care network's platform.",
            ),
        ],
    )
}

/// The e-mail asking a new account to confirm its address.
pub fn confirmation(name: &str, url: &str, days: i64) -> Composed {
    let words = format!(
        "Hello {name},\n\nConfirm that this address is yours, so that Warren can e-mail you alerts \
         (until then they wait in your inbox in Warren). The link works once, within {days} days."
    );
    build(
        "Confirm your e-mail address for Warren",
        "Confirm your e-mail address",
        &[
            Part::Text(&words),
            Part::Action {
                label: "Confirm my address",
                url,
            },
            Part::Small(
                "If you have no Warren account, ignore this e-mail.\nWarren, the care network's platform.",
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_urgent_alert_carries_its_acknowledge_link_in_both_bodies() {
        let mail = alert(
            "Tier 1 referral: rabbit",
            "Harbour Vets sent <b>Pip</b>.",
            "https://w.test/referrals/1",
            Some("https://w.test/alerts/acknowledge?token=wra_x"),
            "https://w.test/profile",
            None,
        );
        assert_eq!(mail.subject, "URGENT: Tier 1 referral: rabbit");
        assert!(
            mail.text
                .contains("Acknowledge: I am on it: https://w.test/alerts/acknowledge?token=wra_x")
        );
        assert!(
            mail.html
                .contains("href=\"https://w.test/alerts/acknowledge?token=wra_x\"")
        );
        assert!(
            mail.html.contains("&lt;b&gt;Pip&lt;/b&gt;"),
            "typed text is escaped: {}",
            mail.html
        );
        assert!(!mail.text.contains("Stop e-mails"));
    }

    #[test]
    fn other_alerts_say_how_to_stop_them() {
        let mail = alert(
            "New message",
            "Hello",
            "https://w.test/r",
            None,
            "https://w.test/profile",
            Some("https://w.test/unsubscribe?token=t"),
        );
        assert_eq!(mail.subject, "New message");
        assert!(
            mail.text
                .contains("Stop e-mails of this kind: https://w.test/unsubscribe?token=t")
        );
    }

    #[test]
    fn a_digest_lists_every_alert() {
        let lines = [
            DigestLine {
                title: "Audit due".into(),
                body: "Harbour's listing".into(),
                url: "https://w.test/sites/1".into(),
            },
            DigestLine {
                title: "Skill expiring".into(),
                body: "First aid".into(),
                url: "https://w.test/volunteer/profile".into(),
            },
        ];
        let mail = digest("Tuesday 8 December 2026", &lines, "https://w.test/profile");
        assert_eq!(
            mail.subject,
            "Your Warren digest for Tuesday 8 December 2026: 2 alerts"
        );
        assert!(
            mail.text
                .contains("* Audit due\n  Harbour's listing\n  https://w.test/sites/1")
        );
        assert!(mail.html.contains("Skill expiring"));
    }
}
