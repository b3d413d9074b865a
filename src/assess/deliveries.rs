//! Duplicate and conflicting deliveries.
//!
//! The vendor retries a webhook up to five times when the receiver does not answer 200 (JSON)
//! or 204, so a transaction can appear several times in one capture. The first delivery of each
//! transactionId is remembered, in about 54 bytes, for the whole run: a later one with the
//! same content and status gets a `duplicate-delivery` note, one with different content or a
//! different status a `conflicting-delivery` error, each naming where the first was seen.
//! Content is compared by its fingerprint, a keyed hash that nobody can make collide.
//!
//! Why about 54: each first delivery takes 40 bytes in blocks of 4,096 that are filled in
//! turn and never move, and 8 bytes (and a control byte) in a hash table of where it is, which
//! doubles when seven eighths full, so is between 44% and 88% full: 10 to 21 bytes an entry,
//! 14 on average. Were every table the same size, they would all double at once; instead
//! transactions are spread over the tables unevenly, table `i` getting a share proportional to
//! `2^(i/256)`, so their sizes, and the moments they double, are spread out evenly. (Entries kept
//! in the tables themselves took 65 bytes on average, up to 93 just after a doubling, which at
//! millions of transactions crossed the budget of 64.)
//!
//! The tables take their memory from the system's allocator, whatever allocator the program
//! uses: a table that doubles frees the old one, and the system's allocator reuses or returns
//! such large blocks at once, where mimalloc (the command line's) keeps freed memory for a
//! second before returning it, tens of MiB while a capture of new transactions is read.

use std::alloc::System;
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use hashbrown::HashTable;

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

/// The table a transaction goes to, by 12 bits of the hash of its key: table `i` gets a share of the keys
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

/// The table a key of hash `hash` goes to, by bits 20 to 31 of the hash (its slot keeps the top
/// 32 as its tag).
fn shard_of(hash: u64) -> usize {
    SHARD_OF.get((hash >> 20 & 0xfff) as usize).map_or(0, |&shard| usize::from(shard))
}

/// A transaction and its first delivery, as remembered: 40 bytes.
#[derive(Debug, Clone, Copy)]
struct Remembered {
    key: TransactionKey,
    first: FirstDelivery,
}

/// How many [`Remembered`] a block holds: 160 KiB.
const BLOCK: usize = 4096;

/// Where a transaction's first delivery is in [`Deliveries::remembered`], beside 32 bits of the
/// hash of its key: a look-up reads a block only for a transaction whose hash matches, and a
/// table that doubles places its slots again without reading any.
#[derive(Debug, Clone, Copy)]
struct Slot {
    place: u32,
    tag: u32,
}

/// One of the tables: the slots of the transactions that fall to it, allocated by the system
/// (see the module's documentation).
type Shard = HashTable<Slot, System>;

