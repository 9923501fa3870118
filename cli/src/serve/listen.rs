//! The accept loop: hyper's HTTP/1 connections over tokio, each with
//! `--header-timeout` for its request headers (a client that sends them
//! too slowly is disconnected and holds nothing), serving the axum router;
//! and the graceful shutdown on SIGINT/SIGTERM: stop accepting, let the
//! requests in flight finish (at most `--shutdown-timeout`), then end.
//!
//! The bound address is printed on stdout as `listening on http://ADDR`
//! (with `--addr …:0` the port is the one the system chose).

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::term::Failure;

pub struct Settings {
    pub addr: SocketAddr,
    pub header_timeout: Duration,
    pub shutdown_timeout: Duration,
}

pub async fn serve(router: Router, settings: Settings) -> Result<(), Failure> {
    let listener = TcpListener::bind(settings.addr)
        .await
        .map_err(|e| Failure::new(format!("cannot listen on {}: {e}", settings.addr)))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Failure::new(format!("cannot listen on {}: {e}", settings.addr)))?;
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "listening on http://{bound}");
        let _ = stdout.flush();
    }
    let graceful = GracefulShutdown::new();
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                // A failed accept (too many open files) is not the end.
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let service = TowerToHyperService::new(router.clone());
                let connection = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(settings.header_timeout)
                    .serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
            signal = &mut shutdown => {
                eprintln!("avtal serve: {signal}: finishing the requests in flight");
                break;
            }
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => eprintln!("avtal serve: stopped"),
        () = tokio::time::sleep(settings.shutdown_timeout) => {
            eprintln!("avtal serve: stopped after --shutdown-timeout with requests still in flight");
        }
    }
    Ok(())
}

/// Resolves on SIGINT or SIGTERM, naming it.
async fn shutdown_signal() -> &'static str {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return "SIGINT";
                }
            };
        tokio::select! {
            _ = interrupt => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
        "SIGINT"
    }
}
