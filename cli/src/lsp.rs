//! `avtal lsp`: hand stdin/stdout to the language server in `avtal-lsp`,
//! and exit with the code the LSP spec asks for (1 after `exit` without
//! `shutdown`).

use crate::Status;
use crate::term::Failure;

pub fn run() -> Result<Status, Failure> {
    let ending = avtal_lsp::run_stdio()
        .map_err(|e| Failure::new(format!("the language server stopped: {e}")))?;
    Ok(if ending.is_success() {
        Status::Success
    } else {
        Status::Failed
    })
}
