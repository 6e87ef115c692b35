//! A crash loop: the daemon started several times within a few minutes
//! (its `daemon_start` audit records, and "Orchestrator started" lines in
//! the Tier 2 log). A daemon "up 1 s" is not healthy when it was also up
//! 1 s a minute ago.

use std::io::{Read, Seek, SeekFrom};

use jiff::Timestamp;

use super::{Finding, Inputs};
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
struct Start {
    at: Timestamp,
    pid: Option<u64>,
}

fn pid_in(msg: &str) -> Option<u64> {
    let rest = &msg[msg.find("pid ")? + 4..];
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

fn from_audit(i: &Inputs, since: Timestamp, out: &mut Vec<Start>) {
    // Only the files that can hold a record of the window: a long chain is
    // not read whole for a few minutes of starts (status runs this too).
    let _ = crate::audit::query::for_each_since(&i.layout.audit_dir, Some(since), |rec| {
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

fn from_log(i: &Inputs, since: Timestamp, out: &mut Vec<Start>) {
    let Ok(mut f) = std::fs::File::open(i.layout.orchestrator_log()) else {
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

pub fn crash_loop(i: &Inputs, out: &mut Vec<Finding>) {
    let since =
        i.now - jiff::SignedDuration::from_secs(CRASH_LOOP_RECENT_SECS + CRASH_LOOP_WINDOW_SECS);
    let mut starts = Vec::new();
    from_audit(i, since, &mut starts);
    from_log(i, since, &mut starts);
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
    let recent = i.now - jiff::SignedDuration::from_secs(CRASH_LOOP_RECENT_SECS);
    // The densest window whose newest start is recent.
    let mut best: Option<(usize, Timestamp, Timestamp)> = None;
    for (end_ix, end) in distinct.iter().enumerate() {
        if end.at < recent {
            continue;
        }
        let first_ix = distinct[..=end_ix]
            .iter()
            .position(|s| end.at.as_second() - s.at.as_second() <= CRASH_LOOP_WINDOW_SECS)
            .unwrap_or(end_ix);
        let n = end_ix - first_ix + 1;
        if n >= CRASH_LOOP_STARTS && best.is_none_or(|(b, _, _)| n >= b) {
            best = Some((n, distinct[first_ix].at, end.at));
        }
    }
    let Some((n, first, last)) = best else { return };
    let minutes = ((last.as_second() - first.as_second()) / 60).max(1);
    let newest_age = i.now.as_second() - last.as_second();
    let title = format!(
        "crash loop: the daemon started {n} times within {minutes} min (last start {})",
        crate::output::when_at(last, i.now)
    );
    let f = if newest_age <= CRASH_LOOP_WINDOW_SECS {
        Finding::fail("crash_loop", title)
    } else {
        Finding::warn("crash_loop", title)
    };
    let pids: Vec<String> = distinct
        .iter()
        .filter(|s| s.at >= first && s.at <= last)
        .map(|s| {
            format!(
                "{}{}",
                crate::timespec::format_ts(s.at),
                s.pid.map(|p| format!(" (PID {p})")).unwrap_or_default()
            )
        })
        .collect();
    out.push(
        f.evidence(format!("starts: {}", pids.join(", ")))
            .evidence("a daemon that is up only seconds at a time is not healthy, whatever its /health says")
            .fix(format!(
                "find why it exits before restarting it again: `talos log query --since 1h --level ERROR` and `talos audit query --action daemon_start --since 1h`; fix that cause (a supervisor restarting it hides the crash). This clears once the daemon has run {} min without a new start",
                CRASH_LOOP_RECENT_SECS / 60
            )),
    );
}
