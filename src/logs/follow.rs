//! `--follow`: keep reading the current log files as the daemon appends,
//! across a rotation (the path names a new inode: the old file is read to
//! its end first) and a truncation (the file got shorter: start over at 0).
//! The caller polls; each poll reads what was appended since the last. A
//! file that cannot be read is retried on every poll, but said once when
//! it becomes unreadable and once when it can be read again, not at every
//! poll. Files are opened by the rule of their [`Origin`]: one listed in
//! LOG_DIR is never read through a link.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::ops::ControlFlow;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use super::files::Origin;
use super::query::{Query, Verdict};
use super::record::{Malformed, Record};
use super::scan::{self, ScanOptions};
use super::search::{FileEnd, Match};

/// A file to follow, and what the search before the follow saw of it.
#[derive(Debug, Clone)]
pub struct Start {
    pub path: PathBuf,
    /// Listed in LOG_DIR (or to be created there), or named.
    pub origin: Origin,
    /// Index used as the file's place in the merge order.
    pub index: usize,
    /// Where a search of the same file stopped (to resume right after
    /// it), if it read it.
    pub end: Option<FileEnd>,
    /// The search said it could not read the file: the follow does not say
    /// it again, only when it can be read.
    pub reported_unreadable: bool,
}

/// One file being followed.
struct Target {
    path: PathBuf,
    origin: Origin,
    /// Index used as the file's place in the merge order.
    index: usize,
    file: Option<File>,
    id: (u64, u64),
    /// Where the next read starts (just past the last complete line).
    offset: u64,
    /// The last poll could not open or read it, and that was said.
    failing: bool,
}

/// What one poll saw besides its matches.
#[derive(Debug, Default, Clone)]
pub struct PollReport {
    pub malformed: BTreeMap<Malformed, u64>,
    pub filter_errors: u64,
    /// Files that rotated or were truncated during this poll.
    pub rotated: Vec<PathBuf>,
    /// Files that could not be opened or read, with why: only at the poll
    /// where that began (they are retried quietly at the next ones).
    pub errors: Vec<(PathBuf, String)>,
    /// Files read again in this poll after an error was said of them.
    pub recovered: Vec<PathBuf>,
}

pub struct Follower {
    targets: Vec<Target>,
}

