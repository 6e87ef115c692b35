//! A tmpfs mounted for a test (restore across file systems, a full disk):
//! root only; the mount is undone on drop.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs mounted on a directory, unmounted on drop (always, also when
/// the test panics).
pub struct Mount {
    pub dir: PathBuf,
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

/// True when this process can mount. When it cannot, the test fails, or,
/// with the explicit opt-out TALOS_SKIP_MOUNT_TESTS=1 outside CI, this is
/// false and the test returns.
pub fn can_mount(test: &str) -> bool {
    let probe = tempfile::tempdir().unwrap();
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(probe.path())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        drop(Mount {
            dir: probe.path().to_path_buf(),
        });
        return true;
    }
    crate::common::missing_requirement(
        &format!(
            "{test}: `mount -t tmpfs` failed (root: {}); these tests need root / CAP_SYS_ADMIN",
            nix::unistd::geteuid().is_root()
        ),
        "TALOS_SKIP_MOUNT_TESTS",
    );
    false
}

/// Mounts a tmpfs of `size` (as `mount -o size=` takes it) on `dir`
/// (created if missing).
pub fn tmpfs(dir: &Path, size: &str) -> Mount {
    std::fs::create_dir_all(dir).unwrap();
    let st = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .status()
        .unwrap();
    assert!(st.success(), "mount -t tmpfs on {}", dir.display());
    Mount {
        dir: dir.to_path_buf(),
    }
}
