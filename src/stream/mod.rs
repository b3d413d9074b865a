//! Checking one stream, in bounded memory and on every core, with results in input order.
//!
//! The input is read in chunks, cut after their last line break where there is one. Each chunk
//! is scanned and assessed on its own, as if no value were open where it begins; that is true
//! whenever the previous chunk ended outside any value, which a cut at a line break almost
//! always gives. When a value does run across the cut, the chunks are put back together in
//! order: the value is finished by scanning across the seam, and the next chunk's own results
//! are kept from the first point where both scans agree that no value is open; where they never
//! agree, the rest of that chunk is scanned again in sequence. The outcome is the same whatever
//! the chunk size and however many threads run, which the tests check.
//!
//! With one thread everything happens on the calling thread, chunk by chunk, so results follow
//! input as it arrives on a slow pipe. With more, a reader thread feeds chunks to worker threads
//! and the calling thread puts their results back in order; at most [`CHUNKS_IN_FLIGHT`] chunks
//! are in flight whatever the thread count, which bounds memory. A chunk dense with findings (a
//! broken value every few bytes) is handed on in pieces of a bounded number of results, and its
//! worker waits for the pieces to be merged; the merge, too, hands results on a bounded number at
//! a time; so memory stays bounded by results too, not only by bytes. The reader and the workers
//! are not waited for when the merge ends early (Ctrl-C, a closed output): a read blocked on
//! silent input must not hold the run.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use crate::assess::CheckResult;
use crate::assess::{AssessOptions, Assessor};
use crate::input::InputError;
use crate::input::unsupported_encoding;
use crate::json::KnownText;
use crate::limits::CHUNKS_IN_FLIGHT;
use crate::scan::position::{Locator, Position};
use crate::scan::{CarriedShadow, Region, Scanner};

/// How many bytes are read at a time, and the size a chunk aims for.
pub const READ_CHUNK: usize = 1 << 18;

/// The size of the first read of a stream; small inputs need no more.
const FIRST_READ: usize = 1 << 16;

/// Chunks in flight per worker thread, up to [`CHUNKS_IN_FLIGHT`] in all.
const CHUNKS_PER_WORKER: usize = 2;

/// Results a worker gathers from a chunk before it hands that much of the chunk on as a piece.
const RESULTS_PER_PIECE: usize = 512;

/// Bytes scanned between looks at how many results a piece holds.
const SCAN_STEP: usize = 8 << 10;

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Why checking a stream stopped early.
#[derive(Debug)]
pub enum StreamError {
    /// Reading the input failed.
    Input(InputError),
    /// The consumer of results failed (writing the report).
    Output(io::Error),
    /// The threads a parallel check needs could not be started.
    Threads(io::Error),
}

/// How a stream is cut and spread over threads.
#[derive(Debug, Clone, Copy)]
pub struct Parallelism {
    /// Worker threads; 1 checks on the calling thread.
    pub threads: usize,
    /// Bytes asked of the reader at a time.
    pub chunk_bytes: usize,
}

impl Default for Parallelism {
    fn default() -> Self {
        Parallelism { threads: 1, chunk_bytes: READ_CHUNK }
    }
}

/// A piece of the input and where it starts.
struct Chunk {
    index: u64,
    data: ChunkData,
    /// Where `data` starts, and where it ends.
    base: Position,
    end: Position,
    at_eof: bool,
}

/// One value found in a chunk: the span the scan covered for it, and how many of the chunk's
/// results (which follow those of the items before it) it produced.
struct Item {
    start: usize,
    end: usize,
    results: usize,
}

/// A chunk, or a piece of one, scanned on its own.
struct ChunkReport {
    /// The chunk, or the piece of it that this report covers.
    chunk: Chunk,
    /// The piece's place in its chunk, from 0.
    piece: u32,
    /// Whether this is the chunk's last piece.
    last_piece: bool,
    items: Vec<Item>,
    /// Every item's results, in order.
    results: Vec<CheckResult>,
    /// Bytes of the chunk the scan is done with; a value cut by the chunk's end starts here.
    consumed: usize,
    /// A broken value's shadow that runs on past `consumed`.
    shadow: CarriedShadow,
}

impl ChunkReport {
    /// Whether this chunk's own scan was outside any value at `offset`.
    fn outside_at(&self, offset: usize) -> bool {
        offset <= self.consumed && !self.items.iter().any(|item| item.start < offset && offset < item.end)
    }
}

