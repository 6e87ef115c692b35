//! `talos panic`: the emergency stop that escalates by itself and never
//! signals a process it has not verified.

use std::time::Duration;

use clap::Args;
use serde_json::json;

use super::{Ctx, ExitStatus};
use crate::emergency::escalate::{Event, Outcome, SignalFileFate};
use crate::emergency::panic::{self, PanicEvent, PanicOptions, PanicPlan, PanicReport};
use crate::emergency::preserve;
use crate::error::{Error, Result};
use crate::output::Ui;
use crate::process::PidStatus;

/// Emergency stop: escalate from the API to SIGKILL until the daemon is down, then preserve state.
///
/// Rungs, stopping at the first that works:
///   1. API: POST /api/v1/emergency/panic (needs the API to answer and an
///      admin token from TALOS_TOKEN or etc/talos/secrets/admin_token), then
///      wait up to 15 s for the daemon to exit;
///   2. signal file: write var/lib/talos/SIGNAL_PANIC and wait --signal-wait for
///      the daemon's watchdog to act on it;
///   3. SIGTERM to the verified PID, then wait --grace;
///   4. SIGKILL to the verified PID.
///
/// PID safety: SIGTERM and SIGKILL go only to a PID verified as the
/// orchestrator (alive, command line matching orchestrator.process_match,
/// started no later than the PID file was written), re-checked right before
/// each signal. A stale PID file (dead PID, or a PID now used by another
/// program) is reported with the reason, never signalled, and removed.
/// Without a PID file panic refuses unless --force; --force lifts that
/// refusal and nothing else.
///
/// Afterwards, unless --no-state: an emergency preserve archive in
/// var/lib/talos/emergency_preserves/ (at most 10 kept; if the daemon wrote a
/// sound one itself during this panic, that one is used) and
/// var/lib/talos/emergency_state.json (method = the rung that worked). This also
/// happens when the daemon was already down. Every step goes to
/// var/log/talos/panic.log, and the panic is recorded in the audit chain.
/// SIGNAL_PANIC is removed once the daemon is down (while it still runs,
/// the file is left so the daemon stops as soon as it can).
///
/// --offline skips the API rung; --online uses only the API rung.
///
/// --dry-run shows this plan for the installation as it is now (the PID
/// check and what each rung would do) and does nothing at all.
///
/// Examples:
///   talos panic --reason "agent loop burning tokens" --dry-run
///   talos panic --reason "agent loop burning tokens" --yes
///
/// EXIT STATUS: 0 the daemon is down (stopped now or already down); 1 the
/// daemon is still running after every rung, or the state could not be
/// preserved; 4 refused: no PID file (without --force), the daemon looks alive
/// but its PID could not be verified so no signal was sent, another panic
/// or recover is running, or the confirmation was declined or could not be
/// asked (no terminal and no --yes); 5 --online and the API could not be
/// reached.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct PanicArgs {
    /// Why you are stopping it (goes into SIGNAL_PANIC, the API call, emergency_state.json, the preserve, panic.log and the audit chain)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Go ahead without a PID file (the API and SIGNAL_PANIC are still tried; no process is ever signalled unverified)
    #[arg(long)]
    pub force: bool,
    /// Write neither emergency_state.json nor a preserve archive
    #[arg(long)]
    pub no_state: bool,
    /// Seconds to wait after SIGTERM before SIGKILL
    #[arg(long, value_name = "SECS", default_value_t = 15.0)]
    pub grace: f64,
    /// Seconds to wait for the watchdog to act on SIGNAL_PANIC (the daemon checks at least every 5 s)
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub signal_wait: f64,
    /// Show the escalation plan (the PID check and each rung) and do nothing: no request, no file, no signal, no log
    #[arg(long)]
    pub dry_run: bool,
}

fn secs_arg(name: &str, v: f64) -> Result<Duration> {
    if !v.is_finite() || !(0.0..=3600.0).contains(&v) {
        return Err(Error::usage(format!(
            "{name} must be between 0 and 3600 seconds, not {v}"
        )));
    }
    Ok(Duration::from_secs_f64(v))
}

