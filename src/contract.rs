//! The documented contract of the 1:1 Authentication webhook, as data, in one place.
//!
//! Fields, their types and checks, the documented error codes and their texts, the rules and
//! reason codes with their explanations, and the deprecation dates. The validator, `explain`, the
//! README's tables and every renderer read these tables; nothing else restates them. Where the
//! vendor documents nothing, the texts say so rather than guess.

use crate::json::JsonType;

/// What is checked of a field's value beyond its JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueCheck {
    /// Nothing beyond the type.
    Any,
    /// A number from 0 to 1.
    UnitInterval,
    /// 24 lowercase hexadecimal characters (a MongoDB ObjectId).
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
    pub name: &'static str,
    pub json_type: JsonType,
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
        pub enum AuthField { $($variant),* }

        /// Members of the 1:1 Authentication payload.
        pub const AUTH_FIELDS: &[FieldSpec] =
            &[$(field($name, JsonType::$json_type, $check, $required, $meaning)),*];
    };
}

auth_fields! {
    CustomerId = "customerId", String, ValueCheck::HexId, true,
        "The identity being authenticated; 24 lowercase hex characters in every published sample.";
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
        "The outcome: exactly \"PASS\" or \"FAIL\".";
    Error = "error", String, ValueCheck::Any, false,
        "On error failures: the error's name (see the error codes).";
    ErrorCode = "errorCode", Number, ValueCheck::Integer, false,
        "On error failures: 4003, 4004, 4005 or 4015; any other code is an API exception or unpredicted error.";
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

/// Fields whose presence marks an object as an authentication payload.
pub const AUTH_MARKERS: &[&str] =
    &["overallStatus", "faceMatch", "recognitionConfidence", "overallScore", "spoofConfidence"];

/// The field whose presence marks an onboarding status webhook.
pub const ONBOARDING_MARKER: &str = "onboardingStatus";

/// Keys whose values are credentials wherever they appear.
pub const SECRET_KEYS: &[&str] =
    &["token", "interviewToken", "accessToken", "access_token", "authorization", "Authorization"];

/// The outcome values of `overallStatus`.
pub const STATUSES: &[&str] = &["PASS", "FAIL"];

/// A flag value that a PASS contradicts: overallStatus PASS with `field` equal to `failing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassContradiction {
    pub field: AuthField,
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

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $severity:ident, $summary:literal, $cause:literal, $fix:literal;)*) => {
        /// The checks `authhook` makes; their ids are a stable, public interface.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $($variant),* }

        /// Every rule's documentation, in the order `explain` lists them.
        pub const RULES: &[RuleSpec] = &[
            $(RuleSpec { rule: Rule::$variant, id: $id, severity: Severity::$severity, summary: $summary, cause: $cause, fix: $fix }),*
        ];
    };
}

/// A rule's id, default severity and explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSpec {
    pub rule: Rule,
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub cause: &'static str,
    pub fix: &'static str,
}

