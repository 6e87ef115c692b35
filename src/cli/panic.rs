//! `talos panic`: the emergency stop that escalates by itself and never
//! signals a process it has not verified.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use serde::Serialize;
use serde_json::{Value, json};

use super::{Ctx, ExitStatus, Mode};
use crate::emergency::escalate::{self, Escalation, Event, Options, Outcome, SignalFileFate};
use crate::emergency::state::{self, PanicFacts};
use crate::emergency::{self, PanicLog, preserve};
use crate::error::{Error, Result};
use crate::process::{PidStatus, StaleReason, check_pid_file};

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

/// The state part of the report.
#[derive(Debug, Default, Serialize)]
struct StateReport {
    emergency_state: Option<PathBuf>,
    preserve: Option<PathBuf>,
    /// `talos` or `daemon`: who wrote the preserve.
    preserve_written_by: Option<&'static str>,
    task_count: Option<usize>,
    files: Option<usize>,
    pruned: Vec<PathBuf>,
    skipped: Vec<String>,
    daemon_record_kept: bool,
}

#[derive(Debug, Serialize)]
struct Report {
    /// docs/format.md §7: `online` when the API stopped the daemon, else
    /// `offline`.
    access: crate::access::Access,
    reason: String,
    started_at: String,
    pid_file: PidStatus,
    escalation: Escalation,
    pid_file_removed: Option<String>,
    state: Option<StateReport>,
    audit_seq: Option<u64>,
    panic_log: PathBuf,
    warnings: Vec<String>,
    #[serde(
        rename = "exit_code",
        serialize_with = "crate::error::serialize_exit_code"
    )]
    exit: ExitStatus,
}

