//! The one model of a Tier 2/3 log file, and the one way to find them.
//!
//! Every reader of LOG_DIR (log query/trace/stats/follow/prune, doctor's
//! log checks, incident, status, repair) lists files with [`tier_files`]
//! and gets [`LogFile`] values: the tier and rotation read from the name
//! (docs/format.md, "Tier 2 and Tier 3 logs"), whether the content is gzip
//! read from its first two bytes (a hostile or careless rotation may be
//! misnamed either way), and the size. A link planted in LOG_DIR is not a
//! log file of the installation and is never listed, nor followed.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Which log a file holds. JSON spells it `ops` / `debug` (the `tier` of
/// `log prune --json`, docs/format.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Tier 2, `orchestrator.log*`.
    Ops,
    /// Tier 3, `debug.log*`.
    Debug,
}

impl Tier {
    /// Tier 2 before Tier 3.
    pub const ALL: [Tier; 2] = [Tier::Ops, Tier::Debug];

    /// The name of the current file.
    pub const fn base_name(self) -> &'static str {
        match self {
            Tier::Ops => "orchestrator.log",
            Tier::Debug => "debug.log",
        }
    }

    /// The rotation a file name stands for in this tier: `orchestrator.log`
    /// → 0 (the current file), `orchestrator.log.3` and
    /// `orchestrator.log.3.gz` → 3; anything else (`orchestrator.log.tmp`,
    /// `orchestrator.log.0`, `orchestrator.log.1.gz.part`) → None.
    pub fn rotation_of(self, name: &str) -> Option<u32> {
        let rest = name.strip_prefix(self.base_name())?;
        if rest.is_empty() {
            return Some(0);
        }
        let digits = rest.strip_prefix('.')?;
        let digits = digits.strip_suffix(".gz").unwrap_or(digits);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().filter(|&n| n > 0)
    }

    /// The tier and rotation of a file name, if it is a Tier 2/3 name.
    pub fn classify(name: &str) -> Option<(Tier, u32)> {
        Tier::ALL
            .into_iter()
            .find_map(|t| t.rotation_of(name).map(|r| (t, r)))
    }
}

/// How a file came to be read: listed by [`tier_files`], or named by the
/// operator. It decides how the file is opened ([`LogFile::open`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Found in LOG_DIR: a file of the installation, which anyone who can
    /// write there may have swapped since it was listed. Never read through
    /// a link, and only while it is a regular file.
    Discovered,
    /// Named on the command line: opened as named, a link included (the
    /// operator may name one on purpose).
    Named,
}

impl Origin {
    /// Opens the file at `path` to read it. A named file is opened as
    /// named. A discovered file is opened without following a link
    /// (`O_NOFOLLOW`) nor waiting on a FIFO (`O_NONBLOCK`, which changes
    /// nothing for a regular file), and the file opened must be a regular
    /// file (the descriptor's own metadata): one swapped for anything else
    /// since it was listed is refused with an error that says so, and never
    /// read.
    pub fn open(self, path: &Path) -> std::io::Result<std::fs::File> {
        if self == Origin::Named {
            return std::fs::File::open(path);
        }
        let f = crate::fsutil::open_nofollow(path).map_err(|e| {
            if e.raw_os_error() == Some(nix::libc::ELOOP) {
                swapped("a link")
            } else {
                e
            }
        })?;
        if !f.metadata()?.is_file() {
            return Err(swapped("something that is not a regular file"));
        }
        Ok(f)
    }

    /// The metadata of the file at `path` by the rule of [`Origin::open`]:
    /// a discovered file's own (a link is not followed), and only while it
    /// is a regular file; a named file's as named.
    pub fn metadata(self, path: &Path) -> std::io::Result<std::fs::Metadata> {
        if self == Origin::Named {
            return std::fs::metadata(path);
        }
        let m = std::fs::symlink_metadata(path)?;
        if m.file_type().is_symlink() {
            return Err(swapped("a link"));
        }
        if !m.is_file() {
            return Err(swapped("something that is not a regular file"));
        }
        Ok(m)
    }
}

