//! `talos db`: the SQLite database.

pub mod check;
pub mod checkpoint;

use clap::Subcommand;

use super::{Ctx, ExitStatus};
use crate::error::Result;

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    Check(check::CheckArgs),
    Checkpoint(checkpoint::CheckpointArgs),
}

pub fn run(ctx: &Ctx, cmd: DbCommand) -> Result<ExitStatus> {
    match cmd {
        DbCommand::Check(a) => check::run(ctx, a),
        DbCommand::Checkpoint(a) => checkpoint::run(ctx, a),
    }
}
