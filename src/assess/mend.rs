//! Mending a value that begins like a payload but does not parse, as a person would: a trailing
//! comma dropped, a comment taken out, the objects and arrays left open closed where the value
//! visibly ends (where the text stops being JSON: the end of its line, the next payload, the end
//! of input). Dropped text is replaced by spaces, so every position in the mended text is where
//! it was in the input; closing brackets are added past its end. A value cut inside a string is
//! not mended: what was cut is unknown.

use serde::Serialize;

use crate::json::{Options, SyntaxKind, parse_value};
use crate::scan::position::Position;

/// How many repairs one value may take before it is given up on.
const MAX_REPAIRS: usize = 16;

/// One repair, where it was made and what was done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repair {
    /// `trailing-comma`, `comment` or `unclosed`.
    pub repair: &'static str,
    /// 1-based line in the input.
    pub line: u64,
    /// 1-based column in the input, in characters.
    pub column: u64,
    /// What was done, in words: `dropped the comma`, `closing brace added`.
    pub action: String,
}

/// A repair made to the candidate's text, at a byte offset of it.
pub(crate) struct RepairAt {
    pub(crate) repair: &'static str,
    pub(crate) offset: usize,
    pub(crate) action: String,
}

/// The mended text of `candidate` (the input from the value's first byte) and the repairs that
/// made it parse; `None` when no repair a person would make does.
pub(crate) fn mend(candidate: &[u8]) -> Option<(Vec<u8>, Vec<RepairAt>)> {
    let mut text = candidate.to_vec();
    let mut repairs: Vec<RepairAt> = Vec::new();
    let mut closed = false;
    while repairs.len() <= MAX_REPAIRS {
        let error = match parse_value(&text, 0, Options::default()).map(|parsed| parsed.end) {
            Ok(end) => {
                text.truncate(end);
                return (!repairs.is_empty()).then_some((text, repairs));
            }
            Err(error) => error,
        };
        match error.kind {
            SyntaxKind::TrailingComma => {
                let comma = text.get(..error.offset)?.iter().rposition(|&b| b == b',')?;
                *text.get_mut(comma)? = b' ';
                repairs.push(RepairAt { repair: "trailing-comma", offset: comma, action: "dropped the comma".into() });
            }
            SyntaxKind::Comment => {
                let end = comment_end(&text, error.offset)?;
                text.get_mut(error.offset..end)?
                    .iter_mut()
                    .filter(|b| !matches!(b, b'\n' | b'\r'))
                    .for_each(|b| *b = b' ');
                repairs.push(RepairAt {
                    repair: "comment",
                    offset: error.offset,
                    action: "took out the comment".into(),
                });
            }
            SyntaxKind::UnterminatedString
            | SyntaxKind::InvalidUtf8
            | SyntaxKind::ControlCharacterInString
            | SyntaxKind::InvalidEscape
            | SyntaxKind::TooDeep
            | SyntaxKind::UnterminatedComment => return None,
            _ if closed => return None,
            _ => {
                closed = true;
                let (end, closers) = close_at(&mut text, error.offset)?;
                let action = closers.iter().map(|&c| closer_name(c)).collect::<Vec<_>>().join(", ") + " added";
                text.truncate(end);
                text.extend(closers.iter().rev());
                repairs.push(RepairAt { repair: "unclosed", offset: end, action });
            }
        }
    }
    None
}

/// Where the comment that starts at `at` ends.
fn comment_end(text: &[u8], at: usize) -> Option<usize> {
    let rest = text.get(at..)?;
    if rest.starts_with(b"//") {
        Some(at + rest.iter().position(|&b| matches!(b, b'\n' | b'\r')).unwrap_or(rest.len()))
    } else if rest.starts_with(b"/*") {
        let close = rest.windows(2).skip(2).position(|w| w == b"*/")?;
        Some(at + close + 4)
    } else {
        None
    }
}

/// Where the value stops being JSON, before `at`: past its last byte that is neither space nor
/// a dangling comma (which is blanked), with the brackets still open there, innermost last;
/// `None` when that point is inside a string or nothing is open.
fn close_at(text: &mut [u8], at: usize) -> Option<(usize, Vec<u8>)> {
    let mut end = at.min(text.len());
    loop {
        match text.get(end.checked_sub(1)?)? {
            b' ' | b'\t' | b'\n' | b'\r' => end -= 1,
            b',' => {
                end -= 1;
                *text.get_mut(end)? = b' ';
            }
            _ => break,
        }
    }
    let mut open = Vec::new();
    let in_string = outside_strings(text.get(..end)?, |_, byte| match byte {
        b'{' => open.push(b'}'),
        b'[' => open.push(b']'),
        b'}' | b']' => {
            open.pop();
        }
        _ => {}
    });
    if in_string || open.is_empty() || text.get(end - 1) == Some(&b':') {
        return None;
    }
    Some((end, open))
}

