//! Validated text: names, e-mail addresses, passwords, web addresses.
//!
//! Each type can only be built through `parse`, which trims and checks its
//! input, and each deserializes through `parse`, so a request carrying an
//! invalid value is refused while it is read — in the server and in the
//! browser alike.

/// Why a piece of text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing but white space.
    #[error("must not be empty")]
    Empty,
    /// Shorter than the minimum, counted in characters.
    #[error("must be at least {0} characters")]
    TooShort(usize),
    /// Longer than the maximum, counted in characters.
    #[error("must be at most {0} characters")]
    TooLong(usize),
    /// Contains control characters such as newlines or NUL.
    #[error("must not contain control characters")]
    ControlCharacters,
    /// Not of the expected form; the text says which form.
    #[error("{0}")]
    Malformed(&'static str),
}

/// Checks that `text` has `min` to `max` characters (and is not empty).
pub(crate) fn check_length(text: &str, min: usize, max: usize) -> Result<(), TextError> {
    let count = text.chars().count();
    if count == 0 {
        Err(TextError::Empty)
    } else if count < min {
        Err(TextError::TooShort(min))
    } else if count > max {
        Err(TextError::TooLong(max))
    } else {
        Ok(())
    }
}

/// Refuses control characters, so the text stays on one line.
pub(crate) fn single_line(text: &str) -> Result<(), TextError> {
    if text.chars().any(char::is_control) {
        Err(TextError::ControlCharacters)
    } else {
        Ok(())
    }
}

validated_text!(
    /// A person's display name: 1–100 characters on one line.
    PersonName,
    "text",
    |input| {
        let name = input.trim().to_owned();
        check_length(&name, Self::LENGTH.0, Self::LENGTH.1).and(single_line(&name)).map(|()| name)
    }
);

impl PersonName {
    /// The fewest and most characters it may have, after trimming.
    pub const LENGTH: (usize, usize) = (1, 100);
}

validated_text!(
    /// An organization's name: 2–120 characters on one line.
    OrgName,
    "text",
    |input| {
        let name = input.trim().to_owned();
        check_length(&name, Self::LENGTH.0, Self::LENGTH.1).and(single_line(&name)).map(|()| name)
    }
);

impl OrgName {
    /// The fewest and most characters it may have, after trimming.
    pub const LENGTH: (usize, usize) = (2, 120);
}

validated_text!(
    /// An API key's label: 1–80 characters on one line.
    ApiKeyName,
    "text",
    |input| {
        let name = input.trim().to_owned();
        check_length(&name, Self::LENGTH.0, Self::LENGTH.1).and(single_line(&name)).map(|()| name)
    }
);

impl ApiKeyName {
    /// The fewest and most characters it may have, after trimming.
    pub const LENGTH: (usize, usize) = (1, 80);
}

validated_text!(
    /// Free text describing an organization: at most 2,000 characters.
    Description,
    "text",
    |input| {
        let text = input.trim().to_owned();
        check_length(&text, Self::LENGTH.0, Self::LENGTH.1).map(|()| text)
    }
);

impl Description {
    /// The fewest and most characters it may have, after trimming.
    pub const LENGTH: (usize, usize) = (1, 2000);
}

validated_text!(
    /// An e-mail address, trimmed and lower-cased.
    Email,
    "email",
    |input| {
        let email = input.trim().to_lowercase();
        check_length(&email, Self::LENGTH.0, Self::LENGTH.1)
            .and(single_line(&email))
            .and_then(|()| {
                let (local, domain) = email
                    .split_once('@')
                    .ok_or(TextError::Malformed("must be an e-mail address like name@example.org"))?;
                let well_formed = !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && !email.contains(char::is_whitespace);
                if well_formed {
                    Ok(email)
                } else {
                    Err(TextError::Malformed("must be an e-mail address like name@example.org"))
                }
            })
    }
);

impl Email {
    /// The fewest and most characters it may have, after trimming.
    pub const LENGTH: (usize, usize) = (3, 254);
}

validated_text!(
    /// A new password: 12–128 characters (OWASP ASVS V2.1), not all one character.
    Password,
    "password",
    |input| {
        check_length(&input, Self::LENGTH.0, Self::LENGTH.1).and_then(|()| {
            let mut chars = input.chars();
            let first = chars.next();
            if chars.all(|c| Some(c) == first) {
                Err(TextError::Malformed("must not repeat a single character"))
            } else {
                Ok(input)
            }
        })
    }
);

impl Password {
    /// The fewest and most characters it may have, as given.
    pub const LENGTH: (usize, usize) = (12, 128);
}

validated_text!(
    /// A public web address starting with `http://` or `https://`.
    Website,
    "uri",
    |input| {
        let url = input.trim().to_owned();
        check_length(&url, Self::LENGTH.0, Self::LENGTH.1)
            .and(single_line(&url))
            .and_then(|()| {
                let rest = url
                    .strip_prefix("https://")
                    .or_else(|| url.strip_prefix("http://"))
                    .ok_or(TextError::Malformed("must start with http:// or https://"))?;
                if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
                    Err(TextError::Malformed("must be a web address like https://example.org"))
                } else {
                    Ok(url)
                }
            })
    }
);

