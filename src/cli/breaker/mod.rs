//! `talos breaker list` and `talos breaker reset`: the circuit breakers,
//! through the API or on `circuit_breakers.json` when the daemon is down.

pub mod list;
pub mod reset;

use clap::Subcommand;

use super::{Ctx, Exit};
use crate::error::Result;

#[derive(Debug, Subcommand)]
pub enum BreakerCommand {
    List(list::ListArgs),
    Reset(reset::ResetArgs),
}

pub fn run(ctx: &Ctx, cmd: BreakerCommand) -> Result<Exit> {
    match cmd {
        BreakerCommand::List(a) => list::run(ctx, a),
        BreakerCommand::Reset(a) => reset::run(ctx, a),
    }
}

use serde::Serialize;

use super::Mode;
use crate::breakers::{Breaker, BreakerFile, list_from_map};
use crate::daemon::Client;

/// The breakers and where they were read.
#[derive(Debug, Serialize)]
pub struct Fetched {
    /// `online` or `offline`.
    pub path: &'static str,
    /// Why the offline path was taken, when the mode did not force it.
    pub note: Option<String>,
    pub breakers: Vec<Breaker>,
}

/// Reads the breakers through the API, or from the file when the mode says
/// so or the API cannot be reached (exit 5 with --online).
pub fn fetch(ctx: &Ctx) -> Result<Fetched> {
    let note = if ctx.mode == Mode::Offline {
        None
    } else {
        let client = Client::new(&ctx.settings)?;
        match client.breakers() {
            Ok(map) => {
                return Ok(Fetched {
                    path: "online",
                    note: None,
                    breakers: list_from_map(&map),
                });
            }
            Err(e) if ctx.mode == Mode::Online => return Err(e.into()),
            Err(e) => Some(format!("API not used ({}); read from the file", e.message)),
        }
    };
    let file = BreakerFile::load(&ctx.layout.breakers_file())?;
    Ok(Fetched {
        path: "offline",
        note,
        breakers: file.list(),
    })
}

/// Open (and half-open) breakers first, then by name.
pub fn sort_urgent(list: &mut [Breaker]) {
    list.sort_by(|a, b| b.is_open().cmp(&a.is_open()).then(a.name.cmp(&b.name)));
}
