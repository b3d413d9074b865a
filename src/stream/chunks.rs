//! Reading a stream into chunks: its encoding checked, a byte-order mark skipped, each chunk cut
//! after its last line break, read into pooled buffers with no copy, and shared by the pieces
//! its scan hands on.

use std::io::{self, Read};
use std::sync::{Arc, Mutex};

use crate::input::{InputError, unsupported_encoding};
use crate::scan::position::{LineHead, Position};

/// How many bytes are read at a time, and the size a chunk aims for.
pub const READ_CHUNK: usize = 1 << 18;

/// The size of the first read of a stream; small inputs need no more. Reads double from there
/// while they come back full; room a buffer grows by is zeroed (and so faulted in) before the
/// read, which for a one-payload run costs more than the few extra reads a large input takes.
pub(super) const FIRST_READ: usize = 1 << 13;

pub(super) const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// A piece of the input and where it starts.
pub(super) struct Chunk {
    pub(super) index: u64,
    pub(super) data: SharedBytes,
    /// Where `data` starts, and where it ends.
    pub(super) base: Position,
    pub(super) end: Position,
    pub(super) at_eof: bool,
    /// How the line `data` starts in begins, when it began in an earlier chunk (a line longer
    /// than a chunk); empty when `data` starts a line.
    pub(super) line_head: LineHead,
}

/// A chunk's bytes: the first `len` bytes of a buffer that stays initialized as it goes round
/// through the pool, so that input is read straight into it, with no zeroing and no copy.
#[derive(Debug, Default)]
pub(super) struct ChunkData {
    pub(super) buffer: Vec<u8>,
    pub(super) len: usize,
}

impl std::ops::Deref for ChunkData {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.buffer.get(..self.len).unwrap_or_default()
    }
}

/// A chunk's bytes, or a stretch of them that a piece of the chunk covers: the pieces of a chunk
/// share its buffer rather than each copying its stretch, and the buffer goes back to the pool
/// when the last of them is done with.
#[derive(Debug)]
pub(super) struct SharedBytes {
    buffer: Arc<ChunkData>,
    start: usize,
    end: usize,
}

impl std::ops::Deref for SharedBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.buffer.get(self.start..self.end).unwrap_or_default()
    }
}

impl From<ChunkData> for SharedBytes {
    fn from(data: ChunkData) -> Self {
        SharedBytes { end: data.len, start: 0, buffer: Arc::new(data) }
    }
}

impl SharedBytes {
    /// The stretch `from..to` of these bytes, sharing their buffer.
    pub(super) fn stretch(&self, from: usize, to: usize) -> Self {
        let end = self.start.saturating_add(to).min(self.end);
        let start = self.start.saturating_add(from).min(end);
        SharedBytes { buffer: Arc::clone(&self.buffer), start, end }
    }

    /// The whole buffer, when nothing else shares it any more.
    pub(super) fn into_buffer(self) -> Option<ChunkData> {
        Arc::try_unwrap(self.buffer).ok()
    }
}

impl ChunkData {
    /// Room for `more` bytes after the data, zeroed only where the buffer grows.
    pub(super) fn spare(&mut self, more: usize) -> &mut [u8] {
        let end = self.len + more;
        if self.buffer.len() < end {
            self.buffer.resize(end, 0);
        }
        self.buffer.get_mut(self.len..end).unwrap_or_default()
    }

    pub(super) fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.spare(bytes.len()).copy_from_slice(bytes);
        self.len += bytes.len();
    }

    pub(super) fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// Removes the first `count` bytes: the rest moves to the front, in the same buffer.
    pub(super) fn drain_front(&mut self, count: usize) {
        let count = count.min(self.len);
        self.buffer.copy_within(count..self.len, 0);
        self.len -= count;
    }
}

