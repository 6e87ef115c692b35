//! `talos breaker list` and `talos breaker reset`: the circuit breakers,
//! through the API or on `circuit_breakers.json` when the daemon is down.

pub mod force;
pub mod list;
pub mod reset;

use clap::Subcommand;

use super::{Ctx, ExitStatus};
use crate::error::Result;

#[derive(Debug, Subcommand)]
pub enum BreakerCommand {
    List(list::ListArgs),
    Reset(reset::ResetArgs),
    /// Force a breaker open (resilience4j FORCED_OPEN): every call to the
    /// dependency is rejected until `talos breaker reset NAME`.
    ///
    /// For isolating a dependency by hand (a provider outage, a bad release
    /// upstream). Through the admin API (POST
    /// /admin/circuit-breakers/NAME/force-open) when the daemon answers,
    /// otherwise on circuit_breakers.json with the daemon verified down. The
    /// state records who, when and --reason; `talos status` and `talos
    /// breaker list` show them; the change is an audit record.
    ///
    /// Example: talos breaker force-open llm_api --reason "provider outage, INC-1234"
    ///
    /// EXIT STATUS: 0 done; 1 the audit record failed; 2 an unknown breaker
    /// or an empty reason; 3 circuit_breakers.json is corrupt; 4 refused: the
    /// daemon is alive but its API does not answer; 5 with --online when the
    /// daemon cannot be reached.
    ForceOpen(force::ForceArgs),
    /// Disable a breaker (resilience4j DISABLED): every call goes through,
    /// failures are not counted, until `talos breaker reset NAME`.
    ///
    /// For a dependency known to be healthy whose breaker trips on noise.
    /// Online (POST /admin/circuit-breakers/NAME/disable) or offline as for
    /// force-open; who, when and --reason are kept and audited.
    ///
    /// Example: talos breaker disable llm_api --reason "flapping health probe, fix in PR 812"
    ///
    /// EXIT STATUS: as for force-open.
    Disable(force::ForceArgs),
}

pub fn run(ctx: &Ctx, cmd: BreakerCommand) -> Result<ExitStatus> {
    match cmd {
        BreakerCommand::List(a) => list::run(ctx, a),
        BreakerCommand::Reset(a) => reset::run(ctx, a),
        BreakerCommand::ForceOpen(a) => force::run(ctx, a, crate::breakers::Force::ForcedOpen),
        BreakerCommand::Disable(a) => force::run(ctx, a, crate::breakers::Force::Disabled),
    }
}

use serde::Serialize;

use crate::access::{self, Access, Purpose, Way};
use crate::breakers::{Breaker, BreakerFile, list_from_map};

/// The breakers and which way they were read.
#[derive(Debug, Serialize)]
pub struct Fetched {
    pub access: Access,
    /// Why the offline way was taken, when the mode did not force it.
    pub note: Option<String>,
    pub breakers: Vec<Breaker>,
}

/// Reads the breakers through the API, or from the file when the mode says
/// so or the API cannot be reached (exit 5 with --online). An API that
/// answers with an error (a rejected token) is reported, never replaced by
/// the file (crate::access).
pub fn fetch(ctx: &Ctx) -> Result<Fetched> {
    match access::choose(ctx.mode, Purpose::Read, &ctx.settings, &ctx.layout, |c| {
        c.breakers()
    })? {
        Way::Online { value, .. } => Ok(Fetched {
            access: Access::Online,
            note: None,
            breakers: list_from_map(&value),
        }),
        Way::Offline { note } => Ok(Fetched {
            access: Access::Offline,
            note,
            breakers: BreakerFile::load(&ctx.layout.breakers_file())?.list(),
        }),
    }
}

/// Open (and half-open) breakers first, then forced (disabled) ones, then by name.
pub fn sort_urgent(list: &mut [Breaker]) {
    let rank = |b: &Breaker| (b.is_open(), b.is_forced());
    list.sort_by(|a, b| rank(b).cmp(&rank(a)).then(a.name.cmp(&b.name)));
}
