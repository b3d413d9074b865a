//! The 1:1 Authentication payload as a JSON Schema (draft 2020-12), generated from the contract.
//!
//! Everything here is read from [`crate::contract`]: the field tables give the properties, their
//! types, ranges and enumerations and which are required; the contradiction tables give the
//! `if`/`then` that a PASS must satisfy. What a schema can say is exactly the error-level rules
//! about one well-formed value, [`SCHEMA_RULES`]. It says nothing of warnings (id-format, unknown-field, error texts, scores that
//! disagree, ...), so it has no `additionalProperties: false` and no id `pattern`; nor of what
//! only the text shows: duplicate keys, syntax, and whether a whole number was written `4005.0`
//! (JSON Schema's `integer` accepts that; authhook reports it as wrong-type).

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};

use crate::contract::{
    AUTH_FIELDS, AuthField, FAILURE_ONLY_FIELDS, FieldSpec, ID_LENGTH, PASS_CONTRADICTIONS, STATUSES, ValueCheck,
};
use crate::contract::{Rule, Status};

/// The rules the schema encodes: the error-level rules about one well-formed value.
pub const SCHEMA_RULES: &[Rule] =
    &[Rule::MissingField, Rule::WrongType, Rule::OutOfRange, Rule::InvalidValue, Rule::Contradiction];

/// The JSON Schema dialect the schema is written in.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schema's identifier; the version changes when the contract changes incompatibly.
pub const SCHEMA_ID: &str = "urn:authhook:auth-1-1:v1";

/// The JSON Schema of the 1:1 Authentication webhook payload.
pub fn auth_schema() -> Value {
    serde_json::to_value(schema()).unwrap_or_default()
}

/// [`auth_schema`] as pretty-printed JSON with its keywords and properties in a reading order
/// (`$schema` first, fields as the contract lists them), ending with a line break.
pub fn auth_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// A JSON object that keeps its members in the order they were added (serde_json's `Map`
/// sorts them).
#[derive(Debug, Clone, Default)]
struct Object(Vec<(String, Member)>);

#[derive(Debug, Clone)]
enum Member {
    Value(Value),
    Object(Object),
}

impl Object {
    fn with(mut self, key: &str, value: Value) -> Self {
        self.0.push((key.to_owned(), Member::Value(value)));
        self
    }

    fn with_object(mut self, key: &str, object: Object) -> Self {
        self.0.push((key.to_owned(), Member::Object(object)));
        self
    }
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, member) in &self.0 {
            match member {
                Member::Value(value) => map.serialize_entry(key, value)?,
                Member::Object(object) => map.serialize_entry(key, object)?,
            }
        }
        map.end()
    }
}

fn schema() -> Object {
    let header = Object::default()
        .with("$schema", json!(DIALECT))
        .with("$id", json!(SCHEMA_ID))
        .with("title", json!("Incode 1:1 Authentication webhook payload"))
        .with(
            "description",
            json!(
                "The payload Incode sends to a 1:1 Authentication webhook, as authhook's contract documents it. \
                 Generated from authhook's contract tables: a payload this schema accepts has no missing-field, \
                 wrong-type, out-of-range, invalid-value or contradiction error. Warnings (id format, unknown \
                 fields, error texts) are not encoded, and neither are duplicate keys, syntax, or a whole \
                 errorCode written with a fraction or exponent (4005.0), which authhook alone can see."
            ),
        );
    let mut schema = object_schema(header, AUTH_FIELDS);
    schema = schema.with("if", pass_condition()).with_object("then", pass_requirements());
    schema
}

/// Adds to `schema` `type: object`, a property per field and the list of the required ones.
fn object_schema(schema: Object, fields: &'static [FieldSpec]) -> Object {
    let properties =
        fields.iter().fold(Object::default(), |properties, spec| properties.with_object(spec.name, field_schema(spec)));
    let schema = schema.with("type", json!("object")).with_object("properties", properties);
    let required: Vec<&str> = fields.iter().filter(|spec| spec.required).map(|spec| spec.name).collect();
    if required.is_empty() { schema } else { schema.with("required", json!(required)) }
}

/// The schema of one field's value.
fn field_schema(spec: &'static FieldSpec) -> Object {
    let schema = Object::default().with("description", json!(spec.meaning));
    if let ValueCheck::Object(fields) = spec.check {
        return object_schema(schema, fields);
    }
    let json_type = if spec.check == ValueCheck::Integer { "integer" } else { spec.json_type.name() };
    let schema = schema.with("type", json!(json_type));
    match spec.check {
        ValueCheck::Any | ValueCheck::Integer | ValueCheck::Object(_) => schema,
        ValueCheck::UnitInterval => schema.with("minimum", json!(0)).with("maximum", json!(1)),
        ValueCheck::Status => schema.with("enum", json!(STATUSES)),
        ValueCheck::HexId => schema.with(
            "$comment",
            json!(format!(
                "{ID_LENGTH} lowercase hex characters in every sample; authhook only warns otherwise (id-format)"
            )),
        ),
        ValueCheck::Secret => {
            schema.with("$comment", json!("A credential; authhook warns when a capture holds a value (token-present)"))
        }
        ValueCheck::ArrayOf(fields) => schema.with_object("items", object_schema(Object::default(), fields)),
    }
}

/// Applies to a payload whose overallStatus is PASS.
fn pass_condition() -> Value {
    let status = AuthField::OverallStatus.name();
    json!({
        "properties": { (status): { "const": Status::Pass.name() } },
        "required": [status],
    })
}

/// What a PASS must satisfy: no flag that says the attempt failed, and no error field.
fn pass_requirements() -> Object {
    let properties = PASS_CONTRADICTIONS.iter().fold(Object::default(), |properties, flag| {
        properties.with(flag.field.name(), json!({ "const": !flag.failing }))
    });
    let error_fields: Vec<Value> =
        FAILURE_ONLY_FIELDS.iter().map(|field| json!({ "required": [field.name()] })).collect();
    Object::default().with_object("properties", properties).with("not", json!({ "anyOf": error_fields }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_field_is_a_property() {
        let schema = auth_schema();
        for spec in AUTH_FIELDS {
            assert!(schema["properties"].get(spec.name).is_some(), "{} is not in the schema", spec.name);
        }
        assert_eq!(schema["properties"]["errorCode"]["type"], "integer");
        assert_eq!(schema["properties"]["overallStatus"]["enum"], json!(["PASS", "FAIL"]));
        let candidates = &schema["properties"]["recognitionConfidence"]["properties"]["candidates"];
        assert_eq!(candidates["items"]["required"], json!(["identityId", "confidence"]));
    }
}
