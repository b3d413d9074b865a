//! The checks: each turns a parsed payload into findings against the contract.
//!
//! The field checks walk objects against the contract's field tables (presence, types, ranges,
//! formats, duplicate and unknown keys) and fill a typed view of the top-level fields; the
//! consistency checks then look at how those fields agree with each other. Each check records a
//! [`Finding`], with the [`Details`] behind its message, placed by a sink that turns byte offsets
//! into lines and columns only when a finding is actually made.

pub(crate) mod consistency;
pub(crate) mod fields;

use std::fmt::Write as _;

use crate::contract::{AUTH_FIELDS, AuthField, Rule};
use crate::json::{Member, Node};
use crate::scan::position::Locator;
mod finding;
pub use finding::{Details, Finding};

/// A JSON pointer under construction, kept as a chain of borrowed segments until a finding
/// needs it as text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    /// The RFC 6901 pointer, `""` for the root.
    pub fn pointer(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }

    fn write_to(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.write_to(out);
                out.push('/');
                for c in key.chars() {
                    match c {
                        '~' => out.push_str("~0"),
                        '/' => out.push_str("~1"),
                        _ => out.push(c),
                    }
                }
            }
            Path::Index(parent, index) => {
                parent.write_to(out);
                let _ = write!(out, "/{index}");
            }
        }
    }
}

/// Collects findings for one payload, locating them in the input.
pub(crate) struct FindingSink<'l> {
    /// Places any offset of the payload.
    origin: Locator<'l>,
    /// Anchored at the last finding, so that findings in input order cost a walk over the
    /// bytes between them rather than from the payload's start each time.
    cursor: Locator<'l>,
    pub findings: Vec<Finding>,
}

impl<'l> FindingSink<'l> {
    pub fn new(locator: Locator<'l>) -> Self {
        FindingSink { origin: locator, cursor: locator, findings: Vec::new() }
    }

    /// Where `member`'s key stands in the scanned buffer.
    pub fn key_offset(&self, member: &Member<'_>) -> usize {
        member.key_offset(self.origin.buf())
    }

    /// Records a finding of `rule` at byte `offset` of the scanned buffer.
    pub fn add(&mut self, rule: Rule, path: &Path<'_>, offset: usize, message: String, details: Details) {
        self.add_at(rule, path.pointer(), offset, message, details);
    }

    /// Records a finding of `rule` at `pointer`, byte `offset` of the scanned buffer.
    pub fn add_at(&mut self, rule: Rule, pointer: String, offset: usize, message: String, details: Details) {
        let at = if offset >= self.cursor.anchor_index() {
            self.cursor = self.cursor.rebased(offset);
            self.cursor.locate(offset)
        } else {
            self.origin.locate(offset)
        };
        self.findings.push(Finding::new(rule, pointer, (at.line, at.column), message, details));
    }
}

/// The top-level fields of an authentication payload; where a key repeats, the last one.
#[derive(Debug, Default)]
pub(crate) struct AuthView<'n, 'a> {
    slots: [Option<&'n Node<'a>>; AUTH_FIELDS.len()],
    /// Each field's place among the payload's members (saturated at 255).
    places: [u8; AUTH_FIELDS.len()],
    /// How many different fields are present.
    present: usize,
}

impl<'n, 'a> AuthView<'n, 'a> {
    /// Records that the member at `place` is the field at `index` in the contract's table.
    pub fn set(&mut self, index: usize, place: usize, node: &'n Node<'a>) {
        if let (Some(slot), Some(at)) = (self.slots.get_mut(index), self.places.get_mut(index)) {
            self.present += usize::from(slot.is_none());
            *slot = Some(node);
            *at = u8::try_from(place).unwrap_or(u8::MAX);
        }
    }

    /// How many different fields are present.
    pub fn present(&self) -> usize {
        self.present
    }

    /// The fields present, in the contract's order, each with its place among the members.
    pub fn places(&self) -> impl Iterator<Item = (usize, u8)> + '_ {
        self.slots.iter().zip(self.places).enumerate().filter_map(|(index, (slot, place))| slot.map(|_| (index, place)))
    }

    pub fn node(&self, field: AuthField) -> Option<&'n Node<'a>> {
        self.slots.get(field as usize).copied().flatten()
    }

    pub fn has(&self, field: AuthField) -> bool {
        self.node(field).is_some()
    }

    pub fn bool(&self, field: AuthField) -> Option<bool> {
        self.node(field).and_then(Node::as_bool)
    }

    pub fn number(&self, field: AuthField) -> Option<f64> {
        self.node(field).and_then(Node::as_f64)
    }

    /// A number as written in the payload.
    pub fn number_text(&self, field: AuthField) -> Option<&'a str> {
        match self.node(field)?.value {
            crate::json::Value::Number(text, _) => Some(text),
            _ => None,
        }
    }

    pub fn text(&self, field: AuthField) -> Option<compact_str::CompactString> {
        self.node(field).and_then(Node::as_str).map(|s| compact_str::CompactString::from(s.decoded()))
    }

    /// errorCode as a whole number, also when written as `4005.0`; one beyond 64 bits is
    /// clamped, which keeps it undocumented.
    pub fn error_code(&self) -> Option<i64> {
        let value = self.number(AuthField::ErrorCode)?;
        (value.fract() == 0.0 || value.is_infinite()).then_some(value as i64)
    }

    /// recognitionConfidence.confidence, when it is a number.
    pub fn recognition_confidence(&self) -> Option<f64> {
        self.node(AuthField::RecognitionConfidence)?.get("confidence")?.as_f64()
    }

    /// recognitionConfidence.confidence as written, when it is a number.
    pub fn recognition_confidence_text(&self) -> Option<&'a str> {
        match self.node(AuthField::RecognitionConfidence)?.get("confidence")?.value {
            crate::json::Value::Number(text, _) => Some(text),
            _ => None,
        }
    }

    /// Whether recognitionConfidence.candidates holds at least one item (a 1:N payload).
    pub fn has_candidates(&self) -> bool {
        let candidates = self.node(AuthField::RecognitionConfidence).and_then(|r| r.get("candidates"));
        matches!(candidates.map(|c| &c.value), Some(crate::json::Value::Array(items)) if !items.is_empty())
    }
}

/// A short, safe rendering of a value for a message: strings quoted and cut to 40 characters,
/// credentials (JWT-shaped strings) replaced by their length.
pub(crate) fn preview(node: &Node<'_>) -> String {
    use crate::json::Value;
    match &node.value {
        Value::String(s) => preview_text(&s.decoded()),
        Value::Number(text, _) => text.chars().take(40).collect(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        Value::Array(items) => format!("an array of {}", items.len()),
        Value::Object(members) => format!("an object of {} members", members.len()),
    }
}

/// A string quoted for a message, cut to 40 characters; a credential shows only its length.
pub(crate) fn preview_text(text: &str) -> String {
    if crate::contract::looks_like_jwt(text) {
        return format!("a {}-character token", text.chars().count());
    }
    // A token inside longer text is replaced before the cut, which could leave part of it.
    let clean = crate::contract::without_jwts(text);
    let text = clean.as_deref().unwrap_or(text);
    let mut cut: String = text.chars().take(40).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

/// Formats a number for a message, as short as it reads.
pub(crate) fn number(value: f64) -> String {
    format!("{value}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_tilde_and_slash() {
        let root = Path::Root;
        let key = Path::Key(&root, "a/b~c");
        let item = Path::Index(&key, 3);
        assert_eq!(item.pointer(), "/a~1b~0c/3");
        assert_eq!(root.pointer(), "");
    }
}
