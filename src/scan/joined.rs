//! Joining a value that a container runtime's log driver spread over consecutive records.
//!
//! An application that prints a payload over several lines (pretty-printed JSON, Node's
//! multi-line `util.inspect`), or one line longer than the driver's limit, is logged one record
//! per piece. Two record shapes are joined:
//!
//! - docker's json-file driver: one JSON object per line, `{"log":"…","stream":"stdout",
//!   "time":"…"}`, each `log` string a piece, ending with a line break unless the driver split a
//!   long line;
//! - the CRI format of Kubernetes' runtimes: `TIME STREAM TAG TEXT` lines, where the tag `P`
//!   marks a partial line continued by the next record and `F` a full one.
//!
//! A run starts at a record whose piece opens a value that does not close within it, and takes
//! the records of the same stream that follow, until the value closes at the end of a piece
//! (a piece that closes one value and opens another goes on), the pieces pass the payload
//! limit, or something that is not such a record comes; records of the other stream in between
//! are kept aside, to be read on their own. The pieces are then one text, with a map from each
//! piece back to where it stands in the input, so that what is found in it is placed at its own
//! record. Whether a value closes is told by following brackets, and quotes within them (`"`
//! and `'`, as JSON and the languages that print payloads write them), in one pass over the
//! pieces however many there are.

use super::logged::{OffsetMap, Opening};
use crate::json::{Node, Options, Value, parse_value};

/// A run of records read as one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinedRun {
    /// The pieces, joined, as they stand (a byte that is not UTF-8 is left for the parser to
    /// report where it stands: replacing it would move what follows away from the map).
    pub text: Vec<u8>,
    /// Where each piece of `text` stands in the input.
    pub map: OffsetMap,
    /// Offset one past the last record of the run.
    pub end: usize,
    /// How many records of the run's stream it joins.
    pub records: usize,
    /// For docker records, offset one past the first record, whose `time` dates the run.
    pub first_record_end: Option<usize>,
    /// The other records within the run (offsets of the input): of another stream, and of the
    /// run's stream after its value closed while another stream's was open. They are read on
    /// their own, as an input of their own.
    pub others: Vec<(usize, usize)>,
}

/// What trying to join records from an offset gave.
#[derive(Debug)]
pub(crate) enum Joining {
    Joined(JoinedRun),
    /// The input ends inside the run: more may finish it.
    Cut,
    /// No run starts here.
    No,
}

/// Brackets and quotes followed over a text, to tell whether the values it opens are closed.
#[derive(Debug, Default, Clone, Copy)]
struct Depth {
    depth: usize,
    quote: Option<u8>,
    escaped: bool,
}

impl Depth {
    /// Following a value that starts with `first`: in a string when it is a quote (an encoded
    /// payload, `"{\"…`).
    fn starting_with(first: Option<&u8>) -> Self {
        match first {
            Some(&quote @ (b'"' | b'\'')) => Depth { quote: Some(quote), ..Depth::default() },
            _ => Depth::default(),
        }
    }

    /// Whether every value opened so far is closed.
    fn at_rest(&self) -> bool {
        self.depth == 0 && self.quote.is_none()
    }

