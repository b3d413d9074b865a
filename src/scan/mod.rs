//! Finding JSON values in arbitrary text.
//!
//! One scanner serves every input shape: a single document, NDJSON, values back to back (`}{`),
//! and free text such as log lines with JSON embedded anywhere, pretty-printed objects spanning
//! lines included. A candidate is an object that begins like JSON (`{`, optional white space,
//! `"`), an array that begins with an object (`[`, optional white space, `{`), or a string that
//! holds an encoded object (`"{\"`, `"{\n`); a lone brace in prose (`{name}`) is not one.
//!
//! Nothing is lost inside a broken value. A candidate object that does not parse is reported as a
//! syntax error, and one whose parse reaches past [`ScanOptions::max_payload_bytes`] as too large;
//! either way scanning goes on just inside it, so a payload that sits within (a log line cut after
//! `"req":`, followed by a whole payload) is still found. What scanning finds within a broken
//! value, up to the end of the line where it visibly breaks off (its *shadow*), is marked
//! [`Found::Value::shadowed`]: only payloads found there are reported, not the broken value's own
//! fragments. A candidate array that does not parse, or is too large, is entered with no report,
//! so the objects it holds are found one by one. The parse of a candidate never reads past the
//! payload limit, so memory stays bounded by the limit whatever the input.
//!
//! The scanner is incremental: it is fed a buffer and told whether more input follows. When a
//! candidate runs past the end of the buffer it stops and says how much of the buffer it is done
//! with, so the caller can keep the rest and append more input; it tries that candidate again
//! only once the input after it has doubled (or it can be decided), so a value arriving in many
//! small pieces is parsed a few times, not once per piece. The outcome does not depend on where
//! the input is cut into buffers.

pub mod joined;
pub mod logged;
pub mod position;

use crate::json::{self, KnownText, Options, Parsed, SyntaxError};
use crate::limits::MAX_NESTING;
use joined::{JoinedRun, Joining};
use logged::{Logged, Opening, Reading};
use position::LineHead;

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
    /// A JSON value that parsed, starting at `start`; `shadowed` when it lies within a broken
    /// value, where only payloads count.
    Value {
        /// Offset of the value's first byte (for a string that holds an encoded object, its
        /// opening quote).
        start: usize,
        /// The value; [`Parsed::end`] is where it ends.
        parsed: Parsed<'a>,
        /// The value lies within a broken value's shadow.
        shadowed: bool,
    },
    /// A value printed by a receiver's language (Python, Node, Ruby) rather than as JSON,
    /// starting at `start` (its opening brace), read and translated into JSON.
    Logged {
        /// Offset of the value's opening brace.
        start: usize,
        /// The translation; [`Logged::end`] is where the printed value ends.
        logged: Box<Logged>,
    },
    /// Records of a container log (docker json-file, CRI) that hold pieces of one value,
    /// starting at `start` (the first record, or for CRI the value's opening brace), read as
    /// one text.
    Joined {
        /// Offset of the first record, or of the value's opening brace in a CRI record.
        start: usize,
        /// The joined text; [`JoinedRun::end`] is where the last record ends.
        run: Box<JoinedRun>,
    },
    /// A candidate object starting at `start` that does not parse; its shadow ends at `end`.
    Syntax {
        /// Offset of the object's opening brace.
        start: usize,
        /// Offset where the shadow ends, past `start`.
        end: usize,
        /// Why and where the parse failed.
        error: SyntaxError,
    },
    /// A candidate object starting at `start` larger than the payload limit; its shadow ends at
    /// `end`.
    TooLarge {
        /// Offset of the object's opening brace, or of the opening quote of a string that holds
        /// an encoded object.
        start: usize,
        /// Offset where the shadow ends, past `start`.
        end: usize,
    },
}

impl Found<'_> {
    /// Where this item starts: its first byte.
    pub fn start(&self) -> usize {
        match self {
            Found::Value { start, .. }
            | Found::Logged { start, .. }
            | Found::Joined { start, .. }
            | Found::Syntax { start, .. }
            | Found::TooLarge { start, .. } => *start,
        }
    }

    /// Where this item's span ends: the value's end, or the end of a broken value's shadow.
    pub fn end(&self) -> usize {
        match self {
            Found::Value { parsed, .. } => parsed.end,
            Found::Logged { logged, .. } => logged.end,
            Found::Joined { run, .. } => run.end,
            Found::Syntax { end, .. } | Found::TooLarge { end, .. } => *end,
        }
    }
}

