//! Load benchmark of `authhook listen`, the HTTP receiver, against a bare hyper server on the same
//! stack (hyper's HTTP/1.1 server on tokio, answering 200 `{"success":true}` and nothing else).
//!
//! The release binary runs as `authhook listen --port 0 --format ndjson --record FILE`, its report
//! going to a temporary file; this process is the load generator (hyper's HTTP/1.1 client) and
//! hosts the bare server. Every request POSTs one of the five samples of `samples/` that have a
//! transactionId, as published, with a transactionId of its own, so that every delivery is a
//! distinct one.
//!
//! * throughput: `LISTEN_BENCH_REQUESTS` requests over `LISTEN_BENCH_CONNECTIONS` keep-alive
//!   connections as fast as they are answered, against the bare server and the listener in turn,
//!   `LISTEN_BENCH_ROUNDS` times: deliveries/s of each and their ratio, and the CPU time each
//!   server spent per delivery (the listener's from /proc/PID/stat, the bare server's from its
//!   named threads), which other work on the machine skews less than deliveries/s;
//! * latency: `LISTEN_BENCH_RATE` requests/s for `LISTEN_BENCH_SECONDS` against the listener,
//!   sent on schedule whatever the answers: p50, p99, p99.9 and the maximum;
//! * memory: the listener's peak RSS (VmHWM) once started, with `LISTEN_BENCH_IDLE_CONNECTIONS`
//!   keep-alive connections open (measured first, on the fresh process), and after the
//!   throughput rounds.
//!
//! Every answer must be 200 `{"success":true}`, and the record must hold one line per delivery
//! answered; the bench exits with 1 otherwise. Only 127.0.0.1 is ever a target, and everything
//! stops at a deadline (`LISTEN_BENCH_DEADLINE`, 120 s by default).
//!
//! Run it with `benches/listen.sh`, which builds the release binary first; the binary is
//! `AUTHHOOK_BIN`, else the one cargo built for this bench, else `target/release/authhook`.
//! Under `cargo test --benches` (no `--bench` argument) it only checks its own client against the
//! bare server.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::{self as client, SendRequest};
use hyper::http::{HeaderValue, Method, Request, Response, StatusCode, Uri, header};
use hyper::server::conn::http1 as server;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// What both servers answer.
const SUCCESS: &[u8] = br#"{"success":true}"#;

/// The vendor's samples that carry a transactionId (two of the seven have none), as published,
/// pretty-printed.
const SAMPLES: [&str; 5] = [
    include_str!("../samples/pass.json"),
    include_str!("../samples/spoof.json"),
    include_str!("../samples/not-recognized.json"),
    include_str!("../samples/lenses.json"),
    include_str!("../samples/face-mask.json"),
];

/// The name of the bare server's threads, whose CPU time is told apart from the load's.
const BARE_THREAD: &str = "bare-server";

/// The targets the project aims for.
const TARGET_RATE: f64 = 20_000.0;
const TARGET_RATIO: f64 = 0.40;
const TARGET_P99: Duration = Duration::from_millis(5);
const TARGET_MIB: f64 = 64.0;

/// Waits for every load task until 5 s past `deadline`, handing each one's output to `merge`;
/// says whether some never finished (their tasks are dropped with the set).
async fn join_all<T: Send + 'static>(workers: &mut JoinSet<T>, deadline: Instant, mut merge: impl FnMut(T)) -> bool {
    let limit = tokio::time::Instant::from_std(deadline + Duration::from_secs(5));
    loop {
        match tokio::time::timeout_at(limit, workers.join_next()).await {
            Ok(Some(Ok(output))) => merge(output),
            Ok(Some(Err(error))) => panic!("a load task failed: {error}"),
            Ok(None) => return false,
            Err(_) => return true,
        }
    }
}

/// Time kept, out of the deadline, for the latency run and the listener's shutdown.
const RESERVE: Duration = Duration::from_secs(15);

/// How long the listener is given to start, and to stop after SIGTERM.
const START_LIMIT: Duration = Duration::from_secs(10);
const STOP_LIMIT: Duration = Duration::from_secs(10);

/// The knobs, from the environment.
#[derive(Debug, Clone)]
struct Settings {
    requests: u64,
    connections: usize,
    rounds: usize,
    warmup: u64,
    rate: u64,
    seconds: u64,
    idle_connections: usize,
    deadline: Duration,
    client_threads: usize,
}

