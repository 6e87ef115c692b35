//! Verification of the whole audit chain in one streaming pass: every
//! record's own hash, JSON shape, `prev_hash` link and `seq` continuity across
//! files, the numbering of the files, and anchors kept outside the log. The
//! first bad record is classified and located by file, line and seq.
//!
//! Memory is bounded by the block size (~8 MB) whatever the log size. Each
//! record's hash is independent of the others, so a block's lines are hashed
//! and parsed in parallel (rayon); only the link and seq checks, which need
//! just the previous record, run in order.

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::merkle::{
    self, ConsistencyBuilder, ConsistencyProof, Hash, InclusionProof, ProofBuilder, StreamingRoot,
};
use super::record::{hex, split_line};
use super::{Head, audit_file_name, audit_files};
use crate::error::{Context, Result};

/// Bytes read per block; lines of a block are checked in parallel.
const BLOCK: usize = 8 * 1024 * 1024;

/// A pair kept outside the log that the log must agree with (docs/format.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Anchor {
    /// Record `seq` has hash `hash` (`SEQ:HASH`).
    Record { seq: u64, hash: String },
    /// The RFC 6962 tree head over records 1..=size is `root` (`size=N:ROOT`).
    TreeHead { size: u64, root: String },
}

impl FromStr for Anchor {
    type Err = String;

    /// `SEQ:HASH` (a record anchor, as backups and the database keep them) or
    /// `size=N:ROOT` (a tree head, as `talos audit root` prints it). Hashes are
    /// 64 hex digits, `0x` optional.
    fn from_str(s: &str) -> std::result::Result<Anchor, String> {
        let s = s.trim();
        let (left, right) = s
            .split_once(':')
            .ok_or_else(|| format!("anchor `{s}` is not SEQ:HASH or size=N:ROOT"))?;
        let hash = merkle::parse_hash(right)
            .ok_or_else(|| format!("anchor `{s}`: `{right}` is not 64 hex digits"))?;
        if let Some(size) = left.strip_prefix("size=") {
            let size: u64 = size
                .parse()
                .map_err(|_| format!("anchor `{s}`: `{size}` is not a tree size"))?;
            return Ok(Anchor::TreeHead {
                size,
                root: hex(&hash),
            });
        }
        let seq: u64 = left
            .strip_prefix("seq=")
            .unwrap_or(left)
            .parse()
            .map_err(|_| format!("anchor `{s}`: `{left}` is not a seq number"))?;
        if seq == 0 {
            return Err(format!("anchor `{s}`: seq numbers start at 1"));
        }
        Ok(Anchor::Record {
            seq,
            hash: hex(&hash),
        })
    }
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Anchor::Record { seq, hash } => write!(f, "{seq}:{hash}"),
            Anchor::TreeHead { size, root } => write!(f, "size={size}:{root}"),
        }
    }
}

/// An anchor and where it came from (`--anchor`, a backup, the database),
/// so a mismatch can say whose record disagrees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnchorFrom {
    pub anchor: Anchor,
    pub source: String,
}

/// What kind of damage the first bad record shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainErrorKind {
    /// The record's bytes do not hash to the hash it carries.
    HashMismatch,
    /// `prev_hash` is not the hash of the record before it.
    BrokenLink,
    /// `seq` jumps forward: records are missing.
    SeqGap,
    /// `seq` goes backwards: a record repeated or moved.
    DuplicateOrReordered,
    /// A file other than the last ends in the middle of a record, or is empty.
    TruncatedFile,
    /// The last line of the last file is incomplete: an interrupted append.
    TornLastLine,
    /// A line that is not a JSON audit record.
    InvalidJson,
    /// A number is missing in `audit-NNNNNN.jsonl`: a file removed or renamed.
    MissingFile,
    /// AUDIT_DIR itself is gone from an installation.
    MissingDirectory,
    /// The log disagrees with an anchor: its history was rewritten.
    AnchorMismatch,
    /// An anchor names a record past the end: the end was cut off.
    AnchorBeyondEnd,
}

impl ChainErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChainErrorKind::HashMismatch => "hash mismatch",
            ChainErrorKind::BrokenLink => "broken link",
            ChainErrorKind::SeqGap => "seq gap",
            ChainErrorKind::DuplicateOrReordered => "duplicate or reordered record",
            ChainErrorKind::TruncatedFile => "truncated file",
            ChainErrorKind::TornLastLine => "torn last line",
            ChainErrorKind::InvalidJson => "invalid JSON",
            ChainErrorKind::MissingFile => "missing file",
            ChainErrorKind::MissingDirectory => "missing directory",
            ChainErrorKind::AnchorMismatch => "anchor mismatch",
            ChainErrorKind::AnchorBeyondEnd => "anchor beyond the end",
        }
    }
}

