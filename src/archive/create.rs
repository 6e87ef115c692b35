//! Writing a backup archive (docs/format.md).
//!
//! `metadata.json` and `manifest.json` come first in the archive, but the
//! manifest's checksums are known only after reading every file. So: snapshot
//! the database with SQLite's online backup API, hash every file first (in
//! parallel), then stream the tar with the hashes known, checking each file
//! again on the way in (a file that changed in between fails the backup, it
//! is never archived with a wrong checksum). Small files are kept in memory
//! between the two passes, so state files the daemon rewrites every second
//! (the heartbeat) are archived exactly as hashed. Audit files are append-only:
//! their length is taken under the audit lock, with the chain head, and only
//! that prefix is archived, so the archived chain ends at `audit_head`.
//!
//! Compression runs on every core at once (`pgzip`: pigz's method, flate2
//! with the zlib-rs backend) while the tar is assembled and re-hashed on the
//! calling thread; the result is one ordinary gzip member. That is what keeps
//! `backup create` well within `tar czf`'s time.
//!
//! Everything is written inside a private temporary directory in the output
//! directory, fsynced, then renamed to `backup_YYYYMMDD_HHMMSS.tar.gz`, and
//! the directory fsynced: a killed backup never leaves a file with a final name.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{
    AuditHead, BACKUP_VERSION, MANIFEST, METADATA, Manifest, ManifestFile, Metadata,
    backup_file_name,
};
use crate::audit::record::hex;
use crate::error::{Context, Error, Result};
use crate::fsutil::FileLock;
use crate::install::{Component, Layout};

/// Files up to this size are read once and archived from memory.
const SMALL_FILE: u64 = 1024 * 1024;
/// At most this much file content is held in memory at once.
const MEMORY_BUDGET: u64 = 32 * 1024 * 1024;
/// gzip level. 6 is gzip's default; zlib-rs at 6 compresses about as fast as
/// GNU gzip -6 while the hashing runs on the other core. Override with
/// TALOS_BACKUP_LEVEL (1 = fastest, 9 = smallest).
pub const DEFAULT_LEVEL: u32 = 6;
/// Temporary directories of unfinished backups start with this.
pub const TMP_PREFIX: &str = ".tmp-backup-";

#[derive(Debug, Clone)]
pub struct CreateOptions {
    pub output_dir: PathBuf,
    /// None: every component that exists (a full backup).
    pub components: Option<Vec<Component>>,
    pub keep: Option<usize>,
    /// Rescue mode, for the rollback archive a restore writes while the
    /// daemon is known to be down: the installation may be the damaged thing
    /// being replaced, so a database the online backup API cannot read is
    /// copied as it is, and an unreadable audit head is noted, not fatal.
    pub rescue: bool,
    /// Read these components from these directories instead of the
    /// installation's (a restore's rollback archive, written after the
    /// swap from the replaced directories moved aside into staging).
    pub sources: std::collections::BTreeMap<Component, PathBuf>,
}

/// Something in the installation that is not archived, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub path: PathBuf,
    #[serde(rename = "size_bytes")]
    pub size: u64,
    pub files: usize,
    pub bytes: u64,
    pub duration_ms: u64,
    pub sha256: String,
    pub backup_type: String,
    pub components: Vec<String>,
    pub audit_head: Option<AuditHead>,
    pub skipped: Vec<Skipped>,
    pub pruned: Vec<PathBuf>,
    /// PID of a dead process whose lock was taken over.
    pub lock_taken_over: Option<u32>,
}

enum Source {
    Path(PathBuf),
}

struct FileItem {
    archive_path: String,
    source: Source,
    mode: u32,
    mtime: u64,
    /// For append-only files: archive only this prefix.
    limit: Option<u64>,
}

enum Item {
    Dir {
        archive_path: String,
        mode: u32,
        mtime: u64,
    },
    File(usize),
}

struct Hashed {
    checksum: String,
    size: u64,
    data: Option<Vec<u8>>,
}

struct Walk<'a> {
    items: Vec<Item>,
    files: Vec<FileItem>,
    skipped: &'a mut Vec<Skipped>,
}

