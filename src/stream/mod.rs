//! Checking one stream, in bounded memory and on every core, with results in input order.
//!
//! The input is read in chunks, cut after their last line break where there is one. Each chunk
//! is scanned and assessed on its own, as if no value were open where it begins; that is true
//! whenever the previous chunk ended outside any value, which a cut at a line break almost
//! always gives. When a value does run across the cut, the chunks are put back together in
//! order: the value is finished by scanning across the seam, and the next chunk's own results
//! are kept from the first point where both scans agree that no value is open; where they never
//! agree, the rest of that chunk is scanned again in sequence. A line that runs from one chunk
//! (or piece, or seam) into the next carries its first bytes along, so the date-time it starts
//! with reaches every value on it. The outcome is the same whatever the chunk size and however
//! many threads run, which the tests check.
//!
//! Everything happens on the calling thread, chunk by chunk (so results follow input as it
//! arrives on a slow pipe), until the input proves longer than one chunk: a short input, from a
//! file, a pipe or a small compressed file, starts no thread. With one thread it stays so. With
//! more, from there on a reader thread feeds chunks to worker threads and the calling thread puts
//! their results back in order; at most [`CHUNKS_IN_FLIGHT`] chunks
//! are in flight whatever the thread count, which bounds memory. A chunk dense with findings (a
//! broken value every few bytes) is handed on in pieces of a bounded number of results, and its
//! worker waits for the pieces to be merged; the merge, too, hands results on a bounded number at
//! a time; so memory stays bounded by results too, not only by bytes. The reader and the workers
//! are not waited for when the merge ends early (Ctrl-C, a closed output): a read blocked on
//! silent input must not hold the run.

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

mod chunks;
mod merge;
mod pieces;

use crate::assess::{AssessOptions, CheckResult};
use crate::input::InputError;
use crate::limits::CHUNKS_IN_FLIGHT;

pub use chunks::READ_CHUNK;
use chunks::{BufferPool, Chunk, ChunkReader};
use merge::{Merger, merge_in_order};
use pieces::{ChunkReport, scan_chunk};

/// Chunks in flight per worker thread, up to [`CHUNKS_IN_FLIGHT`] in all.
const CHUNKS_PER_WORKER: usize = 2;

/// Why checking a stream stopped early.
#[derive(Debug)]
pub enum StreamError {
    /// Reading the input failed.
    Input(InputError),
    /// The consumer of results failed (writing the report).
    Output(io::Error),
}

/// How a stream is cut and spread over threads.
#[derive(Debug, Clone, Copy)]
pub struct Parallelism {
    /// Worker threads for an input longer than one chunk (a shorter one is checked on the calling
    /// thread); 1 checks every input on the calling thread; 0 is one per core the process may run
    /// on, asked of the system only when an input needs it, and once.
    pub threads: usize,
    /// Bytes asked of the reader at a time.
    pub chunk_bytes: usize,
}

impl Default for Parallelism {
    fn default() -> Self {
        Parallelism { threads: 1, chunk_bytes: READ_CHUNK }
    }
}

impl Parallelism {
    /// The worker threads an input longer than one chunk is spread over, at least one.
    fn worker_threads(self) -> usize {
        match self.threads {
            0 => {
                static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
                // The standard library reads three files under `/proc` and `/sys` to answer.
                *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
            }
            threads => threads,
        }
    }
}

