//! The exit statuses authhook documents, and when each is given.

/// The exit statuses `authhook` documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Every payload is valid.
    Valid = 0,
    /// A payload has an error finding (with --strict, every warning is one).
    Invalid = 1,
    /// A usage error, an unreadable input, or no authentication payload found.
    Trouble = 2,
    /// Stopped by Ctrl-C (128 + SIGINT).
    Interrupted = 130,
}

/// Every exit status and when it is given, as `--help` and the manual page tell them.
pub const EXIT_STATUSES: &[(ExitStatus, &str)] = &[
    (ExitStatus::Valid, "every payload is valid (with --strict, also no warnings)"),
    (ExitStatus::Invalid, "a payload has an error finding (with --strict, any warning)"),
    (
        ExitStatus::Trouble,
        "a usage error, an input that could not be read, a report that could not be written, or no authentication payload found",
    ),
    (ExitStatus::Interrupted, "stopped by Ctrl-C"),
];
