//! `talos repair config` (docs/runbook.md F-006, config corruption): put back the
//! newest config that validates, among the `config.yaml.backup*` files and
//! the newest backup archive whose config validates, keeping the broken
//! file beside it as `config.yaml.broken-<timestamp>`.
//!
//! "Validates" is what `talos config validate` requires of the content:
//! YAML, a mapping, with the top-level keys version, orchestrator, logging.
//! "Newest" is by modification time for the files (names such as
//! `config.yaml.backup`, `config.yaml.backup.1`, `config.yaml.backup.20240115`
//! carry no common order), by the time in its name for an archive.

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
    /// When the archive was made (from its name).
    pub created: Option<String>,
    #[serde(skip)]
    created_ts: Option<jiff::Timestamp>,
    #[serde(skip)]
    text: String,
}

/// What will be put back, and from where.
#[derive(Debug, Clone, Serialize)]
pub struct Chosen {
    /// `config_backup` (a config.yaml.backup* file) or `backup_archive`
    /// (config/config.yaml of a backup archive).
    pub kind: &'static str,
    pub path: PathBuf,
    /// Its time: the file's modification time, or the archive's.
    pub time: Option<String>,
    #[serde(skip)]
    text: Vec<u8>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConfigPlan {
    pub config_file: PathBuf,
    /// None when config.yaml validates as it is.
    pub current_problem: Option<String>,
    pub current_exists: bool,
    /// Every `config.yaml.backup*`, newest first, with its verdict.
    pub candidates: Vec<Candidate>,
    /// The newest backup archive whose config validates.
    pub archive: Option<ArchiveSuggestion>,
    /// The newest valid config among the candidates and the archive: the
    /// one that will be put back.
    pub chosen: Option<Chosen>,
    /// Where the broken config.yaml goes.
    pub broken_copy: Option<PathBuf>,
    /// Unified diff from the current config.yaml to the one put back.
    pub diff: Option<String>,
}

impl ConfigPlan {
    pub fn needed(&self) -> bool {
        self.current_problem.is_some()
    }
}

fn mtime(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).ok()?.modified().ok()
}

/// A unified diff of two texts (lines; a missing final newline is shown
/// as in `diff -u`).
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    let split = |t: &str| -> Vec<String> {
        t.split_inclusive('\n')
            .map(|l| {
                if l.ends_with('\n') {
                    l.to_string()
                } else {
                    format!("{l}\n\\ No newline at end of file\n")
                }
            })
            .collect()
    };
    let (a, b) = (split(old), split(new));
    difflib::unified_diff(&a, &b, old_name, new_name, "", "", 3)
        .into_iter()
        .map(|l| l.replace("\t\n", "\n"))
        .collect()
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
        .iter()
        .map(|(m, path)| Candidate {
            problem: validate_file(path).err(),
            modified: m
                .and_then(|m| jiff::Timestamp::try_from(m).ok())
                .map(crate::timespec::format_ts),
            path: path.clone(),
        })
        .collect();
    let newest_file = found
        .iter()
        .zip(&candidates)
        .find(|(_, c)| c.problem.is_none())
        .map(|((m, p), c)| (m.and_then(|m| jiff::Timestamp::try_from(m).ok()), p, c));
    let archive = if current_problem.is_some() {
        archive_with_valid_config(backup_dir)
    } else {
        None
    };
    // The newest valid one wins; a file of unknown time loses to an archive.
    // An archive's name gives whole seconds: it stands for its whole second.
    let archive_newer = match (&newest_file, &archive) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some((ft, _, _)), Some(a)) => {
            a.created_ts.map(|t| t + jiff::SignedDuration::from_secs(1)) > *ft
        }
    };
    let chosen = if archive_newer {
        archive.as_ref().map(|a| Chosen {
            kind: "backup_archive",
            path: a.archive.clone(),
            time: a.created.clone(),
            text: a.text.clone().into_bytes(),
        })
    } else {
        match newest_file {
            Some((_, p, c)) => Some(Chosen {
                kind: "config_backup",
                path: p.clone(),
                time: c.modified.clone(),
                text: crate::config::read_capped(p)
                    .with_context(|| format!("cannot read {}", p.display()))?,
            }),
            None => None,
        }
    };
    let broken_copy = (current_problem.is_some() && current_exists).then(|| {
        let stamp = crate::clock::now().strftime("%Y%m%dT%H%M%SZ").to_string();
        layout
            .config_dir
            .join(format!("config.yaml.broken-{stamp}"))
    });
    let diff = match (&current_problem, &chosen) {
        (Some(_), Some(c)) => {
            let old = if current_exists {
                crate::config::read_capped(cfg)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let old_name = if current_exists {
                cfg.display().to_string()
            } else {
                "/dev/null".to_string()
            };
            let new_name = match c.kind {
                "backup_archive" => format!("{}:config/config.yaml", c.path.display()),
                _ => c.path.display().to_string(),
            };
            Some(unified_diff(
                &old,
                &String::from_utf8_lossy(&c.text),
                &old_name,
                &new_name,
            ))
        }
        _ => None,
    };
    Ok(ConfigPlan {
        config_file: cfg.clone(),
        current_problem,
        current_exists,
        candidates,
        archive,
        chosen,
        broken_copy,
        diff,
    })
}

