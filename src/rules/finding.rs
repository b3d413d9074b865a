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
        self.with(name, cut_text(clean.as_deref().unwrap_or(text)))
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

/// `text` cut to [`MAX_DETAIL_CHARS`] characters, with `…` where it was cut; a redaction mark
/// (`<redacted: N characters>`) the cut would split is kept whole.
fn cut_text(text: &str) -> String {
    let Some((at, _)) = text.char_indices().nth(MAX_DETAIL_CHARS) else { return text.to_owned() };
    let head = text.get(..at).unwrap_or_default();
    let open_mark = head.rfind('<').filter(|&mark| {
        text.get(mark..).is_some_and(|rest| rest.starts_with("<redacted: "))
            && !head.get(mark..).unwrap_or_default().contains('>')
    });
    let end = match open_mark {
        Some(mark) => text.get(mark..).and_then(|rest| rest.find('>')).map_or(at, |close| mark + close + 1),
        None => at,
    };
    match text.get(..end) {
        Some(cut) if end < text.len() => format!("{cut}…"),
        _ => text.to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_keeps_a_redaction_mark_whole_and_says_it_cut() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        let text = format!("{}{jwt} and more", "y".repeat(110));
        let details = Details::new().with_text("found", &text);
        let found = details.get("found").and_then(Value::as_str).unwrap_or_default();
        assert_eq!(found, format!("{}<redacted: 49 characters>…", "y".repeat(110)));
        let short = Details::new().with_text("found", "short");
        assert_eq!(short.get("found").and_then(Value::as_str), Some("short"));
        let long = Details::new().with_text("found", &"é".repeat(130));
        assert_eq!(long.get("found").and_then(Value::as_str), Some(format!("{}…", "é".repeat(120)).as_str()));
    }
}
