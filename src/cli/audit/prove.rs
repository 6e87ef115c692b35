//! `talos audit prove SEQ [--size N]`.

use clap::Args;

use super::super::{Ctx, Exit};
use crate::audit::{VerifyOptions, head, verify_chain_with};
use crate::error::{Error, Result};

/// Print an RFC 6962 inclusion proof that record SEQ is in the audit tree.
///
/// The proof is a JSON document: leaf_index (SEQ - 1), tree_size,
/// leaf_hash, audit_path (hex, from the leaf level up, RFC 6962 §2.1.1),
/// root, and the record line itself. Whoever holds a trusted root (from
/// `talos audit root`) checks it with `talos audit verify-proof --proof FILE
/// --root HEX`, without the log. Output is the same JSON with or without
/// --json, ready to redirect to a file.
///
/// Example: talos audit prove 42 > proof-42.json
///
/// EXIT STATUS: 0 printed; 3 the chain is damaged before the tree size; 2 SEQ
/// or N is out of range.
#[derive(Debug, Args)]
pub struct ProveArgs {
    /// The record's seq (1 for the first record)
    pub seq: u64,
    /// Tree size the proof is for [default: every record]
    #[arg(long, value_name = "N")]
    pub size: Option<u64>,
}

pub fn run(ctx: &Ctx, args: ProveArgs) -> Result<Exit> {
    let size = match args.size {
        Some(n) => n,
        None => head(&ctx.layout.audit_dir)?.map(|h| h.seq).unwrap_or(0),
    };
    if args.seq == 0 || args.seq > size {
        return Err(Error::usage(format!(
            "seq {} is not in a tree of {size} records",
            args.seq
        ))
        .hint("seq numbers start at 1; --size must be at least SEQ"));
    }
    let opts = VerifyOptions {
        tree_root: false,
        limit: Some(size),
        prove: Some(args.seq),
        ..VerifyOptions::default()
    };
    let report = verify_chain_with(&ctx.layout.audit_dir, &[], &opts)?;
    if let Some(e) = &report.first_error {
        return Err(super::damaged_chain(
            e,
            "run `talos audit verify-chain` for the fix",
        ));
    }
    let Some(proof) = report.proof else {
        return Err(Error::usage(format!(
            "--size {size} is past the end: the chain has {} records",
            report.records
        )));
    };
    ctx.ui.json_doc(&proof)?;
    ctx.ui.note(format!(
        "check with: talos audit verify-proof --proof FILE --root-hash {}",
        proof.root
    ));
    Ok(Exit::OK)
}
