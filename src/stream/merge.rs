//! Putting chunk reports back together in input order, finishing values cut by a seam, and
//! handing results on a bounded number at a time.

use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender};

use super::chunks::BufferPool;
use super::pieces::{ChunkReport, RESULTS_PER_PIECE};
use super::{Envelope, StreamError};
use crate::assess::{AssessOptions, Assessor, CheckResult};
use crate::scan::position::{LineHead, Locator, Position};
use crate::scan::{Region, Scanner};

/// Where the merge hands results on.
pub(super) type Emit<'e> = &'e mut dyn FnMut(Vec<CheckResult>) -> io::Result<()>;

/// Puts chunk reports back together in input order.
pub(super) struct Merger<'o> {
    pub(super) assessor: Assessor<'o>,
    /// Scans across seams; its state carries an oversized value from chunk to chunk.
    pub(super) seam: Scanner,
    /// Input not yet done with: a value cut at the end of the last chunk.
    pub(super) pending: Vec<u8>,
    /// Where `pending` starts.
    pub(super) pending_at: Position,
    /// The head of the line `pending` starts in, when that began before it.
    pub(super) pending_line_head: LineHead,
    pub(super) pool: Arc<BufferPool>,
}

impl<'o> Merger<'o> {
    pub(super) fn new(options: &'o AssessOptions, name: Arc<str>, pool: Arc<BufferPool>) -> Self {
        Merger {
            assessor: Assessor::new(options, name),
            seam: Scanner::new(options.scan),
            pending: Vec::new(),
            pending_at: Position::START,
            pending_line_head: LineHead::default(),
            pool,
        }
    }

    /// Takes the next chunk's report and hands the results it completes to `emit`, in order
    /// and in pieces of a bounded number; the chunk's buffer goes back to the pool.
    pub(super) fn take(&mut self, mut report: ChunkReport, emit: Emit<'_>) -> io::Result<()> {
        let outcome = self.merge(&mut report, emit);
        // The chunk's last piece is merged after its others: then nothing else holds the buffer.
        if let Some(buffer) = report.chunk.data.into_buffer() {
            self.pool.give(buffer);
        }
        outcome
    }

    pub(super) fn merge(&mut self, report: &mut ChunkReport, emit: Emit<'_>) -> io::Result<()> {
        if self.pending.is_empty() && !self.seam.is_shadowing() {
            self.keep_rest(report);
            return emit(std::mem::take(&mut report.results));
        }
        let seam = self.pending.len();
        let mut buffer = std::mem::take(&mut self.pending);
        buffer.extend_from_slice(&report.chunk.data);
        let line_head = self.pending_line_head;
        self.seam.set_line_head(line_head);
        let locator = Locator::new(&buffer, 0, self.pending_at).with_line_head(line_head.as_bytes());
        let at_eof = report.chunk.at_eof;
        let (stopped, consumed) =
            self.scan_in_steps(&buffer, &locator, Region { stop_at: seam, ..Region::whole(at_eof) }, emit)?;
        if stopped && report.outside_at(consumed - seam) {
            let agreed = consumed - seam;
            let before_agreement: usize =
                report.items.iter().filter(|item| item.start < agreed).map(|item| item.results).sum();
            self.keep_rest(report);
            return emit(std::mem::take(&mut report.results).into_iter().skip(before_agreement).collect());
        }
        let consumed = if stopped {
            self.scan_in_steps(&buffer, &locator, Region { from: consumed, ..Region::whole(at_eof) }, emit)?.1
        } else {
            consumed
        };
        self.pending_at = locator.locate(consumed);
        self.pending_line_head = line_head.after(buffer.get(..consumed).unwrap_or_default());
        buffer.drain(..consumed.min(buffer.len()));
        self.pending = buffer;
        Ok(())
    }

    /// Scans `region` of `buffer` in sequence, a bounded number of items at a time, handing each
    /// step's results to `emit`; returns whether it stopped at `stop_at` and where.
    pub(super) fn scan_in_steps(
        &mut self,
        buffer: &[u8],
        locator: &Locator<'_>,
        region: Region,
        emit: Emit<'_>,
    ) -> io::Result<(bool, usize)> {
        let mut from = region.from;
        loop {
            let step = Region { from, max_found: RESULTS_PER_PIECE, ..region };
            let scanned = self.seam.scan_region(buffer, step);
            let mut results = Vec::with_capacity(scanned.found.len());
            let mut locator = *locator;
            for found in &scanned.found {
                locator = locator.rebased(found.start());
                self.assessor.assess(found, &locator, &mut results);
            }
            drop(scanned.found);
            if !results.is_empty() {
                emit(results)?;
            }
            // Stopped for the number of items, short of where it was asked to stop: go on.
            if scanned.stopped && scanned.consumed < region.stop_at {
                from = scanned.consumed;
                continue;
            }
            return Ok((scanned.stopped, scanned.consumed));
        }
    }

    /// Keeps the part of the report's chunk that its scan is not done with for the next chunk,
    /// and goes on in the shadow that scan ended in.
    pub(super) fn keep_rest(&mut self, report: &ChunkReport) {
        let (chunk, consumed) = (&report.chunk, report.consumed);
        let rest = chunk.data.get(consumed..).unwrap_or_default();
        self.pending_at =
            if rest.is_empty() { chunk.end } else { Locator::new(&chunk.data, 0, chunk.base).locate(consumed) };
        self.pending_line_head = chunk.line_head.after(chunk.data.get(..consumed).unwrap_or_default());
        self.pending = rest.to_vec();
        self.seam.continue_shadow(report.shadow);
    }
}

/// The calling thread: puts reports back in order, from chunk `first` on, and hands their
/// results on.
pub(super) fn merge_in_order(
    merger: &mut Merger<'_>,
    first: u64,
    reports: &Receiver<Envelope>,
    permits: &SyncSender<()>,
    on_batch: &mut dyn FnMut(Vec<CheckResult>) -> io::Result<()>,
) -> Result<(), StreamError> {
    let mut waiting: BTreeMap<(u64, u32), Envelope> = BTreeMap::new();
    let mut next = (first, 0);
    for envelope in reports {
        waiting.insert(envelope.order, envelope);
        while let Some(envelope) = waiting.remove(&next) {
            let report = envelope.report.map_err(StreamError::Input)?;
            let (last_piece, at_eof) = (report.last_piece, report.chunk.at_eof);
            merger.take(report, on_batch).map_err(StreamError::Output)?;
            if !last_piece {
                next.1 += 1;
                continue;
            }
            if at_eof {
                // An input that a failed read ended: its failure was sent before its last chunk.
                return match waiting.remove(&(next.0 + 1, 0)) {
                    Some(Envelope { report: Err(failure), .. }) => Err(StreamError::Input(failure)),
                    _ => Ok(()),
                };
            }
            next = (next.0 + 1, 0);
            // The reader may have ended already; a permit nobody takes is harmless.
            let _ = permits.try_send(());
        }
    }
    Ok(())
}
