//! The table format: one row per payload and, for several payloads, a table of counts per
//! reason, then the summary line.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table as Grid, presets};

use super::{Notice, Renderer, Style, escape_for_terminal, summary_line};
use crate::verdict::{CheckResult, Summary};

pub struct Table {
    style: Style,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(style: Style) -> Self {
        Table { style, rows: Vec::new() }
    }

    fn grid(&self, header: &[&str]) -> Grid {
        let mut grid = Grid::new();
        grid.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(header.to_vec());
        if self.style.color {
            grid.enforce_styling();
        } else {
            grid.force_no_tty();
        }
        grid
    }
}

fn number_cell(value: Option<f64>) -> Cell {
    Cell::new(value.map(crate::rules::number).unwrap_or_default()).set_alignment(CellAlignment::Right)
}

impl Renderer for Table {
    fn result(&mut self, _out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
        let status = result.status.map_or_else(|| "-".to_owned(), |s| s.name().to_owned());
        let reason = result.headline();
        let mut rules: Vec<String> =
            result.findings.iter().map(|f| format!("{}[{}]", f.severity.name(), f.rule.id())).collect();
        rules.dedup();
        let source =
            format!("{}:{}:{}", escape_for_terminal(&result.source.path), result.source.line, result.source.column);
        let customer = result.customer_id.as_deref().map(escape_for_terminal).unwrap_or_default().into_owned();
        self.rows.push(vec![
            Cell::new(source),
            Cell::new(status),
            Cell::new(reason),
            number_cell(result.overall_score),
            number_cell(result.spoof_confidence),
            Cell::new(customer),
            Cell::new(rules.join(" ")),
        ]);
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary, notices: &[Notice]) -> io::Result<()> {
        let mut grid = self.grid(&["source", "status", "reason", "score", "spoof", "customer", "findings"]);
        for row in self.rows.drain(..) {
            grid.add_row(row);
        }
        writeln!(out, "{grid}")?;
        if summary.payloads > 1 && !summary.reasons.is_empty() {
            let mut counts = self.grid(&["reason", "payloads", "share"]);
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
