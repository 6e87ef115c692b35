//! `talos backup list`.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use crate::archive::{MANIFEST, METADATA, Manifest, Metadata};
use crate::cli::{Ctx, ExitStatus};
use crate::error::Result;
use crate::output::{human_bytes, table};

/// List backups, newest first: age, size, components and audit head.
///
/// Reads only the head of each archive (metadata.json and manifest.json);
/// `talos backup verify FILE` checks one completely.
///
/// With --repo (or TALOS_REPO, backup.repo): the backups of this host (or
/// --host NAME, or every host with --all-hosts) in an S3 bucket or a
/// directory repository, with URL, age and size (docs/repository.md).
///
/// Examples:
///   talos backup list --dir /mnt/offsite/talos
///   talos backup list --repo s3://acme-backups/talos --all-hosts
///
/// EXIT STATUS: 0 listed (an existing directory without backups lists
/// none, as does the default directory before the first backup); 1 the
/// --dir directory does not exist, or a directory cannot be read. An archive whose
/// head cannot be read is listed as UNREADABLE, not an error.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ListArgs {
    /// Directory to list [default: backup.dir from config.yaml, else var/backups/talos]
    #[arg(long, value_name = "DIR", conflicts_with = "repo")]
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    pub repo: crate::cli::repo::RepoArgs,
    /// With a repository: list every host's backups
    #[arg(long, conflicts_with = "host")]
    pub all_hosts: bool,
}

#[derive(Debug, Serialize)]
struct Listed {
    path: PathBuf,
    created_at: String,
    /// Milliseconds since `created_at` (docs/format.md §7: durations in `_ms`).
    age_ms: i64,
    #[serde(rename = "size_bytes")]
    size: u64,
    backup_type: Option<String>,
    components: Vec<String>,
    files: Option<usize>,
    audit_head: Option<crate::archive::AuditHead>,
    problem: Option<String>,
    encrypted: bool,
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

pub fn run(ctx: &Ctx, args: ListArgs) -> Result<ExitStatus> {
    if args.dir.is_none()
        && let Some(url) = crate::cli::repo::repo_url(ctx, &args.repo)?
    {
        return list_repo(ctx, &args, &url);
    }
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| ctx.settings.backup_dir.value.clone());
    if args.dir.is_none()
        && let Some(problem) = &ctx.settings.backup_dir_problem
    {
        return Err(
            crate::error::Error::integrity(format!("config.yaml is invalid: {problem}")).hint(
                "fix `backup.dir` in config.yaml (`talos config validate` shows it), or pass --dir",
            ),
        );
    }
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
    let now = crate::clock::now();
    let mut out = Vec::new();
    for (ts, path) in crate::archive::list_backups(&dir)? {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let age = now.duration_since(ts).as_millis() as i64;
        let mut l = Listed {
            path: path.clone(),
            created_at: crate::timespec::format_ts(ts),
            age_ms: age,
            size,
            backup_type: None,
            components: Vec::new(),
            files: None,
            audit_head: None,
            problem: None,
            encrypted: crate::repo::crypt::is_age(&path),
        };
        if l.encrypted {
            out.push(l);
            continue;
        }
        match read_head(&path) {
            Ok((m, man)) => {
                l.created_at = m.created_at.clone();
                l.backup_type = m.backup_type.clone();
                l.components = m
                    .components
                    .iter()
                    .flatten()
                    .map(|c| c.name().to_string())
                    .collect();
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
                    crate::output::ago(l.age_ms / 1000),
                    human_bytes(l.size),
                    match &l.problem {
                        Some(p) => format!("UNREADABLE: {p}"),
                        None if l.encrypted => "encrypted (age)".to_string(),
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
    Ok(ExitStatus::Ok)
}

fn list_repo(ctx: &Ctx, args: &ListArgs, url: &crate::repo::RepoUrl) -> Result<ExitStatus> {
    let repo = crate::repo::Repo::open(url)?;
    let host = if args.all_hosts {
        None
    } else {
        Some(crate::cli::repo::host(&args.repo)?)
    };
    let objects = repo.list(host.as_deref())?;
    let now = crate::clock::now();
    let doc = serde_json::json!({
        "repo": repo.url(),
        "host": host,
        "backups": objects,
    });
    ctx.ui.render(&doc, |ui| {
        if objects.is_empty() {
            return ui.line(match &host {
                Some(h) => format!(
                    "no backups of host {h} in {}; `--all-hosts` lists every host's",
                    repo.url()
                ),
                None => format!("no backups in {}", repo.url()),
            });
        }
        let rows: Vec<Vec<String>> = objects
            .iter()
            .map(|o| {
                vec![
                    o.host.clone(),
                    o.name.clone(),
                    crate::output::ago((now - o.ts).get_seconds()),
                    human_bytes(o.size),
                    if o.encrypted { "age" } else { "-" }.to_string(),
                ]
            })
            .collect();
        ui.line(format!("backups in {}:", repo.url()))?;
        ui.line(table(
            &["HOST", "BACKUP", "AGE", "SIZE", "ENCRYPTED"],
            &rows,
        ))
    })?;
    Ok(ExitStatus::Ok)
}
