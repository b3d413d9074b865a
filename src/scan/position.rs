//! Where things are in an input: byte offset, 1-based line, and 1-based column in characters.
//!
//! Positions are computed lazily by walking forward from a known position, so the scanner only
//! pays for line counting between the payloads it reports. A line ends with LF, CRLF, or a CR
//! alone (as old Mac files and some terminals' captures have it).

use serde::Serialize;

use super::logged::OffsetMap;

/// A point in an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    /// Byte offset from the start of the input (after decompression, if any).
    pub offset: u64,
    /// 1-based line number.
    pub line: u64,
    /// 1-based column, counted in characters.
    pub column: u64,
    /// The byte before this point is a CR, so an LF here ends no further line (CRLF).
    #[serde(skip)]
    pub(crate) after_cr: bool,
}

impl Position {
    /// The first byte of an input.
    pub const START: Position = Position { offset: 0, line: 1, column: 1, after_cr: false };

    /// The position just after `bytes`, which start at `self`.
    pub fn advanced_over(self, bytes: &[u8]) -> Position {
        self.advanced_with_break(bytes).0
    }

    /// [`Position::advanced_over`], and the index in `bytes` of their last line break (the LF
    /// of a CRLF), after which the line of the new position starts.
    pub(crate) fn advanced_with_break(self, bytes: &[u8]) -> (Position, Option<usize>) {
        let offset = self.offset + bytes.len() as u64;
        let after_cr = bytes.last().map_or(self.after_cr, |&b| b == b'\r');
        let breaks = if self.after_cr { None } else { line_breaks(bytes) };
        let (newlines, last) = breaks.unwrap_or_else(|| line_breaks_with_cr(bytes, self.after_cr));
        let position = match last {
            Some(last) => Position {
                offset,
                line: self.line + newlines,
                column: 1 + count_chars(bytes.get(last + 1..).unwrap_or_default()),
                after_cr,
            },
            None => Position { offset, line: self.line, column: self.column + count_chars(bytes), after_cr },
        };
        (position, last)
    }
}

/// Whether `bytes` are few (the stretch from a payload's start to one of its fields, say) and
/// all ASCII from U+000E up, so with no line break and each one column: one comparison a byte
/// and no branch, where finding breaks and counting characters would take two passes, each with
/// its own set-up. (Tabs and other control characters take the long way, which counts them too.)
fn is_short_ascii_line(bytes: &[u8]) -> bool {
    const SHORT: usize = 512;
    bytes.len() <= SHORT && bytes.iter().fold(true, |plain, &b| plain & (b.wrapping_sub(0x0E) < 0x80 - 0x0E))
}

/// [`line_breaks`] for text that holds CRs: a CR ends a line, and so does an LF that does not
/// follow one (`after_cr` says whether the byte before `bytes` is a CR). The last break is where
/// the next line starts after, so the LF of a CRLF.
fn line_breaks_with_cr(bytes: &[u8], after_cr: bool) -> (u64, Option<usize>) {
    let (mut count, mut last) = (0, None);
    for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        let follows_cr = if at == 0 { after_cr } else { bytes.get(at - 1) == Some(&b'\r') };
        if bytes.get(at) == Some(&b'\r') || !follows_cr {
            count += 1;
        }
        last = Some(at);
    }
    (count, last)
}

/// How many line breaks `bytes` holds, and where the last one is, when it holds no CR (`None`
/// when it does). Between payloads of a log there are few, which one pass of finding them tells;
/// in pretty-printed JSON there are many, which counting and then finding the last from the end
/// tells faster.
fn line_breaks(bytes: &[u8]) -> Option<(u64, Option<usize>)> {
    const FEW: u64 = 4;
    let (mut count, mut last) = (0, None);
    for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if bytes.get(at) == Some(&b'\r') {
            return None;
        }
        count += 1;
        last = Some(at);
        if count == FEW {
            let rest = bytes.get(at + 1..).unwrap_or_default();
            if memchr::memchr(b'\r', rest).is_some() {
                return None;
            }
            let more = bytecount::count(rest, b'\n') as u64;
            return Some((count + more, if more > 0 { memchr::memrchr(b'\n', bytes) } else { last }));
        }
    }
    Some((count, last))
}