pub fn run(ctx: &Ctx, args: PanicArgs) -> Result<ExitStatus> {
    let ui = &ctx.ui;
    let reason = args.reason.trim().to_string();
    if reason.is_empty() {
        return Err(Error::usage(
            "--reason must say why (it is recorded everywhere)",
        ));
    }
    let opts = PanicOptions {
        reason,
        force: args.force,
        preserve_state: !args.no_state,
        grace: secs_arg("--grace", args.grace)?,
        signal_wait: secs_arg("--signal-wait", args.signal_wait)?,
        mode: ctx.mode,
    };
    if args.dry_run {
        let plan = panic::plan(&ctx.layout, &ctx.settings, &opts)?;
        return dry_run(ctx, &plan);
    }
    let report = panic::panic(
        &ctx.layout,
        &ctx.settings,
        &opts,
        &mut |question| ui.confirm(question),
        &mut |ev| on_event(ui, ev),
    )?;
    if ui.json {
        ui.json_doc(&report)?;
    } else if !(ui.quiet && report.exit == ExitStatus::Ok) {
        render(ctx, &report, args.force)?;
    }
    Ok(report.exit)
}

/// Human output as the panic goes: the situation first, then each rung as
/// it ends.
fn on_event(ui: &Ui, ev: PanicEvent<'_>) {
    // -q: the rungs are not shown as they go; a panic that did not stop the
    // daemon still says so at the end.
    if ui.quiet && !ui.json {
        return;
    }
    match ev {
        PanicEvent::Begun { pid_file, verified } => {
            if let Some(v) = verified {
                ui.debug(format!("signals to PID {} go {}", v.pid(), v.signal_path()));
            }
            if !ui.json {
                let _ = ui.line(situation(ui, pid_file));
            }
        }
        PanicEvent::Rung(_) if ui.json => {}
        PanicEvent::Rung(Event::Started { rung, waiting }) => ui.note(format!(
            "  … [{}] {}{}",
            rung.number(),
            rung.label(),
            waiting
                .map(|w| format!(" (waiting up to {})", fmt_secs(w)))
                .unwrap_or_default()
        )),
        PanicEvent::Rung(Event::Finished(r)) => {
            let outcome = match r.outcome {
                Outcome::Stopped => ui.green("stopped"),
                Outcome::Failed => ui.red("failed "),
                Outcome::Skipped => ui.dim("skipped"),
            };
            let _ = ui.line(format!(
                "  [{}] {:<17} {outcome} {:>6}  {}",
                r.rung.number(),
                r.rung.label(),
                fmt_secs(Duration::from_millis(r.elapsed_ms)),
                r.detail
            ));
        }
    }
}

fn situation(ui: &Ui, pid_file: &PidStatus) -> String {
    match pid_file {
        PidStatus::Verified { process, .. } => format!(
            "{} stopping the Talos daemon, PID {} (verified: {})",
            ui.red("PANIC:"),
            process.pid,
            process.cmdline
        ),
        PidStatus::Stale {
            pid, reason: why, ..
        } => format!(
            "{} the PID file is stale{}: {why}. That process will not be signalled.",
            ui.red("PANIC:"),
            pid.map(|p| format!(" (PID {p})")).unwrap_or_default()
        ),
        PidStatus::NoPidFile { .. } => format!(
            "{} no PID file (--force): only the API and SIGNAL_PANIC can be used",
            ui.red("PANIC:")
        ),
    }
}

/// `--dry-run`: the plan the real run would execute, and nothing done.
fn dry_run(ctx: &Ctx, plan: &PanicPlan) -> Result<ExitStatus> {
    let doc = json!({
        "dry_run": true,
        "reason": plan.reason,
        "pid_file": plan.pid_file,
        "would_refuse": plan.would_refuse,
        "plan": plan.rungs,
        "preserve_state": plan.preserve_state,
        "preserves_dir": plan.preserves_dir,
        "emergency_state": plan.emergency_state,
    });
    ctx.ui.render(&doc, |ui| {
        let situation = match &plan.pid_file {
            PidStatus::Verified { process, .. } => {
                format!(
                    "verified orchestrator PID {} ({})",
                    process.pid, process.cmdline
                )
            }
            PidStatus::Stale {
                pid, reason: why, ..
            } => format!(
                "stale PID file{}: {why}; it would not be signalled",
                pid.map(|p| format!(" (PID {p})")).unwrap_or_default()
            ),
            PidStatus::NoPidFile { path } => format!("no PID file at {}", path.display()),
        };
        ui.line(format!("{} {situation}", ui.bold("Panic plan:")))?;
        if plan.would_refuse.is_some() {
            ui.line(format!(
                "  {} without --force, panic refuses here (no PID file)",
                ui.yellow("note:")
            ))?;
        }
        ui.line("Rungs, in order, each only if the ones before did not stop the daemon:")?;
        for r in &plan.rungs {
            let what = if r.would_try {
                ui.green("would try")
            } else {
                ui.dim("skipped  ")
            };
            ui.line(format!(
                "  [{}] {:<17} {what}  {}",
                r.rung.number(),
                r.rung.label(),
                r.detail
            ))?;
        }
        if !plan.preserve_state {
            ui.line("State: not preserved (--no-state).")?;
        } else {
            ui.line(format!(
                "State: a preserve archive in {} and {}.",
                plan.preserves_dir.display(),
                plan.emergency_state.display()
            ))?;
        }
        ui.line(
            "Dry run: nothing was done. Run the same command without --dry-run to stop the daemon.",
        )
    })?;
    Ok(ExitStatus::Ok)
}

