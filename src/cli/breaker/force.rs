//! `talos breaker force-open NAME --reason TEXT` and `talos breaker disable
//! NAME --reason TEXT`: resilience4j's FORCED_OPEN and DISABLED, set by hand.

use clap::Args;

use crate::breakers::Force;
use crate::breakers::runbook::{self, Event, ForceOptions};
use crate::cli::{Ctx, ExitStatus};
use crate::error::Result;

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

pub fn run(ctx: &Ctx, args: ForceArgs, force: Force) -> Result<ExitStatus> {
    let opts = ForceOptions {
        name: args.name,
        force,
        reason: args.reason,
        mode: ctx.mode,
    };
    let doc = runbook::force(&ctx.settings, &ctx.layout, &opts, |e| match e {
        Event::AuditFailed { name, error } => ctx.ui.warn(format!(
            "breaker {name} is {}, but the audit record failed: {error}",
            force.as_str()
        )),
    })?;
    let (name, from, access) = (&doc.name, &doc.from, doc.access);
    ctx.ui
        .render_success(&doc, doc.status == ExitStatus::Ok, |ui| {
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
    Ok(doc.status)
}
