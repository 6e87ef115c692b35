//! `talos doctor --fix`: the safe, reversible repairs a finding may carry.
//!
//! A check attaches an `Action` only when its evidence says the repair
//! cannot hurt (a PID file whose process is gone and whose daemon shows no
//! other sign of life, a lock whose recorded holder is gone, a mode looser
//! than the layout allows, a WAL that a passive checkpoint can shrink).
//! `apply` checks that evidence again right before it acts, since minutes
//! may have passed at a prompt, records each repair in the audit chain, and
//! says what it changed. Every other finding stays advice.
//!
//! To add a repair: a variant here, its precondition in `still_safe`, its
//! effect in `perform`, and the check that attaches it.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;

use crate::config::Settings;
use crate::error::{Error, Result};
use crate::install::Layout;
use crate::process::{PidStatus, StaleReason};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Remove a PID file whose process is verified gone.
    RemoveStalePidFile { path: PathBuf, content: String },
    /// Remove a lock file whose recorded PID is gone.
    RemoveStaleLock { path: PathBuf, pid: u32 },
    /// Tighten a mode to the one the layout requires.
    Chmod { path: PathBuf, from: u32, to: u32 },
    /// A PASSIVE WAL checkpoint (never waits, safe beside the daemon).
    WalCheckpoint { db: PathBuf },
    /// Remove a leftover of an interrupted operation whose owner lock is
    /// free (`crate::leftovers`).
    RemoveLeftover { path: PathBuf, operation: String },
}

impl Action {
    /// One line saying what it does, for the prompt and the report.
    pub fn describe(&self) -> String {
        match self {
            Action::RemoveStalePidFile { path, content } => format!(
                "remove the stale PID file {} (it held {:?}; no such daemon runs)",
                path.display(),
                content.trim()
            ),
            Action::RemoveStaleLock { path, pid } => {
                format!(
                    "remove the stale lock {} (PID {pid} is gone)",
                    path.display()
                )
            }
            Action::Chmod { path, from, to } => {
                format!("chmod {to:04o} {} (was {from:04o})", path.display())
            }
            Action::WalCheckpoint { db } => {
                format!(
                    "checkpoint the WAL of {} (TRUNCATE, or PASSIVE while the daemon runs)",
                    db.display()
                )
            }
            Action::RemoveLeftover { path, operation } => format!(
                "remove {} left by an interrupted {operation} (its owner's lock is free)",
                path.display()
            ),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Action::RemoveStalePidFile { .. } => "remove_stale_pid_file",
            Action::RemoveStaleLock { .. } => "remove_stale_lock",
            Action::Chmod { .. } => "chmod",
            Action::WalCheckpoint { .. } => "wal_checkpoint",
            Action::RemoveLeftover { .. } => "remove_leftover",
        }
    }
}

/// What happened to one action.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub action: Action,
    pub description: String,
    /// `applied`, or `skipped` when its evidence changed since the check.
    pub outcome: &'static str,
    pub detail: Option<String>,
    /// The audit record of the repair.
    pub audit_seq: Option<u64>,
}

fn read_small(path: &Path) -> Option<String> {
    use std::io::Read;
    let f = crate::fsutil::open_regular(path).ok()?;
    let mut s = String::new();
    f.take(4096).read_to_string(&mut s).ok()?;
    Some(s)
}

pub fn pid_alive(pid: u32) -> bool {
    if pid == 0 || pid > i32::MAX as u32 {
        return false;
    }
    !matches!(
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), None),
        Err(nix::errno::Errno::ESRCH)
    )
}

