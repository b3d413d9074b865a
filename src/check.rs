//! Checking one stream: read it in chunks, scan each chunk, assess what was found, and hand the
//! results over a chunk at a time, so output can follow input as it arrives while memory stays
//! bounded by the chunk size plus the largest payload.

use std::io::{self, Read};
use std::sync::Arc;

use crate::assess::{AssessOptions, Assessor};
use crate::error::InputError;
use crate::input::unsupported_encoding;
use crate::position::{Locator, Position};
use crate::scan::Scanner;
use crate::verdict::CheckResult;

/// How many bytes are asked of the reader at a time.
pub const READ_CHUNK: usize = 256 * 1024;

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Why checking a stream stopped early.
#[derive(Debug)]
pub enum StreamError {
    /// Reading the input failed.
    Input(InputError),
    /// The consumer of results failed (writing the report).
    Output(io::Error),
}

/// Checks the stream `reader` named `name`, handing results to `on_batch` in input order, one
/// batch per chunk read.
pub fn check_stream(
    name: Arc<str>,
    mut reader: impl Read,
    options: &AssessOptions,
    on_batch: &mut dyn FnMut(Vec<CheckResult>) -> io::Result<()>,
) -> Result<(), StreamError> {
    let assessor = Assessor::new(options, name.clone());
    let mut scanner = Scanner::new(options.scan);
    let mut buf: Vec<u8> = Vec::with_capacity(READ_CHUNK);
    let mut at = Position::START;
    let mut first = true;
    loop {
        let at_eof = fill(&mut reader, &mut buf).map_err(|source| unreadable(&name, source))?;
        if first && (buf.len() >= 8 || at_eof) {
            first = false;
            if let Some((encoding, iconv)) = unsupported_encoding(&buf) {
                return Err(StreamError::Input(InputError::Encoding { path: name.to_string(), encoding, iconv }));
            }
            if buf.starts_with(UTF8_BOM) {
                buf.drain(..UTF8_BOM.len());
                at.offset = UTF8_BOM.len() as u64;
            }
        }
        if first {
            continue;
        }
        let scanned = scanner.scan(&buf, at_eof);
        let consumed = scanned.consumed;
        let mut locator = Locator::new(&buf, 0, at);
        let mut results = Vec::with_capacity(scanned.found.len());
        for found in &scanned.found {
            locator = locator.rebased(found.start());
            assessor.assess(found, &locator, &mut |result| results.push(result));
        }
        at = locator.locate(consumed);
        drop(scanned);
        on_batch(results).map_err(StreamError::Output)?;
        if at_eof {
            return Ok(());
        }
        buf.drain(..consumed);
    }
}

/// Reads once into the spare room of `buf`; returns whether the input has ended.
fn fill(reader: &mut impl Read, buf: &mut Vec<u8>) -> io::Result<bool> {
    let len = buf.len();
    buf.resize(len + READ_CHUNK, 0);
    loop {
        match reader.read(buf.get_mut(len..).unwrap_or_default()) {
            Ok(n) => {
                buf.truncate(len + n);
                return Ok(n == 0);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                buf.truncate(len);
                return Err(e);
            }
        }
    }
}

fn unreadable(name: &str, source: io::Error) -> StreamError {
    StreamError::Input(InputError::Unreadable { path: name.to_owned(), source })
}

/// Checks an in-memory input; the results of [`check_stream`] over `bytes`, all at once.
pub fn check_bytes(name: &str, bytes: &[u8], options: &AssessOptions) -> Vec<CheckResult> {
    let mut results = Vec::new();
    let outcome = check_stream(Arc::from(name), bytes, options, &mut |batch| {
        results.extend(batch);
        Ok(())
    });
    // Reading a slice cannot fail and the consumer above never does; an unsupported encoding
    // yields no results.
    drop(outcome);
    results
}
