//! The restore engine, one operation ([`run`]): plan from the archive's
//! metadata.json and manifest.json ([`plan`], the value `--dry-run` shows),
//! verify into staging in one pass, swap each component into place by
//! rename under a journal, save what was replaced, validate, record.
//! `--resume` and `--abort` ([`resume`], [`abort`]) finish or undo one
//! that was interrupted.
//!
//! Safety rules, in order:
//! 1. One restore per installation: an exclusive `flock` on the installation
//!    root directory (no lock file, so nothing is left behind; the kernel
//!    drops it when the holder dies).
//! 2. The archive is verified completely, in one pass, into a private
//!    staging directory (0700) in DATA_DIR, on the destination's file system.
//!    Nothing outside staging is touched until verification passed.
//! 3. The current content of the components to replace is saved as a backup
//!    archive in DATA_DIR/restore_rollback/.
//! 4. The swap is a list of renames (RENAME_NOREPLACE) recorded in
//!    DATA_DIR/restore.journal after each one; every rename is idempotent to
//!    check (source there and target absent → to do; the reverse → done), so
//!    `--resume` and `--abort` are exact after a kill at any point.
//! 5. No path is written through a symbolic link: the ancestors of every
//!    path the swap touches must be real directories; a component directory
//!    that is itself a link is moved aside as a link, never followed.

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use super::journal::{self, Journal, State};
use super::plan::{self, AuxStaging, Placement, Plan};
use super::read::{Head, ReadOptions, Verified, read_archive};
use super::validate::{self, Report};
use crate::error::{Context, Error, ExitStatus, Result};
use crate::install::{Component, Layout};

pub const STAGING_PREFIX: &str = ".restore-staging-";

/// Test-only crash hook. With `TALOS_TEST_CRASH_AT=N` in the environment,
/// the process kills itself with SIGKILL at the N-th crash point (1-based):
/// after the rollback archive, after the journal is created, after every
/// rename and after every journal update, after commit, after cleanup, after
/// validation. The crash tests use it to hit every step deterministically;
/// nothing else should ever set it.
///
/// `TALOS_TEST_PAUSE_AT=N` instead sleeps 3 s at that point (holding the
/// lock), so a test can start a second restore against a running one.
///
/// Compiled only with the `test-hooks` feature; without it a no-op.
#[cfg(feature = "test-hooks")]
fn crash_point() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, Ordering::SeqCst) + 1;
    if let Ok(v) = std::env::var("TALOS_TEST_PAUSE_AT")
        && v.parse::<usize>().ok() == Some(n)
    {
        std::thread::sleep(std::time::Duration::from_secs(3));
    }
    if let Ok(v) = std::env::var("TALOS_TEST_CRASH_AT")
        && v.parse::<usize>().ok() == Some(n)
    {
        let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGKILL);
        std::process::abort();
    }
}

#[cfg(not(feature = "test-hooks"))]
fn crash_point() {}

/// Test-only: with `TALOS_TEST_PAUSE_AFTER_HEAD=PATH`, once the archive's
/// head is read (the plan is made from it), creates `PATH.waiting` and
/// waits, at most 60 s, for PATH to exist: a test changes the archive
/// between the plan and the full read. Compiled only with `test-hooks`.
#[cfg(feature = "test-hooks")]
fn pause_after_head() {
    let Some(go) = std::env::var_os("TALOS_TEST_PAUSE_AFTER_HEAD").map(PathBuf::from) else {
        return;
    };
    let mut waiting = go.clone().into_os_string();
    waiting.push(".waiting");
    let _ = std::fs::write(&waiting, b"");
    let deadline = Instant::now() + std::time::Duration::from_secs(60);
    while !go.exists() && Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[cfg(not(feature = "test-hooks"))]
fn pause_after_head() {}

/// The exclusive restore lock: a `flock` on the installation's root
/// directory, held until dropped.
pub struct RestoreLock {
    _dir: std::fs::File,
}

pub fn lock(layout: &Layout) -> Result<RestoreLock> {
    if !layout.root.exists() {
        std::fs::create_dir_all(&layout.root)
            .with_context(|| format!("cannot create {}", layout.root.display()))?;
    }
    let dir = std::fs::File::open(&layout.root)
        .with_context(|| format!("cannot open {}", layout.root.display()))?;
    match dir.try_lock() {
        Ok(()) => Ok(RestoreLock { _dir: dir }),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::refused(format!(
            "another restore is running on {} (or a backup, recover or repair is using it)",
            layout.root.display()
        ))
        .hint("wait for it to finish; `talos status` shows an unfinished restore")),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(Error::failed(format!("cannot lock {}", layout.root.display())).with_source(e))
        }
    }
}

/// The installation with its root made absolute and canonical (links and
/// `..` resolved), so the journal records the one path that names it and a
/// copy of the installation elsewhere, or a run from another working
/// directory, never acts on it by mistake. A root that does not exist yet is
/// made absolute only.
pub fn canonical_layout(layout: &Layout) -> Result<Layout> {
    let root = &layout.root;
    let abs = if root.is_absolute() {
        root.clone()
    } else {
        std::env::current_dir()
            .context("cannot read the current directory")?
            .join(root)
    };
    let canon = match abs.canonicalize() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => abs.components().collect::<PathBuf>(),
        Err(e) => {
            return Err(Error::from(e).hint(format!("cannot resolve {}", abs.display())));
        }
    };
    Ok(Layout::new(canon))
}

/// Refuses when another restore runs (lock held) or one was interrupted
/// (journal without a lock holder). The lock is released again.
pub fn check_not_busy(layout: &Layout) -> Result<()> {
    let layout = &canonical_layout(layout)?;
    let _lock = lock(layout)?;
    refuse_if_unfinished(layout)
}

/// Refuses while a journal says a restore was interrupted (call with the
/// lock held: a journal and a lock holder mean a restore is running).
pub fn refuse_if_unfinished(layout: &Layout) -> Result<()> {
    if let Some(j) = journal::load(layout)? {
        return Err(Error::refused(format!(
            "a restore of {} into {} was interrupted at step {} of {} (started {}, PID {})",
            j.archive.display(),
            j.root.display(),
            j.done,
            j.moves.len(),
            j.started_at,
            j.pid
        ))
        .hint(format!(
            "finish it with `talos restore --resume{}` or put the previous state back with `talos restore --abort{}`",
            target_flag(layout),
            target_flag(layout)
        )));
    }
    Ok(())
}

fn target_flag(layout: &Layout) -> String {
    crate::install::root_flag(&layout.root)
}

/// What the restore did about the daemon. A restore always works on files
/// (the offline path, docs/format.md); with --stop-daemon it stops a verified
/// daemon by SIGTERM to its PID first.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DaemonStop {
    pub was_running: bool,
    pub stopped: bool,
    pub pid: Option<u32>,
}

impl DaemonStop {
    /// A later check (the daemon may have been started while we verified).
    pub fn merge(&mut self, later: DaemonStop) {
        self.was_running |= later.was_running;
        self.stopped |= later.stopped;
        self.pid = self.pid.or(later.pid);
    }
}

/// What [`check_daemon`] says while it stops the daemon.
pub enum DaemonEvent {
    Stopping {
        pid: u32,
    },
    /// How the signal is sent (through a pidfd or by `kill`).
    Signalling {
        pid: u32,
        how: &'static str,
    },
    Stopped,
}

