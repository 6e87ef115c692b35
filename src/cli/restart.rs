//! `talos restart`: ask the daemon to restart through its admin API.

use std::time::{Duration, Instant};

use clap::Args;
use serde_json::json;

use super::{Ctx, ExitStatus, Mode};
use crate::access::Access;
use crate::api::Client;
use crate::daemon::{Liveness, Verdict};
use crate::error::{Error, Result};

/// Longest wait for the daemon to answer again after a restart.
const BACK_TIMEOUT: Duration = Duration::from_secs(20);

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
    if ctx.mode == Mode::Offline {
        return Err(Error::usage(
            "a restart goes through the daemon's API; it cannot be done --offline",
        )
        .hint(
            "to start a stopped daemon use your service manager (e.g. `systemctl start talos`)",
        ));
    }
    let live = Liveness::probe(&ctx.settings, &ctx.layout, true)?;
    // A restart has no offline way: online or nothing (crate::access).
    if Access::of(&live) != Access::Online {
        let mut err = Error::unreachable(format!("cannot restart: {}", live.message));
        err = match live.verdict {
            Verdict::Hung => err.hint(format!(
                "a hung daemon cannot take an API restart: `talos panic --reason \"hung\"` stops it{}, then start it with your service manager",
                live.pid.map(|p| format!(" (PID {p})")).unwrap_or_default()
            )),
            _ => err.hint("the daemon is not running: start it with your service manager (e.g. `systemctl start talos`), then check `talos status`"),
        };
        return Err(err);
    }
    let before = live
        .health()
        .and_then(|h| h.body.get("started_at").cloned())
        .unwrap_or_default();
    let client = Client::new(&ctx.settings)?;
    let accepted = client.restart()?;
    let audit = crate::audit::record_operator_action(
        &ctx.layout,
        "daemon_restart",
        json!({"url": client.url(), "access": Access::Online, "pid": live.pid}),
    );
    if let Err(e) = &audit {
        ctx.ui.warn(format!(
            "the restart was requested, but the audit record failed: {e}"
        ));
    }
    let mut back: Option<Duration> = None;
    if !args.no_wait {
        ctx.ui
            .note("restart accepted; waiting for the daemon to answer again");
        let start = Instant::now();
        // Give the daemon a moment to begin going down before polling.
        std::thread::sleep(Duration::from_millis(300));
        while start.elapsed() < BACK_TIMEOUT {
            if let Ok(h) = client.health() {
                let started = h.body.get("started_at").cloned().unwrap_or_default();
                if before.is_null() || started != before {
                    back = Some(start.elapsed());
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
    let doc = json!({
        "access": Access::Online,
        "url": client.url(),
        "accepted": accepted,
        "answering_again_after_ms": back.map(|d| d.as_millis() as u64),
        "waited": !args.no_wait,
    });
    ctx.ui.render(&doc, |ui| {
        ui.line(format!("restart accepted by {} (online)", client.url()))?;
        match back {
            Some(d) => ui.line(format!(
                "{} the daemon answers again after {:.1}s",
                ui.green("ok"),
                d.as_secs_f64()
            )),
            None if args.no_wait => ui.line("not waiting; check with `talos status`"),
            None => ui.line(format!(
                "{} the daemon did not answer within {}s: check `talos status`",
                ui.red("!"),
                BACK_TIMEOUT.as_secs()
            )),
        }
    })?;
    Ok(if back.is_none() && !args.no_wait || audit.is_err() {
        ExitStatus::Failed
    } else {
        ExitStatus::Ok
    })
}
