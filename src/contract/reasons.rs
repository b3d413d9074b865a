//! Why an authentication passed or failed: the reason codes and what each means and asks for.

/// Why an authentication passed or failed.
///
/// Each code's id, title, meaning and advice are in [`REASONS`]; the documented error codes
/// that give a code are in [`ERROR_CODES`](crate::contract::ERROR_CODES).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ReasonCode {
    /// `face-matched`: the attempt passed; every PASS gives it.
    FaceMatched,
    /// `user-blacklisted`: the identity is on the blacklist (a documented error code).
    UserBlacklisted,
    /// `customer-not-found`: no enrolled customer has the customerId (a documented error code).
    CustomerNotFound,
    /// `spoof-detected`: liveness found a presentation attack (the spoof error code, or
    /// spoofAttempt true).
    SpoofDetected,
    /// `user-not-recognized`: the face did not match the enrolled identity (a documented error
    /// code).
    UserNotRecognized,
    /// `api-exception`: an errorCode that is not documented.
    ApiException,
    /// `face-mask-detected`: hasFaceMask is true.
    FaceMaskDetected,
    /// `lenses-detected`: hasLenses is true.
    LensesDetected,
    /// `no-face-match`: a FAIL with faceMatch false and nothing else to explain it.
    NoFaceMatch,
    /// `unexplained`: a FAIL that nothing in the payload explains.
    Unexplained,
}

/// A reason code's documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonSpec {
    /// The reason code documented.
    pub code: ReasonCode,
    /// Its stable id, as results, `--expect-reason` and `explain` spell it.
    pub id: &'static str,
    /// A short title, for people.
    pub title: &'static str,
    /// What the reason means.
    pub meaning: &'static str,
    /// What to do about it.
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
        title: "User blacklisted",
        meaning: "The identity is on the blacklist, so authentication was refused.",
        action: "Check why the identity was blacklisted before allowing another attempt.",
    },
    ReasonSpec {
        code: ReasonCode::CustomerNotFound,
        id: "customer-not-found",
        title: "Customer not found",
        meaning: "No enrolled customer matches the customerId sent with the attempt.",
        action: "Check that the customerId comes from a finished onboarding in the same environment (staging ids do not exist in production).",
    },
    ReasonSpec {
        code: ReasonCode::SpoofDetected,
        id: "spoof-detected",
        title: "Spoof attempt detected",
        meaning: "The liveness check found a presentation attack: a photo, screen, mask or similar instead of a live face.",
        action: "Treat as a possible fraud attempt; the user may retry with their live face in good light.",
    },
    ReasonSpec {
        code: ReasonCode::UserNotRecognized,
        id: "user-not-recognized",
        title: "User not recognized",
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
    /// The code's documentation.
    pub fn spec(self) -> &'static ReasonSpec {
        REASONS.iter().find(|spec| spec.code == self).unwrap_or(&REASONS[0])
    }

    /// The code's stable id, such as `spoof-detected`.
    pub fn id(self) -> &'static str {
        self.spec().id
    }

    /// The reason code with this id.
    pub fn from_id(id: &str) -> Option<ReasonCode> {
        REASONS.iter().find(|spec| spec.id == id).map(|spec| spec.code)
    }
}

impl serde::Serialize for ReasonCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}
