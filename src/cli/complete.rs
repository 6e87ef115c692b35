//! Live values for shell completion: breaker names from
//! `circuit_breakers.json`, backup archives in the backup directory, log
//! levels and components (comma lists). The shell asks the binary itself
//! (`COMPLETE=bash talos -- talos breaker reset ""`, see
//! `talos completions`), so the values are those of the installation at
//! hand. Every function here reads files only and never fails: no value is
//! a fine answer.

use std::ffi::OsStr;
use std::path::PathBuf;

use clap_complete::engine::{
    ArgValueCandidates, ArgValueCompleter, CompletionCandidate, ValueCompleter,
};

use crate::config::{Overrides, Settings};

/// The installation the command line being completed names: `--root DIR`
/// on it, else TALOS_ROOT, else `/`; settings as a run would load them.
fn settings() -> Settings {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut root = None;
    for (i, a) in args.iter().enumerate() {
        let a = a.to_string_lossy();
        if a == "--root" {
            root = args.get(i + 1).map(PathBuf::from);
        } else if let Some(r) = a.strip_prefix("--root=") {
            root = Some(PathBuf::from(r));
        }
    }
    Settings::load(&Overrides {
        root,
        url: None,
        cacert: None,
        timeout_secs: None,
    })
}

/// Breaker names in `STATE_DIR/circuit_breakers.json`.
pub fn breaker_names() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let layout = settings().layout();
        let Ok(file) = crate::breakers::BreakerFile::load(&layout.breakers_file()) else {
            return Vec::new();
        };
        file.doc
            .get("breakers")
            .and_then(serde_json::Value::as_object)
            .map(|m| {
                crate::breakers::list_from_map(m)
                    .into_iter()
                    .map(|b| {
                        CompletionCandidate::new(b.name.clone()).help(Some(b.state.clone().into()))
                    })
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// Backup archives in the backup directory (`backup.dir`, default
/// var/backups/talos/), as full paths; a word that already names a path
/// (`./`, `/`, `~`) is completed as a file name instead.
pub fn backup_files() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let cur = current.to_string_lossy();
        let mut out: Vec<CompletionCandidate> = Vec::new();
        let dir = settings().backup_dir.value;
        // Newest first (the one listing, crate::archive::list_backups).
        if let Ok(backups) = crate::archive::list_backups(&dir) {
            out.extend(
                backups
                    .into_iter()
                    .map(|(_, p)| p.to_string_lossy().into_owned())
                    .filter(|p| p.starts_with(&*cur))
                    .map(CompletionCandidate::new),
            );
        }
        if out.is_empty() || cur.contains('/') {
            out.extend(clap_complete::engine::PathCompleter::file().complete(current));
        }
        out
    })
}

/// A comma list of `items` (`--level error,w<Tab>`): completes the last
/// item, keeping the ones before it.
fn comma_list(items: &'static [&'static str]) -> ArgValueCompleter {
    ArgValueCompleter::new(move |current: &OsStr| {
        let cur = current.to_string_lossy();
        let (done, last) = match cur.rfind(',') {
            Some(i) => (&cur[..=i], &cur[i + 1..]),
            None => ("", &cur[..]),
        };
        items
            .iter()
            .filter(|i| i.starts_with(&last.to_ascii_lowercase()))
            .map(|i| CompletionCandidate::new(format!("{done}{i}")))
            .collect()
    })
}

/// `--level`: the log levels.
pub fn levels() -> ArgValueCompleter {
    comma_list(&["error", "warn", "info", "debug", "trace"])
}

/// `--partial`: the backup components.
pub fn components() -> ArgValueCompleter {
    comma_list(&crate::install::COMPONENTS)
}
