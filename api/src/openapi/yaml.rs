//! The OpenAPI document as YAML that means the same to a YAML 1.1 reader
//! (PyYAML, and the generators and linters built on it) as to a YAML 1.2
//! one, and the same as the JSON the server publishes.
//!
//! utoipa's `to_yaml` (serde_norway, a port of libyaml) quotes a string only
//! when YAML 1.2 would read it as something else, so the triage answers `yes`
//! and `no` came out bare and YAML 1.1 readers took them for booleans. No
//! YAML crate at hand lets its caller pick a scalar's style, so this writer
//! does it itself over the document's JSON: a string stays plain only where
//! no reader of either version could take it for anything but a string;
//! otherwise it is single-quoted, or double-quoted when it holds a character
//! that needs an escape; text over several lines is a literal block. The
//! layout is the one libyaml writes (two-space indent, sequences level with
//! their key), so the committed file changes only where a quote is added.
//! It walks serde_norway's `Value` because that keeps the order in which the
//! document's fields serialize (`openapi`, `info`, `paths` …), as
//! `serde_json`'s map does not.

use std::fmt::Write as _;

use serde_norway::{Mapping, Number, Value};

/// Writes `document` as a YAML document.
pub fn to_yaml<T: serde::Serialize>(document: &T) -> Result<String, serde_norway::Error> {
    Ok(write_document(&serde_norway::to_value(document)?))
}

fn write_document(document: &Value) -> String {
    let mut out = String::new();
    match document {
        Value::Mapping(map) if !map.is_empty() => mapping(&mut out, map, 0, false),
        other => {
            scalar_or_empty(&mut out, other, 0);
            out.push('\n');
        }
    }
    out
}

/// The entries of `map`, each key at `indent`; the first one continues the
/// current line when `inline` (after a sequence's `- `).
fn mapping(out: &mut String, map: &Mapping, indent: usize, inline: bool) {
    for (index, (key, value)) in map.iter().enumerate() {
        if index > 0 || !inline {
            pad(out, indent);
        }
        match untagged(key) {
            Value::String(key) => out.push_str(&flow_string(key)),
            key => scalar_or_empty(out, key, indent + 2),
        }
        out.push(':');
        match untagged(value) {
            Value::Mapping(inner) if !inner.is_empty() => {
                out.push('\n');
                mapping(out, inner, indent + 2, false);
            }
            Value::Sequence(items) if !items.is_empty() => {
                out.push('\n');
                sequence(out, items, indent, false);
            }
            scalar => {
                out.push(' ');
                scalar_or_empty(out, scalar, indent + 2);
                out.push('\n');
            }
        }
    }
}

/// The items of `items`, each `- ` at `indent`; the first one continues the
/// current line when `inline` (a sequence inside a sequence).
fn sequence(out: &mut String, items: &[Value], indent: usize, inline: bool) {
    for (index, item) in items.iter().enumerate() {
        if index > 0 || !inline {
            pad(out, indent);
        }
        out.push_str("- ");
        match untagged(item) {
            Value::Mapping(inner) if !inner.is_empty() => mapping(out, inner, indent + 2, true),
            Value::Sequence(inner) if !inner.is_empty() => sequence(out, inner, indent + 2, true),
            scalar => {
                scalar_or_empty(out, scalar, indent + 2);
                out.push('\n');
            }
        }
    }
}

/// A scalar, `{}` or `[]`, without the line break after it. A literal
/// block's lines are indented to `indent`.
fn scalar_or_empty(out: &mut String, value: &Value, indent: usize) {
    match untagged(value) {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => out.push_str(&number_text(number)),
        Value::String(text) if literal_block_fits(text) => literal_block(out, text, indent),
        Value::String(text) => out.push_str(&flow_string(text)),
        Value::Sequence(_) => out.push_str("[]"),
        Value::Mapping(_) => out.push_str("{}"),
        Value::Tagged(_) => unreachable!("`untagged` strips tags"),
    }
}

/// The value under any YAML tags: a document serialized from JSON types
/// (as OpenAPI's are) has none, and JSON could not say one.
fn untagged(mut value: &Value) -> &Value {
    while let Value::Tagged(tagged) = value {
        value = &tagged.value;
    }
    value
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A number both versions read as the same number. YAML 1.1 reads a float
/// only with a `.` and a signed exponent (`1.0e+20`, not `1e20`).
fn number_text(number: &Number) -> String {
    let text = number.to_string();
    if !number.is_f64() {
        return text;
    }
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (text.as_str(), None),
    };
    let mut out = mantissa.to_owned();
    if !mantissa.contains('.') {
        out.push_str(".0");
    }
    if let Some(exponent) = exponent {
        out.push('e');
        if !exponent.starts_with(['+', '-']) {
            out.push('+');
        }
        out.push_str(exponent);
    }
    out
}

/// A string on one line: plain, single-quoted or double-quoted.
fn flow_string(text: &str) -> String {
    if plain_is_string(text) {
        text.to_owned()
    } else if text.chars().all(|c| c == ' ' || printable(c)) {
        format!("'{}'", text.replace('\'', "''"))
    } else {
        double_quoted(text)
    }
}

