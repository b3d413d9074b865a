//! Inputs: turning the paths given on the command line into readable streams.
//!
//! `-` is standard input; a directory stands for every regular file below it, in sorted order,
//! following symbolic links (a loop or a broken link is reported, not followed forever). A
//! stream that starts like gzip is decompressed on the fly; one in an encoding authhook does
//! not read (UTF-16, UTF-32) is recognised from its first bytes.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};

use flate2::bufread::GzDecoder;
use same_file::Handle;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::InputError;
use crate::progress::Progress;

/// One input to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    /// The name used in results: the path as given, or `-`; a JWT-shaped part of a file name is
    /// replaced by its length, as it is everywhere else.
    pub fn name(&self) -> Arc<str> {
        match self {
            Input::Stdin => Arc::from("-"),
            Input::File(path) => {
                let name = path.to_string_lossy();
                Arc::from(crate::redact::without_jwts(&name).as_deref().unwrap_or(&name))
            }
        }
    }

    /// Opens the input for reading.
    pub fn open(&self) -> Result<Box<dyn Read + Send>, InputError> {
        match self {
            Input::Stdin => Ok(Box::new(io::stdin())),
            Input::File(path) => File::open(path)
                .map(|file| Box::new(file) as Box<dyn Read + Send>)
                .map_err(|source| InputError::Unreadable { path: path.display().to_string(), source }),
        }
    }
}

/// Expands the paths given into inputs, reporting those that cannot be used. `report`, the file
/// the report is being written to, is never an input: a directory walk passes over it.
pub fn expand(paths: &[PathBuf], report: Option<&Handle>) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            walk(path, report, &mut inputs, &mut problems);
        } else {
            inputs.push(Input::File(path.clone()));
        }
    }
    (inputs, problems)
}

/// The first of `paths` (`-` and none meaning standard input) that is the same file as
/// `report`, compared by identity (device and inode), not by name.
pub fn named_input_that_is(paths: &[PathBuf], report: &Handle) -> Option<PathBuf> {
    let stdin_is_report = || Handle::stdin().is_ok_and(|stdin| &stdin == report);
    if paths.is_empty() {
        return stdin_is_report().then(|| PathBuf::from("-"));
    }
    paths.iter().find(|path| if path.as_os_str() == "-" { stdin_is_report() } else { is_same(path, report) }).cloned()
}

/// The first directory of `paths` that holds the existing file at `report`, which a walk of it
/// would read as an input.
pub fn directory_holding(paths: &[PathBuf], report: &Path) -> Option<PathBuf> {
    let report = std::fs::canonicalize(report).ok()?;
    paths
        .iter()
        .find(|dir| dir.is_dir() && std::fs::canonicalize(dir).is_ok_and(|dir| report.starts_with(dir)))
        .cloned()
}

fn is_same(path: &Path, report: &Handle) -> bool {
    Handle::from_path(path).is_ok_and(|handle| &handle == report)
}

fn walk(dir: &Path, report: Option<&Handle>, inputs: &mut Vec<Input>, problems: &mut Vec<InputError>) {
    for entry in walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        match entry {
            Ok(entry) if entry.file_type().is_file() && report.is_some_and(|r| is_same(entry.path(), r)) => {}
            Ok(entry) if entry.file_type().is_file() => inputs.push(Input::File(entry.into_path())),
            Ok(entry) if entry.file_type().is_dir() => {}
            Ok(entry) => problems.push(InputError::NotRegular { path: entry.path().display().to_string() }),
            Err(error) => {
                let path = error.path().unwrap_or(dir).display().to_string();
                let message = match error.loop_ancestor() {
                    Some(ancestor) => format!("a symbolic link loops back to {}", ancestor.display()),
                    None => error.io_error().map_or_else(|| error.to_string(), ToString::to_string),
                };
                problems.push(InputError::Walk { path, message });
            }
        }
    }
}

/// The magic bytes that open a gzip stream.
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

