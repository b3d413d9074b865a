//! The limits authhook enforces, each written once: the command line, the settings file and the
//! library all read them from here.

use std::ops::RangeInclusive;

/// Worker threads that may be asked for (`-j`, `threads`).
pub const THREADS: RangeInclusive<u16> = 1..=1024;

/// The default of `--max-payload-bytes`: 1 MiB.
pub const DEFAULT_MAX_PAYLOAD_BYTES: u64 = 1 << 20;

/// Values that `--max-payload-bytes` (and `max-payload-bytes`) may take.
pub const MAX_PAYLOAD_BYTES: RangeInclusive<u64> = 64..=(1 << 32);

/// Deepest nesting of arrays and objects parsed; deeper is a syntax error.
pub const MAX_NESTING: usize = 128;

/// How many strings inside strings are unwrapped looking for a payload (a log line in a JSON
/// string in a log line, and so on).
pub const MAX_UNWRAP_DEPTH: usize = 10;

/// Chunks of input being scanned or waiting to be merged at once, whatever the thread count:
/// this, not the thread count, bounds the memory a run holds for its input.
pub const CHUNKS_IN_FLIGHT: usize = 4;

/// `what must be between A and B` when `value` is out of `range`.
pub fn check<T: PartialOrd + std::fmt::Display>(what: &str, value: T, range: &RangeInclusive<T>) -> Result<T, String> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(format!("{what} must be between {} and {}, found {value}", range.start(), range.end()))
    }
}
