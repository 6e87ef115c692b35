//! `talos incident report` over an installation with a staged incident: an
//! event loop block, an open breaker, a panic and a restore, with the
//! evidence lines written here in the files the daemon and talos write.

use crate::common::install::Install;
use std::path::Path;

use crate::common::talos_at;
use crate::ops::*;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use talos::install::Layout;

struct Staged {
    t_block: Timestamp,
    t_breaker: Timestamp,
    t_panic: Timestamp,
    t_restore: Timestamp,
    t_action: Timestamp,
}

const CID: &str = "f9e8d7c6b5a41234";

fn stage(l: &Layout) -> Staged {
    // Whole seconds: panic.log and restore.log carry no milliseconds.
    let t0 = Timestamp::from_second(Timestamp::now().as_second() - 20 * 60).unwrap();
    let at = |s: i64| t0 + SignedDuration::from_secs(s);
    let s = Staged {
        t_block: at(60),
        t_breaker: at(120),
        t_panic: at(300),
        t_restore: at(420),
        t_action: at(600),
    };
    let mut ops = String::new();
    ops.push_str(&t2(
        at(10),
        "WARN",
        "health_check",
        "High memory usage detected: 75.2%",
        "0000000000000a01",
        Some("T005"),
    ));
    ops.push_str(&t2(
        s.t_block,
        "ERROR",
        "health_check",
        "Event loop blocked for 35 seconds",
        CID,
        Some("T007"),
    ));
    for i in 0..5 {
        ops.push_str(&t2(
            at(100 + i),
            "ERROR",
            "orchestrator",
            &format!(
                "Task task_{:08x} failed: LLM API error | status 503",
                0xbeef00 + i
            ),
            &format!("{CID}:child{i}"),
            Some("T003"),
        ));
    }
    ops.push_str(&t2(
        s.t_breaker,
        "ERROR",
        "orchestrator",
        "Circuit breaker llm_api closed -> open",
        "0000000000000b01",
        Some("T010"),
    ));
    ops.push_str(&t2(
        at(2000),
        "ERROR",
        "orchestrator",
        "outside the window",
        "0000000000000c01",
        Some("T009"),
    ));
    append(&l.orchestrator_log(), &ops);
    write(
        &l.block_events_log(),
        &format!(
            "{}\n",
            serde_json::json!({
                "timestamp": ts(s.t_block + SignedDuration::from_secs(1)).trim_end_matches('Z'),
                "event_type": "event_loop_blocked",
                "block_duration_seconds": 35.0,
                "threshold_seconds": 30,
                "active_tasks": [{"task_id": "task_001"}],
            })
        ),
        0o640,
    );
    write(
        &l.breakers_file(),
        &serde_json::json!({"breakers": {
            "llm_api": {"state": "open", "failure_count": 5, "failure_threshold": 5, "recovery_timeout_s": 60, "opened_at": ts(s.t_breaker), "last_failure": ts(s.t_breaker)},
            "payments": {"state": "closed", "failure_count": 0, "opened_at": null},
        }})
        .to_string(),
        0o600,
    );
    let iso = |t: Timestamp| t.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_string();
    write(
        &l.panic_log(),
        &format!(
            "[{}] INFO: === PANIC SEQUENCE INITIATED ===\n[{}] INFO: Reason: event loop blocked twice\n",
            iso(s.t_panic),
            iso(s.t_panic + SignedDuration::from_secs(1))
        ),
        0o640,
    );
    let plain = |t: Timestamp| t.strftime("%Y-%m-%d %H:%M:%S").to_string();
    write(
        &l.restore_log(),
        &format!(
            "[{}] [INFO] Restore of backup_20240115_083000.tar.gz started\n[{}] [SUCCESS] Restore completed\n{}\n",
            plain(s.t_restore),
            plain(s.t_restore + SignedDuration::from_secs(30)),
            // As `talos restore` writes it.
            serde_json::json!({
                "timestamp": ts(s.t_restore + SignedDuration::from_secs(31)),
                "action": "restore", "operator": "operator:alice",
                "archive": "/var/backups/talos/backup_20240115_083000.tar.gz",
                "components": ["config", "state"], "rollback": null, "validation_ok": true,
            })
        ),
        0o640,
    );
    talos::audit::append_in(
        &l.audit_dir,
        "operator:alice",
        "breaker_reset",
        &serde_json::json!({"name": "llm_api"}),
        &ts(s.t_action),
    )
    .unwrap();
    s
}

