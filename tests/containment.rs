//! Containment (docs/ops.md "Containment"): a closed stdout never ends an
//! operation midway; talos never writes through a link planted in the
//! installation; operations take the installation's locks consistently;
//! an interrupted talos cleans up after itself.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::sim::{Sim, minimal_install};
use common::{talos_at, tree_hash};

/// The `talos` binary for a spawned (not assert_cmd) run, clean environment.
fn talos_spawn(root: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_talos"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("USER", "tester")
        .env("TZ", "UTC")
        .arg("--root")
        .arg(root);
    cmd
}

fn wait_child(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(Some(st)) = child.try_wait() {
            return Some(st);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn audit_actions(root: &Path) -> Vec<String> {
    let dir = root.join("var/log/talos/audit");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        if f.extension().is_some_and(|e| e == "jsonl") {
            for line in std::fs::read_to_string(f).unwrap().lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                out.push(v["action"].as_str().unwrap_or_default().to_string());
            }
        }
    }
    out
}

#[test]
fn panic_whose_reader_closes_after_the_first_line_still_stops_the_daemon() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    minimal_install(root);
    let mut sim = Sim::start(root, &["--signal-poll", "1"]);
    let mut child = talos_spawn(root)
        .args([
            "--url",
            &sim.url,
            "--offline",
            "--yes",
            "panic",
            "--reason",
            "x",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `| head -1`: read one line, then close the pipe.
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert!(first.contains("PANIC"), "{first}");
    drop(reader);
    let status = wait_child(&mut child, Duration::from_secs(60)).expect("panic ended");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        sim.wait_exit(Duration::from_secs(10)).is_some(),
        "the daemon is stopped"
    );
    assert!(!root.join("var/lib/talos/SIGNAL_PANIC").exists());
    assert!(root.join("var/lib/talos/emergency_state.json").exists());
    assert!(
        audit_actions(root).iter().any(|a| a == "panic"),
        "{:?}",
        audit_actions(root)
    );
}

#[test]
fn log_query_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::sandbox::init_sandbox(root, 7, "2024-01-15T12:00:00Z");
    let mut child = talos_spawn(root)
        .args(["log", "query"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    drop(reader);
    let status = wait_child(&mut child, Duration::from_secs(60)).expect("query ended");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