impl Walk<'_> {
    fn dir(&mut self, archive_path: &str, meta: &std::fs::Metadata) {
        self.items.push(Item::Dir {
            archive_path: archive_path.to_string(),
            mode: meta.mode() & 0o7777,
            mtime: meta.mtime().max(0) as u64,
        });
    }

    fn file(&mut self, archive_path: String, path: PathBuf, meta: &std::fs::Metadata) {
        self.items.push(Item::File(self.files.len()));
        self.files.push(FileItem {
            archive_path,
            source: Source::Path(path),
            mode: meta.mode() & 0o7777,
            mtime: meta.mtime().max(0) as u64,
            limit: None,
        });
    }

    /// Walks a directory without following links; `exclude` names entries of
    /// the top level that belong elsewhere (config's ssl/).
    fn tree(&mut self, dir: &Path, archive_path: &str, exclude: &[&str]) -> Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .collect::<std::io::Result<_>>()
            .with_context(|| format!("cannot read {}", dir.display()))?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name();
            let Some(name) = name.to_str() else {
                self.skipped.push(Skipped {
                    path: e.path(),
                    reason: "name is not UTF-8".into(),
                });
                continue;
            };
            if exclude.contains(&name) {
                continue;
            }
            let path = e.path();
            let ap = format!("{archive_path}/{name}");
            let meta = match std::fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
                Err(err) => {
                    return Err(Error::from(err).hint(format!("cannot read {}", path.display())));
                }
            };
            let ft = meta.file_type();
            if ft.is_dir() {
                self.dir(&ap, &meta);
                self.tree(&path, &ap, &[])?;
            } else if ft.is_file() {
                self.file(ap, path, &meta);
            } else {
                self.skipped.push(Skipped {
                    path,
                    reason: kind_name(&meta).into(),
                });
            }
        }
        Ok(())
    }
}

pub fn kind_name(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let ft = meta.file_type();
    if ft.is_symlink() {
        "symbolic link (not followed)"
    } else if ft.is_socket() {
        "socket"
    } else if ft.is_fifo() {
        "fifo"
    } else if ft.is_block_device() || ft.is_char_device() {
        "device"
    } else if ft.is_dir() {
        "directory"
    } else {
        "not a regular file"
    }
}

/// Takes a consistent copy of a live SQLite database with the online backup
/// API, in one step so concurrent writers (WAL mode) never restart it.
pub fn snapshot_database(db: &Path, dest: &Path) -> Result<()> {
    use rusqlite::backup::{Backup, StepResult};
    use rusqlite::{Connection, OpenFlags};
    let open = |flags| -> rusqlite::Result<Connection> {
        crate::db::refuse_unless_regular(db)?;
        let c = Connection::open_with_flags(db, flags)?;
        c.busy_timeout(Duration::from_secs(10))?;
        Ok(c)
    };
    // Read-write (no write is made) when allowed: as the last connection to
    // close, it removes the -wal/-shm files it had to create, leaving a
    // stopped installation as it found it. Read-only otherwise.
    let src = open(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .or_else(|_| open(OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX))
        .with_context(|| format!("cannot open the database {}", db.display()))?;
    let mut dst = Connection::open(dest)
        .with_context(|| format!("cannot create the snapshot {}", dest.display()))?;
    {
        let backup = Backup::new(&src, &mut dst).context("cannot start the database backup")?;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match backup
                .step(-1)
                .with_context(|| format!("backup of {} failed", db.display()))?
            {
                StepResult::Done => break,
                StepResult::More => continue,
                _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                _ => {
                    return Err(Error::failed(format!(
                        "the database {} stayed locked for 60 s",
                        db.display()
                    ))
                    .hint("retry; if it persists, check what holds the lock (`talos db check`)"));
                }
            }
        }
    }
    dst.close()
        .map_err(|(_, e)| Error::from(e))
        .context("cannot close the snapshot")?;
    Ok(())
}

/// Sends the tar stream to the compressing thread in large chunks.
struct ChunkWriter {
    buf: Vec<u8>,
    tx: mpsc::SyncSender<Vec<u8>>,
}

const CHUNK: usize = 1024 * 1024;

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK + 64 * 1024));
            self.tx
                .send(chunk)
                .map_err(|_| std::io::Error::other("the compressor stopped"))?;
        }
        Ok(())
    }
}

