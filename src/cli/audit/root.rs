//! `talos audit root [--size N]`.

use clap::Args;
use serde::Serialize;

use super::super::{Ctx, ExitStatus};
use crate::audit::anchors::Anchors;
use crate::audit::{Head, VerifyOptions, verify_chain_with};
use crate::error::{Error, Result};

/// Print the RFC 6962 Merkle tree head of the audit chain, to keep as an anchor.
///
/// The tree's leaves are the records 1..N (leaf = SHA-256(0x00 || line),
/// node = SHA-256(0x01 || left || right)). The chain is verified up to N
/// first. The line printed, size=N:ROOT, is what to paste into a ticket, a
/// chat or another host: later, `talos audit verify-chain --anchor
/// size=N:ROOT` proves that records 1..N were not rewritten since.
///
/// Example: talos audit root   →   size=1234:5dc9da79a70659a9...
///
/// EXIT STATUS: 0 printed; 3 the chain is damaged before N (run `talos audit
/// verify-chain`); 2 N is larger than the chain.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment, after_long_help = super::ANCHORING)]
pub struct RootArgs {
    /// Tree size: the head over records 1..N [default: every record]
    #[arg(long, value_name = "N")]
    pub size: Option<u64>,
}

#[derive(Serialize)]
struct RootOutput {
    size: u64,
    root: String,
    anchor: String,
    last_record: Option<Head>,
    taken_at: String,
}

pub fn run(ctx: &Ctx, args: RootArgs) -> Result<ExitStatus> {
    let opts = VerifyOptions {
        tree_root: true,
        limit: args.size,
        ..VerifyOptions::default()
    };
    let report = verify_chain_with(&ctx.layout.audit_dir, &Anchors::default(), &opts)?;
    if let Some(e) = &report.first_error {
        return Err(super::damaged_chain(
            e,
            "a tree head over a damaged chain anchors nothing; run `talos audit verify-chain` for the fix",
        ));
    }
    if let Some(n) = args.size
        && report.records < n
    {
        return Err(Error::usage(format!(
            "--size {n} is past the end: the chain has {} records",
            report.records
        )));
    }
    let tree = report.tree_root.clone().expect("asked for the tree root");
    let out = RootOutput {
        size: tree.size,
        root: tree.root.clone(),
        anchor: tree.to_string(),
        last_record: report.head.clone(),
        taken_at: crate::timespec::now_rfc3339(),
    };
    ctx.ui.render(&out, |ui| {
        ui.line(&out.anchor)?;
        ui.note(format!(
            "tree head over records 1..{} at {}; keep this line off this host, and check it later with \
             `talos audit verify-chain --anchor {}`",
            out.size, out.taken_at, out.anchor
        ));
        Ok(())
    })?;
    Ok(ExitStatus::Ok)
}
