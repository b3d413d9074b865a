//! The human rendering of `stats`: titled sections with bar charts and histograms, each title
//! naming the whole its shares are of; with a breakdown by file, a section with a line per input.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use super::{
    BIN_LABELS, Breakdown, Distribution, Stats, TOP_REASONS, bar, fraction, mean_text, percent, top_failure_reasons,
};
use crate::contract::{Severity, Status};
use crate::report::paint::Paint;
use crate::report::{escape_for_terminal, plural, summary_line};

/// How a row's label is coloured.
#[derive(Debug, Clone, Copy)]
enum Tone {
    Plain,
    Status(Status),
    Severity(Severity),
}

/// One row of a bar chart.
struct Row {
    label: String,
    /// A second column, such as a rule's severity.
    detail: Option<(String, Tone)>,
    tone: Tone,
    count: u64,
    /// `None` leaves the share column empty.
    share: Option<f64>,
}

impl Row {
    fn new(label: impl Into<String>, count: u64, share: Option<f64>) -> Self {
        Row { label: label.into(), detail: None, tone: Tone::Plain, count, share }
    }

    fn tone(mut self, tone: Tone) -> Self {
        self.tone = tone;
        self
    }
}

pub(super) fn render(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    overview(stats, paint, out)?;
    verdicts(stats, paint, out)?;
    kinds(stats, paint, out)?;
    reasons(stats, paint, out)?;
    error_codes(stats, paint, out)?;
    rules(stats, paint, out)?;
    deliveries(stats, paint, out)?;
    mended(stats, paint, out)?;
    let recognition = stats.recognition_confidence();
    let title = format!("Recognition confidence of PASS results ({})", of_values(recognition));
    distribution(&title, recognition, paint, out)?;
    let spoof = stats.spoof_confidence();
    let title = format!("Spoof confidence of every result that has one ({})", of_values(spoof));
    distribution(&title, spoof, paint, out)?;
    if stats.breakdown() == Some(Breakdown::File) {
        by_file(stats, paint, out)?;
    }
    writeln!(out, "{}", paint.bold(&summary_line(stats.summary())))
}

fn title(title: &str, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", paint.bold(title))
}

/// `share of 12 payloads`: the whole of the shares taken of every result.
fn of_payloads(stats: &Stats) -> String {
    format!("share of {}", plural(stats.summary.payloads, "payload"))
}

/// `share of 6 values in 0..1`: the whole of a histogram's shares.
fn of_values(dist: &Distribution) -> String {
    format!("share of {} in 0..1", plural(dist.count(), "value"))
}

fn overview(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    title(&format!("Payloads ({})", of_payloads(stats)), paint, out)?;
    let rows = [
        Row::new("payloads", stats.summary.payloads, None),
        Row::new("valid", stats.summary.valid, Some(stats.share(stats.summary.valid))),
        Row::new("invalid", stats.summary.invalid, Some(stats.share(stats.summary.invalid)))
            .tone(Tone::Severity(Severity::Error)),
    ];
    bars(&rows, max_count(&rows), paint, out)
}

fn verdicts(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    let whole = stats.with_status();
    title(&format!("Verdicts (share of {} with an overallStatus)", plural(whole, "payload")), paint, out)?;
    let rows = [
        Row::new(Status::Pass.name(), stats.summary.pass, Some(fraction(stats.summary.pass, whole)))
            .tone(Tone::Status(Status::Pass)),
        Row::new(Status::Fail.name(), stats.summary.fail, Some(fraction(stats.summary.fail, whole)))
            .tone(Tone::Status(Status::Fail)),
    ];
    bars(&rows, max_count(&rows), paint, out)
}

fn kinds(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    title(&format!("Kinds of webhook ({})", of_payloads(stats)), paint, out)?;
    let rows: Vec<Row> =
        stats.ranked_kinds().into_iter().map(|(kind, count)| Row::new(kind, count, Some(stats.share(count)))).collect();
    bars(&rows, max_count(&rows), paint, out)
}

