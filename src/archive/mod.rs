//! The backup archive of docs/format.md: its formats (`metadata.json`,
//! `manifest.json`), the rules an entry path must follow, and the mapping
//! between archive components and installation directories. Writing lives in
//! `create`, verification in `read`, the restore plan in `plan`, the swap and
//! its crash journal in `restore` and `journal`.

pub mod backup;
pub mod create;
pub mod drill;
pub mod journal;
pub mod pgzip;
pub mod plan;
pub mod read;
pub mod restore;
pub mod sample;
pub mod validate;

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::audit::record::hex;
use crate::error::{Error, Result};
use crate::install::{COMPONENTS, Component, Layout};

pub const BACKUP_VERSION: &str = "4.0";
pub const METADATA: &str = "metadata.json";
pub const MANIFEST: &str = "manifest.json";

/// `backup_YYYYMMDD_HHMMSS.tar.gz`.
pub fn backup_file_name(ts: jiff::Timestamp) -> String {
    ts.to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("backup_%Y%m%d_%H%M%S.tar.gz")
        .to_string()
}

/// The timestamp a backup's file name holds, if it is one of ours.
pub fn parse_backup_file_name(name: &str) -> Option<jiff::Timestamp> {
    let stamp = name.strip_prefix("backup_")?.strip_suffix(".tar.gz")?;
    if stamp.len() != 15 {
        return None;
    }
    let dt = jiff::civil::DateTime::strptime("%Y%m%d_%H%M%S", stamp).ok()?;
    dt.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// The backups in `dir`, newest first, each with the time its name holds:
/// `backup_YYYYMMDD_HHMMSS.tar.gz`, and `….tar.gz.age` when encrypted. This
/// is THE listing: `backup list`, pruning (`backup.keep`), doctor, status,
/// the audit anchors, `repair config` and the completions all use it.
///
/// The time in the name orders backups (docs/format.md, "The backup
/// archive"), never the file's mtime: it is the UTC time `backup create`
/// took the backup, and it survives `cp`, `rsync` and downloads from a
/// repository, which give a file a new mtime. Equal times (a backup and its
/// encrypted copy) order by path. Entries that are not regular files
/// (symbolic links, directories) and other names are left out. A missing
/// directory has no backups; one that cannot be read is an error.
pub fn list_backups(dir: &Path) -> Result<Vec<(jiff::Timestamp, PathBuf)>> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::from(e).hint(format!("cannot read {}", dir.display()))),
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(ts) = parse_backup_file_name(name.strip_suffix(".age").unwrap_or(name))
            && e.file_type().is_ok_and(|t| t.is_file())
        {
            out.push((ts, e.path()));
        }
    }
    out.sort_by(|a, b| b.cmp(a));
    Ok(out)
}

/// The newest backup in `dir` ([`list_backups`]); none when the directory
/// is missing or cannot be read.
pub fn newest_backup(dir: &Path) -> Option<(jiff::Timestamp, PathBuf)> {
    list_backups(dir).ok()?.into_iter().next()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditHead {
    pub seq: u64,
    pub hash: String,
}

/// `metadata.json`. Only `backup_version` and `created_at` are required on
/// reading, so an archive assembled by hand (GNU tar and sha256sum) restores.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Metadata {
    pub backup_version: String,
    pub created_at: String,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub hostname: Option<String>,
    #[serde(default)]
    pub talos_version: Option<String>,
    #[serde(default)]
    pub backup_type: Option<String>,
    /// Typed on reading: an unknown name makes metadata.json invalid.
    #[serde(default)]
    pub components: Option<Vec<Component>>,
    #[serde(default)]
    pub compressed: Option<bool>,
    #[serde(default)]
    pub encryption: Option<serde_json::Value>,
    #[serde(default)]
    pub checksum_algorithm: Option<String>,
    #[serde(default)]
    pub audit_head: Option<AuditHead>,
}

