//! A progress bar on standard error for inputs that take more than a moment: bytes read, rate,
//! and time left where the total size is known. It appears only when standard error is a
//! terminal, and only after the first half second, so pipes, CI logs and quick runs never see it.

use std::io::Read;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before the bar appears.
const SHOW_AFTER: Duration = Duration::from_millis(500);

/// The run's progress bar; a no-op when progress is off.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
}

impl Progress {
    /// A bar for `total` bytes, or a spinner when the total is unknown.
    pub fn new(enabled: bool, total: Option<u64>) -> Self {
        let started = Instant::now();
        if !enabled {
            return Progress { bar: None, started };
        }
        let (bar, template) = match total {
            Some(total) => (
                ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden()),
                "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
            ),
            None => (ProgressBar::hidden(), "{spinner} {bytes} {bytes_per_sec}"),
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Progress { bar: Some(bar), started }
    }

    /// Counts `n` more bytes read, showing the bar once the run has taken long enough.
    pub fn advance(&self, n: usize) {
        let Some(bar) = &self.bar else { return };
        bar.inc(n as u64);
        if bar.is_hidden() && self.started.elapsed() >= SHOW_AFTER {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// Wraps `reader` so that reading from it advances the bar.
    pub fn counting<R: Read>(&self, reader: R) -> Counting<R> {
        Counting { reader, progress: self.clone() }
    }
}

/// A reader that reports the bytes read from it to a [`Progress`].
pub struct Counting<R> {
    reader: R,
    progress: Progress,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.reader.read(buf)?;
        self.progress.advance(n);
        Ok(n)
    }
}
