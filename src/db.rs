//! The SQLite database (docs/format.md: WAL mode, tables `tasks`, `sessions`,
//! `audit_log`): integrity check and WAL checkpoint, shared by `talos db`
//! and `talos doctor`.
//!
//! The check opens the file read-only, so it never checkpoints or otherwise
//! writes the database it is judging.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::error::{Error, Result};

pub const REQUIRED_TABLES: [&str; 3] = ["tasks", "sessions", "audit_log"];

/// A WAL larger than this means checkpoints are not keeping up.
pub const WAL_WARN_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Serialize)]
pub struct DbReport {
    pub path: PathBuf,
    pub exists: bool,
    #[serde(rename = "size_bytes")]
    pub size: u64,
    pub wal_bytes: u64,
    pub journal_mode: Option<String>,
    /// Rows of `PRAGMA integrity_check`; `["ok"]` when sound.
    pub integrity: Vec<String>,
    pub tables_missing: Vec<String>,
    /// Why the database could not be read at all (not a database, ...).
    pub open_error: Option<String>,
    /// The database was busy or locked beyond the wait: another process
    /// holds a lock. Says nothing about corruption.
    pub locked: Option<String>,
}

impl DbReport {
    /// Corrupt, unreadable as a database, or missing a required table.
    /// A locked database is not corrupt.
    pub fn corrupt(&self) -> bool {
        self.exists
            && self.locked.is_none()
            && (self.open_error.is_some()
                || self.integrity != ["ok"]
                || !self.tables_missing.is_empty())
    }
    pub fn wal_too_big(&self) -> bool {
        self.wal_bytes > WAL_WARN_BYTES
    }
}

pub fn wal_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push("-wal");
    PathBuf::from(s)
}

/// SQLite opens the database and its `-wal`, `-shm` and `-journal` files
/// with a plain open(2), which waits for ever on a FIFO and reads a device
/// behind a link: one planted there would hang talos. Checked before every
/// connection talos opens; refused as SQLITE_CANTOPEN, with what was found.
pub fn refuse_unless_regular(db: &Path) -> rusqlite::Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        crate::fsutil::regular_or_absent(Path::new(&p)).map_err(|e| {
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                Some(e.to_string()),
            )
        })?;
    }
    Ok(())
}

/// A read-only connection to the database (checked first by
/// [`refuse_unless_regular`]) that waits at most `busy` on a lock.
pub fn open_read_only(db: &Path, busy: std::time::Duration) -> rusqlite::Result<Connection> {
    refuse_unless_regular(db)?;
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(busy)?;
    Ok(conn)
}

/// SQLITE_BUSY or SQLITE_LOCKED: another connection holds a lock.
pub fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// `PRAGMA integrity_check`, the required tables, journal mode, WAL size.
pub fn check(db: &Path) -> DbReport {
    check_within(db, std::time::Duration::from_secs(5))
}

/// `check`, waiting at most `busy` for a lock held by another process.
pub fn check_within(db: &Path, busy: std::time::Duration) -> DbReport {
    check_with(db, busy, Pragma::Integrity)
}

/// Test hook: with `TALOS_TEST_SELF_CHECK_LOG=FILE` in the environment,
/// every SQLite self-check talos runs (`quick_check` or `integrity_check`,
/// by health or doctor) appends its name as one line to FILE, so a test
/// can count them without timing anything. Nothing else sets it. Compiled
/// only with the `test-hooks` feature (not in a release build).
#[cfg(feature = "test-hooks")]
pub fn test_note_self_check(pragma: &str) {
    use std::io::Write;
    if let Some(path) = std::env::var_os("TALOS_TEST_SELF_CHECK_LOG")
        && let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
    {
        let _ = writeln!(f, "{pragma}");
    }
}

/// Which SQLite self-check to run. `quick_check` reads every page and
/// checks each b-tree and record but not that the indexes match their
/// tables: several times faster on a big database, and what doctor runs
/// unless `--deep` (docs/ops.md, "Doctor").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pragma {
    Integrity,
    Quick,
    /// No self-check: its answer is known already (the health report of
    /// the same run made it); `integrity` stays empty.
    Skip,
}

impl Pragma {
    pub fn name(self) -> &'static str {
        match self {
            Pragma::Integrity => "integrity_check",
            Pragma::Quick => "quick_check",
            Pragma::Skip => "",
        }
    }
}

/// `check_within` with the self-check `pragma` (its rows in `integrity`).
pub fn check_with(db: &Path, busy: std::time::Duration, pragma: Pragma) -> DbReport {
    let size = std::fs::metadata(db).map(|m| m.len()).ok();
    let wal_bytes = std::fs::metadata(wal_path(db))
        .map(|m| m.len())
        .unwrap_or(0);
    let mut report = DbReport {
        path: db.to_path_buf(),
        exists: size.is_some(),
        size: size.unwrap_or(0),
        wal_bytes,
        journal_mode: None,
        integrity: Vec::new(),
        tables_missing: Vec::new(),
        open_error: None,
        locked: None,
    };
    if !report.exists {
        return report;
    }
    let result = (|| -> rusqlite::Result<()> {
        let conn = open_read_only(db, busy)?;
        report.journal_mode =
            Some(conn.query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))?);
        if pragma != Pragma::Skip {
            #[cfg(feature = "test-hooks")]
            test_note_self_check(pragma.name());
            let mut stmt = conn.prepare(&format!("PRAGMA {}", pragma.name()))?;
            report.integrity = stmt
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
        }
        for t in REQUIRED_TABLES {
            let n: i64 = conn.query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [t],
                |r| r.get(0),
            )?;
            if n == 0 {
                report.tables_missing.push(t.to_string());
            }
        }
        Ok(())
    })();
    match result {
        Err(e) if is_busy(&e) => report.locked = Some(e.to_string()),
        Err(e) => report.open_error = Some(e.to_string()),
        Ok(()) => {}
    }
    report
}

