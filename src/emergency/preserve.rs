//! Emergency preserve archives (docs/format.md):
//! `DATA_DIR/emergency_preserves/emergency_YYYYMMDD_HHMMSS.tar.gz`.
//!
//! An archive holds, at its root:
//! - `config/`: CONFIG_DIR without `secrets/` and `ssl/`. A preserve is a
//!   post-mortem snapshot that sits in DATA_DIR for days; the admin token and
//!   the TLS key are not needed to understand or recover a panic, so they are
//!   not copied into it (recover never touches the configuration).
//! - `state/`: STATE_DIR as it was after the stop.
//! - `logs/`: the recent Tier 2 log: the last 4 MiB of `orchestrator.log`
//!   (cut at a line start), the newest rotation `orchestrator.log.1` (its
//!   tail) or `orchestrator.log.1.gz` (whole, when at most 4 MiB), and the
//!   tail of `panic.log`.
//! - `task_queue.json`: STATE_DIR's task queue (absent when there was none).
//! - `metadata.json`: `timestamp`, `reason`, `hostname`, `talos_version`,
//!   `preserve_version`, and talos's additions: `method`, `pid`,
//!   `created_by`, and `files` (path, size, sha256 of every other regular
//!   file), which `recover` checks before it puts anything back.
//!
//! Archives are written under a temporary name, fsynced and renamed; at most
//! `KEEP` are kept, the oldest deleted first.

use std::collections::BTreeMap;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::audit::record::hex;
use crate::error::{Context, Error, Result};
use crate::fsutil;
use crate::install::Layout;

/// At most this many preserves are kept (docs/format.md).
pub const KEEP: usize = 10;
pub const PRESERVE_VERSION: &str = "1.0";
/// How much of each log goes into a preserve.
pub const LOG_TAIL_BYTES: u64 = 4 * 1024 * 1024;
/// Refuse to unpack more than this (a preserve is a few MiB; this stops a
/// decompression bomb long before the disk fills).
const MAX_UNPACKED_BYTES: u64 = 1024 * 1024 * 1024;

/// Top-level entries an archive may hold.
const TOP_LEVEL: [&str; 5] = [
    "config",
    "state",
    "logs",
    "task_queue.json",
    "metadata.json",
];

/// What goes into a new preserve besides the files.
#[derive(Debug, Clone)]
pub struct Request {
    pub reason: String,
    pub method: String,
    pub pid: Option<u32>,
    pub created_by: String,
    pub now: Timestamp,
}

/// One regular file of an archive.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// The result of writing a preserve.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub path: PathBuf,
    pub size: u64,
    pub files: Vec<FileEntry>,
    pub task_count: Option<usize>,
    /// Files that could not be read and were left out, with why.
    pub skipped: Vec<String>,
    /// Older preserves deleted to keep at most `KEEP`.
    pub pruned: Vec<PathBuf>,
}

/// A preserve in the directory.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub path: PathBuf,
    pub name: String,
    pub size: u64,
}

/// True for `emergency_YYYYMMDD_HHMMSS.tar.gz`.
pub fn is_preserve_name(name: &str) -> bool {
    let Some(stamp) = name
        .strip_prefix("emergency_")
        .and_then(|s| s.strip_suffix(".tar.gz"))
    else {
        return false;
    };
    let b = stamp.as_bytes();
    b.len() == 15
        && b[8] == b'_'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 8 || c.is_ascii_digit())
}

pub fn file_name(t: Timestamp) -> String {
    format!("emergency_{}.tar.gz", t.strftime("%Y%m%d_%H%M%S"))
}

