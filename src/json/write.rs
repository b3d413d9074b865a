//! Writing a parsed value back as compact JSON.

use super::{JsonStr, Member, Node, Value};

/// Writes `node` back as compact JSON, letting `replace` substitute the value of any member.
///
/// `replace` gets each member's key and value and returns replacement JSON text, if any.
pub fn write_compact(node: &Node<'_>, out: &mut String, replace: &dyn Fn(&Member<'_>) -> Option<String>) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(text, value) => push_number(out, text, *value),
        Value::String(s) => push_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(item, out, replace);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, member) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_string(out, &member.key);
                out.push(':');
                match replace(member) {
                    Some(text) => out.push_str(&text),
                    None => write_compact(&member.value, out, replace),
                }
            }
            out.push('}');
        }
    }
}

/// `node`'s own text in `input`, the buffer it was parsed from, when that text is already what
/// [`write_compact`] writes for it with no member replaced: no white space or comment between
/// tokens, no escape in a string, no number beyond `f64`, and `replaced` false for every member.
/// Copying it is then the same as writing it, for a fraction of the work.
pub fn written_compact<'i>(
    node: &Node<'_>,
    input: &'i [u8],
    replaced: &impl Fn(&Member<'_>) -> bool,
) -> Option<&'i str> {
    let end = compact_end(node, input, replaced)?;
    std::str::from_utf8(input.get(node.offset..end)?).ok()
}

/// Where `node`'s text ends in `input` when it is written as [`written_compact`] asks. Inlined
/// where a member's or an item's value is looked at, so that a scalar (most values) costs no
/// call; arrays and objects are the calls, and the recursion.
#[inline(always)]
fn compact_end(node: &Node<'_>, input: &[u8], replaced: &impl Fn(&Member<'_>) -> bool) -> Option<usize> {
    let start = node.offset;
    match &node.value {
        Value::Null | Value::Bool(true) => Some(start + 4),
        Value::Bool(false) => Some(start + 5),
        Value::Number(text, value) => (!value.is_infinite()).then(|| start + text.len()),
        Value::String(s) => (!s.has_escapes()).then(|| start + s.raw().len() + 2),
        Value::Array(_) | Value::Object(_) => container_compact_end(node, input, replaced),
    }
}

/// [`compact_end`] of an array or an object (of a scalar, which it is never handed, the same).
#[inline(never)]
fn container_compact_end(node: &Node<'_>, input: &[u8], replaced: &impl Fn(&Member<'_>) -> bool) -> Option<usize> {
    let mut at = node.offset + 1;
    match &node.value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at = after_comma(input, at, i)?;
                at = (item.offset == at).then(|| compact_end(item, input, replaced))??;
            }
            closed_by(input, at, b']')
        }
        Value::Object(members) => {
            for (i, member) in members.iter().enumerate() {
                at = after_comma(input, at, i)?;
                if member.key.has_escapes() || member.key_offset(input) != at || replaced(member) {
                    return None;
                }
                at += member.key.raw().len() + 2;
                at = (input.get(at) == Some(&b':') && member.value.offset == at + 1)
                    .then(|| compact_end(&member.value, input, replaced))??;
            }
            closed_by(input, at, b'}')
        }
        Value::Null | Value::Bool(_) | Value::Number(..) | Value::String(_) => compact_end(node, input, replaced),
    }
}

/// Past the comma that must stand at `at` before every item but the first.
fn after_comma(input: &[u8], at: usize, item: usize) -> Option<usize> {
    match item {
        0 => Some(at),
        _ => (input.get(at) == Some(&b',')).then_some(at + 1),
    }
}

/// Past the `close` that must stand at `at`.
fn closed_by(input: &[u8], at: usize, close: u8) -> Option<usize> {
    (input.get(at) == Some(&close)).then_some(at + 1)
}

/// Writes a number as written, unless no IEEE double holds it (`1e999`): strict readers refuse
/// such a number and with it the whole document, so it is written as a string of its text.
fn push_number(out: &mut String, text: &str, value: f64) {
    if value.is_infinite() {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        out.push_str(text);
    }
}

