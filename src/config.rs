//! The resolved configuration of a `check` or `stats` run, built once from the command line and the
//! environment. Nothing below this module knows about clap.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json_path::JsonPath;

use crate::assess::AssessOptions;
use crate::check::Parallelism;
use crate::cli::{CheckArgs, ColorArg, FormatArg, InputArgs, StatsArgs, StatsFormatArg};
use crate::contract::Date;
use crate::report::{Format, Style};
use crate::scan::ScanOptions;

/// The environment variable that fixes today's date (YYYY-MM-DD) for the deprecation notice.
pub const TODAY_VARIABLE: &str = "AUTHHOOK_TODAY";

/// Where payloads are looked for and how: what `check` and `stats` share.
#[derive(Debug, Clone)]
pub struct InputConfig {
    /// Inputs as given; empty means standard input.
    pub paths: Vec<PathBuf>,
    /// How found values become results.
    pub assess: AssessOptions,
    /// Threads and chunking.
    pub parallelism: Parallelism,
    /// Show a progress bar on standard error (only ever when it is a terminal).
    pub progress: bool,
    /// Colour standard output.
    pub color: bool,
}

/// Everything a `check` run needs to know.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    pub input: InputConfig,
    /// Output format.
    pub format: Format,
    /// Colour and verbosity.
    pub style: Style,
    /// Warnings fail the run too.
    pub strict: bool,
    /// The date the deprecation notice is worded from.
    pub today: Date,
}

/// Everything a `stats` run needs to know.
#[derive(Debug, Clone)]
pub struct StatsConfig {
    pub input: InputConfig,
    /// Output format.
    pub format: StatsFormat,
}

/// The output formats of `stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsFormat {
    Human,
    Json,
    Table,
}

/// A configuration that cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{TODAY_VARIABLE} must be a date as YYYY-MM-DD, found {0:?}")]
    Today(String),
    #[error("--select {path:?} is not a valid JSONPath (RFC 9535): {message}")]
    Select { path: String, message: String },
}

impl InputConfig {
    /// Resolves the input options; `with_payload` and `show_secrets` come from the command.
    pub fn from_args(args: &InputArgs, with_payload: bool, show_secrets: bool) -> Result<Self, ConfigError> {
        let select = match &args.select {
            Some(path) => Some(Arc::new(
                JsonPath::parse(path)
                    .map_err(|error| ConfigError::Select { path: path.clone(), message: error.to_string() })?,
            )),
            None => None,
        };
        let scan = ScanOptions {
            lenient: args.lenient,
            max_payload_bytes: usize::try_from(args.max_payload_bytes).unwrap_or(usize::MAX),
        };
        Ok(InputConfig {
            paths: args.paths.clone(),
            assess: AssessOptions { scan, show_secrets, with_payload, select },
            parallelism: Parallelism { threads: threads(args.threads), ..Parallelism::default() },
            progress: std::io::stderr().is_terminal(),
            color: use_color(args.color, std::io::stdout().is_terminal()),
        })
    }
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
        let input = InputConfig::from_args(&args.input, format.shows_payload(), args.show_secrets)?;
        Ok(CheckConfig {
            style: Style { color: input.color, quiet: args.quiet },
            input,
            format,
            strict: args.strict,
            today,
        })
    }
}

impl StatsConfig {
    /// Resolves the command line against the environment.
    pub fn from_args(args: &StatsArgs) -> Result<Self, ConfigError> {
        let format = match args.format {
            StatsFormatArg::Human => StatsFormat::Human,
            StatsFormatArg::Json => StatsFormat::Json,
            StatsFormatArg::Table => StatsFormat::Table,
        };
        Ok(StatsConfig { input: InputConfig::from_args(&args.input, false, false)?, format })
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