/// The passing reason, of PASS results; the failure reasons, of FAIL results; and, only when
/// there are any, the reasons of payloads without a status, which belong to neither.
fn reasons(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    let sections = [
        ("passed", Status::Pass, stats.summary.pass, stats.pass_reasons()),
        ("failed", Status::Fail, stats.summary.fail, stats.failure_reasons()),
    ];
    for (verb, status, whole, reasons) in sections {
        title(&format!("Why attempts {verb} (share of {whole} {})", status.name()), paint, out)?;
        let rows: Vec<Row> = reasons
            .into_iter()
            .map(|(id, count)| Row::new(id, count, Some(fraction(count, whole))).tone(Tone::Status(status)))
            .collect();
        bars(&rows, max_count(&rows), paint, out)?;
    }
    let without_status = stats.reasons_without_status();
    if without_status.is_empty() {
        return Ok(());
    }
    let total = without_status.iter().map(|(_, count)| count).sum();
    title(
        &format!(
            "Reasons of payloads without an overallStatus ({}, not in the shares above)",
            plural(total, "payload")
        ),
        paint,
        out,
    )?;
    let rows: Vec<Row> = without_status
        .into_iter()
        .map(|(id, count)| Row::new(id, count, None).tone(Tone::Status(Status::Fail)))
        .collect();
    bars(&rows, max_count(&rows), paint, out)
}

fn error_codes(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    let whole = stats.with_error_code;
    title(&format!("Error codes (share of {} with an errorCode)", plural(whole, "payload")), paint, out)?;
    let rows: Vec<Row> = stats
        .ranked_error_codes()
        .into_iter()
        .map(|(code, count)| Row::new(code, count, Some(fraction(count, whole))))
        .collect();
    bars(&rows, max_count(&rows), paint, out)
}

fn rules(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    let findings = stats.findings();
    title(&format!("Rules fired (share of {})", plural(findings, "finding")), paint, out)?;
    let rows: Vec<Row> = stats
        .ranked_rules()
        .into_iter()
        .map(|(id, tally)| {
            let mut row = Row::new(id, tally.count, Some(fraction(tally.count, findings)));
            row.detail = Some((tally.severity.name().to_owned(), Tone::Severity(tally.severity)));
            row
        })
        .collect();
    bars(&rows, max_count(&rows), paint, out)
}

fn deliveries(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    title(&format!("Repeated deliveries ({})", of_payloads(stats)), paint, out)?;
    let duplicate = stats.duplicate_deliveries;
    let conflicting = stats.conflicting_deliveries;
    let rows = [
        Row::new("duplicate", duplicate, Some(stats.share(duplicate))).tone(Tone::Severity(Severity::Note)),
        Row::new("conflicting", conflicting, Some(stats.share(conflicting))).tone(Tone::Severity(Severity::Error)),
    ];
    bars(&rows, max_count(&rows), paint, out)
}

/// The unreadable results that read as a payload once mended, when there are any.
fn mended(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    let mended = stats.mended();
    if mended.count == 0 {
        return Ok(());
    }
    title(&format!("Unreadable, as mended ({})", of_payloads(stats)), paint, out)?;
    let rows = [
        Row::new("mended", mended.count, Some(stats.share(mended.count))),
        Row::new("as PASS", mended.pass, Some(stats.share(mended.pass))).tone(Tone::Status(Status::Pass)),
        Row::new("as FAIL", mended.fail, Some(stats.share(mended.fail))).tone(Tone::Status(Status::Fail)),
    ];
    bars(&rows, max_count(&rows), paint, out)
}

