//! Repairs an operator runs after a failure: drop unparseable JSON lines,
//! put back a config.yaml that validates, free disk space (docs/runbook.md F-005,
//! F-006). Each builds a plan first (what `--dry-run` shows), and the same
//! plan drives the real run.

pub mod audit;
pub mod config;
pub mod jsonl;
pub mod prune;

use std::path::{Path, PathBuf};

/// `path` made absolute and with symlinks resolved where it exists, so that
/// "is this under AUDIT_DIR" cannot be dodged with `..` or a link.
pub fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    // A file that does not exist yet: resolve its parent.
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => resolved(parent).join(name),
        _ => std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// True when `path` is `dir` or inside it (after resolving both).
pub fn is_within(path: &Path, dir: &Path) -> bool {
    resolved(path).starts_with(resolved(dir))
}
