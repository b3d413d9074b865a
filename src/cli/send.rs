//! `authhook send`: every authentication payload found in the inputs (the same scanner as
//! `check`) delivered to a receiver, one POST each, changed by `--set`, with token and
//! interviewToken blanked unless `--keep-secrets`, what is sent checked like `check` checks it,
//! and each attempt judged by the vendor's acknowledgement rule, retried on the vendor's schedule
//! with `--retries vendor`. Output is in input order whatever the concurrency.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;
use std::time::Duration;

use authhook::Checker;
use authhook::contract::delivery::{JSON_CONTENT_TYPE, acknowledges, retry_cause, retry_delays};
use authhook::contract::{SECRET_KEYS, Severity, is_secret_key};
use authhook::report::tell_problem;
use bytes::Bytes;
use http_body_util::Full;
use hyper::http::{HeaderMap, HeaderValue, Method, Request, Uri, header};
use serde_json::Value;
use tokio::sync::{Mutex, Semaphore, mpsc};

use super::args::{RetriesArg, SendArgs, SenderArgs};
use super::config::InputConfig;
use super::exit::ExitStatus;
use super::run::{Scanned, scan_inputs};
use super::wire::auth::{Credentials, Presented, client_credentials, header_value_secret, sent_header};
use super::wire::rows::{Row, Totals, conclude};
use super::wire::{Client, NoAnswer, receiver_url};

/// One payload to deliver.
struct Payload {
    /// Its number in input order, from 1.
    number: usize,
    /// Where it was found: `PATH:LINE:COLUMN`.
    source: String,
    body: Bytes,
    /// The rules what is sent breaks, error and warning findings.
    findings: Vec<String>,
}

/// How a sender reaches a receiver: the URL, the credentials, the deadline.
pub struct Sender {
    pub to: Uri,
    pub client: Client,
    pub credentials: Credentials,
    pub timeout: Duration,
}

/// What came of one attempt.
pub struct Attempted {
    pub row: Row,
    /// Not even a connection.
    pub unreachable: bool,
}

impl Sender {
    /// Resolves `--to`-like `url` and the sender options; `pooled` keeps connections open from
    /// one delivery to the next (`probe` does not, so that one case's broken answer cannot fail
    /// the next).
    pub fn from_args(url: &str, option: &str, args: &SenderArgs, pooled: bool) -> Result<Self, String> {
        let to = receiver_url(url, option)?;
        let headers = args.headers.iter().map(|text| sent_header(text, "--header")).collect::<Result<_, _>>()?;
        let bearer = args.bearer.as_deref().map(|text| header_value_secret(text, "--bearer")).transpose()?;
        let oauth = match args.oauth.as_slice() {
            [] => None,
            [url, pair] => {
                Some(Credentials::oauth(receiver_url(url, "--oauth TOKEN_URL")?, client_credentials(pair, "--oauth")?))
            }
            _ => return Err("--oauth takes TOKEN_URL and CLIENT_ID:SECRET".to_owned()),
        };
        Ok(Sender {
            to,
            client: if pooled { Client::new() } else { Client::unpooled() },
            credentials: Credentials { headers, bearer, oauth },
            timeout: args.timeout.into(),
        })
    }

    /// POSTs `body` as JSON with the credentials `presented`, and judges the answer by the vendor's
    /// acknowledgement rule; `extra` headers go along.
    pub async fn deliver(&self, body: Bytes, presented: Presented, extra: &HeaderMap) -> Attempted {
        let mut row = Row {
            id: String::new(),
            what: String::new(),
            attempt: 1,
            status: None,
            content_type: None,
            latency_ms: None,
            passed: false,
            message: String::new(),
            findings: Vec::new(),
        };
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
        headers.extend(extra.clone());
        if let Err(problem) = self.credentials.apply(&self.client, &mut headers, presented, self.timeout).await {
            row.message = problem;
            return Attempted { row, unreachable: true };
        }
        let mut request = Request::builder().method(Method::POST).uri(self.to.clone());
        if let Some(all) = request.headers_mut() {
            *all = headers;
        }
        let Ok(request) = request.body(Full::new(body)) else {
            row.message = "the request could not be made".to_owned();
            return Attempted { row, unreachable: true };
        };
        match self.client.send(request, self.timeout).await {
            Ok(answered) => {
                let status = answered.status().as_u16();
                let content_type = answered.content_type().map(str::to_owned);
                row.latency(answered.latency);
                row.passed = acknowledges(status, content_type.as_deref());
                row.message = retry_cause(status, content_type.as_deref())
                    .map_or_else(|| "acknowledged".to_owned(), |cause| format!("the vendor would retry this: {cause}"));
                row.status = Some(status);
                row.content_type = content_type;
                Attempted { row, unreachable: false }
            }
            Err(no_answer) => {
                let unreachable = matches!(no_answer, NoAnswer::Unreachable { .. });
                row.message = format!("the vendor would retry this: {no_answer}");
                Attempted { row, unreachable }
            }
        }
    }
}