/// Hashes and counts what passes through to the archive file.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
    count: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(data)?;
        self.hasher.update(&data[..n]);
        self.count += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Hashes and counts what a reader yields.
struct HashingReader<R: Read> {
    inner: R,
    hasher: Sha256,
    count: u64,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

fn hash_one(f: &FileItem, mem: &AtomicU64) -> std::io::Result<Hashed> {
    let Source::Path(path) = &f.source;
    let file = crate::fsutil::open_nofollow(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("is no longer a regular file"));
    }
    let size = f.limit.unwrap_or(meta.len()).min(meta.len());
    if size <= SMALL_FILE && mem.fetch_add(size, Ordering::Relaxed) + size <= MEMORY_BUDGET {
        let mut data = Vec::with_capacity(size as usize);
        file.take(size).read_to_end(&mut data)?;
        if (data.len() as u64) < size {
            return Err(std::io::Error::other("shrank while being read"));
        }
        let checksum = hex(&Sha256::digest(&data));
        return Ok(Hashed {
            checksum,
            size,
            data: Some(data),
        });
    }
    let (checksum, n) = super::hash_reader(file.take(size))?;
    if n < size {
        return Err(std::io::Error::other("shrank while being read"));
    }
    Ok(Hashed {
        checksum,
        size,
        data: None,
    })
}

fn header(kind: tar::EntryType, size: u64, mode: u32, mtime: u64) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(mode);
    h.set_mtime(mtime);
    h.set_uid(0);
    h.set_gid(0);
    h
}

/// Clears our PID from the lock file before releasing it, so only a backup
/// that died holding the lock leaves a PID for the next one to report.
struct ClearOnDrop(FileLock);

impl Drop for ClearOnDrop {
    fn drop(&mut self) {
        self.0.clear_pid();
    }
}

/// Removes temporary directories left by killed backups (the caller holds the
/// output directory's lock, so none of them is in use).
fn clean_stale_temps(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Writes one backup archive. Never prints; `progress` gets bytes archived.
pub fn create(
    layout: &Layout,
    opts: &CreateOptions,
    progress: &dyn Fn(u64, u64),
) -> Result<Created> {
    create_encrypted(layout, opts, None, progress)
}

/// The compressed stream's destination: the file, or an age encryptor in
/// front of it. The hash is always of the file's bytes.
enum Sink {
    Plain(HashingWriter<BufWriter<File>>),
    Age(age::stream::StreamWriter<HashingWriter<BufWriter<File>>>),
}

impl Write for Sink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(data),
            Sink::Age(w) => w.write(data),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Age(w) => w.flush(),
        }
    }
}

impl Sink {
    fn finish(self) -> std::io::Result<HashingWriter<BufWriter<File>>> {
        match self {
            Sink::Plain(w) => Ok(w),
            Sink::Age(w) => w.finish(),
        }
    }
}

