//! Duplicate and conflicting deliveries.
//!
//! The vendor retries a webhook up to five times when the receiver does not answer 200 (JSON)
//! or 204, so a transaction can appear several times in one capture. The first delivery of each
//! transactionId is remembered, in about 65 bytes, for the whole run: a later one with the
//! same content and status gets a `duplicate-delivery` note, one with different content or a
//! different status a `conflicting-delivery` error, each naming where the first was seen.
//! Content is compared by its fingerprint, a keyed hash that nobody can make collide.
//!
//! Why about 65: an entry is 40 bytes (and a control byte) in a hash table that doubles when
//! seven eighths full, so it is between 44% and 88% full. Were every table the same size, they
//! would all double at once and spend 93 bytes an entry just after; instead transactions are
//! spread over the tables unevenly, table `i` getting a share proportional to `2^(i/256)`, so
//! their sizes, and the moments they double, are spread out evenly: by calculation the tables
//! are 63% full on average at any size, 65 bytes an entry.
//!
//! The tables take their memory from the system's allocator, whatever allocator the program
//! uses: a table that doubles frees the old one, and the system's allocator reuses or returns
//! such large blocks at once, where mimalloc (the command line's) keeps freed memory for a
//! second before returning it. Tables double all the time while a capture of new transactions
//! is read, so that second held 13 to 41 MiB more at the peak of runs over 1,000,000 to
//! 3,000,000 distinct transactions (`benches/memory.sh`), enough to pass the memory budget.

use std::alloc::System;
use std::sync::Arc;

use hashbrown::hash_map::Entry;
use rustc_hash::FxBuildHasher;

use super::CheckResult;
use super::fingerprint::{Fingerprint, TransactionKey};
use crate::contract::Status;
use crate::contract::{AuthField, Rule};
use crate::rules::{Details, Finding};

/// Where and how a transaction was first delivered, packed in 28 bytes.
#[derive(Debug, Clone, Copy)]
struct FirstDelivery {
    /// The content's keyed 128-bit fingerprint, which nobody can make collide.
    content: Fingerprint,
    /// Line and column, saturated at `u32::MAX`.
    line: u32,
    column: u32,
    /// The input's index in [`Deliveries::paths`] (saturated), shifted left by two, and the
    /// status in the low two bits.
    path_and_status: u32,
}

impl FirstDelivery {
    fn pack(path: u32, status: Option<Status>) -> u32 {
        let status = match status {
            None => 0,
            Some(Status::Pass) => 1,
            Some(Status::Fail) => 2,
        };
        path.min(u32::MAX >> 2) << 2 | status
    }

    fn path(self) -> usize {
        (self.path_and_status >> 2) as usize
    }

    fn status(self) -> Option<Status> {
        match self.path_and_status & 3 {
            1 => Some(Status::Pass),
            2 => Some(Status::Fail),
            _ => None,
        }
    }
}

/// How many independent maps the transactions are spread over, so that a map growing copies
/// only its own share: without it, doubling one map of a million entries briefly holds both.
const SHARDS: usize = 256;

/// The map a transaction goes to, by 12 bits of its key: map `i` gets a share of the keys
/// proportional to `2^(i/256)` (see the module's documentation). Entry `bits` is
/// `floor(256 * log2(1 + (bits + 0.5) / 4096))`, found by walking the powers `2^(i/256)` up
/// once, at compile time: computing 4,096 logarithms at start cost a one-payload run a sixth of
/// its instructions.
static SHARD_OF: [u8; 4096] = shard_table();

const fn shard_table() -> [u8; 4096] {
    /// 2^(1/256).
    const STEP: f64 = 1.002_711_275_050_202_5;
    let mut table = [0u8; 4096];
    let (mut bits, mut shard, mut next) = (0, 0, STEP);
    while bits < table.len() {
        let point = 1.0 + (bits as f64 + 0.5) / 4096.0;
        while shard < SHARDS - 1 && next <= point {
            shard += 1;
            next *= STEP;
        }
        table[bits] = shard as u8;
        bits += 1;
    }
    table
}

fn shard_of(key: &TransactionKey) -> usize {
    let mixed = (u64::from(key[1]) << 32 | u64::from(key[2] ^ key[0])).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    SHARD_OF.get((mixed >> 52) as usize).map_or(0, |&shard| usize::from(shard))
}

/// One of the maps, its table allocated by the system (see the module's documentation).
type Shard = hashbrown::HashMap<TransactionKey, FirstDelivery, FxBuildHasher, System>;

/// Every transaction seen so far in a run.
#[derive(Debug)]
pub struct Deliveries {
    shards: Vec<Shard>,
    paths: Vec<Arc<str>>,
    /// Deliveries that repeated an earlier one exactly.
    pub duplicates: u64,
    /// Deliveries that contradicted an earlier one.
    pub conflicts: u64,
}

impl Default for Deliveries {
    fn default() -> Self {
        let shards = (0..SHARDS).map(|_| Shard::with_hasher_in(FxBuildHasher, System)).collect();
        Deliveries { shards, paths: Vec::new(), duplicates: 0, conflicts: 0 }
    }
}

