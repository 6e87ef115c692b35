//! Verification of the whole audit chain: every record's own hash, JSON
//! shape, `prev_hash` link and `seq` continuity across files, the numbering
//! of the files, and anchors kept outside the log. The first bad record is
//! classified and located by file, line and seq.
//!
//! Two passes give the same findings. When no check needs the records in
//! order (no tree, proof, limit or clock check), the files are first
//! verified side by side, one thread per core ([`by_file`]), and linked from
//! their first and last records. The ordered pass below takes over from the
//! first file that is not perfect on its own or does not follow the one
//! before it, and does everything else: it is the one that words findings.
//!
//! The ordered pass streams: memory is bounded by the block size (2 MiB, a
//! few blocks in flight) whatever the log size; a line longer than 1 MiB is
//! damage and is never held whole. A reader thread reads the next block
//! while the current one is checked. Each record's hash is independent of
//! the others, so a block's lines are split, hashed and parsed in parallel
//! (rayon); only the link and seq checks, which need just the previous
//! record, run in order.

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::mpsc::{Receiver, Sender, SyncSender};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::anchors::{Anchors, DatabaseAnchors};
use super::merkle::{
    self, ConsistencyBuilder, ConsistencyProof, Hash, InclusionProof, ProofBuilder, StreamingRoot,
};
use super::record::{HASH_MARKER, hex};
use super::{Head, audit_file_name, audit_files};
use crate::error::{Context, Error, Result};

mod by_file;

/// Bytes read per block; lines of a block are checked in parallel. Small
/// enough to stay in cache between the read and the checks.
const BLOCK: usize = 2 * 1024 * 1024;

/// The longest record line (without its newline): the 1 MiB rule of every
/// line reader. A longer line is damage; it is skipped, never held whole.
pub const MAX_LINE: usize = crate::logfiles::MAX_LINE;

/// Bytes of a block that one parallel task splits into lines and checks.
const PIECE: usize = 64 * 1024;

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
    /// The timestamp checks asked for with `VerifyOptions::clock`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock: Option<ClockFindings>,
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
    /// Bytes read per block [default: 2 MiB in the ordered pass, 256 KiB
    /// per thread when files are verified side by side]; tests make it tiny
    /// to put block boundaries everywhere.
    pub block_size: Option<usize>,
    /// Progress for a bar on a terminal.
    pub progress: Option<Progress>,
    /// Also check the records' timestamps against the clock (doctor): the
    /// same pass, so a chain of millions is read once.
    pub clock: Option<ClockLimits>,
}

/// What `VerifyOptions::clock` checks: a record dated more than
/// `future_secs` past `now`, or more than `backwards_secs` before a record
/// before it.
#[derive(Debug, Clone, Copy)]
pub struct ClockLimits {
    pub now: jiff::Timestamp,
    pub future_secs: i64,
    pub backwards_secs: i64,
}

/// The first records whose time is wrong (`VerifyOptions::clock`), as
/// evidence lines (`audit seq N: TIME ...`); records after the first chain
/// error are not read.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ClockFindings {
    pub future: Option<String>,
    pub backwards: Option<String>,
    #[serde(skip)]
    max: Option<jiff::Timestamp>,
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
            .field("clock", &self.clock)
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
        clock: None,
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
    verify_chain_with(
        audit_dir,
        &Anchors::named(labelled),
        &VerifyOptions::default(),
    )
}

/// What one line says, worked out independently of the other lines.
enum LineInfo {
    Good(GoodLine),
    Bad {
        kind: ChainErrorKind,
        detail: String,
        found_seq: Option<u64>,
    },
}

/// A line that is a record on its own (shape, hash, JSON); whether it
/// belongs where it is, the chain checks decide.
struct GoodLine {
    seq: u64,
    prev: Hash,
    hash: Hash,
    operator: bool,
    leaf: Option<Hash>,
    /// The record's time, when asked for and RFC 3339.
    time: Option<jiff::Timestamp>,
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
/// Branch-free over the fixed 64 bytes, so it vectorises: it runs twice for
/// every record.
fn lower_hex(text: &[u8]) -> Option<Hash> {
    let text: &[u8; 64] = text.try_into().ok()?;
    let mut bad = 0u8;
    for &c in text {
        let digit = c.wrapping_sub(b'0') < 10;
        let letter = c.wrapping_sub(b'a') < 6;
        bad |= u8::from(!(digit | letter));
    }
    if bad != 0 {
        return None;
    }
    // '0'..='9' are 0x30..=0x39, 'a'..='f' 0x61..=0x66: the low nibble,
    // plus 9 for a letter (bit 6 set).
    let nibble = |c: u8| (c & 0x0f) + 9 * (c >> 6);
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        *o = nibble(pair[0]) << 4 | nibble(pair[1]);
    }
    Some(out)
}

/// Splits a line into its hashed prefix and the hash it carries, when it
/// ends with `,"hash":"<64 lowercase hex>"}` (as `split_line`, decoding the
/// hash in the same pass).
fn split_hash(line: &[u8]) -> Option<(&[u8], Hash)> {
    let tail = HASH_MARKER.len() + 64 + 2;
    let at = line.len().checked_sub(tail)?;
    if !line.ends_with(b"\"}") || &line[at..at + HASH_MARKER.len()] != HASH_MARKER {
        return None;
    }
    let hash = lower_hex(&line[at + HASH_MARKER.len()..line.len() - 2])?;
    Some((&line[..at], hash))
}

