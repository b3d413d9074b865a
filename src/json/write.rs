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
}
