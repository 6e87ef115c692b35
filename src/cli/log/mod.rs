//! `talos log`: the Tier 2/3 logs.

pub mod prune;

use clap::Subcommand;

use super::{Ctx, Exit};
use crate::error::Result;

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    Prune(prune::PruneArgs),
}

pub fn run(ctx: &Ctx, cmd: LogCommand) -> Result<Exit> {
    match cmd {
        LogCommand::Prune(a) => prune::run(ctx, a),
    }
}
