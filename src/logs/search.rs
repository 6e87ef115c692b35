//! Searching many files at once and merging the matches in time order.
//!
//! Work is cut into units (a gzip file, or a slice of a plain file aligned
//! to line starts) that run on every core. Each unit keeps its matches in
//! one byte arena plus a small index entry per match, sorts them by
//! (timestamp, file, offset), and spills them to an anonymous temporary file
//! as a sorted run when they grow past a budget. A k-way merge of all runs
//! then streams the matches out. The order is a total order, so it does not
//! depend on how the work was cut: timestamp first; at equal timestamps (or
//! none) the order of the files as given (oldest rotation first, Tier 2
//! before Tier 3) and then the order of the lines in the file. Lines without
//! a readable timestamp sort before all others, as `null` does in jq's
//! `sort_by(.timestamp)`. Memory stays bounded however large the input or
//! the result: a few MiB of read buffers per core plus the retained runs.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::Timestamp;
use rayon::prelude::*;

use super::LogFile;
use super::query::{Query, Verdict};
use super::record::{Malformed, Record};
use super::scan::{self, MAX_LINE, ScanOptions};
use crate::error::{Context, Result};

/// Plain files larger than this are searched in slices of this size.
const SLICE: u64 = if cfg!(test) { 64 << 10 } else { 64 << 20 };
/// Slices of a memory-mapped file.
const MAP_SLICE: u64 = if cfg!(test) { 32 << 10 } else { 16 << 20 };
/// A unit spills its matches to disk past this many bytes of lines.
const SPILL_AT: usize = if cfg!(test) { 8 << 10 } else { 8 << 20 };
/// Matches kept in memory across finished units before they too spill.
const RETAIN_MAX: usize = if cfg!(test) { 16 << 10 } else { 24 << 20 };

#[derive(Debug, Clone, Default)]
pub struct SearchOptions {
    /// Only count; matches are not kept.
    pub count_only: bool,
    /// Stop after this many matches (the first in time order).
    pub limit: Option<usize>,
    /// Leave an unterminated last line for later (`--follow`): it is still
    /// being written.
    pub hold_tail: bool,
}

/// One matching line, handed to the caller in merge order.
#[derive(Debug, Clone, Copy)]
pub struct Match<'a> {
    /// The line exactly as in the file, without its newline.
    pub line: &'a [u8],
    pub time: Option<Timestamp>,
    /// Index into the files searched.
    pub file: usize,
    /// Offset of the line in the (decompressed) file.
    pub offset: u64,
}

impl<'a> Match<'a> {
    /// The line's fields (it parsed once already, so this succeeds).
    pub fn record(&self) -> Option<Record<'a>> {
        Record::parse(self.line).ok()
    }
}

/// What a search saw besides its matches.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub matched: u64,
    /// Malformed lines by kind, among the lines examined: every line when
    /// the query has no byte needle, otherwise the lines containing it (and
    /// always the over-long ones met on the way).
    pub malformed: BTreeMap<Malformed, u64>,
    /// Lines on which the `--filter` program raised an error.
    pub filter_errors: u64,
    pub first_filter_error: Option<String>,
    /// Files (or the rest of a file) that could not be read, with why.
    pub unreadable: Vec<(PathBuf, String)>,
    /// For each file, where its last unit stopped reading (to resume a
    /// `--follow` there), and the file's identity when it was read.
    #[serde(skip)]
    pub ends: Vec<Option<FileEnd>>,
}

impl Summary {
    fn add(&mut self, out: UnitOut) {
        self.matched += out.matched;
        for (k, n) in out.malformed {
            *self.malformed.entry(k).or_default() += n;
        }
        self.filter_errors += out.filter_errors;
        if self.first_filter_error.is_none() {
            self.first_filter_error = out.first_filter_error;
        }
        if let Some(e) = out.error {
            self.unreadable.push(e);
        }
    }

    pub fn malformed_total(&self) -> u64 {
        self.malformed.values().sum()
    }

