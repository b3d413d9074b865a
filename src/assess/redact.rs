//! Keeping credentials out of every output.
//!
//! `token` and `interviewToken` are JWTs per the vendor's documentation; a capture that holds a
//! live one must not spread it further. Payloads are re-serialized with every credential replaced
//! by its length, and messages never quote a credential. Any other text of a result that holds
//! something shaped like a JWT (an id, a quoted value, a key) has it replaced the same way.

use super::CheckResult;
use crate::contract::{SECRET_KEYS, is_secret_key, without_jwts};
use crate::json::{Member, Node, Value, write_compact, written_compact};

fn hide_in<T: AsRef<str> + From<String>>(text: &mut T) {
    if let Some(clean) = without_jwts(text.as_ref()) {
        *text = T::from(clean);
    }
}

/// Replaces every JWT-shaped run in the text `result` shows: ids, the capture's date-time,
/// messages and pointers (its payload is written without them by [`payload_json`]).
pub fn hide_jwts(result: &mut CheckResult) {
    result.customer_id.iter_mut().chain(result.transaction_id.iter_mut()).for_each(hide_in);
    result.captured_at.iter_mut().for_each(hide_in);
    result.reasons.iter_mut().for_each(|reason| hide_in(&mut reason.message));
    let mended = result.mended.iter_mut().flat_map(|m| m.findings.iter_mut());
    for finding in result.findings.iter_mut().chain(mended) {
        hide_in(&mut finding.message);
        hide_in(&mut finding.pointer);
        finding.details.texts_mut().for_each(hide_in);
    }
    for mended in result.mended.iter_mut() {
        mended.reasons.iter_mut().for_each(|reason| hide_in(&mut reason.message));
    }
}

/// What replaces a credential (`token`, `interviewToken`): its length, never its value.
fn redaction(member: &Member<'_>) -> Option<String> {
    if !is_redacted(member) {
        return None;
    }
    match &member.value.value {
        Value::String(s) => Some(format!("\"<redacted: {} characters>\"", s.decoded().chars().count())),
        _ => Some("\"<redacted>\"".to_owned()),
    }
}

/// Whether [`redaction`] replaces `member`'s value: a credential's, unless empty or `null`.
fn is_redacted(member: &Member<'_>) -> bool {
    let secret = is_secret_key(&member.key.decoded());
    let empty = match &member.value.value {
        Value::Null => true,
        Value::String(s) => s.raw().is_empty(),
        _ => false,
    };
    secret && !empty
}

/// Stands for a credential's value while the rest of the text is redacted: compact JSON never
/// holds a raw U+0001 (a string escapes it), so the mark cannot be confused with payload text.
const KEPT: char = '\u{1}';

/// Bytes reserved for a payload written as compact JSON: documented payloads take 400 to 700.
const PAYLOAD_ROOM: usize = 1024;

/// The payload as compact JSON with anything shaped like a JWT, value or key, replaced by its
/// length; the credentials' values (`token`, `interviewToken`) too, unless `show_secrets`,
/// which keeps them and only them. `input` is the buffer `node` was parsed from: when the
/// payload stands there as compact JSON with no credential to replace, that text is taken.
pub fn payload_json(node: &Node<'_>, input: &[u8], show_secrets: bool) -> String {
    // Room for a typical payload, so that writing it does not grow the string piece by piece.
    let mut out = String::with_capacity(PAYLOAD_ROOM);
    if let Some(text) = written_compact(node, input, &is_redacted) {
        out.push_str(text);
    } else if !show_secrets {
        write_compact(node, &mut out, &redaction);
    } else {
        return with_credentials_kept(node, out);
    }
    without_jwts(&out).unwrap_or(out)
}

/// `node` written into `out` as [`payload_json`] writes it, the credentials' values kept.
fn with_credentials_kept(node: &Node<'_>, mut out: String) -> String {
    let kept = std::cell::RefCell::new(Vec::new());
    write_compact(node, &mut out, &|member| {
        let mut value = String::new();
        redaction(member)?;
        write_compact(&member.value, &mut value, &|_| None);
        let mut kept = kept.borrow_mut();
        kept.push(value);
        Some(format!("{KEPT}{}{KEPT}", kept.len() - 1))
    });
    let redacted = without_jwts(&out).unwrap_or(out);
    let kept = kept.into_inner();
    let mut parts = redacted.split(KEPT);
    let mut text = parts.next().unwrap_or_default().to_owned();
    while let (Some(index), Some(after)) = (parts.next(), parts.next()) {
        text.push_str(index.parse::<usize>().ok().and_then(|i| kept.get(i)).map_or("null", String::as_str));
        text.push_str(after);
    }
    text
}

