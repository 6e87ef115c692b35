//! `talos recover [ARCHIVE] [--dry-run]`: after a panic, show what the
//! emergency state and a preserve hold, and put the state back.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use serde_json::{Value, json};

use super::{Ctx, ExitStatus};
use crate::emergency::recover::{self, Action, Choice, Plan};
use crate::emergency::state::{self, EmergencyState};
use crate::emergency::{self, PanicLog, preserve};
use crate::error::{Error, Result};
use crate::process::{PidStatus, check_pid_file};

/// After a panic: show what emergency_state.json and a preserve hold, and put the state back.
///
/// Without ARCHIVE, uses the preserve emergency_state.json names (if it still
/// exists), else the newest in var/lib/talos/emergency_preserves/. It shows the
/// panic (reason, when, how it was stopped) and the preserve (when, why, how
/// many tasks were queued, which files), then the plan: every file of the
/// preserve's state/ (except the heartbeat) and its task_queue.json go back
/// into var/lib/talos/state. Recover creates and overwrites; it never deletes a file
/// the preserve does not hold. The configuration and logs in the preserve
/// are for reading only.
///
/// The archive is checked first (only regular files and directories, no
/// absolute paths, no `..`, checksums as metadata.json lists them) and
/// unpacked into a private staging directory; each file is then put in
/// place by an atomic replace. Afterwards emergency_state.json is marked
/// recovered (recovery_available false, recovered_at) and the recover is
/// recorded in the audit chain.
///
/// Example: `talos recover --dry-run`, then `talos recover` and start the daemon.
///
/// When the panic left no preserve at all (`talos panic --no-state`, or a
/// daemon that preserved nothing), there is nothing to put back: recover then
/// only marks emergency_state.json recovered, so it stops showing as pending.
///
/// EXIT STATUS: 0 recovered (or the plan shown with --dry-run); 1 no preserve
/// while the record names one, or a write failed; 3 the preserve is unsafe or damaged (nothing was
/// written), or one of its state files is not valid JSON (that file was not
/// put back, the current one is kept; the others were); 4 refused: the daemon is running, another panic or recover
/// holds the lock, or the confirmation was declined or could not be asked
/// (no terminal and no --yes).
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct RecoverArgs {
    /// The preserve to use (default: the one emergency_state.json names, else the newest)
    #[arg(value_name = "ARCHIVE")]
    pub archive: Option<PathBuf>,
    /// Show what would be put back and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Serialize)]
struct ArchiveReport<'a> {
    path: &'a std::path::Path,
    because: &'static str,
    metadata: &'a Value,
    task_count: Option<usize>,
    files: Vec<&'a preserve::FileEntry>,
}

