//! Duplicate and conflicting deliveries.
//!
//! The vendor retries a webhook up to five times when the receiver does not answer 200 (JSON)
//! or 204, so a transaction can appear several times in one capture. The first delivery of each
//! transactionId is remembered, in about 48 bytes, for the whole run: a later one with the
//! same content gets a `duplicate-delivery` note, one with different content a
//! `conflicting-delivery` error, each naming where the first was seen.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::contract::Rule;
use crate::rules::fields::is_hex_id;
use crate::verdict::{CheckResult, Finding, Status};

/// Where and how a transaction was first delivered, packed: about 20 bytes.
#[derive(Debug, Clone, Copy)]
struct FirstDelivery {
    /// A 32-bit hash of the content; two different deliveries collide once in four billion.
    content: u32,
    path: u32,
    /// Line and column, saturated at `u32::MAX`.
    line: u32,
    column: u32,
    status: Option<Status>,
}

/// A transactionId as 96 bits: its value when it is 24 hex characters, else a hash.
pub type Key = [u32; 3];

/// How many independent maps the transactions are spread over, so that a map growing copies
/// only its own share: without it, doubling one map of a million entries briefly holds both.
const SHARDS: usize = 256;

/// Every transaction seen so far in a run.
#[derive(Debug)]
pub struct Deliveries {
    shards: Vec<FxHashMap<Key, FirstDelivery>>,
    paths: Vec<Arc<str>>,
    /// Deliveries that repeated an earlier one exactly.
    pub duplicates: u64,
    /// Deliveries that contradicted an earlier one.
    pub conflicts: u64,
}

impl Default for Deliveries {
    fn default() -> Self {
        Deliveries { shards: vec![FxHashMap::default(); SHARDS], paths: Vec::new(), duplicates: 0, conflicts: 0 }
    }
}

/// The value of a lowercase hexadecimal digit.
fn hex_digit(b: u8) -> u8 {
    if b.is_ascii_digit() { b - b'0' } else { b.wrapping_sub(b'a').wrapping_add(10) }
}

/// The key a transactionId is remembered by; computed where the result is assessed, before any
/// redaction, so that two different JWT-shaped ids stay two transactions.
pub fn key(transaction: &str) -> Key {
    let bits = if is_hex_id(transaction) {
        transaction.bytes().fold(0u128, |bits, b| bits << 4 | u128::from(hex_digit(b)))
    } else {
        let mut hasher = DefaultHasher::new();
        transaction.hash(&mut hasher);
        let low = hasher.finish();
        1u64.hash(&mut hasher);
        u128::from(hasher.finish()) << 64 | u128::from(low) | 1 << 127
    };
    [bits as u32, (bits >> 32) as u32, ((bits >> 64) as u32) ^ ((bits >> 96) as u32)]
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
        let content = content as u32;
        let shard = key[0] as usize % SHARDS;
        let Some(first) = self.shards.get(shard).and_then(|map| map.get(&key)).copied() else {
            let delivery = FirstDelivery {
                content,
                path: self.path_index(&result.source.path),
                line: saturate(result.source.line),
                column: saturate(result.source.column),
                status: result.status,
            };
            if let Some(map) = self.shards.get_mut(shard) {
                map.insert(key, delivery);
            }
            return false;
        };
        let path = self.paths.get(first.path as usize).map_or("?", |p| p.as_ref());
        let at = format!("{path}:{}:{}", first.line, first.column);
        let transaction = crate::rules::preview_text(transaction);
        let (rule, message) = if first.content == content {
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
                    status(first.status),
                    status(result.status)
                ),
            )
        };
        let (line, column) = result.transaction_at.unwrap_or((result.source.line, result.source.column));
        result.findings.push(Finding {
            rule,
            severity: rule.severity(),
            pointer: "/transactionId".to_owned(),
            line,
            column,
            message,
        });
        result.settle();
        true
    }

    fn path_index(&mut self, path: &Arc<str>) -> u32 {
        if self.paths.last().is_none_or(|last| !Arc::ptr_eq(last, path) && last != path) {
            self.paths.push(path.clone());
        }
        u32::try_from(self.paths.len().saturating_sub(1)).unwrap_or(u32::MAX)
    }
}
