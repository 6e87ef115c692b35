//! Containment (docs/ops.md "Containment"): a closed stdout never ends an
//! operation midway; talos never writes through a link planted in the
//! installation; operations take the installation's locks consistently;
//! an interrupted talos cleans up after itself.

use crate::common;
use crate::common::install::{Install, Installed};
use assert_cmd::assert::OutputAssertExt;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, ExitStatus, Output, Stdio};
use std::time::Duration;

use crate::common::sim::Sim;
use crate::common::{talos_at, tree_hash};

fn wait_child(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let mut status = None;
    if !crate::common::sim::wait_for(timeout, || {
        status = child.try_wait().ok().flatten();
        status.is_some()
    }) {
        let _ = child.kill();
        let _ = child.wait();
    }
    status
}

/// `talos --root ROOT ARGS` with `env` set, spawned with stdin closed and
/// stdout and stderr piped: for the runs a test reads from, closes or
/// signals.
fn spawn(root: &Path, env: &[(&str, &str)], args: &[&str]) -> Child {
    crate::common::talos_std(root)
        .envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for `child` to end (bounded: killed after `timeout`) and returns
/// its status and what is left in its pipes, for assert_cmd's assertions.
fn finish(child: &mut Child, timeout: Duration) -> Output {
    let status = wait_child(child, timeout).expect("talos ended in time");
    let mut stdout = Vec::new();
    if let Some(mut pipe) = child.stdout.take() {
        pipe.read_to_end(&mut stdout).unwrap();
    }
    let mut stderr = Vec::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_end(&mut stderr).unwrap();
    }
    Output {
        status,
        stdout,
        stderr,
    }
}

/// Reads the first line of `child`'s stdout, then closes the pipe (`| head -1`).
fn first_line_then_close(child: &mut Child) -> String {
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    first
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
    Install::minimal().create(root);
    let mut sim = Sim::start(root, &["--signal-poll", "1"]);
    let mut child = spawn(
        root,
        &[],
        &[
            "--url",
            &sim.url,
            "--offline",
            "--yes",
            "panic",
            "--reason",
            "x",
        ],
    );
    let first = first_line_then_close(&mut child);
    assert!(first.contains("PANIC"), "{first}");
    finish(&mut child, Duration::from_secs(60)).assert().code(0);
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
    Install::sandbox(7).now("2024-01-15T12:00:00Z").create(root);
    let mut child = spawn(root, &[], &["log", "query"]);
    first_line_then_close(&mut child);
    finish(&mut child, Duration::from_secs(60))
        .assert()
        .code(0)
        .stderr("");
}

// ---- §2: never through a planted link ------------------------------------

/// A directory outside the installation with a victim file, and its hash.
fn outside() -> (
    tempfile::TempDir,
    std::collections::BTreeMap<String, String>,
) {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("victim"), "victim\n").unwrap();
    std::fs::create_dir(d.path().join("victim_dir")).unwrap();
    std::fs::write(d.path().join("victim_dir/keep"), "keep\n").unwrap();
    let h = tree_hash(d.path());
    (d, h)
}

fn plant(link: &Path, target: &Path) {
    let _ = std::fs::remove_file(link);
    let _ = std::fs::remove_dir_all(link);
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link).unwrap();
}

fn backup(root: &Path) -> String {
    let doc = common::json_ok(talos_at(root).args(["--json", "backup", "create"]));
    doc["path"].as_str().unwrap().to_string()
}

