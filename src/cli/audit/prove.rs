//! `talos audit prove SEQ [--size N]` and `talos audit prove --consistency OLD [NEW]`.

use clap::Args;

use super::super::{Ctx, ExitStatus};
use crate::audit::anchors::Anchors;
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
/// With --consistency OLD [NEW] it prints instead an RFC 9162 §2.1.4
/// consistency proof that the tree of NEW records [default: every record]
/// extends the tree of OLD records: old_size, new_size, old_root, new_root
/// and proof (hex). An auditor holding the old tree head checks it with
/// `talos audit verify-consistency`, without the log.
///
/// Example: talos audit prove --consistency 1000 > consistency.json
///
/// EXIT STATUS: 0 printed; 3 the chain is damaged before the tree size; 2 SEQ
/// or N is out of range, or OLD is 0 or above NEW.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ProveArgs {
    /// The record's seq (1 for the first record)
    #[arg(
        required_unless_present = "consistency",
        conflicts_with = "consistency"
    )]
    pub seq: Option<u64>,
    /// Prove that the tree of NEW records extends the tree of OLD records
    #[arg(long, num_args = 1..=2, value_names = ["OLD", "NEW"], conflicts_with = "size")]
    pub consistency: Option<Vec<u64>>,
    /// Tree size the proof is for [default: every record]
    #[arg(long, value_name = "N")]
    pub size: Option<u64>,
}

pub fn run(ctx: &Ctx, args: ProveArgs) -> Result<ExitStatus> {
    if let Some(sizes) = &args.consistency {
        return consistency(ctx, sizes[0], sizes.get(1).copied());
    }
    let seq = args.seq.expect("clap requires SEQ without --consistency");
    let size = match args.size {
        Some(n) => n,
        None => head(&ctx.layout.audit_dir)?.map(|h| h.seq).unwrap_or(0),
    };
    if seq == 0 || seq > size {
        return Err(
            Error::usage(format!("seq {seq} is not in a tree of {size} records"))
                .hint("seq numbers start at 1; --size must be at least SEQ"),
        );
    }
    let opts = VerifyOptions {
        tree_root: false,
        limit: Some(size),
        prove: Some(seq),
        ..VerifyOptions::default()
    };
    let report = verify_chain_with(&ctx.layout.audit_dir, &Anchors::default(), &opts)?;
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
    Ok(ExitStatus::Ok)
}

fn consistency(ctx: &Ctx, old: u64, new: Option<u64>) -> Result<ExitStatus> {
    let new = match new {
        Some(n) => n,
        None => head(&ctx.layout.audit_dir)?.map(|h| h.seq).unwrap_or(0),
    };
    if old == 0 || old > new {
        return Err(Error::usage(format!(
            "no consistency proof from {old} to {new} records: the old size must be 1..=NEW"
        ))
        .hint(
            "every log extends an empty tree, so size 0 proves nothing; OLD is the size of a tree head \
             saved earlier (`talos audit root`)",
        ));
    }
    let opts = VerifyOptions {
        limit: Some(new),
        consistency: Some(old),
        ..VerifyOptions::default()
    };
    let report = verify_chain_with(&ctx.layout.audit_dir, &Anchors::default(), &opts)?;
    if let Some(e) = &report.first_error {
        return Err(super::damaged_chain(
            e,
            "run `talos audit verify-chain` for the fix",
        ));
    }
    let Some(proof) = report.consistency else {
        return Err(Error::usage(format!(
            "{new} is past the end: the chain has {} records",
            report.records
        )));
    };
    ctx.ui.json_doc(&proof)?;
    ctx.ui.note(format!(
        "check with: talos audit verify-consistency --proof FILE --old-size {} --old-root-hash {} \
         --new-size {} --new-root-hash {}",
        proof.old_size, proof.old_root, proof.new_size, proof.new_root
    ));
    Ok(ExitStatus::Ok)
}