/// The hash a table places a slot by, made from the slot's tag alone.
fn placed_by(tag: u32) -> u64 {
    u64::from(tag).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Every transaction seen so far in a run.
#[derive(Debug)]
pub struct Deliveries {
    shards: Vec<Shard>,
    /// Blocks of [`BLOCK`] first deliveries, in the order they were seen; each is allocated whole
    /// and never grows, so none is ever copied or freed before the end.
    remembered: Vec<Vec<Remembered>>,
    /// Hashes keys with keys of its own, drawn for each run: nobody who writes transactionIds can
    /// make many fall on one place of a table, which would make each look-up slower than the last
    /// (a hex transactionId is its key as it is).
    hasher: RandomState,
    paths: Vec<Arc<str>>,
    /// Deliveries that repeated an earlier one exactly.
    pub duplicates: u64,
    /// Deliveries that contradicted an earlier one.
    pub conflicts: u64,
}

impl Default for Deliveries {
    fn default() -> Self {
        let shards = (0..SHARDS).map(|_| Shard::new_in(System)).collect();
        let hasher = RandomState::new();
        Deliveries { shards, remembered: Vec::new(), hasher, paths: Vec::new(), duplicates: 0, conflicts: 0 }
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
        let hash = self.hasher.hash_one(key);
        let tag = (hash >> 32) as u32;
        let Some(shard) = self.shards.get_mut(shard_of(hash)) else { return false };
        let remembered = &self.remembered;
        let found = shard.find(placed_by(tag), |slot| {
            slot.tag == tag && remembered_at(remembered, slot.place).is_some_and(|r| r.key == key)
        });
        let Some(first) = found.and_then(|slot| remembered_at(remembered, slot.place)).map(|r| r.first) else {
            // The input's name is kept only for a first delivery, which later ones refer to: a
            // receiver whose every request has a name of its own keeps one per transaction.
            let path = path_index(&mut self.paths, &result.source.path);
            let first = FirstDelivery {
                content,
                line: saturate(result.source.line),
                column: saturate(result.source.column),
                path_and_status: FirstDelivery::pack(path, result.status),
            };
            if let Some(place) = remember(&mut self.remembered, Remembered { key, first }) {
                shard.insert_unique(placed_by(tag), Slot { place, tag }, |slot| placed_by(slot.tag));
            }
            return false;
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

/// The first delivery remembered at `place`.
fn remembered_at(remembered: &[Vec<Remembered>], place: u32) -> Option<&Remembered> {
    let place = place as usize;
    remembered.get(place / BLOCK)?.get(place % BLOCK)
}

/// Adds `entry` after the others, in a new block when the last is full; its place, or `None`
/// past `u32::MAX` transactions (some 170 GB of them), which are then not remembered.
fn remember(remembered: &mut Vec<Vec<Remembered>>, entry: Remembered) -> Option<u32> {
    if remembered.last().is_none_or(|block| block.len() == BLOCK) {
        remembered.push(Vec::with_capacity(BLOCK));
    }
    let before = remembered.len().saturating_sub(1) * BLOCK;
    let block = remembered.last_mut()?;
    let place = u32::try_from(before + block.len()).ok()?;
    block.push(entry);
    Some(place)
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

    /// A delivery of transaction `n` (an id of its own) at line `line`.
    fn delivery_of(n: usize, line: u64) -> CheckResult {
        let id = format!("{n:024x}");
        let position = crate::scan::position::Position { line, ..crate::scan::position::Position::START };
        let mut result = CheckResult::unreadable(crate::assess::Source::new(Arc::from("t"), position), Vec::new());
        result.status = Some(Status::Fail);
        result.transaction_key = Some(super::super::fingerprint::transaction_key(id.as_bytes()));
        result.transaction_id = Some(id.into());
        result.content_hash = Some([n as u32; 4]);
        result
    }

    #[test]
    fn transactions_in_every_block_are_found_again_where_they_were_first_seen() {
        let mut deliveries = Deliveries::default();
        let count = BLOCK * 2 + 5;
        for n in 0..count {
            assert!(!deliveries.observe(&mut delivery_of(n, n as u64 + 1)), "{n} is new");
        }
        assert_eq!(deliveries.remembered.len(), 3);
        for n in [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, count - 1] {
            let mut again = delivery_of(n, 1_000_000);
            assert!(deliveries.observe(&mut again), "{n} was seen");
            let message = again.findings.first().map(|f| f.message.clone()).unwrap_or_default();
            assert!(message.contains(&format!(" at t:{}:1 ", n + 1)), "{n}: {message}");
        }
        assert_eq!((deliveries.duplicates, deliveries.conflicts), (6, 0));
        assert!(!deliveries.observe(&mut delivery_of(count, 1)), "a new one after them all");
    }

    #[test]
    fn each_run_places_transactions_by_keys_of_its_own() {
        let (one, other) = (Deliveries::default(), Deliveries::default());
        let keys = (0..64u32).map(|n| [n, 0, 0]);
        let placed_alike = keys.filter(|key| one.hasher.hash_one(key) == other.hasher.hash_one(key)).count();
        assert_eq!(placed_alike, 0);
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
        assert_eq!(std::mem::size_of::<Remembered>(), 40);
    }
}
