//! What `doctor` reads in the Tier 2/3 logs: malformed lines (with their
//! line numbers) and the clock in the logs (a line dated in the future, times
//! going backwards), for every file, current and rotated.
//!
//! Fast and bounded (docs/ops.md, "Doctor"): plain files are cut into slices
//! scanned on every core with the block reader and memchr line splitting of
//! the log query; the slices' partial answers are then joined in file order
//! (line numbers add up, the first bad lines are the first of the first
//! slices, and times going backwards across a slice boundary are found from
//! each slice's running minima). Memory is a few MiB per core whatever the
//! size of a file or of a line (1 MiB cap, longer lines are malformed).
//!
//! A rotated file cannot change any more: its answer is remembered in a small
//! cache file in DATA_DIR, keyed by the file's identity (device, inode), size
//! and modification time. A current file only grows: the answer for its
//! prefix up to the last complete line is remembered too, keyed by its
//! identity, with the prefix's length and SHA-256 digests of its first and
//! last few KiB, so a second run reads only the bytes appended since (a file
//! truncated and rewritten in place no longer matches the digests and is read
//! whole). A cache that is unreadable, corrupt, too large or a link is
//! ignored (and a link is never written through).

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rayon::prelude::*;

use super::files::LogFile;
use super::record::Record;
use super::scan::{BLOCK, MAX_LINE};
use crate::logfiles::OVERLONG_LINE;

/// Plain files larger than this are scanned in slices of this size.
const SLICE: u64 = if cfg!(test) { 64 << 10 } else { 32 << 20 };
/// Line numbers of malformed lines kept per file (the evidence).
pub const FIRST_BAD: usize = 5;
/// Running minima a slice keeps to find times going backwards across its
/// start; past this many the slice is scanned again once the time before it
/// is known (a file whose times mostly go down).
const MINIMA_CAP: usize = 4096;
/// The cache file is read only up to this size; a larger one is ignored.
pub const CACHE_MAX_BYTES: u64 = 1 << 20;
/// Entries the cache keeps (rotations beyond this are scanned every time).
const CACHE_MAX_ENTRIES: usize = 2000;
/// Name of the cache file in DATA_DIR.
pub const CACHE_NAME: &str = "log_check_cache.json";
/// 2: `current`, the remembered prefixes of the current files.
const CACHE_VERSION: u32 = 2;
/// Bytes at each end of a remembered prefix whose digests must still match.
const PREFIX_PROBE: u64 = 4096;
/// How far back from the end a current file's last newline is looked for; a
/// longer unfinished last line leaves the prefix where it was.
const LAST_LINE_SEARCH: u64 = (MAX_LINE as u64) + (64 << 10);

/// The thresholds of the clock checks.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub now: Timestamp,
    /// A time more than this past `now` is in the future.
    pub future_secs: i64,
    /// A time more than this before an earlier line's goes backwards.
    pub backwards_secs: i64,
}

/// What one file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileCheck {
    pub path: PathBuf,
    /// Lines read (blank ones included).
    pub lines: u64,
    pub malformed: u64,
    /// The first few malformed lines' numbers (1-based).
    pub first_bad: Vec<u64>,
    /// The first line dated more than `future_secs` past now, with its time.
    pub future: Option<(u64, Timestamp)>,
    /// The first line dated more than `backwards_secs` before an earlier
    /// line: its number, its time and the latest time before it.
    pub backwards: Option<(u64, Timestamp, Timestamp)>,
    /// The latest time in the file.
    pub max: Option<Timestamp>,
    /// Why (the rest of) the file could not be read.
    pub error: Option<String>,
    /// The answer came from the cache.
    pub cached: bool,
}

