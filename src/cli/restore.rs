//! `talos restore`.

use std::path::PathBuf;

use clap::Args;

use super::{Ctx, ExitStatus};
use crate::archive::plan::{Action, AuditChain, Plan};
use crate::archive::restore::{
    self, AbortReport, DaemonCheck, DaemonEvent, DaemonStop, Event, Outcome, RestoreOptions,
};
use crate::error::{Error, Result};
use crate::install::{Component, Layout};
use crate::output::{Ui, human_bytes};

/// Restore a backup archive into the installation (docs/format.md).
///
/// 1. Verify the whole archive in one pass into a private staging directory
///    in var/lib/talos; any broken rule rejects it before anything outside staging
///    is written.
/// 2. Show the plan (per file: create, overwrite, unchanged, remove) and ask
///    for confirmation (--yes for scripts).
/// 3. Save the current content of the components being replaced to
///    var/lib/talos/restore_rollback/ (restoring that archive undoes the restore).
/// 4. Swap each component into place by rename, recording every step in
///    var/lib/talos/restore.journal: a restore killed at any moment is finished by
///    `talos restore --resume` or undone by `talos restore --abort`.
///    Before the first rename the staged copy is checked: config.yaml,
///    database integrity and tables, the archive's audit chain against its
///    audit_head, the certificate. Modes are clamped (nothing world-writable,
///    no setuid/setgid/sticky; secrets 0600).
/// 5. Validate: config, database integrity and tables, modes, certificate,
///    audit chain. Every restore is logged in restore.log and the audit chain.
///    An audit chain in place that extends the backup's is kept, never
///    rewound (docs/backup.md "The audit chain").
///
/// A restored component equals the backup's copy: files absent from the
/// backup are removed. Symbolic links in the installation are never written
/// through.
///
/// Examples:
///   talos restore /var/backups/talos/backup_20240115_083000.tar.gz --dry-run
///   talos restore backup.tar.gz --partial config --yes
///   talos restore backup.tar.gz --target-dir /mnt/newroot --new-host --yes
///   talos restore --repo s3://acme-backups/talos latest --new-host --identity key.txt --yes
///
/// With --repo (or TALOS_REPO, backup.repo), NAME or `latest` of this host
/// (or --host NAME) is downloaded into a private staging directory, checked
/// against the sha256 recorded at upload and decrypted with --identity,
/// then restored as above; this works on a bare host with no installation
/// (docs/repository.md). A local ….tar.gz.age is decrypted the same way.
///
/// EXIT STATUS: 0 restored and validated; 1 failed, or a validation check
/// failed (the report names the rollback command); 2 usage; 3 the archive is
/// corrupt, tampered or unsafe, its content fails a check, staging would
/// fill the disk, or restore.journal does not describe a restore of this
/// installation (nothing was changed); 4 refused: the daemon
/// is running (see --stop-daemon), another restore holds the lock, an
/// interrupted restore needs --resume or --abort, a path runs through a
/// symbolic link, or the confirmation was declined or could not be asked.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct RestoreArgs {
    /// The backup archive (.tar.gz or .tar.gz.age); with --repo, a backup name or `latest` [default with --repo: latest]
    #[arg(
        required_unless_present_any = ["resume", "abort", "repo"],
        add = crate::cli::complete::backup_files()
    )]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub repo: super::repo::RepoArgs,
    #[command(flatten)]
    pub identity: super::repo::IdentityArg,
    /// Verify, print the plan per file, and change nothing
    #[arg(long, conflicts_with_all = ["verify_only", "resume", "abort"])]
    pub dry_run: bool,
    /// Only verify the archive (like `talos backup verify`); write nothing
    #[arg(long, conflicts_with_all = ["resume", "abort"])]
    pub verify_only: bool,
    /// Restore only these components: comma list of config,state,database,logs,custom,ssl
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        value_parser = super::component_arg,
        add = crate::cli::complete::components()
    )]
    pub partial: Option<Vec<Component>>,
    /// Set up a new machine: create every directory of the layout with its mode; as root with root /, also the system user talos and ownership
    #[arg(long)]
    pub new_host: bool,
    /// Restore into the installation rooted at DIR instead of --root
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
    /// Stop a running daemon first (SIGTERM to its verified PID, waiting up to 20 s)
    #[arg(long)]
    pub stop_daemon: bool,
    /// Finish a restore that was interrupted (see var/lib/talos/restore.journal)
    #[arg(long, conflicts_with_all = ["file", "abort", "partial", "new_host"])]
    pub resume: bool,
    /// Undo a restore that was interrupted, putting the previous state back
    #[arg(long, conflicts_with_all = ["file", "partial", "new_host"])]
    pub abort: bool,
}

