//! `talos health` is the monitoring verdict of the same evidence `status`
//! and `doctor` judge (docs/runbook.md): a daemon that answers "healthy,
//! up 1 s" after its fourth start in a few minutes is not healthy, online
//! (through its /health) or offline (from the files).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::install::Install;
use crate::common::sim::Sim;
use crate::common::talos_at;
use crate::ops::health_json;

/// A sandbox whose daemon was started and killed three times, then
/// started a fourth time (left running).
fn crash_looping() -> (tempfile::TempDir, PathBuf, Sim) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    Install::live().create(&root);
    for _ in 0..3 {
        let mut s = Sim::start(&root, &["--signal-poll", "0.2"]);
        s.kill();
    }
    let sim = Sim::start(&root, &["--signal-poll", "0.2"]);
    (dir, root, sim)
}

/// `talos health --json` (exit code, report) and the human screen.
fn health(root: &Path, global: &[&str]) -> (i32, Value, String) {
    let (code, doc) = health_json(root, global);
    let human = talos_at(root).args(global).arg("health").output().unwrap();
    (
        code,
        doc,
        String::from_utf8_lossy(&human.stdout).into_owned(),
    )
}

fn assert_crash_loop(code: i32, doc: &Value, text: &str) {
    let c = &doc["checks"]["crash_loop"];
    assert_eq!(c["status"], "fail", "{doc:#}");
    assert!(
        c["message"].as_str().unwrap().contains("started 4 times"),
        "{c}"
    );
    assert_eq!(c["starts"], 4, "{c}");
    assert_eq!(doc["status"], "unhealthy", "{doc:#}");
    assert_eq!(code, 2, "{doc:#}");
    assert!(text.contains("crash loop"), "{text}");
    assert!(text.contains("UNHEALTHY"), "{text}");
    assert!(!text.contains("talos restart"), "{text}");
}

#[test]
fn a_crash_loop_makes_health_unhealthy_online() {
    let (_d, root, sim) = crash_looping();
    let (code, doc, text) = health(&root, &["--url", &sim.url]);
    assert_eq!(doc["access"], "online", "{doc:#}");
    assert_crash_loop(code, &doc, &text);
    // status and doctor name the same loop from the same evidence.
    let out = talos_at(&root)
        .args(["--url", &sim.url, "status", "--json"])
        .output()
        .unwrap();
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = status["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["check"] == "crash_loop")
        .unwrap_or_else(|| panic!("{status:#}"));
    assert_eq!(p["severity"], "fail");
    assert_eq!(status["health"]["status"], "unhealthy", "{status:#}");
}

#[test]
fn a_crash_loop_makes_health_unhealthy_offline() {
    let (_d, root, _sim) = crash_looping();
    let (code, doc, text) = health(&root, &["--offline"]);
    assert_eq!(doc["access"], "offline", "{doc:#}");
    // The daemon itself is fine (verified PID, fresh heartbeat): only the
    // crash loop makes the verdict.
    assert_eq!(doc["checks"]["orchestrator"]["status"], "pass", "{doc:#}");
    assert_crash_loop(code, &doc, &text);
}

#[test]
fn one_start_is_no_crash_loop() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    Install::live().create(&root);
    let _sim = Sim::start(&root, &["--signal-poll", "0.2"]);
    let (_, doc, _) = health(&root, &["--offline"]);
    assert!(doc["checks"].get("crash_loop").is_none(), "{doc:#}");
}

#[test]
fn a_crash_loop_that_settled_degrades_health_for_the_hour() {
    let (_d, root, sim) = crash_looping();
    // 15 minutes later (TALOS_NOW): the newest start is past the 10 min
    // window, within the hour. The daemon's own /health still says healthy.
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(15 * 60);
    let out = talos_at(&root)
        .env("TALOS_NOW", later.to_string())
        .args(["--url", &sim.url, "health", "--json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["access"], "online", "{doc:#}");
    assert_eq!(doc["checks"]["crash_loop"]["status"], "warn", "{doc:#}");
    assert_eq!(doc["status"], "degraded", "{doc:#}");
    assert_eq!(out.status.code(), Some(1), "{doc:#}");
}
