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
//! the records of the same stream that follow at once, until that value closes, something else
//! comes, or the run reaches the payload limit; the pieces are then one text, located at the
//! first record. Whether a value closes is told by following brackets and quotes (`"` and `'`,
//! as JSON and the languages that print payloads write them), which costs one pass over the
//! pieces however many there are.

use super::logged::Opening;
use crate::json::{Node, Options, Value, parse_value};

/// A run of records read as one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinedRun {
    /// The pieces, joined.
    pub text: String,
    /// Offset one past the last record of the run.
    pub end: usize,
    /// How many records the run joins.
    pub records: usize,
    /// For docker records, offset one past the first record, whose `time` dates the run.
    pub first_record_end: Option<usize>,
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

/// Brackets and quotes followed over a text, to tell where the value it opens closes.
#[derive(Debug, Default, Clone, Copy)]
struct Depth {
    depth: usize,
    quote: Option<u8>,
    escaped: bool,
}

impl Depth {
    /// Follows `text`; true when the value closed within it.
    fn closes_in(&mut self, text: &[u8]) -> bool {
        for &byte in text {
            match (self.quote, byte) {
                (Some(_), _) if self.escaped => self.escaped = false,
                (Some(_), b'\\') => self.escaped = true,
                (Some(quote), _) if byte == quote => self.quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => self.quote = Some(byte),
                (None, b'{' | b'[') => self.depth += 1,
                (None, b'}' | b']') => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }
}

/// The most members a docker json-file record has: `log`, `stream`, `time`, `attrs`.
const MAX_RECORD_MEMBERS: usize = 4;

/// The `log` and `stream` strings of a docker json-file record.
fn docker_record(node: &Node<'_>) -> Option<(String, String)> {
    let Value::Object(members) = &node.value else { return None };
    if members.len() > MAX_RECORD_MEMBERS {
        return None;
    }
    let log = node.get("log")?.as_str()?.decoded().into_owned();
    let stream = node.get("stream")?.as_str()?.decoded().into_owned();
    Some((log, stream))
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

/// Where the payload limit puts the end of a run that starts at `start` in `buf`.
fn run_bound(buf: &[u8], start: usize, limit: usize) -> usize {
    start.saturating_add(limit).saturating_add(1).min(buf.len())
}

/// What a run that ran out of input at `bound` is: too large past the limit, else cut unless no
/// more input follows.
fn ran_out(start: usize, bound: usize, limit: usize, at_eof: bool) -> Joining {
    if bound - start > limit || at_eof { Joining::No } else { Joining::Cut }
}

/// Joins the docker records that follow the record `first` (at `start`, ending at `first_end`)
/// in `buf`, when its `log` piece opens a value; `open_at` says where in a piece a value starts
/// that the piece does not finish. The run reads at most `limit` bytes past `start`; `at_eof`
/// says no input follows `buf`.
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
    let Some((log, stream)) = docker_record(first) else { return Joining::No };
    if !may_open(&log) {
        return Joining::No;
    }
    let Some(open) = open_at(&log) else { return Joining::No };
    let mut depth = Depth::default();
    if depth.closes_in(log.as_bytes().get(open..).unwrap_or_default()) {
        return Joining::No;
    }
    let bound = run_bound(buf, start, limit);
    let within = buf.get(..bound).unwrap_or_default();
    let (mut text, mut pos, mut records) = (log, first_end, 1);
    loop {
        let record = match parse_value(within, pos, Options::default()) {
            Ok(parsed) => parsed,
            Err(error) if error.kind.is_cut() => return ran_out(start, bound, limit, at_eof),
            Err(_) => return Joining::No,
        };
        let Some((piece, piece_stream)) = docker_record(&record.node) else { return Joining::No };
        if piece_stream != stream {
            return Joining::No;
        }
        text.push_str(&piece);
        (pos, records) = (record.end, records + 1);
        if depth.closes_in(piece.as_bytes()) {
            return Joining::Joined(JoinedRun { text, end: pos, records, first_record_end: Some(first_end) });
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

/// Joins the CRI records from the one that holds `start` (an opening brace) on, when the value
/// there goes on in the records that follow. `line` is how that record's line starts (its
/// first [`CRI_PREFIX_MAX`] bytes, or fewer up to `start`). The run reads at most `limit` bytes
/// past `start`.
pub(crate) fn cri_run(buf: &[u8], start: usize, line: &[u8], limit: usize, at_eof: bool) -> Joining {
    let Some((stream, mut tag, _)) = cri_prefix(line) else { return Joining::No };
    let stream = stream.to_vec();
    let bound = run_bound(buf, start, limit);
    let within = buf.get(..bound).unwrap_or_default();
    let (mut text, mut depth, mut pos, mut records) = (Vec::new(), Depth::default(), start, 0);
    loop {
        let rest = within.get(pos..).unwrap_or_default();
        let (content, next) = match memchr::memchr(b'\n', rest) {
            Some(at) => (rest.get(..at).unwrap_or_default(), pos + at + 1),
            None if bound == buf.len() && at_eof => (rest, bound),
            None => return ran_out(start, bound, limit, at_eof),
        };
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        text.extend_from_slice(content);
        records += 1;
        if depth.closes_in(content) {
            let end = pos + content.len();
            let text = String::from_utf8_lossy(&text).into_owned();
            return if records > 1 {
                Joining::Joined(JoinedRun { text, end, records, first_record_end: None })
            } else {
                Joining::No
            };
        }
        if next >= within.len() {
            return ran_out(start, bound, limit, at_eof);
        }
        let line = within.get(next..).unwrap_or_default();
        let Some((next_stream, next_tag, prefix)) = cri_prefix(line) else {
            // A prefix cut by the end of the input read so far may still be one.
            let may_come = line.len() < CRI_PREFIX_MAX && !line.contains(&b'\n');
            return if may_come { ran_out(start, bound, limit, at_eof) } else { Joining::No };
        };
        if next_stream != stream.as_slice() {
            return Joining::No;
        }
        if tag == b'F' {
            text.push(b'\n');
        }
        (tag, pos) = (next_tag, next + prefix);
    }
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
        assert_eq!(run.text, "got {\n  \"a\": \"}{\",\n  \"b\": [1]\n}\n");
        assert_eq!(run.records, 4);
        assert_eq!(text.get(run.end..run.end + 1), Some("\n"));
        assert!(matches!(run_docker(&docker(&["got {\n", "  \"a\": 1\n"]), false), Joining::Cut));
        assert!(matches!(run_docker(&docker(&["got {\n", "  \"a\": 1\n"]), true), Joining::No));
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
        let Joining::Joined(run) = cri_run(text.as_bytes(), 32, text.as_bytes(), 1 << 20, true) else { panic!("not joined") };
        assert_eq!(run.text, "{\"a\":\"xy\"}");
        assert_eq!(text.get(run.end..), Some("\nnext\n"));
        let full = "2026-11-28T12:00:00Z stdout F {\n2026-11-28T12:00:01Z stdout F   \"a\": 1\n2026-11-28T12:00:01Z stdout F }\n";
        let Joining::Joined(run) = cri_run(full.as_bytes(), 30, full.as_bytes(), 1 << 20, true) else { panic!("not joined") };
        assert_eq!(run.text, "{\n  \"a\": 1\n}");
        let other = "2026-11-28T12:00:00Z stdout F {\n2026-11-28T12:00:01Z stderr F }\n";
        assert!(matches!(cri_run(other.as_bytes(), 30, other.as_bytes(), 1 << 20, true), Joining::No), "another stream");
        assert_eq!(continues_in_cri(b" \n2026-11-28T12:00:01Z stdout F   x", true), Opening::Yes);
        assert_eq!(continues_in_cri(b"\n12:00 INFO", true), Opening::No);
        assert_eq!(continues_in_cri(b"\n2026-11-28T12:00:01Z std", false), Opening::Undecided);
    }
}
