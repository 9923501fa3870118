//! Real clients of `avtal serve`: the OpenAPI document checked by a real
//! validator (openapi-spec-validator, installed by
//! scripts/test-deps/serve.sh), the Java example of docs/serve.md compiled
//! with javac and run against the server, and the curl end-to-end script
//! scripts/serve-e2e.sh. A missing tool fails the test with the command
//! that installs it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
#[path = "common/server.rs"]
mod server;

use std::fs;
use std::process::Command;

use common::{avtal, scratch, workspace};
use server::Server;

const SETUP: &str = "run scripts/setup-test-deps (scripts/test-deps/serve.sh)";

#[test]
fn the_openapi_document_of_every_version_is_valid_openapi_3_1() {
    let dir = scratch("serve_openapi");
    let server = Server::start(&workspace(), &["examples", "--no-reload"]);
    let versions = server.get("/v1/versions").json();
    for version in versions["versions"].as_array().unwrap() {
        let name = version["name"].as_str().unwrap();
        let reply = server.get(&format!("/openapi.json?version={name}"));
        assert_eq!(reply.status, 200, "{}", reply.text());
        let document = reply.json();
        assert_eq!(document["openapi"], "3.1.0");
        for entry in version["serving"]["entries"].as_array().unwrap() {
            let entry = entry.as_str().unwrap();
            assert!(
                document["paths"][format!("/v1/{entry}")]["post"].is_object(),
                "{name}/{entry}"
            );
        }
        let path = dir.join(format!("{name}.openapi.json"));
        fs::write(&path, reply.text()).unwrap();
        let checked = Command::new("python3")
            .args(["-m", "openapi_spec_validator", "--schema", "3.1"])
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("python3: {e}; {SETUP}"));
        let stderr = String::from_utf8_lossy(&checked.stderr);
        assert!(!stderr.contains("No module named"), "{stderr}; {SETUP}");
        assert!(
            checked.status.success(),
            "{name}: {}{stderr}",
            String::from_utf8_lossy(&checked.stdout)
        );
    }
    // The entry schemas in the document are avtal build's.
    let document = server.get("/openapi.json?version=w1_payroll_month").json();
    let schema = server
        .get("/v1/entries/W1/schema?version=w1_payroll_month")
        .json();
    let mut input = schema["$defs"]["input"].clone();
    input.as_object_mut().unwrap().remove("description");
    let mut served = document["components"]["schemas"]["W1_input"].clone();
    served.as_object_mut().unwrap().remove("description");
    assert_eq!(served, input);
}

#[test]
fn the_java_example_calls_the_server() {
    let dir = scratch("serve_java");
    let source = workspace().join("docs/serve/AvtalClient.java");
    let compiled = Command::new("javac")
        .args(["-d", dir.to_str().unwrap()])
        .arg(&source)
        .output()
        .unwrap_or_else(|e| panic!("javac: {e}; {SETUP}"));
    assert!(
        compiled.status.success(),
        "{}",
        String::from_utf8_lossy(&compiled.stderr)
    );

    let w1 = workspace().join("examples/w1_payroll_month.avtal");
    fs::write(dir.join("token"), "java-token\n").unwrap();
    let server = Server::start(
        &dir,
        &[w1.to_str().unwrap(), "--token-file", "token", "--no-reload"],
    );
    let record = r#"{"id":1,"period":"2026-06-01","salary":"62399.95","rate":"100.00","supplement":"0.29","vacation_days":0,"division":"I","flex_transition":false,"reserve_days":0,"reserve_days_ytd":0,"reserve_reason":"duty","reserve_pay":"0.00","mertid_ytd":"26.9","overtime_ytd":"156.7","appointment":"tillsvidare","service_years":2}"#;
    fs::write(dir.join("record.json"), record).unwrap();
    let java = |args: &[&str]| {
        Command::new("java")
            .args(["-cp", dir.to_str().unwrap(), "AvtalClient", &server.base])
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let answered = java(&["W1", "record.json", "java-token"]);
    let stderr = String::from_utf8_lossy(&answered.stderr);
    assert!(answered.status.success(), "{stderr}");
    assert!(
        stderr.contains("answered by version w1_payroll_month/1"),
        "{stderr}"
    );

    // The same line `avtal run` writes for row 1.
    let out = dir.join("run.jsonl");
    avtal(
        &dir,
        &[
            "run",
            w1.to_str().unwrap(),
            "--input",
            workspace()
                .join("examples/w1_population.csv")
                .to_str()
                .unwrap(),
            "--output-format",
            "jsonl",
            "-o",
            out.to_str().unwrap(),
        ],
    )
    .expect_code(0);
    let first = fs::read_to_string(&out)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(String::from_utf8_lossy(&answered.stdout).trim_end(), first);

    // Without the token: refused, with the problem document.
    let refused = java(&["W1", "record.json"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("\"code\":\"unauthorized\""));
}

#[test]
fn the_curl_end_to_end_script_passes() {
    let script = workspace().join("scripts/serve-e2e.sh");
    let ran = Command::new("bash")
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_avtal"))
        .current_dir(workspace())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&ran.stderr);
    assert!(!stderr.contains("curl: command not found"), "{SETUP}");
    assert!(
        ran.status.success(),
        "{}{stderr}",
        String::from_utf8_lossy(&ran.stdout)
    );
    assert!(String::from_utf8_lossy(&ran.stdout).contains("serve-e2e: ok"));
}
