//! `authhook stats`: one aggregate over every result of a run.
//!
//! This module owns the aggregate ([`Stats`]) and its three renderings ([`render`]): `human`
//! (titled sections with bar charts and histograms drawn with Unicode blocks), `json` (one
//! document for programs) and `table` (comfy-table tables). All three are drawn from the same
//! numbers, in the same order: counts descending, then ids ascending.
//!
//! Every share is of a whole the rendering names: verdicts of the results that have a status,
//! the passing reason of PASS results, failure reasons of FAIL results, errorCodes of the results
//! that carry one, rules of all findings, confidence bins of the values in 0..1, and the rest of
//! all results.
//!
//! Memory stays bounded whatever the input size: results are folded into counters as they
//! arrive and never kept. Kinds, reasons and rules are small closed sets; errorCodes are open,
//! so at most [`MAX_ERROR_CODES`] distinct codes are tracked and the rest are counted as
//! `other`. Confidences go into [`BINS`] fixed bins over 0..1 with a running minimum, maximum
//! and sum. A [`Breakdown::File`] adds one small aggregate per input ([`InputStats`]).
//!
//! Every label printed comes from the contract's closed sets or is a number, never from a
//! payload; the one exception, an input's name in a breakdown by file, is escaped for the
//! terminal where it is printed.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

use crate::assess::{CheckResult, Summary, Tallies};
use crate::contract::Severity;
use crate::contract::{Kind, ReasonCode, Status};
use crate::report::paint::Paint;

/// The output formats of `stats`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsFormat {
    /// Titled sections with bar charts, for people.
    Human,
    /// One JSON document, for programs.
    Json,
    /// Tables drawn with comfy-table.
    #[cfg(feature = "table")]
    Table,
}

/// How `stats` breaks its totals down, beside the aggregate over every result.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakdown {
    /// One [`InputStats`] per input, in input order.
    File,
}

mod human;
mod json;
#[cfg(feature = "table")]
mod table;

/// How many bins a confidence histogram has, each a tenth of 0..1 wide.
pub const BINS: usize = 10;

/// How many distinct errorCodes are tracked; further codes are counted as `other`.
pub const MAX_ERROR_CODES: usize = 1000;

/// The lower edges of bins 1 to 9, written as decimals so that a value written as `0.3` in a
/// payload falls in the bin labelled `0.3–0.4`, whatever binary rounding does to `0.3 * 10`.
const EDGES: [f64; BINS - 1] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/// The labels of the histogram bins.
const BIN_LABELS: [&str; BINS] =
    ["0.0–0.1", "0.1–0.2", "0.2–0.3", "0.3–0.4", "0.4–0.5", "0.5–0.6", "0.6–0.7", "0.7–0.8", "0.8–0.9", "0.9–1.0"];

/// Every kind of webhook, always listed even when none was found.
const KINDS: [Kind; 4] = [Kind::Auth1To1, Kind::Auth1ToN, Kind::OnboardingStatus, Kind::Unknown];

/// The widest bar, in terminal columns.
const BAR_COLUMNS: u64 = 40;

/// Partial blocks for 0 to 7 eighths of a column.
const PARTIAL_BLOCKS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/// The key errorCodes beyond [`MAX_ERROR_CODES`] are counted under.
const OTHER: &str = "other";

/// How many failure reasons an input's row shows in the human and table formats (the JSON
/// document has them all).
const TOP_REASONS: usize = 3;

/// The histogram bin of `value`: `[0.0, 0.1)` is bin 0, ..., `[0.9, 1.0]` is bin 9 (1.0
/// included). `None` for a value outside 0..1 or not finite.
pub fn bin(value: f64) -> Option<usize> {
    if !(0.0..=1.0).contains(&value) {
        return None;
    }
    Some(EDGES.iter().take_while(|edge| value >= **edge).count())
}

/// The distribution of one confidence: a histogram of the values in 0..1, their minimum,
/// maximum and mean, and how many values fell outside 0..1 (or were not finite). Out-of-range
/// values are counted only in `out_of_range`, not in `count`, the bins or the moments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Distribution {
    count: u64,
    min: Option<f64>,
    max: Option<f64>,
    sum: f64,
    bins: [u64; BINS],
    out_of_range: u64,
}

impl Distribution {
    /// Counts `value`.
    pub fn add(&mut self, value: f64) {
        let Some(slot) = bin(value).and_then(|index| self.bins.get_mut(index)) else {
            self.out_of_range += 1;
            return;
        };
        *slot += 1;
        // Adding 0.0 turns -0.0 into 0.0, so a minimum never prints as "-0".
        let value = value + 0.0;
        self.count += 1;
        self.sum += value;
        self.min = Some(self.min.map_or(value, |min| min.min(value)));
        self.max = Some(self.max.map_or(value, |max| max.max(value)));
    }

    /// How many values lay in 0..1.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The smallest value in 0..1, if any.
    pub fn min(&self) -> Option<f64> {
        self.min
    }

    /// The largest value in 0..1, if any.
    pub fn max(&self) -> Option<f64> {
        self.max
    }