/// The time in a preserve's name.
pub fn name_time(name: &str) -> Option<Timestamp> {
    if !is_preserve_name(name) {
        return None;
    }
    let stamp = &name["emergency_".len().."emergency_".len() + 15];
    jiff::civil::DateTime::strptime("%Y%m%d_%H%M%S", stamp)
        .ok()?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// Preserves in `dir`, oldest first (the name sorts by time).
pub fn list(dir: &Path) -> Result<Vec<Listed>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::from(e).hint(format!("cannot list {}", dir.display()))),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_preserve_name(&name) {
            continue;
        }
        let meta = entry.metadata()?;
        if !meta.is_file() {
            continue;
        }
        out.push(Listed {
            path: entry.path(),
            name,
            size: meta.len(),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Deletes the oldest preserves until at most `keep` remain.
pub fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>> {
    let all = list(dir)?;
    let excess = all.len().saturating_sub(keep);
    let mut deleted = Vec::new();
    for old in all.into_iter().take(excess) {
        match std::fs::remove_file(&old.path) {
            Ok(()) => deleted.push(old.path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::from(e).hint(format!("cannot delete {}", old.path.display())));
            }
        }
    }
    if !deleted.is_empty() {
        fsutil::sync_dir(dir)?;
    }
    Ok(deleted)
}

/// Deletes temporary files of preserves that were never finished (a panic
/// killed while writing one) once they are older than `age`: a younger one
/// may belong to a panic still running.
fn sweep_temp_files(dir: &Path, age: std::time::Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !(name.starts_with(".emergency_") && name.ends_with(".tmp")) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|a| a > age);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The number of tasks in a task queue document: an array, or an object
/// whose `tasks`, `queue` or `pending` key is an array.
pub fn count_tasks(bytes: &[u8]) -> Option<usize> {
    let v: Value = serde_json::from_slice(bytes).ok()?;
    match &v {
        Value::Array(a) => Some(a.len()),
        Value::Object(o) => ["tasks", "queue", "pending"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_array).map(Vec::len)),
        _ => None,
    }
}

/// A file or directory to put into the archive.
enum Item {
    Dir {
        name: String,
        mode: u32,
        mtime: u64,
    },
    File {
        name: String,
        mode: u32,
        mtime: u64,
        data: Vec<u8>,
    },
}

fn mtime_of(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Walks `src` into items named under `prefix`, skipping links and special
/// files, and the subtrees named in `exclude` (relative to `src`).
fn collect_tree(
    src: &Path,
    prefix: &str,
    exclude: &[&str],
    items: &mut Vec<Item>,
    skipped: &mut Vec<String>,
) {
    let meta = match std::fs::symlink_metadata(src) {
        Ok(m) if m.is_dir() => m,
        Ok(_) => {
            skipped.push(format!("{}: not a directory", src.display()));
            return;
        }
        Err(_) => return,
    };
    items.push(Item::Dir {
        name: prefix.to_string(),
        mode: meta.permissions().mode() & 0o777,
        mtime: mtime_of(&meta),
    });
    let mut entries: Vec<_> = match std::fs::read_dir(src) {
        Ok(e) => e.flatten().collect(),
        Err(e) => {
            skipped.push(format!("{}: {e}", src.display()));
            return;
        }
    };
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let fname = entry.file_name().to_string_lossy().into_owned();
        if exclude.contains(&fname.as_str()) {
            continue;
        }
        let path = entry.path();
        let name = format!("{prefix}/{fname}");
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            collect_tree(&path, &name, &[], items, skipped);
        } else if meta.is_file() {
            match crate::fsutil::read_small(&path, crate::fsutil::SMALL_FILE_CAP) {
                Ok(data) => items.push(Item::File {
                    name,
                    mode: meta.permissions().mode() & 0o777,
                    mtime: mtime_of(&meta),
                    data,
                }),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => skipped.push(format!("{}: {e}", path.display())),
            }
        } else {
            skipped.push(format!(
                "{}: not a regular file (links and special files are not preserved)",
                path.display()
            ));
        }
    }
}

/// The last `max` bytes of a file, starting at a line start.
fn read_tail(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let mut f = crate::fsutil::open_regular(path)?;
    let len = f.metadata()?.len();
    if len <= max {
        let mut buf = Vec::with_capacity(len as usize);
        f.read_to_end(&mut buf)?;
        return Ok(buf);
    }
    f.seek(SeekFrom::Start(len - max))?;
    let mut buf = Vec::with_capacity(max as usize);
    f.take(max).read_to_end(&mut buf)?;
    match memchr::memchr(b'\n', &buf) {
        Some(i) => Ok(buf.split_off(i + 1)),
        None => Ok(Vec::new()),
    }
}