    /// Follows `text`; quotes count only within a value, so prose between values (`it's`)
    /// does not open a string.
    fn follow(&mut self, text: &[u8]) {
        for &byte in text {
            match (self.quote, byte) {
                (Some(_), _) if self.escaped => self.escaped = false,
                (Some(_), b'\\') => self.escaped = true,
                (Some(quote), _) if byte == quote => self.quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') if self.depth > 0 => self.quote = Some(byte),
                (None, b'{' | b'[') => self.depth += 1,
                (None, b'}' | b']') => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
    }
}

/// The most members a docker json-file record has: `log`, `stream`, `time`, `attrs`.
const MAX_RECORD_MEMBERS: usize = 4;

/// The `log` and `stream` strings of a docker json-file record, and where the `log` string's
/// text starts in the input.
fn docker_record(node: &Node<'_>) -> Option<(String, String, usize)> {
    let Value::Object(members) = &node.value else { return None };
    if members.len() > MAX_RECORD_MEMBERS {
        return None;
    }
    let log = node.get("log")?;
    let stream = node.get("stream")?.as_str()?.decoded().into_owned();
    Some((log.as_str()?.decoded().into_owned(), stream, log.offset + 1))
}

/// Whether a piece may open a value it does not close: the driver split its line (no line
/// break at its end), or it ends with what opens or continues a value.
fn may_open(piece: &str) -> bool {
    !piece.ends_with('\n') || piece.trim_end().ends_with(['{', '[', ',', ':'])
}

/// [`may_open`] for a piece as a JSON string writes it (escapes in place): a piece ending with
/// an escaped line break and, before it and any white space, something that ends a value, does
/// not open one.
fn may_open_as_written(raw: &str) -> bool {
    let Some(mut rest) = raw.strip_suffix("\\n") else { return true };
    while let Some(shorter) = ["\\n", "\\r", "\\t", " "].iter().find_map(|space| rest.strip_suffix(space)) {
        rest = shorter;
    }
    rest.ends_with(['{', '[', ',', ':'])
}

/// How many input bytes a run may span per byte of the payload limit: a record's wrapper
/// (docker's JSON and escapes, a CRI prefix) adds to each piece.
const SPAN_PER_LIMIT: usize = 8;

/// Where a run that starts at `start` in `buf` may end at most.
fn run_bound(buf: &[u8], start: usize, limit: usize) -> usize {
    start.saturating_add(limit.saturating_mul(SPAN_PER_LIMIT)).saturating_add(1).min(buf.len())
}

/// A run being gathered.
struct Run {
    text: Vec<u8>,
    map: OffsetMap,
    depth: Depth,
    /// The value the run's first piece opens has closed.
    closed: bool,
    /// The values the other records within the run open.
    others_depth: Depth,
    /// Offset one past the last record of the run's stream that it joins.
    end: usize,
    records: usize,
    others: Vec<(usize, usize)>,
}

impl Run {
    /// A run whose first piece, from where it opens a value, stands at `at` in the input.
    fn new(piece: &[u8], open: usize, at: usize, end: usize) -> Self {
        let mut depth = Depth::starting_with(piece.get(open..).and_then(<[u8]>::first));
        depth.follow(piece.get(open + usize::from(depth.quote.is_some())..).unwrap_or_default());
        let mut map = OffsetMap::default();
        map.mark(0, at);
        let closed = depth.at_rest();
        Run {
            text: piece.to_vec(),
            map,
            depth,
            closed,
            others_depth: Depth::default(),
            end,
            records: 1,
            others: Vec::new(),
        }
    }

    /// Adds a piece of the run's stream that stands at `at`, its record spanning `record`.
    /// Once the run's value has closed, the stream's records are kept aside with the others.
    fn add(&mut self, piece: &[u8], at: usize, record: (usize, usize)) {
        if self.closed {
            return self.add_other(piece, record);
        }
        self.map.mark(self.text.len(), at);
        self.text.extend_from_slice(piece);
        self.depth.follow(piece);
        (self.end, self.records, self.closed) = (record.1, self.records + 1, self.depth.at_rest());
    }

    /// Keeps aside a record of another stream, spanning `record`, whose piece is `piece`.
    fn add_other(&mut self, piece: &[u8], record: (usize, usize)) {
        self.others.push(record);
        self.others_depth.follow(piece);
    }

    /// Whether the run goes on: its value, or one the records kept aside open, is not closed,
    /// and its text is within the payload limit.
    fn goes_on(&self, limit: usize) -> bool {
        !(self.closed && self.others_depth.at_rest()) && self.text.len() <= limit
    }

    /// The run, ended after its last record: joined when it holds more than its first record.
    fn ended(self, first_record_end: Option<usize>) -> Joining {
        if self.records < 2 {
            return Joining::No;
        }
        let end = self.others.last().map_or(self.end, |&(_, to)| to.max(self.end));
        Joining::Joined(JoinedRun {
            text: self.text,
            map: self.map,
            end,
            records: self.records,
            first_record_end,
            others: self.others,
        })
    }
}

/// What a run that ran out of input at `bound` is: ended there when that is where it may end at
/// most or no more input follows, else cut.
fn ran_out(run: Run, buf: &[u8], bound: usize, at_eof: bool, first_record_end: Option<usize>) -> Joining {
    if bound < buf.len() || at_eof { run.ended(first_record_end) } else { Joining::Cut }
}

/// Joins the docker records that follow the record `first` (at `start`, ending at `first_end`)
/// in `buf`, when its `log` piece opens a value; `open_at` says where in a piece a value starts
/// that the piece does not finish. `at_eof` says no input follows `buf`.
pub(crate) fn docker_run(
    buf: &[u8],
    (start, first, first_end): (usize, &Node<'_>, usize),
    limit: usize,
    at_eof: bool,
    open_at: &dyn Fn(&str) -> Option<usize>,
) -> Joining {
    // Most records hold a whole line: told from the string as written, without decoding it.
    if !matches!(&first.value, Value::Object(members) if members.len() <= MAX_RECORD_MEMBERS) {
        return Joining::No;
    }
    if !first.get("log").and_then(Node::as_str).is_some_and(|log| may_open_as_written(log.raw())) {
        return Joining::No;
    }
    let Some((log, stream, at)) = docker_record(first) else { return Joining::No };
    if !may_open(&log) {
        return Joining::No;
    }
    let Some(open) = open_at(&log) else { return Joining::No };
    let mut run = Run::new(log.as_bytes(), open, at, first_end);
    if run.closed {
        return Joining::No;
    }
    let bound = run_bound(buf, start, limit);
    let within = buf.get(..bound).unwrap_or_default();
    let mut pos = first_end;
    loop {
        let record = match parse_value(within, pos, Options::default()) {
            Ok(parsed) => parsed,
            Err(error) if error.kind.is_cut() => return ran_out(run, buf, bound, at_eof, Some(first_end)),
            Err(_) => return run.ended(Some(first_end)),
        };
        let Some((piece, piece_stream, at)) = docker_record(&record.node) else {
            return run.ended(Some(first_end));
        };
        let from = pos + within.get(pos..).unwrap_or_default().iter().take_while(|b| b.is_ascii_whitespace()).count();
        pos = record.end;
        if piece_stream == stream {
            run.add(piece.as_bytes(), at, (from, record.end));
        } else {
            run.add_other(piece.as_bytes(), (from, record.end));
        }
        if !run.goes_on(limit) {
            return run.ended(Some(first_end));
        }
    }
}

/// A CRI record's stream and tag, and the length of its prefix (`TIME STREAM TAG `), when
/// `line` starts with one.
fn cri_prefix(line: &[u8]) -> Option<(&[u8], u8, usize)> {
    if !may_start_cri(line.first()) {
        return None;
    }
    let time = line.iter().take(CRI_TIME_MAX + 1).position(|&b| b == b' ')?;
    let stamp = line.get(..time)?;
    let is_time = stamp.len() >= 20
        && stamp.get(..4)?.iter().all(u8::is_ascii_digit)
        && stamp.get(4) == Some(&b'-')
        && stamp.get(10) == Some(&b'T')
        && stamp.iter().all(|b| b.is_ascii_digit() || b"-:.TZ+".contains(b));
    if !is_time {
        return None;
    }
    let rest = line.get(time + 1..)?;
    let stream = rest.iter().position(|&b| b == b' ')?;
    let name = rest.get(..stream)?;
    if name != b"stdout" && name != b"stderr" {
        return None;
    }
    let tag = *rest.get(stream + 1)?;
    if !matches!(tag, b'P' | b'F') || rest.get(stream + 2) != Some(&b' ') {
        return None;
    }
    Some((name, tag, time + 1 + stream + 3))
}

/// The length of the CRI prefix `line` starts with, if it does.
pub(crate) fn cri_prefix_len(line: &[u8]) -> Option<usize> {
    cri_prefix(line).map(|(_, _, length)| length)
}

/// The longest date-time a CRI record starts with: nanoseconds and an offset.
const CRI_TIME_MAX: usize = 35;

/// Whether a line whose first byte is `first` may be a CRI record (whose date-time starts with
/// a digit).
pub(crate) fn may_start_cri(first: Option<&u8>) -> bool {
    first.is_some_and(u8::is_ascii_digit)
}

/// Whether `after`, what follows an opening brace, is white space to the end of the line and
/// then a CRI record, which may go on with the value.
pub(crate) fn continues_in_cri(after: &[u8], at_eof: bool) -> Opening {
    let space = after.iter().take_while(|&&b| b == b' ' || b == b'\t' || b == b'\r').count();
    if after.get(space) != Some(&b'\n') {
        return Opening::No;
    }
    let line = after.get(space + 1..).unwrap_or_default();
    match cri_prefix(line) {
        Some(_) => Opening::Yes,
        // A prefix is short: one cut by the end of the input read so far may still come.
        None if !at_eof && line.len() < CRI_PREFIX_MAX && !line.contains(&b'\n') => Opening::Undecided,
        None => Opening::No,
    }
}

/// The longest CRI prefix looked for: a date-time with nanoseconds and an offset, a stream, a
/// tag.
pub(crate) const CRI_PREFIX_MAX: usize = 64;

/// Joins the CRI records from the one that holds `start` (an opening brace or quote) on, when
/// the value there goes on in the records that follow. `line` is how that record's line starts
/// (its first [`CRI_PREFIX_MAX`] bytes, or fewer up to `start`).
pub(crate) fn cri_run(buf: &[u8], start: usize, line: &[u8], limit: usize, at_eof: bool) -> Joining {
    let Some((stream, mut tag, _)) = cri_prefix(line) else { return Joining::No };
    let stream = stream.to_vec();
    let bound = run_bound(buf, start, limit);
    let within = buf.get(..bound).unwrap_or_default();
    let Some((first, mut next)) = cri_content(within, start, bound == buf.len() && at_eof) else {
        // Cut, unless what cut it is where a run may end at most.
        return if bound < buf.len() { Joining::No } else { Joining::Cut };
    };
    let mut run = Run::new(first, 0, start, start + first.len());
    if run.closed {
        return Joining::No;
    }
    loop {
        if next >= within.len() {
            return ran_out(run, buf, bound, at_eof, None);
        }
        let line = within.get(next..).unwrap_or_default();
        let Some((next_stream, next_tag, prefix)) = cri_prefix(line) else {
            // A prefix cut by the end of the input read so far may still be one.
            let may_come = line.len() < CRI_PREFIX_MAX && !line.contains(&b'\n');
            return if may_come { ran_out(run, buf, bound, at_eof, None) } else { run.ended(None) };
        };
        let at = next + prefix;
        let Some((content, after)) = cri_content(within, at, bound == buf.len() && at_eof) else {
            return ran_out(run, buf, bound, at_eof, None);
        };
        let record = (next, at + content.len());
        if next_stream == stream.as_slice() {
            let piece = if tag == b'F' { [b"\n".as_slice(), content].concat() } else { content.to_vec() };
            tag = next_tag;
            // The piece is placed at its text; a line break that joins it stands for the prefix.
            run.add(&piece, at.saturating_sub(usize::from(piece.first() == Some(&b'\n'))), record);
        } else {
            run.add_other(content, record);
        }
        if !run.goes_on(limit) {
            return run.ended(None);
        }
        next = after;
    }
}

/// The text of the CRI record whose text starts at `at` (up to its line break, without a CR),
/// and where the next record starts; `None` when the line goes on past `within` and input may
/// follow.
fn cri_content(within: &[u8], at: usize, at_eof: bool) -> Option<(&[u8], usize)> {
    let rest = within.get(at..).unwrap_or_default();
    let (content, next) = match memchr::memchr(b'\n', rest) {
        Some(brk) => (rest.get(..brk).unwrap_or_default(), at + brk + 1),
        None if at_eof => (rest, within.len()),
        None => return None,
    };
    Some((content.strip_suffix(b"\r").unwrap_or(content), next))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docker(lines: &[&str]) -> String {
        lines
            .iter()
            .map(|log| {
                format!("{}\n", serde_json::json!({"log": log, "stream": "stdout", "time": "2026-11-28T12:00:00Z"}))
            })
            .collect()
    }

    fn open_at(text: &str) -> Option<usize> {
        text.find('{')
    }

    fn run_docker(text: &str, at_eof: bool) -> Joining {
        let parsed = parse_value(text.as_bytes(), 0, Options::default()).unwrap_or_else(|e| panic!("{e:?}"));
        docker_run(text.as_bytes(), (0, &parsed.node, parsed.end), 1 << 20, at_eof, &open_at)
    }

    #[test]
    fn docker_pieces_are_joined_until_the_value_closes() {
        let text = docker(&["got {\n", "  \"a\": \"}{\",\n", "  \"b\": [1]\n", "}\n", "after {\n"]);
        let Joining::Joined(run) = run_docker(&text, true) else { panic!("not joined") };
        assert_eq!(run.text, b"got {\n  \"a\": \"}{\",\n  \"b\": [1]\n}\n");
        assert_eq!(run.records, 4);
        assert_eq!(text.get(run.end..run.end + 1), Some("\n"));
        assert!(matches!(run_docker(&docker(&["got {\n", "  \"a\": 1\n"]), false), Joining::Cut));
        let Joining::Joined(unclosed) = run_docker(&docker(&["got {\n", "  \"a\": 1\n"]), true) else {
            panic!("a run the input ends in is joined")
        };
        assert_eq!(unclosed.records, 2);
        assert!(matches!(run_docker(&docker(&["{\"a\":1}\n", "x\n"]), true), Joining::No), "closed in one");
    }

    #[test]
    fn a_piece_that_may_open_a_value_is_told_as_written() {
        assert!(!may_open_as_written(r#"x {\"a\":1}\n"#));
        assert!(may_open_as_written(r#"x {\n"#));
        assert!(may_open_as_written(r#"  \"a\": 1,\r\n"#));
        assert!(may_open_as_written(r#"a line the driver split"#));
    }

    #[test]
    fn cri_records_are_joined_partial_and_full() {
        let text = "2026-11-28T12:00:00.1Z stdout P {\"a\":\"x\n2026-11-28T12:00:00.2Z stdout F y\"}\nnext\n";
        let Joining::Joined(run) = cri_run(text.as_bytes(), 32, text.as_bytes(), 1 << 20, true) else {
            panic!("not joined")
        };
        assert_eq!(run.text, b"{\"a\":\"xy\"}");
        assert_eq!(text.get(run.end..), Some("\nnext\n"));
        let full = "2026-11-28T12:00:00Z stdout F {\n2026-11-28T12:00:01Z stdout F   \"a\": 1\n2026-11-28T12:00:01Z stdout F }\n";
        let Joining::Joined(run) = cri_run(full.as_bytes(), 30, full.as_bytes(), 1 << 20, true) else {
            panic!("not joined")
        };
        assert_eq!(run.text, b"{\n  \"a\": 1\n}");
        let other = "2026-11-28T12:00:00Z stdout F {\n2026-11-28T12:00:01Z stderr F }\n";
        assert!(
            matches!(cri_run(other.as_bytes(), 30, other.as_bytes(), 1 << 20, true), Joining::No),
            "another stream"
        );
        assert_eq!(continues_in_cri(b" \n2026-11-28T12:00:01Z stdout F   x", true), Opening::Yes);
        assert_eq!(continues_in_cri(b"\n12:00 INFO", true), Opening::No);
        assert_eq!(continues_in_cri(b"\n2026-11-28T12:00:01Z std", false), Opening::Undecided);
    }
}
