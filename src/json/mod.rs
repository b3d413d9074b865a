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

use std::borrow::Cow;
use std::fmt;

/// Deepest nesting of arrays and objects accepted before parsing stops with an error.
pub const MAX_DEPTH: usize = 128;

/// A parsed JSON value and the byte offset of its first byte in the parsed buffer.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub offset: usize,
    pub value: Value<'a>,
}

/// A JSON value whose strings and numbers borrow from the input.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// A number exactly as written, and its value (infinite beyond `f64`), read once here
    /// because rules, reasons and results all look at it.
    Number(&'a str, f64),
    String(JsonStr<'a>),
    Array(Vec<Node<'a>>),
    /// Members in input order; a repeated key appears once per occurrence.
    Object(Vec<Member<'a>>),
}

/// One `"key": value` pair of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    /// The key, which stands in the parsed input (see [`Member::key_offset`]).
    pub key: JsonStr<'a>,
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

    /// Whether the string holds escape sequences (its decoded form differs from its raw form).
    pub fn has_escapes(&self) -> bool {
        self.escaped
    }

    /// Whether the decoded string equals `text`, without allocating in the common case.
    pub fn is(&self, text: &str) -> bool {
        if self.escaped { unescape(self.raw) == text } else { self.raw == text }
    }
}

/// JSON's type names, as the contract and messages use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    Null,
    Boolean,
    Number,
    String,
    Array,
    Object,
}

impl JsonType {
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

    pub fn as_str(&self) -> Option<JsonStr<'a>> {
        match self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

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
pub enum SyntaxKind {
    UnexpectedEnd,
    TrailingComma,
    ExpectedValue,
    ExpectedKey,
    ExpectedColon,
    ExpectedCommaOrCloseObject,
    ExpectedCommaOrCloseArray,
    UnterminatedString,
    ControlCharacterInString,
    InvalidEscape,
    InvalidUtf8,
    InvalidNumber,
    InvalidLiteral,
    TooDeep,
    UnterminatedComment,
    Comment,
}

impl SyntaxKind {
    /// Whether the input ended before the value did: more input may complete it.
    pub fn is_cut(self) -> bool {
        matches!(self, SyntaxKind::UnexpectedEnd | SyntaxKind::UnterminatedString | SyntaxKind::UnterminatedComment)
    }

    pub fn message(self) -> &'static str {
        match self {
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
            SyntaxKind::TooDeep => "arrays and objects nested more than 128 levels deep",
            SyntaxKind::UnterminatedComment => "unterminated /* comment",
            SyntaxKind::Comment => "a comment, which strict JSON does not allow (--lenient accepts comments)",
        }
    }
}

impl fmt::Display for SyntaxKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A syntax error and the byte offset where the parser stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub kind: SyntaxKind,
}

/// Something the lenient parser accepted that strict JSON does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leniency {
    pub offset: usize,
    pub what: LeniencyKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeniencyKind {
    Comment,
    TrailingComma,
}

impl LeniencyKind {
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
    pub node: Node<'a>,
    /// Offset one past the value's last byte.
    pub end: usize,
    pub leniencies: Vec<Leniency>,
}

/// Parses one JSON value starting at `start` (white space before it is skipped).
pub fn parse_value(input: &[u8], start: usize, options: Options) -> Result<Parsed<'_>, SyntaxError> {
    parse_value_in(input, start, options, KnownText::default())
}

/// Like [`parse_value`], with a stretch of `input` already known to be valid UTF-8, whose strings
/// and numbers need no check of their own.
pub fn parse_value_in<'a>(
    input: &'a [u8],
    start: usize,
    options: Options,
    known: KnownText<'a>,
) -> Result<Parsed<'a>, SyntaxError> {
    let mut parser = Parser { input, pos: start, options, leniencies: Vec::new(), known };
    parser.skip_space()?;
    let node = parser.value(0)?;
    Ok(Parsed { node, end: parser.pos, leniencies: parser.leniencies })
}

/// A stretch of an input known to be valid UTF-8, found with one check instead of one per string.
#[derive(Debug, Clone, Copy, Default)]
pub struct KnownText<'a> {
    /// Where `text` starts in the input.
    at: usize,
    text: &'a str,
}