/// Why the action is no longer safe, if it is not.
fn still_safe(a: &Action, layout: &Layout, settings: &Settings) -> Option<String> {
    match a {
        Action::RemoveStalePidFile { path, content } => {
            if read_small(path).as_deref() != Some(content.as_str()) {
                return Some("the PID file changed since the check".into());
            }
            match crate::process::check_pid_file(path, &settings.process_match.value) {
                Ok(PidStatus::Stale {
                    reason: StaleReason::Dead | StaleReason::Unreadable { .. },
                    ..
                }) => {}
                Ok(_) => return Some("the PID file now names a live process".into()),
                Err(e) => return Some(e.message),
            }
            if let Some(age) = crate::daemon::heartbeat::heartbeat_alive(
                &layout.heartbeat(),
                crate::daemon::heartbeat::HEARTBEAT_WATCH,
            ) {
                return Some(format!(
                    "the heartbeat is being rewritten ({age:.1}s old): a daemon runs"
                ));
            }
            match super::procs::running(layout, &settings.process_match.value) {
                Ok(p) if p.is_empty() => None,
                Ok(p) => Some(format!("orchestrator process(es) run: {p:?}")),
                Err(e) => Some(e.message),
            }
        }
        Action::RemoveStaleLock { path, pid } => {
            let text = read_small(path)?;
            if super::checks::lock_pid(&text) != Some(*pid) {
                return Some("the lock file changed since the check".into());
            }
            pid_alive(*pid).then(|| format!("PID {pid} is alive again"))
        }
        Action::Chmod { path, from, .. } => {
            let meta = std::fs::symlink_metadata(path).ok()?;
            if meta.file_type().is_symlink() {
                return Some("it is a symbolic link".into());
            }
            (meta.permissions().mode() & 0o7777 != *from)
                .then(|| "its mode changed since the check".into())
        }
        Action::WalCheckpoint { .. } => None,
        Action::RemoveLeftover { path, .. } => match current_leftover(path, layout, settings) {
            Some(l) if l.in_use => Some("its owner's lock is held again: in use".into()),
            Some(_) => None,
            None => Some("it is no longer a leftover of this installation".into()),
        },
    }
}

/// `path` as the leftovers scan sees it now.
fn current_leftover(
    path: &Path,
    layout: &Layout,
    settings: &Settings,
) -> Option<crate::leftovers::Leftover> {
    crate::leftovers::find(layout, std::slice::from_ref(&settings.backup_dir.value))
        .into_iter()
        .find(|l| l.path == path)
}

fn perform(a: &Action, layout: &Layout, settings: &Settings) -> Result<Option<String>> {
    match a {
        Action::RemoveLeftover { path, .. } => {
            let Some(l) = current_leftover(path, layout, settings) else {
                return Ok(Some("already gone".into()));
            };
            if crate::leftovers::remove_stale(std::slice::from_ref(&l)).is_empty() {
                return Err(Error::failed(format!("cannot remove {}", path.display()))
                    .hint("check its owner and mode, then `talos repair leftovers`"));
            }
            Ok(Some(crate::units::human_bytes(l.bytes)))
        }
        Action::RemoveStalePidFile { path, .. } | Action::RemoveStaleLock { path, .. } => {
            match std::fs::remove_file(path) {
                Ok(()) => Ok(None),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Ok(Some("already gone".into()))
                }
                Err(e) => Err(Error::from(e).hint(format!("cannot remove {}", path.display()))),
            }
        }
        Action::Chmod { path, to, .. } => {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(*to))
                .map_err(|e| Error::from(e).hint(format!("cannot chmod {}", path.display())))?;
            Ok(None)
        }
        Action::WalCheckpoint { db } => {
            // As `talos db checkpoint`: TRUNCATE (the WAL back to 0 bytes)
            // only when no daemon runs, PASSIVE beside a running one.
            let running = super::procs::running(layout, &settings.process_match.value)?;
            let mode = if running.is_empty() {
                crate::db::CheckpointMode::Truncate
            } else {
                crate::db::CheckpointMode::Passive
            };
            let r = crate::db::checkpoint(db, mode)?;
            Ok(Some(
                serde_json::to_value(&r)
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
            ))
        }
    }
}

/// Applies `actions` one by one: re-checks each, acts, records it in the
/// audit chain (action `doctor_fix`). A repair whose evidence changed is
/// skipped, not forced.
pub fn apply(actions: &[Action], layout: &Layout, settings: &Settings) -> Vec<Applied> {
    let mut out = Vec::new();
    for a in actions {
        let description = a.describe();
        if let Some(why) = still_safe(a, layout, settings) {
            out.push(Applied {
                action: a.clone(),
                description,
                outcome: "skipped",
                detail: Some(why),
                audit_seq: None,
            });
            continue;
        }
        match perform(a, layout, settings) {
            Ok(detail) => {
                let audit_seq = crate::audit::record_operator_action(
                    layout,
                    "doctor_fix",
                    json!({"fix": a.name(), "action": a, "detail": detail}),
                )
                .ok()
                .map(|r| r.seq);
                out.push(Applied {
                    action: a.clone(),
                    description,
                    outcome: "applied",
                    detail,
                    audit_seq,
                });
            }
            Err(e) => out.push(Applied {
                action: a.clone(),
                description,
                outcome: "failed",
                detail: Some(e.message),
                audit_seq: None,
            }),
        }
    }
    out
}
