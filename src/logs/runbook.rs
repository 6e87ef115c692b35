//! `talos log query` as one operation: which files to read, the search of
//! them in time order, then (with `--follow`) the lines appended since,
//! across rotations. The caller gets every match and every step through one
//! callback (to print them as they come) and a [`QueryReport`] at the end;
//! nothing here prints.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::files::{LogFile, Origin, Tier, search_order};
use super::follow::{Follower, PollReport, Start};
use super::query::Query;
use super::record::Record;
use super::search::{Match, SearchOptions, Summary, search};
use super::stats::{Stats, StatsReport};
use super::trace::Trace;
use crate::error::{Error, ExitStatus, Result};

/// How often `--follow` looks for new lines.
const POLL: Duration = Duration::from_millis(250);

/// What to search and how (built from `log query`'s arguments).
#[derive(Debug)]
pub struct QueryOptions {
    pub query: Query,
    /// LOG_DIR of the installation.
    pub log_dir: PathBuf,
    /// Files named by the operator; empty: every Tier 2/3 file of `log_dir`.
    pub files: Vec<PathBuf>,
    /// Only count the matches; none is handed out.
    pub count_only: bool,
    /// Stop after this many matches (in time order, then as they come).
    pub limit: Option<usize>,
    /// After the search, keep reading what the current files gain.
    pub follow: bool,
}

