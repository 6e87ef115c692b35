//! Diagnosis that can be trusted at 3 AM: each fault injected into a
//! sandbox is named, no harmful advice is printed, and the printed fix,
//! run as printed, clears it.

use crate::common;
use crate::common::install::Install;
use crate::ops::{doctor, findings};
use assert_cmd::assert::OutputAssertExt;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use std::path::Path;
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::Duration;

use crate::common::sim::{Sim, wait_for};
use crate::common::talos_at;
use crate::ops::*;
use serde_json::Value;
use talos::install::Layout;

/// Kills and reaps the processes a test started (only those PIDs).
struct Procs(Vec<Child>);
impl Drop for Procs {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Every fix text of the report, joined.
fn all_fixes(doc: &Value) -> String {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["fix"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn set_config(l: &Layout, process_match: &str, url: &str) {
    write(
        &l.config_file,
        &format!(
            "version: \"4.0\"\norchestrator:\n  api_url: {url}\n  process_match: {process_match}\nlogging:\n  level: INFO\n"
        ),
        0o600,
    );
}

#[test]
fn a_tail_of_the_log_is_not_a_daemon() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    set_config(&l, "talos", "http://127.0.0.1:9");
    let log = l.orchestrator_log();
    let tail = || {
        StdCommand::new("tail")
            .arg("-f")
            .arg(&log)
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
    };
    let _p = Procs(vec![tail(), tail()]);
    let (_, doc, text) = doctor(dir.path(), &[]);
    assert!(findings(&doc, "split_brain").is_empty(), "{doc:#}");
    assert!(!text.contains("split brain"), "{text}");
    assert!(!all_fixes(&doc).contains("stop the others"), "{doc:#}");
}

#[test]
fn a_daemon_of_a_root_with_the_same_prefix_is_not_ours() {
    let base = tempfile::tempdir().unwrap();
    let ours = base.path().join("talos");
    let theirs = base.path().join("talos2");
    let l = Install::clean().create(&ours).layout;
    set_config(&l, "talos", "http://127.0.0.1:9");
    let l2 = Install::clean().create(&theirs).layout;
    set_config(&l2, "talos", "http://127.0.0.1:9");
    let _sim = Sim::start(&theirs, &[]);
    let (_, doc, _) = doctor(&ours, &[]);
    assert!(findings(&doc, "split_brain").is_empty(), "{doc:#}");
    assert!(findings(&doc, "pid_file").is_empty(), "{doc:#}");
    assert!(!all_fixes(&doc).contains("stop the others"), "{doc:#}");
}

#[test]
fn two_sims_on_one_root_are_split_brain() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    set_config(&l, "talos-sim", "http://127.0.0.1:9");
    let first = Sim::start(dir.path(), &[]);
    // A second start after someone removed the PID file by hand.
    std::fs::remove_file(&l.pid_file).unwrap();
    let second = Sim::start(dir.path(), &[]);
    assert!(wait_for(Duration::from_secs(5), || l.pid_file.exists()));
    let (code, doc, _) = doctor(dir.path(), &[]);
    let f = findings(&doc, "split_brain");
    assert_eq!(f.len(), 1, "{doc:#}");
    assert_eq!(f[0]["severity"], "fail");
    let ev = f[0]["evidence"].to_string();
    assert!(
        ev.contains(&first.pid.to_string()) && ev.contains(&second.pid.to_string()),
        "{ev}"
    );
    assert_ne!(code, 0);
}

#[test]
fn a_live_daemon_with_a_mismatched_process_match_is_not_stale() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let sim = Sim::start(dir.path(), &[]);
    // A typo in process_match: the PID file cannot be verified.
    set_config(&l, "talos-orchestrat0r", &sim.url);
    let (_, doc, text) = doctor(dir.path(), &[]);
    let f = findings(&doc, "pid_file");
    assert_eq!(f.len(), 1, "{doc:#}");
    assert!(
        f[0]["title"].as_str().unwrap().contains("signs of life"),
        "{doc:#}"
    );
    let fixes = all_fixes(&doc);
    assert!(fixes.contains("process_match"), "{fixes}");
    assert!(
        !fixes.contains("rm "),
        "never rm a live daemon's PID file: {fixes}"
    );
    assert!(f[0]["action"].is_null(), "no --fix action: {doc:#}");
    assert!(!text.contains("stale PID file"), "{text}");
    // --fix leaves the PID file alone.
    let out = talos_at(dir.path())
        .args(["doctor", "--fix", "--yes"])
        .assert();
    assert!(l.pid_file.exists(), "{out}");
    // Status does not say "start the daemon" either.
    let out = talos_at(dir.path())
        .args(["status", "--offline"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("start the daemon"), "{text}");
    assert!(text.contains("do not start another daemon"), "{text}");
}

#[test]
fn a_stale_pid_file_is_fixed_by_the_printed_command() {
    let base = tempfile::tempdir().unwrap();
    // A root with a space: the printed command must quote it.
    let root = base.path().join("my root");
    let l = Install::clean().create(&root).layout;
    write(&l.pid_file, "4194304999\n", 0o644);
    let (_, doc, _) = doctor(&root, &[]);
    let f = findings(&doc, "pid_file");
    assert_eq!(f.len(), 1, "{doc:#}");
    assert!(f[0]["title"].as_str().unwrap().contains("stale PID file"));
    let cmds = talos_commands(f[0]["fix"].as_str().unwrap());
    assert_eq!(cmds.len(), 1, "{f:#?}");
    assert!(cmds[0].contains("--root '"), "{cmds:?}");
    // Without a terminal and without --yes, --fix refuses and changes nothing.
    talos_at(&root).args(["doctor", "--fix"]).assert().code(4);
    assert!(l.pid_file.exists());
    let out = run_printed(&cmds[0]).assert();
    assert!(!l.pid_file.exists(), "{out}");
    out.stdout(contains("fixed remove the stale PID file"));
    // Recorded in the audit chain.
    let q = common::json_ok(talos_at(&root).args([
        "audit",
        "query",
        "--action",
        "doctor_fix",
        "--json",
    ]));
    assert!(q.to_string().contains("remove_stale_pid_file"), "{q:#}");
    let (_, doc, _) = doctor(&root, &[]);
    assert!(findings(&doc, "pid_file").is_empty(), "{doc:#}");
}

#[test]
fn a_stale_lock_mode_and_wal_are_fixed_by_doctor_fix() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    write(&l.data_dir.join("backup.lock"), "4194304999\n", 0o600);
    chmod(&l.config_file, 0o644);
    // talos's own flock files left behind by a finished panic are not stale.
    write(&l.data_dir.join(".emergency.lock"), "4194304998\n", 0o600);
    let (_, doc, _) = doctor(dir.path(), &[]);
    assert_eq!(findings(&doc, "locks").len(), 1, "{doc:#}");
    assert!(!doc.to_string().contains(".emergency.lock"), "{doc:#}");
    assert!(!findings(&doc, "config").is_empty(), "{doc:#}");
    let out = talos_at(dir.path())
        .args(["doctor", "--fix", "--yes", "--json"])
        .output()
        .unwrap();
    let after: Value = serde_json::from_slice(&out.stdout).unwrap();
    let applied: Vec<&str> = after["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["outcome"] == "applied")
        .map(|f| f["action"]["kind"].as_str().unwrap())
        .collect();
    assert!(applied.contains(&"remove_stale_lock"), "{after:#}");
    assert!(applied.contains(&"chmod"), "{after:#}");
    assert!(findings(&after, "locks").is_empty(), "{after:#}");
    assert!(findings(&after, "config").is_empty(), "{after:#}");
    assert!(!l.data_dir.join("backup.lock").exists());
}

#[test]
fn a_locked_database_is_not_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    // A reader-blocking lock: exclusive locking mode and a write.
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    conn.execute_batch(
        "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; INSERT INTO tasks VALUES ('t2', 'x');",
    )
    .unwrap();
    let (code, doc, text) = doctor(dir.path(), &[]);
    let f = findings(&doc, "database");
    assert_eq!(f.len(), 1, "{doc:#}");
    assert!(
        f[0]["title"].as_str().unwrap().contains("locked"),
        "{doc:#}"
    );
    assert_eq!(f[0]["integrity"], false);
    assert!(
        f[0]["evidence"]
            .to_string()
            .contains(&std::process::id().to_string()),
        "the holder is named: {doc:#}"
    );
    assert!(
        !talos_commands(&all_fixes(&doc))
            .iter()
            .any(|c| c.contains(" restore")),
        "{doc:#}"
    );
    assert!(!text.contains("[integrity]"), "{text}");
    assert_ne!(code, 3, "{doc:#}");
    conn.execute_batch("ROLLBACK;").unwrap();
    drop(conn);
    let (_, doc, _) = doctor(dir.path(), &[]);
    assert!(findings(&doc, "database").is_empty(), "{doc:#}");
}

