//! `avtal fmt`: formats in place, `--check` reports without writing, files
//! with syntax errors are refused.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]

use std::process::Command;

#[test]
fn fmt_check_then_write() {
    let dir = std::env::temp_dir().join(format!("avtal-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("a.avtal");
    let messy = "rule x(a: Int) -> Int\n{\n      a   // kvar\n}\n";
    std::fs::write(&file, messy).unwrap();
    let avtal = env!("CARGO_BIN_EXE_avtal");

    let check = Command::new(avtal)
        .args(["fmt", "--check"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stderr).contains("would reformat"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), messy);

    let write = Command::new(avtal).arg("fmt").arg(&file).output().unwrap();
    assert_eq!(write.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "rule x(a: Int) -> Int\n{\n  a   // kvar\n}\n"
    );
    let again = Command::new(avtal)
        .args(["fmt", "--check"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));

    std::fs::write(&file, "rule x( -> Int = 1\n").unwrap();
    let broken = Command::new(avtal).arg("fmt").arg(&file).output().unwrap();
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("syntax error"));
    let _ = std::fs::remove_dir_all(&dir);
}
