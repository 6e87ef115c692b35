//! Hostile files, daemons and terminals (issue 14): the emergency commands
//! still run, memory and time stay bounded, the token never leaks.

mod common;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use common::sim::minimal_install;
use common::{free_port, talos_at};

/// Runs `cmd` with a generous bound: a hung command fails the test instead
/// of hanging the suite.
fn run_bounded(cmd: &mut assert_cmd::Command) -> Output {
    cmd.timeout(Duration::from_secs(60)).output().unwrap()
}

fn install() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    minimal_install(&root);
    // Nothing listens here: the API rung fails fast.
    let url = format!("http://127.0.0.1:{}", free_port());
    (dir, root, url)
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn write_config(root: &Path, body: &[u8]) {
    std::fs::write(root.join("etc/talos/config.yaml"), body).unwrap();
}

fn deep_flow_sequence() -> Vec<u8> {
    let depth = 200_000;
    let mut s = b"version: \"4.0\"\norchestrator: {}\nlogging: {}\nx: ".to_vec();
    s.extend(std::iter::repeat_n(b'[', depth));
    s.extend(std::iter::repeat_n(b']', depth));
    s.push(b'\n');
    s
}

fn deep_flow_mapping() -> Vec<u8> {
    let depth = 60_000;
    let mut s = b"version: \"4.0\"\norchestrator: {}\nlogging: {}\nx: ".to_vec();
    for _ in 0..depth {
        s.extend_from_slice(b"{a: ");
    }
    s.push(b'1');
    s.extend(std::iter::repeat_n(b'}', depth));
    s.push(b'\n');
    s
}

fn deep_block_sequence() -> Vec<u8> {
    let depth = 150_000;
    let mut s = b"version: \"4.0\"\norchestrator: {}\nlogging: {}\nx:\n".to_vec();
    s.extend(std::iter::repeat_n(&b"- "[..], depth).flatten());
    s.extend_from_slice(b"1\n");
    s
}

#[test]
fn deeply_nested_yaml_is_an_invalid_config_and_emergency_commands_go_on() {
    for (name, body) in [
        ("flow sequence", deep_flow_sequence()),
        ("flow mapping", deep_flow_mapping()),
        ("block sequence", deep_block_sequence()),
    ] {
        let (_d, root, url) = install();
        write_config(&root, &body);
        let o = run_bounded(talos_at(&root).args(["config", "validate"]));
        assert_ne!(o.status.code(), Some(0), "{name}: {}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("nest")
                || String::from_utf8_lossy(&o.stderr).contains("nest"),
            "{name}: {}",
            text(&o)
        );
        let o = run_bounded(talos_at(&root).args(["--url", &url, "status"]));
        assert!(o.status.code().is_some(), "{name}: {}", text(&o));
        let o = run_bounded(talos_at(&root).args(["--url", &url, "--json", "health"]));
        assert!(
            matches!(o.status.code(), Some(0..=3)),
            "{name}: {}",
            text(&o)
        );
        let o = run_bounded(talos_at(&root).args([
            "--url",
            &url,
            "--yes",
            "panic",
            "--force",
            "--reason",
            "hostile yaml",
        ]));
        assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o));
    }
}

#[test]
fn an_oversized_config_is_invalid_not_read_whole() {
    let (_d, root, url) = install();
    let mut body = b"version: \"4.0\"\norchestrator: {}\nlogging: {}\n# ".to_vec();
    body.extend(std::iter::repeat_n(b'x', 3 << 20));
    body.push(b'\n');
    write_config(&root, &body);
    let o = run_bounded(talos_at(&root).args(["config", "validate"]));
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    let o = run_bounded(talos_at(&root).args(["--url", &url, "--json", "health"]));
    assert!(matches!(o.status.code(), Some(0..=3)), "{}", text(&o));
}

fn pid_file(root: &Path) -> std::path::PathBuf {
    root.join("var/run/talos/orchestrator.pid")
}

#[test]
fn an_unreadable_pid_file_does_not_stop_the_emergency_commands() {
    for kind in ["bytes", "dir", "huge"] {
        let (_d, root, url) = install();
        let pf = pid_file(&root);
        match kind {
            "bytes" => std::fs::write(&pf, b"\xff\xfe\n").unwrap(),
            "dir" => std::fs::create_dir(&pf).unwrap(),
            _ => std::fs::write(&pf, vec![b'7'; 8 << 20]).unwrap(),
        }
        for args in [
            vec!["status"],
            vec!["--json", "health"],
            vec!["--yes", "breaker", "reset", "payments_api"],
            vec!["db", "checkpoint"],
        ] {
            let o = run_bounded(talos_at(&root).arg("--url").arg(&url).args(&args));
            assert_ne!(o.status.code(), Some(1), "{kind} {args:?}: {}", text(&o));
            assert!(o.status.code().is_some(), "{kind} {args:?}: {}", text(&o));
        }
        let o = run_bounded(talos_at(&root).args([
            "--url",
            &url,
            "--yes",
            "--json",
            "panic",
            "--force",
            "--reason",
            "bad pid file",
        ]));
        let out = text(&o);
        assert_eq!(o.status.code(), Some(0), "{kind}: {out}");
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(doc["pid_file"]["state"], "stale", "{kind}: {out}");
        // The signal-file rung ran: it needs no PID.
        assert!(out.contains("signal_file"), "{kind}: {out}");
    }
}
