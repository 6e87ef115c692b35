//! `talos health [--watch SECS]`.

use std::time::Duration;

use clap::Args;

use super::{Ctx, ExitStatus};
use crate::error::{Error, Result};
use crate::health::{self, CheckStatus, Overall, Report};
use crate::output::Ui;

/// Health of the daemon and the installation, for people and for monitoring.
///
/// Online through the daemon's GET /health when it answers; otherwise
/// computed from the files (access: offline) with the thresholds of the
/// runbook: PID file and heartbeat age (warn > 10 s, fail > 30 s), database
/// (response time of a ping warn > 100 ms, fail > 5 s; PRAGMA quick_check
/// finds no damage), memory
/// (warn > 70 %, fail > 90 %), disk of var/lib/talos (warn > 80 %, fail > 95 %),
/// and the expiry of etc/talos/ssl/cert.pem (warn < 30 days, fail < 7).
/// Either way it reads the daemon's start history: 3 starts within 10
/// minutes (a crash loop) fail check crash_loop while it lasts, so a daemon
/// "up 1s" after its fourth start is not healthy.
/// The report has the same shape either way and says which way it went
/// (access: online or offline). The daemon's state is judged from the same
/// evidence as in `talos status` and `talos doctor` (a heartbeat dated in
/// the future is not fresh).
/// It answers within about 2 s when the daemon is dead and within
/// --timeout + 2 s when it hangs.
///
/// Example: `talos health --json | jq .status`
///
/// EXIT STATUS (the monitoring-plugin convention): 0 healthy, 1 degraded,
/// 2 unhealthy, 3 unknown (no installation at --root, or an answer that
/// cannot be read); 5 with --online when the daemon cannot be reached.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct HealthArgs {
    /// Check again every SECS seconds until interrupted (with --json, one
    /// JSON document per line per round)
    #[arg(long, value_name = "SECS")]
    pub watch: Option<f64>,
    /// Write Prometheus metrics here (talos_health_status), for node_exporter's
    /// textfile collector [default: metrics.textfile_dir/talos_health.prom when configured]
    #[arg(long, value_name = "PATH")]
    pub metrics_file: Option<std::path::PathBuf>,
}

/// One health report, through the path the mode allows.
pub fn check(ctx: &Ctx) -> Result<Report> {
    let live = crate::access::probe(ctx.mode, &ctx.settings, &ctx.layout)?;
    let mut report = health::report(&live, &ctx.layout);
    // The fix runs as printed: with this run's --root / --url.
    let talos = crate::doctor::talos_cmd(&ctx.settings);
    report.daemon.fix = report
        .daemon
        .fix
        .map(|f| crate::doctor::carry_flags(&f, &talos));
    Ok(report)
}

pub fn run(ctx: &Ctx, args: HealthArgs) -> Result<ExitStatus> {
    let target = crate::cli::metrics_path(ctx, args.metrics_file.as_deref(), "health");
    let Some(secs) = args.watch else {
        let report = check(ctx);
        let status = report
            .as_ref()
            .map(|r| r.status.exit_status().code())
            .unwrap_or(3);
        crate::cli::write_metrics(ctx, target.as_deref(), &crate::metrics::health(status));
        let report = report?;
        let talos = crate::doctor::talos_cmd(&ctx.settings);
        ctx.ui.render(&report, |ui| render(ui, &report, &talos))?;
        return Ok(report.status.exit_status());
    };
    if !(secs.is_finite() && secs > 0.0 && secs <= 86_400.0) {
        return Err(Error::usage(format!(
            "--watch needs a positive number of seconds (at most 86400), not {secs:?}"
        )));
    }
    loop {
        match check(ctx) {
            Ok(report) => {
                let m = crate::metrics::health(report.status.exit_status().code());
                crate::cli::write_metrics(ctx, target.as_deref(), &m);
                if ctx.ui.json {
                    ctx.ui.line(serde_json::to_string(&report)?)?;
                } else {
                    render(&ctx.ui, &report, &crate::doctor::talos_cmd(&ctx.settings))?;
                    ctx.ui.line("")?;
                }
            }
            // --online and unreachable: say so each round, keep watching.
            Err(e) => ctx.ui.warn(&e.message),
        }
        std::thread::sleep(Duration::from_secs_f64(secs));
    }
}

fn status_word(ui: &Ui, status: Overall) -> String {
    let s = status.as_str().to_uppercase();
    match status {
        Overall::Healthy => ui.green(&s),
        Overall::Degraded => ui.yellow(&s),
        _ => ui.red(&s),
    }
}

/// The human report: overall status and path, then every check, worst first,
/// each problem with the command to run next.
/// `talos`: the command the fixes start with (`doctor::talos_cmd`).
pub fn render(ui: &Ui, r: &Report, talos: &str) -> Result<()> {
    let via = if r.access == crate::access::Access::Online {
        format!("online, {}", r.daemon.url)
    } else {
        "offline: computed from files".to_string()
    };
    ui.line(format!(
        "{} ({via}) at {}",
        ui.bold(&status_word(ui, r.status)),
        crate::output::stamp_text(&r.checked_at)
    ))?;
    ui.line(format!("daemon: {}", r.daemon.message))?;
    if let (Some(v), Some(up)) = (&r.version, r.uptime_seconds) {
        ui.line(format!(
            "version {v}, up {}",
            crate::output::human_duration(up as i64)
        ))?;
    }
    let mut checks: Vec<(&str, &health::Check)> = r.checks.iter().collect();
    checks.sort_by_key(|(_, c)| std::cmp::Reverse(c.status));
    for (name, c) in checks {
        let st = c.status;
        let mark = match st {
            CheckStatus::Pass => ui.green("ok  "),
            CheckStatus::Skip => ui.dim("unknown"),
            CheckStatus::Warn => ui.yellow("WARN"),
            CheckStatus::Fail => ui.red("FAIL"),
        };
        let msg = &c.message;
        ui.line(format!("  {mark}  {name:<13} {msg}"))?;
        if matches!(st, CheckStatus::Warn | CheckStatus::Fail)
            && let Some(fix) = health::next_step(name, r)
        {
            let fix = crate::doctor::carry_flags(&fix, talos);
            ui.line(format!("        fix: {fix}"))?;
        }
    }
    Ok(())
}
