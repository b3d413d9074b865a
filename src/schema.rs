//! The 1:1 Authentication payload as a JSON Schema (draft 2020-12), generated from the contract.
//!
//! Everything here is read from [`crate::contract`]: the field tables give the properties, their
//! types, ranges and enumerations and which are required; the contradiction tables give the
//! `if`/`then` that a PASS must satisfy. What a schema can say is exactly the error-level rules
//! about one well-formed value: missing-field, wrong-type, out-of-range, invalid-value and
//! contradiction. It says nothing of warnings (id-format, unknown-field, error texts, scores that
//! disagree, ...), so it has no `additionalProperties: false` and no id `pattern`; nor of what
//! only the text shows: duplicate keys, syntax, and whether a whole number was written `4005.0`
//! (JSON Schema's `integer` accepts that; authhook reports it as wrong-type).

use serde_json::{Map, Value, json};

use crate::contract::{
    AUTH_FIELDS, AuthField, FAILURE_ONLY_FIELDS, FieldSpec, PASS_CONTRADICTIONS, STATUSES, ValueCheck,
};
use crate::verdict::Status;

/// The JSON Schema dialect the schema is written in.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schema's identifier; the version changes when the contract changes incompatibly.
pub const SCHEMA_ID: &str = "urn:authhook:auth-1-1:v1";

/// The JSON Schema of the 1:1 Authentication webhook payload.
pub fn auth_schema() -> Value {
    let mut schema = Map::new();
    schema.insert("$schema".to_owned(), json!(DIALECT));
    schema.insert("$id".to_owned(), json!(SCHEMA_ID));
    schema.insert("title".to_owned(), json!("Incode 1:1 Authentication webhook payload"));
    schema.insert(
        "description".to_owned(),
        json!(
            "The payload Incode sends to a 1:1 Authentication webhook, as authhook's contract documents it. \
             Generated from authhook's contract tables: a payload this schema accepts has no missing-field, \
             wrong-type, out-of-range, invalid-value or contradiction error. Warnings (id format, unknown \
             fields, error texts) are not encoded, and neither are duplicate keys, syntax, or a whole \
             errorCode written with a fraction or exponent (4005.0), which authhook alone can see."
        ),
    );
    schema.extend(object_schema(AUTH_FIELDS));
    schema.insert("if".to_owned(), pass_condition());
    schema.insert("then".to_owned(), pass_requirements());
    Value::Object(schema)
}

/// [`auth_schema`] as pretty-printed JSON, ending with a line break.
pub fn auth_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&auth_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// `type: object` with a property per field and the required ones listed.
fn object_schema(fields: &'static [FieldSpec]) -> Map<String, Value> {
    let mut schema = Map::new();
    schema.insert("type".to_owned(), json!("object"));
    let properties: Map<String, Value> =
        fields.iter().map(|spec| (spec.name.to_owned(), Value::Object(field_schema(spec)))).collect();
    schema.insert("properties".to_owned(), Value::Object(properties));
    let required: Vec<&str> = fields.iter().filter(|spec| spec.required).map(|spec| spec.name).collect();
    if !required.is_empty() {
        schema.insert("required".to_owned(), json!(required));
    }
    schema
}

/// The schema of one field's value.
fn field_schema(spec: &'static FieldSpec) -> Map<String, Value> {
    let mut schema = Map::new();
    schema.insert("description".to_owned(), json!(spec.meaning));
    let json_type = if spec.check == ValueCheck::Integer { "integer" } else { spec.json_type.name() };
    schema.insert("type".to_owned(), json!(json_type));
    match spec.check {
        ValueCheck::Any | ValueCheck::Integer => {}
        ValueCheck::UnitInterval => {
            schema.insert("minimum".to_owned(), json!(0));
            schema.insert("maximum".to_owned(), json!(1));
        }
        ValueCheck::Status => {
            schema.insert("enum".to_owned(), json!(STATUSES));
        }
        ValueCheck::HexId => {
            schema.insert(
                "$comment".to_owned(),
                json!("24 lowercase hex characters in every sample; authhook only warns otherwise (id-format)"),
            );
        }
        ValueCheck::Secret => {
            schema.insert(
                "$comment".to_owned(),
                json!("A credential; authhook warns when a capture holds a value (token-present)"),
            );
        }
        ValueCheck::Object(fields) => {
            schema.extend(object_schema(fields));
        }
        ValueCheck::ArrayOf(fields) => {
            schema.insert("items".to_owned(), Value::Object(object_schema(fields)));
        }
    }
    schema
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
fn pass_requirements() -> Value {
    let properties: Map<String, Value> = PASS_CONTRADICTIONS
        .iter()
        .map(|flag| (flag.field.name().to_owned(), json!({ "const": !flag.failing })))
        .collect();
    let error_fields: Vec<Value> =
        FAILURE_ONLY_FIELDS.iter().map(|field| json!({ "required": [field.name()] })).collect();
    json!({
        "properties": properties,
        "not": { "anyOf": error_fields },
    })
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