/// Chunk buffers handed back once merged, so that reading reuses them rather than allocating
/// (and faulting in) a fresh buffer per chunk. Only buffers that hold a whole chunk are kept: a
/// smaller one (a short input's) would have to grow, and copy, to be read into.
#[derive(Debug)]
pub(super) struct BufferPool {
    buffers: Mutex<Vec<ChunkData>>,
    chunk_bytes: usize,
}

/// Buffers a pool keeps at most; more are freed.
pub(super) const POOLED_BUFFERS: usize = 8;

impl BufferPool {
    /// A pool for chunks of `chunk_bytes`.
    pub(super) fn new(chunk_bytes: usize) -> Self {
        BufferPool { buffers: Mutex::new(Vec::new()), chunk_bytes }
    }

    pub(super) fn take(&self) -> ChunkData {
        self.buffers.lock().ok().and_then(|mut buffers| buffers.pop()).unwrap_or_default()
    }

    pub(super) fn give(&self, mut buffer: ChunkData) {
        if buffer.buffer.len() < self.chunk_bytes {
            return;
        }
        buffer.truncate(0);
        if let Ok(mut buffers) = self.buffers.lock()
            && buffers.len() < POOLED_BUFFERS
        {
            buffers.push(buffer);
        }
    }
}

/// Reads chunks from a stream: checks its encoding, skips a byte-order mark, cuts after the
/// last line break, and tracks where each chunk starts.
pub(super) struct ChunkReader<R> {
    pub(super) reader: R,
    pub(super) name: Arc<str>,
    /// How much one read asks for: it starts small and doubles, up to the chunk size, each time
    /// a read brings all it asked.
    pub(super) read_size: usize,
    pub(super) chunk_bytes: usize,
    /// What followed the last line break of the previous read, for the next chunk.
    pub(super) carry: Vec<u8>,
    pub(super) pool: Arc<BufferPool>,
    pub(super) next_at: Position,
    /// The head of the line the next chunk starts in.
    pub(super) next_line_head: LineHead,
    pub(super) index: u64,
    pub(super) started: bool,
    pub(super) ended: bool,
    /// A read that failed: what came before it was handed on as the input's end (the last
    /// chunk), and the failure waits here for [`ChunkReader::take_failure`].
    failed: Option<InputError>,
}

impl<R: Read> ChunkReader<R> {
    pub(super) fn new(reader: R, name: Arc<str>, chunk_bytes: usize, pool: Arc<BufferPool>) -> Self {
        ChunkReader {
            reader,
            name,
            read_size: chunk_bytes.clamp(1, FIRST_READ),
            chunk_bytes: chunk_bytes.max(1),
            carry: Vec::new(),
            pool,
            next_at: Position::START,
            next_line_head: LineHead::default(),
            index: 0,
            started: false,
            ended: false,
            failed: None,
        }
    }

    /// The next chunk, or `None` after the last one.
    pub(super) fn next_chunk(&mut self) -> Result<Option<Chunk>, InputError> {
        if self.ended {
            return Ok(None);
        }
        let mut data = self.pool.take();
        data.extend_from_slice(&self.carry);
        self.carry.clear();
        let at_eof = loop {
            // A failed read ends the input there, as a cut would: what came before it is
            // checked (a value it cuts short is reported so), and the failure is told after it.
            let at_eof = self.fill(&mut data).unwrap_or_else(|failure| {
                self.failed = Some(failure);
                true
            });
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
        let line_head = self.next_line_head;
        self.next_line_head = line_head.after(&data);
        self.ended = at_eof;
        let index = self.index;
        self.index += 1;
        Ok(Some(Chunk { index, data: data.into(), base, end, at_eof, line_head }))
    }

    /// The failed read that ended the input, once its last chunk has been taken.
    pub(super) fn take_failure(&mut self) -> Option<InputError> {
        self.failed.take()
    }

    pub(super) fn check_start(&mut self, data: &mut ChunkData) -> Result<(), InputError> {
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
    pub(super) fn fill(&mut self, data: &mut ChunkData) -> Result<bool, InputError> {
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