impl<'a> KnownText<'a> {
    /// The longest valid UTF-8 stretch of `input[from..to]` that starts at `from`.
    pub fn check(input: &'a [u8], from: usize, to: usize) -> Self {
        let bytes = input.get(from..to.min(input.len())).unwrap_or_default();
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            // Rare (invalid bytes ahead): the valid prefix is checked again to borrow it as text,
            // which `utf8_chunks` would avoid at the price of its much slower check of the rest.
            Err(error) => std::str::from_utf8(bytes.get(..error.valid_up_to()).unwrap_or_default()).unwrap_or_default(),
        };
        KnownText { at: from, text }
    }

    /// Whether `offset` lies in the known stretch.
    pub fn covers(&self, offset: usize) -> bool {
        offset >= self.at && offset - self.at < self.text.len()
    }

    /// The input's `from..to` as text, when it lies in the known stretch.
    fn get(&self, from: usize, to: usize) -> Option<&'a str> {
        self.text.get(from.checked_sub(self.at)?..to.checked_sub(self.at)?)
    }
}

impl<'a> From<&'a str> for KnownText<'a> {
    /// All of `text`, which is a buffer in its own right.
    fn from(text: &'a str) -> Self {
        KnownText { at: 0, text }
    }
}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    options: Options,
    leniencies: Vec<Leniency>,
    known: KnownText<'a>,
}