/// Scans and assesses one chunk as if no value were open at its start, handing it to `hand_on`
/// in pieces of about [`RESULTS_PER_PIECE`] results, each cut where the scan is outside any
/// value; `hand_on` returns whether to go on.
fn scan_chunk(chunk: Chunk, options: &AssessOptions, name: &Arc<str>, hand_on: &mut dyn FnMut(ChunkReport) -> bool) {
    let assessor = Assessor::new(options, name.clone());
    let mut scanner = Scanner::new(options.scan);
    let mut locator = Locator::new(&chunk.data, 0, chunk.base);
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
            assessor.assess(found, &locator, &mut |result| piece.results.push(result));
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
struct Piece {
    number: u32,
    /// Where the piece starts in the chunk, and in the input.
    start: usize,
    base: Position,
    items: Vec<Item>,
    results: Vec<CheckResult>,
    /// Room for a payload every few hundred bytes, so the vectors rarely grow (and copy).
    expected: usize,
}

impl Piece {
    fn first(chunk: &Chunk) -> Self {
        let expected = (chunk.data.len() / 256).min(RESULTS_PER_PIECE);
        let (items, results) = (Vec::with_capacity(expected), Vec::with_capacity(expected));
        Piece { number: 0, start: 0, base: chunk.base, items, results, expected }
    }

    /// Records an item found at `start..end` of the chunk whose results begin at `first_result`.
    fn add_item(&mut self, start: usize, end: usize, first_result: usize) {
        let (start, end) = (start - self.start, end - self.start);
        self.items.push(Item { start, end, results: self.results.len() - first_result });
    }

    /// Hands on the piece up to `pos`, which stands at `end`, and starts the next one there.
    fn cut(&mut self, chunk: &Chunk, pos: usize, end: Position) -> ChunkReport {
        let data = chunk.data.get(self.start..pos).unwrap_or_default().to_vec().into();
        let report = ChunkReport {
            chunk: Chunk { index: chunk.index, data, base: self.base, end, at_eof: false },
            piece: self.number,
            last_piece: false,
            items: std::mem::replace(&mut self.items, Vec::with_capacity(self.expected)),
            results: std::mem::replace(&mut self.results, Vec::with_capacity(self.expected)),
            consumed: pos - self.start,
            shadow: CarriedShadow::default(),
        };
        (self.number, self.start, self.base) = (self.number + 1, pos, end);
        report
    }

    /// Hands on the rest of `chunk`, its scan done with up to `pos` and ending in `shadow`.
    fn last(self, chunk: Chunk, pos: usize, shadow: CarriedShadow) -> ChunkReport {
        let Chunk { index, data, end, at_eof, .. } = chunk;
        let data = if self.start == 0 { data } else { data.get(self.start..).unwrap_or_default().to_vec().into() };
        let consumed = pos - self.start;
        let chunk = Chunk { index, data, base: self.base, end, at_eof };
        let (piece, items, results) = (self.number, self.items, self.results);
        ChunkReport { chunk, piece, last_piece: true, items, results, consumed, shadow }
    }
}

/// Where the merge hands results on.
type Emit<'e> = &'e mut dyn FnMut(Vec<CheckResult>) -> io::Result<()>;

/// Puts chunk reports back together in input order.
struct Merger<'o> {
    assessor: Assessor<'o>,
    /// Scans across seams; its state carries an oversized value from chunk to chunk.
    seam: Scanner,
    /// Input not yet done with: a value cut at the end of the last chunk.
    pending: Vec<u8>,
    /// Where `pending` starts.
    pending_at: Position,
    pool: Arc<BufferPool>,
}

impl<'o> Merger<'o> {
    fn new(options: &'o AssessOptions, name: Arc<str>, pool: Arc<BufferPool>) -> Self {
        Merger {
            assessor: Assessor::new(options, name),
            seam: Scanner::new(options.scan),
            pending: Vec::new(),
            pending_at: Position::START,
            pool,
        }
    }

    /// Takes the next chunk's report and hands the results it completes to `emit`, in order
    /// and in pieces of a bounded number; the chunk's buffer goes back to the pool.
    fn take(&mut self, mut report: ChunkReport, emit: Emit<'_>) -> io::Result<()> {
        let outcome = self.merge(&mut report, emit);
        self.pool.give(std::mem::take(&mut report.chunk.data));
        outcome
    }

