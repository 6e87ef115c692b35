//! The audit files verified side by side, one thread per core: each file
//! (cut into pieces of a few blocks, so the cores finish together) is
//! checked on its own, as if the chain began at its first record, reading,
//! hashing and parsing each line in one pass on the thread that reads it (no
//! hand-off between threads, no per-line result kept). A file that is
//! perfect on its own gives a [`Summary`] (its first and last record); the
//! links between files are then checked from the summaries, in file order.
//!
//! At the first file that is not perfect on its own, or does not follow the
//! file before it, the ordered pass (`read_and_check`) takes over from that
//! file with the chain state the summaries built: every finding is the one
//! reading the whole chain in order makes, worded the same, and damage is
//! never judged here.

use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::{
    Checked, Checker, Hash, LineInfo, MAX_LINE, RecordAnchor, Want, analyze, read_and_check,
};
use crate::error::Result;

/// Bytes read at a time by each thread: small enough that a block is still
/// in the core's cache when its lines are hashed and parsed.
const FILE_BLOCK: usize = 256 * 1024;

/// A file whose lines are all records, in sequence and linked, agreeing
/// with every record anchor in its seq range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Summary {
    lines: u64,
    first_seq: u64,
    /// The first record's `prev_hash`: the hash the file before must end with.
    first_prev: Hash,
    last_seq: u64,
    last_hash: Hash,
    operator_actions: u64,
}

impl Checker<'_> {
    /// Whether this run's checks can be made file by file: not with a tree,
    /// proofs, clock checks or a limit, which need every record in order.
    pub(super) fn files_stand_alone(&self) -> bool {
        !self.want_leaf && self.clock.is_none() && self.opts.limit.is_none() && !self.done
    }

    /// A summarised file that follows the chain so far: its records count as
    /// verified, and so do the record anchors in its seq range (the summary
    /// checked them).
    fn extend_with(&mut self, s: &Summary) {
        while let Some(&(seq, _, _)) = self.rec_anchors.get(self.rec_pos) {
            if seq < s.first_seq || seq > s.last_seq {
                break;
            }
            self.rec_pos += 1;
            self.anchors_checked += 1;
        }
        self.records += s.lines;
        self.next_seq = s.last_seq + 1;
        self.prev_hash = s.last_hash;
        self.operator_actions += s.operator_actions;
        self.head = Some(s.last_seq);
    }
}

/// Verifies `files` side by side, then links them in order; hands over to
/// the ordered pass at the first file that does not fit.
pub(super) fn verify(
    c: &mut Checker<'_>,
    files: &[(u64, PathBuf, u64)],
    audit_dir: &Path,
) -> Result<Checked> {
    let block = c.opts.block_size.unwrap_or(FILE_BLOCK).max(1);
    let summaries = summarize_all(c, files, block);
    let mut bytes_done = 0;
    let mut end_loc = None;
    for (index, ((number, path, len), summary)) in files.iter().zip(&summaries).enumerate() {
        let follows = |s: &&Summary| {
            *number == index as u64 + 1 && s.first_seq == c.next_seq && s.first_prev == c.prev_hash
        };
        let Some(s) = summary.as_ref().filter(follows) else {
            return read_and_check(c, files, index, bytes_done, audit_dir);
        };
        c.extend_with(s);
        bytes_done += len;
        end_loc = Some((path.clone(), s.lines + 1));
    }
    Ok(Checked {
        warnings: Vec::new(),
        bytes_total: bytes_done,
        end_loc,
    })
}

/// One summary per file (`None`: not perfect on its own, or not read
/// because a file before it is not). Files are cut into pieces of a few
/// blocks so that the cores finish together whatever the files' sizes (one
/// big file is verified on every core); threads take the next piece as they
/// finish one, and a file's pieces are joined in order.
fn summarize_all(
    c: &Checker<'_>,
    files: &[(u64, PathBuf, u64)],
    block: usize,
) -> Vec<Option<Summary>> {
    let piece = (block as u64).saturating_mul(PIECE_BLOCKS);
    let pieces: Vec<(usize, Range<u64>)> = files
        .iter()
        .enumerate()
        .flat_map(|(index, &(_, _, len))| {
            let starts = (0..len.max(1)).step_by(usize::try_from(piece).unwrap_or(usize::MAX));
            starts.map(move |start| (index, start..len.min(start.saturating_add(piece))))
        })
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(pieces.len());
    let next = AtomicUsize::new(0);
    let first_bad = AtomicUsize::new(usize::MAX);
    let bytes_read = AtomicU64::new(0);
    let bytes_to_read: u64 = files.iter().map(|f| f.2).sum();
    let anchors = &c.rec_anchors[..];
    let progress = c.opts.progress.as_ref();
    let work = || {
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            let n = next.fetch_add(1, Ordering::Relaxed);
            let Some((index, range)) = pieces.get(n) else {
                return out;
            };
            // The ordered pass reads everything from the first bad file on.
            if *index > first_bad.load(Ordering::Relaxed) {
                continue;
            }
            let (_, path, len) = &files[*index];
            let summary = summarize(path, *len, range.clone(), block, anchors, &mut buf);
            if summary.is_none() {
                first_bad.fetch_min(*index, Ordering::Relaxed);
            } else if let Some(p) = progress {
                let read = range.end - range.start;
                p(
                    bytes_read.fetch_add(read, Ordering::Relaxed) + read,
                    bytes_to_read,
                );
            }
            out.push((n, summary));
        }
    };
    let mut summaries = vec![None; pieces.len()];
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
        for w in workers {
            // A thread that panicked leaves its files to the ordered pass.
            for (n, summary) in w.join().unwrap_or_default() {
                summaries[n] = summary;
            }
        }
    });
    let mut joined: Vec<Option<Summary>> = vec![None; files.len()];
    for ((index, range), summary) in pieces.iter().zip(summaries) {
        joined[*index] = if range.start == 0 {
            summary
        } else {
            joined[*index].zip(summary).and_then(|(a, b)| a.then(b))
        };
    }
    joined
}

