//! Running `check` and `stats`: every input read in turn, results handed to the renderer or the
//! statistics as they come, and the outcome that decides the exit status.

use std::io::Write;
use std::sync::Arc;

use authhook::assess::{CheckResult, Summary, deliveries};
use authhook::stream::{Parallelism, READ_CHUNK, StreamError, check_stream};
use authhook::{contract, input, report, stats};

use super::config::{CheckConfig, InputConfig, StatsConfig};
use super::error::RunError;
use super::exit::ExitStatus;
use super::{interrupt, progress};

/// What a `check` run concluded, for the exit status.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub summary: Summary,
    /// Inputs that could not be read.
    pub input_problems: u64,
}

impl Outcome {
    pub fn exit_status(&self) -> ExitStatus {
        let summary = &self.summary;
        if self.input_problems > 0 {
            ExitStatus::Trouble
        } else if summary.errors > 0 {
            ExitStatus::Invalid
        } else if summary.authentications() == 0 {
            ExitStatus::Trouble
        } else {
            ExitStatus::Valid
        }
    }

    /// What was found instead, when finding no authentication payload is what fails the run.
    pub fn nothing_found_message(&self) -> Option<String> {
        if self.summary.authentications() > 0 || self.input_problems > 0 || self.summary.errors > 0 {
            return None;
        }
        let found: Vec<String> = self.summary.kinds.iter().map(|(kind, count)| format!("{count} {kind}")).collect();
        let detail =
            if found.is_empty() { "no JSON value that could be a payload".to_owned() } else { found.join(", ") };
        Some(format!("no authentication payload found; found instead: {detail}"))
    }
}

/// What reading the inputs concluded, beyond the results themselves.
#[derive(Debug, Clone, Default)]
pub struct InputOutcome {
    /// Inputs that could not be read.
    pub input_problems: u64,
    /// Deliveries that repeated an earlier one exactly.
    pub duplicate_deliveries: u64,
    /// Deliveries that contradicted an earlier one.
    pub conflicting_deliveries: u64,
}

/// What reading the inputs hands on, in input order.
pub enum Scanned {
    /// An input was opened; its results follow.
    Input(Arc<str>),
    /// Results of the input opened last, with repeated deliveries marked.
    Batch(Vec<CheckResult>),
}

/// Reads every input of `input`, handing each input's name as it is opened and then its
/// results to `on_scanned`, in input order, with repeated deliveries marked; problems with
/// inputs go to `problems` and the run goes on.
pub fn scan_inputs(
    input: &InputConfig,
    problems: &mut dyn Write,
    on_scanned: &mut dyn FnMut(Scanned) -> std::io::Result<()>,
) -> Result<InputOutcome, RunError> {
    let paths = if input.paths.is_empty() { vec![std::path::PathBuf::from("-")] } else { input.paths.clone() };
    let (inputs, walk_problems) = input::expand(&paths, input.walk, input.report_file.as_deref());
    let mut outcome = InputOutcome::default();
    for problem in walk_problems {
        report::tell_problem(problems, &problem.to_string());
        if !problem.is_warning() {
            outcome.input_problems += 1;
        }
    }
    // The total is asked of the file system only for a bar that may show.
    let total_size = if input.progress { inputs.iter().map(input::Input::size).sum() } else { None };
    let progress = progress::Progress::new(input.progress, total_size);
    let mut deliveries = deliveries::Deliveries::default();
    let finishing = &input.assess.finishing;
    for source in inputs {
        let name = source.name();
        let opened = source.open().and_then(|reader| input::decompressed(progress.counting(reader), &name));
        let reader = match opened {
            Ok(reader) => reader,
            Err(problem) => {
                report::tell_problem(problems, &problem.to_string());
                outcome.input_problems += 1;
                continue;
            }
        };
        on_scanned(Scanned::Input(Arc::clone(&name))).map_err(RunError::Output)?;
        let mut mark_and_pass = |mut batch: Vec<CheckResult>| {
            if interrupt::requested() {
                return Err(std::io::Error::new(std::io::ErrorKind::Interrupted, "interrupted"));
            }
            for result in &mut batch {
                if deliveries.observe(result) {
                    finishing.refinish(result);
                }
            }
            on_scanned(Scanned::Batch(batch))
        };
        let parallelism = Parallelism { threads: input.threads, chunk_bytes: READ_CHUNK };
        match check_stream(name, reader, &input.assess, parallelism, &mut mark_and_pass) {
            Ok(()) => {}
            Err(StreamError::Input(problem)) => {
                report::tell_problem(problems, &problem.to_string());
                outcome.input_problems += 1;
            }
            Err(StreamError::Output(error)) if error.kind() == std::io::ErrorKind::Interrupted => {
                return Err(RunError::Interrupted);
            }
            Err(StreamError::Output(error)) => return Err(RunError::Output(error)),
        }
    }
    progress.finish();
    outcome.duplicate_deliveries = deliveries.duplicates;
    outcome.conflicting_deliveries = deliveries.conflicts;
    Ok(outcome)
}