/// The outcome of scanning one buffer.
#[derive(Debug)]
pub struct Scanned<'a> {
    /// Everything found, in input order.
    pub found: Vec<Found<'a>>,
    /// How many leading bytes of the buffer are done with; the caller keeps the rest and
    /// scans it again with more input appended.
    pub consumed: usize,
    /// Scanning stopped at `consumed` because it reached the point it was asked to stop at, outside any value.
    pub stopped: bool,
}

/// What part of a buffer to scan, and how its end is treated.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Region {
    /// Start scanning here, outside any value.
    pub(crate) from: usize,
    /// No more input follows the buffer.
    pub(crate) at_eof: bool,
    /// Stop at the first point at or after this offset that is outside any value and past any
    /// broken value's shadow.
    pub(crate) stop_at: usize,
    /// Stop as soon as that is possible once this many items are found.
    pub(crate) max_found: usize,
    /// Leave an array that does not close within the buffer to the caller unparsed; for a scan
    /// of a piece of input whose continuation is scanned elsewhere.
    pub(crate) defer_unclosed_arrays: bool,
}

impl Region {
    /// The whole buffer.
    pub(crate) fn whole(at_eof: bool) -> Self {
        Region { from: 0, at_eof, stop_at: usize::MAX, max_found: usize::MAX, defer_unclosed_arrays: false }
    }
}

/// An incremental scanner; between buffers it remembers a broken value's shadow that runs on,
/// and how much input a cut candidate had when it was last tried.
///
/// ```
/// use authhook::json::SyntaxKind;
/// use authhook::scan::{Found, ScanOptions, Scanner};
///
/// let log = b"12:00:01 got {user} {\"overallStatus\":\"FAIL\",\"faceMatch\":false} in 3 ms
/// 12:00:02 got {\"overallStatus\":\"PASS\",\"faceMatch\":tru
/// 12:00:03 done";
/// let scanned = Scanner::new(ScanOptions::default()).scan(log, true);
/// assert_eq!(scanned.consumed, log.len());
/// assert_eq!(scanned.found.len(), 2);
///
/// let Found::Value { start, parsed, shadowed: false } = &scanned.found[0] else { panic!("no value") };
/// assert_eq!(&log[*start..parsed.end], br#"{"overallStatus":"FAIL","faceMatch":false}"#);
/// assert_eq!(parsed.node.get("faceMatch").and_then(|node| node.as_bool()), Some(false));
///
/// let Found::Syntax { error, .. } = &scanned.found[1] else { panic!("no syntax error") };
/// assert_eq!(error.kind, SyntaxKind::InvalidLiteral);
///
/// // Fed in pieces, it says how much of each buffer it is done with; the caller keeps the rest
/// // and scans it again with more input appended.
/// let mut scanner = Scanner::default();
/// let first = scanner.scan(br#"x {"faceMatch":"#, false);
/// assert_eq!((first.found.len(), first.consumed), (0, 2));
/// let rest = scanner.scan(br#"{"faceMatch":true}"#, true);
/// assert_eq!(rest.found.len(), 1);
/// ```
#[derive(Debug, Default)]
pub struct Scanner {
    options: ScanOptions,
    /// A shadow carried over from the last buffer, relative to where that scan stopped.
    shadow: Option<Shadow>,
    /// The bytes a candidate cut by the end of the last buffer had when it was parsed; it is
    /// parsed again once it has twice as many.
    waited: Option<usize>,
    /// The start of the line the buffer begins in, when that began before it.
    line_head: LineHead,
    /// Container records are read one by one, not joined into runs.
    records_alone: bool,
}

/// A broken value's shadow that runs on past where a scan stopped, handed from one scanner to
/// another.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CarriedShadow(Option<Shadow>);

/// Where a broken value's shadow ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shadow {
    /// At this offset of the buffer being scanned (or, between scans, this many bytes past
    /// where the last scan stopped).
    At(usize),
    /// At the end of the line that holds this offset (the same, between scans).
    LineEnd(usize),
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