/// Refuses (exit 4) while a verified daemon runs, unless `stop` asks to stop
/// it: SIGTERM to the verified PID (re-verified before the signal), then a
/// bounded wait (20 s).
pub fn check_daemon(
    layout: &Layout,
    process_match: &str,
    stop: bool,
    on: &dyn Fn(DaemonEvent),
) -> Result<DaemonStop> {
    let st = crate::process::check_pid_file(&layout.pid_file, process_match)?;
    let Some(v) = st.verified() else {
        return Ok(DaemonStop::default());
    };
    let v = v.with_match(process_match);
    if !stop {
        return Err(Error::refused(format!(
            "the daemon is running (PID {}); a restore under a live daemon would be overwritten by it",
            v.pid()
        ))
        .hint("stop it first, or add --stop-daemon to stop it gracefully"));
    }
    on(DaemonEvent::Stopping { pid: v.pid() });
    on(DaemonEvent::Signalling {
        pid: v.pid(),
        how: v.signal_path(),
    });
    v.signal(nix::sys::signal::Signal::SIGTERM)?;
    if !v.wait_exit(std::time::Duration::from_secs(20)) {
        return Err(Error::refused(format!(
            "the daemon (PID {}) did not exit within 20 s of SIGTERM; nothing was restored",
            v.pid()
        ))
        .hint("`talos panic --reason restore` stops it by escalation"));
    }
    on(DaemonEvent::Stopped);
    Ok(DaemonStop {
        was_running: true,
        stopped: true,
        pid: Some(v.pid()),
    })
}

/// Removes staging directories of restores killed before their journal was
/// written (they changed nothing). Returns what was removed.
pub fn remove_stale_staging(layout: &Layout) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&layout.data_dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(STAGING_PREFIX)
                && std::fs::remove_dir_all(e.path()).is_ok()
            {
                out.push(e.path());
            }
        }
    }
    out
}

/// How a restore treats a running daemon ([`check_daemon`]).
#[derive(Debug, Clone, Default)]
pub struct DaemonCheck {
    /// `orchestrator.process_match`: how the daemon's process is recognised.
    pub process_match: String,
    /// `--stop-daemon`: stop a verified daemon instead of refusing.
    pub stop: bool,
}

#[derive(Debug, Clone)]
pub struct RestoreOptions {
    pub archive: PathBuf,
    pub components: Option<Vec<Component>>,
    pub new_host: bool,
    /// Append to restore.log and the audit chain (false for drill scratch roots).
    pub record: bool,
    /// Save the replaced content first (false only for a scratch root).
    pub rollback: bool,
    /// The daemon check of [`run`] (the drill's scratch root has no daemon).
    pub daemon: DaemonCheck,
}

/// What a restore tells its caller while it runs.
pub enum Event<'a> {
    /// A staging directory left by a restore killed before it changed
    /// anything was removed.
    StaleStagingRemoved(&'a Path),
    /// The daemon is being stopped (`--stop-daemon`).
    Daemon(DaemonEvent),
    /// Compressed bytes of the archive read so far, of `total`.
    Verifying { read: u64, total: u64 },
    /// The archive is verified and staged and the plan made: next is the
    /// confirmation.
    Verified,
    /// The swap begins: the replaced content is moved aside, then saved to
    /// `rollback_dir`.
    Swapping { rollback_dir: &'a Path },
}

/// A restore that ran: the plan it showed and executed, what it did about
/// the daemon, and its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub plan: Plan,
    pub daemon: DaemonStop,
    pub outcome: Outcome,
}

impl Restored {
    pub fn exit_status(&self) -> ExitStatus {
        self.outcome.exit_status()
    }
}

/// A restore as one operation (docs/backup.md "Restore"): refuse while
/// another restore runs or one was interrupted, check the daemon (stopping
/// it with `--stop-daemon`), plan from the archive's metadata.json and
/// manifest.json while the archive is verified into staging in its one
/// pass, ask `confirm` with the plan (false: refused, nothing changed),
/// check the daemon again, then swap, write the rollback archive, validate
/// and record in restore.log and the audit chain.
pub fn run(
    layout: &Layout,
    opts: &RestoreOptions,
    confirm: &mut dyn FnMut(&Plan) -> Result<bool>,
    on: &dyn Fn(Event),
) -> Result<Restored> {
    let layout = &canonical_layout(layout)?;
    // Fail fast on what would refuse later anyway.
    check_not_busy(layout)?;
    // Ctrl-C / SIGTERM before the swap: staging removed, locks released;
    // once the journal exists the swap is finished with --resume/--abort.
    let _scope = crate::interrupt::Scope::enter();
    let on_daemon = |e| on(Event::Daemon(e));
    let mut daemon = check_daemon(
        layout,
        &opts.daemon.process_match,
        opts.daemon.stop,
        &on_daemon,
    )?;
    let total = std::fs::metadata(&opts.archive)
        .map(|m| m.len())
        .unwrap_or(0);
    let prepared = prepare(layout, opts, &|read| on(Event::Verifying { read, total }))?;
    for s in &prepared.stale_removed {
        on(Event::StaleStagingRemoved(s));
    }
    on(Event::Verified);
    if !confirm(&prepared.plan)? {
        return Err(Error::refused(
            "declined at the confirmation prompt; nothing was changed",
        ));
    }
    // The daemon may have been started while we verified.
    daemon.merge(check_daemon(
        layout,
        &opts.daemon.process_match,
        opts.daemon.stop,
        &on_daemon,
    )?);
    on(Event::Swapping {
        rollback_dir: &layout.rollback_dir(),
    });
    let plan = prepared.plan.clone();
    let outcome = execute(prepared, opts)?;
    Ok(Restored {
        plan,
        daemon,
        outcome,
    })
}

/// A staging directory in DATA_DIR (mode 0700), removed when dropped
/// unless kept.
struct StagingDir {
    path: PathBuf,
    armed: bool,
}

impl StagingDir {
    /// Makes `path`, which must not exist.
    fn create(path: PathBuf) -> Result<StagingDir> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&path)
            .with_context(|| format!("cannot create a staging directory {}", path.display()))?;
        Ok(StagingDir { path, armed: true })
    }

    /// Renames it to `to` (which must not exist).
    fn rename(&mut self, to: PathBuf) -> Result<()> {
        nix::fcntl::renameat2(
            nix::fcntl::AT_FDCWD,
            &self.path,
            nix::fcntl::AT_FDCWD,
            &to,
            nix::fcntl::RenameFlags::RENAME_NOREPLACE,
        )
        .map_err(|e| {
            Error::failed(format!(
                "cannot rename {} to {}",
                self.path.display(),
                to.display()
            ))
            .with_source(e)
        })?;
        self.path = to;
        Ok(())
    }

    fn keep(mut self) -> PathBuf {
        self.armed = false;
        self.path.clone()
    }
}

