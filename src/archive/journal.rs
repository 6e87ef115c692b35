//! The restore journal, `DATA_DIR/restore.journal`: what a restore is doing,
//! rewritten atomically (and fsynced) after every step of the swap, so a
//! restore killed at any moment is found by the next `talos restore` or
//! `talos status`, and `--resume` completes it or `--abort` undoes it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::plan::{AuxStaging, Move};
use crate::error::{Error, Result};
use crate::install::{Component, Layout};

pub const JOURNAL_FILE: &str = "restore.journal";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Nothing renamed yet: the new content of components on other file
    /// systems is being copied into their sibling staging directories
    /// (`aux_staging`, recorded here before they are created). `--abort`
    /// removes them; `--resume` copies again and goes on.
    Staging,
    /// Renames are under way; `done` of `moves` are complete (the next one
    /// may or may not have happened: each move is checked before it is
    /// redone or undone).
    Swapping,
    /// Every rename is done: the installation is restored, and the replaced
    /// component directories, moved aside into staging, are the undo
    /// (`--abort` renames them back). Next: the rollback archive is written
    /// from them.
    Swapped,
    /// The rollback archive is written (or none was asked for); what is
    /// left is cleanup and validation. Past this point `--abort` refuses:
    /// the rollback archive undoes it.
    Committed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Journal {
    pub version: u32,
    pub pid: u32,
    pub started_at: String,
    pub archive: PathBuf,
    pub root: PathBuf,
    /// Serialized as their names; an unknown name makes the journal invalid.
    pub components: Vec<Component>,
    pub staging: PathBuf,
    pub rollback: Option<PathBuf>,
    pub new_host: bool,
    pub record: bool,
    /// The backup's audit head, for validation after a resume.
    #[serde(default)]
    pub expected_head: Option<super::AuditHead>,
    /// What the restore does with the audit chain in place.
    #[serde(default)]
    pub audit: Option<super::plan::AuditChain>,
    pub moves: Vec<Move>,
    /// Staging directories beside components on other file systems than
    /// DATA_DIR (docs/backup.md "Several file systems").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aux_staging: Vec<AuxStaging>,
    /// Write the rollback archive after the swap, from the replaced
    /// content moved aside into staging (false: none asked for, or a
    /// journal of an older talos, which wrote it before the swap).
    #[serde(default)]
    pub make_rollback: bool,
    pub done: usize,
    pub state: State,
}

pub fn path(layout: &Layout) -> PathBuf {
    layout.restore_journal()
}

/// The journal of an unfinished restore, if any, checked against the
/// installation (`layout` must have a canonical root): a journal is input
/// read from disk, and `--resume` / `--abort` rename and delete what it
/// names, so it must describe a restore of THIS installation.
pub fn load(layout: &Layout) -> Result<Option<Journal>> {
    let p = path(layout);
    let Some(j) = load_from(&p)? else {
        return Ok(None);
    };
    check(layout, &j).map_err(|why| {
        Error::integrity(format!(
            "{} does not describe a restore of {}: {why}",
            p.display(),
            layout.root.display()
        ))
        .hint(format!(
            "nothing was changed. A journal copied with the installation (a rescued disk mounted elsewhere) or edited by hand is not acted on; inspect it, and when no restore of {} is unfinished move it away (`mv {} {}.rejected`) and run again",
            layout.root.display(),
            p.display(),
            p.display()
        ))
    })?;
    Ok(Some(j))
}

/// True when `p` is absolute and already in normal form (no `.`, `..`,
/// repeated or trailing `/`), so that comparing it component-wise with the
/// layout's paths is comparing what the kernel will resolve.
pub fn is_normalised(p: &Path) -> bool {
    use std::path::Component;
    if !p.is_absolute()
        || p.components()
            .any(|c| matches!(c, Component::ParentDir | Component::CurDir))
    {
        return false;
    }
    let rebuilt: PathBuf = p.components().collect();
    rebuilt.as_os_str() == p.as_os_str()
}

/// Every path a journal names must be one a restore of `layout` owns: a
/// component directory, a path inside the journal's staging directory
/// (`DATA_DIR/.restore-staging-*`, or a sibling staging directory beside a
/// component on another file system), or a file in `DATA_DIR/restore_rollback/`.
pub fn check(layout: &Layout, j: &Journal) -> std::result::Result<(), String> {
    if j.root != layout.root {
        return Err(format!(
            "it was written for the installation at {}",
            j.root.display()
        ));
    }
    let staging_ok = |s: &Path| -> bool {
        let named = s.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            n.starts_with(super::restore::STAGING_PREFIX)
                && n.len() > super::restore::STAGING_PREFIX.len()
        });
        is_normalised(s) && named && s.parent() == Some(layout.data_dir.as_path())
    };
    if !staging_ok(&j.staging) {
        return Err(format!(
            "its staging directory {} is not a {}* directory in {}",
            j.staging.display(),
            super::restore::STAGING_PREFIX,
            layout.data_dir.display()
        ));
    }
    let component_dirs: Vec<PathBuf> = Component::ALL
        .into_iter()
        .map(|c| layout.component_dir(c))
        .collect();
    // A sibling staging directory: named like DATA_DIR's, in a directory
    // inside the root that is a component directory or one of its
    // ancestors.
    for a in &j.aux_staging {
        let named = a.dir.file_name() == j.staging.file_name();
        let parent_ok = a.dir.parent().is_some_and(|p| {
            p.starts_with(&layout.root) && component_dirs.iter().any(|d| d.starts_with(p))
        });
        if !(is_normalised(&a.dir) && named && parent_ok) {
            return Err(format!(
                "its staging directory {} is not a sibling staging directory beside a component",
                a.dir.display()
            ));
        }
    }
    let rollback_dir = layout.rollback_dir();
    let in_rollback = |p: &Path| is_normalised(p) && p.parent() == Some(rollback_dir.as_path());
    if let Some(r) = &j.rollback
        && !in_rollback(r)
    {
        return Err(format!(
            "its rollback archive {} is not in {}",
            r.display(),
            rollback_dir.display()
        ));
    }
    let owned = |p: &Path| -> bool {
        is_normalised(p)
            && (component_dirs.iter().any(|d| d == p)
                // An entry of a mount point swapped by contents.
                || p.parent().is_some_and(|q| component_dirs.iter().any(|d| d == q))
                || (p.starts_with(&j.staging) && p != j.staging)
                || j.aux_staging.iter().any(|a| p.starts_with(&a.dir) && p != a.dir)
                || in_rollback(p))
    };
    for m in &j.moves {
        for p in [&m.from, &m.to] {
            if !owned(p) {
                return Err(format!(
                    "its step {} -> {} names {}, which is not a component directory, the staging directory or the rollback directory of this installation",
                    m.from.display(),
                    m.to.display(),
                    p.display()
                ));
            }
        }
    }
    if j.done > j.moves.len() {
        return Err(format!(
            "it says {} of {} steps are done",
            j.done,
            j.moves.len()
        ));
    }
    Ok(())
}

pub fn load_from(p: &Path) -> Result<Option<Journal>> {
    let bytes = match crate::fsutil::read_small(p, crate::fsutil::SMALL_FILE_CAP) {
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
    crate::fsutil::write_json_atomic(&path(layout), j, crate::install::SECRET_FILE_MODE)
}

pub fn remove(layout: &Layout) -> Result<()> {
    let p = path(layout);
    match std::fs::remove_file(&p) {
        Ok(()) => crate::fsutil::sync_dir(&layout.data_dir),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::from(e).hint(format!("cannot remove {}", p.display()))),
    }
}
