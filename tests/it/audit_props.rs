//! Property test of `verify_chain`: every single mutation of a valid chain is
//! detected, and the reported seq is the right one.
//!
//! "Right" is defined once, in the verifier's terms: the reported `seq` is
//! the first position of the sequence that is not intact, so every record
//! with a smaller seq is still verified in place. Per mutation (records are
//! numbered 1..=N, line L holds seq L before the mutation):
//! - a byte flipped in line L (its newline included): L;
//! - line L deleted: L (for the last line: found through the head anchor);
//! - line L duplicated right after itself: L (the copy repeats seq L);
//! - a forged record inserted before line L, claiming seq L and linked to
//!   record L-1 with a correct hash of its own: L (the original L then
//!   repeats it); a garbage line inserted before line L (or at the end, L =
//!   N+1): L;
//! - lines L < M swapped: L (record M stands where L should);
//! - a file truncated at a byte inside line L, or at the start of line L: L;
//!   a truncation at a line boundary of the last file is found only through
//!   the head anchor;
//! - a file holding records F.. removed, or renamed to a number past the
//!   last: F (removing the last file is found only through the head anchor).
//!
//! Each case is verified with the original head as an anchor (as a backup's
//! `audit_head` would be), and again without anchors, where only the
//! mutations that remove the end of the history may go unnoticed.

use std::path::Path;

use proptest::prelude::*;
use talos::audit::anchors::Anchors;
use talos::audit::record::Record;
use talos::audit::{
    Anchor, AnchorFrom, ChainErrorKind, GENESIS_HASH, VerifyOptions, audit_file_name, verify_chain,
    verify_chain_with,
};

/// A valid chain as files of lines (without newlines).
#[derive(Debug, Clone)]
struct Chain {
    files: Vec<Vec<Vec<u8>>>,
    hashes: Vec<String>,
}

fn build_chain(n: usize, cuts: &[usize], texts: &[String]) -> Chain {
    let mut lines = Vec::new();
    let mut hashes = Vec::new();
    let mut prev = GENESIS_HASH.to_string();
    for i in 0..n {
        let details = serde_json::json!({"note": texts[i % texts.len()], "i": i});
        let line = Record::encode(
            i as u64 + 1,
            "2024-01-15T08:30:00.000Z",
            if i % 3 == 0 {
                "operator:root"
            } else {
                "orchestrator"
            },
            "action",
            &details,
            &prev,
        )
        .unwrap();
        let rec = Record::parse(line.as_bytes()).unwrap();
        prev = rec.hash.clone();
        hashes.push(rec.hash);
        lines.push(line.into_bytes());
    }
    let mut files = Vec::new();
    let mut start = 0;
    for &c in cuts.iter().chain(std::iter::once(&n)) {
        files.push(lines[start..c].to_vec());
        start = c;
    }
    Chain { files, hashes }
}

fn write_files(dir: &Path, files: &[(u64, Vec<u8>)]) {
    for (num, bytes) in files {
        std::fs::write(dir.join(audit_file_name(*num)), bytes).unwrap();
    }
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { pos: usize, mask: u8 },
    Delete { line: usize },
    Duplicate { line: usize },
    InsertForged { before: usize },
    InsertGarbage { before: usize, text: String },
    Swap { a: usize, b: usize },
    Truncate { file: usize, pos: usize },
    RemoveFile { file: usize },
    RenameFile { file: usize, past_last: u64 },
}

fn mutation() -> impl Strategy<Value = (usize, u8, usize, usize, String, u64)> {
    (
        0usize..9,
        1u8..=255,
        any::<usize>(),
        any::<usize>(),
        "[ -~]{0,40}",
        1u64..4,
    )
}

/// What the verifier must report: the seq, and which kinds are acceptable.
struct Expect {
    seq: u64,
    kinds: &'static [ChainErrorKind],
    /// Found only through the head anchor (the end of the history is gone).
    needs_anchor: bool,
    /// (file number, 1-based line) when the location is certain.
    at: Option<(u64, u64)>,
}

use ChainErrorKind as K;

