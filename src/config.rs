//! The resolved configuration of a `check` run, built once from the command line and the
//! environment. Nothing below this module knows about clap.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::assess::AssessOptions;
use crate::check::Parallelism;
use crate::cli::{CheckArgs, ColorArg, FormatArg};
use crate::contract::Date;
use crate::report::{Format, Style};
use crate::scan::ScanOptions;

/// The environment variable that fixes today's date (YYYY-MM-DD) for the deprecation notice.
pub const TODAY_VARIABLE: &str = "AUTHHOOK_TODAY";

/// Everything a `check` run needs to know.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// Inputs as given; empty means standard input.
    pub paths: Vec<PathBuf>,
    /// Output format.
    pub format: Format,
    /// Colour and verbosity.
    pub style: Style,
    /// Warnings fail the run too.
    pub strict: bool,
    /// How found values become results.
    pub assess: AssessOptions,
    /// The date the deprecation notice is worded from.
    pub today: Date,
    /// Threads and chunking.
    pub parallelism: Parallelism,
}

/// A configuration that cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{TODAY_VARIABLE} must be a date as YYYY-MM-DD, found {0:?}")]
    Today(String),
}

impl CheckConfig {
    /// Resolves the command line against the environment.
    pub fn from_args(args: &CheckArgs) -> Result<Self, ConfigError> {
        let format = match args.format {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Ndjson => Format::Ndjson,
            FormatArg::Table => Format::Table,
        };
        let today = match std::env::var(TODAY_VARIABLE) {
            Ok(text) => Date::parse(&text).ok_or(ConfigError::Today(text))?,
            Err(_) => Date::today(),
        };
        let scan = ScanOptions {
            lenient: args.lenient,
            max_payload_bytes: usize::try_from(args.max_payload_bytes).unwrap_or(usize::MAX),
        };
        Ok(CheckConfig {
            paths: args.paths.clone(),
            format,
            style: Style { color: use_color(args.color, std::io::stdout().is_terminal()), quiet: args.quiet },
            strict: args.strict,
            assess: AssessOptions { scan, show_secrets: args.show_secrets, with_payload: format.shows_payload() },
            today,
            parallelism: Parallelism { threads: threads(args.threads), ..Parallelism::default() },
        })
    }
}

/// The worker threads to use: as asked, or one per core.
fn threads(asked: Option<u16>) -> usize {
    asked.map_or_else(|| std::thread::available_parallelism().map_or(1, usize::from), usize::from).max(1)
}

/// Whether to colour a stream: `auto` colours a terminal unless NO_COLOR is set, and anything
/// when CLICOLOR_FORCE is set to other than 0.
fn use_color(choice: ColorArg, is_terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => false,
        ColorArg::Auto => is_terminal || set("CLICOLOR_FORCE"),
    }
}
