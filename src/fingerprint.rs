//! What a delivery's content is known by: a keyed 128-bit hash of its decoded content.
//!
//! Two deliveries of one transaction are the same when their content is: the same members with
//! the same values, whatever the white space, the order of object members, the escapes in strings
//! (`\u002e` is `.`) and the spelling of numbers (`1.0` is `1`). The hash is SipHash-1-3 with
//! 128 bits of output and a key drawn at random for each run, so nobody who writes payloads can
//! make two different deliveries collide: without the key, a collision is a 2^-128 chance.

use std::hash::{BuildHasher, Hasher};
use std::sync::LazyLock;

use siphasher::sip128::{Hasher128, SipHasher13};

use crate::json::{Node, Value};

/// A delivery's content hash, as four words so that it packs with no padding.
pub type Fingerprint = [u32; 4];

/// This run's key: 128 bits from the standard library's per-process random hasher keys.
static KEY: LazyLock<(u64, u64)> = LazyLock::new(|| {
    let random = || std::collections::hash_map::RandomState::new().build_hasher().finish();
    (random(), random())
});

/// The fingerprint of `node`'s content.
pub fn of(node: &Node<'_>) -> Fingerprint {
    let (k0, k1) = *KEY;
    let mut hasher = SipHasher13::new_with_keys(k0, k1);
    write(node, &mut hasher);
    let bits = hasher.finish128().as_u128();
    [bits as u32, (bits >> 32) as u32, (bits >> 64) as u32, (bits >> 96) as u32]
}

/// Feeds `node` to `hasher` in a form where every value is told apart from every other: a tag
/// byte, then lengths before contents, object members sorted by their decoded keys.
fn write(node: &Node<'_>, hasher: &mut SipHasher13) {
    match &node.value {
        Value::Null => hasher.write_u8(0),
        Value::Bool(b) => hasher.write_u8(1 + u8::from(*b)),
        Value::Number(text, value) => write_number(text, *value, hasher),
        Value::String(s) => write_text(5, &s.decoded(), hasher),
        Value::Array(items) => {
            hasher.write_u8(6);
            hasher.write_usize(items.len());
            items.iter().for_each(|item| write(item, hasher));
        }
        Value::Object(members) => {
            hasher.write_u8(7);
            hasher.write_usize(members.len());
            let mut sorted: Vec<_> = members.iter().map(|m| (m.key.decoded(), &m.value)).collect();
            // Stable: repeated keys keep their order, which is part of the content.
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            for (key, value) in sorted {
                write_text(8, &key, hasher);
                write(value, hasher);
            }
        }
    }
}

fn write_text(tag: u8, text: &str, hasher: &mut SipHasher13) {
    hasher.write_u8(tag);
    hasher.write_usize(text.len());
    hasher.write(text.as_bytes());
}

/// A number by its value: a whole number that `f64` holds exactly as its integer, another finite
/// one by its bits, and one beyond `f64` (`1e999`) by its text.
fn write_number(text: &str, value: f64, hasher: &mut SipHasher13) {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if value.is_finite() && value.fract() == 0.0 && value.abs() < EXACT {
        hasher.write_u8(3);
        hasher.write_i64(value as i64);
    } else if value.is_finite() && value.abs() >= EXACT && !text.contains(['.', 'e', 'E']) {
        // A whole number too large to be exact in f64: its digits tell it apart.
        write_text(4, text.trim_start_matches('-'), hasher);
        hasher.write_u8(u8::from(text.starts_with('-')));
    } else if value.is_finite() {
        hasher.write_u8(3);
        hasher.write_u64(value.to_bits());
    } else {
        write_text(4, text, hasher);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Options, parse_value};

    fn fingerprint(text: &str) -> Fingerprint {
        of(&parse_value(text.as_bytes(), 0, Options::default()).expect("JSON").node)
    }

    #[test]
    fn the_same_content_written_differently_is_the_same() {
        assert_eq!(fingerprint(r#"{"a":1,"b":[true]}"#), fingerprint(r#"{ "b" : [ true ], "a" : 1.0 }"#));
        assert_eq!(fingerprint(r#"{"id":"a.b"}"#), fingerprint(r#"{"id":"a\u002eb"}"#));
        assert_eq!(fingerprint(r#"{"\u0061":1e0}"#), fingerprint(r#"{"a":1}"#));
        assert_eq!(fingerprint("[-0]"), fingerprint("[0]"));
    }

    #[test]
    fn different_content_is_different() {
        let differ = [
            (r#"{"m":false,"l":true}"#, r#"{"m":true,"l":false}"#),
            (r#"{"a":[1,2]}"#, r#"{"a":[2,1]}"#),
            (r#"{"a":"1"}"#, r#"{"a":1}"#),
            (r#"{"a":null}"#, r#"{"a":false}"#),
            (r#"{"a":{}}"#, r#"{"a":[]}"#),
            (r#"{"ab":"c"}"#, r#"{"a":"bc"}"#),
            ("[12345678901234567891]", "[12345678901234567890]"),
            ("[1e999]", "[2e999]"),
            ("[0.1]", "[0.10000000000000002]"),
        ];
        for (a, b) in differ {
            assert_ne!(fingerprint(a), fingerprint(b), "{a} and {b}");
        }
    }
}
