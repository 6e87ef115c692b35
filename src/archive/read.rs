//! Reading and verifying an archive in ONE streaming pass: decompress, check
//! every entry's name and type, hash every file while (optionally) writing it
//! into a private staging directory, and compare with the manifest.
//!
//! Any rule of docs/format.md broken is an integrity error (exit 3) naming what
//! and where. Nothing is written outside the staging directory, and the
//! caller removes that directory on error.
//!
//! `manifest.json` is normally the second entry, so sizes are checked against
//! it as each file header arrives and the expanded size is capped by its
//! total. An archive assembled by hand may put it later: then files are
//! hashed as they come and compared at the end, under an absolute cap
//! (`PRE_MANIFEST_CAP`). Whatever the order, the bytes written to staging
//! are counted against the free space of its file system less a margin.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{
    MANIFEST, METADATA, Manifest, ManifestFile, Metadata, check_entry_path, component_of,
    normalise_entry_name,
};
use crate::audit::record::hex;
use crate::error::{Context, Error, Result};
use crate::install::Component;

/// Expanded bytes allowed before the manifest says how much to expect.
pub const PRE_MANIFEST_CAP: u64 = 64 * 1024 * 1024 * 1024;
/// Tar headers, long names and padding allowed beyond the manifest's sizes.
const OVERHEAD_PER_FILE: u64 = 3 * 1024;
const OVERHEAD_SLACK: u64 = 64 * 1024 * 1024;
/// The JSON documents are read into memory: this is their limit.
const MAX_JSON: u64 = 64 * 1024 * 1024;

pub struct ReadOptions<'a> {
    /// Write the selected components' files under this directory (the
    /// archive's own paths, e.g. `<dir>/config/config.yaml`).
    pub extract_to: Option<&'a Path>,
    /// Components to write (None: all). Every entry is verified regardless.
    pub components: Option<&'a [Component]>,
    /// Called with compressed bytes read so far.
    pub progress: &'a dyn Fn(u64),
}

#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    pub path: PathBuf,
    pub metadata: Metadata,
    #[serde(skip)]
    pub manifest: Manifest,
    /// Components the archive holds, in §4 order.
    pub components: Vec<Component>,
    pub files: usize,
    pub bytes: u64,
    pub compressed_size: u64,
    pub duration_ms: u64,
    /// Directory entries: path and mode.
    #[serde(skip)]
    pub dirs: Vec<(String, u32)>,
    /// Whether manifest.json lists metadata.json (and so it was checked
    /// against its checksum). `manifest` above holds the component files only.
    #[serde(skip)]
    pub metadata_listed: bool,
}

impl Verified {
    /// What the archive's head would have said: a plan made from a verified
    /// archive is the plan its head gives.
    pub fn head(&self) -> Head {
        Head {
            metadata: self.metadata.clone(),
            manifest: self.manifest.clone(),
            components: self.components.clone(),
        }
    }
}

/// An expansion beyond the limit, told apart from a corrupt stream.
#[derive(Debug)]
struct TooBig(u64);
impl std::fmt::Display for TooBig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "expands beyond {} bytes", self.0)
    }
}
impl std::error::Error for TooBig {}

/// Counts decompressed bytes and stops the stream past a limit that the
/// manifest can lower once it has been read.
struct Limited<R> {
    inner: R,
    count: Rc<Cell<u64>>,
    limit: Rc<Cell<u64>>,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let c = self.count.get() + n as u64;
        self.count.set(c);
        if c > self.limit.get() {
            return Err(std::io::Error::other(TooBig(self.limit.get())));
        }
        Ok(n)
    }
}

struct Counting<'a, R> {
    inner: R,
    count: u64,
    progress_every: u64,
    next: u64,
    progress: &'a dyn Fn(u64),
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count >= self.next {
            (self.progress)(self.count);
            self.next = self.count + self.progress_every;
        }
        Ok(n)
    }
}

fn integrity(archive: &Path, what: impl std::fmt::Display) -> Error {
    Error::integrity(format!("{}: {what}", archive.display())).hint(
        "this archive cannot be trusted: nothing was restored from it; use another backup (`talos backup list`)",
    )
}