/// Checks the stream `reader` named `name`, handing results to `on_batch` in input order.
///
/// The stream is checked on the calling thread until more than `parallelism.chunk_bytes` of it
/// have been read. From there, unless `parallelism.threads` is 1, the reading and the scanning
/// run on threads of their own that are not waited for when `on_batch` fails (as on Ctrl-C): a
/// read blocked on silent input (a pipe that stays open) must not keep the run from ending. Such
/// a thread ends when its read returns.
///
/// ```
/// use std::io::Cursor;
/// use std::sync::Arc;
///
/// use authhook::assess::AssessOptions;
/// use authhook::contract::{Status, samples};
/// use authhook::stream::{Parallelism, check_stream};
///
/// // Two payloads as NDJSON, one per line.
/// let compact = |name| samples::find(name).map(|sample| sample.compact()).unwrap_or_default();
/// let ndjson = format!("{}\n{}\n", compact("pass"), compact("spoof"));
///
/// let (reader, options) = (Cursor::new(ndjson.into_bytes()), AssessOptions::default());
/// let mut seen = Vec::new();
/// check_stream(Arc::from("capture.ndjson"), reader, &options, Parallelism::default(), &mut |batch| {
///     seen.extend(batch.into_iter().map(|result| (result.source.line, result.status)));
///     Ok(())
/// })?;
/// assert_eq!(seen, [(1, Some(Status::Pass)), (2, Some(Status::Fail))]);
/// # Ok::<(), authhook::stream::StreamError>(())
/// ```
pub fn check_stream(
    name: Arc<str>,
    reader: impl Read + Send + 'static,
    options: &AssessOptions,
    parallelism: Parallelism,
    on_batch: &mut dyn FnMut(Vec<CheckResult>) -> io::Result<()>,
) -> Result<(), StreamError> {
    let pool = Arc::new(BufferPool::new(parallelism.chunk_bytes));
    let mut chunks = ChunkReader::new(reader, name.clone(), parallelism.chunk_bytes, pool.clone());
    let mut merger = Merger::new(options, name.clone(), pool);
    // Starting threads costs more than checking a chunk: they wait until the input has shown it
    // is longer than one.
    let mut spread = parallelism.threads != 1;
    while let Some(chunk) = chunks.next_chunk().map_err(StreamError::Input)? {
        let mut written = Ok(());
        scan_chunk(chunk, options, &name, &mut |report| {
            written = merger.take(report, on_batch);
            written.is_ok()
        });
        written.map_err(StreamError::Output)?;
        // Where the next chunk starts is how much of the input has been read.
        if spread && chunks.next_at.offset > parallelism.chunk_bytes as u64 && !chunks.ended {
            match start_threads(chunks, options, parallelism.worker_threads()) {
                Start::Running(running) => {
                    // Dropping the permits and the reports on the way out tells the reader and
                    // the workers to stop, even when the merge ended early.
                    return merge_in_order(&mut merger, running.first, &running.reports, &running.permits, on_batch);
                }
                // The threads could not be started (a memory or process limit): the rest is
                // checked here, as with one thread.
                Start::Refused(unstarted) => (chunks, spread) = (*unstarted, false),
            }
        }
    }
    chunks.take_failure().map_or(Ok(()), |failure| Err(StreamError::Input(failure)))
}

/// What the reader thread and the workers send the merging thread.
struct Envelope {
    /// The chunk's index and the piece's place in it.
    order: (u64, u32),
    report: Result<ChunkReport, InputError>,
    /// Dropped once the piece is merged, which tells its worker it may go on.
    _merged: Option<SyncSender<()>>,
}

/// The reader thread and the workers at work on the rest of a stream, from chunk `first` on.
struct Running {
    first: u64,
    reports: Receiver<Envelope>,
    permits: SyncSender<()>,
}

/// What asking for the threads came to.
enum Start<R> {
    Running(Running),
    /// No worker, or not the reader, could be started: the stream's reader is handed back.
    Refused(Box<ChunkReader<R>>),
}