/// Applies the mutation and returns the mutated files and the expectation.
fn apply(chain: &Chain, m: &Mutation) -> (Vec<(u64, Vec<u8>)>, Expect) {
    let n = chain.hashes.len();
    // (file index, line index in file) of each global line.
    let mut place = Vec::new();
    for (f, lines) in chain.files.iter().enumerate() {
        for l in 0..lines.len() {
            place.push((f, l));
        }
    }
    let mut files = chain.files.clone();
    let number = |f: usize| f as u64 + 1;
    let first_seq = |f: usize| chain.files[..f].iter().map(Vec::len).sum::<usize>() as u64 + 1;
    let last = files.len() - 1;
    let expect = match m {
        Mutation::Flip { pos, mask } => {
            // The byte at global offset `pos` of the concatenated files.
            let all: Vec<(usize, usize)> = place.clone();
            let mut off = *pos;
            let mut hit = None;
            for (g, &(f, l)) in all.iter().enumerate() {
                let len = chain.files[f][l].len() + 1;
                if off < len {
                    hit = Some((g, f, l, off));
                    break;
                }
                off -= len;
            }
            let (g, f, l, off) = hit.unwrap();
            let joined = join(&files[f]);
            let line_start: usize = files[f][..l].iter().map(|x| x.len() + 1).sum();
            let mut bytes = joined;
            bytes[line_start + off] ^= mask;
            let out = files
                .iter()
                .enumerate()
                .map(|(i, ls)| (number(i), if i == f { bytes.clone() } else { join(ls) }))
                .collect();
            return (
                out,
                Expect {
                    seq: g as u64 + 1,
                    kinds: &[
                        K::HashMismatch,
                        K::InvalidJson,
                        K::TornLastLine,
                        K::TruncatedFile,
                    ],
                    needs_anchor: false,
                    at: Some((number(f), l as u64 + 1)),
                },
            );
        }
        Mutation::Delete { line } => {
            let (f, l) = place[*line];
            files[f].remove(l);
            Expect {
                seq: *line as u64 + 1,
                kinds: &[K::SeqGap, K::AnchorBeyondEnd, K::TruncatedFile],
                needs_anchor: *line == n - 1,
                at: None,
            }
        }
        Mutation::Duplicate { line } => {
            let (f, l) = place[*line];
            let copy = files[f][l].clone();
            files[f].insert(l + 1, copy);
            Expect {
                seq: *line as u64 + 1,
                kinds: &[K::DuplicateOrReordered],
                needs_anchor: false,
                at: Some((number(f), l as u64 + 2)),
            }
        }
        Mutation::InsertForged { before } => {
            let (f, l) = place[*before];
            let prev = if *before == 0 {
                GENESIS_HASH.to_string()
            } else {
                chain.hashes[*before - 1].clone()
            };
            let forged = Record::encode(
                *before as u64 + 1,
                "2024-01-15T09:00:00.000Z",
                "operator:mallory",
                "forged",
                &serde_json::json!({"why": "cover tracks"}),
                &prev,
            )
            .unwrap();
            files[f].insert(l, forged.into_bytes());
            // Before the last record, the head anchor sees the forgery first.
            Expect {
                seq: *before as u64 + 1,
                kinds: &[K::DuplicateOrReordered, K::AnchorMismatch],
                needs_anchor: false,
                at: (*before + 1 < n).then_some((number(f), l as u64 + 2)),
            }
        }
        Mutation::InsertGarbage { before, text } => {
            let (f, l) = if *before == n {
                (last, files[last].len())
            } else {
                place[*before]
            };
            files[f].insert(l, text.clone().into_bytes());
            Expect {
                seq: *before as u64 + 1,
                kinds: &[K::InvalidJson],
                needs_anchor: false,
                at: Some((number(f), l as u64 + 1)),
            }
        }
        Mutation::Swap { a, b } => {
            let (fa, la) = place[*a];
            let (fb, lb) = place[*b];
            let tmp = files[fa][la].clone();
            files[fa][la] = files[fb][lb].clone();
            files[fb][lb] = tmp;
            Expect {
                seq: *a as u64 + 1,
                kinds: &[K::SeqGap],
                needs_anchor: false,
                at: Some((number(fa), la as u64 + 1)),
            }
        }
        Mutation::Truncate { file, pos } => {
            let bytes = join(&files[*file]);
            let mut out: Vec<(u64, Vec<u8>)> = files
                .iter()
                .enumerate()
                .map(|(i, ls)| (number(i), join(ls)))
                .collect();
            out[*file].1.truncate(*pos);
            // The line holding byte `pos` (or starting there).
            let mut start = 0;
            let mut l = 0;
            while start + files[*file][l].len() < *pos {
                start += files[*file][l].len() + 1;
                l += 1;
            }
            let at_boundary = start == *pos;
            let _ = bytes;
            return (
                out,
                Expect {
                    seq: first_seq(*file) + l as u64,
                    kinds: &[
                        K::TornLastLine,
                        K::TruncatedFile,
                        K::SeqGap,
                        K::AnchorBeyondEnd,
                    ],
                    needs_anchor: at_boundary && *file == last,
                    at: None,
                },
            );
        }
        Mutation::RemoveFile { file } => {
            let out = files
                .iter()
                .enumerate()
                .filter(|(i, _)| i != file)
                .map(|(i, ls)| (number(i), join(ls)))
                .collect();
            return (
                out,
                Expect {
                    seq: first_seq(*file),
                    kinds: &[K::MissingFile, K::AnchorBeyondEnd],
                    needs_anchor: *file == last,
                    at: None,
                },
            );
        }
        Mutation::RenameFile { file, past_last } => {
            let out = files
                .iter()
                .enumerate()
                .map(|(i, ls)| {
                    let num = if i == *file {
                        number(last) + past_last
                    } else {
                        number(i)
                    };
                    (num, join(ls))
                })
                .collect();
            return (
                out,
                Expect {
                    seq: first_seq(*file),
                    kinds: &[K::MissingFile],
                    needs_anchor: false,
                    at: None,
                },
            );
        }
    };
    let out = files
        .iter()
        .enumerate()
        .map(|(i, ls)| (number(i), join(ls)))
        .collect();
    (out, expect)
}