pub fn run(ctx: &Ctx, args: RestoreArgs) -> Result<ExitStatus> {
    // Absolute and canonical before anything is planned or journalled: a
    // relative --target-dir resumed from another directory must still name
    // the same installation.
    let layout = restore::canonical_layout(&match &args.target_dir {
        Some(d) => Layout::new(d),
        None => ctx.layout.clone(),
    })?;
    let ui = &ctx.ui;
    let daemon = DaemonCheck {
        process_match: ctx.settings.process_match.value.clone(),
        stop: args.stop_daemon,
    };
    if args.resume {
        return run_resume(ctx, &layout, &daemon);
    }
    if args.abort {
        return run_abort(ctx, &layout, &daemon);
    }
    // From the repository, or decrypted, into a private staging directory
    // that lives until the restore returns.
    let fetched = super::repo::resolve(ctx, &args.repo, &args.identity, args.file.as_deref())?
        .ok_or_else(|| {
            Error::usage("no archive given").hint("give FILE, or --repo URL [NAME|latest]")
        })?;
    if args.verify_only {
        return super::backup::verify::verify_and_report(ctx, &fetched);
    }
    let opts = RestoreOptions {
        archive: fetched.path.clone(),
        components: super::distinct_components(args.partial),
        new_host: args.new_host,
        record: true,
        rollback: true,
        daemon,
    };
    let len = std::fs::metadata(&opts.archive)
        .map(|m| m.len())
        .unwrap_or(0);
    if args.dry_run {
        let bar = ui.progress(len, "verify");
        let d = restore::dry_run(&layout, &opts, &|n| crate::output::advance(&bar, n, len))?;
        bar.finish_and_clear();
        let doc = serde_json::json!({
            "dry_run": true,
            "access": "offline",
            "archive": fetched.source,
            "repo": fetched.doc(),
            "created_at": d.verified.metadata.created_at,
            "daemon_running": d.daemon,
            "daemon": DaemonStop { was_running: d.daemon.is_some(), stopped: false, pid: d.daemon },
            "plan": d.plan,
        });
        ui.render(&doc, |ui| {
            print_plan(ui, &d.plan, true)?;
            if let Some(pid) = d.daemon {
                ui.line(format!(
                    "{} the daemon is running (PID {pid}): the restore would refuse without --stop-daemon",
                    ui.yellow("note:")
                ))?;
            }
            ui.line(format!(
                "dry run: the archive verified ({} files, {}); nothing was changed",
                d.verified.files,
                human_bytes(d.verified.bytes)
            ))
        })?;
        return Ok(ExitStatus::Ok);
    }

    // Without a terminal and without --yes nobody can be asked: refuse
    // before the archive is read.
    if !(ui.assume_yes || ui.stdin_tty && ui.stderr_tty) {
        ui.confirm("restore")?;
    }
    let bar = ui.progress(len, "verify");
    // The rollback archive and the swap take a while on a big
    // installation: a spinner on a terminal, the note elsewhere.
    let spinner = std::cell::RefCell::new(None::<indicatif::ProgressBar>);
    let on_event = |e: Event| match e {
        Event::StaleStagingRemoved(s) => ui.note(format!(
            "removed {} left by a restore killed before it changed anything",
            s.display()
        )),
        Event::Daemon(e) => daemon_note(ctx, e),
        Event::Verifying { read, total } => crate::output::advance(&bar, read, total),
        Event::Verified => bar.finish_and_clear(),
        Event::Swapping { rollback_dir } => {
            let what = format!(
                "swapping in (the replaced content is moved aside, then saved to {})...",
                rollback_dir.display()
            );
            let s = ui.spinner(&what);
            if crate::output::phase_unsaid(&s) {
                ui.note(&what);
            }
            *spinner.borrow_mut() = Some(s);
        }
    };
    let mut confirm = |plan: &Plan| -> Result<bool> {
        // The plan comes before the question; with -q --yes nobody is asked.
        if !(ui.json || ui.quiet && ui.assume_yes) {
            print_plan(ui, plan, ui.verbose > 0)?;
        }
        ui.confirm(&format!(
            "Replace {} in {} with the backup's copy?",
            crate::install::join_components(&plan.components),
            plan.root.display()
        ))?;
        Ok(true)
    };
    let restored = restore::run(&layout, &opts, &mut confirm, &on_event);
    bar.finish_and_clear();
    if let Some(s) = spinner.borrow_mut().take() {
        s.finish_and_clear();
    }
    let r = restored?;
    report(ctx, Some(&r.plan), &r.outcome, &r.daemon, Some(&fetched))
}

