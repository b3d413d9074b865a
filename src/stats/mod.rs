//! `authhook stats`: one aggregate over every result of a run.
//!
//! This module owns the aggregate ([`Stats`]) and its three renderings ([`render`]): `human`
//! (titled sections with bar charts and histograms drawn with Unicode blocks), `json` (one
//! document for programs) and `table` (comfy-table tables). All three are drawn from the same
//! numbers, in the same order: counts descending, then ids ascending.
//!
//! Memory stays bounded whatever the input size: results are folded into counters as they
//! arrive and never kept. Kinds, reasons and rules are small closed sets; errorCodes are open,
//! so at most [`MAX_ERROR_CODES`] distinct codes are tracked and the rest are counted as
//! `other`. Confidences go into [`BINS`] fixed bins over 0..1 with a running minimum, maximum
//! and sum.
//!
//! Every label printed comes from the contract's closed sets or is a number, never from a
//! payload, so nothing here needs escaping for the terminal.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::assess::{CheckResult, Summary};
use crate::contract::Severity;
use crate::contract::{Kind, Status};
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
    error_codes: ErrorCodes,
    /// Findings per rule, by rule id.
    rules: BTreeMap<&'static str, RuleTally>,
    duplicate_deliveries: u64,
    conflicting_deliveries: u64,
    /// recognitionConfidence.confidence of PASS results.
    recognition: Distribution,
    /// spoofConfidence of every result that has one.
    spoof: Distribution,
}

impl Stats {
    /// Folds one result into the totals.
    pub fn add(&mut self, result: &CheckResult) {
        self.summary.add(result);
        if let Some(code) = result.error_code {
            self.error_codes.add(code);
        }
        result.findings.iter().for_each(|finding| self.add_finding(finding.rule.id(), finding.severity));
        if let (Some(Status::Pass), Some(confidence)) = (result.status, result.recognition_confidence) {
            self.recognition.add(confidence);
        }
        if let Some(confidence) = result.spoof_confidence {
            self.spoof.add(confidence);
        }
    }

    fn add_finding(&mut self, rule: &'static str, severity: Severity) {
        let tally = self.rules.entry(rule).or_insert(RuleTally { severity, count: 0 });
        tally.count += 1;
        tally.severity = tally.severity.max(severity);
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

    /// `count` as a fraction of all results; 0 when there are none.
    fn share(&self, count: u64) -> f64 {
        fraction(count, self.summary.payloads)
    }

    /// Every kind with its count, most frequent first.
    fn ranked_kinds(&self) -> Vec<(&'static str, u64)> {
        let mut kinds: Vec<(&'static str, u64)> =
            KINDS.iter().map(|kind| (kind.name(), self.summary.kinds.get(kind.name()).copied().unwrap_or(0))).collect();
        kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        kinds
    }

    /// Decisive reasons with their counts, most frequent first.
    fn ranked_reasons(&self) -> Vec<(&'static str, u64)> {
        ranked(self.summary.reasons.iter().map(|(id, count)| (*id, *count)))
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
    use crate::assess::{Reason, Source};
    use crate::contract::ReasonCode;
    use crate::contract::Rule;
    use crate::report::summary_line;
    use crate::rules::{Details, Finding};
    use crate::scan::position::Position;

    fn result(kind: Kind, status: Option<Status>) -> CheckResult {
        let mut result = CheckResult::unreadable(Source::new(Arc::from("t.json"), Position::START), Vec::new());
        result.kind = kind;
        result.status = status;
        result
    }

    fn with_reason(mut result: CheckResult, code: ReasonCode) -> CheckResult {
        result.reasons.push(Reason { code, message: String::new() });
        result
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
}
