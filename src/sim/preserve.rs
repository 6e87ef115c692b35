//! The emergency preserve a live daemon writes when it panics (docs/format.md):
//! `DATA_DIR/emergency_preserves/emergency_YYYYMMDD_HHMMSS.tar.gz` holding
//! `config/` (without `ssl/` and `secrets/`), `state/`, `logs/`, `task_queue.json` and `metadata.json`; at
//! most 10 are kept, the oldest go first.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::json;

use crate::install::Layout;

pub const KEEP: usize = 10;

fn add_dir(
    tar: &mut tar::Builder<GzEncoder<File>>,
    src: &Path,
    name: &str,
    skip: &[&Path],
) -> std::io::Result<()> {
    if !src.is_dir() {
        return Ok(());
    }
    tar.append_dir(name, src)?;
    let mut entries: Vec<_> = std::fs::read_dir(src)?.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if skip.iter().any(|s| *s == path) {
            continue;
        }
        let child = format!("{name}/{}", entry.file_name().to_string_lossy());
        let ft = entry.file_type()?;
        if ft.is_dir() {
            add_dir(tar, &path, &child, skip)?;
        } else if ft.is_file() {
            tar.append_path_with_name(&path, &child)?;
        }
    }
    Ok(())
}

/// Writes one preserve archive under a temporary name, syncs it, renames it
/// into place, and prunes all but the newest `KEEP`.
pub fn write(layout: &Layout, reason: &str, now: jiff::Timestamp) -> std::io::Result<PathBuf> {
    let dir = layout.preserves_dir();
    std::fs::create_dir_all(&dir)?;
    let stamp = now.strftime("%Y%m%d_%H%M%S").to_string();
    let tmp = dir.join(format!(
        ".emergency_{stamp}.tar.gz.tmp{}",
        std::process::id()
    ));
    let result = (|| -> std::io::Result<PathBuf> {
        let file = File::create(&tmp)?;
        let mut tar = tar::Builder::new(GzEncoder::new(file, Compression::fast()));
        tar.mode(tar::HeaderMode::Complete);
        // CONFIG_DIR without ssl/ and secrets/: the admin token never goes
        // into a preserve (docs/format.md), as in the preserve talos writes.
        let skip = [layout.ssl_dir.as_path(), layout.secrets_dir.as_path()];
        add_dir(&mut tar, &layout.config_dir, "config", &skip)?;
        add_dir(&mut tar, &layout.state_dir, "state", &[])?;
        tar.append_dir("logs", &layout.log_dir)?;
        let log = layout.orchestrator_log();
        if log.is_file() {
            tar.append_path_with_name(&log, "logs/orchestrator.log")?;
        }
        if layout.task_queue().is_file() {
            tar.append_path_with_name(layout.task_queue(), "task_queue.json")?;
        }
        let meta = json!({
            "timestamp": crate::timespec::format_ts(now),
            "reason": reason,
            "hostname": crate::fsutil::hostname(),
            "talos_version": crate::VERSION,
            "preserve_version": "1.0",
            "written_by": "talos-sim",
        });
        let bytes = serde_json::to_vec_pretty(&meta)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(crate::install::SECRET_FILE_MODE);
        header.set_mtime(now.as_second().max(0) as u64);
        header.set_cksum();
        tar.append_data(&mut header, "metadata.json", &bytes[..])?;
        let mut gz = tar.into_inner()?;
        gz.flush()?;
        let file = gz.finish()?;
        file.sync_all()?;
        let final_path = place(&tmp, &dir, now)?;
        File::open(&dir)?.sync_all()?;
        Ok(final_path)
    })();
    let _ = std::fs::remove_file(&tmp);
    let final_path = result?;
    prune(&dir);
    Ok(final_path)
}

/// Links the finished archive in as `emergency_YYYYMMDD_HHMMSS.tar.gz`
/// (docs/format.md). When that name is taken (two panics in one second, or
/// talos's own preserve), or an existing preserve is newer (a clock set
/// back), the next free second is used, so the name keeps the contract's
/// format and the newest preserve always sorts last. The link never
/// replaces an existing file.
fn place(tmp: &Path, dir: &Path, now: jiff::Timestamp) -> std::io::Result<PathBuf> {
    let newest = std::fs::read_dir(dir)?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|n| {
            let stamp = n.strip_prefix("emergency_")?.strip_suffix(".tar.gz")?;
            jiff::civil::DateTime::strptime("%Y%m%d_%H%M%S", stamp)
                .ok()?
                .to_zoned(jiff::tz::TimeZone::UTC)
                .ok()
                .map(|z| z.timestamp())
        })
        .max();
    let mut start = now;
    if let Some(t) = newest
        && t >= start
    {
        start = t + jiff::SignedDuration::from_secs(1);
    }
    for bump in 0..120 {
        let t = start + jiff::SignedDuration::from_secs(bump);
        let candidate = dir.join(format!("emergency_{}.tar.gz", t.strftime("%Y%m%d_%H%M%S")));
        match std::fs::hard_link(tmp, &candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!(
        "no free preserve name in {}",
        dir.display()
    )))
}

fn prune(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("emergency_") && n.ends_with(".tar.gz"))
        })
        .collect();
    names.sort();
    while names.len() > KEEP {
        let old = names.remove(0);
        let _ = std::fs::remove_file(old);
    }
}