fn pick(chain: &Chain, raw: (usize, u8, usize, usize, String, u64)) -> Mutation {
    let (kind, mask, r1, r2, text, past) = raw;
    let n = chain.hashes.len();
    let total: usize = chain.files.iter().flatten().map(|l| l.len() + 1).sum();
    let nfiles = chain.files.len();
    match kind {
        0 => Mutation::Flip {
            pos: r1 % total,
            mask,
        },
        1 => Mutation::Delete { line: r1 % n },
        2 => Mutation::Duplicate { line: r1 % n },
        3 => Mutation::InsertForged { before: r1 % n },
        4 => Mutation::InsertGarbage {
            before: r1 % (n + 1),
            text,
        },
        5 => {
            let a = r1 % (n - 1);
            let b = a + 1 + r2 % (n - 1 - a);
            Mutation::Swap { a, b }
        }
        6 => {
            let file = r1 % nfiles;
            let len: usize = chain.files[file].iter().map(|l| l.len() + 1).sum();
            Mutation::Truncate {
                file,
                pos: r2 % len,
            }
        }
        7 => Mutation::RemoveFile { file: r1 % nfiles },
        _ => Mutation::RenameFile {
            file: r1 % nfiles,
            past_last: past,
        },
    }
}

fn chain_strategy() -> impl Strategy<Value = Chain> {
    (
        50usize..200,
        2usize..=3,
        any::<[usize; 2]>(),
        prop::collection::vec("\\PC{0,24}", 1..5),
    )
        .prop_map(|(n, nfiles, r, texts)| {
            // Cut points leaving every file at least 5 records.
            let mut cuts = Vec::new();
            if nfiles == 2 {
                cuts.push(5 + r[0] % (n - 10));
            } else {
                let a = 5 + r[0] % (n / 2 - 5);
                let b = a + 5 + r[1] % (n - a - 10);
                cuts.extend([a, b]);
            }
            build_chain(n, &cuts, &texts)
        })
}