#[test]
fn a_write_lock_held_too_long_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE; INSERT INTO tasks VALUES ('t3', 'x');")
        .unwrap();
    let (_, doc, _) = doctor(dir.path(), &[]);
    let f = findings(&doc, "database");
    assert_eq!(f.len(), 1, "{doc:#}");
    let title = f[0]["title"].as_str().unwrap();
    assert!(title.contains("write lock"), "{doc:#}");
    assert!(title.contains(&std::process::id().to_string()), "{doc:#}");
    assert!(
        !talos_commands(&all_fixes(&doc))
            .iter()
            .any(|c| c.contains(" restore")),
        "{doc:#}"
    );
    conn.execute_batch("COMMIT;").unwrap();
    drop(conn);
    let (_, doc, _) = doctor(dir.path(), &[]);
    assert!(findings(&doc, "database").is_empty(), "{doc:#}");
}

#[test]
fn a_wrong_root_is_the_only_problem() {
    let dir = tempfile::tempdir().unwrap();
    let (code, doc, text) = doctor(dir.path(), &[]);
    let problems: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .collect();
    assert_eq!(problems.len(), 1, "{doc:#}");
    assert_eq!(problems[0]["check"], "installation");
    assert_eq!(code, 2);
    assert!(text.contains("not a talos installation"), "{text}");
    let out = talos_at(dir.path())
        .args(["status", "--json"])
        .output()
        .unwrap();
    let st: Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = st["problems"].as_array().unwrap();
    assert_eq!(p.len(), 1, "{st:#}");
    assert!(
        p[0]["title"]
            .as_str()
            .unwrap()
            .contains("not a talos installation"),
        "{st:#}"
    );
}