/// A step of the operation, in the order they happen.
#[derive(Debug)]
pub enum QueryEvent<'a> {
    /// LOG_DIR holds no Tier 2/3 file (the search goes on, over nothing).
    NoLogFiles(&'a Path),
    /// The files are known; the search starts.
    Searching(&'a [LogFile]),
    /// A matching line, in time order (while following: in the order of
    /// each poll).
    Match(Match<'a>),
    /// The search of the files as they were is over: what it saw besides
    /// its matches.
    Searched(&'a Summary),
    /// `--follow` reads these files from now on.
    Following(&'a [PathBuf]),
    /// One poll of `--follow` is over (its matches came before).
    Polled(&'a PollReport),
}

/// What a query did.
#[derive(Debug)]
pub struct QueryReport {
    /// The search over the files as they were: files, matches (the count of
    /// `--count`), malformed lines by kind, `--filter` errors, unreadable
    /// files.
    pub summary: Summary,
    /// Matches handed to the callback (search and follow).
    pub shown: u64,
    /// Stopped because `--limit` matches were handed out (more lines may
    /// match).
    pub truncated: bool,
    /// Ok, or Failed when a file (or the rest of a compressed one) could
    /// not be read: the results are incomplete.
    pub exit: ExitStatus,
}

/// The files to search: the ones named (each must exist), or every Tier 2/3
/// file of `log_dir` in search order (oldest rotation first, Tier 2 before
/// Tier 3; docs/logs.md).
pub fn files_to_search(log_dir: &Path, named: &[PathBuf]) -> Result<Vec<LogFile>> {
    if !named.is_empty() {
        let mut out = Vec::new();
        for p in named {
            if !p.is_file() {
                return Err(Error::failed(format!("no such log file: {}", p.display()))
                    .hint("name an existing file, or leave FILE out to search every Tier 2/3 file of the log directory"));
            }
            out.push(LogFile::named(p));
        }
        return Ok(out);
    }
    match search_order(log_dir) {
        Ok(files) => Ok(files),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::failed(format!(
            "the log directory {} does not exist",
            log_dir.display()
        ))
        .hint(
            "point --root at the installation (or set TALOS_ROOT), or name the log files to search",
        )),
        Err(e) => Err(Error::failed(format!(
            "cannot list the log directory {}",
            log_dir.display()
        ))
        .with_source(e)),
    }
}

/// Runs a query: resolves the files, searches them, and follows the
/// current ones when asked, handing every step to `on_event`. An error
/// from `on_event` (stdout went away) stops the operation and is returned.
/// Unreadable files do not stop it: they are in the report, whose exit
/// status says the results are incomplete. With `follow` and no limit it
/// returns only on an error (the process ends on Ctrl-C).
pub fn query(
    opts: &QueryOptions,
    mut on_event: impl FnMut(QueryEvent<'_>) -> Result<()>,
) -> Result<QueryReport> {
    let files = files_to_search(&opts.log_dir, &opts.files)?;
    if opts.files.is_empty() && files.is_empty() {
        on_event(QueryEvent::NoLogFiles(&opts.log_dir))?;
    }
    on_event(QueryEvent::Searching(&files))?;
    let search_opts = SearchOptions {
        count_only: opts.count_only,
        limit: opts.limit,
        hold_tail: opts.follow,
    };
    let mut shown = 0u64;
    let mut failed = None;
    let summary = search(&files, &opts.query, &search_opts, |m| {
        shown += 1;
        match on_event(QueryEvent::Match(m)) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                failed = Some(e);
                ControlFlow::Break(())
            }
        }
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    on_event(QueryEvent::Searched(&summary))?;
    let limit_reached = |shown: u64| opts.limit.is_some_and(|l| shown >= l as u64);
    let mut report = QueryReport {
        exit: summary.exit_status(),
        truncated: limit_reached(shown),
        summary,
        shown,
    };
    if !opts.follow || report.truncated {
        return Ok(report);
    }
    let targets = follow_targets(opts, &files, &report.summary);
    let paths: Vec<PathBuf> = targets.iter().map(|t| t.path.clone()).collect();
    on_event(QueryEvent::Following(&paths))?;
    let mut follower = Follower::new(targets);
    loop {
        let mut failed = None;
        let poll = follower.poll(&opts.query, |m| {
            if failed.is_some() || limit_reached(report.shown) {
                return;
            }
            report.shown += 1;
            if let Err(e) = on_event(QueryEvent::Match(m)) {
                failed = Some(e);
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
        on_event(QueryEvent::Polled(&poll))?;
        if limit_reached(report.shown) {
            report.truncated = true;
            return Ok(report);
        }
        std::thread::sleep(POLL);
    }
}

/// What `talos log trace ID` found.
#[derive(Debug)]
pub struct TraceReport {
    pub id: String,
    /// Files searched.
    pub files: usize,
    /// Malformed lines by kind and the files that could not be read.
    pub summary: Summary,
    /// The call tree; None when no line belongs to the id.
    pub tree: Option<Trace>,
}

impl TraceReport {
    /// Why a trace that found no line of its id fails, and what to try.
    pub fn no_lines(&self) -> Error {
        let id = &self.id;
        Error::failed(format!(
            "no log line belongs to correlation id {id} in {} file(s)",
            self.files
        ))
        .hint(
            "check the id (16 hex characters); older lines may have rotated out of the 50 MB ring",
        )
        .hint(format!(
            "`talos log query --contains {id}` finds it in messages"
        ))
    }
}

/// `talos log trace`: every line of `id` in `files` (docs/format.md,
/// "belongs to"), in time order, built into its call tree. Unreadable
/// files do not stop it: they are in the report's summary.
pub fn trace(files: &[LogFile], id: &str) -> Result<TraceReport> {
    let query = Query {
        correlation_id: Some(id.to_string()),
        ..Query::default()
    };
    let mut records: Vec<Record<'static>> = Vec::new();
    let summary = search(files, &query, &SearchOptions::default(), |m| {
        if let Some(r) = m.record() {
            records.push(r.into_owned());
        }
        ControlFlow::Continue(())
    })?;
    Ok(TraceReport {
        id: id.to_string(),
        files: files.len(),
        summary,
        tree: (!records.is_empty()).then(|| super::trace::build(id, &records)),
    })
}

/// `talos log stats`: the counts over the lines of `files` in
/// `[since, until)`, folded on every core.
pub fn stats(
    files: &[LogFile],
    since: Option<jiff::Timestamp>,
    until: Option<jiff::Timestamp>,
) -> StatsReport {
    let query = Query {
        since,
        until,
        ..Query::default()
    };
    let (parts, summary) =
        super::search::fold(files, &query, Stats::default, |s, r, t| s.add(r, t));
    let mut stats = Stats::default();
    for p in parts {
        stats.merge(p);
    }
    StatsReport::new(files.len(), stats, summary)
}

/// The files still being written, each with where the search stopped in
/// it and whether it said it could not read it: of LOG_DIR, the current
/// file of each tier (followed even when it does not exist yet); of the
/// files named, every one but the compressed.
fn follow_targets(opts: &QueryOptions, files: &[LogFile], summary: &Summary) -> Vec<Start> {
    let start = |i: usize, f: &LogFile| Start {
        path: f.path.clone(),
        origin: f.origin,
        index: i,
        end: summary.ends.get(i).copied().flatten(),
        reported_unreadable: summary.unreadable.iter().any(|(p, _)| *p == f.path),
    };
    if !opts.files.is_empty() {
        return files
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.gzip)
            .map(|(i, f)| start(i, f))
            .collect();
    }
    let mut t: Vec<Start> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.is_current())
        .map(|(i, f)| start(i, f))
        .collect();
    for tier in Tier::ALL {
        let p = opts.log_dir.join(tier.base_name());
        if !t.iter().any(|x| x.path == p) {
            t.push(Start {
                path: p,
                origin: Origin::Discovered,
                index: files.len() + t.len(),
                end: None,
                reported_unreadable: false,
            });
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(t: &str, level: &str, id: &str) -> String {
        format!(
            "{{\"timestamp\":\"{t}\",\"level\":\"{level}\",\"correlation_id\":\"{id}\",\"message\":\"m\"}}\n"
        )
    }

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, bytes).unwrap();
        enc.finish().unwrap()
    }

    /// Steps seen by the callback, as text.
    fn run(opts: &QueryOptions) -> (Vec<String>, QueryReport) {
        let mut seen = Vec::new();
        let report = query(opts, |e| {
            seen.push(match e {
                QueryEvent::NoLogFiles(_) => "none".to_string(),
                QueryEvent::Searching(f) => format!("searching {}", f.len()),
                QueryEvent::Match(m) => {
                    format!("match {}", String::from_utf8_lossy(&m.line[14..38]))
                }
                QueryEvent::Searched(s) => format!("searched {}", s.matched),
                QueryEvent::Following(p) => format!("following {}", p.len()),
                QueryEvent::Polled(_) => "polled".to_string(),
            });
            Ok(())
        })
        .unwrap();
        (seen, report)
    }

    fn options(log_dir: &Path) -> QueryOptions {
        QueryOptions {
            query: Query {
                levels: vec!["ERROR".into()],
                ..Query::default()
            },
            log_dir: log_dir.to_path_buf(),
            files: Vec::new(),
            count_only: false,
            limit: None,
            follow: false,
        }
    }

    #[test]
    fn the_report_counts_what_the_callback_saw() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let current = line("2024-01-15T08:00:02.000Z", "ERROR", "a")
            + "not json\n"
            + &line("2024-01-15T08:00:03.000Z", "INFO", "b");
        std::fs::write(d.join("orchestrator.log"), current).unwrap();
        let older = line("2024-01-15T08:00:01.000Z", "ERROR", "c");
        std::fs::write(d.join("orchestrator.log.1"), gz(older.as_bytes())).unwrap();
        // Gzip magic, then garbage: the rest cannot be read.
        std::fs::write(d.join("debug.log.1.gz"), [0x1f, 0x8b, 8, 0, 1, 2, 3]).unwrap();
        let (seen, report) = run(&options(d));
        assert_eq!(
            seen,
            [
                "searching 3",
                "match 2024-01-15T08:00:01.000Z",
                "match 2024-01-15T08:00:02.000Z",
                "searched 2",
            ]
        );
        assert_eq!((report.shown, report.truncated), (2, false));
        assert_eq!(report.summary.files, 3);
        assert_eq!(report.summary.malformed_total(), 1);
        assert_eq!(report.summary.unreadable.len(), 1);
        assert_eq!(report.exit, ExitStatus::Failed);

        std::fs::remove_file(d.join("debug.log.1.gz")).unwrap();
        let mut opts = options(d);
        opts.limit = Some(1);
        let (seen, report) = run(&opts);
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert_eq!((report.shown, report.truncated), (1, true));
        assert_eq!(report.exit, ExitStatus::Ok);

        opts.limit = None;
        opts.count_only = true;
        let (seen, report) = run(&opts);
        assert_eq!(seen, ["searching 2", "searched 2"]);
        assert_eq!(report.shown, 0);
    }

    /// trace and stats are values: the tree of one id (none for an id no
    /// line belongs to, with the error that says so), and the counts.
    #[test]
    fn trace_and_stats_return_their_reports() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let lines = line("2024-01-15T08:00:01.000Z", "ERROR", "a")
            + &line("2024-01-15T08:00:02.000Z", "INFO", "a:child")
            + &line("2024-01-15T09:30:00.000Z", "INFO", "b")
            + "not json: a\n";
        std::fs::write(d.join("orchestrator.log"), lines).unwrap();
        let files = files_to_search(d, &[]).unwrap();

        let t = trace(&files, "a").unwrap();
        let tree = t.tree.as_ref().unwrap();
        assert_eq!((t.files, tree.lines, tree.errors), (1, 2, 1));
        assert_eq!(tree.root.children[0].correlation_id, "a:child");
        assert_eq!(t.summary.malformed_total(), 1);
        let none = trace(&files, "c").unwrap();
        assert!(none.tree.is_none());
        let err = none.no_lines().to_string();
        assert!(
            err.contains("no log line belongs to correlation id c in 1 file(s)"),
            "{err}"
        );

        let s = stats(&files, None, None);
        assert_eq!((s.files, s.lines, s.malformed), (1, 3, 1));
        assert_eq!(s.by_level[0].name, "INFO");
        assert_eq!(s.by_level[0].count, 2);
        assert_eq!(s.errors_per_hour.len(), 1);
        assert_eq!(s.hours.values().sum::<u64>(), 1);
        let since = "2024-01-15T09:00:00Z".parse().ok();
        assert_eq!(stats(&files, since, None).lines, 1);
    }

    #[test]
    fn files_to_search_named_missing_and_empty() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let (seen, _) = run(&options(d));
        assert_eq!(seen, ["none", "searching 0", "searched 0"]);
        let err = files_to_search(&d.join("nope"), &[]).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
        let err = files_to_search(d, &[d.join("missing.log")]).unwrap_err();
        assert!(err.to_string().contains("no such log file"), "{err}");
        std::fs::write(d.join("panic.log"), "").unwrap();
        let named = files_to_search(d, &[d.join("panic.log")]).unwrap();
        assert_eq!((named.len(), named[0].tier), (1, None));
    }
}
