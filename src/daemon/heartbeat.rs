//! The daemon's heartbeat file (STATE_DIR/heartbeat, an RFC 3339 time a
//! live daemon rewrites every second): its age, and whether it moves.

use std::path::Path;
use std::time::{Duration, Instant};

use jiff::Timestamp;

/// Heartbeat age: warn above 10 s, fail above 30 s.
pub const HEARTBEAT_WARN_SECS: f64 = 10.0;
pub const HEARTBEAT_FAIL_SECS: f64 = 30.0;
/// A heartbeat dated more than this ahead of now is not fresh: the clock
/// went back (or the file was written by another host), and its age says
/// nothing about the daemon.
pub const HEARTBEAT_FUTURE_SECS: f64 = 10.0;

/// The age of a heartbeat that is fresh *and* being rewritten: the file
/// changes within `window` (a live daemon rewrites it every second). A
/// daemon killed a moment ago leaves a fresh heartbeat that no longer moves.
pub fn heartbeat_alive(path: &Path, window: Duration) -> Option<f64> {
    let (first, age) = read_heartbeat(path, crate::clock::now()).ok()?;
    if !heartbeat_fresh(age) {
        return None;
    }
    let until = Instant::now() + window;
    while Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
        if let Ok((t, age)) = read_heartbeat(path, crate::clock::now())
            && t != first
        {
            return Some(age);
        }
    }
    None
}

/// How long to watch a heartbeat for a rewrite.
pub const HEARTBEAT_WATCH: Duration = Duration::from_millis(1600);

/// A heartbeat age that shows a working daemon: at most 10 s old and not
/// from the future.
pub fn heartbeat_fresh(age: f64) -> bool {
    (-HEARTBEAT_FUTURE_SECS..=HEARTBEAT_WARN_SECS).contains(&age)
}

/// Reads the heartbeat file: its timestamp and its age in seconds at `now`.
pub fn read_heartbeat(path: &Path, now: Timestamp) -> Result<(Timestamp, f64), String> {
    let text =
        crate::fsutil::read_small_string(path, crate::fsutil::SMALL_FILE_CAP).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                format!("no heartbeat file ({})", path.display())
            } else {
                format!("cannot read {}: {e}", path.display())
            }
        })?;
    let ts: Timestamp = text.trim().parse().map_err(|e| {
        format!(
            "the heartbeat file does not hold a timestamp ({:?}): {e}",
            text.trim()
        )
    })?;
    let age = now.duration_since(ts).as_secs_f64();
    Ok((ts, age))
}