/// What of `text`'s last line it holds: everything after its last line break.
fn line_so_far(text: &[u8]) -> &[u8] {
    memchr::memrchr2(b'\n', b'\r', text).and_then(|brk| text.get(brk + 1..)).unwrap_or(text)
}

/// Counts UTF-8 characters; a byte that is not a continuation byte starts one (bytecount
/// counts them many bytes at a time).
fn count_chars(bytes: &[u8]) -> u64 {
    bytecount::num_chars(bytes) as u64
}

/// How many bytes at the start of a line are kept for what may stand there (the date-time a log
/// line starts with): a line that runs from one buffer into the next carries this much of its
/// start along, so that what is found on it does not depend on where the input was cut.
pub(crate) const LINE_HEAD: usize = 64;

/// The first bytes, up to [`LINE_HEAD`], of a line that began before a buffer (empty when the
/// buffer starts a line), and the byte just before the buffer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineHead {
    bytes: [u8; LINE_HEAD],
    len: usize,
    /// The input's byte just before the buffer, if any: whether a quote the buffer starts with
    /// is escaped depends on it.
    last_byte: Option<u8>,
}

impl Default for LineHead {
    fn default() -> Self {
        LineHead { bytes: [0; LINE_HEAD], len: 0, last_byte: None }
    }
}

impl LineHead {
    /// The bytes kept.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    /// The input's byte just before the buffer, if any.
    pub(crate) fn last_byte(&self) -> Option<u8> {
        self.last_byte
    }

    /// The head of the line that `bytes` end in, when they follow a buffer whose last line's
    /// head is `self`.
    pub(crate) fn after(self, bytes: &[u8]) -> LineHead {
        let head = match memchr::memrchr2(b'\n', b'\r', bytes) {
            Some(at) => LineHead::default().extended(bytes.get(at + 1..).unwrap_or_default()),
            None => self.extended(bytes),
        };
        LineHead { last_byte: bytes.last().copied().or(self.last_byte), ..head }
    }

    fn extended(mut self, bytes: &[u8]) -> LineHead {
        let free = self.bytes.get_mut(self.len..).unwrap_or_default();
        let taken = free.len().min(bytes.len());
        if let (Some(to), Some(from)) = (free.get_mut(..taken), bytes.get(..taken)) {
            to.copy_from_slice(from);
            self.len += taken;
        }
        self
    }
}

/// Maps offsets in one buffer to positions, given the position of one of its bytes, and knows
/// where the line holding that byte starts (for the date-time a log line may start with).
///
/// The buffer may be a translation of the input (a value a receiver's language printed, read as
/// JSON): offsets of the translation are then taken to where their token stands in the input,
/// whose text the positions are counted in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Locator<'a> {
    /// The buffer whose offsets this locator maps.
    buf: &'a [u8],
    /// The text positions are counted in: `buf`, or the input `buf` was translated from.
    text: &'a [u8],
    /// Where the tokens of a translation stand in `text`.
    map: Option<&'a OffsetMap>,
    /// Lines (for the date-time a line starts with, and a line's length) are those of `buf`,
    /// the text a run of container records joins, rather than those of the input.
    lines_in_buf: bool,
    /// The anchor's offset in `buf`.
    anchor_index: usize,
    /// The anchor's offset in `text`.
    anchor_at: usize,
    anchor: Position,
    /// When set, every offset maps to the anchor: used for text decoded out of a JSON string,
    /// whose bytes do not stand in the input as they are.
    fixed: bool,
    /// Where in `text` the anchor's line starts; 0 also when it starts before `text`.
    line_start: usize,
    /// The first bytes of the anchor's line that come before `text` (at most [`LINE_HEAD`] of
    /// them); empty when the line starts in `text`.
    line_head: &'a [u8],
}

impl<'a> Locator<'a> {
    /// A locator for `buf`, whose byte at `anchor_index` is at `anchor`; a line that runs into
    /// `buf` from before it is taken to start at `buf`, unless [`Locator::with_line_head`] says
    /// how it starts.
    pub(crate) fn new(buf: &'a [u8], anchor_index: usize, anchor: Position) -> Self {
        let before = buf.get(..anchor_index).unwrap_or_default();
        let line_start = memchr::memrchr2(b'\n', b'\r', before).map_or(0, |at| at + 1);
        Locator {
            buf,
            text: buf,
            map: None,
            lines_in_buf: false,
            anchor_index,
            anchor_at: anchor_index,
            anchor,
            fixed: false,
            line_start,
            line_head: &[],
        }
    }

