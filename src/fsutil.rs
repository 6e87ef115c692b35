//! File-system primitives every writer uses: atomic replacement (temp file,
//! fsync, rename, fsync of the directory), advisory locks, and the one way to
//! open a file talos owns under an installation (never through a link);
//! and the one way to read a file of an installation, which may be hostile
//! (a FIFO, a link to a device, a file grown huge): `open_regular`,
//! `read_small`.

use std::fs::File;
use std::io::{Read, Write};
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

/// Appends one line to a plain log file (panic.log, restore.log), creating it.
pub fn append_line(path: &Path, line: &str) -> Result<()> {
    let mut f = open_owned(
        path,
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o640),
    )?;
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

/// Opens a file talos owns under an installation (a log it appends to, a
/// lock, a history): never through a link. The file is opened with
/// `O_NOFOLLOW` and its directory, created when missing, must be a real
/// directory. A link in either place is refused (exit 4) and named: a link
/// planted where talos keeps its own file would otherwise make a root-run
/// talos truncate or append to whatever it points at (docs/ops.md,
/// "Containment").
pub fn open_owned(path: &Path, opts: &mut std::fs::OpenOptions) -> Result<File> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        real_dir(parent)?;
    }
    opts.custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(nix::libc::ELOOP) {
                link_refused(path)
            } else {
                Error::from(e).hint(format!("cannot open {}", path.display()))
            }
        })
}

/// Makes sure `dir` is a real directory (not a link to one), creating it and
/// its parents when missing. Refuses (exit 4) when it is a link or not a
/// directory.
pub fn real_dir(dir: &Path) -> Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => Err(link_refused(dir)),
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::refused(format!(
            "{} is not a directory; talos keeps its own files there",
            dir.display()
        ))
        .hint("move it aside, then run the command again")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            // Created just now, but something may have raced us to it.
            match std::fs::symlink_metadata(dir) {
                Ok(m) if m.is_dir() => Ok(()),
                _ => Err(link_refused(dir)),
            }
        }
        Err(e) => Err(Error::from(e).hint(format!("cannot read {}", dir.display()))),
    }
}