/// The human line saying which path the restore took.
fn daemon_line(d: &DaemonStop) -> String {
    match (d.stopped, d.pid) {
        (true, Some(pid)) => format!(
            "access: offline (on files); the daemon (PID {pid}) was stopped with SIGTERM first and is not restarted: start it when you are ready"
        ),
        _ => "access: offline (on files); the daemon was not running".to_string(),
    }
}

fn report(
    ctx: &Ctx,
    plan: Option<&Plan>,
    o: &Outcome,
    daemon: &DaemonStop,
    fetched: Option<&super::repo::Fetched>,
) -> Result<ExitStatus> {
    let ui = &ctx.ui;
    // What the operator named (a repository URL, the file as given), not
    // the staging copy the restore read.
    let archive = fetched
        .map(|f| f.source.clone())
        .unwrap_or_else(|| o.archive.display().to_string());
    let undo = o.undo_command();
    let mut outcome = serde_json::to_value(o)?;
    outcome["archive"] = archive.clone().into();
    let doc = serde_json::json!({
        "result": if o.validation.ok { "restored" } else { "validation_failed" },
        "access": "offline",
        "archive": archive,
        "repo": fetched.and_then(|f| f.doc()),
        "daemon": daemon,
        "outcome": outcome,
        "undo": undo,
        "counts": plan.map(|p| &p.counts),
        // The plan the restore showed and executed: the one --dry-run
        // prints for the same archive and installation.
        "plan": plan,
    });
    ui.render_success(&doc, o.validation.ok, |ui| {
        ui.line(daemon_line(daemon))?;
        if !o.validation.ok {
            ui.line(format!(
                "{} the restore finished but validation failed:",
                ui.red("FAILED")
            ))?;
        }
        for c in &o.validation.checks {
            let mark = if c.ok {
                ui.green("ok  ")
            } else {
                ui.red("FAIL")
            };
            ui.line(format!("  {mark} {:<12} {}", c.name, c.detail))?;
            if let Some(fix) = &c.fix
                && !c.ok
            {
                ui.line(format!("       fix: {fix}"))?;
            }
        }
        for n in &o.new_host {
            ui.line(format!("  new host: {n}"))?;
        }
        if let Some(a) = &o.audit {
            ui.line(format!("  audit chain: {}", audit_line(a)))?;
        }
        for p in &o.pruned_rollbacks {
            ui.line(format!("  pruned old rollback archive {}", p.display()))?;
        }
        match &o.rollback {
            Some(r) => ui.line(format!(
                "the replaced content was saved to {}\n  to undo this restore: {}",
                r.display(),
                undo.as_deref().unwrap_or_default()
            ))?,
            None => {
                ui.line("nothing was there to save before the restore (no rollback archive)")?
            }
        }
        ui.line(format!(
            "  installation restored after {:.2} s (RTO); {:.2} s in all with the rollback archive and validation",
            o.rto_ms as f64 / 1000.0,
            o.duration_ms as f64 / 1000.0
        ))?;
        if o.validation.ok {
            ui.done(format!(
                "{} restored {} from {} into {}",
                ui.green("done:"),
                crate::install::join_components(&o.components),
                archive,
                o.root.display()
            ))?;
        }
        Ok(())
    })?;
    Ok(o.exit_status())
}

/// What happened (or will happen) to the audit chain in place.
fn audit_line(a: &AuditChain) -> String {
    match a {
        AuditChain::Keep { newer } => format!(
            "kept: {newer} records newer than the backup (the chain in place extends the backup's; a restore never rewinds it)"
        ),
        AuditChain::Replace {
            reason,
            evidence: Some(e),
        } => format!(
            "replaced by the backup's: {reason}; the chain it replaces is kept as evidence in {}",
            e.display()
        ),
        AuditChain::Replace {
            reason,
            evidence: None,
        } => format!("replaced by the backup's: {reason}"),
    }
}

