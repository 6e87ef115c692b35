//! `talos recover [ARCHIVE] [--dry-run]`: after a panic, show what the
//! emergency state and a preserve hold, and put the state back.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use serde_json::{Value, json};

use super::{Ctx, ExitStatus};
use crate::emergency::preserve;
use crate::emergency::recover::{
    self, Action, Choice, Plan, RecoverOptions, RecoverReport, Source,
};
use crate::emergency::state::{self, EmergencyState};
use crate::error::Result;

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
    let opts = RecoverOptions {
        archive: args.archive,
        dry_run: args.dry_run,
    };
    // Before the question, the operator sees what will be put back.
    let report = recover::recover(&ctx.layout, &ctx.settings, &opts, &mut |r, question| {
        if !ui.json
            && let Source::Preserve {
                choice,
                unpacked,
                files,
                ..
            } = &r.source
            && !(ui.quiet && ui.assume_yes)
        {
            show(ctx, r.emergency.as_ref(), choice, unpacked, files)?;
        }
        ui.confirm(question)
    })?;
    match &report.recovery.source {
        Source::Nothing => render_acknowledged(ctx, &report)?,
        Source::Preserve { .. } => render_recovered(ctx, &report)?,
    }
    for w in &report.recovery.warnings {
        ui.warn(w);
    }
    Ok(report.exit)
}

fn emergency_doc(report: &RecoverReport) -> Result<Value> {
    let mut doc = serde_json::to_value(&report.recovery.emergency)?;
    state::redact_secrets(&mut doc);
    Ok(doc)
}

/// The report of a recover that put a preserve back (or would, --dry-run).
fn render_recovered(ctx: &Ctx, report: &RecoverReport) -> Result<()> {
    let r = &report.recovery;
    let Source::Preserve {
        choice,
        unpacked,
        files: plan,
        running,
        pid,
    } = &r.source
    else {
        return Ok(());
    };
    let doc = json!({
        "dry_run": report.dry_run,
        "emergency_state_path": r.state_path,
        "emergency_state": emergency_doc(report)?,
        "archive": ArchiveReport {
            path: &choice.archive,
            because: choice.because,
            metadata: &unpacked.metadata,
            task_count: unpacked.task_count,
            files: unpacked.files.values().map(|(f, _)| f).collect(),
        },
        "daemon_running": running,
        "plan": plan,
        "files_written": report.files_written,
        "nothing_to_do": report.nothing_to_do,
        "emergency_state_marked_recovered": report.marked,
        "audit_seq": report.audit_seq,
        "warnings": r.warnings,
    });
    ctx.ui.render_success(&doc, !report.dry_run && report.exit == ExitStatus::Ok, |ui| {
        if report.dry_run {
            show(ctx, r.emergency.as_ref(), choice, unpacked, plan)?;
            ui.line("")?;
            if *running {
                ui.line(format!(
                    "{} the daemon is running (PID {}); stop it before `talos recover`",
                    ui.yellow("note:"),
                    pid.unwrap_or_default()
                ))?;
            }
            ui.line("Dry run: nothing was changed. Run `talos recover` (same arguments, without --dry-run) to put it back.")?;
        } else if report.nothing_to_do {
            ui.done(format!(
                "nothing to do: {} already matches {}",
                r.state_dir.display(),
                choice.archive.display()
            ))?;
        } else {
            ui.done(format!(
                "{} {} file(s) put back from {}",
                ui.green("recovered:"),
                report.files_written.unwrap_or(0),
                choice.archive.display()
            ))?;
            if report.marked {
                ui.line(format!(
                    "{} marked recovered (recovery_available: false)",
                    r.state_path.display()
                ))?;
            }
            ui.line("Next: start the daemon (e.g. `systemctl start talos`), then `talos status`.")?;
        }
        Ok(())
    })
}

/// The report of a recover with no preserve: the record marked recovered.
fn render_acknowledged(ctx: &Ctx, report: &RecoverReport) -> Result<()> {
    let r = &report.recovery;
    let doc = json!({
        "dry_run": report.dry_run,
        "emergency_state_path": r.state_path,
        "emergency_state": emergency_doc(report)?,
        "archive": null,
        "plan": [],
        "files_written": report.files_written,
        "emergency_state_marked_recovered": report.marked,
        "audit_seq": report.audit_seq,
        "warnings": r.warnings,
    });
    ctx.ui.render_success(&doc, !report.dry_run && report.exit == ExitStatus::Ok, |ui| {
        ui.line(format!(
            "The panic recorded in {} left no preserve (nothing in {}): there is no state to put back.",
            r.state_path.display(),
            ctx.layout.preserves_dir().display()
        ))?;
        if report.dry_run {
            ui.line("Dry run: nothing was changed. `talos recover` marks the record recovered.")
        } else {
            ui.done(format!(
                "{} {} marked recovered (recovery_available: false)",
                ui.green("recovered:"),
                r.state_path.display()
            ))?;
            ui.line("Next: start the daemon (e.g. `systemctl start talos`), then `talos status`.")
        }
    })
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
