//! A restore killed with SIGKILL at every step ends, after `--resume` or
//! `--abort`, exactly equal to the backup or to the pre-restore tree.
//!
//! The engine's test-only hook `TALOS_TEST_CRASH_AT=N` makes the process
//! SIGKILL itself at its N-th crash point (before the journal, after the
//! journal is created, after each rename, after each journal update, after
//! the last rename (the installation is restored, the replaced directories
//! moved aside are the undo), after the rollback archive written from them,
//! after commit, after cleanup, after validation), so every step is hit
//! deterministically.

use crate::common::install::{Install, Installed};
use predicates::str::contains;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::archive::{backup_aside, copy_tree, killed_at_crash_point, restore_state};
use crate::common::talos_at;
use talos::install::Layout;

/// Crash points of a full restore: before the journal, journal, 10 renames
/// x 2, swapped, rollback archive, commit, cleanup, validation. (The fixture's audit chain extends the
/// backup's, so it is kept and not swapped: docs/backup.md "The audit
/// chain".)
const POINTS: usize = 27;

struct Fixture {
    _dirs: Vec<tempfile::TempDir>,
    template: PathBuf,
    archive: PathBuf,
    expected_restored: BTreeMap<String, String>,
    expected_pre: BTreeMap<String, String>,
}

fn fixture() -> Fixture {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let keep = tempfile::tempdir().unwrap();
    let archive = backup_aside(dir.path(), keep.path());
    // The pre-restore tree differs from the backup in every component.
    std::fs::write(
        &layout.config_file,
        "version: 2\norchestrator: {}\nlogging: {}\n",
    )
    .unwrap();
    std::fs::write(layout.ssl_dir.join("ca.pem"), "extra").unwrap();
    std::fs::remove_file(layout.task_queue()).unwrap();
    std::fs::write(layout.state_dir.join("extra.json"), "{}").unwrap();
    {
        let c = rusqlite::Connection::open(&layout.db).unwrap();
        c.execute("INSERT INTO sessions VALUES ('sess-2', 'bob')", [])
            .unwrap();
    }
    talos::audit::append_in(
        &layout.audit_dir,
        "orchestrator",
        "task_completed",
        &serde_json::json!({}),
        "2024-01-16T00:00:00.000Z",
    )
    .unwrap();
    std::fs::remove_dir_all(layout.custom_dir.join("extensions")).unwrap();
    let expected_pre = restore_state(dir.path());
    // The reference result: the same restore, uninterrupted.
    let work = tempfile::tempdir().unwrap();
    let reference = work.path().join("ref");
    copy_tree(dir.path(), &reference);
    talos_at(&reference)
        .args(["restore", "--yes"])
        .arg(&archive)
        .assert()
        .success();
    let expected_restored = restore_state(&reference);
    assert_ne!(expected_pre, expected_restored);
    Fixture {
        template: dir.path().to_path_buf(),
        archive,
        expected_restored,
        expected_pre,
        _dirs: vec![dir, keep, work],
    }
}

fn crash_at(f: &Fixture, n: usize, work: &Path) -> PathBuf {
    let root = work.join(format!("root-{n}"));
    copy_tree(&f.template, &root);
    killed_at_crash_point(
        talos_at(&root)
            .env("TALOS_TEST_CRASH_AT", n.to_string())
            .args(["restore", "--yes"])
            .arg(&f.archive)
            .assert()
            .append_context("crash point", n),
    );
    root
}

#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn killed_at_every_point_then_resumed_equals_the_backup() {
    let f = fixture();
    let work = tempfile::tempdir().unwrap();
    for n in 1..=POINTS {
        let root = crash_at(&f, n, work.path());
        let journal = Layout::new(&root).data_dir.join("restore.journal");
        if journal.exists() {
            // The next restore sees the interrupted one and refuses.
            talos_at(&root)
                .args(["restore", "--yes"])
                .arg(&f.archive)
                .assert()
                .append_context("crash point", n)
                .code(4)
                .stderr(contains("--resume"));
            if n == 10 {
                // `talos status` reports it too.
                talos_at(&root)
                    .args(["status", "--offline"])
                    .assert()
                    .stdout(contains("restore.journal"));
            }
        }
        talos_at(&root)
            .args(["restore", "--resume", "--yes"])
            .assert()
            .append_context("crash point", n)
            .success();
        let got = restore_state(&root);
        if n == 1 {
            // Killed before the journal: nothing had changed.
            assert_eq!(got, f.expected_pre, "point {n}");
        } else {
            assert_eq!(got, f.expected_restored, "point {n}");
            // The undo is there: the rollback archive, written after the
            // swap from the replaced directories, also after a kill.
            let rollbacks = std::fs::read_dir(Layout::new(&root).rollback_dir())
                .unwrap()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("backup_"))
                .count();
            assert!(rollbacks >= 1, "point {n}: no rollback archive");
        }
        assert!(!journal.exists());
        std::fs::remove_dir_all(&root).unwrap();
    }
    // One past the last point: the restore completes without a crash.
    let root = work.path().join("no-crash");
    copy_tree(&f.template, &root);
    talos_at(&root)
        .env("TALOS_TEST_CRASH_AT", (POINTS + 1).to_string())
        .args(["restore", "--yes"])
        .arg(&f.archive)
        .assert()
        .success();
}

#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn killed_at_every_point_then_aborted_equals_the_pre_restore_tree() {
    let f = fixture();
    let work = tempfile::tempdir().unwrap();
    for n in 1..=POINTS {
        let root = crash_at(&f, n, work.path());
        let out = talos_at(&root)
            .args(["restore", "--abort", "--yes"])
            .assert()
            .append_context("crash point", n);
        let got = restore_state(&root);
        if out.get_output().status.code() == Some(4) {
            // Past commit: abort refuses and names --resume; resume finishes.
            assert!(n >= POINTS - 2, "abort refused at point {n}");
            out.stderr(contains("--resume"));
            talos_at(&root)
                .args(["restore", "--resume"])
                .assert()
                .success();
            assert_eq!(restore_state(&root), f.expected_restored, "point {n}");
        } else {
            out.success();
            assert_eq!(got, f.expected_pre, "point {n}");
        }
        let data = Layout::new(&root).data_dir;
        for e in std::fs::read_dir(&data).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(
                !name.starts_with(".restore-staging") && name != "restore.journal",
                "point {n}: {name} left behind"
            );
        }
        std::fs::remove_dir_all(&root).unwrap();
    }
}