    fn merge(&mut self, report: &mut ChunkReport, emit: Emit<'_>) -> io::Result<()> {
        if self.pending.is_empty() && !self.seam.is_shadowing() {
            self.keep_rest(report);
            return emit(std::mem::take(&mut report.results));
        }
        let seam = self.pending.len();
        let mut buffer = std::mem::take(&mut self.pending);
        buffer.extend_from_slice(&report.chunk.data);
        let locator = Locator::new(&buffer, 0, self.pending_at);
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
        buffer.drain(..consumed.min(buffer.len()));
        self.pending = buffer;
        Ok(())
    }

    /// Scans `region` of `buffer` in sequence, a bounded number of items at a time, handing each
    /// step's results to `emit`; returns whether it stopped at `stop_at` and where.
    fn scan_in_steps(
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
                self.assessor.assess(found, &locator, &mut |result| results.push(result));
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
    fn keep_rest(&mut self, report: &ChunkReport) {
        let (chunk, consumed) = (&report.chunk, report.consumed);
        let rest = chunk.data.get(consumed..).unwrap_or_default();
        self.pending_at =
            if rest.is_empty() { chunk.end } else { Locator::new(&chunk.data, 0, chunk.base).locate(consumed) };
        self.pending = rest.to_vec();
        self.seam.continue_shadow(report.shadow);
    }
}

/// A chunk's bytes: the first `len` bytes of a buffer that stays initialized as it goes round
/// through the pool, so that input is read straight into it, with no zeroing and no copy.
#[derive(Debug, Default)]
struct ChunkData {
    buffer: Vec<u8>,
    len: usize,
}

impl std::ops::Deref for ChunkData {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.buffer.get(..self.len).unwrap_or_default()
    }
}

impl From<Vec<u8>> for ChunkData {
    fn from(buffer: Vec<u8>) -> Self {
        ChunkData { len: buffer.len(), buffer }
    }
}

impl ChunkData {
    /// Room for `more` bytes after the data, zeroed only where the buffer grows.
    fn spare(&mut self, more: usize) -> &mut [u8] {
        let end = self.len + more;
        if self.buffer.len() < end {
            self.buffer.resize(end, 0);
        }
        self.buffer.get_mut(self.len..end).unwrap_or_default()
    }

    fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.spare(bytes.len()).copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    fn drain_front(&mut self, count: usize) {
        let count = count.min(self.len);
        self.buffer.drain(..count);
        self.len -= count;
    }
}

/// Chunk buffers handed back once merged, so that reading reuses them rather than allocating
/// (and faulting in) a fresh buffer per chunk.
#[derive(Debug, Default)]
struct BufferPool(Mutex<Vec<ChunkData>>);

/// Buffers a pool keeps at most; more are freed.
const POOLED_BUFFERS: usize = 8;

impl BufferPool {
    fn take(&self) -> ChunkData {
        self.0.lock().ok().and_then(|mut buffers| buffers.pop()).unwrap_or_default()
    }

    fn give(&self, mut buffer: ChunkData) {
        buffer.truncate(0);
        if let Ok(mut buffers) = self.0.lock()
            && buffers.len() < POOLED_BUFFERS
        {
            buffers.push(buffer);
        }
    }
}

/// Reads chunks from a stream: checks its encoding, skips a byte-order mark, cuts after the
/// last line break, and tracks where each chunk starts.
struct ChunkReader<R> {
    reader: R,
    name: Arc<str>,
    /// How much one read asks for: it starts small and doubles, up to the chunk size, each time
    /// a read brings all it asked.
    read_size: usize,
    chunk_bytes: usize,
    /// What followed the last line break of the previous read, for the next chunk.
    carry: Vec<u8>,
    pool: Arc<BufferPool>,
    next_at: Position,
    index: u64,
    started: bool,
    ended: bool,
}

impl<R: Read> ChunkReader<R> {
    fn new(reader: R, name: Arc<str>, chunk_bytes: usize, pool: Arc<BufferPool>) -> Self {
        ChunkReader {
            reader,
            name,
            read_size: chunk_bytes.clamp(1, FIRST_READ),
            chunk_bytes: chunk_bytes.max(1),
            carry: Vec::new(),
            pool,
            next_at: Position::START,
            index: 0,
            started: false,
            ended: false,
        }
    }