/// One scan's state: the shadow resolved to an offset of this buffer where it can be.
struct Pass<'a> {
    buf: &'a [u8],
    region: Region,
    shadow: Option<Shadow>,
    /// Where the last line looked for starts: searched up to this offset, the line starting
    /// at that one (`None`: before the buffer). Candidates come in input order, so each byte
    /// is searched once however many candidates a long line holds.
    line: Option<(usize, Option<usize>)>,
}

/// Where the shadow ends, as this buffer tells it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ShadowEnd {
    /// No shadow.
    None,
    /// At this offset of the buffer.
    At(usize),
    /// Past the end of the buffer: the line goes on in input still to come.
    RunsOn,
}

impl Pass<'_> {
    /// Resolves the shadow against this buffer: a line end found becomes an offset; a line that
    /// goes on past the buffer is not looked for again until the buffer grows.
    fn shadow_end(&mut self) -> ShadowEnd {
        match self.shadow {
            None => ShadowEnd::None,
            Some(Shadow::At(end)) => ShadowEnd::At(end),
            Some(Shadow::LineEnd(from)) => {
                let rest = self.buf.get(from..).unwrap_or_default();
                if let Some(at) = memchr::memchr2(b'\n', b'\r', rest) {
                    self.shadow = Some(Shadow::At(from + at));
                    return ShadowEnd::At(from + at);
                }
                self.shadow = Some(Shadow::LineEnd(self.buf.len()));
                if self.region.at_eof { ShadowEnd::At(self.buf.len()) } else { ShadowEnd::RunsOn }
            }
        }
    }

    /// Where the line holding `at` starts in the buffer; `None` when it began before it.
    fn line_start(&mut self, at: usize) -> Option<usize> {
        let (from, known) = match self.line {
            Some((searched, line)) if searched <= at => (searched, line),
            _ => (0, None),
        };
        let between = self.buf.get(from..at).unwrap_or_default();
        let line = memchr::memrchr2(b'\n', b'\r', between).map(|brk| from + brk + 1).or(known);
        self.line = Some((at, line));
        line
    }

    /// Whether `offset` lies within the shadow.
    fn in_shadow(&mut self, offset: usize) -> bool {
        match self.shadow_end() {
            ShadowEnd::None => false,
            ShadowEnd::At(end) => offset < end,
            ShadowEnd::RunsOn => true,
        }
    }

    /// Extends the shadow to the end of the line holding `offset`; a shadow that already ends
    /// at or after that line's end (a later offset's line ends no earlier) stays as it is.
    fn shadow_to_line_end(&mut self, offset: usize) {
        let later = match self.shadow {
            Some(Shadow::At(end)) => offset >= end,
            Some(Shadow::LineEnd(from)) => offset > from,
            None => true,
        };
        if later {
            self.shadow = Some(Shadow::LineEnd(offset));
        }
    }

    /// Where scanning may stop: at or after `target`, and past the shadow.
    fn stop_at(&mut self, target: usize) -> usize {
        match self.shadow_end() {
            ShadowEnd::None => target,
            ShadowEnd::At(end) => target.max(end),
            ShadowEnd::RunsOn => usize::MAX,
        }
    }

    /// The shadow to carry over to the next buffer, which starts at `consumed` of this one.
    fn carried(&mut self, consumed: usize) -> Option<Shadow> {
        match self.shadow_end() {
            ShadowEnd::RunsOn => Some(Shadow::LineEnd(self.buf.len().saturating_sub(consumed))),
            ShadowEnd::At(end) if end > consumed => Some(Shadow::At(end - consumed)),
            _ => None,
        }
    }
}

impl Scanner {
    /// A scanner with `options`, before its first buffer.
    pub fn new(options: ScanOptions) -> Self {
        Scanner { options, shadow: None, waited: None, line_head: LineHead::default(), records_alone: false }
    }

    /// Tells the scanner how the line the next buffer begins in started, when that was before
    /// the buffer (a CRI record's prefix, which says whether a value goes on in the next one).
    pub(crate) fn set_line_head(&mut self, head: LineHead) {
        self.line_head = head;
    }

    /// Reads container records one by one from now on, without joining their pieces.
    pub(crate) fn read_records_alone(&mut self) {
        self.records_alone = true;
    }

    /// Whether a broken value's shadow runs on into the next buffer.
    pub fn is_shadowing(&self) -> bool {
        self.shadow.is_some()
    }

