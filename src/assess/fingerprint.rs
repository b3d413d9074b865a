//! What a delivery is known by: its transactionId as a 96-bit key, and a keyed 128-bit hash of
//! its decoded content.
//!
//! Two deliveries of one transaction are the same when their content is: the same members with
//! the same values, whatever the white space, the order of object members, the escapes in strings
//! (`\u002e` is `.`; an escaped surrogate that is not half of a pair is itself, not U+FFFD) and
//! the spelling of numbers, which are compared by their exact decimal value (`1.0`, `10e-1` and
//! `1` are one number; `0.1` and `0.10000000000000001` two, though one `f64` holds both). The
//! hash is SipHash-1-3 with 128 bits of output and a key drawn at random for each run, so nobody
//! who writes payloads can make two different deliveries collide: without the key, a collision is
//! a 2^-128 chance.

use std::hash::{BuildHasher, DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use siphasher::sip128::{Hasher128, SipHasher13};

use crate::json::words::hex_word;
use crate::json::{Member, Node, Value};
use crate::rules::AuthView;
use crate::rules::fields::is_hex_id;

/// A delivery's content hash, as four words so that it packs with no padding.
pub type Fingerprint = [u32; 4];

/// A transactionId as 96 bits: its value when it is 24 hex characters, else a hash.
pub type TransactionKey = [u32; 3];

/// The key a transactionId is remembered by; computed where the result is assessed, before any
/// redaction, so that two different JWT-shaped ids stay two transactions.
/// `transaction` is the id's exact bytes ([`crate::json::JsonStr::exact_bytes`]), so two ids that
/// differ only in lone surrogate escapes stay two transactions.
pub fn transaction_key(transaction: &[u8]) -> TransactionKey {
    if is_hex_id(transaction)
        && let Some((first, rest)) = transaction.split_first_chunk::<8>()
        && let Some((second, rest)) = rest.split_first_chunk::<8>()
        && let Some(third) = rest.first_chunk::<8>()
    {
        return [hex_word(third), hex_word(second), hex_word(first)];
    }
    let mut hasher = DefaultHasher::new();
    transaction.hash(&mut hasher);
    let low = hasher.finish();
    1u64.hash(&mut hasher);
    let bits = u128::from(hasher.finish()) << 64 | u128::from(low) | 1 << 127;
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
/// lengths before contents, object members sorted by their keys. `order` is scratch
/// space for the sort, used as a stack by nested objects.
///
/// A scalar is written in place (most values are); an array or an object by a function of its
/// own, so that this one stays small enough to be inlined where members are written.
#[inline(always)]
fn write(node: &Node<'_>, out: &mut Vec<u8>, order: &mut Vec<u64>) {
    match &node.value {
        Value::Null => out.push(0),
        Value::Bool(b) => out.push(1 + u8::from(*b)),
        Value::Number(text, _) => write_number(text, out),
        Value::String(s) => write_text(5, &s.exact_bytes(), out),
        Value::Array(items) => write_array(items, out, order),
        Value::Object(members) => write_object(members, out, order),
    }
}

/// [`write`] for an array: its length, then its items in order.
#[inline(never)]
fn write_array(items: &[Node<'_>], out: &mut Vec<u8>, order: &mut Vec<u64>) {
    write_head(6, items.len() as u64, out);
    items.iter().for_each(|item| write(item, out, order));
}

/// [`write`] for an object: its length, then its members in the order of their keys.
#[inline(never)]
fn write_object(members: &[Member<'_>], out: &mut Vec<u8>, order: &mut Vec<u64>) {
    write_head(7, members.len() as u64, out);
    match members {
        [member] => write_member(member, out, order),
        _ if members.len() > usize::from(u8::MAX) => {
            let mut places: Vec<usize> = (0..members.len()).collect();
            places.sort_by(|&a, &b| key_of(members, a).cmp(&key_of(members, b)));
            places.iter().filter_map(|&place| members.get(place)).for_each(|m| write_member(m, out, order));
        }
        _ => write_members(members, out, order),
    }
}

fn write_member(member: &Member<'_>, out: &mut Vec<u8>, order: &mut Vec<u64>) {
    write_text(8, &member.key.exact_bytes(), out);
    write(&member.value, out, order);
}

/// Writes at most 255 members in the order of their keys' exact bytes; repeated keys keep their
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
    let from = order.len();
    // When every member is a documented field, each once (the payloads of a capture, nearly
    // always), there is no other member to rank by its key.
    if view.present() < members.len() {
        let mut documented = [0u64; 4];
        for (_, place) in view.places() {
            if let Some(word) = documented.get_mut(usize::from(place / 64)) {
                *word |= 1 << (place % 64);
            }
        }
        let is_documented =
            |place: u8| documented.get(usize::from(place / 64)).is_some_and(|w| w >> (place % 64) & 1 == 1);
        rank_by_key(members, from, |place| !is_documented(place), order);
    }
    order.extend(view.places().map(|(field, place)| FIELD_RANK | (field as u64) << 8 | u64::from(place)));
    write_ranked(members, from, out, order);
}

/// Pushes on `order`, above those of the objects that hold this one, a number for each member
/// whose place `keep` accepts, and sorts them by key (exact bytes). A member's number is its key's
/// first seven bytes above its place (the low byte), so whole keys are compared only where seven
/// bytes tie.
fn rank_by_key(members: &[Member<'_>], from: usize, keep: impl Fn(u8) -> bool, order: &mut Vec<u64>) {
    order.extend(
        members
            .iter()
            .zip(0..=u8::MAX)
            .filter(|&(_, place)| keep(place))
            .map(|(m, place)| prefix(&m.key.exact_bytes()) | u64::from(place)),
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

/// The top byte of a documented field's number: 0xFF, which no key's exact bytes start with (the
/// byte is never in UTF-8, nor in generalized UTF-8), so it never stands for a key's prefix.
const FIELD_RANK: u64 = 0xff << 56;

fn key_of<'a>(members: &[Member<'a>], place: usize) -> Option<std::borrow::Cow<'a, [u8]>> {
    members.get(place).map(|m| m.key.exact_bytes())
}

/// The first seven bytes of `key`, above a free low byte, as a number that orders as they do.
fn prefix(key: &[u8]) -> u64 {
    match key.first_chunk::<8>() {
        Some(head) => u64::from_be_bytes(*head) & !0xff,
        // Seven bytes at most: the last one shifted lands at bits 8 to 15.
        None => key.iter().zip((8..64).step_by(8).rev()).fold(0, |packed, (&byte, at)| packed | u64::from(byte) << at),
    }
}

/// A tag and a count, in one write.
fn write_head(tag: u8, count: u64, out: &mut Vec<u8>) {
    let [a, b, c, d, e, f, g, h] = count.to_le_bytes();
    out.extend_from_slice(&[tag, a, b, c, d, e, f, g, h]);
}

fn write_text(tag: u8, text: &[u8], out: &mut Vec<u8>) {
    let [a, b, c, d] = u32::try_from(text.len()).unwrap_or(u32::MAX).to_le_bytes();
    out.extend_from_slice(&[tag, a, b, c, d]);
    out.extend_from_slice(text);
}

/// A number by its exact decimal value, whatever its spelling: 3, then 0 and `;` for zero (of
/// either sign); else 1 (2 when negative), the significant digits without leading or trailing
/// zeros, `;`, and the power of ten that places them (the value is 0.DIGITS times 10^power),
/// exact however many digits the exponent has. `text` is a valid JSON number.
fn write_number(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let (negative, unsigned) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let exponent_at = unsigned.iter().position(|&b| (b | 0x20) == b'e').unwrap_or(unsigned.len());
    let (mantissa, exponent) = unsigned.split_at(exponent_at);
    let dot = mantissa.iter().position(|&b| b == b'.').unwrap_or(mantissa.len());
    let (whole, fraction) = mantissa.split_at(dot);
    let (whole, fraction) = (trim_zeros(whole, true), trim_zeros(fraction.get(1..).unwrap_or_default(), false));
    // The significant digits, and where the decimal point stands after the first one's place.
    let (point, head, tail) = if whole.is_empty() {
        let tail = trim_zeros(fraction, true);
        (-((fraction.len() - tail.len()) as i64), tail, &[][..])
    } else if fraction.is_empty() {
        (whole.len() as i64, trim_zeros(whole, false), &[][..])
    } else {
        (whole.len() as i64, whole, fraction)
    };
    if head.is_empty() {
        out.extend_from_slice(&[3, 0, b';']);
        return;
    }
    out.extend_from_slice(&[3, 1 + u8::from(negative)]);
    out.extend_from_slice(head);
    out.extend_from_slice(tail);
    out.push(b';');
    match exponent.get(1..) {
        Some(exponent) => write_power(exponent, point, out),
        None => write_power_of(point, out),
    }
}

/// A power an `i64` holds: `i` and its eight bytes.
fn write_power_of(power: i64, out: &mut Vec<u8>) {
    let [a, b, c, d, e, f, g, h] = power.to_le_bytes();
    out.extend_from_slice(&[b'i', a, b, c, d, e, f, g, h]);
}

/// `digits` without its leading zeros (`leading`) or its trailing ones.
fn trim_zeros(digits: &[u8], leading: bool) -> &[u8] {
    let zeros = |b: &&u8| **b == b'0';
    if leading {
        digits.get(digits.iter().take_while(zeros).count()..).unwrap_or_default()
    } else {
        digits.get(..digits.len() - digits.iter().rev().take_while(zeros).count()).unwrap_or_default()
    }
}

/// The power `exponent + point` (`exponent` as written after the `e`, possibly empty): `i` and
/// eight bytes when an `i64` holds it, else `t` and its decimal digits (after a `-` when negative)
/// and a `;`.
fn write_power(exponent: &[u8], point: i64, out: &mut Vec<u8>) {
    let (negative, digits) = match exponent.split_first() {
        Some((b'-', digits)) => (true, digits),
        Some((b'+', digits)) => (false, digits),
        _ => (false, exponent),
    };
    let digits = trim_zeros(digits, true);
    let (below_zero, magnitude) = if digits.len() <= 36 {
        let written = digits.iter().fold(0i128, |value, &digit| value * 10 + i128::from(digit.wrapping_sub(b'0') % 10));
        let power = if negative { -written } else { written } + i128::from(point);
        if let Ok(power) = i64::try_from(power) {
            return write_power_of(power, out);
        }
        (power < 0, power.unsigned_abs().to_string().into_bytes())
    } else {
        // At least 10^36, far beyond `point`: the sum keeps the exponent's sign.
        let toward_zero = point != 0 && (point < 0) != negative;
        (negative, shifted(digits, point.unsigned_abs(), !toward_zero))
    };
    out.push(b't');
    if below_zero {
        out.push(b'-');
    }
    out.extend_from_slice(&magnitude);
    out.push(b';');
}

/// The decimal digits of `digits` plus `amount` (`add`) or minus it; `amount` is below the
/// number `digits` writes, and the result has no leading zeros.
fn shifted(digits: &[u8], amount: u64, add: bool) -> Vec<u8> {
    let mut out = digits.to_vec();
    // What is still to add or take away, from the current digit's place up.
    let mut rest = amount;
    for digit in out.iter_mut().rev() {
        if rest == 0 {
            break;
        }
        let (value, unit) = (digit.saturating_sub(b'0'), (rest % 10) as u8);
        rest /= 10;
        let (value, carry) = match add {
            true => ((value + unit) % 10, (value + unit) / 10),
            false if value >= unit => (value - unit, 0),
            false => (value + 10 - unit, 1),
        };
        *digit = b'0' + value;
        rest += u64::from(carry);
    }
    if rest > 0 {
        out.splice(0..0, rest.to_string().into_bytes());
    }
    let zeros = out.iter().take_while(|&&digit| digit == b'0').count();
    out.split_off(zeros.min(out.len().saturating_sub(1)))
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
            // Every member documented and once, or not.
            (r#"{"overallStatus":"PASS","overallScore":1}"#, r#"{"overallStatus":"PASS","overallScore":1,"x":1}"#),
            (
                r#"{"overallStatus":"PASS","overallScore":1}"#,
                r#"{"overallStatus":"PASS","overallScore":1,"overallScore":1}"#,
            ),
            (r#"{"overallStatus":"PASS","overallScore":1}"#, r#"{"overallScore":1,"overallStatus":"PASS","":null}"#),
            (r#"{"overallStatus":"PASS","x":1}"#, r#"{"overallStatus":"PASS","x":2}"#),
            (r#"{"overallScore":0,"overallScore":1}"#, r#"{"overallScore":0.5,"overallScore":1}"#),
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
    fn numbers_are_compared_by_their_exact_decimal_value() {
        let big_exponent = "9".repeat(40);
        let same = [
            ("[1e400]", vec!["[1E400]", "[1e+400]", "[1.0e400]", "[1e0400]", "[10e399]", "[0.001e403]"]),
            ("[-1e400]", vec!["[-1E+400]", "[-0.1e401]"]),
            ("[9007199254740992]", vec!["[9007199254740992.0]", "[9.007199254740992e15]"]),
            ("[10000000000000000]", vec!["[1e16]", "[0.00001e21]"]),
            ("[18446744073709551615]", vec!["[18446744073709551615.0]", "[1.8446744073709551615e19]"]),
            ("[0]", vec!["[-0]", "[0.000]", "[0e99]", "[-0.0e-7]"]),
            ("[0.83940647]", vec!["[83940647e-8]", "[0.0083940647e2]"]),
            ("[1e-9223372036854775808]", vec!["[10e-9223372036854775809]"]),
        ];
        for (a, spellings) in same {
            for b in spellings {
                assert_eq!(fingerprint(a), fingerprint(b), "{a} and {b}");
            }
        }
        let long_one = format!("[1{}]", "0".repeat(1000));
        assert_eq!(fingerprint(&long_one), fingerprint("[1e1000]"));
        // 10^(10^40 - 1), written as 0.01 times 10^(10^40 + 1).
        let just_above = format!("1{}1", "0".repeat(39));
        assert_eq!(fingerprint(&format!("[1e{big_exponent}]")), fingerprint(&format!("[0.01e{just_above}]")));
        let differ = [
            ("[0.1]", "[0.10000000000000001]"),
            ("[1e-400]", "[0]"),
            ("[1e-400]", "[-1e-400]"),
            ("[5e-324]", "[4e-324]"),
            ("[9007199254740993]", "[9007199254740992]"),
            ("[1]", "[1.0000000000000000000001]"),
            ("[1e400]", "[1e401]"),
            ("[1]", "[-1]"),
            ("[12]", "[1.2]"),
        ];
        for (a, b) in differ {
            assert_ne!(fingerprint(a), fingerprint(b), "{a} and {b}");
        }
        let (above, below) = (format!("[1e{big_exponent}]"), format!("[1e{}8]", "9".repeat(39)));
        assert_ne!(fingerprint(&above), fingerprint(&below));
        assert_ne!(fingerprint(&format!("[1e-{big_exponent}]")), fingerprint(&format!("[2e-{big_exponent}]")));
    }

    #[test]
    fn a_lone_surrogate_escape_is_its_own_character() {
        let differ = [
            (r#"{"x":"\ud800"}"#, r#"{"x":"\ud801"}"#),
            (r#"{"x":"\ud800"}"#, r#"{"x":"\ufffd"}"#),
            (r#"{"x":"\ud800"}"#, "{\"x\":\"\u{FFFD}\"}"),
            (r#"{"\ud800":1}"#, r#"{"\ud801":1}"#),
            (r#"{"\ud800":1,"\ud801":2}"#, r#"{"\ud800":2,"\ud801":1}"#),
        ];
        for (a, b) in differ {
            assert_ne!(fingerprint(a), fingerprint(b), "{a} and {b}");
        }
        assert_eq!(fingerprint(r#"{"\ud800":1,"\ud801":2}"#), fingerprint(r#"{"\ud801":2,"\ud800":1}"#));
        assert_eq!(fingerprint(r#"{"x":"\ud83d\ude00"}"#), fingerprint("{\"x\":\"\u{1F600}\"}"));
        assert_ne!(transaction_key(b"\xED\xA0\x80a"), transaction_key(b"\xED\xA0\x81a"));
    }

    #[test]
    fn a_hex_transaction_id_is_its_own_value() {
        for id in ["e59ee5a064e24d129d1beed9", "0123456789abcdef01234567", "ffffffffffffffffffffffff"] {
            let bits = u128::from_str_radix(id, 16).expect("hex");
            let expected = [bits as u32, (bits >> 32) as u32, ((bits >> 64) as u32) ^ ((bits >> 96) as u32)];
            assert_eq!(transaction_key(id.as_bytes()), expected, "{id}");
        }
        assert_ne!(transaction_key(b"E59EE5A064E24D129D1BEED9"), transaction_key(b"e59ee5a064e24d129d1beed9"));
        // Every digit in every place.
        let digits = b"0123456789abcdef";
        for start in 0..digits.len() {
            let id: Vec<u8> = digits.iter().cycle().skip(start).take(24).copied().collect();
            let bits = u128::from_str_radix(std::str::from_utf8(&id).expect("hex"), 16).expect("hex");
            assert_eq!(transaction_key(&id), [bits as u32, (bits >> 32) as u32, (bits >> 64) as u32]);
        }
    }

    #[test]
    fn a_power_beyond_i128_is_shifted_digit_by_digit() {
        assert_eq!(shifted(b"1000", 1, false), b"999");
        assert_eq!(shifted(b"999", 1, true), b"1000");
        assert_eq!(
            shifted(b"123456789012345678901234567890123456789", u64::MAX, true),
            b"123456789012345678919681311963833008404"
        );
        assert_eq!(
            shifted(b"123456789012345678901234567890123456789", u64::MAX, false),
            b"123456789012345678882787823816413905174"
        );
        assert_eq!(shifted(b"5", 0, false), b"5");
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

    /// `digits` (no leading zero) times 10^`power`, with the decimal point after `point` of them
    /// (0 puts it before the first, after a `0`), `zeros` trailing zeros and the exponent's spelling
    /// chosen by `upper` (`E+007` rather than `e7`).
    fn spelled(digits: &str, power: i64, point: usize, zeros: usize, upper: bool) -> String {
        let point = point.min(digits.len());
        let (whole, fraction) = digits.split_at(point);
        let whole = if whole.is_empty() { "0" } else { whole };
        let fraction = format!("{fraction}{}", "0".repeat(zeros));
        let exponent = power + (digits.len() - point) as i64;
        let mantissa = if fraction.is_empty() { whole.to_owned() } else { format!("{whole}.{fraction}") };
        match upper {
            false => format!("[{mantissa}e{exponent}]"),
            true => format!("[{mantissa}E{}{:03}]", if exponent < 0 { "-" } else { "+" }, exponent.unsigned_abs()),
        }
    }

    proptest::proptest! {
        /// A number spelled any way JSON allows has one fingerprint; another digit, another.
        #[test]
        fn a_number_has_one_fingerprint_however_it_is_spelled(
            digits in "[1-9][0-9]{0,20}",
            power in -400i64..400,
            points in (0usize..25, 0usize..25),
            zeros in (0usize..4, 0usize..4),
            upper in proptest::bool::ANY,
        ) {
            let one = spelled(&digits, power, points.0, zeros.0, upper);
            let other = spelled(&digits, power, points.1, zeros.1, !upper);
            proptest::prop_assert_eq!(fingerprint(&one), fingerprint(&other), "{} and {}", one, other);
            let changed = format!("{digits}1");
            proptest::prop_assert_ne!(fingerprint(&one), fingerprint(&spelled(&changed, power, points.1, zeros.1, upper)));
            proptest::prop_assert_ne!(fingerprint(&one), fingerprint(&spelled(&digits, power + 1, points.1, zeros.1, upper)));
            proptest::prop_assert_ne!(fingerprint(&one), fingerprint(&format!("[-{}", one.trim_start_matches('['))));
        }

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
