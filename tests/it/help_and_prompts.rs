//! Help, prompts and quiet output as an operator sees them: global flags
//! under their own heading, refusals that suggest only flags the command
//! has, `-q` for cron, and an empty search that says so.

use crate::common;
use crate::common::install::{Install, Installed};
use crate::common::{talos, talos_at};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn global_flags_have_their_own_heading() {
    for cmd in [&["status", "--help"][..], &["backup", "create", "--help"]] {
        let out = talos().args(cmd).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let help = text(&out.stdout);
        let (own, global) = help
            .split_once("Global options:")
            .unwrap_or_else(|| panic!("no Global options heading in {cmd:?}:\n{help}"));
        for flag in ["--root <DIR>", "--json", "--yes", "--quiet", "--timeout"] {
            assert!(global.contains(flag), "{flag} not under Global options");
            let listed = own.lines().any(|l| {
                let l = l.trim_start();
                l.starts_with(flag) || l.contains(&format!(", {flag}"))
            });
            assert!(!listed, "{flag} among the command's own options");
        }
    }
}

#[test]
fn panic_without_a_terminal_suggests_its_dry_run() {
    let (_g, Installed { root, .. }) = Install::sandbox(3).create_temp();
    // panic's refusal offers its plan.
    talos_at(&root)
        .args(["panic", "--reason", "test", "--force"])
        .assert()
        .code(4)
        .stderr(contains("--yes").and(contains("--dry-run")));
    // ... and that --dry-run exists: it shows the plan, acts on nothing.
    let panic_log = root.join("var/log/talos/panic.log");
    let log_before = std::fs::read(&panic_log).ok();
    talos_at(&root)
        .args(["panic", "--reason", "test", "--force", "--dry-run"])
        .assert()
        .code(0)
        .stdout(contains("SIGNAL_PANIC").and(contains("Dry run: nothing was done")));
    assert!(!root.join("var/lib/talos/SIGNAL_PANIC").exists());
    assert!(!root.join("var/lib/talos/emergency_state.json").exists());
    assert_eq!(
        std::fs::read(&panic_log).ok(),
        log_before,
        "the plan logs nothing"
    );
    // restore has one, and its refusal says so.
    let backup = config_backup(&root);
    talos_at(&root)
        .args(["restore", &backup])
        .assert()
        .code(4)
        .stderr(contains("--dry-run"));
}

#[test]
fn quiet_silences_the_success_line() {
    let (_g, Installed { root, .. }) = Install::sandbox(4).create_temp();
    // -q prints nothing on success.
    talos_at(&root)
        .args(["-q", "backup", "create", "--partial", "config"])
        .assert()
        .code(0)
        .stdout("");
    talos_at(&root)
        .args(["backup", "create", "--partial", "config"])
        .assert()
        .stdout(contains("backup written:"));
}

