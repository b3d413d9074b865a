//! What a check concludes about one payload, and about a whole run.
//!
//! A [`CheckResult`] carries where the payload was found, what kind of webhook it is, its
//! status, the reasons that explain it, the findings against the contract, and the payload
//! itself with secrets redacted. A [`Summary`] adds results up. Both serialize to the JSON
//! wire format documented in the README (`schemaVersion` 1).

use std::collections::BTreeMap;
use std::sync::Arc;

use compact_str::CompactString;
use serde::Serialize;

use crate::contract::{Kind, ReasonCode, Severity, Status};
use crate::rules::Finding;
use crate::scan::position::Position;

/// Where a payload (or a finding) was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The input's path as given, or `-` for standard input.
    pub path: Arc<str>,
    pub line: u64,
    pub column: u64,
    pub offset: u64,
}

impl Source {
    pub fn new(path: Arc<str>, at: Position) -> Self {
        Source { path, line: at.line, column: at.column, offset: at.offset }
    }
}

/// One reason for the verdict, with the field values that justify it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub code: ReasonCode,
    pub message: String,
}

/// Everything concluded about one payload.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub source: Source,
    pub kind: Kind,
    /// overallStatus, or `None` when it is absent or unreadable.
    pub status: Option<Status>,
    /// No finding is an error.
    pub valid: bool,
    /// Most decisive first.
    pub reasons: Vec<Reason>,
    pub findings: Vec<Finding>,
    /// Held inline (no allocation) up to 24 bytes, which the documented ids are.
    pub customer_id: Option<CompactString>,
    pub transaction_id: Option<CompactString>,
    /// Where transactionId's value stands, as (line, column).
    #[serde(skip)]
    pub(crate) transaction_at: Option<(u64, u64)>,
    /// What the run's delivery tracking knows transactionId by (taken before redaction).
    #[serde(skip)]
    pub(crate) transaction_key: Option<super::fingerprint::TransactionKey>,
    pub error_code: Option<i64>,
    /// overallScore, when it is a number.
    pub overall_score: Option<f64>,
    /// recognitionConfidence.confidence, when it is a number.
    pub recognition_confidence: Option<f64>,
    /// spoofConfidence, when it is a number.
    pub spoof_confidence: Option<f64>,
    /// The payload's content fingerprint, to tell a repeated delivery from a conflicting one;
    /// `None` for what is not an authentication or has no transactionId.
    #[serde(skip)]
    pub(crate) content_hash: Option<super::fingerprint::Fingerprint>,
    /// The result already rendered by [`Finishing`](super::Finishing), on the thread that made
    /// it, for a format that renders each result on its own; the renderer then only frames it.
    #[serde(skip)]
    pub(crate) rendered: Option<Vec<u8>>,
    /// The payload as parsed, as compact JSON text with secrets redacted; `None` when it did not
    /// parse or the output format does not show it. The JSON renderer writes it as the result's
    /// last member, `payload`.
    #[serde(skip)]
    pub payload: Option<String>,
}

impl CheckResult {
    /// The result for something that is not a readable payload.
    pub fn unreadable(source: Source, findings: Vec<Finding>) -> Self {
        let mut result = CheckResult {
            source,
            kind: Kind::Unknown,
            status: None,
            valid: true,
            reasons: Vec::new(),
            findings,
            customer_id: None,
            transaction_id: None,
            transaction_at: None,
            transaction_key: None,
            error_code: None,
            overall_score: None,
            recognition_confidence: None,
            spoof_confidence: None,
            content_hash: None,
            rendered: None,
            payload: None,
        };
        result.settle();
        result
    }

    /// Sorts findings into a stable order and recomputes `valid`.
    pub fn settle(&mut self) {
        self.findings.sort_by(|a, b| {
            (a.line, a.column, a.rule, &a.pointer, &a.message).cmp(&(b.line, b.column, b.rule, &b.pointer, &b.message))
        });
        self.valid = !self.findings.iter().any(|f| f.severity == Severity::Error);
    }

    /// The most decisive reason, if there is one.
    pub fn decisive_reason(&self) -> Option<ReasonCode> {
        self.reasons.first().map(|r| r.code)
    }

    /// What best names the result in one word: its decisive reason, else what it is.
    pub fn headline(&self) -> &'static str {
        match (self.decisive_reason(), self.findings.first()) {
            (Some(reason), _) => reason.id(),
            (None, _) if self.kind != Kind::Unknown => self.kind.name(),
            (None, Some(finding)) => finding.rule.id(),
            (None, None) => self.kind.name(),
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }
}

/// Totals over every result of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub payloads: u64,
    pub valid: u64,
    pub invalid: u64,
    pub pass: u64,
    pub fail: u64,
    pub errors: u64,
    pub warnings: u64,
    pub notes: u64,
    /// Results per kind of webhook.
    pub kinds: BTreeMap<&'static str, u64>,
    /// Results per decisive reason code.
    pub reasons: BTreeMap<&'static str, u64>,
}

impl Summary {
    pub fn add(&mut self, result: &CheckResult) {
        self.payloads += 1;
        if result.valid {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
        match result.status {
            Some(Status::Pass) => self.pass += 1,
            Some(Status::Fail) => self.fail += 1,
            None => {}
        }
        self.errors += result.count(Severity::Error) as u64;
        self.warnings += result.count(Severity::Warning) as u64;
        self.notes += result.count(Severity::Note) as u64;
        *self.kinds.entry(result.kind.name()).or_default() += 1;
        if let Some(code) = result.decisive_reason() {
            *self.reasons.entry(code.id()).or_default() += 1;
        }
    }

    /// How many authentication payloads (1:1 or 1:N) were found.
    pub fn authentications(&self) -> u64 {
        self.kinds.get(Kind::Auth1To1.name()).copied().unwrap_or(0)
            + self.kinds.get(Kind::Auth1ToN.name()).copied().unwrap_or(0)
    }
}