impl Website {
    /// The fewest and most characters it may have, after trimming.
    pub const LENGTH: (usize, usize) = (8, 300);
}

validated_text!(
    /// One line of an address, a town or a postcode: 1–200 characters.
    AddressLine,
    "text",
    |input| {
        let line = input.trim().to_owned();
        check_length(&line, Self::LENGTH.0, Self::LENGTH.1).and(single_line(&line)).map(|()| line)
    }
);

impl AddressLine {
    /// The fewest and most characters it may have, after trimming.
    pub const LENGTH: (usize, usize) = (1, 200);
}

validated_text!(
    /// A phone number: digits with optional `+`, spaces, dashes, dots and
    /// parentheses, 6–30 characters, at least 6 digits.
    Phone,
    "text",
    |input| {
        let phone = input.trim().to_owned();
        check_length(&phone, Self::LENGTH.0, Self::LENGTH.1).and_then(|()| {
            let allowed = phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
            let digits = phone.chars().filter(char::is_ascii_digit).count();
            if allowed && digits >= 6 {
                Ok(phone)
            } else {
                Err(TextError::Malformed("must be a phone number like 0117 496 0123"))
            }
        })
    }
);

impl Phone {
    /// The fewest and most characters it may have, after trimming.
    pub const LENGTH: (usize, usize) = (6, 30);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        let email = Email::parse("  Vet@Example.ORG ").unwrap();
        assert_eq!(email.as_str(), "vet@example.org");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "vet",
            "vet@",
            "@example.org",
            "vet@example",
            "a b@example.org",
            "v@.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn passwords_need_twelve_characters_and_some_variety() {
        assert_eq!(Password::parse("short"), Err(TextError::TooShort(12)));
        assert!(Password::parse("aaaaaaaaaaaaaaa").is_err());
        assert!(Password::parse("correct horse battery").is_ok());
        assert_eq!(
            Password::parse("x".repeat(129) + "y"),
            Err(TextError::TooLong(128))
        );
    }

    #[test]
    fn names_are_single_lines() {
        assert_eq!(
            PersonName::parse("Ann\nLee"),
            Err(TextError::ControlCharacters)
        );
        assert_eq!(OrgName::parse("   "), Err(TextError::Empty));
        assert_eq!(
            OrgName::parse("Burrow Vets").unwrap().as_str(),
            "Burrow Vets"
        );
    }

    #[test]
    fn websites_need_a_scheme_and_a_host() {
        assert!(Website::parse("https://burrow.example").is_ok());
        assert!(Website::parse("ftp://burrow.example").is_err());
        assert!(Website::parse("https:///path").is_err());
        assert!(Website::parse("javascript:alert(1)").is_err());
    }

    #[test]
    fn invalid_values_are_refused_while_deserializing() {
        let result: Result<Email, _> = serde_json::from_str("\"not-an-email\"");
        assert!(result.is_err());
        let ok: Email = serde_json::from_str("\"A@B.example\"").unwrap();
        assert_eq!(ok.as_str(), "a@b.example");
    }

    proptest! {
        #[test]
        fn parsed_names_never_hold_control_characters(input in ".{0,200}") {
            if let Ok(name) = PersonName::parse(input) {
                prop_assert!(!name.as_str().chars().any(char::is_control));
                prop_assert!((1..=100).contains(&name.as_str().chars().count()));
            }
        }

        #[test]
        fn parsing_is_idempotent(input in "[a-zA-Z0-9@. ]{0,40}") {
            if let Ok(email) = Email::parse(input) {
                prop_assert_eq!(Email::parse(email.as_str().to_owned()), Ok(email.clone()));
            }
        }
    }
}

validated_text!(
    /// A short label on one line: a patient's name, an identifier, an age,
    /// a place. 1–200 characters.
    ShortText,
    "text",
    |input| {
        let text = input.trim().to_owned();
        check_length(&text, Self::LENGTH.0, Self::LENGTH.1).and(single_line(&text)).map(|()| text)
    }
);

impl ShortText {
    /// The fewest and most characters it may have, after trimming.
    pub const LENGTH: (usize, usize) = (1, 200);
}

validated_text!(
    /// Clinical free text that may span lines: a history, a reason for
    /// referral, a message in a case thread. 1–4,000 characters.
    ClinicalNote,
    "text",
    |input| {
        let text = input.trim().to_owned();
        check_length(&text, Self::LENGTH.0, Self::LENGTH.1).map(|()| text)
    }
);

impl ClinicalNote {
    /// The fewest and most characters it may have, after trimming.
    pub const LENGTH: (usize, usize) = (1, 4000);
}
