//! Scanning one chunk on its own, as if no value were open where it begins, into pieces of a
//! bounded number of results.

use std::sync::Arc;

use super::chunks::Chunk;
use crate::assess::{AssessOptions, Assessor, CheckResult};
use crate::json::KnownText;
use crate::scan::position::{LineHead, Locator, Position};
use crate::scan::{CarriedShadow, Region, Scanner};

/// Results a worker gathers from a chunk before it hands that much of the chunk on as a piece.
pub(super) const RESULTS_PER_PIECE: usize = 512;

/// Bytes scanned between looks at how many results a piece holds.
pub(super) const SCAN_STEP: usize = 8 << 10;

/// One value found in a chunk: the span the scan covered for it, and how many of the chunk's
/// results (which follow those of the items before it) it produced.
pub(super) struct Item {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) results: usize,
}

/// A chunk, or a piece of one, scanned on its own.
pub(super) struct ChunkReport {
    /// The chunk, or the piece of it that this report covers.
    pub(super) chunk: Chunk,
    /// The piece's place in its chunk, from 0.
    pub(super) piece: u32,
    /// Whether this is the chunk's last piece.
    pub(super) last_piece: bool,
    pub(super) items: Vec<Item>,
    /// Every item's results, in order.
    pub(super) results: Vec<CheckResult>,
    /// Bytes of the chunk the scan is done with; a value cut by the chunk's end starts here.
    pub(super) consumed: usize,
    /// A broken value's shadow that runs on past `consumed`.
    pub(super) shadow: CarriedShadow,
}

impl ChunkReport {
    /// Whether this chunk's own scan was outside any value at `offset`.
    pub(super) fn outside_at(&self, offset: usize) -> bool {
        offset <= self.consumed && !self.items.iter().any(|item| item.start < offset && offset < item.end)
    }
}

/// Scans and assesses one chunk as if no value were open at its start, handing it to `hand_on`
/// in pieces of about [`RESULTS_PER_PIECE`] results, each cut where the scan is outside any
/// value; `hand_on` returns whether to go on.
pub(super) fn scan_chunk(
    chunk: Chunk,
    options: &AssessOptions,
    name: &Arc<str>,
    hand_on: &mut dyn FnMut(ChunkReport) -> bool,
) {
    let assessor = Assessor::new(options, name.clone());
    let mut scanner = Scanner::new(options.scan);
    scanner.set_line_head(chunk.line_head);
    let mut locator = Locator::new(&chunk.data, 0, chunk.base).with_line_head(chunk.line_head.as_bytes());
    let mut piece = Piece::first(&chunk);
    let mut known = KnownText::default();
    let mut pos: usize = 0;
    loop {
        let max_found = RESULTS_PER_PIECE.saturating_sub(piece.results.len()).max(1);
        let stop_at = pos.saturating_add(SCAN_STEP);
        let region = Region { from: pos, stop_at, at_eof: chunk.at_eof, max_found, defer_unclosed_arrays: true };
        let scanned = scanner.scan_region_known(&chunk.data, region, &mut known);
        for found in &scanned.found {
            locator = locator.rebased(found.start());
            let before = piece.results.len();
            assessor.assess(found, &locator, &mut piece.results);
            piece.add_item(found.start(), found.end(), before);
        }
        pos = scanned.consumed;
        if !scanned.stopped || pos >= chunk.data.len() {
            break;
        }
        if piece.results.len() >= RESULTS_PER_PIECE && !hand_on(piece.cut(&chunk, pos, locator.locate(pos))) {
            return;
        }
    }
    hand_on(piece.last(chunk, pos, scanner.carried_shadow()));
}

/// The piece of a chunk being gathered by [`scan_chunk`].
pub(super) struct Piece {
    pub(super) number: u32,
    /// Where the piece starts in the chunk, and in the input.
    pub(super) start: usize,
    pub(super) base: Position,
    /// The head of the line the piece starts in, when that began before it.
    pub(super) line_head: LineHead,
    pub(super) items: Vec<Item>,
    pub(super) results: Vec<CheckResult>,
    /// Room for a payload every few hundred bytes, so the vectors rarely grow (and copy).
    pub(super) expected: usize,
}

impl Piece {
    pub(super) fn first(chunk: &Chunk) -> Self {
        let expected = (chunk.data.len() / 256).min(RESULTS_PER_PIECE);
        let (items, results) = (Vec::with_capacity(expected), Vec::with_capacity(expected));
        Piece { number: 0, start: 0, base: chunk.base, line_head: chunk.line_head, items, results, expected }
    }

    /// Records an item found at `start..end` of the chunk whose results begin at `first_result`.
    pub(super) fn add_item(&mut self, start: usize, end: usize, first_result: usize) {
        let (start, end) = (start - self.start, end - self.start);
        self.items.push(Item { start, end, results: self.results.len() - first_result });
    }

    /// Hands on the piece up to `pos`, which stands at `end`, and starts the next one there.
    pub(super) fn cut(&mut self, chunk: &Chunk, pos: usize, end: Position) -> ChunkReport {
        let data = chunk.data.stretch(self.start, pos);
        let line_head = self.line_head;
        let report = ChunkReport {
            chunk: Chunk { index: chunk.index, data, base: self.base, end, at_eof: false, line_head },
            piece: self.number,
            last_piece: false,
            items: std::mem::replace(&mut self.items, Vec::with_capacity(self.expected)),
            results: std::mem::replace(&mut self.results, Vec::with_capacity(self.expected)),
            consumed: pos - self.start,
            shadow: CarriedShadow::default(),
        };
        self.line_head = line_head.after(chunk.data.get(self.start..pos).unwrap_or_default());
        (self.number, self.start, self.base) = (self.number + 1, pos, end);
        report
    }

    /// Hands on the rest of `chunk`, its scan done with up to `pos` and ending in `shadow`.
    pub(super) fn last(self, chunk: Chunk, pos: usize, shadow: CarriedShadow) -> ChunkReport {
        let Chunk { index, data, end, at_eof, .. } = chunk;
        let data = data.stretch(self.start, data.len());
        let consumed = pos - self.start;
        let chunk = Chunk { index, data, base: self.base, end, at_eof, line_head: self.line_head };
        let (piece, items, results) = (self.number, self.items, self.results);
        ChunkReport { chunk, piece, last_piece: true, items, results, consumed, shadow }
    }
}