/// Reads the whole stream, turning read errors into integrity errors (a
/// truncated or corrupt gzip) or a bomb report.
fn stream_error(archive: &Path, where_: &str, e: std::io::Error) -> Error {
    if let Some(tb) = e.get_ref().and_then(|i| i.downcast_ref::<TooBig>()) {
        return integrity(
            archive,
            format!(
                "decompression bomb: the archive {tb} ({where_}), more than its manifest accounts for"
            ),
        );
    }
    let what = match e.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            "the archive is truncated (unexpected end of data)".to_string()
        }
        _ => format!("the archive is corrupt ({e})"),
    };
    integrity(archive, format!("{what} {where_}"))
}

struct Seen {
    size: u64,
    checksum: String,
}

/// Verifies `archive` completely; with `extract_to`, also writes its files.
pub fn read_archive(archive: &Path, opts: &ReadOptions) -> Result<Verified> {
    let started = Instant::now();
    let (file, compressed_size) = open_gzip(archive)?;

    let count = Rc::new(Cell::new(0u64));
    // What staging may write: the free space of its file system less a
    // margin, whatever the manifest says and wherever it comes (docs/backup.md
    // "Disk space").
    let mut staging = Staging {
        budget: opts.extract_to.and_then(staging_budget),
        written: 0,
        buf: vec![0u8; 256 * 1024],
    };
    let limit = Rc::new(Cell::new(PRE_MANIFEST_CAP));
    let counting = Counting {
        inner: BufReader::with_capacity(256 * 1024, file),
        count: 0,
        progress_every: 4 * 1024 * 1024,
        next: 0,
        progress: opts.progress,
    };
    let dec = flate2::read::MultiGzDecoder::new(counting);
    let limited = Limited {
        inner: dec,
        count: count.clone(),
        limit: limit.clone(),
    };
    let mut ar = tar::Archive::new(limited);

    let mut metadata: Option<Metadata> = None;
    let mut manifest: Option<(Manifest, HashMap<String, usize>)> = None;
    let mut tree = Tree::default();
    let mut seen_files: BTreeMap<String, Seen> = BTreeMap::new();
    // metadata.json's own size and checksum, for the manifest's entry.
    let mut metadata_seen: Option<Seen> = None;
    let mut dirs: Vec<(String, u32)> = Vec::new();
    let mut entry_components: HashSet<&'static str> = HashSet::new();
    let selected = |comp: &str| {
        opts.components
            .is_none_or(|cs| cs.iter().any(|c| c.name() == comp))
    };

    let entries = ar
        .entries()
        .map_err(|e| stream_error(archive, "at the start", e))?;
    for entry in entries {
        crate::interrupt::check()?;
        let mut entry = entry.map_err(|e| stream_error(archive, "reading an entry header", e))?;
        let kind = entry.header().entry_type();
        let raw = entry.path_bytes().into_owned();
        let Some((name, path)) = entry_name(archive, &raw, kind)? else {
            continue; // `./`, the archive root
        };
        let name = name.as_str();
        check_tree(archive, name, &path, !kind.is_dir(), &mut tree, &seen_files)?;
        let comp = if path == METADATA || path == MANIFEST {
            None
        } else {
            component_of(&path).ok().flatten()
        };
        if let Some(c) = comp {
            entry_components.insert(c);
        }
        if kind.is_dir() {
            dirs.push(directory_entry(archive, &path, entry.header())?);
            continue;
        }
        check_file_kind(archive, &path, kind)?;
        let size = entry.size();
        if path == METADATA || path == MANIFEST {
            let bytes = read_json(archive, &mut entry, &path, size)?;
            if path == METADATA {
                let (m, seen) = parse_metadata(archive, &bytes)?;
                metadata_seen = Some(seen);
                metadata = Some(m);
            } else {
                let m = parse_manifest(archive, &bytes, &seen_files)?;
                let allowed = count
                    .get()
                    .saturating_add(m.total_size())
                    .saturating_add(OVERHEAD_PER_FILE * m.files.len() as u64)
                    .saturating_add(OVERHEAD_SLACK);
                limit.set(limit.get().min(allowed));
                check_room(opts.extract_to, &m, &selected, staging.budget.as_ref())?;
                let index = m
                    .files
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (f.path.clone(), i))
                    .collect();
                manifest = Some((m, index));
            }
            continue;
        }

        // A component file: never a component's root itself (`state`,
        // `logs`, `logs/audit`, `database` are directories).
        let Some(comp) =
            comp.filter(|c| Component::from_name(c).is_none_or(|k| k.prefix() != path))
        else {
            return Err(integrity(
                archive,
                format!("entry {path:?} is a file where a component directory belongs"),
            ));
        };
        check_listed(archive, manifest.as_ref(), &path, size)?;
        let dest_dir = opts.extract_to.filter(|_| selected(comp));
        let checksum = copy_entry(archive, &mut entry, &path, size, dest_dir, &mut staging)?;
        if let Some((m, _)) = &manifest {
            check_against(archive, m, &path, size, Some(&checksum))?;
        }
        seen_files.insert(path, Seen { size, checksum });
    }
    // Past the end-of-archive blocks: the rest must decompress cleanly (the
    // gzip trailer's CRC catches truncation and corruption) and stay small.
    let mut rest = ar.into_inner();
    std::io::copy(&mut rest, &mut std::io::sink())
        .map_err(|e| stream_error(archive, "after the last entry", e))?;

    let Complete {
        metadata,
        manifest,
        metadata_listed,
        components,
    } = check_complete(
        archive,
        metadata,
        manifest.map(|(m, _)| m),
        metadata_seen.as_ref(),
        &seen_files,
        &entry_components,
    )?;
    if let Some(dir) = opts.extract_to {
        finish_extraction(dir, &manifest, &dirs, &selected)?;
    }
    Ok(Verified {
        path: archive.to_path_buf(),
        metadata,
        files: manifest.files.len(),
        bytes: manifest.total_size(),
        manifest,
        components,
        compressed_size,
        duration_ms: started.elapsed().as_millis() as u64,
        dirs,
        metadata_listed,
    })
}

