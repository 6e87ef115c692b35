//! `talos drill`, black-box.

use crate::common::archive::components;
use crate::common::install::{Install, Installed};
use crate::common::{talos, talos_at};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

#[test]
fn drill_on_an_installation_passes_writes_junit_and_keeps_a_history() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let junit = dir.path().join("drill.xml");
    let before = components(&layout);
    talos_at(dir.path())
        .arg("drill")
        .arg("--junit")
        .arg(&junit)
        .assert()
        .success()
        .stdout(contains("PASSED").and(contains("RTO")));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 6, "{xml}");
    assert!(xml.contains("failures=\"0\""));
    for step in [
        "backup",
        "verify and stage",
        "swap",
        "validate",
        "compare",
        "audit chain",
    ] {
        assert!(xml.contains(&format!("name=\"{step}\"")), "{step}");
    }
    // The installation is untouched, apart from the history and one audit record.
    let mut after = components(&layout);
    let mut b = before.clone();
    after.remove("logs");
    b.remove("logs");
    assert_eq!(after, b);
    let doc = crate::common::json_ok(talos_at(dir.path()).args(["drill", "--json"]));
    assert_eq!(doc["drill"]["ok"], true);
    assert_eq!(doc["trend"]["drills"], 2);
    let history = std::fs::read_to_string(layout.data_dir.join("drill_history.jsonl")).unwrap();
    assert_eq!(history.lines().count(), 2);
    talos_at(dir.path())
        .arg("drill")
        .assert()
        .stdout(contains("RTO trend, last 3 drills"));
}

#[test]
fn drill_without_an_installation_uses_a_fresh_sandbox_and_writes_nothing_there() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("nothing-here");
    let out = talos()
        .arg("--root")
        .arg(&root)
        .args(["drill", "--json"])
        .assert()
        .success()
        .get_output()
        .clone();

    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["drill"]["sandbox"], true);
    assert!(doc["drill"]["rto_ms"].as_u64().is_some());
    assert!(!root.exists(), "the drill created the missing root");
}

#[test]
fn drill_of_a_corrupt_backup_fails_with_exit_3_and_a_junit_failure() {
    let (dir, _) = Install::sample(0).create_temp();
    let bad = dir.path().join("bad.tar.gz");
    std::fs::write(&bad, b"not a backup").unwrap();
    let junit = dir.path().join("j.xml");
    let out = talos_at(dir.path())
        .arg("drill")
        .arg("--backup")
        .arg(&bad)
        .arg("--junit")
        .arg(&junit)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAILED"));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<failure message="), "{xml}");
    assert!(xml.contains("not a gzip file"));
    assert!(xml.contains("<skipped"));
}
