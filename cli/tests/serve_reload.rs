//! Versions side by side and hot reload under load: a directory of two
//! versions is served, each by name and one by default; while client
//! threads send requests without pause, the default version's source is
//! rewritten several times, once with an error. No request fails, every
//! answer comes wholly from one compilation (the marker in its body
//! matches the generation in its `Avtal-Version` header), the versions
//! follow each other in order, and the broken source is refused with its
//! diagnostics at `GET /v1/versions` while the previous one keeps serving.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
#[path = "common/server.rs"]
mod server;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{scratch, write};
use server::Server;

fn agreement(marker: i64) -> String {
    format!(
        "module prov.version

record In {{
  id: Int
}}

record Ut {{
  id: Int
  marker: Int
}}

evaluate Prov(r: In) -> Ut {{
  Ut {{
    id: r.id
    marker: {marker}
  }}
}}
"
    )
}

/// The marker of an answer.
fn marker(body: &serde_json::Value) -> i64 {
    body["marker"].as_i64().unwrap()
}

/// Wait up to a minute for `done`; the server's stderr (its reloads and
/// refusals) is in the failure.
fn wait_for(server: &Server, what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}; the server said:\n{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sets the clients' stop flag when dropped, also while the test unwinds
/// from a failed assertion: the scope then joins clients that end, and the
/// failure is reported instead of waiting for them forever.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

fn write_version(dir: &Path, name: &str, text: &str) {
    // Written beside and renamed, as editors save.
    let temporary = dir.join(format!(".{name}.tmp"));
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, dir.join(name)).unwrap();
}