pub fn run(ctx: &Ctx, args: RecoverArgs) -> Result<ExitStatus> {
    let ui = &ctx.ui;
    let layout = &ctx.layout;
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
    let choice = match recover::choose(layout, args.archive.as_deref(), emergency.as_ref()) {
        Ok(c) => c,
        // A panic with --no-state (or a daemon that preserved nothing) leaves
        // a record but no archive: nothing to put back, but the record must
        // not stay "pending" forever.
        Err(e)
            if args.archive.is_none()
                && emergency
                    .as_ref()
                    .is_some_and(|s| s.recovery_available && s.preserve_path().is_none())
                && preserve::list(&layout.preserves_dir())?.is_empty() =>
        {
            let _ = e;
            return acknowledge(ctx, &args, emergency.expect("checked above"));
        }
        Err(e) => return Err(e),
    };
    if args.archive.is_none()
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
    let plan = recover::plan(layout, &unpacked)?;

    let pid_status = check_pid_file(&layout.pid_file, &ctx.settings.process_match.value)?;
    let running = matches!(pid_status, PidStatus::Verified { .. });
    if running && !args.dry_run {
        return Err(Error::refused(format!(
            "the daemon is running (PID {}): recover would change its state files under it",
            pid_status.pid().unwrap_or_default()
        ))
        .hint("stop it first (`talos panic --reason ...` or your service manager), then run `talos recover` again; `--dry-run` shows the plan meanwhile"));
    }

    let mut lock = None;
    let mut written = None;
    let mut audit_seq = None;
    let mut marked = false;
    let mut mark_failed = false;
    // The state already matches the preserve and no panic waits to be marked
    // recovered: nothing to ask, nothing to do.
    let nothing_to_do =
        plan.changes() == 0 && !emergency.as_ref().is_some_and(|s| s.recovery_available);
    if !args.dry_run && !nothing_to_do {
        lock = Some((
            emergency::lock(layout, "panic or recover")?,
            crate::locks::shared(layout, "recover")?,
        ));
        if !ui.json {
            show(ctx, emergency.as_ref(), &choice, &unpacked, &plan)?;
        }
        ui.confirm(&if plan.changes() == 0 {
            format!(
                "Nothing to put back: {} already matches {}. Mark the panic recovered?",
                layout.state_dir.display(),
                choice.archive.display()
            )
        } else {
            format!(
                "Put back {} file(s) from {} into {}?",
                plan.changes(),
                choice.archive.display(),
                layout.state_dir.display()
            )
        })?;
        let n = recover::apply(&unpacked, &plan)?;
        written = Some(n);
        if let Some(mut st) = emergency.clone() {
            state::mark_recovered(
                &mut st,
                &crate::timespec::now_rfc3339(),
                &crate::audit::operator_actor(),
                &choice.archive,
            );
            match state::write(&state_path, &st) {
                Ok(()) => marked = true,
                Err(e) => {
                    mark_failed = true;
                    warnings.push(format!(
                        "the state was put back, but {} could not be marked recovered: {e}",
                        state_path.display()
                    ))
                }
            }
        }
        let mut log = PanicLog::new(&layout.panic_log());
        log.info(&format!(
            "recover: {n} file(s) put back from {}",
            choice.archive.display()
        ));
        if let Some(f) = log.failure.take() {
            warnings.push(f);
        }
        let details = json!({
            "archive": choice.archive,
            "files_written": n,
            "task_count": unpacked.task_count,
            "emergency_state_marked": marked,
        });
        match crate::audit::record_operator_action(layout, "recover", details) {
            Ok(a) => audit_seq = Some(a.seq),
            Err(e) => warnings.push(format!(
                "the recover could not be recorded in the audit chain: {e}"
            )),
        }
    }
    drop(lock);

    let mut emergency_doc = serde_json::to_value(&emergency)?;
    state::redact_secrets(&mut emergency_doc);
    let doc = json!({
        "dry_run": args.dry_run,
        "emergency_state_path": state_path,
        "emergency_state": emergency_doc,
        "archive": ArchiveReport {
            path: &choice.archive,
            because: choice.because,
            metadata: &unpacked.metadata,
            task_count: unpacked.task_count,
            files: unpacked.files.values().map(|(f, _)| f).collect(),
        },
        "daemon_running": running,
        "plan": plan,
        "files_written": written,
        "nothing_to_do": nothing_to_do,
        "emergency_state_marked_recovered": marked,
        "audit_seq": audit_seq,
        "warnings": warnings,
    });
    ui.render(&doc, |ui| {
        if args.dry_run {
            show(ctx, emergency.as_ref(), &choice, &unpacked, &plan)?;
            ui.line("")?;
            if running {
                ui.line(format!(
                    "{} the daemon is running (PID {}); stop it before `talos recover`",
                    ui.yellow("note:"),
                    pid_status.pid().unwrap_or_default()
                ))?;
            }
            ui.line("Dry run: nothing was changed. Run `talos recover` (same arguments, without --dry-run) to put it back.")?;
        } else if nothing_to_do {
            ui.done(format!(
                "nothing to do: {} already matches {}",
                layout.state_dir.display(),
                choice.archive.display()
            ))?;
        } else {
            ui.done(format!(
                "{} {} file(s) put back from {}",
                ui.green("recovered:"),
                written.unwrap_or(0),
                choice.archive.display()
            ))?;
            if marked {
                ui.line(format!(
                    "{} marked recovered (recovery_available: false)",
                    state_path.display()
                ))?;
            }
            ui.line("Next: start the daemon (e.g. `systemctl start talos`), then `talos status`.")?;
        }
        Ok(())
    })?;
    for w in &warnings {
        ui.warn(w);
    }
    Ok(if mark_failed {
        ExitStatus::Failed
    } else if !plan.invalid.is_empty() {
        // A state file of the preserve was corrupt: the rest is back, but
        // not all of it.
        ExitStatus::Integrity
    } else {
        ExitStatus::Ok
    })
}

