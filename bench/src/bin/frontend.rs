//! `frontend-bench [--sizes 1000,10000,100000] [--cases a,b] [--keystroke N] [--avtal PATH]`:
//! how the front end (parse and check, `avtal_compiler::compile`) scales
//! with the size of the input, and how long the language server takes to
//! answer a keystroke in a file full of errors.
//!
//! Three generated sources, each at every size N:
//! - `unknown-names`: N rules, each using a name that is not defined (half
//!   of them a one-letter typo of another rule, which gets a "did you mean",
//!   half a name with no close match);
//! - `parameters`: one rule with N parameters whose body lists them all;
//! - `lets`: one rule with two parameters and N `let`s, each reading both.
//!
//! Each case is compiled a few times and the best time printed, with the
//! number of diagnostics as a check that the work was done.
//!
//! The keystroke figure starts the `avtal` binary built next to this one
//! (`cargo build --release -p avtal-cli -p avtal-bench`), opens an
//! `unknown-names` file of N rules (3,000 by default; 0 skips it) and times
//! each `didChange` until its `publishDiagnostics` arrives. It does not
//! start this crate's code in-process: the figure includes the JSON-RPC
//! framing, the conversion to LSP and the pipe, as an editor sees them.
//! It does nothing else: no assertions, no files written.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use avtal_compiler::{Sources, compile};

