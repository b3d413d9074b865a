//! A zero-copy JSON parser that remembers where everything is.
//!
//! The validator needs what generic parsers throw away: the byte offset of every key and value
//! (to report line and column), every member of an object even when a key repeats (to report
//! duplicate keys), numbers as written (to tell `4005` from `4005.0` and keep `1e999`), and the
//! exact place and nature of a syntax error (to resume scanning right after it). Strings and
//! numbers borrow from the input; only arrays and objects allocate. A caller that parses many
//! values from one buffer can check its UTF-8 once for a whole stretch ([`KnownText`]) instead
//! of string by string.
//!
//! The parser is strict RFC 8259 JSON unless [`Options::lenient`] is set, in which case `//` and
//! `/* */` comments and trailing commas are accepted and recorded as [`Leniency`] events.

mod parse;
mod text;
pub(crate) mod words;
mod write;

use std::borrow::Cow;
use std::fmt;
use std::mem::ManuallyDrop;

use crate::limits::MAX_NESTING;

pub use parse::{needs_escape, parse_value, parse_value_in};
pub use text::KnownText;
use text::{unescape, unescape_exactly};
pub use write::{write_compact, written_compact};

/// A parsed JSON value and the byte offset of its first byte in the parsed buffer.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    /// Byte offset of the value's first byte in the buffer it was parsed from.
    pub offset: usize,
    /// The value itself.
    pub value: Value<'a>,
}

/// A JSON value whose strings and numbers borrow from the input.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number exactly as written, and its value (infinite beyond `f64`), read once here
    /// because rules, reasons and results all look at it.
    Number(&'a str, f64),
    /// A string, escapes still in place (see [`JsonStr::decoded`]).
    String(JsonStr<'a>),
    /// Items in input order.
    Array(Children<Node<'a>>),
    /// Members in input order; a repeated key appears once per occurrence.
    Object(Children<Member<'a>>),
}

/// The items of an array or the members of an object: a vector that drops its elements out of
/// line. Dropping a tree then looks at each value's kind in one loop and calls a function only
/// for the arrays and objects among them; as a plain `Vec`, every value, each of a payload's
/// dozen scalars too, was dropped by a call of its own (about 3% of a check).
///
/// Having a destructor of its own, a tree must be dropped before the text it borrows, where a
/// `Vec` may outlive it unused: declare the text first.
#[derive(Clone, PartialEq)]
pub struct Children<T>(ManuallyDrop<Vec<T>>);

impl<T: fmt::Debug> fmt::Debug for Children<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T> Default for Children<T> {
    fn default() -> Self {
        Children(ManuallyDrop::new(Vec::new()))
    }
}

impl<T> Drop for Children<T> {
    #[inline(never)]
    fn drop(&mut self) {
        drop(std::mem::take(&mut *self.0));
    }
}

impl<T> std::ops::Deref for Children<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'c, T> IntoIterator for &'c Children<T> {
    type Item = &'c T;
    type IntoIter = std::slice::Iter<'c, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> From<Vec<T>> for Children<T> {
    fn from(elements: Vec<T>) -> Self {
        Children(ManuallyDrop::new(elements))
    }
}

/// One `"key": value` pair of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    /// The key, which stands in the parsed input (see [`Member::key_offset`]).
    pub key: JsonStr<'a>,
    /// The member's value.
    pub value: Node<'a>,
}

impl Member<'_> {
    /// The byte offset in `input`, the buffer this member was parsed from, of the key's opening
    /// quote; the key's text is a slice of `input`, so its place there tells it (keeping no
    /// offset makes a member 64 bytes, and a payload's members one small allocation).
    pub fn key_offset(&self, input: &[u8]) -> usize {
        let distance = (self.key.raw.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
        if distance <= input.len() { distance.saturating_sub(1) } else { 0 }
    }
}

/// A JSON string as written between its quotes, escapes still in place.
///
/// The text is valid UTF-8 and a valid JSON string body, so it can be written back verbatim
/// between quotes to produce valid JSON.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JsonStr<'a> {
    /// Checked once, by the parser.
    raw: &'a str,
    escaped: bool,
}

impl<'a> JsonStr<'a> {
    /// The string body exactly as written, without the quotes.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// The decoded string; borrows when the string holds no escape.
    pub fn decoded(&self) -> Cow<'a, str> {
        if self.escaped { Cow::Owned(unescape(self.raw())) } else { Cow::Borrowed(self.raw()) }
    }

    /// The decoded string as bytes that differ wherever two strings do: [`JsonStr::decoded`]'s,
    /// except that an escaped surrogate that is not half of a pair, which `decoded` turns into
    /// U+FFFD, keeps bytes of its own (its generalized UTF-8, never valid UTF-8).
    #[inline]
    pub fn exact_bytes(&self) -> Cow<'a, [u8]> {
        if self.escaped { Cow::Owned(unescape_exactly(self.raw)) } else { Cow::Borrowed(self.raw.as_bytes()) }
    }

    /// Whether the string holds escape sequences (its decoded form differs from its raw form).
    pub fn has_escapes(&self) -> bool {
        self.escaped
    }

    /// Whether the decoded string equals `text`, without allocating in the common case.
    pub fn is(&self, text: &str) -> bool {
        if self.escaped { unescape(self.raw) == text } else { same_bytes(self.raw.as_bytes(), text.as_bytes()) }
    }
}

