//! `authhook stats`: one aggregate over every result of a run.

use std::io::{self, Write};

use crate::config::StatsFormat;
use crate::verdict::CheckResult;

/// Totals over every result.
#[derive(Debug, Default)]
pub struct Stats {
    results: u64,
    duplicate_deliveries: u64,
    conflicting_deliveries: u64,
}

impl Stats {
    pub fn add(&mut self, _result: &CheckResult) {
        self.results += 1;
    }

    pub fn set_deliveries(&mut self, duplicates: u64, conflicts: u64) {
        self.duplicate_deliveries = duplicates;
        self.conflicting_deliveries = conflicts;
    }
}

/// Writes `stats` in `format`.
pub fn render(stats: &Stats, _format: StatsFormat, _color: bool, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{stats:?}")
}