const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` that is zero.
fn zero_bytes(word: u64) -> u64 {
    !(((word & !HIGH_BITS) + !HIGH_BITS) | word) & HIGH_BITS
}

/// The high bit of each byte of `word` that ends a plain run of string body: a quote, a
/// backslash, or a control character. Exact for every byte, no carry crosses bytes.
fn string_special_bytes(word: u64) -> u64 {
    let control = !(((word & !HIGH_BITS) + LOW_BITS * 0x60) | word) & HIGH_BITS;
    zero_bytes(word ^ (LOW_BITS * u64::from(b'"'))) | zero_bytes(word ^ (LOW_BITS * u64::from(b'\\'))) | control
}

/// Whether a string body ends or needs a closer look at `b`: a quote, a backslash, a control.
fn is_string_special(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The offset of the first byte of `bytes` that [`is_string_special`], eight bytes at a time.
fn string_special(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let Ok(word) = <[u8; 8]>::try_from(chunk).map(u64::from_le_bytes) else { break };
        let special = string_special_bytes(word);
        if special != 0 {
            return Some(offset + special.trailing_zeros() as usize / 8);
        }
        offset += 8;
    }
    chunks.remainder().iter().position(|&b| is_string_special(b)).map(|i| i + offset)
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn fail<T>(&self, kind: SyntaxKind) -> Result<T, SyntaxError> {
        Err(SyntaxError { offset: self.pos, kind })
    }

    /// Skips white space (and, when lenient, comments); compact JSON usually has none, so the
    /// common case is one look at one byte.
    #[inline]
    fn skip_space(&mut self) -> Result<(), SyntaxError> {
        match self.peek() {
            Some(b' ' | b'\t' | b'\n' | b'\r' | b'/') => self.skip_space_run(),
            _ => Ok(()),
        }
    }

    fn skip_space_run(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/') if self.options.lenient => self.comment()?,
                Some(b'/') => match self.input.get(self.pos + 1) {
                    Some(b'/' | b'*') => return self.fail(SyntaxKind::Comment),
                    None => return self.fail(SyntaxKind::UnexpectedEnd),
                    Some(_) => return Ok(()),
                },
                _ => return Ok(()),
            }
        }
    }

    fn comment(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        let rest = self.input.get(self.pos..).unwrap_or_default();
        match rest.get(1) {
            Some(b'/') => {
                self.pos += memchr::memchr(b'\n', rest).unwrap_or(rest.len());
            }
            Some(b'*') => match memchr::memmem::find(rest.get(2..).unwrap_or_default(), b"*/") {
                Some(at) => self.pos += at + 4,
                None => {
                    self.pos += rest.len();
                    return self.fail(SyntaxKind::UnterminatedComment);
                }
            },
            // A `/` at the end of the input may be the first half of a comment still to come.
            None => return self.fail(SyntaxKind::UnexpectedEnd),
            Some(_) => return self.fail(SyntaxKind::ExpectedValue),
        }
        self.leniencies.push(Leniency { offset: start, what: LeniencyKind::Comment });
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, SyntaxError> {
        let offset = self.pos;
        let value = match self.peek() {
            None => return self.fail(SyntaxKind::UnexpectedEnd),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal(b"true", Value::Bool(true))?,
            Some(b'f') => self.literal(b"false", Value::Bool(false))?,
            Some(b'n') => self.literal(b"null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => {
                let text = self.number()?;
                Value::Number(text, text.parse().unwrap_or(f64::NAN))
            }
            Some(_) => return self.fail(SyntaxKind::ExpectedValue),
        };
        Ok(Node { offset, value })
    }

    fn enter(&self, depth: usize) -> Result<usize, SyntaxError> {
        if depth >= MAX_DEPTH {
            return self.fail(SyntaxKind::TooDeep);
        }
        Ok(depth + 1)
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, SyntaxError> {
        let depth = self.enter(depth)?;
        self.pos += 1;
        self.skip_space()?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(Vec::new()));
        }
        // Room for a whole payload's members at the top, so it is allocated once; a nested object
        // (a payload's have two members) starts with room for two, so that a value of many tiny
        // objects takes memory in proportion to its size.
        let mut members = Vec::with_capacity(if depth == 1 { 16 } else { 2 });
        loop {
            match self.peek() {
                Some(b'"') => {}
                None => return self.fail(SyntaxKind::UnexpectedEnd),
                Some(b'}') if !members.is_empty() => {
                    if self.options.lenient {
                        self.pos += 1;
                        return Ok(Value::Object(members));
                    }
                    return self.fail(SyntaxKind::TrailingComma);
                }
                Some(_) => return self.fail(SyntaxKind::ExpectedKey),
            }
            let key = self.string()?;
            self.skip_space()?;
            match self.peek() {
                Some(b':') => self.pos += 1,
                None => return self.fail(SyntaxKind::UnexpectedEnd),
                Some(_) => return self.fail(SyntaxKind::ExpectedColon),
            }
            self.skip_space()?;
            let value = self.value(depth)?;
            members.push(Member { key, value });
            self.skip_space()?;
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_space()?;
                    self.note_trailing_comma(b'}');
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                None => return self.fail(SyntaxKind::UnexpectedEnd),
                Some(_) => return self.fail(SyntaxKind::ExpectedCommaOrCloseObject),
            }
        }
    }

    /// Records a lenient trailing comma when the next byte closes the container.
    fn note_trailing_comma(&mut self, close: u8) {
        if self.options.lenient && self.peek() == Some(close) {
            self.leniencies.push(Leniency { offset: self.pos, what: LeniencyKind::TrailingComma });
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, SyntaxError> {
        let depth = self.enter(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_space()?;
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            if self.peek() == Some(b']') && !items.is_empty() {
                if self.options.lenient {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                return self.fail(SyntaxKind::TrailingComma);
            }
            items.push(self.value(depth)?);
            self.skip_space()?;
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_space()?;
                    self.note_trailing_comma(b']');
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                None => return self.fail(SyntaxKind::UnexpectedEnd),
                Some(_) => return self.fail(SyntaxKind::ExpectedCommaOrCloseArray),
            }
        }
    }

    fn literal(&mut self, word: &[u8], value: Value<'a>) -> Result<Value<'a>, SyntaxError> {
        let end = self.pos + word.len();
        match self.input.get(self.pos..end) {
            Some(found) if found == word => {
                self.pos = end;
                Ok(value)
            }
            Some(_) => self.fail(SyntaxKind::InvalidLiteral),
            None => {
                let rest = self.input.get(self.pos..).unwrap_or_default();
                if word.starts_with(rest) {
                    self.pos = self.input.len();
                    self.fail(SyntaxKind::UnexpectedEnd)
                } else {
                    self.fail(SyntaxKind::InvalidLiteral)
                }
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<&'a str, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            None => return self.fail(SyntaxKind::UnexpectedEnd),
            Some(_) => return self.fail(SyntaxKind::InvalidNumber),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return self.number_end_error();
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return self.number_end_error();
            }
        }
        if matches!(self.peek(), Some(b'0'..=b'9')) {
            // A leading zero followed by more digits, such as 0123.
            return self.fail(SyntaxKind::InvalidNumber);
        }
        // Numbers are ASCII by construction, so this cannot fail.
        self.text(start, self.pos)
    }

    fn number_end_error<T>(&self) -> Result<T, SyntaxError> {
        if self.peek().is_none() { self.fail(SyntaxKind::UnexpectedEnd) } else { self.fail(SyntaxKind::InvalidNumber) }
    }

    fn string(&mut self) -> Result<JsonStr<'a>, SyntaxError> {
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            let rest = self.input.get(self.pos..).unwrap_or_default();
            let Some(special) = string_special(rest) else {
                self.pos = self.input.len();
                return self.fail(SyntaxKind::UnterminatedString);
            };
            self.pos += special;
            match rest.get(special) {
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    self.escape()?;
                }
                _ => return self.fail(SyntaxKind::ControlCharacterInString),
            }
        }
        let raw = self.text(start, self.pos)?;
        self.pos += 1;
        Ok(JsonStr { raw, escaped })
    }

    /// The input's `from..to` as text; an error at the first byte that is not UTF-8.
    fn text(&mut self, from: usize, to: usize) -> Result<&'a str, SyntaxError> {
        if let Some(text) = self.known.get(from, to) {
            return Ok(text);
        }
        let bytes = self.input.get(from..to).unwrap_or_default();
        std::str::from_utf8(bytes)
            .map_err(|error| SyntaxError { offset: from + error.valid_up_to(), kind: SyntaxKind::InvalidUtf8 })
    }

    fn escape(&mut self) -> Result<(), SyntaxError> {
        match self.input.get(self.pos + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                self.pos += 2;
                Ok(())
            }
            Some(b'u') => {
                let hex = self.input.get(self.pos + 2..self.pos + 6);
                match hex {
                    Some(h) if h.iter().all(u8::is_ascii_hexdigit) => {
                        self.pos += 6;
                        Ok(())
                    }
                    Some(_) => self.fail(SyntaxKind::InvalidEscape),
                    None => {
                        self.pos = self.input.len();
                        self.fail(SyntaxKind::UnexpectedEnd)
                    }
                }
            }
            Some(_) => self.fail(SyntaxKind::InvalidEscape),
            None => {
                self.pos = self.input.len();
                self.fail(SyntaxKind::UnexpectedEnd)
            }
        }
    }
}

/// Decodes the escapes of a validated JSON string body; lone surrogates become U+FFFD.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let high = hex4(&mut chars);
                let code = if (0xD800..0xDC00).contains(&high) {
                    let mut lookahead = chars.clone();
                    if lookahead.next() == Some('\\') && lookahead.next() == Some('u') {
                        let low = hex4(&mut lookahead);
                        if (0xDC00..0xE000).contains(&low) {
                            chars = lookahead;
                            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            high
                        }
                    } else {
                        high
                    }
                } else {
                    high
                };
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn hex4(chars: &mut std::str::Chars<'_>) -> u32 {
    chars.by_ref().take(4).fold(0, |acc, c| acc * 16 + c.to_digit(16).unwrap_or(0))
}

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

    #[test]
    fn finds_the_first_special_byte_of_a_string_body_at_any_position() {
        for len in 0..20 {
            for at in 0..len {
                for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = special;
                    if at + 1 < len {
                        bytes[at + 1] = 0xe9;
                    }
                    assert_eq!(string_special(&bytes), Some(at), "{bytes:?}");
                }
            }
            let plain: Vec<u8> = (0..len).map(|i| [b' ', b'~', 0x7f, 0x80, 0xff, b'!', b'#', b'['][i % 8]).collect();
            assert_eq!(string_special(&plain), None, "{plain:?}");
        }
    }

    fn parse(text: &str) -> Result<Parsed<'_>, SyntaxError> {
        parse_value(text.as_bytes(), 0, Options::default())
    }

    fn error_of(text: &str) -> SyntaxError {
        match parse(text) {
            Ok(parsed) => panic!("parsed {parsed:?}"),
            Err(error) => error,
        }
    }

    #[test]
    fn parses_members_with_offsets() {
        let text = r#"{"a": 1, "b": [true, null]}"#;
        let parsed = parse(text).unwrap();
        assert_eq!(parsed.end, 27);
        let Value::Object(members) = &parsed.node.value else { panic!() };
        assert_eq!(members[0].key_offset(text.as_bytes()), 1);
        assert_eq!(members[1].key_offset(text.as_bytes()), 9);
        assert_eq!(members[1].key_offset(b"elsewhere"), 0);
        assert_eq!(members[0].value.offset, 6);
        assert_eq!(members[1].value.offset, 14);
    }

    #[test]
    fn keeps_repeated_keys_and_numbers_as_written() {
        let parsed = parse(r#"{"a":4005.0,"a":1e999}"#).unwrap();
        let Value::Object(members) = &parsed.node.value else { panic!() };
        assert_eq!(members.len(), 2);
        assert_eq!(members[0].value.value, Value::Number("4005.0", 4005.0));
        assert_eq!(parsed.node.get("a").unwrap().as_f64(), Some(f64::INFINITY));
    }

    #[test]
    fn names_a_trailing_comma() {
        let error = error_of("{\"a\": 1,\n}");
        assert_eq!(error, SyntaxError { offset: 9, kind: SyntaxKind::TrailingComma });
        assert_eq!(error_of("[1,]").kind, SyntaxKind::TrailingComma);
    }

    #[test]
    fn stops_where_an_object_is_not_closed() {
        let error = error_of(r#"{"overallStatus": "PASS"Failure"#);
        assert_eq!(error, SyntaxError { offset: 24, kind: SyntaxKind::ExpectedCommaOrCloseObject });
    }

    #[test]
    fn reports_unexpected_end() {
        for text in ["{", "{\"a\":", "{\"a\":tr", "{\"a\":-", "[1", "{\"a\":\"\\u00"] {
            assert_eq!(error_of(text).kind, SyntaxKind::UnexpectedEnd, "{text}");
        }
        for text in ["{\"a", "{\"a\":\"x"] {
            assert_eq!(error_of(text).kind, SyntaxKind::UnterminatedString, "{text}");
        }
    }

    #[test]
    fn rejects_bad_strings_and_numbers() {
        assert_eq!(error_of("\"a\nb\"").kind, SyntaxKind::ControlCharacterInString);
        assert_eq!(error_of(r#""\x""#).kind, SyntaxKind::InvalidEscape);
        assert_eq!(error_of("01").kind, SyntaxKind::InvalidNumber);
        assert_eq!(error_of("1.").kind, SyntaxKind::UnexpectedEnd);
        assert_eq!(error_of("1.x").kind, SyntaxKind::InvalidNumber);
        assert_eq!(error_of("nul!").kind, SyntaxKind::InvalidLiteral);
        let invalid = [b'"', b'a', 0xff, b'"'];
        let error = parse_value(&invalid, 0, Options::default()).unwrap_err();
        assert_eq!(error, SyntaxError { offset: 2, kind: SyntaxKind::InvalidUtf8 });
    }

    #[test]
    fn limits_depth_without_recursing_further() {
        let deep = "[".repeat(100_000);
        assert_eq!(error_of(&deep).kind, SyntaxKind::TooDeep);
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn decodes_escapes_and_surrogate_pairs() {
        let parsed = parse(r#""a\"b\\c\n\u00e9\ud83d\ude00\ud800""#).unwrap();
        let Value::String(s) = parsed.node.value else { panic!() };
        assert_eq!(s.decoded(), "a\"b\\c\né😀\u{FFFD}");
    }

    #[test]
    fn lenient_mode_records_comments_and_trailing_commas() {
        let text = "{ // note\n \"a\": [1,], /* x */ \"b\": 2,}";
        let parsed = parse_value(text.as_bytes(), 0, Options { lenient: true }).unwrap();
        let kinds: Vec<_> = parsed.leniencies.iter().map(|l| l.what).collect();
        assert_eq!(
            kinds,
            [LeniencyKind::Comment, LeniencyKind::TrailingComma, LeniencyKind::Comment, LeniencyKind::TrailingComma]
        );
        assert_eq!(error_of("{\"a\":1 // x\n}").kind, SyntaxKind::Comment);
    }

    #[test]
    fn writes_compact_json_with_replacements() {
        let parsed = parse("{ \"token\" : \"abc\", \"n\" : [ 1e2 , \"\\u0041\" ] }").unwrap();
        let mut out = String::new();
        write_compact(&parsed.node, &mut out, &|m| m.key.is("token").then(|| "\"x\"".to_owned()));
        assert_eq!(out, r#"{"token":"x","n":[1e2,"A"]}"#);
    }
}