/// Whether `a` and `b` hold the same bytes. Keys are short: one from 4 to 16 bytes is compared as
/// two words that overlap (its first and last four or eight bytes), without calling `memcmp`.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    match a.len() {
        8..=16 => a.first_chunk::<8>() == b.first_chunk::<8>() && a.last_chunk::<8>() == b.last_chunk::<8>(),
        4..8 => a.first_chunk::<4>() == b.first_chunk::<4>() && a.last_chunk::<4>() == b.last_chunk::<4>(),
        _ => a == b,
    }
}

/// JSON's type names, as the contract and messages use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number, whole or not.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonType {
    /// The type's name in lowercase, such as `boolean`.
    pub fn name(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "boolean",
            JsonType::Number => "number",
            JsonType::String => "string",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Value<'_> {
    /// The JSON type of this value.
    pub fn json_type(&self) -> JsonType {
        match self {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(..) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }
}

impl<'a> Node<'a> {
    /// The last member named `key` (the one most parsers keep), if this is an object.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match &self.value {
            Value::Object(members) => members.iter().rev().find(|m| m.key.is(key)).map(|m| &m.value),
            _ => None,
        }
    }

    /// The value as a `serde_json::Value`; where a key repeats, the last one stays, and a number
    /// beyond `f64` becomes null.
    pub fn to_serde(&self) -> serde_json::Value {
        use serde_json::Value as Json;
        match &self.value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(text, _) => serde_json::from_str(text).unwrap_or(Json::Null),
            Value::String(s) => Json::String(s.decoded().into_owned()),
            Value::Array(items) => Json::Array(items.iter().map(Node::to_serde).collect()),
            Value::Object(members) => {
                Json::Object(members.iter().map(|m| (m.key.decoded().into_owned(), m.value.to_serde())).collect())
            }
        }
    }

    /// The string, escapes still in place, if this is a string.
    pub fn as_str(&self) -> Option<JsonStr<'a>> {
        match self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is `true` or `false`.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The number as `f64`; a number too large for `f64` is infinite.
    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Number(_, value) => Some(value),
            _ => None,
        }
    }
}

/// What went wrong, in words a person can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyntaxKind {
    /// The input ended inside the value: more input may complete it.
    UnexpectedEnd,
    /// A comma directly before the `}` or `]` that closes an object or array.
    TrailingComma,
    /// Something that cannot begin a JSON value stands where a value must.
    ExpectedValue,
    /// Something other than a quoted key stands where an object member must begin.
    ExpectedKey,
    /// A key is not followed by `:`.
    ExpectedColon,
    /// An object member is followed by something other than `,` or `}`.
    ExpectedCommaOrCloseObject,
    /// An array item is followed by something other than `,` or `]`.
    ExpectedCommaOrCloseArray,
    /// A string runs to the end of the input without its closing quote.
    UnterminatedString,
    /// A string holds a control character (below U+0020, such as a line break) not escaped.
    ControlCharacterInString,
    /// A backslash in a string starts no valid escape (`\x`, or `\u` without four hex digits).
    InvalidEscape,
    /// A string holds bytes that are not valid UTF-8.
    InvalidUtf8,
    /// A number that breaks JSON's grammar, such as `0123`, `1.x` or `-a`.
    InvalidNumber,
    /// A word that starts with `t`, `f` or `n` but is not `true`, `false` or `null`.
    InvalidLiteral,
    /// Arrays and objects nested more than [`MAX_NESTING`] levels deep.
    TooDeep,
    /// A `/*` comment that the input ends inside of (lenient parsing only).
    UnterminatedComment,
    /// A `//` or `/*` comment in strict parsing; [`Options::lenient`] accepts it.
    Comment,
}