/// `create`, encrypting the whole `.tar.gz` with age to `recipients` when
/// given: the file is then `backup_….tar.gz.age` and its metadata.json says
/// `"encryption": "age"`; the inner archive is unchanged otherwise.
pub fn create_encrypted(
    layout: &Layout,
    opts: &CreateOptions,
    recipients: Option<&crate::repo::crypt::Recipients>,
    progress: &dyn Fn(u64, u64),
) -> Result<Created> {
    let encryptor = recipients.map(crate::repo::crypt::encryptor).transpose()?;
    let started = Instant::now();
    let out_dir = &opts.output_dir;
    prepare_output_dir(layout, out_dir)?;
    let lock = ClearOnDrop(FileLock::try_exclusive(
        &out_dir.join(".backup.lock"),
        "backup",
    )?);
    clean_stale_temps(out_dir);
    let tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .tempdir_in(out_dir)
        .with_context(|| {
            format!(
                "cannot create a temporary directory in {}",
                out_dir.display()
            )
        })?;

    // In archive order, each once.
    let wanted: Vec<Component> = Component::ALL
        .into_iter()
        .filter(|c| opts.components.as_ref().is_none_or(|w| w.contains(c)))
        .collect();
    // "full" when every component is asked for (a restore's rollback of a
    // full restore too), "partial" when a subset is.
    let full = wanted.len() == Component::ALL.len();

    let mut skipped = Vec::new();
    let mut walk = Walk {
        items: Vec::new(),
        files: Vec::new(),
        skipped: &mut skipped,
    };
    let (components, audit_head) = walk_components(layout, opts, &wanted, tmp.path(), &mut walk)?;
    let Walk { items, files, .. } = walk;

    // Pass 1: hash everything, in parallel.
    let (manifest_files, hashes, vanished) = hash_files(&files, &mut skipped)?;
    let mut manifest = Manifest {
        algorithm: "sha256".into(),
        files: manifest_files,
    };
    // Component files and bytes (what `files` and `bytes` report).
    let component_files = manifest.files.len();
    let total: u64 = manifest.total_size();
    let created_at = crate::clock::now();
    let metadata = Metadata {
        backup_version: BACKUP_VERSION.into(),
        created_at: crate::timespec::format_ts(created_at),
        created_by: Some(crate::audit::operator_actor()),
        hostname: Some(crate::fsutil::hostname()),
        talos_version: Some(crate::VERSION.into()),
        backup_type: Some(if full { "full" } else { "partial" }.into()),
        components: Some(
            components
                .iter()
                .filter_map(|c| Component::from_name(c))
                .collect(),
        ),
        compressed: Some(true),
        encryption: Some(match &encryptor {
            Some(_) => serde_json::Value::String("age".into()),
            None => serde_json::Value::Null,
        }),
        checksum_algorithm: Some("sha256".into()),
        audit_head: audit_head.clone(),
    };
    // The manifest lists every regular file except itself (docs/format.md),
    // so metadata.json too: it never refers to the manifest, no cycle.
    let meta_bytes = serde_json::to_vec_pretty(&metadata)?;
    manifest.files.insert(
        0,
        ManifestFile {
            path: METADATA.into(),
            checksum: hex(&Sha256::digest(&meta_bytes)),
            size: meta_bytes.len() as u64,
            mode: "0600".into(),
        },
    );

    // Pass 2: stream the tar to the compressing thread.
    let level = std::env::var("TALOS_BACKUP_LEVEL")
        .ok()
        .and_then(|l| l.parse::<u32>().ok())
        .filter(|l| (1..=9).contains(l))
        .unwrap_or(DEFAULT_LEVEL);
    let partial_path = tmp.path().join("archive.tar.gz");
    let out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(crate::install::SECRET_FILE_MODE)
        .open(&partial_path)
        .with_context(|| format!("cannot create {}", partial_path.display()))?;
    let (tx, rx) = mpsc::sync_channel::<Vec<u8>>(4);
    let now = created_at.as_second().max(0) as u64;

    let (tar_result, gz_result) = std::thread::scope(|s| {
        let compressor = s.spawn(move || compress(out, rx, encryptor, level));
        let input = TarInput {
            meta_bytes: &meta_bytes,
            manifest: &manifest,
            items: &items,
            files: &files,
            hashes: &hashes,
            vanished: &vanished,
            now,
            total,
        };
        let tar_result = write_tar(tx, &input, progress);
        // Dropping the builder closed the channel; the compressor ends.
        let gz_result = compressor.join().expect("compressor thread");
        (tar_result, gz_result)
    });
    tar_result?;
    let (file, sha256, size) = gz_result.context("cannot write the archive")?;
    file.sync_all().context("cannot sync the archive")?;
    drop(file);

    let encrypted = metadata.encryption.as_ref().is_some_and(|e| !e.is_null());
    let final_path = rename_into_place(&partial_path, out_dir, created_at, encrypted)?;
    crate::fsutil::sync_dir(out_dir)?;
    drop(tmp);

    let mut pruned = Vec::new();
    if let Some(keep) = opts.keep {
        pruned = prune(out_dir, keep, &final_path)?;
    }
    let lock_taken_over = lock.0.previous_holder;
    drop(lock);
    Ok(Created {
        path: final_path,
        size,
        files: component_files,
        bytes: total,
        duration_ms: started.elapsed().as_millis() as u64,
        sha256,
        backup_type: metadata.backup_type.clone().unwrap_or_default(),
        components,
        audit_head,
        skipped,
        pruned,
        lock_taken_over,
    })
}

