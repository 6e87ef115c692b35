//! Anchors kept outside the audit log (docs/format.md): the `audit_head` each
//! backup's `metadata.json` records, and the newest row of the database's
//! `audit_log` table. A plain hash chain can be rewritten wholesale by
//! whoever can write its files; these copies cannot be rewritten with it.

use std::io::Read;
use std::path::Path;

use serde::Deserialize;

use super::Head;
use super::merkle::parse_hash;
use super::verify::{Anchor, AnchorFrom};
use crate::error::{Context, Error, Result};

/// metadata.json is the first entry of a talos backup; give up looking for
/// it after this many entries rather than inflate the whole archive.
const METADATA_SEARCH_ENTRIES: usize = 64;

/// The largest metadata.json read (it is a few hundred bytes).
const METADATA_MAX_BYTES: u64 = 1024 * 1024;

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    audit_head: Option<HeadJson>,
}

#[derive(Deserialize)]
struct HeadJson {
    seq: u64,
    hash: String,
}

/// The `audit_head` of one backup archive, read by streaming the tar.gz until
/// its `metadata.json`. `Ok(None)` when the backup recorded no head (an empty
/// chain or an archive without metadata).
pub fn backup_audit_head(archive: &Path) -> Result<Option<Head>> {
    let mut tar = crate::archive::open_head(archive)
        .with_context(|| format!("cannot open {}", archive.display()))?;
    let entries = tar
        .entries()
        .with_context(|| format!("cannot read {} as a tar.gz", archive.display()))?;
    for (i, entry) in entries.enumerate() {
        if i >= METADATA_SEARCH_ENTRIES {
            break;
        }
        let entry =
            entry.with_context(|| format!("cannot read {} as a tar.gz", archive.display()))?;
        let path = entry
            .path()
            .with_context(|| format!("bad entry name in {}", archive.display()))?
            .into_owned();
        let name = path.to_string_lossy();
        if name != "metadata.json" && name != "./metadata.json" {
            continue;
        }
        let mut text = Vec::new();
        entry
            .take(METADATA_MAX_BYTES)
            .read_to_end(&mut text)
            .with_context(|| format!("cannot read metadata.json in {}", archive.display()))?;
        let meta: Metadata = serde_json::from_slice(&text).map_err(|e| {
            Error::integrity(format!(
                "metadata.json in {} is not valid: {e}",
                archive.display()
            ))
        })?;
        return match meta.audit_head {
            None => Ok(None),
            Some(h) => {
                let hash = parse_hash(&h.hash).ok_or_else(|| {
                    Error::integrity(format!(
                        "audit_head.hash in {} is not 64 hex digits",
                        archive.display()
                    ))
                })?;
                Ok(Some(Head {
                    seq: h.seq,
                    hash: super::record::hex(&hash),
                }))
            }
        };
    }
    Ok(None)
}

/// One anchor per backup in `backup_dir` (`backup_*.tar.gz`), oldest first.
/// Unreadable archives become warnings: they are a backup problem, not a
/// verdict on the chain.
pub fn from_backups(backup_dir: &Path) -> (Vec<AnchorFrom>, Vec<String>) {
    let mut anchors = Vec::new();
    let mut warnings = Vec::new();
    // Oldest first; encrypted backups (….tar.gz.age) cannot be read here.
    let mut backups = crate::archive::list_backups(backup_dir).unwrap_or_default();
    backups.reverse();
    for (_, path) in backups
        .into_iter()
        .filter(|(_, p)| !p.to_string_lossy().ends_with(".age"))
    {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match backup_audit_head(&path) {
            Ok(Some(head)) if head.seq > 0 => anchors.push(AnchorFrom {
                anchor: Anchor::Record {
                    seq: head.seq,
                    hash: head.hash,
                },
                source: format!("backup {name}"),
            }),
            Ok(_) => {}
            Err(e) => warnings.push(format!(
                "backup {name} gives no anchor: {} (check it with `talos backup verify {}`)",
                e.message,
                path.display()
            )),
        }
    }
    (anchors, warnings)
}

/// Most database rows used as anchors; a longer `audit_log` is sampled
/// evenly (its newest row always kept).
const MAX_DB_ANCHORS: i64 = 200_000;