/// The first bad record. `seq` is the first position of the sequence that is
/// not intact: every record with a smaller seq was verified in place. For a
/// record that repeats or comes back out of order it is that record's own
/// (smaller) seq; otherwise the seq expected at that place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainError {
    pub kind: ChainErrorKind,
    /// The audit file holding the bad line (None when there are no files).
    pub file: Option<PathBuf>,
    /// 1-based line in `file`.
    pub line: Option<u64>,
    pub seq: u64,
    /// The seq the bad line claims, when it could be read.
    pub found_seq: Option<u64>,
    /// Byte offset in `file` where the bad line starts.
    pub offset: Option<u64>,
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

/// An RFC 6962 tree head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeHead {
    pub size: u64,
    pub root: String,
}

impl fmt::Display for TreeHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "size={}:{}", self.size, self.root)
    }
}

/// The result of a verification. `ok` is false exactly when `first_error`
/// is set.
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    pub ok: bool,
    pub audit_dir: PathBuf,
    /// Records verified (all of them when `ok`).
    pub records: u64,
    pub files: usize,
    pub bytes: u64,
    /// The last verified record.
    pub head: Option<Head>,
    /// Records whose actor is `operator:<user>` (talos's own actions).
    pub operator_actions: u64,
    pub first_error: Option<ChainError>,
    pub anchors_checked: usize,
    /// Anchors not checked because verification stopped first.
    pub anchors_unchecked: usize,
    /// The tree head over the verified records, when asked for.
    pub tree_root: Option<TreeHead>,
    /// The inclusion proof asked for with `VerifyOptions::prove`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<InclusionProof>,
    /// The consistency proof asked for with `VerifyOptions::consistency`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consistency: Option<ConsistencyProof>,
    /// Things worth knowing that are not damage (an empty last file).
    pub warnings: Vec<String>,
}

/// Called after each block with (bytes read, bytes to read).
pub type Progress = std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>;

/// Knobs for `verify_chain_with`.
#[derive(Clone, Default)]
pub struct VerifyOptions {
    /// Compute the RFC 6962 tree head over the verified records.
    pub tree_root: bool,
    /// Stop after this many records (the tree head is then over 1..=limit).
    pub limit: Option<u64>,
    /// Build an inclusion proof for this seq (needs `limit`: the tree size).
    pub prove: Option<u64>,
    /// Build a consistency proof from the tree of this many records to the
    /// tree of `limit` records.
    pub consistency: Option<u64>,
    /// Bytes read per block [default: 8 MiB]; tests make it tiny to put
    /// block boundaries everywhere.
    pub block_size: Option<usize>,
    /// Progress for a bar on a terminal.
    pub progress: Option<Progress>,
}

impl fmt::Debug for VerifyOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyOptions")
            .field("tree_root", &self.tree_root)
            .field("limit", &self.limit)
            .field("prove", &self.prove)
            .field("consistency", &self.consistency)
            .field("block_size", &self.block_size)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// The report for an installation whose AUDIT_DIR is gone: not "empty" (an
/// existing directory without records) but deleted, which is the simplest
/// tampering there is, so an integrity failure.
pub fn missing_directory_report(audit_dir: &Path) -> ChainReport {
    ChainReport {
        ok: false,
        audit_dir: audit_dir.to_path_buf(),
        records: 0,
        files: 0,
        bytes: 0,
        head: None,
        operator_actions: 0,
        first_error: Some(ChainError {
            kind: ChainErrorKind::MissingDirectory,
            file: Some(audit_dir.to_path_buf()),
            line: None,
            seq: 1,
            found_seq: None,
            offset: None,
            message: format!(
                "the audit directory {} is missing, although the installation exists (its var/lib/talos is there)",
                audit_dir.display()
            ),
            fix: "the Tier 1 audit log was deleted or never installed: restore it from a backup (`talos restore BACKUP --partial logs`); if this is a new installation, create the directory (mode 0750) before starting the daemon".into(),
        }),
        anchors_checked: 0,
        anchors_unchecked: 0,
        tree_root: None,
        proof: None,
        consistency: None,
        warnings: Vec::new(),
    }
}

/// Verifies the chain in `audit_dir` against `anchors` (labelled `anchor #N`).
/// `Err` only when the files cannot be read; damage is in the report.
pub fn verify_chain(audit_dir: &Path, anchors: &[Anchor]) -> Result<ChainReport> {
    let labelled: Vec<AnchorFrom> = anchors
        .iter()
        .enumerate()
        .map(|(i, a)| AnchorFrom {
            anchor: a.clone(),
            source: format!("anchor #{}", i + 1),
        })
        .collect();
    verify_chain_with(audit_dir, &labelled, &VerifyOptions::default())
}

/// What one line says, worked out independently of the other lines.
enum LineInfo {
    Good {
        seq: u64,
        prev: Hash,
        hash: Hash,
        operator: bool,
        leaf: Option<Hash>,
    },
    Bad {
        kind: ChainErrorKind,
        detail: String,
        found_seq: Option<u64>,
    },
}