/// A request body as a receiver may keep it: the value of every credential member (`token`,
/// `interviewToken` and the other [`SECRET_KEYS`]) of every JSON value in it replaced by its
/// length, as results show it, and any other JWT-shaped run too; everything else byte for byte
/// as it was. A credential that was there still reads as one (`token-present`).
pub fn redact_credentials(body: &str) -> String {
    let mut values = Vec::new();
    // Read as text, a body shows its credentials' keys unless they are spelled with escapes
    // (`"\u0074oken"`); only then is it parsed for them.
    let parsed = body.contains("\\u").then(|| parsed_redaction(body, &mut values));
    let scrubbed = scrub_credential_text(parsed.as_deref().unwrap_or(body), &mut values);
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    let repeated = without_values(&scrubbed, &values);
    without_jwts(&repeated).unwrap_or(repeated)
}

/// `body` with the value of every credential member of every JSON value in it replaced by its
/// length, found by parsing; the values replaced are added to `values`.
fn parsed_redaction(body: &str, values: &mut Vec<String>) -> String {
    let mut spans = Vec::new();
    let lenient = crate::scan::ScanOptions { lenient: true, ..crate::scan::ScanOptions::default() };
    let mut scanner = crate::scan::Scanner::new(lenient);
    for found in scanner.scan(body.as_bytes(), true).found {
        if let crate::scan::Found::Value { parsed, .. } = found {
            credential_spans(&parsed.node, body, &mut spans);
        }
    }
    spans.sort_unstable();
    let mut redacted = String::with_capacity(body.len());
    let mut copied = 0;
    for &(start, end, characters) in &spans {
        if start >= copied {
            redacted.push_str(body.get(copied..start).unwrap_or_default());
            redacted.push_str(&format!("<redacted: {characters} characters>"));
            values.extend(body.get(start..end).map(str::to_owned));
            copied = end;
        }
    }
    redacted.push_str(body.get(copied..).unwrap_or_default());
    redacted
}

/// The shortest credential value looked for elsewhere in a body: shorter ones would match
/// ordinary text.
const MIN_REPEATED: usize = 6;

/// `text` with every other occurrence of a credential's value (quoted in a message, say)
/// replaced as the value itself was.
pub fn without_values(text: &str, values: &[&str]) -> String {
    let mut out = text.to_owned();
    for value in values.iter().filter(|v| v.len() >= MIN_REPEATED && !v.starts_with("<redacted")) {
        if out.contains(value) {
            out = out.replace(value, &format!("<redacted: {} characters>", value.chars().count()));
        }
    }
    out
}

/// What stands for a credential's value that could not be measured as a JSON string.
const REDACTED: &str = "<redacted>";