    /// A locator that places every offset of `buf` at `anchor`.
    pub(crate) fn fixed(buf: &'a [u8], anchor: Position) -> Self {
        Locator { fixed: true, line_start: 0, ..Locator::new(buf, 0, anchor) }
    }

    /// A locator for `translation`, a translation of the text at this locator's anchor whose
    /// tokens `map` places in this locator's text.
    pub(crate) fn translated(&self, translation: &'a [u8], map: &'a OffsetMap) -> Self {
        Locator { buf: translation, map: Some(map), anchor_index: 0, ..*self }
    }

    /// `map`, a map into this locator's buffer, as a map into its text when this locator's
    /// buffer is itself a translation; `None` when `map` is that already.
    pub(crate) fn through(&self, map: &OffsetMap) -> Option<OffsetMap> {
        self.map.map(|outer| map.then(outer))
    }

    /// A locator for `joined`, the text of a run of container records whose pieces `map`
    /// places in this locator's text; lines are those of `joined`.
    pub(crate) fn joined(&self, joined: &'a [u8], map: &'a OffsetMap) -> Self {
        Locator { lines_in_buf: true, ..self.translated(joined, map) }
    }

    /// How many characters stand before `buf[index]` on its line: its column less one, counted
    /// from the position (which does not depend on how the input was cut into buffers), or, in
    /// text that does not stand in the input as it is, in that text.
    pub(crate) fn characters_before(&self, index: usize) -> u64 {
        if !self.fixed && !self.lines_in_buf && self.map.is_none() {
            return self.locate(index).column.saturating_sub(1);
        }
        count_chars(line_so_far(self.buf.get(..index).unwrap_or_default()))
    }

    /// This locator, told that the line running into `buf` from before it starts with `head`.
    pub(crate) fn with_line_head(self, head: &'a [u8]) -> Self {
        Locator { line_head: if self.line_start > 0 { &[] } else { head }, ..self }
    }

    /// The anchor's line up to the anchor: the part of it before `buf` (see
    /// [`Locator::with_line_head`]), then the part in `buf`.
    pub(crate) fn line_so_far(&self) -> (&'a [u8], &'a [u8]) {
        if self.lines_in_buf {
            return (&[], line_so_far(self.buf.get(..self.anchor_index).unwrap_or_default()));
        }
        (self.line_head, self.text.get(self.line_start..self.anchor_at).unwrap_or_default())
    }

