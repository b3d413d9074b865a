//! The table format: one row per payload and, for several payloads, a table of counts per
//! reason, then the summary line.
//!
//! A table's column widths depend on every row, so rows are spooled as they come (to a temporary
//! file once they are large) with the widest cell of each column noted; at the end they are read
//! back and drawn a slice at a time with those widths, the slices joined into one table. Memory
//! holds one slice, however many payloads there are.

use std::io::{self, BufRead, Write};

use comfy_table::{Cell, CellAlignment, ColumnConstraint, ContentArrangement, Table as Grid, Width, presets};
use unicode_width::UnicodeWidthStr;

use super::spool::Spool;
use super::{Notice, Renderer, Style, escape_for_terminal, summary_line};
use crate::assess::{CheckResult, Summary};

/// The columns of the payload table.
const HEADER: [&str; 7] = ["source", "status", "reason", "score", "spoof", "customer", "findings"];

/// Columns whose numbers are right-aligned.
const NUMERIC: [bool; 7] = [false, false, false, true, true, false, false];

/// Rows drawn at a time.
const SLICE: usize = 1000;

/// The lines of a drawn slice that the next slice does not repeat: the top border, the header
/// and the line under it.
const HEAD_LINES: usize = 3;

pub struct Table {
    style: Style,
    /// Every row so far, one JSON array of cells per line.
    rows: Spool,
    count: usize,
    /// The widest cell of each column so far, the header included.
    widths: [usize; 7],
}

impl Table {
    pub fn new(style: Style) -> Self {
        Table { style, rows: Spool::default(), count: 0, widths: HEADER.map(UnicodeWidthStr::width) }
    }

    /// Draws the payload rows, a slice at a time, as one table.
    fn write_rows(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let (style, widths) = (self.style, self.widths);
        let slices = self.count.div_ceil(SLICE).max(1);
        let mut rows = self.rows.read_back()?;
        let mut line = String::new();
        for slice in 0..slices {
            let mut grid = slice_grid(style, widths);
            for _ in 0..SLICE {
                line.clear();
                if rows.read_line(&mut line)? == 0 {
                    break;
                }
                let cells: Vec<String> = serde_json::from_str(&line)?;
                grid.add_row(cells.into_iter().zip(NUMERIC).map(|(text, numeric)| {
                    let cell = Cell::new(text);
                    if numeric { cell.set_alignment(CellAlignment::Right) } else { cell }
                }));
            }
            write_slice(out, &grid.to_string(), slice == 0, slice + 1 == slices)?;
        }
        Ok(())
    }
}

/// An empty table with `header`, drawn as `style` says.
fn grid(style: Style, header: &[&str]) -> Grid {
    let mut grid = Grid::new();
    grid.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    if style.color {
        grid.enforce_styling();
    } else {
        grid.force_no_tty();
    }
    grid
}

/// A grid for one slice of the payload rows, its columns as wide as `widths` (the widest cells
/// of all the rows).
fn slice_grid(style: Style, widths: [usize; 7]) -> Grid {
    let mut grid = grid(style, &HEADER);
    let constraints = widths.map(|width| {
        let padded = u16::try_from(width + 2).unwrap_or(u16::MAX);
        ColumnConstraint::Absolute(Width::Fixed(padded))
    });
    grid.set_constraints(constraints);
    grid
}

/// Writes one drawn slice: the first keeps its head, the last its bottom border.
fn write_slice(out: &mut dyn Write, drawing: &str, first: bool, last: bool) -> io::Result<()> {
    let lines: Vec<&str> = drawing.lines().collect();
    let from = if first { 0 } else { HEAD_LINES.min(lines.len()) };
    let to = if last { lines.len() } else { lines.len().saturating_sub(1) };
    for line in lines.get(from..to.max(from)).unwrap_or_default() {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn number_text(value: Option<f64>) -> String {
    value.map(crate::rules::number).unwrap_or_default()
}

impl Renderer for Table {
    fn result(&mut self, _out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
        let status = result.status.map_or_else(|| "-".to_owned(), |s| s.name().to_owned());
        let mut rules: Vec<String> =
            result.findings.iter().map(|f| format!("{}[{}]", f.severity.name(), f.rule.id())).collect();
        rules.dedup();
        let source =
            format!("{}:{}:{}", escape_for_terminal(&result.source.path), result.source.line, result.source.column);
        let customer = result.customer_id.as_deref().map(escape_for_terminal).unwrap_or_default().into_owned();
        let cells = [
            source,
            status,
            result.headline().to_owned(),
            number_text(result.overall_score),
            number_text(result.spoof_confidence),
            customer,
            rules.join(" "),
        ];
        for (width, cell) in self.widths.iter_mut().zip(&cells) {
            *width = (*width).max(cell.width());
        }
        serde_json::to_writer(&mut self.rows, &cells)?;
        self.rows.write_all(b"\n")?;
        self.count += 1;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary, notices: &[Notice]) -> io::Result<()> {
        self.write_rows(out)?;
        if summary.payloads > 1 && !summary.reasons.is_empty() {
            let mut counts = grid(self.style, &["reason", "payloads", "share"]);
            for (reason, count) in &summary.reasons {
                let share = format!("{:.1}%", 100.0 * *count as f64 / summary.payloads as f64);
                counts.add_row(vec![
                    Cell::new(reason),
                    Cell::new(count).set_alignment(CellAlignment::Right),
                    Cell::new(share).set_alignment(CellAlignment::Right),
                ]);
            }
            writeln!(out, "{counts}")?;
        }
        writeln!(out, "{}", summary_line(summary))?;
        for notice in notices {
            writeln!(out, "note: {}", notice.message)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::report::Format;

    #[test]
    fn renders_the_samples() {
        insta::assert_snapshot!(crate::report::tests::render_samples(Format::Table));
    }
}
