//! `authhook listen` end to end: the built binary serves on 127.0.0.1 (port 0, its address read
//! from standard error), real HTTP requests go to it over loopback, and the tests assert the
//! results it prints, the answers it gives, what it records and its exit status. Every child is
//! ended by the test (SIGTERM, or SIGKILL past a deadline), every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{TODAY, authhook, parse_lines, run, tempdir};

/// How long a listener may take to start, and then to stop once told.
const DEADLINE: Duration = Duration::from_secs(30);

const SPOOF: &str = r#"{"customerId":"67460a9995516d9a553aa95b","transactionId":"67460a9995516d9a553aa95c","faceMatch":false,"spoofAttempt":true,"recognitionConfidence":{"confidence":0.1},"overallScore":0.1,"overallStatus":"FAIL","errorCode":4005,"error":"Spoof attempt detected","errorMessage":"Spoof attempt detected. Spoof confidence 1.0","spoofConfidence":1.0,"token":"","interviewToken":""}"#;

/// A running `authhook listen`, killed if the test forgets it.
pub struct Listener {
    child: Child,
    pub url: String,
    stderr: mpsc::Receiver<String>,
    /// What standard error said up to the address.
    started: Vec<String>,
    stdout: std::thread::JoinHandle<String>,
}

/// What a listener printed and how it ended.
pub struct Stopped {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Listener {
    /// Starts `authhook listen --port 0 ARGS...` (no `--port 0` when ARGS name a port) and waits
    /// for its address.
    pub fn start(args: &[&str]) -> Listener {
        Listener::start_with(args, &[])
    }

    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> Listener {
        let mut command = Command::new(env!("CARGO_BIN_EXE_authhook"));
        let port: &[&str] = if args.contains(&"--port") { &[] } else { &["--port", "0"] };
        command
            .args(["listen", "--color", "never"])
            .args(port)
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("AUTHHOOK_TODAY", TODAY)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().unwrap_or_else(|e| panic!("authhook listen starts: {e}"));
        let (lines, stderr) = mpsc::channel();
        let err = child.stderr.take().unwrap_or_else(|| panic!("stderr is piped"));
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut out = child.stdout.take().unwrap_or_else(|| panic!("stdout is piped"));
        let stdout = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = out.read_to_string(&mut text);
            text
        });
        let mut listener = Listener { child, url: String::new(), stderr, started: Vec::new(), stdout };
        let started = Instant::now();
        while listener.url.is_empty() {
            let left = DEADLINE.saturating_sub(started.elapsed());
            match listener.stderr.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = line.strip_prefix("listening on ") {
                        listener.url = url.to_owned();
                    }
                    listener.started.push(line);
                }
                Err(_) => panic!("authhook listen printed no address within {DEADLINE:?}"),
            }
        }
        listener
    }

    /// host:port of the listener.
    pub fn authority(&self) -> String {
        self.url.trim_start_matches("http://").split('/').next().unwrap_or_default().to_owned()
    }

    /// Sends `signal` (TERM, INT, KILL) and waits for the exit.
    pub fn stop(self, signal: &str) -> Stopped {
        let _ = Command::new("kill").args([&format!("-{signal}"), &self.child.id().to_string()]).status();
        self.wait()
    }

    /// Waits for the listener to stop by itself (`--count`, `--timeout`).
    pub fn wait(mut self) -> Stopped {
        let started = Instant::now();
        let code = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status.code(),
                _ if started.elapsed() > DEADLINE => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    panic!("authhook listen did not stop within {DEADLINE:?}");
                }
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        };
        let stdout = std::mem::replace(&mut self.stdout, std::thread::spawn(String::new));
        let stdout = stdout.join().unwrap_or_default();
        let stderr: Vec<String> = std::mem::take(&mut self.started).into_iter().chain(self.stderr.try_iter()).collect();
        Stopped { code, stdout, stderr: stderr.join("\n") }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// An HTTP client that reports every status as it is, with a time limit.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// What a request got back.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: String,
}