#[test]
fn an_empty_log_query_says_so_on_stderr() {
    let (_g, Installed { root, .. }) = Install::sandbox(5).create_temp();
    talos_at(&root)
        .args(["log", "query", "--contains", "no-such-text-anywhere"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(contains("no matching lines"));
    // With --json stdout stays empty JSON lines; the note is on stderr only.
    talos_at(&root)
        .args([
            "--json",
            "log",
            "query",
            "--contains",
            "no-such-text-anywhere",
        ])
        .assert()
        .stdout("");
}

#[test]
fn a_sandbox_made_in_the_past_suggests_a_log_query_that_finds_lines() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sb");
    let out = talos()
        .args(["sandbox", "init", "--now", "2024-01-15T08:30:00Z"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let screen = text(&out.stdout);
    let line = screen
        .lines()
        .map(str::trim)
        .find(|l| l.contains("log query"))
        .unwrap_or_else(|| panic!("no log query suggested:\n{screen}"));
    let words: Vec<&str> = line.split_whitespace().skip(1).collect();
    let out = talos().args(&words).arg("--count").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{line}");
    let n: u64 = text(&out.stdout).trim().parse().unwrap();
    assert!(n > 0, "`{line}` finds nothing");
}

/// Every time in `sandbox init --json` is a `*_at` key in RFC 3339 UTC with
/// milliseconds (docs/format.md §7): no `now`, `at` or `heartbeat`.
#[test]
fn sandbox_init_json_names_its_times_by_the_convention() {
    let (_g, Installed { summary: doc, .. }) = Install::sandbox(6).create_temp();
    fn walk(key: &str, v: &serde_json::Value, bad: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    walk(k, v, bad)
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(key, v, bad)),
            serde_json::Value::String(s) if s.parse::<jiff::Timestamp>().is_ok() => {
                let shape = s.len() == 24 && s.ends_with('Z') && s.as_bytes()[19] == b'.';
                if !key.ends_with("_at") || !shape {
                    bad.push(format!("{key}: {s}"));
                }
            }
            _ => {}
        }
    }
    let mut bad = Vec::new();
    walk("", &doc, &mut bad);
    assert!(bad.is_empty(), "times outside the convention: {bad:?}");
    assert_eq!(doc["created_at"], "2026-01-15T10:00:00.000Z");
    assert!(doc["stories"]["breaker_open"]["occurred_at"].is_string());
}

/// `-q` for cron: each command that ends with a success line prints
/// nothing at all when it succeeds, and still says why when it fails.
#[test]
fn quiet_leaves_every_successful_command_silent_and_never_hides_an_error() {
    let (_g, Installed { root, .. }) = Install::sandbox(7).create_temp();
    let dead = format!("http://127.0.0.1:{}", common::free_port());
    let quiet = |args: &[&str]| {
        talos_at(&root)
            .args(["--url", &dead, "-q"])
            .args(args)
            .assert()
            .code(0)
            .stdout("")
            .stderr("");
    };
    quiet(&["backup", "create", "--partial", "config,state"]);
    let backup = common::archive::newest_backup(&root.join("var/backups/talos"));
    let backup = backup.to_str().unwrap();
    quiet(&["backup", "verify", backup]);
    quiet(&["audit", "verify-chain"]);
    quiet(&["config", "validate"]);
    let debug_log = root.join("var/log/talos/debug.log");
    quiet(&["--yes", "repair", "jsonl", debug_log.to_str().unwrap()]);
    quiet(&["--yes", "repair", "leftovers"]);
    quiet(&[
        "--yes",
        "breaker",
        "force-open",
        "database",
        "--reason",
        "quiet test",
    ]);
    quiet(&["db", "checkpoint"]);
    quiet(&["--yes", "breaker", "reset", "llm_api"]);
    quiet(&["--yes", "restore", backup, "--partial", "config"]);
    quiet(&["--yes", "log", "prune"]);
    quiet(&["--yes", "panic", "--reason", "quiet test", "--force"]);
    quiet(&["--yes", "recover"]);
    quiet(&["--yes", "recover"]);
    // An error is never silenced: it says what went wrong, with exit != 0.
    for args in [
        &["backup", "verify", "/nonexistent/backup.tar.gz"][..],
        &["restore", backup],
        &["--online", "status"],
    ] {
        // -q never hides the error.
        talos_at(&root)
            .args(["--url", &dead, "-q"])
            .args(args)
            .assert()
            .failure()
            .stderr(contains("error"));
    }
}

/// A second `recover` after the state was put back has nothing to do: it
/// says so instead of asking "Put back 0 file(s)?" (which, without a
/// terminal, refused with exit 4).
#[test]
fn recover_with_nothing_to_put_back_says_so_without_asking() {
    let (_g, Installed { root, .. }) = Install::sandbox(8).create_temp();
    let dead = format!("http://127.0.0.1:{}", common::free_port());
    let run = |args: &[&str]| talos_at(&root).args(["--url", &dead]).args(args).assert();
    run(&["--yes", "panic", "--reason", "test", "--force"]).code(0);
    run(&["--yes", "recover"]).code(0);
    run(&["recover"])
        .code(0)
        .stdout(contains("nothing to do").and(contains("0 file(s)").not()));
    let doc = common::json_ok(talos_at(&root).args(["--url", &dead, "--json", "recover"]));
    assert_eq!(doc["nothing_to_do"], true);
    assert_eq!(doc["files_written"], serde_json::Value::Null);
}

/// At a real terminal (a pty from `script`): the prompt is written once, on
/// one line, and Ctrl-C there ends talos with 130, the cursor shown again and
/// nothing changed.
#[test]
fn ctrl_c_at_a_prompt_restores_the_cursor_and_changes_nothing() {
    use std::io::{Read, Write};
    use std::time::Duration;
    // A terminal test cannot pass without a terminal: it fails when
    // `script` is missing, like tests/it/terminal_screens.rs.
    assert!(
        std::process::Command::new("script")
            .arg("--version")
            .output()
            .is_ok(),
        "util-linux `script` is needed to make a pty for this test"
    );
    let (_g, Installed { root, .. }) = Install::sandbox(9).create_temp();
    let backup = config_backup(&root);
    let config = root.join("etc/talos/config.yaml");
    std::fs::write(&config, "changed after the backup\n").unwrap();
    let talos = assert_cmd::cargo::cargo_bin("talos");
    let line = format!(
        "'{}' --root '{}' restore '{}' --partial config",
        talos.display(),
        root.display(),
        backup
    );
    let mut child = std::process::Command::new("script")
        .args(["-qfec", &line, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .env("COLUMNS", "80")
        .env("TZ", "UTC")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let wait_for = |needle: &str, seen: &mut Vec<u8>| -> bool {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while !String::from_utf8_lossy(seen).contains(needle) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(bytes) => seen.extend(bytes),
                Err(_) => return false,
            }
        }
        true
    };
    if !wait_for("[y/N]", &mut seen) {
        let _ = child.kill();
        let _ = child.wait();
        panic!("no prompt: {}", String::from_utf8_lossy(&seen));
    }
    stdin.write_all(b"\x03").unwrap();
    stdin.flush().unwrap();
    let quit = wait_for("quitting", &mut seen);
    // The end of output: the reader thread stops at EOF.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while let Ok(bytes) =
        rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
    {
        seen.extend(bytes);
    }
    drop(stdin);
    let mut status = None;
    let left = deadline.saturating_duration_since(std::time::Instant::now());
    if !common::sim::wait_for(left, || {
        status = child.try_wait().unwrap();
        status.is_some()
    }) {
        let _ = child.kill();
        let _ = child.wait();
    }
    let screen = String::from_utf8_lossy(&seen).into_owned();
    assert!(quit, "Ctrl-C did not end talos: {screen:?}");
    assert_eq!(status.and_then(|s| s.code()), Some(130), "{screen:?}");
    assert_eq!(
        screen.matches("[y/N]").count(),
        1,
        "prompt written once: {screen:?}"
    );
    let prompt = screen.lines().find(|l| l.contains("[y/N]")).unwrap();
    assert!(
        !prompt.contains('\r') || prompt.trim_end_matches('\r').find('\r').is_none(),
        "the prompt is never redrawn: {prompt:?}"
    );
    let after = &screen[screen.find("quitting").unwrap()..];
    assert!(
        after.contains("\x1b[?25h"),
        "the cursor is shown again after Ctrl-C: {screen:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "changed after the backup\n",
        "nothing restored"
    );
}

/// `log query --json` prints what its --help and docs/format.md say: JSON
/// lines (each a whole log line, an object), and `{"count": N}` with --count.
#[test]
fn log_query_json_prints_the_json_lines_its_help_promises() {
    let help = text(
        &talos()
            .args(["log", "query", "--help"])
            .output()
            .unwrap()
            .stdout,
    );
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("--json prints JSON lines, not one document"),
        "{help}"
    );
    assert!(help.contains(r#"`{"count": N}`"#), "{help}");
    let format = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/format.md"),
    )
    .unwrap();
    let format = format.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        format.contains("`log query --json` prints **JSON lines**")
            && format.contains(r#"`{"count": N}`"#),
        "docs/format.md says otherwise"
    );
    let (_g, Installed { root, .. }) = Install::sandbox(10).create_temp();
    let out = talos_at(&root)
        .args(["--json", "log", "query", "--level", "ERROR", "--limit", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).expect("each line is JSON");
        assert_eq!(v["level"], "ERROR", "the log line itself: {l}");
    }
    let out = talos_at(&root)
        .args(["--json", "log", "query", "--level", "ERROR", "--count"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["count"]);
    assert!(doc["count"].as_u64().unwrap() > 0);
}

/// A backup of the config alone (quick to make and to restore); its path.
fn config_backup(root: &std::path::Path) -> String {
    let doc =
        common::json_ok(talos_at(root).args(["--json", "backup", "create", "--partial", "config"]));
    doc["path"].as_str().unwrap().to_string()
}