#[test]
fn lock_files_planted_as_links_are_refused_and_never_written_through() {
    let (_d, Installed { root, .. }) = Install::sandbox(3).create_temp();
    let (out, before) = outside();
    let victim = out.path().join("victim");
    for (link, args) in [
        ("var/backups/talos/.backup.lock", vec!["backup", "create"]),
        ("var/log/talos/audit/.lock", vec!["backup", "create"]),
        (
            "var/lib/talos/.emergency.lock",
            vec!["--offline", "--yes", "panic", "--reason", "x", "--force"],
        ),
    ] {
        let l = root.join(link);
        plant(&l, &victim);
        talos_at(&root)
            .args(&args)
            .assert()
            .code(4)
            .stderr(contains(link.rsplit('/').next().unwrap()).and(contains("symbolic link")));
        std::fs::remove_file(&l).unwrap();
    }
    assert_eq!(tree_hash(out.path()), before);
}

#[test]
fn logs_and_directories_planted_as_links_are_never_written_through() {
    let (_d, Installed { root, .. }) = Install::sandbox(4).create_temp();
    let (out, before) = outside();
    let victim = out.path().join("victim");
    let victim_dir = out.path().join("victim_dir");
    let archive = backup(&root);

    // panic.log and emergency_preserves/: the panic goes on, neither is
    // written through.
    plant(&root.join("var/log/talos/panic.log"), &victim);
    plant(&root.join("var/lib/talos/emergency_preserves"), &victim_dir);
    talos_at(&root)
        .args(["--offline", "--yes", "panic", "--reason", "x", "--force"])
        .assert()
        .stderr(contains("symbolic link"));
    assert_eq!(tree_hash(out.path()), before);

    // restore_rollback/: the restore refuses before the swap.
    plant(&root.join("var/lib/talos/restore_rollback"), &victim_dir);
    talos_at(&root)
        .args(["--yes", "restore", &archive])
        .assert()
        .code(4)
        .stderr(contains("restore_rollback"));
    assert!(!root.join("var/lib/talos/restore.journal").exists());
    std::fs::remove_file(root.join("var/lib/talos/restore_rollback")).unwrap();

    // restore.log: never appended through.
    plant(&root.join("var/log/talos/restore.log"), &victim);
    talos_at(&root)
        .args(["--yes", "restore", &archive])
        .output()
        .unwrap();
    // drill_history.jsonl: never appended through.
    plant(&root.join("var/lib/talos/drill_history.jsonl"), &victim);
    let tmp = tempfile::tempdir().unwrap();
    talos_at(&root)
        .env("TMPDIR", tmp.path())
        .args(["drill", "--backup", &archive])
        .output()
        .unwrap();
    assert_eq!(tree_hash(out.path()), before);
}

#[test]
fn sandbox_force_never_deletes_or_writes_through_a_link_in_dir() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sb");
    std::fs::create_dir(&root).unwrap();
    let (out, _) = outside();
    std::fs::create_dir_all(out.path().join("talos/secrets")).unwrap();
    std::fs::write(out.path().join("talos/secrets/x"), "x").unwrap();
    let before = tree_hash(out.path());
    std::os::unix::fs::symlink(out.path(), root.join("etc")).unwrap();
    common::talos()
        .args(["sandbox", "init", "--force"])
        .arg(&root)
        .assert()
        .code(4)
        .stderr(contains("etc"));
    assert_eq!(tree_hash(out.path()), before);
}

// ---- §6: one lock discipline ---------------------------------------------

#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn backup_dry_run_recover_and_repair_refuse_during_a_restore() {
    let (_d, Installed { root, .. }) = Install::sandbox(5).create_temp();
    let archive = backup(&root);
    // A restore running: it holds the root's lock.
    let held = std::fs::File::open(&root).unwrap();
    held.lock().unwrap();
    talos_at(&root)
        .args(["backup", "create"])
        .assert()
        .code(4)
        .stderr(contains("restore is running"));
    talos_at(&root)
        .args(["restore", "--dry-run", &archive])
        .assert()
        .code(4);
    drop(held);

    // A restore interrupted mid-swap: its journal is there.
    talos_at(&root)
        .env("TALOS_TEST_CRASH_AT", "2")
        .args(["--yes", "restore", &archive])
        .assert()
        .interrupted();
    assert!(root.join("var/lib/talos/restore.journal").exists());
    for args in [
        vec!["backup", "create"],
        vec!["restore", "--dry-run", archive.as_str()],
        vec!["--yes", "repair", "audit"],
        vec!["--yes", "log", "prune"],
    ] {
        talos_at(&root)
            .args(&args)
            .assert()
            .code(4)
            .stderr(contains("--resume").and(contains("--abort")));
    }
    let backups = std::fs::read_dir(root.join("var/backups/talos"))
        .unwrap()
        .count();
    talos_at(&root)
        .args(["--yes", "restore", "--abort"])
        .assert()
        .success();
    talos_at(&root)
        .args(["backup", "create"])
        .assert()
        .success();
    assert!(
        std::fs::read_dir(root.join("var/backups/talos"))
            .unwrap()
            .count()
            > backups
    );
}

