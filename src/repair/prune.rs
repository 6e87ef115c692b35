//! `talos log prune` (docs/runbook.md F-005, disk full): what can be deleted
//! without losing anything the installation needs.
//!
//! - Tier 2 and Tier 3 rotations beyond each tier's 50 MiB ring. The ring
//!   counts the current file first (it is never deleted), then rotations
//!   newest first (`.1`, `.2`, ...); the first rotation that would take the
//!   tier past 50 MiB, and every older one, go.
//! - Temporary files under DATA_DIR (`*.tmp`, `.restore-staging-*`,
//!   everything in `DATA_DIR/tmp/`) and partial backups (`.tmp-backup-*`,
//!   `*.tmp`) in the backup directory. One modified in the last 15 minutes
//!   may belong to a backup or restore still running and is left alone; a
//!   restore staging area is kept while `restore.journal` says a restore is
//!   unfinished.
//! - Never anything under AUDIT_DIR, never the current logs, never
//!   emergency preserves or restore rollbacks.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::error::{Context, Result};
use crate::install::Layout;
use crate::logs::{self, Tier};

/// Each tier's ring (docs/format.md: "50MB ring buffer").
pub const RING_BYTES: u64 = 50 * 1024 * 1024;
/// Temporary files younger than this may be in use.
pub const TEMP_GRACE: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PruneReason {
    BeyondRing,
    Temporary,
}

#[derive(Debug, Clone, Serialize)]
pub struct PruneItem {
    pub path: PathBuf,
    pub bytes: u64,
    pub is_dir: bool,
    pub reason: PruneReason,
}

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: PathBuf,
    pub why: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TierUsage {
    pub tier: Tier,
    pub bytes_before: u64,
    pub bytes_after: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrunePlan {
    pub ring_bytes: u64,
    pub tiers: Vec<TierUsage>,
    pub delete: Vec<PruneItem>,
    pub skipped: Vec<Skipped>,
    pub bytes: u64,
}

fn tree_size(path: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    std::fs::read_dir(path)
        .map(|rd| rd.flatten().map(|e| tree_size(&e.path())).sum())
        .unwrap_or(0)
}

/// Newest modification time anywhere in a tree.
fn tree_mtime(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let own = meta.modified().ok();
    if !meta.is_dir() {
        return own;
    }
    let inner = std::fs::read_dir(path)
        .ok()?
        .flatten()
        .filter_map(|e| tree_mtime(&e.path()))
        .max();
    own.max(inner)
}

fn is_temp_name(name: &str) -> bool {
    name.ends_with(".tmp") || name.starts_with(".restore-staging-")
}

pub fn plan(layout: &Layout, backup_dir: &Path) -> Result<PrunePlan> {
    let mut delete = Vec::new();
    let mut skipped = Vec::new();
    let mut tiers = Vec::new();
    for tier in Tier::ALL {
        let files = match logs::tier_files(&layout.log_dir, tier) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot list {}", layout.log_dir.display()));
            }
        };
        let before: u64 = files.iter().map(|f| f.size).sum();
        let mut total = 0u64;
        let mut over = false;
        for f in &files {
            if f.rotation == 0 {
                total += f.size;
                continue;
            }
            if !over && total + f.size <= RING_BYTES {
                total += f.size;
            } else {
                over = true;
                delete.push(PruneItem {
                    path: f.path.clone(),
                    bytes: f.size,
                    is_dir: false,
                    reason: PruneReason::BeyondRing,
                });
            }
        }
        tiers.push(TierUsage {
            tier,
            bytes_before: before,
            bytes_after: total,
        });
    }

    let restore_unfinished = layout.data_dir.join("restore.journal").exists();
    let now = SystemTime::now();
    let mut temps: Vec<PathBuf> = Vec::new();
    collect_temps(&layout.data_dir, &mut temps);
    let tmp_dir = layout.data_dir.join("tmp");
    if let Ok(rd) = std::fs::read_dir(&tmp_dir) {
        temps.extend(rd.flatten().map(|e| e.path()));
    }
    if let Ok(rd) = std::fs::read_dir(backup_dir) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            // `.tmp-backup-*` is where `talos backup create` builds an
            // archive; a killed backup leaves it behind.
            if name.ends_with(".tmp") || name.starts_with(crate::archive::create::TMP_PREFIX) {
                temps.push(e.path());
            }
        }
    }
    temps.sort();
    temps.dedup();
    for path in temps {
        // Belt and braces: the audit log is evidence, whatever its name.
        if super::is_within(&path, &layout.audit_dir) {
            continue;
        }
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(_) => continue,
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with(".restore-staging-") && restore_unfinished {
            skipped.push(Skipped {
                path,
                why: "restore.journal shows an unfinished restore that may need it".into(),
            });
            continue;
        }
        let recent = tree_mtime(&path)
            .and_then(|m| now.duration_since(m).ok())
            .is_none_or(|age| age < TEMP_GRACE);
        if recent {
            skipped.push(Skipped {
                path,
                why: "modified in the last 15 minutes: a backup or restore may be writing it"
                    .into(),
            });
            continue;
        }
        delete.push(PruneItem {
            bytes: tree_size(&path),
            is_dir: meta.is_dir(),
            path,
            reason: PruneReason::Temporary,
        });
    }
    let bytes = delete.iter().map(|d| d.bytes).sum();
    Ok(PrunePlan {
        ring_bytes: RING_BYTES,
        tiers,
        delete,
        skipped,
        bytes,
    })
}

/// Temporary files anywhere under DATA_DIR (not following links; a staging
/// directory is one item and not entered).
fn collect_temps(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Ok(ft) = e.file_type() else { continue };
        if is_temp_name(&name) && (ft.is_file() || ft.is_dir()) {
            out.push(e.path());
        } else if ft.is_dir() {
            collect_temps(&e.path(), out);
        }
    }
}

/// What a prune did: bytes freed and the items that could not be deleted.
#[derive(Debug, Clone, Serialize)]
pub struct PruneOutcome {
    pub freed: u64,
    pub deleted: Vec<PathBuf>,
    pub failed: Vec<Skipped>,
}

/// Deletes what the plan lists, carrying on past an item it cannot delete,
/// and records what happened in the audit chain (`log_prune`), so every
/// caller gets the record. The deletions stand even when the record fails
/// (that error is returned).
pub fn apply(layout: &Layout, plan: &PrunePlan) -> Result<PruneOutcome> {
    let out = delete(plan);
    crate::audit::record_operator_action(
        layout,
        "log_prune",
        serde_json::json!({
            "deleted": out.deleted, "bytes_freed": out.freed, "failed": out.failed,
        }),
    )?;
    Ok(out)
}

/// Deletes what the plan lists, carrying on past an item it cannot delete
/// so the outcome (and its audit record) says exactly what happened.
fn delete(plan: &PrunePlan) -> PruneOutcome {
    let mut out = PruneOutcome {
        freed: 0,
        deleted: Vec::new(),
        failed: Vec::new(),
    };
    for item in &plan.delete {
        let r = if item.is_dir {
            std::fs::remove_dir_all(&item.path)
        } else {
            std::fs::remove_file(&item.path)
        };
        match r {
            Ok(()) => {
                out.freed += item.bytes;
                out.deleted.push(item.path.clone());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => out.failed.push(Skipped {
                path: item.path.clone(),
                why: e.to_string(),
            }),
        }
    }
    out
}