rules! {
    Syntax = "syntax", Error,
        "The text looks like a JSON object but is not valid JSON.",
        "Something cut or altered the payload: a missing closing brace, a trailing comma, an unterminated string, invalid UTF-8, or nesting over 128 levels. Two of the vendor's published samples have such defects.",
        "Capture the request body byte for byte; a receiver that logs what it got should log the raw body, not a re-rendered one.";
    TooLarge = "too-large", Error,
        "A JSON object runs past --max-payload-bytes (it ends, breaks off or is cut beyond that size).",
        "A real payload is well under a kilobyte; a value this large is a log artefact, several payloads glued together, or not a payload.",
        "Raise --max-payload-bytes if the value is genuine; otherwise look at what produced it. Scanning goes on after it.";
    MissingField = "missing-field", Error,
        "A field that every documented payload carries is absent.",
        "customerId, faceMatch, recognitionConfidence, overallScore and overallStatus appear in every published sample; without them the result cannot be read.",
        "Check that the receiver stores the whole body and that nothing strips fields on the way.";
    WrongType = "wrong-type", Error,
        "A documented field holds the wrong JSON type.",
        "Usually a re-serialization that turned booleans or numbers into strings, or an errorCode written as a fraction.",
        "Keep the JSON types as sent: booleans as true/false, numbers unquoted, errorCode as a whole number.";
    OutOfRange = "out-of-range", Error,
        "A score or confidence lies outside 0..1.",
        "overallScore, spoofConfidence and every confidence are documented from 0 to 1; another value means the payload was altered or is not this webhook.",
        "Compare with the raw request; do not rescale scores in the receiver.";
    InvalidValue = "invalid-value", Error,
        "overallStatus is neither exactly \"PASS\" nor \"FAIL\".",
        "The status is case-sensitive; any other spelling makes consumers that compare strings treat the attempt as neither.",
        "Send and compare exactly \"PASS\" or \"FAIL\".";
    DuplicateKey = "duplicate-key", Error,
        "A key appears twice in one object.",
        "JSON parsers disagree on which value wins (most keep the last, some the first, some fail), so two systems can read different verdicts from the same payload. authhook reads the last.",
        "Find what merged or appended fields into the body and make each key unique.";
    Contradiction = "contradiction", Error,
        "overallStatus is PASS but something in the payload says the attempt failed.",
        "A PASS with faceMatch false, spoofAttempt true, hasLenses or hasFaceMask true, or any error field contradicts itself; a consumer acting on overallStatus would let a failed attempt through.",
        "Treat the attempt as failed until the vendor explains it, and report the payload with its transactionId.";
    LenientSyntax = "lenient-syntax", Warning,
        "The value parsed only because --lenient accepts comments and trailing commas.",
        "Hand-edited captures and some published samples carry comments or trailing commas, which strict JSON parsers reject.",
        "Remove the comment or trailing comma; the webhook itself always sends strict JSON.";
    WrongWebhook = "wrong-webhook", Warning,
        "The payload belongs to another webhook, not to 1:1 authentication.",
        "The onboarding status webhook (interviewId, onboardingStatus) is sent to receivers too and often lands in the same logs; it is not an authentication result.",
        "Route onboarding status notifications to their own endpoint, or ignore them when checking authentications.";
    NotAPayload = "not-a-payload", Warning,
        "A JSON value holds no webhook payload at all.",
        "The value has none of overallStatus, faceMatch, recognitionConfidence, overallScore, spoofConfidence or onboardingStatus, at any depth.",
        "If a payload should be there, check what wrapped or replaced it; --allow not-a-payload silences this for structured logs.";
    UnwrapDepth = "unwrap-depth", Warning,
        "JSON text sits in strings nested deeper than authhook unwraps.",
        "Each log shipper that stores a log line as a JSON string adds a level; past 10 levels the text inside is not searched, so a payload there would go unseen.",
        "Unwrap the capture once with jq -r, or point --select at the string that holds the payload.";
    UnknownField = "unknown-field", Warning,
        "A key the contract does not name.",
        "Often a misspelling of a documented field (which then counts as absent), or a field the vendor added without documenting it.",
        "Fix the spelling if it is one; otherwise note that its meaning is unknown.";
    IdFormat = "id-format", Warning,
        "An id is not 24 lowercase hexadecimal characters.",
        "customerId, interviewId, transactionId and identityId look like MongoDB ObjectIds in the samples. The published success sample itself has a transactionId with a non-hex 'r', so this is a warning.",
        "Check that ids are copied unaltered (no truncation, no case change).";
    ErrorFieldsIncomplete = "error-fields-incomplete", Warning,
        "error and errorCode do not come together.",
        "The vendor sends error, errorCode (and usually errorMessage) together for every error failure; one without the other cannot be matched to the error table.",
        "Check that the receiver keeps all error fields.";
    ErrorTextMismatch = "error-text-mismatch", Warning,
        "error or errorMessage differs from the documented text for its code.",
        "For the documented codes the vendor publishes fixed texts; a different text means the code and text disagree or were rewritten.",
        "Trust errorCode over the text, and check what rewrote it. A final period is ignored.";
    SpoofInconsistent = "spoof-inconsistent", Warning,
        "The spoof fields disagree with each other.",
        "errorCode 4005 with spoofAttempt false, spoofAttempt true without 4005, or a confidence in the 4005 message that differs from spoofConfidence.",
        "Treat the attempt as a possible spoof and report the transactionId to the vendor.";
    ScoreInconsistent = "score-inconsistent", Warning,
        "A PASS whose overallScore differs from recognitionConfidence.confidence, or is 0.",
        "In the published PASS sample overallScore equals recognitionConfidence.confidence; a different or zero score on PASS suggests the fields were altered.",
        "Compare with the raw request.";
    TokenPresent = "token-present", Warning,
        "token or interviewToken holds a value: a live credential sits in the capture.",
        "Both are JWTs per the vendor's sibling page; the published samples carry them empty. Anyone with the capture can use a non-empty one.",
        "Redact tokens before logs are stored or shared, and rotate the credential if the capture left your systems.";
    DuplicateDelivery = "duplicate-delivery", Note,
        "The same transaction was delivered again with identical content.",
        "The vendor retries a webhook up to five times when the receiver times out or does not answer 200 (JSON) or 204, so the same transaction repeats in logs.",
        "Answer 200 or 204 promptly and make the receiver idempotent on transactionId.";
    ConflictingDelivery = "conflicting-delivery", Error,
        "The same transaction was delivered again with different content.",
        "Retries repeat a payload unchanged; two different payloads with one transactionId (say PASS, then FAIL) cannot both be right.",
        "Report both deliveries, with their transactionId, to the vendor.";
    UndocumentedErrorCode = "undocumented-error-code", Note,
        "errorCode is not one of the documented 4003, 4004, 4005, 4015.",
        "The vendor also sends error fields for any API exception or unpredicted error, with values it does not document; their meaning is unknown.",
        "Read error and errorMessage for details, and ask the vendor about the code if it recurs.";
    Expectation = "expectation", Error,
        "A payload did not meet an --expect, --expect-reason or --expect-code given on the command line.",
        "The smoke test asserted an outcome the integration did not produce.",
        "Compare the payload's verdict with what the test triggered.";
}

