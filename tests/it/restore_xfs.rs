//! In-place restores on a host with several file systems (docs/backup.md
//! "Several file systems"), tested on real tmpfs mounts: a component whose
//! parent is on another file system than DATA_DIR (`/opt` mounted) is
//! renamed with a sibling staging directory on that file system; a
//! component directory that is itself a mount point (`/etc/talos`,
//! `/var/lib/talos/state`) is swapped by contents and stays mounted. Killed
//! at every step, `--resume` / `--abort` end in exactly the backup or the
//! previous tree.
//!
//! Mounting needs root (CAP_SYS_ADMIN). When the mount fails, each test
//! fails with the reason, so no run passes without having run them;
//! outside CI, TALOS_SKIP_MOUNT_TESTS=1 skips them (README.md,
//! "Development").

use crate::common;
use crate::common::install::{Install, Installed};
use assert_cmd::assert::OutputAssertExt;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::archive::{
    backup_aside, components, copy_tree, killed_at_crash_point, restore_state,
};
use crate::common::mount::{Mount, can_mount};
use crate::common::{talos_at, talos_std};
use predicates::str::contains;
use talos::install::Layout;

/// Moves the content of `dir` onto a fresh tmpfs mounted on `dir`.
fn remount_on_tmpfs(dir: &Path) -> Mount {
    let side = dir.with_extension("side");
    std::fs::rename(dir, &side).unwrap();
    std::fs::create_dir(dir).unwrap();
    let st = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64m", "tmpfs"])
        .arg(dir)
        .status()
        .unwrap();
    assert!(st.success(), "mount on {}", dir.display());
    let m = Mount {
        dir: dir.to_path_buf(),
    };
    let st = Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", side.display()))
        .arg(dir)
        .status()
        .unwrap();
    assert!(st.success());
    // The mount point takes the original directory's mode.
    let mode = std::fs::metadata(&side).unwrap().permissions();
    std::fs::set_permissions(dir, mode).unwrap();
    std::fs::remove_dir_all(&side).unwrap();
    m
}

fn dev(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).unwrap().dev()
}

/// Every `.restore-staging-*` left anywhere under `root`.
fn staging_left(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if e.file_name()
                .to_string_lossy()
                .starts_with(".restore-staging-")
            {
                out.push(p.clone());
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p);
            }
        }
    }
    out
}

/// A sample installation and a full backup of it kept outside it; then
/// every component is changed. `backed_up` is the same restore done on one
/// file system (a copy), the reference result.
struct Fixture {
    dir: tempfile::TempDir,
    keep: tempfile::TempDir,
    layout: Layout,
    archive: PathBuf,
    backed_up: BTreeMap<String, String>,
}

fn fixture() -> Fixture {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let keep = tempfile::tempdir().unwrap();
    let archive = backup_aside(dir.path(), keep.path());
    std::fs::write(
        &layout.config_file,
        "version: 2\norchestrator: {}\nlogging: {}\n",
    )
    .unwrap();
    std::fs::write(layout.config_dir.join("extra.txt"), "x").unwrap();
    std::fs::write(layout.ssl_dir.join("ca.pem"), "extra").unwrap();
    std::fs::write(layout.state_dir.join("extra.json"), "{}").unwrap();
    std::fs::remove_dir_all(layout.custom_dir.join("extensions")).unwrap();
    std::fs::write(layout.custom_dir.join("plugins/new.py"), "print(1)\n").unwrap();
    let reference = keep.path().join("ref");
    copy_tree(dir.path(), &reference);
    let out = restore(&reference, &archive, &[]);
    out.clone().assert().success();
    let backed_up = restore_state(&reference);
    assert_ne!(backed_up, restore_state(dir.path()));
    Fixture {
        dir,
        keep,
        layout,
        archive,
        backed_up,
    }
}

/// A directory outside the installation, hashed before and after.
fn outside() -> (tempfile::TempDir, BTreeMap<String, String>) {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("etc")).unwrap();
    std::fs::write(d.path().join("etc/talos.conf"), "keep me").unwrap();
    std::fs::write(d.path().join("data.bin"), [7u8; 4096]).unwrap();
    let h = common::tree_hash(d.path());
    (d, h)
}