fn print_plan(ui: &Ui, plan: &Plan, every_file: bool) -> Result<()> {
    let c = &plan.counts;
    ui.line(format!(
        "plan: restore {} into {}: {} create, {} overwrite, {} unchanged, {} remove",
        crate::install::join_components(&plan.components),
        plan.root.display(),
        c.create,
        c.overwrite,
        c.unchanged,
        c.remove
    ))?;
    let shown: Vec<_> = plan
        .changes
        .iter()
        .filter(|ch| every_file || ch.action != Action::Unchanged)
        .collect();
    let limit = if every_file { usize::MAX } else { 40 };
    for ch in shown.iter().take(limit) {
        let label = match ch.action {
            Action::Create => ui.green("create   "),
            Action::Overwrite => ui.yellow("overwrite"),
            Action::Unchanged => ui.dim("unchanged"),
            Action::Remove => ui.red("remove   "),
        };
        let note = ch
            .note
            .as_ref()
            .map(|n| format!("  ({n})"))
            .unwrap_or_default();
        ui.line(format!("  {label} {}{note}", ch.path.display()))?;
    }
    if shown.len() > limit {
        ui.line(format!(
            "  ... and {} more (see --dry-run -v)",
            shown.len() - limit
        ))?;
    }
    if let Some(a) = &plan.audit {
        ui.line(format!("  audit chain: {}", audit_line(a)))?;
    }
    Ok(())
}

/// What the daemon check says while it stops the daemon, as notes.
fn daemon_note(ctx: &Ctx, e: DaemonEvent) {
    match e {
        DaemonEvent::Stopping { pid } => ctx
            .ui
            .note(format!("stopping the daemon (PID {pid}) with SIGTERM...")),
        DaemonEvent::Signalling { pid, how } => ctx.ui.debug(format!("signalling PID {pid} {how}")),
        DaemonEvent::Stopped => ctx.ui.note("the daemon stopped"),
    }
}

fn run_resume(ctx: &Ctx, layout: &Layout, daemon: &DaemonCheck) -> Result<ExitStatus> {
    let r = restore::resume(layout, daemon, &|e| {
        if let Event::Daemon(e) = e {
            daemon_note(ctx, e)
        }
    })?;
    match &r.outcome {
        Some(o) => report(ctx, None, o, &r.daemon, None),
        None => {
            let doc = serde_json::json!({
                "result": "nothing_to_resume",
                "access": "offline",
                "daemon": r.daemon,
                "removed_staging": r.removed_staging,
            });
            ctx.ui.render(&doc, |ui| {
                for s in &r.removed_staging {
                    ui.line(format!("removed leftover staging {}", s.display()))?;
                }
                ui.line(format!(
                    "no unfinished restore in {} (no {})",
                    layout.root.display(),
                    layout.restore_journal().display()
                ))
            })?;
            Ok(r.exit_status())
        }
    }
}

fn run_abort(ctx: &Ctx, layout: &Layout, daemon: &DaemonCheck) -> Result<ExitStatus> {
    let AbortReport { daemon, aborted: a } = restore::abort(layout, daemon, &|e| {
        if let Event::Daemon(e) = e {
            daemon_note(ctx, e)
        }
    })?;
    let mut doc = serde_json::to_value(&a)?;
    if let Some(m) = doc.as_object_mut() {
        m.insert("access".into(), "offline".into());
        m.insert("daemon".into(), serde_json::to_value(&daemon)?);
    }
    ctx.ui.render(&doc, |ui| {
        ui.line(daemon_line(&daemon))?;
        for r in &a.removed_staging {
            ui.line(format!("removed staging {}", r.display()))?;
        }
        match &a.archive {
            Some(f) => ui.line(format!(
                "aborted the restore of {}: {} step(s) undone; the installation is as it was before",
                f.display(),
                a.undone
            )),
            None => ui.line(format!(
                "no unfinished restore in {}; nothing to undo",
                layout.root.display()
            )),
        }
    })?;
    Ok(ExitStatus::Ok)
}
