//! The parser: one JSON value at a time, from any offset of a buffer, strings searched eight
//! bytes at a time.

use super::words::{LOW_BITS, bytes_below};
use super::{
    Children, JsonStr, KnownText, Leniency, LeniencyKind, Member, Node, Options, Parsed, SyntaxError, SyntaxKind, Value,
};
use crate::limits::MAX_NESTING;

/// Parses one JSON value starting at `start` (white space before it is skipped).
///
/// Parsing stops where the value ends; what follows it is left alone. Every offset in the result
/// indexes `input`, so it places the value, its members and its keys in the text they came from.
///
/// ```
/// use authhook::json::{Options, SyntaxKind, Value, parse_value};
///
/// let line = br#"log: {"overallStatus": "PASS", "overallScore": 0.93}"#;
/// let parsed = parse_value(line, 4, Options::default())?;
/// assert_eq!((parsed.node.offset, parsed.end), (5, line.len()));
///
/// let status = parsed.node.get("overallStatus").and_then(|node| node.as_str().map(|s| (node.offset, s)));
/// assert_eq!(status.map(|(offset, s)| (offset, s.decoded())), Some((23, "PASS".into())));
///
/// let Value::Object(members) = &parsed.node.value else { panic!("not an object") };
/// assert_eq!(members[1].key_offset(line), 31);
/// assert_eq!(members[1].value.value, Value::Number("0.93", 0.93));
///
/// // An error tells what is wrong and where parsing stopped: here, at the closing brace.
/// let error = parse_value(br#"{"faceMatch": true,}"#, 0, Options::default()).unwrap_err();
/// assert_eq!((error.kind, error.offset), (SyntaxKind::TrailingComma, 19));
/// # Ok::<(), authhook::json::SyntaxError>(())
/// ```
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

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    options: Options,
    leniencies: Vec<Leniency>,
    known: KnownText<'a>,
}

/// The high bit of each byte of `word` that ends a plain run of string body (a quote, a
/// backslash, or a control character), exact for the lowest such byte, which is all that is
/// asked: nothing marked means no such byte.
fn string_special_bytes(word: u64) -> u64 {
    bytes_below(word ^ (LOW_BITS * u64::from(b'"')), 1)
        | bytes_below(word ^ (LOW_BITS * u64::from(b'\\')), 1)
        | bytes_below(word, 0x20)
}

