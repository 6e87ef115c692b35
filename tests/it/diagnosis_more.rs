//! Diagnosis, continued (docs/runbook.md): the TLS files, the newest
//! backup, a crash loop, a truncated log rotation, the API port, and talos
//! reporting its own doings right (its emergency lock, recent errors after
//! a rotation, a rewritten audit history, a deleted audit directory, the
//! config `repair config` puts back). Each fault is injected into a
//! `talos sandbox init` installation; the finding must be named, carry no
//! harmful advice, and the printed fix, run as printed, must clear it.

use crate::common;
use crate::common::install::Install;
use crate::ops::talos_commands;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::sim::{Sim, tls_files};
use crate::common::talos_at;
use crate::ops::{doctor, findings, run_printed_ok as run_printed};
use serde_json::Value;
use talos::install::Layout;

fn titled<'a>(doc: &'a Value, check: &str, words: &str) -> Option<&'a Value> {
    findings(doc, check)
        .into_iter()
        .find(|f| f["title"].as_str().unwrap_or("").contains(words))
}

/// The printed command of `f` that starts with `talos --root ROOT WORD`.
fn printed(f: &Value, word: &str) -> String {
    let fix = f["fix"].as_str().unwrap();
    talos_commands(fix)
        .into_iter()
        .find(|c| c.contains(&format!(" {word} ")) || c.ends_with(&format!(" {word}")))
        .unwrap_or_else(|| panic!("no `talos ... {word}` in the fix: {fix}"))
}

fn sandbox() -> (tempfile::TempDir, PathBuf, Layout) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    Install::live().create(&root);
    let l = Layout::new(&root);
    (dir, root, l)
}

fn backup_create(root: &Path) -> PathBuf {
    let out = talos_at(root)
        .args(["--json", "backup", "create"])
        .assert()
        .success()
        .get_output()
        .clone();

    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    PathBuf::from(
        doc["path"]
            .as_str()
            .or(doc["archive"].as_str())
            .unwrap_or_else(|| panic!("no path in {doc}")),
    )
}

/// Renames a backup to a name one hour older, so the next `backup create`
/// (even within the same second) is the newest.
fn age_backup(p: &Path) -> PathBuf {
    let name = p.file_name().unwrap().to_str().unwrap();
    let t =
        talos::archive::parse_backup_file_name(name).unwrap() - jiff::SignedDuration::from_hours(1);
    let new = p.with_file_name(talos::archive::backup_file_name(t));
    std::fs::rename(p, &new).unwrap();
    new
}

#[test]
fn a_key_that_does_not_match_the_certificate_or_is_truncated_is_named_and_restored() {
    let (_d, root, l) = sandbox();
    backup_create(&root);
    let key = l.ssl_dir.join("key.pem");
    let good = std::fs::read(&key).unwrap();

    // Another key: a half-done renewal.
    let other = rcgen::KeyPair::generate().unwrap();
    std::fs::write(&key, other.serialize_pem()).unwrap();
    let (code, doc, text) = doctor(&root, &[]);
    assert_ne!(code, 0);
    let f = titled(&doc, "certificate", "key.pem does not match cert.pem")
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert!(text.contains("key.pem does not match cert.pem"), "{text}");
    run_printed(&printed(f, "restore"));
    assert_eq!(std::fs::read(&key).unwrap(), good);
    let (_, doc, _) = doctor(&root, &[]);
    assert!(titled(&doc, "certificate", "key.pem").is_none(), "{doc:#}");

    // Truncated.
    std::fs::write(&key, &good[..good.len() / 2]).unwrap();
    let (code, doc, _) = doctor(&root, &[]);
    assert_eq!(code, 3, "{doc:#}");
    let f = titled(&doc, "certificate", "truncated").unwrap_or_else(|| panic!("{doc:#}"));
    run_printed(&printed(f, "restore"));
    let (_, doc, _) = doctor(&root, &[]);
    assert!(titled(&doc, "certificate", "key.pem").is_none(), "{doc:#}");
}

#[test]
fn a_truncated_newest_backup_is_named_and_a_new_backup_clears_it() {
    let (_d, root, _l) = sandbox();
    let b = age_backup(&backup_create(&root));
    let len = std::fs::metadata(&b).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&b).unwrap();
    f.set_len(len * 2 / 3).unwrap();
    drop(f);
    let (_, doc, text) = doctor(&root, &[]);
    let f = titled(&doc, "backup", "truncated or corrupt").unwrap_or_else(|| panic!("{doc:#}"));
    assert!(text.contains("truncated or corrupt"), "{text}");
    let fix = f["fix"].as_str().unwrap();
    assert!(fix.contains("do not restore from it"), "{fix}");
    assert!(!fix.contains("restore BACKUP"), "{fix}");
    run_printed(&printed(f, "backup"));
    let (_, doc, _) = doctor(&root, &[]);
    assert!(
        titled(&doc, "backup", "truncated or corrupt").is_none(),
        "{doc:#}"
    );
}

