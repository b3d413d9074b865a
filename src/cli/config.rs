//! The resolved configuration of a `check` or `stats` run, built once from the command line and the
//! environment. Nothing below this module knows about clap.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use clap::ValueEnum;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json_path::JsonPath;

use authhook::assess::policy::{Expectations, Level, Policy};
use authhook::assess::{AssessOptions, Finishing};
use authhook::assess::{CheckResult, Outcome};
use authhook::contract::{Date, ReasonCode, Rule, Severity, Status};
use authhook::input::WalkOptions;
use authhook::report::{Format, Style};
use authhook::scan::ScanOptions;
use authhook::stats::{Breakdown, StatsFormat};

use super::args::{
    ByArg, CheckArgs, ColorArg, ExpectArg, FormatArg, InputArgs, JudgeArgs, OnlyArg, ReportArgs, StatsArgs,
    StatsFormatArg,
};
use super::config_file::{self, FileError, FileSettings};

/// The environment variable that fixes today's date (YYYY-MM-DD) for the deprecation notice.
pub const TODAY_VARIABLE: &str = "AUTHHOOK_TODAY";

/// Where payloads are looked for and how: what `check` and `stats` share.
#[derive(Debug, Clone)]
pub struct InputConfig {
    /// Inputs as given; empty means standard input.
    pub paths: Vec<PathBuf>,
    /// How found values become results.
    pub assess: AssessOptions,
    /// Worker threads for an input larger than one chunk; 0 is one per core (see
    /// [`authhook::stream::Parallelism`]).
    pub threads: usize,
    /// Show a progress bar on standard error (only ever when it is a terminal).
    pub progress: bool,
    /// Colour standard output.
    pub color: bool,
    /// Which files a directory walk reads.
    pub walk: WalkOptions,
    /// The file the report is written to, which a directory walk passes over.
    pub report_file: Option<Arc<same_file::Handle>>,
}

/// Everything a `check` run needs to know.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    pub input: InputConfig,
    /// Output format.
    pub format: Format,
    /// Colour and verbosity.
    pub style: Style,
    /// The date the deprecation notice is worded from.
    pub today: Date,
    /// Where the report goes instead of standard output (`-o`); the summary line still goes there.
    pub output: Option<PathBuf>,
    /// Which results the report shows (`--only`); every result is counted all the same.
    pub shown: Shown,
    /// Whether the report carries the deprecation notice.
    pub notice: bool,
}

/// The results a report shows: all of them, or those that any of `--only`'s choices picks.
#[derive(Debug, Clone, Default)]
pub struct Shown(Vec<OnlyArg>);

impl Shown {
    /// Whether the report shows `result`.
    pub fn shows(&self, result: &CheckResult) -> bool {
        self.0.is_empty()
            || self.0.iter().any(|only| match only {
                OnlyArg::Fail => result.outcome() == Outcome::Fail,
                OnlyArg::Pass => result.outcome() == Outcome::Pass,
                OnlyArg::Invalid => !result.valid,
                OnlyArg::Problems => result.findings.iter().any(|f| f.severity >= Severity::Warning),
            })
    }
}

/// Everything a `stats` run needs to know.
#[derive(Debug, Clone)]
pub struct StatsConfig {
    pub input: InputConfig,
    /// Output format.
    pub format: StatsFormat,
    /// How the totals are broken down besides, if they are.
    pub by: Option<Breakdown>,
}

/// A configuration that cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{TODAY_VARIABLE} must be a date as YYYY-MM-DD, found {0:?}")]
    Today(String),
    #[error("--select {path:?} is not a valid JSONPath (RFC 9535): {message}")]
    Select { path: String, message: String },
    #[error(transparent)]
    File(#[from] FileError),
}

/// The settings file that applies: the one named with --config, else the nearest
/// authhook.toml at or above the working directory, else none.
fn file_settings(args: &JudgeArgs) -> Result<FileSettings, ConfigError> {
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => std::env::current_dir().ok().and_then(|dir| config_file::discover(&dir)),
    };
    let Some(path) = path else { return Ok(FileSettings::default()) };
    Ok(config_file::load(&path, &value_names::<FormatArg>(), &value_names::<ColorArg>())?)
}