/// Walks the wanted components (in archive order) into `walk`: the
/// directories and files to archive, the database snapshotted into `tmp`,
/// the audit chain cut at its head under the audit lock. Returns the
/// components found and the chain head every backup records.
fn walk_components(
    layout: &Layout,
    opts: &CreateOptions,
    wanted: &[Component],
    tmp: &Path,
    walk: &mut Walk,
) -> Result<(Vec<String>, Option<AuditHead>)> {
    let mut components = Vec::new();
    let mut audit_head = None;
    // Order matters: the database is snapshotted (component `database`)
    // before the audit chain is cut (`logs`). The daemon anchors a record in
    // the database's audit_log table only after appending it to the chain,
    // so every anchor in the snapshot names a record inside the archived
    // chain, never one past its head.
    for &comp in wanted {
        let Some((dir, meta)) = component_dir(layout, opts, comp, walk)? else {
            continue;
        };
        components.push(comp.name().to_string());
        match comp {
            Component::Config => {
                walk.dir("config", &meta);
                walk.tree(&dir, "config", &["ssl"])?;
            }
            Component::Database => {
                walk.dir("database", &meta);
                walk_database(opts, &dir, tmp, walk)?;
            }
            Component::Logs => audit_head = walk_audit_chain(layout, opts, &dir, &meta, walk)?,
            _ => {
                walk.dir(comp.prefix(), &meta);
                walk.tree(&dir, comp.prefix(), &[])?;
            }
        }
    }
    // Every backup records the chain head (docs/format.md audit_head; §3
    // anchors come from each backup's metadata.json), not only those that
    // archive the chain: read it under the audit lock, after the database
    // snapshot as above. Null only when the chain is empty (or absent).
    if !wanted.contains(&Component::Logs) && layout.audit_dir.is_dir() {
        audit_head = head_of_unarchived_chain(layout, walk);
    }
    Ok((components, audit_head))
}

/// The directory a component is read from, when it is one; a missing
/// directory or another kind of file is skipped (and reported), not fatal.
fn component_dir(
    layout: &Layout,
    opts: &CreateOptions,
    comp: Component,
    walk: &mut Walk,
) -> Result<Option<(PathBuf, std::fs::Metadata)>> {
    let dir = match opts.sources.get(&comp) {
        Some(d) => d.clone(),
        None => layout.component_dir(comp),
    };
    let meta = match std::fs::symlink_metadata(&dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            walk.skipped.push(Skipped {
                path: dir.clone(),
                reason: format!("component {comp}: directory does not exist"),
            });
            return Ok(None);
        }
        Err(e) => return Err(Error::from(e).hint(format!("cannot read {}", dir.display()))),
    };
    if !meta.is_dir() {
        walk.skipped.push(Skipped {
            path: dir.clone(),
            reason: format!("component {comp}: {}", kind_name(&meta)),
        });
        return Ok(None);
    }
    Ok(Some((dir, meta)))
}

/// The database component: talos.db snapshotted into `tmp` with SQLite's
/// online backup API (in rescue mode, copied when that fails or when there
/// is no WAL), never copied raw from a live daemon.
fn walk_database(opts: &CreateOptions, dir: &Path, tmp: &Path, walk: &mut Walk) -> Result<()> {
    let db = dir.join("talos.db");
    let m = match std::fs::symlink_metadata(&db) {
        Ok(m) if m.is_file() => m,
        Ok(m) => {
            walk.skipped.push(Skipped {
                path: db.clone(),
                reason: kind_name(&m).into(),
            });
            return Ok(());
        }
        Err(_) => {
            walk.skipped.push(Skipped {
                path: db.clone(),
                reason: "no database file".into(),
            });
            return Ok(());
        }
    };
    let snap = tmp.join("talos.db");
    let wal = dir.join("talos.db-wal");
    if opts.rescue && !wal.exists() {
        // Daemon down and no WAL: the file alone is the whole database, and
        // copying it leaves the installation untouched (opening it with
        // SQLite would leave -wal/-shm files behind).
        std::fs::copy(&db, &snap).with_context(|| format!("cannot copy {}", db.display()))?;
    } else if let Err(e) = snapshot_database(&db, &snap) {
        if !opts.rescue {
            return Err(e.hint("the database may be damaged: `talos db check` tells; a backup never copies a live database file raw"));
        }
        // The daemon is down (checked by the caller): the file is not live,
        // a plain copy is consistent.
        walk.skipped.push(Skipped {
            path: db.clone(),
            reason: format!("online backup failed ({e}); copied the file as it is"),
        });
        std::fs::copy(&db, &snap).with_context(|| format!("cannot copy {}", db.display()))?;
    }
    let smeta = std::fs::metadata(&snap)?;
    walk.items.push(Item::File(walk.files.len()));
    walk.files.push(FileItem {
        archive_path: "database/talos.db".into(),
        source: Source::Path(snap),
        mode: m.mode() & 0o7777,
        mtime: smeta.mtime().max(0) as u64,
        limit: None,
    });
    Ok(())
}