/// Checks every file, in parallel, using and refreshing the cache at
/// `cache` (DATA_DIR/[`CACHE_NAME`]) when given. The answers are in the
/// order of `files`.
pub fn check_files(files: &[LogFile], clock: Clock, cache: Option<&Path>) -> Vec<FileCheck> {
    let mut old = cache.map(read_cache).unwrap_or_default();
    let keys: Vec<Option<Key>> = files.iter().map(cache_key).collect();
    let mut out: Vec<Option<FileCheck>> = vec![None; files.len()];
    for (i, f) in files.iter().enumerate() {
        if let Some(k) = &keys[i]
            && let Some(e) = old.entries.get(&k.text())
            && let Some(c) = e.to_check(&f.path, clock)
        {
            out[i] = Some(c);
        }
    }
    // Current files: where the scan starts (after the remembered prefix)
    // and where the new prefix ends (the last complete line).
    let resumes: Vec<Option<Resume>> = files
        .iter()
        .map(|f| resume(f, cache.map(|_| &old.current), clock))
        .collect();
    let mut units = Vec::new();
    for (i, f) in files.iter().enumerate() {
        if out[i].is_some() {
            continue;
        }
        match &resumes[i] {
            Some(r) => {
                slices(i, r.from, r.upto, Some(r.upto), &mut units);
                slices(i, r.upto, r.size, None, &mut units);
            }
            None if f.gzip => units.push((i, 0, None)),
            None => slices(i, 0, f.size, None, &mut units),
        }
    }
    // The biggest work first, so no core is left with one long gzip at the end.
    units.sort_by_key(|&(i, start, end)| {
        let f = &files[i];
        let cost = if f.gzip {
            f.size.saturating_mul(6)
        } else {
            end.unwrap_or(f.size).saturating_sub(start)
        };
        (std::cmp::Reverse(cost), i, start)
    });
    let parts: Vec<(usize, u64, Option<u64>, Part)> = units
        .par_iter()
        .map(|&(i, start, end)| {
            (
                i,
                start,
                end,
                scan_part(&files[i], start, end, clock, None).unwrap_or_else(|e| Part {
                    error: Some(e.to_string()),
                    ..Part::default()
                }),
            )
        })
        .collect();
    let mut by_file: BTreeMap<usize, Vec<(u64, Option<u64>, Part)>> = BTreeMap::new();
    for (i, start, end, p) in parts {
        by_file.entry(i).or_default().push((start, end, p));
    }
    let mut changed = false;
    for i in 0..files.len() {
        if out[i].is_some() {
            continue;
        }
        // A current file with nothing new has no unit: its answer is the
        // remembered prefix's.
        let mut ps = by_file.remove(&i).unwrap_or_default();
        ps.sort_by_key(|(s, _, _)| *s);
        let f = &files[i];
        let empty = FileCheck {
            path: f.path.clone(),
            ..FileCheck::default()
        };
        let c = match &resumes[i] {
            Some(r) => {
                let tail = ps.split_off(ps.partition_point(|(s, _, _)| *s < r.upto));
                let mut prefix = join(f, r.base.clone().unwrap_or(empty), ps, clock);
                // Remembered again only when it grew (or was not yet).
                if r.id.is_some()
                    && prefix.error.is_none()
                    && r.upto > 0
                    && (r.base.is_none() || r.upto > r.from)
                    && let Some(p) = Prefix::make(f, r.upto, &prefix)
                {
                    old.current.insert(r.id.clone().unwrap_or_default(), p);
                    changed = true;
                }
                prefix.cached = false;
                join(f, prefix, tail, clock)
            }
            None => join(f, empty, ps, clock),
        };
        if let Some(k) = &keys[i]
            && c.error.is_none()
        {
            old.entries.insert(k.text(), Entry::from_check(&c));
            changed = true;
        }
        out[i] = Some(c);
    }
    if let Some(path) = cache {
        let live: std::collections::BTreeSet<String> =
            keys.iter().flatten().map(Key::text).collect();
        let before = old.entries.len();
        old.entries.retain(|k, _| live.contains(k));
        changed |= old.entries.len() != before;
        let live: std::collections::BTreeSet<&String> = resumes
            .iter()
            .flatten()
            .filter_map(|r| r.id.as_ref())
            .collect();
        let before = old.current.len();
        old.current.retain(|k, _| live.contains(k));
        changed |= old.current.len() != before;
        if changed
            && old.entries.len() <= CACHE_MAX_ENTRIES
            && old.current.len() <= CACHE_MAX_ENTRIES
        {
            write_cache(path, &old);
        }
    }
    out.into_iter()
        .zip(files)
        .map(|(c, f)| {
            c.unwrap_or_else(|| FileCheck {
                path: f.path.clone(),
                ..FileCheck::default()
            })
        })
        .collect()
}

