//! `talos panic` and `talos recover` against real talos-sim processes on
//! loopback: each rung of the escalation, PID safety, preserves, recovery.

use crate::common;
use crate::common::install::Install;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::sim::Sim;
use crate::common::{free_port, json_ok, talos_at};
use serde_json::Value;

/// A new `Install::minimal()` installation (the temp dir is its root).
fn minimal() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    Install::minimal().create(dir.path());
    dir
}

/// `minimal()` with a talos-sim daemon on it that polls for SIGNAL_PANIC
/// every second, started with `extra` arguments.
fn minimal_with_sim(extra: &[&str]) -> (tempfile::TempDir, Sim) {
    let dir = minimal();
    let mut args = vec!["--signal-poll", "1"];
    args.extend_from_slice(extra);
    let sim = Sim::start(dir.path(), &args);
    (dir, sim)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn data_dir(root: &Path) -> PathBuf {
    root.join("var/lib/talos")
}

fn preserves(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(data_dir(root).join("emergency_preserves"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Audit actions in order.
fn audit_actions(root: &Path) -> Vec<Value> {
    let dir = root.join("var/log/talos/audit");
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for f in files {
        if f.extension().is_some_and(|e| e == "jsonl") {
            for line in std::fs::read_to_string(f).unwrap().lines() {
                out.push(serde_json::from_str(line).unwrap());
            }
        }
    }
    out
}

/// `talos --url URL --json --yes panic --reason "test panic" EXTRA...`:
/// asserts it exits `code` and returns its report.
fn panic_json(root: &Path, url: &str, extra: &[&str], code: i32) -> Value {
    panic_json_env(root, url, extra, &[], code)
}

fn panic_json_env(
    root: &Path,
    url: &str,
    extra: &[&str],
    env: &[(&str, &str)],
    code: i32,
) -> Value {
    let assert = talos_at(root)
        .envs(env.iter().copied())
        .args([
            "--url",
            url,
            "--json",
            "--yes",
            "panic",
            "--reason",
            "test panic",
        ])
        .args(extra)
        .timeout(Duration::from_secs(60))
        .assert()
        .code(code);
    serde_json::from_slice(&assert.get_output().stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{assert}"))
}

fn outcomes(doc: &Value) -> Vec<String> {
    doc["escalation"]["rungs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}={}",
                r["rung"].as_str().unwrap(),
                r["outcome"].as_str().unwrap()
            )
        })
        .collect()
}

fn write_queue(root: &Path, body: &str) {
    std::fs::write(data_dir(root).join("state/task_queue.json"), body).unwrap();
}

/// A URL where nothing listens.
fn dead_url() -> String {
    format!("http://127.0.0.1:{}", free_port())
}

#[test]
fn responsive_daemon_stops_through_the_api_and_recover_refuses_while_one_runs() {
    let dir = minimal();
    let root = dir.path();
    write_queue(root, r#"{"tasks":[{"id":"a"},{"id":"b"}]}"#);
    let mut sim = Sim::start(root, &["--signal-poll", "1"]);

    let doc = panic_json(root, &sim.url.clone(), &[], 0);
    assert_eq!(
        outcomes(&doc),
        [
            "api=stopped",
            "signal_file=skipped",
            "sigterm=skipped",
            "sigkill=skipped"
        ]
    );
    assert_eq!(doc["escalation"]["method"], "api");
    assert_eq!(doc["access"], "online");
    assert!(
        sim.wait_exit(Duration::from_secs(5)).is_some(),
        "sim still running"
    );

    let st = read_json(&data_dir(root).join("emergency_state.json"));
    assert_eq!(st["method"], "api");
    assert_eq!(st["recovery_available"], true);
    assert_eq!(st["pid"], sim.pid);
    assert_eq!(st["reason"], "test panic");
    let preserve = PathBuf::from(st["preserve"].as_str().unwrap());
    assert!(preserve.is_file(), "{preserve:?}");
    assert_eq!(doc["state"]["task_count"], 2);
    assert!(!data_dir(root).join("SIGNAL_PANIC").exists());

    let log = std::fs::read_to_string(root.join("var/log/talos/panic.log")).unwrap();
    assert!(log.contains("PANIC SEQUENCE INITIATED"), "{log}");
    assert!(log.contains("rung 1 (api) stopped the daemon"), "{log}");
    let actions = audit_actions(root);
    let panic_rec = actions.iter().rfind(|r| r["action"] == "panic").unwrap();
    assert_eq!(panic_rec["details"]["method"], "api");
    assert!(
        panic_rec["actor"]
            .as_str()
            .unwrap()
            .starts_with("operator:")
    );

    // A daemon running again: recover refuses to write under it.
    let _again = Sim::start(root, &["--signal-poll", "1"]);
    talos_at(root)
        .args(["--yes", "recover"])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(4)
        .stderr(contains("the daemon is running"));
}

#[test]
fn hung_daemon_is_stopped_by_sigterm_after_the_signal_file_goes_unanswered() {
    let (dir, mut sim) = minimal_with_sim(&["--fault", "hang"]);
    let root = dir.path();
    // --online allows only the API, which does not answer: exit 5, and
    // nothing else was tried.
    let doc = panic_json(root, &sim.url.clone(), &["--online", "--timeout", "1"], 5);
    assert_eq!(
        outcomes(&doc),
        [
            "api=failed",
            "signal_file=skipped",
            "sigterm=skipped",
            "sigkill=skipped"
        ]
    );
    assert!(sim.is_running());

    let doc = panic_json(
        root,
        &sim.url.clone(),
        &["--timeout", "1", "--signal-wait", "2", "--grace", "10"],
        0,
    );
    assert_eq!(
        outcomes(&doc),
        [
            "api=failed",
            "signal_file=failed",
            "sigterm=stopped",
            "sigkill=skipped"
        ]
    );
    assert!(sim.wait_exit(Duration::from_secs(5)).is_some());
    // The hung daemon died without cleanup: its PID file was shown stale
    // and removed; SIGNAL_PANIC was removed after the stop.
    assert!(!sim.pid_file().exists());
    assert_eq!(doc["pid_file_removed"], "no process has that PID");
    assert_eq!(doc["escalation"]["signal_file"], "removed");
    assert!(!data_dir(root).join("SIGNAL_PANIC").exists());
    let st = read_json(&data_dir(root).join("emergency_state.json"));
    assert_eq!(doc["access"], "offline");
    assert_eq!(st["method"], "sigterm");
    assert_eq!(st["force_shutdown"], false);
}

#[test]
fn signal_file_stops_the_daemon_when_the_api_is_not_used() {
    let (dir, mut sim) = minimal_with_sim(&[]);
    let root = dir.path();
    let doc = panic_json(root, &sim.url.clone(), &["--offline"], 0);
    assert_eq!(
        outcomes(&doc),
        [
            "api=skipped",
            "signal_file=stopped",
            "sigterm=skipped",
            "sigkill=skipped"
        ]
    );
    assert!(sim.wait_exit(Duration::from_secs(5)).is_some());
    let st = read_json(&data_dir(root).join("emergency_state.json"));
    assert_eq!(st["method"], "signal_file");
    // The daemon's own record of the panic is kept inside ours.
    assert_eq!(st["daemon_record"]["method"], "signal_file");
    assert!(!data_dir(root).join("SIGNAL_PANIC").exists());
}

#[test]
fn daemon_ignoring_sigterm_is_killed_after_the_grace() {
    let (dir, mut sim) = minimal_with_sim(&["--fault", "hang", "--fault", "ignore-sigterm"]);
    let root = dir.path();
    let doc = panic_json(
        root,
        &sim.url.clone(),
        &["--timeout", "1", "--signal-wait", "1", "--grace", "2"],
        0,
    );
    assert_eq!(
        outcomes(&doc),
        [
            "api=failed",
            "signal_file=failed",
            "sigterm=failed",
            "sigkill=stopped"
        ]
    );
    let status = sim.wait_exit(Duration::from_secs(5)).expect("sim exited");
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9)
    );
    let sigterm = &doc["escalation"]["rungs"][2];
    assert!(sigterm["elapsed_ms"].as_u64().unwrap() >= 2000, "{sigterm}");
    let st = read_json(&data_dir(root).join("emergency_state.json"));
    assert_eq!(st["method"], "sigkill");
    assert_eq!(st["force_shutdown"], true);
}

#[test]
fn dead_daemon_without_pid_file_refuses_then_preserves_with_force() {
    let dir = minimal();
    let root = dir.path();
    write_queue(root, "[1,2,3]");
    let url = dead_url();

    // No TTY and no --yes: refused before anything happens.
    talos_at(root)
        .args(["--url", &url, "panic", "--reason", "x", "--force"])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(4);
    // No PID file and no --force: refused, nothing written.
    talos_at(root)
        .args(["--url", &url, "--yes", "panic", "--reason", "x"])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(4)
        .stderr(contains("--force"));
    assert!(!data_dir(root).join("emergency_state.json").exists());
    assert!(preserves(root).is_empty());

    let doc = panic_json(root, &url, &["--force"], 0);
    assert_eq!(doc["escalation"]["already_stopped"], true);
    assert_eq!(doc["escalation"]["method"], "none");
    let st = read_json(&data_dir(root).join("emergency_state.json"));
    assert_eq!(st["method"], "none");
    assert_eq!(st["force_shutdown"], true);
    assert_eq!(preserves(root).len(), 1);
    assert_eq!(doc["state"]["task_count"], 3);

    // The human report says the daemon was not running.
    talos_at(root)
        .args([
            "--url",
            &url,
            "--yes",
            "panic",
            "--reason",
            "again",
            "--force",
            "--no-state",
        ])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(0)
        .stdout(contains("the daemon was not running"));
    assert_eq!(preserves(root).len(), 1, "--no-state writes no preserve");
}

/// A child we started, killed and reaped on drop.
struct Sleeper(std::process::Child);
impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn pid_file_naming_an_unrelated_process_never_gets_it_signalled() {
    let dir = minimal();
    let root = dir.path();
    let mut sleeper = Sleeper(
        std::process::Command::new("sleep")
            .arg("120")
            .spawn()
            .unwrap(),
    );
    let pid_file = root.join("var/run/talos/orchestrator.pid");
    std::fs::write(&pid_file, format!("{}\n", sleeper.0.id())).unwrap();

    talos_at(root)
        .args([
            "--url",
            &dead_url(),
            "--yes",
            "panic",
            "--reason",
            "x",
            "--grace",
            "1",
        ])
        .timeout(Duration::from_secs(30))
        .assert()
        .code(0)
        .stdout(
            contains("stale")
                .and(contains("belongs to another program"))
                .and(contains("will not be signalled")),
        );
    // The pause IS the check: a wrongly sent signal would have killed it
    // by now (the command has exited; there is no condition to wait on).
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        sleeper.0.try_wait().unwrap().is_none(),
        "the unrelated process was killed"
    );
    // Shown stale, so removed.
    assert!(!pid_file.exists());
    let log = std::fs::read_to_string(root.join("var/log/talos/panic.log")).unwrap();
    assert!(log.contains("stale PID file"), "{log}");
}

#[test]
fn at_most_ten_preserves_are_kept() {
    let dir = minimal();
    let root = dir.path();
    let pdir = data_dir(root).join("emergency_preserves");
    std::fs::create_dir_all(&pdir).unwrap();
    for i in 0..11 {
        std::fs::write(
            pdir.join(format!("emergency_20200101_0000{i:02}.tar.gz")),
            b"old",
        )
        .unwrap();
    }
    let doc = panic_json(root, &dead_url(), &["--force"], 0);
    let left = preserves(root);
    assert_eq!(left.len(), 10, "{left:?}");
    assert_eq!(left[0], "emergency_20200101_000002.tar.gz");
    let newest = PathBuf::from(doc["state"]["preserve"].as_str().unwrap());
    assert_eq!(left[9], newest.file_name().unwrap().to_string_lossy());
    assert_eq!(doc["state"]["pruned"].as_array().unwrap().len(), 2);
}

#[test]
fn recover_puts_back_the_task_queue_of_the_preserve() {
    let dir = minimal();
    let root = dir.path();
    let queue = r#"{"tasks":[{"id":"t1"},{"id":"t2"}]}"#;
    write_queue(root, queue);
    panic_json(root, &dead_url(), &["--force"], 0);
    write_queue(root, r#"{"tasks":[]}"#);
    let queue_path = data_dir(root).join("state/task_queue.json");

    // `talos status` shows the pending recovery...
    let status = |root: &Path| {
        let out = talos_at(root)
            .args(["--url", &dead_url(), "status"])
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(status(root).contains("emergency_state.json is waiting"));
    assert!(status(root).contains("method"));

    // Dry run: the plan, and nothing changes.
    talos_at(root)
        .args(["recover", "--dry-run"])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(0)
        .stdout(
            contains("overwrite")
                .and(contains("2 task(s)"))
                .and(contains("test panic")),
        );
    assert_eq!(
        std::fs::read_to_string(&queue_path).unwrap(),
        r#"{"tasks":[]}"#
    );

    // No TTY, no --yes: refused.
    talos_at(root)
        .args(["recover"])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(4);
    assert_eq!(
        std::fs::read_to_string(&queue_path).unwrap(),
        r#"{"tasks":[]}"#
    );

    let doc = json_ok(
        talos_at(root)
            .args(["--yes", "--json", "recover"])
            .timeout(Duration::from_secs(20)),
    );
    assert_eq!(doc["archive"]["task_count"], 2);
    assert_eq!(std::fs::read_to_string(&queue_path).unwrap(), queue);
    let st = read_json(&data_dir(root).join("emergency_state.json"));
    assert_eq!(st["recovery_available"], false);
    assert!(st["recovered_at"].is_string());
    assert!(audit_actions(root).iter().any(|r| r["action"] == "recover"));
    // ...and no longer once it is recovered.
    assert!(!status(root).contains("emergency_state.json is waiting"));

    // A damaged archive is refused with exit 3 before anything is written.
    let bad = root.join("bad.tar.gz");
    std::fs::write(&bad, b"not a preserve").unwrap();
    talos_at(root)
        .args(["--yes", "recover"])
        .arg(&bad)
        .timeout(Duration::from_secs(20))
        .assert()
        .code(3);
}

#[test]
fn without_a_pid_file_force_still_stops_a_daemon_through_the_api() {
    let (dir, mut sim) = minimal_with_sim(&[]);
    let root = dir.path();
    std::fs::remove_file(sim.pid_file()).unwrap();
    let doc = panic_json(root, &sim.url.clone(), &["--force"], 0);
    assert_eq!(doc["pid_file"]["state"], "no_pid_file");
    assert_eq!(doc["escalation"]["method"], "api");
    assert_eq!(doc["escalation"]["rungs"][2]["outcome"], "skipped");
    assert!(sim.wait_exit(Duration::from_secs(5)).is_some());
}

#[test]
fn hung_daemon_without_a_pid_file_is_never_signalled_and_panic_refuses() {
    let (dir, mut sim) = minimal_with_sim(&["--fault", "hang"]);
    let root = dir.path();
    std::fs::remove_file(sim.pid_file()).unwrap();
    // Alive (its port accepts, never answers) but unverifiable: exit 4.
    let doc = panic_json(
        root,
        &sim.url.clone(),
        &["--force", "--timeout", "1", "--signal-wait", "1"],
        4,
    );
    assert_eq!(doc["escalation"]["stopped"], false);
    assert_eq!(
        outcomes(&doc),
        [
            "api=failed",
            "signal_file=failed",
            "sigterm=skipped",
            "sigkill=skipped"
        ]
    );
    assert!(sim.is_running(), "an unverified process was signalled");
    // SIGNAL_PANIC stays so the daemon stops as soon as it can; no
    // emergency_state.json claims a stop that did not happen.
    assert_eq!(doc["escalation"]["signal_file"], "left_in_place");
    assert!(data_dir(root).join("SIGNAL_PANIC").exists());
    assert!(!data_dir(root).join("emergency_state.json").exists());
}

#[test]
fn a_broken_audit_chain_does_not_stop_the_panic() {
    let dir = minimal();
    let root = dir.path();
    // AUDIT_DIR is a file: no record can be appended.
    let audit = root.join("var/log/talos/audit");
    std::fs::remove_dir_all(&audit).unwrap();
    std::fs::write(&audit, b"not a directory").unwrap();
    let doc = panic_json(root, &dead_url(), &["--force"], 0);
    assert!(doc["audit_seq"].is_null());
    let warnings = doc["warnings"].to_string();
    assert!(warnings.contains("audit chain"), "{warnings}");
    assert!(data_dir(root).join("emergency_state.json").exists());
}

#[test]
fn a_second_panic_or_recover_while_one_runs_is_refused() {
    let dir = minimal();
    let root = dir.path();
    // Hold the lock a running panic holds.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir(root).join(".emergency.lock"))
        .unwrap();
    lock.lock().unwrap();
    talos_at(root)
        .args([
            "--url",
            &dead_url(),
            "--yes",
            "panic",
            "--reason",
            "x",
            "--force",
        ])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(4)
        .stderr(contains("another panic or recover"));
    assert!(!data_dir(root).join("emergency_state.json").exists());
    drop(lock);
}

/// A panic that left no preserve (`--no-state`, or a daemon that preserved
/// nothing) must not stay "pending recovery" forever: recover marks it.
#[test]
fn recover_without_a_preserve_marks_the_record_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::live().create(root);
    let es = root.join("var/lib/talos/emergency_state.json");
    std::fs::write(
        &es,
        r#"{"panic_timestamp":"2024-01-15T08:30:00Z","reason":"no-state drill","pid":4242,"data_dir":"/var/lib/talos","recovery_available":true,"force_shutdown":false,"method":"api","preserve":null}"#,
    )
    .unwrap();
    let status = |root: &std::path::Path| -> serde_json::Value {
        let out = common::talos_at(root)
            .args(["status", "--json"])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert!(
        status(root).to_string().contains("no-state drill"),
        "pending before"
    );

    let before = std::fs::read(&es).unwrap();
    common::talos_at(root)
        .args(["recover", "--dry-run"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read(&es).unwrap(),
        before,
        "dry run changes nothing"
    );
    common::talos_at(root).args(["recover"]).assert().code(4);

    let doc = json_ok(common::talos_at(root).args(["recover", "--yes", "--json"]));
    assert_eq!(doc["emergency_state_marked_recovered"], true);
    assert!(doc["audit_seq"].is_u64(), "{doc}");
    let st: serde_json::Value = serde_json::from_slice(&std::fs::read(&es).unwrap()).unwrap();
    assert_eq!(st["recovery_available"], false);
    assert_eq!(st["reason"], "no-state drill", "other keys kept");
    assert!(
        !status(root).to_string().contains("no-state drill"),
        "no longer pending"
    );
}

/// A 401 is an answer, not a down daemon (src/access.rs, `StopRoute`): the
/// API rung reports it; `--online` stops there, the default goes on to the
/// signals, and the report says which way the stop went.
#[test]
fn a_rejected_token_is_reported_in_the_api_rung_never_silently() {
    let (dir, mut sim) = minimal_with_sim(&[]);
    let root = dir.path();
    // talos presents another token than the daemon's.
    let wrong = [("TALOS_TOKEN", "not-the-right-token-42")];

    // The daemon answered and still runs after the only allowed rung.
    let doc = panic_json_env(root, &sim.url.clone(), &["--online"], &wrong, 1);
    assert_eq!(
        outcomes(&doc),
        [
            "api=failed",
            "signal_file=skipped",
            "sigterm=skipped",
            "sigkill=skipped"
        ]
    );
    let api = doc["escalation"]["rungs"][0]["detail"].as_str().unwrap();
    assert!(api.contains("rejected"), "{api}");
    assert!(
        !api.contains("not-the-right-token-42"),
        "token printed: {api}"
    );
    assert!(sim.is_running());

    let doc = panic_json_env(root, &sim.url.clone(), &[], &wrong, 0);
    assert_eq!(
        outcomes(&doc),
        [
            "api=failed",
            "signal_file=stopped",
            "sigterm=skipped",
            "sigkill=skipped"
        ]
    );
    assert_eq!(doc["access"], "offline");
    assert!(sim.wait_exit(Duration::from_secs(5)).is_some());
}
