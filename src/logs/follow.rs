//! `--follow`: keep reading the current log files as the daemon appends,
//! across a rotation (the path names a new inode: the old file is read to
//! its end first) and a truncation (the file got shorter: start over at 0).
//! The caller polls; each poll reads what was appended since the last.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::ops::ControlFlow;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use super::query::{Query, Verdict};
use super::record::{Malformed, Record};
use super::scan::{self, ScanOptions};
use super::search::{FileEnd, Match};

/// One file being followed.
struct Target {
    path: PathBuf,
    /// Index used as the file's place in the merge order.
    index: usize,
    file: Option<File>,
    id: (u64, u64),
    /// Where the next read starts (just past the last complete line).
    offset: u64,
}

/// What one poll saw besides its matches.
#[derive(Debug, Default, Clone)]
pub struct PollReport {
    pub malformed: BTreeMap<Malformed, u64>,
    pub filter_errors: u64,
    /// Files that rotated or were truncated during this poll.
    pub rotated: Vec<PathBuf>,
    pub errors: Vec<(PathBuf, String)>,
}

pub struct Follower {
    targets: Vec<Target>,
}

impl Follower {
    /// Follows `paths`; `(path, index, end)` where `end` is where a search of
    /// the same file stopped (to resume right after it), if it read it.
    pub fn new(paths: Vec<(PathBuf, usize, Option<FileEnd>)>) -> Follower {
        let targets = paths
            .into_iter()
            .map(|(path, index, end)| {
                let mut t = Target {
                    path,
                    index,
                    file: None,
                    id: (0, 0),
                    offset: 0,
                };
                if let Ok(f) = File::open(&t.path)
                    && let Ok(m) = f.metadata()
                {
                    t.id = (m.dev(), m.ino());
                    t.offset = match end {
                        Some(e) if (e.dev, e.ino) == t.id => e.consumed,
                        // Not read by the search, or replaced since: all of
                        // it is new.
                        _ => 0,
                    };
                    t.file = Some(f);
                }
                t
            })
            .collect();
        Follower { targets }
    }

    /// Reads what was appended to every target and hands over the matching
    /// complete lines, sorted by (timestamp, file, offset) within the poll.
    pub fn poll(&mut self, query: &Query, mut sink: impl FnMut(Match<'_>)) -> PollReport {
        let mut report = PollReport::default();
        let mut found: Vec<(i128, usize, u64, Vec<u8>)> = Vec::new();
        for t in &mut self.targets {
            // Drain the open handle first: after a rotation it is the old
            // file, and its last lines come before the new file's.
            if t.file.is_some() {
                read_new(t, query, false, &mut found, &mut report);
            }
            let Ok(meta) = std::fs::metadata(&t.path) else {
                continue; // between rename and create
            };
            let id = (meta.dev(), meta.ino());
            if t.file.is_none() || id != t.id {
                if t.file.is_some() {
                    // The old file is finished: a last line without a
                    // newline will not be completed any more.
                    read_new(t, query, true, &mut found, &mut report);
                    report.rotated.push(t.path.clone());
                }
                match File::open(&t.path) {
                    Ok(f) => {
                        t.file = Some(f);
                        t.id = id;
                        t.offset = 0;
                    }
                    Err(e) => {
                        report.errors.push((t.path.clone(), e.to_string()));
                        t.file = None;
                        continue;
                    }
                }
                read_new(t, query, false, &mut found, &mut report);
            } else if meta.len() < t.offset {
                report.rotated.push(t.path.clone());
                t.offset = 0;
                read_new(t, query, false, &mut found, &mut report);
            }
        }
        found.sort_by_key(|a| (a.0, a.1, a.2));
        for (ts, file, offset, line) in &found {
            sink(Match {
                line,
                time: (*ts != i128::MIN)
                    .then(|| jiff::Timestamp::from_nanosecond(*ts).ok())
                    .flatten(),
                file: *file,
                offset: *offset,
            });
        }
        report
    }
}

fn read_new(
    t: &mut Target,
    query: &Query,
    finished: bool,
    found: &mut Vec<(i128, usize, u64, Vec<u8>)>,
    report: &mut PollReport,
) {
    let Some(file) = t.file.as_mut() else {
        return;
    };
    if let Err(e) = file.seek(SeekFrom::Start(t.offset)) {
        report.errors.push((t.path.clone(), e.to_string()));
        return;
    }
    let finder = query.finder();
    let opts = ScanOptions {
        needle: finder.as_ref(),
        start: t.offset,
        hold_tail: !finished,
        ..ScanOptions::default()
    };
    let index = t.index;
    let result = scan::scan(&mut *file, &opts, |line| {
        let rec = match Record::parse(line.bytes) {
            Ok(r) => r,
            Err(kind) => {
                let kind = if line.terminated {
                    kind
                } else {
                    Malformed::Truncated
                };
                *report.malformed.entry(kind).or_default() += 1;
                return ControlFlow::Continue(());
            }
        };
        let time = rec.time();
        match query.test(&rec, time, line.bytes) {
            Verdict::Match => found.push((
                time.map_or(i128::MIN, |t| t.as_nanosecond()),
                index,
                line.offset,
                line.bytes.to_vec(),
            )),
            Verdict::NoMatch => {}
            Verdict::FilterError(_) => report.filter_errors += 1,
        }
        ControlFlow::Continue(())
    });
    match result {
        Ok(end) => {
            t.offset = end.consumed;
            if end.too_long > 0 {
                *report.malformed.entry(Malformed::TooLong).or_default() += end.too_long;
            }
        }
        Err(e) => report.errors.push((t.path.clone(), e.to_string())),
    }
}