/// metadata.json and manifest.json read from the start of an archive, where
/// `backup create` writes them (docs/format.md): what a restore plans from
/// before it reads the rest, so the archive is read once. Nothing here is
/// trusted: the full verification reads the same documents again in its one
/// pass and the restore refuses when they differ from these.
#[derive(Debug, Clone)]
pub struct Head {
    pub metadata: Metadata,
    /// Without metadata.json's own entry, like [`Verified::manifest`].
    pub manifest: Manifest,
    /// metadata.json's components, in §4 order.
    pub components: Vec<Component>,
}

/// Entries looked at for the head: the two documents, maybe after the
/// archive root `./`.
const HEAD_ENTRIES: usize = 4;

/// The archive's [`Head`]. None when the two documents are not its first
/// entries, do not parse or pass their checks, or metadata.json names no
/// components (an archive assembled by hand): a restore then plans from the
/// verified archive instead, and a broken archive is reported by the
/// verification with its exact fault.
pub fn read_head(archive: &Path) -> Option<Head> {
    let mut ar = super::open_head(archive).ok()?;
    let mut metadata: Option<Metadata> = None;
    let mut manifest: Option<Manifest> = None;
    for entry in ar.entries().ok()?.take(HEAD_ENTRIES) {
        let mut entry = entry.ok()?;
        let raw = entry.path_bytes().into_owned();
        let name = std::str::from_utf8(&raw).ok()?;
        let Some(path) = normalise_entry_name(name) else {
            continue;
        };
        let kind = entry.header().entry_type();
        if !matches!(kind, tar::EntryType::Regular | tar::EntryType::Continuous) {
            return None;
        }
        let size = entry.size();
        if size > MAX_JSON {
            return None;
        }
        let mut bytes = Vec::with_capacity(size as usize);
        (&mut entry).take(MAX_JSON).read_to_end(&mut bytes).ok()?;
        match path {
            METADATA if metadata.is_none() => {
                let m: Metadata = serde_json::from_slice(&bytes).ok()?;
                m.check().ok()?;
                metadata = Some(m);
            }
            MANIFEST if manifest.is_none() => {
                let m: Manifest = serde_json::from_slice(&bytes).ok()?;
                m.check().ok()?;
                manifest = Some(m);
            }
            _ => return None,
        }
        if metadata.is_some() && manifest.is_some() {
            break;
        }
    }
    let (metadata, mut manifest) = (metadata?, manifest?);
    manifest.files.retain(|f| f.path != METADATA);
    let components = super::ordered(metadata.components.as_deref()?);
    Some(Head {
        metadata,
        manifest,
        components,
    })
}

