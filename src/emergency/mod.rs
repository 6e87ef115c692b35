//! The emergency stop and what follows it: the escalation engine behind
//! `talos panic` (API, SIGNAL_PANIC, SIGTERM, SIGKILL), the emergency state
//! record, the emergency preserve archives and `talos recover`.
//!
//! Nothing here prints. The engine reports each rung through a callback and
//! returns the whole story as a value; the commands render it.

pub mod escalate;
pub mod panic;
pub mod preserve;
pub mod recover;
pub mod state;

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::fsutil::{self, FileLock};
use crate::install::Layout;

/// One panic or recover at a time: both take this lock (exit 4 if held).
pub fn lock(layout: &Layout, what: &str) -> Result<FileLock> {
    FileLock::try_exclusive(&layout.data_dir.join(".emergency.lock"), what)
}

/// `LOG_DIR/panic.log`: one line per step, `[timestamp] LEVEL: message`.
/// A panic must go on even when this log cannot be written, so a failed
/// append is remembered (and reported once) rather than returned.
#[derive(Debug)]
pub struct PanicLog {
    path: PathBuf,
    pub failure: Option<String>,
}

impl PanicLog {
    pub fn new(path: &Path) -> PanicLog {
        PanicLog {
            path: path.to_path_buf(),
            failure: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn info(&mut self, message: &str) {
        self.write("INFO", message);
    }

    pub fn warn(&mut self, message: &str) {
        self.write("WARN", message);
    }

    pub fn error(&mut self, message: &str) {
        self.write("ERROR", message);
    }

    fn write(&mut self, level: &str, message: &str) {
        let line = format!(
            "[{}] {level}: {}",
            crate::timespec::now_rfc3339(),
            message.replace('\n', " ")
        );
        if let Err(e) = fsutil::append_line(&self.path, &line)
            && self.failure.is_none()
        {
            self.failure = Some(format!("cannot append to {}: {e}", self.path.display()));
        }
    }
}
