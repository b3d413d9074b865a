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

use crate::contract::{Kind, ReasonCode, Rule, Severity, Status};
use crate::rules::Finding;
use crate::scan::position::Position;

/// Where a payload (or a finding) was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The input's path as given, or `-` for standard input.
    pub path: Arc<str>,
    /// 1-based line of the first byte.
    pub line: u64,
    /// 1-based column of the first byte, counted in characters.
    pub column: u64,
    /// Byte offset of the first byte from the start of the input (after decompression, if any).
    pub offset: u64,
}

impl Source {
    /// The point `at` of the input named `path`.
    pub fn new(path: Arc<str>, at: Position) -> Self {
        Source { path, line: at.line, column: at.column, offset: at.offset }
    }
}

/// What a broken value reads as once mended: the repairs made, and the mended payload's kind,
/// status, reasons and findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mended {
    /// The repairs, in input order.
    pub repairs: Vec<super::mend::Repair>,
    /// Which webhook the mended payload is.
    pub kind: Kind,
    /// The mended payload's overallStatus.
    pub status: Option<Status>,
    /// Its reasons, most decisive first.
    pub reasons: Vec<Reason>,
    /// Its findings.
    pub findings: Vec<Finding>,
}

impl Mended {
    /// The mended verdict in words: `PASS face-matched`.
    pub fn verdict(&self) -> String {
        let status = self.status.map_or("UNKNOWN STATUS", Status::name);
        let reason = self.reasons.first().map_or(self.kind.name(), |reason| reason.code.id());
        format!("{status} {reason}")
    }

    /// The repairs in words: `closing brace added at 30:24, dropped the comma at 12:3`.
    pub fn repairs_text(&self) -> String {
        let repairs: Vec<String> =
            self.repairs.iter().map(|r| format!("{} at {}:{}", r.action, r.line, r.column)).collect();
        repairs.join(", ")
    }

    /// `as mended: PASS face-matched (closing brace added at 30:24)`: never a mended verdict
    /// without the words that say so.
    pub fn summary(&self) -> String {
        format!("as mended: {} ({})", self.verdict(), self.repairs_text())
    }
}

/// One reason for the verdict, with the field values that justify it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// Which reason it is.
    pub code: ReasonCode,
    /// The reason in words, quoting the field values that justify it.
    pub message: String,
}