/// The units of work `[from, to)` is cut into: slices of [`SLICE`] bytes,
/// the last one ending at `last_end` (None: the end of the file). Nothing
/// when the range is empty and does not run to the end of the file.
fn slices(
    i: usize,
    from: u64,
    to: u64,
    last_end: Option<u64>,
    units: &mut Vec<(usize, u64, Option<u64>)>,
) {
    if to <= from {
        if last_end.is_none() && from == 0 {
            // An empty file: one unit, as for any file.
            units.push((i, 0, None));
        }
        return;
    }
    let n = (to - from).div_ceil(SLICE);
    for k in 0..n {
        let end = if k + 1 < n {
            Some(from + (k + 1) * SLICE)
        } else {
            last_end
        };
        units.push((i, from + k * SLICE, end));
    }
}

/// How a current (plain, not rotated) file is scanned: the remembered
/// answer for `[0, from)` when its digests still match, then the bytes up
/// to `upto` (the end of the last complete line: the prefix remembered
/// next), then the unfinished last line, if any, which is counted this
/// time but never remembered (its end is still being written).
#[derive(Debug)]
struct Resume {
    /// The cache key (device and inode), None when there is no cache.
    id: Option<String>,
    from: u64,
    base: Option<FileCheck>,
    upto: u64,
    size: u64,
}

fn resume(f: &LogFile, current: Option<&BTreeMap<String, Prefix>>, clock: Clock) -> Option<Resume> {
    if f.rotation != 0 || f.gzip {
        return None;
    }
    let m = std::fs::symlink_metadata(&f.path).ok()?;
    if !m.is_file() {
        return None;
    }
    let size = m.len();
    let id = current.map(|_| format!("{}:{}", m.dev(), m.ino()));
    let remembered = current
        .zip(id.as_ref())
        .and_then(|(c, id)| c.get(id))
        .and_then(|p| Some((p.offset, p.still_holds(f, size, clock)?)));
    let (from, base) = match remembered {
        Some((offset, check)) => (offset, Some(check)),
        None => (0, None),
    };
    let upto = last_line_end(&f.path, from, size).unwrap_or(from);
    Some(Resume {
        id,
        from,
        base,
        upto,
        size,
    })
}

/// The offset just past the last newline in `[from, size)` of a file, or
/// `from` when there is none (in the last [`LAST_LINE_SEARCH`] bytes).
fn last_line_end(path: &Path, from: u64, size: u64) -> Option<u64> {
    use std::os::unix::fs::FileExt;
    let file = crate::fsutil::open_regular(path).ok()?;
    let low = from.max(size.saturating_sub(LAST_LINE_SEARCH));
    let mut buf = vec![0u8; 64 << 10];
    let mut hi = size;
    while hi > low {
        let lo = hi.saturating_sub(buf.len() as u64).max(low);
        let chunk = &mut buf[..(hi - lo) as usize];
        file.read_exact_at(chunk, lo).ok()?;
        if let Some(k) = memchr::memrchr(b'\n', chunk) {
            return Some(lo + k as u64 + 1);
        }
        hi = lo;
    }
    Some(from)
}

/// The partial answer of one slice; line numbers relative to the slice.
#[derive(Debug, Default, Clone)]
struct Part {
    lines: u64,
    malformed: u64,
    first_bad: Vec<u64>,
    future: Option<(u64, Timestamp)>,
    /// Latest time in the slice.
    max: Option<Timestamp>,
    /// First line going backwards within the slice (line, time, max before).
    backwards: Option<(u64, Timestamp, Timestamp)>,
    /// Lines dated earlier than every earlier line of the slice, up to the
    /// first one going backwards: (line, time, latest time before it in the
    /// slice). The first line to go backwards against the slices before is
    /// one of them.
    minima: Vec<(u64, Timestamp, Option<Timestamp>)>,
    minima_full: bool,
    error: Option<String>,
}

fn goes_back(max: Timestamp, t: Timestamp, clock: Clock) -> bool {
    max.duration_since(t).as_secs() > clock.backwards_secs
}

