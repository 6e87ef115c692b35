//! The restore journal, `DATA_DIR/restore.journal`: what a restore is doing,
//! rewritten atomically (and fsynced) after every step of the swap, so a
//! restore killed at any moment is found by the next `talos restore` or
//! `talos status`, and `--resume` completes it or `--abort` undoes it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::plan::Move;
use crate::error::{Error, Result};
use crate::install::Layout;

pub const JOURNAL_FILE: &str = "restore.journal";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Renames are under way; `done` of `moves` are complete (the next one
    /// may or may not have happened: each move is checked before it is
    /// redone or undone).
    Swapping,
    /// Every rename is done; what is left is cleanup and validation. Past
    /// this point `--abort` refuses: the rollback archive undoes it.
    Committed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Journal {
    pub version: u32,
    pub pid: u32,
    pub started_at: String,
    pub archive: PathBuf,
    pub root: PathBuf,
    pub components: Vec<String>,
    pub staging: PathBuf,
    pub rollback: Option<PathBuf>,
    pub new_host: bool,
    pub record: bool,
    /// The backup's audit head, for validation after a resume.
    #[serde(default)]
    pub expected_head: Option<super::AuditHead>,
    pub moves: Vec<Move>,
    pub done: usize,
    pub state: State,
}

pub fn path(layout: &Layout) -> PathBuf {
    layout.data_dir.join(JOURNAL_FILE)
}

/// The journal of an unfinished restore, if any.
pub fn load(layout: &Layout) -> Result<Option<Journal>> {
    load_from(&path(layout))
}

pub fn load_from(p: &Path) -> Result<Option<Journal>> {
    let bytes = match std::fs::read(p) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::from(e).hint(format!("cannot read {}", p.display()))),
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        Error::integrity(format!(
            "{} is not a valid restore journal: {e}",
            p.display()
        ))
        .hint("an unfinished restore left it; inspect it, then move it away and restore again from a backup")
    })
}

pub fn save(layout: &Layout, j: &Journal) -> Result<()> {
    crate::fsutil::write_json_atomic(&path(layout), j, 0o600)
}

pub fn remove(layout: &Layout) -> Result<()> {
    let p = path(layout);
    match std::fs::remove_file(&p) {
        Ok(()) => crate::fsutil::sync_dir(&layout.data_dir),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::from(e).hint(format!("cannot remove {}", p.display()))),
    }
}