/// Every byte is printable ASCII (0x20..=0x7e). No early exit: over a
/// record's few hundred bytes the plain fold vectorises and wins.
fn printable_ascii(s: &[u8]) -> bool {
    let bad = s
        .iter()
        .fold(0u8, |bad, &b| bad | u8::from(b.wrapping_sub(0x20) >= 0x5f));
    bad == 0
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
fn analyze(line: &[u8], want: Want) -> LineInfo {
    if line.len() > MAX_LINE {
        return overlong(line, line.len() as u64);
    }
    let Some((prefix, claimed)) = split_hash(line) else {
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
    // UTF-8 is checked once for the whole line (no need on printable
    // ASCII, nearly every line); parsing from a &str then skips the
    // per-string check.
    let plain = printable_ascii(line);
    if !plain && std::str::from_utf8(line).is_err() {
        return LineInfo::Bad {
            kind: ChainErrorKind::InvalidJson,
            detail: "its hash matches but it is not valid UTF-8".to_string(),
            found_seq: claimed_seq(line),
        };
    }
    let fast = if plain {
        fast_fields(prefix, want.time)
    } else {
        None
    };
    let fields = match fast {
        Some(f) => f,
        // Valid UTF-8 (checked above): the default never happens.
        None => {
            match serde_json::from_str::<RawRecord>(std::str::from_utf8(line).unwrap_or_default()) {
                Ok(r) => Fields {
                    seq: r.seq,
                    operator: r.actor.starts_with("operator:"),
                    prev: lower_hex(r.prev_hash.as_bytes()),
                    time: want
                        .time
                        .then(|| crate::logfiles::parse_ts(&r.timestamp))
                        .flatten(),
                },
                Err(e) => {
                    return LineInfo::Bad {
                        kind: ChainErrorKind::InvalidJson,
                        detail: format!("its hash matches but it is not a valid record: {e}"),
                        found_seq: claimed_seq(line),
                    };
                }
            }
        }
    };
    let Some(prev) = fields.prev else {
        return LineInfo::Bad {
            kind: ChainErrorKind::InvalidJson,
            detail: "its prev_hash is not 64 lowercase hex digits".to_string(),
            found_seq: Some(fields.seq),
        };
    };
    LineInfo::Good(GoodLine {
        seq: fields.seq,
        prev,
        hash: claimed,
        operator: fields.operator,
        leaf: want.leaf.then(|| merkle::leaf_hash(line)),
        time: fields.time,
    })
}

/// What [`analyze`] works out beyond the chain's own fields.
#[derive(Debug, Clone, Copy, Default)]
struct Want {
    /// The RFC 6962 leaf hash (tree heads, proofs).
    leaf: bool,
    /// The record's timestamp (`VerifyOptions::clock`).
    time: bool,
}

/// A line longer than [`MAX_LINE`]: `head` is (at least) its start.
fn overlong(head: &[u8], len: u64) -> LineInfo {
    LineInfo::Bad {
        kind: ChainErrorKind::InvalidJson,
        detail: format!(
            "the line is {len} bytes long, over the 1 MiB limit of a record (it was skipped, not read whole)"
        ),
        found_seq: claimed_seq(head),
    }
}

/// What the chain checks need from a record's JSON.
struct Fields {
    seq: u64,
    operator: bool,
    /// `prev_hash`, when it is 64 lowercase hex digits.
    prev: Option<Hash>,
    /// `timestamp`, when asked for and RFC 3339.
    time: Option<jiff::Timestamp>,
}

/// Reads the fields of a record written the way talos and the daemon write
/// it (compact, the keys in docs/format.md order, no escapes, no control
/// characters) without serde: several times faster, and it is what nearly
/// every line is. `None` means "not that shape", never "invalid": serde_json
/// then decides, so this only ever accepts what serde_json accepts, with the
/// same values. `prefix` is the hashed part of a line of printable ASCII
/// (so no whitespace between tokens and no control character in a string).
fn fast_fields(prefix: &[u8], want_time: bool) -> Option<Fields> {
    let mut p = Scan {
        s: prefix,
        at: 0,
        depth: 0,
    };
    p.lit(b"{\"seq\":")?;
    let seq = p.u64()?;
    p.lit(b",\"timestamp\":")?;
    let timestamp = p.string()?;
    p.lit(b",\"actor\":")?;
    let actor = p.string()?;
    p.lit(b",\"action\":")?;
    p.string()?;
    p.lit(b",\"details\":")?;
    p.value()?;
    p.lit(b",\"prev_hash\":")?;
    let (_, prev) = p.hash_string()?;
    if p.at != prefix.len() {
        return None;
    }
    let time = if want_time {
        // Printable ASCII without escapes (checked by the caller and by
        // `string`): the bytes are the string's text.
        std::str::from_utf8(timestamp)
            .ok()
            .and_then(crate::logfiles::parse_ts)
    } else {
        None
    };
    Some(Fields {
        seq,
        operator: actor.starts_with(b"operator:"),
        prev,
        time,
    })
}

/// A cursor for [`fast_fields`]: compact JSON without escapes.
struct Scan<'a> {
    s: &'a [u8],
    at: usize,
    depth: u32,
}

impl<'a> Scan<'a> {
    /// Nesting allowed in `details` (serde_json stops at 128 in all).
    const MAX_DEPTH: u32 = 64;

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    /// The literal `text` (a fixed-size compare, inlined: no memcmp call).
    fn lit<const N: usize>(&mut self, text: &[u8; N]) -> Option<()> {
        let here: &[u8; N] = self.s.get(self.at..self.at + N)?.try_into().ok()?;
        if here == text {
            self.at += N;
            Some(())
        } else {
            None
        }
    }

    /// A string without escapes; its contents.
    fn string(&mut self) -> Option<&'a [u8]> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.at + 1;
        let end = start + quote_or_backslash(&self.s[start..])?;
        if self.s[end] != b'"' {
            return None;
        }
        self.at = end + 1;
        Some(&self.s[start..end])
    }

    /// `prev_hash`: 64 lowercase hex digits in quotes, or any string.
    fn hash_string(&mut self) -> Option<(&'a [u8], Option<Hash>)> {
        if let Some(b'"') = self.s.get(self.at + 65)
            && self.peek() == Some(b'"')
        {
            let text = &self.s[self.at + 1..self.at + 65];
            // Hex digits hold no quote or backslash: this is the string.
            if let Some(h) = lower_hex(text) {
                self.at += 66;
                return Some((text, Some(h)));
            }
        }
        let text = self.string()?;
        Some((text, lower_hex(text)))
    }

    /// A u64 as serde_json reads one: no sign, no leading zero, no fraction.
    fn u64(&mut self) -> Option<u64> {
        let digits = self.s[self.at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let text = &self.s[self.at..self.at + digits];
        if digits == 0 || digits > 19 || (digits > 1 && text[0] == b'0') {
            return None;
        }
        if matches!(self.s.get(self.at + digits), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.at += digits;
        Some(text.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')))
    }

    /// A JSON number (the grammar only, as serde_json checks an ignored one).
    fn number(&mut self) -> Option<()> {
        let digits = |p: &mut Self| {
            let n = p.s[p.at..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            p.at += n;
            n
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => {
                digits(self);
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if digits(self) == 0 {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return None;
            }
        }
        Some(())
    }

    /// Any JSON value, checked and skipped.
    fn value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.container(b'}', true),
            b'[' => self.container(b']', false),
            b't' => self.lit(b"true"),
            b'f' => self.lit(b"false"),
            b'n' => self.lit(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// An object (`keyed`) or an array, from its opening bracket.
    fn container(&mut self, close: u8, keyed: bool) -> Option<()> {
        self.depth += 1;
        if self.depth > Self::MAX_DEPTH {
            return None;
        }
        self.at += 1;
        if self.peek()? == close {
            self.at += 1;
            self.depth -= 1;
            return Some(());
        }
        loop {
            if keyed {
                self.string()?;
                self.lit(b":")?;
            }
            self.value()?;
            match self.peek()? {
                b',' => self.at += 1,
                c if c == close => {
                    self.at += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

/// The first `"` or `\\` in `s`, eight bytes at a time. The strings of a
/// record are short: a SIMD search's setup costs more than it saves, a
/// byte loop twice as much as this.
fn quote_or_backslash(s: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte of `v` is zero: the lowest flagged byte is the first zero one
    // (a borrow can only flag bytes above a zero byte).
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut at = 0;
    while let Some(chunk) = s.get(at..at + 8) {
        let x = u64::from_le_bytes(chunk.try_into().ok()?);
        let hits =
            zero_bytes(x ^ (ONES * u64::from(b'"'))) | zero_bytes(x ^ (ONES * u64::from(b'\\')));
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    s[at..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\')
        .map(|i| at + i)
}

/// Where a line is, for messages.
#[derive(Clone, Copy)]
struct Loc<'a> {
    file: &'a Path,
    line: u64,
    offset: u64,
}

impl<'a> Loc<'a> {
    /// The first line of `file` (a file missing or empty as a whole).
    fn start_of(file: &'a Path) -> Loc<'a> {
        Loc {
            file,
            line: 1,
            offset: 0,
        }
    }

    /// `FILE:LINE`, as messages name a line.
    fn at(&self) -> String {
        format!("{}:{}", self.file.display(), self.line)
    }
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
    /// Sorted by seq; `rec_pos` is the next to check.
    rec_anchors: Vec<RecordAnchor<'a>>,
    rec_pos: usize,
    tree_anchors: Vec<(u64, Hash, &'a str)>,
    tree_pos: usize,
    anchors_checked: usize,
    error: Option<ChainError>,
    done: bool,
    clock: Option<ClockFindings>,
}

impl ClockFindings {
    /// One accepted record's time, in chain order.
    fn record(&mut self, limits: ClockLimits, seq: u64, t: jiff::Timestamp) {
        let ts = || crate::timespec::format_ts(t);
        if self.future.is_none() && t.duration_since(limits.now).as_secs() > limits.future_secs {
            self.future = Some(format!("audit seq {seq}: {}", ts()));
        }
        if let Some(m) = self.max
            && self.backwards.is_none()
            && m.duration_since(t).as_secs() > limits.backwards_secs
        {
            self.backwards = Some(format!(
                "audit seq {seq}: {} comes after {}",
                ts(),
                crate::timespec::format_ts(m)
            ));
        }
        self.max = self.max.max(Some(t));
    }
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

    /// Checks one complete (newline-terminated) line against the chain so
    /// far: a record on its own, in sequence, linked to the one before it,
    /// agreeing with the anchors; then it counts as verified.
    fn line(&mut self, bytes: &[u8], info: LineInfo, loc: Loc<'_>) {
        let rec = match info {
            LineInfo::Bad {
                kind,
                detail,
                found_seq,
            } => return self.not_a_record(kind, &detail, found_seq, loc),
            LineInfo::Good(rec) => rec,
        };
        if self.out_of_sequence(&rec, loc)
            || self.unlinked(&rec, loc)
            || self.contradicts_record_anchor(&rec, loc)
        {
            return;
        }
        self.accept(bytes, rec, loc);
    }

    /// A line that is not a record, or not the record it was written as.
    fn not_a_record(
        &mut self,
        kind: ChainErrorKind,
        detail: &str,
        found_seq: Option<u64>,
        loc: Loc<'_>,
    ) {
        let expected = self.next_seq;
        let at = loc.at();
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
    }

    /// A seq that jumps forward (records missing) or goes back (a record
    /// repeated or moved): fails and returns true.
    fn out_of_sequence(&mut self, rec: &GoodLine, loc: Loc<'_>) -> bool {
        let (seq, expected) = (rec.seq, self.next_seq);
        if seq > expected {
            let at = loc.at();
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
            return true;
        }
        if seq < expected {
            let at = loc.at();
            let what = if seq + 1 == expected && rec.hash == self.prev_hash {
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
            return true;
        }
        false
    }

    /// A `prev_hash` that is not the hash of the record before: fails and
    /// returns true.
    fn unlinked(&mut self, rec: &GoodLine, loc: Loc<'_>) -> bool {
        if rec.prev == self.prev_hash {
            return false;
        }
        let (seq, expected) = (rec.seq, self.next_seq);
        let at = loc.at();
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
                hex(&rec.prev)
            ),
            format!(
                "a record was replaced, or this one was forged: {PRESERVE}; compare with logs/audit/ in the \
                 newest backup (`talos backup list`) and open a security incident"
            ),
        );
        true
    }

    /// Checks the record anchors at this seq, before the record counts as
    /// verified: one that disagrees fails and returns true.
    fn contradicts_record_anchor(&mut self, rec: &GoodLine, loc: Loc<'_>) -> bool {
        let (seq, hash) = (rec.seq, rec.hash);
        while let Some(&(aseq, ahash, source)) = self.rec_anchors.get(self.rec_pos) {
            if aseq != seq {
                break;
            }
            let source = source.describe(aseq);
            self.rec_pos += 1;
            self.anchors_checked += 1;
            if ahash != hash {
                let at = loc.at();
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
                return true;
            }
        }
        false
    }

    /// A record that passed every check: it extends the verified chain (and
    /// the tree, the proofs and the clock checks).
    fn accept(&mut self, bytes: &[u8], rec: GoodLine, loc: Loc<'_>) {
        let seq = rec.seq;
        self.records += 1;
        self.next_seq += 1;
        self.prev_hash = rec.hash;
        if rec.operator {
            self.operator_actions += 1;
        }
        if let Some(leaf) = rec.leaf {
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
        if let (Some(limits), Some(found), Some(t)) = (self.opts.clock, &mut self.clock, rec.time) {
            found.record(limits, seq, t);
        }
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

    /// The unterminated tail of a file: `bytes` (its start when it is over
    /// [`MAX_LINE`]) of `len`.
    fn tail(&mut self, bytes: &[u8], len: u64, loc: Loc<'_>, last_file: bool) {
        let expected = self.next_seq;
        let file = loc.file.display().to_string();
        let complete = len == bytes.len() as u64
            && match analyze(bytes, Want::default()) {
                LineInfo::Good(r) => r.seq == expected && r.prev == self.prev_hash,
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
                        loc.line, len
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
    let lock = crate::fsutil::open_regular(audit_dir.join(".lock"))
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

/// What the reader thread hands the checker for each file, in file order.
/// Every file ends with a `Lines` that is `eof`, an `Overlong` or a `Failed`.
enum Chunk {
    /// `read` more bytes of the file: `buf[..complete]` are whole lines
    /// starting at byte `offset` of the file. At `eof`, `buf[complete..]` is
    /// the file's unterminated end (mostly empty).
    Lines {
        buf: Vec<u8>,
        complete: usize,
        offset: u64,
        read: u64,
        eof: bool,
    },
    /// A line longer than [`MAX_LINE`] at `offset`: its first bytes, its
    /// length and whether a newline ends it. Nothing after it is read.
    Overlong {
        head: Vec<u8>,
        offset: u64,
        len: u64,
        terminated: bool,
        read: u64,
    },
    Failed(Error),
}

/// Reads the files in order, block by block (the snapshot's length of each),
/// and hands them on whole lines at a time. Stops when the checker stops
/// listening. Buffers come back through `spare` to be reused.
fn read_files(
    files: &[(u64, PathBuf, u64)],
    block: usize,
    tx: SyncSender<Chunk>,
    spare: Receiver<Vec<u8>>,
) {
    for (_, path, len) in files {
        match read_file(path, *len, block, &tx, &spare) {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                let _ = tx.send(Chunk::Failed(e));
                return;
            }
        }
    }
}

/// One file for [`read_files`]; `Ok(false)` when reading must stop (the
/// checker is gone, or an over-long line ended what can be checked).
fn read_file(
    path: &Path,
    len: u64,
    block: usize,
    tx: &SyncSender<Chunk>,
    spare: &Receiver<Vec<u8>>,
) -> Result<bool> {
    // Only the bytes that were there at the snapshot: a record being
    // appended meanwhile is not a torn line.
    let mut file = crate::fsutil::open_regular(path)
        .with_context(|| format!("cannot open {}", path.display()))?
        .take(len);
    let mut fill = |buf: &mut Vec<u8>| -> Result<usize> {
        Read::by_ref(&mut file)
            .take(block as u64)
            .read_to_end(buf)
            .with_context(|| format!("cannot read {}", path.display()))
    };
    let fresh = || {
        let mut b: Vec<u8> = spare.try_recv().unwrap_or_default();
        b.clear();
        b
    };
    let mut buf = fresh();
    let mut offset = 0u64;
    let mut read = 0u64;
    loop {
        let carry = buf.len();
        buf.reserve(block);
        let n = fill(&mut buf)?;
        read += n as u64;
        let eof = n < block;
        let complete = match memchr::memrchr(b'\n', &buf[carry..]) {
            Some(i) => carry + i + 1,
            None if buf.len() > MAX_LINE => {
                // One line and no end in sight: keep its start, skip the
                // rest up to its newline, hold none of it.
                let head = buf[..buf.len().min(256)].to_vec();
                let mut line = buf.len() as u64;
                let mut terminated = false;
                let mut at_eof = eof;
                while !at_eof {
                    buf.clear();
                    let n = fill(&mut buf)?;
                    read += n as u64;
                    at_eof = n < block;
                    if let Some(i) = memchr::memchr(b'\n', &buf) {
                        line += i as u64;
                        terminated = true;
                        break;
                    }
                    line += n as u64;
                }
                let chunk = Chunk::Overlong {
                    head,
                    offset,
                    len: line,
                    terminated,
                    read,
                };
                let _ = tx.send(chunk);
                return Ok(false);
            }
            // No newline at all: at the end, the whole rest is the
            // unterminated tail; else one line longer than a block.
            None if eof => 0,
            None => continue,
        };
        let rest = if eof {
            Vec::new()
        } else {
            let mut next = fresh();
            next.extend_from_slice(&buf[complete..]);
            next
        };
        let chunk = Chunk::Lines {
            buf,
            complete,
            offset,
            read,
            eof,
        };
        if tx.send(chunk).is_err() {
            return Ok(false);
        }
        if eof {
            return Ok(true);
        }
        offset += complete as u64;
        read = 0;
        buf = rest;
    }
}

/// The lines of `lines` (whole lines, each ending in a newline) as
/// (start, end, what it says), checked in parallel in pieces of about
/// [`PIECE`] bytes; the pieces come back in order.
fn analyze_block(lines: &[u8], want: Want) -> Vec<Vec<(usize, usize, LineInfo)>> {
    let mut cuts = vec![0];
    let mut at = PIECE;
    while at < lines.len() {
        let Some(i) = memchr::memchr(b'\n', &lines[at..]) else {
            break;
        };
        let cut = at + i + 1;
        if cut < lines.len() {
            cuts.push(cut);
        }
        at = cut + PIECE;
    }
    cuts.push(lines.len());
    cuts.par_windows(2)
        .map(|w| {
            let mut out = Vec::with_capacity((w[1] - w[0]) / 200 + 1);
            let mut start = w[0];
            for nl in memchr::memchr_iter(b'\n', &lines[w[0]..w[1]]) {
                let end = w[0] + nl;
                out.push((start, end, analyze(&lines[start..end], want)));
                start = end + 1;
            }
            out
        })
        .collect()
}

/// What checking the files leaves besides the checker's state.
struct Checked {
    warnings: Vec<String>,
    bytes_total: u64,
    /// Where the line after the last one read would be.
    end_loc: Option<(PathBuf, u64)>,
}

/// Bytes read so far, told to the progress callback.
struct Tally<'a> {
    bytes_total: u64,
    bytes_to_read: u64,
    progress: Option<&'a Progress>,
}

impl Tally<'_> {
    fn add(&mut self, read: u64) {
        self.bytes_total += read;
        if let Some(p) = self.progress {
            p(self.bytes_total, self.bytes_to_read);
        }
    }
}

/// Runs the chain checks over what the reader hands on, file by file, from
/// `files[start]` on (the files before it were verified already and
/// `bytes_done` bytes read).
fn check_files(
    c: &mut Checker<'_>,
    files: &[(u64, PathBuf, u64)],
    start: usize,
    bytes_done: u64,
    audit_dir: &Path,
    rx: Receiver<Chunk>,
    spare: Sender<Vec<u8>>,
) -> Result<Checked> {
    let mut warnings = Vec::new();
    let mut end_loc: Option<(PathBuf, u64)> = None;
    let mut tally = Tally {
        bytes_total: bytes_done,
        bytes_to_read: files.iter().map(|f| f.2).sum(),
        progress: c.opts.progress.as_ref(),
    };
    for (index, (number, path, _)) in files.iter().enumerate().skip(start) {
        if c.done || c.missing_file(index, *number, path, audit_dir) {
            break;
        }
        let last_file = index + 1 == files.len();
        let Some(lines) = c.check_file(path, last_file, &rx, &spare, &mut tally)? else {
            break;
        };
        if lines == 0 && !c.empty_file(path, last_file, &mut warnings) {
            break;
        }
        end_loc = Some((path.clone(), lines + 1));
    }
    Ok(Checked {
        warnings,
        bytes_total: tally.bytes_total,
        end_loc,
    })
}

impl Checker<'_> {
    /// The file at `index` must be number `index + 1`: a number skipped is a
    /// file removed or renamed. Fails and returns true.
    fn missing_file(&mut self, index: usize, number: u64, path: &Path, audit_dir: &Path) -> bool {
        let expected_number = index as u64 + 1;
        if number == expected_number {
            return false;
        }
        let missing = if number == expected_number + 1 {
            audit_file_name(expected_number)
        } else {
            format!(
                "{} to {}",
                audit_file_name(expected_number),
                audit_file_name(number - 1)
            )
        };
        let after = if expected_number == 1 {
            format!("the first audit file is {}", audit_file_name(number))
        } else {
            format!(
                "{} follows {}",
                audit_file_name(number),
                audit_file_name(expected_number - 1)
            )
        };
        let seq = self.next_seq;
        self.fail(
            ChainErrorKind::MissingFile,
            Some(Loc::start_of(path)),
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
        true
    }

    /// Checks one file's lines as the reader hands them on: `Some(lines)`
    /// when it ended cleanly, `None` when checking stopped in it.
    fn check_file(
        &mut self,
        path: &Path,
        last_file: bool,
        rx: &Receiver<Chunk>,
        spare: &Sender<Vec<u8>>,
        tally: &mut Tally<'_>,
    ) -> Result<Option<u64>> {
        let mut line_no = 0u64;
        loop {
            let chunk = rx.recv().map_err(|_| {
                Error::failed(format!("reading {} stopped before its end", path.display()))
            })?;
            match chunk {
                Chunk::Failed(e) => return Err(e),
                Chunk::Lines {
                    buf,
                    complete,
                    offset,
                    read,
                    eof,
                } => {
                    tally.add(read);
                    if !self.check_block(&buf[..complete], offset, path, &mut line_no) {
                        return Ok(None);
                    }
                    if !eof {
                        let _ = spare.send(buf);
                        continue;
                    }
                    let tail = &buf[complete..];
                    if tail.is_empty() {
                        return Ok(Some(line_no));
                    }
                    line_no += 1;
                    let loc = Loc {
                        file: path,
                        line: line_no,
                        offset: offset + complete as u64,
                    };
                    self.tail(tail, tail.len() as u64, loc, last_file);
                    return Ok(None);
                }
                Chunk::Overlong {
                    head,
                    offset,
                    len,
                    terminated,
                    read,
                } => {
                    tally.add(read);
                    line_no += 1;
                    let loc = Loc {
                        file: path,
                        line: line_no,
                        offset,
                    };
                    if terminated {
                        self.line(&[], overlong(&head, len), loc);
                    } else {
                        self.tail(&head, len, loc, last_file);
                    }
                    return Ok(None);
                }
            }
        }
    }

    /// Checks whole lines starting at byte `offset` of `path` (each line
    /// analysed in parallel, then checked in order); false when checking
    /// stopped.
    fn check_block(&mut self, lines: &[u8], offset: u64, path: &Path, line_no: &mut u64) -> bool {
        let want = Want {
            leaf: self.want_leaf,
            time: self.clock.is_some(),
        };
        for piece in analyze_block(lines, want) {
            for (s, e, info) in piece {
                *line_no += 1;
                let loc = Loc {
                    file: path,
                    line: *line_no,
                    offset: offset + s as u64,
                };
                self.line(&lines[s..e], info, loc);
                if self.done {
                    return false;
                }
            }
        }
        true
    }

    /// A file without a line: a note when it is the last (an append was
    /// interrupted right after creating it), damage otherwise (fails and
    /// returns false).
    fn empty_file(&mut self, path: &Path, last_file: bool, warnings: &mut Vec<String>) -> bool {
        if last_file {
            warnings.push(format!(
                "{} is empty (an append was interrupted right after creating it, or it was emptied)",
                path.display()
            ));
            return true;
        }
        let seq = self.next_seq;
        self.fail(
            ChainErrorKind::TruncatedFile,
            Some(Loc::start_of(path)),
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
        false
    }
}

/// Verifies the chain, with labelled anchors and options. `Err` only when a
/// file cannot be read; damage is reported in `ChainReport::first_error`.
pub fn verify_chain_with(
    audit_dir: &Path,
    anchors: &Anchors,
    opts: &VerifyOptions,
) -> Result<ChainReport> {
    verify_files(audit_dir, anchors, opts, true)
}

/// [`verify_chain_with`]; `by_file` lets files be verified side by side
/// when the options allow it (tests compare both ways).
fn verify_files(
    audit_dir: &Path,
    anchors: &Anchors,
    opts: &VerifyOptions,
    by_file: bool,
) -> Result<ChainReport> {
    let files = snapshot(audit_dir)?;
    let (rec_anchors, tree_anchors) = sorted_anchors(anchors);
    let mut c = Checker::new(opts, rec_anchors, tree_anchors);
    c.check_tree_anchors(None);
    let checked = if by_file && c.files_stand_alone() {
        by_file::verify(&mut c, &files, audit_dir)?
    } else {
        read_and_check(&mut c, &files, 0, 0, audit_dir)?
    };
    let unchecked = c.anchors_beyond_end(&checked.end_loc);
    Ok(c.into_report(audit_dir, files.len(), checked, unchecked))
}

/// Where a record anchor came from. A database's rows share its name,
/// worded with the row's seq only when a finding needs it.
#[derive(Debug, Clone, Copy)]
enum Source<'a> {
    Named(&'a str),
    DatabaseRow(&'a DatabaseAnchors),
}

impl<'a> Source<'a> {
    fn describe(self, seq: u64) -> Cow<'a, str> {
        match self {
            Source::Named(s) => Cow::Borrowed(s),
            Source::DatabaseRow(d) => Cow::Owned(d.source(seq)),
        }
    }
}

/// `(seq, hash, source)`: record `seq` must have `hash`.
type RecordAnchor<'a> = (u64, Hash, Source<'a>);

/// Record anchors and tree anchors `(size, root, source)`, each sorted (an
/// anchor whose hash is not 64 hex digits was refused when parsed and is
/// skipped).
#[allow(clippy::type_complexity)]
fn sorted_anchors(anchors: &Anchors) -> (Vec<RecordAnchor<'_>>, Vec<(u64, Hash, &str)>) {
    let mut rec_anchors = Vec::with_capacity(anchors.len());
    let mut tree_anchors = Vec::new();
    for a in &anchors.named {
        match &a.anchor {
            Anchor::Record { seq, hash } => {
                if let Some(h) = merkle::parse_hash(hash) {
                    rec_anchors.push((*seq, h, Source::Named(a.source.as_str())));
                }
            }
            Anchor::TreeHead { size, root } => {
                if let Some(h) = merkle::parse_hash(root) {
                    tree_anchors.push((*size, h, a.source.as_str()));
                }
            }
        }
    }
    if let Some(d) = &anchors.database {
        rec_anchors.extend(
            d.rows
                .iter()
                .map(|&(seq, h)| (seq, h, Source::DatabaseRow(d))),
        );
    }
    // Stable, and linear on the database's rows (already in order).
    rec_anchors.sort_by_key(|a| a.0);
    tree_anchors.sort_by_key(|a| a.0);
    (rec_anchors, tree_anchors)
}

/// Reads the files from `files[start]` on, on one thread, while this one
/// checks them (`bytes_done` were read before): the reader stops when
/// checking does (`rx` dropped).
fn read_and_check(
    c: &mut Checker<'_>,
    files: &[(u64, PathBuf, u64)],
    start: usize,
    bytes_done: u64,
    audit_dir: &Path,
) -> Result<Checked> {
    let block = c.opts.block_size.unwrap_or(BLOCK).max(1);
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let (spare_tx, spare_rx) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        let reader = s.spawn(|| read_files(&files[start..], block, tx, spare_rx));
        let checked = check_files(c, files, start, bytes_done, audit_dir, rx, spare_tx);
        let _ = reader.join();
        checked
    })
}

impl<'a> Checker<'a> {
    fn new(
        opts: &'a VerifyOptions,
        rec_anchors: Vec<RecordAnchor<'a>>,
        tree_anchors: Vec<(u64, Hash, &'a str)>,
    ) -> Checker<'a> {
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
        Checker {
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
            clock: opts.clock.map(|_| ClockFindings::default()),
        }
    }

    /// After the last record: an anchor past the end means records were cut
    /// off (the first such anchor is the error). Returns the anchors left
    /// unchecked.
    fn anchors_beyond_end(&mut self, end_loc: &Option<(PathBuf, u64)>) -> usize {
        let stopped_by_limit = self.opts.limit.is_some_and(|l| self.records >= l);
        let mut unchecked =
            (self.rec_anchors.len() - self.rec_pos) + (self.tree_anchors.len() - self.tree_pos);
        if self.error.is_some() || stopped_by_limit || unchecked == 0 {
            return unchecked;
        }
        let last = self.records;
        let beyond = match (
            self.rec_anchors.get(self.rec_pos),
            self.tree_anchors.get(self.tree_pos),
        ) {
            (Some(&(seq, hash, source)), _) => Some((
                seq,
                format!("record {seq} with hash {}", hex(&hash)),
                source.describe(seq),
            )),
            (None, Some(&(size, root, source))) => Some((
                size,
                format!("a tree of {size} records with root {}", hex(&root)),
                Cow::Borrowed(source),
            )),
            (None, None) => None,
        };
        if let Some((seq, what, source)) = beyond {
            let (file, line) = match end_loc {
                Some((f, l)) => (Some(f.as_path()), *l),
                None => (None, 1),
            };
            let loc = file.map(|f| Loc {
                file: f,
                line,
                offset: 0,
            });
            self.fail(
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
            if let Some(e) = &mut self.error {
                e.offset = None;
            }
            unchecked -= 1;
            self.anchors_checked += 1;
        }
        unchecked
    }

    /// The report: tree head, proofs (only for a chain that verified) and
    /// the first error, with its fix naming the audit directory.
    fn into_report(
        mut self,
        audit_dir: &Path,
        files: usize,
        checked: Checked,
        unchecked: usize,
    ) -> ChainReport {
        let tree_root = if self.opts.tree_root {
            self.tree.as_ref().map(|t| TreeHead {
                size: t.size(),
                root: hex(&t.root()),
            })
        } else {
            None
        };
        let proof = if self.error.is_none() {
            self.proof
                .take()
                .and_then(ProofBuilder::finish)
                .map(|mut p| {
                    p.record = self.proof_record.take();
                    p
                })
        } else {
            None
        };
        let consistency = if self.error.is_none() {
            self.consistency.take().and_then(ConsistencyBuilder::finish)
        } else {
            None
        };
        if let Some(e) = &mut self.error {
            e.fix = e.fix.replace("AUDIT_DIR", &audit_dir.display().to_string());
        }
        ChainReport {
            ok: self.error.is_none(),
            audit_dir: audit_dir.to_path_buf(),
            records: self.records,
            files,
            bytes: checked.bytes_total,
            head: self.head.map(|seq| Head {
                seq,
                hash: hex(&self.prev_hash),
            }),
            operator_actions: self.operator_actions,
            first_error: self.error,
            anchors_checked: self.anchors_checked,
            anchors_unchecked: unchecked,
            tree_root,
            proof,
            consistency,
            warnings: checked.warnings,
            clock: self.clock,
        }
    }
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

    /// What serde_json makes of a line's fields (the reference).
    fn serde_fields(line: &[u8]) -> Option<(u64, bool, Option<Hash>)> {
        let r: RawRecord = serde_json::from_slice(line).ok()?;
        Some((
            r.seq,
            r.actor.starts_with("operator:"),
            lower_hex(r.prev_hash.as_bytes()),
        ))
    }

    #[test]
    fn the_fast_reader_accepts_only_what_serde_accepts_with_the_same_values() {
        let h = "ab".repeat(32);
        let tail = format!(",\"hash\":\"{h}\"}}");
        let bodies = [
            format!(
                r#"{{"seq":1,"timestamp":"t","actor":"operator:x","action":"a","details":{{}},"prev_hash":"{h}""#
            ),
            format!(
                r#"{{"seq":0,"timestamp":"","actor":"","action":"","details":null,"prev_hash":"{h}""#
            ),
            r#"{"seq":12,"timestamp":"t","actor":"u","action":"a","details":{"a":[1,-2.5e+3,0.1,true,false,null,"x",{},[]],"":""},"prev_hash":"x""#.to_string(),
            format!(
                r#"{{"seq":01,"timestamp":"t","actor":"u","action":"a","details":{{}},"prev_hash":"{h}""#
            ),
            format!(
                r#"{{"seq":1.0,"timestamp":"t","actor":"u","action":"a","details":{{}},"prev_hash":"{h}""#
            ),
            format!(
                r#"{{"seq":-1,"timestamp":"t","actor":"u","action":"a","details":{{}},"prev_hash":"{h}""#
            ),
            format!(
                r#"{{"seq":99999999999999999999,"timestamp":"t","actor":"u","action":"a","details":{{}},"prev_hash":"{h}""#
            ),
            format!(
                r#"{{"seq":1,"timestamp":"t","actor":"u","action":"a","details":{{"a":01}},"prev_hash":"{h}""#
            ),
            format!(
                r#"{{"seq":1,"timestamp":"t","actor":"u","action":"a","details":{{"a":1.}},"prev_hash":"{h}""#
            ),
            format!(
                r#"{{"seq":1,"timestamp":"t","actor":"u","action":"a","details":{{"a":1e}},"prev_hash":"{h}""#
            ),
            format!(
                r#"{{"seq":1,"timestamp":"t","actor":"u","action":"a","details":{{"a":[1,]}},"prev_hash":"{h}""#
            ),
            format!(
                r#"{{"seq":1,"timestamp":"t","actor":"u","action":"a","details":{{"a",1}},"prev_hash":"{h}""#
            ),
            format!(
                r#"{{"seq":1,"timestamp":"t","actor":"u","action":"a","details":tru,"prev_hash":"{h}""#
            ),
            format!(
                r#"{{"seq":1,"timestamp":"t","actor":"u","action":"a","details":{{}},"prev_hash":"{h}","x":1"#
            ),
            format!(
                r#"{{"seq":1,"timestamp":"t","actor":"u","action":"a","details":{{}},"prev_hash":"{}""#,
                "AB".repeat(32)
            ),
            format!(
                r#"{{"seq":1,"timestamp":"t\"","actor":"u","action":"a","details":{{}},"prev_hash":"{h}""#
            ),
            format!(
                r#"{{"seq":1,"actor":"u","timestamp":"t","action":"a","details":{{}},"prev_hash":"{h}""#
            ),
            format!(
                r#"{{"seq":1,"timestamp":"t","actor":"u","action":"a","details":{},"prev_hash":"{h}""#,
                "[".repeat(70) + &"]".repeat(70)
            ),
            format!(
                r#"{{"seq":1,"timestamp":"t","actor":"u","action":"a","details":{},"prev_hash":"{h}""#,
                "[".repeat(200) + &"]".repeat(200)
            ),
        ];
        let mut fast_count = 0;
        for body in &bodies {
            let line = format!("{body}{tail}");
            let fast = fast_fields(body.as_bytes(), false).map(|f| (f.seq, f.operator, f.prev));
            let slow = serde_fields(line.as_bytes());
            if let Some(f) = fast {
                fast_count += 1;
                assert_eq!(Some(f), slow, "{line}");
            }
        }
        assert_eq!(fast_count, 4);
    }

    #[test]
    fn quote_or_backslash_finds_the_first_of_either() {
        let naive = |s: &[u8]| s.iter().position(|&b| b == b'"' || b == b'\\');
        let mut texts: Vec<Vec<u8>> = vec![b"".to_vec(), b"\"".to_vec(), b"\\".to_vec()];
        for len in 0..40 {
            for at in 0..len {
                for c in [b'"', b'\\', 0x80, 0xff, 0x21, 0x5b, 0x5d] {
                    let mut t: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                    t[at] = c;
                    if at + 3 < len {
                        t[at + 3] = b'"';
                    }
                    texts.push(t);
                }
            }
        }
        for t in &texts {
            assert_eq!(
                quote_or_backslash(t),
                naive(t),
                "{:?}",
                String::from_utf8_lossy(t)
            );
        }
    }

    #[test]
    fn lower_hex_decodes_lowercase_only() {
        let h = "0123456789abcdef".repeat(4);
        let d = lower_hex(h.as_bytes()).unwrap();
        assert_eq!(hex(&d), h);
        assert!(lower_hex("0123456789ABCDEF".repeat(4).as_bytes()).is_none());
        assert!(lower_hex("g".repeat(64).as_bytes()).is_none());
        assert!(lower_hex(b"00").is_none());
    }

    #[test]
    fn a_last_line_over_1_mib_is_refused_as_the_head_not_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        chain(dir.path(), 2, &serde_json::json!({}));
        let path = dir.path().join(audit_file_name(1));
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend(std::iter::repeat_n(b'x', 3 * MAX_LINE));
        std::fs::write(&path, &bytes).unwrap();
        let e = crate::audit::head(dir.path()).unwrap_err();
        assert!(e.message.contains("longer than 1 MiB"), "{}", e.message);
        bytes.push(b'\n');
        std::fs::write(&path, &bytes).unwrap();
        let e = crate::audit::head(dir.path()).unwrap_err();
        assert!(e.message.contains("longer than 1 MiB"), "{}", e.message);
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
        let r = verify_chain_with(dir.path(), &Anchors::default(), &opts).unwrap();
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

    /// `n` records over files of `per_file` records; their hashes.
    fn chain_in_files(dir: &Path, n: u64, per_file: u64) -> Vec<String> {
        let mut prev = crate::audit::GENESIS_HASH.to_string();
        let mut hashes = Vec::new();
        let mut files: Vec<String> = Vec::new();
        for seq in 1..=n {
            let actor = if seq % 3 == 0 {
                "operator:root"
            } else {
                "orchestrator"
            };
            let details = serde_json::json!({"n": seq, "x": [1, "two", null]});
            let line = Record::encode(seq, "2024-01-15T08:30:00.000Z", actor, "a", &details, &prev)
                .unwrap();
            prev = Record::parse(line.as_bytes()).unwrap().hash;
            hashes.push(prev.clone());
            if (seq - 1) % per_file == 0 {
                files.push(String::new());
            }
            let f = files.last_mut().unwrap();
            f.push_str(&line);
            f.push('\n');
        }
        for (i, text) in files.iter().enumerate() {
            std::fs::write(dir.join(audit_file_name(i as u64 + 1)), text).unwrap();
        }
        hashes
    }

    /// Cuts the last `bytes` bytes off audit file `n`.
    fn cut_short(dir: &Path, n: u64, bytes: u64) {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(dir.join(audit_file_name(n)))
            .unwrap();
        let len = file.metadata().unwrap().len();
        file.set_len(len - bytes).unwrap();
    }

    /// Edits the lines of audit file `n`.
    fn edit(dir: &Path, n: u64, f: impl FnOnce(&mut Vec<String>)) {
        let path = dir.join(audit_file_name(n));
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        f(&mut lines);
        let mut out = lines.join("\n");
        if !lines.is_empty() {
            out.push('\n');
        }
        std::fs::write(path, out).unwrap();
    }

    /// The report as JSON; `database` moves the record anchors into a
    /// database's rows (the other source of anchors).
    fn report_of(
        dir: &Path,
        anchors: &[AnchorFrom],
        block: Option<usize>,
        by_file: bool,
        database: bool,
    ) -> String {
        let opts = VerifyOptions {
            block_size: block,
            ..VerifyOptions::default()
        };
        let mut set = Anchors::named(anchors.to_vec());
        if database {
            let mut rows = Vec::new();
            set.named.retain(|a| match &a.anchor {
                Anchor::Record { seq, hash } => {
                    rows.push((*seq, merkle::parse_hash(hash).unwrap()));
                    false
                }
                Anchor::TreeHead { .. } => true,
            });
            rows.sort_by_key(|r| r.0);
            set.database = Some(DatabaseAnchors {
                path: "talos.db".into(),
                rows,
            });
        }
        let r = verify_files(dir, &set, &opts, by_file).unwrap();
        serde_json::to_string_pretty(&r).unwrap()
    }

    #[test]
    fn files_verified_side_by_side_report_what_the_ordered_pass_reports() {
        type Damage = fn(&Path, &[String]) -> Vec<AnchorFrom>;
        fn anchor(seq: u64, hash: &str) -> Vec<AnchorFrom> {
            vec![AnchorFrom {
                anchor: Anchor::Record {
                    seq,
                    hash: hash.to_string(),
                },
                source: format!("anchor {seq}"),
            }]
        }
        let cases: Vec<(&str, Damage)> = vec![
            ("intact", |_, _| vec![]),
            ("anchors that agree", |_, h| {
                [
                    anchor(1, &h[0]),
                    anchor(7, &h[6]),
                    anchor(7, &h[6]),
                    anchor(25, &h[24]),
                ]
                .concat()
            }),
            ("an anchor that disagrees", |_, h| {
                [anchor(4, &h[3]), anchor(12, &h[3])].concat()
            }),
            ("an anchor beyond the end", |_, _| {
                anchor(40, &"ab".repeat(32))
            }),
            ("a line deleted inside a file", |d, _| {
                edit(d, 2, |l| {
                    l.remove(3);
                });
                vec![]
            }),
            ("a file's first line deleted", |d, _| {
                edit(d, 3, |l| {
                    l.remove(0);
                });
                vec![]
            }),
            ("the chain's first line deleted", |d, _| {
                edit(d, 1, |l| {
                    l.remove(0);
                });
                vec![]
            }),
            ("two lines swapped", |d, _| {
                edit(d, 2, |l| l.swap(1, 2));
                vec![]
            }),
            (
                "a file's last line repeated at the next file's start",
                |d, _| {
                    let last = std::fs::read_to_string(d.join(audit_file_name(1)))
                        .unwrap()
                        .lines()
                        .last()
                        .unwrap()
                        .to_string();
                    edit(d, 2, |l| l.insert(0, last));
                    vec![]
                },
            ),
            ("a byte changed", |d, _| {
                edit(d, 3, |l| l[2] = l[2].replace("\"a\"", "\"b\""));
                vec![]
            }),
            ("a line that is not JSON", |d, _| {
                edit(d, 1, |l| l[4] = "not json".into());
                vec![]
            }),
            ("a line over 1 MiB", |d, _| {
                edit(d, 2, |l| l[2] = "x".repeat(MAX_LINE + 10));
                vec![]
            }),
            ("a file cut short", |d, _| {
                cut_short(d, 2, 30);
                vec![]
            }),
            ("a torn last line", |d, _| {
                cut_short(d, 4, 30);
                vec![]
            }),
            ("the last newline missing", |d, _| {
                cut_short(d, 4, 1);
                vec![]
            }),
            ("an empty file in the middle", |d, _| {
                std::fs::write(d.join(audit_file_name(2)), "").unwrap();
                vec![]
            }),
            ("an empty last file", |d, _| {
                std::fs::write(d.join(audit_file_name(5)), "").unwrap();
                vec![]
            }),
            ("a file missing", |d, _| {
                std::fs::remove_file(d.join(audit_file_name(3))).unwrap();
                vec![]
            }),
            ("the first file missing", |d, _| {
                std::fs::remove_file(d.join(audit_file_name(1))).unwrap();
                vec![]
            }),
        ];
        for (what, damage) in cases {
            for block in [None, Some(1), Some(150), Some(4096)] {
                let dir = tempfile::tempdir().unwrap();
                let hashes = chain_in_files(dir.path(), 30, 8);
                let anchors = damage(dir.path(), &hashes);
                for database in [false, true] {
                    let ordered = report_of(dir.path(), &anchors, block, false, database);
                    let side_by_side = report_of(dir.path(), &anchors, block, true, database);
                    assert_eq!(side_by_side, ordered, "{what}, block {block:?}");
                    if what == "intact" {
                        assert!(ordered.contains("\"records\": 30"), "{ordered}");
                    }
                    if database && ordered.contains("\"anchor_mismatch\"") {
                        assert!(ordered.contains("database audit_log row"), "{ordered}");
                    }
                }
            }
        }
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
        let r = verify_chain_with(dir.path(), &Anchors::named(anchors.to_vec()), &opts).unwrap();
        assert!(r.ok, "{:?}", r.first_error);
        assert_eq!(r.records, 5);
        assert_eq!(r.anchors_checked, 1);
        assert_eq!(r.anchors_unchecked, 1);
        assert_eq!(r.tree_root.unwrap().size, 5);
    }
}