    /// The mean of the values in 0..1, if any.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// The count of each bin, lowest first.
    pub fn bins(&self) -> [u64; BINS] {
        self.bins
    }

    /// How many values lay outside 0..1 or were not finite.
    pub fn out_of_range(&self) -> u64 {
        self.out_of_range
    }
}

/// Counts per errorCode, for at most [`MAX_ERROR_CODES`] distinct codes.
#[derive(Debug, Clone, Default, PartialEq)]
struct ErrorCodes {
    counts: BTreeMap<i64, u64>,
    /// Results whose code arrived after the cap was reached.
    other: u64,
}

impl ErrorCodes {
    fn add(&mut self, code: i64) {
        if let Some(count) = self.counts.get_mut(&code) {
            *count += 1;
        } else if self.counts.len() < MAX_ERROR_CODES {
            self.counts.insert(code, 1);
        } else {
            self.other += 1;
        }
    }
}

/// How often a rule fired, and at which severity.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RuleTally {
    /// The most severe level its findings had (a policy may change a rule's level).
    severity: Severity,
    count: u64,
}

/// Totals over every result of a run, in bounded memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// The totals `check` reports: verdicts, severities, kinds and decisive reasons.
    summary: Summary,
    /// The decisive reasons of results with each status, by reason id.
    reasons: ReasonsByStatus,
    /// Results that carry an errorCode, counted or not under a code of their own.
    with_error_code: u64,
    error_codes: ErrorCodes,
    /// Findings per rule, by rule id.
    rules: BTreeMap<&'static str, RuleTally>,
    duplicate_deliveries: u64,
    conflicting_deliveries: u64,
    /// Unreadable results that read as a payload once mended, by the mended status.
    mended: Mended,
    /// recognitionConfidence.confidence of PASS results.
    recognition: Distribution,
    /// spoofConfidence of every result that has one.
    spoof: Distribution,
    /// How the totals are broken down, if they are.
    breakdown: Option<Breakdown>,
    /// One aggregate per input, in input order, with [`Breakdown::File`].
    inputs: Vec<InputStats>,
}

/// Unreadable results that read as an authentication payload once mended: how many, and how
/// many of them as PASS and as FAIL. They are counted as unreadable everywhere else.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Mended {
    /// Results with a mended reading.
    pub count: u64,
    /// Of those, read as PASS.
    pub pass: u64,
    /// Of those, read as FAIL.
    pub fail: u64,
}

/// Decisive reasons by the status of their result: a PASS result's is always `face-matched`, a
/// FAIL result's always a failure reason, and a result without a status (no readable
/// overallStatus) may still give a failure reason, from its errorCode or flags.
#[derive(Debug, Clone, Default, PartialEq)]
struct ReasonsByStatus {
    pass: BTreeMap<&'static str, u64>,
    fail: BTreeMap<&'static str, u64>,
    none: BTreeMap<&'static str, u64>,
}

impl ReasonsByStatus {
    /// Adds counts of decisive reasons by the status of their result.
    fn add(&mut self, counts: Tallies<(Option<Status>, ReasonCode)>) {
        for ((status, reason), count) in counts {
            let counts = match status {
                Some(Status::Pass) => &mut self.pass,
                Some(Status::Fail) => &mut self.fail,
                None => &mut self.none,
            };
            *counts.entry(reason.id()).or_default() += count;
        }
    }
}

/// The totals of one input, for a breakdown by file: a handful of counters and at most one
/// counter per failure reason, whatever the input's size.
#[derive(Debug, Clone, PartialEq)]
pub struct InputStats {
    path: Arc<str>,
    payloads: u64,
    pass: u64,
    fail: u64,
    invalid: u64,
    /// Decisive reasons of the input's FAIL results, by reason id.
    failure_reasons: BTreeMap<&'static str, u64>,
}

impl InputStats {
    fn new(path: Arc<str>) -> Self {
        InputStats { path, payloads: 0, pass: 0, fail: 0, invalid: 0, failure_reasons: BTreeMap::new() }
    }

    fn add(&mut self, result: &CheckResult) {
        self.payloads += 1;
        if !result.valid {
            self.invalid += 1;
        }
        match result.status {
            Some(Status::Pass) => self.pass += 1,
            Some(Status::Fail) => {
                self.fail += 1;
                if let Some(reason) = result.decisive_reason() {
                    *self.failure_reasons.entry(reason.id()).or_default() += 1;
                }
            }
            None => {}
        }
    }

    /// The input's name as results give it: its path as given, or `-` for standard input.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// How many results the input gave.
    pub fn payloads(&self) -> u64 {
        self.payloads
    }

    /// How many of its results have the status PASS.
    pub fn pass(&self) -> u64 {
        self.pass
    }

    /// How many of its results have the status FAIL.
    pub fn fail(&self) -> u64 {
        self.fail
    }

    /// How many of its results have a finding of severity error.
    pub fn invalid(&self) -> u64 {
        self.invalid
    }

    /// The decisive reasons of its FAIL results with their counts, most frequent first, then by
    /// id; the counts add up to [`InputStats::fail`].
    pub fn failure_reasons(&self) -> Vec<(&'static str, u64)> {
        ranked(self.failure_reasons.iter().map(|(id, count)| (*id, *count)))
    }
}

