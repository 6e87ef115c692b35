//! Anchors kept outside the audit log (docs/format.md): the `audit_head` each
//! backup's `metadata.json` records, and the newest row of the database's
//! `audit_log` table. A plain hash chain can be rewritten wholesale by
//! whoever can write its files; these copies cannot be rewritten with it.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Head;
use super::merkle::{Hash, parse_hash};
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
/// evenly (its newest row always kept). 200,000 rows are 8 MB.
const MAX_DB_ANCHORS: usize = 200_000;

/// Every anchor one verification checks. A database holds one anchor per
/// `audit_log` row (tens of thousands on a long-lived host), so its rows
/// are kept compact, their source named once, and the rest one by one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anchors {
    /// Each with its source: the operator's `--anchor`s and checkpoints,
    /// each backup's `audit_head`.
    pub named: Vec<AnchorFrom>,
    /// The database's `audit_log` rows, when it has any.
    pub database: Option<DatabaseAnchors>,
}

impl Anchors {
    pub fn named(named: Vec<AnchorFrom>) -> Anchors {
        Anchors {
            named,
            database: None,
        }
    }

    pub fn len(&self) -> usize {
        self.named.len() + self.database.as_ref().map_or(0, |d| d.rows.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The newest seq any anchor knows of (a tree head of size N knows of
    /// record N); 0 without anchors.
    pub fn newest_seq(&self) -> u64 {
        let named = self.named.iter().map(|a| match &a.anchor {
            Anchor::Record { seq, .. } => *seq,
            Anchor::TreeHead { size, .. } => *size,
        });
        let database = self
            .database
            .iter()
            .filter_map(|d| d.rows.last().map(|r| r.0));
        named.chain(database).max().unwrap_or(0)
    }
}

/// The `audit_log` rows of one database, oldest first: `(seq, hash)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseAnchors {
    pub path: PathBuf,
    pub rows: Vec<(u64, Hash)>,
}

impl DatabaseAnchors {
    /// How a finding names row `seq`.
    pub fn source(&self, seq: u64) -> String {
        format!("database audit_log row {seq} ({})", self.path.display())
    }
}

/// In JSON the rows are counted, not listed (a report of 40,000 anchors
/// would be megabytes): the database, how many rows, the first and newest.
impl Serialize for DatabaseAnchors {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Row {
            seq: u64,
            hash: String,
        }
        #[derive(Serialize)]
        struct Json<'a> {
            path: &'a Path,
            rows: usize,
            first: Option<Row>,
            newest: Option<Row>,
        }
        let row = |r: &(u64, Hash)| Row {
            seq: r.0,
            hash: super::record::hex(&r.1),
        };
        Json {
            path: &self.path,
            rows: self.rows.len(),
            first: self.rows.first().map(row),
            newest: self.rows.last().map(row),
        }
        .serialize(s)
    }
}

/// Keeps an even sample of at most `cap` (+1, the newest) of a stream of
/// rows whose length is not known in advance: every `step`-th row, the step
/// doubling (and every other kept row dropped) whenever the sample is full.
/// One pass, no count query first.
struct Sample {
    cap: usize,
    step: u64,
    seen: u64,
    kept: Vec<(u64, Hash)>,
    newest: Option<(u64, Hash)>,
}

impl Sample {
    fn new(cap: usize) -> Sample {
        Sample {
            cap: cap.max(1),
            step: 1,
            seen: 0,
            kept: Vec::new(),
            newest: None,
        }
    }

    fn push(&mut self, row: (u64, Hash)) {
        if self.seen.is_multiple_of(self.step) {
            if self.kept.len() == self.cap {
                let mut index = 0;
                self.kept.retain(|_| {
                    index += 1;
                    index % 2 == 1
                });
                self.step *= 2;
            }
            if self.seen.is_multiple_of(self.step) {
                self.kept.push(row);
            }
        }
        self.seen += 1;
        self.newest = Some(row);
    }

    fn finish(mut self) -> Vec<(u64, Hash)> {
        if let Some(newest) = self.newest
            && self.kept.last() != Some(&newest)
        {
            self.kept.push(newest);
        }
        self.kept
    }
}