impl Settings {
    fn from_env(cpus: usize) -> Self {
        Settings {
            requests: env_number("LISTEN_BENCH_REQUESTS", 100_000),
            connections: env_number("LISTEN_BENCH_CONNECTIONS", 64),
            rounds: env_number("LISTEN_BENCH_ROUNDS", 3),
            warmup: env_number("LISTEN_BENCH_WARMUP", 2_000),
            rate: env_number("LISTEN_BENCH_RATE", 2_000),
            seconds: env_number("LISTEN_BENCH_SECONDS", 5),
            idle_connections: env_number("LISTEN_BENCH_IDLE_CONNECTIONS", 1_000),
            deadline: Duration::from_secs(env_number("LISTEN_BENCH_DEADLINE", 120)),
            client_threads: env_number("LISTEN_BENCH_CLIENT_THREADS", cpus),
        }
    }

    /// The settings as environment assignments, for the command line printed.
    fn as_env(&self) -> String {
        format!(
            "LISTEN_BENCH_REQUESTS={} LISTEN_BENCH_CONNECTIONS={} LISTEN_BENCH_ROUNDS={} LISTEN_BENCH_WARMUP={} \
             LISTEN_BENCH_RATE={} LISTEN_BENCH_SECONDS={} LISTEN_BENCH_IDLE_CONNECTIONS={} LISTEN_BENCH_DEADLINE={} \
             LISTEN_BENCH_CLIENT_THREADS={}",
            self.requests,
            self.connections,
            self.rounds,
            self.warmup,
            self.rate,
            self.seconds,
            self.idle_connections,
            self.deadline.as_secs(),
            self.client_threads
        )
    }
}

/// A positive number from `name`, or `default` when it is not set.
fn env_number<T: std::str::FromStr + PartialOrd + From<u8>>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Err(_) => default,
        Ok(text) => match text.trim().parse::<T>() {
            Ok(value) if value >= T::from(1) => value,
            _ => panic!("{name} must be a positive integer, got {text:?}"),
        },
    }
}

/// Request bodies: the samples in turn, each with a transactionId never sent before.
struct Payloads {
    /// Each sample split around its transactionId's value.
    parts: Vec<(String, String)>,
    next: AtomicU64,
}

impl Payloads {
    fn new() -> Self {
        const KEY: &str = r#""transactionId": ""#;
        let parts = SAMPLES
            .iter()
            .map(|sample| {
                let start = sample.find(KEY).map(|at| at + KEY.len()).unwrap_or_else(|| {
                    panic!("a sample in samples/ has no transactionId: {sample}");
                });
                let end = sample[start..].find('"').map(|at| start + at).unwrap_or_else(|| {
                    panic!("a sample in samples/ has an unterminated transactionId: {sample}");
                });
                (sample[..start].to_owned(), sample[end..].to_owned())
            })
            .collect();
        Payloads { parts, next: AtomicU64::new(0) }
    }

    fn next(&self) -> Bytes {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let (before, after) = &self.parts[(n % self.parts.len() as u64) as usize];
        // 24 hexadecimal digits, as the vendor's ids.
        Bytes::from(format!("{before}b3c4{n:020x}{after}"))
    }

    /// The mean body size, in bytes.
    fn mean_bytes(&self) -> usize {
        let total: usize = self.parts.iter().map(|(before, after)| before.len() + 24 + after.len()).sum();
        total / self.parts.len()
    }
}

/// A server the load is sent to.
#[derive(Clone)]
struct Target {
    name: &'static str,
    address: SocketAddr,
    path: Uri,
    host: HeaderValue,
}

impl Target {
    fn new(name: &'static str, address: SocketAddr, path: &str) -> Self {
        assert_eq!(address.ip(), Ipv4Addr::LOCALHOST, "the bench only ever sends to 127.0.0.1, not {address}");
        let path = path.parse::<Uri>().unwrap_or_else(|e| panic!("the path {path:?} is not a request target: {e}"));
        let host = HeaderValue::from_str(&address.to_string())
            .unwrap_or_else(|e| panic!("{address} is not a Host header value: {e}"));
        Target { name, address, path, host }
    }

    fn request(&self, body: Bytes) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(body));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = self.path.clone();
        let headers = request.headers_mut();
        headers.insert(header::HOST, self.host.clone());
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(header::USER_AGENT, HeaderValue::from_static("authhook-listen-bench"));
        request
    }
}

/// Answers counted by kind.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    /// 200 with `{"success":true}`.
    ok: u64,
    /// Any other answer.
    wrong: u64,
    /// No answer: the connection failed.
    failed: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.ok += other.ok;
        self.wrong += other.wrong;
        self.failed += other.failed;
    }

    fn count(&mut self, answer: &Result<bool, String>) {
        match answer {
            Ok(true) => self.ok += 1,
            Ok(false) => self.wrong += 1,
            Err(_) => self.failed += 1,
        }
    }

    fn total(&self) -> u64 {
        self.ok + self.wrong + self.failed
    }
}

