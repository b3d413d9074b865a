//! The payload's documented fields: their types and checks, what marks each webhook, and which
//! values a PASS contradicts.

use crate::json::JsonType;

/// What is checked of a field's value beyond its JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueCheck {
    /// Nothing beyond the type.
    Any,
    /// A number from 0 to 1.
    UnitInterval,
    /// [`ID_LENGTH`] lowercase hexadecimal characters (a MongoDB ObjectId).
    HexId,
    /// Exactly `PASS` or `FAIL`.
    Status,
    /// A credential: must be empty in captures, never printed.
    Secret,
    /// A whole number.
    Integer,
    /// An object whose members are described by the given fields.
    Object(&'static [FieldSpec]),
    /// An array whose items are objects described by the given fields.
    ArrayOf(&'static [FieldSpec]),
}

/// One documented field of an object in the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field's name, as the payload spells it.
    pub name: &'static str,
    /// The JSON type its value must have.
    pub json_type: JsonType,
    /// What is checked of its value beyond the type.
    pub check: ValueCheck,
    /// Present in every documented sample; a payload without it is invalid.
    pub required: bool,
    /// What the vendor documents about it.
    pub meaning: &'static str,
}

const fn field(
    name: &'static str,
    json_type: JsonType,
    check: ValueCheck,
    required: bool,
    meaning: &'static str,
) -> FieldSpec {
    FieldSpec { name, json_type, check, required, meaning }
}

/// Members of a `recognitionConfidence.candidates` item (the 1:N webhook's).
pub const CANDIDATE_FIELDS: &[FieldSpec] = &[
    field(
        "identityId",
        JsonType::String,
        ValueCheck::HexId,
        true,
        "An enrolled identity the face was compared with (1:N authentication).",
    ),
    field(
        "confidence",
        JsonType::Number,
        ValueCheck::UnitInterval,
        true,
        "How confidently the face matched that identity, from 0 to 1.",
    ),
];

/// Members of `recognitionConfidence`.
pub const RECOGNITION_FIELDS: &[FieldSpec] = &[
    field(
        "confidence",
        JsonType::Number,
        ValueCheck::UnitInterval,
        false,
        "Face recognition confidence, from 0 to 1. Absent (an empty object) when no recognition ran.",
    ),
    field(
        "candidates",
        JsonType::Array,
        ValueCheck::ArrayOf(CANDIDATE_FIELDS),
        false,
        "Empty for 1:1 authentication; for 1:N, the identities compared, each with its confidence.",
    ),
];

/// Declares the authentication payload's top-level fields once: the [`AuthField`] enum and the
/// [`AUTH_FIELDS`] table, in the same order, so each variant indexes its own spec.
macro_rules! auth_fields {
    ($($variant:ident = $name:literal, $json_type:ident, $check:expr, $required:literal, $meaning:literal;)*) => {
        /// The top-level fields of the authentication payload, in the order of [`AUTH_FIELDS`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum AuthField { $(#[doc = concat!("`", $name, "`: ", $meaning)] $variant),* }

        /// Members of the 1:1 Authentication payload.
        pub const AUTH_FIELDS: &[FieldSpec] =
            &[$(field($name, JsonType::$json_type, $check, $required, $meaning)),*];
    };
}

