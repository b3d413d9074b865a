//! Ctrl-C: the first interrupt asks the run to stop at the next batch boundary, so every result
//! already written is whole (no NDJSON line is cut); a second one ends the process at once.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler; without it an interrupt ends the process at once.
pub fn install() {
    // A handler that cannot be installed leaves the default behaviour, which is still safe.
    let _ = ctrlc::set_handler(|| {
        if REQUESTED.swap(true, Ordering::SeqCst) {
            std::process::exit(super::exit::ExitStatus::Interrupted as i32);
        }
    });
}

/// Whether an interrupt asked the run to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}
