//! What a delivery is known by: its transactionId as a 96-bit key, and a keyed 128-bit hash of
//! its decoded content.
//!
//! Two deliveries of one transaction are the same when their content is: the same members with
//! the same values, whatever the white space, the order of object members, the escapes in strings
//! (`\u002e` is `.`) and the spelling of numbers (`1.0` is `1`). The hash is SipHash-1-3 with
//! 128 bits of output and a key drawn at random for each run, so nobody who writes payloads can
//! make two different deliveries collide: without the key, a collision is a 2^-128 chance.

use std::hash::{BuildHasher, DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use siphasher::sip128::{Hasher128, SipHasher13};

use crate::json::{Member, Node, Value};
use crate::rules::AuthView;
use crate::rules::fields::is_hex_id;

/// A delivery's content hash, as four words so that it packs with no padding.
pub type Fingerprint = [u32; 4];

/// A transactionId as 96 bits: its value when it is 24 hex characters, else a hash.
pub type TransactionKey = [u32; 3];

/// The key a transactionId is remembered by; computed where the result is assessed, before any
/// redaction, so that two different JWT-shaped ids stay two transactions.
pub fn transaction_key(transaction: &str) -> TransactionKey {
    let bits = if is_hex_id(transaction) {
        u128::from_str_radix(transaction, 16).unwrap_or_default()
    } else {
        let mut hasher = DefaultHasher::new();
        transaction.hash(&mut hasher);
        let low = hasher.finish();
        1u64.hash(&mut hasher);
        u128::from(hasher.finish()) << 64 | u128::from(low) | 1 << 127
    };
    [bits as u32, (bits >> 32) as u32, ((bits >> 64) as u32) ^ ((bits >> 96) as u32)]
}

/// This run's key: 128 bits from the standard library's per-process random hasher keys.
static KEY: LazyLock<(u64, u64)> = LazyLock::new(|| {
    let random = || std::collections::hash_map::RandomState::new().build_hasher().finish();
    (random(), random())
});

thread_local! {
    /// The canonical form of the payload being fingerprinted on this thread, and the sort keys
    /// of the members of the objects open in it (see [`write_members`]).
    static CANONICAL: std::cell::RefCell<(Vec<u8>, Vec<u64>)> =
        std::cell::RefCell::new((Vec::with_capacity(4096), Vec::with_capacity(64)));
}

/// The fingerprint of a payload's content; `view` is its documented fields, as the field rules
/// found them.
pub fn of(node: &Node<'_>, view: &AuthView<'_, '_>) -> Fingerprint {
    let (k0, k1) = *KEY;
    // The content is written out in a canonical form and hashed in one go, which is several
    // times faster than feeding the hasher piece by piece; the buffer is the thread's own, kept
    // from payload to payload.
    let bits = CANONICAL.with_borrow_mut(|(canonical, order)| {
        canonical.clear();
        order.clear();
        write_payload(node, view, canonical, order);
        let mut hasher = SipHasher13::new_with_keys(k0, k1);
        hasher.write(canonical);
        hasher.finish128().as_u128()
    });
    [bits as u32, (bits >> 32) as u32, (bits >> 64) as u32, (bits >> 96) as u32]
}

/// Writes `node` in a form where every value is told apart from every other: a tag byte, then
/// lengths before contents, object members sorted by their decoded keys. `order` is scratch
/// space for the sort, used as a stack by nested objects.
fn write(node: &Node<'_>, out: &mut Vec<u8>, order: &mut Vec<u64>) {
    match &node.value {
        Value::Null => out.push(0),
        Value::Bool(b) => out.push(1 + u8::from(*b)),
        Value::Number(text, value) => write_number(text, *value, out),
        Value::String(s) => write_text(5, &s.decoded(), out),
        Value::Array(items) => {
            write_head(6, items.len() as u64, out);
            items.iter().for_each(|item| write(item, out, order));
        }
        Value::Object(members) => {
            write_head(7, members.len() as u64, out);
            match members.as_slice() {
                [member] => write_member(member, out, order),
                _ if members.len() > usize::from(u8::MAX) => {
                    let mut places: Vec<usize> = (0..members.len()).collect();
                    places.sort_by(|&a, &b| key_of(members, a).cmp(&key_of(members, b)));
                    places.iter().filter_map(|&place| members.get(place)).for_each(|m| write_member(m, out, order));
                }
                _ => write_members(members, out, order),
            }
        }
    }
}

fn write_member(member: &Member<'_>, out: &mut Vec<u8>, order: &mut Vec<u64>) {
    write_text(8, &member.key.decoded(), out);
    write(&member.value, out, order);
}

/// Writes at most 255 members in the order of their decoded keys; repeated keys keep their
/// order, which is part of the content.
fn write_members(members: &[Member<'_>], out: &mut Vec<u8>, order: &mut Vec<u64>) {
    let from = order.len();
    rank_by_key(members, from, |_| true, order);
    write_ranked(members, from, out, order);
}

/// Writes the payload itself like any value, except that an object of two to 255 members has
/// its documented fields, as `view` holds them (the last of a repeated key), written after the
/// other members, by their index in the contract's table instead of by name: fewer bytes to
/// hash, and no sort unless undocumented or repeated keys are present. Which members are
/// written so depends only on the content, so equal contents still write alike.
fn write_payload(node: &Node<'_>, view: &AuthView<'_, '_>, out: &mut Vec<u8>, order: &mut Vec<u64>) {
    let Value::Object(members) = &node.value else { return write(node, out, order) };
    if !(2..=usize::from(u8::MAX)).contains(&members.len()) {
        return write(node, out, order);
    }
    write_head(7, members.len() as u64, out);
    let mut documented = [0u64; 4];
    for (_, place) in view.places() {
        if let Some(word) = documented.get_mut(usize::from(place / 64)) {
            *word |= 1 << (place % 64);
        }
    }
    let from = order.len();
    let is_documented = |place: u8| documented.get(usize::from(place / 64)).is_some_and(|w| w >> (place % 64) & 1 == 1);
    rank_by_key(members, from, |place| !is_documented(place), order);
    order.extend(view.places().map(|(field, place)| FIELD_RANK | (field as u64) << 8 | u64::from(place)));
    write_ranked(members, from, out, order);
}

/// Pushes on `order`, above those of the objects that hold this one, a number for each member
/// whose place `keep` accepts, and sorts them by decoded key. A member's number is its key's
/// first seven bytes above its place (the low byte), so whole keys are compared only where seven
/// bytes tie.
fn rank_by_key(members: &[Member<'_>], from: usize, keep: impl Fn(u8) -> bool, order: &mut Vec<u64>) {
    order.extend(
        members
            .iter()
            .zip(0..=u8::MAX)
            .filter(|&(_, place)| keep(place))
            .map(|(m, place)| prefix(&m.key.decoded()) | u64::from(place)),
    );
    let packed = order.get_mut(from..).unwrap_or_default();
    packed.sort_unstable();
    for run in packed.chunk_by_mut(|a, b| a >> 8 == b >> 8) {
        if run.len() > 1 {
            run.sort_by(|&a, &b| {
                key_of(members, usize::from(a as u8)).cmp(&key_of(members, usize::from(b as u8))).then(a.cmp(&b))
            });
        }
    }
}

/// Writes the members ranked on `order` from `from` on, in that order, and takes them off.
/// A number whose top byte is [`FIELD_RANK`]'s is a documented field, written by its index.
fn write_ranked(members: &[Member<'_>], from: usize, out: &mut Vec<u8>, order: &mut Vec<u64>) {
    for at in from..order.len() {
        let Some(&packed) = order.get(at) else { continue };
        let Some(member) = members.get(usize::from(packed as u8)) else { continue };
        if packed & FIELD_RANK == FIELD_RANK {
            out.extend_from_slice(&[10, (packed >> 8) as u8]);
            write(&member.value, out, order);
        } else {
            write_member(member, out, order);
        }
    }
    order.truncate(from);
}

/// The top byte of a documented field's number: 0xFF, which no key's text starts with (the byte
/// is never in UTF-8), so it never stands for a key's prefix.
const FIELD_RANK: u64 = 0xff << 56;

fn key_of<'a>(members: &[Member<'a>], place: usize) -> Option<std::borrow::Cow<'a, str>> {
    members.get(place).map(|m| m.key.decoded())
}

/// The first seven bytes of `key`, above a free low byte, as a number that orders as they do.
fn prefix(key: &str) -> u64 {
    match key.as_bytes().first_chunk::<8>() {
        Some(head) => u64::from_be_bytes(*head) & !0xff,
        // Seven bytes at most: the last one shifted lands at bits 8 to 15.
        None => key.bytes().zip((8..64).step_by(8).rev()).fold(0, |packed, (byte, at)| packed | u64::from(byte) << at),
    }
}

/// A tag and a count, in one write.
fn write_head(tag: u8, count: u64, out: &mut Vec<u8>) {
    let [a, b, c, d, e, f, g, h] = count.to_le_bytes();
    out.extend_from_slice(&[tag, a, b, c, d, e, f, g, h]);
}

fn write_text(tag: u8, text: &str, out: &mut Vec<u8>) {
    let [a, b, c, d] = u32::try_from(text.len()).unwrap_or(u32::MAX).to_le_bytes();
    out.extend_from_slice(&[tag, a, b, c, d]);
    out.extend_from_slice(text.as_bytes());
}

/// A number by its value: a whole number that `f64` holds exactly as its integer, another finite
/// one by its bits, and one beyond `f64` (`1e999`) or too large to be exact by its text.
fn write_number(text: &str, value: f64, out: &mut Vec<u8>) {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if value.is_finite() && value.fract() == 0.0 && value.abs() < EXACT {
        out.push(3);
        out.extend_from_slice(&(value as i64).to_le_bytes());
    } else if value.is_finite() && (value.abs() < EXACT || text.contains(['.', 'e', 'E'])) {
        out.push(4);
        out.extend_from_slice(&value.to_bits().to_le_bytes());
    } else {
        write_text(9, text, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::AUTH_FIELDS;
    use crate::json::{Options, parse_value};
    use crate::rules::fields::check_object;
    use crate::rules::{FindingSink, Path};
    use crate::scan::position::{Locator, Position};

    /// A payload's fingerprint, its documented fields found by the field rules as in a run.
    fn fingerprint(text: &str) -> Fingerprint {
        let node = parse_value(text.as_bytes(), 0, Options::default()).expect("JSON").node;
        let mut sink = FindingSink::new(Locator::fixed(text.as_bytes(), Position::START));
        let mut view = AuthView::default();
        check_object(&node, AUTH_FIELDS, &Path::Root, &mut sink, Some(&mut view));
        of(&node, &view)
    }

    #[test]
    fn the_same_content_written_differently_is_the_same() {
        assert_eq!(fingerprint(r#"{"a":1,"b":[true]}"#), fingerprint(r#"{ "b" : [ true ], "a" : 1.0 }"#));
        assert_eq!(fingerprint(r#"{"id":"a.b"}"#), fingerprint(r#"{"id":"a\u002eb"}"#));
        assert_eq!(fingerprint(r#"{"\u0061":1e0}"#), fingerprint(r#"{"a":1}"#));
        assert_eq!(fingerprint("[-0]"), fingerprint("[0]"));
        assert_eq!(
            fingerprint(r#"{"overallStatus":"PASS","overallScore":1,"b":[],"a":{}}"#),
            fingerprint(r#"{"a":{},"overallScore":1,"b":[],"overallStatus":"PASS"}"#)
        );
    }

    #[test]
    fn different_content_is_different() {
        let differ = [
            (r#"{"m":false,"l":true}"#, r#"{"m":true,"l":false}"#),
            (r#"{"a":[1,2]}"#, r#"{"a":[2,1]}"#),
            (r#"{"a":"1"}"#, r#"{"a":1}"#),
            (r#"{"a":null}"#, r#"{"a":false}"#),
            (r#"{"overallStatus":1,"overallScore":2}"#, r#"{"overallStatus":2,"overallScore":1}"#),
            (r#"{"a":1,"a":2}"#, r#"{"a":2,"a":1}"#),
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

    #[test]
    fn a_payloads_documented_fields_are_known_by_name_in_any_order_and_spelling() {
        let same = [
            (r#"{"customerId":"a","faceMatch":true,"x":1}"#, r#"{"x":1,"faceMatch":true,"customer\u0049d":"a"}"#),
            (r#"{"token":"","interviewToken":""}"#, r#"{"interviewToken":"","token":""}"#),
            (r#"{"faceMatch":true,"z":0,"faceMatch":false}"#, r#"{"z":0,"faceMatch":true,"faceMatch":false}"#),
        ];
        for (a, b) in same {
            assert_eq!(fingerprint(a), fingerprint(b), "{a} and {b}");
        }
        let differ = [
            (r#"{"faceMatch":true,"faceMatch":false}"#, r#"{"faceMatch":false,"faceMatch":true}"#),
            (r#"{"token":"","interviewToken":"a"}"#, r#"{"token":"a","interviewToken":""}"#),
            (r#"{"customerId":"a","b":1}"#, r#"{"customerid":"a","b":1}"#),
            (r#"{"faceMatch":true,"b":1}"#, r#"{"hasLenses":true,"b":1}"#),
            (r#"{"customerId":"a","b":1}"#, r#"{"b":1,"customerId":"a","c":2}"#),
        ];
        for (a, b) in differ {
            assert_ne!(fingerprint(a), fingerprint(b), "{a} and {b}");
        }
    }

    /// Members as (key, value) pairs, keys drawn from documented fields, other names and names
    /// that share a documented field's first seven bytes, so that repeats and ties are common.
    fn members() -> impl proptest::strategy::Strategy<Value = Vec<(&'static str, u8)>> {
        const KEYS: [&str; 9] =
            ["customerId", "faceMatch", "overallStatus", "overallScore", "overallS", "overallT", "a", "\\u0061", "é"];
        proptest::collection::vec((proptest::sample::select(KEYS.to_vec()), 0u8..3), 0..12)
    }

    fn object(members: &[(&str, u8)]) -> String {
        let members: Vec<String> = members.iter().map(|(key, value)| format!(r#""{key}":{value}"#)).collect();
        format!("{{{}}}", members.join(","))
    }

    proptest::proptest! {
        /// Members moved around, each key's repeats staying in their order, give the same
        /// fingerprint; a changed value or a renamed key does not.
        #[test]
        fn reordering_keeps_the_fingerprint_and_a_changed_value_or_key_changes_it(
            members in members(),
            rotation in 0usize..12,
            changed in 0usize..12,
        ) {
            let decoded = |key: &str| key.replace("\\u0061", "a");
            let mut moved = members.clone();
            moved.sort_by_key(|(key, _)| decoded(key));
            if !moved.is_empty() {
                let by = rotation % moved.len();
                let mut groups: Vec<Vec<(&str, u8)>> = moved.chunk_by(|a, b| decoded(a.0) == decoded(b.0)).map(<[_]>::to_vec).collect();
                let split = by % groups.len().max(1);
                groups.rotate_left(split);
                moved = groups.concat();
            }
            proptest::prop_assert_eq!(fingerprint(&object(&members)), fingerprint(&object(&moved)));
            if let Some(member) = members.get(changed % members.len().max(1)).copied() {
                let mut other = members.clone();
                if let Some(slot) = other.get_mut(changed % members.len()) {
                    slot.1 = member.1 + 1;
                }
                proptest::prop_assert_ne!(fingerprint(&object(&members)), fingerprint(&object(&other)));
                let renamed = if decoded(member.0) == "faceMatch" { "hasLenses" } else { "faceMatch" };
                if let Some(slot) = other.get_mut(changed % members.len()) {
                    *slot = (renamed, member.1);
                }
                proptest::prop_assert_ne!(fingerprint(&object(&members)), fingerprint(&object(&other)));
            }
        }
    }
}
