//! The daemon's lifecycle as talos drives it: a graceful restart through
//! the admin API (`talos restart`, runbook F-002). Starting a stopped daemon
//! is the service manager's job; stopping one in an emergency is
//! `crate::emergency::panic`.
//!
//! Nothing here prints: the caller hears the steps through `RestartEvent`s
//! and renders the `RestartReport`.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::access::{Access, Mode};
use crate::api::Client;
use crate::config::Settings;
use crate::daemon::{Liveness, Verdict};
use crate::error::{Error, ExitStatus, Result};
use crate::install::Layout;

/// Longest wait for the daemon to answer again after a restart.
pub const BACK_TIMEOUT: Duration = Duration::from_secs(20);

/// What the operator asked for.
#[derive(Debug, Clone, Copy)]
pub struct RestartOptions {
    /// `--offline` is a usage error: a restart has no offline way.
    pub mode: Mode,
    /// Wait for the daemon to answer `/health` again.
    pub wait: bool,
}

/// What `restart` tells its caller as it goes.
#[derive(Debug)]
pub enum RestartEvent<'a> {
    /// The restart was requested but its audit record failed.
    AuditFailed(&'a str),
    /// The daemon accepted; the wait for it to answer again begins.
    Waiting,
}

/// The whole story of one restart.
#[derive(Debug)]
pub struct RestartReport {
    /// Always online: a restart goes through the API or not at all.
    pub access: Access,
    pub url: String,
    /// The daemon's answer to `POST /admin/restart`.
    pub accepted: Value,
    /// How long until `/health` answered again (a new `started_at`).
    pub back_after: Option<Duration>,
    pub waited: bool,
    pub audit_seq: Option<u64>,
    pub exit: ExitStatus,
}

/// Restarts the daemon through the API: refuses `--offline` (exit 2) and
/// a daemon that is down or hung (exit 5, with how to start or stop it),
/// requests the restart (a 401 is the error, exit 1), records it in the
/// audit chain, then waits up to `BACK_TIMEOUT` for it to answer again.
pub fn restart(
    settings: &Settings,
    layout: &Layout,
    opts: RestartOptions,
    on_event: &mut dyn FnMut(RestartEvent<'_>),
) -> Result<RestartReport> {
    if opts.mode == Mode::Offline {
        return Err(Error::usage(
            "a restart goes through the daemon's API; it cannot be done --offline",
        )
        .hint(
            "to start a stopped daemon use your service manager (e.g. `systemctl start talos`)",
        ));
    }
    let live = Liveness::probe(settings, layout, true)?;
    require_online(&live)?;
    let before = live
        .health()
        .and_then(|h| h.body.get("started_at").cloned())
        .unwrap_or_default();
    let client = Client::new(settings)?;
    let accepted = client.restart()?;
    let audit = crate::audit::record_operator_action(
        layout,
        "daemon_restart",
        json!({"url": client.url(), "access": Access::Online, "pid": live.pid}),
    );
    if let Err(e) = &audit {
        on_event(RestartEvent::AuditFailed(&format!(
            "the restart was requested, but the audit record failed: {e}"
        )));
    }
    let back_after = if opts.wait {
        on_event(RestartEvent::Waiting);
        wait_back(&client, &before)
    } else {
        None
    };
    let exit = if back_after.is_none() && opts.wait || audit.is_err() {
        ExitStatus::Failed
    } else {
        ExitStatus::Ok
    };
    Ok(RestartReport {
        access: Access::Online,
        url: client.url().to_string(),
        accepted,
        back_after,
        waited: opts.wait,
        audit_seq: audit.ok().map(|a| a.seq),
        exit,
    })
}

/// A restart has no offline way: online or nothing (crate::access).
fn require_online(live: &Liveness) -> Result<()> {
    if Access::of(live) == Access::Online {
        return Ok(());
    }
    let err = Error::unreachable(format!("cannot restart: {}", live.message));
    Err(match live.verdict {
        Verdict::Hung => err.hint(format!(
            "a hung daemon cannot take an API restart: `talos panic --reason \"hung\"` stops it{}, then start it with your service manager",
            live.pid.map(|p| format!(" (PID {p})")).unwrap_or_default()
        )),
        _ => err.hint("the daemon is not running: start it with your service manager (e.g. `systemctl start talos`), then check `talos status`"),
    })
}

/// Polls `/health` until it answers with a `started_at` other than
/// `before` (or at all, when the daemon gives none), for at most
/// `BACK_TIMEOUT`.
fn wait_back(client: &Client, before: &Value) -> Option<Duration> {
    let start = Instant::now();
    // Give the daemon a moment to begin going down before polling.
    std::thread::sleep(Duration::from_millis(300));
    while start.elapsed() < BACK_TIMEOUT {
        if let Ok(h) = client.health() {
            let started = h.body.get("started_at").cloned().unwrap_or_default();
            if before.is_null() || &started != before {
                return Some(start.elapsed());
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    None
}
