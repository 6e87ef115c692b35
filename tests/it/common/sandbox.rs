//! Sandboxes for black-box tests: `talos sandbox init` at a fixed "now".
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The "now" test sandboxes are made at, so their content is fixed.
pub const SANDBOX_NOW: &str = "2026-01-15T10:00:00Z";

/// Runs `talos --json sandbox init ROOT --seed SEED --now NOW` and returns
/// its summary (counts, paths, correlation ids of the stories).
pub fn init_sandbox(root: &Path, seed: u64, now: &str) -> serde_json::Value {
    let out = super::talos()
        .args([
            "--json", "sandbox", "init", "--force", "--now", now, "--seed",
        ])
        .arg(seed.to_string())
        .arg(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sandbox init failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("sandbox init --json prints one document")
}

/// A small sandbox in a new temp dir: (guard, root, summary).
pub fn new_sandbox(seed: u64) -> (tempfile::TempDir, PathBuf, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sandbox");
    let doc = init_sandbox(&root, seed, SANDBOX_NOW);
    (dir, root, doc)
}