fn report_json(root: &Path, extra: &[&str]) -> Value {
    let out = talos_at(root)
        .args(["incident", "report", "--format", "json", "--since", "1h"])
        .args(extra)
        .assert()
        .success()
        .get_output()
        .clone();

    serde_json::from_slice(&out.stdout).expect("--format json is one JSON document")
}

fn position(timeline: &[Value], pred: impl Fn(&Value) -> bool, what: &str) -> usize {
    timeline
        .iter()
        .position(pred)
        .unwrap_or_else(|| panic!("no {what} in the timeline: {timeline:#?}"))
}

#[test]
fn staged_incident_in_order_with_codes_and_responses() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let s = stage(&l);
    let doc = report_json(
        dir.path(),
        &[
            "--until",
            &ts(Timestamp::now() - SignedDuration::from_mins(5)),
        ],
    );
    let tl = doc["timeline"].as_array().unwrap();

    let block = position(tl, |e| e["kind"] == "event_loop_block", "block event");
    let block_line = position(
        tl,
        |e| e["source"] == "tier2" && e["code"] == "T007",
        "T007 line",
    );
    let breaker = position(
        tl,
        |e| e["kind"] == "breaker_transition",
        "breaker transition",
    );
    let panic = position(tl, |e| e["kind"] == "panic", "panic");
    let restore = position(tl, |e| e["kind"] == "restore", "restore");
    let action = position(tl, |e| e["kind"] == "operator_action", "operator action");
    assert!(
        block_line < block
            && block < breaker
            && breaker < panic
            && panic < restore
            && restore < action,
        "order: {block_line} {block} {breaker} {panic} {restore} {action}"
    );
    assert_eq!(
        tl[block]["timestamp"],
        ts(s.t_block + SignedDuration::from_secs(1))
    );
    assert_eq!(tl[breaker]["timestamp"], ts(s.t_breaker));
    assert_eq!(tl[panic]["timestamp"], ts(s.t_panic));
    assert_eq!(tl[restore]["timestamp"], ts(s.t_restore));
    let talos_restore = tl
        .iter()
        .find(|e| {
            e["kind"] == "restore"
                && e["timestamp"] == ts(s.t_restore + SignedDuration::from_secs(31))
        })
        .unwrap_or_else(|| panic!("{tl:#?}"));
    assert_eq!(
        talos_restore["message"],
        "restore operator=operator:alice archive=/var/backups/talos/backup_20240115_083000.tar.gz components=[\"config\",\"state\"] validation_ok=true"
    );
    assert!(
        tl[action]["message"]
            .as_str()
            .unwrap()
            .contains("operator:alice breaker_reset")
    );
    // Times never go backwards.
    let times: Vec<&str> = tl
        .iter()
        .map(|e| e["timestamp"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    // The line outside the window is not there.
    assert!(!tl.iter().any(|e| e["message"] == "outside the window"));

    // Error codes with their meaning, response and procedure.
    let code = |c: &str| {
        doc["error_codes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == c)
            .cloned()
            .unwrap_or_else(|| panic!("{c} missing: {:#}", doc["error_codes"]))
    };
    let t7 = code("T007");
    assert_eq!(t7["response"], "Restart container");
    assert_eq!(t7["procedure"]["id"], "F-001");
    let t10 = code("T010");
    assert_eq!(t10["response"], "Wait for cooldown or manual reset");
    assert_eq!(t10["procedure"]["id"], "F-004");
    assert_eq!(code("T003")["count"], 5);
    assert_eq!(code("T005")["procedure"]["id"], "F-002");
    assert!(
        doc["error_codes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["code"] != "T009")
    );

    // Summary and patterns.
    let sum = &doc["summary"];
    assert_eq!(sum["by_code"]["T003"], 5);
    assert_eq!(sum["first_error"]["code"], "T007");
    assert!(
        sum["affected_components"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "health_check")
    );
    // First error (the T007 line) to the last (the breaker opening).
    assert_eq!(sum["duration_ms"], 60_000);
    assert_eq!(sum["last_error"]["code"], "T010");
    let top = &doc["patterns"][0];
    assert_eq!(top["count"], 5);
    assert_eq!(
        top["pattern"],
        "Task task_<hex> failed: LLM API error | status <n>"
    );

    // State now.
    let st = &doc["state_now"];
    assert_eq!(st["open_breakers"][0]["name"], "llm_api");
    assert_eq!(st["open_breakers"].as_array().unwrap().len(), 1);
    assert!(st["health"].is_string());
    assert!(
        doc["to_fill"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["section"] == "Root cause")
    );
    assert_eq!(doc["header"]["talos_version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn markdown_renders_every_section_and_escapes_pipes() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    stage(&l);
    let out = talos_at(dir.path())
        .args(["incident", "report", "--since", "1h"])
        .assert()
        .code(0);
    let md = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for section in [
        "# Incident report",
        "## Summary",
        "## Timeline",
        "## Error codes",
        "## Patterns",
        "## Operator actions",
        "## State now",
        "### Root cause",
        "### Impact",
        "### Recovery actions",
        "### Prevention",
        "### Lessons learned",
    ] {
        assert!(md.contains(section), "missing {section}:\n{md}");
    }
    assert!(md.contains("F-001 Event Loop Block") && md.contains("Restart container"));
    // Every table row has the same number of unescaped pipes as its header.
    let mut cols = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            cols = None;
            continue;
        }
        let n = line.replace("\\|", "").matches('|').count();
        match cols {
            None => cols = Some(n),
            Some(c) => assert_eq!(n, c, "broken table row: {line}"),
        }
    }
    assert!(md.contains("LLM API error \\| status 503"), "{md}");
    assert!(md.contains("`Task task_<hex> failed: LLM API error \\| status <n>`"));

    // -o writes the same report atomically.
    let file = dir.path().join("postmortem.md");
    talos_at(dir.path())
        .args(["incident", "report", "--since", "1h", "-o"])
        .arg(&file)
        .assert()
        .code(0);
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("## Timeline") && written.contains("Event loop blocked"));
    let json_file = dir.path().join("postmortem.json");
    talos_at(dir.path())
        .args([
            "incident", "report", "--since", "1h", "--format", "json", "-o",
        ])
        .arg(&json_file)
        .assert()
        .code(0);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json_file).unwrap()).unwrap();
    assert!(v["timeline"].as_array().unwrap().len() >= 6);
}