fn fmt_secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

fn render(ctx: &Ctx, r: &PanicReport, force: bool) -> Result<()> {
    let ui = &ctx.ui;
    let esc = &r.escalation;
    ui.line("")?;
    if esc.already_stopped {
        ui.line(format!(
            "{} the daemon was not running: nothing had to be stopped{}",
            ui.green("DOWN:"),
            if force { " (--force)" } else { "" }
        ))?;
    } else if esc.stopped {
        ui.line(format!(
            "{} the daemon is stopped (method: {}, {}, {:.1}s)",
            ui.green("STOPPED:"),
            esc.method.as_str(),
            r.access.as_str(),
            esc.elapsed_ms as f64 / 1000.0
        ))?;
    } else {
        ui.line(format!(
            "{} THE DAEMON IS STILL RUNNING",
            ui.red("NOT STOPPED:")
        ))?;
        if let Some(why) = &esc.refused {
            ui.line(format!("  refused: {why}"))?;
        }
        match r.exit {
            ExitStatus::Refused => ui.line("  no verified PID, so no signal was sent. Find the process yourself (`ps -ef | grep talos`), check it is the orchestrator, and stop it with your service manager (`systemctl kill -s SIGKILL talos`, `docker kill`).")?,
            ExitStatus::DaemonUnreachable => ui.line("  --online: the API could not be reached. Run `talos panic` without --online to escalate.")?,
            _ => ui.line("  even SIGKILL did not end it (a process stuck in the kernel, or no permission). Run as root or the daemon's user; check `ps -o stat= -p PID` for state D; as a last resort reboot the host.")?,
        }
    }
    if let Some(why) = &r.pid_file_removed {
        ui.line(format!("Removed the stale PID file ({why})."))?;
    }
    if esc.signal_file == SignalFileFate::LeftInPlace {
        ui.line(format!(
            "{} SIGNAL_PANIC is left in place so the daemon stops as soon as it can; delete it before you start the daemon again.",
            ui.yellow("note:")
        ))?;
    }
    match &r.state {
        None => ui.line("State: not preserved (--no-state or failure; see warnings).")?,
        Some(s) => {
            if let Some(p) = &s.preserve {
                ui.line(format!(
                    "Preserved: {} (by {}; {} file(s), task queue: {})",
                    p.display(),
                    s.preserve_written_by.unwrap_or("talos"),
                    s.files.unwrap_or(0),
                    s.task_count
                        .map(|n| format!("{n} task(s)"))
                        .unwrap_or_else(|| "none".into())
                ))?;
            }
            if !s.pruned.is_empty() {
                ui.line(format!(
                    "  {} older preserve(s) deleted (at most {} are kept)",
                    s.pruned.len(),
                    preserve::KEEP
                ))?;
            }
            if let Some(e) = &s.emergency_state {
                ui.line(format!("Emergency state: {}", e.display()))?;
            }
        }
    }
    ui.line(format!("Log of every step: {}", r.panic_log.display()))?;
    if esc.stopped {
        ui.line("Next: `talos recover --dry-run` shows what can be put back; `talos incident report` drafts the postmortem; start the daemon once the cause is fixed.")?;
    }
    for w in &r.warnings {
        ui.warn(w);
    }
    Ok(())
}