/// One log file: found in LOG_DIR, or named by the operator.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LogFile {
    pub path: PathBuf,
    /// Listed by talos or named by the operator.
    #[serde(skip)]
    pub origin: Origin,
    /// None for a file named on the command line that is not a Tier 2/3 name
    /// (`panic.log`, a copy elsewhere).
    pub tier: Option<Tier>,
    /// 0 for the current file (or a file that is no rotation), n for `.n`
    /// and `.n.gz` (1 is the newest rotation).
    pub rotation: u32,
    /// The content starts with the gzip magic, whatever the name says.
    pub gzip: bool,
    /// Bytes on disk when the file was listed.
    pub size: u64,
}

impl LogFile {
    /// A file named by the operator (a link to a log is fine here: the
    /// operator chose it); tier and rotation read from its name. A file that
    /// cannot be opened is still returned (as plain, size 0): reading it
    /// later reports why.
    pub fn named(path: impl Into<PathBuf>) -> LogFile {
        let path = path.into();
        let (tier, rotation) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(Tier::classify)
            .map_or((None, 0), |(t, r)| (Some(t), r));
        let (gzip, size) = crate::fsutil::open_regular(&path)
            .and_then(|mut f| sniff(&mut f))
            .unwrap_or((false, 0));
        LogFile {
            path,
            origin: Origin::Named,
            tier,
            rotation,
            gzip,
            size,
        }
    }

    /// Opens the file to read it ([`Origin::open`]): the one open of every
    /// search and of `--follow`.
    pub fn open(&self) -> std::io::Result<std::fs::File> {
        self.origin.open(&self.path)
    }

    /// The file's metadata by the same rule ([`Origin::metadata`]).
    pub fn metadata(&self) -> std::io::Result<std::fs::Metadata> {
        self.origin.metadata(&self.path)
    }

    /// The current file of its tier (not a rotation).
    pub fn is_current(&self) -> bool {
        self.rotation == 0
    }

    /// The name ends in `.gz` (whatever the content is).
    fn gz_name(&self) -> bool {
        self.path.extension().is_some_and(|e| e == "gz")
    }
}

/// A discovered file found to be `what` when it was to be read.
fn swapped(what: &str) -> std::io::Error {
    std::io::Error::other(format!(
        "replaced by {what} since it was listed: not followed, skipped"
    ))
}

/// True when the file at `path` starts with the gzip magic (`1f 8b`).
pub fn is_gzip(path: &Path) -> std::io::Result<bool> {
    let mut f = crate::fsutil::open_regular(path)?;
    sniff(&mut f).map(|(gzip, _)| gzip)
}