impl Follower {
    /// Follows the files of `starts`.
    pub fn new(starts: Vec<Start>) -> Follower {
        let targets = starts
            .into_iter()
            .map(|st| {
                let mut t = Target {
                    path: st.path,
                    origin: st.origin,
                    index: st.index,
                    file: None,
                    id: (0, 0),
                    offset: 0,
                    failing: st.reported_unreadable,
                };
                if let Ok(f) = t.origin.open(&t.path)
                    && let Ok(m) = f.metadata()
                {
                    t.id = (m.dev(), m.ino());
                    t.offset = match st.end {
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
            match poll_target(t, query, &mut found, &mut report) {
                // Said once; the next polls retry quietly.
                Err(e) if !t.failing => {
                    t.failing = true;
                    report.errors.push((t.path.clone(), e));
                }
                Err(_) => {}
                Ok(()) if t.failing && t.file.is_some() => {
                    t.failing = false;
                    report.recovered.push(t.path.clone());
                }
                Ok(()) => {}
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

/// Reads what one target gained since the last poll; the first error met
/// (the rest of the poll of that target goes on as far as it can).
fn poll_target(
    t: &mut Target,
    query: &Query,
    found: &mut Vec<(i128, usize, u64, Vec<u8>)>,
    report: &mut PollReport,
) -> Result<(), String> {
    let mut first = Ok(());
    // Drain the open handle first: after a rotation it is the old file, and
    // its last lines come before the new file's.
    if t.file.is_some() {
        first = read_new(t, query, false, found, report);
    }
    let meta = match t.origin.metadata(&t.path) {
        Ok(m) => m,
        // Between rename and create.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return first,
        Err(e) => return first.and(Err(e.to_string())),
    };
    let id = (meta.dev(), meta.ino());
    if t.file.is_none() || id != t.id {
        if t.file.is_some() {
            // The old file is finished: a last line without a newline will
            // not be completed any more.
            first = first.and(read_new(t, query, true, found, report));
            report.rotated.push(t.path.clone());
        }
        match t.origin.open(&t.path) {
            Ok(f) => {
                t.file = Some(f);
                t.id = id;
                t.offset = 0;
            }
            Err(e) => {
                t.file = None;
                return first.and(Err(e.to_string()));
            }
        }
        first.and(read_new(t, query, false, found, report))
    } else if meta.len() < t.offset {
        report.rotated.push(t.path.clone());
        t.offset = 0;
        first.and(read_new(t, query, false, found, report))
    } else {
        first
    }
}

fn read_new(
    t: &mut Target,
    query: &Query,
    finished: bool,
    found: &mut Vec<(i128, usize, u64, Vec<u8>)>,
    report: &mut PollReport,
) -> Result<(), String> {
    let Some(file) = t.file.as_mut() else {
        return Ok(());
    };
    file.seek(SeekFrom::Start(t.offset))
        .map_err(|e| e.to_string())?;
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
    let end = result.map_err(|e| e.to_string())?;
    t.offset = end.consumed;
    if end.too_long > 0 {
        *report.malformed.entry(Malformed::TooLong).or_default() += end.too_long;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: u32) -> String {
        format!("{{\"timestamp\":\"2024-01-15T08:00:{n:02}.000Z\",\"n\":{n}}}\n")
    }

    fn append(p: &std::path::Path, text: &str) {
        use std::io::Write;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }

    fn start(path: PathBuf, origin: Origin, index: usize) -> Start {
        Start {
            path,
            origin,
            index,
            end: None,
            reported_unreadable: false,
        }
    }

    /// (lines matched, errors said, recoveries said) of one poll.
    fn poll(f: &mut Follower) -> (Vec<String>, usize, usize) {
        let mut got = Vec::new();
        let r = f.poll(&Query::default(), |m| {
            got.push(String::from_utf8_lossy(m.line).into_owned())
        });
        (got, r.errors.len(), r.recovered.len())
    }

    /// A followed file that cannot be opened (a socket now sits at its
    /// name: unreadable even for root) is said once, retried quietly at
    /// every poll, and said once more when it can be read again; a file
    /// listed in LOG_DIR swapped for a link is not read through it.
    #[test]
    fn unreadable_is_said_once_and_links_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let named = dir.path().join("copy.log");
        let listed = dir.path().join("orchestrator.log");
        let outside = dir.path().join("outside");
        std::fs::write(&named, "").unwrap();
        std::fs::write(&listed, "").unwrap();
        std::fs::write(&outside, line(59)).unwrap();
        let mut f = Follower::new(vec![
            start(named.clone(), Origin::Named, 0),
            start(listed.clone(), Origin::Discovered, 1),
        ]);
        assert_eq!(poll(&mut f), (vec![], 0, 0));

        std::fs::remove_file(&named).unwrap();
        let socket = std::os::unix::net::UnixListener::bind(&named).unwrap();
        std::fs::remove_file(&listed).unwrap();
        std::os::unix::fs::symlink(&outside, &listed).unwrap();
        assert_eq!(poll(&mut f), (vec![], 2, 0));
        for _ in 0..3 {
            assert_eq!(poll(&mut f), (vec![], 0, 0));
        }

        drop(socket);
        std::fs::remove_file(&named).unwrap();
        append(&named, &line(1));
        assert_eq!(poll(&mut f), (vec![line(1).trim_end().to_string()], 0, 1));
        append(&named, &line(2));
        assert_eq!(poll(&mut f), (vec![line(2).trim_end().to_string()], 0, 0));

        std::fs::remove_file(&listed).unwrap();
        append(&listed, &line(3));
        assert_eq!(poll(&mut f), (vec![line(3).trim_end().to_string()], 0, 1));
    }
}