#[test]
fn correlation_id_narrows_the_log_lines() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    stage(&l);
    let out = talos_at(dir.path())
        .args(["incident", "report", "--json", "--correlation-id", CID])
        .assert()
        .code(0);
    let doc: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    // The T007 line and its five children; not the memory warning.
    assert_eq!(doc["summary"]["tier2_lines"], 6);
    assert_eq!(doc["summary"]["by_code"]["T003"], 5);
    assert!(doc["summary"]["by_code"].get("T005").is_none());
    assert_eq!(doc["header"]["correlation_id"], CID);
}

#[test]
fn empty_installation_still_reports() {
    let dir = tempfile::tempdir().unwrap();
    let out = talos_at(dir.path())
        .args(["incident", "report"])
        .assert()
        .code(0);
    let md = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(md.contains("No events in the window"));
    talos_at(dir.path())
        .args(["incident", "report", "--since", "1h", "--until", "2h"])
        .assert()
        .code(2);
    // --json is one JSON document: Markdown only with -o.
    talos_at(dir.path())
        .args(["incident", "report", "--json", "--format", "markdown"])
        .assert()
        .code(2);
}

#[test]
fn the_recovery_token_never_reaches_the_postmortem() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    write(
        &l.emergency_state(),
        r#"{"panic_timestamp":"2024-01-15T08:30:00Z","reason":"drill","pid":42,"data_dir":"/var/lib/talos","recovery_available":true,"force_shutdown":false,"method":"api","preserve":null,"recovery_token":"recv_s3cr3t_token","daemon_record":{"recovery_token":"recv_s3cr3t_token"}}"#,
        0o600,
    );
    for format in ["json", "markdown"] {
        let out = talos_at(dir.path())
            .args(["incident", "report", "--format", format])
            .assert()
            .success()
            .get_output()
            .clone();

        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("drill"),
            "the pending recovery is reported: {text}"
        );
        assert!(
            !text.contains("recv_s3cr3t_token"),
            "token leaked in {format}: {text}"
        );
    }
}

