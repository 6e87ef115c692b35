//! `talos recover`: choose a preserve, plan what it puts back, and put it
//! back.
//!
//! Recover restores STATE_DIR's files and the task queue from a preserve.
//! It creates and overwrites, never deletes: a file in STATE_DIR that the
//! preserve does not hold is left as it is (listed as kept). The heartbeat
//! is not put back (a past heartbeat would only mislead health checks), and
//! the configuration and logs in the preserve are for reading only.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::preserve::{self, Unpacked};
use super::state::{self, EmergencyState};
use crate::config::Settings;
use crate::error::{Context, Error, ExitStatus, Result};
use crate::fsutil;
use crate::install::Layout;
use crate::process::{PidStatus, check_pid_file};

/// How a file that recover never puts back (config, logs) is described.
pub const READ_ONLY: &str = "kept in the preserve for reading only";

/// Which preserve to use and why that one.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub archive: PathBuf,
    pub because: &'static str,
}

/// The archive given on the command line, else the one emergency_state.json
/// names (when it still exists), else the newest preserve.
pub fn choose(
    layout: &Layout,
    given: Option<&Path>,
    state: Option<&EmergencyState>,
) -> Result<Choice> {
    if let Some(g) = given {
        return Ok(Choice {
            archive: g.to_path_buf(),
            because: "given on the command line",
        });
    }
    if let Some(p) = state.and_then(EmergencyState::preserve_path)
        && p.is_file()
    {
        return Ok(Choice {
            archive: p,
            because: "named in emergency_state.json",
        });
    }
    let dir = layout.preserves_dir();
    match preserve::list(&dir)?.pop() {
        Some(newest) => Ok(Choice {
            archive: newest.path,
            because: "the newest preserve",
        }),
        None => Err(Error::failed(format!(
            "no emergency preserve in {}",
            dir.display()
        ))
        .hint("a preserve is written by `talos panic` (unless --no-state); give one explicitly with `talos recover ARCHIVE`")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Overwrite,
    Unchanged,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedFile {
    /// Path inside the archive.
    pub from: String,
    pub target: PathBuf,
    pub action: Action,
    pub size: u64,
    #[serde(skip)]
    mode: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
    /// Archive files recover does not put back, with why.
    pub not_restored: Vec<String>,
    /// Files in STATE_DIR the preserve does not hold; left as they are.
    pub kept: Vec<PathBuf>,
    /// State files of the preserve that are not valid (a `.json` that does
    /// not parse): not put back, the current file is kept; each with why.
    pub invalid: Vec<String>,
}

/// A staged `.json` state file must parse before it replaces anything.
fn check_state_file(staged: &Path) -> std::result::Result<(), String> {
    let f = std::fs::File::open(staged).map_err(|e| e.to_string())?;
    serde_json::from_reader::<_, serde::de::IgnoredAny>(std::io::BufReader::new(f))
        .map(|_| ())
        .map_err(|e| format!("not valid JSON ({e})"))
}

impl Plan {
    pub fn changes(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.action != Action::Unchanged)
            .count()
    }
}

/// Refuses a target whose directories inside STATE_DIR are links (they
/// could point anywhere) or not directories.
fn check_parents(state_dir: &Path, target: &Path) -> Result<()> {
    let rel = target.strip_prefix(state_dir).unwrap_or(target);
    let mut cur = state_dir.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        cur.push(part);
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() || !m.is_dir() => {
                return Err(Error::refused(format!(
                    "{} is not a plain directory (a link or a file); recover will not write through it",
                    cur.display()
                ))
                .hint("move it aside and run `talos recover` again"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Builds the plan: every file of `state/` (but the heartbeat) back into
/// STATE_DIR, and `task_queue.json` (the archive's top-level copy wins over
/// `state/task_queue.json`) into STATE_DIR/task_queue.json.
pub fn plan(layout: &Layout, unpacked: &Unpacked) -> Result<Plan> {
    let mut files = Vec::new();
    let mut not_restored = Vec::new();
    let mut invalid = Vec::new();
    let top_queue = unpacked.files.contains_key("task_queue.json");
    for (path, (entry, mode)) in &unpacked.files {
        let target = if path == "task_queue.json" {
            layout.task_queue()
        } else if let Some(rel) = path.strip_prefix("state/") {
            if rel == "heartbeat" {
                not_restored.push(format!(
                    "{path}: a heartbeat from the past would mislead health checks"
                ));
                continue;
            }
            if rel == "task_queue.json" && top_queue {
                continue;
            }
            layout.state_dir.join(rel)
        } else {
            if path != "metadata.json" {
                not_restored.push(format!("{path}: {READ_ONLY}"));
            }
            continue;
        };
        check_parents(&layout.state_dir, &target)?;
        if target.extension().is_some_and(|e| e == "json")
            && let Err(why) = check_state_file(&unpacked.staged(path))
        {
            invalid.push(format!(
                "{path}: {why}; not put back, {} is kept as it is (the preserve keeps its copy)",
                target.display()
            ));
            continue;
        }
        let action = match std::fs::symlink_metadata(&target) {
            Err(_) => Action::Create,
            Ok(m)
                if m.is_file()
                    && crate::archive::hash_file(&target)
                        .ok()
                        .map(|(h, _)| h)
                        .as_deref()
                        == Some(entry.sha256.as_str()) =>
            {
                Action::Unchanged
            }
            Ok(m) if m.is_dir() => {
                return Err(Error::refused(format!(
                    "{} is a directory where the preserve has a file",
                    target.display()
                ))
                .hint("move it aside and run `talos recover` again"));
            }
            Ok(_) => Action::Overwrite,
        };
        files.push(PlannedFile {
            from: path.clone(),
            target,
            action,
            size: entry.size,
            mode: *mode,
        });
    }
    files.sort_by(|a, b| a.target.cmp(&b.target));
    let mut kept = Vec::new();
    collect_kept(&layout.state_dir, &files, &mut kept);
    kept.sort();
    Ok(Plan {
        files,
        not_restored,
        kept,
        invalid,
    })
}

fn collect_kept(dir: &Path, files: &[PlannedFile], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => collect_kept(&p, files, out),
            Ok(_) => {
                if !files.iter().any(|f| f.target == p) {
                    out.push(p);
                }
            }
            Err(_) => {}
        }
    }
}

/// Puts the planned files back, each by an atomic replace (temp file,
/// fsync, rename), from the staging copy that `preserve::unpack` checked.
/// Returns the number of files written.
pub fn apply(unpacked: &Unpacked, plan: &Plan) -> Result<usize> {
    let mut written = 0;
    for f in &plan.files {
        if f.action == Action::Unchanged {
            continue;
        }
        if let Some(parent) = f.target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let bytes = std::fs::read(unpacked.staged(&f.from))
            .with_context(|| format!("cannot read the staged copy of {}", f.from))?;
        let mode = match f.mode & 0o777 {
            0 => crate::install::SECRET_FILE_MODE,
            m => m,
        };
        fsutil::write_atomic(&f.target, &bytes, mode)?;
        written += 1;
    }
    Ok(written)
}

/// What the operator asked of `talos recover`.
#[derive(Debug, Clone, Default)]
pub struct RecoverOptions {
    /// The preserve to use (default: the record's, else the newest).
    pub archive: Option<PathBuf>,
    /// Work out the plan and change nothing.
    pub dry_run: bool,
}

/// Where the state comes back from.
// One value per run: boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Source {
    /// A preserve, checked and unpacked into staging, and what it puts back.
    Preserve {
        choice: Choice,
        unpacked: Unpacked,
        files: Plan,
        /// The PID file verified a running daemon: recover refuses.
        running: bool,
        pid: Option<u32>,
    },
    /// The panic left no preserve (`panic --no-state`): only the record is
    /// marked recovered, so it stops showing as pending.
    Nothing,
}

/// What recover would do: `--dry-run` shows it, the real run executes it.
pub struct Recovery {
    pub state_path: PathBuf,
    /// STATE_DIR, where the files go back.
    pub state_dir: PathBuf,
    /// emergency_state.json as read (None: absent or unreadable).
    pub emergency: Option<EmergencyState>,
    pub source: Source,
    pub warnings: Vec<String>,
}

/// The whole story of one recover.
pub struct RecoverReport {
    pub dry_run: bool,
    pub recovery: Recovery,
    /// Files put back (None with --dry-run).
    pub files_written: Option<usize>,
    pub marked: bool,
    pub audit_seq: Option<u64>,
    /// The state already matched the preserve and no panic waited to be
    /// marked recovered: nothing was asked, nothing changed.
    pub nothing_to_do: bool,
    pub exit: ExitStatus,
}

impl Recovery {
    /// Works out the recovery: the record, the preserve to use, its plan.
    pub fn prepare(layout: &Layout, settings: &Settings, given: Option<&Path>) -> Result<Recovery> {
        let state_path = layout.emergency_state();
        let mut warnings = Vec::new();
        let emergency = match state::read(&state_path) {
            Ok(s) => s,
            Err(e) => {
                warnings.push(format!(
                    "{}; it is left as it is and not marked recovered",
                    e.message
                ));
                None
            }
        };
        let choice = match choose(layout, given, emergency.as_ref()) {
            Ok(c) => c,
            // A panic with --no-state (or a daemon that preserved nothing)
            // leaves a record but no archive: nothing to put back, but the
            // record must not stay "pending" forever.
            Err(_)
                if given.is_none()
                    && emergency
                        .as_ref()
                        .is_some_and(|s| s.recovery_available && s.preserve_path().is_none())
                    && preserve::list(&layout.preserves_dir())?.is_empty() =>
            {
                return Ok(Recovery {
                    state_path,
                    state_dir: layout.state_dir.clone(),
                    emergency,
                    source: Source::Nothing,
                    warnings,
                });
            }
            Err(e) => return Err(e),
        };
        if given.is_none()
            && let Some(newest) = preserve::list(&layout.preserves_dir())?.pop()
            && newest.path != choice.archive
        {
            warnings.push(format!(
                "a newer preserve exists: {} (not named in emergency_state.json, e.g. from a panic that did not stop the daemon); `talos recover {}` uses it instead",
                newest.path.display(),
                newest.path.display()
            ));
        }
        let unpacked = preserve::unpack(&choice.archive)?;
        let files = plan(layout, &unpacked)?;
        let pid_status = check_pid_file(&layout.pid_file, &settings.process_match.value)?;
        Ok(Recovery {
            state_path,
            state_dir: layout.state_dir.clone(),
            emergency,
            source: Source::Preserve {
                choice,
                unpacked,
                files,
                running: matches!(pid_status, PidStatus::Verified { .. }),
                pid: pid_status.pid(),
            },
            warnings,
        })
    }

    /// The confirmation question.
    pub fn question(&self) -> String {
        match &self.source {
            Source::Nothing => format!(
                "No preserve to put back. Mark {} recovered?",
                self.state_path.display()
            ),
            Source::Preserve { choice, files, .. } => {
                let state_dir = &self.state_dir;
                if files.changes() == 0 {
                    format!(
                        "Nothing to put back: {} already matches {}. Mark the panic recovered?",
                        state_dir.display(),
                        choice.archive.display()
                    )
                } else {
                    format!(
                        "Put back {} file(s) from {} into {}?",
                        files.changes(),
                        choice.archive.display(),
                        state_dir.display()
                    )
                }
            }
        }
    }
}

/// The `talos recover` runbook: prepares the recovery, and unless
/// `dry_run`, refuses while the daemon runs, takes the emergency and
/// installation locks, asks `confirm` (given the recovery and the question;
/// an error declines), puts the files back, marks the record recovered and
/// records the recover in panic.log and the audit chain.
pub fn recover(
    layout: &Layout,
    settings: &Settings,
    opts: &RecoverOptions,
    confirm: &mut dyn FnMut(&Recovery, &str) -> Result<()>,
) -> Result<RecoverReport> {
    let recovery = Recovery::prepare(layout, settings, opts.archive.as_deref())?;
    execute(layout, recovery, opts.dry_run, confirm)
}

/// Executes a prepared recovery (or, with `dry_run`, only reports it).
pub fn execute(
    layout: &Layout,
    mut recovery: Recovery,
    dry_run: bool,
    confirm: &mut dyn FnMut(&Recovery, &str) -> Result<()>,
) -> Result<RecoverReport> {
    if dry_run {
        return Ok(RecoverReport::unchanged(recovery, true, false));
    }
    if let Source::Preserve {
        running: true, pid, ..
    } = &recovery.source
    {
        return Err(Error::refused(format!(
            "the daemon is running (PID {}): recover would change its state files under it",
            pid.unwrap_or_default()
        ))
        .hint("stop it first (`talos panic --reason ...` or your service manager), then run `talos recover` again; `--dry-run` shows the plan meanwhile"));
    }
    if recovery.nothing_to_do() {
        return Ok(RecoverReport::unchanged(recovery, false, true));
    }
    let _emergency = super::lock(layout, "panic or recover")?;
    let _install = crate::locks::shared(layout, "recover")?;
    confirm(&recovery, &recovery.question())?;
    let (written, mut details) = put_back(&recovery)?;
    let (marked, mark_failed) = mark(&mut recovery)?;
    log_recover(layout, &mut recovery, written);
    details["emergency_state_marked"] = marked.into();
    let audit_seq = match crate::audit::record_operator_action(layout, "recover", details) {
        Ok(a) => Some(a.seq),
        Err(e) => {
            recovery.warnings.push(format!(
                "the recover could not be recorded in the audit chain: {e}"
            ));
            None
        }
    };
    Ok(RecoverReport {
        dry_run,
        exit: recovery.exit(mark_failed),
        recovery,
        files_written: Some(written),
        marked,
        audit_seq,
        nothing_to_do: false,
    })
}

impl RecoverReport {
    /// The report of a recover that changed nothing: a dry run, or nothing
    /// to do.
    fn unchanged(recovery: Recovery, dry_run: bool, nothing_to_do: bool) -> RecoverReport {
        RecoverReport {
            dry_run,
            exit: recovery.exit(false),
            recovery,
            files_written: None,
            marked: false,
            audit_seq: None,
            nothing_to_do,
        }
    }
}

impl Recovery {
    /// The state already matches the preserve and no panic waits to be
    /// marked recovered: nothing to ask (never "Put back 0 file(s)?").
    pub fn nothing_to_do(&self) -> bool {
        match &self.source {
            Source::Preserve { files, .. } => {
                files.changes() == 0
                    && !self
                        .emergency
                        .as_ref()
                        .is_some_and(|s| s.recovery_available)
            }
            Source::Nothing => false,
        }
    }

    /// How the recover ends: 1 when the record could not be marked, 3 when
    /// a state file of the preserve was corrupt (the rest is back, not all).
    fn exit(&self, mark_failed: bool) -> ExitStatus {
        match &self.source {
            _ if mark_failed => ExitStatus::Failed,
            Source::Preserve { files, .. } if !files.invalid.is_empty() => ExitStatus::Integrity,
            _ => ExitStatus::Ok,
        }
    }
}

/// Puts the files back; returns how many and the audit details so far.
fn put_back(recovery: &Recovery) -> Result<(usize, serde_json::Value)> {
    Ok(match &recovery.source {
        Source::Nothing => (0, serde_json::json!({"archive": null, "files_written": 0})),
        Source::Preserve {
            choice,
            unpacked,
            files,
            ..
        } => {
            let n = apply(unpacked, files)?;
            (
                n,
                serde_json::json!({
                    "archive": choice.archive,
                    "files_written": n,
                    "task_count": unpacked.task_count,
                }),
            )
        }
    })
}

/// Marks emergency_state.json recovered: (marked, failed). Without a
/// preserve a failure is the error; after files were put back it is a
/// warning and exit 1.
fn mark(recovery: &mut Recovery) -> Result<(bool, bool)> {
    let from = match &recovery.source {
        Source::Nothing => PathBuf::from("(no preserve)"),
        Source::Preserve { choice, .. } => choice.archive.clone(),
    };
    let Some(st) = recovery.emergency.as_mut() else {
        return Ok((false, false));
    };
    state::mark_recovered(
        st,
        &crate::timespec::now_rfc3339(),
        &crate::audit::operator_actor(),
        &from,
    );
    match state::write(&recovery.state_path, st) {
        Ok(()) => Ok((true, false)),
        Err(e) if matches!(recovery.source, Source::Nothing) => Err(e),
        Err(e) => {
            recovery.warnings.push(format!(
                "the state was put back, but {} could not be marked recovered: {e}",
                recovery.state_path.display()
            ));
            Ok((false, true))
        }
    }
}

fn log_recover(layout: &Layout, recovery: &mut Recovery, written: usize) {
    let Source::Preserve { choice, .. } = &recovery.source else {
        return;
    };
    let mut log = super::PanicLog::new(&layout.panic_log());
    log.info(&format!(
        "recover: {written} file(s) put back from {}",
        choice.archive.display()
    ));
    if let Some(f) = log.failure.take() {
        recovery.warnings.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emergency::preserve::{Request, create, unpack};

    /// A preserve of `layout` as it is now, by a test operator.
    fn preserve(layout: &Layout) -> crate::emergency::preserve::Created {
        create(
            layout,
            &Request {
                reason: "t".into(),
                method: "api".into(),
                pid: None,
                created_by: "operator:t".into(),
                now: "2026-01-01T00:00:00Z".parse().unwrap(),
            },
        )
        .unwrap()
    }

    #[test]
    fn plan_and_apply_put_the_queue_back_and_keep_extras() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        std::fs::create_dir_all(layout.sessions_dir()).unwrap();
        std::fs::write(layout.task_queue(), "[1,2,3]").unwrap();
        std::fs::write(layout.heartbeat(), "old").unwrap();
        std::fs::write(layout.sessions_dir().join("a.json"), "{}").unwrap();
        let c = preserve(&layout);
        std::fs::write(layout.task_queue(), "[]").unwrap();
        std::fs::write(layout.state_dir.join("new.json"), "{}").unwrap();
        std::fs::remove_file(layout.sessions_dir().join("a.json")).unwrap();

        let u = unpack(&c.path).unwrap();
        let p = plan(&layout, &u).unwrap();
        let by_target = |t: &Path| p.files.iter().find(|f| f.target == t).unwrap().action;
        assert_eq!(by_target(&layout.task_queue()), Action::Overwrite);
        assert_eq!(
            by_target(&layout.sessions_dir().join("a.json")),
            Action::Create
        );
        assert!(p.files.iter().all(|f| !f.target.ends_with("heartbeat")));
        assert!(p.kept.contains(&layout.state_dir.join("new.json")));
        assert_eq!(p.changes(), 2);
        assert_eq!(apply(&u, &p).unwrap(), 2);
        assert_eq!(
            std::fs::read_to_string(layout.task_queue()).unwrap(),
            "[1,2,3]"
        );
        assert!(layout.state_dir.join("new.json").exists());
        // Applying the same preserve again changes nothing.
        assert_eq!(plan(&layout, &u).unwrap().changes(), 0);
    }

    #[test]
    fn a_linked_directory_in_state_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        std::fs::create_dir_all(layout.sessions_dir()).unwrap();
        std::fs::write(layout.sessions_dir().join("a.json"), "{}").unwrap();
        let c = preserve(&layout);
        std::fs::remove_dir_all(layout.sessions_dir()).unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, layout.sessions_dir()).unwrap();
        let u = unpack(&c.path).unwrap();
        assert_eq!(plan(&layout, &u).unwrap_err().exit_code(), 4);
    }
}
