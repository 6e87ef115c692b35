//! F-005, disk full, on a real small file system (a tmpfs, root only): the
//! data directory's disk over 95 % is named by doctor and status, the fix
//! they print is a log prune (never a delete of data), and running that fix
//! exactly as printed brings the disk back under the threshold.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::mount::{Mount, can_mount, tmpfs};
use crate::common::talos;
use crate::fault_sweep::harmful;
use crate::ops::{doctor, findings, run_printed_ok, talos_commands};

/// Percent used of the file system holding `p`, as df says it.
fn used_percent(p: &Path) -> u32 {
    let out = Command::new("df")
        .args(["--output=pcent"])
        .arg(p)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .nth(1)
        .unwrap()
        .trim()
        .trim_end_matches('%')
        .parse()
        .unwrap()
}

/// A sandbox (`talos sandbox init`) on a tmpfs of its own; unmounted and
/// removed when dropped.
struct OnTmpfs {
    root: PathBuf,
    fs: PathBuf,
    _mount: Mount,
    _dir: tempfile::TempDir,
}

/// None when the test may not mount (see `can_mount`).
fn sandbox_on_tmpfs(test: &str, size: &str) -> Option<OnTmpfs> {
    if !can_mount(test) {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let fs = dir.path().join("fs");
    let mount = tmpfs(&fs, size);
    let root = fs.join("sandbox");
    talos()
        .args(["sandbox", "init"])
        .arg(&root)
        .assert()
        .success();
    Some(OnTmpfs {
        root,
        fs,
        _mount: mount,
        _dir: dir,
    })
}

/// `talos status --json` of the installation at `root`, as text.
fn status_json(root: &Path) -> String {
    let out = talos()
        .arg("--root")
        .arg(root)
        .args(["status", "--json"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_full_disk_is_named_and_the_printed_log_prune_clears_it() {
    let Some(on) = sandbox_on_tmpfs("disk_full", "128m") else {
        return;
    };
    // The sandbox keeps the default thresholds (warn 80 %, fail 95 %).
    let (fs, root) = (on.fs.as_path(), on.root.as_path());
    // Debug-log rotations far beyond the tier's 50 MB ring fill the disk.
    let line =
        "{\"timestamp\":\"2026-01-15T08:00:00.000Z\",\"level\":\"debug\",\"message\":\"filler\"}\n";
    let chunk = line.repeat((4 << 20) / line.len());
    let mut n = 1;
    while used_percent(fs) < 97 {
        let p = root.join(format!("var/log/talos/debug.log.{n}"));
        if std::fs::write(&p, &chunk).is_err() {
            break;
        }
        n += 1;
    }
    assert!(used_percent(fs) >= 96, "filled to {}%", used_percent(fs));

    let (_, doc, screen) = doctor(root, &[]);
    let disk = findings(&doc, "disk");
    assert_eq!(disk.len(), 1, "{doc}");
    assert_eq!(disk[0]["severity"], "fail", "{doc}");
    assert!(screen.contains("disk"), "{screen}");
    let status = status_json(root);
    assert!(
        status.contains("\"disk\""),
        "status does not name it: {status}"
    );

    let fix = disk[0]["fix"].as_str().unwrap();
    for harmful in harmful().chain(["rm ", "truncate", "restore"]) {
        assert!(!fix.contains(harmful), "harmful advice: {fix}");
    }
    let commands = talos_commands(fix);
    assert!(
        commands.iter().any(|c| c.contains("log prune")),
        "{commands:?}"
    );
    for cmd in &commands {
        run_printed_ok(cmd);
    }
    assert!(
        used_percent(fs) < 80,
        "after the fix: {}%",
        used_percent(fs)
    );
    let (_, doc, _) = doctor(root, &[]);
    assert!(findings(&doc, "disk").is_empty(), "{doc}");
    // The data is still there: the database and the audit chain.
    let layout = talos::install::Layout::new(root);
    assert!(layout.db.is_file());
    assert!(layout.audit_dir.read_dir().unwrap().count() > 0);
}

/// A file system the kernel remounted read-only (after I/O errors) is named
/// as such by doctor and status, with no talos command that would write to
/// it as the fix; once remounted read-write, as the advice says, it is gone.
#[test]
fn a_read_only_file_system_is_named_not_papered_over() {
    let Some(on) = sandbox_on_tmpfs("read_only", "64m") else {
        return;
    };
    let (fs, root) = (on.fs.as_path(), on.root.as_path());
    crate::common::ignore_host_limits(root);
    let remount = |how: &str| {
        let st = Command::new("mount")
            .args(["-o", &format!("remount,{how}")])
            .arg(fs)
            .status()
            .unwrap();
        assert!(st.success(), "remount,{how}");
    };
    remount("ro");

    let (_, doc, screen) = doctor(root, &[]);
    let ro = findings(&doc, "read_only");
    assert_eq!(ro.len(), 1, "one finding per file system: {doc}");
    assert_eq!(ro[0]["severity"], "fail");
    assert!(screen.contains("read-only"), "{screen}");
    let fix = ro[0]["fix"].as_str().unwrap();
    assert!(fix.contains("remount,rw"), "{fix}");
    for harmful in harmful().chain(["rm ", "restore", "log prune", "repair"]) {
        assert!(!fix.contains(harmful), "harmful advice: {fix}");
    }
    let status = status_json(root);
    assert!(
        status.contains("read_only"),
        "status does not name it: {status}"
    );

    remount("rw");
    let (_, doc, _) = doctor(root, &[]);
    assert!(findings(&doc, "read_only").is_empty(), "{doc}");
}