/// Scans the lines starting in [start, end) of a file (the whole file when
/// gzip). `before` is the latest time of the slices before, when known.
fn scan_part(
    f: &LogFile,
    start: u64,
    end: Option<u64>,
    clock: Clock,
    before: Option<Timestamp>,
) -> std::io::Result<Part> {
    let mut file = crate::fsutil::open_regular(&f.path)?;
    let mut p = Part::default();
    let mut max = before;
    let mut on_line = |n: u64, line: &[u8]| {
        let line = line.trim_ascii();
        if line.is_empty() {
            return;
        }
        let Ok(time) = Record::parse_time(line) else {
            p.malformed += 1;
            if p.first_bad.len() < FIRST_BAD {
                p.first_bad.push(n);
            }
            return;
        };
        let Some(t) = time else {
            return;
        };
        if p.future.is_none() && t.duration_since(clock.now).as_secs() > clock.future_secs {
            p.future = Some((n, t));
        }
        if p.backwards.is_none() {
            if let Some(m) = max
                && goes_back(m, t, clock)
            {
                p.backwards = Some((n, t, m));
            } else if before.is_none()
                && !p.minima_full
                && p.minima.last().is_none_or(|&(_, low, _)| t < low)
            {
                if p.minima.len() < MINIMA_CAP {
                    p.minima.push((n, t, max));
                } else {
                    p.minima_full = true;
                }
            }
        }
        max = max.max(Some(t));
        p.max = p.max.max(Some(t));
    };
    let result = if f.gzip {
        numbered_lines(
            flate2::read::MultiGzDecoder::new(file),
            false,
            None,
            &mut on_line,
        )
    } else {
        let from = start.saturating_sub(1);
        if from > 0 {
            file.seek(SeekFrom::Start(from))?;
        }
        numbered_lines(file, start > 0, end.map(|e| e - from), &mut on_line)
    };
    match result {
        Ok(lines) => p.lines = lines,
        Err((lines, e)) => {
            p.lines = lines;
            p.error = Some(e.to_string());
        }
    }
    Ok(p)
}

/// Joins the slices of one file, in order, after `c` (the answer for what
/// comes before them: nothing, or a remembered prefix).
fn join(
    f: &LogFile,
    mut c: FileCheck,
    parts: Vec<(u64, Option<u64>, Part)>,
    clock: Clock,
) -> FileCheck {
    if c.error.is_some() {
        return c;
    }
    let mut max: Option<Timestamp> = c.max;
    for (start, end, mut p) in parts {
        if p.minima_full
            && let Some(m) = max
        {
            // Too many minima were kept to trust them: scan the slice again
            // knowing the time before it.
            if let Ok(again) = scan_part(f, start, end, clock, Some(m)) {
                p = again;
            }
        }
        let base = c.lines;
        c.lines += p.lines;
        c.malformed += p.malformed;
        for n in &p.first_bad {
            if c.first_bad.len() < FIRST_BAD {
                c.first_bad.push(base + n);
            }
        }
        if c.future.is_none() {
            c.future = p.future.map(|(n, t)| (base + n, t));
        }
        if c.backwards.is_none() {
            // Across the start of the slice: the first running minimum that
            // is too far below the time before the slice...
            let across = max.and_then(|m| {
                p.minima
                    .iter()
                    .find(|(_, t, _)| goes_back(m, *t, clock))
                    .map(|&(n, t, inside)| (n, t, inside.map_or(m, |i| i.max(m))))
            });
            // ... or within it, whichever comes first.
            let within = p
                .backwards
                .map(|(n, t, inside)| (n, t, max.map_or(inside, |m| m.max(inside))));
            c.backwards = match (across, within) {
                (Some(a), Some(w)) => Some(if a.0 <= w.0 { a } else { w }),
                (a, w) => a.or(w),
            }
            .map(|(n, t, m)| (base + n, t, m));
        }
        max = max.max(p.max);
        c.max = max;
        if let Some(e) = p.error {
            // Like a reader that stops at the error: nothing after it.
            c.error = Some(e);
            break;
        }
    }
    c
}