/// Opens the archive, checking it is a non-empty gzip file; returns it
/// (from its start) and its size.
fn open_gzip(archive: &Path) -> Result<(File, u64)> {
    let file = crate::fsutil::open_regular(archive).map_err(|e| {
        Error::failed(format!("cannot open {}", archive.display()))
            .with_source(e)
            .hint("check the path; `talos backup list` shows the backups")
    })?;
    let compressed_size = file.metadata()?.len();
    if compressed_size == 0 {
        return Err(integrity(
            archive,
            "the file is empty (0 bytes), not a backup",
        ));
    }
    let mut magic = [0u8; 2];
    {
        let mut f = &file;
        let n = f.read(&mut magic)?;
        if n < 2 || magic != [0x1f, 0x8b] {
            return Err(integrity(
                archive,
                "not a gzip file (a backup is a .tar.gz)",
            ));
        }
    }
    let file = crate::fsutil::open_regular(archive)?;
    Ok((file, compressed_size))
}

/// Paths seen so far, to refuse duplicates and a path that is both a file
/// and a directory.
#[derive(Default)]
struct Tree {
    seen_paths: HashSet<String>,
    ancestors: HashSet<String>,
}

/// The rules an entry's place in the tree must follow: a relative path
/// (docs/format.md), seen once, never both a file and a directory.
fn check_tree(
    archive: &Path,
    name: &str,
    path: &str,
    is_file_entry: bool,
    tree: &mut Tree,
    seen_files: &BTreeMap<String, Seen>,
) -> Result<()> {
    if name.starts_with('/') {
        return Err(integrity(archive, format!("entry {name:?}: absolute path")));
    }
    check_entry_path(path, true).map_err(|e| integrity(archive, format!("entry {name:?}: {e}")))?;
    if !tree.seen_paths.insert(path.to_string()) {
        return Err(integrity(archive, format!("entry {path:?} appears twice")));
    }
    // A path cannot be both a file and a directory.
    if is_file_entry && tree.ancestors.contains(path) {
        return Err(integrity(
            archive,
            format!("entry {path:?} is a file but other entries use it as a directory"),
        ));
    }
    let mut cut = path;
    while let Some((parent, _)) = cut.rsplit_once('/') {
        if seen_files.contains_key(parent) {
            return Err(integrity(
                archive,
                format!("entry {path:?} is inside {parent:?}, which is a file"),
            ));
        }
        tree.ancestors.insert(parent.to_string());
        cut = parent;
    }
    Ok(())
}

/// What extraction into staging keeps across entries: the space budget,
/// the bytes written so far, the copy buffer.
struct Staging {
    budget: Option<Budget>,
    written: u64,
    buf: Vec<u8>,
}