#[test]
fn a_corrupt_middle_of_the_newest_backup_takes_doctor_deep() {
    let (_d, root, _l) = sandbox();
    let b = backup_create(&root);
    let mut bytes = std::fs::read(&b).unwrap();
    let mid = bytes.len() * 3 / 4;
    for x in &mut bytes[mid..mid + 64] {
        *x ^= 0x5a;
    }
    std::fs::write(&b, &bytes).unwrap();
    // The quick check reads the framing and the head only.
    let (_, doc, _) = doctor(&root, &[]);
    assert!(
        titled(&doc, "backup", "truncated or corrupt").is_none(),
        "{doc:#}"
    );
    let (code, doc, text) = doctor(&root, &["--deep"]);
    assert_eq!(code, 3, "{doc:#}");
    let f = titled(&doc, "backup", "truncated or corrupt").unwrap_or_else(|| panic!("{doc:#}"));
    assert!(text.contains("doctor --deep"), "{text}");
    assert!(f["evidence"][0].as_str().unwrap().contains("full verify"));
}

#[test]
fn a_crash_loop_is_named_even_while_the_daemon_is_up() {
    let (_d, root, _l) = sandbox();
    for _ in 0..3 {
        let mut s = Sim::start(&root, &["--signal-poll", "0.2"]);
        s.kill();
    }
    let sim = Sim::start(&root, &["--signal-poll", "0.2"]);
    let (_, doc, text) = doctor(&root, &["--url", &sim.url]);
    let f = titled(&doc, "crash_loop", "crash loop").unwrap_or_else(|| panic!("{doc:#}"));
    assert_eq!(f["severity"], "fail");
    assert!(
        f["title"].as_str().unwrap().contains("started 4 times"),
        "{f}"
    );
    assert!(text.contains("crash loop"), "{text}");
    let fix = f["fix"].as_str().unwrap();
    for c in talos_commands(fix) {
        assert!(!c.contains("restart") && !c.contains("panic"), "{fix}");
        run_printed(&c);
    }
}

#[test]
fn a_truncated_gz_rotation_says_what_is_readable_and_repair_keeps_it() {
    let (_d, root, l) = sandbox();
    let gz = l.log_dir.join("orchestrator.log.2.gz");
    assert!(gz.exists());
    let len = std::fs::metadata(&gz).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&gz).unwrap();
    f.set_len(len * 6 / 10).unwrap();
    drop(f);
    let (_, doc, text) = doctor(&root, &[]);
    let f = titled(&doc, "jsonl", "truncated").unwrap_or_else(|| panic!("{doc:#}"));
    let title = f["title"].as_str().unwrap();
    let readable: usize = title
        .split(": ")
        .last()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{title}"));
    assert!(readable > 0, "{title}");
    assert!(text.contains("still readable"), "{text}");
    let fix = f["fix"].as_str().unwrap();
    assert!(!fix.contains("delete") && !fix.contains("prune"), "{fix}");
    run_printed(&printed(f, "repair"));
    let mut lines = 0;
    talos::logfiles::for_each_line(&gz, |_, _| lines += 1).unwrap();
    assert!(lines > 0 && lines <= readable, "{lines} of {readable}");
    assert!(l.log_dir.join("orchestrator.log.2.gz.corrupt").exists());
    let (_, doc, _) = doctor(&root, &[]);
    assert!(titled(&doc, "jsonl", "truncated").is_none(), "{doc:#}");
}

