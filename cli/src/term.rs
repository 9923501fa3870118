//! Terminal concerns: whether to use colour, how wide to wrap, and how a
//! fatal error is printed (`error: cannot read x.avtal: No such file or
//! directory`). Nothing here knows about Avtal's semantics.

use std::fmt::Write as _;
use std::io::{self, IsTerminal};
use std::path::Path;

use avtal_compiler::diagnostics::Code;
use avtal_compiler::diagnostics::messages::data::DataMessage;
use avtal_compiler::diagnostics::render::RenderOptions;

/// A problem that stops a command: printed as `error[CODE]: message` with
/// an optional `help:` line, exit code 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: Option<Code>,
    pub message: String,
    pub help: Option<String>,
    /// Nothing to print: the cause was already reported (or is a closed pipe).
    pub silent: bool,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Failure {
        Failure {
            code: None,
            message: message.into(),
            help: None,
            silent: false,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Failure {
        self.help = Some(help.into());
        self
    }

    /// A failure whose cause was already shown.
    pub fn silent() -> Failure {
        Failure {
            silent: true,
            ..Failure::new("")
        }
    }

    /// `cannot read PATH: reason`
    pub fn read(path: &Path, error: &io::Error) -> Failure {
        Failure::io("read", path, error)
    }

    /// `cannot write PATH: reason`
    pub fn write(path: &Path, error: &io::Error) -> Failure {
        Failure::io("write", path, error)
    }

    fn io(verb: &str, path: &Path, error: &io::Error) -> Failure {
        if error.kind() == io::ErrorKind::BrokenPipe {
            // The reader went away (`avtal run … | head`): stop quietly.
            return Failure::silent();
        }
        Failure::new(format!(
            "cannot {verb} {}: {}",
            display_path(path),
            io_message(error)
        ))
    }

    pub fn print(&self) {
        if self.silent {
            return;
        }
        eprint!("{}", self.render());
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        match self.code {
            Some(code) => {
                let _ = writeln!(out, "error[{code}]: {}", self.message);
            }
            None => {
                let _ = writeln!(out, "error: {}", self.message);
            }
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  help: {help}");
        }
        out
    }
}

impl From<DataMessage> for Failure {
    fn from(message: DataMessage) -> Failure {
        Failure {
            code: Some(message.code),
            message: message.message,
            help: message.help,
            silent: false,
        }
    }
}

/// A path as the user wrote it (`-` is stdin or stdout).
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// An IO error without Rust's ` (os error 2)` suffix.
pub fn io_message(error: &io::Error) -> String {
    let text = error.to_string();
    match text.rfind(" (os error ") {
        Some(cut) => text.get(..cut).unwrap_or(&text).to_string(),
        None => text,
    }
}

/// Which stream diagnostics go to, for colour and width.
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    pub fn is_terminal(self) -> bool {
        match self {
            Stream::Stdout => io::stdout().is_terminal(),
            Stream::Stderr => io::stderr().is_terminal(),
        }
    }
}

/// Colour only on a terminal, and never when `NO_COLOR` is set
/// (https://no-color.org); wrap at the terminal's width, else at 80.
pub fn render_options(stream: Stream) -> RenderOptions {
    let terminal = stream.is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let width = if terminal {
        let term = match stream {
            Stream::Stdout => console::Term::stdout(),
            Stream::Stderr => console::Term::stderr(),
        };
        term.size_checked()
            .map(|(_, columns)| usize::from(columns).clamp(40, 160))
            .unwrap_or(100)
    } else {
        80
    };
    RenderOptions {
        width,
        color: terminal && !no_color,
    }
}

/// `1 file`, `2 files`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
