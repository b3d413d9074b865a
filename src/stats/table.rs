//! The table rendering of `stats`: one comfy-table table per section.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};

use super::{BIN_LABELS, Distribution, Stats, fraction, mean_text, percent};
use crate::contract::Status;
use crate::report::summary_line;

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

fn with_shares<K: ToString>(stats: &Stats, items: Vec<(K, u64)>) -> Vec<(String, u64, f64)> {
    items.into_iter().map(|(key, count)| (key.to_string(), count, stats.share(count))).collect()
}

fn overview(stats: &Stats) -> Vec<(String, u64, f64)> {
    let rows = [
        ("payloads", stats.summary.payloads),
        ("valid", stats.summary.valid),
        ("invalid", stats.summary.invalid),
        (Status::Pass.name(), stats.summary.pass),
        (Status::Fail.name(), stats.summary.fail),
        ("duplicate deliveries", stats.duplicate_deliveries),
        ("conflicting deliveries", stats.conflicting_deliveries),
    ];
    with_shares(stats, rows.to_vec())
}

fn rules(stats: &Stats, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let rules = stats.ranked_rules();
    if rules.is_empty() {
        return Ok(());
    }
    let mut grid = grid(&["rule", "severity", "findings", "share"], color);
    for (id, tally) in rules {
        let share = percent(fraction(tally.count, stats.findings()));
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
    counts([name, "count", "share"], rows, color, out)
}

pub(super) fn render(stats: &Stats, color: bool, out: &mut dyn Write) -> io::Result<()> {
    counts(["measure", "count", "share"], overview(stats), color, out)?;
    counts(["kind", "payloads", "share"], with_shares(stats, stats.ranked_kinds()), color, out)?;
    counts(["decisive reason", "payloads", "share"], with_shares(stats, stats.ranked_reasons()), color, out)?;
    counts(["errorCode", "payloads", "share"], with_shares(stats, stats.ranked_error_codes()), color, out)?;
    rules(stats, color, out)?;
    moments(stats, color, out)?;
    histogram("recognition confidence (PASS)", &stats.recognition, color, out)?;
    histogram("spoof confidence", &stats.spoof, color, out)?;
    writeln!(out, "{}", summary_line(stats.summary()))
}
