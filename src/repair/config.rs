//! `talos repair config` (docs/runbook.md F-006, config corruption): put back the
//! newest `config.yaml.backup*` that validates, keeping the broken file
//! beside it as `config.yaml.broken-<timestamp>`.
//!
//! "Validates" is what `talos config validate` requires of the content:
//! YAML, a mapping, with the top-level keys version, orchestrator, logging.
//! "Newest" is by modification time (names such as `config.yaml.backup`,
//! `config.yaml.backup.1`, `config.yaml.backup.20240115` carry no common
//! order), then by name.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use crate::config::REQUIRED_KEYS;
use crate::error::{Context, Result};
use crate::fsutil;
use crate::install::Layout;

/// Why a config text is not acceptable, or Ok.
pub fn validate_text(text: &str) -> std::result::Result<(), String> {
    let value = crate::config::parse_config_text(text.as_bytes())?;
    if !value.is_mapping() {
        return Err("not a YAML mapping".into());
    }
    let missing: Vec<&str> = REQUIRED_KEYS
        .iter()
        .copied()
        .filter(|k| value.get(*k).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(format!("missing top-level key(s): {}", missing.join(", ")));
    }
    Ok(())
}

pub fn validate_file(path: &Path) -> std::result::Result<(), String> {
    let bytes = crate::config::read_capped(path).map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > crate::config::MAX_CONFIG_BYTES {
        return Err(format!(
            "larger than {} bytes",
            crate::config::MAX_CONFIG_BYTES
        ));
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    validate_text(text)
}

#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub path: PathBuf,
    pub modified: Option<String>,
    /// None when it validates.
    pub problem: Option<String>,
}

/// A backup archive whose `config/config.yaml` validates.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveSuggestion {
    pub archive: PathBuf,
    pub command: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConfigPlan {
    pub config_file: PathBuf,
    /// None when config.yaml validates as it is.
    pub current_problem: Option<String>,
    pub current_exists: bool,
    /// Every `config.yaml.backup*`, newest first, with its verdict.
    pub candidates: Vec<Candidate>,
    /// The one that will be put back.
    pub chosen: Option<PathBuf>,
    /// Where the broken config.yaml goes.
    pub broken_copy: Option<PathBuf>,
    /// When no local backup validates: the archive that would.
    pub archive: Option<ArchiveSuggestion>,
}

impl ConfigPlan {
    pub fn needed(&self) -> bool {
        self.current_problem.is_some()
    }
}

fn mtime(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).ok()?.modified().ok()
}

pub fn plan(layout: &Layout, backup_dir: &Path) -> Result<ConfigPlan> {
    let cfg = &layout.config_file;
    let current_exists = cfg.exists();
    let current_problem = if current_exists {
        validate_file(cfg).err()
    } else {
        Some("config.yaml does not exist".to_string())
    };
    let mut found: Vec<(Option<SystemTime>, PathBuf)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&layout.config_dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.starts_with("config.yaml.backup")
                && entry.file_type().is_ok_and(|t| t.is_file())
            {
                found.push((mtime(&entry.path()), entry.path()));
            }
        }
    }
    found.sort_by(|a, b| b.cmp(a));
    let candidates: Vec<Candidate> = found
        .into_iter()
        .map(|(m, path)| Candidate {
            problem: validate_file(&path).err(),
            modified: m
                .and_then(|m| jiff::Timestamp::try_from(m).ok())
                .map(crate::timespec::format_ts),
            path,
        })
        .collect();
    let chosen = candidates
        .iter()
        .find(|c| c.problem.is_none())
        .map(|c| c.path.clone());
    let broken_copy = (current_problem.is_some() && current_exists).then(|| {
        let stamp = crate::clock::now().strftime("%Y%m%dT%H%M%SZ").to_string();
        layout
            .config_dir
            .join(format!("config.yaml.broken-{stamp}"))
    });
    let archive = if current_problem.is_some() && chosen.is_none() {
        archive_with_valid_config(backup_dir)
    } else {
        None
    };
    Ok(ConfigPlan {
        config_file: cfg.clone(),
        current_problem,
        current_exists,
        candidates,
        chosen,
        broken_copy,
        archive,
    })
}

/// The newest `backup_*.tar.gz` in `dir` whose `config/config.yaml`
/// validates, read without extracting anything to disk.
pub fn archive_with_valid_config(dir: &Path) -> Option<ArchiveSuggestion> {
    // backup_YYYYMMDD_HHMMSS sorts by time; newest first.
    let archives = fsutil::files_named(dir, "backup_", ".tar.gz");
    archives.into_iter().rev().find_map(|a| {
        let text = config_in_archive(&a)?;
        validate_text(&text).ok()?;
        Some(ArchiveSuggestion {
            command: format!("talos restore {} --partial config", a.display()),
            archive: a,
        })
    })
}

fn config_in_archive(archive: &Path) -> Option<String> {
    let f = std::fs::File::open(archive).ok()?;
    let mut tar = tar::Archive::new(flate2::read::MultiGzDecoder::new(f));
    for entry in tar.entries().ok()? {
        let mut entry = entry.ok()?;
        let path = entry.path().ok()?.into_owned();
        let p = path.strip_prefix("./").unwrap_or(&path);
        if p == Path::new("config/config.yaml") && entry.header().entry_type().is_file() {
            let mut text = String::new();
            entry
                .by_ref()
                .take(16 * 1024 * 1024)
                .read_to_string(&mut text)
                .ok()?;
            return Some(text);
        }
    }
    None
}

/// Moves the broken file aside and writes the chosen backup in its place
/// (mode 0600, atomically).
pub fn apply(plan: &ConfigPlan) -> Result<()> {
    let Some(chosen) = &plan.chosen else {
        return Ok(());
    };
    let bytes =
        std::fs::read(chosen).with_context(|| format!("cannot read {}", chosen.display()))?;
    if let Some(broken) = &plan.broken_copy {
        std::fs::rename(&plan.config_file, broken).with_context(|| {
            format!(
                "cannot move {} aside to {}",
                plan.config_file.display(),
                broken.display()
            )
        })?;
    }
    fsutil::write_atomic(&plan.config_file, &bytes, 0o600)?;
    if let Some(dir) = plan.config_file.parent() {
        fsutil::sync_dir(dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_rules() {
        assert!(validate_text("version: 1\norchestrator: {}\nlogging: {}\n").is_ok());
        assert!(
            validate_text("version: 1\norchestrator: {}\n")
                .unwrap_err()
                .contains("logging")
        );
        assert!(validate_text("version: [1\n").is_err());
        assert!(validate_text("- a\n- b\n").is_err());
    }
}