/// Whether a string body ends or needs a closer look at `b`: a quote, a backslash, a control.
fn is_string_special(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// Powers of ten that `f64` holds exactly, up to the most [`number_value`] divides by.
const EXACT_POWERS_OF_TEN: [f64; 16] =
    [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// The value of the JSON number `text`, which the parser read as `mantissa` (its digits, without
/// the point, wrapped if there are many), `digit_count` digits of which `decimals` after the
/// point, and `exponent` (whether it has one). Most numbers in payloads (at most 15 digits, no
/// exponent: `0.83940647`, `4005`) are one division of two numbers `f64` holds exactly, which
/// IEEE arithmetic rounds correctly (Clinger's fast path): the same value the standard library's
/// parser gives, which reads every other number.
fn number_value(text: &str, mantissa: u64, digit_count: usize, decimals: usize, exponent: bool) -> f64 {
    match EXACT_POWERS_OF_TEN.get(decimals) {
        // At most 15 digits: the mantissa is below 10^15 < 2^53, exact, as is the power of ten.
        Some(scale) if digit_count <= 15 && !exponent => {
            let value = mantissa as f64 / scale;
            if text.starts_with('-') { -value } else { value }
        }
        _ => text.parse().unwrap_or(f64::NAN),
    }
}

/// Whether `text` holds a byte JSON writes escaped: a quote, a backslash or a control character.
pub fn needs_escape(text: &str) -> bool {
    string_special(text.as_bytes()).is_some()
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

    /// One value. Inlined where a member's or an item's value is read, so that a scalar (most
    /// values) costs no call; objects and arrays are the calls, and the recursion.
    #[inline(always)]
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
                let (text, value) = self.number()?;
                Value::Number(text, value)
            }
            Some(_) => return self.fail(SyntaxKind::ExpectedValue),
        };
        Ok(Node { offset, value })
    }

    fn enter(&self, depth: usize) -> Result<usize, SyntaxError> {
        if depth >= MAX_NESTING {
            return self.fail(SyntaxKind::TooDeep);
        }
        Ok(depth + 1)
    }

    #[inline(never)]
    fn object(&mut self, depth: usize) -> Result<Value<'a>, SyntaxError> {
        let depth = self.enter(depth)?;
        self.pos += 1;
        self.skip_space()?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(Children::default()));
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
                        return Ok(Value::Object(members.into()));
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
                    return Ok(Value::Object(members.into()));
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

    #[inline(never)]
    fn array(&mut self, depth: usize) -> Result<Value<'a>, SyntaxError> {
        let depth = self.enter(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_space()?;
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items.into()));
        }
        loop {
            if self.peek() == Some(b']') && !items.is_empty() {
                if self.options.lenient {
                    self.pos += 1;
                    return Ok(Value::Array(items.into()));
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
                    return Ok(Value::Array(items.into()));
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

    /// Digits from here on, added to `mantissa` (wrapping: only a short number's is used); how
    /// many. An exponent's digits go to a mantissa of their own, unused.
    fn digits_into(&mut self, mantissa: &mut u64) -> usize {
        let start = self.pos;
        while let Some(digit) = self.peek().map(|b| b.wrapping_sub(b'0')).filter(|&d| d < 10) {
            *mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(digit));
            self.pos += 1;
        }
        self.pos - start
    }

    /// A number: its text, and its value, read as the digits go by.
    fn number(&mut self) -> Result<(&'a str, f64), SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let mut mantissa = 0;
        let mut digit_count = match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                1
            }
            Some(b'1'..=b'9') => self.digits_into(&mut mantissa),
            None => return self.fail(SyntaxKind::UnexpectedEnd),
            Some(_) => return self.fail(SyntaxKind::InvalidNumber),
        };
        let mut decimals = 0;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            decimals = self.digits_into(&mut mantissa);
            if decimals == 0 {
                return self.number_end_error();
            }
            digit_count += decimals;
        }
        let exponent = matches!(self.peek(), Some(b'e' | b'E'));
        if exponent {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits_into(&mut 0) == 0 {
                return self.number_end_error();
            }
        }
        if matches!(self.peek(), Some(b'0'..=b'9')) {
            // A leading zero followed by more digits, such as 0123.
            return self.fail(SyntaxKind::InvalidNumber);
        }
        // Numbers are ASCII by construction, so this cannot fail.
        let text = self.text(start, self.pos)?;
        Ok((text, number_value(text, mantissa, digit_count, decimals, exponent)))
    }

    fn number_end_error<T>(&self) -> Result<T, SyntaxError> {
        if self.peek().is_none() { self.fail(SyntaxKind::UnexpectedEnd) } else { self.fail(SyntaxKind::InvalidNumber) }
    }

    /// A string at its opening quote; inlined, as strings are most of what a payload holds.
    #[inline(always)]
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

    /// The input's `from..to` as text; an error at the first byte that is not UTF-8. Most text
    /// lies where the scanner already found valid UTF-8, and is taken without a second look.
    #[inline(always)]
    fn text(&self, from: usize, to: usize) -> Result<&'a str, SyntaxError> {
        match self.known.get(from, to) {
            Some(text) => Ok(text),
            None => self.checked_text(from, to),
        }
    }

    /// [`Parser::text`] for text outside the known stretch, checked here.
    #[inline(never)]
    fn checked_text(&self, from: usize, to: usize) -> Result<&'a str, SyntaxError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Any JSON number is read as the standard library reads it, fast path or not.
        #[test]
        fn numbers_are_read_as_the_standard_library_reads_them(
            negative in proptest::bool::ANY,
            whole in "(0|[1-9][0-9]{0,20})",
            fraction in proptest::option::of("[0-9]{1,20}"),
            exponent in proptest::option::of("[eE][+-]?[0-9]{1,3}"),
        ) {
            let text = format!(
                "{}{whole}{}{}",
                if negative { "-" } else { "" },
                fraction.map(|f| format!(".{f}")).unwrap_or_default(),
                exponent.unwrap_or_default()
            );
            let expected: f64 = text.parse().unwrap();
            let read = parse_value(text.as_bytes(), 0, Options::default()).ok().map(|parsed| parsed.node.value);
            let Some(Value::Number(_, value)) = read else { panic!("{text} is not read as a number: {read:?}") };
            proptest::prop_assert_eq!(value.to_bits(), expected.to_bits(), "{}", text);
        }

        #[test]
        fn the_first_special_byte_is_the_one_a_byte_by_byte_look_finds(bytes in proptest::collection::vec(
            proptest::prop_oneof![proptest::num::u8::ANY, proptest::sample::select(vec![b'"', b'\\', 0x1f, 0x20, 0x21, 0x5b, 0x5d, 0x80])],
            0..40,
        )) {
            proptest::prop_assert_eq!(string_special(&bytes), bytes.iter().position(|&b| is_string_special(b)));
        }
    }

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
        let fine = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
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
}