pub fn run(ctx: &Ctx, args: PanicArgs) -> Result<ExitStatus> {
    let ui = &ctx.ui;
    let layout = &ctx.layout;
    let reason = args.reason.trim().to_string();
    if reason.is_empty() {
        return Err(Error::usage(
            "--reason must say why (it is recorded everywhere)",
        ));
    }
    let grace = secs_arg("--grace", args.grace)?;
    let signal_wait = secs_arg("--signal-wait", args.signal_wait)?;
    if !layout.data_dir.is_dir() {
        return Err(Error::failed(format!(
            "{} does not exist: no Talos installation under {}",
            layout.data_dir.display(),
            layout.root.display()
        ))
        .hint("check --root / TALOS_ROOT"));
    }
    let started_at = crate::timespec::now_rfc3339();
    let started_ts = crate::clock::now();
    let actor = crate::audit::operator_actor();
    let mut log = PanicLog::new(&layout.panic_log());
    let process_match = ctx.settings.process_match.value.clone();
    let pid_status = check_pid_file(&layout.pid_file, &process_match)?;
    if args.dry_run {
        return dry_run(ctx, &args, &reason, &actor, grace, signal_wait, pid_status);
    }

    if let PidStatus::NoPidFile { path } = &pid_status
        && !args.force
    {
        log.warn(&format!(
            "panic refused (reason: {reason}): no PID file at {}",
            path.display()
        ));
        return Err(Error::refused(format!(
            "no PID file at {}: the daemon may not be running, and talos cannot tell which process it is",
            path.display()
        ))
        .hint("re-run with --force to go ahead: talos will still try the API and SIGNAL_PANIC, and preserve state; it never signals a process it cannot verify")
        .hint("`talos status` shows whether anything answers"));
    }

    let verified = pid_status.verified().map(|v| v.with_match(&process_match));
    if let Some(v) = &verified {
        ui.debug(format!("signals to PID {} go {}", v.pid(), v.signal_path()));
    }
    let question = match (&pid_status, &verified) {
        (_, Some(v)) => format!(
            "EMERGENCY STOP of the Talos daemon (PID {}) — reason: {reason}. Continue?",
            v.pid()
        ),
        (PidStatus::Stale { reason: why, .. }, None) => format!(
            "The PID file is stale ({why}); no process will be signalled. Run the panic anyway (API, SIGNAL_PANIC, preserve state)?"
        ),
        _ => "There is no PID file; no process will be signalled. Run the panic anyway (API, SIGNAL_PANIC, preserve state)?".to_string(),
    };
    if let Err(e) = ui.confirm(&question) {
        log.warn(&format!(
            "panic not confirmed (reason: {reason}): {}",
            e.message
        ));
        return Err(e);
    }
    let _lock = emergency::lock(layout, "panic or recover")?;

    log.info("=== PANIC SEQUENCE INITIATED ===");
    log.info(&format!(
        "reason: {reason}; by {actor}; force: {}; preserve state: {}",
        args.force, !args.no_state
    ));
    match &pid_status {
        PidStatus::Verified { process, .. } => log.info(&format!(
            "verified orchestrator PID {} ({})",
            process.pid, process.cmdline
        )),
        PidStatus::Stale {
            pid, reason: why, ..
        } => log.warn(&format!(
            "stale PID file{}: {why}; it will not be signalled",
            pid.map(|p| format!(" (PID {p})")).unwrap_or_default()
        )),
        PidStatus::NoPidFile { .. } => log.warn("no PID file; going ahead because of --force"),
    }

    // Human output: the situation first, then each rung as it ends.
    if !ui.json {
        match &pid_status {
            PidStatus::Verified { process, .. } => ui.line(format!(
                "{} stopping the Talos daemon, PID {} (verified: {})",
                ui.red("PANIC:"),
                process.pid,
                process.cmdline
            ))?,
            PidStatus::Stale {
                pid, reason: why, ..
            } => ui.line(format!(
                "{} the PID file is stale{}: {why}. That process will not be signalled.",
                ui.red("PANIC:"),
                pid.map(|p| format!(" (PID {p})")).unwrap_or_default()
            ))?,
            PidStatus::NoPidFile { .. } => ui.line(format!(
                "{} no PID file (--force): only the API and SIGNAL_PANIC can be used",
                ui.red("PANIC:")
            ))?,
        }
    }

    let (opts, mut api) = options(ctx, &args, &reason, &actor, grace, signal_wait);
    let mut on_event = |ev: &Event| {
        if ui.json {
            return;
        }
        match ev {
            Event::Started { rung, waiting } => ui.note(format!(
                "  … [{}] {}{}",
                rung.number(),
                rung.label(),
                waiting
                    .map(|w| format!(" (waiting up to {})", fmt_secs(w)))
                    .unwrap_or_default()
            )),
            Event::Finished(r) => {
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
    };
    let esc = escalate::run(
        layout,
        &opts,
        verified.as_ref(),
        api.as_mut().map(|a| a as &mut dyn escalate::Api),
        &mut log,
        &mut on_event,
    );
    let mut warnings = Vec::new();
    let api_unreachable = opts.api_only
        && !esc.stopped
        && api
            .as_mut()
            .is_some_and(|a| escalate::Api::probe(a) != escalate::Probe::Answers);

    // A PID file is removed only once it is shown stale: checked again now,
    // and only if it still names the same PID.
    let pid_file_removed = remove_if_stale(
        &layout.pid_file,
        &process_match,
        pid_status.pid().or(verified.as_ref().map(|v| v.pid())),
    );
    match &pid_file_removed {
        Ok(Some(why)) => log.info(&format!("removed the stale PID file: {why}")),
        Ok(None) => {}
        Err(e) => warnings.push(format!("could not remove the stale PID file: {e}")),
    }
    let pid_file_removed = pid_file_removed.ok().flatten();

    let mut state_failed = false;
    let state_report = if args.no_state {
        log.info("state not preserved (--no-state)");
        None
    } else {
        match preserve_state(
            ctx,
            &reason,
            &actor,
            &started_at,
            started_ts,
            args.force,
            &esc,
            verified.as_ref().map(|v| v.pid()),
            &mut log,
        ) {
            Ok(r) => Some(r),
            Err(e) => {
                state_failed = true;
                log.error(&format!("state could not be preserved: {e}"));
                warnings.push(format!("the state could not be preserved: {e}"));
                None
            }
        }
    };

    let exit = if api_unreachable {
        ExitStatus::DaemonUnreachable
    } else if !esc.stopped {
        if verified.is_none() || esc.refused.is_some() {
            ExitStatus::Refused
        } else {
            ExitStatus::Failed
        }
    } else if state_failed {
        ExitStatus::Failed
    } else {
        ExitStatus::Ok
    };
    let details = json!({
        "reason": reason,
        "method": esc.method.as_str(),
        "stopped": esc.stopped,
        "already_stopped": esc.already_stopped,
        "pid": verified.as_ref().map(|v| v.pid()),
        "force": args.force,
        "rungs": esc.rungs.iter().map(|r| json!({"rung": r.rung, "outcome": r.outcome})).collect::<Vec<_>>(),
        "preserve": state_report.as_ref().and_then(|s| s.preserve.clone()),
        "exit_code": exit.code(),
    });
    let audit_seq = match crate::audit::record_operator_action(layout, "panic", details) {
        Ok(a) => Some(a.seq),
        Err(e) => {
            let w = format!("the panic could not be recorded in the audit chain: {e}");
            log.warn(&w);
            warnings.push(w);
            None
        }
    };
    log.info(&format!(
        "=== PANIC SEQUENCE COMPLETE: {} (method {}, exit {}) ===",
        if esc.already_stopped {
            "the daemon was already down"
        } else if esc.stopped {
            "the daemon is down"
        } else {
            "THE DAEMON IS STILL RUNNING"
        },
        esc.method.as_str(),
        exit.code()
    ));
    if let Some(f) = log.failure.take() {
        warnings.push(f);
    }

    let report = Report {
        access: if report_online(&esc) {
            crate::access::Access::Online
        } else {
            crate::access::Access::Offline
        },
        reason,
        started_at,
        pid_file: pid_status,
        escalation: esc,
        pid_file_removed,
        state: state_report,
        audit_seq,
        panic_log: layout.panic_log(),
        warnings,
        exit,
    };
    if ui.json {
        ui.json_doc(&report)?;
    } else {
        render(ctx, &report, args.force)?;
    }
    Ok(exit)
}

/// The escalation options and the API client, from the flags and settings.
fn options(
    ctx: &Ctx,
    args: &PanicArgs,
    reason: &str,
    actor: &str,
    grace: Duration,
    signal_wait: Duration,
) -> (Options, Option<DaemonApi>) {
    let layout = &ctx.layout;
    let mut opts = Options::new(reason, actor);
    opts.preserve_state = !args.no_state;
    opts.grace = grace;
    opts.signal_wait = signal_wait;
    opts.api_only = ctx.mode == Mode::Online;
    let api = match ctx.mode {
        Mode::Offline => {
            opts.api_skip = Some("not tried: --offline".into());
            None
        }
        // A broken --cacert must not stand between the operator and the
        // stop: the API rung is skipped and the others still run.
        _ => match DaemonApi::new(&ctx.settings) {
            Ok(a) => Some(a),
            Err(e) => {
                opts.api_skip = Some(format!("not tried: {}", e.message));
                None
            }
        },
    };
    if opts.api_skip.is_none() && ctx.settings.token.value.is_none() {
        opts.api_skip = Some(format!(
            "not tried: no admin token (set TALOS_TOKEN or write {})",
            layout.token_file.display()
        ));
    }
    (opts, api)
}

/// `--dry-run`: the plan, worked out as the real run would, and nothing done.
fn dry_run(
    ctx: &Ctx,
    args: &PanicArgs,
    reason: &str,
    actor: &str,
    grace: Duration,
    signal_wait: Duration,
    pid_status: PidStatus,
) -> Result<ExitStatus> {
    let ui = &ctx.ui;
    let process_match = &ctx.settings.process_match.value;
    let verified = pid_status.verified().map(|v| v.with_match(process_match));
    let (opts, _api) = options(ctx, args, reason, actor, grace, signal_wait);
    let rungs = escalate::plan(&ctx.layout, &opts, verified.as_ref());
    let refused = matches!(pid_status, PidStatus::NoPidFile { .. }) && !args.force;
    let doc = json!({
        "dry_run": true,
        "reason": reason,
        "pid_file": pid_status,
        "would_refuse": refused.then_some("no PID file: panic refuses without --force"),
        "plan": rungs,
        "preserve_state": !args.no_state,
        "preserves_dir": ctx.layout.preserves_dir(),
        "emergency_state": ctx.layout.emergency_state(),
    });
    ui.render(&doc, |ui| {
        let situation = match &pid_status {
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
        if refused {
            ui.line(format!(
                "  {} without --force, panic refuses here (no PID file)",
                ui.yellow("note:")
            ))?;
        }
        ui.line("Rungs, in order, each only if the ones before did not stop the daemon:")?;
        for r in &rungs {
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
        if args.no_state {
            ui.line("State: not preserved (--no-state).")?;
        } else {
            ui.line(format!(
                "State: a preserve archive in {} and {}.",
                ctx.layout.preserves_dir().display(),
                ctx.layout.emergency_state().display()
            ))?;
        }
        ui.line(
            "Dry run: nothing was done. Run the same command without --dry-run to stop the daemon.",
        )
    })?;
    Ok(ExitStatus::Ok)
}

fn report_online(esc: &Escalation) -> bool {
    esc.method == crate::emergency::state::Method::Api
}

fn fmt_secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

/// Removes the PID file if it is (still) stale and names `pid`. Returns
/// why it was stale when it removed it.
fn remove_if_stale(
    pid_file: &std::path::Path,
    process_match: &str,
    pid: Option<u32>,
) -> Result<Option<String>> {
    match check_pid_file(pid_file, process_match)? {
        PidStatus::Stale {
            pid: now, reason, ..
        } if now == pid || matches!(reason, StaleReason::Unreadable { .. }) => {
            std::fs::remove_file(pid_file)?;
            if let Some(dir) = pid_file.parent() {
                let _ = crate::fsutil::sync_dir(dir);
            }
            Ok(Some(reason.to_string()))
        }
        _ => Ok(None),
    }
}

/// Writes (or adopts) the preserve and writes emergency_state.json.
#[allow(clippy::too_many_arguments)]
fn preserve_state(
    ctx: &Ctx,
    reason: &str,
    actor: &str,
    started_at: &str,
    started_ts: jiff::Timestamp,
    force: bool,
    esc: &Escalation,
    pid: Option<u32>,
    log: &mut PanicLog,
) -> Result<StateReport> {
    let layout = &ctx.layout;
    // Ordered against a restore (docs/ops.md, "Locks"): never preserve a
    // tree that a running restore is swapping.
    let _install = crate::locks::shared_even_if_interrupted(layout, "the state preserve")?;
    let mut report = StateReport::default();
    // The daemon's own record counts only if it was written during this
    // panic (not one left from an earlier one).
    let daemon_record: Option<Value> = std::fs::metadata(layout.emergency_state())
        .ok()
        .and_then(|m| m.modified().ok())
        .filter(|t| {
            jiff::Timestamp::try_from(*t)
                .is_ok_and(|t| t >= started_ts - jiff::SignedDuration::from_secs(1))
        })
        .and_then(|_| std::fs::read(layout.emergency_state()).ok())
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .filter(Value::is_object);

    // A preserve the daemon wrote during this panic is used when it checks
    // out; otherwise talos writes its own.
    let daemon_preserve = daemon_record
        .as_ref()
        .and_then(|d| d.get("preserve"))
        .and_then(Value::as_str)
        .map(PathBuf::from)
        .filter(|p| p.is_file());
    let mut adopted = None;
    if let Some(p) = daemon_preserve {
        match preserve::unpack(&p) {
            Ok(u) => {
                log.info(&format!(
                    "the daemon preserved its state in {}; using it",
                    p.display()
                ));
                report.files = Some(u.files.len());
                report.task_count = u.task_count;
                report.preserve_written_by = Some("daemon");
                adopted = Some(p);
            }
            Err(e) => log.warn(&format!(
                "the daemon's preserve {} does not check out ({}); writing a new one",
                p.display(),
                e.message
            )),
        }
    }
    let preserve_path = match adopted {
        Some(p) => {
            report.pruned = preserve::prune(&layout.preserves_dir(), preserve::KEEP)?;
            p
        }
        None => {
            let created = preserve::create(
                layout,
                &preserve::Request {
                    reason: reason.to_string(),
                    method: esc.method.as_str().to_string(),
                    pid,
                    created_by: actor.to_string(),
                    now: crate::clock::now(),
                },
            )?;
            log.info(&format!(
                "state preserved in {} ({} files)",
                created.path.display(),
                created.files.len()
            ));
            report.files = Some(created.files.len());
            report.task_count = created.task_count;
            report.pruned = created.pruned;
            report.skipped = created.skipped;
            report.preserve_written_by = Some("talos");
            created.path
        }
    };
    for p in &report.pruned {
        log.info(&format!(
            "deleted old preserve {} (at most {} are kept)",
            p.display(),
            preserve::KEEP
        ));
    }
    report.preserve = Some(preserve_path.clone());

    // emergency_state.json says recovery is available: only once the daemon
    // is down, or it would describe a stop that did not happen.
    if esc.stopped {
        let facts = PanicFacts {
            started_at: started_at.to_string(),
            reason: reason.to_string(),
            pid,
            data_dir: layout.data_dir.clone(),
            forced: force,
            method: esc.method,
            preserve: Some(preserve_path),
            initiated_by: actor.to_string(),
        };
        let record = state::record_for_panic(&facts, daemon_record.as_ref());
        report.daemon_record_kept = daemon_record.is_some();
        state::write(&layout.emergency_state(), &record)?;
        log.info(&format!(
            "emergency state written to {}",
            layout.emergency_state().display()
        ));
        report.emergency_state = Some(layout.emergency_state());
    }
    Ok(report)
}

fn render(ctx: &Ctx, r: &Report, force: bool) -> Result<()> {
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

/// The escalation's view of the daemon's API, over the shared client
/// (bounded timeouts, TLS with --cacert, the token never shown).
struct DaemonApi {
    client: crate::api::Client,
}

impl DaemonApi {
    fn new(settings: &crate::config::Settings) -> Result<DaemonApi> {
        Ok(DaemonApi {
            client: crate::api::Client::new(settings)?,
        })
    }
}

impl escalate::Api for DaemonApi {
    fn request_panic(
        &mut self,
        reason: &str,
        preserve_state: bool,
    ) -> std::result::Result<String, String> {
        match self.client.panic(reason, preserve_state) {
            // The recovery token stays out of panic.log and the screen; the
            // daemon keeps it in its own emergency_state.json (mode 0600).
            Ok(body) => Ok(format!(
                "the daemon accepted the panic (state preserved by the daemon: {})",
                body.get("state_preserved")
                    .and_then(Value::as_bool)
                    .map_or("unknown", |b| if b { "yes" } else { "no" })
            )),
            Err(e) => Err(match e.hint() {
                Some(h) => format!("{} ({h})", e.message),
                None => e.message,
            }),
        }
    }

    fn probe(&mut self) -> escalate::Probe {
        use crate::api::ApiErrorKind as K;
        use escalate::Probe;
        match self.client.health() {
            Ok(_) => Probe::Answers,
            Err(e) => match e.kind {
                K::ConnectionRefused | K::Network | K::Config => Probe::Unreachable,
                // Connected, or something answered, but not as a healthy
                // daemon would: never call that "stopped".
                K::Timeout | K::Tls => Probe::Hung,
                K::NoToken | K::Unauthorized | K::NotFound | K::Status | K::BadResponse => {
                    Probe::Answers
                }
            },
        }
    }
}
