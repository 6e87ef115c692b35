//! Helpers shared by the black-box tests: run the real binary with a clean
//! environment, hash a tree, find a free port. Each test file uses a part.
#![allow(dead_code)]

pub mod archive;
pub mod install;
pub mod mount;
pub mod s3;
pub mod sim;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use assert_cmd::Command;
use sha2::{Digest, Sha256};

/// The `talos` binary built for these tests.
pub fn talos_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_talos"))
}

/// The one definition of how a test runs talos: the binary with an
/// environment cleared of anything that could change its behaviour
/// (TALOS_*, NO_COLOR, HOME settings), as a std Command. `talos()` and
/// `talos_at()` wrap it for assert_cmd; `talos_std()` is it with a root,
/// for runs a test spawns, kills or feeds.
fn talos_base() -> std::process::Command {
    let mut cmd = std::process::Command::new(talos_bin());
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("USER", "tester")
        .env("TZ", "UTC");
    cmd
}

/// `talos ...` for assert_cmd (see `talos_base`).
pub fn talos() -> Command {
    Command::from_std(talos_base())
}

/// `talos --root ROOT ...` for assert_cmd.
pub fn talos_at(root: &Path) -> Command {
    let mut cmd = talos();
    cmd.arg("--root").arg(root);
    cmd
}

/// `talos --root ROOT ...` as a std Command (for spawning and killing).
pub fn talos_std(root: &Path) -> std::process::Command {
    let mut cmd = talos_base();
    cmd.arg("--root").arg(root);
    cmd
}

/// Runs `cmd`, asserts that it exited 0 (showing its stderr if not), and
/// returns stdout parsed as one JSON document.
pub fn json_ok(cmd: &mut Command) -> serde_json::Value {
    let assert = cmd.assert().success();
    serde_json::from_slice(&assert.get_output().stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{assert}"))
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

/// A process whose program name is `talos-sim` (a `sleep 60` started as
/// `exec -a talos-sim`), returned once its command line shows that name,
/// so a PID file pointing at it names a verified daemon. Bounded: panics
/// after 10 s.
pub fn fake_daemon() -> std::process::Child {
    let child = std::process::Command::new("bash")
        .args(["-c", "exec -a talos-sim sleep 60"])
        .spawn()
        .unwrap();
    let cmdline = format!("/proc/{}/cmdline", child.id());
    assert!(
        sim::wait_for(std::time::Duration::from_secs(10), || {
            std::fs::read(&cmdline).is_ok_and(|c| c.starts_with(b"talos-sim\0"))
        }),
        "the fake daemon never showed the name talos-sim"
    );
    child
}

/// What a test does when its environment lacks something it needs (a tool,
/// mount permission): it fails with `why`, unless `opt_out` is set to 1
/// outside CI, then it prints what is not checked and returns, and the
/// caller skips that check. CI never skips. The opt-outs are listed in
/// README.md ("Development").
pub fn missing_requirement(why: &str, opt_out: &str) {
    if std::env::var(opt_out).as_deref() == Ok("1") && std::env::var("CI").is_err() {
        eprintln!("{opt_out}=1: not checked: {why}");
        return;
    }
    panic!("{why} (outside CI, {opt_out}=1 skips this check)");
}