impl Stats {
    /// Empty totals that are also broken down by `breakdown`.
    pub fn with_breakdown(breakdown: Breakdown) -> Self {
        Stats { breakdown: Some(breakdown), ..Stats::default() }
    }

    /// How the totals are broken down, if they are.
    pub fn breakdown(&self) -> Option<Breakdown> {
        self.breakdown
    }

    /// Starts the input named `path`, with [`Breakdown::File`]: it is listed, even if it gives
    /// no result, and the results added after it are counted under it. Without calling this,
    /// a result whose `source.path` differs from the last input's starts an input of its own.
    /// Without a breakdown by file, nothing happens.
    pub fn start_input(&mut self, path: Arc<str>) {
        if self.breakdown == Some(Breakdown::File) {
            self.inputs.push(InputStats::new(path));
        }
    }

    /// Folds one result into the totals.
    pub fn add(&mut self, result: &CheckResult) {
        self.add_all(std::slice::from_ref(result));
    }

    /// Folds every result of `results` into the totals, as [`Stats::add`] would one by one; the
    /// counts kept by name are gathered first and go into their maps once.
    pub fn add_all(&mut self, results: &[CheckResult]) {
        self.summary.add_all(results);
        let mut reasons = Tallies::default();
        for result in results {
            if let Some(reason) = result.decisive_reason() {
                reasons.change((result.status, reason), |count| *count += 1);
            }
            self.add_details(result);
        }
        self.reasons.add(reasons);
    }

    /// Folds into the totals what of `result` is not counted by name.
    fn add_details(&mut self, result: &CheckResult) {
        if let Some(code) = result.error_code {
            self.with_error_code += 1;
            self.error_codes.add(code);
        }
        if self.breakdown == Some(Breakdown::File) {
            self.add_to_input(result);
        }
        result.findings.iter().for_each(|finding| self.add_finding(finding.rule.id(), finding.severity));
        if let Some(mended) = &result.mended {
            self.mended.count += 1;
            self.mended.pass += u64::from(mended.status == Some(Status::Pass));
            self.mended.fail += u64::from(mended.status == Some(Status::Fail));
        }
        if let (Some(Status::Pass), Some(confidence)) = (result.status, result.recognition_confidence) {
            self.recognition.add(confidence);
        }
        if let Some(confidence) = result.spoof_confidence {
            self.spoof.add(confidence);
        }
    }

    /// Counts `result` under the last input when it has the result's name, else under a new
    /// input of that name.
    fn add_to_input(&mut self, result: &CheckResult) {
        let path = &result.source.path;
        match self.inputs.last_mut() {
            Some(last) if Arc::ptr_eq(&last.path, path) || last.path == *path => last.add(result),
            _ => {
                let mut input = InputStats::new(Arc::clone(path));
                input.add(result);
                self.inputs.push(input);
            }
        }
    }

    fn add_finding(&mut self, rule: &'static str, severity: Severity) {
        let tally = self.rules.entry(rule).or_insert(RuleTally { severity, count: 0 });
        tally.count += 1;
        tally.severity = tally.severity.max(severity);
    }

    /// The unreadable results that read as a payload once mended.
    pub fn mended(&self) -> Mended {
        self.mended
    }

    /// Records how many deliveries repeated an earlier one exactly, and how many contradicted one.
    pub fn set_deliveries(&mut self, duplicates: u64, conflicts: u64) {
        self.duplicate_deliveries = duplicates;
        self.conflicting_deliveries = conflicts;
    }

    /// How many results were counted.
    pub fn payloads(&self) -> u64 {
        self.summary.payloads
    }

    /// The distribution of recognition confidence over PASS results.
    pub fn recognition_confidence(&self) -> &Distribution {
        &self.recognition
    }

    /// The distribution of spoof confidence over every result that has one.
    pub fn spoof_confidence(&self) -> &Distribution {
        &self.spoof
    }

    /// The totals `check` would report for the same results (kinds and reasons included), for
    /// the summary line.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// The totals of each input, in input order; empty without [`Breakdown::File`].
    pub fn inputs(&self) -> &[InputStats] {
        &self.inputs
    }

    /// `count` as a fraction of all results; 0 when there are none.
    fn share(&self, count: u64) -> f64 {
        fraction(count, self.summary.payloads)
    }

    /// How many results have a status, PASS or FAIL: the whole of the verdicts' shares.
    fn with_status(&self) -> u64 {
        self.summary.pass + self.summary.fail
    }