impl Drop for StagingDir {
    fn drop(&mut self) {
        if self.armed {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// The staging directory of a restore of the archive with this manifest:
/// named after its digest, so the plan `--dry-run` shows names the very
/// directories the real run renames from and to.
pub fn staging_dir(layout: &Layout, manifest: &super::Manifest) -> PathBuf {
    use sha2::{Digest, Sha256};
    let bytes = serde_json::to_vec(manifest).unwrap_or_default();
    let digest = crate::audit::record::hex(&Sha256::digest(&bytes));
    layout
        .data_dir
        .join(format!("{STAGING_PREFIX}{}", &digest[..12]))
}

/// A verified archive staged and planned, ready to swap.
pub struct Prepared {
    /// The installation, with its canonical root.
    pub layout: Layout,
    pub verified: Verified,
    pub plan: Plan,
    pub stale_removed: Vec<PathBuf>,
    /// How long planning, verifying and staging took (part of the RTO).
    pub prepare_ms: u64,
    staging: Option<StagingDir>,
    created_data_dir: bool,
    _lock: RestoreLock,
}

impl Prepared {
    pub fn staging(&self) -> &Path {
        &self.plan.staging
    }
}

impl Drop for Prepared {
    fn drop(&mut self) {
        // Not executed (declined, failed): leave the tree as it was.
        if let Some(s) = self.staging.take() {
            drop(s);
            if self.created_data_dir {
                let _ = std::fs::remove_dir(&self.layout.data_dir);
            }
        }
    }
}

/// Components to restore: the `--partial` list (each must be in the
/// archive) or all of the archive's.
pub fn choose_components(
    archive: &Path,
    held: &[Component],
    partial: Option<&[Component]>,
) -> Result<Vec<Component>> {
    match partial {
        None => Ok(held.to_vec()),
        Some(list) => {
            for c in list {
                if !held.contains(c) {
                    return Err(Error::usage(format!(
                        "component {c} is not in {} (it holds: {})",
                        archive.display(),
                        crate::install::join_components(held)
                    ))
                    .hint("pick components the backup holds, or another backup"));
                }
            }
            Ok(super::ordered(list))
        }
    }
}

/// THE plan of restoring `archive` into `layout`, from what is cheap: the
/// archive's metadata.json and manifest.json (`head`) and the installation
/// as it is (per file: create, overwrite, unchanged, remove; the renames of
/// the swap; the audit chain decision). `--dry-run` prints it; the real run
/// shows it at its confirmation and executes it once the archive, verified
/// in full, proved to hold what `head` says.
pub fn plan(
    layout: &Layout,
    archive: &Path,
    head: &Head,
    partial: Option<&[Component]>,
) -> Result<Plan> {
    let comps = choose_components(archive, &head.components, partial)?;
    let staging = staging_dir(layout, &head.manifest);
    let (place, aux) = place_components(layout, &comps, &staging)?;
    let mut plan = plan::build_placed(
        layout,
        archive,
        &head.manifest,
        &comps,
        &staging,
        &place,
        aux,
    )?;
    if comps.contains(&Component::Logs) {
        let decision = plan::decide_audit(
            layout,
            head.metadata.audit_head.as_ref(),
            backup_chain_empty(&head.manifest),
            evidence_path(layout),
        )?;
        if plan.logs_staging != staging
            && matches!(
                decision,
                plan::AuditChain::Replace {
                    evidence: Some(_),
                    ..
                }
            )
        {
            return Err(Error::failed(format!(
                "the audit chain in {} must be kept as evidence in {}, but it is on another file system",
                layout.audit_dir.display(),
                layout.rollback_dir().display()
            ))
            .hint(format!(
                "nothing was changed; copy {} somewhere safe, then restore with `--partial` without logs, or into --target-dir",
                layout.audit_dir.display()
            )));
        }
        plan.set_audit(layout, decision);
    }
    for m in &plan.moves {
        super::check_no_symlink_ancestors(&layout.root, &m.from)?;
        super::check_no_symlink_ancestors(&layout.root, &m.to)?;
    }
    Ok(plan)
}

/// True when the backup's audit chain holds no record: no non-empty
/// `audit-*.jsonl` in its manifest.
fn backup_chain_empty(manifest: &super::Manifest) -> bool {
    !manifest.files.iter().any(|f| {
        f.size > 0
            && f.path
                .strip_prefix("logs/audit/")
                .is_some_and(|n| n.starts_with("audit-"))
    })
}

/// The archive read in full must hold what its head said: the plan was
/// made from the head. They differ only when the file changed between the
/// two reads.
fn check_agrees(archive: &Path, head: &Head, v: &Verified) -> Result<()> {
    if head.metadata == v.metadata && head.manifest == v.manifest && head.components == v.components
    {
        return Ok(());
    }
    Err(Error::integrity(format!(
        "{}: the archive read in full does not hold what the metadata.json and manifest.json at its start say, which the plan was made from (the file changed while it was read?)",
        archive.display()
    ))
    .hint("nothing was changed; run the restore again to plan from the archive as it is now, or use another backup"))
}

/// Verifies the archive (`verify`) while the plan is made from its head on
/// another thread; plans from the verified archive when it has no usable
/// head. Errors of the verification come first.
fn verify_and_plan(
    layout: &Layout,
    archive: &Path,
    partial: Option<&[Component]>,
    head: Option<&Head>,
    verify: &mut dyn FnMut() -> Result<Verified>,
) -> Result<(Verified, Plan)> {
    if let Some(h) = head {
        // A --partial component the archive lacks: said before reading it.
        choose_components(archive, &h.components, partial)?;
    }
    let (verified, planned) = std::thread::scope(|s| {
        let planning = head.map(|h| s.spawn(move || plan(layout, archive, h, partial)));
        let verified = verify();
        let planned = planning.map(|t| {
            t.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (verified, planned)
    });
    let verified = verified?;
    let plan = match (head, planned) {
        (Some(h), Some(p)) => {
            check_agrees(archive, h, &verified)?;
            p?
        }
        _ => plan(layout, archive, &verified.head(), partial)?,
    };
    Ok((verified, plan))
}

/// Step 1 (no change outside staging): lock, check for an unfinished
/// restore, then verify and extract the archive into staging while the
/// plan is made from its head ([`plan`]); the content checks on the staged
/// copy.
pub fn prepare(layout: &Layout, opts: &RestoreOptions, progress: &dyn Fn(u64)) -> Result<Prepared> {
    let prepare_started = Instant::now();
    let lock = lock(layout)?;
    let layout = &canonical_layout(layout)?;
    refuse_if_unfinished(layout)?;
    super::check_no_symlink_ancestors(&layout.root, &layout.data_dir.join("x"))?;
    // Files the restore writes after the swap: a link there is refused now,
    // before anything changes, not after the swap.
    for own in [layout.restore_log(), layout.rollback_dir()] {
        if std::fs::symlink_metadata(&own).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(crate::fsutil::link_refused(&own));
        }
    }
    if let Ok(m) = std::fs::symlink_metadata(&layout.data_dir)
        && !m.is_dir()
    {
        return Err(Error::refused(format!(
            "{} is not a directory (a link?); talos will not stage a restore through it",
            layout.data_dir.display()
        ))
        .hint("replace it with a real directory (mode 0700) and run again"));
    }
    let stale_removed = remove_stale_staging(layout);
    let created_data_dir = !layout.data_dir.exists();
    if created_data_dir {
        crate::fsutil::create_dir_mode(&layout.data_dir, crate::install::DATA_DIR_MODE)?;
    }
    let head = super::read::read_head(&opts.archive);
    pause_after_head();
    // Named after the manifest when the head gives it; otherwise renamed
    // so once the verified manifest does.
    let staging = StagingDir::create(match &head {
        Some(h) => staging_dir(layout, &h.manifest),
        None => layout
            .data_dir
            .join(format!("{STAGING_PREFIX}unplanned-{}", std::process::id())),
    });
    let mut staging = match staging {
        Ok(s) => s,
        Err(e) => {
            if created_data_dir {
                let _ = std::fs::remove_dir(&layout.data_dir);
            }
            return Err(e);
        }
    };
    let result = (|| {
        let new_dir = staging.path.join("new");
        std::fs::create_dir(&new_dir)
            .with_context(|| format!("cannot create {}", new_dir.display()))?;
        std::fs::create_dir(staging.path.join("old"))
            .with_context(|| format!("cannot create {}", staging.path.display()))?;
        let (verified, plan) = verify_and_plan(
            layout,
            &opts.archive,
            opts.components.as_deref(),
            head.as_ref(),
            &mut || {
                read_archive(
                    &opts.archive,
                    &ReadOptions {
                        extract_to: Some(&new_dir),
                        components: opts.components.as_deref(),
                        progress,
                    },
                )
            },
        )?;
        if staging.path != plan.staging {
            staging.rename(plan.staging.clone())?;
        }
        let new_dir = staging.path.join("new");
        let comps = &plan.components;
        // Every component directory (also one whose content stays, like a
        // kept audit chain) and the restore log: never through a link.
        for &c in comps {
            super::check_no_symlink_ancestors(&layout.root, &layout.component_dir(c))?;
        }
        if opts.record {
            super::check_no_symlink_ancestors(&layout.root, &layout.restore_log())?;
        }
        // Everything checkable is checked here, on the staged copy, before
        // the first rename. An undo (this installation's own rollback
        // archive) puts back what was there, damaged or not.
        if !is_own_rollback(layout, &opts.archive) {
            content_checks(&verified, &new_dir, comps)?;
        }
        check_aux_space(&plan.aux, &staging.path)?;
        Ok((verified, plan))
    })();
    match result {
        Ok((verified, plan)) => Ok(Prepared {
            layout: layout.clone(),
            verified,
            plan,
            stale_removed,
            prepare_ms: prepare_started.elapsed().as_millis() as u64,
            staging: Some(staging),
            created_data_dir,
            _lock: lock,
        }),
        Err(e) => {
            drop(staging);
            if created_data_dir {
                let _ = std::fs::remove_dir(&layout.data_dir);
            }
            Err(e)
        }
    }
}

/// True for an archive in this installation's DATA_DIR/restore_rollback/:
/// the undo of an earlier restore. It holds what the installation held, so
/// it is put back even when that content fails the content checks.
fn is_own_rollback(layout: &Layout, archive: &Path) -> bool {
    let rb = layout
        .rollback_dir()
        .canonicalize()
        .unwrap_or_else(|_| layout.rollback_dir());
    archive
        .canonicalize()
        .ok()
        .and_then(|a| a.parent().map(|p| p == rb))
        .unwrap_or(false)
}

/// Where a replaced audit chain that failed verification (or diverged from
/// the backup's) is kept as evidence.
/// Named from the clock when the plan is made (`-2`, `-3`, ... when that
/// name is taken), so the plan names it before the restore runs.
fn evidence_path(layout: &Layout) -> PathBuf {
    let now = crate::clock::now();
    let base = format!(
        "audit-replaced-{}",
        now.to_zoned(jiff::tz::TimeZone::UTC)
            .strftime("%Y%m%d_%H%M%S")
    );
    let mut path = layout.rollback_dir().join(&base);
    let mut n = 1;
    while std::fs::symlink_metadata(&path).is_ok() {
        n += 1;
        path = layout.rollback_dir().join(format!("{base}-{n}"));
    }
    path
}

/// The content checks of `validate::check_staged`, as an integrity error
/// naming every failure.
fn content_checks(verified: &Verified, new_dir: &Path, comps: &[Component]) -> Result<()> {
    let failed = validate::check_staged(new_dir, comps, verified.metadata.audit_head.as_ref());
    if failed.is_empty() {
        return Ok(());
    }
    let what: Vec<String> = failed
        .iter()
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect();
    Err(Error::integrity(format!(
        "{}: the backup's content fails its checks: {}",
        verified.path.display(),
        what.join("; ")
    ))
    .hint("nothing was changed; use another backup (`talos backup list`)"))
}

/// Where each component is swapped (docs/backup.md "Several file
/// systems"): renamed with DATA_DIR's staging directory when it is on that
/// file system; renamed with a sibling staging directory (same name, in the
/// component's parent or nearest existing ancestor) when it is on another;
/// swapped by contents, with the staging directory inside the mount, when
/// the component directory is itself a mount point. A mount point strictly
/// inside a component (which no rename can move) is refused before anything
/// changes.
fn place_components(
    layout: &Layout,
    comps: &[Component],
    main: &Path,
) -> Result<(BTreeMap<Component, Placement>, Vec<AuxStaging>)> {
    let dev_of = |p: &Path| std::fs::symlink_metadata(p).ok().map(|m| m.dev());
    let nearest = |p: &Path| -> Option<(PathBuf, u64)> {
        p.ancestors()
            .find_map(|a| dev_of(a).map(|d| (a.to_path_buf(), d)))
    };
    // The staging directory may not exist yet (a plan is made before it
    // is, and by --dry-run): it is made in DATA_DIR, on the file system of
    // its nearest existing ancestor.
    let main_dev = nearest(main)
        .map(|(_, d)| d)
        .ok_or_else(|| Error::failed(format!("cannot read {}", main.display())))?;
    let name = main.file_name().unwrap_or_default();
    let mut place = BTreeMap::new();
    let mut aux: Vec<AuxStaging> = Vec::new();
    for c in super::ordered(comps) {
        let dir = layout.component_dir(c);
        let meta = std::fs::symlink_metadata(&dir).ok();
        let parent = dir.parent().unwrap_or(&layout.root);
        let dir_dev = meta.as_ref().filter(|m| m.is_dir()).map(|m| m.dev());
        let parent_dev = nearest(parent).map(|(_, d)| d);
        let (st, contents) = match dir_dev {
            Some(d) if Some(d) != parent_dev => (dir.join(name), true),
            _ => {
                let Some((anchor, d)) = nearest(parent) else {
                    place.insert(c, Placement::Rename(main.to_path_buf()));
                    continue;
                };
                if d == main_dev {
                    place.insert(c, Placement::Rename(main.to_path_buf()));
                    continue;
                }
                (anchor.join(name), false)
            }
        };
        let i = match aux.iter().position(|a| a.dir == st) {
            Some(i) => i,
            None => {
                aux.push(AuxStaging {
                    dir: st.clone(),
                    components: Vec::new(),
                    contents: Vec::new(),
                });
                aux.len() - 1
            }
        };
        aux[i].components.push(c);
        if contents {
            aux[i].contents.push(c);
            place.insert(c, Placement::Contents(st));
        } else {
            place.insert(c, Placement::Rename(st));
        }
    }
    // Mount points inside a component: renaming (or moving the entries of)
    // the component would have to move them, which the kernel refuses.
    for &c in comps {
        let dir = layout.component_dir(c);
        let Some(d) = std::fs::symlink_metadata(&dir)
            .ok()
            .filter(|m| m.is_dir())
            .map(|m| m.dev())
        else {
            continue;
        };
        let config_by_contents = c == Component::Config
            && matches!(place.get(&Component::Config), Some(Placement::Contents(_)));
        for (sub, _) in layout.directories() {
            if !sub.starts_with(&dir) || sub == dir {
                continue;
            }
            if config_by_contents && sub.starts_with(&layout.ssl_dir) && sub == layout.ssl_dir {
                // Swapped on its own (or left in place) when config is
                // swapped by contents.
                continue;
            }
            if dev_of(&sub).is_some_and(|x| x != d) {
                return Err(Error::failed(format!(
                    "{} is a mount point inside {}, which a restore moves as a whole; it cannot be moved",
                    sub.display(),
                    dir.display()
                ))
                .hint("nothing was changed; restore into a --target-dir and move the data, or restore the other components with --partial"));
            }
        }
    }
    Ok((place, aux))
}

/// Staging on another file system never fills it: the copy of the new
/// content must leave the same margin as DATA_DIR's staging.
fn check_aux_space(aux: &[AuxStaging], main: &Path) -> Result<()> {
    for a in aux {
        let need: u64 = a
            .components
            .iter()
            .map(|&c| dir_size(&plan::staged_new(main, c)))
            .sum();
        let Some(parent) = a.dir.parent() else {
            continue;
        };
        let fs_size = nix::sys::statvfs::statvfs(parent)
            .map(|st| st.blocks() * st.fragment_size())
            .unwrap_or(0);
        let margin = (fs_size / 20).clamp(1024 * 1024, 256 * 1024 * 1024);
        if let Some(free) = super::free_space(parent)
            && free < need.saturating_add(margin)
        {
            return Err(Error::failed(format!(
                "not enough disk space to stage {} on the file system of {}: about {} needed, {} free",
                crate::install::join_components(&a.components),
                parent.display(),
                crate::units::human_bytes(need.saturating_add(margin)),
                crate::units::human_bytes(free)
            ))
            .hint("free space there and run again; nothing was changed"));
        }
    }
    Ok(())
}

/// Copies `from` to `to` (which must not exist): directories with their
/// modes, regular files synced. Staged content holds nothing else.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(from)
        .with_context(|| format!("cannot read {}", from.display()))?;
    if meta.is_dir() {
        std::fs::create_dir(to).with_context(|| format!("cannot create {}", to.display()))?;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700))?;
        for e in
            std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?
        {
            let e = e?;
            copy_tree(&e.path(), &to.join(e.file_name()))?;
        }
        crate::fsutil::sync_dir(to)?;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(meta.mode() & 0o7777))
            .with_context(|| format!("cannot set the mode of {}", to.display()))?;
    } else if meta.is_file() {
        std::fs::copy(from, to)
            .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
        std::fs::File::open(to)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("cannot sync {}", to.display()))?;
    }
    Ok(())
}

