//! Duplicate and conflicting deliveries.
//!
//! The vendor retries a webhook up to five times when the receiver does not answer 200 (JSON)
//! or 204, so a transaction can appear several times in one capture. The first delivery of each
//! transactionId is remembered, in a few dozen bytes, for the whole run: a later one with the
//! same content gets a `duplicate-delivery` note, one with different content a
//! `conflicting-delivery` error, each naming where the first was seen.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use crate::contract::Rule;
use crate::rules::fields::is_hex_id;
use crate::verdict::{CheckResult, Finding, Status};

/// Where and how a transaction was first delivered.
#[derive(Debug, Clone, Copy)]
struct FirstDelivery {
    content: u64,
    path: u32,
    line: u64,
    column: u32,
    status: Option<Status>,
}

/// Every transaction seen so far in a run.
#[derive(Debug, Default)]
pub struct Deliveries {
    first: HashMap<u128, FirstDelivery>,
    paths: Vec<Arc<str>>,
    /// Deliveries that repeated an earlier one exactly.
    pub duplicates: u64,
    /// Deliveries that contradicted an earlier one.
    pub conflicts: u64,
}

/// A transactionId as a number: its 96 bits when it is 24 hex characters, else a 128-bit hash.
fn key(transaction: &str) -> u128 {
    if is_hex_id(transaction) {
        return u128::from_str_radix(transaction, 16).unwrap_or_default();
    }
    let half = |seed: u8| {
        let mut hasher = DefaultHasher::new();
        seed.hash(&mut hasher);
        transaction.hash(&mut hasher);
        hasher.finish()
    };
    (u128::from(half(1)) << 64 | u128::from(half(2))) | (1 << 127)
}

impl Deliveries {
    /// Records `result` and adds a finding when it repeats an earlier delivery.
    pub fn observe(&mut self, result: &mut CheckResult) {
        let (Some(transaction), Some(content)) = (result.transaction_id.as_deref(), result.content_hash) else {
            return;
        };
        let key = key(transaction);
        let Some(first) = self.first.get(&key).copied() else {
            let path = self.path_index(&result.source.path);
            let column = u32::try_from(result.source.column).unwrap_or(u32::MAX);
            let delivery = FirstDelivery { content, path, line: result.source.line, column, status: result.status };
            self.first.insert(key, delivery);
            return;
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
    }

    fn path_index(&mut self, path: &Arc<str>) -> u32 {
        if self.paths.last().is_none_or(|last| !Arc::ptr_eq(last, path) && last != path) {
            self.paths.push(path.clone());
        }
        u32::try_from(self.paths.len().saturating_sub(1)).unwrap_or(u32::MAX)
    }
}