impl Metadata {
    /// Checks what a restore relies on; the error names the field.
    pub fn check(&self) -> std::result::Result<(), String> {
        if !self.backup_version.starts_with("4.") {
            return Err(format!(
                "backup_version is {:?}; this talos reads version 4.x archives",
                self.backup_version
            ));
        }
        if let Some(a) = &self.checksum_algorithm
            && a != "sha256"
        {
            return Err(format!("checksum_algorithm is {a:?}, only sha256 is known"));
        }
        if let Some(t) = &self.backup_type
            && t != "full"
            && t != "partial"
        {
            return Err(format!("backup_type is {t:?}, must be full or partial"));
        }
        // "age": the archive file was encrypted with age around this inner
        // .tar.gz; what is read here is the decrypted inner archive.
        if let Some(e) = &self.encryption
            && !e.is_null()
            && e.as_str() != Some("age")
        {
            return Err(format!(
                "encryption is {e}; this talos knows only null and \"age\""
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ManifestFile {
    pub path: String,
    pub checksum: String,
    pub size: u64,
    pub mode: String,
}

impl ManifestFile {
    /// The mode a restore gives the file: the manifest's, clamped to what the
    /// layout allows for its path (`max_mode`), so an archive never widens a
    /// mode.
    pub fn mode_bits(&self) -> u32 {
        u32::from_str_radix(&self.mode, 8).unwrap_or(crate::install::SECRET_FILE_MODE)
            & max_mode(&self.path, false)
    }
}

/// The widest mode the layout allows for an archive path (docs/backup.md
/// "Modes"): secrets, keys, the database and config.yaml (and its backups)
/// 0600; the private directories (secrets, state, sessions, the database
/// directory) 0700; nothing else world-writable; never setuid, setgid or
/// sticky. A restore applies `mode & max_mode`.
pub fn max_mode(path: &str, is_dir: bool) -> u32 {
    let under = |dir: &str| path == dir || path.starts_with(&format!("{dir}/"));
    if is_dir {
        if under("config/secrets")
            || path == "state"
            || path == "state/sessions"
            || path == "database"
        {
            0o700
        } else {
            0o775
        }
    } else if path == "config/config.yaml"
        || path.starts_with("config/config.yaml.backup")
        || under("config/secrets")
        || path == "database/talos.db"
        || path == "ssl/key.pem"
    {
        crate::install::SECRET_FILE_MODE
    } else {
        0o775
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub algorithm: String,
    pub files: Vec<ManifestFile>,
}

impl Manifest {
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.algorithm != "sha256" {
            return Err(format!(
                "algorithm is {:?}, only sha256 is known",
                self.algorithm
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for f in &self.files {
            // metadata.json is listed like any file (docs/format.md: every
            // regular file except the manifest itself).
            if f.path == MANIFEST {
                return Err(format!("manifest lists {:?}, which it must not", f.path));
            }
            if f.path != METADATA {
                check_entry_path(&f.path, false)
                    .map_err(|e| format!("manifest entry {:?}: {e}", f.path))?;
            }
            if f.checksum.len() != 64
                || !f
                    .checksum
                    .bytes()
                    .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            {
                return Err(format!(
                    "manifest entry {:?}: checksum {:?} is not 64 lowercase hex digits",
                    f.path, f.checksum
                ));
            }
            if u32::from_str_radix(&f.mode, 8).is_err() {
                return Err(format!(
                    "manifest entry {:?}: mode {:?} is not octal",
                    f.path, f.mode
                ));
            }
            if !seen.insert(f.path.as_str()) {
                return Err(format!("manifest lists {:?} twice", f.path));
            }
        }
        Ok(())
    }

    pub fn total_size(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }

    /// The entry for `metadata.json`, when the manifest lists it (archives
    /// written before talos listed it, or assembled by hand, may not).
    pub fn metadata_entry(&self) -> Option<&ManifestFile> {
        self.files.iter().find(|f| f.path == METADATA)
    }
}

/// The component an archive path belongs to, or why it belongs to none.
/// `logs` itself (the parent of `logs/audit`) and `database` hold nothing
/// but their one child.
pub fn component_of(path: &str) -> std::result::Result<Option<&'static str>, String> {
    let first = path.split('/').next().unwrap_or("");
    match first {
        "config" => {
            if path == "config/ssl" || path.starts_with("config/ssl/") {
                return Err("config/ssl belongs to the ssl component (archived as ssl/), not inside config/".into());
            }
            Ok(Some("config"))
        }
        "state" => Ok(Some("state")),
        "custom" => Ok(Some("custom")),
        "ssl" => Ok(Some("ssl")),
        "database" => match path {
            "database" | "database/talos.db" => Ok(Some("database")),
            _ => Err("the database component holds only database/talos.db".into()),
        },
        "logs" => match path {
            "logs" => Ok(None),
            p if p == "logs/audit" || p.starts_with("logs/audit/") => Ok(Some("logs")),
            _ => Err("the logs component holds only logs/audit/".into()),
        },
        _ => Err(format!(
            "{first:?} is not a component ({})",
            COMPONENTS.join(", ")
        )),
    }
}

/// Checks an archive path (already stripped of a leading `./` and trailing
/// `/`): relative, no `..`, `.` or empty segment, inside a component (or one of
/// the two top-level JSON files when `top_level_ok`).
pub fn check_entry_path(path: &str, top_level_ok: bool) -> std::result::Result<(), String> {
    if path.is_empty() {
        return Err("empty path".into());
    }
    if path.starts_with('/') {
        return Err("absolute path".into());
    }
    for seg in path.split('/') {
        match seg {
            ".." => return Err("path contains `..`".into()),
            "." | "" => return Err("path contains an empty or `.` segment".into()),
            _ => {}
        }
        if seg.bytes().any(|b| b == 0 || b < 0x20) {
            return Err("path contains control characters".into());
        }
    }
    if top_level_ok && (path == METADATA || path == MANIFEST) {
        return Ok(());
    }
    component_of(path).map(|_| ())
}

/// Normalises a tar entry name: drops one leading `./` and trailing `/`.
/// Returns None for the archive root itself (`./`).
pub fn normalise_entry_name(name: &str) -> Option<&str> {
    let n = name.strip_prefix("./").unwrap_or(name);
    let n = n.trim_end_matches('/');
    if n.is_empty() || n == "." {
        None
    } else {
        Some(n)
    }
}

/// Where an archive path of `component` lives in an installation.
pub fn install_path(layout: &Layout, archive_path: &str) -> Option<PathBuf> {
    let comp = Component::from_name(component_of(archive_path).ok()??)?;
    let prefix = comp.prefix();
    let rest = archive_path
        .strip_prefix(prefix)?
        .trim_start_matches('/')
        .to_string();
    let base = layout.component_dir(comp);
    Some(if rest.is_empty() {
        base
    } else {
        base.join(rest)
    })
}

/// SHA-256 of a reader, with its length.
pub fn hash_reader(mut r: impl Read) -> std::io::Result<(String, u64)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut n = 0u64;
    loop {
        let k = r.read(&mut buf)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((hex(&h.finalize()), n))
}

pub fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    hash_reader(crate::fsutil::open_regular(path)?)
}

/// The components an archive holds: metadata's list, in §4 order, each once.
pub fn ordered(components: &[Component]) -> Vec<Component> {
    Component::ALL
        .into_iter()
        .filter(|c| components.contains(c))
        .collect()
}

/// Free bytes for an unprivileged writer on the file system holding `path`.
pub fn free_space(path: &Path) -> Option<u64> {
    let st = nix::sys::statvfs::statvfs(path).ok()?;
    Some(st.blocks_available() as u64 * st.fragment_size() as u64)
}

/// Refuses when a path under `root` runs through a symlink: a restore or
/// backup never writes through a link planted in the installation.
pub fn check_no_symlink_ancestors(root: &Path, path: &Path) -> Result<()> {
    let Ok(rel) = path.strip_prefix(root) else {
        return Ok(());
    };
    let mut cur = root.to_path_buf();
    let comps: Vec<_> = rel.components().collect();
    // Every ancestor strictly inside the root, excluding the path itself.
    for c in comps.iter().take(comps.len().saturating_sub(1)) {
        cur.push(c);
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&cur)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                return Err(Error::refused(format!(
                    "{} is a symbolic link (to {target}); talos will not write through it",
                    cur.display()
                ))
                .hint(format!(
                    "replace it with a real directory (or remove it) and run again; the link was not touched: {}",
                    cur.display()
                )));
            }
            Ok(m) if !m.is_dir() => {
                return Err(
                    Error::refused(format!("{} is not a directory", cur.display()))
                        .hint("move it out of the way and run again"),
                );
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_paths() {
        assert!(check_entry_path("config/config.yaml", false).is_ok());
        assert!(check_entry_path("logs/audit/audit-000001.jsonl", false).is_ok());
        assert!(check_entry_path("metadata.json", true).is_ok());
        assert!(check_entry_path("metadata.json", false).is_err());
        for bad in [
            "/etc/passwd",
            "config/../../x",
            "config/./x",
            "etc/x",
            "logs/other",
            "database/talos.db-wal",
            "config/ssl/key.pem",
            "config//x",
        ] {
            assert!(check_entry_path(bad, true).is_err(), "{bad}");
        }
        assert_eq!(normalise_entry_name("./config/"), Some("config"));
        assert_eq!(normalise_entry_name("./"), None);
    }

    #[test]
    fn file_names_round_trip() {
        let ts: jiff::Timestamp = "2024-01-15T08:30:05Z".parse().unwrap();
        let name = backup_file_name(ts);
        assert_eq!(name, "backup_20240115_083005.tar.gz");
        assert_eq!(parse_backup_file_name(&name), Some(ts));
        assert_eq!(parse_backup_file_name("backup_x.tar.gz"), None);
    }

    #[test]
    fn install_paths() {
        let l = Layout::new("/r");
        assert_eq!(
            install_path(&l, "logs/audit/a").unwrap(),
            PathBuf::from("/r/var/log/talos/audit/a")
        );
        assert_eq!(
            install_path(&l, "database/talos.db").unwrap(),
            PathBuf::from("/r/var/lib/talos/db/talos.db")
        );
        assert_eq!(
            install_path(&l, "ssl/cert.pem").unwrap(),
            PathBuf::from("/r/etc/talos/ssl/cert.pem")
        );
        assert!(install_path(&l, "logs").is_none());
    }

    proptest::proptest! {
        /// Whatever a name is made of, an accepted entry lands inside its
        /// component's directory, never above it.
        #[test]
        fn accepted_paths_stay_inside_their_component(
            first in proptest::sample::select(vec!["config", "state", "database", "logs", "custom", "ssl", "etc", "", "."]),
            segs in proptest::collection::vec("[a-z]{1,3}|\\.\\.|\\.|ssl|audit|talos\\.db|", 0..5),
        ) {
            let path = std::iter::once(first.to_string()).chain(segs).collect::<Vec<_>>().join("/");
            if check_entry_path(&path, false).is_ok() {
                let l = Layout::new("/r");
                let comp = component_of(&path).unwrap();
                if let Some(comp) = comp {
                    let ip = install_path(&l, &path).unwrap();
                    let base = l.component_dir_named(comp).unwrap();
                    proptest::prop_assert!(ip.starts_with(&base), "{path} -> {}", ip.display());
                    proptest::prop_assert!(!ip.components().any(|c| c == std::path::Component::ParentDir));
                    if comp == "config" {
                        proptest::prop_assert!(!ip.starts_with(&l.ssl_dir));
                    }
                }
            }
        }
    }
}

/// How much an archive's head may inflate to while looking for
/// `metadata.json` and `manifest.json` (they come first; a manifest of
/// 100,000 files is about 15 MB).
pub const HEAD_EXPANSION_CAP: u64 = 64 * 1024 * 1024;

/// A reader that fails once more than `left` bytes came through, so that
/// no entry (whatever its type) makes a reader inflate without bound.
pub struct ExpansionCap<R> {
    inner: R,
    left: u64,
    cap: u64,
}

impl<R> ExpansionCap<R> {
    pub fn new(inner: R, cap: u64) -> Self {
        ExpansionCap {
            inner,
            left: cap,
            cap,
        }
    }
}

impl<R: std::io::Read> std::io::Read for ExpansionCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // One more byte means the cap is passed, not just reached.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other(format!(
                    "it inflates to more than {}",
                    crate::units::human_bytes(self.cap)
                ))),
            };
        }
        let want = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// The tar stream of a `.tar.gz`, for reading its first entries only: it
/// inflates at most `HEAD_EXPANSION_CAP` bytes.
pub fn open_head(
    path: &std::path::Path,
) -> std::io::Result<
    tar::Archive<ExpansionCap<flate2::read::MultiGzDecoder<std::io::BufReader<std::fs::File>>>>,
> {
    let f = crate::fsutil::open_regular(path)?;
    let gz = flate2::read::MultiGzDecoder::new(std::io::BufReader::new(f));
    Ok(tar::Archive::new(ExpansionCap::new(gz, HEAD_EXPANSION_CAP)))
}

#[cfg(test)]
mod cap_tests {
    use std::io::Read;

    #[test]
    fn the_expansion_cap_fails_past_the_cap_and_not_at_it() {
        let data = vec![7u8; 1000];
        let mut exact = Vec::new();
        super::ExpansionCap::new(&data[..], 1000)
            .read_to_end(&mut exact)
            .unwrap();
        assert_eq!(exact.len(), 1000);
        let mut out = Vec::new();
        let err = super::ExpansionCap::new(&data[..], 999)
            .read_to_end(&mut out)
            .unwrap_err();
        assert!(err.to_string().contains("inflates to more than"));
    }
}
