//! Tier 2 (ops) and Tier 3 (debug) logs: finding the files of LOG_DIR,
//! scanning them fast, and searching, tracing and counting their records.
//!
//! The pieces, bottom up: [`scan`] splits a byte stream into lines without
//! allocating per line; [`record`] reads the fields of one line; [`query`]
//! decides whether a line matches; [`search`] runs all that over many files
//! on every core and hands back the matches merged in time order;
//! [`trace`] and [`stats`] build on it; [`codes`] is docs/runbook.md.

pub mod check;
pub mod codes;
pub mod follow;

pub mod jq;
pub mod query;
pub mod record;
pub mod scan;
pub mod search;
pub mod stats;
pub mod trace;

use std::io::Read;
use std::path::{Path, PathBuf};

pub use query::Query;
pub use record::{Malformed, Record};
pub use scan::MAX_LINE;
pub use search::{Match, SearchOptions, Summary, search};

/// Which log a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Tier {
    /// Tier 2, `orchestrator.log*`.
    Ops,
    /// Tier 3, `debug.log*`.
    Debug,
}

/// One file to search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    pub path: PathBuf,
    /// None for a file named on the command line that is not a Tier 2/3 name.
    pub tier: Option<Tier>,
    /// None for the current file, Some(n) for rotation `.n`.
    pub rotation: Option<u32>,
}

impl LogFile {
    /// A file named by the caller; tier and rotation read from its name.
    pub fn named(path: impl Into<PathBuf>) -> LogFile {
        let path = path.into();
        let (tier, rotation) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(classify)
            .map_or((None, None), |(t, r)| (Some(t), r));
        LogFile {
            path,
            tier,
            rotation,
        }
    }

    /// True when the file starts with the gzip magic (whatever its name).
    pub fn is_gzip(&self) -> std::io::Result<bool> {
        let mut f = std::fs::File::open(&self.path)?;
        let mut magic = [0u8; 2];
        let mut got = 0;
        while got < 2 {
            match f.read(&mut magic[got..])? {
                0 => break,
                n => got += n,
            }
        }
        Ok(got == 2 && magic == [0x1f, 0x8b])
    }
}

/// `orchestrator.log` → (Ops, None); `debug.log.3.gz` → (Debug, Some(3));
/// anything else (`panic.log`, `orchestrator.log.tmp`) → None.
fn classify(name: &str) -> Option<(Tier, Option<u32>)> {
    let (tier, rest) = if let Some(rest) = name.strip_prefix("orchestrator.log") {
        (Tier::Ops, rest)
    } else if let Some(rest) = name.strip_prefix("debug.log") {
        (Tier::Debug, rest)
    } else {
        return None;
    };
    if rest.is_empty() {
        return Some((tier, None));
    }
    let n = rest.strip_prefix('.')?;
    let n = n.strip_suffix(".gz").unwrap_or(n);
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || n.len() > 9 {
        return None;
    }
    Some((tier, Some(n.parse().ok()?)))
}

/// The Tier 2 and Tier 3 files of `log_dir`, in search order: Tier 2 before
/// Tier 3, and within a tier the oldest rotation first and the current file
/// last, so that at equal timestamps the merge keeps the order in which the
/// lines were written. Other files (`audit/`, `panic.log`, `restore.log`,
/// `block_events.log`, temporaries) are not logs of these tiers and are left
/// out. When both `.N` and `.N.gz` exist (a compression in progress), the
/// plain file is taken: the `.gz` may still be incomplete.
pub fn discover(log_dir: &Path) -> std::io::Result<Vec<LogFile>> {
    let mut found: Vec<(Tier, u32, bool, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(log_dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Some((tier, rotation)) = classify(&name) else {
            continue;
        };
        if !entry.file_type()?.is_file() && !entry.path().is_file() {
            continue;
        }
        // Sort key: current file is "rotation 0" and comes last.
        found.push((
            tier,
            rotation.unwrap_or(0),
            name.ends_with(".gz"),
            entry.path(),
        ));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    found.dedup_by(|later, earlier| later.0 == earlier.0 && later.1 == earlier.1);
    Ok(found
        .into_iter()
        .map(|(tier, n, _, path)| LogFile {
            path,
            tier: Some(tier),
            rotation: (n > 0).then_some(n),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_order_and_exclusions() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "orchestrator.log",
            "orchestrator.log.1",
            "orchestrator.log.2.gz",
            "orchestrator.log.10.gz",
            "orchestrator.log.3",
            "orchestrator.log.3.gz",
            "debug.log",
            "debug.log.1.gz",
            "panic.log",
            "restore.log",
            "block_events.log",
            "orchestrator.log.tmp",
            "orchestrator.log.1.gz.part",
        ] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        std::fs::create_dir(dir.path().join("audit")).unwrap();
        let names: Vec<String> = discover(dir.path())
            .unwrap()
            .iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
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
    fn named_files_are_classified() {
        let f = LogFile::named("/x/debug.log.4.gz");
        assert_eq!((f.tier, f.rotation), (Some(Tier::Debug), Some(4)));
        let f = LogFile::named("/x/panic.log");
        assert_eq!((f.tier, f.rotation), (None, None));
    }
}
