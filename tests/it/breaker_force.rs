//! `talos breaker force-open` / `disable` / `reset` (resilience4j's
//! FORCED_OPEN and DISABLED) online against talos-sim, which honours them,
//! and offline on circuit_breakers.json.

use crate::common;
use crate::common::install::Install;
use assert_cmd::assert::OutputAssertExt;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use crate::common::sim::{Sim, wait_for};
use crate::common::talos_at;
use serde_json::Value;

fn run(root: &Path, url: &str, args: &[&str]) -> Output {
    talos_at(root)
        .arg("--url")
        .arg(url)
        .args(args)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        let run = assert_cmd::assert::OutputAssertExt::assert(out.clone());
        panic!("not JSON ({e}):\n{run}")
    })
}

fn breakers(root: &Path) -> Value {
    let p = root.join("var/lib/talos/state/circuit_breakers.json");
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn count_in_log(root: &Path, needle: &str) -> usize {
    std::fs::read_to_string(root.join("var/log/talos/orchestrator.log"))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains(needle))
        .count()
}

/// (actor, action, details) of every audit record.
fn audit(root: &Path) -> Vec<(String, String, Value)> {
    let dir = root.join("var/log/talos/audit");
    let mut out = Vec::new();
    for (_, path) in talos::audit::audit_files(&dir).unwrap() {
        for line in std::fs::read_to_string(path).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            out.push((
                v["actor"].as_str().unwrap().to_string(),
                v["action"].as_str().unwrap().to_string(),
                v["details"].clone(),
            ));
        }
    }
    out
}

#[test]
fn online_the_daemon_honours_forced_open_and_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    // The dependency never answers: left alone, llm_api would open after
    // five failures and then go half-open and open again.
    let sim = Sim::start(root, &["--flaky-cycle", "0,100", "--task-interval", "0.05"]);

    let out = run(
        root,
        &sim.url,
        &[
            "breaker",
            "disable",
            "llm_api",
            "--reason",
            "noisy probe",
            "--json",
        ],
    );
    out.clone().assert().success();
    let doc = json(&out);
    assert_eq!(doc["access"], "online");
    assert_eq!(doc["to"], "disabled");
    assert_eq!(doc["forced"]["reason"], "noisy probe");
    assert!(
        doc["forced"]["by"]
            .as_str()
            .unwrap()
            .starts_with("operator:")
    );

    // Disabled: calls go through (they fail) and the breaker stays disabled.
    let failed = count_in_log(root, "did not answer in time");
    assert!(
        wait_for(Duration::from_secs(10), || count_in_log(
            root,
            "did not answer in time"
        ) >= failed + 8),
        "calls go through a disabled breaker"
    );
    let b = &breakers(root)["breakers"]["llm_api"];
    assert_eq!(b["state"], "disabled", "{b}");
    assert_eq!(b["forced_reason"], "noisy probe");
    assert_eq!(
        breakers(root)["breakers"]["payments_api"]["note"],
        "keep me"
    );

    // Forced open: every call is rejected, and it stays so.
    let out = run(
        root,
        &sim.url,
        &[
            "breaker",
            "force-open",
            "llm_api",
            "--reason",
            "provider outage INC-7",
        ],
    );
    out.clone().assert().success();
    let deferred = count_in_log(root, "deferred: circuit breaker llm_api");
    assert!(
        wait_for(Duration::from_secs(10), || count_in_log(
            root,
            "deferred: circuit breaker llm_api"
        ) >= deferred + 5),
        "a forced-open breaker rejects calls"
    );
    assert_eq!(
        breakers(root)["breakers"]["llm_api"]["state"],
        "forced_open"
    );

    // list and status show who, when and why.
    let out = run(root, &sim.url, &["breaker", "list", "--json"]);
    let doc = json(&out);
    let llm = doc["breakers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "llm_api")
        .unwrap()
        .clone();
    assert_eq!(llm["state"], "forced_open");
    assert_eq!(llm["forced"]["reason"], "provider outage INC-7");
    assert!(llm["forced"]["at"].is_string());
    let out = run(root, &sim.url, &["breaker", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("llm_api is forced_open by operator:"),
        "{text}"
    );
    assert!(text.contains("provider outage INC-7"), "{text}");
    let out = run(root, &sim.url, &["status"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("circuit breaker llm_api is forced_open by operator:"),
        "{text}"
    );
    assert!(text.contains("provider outage INC-7"), "{text}");

    // Back to normal.
    let out = run(root, &sim.url, &["breaker", "reset", "llm_api"]);
    assert_eq!(out.status.code(), Some(0));
    let b = &breakers(root)["breakers"]["llm_api"];
    assert!(b.get("forced_reason").is_none(), "{b}");
    assert_ne!(b["state"], "forced_open");

    let records = audit(root);
    let mine: Vec<&Value> = records
        .iter()
        .filter(|(actor, a, _)| actor.starts_with("operator:") && a == "circuit_breaker_forced")
        .map(|(_, _, d)| d)
        .collect();
    assert_eq!(mine.len(), 2, "{records:?}");
    assert_eq!(mine[0]["to"], "disabled");
    assert_eq!(mine[0]["reason"], "noisy probe");
    assert_eq!(mine[1]["to"], "forced_open");
    assert_eq!(mine[1]["reason"], "provider outage INC-7");
    assert_eq!(mine[1]["access"], "online");
}

#[test]
fn offline_forces_on_the_file_and_keeps_every_other_key() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let url = format!("http://127.0.0.1:{}", common::free_port());
    let before = breakers(root);

    let out = run(
        root,
        &url,
        &[
            "breaker",
            "force-open",
            "payments_api",
            "--reason",
            "card processor down",
            "--json",
        ],
    );
    out.clone().assert().success();
    assert_eq!(json(&out)["access"], "offline");
    let after = breakers(root);
    let mut want = before.clone();
    let b = after["breakers"]["payments_api"].clone();
    want["breakers"]["payments_api"]["state"] = "forced_open".into();
    for k in ["forced_by", "forced_at", "forced_reason"] {
        assert!(b[k].is_string(), "{k}: {b}");
        want["breakers"]["payments_api"][k] = b[k].clone();
    }
    assert_eq!(after, want, "only state and forced_* change");
    assert_eq!(b["forced_reason"], "card processor down");

    let out = run(root, &url, &["breaker", "disable", "nope", "--reason", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(
        root,
        &url,
        &["breaker", "disable", "llm_api", "--reason", "  "],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = run(root, &url, &["breaker", "disable", "llm_api"]);
    assert_eq!(out.status.code(), Some(2), "--reason is required");

    // A reset puts it back to normal: the reset's three keys, forced_* gone.
    let out = run(root, &url, &["breaker", "reset", "payments_api"]);
    assert_eq!(out.status.code(), Some(0));
    let mut want = before.clone();
    want["breakers"]["payments_api"]["state"] = "closed".into();
    want["breakers"]["payments_api"]["failure_count"] = 0.into();
    want["breakers"]["payments_api"]["opened_at"] = Value::Null;
    assert_eq!(breakers(root), want);
    let records = audit(root);
    assert!(
        records.iter().any(|(_, a, d)| a == "circuit_breaker_forced"
            && d["reason"] == "card processor down"
            && d["access"] == "offline"),
        "{records:?}"
    );

    // --offline with a live daemon is refused (it would overwrite the file).
    let sim = Sim::start(root, &["--flaky", "none"]);
    let out = run(
        root,
        &sim.url,
        &[
            "breaker",
            "force-open",
            "llm_api",
            "--reason",
            "x",
            "--offline",
        ],
    );
    assert_eq!(out.status.code(), Some(4));
}