fn restore(root: &Path, archive: &Path, extra: &[&str]) -> std::process::Output {
    talos_std(root)
        .args(["restore", "--yes", "--json"])
        .args(extra)
        .arg(archive)
        .output()
        .unwrap()
}

/// /etc/talos is a mount point: swapped by contents, still mounted after,
/// content equal to the backup; the rollback archive undoes it.
#[test]
fn config_dir_as_a_mount_point_is_swapped_by_contents() {
    if !can_mount("config_dir_as_a_mount_point_is_swapped_by_contents") {
        return;
    }
    let (out_dir, out_hash) = outside();
    let f = fixture();
    let _m = remount_on_tmpfs(&f.layout.config_dir);
    let mounted = dev(&f.layout.config_dir);
    assert_ne!(mounted, dev(&f.layout.data_dir));
    let pre = restore_state(f.dir.path());
    let out = restore(f.dir.path(), &f.archive, &[]);
    out.clone().assert().success();
    assert_eq!(restore_state(f.dir.path()), f.backed_up);
    assert_eq!(dev(&f.layout.config_dir), mounted, "the mount stays");
    assert!(!f.layout.config_dir.join("extra.txt").exists());
    assert!(staging_left(f.dir.path()).is_empty());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["outcome"]["rto_ms"].as_u64().is_some(), "{doc}");
    // The rollback archive, written after the swap from the entries moved
    // aside, puts the previous tree back (and the mount still stays).
    let rollback = PathBuf::from(doc["outcome"]["rollback"].as_str().unwrap());
    let out = restore(f.dir.path(), &rollback, &[]);
    out.clone().assert().success();
    assert_eq!(restore_state(f.dir.path()), pre);
    assert_eq!(dev(&f.layout.config_dir), mounted);
    assert!(staging_left(f.dir.path()).is_empty());
    assert_eq!(common::tree_hash(out_dir.path()), out_hash);
    drop(f.keep);
}

/// /opt is its own file system: custom (opt/talos/custom) is renamed with a
/// sibling staging directory in opt/talos, the rest with DATA_DIR's.
#[test]
fn opt_on_another_file_system_is_restored_with_sibling_staging() {
    if !can_mount("opt_on_another_file_system_is_restored_with_sibling_staging") {
        return;
    }
    let (out_dir, out_hash) = outside();
    let f = fixture();
    let opt = f.dir.path().join("opt");
    let _m = remount_on_tmpfs(&opt);
    assert_ne!(dev(&f.layout.custom_dir), dev(&f.layout.data_dir));
    // The dry run plans it too.
    let out = talos_std(f.dir.path())
        .args(["restore", "--dry-run"])
        .arg(&f.archive)
        .output()
        .unwrap();
    out.clone().assert().success();
    let out = restore(f.dir.path(), &f.archive, &[]);
    out.clone().assert().success();
    assert_eq!(restore_state(f.dir.path()), f.backed_up);
    assert!(staging_left(f.dir.path()).is_empty());
    assert_ne!(dev(&f.layout.custom_dir), dev(&f.layout.data_dir));
    assert_eq!(common::tree_hash(out_dir.path()), out_hash);
}

/// STATE_DIR is a mount point inside DATA_DIR: its parent is on the staging
/// file system, but the directory itself cannot be renamed.
#[test]
fn state_dir_as_a_mount_point_is_swapped_by_contents() {
    if !can_mount("state_dir_as_a_mount_point_is_swapped_by_contents") {
        return;
    }
    let f = fixture();
    let _m = remount_on_tmpfs(&f.layout.state_dir);
    let mounted = dev(&f.layout.state_dir);
    let out = restore(f.dir.path(), &f.archive, &["--partial", "state"]);
    out.clone().assert().success();
    let got = restore_state(f.dir.path());
    let want: Vec<_> = f
        .backed_up
        .iter()
        .filter(|(k, _)| k.starts_with("state/"))
        .collect();
    let have: Vec<_> = got
        .iter()
        .filter(|(k, _)| k.starts_with("state/"))
        .collect();
    assert_eq!(have, want);
    assert_eq!(dev(&f.layout.state_dir), mounted);
    assert!(!f.layout.state_dir.join("extra.json").exists());
    assert!(staging_left(f.dir.path()).is_empty());
}