impl SyntaxKind {
    /// Whether the input ended before the value did: more input may complete it.
    pub fn is_cut(self) -> bool {
        matches!(self, SyntaxKind::UnexpectedEnd | SyntaxKind::UnterminatedString | SyntaxKind::UnterminatedComment)
    }

    /// A stable name of the error, for programs.
    pub fn id(self) -> &'static str {
        match self {
            SyntaxKind::UnexpectedEnd => "unexpected-end",
            SyntaxKind::TrailingComma => "trailing-comma",
            SyntaxKind::ExpectedValue => "expected-value",
            SyntaxKind::ExpectedKey => "expected-key",
            SyntaxKind::ExpectedColon => "expected-colon",
            SyntaxKind::ExpectedCommaOrCloseObject => "expected-comma-or-close-object",
            SyntaxKind::ExpectedCommaOrCloseArray => "expected-comma-or-close-array",
            SyntaxKind::UnterminatedString => "unterminated-string",
            SyntaxKind::ControlCharacterInString => "control-character-in-string",
            SyntaxKind::InvalidEscape => "invalid-escape",
            SyntaxKind::InvalidUtf8 => "invalid-utf8",
            SyntaxKind::InvalidNumber => "invalid-number",
            SyntaxKind::InvalidLiteral => "invalid-literal",
            SyntaxKind::TooDeep => "too-deep",
            SyntaxKind::UnterminatedComment => "unterminated-comment",
            SyntaxKind::Comment => "comment",
        }
    }
}

impl fmt::Display for SyntaxKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = match self {
            SyntaxKind::UnexpectedEnd => "unexpected end of input: the value is not closed",
            SyntaxKind::TrailingComma => "trailing comma: a comma must be followed by another member",
            SyntaxKind::ExpectedValue => "expected a JSON value",
            SyntaxKind::ExpectedKey => "expected a quoted key",
            SyntaxKind::ExpectedColon => "expected ':' after the key",
            SyntaxKind::ExpectedCommaOrCloseObject => {
                "expected ',' or '}' after an object member: the object is not closed"
            }
            SyntaxKind::ExpectedCommaOrCloseArray => "expected ',' or ']' after an array element",
            SyntaxKind::UnterminatedString => "unterminated string",
            SyntaxKind::ControlCharacterInString => {
                "unescaped control character (such as a line break) inside a string"
            }
            SyntaxKind::InvalidEscape => "invalid escape sequence in a string",
            SyntaxKind::InvalidUtf8 => "invalid UTF-8 inside a string",
            SyntaxKind::InvalidNumber => "invalid number",
            SyntaxKind::InvalidLiteral => "invalid literal (expected true, false or null)",
            SyntaxKind::TooDeep => return write!(f, "arrays and objects nested more than {MAX_NESTING} levels deep"),
            SyntaxKind::UnterminatedComment => "unterminated /* comment",
            SyntaxKind::Comment => "a comment, which strict JSON does not allow (--lenient accepts comments)",
        };
        f.write_str(message)
    }
}

/// A syntax error and the byte offset where the parser stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset in the parsed buffer where parsing stopped: the byte that could not be
    /// accepted, or the end of the input when it ended too early.
    pub offset: usize,
    /// What went wrong.
    pub kind: SyntaxKind,
}

/// Something the lenient parser accepted that strict JSON does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leniency {
    /// Byte offset in the parsed buffer of the comment's first byte, or of the closing bracket
    /// that follows a trailing comma.
    pub offset: usize,
    /// What was accepted.
    pub what: LeniencyKind,
}