/// The newest `backup_*.tar.gz` in `dir` whose `config/config.yaml`
/// validates, read without extracting anything to disk.
pub fn archive_with_valid_config(dir: &Path) -> Option<ArchiveSuggestion> {
    // Newest first; an encrypted backup cannot be read without its identity.
    let archives = crate::archive::list_backups(dir).unwrap_or_default();
    archives.into_iter().find_map(|(ts, a)| {
        if a.to_string_lossy().ends_with(".age") {
            return None;
        }
        let text = config_in_archive(&a)?;
        validate_text(&text).ok()?;
        let created_ts = Some(ts);
        Some(ArchiveSuggestion {
            command: format!("talos restore {} --partial config", a.display()),
            archive: a,
            created: created_ts.map(crate::timespec::format_ts),
            created_ts,
            text,
        })
    })
}

fn config_in_archive(archive: &Path) -> Option<String> {
    let f = crate::fsutil::open_regular(archive).ok()?;
    let mut tar = tar::Archive::new(flate2::read::MultiGzDecoder::new(f));
    for entry in tar.entries().ok()? {
        let mut entry = entry.ok()?;
        let path = entry.path().ok()?.into_owned();
        let p = path.strip_prefix("./").unwrap_or(&path);
        if p == Path::new("config/config.yaml") && entry.header().entry_type().is_file() {
            let mut text = String::new();
            entry
                .by_ref()
                .take(crate::config::MAX_CONFIG_BYTES)
                .read_to_string(&mut text)
                .ok()?;
            return Some(text);
        }
    }
    None
}

/// `talos repair config`: `put_back`, then the audit record
/// (`repair_config`), so every caller gets it. A plan without a chosen
/// config does nothing and records nothing.
pub fn apply(layout: &Layout, plan: &ConfigPlan) -> Result<()> {
    let Some(chosen) = &plan.chosen else {
        return Ok(());
    };
    put_back(plan)?;
    crate::audit::record_operator_action(
        layout,
        "repair_config",
        serde_json::json!({
            "config_file": plan.config_file,
            "problem": plan.current_problem.clone().unwrap_or_default(),
            "restored_from": chosen.path,
            "restored_from_kind": chosen.kind,
            "restored_from_time": chosen.time,
            "broken_kept_as": plan.broken_copy,
        }),
    )?;
    Ok(())
}

/// Moves the broken file aside and writes the chosen config in its place
/// (mode 0600, atomically).
fn put_back(plan: &ConfigPlan) -> Result<()> {
    let Some(chosen) = &plan.chosen else {
        return Ok(());
    };
    if let Some(broken) = &plan.broken_copy {
        std::fs::rename(&plan.config_file, broken).with_context(|| {
            format!(
                "cannot move {} aside to {}",
                plan.config_file.display(),
                broken.display()
            )
        })?;
    }
    fsutil::write_atomic(
        &plan.config_file,
        &chosen.text,
        crate::install::SECRET_FILE_MODE,
    )?;
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