#[derive(Deserialize)]
struct RawRecord<'a> {
    seq: u64,
    #[serde(borrow)]
    #[allow(dead_code)]
    timestamp: Cow<'a, str>,
    #[serde(borrow)]
    actor: Cow<'a, str>,
    #[serde(borrow)]
    #[allow(dead_code)]
    action: Cow<'a, str>,
    #[serde(default)]
    #[allow(dead_code)]
    details: Option<serde::de::IgnoredAny>,
    #[serde(borrow)]
    prev_hash: Cow<'a, str>,
    // Its bytes are the line's tail, checked by `split_line`; serde checks
    // that it is there exactly once.
    #[allow(dead_code)]
    hash: serde::de::IgnoredAny,
}

/// Decodes 64 lowercase hex digits (the only form docs/format.md allows).
fn lower_hex(text: &[u8]) -> Option<Hash> {
    const BAD: u8 = 0xff;
    const TABLE: [u8; 256] = {
        let mut t = [BAD; 256];
        let mut i = 0;
        while i < 10 {
            t[b'0' as usize + i] = i as u8;
            i += 1;
        }
        let mut i = 0;
        while i < 6 {
            t[b'a' as usize + i] = 10 + i as u8;
            i += 1;
        }
        t
    };
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    let mut bad = 0u8;
    for (o, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let hi = TABLE[pair[0] as usize];
        let lo = TABLE[pair[1] as usize];
        bad |= (hi | lo) & 0xf0;
        *o = hi << 4 | lo;
    }
    (bad == 0).then_some(out)
}

/// The seq a damaged line claims, if its start still reads `{"seq":N`.
fn claimed_seq(line: &[u8]) -> Option<u64> {
    let rest = line.strip_prefix(b"{\"seq\":")?;
    let end = rest.iter().position(|b| !b.is_ascii_digit())?;
    std::str::from_utf8(&rest[..end]).ok()?.parse().ok()
}

/// Checks one line on its own: shape, hash, JSON. The hash is checked before
/// the JSON so a changed byte reads as "changed after writing" rather than
/// "written wrong"; a line whose hash matches but is not valid JSON was
/// written that way.
fn analyze(line: &[u8], want_leaf: bool) -> LineInfo {
    let Some((prefix, claimed)) = split_line(line) else {
        let detail = if line.is_empty() {
            "the line is empty".to_string()
        } else if serde_json::from_slice::<serde::de::IgnoredAny>(line).is_err() {
            "the line is not valid JSON".to_string()
        } else {
            "the line does not end with ,\"hash\":\"<64 lowercase hex>\"}".to_string()
        };
        return LineInfo::Bad {
            kind: ChainErrorKind::InvalidJson,
            detail,
            found_seq: claimed_seq(line),
        };
    };
    let Some(claimed) = lower_hex(claimed) else {
        return LineInfo::Bad {
            kind: ChainErrorKind::InvalidJson,
            detail: "its hash is not 64 lowercase hex digits".to_string(),
            found_seq: claimed_seq(line),
        };
    };
    let actual: Hash = Sha256::digest(prefix).into();
    if actual != claimed {
        return LineInfo::Bad {
            kind: ChainErrorKind::HashMismatch,
            detail: format!(
                "its bytes hash to {} but it carries {}",
                hex(&actual),
                hex(&claimed)
            ),
            found_seq: claimed_seq(line),
        };
    }
    // UTF-8 is checked once for the whole line (fast on ASCII); parsing from
    // a &str then skips the per-string check.
    let Ok(text) = std::str::from_utf8(line) else {
        return LineInfo::Bad {
            kind: ChainErrorKind::InvalidJson,
            detail: "its hash matches but it is not valid UTF-8".to_string(),
            found_seq: claimed_seq(line),
        };
    };
    let rec: RawRecord = match serde_json::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            return LineInfo::Bad {
                kind: ChainErrorKind::InvalidJson,
                detail: format!("its hash matches but it is not a valid record: {e}"),
                found_seq: claimed_seq(line),
            };
        }
    };
    let Some(prev) = lower_hex(rec.prev_hash.as_bytes()) else {
        return LineInfo::Bad {
            kind: ChainErrorKind::InvalidJson,
            detail: "its prev_hash is not 64 lowercase hex digits".to_string(),
            found_seq: Some(rec.seq),
        };
    };
    LineInfo::Good {
        seq: rec.seq,
        prev,
        hash: claimed,
        operator: rec.actor.starts_with("operator:"),
        leaf: want_leaf.then(|| merkle::leaf_hash(line)),
    }
}

/// Where a line is, for messages.
#[derive(Clone, Copy)]
struct Loc<'a> {
    file: &'a Path,
    line: u64,
    offset: u64,
}

