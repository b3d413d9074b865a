//! Problems with an input, as opposed to findings about payloads: the run reports them and goes on.

use std::io;

/// An input that could not be read; the run reports it and goes on with the others.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
