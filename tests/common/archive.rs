//! Helpers for the backup/restore/drill tests: a sample installation, the
//! trees of its components, and hand-made archives.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use talos::install::Layout;

/// A sample installation in a fresh temp dir.
pub fn sample(db_bytes: u64) -> (tempfile::TempDir, Layout) {
    let dir = tempfile::tempdir().unwrap();
    let layout = talos::archive::sample::create(dir.path(), db_bytes).unwrap();
    (dir, layout)
}

/// Tree hashes of the component directories that a restore owns (config
/// without ssl, ssl, state, db, custom, audit), keyed by component.
pub fn components(layout: &Layout) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for c in talos::install::COMPONENTS {
        let dir = layout.component_dir(c).unwrap();
        let mut t = super::tree_hash(&dir);
        if c == "config" {
            t.retain(|k, _| k != "ssl" && !k.starts_with("ssl/"));
        }
        if c == "logs" {
            t.remove(".lock");
        }
        out.insert(c.to_string(), t);
    }
    out
}

/// The newest backup file in a directory.
pub fn newest_backup(dir: &Path) -> PathBuf {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("backup_")
        })
        .collect();
    v.sort();
    v.pop().expect("a backup")
}
