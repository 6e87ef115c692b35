//! `talos doctor`

use clap::Args;

use super::{Ctx, Exit};
use crate::doctor::{self, Severity};
use crate::error::Result;

/// Run every offline check and say how to fix each finding.
///
/// Reads the installation's files and processes only (works with the daemon
/// up or down, never changes anything): stale PID file; more than one
/// orchestrator process (split brain); heartbeat age while the daemon runs;
/// an unfinished restore (var/lib/talos/restore.journal); a pending emergency
/// recovery (emergency_state.json) or a waiting SIGNAL_PANIC; an audit
/// chain that does not verify; database integrity, tables, journal mode and
/// WAL size; corrupt JSON in var/lib/talos/state; malformed lines in Tier 2/3 logs;
/// clock skew (log, heartbeat, block event or audit times in the future, or
/// going backwards within a file); stale lock files (recorded PID gone);
/// config.yaml validity and file modes; certificate expiry (warn under 30
/// days, fail once expired); disk of var/lib/talos (warn 80 %, fail 95 %) and
/// memory (warn 70 %, fail 90 %); no backup, or the newest older than 26 h.
///
/// Split brain: processes matching orchestrator.process_match count when
/// their command line names this root (or the root is /), plus the PID in
/// the PID file; other talos invocations never count.
///
/// Findings are printed most urgent first, each with its evidence and fix;
/// `info` lines are facts, not problems.
///
/// EXIT STATUS: 0 clean (info only); 1 warnings or failures, none about
/// integrity; 3 an integrity finding (corrupt database, state file or
/// certificate, broken audit chain, unfinished restore, invalid config or
/// unsafe modes).
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DoctorArgs {
    /// Write Prometheus metrics here (talos_doctor_findings by severity), for
    /// node_exporter's textfile collector [default: metrics.textfile_dir/talos_doctor.prom when configured]
    #[arg(long, value_name = "PATH")]
    pub metrics_file: Option<std::path::PathBuf>,
}

pub fn run(ctx: &Ctx, args: DoctorArgs) -> Result<Exit> {
    let report = doctor::run(&ctx.layout, &ctx.settings);
    if let Some(path) = crate::cli::metrics_path(ctx, args.metrics_file.as_deref(), "doctor") {
        let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count() as u64;
        let m = crate::metrics::doctor(&[
            ("fail", count(Severity::Fail)),
            ("warn", count(Severity::Warn)),
            ("info", count(Severity::Info)),
        ]);
        crate::cli::write_metrics(ctx, Some(&path), &m);
    }
    ctx.ui.render(&report, |ui| {
        ui.line(format!("talos doctor: {}", report.root.display()))?;
        for f in report.problems() {
            let label = match f.severity {
                Severity::Fail => ui.red("FAIL"),
                _ => ui.yellow("warn"),
            };
            let tag = if f.integrity { " [integrity]" } else { "" };
            ui.line(format!("{label} {}: {}{tag}", f.check, f.title))?;
            for e in &f.evidence {
                ui.line(format!("     {}", ui.dim(e)))?;
            }
            if let Some(fix) = &f.fix {
                ui.line(format!("     fix: {fix}"))?;
            }
        }
        for f in report.findings.iter().filter(|f| !f.is_problem()) {
            ui.line(format!("info {}: {}", f.check, f.title))?;
        }
        let ok: Vec<&str> = report
            .checks
            .iter()
            .filter(|c| c.status == "ok" || c.status == "info")
            .map(|c| c.check)
            .collect();
        if !ok.is_empty() {
            ui.line(format!("{} {}", ui.green("ok"), ok.join(", ")))?;
        }
        let fails = report
            .problems()
            .filter(|f| f.severity == Severity::Fail)
            .count();
        let warns = report
            .problems()
            .filter(|f| f.severity == Severity::Warn)
            .count();
        let summary = match report.verdict {
            "clean" => ui.green("clean: nothing to fix"),
            _ => format!("{fails} failure(s), {warns} warning(s)"),
        };
        ui.line(summary)
    })?;
    Ok(Exit(report.exit_code))
}
