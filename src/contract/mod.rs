//! The documented contract of the 1:1 Authentication webhook, as data, in one place.
//!
//! Fields, their types and checks, the documented error codes and their texts, the rules and
//! reason codes with their explanations, and the deprecation dates. The validator, `explain`, the
//! README's tables and every renderer read these tables; nothing else restates them. Where the
//! vendor documents nothing, the texts say so rather than guess.
//!
//! ```
//! use authhook::contract::{self, ReasonCode, Rule, SPOOF_CODE, Severity, explain};
//!
//! // A documented error code, its texts and the reason it gives.
//! let spoof = contract::error_code(4005).ok_or("4005 is not documented")?;
//! assert_eq!(spoof.code, SPOOF_CODE);
//! assert_eq!(spoof.error, "Spoof attempt detected");
//! assert_eq!(spoof.reason, ReasonCode::SpoofDetected);
//! assert!(contract::error_code(4006).is_none());
//!
//! // A rule by its id.
//! let rule = Rule::from_id("duplicate-key").ok_or("no such rule")?;
//! assert_eq!((rule, rule.severity()), (Rule::DuplicateKey, Severity::Error));
//! assert_eq!(rule.spec().summary, "A key appears twice in one object.");
//!
//! // What `authhook explain` prints for a topic: an error code, reason, rule id or field.
//! let text = explain::render(explain::lookup("4005").ok_or("no such topic")?);
//! assert!(text.starts_with("errorCode 4005: Spoof attempt detected\n"));
//! assert!(text.contains("reason:       spoof-detected"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod delivery;
mod deprecation;
mod error_codes;
pub mod explain;
mod fields;
pub mod probes;
mod reasons;
mod rules;
pub mod samples;
pub mod schema;
mod secrets;
mod webhooks;

pub use deprecation::{
    Date, END_OF_LIFE, END_OF_SUPPORT, MIGRATE_BY, Notice, SUCCESSOR, deprecation_notice, utc_date_time, utc_now,
};
pub use error_codes::{ERROR_CODES, ErrorCodeSpec, SPOOF_CODE, error_code, spoof_message_prefix};
pub use fields::*;
pub use reasons::{REASONS, ReasonCode, ReasonSpec};
pub use rules::{RULES, Rule, RuleSpec, Severity};
pub use secrets::{FILTERED_MARKS, SECRET_KEYS, is_secret_key, looks_like_jwt, without_jwts};
pub use webhooks::{Kind, STATUSES, Status};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_and_reason_ids_are_unique_and_round_trip() {
        for spec in RULES {
            assert_eq!(Rule::from_id(spec.id), Some(spec.rule));
            assert_eq!(spec.rule.id(), spec.id);
        }
        for spec in REASONS {
            assert_eq!(ReasonCode::from_id(spec.id), Some(spec.code));
            assert_eq!(spec.code.id(), spec.id);
        }
    }
}