/// `real_dir`, then the exact mode (set on the directory itself, which is
/// known not to be a link).
pub fn real_dir_mode(dir: &Path, mode: u32) -> Result<()> {
    real_dir(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {}", dir.display()))
}

/// Refuses (exit 4) when any component of `path` below `base` (exclusive)
/// is a symbolic link; components that do not exist end the check.
pub fn no_link_below(base: &Path, path: &Path) -> Result<()> {
    let Ok(rel) = path.strip_prefix(base) else {
        return Ok(());
    };
    let mut cur = base.to_path_buf();
    for comp in rel.components() {
        cur.push(comp);
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => return Err(link_refused(&cur)),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(())
}

/// The refusal for a link where talos expects its own file or directory.
pub fn link_refused(path: &Path) -> Error {
    let target = std::fs::read_link(path)
        .map(|t| format!(" (pointing to {})", t.display()))
        .unwrap_or_default();
    Error::refused(format!(
        "{} is a symbolic link{target}; talos never writes through a link in an installation",
        path.display()
    ))
    .hint(format!(
        "someone put a link where talos keeps its own file: check who made it, remove it (`rm {}`), then run the command again",
        path.display()
    ))
}

/// Opens (creating, never truncating, mode 0600) a lock file, never through
/// a link.
fn open_lock_file(path: &Path) -> Result<File> {
    open_owned(
        path,
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(crate::install::SECRET_FILE_MODE),
    )
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
        let mut text = String::new();
        let _ = std::io::Read::by_ref(&mut file)
            .take(64)
            .read_to_string(&mut text);
        let recorded: Option<u32> = text.trim().parse().ok();
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

impl FileLock {
    /// Empties the lock file (through the handle, never by path) so only a
    /// holder that died leaves a PID for the next one to report.
    pub fn clear_pid(&self) {
        let _ = self.file.set_len(0);
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

/// The most talos reads of a small file of an installation (state, PID,
/// heartbeat, token, certificate, breakers, emergency state): far above
/// any real one, low enough that a planted huge file costs nothing.
pub const SMALL_FILE_CAP: u64 = 16 * 1024 * 1024;

/// Opens a file of an installation to read it, whatever was planted there:
/// never waits on a FIFO (`O_NONBLOCK`, which changes nothing for a regular
/// file) and refuses what the descriptor shows is not a regular file (a
/// FIFO, a socket, a device such as `/dev/zero` or a terminal behind a
/// link, a directory), which could block or never end. A link to a
/// regular file is read: reading is not writing, and callers cap reads.
pub fn open_regular(path: impl AsRef<Path>) -> std::io::Result<File> {
    let path = path.as_ref();
    let f = open_to_read(path, 0)?;
    let kind = f.metadata()?.file_type();
    if kind.is_file() {
        return Ok(f);
    }
    Err(not_regular(path, kind))
}

/// Opens a file of an installation that talos listed itself, to read it:
/// never through a link (`ELOOP`) and never waiting on a FIFO swapped in
/// since (`O_NONBLOCK`). The caller checks that the descriptor is a
/// regular file and says, in its own words, what it was swapped for.
pub fn open_nofollow(path: &Path) -> std::io::Result<File> {
    open_to_read(path, nix::libc::O_NOFOLLOW)
}

/// Opens `path` read-only with `O_NONBLOCK` and `flags` (std adds
/// `O_CLOEXEC`): `O_NONBLOCK` changes nothing for a regular file, and keeps
/// the open of a FIFO from waiting for a writer.
fn open_to_read(path: &Path, flags: i32) -> std::io::Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK | flags)
        .open(path)
}

/// Checks that `path`, if it exists (a link followed), is a regular file,
/// for a file another library opens with a plain open(2) (SQLite and its
/// `-wal`): a FIFO there would block it for ever.
pub fn regular_or_absent(path: &Path) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => Err(not_regular(path, m.file_type())),
        _ => Ok(()),
    }
}

/// What a reader refuses to read, named.
fn not_regular(path: &Path, kind: std::fs::FileType) -> std::io::Error {
    use std::os::unix::fs::FileTypeExt;
    let what = if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    };
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!(
            "{} is {what}, not a regular file: not read (move it aside)",
            path.display()
        ),
    )
}

/// Reads a small file of an installation whole ([`open_regular`]): at
/// most `cap` bytes; a longer file is an error that says so, never a
/// read without end.
pub fn read_small(path: impl AsRef<Path>, cap: u64) -> std::io::Result<Vec<u8>> {
    let path = path.as_ref();
    let mut buf = Vec::new();
    open_regular(path)?.take(cap + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > cap {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "{} is larger than {} bytes: not read (is it the right file?)",
                path.display(),
                cap
            ),
        ));
    }
    Ok(buf)
}

/// [`read_small`] as UTF-8 text.
pub fn read_small_string(path: impl AsRef<Path>, cap: u64) -> std::io::Result<String> {
    let path = path.as_ref();
    String::from_utf8(read_small(path, cap)?).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{} is not UTF-8 text", path.display()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_a_planted_fifo_device_or_huge_file_fails_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("state.json");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
        // Without O_NONBLOCK this open would wait for a writer forever.
        let e = read_small(&fifo, SMALL_FILE_CAP).unwrap_err();
        assert!(e.to_string().contains("is a FIFO"), "{e}");
        let zero = dir.path().join("heartbeat");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let e = read_small_string(&zero, SMALL_FILE_CAP).unwrap_err();
        assert!(e.to_string().contains("is a device"), "{e}");
        let e = open_regular(dir.path()).unwrap_err();
        assert!(e.to_string().contains("is a directory"), "{e}");
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 1025]).unwrap();
        let e = read_small(&big, 1024).unwrap_err();
        assert!(e.to_string().contains("larger than 1024 bytes"), "{e}");
        assert_eq!(read_small(&big, 1025).unwrap().len(), 1025);
        // A link to a regular file is read; a missing file stays NotFound.
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&big, &link).unwrap();
        assert_eq!(read_small(&link, 4096).unwrap().len(), 1025);
        let missing = read_small(dir.path().join("nope"), 10).unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    }

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