    /// Every kind with its count, most frequent first.
    fn ranked_kinds(&self) -> Vec<(&'static str, u64)> {
        let mut kinds: Vec<(&'static str, u64)> =
            KINDS.iter().map(|kind| (kind.name(), self.summary.kinds.get(kind.name()).copied().unwrap_or(0))).collect();
        kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        kinds
    }

    /// Decisive reasons with their counts, most frequent first, over every result.
    fn ranked_reasons(&self) -> Vec<(&'static str, u64)> {
        ranked(self.summary.reasons.iter().map(|(id, count)| (*id, *count)))
    }

    /// The decisive reasons of PASS results (`face-matched`), with their counts.
    fn pass_reasons(&self) -> Vec<(&'static str, u64)> {
        ranked(self.reasons.pass.iter().map(|(id, count)| (*id, *count)))
    }

    /// The decisive reasons of FAIL results with their counts, most frequent first; the counts
    /// add up to the FAIL results.
    fn failure_reasons(&self) -> Vec<(&'static str, u64)> {
        ranked(self.reasons.fail.iter().map(|(id, count)| (*id, *count)))
    }

    /// The decisive reasons of results without a status, most frequent first.
    fn reasons_without_status(&self) -> Vec<(&'static str, u64)> {
        ranked(self.reasons.none.iter().map(|(id, count)| (*id, *count)))
    }

    /// errorCodes with their counts, most frequent first, then `other` when codes were dropped.
    fn ranked_error_codes(&self) -> Vec<(String, u64)> {
        let mut codes = ranked(self.error_codes.counts.iter().map(|(code, count)| (code.to_string(), *count)));
        if self.error_codes.other > 0 {
            codes.push((OTHER.to_owned(), self.error_codes.other));
        }
        codes
    }

    /// Rules with their tallies, most findings first.
    fn ranked_rules(&self) -> Vec<(&'static str, RuleTally)> {
        let mut rules: Vec<(&'static str, RuleTally)> = self.rules.iter().map(|(id, t)| (*id, *t)).collect();
        rules.sort_by_key(|(_, tally)| Reverse(tally.count));
        rules
    }

    /// How many findings there are in all.
    fn findings(&self) -> u64 {
        self.summary.errors + self.summary.warnings + self.summary.notes
    }
}

/// Sorts `(id, count)` pairs given in ascending id order by count, descending; the sort is
/// stable, so ties stay in id order.
fn ranked<K>(items: impl Iterator<Item = (K, u64)>) -> Vec<(K, u64)> {
    let mut items: Vec<(K, u64)> = items.collect();
    items.sort_by_key(|(_, count)| Reverse(*count));
    items
}

/// An input's most frequent failure reasons with their counts, `+N more` for the rest:
/// `spoof-detected 2, lenses-detected 1`; empty when it has no FAIL result.
fn top_failure_reasons(input: &InputStats) -> String {
    let reasons = input.failure_reasons();
    let mut parts: Vec<String> = reasons.iter().take(TOP_REASONS).map(|(id, count)| format!("{id} {count}")).collect();
    if reasons.len() > TOP_REASONS {
        parts.push(format!("+{} more", reasons.len() - TOP_REASONS));
    }
    parts.join(", ")
}

/// `part / whole`, or 0 when `whole` is 0.
fn fraction(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// A fraction as a percentage with one decimal: `16.7%`.
fn percent(fraction: f64) -> String {
    format!("{:.1}%", 100.0 * fraction)
}

/// A fraction rounded to four decimals, for JSON.
fn rounded(fraction: f64) -> f64 {
    (fraction * 10_000.0).round() / 10_000.0
}

/// A mean rounded to six decimals, for people.
fn mean_text(mean: f64) -> String {
    crate::rules::number((mean * 1_000_000.0).round() / 1_000_000.0)
}

/// Writes `stats` in `format`, in colour when `color` is set (human format only).
pub fn render(stats: &Stats, format: StatsFormat, color: bool, out: &mut dyn Write) -> io::Result<()> {
    match format {
        StatsFormat::Human => human::render(stats, Paint { enabled: color }, out),
        StatsFormat::Json => json::render(stats, out),
        #[cfg(feature = "table")]
        StatsFormat::Table => table::render(stats, color, out),
    }
}

/// A bar `count / max` of [`BAR_COLUMNS`] columns, in eighths of a column; any count above 0
/// shows at least an eighth.
fn bar(count: u64, max: u64) -> String {
    if count == 0 || max == 0 {
        return String::new();
    }
    let eighths = u128::from(BAR_COLUMNS * 8);
    let scaled = (u128::from(count) * eighths + u128::from(max) / 2) / u128::from(max);
    let scaled = u64::try_from(scaled.clamp(1, eighths)).unwrap_or(BAR_COLUMNS * 8);
    let full = usize::try_from(scaled / 8).unwrap_or(0);
    let partial = usize::try_from(scaled % 8).ok().and_then(|rest| PARTIAL_BLOCKS.get(rest)).copied().unwrap_or("");
    format!("{}{partial}", "█".repeat(full))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::assess::{Outcome, Reason, Source};
    use crate::contract::ReasonCode;
    use crate::contract::Rule;
    use crate::report::summary_line;
    use crate::rules::{Details, Finding};
    use crate::scan::position::Position;

    fn result(kind: Kind, status: Option<Status>) -> CheckResult {
        from("t.json", kind, status)
    }

    /// A result of the input named `path`.
    fn from(path: &str, kind: Kind, status: Option<Status>) -> CheckResult {
        let mut result = CheckResult::unreadable(Source::new(Arc::from(path), Position::START), Vec::new());
        result.kind = kind;
        result.status = status;
        result.settle();
        result
    }

    /// A FAIL result of the input named `path` whose decisive reason is `code`.
    fn failed(path: &str, code: ReasonCode) -> CheckResult {
        with_reason(from(path, Kind::Auth1To1, Some(Status::Fail)), code)
    }

    /// What `format` makes of `stats`, colour off.
    fn rendered(stats: &Stats, format: StatsFormat) -> String {
        let mut out = Vec::new();
        render(stats, format, false, &mut out).expect("writing to memory succeeds");
        String::from_utf8(out).expect("output is UTF-8")
    }

    fn with_reason(mut result: CheckResult, code: ReasonCode) -> CheckResult {
        result.reasons.push(Reason { code, message: String::new() });
        result
    }

    /// Counting a batch at once gives the totals that counting its results one by one gives, in
    /// the summary and the statistics alike, however the results are cut into batches.
    #[test]
    fn a_batch_counts_as_its_results_one_by_one() {
        let mut results = vec![
            failed("a.log", ReasonCode::SpoofDetected),
            with_reason(result(Kind::Auth1To1, Some(Status::Pass)), ReasonCode::FaceMatched),
            result(Kind::Unknown, None),
            failed("a.log", ReasonCode::LensesDetected),
            with_reason(result(Kind::Auth1ToN, None), ReasonCode::SpoofDetected),
            result(Kind::OnboardingStatus, None),
            failed("b.log", ReasonCode::SpoofDetected),
        ];
        results[2].findings.push(Finding::new(Rule::Syntax, String::new(), (1, 1), "x".into(), Details::new()));
        results[2].settle();
        let (mut one_by_one, mut summary) = (Stats::with_breakdown(Breakdown::File), Summary::default());
        for result in &results {
            one_by_one.add(result);
            summary.add(result);
        }
        for size in 1..=results.len() {
            let (mut batched, mut batched_summary) = (Stats::with_breakdown(Breakdown::File), Summary::default());
            for batch in results.chunks(size) {
                batched.add_all(batch);
                batched_summary.add_all(batch);
            }
            assert_eq!(batched, one_by_one, "batches of {size}");
            assert_eq!(batched_summary, summary, "batches of {size}");
        }
        assert_eq!(summary.reasons.get("spoof-detected"), Some(&3));
        assert_eq!((summary.payloads, summary.pass, summary.fail, summary.invalid), (7, 1, 3, 1));
        assert_eq!(summary.kinds.get(Kind::Auth1To1.name()), Some(&4));
        let outcomes: Vec<(Outcome, u64, u64)> =
            summary.outcomes.iter().map(|(o, t)| (*o, t.results, t.invalid)).collect();
        let expected = [
            (Outcome::Pass, 1, 0),
            (Outcome::Fail, 3, 0),
            (Outcome::NoStatus, 1, 0),
            (Outcome::Onboarding, 1, 0),
            (Outcome::Unreadable, 1, 1),
        ];
        assert_eq!(outcomes, expected);
    }

    fn with_finding(mut result: CheckResult, rule: Rule, severity: Severity) -> CheckResult {
        let mut finding = Finding::new(rule, String::new(), (1, 1), String::new(), Details::new());
        finding.severity = severity;
        result.findings.push(finding);
        result.settle();
        result
    }

    #[test]
    fn bins_follow_their_labels() {
        assert_eq!(bin(0.0), Some(0));
        assert_eq!(bin(-0.0), Some(0));
        assert_eq!(bin(0.099_999), Some(0));
        assert_eq!(bin(0.1), Some(1));
        assert_eq!(bin(0.3), Some(3));
        assert_eq!(bin(0.7), Some(7));
        assert_eq!(bin(0.95), Some(9));
        assert_eq!(bin(1.0), Some(9));
        for (tenths, edge) in (1..).zip(EDGES) {
            assert_eq!(bin(edge), Some(tenths), "the edge {edge} opens its own bin");
        }
    }

    #[test]
    fn values_outside_the_unit_interval_have_no_bin() {
        for value in [1.5, -0.1, 1.000_000_1, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(bin(value), None, "{value}");
        }
    }

    #[test]
    fn a_distribution_counts_out_of_range_values_apart() {
        let mut dist = Distribution::default();
        for value in [0.0, 0.1, 0.95, 1.0, 1.5, -0.1, f64::NAN] {
            dist.add(value);
        }
        assert_eq!(dist.count(), 4);
        assert_eq!(dist.out_of_range(), 3);
        assert_eq!(dist.bins(), [1, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
        assert_eq!(dist.min(), Some(0.0));
        assert_eq!(dist.max(), Some(1.0));
        assert_eq!(dist.mean(), Some(2.05 / 4.0));
    }

    #[test]
    fn an_empty_distribution_has_no_moments() {
        let mut dist = Distribution::default();
        dist.add(f64::NAN);
        assert_eq!((dist.count(), dist.min(), dist.max(), dist.mean()), (0, None, None, None));
        assert_eq!(dist.out_of_range(), 1);
    }

    #[test]
    fn results_are_aggregated() {
        let mut pass = with_reason(result(Kind::Auth1To1, Some(Status::Pass)), ReasonCode::FaceMatched);
        pass.recognition_confidence = Some(0.93);
        pass.spoof_confidence = Some(0.001);
        let pass = with_finding(pass, Rule::IdFormat, Severity::Warning);
        let mut spoof = with_reason(result(Kind::Auth1To1, Some(Status::Fail)), ReasonCode::SpoofDetected);
        spoof.error_code = Some(4005);
        spoof.spoof_confidence = Some(1.0);
        // A FAIL's recognition confidence is not counted.
        spoof.recognition_confidence = Some(0.2);
        let spoof = with_finding(spoof, Rule::ConflictingDelivery, Severity::Error);
        let onboarding = with_finding(result(Kind::OnboardingStatus, None), Rule::WrongWebhook, Severity::Warning);

        let mut stats = Stats::default();
        for r in [&pass, &spoof, &spoof, &onboarding] {
            stats.add(r);
        }
        stats.set_deliveries(1, 2);

        assert_eq!(
            (
                stats.summary.payloads,
                stats.summary.valid,
                stats.summary.invalid,
                stats.summary.pass,
                stats.summary.fail
            ),
            (4, 2, 2, 1, 2)
        );
        assert_eq!((stats.summary.errors, stats.summary.warnings, stats.summary.notes), (2, 2, 0));
        assert_eq!(stats.ranked_kinds(), [("auth-1:1", 3), ("onboarding-status", 1), ("auth-1:N", 0), ("unknown", 0)]);
        assert_eq!(stats.ranked_reasons(), [("spoof-detected", 2), ("face-matched", 1)]);
        assert_eq!(stats.ranked_error_codes(), [("4005".to_owned(), 2)]);
        let rules: Vec<(&str, Severity, u64)> =
            stats.ranked_rules().into_iter().map(|(id, t)| (id, t.severity, t.count)).collect();
        assert_eq!(
            rules,
            [
                ("conflicting-delivery", Severity::Error, 2),
                ("id-format", Severity::Warning, 1),
                ("wrong-webhook", Severity::Warning, 1)
            ]
        );
        assert_eq!(stats.recognition.count(), 1);
        assert_eq!(stats.spoof.count(), 3);
        assert_eq!(stats.spoof.bins(), [1, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        assert_eq!((stats.duplicate_deliveries, stats.conflicting_deliveries), (1, 2));
        assert_eq!(
            summary_line(stats.summary()),
            "4 results: 1 PASS, 2 FAIL (2 invalid), 1 onboarding webhook; 2 warnings"
        );
    }

    #[test]
    fn error_codes_beyond_the_cap_count_as_other() {
        let mut codes = ErrorCodes::default();
        for code in 0..(MAX_ERROR_CODES as i64 + 5) {
            codes.add(code);
        }
        codes.add(0);
        assert_eq!(codes.counts.len(), MAX_ERROR_CODES);
        assert_eq!(codes.counts.get(&0), Some(&2));
        assert_eq!(codes.other, 5);
    }

    #[test]
    fn ties_are_ranked_by_id() {
        let ranked = ranked([("a", 1), ("b", 3), ("c", 1), ("d", 3)].into_iter());
        assert_eq!(ranked, [("b", 3), ("d", 3), ("a", 1), ("c", 1)]);
    }

    #[test]
    fn bars_scale_to_forty_columns_in_eighths() {
        assert_eq!(bar(0, 10), "");
        assert_eq!(bar(5, 0), "");
        assert_eq!(bar(10, 10), "█".repeat(40));
        assert_eq!(bar(5, 10), "█".repeat(20));
        assert_eq!(bar(1, 3), format!("{}▍", "█".repeat(13)));
        assert_eq!(bar(1, 1_000_000), "▏");
        assert_eq!(bar(u64::MAX, u64::MAX), "█".repeat(40));
    }

    #[test]
    fn no_escape_sequences_without_colour() {
        let mut stats = Stats::default();
        stats.add(&with_reason(result(Kind::Auth1To1, Some(Status::Pass)), ReasonCode::FaceMatched));
        for format in [
            StatsFormat::Human,
            StatsFormat::Json,
            #[cfg(feature = "table")]
            StatsFormat::Table,
        ] {
            let mut out = Vec::new();
            render(&stats, format, false, &mut out).expect("writing to memory succeeds");
            let text = String::from_utf8(out).expect("output is UTF-8");
            assert!(!text.contains('\u{1b}'), "{format:?} output has an escape sequence:\n{text}");
        }
        let mut out = Vec::new();
        render(&stats, StatsFormat::Human, true, &mut out).expect("writing to memory succeeds");
        assert!(out.contains(&0x1b), "colour on paints the human format");
    }

    #[test]
    fn json_of_nothing_has_null_moments_and_zero_shares() {
        let mut out = Vec::new();
        render(&Stats::default(), StatsFormat::Json, false, &mut out).expect("writing to memory succeeds");
        let document: serde_json::Value = serde_json::from_slice(&out).expect("one JSON document");
        assert_eq!(document["payloads"], 0);
        assert_eq!(document["recognitionConfidence"]["min"], serde_json::Value::Null);
        assert_eq!(document["spoofConfidence"]["bins"], serde_json::json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!(document["kinds"]["auth-1:1"], 0);
    }

    #[test]
    fn reasons_are_split_by_status_and_a_failure_reasons_share_is_of_fail() {
        let mut stats = Stats::default();
        stats.add(&with_reason(result(Kind::Auth1To1, Some(Status::Pass)), ReasonCode::FaceMatched));
        for code in [ReasonCode::SpoofDetected, ReasonCode::SpoofDetected, ReasonCode::LensesDetected] {
            stats.add(&failed("t.json", code));
        }
        // A reason without a status is neither the passing reason nor a FAIL's.
        let mut unsettled = with_reason(result(Kind::Auth1To1, None), ReasonCode::SpoofDetected);
        unsettled.error_code = Some(4005);
        stats.add(&unsettled);
        stats.add(&result(Kind::OnboardingStatus, None));

        assert_eq!(stats.pass_reasons(), [("face-matched", 1)]);
        assert_eq!(stats.failure_reasons(), [("spoof-detected", 2), ("lenses-detected", 1)]);
        assert_eq!(stats.reasons_without_status(), [("spoof-detected", 1)]);
        assert_eq!(stats.ranked_reasons(), [("spoof-detected", 3), ("face-matched", 1), ("lenses-detected", 1)]);
        assert_eq!((stats.with_status(), stats.with_error_code), (4, 1));

        let document: serde_json::Value =
            serde_json::from_str(&rendered(&stats, StatsFormat::Json)).expect("one JSON document");
        assert_eq!(document["failureReasons"]["spoof-detected"], serde_json::json!({"count": 2, "share": 0.6667}));
        assert_eq!(document["failureReasons"]["lenses-detected"]["share"], 0.3333);
        assert_eq!(document["passReasons"]["face-matched"], serde_json::json!({"count": 1, "share": 1.0}));
        assert_eq!(document["reasonsWithoutStatus"], serde_json::json!({"spoof-detected": 1}));
        // `reasons` keeps its shares of every payload.
        assert_eq!(document["reasons"]["spoof-detected"], serde_json::json!({"count": 3, "share": 0.5}));
        assert_eq!(document["withErrorCode"], 1);
        assert_eq!(
            document["errorCodes"]["4005"],
            serde_json::json!({"count": 1, "share": 0.1667, "shareWithErrorCode": 1.0})
        );
        assert!(document.get("byFile").is_none(), "no breakdown asked for");

        let human = rendered(&stats, StatsFormat::Human);
        assert!(human.contains("Why attempts passed (share of 1 PASS)\n  face-matched  1  100.0%"), "{human}");
        assert!(human.contains("Why attempts failed (share of 3 FAIL)\n  spoof-detected   2   66.7%"), "{human}");
        assert!(human.contains("Reasons of payloads without an overallStatus (1 payload, not in the shares above)\n  spoof-detected  1\n"), "{human}");
        assert!(human.contains("Verdicts (share of 4 payloads with an overallStatus)\n  PASS  1   25.0%"), "{human}");
        assert!(human.contains("Error codes (share of 1 payload with an errorCode)\n  4005  1  100.0%"), "{human}");
        assert!(!human.contains("By file"), "{human}");
        #[cfg(feature = "table")]
        {
            let table = rendered(&stats, StatsFormat::Table);
            for heading in
                ["share of 1 PASS", "share of 3 FAIL", "share of 6 payloads", "reason without an overallStatus"]
            {
                assert!(table.contains(heading), "{heading}:\n{table}");
            }
            assert!(table.contains("spoof-detected  ┆    2 ┆           66.7%"), "{table}");
        }
    }

    #[test]
    fn without_reasons_without_status_the_section_is_left_out() {
        let mut stats = Stats::default();
        stats.add(&failed("t.json", ReasonCode::Unexplained));
        assert!(!rendered(&stats, StatsFormat::Human).contains("without an overallStatus ("));
        let document: serde_json::Value =
            serde_json::from_str(&rendered(&stats, StatsFormat::Json)).expect("one JSON document");
        assert_eq!(document["reasonsWithoutStatus"], serde_json::json!({}), "the member is always there");
    }

    #[test]
    fn a_breakdown_by_file_keeps_one_aggregate_per_input_in_input_order() {
        let mut stats = Stats::with_breakdown(Breakdown::File);
        stats.start_input(Arc::from("b.json"));
        stats.add(&failed("b.json", ReasonCode::SpoofDetected));
        stats.add(&failed("b.json", ReasonCode::LensesDetected));
        stats.add(&failed("b.json", ReasonCode::SpoofDetected));
        stats.add(&with_reason(from("b.json", Kind::Auth1To1, Some(Status::Pass)), ReasonCode::FaceMatched));
        stats.add(&with_finding(from("b.json", Kind::Unknown, None), Rule::Syntax, Severity::Error));
        // An input with no result is listed.
        stats.start_input(Arc::from("empty.json"));
        // The same name again is another input.
        stats.start_input(Arc::from("a.json"));
        stats.add(&failed("a.json", ReasonCode::Unexplained));
        stats.start_input(Arc::from("a.json"));
        // A result of a name not started starts an input of its own.
        stats.add(&failed("c.json", ReasonCode::UserBlacklisted));

        let rows: Vec<(&str, u64, u64, u64, u64)> =
            stats.inputs().iter().map(|i| (i.path(), i.payloads(), i.pass(), i.fail(), i.invalid())).collect();
        assert_eq!(
            rows,
            [
                ("b.json", 5, 1, 3, 1),
                ("empty.json", 0, 0, 0, 0),
                ("a.json", 1, 0, 1, 0),
                ("a.json", 0, 0, 0, 0),
                ("c.json", 1, 0, 1, 0)
            ]
        );
        let first = stats.inputs().first().expect("an input");
        assert_eq!(first.failure_reasons(), [("spoof-detected", 2), ("lenses-detected", 1)]);
        assert_eq!(stats.payloads(), 7, "the totals count every input");

        let document: serde_json::Value =
            serde_json::from_str(&rendered(&stats, StatsFormat::Json)).expect("one JSON document");
        assert_eq!(
            document["byFile"][0],
            serde_json::json!({
                "path": "b.json", "payloads": 5, "pass": 1, "fail": 3, "invalid": 1,
                "failureReasons": {"spoof-detected": {"count": 2, "share": 0.6667}, "lenses-detected": {"count": 1, "share": 0.3333}}
            })
        );
        assert_eq!(document["byFile"][1]["failureReasons"], serde_json::json!({}));
        let paths: Vec<&str> =
            document["byFile"].as_array().expect("an array").iter().filter_map(|i| i["path"].as_str()).collect();
        assert_eq!(paths, ["b.json", "empty.json", "a.json", "a.json", "c.json"]);

        let human = rendered(&stats, StatsFormat::Human);
        let section = human.split("By file (in input order)\n").nth(1).expect("a by-file section");
        let lines: Vec<&str> = section.lines().take(6).collect();
        assert_eq!(
            lines,
            [
                "  input       payloads  PASS  FAIL  invalid  top 3 failure reasons",
                "  b.json             5     1     3        1  spoof-detected 2, lenses-detected 1",
                "  empty.json         0     0     0        0",
                "  a.json             1     0     1        0  unexplained 1",
                "  a.json             0     0     0        0",
                "  c.json             1     0     1        0  user-blacklisted 1",
            ]
        );
    }

    #[test]
    fn without_a_breakdown_no_input_is_kept() {
        let mut stats = Stats::default();
        stats.start_input(Arc::from("a.json"));
        stats.add(&failed("a.json", ReasonCode::SpoofDetected));
        assert!(stats.inputs().is_empty());
        assert_eq!(stats.breakdown(), None);
    }

    #[test]
    fn an_input_shows_its_three_most_frequent_failure_reasons() {
        let mut stats = Stats::with_breakdown(Breakdown::File);
        let codes = [
            ReasonCode::Unexplained,
            ReasonCode::SpoofDetected,
            ReasonCode::SpoofDetected,
            ReasonCode::NoFaceMatch,
            ReasonCode::ApiException,
            ReasonCode::ApiException,
            ReasonCode::ApiException,
        ];
        for code in codes {
            stats.add(&failed("x.log", code));
        }
        let input = stats.inputs().first().expect("an input");
        assert_eq!(top_failure_reasons(input), "api-exception 3, spoof-detected 2, no-face-match 1, +1 more");
        assert_eq!(input.failure_reasons().iter().map(|(_, count)| count).sum::<u64>(), input.fail());
    }

    #[test]
    fn input_names_are_escaped_for_the_terminal() {
        let mut stats = Stats::with_breakdown(Breakdown::File);
        stats.start_input(Arc::from("evil\u{1b}[2Jname\u{202e}.json"));
        for format in [
            StatsFormat::Human,
            #[cfg(feature = "table")]
            StatsFormat::Table,
        ] {
            let text = rendered(&stats, format);
            assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'), "{format:?}:\n{text}");
            assert!(text.contains("evil\\u{1b}[2Jname\\u{202e}.json"), "{format:?}:\n{text}");
        }
        // JSON escapes control characters itself, and keeps the name as it is.
        let document: serde_json::Value =
            serde_json::from_str(&rendered(&stats, StatsFormat::Json)).expect("one JSON document");
        assert_eq!(document["byFile"][0]["path"], "evil\u{1b}[2Jname\u{202e}.json");
    }

    #[test]
    fn by_file_columns_widen_for_large_counts() {
        let mut stats = Stats::with_breakdown(Breakdown::File);
        stats.start_input(Arc::from("small.json"));
        stats.add(&failed("small.json", ReasonCode::LensesDetected));
        stats.start_input(Arc::from("big.log"));
        for _ in 0..12_345 {
            stats.add(&failed("big.log", ReasonCode::SpoofDetected));
        }
        let human = rendered(&stats, StatsFormat::Human);
        let section = human.split("By file (in input order)\n").nth(1).expect("a by-file section");
        let lines: Vec<&str> = section.lines().take(3).collect();
        assert_eq!(
            lines,
            [
                "  input       payloads  PASS   FAIL  invalid  top 3 failure reasons",
                "  small.json         1     0      1        0  lenses-detected 1",
                "  big.log        12345     0  12345        0  spoof-detected 12345",
            ]
        );
    }
}