/// Pieces a file is cut into are this many read blocks: big enough that a
/// record line (at most [`MAX_LINE`]) always starts in each one.
const PIECE_BLOCKS: u64 = 8;

impl Summary {
    /// This summary and the next piece's, when it follows.
    fn then(self, next: Summary) -> Option<Summary> {
        (next.first_seq == self.last_seq + 1 && next.first_prev == self.last_hash).then_some(
            Summary {
                lines: self.lines + next.lines,
                first_seq: self.first_seq,
                first_prev: self.first_prev,
                last_seq: next.last_seq,
                last_hash: next.last_hash,
                operator_actions: self.operator_actions + next.operator_actions,
            },
        )
    }
}

/// Checks the lines of `path` that start in `piece` (the first `len`
/// bytes are the file at the snapshot), read a block at a time into `buf`:
/// every line on its own and against the line before it. `None` at the
/// first thing that is not perfect, including a file that cannot be read, a
/// line over [`MAX_LINE`], an unterminated end, an empty file, and a piece
/// in which no line starts.
fn summarize(
    path: &Path,
    len: u64,
    piece: Range<u64>,
    block: usize,
    anchors: &[RecordAnchor<'_>],
    buf: &mut Vec<u8>,
) -> Option<Summary> {
    // After the first piece, read from the byte before it: the first
    // newline read ends the line before the piece.
    let mut skipping = piece.start > 0;
    let mut pos = piece.start.saturating_sub(1);
    let mut file = crate::fsutil::open_regular(path).ok()?;
    file.seek(SeekFrom::Start(pos)).ok()?;
    let mut file = file.take(len.saturating_sub(pos));
    let mut run = Run::default();
    buf.clear();
    loop {
        let scanned = buf.len();
        let n = Read::by_ref(&mut file)
            .take(block as u64)
            .read_to_end(buf)
            .ok()?;
        let eof = n < block;
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', &buf[scanned..]) {
            let end = scanned + nl;
            if skipping {
                skipping = false;
            } else if pos + start as u64 >= piece.end {
                return run.summary; // the next piece's line
            } else {
                run.push(&buf[start..end], anchors)?;
            }
            start = end + 1;
        }
        buf.drain(..start);
        pos += start as u64;
        if eof {
            return run.summary.filter(|_| buf.is_empty() && !skipping);
        }
        if buf.len() > MAX_LINE + 1 {
            return None;
        }
    }
}

/// The lines of one file so far.
#[derive(Default)]
struct Run {
    summary: Option<Summary>,
    /// The next record anchor at or after the current seq.
    anchor: usize,
}