auth_fields! {
    CustomerId = "customerId", String, ValueCheck::HexId, true,
        "The identity being authenticated; lowercase hex in every published sample.";
    Token = "token", String, ValueCheck::Secret, false,
        "A JWT (per the sibling 1:N page): a credential. Present and empty in the success sample; never printed unredacted.";
    InterviewId = "interviewId", String, ValueCheck::HexId, false,
        "The onboarding session (interview) id; sent on success.";
    InterviewToken = "interviewToken", String, ValueCheck::Secret, false,
        "A JWT (per the sibling 1:N page): a credential. Present and empty in the success sample; never printed unredacted.";
    TransactionId = "transactionId", String, ValueCheck::HexId, false,
        "This authentication attempt. Absent from the non-existing-customer sample; the success sample's value holds a non-hex 'r'.";
    FaceMatch = "faceMatch", Boolean, ValueCheck::Any, true,
        "Whether the face matched the enrolled identity.";
    SpoofAttempt = "spoofAttempt", Boolean, ValueCheck::Any, false,
        "The liveness verdict: true means a presentation attack was detected.";
    SecondFactor = "secondFactor", Boolean, ValueCheck::Any, false,
        "Sent on success; its meaning is not documented.";
    Children = "children", Array, ValueCheck::Any, false,
        "Empty in every sample; its meaning is not documented.";
    HasFaceMask = "hasFaceMask", Boolean, ValueCheck::Any, false,
        "The user wore a face mask; a mask fails authentication without error fields.";
    HasLenses = "hasLenses", Boolean, ValueCheck::Any, false,
        "The user wore lenses; lenses fail authentication without error fields.";
    SpoofConfidence = "spoofConfidence", Number, ValueCheck::UnitInterval, false,
        "Liveness score from 0 to 1: near 0 for a live face, 1 in the spoof sample.";
    RecognitionConfidence = "recognitionConfidence", Object, ValueCheck::Object(RECOGNITION_FIELDS), true,
        "Face recognition result: {confidence, candidates}, or {} when no recognition ran.";
    OverallScore = "overallScore", Number, ValueCheck::UnitInterval, true,
        "The attempt's score from 0 to 1: equal to recognitionConfidence.confidence on PASS, 0 in every FAIL sample.";
    OverallStatus = "overallStatus", String, ValueCheck::Status, true,
        "The outcome of the authentication.";
    Error = "error", String, ValueCheck::Any, false,
        "On error failures: the error's name (see the error codes).";
    ErrorCode = "errorCode", Number, ValueCheck::Integer, false,
        "On error failures: one of the documented error codes; any other code is an API exception or unpredicted error.";
    ErrorMessage = "errorMessage", String, ValueCheck::Any, false,
        "On some error failures: a description; absent where the vendor documents none.";
}

impl AuthField {
    /// The field's documented name.
    pub fn name(self) -> &'static str {
        AUTH_FIELDS.get(self as usize).map_or("", |spec| spec.name)
    }
}

/// Members of the onboarding status webhook, which can land in the same logs.
pub const ONBOARDING_FIELDS: &[FieldSpec] = &[
    field("interviewId", JsonType::String, ValueCheck::HexId, true, "The onboarding session (interview) id."),
    field(
        "externalId",
        JsonType::String,
        ValueCheck::Any,
        false,
        "The integrator's own id for the user, when one was given.",
    ),
    field(
        "onboardingStatus",
        JsonType::String,
        ValueCheck::Any,
        true,
        "The onboarding's stage, such as ID_VALIDATION_FINISHED or ONBOARDING_FINISHED.",
    ),
];

/// The length of customerId and transactionId: lowercase hexadecimal characters, as in every
/// published sample.
pub const ID_LENGTH: usize = 24;

/// Fields whose presence marks an object as an authentication payload.
pub const AUTH_MARKERS: &[&str] =
    &["overallStatus", "faceMatch", "recognitionConfidence", "overallScore", "spoofConfidence"];

/// Members that make a JSON value a log record wrapping text, as log shippers write them (not
/// the vendor's: docker's `log`, CloudWatch's `message`, and the like). A log record whose text
/// holds no payload is not reported as `not-a-payload`.
pub const LOG_RECORD_KEYS: &[&str] = &["log", "message", "msg", "body", "MESSAGE", "@message"];

/// The field whose presence marks an onboarding status webhook.
pub const ONBOARDING_MARKER: &str = "onboardingStatus";

/// A flag value that a PASS contradicts: overallStatus PASS with `field` equal to `failing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassContradiction {
    /// The flag, a boolean field.
    pub field: AuthField,
    /// The flag's value that contradicts a PASS.
    pub failing: bool,
    /// What that value means, for the finding's message.
    pub what: &'static str,
}

/// The flags whose failing value contradicts a PASS (the contradiction rule; the JSON Schema's
/// if/then is generated from it).
pub const PASS_CONTRADICTIONS: &[PassContradiction] = &[
    PassContradiction { field: AuthField::FaceMatch, failing: false, what: "faceMatch is false" },
    PassContradiction {
        field: AuthField::SpoofAttempt,
        failing: true,
        what: "spoofAttempt is true: liveness detected a presentation attack",
    },
    PassContradiction {
        field: AuthField::HasLenses,
        failing: true,
        what: "hasLenses is true, which fails authentication",
    },
    PassContradiction {
        field: AuthField::HasFaceMask,
        failing: true,
        what: "hasFaceMask is true, which fails authentication",
    },
];

/// Fields only failures carry: a PASS that carries any of them contradicts itself.
pub const FAILURE_ONLY_FIELDS: &[AuthField] = &[AuthField::Error, AuthField::ErrorCode, AuthField::ErrorMessage];
