//! Leftovers of interrupted operations (docs/ops.md, "Interrupted"): the
//! temporary files a killed talos could not remove. Found here, reported
//! by `doctor` and `status`, removed by the next run of the same command
//! and by `talos repair leftovers`.
//!
//! A leftover is stale when the lock of the operation that owns it is not
//! held: the owner is gone (the kernel drops an `flock` when its holder
//! dies), so nothing will ever use it again. One still owned is in use and
//! never touched.

use std::fs::File;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::archive::create::TMP_PREFIX;
use crate::archive::restore::STAGING_PREFIX;
use crate::install::Layout;

/// The prefix of a drill's scratch directory in the temporary directory.
pub const DRILL_PREFIX: &str = "talos-drill-";

#[derive(Debug, Clone, Serialize)]
pub struct Leftover {
    /// `backup`, `restore` or `drill`: the command that left it.
    pub operation: &'static str,
    pub path: PathBuf,
    pub bytes: u64,
    /// Its owner still holds its lock: in use, never removed.
    pub in_use: bool,
}

/// Every leftover of `layout`: backup temporaries in `backup_dirs` and the
/// rollback directory, restore staging in DATA_DIR, drill scratch
/// directories of this user in the temporary directory.
pub fn find(layout: &Layout, backup_dirs: &[PathBuf]) -> Vec<Leftover> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = backup_dirs.to_vec();
    dirs.push(layout.rollback_dir());
    dirs.dedup();
    for dir in &dirs {
        let held = lock_held(&dir.join(".backup.lock"));
        for p in named(dir, TMP_PREFIX) {
            out.push(leftover("backup", p, held));
        }
    }
    // Staging belongs to the restore holding the root's lock, or to an
    // interrupted one whose journal names it (finished by --resume/--abort).
    let restoring = lock_held(&layout.root) || layout.data_dir.join("restore.journal").exists();
    for p in named(&layout.data_dir, STAGING_PREFIX) {
        out.push(leftover("restore", p, restoring));
    }
    // Drill scratch lives in the shared temporary directory: only those
    // whose owner file names this installation are its leftovers.
    let me = nix::unistd::geteuid().as_raw();
    let root = owner_id(layout);
    for p in named(&std::env::temp_dir(), DRILL_PREFIX) {
        if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir() && m.uid() == me)
            && read_small(&p.join(DRILL_OWNER)).is_some_and(|o| o == root)
        {
            let held = lock_held(&p);
            out.push(leftover("drill", p, held));
        }
    }
    out
}

/// Removes the stale ones among `found` (never one in use); returns what
/// was removed.
pub fn remove_stale(found: &[Leftover]) -> Vec<Leftover> {
    let mut removed = Vec::new();
    for l in found.iter().filter(|l| !l.in_use) {
        let gone = match std::fs::symlink_metadata(&l.path) {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(&l.path).is_ok(),
            Ok(_) => std::fs::remove_file(&l.path).is_ok(),
            Err(_) => false,
        };
        if gone {
            removed.push(l.clone());
        }
    }
    removed
}

/// Removes the stale leftovers of one operation (the next run of the same
/// command cleans up after the one that was killed).
pub fn remove_stale_of(layout: &Layout, backup_dirs: &[PathBuf], operation: &str) -> Vec<Leftover> {
    let found: Vec<Leftover> = find(layout, backup_dirs)
        .into_iter()
        .filter(|l| l.operation == operation)
        .collect();
    remove_stale(&found)
}

/// One line per removed leftover, for the command's notes.
pub fn describe_removed(removed: &[Leftover]) -> Vec<String> {
    removed
        .iter()
        .map(|l| {
            format!(
                "removed {} left by an interrupted {} ({})",
                l.path.display(),
                l.operation,
                crate::units::human_bytes(l.bytes)
            )
        })
        .collect()
}

/// The file in a drill's scratch directory naming the installation drilled.
pub const DRILL_OWNER: &str = "owner";

/// What a drill writes to `DRILL_OWNER`: the installation's root, resolved.
pub fn owner_id(layout: &Layout) -> String {
    layout
        .root
        .canonicalize()
        .unwrap_or_else(|_| layout.root.clone())
        .to_string_lossy()
        .into_owned()
}

fn read_small(path: &Path) -> Option<String> {
    use std::io::Read;
    let f = File::options()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW)
        .open(path)
        .ok()?;
    let mut s = String::new();
    f.take(4096).read_to_string(&mut s).ok()?;
    Some(s)
}

fn leftover(operation: &'static str, path: PathBuf, in_use: bool) -> Leftover {
    let bytes = size(&path);
    Leftover {
        operation,
        path,
        bytes,
        in_use,
    }
}

fn named(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// Bytes under `path`, links not followed.
fn size(path: &Path) -> u64 {
    let Ok(m) = std::fs::symlink_metadata(path) else {
        return 0;
    };
    if !m.is_dir() {
        return m.len();
    }
    std::fs::read_dir(path)
        .map(|es| es.flatten().map(|e| size(&e.path())).sum())
        .unwrap_or(0)
}

/// True when someone holds an `flock` on `path` (a lock file or a
/// directory). Never creates the file, never follows a link.
pub fn lock_held(path: &Path) -> bool {
    let Ok(f) = File::options()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_CLOEXEC)
        .open(path)
    else {
        return false;
    };
    matches!(f.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock))
}