struct Checker<'a> {
    opts: &'a VerifyOptions,
    want_leaf: bool,
    next_seq: u64,
    prev_hash: Hash,
    records: u64,
    operator_actions: u64,
    /// The seq of the last verified record (its hash is `prev_hash`).
    head: Option<u64>,
    tree: Option<StreamingRoot>,
    proof: Option<ProofBuilder>,
    consistency: Option<ConsistencyBuilder>,
    proof_record: Option<String>,
    /// (seq, hash, source) sorted by seq; `rec_pos` is the next to check.
    rec_anchors: Vec<(u64, Hash, &'a str)>,
    rec_pos: usize,
    tree_anchors: Vec<(u64, Hash, &'a str)>,
    tree_pos: usize,
    anchors_checked: usize,
    error: Option<ChainError>,
    done: bool,
}

const PRESERVE: &str = "first keep a copy of the whole audit directory as evidence \
(`cp -a AUDIT_DIR /var/tmp/audit-evidence-$(date +%Y%m%d%H%M%S)`), and never edit the log in place";

impl<'a> Checker<'a> {
    fn fail(
        &mut self,
        kind: ChainErrorKind,
        loc: Option<Loc<'_>>,
        seq: u64,
        found_seq: Option<u64>,
        message: String,
        fix: String,
    ) {
        self.error = Some(ChainError {
            kind,
            file: loc.map(|l| l.file.to_path_buf()),
            line: loc.map(|l| l.line),
            seq,
            found_seq,
            offset: loc.map(|l| l.offset),
            message,
            fix,
        });
        self.done = true;
    }

    /// Checks one complete (newline-terminated) line against the chain so far.
    fn line(&mut self, bytes: &[u8], info: LineInfo, loc: Loc<'_>) {
        let expected = self.next_seq;
        let at = || format!("{}:{}", loc.file.display(), loc.line);
        let (seq, prev, hash, operator, leaf) = match info {
            LineInfo::Bad {
                kind,
                detail,
                found_seq,
            } => {
                let at = at();
                let (message, fix) = match kind {
                    ChainErrorKind::HashMismatch => (
                        format!(
                            "the record at {at} (seq {expected}) was changed after it was written: {detail}"
                        ),
                        format!(
                            "treat this as tampering or disk corruption: {PRESERVE}; compare the file with \
                             logs/audit/ in the newest backup (`talos backup list`) and open a security incident"
                        ),
                    ),
                    _ => (
                        format!(
                            "line {at} (where seq {expected} belongs) is not an audit record: {detail}"
                        ),
                        format!(
                            "{PRESERVE}; compare the file with logs/audit/ in the newest backup (`talos backup list`) \
                             to see what the line held"
                        ),
                    ),
                };
                self.fail(kind, Some(loc), expected, found_seq, message, fix);
                return;
            }
            LineInfo::Good {
                seq,
                prev,
                hash,
                operator,
                leaf,
            } => (seq, prev, hash, operator, leaf),
        };
        if seq > expected {
            let at = at();
            let missing = if seq == expected + 1 {
                format!("record {expected} is missing")
            } else {
                format!("records {expected} to {} are missing", seq - 1)
            };
            self.fail(
                ChainErrorKind::SeqGap,
                Some(loc),
                expected,
                Some(seq),
                format!("{missing}: seq {seq} at {at} comes where seq {expected} should"),
                format!(
                    "lines were deleted from the log or a file lost its start: {PRESERVE}; the missing records \
                     are in logs/audit/ of a backup taken after they were written (`talos backup list`)"
                ),
            );
            return;
        }
        if seq < expected {
            let at = at();
            let what = if seq + 1 == expected && hash == self.prev_hash {
                format!("record {seq} is repeated at {at}: the line is a copy of the one before it")
            } else if seq + 1 == expected {
                format!(
                    "a second, different record with seq {seq} at {at}: the chain forked (two writers \
                     without the lock) or a record was inserted"
                )
            } else {
                format!(
                    "seq {seq} appears at {at} after seq {}: a record repeated or moved",
                    expected - 1
                )
            };
            self.fail(
                ChainErrorKind::DuplicateOrReordered,
                Some(loc),
                seq,
                Some(seq),
                what,
                format!(
                    "records were copied or reordered by hand or by a broken writer: {PRESERVE}; compare with \
                     logs/audit/ in the newest backup (`talos backup list`)"
                ),
            );
            return;
        }
        if prev != self.prev_hash {
            let at = at();
            let before = if expected == 1 {
                "the first record must have 64 zeros".to_string()
            } else {
                format!("record {} has hash {}", expected - 1, hex(&self.prev_hash))
            };
            self.fail(
                ChainErrorKind::BrokenLink,
                Some(loc),
                expected,
                Some(seq),
                format!(
                    "record {seq} at {at} does not follow the record before it: its prev_hash is {}, but {before}",
                    hex(&prev)
                ),
                format!(
                    "a record was replaced, or this one was forged: {PRESERVE}; compare with logs/audit/ in the \
                     newest backup (`talos backup list`) and open a security incident"
                ),
            );
            return;
        }
        // Anchors are checked before the record counts as verified.
        while let Some(&(aseq, ahash, source)) = self.rec_anchors.get(self.rec_pos) {
            if aseq != seq {
                break;
            }
            self.rec_pos += 1;
            self.anchors_checked += 1;
            if ahash != hash {
                let at = at();
                self.fail(
                    ChainErrorKind::AnchorMismatch,
                    Some(loc),
                    seq,
                    Some(seq),
                    format!(
                        "record {seq} at {at} has hash {}, but {source} recorded {}: the history up to seq {seq} \
                         was rewritten after that anchor was taken (the chain itself is consistent, so it was \
                         recomputed)",
                        hex(&hash),
                        hex(&ahash)
                    ),
                    format!(
                        "treat this as a security incident: {PRESERVE}; the log in a backup whose audit_head \
                         matches the anchor is the trustworthy copy"
                    ),
                );
                return;
            }
        }
        // Accepted.
        self.records += 1;
        self.next_seq += 1;
        self.prev_hash = hash;
        if operator {
            self.operator_actions += 1;
        }
        if let Some(leaf) = leaf {
            if let Some(t) = &mut self.tree {
                t.push(leaf);
            }
            if let Some(p) = &mut self.proof {
                p.push(leaf);
            }
            if let Some(p) = &mut self.consistency {
                p.push(leaf);
            }
        }
        if self.opts.prove == Some(seq) {
            self.proof_record = Some(String::from_utf8_lossy(bytes).into_owned());
        }
        self.head = Some(seq);
        self.check_tree_anchors(Some(loc));
        if self.opts.limit == Some(self.records) {
            self.done = true;
        }
    }

    fn check_tree_anchors(&mut self, loc: Option<Loc<'_>>) {
        while let Some(&(size, root, source)) = self.tree_anchors.get(self.tree_pos) {
            if size != self.records {
                break;
            }
            self.tree_pos += 1;
            self.anchors_checked += 1;
            let actual = self
                .tree
                .as_ref()
                .map(StreamingRoot::root)
                .unwrap_or_else(merkle::empty_root);
            if actual != root {
                self.fail(
                    ChainErrorKind::AnchorMismatch,
                    loc,
                    size.max(1),
                    None,
                    format!(
                        "the tree head over records 1..{size} is {}, but {source} recorded {}: the history up to \
                         seq {size} was rewritten after that tree head was taken",
                        hex(&actual),
                        hex(&root)
                    ),
                    format!(
                        "treat this as a security incident: {PRESERVE}; the log in a backup taken before the \
                         rewrite is the trustworthy copy"
                    ),
                );
                return;
            }
        }
    }

    /// The unterminated tail of a file.
    fn tail(&mut self, bytes: &[u8], loc: Loc<'_>, last_file: bool) {
        let expected = self.next_seq;
        let file = loc.file.display().to_string();
        let complete = match analyze(bytes, false) {
            LineInfo::Good { seq, prev, .. } => seq == expected && prev == self.prev_hash,
            LineInfo::Bad { .. } => false,
        };
        if last_file {
            let (message, fix) = if complete {
                (
                    format!(
                        "the last line of {file} (line {}, seq {expected}) has no newline: an append was \
                         interrupted just before its end; the record itself is complete and linked",
                        loc.line
                    ),
                    format!(
                        "add the missing newline after keeping a copy: `cp -a {file} {file}.torn && printf '\\n' >> \
                         {file}`, then run `talos audit verify-chain` again"
                    ),
                )
            } else {
                (
                    format!(
                        "the last line of {file} (line {}, where seq {expected} belongs) is incomplete: an append \
                         was interrupted (a crash, a kill or a full disk) after {} of its bytes; nothing follows it, \
                         so no other record is affected",
                        loc.line,
                        bytes.len()
                    ),
                    format!(
                        "keep the torn bytes, then cut them off: `cp -a {file} {file}.torn && truncate -s {} {file}`, \
                         then run `talos audit verify-chain` again (writers refuse to append until this is done)",
                        loc.offset
                    ),
                )
            };
            self.fail(
                ChainErrorKind::TornLastLine,
                Some(loc),
                expected,
                claimed_seq(bytes),
                message,
                fix,
            );
        } else {
            self.fail(
                ChainErrorKind::TruncatedFile,
                Some(loc),
                expected,
                claimed_seq(bytes),
                format!(
                    "{file} ends in the middle of a record (line {}, where seq {expected} belongs) but it is not \
                     the last audit file: it was cut short",
                    loc.line
                ),
                format!(
                    "{PRESERVE}; the complete file is in logs/audit/ of a backup taken after it was rotated \
                     (`talos backup list`)"
                ),
            );
        }
    }
}

/// The audit files and their lengths, taken under a shared lock on
/// AUDIT_DIR/.lock when it exists, so no append is half-way through. Appends
/// only add bytes, so these prefixes stay as they are while they are read.
/// Verification never creates the lock file (the directory may be a restored
/// copy or read-only).
fn snapshot(audit_dir: &Path) -> Result<Vec<(u64, PathBuf, u64)>> {
    let lock = File::open(audit_dir.join(".lock"))
        .ok()
        .filter(|f| f.lock_shared().is_ok());
    let mut out = Vec::new();
    for (n, path) in audit_files(audit_dir)? {
        let len = std::fs::metadata(&path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .len();
        out.push((n, path, len));
    }
    if let Some(f) = lock {
        let _ = f.unlock();
    }
    Ok(out)
}

/// Verifies the chain, with labelled anchors and options. `Err` only when a
/// file cannot be read; damage is reported in `ChainReport::first_error`.
pub fn verify_chain_with(
    audit_dir: &Path,
    anchors: &[AnchorFrom],
    opts: &VerifyOptions,
) -> Result<ChainReport> {
    let files = snapshot(audit_dir)?;
    let mut rec_anchors = Vec::new();
    let mut tree_anchors = Vec::new();
    for a in anchors {
        match &a.anchor {
            Anchor::Record { seq, hash } => {
                if let Some(h) = merkle::parse_hash(hash) {
                    rec_anchors.push((*seq, h, a.source.as_str()));
                }
            }
            Anchor::TreeHead { size, root } => {
                if let Some(h) = merkle::parse_hash(root) {
                    tree_anchors.push((*size, h, a.source.as_str()));
                }
            }
        }
    }
    rec_anchors.sort_by_key(|a| a.0);
    tree_anchors.sort_by_key(|a| a.0);
    let want_tree = opts.tree_root || !tree_anchors.is_empty();
    let proof = match (opts.prove, opts.limit) {
        (Some(seq), Some(size)) if seq >= 1 && seq <= size => {
            Some(ProofBuilder::new(seq - 1, size))
        }
        _ => None,
    };
    let consistency = match (opts.consistency, opts.limit) {
        (Some(old), Some(new)) if old <= new => Some(ConsistencyBuilder::new(old, new)),
        _ => None,
    };
    let mut c = Checker {
        opts,
        want_leaf: want_tree || proof.is_some() || consistency.is_some(),
        next_seq: 1,
        prev_hash: [0u8; 32],
        records: 0,
        operator_actions: 0,
        head: None,
        tree: want_tree.then(StreamingRoot::new),
        proof,
        consistency,
        proof_record: None,
        rec_anchors,
        rec_pos: 0,
        tree_anchors,
        tree_pos: 0,
        anchors_checked: 0,
        error: None,
        done: opts.limit == Some(0),
    };
    c.check_tree_anchors(None);
    let mut warnings = Vec::new();
    let mut bytes_total = 0u64;
    let mut buf: Vec<u8> = Vec::new();
    let mut end_loc: Option<(PathBuf, u64)> = None;
    let block = opts.block_size.unwrap_or(BLOCK).max(1);
    let bytes_to_read: u64 = files.iter().map(|f| f.2).sum();

    'files: for (index, (number, path, len)) in files.iter().enumerate() {
        if c.done {
            break;
        }
        let last_file = index + 1 == files.len();
        let expected_number = index as u64 + 1;
        if *number != expected_number {
            let missing = if *number == expected_number + 1 {
                audit_file_name(expected_number)
            } else {
                format!(
                    "{} to {}",
                    audit_file_name(expected_number),
                    audit_file_name(number - 1)
                )
            };
            let after = if expected_number == 1 {
                format!("the first audit file is {}", audit_file_name(*number))
            } else {
                format!(
                    "{} follows {}",
                    audit_file_name(*number),
                    audit_file_name(expected_number - 1)
                )
            };
            let seq = c.next_seq;
            c.fail(
                ChainErrorKind::MissingFile,
                Some(Loc {
                    file: path,
                    line: 1,
                    offset: 0,
                }),
                seq,
                None,
                format!(
                    "{missing} is missing from {}: {after}, so the records from seq {seq} on may be gone",
                    audit_dir.display()
                ),
                format!(
                    "a file was removed or renamed: look for it (`ls -la {}`, logs/audit/ in the newest backup) \
                     and put it back under its own name; never renumber the files",
                    audit_dir.display()
                ),
            );
            break;
        }
        // Only the bytes that were there at the snapshot: a record being
        // appended meanwhile is not a torn line.
        let mut file = File::open(path)
            .with_context(|| format!("cannot open {}", path.display()))?
            .take(*len);
        let mut line_no = 0u64;
        let mut offset = 0u64;
        let mut carry = 0usize;
        loop {
            buf.truncate(carry);
            let want = block.max(carry + 1);
            if buf.capacity() < want {
                buf.reserve(want - buf.len());
            }
            let n = Read::by_ref(&mut file)
                .take(block as u64)
                .read_to_end(&mut buf)
                .with_context(|| format!("cannot read {}", path.display()))?;
            bytes_total += n as u64;
            if let Some(p) = &opts.progress {
                p(bytes_total, bytes_to_read);
            }
            let eof = n < block;
            let complete = match memchr::memrchr(b'\n', &buf[carry..]) {
                Some(i) => carry + i + 1,
                None if eof => {
                    // No newline in the new bytes: every carried byte too is
                    // without one, so the whole rest is the unterminated tail.
                    0
                }
                None => {
                    // One line longer than a block: keep reading.
                    carry = buf.len();
                    continue;
                }
            };
            // A newline in the carried part is impossible (it was carried
            // because it had none), so line starts are found from 0.
            let mut ranges = Vec::new();
            let mut start = 0usize;
            for nl in memchr::memchr_iter(b'\n', &buf[..complete]) {
                ranges.push((start, nl));
                start = nl + 1;
            }
            let want_leaf = c.want_leaf;
            let lines = &buf[..complete];
            let infos: Vec<LineInfo> = ranges
                .par_iter()
                .with_min_len(256)
                .map(|&(s, e)| analyze(&lines[s..e], want_leaf))
                .collect();
            for ((s, e), info) in ranges.iter().zip(infos) {
                line_no += 1;
                let loc = Loc {
                    file: path,
                    line: line_no,
                    offset: offset + *s as u64,
                };
                c.line(&lines[*s..*e], info, loc);
                if c.done {
                    break 'files;
                }
            }
            offset += complete as u64;
            let rest = buf.len() - complete;
            buf.copy_within(complete.., 0);
            carry = rest;
            if eof {
                if carry > 0 {
                    line_no += 1;
                    let loc = Loc {
                        file: path,
                        line: line_no,
                        offset,
                    };
                    let tail = buf[..carry].to_vec();
                    c.tail(&tail, loc, last_file);
                    break 'files;
                }
                break;
            }
        }
        if line_no == 0 {
            if last_file {
                warnings.push(format!(
                    "{} is empty (an append was interrupted right after creating it, or it was emptied)",
                    path.display()
                ));
            } else {
                let seq = c.next_seq;
                c.fail(
                    ChainErrorKind::TruncatedFile,
                    Some(Loc {
                        file: path,
                        line: 1,
                        offset: 0,
                    }),
                    seq,
                    None,
                    format!(
                        "{} is empty but it is not the last audit file: its records (from seq {seq}) are gone",
                        path.display()
                    ),
                    format!(
                        "{PRESERVE}; the complete file is in logs/audit/ of a backup taken after it was rotated \
                         (`talos backup list`)"
                    ),
                );
                break;
            }
        }
        end_loc = Some((path.clone(), line_no + 1));
    }

    let stopped_by_limit = opts.limit.is_some_and(|l| c.records >= l);
    let mut unchecked = (c.rec_anchors.len() - c.rec_pos) + (c.tree_anchors.len() - c.tree_pos);
    if c.error.is_none() && !stopped_by_limit && unchecked > 0 {
        let last = c.records;
        let beyond = match (c.rec_anchors.get(c.rec_pos), c.tree_anchors.get(c.tree_pos)) {
            (Some(&(seq, hash, source)), _) => Some((
                seq,
                format!("record {seq} with hash {}", hex(&hash)),
                source,
            )),
            (None, Some(&(size, root, source))) => Some((
                size,
                format!("a tree of {size} records with root {}", hex(&root)),
                source,
            )),
            (None, None) => None,
        };
        if let Some((seq, what, source)) = beyond {
            let (file, line) = match &end_loc {
                Some((f, l)) => (Some(f.as_path()), *l),
                None => (None, 1),
            };
            let loc = file.map(|f| Loc {
                file: f,
                line,
                offset: 0,
            });
            c.fail(
                ChainErrorKind::AnchorBeyondEnd,
                loc,
                last + 1,
                None,
                format!(
                    "{source} recorded {what}, but the chain ends at seq {last}: records {} to {seq} were cut \
                     off the end of the history",
                    last + 1
                ),
                format!(
                    "{PRESERVE}; the missing records are in logs/audit/ of the backup or copy the anchor came from"
                ),
            );
            if let Some(e) = &mut c.error {
                e.offset = None;
            }
            unchecked -= 1;
            c.anchors_checked += 1;
        }
    }

    let tree_root = if opts.tree_root {
        c.tree.as_ref().map(|t| TreeHead {
            size: t.size(),
            root: hex(&t.root()),
        })
    } else {
        None
    };
    let proof = if c.error.is_none() {
        c.proof.take().and_then(ProofBuilder::finish).map(|mut p| {
            p.record = c.proof_record.take();
            p
        })
    } else {
        None
    };
    let consistency = if c.error.is_none() {
        c.consistency.take().and_then(ConsistencyBuilder::finish)
    } else {
        None
    };
    if let Some(e) = &mut c.error {
        e.fix = e.fix.replace("AUDIT_DIR", &audit_dir.display().to_string());
    }
    Ok(ChainReport {
        ok: c.error.is_none(),
        audit_dir: audit_dir.to_path_buf(),
        records: c.records,
        files: files.len(),
        bytes: bytes_total,
        head: c.head.map(|seq| Head {
            seq,
            hash: hex(&c.prev_hash),
        }),
        operator_actions: c.operator_actions,
        first_error: c.error,
        anchors_checked: c.anchors_checked,
        anchors_unchecked: unchecked,
        tree_root,
        proof,
        consistency,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Record;

    fn chain(dir: &Path, n: u64, details: &serde_json::Value) -> Vec<String> {
        let mut prev = crate::audit::GENESIS_HASH.to_string();
        let mut out = String::new();
        let mut hashes = Vec::new();
        for seq in 1..=n {
            let line = Record::encode(
                seq,
                "2024-01-15T08:30:00.000Z",
                "orchestrator",
                "a",
                details,
                &prev,
            )
            .unwrap();
            prev = Record::parse(line.as_bytes()).unwrap().hash;
            hashes.push(prev.clone());
            out.push_str(&line);
            out.push('\n');
        }
        std::fs::write(dir.join(audit_file_name(1)), out).unwrap();
        hashes
    }

    #[test]
    fn anchors_parse_and_print() {
        let h = "ab".repeat(32);
        assert_eq!(
            format!("12:{h}").parse::<Anchor>().unwrap(),
            Anchor::Record {
                seq: 12,
                hash: h.clone()
            }
        );
        assert_eq!(
            format!("size=3:0x{}", h.to_uppercase())
                .parse::<Anchor>()
                .unwrap(),
            Anchor::TreeHead {
                size: 3,
                root: h.clone()
            }
        );
        let a: Anchor = format!("size=3:{h}").parse().unwrap();
        assert_eq!(a.to_string(), format!("size=3:{h}"));
        assert!(format!("0:{h}").parse::<Anchor>().is_err());
        assert!("12:abc".parse::<Anchor>().is_err());
        assert!(h.parse::<Anchor>().is_err());
        assert!(format!("x:{h}").parse::<Anchor>().is_err());
    }

    #[test]
    fn a_record_longer_than_a_block_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let big = serde_json::json!({"blob": "y".repeat(5000)});
        chain(dir.path(), 4, &big);
        let opts = VerifyOptions {
            block_size: Some(1000),
            ..VerifyOptions::default()
        };
        let r = verify_chain_with(dir.path(), &[], &opts).unwrap();
        assert!(r.ok, "{:?}", r.first_error);
        assert_eq!(r.records, 4);
    }

    #[test]
    fn a_complete_record_missing_only_its_newline_is_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        chain(dir.path(), 3, &serde_json::json!({}));
        let path = dir.path().join(audit_file_name(1));
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.pop();
        std::fs::write(&path, &bytes).unwrap();
        let r = verify_chain(dir.path(), &[]).unwrap();
        let e = r.first_error.unwrap();
        assert_eq!(e.kind, ChainErrorKind::TornLastLine);
        assert_eq!(e.seq, 3);
        assert!(
            e.message.contains("the record itself is complete"),
            "{}",
            e.message
        );
        assert!(e.fix.contains("printf"), "{}", e.fix);
    }

    #[test]
    fn an_empty_last_file_is_a_note_not_damage() {
        let dir = tempfile::tempdir().unwrap();
        chain(dir.path(), 3, &serde_json::json!({}));
        std::fs::write(dir.path().join(audit_file_name(2)), b"").unwrap();
        let r = verify_chain(dir.path(), &[]).unwrap();
        assert!(r.ok);
        assert_eq!(r.warnings.len(), 1);
        // ...but an empty file before the last one is.
        std::fs::rename(
            dir.path().join(audit_file_name(2)),
            dir.path().join(audit_file_name(1)).with_extension("tmp"),
        )
        .unwrap();
        std::fs::rename(
            dir.path().join(audit_file_name(1)),
            dir.path().join(audit_file_name(2)),
        )
        .unwrap();
        std::fs::rename(
            dir.path().join(audit_file_name(1)).with_extension("tmp"),
            dir.path().join(audit_file_name(1)),
        )
        .unwrap();
        let r = verify_chain(dir.path(), &[]).unwrap();
        let e = r.first_error.unwrap();
        assert_eq!(e.kind, ChainErrorKind::TruncatedFile);
        assert_eq!(e.seq, 1);
    }

    #[test]
    fn a_limit_stops_early_and_leaves_later_anchors_unchecked() {
        let dir = tempfile::tempdir().unwrap();
        let hashes = chain(dir.path(), 10, &serde_json::json!({}));
        let anchors = [
            AnchorFrom {
                anchor: Anchor::Record {
                    seq: 3,
                    hash: hashes[2].clone(),
                },
                source: "a".into(),
            },
            AnchorFrom {
                anchor: Anchor::Record {
                    seq: 9,
                    hash: "00".repeat(32),
                },
                source: "b".into(),
            },
        ];
        let opts = VerifyOptions {
            limit: Some(5),
            tree_root: true,
            ..VerifyOptions::default()
        };
        let r = verify_chain_with(dir.path(), &anchors, &opts).unwrap();
        assert!(r.ok, "{:?}", r.first_error);
        assert_eq!(r.records, 5);
        assert_eq!(r.anchors_checked, 1);
        assert_eq!(r.anchors_unchecked, 1);
        assert_eq!(r.tree_root.unwrap().size, 5);
    }
}
