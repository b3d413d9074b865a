//! Operational failures: problems with the run itself, as opposed to findings about payloads.

use std::io;
use std::path::PathBuf;

/// An input that could not be read; the run reports it and goes on with the others.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: cannot read: {source}")]
    Unreadable { path: String, source: io::Error },
    #[error("{path}: skipped: not a regular file (a FIFO, socket or device found in a directory)")]
    NotRegular { path: String },
    #[error("{path}: cannot walk the directory: {message}")]
    Walk { path: String, message: String },
    #[error("{path}: the input is {encoding}; authhook reads UTF-8 (convert it with: iconv -f {iconv} -t UTF-8)")]
    Encoding { path: String, encoding: &'static str, iconv: &'static str },
}

/// A failure that ends the run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot write the report: {0}")]
    Output(#[source] io::Error),
    #[error("cannot start the worker threads ({0}); ask for fewer with -j")]
    Threads(#[source] io::Error),
    #[error("interrupted")]
    Interrupted,
    #[error("cannot create {}: {source}", path.display())]
    OutputFile { path: PathBuf, source: io::Error },
    #[error(
        "the report file {} is also an input ({}); writing it would destroy that input: name another file with -o",
        path.display(),
        input.display()
    )]
    OutputIsInput { path: PathBuf, input: PathBuf },
    #[error("cannot write the report to {}: {source}", path.display())]
    OutputWrite { path: PathBuf, source: io::Error },
}

impl RunError {
    /// Whether the reader of the output went away (as with `| head`), which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, RunError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}
