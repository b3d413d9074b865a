//! Finding JSON values in arbitrary text.
//!
//! One scanner serves every input shape: a single document, NDJSON, values back to back (`}{`),
//! and free text such as log lines with JSON embedded anywhere, pretty-printed objects spanning
//! lines included. A candidate is an object that begins like JSON (`{`, optional white space,
//! `"`) or an array that begins with an object (`[`, optional white space, `{`); a lone brace in
//! prose (`{name}`) is not one. A candidate object that does not parse is reported as a syntax
//! error and scanning resumes where parsing stopped; a candidate array that does not parse is
//! not reported, and scanning resumes inside it so the objects it holds are still found.
//!
//! The scanner is incremental: it is fed a buffer and told whether more input follows. When a
//! candidate runs past the end of the buffer it stops and says how much of the buffer it is done
//! with, so the caller can keep the rest and append more input. A candidate object whose parse
//! reaches past [`ScanOptions::max_payload_bytes`] is reported as too large and skipped
//! structurally without being held in memory; a candidate array that large is entered instead,
//! so the objects it holds are found one by one. Either way the outcome does not depend on where
//! the input is cut into buffers.

use crate::json::{self, KnownText, Options, Parsed, SyntaxError};

/// Scanner settings.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    /// Accept comments and trailing commas.
    pub lenient: bool,
    /// Largest value, in bytes, that is parsed; a larger object is reported and skipped, a
    /// larger array entered.
    pub max_payload_bytes: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            lenient: false,
            max_payload_bytes: usize::try_from(crate::limits::DEFAULT_MAX_PAYLOAD_BYTES).unwrap_or(usize::MAX),
        }
    }
}

/// Something the scanner found in a buffer. Offsets index that buffer.
#[derive(Debug)]
pub enum Found<'a> {
    /// A JSON value that parsed, starting at `start`.
    Value { start: usize, parsed: Parsed<'a> },
    /// A candidate object starting at `start` that does not parse; scanning resumed at `end`.
    Syntax { start: usize, end: usize, error: SyntaxError },
    /// A candidate starting at `start` larger than the payload limit, ending at `end`.
    TooLarge { start: usize, end: usize },
}

impl Found<'_> {
    pub fn start(&self) -> usize {
        match self {
            Found::Value { start, .. } | Found::Syntax { start, .. } | Found::TooLarge { start, .. } => *start,
        }
    }

    /// Where scanning resumed after this item.
    pub fn end(&self) -> usize {
        match self {
            Found::Value { parsed, .. } => parsed.end,
            Found::Syntax { end, .. } | Found::TooLarge { end, .. } => *end,
        }
    }
}

/// The outcome of scanning one buffer.
#[derive(Debug)]
pub struct Scanned<'a> {
    pub found: Vec<Found<'a>>,
    /// How many leading bytes of the buffer are done with; the caller keeps the rest and
    /// scans it again with more input appended.
    pub consumed: usize,
    /// Scanning stopped at `consumed` because it reached [`Region::stop_at`] outside any value.
    pub stopped: bool,
}

/// What part of a buffer to scan, and how its end is treated.
#[derive(Debug, Clone, Copy)]
pub struct Region {
    /// Start scanning here, outside any value.
    pub from: usize,
    /// No more input follows the buffer.
    pub at_eof: bool,
    /// Stop at the first point at or after this offset that is outside any value.
    pub stop_at: usize,
    /// Leave a value cut by the end of the buffer for the caller however large it is, instead of
    /// reporting it as too large; for scanning a piece of input whose continuation is scanned
    /// elsewhere.
    pub defer_cut_values: bool,
}

impl Region {
    /// The whole buffer.
    pub fn whole(at_eof: bool) -> Self {
        Region { from: 0, at_eof, stop_at: usize::MAX, defer_cut_values: false }
    }
}

/// An incremental scanner; it remembers only whether it is skipping an oversized value.
#[derive(Debug, Default)]
pub struct Scanner {
    options: ScanOptions,
    skipping: Option<StructuralSkip>,
}

/// How far past a scan's stopping point its input is checked for UTF-8 in one go: the value
/// running across that point, and the next region's values, are covered too.
const KNOWN_AHEAD: usize = 64 << 10;

/// Where scanning goes after a candidate.
enum Step {
    /// On, from this offset.
    Resume(usize),
    /// No further in this buffer: the first this many bytes are done with.
    Stop(usize),
}

enum Candidate {
    At(usize),
    /// A possible candidate at this offset that cannot be decided before more input arrives.
    Undecided(usize),
    None,
}