/// Whether `text` written plain is read back as this string by YAML 1.1 and
/// 1.2 readers alike. Cautious on purpose: anything that starts like a
/// number, a date, a time or a special float is quoted, as is every spelling
/// of YAML 1.1's booleans (`yes`, `No`, `ON`, `y` …) and of null.
fn plain_is_string(text: &str) -> bool {
    const WORDS: [&str; 10] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    ];
    let Some(first) = text.chars().next() else {
        return false;
    };
    let last = text.chars().next_back().unwrap_or(first);
    !(first == ' '
        || last == ' '
        || last == ':'
        // Indicators, and what starts a number, `.inf` or `.nan`.
        || "-?:,[]{}#&*!|>'\"%@`=<.+~".contains(first)
        || first.is_ascii_digit()
        || text.contains(": ")
        || text.contains(" #")
        || !text.chars().all(|c| c == ' ' || printable(c))
        || WORDS.iter().any(|word| text.eq_ignore_ascii_case(word)))
}

/// Characters both versions allow unescaped inside a scalar: printable,
/// not a line break (YAML 1.1 also breaks lines at U+0085, U+2028 and
/// U+2029), not a tab or a byte order mark.
fn printable(c: char) -> bool {
    matches!(c, '\u{21}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// `text` double-quoted, with the escapes YAML 1.1 and 1.2 share.
fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == ' ' || printable(c) => out.push(c),
            c if u32::from(c) <= 0xFF => {
                let _ = write!(out, "\\x{:02X}", u32::from(c));
            }
            c if u32::from(c) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => {
                let _ = write!(out, "\\U{:08X}", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

/// Whether `text` reads back exactly as a literal block: several lines of
/// printable text, the first not starting with a space (which would need an
/// indentation indicator), no line ending in a space (which editors strip).
fn literal_block_fits(text: &str) -> bool {
    text.contains('\n')
        && !text.starts_with([' ', '\n'])
        && text
            .split('\n')
            .all(|line| !line.ends_with(' ') && line.chars().all(|c| c == ' ' || printable(c)))
}

/// `text` as a literal block (`|-`, `|` or `|+` by its final line breaks),
/// its lines indented to `indent`.
fn literal_block(out: &mut String, text: &str, indent: usize) {
    let body = text.trim_end_matches('\n');
    let chomping = match text.len() - body.len() {
        0 => "|-",
        1 => "|",
        _ => "|+",
    };
    out.push_str(chomping);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            pad(out, indent);
            out.push_str(line);
        }
    }
    for _ in 1..text.len() - body.len() {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn to_yaml(value: &serde_json::Value) -> String {
        super::to_yaml(value).expect("JSON serializes")
    }

    #[test]
    fn words_yaml_1_1_reads_as_booleans_or_null_are_quoted() {
        let yaml =
            to_yaml(&json!({ "enum": ["yes", "no", "On", "y", "N", "null", "~", "unknown"] }));
        assert_eq!(
            yaml,
            "enum:\n- 'yes'\n- 'no'\n- 'On'\n- 'y'\n- 'N'\n- 'null'\n- '~'\n- unknown\n"
        );
    }

    #[test]
    fn what_looks_like_a_number_or_date_is_quoted() {
        let yaml = to_yaml(&json!({
            "a": "200", "b": "1_000", "c": "2026-01-01", "d": "1:30", "e": ".inf",
            "f": "+1", "g": "0o17", "h": "<<", "i": "=", "j": "", "k": " padded"
        }));
        assert_eq!(
            yaml,
            "a: '200'\nb: '1_000'\nc: '2026-01-01'\nd: '1:30'\ne: '.inf'\nf: '+1'\ng: '0o17'\n\
             h: '<<'\ni: '='\nj: ''\nk: ' padded'\n"
        );
    }

    #[test]
    fn numbers_read_as_the_same_numbers_in_yaml_1_1() {
        let yaml = to_yaml(&json!({ "a": 1, "b": -2.5, "c": 1e20, "d": 1.5e-7, "e": 3.0 }));
        assert_eq!(yaml, "a: 1\nb: -2.5\nc: 1.0e+20\nd: 1.5e-7\ne: 3.0\n");
    }

    #[test]
    fn text_over_several_lines_is_a_literal_block_and_controls_are_escaped() {
        let yaml = to_yaml(&json!({
            "items": [{ "description": "One.\n\nTwo.", "kept": "end\n\n" }],
            "tab": "a\tb",
            "nested": [["a", "b"], []],
            "empty": {}
        }));
        // serde_json's map sorts the keys.
        assert_eq!(
            yaml,
            "empty: {}\nitems:\n- description: |-\n    One.\n\n    Two.\n  kept: |+\n    end\n\n\
             nested:\n- - a\n  - b\n- []\ntab: \"a\\tb\"\n"
        );
    }
}
