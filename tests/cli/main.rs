//! The integration tests of `authhook`, in one test binary (`cargo test --test cli`): one module
//! per subject, sharing the helpers of [`common`]. Run one subject with a module filter, e.g.
//! `cargo test --test cli properties::`.
//!
//! Fixtures are in `tests/fixtures/`, insta snapshots in `tests/cli/snapshots/`.

mod architecture;
mod ci_formats;
mod commands;
mod common;
mod first_use;
mod hostile;
mod listen;
mod logs;
mod properties;
mod readme;
mod reliability;
mod report_model;
mod rules;
mod schema;
mod stats;
mod terminal;
mod walks;
mod wire;