/// What kind of non-strict syntax a [`Leniency`] records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeniencyKind {
    /// A `//` or `/* */` comment.
    Comment,
    /// A comma directly before the `}` or `]` that closes an object or array.
    TrailingComma,
}

impl LeniencyKind {
    /// A stable name of what was accepted, for programs.
    pub fn id(self) -> &'static str {
        match self {
            LeniencyKind::Comment => "comment",
            LeniencyKind::TrailingComma => "trailing-comma",
        }
    }

    /// What was accepted, in words.
    pub fn message(self) -> &'static str {
        match self {
            LeniencyKind::Comment => "a comment, which strict JSON does not allow",
            LeniencyKind::TrailingComma => "a trailing comma, which strict JSON does not allow",
        }
    }
}

/// Parser settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Accept comments and trailing commas.
    pub lenient: bool,
}

/// A successful parse: the value, where it ends, and what leniency allowed.
#[derive(Debug)]
pub struct Parsed<'a> {
    /// The value; its offsets index the parsed buffer.
    pub node: Node<'a>,
    /// Offset one past the value's last byte.
    pub end: usize,
    /// What lenient parsing accepted, in input order; empty for strict parsing.
    pub leniencies: Vec<Leniency>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_drop_their_elements_and_clones_theirs() {
        let shared = std::rc::Rc::new(());
        let children: Children<std::rc::Rc<()>> = vec![std::rc::Rc::clone(&shared); 2].into();
        let copy = children.clone();
        assert_eq!((std::rc::Rc::strong_count(&shared), copy.len()), (5, 2));
        drop(children);
        assert_eq!(std::rc::Rc::strong_count(&shared), 3);
        drop(copy);
        assert_eq!(std::rc::Rc::strong_count(&shared), 1);
    }

    #[test]
    fn exact_bytes_keep_lone_surrogates_apart_and_agree_with_decoded_otherwise() {
        let exact = |raw: &str| JsonStr { raw, escaped: true }.exact_bytes().into_owned();
        assert_ne!(exact(r"\ud800"), exact(r"\ud801"));
        assert_ne!(exact(r"\ud800"), exact(r"\ufffd"));
        assert_ne!(exact(r"\udc00\ud800"), exact(r"\ud800\udc00"));
        assert_eq!(exact(r"\ud83d\ude00"), "\u{1F600}".as_bytes());
        assert_eq!(exact(r"\uD83D\uDE00"), exact(r"\ud83d\ude00"));
        assert_eq!(exact(r"a\u0062\n\/\\"), b"ab\n/\\");
        assert_eq!(exact(r"\ud800"), [0xED, 0xA0, 0x80]);
    }

    proptest::proptest! {
        /// Escaped text without lone surrogates decodes to the same bytes either way.
        #[test]
        fn exact_bytes_are_the_decoded_text_when_every_surrogate_is_paired(text in "\\PC{0,12}") {
            let escaped: String = text.chars().map(|c| {
                let mut units = [0u16; 2];
                c.encode_utf16(&mut units).iter().map(|unit| format!("\\u{unit:04x}")).collect::<String>()
            }).collect();
            let string = JsonStr { raw: &escaped, escaped: true };
            proptest::prop_assert_eq!(string.exact_bytes().into_owned(), string.decoded().as_bytes().to_vec());
            proptest::prop_assert_eq!(string.decoded().into_owned(), text);
        }

        /// Two byte strings compare as the standard library compares them, whatever their lengths.
        #[test]
        fn same_bytes_agrees_with_slice_equality(
            a in proptest::collection::vec(proptest::num::u8::ANY, 0..20),
            b in proptest::collection::vec(proptest::num::u8::ANY, 0..20),
            changed in proptest::option::of(0usize..20),
        ) {
            proptest::prop_assert_eq!(same_bytes(&a, &b), a == b);
            // The same bytes, or the same but one.
            let mut near = a.clone();
            if let Some(byte) = changed.and_then(|at| near.get_mut(at % a.len().max(1))) {
                *byte ^= 1;
            }
            proptest::prop_assert_eq!(same_bytes(&a, &near), a == near);
        }
    }
}