/// Marks an emergency record recovered when no preserve exists to put back.
fn acknowledge(ctx: &Ctx, args: &RecoverArgs, mut st: EmergencyState) -> Result<ExitStatus> {
    let ui = &ctx.ui;
    let layout = &ctx.layout;
    let state_path = layout.emergency_state();
    let mut audit_seq = None;
    let mut warnings = Vec::new();
    if !args.dry_run {
        let _lock = emergency::lock(layout, "panic or recover")?;
        let _install = crate::locks::shared(layout, "recover")?;
        ui.confirm(&format!(
            "No preserve to put back. Mark {} recovered?",
            state_path.display()
        ))?;
        state::mark_recovered(
            &mut st,
            &crate::timespec::now_rfc3339(),
            &crate::audit::operator_actor(),
            std::path::Path::new("(no preserve)"),
        );
        state::write(&state_path, &st)?;
        let details = json!({"archive": null, "files_written": 0, "emergency_state_marked": true});
        match crate::audit::record_operator_action(layout, "recover", details) {
            Ok(a) => audit_seq = Some(a.seq),
            Err(e) => warnings.push(format!(
                "the recover could not be recorded in the audit chain: {e}"
            )),
        }
    }
    let mut emergency_doc = serde_json::to_value(&st)?;
    state::redact_secrets(&mut emergency_doc);
    let doc = json!({
        "dry_run": args.dry_run,
        "emergency_state_path": state_path,
        "emergency_state": emergency_doc,
        "archive": null,
        "plan": [],
        "files_written": if args.dry_run { None } else { Some(0) },
        "emergency_state_marked_recovered": !args.dry_run,
        "audit_seq": audit_seq,
        "warnings": warnings,
    });
    ui.render(&doc, |ui| {
        ui.line(format!(
            "The panic recorded in {} left no preserve (nothing in {}): there is no state to put back.",
            state_path.display(),
            layout.preserves_dir().display()
        ))?;
        if args.dry_run {
            ui.line("Dry run: nothing was changed. `talos recover` marks the record recovered.")
        } else {
            ui.done(format!(
                "{} {} marked recovered (recovery_available: false)",
                ui.green("recovered:"),
                state_path.display()
            ))?;
            ui.line("Next: start the daemon (e.g. `systemctl start talos`), then `talos status`.")
        }
    })?;
    for w in &warnings {
        ui.warn(w);
    }
    Ok(ExitStatus::Ok)
}

