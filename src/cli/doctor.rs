//! `talos doctor`

use clap::Args;
use serde::Serialize;

use super::{Ctx, ExitStatus};
use crate::doctor::{self, Report, Severity, fix};
use crate::error::Result;

/// Run every offline check and say how to fix each finding.
///
/// Reads the installation's files and processes only (works with the daemon
/// up or down, never changes anything): stale PID file; more than one
/// orchestrator process (split brain); heartbeat age while the daemon runs;
/// an unfinished restore (var/lib/talos/restore.journal); a pending emergency
/// recovery (emergency_state.json) or a waiting SIGNAL_PANIC; an audit
/// chain that does not verify; database integrity (PRAGMA quick_check;
/// integrity_check with --deep), tables, journal mode and WAL size; corrupt JSON in var/lib/talos/state; malformed lines in Tier 2/3 logs;
/// clock skew (log, heartbeat, block event or audit times in the future, or
/// going backwards within a file); stale lock files (recorded PID gone);
/// config.yaml validity and file modes; certificate expiry (warn under 30
/// days, fail once expired); disk of var/lib/talos (warn 80 %, fail 95 %) and
/// memory (warn 70 %, fail 90 %); no backup, or the newest older than 26 h.
/// Also: key.pem that does not match cert.pem or is truncated; the daemon
/// serving another certificate than cert.pem (online); the api_url port
/// held by another program; a crash loop (3 daemon starts within 10
/// minutes in the audit chain or the log); a truncated .gz rotation (how
/// many lines are still readable); the audit directory deleted; the newest
/// backup truncated or corrupt (its gzip framing, trailer and head; the
/// whole archive with --deep, as `talos backup verify`).
///
/// Split brain: processes matching orchestrator.process_match count when
/// their command line names this root (or the root is /), plus the PID in
/// the PID file; other talos invocations never count.
///
/// A daemon is identified by its program (the executable, or the script an
/// interpreter runs) matching orchestrator.process_match and by its root
/// (--root / TALOS_ROOT, compared path by path); a process that only reads
/// talos files (tail -f /var/log/talos/...) is not one. Its heartbeat and
/// its API (asked once, unless --offline) corroborate the PID file: a PID
/// file is called stale only when neither shows a sign of life.
///
/// A busy or locked database is reported as a lock, naming the process
/// that holds it, never as damage.
///
/// Findings are printed most urgent first, each with its evidence and fix;
/// every `talos ...` in a fix carries this run's --root and --url. `info`
/// lines are facts, not problems.
///
/// --fix applies the safe, reversible fixes only: removing a stale PID file
/// whose process is verified gone, removing stale lock files of dead
/// processes, tightening file modes, a passive WAL checkpoint. Each is
/// checked again right before it is applied, recorded in the audit chain
/// (action doctor_fix) and printed; it asks first on a terminal (--yes for
/// scripts). Everything else stays advice.
///
/// EXIT STATUS: 0 clean (info only); 1 warnings or failures, none about
/// integrity; 2 the root is not an installation (check --root); 3 an
/// integrity finding (corrupt database, state file or certificate, broken
/// audit chain, unfinished restore, invalid config or unsafe modes); 4 --fix
/// could not ask for confirmation (no terminal and no --yes) or was
/// declined. With --fix, the code is that of the checks run after the fixes.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DoctorArgs {
    /// Apply the safe, reversible fixes (asks first; --yes for scripts)
    #[arg(long)]
    pub fix: bool,
    /// Also verify the newest backup completely, as `talos backup verify`
    /// does (slower: it reads the whole archive; by default only its gzip
    /// framing and head are checked), and run the database's full PRAGMA
    /// integrity_check (by default quick_check)
    #[arg(long)]
    pub deep: bool,
    /// Write Prometheus metrics here (talos_doctor_findings by severity), for
    /// node_exporter's textfile collector [default: metrics.textfile_dir/talos_doctor.prom when configured]
    #[arg(long, value_name = "PATH")]
    pub metrics_file: Option<std::path::PathBuf>,
}

#[derive(Serialize)]
struct FixedReport<'a> {
    #[serde(flatten)]
    report: &'a Report,
    /// What --fix did, in order.
    fixes: &'a [fix::Applied],
}

fn check(ctx: &Ctx, deep: bool) -> Report {
    // One probe of the daemon, the evidence every check shares with
    // `talos status` and `talos health` (crate::diagnosis).
    match crate::diagnosis::diagnose(&ctx.settings, &ctx.layout, ctx.mode, true, deep) {
        Ok(d) => d.doctor,
        // An unusable process_match or PID file: the checks still run (and
        // name it).
        Err(_) => doctor::run_opts(
            &ctx.layout,
            &ctx.settings,
            &doctor::Options {
                deep,
                ..Default::default()
            },
        ),
    }
}

pub fn run(ctx: &Ctx, args: DoctorArgs) -> Result<ExitStatus> {
    let spinner = ctx.ui.spinner("doctor: checking the installation");
    let mut report = check(ctx, args.deep);
    spinner.finish_and_clear();
    let mut fixes = Vec::new();
    if args.fix {
        let actions: Vec<fix::Action> = report
            .findings
            .iter()
            .filter_map(|f| f.action.clone())
            .collect();
        if !actions.is_empty() {
            let list: Vec<String> = actions
                .iter()
                .map(|a| format!("  {}", a.describe()))
                .collect();
            ctx.ui.confirm(&format!(
                "apply these {} fix(es)?\n{}\n",
                actions.len(),
                list.join("\n")
            ))?;
            fixes = fix::apply(&actions, &ctx.layout, &ctx.settings);
            report = check(ctx, args.deep);
        }
    }
    if let Some(path) = crate::cli::metrics_path(ctx, args.metrics_file.as_deref(), "doctor") {
        let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count() as u64;
        let m = crate::metrics::doctor(&[
            ("fail", count(Severity::Fail)),
            ("warn", count(Severity::Warn)),
            ("info", count(Severity::Info)),
        ]);
        crate::cli::write_metrics(ctx, Some(&path), &m);
    }
    let doc = FixedReport {
        report: &report,
        fixes: &fixes,
    };
    ctx.ui.render(&doc, |ui| {
        ui.line(format!("talos doctor: {}", report.root.display()))?;
        for a in &fixes {
            let label = match a.outcome {
                "applied" => ui.green("fixed"),
                _ => ui.yellow(a.outcome),
            };
            let detail = a
                .detail
                .as_ref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            let seq = a
                .audit_seq
                .map(|s| format!(" [audit seq {s}]"))
                .unwrap_or_default();
            ui.line(format!("{label} {}{detail}{seq}", a.description))?;
        }
        if args.fix && fixes.is_empty() {
            ui.line("nothing that --fix may change; the findings below are advice")?;
        }
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
            .filter(|c| c.status == "pass")
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
    Ok(report.exit)
}