#[test]
fn reload_under_load_loses_no_request_and_mixes_no_versions() {
    let dir = scratch("serve_reload");
    let versions = dir.join("versions");
    write(&versions, "gallande.avtal", &agreement(1));
    write(&versions, "forslag.avtal", &agreement(100));
    let server = Server::start(
        &dir,
        &[
            "versions",
            "--default-version",
            "gallande",
            "--reload-interval",
            "100ms",
        ],
    );

    // Side by side.
    let reply = server.post_json("/v1/Prov", r#"{"id": 1}"#);
    assert_eq!(
        (reply.status, marker(&reply.json())),
        (200, 1),
        "{}",
        reply.text()
    );
    assert_eq!(reply.version, "gallande/1");
    let reply = server.post_json("/v1/Prov?version=forslag", r#"{"id": 1}"#);
    assert_eq!(marker(&reply.json()), 100);
    assert_eq!(reply.version, "forslag/1");

    let stop = AtomicBool::new(false);
    let answers: Vec<Vec<(u16, String, i64)>> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..4)
            .map(|client| {
                let (server, stop) = (&server, &stop);
                scope.spawn(move || {
                    let mut seen = Vec::new();
                    let mut id = 0;
                    while !stop.load(Ordering::Relaxed) {
                        id += 1;
                        let reply = server.post_json(
                            "/v1/Prov",
                            &format!(r#"{{"id": {}}}"#, client * 1_000_000 + id),
                        );
                        let body = if reply.status == 200 {
                            marker(&reply.json())
                        } else {
                            -1
                        };
                        seen.push((reply.status, reply.version.clone(), body));
                    }
                    seen
                })
            })
            .collect();
        let _stop_clients = StopOnDrop(&stop);
        for generation_marker in [2, 3] {
            write_version(&versions, "gallande.avtal", &agreement(generation_marker));
            wait_for(&server, "the new version", || {
                marker(&server.post_json("/v1/Prov", r#"{"id": 0}"#).json()) == generation_marker
            });
        }
        // A broken source: refused, the previous one keeps serving.
        write_version(
            &versions,
            "gallande.avtal",
            &agreement(4).replace("marker: 4", "marker: 4 +"),
        );
        wait_for(&server, "the refusal", || {
            let listed = server.get("/v1/versions").json();
            listed["versions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["name"] == "gallande" && v["refused"].is_object())
        });
        let listed = server.get("/v1/versions").json();
        let gallande = listed["versions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == "gallande")
            .unwrap()
            .clone();
        let diagnostics = gallande["refused"]["diagnostics"].as_array().unwrap();
        assert!(!diagnostics.is_empty(), "{gallande}");
        assert!(
            diagnostics[0]["code"].as_str().unwrap().starts_with('E'),
            "{gallande}"
        );
        assert!(
            gallande["refused"]["rendered"]
                .as_str()
                .unwrap()
                .contains("gallande.avtal"),
            "{gallande}"
        );
        assert_eq!(gallande["serving"]["generation"], 3, "{gallande}");
        assert_eq!(
            marker(&server.post_json("/v1/Prov", r#"{"id": 0}"#).json()),
            3
        );
        assert!(server.stderr().contains("refused"), "{}", server.stderr());
        // Fixed again.
        write_version(&versions, "gallande.avtal", &agreement(5));
        wait_for(&server, "the fixed version", || {
            marker(&server.post_json("/v1/Prov", r#"{"id": 0}"#).json()) == 5
        });
        std::thread::sleep(Duration::from_millis(300));
        stop.store(true, Ordering::Relaxed);
        clients.into_iter().map(|c| c.join().unwrap()).collect()
    });

    let mut by_generation: BTreeMap<String, i64> = BTreeMap::new();
    let mut total = 0;
    for seen in &answers {
        let mut last = 0;
        for (status, version, marker) in seen {
            assert_eq!(
                *status, 200,
                "a request failed during a reload: {version} {marker}"
            );
            let previous = by_generation.insert(version.clone(), *marker);
            assert!(
                previous.is_none_or(|p| p == *marker),
                "{version} answered {previous:?} and {marker}"
            );
            assert!(*marker >= last, "went back from {last} to {marker}");
            last = *marker;
            total += 1;
        }
    }
    let markers: Vec<i64> = by_generation.values().copied().collect();
    assert!(
        markers.contains(&1) && markers.contains(&5),
        "{by_generation:?}"
    );
    assert!(total > 50, "only {total} requests during the reloads");
    // The other version was never touched.
    assert_eq!(
        marker(
            &server
                .post_json("/v1/Prov?version=forslag", r#"{"id": 1}"#)
                .json()
        ),
        100
    );

    // A version added to the directory is served too.
    write_version(&versions, "ny.avtal", &agreement(7));
    wait_for(&server, "the new file", || {
        server
            .post_json("/v1/Prov?version=ny", r#"{"id": 1}"#)
            .status
            == 200
    });
}

#[test]
fn several_versions_without_a_default_must_be_named() {
    let dir = scratch("serve_no_default");
    write(&dir, "a/regler.avtal", &agreement(1));
    write(&dir, "b/regler.avtal", &agreement(2));
    let server = Server::start(&dir, &[".", "--no-reload"]);
    let problem = server
        .post_json("/v1/Prov", r#"{"id": 1}"#)
        .problem(400, "version-required");
    assert!(
        problem["detail"].as_str().unwrap().contains("a, b"),
        "{problem}"
    );
    assert_eq!(
        marker(
            &server
                .post_json("/v1/Prov?version=b", r#"{"id": 1}"#)
                .json()
        ),
        2
    );
    let reply = server.post_with(
        "/v1/Prov",
        &[("content-type", "application/json"), ("avtal-version", "a")],
        br#"{"id": 1}"#,
    );
    assert_eq!(marker(&reply.json()), 1);
}

#[test]
fn versions_that_cannot_be_served_stop_the_start_with_a_reason() {
    let dir = scratch("serve_start_refusals");
    write(&dir, "a/prov.avtal", &agreement(1));
    write(&dir, "b/prov.avtal", &agreement(2));
    write(
        &dir,
        "trasig.avtal",
        &agreement(3).replace("marker: 3", "marker: 3 +"),
    );

    // Two versions of one name.
    let (code, stderr) = Server::try_start(&dir, &["a/prov.avtal", "b/prov.avtal"])
        .err()
        .unwrap();
    assert_eq!(code, Some(1));
    assert!(stderr.contains("two versions are named `prov`"), "{stderr}");

    // A default that is not a version.
    let (code, stderr) = Server::try_start(
        &dir,
        &["a/prov.avtal", "trasig.avtal", "--default-version", "c"],
    )
    .err()
    .unwrap();
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("the versions are: prov, trasig"),
        "{stderr}"
    );

    // Nothing compiles: the diagnostics, then the refusal.
    let (code, stderr) = Server::try_start(&dir, &["trasig.avtal"]).err().unwrap();
    assert_eq!(code, Some(1));
    assert!(stderr.contains("trasig.avtal:"), "{stderr}");
    assert!(stderr.contains("no version compiles"), "{stderr}");

    // One broken version among good ones: the others serve, it is
    // refused. (A directory holds versions: `a` holds `prov`.)
    let server = Server::start(
        &dir,
        &[
            "a",
            "trasig.avtal",
            "--default-version",
            "prov",
            "--no-reload",
        ],
    );
    assert_eq!(
        marker(&server.post_json("/v1/Prov", r#"{"id": 1}"#).json()),
        1
    );
    server
        .post_json("/v1/Prov?version=trasig", r#"{"id": 1}"#)
        .problem(503, "version-refused");
}
