//! The JSON rendering of `stats`: one document for programs.

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{BINS, Distribution, Stats, rounded};
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
    reasons: Ordered<Share>,
    error_codes: Ordered<Share>,
    rules: Ordered<RuleEntry>,
    deliveries: Deliveries,
    recognition_confidence: DistributionEntry,
    spoof_confidence: DistributionEntry,
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

fn shares(stats: &Stats, items: Vec<(String, u64)>) -> Ordered<Share> {
    Ordered(items.into_iter().map(|(key, count)| (key, Share { count, share: rounded(stats.share(count)) })).collect())
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
        reasons: shares(stats, owned(stats.ranked_reasons())),
        error_codes: shares(stats, stats.ranked_error_codes()),
        rules: Ordered(
            stats
                .ranked_rules()
                .into_iter()
                .map(|(id, tally)| (id.to_owned(), RuleEntry { severity: tally.severity, count: tally.count }))
                .collect(),
        ),
        deliveries: Deliveries { duplicate: stats.duplicate_deliveries, conflicting: stats.conflicting_deliveries },
        recognition_confidence: distribution(stats.recognition_confidence()),
        spoof_confidence: distribution(stats.spoof_confidence()),
    }
}

pub(super) fn render(stats: &Stats, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &document(stats))?;
    writeln!(out)
}