/// The `Staging` step: (re)creates each sibling staging directory and
/// copies in the new content of its components from DATA_DIR's staging.
/// A partial copy left by a kill is removed first, so it can be redone.
fn stage_aux(j: &Journal) -> Result<()> {
    for a in &j.aux_staging {
        if std::fs::symlink_metadata(&a.dir).is_ok() {
            std::fs::remove_dir_all(&a.dir)
                .with_context(|| format!("cannot remove {}", a.dir.display()))?;
        }
        crate::fsutil::create_dir_mode(&a.dir, 0o700)?;
        for sub in ["new", "old"] {
            std::fs::create_dir(a.dir.join(sub))
                .with_context(|| format!("cannot create {}", a.dir.join(sub).display()))?;
        }
        for &c in &a.components {
            let to = plan::staged_new(&a.dir, c);
            if let Some(p) = to.parent() {
                std::fs::create_dir_all(p)
                    .with_context(|| format!("cannot create {}", p.display()))?;
            }
            let from = plan::staged_new(&j.staging, c);
            if from.exists() {
                copy_tree(&from, &to)?;
            }
        }
        // A mount point swapped by contents: its entries are moved aside
        // into old/<component>, which carries the mount point's mode into
        // the rollback archive.
        for &c in &a.contents {
            let dir = Layout::new(&j.root).component_dir(c);
            let mode = std::fs::metadata(&dir)
                .map(|m| m.mode() & 0o7777)
                .unwrap_or(0o700);
            let old = plan::staged_old(&a.dir, c);
            std::fs::create_dir(&old)
                .with_context(|| format!("cannot create {}", old.display()))?;
            std::fs::set_permissions(&old, std::fs::Permissions::from_mode(mode))?;
        }
        for sub in ["new", "old", ""] {
            crate::fsutil::sync_dir(&a.dir.join(sub))?;
        }
        if let Some(p) = a.dir.parent() {
            crate::fsutil::sync_dir(p)?;
        }
    }
    Ok(())
}

