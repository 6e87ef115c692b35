//! `talos restart`: ask the daemon to restart through its admin API.

use clap::Args;
use serde_json::json;

use super::{Ctx, ExitStatus};
use crate::error::Result;
use crate::lifecycle::{self, RestartEvent, RestartOptions};

/// Ask the daemon to restart gracefully (POST /admin/restart; F-002 in docs/runbook.md).
///
/// Works only through the API. When the daemon is down, says so, why, and
/// how to start it; when it is alive but does not answer (hung), says that
/// `talos panic` is the way to stop it. After the daemon accepts, waits up to
/// 20 s for it to answer /health again. The request is recorded in the
/// audit chain.
///
/// Example: `talos restart --json`
///
/// EXIT STATUS: 0 restarted and answering again; 1 the restart was refused
/// (e.g. a rejected token: 401) or the daemon did not come back; 2 with
/// --offline (a restart needs the API); 5 the daemon is down or does not
/// answer.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct RestartArgs {
    /// Do not wait for the daemon to answer again
    #[arg(long)]
    pub no_wait: bool,
}

pub fn run(ctx: &Ctx, args: RestartArgs) -> Result<ExitStatus> {
    let ui = &ctx.ui;
    let opts = RestartOptions {
        mode: ctx.mode,
        wait: !args.no_wait,
    };
    let report = lifecycle::restart(&ctx.settings, &ctx.layout, opts, &mut |ev| match ev {
        RestartEvent::AuditFailed(w) => ui.warn(w),
        RestartEvent::Waiting => {
            ui.note("restart accepted; waiting for the daemon to answer again")
        }
    })?;
    let doc = json!({
        "access": report.access,
        "url": report.url,
        "accepted": report.accepted,
        "answering_again_after_ms": report.back_after.map(|d| d.as_millis() as u64),
        "waited": report.waited,
        "audit_seq": report.audit_seq,
    });
    ui.render(&doc, |ui| {
        ui.line(format!(
            "restart accepted by {} ({})",
            report.url,
            report.access.as_str()
        ))?;
        match report.back_after {
            Some(d) => ui.line(format!(
                "{} the daemon answers again after {:.1}s",
                ui.green("ok"),
                d.as_secs_f64()
            )),
            None if !report.waited => ui.line("not waiting; check with `talos status`"),
            None => ui.line(format!(
                "{} the daemon did not answer within {}s: check `talos status`",
                ui.red("!"),
                lifecycle::BACK_TIMEOUT.as_secs()
            )),
        }
    })?;
    Ok(report.exit)
}
