//! `authhook` inspects Incode 1:1 Authentication webhook payloads.
//!
//! It finds payloads wherever they sit in a text ([`scan`]), parses them keeping every position
//! ([`json`]), validates them against the documented contract ([`contract`], [`rules`]), explains
//! each verdict ([`assess`]), and renders results in several formats ([`report`]). Inputs are
//! read and decoded by [`input`]; large ones are checked on several threads by [`stream`];
//! [`stats`] adds results up.
//!
//! A receiver checks one request body with a [`Checker`]:
//!
//! ```
//! let body = authhook::contract::samples::find("pass").map(|s| s.json).unwrap_or_default();
//! let results = authhook::Checker::new().check_body(body.as_bytes())?;
//! assert!(results.iter().all(|result| result.valid));
//! # Ok::<(), authhook::BodyError>(())
//! ```

#![warn(missing_docs)]

pub mod assess;
mod checker;
pub mod contract;
pub mod input;
pub mod json;
pub mod limits;
pub mod report;
pub mod rules;
pub mod scan;
pub mod stats;
pub mod stream;

pub use checker::{BodyError, Checker, OptionError};
