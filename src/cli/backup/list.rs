//! `talos backup list`.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use crate::archive::{MANIFEST, METADATA, Manifest, Metadata};
use crate::cli::{Ctx, Exit};
use crate::error::Result;
use crate::output::{human_bytes, human_duration, table};

/// List backups, newest first: age, size, components and audit head.
///
/// Reads only the head of each archive (metadata.json and manifest.json);
/// `talos backup verify FILE` checks one completely.
///
/// Example: talos backup list --dir /mnt/offsite/talos
///
/// EXIT STATUS: 0 listed (an existing directory without backups lists
/// none, as does the default directory before the first backup); 1 the
/// --dir directory does not exist, or a directory cannot be read. An archive whose
/// head cannot be read is listed as UNREADABLE, not an error.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ListArgs {
    /// Directory to list [default: backup.dir from config.yaml, else var/backups/talos]
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
struct Listed {
    path: PathBuf,
    created_at: String,
    age_seconds: i64,
    size: u64,
    backup_type: Option<String>,
    components: Vec<String>,
    files: Option<usize>,
    audit_head: Option<crate::archive::AuditHead>,
    problem: Option<String>,
}

/// metadata.json and manifest.json from the start of an archive.
fn read_head(path: &Path) -> std::result::Result<(Metadata, Option<Manifest>), String> {
    let mut ar = crate::archive::open_head(path).map_err(|e| e.to_string())?;
    let mut meta = None;
    let mut man = None;
    for entry in ar.entries().map_err(|e| e.to_string())?.take(4) {
        let mut e = entry.map_err(|e| e.to_string())?;
        let name = e.path_bytes().into_owned();
        let name = String::from_utf8_lossy(&name);
        let name = name.trim_start_matches("./");
        if name != METADATA && name != MANIFEST {
            continue;
        }
        let mut bytes = Vec::new();
        (&mut e)
            .take(64 * 1024 * 1024)
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        if name == METADATA {
            meta = Some(
                serde_json::from_slice::<Metadata>(&bytes)
                    .map_err(|e| format!("metadata.json: {e}"))?,
            );
        } else {
            man = serde_json::from_slice::<Manifest>(&bytes).ok();
        }
        if meta.is_some() && man.is_some() {
            break;
        }
    }
    meta.map(|m| (m, man))
        .ok_or_else(|| "no metadata.json at the start".to_string())
}

pub fn run(ctx: &Ctx, args: ListArgs) -> Result<Exit> {
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| ctx.settings.backup_dir.value.clone());
    // A mistyped --dir must not read as "no backups". (The default
    // directory not existing yet just means no backup was ever made there.)
    if args.dir.is_some() && !dir.is_dir() || dir.exists() && !dir.is_dir() {
        let what = if dir.exists() {
            "is not a directory"
        } else {
            "no such directory"
        };
        return Err(
            crate::error::Error::failed(format!("{}: {what}", dir.display())).hint(
                "check the path given with --dir (or backup.dir in config.yaml); `talos config show` prints the backup directory in effect",
            ),
        );
    }
    let now = jiff::Timestamp::now();
    let mut out = Vec::new();
    for (ts, path) in crate::archive::create::list_backups(&dir)? {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let age = (now - ts).get_seconds();
        let mut l = Listed {
            path: path.clone(),
            created_at: crate::timespec::format_ts(ts),
            age_seconds: age,
            size,
            backup_type: None,
            components: Vec::new(),
            files: None,
            audit_head: None,
            problem: None,
        };
        match read_head(&path) {
            Ok((m, man)) => {
                l.created_at = m.created_at.clone();
                l.backup_type = m.backup_type.clone();
                l.components = m.components.clone().unwrap_or_default();
                l.audit_head = m.audit_head.clone();
                // Component files, as `backup create` and `verify` count them
                // (newer manifests also list metadata.json).
                l.files = man.map(|m| m.files.iter().filter(|f| f.path != METADATA).count());
            }
            Err(e) => l.problem = Some(e),
        }
        out.push(l);
    }
    let doc = serde_json::json!({"dir": dir, "backups": out});
    ctx.ui.render(&doc, |ui| {
        if out.is_empty() {
            return ui.line(format!(
                "no backups in {}; make one with `talos backup create`",
                dir.display()
            ));
        }
        let rows: Vec<Vec<String>> = out
            .iter()
            .map(|l| {
                vec![
                    l.path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    format!("{} ago", human_duration(l.age_seconds)),
                    human_bytes(l.size),
                    match &l.problem {
                        Some(p) => format!("UNREADABLE: {p}"),
                        None => format!(
                            "{} {}",
                            l.backup_type.as_deref().unwrap_or("?"),
                            l.components.join(",")
                        ),
                    },
                    l.audit_head
                        .as_ref()
                        .map(|h| format!("seq {} {}", h.seq, &h.hash[..h.hash.len().min(12)]))
                        .unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        ui.line(format!("backups in {}:", dir.display()))?;
        ui.line(table(
            &["BACKUP", "AGE", "SIZE", "CONTENT", "AUDIT HEAD"],
            &rows,
        ))
    })?;
    Ok(Exit::OK)
}
