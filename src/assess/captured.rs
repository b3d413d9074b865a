//! When a payload was captured, as the capture itself says: the `time` or `timestamp` member of
//! a wrapper object the payload was found inside (docker's json-file records, CloudWatch Logs
//! events), or an ISO-8601 date-time at the start of the line the payload sits on.
//!
//! Nothing is made up: a stamp comes only from those places, and is kept as written, except a
//! number of milliseconds since the epoch, which is written as ISO-8601 UTC with milliseconds.
//! Which of several applies is the assessor's business (the nearest to the payload wins).

use crate::json::{Node, Value};
use crate::scan::position::LINE_HEAD;

// Only the first LINE_HEAD bytes of a line are looked at, wherever the input was cut: room for
// the longest date-time and the byte after it.
const _: () = assert!(MAX_STAMP < LINE_HEAD);

/// The longest date-time taken: `2026-11-25T10:00:00.123456789+05:30`.
const MAX_STAMP: usize = 35;

/// The most digits a fraction of a second may have.
const MAX_FRACTION_DIGITS: usize = 9;

/// The range of numbers read as milliseconds since the epoch: from 1973-03-03 (smaller numbers
/// are more likely seconds, or something else, than a time in 1970 to 1973) to the end of 9999.
const EPOCH_MILLIS: std::ops::RangeInclusive<i64> = 100_000_000_000..=253_402_300_799_999;

/// A date-time as a capture gives it, held inline (it is at most [`MAX_STAMP`] ASCII bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    bytes: [u8; MAX_STAMP],
    len: usize,
}

impl Stamp {
    /// `text`, which must be ASCII and at most [`MAX_STAMP`] bytes.
    fn new(text: &[u8]) -> Option<Self> {
        let mut bytes = [0; MAX_STAMP];
        bytes.get_mut(..text.len())?.copy_from_slice(text);
        text.is_ascii().then_some(Stamp { bytes, len: text.len() })
    }

    /// The date-time as text.
    pub(crate) fn as_str(&self) -> &str {
        self.bytes.get(..self.len).and_then(|bytes| std::str::from_utf8(bytes).ok()).unwrap_or_default()
    }
}

/// The date-time at the start of a line whose first bytes are `head` (the part of the line
/// before the buffer, if it began in an earlier one) followed by `line`.
///
/// Cheap when there is none: a line that does not start with a digit is passed over at once.
pub(crate) fn line_stamp(head: &[u8], line: &[u8]) -> Option<Stamp> {
    if !head.first().or(line.first()).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if head.is_empty() {
        return leading(line.get(..LINE_HEAD).unwrap_or(line));
    }
    let mut joined = [0; LINE_HEAD];
    let mut len = 0;
    for (slot, byte) in joined.iter_mut().zip(head.iter().chain(line)) {
        *slot = *byte;
        len += 1;
    }
    leading(joined.get(..len).unwrap_or_default())
}

/// The date-time a wrapper object gives: its `time` member, else its `timestamp` member, each
/// either a string that is an ISO-8601 date-time as a whole, or a whole number of milliseconds
/// since the epoch. Where a member repeats, the last one counts, as in [`Node::get`].
pub(crate) fn wrapper_stamp(object: &Node<'_>) -> Option<Stamp> {
    ["time", "timestamp"].into_iter().find_map(|key| object.get(key).and_then(value_stamp))
}

/// The date-time a member's value gives.
fn value_stamp(value: &Node<'_>) -> Option<Stamp> {
    match &value.value {
        Value::String(text) => {
            let text = text.decoded();
            let bytes = text.as_bytes();
            date_time_len(bytes).filter(|&len| len == bytes.len()).and_then(|_| Stamp::new(bytes))
        }
        Value::Number(_, number) if number.fract() == 0.0 && *number >= 0.0 && *number <= 1e15 => {
            // Whole and far inside the range where f64 holds every integer exactly.
            let millis = *number as i64;
            EPOCH_MILLIS.contains(&millis).then(|| from_epoch_millis(millis)).flatten()
        }
        _ => None,
    }
}