/// Removes every staging directory of a journal (DATA_DIR's and the
/// siblings); returns the ones removed.
fn remove_journal_staging(j: &Journal) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for dir in std::iter::once(&j.staging).chain(j.aux_staging.iter().map(|a| &a.dir)) {
        if std::fs::symlink_metadata(dir).is_ok() {
            std::fs::remove_dir_all(dir)
                .with_context(|| format!("cannot remove {}", dir.display()))?;
            if let Some(p) = dir.parent() {
                crate::fsutil::sync_dir(p)?;
            }
            removed.push(dir.clone());
        }
    }
    Ok(removed)
}

/// Does or confirms one rename. Source present and target absent: rename.
/// Source absent: already done (or nothing to move). Both present: refuse.
fn apply_move(from: &Path, to: &Path) -> Result<()> {
    let exists = |p: &Path| std::fs::symlink_metadata(p).is_ok();
    match (exists(from), exists(to)) {
        (true, false) => {
            if let Some(parent) = to.parent()
                && !parent.exists()
            {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            nix::fcntl::renameat2(
                nix::fcntl::AT_FDCWD,
                from,
                nix::fcntl::AT_FDCWD,
                to,
                nix::fcntl::RenameFlags::RENAME_NOREPLACE,
            )
            .map_err(|e| {
                Error::failed(format!("cannot rename {} to {}", from.display(), to.display()))
                    .with_source(e)
            })?;
            for d in [to.parent(), from.parent()].into_iter().flatten() {
                crate::fsutil::sync_dir(d)?;
            }
            Ok(())
        }
        (false, _) => Ok(()),
        (true, true) => Err(Error::failed(format!(
            "cannot rename {} to {}: both exist",
            from.display(),
            to.display()
        ))
        .hint("something changed the installation during the restore; inspect both, then `talos restore --abort`")),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub archive: PathBuf,
    pub root: PathBuf,
    pub components: Vec<Component>,
    pub rollback: Option<PathBuf>,
    pub validation: Report,
    pub new_host: Vec<String>,
    pub duration_ms: u64,
    /// Time until the installation was restored: verify and stage, then
    /// every rename (not the confirmation, nor the rollback archive,
    /// cleanup and validation after it). After `--resume`: since the resume.
    pub rto_ms: u64,
    pub resumed: bool,
    /// What became of the audit chain in place, when logs were restored.
    pub audit: Option<plan::AuditChain>,
    /// Older rollback archives deleted (only the newest are kept).
    pub pruned_rollbacks: Vec<PathBuf>,
}

impl Outcome {
    /// How the restore ends: restored and validated, or a validation check
    /// failed (the rollback archive undoes it).
    pub fn exit_status(&self) -> ExitStatus {
        if self.validation.ok {
            ExitStatus::Ok
        } else {
            ExitStatus::Failed
        }
    }

    /// The command that undoes this restore (restoring its rollback archive).
    pub fn undo_command(&self) -> Option<String> {
        let root = target_flag(&Layout::new(&self.root));
        self.rollback
            .as_ref()
            .map(|r| format!("talos restore {} --yes{root}", r.display()))
    }
}

/// Step 2: journal, stage on other file systems, swap (the installation
/// is restored here: the replaced directories, moved aside by rename, are
/// the undo), then the rollback archive from them, commit, clean up,
/// validate.
/// Swaps the prepared restore into place: the rollback archive, the
/// journalled renames, validation, the records in restore.log and the audit
/// chain. An error once the journal exists says how to finish or undo it.
pub fn execute(prepared: Prepared, opts: &RestoreOptions) -> Result<Outcome> {
    let layout = prepared.layout.clone();
    swap(prepared, opts).map_err(|e| stopped_part_way(e, &layout))
}

/// An error of a restore that stopped after its journal was written gets
/// the commands that finish or undo it.
fn stopped_part_way(e: Error, layout: &Layout) -> Error {
    let journal = journal::path(layout);
    if !journal.exists() {
        return e;
    }
    let root = target_flag(layout);
    e.hint(format!(
        "the restore stopped part way; {} records where: `talos restore --resume{root}` finishes it, `talos restore --abort{root}` undoes it",
        journal.display()
    ))
}

fn swap(mut prepared: Prepared, opts: &RestoreOptions) -> Result<Outcome> {
    let started = Instant::now();
    let layout = &prepared.layout.clone();
    let plan = prepared.plan.clone();
    // The rollback archive is written after the swap, but whether there is
    // room for it is checked now, before anything changes.
    if opts.rollback {
        let estimate: u64 = plan
            .components
            .iter()
            .map(|&c| layout.component_dir(c))
            .filter(|d| std::fs::symlink_metadata(d).is_ok_and(|m| m.is_dir()))
            .map(|d| dir_size(&d))
            .sum();
        if estimate > 0
            && let Some(free) = super::free_space(&layout.data_dir)
            && free < estimate.saturating_add(16 * 1024 * 1024)
        {
            return Err(Error::failed(format!(
                "not enough disk space for the rollback archive: about {} needed, {} free",
                crate::units::human_bytes(estimate),
                crate::units::human_bytes(free)
            ))
            .hint(format!(
                "free space in {} (`talos log prune --dry-run`) and run again; nothing was changed",
                layout.data_dir.display()
            )));
        }
    }
    crash_point();
    #[cfg(feature = "test-hooks")]
    crate::interrupt::test_wait_for_signal("TALOS_TEST_WAIT_SIGNAL_RESTORE");
    // Last point where an interruption leaves nothing to finish: past it the
    // journal makes the swap resumable (--resume / --abort).
    crate::interrupt::check()?;
    let Some(staging) = prepared.staging.take() else {
        return Err(Error::failed(
            "the prepared restore has no staging directory",
        ));
    };
    let staging_dir = staging.keep();
    let j = Journal {
        version: 1,
        pid: std::process::id(),
        started_at: crate::timespec::now_rfc3339(),
        archive: plan.archive.clone(),
        root: layout.root.clone(),
        components: plan.components.clone(),
        staging: staging_dir.clone(),
        rollback: None,
        new_host: opts.new_host,
        record: opts.record,
        expected_head: prepared.verified.metadata.audit_head.clone(),
        audit: plan.audit.clone(),
        moves: plan.moves.clone(),
        // Recorded here, before they are created.
        aux_staging: plan.aux.clone(),
        make_rollback: opts.rollback,
        done: 0,
        state: if plan.aux.is_empty() {
            State::Swapping
        } else {
            State::Staging
        },
    };
    journal::save(layout, &j)?;
    crash_point();
    let mut outcome = finish(layout, j, started, false)?;
    // The RTO counts verifying and staging too (not the confirmation).
    outcome.rto_ms += prepared.prepare_ms;
    Ok(outcome)
}

/// Rollback archives kept in DATA_DIR/restore_rollback/: `restore.rollback_keep`
/// in config.yaml, default `DEFAULT_ROLLBACK_KEEP` (at least 1).
pub fn rollback_keep(layout: &Layout) -> usize {
    crate::config::read_config_file(&layout.config_file)
        .ok()
        .and_then(|doc| {
            doc.get("restore")?
                .get("rollback_keep")?
                .as_u64()
                .map(|n| n as usize)
        })
        .unwrap_or(DEFAULT_ROLLBACK_KEEP)
        .max(1)
}

pub const DEFAULT_ROLLBACK_KEEP: usize = 5;

/// Runs the remaining steps of a journal: staging on other file systems,
/// the moves, the rollback archive from the replaced content, commit,
/// cleanup, modes, new-host setup, validation and the records.
fn finish(layout: &Layout, mut j: Journal, started: Instant, resumed: bool) -> Result<Outcome> {
    if j.state == State::Staging {
        stage_aux(&j)?;
        crash_point();
        j.state = State::Swapping;
        journal::save(layout, &j)?;
        crash_point();
    }
    if j.state == State::Swapping {
        while j.done < j.moves.len() {
            let m = &j.moves[j.done];
            apply_move(&m.from, &m.to)?;
            crash_point();
            j.done += 1;
            journal::save(layout, &j)?;
            crash_point();
        }
        j.state = State::Swapped;
        journal::save(layout, &j)?;
        crash_point();
    }
    // The installation is back: this is the restore's RTO.
    let rto_ms = started.elapsed().as_millis() as u64;
    let mut pruned_rollbacks = Vec::new();
    if j.state == State::Swapped {
        if j.make_rollback {
            if let Some((path, pruned)) = write_rollback(layout, &j)? {
                j.rollback = Some(path);
                pruned_rollbacks = pruned;
            }
            crash_point();
        }
        j.state = State::Committed;
        journal::save(layout, &j)?;
        crash_point();
    }
    // Committed: the old content in staging is no longer needed.
    remove_journal_staging(&j)?;
    crash_point();
    fix_modes(layout, &j.components, j.new_host)?;
    let new_host = if j.new_host {
        setup_new_host(layout)?
    } else {
        Vec::new()
    };
    let expected_head = j.expected_head.clone();
    let validation = validate::validate(layout, &j.components, expected_head.as_ref());
    crash_point();
    let outcome = Outcome {
        archive: j.archive.clone(),
        root: j.root.clone(),
        components: j.components.clone(),
        rollback: j.rollback.clone(),
        validation,
        new_host,
        duration_ms: started.elapsed().as_millis() as u64,
        rto_ms,
        resumed,
        audit: j.audit.clone(),
        pruned_rollbacks,
    };
    if j.record {
        record(layout, "restore", &outcome)?;
    }
    journal::remove(layout)?;
    Ok(outcome)
}

/// Where the content a component held before the swap is now: follow the
/// moves from its directory (renamed whole, then maybe on to the evidence
/// directory), or its `old/` directory when it was swapped by contents. A
/// component the swap did not touch (a kept audit chain) is read in place.
fn replaced_dir(layout: &Layout, j: &Journal, c: Component) -> Option<PathBuf> {
    let dir = layout.component_dir(c);
    if let Some(a) = j.aux_staging.iter().find(|a| a.contents.contains(&c)) {
        return Some(plan::staged_old(&a.dir, c));
    }
    let mut cur = dir.clone();
    let mut moved = false;
    while let Some(m) = j.moves.iter().find(|m| m.from == cur) {
        cur = m.to.clone();
        moved = true;
    }
    if moved {
        return Some(cur);
    }
    // Not swapped: only a kept audit chain is still the old content.
    let kept = c == Component::Logs && matches!(j.audit, Some(plan::AuditChain::Keep { .. }));
    kept.then_some(dir)
}

/// The rollback archive (docs/backup.md "Rollback archives"), written
/// after the swap from the replaced content, then the older ones pruned.
/// None when nothing was there before the restore.
fn write_rollback(layout: &Layout, j: &Journal) -> Result<Option<(PathBuf, Vec<PathBuf>)>> {
    let mut sources = BTreeMap::new();
    for &c in &j.components {
        if let Some(d) = replaced_dir(layout, j, c)
            && std::fs::symlink_metadata(&d).is_ok_and(|m| m.is_dir())
        {
            sources.insert(c, d);
        }
    }
    if sources.is_empty() {
        return Ok(None);
    }
    let created = super::create::create(
        layout,
        &super::create::CreateOptions {
            output_dir: layout.rollback_dir(),
            components: Some(sources.keys().cloned().collect()),
            // Each restore adds one archive: keep the newest N.
            keep: Some(rollback_keep(layout)),
            rescue: true,
            sources,
        },
        &|_, _| {},
    )?;
    Ok(Some((created.path, created.pruned)))
}

fn record(layout: &Layout, action: &str, o: &Outcome) -> Result<()> {
    let line = serde_json::json!({
        "timestamp": crate::timespec::now_rfc3339(),
        "action": action,
        "operator": crate::audit::operator_actor(),
        "archive": o.archive,
        "components": o.components,
        "rollback": o.rollback,
        "validation_ok": o.validation.ok,
        "resumed": o.resumed,
        "duration_ms": o.duration_ms,
    });
    crate::fsutil::append_line(&layout.restore_log(), &line.to_string())?;
    crate::audit::record_operator_action(
        layout,
        action,
        serde_json::json!({
            "archive": o.archive,
            "components": o.components,
            "rollback": o.rollback,
            "validation_ok": o.validation.ok,
            "resumed": o.resumed,
            "audit_chain": o.audit,
        }),
    )
    .map_err(|e| {
        Error::failed(format!(
            "the restore is done but its audit record could not be written: {}",
            e.message
        ))
        .hint("run `talos audit verify-chain`")
    })?;
    Ok(())
}

/// `--resume` as one operation: the daemon check, then the interrupted
/// restore completed from its journal (None: there was none; the staging
/// directories of restores killed before their journal are removed).
pub struct Resumed {
    pub daemon: DaemonStop,
    pub outcome: Option<Outcome>,
    pub removed_staging: Vec<PathBuf>,
}

impl Resumed {
    pub fn exit_status(&self) -> ExitStatus {
        self.outcome
            .as_ref()
            .map_or(ExitStatus::Ok, Outcome::exit_status)
    }
}

pub fn resume(layout: &Layout, daemon: &DaemonCheck, on: &dyn Fn(Event)) -> Result<Resumed> {
    let layout = &canonical_layout(layout)?;
    let stop = check_daemon(layout, &daemon.process_match, daemon.stop, &|e| {
        on(Event::Daemon(e))
    })?;
    let outcome = resume_journal(layout)?;
    let removed_staging = match outcome {
        Some(_) => Vec::new(),
        None => remove_stale_staging(layout),
    };
    Ok(Resumed {
        daemon: stop,
        outcome,
        removed_staging,
    })
}

/// `--abort` as one operation: the daemon check, then the interrupted
/// restore undone from its journal.
pub struct AbortReport {
    pub daemon: DaemonStop,
    pub aborted: Aborted,
}

pub fn abort(layout: &Layout, daemon: &DaemonCheck, on: &dyn Fn(Event)) -> Result<AbortReport> {
    let layout = &canonical_layout(layout)?;
    let stop = check_daemon(layout, &daemon.process_match, daemon.stop, &|e| {
        on(Event::Daemon(e))
    })?;
    Ok(AbortReport {
        daemon: stop,
        aborted: abort_journal(layout)?,
    })
}

/// Completes an interrupted restore from its journal.
fn resume_journal(layout: &Layout) -> Result<Option<Outcome>> {
    let layout = &canonical_layout(layout)?;
    let _lock = lock(layout)?;
    let Some(j) = journal::load(layout)? else {
        return Ok(None);
    };
    let resumed = (|| {
        for m in &j.moves {
            super::check_no_symlink_ancestors(&layout.root, &m.from)?;
            super::check_no_symlink_ancestors(&layout.root, &m.to)?;
        }
        finish(layout, j, Instant::now(), true)
    })();
    resumed.map(Some).map_err(|e| stopped_part_way(e, layout))
}

#[derive(Debug, Clone, Serialize)]
pub struct Aborted {
    pub archive: Option<PathBuf>,
    pub undone: usize,
    pub removed_staging: Vec<PathBuf>,
}

/// Puts back the state before an interrupted restore.
fn abort_journal(layout: &Layout) -> Result<Aborted> {
    let layout = &canonical_layout(layout)?;
    let _lock = lock(layout)?;
    let Some(j) = journal::load(layout)? else {
        return Ok(Aborted {
            archive: None,
            undone: 0,
            removed_staging: remove_stale_staging(layout),
        });
    };
    if j.state == State::Committed {
        let rb = j
            .rollback
            .as_ref()
            .map(|r| {
                format!(
                    "`talos restore {} --yes{}`",
                    r.display(),
                    target_flag(layout)
                )
            })
            .unwrap_or_else(|| "a backup taken before it".into());
        return Err(Error::refused(
            "the interrupted restore had already swapped every component in; it cannot be aborted, only finished",
        )
        .hint(format!(
            "finish it with `talos restore --resume{}`; to undo it afterwards restore {rb}",
            target_flag(layout)
        )));
    }
    for m in &j.moves {
        super::check_no_symlink_ancestors(&layout.root, &m.from)?;
        super::check_no_symlink_ancestors(&layout.root, &m.to)?;
    }
    // The move at index `done` may have happened before the kill; undo it
    // too (apply_move checks which side exists). Still staging: nothing
    // was renamed. Swapped: every move is undone, the replaced directories
    // moved aside are renamed back.
    let last = j.done.min(j.moves.len().saturating_sub(1));
    let mut undone = 0;
    if !j.moves.is_empty() && j.state != State::Staging {
        for i in (0..=last).rev() {
            let m = &j.moves[i];
            apply_move(&m.to, &m.from)?;
            undone += 1;
        }
    }
    let mut removed = remove_journal_staging(&j)?;
    removed.extend(remove_stale_staging(layout));
    journal::remove(layout)?;
    if j.record {
        let line = serde_json::json!({
            "timestamp": crate::timespec::now_rfc3339(),
            "action": "restore_abort",
            "operator": crate::audit::operator_actor(),
            "archive": j.archive,
            "components": j.components,
            "undone_steps": undone,
        });
        crate::fsutil::append_line(&layout.restore_log(), &line.to_string())?;
        crate::audit::record_operator_action(
            layout,
            "restore_abort",
            serde_json::json!({"archive": j.archive, "components": j.components}),
        )?;
    }
    Ok(Aborted {
        archive: Some(j.archive),
        undone,
        removed_staging: removed,
    })
}

fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if let Ok(m) = std::fs::symlink_metadata(e.path()) {
                if m.is_dir() {
                    total += dir_size(&e.path());
                } else if m.is_file() {
                    total += m.len();
                }
            }
        }
    }
    total
}