/// A mount point inside a component that is renamed whole cannot move: the
/// restore refuses before anything changes (exit 1, nothing left behind).
#[test]
fn a_mount_point_inside_a_renamed_component_is_refused_cleanly() {
    if !can_mount("a_mount_point_inside_a_renamed_component_is_refused_cleanly") {
        return;
    }
    let f = fixture();
    let _m = remount_on_tmpfs(&f.layout.ssl_dir);
    let before = components(&f.layout);
    restore(f.dir.path(), &f.archive, &[])
        .assert()
        .code(1)
        .stderr(contains("mount point"));
    assert_eq!(components(&f.layout), before);
    assert!(!f.layout.data_dir.join("restore.journal").exists());
    assert!(staging_left(f.dir.path()).is_empty());
    assert_eq!(
        std::fs::read_dir(f.layout.rollback_dir())
            .map(|d| d.count())
            .unwrap_or(0),
        0
    );
}

/// Killed at every crash point with /etc/talos a mount point (contents
/// swap) and /opt a file system of its own (sibling staging): `--resume`
/// ends in the backup, `--abort` in the previous tree (or, past commit,
/// refuses and `--resume` finishes); the mounts stay, no staging is left.
#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn killed_at_every_point_on_several_file_systems_resume_or_abort_is_exact() {
    if !can_mount("killed_at_every_point_on_several_file_systems_resume_or_abort_is_exact") {
        return;
    }
    let (out_dir, out_hash) = outside();
    let f = fixture();
    let pre = restore_state(f.dir.path());
    let work = tempfile::tempdir().unwrap();
    let mut n = 1;
    loop {
        assert!(n < 400, "the restore never finished");
        let mut finished = false;
        for abort in [false, true] {
            let root = work.path().join(format!("root-{n}-{abort}"));
            copy_tree(f.dir.path(), &root);
            let layout = Layout::new(&root);
            let mounts = [
                remount_on_tmpfs(&layout.config_dir),
                remount_on_tmpfs(&root.join("opt")),
            ];
            let devs = (dev(&layout.config_dir), dev(&layout.custom_dir));
            let run = talos_at(&root)
                .env("TALOS_TEST_CRASH_AT", n.to_string())
                .args(["restore", "--yes"])
                .arg(&f.archive)
                .assert()
                .append_context("crash point", n);
            if run.get_output().status.success() {
                assert_eq!(restore_state(&root), f.backed_up, "uninterrupted");
                finished = true;
            } else {
                killed_at_crash_point(run);
                let out = talos_at(&root)
                    .args([
                        "restore",
                        if abort { "--abort" } else { "--resume" },
                        "--yes",
                    ])
                    .assert()
                    .append_context("crash point", n)
                    .append_context("abort", abort);
                if abort && out.get_output().status.code() == Some(4) {
                    // Past commit: abort refuses and names --resume.
                    out.stderr(contains("--resume"));
                    talos_at(&root)
                        .args(["restore", "--resume"])
                        .assert()
                        .append_context("crash point", n)
                        .success();
                    assert_eq!(restore_state(&root), f.backed_up, "point {n} abort->resume");
                } else {
                    out.success();
                    let want = if abort || n == 1 { &pre } else { &f.backed_up };
                    assert_eq!(&restore_state(&root), want, "point {n} abort={abort}");
                }
            }
            assert_eq!(
                (dev(&layout.config_dir), dev(&layout.custom_dir)),
                devs,
                "point {n}: the mounts stay"
            );
            assert!(
                staging_left(&root).is_empty(),
                "point {n}: {:?}",
                staging_left(&root)
            );
            assert!(!layout.data_dir.join("restore.journal").exists());
            drop(mounts);
            std::fs::remove_dir_all(&root).unwrap();
        }
        if finished {
            break;
        }
        n += 1;
    }
    assert!(n > 20, "only {n} crash points");
    assert_eq!(common::tree_hash(out_dir.path()), out_hash);
}
