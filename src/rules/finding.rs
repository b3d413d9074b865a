//! A finding: one way a payload departs from the contract, where, and the values behind it.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

use crate::contract::{Rule, Severity, without_jwts};

/// The longest text from a payload a finding's details quote, in characters.
const MAX_DETAIL_CHARS: usize = 120;

/// One way a payload departs from the contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// The rule the payload breaks.
    pub rule: Rule,
    /// How serious it is, after the run's policy.
    pub severity: Severity,
    /// RFC 6901 pointer into the payload; empty for the payload as a whole.
    pub pointer: String,
    /// 1-based line in the input.
    pub line: u64,
    /// 1-based column in the input, in characters.
    pub column: u64,
    /// What is wrong, in words.
    pub message: String,
    /// The values behind the message, by name (README, "Finding details").
    pub details: Details,
}

impl Finding {
    /// A finding of `rule` at its documented severity.
    pub fn new(rule: Rule, pointer: String, (line, column): (u64, u64), message: String, details: Details) -> Self {
        Finding { rule, severity: rule.severity(), pointer, line, column, message, details }
    }
}

/// The values behind a finding, by name, in the order they were added: the expected and the
/// found type, a limit and the value that passed it, the documented and the found text, the
/// closest documented name. Text quoted from a payload is cut to 120 characters, and a JWT in
/// it is replaced by its length.
///
/// ```
/// use authhook::rules::Details;
///
/// let details = Details::new().with("limit", 10).with("found", "text");
/// assert_eq!(details.get("limit").and_then(|v| v.as_u64()), Some(10));
/// assert_eq!(serde_json::to_string(&details).ok().as_deref(), Some(r#"{"limit":10,"found":"text"}"#));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details(Vec<(&'static str, Value)>);

impl Details {
    /// No details.
    pub fn new() -> Self {
        Details(Vec::new())
    }

    /// These details and `name` with `value`.
    pub fn with(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.0.push((name, value.into()));
        self
    }

    /// These details and `name` with text quoted from a payload, cut to 120 characters after
    /// anything shaped like a JWT is replaced by its length (so no cut can leave part of one).
    pub fn with_text(self, name: &'static str, text: &str) -> Self {
        let clean = without_jwts(text);
        let cut: String = clean.as_deref().unwrap_or(text).chars().take(MAX_DETAIL_CHARS).collect();
        self.with(name, cut)
    }

    /// The value named `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(key, _)| *key == name).map(|(_, value)| value)
    }

    /// Every name and value, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.0.iter().map(|(name, value)| (*name, value))
    }

    /// Every text value, to be rewritten in place (as redaction does).
    pub(crate) fn texts_mut(&mut self) -> impl Iterator<Item = &mut String> {
        self.0.iter_mut().filter_map(|(_, value)| match value {
            Value::String(text) => Some(text),
            _ => None,
        })
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Details {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}