#[test]
fn a_daemon_serving_another_certificate_than_the_one_on_disk_is_named() {
    let (d, root, l) = sandbox();
    // The daemon loaded an older certificate; cert.pem was replaced since.
    let old = tls_files(&d.path().join("old-tls"));
    let mut sim = Sim::start(
        &root,
        &[
            "--tls-cert",
            old.cert.to_str().unwrap(),
            "--tls-key",
            old.key.to_str().unwrap(),
        ],
    );
    let cacert = old.ca.to_str().unwrap().to_string();
    let (_, doc, text) = doctor(&root, &["--url", &sim.url, "--cacert", &cacert]);
    let f = titled(&doc, "certificate", "serves a different certificate")
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert!(text.contains("serves a different certificate"), "{text}");
    assert!(f["fix"].as_str().unwrap().contains("restart"));
    // The fix's effect: a daemon that loads cert.pem. (talos-sim takes its
    // certificate from the command line, so the restart is a new sim.)
    sim.kill();
    let disk_cert = l.ssl_dir.join("cert.pem");
    let sim = Sim::start(
        &root,
        &[
            "--tls-cert",
            disk_cert.to_str().unwrap(),
            "--tls-key",
            l.ssl_dir.join("key.pem").to_str().unwrap(),
        ],
    );
    let cacert = disk_cert.to_str().unwrap().to_string();
    // The API must answer over TLS: not "unhealthy" for want of it.
    talos_at(&root)
        .args(["--url", &sim.url, "--cacert", &cacert, "health", "--online"])
        .assert()
        .code(predicates::ord::ne(2));
    let (_, doc, _) = doctor(&root, &["--url", &sim.url, "--cacert", &cacert]);
    assert!(
        titled(&doc, "certificate", "serves a different").is_none(),
        "{doc:#}"
    );
}

#[test]
fn the_api_port_held_by_another_program_is_named() {
    let (_d, root, _l) = sandbox();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let (_, doc, text) = doctor(&root, &["--url", &url]);
    let f =
        titled(&doc, "api_port", "held by another program").unwrap_or_else(|| panic!("{doc:#}"));
    let me = std::process::id().to_string();
    assert!(
        f["evidence"][0]
            .as_str()
            .unwrap()
            .contains(&format!("PID {me}")),
        "{f}"
    );
    assert!(text.contains("held by another program"), "{text}");
    let fix = f["fix"].as_str().unwrap();
    assert!(fix.contains(&format!("stop PID {me}")), "{fix}");
    // Stopping that program clears it.
    drop(listener);
    let (_, doc, _) = doctor(&root, &["--url", &url]);
    assert!(findings(&doc, "api_port").is_empty(), "{doc:#}");
}

#[test]
fn the_daemon_on_its_own_port_is_not_another_program() {
    let (_d, root, _l) = sandbox();
    let sim = Sim::start(&root, &["--signal-poll", "0.2"]);
    let (_, doc, _) = doctor(&root, &["--url", &sim.url]);
    assert!(findings(&doc, "api_port").is_empty(), "{doc:#}");
}

#[test]
fn after_panic_and_recover_the_emergency_lock_is_not_stale() {
    let (_d, root, _l) = sandbox();
    let mut sim = Sim::start(&root, &["--signal-poll", "0.2"]);
    talos_at(&root)
        .args(["--url", &sim.url, "panic", "--reason", "drill", "--yes"])
        .assert()
        .success();

    assert!(sim.wait_exit(Duration::from_secs(15)).is_some());
    talos_at(&root)
        .args(["recover", "--yes"])
        .assert()
        .success();

    let (_, doc, text) = doctor(&root, &[]);
    for f in findings(&doc, "locks") {
        assert!(
            !f["title"].as_str().unwrap().contains(".emergency.lock"),
            "{doc:#}"
        );
    }
    assert!(!text.contains("stale lock"), "{text}");
}

#[test]
fn recent_errors_survive_a_log_rotation() {
    let (_d, root, l) = sandbox();
    let before = common::json_ok(talos_at(&root).args(["--json", "--offline", "status"]));
    let errors = before["recent_errors"].as_array().unwrap().clone();
    assert!(!errors.is_empty(), "{before:#}");
    // Rotate: orchestrator.log becomes .1, a new empty one begins.
    let log = l.orchestrator_log();
    let one = l.log_dir.join("orchestrator.log.1");
    std::fs::rename(&one, l.log_dir.join("orchestrator.log.1.old")).unwrap();
    std::fs::rename(&log, &one).unwrap();
    std::fs::write(&log, "").unwrap();
    let after = common::json_ok(talos_at(&root).args(["--json", "--offline", "status"]));
    assert_eq!(after["recent_errors"], Value::Array(errors), "{after:#}");
}

/// Rewrites the chain with record `seq` changed and every hash after it
/// recomputed: consistent in itself, as someone with write access could
/// make it.
fn rewrite_history(l: &Layout, seq: u64) {
    use talos::audit::Record;
    let files = talos::audit::audit_files(&l.audit_dir).unwrap();
    let mut prev = talos::audit::GENESIS_HASH.to_string();
    for (_, path) in files {
        let mut out = String::new();
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let mut r = Record::parse(line.as_bytes()).unwrap();
            if r.seq == seq {
                r.details = serde_json::json!({"text": "nothing happened here"});
            }
            let line = Record::encode(r.seq, &r.timestamp, &r.actor, &r.action, &r.details, &prev)
                .unwrap();
            prev = Record::parse(line.as_bytes()).unwrap().hash;
            out.push_str(&line);
            out.push('\n');
        }
        std::fs::write(&path, out).unwrap();
    }
}