/// The values the command line accepts for a value enum, as written.
fn value_names<T: ValueEnum>() -> Vec<String> {
    T::value_variants().iter().filter_map(|v| v.to_possible_value()).map(|v| v.get_name().to_owned()).collect()
}

/// The rule levels: the file's, then the flags', which win.
fn rule_levels(args: &JudgeArgs, settings: &FileSettings) -> BTreeMap<Rule, Level> {
    let mut levels = settings.rules.clone();
    let flags = [(&args.allow, Level::Allow), (&args.warn, Level::Warn), (&args.deny, Level::Deny)];
    for (ids, level) in flags {
        for rule in ids.iter().filter_map(|id| Rule::from_id(id)) {
            levels.insert(rule, level);
        }
    }
    levels
}

impl InputConfig {
    /// Resolves the input options against the settings file they name or that is found, with
    /// the policy of the file and the flags and nothing more.
    pub fn resolve(args: &InputArgs, with_payload: bool, show_secrets: bool) -> Result<Self, ConfigError> {
        let settings = file_settings(&args.judge)?;
        InputConfig::from_args(args, &settings, with_payload, show_secrets, Policy::default())
    }

    /// Resolves the input options against the settings file; `with_payload`, `show_secrets`
    /// and `policy` (whose rule levels are filled in here) come from the command.
    pub fn from_args(
        args: &InputArgs,
        settings: &FileSettings,
        with_payload: bool,
        show_secrets: bool,
        mut policy: Policy,
    ) -> Result<Self, ConfigError> {
        let judge = &args.judge;
        let select = match judge.select.as_ref().or(settings.select.as_ref()) {
            Some(path) => Some(Arc::new(
                JsonPath::parse(path)
                    .map_err(|error| ConfigError::Select { path: path.clone(), message: error.to_string() })?,
            )),
            None => None,
        };
        let max_payload_bytes = judge
            .max_payload_bytes
            .or(settings.max_payload_bytes)
            .unwrap_or(authhook::limits::DEFAULT_MAX_PAYLOAD_BYTES);
        let scan = ScanOptions {
            lenient: judge.lenient || settings.lenient == Some(true),
            max_payload_bytes: usize::try_from(max_payload_bytes).unwrap_or(usize::MAX),
        };
        let color = judge
            .color
            .or_else(|| settings.color.as_deref().and_then(|c| ColorArg::from_str(c, false).ok()))
            .unwrap_or_default();
        policy.levels = rule_levels(judge, settings);
        policy.strict |= settings.strict == Some(true);
        Ok(InputConfig {
            paths: args.paths.clone(),
            assess: AssessOptions {
                scan,
                with_payload,
                terse: false,
                select,
                finishing: Finishing { show_secrets, policy, render: None },
            },
            threads: args.threads.or(settings.threads).map_or(0, usize::from),
            progress: std::io::stderr().is_terminal(),
            color: use_color(color, std::io::stdout().is_terminal()),
            walk: WalkOptions {
                hidden: args.hidden || settings.hidden == Some(true),
                ignore_files: !(args.no_ignore || settings.no_ignore == Some(true)),
            },
            report_file: None,
        })
    }
}

impl CheckConfig {
    /// Resolves the command line against the environment.
    pub fn from_args(args: &CheckArgs) -> Result<Self, ConfigError> {
        CheckConfig::resolve(&args.input, &args.report)
    }

