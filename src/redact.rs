//! Keeping credentials out of every output.
//!
//! `token` and `interviewToken` are JWTs per the vendor's documentation; a capture that holds a
//! live one must not spread it further. Payloads are re-serialized with every credential replaced
//! by its length, and messages never quote a credential.

use crate::contract::SECRET_KEYS;
use crate::json::{Member, Node, Value, write_compact};

/// Whether `text` has the shape of a JSON Web Token (three base64url parts, the first `eyJ`).
pub fn looks_like_jwt(text: &str) -> bool {
    let mut parts = text.split('.');
    let is_part = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(header), Some(body), Some(signature), None)
            if header.starts_with("eyJ") && is_part(header) && is_part(body) && (signature.is_empty() || is_part(signature))
    )
}

/// What replaces a credential: its length, never its value.
fn redaction(member: &Member<'_>) -> Option<String> {
    let secret_key = || SECRET_KEYS.iter().any(|key| member.key.is(key));
    match &member.value.value {
        Value::String(s) if s.raw().is_empty() => None,
        Value::String(s) if s.raw().starts_with("eyJ") || s.has_escapes() || secret_key() => {
            let text = s.decoded();
            (secret_key() || looks_like_jwt(&text))
                .then(|| format!("\"<redacted: {} characters>\"", text.chars().count()))
        }
        Value::String(_) | Value::Null => None,
        _ if secret_key() => Some("\"<redacted>\"".to_owned()),
        _ => None,
    }
}

/// The payload as compact JSON; credentials are replaced by their length unless `show_secrets`.
pub fn payload_json(node: &Node<'_>, show_secrets: bool) -> String {
    let mut out = String::new();
    if show_secrets {
        write_compact(node, &mut out, &|_| None);
    } else {
        write_compact(node, &mut out, &redaction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Options, parse_value};

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";

    #[test]
    fn recognises_jwts() {
        assert!(looks_like_jwt(JWT));
        assert!(!looks_like_jwt("67460a9995516d9a553aa95b"));
        assert!(!looks_like_jwt("eyJ.a b.c"));
    }

    #[test]
    fn redacts_credentials_but_not_empty_ones() {
        let text = format!(r#"{{"token":"{JWT}","interviewToken":"","note":"{JWT}","n":1}}"#);
        let parsed = parse_value(text.as_bytes(), 0, Options::default()).unwrap();
        let json = payload_json(&parsed.node, false);
        assert_eq!(
            json,
            r#"{"token":"<redacted: 49 characters>","interviewToken":"","note":"<redacted: 49 characters>","n":1}"#
        );
        assert!(payload_json(&parsed.node, true).contains(JWT));
    }
}