/// Starts up to `threads` workers and a reader thread that goes on reading `chunks`; gives
/// `chunks` back when no worker, or not the reader, could be started (the workers started then
/// end, their jobs' channel closed).
fn start_threads<R: Read + Send + 'static>(
    chunks: ChunkReader<R>,
    options: &AssessOptions,
    threads: usize,
) -> Start<R> {
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
    // A thread that cannot be started leaves fewer workers.
    let mut workers = 0;
    for _ in 0..threads {
        // Each worker names its results with a copy of its own: every result holds a reference,
        // and workers counting references on one shared name contend for its cache line.
        let (jobs, reports, name, options) =
            (Arc::clone(&job_rx), report_tx.clone(), Arc::from(&*chunks.name), options.clone());
        match std::thread::Builder::new().spawn(move || work(&jobs, &reports, &options, &name)) {
            Ok(_) => workers += 1,
            Err(_) => break,
        }
    }
    if workers == 0 {
        return Start::Refused(Box::new(chunks));
    }
    // The reader is handed `chunks` once it runs, so that they are not lost with a thread that
    // could not be started.
    let (hand_tx, hand_rx) = sync_channel::<ChunkReader<R>>(1);
    let reader_reports = report_tx.clone();
    let started = std::thread::Builder::new().spawn(move || {
        if let Ok(mut chunks) = hand_rx.recv() {
            read_chunks(&mut chunks, &permit_rx, &job_tx, &reader_reports);
        }
    });
    if started.is_err() {
        return Start::Refused(Box::new(chunks));
    }
    let first = chunks.index;
    // The reader waits for this one message, for which the channel has room.
    let _ = hand_tx.send(chunks);
    Start::Running(Running { first, reports: report_rx, permits: permit_tx })
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
                // The input ended in a failed read: its failure goes to the merging thread
                // before the last chunk goes to a worker, so that it is there when that chunk
                // is merged.
                if let Some(failure) = chunks.take_failure() {
                    let order = (chunks.index, 0);
                    let _ = reports.send(Envelope { order, report: Err(failure), _merged: None });
                }
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
        // most two pieces of this chunk waiting to be merged. After the last piece there is
        // nothing of this chunk left to go past, so the worker goes on to the next chunk (whose
        // number the permits bound) rather than wait for the chunks before this one to merge.
        let mut previous: Option<Receiver<()>> = None;
        scan_chunk(chunk, options, name, &mut |report| {
            let (merged, on_merge) = sync_channel(1);
            let (order, last_piece) = ((report.chunk.index, report.piece), report.last_piece);
            let envelope = Envelope { order, report: Ok(report), _merged: (!last_piece).then_some(merged) };
            hung_up = reports.send(envelope).is_err();
            if let Some(previous) = previous.take().filter(|_| !last_piece) {
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

/// Checks an in-memory input on the calling thread; all its results at once.
///
/// ```
/// use authhook::assess::AssessOptions;
///
/// let capture = b"12:00:01 {\"overallStatus\":\"FAIL\",\"faceMatch\":false}
/// 12:00:02 nothing here
/// 12:00:03 {\"overallStatus\":\"FAIL\",\"faceMatch\":fals";
/// let results = authhook::stream::check_bytes("capture.log", capture, &AssessOptions::default());
/// assert_eq!(results.len(), 2);
/// assert_eq!(results.iter().filter(|result| result.valid).count(), 0);
/// let rules: Vec<&str> = results[1].findings.iter().map(|finding| finding.rule.id()).collect();
/// assert_eq!(rules, ["syntax"]);
/// ```
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
    use crate::scan::position::Position;
    use pieces::RESULTS_PER_PIECE;

    fn signature(results: &[CheckResult]) -> Vec<String> {
        results
            .iter()
            .map(|r| format!("{:?} {:?} {:?} {:?} {:?}", r.source, r.captured_at, r.status, r.reasons, r.findings))
            .collect()
    }

    /// Hands over its pieces one read at a time, then fails, as a stream that breaks off does.
    struct BreaksOff(std::collections::VecDeque<Vec<u8>>);

    impl Read for BreaksOff {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let Some(mut piece) = self.0.pop_front() else { return Err(io::Error::other("the stream broke off")) };
            let n = piece.len().min(buf.len());
            buf[..n].copy_from_slice(&piece[..n]);
            if n < piece.len() {
                self.0.push_front(piece.split_off(n));
            }
            Ok(n)
        }
    }

    #[test]
    fn what_came_before_a_failed_read_is_checked_and_the_failure_told_at_any_thread_count() {
        let payload = crate::contract::samples::find("pass").map(|sample| sample.compact()).unwrap_or_default();
        let (head, tail) = payload.split_at(payload.len() / 2);
        for threads in [1, 2, 3] {
            for (pieces, statuses) in [
                (vec![head.as_bytes().to_vec(), tail.as_bytes().to_vec(), b"\n".to_vec()], vec!["PASS"]),
                (vec![head.as_bytes().to_vec(), tail.as_bytes().to_vec()], vec!["PASS"]),
                (vec![b"{}\n".to_vec(), head.as_bytes().to_vec()], vec!["none"]),
            ] {
                let reader = BreaksOff(pieces.into());
                let mut seen = Vec::new();
                let outcome = check_stream(
                    Arc::from("broken"),
                    reader,
                    &AssessOptions::default(),
                    Parallelism { threads, chunk_bytes: 64 },
                    &mut |batch| {
                        seen.extend(batch.into_iter().map(|r| r.status.map_or("none", |s| s.name())));
                        Ok(())
                    },
                );
                assert!(matches!(outcome, Err(StreamError::Input(_))), "{threads} threads: {outcome:?}");
                assert_eq!(seen, statuses, "{threads} threads");
            }
        }
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
    fn a_quote_escaped_by_the_byte_before_a_cut_stays_escaped() {
        // The quote at offset 9 is escaped by the backslash before it, so the `{` after it does
        // not open an encoded object; a cut between the two (a read that ends there) must not
        // make it one.
        let text = b"v\x16{\\\\\"'%\\\"{\\\\\"'%\\\"";
        for lenient in [false, true] {
            let mut options = AssessOptions::default();
            options.scan.lenient = lenient;
            let whole = check_bytes("t", text, &options);
            for chunk_bytes in 1..=text.len() {
                for threads in [1, 3] {
                    let split = check_bytes_with("t", text, &options, Parallelism { threads, chunk_bytes });
                    assert_eq!(signature(&split), signature(&whole), "chunk {chunk_bytes}, threads {threads}");
                }
            }
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_in_joined_records_are_placed_where_they_stand() {
        let cri = [
            b"2026-11-28T12:00:36Z stdout P {\"customerId\": \"666eab5555888d45ba7a999a\", \"chi".as_slice(),
            b"\n2026-11-28T12:00:37Z stdout F \xff\xfe\xc0\x80\xff\xfe\xc0\x80ldren\": []\n}\n{\n  \"a\": 1\n}\n",
        ]
        .concat();
        let options = AssessOptions::default();
        let whole = check_bytes("t", &cri, &options);
        let placed: Vec<(u64, u64, &str)> =
            whole.iter().flat_map(|r| &r.findings).map(|f| (f.line, f.column, f.rule.id())).collect();
        // The first byte that is not UTF-8, just after the second record's prefix.
        assert_eq!(placed.first(), Some(&(2, 31, "syntax")), "{placed:?}");
        for chunk_bytes in 1..120 {
            let split = check_bytes_with("t", &cri, &options, Parallelism { threads: 1, chunk_bytes });
            assert_eq!(signature(&split), signature(&whole), "chunk {chunk_bytes}");
        }
    }

    /// Lines that start with a date-time, in every way a line can be cut from the next.
    const STAMPED: &str = concat!(
        "2026-11-25T10:00:00.123Z INFO body={\"overallStatus\":\"PASS\",\"faceMatch\":true}\n",
        "2026-11-25 10:00:01 WARN pretty {\n  \"overallStatus\": \"FAIL\",\n  \"faceMatch\": false\n}\n",
        "{\"overallStatus\":\"FAIL\"} a line of its own, with no date-time\n",
        "2026-11-25T10:00:02+01:00 a line that ends with a CR {\"overallStatus\":\"PASS\"}\r",
        "2026-11-25T10:00:03Z two on a line {\"overallStatus\":\"PASS\"} {\"overallStatus\":\"FAIL\"}\r\n",
        "{\"log\":\"2026-11-25T10:00:04Z {\\\"overallStatus\\\":\\\"PASS\\\"}\\n\",\"time\":\"2026-11-25T10:00:04.5Z\"}\n",
        "{\"log\":\"{\\\"overallStatus\\\":\\\"PASS\\\"}\\n\",\"time\":\"2026-11-25T10:00:05.5Z\"}\n",
        "2026-11-25T10:00:06Z broken {\"overallStatus\": tru\n",
    );

    #[test]
    fn the_date_time_a_line_starts_with_does_not_depend_on_chunk_size_or_threads() {
        let options = AssessOptions::default();
        let whole = check_bytes("t", STAMPED.as_bytes(), &options);
        let stamps: Vec<Option<&str>> = whole.iter().map(|r| r.captured_at.as_deref()).collect();
        assert_eq!(
            stamps,
            [
                Some("2026-11-25T10:00:00.123Z"),
                Some("2026-11-25 10:00:01"),
                None,
                Some("2026-11-25T10:00:02+01:00"),
                Some("2026-11-25T10:00:03Z"),
                Some("2026-11-25T10:00:03Z"),
                // The line in docker's `log` is nearer the payload than the record's `time`.
                Some("2026-11-25T10:00:04Z"),
                Some("2026-11-25T10:00:05.5Z"),
                Some("2026-11-25T10:00:06Z"),
            ]
        );
        for chunk_bytes in [1, 2, 3, 5, 7, 16, 31, 64, 100] {
            for threads in [1, 3] {
                let split = check_bytes_with("t", STAMPED.as_bytes(), &options, Parallelism { threads, chunk_bytes });
                assert_eq!(signature(&split), signature(&whole), "chunk {chunk_bytes}, threads {threads}");
            }
        }
    }

    #[test]
    fn a_line_longer_than_a_chunk_and_cut_into_pieces_keeps_its_date_time() {
        let options = AssessOptions::default();
        let line = format!("2026-11-25T10:00:00Z {}\n", "{\"overallStatus\":\"PASS\"} ".repeat(3 * RESULTS_PER_PIECE));
        for chunk_bytes in [997, 4000, 20_000, 1 << 20] {
            for threads in [1, 2, 3] {
                let results = check_bytes_with("t", line.as_bytes(), &options, Parallelism { threads, chunk_bytes });
                assert_eq!(results.len(), 3 * RESULTS_PER_PIECE);
                let unstamped = results.iter().filter(|r| r.captured_at.as_deref() != Some("2026-11-25T10:00:00Z"));
                assert_eq!(unstamped.count(), 0, "chunk {chunk_bytes}, threads {threads}");
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
            data: chunks::ChunkData { len: text.len(), buffer: text.clone().into_bytes() }.into(),
            base: Position::START,
            end: Position::START.advanced_over(text.as_bytes()),
            at_eof: true,
            line_head: crate::scan::position::LineHead::default(),
        };
        scan_chunk(chunk, &options, &Arc::from("t"), &mut |report| {
            assert!(report.results.len() < 2 * RESULTS_PER_PIECE);
            pieces += 1;
            true
        });
        assert!(pieces >= 3, "{pieces} pieces");
        // Chunks of 16,000 bytes hold over 2,600 results each; the input is long enough for the
        // workers to start after the first of them.
        for (threads, chunk_bytes) in [(1, 1 << 20), (2, 1 << 20), (2, 16_000), (3, 16_000)] {
            let whole = check_bytes_with("t", text.as_bytes(), &options, Parallelism { threads, chunk_bytes });
            assert_eq!(signature(&whole), signature(&small_chunks), "threads {threads}, chunk {chunk_bytes}");
        }
    }

    /// Reads `data` in pieces of at most `piece` bytes, noting which thread asked for each.
    struct NotingReader {
        data: io::Cursor<Vec<u8>>,
        piece: usize,
        readers: Arc<Mutex<Vec<std::thread::ThreadId>>>,
    }

    impl Read for NotingReader {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if let Ok(mut readers) = self.readers.lock() {
                readers.push(std::thread::current().id());
            }
            let len = buf.len().min(self.piece);
            self.data.read(&mut buf[..len])
        }
    }

    #[test]
    fn threads_start_only_once_the_input_is_longer_than_a_chunk() {
        let options = AssessOptions::default();
        let line = crate::contract::samples::find("pass").map(|sample| sample.compact() + "\n").unwrap_or_default();
        let whole = check_bytes("t", line.repeat(40).as_bytes(), &options);
        assert_eq!(whole.len(), 40);
        let here = std::thread::current().id();
        // (copies of the line, chunk size, threads, whether a thread other than this one reads)
        for (copies, chunk_bytes, threads, elsewhere) in [
            (1, 1 << 18, 2, false),
            (40, line.len() * 40, 2, false),
            (40, line.len() * 40 - 1, 2, true),
            (40, line.len() * 4, 0, true),
            (40, line.len() * 4, 1, false),
        ] {
            let readers = Arc::new(Mutex::new(Vec::new()));
            let reader = NotingReader {
                data: io::Cursor::new(line.repeat(copies).into_bytes()),
                piece: 300,
                readers: readers.clone(),
            };
            let mut results = Vec::new();
            let outcome =
                check_stream(Arc::from("t"), reader, &options, Parallelism { threads, chunk_bytes }, &mut |batch| {
                    results.extend(batch);
                    Ok(())
                });
            assert!(outcome.is_ok(), "{outcome:?}");
            let case = format!("{copies} copies, chunk {chunk_bytes}, {threads} threads");
            assert_eq!(signature(&results), signature(whole.get(..copies).unwrap_or_default()), "{case}");
            let readers = readers.lock().map(|readers| readers.clone()).unwrap_or_default();
            assert_eq!(readers.first(), Some(&here), "{case}");
            assert_eq!(readers.iter().any(|reader| *reader != here), elsewhere, "{case}");
        }
    }
}
