//! `talos breaker force-open NAME --reason TEXT` and `talos breaker disable
//! NAME --reason TEXT`: resilience4j's FORCED_OPEN and DISABLED, set by hand.

use clap::Args;
use serde::Serialize;
use serde_json::json;

use crate::access::{self, Access, Purpose, Way};
use crate::breakers::{BreakerFile, Force, Forced, list_from_map, unknown_breaker};
use crate::cli::{Ctx, ExitStatus};
use crate::error::{Error, Result};

/// The arguments of both commands; the doc comments of the subcommands in
/// `mod.rs` are their --help.
#[derive(Debug, Args)]
pub struct ForceArgs {
    /// The breaker
    #[arg(value_name = "NAME", add = crate::cli::complete::breaker_names())]
    pub name: String,
    /// Why (kept with the state and in the audit record; shown by `talos
    /// status` and `talos breaker list`)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

#[derive(Debug, Serialize)]
struct Doc {
    access: Access,
    note: Option<String>,
    name: String,
    from: String,
    to: &'static str,
    forced: Forced,
}

pub fn run(ctx: &Ctx, args: ForceArgs, force: Force) -> Result<ExitStatus> {
    let reason = args.reason.trim();
    if reason.is_empty() {
        return Err(Error::usage("--reason must not be empty")
            .hint("say why, e.g. --reason \"provider outage, INC-1234\""));
    }
    let actor = crate::audit::operator_actor();
    // A write of the daemon's file: offline only with the daemon verified
    // down (crate::access).
    let note = match access::choose(ctx.mode, Purpose::Write, &ctx.settings, &ctx.layout, |c| {
        c.breakers()
    })? {
        Way::Online { client, value } => {
            let known = list_from_map(&value);
            let Some(b) = known.iter().find(|b| b.name == args.name) else {
                let names: Vec<String> = known.iter().map(|b| b.name.clone()).collect();
                return Err(unknown_breaker(&args.name, &names));
            };
            let answer = client.force_breaker(&args.name, force, reason, &actor)?;
            let stored = answer
                .get("breaker")
                .map(|v| crate::breakers::Breaker::from_value(&args.name, v))
                .and_then(|b| b.forced);
            let forced = stored.unwrap_or(Forced {
                by: Some(actor.clone()),
                at: Some(crate::timespec::now_rfc3339()),
                reason: Some(reason.to_string()),
            });
            return finish(ctx, Access::Online, None, &b.name, &b.state, force, forced);
        }
        Way::Offline { note } => note,
    };
    let _lock = crate::fsutil::FileLock::exclusive_blocking(
        &ctx.layout.run_dir.join("breaker-reset.lock"),
    )?;
    let mut file = BreakerFile::load(&ctx.layout.breakers_file())?;
    let from = file
        .list()
        .into_iter()
        .find(|b| b.name == args.name)
        .map(|b| b.state)
        .unwrap_or_default();
    let at = crate::timespec::now_rfc3339();
    file.force(&args.name, force, &actor, &at, reason)?;
    file.save()?;
    let forced = Forced {
        by: Some(actor),
        at: Some(at),
        reason: Some(reason.to_string()),
    };
    finish(ctx, Access::Offline, note, &args.name, &from, force, forced)
}

fn finish(
    ctx: &Ctx,
    access: Access,
    note: Option<String>,
    name: &str,
    from: &str,
    force: Force,
    forced: Forced,
) -> Result<ExitStatus> {
    let details = json!({
        "name": name,
        "from": from,
        "to": force.as_str(),
        "reason": forced.reason,
        "access": access,
    });
    let audit =
        crate::audit::record_operator_action(&ctx.layout, "circuit_breaker_forced", details);
    let doc = Doc {
        access,
        note,
        name: name.to_string(),
        from: from.to_string(),
        to: force.as_str(),
        forced,
    };
    ctx.ui.render(&doc, |ui| {
        if let Some(n) = &doc.note {
            ui.note(format!("offline: {n}"));
        }
        let what = match force {
            Force::ForcedOpen => "forced open (every call is rejected)",
            Force::Disabled => "disabled (every call goes through)",
        };
        ui.line(format!(
            "{} {name}: {from} -> {} {what}",
            ui.yellow(force.as_str()),
            force.as_str()
        ))?;
        ui.line(format!("  {}", doc.forced.describe()))?;
        ui.line(format!(
            "  it stays so until `talos breaker reset {name}`; access: {}",
            access.as_str()
        ))
    })?;
    if let Err(e) = audit {
        ctx.ui.warn(format!(
            "breaker {name} is {}, but the audit record failed: {e}",
            force.as_str()
        ));
        return Ok(ExitStatus::Failed);
    }
    Ok(ExitStatus::Ok)
}