/// POSTs `body` to `url` with these headers.
pub fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut request = agent().post(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.send(body).unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = response.body_mut().read_to_string().unwrap_or_default();
    Answer { status: response.status().as_u16(), content_type, body }
}

fn post_json(url: &str, body: &str) -> Answer {
    post(url, &[("Content-Type", "application/json")], body.as_bytes())
}

fn sample(name: &str) -> String {
    run(authhook().args(["sample", name]), 0).0
}

/// The rule ids of a result's findings.
fn rules(result: &Value) -> Vec<String> {
    result["findings"].as_array().into_iter().flatten().filter_map(|f| f["rule"].as_str().map(str::to_owned)).collect()
}

#[test]
fn each_delivery_is_judged_answered_and_counted() {
    let listener = Listener::start(&["--format", "ndjson", "--count", "2"]);
    for body in [sample("pass"), SPOOF.to_owned()] {
        let answer = post_json(&listener.url, &body);
        assert_eq!((answer.status, answer.content_type.as_deref()), (200, Some("application/json")));
        assert_eq!(answer.body, r#"{"success":true}"#);
    }
    let stopped = listener.wait();
    assert_eq!(stopped.code, Some(0), "{}", stopped.stderr);
    let results = parse_lines(&stopped.stdout);
    let statuses: Vec<&str> = results.iter().filter_map(|r| r["status"].as_str()).collect();
    assert_eq!(statuses, ["PASS", "FAIL"]);
    for result in &results {
        let source = result["source"]["path"].as_str().unwrap_or_default();
        assert!(source.starts_with("POST /webhook from 127.0.0.1:"), "{source}");
        assert!(result["capturedAt"].as_str().is_some_and(|t| t.ends_with('Z')), "{result}");
    }
}

#[test]
fn the_exit_status_is_checks() {
    let invalid = Listener::start(&["--count", "1", "--format", "ndjson"]);
    post_json(&invalid.url, r#"{"overallStatus":"pass","faceMatch":true}"#);
    assert_eq!(invalid.wait().code, Some(1));

    let idle = Listener::start(&["--timeout", "300ms"]);
    let stopped = idle.wait();
    assert_eq!(stopped.code, Some(2));
    assert!(stopped.stderr.contains("no authentication payload arrived"), "{}", stopped.stderr);

    let expecting = Listener::start(&["--count", "1", "--expect", "fail", "--expect-code", "4005", "--quiet"]);
    post_json(&expecting.url, SPOOF);
    let stopped = expecting.wait();
    assert_eq!(stopped.code, Some(0), "{}", stopped.stdout);
    assert!(stopped.stdout.contains("1 result: 0 PASS, 1 FAIL"), "{}", stopped.stdout);
}

#[test]
fn a_signal_stops_it_with_the_summary_and_notice() {
    let listener = Listener::start(&[]);
    post_json(&listener.url, SPOOF);
    let stopped = listener.stop("TERM");
    assert_eq!(stopped.code, Some(0));
    assert!(stopped.stdout.contains("FAIL"), "{}", stopped.stdout);
    assert!(stopped.stdout.contains("1 result: 0 PASS, 1 FAIL"), "{}", stopped.stdout);
    assert!(stopped.stdout.contains("End of Life"), "{}", stopped.stdout);
    let interrupted = Listener::start(&[]);
    post_json(&interrupted.url, SPOOF);
    assert_eq!(interrupted.stop("INT").code, Some(0));
}

#[test]
fn a_record_reads_back_to_the_same_results_without_credentials() {
    let dir = tempdir();
    let record = dir.path().join("deliveries.ndjson");
    let record_arg = record.to_string_lossy().into_owned();
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2VjcmV0";
    let with_token = SPOOF.replace(r#""token":"""#, &format!(r#""token":"{token}""#));
    let listener = Listener::start_with(
        &["--format", "ndjson", "--record", &record_arg, "--require-bearer", "env:HOOK_TOKEN"],
        &[("HOOK_TOKEN", "bearer-secret-value")],
    );
    let auth = [("Content-Type", "application/json"), ("Authorization", "Bearer bearer-secret-value")];
    let bodies = [sample("pass"), with_token, "{\"overallStatus\": \"PASS\",".to_owned(), sample("lenses")];
    for body in &bodies {
        assert_eq!(post(&listener.url, &auth, body.as_bytes()).status, 200);
    }
    let stopped = listener.stop("TERM");
    let text = std::fs::read_to_string(&record).unwrap_or_default();
    for secret in [token, "bearer-secret-value"] {
        assert!(!text.contains(secret), "the record holds a credential");
        assert!(!stopped.stdout.contains(secret) && !stopped.stderr.contains(secret), "output holds a credential");
    }
    let lines = parse_lines(&text);
    assert_eq!(lines.len(), bodies.len());
    assert_eq!(lines[0]["headers"]["authorization"], "<removed>");
    assert_eq!(lines[0]["method"], "POST");
    let (read_back, _) = run(authhook().args(["check", "--format", "ndjson", &record_arg]), 1);
    let summary = |results: &[Value]| -> Vec<(Value, Vec<String>, Vec<String>)> {
        results
            .iter()
            .map(|r| {
                let reasons = r["reasons"].as_array().into_iter().flatten().map(|x| x["code"].to_string()).collect();
                (r["status"].clone(), reasons, rules(r))
            })
            .collect()
    };
    assert_eq!(summary(&parse_lines(&read_back)), summary(&parse_lines(&stopped.stdout)));
}

#[test]
fn an_acknowledged_delivery_survives_sigkill() {
    let dir = tempdir();
    let record = dir.path().join("deliveries.ndjson");
    let listener = Listener::start(&["--record", &record.to_string_lossy(), "--fsync", "--quiet"]);
    let sent = 25;
    for i in 0..sent {
        let body = SPOOF.replace("67460a9995516d9a553aa95c", &format!("{i:024x}"));
        assert_eq!(post_json(&listener.url, &body).status, 200);
    }
    let stopped = listener.stop("KILL");
    assert_eq!(stopped.code, None, "killed by a signal");
    let text = std::fs::read_to_string(&record).unwrap_or_default();
    assert_eq!(parse_lines(&text).len(), sent, "every acknowledged delivery is in the record");
}

#[test]
fn answers_simulate_other_receivers() {
    let listener = Listener::start(&["--respond", "204", "--respond-invalid", "400", "--delay", "200ms", "--quiet"]);
    let started = Instant::now();
    let answer = post_json(&listener.url, SPOOF);
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!((answer.status, answer.body.as_str()), (204, ""));
    assert_eq!(post_json(&listener.url, "{\"overallStatus\":\"nope\"}").status, 400);
    listener.stop("TERM");
    let failing = Listener::start(&["--respond", "503", "--quiet"]);
    let answer = post_json(&failing.url, SPOOF);
    assert_eq!((answer.status, answer.body.as_str()), (503, r#"{"success":false}"#));
    failing.stop("TERM");
}

#[test]
fn headers_count_in_the_verdict_and_bodies_arrive_in_any_framing() {
    let listener = Listener::start(&["--format", "ndjson"]);
    let plain = post(&listener.url, &[("Content-Type", "text/plain")], SPOOF.as_bytes());
    assert_eq!(plain.status, 200);
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = gzip.write_all(SPOOF.as_bytes());
    let compressed = gzip.finish().unwrap_or_default();
    let headers = [("Content-Type", "application/json; charset=utf-8"), ("Content-Encoding", "gzip")];
    assert_eq!(post(&listener.url, &headers, &compressed).status, 200);
    // Chunked: written by hand, since the body's framing is the point.
    let chunked = format!(
        "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{SPOOF}\r\n0\r\n\r\n",
        SPOOF.len()
    );
    assert!(raw_exchange(&listener.authority(), chunked.as_bytes()).starts_with("HTTP/1.1 200"));
    let stopped = listener.stop("TERM");
    let results = parse_lines(&stopped.stdout);
    assert_eq!(results.len(), 3, "{}", stopped.stdout);
    assert_eq!(rules(&results[0]), ["content-type"]);
    assert!(results.iter().all(|r| r["status"] == "FAIL"));
    // The same transaction three times: the second and third are retries.
    assert_eq!([rules(&results[1]), rules(&results[2])], [["duplicate-delivery"], ["duplicate-delivery"]]);
}

/// Sends `request` on a new connection and returns what comes back until the server closes
/// it or 10 s pass.
fn raw_exchange(authority: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(authority).unwrap_or_else(|e| panic!("connect {authority}: {e}"));
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn hostile_clients_get_answers_and_the_listener_goes_on() {
    let listener = Listener::start(&["--format", "ndjson", "--max-payload-bytes", "4096", "--request-timeout", "1s"]);
    let authority = listener.authority();
    // Declared too large: refused before it is read.
    let huge =
        "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{";
    assert!(raw_exchange(&authority, huge.as_bytes()).starts_with("HTTP/1.1 413"));
    // Declared too large and sent whole, the rest after a pause: read to its end before the
    // answer, so that the sender's writes succeed and it gets the answer (closing on unread bytes
    // would reset the connection, and a sender that fails on a failed write would lose it).
    let sent = format!(
        "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
        1 << 20,
        "x".repeat(1 << 20)
    );
    let (head, rest) = sent.as_bytes().split_at(1 << 16);
    for _ in 0..3 {
        let mut stream = TcpStream::connect(&authority).unwrap_or_else(|e| panic!("connect {authority}: {e}"));
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let written = stream.write_all(head).and_then(|()| {
            std::thread::sleep(Duration::from_millis(200));
            stream.write_all(rest)
        });
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(written.is_ok() && answer.starts_with("HTTP/1.1 413"), "{written:?} {answer:?}");
    }
    // Too large as it arrives (chunked, no length declared).
    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(10_000));
    let chunked = format!(
        "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{big}\r\n0\r\n\r\n",
        big.len()
    );
    assert!(raw_exchange(&authority, chunked.as_bytes()).starts_with("HTTP/1.1 413"));
    // Headers too large.
    let headers = format!("POST /webhook HTTP/1.1\r\nHost: x\r\nX-Pad: {}\r\n\r\n", "y".repeat(200_000));
    assert!(raw_exchange(&authority, headers.as_bytes()).starts_with("HTTP/1.1 431"));
    // A client that never finishes its headers, then one that never finishes its body, are cut off.
    for partial in
        ["POST /webhook HTTP/1.1\r\nHost: x\r\n", "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{"]
    {
        let started = Instant::now();
        let _ = raw_exchange(&authority, partial.as_bytes());
        assert!(started.elapsed() < Duration::from_secs(8), "a slow client was not cut off: {partial:?}");
    }
    // Wrong method, wrong path, broken JSON.
    assert_eq!(agent().get(&listener.url).call().map(|r| r.status().as_u16()).ok(), Some(405));
    assert_eq!(post_json(&listener.url.replace("/webhook", "/other"), SPOOF).status, 404);
    assert_eq!(post_json(&listener.url, "{\"overallStatus\": \"FAIL\",").status, 200);
    assert_eq!(post_json(&listener.url, "").status, 200);
    // Still serving.
    assert_eq!(post_json(&listener.url, SPOOF).status, 200);
    let stopped = listener.stop("TERM");
    assert_eq!(stopped.code, Some(1));
    let rules: Vec<Vec<String>> = parse_lines(&stopped.stdout).iter().map(rules).collect();
    assert_eq!(
        rules,
        [vec![vec!["too-large"]; 5], vec![vec!["syntax"], vec!["syntax"], vec![]]].concat(),
        "{}",
        stopped.stdout
    );
}

#[test]
fn connections_beyond_the_cap_wait_their_turn() {
    let listener = Listener::start(&["--max-connections", "1", "--quiet"]);
    let authority = listener.authority();
    let held = TcpStream::connect(&authority).unwrap_or_else(|e| panic!("connect: {e}"));
    let waiting = std::thread::spawn({
        let url = listener.url.clone();
        move || {
            let started = Instant::now();
            (post_json(&url, SPOOF).status, started.elapsed())
        }
    });
    std::thread::sleep(Duration::from_millis(500));
    drop(held);
    let (status, waited) = waiting.join().unwrap_or((0, Duration::ZERO));
    assert_eq!(status, 200);
    assert!(waited >= Duration::from_millis(400), "served while the cap was reached ({waited:?})");
    listener.stop("TERM");
}

#[test]
fn credentials_are_required_and_never_shown() {
    let listener = Listener::start_with(
        &["--format", "ndjson", "--require-header", "X-Hook-Key: env:HOOK_KEY"],
        &[("HOOK_KEY", "k3y-value")],
    );
    let missing = post_json(&listener.url, SPOOF);
    let wrong = post(&listener.url, &[("Content-Type", "application/json"), ("X-Hook-Key", "nope")], SPOOF.as_bytes());
    let right =
        post(&listener.url, &[("Content-Type", "application/json"), ("X-Hook-Key", "k3y-value")], SPOOF.as_bytes());
    assert_eq!((missing.status, wrong.status, right.status), (401, 401, 200));
    let stopped = listener.stop("TERM");
    assert_eq!(stopped.code, Some(1), "a refused delivery is invalid");
    assert!(!stopped.stdout.contains("k3y-value") && !stopped.stderr.contains("k3y-value"));
    let results = parse_lines(&stopped.stdout);
    let problems: Vec<Value> = results
        .iter()
        .map(|r| {
            r["findings"].as_array().and_then(|f| f.first()).map_or(Value::Null, |f| f["details"]["problem"].clone())
        })
        .collect();
    assert_eq!(problems, [Value::from("missing"), Value::from("wrong"), Value::Null]);
}

#[test]
fn the_oauth_exchange_issues_the_tokens_deliveries_need() {
    let listener = Listener::start(&["--quiet", "--oauth", "client-id:client-secret"]);
    let token_url = listener.url.replace("/webhook", "/oauth/token");
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let basic = |credentials: &str| {
        use base64::Engine as _;
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(credentials))
    };
    let refused =
        post(&token_url, &[form[0], ("Authorization", &basic("client-id:wrong"))], b"grant_type=client_credentials");
    assert_eq!(refused.status, 401);
    let granted = post(
        &token_url,
        &[form[0], ("Authorization", &basic("client-id:client-secret"))],
        b"grant_type=client_credentials",
    );
    assert_eq!(granted.status, 200, "{}", granted.body);
    let grant: Value = serde_json::from_str(&granted.body).unwrap_or_default();
    let token = grant["access_token"].as_str().unwrap_or_default().to_owned();
    assert!(token.len() >= 32 && grant["expires_in"].as_u64() > Some(0), "{grant}");
    let bearer = format!("Bearer {token}");
    let json = ("Content-Type", "application/json");
    assert_eq!(post(&listener.url, &[json, ("Authorization", &bearer)], SPOOF.as_bytes()).status, 200);
    assert_eq!(post(&listener.url, &[json, ("Authorization", "Bearer made-up")], SPOOF.as_bytes()).status, 401);
    assert_eq!(post_json(&listener.url, SPOOF).status, 401);
    let stopped = listener.stop("TERM");
    assert!(!stopped.stdout.contains(&token) && !stopped.stderr.contains(&token));
    assert!(!stopped.stdout.contains("client-secret") && !stopped.stderr.contains("client-secret"));
}

#[test]
fn forwarding_relays_the_answer_and_judges_it() {
    let upstream = Listener::start(&["--quiet", "--path", "/hooks"]);
    let upstream_url = upstream.url.clone();
    let failing = Listener::start(&["--quiet", "--respond", "503", "--path", "/hooks"]);
    let dir = tempdir();
    let record = dir.path().join("deliveries.ndjson");
    let relay = Listener::start(&["--format", "ndjson", "--forward-to", &upstream_url]);
    let answer = post_json(&relay.url, SPOOF);
    assert_eq!((answer.status, answer.body.as_str()), (200, r#"{"success":true}"#));
    let stopped = relay.stop("TERM");
    assert!(
        stopped.stderr.contains("200 application/json") && stopped.stderr.contains("acknowledged"),
        "{}",
        stopped.stderr
    );
    assert!(rules(&parse_lines(&stopped.stdout)[0]).is_empty());

    let relay = Listener::start(&["--format", "ndjson", "--forward-to", &failing.url]);
    assert_eq!(post_json(&relay.url, SPOOF).status, 503);
    let stopped = relay.stop("TERM");
    assert!(stopped.stderr.contains("the vendor would retry this"), "{}", stopped.stderr);
    assert_eq!(rules(&parse_lines(&stopped.stdout)[0]), ["would-retry"]);

    // Down: nothing listens on the upstream's port once it has stopped.
    let down = failing.url.clone();
    failing.stop("TERM");
    let relay = Listener::start(&["--format", "ndjson", "--forward-to", &down, "--record", &record.to_string_lossy()]);
    assert_eq!(post_json(&relay.url, SPOOF).status, 502);
    let stopped = relay.stop("TERM");
    assert!(stopped.stderr.contains("could not reach"), "{}", stopped.stderr);
    assert_eq!(rules(&parse_lines(&stopped.stdout)[0]), ["would-retry"]);
    assert_eq!(parse_lines(&std::fs::read_to_string(&record).unwrap_or_default()).len(), 1, "still recorded");
    upstream.stop("TERM");
}

#[test]
fn a_report_format_is_written_when_it_stops() {
    let dir = tempdir();
    let report = dir.path().join("report.json");
    let listener = Listener::start(&["--format", "json", "-o", &report.to_string_lossy()]);
    post_json(&listener.url, SPOOF);
    let stopped = listener.stop("TERM");
    assert!(stopped.stdout.starts_with("1 result: 0 PASS, 1 FAIL"), "{}", stopped.stdout);
    let document: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap_or_default()).unwrap_or_default();
    assert_eq!(document["summary"]["fail"], 1);
}

#[test]
fn an_exposed_address_is_warned_about_and_bad_settings_are_refused() {
    let exposed = Listener::start(&["--bind", "0.0.0.0", "--quiet"]);
    let stopped = exposed.stop("TERM");
    assert!(stopped.stderr.contains("reachable from other machines"), "{}", stopped.stderr);
    for args in [
        vec!["--require-bearer", "env:AUTHHOOK_UNSET_VARIABLE"],
        vec!["--forward-to", "https://127.0.0.1:1/"],
        vec!["--respond", "99"],
        vec!["--path", "/a?b"],
    ] {
        let (_, stderr) = run(authhook().args(["listen", "--port", "0", "--timeout", "5s"]).args(&args), 2);
        assert!(stderr.starts_with("authhook: ") || stderr.contains("error:"), "{args:?}: {stderr}");
        assert!(!stderr.contains("listening on"), "{args:?}: {stderr}");
    }
}

#[test]
fn credentials_in_odd_places_stay_out_of_output_and_record() {
    let dir = tempdir();
    let record = dir.path().join("deliveries.ndjson");
    let listener = Listener::start(&["--format", "ndjson", "--record", &record.to_string_lossy(), "--lenient"]);
    let inner = SPOOF.replace(r#""token":"""#, r#""token":"SECRET-ONE""#);
    let wrapped = serde_json::json!({ "body": inner }).to_string();
    let commented = SPOOF.replace(r#""token":"""#, r#""token":"SECRET-TWO" /* c */"#);
    let broken = SPOOF.replace(r#""token":"""#, r#""token":"SECRET-THREE\q"#);
    let object = SPOOF.replace(r#""token":"""#, r#""token":{"value":"SECRET-FOUR"}"#);
    for body in [&wrapped, &commented, &broken, &object] {
        post_json(&listener.url, body);
    }
    let url = format!("{}?access_token=SECRET-FIVE&x=1", listener.url);
    post(&url, &[("Content-Type", "application/json"), ("X-Api-Key", "SECRET-SIX")], SPOOF.as_bytes());
    let stopped = listener.stop("TERM");
    let text = std::fs::read_to_string(&record).unwrap_or_default();
    assert_eq!(parse_lines(&text).len(), 5);
    for place in [&text, &stopped.stdout, &stopped.stderr] {
        assert!(!place.contains("SECRET-"), "a credential shows:\n{place}");
    }
}

#[test]
fn what_check_cannot_read_back_is_recorded_as_it_came() {
    let dir = tempdir();
    let record = dir.path().join("deliveries.ndjson");
    let listener = Listener::start(&["--quiet", "--record", &record.to_string_lossy(), "--require-bearer", "right"]);
    let invalid_utf8 = SPOOF.replace("67460a99", "6746\u{1}").into_bytes();
    let invalid_utf8: Vec<u8> = invalid_utf8.into_iter().map(|b| if b == 1 { 0xC3 } else { b }).collect();
    let headers = [("Content-Type", "application/json"), ("Authorization", "Bearer right")];
    assert_eq!(post(&listener.url, &headers, &invalid_utf8).status, 200);
    assert_eq!(post_json(&listener.url, SPOOF).status, 401);
    listener.stop("TERM");
    let lines = parse_lines(&std::fs::read_to_string(&record).unwrap_or_default());
    use base64::Engine as _;
    let kept = base64::engine::general_purpose::STANDARD.decode(lines[0]["bodyBase64"].as_str().unwrap_or_default());
    assert_eq!(kept.ok(), Some(invalid_utf8), "the bytes as they came");
    assert_eq!(lines[1]["refused"], "missing");
}

#[test]
fn a_signal_lets_a_slow_answer_finish() {
    let listener = Listener::start(&["--delay", "2s", "--quiet"]);
    let url = listener.url.clone();
    let waiting = std::thread::spawn(move || post_json(&url, SPOOF).status);
    std::thread::sleep(Duration::from_millis(500));
    let stopped = listener.stop("TERM");
    assert_eq!(waiting.join().ok(), Some(200), "the delivery in flight was answered");
    assert_eq!(stopped.code, Some(0));
    assert!(stopped.stdout.contains("1 result: 0 PASS, 1 FAIL"), "{}", stopped.stdout);
}

#[test]
fn count_stops_at_exactly_that_many_under_concurrency() {
    let listener = Listener::start(&["--count", "5", "--format", "ndjson"]);
    let senders: Vec<_> = (0..40)
        .map(|i| {
            let url = listener.url.clone();
            std::thread::spawn(move || {
                let body = SPOOF.replace("67460a9995516d9a553aa95c", &format!("{i:024x}"));
                let mut request = agent().post(&url).header("Content-Type", "application/json");
                request = request.header("Connection", "close");
                request.send(body.as_bytes()).map(|r| r.status().as_u16()).unwrap_or(0)
            })
        })
        .collect();
    let statuses: Vec<u16> = senders.into_iter().map(|s| s.join().unwrap_or(0)).collect();
    let stopped = listener.wait();
    assert_eq!(stopped.code, Some(0));
    assert_eq!(parse_lines(&stopped.stdout).len(), 5, "{}", stopped.stdout);
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 5, "{statuses:?}");
}

#[test]
fn a_relay_back_to_itself_is_refused_and_a_record_that_fails_is_told() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("a free port: {e}"));
    let port = probe.local_addr().map(|a| a.port()).unwrap_or_default().to_string();
    drop(probe);
    let own = format!("http://127.0.0.1:{port}/webhook");
    let looping = Listener::start(&["--port", &port, "--forward-to", &own, "--quiet"]);
    assert_eq!(post_json(&looping.url, SPOOF).status, 508);
    looping.stop("TERM");
    let full = Listener::start(&["--record", "/dev/full", "--quiet"]);
    assert_eq!(post_json(&full.url, SPOOF).status, 503);
    let stopped = full.stop("TERM");
    assert_eq!(stopped.code, Some(2), "{}", stopped.stderr);
    assert!(stopped.stderr.contains("cannot record"), "{}", stopped.stderr);
}