fn saturate(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

impl Deliveries {
    /// Records `result` and adds a finding when it repeats an earlier delivery; returns whether
    /// it added one.
    pub fn observe(&mut self, result: &mut CheckResult) -> bool {
        let (Some(transaction), Some(key), Some(content)) =
            (result.transaction_id.as_deref(), result.transaction_key, result.content_hash)
        else {
            return false;
        };
        let Some(map) = self.shards.get_mut(shard_of(&key)) else { return false };
        let first = match map.entry(key) {
            Entry::Occupied(first) => *first.get(),
            Entry::Vacant(slot) => {
                // The input's name is kept only for a first delivery, which later ones refer to:
                // a receiver whose every request has a name of its own keeps one per transaction.
                let path = path_index(&mut self.paths, &result.source.path);
                slot.insert(FirstDelivery {
                    content,
                    line: saturate(result.source.line),
                    column: saturate(result.source.column),
                    path_and_status: FirstDelivery::pack(path, result.status),
                });
                return false;
            }
        };
        let path = self.paths.get(first.path()).map_or("?", |p| p.as_ref());
        let at = format!("{path}:{}:{}", first.line, first.column);
        let transaction = crate::rules::preview_text(transaction);
        // A retry repeats its content, status and all; a different status is never a retry.
        let first_seen = serde_json::json!({ "path": path, "line": first.line, "column": first.column });
        let (rule, message) = if first.content == content && first.status() == result.status {
            self.duplicates += 1;
            (
                Rule::DuplicateDelivery,
                format!("transaction {transaction} was already delivered with the same content at {at} (a retry)"),
            )
        } else {
            self.conflicts += 1;
            let status = |s: Option<Status>| s.map_or("no status", Status::name);
            (
                Rule::ConflictingDelivery,
                format!(
                    "transaction {transaction} was delivered at {at} with different content ({} there, {} here)",
                    status(first.status()),
                    status(result.status)
                ),
            )
        };
        let (line, column) = result.transaction_at.unwrap_or((result.source.line, result.source.column));
        let details = Details::new().with("firstDelivery", first_seen);
        let pointer = format!("/{}", AuthField::TransactionId.name());
        result.findings.push(Finding::new(rule, pointer, (line, column), message, details));
        result.settle();
        true
    }
}

/// The index of `path` in `paths`, which it is added to unless it is the last one there.
fn path_index(paths: &mut Vec<Arc<str>>, path: &Arc<str>) -> u32 {
    if paths.last().is_none_or(|last| !Arc::ptr_eq(last, path) && last != path) {
        paths.push(path.clone());
    }
    u32::try_from(paths.len().saturating_sub(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_maps_get_growing_shares_of_the_keys() {
        let counts = SHARD_OF.iter().fold([0usize; SHARDS], |mut counts, &shard| {
            counts[usize::from(shard)] += 1;
            counts
        });
        assert!(counts.iter().all(|&n| n > 0), "every map gets keys");
        let (first, last) = (counts[..16].iter().sum::<usize>(), counts[SHARDS - 16..].iter().sum::<usize>());
        assert!(last * 10 > first * 17 && last * 10 < first * 23, "{first} -> {last}: about twice as many");
    }

    #[test]
    fn the_compiled_table_is_the_logarithm() {
        for (bits, &shard) in SHARD_OF.iter().enumerate() {
            let share = (bits as f64 + 0.5) / 4096.0;
            let place = ((1.0 + share).log2() * SHARDS as f64) as usize;
            assert_eq!(usize::from(shard), place.min(SHARDS - 1), "bits {bits}");
        }
    }

    fn delivery(status: Status, content: Fingerprint) -> CheckResult {
        let source = crate::assess::Source::new(Arc::from("t"), crate::scan::position::Position::START);
        let mut result = CheckResult::unreadable(source, Vec::new());
        result.status = Some(status);
        result.transaction_id = Some("e59ee5a064e24d129d1beed9".into());
        result.transaction_key = Some(super::super::fingerprint::transaction_key(b"e59ee5a064e24d129d1beed9"));
        result.content_hash = Some(content);
        result
    }

    #[test]
    fn a_different_status_is_never_a_retry() {
        let mut deliveries = Deliveries::default();
        // The same fingerprint, as a collision would give, with a different status.
        assert!(!deliveries.observe(&mut delivery(Status::Fail, [7; 4])));
        let mut second = delivery(Status::Pass, [7; 4]);
        assert!(deliveries.observe(&mut second));
        assert_eq!(second.findings.first().map(|f| f.rule), Some(Rule::ConflictingDelivery));
        let mut third = delivery(Status::Fail, [7; 4]);
        assert!(deliveries.observe(&mut third));
        assert_eq!(third.findings.first().map(|f| f.rule), Some(Rule::DuplicateDelivery));
    }

    #[test]
    fn a_first_delivery_keeps_its_path_and_status() {
        for (path, status) in [(0, None), (7, Some(Status::Pass)), (u32::MAX, Some(Status::Fail))] {
            let first = FirstDelivery {
                content: [0; 4],
                line: 1,
                column: 1,
                path_and_status: FirstDelivery::pack(path, status),
            };
            assert_eq!(first.status(), status);
            assert_eq!(first.path(), path.min(u32::MAX >> 2) as usize);
        }
        assert_eq!(std::mem::size_of::<(TransactionKey, FirstDelivery)>(), 40);
    }
}