fn collect_logs(layout: &Layout, items: &mut Vec<Item>, skipped: &mut Vec<String>) {
    let mut files = Vec::new();
    // The current Tier 2 file and the newest rotation (`.1`, `.1.gz`): a
    // compressed one is taken whole (its tail would not gunzip), whatever
    // its name says.
    let mut sources: Vec<(PathBuf, bool)> =
        crate::logs::tier_files(&layout.log_dir, crate::logs::Tier::Ops)
            .unwrap_or_default()
            .into_iter()
            .filter(|f| f.rotation <= 1)
            .map(|f| (f.path, f.gzip))
            .collect();
    sources.push((layout.panic_log(), false));
    for (path, whole) in sources {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        if whole && meta.len() > LOG_TAIL_BYTES {
            skipped.push(format!(
                "{}: larger than {} compressed, left out",
                path.display(),
                crate::units::human_bytes(LOG_TAIL_BYTES)
            ));
            continue;
        }
        match read_tail(&path, LOG_TAIL_BYTES) {
            Ok(data) => {
                let fname = path.file_name().unwrap_or_default().to_string_lossy();
                files.push(Item::File {
                    name: format!("logs/{fname}"),
                    mode: meta.permissions().mode() & 0o777,
                    mtime: mtime_of(&meta),
                    data,
                });
            }
            Err(e) => skipped.push(format!("{}: {e}", path.display())),
        }
    }
    items.push(Item::Dir {
        name: "logs".into(),
        mode: 0o750,
        mtime: crate::process::now_secs(),
    });
    items.extend(files);
}

fn header_for(kind: tar::EntryType, mode: u32, mtime: u64, size: u64) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_mtime(mtime);
    h.set_size(size);
    h.set_uid(0);
    h.set_gid(0);
    h
}

/// Writes a new preserve of the installation's current state, then prunes
/// the directory to `KEEP`. Never prints; returns what it did.
pub fn create(layout: &Layout, req: &Request) -> Result<Created> {
    let dir = layout.preserves_dir();
    // Never through a link planted at emergency_preserves/.
    fsutil::real_dir_mode(&dir, 0o700)?;
    sweep_temp_files(&dir, std::time::Duration::from_secs(3600));

    let (mut items, skipped, task_count) = collect_items(layout);
    let files: Vec<FileEntry> = items
        .iter()
        .filter_map(|i| match i {
            Item::File { name, data, .. } => Some(FileEntry {
                path: name.clone(),
                size: data.len() as u64,
                sha256: hex(&Sha256::digest(data)),
            }),
            Item::Dir { .. } => None,
        })
        .collect();
    items.push(metadata_item(req, task_count, &files)?);
    let tmp = write_archive(&dir, &items)?;
    let final_path = persist(&dir, tmp, req.now)?;
    fsutil::sync_dir(&dir)?;
    let size = std::fs::metadata(&final_path)?.len();
    let pruned = prune(&dir, KEEP)?;
    Ok(Created {
        path: final_path,
        size,
        files,
        task_count,
        skipped,
        pruned,
    })
}

/// What goes into a preserve, in archive order: config (without secrets
/// and certificates), state, the logs' tails, the task queue; with what
/// could not be read, and the number of queued tasks.
fn collect_items(layout: &Layout) -> (Vec<Item>, Vec<String>, Option<usize>) {
    let mut items = Vec::new();
    let mut skipped = Vec::new();
    collect_tree(
        &layout.config_dir,
        "config",
        &["secrets", "ssl"],
        &mut items,
        &mut skipped,
    );
    collect_tree(&layout.state_dir, "state", &[], &mut items, &mut skipped);
    collect_logs(layout, &mut items, &mut skipped);
    let mut task_count = None;
    if let Ok(meta) = std::fs::metadata(layout.task_queue())
        && meta.is_file()
    {
        match crate::fsutil::read_small(layout.task_queue(), crate::fsutil::SMALL_FILE_CAP) {
            Ok(data) => {
                task_count = count_tasks(&data);
                items.push(Item::File {
                    name: "task_queue.json".into(),
                    mode: meta.permissions().mode() & 0o777,
                    mtime: mtime_of(&meta),
                    data,
                });
            }
            Err(e) => skipped.push(format!("{}: {e}", layout.task_queue().display())),
        }
    }
    (items, skipped, task_count)
}