    /// Failed when part of the input could not be read (the results are
    /// incomplete), Ok otherwise: malformed lines and `--filter` errors are
    /// findings about the lines, not a failure of the search.
    pub fn exit_status(&self) -> crate::error::ExitStatus {
        if self.unreadable.is_empty() {
            crate::error::ExitStatus::Ok
        } else {
            crate::error::ExitStatus::Failed
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileEnd {
    pub consumed: u64,
    pub dev: u64,
    pub ino: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    /// Nanoseconds since the epoch; i128::MIN when there is no timestamp.
    ts: i128,
    file: u32,
    offset: u64,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    key: Key,
    start: usize,
    len: usize,
}

struct Unit {
    file: usize,
    gzip: bool,
    /// Read through a memory map of just this unit's bytes.
    map: bool,
    start: u64,
    end: Option<u64>,
}

/// A sorted run of matches, in memory or spilled. A spilled run is a chain
/// of files whose key ranges follow one another (a file's lines are mostly
/// in time order, so a unit's spills usually chain), read one after the
/// other: the merge then has one cursor per unit, not one per spill, and
/// its read buffers do not grow with the input.
enum Run {
    Mem { entries: Vec<Entry>, bytes: Vec<u8> },
    Disk(Vec<File>),
}

/// Spilled files of one unit, grouped into chains.
#[derive(Default)]
struct Chains {
    done: Vec<Run>,
    current: Vec<File>,
    last: Option<Key>,
}

impl Chains {
    fn add(&mut self, file: File, first: Key, last: Key) {
        if self.last.is_some_and(|l| l > first) {
            self.done.push(Run::Disk(std::mem::take(&mut self.current)));
        }
        self.current.push(file);
        self.last = Some(last);
    }

    fn finish(mut self) -> Vec<Run> {
        if !self.current.is_empty() {
            self.done.push(Run::Disk(self.current));
        }
        self.done
    }
}

#[derive(Default)]
struct UnitOut {
    runs: Vec<Run>,
    matched: u64,
    malformed: BTreeMap<Malformed, u64>,
    filter_errors: u64,
    first_filter_error: Option<String>,
    error: Option<(PathBuf, String)>,
    end: Option<FileEnd>,
}

/// Searches `files` for `query`, calling `sink` with each match in merge
/// order until it breaks or the limit is reached. Unreadable files are
/// reported in the summary and do not stop the search; only a failure to
/// write the temporary runs is an error.
pub fn search(
    files: &[LogFile],
    query: &Query,
    opts: &SearchOptions,
    mut sink: impl FnMut(Match<'_>) -> ControlFlow<()>,
) -> Result<Summary> {
    let mut summary = Summary {
        files: files.len(),
        ends: vec![None; files.len()],
        ..Summary::default()
    };
    let mut units = Vec::new();
    for (i, f) in files.iter().enumerate() {
        match plan(i, f, query) {
            Ok(mut u) => units.append(&mut u),
            Err(e) => summary.unreadable.push((f.path.clone(), e.to_string())),
        }
    }
    let retained = AtomicUsize::new(0);
    let spill_error = Mutex::new(None);
    let outs: Vec<UnitOut> = units
        .par_iter()
        .map(|u| run_unit(u, files, query, opts, &retained, &spill_error))
        .collect();
    if let Some(e) = spill_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let mut runs = Vec::new();
    for (u, mut out) in units.iter().zip(outs) {
        if u.end.is_none() {
            summary.ends[u.file] = out.end;
        }
        runs.append(&mut out.runs);
        summary.add(out);
    }
    if let Some(limit) = opts.limit {
        summary.matched = summary.matched.min(limit as u64);
    }
    if !opts.count_only {
        merge(runs, opts.limit, &mut sink).context("cannot read back the sorted matches")?;
    }
    Ok(summary)
}

/// Cuts a file into units. A file is memory-mapped (no copy, the fast path
/// of a needle search) only when the query has a byte needle, so few pages
/// are kept, and when nobody has written it for a while, so it cannot
/// shrink under the map; a mapped slice is small, so the mapped pages
/// counted in the resident set stay small too.
fn plan(i: usize, f: &LogFile, query: &Query) -> std::io::Result<Vec<Unit>> {
    let gzip = f.gzip;
    let meta = f.metadata()?;
    let size = meta.len();
    let map = !gzip
        && query.needle().is_some()
        && meta
            .modified()
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= SETTLED);
    let slice = if map { MAP_SLICE } else { SLICE };
    if gzip || size <= slice {
        return Ok(vec![Unit {
            file: i,
            gzip,
            map,
            start: 0,
            end: None,
        }]);
    }
    let n = size.div_ceil(slice);
    Ok((0..n)
        .map(|k| Unit {
            file: i,
            gzip: false,
            map,
            start: k * slice,
            end: (k + 1 < n).then_some((k + 1) * slice),
        })
        .collect())
}

/// Opens and scans one unit, counting malformed lines and filter errors in
/// `out`, and calls `on_match` with each matching record, its time and line.
fn scan_unit(
    u: &Unit,
    files: &[LogFile],
    query: &Query,
    hold_tail: bool,
    out: &mut UnitOut,
    mut on_match: impl FnMut(&Record<'_>, Option<Timestamp>, scan::Line<'_>) -> ControlFlow<()>,
) {
    let path = &files[u.file].path;
    // A file listed in LOG_DIR is never read through a link (LogFile::open).
    let file = match files[u.file].open() {
        Ok(f) => f,
        Err(e) => {
            out.error = Some((path.clone(), e.to_string()));
            return;
        }
    };
    if let Ok(meta) = file.metadata() {
        use std::os::unix::fs::MetadataExt;
        out.end = Some(FileEnd {
            consumed: 0,
            dev: meta.dev(),
            ino: meta.ino(),
        });
    }
    let scan_start = u.start.saturating_sub(1);
    let finder = query.finder();
    let sopts = ScanOptions {
        needle: finder.as_ref(),
        start: scan_start,
        skip_first_partial: u.start > 0,
        end: u.end,
        // Only a current file can still be being written.
        hold_tail: hold_tail && u.end.is_none() && !u.gzip && files[u.file].is_current(),
    };
    let timed = query.since.is_some() || query.until.is_some();
    let malformed = &mut out.malformed;
    let filter_errors = &mut out.filter_errors;
    let first_filter_error = &mut out.first_filter_error;
    let on_line = |line: scan::Line<'_>| {
        let rec = match Record::parse(line.bytes) {
            Ok(r) => r,
            Err(kind) => {
                let kind = if !line.terminated && kind == Malformed::NotJson {
                    Malformed::Truncated
                } else {
                    kind
                };
                *malformed.entry(kind).or_default() += 1;
                return ControlFlow::Continue(());
            }
        };
        let time = if timed { rec.time() } else { None };
        match query.test(&rec, time, line.bytes) {
            Verdict::NoMatch => ControlFlow::Continue(()),
            Verdict::FilterError(e) => {
                *filter_errors += 1;
                first_filter_error.get_or_insert(e);
                ControlFlow::Continue(())
            }
            Verdict::Match => {
                let time = if timed { time } else { rec.time() };
                on_match(&rec, time, line)
            }
        }
    };
    let result = if u.map && !sopts.hold_tail {
        // Only this unit's bytes, plus room for its last line to end.
        let to = u
            .end
            .map_or(u64::MAX, |e| e.saturating_add(MAX_LINE as u64 + 1));
        let len = file.metadata().map(|m| m.len()).unwrap_or(0).min(to);
        let mapped = if len > scan_start {
            // SAFETY: the map is only read, and only files nobody has
            // written for a while are mapped (see `plan`): a file that
            // shrank while mapped would fault.
            unsafe {
                memmap2::MmapOptions::new()
                    .offset(scan_start)
                    .len((len - scan_start) as usize)
                    .map(&file)
            }
            .ok()
        } else {
            None
        };
        match mapped {
            Some(map) => Ok(scan::scan_bytes(&map, &sopts, on_line)),
            None => read_unit(file, scan_start, u.gzip, &sopts, on_line),
        }
    } else {
        read_unit(file, scan_start, u.gzip, &sopts, on_line)
    };
    match result {
        Ok(end) => {
            if end.too_long > 0 {
                *out.malformed.entry(Malformed::TooLong).or_default() += end.too_long;
            }
            if let Some(fe) = &mut out.end {
                fe.consumed = end.consumed;
            }
        }
        Err(e) => {
            let what = if u.gzip {
                format!("gzip stream unreadable, rest of file skipped: {e}")
            } else {
                format!("read failed, rest of file skipped: {e}")
            };
            out.error = Some((path.clone(), what));
            out.end = None;
        }
    }
}

/// How long a file must have gone unwritten before it is mapped.
const SETTLED: std::time::Duration = std::time::Duration::from_secs(60);

fn read_unit(
    mut file: File,
    scan_start: u64,
    gzip: bool,
    opts: &ScanOptions<'_>,
    on_line: impl FnMut(scan::Line<'_>) -> ControlFlow<()>,
) -> std::io::Result<scan::ScanEnd> {
    if scan_start > 0 {
        file.seek(SeekFrom::Start(scan_start))?;
    }
    if gzip {
        scan::scan(flate2::read::MultiGzDecoder::new(file), opts, on_line)
    } else {
        scan::scan(file, opts, on_line)
    }
}

fn run_unit(
    u: &Unit,
    files: &[LogFile],
    query: &Query,
    opts: &SearchOptions,
    retained: &AtomicUsize,
    spill_error: &Mutex<Option<crate::error::Error>>,
) -> UnitOut {
    let mut out = UnitOut::default();
    let mut acc = Acc::default();
    let mut chains = Chains::default();
    let mut matched = 0u64;
    let mut failed = false;
    scan_unit(
        u,
        files,
        query,
        opts.hold_tail,
        &mut out,
        |_, time, line| {
            matched += 1;
            if opts.count_only {
                return ControlFlow::Continue(());
            }
            let key = Key {
                ts: time.map_or(i128::MIN, |t| t.as_nanosecond()),
                file: u.file as u32,
                offset: line.offset,
            };
            // Spill before the arena would grow past the budget, so its
            // capacity never doubles beyond it.
            if acc.bytes.len() + line.bytes.len() > SPILL_AT && !acc.entries.is_empty() {
                match acc.spill() {
                    Ok((f, first, last)) => chains.add(f, first, last),
                    Err(e) => {
                        failed = true;
                        *spill_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                        return ControlFlow::Break(());
                    }
                }
            }
            acc.push(key, line.bytes);
            if let Some(limit) = opts.limit
                && acc.entries.len() >= 2 * limit + 1024
            {
                acc.keep_first(limit);
            }
            ControlFlow::Continue(())
        },
    );
    out.matched = matched;
    if failed {
        return out;
    }
    if let Some(limit) = opts.limit {
        acc.keep_first(limit);
    }
    if !acc.entries.is_empty() {
        acc.entries.sort_unstable_by_key(|e| e.key);
        let size = acc.bytes.len();
        let before = retained.fetch_add(size, Ordering::SeqCst);
        if before + size > RETAIN_MAX {
            retained.fetch_sub(size, Ordering::SeqCst);
            match acc.spill() {
                Ok((f, first, last)) => chains.add(f, first, last),
                Err(e) => *spill_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e),
            }
        } else {
            acc.bytes.shrink_to_fit();
            acc.entries.shrink_to_fit();
            out.runs.push(Run::Mem {
                entries: acc.entries,
                bytes: acc.bytes,
            });
        }
    }
    out.runs.extend(chains.finish());
    out
}

/// Runs `query` over `files` on every core without ordering anything: each
/// unit of work folds its matches into its own `T` (made by `make`), and the
/// caller combines the results. For statistics over inputs of any size.
pub fn fold<T: Send>(
    files: &[LogFile],
    query: &Query,
    make: impl Fn() -> T + Sync,
    each: impl Fn(&mut T, &Record<'_>, Option<Timestamp>) + Sync,
) -> (Vec<T>, Summary) {
    fold_at(files, query, make, |acc, rec, time, _| each(acc, rec, time))
}

/// Where a line folded by [`fold_at`] sits: the index of its file in the
/// files searched and its offset there, the tie-break of the merge order
/// (time, file, offset) for a caller that wants that order back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineAt {
    pub file: usize,
    pub offset: u64,
}

/// [`fold`], also telling `each` where each matching line sits.
pub fn fold_at<T: Send>(
    files: &[LogFile],
    query: &Query,
    make: impl Fn() -> T + Sync,
    each: impl Fn(&mut T, &Record<'_>, Option<Timestamp>, LineAt) + Sync,
) -> (Vec<T>, Summary) {
    let mut summary = Summary {
        files: files.len(),
        ends: vec![None; files.len()],
        ..Summary::default()
    };
    let mut units = Vec::new();
    for (i, f) in files.iter().enumerate() {
        match plan(i, f, query) {
            Ok(mut u) => units.append(&mut u),
            Err(e) => summary.unreadable.push((f.path.clone(), e.to_string())),
        }
    }
    let outs: Vec<(T, UnitOut)> = units
        .par_iter()
        .map(|u| {
            let mut out = UnitOut::default();
            let mut acc = make();
            let mut n = 0u64;
            scan_unit(u, files, query, false, &mut out, |rec, time, line| {
                n += 1;
                let at = LineAt {
                    file: u.file,
                    offset: line.offset,
                };
                each(&mut acc, rec, time, at);
                ControlFlow::Continue(())
            });
            out.matched = n;
            (acc, out)
        })
        .collect();
    let mut results = Vec::with_capacity(outs.len());
    for (t, out) in outs {
        summary.add(out);
        results.push(t);
    }
    (results, summary)
}

/// The matches of one unit not yet spilled.
#[derive(Default)]
struct Acc {
    entries: Vec<Entry>,
    bytes: Vec<u8>,
}

impl Acc {
    fn push(&mut self, key: Key, line: &[u8]) {
        self.entries.push(Entry {
            key,
            start: self.bytes.len(),
            len: line.len(),
        });
        self.bytes.extend_from_slice(line);
    }

    /// Keeps only the `n` first matches in merge order.
    fn keep_first(&mut self, n: usize) {
        if self.entries.len() <= n {
            return;
        }
        self.entries.sort_unstable_by_key(|e| e.key);
        self.entries.truncate(n);
        let mut bytes = Vec::with_capacity(self.entries.iter().map(|e| e.len).sum());
        for e in &mut self.entries {
            let start = bytes.len();
            bytes.extend_from_slice(&self.bytes[e.start..e.start + e.len]);
            e.start = start;
        }
        self.bytes = bytes;
    }

    /// Writes the matches as a sorted run to an anonymous temporary file;
    /// returns it with its first and last keys.
    fn spill(&mut self) -> Result<(File, Key, Key)> {
        self.entries.sort_unstable_by_key(|e| e.key);
        let file =
            tempfile::tempfile().context("cannot create a temporary file for sorting matches")?;
        let mut w = BufWriter::with_capacity(1 << 16, file);
        let write = |w: &mut BufWriter<File>| -> std::io::Result<()> {
            for e in &self.entries {
                w.write_all(&e.key.ts.to_le_bytes())?;
                w.write_all(&e.key.file.to_le_bytes())?;
                w.write_all(&e.key.offset.to_le_bytes())?;
                w.write_all(&(e.len as u64).to_le_bytes())?;
                w.write_all(&self.bytes[e.start..e.start + e.len])?;
            }
            w.flush()
        };
        write(&mut w).context("cannot write matches to a temporary file (is the disk full?)")?;
        let mut file = w
            .into_inner()
            .map_err(|e| e.into_error())
            .context("temporary file")?;
        file.seek(SeekFrom::Start(0)).context("temporary file")?;
        let first = self.entries[0].key;
        let last = self.entries[self.entries.len() - 1].key;
        self.entries.clear();
        self.bytes.clear();
        Ok((file, first, last))
    }
}

/// A run being read during the merge.
enum Cursor {
    Mem {
        entries: Vec<Entry>,
        bytes: Vec<u8>,
        next: usize,
    },
    Disk {
        reader: BufReader<File>,
        /// The files of the chain still to read, in order.
        rest: std::vec::IntoIter<File>,
        line: Vec<u8>,
    },
}

impl Cursor {
    /// Moves to the next match and returns its key.
    fn advance(&mut self) -> std::io::Result<Option<Key>> {
        match self {
            Cursor::Mem { entries, next, .. } => {
                let k = entries.get(*next).map(|e| e.key);
                *next += 1;
                Ok(k)
            }
            Cursor::Disk { reader, rest, line } => {
                let mut head = [0u8; 36];
                loop {
                    match reader.read_exact(&mut head) {
                        Ok(()) => break,
                        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                            // Runs end on a record boundary: next file.
                            match rest.next() {
                                Some(f) => *reader = BufReader::with_capacity(1 << 16, f),
                                None => return Ok(None),
                            }
                        }
                        Err(e) => return Err(e),
                    }
                }
                let ts = i128::from_le_bytes(head[0..16].try_into().expect("16 bytes"));
                let file = u32::from_le_bytes(head[16..20].try_into().expect("4 bytes"));
                let offset = u64::from_le_bytes(head[20..28].try_into().expect("8 bytes"));
                let len = u64::from_le_bytes(head[28..36].try_into().expect("8 bytes")) as usize;
                line.clear();
                line.resize(len, 0);
                reader.read_exact(line)?;
                Ok(Some(Key { ts, file, offset }))
            }
        }
    }

    /// The line of the match `advance` last moved to.
    fn line(&self) -> &[u8] {
        match self {
            Cursor::Mem {
                entries,
                bytes,
                next,
            } => {
                let e = &entries[*next - 1];
                &bytes[e.start..e.start + e.len]
            }
            Cursor::Disk { line, .. } => line,
        }
    }
}

fn merge(
    runs: Vec<Run>,
    limit: Option<usize>,
    sink: &mut impl FnMut(Match<'_>) -> ControlFlow<()>,
) -> std::io::Result<()> {
    let mut cursors: Vec<Cursor> = runs
        .into_iter()
        .map(|r| match r {
            Run::Mem { entries, bytes } => Cursor::Mem {
                entries,
                bytes,
                next: 0,
            },
            Run::Disk(files) => {
                let mut rest = files.into_iter();
                let first = rest.next().expect("a chain has at least one file");
                Cursor::Disk {
                    reader: BufReader::with_capacity(1 << 16, first),
                    rest,
                    line: Vec::new(),
                }
            }
        })
        .collect();
    let mut heap = BinaryHeap::with_capacity(cursors.len());
    for (i, c) in cursors.iter_mut().enumerate() {
        if let Some(k) = c.advance()? {
            heap.push(Reverse((k, i)));
        }
    }
    let mut sent = 0usize;
    while let Some(Reverse((key, i))) = heap.pop() {
        if limit.is_some_and(|l| sent >= l) {
            break;
        }
        let m = Match {
            line: cursors[i].line(),
            time: (key.ts != i128::MIN)
                .then(|| Timestamp::from_nanosecond(key.ts).ok())
                .flatten(),
            file: key.file as usize,
            offset: key.offset,
        };
        sent += 1;
        if sink(m).is_break() {
            break;
        }
        if let Some(k) = cursors[i].advance()? {
            heap.push(Reverse((k, i)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines with times out of order inside each file, big enough to be cut
    /// into slices and to spill many runs (the test constants are small):
    /// the merge must still equal a stable sort by time of all lines in
    /// file order.
    #[test]
    fn slices_and_spills_merge_like_a_stable_sort() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        let mut all: Vec<(Option<i64>, Vec<u8>)> = Vec::new();
        let mut seed = 7u64;
        for f in 0..3 {
            let mut text = Vec::new();
            for i in 0..3000u64 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                let ms = (i * 10 + (seed >> 40) % 300) as i64 + f * 5000;
                let line = if (seed >> 20).is_multiple_of(50) {
                    format!("{{\"n\":\"{f}-{i}\"}}")
                } else {
                    let t = Timestamp::from_millisecond(1_700_000_000_000 + ms).unwrap();
                    format!("{{\"timestamp\":\"{t}\",\"n\":\"{f}-{i}\"}}")
                };
                text.extend_from_slice(line.as_bytes());
                text.push(b'\n');
                let key = line.contains("timestamp").then_some(ms);
                all.push((key, line.into_bytes()));
            }
            let p = dir.path().join(format!("orchestrator.log.{}", 3 - f));
            std::fs::write(&p, text).unwrap();
            files.push(LogFile::named(p));
        }
        all.sort_by_key(|(k, _)| k.map_or(i64::MIN, |k| k));
        let want: Vec<Vec<u8>> = all.into_iter().map(|x| x.1).collect();
        for limit in [None, Some(1), Some(777)] {
            let mut got = Vec::new();
            let opts = SearchOptions {
                limit,
                ..SearchOptions::default()
            };
            let summary = search(&files, &Query::default(), &opts, |m| {
                got.push(m.line.to_vec());
                ControlFlow::Continue(())
            })
            .unwrap();
            let n = limit.unwrap_or(want.len());
            assert_eq!(got.len(), n);
            assert!(got == want[..n], "limit {limit:?}");
            assert_eq!(summary.matched, n as u64);
        }
    }

    /// A file listed in LOG_DIR, then swapped for a link to a file outside
    /// before the search reads it, is not read: the search (and the fold of
    /// stats and incident) goes on and names it among the unreadable files.
    /// The open refuses it too (a swap after the plan), and a FIFO swapped
    /// in neither blocks the open nor is read. Named, a link is followed.
    #[test]
    fn a_listed_file_swapped_for_a_link_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let line = |what: &str| {
            format!("{{\"timestamp\":\"2024-01-15T08:00:00Z\",\"message\":\"{what}\"}}\n")
        };
        std::fs::write(dir.path().join("orchestrator.log"), line("current")).unwrap();
        let swapped = dir.path().join("orchestrator.log.1");
        std::fs::write(&swapped, line("rotated")).unwrap();
        let secret = outside.path().join("secret");
        std::fs::write(&secret, line("outside")).unwrap();
        let files = crate::logs::search_order(dir.path()).unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].path, swapped);
        std::fs::remove_file(&swapped).unwrap();
        std::os::unix::fs::symlink(&secret, &swapped).unwrap();

        let mut got = Vec::new();
        let summary = search(&files, &Query::default(), &SearchOptions::default(), |m| {
            got.push(String::from_utf8_lossy(m.line).into_owned());
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(got, [line("current").trim_end()]);
        assert_eq!(summary.unreadable.len(), 1, "{:?}", summary.unreadable);
        assert_eq!(summary.unreadable[0].0, swapped);
        assert!(
            summary.unreadable[0].1.contains("replaced by a link"),
            "{:?}",
            summary.unreadable
        );
        assert_eq!(summary.exit_status(), crate::error::ExitStatus::Failed);
        let (parts, summary) = fold(&files, &Query::default(), || 0u64, |n, _, _| *n += 1);
        assert_eq!(parts.iter().sum::<u64>(), 1);
        assert_eq!(summary.unreadable.len(), 1);

        let err = files[0].open().unwrap_err();
        assert!(err.to_string().contains("replaced by a link"), "{err}");
        std::fs::remove_file(&swapped).unwrap();
        nix::unistd::mkfifo(&swapped, nix::sys::stat::Mode::S_IRWXU).unwrap();
        let err = files[0].open().unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");

        let link = dir.path().join("named.log");
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        let named = [LogFile::named(&link)];
        let mut got = Vec::new();
        let summary = search(&named, &Query::default(), &SearchOptions::default(), |m| {
            got.push(String::from_utf8_lossy(m.line).into_owned());
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(got, [line("outside").trim_end()]);
        assert!(summary.unreadable.is_empty());
    }

    /// A needle search over settled (mapped, in small slices) files finds
    /// the same lines in the same order as over live (read) files.
    #[test]
    fn mapped_and_read_files_agree() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for f in 0..2 {
            let mut text = Vec::new();
            for i in 0..4000u64 {
                let cid = if i % 7 == 0 { "ab12" } else { "cd34" };
                let t = Timestamp::from_millisecond(1_700_000_000_000 + ((i * 37) % 5000) as i64)
                    .unwrap();
                text.extend(
                    format!(
                        "{{\"timestamp\":\"{t}\",\"correlation_id\":\"{cid}\",\"n\":\"{f}-{i}\"}}\n"
                    )
                    .bytes(),
                );
                if i == 2000 {
                    text.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
                    text.extend(b"ab12\n");
                }
            }
            text.extend(b"{\"correlation_id\":\"ab12\",\"n\":\"tail\"");
            let p = dir.path().join(format!("debug.log.{}", 2 - f));
            std::fs::write(&p, text).unwrap();
            files.push(LogFile::named(p));
        }
        let query = Query {
            correlation_id: Some("ab12".into()),
            ..Query::default()
        };
        let run = || {
            let mut got = Vec::new();
            let summary = search(&files, &query, &SearchOptions::default(), |m| {
                got.push(m.line.to_vec());
                ControlFlow::Continue(())
            })
            .unwrap();
            (got, summary.malformed)
        };
        let (live, live_bad) = run();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for f in &files {
            File::options()
                .write(true)
                .open(&f.path)
                .unwrap()
                .set_modified(old)
                .unwrap();
            assert!(plan(0, f, &query).unwrap().iter().all(|u| u.map));
        }
        let (mapped, mapped_bad) = run();
        assert_eq!(live.len(), 2 * (4000 / 7 + 1));
        assert!(live == mapped);
        assert_eq!(live_bad, mapped_bad);
        assert_eq!(mapped_bad.get(&Malformed::Truncated), Some(&2));
    }
}