/// The text with the value after every credential key replaced, read as text rather than as
/// JSON: a net under the parsed redaction for what does not parse (a broken body, a payload
/// encoded in a string, with its quotes escaped) and for values that are not strings. A key
/// counts where it is quoted (`"token"` or `\"token\"`) and followed by a colon.
fn scrub_credential_text(text: &str, values: &mut Vec<String>) -> String {
    let bytes = text.as_bytes();
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for key in SECRET_KEYS {
        for (at, _) in text.match_indices(key) {
            if let Some((start, end, replacement)) = value_after_key(bytes, at, key.len()) {
                let value = text.get(start..end).unwrap_or_default();
                let replacement = match replacement {
                    Some(fixed) => fixed.to_owned(),
                    None => format!("<redacted: {} characters>", decoded_len(value)),
                };
                values.push(value.to_owned());
                edits.push((start, end, replacement));
            }
        }
    }
    edits.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end, replacement) in edits {
        if start >= copied {
            out.push_str(text.get(copied..start).unwrap_or_default());
            out.push_str(&replacement);
            copied = end;
        }
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// How many characters a JSON string body decodes to: an escape (`\"`, `\u00e9`) is one.
fn decoded_len(raw: &str) -> usize {
    let mut chars = raw.chars();
    let mut count = 0;
    while let Some(c) = chars.next() {
        if c == '\\' && chars.next() == Some('u') {
            chars.by_ref().take(4).for_each(drop);
        }
        count += 1;
    }
    count
}

/// The span of the value after the key at `at`, when the key is quoted and followed by a colon
/// (or is a form's or query's name followed by `=`), and what replaces it: a fixed text, or
/// (`None`) the value's length; `None` for an empty or already redacted value.
fn value_after_key(bytes: &[u8], at: usize, key_len: usize) -> Option<(usize, usize, Option<&'static str>)> {
    let escaped_quote = |i: usize| bytes.get(i..i + 2) == Some(b"\\\"");
    let before = at.checked_sub(1).and_then(|i| bytes.get(i));
    if before.is_none_or(|b| matches!(b, b'&' | b'?')) && bytes.get(at + key_len) == Some(&b'=') {
        // A form or a query: `token=VALUE&...`.
        let start = at + key_len + 1;
        let rest = bytes.get(start..).unwrap_or_default();
        let end = start + rest.iter().position(|b| matches!(b, b'&' | b'\n' | b'\r' | b' ')).unwrap_or(rest.len());
        return (end > start).then_some((start, end, Some(REDACTED)));
    }
    if before != Some(&b'"') {
        return None;
    }
    let mut i = at + key_len;
    i += match bytes.get(i) {
        Some(b'"') => 1,
        Some(b'\\') if escaped_quote(i) => 2,
        _ => return None,
    };
    let skip_space = |mut i: usize| {
        while bytes.get(i).is_some_and(|b| matches!(b, b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    i = skip_space(i);
    if bytes.get(i) != Some(&b':') {
        return None;
    }
    let start = skip_space(i + 1);
    let rest = bytes.get(start..)?;
    if rest.starts_with(b"\"<redacted") || rest.starts_with(b"\\\"<redacted") || rest.starts_with(b"\"\"") {
        return None;
    }
    if rest.starts_with(b"\\\"\\\"") || rest.starts_with(b"null") {
        return None;
    }
    if rest.starts_with(b"\\\"") {
        let inner = start + 2;
        let end = (inner..bytes.len()).find(|&j| escaped_quote(j)).unwrap_or_else(|| line_end(bytes, inner));
        return Some((inner, end, None));
    }
    if rest.starts_with(b"\"") {
        let inner = start + 1;
        return Some((inner, string_end(bytes, inner), None));
    }
    Some((start, bare_value_end(bytes, start), Some("\"<redacted>\"")))
}

/// Where a JSON string that starts at `from` (after its quote) ends: its closing quote, else the
/// end of its line.
fn string_end(bytes: &[u8], from: usize) -> usize {
    let mut j = from;
    while let Some(&b) = bytes.get(j) {
        match b {
            b'\\' => j += 2,
            b'"' | b'\n' | b'\r' => return j,
            _ => j += 1,
        }
    }
    bytes.len()
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    memchr::memchr2(b'\n', b'\r', bytes.get(from..).unwrap_or_default()).map_or(bytes.len(), |i| from + i)
}

/// Where a value that is not a string ends: the `,`, `}` or `]` that closes it at its own depth,
/// or the end of its line.
fn bare_value_end(bytes: &[u8], from: usize) -> usize {
    let mut depth = 0usize;
    let mut j = from;
    while let Some(&b) = bytes.get(j) {
        match b {
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => return j,
            b'}' | b']' => depth -= 1,
            b',' if depth == 0 => return j,
            b'\n' | b'\r' => return j,
            b'"' => {
                j = string_end(bytes, j + 1);
            }
            _ => {}
        }
        j += 1;
    }
    bytes.len()
}

/// The byte ranges of `body` that hold the text of a credential member's string value, at any
/// depth of `node`, with the value's length in characters; an empty value, and a value decoded
/// from an encoded string (not a slice of `body`), have none.
fn credential_spans(node: &Node<'_>, body: &str, spans: &mut Vec<(usize, usize, usize)>) {
    match &node.value {
        Value::Object(members) => {
            for member in members {
                match &member.value.value {
                    Value::String(text) if is_secret_key(&member.key.decoded()) => {
                        let start = (text.raw().as_ptr() as usize).wrapping_sub(body.as_ptr() as usize);
                        let end = start.checked_add(text.raw().len()).filter(|&end| end <= body.len() && end > start);
                        if let Some(end) = end {
                            spans.push((start, end, text.decoded().chars().count()));
                        }
                    }
                    _ => credential_spans(&member.value, body, spans),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| credential_spans(item, body, spans)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Options, parse_value};

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";

    #[test]
    fn redacts_credentials_but_not_empty_ones() {
        let text = format!(r#"{{"token":"{JWT}","interviewToken":"","note":"{JWT}","n":1}}"#);
        let parsed = parse_value(text.as_bytes(), 0, Options::default()).unwrap();
        let json = payload_json(&parsed.node, text.as_bytes(), false);
        assert_eq!(
            json,
            r#"{"token":"<redacted: 49 characters>","interviewToken":"","note":"<redacted: 49 characters>","n":1}"#
        );
        assert!(payload_json(&parsed.node, text.as_bytes(), true).contains(JWT));
    }

    #[test]
    fn a_body_keeps_everything_but_its_credentials() {
        let body = format!(
            "{{\"token\": \"opaque-credential\", \"a\": {{\"interviewToken\":\"x\\\"y\"}}, \"note\": \"{JWT}\"}}\n{{\"token\":\"second\"}}"
        );
        assert_eq!(
            redact_credentials(&body),
            "{\"token\": \"<redacted: 17 characters>\", \"a\": {\"interviewToken\":\"<redacted: 3 characters>\"}, \"note\": \"<redacted: 49 characters>\"}\n{\"token\":\"<redacted: 6 characters>\"}"
        );
        assert_eq!(redact_credentials("{\"token\": \"\", broken"), "{\"token\": \"\", broken");
    }

    proptest::proptest! {
        /// Whatever surrounds it, a credential's value never survives, and no body panics.
        #[test]
        fn no_credential_survives_any_body(
            before in ".{0,60}",
            key in proptest::sample::select(SECRET_KEYS),
            escaped in proptest::bool::ANY,
            value in "[A-Za-z0-9_.-]{6,30}",
            after in ".{0,60}",
        ) {
            let quote = if escaped { "\\\"" } else { "\"" };
            let body = format!("{before}{quote}{key}{quote}: {quote}{value}{quote}{after}");
            let redacted = redact_credentials(&body);
            proptest::prop_assert!(!redacted.contains(&value), "{body:?} -> {redacted:?}");
        }
    }

    #[test]
    fn credentials_are_scrubbed_from_what_does_not_parse() {
        let cases = [
            (
                r#"{"body":"{\"token\":\"SECRET\",\"a\":1}"}"#,
                r#"{"body":"{\"token\":\"<redacted: 6 characters>\",\"a\":1}"}"#,
            ),
            (
                "{\"token\": \"SECRET\" /* c */, \"a\": 1}",
                "{\"token\": \"<redacted: 6 characters>\" /* c */, \"a\": 1}",
            ),
            ("{\"token\": \"SECRET\\q\", \"a\": 1", "{\"token\": \"<redacted: 7 characters>\", \"a\": 1"),
            ("{\"token\": \"SECRET\n", "{\"token\": \"<redacted: 6 characters>\n"),
            ("{\"\\u0074oken\": \"SECRET\"}", "{\"\\u0074oken\": \"<redacted: 6 characters>\"}"),
            ("{\"token\": SECRET, \"a\"", "{\"token\": \"<redacted>\", \"a\""),
            (r#"{"token":{"value":"SECRET"},"a":1}"#, r#"{"token":"<redacted>","a":1}"#),
            (r#"{"interviewToken":["SECRET"]}"#, r#"{"interviewToken":"<redacted>"}"#),
            (r#"{"tokenizer":"kept","token":null}"#, r#"{"tokenizer":"kept","token":null}"#),
            ("token=SECRET&interviewToken=SECRET2&x=1", "token=<redacted>&interviewToken=<redacted>&x=1"),
            (
                r#"{"token":"SECRET-VALUE","errorMessage":"bad token SECRET-VALUE"}"#,
                r#"{"token":"<redacted: 12 characters>","errorMessage":"bad token <redacted: 12 characters>"}"#,
            ),
        ];
        for (body, expected) in cases {
            let redacted = redact_credentials(body);
            assert!(!redacted.contains("SECRET"), "{body} -> {redacted}");
            assert_eq!(redacted, expected, "{body}");
        }
    }
}
