//! Inputs: turning the paths given on the command line into readable streams.
//!
//! `-` is standard input; a directory stands for every regular file below it, in sorted order,
//! following symbolic links (a loop or a broken link is reported, not followed forever). A
//! stream that starts like gzip is decompressed on the fly; one in an encoding authhook does
//! not read (UTF-16, UTF-32) is recognised from its first bytes.

mod decode;
mod error;

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use same_file::Handle;

pub use decode::{decompressed, unsupported_encoding};
pub use error::InputError;

/// One input to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input, named `-`.
    Stdin,
    /// A file, by its path as given or as found in a directory.
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
                Arc::from(crate::contract::without_jwts(&name).as_deref().unwrap_or(&name))
            }
        }
    }

    /// The size of the input in bytes, when it is a file whose size is known.
    pub fn size(&self) -> Option<u64> {
        match self {
            Input::File(path) => std::fs::metadata(path).ok().map(|metadata| metadata.len()),
            Input::Stdin => None,
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
