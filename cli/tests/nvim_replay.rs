//! A drafter's first hour in Neovim, replayed: the distribution's Neovim
//! (0.7.2 on Debian 12) runs headless with the configuration the project
//! ships in editors/nvim, starts the real `avtal lsp`, and goes through a
//! broken file and W1 (cli/tests/nvim/replay.lua). The script writes what
//! the editor got to a JSON file; this test checks it. When the tree-sitter
//! CLI is installed, Neovim also loads the grammar's parser and the
//! plugin's highlight query on W1.
//!
//! Skips, loudly, only when `nvim` is not installed;
//! scripts/test-deps/neovim.sh installs it, so CI runs it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A wage rule that multiplies money by hours: E0214, whose help says how
/// to write it.
const BROKEN: &str = "module demo.broken\n\n\
rule lön(timmar: Hours, timlön: Money) -> Money = timlön * timmar\n";

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn nvim() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("nvim"))
        .find(|candidate| candidate.is_file())
}

/// W1 with every line's indentation taken away.
fn messy(text: &str) -> String {
    text.lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect()
}

/// `avtal fmt` on `text`, as the command line formats it.
fn formatted_by_cli(dir: &Path, text: &str) -> String {
    let path = dir.join("cli_fmt.avtal");
    std::fs::write(&path, text).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_avtal"))
        .arg("fmt")
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::read_to_string(&path).unwrap()
}

/// The tree-sitter parser of editors/tree-sitter-avtal built into `dir`
/// with the CLI scripts/test-deps/tree-sitter.sh installs, if it is there.
fn tree_sitter_parser(dir: &Path) -> Option<PathBuf> {
    let cli = repository().join("target/tools/tree-sitter-0.27.1/bin/tree-sitter");
    if !cli.is_file() {
        eprintln!(
            "\n\n*** nvim_replay: no tree-sitter CLI (run scripts/setup-test-deps); the highlighting part is SKIPPED ***\n\n"
        );
        return None;
    }
    let parser = dir.join("avtal.so");
    let output = Command::new(cli)
        .arg("build")
        .arg("-o")
        .arg(&parser)
        .arg(repository().join("editors/tree-sitter-avtal"))
        .env("XDG_CACHE_HOME", dir.join("ts-cache"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "tree-sitter build: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(parser)
}

/// Run the replay script and return its record.
fn replay(nvim: &Path, dir: &Path, parser: Option<&Path>) -> Value {
    let out = dir.join("replay.json");
    let mut child = Command::new(nvim)
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            repository().join("cli/tests/nvim/replay.lua").display()
        ))
        .env("AVTAL_BIN", env!("CARGO_BIN_EXE_avtal"))
        .env("AVTAL_NVIM_PLUGIN", repository().join("editors/nvim"))
        .env("AVTAL_REPLAY_DIR", dir)
        .env("AVTAL_REPLAY_OUT", &out)
        .env("AVTAL_TS_PARSER", parser.unwrap_or(Path::new("")))
        // Neovim's own state and the server's stdlib copy stay in the
        // test's directory.
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nvim");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "nvim exited with {status}");
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish the replay within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(&out).expect("the replay's record");
    let record: Value = serde_json::from_str(&text).unwrap();
    assert!(
        record.get("error").is_none(),
        "the replay failed: {record:#}"
    );
    record
}

#[test]
fn neovim_drives_the_server_through_a_drafters_session() {
    let Some(nvim) = nvim() else {
        eprintln!(
            "\n\n*** SKIPPED nvim_replay: `nvim` is not installed (run scripts/setup-test-deps) ***\n\n"
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("avtal-nvim-replay-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let dir = std::fs::canonicalize(&dir).unwrap();
    let w1 = std::fs::read_to_string(repository().join("examples/w1_payroll_month.avtal")).unwrap();
    std::fs::write(dir.join("w1.avtal"), &w1).unwrap();
    std::fs::write(dir.join("broken.avtal"), BROKEN).unwrap();
    std::fs::write(dir.join("messy.avtal"), messy(&w1)).unwrap();

    let parser = tree_sitter_parser(&dir);
    let record = replay(&nvim, &dir, parser.as_deref());
    eprintln!(
        "Neovim {} took the {} configuration path",
        record["nvim"], record["api"]
    );
    assert_eq!(record["filetype"], "avtal");
    assert_eq!(record["commentstring"], "// %s");

    // The broken file: the help line reaches Neovim's diagnostics and the
    // float a user opens on them.
    let diagnostics = record["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.contains("\nhelp: "), "{message}");
    assert_eq!(diagnostics[0]["lnum"], 2);
    let float: Vec<&str> = record["float"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        float.iter().any(|l| l.trim_start().starts_with("help: ")),
        "{float:#?}"
    );

    // Hover and definition on a stdlib rule: Neovim opens the read-only
    // copy with the cursor on the name.
    let hover = record["hover"].as_str().unwrap();
    assert!(hover.contains("uppsägningstid_månader"), "{hover}");
    let buffer = record["definition_buffer"].as_str().unwrap();
    assert!(
        Path::new(buffer).starts_with(dir.join("cache/avtal")),
        "{buffer}"
    );
    assert!(buffer.ends_with("stdlib/lag/las.avtal"), "{buffer}");
    assert_eq!(record["definition_word"], "uppsägningstid_månader");
    assert_eq!(record["definition_readonly"], true);

    let field = record["field_hover"].as_str().unwrap();
    assert!(field.contains("LimitCheck<Hours>.room: Hours"), "{field}");

    // Rename: every use and the definition, nothing else.
    let before = record["before_rename"].as_str().unwrap();
    let after = record["after_rename"].as_str().unwrap();
    assert_eq!(before, w1);
    let uses = before.matches("dagslön").count();
    assert!(uses >= 2, "{uses}");
    assert_eq!(after.matches("dagslön_för_utfyllnad").count(), uses);
    assert_eq!(after.replace("dagslön_för_utfyllnad", "dagslön"), before);

    // Formatting gives what `avtal fmt` gives.
    let formatted = record["formatted"].as_str().unwrap();
    assert_ne!(formatted, messy(&w1));
    assert_eq!(formatted, formatted_by_cli(&dir, &messy(&w1)));

    // Highlighting without the server: Neovim loads the grammar's parser
    // (ABI 14, which Neovim 0.7's tree-sitter library reads) and the
    // plugin's highlight query, and W1 parses without an error.
    if parser.is_some() {
        assert_eq!(record["ts_has_error"], false);
        let captures = &record["ts_captures"];
        for name in [
            "keyword",
            "function",
            "function.call",
            "type",
            "property",
            "comment.documentation",
        ] {
            assert!(
                captures[name].as_u64().unwrap_or(0) > 0,
                "no `{name}` in {captures}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
