//! `authhook listen`: an HTTP receiver that checks every delivery as it arrives, with the
//! library's [`Checker`] as a Rust receiver would use it, answers as the vendor requires (or as
//! told to), records what it received, and stops on a signal, a count or a timeout with the
//! summary and the exit status of `check`.

mod auth;
mod delivery;
mod forward;
mod record;
mod server;
pub mod settings;
mod sink;

use std::io::{self, BufWriter, Write};
use std::sync::{Arc, Mutex};

use authhook::Checker;
use authhook::report::tell_problem;
use tokio::net::TcpListener;

use super::args::ListenArgs;
use super::exit::ExitStatus;
use super::run::Outcome;
use auth::Gate;
use delivery::State;
use forward::Forwarder;
use record::Recorder;
use settings::ListenSettings;
use sink::Sink;

/// Runs the listener with `args` until it is told to stop.
pub fn listen(args: &ListenArgs) -> ExitStatus {
    let mut problems = io::stderr();
    let settings = match ListenSettings::from_args(args) {
        Ok(settings) => settings,
        Err(error) => {
            tell_problem(&mut problems, &error.to_string());
            return ExitStatus::Trouble;
        }
    };
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            tell_problem(&mut problems, &format!("cannot start the server's threads: {error}"));
            return ExitStatus::Trouble;
        }
    };
    let status = runtime.block_on(run(settings));
    // Connections still open (a client that never finished) are not waited for.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    status
}

async fn run(settings: ListenSettings) -> ExitStatus {
    let mut problems = io::stderr();
    let listener = match TcpListener::bind(settings.address).await {
        Ok(listener) => listener,
        Err(error) => {
            tell_problem(&mut problems, &format!("cannot listen on {}: {error}", settings.address));
            return ExitStatus::Trouble;
        }
    };
    let address = listener.local_addr().unwrap_or(settings.address);
    let state = match State::new(settings) {
        Ok(state) => Arc::new(state),
        Err(message) => {
            tell_problem(&mut problems, &message);
            return ExitStatus::Trouble;
        }
    };
    if state.settings.is_exposed() {
        tell_problem(
            &mut problems,
            &format!(
                "warning: {address} is reachable from other machines; anyone who can reach it can send deliveries"
            ),
        );
    }
    let _ = writeln!(problems, "listening on {}", server::url(address, &state.settings.path));
    let stop = stop_signal(Arc::clone(&state));
    server::accept_until(listener, Arc::clone(&state), stop, signalled(), drain_limit(&state.settings)).await;
    finish(&state)
}

impl State {
    fn new(settings: ListenSettings) -> Result<Self, String> {
        let check = &settings.check;
        let recorder = match &settings.record {
            Some(path) => Some(
                Recorder::open(
                    path,
                    settings.fsync,
                    check.input.assess.finishing.show_secrets,
                    settings.required.header.as_ref().map(|(name, _)| name.clone()),
                )
                .map_err(|error| format!("cannot open the record {}: {error}", path.display()))?,
            ),
            None => None,
        };
        let out: Box<dyn Write + Send> = match &check.output {
            Some(path) => Box::new(BufWriter::new(
                std::fs::File::create(path).map_err(|error| format!("cannot create {}: {error}", path.display()))?,
            )),
            None => Box::new(BufWriter::new(io::stdout())),
        };
        let sink = Sink {
            renderer: check.format.renderer(check.style),
            out,
            summary: Default::default(),
            deliveries: Default::default(),
            shown: check.shown.clone(),
            broken: None,
        };
        Ok(State {
            checker: Checker::from(check.input.assess.clone()),
            gate: Gate::new(settings.required.clone()),
            recorder,
            forwarder: settings.forward_to.clone().map(Forwarder::new),
            sink: Mutex::new(sink),
            done: tokio::sync::Notify::new(),
            record_failed: std::sync::atomic::AtomicBool::new(false),
            settings,
        })
    }
}

/// How long the requests in flight are given to finish once the listener stops: as long as one
/// can take, its headers and body, the relay or the delay, and a margin.
fn drain_limit(settings: &ListenSettings) -> std::time::Duration {
    let answering =
        if settings.forward_to.is_some() { forward::UPSTREAM_LIMIT } else { settings.delay.unwrap_or_default() };
    settings.request_timeout * 2 + answering + std::time::Duration::from_secs(5)
}

/// Completes when the listener should stop: Ctrl-C, SIGTERM, `--count` payloads, `--timeout`.
async fn stop_signal(state: Arc<State>) {
    let timeout = async {
        match state.settings.timeout {
            Some(timeout) => tokio::time::sleep(timeout).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        () = signalled() => {}
        () = state.done.notified() => {}
        () = timeout => {}
    }
}

/// Completes at the next Ctrl-C (SIGINT) or SIGTERM.
async fn signalled() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

/// Writes what follows the last result (summary, notice), and decides the exit status.
fn finish(state: &State) -> ExitStatus {
    let check = &state.settings.check;
    let mut sink = state.sink.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let sink = &mut *sink;
    let notices: Vec<_> =
        check.notice.then(|| authhook::contract::deprecation_notice(check.today)).into_iter().collect();
    let written = match sink.broken.take() {
        Some(error) => Err(error),
        None => sink.renderer.finish(&mut sink.out, &sink.summary, &notices).and_then(|()| sink.out.flush()),
    };
    let mut problems = io::stderr();
    if let Err(error) = written {
        tell_problem(&mut problems, &format!("cannot write the report: {error}"));
        return ExitStatus::Trouble;
    }
    let outcome = Outcome { summary: sink.summary.clone(), input_problems: 0 };
    if check.output.is_some() {
        let mut out = io::stdout();
        let _ = writeln!(out, "{}", authhook::report::summary_line(&outcome.summary)).and_then(|()| out.flush());
    }
    if outcome.summary.authentications() == 0 && outcome.summary.errors == 0 {
        tell_problem(&mut problems, "no authentication payload arrived");
    }
    if state.record_failed.load(std::sync::atomic::Ordering::Relaxed) {
        tell_problem(
            &mut problems,
            "some deliveries could not be recorded (they were answered 503, so the vendor delivers them again)",
        );
        return ExitStatus::Trouble;
    }
    outcome.exit_status()
}
