//! `talos repair`: fix damaged files after a failure.

pub mod audit;
pub mod config;
pub mod jsonl;
pub mod leftovers;

use clap::Subcommand;

use super::{Ctx, ExitStatus};
use crate::error::Result;

#[derive(Debug, Subcommand)]
pub enum RepairCommand {
    Jsonl(jsonl::JsonlArgs),
    Config(config::ConfigArgs),
    Audit(audit::AuditArgs),
    Leftovers(leftovers::LeftoversArgs),
}

pub fn run(ctx: &Ctx, cmd: RepairCommand) -> Result<ExitStatus> {
    // A repair rewrites files a restore swaps: ordered against restores
    // (docs/ops.md, "Locks"). Removing leftovers needs no such order.
    let _install = match &cmd {
        RepairCommand::Leftovers(_) => None,
        _ => Some(crate::locks::shared(&ctx.layout, "repair")?),
    };
    match cmd {
        RepairCommand::Jsonl(a) => jsonl::run(ctx, a),
        RepairCommand::Config(a) => config::run(ctx, a),
        RepairCommand::Audit(a) => audit::run(ctx, a),
        RepairCommand::Leftovers(a) => leftovers::run(ctx, a),
    }
}