/// metadata.json: why, by whom, how, and every other file's checksum.
fn metadata_item(req: &Request, task_count: Option<usize>, files: &[FileEntry]) -> Result<Item> {
    let metadata = json!({
        "timestamp": crate::timespec::format_ts(req.now),
        "reason": req.reason,
        "hostname": fsutil::hostname(),
        "talos_version": crate::VERSION,
        "preserve_version": PRESERVE_VERSION,
        "method": req.method,
        "pid": req.pid,
        "created_by": req.created_by,
        "task_count": task_count,
        "files": files,
    });
    let mut meta_bytes = serde_json::to_vec_pretty(&metadata)?;
    meta_bytes.push(b'\n');
    Ok(Item::File {
        name: "metadata.json".into(),
        mode: crate::install::SECRET_FILE_MODE,
        mtime: req.now.as_second().max(0) as u64,
        data: meta_bytes,
    })
}

/// The tar.gz of `items` in a temporary file in `dir`, synced.
fn write_archive(dir: &Path, items: &[Item]) -> Result<tempfile::NamedTempFile> {
    let tmp = tempfile::Builder::new()
        .prefix(".emergency_")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let file = tmp.as_file();
    let gz = GzEncoder::new(BufWriter::new(file), Compression::default());
    let mut tar = tar::Builder::new(gz);
    for item in items {
        match item {
            Item::Dir { name, mode, mtime } => {
                let mut h = header_for(tar::EntryType::Directory, *mode, *mtime, 0);
                tar.append_data(&mut h, format!("{name}/"), std::io::empty())
            }
            Item::File {
                name,
                mode,
                mtime,
                data,
            } => {
                let mut h = header_for(tar::EntryType::Regular, *mode, *mtime, data.len() as u64);
                tar.append_data(&mut h, name, data.as_slice())
            }
        }
        .with_context(|| format!("cannot write the preserve in {}", dir.display()))?;
    }
    let gz = tar
        .into_inner()
        .context("cannot finish the preserve archive")?;
    let mut buf = gz
        .finish()
        .context("cannot finish the preserve's gzip stream")?;
    buf.flush().context("cannot write the preserve archive")?;
    drop(buf);
    file.sync_all()
        .context("cannot sync the preserve archive")?;
    Ok(tmp)
}

/// Renames the archive to its final name, never over another preserve.
fn persist(dir: &Path, tmp: tempfile::NamedTempFile, now: Timestamp) -> Result<PathBuf> {
    // Two panics in one second (or the daemon's own preserve) may want the
    // same name: take the next free second rather than overwrite.
    // A name never sorts before an existing preserve either (a clock set
    // back), or pruning would delete the new archive first.
    let mut start = now;
    if let Some(t) = list(dir)?.pop().and_then(|l| name_time(&l.name))
        && t >= start
    {
        start = t + jiff::SignedDuration::from_secs(1);
    }
    let mut tmp = tmp;
    for bump in 0..120 {
        let candidate = dir.join(file_name(start + jiff::SignedDuration::from_secs(bump)));
        match tmp.persist_noclobber(&candidate) {
            Ok(_) => return Ok(candidate),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => tmp = e.file,
            Err(e) => {
                return Err(Error::failed(format!(
                    "cannot move the preserve into place as {}",
                    candidate.display()
                ))
                .with_source(e.error));
            }
        }
    }
    Err(Error::failed(format!(
        "no free preserve name in {}",
        dir.display()
    )))
}