    /// The buffer whose offsets this locator maps.
    pub(crate) fn buf(&self) -> &'a [u8] {
        self.buf
    }

    /// Where `buf[index]` stands in the text positions are counted in.
    fn text_index(&self, index: usize) -> usize {
        self.map.map_or(index, |map| map.input_offset(index))
    }

    /// The position of `buf[index]`; offsets before the anchor map to the anchor.
    pub(crate) fn locate(&self, index: usize) -> Position {
        let at = self.text_index(index);
        if self.fixed || at <= self.anchor_at {
            return self.anchor;
        }
        let between = self.text.get(self.anchor_at..at).unwrap_or_default();
        if is_short_ascii_line(between) {
            let (offset, column) =
                (self.anchor.offset + between.len() as u64, self.anchor.column + between.len() as u64);
            return Position { offset, column, after_cr: false, ..self.anchor };
        }
        self.anchor.advanced_over(between)
    }

    /// The index of the byte whose position is known.
    pub(crate) fn anchor_index(&self) -> usize {
        self.anchor_index
    }

    /// A locator anchored at `index`, to make later look-ups near it cheap; an `index` before
    /// the anchor leaves it where it is. Only the bytes between the two anchors are read, so
    /// rebasing from one value found to the next costs what the positions cost anyway.
    pub(crate) fn rebased(&self, index: usize) -> Locator<'a> {
        let at = self.text_index(index);
        if at <= self.anchor_at {
            return *self;
        }
        let between = self.text.get(self.anchor_at..at).unwrap_or_default();
        let (anchor, last_break) = if self.fixed {
            (self.anchor, memchr::memrchr2(b'\n', b'\r', between))
        } else {
            self.anchor.advanced_with_break(between)
        };
        let (line_start, line_head) = match last_break {
            Some(brk) => (self.anchor_at + brk + 1, &[][..]),
            None => (self.line_start, self.line_head),
        };
        Locator { anchor_index: index, anchor_at: at, anchor, line_start, line_head, ..*self }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Lines and columns counted one character at a time, as the module's documentation defines
    /// them.
    fn counted_naively(start: Position, bytes: &[u8]) -> (u64, u64, bool) {
        let (mut line, mut column, mut after_cr) = (start.line, start.column, start.after_cr);
        for &b in bytes {
            match b {
                b'\n' if after_cr => column = 1,
                b'\n' | b'\r' => (line, column) = (line + 1, 1),
                _ if b & 0xC0 == 0x80 => {}
                _ => column += 1,
            }
            after_cr = b == b'\r';
        }
        (line, column, after_cr)
    }

    proptest! {
        #[test]
        fn positions_agree_with_counting_one_character_at_a_time(
            bytes in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'\r'), Just(0xC3u8), Just(0xA9u8), any::<u8>(), 0x20u8..0x7F], 0..700),
            after_cr: bool,
            cut in 0usize..700,
        ) {
            let start = Position { offset: 0, line: 3, column: 5, after_cr };
            let cut = cut.min(bytes.len());
            let whole = start.advanced_over(&bytes);
            prop_assert_eq!((whole.line, whole.column, whole.after_cr), counted_naively(start, &bytes));
            let (head, tail) = bytes.split_at(cut);
            prop_assert_eq!(start.advanced_over(head).advanced_over(tail), whole);
            let at_cut = start.advanced_over(head);
            let locator = Locator::new(&bytes, cut, at_cut);
            for index in [cut, cut + 1, cut + 40, bytes.len()] {
                let between = bytes.get(cut..index.min(bytes.len())).unwrap_or_default();
                prop_assert_eq!(locator.locate(index.min(bytes.len())), at_cut.advanced_over(between), "locate({})", index);
            }
        }
    }

    #[test]
    fn counts_line_breaks_and_finds_the_last_however_many_there_are() {
        for breaks in 0..12 {
            let text: String = (0..breaks).map(|i| format!("{}\n", "x".repeat(i * 7 % 5))).collect::<String>() + "tail";
            let expected_last = text.rfind('\n');
            assert_eq!(line_breaks(text.as_bytes()), Some((breaks as u64, expected_last)), "{text:?}");
            let with_cr = text.replacen('x', "\r", 1);
            assert_eq!(line_breaks(with_cr.as_bytes()).is_none(), with_cr.contains('\r'), "{with_cr:?}");
        }
    }

    #[test]
    fn counts_lines_and_characters() {
        let p = Position::START.advanced_over("ab\r\né{".as_bytes());
        assert_eq!((p.offset, p.line, p.column), (7, 2, 3));
        let q = p.advanced_over("xy".as_bytes());
        assert_eq!((q.offset, q.line, q.column), (9, 2, 5));
    }

    #[test]
    fn a_cr_alone_ends_a_line_and_a_crlf_cut_in_two_ends_one() {
        let p = Position::START.advanced_over(b"a\rbc\rd");
        assert_eq!((p.line, p.column), (3, 2));
        let whole = Position::START.advanced_over(b"ab\r\ncd\r\n\re");
        for cut in 0..=10 {
            let text = b"ab\r\ncd\r\n\re";
            let split = Position::START.advanced_over(&text[..cut]).advanced_over(&text[cut..]);
            assert_eq!((split.line, split.column), (whole.line, whole.column), "cut at {cut}");
        }
        assert_eq!((whole.line, whole.column), (4, 2));
    }

    #[test]
    fn locates_from_an_anchor() {
        let text = b"one\ntwo {x}\n";
        let locator = Locator::new(text, 4, Position { offset: 4, line: 2, column: 1, after_cr: false });
        assert_eq!(locator.locate(8), Position { offset: 8, line: 2, column: 5, after_cr: false });
        assert_eq!(locator.rebased(8).locate(12).line, 3);
        assert_eq!(Locator::fixed(text, Position::START).locate(11), Position::START);
    }
}