/// Whether gzip bytes start a reader's content, without consuming them.
pub fn starts_gzip(reader: &mut dyn std::io::BufRead) -> std::io::Result<bool> {
    let head = loop {
        match reader.fill_buf() {
            Ok(b) => break b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    };
    // A buffer of one byte at a time is not something std or flate2 hand
    // out; two bytes are there when the file has them.
    Ok(head.starts_with(&GZIP_MAGIC))
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// (gzip magic present, size) of an open file.
fn sniff(f: &mut std::fs::File) -> std::io::Result<(bool, u64)> {
    let size = f.metadata()?.len();
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match f.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok((got == 2 && magic == GZIP_MAGIC, size))
}

/// Every file of `tier` in `log_dir`, newest first: the current file, then
/// `.1`, `.2`, ... (when both `.n` and `.n.gz` exist, a compression in
/// progress, both are listed, the plain one first). Only regular files:
/// links, directories and other names are left out, and a file is opened
/// without following a link, so one swapped in for a link meanwhile is
/// left out too. A file that cannot be opened (permissions) is listed all
/// the same, so that its readers can say so; its `gzip` then follows its
/// name. A missing `log_dir` is an error of kind NotFound.
pub fn tier_files(log_dir: &Path, tier: Tier) -> std::io::Result<Vec<LogFile>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(log_dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Some(rotation) = tier.rotation_of(&name) else {
            continue;
        };
        // The entry's own type: a link is not followed.
        if !entry.file_type()?.is_file() {
            continue;
        }
        let path = entry.path();
        let opened = crate::fsutil::open_nofollow(&path);
        let (gzip, size) = match opened {
            Ok(mut f) => {
                if !f.metadata()?.is_file() {
                    continue;
                }
                match sniff(&mut f) {
                    Ok(s) => s,
                    Err(_) => (name.ends_with(".gz"), entry.metadata()?.len()),
                }
            }
            // Replaced by a link since the listing.
            Err(e) if e.raw_os_error() == Some(nix::libc::ELOOP) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(_) => match entry.metadata() {
                Ok(m) if m.is_file() => (name.ends_with(".gz"), m.len()),
                _ => continue,
            },
        };
        out.push(LogFile {
            path,
            origin: Origin::Discovered,
            tier: Some(tier),
            rotation,
            gzip,
            size,
        });
    }
    out.sort_by(|a, b| {
        a.rotation
            .cmp(&b.rotation)
            .then_with(|| a.gz_name().cmp(&b.gz_name()))
            .then_with(|| a.path.cmp(&b.path))
    });
    Ok(out)
}

/// The Tier 2 and Tier 3 files of `log_dir` in the order a search reads
/// them: Tier 2 before Tier 3, and within a tier the oldest rotation first
/// and the current file last, so that at equal timestamps the merge keeps
/// the order in which the lines were written. When both `.n` and `.n.gz`
/// exist (a compression in progress), the plain file is taken: the `.gz`
/// may still be incomplete.
pub fn search_order(log_dir: &Path) -> std::io::Result<Vec<LogFile>> {
    let mut out = Vec::new();
    for tier in Tier::ALL {
        let mut files = tier_files(log_dir, tier)?;
        // Sorted plain before `.gz` within a rotation: the plain one stays.
        files.dedup_by_key(|f| f.rotation);
        files.reverse();
        out.append(&mut files);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, bytes).unwrap();
        enc.finish().unwrap()
    }

    fn names(files: &[LogFile]) -> Vec<String> {
        files
            .iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn rotations_newest_first_and_exclusions() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "orchestrator.log",
            "orchestrator.log.1",
            "orchestrator.log.2.gz",
            "orchestrator.log.10.gz",
            "orchestrator.log.3",
            "orchestrator.log.3.gz",
            "orchestrator.log.0",
            "debug.log",
            "debug.log.1.gz",
            "panic.log",
            "restore.log",
            "block_events.log",
            "orchestrator.log.tmp",
            "orchestrator.log.1.gz.part",
            "orchestrator.log.",
            "orchestrator.log.corrupt",
        ] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        std::fs::create_dir(dir.path().join("audit")).unwrap();
        std::fs::create_dir(dir.path().join("orchestrator.log.4")).unwrap();
        let ops = tier_files(dir.path(), Tier::Ops).unwrap();
        assert_eq!(
            names(&ops),
            [
                "orchestrator.log",
                "orchestrator.log.1",
                "orchestrator.log.2.gz",
                "orchestrator.log.3",
                "orchestrator.log.3.gz",
                "orchestrator.log.10.gz",
            ]
        );
        assert_eq!(
            ops.iter().map(|f| f.rotation).collect::<Vec<_>>(),
            [0, 1, 2, 3, 3, 10]
        );
        assert!(ops.iter().all(|f| f.tier == Some(Tier::Ops)));
        assert_eq!(
            names(&search_order(dir.path()).unwrap()),
            [
                "orchestrator.log.10.gz",
                "orchestrator.log.3",
                "orchestrator.log.2.gz",
                "orchestrator.log.1",
                "orchestrator.log",
                "debug.log.1.gz",
                "debug.log",
            ]
        );
    }

    #[test]
    fn gzip_is_read_from_the_content_not_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let line = b"{\"timestamp\":\"2024-01-15T08:00:00Z\"}\n";
        // Compressed without the suffix, plain with it, and honest ones.
        std::fs::write(dir.path().join("orchestrator.log.1"), gz(line)).unwrap();
        std::fs::write(dir.path().join("orchestrator.log.2.gz"), line).unwrap();
        std::fs::write(dir.path().join("orchestrator.log.3.gz"), gz(line)).unwrap();
        std::fs::write(dir.path().join("orchestrator.log"), line).unwrap();
        std::fs::write(dir.path().join("debug.log"), b"\x1f").unwrap();
        let got: Vec<(u32, bool)> = tier_files(dir.path(), Tier::Ops)
            .unwrap()
            .iter()
            .map(|f| (f.rotation, f.gzip))
            .collect();
        assert_eq!(got, [(0, false), (1, true), (2, false), (3, true)]);
        let debug = tier_files(dir.path(), Tier::Debug).unwrap();
        assert_eq!((debug[0].gzip, debug[0].size), (false, 1));
        let named = LogFile::named(dir.path().join("orchestrator.log.1"));
        assert_eq!(
            (named.tier, named.rotation, named.gzip),
            (Some(Tier::Ops), 1, true)
        );
        assert!(!is_gzip(&dir.path().join("orchestrator.log.2.gz")).unwrap());
    }

    #[test]
    fn a_link_planted_in_the_log_dir_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret");
        std::fs::write(&secret, b"{\"message\":\"not a log\"}\n").unwrap();
        std::fs::write(dir.path().join("orchestrator.log"), b"").unwrap();
        std::os::unix::fs::symlink(&secret, dir.path().join("orchestrator.log.1")).unwrap();
        std::os::unix::fs::symlink(&secret, dir.path().join("debug.log")).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("debug.log.1")).unwrap();
        assert_eq!(
            names(&tier_files(dir.path(), Tier::Ops).unwrap()),
            ["orchestrator.log"]
        );
        assert!(tier_files(dir.path(), Tier::Debug).unwrap().is_empty());
        assert_eq!(
            names(&search_order(dir.path()).unwrap()),
            ["orchestrator.log"]
        );
    }

    #[test]
    fn a_missing_directory_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let err = tier_files(&dir.path().join("nope"), Tier::Ops).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    }

    #[test]
    fn named_files_are_classified() {
        let f = LogFile::named("/nonexistent/debug.log.4.gz");
        assert_eq!((f.tier, f.rotation), (Some(Tier::Debug), 4));
        let f = LogFile::named("/nonexistent/panic.log");
        assert_eq!((f.tier, f.rotation, f.is_current()), (None, 0, true));
        assert_eq!(Tier::classify("debug.log"), Some((Tier::Debug, 0)));
        assert_eq!(
            Tier::classify("orchestrator.log.12.gz"),
            Some((Tier::Ops, 12))
        );
        assert_eq!(Tier::classify("orchestrator.log."), None);
        assert_eq!(Tier::classify("orchestrator.log.0"), None);
    }

    #[test]
    fn the_sandbox_writes_what_discovery_finds() {
        use crate::sandbox::logs::{TIER2_FILES, TIER3_FILE};
        let got: Vec<_> = TIER2_FILES.iter().map(|n| Tier::classify(n)).collect();
        assert_eq!(
            got,
            [
                Some((Tier::Ops, 2)),
                Some((Tier::Ops, 1)),
                Some((Tier::Ops, 0))
            ]
        );
        assert_eq!(Tier::classify(TIER3_FILE), Some((Tier::Debug, 0)));
    }

    #[test]
    fn tier_serialises_as_documented() {
        assert_eq!(serde_json::to_string(&Tier::Ops).unwrap(), "\"ops\"");
        assert_eq!(serde_json::to_string(&Tier::Debug).unwrap(), "\"debug\"");
        assert_eq!(format!("{:?}", Tier::Ops), "Ops");
    }
}