    /// The next chunk, or `None` after the last one.
    fn next_chunk(&mut self) -> Result<Option<Chunk>, InputError> {
        if self.ended {
            return Ok(None);
        }
        let mut data = self.pool.take();
        data.extend_from_slice(&self.carry);
        self.carry.clear();
        let at_eof = loop {
            let at_eof = self.fill(&mut data)?;
            if self.started || at_eof {
                break at_eof;
            }
            // Wait for enough bytes to recognise the encoding.
            if data.len() >= 8 {
                break false;
            }
        };
        if !self.started {
            self.started = true;
            self.check_start(&mut data)?;
        }
        if !at_eof && let Some(last) = memchr::memrchr(b'\n', &data) {
            self.carry.extend_from_slice(data.get(last + 1..).unwrap_or_default());
            data.truncate(last + 1);
        }
        let base = self.next_at;
        let end = base.advanced_over(&data);
        self.next_at = end;
        self.ended = at_eof;
        let index = self.index;
        self.index += 1;
        Ok(Some(Chunk { index, data, base, end, at_eof }))
    }

    fn check_start(&mut self, data: &mut ChunkData) -> Result<(), InputError> {
        if let Some((encoding, iconv)) = unsupported_encoding(data) {
            return Err(InputError::Encoding { path: self.name.to_string(), encoding, iconv });
        }
        if data.starts_with(UTF8_BOM) {
            data.drain_front(UTF8_BOM.len());
            self.next_at.offset = UTF8_BOM.len() as u64;
        }
        Ok(())
    }