    /// The shadow the last scan ended in, to hand to a scanner that goes on with the input.
    pub(crate) fn carried_shadow(&self) -> CarriedShadow {
        CarriedShadow(self.shadow)
    }

    /// Goes on in a shadow that another scanner's scan of the same input ended in.
    pub(crate) fn continue_shadow(&mut self, carried: CarriedShadow) {
        self.shadow = carried.0;
    }

    /// Scans all of `buf`; `at_eof` says no more input follows it.
    pub fn scan<'a>(&mut self, buf: &'a [u8], at_eof: bool) -> Scanned<'a> {
        self.scan_region(buf, Region::whole(at_eof))
    }

    /// Scans `buf` as `region` says.
    pub(crate) fn scan_region<'a>(&mut self, buf: &'a [u8], region: Region) -> Scanned<'a> {
        self.scan_region_known(buf, region, &mut KnownText::default())
    }

    /// Scans `buf` as `region` says, reusing and extending `known`, what is known to be valid
    /// UTF-8 in `buf`; for a caller that scans one buffer region after region.
    pub(crate) fn scan_region_known<'a>(
        &mut self,
        buf: &'a [u8],
        region: Region,
        known: &mut KnownText<'a>,
    ) -> Scanned<'a> {
        let shadow = self.shadow.take().map(|shadow| match shadow {
            Shadow::At(end) => Shadow::At(region.from + end),
            Shadow::LineEnd(from) => Shadow::LineEnd(region.from + from),
        });
        let waited = self.waited.take();
        let mut pass = Pass { buf, region, shadow, line: None };
        let mut found = Vec::with_capacity(16);
        let mut pos = region.from;
        let (consumed, stopped) = loop {
            let target = if found.len() >= region.max_found { pos } else { region.stop_at };
            let stop_at = pass.stop_at(target);
            if pos >= stop_at {
                break (pos, true);
            }
            let start = match self.next_candidate(buf, pos, region.at_eof) {
                Candidate::At(start) if start >= stop_at => break (stop_at, true),
                Candidate::At(start) => start,
                Candidate::Undecided(start) => break (start, false),
                Candidate::None if buf.len() >= stop_at => break (stop_at, true),
                Candidate::None => break (buf.len(), false),
            };
            if start == region.from && waited.is_some_and(|had| self.still_waiting(buf, start, had, region)) {
                self.waited = waited;
                break (start, false);
            }
            if !known.covers(start) {
                // Checked once for the values ahead: up to a little past where this scan stops.
                *known = KnownText::check(buf, start, region.stop_at.max(start).saturating_add(KNOWN_AHEAD));
            }
            match self.candidate(&mut pass, start, *known, &mut found) {
                Step::Resume(at) => pos = at,
                Step::Stop(consumed) => break (consumed, false),
            }
        };
        self.shadow = pass.carried(consumed);
        Scanned { found, consumed, stopped }
    }

    /// Whether a candidate at `start`, cut by the end of the buffer when it had `had` bytes, is
    /// better left until more input arrives: it cannot have ended yet, nor grown past the limit,
    /// and the input after it has not doubled.
    fn still_waiting(&self, buf: &[u8], start: usize, had: usize, region: Region) -> bool {
        let has = buf.len().saturating_sub(start);
        !region.at_eof && has < had.saturating_mul(2) && has <= self.options.max_payload_bytes
    }

    /// Parses the candidate at `start`, records what it is, and says where scanning goes on.
    ///
    /// The parse reads at most one byte past the payload limit, so a candidate is too large
    /// exactly when its parse reaches past the limit, whether it would end, fail or be cut there:
    /// the verdict does not depend on where the input is cut into buffers. A broken or too large
    /// object is reported and entered (scanning resumes just inside it), with a shadow up to the
    /// end of the line where it broke off; a broken or too large array is entered unreported.
    fn candidate<'a>(
        &mut self,
        pass: &mut Pass<'a>,
        start: usize,
        known: KnownText<'a>,
        found: &mut Vec<Found<'a>>,
    ) -> Step {
        let (buf, region) = (pass.buf, pass.region);
        let limit = self.options.max_payload_bytes;
        let bound = start.saturating_add(limit).saturating_add(1).min(buf.len());
        let is_object = buf.get(start) == Some(&b'{');
        let is_string = buf.get(start) == Some(&b'"');
        let after_brace = buf.get(start + 1..bound).unwrap_or_default();
        if is_object {
            match joined::continues_in_cri(after_brace, region.at_eof) {
                Opening::Yes => {
                    if let Some(step) = self.cri(pass, start, found) {
                        return step;
                    }
                }
                Opening::Undecided => return self.wait(buf, start),
                Opening::No => {}
            }
        }
        if is_object && after_brace.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|&b| b != b'"' && b != b'/') {
            return self.logged(pass, start, bound, found).unwrap_or(Step::Resume(start + 1));
        }
        if buf.get(start) == Some(&b'[') && !self.options.lenient {
            // An array is parsed only once it is known to close within reach: a large array of
            // small objects would otherwise make a tree many times its size just to be entered.
            let closes = closes_within(buf.get(start..bound).unwrap_or_default());
            if bound - start > limit && closes == Some(false) {
                return Step::Resume(start + 1);
            }
            if region.defer_unclosed_arrays && !region.at_eof && closes != Some(true) {
                return Step::Stop(start);
            }
        }
        let parsed = json::parse_value_in(buf.get(..bound).unwrap_or_default(), start, self.parse_options(), known);
        let shadowed = pass.in_shadow(start);
        let broken_at = match parsed {
            Ok(parsed) => {
                if is_object && let Some(step) = self.docker(pass, start, &parsed, found) {
                    return step;
                }
                let end = parsed.end;
                found.push(Found::Value { start, parsed, shadowed });
                return Step::Resume(end);
            }
            // The parse read past the limit: too large, however the input goes on.
            Err(error) if error.kind.is_cut() && bound - start > limit => (error, true),
            Err(error) if error.kind.is_cut() && !region.at_eof => return self.wait(buf, start),
            Err(error) => (error, false),
        };
        let (error, too_large) = broken_at;
        // A value that goes on in the next CRI record, or `{"key"=>…`: a Ruby hash.
        if (is_object || is_string)
            && !too_large
            && let Some(step) = self.cri(pass, start, found)
        {
            return step;
        }
        if is_object
            && !too_large
            && let Some(step) = self.logged(pass, start, bound, found)
        {
            return step;
        }
        // An encoded object too large to read is reported as an object would be.
        if is_object || (is_string && too_large) {
            self.broken(pass, start, error.offset, shadowed, found, |end| {
                if too_large { Found::TooLarge { start, end } } else { Found::Syntax { start, end, error } }
            });
        }
        Step::Resume(start + 1)
    }

    /// Casts the shadow of a value at `start` that broke off at `broke_at` to the end of its
    /// line and, unless it lies in another's shadow, reports it as `make` says.
    fn broken<'a>(
        &self,
        pass: &mut Pass<'a>,
        start: usize,
        broke_at: usize,
        shadowed: bool,
        found: &mut Vec<Found<'a>>,
        make: impl FnOnce(usize) -> Found<'a>,
    ) {
        pass.shadow_to_line_end(visible_end(pass.buf, start, broke_at));
        if !shadowed {
            let end = match pass.shadow_end() {
                ShadowEnd::At(end) => end.max(start + 1),
                _ => pass.buf.len(),
            };
            found.push(make(end));
        }
    }

    /// Reads the value at `start` as a receiver's language printed it, within `bound`; `None`
    /// when no printed form opens there.
    fn logged<'a>(
        &mut self,
        pass: &mut Pass<'a>,
        start: usize,
        bound: usize,
        found: &mut Vec<Found<'a>>,
    ) -> Option<Step> {
        let buf = pass.buf;
        match logged::read(buf.get(..bound).unwrap_or_default(), start) {
            Reading::Read(logged) => {
                let end = logged.end;
                found.push(Found::Logged { start, logged });
                Some(Step::Resume(end))
            }
            Reading::Cut { .. } if bound - start > self.options.max_payload_bytes => {
                // Printed past the payload limit: too large, as a JSON value would be.
                let shadowed = pass.in_shadow(start);
                self.broken(pass, start, bound, shadowed, found, |end| Found::TooLarge { start, end });
                Some(Step::Resume(start + 1))
            }
            Reading::Cut { .. } if !pass.region.at_eof => Some(self.wait(buf, start)),
            // A printed form that does not read whole is not broken JSON either.
            Reading::Cut { opened: true } | Reading::Broken => Some(Step::Resume(start + 1)),
            Reading::Cut { opened: false } | Reading::Not => None,
        }
    }

    /// Joins the docker records from the one parsed at `start` on, when its piece opens a value
    /// that the next records go on with.
    fn docker(
        &mut self,
        pass: &Pass<'_>,
        start: usize,
        first: &Parsed<'_>,
        found: &mut Vec<Found<'_>>,
    ) -> Option<Step> {
        if self.records_alone {
            return None;
        }
        let options = self.options;
        let open_at = |piece: &str| {
            let scanned = Scanner::new(options).scan(piece.as_bytes(), false);
            (scanned.consumed < piece.len()).then_some(scanned.consumed)
        };
        let limit = self.options.max_payload_bytes;
        let run = joined::docker_run(pass.buf, (start, &first.node, first.end), limit, pass.region.at_eof, &open_at);
        self.joining(pass, start, run, found)
    }

    /// Joins the CRI records from the one the value at `start` stands in on, when the value
    /// goes on in them.
    fn cri(&mut self, pass: &mut Pass<'_>, start: usize, found: &mut Vec<Found<'_>>) -> Option<Step> {
        if self.records_alone {
            return None;
        }
        let limit = self.options.max_payload_bytes;
        let run = match pass.line_start(start) {
            Some(line) => {
                let line = pass.buf.get(line..start.min(line + joined::CRI_PREFIX_MAX)).unwrap_or_default();
                joined::cri_run(pass.buf, start, line, limit, pass.region.at_eof)
            }
            None => {
                let head = self.line_head.as_bytes();
                if !joined::may_start_cri(head.first().or(pass.buf.first())) {
                    return None;
                }
                let rest = pass.buf.get(..start.min(joined::CRI_PREFIX_MAX)).unwrap_or_default();
                joined::cri_run(pass.buf, start, &[head, rest].concat(), limit, pass.region.at_eof)
            }
        };
        self.joining(pass, start, run, found)
    }

    /// Stops at the value at `start` in `buf`, which more input may finish: the scan resumes
    /// there with the next buffer.
    fn wait(&mut self, buf: &[u8], start: usize) -> Step {
        self.waited = Some(buf.len() - start);
        Step::Stop(start)
    }

    fn joining(&mut self, pass: &Pass<'_>, start: usize, run: Joining, found: &mut Vec<Found<'_>>) -> Option<Step> {
        match run {
            Joining::Joined(run) => {
                let end = run.end;
                found.push(Found::Joined { start, run: Box::new(run) });
                Some(Step::Resume(end))
            }
            Joining::Cut => Some(self.wait(pass.buf, start)),
            Joining::No => None,
        }
    }

    fn parse_options(&self) -> Options {
        Options { lenient: self.options.lenient }
    }

    /// Whether the byte before `at` is a quote that can open a string (not an escaped one), at or
    /// after `from`. The byte before the quote may lie before `buf`: the line head knows it, so
    /// that the answer does not depend on where the input was cut.
    fn opens_string(&self, buf: &[u8], from: usize, at: usize) -> bool {
        let escaped = || match at.checked_sub(2) {
            Some(before) => buf.get(before) == Some(&b'\\'),
            None => self.line_head.last_byte() == Some(b'\\'),
        };
        at > from && at.checked_sub(1).and_then(|quote| buf.get(quote)) == Some(&b'"') && !escaped()
    }

    /// The next candidate at or after `from`.
    fn next_candidate(&self, buf: &[u8], mut from: usize, at_eof: bool) -> Candidate {
        let start = from;
        loop {
            let Some(rest) = buf.get(from..) else { return Candidate::None };
            let Some(found) = memchr::memchr2(b'{', b'[', rest) else {
                // A quote that ends the buffer may open an encoded object that the next one holds.
                return match buf.len().checked_sub(1) {
                    Some(last) if !at_eof && self.opens_string(buf, start, last + 1) => Candidate::Undecided(last),
                    _ => Candidate::None,
                };
            };
            let at = from + found;
            let opener = buf.get(at).copied();
            let after = buf.get(at + 1..).unwrap_or_default();
            let next = after.iter().position(|b| !b.is_ascii_whitespace());
            match (opener, next.and_then(|i| after.get(i))) {
                (Some(b'{'), Some(b'"')) | (Some(b'['), Some(b'{')) => return Candidate::At(at),
                // A JSON string that holds an encoded object, `"{\"…` or `"{\n…`, standing on
                // its own (a line that is one encoded payload, an array of them).
                (Some(b'{'), Some(b'\\')) if next == Some(0) && self.opens_string(buf, from, at) => {
                    return Candidate::At(at - 1);
                }
                (Some(b'{'), Some(b'/')) => match next.and_then(|i| after.get(i + 1)) {
                    Some(b'/' | b'*') => return Candidate::At(at),
                    None if !at_eof => return Candidate::Undecided(at),
                    _ => from = at + 1,
                },
                (_, None) if !at_eof && after.len() <= self.options.max_payload_bytes => {
                    // Keep the quote before a brace too: the two may open an encoded object.
                    return Candidate::Undecided(if self.opens_string(buf, from, at) { at - 1 } else { at });
                }
                (Some(b'{'), Some(_)) => {
                    match joined::continues_in_cri(after, at_eof).or(logged::opening(after, at_eof)) {
                        Opening::Yes => return Candidate::At(at),
                        Opening::Undecided if after.len() <= self.options.max_payload_bytes => {
                            return Candidate::Undecided(at);
                        }
                        _ => from = at + 1,
                    }
                }
                _ => from = at + 1,
            }
        }
    }
}