/// Every row of the database's `audit_log(seq, ..., hash)`, oldest first,
/// opened read-only. Each row pins the history up to its seq, so checking
/// them all locates a rewrite at the earliest row that disagrees, not at
/// the newest one.
pub fn from_database(db: &Path) -> (Vec<AnchorFrom>, Vec<String>) {
    let mut warnings = Vec::new();
    let mut anchors = Vec::new();
    if !db.exists() {
        return (anchors, warnings);
    }
    let conn = match rusqlite::Connection::open_with_flags(
        db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) {
        Ok(c) => c,
        Err(e) => {
            warnings.push(format!(
                "cannot open {} read-only for its audit_log anchors: {e}",
                db.display()
            ));
            return (anchors, warnings);
        }
    };
    let _ = conn.busy_timeout(std::time::Duration::from_secs(2));
    let has_table: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
        .unwrap_or(false);
    if !has_table {
        return (anchors, warnings);
    }
    let read = (|| -> rusqlite::Result<usize> {
        let (count, max): (i64, i64) = conn.query_row(
            "SELECT count(*), coalesce(max(seq), 0) FROM audit_log WHERE hash IS NOT NULL AND hash != ''",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let step = (count / MAX_DB_ANCHORS + 1).max(1);
        let mut stmt = conn.prepare(
            "SELECT seq, hash FROM audit_log WHERE hash IS NOT NULL AND hash != '' \
             AND (seq % ?1 = 0 OR seq = ?2) ORDER BY seq",
        )?;
        let rows = stmt.query_map([step, max], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut unusable = 0usize;
        let db_name = db.display().to_string();
        for row in rows {
            let (seq, hash) = row?;
            match (u64::try_from(seq), parse_hash(&hash)) {
                (Ok(seq), Some(h)) if seq > 0 => anchors.push(AnchorFrom {
                    anchor: Anchor::Record {
                        seq,
                        hash: super::record::hex(&h),
                    },
                    source: format!("database audit_log row {seq} ({db_name})"),
                }),
                _ => unusable += 1,
            }
        }
        Ok(unusable)
    })();
    match read {
        Ok(0) => {}
        Ok(n) => warnings.push(format!(
            "{n} audit_log row(s) of {} have no usable seq and 64-hex hash; not used as anchors",
            db.display()
        )),
        Err(e) => warnings.push(format!(
            "cannot read the audit_log anchors from {}: {e}",
            db.display()
        )),
    }
    (anchors, warnings)
}

/// Every anchor kept outside the log: one per backup in `backup_dir`, and
/// every row of the database's `audit_log`. Returns the anchors and the
/// warnings about sources that could not be read.
pub fn external_anchors(db: &Path, backup_dir: &Path) -> (Vec<AnchorFrom>, Vec<String>) {
    let (mut anchors, mut warnings) = from_backups(backup_dir);
    let (db_anchor, db_warnings) = from_database(db);
    anchors.extend(db_anchor);
    warnings.extend(db_warnings);
    (anchors, warnings)
}

/// A checkpoint: a tree head saved off the host by `talos audit root`, with
/// the time it was taken when the file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub size: u64,
    pub root: String,
    pub taken_at: Option<String>,
}

/// The largest checkpoint file read (`talos audit root --json` writes a few
/// hundred bytes).
const CHECKPOINT_MAX_BYTES: u64 = 64 * 1024;

/// Reads a checkpoint file: the JSON `talos audit root --json` prints
/// (`size`, `root`, `taken_at`), or the line `size=N:ROOT` it prints
/// without --json.
pub fn read_checkpoint(path: &Path) -> Result<Checkpoint> {
    let mut text = String::new();
    std::fs::File::open(path)
        .with_context(|| format!("cannot open the checkpoint {}", path.display()))?
        .take(CHECKPOINT_MAX_BYTES)
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read the checkpoint {}", path.display()))?;
    parse_checkpoint(&text).ok_or_else(|| {
        Error::usage(format!("{} is not a checkpoint", path.display())).hint(
            "save one with `talos audit root --json > checkpoint.json` (or the size=N:ROOT line it prints)",
        )
    })
}

pub fn parse_checkpoint(text: &str) -> Option<Checkpoint> {
    #[derive(Deserialize)]
    struct Json {
        size: u64,
        root: String,
        #[serde(default)]
        taken_at: Option<String>,
    }
    if let Ok(j) = serde_json::from_str::<Json>(text) {
        let root = parse_hash(&j.root)?;
        return Some(Checkpoint {
            size: j.size,
            root: super::record::hex(&root),
            taken_at: j.taken_at,
        });
    }
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    match line.parse::<Anchor>().ok()? {
        Anchor::TreeHead { size, root } => Some(Checkpoint {
            size,
            root,
            taken_at: None,
        }),
        Anchor::Record { .. } => None,
    }
}