fn show(
    ctx: &Ctx,
    emergency: Option<&EmergencyState>,
    choice: &Choice,
    unpacked: &preserve::Unpacked,
    plan: &Plan,
) -> Result<()> {
    let ui = &ctx.ui;
    let path = ctx.layout.emergency_state();
    match emergency {
        None => ui.line(format!("No emergency state at {}.", path.display()))?,
        Some(st) => {
            let status = match (st.recovery_available, st.recovered_at()) {
                (_, Some(at)) => format!("already recovered at {}", crate::output::when_text(at)),
                (true, None) => ui.yellow("recovery available"),
                (false, None) => "no recovery pending".into(),
            };
            ui.line(format!(
                "{} {}: {status}",
                ui.bold("Emergency state"),
                path.display()
            ))?;
            let when = st.panic_timestamp.as_deref().unwrap_or("unknown time");
            ui.line(format!("  panic:    {}", crate::output::when_text(when)))?;
            ui.line(format!(
                "  reason:   {}",
                st.reason.as_deref().unwrap_or("(none given)")
            ))?;
            ui.line(format!(
                "  stopped:  method {}{}, PID {}",
                st.method.as_deref().unwrap_or("unknown"),
                if st.force_shutdown { " (forced)" } else { "" },
                match &st.pid {
                    Value::Null => "unknown".to_string(),
                    Value::String(s) => s.clone(),
                    v => v.to_string(),
                }
            ))?;
        }
    }
    let meta = &unpacked.metadata;
    let s = |k: &str| {
        meta.get(k)
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string()
    };
    ui.line(format!(
        "{} {} ({})",
        ui.bold("Preserve"),
        choice.archive.display(),
        choice.because
    ))?;
    ui.line(format!(
        "  written:  {} on {}",
        crate::output::when_text(&s("timestamp")),
        s("hostname")
    ))?;
    ui.line(format!("  reason:   {}", s("reason")))?;
    ui.line(format!(
        "  holds:    {} file(s); task queue: {}",
        unpacked.files.len(),
        match unpacked.task_count {
            Some(n) => format!("{n} task(s)"),
            None => "none or unknown format".into(),
        }
    ))?;
    // What it holds, by top-level name: "state/ (8 files, 4.1 KiB)".
    let mut groups: Vec<(String, usize, u64)> = Vec::new();
    for (path, (entry, _)) in &unpacked.files {
        let top = match path.split_once('/') {
            Some((dir, _)) => format!("{dir}/"),
            None => path.clone(),
        };
        match groups.iter_mut().find(|g| g.0 == top) {
            Some(g) => {
                g.1 += 1;
                g.2 += entry.size;
            }
            None => groups.push((top, 1, entry.size)),
        }
    }
    let listed: Vec<String> = groups
        .iter()
        .map(|(name, n, size)| {
            if name.ends_with('/') {
                format!(
                    "{name} ({n} file(s), {})",
                    crate::output::human_bytes(*size)
                )
            } else {
                format!("{name} ({})", crate::output::human_bytes(*size))
            }
        })
        .collect();
    ui.line(format!("  files:    {}", listed.join(", ")))?;
    let count = |a: Action| plan.files.iter().filter(|f| f.action == a).count();
    ui.line(format!(
        "{} {} to create, {} to overwrite, {} unchanged; {} file(s) in the state directory not in the preserve are kept",
        ui.bold("Plan:"),
        count(Action::Create),
        count(Action::Overwrite),
        count(Action::Unchanged),
        plan.kept.len()
    ))?;
    for f in &plan.files {
        let a = match f.action {
            Action::Create => ui.green("create   "),
            Action::Overwrite => ui.yellow("overwrite"),
            // Unchanged files are noise at 3 AM; -v lists them.
            Action::Unchanged if ui.verbose == 0 => continue,
            Action::Unchanged => ui.dim("unchanged"),
        };
        ui.line(format!("  {a} {}  (from {})", f.target.display(), f.from))?;
    }
    let (reading, other): (Vec<&String>, Vec<&String>) = plan
        .not_restored
        .iter()
        .partition(|n| n.ends_with(recover::READ_ONLY));
    if !reading.is_empty() {
        let names: Vec<&str> = reading
            .iter()
            .filter_map(|n| n.split(": ").next())
            .collect();
        ui.line(format!(
            "  {} {} (kept in the preserve for reading only)",
            ui.dim("not put back:"),
            names.join(", ")
        ))?;
    }
    for n in &plan.invalid {
        ui.line(format!("  {} {n}", ui.red("INVALID, not put back:")))?;
    }
    for n in other {
        ui.line(format!("  {} {n}", ui.dim("not put back:")))?;
    }
    Ok(())
}
