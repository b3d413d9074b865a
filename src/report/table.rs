//! The table format: one row per payload and, for several payloads, a table of counts per
//! reason, then the summary line.
//!
//! A table's column widths depend on every row, so rows are spooled as they come (to a temporary
//! file once they are large) with the widest cell of each column noted; at the end they are read
//! back and drawn a slice at a time with those widths, the slices joined into one table. Memory
//! holds one slice, however many payloads there are. Since every row is spooled before the first
//! is drawn, the `time` column can be shown only when some payload has a capture time
//! ([`CheckResult::captured_at`]), and then in every slice.
//!
//! With a width to fit ([`Style::width`], a terminal's), no line of a table is wider: the columns
//! are narrowed, the least important first ([`PAYLOAD_COLUMNS`] ranks them), each down to its
//! narrowest; when even that does not fit, the least important columns are left out, down to
//! status, reason and source. A cell wider than its column is cut by display width, never inside
//! a character, and `…` marks the cut: at the end, or at the start for the source, which keeps
//! its line and column. Without one (a pipe, a file), every cell is shown whole.

use std::borrow::Cow;
use std::io::{self, BufRead, Write};

use comfy_table::{Cell, CellAlignment, ColumnConstraint, ContentArrangement, Table as Grid, Width, presets};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::spool::Spool;
use super::{Notice, Renderer, Style, escape_for_terminal, summary_line};
use crate::assess::{CheckResult, Summary};
use crate::contract::{Rule, Severity};

/// A column of a table.
#[derive(Debug, Clone, Copy)]
struct Column {
    header: &'static str,
    /// Numbers, right-aligned.
    numeric: bool,
    /// Cut at its start rather than its end (a source keeps its line and column).
    keep_end: bool,
    /// The narrowest the column is made before less important ones are left out.
    narrowest: usize,
    /// 0 is the most important; the least important columns give way first. Those ranked below
    /// [`NEVER_LEFT_OUT`] are never left out.
    rank: u8,
}

impl Column {
    const fn text(header: &'static str, narrowest: usize, rank: u8) -> Self {
        Column { header, numeric: false, keep_end: false, narrowest, rank }
    }

    const fn number(header: &'static str, narrowest: usize, rank: u8) -> Self {
        Column { header, numeric: true, keep_end: false, narrowest, rank }
    }
}

/// Columns ranked below this are never left out.
const NEVER_LEFT_OUT: u8 = 3;

/// The columns of the payload table, in order. From the most important: status, reason,
/// source, findings (an invalid payload shows only there), time, transaction, errorCode (which
/// the reason mostly tells), customer, score, spoof.
const PAYLOAD_COLUMNS: [Column; 10] = [
    Column { header: "source", numeric: false, keep_end: true, narrowest: 16, rank: 2 },
    Column::text("time", 20, 4),
    Column::text("status", 6, 0),
    Column::text("reason", 12, 1),
    Column::number("errorCode", 9, 6),
    Column::number("score", 8, 8),
    Column::number("spoof", 8, 9),
    Column::text("customer", 10, 7),
    Column::text("transaction", 11, 5),
    Column::text("findings", 13, 3),
];

/// Where the time column is in [`PAYLOAD_COLUMNS`].
const TIME: usize = 1;

/// The columns of the table of counts per reason.
const COUNT_COLUMNS: [Column; 3] =
    [Column::text("reason", 12, 0), Column::number("payloads", 8, 1), Column::number("share", 6, 2)];

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
    widths: [usize; 10],
    /// Whether some row has a capture time.
    any_time: bool,
}

impl Table {
    pub fn new(style: Style) -> Self {
        let widths = PAYLOAD_COLUMNS.map(|column| column.header.width());
        Table { style, rows: Spool::default(), count: 0, widths, any_time: false }
    }

