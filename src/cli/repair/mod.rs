//! `talos repair`: fix damaged files after a failure.

pub mod config;
pub mod jsonl;

use clap::Subcommand;

use super::{Ctx, Exit};
use crate::error::Result;

#[derive(Debug, Subcommand)]
pub enum RepairCommand {
    Jsonl(jsonl::JsonlArgs),
    Config(config::ConfigArgs),
}

pub fn run(ctx: &Ctx, cmd: RepairCommand) -> Result<Exit> {
    match cmd {
        RepairCommand::Jsonl(a) => jsonl::run(ctx, a),
        RepairCommand::Config(a) => config::run(ctx, a),
    }
}
