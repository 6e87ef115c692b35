//! File-system primitives every writer uses: atomic replacement (temp file,
//! fsync, rename, fsync of the directory) and advisory locks.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use atomic_write_file::unix::OpenOptionsExt as _;

use crate::error::{Context, Error, Result};

/// Replaces `path` with `bytes` atomically: a reader sees the old content or
/// the new, never a mix, and a crash leaves the old file in place.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    write_atomic_with(path, mode, |f| f.write_all(bytes))
}

/// Like `write_atomic`, with the content produced by a writer callback.
pub fn write_atomic_with(
    path: &Path,
    mode: u32,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut opts = atomic_write_file::OpenOptions::new();
    opts.preserve_mode(false)
        .try_preserve_owner(true)
        .mode(mode);
    let mut file = opts
        .open(path)
        .with_context(|| format!("cannot create a temporary file beside {}", path.display()))?;
    // The umask may have narrowed the mode; set it exactly.
    file.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {}", path.display()))?;
    fill(&mut file).with_context(|| format!("cannot write {}", path.display()))?;
    file.commit()
        .with_context(|| format!("cannot move the new {} into place", path.display()))?;
    Ok(())
}

/// Writes JSON pretty-printed, atomically.
pub fn write_json_atomic<T: serde::Serialize + ?Sized>(
    path: &Path,
    value: &T,
    mode: u32,
) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    write_atomic(path, &bytes, mode)
}

/// fsyncs a directory so a rename or create inside it survives a crash.
pub fn sync_dir(dir: &Path) -> Result<()> {
    let f = File::open(dir).with_context(|| format!("cannot open {}", dir.display()))?;
    f.sync_all()
        .with_context(|| format!("cannot sync {}", dir.display()))?;
    Ok(())
}

/// Creates a directory and its parents, then sets the mode of the last one.
pub fn create_dir_mode(dir: &Path, mode: u32) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {}", dir.display()))?;
    Ok(())
}

/// The files in `dir` named `{prefix}*{suffix}`, sorted by name; nothing when
/// `dir` cannot be read. Names that are not UTF-8 never match.
pub fn files_named(dir: &Path, prefix: &str, suffix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(suffix))
        })
        .collect();
    files.sort();
    files
}

/// Appends one line to a plain log file (panic.log, restore.log), creating it.
pub fn append_line(path: &Path, line: &str) -> Result<()> {
    create_parent(path)?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o640)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let mut buf = line.as_bytes().to_vec();
    if !buf.ends_with(b"\n") {
        buf.push(b'\n');
    }
    f.write_all(&buf)
        .with_context(|| format!("cannot append to {}", path.display()))?;
    f.sync_data()
        .with_context(|| format!("cannot sync {}", path.display()))?;
    Ok(())
}

/// Creates the directory `path` goes in, if it has one.
fn create_parent(path: &Path) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Ok(())
}

/// Opens (creating, never truncating, mode 0600) a lock file and its directory.
fn open_lock_file(path: &Path) -> Result<File> {
    create_parent(path)?;
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot open lock file {}", path.display()))
}

/// An exclusive advisory lock (`flock`) held until dropped. The kernel drops
/// it when the holder dies, so a lock file left by a killed process is never
/// "stale" in the dangerous sense: the next taker just gets it, and we tell
/// the operator whose it was.
#[derive(Debug)]
pub struct FileLock {
    file: File,
    pub path: PathBuf,
    /// PID recorded by a previous holder that is gone, if any.
    pub previous_holder: Option<u32>,
}

impl FileLock {
    /// Takes the lock or fails at once with exit 4, naming the holder.
    pub fn try_exclusive(path: &Path, what: &str) -> Result<FileLock> {
        let mut file = open_lock_file(path)?;
        let recorded: Option<u32> = std::fs::read_to_string(path)
            .ok()
            .and_then(|s| s.trim().parse().ok());
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = recorded
                    .map(|p| format!(" (held by PID {p})"))
                    .unwrap_or_default();
                return Err(Error::refused(format!("another {what} is running{holder}: {} is locked", path.display()))
                    .hint("wait for it to finish; if you are sure nothing is running, check with `talos doctor`"));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::failed(format!("cannot lock {}", path.display())).with_source(e));
            }
        }
        let previous_holder = recorded.filter(|p| *p != std::process::id());
        file.set_len(0)?;
        writeln!(file, "{}", std::process::id())?;
        file.sync_data()?;
        Ok(FileLock {
            file,
            path: path.to_path_buf(),
            previous_holder,
        })
    }

    /// Waits for the lock (used for short critical sections such as an audit
    /// append, where the other writer holds it for microseconds).
    pub fn exclusive_blocking(path: &Path) -> Result<FileLock> {
        let file = open_lock_file(path)?;
        file.lock()
            .with_context(|| format!("cannot lock {}", path.display()))?;
        Ok(FileLock {
            file,
            path: path.to_path_buf(),
            previous_holder: None,
        })
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// The current user's name for `operator:<user>`; `sudo` keeps the real
/// person's name in SUDO_USER, which is the one an audit wants.
pub fn operator_name() -> String {
    if let Ok(u) = std::env::var("SUDO_USER")
        && !u.is_empty()
    {
        return u;
    }
    let uid = nix::unistd::geteuid();
    if let Ok(Some(user)) = nix::unistd::User::from_uid(uid) {
        return user.name;
    }
    std::env::var("USER").unwrap_or_else(|_| format!("uid{}", uid.as_raw()))
}

pub fn hostname() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_else(|| "unknown".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_sets_mode_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.json");
        write_atomic(&p, b"one", 0o600).unwrap();
        write_atomic(&p, b"two", 0o640).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp files left"
        );
    }

    #[test]
    fn second_lock_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".lock");
        let _held = FileLock::try_exclusive(&p, "backup").unwrap();
        let err = FileLock::try_exclusive(&p, "backup").unwrap_err();
        assert_eq!(err.exit_code(), 4);
    }
}