/// Runs `send`.
pub fn send(args: &SendArgs) -> ExitStatus {
    let mut problems = io::stderr();
    let prepared = Sender::from_args(&args.to, "--to", &args.sender, true).and_then(|sender| {
        let edits = args.set.iter().map(|text| parse_edit(text)).collect::<Result<Vec<_>, _>>()?;
        Ok((sender, edits))
    });
    let (sender, edits) = match prepared {
        Ok(prepared) => prepared,
        Err(message) => {
            tell_problem(&mut problems, &message);
            return ExitStatus::Trouble;
        }
    };
    let payloads = match payloads(args, &edits, &mut problems) {
        Ok(payloads) if !payloads.is_empty() => payloads,
        Ok(_) => {
            tell_problem(&mut problems, "no authentication payload to send");
            return ExitStatus::Trouble;
        }
        Err(status) => return status,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            tell_problem(&mut problems, &format!("cannot start the client's threads: {error}"));
            return ExitStatus::Trouble;
        }
    };
    runtime.block_on(deliver_all(Arc::new(sender), payloads, args))
}

/// A `--set`: a pointer and the JSON value to put there.
type Edit = (String, Value);

fn parse_edit(text: &str) -> Result<Edit, String> {
    let (pointer, value) =
        text.split_once('=').ok_or_else(|| format!("--set {text:?} must be POINTER=VALUE, such as /errorCode=4015"))?;
    if !pointer.starts_with('/') {
        return Err(format!(
            "--set: {pointer:?} is not a JSON pointer (RFC 6901) to a field: it starts with / (the whole payload cannot be replaced)"
        ));
    }
    let value = serde_json::from_str(value).map_err(|_| {
        format!("--set {pointer}: {value:?} is not a JSON value; a string is quoted: {pointer}='\"{value}\"'")
    })?;
    Ok((pointer.to_owned(), value))
}

/// Puts `value` at `pointer` in `payload`: replaces what is there, or adds a member to the
/// object the pointer's parent names, or an item to its array (at an index up to its length, or
/// `-` for the end).
fn apply_edit(payload: &mut Value, (pointer, value): &Edit) -> Result<(), String> {
    if let Some(slot) = payload.pointer_mut(pointer) {
        *slot = value.clone();
        return Ok(());
    }
    let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    let key = key.replace("~1", "/").replace("~0", "~");
    match payload.pointer_mut(parent) {
        Some(Value::Object(members)) => {
            members.insert(key, value.clone());
            Ok(())
        }
        Some(Value::Array(items)) => {
            let index = if key == "-" { Some(items.len()) } else { key.parse::<usize>().ok() };
            match index.filter(|&i| i <= items.len()) {
                Some(i) => {
                    items.insert(i, value.clone());
                    Ok(())
                }
                None => Err(format!("--set {pointer}: {key:?} is no index of the array at {parent:?}")),
            }
        }
        _ => Err(format!("--set {pointer}: the payload has no object or array at {parent:?} to set it in")),
    }
}

/// Empties every credential member's value, at any depth (a value that is not a string becomes
/// an empty string), and returns the text of the string values it emptied.
fn blank_credentials(value: &mut Value, emptied: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (key, member) in members.iter_mut() {
                if !SECRET_KEYS.contains(&key.as_str()) {
                    blank_credentials(member, emptied);
                    continue;
                }
                match member {
                    Value::Null => {}
                    Value::String(text) => emptied.push(std::mem::take(text)),
                    other => *other = Value::String(String::new()),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| blank_credentials(item, emptied)),
        _ => {}
    }
}

/// What is sent for a payload found as compact JSON `found`: as found (member order and numbers
/// as written) with its credentials emptied unless `keep_secrets`; with `--set` edits, as
/// serde_json writes it (members in key order). A credential's value quoted anywhere else in
/// the payload goes too. The result must be a JSON object.
fn prepare(found: &str, edits: &[Edit], keep_secrets: bool) -> Result<Vec<u8>, String> {
    let mut payload: Value = serde_json::from_str(found).map_err(|e| format!("a payload did not re-parse: {e}"))?;
    let mut emptied = Vec::new();
    if !keep_secrets {
        blank_credentials(&mut payload, &mut emptied);
    }
    let text = if edits.is_empty() {
        as_found(found, keep_secrets)
    } else {
        for edit in edits {
            apply_edit(&mut payload, edit)?;
        }
        if !keep_secrets {
            blank_credentials(&mut payload, &mut emptied);
        }
        serde_json::to_string(&payload).map_err(|e| e.to_string())?
    };
    if !payload.is_object() {
        return Err("--set: what would be sent is not a JSON object".to_owned());
    }
    let values: Vec<&str> = emptied.iter().map(String::as_str).collect();
    Ok(authhook::assess::without_values(&text, &values).into_bytes())
}

