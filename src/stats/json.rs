//! The JSON rendering of `stats`: one document for programs (README, "authhook stats"). Members
//! are only ever added: `reasons` and `errorCodes` keep their shares of every payload, beside
//! the members added with shares of the right whole (`passReasons`, `failureReasons`,
//! `shareWithErrorCode`).

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{BINS, Breakdown, Distribution, InputStats, Stats, fraction, rounded};
use crate::contract::Severity;
use crate::report::SCHEMA_VERSION;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    schema_version: u32,
    payloads: u64,
    valid: u64,
    invalid: u64,
    pass: u64,
    fail: u64,
    findings: Findings,
    kinds: Ordered<u64>,
    /// Decisive reasons of every result, shares of every payload.
    reasons: Ordered<Share>,
    /// The decisive reason of PASS results, shares of `pass`.
    pass_reasons: Ordered<Share>,
    /// Decisive reasons of FAIL results, shares of `fail`.
    failure_reasons: Ordered<Share>,
    /// Decisive reasons of results without a status: counts only.
    reasons_without_status: Ordered<u64>,
    /// Results that carry an errorCode.
    with_error_code: u64,
    error_codes: Ordered<ErrorCodeShare>,
    rules: Ordered<RuleEntry>,
    deliveries: Deliveries,
    /// Unreadable results that read as a payload once mended.
    mended: super::Mended,
    recognition_confidence: DistributionEntry,
    spoof_confidence: DistributionEntry,
    /// With `--by file` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    by_file: Option<Vec<InputEntry>>,
}

/// Findings per severity.
#[derive(Serialize)]
struct Findings {
    error: u64,
    warning: u64,
    note: u64,
}

#[derive(Serialize)]
struct Share {
    count: u64,
    share: f64,
}

/// An errorCode's count, its share of every payload and its share of the payloads that carry an
/// errorCode.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorCodeShare {
    count: u64,
    share: f64,
    share_with_error_code: f64,
}

/// One input of a breakdown by file.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InputEntry {
    path: String,
    payloads: u64,
    pass: u64,
    fail: u64,
    invalid: u64,
    /// Every failure reason of the input's FAIL results, shares of its `fail`.
    failure_reasons: Ordered<Share>,
}

#[derive(Serialize)]
struct RuleEntry {
    severity: Severity,
    count: u64,
}

#[derive(Serialize)]
struct Deliveries {
    duplicate: u64,
    conflicting: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DistributionEntry {
    count: u64,
    min: Option<f64>,
    max: Option<f64>,
    mean: Option<f64>,
    bins: [u64; BINS],
    out_of_range: u64,
}

/// A JSON object whose members keep the order given (serde_json would sort a map's keys).
struct Ordered<V>(Vec<(String, V)>);

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// `items` with each count's share of `whole`.
fn shares<K: ToString>(items: Vec<(K, u64)>, whole: u64) -> Ordered<Share> {
    Ordered(
        items
            .into_iter()
            .map(|(key, count)| (key.to_string(), Share { count, share: rounded(fraction(count, whole)) }))
            .collect(),
    )
}

fn input(input: &InputStats) -> InputEntry {
    InputEntry {
        path: input.path().to_owned(),
        payloads: input.payloads(),
        pass: input.pass(),
        fail: input.fail(),
        invalid: input.invalid(),
        failure_reasons: shares(input.failure_reasons(), input.fail()),
    }
}

fn distribution(dist: &Distribution) -> DistributionEntry {
    DistributionEntry {
        count: dist.count(),
        min: dist.min(),
        max: dist.max(),
        mean: dist.mean(),
        bins: dist.bins(),
        out_of_range: dist.out_of_range(),
    }
}

fn document(stats: &Stats) -> Document {
    let owned = |items: Vec<(&'static str, u64)>| items.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    Document {
        schema_version: SCHEMA_VERSION,
        payloads: stats.summary.payloads,
        valid: stats.summary.valid,
        invalid: stats.summary.invalid,
        pass: stats.summary.pass,
        fail: stats.summary.fail,
        findings: Findings { error: stats.summary.errors, warning: stats.summary.warnings, note: stats.summary.notes },
        kinds: Ordered(owned(stats.ranked_kinds())),
        reasons: shares(stats.ranked_reasons(), stats.payloads()),
        pass_reasons: shares(stats.pass_reasons(), stats.summary.pass),
        failure_reasons: shares(stats.failure_reasons(), stats.summary.fail),
        reasons_without_status: Ordered(owned(stats.reasons_without_status())),
        with_error_code: stats.with_error_code,
        error_codes: Ordered(
            stats
                .ranked_error_codes()
                .into_iter()
                .map(|(code, count)| {
                    let share = rounded(stats.share(count));
                    let share_with_error_code = rounded(fraction(count, stats.with_error_code));
                    (code, ErrorCodeShare { count, share, share_with_error_code })
                })
                .collect(),
        ),
        rules: Ordered(
            stats
                .ranked_rules()
                .into_iter()
                .map(|(id, tally)| (id.to_owned(), RuleEntry { severity: tally.severity, count: tally.count }))
                .collect(),
        ),
        deliveries: Deliveries { duplicate: stats.duplicate_deliveries, conflicting: stats.conflicting_deliveries },
        mended: stats.mended(),
        recognition_confidence: distribution(stats.recognition_confidence()),
        spoof_confidence: distribution(stats.spoof_confidence()),
        by_file: (stats.breakdown() == Some(Breakdown::File)).then(|| stats.inputs().iter().map(input).collect()),
    }
}

pub(super) fn render(stats: &Stats, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &document(stats))?;
    writeln!(out)
}
