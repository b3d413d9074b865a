//! The rules `authhook` checks, each with its id, default severity and explanation.

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; leaves the result valid.
    Note,
    /// Likely a problem; leaves the result valid.
    Warning,
    /// A problem that makes the result invalid.
    Error,
}

impl Severity {
    /// The severity's name in lowercase, as outputs spell it: `note`, `warning` or `error`.
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
#[non_exhaustive]
        pub enum Rule { $(#[doc = concat!("`", $id, "`: ", $summary)] $variant),* }

        /// Every rule's documentation, in the order `explain` lists them.
        pub const RULES: &[RuleSpec] = &[
            $(RuleSpec { rule: Rule::$variant, id: $id, severity: Severity::$severity, summary: $summary, cause: $cause, fix: $fix }),*
        ];
    };
}

/// A rule's id, default severity and explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSpec {
    /// The rule documented.
    pub rule: Rule,
    /// Its stable id, as findings and `--allow`, `--warn` and `--deny` spell it.
    pub id: &'static str,
    /// Its severity unless the run's policy sets another.
    pub severity: Severity,
    /// What it finds, in one sentence.
    pub summary: &'static str,
    /// Why that happens.
    pub cause: &'static str,
    /// What to do about it.
    pub fix: &'static str,
}

rules! {
    Syntax = "syntax", Error,
        "The text looks like a JSON object but is not valid JSON (a trailing comma, an unclosed object, an unterminated string, invalid UTF-8, nesting too deep).",
        "Something cut or altered the payload: a missing closing brace, a trailing comma, an unterminated string, invalid UTF-8, or nesting deeper than authhook parses. Two of the vendor's published samples have such defects.",
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
        "overallStatus is not one of the documented statuses, spelled exactly.",
        "The status is case-sensitive; any other spelling makes consumers that compare strings treat the attempt as neither.",
        "Send and compare the statuses exactly as documented (authhook explain overallStatus).";
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
    LoggedForm = "logged-form", Warning,
        "The payload was read from a receiver's log of the parsed object (a Python dict, a Node object, a Ruby hash), not from the JSON body.",
        "Receivers often log the object their framework parsed rather than the raw body; its strings and numbers are as the language printed them (Python's True, Ruby's nil, Node's quotes), so what the vendor sent byte for byte is unknown.",
        "Log the raw request body as received; authhook checks what it reads from the printed object in the meantime.";
    ElidedValue = "elided-value", Warning,
        "The logger printed a placeholder (`[Object]`, `[Array]`, `{...}`, `... 2 more items`) instead of a value, or only part of it.",
        "Printers cut nested values past a depth (Node's util.inspect shows [Object] below two levels), long arrays and long strings; what was left out is not in the capture, so nothing below it is checked.",
        "Log the raw body, or raise the printer's limits (util.inspect depth: null); fields below the placeholder are unknown, not missing.";
    WrongWebhook = "wrong-webhook", Warning,
        "The payload belongs to another webhook, not to 1:1 authentication.",
        "The onboarding status webhook (interviewId, onboardingStatus) is sent to receivers too and often lands in the same logs; it is not an authentication result.",
        "Route onboarding status notifications to their own endpoint, or ignore them when checking authentications.";
    NotAPayload = "not-a-payload", Warning,
        "A top-level JSON value holds no webhook payload at all (a log record whose text held none is exempt).",
        "The value has none of overallStatus, faceMatch, recognitionConfidence, overallScore, spoofConfidence or onboardingStatus, at any depth.",
        "If a payload should be there, check what wrapped or replaced it; --allow not-a-payload silences this for structured logs.";
    UnwrapDepth = "unwrap-depth", Warning,
        "JSON text sits in strings nested deeper than authhook unwraps.",
        "Each log shipper that stores a log line as a JSON string adds a level; past a fixed depth the text inside is not searched, so a payload there would go unseen.",
        "Unwrap the capture once with jq -r, or point --select at the string that holds the payload.";
    UnknownField = "unknown-field", Warning,
        "A key the contract does not name; the closest documented name is suggested.",
        "Often a misspelling of a documented field (which then counts as absent), or a field the vendor added without documenting it.",
        "Fix the spelling if it is one; otherwise note that its meaning is unknown.";
    IdFormat = "id-format", Warning,
        "An id is not lowercase hexadecimal of the documented length.",
        "customerId, interviewId, transactionId and identityId look like MongoDB ObjectIds in the samples. The published success sample itself has a transactionId with a non-hex 'r', so this is a warning.",
        "Check that ids are copied unaltered (no truncation, no case change).";
    ErrorFieldsIncomplete = "error-fields-incomplete", Warning,
        "error and errorCode do not come together.",
        "The vendor sends error, errorCode (and usually errorMessage) together for every error failure; one without the other cannot be matched to the error table.",
        "Check that the receiver keeps all error fields.";
    ErrorTextMismatch = "error-text-mismatch", Warning,
        "error or errorMessage differs from the documented text for its code (a final period is ignored).",
        "For the documented codes the vendor publishes fixed texts; a different text means the code and text disagree or were rewritten.",
        "Trust errorCode over the text, and check what rewrote it. A final period is ignored.";
    SpoofInconsistent = "spoof-inconsistent", Warning,
        "The spoof fields disagree with each other: errorCode, spoofAttempt, and the confidence a spoof errorMessage states.",
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
        "errorCode is not one of the documented error codes (authhook explain lists them).",
        "The vendor also sends error fields for any API exception or unpredicted error, with values it does not document; their meaning is unknown.",
        "Read error and errorMessage for details, and ask the vendor about the code if it recurs.";
    ContentType = "content-type", Warning,
        "A delivery received by `authhook listen` did not declare its body as application/json.",
        "The vendor sends its webhooks as application/json; another content type means another sender, a proxy that rewrote the request, or a hand-made test request.",
        "Send the body with Content-Type: application/json, or find what changed the header on the way.";
    Credential = "credential", Error,
        "A delivery received by `authhook listen` lacked the credential it requires (--require-header, --require-bearer, --oauth), or carried a wrong one.",
        "The sender is not configured with the receiver's static header or OAuth client credentials, or is not the vendor.",
        "Set the same header value or client credentials in the vendor's webhook settings as in the receiver.";
    WouldRetry = "would-retry", Warning,
        "The receiver that `authhook listen --forward-to` relayed a delivery to answered in a way that makes the vendor retry it.",
        "The vendor takes only 200 with a JSON content type, or 204, in time as an acknowledgement; anything else is delivered again, up to 5 more times.",
        "Answer 200 with Content-Type: application/json (or 204), and answer before doing slow work.";
    Expectation = "expectation", Error,
        "A payload did not meet an --expect, --expect-reason or --expect-code given on the command line.",
        "The smoke test asserted an outcome the integration did not produce.",
        "Compare the payload's verdict with what the test triggered.";
}

impl Rule {
    /// The rule's documentation.
    pub fn spec(self) -> &'static RuleSpec {
        // RULES lists every variant in declaration order, so the index always exists.
        RULES.iter().find(|spec| spec.rule == self).unwrap_or(&RULES[0])
    }

    /// The rule's stable id, such as `id-format`.
    pub fn id(self) -> &'static str {
        self.spec().id
    }

    /// The rule's documented severity, before the run's policy.
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
