//! One request to the listener: routed (the delivery path, the token exchange, anything else),
//! its credential checked, its body read within the limits, checked like `check` checks, recorded,
//! relayed or answered as configured, and its results published.

use std::convert::Infallible;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use authhook::Checker;
use authhook::assess::CheckResult;
use authhook::contract::delivery::{is_json_media_type, retry_cause};
use authhook::contract::{Rule, utc_now};
use authhook::report::{safe_for_terminal, tell_problem};
use authhook::rules::Details;
use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};

use super::auth::{Exchange, Gate, Refusal};
use super::forward::Forwarder;
use super::record::{Delivery, Recorder, redacted_target};
use super::settings::ListenSettings;
use super::sink::Sink;
use crate::cli::wire::NoAnswer;

/// What every request shares.
pub struct State {
    pub settings: ListenSettings,
    pub checker: Checker,
    pub gate: Gate,
    pub recorder: Option<Recorder>,
    pub forwarder: Option<Forwarder>,
    pub sink: Mutex<Sink>,
    /// Told when `--count` payloads have arrived.
    pub done: tokio::sync::Notify,
    /// A delivery could not be recorded.
    pub record_failed: std::sync::atomic::AtomicBool,
}

/// The largest body checked on the server's own thread (larger ones go to the blocking pool).
const CHECKED_IN_PLACE: usize = 64 * 1024;

/// The header a relayed request carries, by which a relay that leads back here is recognised.
pub const RELAYED: &str = "x-authhook-relayed";

/// Why a body was not read.
enum BodyProblem {
    /// Over the payload limit: declared so, or found so while reading.
    TooLarge(Option<u64>),
    /// Not all there in time.
    Slow,
    /// The connection failed while it was sent.
    Broken,
    /// Encoded in a way that cannot be read (`Content-Encoding`).
    Encoding(String),
}

type Answer = Response<Full<Bytes>>;

