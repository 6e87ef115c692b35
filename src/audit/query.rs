//! Reading the audit trail: records filtered by action and time, optionally
//! only the last N. Reading is not verifying: damaged lines are counted and
//! skipped, and `talos audit verify-chain` says what they are.

use std::collections::VecDeque;
use std::io::BufReader;
use std::path::Path;

use jiff::Timestamp;

use super::{Record, audit_files};
use crate::error::{Context, Result};

#[derive(Debug, Clone, Default)]
pub struct QueryFilter {
    /// Keep records whose action is one of these (exact match).
    pub actions: Vec<String>,
    /// Keep records at or after this time.
    pub since: Option<Timestamp>,
    /// Keep only the last N matches.
    pub last: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct QueryResult {
    pub records: Vec<Record>,
    /// Records read (matching or not).
    pub scanned: u64,
    /// Lines that are not intact records (bad JSON or hash): skipped.
    pub damaged: u64,
}

impl QueryFilter {
    fn matches(&self, rec: &Record) -> bool {
        if !self.actions.is_empty() && !self.actions.contains(&rec.action) {
            return false;
        }
        if let Some(since) = self.since {
            match rec.timestamp.parse::<Timestamp>() {
                Ok(t) if t >= since => {}
                _ => return false,
            }
        }
        true
    }
}

/// The records of the chain in `audit_dir` that match, in chain order.
/// Holds only the matches (the last N of them with `last`).
pub fn query(audit_dir: &Path, filter: &QueryFilter) -> Result<QueryResult> {
    let mut kept: VecDeque<Record> = VecDeque::new();
    let (scanned, damaged) = for_each(audit_dir, |rec| {
        if !filter.matches(&rec) {
            return;
        }
        kept.push_back(rec);
        if let Some(last) = filter.last
            && kept.len() > last
        {
            kept.pop_front();
        }
    })?;
    Ok(QueryResult {
        records: kept.into(),
        scanned,
        damaged,
    })
}

/// Calls `each` with every intact record of the chain in `audit_dir`, in
/// chain order, one at a time: memory stays bounded (one capped line) however
/// long the chain. Returns (records read, damaged lines skipped).
pub fn for_each(audit_dir: &Path, each: impl FnMut(Record)) -> Result<(u64, u64)> {
    for_each_since(audit_dir, None, each)
}

/// How far before `since` a file's last record may be and the file still be
/// read: records are written in time order, give or take a clock step.
const SINCE_MARGIN: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

/// Like [`for_each`], but the files whose last record is dated more than an
/// hour before `since` are not read at all: a report on the last day reads
/// the newest file or two, not months of records. Records before `since`
/// in the files read are still handed over.
pub fn for_each_since(
    audit_dir: &Path,
    since: Option<Timestamp>,
    mut each: impl FnMut(Record),
) -> Result<(u64, u64)> {
    let (mut scanned, mut damaged) = (0u64, 0u64);
    let mut line = Vec::new();
    let mut files = audit_files(audit_dir)?;
    if let Some(since) = since {
        // The first file that may hold a record of the window, and all after.
        let first = files
            .iter()
            .rposition(|(_, p)| last_time(p).is_some_and(|t| t < since - SINCE_MARGIN))
            .map_or(0, |i| i + 1);
        files.drain(..first);
    }
    for (_, path) in files {
        let file = crate::fsutil::open_regular(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let mut reader = BufReader::with_capacity(1 << 20, file);
        loop {
            let got = crate::logfiles::read_line_capped(
                &mut reader,
                &mut line,
                crate::logfiles::MAX_LINE,
            )
            .with_context(|| format!("cannot read {}", path.display()))?;
            let Some(complete) = got else {
                break;
            };
            if !complete {
                damaged += 1;
                continue;
            }
            let body = line.strip_suffix(b"\n").unwrap_or(&line);
            if body.is_empty() {
                continue;
            }
            let Ok(rec) = Record::parse(body) else {
                damaged += 1;
                continue;
            };
            scanned += 1;
            each(rec);
        }
    }
    Ok((scanned, damaged))
}

/// The time of the last intact record of a file, read from its last 64 KiB.
fn last_time(path: &Path) -> Option<Timestamp> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = crate::fsutil::open_regular(path).ok()?;
    let len = f.metadata().ok()?.len();
    let from = len.saturating_sub(64 << 10);
    f.seek(SeekFrom::Start(from)).ok()?;
    let mut tail = Vec::new();
    f.take(64 << 10).read_to_end(&mut tail).ok()?;
    let body = tail.strip_suffix(b"\n").unwrap_or(&tail);
    let start = match memchr::memrchr(b'\n', body) {
        Some(i) => i + 1,
        None if from == 0 => 0,
        None => return None,
    };
    let rec = Record::parse(&body[start..]).ok()?;
    rec.timestamp.parse::<Timestamp>().ok()
}
