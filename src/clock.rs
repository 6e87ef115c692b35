//! The one place talos asks what time it is.
//!
//! `TALOS_NOW` (an RFC 3339 time, e.g. `2026-01-15T12:00:00Z`) fixes "now"
//! for every time talos reads, shows or records: relative `--since`, ages,
//! heartbeat and certificate checks, backup names, audit timestamps. It
//! exists for practice sandboxes made with `sandbox init --now` and for
//! golden-screen tests (docs/format.md §8). Unset or empty, it is the real
//! clock. A value that does not parse is ignored with a warning rather than
//! silently mixing clocks.
//!
//! Three reads stay on the real clock on purpose, because they compare with
//! something the kernel or a remote dated: PID verification (process start
//! times), ages of temporary files from their mtime, and S3 request signing.

use std::sync::OnceLock;

use jiff::Timestamp;

pub const ENV: &str = "TALOS_NOW";

/// What `TALOS_NOW` says: a fixed time, or why it cannot be one.
fn setting() -> &'static Result<Option<Timestamp>, String> {
    static SETTING: OnceLock<Result<Option<Timestamp>, String>> = OnceLock::new();
    SETTING.get_or_init(|| {
        let Ok(text) = std::env::var(ENV) else {
            return Ok(None);
        };
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse::<Timestamp>().map(Some).map_err(|e| {
            format!("{ENV}={text} is not an RFC 3339 time ({e}); using the real clock")
        })
    })
}

fn fixed() -> Option<Timestamp> {
    setting().as_ref().ok().copied().flatten()
}

/// Why `TALOS_NOW` is ignored, for main to warn about once.
pub fn problem() -> Option<&'static str> {
    setting().as_ref().err().map(String::as_str)
}

/// Now: `TALOS_NOW` when set, else the real clock.
pub fn now() -> Timestamp {
    fixed().unwrap_or_else(Timestamp::now)
}

/// Whether `TALOS_NOW` fixes the clock.
pub fn is_fixed() -> bool {
    fixed().is_some()
}