impl Scanner {
    pub fn new(options: ScanOptions) -> Self {
        Scanner { options, skipping: None }
    }

    /// Whether the scanner is inside an oversized value that began in an earlier buffer.
    pub fn is_skipping(&self) -> bool {
        self.skipping.is_some()
    }

    /// Scans all of `buf`; `at_eof` says no more input follows it.
    pub fn scan<'a>(&mut self, buf: &'a [u8], at_eof: bool) -> Scanned<'a> {
        self.scan_region(buf, Region::whole(at_eof))
    }

    /// Scans `buf` as `region` says.
    pub fn scan_region<'a>(&mut self, buf: &'a [u8], region: Region) -> Scanned<'a> {
        self.scan_region_known(buf, region, &mut KnownText::default())
    }

    /// Scans `buf` as `region` says, reusing and extending `known`, what is known to be valid
    /// UTF-8 in `buf`; for a caller that scans one buffer region after region.
    pub fn scan_region_known<'a>(&mut self, buf: &'a [u8], region: Region, known: &mut KnownText<'a>) -> Scanned<'a> {
        let mut found = Vec::with_capacity(16);
        let mut pos = region.from;
        let done = |found, consumed, stopped| Scanned { found, consumed, stopped };
        if let Some(skip) = self.skipping.as_mut() {
            match skip.advance(buf.get(pos..).unwrap_or_default()) {
                Some(end) => {
                    self.skipping = None;
                    pos += end;
                }
                None => return done(found, buf.len(), false),
            }
        }
        loop {
            if pos >= region.stop_at {
                return done(found, pos, true);
            }
            let start = match self.next_candidate(buf, pos, region.at_eof) {
                Candidate::At(start) if start >= region.stop_at => return done(found, region.stop_at, true),
                Candidate::At(start) => start,
                Candidate::Undecided(start) => return done(found, start, false),
                Candidate::None if buf.len() >= region.stop_at => return done(found, region.stop_at, true),
                Candidate::None => return done(found, buf.len(), false),
            };
            if !known.covers(start) {
                // Checked once for the values ahead: up to a little past where this scan stops.
                *known = KnownText::check(buf, start, region.stop_at.max(start).saturating_add(KNOWN_AHEAD));
            }
            match self.candidate(buf, start, region, *known, &mut found) {
                Step::Resume(at) => pos = at,
                Step::Stop(consumed) => return done(found, consumed, false),
            }
        }
    }

    /// Parses the candidate at `start`, records what it is, and says where scanning goes on.
    ///
    /// A candidate is too large when its parse reaches past the payload limit, whether it ends
    /// there, fails there, or is cut there by the end of the buffer. So the verdict does not depend
    /// on where the input is cut: a value that fails within the limit is a syntax error in any
    /// chunking, one that reaches past it is too large in any chunking. A too-large object is
    /// skipped structurally; a too-large array is entered, so the objects it holds are found one
    /// by one.
    fn candidate<'a>(
        &mut self,
        buf: &'a [u8],
        start: usize,
        region: Region,
        known: KnownText<'a>,
        found: &mut Vec<Found<'a>>,
    ) -> Step {
        let limit = self.options.max_payload_bytes;
        let is_object = buf.get(start) == Some(&b'{');
        let parsed = json::parse_value_in(buf, start, Options { lenient: self.options.lenient }, known);
        let reach = match &parsed {
            Ok(parsed) => parsed.end,
            Err(error) => error.offset,
        };
        match parsed {
            Err(error)
                if error.kind.is_cut() && !region.at_eof && (region.defer_cut_values || reach - start <= limit) =>
            {
                Step::Stop(start)
            }
            _ if reach - start > limit && !is_object => Step::Resume(start + 1),
            Ok(parsed) if reach - start > limit => {
                found.push(Found::TooLarge { start, end: parsed.end });
                Step::Resume(parsed.end)
            }
            Ok(parsed) => {
                found.push(Found::Value { start, parsed });
                Step::Resume(reach)
            }
            Err(_) if reach - start > limit => self.skip_too_large(buf, start, region, found),
            Err(error) if is_object => {
                let end = error.offset.max(start + 1);
                found.push(Found::Syntax { start, end, error });
                Step::Resume(end)
            }
            Err(_) => Step::Resume(start + 1),
        }
    }

    /// Reports the object at `start` as too large and skips to its end, across buffers if need be.
    fn skip_too_large<'a>(&mut self, buf: &'a [u8], start: usize, region: Region, found: &mut Vec<Found<'a>>) -> Step {
        let mut skip = StructuralSkip::new(self.options.lenient);
        match skip.advance(buf.get(start..).unwrap_or_default()) {
            Some(end) => {
                found.push(Found::TooLarge { start, end: start + end });
                Step::Resume(start + end)
            }
            None if region.defer_cut_values && !region.at_eof => Step::Stop(start),
            None => {
                found.push(Found::TooLarge { start, end: buf.len() });
                if !region.at_eof {
                    self.skipping = Some(skip);
                }
                Step::Stop(buf.len())
            }
        }
    }

    /// The next candidate at or after `from`.
    fn next_candidate(&self, buf: &[u8], mut from: usize, at_eof: bool) -> Candidate {
        loop {
            let Some(rest) = buf.get(from..) else { return Candidate::None };
            let Some(found) = memchr::memchr2(b'{', b'[', rest) else { return Candidate::None };
            let at = from + found;
            let opener = buf.get(at).copied();
            let after = buf.get(at + 1..).unwrap_or_default();
            let next = after.iter().position(|b| !b.is_ascii_whitespace());
            match (opener, next.and_then(|i| after.get(i))) {
                (Some(b'{'), Some(b'"')) | (Some(b'['), Some(b'{')) => return Candidate::At(at),
                (Some(b'{'), Some(b'/')) => match next.and_then(|i| after.get(i + 1)) {
                    Some(b'/' | b'*') => return Candidate::At(at),
                    None if !at_eof => return Candidate::Undecided(at),
                    _ => from = at + 1,
                },
                (_, None) if !at_eof && after.len() <= self.options.max_payload_bytes => {
                    return Candidate::Undecided(at);
                }
                _ => from = at + 1,
            }
        }
    }
}

