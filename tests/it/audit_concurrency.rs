//! Concurrent appends from several processes (and threads) never fork the
//! chain: the flock on AUDIT_DIR/.lock serialises them, and the result
//! verifies with every record present exactly once.
//!
//! The other processes are this test binary itself, re-run with
//! `TALOS_TEST_APPEND_DIR` set to run the ignored `child_appender`.

use crate::common;
use crate::common::install::Install;
use std::collections::BTreeSet;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use talos::audit::{append_in, audit_file_name, query::QueryFilter, query::query, verify_chain};

const PER_WRITER: u64 = 25;

/// Kills and reaps children left behind by a failing test.
struct Children(Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Not a test of its own: the body of each writer process, which re-runs
/// this binary with `--ignored --exact child_appender`. Ignored in a normal
/// run rather than passing there without doing anything.
#[test]
#[ignore = "a helper: the writer processes of the concurrency test run it"]
fn child_appender() {
    let dir = std::env::var("TALOS_TEST_APPEND_DIR")
        .expect("run only as a writer process, with TALOS_TEST_APPEND_DIR set");
    let who = std::env::var("TALOS_TEST_APPEND_WHO").unwrap();
    for i in 0..PER_WRITER {
        append_in(
            std::path::Path::new(&dir),
            &who,
            "concurrent_append",
            &serde_json::json!({"writer": who, "i": i}),
            "2024-01-15T08:30:00.000Z",
        )
        .unwrap();
    }
}

fn spawn_writer(dir: &std::path::Path, who: &str) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "audit_concurrency::child_appender",
            "--exact",
            "--ignored",
            "--quiet",
            "--test-threads=1",
        ])
        .env("TALOS_TEST_APPEND_DIR", dir)
        .env("TALOS_TEST_APPEND_WHO", who)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

fn wait_all(children: &mut Children, limit: Duration) {
    let deadline = Instant::now() + limit;
    for c in &mut children.0 {
        let mut status = None;
        crate::common::sim::wait_for(deadline.saturating_duration_since(Instant::now()), || {
            status = c.try_wait().unwrap();
            status.is_some()
        });
        let status = status.unwrap_or_else(|| panic!("writers did not finish in {limit:?}"));
        assert!(status.success(), "a writer failed: {status}");
    }
}

#[test]
fn processes_and_threads_appending_at_once_leave_a_chain_that_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().to_path_buf();
    let mut children = Children(Vec::new());
    for n in 0..4 {
        children
            .0
            .push(spawn_writer(&audit, &format!("operator:proc{n}")));
    }
    // Threads of this process append at the same time.
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let audit = audit.clone();
            std::thread::spawn(move || {
                for i in 0..PER_WRITER {
                    append_in(
                        &audit,
                        &format!("orchestrator:thread{t}"),
                        "concurrent_append",
                        &serde_json::json!({"i": i}),
                        "2024-01-15T08:30:00.000Z",
                    )
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    wait_all(&mut children, Duration::from_secs(120));

    let total = 6 * PER_WRITER;
    let report = verify_chain(&audit, &[]).unwrap();
    assert!(report.ok, "{:?}", report.first_error);
    assert_eq!(report.records, total);
    assert_eq!(report.operator_actions, 4 * PER_WRITER);
    // Every writer's every record is there exactly once.
    let all = query(&audit, &QueryFilter::default()).unwrap();
    let keys: BTreeSet<String> = all
        .records
        .iter()
        .map(|r| format!("{}/{}", r.actor, r.details["i"]))
        .collect();
    assert_eq!(keys.len() as u64, total);
}

#[test]
fn appends_continue_the_chain_into_a_new_file_past_10_mb() {
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path();
    // Eleven records of ~1 MB each (under the 1 MiB a record may have)
    // push the first file past 10 MB.
    let big = "x".repeat(1_000_000);
    for i in 0..11 {
        append_in(
            audit,
            "orchestrator",
            "bulk",
            &serde_json::json!({"i": i, "blob": big}),
            "2024-01-15T08:30:00.000Z",
        )
        .unwrap();
    }
    let mut children = Children(vec![
        spawn_writer(audit, "operator:a"),
        spawn_writer(audit, "operator:b"),
    ]);
    wait_all(&mut children, Duration::from_secs(120));
    assert!(audit.join(audit_file_name(2)).exists());
    let first = std::fs::metadata(audit.join(audit_file_name(1)))
        .unwrap()
        .len();
    assert!(first <= talos::audit::MAX_FILE_BYTES, "{first}");
    let report = verify_chain(audit, &[]).unwrap();
    assert!(report.ok, "{:?}", report.first_error);
    assert_eq!(report.records, 11 + 2 * PER_WRITER);
    assert_eq!(report.files, 2);
}

/// The contract's case: `talos` records its own actions while `talos-sim`
/// appends at the same moment. Several `talos breaker reset` runs go
/// through the daemon's API in parallel, so each one makes the daemon append
/// its record while talos appends the operator's. The result verifies, with
/// the database's audit_log (the daemon's anchor) agreeing.
#[test]
fn talos_and_talos_sim_appending_at_once_leave_a_chain_that_verifies() {
    use common::sim::Sim;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    Install::minimal().create(&root);
    // A fast flaky cycle makes the daemon append breaker transitions on its
    // own as well.
    let mut daemon = Sim::start(
        &root,
        &["--flaky-cycle", "0.2,0.2", "--task-interval", "0.1"],
    );
    let url = daemon.url.clone();
    let runs_per_thread = 4;
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let root = root.clone();
            let url = url.clone();
            std::thread::spawn(move || {
                for _ in 0..runs_per_thread {
                    common::talos_at(&root)
                        .args([
                            "--url",
                            &url,
                            "--online",
                            "--yes",
                            "breaker",
                            "reset",
                            "payments_api",
                        ])
                        .timeout(Duration::from_secs(60))
                        .assert()
                        .success();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    daemon.terminate(Duration::from_secs(20));

    let out = common::talos_at(&root)
        .args(["--json", "audit", "verify-chain"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{doc}");
    assert_eq!(doc["operator_actions"], 3 * runs_per_thread);
    // daemon_start, one API reset per run, daemon_stop at least.
    assert!(
        doc["records"].as_u64().unwrap() >= 2 * 3 * runs_per_thread as u64 + 2,
        "{doc}"
    );
    assert!(doc["anchors_checked"].as_u64().unwrap() >= 1, "{doc}");
}

/// Verifying while writers append never mistakes a record being written for
/// a torn line: verification reads the lengths the files had under the lock.
#[test]
fn verifying_during_appends_sees_a_consistent_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().to_path_buf();
    append_in(
        &audit,
        "orchestrator",
        "first",
        &serde_json::json!({}),
        "2024-01-15T08:30:00.000Z",
    )
    .unwrap();
    let mut children = Children(vec![
        spawn_writer(&audit, "operator:a"),
        spawn_writer(&audit, "operator:b"),
    ]);
    let start = Instant::now();
    let mut runs = 0;
    let mut last = 0;
    loop {
        let r = verify_chain(&audit, &[]).unwrap();
        assert!(r.ok, "run {runs}: {:?}", r.first_error);
        assert!(r.records >= last, "the chain shrank");
        last = r.records;
        runs += 1;
        if children
            .0
            .iter_mut()
            .all(|c| c.try_wait().unwrap().is_some())
        {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(120));
    }
    wait_all(&mut children, Duration::from_secs(10));
    assert_eq!(
        verify_chain(&audit, &[]).unwrap().records,
        1 + 2 * PER_WRITER
    );
}