/// `reader` with its bytes counted by `progress`, decompressed when it starts like gzip.
pub fn decompressed(
    reader: Box<dyn Read + Send>,
    name: &str,
    progress: &Progress,
) -> Result<Box<dyn Read + Send>, InputError> {
    let mut buffered = BufReader::with_capacity(1 << 16, progress.counting(reader));
    let head = buffered.fill_buf().map_err(|source| InputError::Unreadable { path: name.to_owned(), source })?;
    if head.starts_with(GZIP_MAGIC) { Ok(Box::new(GzipMembers::new(buffered))) } else { Ok(Box::new(buffered)) }
}

/// Every member of a gzip stream, one after the other, as `gzip -d` reads them: zero bytes after
/// the last member (padding that tape and block devices add) end the stream, as they do for it.
struct GzipMembers<R: BufRead> {
    member: Option<GzDecoder<R>>,
}

impl<R: BufRead> GzipMembers<R> {
    fn new(reader: R) -> Self {
        GzipMembers { member: Some(GzDecoder::new(reader)) }
    }

    /// After a member: the next one, or `None` at the end of the stream or of its padding.
    fn next_member(mut reader: R) -> io::Result<Option<GzDecoder<R>>> {
        loop {
            let head = reader.fill_buf()?;
            if head.is_empty() {
                return Ok(None);
            }
            match head.iter().take_while(|&&b| b == 0).count() {
                0 if head.first() == GZIP_MAGIC.first() => return Ok(Some(GzDecoder::new(reader))),
                0 => {
                    let message = "the data after the last gzip member is not gzip";
                    return Err(io::Error::new(io::ErrorKind::InvalidData, message));
                }
                zeros => reader.consume(zeros),
            }
        }
    }
}

impl<R: BufRead> Read for GzipMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while let Some(mut member) = self.member.take() {
            let n = member.read(buf)?;
            if n > 0 || buf.is_empty() {
                self.member = Some(member);
                return Ok(n);
            }
            self.member = Self::next_member(member.into_inner())?;
        }
        Ok(0)
    }
}

/// A printable ASCII byte or white space: what the first characters of a text are made of.
fn is_text_byte(byte: u8) -> bool {
    byte.is_ascii_graphic() || byte.is_ascii_whitespace()
}

/// Names the encoding of a stream that starts with `head` when it is one authhook does not
/// read, as `(name, iconv name)`.
pub fn unsupported_encoding(head: &[u8]) -> Option<(&'static str, &'static str)> {
    match head {
        [0xFF, 0xFE, 0, 0, ..] => Some(("UTF-32LE", "UTF-32LE")),
        [a, 0, 0, 0, b, 0, 0, 0, ..] if is_text_byte(*a) && is_text_byte(*b) => Some(("UTF-32LE", "UTF-32LE")),
        [0, 0, 0xFE, 0xFF, ..] => Some(("UTF-32BE", "UTF-32BE")),
        [0, 0, 0, a, 0, 0, 0, b, ..] if is_text_byte(*a) && is_text_byte(*b) => Some(("UTF-32BE", "UTF-32BE")),
        [0xFF, 0xFE, ..] => Some(("UTF-16LE", "UTF-16LE")),
        [0xFE, 0xFF, ..] => Some(("UTF-16BE", "UTF-16BE")),
        [a, 0, b, 0, ..] if a.is_ascii() && *a != 0 && b.is_ascii() && *b != 0 => {
            Some(("UTF-16LE (no byte-order mark)", "UTF-16LE"))
        }
        [0, a, 0, b, ..] if a.is_ascii() && *a != 0 && b.is_ascii() && *b != 0 => {
            Some(("UTF-16BE (no byte-order mark)", "UTF-16BE"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_unsupported_encodings() {
        assert_eq!(unsupported_encoding(&[0xFF, 0xFE, b'{', 0]).map(|e| e.0), Some("UTF-16LE"));
        assert_eq!(unsupported_encoding(&[b'{', 0, b'"', 0]).map(|e| e.1), Some("UTF-16LE"));
        assert_eq!(unsupported_encoding(&[0, b'{', 0, b'"']).map(|e| e.1), Some("UTF-16BE"));
        assert_eq!(unsupported_encoding(b"{\"a\":1}"), None);
        assert_eq!(unsupported_encoding(&[0xEF, 0xBB, 0xBF, b'{']), None);
    }
}
