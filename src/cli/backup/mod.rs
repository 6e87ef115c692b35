//! `talos backup create|list|verify`.

pub mod create;
pub mod list;
pub mod verify;

use clap::Subcommand;

use super::{Ctx, ExitStatus};
use crate::error::Result;

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    Create(create::CreateArgs),
    List(list::ListArgs),
    Verify(verify::VerifyArgs),
}

pub fn run(ctx: &Ctx, cmd: BackupCommand) -> Result<ExitStatus> {
    match cmd {
        BackupCommand::Create(a) => create::run(ctx, a),
        BackupCommand::List(a) => list::run(ctx, a),
        BackupCommand::Verify(a) => verify::run(ctx, a),
    }
}
