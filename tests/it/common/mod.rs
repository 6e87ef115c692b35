//! Helpers shared by the black-box tests: run the real binary with a clean
//! environment, hash a tree, find a free port. Each test file uses a part.
#![allow(dead_code)]

pub mod archive;
pub mod s3;
pub mod sandbox;
pub mod sim;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use assert_cmd::Command;
use sha2::{Digest, Sha256};

/// The `talos` binary with an environment cleared of anything that could
/// change its behaviour (TALOS_*, NO_COLOR, HOME settings).
pub fn talos() -> Command {
    let mut cmd = Command::cargo_bin("talos").unwrap();
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("USER", "tester")
        .env("TZ", "UTC");
    cmd
}

/// `talos --root ROOT ...`.
pub fn talos_at(root: &Path) -> Command {
    let mut cmd = talos();
    cmd.arg("--root").arg(root);
    cmd
}

/// Runs `cmd`, asserts that it exited 0 (showing its stderr if not), and
/// returns stdout parsed as one JSON document.
pub fn json_ok(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A map from relative path to (kind, mode, sha256) for every entry under
/// `dir`: two trees are byte-identical exactly when their maps are equal.
pub fn tree_hash(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = path
            .strip_prefix(base)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let mode = meta.permissions().mode() & 0o7777;
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path).unwrap();
            out.insert(rel, format!("link {}", target.display()));
        } else if meta.is_dir() {
            out.insert(rel.clone(), format!("dir {mode:o}"));
            walk(base, &path, out);
        } else {
            let bytes = std::fs::read(&path).unwrap();
            out.insert(
                rel,
                format!(
                    "file {mode:o} {}",
                    talos::audit::record::hex(&Sha256::digest(&bytes))
                ),
            );
        }
    }
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Sets the installation's memory and disk limits to 100 % so a test's
/// verdict does not depend on how full the test machine's disk or memory
/// happens to be (CI machines and shared dev boxes run close to full).
/// Tests of the limits themselves do not call this.
pub fn ignore_host_limits(root: &Path) {
    use std::io::Write;
    let path = root.join("etc/talos/config.yaml");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(
        b"health:\n  memory_warn_percent: 100\n  memory_fail_percent: 100\n  disk_warn_percent: 100\n  disk_fail_percent: 100\n",
    )
    .unwrap();
}