/// Opens a keep-alive HTTP/1.1 connection to `target`.
async fn connect(target: &Target) -> Result<SendRequest<Full<Bytes>>, String> {
    let stream = TcpStream::connect(target.address).await.map_err(|e| format!("connect to {}: {e}", target.address))?;
    let _ = stream.set_nodelay(true);
    let (sender, connection) =
        client::handshake(TokioIo::new(stream)).await.map_err(|e| format!("handshake with {}: {e}", target.address))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

/// Sends one request and reads the whole answer: whether it is 200 `{"success":true}`.
async fn exchange(sender: &mut SendRequest<Full<Bytes>>, request: Request<Full<Bytes>>) -> Result<bool, String> {
    sender.ready().await.map_err(|e| format!("connection not ready: {e}"))?;
    let response = sender.send_request(request).await.map_err(|e| format!("request failed: {e}"))?;
    let status = response.status();
    let body = response.into_body().collect().await.map_err(|e| format!("answer body: {e}"))?.to_bytes();
    Ok(status == StatusCode::OK && body.as_ref() == SUCCESS)
}

/// Connections opened at once.
const OPENING_AT_ONCE: usize = 64;

/// A refused connection is tried again this many times, after a breath.
const CONNECT_TRIES: u32 = 5;

/// Connects that failed and were tried again, over the whole bench.
static RETRIED_CONNECTS: AtomicU64 = AtomicU64::new(0);

/// `count` connections, `OPENING_AT_ONCE` opened at once, each tried again when it fails.
async fn open_connections(target: &Target, count: usize) -> Vec<SendRequest<Full<Bytes>>> {
    let mut opening = JoinSet::new();
    let mut senders = Vec::with_capacity(count);
    let mut started = 0;
    while senders.len() < count {
        while started < count && opening.len() < OPENING_AT_ONCE {
            let target = target.clone();
            opening.spawn(async move {
                let mut tries = 1;
                loop {
                    match connect(&target).await {
                        Err(_) if tries < CONNECT_TRIES => {
                            RETRIED_CONNECTS.fetch_add(1, Ordering::Relaxed);
                            tries += 1;
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                        opened => return opened,
                    }
                }
            });
            started += 1;
        }
        match opening.join_next().await {
            Some(Ok(Ok(sender))) => senders.push(sender),
            Some(Ok(Err(error))) => {
                panic!("cannot open a connection to the {} ({CONNECT_TRIES} tries): {error}", target.name)
            }
            Some(Err(error)) => panic!("a connecting task failed: {error}"),
            None => break,
        }
    }
    senders
}

/// One throughput run.
struct Run {
    tally: Tally,
    elapsed: Duration,
    /// The deadline stopped it before every request was sent.
    truncated: bool,
}

impl Run {
    fn rate(&self) -> f64 {
        self.tally.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Sends `requests` requests over `connections` keep-alive connections as fast as they are
/// answered, each connection with one request in flight; stops early at `deadline`.
async fn throughput(
    target: &Target,
    payloads: &Arc<Payloads>,
    requests: u64,
    connections: usize,
    deadline: Instant,
) -> Run {
    let senders = open_connections(target, connections).await;
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut workers = JoinSet::new();
    for mut sender in senders {
        let (target, payloads, next) = (target.clone(), Arc::clone(payloads), Arc::clone(&next));
        workers.spawn(async move {
            let mut tally = Tally::default();
            let mut truncated = false;
            while next.fetch_add(1, Ordering::Relaxed) < requests {
                if Instant::now() >= deadline {
                    truncated = true;
                    break;
                }
                let answer = exchange(&mut sender, target.request(payloads.next())).await;
                tally.count(&answer);
                if answer.is_err() {
                    // The connection is gone; one more, or this worker stops.
                    match connect(&target).await {
                        Ok(fresh) => sender = fresh,
                        Err(_) => break,
                    }
                }
            }
            (tally, truncated)
        });
    }
    let mut run = Run { tally: Tally::default(), elapsed: Duration::ZERO, truncated: false };
    let timed_out = join_all(&mut workers, deadline, |(tally, truncated)| {
        run.tally.add(tally);
        run.truncated |= truncated;
    })
    .await;
    run.truncated |= timed_out;
    run.elapsed = started.elapsed();
    run
}

/// Latencies of a run at a fixed rate.
struct Latencies {
    tally: Tally,
    /// From sending each request to reading its whole answer, sorted.
    service: Vec<Duration>,
    /// From each request's scheduled time to its whole answer, sorted: what the sender saw,
    /// queueing behind a slow answer included.
    scheduled: Vec<Duration>,
    elapsed: Duration,
    truncated: bool,
}

/// Sends `rate` requests per second for `seconds` over `connections` connections, each request at
/// its scheduled time whatever the answers before it (when its connection is free).
async fn fixed_rate(
    target: &Target,
    payloads: &Arc<Payloads>,
    rate: u64,
    seconds: u64,
    connections: usize,
    deadline: Instant,
) -> Latencies {
    let total = rate.saturating_mul(seconds);
    let interval = 1.0 / rate as f64;
    let senders = open_connections(target, connections).await;
    let count = senders.len() as u64;
    let start = Instant::now() + Duration::from_millis(50);
    let mut workers = JoinSet::new();
    for (k, mut sender) in senders.into_iter().enumerate() {
        let (target, payloads) = (target.clone(), Arc::clone(payloads));
        workers.spawn(async move {
            let mut tally = Tally::default();
            let mut service = Vec::new();
            let mut scheduled = Vec::new();
            let mut truncated = false;
            let mut i = k as u64;
            while i < total {
                let due = start + Duration::from_secs_f64(i as f64 * interval);
                if due >= deadline {
                    truncated = true;
                    break;
                }
                tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
                let body = payloads.next();
                let sent = Instant::now();
                let answer = exchange(&mut sender, target.request(body)).await;
                let done = Instant::now();
                tally.count(&answer);
                if answer.is_err() {
                    match connect(&target).await {
                        Ok(fresh) => sender = fresh,
                        Err(_) => break,
                    }
                } else {
                    service.push(done - sent);
                    scheduled.push(done.saturating_duration_since(due));
                }
                i += count;
            }
            (tally, service, scheduled, truncated)
        });
    }
    let mut latencies = Latencies {
        tally: Tally::default(),
        service: Vec::new(),
        scheduled: Vec::new(),
        elapsed: Duration::ZERO,
        truncated: false,
    };
    let timed_out = join_all(&mut workers, deadline, |(tally, service, scheduled, truncated)| {
        latencies.tally.add(tally);
        latencies.service.extend(service);
        latencies.scheduled.extend(scheduled);
        latencies.truncated |= truncated;
    })
    .await;
    latencies.truncated |= timed_out;
    latencies.elapsed = start.elapsed();
    latencies.service.sort_unstable();
    latencies.scheduled.sort_unstable();
    latencies
}

/// The `p` quantile (0 to 1) of sorted durations.
fn quantile(sorted: &[Duration], p: f64) -> Option<Duration> {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len().max(1));
    sorted.get(rank - 1).copied()
}

fn ms(duration: Option<Duration>) -> String {
    duration.map_or_else(|| "-".to_owned(), |d| format!("{:.2} ms", d.as_secs_f64() * 1e3))
}

/// The bare server: hyper's HTTP/1.1 server on its own tokio runtime, with as many worker threads
/// as the listener has, answering 200 `{"success":true}` to every request once its body is read.
fn start_bare(threads: usize) -> SocketAddr {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .thread_name(BARE_THREAD)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("cannot start the bare server's runtime: {e}"));
    let listener = runtime
        .block_on(TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
        .unwrap_or_else(|e| panic!("cannot bind the bare server to 127.0.0.1: {e}"));
    let address = listener.local_addr().unwrap_or_else(|e| panic!("the bare server has no address: {e}"));
    std::thread::Builder::new()
        .name(BARE_THREAD.to_owned())
        .spawn(move || runtime.block_on(serve_bare(listener)))
        .unwrap_or_else(|e| panic!("cannot start the bare server's thread: {e}"));
    address
}

async fn serve_bare(listener: TcpListener) {
    let mut builder = server::Builder::new();
    builder.keep_alive(true);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let connection = builder.serve_connection(TokioIo::new(stream), service_fn(answer_bare));
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
}

async fn answer_bare(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    request.into_body().collect().await?;
    let mut answer = Response::new(Full::new(Bytes::from_static(SUCCESS)));
    answer.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(answer)
}

/// The listener's process, its files, and what it wrote on standard error.
struct Listener {
    child: Child,
    address: SocketAddr,
    path: String,
    record: PathBuf,
    report: PathBuf,
    stderr: Option<std::thread::JoinHandle<Vec<String>>>,
    stopped: bool,
    dir: tempfile::TempDir,
}

impl Listener {
    fn start(binary: &Path) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("authhook-listen-bench")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot make a temporary directory: {e}"));
        let record = dir.path().join("record.ndjson");
        let report = dir.path().join("report.ndjson");
        let stdout = File::create(&report).unwrap_or_else(|e| panic!("cannot create {}: {e}", report.display()));
        let mut child = Command::new(binary)
            .args(["listen", "--port", "0", "--format", "ndjson", "--record"])
            .arg(&record)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let Some(stderr) = child.stderr.take() else { panic!("the listener's standard error was not piped") };
        let (found, address) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut rest = Vec::new();
            let mut found = Some(found);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                match line.strip_prefix("listening on ").map(str::to_owned) {
                    Some(url) if found.is_some() => {
                        if let Some(found) = found.take() {
                            let _ = found.send(url);
                        }
                    }
                    _ => rest.push(line),
                }
            }
            rest
        });
        let url = match address.recv_timeout(START_LIMIT) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                let said = reader.join().unwrap_or_default().join("\n");
                panic!(
                    "the listener did not say where it listens (it stopped, or took over {START_LIMIT:?}); it said:\n{said}"
                );
            }
        };
        let (address, path) =
            parse_url(&url).unwrap_or_else(|| panic!("cannot read the listener's address in {url:?}"));
        Listener { child, address, path, record, report, stderr: Some(reader), stopped: false, dir }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM and waits for the exit: its status, and the lines written on standard error
    /// besides the address.
    fn stop(&mut self) -> (Option<std::process::ExitStatus>, Vec<String>) {
        let _ = Command::new("kill").args(["-TERM", &self.pid().to_string()]).status();
        let until = Instant::now() + STOP_LIMIT;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(20)),
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break None;
                }
            }
        };
        self.stopped = true;
        let said = self.stderr.take().and_then(|reader| reader.join().ok()).unwrap_or_default();
        (status, said)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if !self.stopped {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `http://127.0.0.1:PORT/path` as an address and a path.
fn parse_url(url: &str) -> Option<(SocketAddr, String)> {
    let rest = url.trim().strip_prefix("http://")?;
    let slash = rest.find('/')?;
    Some((rest[..slash].parse().ok()?, rest[slash..].to_owned()))
}

/// Peak and current resident memory of a process, in KiB, and its threads (Linux only).
#[derive(Debug, Clone, Copy)]
struct Memory {
    peak: u64,
    current: u64,
    threads: u64,
}

fn memory(pid: u32) -> Option<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name)?.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    Some(Memory { peak: field("VmHWM:")?, current: field("VmRSS:")?, threads: field("Threads:")? })
}

