//! `talos audit verify-consistency --proof FILE --old-size N --old-root-hash HEX
//! --new-size M --new-root-hash HEX`.

use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use serde::{Deserialize, Serialize};

use super::super::{Ctx, ExitStatus};
use crate::audit::merkle::{parse_hash, verify_consistency};
use crate::error::{Context, Error, Result};

/// Check a consistency proof from `talos audit prove --consistency`: the log
/// with the new tree head only grew since the old one.
///
/// The sizes and roots given here are the trusted ones: the old head from a
/// checkpoint saved off the host (`talos audit root --json`), the new one
/// from a fresh `talos audit root`. The proof file's own sizes, when it has
/// them, must agree. The check is RFC 9162 §2.1.4.2; a proof from a tree of
/// size 0, or with a hash that is not 32 bytes, is refused.
///
/// Example: talos audit verify-consistency --proof c.json --old-size 1000
/// --old-root-hash 5dc9... --new-size 1200 --new-root-hash 9f86...
///
/// EXIT STATUS: 0 the new tree extends the old one; 3 it does not (a
/// rewritten or truncated history, a tampered proof, wrong roots); 2 the
/// arguments or the proof file are unusable.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct VerifyConsistencyArgs {
    /// The proof JSON (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    pub proof: PathBuf,
    /// Size of the old (trusted, saved) tree
    #[arg(long, value_name = "N")]
    pub old_size: u64,
    /// Root of the old tree, 64 hex digits
    #[arg(long, value_name = "HEX")]
    pub old_root_hash: String,
    /// Size of the new tree
    #[arg(long, value_name = "M")]
    pub new_size: u64,
    /// Root of the new tree, 64 hex digits
    #[arg(long, value_name = "HEX")]
    pub new_root_hash: String,
}

/// The proof file: `proof` is required, the sizes are checked when present.
#[derive(Deserialize)]
struct ProofFile {
    #[serde(default)]
    old_size: Option<u64>,
    #[serde(default)]
    new_size: Option<u64>,
    proof: Vec<String>,
}

#[derive(Serialize)]
struct Outcome {
    ok: bool,
    old_size: u64,
    new_size: u64,
    old_root: String,
    new_root: String,
    error: Option<String>,
}

/// Largest proof file read: a proof has at most 2 * 64 hashes.
const MAX_PROOF_BYTES: u64 = 1024 * 1024;

fn hash_arg(flag: &str, text: &str) -> Result<Vec<u8>> {
    parse_hash(text).map(|h| h.to_vec()).ok_or_else(|| {
        Error::usage(format!("{flag} `{text}` is not 64 hex digits")).hint(
            "give the root printed by `talos audit root` (size=N:ROOT: the part after the colon)",
        )
    })
}

/// A proof entry as bytes. Odd or non-hex text is unusable (None); hex of
/// the wrong length is kept so that the check refuses it by its length.
fn unhex(text: &str) -> Option<Vec<u8>> {
    let t = text.trim();
    if !t.len().is_multiple_of(2) {
        return None;
    }
    (0..t.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(t.get(i..i + 2)?, 16).ok())
        .collect()
}

pub fn run(ctx: &Ctx, args: VerifyConsistencyArgs) -> Result<ExitStatus> {
    let old_root = hash_arg("--old-root-hash", &args.old_root_hash)?;
    let new_root = hash_arg("--new-root-hash", &args.new_root_hash)?;
    let mut text = String::new();
    if args.proof.as_os_str() == "-" {
        std::io::stdin()
            .take(MAX_PROOF_BYTES)
            .read_to_string(&mut text)
            .context("cannot read the proof from stdin")?;
    } else {
        std::fs::File::open(&args.proof)
            .with_context(|| format!("cannot open {}", args.proof.display()))?
            .take(MAX_PROOF_BYTES)
            .read_to_string(&mut text)
            .with_context(|| format!("cannot read {}", args.proof.display()))?;
    }
    let not_a_proof = |why: String| {
        Error::usage(format!(
            "{} is not a consistency proof: {why}",
            args.proof.display()
        ))
        .hint("make one with `talos audit prove --consistency OLD [NEW] > proof.json`")
    };
    let file: ProofFile = serde_json::from_str(&text).map_err(|e| not_a_proof(e.to_string()))?;
    let mut proof = Vec::with_capacity(file.proof.len());
    for (i, p) in file.proof.iter().enumerate() {
        proof.push(unhex(p).ok_or_else(|| not_a_proof(format!("proof[{i}] is not hex")))?);
    }
    let mut result = verify_consistency(args.old_size, args.new_size, &old_root, &new_root, &proof)
        .map_err(|e| e.to_string());
    if result.is_ok() {
        if let Some(n) = file.old_size.filter(|&n| n != args.old_size) {
            result = Err(format!(
                "the proof is for an old tree of {n} records, not {}",
                args.old_size
            ));
        } else if let Some(n) = file.new_size.filter(|&n| n != args.new_size) {
            result = Err(format!(
                "the proof is for a new tree of {n} records, not {}",
                args.new_size
            ));
        }
    }
    let out = Outcome {
        ok: result.is_ok(),
        old_size: args.old_size,
        new_size: args.new_size,
        old_root: crate::audit::record::hex(&old_root),
        new_root: crate::audit::record::hex(&new_root),
        error: result.as_ref().err().cloned(),
    };
    ctx.ui.render(&out, |ui| match &result {
        Ok(()) => ui.done(format!(
            "{} the tree of {} records (root {}) extends the tree of {} records (root {})",
            ui.green("consistency OK:"),
            out.new_size,
            out.new_root,
            out.old_size,
            out.old_root
        )),
        Err(e) => {
            ui.line(format!("{} {e}", ui.red("NOT CONSISTENT:")))?;
            ui.line(
                "  check that both heads are the trusted ones for their sizes; if they are, the log was \
                 rewritten or cut between them (or the proof was tampered with): run `talos audit \
                 verify-chain --checkpoint FILE` on the host and treat it as a security incident",
            )
        }
    })?;
    Ok(if out.ok {
        ExitStatus::Ok
    } else {
        ExitStatus::Integrity
    })
}