/// The logs component: the audit chain's files cut at their sizes and the
/// head read, both under the audit lock. A head that cannot be read fails
/// the backup (in rescue mode it is reported and the files archived as
/// they are).
fn walk_audit_chain(
    layout: &Layout,
    opts: &CreateOptions,
    dir: &Path,
    meta: &std::fs::Metadata,
    walk: &mut Walk,
) -> Result<Option<AuditHead>> {
    let log_meta = std::fs::symlink_metadata(&layout.log_dir)?;
    walk.dir("logs", &log_meta);
    walk.dir("logs/audit", meta);
    // Sizes and head under the audit lock: appends happen under it, so
    // every size is at a record boundary and the head is the last archived
    // record.
    let _audit_lock = FileLock::exclusive_blocking(&layout.audit_lock())?;
    let first = walk.files.len();
    walk.tree(dir, "logs/audit", &[".lock"])?;
    for f in &mut walk.files[first..] {
        let Source::Path(p) = &f.source;
        f.limit = Some(std::fs::symlink_metadata(p).map(|m| m.len()).unwrap_or(0));
    }
    match crate::audit::head(dir) {
        Ok(h) => Ok(h.map(|h| AuditHead {
            seq: h.seq,
            hash: h.hash,
        })),
        Err(e) if opts.rescue => {
            walk.skipped.push(Skipped {
                path: dir.to_path_buf(),
                reason: format!("audit head unreadable ({}); archived as it is", e.message),
            });
            Ok(None)
        }
        Err(e) => {
            // The head's own hint names the fix when it knows one (a torn
            // last record: `talos repair audit`).
            let mut err =
                Error::integrity(format!("cannot read the audit chain's head: {}", e.message));
            err.hints = e.hints;
            Err(err.hint("run `talos audit verify-chain`; a backup records the head it saw"))
        }
    }
}

/// The chain head of a backup that does not archive the chain, read under
/// the audit lock. The chain is not part of this backup: a damaged head
/// does not stop a backup of the other components, it is reported.
fn head_of_unarchived_chain(layout: &Layout, walk: &mut Walk) -> Option<AuditHead> {
    let head = FileLock::exclusive_blocking(&layout.audit_lock())
        .and_then(|_lock| crate::audit::head(&layout.audit_dir));
    match head {
        Ok(h) => h.map(|h| AuditHead {
            seq: h.seq,
            hash: h.hash,
        }),
        Err(e) => {
            walk.skipped.push(Skipped {
                path: layout.audit_dir.clone(),
                reason: format!(
                    "audit head unreadable ({}); metadata.json has no audit_head — run `talos audit verify-chain`",
                    e.message
                ),
            });
            None
        }
    }
}

/// The output directory, made if missing (mode 0700). One inside the
/// installation (BACKUP_DIR, restore_rollback/) is never written through a
/// link planted there; one the operator named elsewhere may be a link (a
/// mount on another disk).
fn prepare_output_dir(layout: &Layout, out_dir: &Path) -> Result<()> {
    if out_dir.starts_with(&layout.root) {
        // A directory of the installation (BACKUP_DIR, restore_rollback/):
        // never written through a link planted there. A directory the
        // operator named elsewhere may be a link (a mount on another disk).
        if !out_dir.exists()
            || std::fs::symlink_metadata(out_dir).is_ok_and(|m| m.file_type().is_symlink())
        {
            crate::fsutil::real_dir_mode(out_dir, 0o700)?;
        }
    } else if !out_dir.exists() {
        crate::fsutil::create_dir_mode(out_dir, 0o700)?;
    }
    Ok(())
}