/// Everything concluded about one payload.
///
/// A value that could not be read as a payload (a syntax error, a value too large, JSON that
/// holds no payload) gets a result too, of kind [`Kind::Unknown`], whose findings say why.
///
/// ```
/// use authhook::contract::{ID_LENGTH, Kind, ReasonCode, Rule, Severity, Status, samples};
///
/// let pass = samples::find("pass").map(|sample| sample.json).unwrap_or_default();
/// let results = authhook::Checker::new().check_body(pass.as_bytes())?;
/// assert_eq!(results.len(), 1);
/// let result = &results[0];
/// assert_eq!((result.kind, result.status), (Kind::Auth1To1, Some(Status::Pass)));
/// assert_eq!(result.decisive_reason(), Some(ReasonCode::FaceMatched));
///
/// // The published success sample has a transactionId that is not hexadecimal: a warning,
/// // which leaves the result valid.
/// assert!(result.valid);
/// let findings: Vec<(&str, &str, u64, u64)> =
///     result.findings.iter().map(|f| (f.rule.id(), f.pointer.as_str(), f.line, f.column)).collect();
/// assert_eq!(findings, [("id-format", "/transactionId", 6, 20)]);
/// let finding = &result.findings[0];
/// assert_eq!((finding.rule, finding.severity), (Rule::IdFormat, Severity::Warning));
/// assert_eq!(finding.details.get("expectedLength").and_then(|v| v.as_u64()), Some(ID_LENGTH as u64));
///
/// // A failure's reasons, most decisive first, each with the values behind it.
/// let spoof = samples::find("spoof").map(|sample| sample.json).unwrap_or_default();
/// let results = authhook::Checker::new().check_body(spoof.as_bytes())?;
/// let result = &results[0];
/// assert_eq!((result.status, result.error_code), (Some(Status::Fail), Some(4005)));
/// let reasons: Vec<&str> = result.reasons.iter().map(|reason| reason.code.id()).collect();
/// assert_eq!(reasons, ["spoof-detected"]);
/// assert!(result.reasons[0].message.starts_with("errorCode 4005 (Spoof attempt detected)"));
/// # Ok::<(), authhook::BodyError>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// Where the value starts in the input; a payload found inside a JSON string is placed at
    /// that string.
    pub source: Source,
    /// When the capture says the payload was captured, as it wrote it (JSON `capturedAt`,
    /// `null` when it does not say): the date-time that starts the line the payload sits on
    /// (`2026-11-25T10:00:00Z INFO … {payload}`), else the `time` or `timestamp` member of the
    /// nearest wrapper object it was found inside (a docker json-file record, a CloudWatch Logs
    /// event; a number there is milliseconds since the epoch, written as ISO-8601 UTC with
    /// milliseconds), else the date-time that starts the line that wrapper sits on, and so on
    /// outwards: the nearest to the payload wins. Held inline, without allocating, when no
    /// longer than an ISO-8601 UTC date-time with milliseconds (24 characters).
    pub captured_at: Option<CompactString>,
    /// Which webhook the value is; [`Kind::Unknown`] when it is not a readable payload.
    pub kind: Kind,
    /// overallStatus, or `None` when it is absent or unreadable.
    pub status: Option<Status>,
    /// No finding is an error.
    pub valid: bool,
    /// Most decisive first.
    pub reasons: Vec<Reason>,
    /// The findings about the value, sorted by line, column and rule.
    pub findings: Vec<Finding>,
    /// What a value that does not parse reads as once mended (a trailing comma dropped, the
    /// objects left open closed), when a person's repairs make it a payload; `None` otherwise.
    /// The result itself stays unreadable and invalid.
    pub mended: Option<Box<Mended>>,
    /// customerId, when it is a string; unless credentials are shown, anything shaped like a JWT
    /// in it is replaced by its length. Held inline, without allocating, when as short as a
    /// documented id ([`crate::contract::ID_LENGTH`]).
    pub customer_id: Option<CompactString>,
    /// transactionId, when it is a string, redacted as `customer_id` is.
    pub transaction_id: Option<CompactString>,
    /// Where transactionId's value stands, as (line, column).
    #[serde(skip)]
    pub(crate) transaction_at: Option<(u64, u64)>,
    /// What the run's delivery tracking knows transactionId by (taken before redaction).
    #[serde(skip)]
    pub(crate) transaction_key: Option<super::fingerprint::TransactionKey>,
    /// errorCode as a whole number, also when written with a zero fraction (`4005.0`); `None`
    /// when it is absent, not a number, or not whole.
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
            captured_at: None,
            kind: Kind::Unknown,
            status: None,
            valid: true,
            reasons: Vec::new(),
            findings,
            mended: None,
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

    /// What the result is, in a word.
    pub fn outcome(&self) -> Outcome {
        match (self.kind, self.status) {
            (Kind::Auth1To1 | Kind::Auth1ToN, Some(Status::Pass)) => Outcome::Pass,
            (Kind::Auth1To1 | Kind::Auth1ToN, Some(Status::Fail)) => Outcome::Fail,
            (Kind::Auth1To1 | Kind::Auth1ToN, None) => Outcome::NoStatus,
            (Kind::OnboardingStatus, _) => Outcome::Onboarding,
            _ if self.findings.iter().any(|f| matches!(f.rule, Rule::Syntax | Rule::TooLarge)) => Outcome::Unreadable,
            _ => Outcome::NotAPayload,
        }
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

    /// [`CheckResult::headline`], and what the result reads as once mended when it does:
    /// `syntax, as mended: PASS face-matched (closing brace added at 30:24)`.
    pub fn described(&self) -> std::borrow::Cow<'static, str> {
        match &self.mended {
            Some(mended) => format!("{}, {}", self.headline(), mended.summary()).into(),
            None => self.headline().into(),
        }
    }

    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }
}

/// Totals over every result of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Results added, readable payloads or not.
    pub payloads: u64,
    /// Results with no finding of severity error.
    pub valid: u64,
    /// Results with at least one finding of severity error.
    pub invalid: u64,
    /// Results whose overallStatus is PASS.
    pub pass: u64,
    /// Results whose overallStatus is FAIL.
    pub fail: u64,
    /// Findings of severity error, over every result.
    pub errors: u64,
    /// Findings of severity warning, over every result.
    pub warnings: u64,
    /// Findings of severity note, over every result.
    pub notes: u64,
    /// Results per kind of webhook.
    pub kinds: BTreeMap<&'static str, u64>,
    /// Results per decisive reason code.
    pub reasons: BTreeMap<&'static str, u64>,
    /// Results per outcome, each result counted under exactly one.
    pub outcomes: BTreeMap<Outcome, Tally>,
}