/// Which checkpoint to run. SQLite: PASSIVE never waits and is safe with
/// any number of concurrent connections; TRUNCATE waits for readers and
/// writers to finish and resets the WAL to zero bytes, which is only sound
/// when nothing else has the database open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckpointMode {
    Passive,
    Truncate,
}

impl CheckpointMode {
    fn pragma(self) -> &'static str {
        match self {
            CheckpointMode::Passive => "PRAGMA wal_checkpoint(PASSIVE)",
            CheckpointMode::Truncate => "PRAGMA wal_checkpoint(TRUNCATE)",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckpointResult {
    pub mode: CheckpointMode,
    pub journal_mode: String,
    /// True when another connection kept the checkpoint from completing.
    pub busy: bool,
    /// Frames in the WAL, and how many were copied into the database.
    pub wal_frames: i64,
    pub checkpointed_frames: i64,
    pub wal_bytes_before: u64,
    pub wal_bytes_after: u64,
}

/// `talos db checkpoint`: runs the checkpoint on the installation's
/// database and, when it is in WAL mode, records it in the audit chain
/// (`db_checkpoint`), so every caller gets the record. `daemon_pids` are
/// the daemon processes found (the caller chose `mode` from them).
pub fn checkpoint_recorded(
    layout: &crate::install::Layout,
    mode: CheckpointMode,
    daemon_pids: &[u32],
) -> Result<CheckpointResult> {
    let r = checkpoint(&layout.db, mode)?;
    if r.journal_mode.eq_ignore_ascii_case("wal") {
        crate::audit::record_operator_action(
            layout,
            "db_checkpoint",
            serde_json::json!({
                "db": layout.db, "mode": mode, "busy": r.busy,
                "wal_frames": r.wal_frames, "checkpointed_frames": r.checkpointed_frames,
                "wal_bytes_before": r.wal_bytes_before, "wal_bytes_after": r.wal_bytes_after,
                "daemon_pids": daemon_pids,
            }),
        )?;
    }
    Ok(r)
}

/// Runs `PRAGMA wal_checkpoint(MODE)`.
pub fn checkpoint(db: &Path, mode: CheckpointMode) -> Result<CheckpointResult> {
    if !db.exists() {
        return Err(Error::failed(format!("{} does not exist", db.display()))
            .hint("restore the database component: `talos restore BACKUP --partial database`"));
    }
    let wal_bytes_before = std::fs::metadata(wal_path(db))
        .map(|m| m.len())
        .unwrap_or(0);
    let conn = refuse_unless_regular(db)
        .and_then(|()| {
            Connection::open_with_flags(
                db,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
        })
        .map_err(|e| {
            Error::integrity(format!("cannot open {}: {e}", db.display()))
                .hint("run `talos db check` to see whether the database is damaged")
        })?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let journal_mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .map_err(|e| {
            Error::integrity(format!("{} is not a readable database: {e}", db.display()))
                .hint("run `talos db check` for the details")
        })?;
    if !journal_mode.eq_ignore_ascii_case("wal") {
        return Ok(CheckpointResult {
            mode,
            journal_mode,
            busy: false,
            wal_frames: 0,
            checkpointed_frames: 0,
            wal_bytes_before,
            wal_bytes_after: wal_bytes_before,
        });
    }
    let (busy, wal_frames, checkpointed_frames): (i64, i64, i64) =
        conn.query_row(mode.pragma(), [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    drop(conn);
    let wal_bytes_after = std::fs::metadata(wal_path(db))
        .map(|m| m.len())
        .unwrap_or(0);
    Ok(CheckpointResult {
        mode,
        journal_mode,
        busy: busy != 0,
        wal_frames,
        checkpointed_frames,
        wal_bytes_before,
        wal_bytes_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make_db(path: &Path) {
        let c = Connection::open(path).unwrap();
        c.pragma_update(None, "journal_mode", "WAL").unwrap();
        c.execute_batch(
            "CREATE TABLE tasks(id INTEGER PRIMARY KEY, v TEXT);
             CREATE TABLE sessions(id TEXT);
             CREATE TABLE audit_log(seq INTEGER, hash TEXT);
             INSERT INTO tasks(v) VALUES ('a'), ('b');",
        )
        .unwrap();
    }

    #[test]
    fn sound_db_and_garbage_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("talos.db");
        make_db(&db);
        let r = check(&db);
        assert!(!r.corrupt(), "{r:?}");
        assert_eq!(r.journal_mode.as_deref(), Some("wal"));

        let bad = dir.path().join("bad.db");
        std::fs::write(&bad, vec![0x42u8; 8192]).unwrap();
        let r = check(&bad);
        assert!(r.corrupt(), "{r:?}");

        let missing = check(&dir.path().join("none.db"));
        assert!(!missing.exists && !missing.corrupt());
    }

    #[test]
    fn truncate_checkpoint_empties_the_wal() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("talos.db");
        let c = Connection::open(&db).unwrap();
        c.pragma_update(None, "journal_mode", "WAL").unwrap();
        c.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        c.execute_batch("CREATE TABLE tasks(v TEXT); INSERT INTO tasks VALUES ('x');")
            .unwrap();
        assert!(std::fs::metadata(wal_path(&db)).unwrap().len() > 0);
        let r = checkpoint(&db, CheckpointMode::Truncate).unwrap();
        drop(c);
        assert!(!r.busy);
        assert_eq!(r.wal_bytes_after, 0);
    }
}