/// The object that `candidate` opens, cut before its end, as far as it was read whole: its text
/// up to its last comma at the top level, closed. `None` when no member was read whole.
pub(crate) fn before_cut(candidate: &[u8]) -> Option<Vec<u8>> {
    let (mut depth, mut last_comma) = (0usize, None);
    outside_strings(candidate, |at, byte| match byte {
        b'{' | b'[' => depth += 1,
        b'}' | b']' => depth = depth.saturating_sub(1),
        b',' if depth == 1 => last_comma = Some(at),
        _ => {}
    });
    let mut text = candidate.get(..last_comma?)?.to_vec();
    text.push(b'}');
    Some(text)
}

/// Hands `visit` each byte of `text` that stands outside JSON strings, with its offset; says
/// whether `text` ends inside a string.
fn outside_strings(text: &[u8], mut visit: impl FnMut(usize, u8)) -> bool {
    let (mut in_string, mut escaped) = (false, false);
    for (at, &byte) in text.iter().enumerate() {
        match (in_string, byte) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') => in_string = false,
            (true, _) => {}
            (false, b'"') => in_string = true,
            (false, _) => visit(at, byte),
        }
    }
    in_string
}

/// Line lengths, in bytes, at which loggers commonly cut a line.
pub(crate) const LOGGER_LIMITS: &[usize] = &[1024, 2048, 4096, 8192, 16384, 32768, 65536];

/// When the value that starts at `start` in `buf` stops where a line ends (nothing but space
/// between its last byte and a line break, and the parse broke at `broke_at`, past that line
/// break or at the end of the input), where that line ends in `buf`.
pub(crate) fn cut_line_end(buf: &[u8], start: usize, broke_at: usize) -> Option<usize> {
    let before = buf.get(start..broke_at.min(buf.len()))?;
    let last = start + before.iter().rposition(|b| !b.is_ascii_whitespace())?;
    let after = buf.get(last + 1..).unwrap_or_default();
    match memchr::memchr2(b'\n', b'\r', after) {
        Some(i) if broke_at >= last + 1 + i => Some(last + 1 + i),
        Some(_) => None,
        None if broke_at >= buf.len() => Some(buf.len()),
        None => None,
    }
}

fn closer_name(closer: u8) -> &'static str {
    if closer == b'}' { "closing brace" } else { "closing bracket" }
}

impl Repair {
    /// A repair at `at` in the input.
    pub(crate) fn at(repair: &'static str, at: Position, action: String) -> Self {
        Repair { repair, line: at.line, column: at.column, action }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mended(text: &str) -> Option<(String, Vec<&'static str>)> {
        mend(text.as_bytes())
            .map(|(t, r)| (String::from_utf8_lossy(&t).into_owned(), r.iter().map(|r| r.repair).collect()))
    }

    #[test]
    fn a_person_s_repairs() {
        assert_eq!(mended(r#"{"a": 1,}"#), Some((r#"{"a": 1 }"#.into(), vec!["trailing-comma"])));
        assert_eq!(
            mended("{\"a\": 1, // note\n\"b\": 2}"),
            Some(("{\"a\": 1,        \n\"b\": 2}".into(), vec!["comment"]))
        );
        assert_eq!(mended("{\"a\": {\"b\": [1, 2"), Some(("{\"a\": {\"b\": [1, 2]}}".into(), vec!["unclosed"])));
        assert_eq!(
            mended("{\"a\": \"PASS\"Failure Notifications {"),
            Some(("{\"a\": \"PASS\"}".into(), vec!["unclosed"]))
        );
        assert_eq!(mended("{\"a\": 1,\n"), Some(("{\"a\": 1}".into(), vec!["unclosed"])));
    }

    #[test]
    fn a_value_cut_where_its_line_ends_is_found() {
        let text = "first\nts {\"a\": \"xxxx\nnext";
        let start = text.find('{').unwrap_or_default();
        let line_end = text.rfind('\n').unwrap_or_default();
        assert_eq!(cut_line_end(text.as_bytes(), start, line_end), Some(line_end));
        assert_eq!(cut_line_end(b"{\"a\": \"xx", 0, 9), Some(9), "at the end of input");
        let glued = "{\"a\": \"PASS\"Failure notes\n";
        assert_eq!(cut_line_end(glued.as_bytes(), 0, 12), None, "broken before the line's end");
    }

    #[test]
    fn what_was_read_before_a_cut() {
        let read = |text: &str| before_cut(text.as_bytes()).map(|t| String::from_utf8_lossy(&t).into_owned());
        assert_eq!(
            read(r#"{"a": 1, "b": {"c": 2, "d": 3}, "e": "x,y"#).as_deref(),
            Some(r#"{"a": 1, "b": {"c": 2, "d": 3}}"#)
        );
        assert_eq!(read(r#"{"a": "cut"#), None);
    }

    #[test]
    fn what_was_cut_is_not_invented() {
        assert_eq!(mended("{\"a\": \"cut here"), None);
        assert_eq!(mended("{\"a\":"), None);
        assert_eq!(mended(r#"{"a": 1}"#), None, "nothing to mend");
    }
}