/// Serves one request.
pub async fn serve(state: Arc<State>, remote: SocketAddr, request: Request<Incoming>) -> Result<Answer, Infallible> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    if state.gate.oauth().is_some_and(|client| client.path == path) {
        return Ok(token_exchange(&state, &parts.method, &parts.headers, body).await);
    }
    if path != state.settings.path {
        return Ok(json_answer(StatusCode::NOT_FOUND, r#"{"error":"not found"}"#));
    }
    if parts.method != Method::POST {
        let mut answer = json_answer(StatusCode::METHOD_NOT_ALLOWED, r#"{"error":"method not allowed; POST"}"#);
        answer.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return Ok(answer);
    }
    if state.forwarder.is_some() && parts.headers.contains_key(RELAYED) {
        // A relay that reaches this listener again would go round for ever.
        return Ok(json_answer(StatusCode::LOOP_DETECTED, r#"{"error":"--forward-to leads back to this listener"}"#));
    }
    let received = utc_now();
    let target = parts.uri.path_and_query().map_or(path, |p| p.as_str()).to_owned();
    let shown_target = redacted_target(&target);
    let source = format!("{} {shown_target} from {remote}", parts.method);
    let admitted = state.gate.admit(&parts.headers);
    let body = read_body(&parts.headers, body, state.checker_limit(), state.settings.request_timeout).await;
    let (mut results, bytes, too_large) = match body {
        Ok(bytes) => (state.check(source.clone(), received.clone(), bytes.clone()).await, bytes, false),
        Err(BodyProblem::TooLarge(declared)) => {
            (state.checker.too_large_body(&source, &received, declared), Bytes::new(), true)
        }
        Err(BodyProblem::Slow) => return Ok(closing(StatusCode::REQUEST_TIMEOUT, "the body did not arrive in time")),
        Err(BodyProblem::Broken) => return Ok(closing(StatusCode::BAD_REQUEST, "the body could not be read")),
        Err(BodyProblem::Encoding(name)) => {
            let message = format!("Content-Encoding {name:?} is not supported; send identity or gzip");
            tell_problem(&mut std::io::stderr(), &format!("{source}: {message}"));
            return Ok(json_answer(StatusCode::UNSUPPORTED_MEDIA_TYPE, &error_json(&message)));
        }
    };
    judge_headers(&state.checker, &parts.headers, admitted, &mut results);
    let answer = if admitted.is_err() {
        unauthorized(&state.gate)
    } else if too_large {
        closing(StatusCode::PAYLOAD_TOO_LARGE, "the body is larger than the payload limit")
    } else if let Some(forwarder) = &state.forwarder {
        let request = (&parts.method, target.as_str(), &parts.headers);
        relay(&state, forwarder, &source, request, bytes.clone(), &mut results).await
    } else {
        let invalid = results.iter().any(|r| !r.valid);
        configured_answer(state.settings.respond_invalid.filter(|_| invalid).unwrap_or(state.settings.respond))
    };
    let remote = remote.to_string();
    let delivery = Delivery {
        time: &received,
        method: parts.method.as_str(),
        path: &shown_target,
        remote: &remote,
        headers: &parts.headers,
        body: &bytes,
        refused: admitted.err().map(Refusal::kind),
    };
    let line = state.recorder.as_ref().map(|recorder| recorder.encode(&delivery));
    let answer = match state.take(line, &mut results) {
        Taken::Judged => answer,
        Taken::Unrecorded => {
            json_answer(StatusCode::SERVICE_UNAVAILABLE, r#"{"error":"the delivery could not be recorded"}"#)
        }
        Taken::AfterCount if state.forwarder.is_some() => answer,
        Taken::AfterCount => json_answer(StatusCode::SERVICE_UNAVAILABLE, r#"{"error":"the listener is stopping"}"#),
    };
    if let Some(delay) = state.settings.delay.filter(|_| state.forwarder.is_none()) {
        tokio::time::sleep(delay).await;
    }
    Ok(answer)
}

/// What became of a delivery's results.
enum Taken {
    /// Recorded (when asked), judged and counted.
    Judged,
    /// The record could not be written: unrecorded is unacknowledged, so the vendor delivers it
    /// again. Its results are judged all the same.
    Unrecorded,
    /// `--count` payloads had arrived already: neither recorded nor judged.
    AfterCount,
}

impl State {
    /// The payload limit, which the configuration already held within its bounds.
    fn checker_limit(&self) -> usize {
        self.settings.check.input.assess.scan.max_payload_bytes
    }

    /// Checks a body: a small one on the server's thread, a larger one off it, so that a body
    /// slow to check holds up no other request (handing every body over cost a thread switch
    /// each, and grew the pool to 80 threads under load).
    async fn check(self: &Arc<Self>, source: String, received: String, body: Bytes) -> Vec<CheckResult> {
        if body.len() <= CHECKED_IN_PLACE {
            return self.checker.check_request(&source, &received, &body);
        }
        let state = Arc::clone(self);
        let checked = tokio::task::spawn_blocking(move || state.checker.check_request(&source, &received, &body));
        checked.await.unwrap_or_default()
    }

    /// Records a delivery and hands its results to the sink, in one order for both; tells the
    /// listener to stop when `--count` is reached, and takes no more after that.
    fn take(&self, line: Option<std::io::Result<Vec<u8>>>, results: &mut [CheckResult]) -> Taken {
        let mut sink = self.sink.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let reached = |received: u64| self.settings.count.is_some_and(|count| received >= count);
        if reached(sink.summary.authentications()) {
            return Taken::AfterCount;
        }
        let mut taken = Taken::Judged;
        if let (Some(recorder), Some(line)) = (&self.recorder, line)
            && let Err(error) = line.and_then(|line| recorder.write(&line))
        {
            tell_problem(&mut std::io::stderr(), &format!("cannot record to {}: {error}", recorder.path().display()));
            self.record_failed.store(true, std::sync::atomic::Ordering::Relaxed);
            taken = Taken::Unrecorded;
        }
        if reached(sink.publish(&self.checker, results)) {
            self.done.notify_one();
        }
        taken
    }
}

/// Adds what the request's headers tell: a body not declared as JSON, a credential refused.
fn judge_headers(checker: &Checker, headers: &HeaderMap, admitted: Result<(), Refusal>, results: &mut [CheckResult]) {
    let content_type = headers.get(header::CONTENT_TYPE).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let declared_json = content_type.as_deref().is_some_and(is_json_media_type);
    for result in results.iter_mut() {
        if !declared_json {
            let message = match &content_type {
                Some(found) => format!("the body is declared as {found:?}, not application/json"),
                None => "the request declares no content type; the vendor sends application/json".to_owned(),
            };
            let details = Details::new().with("expected", "application/json").with("found", content_type.clone());
            checker.add_finding(result, Rule::ContentType, message, details);
        }
        if let Err(refusal) = admitted {
            let details = Details::new().with("problem", refusal.kind());
            checker.add_finding(result, Rule::Credential, refusal.message(), details);
        }
    }
}

/// Reads a body within `limit` bytes and `timeout`, decompressing gzip.
async fn read_body(
    headers: &HeaderMap,
    mut body: Incoming,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, BodyProblem> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
    let deadline = tokio::time::Instant::now() + timeout;
    if let Some(length) = declared.filter(|&length| length > limit as u64) {
        // A body larger than is ever drained, or one the sender waits to be asked for
        // (`Expect: 100-continue`), is refused at once.
        let waits = headers.get(header::EXPECT).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
        if length <= DRAINED_AT_MOST as u64 && !waits {
            drain(&mut body, deadline).await;
        }
        return Err(BodyProblem::TooLarge(declared));
    }
    let bytes = match tokio::time::timeout_at(deadline, collect_within(&mut body, limit)).await {
        Err(_) => return Err(BodyProblem::Slow),
        Ok(Err(BodyProblem::TooLarge(_))) => {
            drain(&mut body, deadline).await;
            return Err(BodyProblem::TooLarge(declared));
        }
        Ok(read) => read?,
    };
    match headers
        .get(header::CONTENT_ENCODING)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_ascii_lowercase())
    {
        None => Ok(bytes),
        Some(encoding) if encoding.is_empty() || encoding == "identity" => Ok(bytes),
        Some(encoding) if encoding == "gzip" || encoding == "x-gzip" => gunzip(&bytes, limit),
        Some(other) => Err(BodyProblem::Encoding(other)),
    }
}

/// The body's bytes, or [`BodyProblem::TooLarge`] at the first frame past `limit` bytes, the
/// rest of the body left unread.
async fn collect_within(body: &mut Incoming, limit: usize) -> Result<Bytes, BodyProblem> {
    let mut collected = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(|_| BodyProblem::Broken)?.into_data() else { continue };
        if collected.len() + data.len() > limit {
            return Err(BodyProblem::TooLarge(None));
        }
        collected.extend_from_slice(&data);
    }
    Ok(collected.freeze())
}

/// The most of a refused body read and thrown away before the refusal is sent.
const DRAINED_AT_MOST: usize = 16 * 1024 * 1024;

/// Reads and throws away what is left of a body that is refused, up to [`DRAINED_AT_MOST`] bytes
/// and until `deadline`: a sender still writing it then reads the answer, where closing the
/// connection on unread bytes would reset it and lose the answer.
async fn drain(body: &mut Incoming, deadline: tokio::time::Instant) {
    let draining = async {
        let mut drained = 0;
        while drained < DRAINED_AT_MOST {
            match body.frame().await {
                Some(Ok(frame)) => drained += frame.data_ref().map_or(0, Bytes::len),
                Some(Err(_)) | None => break,
            }
        }
    };
    let _ = tokio::time::timeout_at(deadline, draining).await;
}

/// Decompresses a gzip body, refusing more than `limit` bytes of output (a small body can
/// inflate enormously).
fn gunzip(compressed: &[u8], limit: usize) -> Result<Bytes, BodyProblem> {
    let mut inflated = Vec::new();
    let reader = flate2::read::MultiGzDecoder::new(compressed);
    match reader.take(limit as u64 + 1).read_to_end(&mut inflated) {
        Ok(_) if inflated.len() > limit => Err(BodyProblem::TooLarge(None)),
        Ok(_) => Ok(Bytes::from(inflated)),
        Err(_) => Err(BodyProblem::Encoding("gzip (not valid gzip data)".to_owned())),
    }
}

/// Relays the delivery, answers with the upstream's answer, and adds a finding to each result
/// when the vendor would retry that answer.
async fn relay(
    state: &State,
    forwarder: &Forwarder,
    source: &str,
    (method, target, headers): (&Method, &str, &HeaderMap),
    body: Bytes,
    results: &mut [CheckResult],
) -> Answer {
    let ack_timeout = state.settings.ack_timeout;
    let (answer, cause) = match forwarder.relay(method, target, headers, body).await {
        Ok(relayed) => {
            let status = relayed.status().as_u16();
            let content_type = relayed.content_type();
            let latency = relayed.latency;
            let cause = retry_cause(status, content_type).or_else(|| {
                (latency > ack_timeout)
                    .then(|| format!("answered after {latency:.1?}, later than --ack-timeout {ack_timeout:?}"))
            });
            let verdict = cause
                .as_deref()
                .map_or_else(|| "acknowledged".to_owned(), |c| format!("the vendor would retry this: {c}"));
            let shown = content_type.map_or_else(|| "no content type".to_owned(), safe_for_terminal);
            let line =
                format!("{source} -> {} {status} {shown}, {} ms: {verdict}", forwarder.upstream(), latency.as_millis());
            let _ =
                std::io::Write::write_all(&mut std::io::stderr(), format!("{}\n", safe_for_terminal(&line)).as_bytes());
            (relayed.response.map(Full::new), cause)
        }
        Err(error) => {
            tell_problem(&mut std::io::stderr(), &format!("{source}: {error}"));
            let status = match error {
                NoAnswer::TimedOut { .. } => StatusCode::GATEWAY_TIMEOUT,
                NoAnswer::Unreachable { .. } | NoAnswer::Dropped { .. } => StatusCode::BAD_GATEWAY,
            };
            (
                json_answer(status, &error_json(&error.to_string())),
                Some(format!("the upstream could not answer: {error}")),
            )
        }
    };
    if let Some(cause) = cause {
        for result in results.iter_mut() {
            let details =
                Details::new().with("upstream", forwarder.upstream()).with("status", answer.status().as_u16());
            state.checker.add_finding(
                result,
                Rule::WouldRetry,
                format!("the vendor would retry this delivery: {cause}"),
                details,
            );
        }
    }
    answer
}

/// The answer `--respond` (or `--respond-invalid`) names: 200 with `{"success":true}`, 204 with
/// nothing, anything else with `{"success":false}`.
fn configured_answer(status: StatusCode) -> Answer {
    match status {
        StatusCode::OK => json_answer(status, r#"{"success":true}"#),
        StatusCode::NO_CONTENT => {
            let mut answer = Response::new(Full::new(Bytes::new()));
            *answer.status_mut() = status;
            answer
        }
        other => json_answer(other, r#"{"success":false}"#),
    }
}

fn unauthorized(gate: &Gate) -> Answer {
    let mut answer = json_answer(StatusCode::UNAUTHORIZED, r#"{"error":"unauthorized"}"#);
    if !gate.is_open() {
        answer.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    answer
}

/// Serves the OAuth 2.0 client-credentials exchange.
async fn token_exchange(state: &State, method: &Method, headers: &HeaderMap, body: Incoming) -> Answer {
    if method != Method::POST {
        return json_answer(StatusCode::METHOD_NOT_ALLOWED, r#"{"error":"invalid_request"}"#);
    }
    const FORM_LIMIT: usize = 8 * 1024;
    let Ok(body) = read_body(headers, body, FORM_LIMIT, state.settings.request_timeout).await else {
        return closing(StatusCode::BAD_REQUEST, "invalid_request");
    };
    match state.gate.exchange(headers, &body) {
        Exchange::Issued { token, expires_in } => {
            let answer = serde_json::json!({ "access_token": token, "token_type": "Bearer", "expires_in": expires_in });
            json_answer(StatusCode::OK, &answer.to_string())
        }
        Exchange::InvalidClient => {
            let mut answer = json_answer(StatusCode::UNAUTHORIZED, r#"{"error":"invalid_client"}"#);
            answer.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic"));
            answer
        }
        Exchange::UnsupportedGrant => json_answer(StatusCode::BAD_REQUEST, r#"{"error":"unsupported_grant_type"}"#),
        Exchange::Unavailable => json_answer(StatusCode::SERVICE_UNAVAILABLE, r#"{"error":"temporarily_unavailable"}"#),
    }
}

fn error_json(message: &str) -> String {
    serde_json::json!({ "error": message }).to_string()
}

fn json_answer(status: StatusCode, body: &str) -> Answer {
    let mut answer = Response::new(Full::new(Bytes::copy_from_slice(body.as_bytes())));
    *answer.status_mut() = status;
    answer.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    answer
}

/// An error answer after which the connection closes, since the rest of the request was not read.
fn closing(status: StatusCode, message: &str) -> Answer {
    let mut answer = json_answer(status, &error_json(message));
    answer.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    answer
}
