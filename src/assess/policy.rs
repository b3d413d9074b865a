//! What the run holds results to, beyond the contract's defaults: rule levels (`--allow`,
//! `--warn`, `--deny`, the config file's `[rules]`), `--strict`, and the expectations of a smoke
//! test (`--expect`, `--expect-reason`, `--expect-code`).
//!
//! A policy is applied to each result after it is assessed and after repeated deliveries are
//! marked, so every finding, whichever rule made it, is subject to it.

use std::collections::BTreeMap;

use crate::assess::CheckResult;
use crate::contract::Status;
use crate::contract::{ReasonCode, Rule, Severity};
use crate::rules::{Details, Finding};

/// What a rule is set to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Drop its findings.
    Allow,
    /// Report its findings as warnings.
    Warn,
    /// Report its findings as errors.
    Deny,
}

impl Level {
    /// Parses `allow`, `warn` or `deny`.
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }
}

/// What every authentication payload must show, for smoke tests of an integration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectations {
    /// The overallStatus each must have (`--expect`).
    pub status: Option<Status>,
    /// A reason each must give, decisive or not (`--expect-reason`).
    pub reason: Option<ReasonCode>,
    /// The errorCode each must carry (`--expect-code`).
    pub error_code: Option<i64>,
}

impl Expectations {
    /// Whether nothing is expected.
    pub fn is_empty(&self) -> bool {
        self.status.is_none() && self.reason.is_none() && self.error_code.is_none()
    }

    /// What `result` fails to meet, one sentence each, with the expected and the found value.
    fn unmet(&self, result: &CheckResult) -> Vec<(String, Details)> {
        let mut unmet = Vec::new();
        let details = |what: &'static str, expected: serde_json::Value, found: serde_json::Value| {
            Details::new().with("expectation", what).with("expected", expected).with("found", found)
        };
        if let Some(expected) = self.status
            && result.status != Some(expected)
        {
            let found = result.status.map_or("no readable status", Status::name);
            let message = format!("expected status {}, found {found}", expected.name());
            unmet.push((message, details("status", expected.name().into(), result.status.map(Status::name).into())));
        }
        if let Some(expected) = self.reason
            && !result.reasons.iter().any(|r| r.code == expected)
        {
            let found: Vec<&str> = result.reasons.iter().map(|r| r.code.id()).collect();
            let shown = if found.is_empty() { "none".to_owned() } else { found.join(", ") };
            let message = format!("expected reason {}, found {shown}", expected.id());
            unmet.push((message, details("reason", expected.id().into(), found.into())));
        }
        if let Some(expected) = self.error_code
            && result.error_code != Some(expected)
        {
            let found = result.error_code.map_or_else(|| "no errorCode".to_owned(), |c| format!("errorCode {c}"));
            let message = format!("expected errorCode {expected}, found {found}");
            unmet.push((message, details("errorCode", expected.into(), result.error_code.into())));
        }
        unmet
    }
}

/// The rule levels, strictness and expectations of a run.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The level each rule is set to; a rule not listed keeps its documented severity.
    pub levels: BTreeMap<Rule, Level>,
    /// Every warning is an error.
    pub strict: bool,
    /// What every authentication payload must show; an unmet expectation is a finding of
    /// [`Rule::Expectation`].
    pub expectations: Expectations,
}

impl Policy {
    /// Applies the policy to `result`: adds unmet expectations, then sets each finding's
    /// severity (or drops it) by its rule's level and strictness.
    pub fn apply(&self, result: &mut CheckResult) {
        if self.levels.is_empty() && !self.strict && self.expectations.is_empty() {
            return;
        }
        if result.kind.is_authentication() {
            let at = (result.source.line, result.source.column);
            for (message, details) in self.expectations.unmet(result) {
                result.findings.push(Finding::new(Rule::Expectation, String::new(), at, message, details));
            }
        }
        self.set_levels(result);
    }

    /// Sets each finding's severity (or drops it) by its rule's level and strictness; applying
    /// it again changes nothing, so findings added later can be leveled with the rest.
    pub fn set_levels(&self, result: &mut CheckResult) {
        result.findings.retain_mut(|finding| match self.level_of(finding) {
            None => false,
            Some(severity) => {
                finding.severity = severity;
                true
            }
        });
        result.settle();
    }

    /// The severity a finding gets, or `None` when its rule is allowed.
    fn level_of(&self, finding: &Finding) -> Option<Severity> {
        let severity = match self.levels.get(&finding.rule) {
            Some(Level::Allow) => return None,
            Some(Level::Warn) => Severity::Warning,
            Some(Level::Deny) => Severity::Error,
            None => finding.severity,
        };
        Some(if self.strict && severity == Severity::Warning { Severity::Error } else { severity })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASS_WITH_WARNING: &str = r#"{"customerId":"67460a9995516d9a553aa95b","transactionId":"XYZ","faceMatch":true,
        "recognitionConfidence":{"confidence":0.9,"candidates":[]},"overallScore":0.9,"overallStatus":"PASS"}"#;

    fn result() -> CheckResult {
        crate::Checker::new().check_body(PASS_WITH_WARNING.as_bytes()).unwrap_or_default().remove(0)
    }

    fn rules(result: &CheckResult) -> Vec<(&'static str, Severity)> {
        result.findings.iter().map(|f| (f.rule.id(), f.severity)).collect()
    }

    #[test]
    fn levels_drop_or_change_findings() {
        let mut allowed = result();
        Policy { levels: [(Rule::IdFormat, Level::Allow)].into(), ..Policy::default() }.apply(&mut allowed);
        assert!(allowed.findings.is_empty());
        let mut denied = result();
        Policy { levels: [(Rule::IdFormat, Level::Deny)].into(), ..Policy::default() }.apply(&mut denied);
        assert_eq!(rules(&denied), [("id-format", Severity::Error)]);
        assert!(!denied.valid);
    }

    #[test]
    fn strict_makes_warnings_errors_but_an_explicit_warn_stays_strict() {
        let mut strict = result();
        Policy { strict: true, ..Policy::default() }.apply(&mut strict);
        assert_eq!(rules(&strict), [("id-format", Severity::Error)]);
    }

    #[test]
    fn unmet_expectations_are_errors() {
        let mut checked = result();
        let expectations = Expectations {
            status: Some(Status::Fail),
            reason: Some(ReasonCode::SpoofDetected),
            error_code: Some(4005),
        };
        Policy { expectations, ..Policy::default() }.apply(&mut checked);
        let messages: Vec<&str> =
            checked.findings.iter().filter(|f| f.rule == Rule::Expectation).map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "expected errorCode 4005, found no errorCode",
                "expected reason spoof-detected, found face-matched",
                "expected status FAIL, found PASS",
            ]
        );
        let mut met = result();
        let expectations = Expectations { status: Some(Status::Pass), ..Expectations::default() };
        Policy { expectations, ..Policy::default() }.apply(&mut met);
        assert!(met.findings.iter().all(|f| f.rule != Rule::Expectation));
    }
}