/// Reads lines, numbered from 1, calling `each` with each line without its
/// newline (and without a trailing `\r`); a line longer than [`MAX_LINE`] is
/// handed over as [`OVERLONG_LINE`] without being kept. With `skip_first`,
/// everything up to the first newline belongs to the slice before and is
/// skipped; with `end`, lines starting at or past that offset (from the
/// reader's start) are left to the slice after. Returns the number of lines,
/// or that number and the error that stopped the read.
fn numbered_lines<R: Read>(
    mut r: R,
    skip_first: bool,
    end: Option<u64>,
    each: &mut impl FnMut(u64, &[u8]),
) -> Result<u64, (u64, std::io::Error)> {
    let mut buf = vec![0u8; BLOCK + MAX_LINE + 2];
    let mut n = 0u64;
    // Offset (from the reader's start) of buf[0], and bytes held.
    let mut base = 0u64;
    let mut filled = 0usize;
    let mut skipping_first = skip_first;
    // The current line is over-long: its bytes are being read past.
    let mut long = false;
    loop {
        let got = loop {
            match r.read(&mut buf[filled..filled + BLOCK]) {
                Ok(g) => break g,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err((n, e)),
            }
        };
        let eof = got == 0;
        let scan_from = filled;
        filled += got;
        let mut line_start = 0usize;
        for nl in memchr::memchr_iter(b'\n', &buf[scan_from..filled]) {
            let nl = scan_from + nl;
            if skipping_first {
                skipping_first = false;
            } else {
                n += 1;
                if long || nl - line_start > MAX_LINE {
                    each(n, OVERLONG_LINE);
                } else {
                    let line = &buf[line_start..nl];
                    each(n, line.strip_suffix(b"\r").unwrap_or(line));
                }
            }
            long = false;
            line_start = nl + 1;
            // The next line starts at or past the end: not this slice's.
            if end.is_some_and(|e| base + line_start as u64 >= e) {
                return Ok(n);
            }
        }
        if eof {
            if (line_start < filled || long) && !skipping_first {
                n += 1;
                if long || filled - line_start > MAX_LINE {
                    each(n, OVERLONG_LINE);
                } else {
                    let line = &buf[line_start..filled];
                    each(n, line.strip_suffix(b"\r").unwrap_or(line));
                }
            }
            return Ok(n);
        }
        if line_start > 0 {
            buf.copy_within(line_start..filled, 0);
            base += line_start as u64;
            filled -= line_start;
        }
        if filled > MAX_LINE + 1 || (long && filled > 0) {
            // The line is too long already: drop what is held of it.
            long = true;
            base += filled as u64;
            filled = 0;
        }
    }
}

// ---- the cache ----

/// A file's identity, size and modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    dev: u64,
    ino: u64,
    size: u64,
    mtime_ns: i128,
}

impl Key {
    fn text(&self) -> String {
        format!("{}:{}:{}:{}", self.dev, self.ino, self.size, self.mtime_ns)
    }
}

/// Only rotations are remembered: the current file is still being written.
fn cache_key(f: &LogFile) -> Option<Key> {
    if f.rotation == 0 {
        return None;
    }
    let m = std::fs::symlink_metadata(&f.path).ok()?;
    if !m.is_file() {
        return None;
    }
    Some(Key {
        dev: m.dev(),
        ino: m.ino(),
        size: m.len(),
        mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
    })
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct CacheFile {
    version: u32,
    /// Rotations, by identity, size and modification time.
    entries: BTreeMap<String, Entry>,
    /// Current files, by identity (`device:inode`).
    #[serde(default)]
    current: BTreeMap<String, Prefix>,
}

/// The answer for the first `offset` bytes of a current file (whole lines),
/// valid while those bytes are still there: the file is at least that long
/// and the digests of the first and last [`PREFIX_PROBE`] bytes of the
/// prefix match.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Prefix {
    offset: u64,
    /// SHA-256 (hex) of bytes `[0, min(offset, PREFIX_PROBE))`.
    head: String,
    /// SHA-256 (hex) of bytes `[offset - min(offset, PREFIX_PROBE), offset)`.
    tail: String,
    answer: Entry,
}

impl Prefix {
    /// The prefix `[0, offset)` of `f` and its answer, or None when its ends
    /// cannot be read.
    fn make(f: &LogFile, offset: u64, answer: &FileCheck) -> Option<Prefix> {
        let (head, tail) = probe_digests(&f.path, offset)?;
        Some(Prefix {
            offset,
            head,
            tail,
            answer: Entry::from_check(answer),
        })
    }

    /// The remembered answer, if the file (now `size` bytes) still begins
    /// with the same prefix and the answer is plausible and still true now.
    fn still_holds(&self, f: &LogFile, size: u64, clock: Clock) -> Option<FileCheck> {
        if self.offset == 0 || self.offset > size || self.answer.lines > self.offset {
            return None;
        }
        let (head, tail) = probe_digests(&f.path, self.offset)?;
        if head != self.head || tail != self.tail {
            return None;
        }
        self.answer.to_check(&f.path, clock)
    }
}