    /// Reads once, straight after what `data` holds; returns whether the input has ended.
    fn fill(&mut self, data: &mut ChunkData) -> Result<bool, InputError> {
        loop {
            match self.reader.read(data.spare(self.read_size)) {
                Ok(n) => {
                    data.len += n.min(self.read_size);
                    if n >= self.read_size && self.read_size < self.chunk_bytes {
                        self.read_size = (self.read_size * 2).min(self.chunk_bytes);
                    }
                    return Ok(n == 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => return Err(InputError::Unreadable { path: self.name.to_string(), source }),
            }
        }
    }
}

/// Checks the stream `reader` named `name`, handing results to `on_batch` in input order.
///
/// With more than one thread, the reading and the scanning run on threads of their own that are
/// not waited for when `on_batch` fails (as on Ctrl-C): a read blocked on silent input (a pipe
/// that stays open) must not keep the run from ending. Such a thread ends when its read returns.
pub fn check_stream(
    name: Arc<str>,
    reader: impl Read + Send + 'static,
    options: &AssessOptions,
    parallelism: Parallelism,
    on_batch: &mut dyn FnMut(Vec<CheckResult>) -> io::Result<()>,
) -> Result<(), StreamError> {
    let pool = Arc::new(BufferPool::default());
    let mut chunks = ChunkReader::new(reader, name.clone(), parallelism.chunk_bytes, pool.clone());
    let mut merger = Merger::new(options, name.clone(), pool);
    if parallelism.threads <= 1 {
        while let Some(chunk) = chunks.next_chunk().map_err(StreamError::Input)? {
            let mut written = Ok(());
            scan_chunk(chunk, options, &name, &mut |report| {
                written = merger.take(report, on_batch);
                written.is_ok()
            });
            written.map_err(StreamError::Output)?;
        }
        return Ok(());
    }
    check_in_parallel(chunks, merger, options, parallelism.threads, on_batch)
}

/// What the reader thread and the workers send the merging thread.
struct Envelope {
    /// The chunk's index and the piece's place in it.
    order: (u64, u32),
    report: Result<ChunkReport, InputError>,
    /// Dropped once the piece is merged, which tells its worker it may go on.
    _merged: Option<SyncSender<()>>,
}

fn check_in_parallel<R: Read + Send + 'static>(
    mut chunks: ChunkReader<R>,
    mut merger: Merger<'_>,
    options: &AssessOptions,
    threads: usize,
    on_batch: &mut dyn FnMut(Vec<CheckResult>) -> io::Result<()>,
) -> Result<(), StreamError> {
    // The bytes and results in flight are bounded in total, not per thread: more workers than
    // chunks in flight would only wait.
    let in_flight = (threads * CHUNKS_PER_WORKER).min(CHUNKS_IN_FLIGHT);
    let threads = threads.min(in_flight);
    let (permit_tx, permit_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        // The channel has room for every permit.
        let _ = permit_tx.send(());
    }
    let (job_tx, job_rx) = sync_channel::<Chunk>(in_flight);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (report_tx, report_rx) = std::sync::mpsc::channel::<Envelope>();
    let name = chunks.name.clone();
    // A thread that cannot be started (a memory or process limit) leaves fewer workers; with
    // none at all, the run cannot go on.
    let mut workers = 0;
    for _ in 0..threads {
        let (jobs, reports, name, options) = (Arc::clone(&job_rx), report_tx.clone(), name.clone(), options.clone());
        match std::thread::Builder::new().spawn(move || work(&jobs, &reports, &options, &name)) {
            Ok(_) => workers += 1,
            Err(_) => break,
        }
    }
    if workers == 0 {
        return Err(StreamError::Threads(io::Error::other("no worker thread could be started")));
    }
    let reader_reports = report_tx.clone();
    std::thread::Builder::new()
        .spawn(move || read_chunks(&mut chunks, &permit_rx, &job_tx, &reader_reports))
        .map_err(StreamError::Threads)?;
    drop(report_tx);
    // Dropping the permits and the reports on the way out tells the reader and the workers to
    // stop, even when the merge ended early.
    merge_in_order(&mut merger, &report_rx, &permit_tx, on_batch)
}

/// The reader thread: one chunk per permit, until the input ends or nobody listens.
fn read_chunks<R: Read>(
    chunks: &mut ChunkReader<R>,
    permits: &Receiver<()>,
    jobs: &SyncSender<Chunk>,
    reports: &std::sync::mpsc::Sender<Envelope>,
) {
    loop {
        if permits.recv().is_err() {
            return;
        }
        let index = chunks.index;
        match chunks.next_chunk() {
            Ok(Some(chunk)) => {
                if jobs.send(chunk).is_err() {
                    return;
                }
            }
            Ok(None) => return,
            Err(error) => {
                let _ = reports.send(Envelope { order: (index, 0), report: Err(error), _merged: None });
                return;
            }
        }
    }
}

/// A worker thread: scans chunks until there are no more.
fn work(
    jobs: &Mutex<Receiver<Chunk>>,
    reports: &std::sync::mpsc::Sender<Envelope>,
    options: &AssessOptions,
    name: &Arc<str>,
) {
    loop {
        let next = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        let Ok(chunk) = next else { return };
        let mut hung_up = false;
        // The previous piece's signal: waiting on it before going past the next piece keeps at
        // most two pieces of this chunk waiting to be merged.
        let mut previous: Option<Receiver<()>> = None;
        scan_chunk(chunk, options, name, &mut |report| {
            let (merged, on_merge) = sync_channel(1);
            let (order, last_piece) = ((report.chunk.index, report.piece), report.last_piece);
            let envelope = Envelope { order, report: Ok(report), _merged: (!last_piece).then_some(merged) };
            hung_up = reports.send(envelope).is_err();
            if let Some(previous) = previous.take() {
                // Ends when the piece is merged, or the merge ended early; either way, go on.
                let _ = previous.recv();
            }
            previous = (!last_piece).then_some(on_merge);
            !hung_up
        });
        if hung_up {
            return;
        }
    }
}

/// The calling thread: puts reports back in order and hands their results on.
fn merge_in_order(
    merger: &mut Merger<'_>,
    reports: &Receiver<Envelope>,
    permits: &SyncSender<()>,
    on_batch: &mut dyn FnMut(Vec<CheckResult>) -> io::Result<()>,
) -> Result<(), StreamError> {
    let mut waiting: BTreeMap<(u64, u32), Envelope> = BTreeMap::new();
    let mut next = (0, 0);
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
                return Ok(());
            }
            next = (next.0 + 1, 0);
            // The reader may have ended already; a permit nobody takes is harmless.
            let _ = permits.try_send(());
        }
    }
    Ok(())
}

/// Checks an in-memory input on the calling thread; all its results at once.
pub fn check_bytes(name: &str, bytes: &[u8], options: &AssessOptions) -> Vec<CheckResult> {
    check_bytes_with(name, bytes, options, Parallelism::default())
}