// ---- §7: interrupted means cleaned up --------------------------------------

fn names_with(dir: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(prefix))
                .collect()
        })
        .unwrap_or_default()
}

fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    common::sim::wait_for(timeout, &mut cond)
}

/// Sends `sig` to `child` and waits (bounded) for it to end.
fn interrupt(child: &mut Child, sig: nix::sys::signal::Signal) -> Output {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), sig).unwrap();
    finish(child, Duration::from_secs(60))
}

/// `talos backup create` held by the test hook inside its backup, returned
/// once its temporary archive exists (bounded wait).
fn backup_waiting_for_a_signal(root: &Path) -> Child {
    let child = spawn(
        root,
        &[("TALOS_TEST_WAIT_SIGNAL_BACKUP", "1")],
        &["backup", "create"],
    );
    let bdir = root.join("var/backups/talos");
    assert!(
        wait_until(Duration::from_secs(30), || !names_with(
            &bdir,
            ".tmp-backup-"
        )
        .is_empty()),
        "the backup never made its temporary archive"
    );
    child
}

#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn sigint_during_backup_removes_its_temporary_files_and_exits_130() {
    let (_d, Installed { root, .. }) = Install::sandbox(6).create_temp();
    let bdir = root.join("var/backups/talos");
    let mut child = backup_waiting_for_a_signal(&root);
    interrupt(&mut child, nix::sys::signal::Signal::SIGINT)
        .assert()
        .code(130)
        .stderr(contains("SIGINT"));
    assert!(names_with(&bdir, ".tmp-backup-").is_empty());
    assert!(names_with(&bdir, "backup_").is_empty());
    // The lock is free again.
    talos_at(&root)
        .args(["backup", "create"])
        .assert()
        .success();
}

#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn sigterm_during_restore_staging_removes_staging_and_exits_143() {
    let (_d, Installed { root, .. }) = Install::sandbox(8).create_temp();
    let archive = backup(&root);
    let data = root.join("var/lib/talos");
    let before = common::archive::components(&talos::install::Layout::new(&root));
    let mut child = spawn(
        &root,
        &[("TALOS_TEST_WAIT_SIGNAL_RESTORE", "1")],
        &["--yes", "restore", &archive],
    );
    // Staging made (the rollback archive now comes after the swap): the
    // signal lands while it is filled or at the hook before the journal;
    // either way nothing has changed yet.
    assert!(wait_until(Duration::from_secs(60), || {
        !names_with(&data, ".restore-staging-").is_empty()
    }));
    interrupt(&mut child, nix::sys::signal::Signal::SIGTERM)
        .assert()
        .code(143)
        .stderr(contains("SIGTERM"));
    assert!(names_with(&data, ".restore-staging-").is_empty());
    assert!(!data.join("restore.journal").exists());
    assert_eq!(
        common::archive::components(&talos::install::Layout::new(&root)),
        before
    );
}