/// Digests of the first and the last [`PREFIX_PROBE`] bytes of `[0, offset)`.
fn probe_digests(path: &Path, offset: u64) -> Option<(String, String)> {
    use sha2::{Digest, Sha256};
    use std::os::unix::fs::FileExt;
    let file = crate::fsutil::open_regular(path).ok()?;
    let n = offset.min(PREFIX_PROBE);
    let mut buf = vec![0u8; n as usize];
    let digest = |at: u64, buf: &mut [u8]| -> Option<String> {
        file.read_exact_at(buf, at).ok()?;
        Some(crate::audit::record::hex(&Sha256::digest(&*buf)))
    };
    let head = digest(0, &mut buf)?;
    let tail = digest(offset - n, &mut buf)?;
    Some((head, tail))
}

/// Times as whole seconds and nanoseconds since the epoch.
type Ts = (i64, i32);

fn ts(t: Timestamp) -> Ts {
    (t.as_second(), t.subsec_nanosecond())
}

fn from_ts((s, n): Ts) -> Option<Timestamp> {
    Timestamp::new(s, n).ok()
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Entry {
    lines: u64,
    malformed: u64,
    first_bad: Vec<u64>,
    /// Latest time in the file: a later run's "future" depends on its now.
    max: Option<Ts>,
    backwards: Option<(u64, Ts, Ts)>,
}

impl Entry {
    fn from_check(c: &FileCheck) -> Entry {
        Entry {
            lines: c.lines,
            malformed: c.malformed,
            first_bad: c.first_bad.clone(),
            max: c.max.map(ts),
            backwards: c.backwards.map(|(n, t, m)| (n, ts(t), ts(m))),
        }
    }

    /// The file's answer, unless the entry is implausible or the file holds
    /// a time that is in the future now (then it is scanned again, to name
    /// the line).
    fn to_check(&self, path: &Path, clock: Clock) -> Option<FileCheck> {
        if self.first_bad.len() > FIRST_BAD
            || self.malformed > self.lines
            || self.first_bad.len() as u64 > self.malformed
            || self.first_bad.iter().any(|&n| n == 0 || n > self.lines)
            || self
                .backwards
                .is_some_and(|(n, _, _)| n == 0 || n > self.lines)
        {
            return None;
        }
        if let Some(m) = self.max {
            let m = from_ts(m)?;
            if m.duration_since(clock.now).as_secs() > clock.future_secs {
                return None;
            }
        }
        let backwards = match self.backwards {
            Some((n, t, m)) => Some((n, from_ts(t)?, from_ts(m)?)),
            None => None,
        };
        Some(FileCheck {
            path: path.to_path_buf(),
            lines: self.lines,
            malformed: self.malformed,
            first_bad: self.first_bad.clone(),
            future: None,
            backwards,
            max: self.max.and_then(from_ts),
            error: None,
            cached: true,
        })
    }
}

/// The cache, or an empty one when it is missing, a link, too large or not
/// what talos writes.
fn read_cache(path: &Path) -> CacheFile {
    let read = || -> Option<CacheFile> {
        let m = std::fs::symlink_metadata(path).ok()?;
        if !m.is_file() || m.len() > CACHE_MAX_BYTES {
            return None;
        }
        let f = crate::fsutil::open_owned(path, std::fs::OpenOptions::new().read(true)).ok()?;
        let mut bytes = Vec::new();
        f.take(CACHE_MAX_BYTES + 1).read_to_end(&mut bytes).ok()?;
        if bytes.len() as u64 > CACHE_MAX_BYTES {
            return None;
        }
        let c: CacheFile = serde_json::from_slice(&bytes).ok()?;
        (c.version == CACHE_VERSION
            && c.entries.len() <= CACHE_MAX_ENTRIES
            && c.current.len() <= CACHE_MAX_ENTRIES)
            .then_some(c)
    };
    read().unwrap_or(CacheFile {
        version: CACHE_VERSION,
        entries: BTreeMap::new(),
        current: BTreeMap::new(),
    })
}

/// Replaces the cache atomically; never through a link (a link where the
/// cache belongs is left alone, and nothing is remembered), and only in a
/// DATA_DIR that is a real directory. Failing to write only costs speed.
fn write_cache(path: &Path, c: &CacheFile) {
    let Some(dir) = path.parent() else { return };
    if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return;
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.is_file() => return,
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(_) => return,
    }
    let Ok(bytes) = serde_json::to_vec(&CacheFile {
        version: CACHE_VERSION,
        entries: c.entries.clone(),
        current: c.current.clone(),
    }) else {
        return;
    };
    if bytes.len() as u64 <= CACHE_MAX_BYTES {
        let _ = crate::fsutil::write_atomic(path, &bytes, crate::install::SECRET_FILE_MODE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> Clock {
        Clock {
            now: "2024-01-15T12:00:00Z".parse().unwrap(),
            future_secs: 60,
            backwards_secs: 5,
        }
    }

    fn line(t: &str) -> String {
        format!("{{\"timestamp\":\"{t}\",\"level\":\"INFO\",\"message\":\"m\"}}\n")
    }

    /// The answer of a one-pass reader, to compare the sliced scan with.
    fn reference(path: &Path, c: Clock) -> FileCheck {
        let mut r = FileCheck {
            path: path.to_path_buf(),
            ..FileCheck::default()
        };
        let mut max: Option<Timestamp> = None;
        crate::logfiles::for_each_line(path, |n, l| {
            let n = n as u64;
            r.lines = n;
            let l = l.trim_ascii();
            if l.is_empty() {
                return;
            }
            let Ok(rec) = Record::parse(l) else {
                r.malformed += 1;
                if r.first_bad.len() < FIRST_BAD {
                    r.first_bad.push(n);
                }
                return;
            };
            let Some(t) = rec.time() else { return };
            if r.future.is_none() && t.duration_since(c.now).as_secs() > c.future_secs {
                r.future = Some((n, t));
            }
            if let Some(m) = max
                && r.backwards.is_none()
                && goes_back(m, t, c)
            {
                r.backwards = Some((n, t, m));
            }
            max = max.max(Some(t));
            r.max = max;
        })
        .unwrap();
        r
    }

    #[test]
    fn slices_agree_with_one_pass() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orchestrator.log");
        // Several slices; malformed, blank, over-long lines, a jump back
        // across a slice boundary, a future line late in the file.
        let mut text = String::new();
        let base: Timestamp = "2024-01-15T00:00:00Z".parse().unwrap();
        let mut k = 0i64;
        while text.len() < 5 * SLICE as usize {
            k += 1;
            let t = base + jiff::SignedDuration::from_secs(k);
            text.push_str(&line(&crate::timespec::format_ts(t)));
            if k % 97 == 0 {
                text.push_str("not json\n\n  \r\n");
            }
        }
        text.push_str(&"x".repeat(MAX_LINE + 10));
        text.push('\n');
        text.push_str(&line("2024-01-15T23:00:00Z"));
        // Backwards right at the start of the third slice.
        let cut = 2 * SLICE as usize;
        let nl = text[cut..].find('\n').unwrap() + cut + 1;
        text.insert_str(nl, &line("2024-01-14T00:00:00Z"));
        text.push_str(&line("2024-02-01T00:00:00Z"));
        text.push_str("{\"half\": ");
        std::fs::write(&path, &text).unwrap();
        let f = crate::logs::tier_files(dir.path(), crate::logs::Tier::Ops)
            .unwrap()
            .remove(0);
        let got = check_files(std::slice::from_ref(&f), clock(), None).remove(0);
        let want = reference(&path, clock());
        assert_eq!(got, want);
        assert!(got.backwards.is_some() && got.future.is_some() && got.malformed > 5);
    }

    #[test]
    fn numbered_lines_count_every_line() {
        let data = b"a\n\nb\r\nc";
        let mut got = Vec::new();
        let n = numbered_lines(&data[..], false, None, &mut |n, l| {
            got.push((n, l.to_vec()))
        })
        .unwrap();
        assert_eq!(n, 4);
        assert_eq!(
            got,
            vec![
                (1, b"a".to_vec()),
                (2, b"".to_vec()),
                (3, b"b".to_vec()),
                (4, b"c".to_vec())
            ]
        );
    }
}