/// An archive checked and unpacked into a private staging directory.
#[derive(Debug)]
pub struct Unpacked {
    pub archive: PathBuf,
    pub staging: tempfile::TempDir,
    pub metadata: Value,
    /// Regular files, by archive path, with the mode they had.
    pub files: BTreeMap<String, (FileEntry, u32)>,
    pub task_count: Option<usize>,
}

impl Unpacked {
    pub fn staged(&self, archive_path: &str) -> PathBuf {
        self.staging.path().join(archive_path)
    }
}

/// Checks one entry path: relative, no `..`, no `.` tricks, and under one
/// of the top-level names of a preserve. Returns the clean relative path.
fn clean_path(raw: &[u8]) -> std::result::Result<String, String> {
    let text = std::str::from_utf8(raw).map_err(|_| "a path that is not UTF-8".to_string())?;
    let shown = text.chars().take(120).collect::<String>();
    if text.starts_with('/') {
        return Err(format!("an absolute path ({shown})"));
    }
    let mut parts = Vec::new();
    for part in text.split('/') {
        match part {
            "" | "." => continue,
            ".." => return Err(format!("a path that climbs out with `..` ({shown})")),
            p if p.contains('\0') => return Err(format!("a path with a NUL byte ({shown})")),
            p => parts.push(p),
        }
    }
    let Some(first) = parts.first() else {
        return Err("an empty path".into());
    };
    if !TOP_LEVEL.contains(first) {
        return Err(format!("an entry outside the preserve layout ({shown})"));
    }
    Ok(parts.join("/"))
}

/// Reads `archive`, refusing (exit 3) anything but regular files and
/// directories at safe paths, unpacks it into a fresh private staging
/// directory (mode 0700, under the system temp dir) and checks every file
/// against `metadata.json`'s list when it has one.
pub fn unpack(archive: &Path) -> Result<Unpacked> {
    let bad = |why: String| not_safe(archive, why);
    let file = crate::fsutil::open_regular(archive).map_err(|e| {
        Error::failed(format!("cannot open {}", archive.display()))
            .with_source(e)
            .hint("`talos recover` without an argument uses the newest preserve")
    })?;
    let staging = tempfile::Builder::new()
        .prefix("talos-recover-")
        .tempdir()
        .context("cannot create a private staging directory")?;
    std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o700))?;

    // The cap holds for every entry type: data attached to a directory
    // entry is skipped by inflating it too. Tar headers get some room.
    let mut tar = tar::Archive::new(crate::archive::ExpansionCap::new(
        MultiGzDecoder::new(std::io::BufReader::new(file)),
        MAX_UNPACKED_BYTES + 64 * 1024 * 1024,
    ));
    let mut files: BTreeMap<String, (FileEntry, u32)> = BTreeMap::new();
    let mut dirs = std::collections::BTreeSet::new();
    let mut total = 0u64;
    let entries = tar
        .entries()
        .map_err(|e| bad(format!("cannot read it as tar.gz ({e})")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| bad(format!("cannot read it as tar.gz ({e})")))?;
        let kind = entry.header().entry_type();
        let path = clean_path(&entry.path_bytes()).map_err(bad)?;
        let mode = entry
            .header()
            .mode()
            .unwrap_or(crate::install::SECRET_FILE_MODE)
            & 0o777;
        let dest = staging.path().join(&path);
        if kind.is_dir() {
            if entry.header().size().unwrap_or(0) > 0 {
                return Err(bad(format!("{path} is a directory entry with data")));
            }
            if files.contains_key(&path) {
                return Err(bad(format!("{path} is both a file and a directory")));
            }
            std::fs::create_dir_all(&dest)?;
            dirs.insert(path);
            continue;
        }
        if !kind.is_file() {
            return Err(bad(format!(
                "{path} is a {kind:?} entry; a preserve holds only regular files and directories"
            )));
        }
        if files.contains_key(&path) || dirs.contains(&path) {
            return Err(bad(format!("{path} appears twice")));
        }
        let entry = stage_file(&mut entry, path, &dest, &mut total, &bad)?;
        files.insert(entry.path.clone(), (entry, mode));
    }

    let metadata = read_metadata(staging.path(), &bad)?;
    check_listed(&metadata, &files, &bad)?;
    let task_count = ["task_queue.json", "state/task_queue.json"]
        .iter()
        .find(|p| files.contains_key(**p))
        .and_then(|p| std::fs::read(staging.path().join(p)).ok())
        .and_then(|b| count_tasks(&b));
    Ok(Unpacked {
        archive: archive.to_path_buf(),
        staging,
        metadata,
        files,
        task_count,
    })
}

