//! `authhook probe`: the cases of [`PROBE_CASES`] run against a receiver, one after the other,
//! each graded by the vendor's delivery rules, with the client of `send`.

use std::io::{self, Write};

use authhook::contract::probes::{PROBE_CASES, ProbeCase};
use authhook::contract::samples;
use authhook::report::tell_problem;
use bytes::Bytes;
use hyper::http::HeaderMap;
use serde_json::{Value, json};

use super::args::ProbeArgs;
use super::exit::ExitStatus;
use super::send::{Attempted, Sender};
use super::wire::auth::Presented;
use super::wire::rows::{Row, Totals, conclude};

/// The size the over-1-mib case pads a payload past.
const ONE_MIB: usize = 1 << 20;

/// Runs `probe`.
pub fn probe(args: &ProbeArgs) -> ExitStatus {
    let mut problems = io::stderr();
    let sender = match Sender::from_args(&args.url, "URL", &args.sender, false) {
        Ok(sender) => sender,
        Err(message) => {
            tell_problem(&mut problems, &message);
            return ExitStatus::Trouble;
        }
    };
    let has_credentials =
        !args.sender.headers.is_empty() || args.sender.bearer.is_some() || !args.sender.oauth.is_empty();
    let cases: Vec<&ProbeCase> = PROBE_CASES
        .iter()
        .filter(|case| args.case.is_empty() || args.case.iter().any(|id| id == case.id))
        .filter(|case| !args.skip.iter().any(|id| id == case.id))
        .filter(|case| has_credentials || !case.needs_credentials)
        .collect();
    if cases.is_empty() {
        tell_problem(&mut problems, "no case to run (the credential cases need --header, --bearer or --oauth)");
        return ExitStatus::Trouble;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            tell_problem(&mut problems, &format!("cannot start the client: {error}"));
            return ExitStatus::Trouble;
        }
    };
    runtime.block_on(run_cases(&sender, &cases, args))
}

async fn run_cases(sender: &Sender, cases: &[&ProbeCase], args: &ProbeArgs) -> ExitStatus {
    let mut renderer = args.sender.format.renderer();
    let mut out = io::stdout().lock();
    let mut totals = Totals { noun: "case", ..Totals::default() };
    let mut unreachable = false;
    for case in cases {
        let (mut row, no_connection) = run_case(sender, case).await;
        row.id = case.id.to_owned();
        row.what = format!("sends {}", case.sends);
        totals.add(&row);
        let _ = renderer.row(&mut out, &row).and_then(|()| out.flush());
        if no_connection {
            // Every other case would fail the same way.
            unreachable = true;
            break;
        }
    }
    let line = totals.line("passed", "failed");
    let unreachable = unreachable.then(|| format!("could not reach {}", sender.to));
    conclude(renderer.as_mut(), &mut out, &totals, &line, unreachable)
}

/// A fresh 24-digit hexadecimal id, so that this run's transactions are its own.
fn fresh_id() -> String {
    super::wire::random_hex(12).unwrap_or_else(|| "0".repeat(24))
}

/// A documented sample as JSON, with a fresh transactionId when `fresh`.
fn sample(name: &str, fresh: bool) -> Value {
    let text = samples::find(name).map(|sample| sample.compact()).unwrap_or_default();
    let mut value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if fresh && let Some(members) = value.as_object_mut() {
        members.insert("transactionId".into(), fresh_id().into());
    }
    value
}