/// One line per input, in input order: its counts and its most frequent failure reasons. Input
/// names are escaped for the terminal and aligned by their display width.
fn by_file(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    title("By file (in input order)", paint, out)?;
    let inputs = stats.inputs();
    if inputs.is_empty() {
        writeln!(out, "  {}", paint.dim("none"))?;
        return writeln!(out);
    }
    let names: Vec<String> = inputs.iter().map(|input| escape_for_terminal(input.path()).into_owned()).collect();
    let name_width = names.iter().map(|name| name.width()).chain([INPUT.width()]).max().unwrap_or(0);
    let counts: Vec<[u64; 4]> =
        inputs.iter().map(|input| [input.payloads(), input.pass(), input.fail(), input.invalid()]).collect();
    let widths = BY_FILE_COLUMNS.map(|column| column.len());
    let widths = counts.iter().fold(widths, |widths, row| {
        let mut widths = widths;
        for (width, count) in widths.iter_mut().zip(row) {
            *width = (*width).max(count.to_string().len());
        }
        widths
    });
    let mut header = pad(INPUT, name_width);
    for (column, width) in BY_FILE_COLUMNS.iter().zip(widths) {
        header.push_str(&format!("  {column:>width$}"));
    }
    writeln!(out, "  {}", paint.dim(&format!("{header}  top {TOP_REASONS} failure reasons")))?;
    for ((input, name), row) in inputs.iter().zip(&names).zip(&counts) {
        let mut line = pad(name, name_width);
        for (count, width) in row.iter().zip(widths) {
            line.push_str(&format!("  {count:>width$}"));
        }
        line.push_str("  ");
        line.push_str(&top_failure_reasons(input));
        writeln!(out, "  {}", line.trim_end())?;
    }
    writeln!(out)
}

/// The first column's heading in a breakdown by file.
const INPUT: &str = "input";

/// The count columns of a breakdown by file, in order.
const BY_FILE_COLUMNS: [&str; 4] = ["payloads", "PASS", "FAIL", "invalid"];

/// `text` padded with spaces to `width` terminal columns.
fn pad(text: &str, width: usize) -> String {
    let padding = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(padding))
}

fn distribution(name: &str, dist: &Distribution, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    title(name, paint, out)?;
    let moments = match (dist.min(), dist.max(), dist.mean()) {
        (Some(min), Some(max), Some(mean)) => format!(
            "{}: min {}, max {}, mean {}",
            crate::report::plural(dist.count(), "value"),
            crate::rules::number(min),
            crate::rules::number(max),
            mean_text(mean)
        ),
        _ => "no values in 0..1".to_owned(),
    };
    writeln!(out, "  {}", paint.dim(&moments))?;
    let mut rows: Vec<Row> = BIN_LABELS
        .iter()
        .zip(dist.bins())
        .map(|(label, count)| Row::new(*label, count, Some(fraction(count, dist.count()))))
        .collect();
    rows.push(Row::new("out of range", dist.out_of_range(), None).tone(Tone::Severity(Severity::Error)));
    let max = dist.bins().into_iter().max().unwrap_or(0);
    bars(&rows, max, paint, out)
}

fn max_count(rows: &[Row]) -> u64 {
    rows.iter().map(|row| row.count).max().unwrap_or(0)
}

fn painted(text: &str, tone: Tone, paint: Paint) -> String {
    match tone {
        Tone::Plain => text.to_owned(),
        Tone::Status(status) => paint.status(Some(status), text),
        Tone::Severity(severity) => paint.severity(severity, text),
    }
}

/// Writes `rows` as `label  count  share  bar`, then a blank line. Bars are scaled so that
/// `max` (the largest count in the section) fills [`BAR_COLUMNS`]; rows without a share
/// (totals, out of range) get no bar.
fn bars(rows: &[Row], max: u64, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    if rows.is_empty() {
        writeln!(out, "  {}", paint.dim("none"))?;
        return writeln!(out);
    }
    let label_width = rows.iter().map(|row| row.label.chars().count()).max().unwrap_or(0);
    let detail_width = rows.iter().filter_map(|row| row.detail.as_ref()).map(|(d, _)| d.len()).max();
    let count_width = rows.iter().map(|row| row.count.to_string().len()).max().unwrap_or(1);
    for row in rows {
        let mut line = format!("  {}", painted(&format!("{:<label_width$}", row.label), row.tone, paint));
        if let (Some(width), Some((detail, tone))) = (detail_width, &row.detail) {
            line.push_str(&format!("  {}", painted(&format!("{detail:<width$}"), *tone, paint)));
        }
        line.push_str(&format!("  {:>count_width$}", row.count));
        if let Some(share) = row.share {
            line.push_str(&format!("  {:>6}  {}", percent(share), bar(row.count, max)));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out)
}