/// The refusal of an unsafe archive (exit 3); nothing was written.
fn not_safe(archive: &Path, why: String) -> Error {
    Error::integrity(format!(
        "{} is not a safe emergency preserve: {why}",
        archive.display()
    ))
    .hint("nothing was written; pick another preserve (`talos recover` lists them) or inspect it with `tar -tzvf`")
}

/// Copies one regular entry to `dest` (a new file), hashing it and
/// counting it against the archive's unpacked `total`.
fn stage_file(
    entry: &mut impl Read,
    path: String,
    dest: &Path,
    total: &mut u64,
    bad: &dyn Fn(String) -> Error,
) -> Result<FileEntry> {
    if let Some(parent) = dest.parent() {
        // A parent that exists as a file means a path collision.
        if parent.is_file() {
            return Err(bad(format!("{path} is inside a file")));
        }
        std::fs::create_dir_all(parent)?;
    }
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dest)
        .with_context(|| format!("cannot stage {path}"))?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = entry
            .read(&mut buf)
            .map_err(|e| bad(format!("{path} cannot be read ({e})")))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        *total += n as u64;
        if *total > MAX_UNPACKED_BYTES {
            return Err(bad(format!(
                "it unpacks to more than {}",
                crate::units::human_bytes(MAX_UNPACKED_BYTES)
            )));
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])?;
    }
    out.sync_all()?;
    Ok(FileEntry {
        path,
        size,
        sha256: hex(&hasher.finalize()),
    })
}

/// The staged metadata.json, which must be a JSON object.
fn read_metadata(staging: &Path, bad: &dyn Fn(String) -> Error) -> Result<Value> {
    let meta_bytes = std::fs::read(staging.join("metadata.json"))
        .map_err(|_| bad("it has no metadata.json".into()))?;
    let metadata: Value = serde_json::from_slice(&meta_bytes)
        .map_err(|e| bad(format!("metadata.json is not valid JSON ({e})")))?;
    if !metadata.is_object() {
        return Err(bad("metadata.json is not a JSON object".into()));
    }
    Ok(metadata)
}

