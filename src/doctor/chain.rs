//! A walk over the audit chain for doctor and the incident report: each
//! record's own hash, `seq` rising by one, `prev_hash` linking to the record
//! before, plus the records themselves (timestamps for the clock check,
//! operator actions for the timeline).
//!
//! `talos audit verify-chain` is the full verifier (anchors, Merkle head);
//! this is the subset doctor needs to say "the chain does not verify".

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::audit::{self, GENESIS_HASH, Record};
use crate::error::Result;
use crate::logfiles;

#[derive(Debug, Clone, Serialize)]
pub struct ChainProblem {
    pub file: PathBuf,
    /// 1-based line in that file.
    pub line: usize,
    pub seq: Option<u64>,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ChainWalk {
    pub files: usize,
    pub records: u64,
    /// The first record that breaks the chain; the walk stops there.
    pub problem: Option<ChainProblem>,
    /// Every valid record up to the problem, in order.
    #[serde(skip)]
    pub valid: Vec<(PathBuf, usize, Record)>,
}

pub fn walk(audit_dir: &Path) -> Result<ChainWalk> {
    let files = audit::audit_files(audit_dir)?;
    let mut out = ChainWalk {
        files: files.len(),
        ..Default::default()
    };
    let mut expect_seq = 1u64;
    let mut prev = GENESIS_HASH.to_string();
    for (_, path) in &files {
        let bytes = std::fs::read(path)?;
        let terminated = bytes.is_empty() || bytes.ends_with(b"\n");
        let all: Vec<&[u8]> = logfiles::lines(&bytes).collect();
        let n = all.len();
        for (i, line) in all.into_iter().enumerate() {
            let bad = |message: String, seq: Option<u64>| ChainProblem {
                file: path.clone(),
                line: i + 1,
                seq,
                message,
            };
            let rec = match Record::parse(line) {
                Ok(r) => r,
                Err(e) => {
                    out.problem = Some(bad(e, Some(expect_seq)));
                    return Ok(out);
                }
            };
            if rec.seq != expect_seq {
                out.problem = Some(bad(
                    format!("seq is {} where {expect_seq} was expected", rec.seq),
                    Some(rec.seq),
                ));
                return Ok(out);
            }
            if rec.prev_hash != prev {
                out.problem = Some(bad(
                    format!(
                        "prev_hash {} does not match the hash of record {} ({prev})",
                        rec.prev_hash,
                        expect_seq - 1
                    ),
                    Some(rec.seq),
                ));
                return Ok(out);
            }
            if i + 1 == n && !terminated {
                out.problem = Some(bad(
                    "the last line has no newline: an append was interrupted".into(),
                    Some(rec.seq),
                ));
                return Ok(out);
            }
            prev = rec.hash.clone();
            expect_seq += 1;
            out.records += 1;
            out.valid.push((path.clone(), i + 1, rec));
        }
    }
    Ok(out)
}