#[test]
fn the_printed_checkpoint_carries_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    // A WAL over the threshold (sparse: no disk used).
    let wal = talos::db::wal_path(&l.db);
    std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(&wal)
        .unwrap()
        .set_len(70 * 1024 * 1024)
        .unwrap();
    let (_, doc, _) = doctor(dir.path(), &[]);
    let f = findings(&doc, "database");
    assert_eq!(f.len(), 1, "{doc:#}");
    let cmds = talos_commands(f[0]["fix"].as_str().unwrap());
    assert!(cmds[0].contains("--root"), "{cmds:?}");
    run_printed_ok(&cmds[0]);
    let (_, doc, _) = doctor(dir.path(), &[]);
    assert!(findings(&doc, "database").is_empty(), "{doc:#}");
}

#[test]
fn leftovers_of_an_interrupted_restore_are_removed_by_doctor_fix() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let staging = l.data_dir.join(".restore-staging-12345");
    std::fs::create_dir_all(staging.join("db")).unwrap();
    write(&staging.join("db/orchestrator.db"), "partial", 0o600);
    let (_, doc, _) = doctor(dir.path(), &[]);
    let f = findings(&doc, "leftovers");
    assert_eq!(f.len(), 1, "{doc:#}");
    assert_eq!(f[0]["action"]["kind"], "remove_leftover", "{doc:#}");
    let out = talos_at(dir.path())
        .args(["doctor", "--fix", "--yes", "--json"])
        .output()
        .unwrap();
    let after: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        after["fixes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["action"]["kind"] == "remove_leftover" && f["outcome"] == "applied"),
        "{after:#}"
    );
    assert!(!staging.exists());
    assert!(findings(&after, "leftovers").is_empty(), "{after:#}");
    let q = common::json_ok(talos_at(dir.path()).args([
        "audit",
        "query",
        "--action",
        "doctor_fix",
        "--json",
    ]));
    assert!(q.to_string().contains("remove_leftover"), "{q:#}");
}

#[test]
fn a_missing_token_and_missing_state_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    std::fs::remove_file(&l.token_file).unwrap();
    std::fs::remove_file(l.breakers_file()).unwrap();
    let (_, doc, _) = doctor(dir.path(), &[]);
    assert_eq!(findings(&doc, "admin_token").len(), 1, "{doc:#}");
    let s = findings(&doc, "state_files");
    assert_eq!(s.len(), 1, "{doc:#}");
    assert!(
        s[0]["title"].as_str().unwrap().contains("breakers"),
        "{doc:#}"
    );
    // An unreadable token (a directory in its place) is named too.
    std::fs::create_dir(&l.token_file).unwrap();
    let (_, doc, _) = doctor(dir.path(), &[]);
    let t = findings(&doc, "admin_token");
    assert_eq!(t.len(), 1, "{doc:#}");
    assert!(
        t[0]["title"].as_str().unwrap().contains("unreadable"),
        "{doc:#}"
    );
    // Put back as the fixes say: the findings clear.
    std::fs::remove_dir(&l.token_file).unwrap();
    write(&l.token_file, "s3cret-token\n", 0o600);
    write(&l.breakers_file(), r#"{"breakers": {}}"#, 0o600);
    let (_, doc, _) = doctor(dir.path(), &[]);
    assert!(findings(&doc, "admin_token").is_empty(), "{doc:#}");
    assert!(findings(&doc, "state_files").is_empty(), "{doc:#}");
}