    /// Draws the payload rows, a slice at a time, as one table.
    fn write_rows(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let mut shown = [true; 10];
        if let Some(time) = shown.get_mut(TIME) {
            *time = self.any_time;
        }
        let widths = fit(&PAYLOAD_COLUMNS, &self.widths, &shown, self.style.width);
        let slices = self.count.div_ceil(SLICE).max(1);
        let mut rows = self.rows.read_back()?;
        let mut line = String::new();
        for slice in 0..slices {
            let mut grid = fitted_grid(self.style, &PAYLOAD_COLUMNS, &widths);
            for _ in 0..SLICE {
                line.clear();
                if rows.read_line(&mut line)? == 0 {
                    break;
                }
                let cells: Vec<String> = serde_json::from_str(&line)?;
                grid.add_row(fitted_row(&PAYLOAD_COLUMNS, &widths, &cells, false));
            }
            write_slice(out, &grid.to_string(), slice == 0, slice + 1 == slices)?;
        }
        Ok(())
    }
}

/// An empty grid drawn as `style` says.
fn grid(style: Style) -> Grid {
    let mut grid = Grid::new();
    grid.load_preset(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Disabled);
    if style.color {
        grid.enforce_styling();
    } else {
        grid.force_no_tty();
    }
    grid
}

/// A grid with the header of `columns`, each as wide as `widths` says, those left out (`None`)
/// left out.
fn fitted_grid(style: Style, columns: &[Column], widths: &[Option<usize>]) -> Grid {
    let mut grid = grid(style);
    let headers: Vec<&str> = columns.iter().map(|column| column.header).collect();
    grid.set_header(fitted_row(columns, widths, &headers, true));
    let constraints = widths.iter().flatten().map(|width| {
        let padded = u16::try_from(width + 2).unwrap_or(u16::MAX);
        ColumnConstraint::Absolute(Width::Fixed(padded))
    });
    grid.set_constraints(constraints);
    grid
}

/// The cells of one row of `columns`, each cut to its column's width; those of columns left out
/// are left out. Numbers are right-aligned, but not in the header.
fn fitted_row<S: AsRef<str>>(columns: &[Column], widths: &[Option<usize>], cells: &[S], header: bool) -> Vec<Cell> {
    columns
        .iter()
        .zip(widths)
        .zip(cells)
        .filter_map(|((column, width), text)| {
            let cell = Cell::new(cut(text.as_ref(), (*width)?, column.keep_end));
            Some(if column.numeric && !header { cell.set_alignment(CellAlignment::Right) } else { cell })
        })
        .collect()
}

/// How wide each column of a table is drawn, `None` for those left out: as wide as its widest
/// cell (`widest`, the header included) when the table fits `width` so, or when there is no
/// width to fit; else narrower, the least important first, each down to its narrowest, then the
/// least important left out until the rest fit (never those ranked below [`NEVER_LEFT_OUT`]),
/// and the room that leaves given back, the most important first. A width too small for even
/// that cuts the columns kept further, down to one column each. Only the columns `shown` are
/// drawn.
fn fit(columns: &[Column], widest: &[usize], shown: &[bool], width: Option<usize>) -> Vec<Option<usize>> {
    let natural: Vec<Option<usize>> = widest.iter().zip(shown).map(|(&wide, &shown)| shown.then_some(wide)).collect();
    let Some(width) = width else { return natural };
    if drawn_width(&natural) <= width {
        return natural;
    }
    // The columns drawn, least important first.
    let mut giving_way: Vec<(usize, &Column)> =
        columns.iter().enumerate().filter(|(at, _)| natural.get(*at).is_some_and(Option::is_some)).collect();
    giving_way.sort_by_key(|(_, column)| std::cmp::Reverse(column.rank));
    let mut widths: Vec<Option<usize>> =
        natural.iter().zip(columns).map(|(wide, column)| wide.map(|wide| wide.min(column.narrowest))).collect();
    for (at, column) in &giving_way {
        if drawn_width(&widths) <= width || column.rank < NEVER_LEFT_OUT {
            break;
        }
        if let Some(left_out) = widths.get_mut(*at) {
            *left_out = None;
        }
    }
    let mut room = width.saturating_sub(drawn_width(&widths));
    for (at, _) in giving_way.iter().rev() {
        if let (Some(Some(drawn)), Some(Some(wide))) = (widths.get_mut(*at), natural.get(*at)) {
            let more = room.min(wide.saturating_sub(*drawn));
            *drawn += more;
            room -= more;
        }
    }
    let mut excess = drawn_width(&widths).saturating_sub(width);
    for (at, _) in &giving_way {
        if let Some(Some(drawn)) = widths.get_mut(*at) {
            let less = excess.min(drawn.saturating_sub(1));
            *drawn -= less;
            excess -= less;
        }
    }
    widths
}