fn check(chain: &Chain, m: &Mutation, block: usize) -> Result<(), TestCaseError> {
    let n = chain.hashes.len() as u64;
    let (files, expect) = apply(chain, m);
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &files);
    let head = Anchor::Record {
        seq: n,
        hash: chain.hashes[n as usize - 1].clone(),
    };
    // Tiny blocks put block boundaries inside and between records everywhere.
    let opts = VerifyOptions {
        block_size: Some(block),
        ..VerifyOptions::default()
    };
    let anchors = [AnchorFrom {
        anchor: head,
        source: "the original head".to_string(),
    }];
    let report = verify_chain_with(dir.path(), &Anchors::named(anchors.to_vec()), &opts).unwrap();
    prop_assert!(!report.ok, "{m:?} went unnoticed");
    let err = report.first_error.clone().unwrap();
    prop_assert_eq!(err.seq, expect.seq, "{:?}: {}", m, err.message);
    prop_assert!(
        expect.kinds.contains(&err.kind),
        "{:?}: unexpected kind {:?}: {}",
        m,
        err.kind,
        err.message
    );
    // Records before `seq` were verified; a repeated record is reported at
    // its own (earlier) seq after the chain moved past it.
    if err.kind == K::DuplicateOrReordered {
        prop_assert!(report.records >= expect.seq - 1, "{:?}", m);
    } else {
        prop_assert_eq!(report.records, expect.seq - 1, "{:?}", m);
    }
    if let Some((num, line)) = expect.at {
        let want = dir.path().join(audit_file_name(num));
        prop_assert_eq!(err.file.as_deref(), Some(want.as_path()), "{:?}", m);
        prop_assert_eq!(err.line, Some(line), "{:?}", m);
    }
    let bare = verify_chain(dir.path(), &[]).unwrap();
    if expect.needs_anchor {
        prop_assert!(
            bare.ok,
            "{m:?}: without an anchor a cut-off end looks like a shorter chain"
        );
        prop_assert_eq!(bare.records, expect.seq - 1);
    } else {
        let e = bare.first_error.clone();
        prop_assert!(!bare.ok, "{m:?} went unnoticed without anchors");
        prop_assert_eq!(e.unwrap().seq, expect.seq, "{:?}", m);
    }
    Ok(())
}

proptest! {
    // Shrunk cases hold whole chains: print them, do not persist them.
    #![proptest_config(ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_single_mutation_is_detected_at_the_right_seq(
        chain in chain_strategy(),
        raw in mutation(),
        block in 1usize..2000,
    ) {
        let m = pick(&chain, raw);
        check(&chain, &m, block)?;
    }
}

#[test]
fn the_unmutated_chain_verifies() {
    let chain = build_chain(120, &[40, 90], &["x".to_string(), "é \" \\ \n".to_string()]);
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<(u64, Vec<u8>)> = chain
        .files
        .iter()
        .enumerate()
        .map(|(i, ls)| (i as u64 + 1, join(ls)))
        .collect();
    write_files(dir.path(), &files);
    let head = Anchor::Record {
        seq: 120,
        hash: chain.hashes[119].clone(),
    };
    let mid = Anchor::Record {
        seq: 41,
        hash: chain.hashes[40].clone(),
    };
    for block in [1, 7, 64, 333, 4096] {
        let opts = VerifyOptions {
            block_size: Some(block),
            tree_root: true,
            ..VerifyOptions::default()
        };
        let r = verify_chain_with(dir.path(), &Anchors::default(), &opts).unwrap();
        assert!(r.ok, "block {block}: {:?}", r.first_error);
        assert_eq!(r.records, 120);
    }
    let report = verify_chain(dir.path(), &[head, mid]).unwrap();
    assert!(report.ok, "{:?}", report.first_error);
    assert_eq!(report.records, 120);
    assert_eq!(report.files, 3);
    assert_eq!(report.anchors_checked, 2);
    assert_eq!(report.operator_actions, 40);
    assert_eq!(report.head.unwrap().hash, chain.hashes[119]);
}
