//! The daemon's start history: its `daemon_start` audit records and the
//! "Orchestrator started" lines of the Tier 2 log, and the crash loop they
//! show (several starts within a few minutes). A daemon "up 1 s" is not
//! healthy when it was also up 1 s a minute ago. One value, read once per
//! diagnosis: `talos health` grades it, `talos doctor` and `talos status`
//! turn it into their `crash_loop` finding.

use std::io::{Read, Seek, SeekFrom};

use jiff::Timestamp;

use crate::install::Layout;
use crate::logfiles;

/// This many starts ...
pub const CRASH_LOOP_STARTS: usize = 3;
/// ... within this many seconds make a loop ...
pub const CRASH_LOOP_WINDOW_SECS: i64 = 600;
/// ... when the newest of them is at most this old.
pub const CRASH_LOOP_RECENT_SECS: i64 = 3600;
/// The tail of the Tier 2 log searched for start lines.
const LOG_TAIL_BYTES: u64 = 4 * 1024 * 1024;

/// One start: when, and the PID when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Start {
    pub at: Timestamp,
    pub pid: Option<u64>,
}

fn pid_in(msg: &str) -> Option<u64> {
    let rest = &msg[msg.find("pid ")? + 4..];
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

fn from_audit(layout: &Layout, since: Timestamp, out: &mut Vec<Start>) {
    // Only the files that can hold a record of the window: a long chain is
    // not read whole for a few minutes of starts (status runs this too).
    let _ = crate::audit::query::for_each_since(&layout.audit_dir, Some(since), |rec| {
        if rec.action != "daemon_start" {
            return;
        }
        let Some(at) = logfiles::parse_ts(&rec.timestamp) else {
            return;
        };
        if at >= since {
            out.push(Start {
                at,
                pid: rec.details.get("pid").and_then(|p| p.as_u64()),
            });
        }
    });
}

fn from_log(layout: &Layout, since: Timestamp, out: &mut Vec<Start>) {
    let Ok(mut f) = crate::fsutil::open_regular(layout.orchestrator_log()) else {
        return;
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let start = len.saturating_sub(LOG_TAIL_BYTES);
    if f.seek(SeekFrom::Start(start)).is_err() {
        return;
    }
    let mut buf = Vec::new();
    if f.take(LOG_TAIL_BYTES).read_to_end(&mut buf).is_err() {
        return;
    }
    for line in buf.split(|b| *b == b'\n').skip(usize::from(start > 0)) {
        if memchr::memmem::find(line, b"Orchestrator started").is_none() {
            continue;
        }
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(line) else {
            continue;
        };
        let Some(obj) = v.as_object() else { continue };
        let msg = obj.get("message").and_then(|m| m.as_str()).unwrap_or("");
        if !msg.starts_with("Orchestrator started") {
            continue;
        }
        if let Some(at) = logfiles::json_ts(obj)
            && at >= since
        {
            out.push(Start {
                at,
                pid: pid_in(msg),
            });
        }
    }
}

/// A crash loop: the densest run of starts within the window whose newest
/// start is recent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrashLoop {
    /// The starts of the run, oldest first (at least `CRASH_LOOP_STARTS`).
    pub starts: Vec<Start>,
    /// Seconds from the newest start to now.
    pub newest_age_s: i64,
}

impl CrashLoop {
    pub fn first(&self) -> Timestamp {
        self.starts[0].at
    }

    pub fn last(&self) -> Timestamp {
        self.starts[self.starts.len() - 1].at
    }

    /// Still looping: the newest start is within the window (a failure);
    /// older, it may have settled (a warning until the hour is over).
    pub fn active(&self) -> bool {
        self.newest_age_s <= CRASH_LOOP_WINDOW_SECS
    }

    /// One line for people: "crash loop: the daemon started 4 times within
    /// 1 min (last start 2s ago)".
    pub fn title(&self) -> String {
        let minutes = ((self.last().as_second() - self.first().as_second()) / 60).max(1);
        format!(
            "crash loop: the daemon started {} times within {minutes} min (last start {})",
            self.starts.len(),
            crate::units::when_at(
                self.last(),
                self.last() + jiff::SignedDuration::from_secs(self.newest_age_s)
            )
        )
    }
}

/// The crash loop the start history shows at `now`, if any.
pub fn detect(layout: &Layout, now: Timestamp) -> Option<CrashLoop> {
    let since =
        now - jiff::SignedDuration::from_secs(CRASH_LOOP_RECENT_SECS + CRASH_LOOP_WINDOW_SECS);
    let mut starts = Vec::new();
    from_audit(layout, since, &mut starts);
    from_log(layout, since, &mut starts);
    starts.sort();
    // The audit record and the log line of one start: the same PID within
    // a few seconds (or no PID known on one side).
    let mut distinct: Vec<Start> = Vec::new();
    for s in starts {
        let dup = distinct.iter().any(|d| {
            (d.at.as_second() - s.at.as_second()).abs() <= 5
                && (d.pid == s.pid || d.pid.is_none() || s.pid.is_none())
        });
        if !dup {
            distinct.push(s);
        }
    }
    let recent = now - jiff::SignedDuration::from_secs(CRASH_LOOP_RECENT_SECS);
    // The densest window whose newest start is recent.
    let mut best: Option<(usize, usize)> = None;
    for (end_ix, end) in distinct.iter().enumerate() {
        if end.at < recent {
            continue;
        }
        let first_ix = distinct[..=end_ix]
            .iter()
            .position(|s| end.at.as_second() - s.at.as_second() <= CRASH_LOOP_WINDOW_SECS)
            .unwrap_or(end_ix);
        let n = end_ix - first_ix + 1;
        if n >= CRASH_LOOP_STARTS && best.is_none_or(|(f, e)| n > e - f) {
            best = Some((first_ix, end_ix));
        }
    }
    let (first_ix, end_ix) = best?;
    let starts = distinct[first_ix..=end_ix].to_vec();
    Some(CrashLoop {
        newest_age_s: now.as_second() - starts[starts.len() - 1].at.as_second(),
        starts,
    })
}
