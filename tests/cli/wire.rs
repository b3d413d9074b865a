//! `authhook send` and `authhook probe` against real receivers over loopback: `authhook listen`
//! in its answering and credential modes, and small hyper receivers that misbehave in one way
//! each. Every server binds 127.0.0.1 port 0 and is ended by its test; every wait is bounded.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::http::{Request, Response};
use serde_json::Value;

use crate::common::{authhook, parse_lines, run};
use crate::listen::Listener;

/// What a test receiver does with one request.
#[derive(Clone, Copy)]
enum Behaviour {
    /// Answer with this status and content type.
    Answer(u16, Option<&'static str>),
    /// Answer 200 JSON after this long.
    Slow(Duration),
    /// Close the connection without an answer.
    Reset,
}

/// A request a test receiver got.
#[derive(Debug, Clone)]
struct Received {
    at: Instant,
    body: Vec<u8>,
}

type Decide = dyn Fn(usize, &Received) -> Behaviour + Send + Sync;

/// A receiver on 127.0.0.1 that answers as `decide` says and keeps what it received; it stops
/// when dropped.
struct TestReceiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl TestReceiver {
    fn start(decide: impl Fn(usize, &Received) -> Behaviour + Send + Sync + 'static) -> TestReceiver {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("a runtime: {e}"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let decide: Arc<Decide> = Arc::new(decide);
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap_or_else(|e| panic!("bind 127.0.0.1:0: {e}"));
        let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let kept = Arc::clone(&received);
        runtime.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (kept, decide) = (Arc::clone(&kept), Arc::clone(&decide));
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
                        let (kept, decide) = (Arc::clone(&kept), Arc::clone(&decide));
                        async move { answer(request, &kept, &*decide).await }
                    });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                });
            }
        });
        TestReceiver { url: format!("http://{address}/webhook"), received, runtime: Some(runtime) }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

