//! Colour for the human and table formats, applied only when the configuration says so.

use owo_colors::{OwoColorize, Style};

use crate::contract::Severity;
use crate::contract::Status;

/// Paints text when colour is on; passes it through otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    pub enabled: bool,
}

impl Paint {
    fn apply(&self, text: &str, style: Style) -> String {
        if self.enabled { text.style(style).to_string() } else { text.to_owned() }
    }

    pub fn status(&self, status: Option<Status>, text: &str) -> String {
        let style = match status {
            Some(Status::Pass) => Style::new().green().bold(),
            Some(Status::Fail) => Style::new().red().bold(),
            None => Style::new().yellow().bold(),
        };
        self.apply(text, style)
    }

    pub fn severity(&self, severity: Severity, text: &str) -> String {
        let style = match severity {
            Severity::Error => Style::new().red().bold(),
            Severity::Warning => Style::new().yellow().bold(),
            Severity::Note => Style::new().cyan(),
        };
        self.apply(text, style)
    }

    pub fn dim(&self, text: &str) -> String {
        self.apply(text, Style::new().dimmed())
    }

    pub fn bold(&self, text: &str) -> String {
        self.apply(text, Style::new().bold())
    }
}
