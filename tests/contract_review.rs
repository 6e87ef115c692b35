//! Contract conformance checks added by the review: each test pins one
//! clause of CONTRACT.md that the product did not follow before.

mod common;

use std::path::Path;
use std::time::Duration;

use common::sim::{Sim, minimal_install};
use common::talos_at;
use serde_json::Value;

/// Stdout must be exactly one JSON document; returns it.
fn one_json_doc(stdout: &[u8]) -> Value {
    let text = std::str::from_utf8(stdout).expect("stdout is UTF-8");
    let mut docs = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let first = docs
        .next()
        .unwrap_or_else(|| panic!("no JSON document on stdout: {text:?}"))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {text:?}"));
    assert!(
        docs.next().is_none(),
        "more than one document on stdout: {text:?}"
    );
    first
}

/// CONTRACT §6 (one JSON document with --json) and §5 (usage error, exit 2):
/// a command line that does not parse still prints an error document.
#[test]
fn usage_error_with_json_prints_one_error_document() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["breaker", "reset", "--json"],
        vec!["--json", "no-such-command"],
        vec!["status", "--no-such-flag", "--json"],
        vec!["log", "query", "--since", "not-a-time", "--json"],
    ] {
        let out = talos_at(dir.path()).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let doc = one_json_doc(&out.stdout);
        assert_eq!(doc["error"]["kind"], "usage", "{args:?}: {doc}");
        assert_eq!(doc["error"]["exit_code"], 2, "{args:?}: {doc}");
        assert!(
            !doc["error"]["message"].as_str().unwrap().is_empty(),
            "{args:?}: {doc}"
        );
    }
    // Without --json a usage error leaves stdout empty.
    let out = talos_at(dir.path())
        .args(["breaker", "reset"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

fn panic_json(root: &Path, extra: &[&str]) -> Value {
    let out = talos_at(root)
        .args(["panic", "--reason", "contract review", "--yes", "--json"])
        .args(extra)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    one_json_doc(&out.stdout)
}

/// CONTRACT §6: a command that can act on the daemon says which path it
/// took, `online` (API) or `offline` (files, signals).
#[test]
fn panic_says_which_path_it_took() {
    // Through the API: online.
    let dir = tempfile::tempdir().unwrap();
    minimal_install(dir.path());
    let mut sim = Sim::start(dir.path(), &["--signal-poll", "0.2"]);
    let doc = panic_json(dir.path(), &["--url", &sim.url]);
    assert_eq!(doc["escalation"]["method"], "api", "{doc}");
    assert_eq!(doc["path"], "online", "{doc}");
    assert!(sim.wait_exit(Duration::from_secs(10)).is_some());

    // --offline: the signal file stops it; offline.
    let dir = tempfile::tempdir().unwrap();
    minimal_install(dir.path());
    let mut sim = Sim::start(dir.path(), &["--signal-poll", "0.2"]);
    let doc = panic_json(dir.path(), &["--url", &sim.url, "--offline"]);
    assert_eq!(doc["escalation"]["method"], "signal_file", "{doc}");
    assert_eq!(doc["path"], "offline", "{doc}");
    assert!(sim.wait_exit(Duration::from_secs(10)).is_some());

    // Nothing running (--force): offline.
    let dir = tempfile::tempdir().unwrap();
    minimal_install(dir.path());
    let doc = panic_json(dir.path(), &["--url", "http://127.0.0.1:9", "--force"]);
    assert_eq!(doc["path"], "offline", "{doc}");
}

/// Runs `talos ARGS` on a pseudo-terminal (util-linux `script`), with
/// `NO_COLOR` set or not; returns everything it printed. None when `script`
/// is not installed.
fn on_tty(args: &str, no_color: bool) -> Option<String> {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    let talos = env!("CARGO_BIN_EXE_talos");
    let mut cmd = std::process::Command::new(script);
    cmd.args(["-qec", &format!("{talos} {args}"), "/dev/null"])
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::null());
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let out = cmd.output().unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// CONTRACT §6: colour and progress bars never appear with NO_COLOR set,
/// even on a terminal.
#[test]
fn no_progress_bar_with_no_color_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("inst");
    talos_at(&root)
        .args(["sandbox", "init"])
        .arg(&root)
        .assert()
        .success();
    let out = talos_at(&root)
        .args(["backup", "create", "--yes", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc = one_json_doc(&out.stdout);
    let archive = doc["path"].as_str().unwrap().to_string();
    let root_s = root.display().to_string();
    for args in [
        format!("--root {root_s} backup verify {archive}"),
        format!("--root {root_s} restore {archive} --dry-run"),
        format!("--root {root_s} status"),
    ] {
        let Some(text) = on_tty(&args, true) else {
            eprintln!("`script` is not installed: skipping the terminal check");
            return;
        };
        assert!(
            !text.contains('\u{1b}'),
            "escape sequences with NO_COLOR for `{args}`: {text:?}"
        );
        assert!(!text.trim().is_empty(), "no output for `{args}`");
    }
}