/// Writes a string as JSON: as written when it holds no escape, else re-escaped from its
/// decoded form, so a lone surrogate (`\ud800`), which strict parsers reject, becomes U+FFFD.
fn push_string(out: &mut String, s: &JsonStr<'_>) {
    if s.has_escapes() {
        out.push_str(&serde_json::Value::String(s.decoded().into_owned()).to_string());
    } else {
        out.push('"');
        out.push_str(s.raw());
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Options, parse_value};

    #[test]
    fn writes_compact_json_with_replacements() {
        let parsed =
            parse_value(b"{ \"token\" : \"abc\", \"n\" : [ 1e2 , \"\\u0041\" ] }", 0, Options::default()).unwrap();
        let mut out = String::new();
        write_compact(&parsed.node, &mut out, &|m| m.key.is("token").then(|| "\"x\"".to_owned()));
        assert_eq!(out, r#"{"token":"x","n":[1e2,"A"]}"#);
    }

    fn compact(text: &str) -> Option<&str> {
        let parsed = parse_value(text.as_bytes(), 0, Options { lenient: true }).unwrap();
        written_compact(&parsed.node, text.as_bytes(), &|m| m.key.is("token"))
    }

    #[test]
    fn compact_text_is_taken_as_written() {
        for text in [r#"{"a":[1,-0.50,true,false,null,{}],"b":{"c":"d"},"b":[]}"#, "[]", "7", r#""é""#] {
            assert_eq!(compact(text), Some(text));
        }
        let written_otherwise = [
            r#"{"a": 1}"#,
            r#"{"a":1 }"#,
            "[1,2 ]",
            "[ 1]",
            r#"{"a":"\u0041"}"#,
            r#"{"\u0061":1}"#,
            r#"{"a":1e999}"#,
            r#"{"a":[1,],"b":2}"#,
            r#"{"a":1/**/}"#,
            r#"{"x":{"token":"t"}}"#,
        ];
        for text in written_otherwise {
            assert_eq!(compact(text), None, "{text}");
        }
    }

    /// A JSON text built from `tokens`, with `gap` between tokens wherever `spaced` says.
    fn joined(tokens: &[String], spaced: &[bool], gap: &str) -> String {
        let mut text = String::new();
        for (token, space) in tokens.iter().zip(spaced.iter().chain(std::iter::repeat(&false))) {
            text.push_str(token);
            if *space {
                text.push_str(gap);
            }
        }
        text
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = Vec<String>> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(vec!["null".to_owned()]),
            Just(vec!["true".to_owned()]),
            prop_oneof![Just("-0"), Just("1.5e3"), Just("1e999"), Just("12345678901234567890"), Just("0.1")]
                .prop_map(|n| vec![n.to_owned()]),
            prop_oneof![Just(r#""plain""#), Just(r#""\u0041""#), Just(r#""a\nb""#), Just(r#""é €""#)]
                .prop_map(|s| vec![s.to_owned()]),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(|items| {
                    let mut tokens = vec!["[".to_owned()];
                    for (i, item) in items.into_iter().enumerate() {
                        if i > 0 {
                            tokens.push(",".to_owned());
                        }
                        tokens.extend(item);
                    }
                    tokens.push("]".to_owned());
                    tokens
                }),
                proptest::collection::vec((prop_oneof![Just("a"), Just("token"), Just(r"b\\")], inner), 0..4).prop_map(
                    |members| {
                        let mut tokens = vec!["{".to_owned()];
                        for (i, (key, value)) in members.into_iter().enumerate() {
                            if i > 0 {
                                tokens.push(",".to_owned());
                            }
                            tokens.push(format!("\"{key}\""));
                            tokens.push(":".to_owned());
                            tokens.extend(value);
                        }
                        tokens.push("}".to_owned());
                        tokens
                    }
                ),
            ]
        })
    }

    proptest::proptest! {
        /// Whatever the spacing, escapes and numbers, text taken as written is what writing gives,
        /// and compact text with nothing to change is always taken.
        #[test]
        fn text_taken_as_written_is_what_writing_gives(
            tokens in json_value(),
            spaced in proptest::collection::vec(proptest::bool::weighted(0.1), 0..64),
            gap in proptest::sample::select(vec![" ", "\n", "\t", "\r\n", "/* c */", "//\n"]),
        ) {
            let text = joined(&tokens, &spaced, gap);
            let parsed = parse_value(text.as_bytes(), 0, Options { lenient: true }).unwrap();
            let mut written = String::new();
            write_compact(&parsed.node, &mut written, &|m| m.key.is("token").then(|| "0".to_owned()));
            match written_compact(&parsed.node, text.as_bytes(), &|m| m.key.is("token")) {
                Some(taken) => proptest::prop_assert_eq!(taken, written.as_str()),
                None => {
                    let plain = !spaced.contains(&true) && !text.contains('\\') && !text.contains("1e999")
                        && !text.contains("\"token\"");
                    proptest::prop_assert!(!plain, "{text:?} was not taken");
                }
            }
        }
    }
}
