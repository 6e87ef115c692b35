//! `talos status`: the 3 AM first screen.

use clap::Args;
use serde::Serialize;
use serde_json::Value;

use super::{Ctx, ExitStatus};
use crate::access::Access;
use crate::daemon::Verdict;
use crate::diagnosis::{self, AuditPart, BackupPart, BreakersPart, RecoveryPart};
use crate::doctor::{Finding, Severity};
use crate::error::Result;
use crate::health::{self, Overall, Report};
use crate::output::{Ui, stamp_text, when, when_text};

/// The 3 AM first screen: daemon, health, breakers, recovery, backups, audit, errors.
///
/// Is the daemon up (and if not, why), its health, open circuit breakers, a
/// pending recovery (emergency_state.json after a panic, an unfinished
/// restore: var/lib/talos/restore.journal, a SIGNAL_PANIC still waiting in
/// var/lib/talos/), the age of the last backup, the
/// audit chain's head, and the last ERROR lines of orchestrator.log.
///
/// Problems come first, most urgent first, each with its fix. They are the
/// findings of `talos doctor` (without its scan of every log line), plus
/// the daemon's state, whose severity is that of `talos health`'s
/// orchestrator check: the three commands judge from the same evidence.
/// Online when the daemon answers; otherwise everything is read from the
/// files (access: offline). Full chain verification is
/// `talos audit verify-chain`.
///
/// Example: `talos status`, `talos status --json | jq .problems`
///
/// EXIT STATUS: 0 the screen was printed (whatever it shows: use
/// `talos health` for monitoring); 5 with --online when the daemon cannot be
/// reached.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct StatusArgs {}

#[derive(Debug, Serialize)]
struct StatusDoc {
    access: Access,
    generated_at: String,
    /// Warnings and failures, most urgent first (doctor's finding shape).
    problems: Vec<Finding>,
    daemon: health::DaemonSummary,
    health: Report,
    breakers: BreakersPart,
    recovery: RecoveryPart,
    backup: BackupPart,
    audit: AuditPart,
    recent_errors: Vec<Value>,
}

pub fn run(ctx: &Ctx, _args: StatusArgs) -> Result<ExitStatus> {
    // The online/offline rule of crate::access (exit 5 with --online and
    // no answer), then the findings shared with doctor and health.
    let live = crate::access::probe(ctx.mode, &ctx.settings, &ctx.layout)?;
    let d = diagnosis::from_probe(&ctx.settings, &ctx.layout, live, false, false);
    let problems = d.problems(&ctx.settings);
    let doc = StatusDoc {
        access: d.access,
        generated_at: crate::timespec::now_rfc3339(),
        problems,
        daemon: d.health.daemon.clone(),
        breakers: diagnosis::breakers(&ctx.settings, &ctx.layout, d.access),
        recovery: diagnosis::recovery(&ctx.settings, &ctx.layout),
        backup: diagnosis::backup(&ctx.settings),
        audit: diagnosis::audit(&ctx.layout),
        recent_errors: diagnosis::recent_errors(
            &ctx.layout.orchestrator_log(),
            diagnosis::RECENT_ERRORS,
        ),
        health: d.health,
    };
    let talos = crate::doctor::talos_cmd(&ctx.settings);
    ctx.ui.render(&doc, |ui| render(ui, &doc, &talos))?;
    Ok(ExitStatus::Ok)
}

/// `talos`: what the printed commands start with (`doctor::talos_cmd`).
fn render(ui: &Ui, d: &StatusDoc, talos: &str) -> Result<()> {
    let state = match d.daemon.state {
        Verdict::Up => ui.green("UP"),
        Verdict::Running => ui.yellow("RUNNING (API not asked)"),
        // Alive and writing its heartbeat, only the API slow: a warning,
        // as in `talos health`, not a hung daemon.
        Verdict::Hung
            if d.problems
                .iter()
                .any(|p| p.check == "daemon" && p.severity == Severity::Warn) =>
        {
            ui.yellow("SLOW API (heartbeat fresh)")
        }
        Verdict::Hung => ui.red("HUNG"),
        Verdict::StalePidFile => ui.red("DOWN (stale PID file)"),
        Verdict::NotRunning => ui.red("DOWN"),
        Verdict::Unverified => ui.yellow("UNVERIFIED (heartbeat fresh, PID not verified)"),
    };
    let health = d.health.status.as_str().to_uppercase();
    let health = match d.health.status {
        Overall::Healthy => ui.green(&health),
        Overall::Degraded => ui.yellow(&health),
        _ => ui.red(&health),
    };
    ui.line(format!(
        "{}  daemon {state}  health {health}  ({}) {}",
        ui.bold("TALOS"),
        d.access.as_str(),
        stamp_text(&d.generated_at)
    ))?;
    ui.line(format!("  {}", d.daemon.message))?;
    ui.line("")?;
    if d.problems.is_empty() {
        ui.line(format!("{} no problems found", ui.green("ok")))?;
    } else {
        ui.line(ui.bold("PROBLEMS (most urgent first)"))?;
        for p in &d.problems {
            let label = match p.severity {
                Severity::Fail => ui.red("FAIL"),
                Severity::Warn => ui.yellow("WARN"),
                Severity::Info => ui.dim("INFO"),
            };
            ui.line(format!("  {label}  {}", p.title))?;
            for e in &p.evidence {
                ui.line(format!("        {}", ui.dim(e)))?;
            }
            if let Some(fix) = &p.fix {
                ui.line(format!("        fix: {fix}"))?;
            }
        }
    }
    ui.line("")?;
    let open = if d.breakers.open.is_empty() {
        "none open".to_string()
    } else {
        format!("open: {}", d.breakers.open.join(", "))
    };
    ui.line(format!(
        "breakers:     {} ({open}; {})",
        d.breakers.list.len(),
        d.breakers.access.as_str()
    ))?;
    if let Some(e) = &d.breakers.error {
        ui.line(format!("              {}", ui.dim(e)))?;
    }
    let backup = match (&d.backup.newest, d.backup.age_ms) {
        (Some(p), Some(age)) => format!(
            "{}, {} ({} in {})",
            when(crate::clock::now() - jiff::SignedDuration::from_millis(age)),
            p.file_name().unwrap_or_default().to_string_lossy(),
            d.backup.count,
            d.backup.dir.display()
        ),
        _ => format!("none in {}", d.backup.dir.display()),
    };
    ui.line(format!("last backup:  {backup}"))?;
    let audit = match (&d.audit.head, &d.audit.error) {
        (Some(h), _) => format!(
            "head seq {} ({}…); full check: `{talos} audit verify-chain`",
            h.seq,
            &h.hash[..h.hash.len().min(12)]
        ),
        (None, Some(e)) => ui.red(e),
        (None, None) => "empty".to_string(),
    };
    ui.line(format!("audit chain:  {audit}"))?;
    if !d.recent_errors.is_empty() {
        ui.line("recent errors (orchestrator.log):")?;
        for e in &d.recent_errors {
            let g = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("");
            let code = e
                .pointer("/error/code")
                .and_then(Value::as_str)
                .map(|c| format!(" {c}"))
                .unwrap_or_default();
            ui.line(format!(
                "  {} {}{code} [{}] {}",
                when_text(g("timestamp")),
                g("component"),
                g("correlation_id"),
                g("message")
            ))?;
        }
    }
    Ok(())
}