/// User and system CPU time of a process so far (Linux only).
#[derive(Debug, Clone, Copy)]
struct CpuTime {
    user: Duration,
    system: Duration,
}

fn cpu_time(pid: u32) -> Option<CpuTime> {
    parse_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// The CPU time of this process's threads named `name` (the bare server's), so far.
fn threads_cpu_time(name: &str) -> Option<CpuTime> {
    let mut total = CpuTime { user: Duration::ZERO, system: Duration::ZERO };
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim_end() == name
            && let Some(time) = std::fs::read_to_string(task.path().join("stat")).ok().as_deref().and_then(parse_stat)
        {
            total.user += time.user;
            total.system += time.system;
        }
    }
    Some(total)
}

/// utime and stime of a /proc `stat` file.
fn parse_stat(stat: &str) -> Option<CpuTime> {
    // Counted in USER_HZ ticks, 100 a second on every Linux architecture.
    const TICK: Duration = Duration::from_millis(10);
    // After the command's name, in parentheses, come the fields from the third on: utime and
    // stime are the 14th and 15th.
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_ascii_whitespace().skip(11);
    let mut ticks = || fields.next()?.parse::<u32>().ok();
    Some(CpuTime { user: TICK * ticks()?, system: TICK * ticks()? })
}

/// CPU time per delivery between two readings, in microseconds: total, user, system.
fn per_delivery(before: Option<CpuTime>, after: Option<CpuTime>, deliveries: u64) -> Option<(f64, f64, f64)> {
    let (before, after) = (before?, after?);
    let micros = |d: Duration| d.as_secs_f64() * 1e6 / deliveries.max(1) as f64;
    let (user, system) = (after.user.saturating_sub(before.user), after.system.saturating_sub(before.system));
    Some((micros(user + system), micros(user), micros(system)))
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Lines in a file (its newlines).
fn lines_in(path: &Path) -> std::io::Result<u64> {
    let mut file = File::open(path)?;
    let mut buffer = vec![0u8; 1 << 20];
    let mut lines = 0;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(lines);
        }
        lines += memchr::memchr_iter(b'\n', &buffer[..read]).count() as u64;
    }
}

