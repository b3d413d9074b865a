//! Problems with an input, as opposed to findings about payloads: the run reports them and goes on.

use std::io;

/// An input that could not be read; the run reports it and goes on with the others.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The input could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Unreadable {
        /// The input's path, or `-` for standard input.
        path: String,
        /// Why it could not be read.
        source: io::Error,
    },
    /// An entry of a directory is not a regular file (a FIFO, socket or device); it is skipped.
    #[error("{path}: skipped: not a regular file (a FIFO, socket or device found in a directory)")]
    NotRegular {
        /// The entry's path.
        path: String,
    },
    /// Walking a directory failed at an entry: it could not be read, or a symbolic link loops.
    #[error("{path}: cannot walk the directory: {message}")]
    Walk {
        /// Where the walk failed.
        path: String,
        /// What went wrong, in words.
        message: String,
    },
    /// A line of an ignore file (`.gitignore`, `.ignore`) met while walking a directory cannot
    /// be used, such as a glob that does not parse. A warning, not a failure: the walk goes on
    /// without that line, as ripgrep's does.
    #[error("{path}: warning: an ignore file's rule is not applied: {message}")]
    IgnoreFile {
        /// The ignore file, or the directory walked when the file is not known.
        path: String,
        /// What is wrong, with the line number when known.
        message: String,
    },
    /// The input is in an encoding that is not read (UTF-16 or UTF-32), recognised from its
    /// first bytes.
    #[error("{path}: the input is {encoding}; authhook reads UTF-8 (convert it with: iconv -f {iconv} -t UTF-8)")]
    Encoding {
        /// The input's path, or `-` for standard input.
        path: String,
        /// The encoding recognised, such as `UTF-16LE`; ` (no byte-order mark)` follows the name
        /// when the input starts without one.
        encoding: &'static str,
        /// The encoding's name as `iconv -f` takes it.
        iconv: &'static str,
    },
}

impl InputError {
    /// Whether the problem is only a warning ([`InputError::IgnoreFile`]): every input is still
    /// read as it should be, so the run does not fail because of it.
    pub fn is_warning(&self) -> bool {
        matches!(self, InputError::IgnoreFile { .. })
    }
}