/// The date-time at the very start of `text`, which ends where its line does or goes on past it.
fn leading(text: &[u8]) -> Option<Stamp> {
    let len = date_time_len(text)?;
    Stamp::new(text.get(..len)?)
}

/// `millis` after 1970-01-01T00:00:00Z as ISO-8601 UTC with milliseconds.
fn from_epoch_millis(millis: i64) -> Option<Stamp> {
    Stamp::new(crate::contract::utc_date_time(millis).as_bytes())
}

/// The length of the ISO-8601 date-time that `text` starts with, if it does: `YYYY-MM-DD`,
/// `T` (or a space), `hh:mm:ss`, an optional fraction of a second (`.` or `,` and 1 to 9
/// digits), an optional offset (`Z`, `+hh:mm`, `+hhmm`, `+hh`, or the same with `-`). What
/// follows must not be a letter or a digit, so that `2026-11-25T10:00:00abc` is no date-time.
fn date_time_len(text: &[u8]) -> Option<usize> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'T' | b't' | b' ', h0, h1, b':', i0, i1, b':', s0, s1] =
        *text.first_chunk::<19>()?
    else {
        return None;
    };
    if ![y0, y1, y2, y3, m0, m1, d0, d1, h0, h1, i0, i1, s0, s1].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let two = |tens: u8, ones: u8| u32::from(tens - b'0') * 10 + u32::from(ones - b'0');
    let (year, month, day) = (two(y0, y1) * 100 + two(y2, y3), two(m0, m1), two(d0, d1));
    let (hour, minute, second) = (two(h0, h1), two(i0, i1), two(s0, s1));
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = text.get(19..).unwrap_or_default();
    if let [b'.' | b',', after @ ..] = rest {
        let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > MAX_FRACTION_DIGITS {
            return None;
        }
        if digits > 0 {
            rest = after.get(digits..).unwrap_or_default();
        }
    }
    rest = match rest {
        [b'Z' | b'z', after @ ..] => after,
        [b'+' | b'-', h0, h1, after @ ..] if h0.is_ascii_digit() => {
            number(&[*h0, *h1]).filter(|&hours| hours <= 23)?;
            match after {
                [b':', m0, m1, after @ ..] | [m0, m1, after @ ..] if m0.is_ascii_digit() => {
                    number(&[*m0, *m1]).filter(|&minutes| minutes <= 59)?;
                    after
                }
                _ => after,
            }
        }
        _ => rest,
    };
    match rest.first() {
        Some(next) if next.is_ascii_alphanumeric() => None,
        _ => Some(text.len() - rest.len()),
    }
}

