//! The human rendering of `stats`: titled sections with bar charts and histograms.

use std::io::{self, Write};

use super::{BIN_LABELS, Distribution, Stats, bar, fraction, mean_text, percent};
use crate::contract::{ReasonCode, Severity, Status};
use crate::report::paint::Paint;
use crate::report::summary_line;

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
    kinds(stats, paint, out)?;
    reasons(stats, paint, out)?;
    error_codes(stats, paint, out)?;
    rules(stats, paint, out)?;
    deliveries(stats, paint, out)?;
    let recognition = "Recognition confidence (PASS results)";
    distribution(recognition, stats.recognition_confidence(), paint, out)?;
    distribution("Spoof confidence (every result that has one)", stats.spoof_confidence(), paint, out)?;
    writeln!(out, "{}", paint.bold(&summary_line(stats.summary())))
}

fn title(title: &str, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", paint.bold(title))
}

fn overview(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    title("Payloads", paint, out)?;
    let rows = [
        Row::new("payloads", stats.summary.payloads, None),
        Row::new("valid", stats.summary.valid, Some(stats.share(stats.summary.valid))),
        Row::new("invalid", stats.summary.invalid, Some(stats.share(stats.summary.invalid)))
            .tone(Tone::Severity(Severity::Error)),
        Row::new(Status::Pass.name(), stats.summary.pass, Some(stats.share(stats.summary.pass)))
            .tone(Tone::Status(Status::Pass)),
        Row::new(Status::Fail.name(), stats.summary.fail, Some(stats.share(stats.summary.fail)))
            .tone(Tone::Status(Status::Fail)),
    ];
    bars(&rows, max_count(&rows), paint, out)
}

fn kinds(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    title("Kinds of webhook", paint, out)?;
    let rows: Vec<Row> =
        stats.ranked_kinds().into_iter().map(|(kind, count)| Row::new(kind, count, Some(stats.share(count)))).collect();
    bars(&rows, max_count(&rows), paint, out)
}

fn reasons(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    title("Decisive reasons", paint, out)?;
    let rows: Vec<Row> = stats
        .ranked_reasons()
        .into_iter()
        .map(|(id, count)| {
            let status =
                if ReasonCode::from_id(id) == Some(ReasonCode::FaceMatched) { Status::Pass } else { Status::Fail };
            Row::new(id, count, Some(stats.share(count))).tone(Tone::Status(status))
        })
        .collect();
    bars(&rows, max_count(&rows), paint, out)
}

fn error_codes(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    title("Error codes", paint, out)?;
    let rows: Vec<Row> = stats
        .ranked_error_codes()
        .into_iter()
        .map(|(code, count)| Row::new(code, count, Some(stats.share(count))))
        .collect();
    bars(&rows, max_count(&rows), paint, out)
}

fn rules(stats: &Stats, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    let findings = stats.findings();
    title(&format!("Rules fired ({} in all)", crate::report::plural(findings, "finding")), paint, out)?;
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
    title("Repeated deliveries", paint, out)?;
    let duplicate = stats.duplicate_deliveries;
    let conflicting = stats.conflicting_deliveries;
    let rows = [
        Row::new("duplicate", duplicate, Some(stats.share(duplicate))).tone(Tone::Severity(Severity::Note)),
        Row::new("conflicting", conflicting, Some(stats.share(conflicting))).tone(Tone::Severity(Severity::Error)),
    ];
    bars(&rows, max_count(&rows), paint, out)
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