/// Every row of the database's `audit_log(seq, ..., hash)`, oldest first
/// (sampled past [`MAX_DB_ANCHORS`]), opened read-only: one query, each
/// hash parsed in place. Each row pins the history up to its seq, so
/// checking them all locates a rewrite at the earliest row that disagrees,
/// not at the newest one. `None` without a database, table or row.
pub fn from_database(db: &Path) -> (Option<DatabaseAnchors>, Vec<String>) {
    let mut warnings = Vec::new();
    if !db.exists() {
        return (None, warnings);
    }
    let conn = match crate::db::open_read_only(db, std::time::Duration::from_secs(2)) {
        Ok(c) => c,
        Err(e) => {
            warnings.push(format!(
                "cannot open {} read-only for its audit_log anchors: {e}",
                db.display()
            ));
            return (None, warnings);
        }
    };
    let has_table: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
        .unwrap_or(false);
    if !has_table {
        return (None, warnings);
    }
    let read = (|| -> rusqlite::Result<(Vec<(u64, Hash)>, usize)> {
        use rusqlite::types::ValueRef;
        let mut stmt = conn.prepare("SELECT seq, hash FROM audit_log ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut sample = Sample::new(MAX_DB_ANCHORS);
        let mut unusable = 0usize;
        while let Some(row) = rows.next()? {
            // A row without a hash is no anchor (nothing to disagree with).
            let text = match row.get_ref(1)? {
                ValueRef::Null => continue,
                ValueRef::Text(b"") => continue,
                ValueRef::Text(t) => t,
                _ => {
                    unusable += 1;
                    continue;
                }
            };
            let seq = match row.get_ref(0)? {
                ValueRef::Integer(n) if n > 0 => n as u64,
                _ => {
                    unusable += 1;
                    continue;
                }
            };
            match std::str::from_utf8(text).ok().and_then(parse_hash) {
                Some(hash) => sample.push((seq, hash)),
                None => unusable += 1,
            }
        }
        Ok((sample.finish(), unusable))
    })();
    let rows = match read {
        Ok((rows, unusable)) => {
            if unusable > 0 {
                warnings.push(format!(
                    "{unusable} audit_log row(s) of {} have no usable seq and 64-hex hash; not used as anchors",
                    db.display()
                ));
            }
            rows
        }
        Err(e) => {
            warnings.push(format!(
                "cannot read the audit_log anchors from {}: {e}",
                db.display()
            ));
            Vec::new()
        }
    };
    let database = (!rows.is_empty()).then(|| DatabaseAnchors {
        path: db.to_path_buf(),
        rows,
    });
    (database, warnings)
}

/// Every anchor kept outside the log: one per backup in `backup_dir`, and
/// every row of the database's `audit_log`. Returns the anchors and the
/// warnings about sources that could not be read.
pub fn external_anchors(db: &Path, backup_dir: &Path) -> (Anchors, Vec<String>) {
    let (named, mut warnings) = from_backups(backup_dir);
    let (database, db_warnings) = from_database(db);
    warnings.extend(db_warnings);
    (Anchors { named, database }, warnings)
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
    crate::fsutil::open_regular(path)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sampled(rows: u64, cap: usize) -> Vec<u64> {
        let mut s = Sample::new(cap);
        for seq in 1..=rows {
            s.push((seq, [0; 32]));
        }
        s.finish().into_iter().map(|r| r.0).collect()
    }

    #[test]
    fn a_short_table_is_kept_whole() {
        assert_eq!(sampled(5, 8), vec![1, 2, 3, 4, 5]);
        assert_eq!(sampled(8, 8), (1..=8).collect::<Vec<_>>());
        assert!(sampled(0, 8).is_empty());
    }

    #[test]
    fn a_long_table_is_sampled_evenly_with_its_newest_row() {
        for rows in [9, 100, 1000, 12_345] {
            let seqs = sampled(rows, 16);
            assert!(seqs.len() <= 17, "{rows}: {seqs:?}");
            assert!(seqs.len() > 8, "{rows}: {seqs:?}");
            assert_eq!(seqs[0], 1);
            assert_eq!(*seqs.last().unwrap(), rows, "the newest row is kept");
            // Every row but the newest one step apart.
            let steps: Vec<u64> = seqs[..seqs.len() - 1]
                .windows(2)
                .map(|w| w[1] - w[0])
                .collect();
            assert!(steps.windows(2).all(|w| w[0] == w[1]), "{rows}: {seqs:?}");
        }
    }

    #[test]
    fn database_rows_become_anchors_and_bad_rows_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("talos.db");
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, timestamp TEXT, actor TEXT, action TEXT, hash);",
        )
        .unwrap();
        let good = "ab".repeat(32);
        for (seq, hash) in [
            (3, rusqlite::types::Value::Text(good.clone())),
            (1, rusqlite::types::Value::Text(good.to_uppercase())),
            (2, rusqlite::types::Value::Null),
            (4, rusqlite::types::Value::Text(String::new())),
            (5, rusqlite::types::Value::Text("not hex".into())),
            (6, rusqlite::types::Value::Blob(vec![1, 2])),
            (-7, rusqlite::types::Value::Text(good.clone())),
        ] {
            conn.execute(
                "INSERT INTO audit_log VALUES (?1, 't', 'a', 'x', ?2)",
                rusqlite::params![seq, hash],
            )
            .unwrap();
        }
        drop(conn);
        let (found, warnings) = from_database(&db);
        let found = found.unwrap();
        assert_eq!(found.rows, vec![(1, [0xab; 32]), (3, [0xab; 32])]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("3 audit_log row(s)"),
            "{warnings:?}"
        );
        assert!(found.source(3).starts_with("database audit_log row 3 ("));
        let json = serde_json::to_value(&found).unwrap();
        assert_eq!(json["rows"], 2);
        assert_eq!(json["newest"]["seq"], 3);
        assert_eq!(json["newest"]["hash"], good);

        let anchors = Anchors {
            named: Vec::new(),
            database: Some(found),
        };
        assert_eq!(anchors.len(), 2);
        assert_eq!(anchors.newest_seq(), 3);
    }

    #[test]
    fn no_database_or_no_table_gives_no_anchor_and_no_warning() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("talos.db");
        assert_eq!(from_database(&db), (None, Vec::new()));
        rusqlite::Connection::open(&db)
            .unwrap()
            .execute_batch("CREATE TABLE tasks (id INTEGER);")
            .unwrap();
        assert_eq!(from_database(&db), (None, Vec::new()));
    }
}
