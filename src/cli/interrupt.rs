//! Ctrl-C: the first interrupt asks the run to stop at the next batch boundary, so every result
//! already written is whole (no NDJSON line is cut); a second one ends the process at once.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler; without it an interrupt ends the process at once. The handler only
/// sets a flag (or, the second time, exits), so no thread waits for signals.
pub fn install() {
    use signal_hook::{consts::SIGINT, flag};
    // Handlers run in the order they were installed: the exit looks at the flag before the
    // second handler sets it, so only a second interrupt ends the process. One that cannot be
    // installed leaves the default behaviour, which is still safe.
    let _ = flag::register_conditional_shutdown(SIGINT, super::exit::ExitStatus::Interrupted as i32, &REQUESTED)
        .and_then(|_| flag::register(SIGINT, &REQUESTED));
}

/// Whether an interrupt asked the run to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}