/// Follows brackets, strings and (when lenient) comments to find where an oversized value ends,
/// keeping no bytes; it can be fed the value a buffer at a time.
#[derive(Debug)]
struct StructuralSkip {
    lenient: bool,
    depth: usize,
    state: SkipState,
}

/// Where a [`StructuralSkip`] stands within the value's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SkipState {
    Code,
    String,
    StringEscape,
    /// After a `/` outside strings, under lenient parsing.
    Slash,
    LineComment,
    BlockComment,
    /// After a `*` inside a block comment.
    BlockCommentStar,
}

impl StructuralSkip {
    fn new(lenient: bool) -> Self {
        StructuralSkip { lenient, depth: 0, state: SkipState::Code }
    }

    /// Consumes `bytes`; returns the offset just past the value's end once it is found.
    fn advance(&mut self, bytes: &[u8]) -> Option<usize> {
        use SkipState::*;
        for (i, &b) in bytes.iter().enumerate() {
            self.state = match (self.state, b) {
                (String, b'\\') => StringEscape,
                (String, b'"') => Code,
                (String | StringEscape, _) => String,
                (LineComment, b'\n') => Code,
                (LineComment, _) => LineComment,
                (BlockComment | BlockCommentStar, b'*') => BlockCommentStar,
                (BlockCommentStar, b'/') => Code,
                (BlockComment | BlockCommentStar, _) => BlockComment,
                (Slash, b'/') => LineComment,
                (Slash, b'*') => BlockComment,
                // Outside strings and comments (a lone `/` is nothing).
                (Code | Slash, b'"') => String,
                (Code, b'/') if self.lenient => Slash,
                (Code | Slash, b'{' | b'[') => {
                    self.depth += 1;
                    Code
                }
                (Code | Slash, b'}' | b']') => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                    Code
                }
                (Code | Slash, _) => Code,
            };
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(text: &str) -> Vec<(usize, &'static str)> {
        let mut scanner = Scanner::default();
        let scanned = scanner.scan(text.as_bytes(), true);
        assert_eq!(scanned.consumed, text.len());
        scanned
            .found
            .iter()
            .map(|f| {
                let what = match f {
                    Found::Value { .. } => "value",
                    Found::Syntax { .. } => "syntax",
                    Found::TooLarge { .. } => "too-large",
                };
                (f.start(), what)
            })
            .collect()
    }

    #[test]
    fn finds_values_in_text() {
        assert_eq!(starts(r#"x {name} y {"a":1}{"b":2} [{"c":3}]"#), [(11, "value"), (18, "value"), (26, "value")]);
    }

    #[test]
    fn reports_broken_objects_and_resumes_where_parsing_stopped() {
        assert_eq!(starts(r#"{"a":"PASS"Failure {"b":1,}{"c":2}"#), [(0, "syntax"), (19, "syntax"), (27, "value")]);
    }

    #[test]
    fn an_object_opening_with_a_comment_is_a_candidate() {
        assert_eq!(
            starts(
                r#"x {/path} {// note
"a":1}"#
            ),
            [(10, "syntax")]
        );
        let mut scanner = Scanner::default();
        assert_eq!(scanner.scan(b"x {/", false).consumed, 2);
    }

    #[test]
    fn a_broken_array_yields_the_objects_inside() {
        assert_eq!(starts(r#"[{"a":1}, oops"#), [(1, "value")]);
    }

    #[test]
    fn waits_for_more_input_when_a_value_is_cut() {
        let mut scanner = Scanner::default();
        let first = scanner.scan(br#"{"a":1} {"b":"#, false);
        assert_eq!(first.found.len(), 1);
        assert_eq!(first.consumed, 8);
        let undecided = scanner.scan(b"x {  ", false);
        assert_eq!((undecided.found.len(), undecided.consumed), (0, 2));
        let at_end = scanner.scan(br#"{"b":"#, true);
        assert!(matches!(at_end.found.as_slice(), [Found::Syntax { .. }]));
    }

    #[test]
    fn skips_an_oversized_value_across_buffers() {
        let options = ScanOptions { max_payload_bytes: 16, ..ScanOptions::default() };
        let mut scanner = Scanner::new(options);
        let head = br#"{"a":"}}}}}}}}}}}}}}}}}}}}","b":[{"#;
        let first = scanner.scan(head, false);
        assert!(matches!(first.found.as_slice(), [Found::TooLarge { start: 0, .. }]));
        assert_eq!(first.consumed, head.len());
        let second = scanner.scan(br#"}]} {"c":1}"#, true);
        assert!(matches!(second.found.as_slice(), [Found::Value { start: 4, .. }]));
        let whole = scanner.scan(br#"{"a":"0123456789abcdef"} {"c":1}"#, true);
        assert!(matches!(whole.found.as_slice(), [Found::TooLarge { .. }, Found::Value { .. }]));
    }

    #[test]
    fn an_oversized_array_is_entered_so_its_objects_are_found() {
        let options = ScanOptions { max_payload_bytes: 16, ..ScanOptions::default() };
        let text = br#"[{"a":1},{"b":2},{"c":3}]"#;
        let whole = Scanner::new(options).scan(text, true);
        assert!(matches!(
            whole.found.as_slice(),
            [Found::Value { start: 1, .. }, Found::Value { .. }, Found::Value { .. }]
        ));
        let mut scanner = Scanner::new(options);
        let cut = scanner.scan(&text[..20], false);
        assert_eq!(cut.found.len(), 2);
    }

    #[test]
    fn a_broken_value_past_the_limit_is_too_large_however_it_is_cut() {
        let options = ScanOptions { max_payload_bytes: 16, ..ScanOptions::default() };
        let text = br#"{"a":"0123456789abcdef",] {"c":1}"#;
        let whole = Scanner::new(options).scan(text, true);
        assert!(matches!(
            whole.found.as_slice(),
            [Found::TooLarge { start: 0, end: 25 }, Found::Value { start: 26, .. }]
        ));
        let mut scanner = Scanner::new(options);
        let head = scanner.scan(&text[..20], false);
        assert!(matches!(head.found.as_slice(), [Found::TooLarge { start: 0, .. }]));
        let tail = scanner.scan(&text[head.consumed..], true);
        assert!(matches!(tail.found.as_slice(), [Found::Value { start: 6, .. }]));
        let early = Scanner::new(options).scan(br#"{"a":x,"b":"0123456789abcdef"}"#, true);
        assert!(
            matches!(early.found.as_slice(), [Found::Syntax { .. }]),
            "a failure within the limit is a syntax error"
        );
    }

    #[test]
    fn the_structural_skip_passes_over_comments_when_lenient() {
        let text = b"{\"a\":1 /* } */ // ]\n ,\"b\":\"}\"} tail";
        let mut skip = StructuralSkip::new(true);
        assert_eq!(skip.advance(text), Some(text.len() - 5));
        let mut split = StructuralSkip::new(true);
        assert_eq!(split.advance(&text[..11]), None);
        assert_eq!(split.advance(&text[11..]).map(|end| end + 11), Some(text.len() - 5));
        assert_eq!(StructuralSkip::new(false).advance(text), Some(11), "strict: a comment is not skipped");
    }
}
