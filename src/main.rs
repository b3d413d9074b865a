//! The `authhook` command; everything it does is in [`cli`].

mod cli;

use std::process::ExitCode;

/// Parsing a capture allocates and frees a small tree per payload on several threads at once,
/// which mimalloc serves several times faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::run()
}
