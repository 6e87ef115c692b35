//! doctor, incident and the repairs on a `talos sandbox init` installation
//! and with a real `talos-sim` daemon running on it.

use crate::common;
use crate::common::install::Install;
use std::path::Path;

use crate::common::sim::Sim;
use crate::common::talos_at;
use serde_json::Value;
use talos::install::Layout;

fn run_json(root: &Path, args: &[&str]) -> (i32, Value) {
    let run = talos_at(root).args(args).arg("--json").assert();
    let out = run.get_output();
    let doc =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{run}"));
    (out.status.code().unwrap(), doc)
}

/// Problems of the installation: not the host's disk or memory, which a
/// loaded test machine may have over the thresholds.
fn problems(doc: &Value) -> Vec<Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info" && f["check"] != "disk" && f["check"] != "memory")
        .cloned()
        .collect()
}

/// A live sandbox (real clock, host limits ignored): its summary.
fn sandbox(root: &Path) -> Value {
    Install::live().create(root).summary
}

#[test]
fn fresh_sandbox_then_repaired_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sb");
    let made = sandbox(&root);
    let (_, doc) = run_json(&root, &["doctor"]);
    // Deliberate in the sandbox: malformed log lines and no backup yet.
    let malformed = made["logs"]["malformed"].as_object().unwrap();
    for (file, n) in malformed {
        let f = problems(&doc)
            .into_iter()
            .find(|f| {
                f["check"] == "jsonl" && f["path"].as_str().unwrap().ends_with(&format!("/{file}"))
            })
            .unwrap_or_else(|| panic!("no jsonl finding for {file}: {doc:#}"));
        assert!(
            f["title"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{n} malformed")),
            "{f:#}"
        );
    }
    assert!(problems(&doc).iter().any(|f| f["check"] == "backup"));
    for f in problems(&doc) {
        assert!(
            ["jsonl", "backup"].contains(&f["check"].as_str().unwrap()),
            "unexpected finding on a fresh sandbox: {f:#}"
        );
    }

    // Follow doctor's fixes: repair each file, take a backup.
    let files: Vec<String> = problems(&doc)
        .iter()
        .filter(|f| f["check"] == "jsonl")
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    talos_at(&root)
        .args(["repair", "jsonl", "--yes"])
        .args(&files)
        .assert()
        .success();

    talos_at(&root)
        .args(["backup", "create", "--yes"])
        .assert()
        .code(0);

    let (code, doc) = run_json(&root, &["doctor"]);
    let left = problems(&doc);
    assert!(left.is_empty(), "{left:#?}");
    assert_eq!(code, 0, "{doc:#}");
    // The repairs are in the audit chain, and it still verifies.
    let l = Layout::new(&root);
    let report = talos::audit::verify::verify_chain(&l.audit_dir, &[]).unwrap();
    assert!(report.ok, "{report:?}");
    let actions = talos::audit::query::query(&l.audit_dir, &Default::default())
        .unwrap()
        .records;
    assert!(
        actions
            .iter()
            .any(|r| r.action == "repair_jsonl" && r.actor.starts_with("operator:"))
    );
}

#[test]
fn sandbox_incident_report_finds_its_incidents() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sb");
    sandbox(&root);
    let (code, doc) = run_json(&root, &["incident", "report", "--since", "2d"]);
    assert_eq!(code, 0);
    let tl = doc["timeline"].as_array().unwrap();
    assert!(tl.iter().any(|e| e["kind"] == "event_loop_block"));
    assert!(
        tl.iter().any(|e| e["kind"] == "breaker_transition"
            && e["message"].as_str().unwrap().contains("llm_api"))
    );
    let codes: Vec<&str> = doc["error_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"T007") && codes.contains(&"T010"),
        "{codes:?}"
    );
    assert!(
        doc["state_now"]["open_breakers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["name"] == "llm_api")
    );
}

#[test]
fn with_a_running_daemon() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sb");
    sandbox(&root);
    let l = Layout::new(&root);
    // The sandbox's process_match must match talos-sim for the PID file to verify.
    let cfg = std::fs::read_to_string(&l.config_file).unwrap();
    assert!(cfg.contains("process_match"), "{cfg}");
    let mut sim = Sim::start(&root, &["--task-interval", "0.2"]);
    assert!(common::sim::wait_for(
        std::time::Duration::from_secs(10),
        || l.pid_file.exists()
    ));

    let (_, doc) = run_json(&root, &["doctor"]);
    let pid_info = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "pid_file")
        .cloned()
        .unwrap();
    assert_eq!(pid_info["severity"], "info", "{pid_info:#}");
    assert!(
        pid_info["title"]
            .as_str()
            .unwrap()
            .contains(&sim.pid.to_string())
    );
    assert!(
        !problems(&doc)
            .iter()
            .any(|f| f["check"] == "split_brain" || f["check"] == "heartbeat"),
        "{doc:#}"
    );

    // The current log is held open by the daemon: refused; a rotation is fine.
    talos_at(&root)
        .args(["repair", "jsonl", "--yes"])
        .arg(l.orchestrator_log())
        .assert()
        .code(4);

    talos_at(&root)
        .args(["repair", "jsonl", "--yes"])
        .arg(l.log_dir.join("orchestrator.log.1"))
        .assert()
        .code(0);

    // Only a PASSIVE checkpoint while it runs.
    let (code, doc) = run_json(&root, &["db", "checkpoint"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["result"]["mode"], "passive");
    assert_eq!(doc["daemon_running"], true);

    // The incident report works with the daemon up, and says it runs.
    let (_, rep) = run_json(&root, &["incident", "report", "--since", "1h"]);
    assert!(
        rep["state_now"]["daemon"]
            .as_str()
            .unwrap()
            .starts_with("running")
    );

    sim.terminate(std::time::Duration::from_secs(15));
    let (_, doc) = run_json(&root, &["db", "checkpoint"]);
    assert_eq!(doc["result"]["mode"], "truncate");
}
