//! Where `listen`'s results go, in the order they are judged: delivery tracking across every
//! request, the summary, the count that stops the listener, and the report's renderer.

use std::io::{self, Write};

use authhook::Checker;
use authhook::assess::deliveries::Deliveries;
use authhook::assess::{CheckResult, Summary};
use authhook::report::Renderer;

use crate::cli::config::Shown;

/// Everything that sees the results of every request, behind one lock.
pub struct Sink {
    pub renderer: Box<dyn Renderer>,
    pub out: Box<dyn Write + Send>,
    pub summary: Summary,
    pub deliveries: Deliveries,
    pub shown: Shown,
    /// A write to the report failed; results are still counted.
    pub broken: Option<io::Error>,
}

impl Sink {
    /// Marks repeated deliveries among `results`, counts them and renders those shown; returns
    /// how many authentication payloads have been received in all.
    pub fn publish(&mut self, checker: &Checker, results: &mut [CheckResult]) -> u64 {
        for result in results.iter_mut() {
            checker.track(&mut self.deliveries, result);
            self.summary.add(result);
            if self.broken.is_none() && self.shown.shows(result) {
                let written = self.renderer.result(&mut self.out, result);
                self.broken = written.err();
            }
        }
        if self.broken.is_none() {
            self.broken = self.out.flush().err();
        }
        self.summary.authentications()
    }
}
