//! The Avtal language server: LSP over stdio, started by `avtal lsp`.
//!
//! Only this crate knows LSP, JSON-RPC and tokio. [`server`] holds the
//! handlers, [`workspace`] the open documents and their compilations (the
//! only IO: reading `use`d modules from disk), [`convert`] the mapping of
//! byte spans to UTF-16 ranges and of diagnostics to LSP. Every answer comes
//! from `avtal_compiler::analysis`.

pub mod convert;
pub mod server;
pub mod workspace;

/// Serve LSP on stdin/stdout until the client sends `exit` or closes stdin.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let stdin = tokio::io::stdin();
        let stdout = tokio::io::stdout();
        let (service, socket) = tower_lsp_server::LspService::new(server::Backend::new);
        tower_lsp_server::Server::new(stdin, stdout, socket)
            .serve(service)
            .await;
    });
    // The blocking stdin reader may still be parked in a read: do not wait
    // for it, or `exit` would hang until the client closes the pipe.
    runtime.shutdown_background();
    Ok(())
}
