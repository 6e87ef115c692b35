//! `talos audit ...`: the Tier 1 hash-chained audit log (docs/format.md).

pub mod prove;
pub mod query;
pub mod root;
pub mod verify_chain;
pub mod verify_consistency;
pub mod verify_proof;

use clap::Subcommand;

use super::{Ctx, ExitStatus};
use crate::error::{Error, Result};

/// Why anchors matter, shown in the long help of the group and of verify-chain.
pub const ANCHORING: &str = "\
ANCHORS:
  A hash chain proves that the log was not changed record by record, but not
  that it was not rewritten wholesale: whoever can write the audit files can
  recompute every hash after an edit. Keep the head somewhere else: every
  backup records it (metadata.json audit_head), the database's audit_log
  table holds it, and `talos audit root` prints a tree head (size=N:ROOT; --json: a checkpoint) to
  paste into a ticket or another host. `verify-chain` checks all of them, and
  `--anchor` adds more.";

/// The error for a command that needs a sound chain and found damage at `e`;
/// `hint` says what to do next.
fn damaged_chain(e: &crate::audit::ChainError, hint: &str) -> Error {
    Error::integrity(format!(
        "the audit chain is damaged at seq {} ({}): {}",
        e.seq,
        e.kind.as_str(),
        e.message
    ))
    .hint(hint)
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    VerifyChain(verify_chain::VerifyChainArgs),
    Root(root::RootArgs),
    Prove(prove::ProveArgs),
    VerifyProof(verify_proof::VerifyProofArgs),
    VerifyConsistency(verify_consistency::VerifyConsistencyArgs),
    Query(query::QueryArgs),
}

pub fn run(ctx: &Ctx, cmd: AuditCommand) -> Result<ExitStatus> {
    match cmd {
        AuditCommand::VerifyChain(a) => verify_chain::run(ctx, a),
        AuditCommand::Root(a) => root::run(ctx, a),
        AuditCommand::Prove(a) => prove::run(ctx, a),
        AuditCommand::VerifyProof(a) => verify_proof::run(ctx, a),
        AuditCommand::VerifyConsistency(a) => verify_consistency::run(ctx, a),
        AuditCommand::Query(a) => query::run(ctx, a),
    }
}