/// The listener's binary: `AUTHHOOK_BIN`, the one cargo built for this bench, or
/// `target/release/authhook` (under `CARGO_TARGET_DIR` when set).
fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("AUTHHOOK_BIN") {
        return PathBuf::from(path);
    }
    if let Some(path) = option_env!("CARGO_BIN_EXE_authhook").map(PathBuf::from).filter(|p| p.is_file()) {
        return path;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| manifest.join("target"), |d| manifest.join(d));
    target.join("release").join("authhook")
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|line| Some(line.strip_prefix("model name")?.split_once(':')?.1.trim().to_owned()))
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

/// The 1-minute load average: other work on the machine skews every figure.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "n/a".to_owned())
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

fn client_runtime(threads: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .thread_name("load")
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("cannot start the load generator's runtime: {e}"))
}

/// Without `--bench` (`cargo test --benches`): the client against the bare server, briefly.
fn smoke() {
    let bare = Target::new("bare server", start_bare(1), "/webhook");
    let payloads = Arc::new(Payloads::new());
    let deadline = Instant::now() + Duration::from_secs(30);
    let run = client_runtime(1).block_on(throughput(&bare, &payloads, 500, 4, deadline));
    assert_eq!(run.tally.ok, 500, "every request is answered 200 {{\"success\":true}}: {:?}", run.tally);
    println!("listen bench: client checked against the bare server; run it with benches/listen.sh");
}

