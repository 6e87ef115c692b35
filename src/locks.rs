//! The installation's lock discipline, one place for every operation.
//!
//! A restore replaces whole component directories, so it takes an exclusive
//! `flock` on the installation's root directory (the restore takes it).
//! Everything that reads or changes the installation while relying on it
//! staying whole — backup, panic's state preserve, recover, repair, log
//! prune, a restore's dry run — takes a shared `flock` on the same
//! directory: it refuses (exit 4) while a restore runs, and a restore
//! refuses while it holds the lock. A journal left by an interrupted
//! restore means the tree is half swapped: those operations refuse too and
//! name `restore --resume` / `--abort` (docs/ops.md, "Locks").
//!
//! Operations of one kind also keep their own lock (`.backup.lock` in the
//! backup directory, `DATA_DIR/.emergency.lock` for panic and recover, the
//! audit `.lock` per append); this lock orders them against restores.

use std::fs::File;

use crate::error::{Context, Error, Result};
use crate::install::Layout;

/// A shared lock on the installation, held until dropped.
#[derive(Debug)]
pub struct SharedLock {
    _dir: Option<File>,
}

/// Takes the shared installation lock for `what` (e.g. "backup"), refusing
/// while a restore runs or was interrupted. An installation root that does
/// not exist yet has nothing to order against: no lock, no refusal.
///
/// An interrupted restore is known by its journal file alone
/// (`Layout::restore_journal`): what it says is the restore's business
/// (`archive::journal`), and this layer does not read it.
pub fn shared(layout: &Layout, what: &str) -> Result<SharedLock> {
    let lock = shared_even_if_interrupted(layout, what)?;
    let journal = layout.restore_journal();
    if std::fs::symlink_metadata(&journal).is_ok() {
        let root = crate::install::root_flag(&layout.root);
        return Err(Error::refused(format!(
            "{what} refused: a restore of {} was interrupted ({} is there)",
            layout.root.display(),
            journal.display()
        ))
        .hint(format!(
            "finish it with `talos restore --resume{root}` or put the previous state back with `talos restore --abort{root}`"
        )));
    }
    Ok(lock)
}

/// Like `shared`, but goes ahead when an interrupted restore's journal is
/// present (panic's preserve: evidence of a half-swapped tree is still
/// evidence, and a panic never waits on a restore).
pub fn shared_even_if_interrupted(layout: &Layout, what: &str) -> Result<SharedLock> {
    let dir = match File::open(&layout.root) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SharedLock { _dir: None }),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot open {}", layout.root.display()));
        }
    };
    match dir.try_lock_shared() {
        Ok(()) => Ok(SharedLock { _dir: Some(dir) }),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::refused(format!(
            "{what} refused: a restore is running on {}",
            layout.root.display()
        ))
        .hint("wait for it to finish; `talos status` shows a restore in progress")),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(Error::failed(format!("cannot lock {}", layout.root.display())).with_source(e))
        }
    }
}