#[test]
fn a_breaker_open_long_past_its_cooldown_is_named_and_reset_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let (_, doc, _) = doctor(dir.path(), &[]);
    assert!(findings(&doc, "breakers").is_empty(), "{doc:#}");
    let opened = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(7200);
    write(
        &l.breakers_file(),
        &format!(
            r#"{{"breakers": {{"llm_api": {{"state": "open", "failure_count": 5, "failure_threshold": 5, "recovery_timeout_s": 60, "opened_at": "{}", "last_failure": null}}}}}}"#,
            opened.strftime("%Y-%m-%dT%H:%M:%SZ")
        ),
        0o600,
    );
    let (_, doc, _) = doctor(dir.path(), &[]);
    let f = findings(&doc, "breakers");
    assert_eq!(f.len(), 1, "{doc:#}");
    let cmds = talos_commands(f[0]["fix"].as_str().unwrap());
    assert_eq!(cmds.len(), 1, "{doc:#}");
    assert!(cmds[0].contains("breaker reset llm_api"), "{doc:#}");
    run_printed_ok(&cmds[0]);
    let (_, doc, _) = doctor(dir.path(), &[]);
    assert!(findings(&doc, "breakers").is_empty(), "{doc:#}");
}

// ---- one set of findings, three views (status, doctor, health) ----

/// `talos status --json` (exit 0) and its human screen.
fn status(root: &Path, extra: &[&str]) -> (Value, String) {
    let out = talos_at(root)
        .args(extra)
        .args(["status", "--json"])
        .assert();
    let doc: Value = serde_json::from_slice(&out.get_output().stdout)
        .unwrap_or_else(|e| panic!("status --json is not JSON ({e}):\n{out}"));
    let human = talos_at(root).args(extra).arg("status").output().unwrap();
    (doc, String::from_utf8_lossy(&human.stdout).into_owned())
}

/// The problems of a status document with this check.
fn status_problems<'a>(doc: &'a Value, check: &str) -> Vec<&'a Value> {
    doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["check"] == check)
        .collect()
}

#[test]
fn status_names_two_daemons_on_one_root_as_doctor_does() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    set_config(&l, "talos-sim", "http://127.0.0.1:9");
    let _first = Sim::start(dir.path(), &[]);
    std::fs::remove_file(&l.pid_file).unwrap();
    let second = Sim::start(dir.path(), &[]);
    assert!(wait_for(Duration::from_secs(5), || l.pid_file.exists()));
    let url = second.url.clone();
    let (doc, text) = status(dir.path(), &["--url", &url]);
    let p = status_problems(&doc, "split_brain");
    assert_eq!(p.len(), 1, "{doc:#}");
    assert_eq!(p[0]["severity"], "fail", "{doc:#}");
    assert_eq!(
        doc["problems"][0]["check"], "split_brain",
        "most urgent first: {doc:#}"
    );
    assert!(!text.contains("no problems"), "{text}");
    assert!(text.contains("split brain"), "{text}");
}

#[test]
fn status_never_says_start_the_daemon_while_one_runs_without_its_pid_file() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    set_config(&l, "talos-sim", "http://127.0.0.1:9");
    let sim = Sim::start(dir.path(), &[]);
    std::fs::remove_file(&l.pid_file).unwrap();
    // The API answers (right --url) and does not (config's dead URL).
    for extra in [vec!["--url", sim.url.as_str()], vec![]] {
        let (doc, text) = status(dir.path(), &extra);
        assert!(!text.contains("start the daemon"), "{extra:?}: {text}");
        assert!(!doc.to_string().contains("start the daemon"), "{doc:#}");
        assert!(!text.contains("no problems"), "{extra:?}: {text}");
        let p = status_problems(&doc, "pid_file");
        assert_eq!(p.len(), 1, "{extra:?}: {doc:#}");
        assert!(
            p[0]["fix"]
                .as_str()
                .unwrap()
                .contains("do not start another daemon"),
            "{doc:#}"
        );
    }
}

