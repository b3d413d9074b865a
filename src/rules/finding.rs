//! A finding: one way a payload departs from the contract, and where.

use serde::Serialize;

use crate::contract::{Rule, Severity};

/// One way a payload departs from the contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// RFC 6901 pointer into the payload; empty for the payload as a whole.
    pub pointer: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
}