#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn sighup_during_drill_removes_its_scratch_directory() {
    let (_d, Installed { root, .. }) = Install::sandbox(9).create_temp();
    let tmp = tempfile::tempdir().unwrap();
    let mut child = spawn(
        &root,
        &[
            ("TMPDIR", tmp.path().to_str().unwrap()),
            ("TALOS_TEST_WAIT_SIGNAL_BACKUP", "1"),
        ],
        &["drill"],
    );
    // Waiting inside the drill's backup, in its scratch directory.
    let in_backup = || {
        names_with(tmp.path(), "talos-drill-").iter().any(|d| {
            let b = tmp.path().join(d).join("work/backups");
            !names_with(&b, ".tmp-backup-").is_empty()
        })
    };
    assert!(wait_until(Duration::from_secs(30), in_backup));
    interrupt(&mut child, nix::sys::signal::Signal::SIGHUP)
        .assert()
        .code(129);
    assert!(names_with(tmp.path(), "talos-drill-").is_empty());
}

#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn after_kill_9_leftovers_are_reported_and_removed() {
    let (_d, Installed { root, .. }) = Install::sandbox(10).create_temp();
    let bdir = root.join("var/backups/talos");
    let mut child = backup_waiting_for_a_signal(&root);
    interrupt(&mut child, nix::sys::signal::Signal::SIGKILL)
        .assert()
        .interrupted();
    let left = names_with(&bdir, ".tmp-backup-");
    assert_eq!(left.len(), 1);

    let doc = common::json_ok(talos_at(&root).args(["--json", "repair", "leftovers", "--dry-run"]));
    assert_eq!(doc["found"].as_array().unwrap().len(), 1, "{doc}");
    assert_eq!(doc["found"][0]["operation"], "backup");
    assert_eq!(doc["found"][0]["in_use"], false);
    assert!(doc["found"][0]["bytes"].as_u64().unwrap() > 0);
    for command in ["doctor", "status"] {
        talos_at(&root)
            .arg(command)
            .assert()
            .stdout(contains(&left[0]).and(contains("repair leftovers")));
    }

    // The next backup removes it and says so.
    talos_at(&root)
        .args(["backup", "create"])
        .assert()
        .success()
        .stderr(contains(&left[0]).and(contains("interrupted backup")));
    assert!(names_with(&bdir, ".tmp-backup-").is_empty());
}

// ---- §10: a torn last audit record ----------------------------------------

#[test]
fn a_torn_last_audit_record_is_repaired_and_backups_go_on() {
    let (_d, Installed { root, .. }) = Install::sandbox(11).create_temp();
    let audit = root.join("var/log/talos/audit");
    let mut files: Vec<_> = std::fs::read_dir(&audit)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let last = files.last().unwrap().clone();
    let whole = std::fs::read(&last).unwrap();
    let torn = br#"{"seq":999,"timestamp":"2026-01-15T10:00:00.000Z","actor":"dae"#;
    let mut bytes = whole.clone();
    bytes.extend_from_slice(torn);
    std::fs::write(&last, &bytes).unwrap();

    talos_at(&root)
        .args(["backup", "create"])
        .assert()
        .code(3)
        .stderr(contains("talos repair audit"));

    let doc = common::json_ok(talos_at(&root).args(["--json", "--yes", "repair", "audit"]));
    let evidence = doc["repaired"]["evidence"].as_str().unwrap();
    assert_eq!(std::fs::read(evidence).unwrap(), torn);
    let now = std::fs::read(&last).unwrap();
    assert!(now.starts_with(&whole) && now.ends_with(b"\n"));
    talos_at(&root)
        .args(["audit", "verify-chain"])
        .assert()
        .success();
    assert_eq!(audit_actions(&root).last().unwrap(), "repair");
    talos_at(&root)
        .args(["backup", "create"])
        .assert()
        .success();
    // Nothing left to repair.
    let doc = common::json_ok(talos_at(&root).args(["--json", "--yes", "repair", "audit"]));
    assert!(doc["torn"].is_null(), "{doc}");
}