/// How wide a table is drawn whose columns are `widths` wide: each has a space either side and a
/// line after it, and the first a line before it too.
fn drawn_width(widths: &[Option<usize>]) -> usize {
    1 + widths.iter().flatten().map(|width| width + 3).sum::<usize>()
}

/// `text` cut to `width` display columns, `…` marking where: at the end, or with `keep_end` at
/// the start. It is cut between characters, by the width a terminal gives them (a wide CJK
/// character or emoji takes two columns).
fn cut(text: &str, width: usize, keep_end: bool) -> Cow<'_, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    let Some(room) = width.checked_sub(1) else { return Cow::Borrowed("") };
    // Characters of no width (combining marks) count too, so that a long run of them costs
    // little: more than this many are never kept.
    let most = room.saturating_mul(4).saturating_add(8);
    let mut used = 0;
    let mut fits = |c: char| {
        used += c.width().unwrap_or(0);
        used <= room
    };
    if keep_end {
        let start =
            text.char_indices().rev().take(most).take_while(|(_, c)| fits(*c)).last().map_or(text.len(), |(at, _)| at);
        let mut kept = text.get(start..).unwrap_or_default();
        // A sequence (an emoji and its variation selector) can be wider than its characters.
        while kept.width() > room {
            let mut chars = kept.chars();
            chars.next();
            kept = chars.as_str();
        }
        Cow::Owned(format!("…{kept}"))
    } else {
        let end =
            text.char_indices().take(most).take_while(|(_, c)| fits(*c)).last().map_or(0, |(at, c)| at + c.len_utf8());
        let mut kept = text.get(..end).unwrap_or_default();
        while kept.width() > room {
            let mut chars = kept.chars();
            chars.next_back();
            kept = chars.as_str();
        }
        Cow::Owned(format!("{kept}…"))
    }
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

/// Each rule a result's findings break, once, in the order first found, with how many times
/// when more than once: a payload with thousands of findings still makes a short cell.
fn finding_counts(result: &CheckResult) -> String {
    let mut counts: Vec<(Severity, Rule, usize)> = Vec::new();
    for finding in &result.findings {
        match counts.iter_mut().find(|(severity, rule, _)| (*severity, *rule) == (finding.severity, finding.rule)) {
            Some((_, _, count)) => *count += 1,
            None => counts.push((finding.severity, finding.rule, 1)),
        }
    }
    let shown: Vec<String> = counts
        .iter()
        .map(|(severity, rule, count)| match count {
            1 => format!("{}[{}]", severity.name(), rule.id()),
            _ => format!("{}[{}]×{count}", severity.name(), rule.id()),
        })
        .collect();
    shown.join(" ")
}

/// Text from a payload, safe for a terminal; empty when absent.
fn text_of(text: Option<&str>) -> String {
    text.map(escape_for_terminal).unwrap_or_default().into_owned()
}

/// The widest a cell is drawn, in display columns, wherever the table goes: a value wider (an
/// id of 200,000 characters) is cut with `…`, since drawing it would take the table minutes.
const MAX_CELL_WIDTH: usize = 1_000;

