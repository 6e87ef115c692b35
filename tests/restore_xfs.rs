//! Restores where a component's directory is on another file system than
//! DATA_DIR (a separate partition for /etc, /var/log, ...), tested on a
//! real tmpfs mount. Needs root (CAP_SYS_ADMIN); elsewhere each test prints
//! a SKIP line and passes.
//!
//! Today the engine swaps by rename from staging in DATA_DIR, so it refuses
//! such a restore; this pins that the refusal is safe: exit 1, a message
//! naming the file system, nothing changed, nothing left behind (no journal,
//! no staging, no rollback archive), also when the component directory is
//! itself the mount point (a rename of it would fail mid-swap with EBUSY).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::archive::{components, sample, talos_std};
use talos::install::Layout;

/// A tmpfs mounted on a directory, unmounted on drop (always, also when
/// the test panics).
struct Mount {
    dir: PathBuf,
}

impl Mount {
    /// Mounts a 64 MiB tmpfs on `dir`, or `None` when this host does not
    /// allow it (not root, no CAP_SYS_ADMIN, no mount binary).
    fn tmpfs(dir: &Path) -> Option<Mount> {
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64m", "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Mount {
            dir: dir.to_path_buf(),
        })
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            // Busy: detach it so the temp dir can still go.
            let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        }
    }
}

/// Moves the content of `dir` onto a fresh tmpfs mounted on `dir`.
fn remount_on_tmpfs(dir: &Path, scratch: &Path) -> Option<Mount> {
    let side = scratch.join("side");
    std::fs::rename(dir, &side).unwrap();
    std::fs::create_dir(dir).unwrap();
    let Some(m) = Mount::tmpfs(dir) else {
        std::fs::remove_dir(dir).unwrap();
        std::fs::rename(&side, dir).unwrap();
        return None;
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
    Some(m)
}

fn dev(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).unwrap().dev()
}

/// A sample installation and a full backup of it kept outside it.
fn installation() -> (tempfile::TempDir, tempfile::TempDir, Layout, PathBuf) {
    let (dir, layout) = sample(0);
    let out = talos_std(dir.path())
        .args(["backup", "create", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keep = tempfile::tempdir().unwrap();
    let made = PathBuf::from(doc["path"].as_str().unwrap());
    let archive = keep.path().join(made.file_name().unwrap());
    std::fs::rename(&made, &archive).unwrap();
    (dir, keep, layout, archive)
}

/// Restores and checks the refusal: exit 1, the message, no change, no
/// leftovers.
fn assert_refused_cleanly(root: &Path, layout: &Layout, archive: &Path, extra: &[&str]) {
    let before = components(layout);
    let out = talos_std(root)
        .args(["restore", "--yes"])
        .args(extra)
        .arg(archive)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("another file system"), "{stderr}");
    assert_eq!(components(layout), before);
    assert!(!layout.data_dir.join("restore.journal").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&layout.data_dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".restore-staging-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let rollbacks = std::fs::read_dir(layout.rollback_dir())
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(rollbacks, 0, "no rollback archive for a refused restore");
}

#[test]
fn config_on_another_file_system_is_refused_without_a_change() {
    let (dir, keep, layout, archive) = installation();
    let Some(_mount) = remount_on_tmpfs(&layout.config_dir, keep.path()) else {
        eprintln!("SKIP: cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN)");
        return;
    };
    assert_ne!(dev(&layout.config_dir), dev(&layout.data_dir));
    std::fs::write(
        &layout.config_file,
        "version: 9\norchestrator: {}\nlogging: {}\n",
    )
    .unwrap();
    std::fs::write(layout.config_dir.join("extra.txt"), "x").unwrap();
    assert_refused_cleanly(dir.path(), &layout, &archive, &[]);
}

/// STATE_DIR is a mount point inside DATA_DIR: its parent is on the staging
/// file system, but the directory itself cannot be renamed.
#[test]
fn state_dir_as_a_mount_point_is_refused_before_the_swap() {
    let (dir, keep, layout, archive) = installation();
    let Some(_mount) = remount_on_tmpfs(&layout.state_dir, keep.path()) else {
        eprintln!("SKIP: cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN)");
        return;
    };
    assert_ne!(dev(&layout.state_dir), dev(&layout.data_dir));
    std::fs::write(layout.state_dir.join("extra.json"), "{}").unwrap();
    assert_refused_cleanly(dir.path(), &layout, &archive, &["--partial", "state"]);
}