impl Run {
    /// One line: a record, the seq after the last, linked to it, agreeing
    /// with the anchors at its seq.
    fn push(&mut self, line: &[u8], anchors: &[RecordAnchor<'_>]) -> Option<()> {
        let LineInfo::Good(rec) = analyze(line, Want::default()) else {
            return None;
        };
        // Past u64::MAX the ordered pass decides.
        if rec.seq == u64::MAX {
            return None;
        }
        let s = match &mut self.summary {
            None => {
                self.anchor = anchors.partition_point(|a| a.0 < rec.seq);
                self.summary.insert(Summary {
                    lines: 0,
                    first_seq: rec.seq,
                    first_prev: rec.prev,
                    last_seq: rec.seq,
                    last_hash: rec.prev,
                    operator_actions: 0,
                })
            }
            Some(s) if rec.seq == s.last_seq + 1 && rec.prev == s.last_hash => s,
            Some(_) => return None,
        };
        while let Some(&(seq, hash, _)) = anchors.get(self.anchor) {
            if seq != rec.seq {
                break;
            }
            if hash != rec.hash {
                return None;
            }
            self.anchor += 1;
        }
        s.lines += 1;
        s.last_seq = rec.seq;
        s.last_hash = rec.hash;
        s.operator_actions += u64::from(rec.operator);
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::verify::Source;
    use crate::audit::{Record, audit_file_name};

    /// Records `first..=last` of a chain starting at genesis, as file text.
    fn records(first: u64, last: u64) -> (String, Vec<Hash>) {
        let mut prev = crate::audit::GENESIS_HASH.to_string();
        let (mut text, mut hashes) = (String::new(), Vec::new());
        for seq in 1..=last {
            let actor = if seq % 2 == 0 {
                "operator:root"
            } else {
                "orchestrator"
            };
            let line = Record::encode(
                seq,
                "2024-01-15T08:30:00.000Z",
                actor,
                "a",
                &serde_json::json!({}),
                &prev,
            )
            .unwrap();
            prev = Record::parse(line.as_bytes()).unwrap().hash;
            hashes.push(crate::audit::merkle::parse_hash(&prev).unwrap());
            if seq >= first {
                text.push_str(&line);
                text.push('\n');
            }
        }
        (text, hashes)
    }

    #[test]
    fn a_perfect_file_is_summarised_by_its_first_and_last_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(audit_file_name(2));
        let (text, hashes) = records(5, 9);
        std::fs::write(&path, &text).unwrap();
        let anchors = [
            (6, hashes[5], Source::Named("a")),
            (9, hashes[8], Source::Named("b")),
        ];
        for block in [1, 100, FILE_BLOCK] {
            let len = text.len() as u64;
            let s = summarize(&path, len, 0..len, block, &anchors, &mut Vec::new());
            assert_eq!(
                s,
                Some(Summary {
                    lines: 5,
                    first_seq: 5,
                    first_prev: hashes[3],
                    last_seq: 9,
                    last_hash: hashes[8],
                    operator_actions: 2,
                }),
                "block {block}"
            );
        }
        // Only the bytes there at the snapshot are read.
        let first_two = text.lines().take(2).map(|l| l.len() + 1).sum::<usize>();
        let len = first_two as u64;
        let s = summarize(&path, len, 0..len, 100, &anchors, &mut Vec::new()).unwrap();
        assert_eq!((s.lines, s.last_seq), (2, 6));
    }

    #[test]
    fn a_file_cut_anywhere_joins_back_into_the_same_summary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(audit_file_name(1));
        let (text, hashes) = records(1, 6);
        std::fs::write(&path, &text).unwrap();
        let len = text.len() as u64;
        let anchors = [(4, hashes[3], Source::Named("a"))];
        let whole = summarize(&path, len, 0..len, 64, &anchors, &mut Vec::new()).unwrap();
        let last_line = text.trim_end().rfind('\n').unwrap() as u64 + 1;
        for cut in 1..len {
            for block in [1, 7, 64, 4096] {
                let first = summarize(&path, len, 0..cut, block, &anchors, &mut Vec::new());
                let second = summarize(&path, len, cut..len, block, &anchors, &mut Vec::new());
                if cut > last_line {
                    // No line starts after the cut: the ordered pass decides.
                    assert_eq!(second, None, "cut {cut}");
                    continue;
                }
                let joined = first.unwrap().then(second.unwrap());
                assert_eq!(joined, Some(whole), "cut {cut}, block {block}");
            }
        }
        // Pieces out of order do not join.
        let second = summarize(&path, len, last_line..len, 64, &anchors, &mut Vec::new());
        assert_eq!(second.unwrap().then(whole), None);
    }

    #[test]
    fn anything_short_of_perfect_is_left_to_the_ordered_pass() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(audit_file_name(1));
        let (text, hashes) = records(1, 6);
        let lines: Vec<&str> = text.lines().collect();
        let joined = |l: &[&str]| l.iter().map(|l| format!("{l}\n")).collect::<String>();
        let wrong_anchor = [(3, hashes[0], Source::Named("a"))];
        type Anchors<'a> = &'a [RecordAnchor<'a>];
        let cases: Vec<(&str, String, Anchors<'_>)> = vec![
            ("a line deleted", joined(&[lines[0], lines[2]]), &[]),
            ("two lines swapped", joined(&[lines[1], lines[0]]), &[]),
            ("a line repeated", joined(&[lines[0], lines[0]]), &[]),
            ("not JSON", joined(&[lines[0], "{}"]), &[]),
            ("a byte changed", text.replacen("\"a\"", "\"b\"", 1), &[]),
            ("no newline at the end", text.trim_end().to_string(), &[]),
            ("empty", String::new(), &[]),
            ("an anchor that disagrees", text.clone(), &wrong_anchor),
            (
                "a line over 1 MiB",
                format!("{text}{}\n", "x".repeat(MAX_LINE + 1)),
                &[],
            ),
        ];
        for (what, content, anchors) in cases {
            std::fs::write(&path, &content).unwrap();
            for block in [7, FILE_BLOCK] {
                let len = content.len() as u64;
                let s = summarize(&path, len, 0..len, block, anchors, &mut Vec::new());
                assert_eq!(s, None, "{what}, block {block}");
            }
        }
    }
}