/// Checks every input of `config`, writing the report to `out` and problems to `problems`. With
/// `config.output`, the report goes to that file instead and `out` gets only the summary line.
pub fn run_check(config: &CheckConfig, out: &mut dyn Write, problems: &mut dyn Write) -> Result<Outcome, RunError> {
    if let Some(path) = &config.output {
        return run_check_to_file(config, path, out, problems);
    }
    let mut renderer = config.format.renderer(config.style);
    let mut summary = Summary::default();
    let mut on_scanned = |scanned: Scanned| {
        let Scanned::Batch(batch) = scanned else { return Ok(()) };
        summary.add_all(&batch);
        for result in &batch {
            if config.shown.shows(result) {
                renderer.result(out, result)?;
            }
        }
        out.flush()
    };
    let inputs = scan_inputs(&config.input, problems, &mut on_scanned)?;
    let outcome = Outcome { summary, input_problems: inputs.input_problems };
    let notices: Vec<_> = config.notice.then(|| contract::deprecation_notice(config.today)).into_iter().collect();
    renderer.finish(out, &outcome.summary, &notices).map_err(RunError::Output)?;
    out.flush().map_err(RunError::Output)?;
    if let Some(message) = outcome.nothing_found_message() {
        report::tell_problem(problems, &message);
    }
    Ok(outcome)
}

/// [`run_check`] with the report going to the file at `path`, then the summary line to `out`.
fn run_check_to_file(
    config: &CheckConfig,
    path: &std::path::Path,
    out: &mut dyn Write,
    problems: &mut dyn Write,
) -> Result<Outcome, RunError> {
    let refused = |input| Err(RunError::OutputIsInput { path: path.to_owned(), input });
    // An existing file is compared before it is emptied; a new one once it exists, and then it
    // goes again, as if it had never been made.
    let existing = same_file::Handle::from_path(path).ok();
    if let Some(existing) = &existing
        && let Some(input) = input::named_input_that_is(&config.input.paths, existing)
            .or_else(|| input::directory_holding(&config.input.paths, path))
    {
        return refused(input);
    }
    let file = std::fs::File::create(path).map_err(|source| RunError::OutputFile { path: path.to_owned(), source })?;
    let handle = file.try_clone().and_then(same_file::Handle::from_file).ok().map(std::sync::Arc::new);
    if existing.is_none()
        && let Some(input) =
            handle.as_deref().and_then(|handle| input::named_input_that_is(&config.input.paths, handle))
    {
        let _ = std::fs::remove_file(path);
        return refused(input);
    }
    let mut report = ReportFile { file: std::io::BufWriter::with_capacity(64 * 1024, file), failed: false };
    let mut to_file = CheckConfig { output: None, ..config.clone() };
    to_file.input.report_file = handle;
    let outcome = match run_check(&to_file, &mut report, problems) {
        Err(RunError::Output(source)) if report.failed => {
            return Err(RunError::OutputWrite { path: path.to_owned(), source });
        }
        result => result?,
    };
    writeln!(out, "{}", report::summary_line(&outcome.summary)).and_then(|()| out.flush()).map_err(RunError::Output)?;
    Ok(outcome)
}

/// A report file that remembers whether writing to it failed, to tell its errors from those of
/// standard error.
struct ReportFile {
    file: std::io::BufWriter<std::fs::File>,
    failed: bool,
}

impl Write for ReportFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.file.write(buf);
        self.failed |= written.as_ref().is_err_and(|e| e.kind() != std::io::ErrorKind::Interrupted);
        written
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let flushed = self.file.flush();
        self.failed |= flushed.as_ref().is_err_and(|e| e.kind() != std::io::ErrorKind::Interrupted);
        flushed
    }
}

/// Aggregates every input of `config` and writes the statistics to `out`.
pub fn run_stats(config: &StatsConfig, out: &mut dyn Write, problems: &mut dyn Write) -> Result<Outcome, RunError> {
    let mut stats = config.by.map_or_else(stats::Stats::default, stats::Stats::with_breakdown);
    let mut on_scanned = |scanned: Scanned| {
        match scanned {
            Scanned::Input(name) => stats.start_input(name),
            Scanned::Batch(batch) => stats.add_all(&batch),
        }
        Ok(())
    };
    let inputs = scan_inputs(&config.input, problems, &mut on_scanned)?;
    stats.set_deliveries(inputs.duplicate_deliveries, inputs.conflicting_deliveries);
    stats::render(&stats, config.format, config.input.color, out).map_err(RunError::Output)?;
    out.flush().map_err(RunError::Output)?;
    // The statistics count every result in a summary of their own, which is the run's.
    let outcome = Outcome { summary: stats.summary().clone(), input_problems: inputs.input_problems };
    if let Some(message) = outcome.nothing_found_message() {
        report::tell_problem(problems, &message);
    }
    Ok(outcome)
}