/// Gives the restored components the modes of docs/format.md (and, on a new
/// host, every directory of §1).
fn fix_modes(layout: &Layout, components: &[Component], new_host: bool) -> Result<()> {
    let roots = validate::restored_roots(layout, components);
    let ours = |p: &Path| new_host || roots.iter().any(|r| p.starts_with(r));
    for (dir, mode) in layout.directories() {
        if !ours(&dir) {
            continue;
        }
        super::check_no_symlink_ancestors(&layout.root, &dir)?;
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode))
                    .with_context(|| format!("cannot set the mode of {}", dir.display()))?;
            }
            Ok(_) => {}
            Err(_) if new_host => crate::fsutil::create_dir_mode(&dir, mode)?,
            Err(_) => {}
        }
    }
    if (new_host
        || components
            .iter()
            .any(|&c| c == Component::State || c == Component::Database))
        && let Ok(m) = std::fs::symlink_metadata(&layout.data_dir)
        && m.is_dir()
    {
        std::fs::set_permissions(
            &layout.data_dir,
            std::fs::Permissions::from_mode(crate::install::DATA_DIR_MODE),
        )?;
    }
    for (path, want) in crate::config::required_modes(layout) {
        if !ours(&path) {
            continue;
        }
        if let Ok(m) = std::fs::symlink_metadata(&path)
            && m.is_file()
        {
            let mode = m.permissions().mode() & 0o7777;
            if mode & !want != 0 {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode & want))
                    .with_context(|| format!("cannot set the mode of {}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// `--new-host` as root on `/`: the system user `talos` and ownership.
/// Elsewhere, says what was skipped. Returns notes for the report.
fn setup_new_host(layout: &Layout) -> Result<Vec<String>> {
    let mut notes = vec!["created every directory of the installation with its mode".to_string()];
    let root = nix::unistd::geteuid().is_root();
    if !root || layout.root != Path::new("/") {
        notes.push(format!(
            "skipped: system user `talos` and ownership (needs root and --root /; this run: {}, root {})",
            if root { "root" } else { "not root" },
            layout.root.display()
        ));
        return Ok(notes);
    }
    let user = match nix::unistd::User::from_name("talos").ok().flatten() {
        Some(u) => u,
        None => {
            let status = std::process::Command::new("useradd")
                .args([
                    "--system",
                    "--no-create-home",
                    "--home-dir",
                    "/var/lib/talos",
                    "--shell",
                    "/usr/sbin/nologin",
                    "talos",
                ])
                .status()
                .context("cannot run useradd")?;
            if !status.success() {
                return Err(Error::failed("useradd talos failed")
                    .hint("create the user by hand: useradd --system talos"));
            }
            notes.push("created system user talos".into());
            nix::unistd::User::from_name("talos")
                .ok()
                .flatten()
                .ok_or_else(|| Error::failed("user talos not found after useradd"))?
        }
    };
    for (dir, _) in layout.directories() {
        chown_tree(&dir, user.uid, user.gid)?;
    }
    notes.push("ownership set to talos:talos".into());
    Ok(notes)
}

fn chown_tree(path: &Path, uid: nix::unistd::Uid, gid: nix::unistd::Gid) -> Result<()> {
    let Ok(m) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    nix::unistd::fchownat(
        nix::fcntl::AT_FDCWD,
        path,
        Some(uid),
        Some(gid),
        nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW,
    )
    .map_err(|e| Error::failed(format!("cannot chown {}", path.display())).with_source(e))?;
    if m.is_dir() {
        for e in std::fs::read_dir(path)?.flatten() {
            chown_tree(&e.path(), uid, gid)?;
        }
    }
    Ok(())
}

/// Components whose content is checked beyond the manifest (and so are
/// extracted to a private temporary copy by `verify_only`).
const CONTENT_CHECKED: [Component; 4] = [
    Component::Config,
    Component::Database,
    Component::Logs,
    Component::Ssl,
];

/// Verification only: the whole archive against its manifest, then the
/// content checks a restore runs before its swap, on a private temporary
/// copy (mode 0700, removed before returning) of the components they read.
/// Nothing is written in the installation.
pub fn verify_only(archive: &Path, progress: &dyn Fn(u64)) -> Result<Verified> {
    let tmp = tempfile::Builder::new()
        .prefix("talos-verify-")
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
        .context("cannot create a private temporary directory")?;
    let verified = read_archive(
        archive,
        &ReadOptions {
            extract_to: Some(tmp.path()),
            components: Some(&CONTENT_CHECKED),
            progress,
        },
    )?;
    content_checks(&verified, tmp.path(), &verified.components)?;
    Ok(verified)
}

/// What `--dry-run` found: the plan the restore would execute, the
/// verified archive, and the PID of a running daemon (the restore would
/// refuse without --stop-daemon).
pub struct DryRun {
    pub plan: Plan,
    pub verified: Verified,
    pub daemon: Option<u32>,
}

/// `--dry-run`: the same [`plan`] as the real run, made while the archive
/// is verified (with the content checks) without writing anything. Refuses
/// while a restore runs or was interrupted: a plan against a half-swapped
/// tree would be wrong.
pub fn dry_run(layout: &Layout, opts: &RestoreOptions, progress: &dyn Fn(u64)) -> Result<DryRun> {
    let layout = &canonical_layout(layout)?;
    let _install = crate::locks::shared(layout, "restore --dry-run")?;
    refuse_if_unfinished(layout).map_err(|e| {
        let mut err = Error::refused(format!("restore --dry-run refused: {}", e.message));
        err.hints = e.hints;
        err
    })?;
    let head = super::read::read_head(&opts.archive);
    let (verified, plan) = verify_and_plan(
        layout,
        &opts.archive,
        opts.components.as_deref(),
        head.as_ref(),
        &mut || verify_only(&opts.archive, progress),
    )?;
    let daemon = match crate::process::check_pid_file(&layout.pid_file, &opts.daemon.process_match)?
    {
        crate::process::PidStatus::Verified { process, .. } => Some(process.pid),
        _ => None,
    };
    Ok(DryRun {
        plan,
        verified,
        daemon,
    })
}