async fn answer(
    request: Request<hyper::body::Incoming>,
    kept: &Mutex<Vec<Received>>,
    decide: &Decide,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let at = Instant::now();
    let body = request.into_body().collect().await.map(|c| c.to_bytes().to_vec()).unwrap_or_default();
    let received = Received { at, body };
    let number = {
        let mut kept = kept.lock().map_err(|_| std::io::Error::other("poisoned"))?;
        kept.push(received.clone());
        kept.len()
    };
    let (status, content_type) = match decide(number, &received) {
        Behaviour::Reset => return Err(std::io::Error::other("reset")),
        Behaviour::Slow(delay) => {
            tokio::time::sleep(delay).await;
            (200, Some("application/json"))
        }
        Behaviour::Answer(status, content_type) => (status, content_type),
    };
    let mut response = Response::new(Full::new(Bytes::from_static(br#"{"success":true}"#)));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::OK);
    if let Some(content_type) = content_type {
        response.headers_mut().insert("content-type", hyper::header::HeaderValue::from_static(content_type));
    }
    Ok(response)
}

impl Drop for TestReceiver {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

const JSON: Behaviour = Behaviour::Answer(200, Some("application/json"));

fn send(args: &[&str], stdin: &str, code: i32) -> (String, String) {
    run(authhook().arg("send").args(args).write_stdin(stdin.to_owned()), code)
}

fn sample(name: &str) -> String {
    run(authhook().args(["sample", name]), 0).0
}

fn probe(args: &[&str], code: i32) -> Vec<Value> {
    let (stdout, _) = run(authhook().args(["probe", "--format", "ndjson"]).args(args), code);
    parse_lines(&stdout)
}

/// The ids of the cases that failed.
fn failed(rows: &[Value]) -> Vec<String> {
    rows.iter().filter(|r| r["passed"] == false).filter_map(|r| r["id"].as_str().map(str::to_owned)).collect()
}

#[test]
fn send_delivers_every_payload_in_input_order_to_listen() {
    let listener = Listener::start(&["--format", "ndjson", "--count", "10"]);
    let (stdout, _) = run(
        authhook().args(["send", "--to", &listener.url, "--concurrency", "4", "--format", "ndjson", "samples/"]),
        0,
    );
    let rows = parse_lines(&stdout);
    let ids: Vec<String> = rows.iter().filter_map(|r| r["id"].as_str().map(str::to_owned)).collect();
    let expected: Vec<String> = (1..=rows.len()).map(|i| i.to_string()).collect();
    assert_eq!(ids, expected, "in input order");
    assert_eq!(rows.len(), 10);
    let stopped = listener.wait();
    assert_eq!(parse_lines(&stopped.stdout).len(), 10);
}

#[test]
fn send_changes_fields_blanks_credentials_and_shows_what_it_breaks() {
    let receiver = TestReceiver::start(|_, _| JSON);
    let with_token = sample("spoof").replace(r#""token": """#, r#""token": "live-credential""#);
    let with_token = if with_token.contains("live-credential") {
        with_token
    } else {
        let mut value: Value = serde_json::from_str(&with_token).unwrap_or_default();
        value["token"] = "live-credential".into();
        value.to_string()
    };
    let args = ["--to", &receiver.url, "--set", "/overallStatus=\"fail\"", "--set", "/errorCode=4015"];
    let (stdout, _) = send(&args, &with_token, 0);
    assert!(stdout.contains("what was sent breaks: ") && stdout.contains("invalid-value"), "{stdout}");
    let sent: Value = serde_json::from_slice(&receiver.received()[0].body).unwrap_or_default();
    assert_eq!((sent["overallStatus"].as_str(), sent["errorCode"].as_i64()), (Some("fail"), Some(4015)));
    assert_eq!(sent["token"], "", "a captured credential is not sent");
    send(&["--to", &receiver.url, "--keep-secrets"], &with_token, 0);
    let kept: Value = serde_json::from_slice(&receiver.received()[1].body).unwrap_or_default();
    assert_eq!(kept["token"], "live-credential");
    send(&["--to", &receiver.url, "--set", "/nothing/here=1"], &with_token, 2);
}

#[test]
fn send_retries_on_the_vendors_schedule_until_acknowledged() {
    let receiver = TestReceiver::start(|number, _| if number < 3 { Behaviour::Answer(500, None) } else { JSON });
    let (stdout, _) = send(
        &["--to", &receiver.url, "--retries", "vendor", "--time-scale", "0.002", "--format", "ndjson"],
        &sample("spoof"),
        0,
    );
    let attempts = parse_lines(&stdout);
    assert_eq!(attempts.len(), 3, "nothing after the acknowledgement: {stdout}");
    let times: Vec<Instant> = receiver.received().iter().map(|r| r.at).collect();
    assert_eq!(times.len(), 3);
    // 30 s and 75 s, times 0.002: 60 ms and 150 ms.
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1].duration_since(w[0])).collect();
    assert!(gaps[0] >= Duration::from_millis(60) && gaps[0] < Duration::from_millis(1000), "{gaps:?}");
    assert!(gaps[1] >= Duration::from_millis(150) && gaps[1] < Duration::from_millis(1500), "{gaps:?}");
    let failing = TestReceiver::start(|_, _| Behaviour::Answer(500, None));
    let (stdout, _) = send(
        &["--to", &failing.url, "--retries", "vendor", "--time-scale", "0.0001", "--format", "ndjson"],
        &sample("spoof"),
        1,
    );
    assert_eq!(parse_lines(&stdout).len(), 6, "the first delivery and 5 retries");
}

#[test]
fn send_exit_statuses() {
    let plain = TestReceiver::start(|_, _| Behaviour::Answer(200, Some("text/plain")));
    let (stdout, _) = send(&["--to", &plain.url], &sample("pass"), 1);
    assert!(stdout.contains("the vendor would retry this: 200 with content type \"text/plain\""), "{stdout}");
    let probe_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let closed = format!("http://{}/webhook", probe_port.local_addr().unwrap_or_else(|e| panic!("{e}")));
    drop(probe_port);
    send(&["--to", &closed], &sample("pass"), 2);
    send(&["--to", "https://127.0.0.1:1/"], &sample("pass"), 2);
    send(&["--to", &plain.url], "{\"level\":\"info\"}", 2);
}

#[test]
fn send_authenticates_as_the_vendor_does() {
    let listener = Listener::start_with(&["--quiet", "--require-bearer", "env:HOOK_TOKEN"], &[("HOOK_TOKEN", "t0ken")]);
    let mut command = authhook();
    command.env("HOOK_TOKEN", "t0ken").args(["send", "--to", &listener.url, "--bearer", "env:HOOK_TOKEN"]);
    let (stdout, stderr) = run(command.write_stdin(sample("spoof")), 0);
    assert!(!stdout.contains("t0ken") && !stderr.contains("t0ken"));
    send(&["--to", &listener.url], &sample("spoof"), 1);
    listener.stop("TERM");

    let oauth = Listener::start(&["--quiet", "--oauth", "client:s3cret", "--format", "ndjson"]);
    let token_url = oauth.url.replace("/webhook", "/oauth/token");
    let payloads: String = (0..3).map(|_| sample("spoof").replace('\n', "") + "\n").collect();
    send(&["--to", &oauth.url, "--oauth", &token_url, "client:s3cret"], &payloads, 0);
    send(&["--to", &oauth.url, "--oauth", &token_url, "client:wrong"], &payloads, 2);
    oauth.stop("TERM");
}

#[test]
fn probe_passes_a_well_behaved_receiver() {
    let listener = Listener::start(&["--quiet"]);
    let rows = probe(&[&listener.url], 0);
    assert_eq!(rows.len(), 14, "every case without credentials");
    listener.stop("TERM");
    let guarded = Listener::start(&["--quiet", "--require-bearer", "t0k"]);
    let rows = probe(&["--bearer", "t0k", &guarded.url], 0);
    assert_eq!(rows.len(), 17);
    guarded.stop("TERM");
    let (stdout, _) = run(
        authhook().args(["probe", "--format", "junit", "--bearer", "t0k", "--case", "not-json", "http://127.0.0.1:1/"]),
        2,
    );
    assert!(roxmltree::Document::parse(&stdout).is_ok(), "{stdout}");
}

#[test]
fn probe_catches_each_misbehaviour_with_the_right_case() {
    let text_plain = TestReceiver::start(|_, _| Behaviour::Answer(200, Some("text/plain")));
    assert!(failed(&probe(&[&text_plain.url, "--case", "sample-spoof"], 1)) == ["sample-spoof"]);
    let created = TestReceiver::start(|_, _| Behaviour::Answer(201, Some("application/json")));
    assert!(failed(&probe(&[&created.url, "--case", "sample-pass"], 1)) == ["sample-pass"]);
    let broken = TestReceiver::start(|_, _| Behaviour::Answer(500, Some("application/json")));
    assert!(failed(&probe(&[&broken.url, "--case", "one-to-n"], 1)) == ["one-to-n"]);
    let slow = TestReceiver::start(|_, _| Behaviour::Slow(Duration::from_secs(2)));
    assert!(
        failed(&probe(&[&slow.url, "--case", "onboarding-status", "--timeout", "300ms"], 1)) == ["onboarding-status"]
    );
    let choking = TestReceiver::start(|_, received| {
        if serde_json::from_slice::<Value>(&received.body).is_ok() { JSON } else { Behaviour::Reset }
    });
    assert_eq!(failed(&probe(&[&choking.url, "--case", "not-json", "--case", "sample-pass"], 1)), ["not-json"]);
    let lax = TestReceiver::start(|_, _| JSON);
    let rows = probe(
        &[
            &lax.url,
            "--bearer",
            "t",
            "--case",
            "credential-missing",
            "--case",
            "credential-wrong",
            "--case",
            "credential-right",
        ],
        1,
    );
    assert_eq!(failed(&rows), ["credential-missing", "credential-wrong"]);
    // A receiver that answers a retry differently from the first delivery.
    let seen = Arc::new(Mutex::new(std::collections::HashSet::new()));
    let picky = TestReceiver::start(move |_, received| {
        let id = serde_json::from_slice::<Value>(&received.body)
            .ok()
            .and_then(|v| v["transactionId"].as_str().map(str::to_owned));
        let again = id.is_some_and(|id| !seen.lock().map(|mut s| s.insert(id)).unwrap_or(true));
        if again { Behaviour::Answer(409, Some("application/json")) } else { JSON }
    });
    let rows = probe(&[&picky.url, "--case", "retry-duplicate", "--case", "sample-lenses"], 1);
    assert_eq!(failed(&rows), ["retry-duplicate"]);
}

#[test]
fn send_refuses_what_would_send_something_else_than_asked() {
    let receiver = TestReceiver::start(|_, _| JSON);
    for args in [
        vec!["--rate", "1e-20"],
        vec!["--bearer", "line\nbreak"],
        vec!["--header", "Content-Length: 5"],
        vec!["--set", "=null"],
    ] {
        let mut all = vec!["--to", receiver.url.as_str()];
        all.extend(args.iter().copied());
        send(&all, &sample("pass"), 2);
    }
    let with_password = receiver.url.replace("http://", "http://user:pa55word@");
    let (stdout, stderr) = send(&["--to", &with_password], &sample("pass"), 2);
    assert!(!stdout.contains("pa55word") && !stderr.contains("pa55word"), "{stderr}");
    assert!(receiver.received().is_empty(), "nothing was sent");
}

#[test]
fn send_blanks_every_form_of_a_captured_credential() {
    let receiver = TestReceiver::start(|_, _| JSON);
    let mut payload: Value = serde_json::from_str(&sample("spoof")).unwrap_or_default();
    payload["token"] = serde_json::json!({ "jwt": "SECRET-IN-OBJECT" });
    payload["interviewToken"] = "SECRET-QUOTED".into();
    payload["errorMessage"] = "interview SECRET-QUOTED refused".into();
    send(&["--to", &receiver.url], &payload.to_string(), 0);
    let sent = String::from_utf8_lossy(&receiver.received()[0].body).into_owned();
    assert!(!sent.contains("SECRET"), "{sent}");
}