fn main() {
    if !std::env::args().any(|arg| arg == "--bench") {
        smoke();
        return;
    }
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let settings = Settings::from_env(cpus);
    let began = Instant::now();
    let load_at_start = load_average();
    let deadline = began + settings.deadline;
    let binary = binary();
    assert!(
        binary.is_file(),
        "no authhook binary at {}; build it (benches/listen.sh does) or set AUTHHOOK_BIN",
        binary.display()
    );

    let payloads = Arc::new(Payloads::new());
    let bare = Target::new("bare server", start_bare(cpus), "/webhook");
    let mut listener = Listener::start(&binary);
    let listen = Target::new("listener", listener.address, &listener.path);
    let pid = listener.pid();
    // Should the deadline pass with the bench stuck, the listener is killed and the bench ends.
    let files = listener.dir.path().to_owned();
    std::thread::spawn(move || {
        std::thread::sleep(deadline.saturating_duration_since(Instant::now()) + Duration::from_secs(20));
        eprintln!("listen bench: the deadline passed 20 s ago; killing the listener and stopping");
        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
        let _ = std::fs::remove_dir_all(&files);
        std::process::exit(2);
    });
    let runtime = client_runtime(settings.client_threads);
    let mut problems: Vec<String> = Vec::new();
    let mut answered_by_listener = 0u64;

    // Memory first, on the fresh process: started, then with many idle keep-alive connections.
    let started_memory = memory(pid);
    let (idle_tally, idle_memory) = runtime.block_on(async {
        let mut senders = open_connections(&listen, settings.idle_connections).await;
        let mut tally = Tally::default();
        for sender in &mut senders {
            tally.count(&exchange(sender, listen.request(payloads.next())).await);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let measured = memory(pid);
        drop(senders);
        tokio::time::sleep(Duration::from_millis(200)).await;
        (tally, measured)
    });
    answered_by_listener += idle_tally.total();

    // Throughput, after a warm-up of both; bare and listener in turn.
    let load_deadline = deadline.checked_sub(RESERVE + Duration::from_secs(settings.seconds)).unwrap_or(began);
    let (mut cpu_before, mut bare_cpu_before) = (None, None);
    let (bare_runs, listen_runs) = runtime.block_on(async {
        for target in [&bare, &listen] {
            let warm = throughput(target, &payloads, settings.warmup, settings.connections, load_deadline).await;
            if target.name == listen.name {
                answered_by_listener += warm.tally.total();
            }
        }
        let (mut bare_runs, mut listen_runs) = (Vec::new(), Vec::new());
        // The listener is idle while the bare server is loaded: its CPU time over the rounds is
        // that of its own runs.
        cpu_before = cpu_time(pid);
        bare_cpu_before = threads_cpu_time(BARE_THREAD);
        for _ in 0..settings.rounds {
            for (target, runs) in [(&bare, &mut bare_runs), (&listen, &mut listen_runs)] {
                runs.push(throughput(target, &payloads, settings.requests, settings.connections, load_deadline).await);
            }
        }
        (bare_runs, listen_runs)
    });
    let cpu_after = cpu_time(pid);
    let bare_cpu_after = threads_cpu_time(BARE_THREAD);
    let listen_answered: u64 = listen_runs.iter().map(|run| run.tally.total()).sum();
    answered_by_listener += listen_answered;
    let loaded_memory = memory(pid);
    let loaded_deliveries = answered_by_listener;

    // Latency at a fixed rate.
    let latency = runtime.block_on(fixed_rate(
        &listen,
        &payloads,
        settings.rate,
        settings.seconds,
        settings.connections,
        deadline.checked_sub(Duration::from_secs(5)).unwrap_or(began),
    ));
    answered_by_listener += latency.tally.total();
    drop(runtime);

    let (status, said) = listener.stop();
    let recorded = lines_in(&listener.record);
    let reported = lines_in(&listener.report);
    // Its files go now: std::process::exit below would leave them.
    drop(listener);

    // What went wrong.
    for (what, tally) in std::iter::once(("1,000-connection requests", idle_tally))
        .chain(bare_runs.iter().map(|run| ("bare throughput", run.tally)))
        .chain(listen_runs.iter().map(|run| ("listen throughput", run.tally)))
        .chain(std::iter::once(("latency requests", latency.tally)))
    {
        if tally.wrong + tally.failed > 0 {
            problems.push(format!(
                "{what}: {} answers other than 200 {{\"success\":true}}, {} without an answer",
                tally.wrong, tally.failed
            ));
        }
    }
    if bare_runs.iter().chain(&listen_runs).any(|run| run.truncated) || latency.truncated {
        problems.push("the deadline cut a run short (see LISTEN_BENCH_DEADLINE)".to_owned());
    }
    if !said.is_empty() {
        problems.push(format!("the listener wrote on standard error:\n  {}", said.join("\n  ")));
    }
    if status.is_none() {
        problems.push(format!("the listener did not stop within {STOP_LIMIT:?} of SIGTERM and was killed"));
    }
    match &recorded {
        Ok(lines) if *lines == answered_by_listener => {}
        Ok(lines) => problems.push(format!("the record holds {lines} lines for {answered_by_listener} requests sent")),
        Err(error) => problems.push(format!("cannot read the record: {error}")),
    }

    // The table.
    let rates = |runs: &[Run]| runs.iter().map(Run::rate).collect::<Vec<_>>();
    let (bare_rates, listen_rates) = (rates(&bare_runs), rates(&listen_runs));
    let ratios: Vec<f64> = bare_rates.iter().zip(&listen_rates).map(|(b, l)| l / b.max(1e-9)).collect();
    let (bare_median, listen_median, ratio_median) = (median(&bare_rates), median(&listen_rates), median(&ratios));
    let row = |values: &[f64], format: &dyn Fn(f64) -> String| {
        values.iter().map(|v| format!("{:>10}", format(*v))).collect::<Vec<_>>().join(" ")
    };
    let per_second = |v: f64| format!("{v:.0}");
    let percent = |v: f64| format!("{:.1}%", v * 100.0);
    let p99 = quantile(&latency.service, 0.99);
    let idle_mib = idle_memory.map(|m| mib(m.peak));

    let mut out = String::new();
    let _ = writeln!(out, "\nauthhook listen benchmark");
    let _ = writeln!(
        out,
        "machine: {cpus} CPUs (nproc), {}, {} {}; load average {} at the start, {} at the end",
        cpu_model(),
        std::env::consts::OS,
        std::env::consts::ARCH,
        load_at_start,
        load_average()
    );
    let _ = writeln!(out, "command: {} cargo bench --bench listen", settings.as_env());
    let _ = writeln!(
        out,
        "listener: authhook listen --port 0 --format ndjson --record <tmp>/record.ndjson > <tmp>/report.ndjson"
    );
    let _ = writeln!(
        out,
        "load: hyper HTTP/1.1 client, {} threads; 5 samples as published, mean {} B, each with its own transactionId",
        settings.client_threads,
        payloads.mean_bytes()
    );
    let _ = writeln!(
        out,
        "\nthroughput: {} requests over {} keep-alive connections per run, bare and listen in turn, deliveries/s",
        settings.requests, settings.connections
    );
    let header: Vec<String> = (1..=settings.rounds).map(|r| format!("{:>10}", format!("round {r}"))).collect();
    let _ = writeln!(out, "  {:<14} {} {:>10}", "", header.join(" "), "median");
    let _ = writeln!(out, "  {:<14} {} {:>10}", "bare", row(&bare_rates, &per_second), per_second(bare_median));
    let _ = writeln!(out, "  {:<14} {} {:>10}", "listen", row(&listen_rates, &per_second), per_second(listen_median));
    let _ = writeln!(out, "  {:<14} {} {:>10}", "listen/bare", row(&ratios, &percent), percent(ratio_median));
    let cut: Vec<String> = bare_runs
        .iter()
        .map(|run| ("bare", run))
        .chain(listen_runs.iter().map(|run| ("listen", run)))
        .filter(|(_, run)| run.truncated)
        .map(|(name, run)| format!("{name} {}", run.tally.total()))
        .collect();
    if !cut.is_empty() {
        let _ = writeln!(out, "  cut short by the deadline, requests answered: {}", cut.join(", "));
    }
    let bare_answered: u64 = bare_runs.iter().map(|run| run.tally.total()).sum();
    let cpu = [
        ("bare", per_delivery(bare_cpu_before, bare_cpu_after, bare_answered)),
        ("listen", per_delivery(cpu_before, cpu_after, listen_answered)),
    ];
    let _ = writeln!(out, "  server CPU per delivery over the rounds (less noisy than deliveries/s):");
    for (name, figures) in cpu {
        if let Some((total, user, system)) = figures {
            let _ = writeln!(out, "    {name:<12} {total:>6.1} us  (user {user:.1} us, system {system:.1} us)");
        }
    }
    let _ = writeln!(
        out,
        "\nlatency: {} requests/s for {} s against listen over {} connections: {} answered in {:.1} s",
        settings.rate,
        settings.seconds,
        settings.connections,
        latency.tally.ok,
        latency.elapsed.as_secs_f64()
    );
    let _ = writeln!(
        out,
        "  send to answer:     p50 {}  p99 {}  p99.9 {}  max {}",
        ms(quantile(&latency.service, 0.50)),
        ms(p99),
        ms(quantile(&latency.service, 0.999)),
        ms(latency.service.last().copied())
    );
    let _ = writeln!(
        out,
        "  schedule to answer: p50 {}  p99 {}  p99.9 {}  max {}  (includes tokio's 1 ms timer granularity)",
        ms(quantile(&latency.scheduled, 0.50)),
        ms(quantile(&latency.scheduled, 0.99)),
        ms(quantile(&latency.scheduled, 0.999)),
        ms(latency.scheduled.last().copied())
    );
    let show = |m: Option<Memory>| {
        m.map_or_else(
            || "n/a".to_owned(),
            |m| format!("{:.1} MiB (VmRSS {:.1} MiB, {} threads)", mib(m.peak), mib(m.current), m.threads),
        )
    };
    let _ = writeln!(out, "\nlistener memory, peak RSS (VmHWM):");
    let _ = writeln!(out, "  started:                          {}", show(started_memory));
    let _ = writeln!(
        out,
        "  {:<33} {}",
        format!("{} keep-alive connections open:", settings.idle_connections),
        show(idle_memory)
    );
    let _ = writeln!(
        out,
        "  after the throughput runs:        {}  ({loaded_deliveries} deliveries received by then)",
        show(loaded_memory)
    );
    let retried = RETRIED_CONNECTS.load(Ordering::Relaxed);
    if retried > 0 {
        let _ = writeln!(out, "\nconnects that failed and were tried again: {retried}");
    }
    let _ = writeln!(
        out,
        "\nrecord: {} lines; report: {} lines; listener exit: {}",
        recorded.as_ref().map_or_else(|e| e.to_string(), u64::to_string),
        reported.as_ref().map_or_else(|e| e.to_string(), u64::to_string),
        status.map_or_else(|| "killed".to_owned(), |s| s.to_string())
    );
    let targets = [
        (
            format!(">= {TARGET_RATE:.0} deliveries/s (ndjson, record)"),
            format!("{listen_median:.0}"),
            listen_median >= TARGET_RATE,
        ),
        (format!(">= {:.0}% of bare", TARGET_RATIO * 100.0), percent(ratio_median), ratio_median >= TARGET_RATIO),
        (
            format!("p99 < {} ms at {}/s (send to answer)", TARGET_P99.as_millis(), settings.rate),
            ms(p99),
            p99.is_some_and(|p| p < TARGET_P99),
        ),
        (
            format!("< {TARGET_MIB:.0} MiB with {} connections", settings.idle_connections),
            idle_mib.map_or_else(|| "n/a".to_owned(), |m| format!("{m:.1} MiB")),
            idle_mib.is_some_and(|m| m < TARGET_MIB),
        ),
    ];
    let _ = writeln!(out, "\ntargets (medians):");
    for (target, measured, met) in targets {
        let _ = writeln!(out, "  {target:<42} {measured:>10}  {}", verdict(met));
    }
    let _ = writeln!(out, "\nwall time: {:.1} s", began.elapsed().as_secs_f64());
    print!("{out}");
    if !problems.is_empty() {
        eprintln!("\nlisten bench: problems:");
        for problem in &problems {
            eprintln!("  {problem}");
        }
        std::process::exit(1);
    }
}