/// When metadata.json lists the files: every staged file is listed with
/// its size and sha256, and every listed file is there.
fn check_listed(
    metadata: &Value,
    files: &BTreeMap<String, (FileEntry, u32)>,
    bad: &dyn Fn(String) -> Error,
) -> Result<()> {
    let Some(listed) = metadata.get("files").and_then(Value::as_array) else {
        return Ok(());
    };
    let mut expected = BTreeMap::new();
    for f in listed {
        let (Some(p), Some(size), Some(sum)) = (
            f.get("path").and_then(Value::as_str),
            f.get("size").and_then(Value::as_u64),
            f.get("sha256").and_then(Value::as_str),
        ) else {
            return Err(bad("metadata.json has a malformed `files` entry".into()));
        };
        expected.insert(p.to_string(), (size, sum.to_string()));
    }
    for (path, (entry, _)) in files {
        if path == "metadata.json" {
            continue;
        }
        match expected.remove(path) {
            None => return Err(bad(format!("{path} is not listed in metadata.json"))),
            Some((size, sum)) if size != entry.size || sum != entry.sha256 => {
                return Err(bad(format!(
                    "{path} does not match its checksum in metadata.json: it was altered or damaged"
                )));
            }
            Some(_) => {}
        }
    }
    if let Some(missing) = expected.keys().next() {
        return Err(bad(format!(
            "{missing} is listed in metadata.json but absent"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sandbox() -> (tempfile::TempDir, Layout) {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        std::fs::create_dir_all(layout.secrets_dir.clone()).unwrap();
        std::fs::create_dir_all(layout.ssl_dir.clone()).unwrap();
        std::fs::create_dir_all(layout.sessions_dir()).unwrap();
        std::fs::create_dir_all(&layout.log_dir).unwrap();
        std::fs::write(&layout.config_file, "version: 1\n").unwrap();
        std::fs::write(&layout.token_file, "secret-token\n").unwrap();
        std::fs::write(layout.ssl_dir.join("key.pem"), "KEY").unwrap();
        std::fs::write(layout.task_queue(), r#"{"tasks":[{"id":1},{"id":2}]}"#).unwrap();
        std::fs::write(layout.sessions_dir().join("s1.json"), "{}").unwrap();
        std::fs::write(layout.orchestrator_log(), "{\"a\":1}\n").unwrap();
        (dir, layout)
    }

    fn req(now: &str) -> Request {
        Request {
            reason: "test".into(),
            method: "sigterm".into(),
            pid: Some(1234),
            created_by: "operator:tester".into(),
            now: now.parse().unwrap(),
        }
    }

    #[test]
    fn names() {
        assert!(is_preserve_name("emergency_20260101_120000.tar.gz"));
        assert!(!is_preserve_name("emergency_20260101-120000.tar.gz"));
        assert!(!is_preserve_name(".emergency_x.tmp"));
        let t: Timestamp = "2026-01-02T03:04:05Z".parse().unwrap();
        assert_eq!(file_name(t), "emergency_20260102_030405.tar.gz");
        assert_eq!(name_time(&file_name(t)), Some(t));
    }

    #[test]
    fn create_holds_the_layout_without_secrets_and_unpacks() {
        let (_d, layout) = sandbox();
        let c = create(&layout, &req("2026-01-02T03:04:05Z")).unwrap();
        assert!(c.path.ends_with("emergency_20260102_030405.tar.gz"));
        assert_eq!(c.task_count, Some(2));
        let mode = std::fs::metadata(&c.path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let u = unpack(&c.path).unwrap();
        let names: Vec<&str> = u.files.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "config/config.yaml",
                "logs/orchestrator.log",
                "metadata.json",
                "state/sessions/s1.json",
                "state/task_queue.json",
                "task_queue.json"
            ]
        );
        assert_eq!(u.task_count, Some(2));
        assert_eq!(u.metadata["preserve_version"], PRESERVE_VERSION);
        assert_eq!(u.metadata["reason"], "test");
        for k in ["timestamp", "hostname", "talos_version"] {
            assert!(u.metadata[k].is_string(), "{k}");
        }
        // No temp files left beside it.
        assert_eq!(list(&layout.preserves_dir()).unwrap().len(), 1);
        assert_eq!(
            std::fs::read_dir(layout.preserves_dir()).unwrap().count(),
            1
        );
    }

    #[test]
    fn same_second_gets_the_next_name_and_only_ten_are_kept() {
        let (_d, layout) = sandbox();
        let mut paths = Vec::new();
        for _ in 0..12 {
            paths.push(create(&layout, &req("2026-01-02T03:04:05Z")).unwrap());
        }
        let left = list(&layout.preserves_dir()).unwrap();
        assert_eq!(left.len(), KEEP);
        assert_eq!(left[0].name, "emergency_20260102_030407.tar.gz");
        assert_eq!(left[9].name, "emergency_20260102_030416.tar.gz");
        assert_eq!(paths[11].pruned.len(), 1);
        assert!(!paths[0].path.exists() && !paths[1].path.exists());
    }

    type TarGz = tar::Builder<GzEncoder<std::fs::File>>;
    type Build = Box<dyn Fn(&mut TarGz)>;

    fn write_tar(path: &Path, build: impl FnOnce(&mut TarGz)) {
        let f = std::fs::File::create(path).unwrap();
        let mut b = tar::Builder::new(GzEncoder::new(f, Compression::fast()));
        build(&mut b);
        b.into_inner().unwrap().finish().unwrap();
    }

    fn raw_file(b: &mut TarGz, name: &str, data: &[u8]) {
        let mut h = header_for(tar::EntryType::Regular, 0o600, 0, data.len() as u64);
        // Set the name bytes directly so `..` and absolute paths get through.
        h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        h.set_cksum();
        b.append(&h, data).unwrap();
    }

    #[test]
    fn unsafe_archives_are_refused_with_exit_3() {
        let dir = tempfile::tempdir().unwrap();
        let cases: Vec<(&str, Build)> = vec![
            (
                "dotdot",
                Box::new(|b| raw_file(b, "state/../../etc/x", b"x")),
            ),
            ("absolute", Box::new(|b| raw_file(b, "/etc/passwd", b"x"))),
            ("outside", Box::new(|b| raw_file(b, "db/talos.db", b"x"))),
            (
                "symlink",
                Box::new(|b| {
                    let mut h = header_for(tar::EntryType::Symlink, 0o777, 0, 0);
                    b.append_link(&mut h, "state/task_queue.json", "/etc/shadow")
                        .unwrap();
                }),
            ),
            (
                "no-metadata",
                Box::new(|b| raw_file(b, "task_queue.json", b"[]")),
            ),
            (
                "tampered",
                Box::new(|b| {
                    raw_file(b, "task_queue.json", b"[1,2,3]");
                    let meta = br#"{"files":[{"path":"task_queue.json","size":2,"sha256":"00"}]}"#;
                    raw_file(b, "metadata.json", meta);
                }),
            ),
        ];
        for (name, build) in cases {
            let p = dir.path().join(format!("{name}.tar.gz"));
            write_tar(&p, |b| build(b));
            let err = unpack(&p).unwrap_err();
            assert_eq!(err.exit_code(), 3, "{name}: {}", err.message);
        }
        let garbage = dir.path().join("garbage.tar.gz");
        std::fs::write(&garbage, b"not gzip at all").unwrap();
        assert_eq!(unpack(&garbage).unwrap_err().exit_code(), 3);
    }

    #[test]
    fn unfinished_temp_files_are_swept_only_when_old() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(".emergency_abc.tmp");
        let young = dir.path().join(".emergency_def.tmp");
        let other = dir.path().join("keep.tmp");
        for p in [&old, &young, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(past)
            .unwrap();
        sweep_temp_files(dir.path(), std::time::Duration::from_secs(3600));
        assert!(!old.exists());
        assert!(young.exists() && other.exists());
    }

    #[test]
    fn tail_starts_at_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log");
        std::fs::write(&p, "aaaa\nbbbb\ncccc\n").unwrap();
        assert_eq!(read_tail(&p, 7).unwrap(), b"cccc\n");
        assert_eq!(read_tail(&p, 100).unwrap().len(), 15);
    }

    proptest::proptest! {
        /// Whatever the entry name, an accepted path is relative, never
        /// climbs out, and starts with one of the preserve's own names.
        #[test]
        fn accepted_paths_stay_inside(parts in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just("..".to_string()),
                proptest::strategy::Just(".".to_string()),
                proptest::strategy::Just("".to_string()),
                proptest::strategy::Just("state".to_string()),
                proptest::strategy::Just("task_queue.json".to_string()),
                "[a-z./]{1,8}",
            ],
            0..6,
        ), absolute in proptest::bool::ANY) {
            let mut raw = parts.join("/");
            if absolute {
                raw.insert(0, '/');
            }
            if let Ok(clean) = clean_path(raw.as_bytes()) {
                proptest::prop_assert!(!clean.starts_with('/'));
                proptest::prop_assert!(clean.split('/').all(|c| c != ".." && c != "." && !c.is_empty()));
                let first = clean.split('/').next().unwrap();
                proptest::prop_assert!(TOP_LEVEL.contains(&first));
            }
        }
    }

    #[test]
    fn task_counts() {
        assert_eq!(count_tasks(b"[1,2]"), Some(2));
        assert_eq!(count_tasks(br#"{"pending":[1]}"#), Some(1));
        assert_eq!(count_tasks(br#"{"x":1}"#), None);
        assert_eq!(count_tasks(b"nope"), None);
    }
}
