//! Black-box tests of `talos sandbox init` and of the installation it makes,
//! checked with small independent readers written here (not the product's).

mod common;

use std::path::Path;

use common::{talos, talos_at, tree_hash};

const NOW: &str = "2026-01-15T10:00:00Z";

/// Makes a small sandbox in a new temp dir and returns (dir, summary).
fn sandbox(seed: u64) -> (tempfile::TempDir, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sb");
    let out = talos()
        .args(["--json", "sandbox", "init", "--now", NOW, "--seed"])
        .arg(seed.to_string())
        .arg(&root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sandbox init failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    (dir, doc)
}

fn root_of(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("sb")
}

#[test]
fn same_seed_and_now_give_identical_trees() {
    let (a, _) = sandbox(7);
    let (b, _) = sandbox(7);
    let (c, _) = sandbox(8);
    let ha = tree_hash(&root_of(&a));
    assert!(ha.len() > 30, "a sandbox has many entries: {ha:?}");
    assert_eq!(ha, tree_hash(&root_of(&b)));
    assert_ne!(ha, tree_hash(&root_of(&c)));
}

#[test]
fn fresh_sandbox_validates() {
    let (d, doc) = sandbox(1);
    assert_eq!(doc["scale"], "small");
    assert!(doc["next"].as_array().is_some_and(|n| !n.is_empty()));
    talos_at(&root_of(&d))
        .args(["config", "validate"])
        .assert()
        .code(0);
    assert!(
        !Path::new(&root_of(&d))
            .join("var/run/talos/orchestrator.pid")
            .exists()
    );
}