#[test]
fn a_slow_health_endpoint_with_a_fresh_heartbeat_gets_one_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    common::ignore_host_limits(dir.path());
    let sim = Sim::start(dir.path(), &["--fault", "slow-health=10"]);
    set_config(&l, "talos-sim", &sim.url);
    let (doc, text) = status(dir.path(), &["--timeout", "1"]);
    let (code, h) = health_json(dir.path(), &["--timeout", "1"]);
    assert_eq!(h["status"], "degraded", "{h:#}");
    assert_eq!(code, 1);
    assert_eq!(doc["health"]["status"], h["status"], "{doc:#}\n{h:#}");
    let fixes: String = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["fix"].to_string())
        .collect();
    assert!(!fixes.contains("talos panic"), "a working daemon: {doc:#}");
    assert!(!text.contains("HUNG"), "{text}");
    let daemon = status_problems(&doc, "daemon");
    assert_eq!(daemon.len(), 1, "{doc:#}");
    assert_eq!(daemon[0]["severity"], "warn", "{doc:#}");
    let (_, d, _) = doctor(dir.path(), &["--timeout", "1"]);
    assert!(!all_fixes(&d).contains("talos panic"), "{d:#}");
}

#[test]
fn a_heartbeat_two_hours_in_the_future_is_not_fresh_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    common::ignore_host_limits(dir.path());
    let sim = Sim::start(dir.path(), &["--fault", "hang"]);
    set_config(&l, "talos-sim", &sim.url);
    let future = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2);
    // The hung loop writes no more heartbeats once it has logged the
    // hang: this one stays.
    assert!(
        common::sim::wait_for(Duration::from_secs(10), || {
            std::fs::read_to_string(l.orchestrator_log())
                .is_ok_and(|t| t.contains("Event loop blocked"))
        }),
        "the sim never logged its hang"
    );
    write(&l.heartbeat(), &format!("{}\n", ts(future)), 0o644);
    let (doc, text) = status(dir.path(), &["--timeout", "1"]);
    let daemon = status_problems(&doc, "daemon");
    assert_eq!(daemon.len(), 1, "{doc:#}");
    assert_eq!(daemon[0]["severity"], "fail", "{doc:#}");
    assert!(!text.contains("heartbeat is fresh"), "{text}");
    assert!(!text.contains("so the process works"), "{text}");
    let (code, h) = health_json(dir.path(), &["--timeout", "1"]);
    assert_eq!(h["checks"]["orchestrator"]["status"], "fail", "{h:#}");
    assert_eq!(code, 2, "{h:#}");
    assert_eq!(doc["health"]["status"], h["status"]);
    let (_, d, _) = doctor(dir.path(), &["--timeout", "1"]);
    let hb = findings(&d, "heartbeat");
    assert_eq!(hb.len(), 1, "{d:#}");
    assert!(hb[0]["title"].as_str().unwrap().contains("future"), "{d:#}");
}

#[test]
fn a_wrong_root_is_the_only_problem_in_status_and_health() {
    let dir = tempfile::tempdir().unwrap();
    let (st, text) = status(dir.path(), &[]);
    let p = st["problems"].as_array().unwrap();
    assert_eq!(p.len(), 1, "{st:#}");
    assert_eq!(p[0]["check"], "installation", "{st:#}");
    assert!(text.contains("not a talos installation"), "{text}");
    let (code, h) = health_json(dir.path(), &[]);
    assert_eq!(code, 3, "{h:#}");
    assert_eq!(h["status"], "unknown");
    assert_eq!(h["checks"].as_object().unwrap().len(), 1, "{h:#}");
}

/// A server that answers 401 to every request, `n` times.
fn answer_401(n: usize) -> (String, std::thread::JoinHandle<()>) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let t = std::thread::spawn(move || {
        use std::io::{Read, Write};
        for _ in 0..n {
            let Ok((mut s, _)) = l.accept() else { return };
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(
                b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 24\r\nConnection: close\r\n\r\n{\"error\":\"unauthorized\"}",
            );
        }
    });
    (url, t)
}

#[test]
fn breaker_list_reports_a_401_and_does_not_read_the_file() {
    let dir = tempfile::tempdir().unwrap();
    Install::clean().create(dir.path());
    let (url, _t) = answer_401(4);
    // A failure, but not "unreachable" (5); the file was not read as if
    // the daemon were down.
    talos_at(dir.path())
        .args(["--url", &url, "breaker", "list", "--json"])
        .assert()
        .code(predicates::ord::ne(0).and(predicates::ord::ne(5)))
        .stderr(contains("401"))
        .stdout(contains("llm_api").not());
}

#[test]
fn breaker_reset_reports_a_401_and_leaves_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let before = std::fs::read(l.breakers_file()).unwrap();
    let (url, _t) = answer_401(4);
    talos_at(dir.path())
        .args(["--url", &url, "breaker", "reset", "llm_api"])
        .assert()
        .code(1)
        .stderr(contains("401"));
    assert_eq!(std::fs::read(l.breakers_file()).unwrap(), before);
}