/// Pass 1: hashes every file in parallel. A file that vanished since the
/// walk is skipped (and marked in the third vector); one that cannot be
/// read stops the backup.
#[allow(clippy::type_complexity)]
fn hash_files(
    files: &[FileItem],
    skipped: &mut Vec<Skipped>,
) -> Result<(Vec<ManifestFile>, Vec<Option<Hashed>>, Vec<bool>)> {
    let mem = AtomicU64::new(0);
    let hashed: Vec<std::io::Result<Hashed>> =
        files.par_iter().map(|f| hash_one(f, &mem)).collect();
    let mut manifest_files = Vec::with_capacity(files.len());
    let mut hashes = Vec::with_capacity(files.len());
    let mut vanished = vec![false; files.len()];
    for (i, (f, h)) in files.iter().zip(hashed).enumerate() {
        match h {
            Ok(h) => {
                manifest_files.push(ManifestFile {
                    path: f.archive_path.clone(),
                    checksum: h.checksum.clone(),
                    size: h.size,
                    mode: format!("{:04o}", f.mode & 0o7777),
                });
                hashes.push(Some(h));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let Source::Path(p) = &f.source;
                skipped.push(Skipped {
                    path: p.clone(),
                    reason: "vanished during the backup".into(),
                });
                vanished[i] = true;
                hashes.push(None);
            }
            Err(e) => {
                let Source::Path(p) = &f.source;
                return Err(Error::failed(format!("cannot read {}", p.display()))
                    .with_source(e)
                    .hint("check its owner and mode, or run as the talos user or root"));
            }
        }
    }
    Ok((manifest_files, hashes, vanished))
}

/// Renames the finished archive into place without replacing anything; two
/// backups in one second get consecutive names.
fn rename_into_place(
    partial_path: &Path,
    out_dir: &Path,
    created_at: jiff::Timestamp,
    encrypted: bool,
) -> Result<PathBuf> {
    let mut ts = created_at;
    loop {
        let mut name = backup_file_name(ts);
        if encrypted {
            name.push_str(".age");
        }
        let candidate = out_dir.join(name);
        match nix::fcntl::renameat2(
            nix::fcntl::AT_FDCWD,
            partial_path,
            nix::fcntl::AT_FDCWD,
            &candidate,
            nix::fcntl::RenameFlags::RENAME_NOREPLACE,
        ) {
            Ok(()) => return Ok(candidate),
            Err(nix::errno::Errno::EEXIST) => ts += jiff::SignedDuration::from_secs(1),
            Err(e) => {
                return Err(Error::failed(format!(
                    "cannot rename the finished archive to {}",
                    candidate.display()
                ))
                .with_source(e));
            }
        }
    }
}

/// The compressing thread of pass 2: gzip (in parallel blocks) the tar
/// stream from `rx` into `out`, through age when encrypting. Returns the
/// file, the sha256 of its bytes and their count.
fn compress(
    out: File,
    rx: mpsc::Receiver<Vec<u8>>,
    encryptor: Option<age::Encryptor>,
    level: u32,
) -> std::io::Result<(File, String, u64)> {
    let hw = HashingWriter {
        inner: BufWriter::with_capacity(256 * 1024, out),
        hasher: Sha256::new(),
        count: 0,
    };
    let sink = match encryptor {
        Some(e) => Sink::Age(e.wrap_output(hw)?),
        None => Sink::Plain(hw),
    };
    let mut sink = super::pgzip::compress(
        rx,
        sink,
        flate2::Compression::new(level),
        super::pgzip::default_threads(),
    )?;
    sink.flush()?;
    let mut hw = sink.finish()?;
    hw.flush()?;
    let HashingWriter {
        inner,
        hasher,
        count,
    } = hw;
    let file = inner.into_inner().map_err(|e| e.into_error())?;
    Ok((file, hex(&hasher.finalize()), count))
}