/// `found` written again as it is, with each credential member's value emptied unless
/// `keep_secrets`.
fn as_found(found: &str, keep_secrets: bool) -> String {
    let Ok(parsed) = authhook::json::parse_value(found.as_bytes(), 0, authhook::json::Options::default()) else {
        return found.to_owned();
    };
    let mut out = String::with_capacity(found.len());
    authhook::json::write_compact(&parsed.node, &mut out, &|member| {
        let secret = !keep_secrets && is_secret_key(&member.key.decoded());
        let blank = secret && !matches!(member.value.value, authhook::json::Value::Null);
        blank.then(|| "\"\"".to_owned())
    });
    out
}

/// Every authentication payload of the inputs, changed and checked, in input order.
fn payloads(args: &SendArgs, edits: &[Edit], problems: &mut dyn Write) -> Result<Vec<Payload>, ExitStatus> {
    let input = InputConfig::resolve(&args.input, true, true).map_err(|error| {
        tell_problem(problems, &error.to_string());
        ExitStatus::Trouble
    })?;
    let checker = Checker::new();
    let mut found = Vec::new();
    let mut edit_problem = None;
    let mut on_scanned = |scanned: Scanned| {
        let Scanned::Batch(batch) = scanned else { return Ok(()) };
        for result in batch.iter().filter(|r| r.kind.is_authentication()) {
            let Some(text) = result.payload.as_deref() else { continue };
            let body = match prepare(text, edits, args.keep_secrets) {
                Ok(body) => Bytes::from(body),
                Err(problem) => {
                    edit_problem.get_or_insert(problem);
                    continue;
                }
            };
            let findings = checker
                .check_body(&body)
                .unwrap_or_default()
                .iter()
                .flat_map(|r| r.findings.iter().filter(|f| f.severity >= Severity::Warning))
                .map(|f| f.rule.id().to_owned())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let source = format!("{}:{}:{}", result.source.path, result.source.line, result.source.column);
            found.push(Payload { number: found.len() + 1, source, body, findings });
        }
        Ok(())
    };
    let outcome = scan_inputs(&input, problems, &mut on_scanned).map_err(|error| {
        tell_problem(problems, &error.to_string());
        ExitStatus::Trouble
    })?;
    if let Some(problem) = edit_problem {
        tell_problem(problems, &problem);
        return Err(ExitStatus::Trouble);
    }
    if outcome.input_problems > 0 && found.is_empty() {
        return Err(ExitStatus::Trouble);
    }
    Ok(found)
}

/// Delivers every payload, at most `--concurrency` at once and `--rate` a second, and prints
/// the attempts in input order.
async fn deliver_all(sender: Arc<Sender>, payloads: Vec<Payload>, args: &SendArgs) -> ExitStatus {
    let permits = Arc::new(Semaphore::new(args.concurrency));
    let pace = args.rate.map(|rate| Arc::new(Mutex::new(tokio::time::interval(Duration::from_secs_f64(1.0 / rate)))));
    let retries = args.retries;
    let scale = args.time_scale;
    let (done, mut finished) = mpsc::unbounded_channel();
    let count = payloads.len();
    let mut tasks = Vec::with_capacity(count);
    for payload in payloads {
        let (sender, permits, pace, done) = (Arc::clone(&sender), Arc::clone(&permits), pace.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let Ok(_permit) = permits.acquire_owned().await else { return };
            if let Some(pace) = pace {
                pace.lock().await.tick().await;
            }
            let attempts = deliver_one(&sender, &payload, retries, scale).await;
            let _ = done.send((payload.number, attempts));
        }));
    }
    drop(done);
    let mut renderer = args.sender.format.renderer();
    let mut out = io::stdout().lock();
    let mut totals = Totals { noun: "payload", ..Totals::default() };
    let (mut waiting, mut next, mut unreachable) = (BTreeMap::new(), 1, false);
    while let Some((number, attempts)) = finished.recv().await {
        waiting.insert(number, attempts);
        while let Some(attempts) = waiting.remove(&next) {
            let attempts: Vec<Attempted> = attempts;
            for attempted in &attempts {
                let _ = renderer.row(&mut out, &attempted.row);
            }
            let _ = out.flush();
            if let Some(last) = attempts.last() {
                totals.add(&last.row);
                unreachable |= last.unreachable;
            }
            next += 1;
        }
    }
    for task in tasks {
        // A delivery that ended without its attempts (it cannot, short of a bug) is not one
        // that was acknowledged.
        unreachable |= task.await.is_err();
    }
    unreachable |= next <= count;
    totals.payloads = count as u64;
    let line = totals.line("acknowledged", "not acknowledged");
    let unreachable = unreachable.then(|| format!("some payloads could not be delivered to {}", sender.to));
    conclude(renderer.as_mut(), &mut out, &totals, &line, unreachable)
}