/// Writes the source of one case at a size.
type Generator = fn(usize) -> String;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let sizes: Vec<usize> = option("--sizes")
        .unwrap_or_else(|| "1000,10000,100000".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let only: Option<String> = option("--cases");
    let keystroke_rules: usize = option("--keystroke")
        .and_then(|n| n.parse().ok())
        .unwrap_or(3000);
    let cases: [(&str, Generator); 3] = [
        ("unknown-names", unknown_names),
        ("parameters", parameters),
        ("lets", lets),
    ];
    println!(
        "{:<14} {:>8} {:>12} {:>12} {:>12}",
        "case", "N", "best (s)", "parse (s)", "diagnostics"
    );
    for (name, generate) in cases {
        if only
            .as_ref()
            .is_some_and(|only| !only.split(',').any(|c| c == name))
        {
            continue;
        }
        for &n in &sizes {
            let text = generate(n);
            let rounds = if n >= 100_000 { 1 } else { 3 };
            let (best, parse, n_diagnostics) = time_compile(&text, rounds);
            println!(
                "{name:<14} {n:>8} {:>12.3} {:>12.3} {n_diagnostics:>12}",
                best.as_secs_f64(),
                parse.as_secs_f64()
            );
        }
    }
    if keystroke_rules > 0 {
        let avtal = option("--avtal")
            .map(PathBuf::from)
            .unwrap_or_else(avtal_binary);
        match keystrokes(&avtal, keystroke_rules) {
            Ok(times) => {
                let mut sorted = times.clone();
                sorted.sort();
                let median = sorted.get(sorted.len() / 2).copied().unwrap_or_default();
                let worst = sorted.last().copied().unwrap_or_default();
                println!(
                    "lsp keystroke, {keystroke_rules} errors: median {:.1} ms, worst {:.1} ms over {} changes",
                    median.as_secs_f64() * 1000.0,
                    worst.as_secs_f64() * 1000.0,
                    times.len()
                );
            }
            Err(message) => {
                eprintln!("error: the keystroke measurement failed: {message}");
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}

/// Best wall time of `rounds` compilations of `text`, the best time of
/// parsing alone (the part of it that is not name lookup and checking),
/// and the number of diagnostics.
fn time_compile(text: &str, rounds: usize) -> (Duration, Duration, usize) {
    let mut best = Duration::MAX;
    let mut best_parse = Duration::MAX;
    let mut n_diagnostics = 0;
    for _ in 0..rounds {
        let mut sources = Sources::new();
        let file = sources.add("bench.avtal", text);
        let start = Instant::now();
        let compilation = compile(&sources);
        best = best.min(start.elapsed());
        n_diagnostics = compilation.diagnostics.len();
        drop(compilation);
        let start = Instant::now();
        let parsed = avtal_compiler::syntax::parse(&sources, file);
        best_parse = best_parse.min(start.elapsed());
        drop(parsed);
    }
    (best, best_parse, n_diagnostics)
}

/// N rules, each using an undefined name: even ones a typo of the next
/// rule's name (`regl_…` for `regel_…`), odd ones a name nothing is close to.
fn unknown_names(n: usize) -> String {
    let mut text = String::from("module bench.okänt\n\n");
    for i in 0..n {
        let unknown = if i % 2 == 0 {
            format!("regl_{}", i + 1)
        } else {
            format!("saknas_{i}")
        };
        text.push_str(&format!("rule regel_{i}() -> Int = {unknown} + 1\n\n"));
    }
    text
}

/// One rule with N parameters; the body is a list of all of them.
fn parameters(n: usize) -> String {
    let params: Vec<String> = (0..n).map(|i| format!("p{i}: Int")).collect();
    let uses: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
    format!(
        "module bench.parametrar\n\nrule alla({}) -> List<Int> = [{}]\n",
        params.join(", "),
        uses.join(", ")
    )
}

/// One rule with two parameters and N `let`s, each reading both parameters
/// (the first ones bound, so the deepest in the scope).
fn lets(n: usize) -> String {
    let mut text = String::from("module bench.lets\n\nrule många(a: Int, b: Int) -> Int\n{\n");
    for i in 0..n {
        text.push_str(&format!("  let x{i} = a + b\n"));
    }
    text.push_str("  a\n}\n");
    text
}

/// The `avtal` binary next to this one (`target/<profile>/`).
fn avtal_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    exe.parent()
        .map(|dir| dir.join("avtal"))
        .unwrap_or_else(|| PathBuf::from("avtal"))
}

/// Open an `unknown-names` file of `n` rules in `avtal lsp` and time 10
/// changes, each from `didChange` until its diagnostics arrive.
fn keystrokes(avtal: &std::path::Path, n: usize) -> Result<Vec<Duration>, String> {
    let mut server = Server::start(avtal)?;
    server.send(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}"#)?;
    server.wait_for(r#""id":1"#)?;
    server.send(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#)?;
    let uri = "file:///tmp/frontend-bench/okant.avtal";
    let text = unknown_names(n);
    server.send(&format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{uri}","languageId":"avtal","version":1,"text":{}}}}}}}"#,
        json_string(&text)
    ))?;
    server.wait_for("publishDiagnostics")?;
    let mut times = Vec::new();
    for version in 2..12 {
        // A keystroke: one more character in a comment at the end.
        let edited = format!("{text}// {}\n", "x".repeat(version));
        let start = Instant::now();
        server.send(&format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{uri}","version":{version}}},"contentChanges":[{{"text":{}}}]}}}}"#,
            json_string(&edited)
        ))?;
        server.wait_for("publishDiagnostics")?;
        times.push(start.elapsed());
    }
    server.send(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#)?;
    server.wait_for(r#""id":2"#)?;
    server.send(r#"{"jsonrpc":"2.0","method":"exit"}"#)?;
    let _ = server.child.wait();
    Ok(times)
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `avtal lsp` over pipes, with just enough framing for the measurement.
struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Server {
    fn start(avtal: &std::path::Path) -> Result<Server, String> {
        let mut child = Command::new(avtal)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", avtal.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        Ok(Server {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }

    fn send(&mut self, body: &str) -> Result<(), String> {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("cannot write to the server: {e}"))
    }

    /// Read messages until one contains `needle`.
    fn wait_for(&mut self, needle: &str) -> Result<(), String> {
        loop {
            let mut length = None;
            loop {
                let mut line = String::new();
                let read = self
                    .stdout
                    .read_line(&mut line)
                    .map_err(|e| format!("cannot read from the server: {e}"))?;
                if read == 0 {
                    return Err("the server closed its output".into());
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse::<usize>().ok();
                }
            }
            let length = length.ok_or("a message without Content-Length")?;
            let mut body = vec![0; length];
            self.stdout
                .read_exact(&mut body)
                .map_err(|e| format!("cannot read from the server: {e}"))?;
            if String::from_utf8_lossy(&body).contains(needle) {
                return Ok(());
            }
        }
    }
}