#[test]
fn a_rewritten_history_is_located_at_the_earliest_failing_anchor() {
    let (_d, root, l) = sandbox();
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    let rows: Vec<u64> = conn
        .prepare("SELECT seq FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|r| r.unwrap() as u64)
        .collect();
    drop(conn);
    assert!(rows.len() >= 3, "{rows:?}");
    let newest = *rows.last().unwrap();
    let target = rows[0] + 2;
    let earliest = *rows.iter().find(|s| **s >= target).unwrap();
    assert!(earliest < newest);
    rewrite_history(&l, target);

    let out = talos_at(&root)
        .args(["--json", "audit", "verify-chain"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = doc.to_string();
    assert!(
        text.contains(&format!("record {earliest} ")),
        "located at {earliest}, not at the newest anchor {newest}: {doc:#}"
    );
    let (_, doc, _) = doctor(&root, &[]);
    let f = findings(&doc, "audit_chain")[0];
    let ev = f["evidence"].to_string();
    assert!(ev.contains(&format!("(seq {earliest})")), "{f:#}");
    assert!(
        ev.contains(&format!("{} record(s) verified", earliest - 1)),
        "{f:#}"
    );
}

#[test]
fn a_deleted_audit_directory_is_put_back_from_the_newest_backup() {
    let (_d, root, l) = sandbox();
    backup_create(&root);
    std::fs::remove_dir_all(&l.audit_dir).unwrap();
    let (code, doc, text) = doctor(&root, &[]);
    assert_eq!(code, 3, "{doc:#}");
    let f = titled(&doc, "audit_chain", "missing").unwrap_or_else(|| panic!("{doc:#}"));
    let fix = f["fix"].as_str().unwrap();
    assert!(!fix.contains("cp -a"), "{fix}");
    assert!(!text.contains("cp -a"), "{text}");
    run_printed(&printed(f, "restore"));
    let (_, doc, _) = doctor(&root, &[]);
    assert!(findings(&doc, "audit_chain").is_empty(), "{doc:#}");
    talos_at(&root)
        .args(["audit", "verify-chain"])
        .assert()
        .code(0);
}

#[test]
fn repair_config_puts_back_the_newest_valid_config_and_shows_the_diff() {
    let (_d, root, l) = sandbox();
    let current = std::fs::read_to_string(&l.config_file).unwrap();
    assert!(current.contains("max_concurrent_tasks: 8"));
    // config.yaml.backup is an older config (4 workers, no breakers),
    // written a day before the backup archive.
    let old = l.config_dir.join("config.yaml.backup");
    let day_ago = std::time::SystemTime::now() - Duration::from_secs(86400);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(day_ago)
        .unwrap();
    let archive = backup_create(&root);
    std::fs::write(&l.config_file, "version: \"4.0\"\norchestrator: [\n").unwrap();

    let out = talos_at(&root)
        .args(["--json", "repair", "config", "--dry-run"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["plan"]["chosen"]["kind"], "backup_archive", "{doc:#}");
    assert_eq!(doc["plan"]["chosen"]["path"], archive.display().to_string());
    assert!(doc["plan"]["chosen"]["time"].is_string());
    let diff = doc["plan"]["diff"].as_str().unwrap();
    assert!(diff.contains("+  max_concurrent_tasks: 8"), "{diff}");
    assert!(diff.contains("-orchestrator: ["), "{diff}");

    let out = talos_at(&root)
        .args(["repair", "config", "--yes"])
        .assert()
        .success()
        .get_output()
        .clone();

    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("+  max_concurrent_tasks: 8"), "{text}");
    assert!(text.contains("backup archive"), "{text}");
    assert_eq!(std::fs::read_to_string(&l.config_file).unwrap(), current);
    let q = common::json_ok(talos_at(&root).args([
        "--json",
        "audit",
        "query",
        "--action",
        "repair_config",
    ]));
    assert_eq!(q.as_array().unwrap().len(), 1, "{q:#}");

    // Without a newer archive, the newest valid file wins, with its time.
    std::fs::remove_file(&archive).unwrap();
    std::fs::write(&l.config_file, "not: [valid\n").unwrap();
    let out = talos_at(&root)
        .args(["--json", "repair", "config", "--dry-run"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["plan"]["chosen"]["kind"], "config_backup", "{doc:#}");
    assert!(
        doc["plan"]["diff"]
            .as_str()
            .unwrap()
            .contains("+  max_concurrent_tasks: 4")
    );
}