/// Whether the array or object that `text` starts with ends within it, following brackets and
/// strings only: `Some(true)` when it closes, or breaks where the parser stops at once (nesting
/// past [`MAX_NESTING`], a control character in a string), so parsing it costs little;
/// `Some(false)` when it runs on to the end of `text`; `None` when `text` ends inside a string. A
/// value that runs on is either cut or too large; one that ends may still be broken, which only
/// the parser tells.
fn closes_within(text: &[u8]) -> Option<bool> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &byte in text {
        match (in_string, escaped, byte) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (true, false, control) if control < 0x20 => return Some(true),
            (true, false, _) => {}
            (false, _, b'"') => in_string = true,
            (false, _, b'[' | b'{') if depth >= MAX_NESTING => return Some(true),
            (false, _, b'[' | b'{') => depth += 1,
            (false, _, b']' | b'}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(true);
                }
            }
            _ => {}
        }
    }
    (!in_string).then_some(false)
}

/// Where a value that broke off at `offset` visibly ends: its last byte that is not white space,
/// so that a break found only after skipping line breaks (`{"a"` then a new line) stays on the
/// line where the value broke.
fn visible_end(buf: &[u8], start: usize, offset: usize) -> usize {
    let before = buf.get(start..offset.min(buf.len())).unwrap_or_default();
    start + before.iter().rposition(|b| !b.is_ascii_whitespace()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn what(found: &Found<'_>) -> &'static str {
        match found {
            Found::Value { shadowed: false, .. } => "value",
            Found::Value { shadowed: true, .. } => "shadowed",
            Found::Syntax { .. } => "syntax",
            Found::TooLarge { .. } => "too-large",
            Found::Logged { .. } => "logged",
            Found::Joined { .. } => "joined",
        }
    }

    fn starts_with(options: ScanOptions, text: &str) -> Vec<(usize, &'static str)> {
        let mut scanner = Scanner::new(options);
        let scanned = scanner.scan(text.as_bytes(), true);
        assert_eq!(scanned.consumed, text.len());
        scanned.found.iter().map(|f| (f.start(), what(f))).collect()
    }

    fn starts(text: &str) -> Vec<(usize, &'static str)> {
        starts_with(ScanOptions::default(), text)
    }

    /// What scanning `text` in pieces of `step` bytes finds, as `starts` gives it.
    fn starts_in_pieces(options: ScanOptions, text: &str, step: usize) -> Vec<(usize, &'static str)> {
        let mut scanner = Scanner::new(options);
        let (mut kept, mut base, mut fed, mut out) = (Vec::new(), 0, 0, Vec::new());
        while fed < text.len() || !kept.is_empty() {
            let next = (fed + step).min(text.len());
            kept.extend_from_slice(&text.as_bytes()[fed..next]);
            fed = next;
            let at_eof = fed == text.len();
            let scanned = scanner.scan(&kept, at_eof);
            out.extend(scanned.found.iter().map(|f| (base + f.start(), what(f))));
            let consumed = scanned.consumed;
            drop(scanned);
            kept.drain(..consumed);
            base += consumed;
            if at_eof {
                break;
            }
        }
        out
    }

    #[test]
    fn finds_values_in_text() {
        assert_eq!(starts(r#"x {name} y {"a":1}{"b":2} [{"c":3}]"#), [(11, "value"), (18, "value"), (26, "value")]);
    }

    #[test]
    fn reports_broken_objects_and_enters_them() {
        // A broken object's own fragments, up to the end of its line, are shadowed.
        assert_eq!(starts(r#"{"a":"PASS"Failure {"b":1,}{"c":2}"#), [(0, "syntax"), (27, "shadowed")]);
        assert_eq!(
            starts("{\"a\":\"PASS\"Failure\n{\"b\":1,}{\"c\":2}\n{\"d\":3}"),
            [(0, "syntax"), (19, "syntax"), (27, "shadowed"), (35, "value")]
        );
    }

    #[test]
    fn a_payload_inside_a_broken_value_is_found() {
        let text = "{\"level\":\"info\",\"req\":\n{\"overallStatus\":\"FAIL\"}\nafter {\"b\":1}";
        assert_eq!(starts(text), [(0, "syntax"), (23, "shadowed"), (54, "value")]);
        assert_eq!(starts("[{\"a\":\n{\"b\":1}\n"), [(1, "syntax"), (7, "shadowed")]);
        assert_eq!(starts("{\"a{\"\n{\"a{\"\n"), [(0, "syntax"), (6, "syntax")], "a break stays on its line");
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
    fn a_string_holding_an_encoded_object_is_a_candidate() {
        assert_eq!(starts(r#"["{\"a\":1}", "x"] "{\"b\":2}" "{x}""#), [(1, "value"), (19, "value")]);
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
    fn a_cut_value_is_tried_again_once_its_input_doubles() {
        let mut scanner = Scanner::default();
        assert_eq!(scanner.scan(br#"{"a":"0123456789"#, false).consumed, 0);
        // 16 bytes were there; 20 are not yet twice as many, so it is not parsed again (the
        // value has in fact ended, which the next try finds).
        assert_eq!(scanner.scan(br#"{"a":"0123456789"} x"#, false).consumed, 0);
        let done = scanner.scan(br#"{"a":"0123456789"} x {"b":2}     "#, false);
        assert!(matches!(done.found.as_slice(), [Found::Value { .. }, Found::Value { .. }]));
    }

    #[test]
    fn a_too_large_object_is_reported_and_entered() {
        let options = ScanOptions { max_payload_bytes: 16, ..ScanOptions::default() };
        let text = r#"{"a":"}}}}}}}}}}}}}}}}}}}}","b":[{"c":1}]} {"d":1}"#;
        assert_eq!(starts_with(options, text), [(0, "too-large"), (32, "shadowed"), (43, "shadowed")]);
        let lines = "{\"a\":\"0123456789abcdef\n{\"d\":1}";
        assert_eq!(starts_with(options, lines), [(0, "too-large"), (23, "value")]);
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
    }

    #[test]
    fn a_broken_value_past_the_limit_is_too_large_however_it_is_cut() {
        let options = ScanOptions { max_payload_bytes: 16, ..ScanOptions::default() };
        let text = "{\"a\":\"0123456789abcdef\",] {\"c\":1}\n{\"d\":2}";
        assert_eq!(starts_with(options, text), [(0, "too-large"), (26, "shadowed"), (34, "value")]);
        for step in 1..text.len() {
            assert_eq!(starts_in_pieces(options, text, step), starts_with(options, text), "pieces of {step}");
        }
        let early = Scanner::new(options).scan(br#"{"a":x,"b":"0123456789abcdef"}"#, true);
        assert!(
            matches!(early.found.as_slice(), [Found::Syntax { .. }]),
            "a failure within the limit is a syntax error"
        );
    }

    #[test]
    fn a_shadow_is_carried_from_buffer_to_buffer() {
        let text = "x {\"a\": tru {\"b\":1} {\"c\":2} {\"d\":3} {\"e\":4}\n{\"f\":5}\n";
        let whole = starts(text);
        assert_eq!(whole.iter().filter(|(_, w)| *w == "shadowed").count(), 4);
        for step in 1..text.len() {
            assert_eq!(starts_in_pieces(ScanOptions::default(), text, step), whole, "pieces of {step}");
        }
    }
}
