//! The listener's connections: accepted up to `--max-connections` at once, each served over
//! HTTP/1.1 by hyper with a deadline for its request headers, and all of them let finish their
//! requests in flight when the listener stops.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::delivery::{State, serve};

/// The largest request head (request line and headers) read; a larger one gets 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Accepts and serves connections until `stop` completes, then lets the requests in flight
/// finish for up to `drain_limit`, unless `hurry` completes first (a second Ctrl-C).
pub async fn accept_until(
    listener: TcpListener,
    state: Arc<State>,
    stop: impl Future<Output = ()>,
    hurry: impl Future<Output = ()>,
    drain_limit: Duration,
) {
    let permits = Arc::new(Semaphore::new(state.settings.max_connections));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(state.settings.request_timeout)
        .max_buf_size(MAX_HEAD_BYTES)
        .keep_alive(true);
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            biased;
            () = &mut stop => break,
            permit = Arc::clone(&permits).acquire_owned() => permit,
        };
        let Ok(permit) = permit else { break };
        let (stream, remote) = tokio::select! {
            biased;
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, a connection reset before it was accepted: the
                // listener goes on after a breath.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        let service = service_fn(move |request| serve(Arc::clone(&state), remote, request));
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(drain_limit) => {}
        () = hurry => {}
    }
}

/// The address as a URL for people and scripts: `http://127.0.0.1:8787/webhook`.
pub fn url(address: SocketAddr, path: &str) -> String {
    format!("http://{address}{path}")
}