/// Reads one component file to its end, hashing it and, with `dest_dir`,
/// writing it under that directory (never through a link, synced, within
/// the staging budget). Returns its sha256; a short entry is a truncated
/// archive.
fn copy_entry(
    archive: &Path,
    entry: &mut impl Read,
    path: &str,
    size: u64,
    dest_dir: Option<&Path>,
    staging: &mut Staging,
) -> Result<String> {
    let mut out: Option<(File, PathBuf)> = None;
    if let Some(dir) = dest_dir {
        let dest = dir.join(path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(nix::libc::O_NOFOLLOW)
            .mode(crate::install::SECRET_FILE_MODE)
            .open(&dest)
            .with_context(|| format!("cannot create {}", dest.display()))?;
        out = Some((f, dest));
    }
    let mut h = Sha256::new();
    let mut n = 0u64;
    loop {
        let k = entry
            .read(&mut staging.buf)
            .map_err(|e| stream_error(archive, &format!("in {path}"), e))?;
        if k == 0 {
            break;
        }
        h.update(&staging.buf[..k]);
        n += k as u64;
        if let (Some((f, dest)), Some(dir)) = (&mut out, dest_dir) {
            staging.written += k as u64;
            if let Some(b) = &staging.budget
                && staging.written > b.allowed
            {
                drop(out.take());
                return Err(no_space(dir, b, staging.written));
            }
            f.write_all(&staging.buf[..k])
                .with_context(|| format!("cannot write {}", dest.display()))?;
        }
    }
    if let Some((f, dest)) = &out {
        // Durable before the swap renames it into place.
        f.sync_data()
            .with_context(|| format!("cannot sync {}", dest.display()))?;
    }
    if n != size {
        return Err(integrity(
            archive,
            format!("the archive is truncated inside {path:?} ({n} of {size} bytes)"),
        ));
    }
    Ok(hex(&h.finalize()))
}

/// The archive's own description, checked whole after its last entry.
struct Complete {
    metadata: Metadata,
    manifest: Manifest,
    metadata_listed: bool,
    components: Vec<Component>,
}

/// After the last entry: metadata.json and manifest.json present, every
/// listed file seen with its size and checksum, metadata.json matching its
/// manifest entry when listed, and every component with entries listed in
/// metadata.json. Returns the manifest without metadata.json's entry and
/// the components in archive order.
fn check_complete(
    archive: &Path,
    metadata: Option<Metadata>,
    manifest: Option<Manifest>,
    metadata_seen: Option<&Seen>,
    seen_files: &BTreeMap<String, Seen>,
    entry_components: &HashSet<&'static str>,
) -> Result<Complete> {
    let metadata = metadata.ok_or_else(|| integrity(archive, "metadata.json is missing"))?;
    let manifest = manifest.ok_or_else(|| integrity(archive, "manifest.json is missing"))?;
    // metadata.json: checked like any file when the manifest lists it (as
    // docs/format.md asks and `backup create` writes); an archive whose
    // manifest leaves it out (older talos, or assembled by hand with
    // sha256sum) is still accepted: metadata.json must then parse and pass
    // its own checks, which it did above.
    let metadata_listed = match manifest.metadata_entry() {
        None => false,
        Some(want) => {
            let got =
                metadata_seen.ok_or_else(|| integrity(archive, "metadata.json was not read"))?;
            check_against(archive, &manifest, METADATA, got.size, Some(&got.checksum))
                .map_err(|_| {
                    integrity(
                        archive,
                        format!(
                            "metadata.json does not match its manifest.json entry ({} bytes, sha256 {}; the archive holds {} bytes, sha256 {})",
                            want.size, want.checksum, got.size, got.checksum
                        ),
                    )
                })?;
            true
        }
    };
    let mut manifest = manifest;
    manifest.files.retain(|f| f.path != METADATA);
    for f in &manifest.files {
        if !seen_files.contains_key(&f.path) {
            return Err(integrity(
                archive,
                format!(
                    "{:?} is listed in manifest.json but missing from the archive",
                    f.path
                ),
            ));
        }
    }
    for (p, s) in seen_files {
        check_against(archive, &manifest, p, s.size, Some(&s.checksum))?;
    }
    let components = match &metadata.components {
        Some(cs) => {
            for c in entry_components {
                if !cs.iter().any(|x| x.name() == *c) {
                    return Err(integrity(
                        archive,
                        format!(
                            "the archive holds {c}/ entries but metadata.json's components do not list {c}"
                        ),
                    ));
                }
            }
            super::ordered(cs)
        }
        None => super::ordered(
            &entry_components
                .iter()
                .filter_map(|s| Component::from_name(s))
                .collect::<Vec<_>>(),
        ),
    };
    Ok(Complete {
        metadata,
        manifest,
        metadata_listed,
        components,
    })
}

/// A directory entry: never where a file belongs; its mode never wider
/// than the layout allows (no world-writable directory, no
/// setuid/setgid/sticky bit).
fn directory_entry(archive: &Path, path: &str, header: &tar::Header) -> Result<(String, u32)> {
    if path == METADATA || path == MANIFEST || path == "database/talos.db" {
        return Err(integrity(
            archive,
            format!("{path} is a directory, not a file"),
        ));
    }
    let mode = header.mode().unwrap_or(0o750) & super::max_mode(path, true);
    Ok((path.to_string(), mode))
}

/// A backup holds only directories and regular files.
fn check_file_kind(archive: &Path, path: &str, kind: tar::EntryType) -> Result<()> {
    let what = match kind {
        tar::EntryType::Regular | tar::EntryType::Continuous => return Ok(()),
        tar::EntryType::Symlink => "a symbolic link",
        tar::EntryType::Link => "a hard link",
        tar::EntryType::Char | tar::EntryType::Block => "a device",
        tar::EntryType::Fifo => "a fifo",
        _ => "not a regular file or directory",
    };
    Err(integrity(
        archive,
        format!("entry {path:?} is {what}; a backup holds only directories and regular files"),
    ))
}

/// metadata.json or manifest.json, whole (at most MAX_JSON bytes).
fn read_json(archive: &Path, entry: &mut impl Read, path: &str, size: u64) -> Result<Vec<u8>> {
    if size > MAX_JSON {
        return Err(integrity(
            archive,
            format!("{path} is {size} bytes, too large"),
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    entry
        .take(MAX_JSON)
        .read_to_end(&mut bytes)
        .map_err(|e| stream_error(archive, &format!("in {path}"), e))?;
    Ok(bytes)
}

/// metadata.json, valid, with its own size and checksum (for its manifest
/// entry).
fn parse_metadata(archive: &Path, bytes: &[u8]) -> Result<(Metadata, Seen)> {
    let seen = Seen {
        size: bytes.len() as u64,
        checksum: hex(&Sha256::digest(bytes)),
    };
    let m: Metadata = serde_json::from_slice(bytes)
        .map_err(|e| integrity(archive, format!("metadata.json is not valid: {e}")))?;
    m.check()
        .map_err(|e| integrity(archive, format!("metadata.json: {e}")))?;
    Ok((m, seen))
}

/// manifest.json, valid; the files that came before it must match it.
fn parse_manifest(
    archive: &Path,
    bytes: &[u8],
    seen_files: &BTreeMap<String, Seen>,
) -> Result<Manifest> {
    let m: Manifest = serde_json::from_slice(bytes)
        .map_err(|e| integrity(archive, format!("manifest.json is not valid: {e}")))?;
    m.check()
        .map_err(|e| integrity(archive, format!("manifest.json: {e}")))?;
    for (p, s) in seen_files {
        check_against(archive, &m, p, s.size, Some(&s.checksum))?;
    }
    Ok(m)
}

/// A component file must be in the manifest, with its size, once the
/// manifest has been read (files before it are checked when it comes).
fn check_listed(
    archive: &Path,
    manifest: Option<&(Manifest, HashMap<String, usize>)>,
    path: &str,
    size: u64,
) -> Result<()> {
    if let Some((m, index)) = manifest {
        match index.get(path) {
            None => {
                return Err(integrity(
                    archive,
                    format!("entry {path:?} is not listed in manifest.json"),
                ));
            }
            Some(&i) if m.files[i].size != size => {
                return Err(integrity(
                    archive,
                    format!(
                        "size mismatch for {path:?}: manifest.json says {} bytes, the archive holds {size}",
                        m.files[i].size
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Staging must have room for the selected components' files, as the
/// manifest gives their sizes (docs/backup.md "Disk space").
fn check_room(
    dir: Option<&Path>,
    m: &Manifest,
    selected: &dyn Fn(&str) -> bool,
    budget: Option<&Budget>,
) -> Result<()> {
    let (Some(dir), Some(b)) = (dir, budget) else {
        return Ok(());
    };
    let need: u64 = m
        .files
        .iter()
        .filter(|f| component_of(&f.path).ok().flatten().is_some_and(selected))
        .map(|f| f.size)
        .sum();
    if need > b.allowed {
        return Err(no_space(dir, b, need));
    }
    Ok(())
}

/// An entry's name as given and as a normalised relative path; None for
/// the archive root (`./`). A name that is not UTF-8 or has no usable path
/// is refused.
fn entry_name(
    archive: &Path,
    raw: &[u8],
    kind: tar::EntryType,
) -> Result<Option<(String, String)>> {
    let Ok(name) = std::str::from_utf8(raw) else {
        return Err(integrity(
            archive,
            format!(
                "entry {:?} has a name that is not UTF-8",
                String::from_utf8_lossy(raw)
            ),
        ));
    };
    let Some(path) = normalise_entry_name(name) else {
        if kind.is_dir() {
            return Ok(None);
        }
        return Err(integrity(
            archive,
            format!("entry {name:?} has no usable name"),
        ));
    };
    Ok(Some((name.to_string(), path.to_string())))
}

/// Free space on the staging file system, and how much of it staging may
/// use: everything but a margin of 5 % of the file system, at least 1 MiB
/// and at most 256 MiB, so a restore never fills the disk that holds the
/// database.
struct Budget {
    free: u64,
    margin: u64,
    allowed: u64,
}

fn staging_budget(dir: &Path) -> Option<Budget> {
    let st = nix::sys::statvfs::statvfs(dir).ok()?;
    let frag = st.fragment_size() as u64;
    let free = st.blocks_available() as u64 * frag;
    let total = st.blocks() as u64 * frag;
    let margin = (total / 20).clamp(1024 * 1024, 256 * 1024 * 1024);
    Some(Budget {
        free,
        margin,
        allowed: free.saturating_sub(margin),
    })
}

fn no_space(dir: &Path, b: &Budget, need: u64) -> Error {
    Error::integrity(format!(
        "not enough disk space to stage the archive: it needs at least {}, and {} of the {} free on the file system of {} may be used (a margin of {} is kept free)",
        crate::units::human_bytes(need),
        crate::units::human_bytes(b.allowed),
        crate::units::human_bytes(b.free),
        dir.display(),
        crate::units::human_bytes(b.margin)
    ))
    .hint("nothing was changed; free space (`talos log prune --dry-run`), or restore fewer components with --partial")
}

fn check_against(
    archive: &Path,
    m: &Manifest,
    path: &str,
    size: u64,
    checksum: Option<&str>,
) -> Result<()> {
    let Some(f) = m.files.iter().find(|f| f.path == path) else {
        return Err(integrity(
            archive,
            format!("entry {path:?} is not listed in manifest.json"),
        ));
    };
    if f.size != size {
        return Err(integrity(
            archive,
            format!(
                "size mismatch for {path:?}: manifest.json says {} bytes, the archive holds {size}",
                f.size
            ),
        ));
    }
    if let Some(c) = checksum
        && c != f.checksum
    {
        return Err(integrity(
            archive,
            format!(
                "checksum mismatch for {path:?}: manifest.json says {}, the content hashes to {c}",
                f.checksum
            ),
        ));
    }
    Ok(())
}

/// Gives extracted files their manifest modes and directories theirs, makes
/// component roots that had no directory entry, and syncs it all to disk.
fn finish_extraction(
    dir: &Path,
    manifest: &Manifest,
    dirs: &[(String, u32)],
    selected: &dyn Fn(&str) -> bool,
) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let set = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot set the mode of {}", p.display()))
    };
    for f in &manifest.files {
        let ManifestFile { path, .. } = f;
        if component_of(path).ok().flatten().is_some_and(selected) {
            set(&dir.join(path), f.mode_bits())?;
        }
    }
    // Every selected component has a root in staging, even when empty.
    for c in Component::ALL {
        if selected(c.name()) {
            let root = dir.join(c.prefix());
            if !root.exists() {
                std::fs::create_dir_all(&root)
                    .with_context(|| format!("cannot create {}", root.display()))?;
            }
        }
    }
    // Deepest first, so a read-only directory does not block its children.
    let mut ds: Vec<&(String, u32)> = dirs
        .iter()
        .filter(|(p, _)| component_of(p).ok().flatten().is_some_and(selected))
        .collect();
    ds.sort_by_key(|(p, _)| std::cmp::Reverse(p.matches('/').count()));
    for (p, mode) in ds {
        let d = dir.join(p);
        std::fs::create_dir_all(&d).with_context(|| format!("cannot create {}", d.display()))?;
        // Keep the owner able to rename and remove what is inside.
        set(&d, mode | 0o700)?;
    }
    // Files were synced as they were written; now every directory entry.
    // (Not syncfs: that would flush every other writer on the file system.)
    sync_dirs(dir)
}

fn sync_dirs(dir: &Path) -> Result<()> {
    for e in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let e = e?;
        if e.file_type()?.is_dir() {
            sync_dirs(&e.path())?;
        }
    }
    crate::fsutil::sync_dir(dir)
}
