//! The `crash_loop` finding: the daemon started several times within a
//! few minutes. The evidence (`crate::daemon::crashloop`) is read once per
//! diagnosis and graded the same way by `talos health`.

use super::{Finding, Inputs};
use crate::daemon::crashloop::{self, CRASH_LOOP_RECENT_SECS, CrashLoop};

/// The crash loop of the health report made from the same probe, or
/// detected here when there is none.
pub fn crash_loop(i: &Inputs, out: &mut Vec<Finding>) {
    let detected;
    let found: Option<&CrashLoop> = match i.health() {
        Some(h) => h.crash_loop.as_ref(),
        None => {
            detected = crashloop::detect(i.layout, i.now);
            detected.as_ref()
        }
    };
    if let Some(c) = found {
        out.push(finding(c));
    }
}

/// A crash loop as a finding: a failure while it lasts, a warning for the
/// hour after.
pub fn finding(c: &CrashLoop) -> Finding {
    let f = if c.active() {
        Finding::fail("crash_loop", c.title())
    } else {
        Finding::warn("crash_loop", c.title())
    };
    let pids: Vec<String> = c
        .starts
        .iter()
        .map(|s| {
            format!(
                "{}{}",
                crate::timespec::format_ts(s.at),
                s.pid.map(|p| format!(" (PID {p})")).unwrap_or_default()
            )
        })
        .collect();
    f.evidence(format!("starts: {}", pids.join(", ")))
        .evidence("a daemon that is up only seconds at a time is not healthy, whatever its /health says")
        .fix(format!(
            "find why it exits before restarting it again: `talos log query --since 1h --level ERROR` and `talos audit query --action daemon_start --since 1h`; fix that cause (a supervisor restarting it hides the crash). This clears once the daemon has run {} min without a new start",
            CRASH_LOOP_RECENT_SECS / 60
        ))
}