/// What one result is, in a word: every result is exactly one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// An authentication whose overallStatus is PASS.
    Pass,
    /// An authentication whose overallStatus is FAIL.
    Fail,
    /// An authentication with no readable overallStatus.
    NoStatus,
    /// An onboarding status webhook.
    Onboarding,
    /// Text that looked like a JSON object but could not be read (`syntax`, `too-large`).
    Unreadable,
    /// A JSON value that holds no webhook payload.
    NotAPayload,
}

impl Outcome {
    /// The outcome's name in JSON (`PASS`, `FAIL`, `no-status`, `onboarding`, `unreadable`,
    /// `not-a-payload`).
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Pass => Status::Pass.name(),
            Outcome::Fail => Status::Fail.name(),
            Outcome::NoStatus => "no-status",
            Outcome::Onboarding => "onboarding",
            Outcome::Unreadable => "unreadable",
            Outcome::NotAPayload => "not-a-payload",
        }
    }

    /// How the summary line counts `count` results of this outcome.
    pub fn counted(self, count: u64) -> String {
        let (one, many) = match self {
            Outcome::Pass | Outcome::Fail => return format!("{count} {}", self.id()),
            Outcome::NoStatus => ("without a status", "without a status"),
            Outcome::Onboarding => ("onboarding webhook", "onboarding webhooks"),
            Outcome::Unreadable => ("unreadable", "unreadable"),
            Outcome::NotAPayload => ("not a payload", "not payloads"),
        };
        format!("{count} {}", if count == 1 { one } else { many })
    }
}

impl Serialize for Outcome {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// Counts by a key of a small set (an enum), kept in a short list while a batch of results is
/// counted: comparing such keys is cheaper than searching a map by name for each result.
#[derive(Debug)]
pub(crate) struct Tallies<K, V = u64>(Vec<(K, V)>);

impl<K, V> Default for Tallies<K, V> {
    fn default() -> Self {
        Tallies(Vec::new())
    }
}

impl<K: PartialEq, V: Default> Tallies<K, V> {
    /// Changes the count kept for `key` with `change`, from nothing when it has none yet.
    pub(crate) fn change(&mut self, key: K, change: impl FnOnce(&mut V)) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, value)) => change(value),
            None => {
                let mut value = V::default();
                change(&mut value);
                self.0.push((key, value));
            }
        }
    }
}

impl<K, V> IntoIterator for Tallies<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<K> Tallies<K> {
    /// Adds the counts to `map`, each under its key's `name`.
    pub(crate) fn add_to(self, map: &mut BTreeMap<&'static str, u64>, name: impl Fn(K) -> &'static str) {
        for (key, count) in self {
            *map.entry(name(key)).or_default() += count;
        }
    }
}

/// How many results an outcome has, and how many of them are invalid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Results with this outcome.
    pub results: u64,
    /// Those of them with a finding of severity error.
    pub invalid: u64,
}

impl Summary {
    /// Counts `result` in every total it belongs to.
    pub fn add(&mut self, result: &CheckResult) {
        self.add_all(std::slice::from_ref(result));
    }

    /// Counts every result of `results`, as [`Summary::add`] would one by one. Their counts by
    /// kind, reason and outcome are gathered first and go into the maps once: searching a map
    /// keyed by name for every result cost a run 2% of its instructions.
    pub fn add_all(&mut self, results: &[CheckResult]) {
        let mut kinds = Tallies::default();
        let mut reasons = Tallies::default();
        let mut outcomes = Tallies::<Outcome, Tally>::default();
        for result in results {
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
            kinds.change(result.kind, |count| *count += 1);
            if let Some(code) = result.decisive_reason() {
                reasons.change(code, |count| *count += 1);
            }
            outcomes.change(result.outcome(), |tally| {
                tally.results += 1;
                tally.invalid += u64::from(!result.valid);
            });
        }
        kinds.add_to(&mut self.kinds, Kind::name);
        reasons.add_to(&mut self.reasons, ReasonCode::id);
        for (outcome, tally) in outcomes {
            let total = self.outcomes.entry(outcome).or_default();
            total.results += tally.results;
            total.invalid += tally.invalid;
        }
    }

    /// How many authentication payloads (1:1 or 1:N) were found.
    pub fn authentications(&self) -> u64 {
        self.kinds.get(Kind::Auth1To1.name()).copied().unwrap_or(0)
            + self.kinds.get(Kind::Auth1ToN.name()).copied().unwrap_or(0)
    }
}