    /// Resolves where payloads come from and how the report is made against the environment.
    pub fn resolve(input_args: &InputArgs, args: &ReportArgs) -> Result<Self, ConfigError> {
        let settings = file_settings(&input_args.judge)?;
        let chosen = args
            .format
            .or_else(|| settings.format.as_deref().and_then(|f| FormatArg::from_str(f, false).ok()))
            .unwrap_or_default();
        let format = format_of(chosen);
        let today = match std::env::var(TODAY_VARIABLE) {
            Ok(text) => Date::parse(&text).ok_or(ConfigError::Today(text))?,
            Err(_) => Date::today(),
        };
        let expectations = Expectations {
            status: args.expect.map(|e| match e {
                ExpectArg::Pass => Status::Pass,
                ExpectArg::Fail => Status::Fail,
            }),
            reason: args.expect_reason.as_deref().and_then(ReasonCode::from_id),
            error_code: args.expect_code,
        };
        let policy = Policy { strict: args.strict, expectations, ..Policy::default() };
        let mut input =
            InputConfig::from_args(input_args, &settings, format.shows_payload(), args.show_secrets, policy)?;
        input.assess.finishing.render = format.prerender();
        let quiet = args.quiet || settings.quiet == Some(true);
        // A quiet human report is its summary line: no reason is shown in words.
        input.assess.terse = quiet && format == Format::Human;
        let output = args.output.clone().filter(|path| path.as_os_str() != "-");
        let to_terminal = output.is_none() && std::io::stdout().is_terminal();
        Ok(CheckConfig {
            // A report file is coloured only when asked for in so many words.
            style: Style {
                color: input.color && (args.output.is_none() || input_args.judge.color == Some(ColorArg::Always)),
                quiet,
                width: output_width(to_terminal, std::env::var("COLUMNS").ok().as_deref(), stdout_width),
            },
            input,
            format,
            today,
            output,
            shown: Shown(args.only.clone()),
            notice: !args.no_notice && settings.notice != Some(false),
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
        let settings = file_settings(&args.input.judge)?;
        let mut input = InputConfig::from_args(&args.input, &settings, false, false, Policy::default())?;
        // Statistics count reasons by code; none is shown in words.
        input.assess.terse = true;
        Ok(StatsConfig {
            input,
            format,
            by: args.by.map(|by| match by {
                ByArg::File => Breakdown::File,
            }),
        })
    }
}

/// The output format a `--format` value names.
fn format_of(arg: FormatArg) -> Format {
    match arg {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Ndjson => Format::Ndjson,
        FormatArg::Table => Format::Table,
        FormatArg::Github => Format::Github,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Junit => Format::Junit,
    }
}

/// How wide the report's lines may be: on a terminal, `COLUMNS` when it is set to a whole number
/// above 0 (it wins, as in `ls` and `man`, for a terminal that misreports its size), else the
/// terminal's width (`detected`, asked only then); elsewhere (a pipe, a file, `-o`) no limit.
fn output_width(to_terminal: bool, columns: Option<&str>, detected: impl FnOnce() -> Option<usize>) -> Option<usize> {
    if !to_terminal {
        return None;
    }
    match columns.and_then(|columns| columns.trim().parse::<usize>().ok()).filter(|&columns| columns > 0) {
        Some(columns) => Some(columns),
        None => detected().filter(|&width| width > 0),
    }
}

/// The width of the terminal standard output is, if it is one whose size is known.
fn stdout_width() -> Option<usize> {
    terminal_size::terminal_size_of(std::io::stdout()).map(|(width, _)| usize::from(width.0))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_fits_the_terminal_it_goes_to_and_nothing_else() {
        let detected = || Some(132);
        assert_eq!(output_width(true, None, detected), Some(132));
        assert_eq!(output_width(true, Some("80"), detected), Some(80));
        assert_eq!(output_width(true, Some(" 80\n"), detected), Some(80));
        // COLUMNS that is no width is passed over.
        for columns in ["", "0", "-1", "wide", "80.5"] {
            assert_eq!(output_width(true, Some(columns), detected), Some(132), "COLUMNS={columns:?}");
        }
        // A terminal of unknown size, and a pipe or a file whatever COLUMNS says: full width.
        assert_eq!(output_width(true, None, || None), None);
        assert_eq!(output_width(true, None, || Some(0)), None);
        assert_eq!(output_width(false, Some("80"), detected), None);
        assert_eq!(output_width(false, None, || panic!("a pipe's width is not asked for")), None);
    }
}
