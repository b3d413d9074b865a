//! Failures that end a run of the command line, as opposed to findings about payloads.

use std::io;
use std::path::PathBuf;

/// A failure that ends the run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot write the report: {0}")]
    Output(#[source] io::Error),
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