/// What pass 2 writes: metadata.json and manifest.json first, then the
/// walk's directories and files (files re-read and checked against pass 1).
struct TarInput<'a> {
    meta_bytes: &'a [u8],
    manifest: &'a Manifest,
    items: &'a [Item],
    files: &'a [FileItem],
    hashes: &'a [Option<Hashed>],
    vanished: &'a [bool],
    now: u64,
    total: u64,
}

/// Pass 2, the tar side: streams the archive's entries in chunks to the
/// compressing thread.
fn write_tar(
    tx: mpsc::SyncSender<Vec<u8>>,
    t: &TarInput,
    progress: &dyn Fn(u64, u64),
) -> Result<()> {
    let mut b = tar::Builder::new(ChunkWriter {
        buf: Vec::with_capacity(CHUNK + 64 * 1024),
        tx,
    });
    let put_json = |b: &mut tar::Builder<ChunkWriter>, name: &str, bytes: &[u8]| {
        let mut h = header(
            tar::EntryType::Regular,
            bytes.len() as u64,
            crate::install::SECRET_FILE_MODE,
            t.now,
        );
        b.append_data(&mut h, name, bytes)
    };
    let man_bytes = serde_json::to_vec_pretty(t.manifest)?;
    let io = |e: std::io::Error| Error::failed("cannot write the archive").with_source(e);
    put_json(&mut b, METADATA, t.meta_bytes).map_err(io)?;
    put_json(&mut b, MANIFEST, &man_bytes).map_err(io)?;
    let mut done = 0u64;
    #[cfg(feature = "test-hooks")]
    crate::interrupt::test_wait_for_signal("TALOS_TEST_WAIT_SIGNAL_BACKUP");
    for item in t.items {
        crate::interrupt::check()?;
        match item {
            Item::Dir {
                archive_path,
                mode,
                mtime,
            } => {
                let mut h = header(tar::EntryType::Directory, 0, *mode, *mtime);
                b.append_data(&mut h, format!("{archive_path}/"), std::io::empty())
                    .map_err(io)?;
            }
            Item::File(i) => {
                let i = *i;
                if t.vanished[i] {
                    continue;
                }
                let f = &t.files[i];
                let hsh = t.hashes[i].as_ref().expect("hashed");
                let mut h = header(tar::EntryType::Regular, hsh.size, f.mode, f.mtime);
                if let Some(data) = &hsh.data {
                    b.append_data(&mut h, &f.archive_path, &data[..])
                        .map_err(io)?;
                } else {
                    let Source::Path(p) = &f.source;
                    let file = crate::fsutil::open_nofollow(p)
                        .with_context(|| format!("cannot reopen {}", p.display()))?;
                    let mut r = HashingReader {
                        inner: file.take(hsh.size),
                        hasher: Sha256::new(),
                        count: 0,
                    };
                    b.append_data(&mut h, &f.archive_path, &mut r).map_err(io)?;
                    let got = hex(&r.hasher.finalize());
                    if r.count != hsh.size || got != hsh.checksum {
                        return Err(Error::failed(format!(
                            "{} changed while the backup was being written",
                            p.display()
                        ))
                        .hint("run the backup again; if it keeps changing, stop what rewrites it in place"));
                    }
                }
                done += hsh.size;
                progress(done, t.total);
            }
        }
    }
    b.finish().map_err(io)?;
    let mut w = b.into_inner().map_err(io)?;
    w.flush().map_err(io)?;
    Ok(())
}

/// Deletes all but the newest `keep` backups; never the one just written.
fn prune(dir: &Path, keep: usize, just_written: &Path) -> Result<Vec<PathBuf>> {
    let mut pruned = Vec::new();
    for (_, path) in super::list_backups(dir)?.into_iter().skip(keep) {
        if path == just_written {
            continue;
        }
        std::fs::remove_file(&path).with_context(|| format!("cannot delete {}", path.display()))?;
        pruned.push(path);
    }
    if !pruned.is_empty() {
        crate::fsutil::sync_dir(dir)?;
    }
    Ok(pruned)
}

/// Mode of a file as the manifest writes it.
pub fn mode_string(meta: &std::fs::Metadata) -> String {
    format!("{:04o}", meta.permissions().mode() & 0o7777)
}