fn body(value: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

/// Runs one case; the row's `passed` and `message` grade it. Also whether no connection could
/// be made.
async fn run_case(sender: &Sender, case: &ProbeCase) -> (Row, bool) {
    let deliver =
        |body: Bytes, presented: Presented| async move { sender.deliver(body, presented, &HeaderMap::new()).await };
    match case.id {
        "retry-duplicate" => {
            let payload = body(&sample("spoof", true));
            let first = deliver(payload.clone(), Presented::Right).await;
            let second = deliver(payload, Presented::Right).await;
            both_acknowledged(first, second, true)
        }
        "conflicting-redelivery" => {
            let mut pass = sample("pass", true);
            let first = deliver(body(&pass), Presented::Right).await;
            if let Some(members) = pass.as_object_mut() {
                members.insert("overallStatus".into(), "FAIL".into());
                members.insert("faceMatch".into(), false.into());
            }
            let second = deliver(body(&pass), Presented::Right).await;
            both_acknowledged(first, second, false)
        }
        "unknown-error-code" => {
            let mut spoof = sample("spoof", true);
            if let Some(members) = spoof.as_object_mut() {
                members.insert("errorCode".into(), 4999.into());
                members.insert("error".into(), "Unexpected error".into());
                members.insert("errorMessage".into(), "Unexpected error".into());
                members.insert("spoofAttempt".into(), false.into());
            }
            acknowledged(deliver(body(&spoof), Presented::Right).await)
        }
        "one-to-n" => {
            let mut pass = sample("pass", true);
            let candidates = json!([{ "identityId": fresh_id(), "confidence": 0.93 }]);
            if let Some(confidence) = pass.get_mut("recognitionConfidence").and_then(Value::as_object_mut) {
                confidence.insert("candidates".into(), candidates);
            }
            acknowledged(deliver(body(&pass), Presented::Right).await)
        }
        "onboarding-status" => {
            let onboarding = json!({ "interviewId": fresh_id(), "onboardingStatus": "ONBOARDING_FINISHED" });
            acknowledged(deliver(body(&onboarding), Presented::Right).await)
        }
        "not-json" => {
            let answer = deliver(Bytes::from_static(b"this is not JSON {"), Presented::Right).await;
            answered_and_serving(answer, deliver(body(&sample("pass", true)), Presented::Right).await)
        }
        "over-1-mib" => {
            let mut padded = sample("pass", true);
            if let Some(members) = padded.as_object_mut() {
                members.insert("padding".into(), "x".repeat(ONE_MIB + 1024).into());
            }
            let answer = deliver(body(&padded), Presented::Right).await;
            answered_and_serving(answer, deliver(body(&sample("pass", true)), Presented::Right).await)
        }
        "credential-missing" => refused(deliver(body(&sample("spoof", true)), Presented::Missing).await),
        "credential-wrong" => refused(deliver(body(&sample("spoof", true)), Presented::Wrong).await),
        "credential-right" => acknowledged(deliver(body(&sample("spoof", true)), Presented::Right).await),
        id => {
            let name = id.strip_prefix("sample-").unwrap_or(id);
            // Each sample with a transaction of its own: two samples share one as published, and
            // that conflict is another case's.
            acknowledged(deliver(body(&sample(name, true)), Presented::Right).await)
        }
    }
}

/// The delivery was acknowledged.
fn acknowledged(attempted: Attempted) -> (Row, bool) {
    let unreachable = attempted.unreachable;
    (attempted.row, unreachable)
}

/// Both deliveries were acknowledged and, when `alike`, with the same status.
fn both_acknowledged(first: Attempted, second: Attempted, alike: bool) -> (Row, bool) {
    let unreachable = first.unreachable || second.unreachable;
    let mut row = second.row;
    let first = first.row;
    row.attempt = 2;
    if !first.passed {
        row.passed = false;
        row.message = format!("the first delivery: {}", first.message);
    } else if !row.passed {
        row.message = format!("the second delivery: {}", row.message);
    } else if alike && first.status != row.status {
        row.passed = false;
        row.message = format!(
            "a retry was answered {} where the first delivery got {}",
            row.status.unwrap_or_default(),
            first.status.unwrap_or_default()
        );
    } else {
        row.message = "both acknowledged".to_owned();
    }
    (row, unreachable)
}

/// The body got an answer, whatever it was, and the next delivery was acknowledged.
fn answered_and_serving(answer: Attempted, next: Attempted) -> (Row, bool) {
    let unreachable = answer.unreachable;
    let mut row = answer.row;
    row.passed = row.status.is_some() && next.row.passed;
    row.message = match (row.status, next.row.passed) {
        (None, _) => row.message.clone(),
        (Some(status), true) => format!("answered {status}, and the next delivery was acknowledged"),
        (Some(status), false) => format!("answered {status}, but the next delivery: {}", next.row.message),
    };
    (row, unreachable)
}

/// The delivery was refused with 401 or 403.
fn refused(attempted: Attempted) -> (Row, bool) {
    let unreachable = attempted.unreachable;
    let mut row = attempted.row;
    row.passed = matches!(row.status, Some(401 | 403));
    row.message = match row.status {
        Some(401 | 403) => "refused, as it must be".to_owned(),
        Some(status) => format!("answered {status}: a delivery without the right credential was not refused"),
        None => row.message.clone(),
    };
    (row, unreachable)
}
