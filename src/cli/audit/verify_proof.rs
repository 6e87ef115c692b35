//! `talos audit verify-proof --proof FILE --root-hash HEX`.

use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::super::{Ctx, ExitStatus};
use crate::audit::merkle::{InclusionProof, parse_hash, verify_inclusion};
use crate::error::{Context, Error, Result};

/// Check an inclusion proof from `talos audit prove` against a trusted root.
///
/// The root hash is the tree head kept outside the log (`talos audit root`),
/// 64 hex digits with or without 0x. The command reads no installation, so the
/// global --root (the installation) does not matter here. The check follows RFC 9162 §2.1.3.2, and when the proof carries the record line, its
/// leaf hash is recomputed too.
///
/// Example: talos audit verify-proof --proof proof-42.json --root-hash 5dc9da79...
///
/// EXIT STATUS: 0 the record is in the tree with that root; 3 it is not (a
/// wrong root, a tampered proof or record); 2 the proof file is not a proof.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct VerifyProofArgs {
    /// The proof JSON (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    pub proof: PathBuf,
    /// The trusted tree root hash, as `talos audit root` prints it
    #[arg(long, value_name = "HEX")]
    pub root_hash: Option<String>,
}

#[derive(Serialize)]
struct Outcome {
    ok: bool,
    seq: u64,
    leaf_index: u64,
    tree_size: u64,
    root: String,
    error: Option<String>,
}

pub fn run(ctx: &Ctx, args: VerifyProofArgs) -> Result<ExitStatus> {
    // --root is the installation everywhere; the hash is only --root-hash.
    let Some(root_text) = args.root_hash.clone() else {
        return Err(Error::usage("the trusted root hash is missing")
            .hint("give it with --root-hash HEX (the root printed by `talos audit root`)"));
    };
    let root = parse_hash(&root_text).ok_or_else(|| {
        Error::usage(format!("--root-hash `{root_text}` is not 64 hex digits")).hint(
            "give the root printed by `talos audit root` (size=N:ROOT: the part after the colon)",
        )
    })?;
    let text = if args.proof.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the proof from stdin")?;
        s
    } else {
        std::fs::read_to_string(&args.proof)
            .with_context(|| format!("cannot read {}", args.proof.display()))?
    };
    let proof: InclusionProof = serde_json::from_str(&text).map_err(|e| {
        Error::usage(format!(
            "{} is not an inclusion proof: {e}",
            args.proof.display()
        ))
        .hint("make one with `talos audit prove SEQ > proof.json`")
    })?;
    let result = verify_inclusion(&proof, &root);
    let out = Outcome {
        ok: result.is_ok(),
        seq: proof.leaf_index + 1,
        leaf_index: proof.leaf_index,
        tree_size: proof.tree_size,
        root: crate::audit::record::hex(&root),
        error: result.as_ref().err().map(ToString::to_string),
    };
    ctx.ui.render(&out, |ui| {
        match &result {
            Ok(()) => ui.done(format!(
                "{} record seq {} is leaf {} of the tree of {} records with root {}",
                ui.green("proof OK:"),
                out.seq,
                out.leaf_index,
                out.tree_size,
                out.root
            )),
            Err(e) => {
                ui.line(format!("{} {e}", ui.red("PROOF INVALID:")))?;
                ui.line(
                    "  check that the root is the trusted one for this tree size (`talos audit root --size N` \
                     on a verified chain); if it is, the proof or the log was tampered with: run \
                     `talos audit verify-chain`",
                )
            }
        }
    })?;
    Ok(if out.ok {
        ExitStatus::Ok
    } else {
        ExitStatus::Integrity
    })
}
