//! `avtal lsp`: hand stdin/stdout to the language server in `avtal-lsp`.

use crate::Status;
use crate::term::Failure;

pub fn run() -> Result<Status, Failure> {
    avtal_lsp::run_stdio()
        .map_err(|e| Failure::new(format!("the language server stopped: {e}")))?;
    Ok(Status::Success)
}
