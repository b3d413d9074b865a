//! Inputs: turning the paths given on the command line into readable streams.
//!
//! `-` is standard input; a directory stands for every regular file below it, in sorted order,
//! following symbolic links (a loop or a broken link is reported, not followed forever). A
//! stream that starts like gzip is decompressed on the fly; one in an encoding authhook does
//! not read (UTF-16, UTF-32) is recognised from its first bytes.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};

use flate2::read::MultiGzDecoder;
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
    /// The name used in results: the path as given, or `-`.
    pub fn name(&self) -> Arc<str> {
        match self {
            Input::Stdin => Arc::from("-"),
            Input::File(path) => Arc::from(path.to_string_lossy().as_ref()),
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

/// Expands the paths given into inputs, reporting those that cannot be used.
pub fn expand(paths: &[PathBuf]) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            walk(path, &mut inputs, &mut problems);
        } else {
            inputs.push(Input::File(path.clone()));
        }
    }
    (inputs, problems)
}

fn walk(dir: &Path, inputs: &mut Vec<Input>, problems: &mut Vec<InputError>) {
    for entry in walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        match entry {
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
    if head.starts_with(GZIP_MAGIC) { Ok(Box::new(MultiGzDecoder::new(buffered))) } else { Ok(Box::new(buffered)) }
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