/// Delivers one payload, again on the vendor's schedule (scaled) until acknowledged when asked.
async fn deliver_one(sender: &Sender, payload: &Payload, retries: RetriesArg, scale: f64) -> Vec<Attempted> {
    let delays: Vec<Duration> = match retries {
        RetriesArg::None => Vec::new(),
        RetriesArg::Vendor => retry_delays().map(|delay| delay.mul_f64(scale)).collect(),
    };
    let mut attempts = Vec::new();
    for attempt in 0..=delays.len() {
        if let Some(delay) = attempt.checked_sub(1).and_then(|i| delays.get(i)) {
            tokio::time::sleep(*delay).await;
        }
        let mut attempted = sender.deliver(payload.body.clone(), Presented::Right, &HeaderMap::new()).await;
        attempted.row.id = payload.number.to_string();
        attempted.row.what = payload.source.clone();
        attempted.row.attempt = u32::try_from(attempt + 1).unwrap_or(u32::MAX);
        attempted.row.findings = payload.findings.clone();
        let acknowledged = attempted.row.passed;
        attempts.push(attempted);
        if acknowledged {
            break;
        }
    }
    attempts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_replace_or_add_members() {
        let mut payload = serde_json::json!({"overallStatus": "PASS", "recognitionConfidence": {"confidence": 0.9}});
        for text in ["/overallStatus=\"FAIL\"", "/errorCode=4015", "/recognitionConfidence/confidence=0.1"] {
            let edit = parse_edit(text).unwrap_or_else(|e| panic!("{e}"));
            assert!(apply_edit(&mut payload, &edit).is_ok());
        }
        assert_eq!(payload["overallStatus"], "FAIL");
        assert_eq!(payload["errorCode"], 4015);
        assert_eq!(payload["recognitionConfidence"]["confidence"], 0.1);
        assert!(parse_edit("/overallStatus=FAIL").is_err(), "a string must be quoted");
        assert!(parse_edit("overallStatus=1").is_err());
        let edit = parse_edit("/nothing/here=1").unwrap_or_else(|e| panic!("{e}"));
        assert!(apply_edit(&mut payload, &edit).is_err());
        assert!(parse_edit("=null").is_err(), "the whole payload is not replaced");
        let mut with_array = serde_json::json!({"children": []});
        for text in ["/children/-=1", "/children/1=2", "/children/0=0"] {
            let edit = parse_edit(text).unwrap_or_else(|e| panic!("{e}"));
            assert!(apply_edit(&mut with_array, &edit).is_ok(), "{text}");
        }
        assert_eq!(with_array["children"], serde_json::json!([0, 2]));
    }

    #[test]
    fn what_is_sent_keeps_order_and_numbers_but_no_credential() {
        let found = r#"{"z":1.0E-3,"token":"SECRET-VALUE","a":123456789012345678901234567890,"interviewToken":{"x":"y"},"errorMessage":"bad SECRET-VALUE"}"#;
        let sent = String::from_utf8(prepare(found, &[], false).unwrap_or_default()).unwrap_or_default();
        assert_eq!(
            sent,
            r#"{"z":1.0E-3,"token":"","a":123456789012345678901234567890,"interviewToken":"","errorMessage":"bad <redacted: 12 characters>"}"#
        );
        let edit = parse_edit(r#"/token={"a":"SECRET-TWO"}"#).unwrap_or_else(|e| panic!("{e}"));
        let sent = String::from_utf8(prepare(found, &[edit], false).unwrap_or_default()).unwrap_or_default();
        assert!(!sent.contains("SECRET"), "{sent}");
        let kept = String::from_utf8(prepare(found, &[], true).unwrap_or_default()).unwrap_or_default();
        assert!(kept.contains("SECRET-VALUE"));
    }

    #[test]
    fn credentials_are_blanked_at_any_depth() {
        let mut payload = serde_json::json!({"token": "t", "interviewToken": ["i"], "a": [{"token": "n"}], "x": "keep", "accessToken": null});
        let mut emptied = Vec::new();
        blank_credentials(&mut payload, &mut emptied);
        let blanked = serde_json::json!({"token": "", "interviewToken": "", "a": [{"token": ""}], "x": "keep", "accessToken": null});
        assert_eq!(payload, blanked);
        assert_eq!(emptied, ["n", "t"]);
    }
}
