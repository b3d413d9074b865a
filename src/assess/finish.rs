//! The one place a result is finished once assessed: credentials hidden from its text, the run's
//! policy applied, and, for formats that render each result on its own, rendered on the thread
//! that made it. A result that a later delivery changes is finished again here too.

use std::io;

use super::policy::Policy;
use super::{CheckResult, redact};

/// Renders one result on its own into bytes.
pub type RenderOne = fn(&CheckResult, &mut Vec<u8>) -> io::Result<()>;

/// How every result of a run is finished.
#[derive(Debug, Clone, Default)]
pub struct Finishing {
    /// Keep the credentials' values (`token`, `interviewToken`) in the payload a result carries;
    /// every other JWT-shaped text is replaced by its length all the same.
    pub show_secrets: bool,
    /// Rule levels, strictness and expectations.
    pub policy: Policy,
    /// How each result is rendered on its own, for formats that can.
    pub render: Option<RenderOne>,
}

impl Finishing {
    /// Finishes a result that was just assessed.
    pub fn finish(&self, result: &mut CheckResult) {
        redact::hide_jwts(result);
        self.policy.apply(result);
        self.render(result);
    }

    /// Finishes again a result that delivery tracking gave a finding after it was finished.
    pub fn refinish(&self, result: &mut CheckResult) {
        self.policy.set_levels(result);
        self.render(result);
    }

    fn render(&self, result: &mut CheckResult) {
        if let Some(render) = self.render {
            // A result's own members take a few hundred bytes, then comes the payload's text.
            let mut bytes = Vec::with_capacity(1024 + result.payload.as_ref().map_or(0, String::len));
            result.rendered = render(result, &mut bytes).ok().map(|()| bytes);
        }
    }
}