impl Rule {
    pub fn spec(self) -> &'static RuleSpec {
        // RULES lists every variant in declaration order, so the index always exists.
        RULES.iter().find(|spec| spec.rule == self).unwrap_or(&RULES[0])
    }

    pub fn id(self) -> &'static str {
        self.spec().id
    }

    pub fn severity(self) -> Severity {
        self.spec().severity
    }

    /// The rule with this id.
    pub fn from_id(id: &str) -> Option<Rule> {
        RULES.iter().find(|spec| spec.id == id).map(|spec| spec.rule)
    }
}

impl serde::Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// Why an authentication passed or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReasonCode {
    FaceMatched,
    UserBlacklisted,
    CustomerNotFound,
    SpoofDetected,
    UserNotRecognized,
    ApiException,
    FaceMaskDetected,
    LensesDetected,
    NoFaceMatch,
    Unexplained,
}

/// A reason code's documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonSpec {
    pub code: ReasonCode,
    pub id: &'static str,
    pub title: &'static str,
    pub meaning: &'static str,
    pub action: &'static str,
}

/// Every reason code, in the order `explain` lists them.
pub const REASONS: &[ReasonSpec] = &[
    ReasonSpec {
        code: ReasonCode::FaceMatched,
        id: "face-matched",
        title: "Face matched",
        meaning: "The face matched the enrolled identity and the attempt passed.",
        action: "Nothing to do.",
    },
    ReasonSpec {
        code: ReasonCode::UserBlacklisted,
        id: "user-blacklisted",
        title: "User blacklisted (4003)",
        meaning: "The identity is on the blacklist, so authentication was refused.",
        action: "Check why the identity was blacklisted before allowing another attempt.",
    },
    ReasonSpec {
        code: ReasonCode::CustomerNotFound,
        id: "customer-not-found",
        title: "Customer not found (4004)",
        meaning: "No enrolled customer matches the customerId sent with the attempt.",
        action: "Check that the customerId comes from a finished onboarding in the same environment (staging ids do not exist in production).",
    },
    ReasonSpec {
        code: ReasonCode::SpoofDetected,
        id: "spoof-detected",
        title: "Spoof attempt detected (4005)",
        meaning: "The liveness check found a presentation attack: a photo, screen, mask or similar instead of a live face.",
        action: "Treat as a possible fraud attempt; the user may retry with their live face in good light.",
    },
    ReasonSpec {
        code: ReasonCode::UserNotRecognized,
        id: "user-not-recognized",
        title: "User not recognized (4015)",
        meaning: "The face did not match the enrolled identity.",
        action: "Let the user retry; repeated failures for one identity deserve a look.",
    },
    ReasonSpec {
        code: ReasonCode::ApiException,
        id: "api-exception",
        title: "API exception or unpredicted error",
        meaning: "The vendor reported an error code it does not document; its meaning is unknown beyond the error and errorMessage sent.",
        action: "Read error and errorMessage; retry later, and report the code to the vendor if it persists.",
    },
    ReasonSpec {
        code: ReasonCode::FaceMaskDetected,
        id: "face-mask-detected",
        title: "Face mask detected",
        meaning: "The user wore a face mask (hasFaceMask true); the vendor fails such attempts without error fields.",
        action: "Ask the user to remove the mask and retry.",
    },
    ReasonSpec {
        code: ReasonCode::LensesDetected,
        id: "lenses-detected",
        title: "Lenses detected",
        meaning: "The user wore lenses (hasLenses true); the vendor fails such attempts without error fields.",
        action: "Ask the user to remove glasses or lenses and retry.",
    },
    ReasonSpec {
        code: ReasonCode::NoFaceMatch,
        id: "no-face-match",
        title: "No face match",
        meaning: "The attempt failed with faceMatch false and nothing else in the payload to explain it.",
        action: "Let the user retry in good light, facing the camera.",
    },
    ReasonSpec {
        code: ReasonCode::Unexplained,
        id: "unexplained",
        title: "Unexplained failure",
        meaning: "The attempt failed but nothing in the payload says why. Per the vendor, a hat fails authentication without any flag or error field, and capture conditions may also play a part; the exact cause is unknown.",
        action: "Ask the user to remove any hat and retry in good light.",
    },
];

