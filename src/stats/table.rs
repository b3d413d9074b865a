//! The table rendering of `stats`: one comfy-table table per section, each share column's
//! heading naming its whole; with a breakdown by file, a table with a row per input.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};

use super::{
    BIN_LABELS, Breakdown, Distribution, Stats, TOP_REASONS, fraction, mean_text, percent, top_failure_reasons,
};
use crate::contract::Status;
use crate::report::{escape_for_terminal, plural, summary_line};

fn grid(header: &[&str], color: bool) -> Table {
    let mut grid = Table::new();
    grid.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    if color {
        grid.enforce_styling();
    } else {
        grid.force_no_tty();
    }
    grid
}

fn right(text: impl ToString) -> Cell {
    Cell::new(text.to_string()).set_alignment(CellAlignment::Right)
}

fn optional(value: Option<f64>, show: fn(f64) -> String) -> Cell {
    right(value.map(show).unwrap_or_default())
}

/// A table of `label | count | share` rows, or nothing when there are no rows.
fn counts(header: [&str; 3], rows: Vec<(String, u64, f64)>, color: bool, out: &mut dyn Write) -> io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut grid = grid(&header, color);
    for (label, count, share) in rows {
        grid.add_row(vec![Cell::new(label), right(count), right(percent(share))]);
    }
    writeln!(out, "{grid}")
}

/// `items` with each count's share of `whole`.
fn of<K: ToString>(items: Vec<(K, u64)>, whole: u64) -> Vec<(String, u64, f64)> {
    items.into_iter().map(|(key, count)| (key.to_string(), count, fraction(count, whole))).collect()
}

/// `share of 12 payloads`, the heading of a share column.
fn share_of(whole: u64, noun: &str) -> String {
    format!("share of {}", plural(whole, noun))
}

fn overview(stats: &Stats) -> Vec<(String, u64, f64)> {
    let rows = [
        ("payloads", stats.summary.payloads),
        ("valid", stats.summary.valid),
        ("invalid", stats.summary.invalid),
        ("duplicate deliveries", stats.duplicate_deliveries),
        ("conflicting deliveries", stats.conflicting_deliveries),
    ];
    let mended = stats.mended();
    let mended = [("unreadable, as mended", mended.count)].into_iter().filter(|_| mended.count > 0);
    of(rows.into_iter().chain(mended).collect(), stats.payloads())
}

/// The reasons: the passing reason, of PASS; the failure reasons, of FAIL; and, when there are
/// any, the reasons of payloads without a status, as counts.
fn reasons(stats: &Stats, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let (pass, fail) = (stats.summary.pass, stats.summary.fail);
    let pass_share = format!("share of {pass} {}", Status::Pass.name());
    counts(["why passed", Status::Pass.name(), &pass_share], of(stats.pass_reasons(), pass), color, out)?;
    let fail_share = format!("share of {fail} {}", Status::Fail.name());
    counts(["why failed", Status::Fail.name(), &fail_share], of(stats.failure_reasons(), fail), color, out)?;
    let without_status = stats.reasons_without_status();
    if without_status.is_empty() {
        return Ok(());
    }
    let mut grid = grid(&["reason without an overallStatus", "payloads"], color);
    for (id, count) in without_status {
        grid.add_row(vec![Cell::new(id), right(count)]);
    }
    writeln!(out, "{grid}")
}

/// One row per input, in input order, or nothing without a breakdown by file.
fn by_file(stats: &Stats, color: bool, out: &mut dyn Write) -> io::Result<()> {
    if stats.breakdown() != Some(Breakdown::File) {
        return Ok(());
    }
    let top = format!("top {TOP_REASONS} failure reasons");
    let mut grid = grid(&["input", "payloads", "PASS", "FAIL", "invalid", &top], color);
    for input in stats.inputs() {
        grid.add_row(vec![
            Cell::new(escape_for_terminal(input.path())),
            right(input.payloads()),
            right(input.pass()),
            right(input.fail()),
            right(input.invalid()),
            Cell::new(top_failure_reasons(input)),
        ]);
    }
    writeln!(out, "{grid}")
}

fn rules(stats: &Stats, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let rules = stats.ranked_rules();
    if rules.is_empty() {
        return Ok(());
    }
    let findings = stats.findings();
    let mut grid = grid(&["rule", "severity", "findings", &share_of(findings, "finding")], color);
    for (id, tally) in rules {
        let share = percent(fraction(tally.count, findings));
        grid.add_row(vec![Cell::new(id), Cell::new(tally.severity.name()), right(tally.count), right(share)]);
    }
    writeln!(out, "{grid}")
}

fn moments(stats: &Stats, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let mut grid = grid(&["confidence", "values", "min", "max", "mean", "out of range"], color);
    for (name, dist) in [("recognition (PASS)", &stats.recognition), ("spoof", &stats.spoof)] {
        grid.add_row(vec![
            Cell::new(name),
            right(dist.count()),
            optional(dist.min(), crate::rules::number),
            optional(dist.max(), crate::rules::number),
            optional(dist.mean(), mean_text),
            right(dist.out_of_range()),
        ]);
    }
    writeln!(out, "{grid}")
}

fn histogram(name: &str, dist: &Distribution, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let rows = BIN_LABELS
        .iter()
        .zip(dist.bins())
        .map(|(label, count)| ((*label).to_owned(), count, fraction(count, dist.count())))
        .collect();
    let share = format!("{} in 0..1", share_of(dist.count(), "value"));
    counts([name, "count", &share], rows, color, out)
}

pub(super) fn render(stats: &Stats, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let payloads = share_of(stats.payloads(), "payload");
    counts(["measure", "count", &payloads], overview(stats), color, out)?;
    let with_status = stats.with_status();
    let verdicts = vec![(Status::Pass.name(), stats.summary.pass), (Status::Fail.name(), stats.summary.fail)];
    let verdict_share = format!("{} with an overallStatus", share_of(with_status, "payload"));
    counts(["verdict", "payloads", &verdict_share], of(verdicts, with_status), color, out)?;
    counts(["kind", "payloads", &payloads], of(stats.ranked_kinds(), stats.payloads()), color, out)?;
    reasons(stats, color, out)?;
    let coded = stats.with_error_code;
    let coded_share = format!("{} with an errorCode", share_of(coded, "payload"));
    counts(["errorCode", "payloads", &coded_share], of(stats.ranked_error_codes(), coded), color, out)?;
    rules(stats, color, out)?;
    moments(stats, color, out)?;
    histogram("recognition confidence (PASS)", &stats.recognition, color, out)?;
    histogram("spoof confidence", &stats.spoof, color, out)?;
    by_file(stats, color, out)?;
    writeln!(out, "{}", summary_line(stats.summary()))
}