/// Checks an in-memory input cut and spread as `parallelism` says; all its results at once.
pub fn check_bytes_with(
    name: &str,
    bytes: &[u8],
    options: &AssessOptions,
    parallelism: Parallelism,
) -> Vec<CheckResult> {
    let mut results = Vec::new();
    let outcome = check_stream(Arc::from(name), io::Cursor::new(bytes.to_vec()), options, parallelism, &mut |batch| {
        results.extend(batch);
        Ok(())
    });
    // Reading a slice cannot fail and the consumer above never does; an unsupported encoding
    // yields no results.
    drop(outcome);
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature(results: &[CheckResult]) -> Vec<String> {
        results.iter().map(|r| format!("{:?} {:?} {:?} {:?}", r.source, r.status, r.reasons, r.findings)).collect()
    }

    const MIXED: &str = concat!(
        "log {x} line\n",
        "{\"customerId\":\"67460a9995516d9a553aa95b\",\"faceMatch\":false,\"recognitionConfidence\":{},",
        "\"overallScore\":0,\"overallStatus\":\"FAIL\"}\n",
        "pretty:\n{\n  \"customerId\": \"67460a9995516d9a553aa95b\",\n  \"faceMatch\": true,\n",
        "  \"recognitionConfidence\": {\"confidence\": 0.9, \"candidates\": []},\n",
        "  \"overallScore\": 0.9,\n  \"overallStatus\": \"PASS\"\n}\n",
        "broken {\"customerId\": \"a\",\n}{\"faceMatch\":true}\n",
        "[{\"overallStatus\":\"PASS\"}, {\"overallStatus\":\"FAIL\"}]\n",
        "{\"log\":\"{\\\"overallStatus\\\":\\\"FAIL\\\"}\"}\n",
    );

    #[test]
    fn results_do_not_depend_on_chunk_size_or_threads() {
        let options = AssessOptions::default();
        let whole = check_bytes("t", MIXED.as_bytes(), &options);
        assert_eq!(whole.len(), 7);
        for chunk_bytes in [1, 2, 3, 5, 7, 16, 31, 64, 100] {
            for threads in [1, 3] {
                let split = check_bytes_with("t", MIXED.as_bytes(), &options, Parallelism { threads, chunk_bytes });
                assert_eq!(signature(&split), signature(&whole), "chunk {chunk_bytes}, threads {threads}");
            }
        }
    }

    #[test]
    fn an_oversized_value_across_chunks_is_reported_once() {
        let options = AssessOptions {
            scan: crate::scan::ScanOptions { max_payload_bytes: 64, ..Default::default() },
            ..Default::default()
        };
        let text = format!("{{\"note\": \"{}\"}}\n{{\"overallStatus\":\"PASS\"}}\n", "x".repeat(200));
        for chunk_bytes in [8, 50, 1000] {
            let results = check_bytes_with("t", text.as_bytes(), &options, Parallelism { threads: 2, chunk_bytes });
            let rules: Vec<_> = results.iter().map(|r| r.findings.first().map(|f| f.rule.id())).collect();
            assert_eq!(rules.first(), Some(&Some("too-large")), "chunk {chunk_bytes}");
            assert_eq!(results.len(), 2, "chunk {chunk_bytes}");
        }
    }

    #[test]
    fn a_chunk_dense_with_findings_is_handed_on_in_pieces_with_the_same_results() {
        let options = AssessOptions::default();
        let text = "{\"a{\"\n".repeat(10_000) + MIXED;
        let small_chunks =
            check_bytes_with("t", text.as_bytes(), &options, Parallelism { threads: 1, chunk_bytes: 4000 });
        assert_eq!(small_chunks.len(), 10_007);
        let mut pieces = 0;
        let chunk = Chunk {
            index: 0,
            data: text.clone().into_bytes().into(),
            base: Position::START,
            end: Position::START.advanced_over(text.as_bytes()),
            at_eof: true,
        };
        scan_chunk(chunk, &options, &Arc::from("t"), &mut |report| {
            assert!(report.results.len() < 2 * RESULTS_PER_PIECE);
            pieces += 1;
            true
        });
        assert!(pieces >= 3, "{pieces} pieces");
        for threads in [1, 2, 3] {
            let whole = check_bytes_with("t", text.as_bytes(), &options, Parallelism { threads, chunk_bytes: 1 << 20 });
            assert_eq!(signature(&whole), signature(&small_chunks), "threads {threads}");
        }
    }
}