impl ReasonCode {
    pub fn spec(self) -> &'static ReasonSpec {
        REASONS.iter().find(|spec| spec.code == self).unwrap_or(&REASONS[0])
    }

    pub fn id(self) -> &'static str {
        self.spec().id
    }

    pub fn from_id(id: &str) -> Option<ReasonCode> {
        REASONS.iter().find(|spec| spec.id == id).map(|spec| spec.code)
    }
}

impl serde::Serialize for ReasonCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// A documented error code and its texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCodeSpec {
    pub code: i64,
    pub error: &'static str,
    /// The documented errorMessage; `None` where the vendor documents none (NA).
    pub message: Option<&'static str>,
    pub reason: ReasonCode,
}

/// The spoof error code, whose message carries the spoof confidence.
pub const SPOOF_CODE: i64 = 4005;

/// The prefix of the 4005 message; the spoof confidence follows it.
pub const SPOOF_MESSAGE_PREFIX: &str = "Spoof attempt detected. Spoof confidence ";

/// The documented error codes.
pub const ERROR_CODES: &[ErrorCodeSpec] = &[
    ErrorCodeSpec { code: 4003, error: "User blacklisted", message: None, reason: ReasonCode::UserBlacklisted },
    ErrorCodeSpec {
        code: 4004,
        error: "Non existing customer",
        message: Some("Can't find customer by any criteria"),
        reason: ReasonCode::CustomerNotFound,
    },
    ErrorCodeSpec {
        code: SPOOF_CODE,
        error: "Spoof attempt detected",
        message: Some("Spoof attempt detected. Spoof confidence 1.0"),
        reason: ReasonCode::SpoofDetected,
    },
    ErrorCodeSpec { code: 4015, error: "User is not recognized", message: None, reason: ReasonCode::UserNotRecognized },
];

/// The documented error code `code`, if it is one.
pub fn error_code(code: i64) -> Option<&'static ErrorCodeSpec> {
    ERROR_CODES.iter().find(|spec| spec.code == code)
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// End of Support of the 1:1 Authentication webhook.
pub const END_OF_SUPPORT: Date = Date { year: 2026, month: 10, day: 1 };
/// End of Life (retirement) of the 1:1 Authentication webhook.
pub const END_OF_LIFE: Date = Date { year: 2027, month: 4, day: 1 };
/// The vendor's recommended migration date.
pub const MIGRATE_BY: Date = Date { year: 2027, month: 1, day: 1 };
/// What replaces the webhook.
pub const SUCCESSOR: &str = "the Face Authentication module in Workflows and Flows";

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

    #[test]
    fn every_documented_error_code_has_a_reason() {
        assert_eq!(error_code(4005).map(|e| e.reason), Some(ReasonCode::SpoofDetected));
        assert!(error_code(5000).is_none());
    }
}