/// ASCII digits as a number.
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Options, parse_value};

    fn stamp_of_line(line: &str) -> Option<String> {
        line_stamp(b"", line.as_bytes()).map(|stamp| stamp.as_str().to_owned())
    }

    fn stamp_of_wrapper(json: &str) -> Option<String> {
        let parsed = parse_value(json.as_bytes(), 0, Options::default()).ok()?;
        wrapper_stamp(&parsed.node).map(|stamp| stamp.as_str().to_owned())
    }

    #[test]
    fn takes_a_leading_date_time_as_written() {
        let cases = [
            ("2026-11-25T10:00:00Z INFO body=", "2026-11-25T10:00:00Z"),
            ("2026-11-25 10:00:00 INFO", "2026-11-25 10:00:00"),
            ("2026-11-25T10:00:00.123456789+05:30\tx", "2026-11-25T10:00:00.123456789+05:30"),
            ("2026-11-25T10:00:00,123-0800 x", "2026-11-25T10:00:00,123-0800"),
            ("2026-11-25T10:00:00+01 x", "2026-11-25T10:00:00+01"),
            ("2024-02-29t23:59:60z ", "2024-02-29t23:59:60z"),
            ("2026-11-25T10:00:00Z", "2026-11-25T10:00:00Z"),
            ("2026-11-25T10:00:00.5 - x", "2026-11-25T10:00:00.5"),
            ("2026-11-25T10:00:00. x", "2026-11-25T10:00:00"),
        ];
        for (line, stamp) in cases {
            assert_eq!(stamp_of_line(line).as_deref(), Some(stamp), "{line:?}");
        }
    }

    #[test]
    fn takes_nothing_that_is_not_a_date_time_at_the_very_start() {
        let lines = [
            "",
            "INFO 2026-11-25T10:00:00Z",
            " 2026-11-25T10:00:00Z",
            "[2026-11-25T10:00:00Z]",
            "2026-11-25",
            "2026-11-25T10:00Z x",
            "2026-13-25T10:00:00Z",
            "2026-02-29T10:00:00Z",
            "2026-11-31T10:00:00Z",
            "2026-11-25T24:00:00Z",
            "2026-11-25T10:60:00Z",
            "2026-11-25T10:00:61Z",
            "2026-11-25T10:00:00Zulu",
            "2026-11-25T10:00:00abc",
            "2026-11-25T10:00:00.1234567890Z",
            "2026-11-25T10:00:00+24:00",
            "2026-11-25T10:00:00+05:60",
            "12:00:01 {}",
            "20261125T100000Z",
        ];
        for line in lines {
            assert_eq!(stamp_of_line(line), None, "{line:?}");
        }
    }

    #[test]
    fn a_line_begun_in_an_earlier_buffer_is_read_across_the_seam() {
        let line = b"2026-11-25T10:00:00.123Z INFO body=";
        for cut in 0..line.len() {
            let (head, rest) = line.split_at(cut);
            let stamp = line_stamp(head, rest).map(|stamp| stamp.as_str().to_owned());
            assert_eq!(stamp.as_deref(), Some("2026-11-25T10:00:00.123Z"), "cut at {cut}");
        }
        // Only the first LINE_HEAD bytes count, wherever the line is cut.
        let long = format!("2026-11-25T10:00:00.{}Z", "1".repeat(80));
        assert_eq!(line_stamp(long.as_bytes().get(..10).unwrap_or_default(), &long.as_bytes()[10..]), None);
    }

    #[test]
    fn a_wrapper_gives_its_time_or_timestamp() {
        let cases = [
            (
                r#"{"log":"x","stream":"stdout","time":"2026-11-25T10:00:00.123456789Z"}"#,
                Some("2026-11-25T10:00:00.123456789Z"),
            ),
            (r#"{"timestamp":1789459335003,"message":"x"}"#, Some("2026-09-15T08:02:15.003Z")),
            (r#"{"timestamp":"2026-11-25 10:00:00.123","message":"x"}"#, Some("2026-11-25 10:00:00.123")),
            (r#"{"time":"soon","timestamp":1789459335003}"#, Some("2026-09-15T08:02:15.003Z")),
            (r#"{"time":"2026-11-25T10:00:00Z","timestamp":1789459335003}"#, Some("2026-11-25T10:00:00Z")),
            (r#"{"time":"2026-11-25T10:00:00Z trailing"}"#, None),
            (r#"{"time":"12ms"}"#, None),
            (r#"{"time":1789459335}"#, None),
            (r#"{"timestamp":1789459335003.5}"#, None),
            (r#"{"timestamp":-1789459335003}"#, None),
            (r#"{"timestamp":1e300}"#, None),
            (r#"{"timestamp":253402300800000}"#, None),
            (r#"{"timestamp":null,"ts":"2026-11-25T10:00:00Z"}"#, None),
            (r#"{"time":"\u0032026-11-25T10:00:00Z"}"#, Some("2026-11-25T10:00:00Z")),
        ];
        for (json, stamp) in cases {
            assert_eq!(stamp_of_wrapper(json).as_deref(), stamp, "{json}");
        }
    }

    #[test]
    fn epoch_milliseconds_become_utc_with_milliseconds() {
        let cases = [
            (100_000_000_000, "1973-03-03T09:46:40.000Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (1_789_459_420_771, "2026-09-15T08:03:40.771Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ];
        for (millis, text) in cases {
            assert_eq!(from_epoch_millis(millis).map(|s| s.as_str().to_owned()).as_deref(), Some(text), "{millis}");
        }
    }
}