/// A rotation last written before the window cannot hold a line of it, so
/// it is not read (docs/ops.md, "Incident report"): a damaged old `.gz`
/// is neither read nor reported as unreadable. The rotation written during
/// the window is read, and a report by correlation id alone, which has no
/// window, reads every file.
#[test]
fn a_rotation_that_ended_before_the_window_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let now = Timestamp::now();
    let ago = |mins: i64| now - SignedDuration::from_mins(mins);
    let line = |at, msg| t2(at, "ERROR", "orchestrator", msg, CID, Some("T003"));
    append(&l.orchestrator_log(), &line(ago(5), "current file"));
    let recent = l.log_dir.join("orchestrator.log.1");
    append(&recent, &line(ago(40), "recent rotation"));
    let old = l.log_dir.join("orchestrator.log.2.gz");
    std::fs::write(&old, b"\x1f\x8b\x08\x00 not really gzip").unwrap();
    let three_days = std::time::SystemTime::now() - std::time::Duration::from_secs(3 * 86_400);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(three_days)
        .unwrap();

    let read = |doc: &Value| -> Vec<(String, u64)> {
        doc["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let name = Path::new(s["file"].as_str().unwrap()).file_name().unwrap();
                (
                    name.to_string_lossy().into_owned(),
                    s["unreadable"].as_u64().unwrap(),
                )
            })
            .filter(|(n, _)| n.starts_with("orchestrator.log"))
            .collect()
    };
    let doc = report_json(dir.path(), &[]);
    assert_eq!(
        doc["summary"]["by_level"]["ERROR"], 2,
        "{:#}",
        doc["summary"]
    );
    let files = read(&doc);
    assert!(
        !files.iter().any(|(n, _)| n == "orchestrator.log.2.gz"),
        "{files:?}"
    );
    assert!(
        files.contains(&("orchestrator.log.1".into(), 0)),
        "{files:?}"
    );

    let out = talos_at(dir.path())
        .args(["incident", "report", "--json", "--correlation-id", CID])
        .assert()
        .success()
        .get_output()
        .clone();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        read(&doc).contains(&("orchestrator.log.2.gz".into(), 1)),
        "{:?}",
        read(&doc)
    );
}

/// The report's "State now" (health) and doctor's database check share one
/// PRAGMA quick_check (it reads the whole database), as status does: the
/// test-hooks build writes a line per SQLite self-check to
/// TALOS_TEST_SELF_CHECK_LOG. The shared answer is still shown.
#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn health_and_doctor_share_one_quick_check() {
    let dir = tempfile::tempdir().unwrap();
    let counts = tempfile::tempdir().unwrap();
    Install::clean().create(dir.path());
    for (name, args) in [
        ("incident", &["incident", "report", "--format", "json"][..]),
        ("status", &["status", "--json"][..]),
    ] {
        let log = counts.path().join(name);
        let out = talos_at(dir.path())
            .env("TALOS_TEST_SELF_CHECK_LOG", &log)
            .args(args)
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            std::fs::read_to_string(&log).unwrap(),
            "quick_check\n",
            "{name}"
        );
        if name == "incident" {
            let db = &doc["state_now"]["health_checks"]["database"];
            assert_eq!(db["quick_check"], "ok", "{db:#}");
            assert!(
                doc["state_now"]["doctor"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|d| d["check"] != "database"),
                "{doc:#}"
            );
        }
    }
}
