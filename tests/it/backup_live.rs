//! Backups of an installation while a real `talos-sim` daemon writes to it,
//! and restores that meet the running daemon.

use crate::common::install::Install;
use assert_cmd::assert::OutputAssertExt;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::common::sim::Sim;
use crate::common::{json_ok, talos_at};

#[test]
fn a_backup_taken_while_talos_sim_writes_is_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    Install::live().create(&root);
    let tasks = || {
        rusqlite::Connection::open(root.join("var/lib/talos/db/talos.db"))
            .and_then(|c| c.query_row("SELECT count(*) FROM tasks", [], |r| r.get::<_, i64>(0)))
            .unwrap_or(0)
    };
    let before = tasks();
    let mut sim = Sim::start(&root, &["--task-interval", "0.1"]);
    // The backups are taken while the sim writes: wait for its first tasks.
    assert!(
        crate::common::sim::wait_for(Duration::from_secs(10), || tasks() > before + 2),
        "talos-sim wrote no tasks"
    );
    let mut files = Vec::new();
    for _ in 0..3 {
        let doc = json_ok(talos_at(&root).args(["backup", "create", "--json"]));
        files.push(PathBuf::from(doc["path"].as_str().unwrap()));
    }
    // A restore refuses while the verified daemon runs.
    talos_at(&root)
        .args(["restore", "--yes"])
        .arg(&files[0])
        .assert()
        .code(4);

    assert!(sim.is_running());
    for file in &files {
        // The database in the archive passes integrity_check.
        let db = dir.path().join("snapshot.db");
        let out = Command::new("tar")
            .arg("-xzOf")
            .arg(file)
            .arg("database/talos.db")
            .output()
            .unwrap();
        assert!(out.status.success());
        std::fs::write(&db, &out.stdout).unwrap();
        let c = rusqlite::Connection::open(&db).unwrap();
        let ok: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        // Every anchor in the database names a record inside the archived
        // chain (the snapshot is taken before the audit cut).
        let meta = Command::new("tar")
            .arg("-xzOf")
            .arg(file)
            .arg("metadata.json")
            .output()
            .unwrap();
        let meta: serde_json::Value = serde_json::from_slice(&meta.stdout).unwrap();
        let head = meta["audit_head"]["seq"].as_i64().unwrap();
        let anchored: Option<i64> = c
            .query_row("SELECT max(seq) FROM audit_log", [], |r| r.get(0))
            .unwrap();
        assert!(anchored.unwrap_or(0) <= head, "{anchored:?} > {head}");
        drop(c);
        let _ = std::fs::remove_file(&db);
        // And the whole archive restores into a new root and validates: the
        // archived audit chain verifies and ends at metadata's audit_head.
        let target = dir.path().join("restored");
        let out = talos_at(&root)
            .args(["restore", "--yes", "--new-host", "--target-dir"])
            .arg(&target)
            .arg(file)
            .output()
            .unwrap();
        out.clone().assert().success();
        std::fs::remove_dir_all(&target).unwrap();
    }
    // --stop-daemon: SIGTERM to the verified PID, then the restore runs.
    talos_at(&root)
        .args(["restore", "--yes", "--stop-daemon"])
        .arg(&files[2])
        .assert()
        .success();

    assert!(sim.wait_exit(Duration::from_secs(5)).is_some());
}