impl Renderer for Table {
    fn result(&mut self, _out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
        let status = result.status.map_or_else(|| "-".to_owned(), |s| s.name().to_owned());
        let rules = finding_counts(result);
        let source =
            format!("{}:{}:{}", escape_for_terminal(&result.source.path), result.source.line, result.source.column);
        let cells = [
            source,
            text_of(result.captured_at.as_deref()),
            status,
            result.described().into_owned(),
            result.error_code.map(|code| code.to_string()).unwrap_or_default(),
            number_text(result.overall_score),
            number_text(result.spoof_confidence),
            text_of(result.customer_id.as_deref()),
            text_of(result.transaction_id.as_deref()),
            rules,
        ]
        .map(|cell| match cut(&cell, MAX_CELL_WIDTH, false) {
            Cow::Borrowed(_) => cell,
            Cow::Owned(cut) => cut,
        });
        for (width, cell) in self.widths.iter_mut().zip(&cells) {
            *width = (*width).max(cell.width());
        }
        self.any_time |= result.captured_at.is_some();
        serde_json::to_writer(&mut self.rows, &cells)?;
        self.rows.write_all(b"\n")?;
        self.count += 1;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary, notices: &[Notice]) -> io::Result<()> {
        self.write_rows(out)?;
        if summary.payloads > 1 && !summary.reasons.is_empty() {
            let rows: Vec<[String; 3]> = summary
                .reasons
                .iter()
                .map(|(reason, count)| {
                    let share = format!("{:.1}%", 100.0 * *count as f64 / summary.payloads as f64);
                    [(*reason).to_owned(), count.to_string(), share]
                })
                .collect();
            let mut widest = COUNT_COLUMNS.map(|column| column.header.width());
            for row in &rows {
                for (wide, cell) in widest.iter_mut().zip(row) {
                    *wide = (*wide).max(cell.width());
                }
            }
            let widths = fit(&COUNT_COLUMNS, &widest, &[true; 3], self.style.width);
            let mut counts = fitted_grid(self.style, &COUNT_COLUMNS, &widths);
            for row in &rows {
                counts.add_row(fitted_row(&COUNT_COLUMNS, &widths, row, false));
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
    use super::*;
    use crate::report::Format;

    #[test]
    fn renders_the_samples() {
        insta::assert_snapshot!(crate::report::tests::render_samples(Format::Table));
    }

    /// The table of `body` checked, drawn within `width`.
    fn table_of(body: &str, width: Option<usize>) -> String {
        let results = crate::Checker::new().check_body(body.as_bytes()).unwrap_or_default();
        let mut table = Table::new(Style { width, ..Style::default() });
        let mut summary = Summary::default();
        let mut out = Vec::new();
        for result in &results {
            summary.add(result);
            table.result(&mut out, result).unwrap_or_default();
        }
        table.finish(&mut out, &summary, &[]).unwrap_or_default();
        String::from_utf8_lossy(&out).into_owned()
    }

    /// A capture with a date-time on two of its lines and values longer than any column.
    fn stamped_log() -> String {
        let sample = |name| crate::contract::samples::find(name).map(|s| s.compact()).unwrap_or_default();
        let long = sample("pass").replace("67460a9995516d9a553aa95b", &"顧客".repeat(30));
        format!(
            "2026-11-25T10:00:00.123456Z INFO body={long}\n{}\n2026-11-25 10:00:02+01:00 WARN body={}\n",
            sample("spoof"),
            sample("blacklisted")
        )
    }

    #[test]
    fn a_time_column_comes_with_a_capture_time_and_the_table_fits_a_terminal() {
        let log = stamped_log();
        let whole = table_of(&log, None);
        assert!(whole.contains("┆ time "), "{whole}");
        assert!(whole.contains(&"顧客".repeat(30)) && !whole.contains('…'), "{whole}");
        for width in [80, 100, 120, 160] {
            let fitted = table_of(&log, Some(width));
            let table_lines = fitted.lines().filter(|line| line.starts_with(['┌', '│', '╞', '└']));
            for line in table_lines {
                assert!(line.width() <= width, "{} columns, wider than {width}:\n{fitted}", line.width());
            }
            assert!(fitted.contains('…'), "{fitted}");
        }
        insta::assert_snapshot!(table_of(&log, Some(120)));
        let without = table_of(crate::contract::samples::find("pass").map(|s| s.json).unwrap_or_default(), None);
        assert!(!without.contains("┆ time "), "{without}");
    }

    fn columns(count: usize) -> Vec<Column> {
        (0..count).map(|rank| Column::text("c", 4, u8::try_from(rank).unwrap_or(u8::MAX))).collect()
    }

    #[test]
    fn fitting_narrows_the_least_important_columns_first_then_leaves_them_out() {
        let columns = columns(5);
        let widest = [10, 10, 10, 10, 10];
        let shown = [true; 5];
        let natural = vec![Some(10); 5];
        assert_eq!(fit(&columns, &widest, &shown, None), natural);
        assert_eq!(drawn_width(&natural), 66);
        assert_eq!(fit(&columns, &widest, &shown, Some(66)), natural);
        // Six columns short: the least important (the last) gives them all.
        assert_eq!(fit(&columns, &widest, &shown, Some(60)), [Some(10), Some(10), Some(10), Some(10), Some(4)]);
        assert_eq!(fit(&columns, &widest, &shown, Some(58)), [Some(10), Some(10), Some(10), Some(8), Some(4)]);
        // At their narrowest they take 1 + 5 * 7 = 36; below that the least important go.
        assert_eq!(fit(&columns, &widest, &shown, Some(36)), vec![Some(4); 5]);
        assert_eq!(fit(&columns, &widest, &shown, Some(35)), [Some(10), Some(4), Some(4), Some(4), None]);
        // Status, reason and source (ranked 0 to 2) stay, cut further on a very narrow terminal.
        assert_eq!(fit(&columns, &widest, &shown, Some(10)), [Some(1), Some(1), Some(1), None, None]);
        // A column not shown takes no room.
        let shown = [true, true, false, true, true];
        assert_eq!(fit(&columns, &widest, &shown, Some(53)), [Some(10), Some(10), None, Some(10), Some(10)]);
    }

    #[test]
    fn the_payload_table_is_never_wider_than_asked_down_to_its_three_columns() {
        let widest = [60, 35, 6, 23, 9, 13, 13, 120, 120, 80];
        for shown_time in [false, true] {
            let mut shown = [true; 10];
            shown[TIME] = shown_time;
            let smallest = drawn_width(&[Some(1), Some(1), Some(1)]);
            for width in smallest..400 {
                let widths = fit(&PAYLOAD_COLUMNS, &widest, &shown, Some(width));
                assert!(drawn_width(&widths) <= width, "{width}: {widths:?}");
                assert!(widths[2].is_some() && widths[3].is_some() && widths[0].is_some(), "{width}: {widths:?}");
                assert_eq!(widths[TIME].is_some(), shown_time && widths[TIME].is_some());
            }
        }
    }

    #[test]
    fn cutting_keeps_whole_characters_within_the_width() {
        assert_eq!(cut("short", 5, false), "short");
        assert_eq!(cut("a longer text", 6, false), "a lon…");
        assert_eq!(cut("samples/captured.log:19:67", 12, true), "…d.log:19:67");
        assert_eq!(cut("abc", 1, false), "…");
        assert_eq!(cut("abc", 0, false), "");
        // Wide characters take two columns and are never split: a cut that would halve one
        // leaves a column unused.
        assert_eq!(cut("顧客顧客", 6, false), "顧客…");
        assert_eq!(cut("顧客顧客", 5, false), "顧客…");
        assert_eq!(cut("顧客顧客", 4, true), "…客");
        // An emoji made wide by its variation selector counts as the terminal draws it.
        let hearts = "\u{2764}\u{fe0f}".repeat(5);
        for width in 1..10 {
            for keep_end in [false, true] {
                let kept = cut(&hearts, width, keep_end);
                assert!(kept.width() <= width, "{width}: {kept:?} is {} wide", kept.width());
                assert!(hearts.contains(kept.trim_matches('…')), "{kept:?}");
            }
        }
        // A long run of characters of no width is cut short.
        let marks = format!("e{}xyz", "\u{301}".repeat(100_000));
        for keep_end in [false, true] {
            let kept = cut(&marks, 3, keep_end);
            assert!(kept.chars().count() < 30 && kept.width() <= 3, "{kept:?}");
        }
    }
}
