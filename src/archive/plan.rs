//! The restore plan: what a restore will do, as a value. `--dry-run` prints
//! it; the real run executes its `moves` (the swap, journalled) and reports
//! its `changes` (per file: create, overwrite, unchanged, remove).

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Manifest, component_of, hash_file};
use crate::error::{Context, Result};
use crate::install::{Component, Layout};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Overwrite,
    Unchanged,
    Remove,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Overwrite => "overwrite",
            Action::Unchanged => "unchanged",
            Action::Remove => "remove",
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FileChange {
    pub action: Action,
    pub component: Component,
    pub path: PathBuf,
    /// Why, when it is not plain content (a link replaced, a mode changed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One rename of the swap. Both paths are absolute.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Move {
    pub from: PathBuf,
    pub to: PathBuf,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Counts {
    pub create: usize,
    pub overwrite: usize,
    pub unchanged: usize,
    pub remove: usize,
}

/// What a restore of `logs` does with the Tier 1 audit chain in place. The
/// chain is append-only evidence: a restore never rewinds it
/// (docs/backup.md "The audit chain").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum AuditChain {
    /// The chain in place verifies and extends the backup's: it is kept;
    /// `newer` records are newer than the backup.
    Keep { newer: u64 },
    /// The backup's chain is put in place. `evidence` is where the chain it
    /// replaces is kept (when it failed verification or diverged).
    Replace {
        reason: String,
        evidence: Option<PathBuf>,
    },
}

/// What a restore will do. One function computes it
/// (`archive::restore::plan`) from the archive's metadata.json and
/// manifest.json and the installation as it is; `--dry-run` prints it, the
/// real run shows it at its confirmation, executes it and reports it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Plan {
    pub archive: PathBuf,
    pub root: PathBuf,
    pub components: Vec<Component>,
    pub counts: Counts,
    pub changes: Vec<FileChange>,
    pub moves: Vec<Move>,
    pub staging: PathBuf,
    /// Staging directories beside components on other file systems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aux: Vec<AuxStaging>,
    /// Where `logs` is staged (`staging` unless it is on another file system).
    #[serde(skip)]
    pub logs_staging: PathBuf,
    /// Set when the plan restores `logs`.
    pub audit: Option<AuditChain>,
}

/// A staging directory on another file system than DATA_DIR, beside the
/// components it serves (or inside the one that is a mount point), named
/// like DATA_DIR's staging directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuxStaging {
    pub dir: PathBuf,
    /// Components staged here: their new content is copied in from
    /// DATA_DIR's staging before the first rename.
    pub components: Vec<Component>,
    /// Of those, the mount points swapped by contents: their entries are
    /// moved aside into `old/<component>`, made with the mount point's mode.
    pub contents: Vec<Component>,
}

/// Staging layout: new content under `new/<archive path>`, the content it
/// replaces under `old/<component>`.
pub fn staged_new(staging: &Path, component: Component) -> PathBuf {
    staging.join("new").join(component.prefix())
}
pub fn staged_old(staging: &Path, component: Component) -> PathBuf {
    staging.join("old").join(component.name())
}

/// Where a component is swapped (docs/backup.md, "Several file systems").
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    /// The component directory is renamed to and from this staging
    /// directory: DATA_DIR's, or a sibling one on the component's file
    /// system.
    Rename(PathBuf),
    /// The component directory is a mount point, which cannot be renamed:
    /// its entries are moved aside into, and in from, this staging
    /// directory inside the mount.
    Contents(PathBuf),
}

/// The entries a component's staged copy will hold at its top, sorted:
/// the first name of each of its files in the manifest (the plan is made
/// before staging is filled).
fn staged_names(manifest: &Manifest, c: Component) -> Vec<std::ffi::OsString> {
    let prefix = format!("{}/", c.prefix());
    manifest
        .files
        .iter()
        .filter_map(|f| f.path.strip_prefix(&prefix)?.split('/').next())
        .map(std::ffi::OsString::from)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Names in a directory (none when it does not exist), sorted.
fn names(dir: &Path) -> Result<Vec<std::ffi::OsString>> {
    let mut out = Vec::new();
    match std::fs::read_dir(dir) {
        Ok(rd) => {
            for e in rd {
                out.push(
                    e.with_context(|| format!("cannot list {}", dir.display()))?
                        .file_name(),
                );
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(crate::error::Error::from(e).hint(format!("cannot list {}", dir.display())));
        }
    }
    out.sort();
    Ok(out)
}

/// The renames of the swap, each component where `place` says (absent:
/// renamed with `main`, DATA_DIR's staging). The new content of every
/// component is extracted under `main`; a component placed in another
/// staging directory gets a copy there before the first rename, under the
/// same relative path. SSL_DIR sits inside CONFIG_DIR, so restoring config
/// moves the current ssl/ aside first and puts it (or the restored one)
/// back inside the new config/ afterwards.
pub fn moves_placed(
    layout: &Layout,
    manifest: &Manifest,
    components: &[Component],
    main: &Path,
    place: &BTreeMap<Component, Placement>,
) -> Result<Vec<Move>> {
    use Component::{Config, Ssl};
    let has = |c: Component| components.contains(&c);
    let at = |c: Component| {
        place
            .get(&c)
            .cloned()
            .unwrap_or_else(|| Placement::Rename(main.to_path_buf()))
    };
    let mv = |from: PathBuf, to: PathBuf| Move { from, to };
    let mut out = Vec::new();
    let swap = |out: &mut Vec<Move>, c: Component, p: &Placement, skip: &[&str]| -> Result<()> {
        let target = layout.component_dir(c);
        match p {
            Placement::Rename(st) => {
                out.push(mv(target.clone(), staged_old(st, c)));
                out.push(mv(staged_new(st, c), target));
            }
            Placement::Contents(st) => {
                let own = st.file_name().unwrap_or_default();
                for n in names(&target)? {
                    if n == own || skip.iter().any(|s| n == *s) {
                        continue;
                    }
                    out.push(mv(target.join(&n), staged_old(st, c).join(&n)));
                }
                for n in staged_names(manifest, c) {
                    out.push(mv(staged_new(st, c).join(&n), target.join(&n)));
                }
            }
        }
        Ok(())
    };
    if has(Config) {
        match at(Config) {
            Placement::Rename(st) => {
                out.push(mv(layout.ssl_dir.clone(), staged_old(&st, Ssl)));
                out.push(mv(layout.config_dir.clone(), staged_old(&st, Config)));
                out.push(mv(staged_new(&st, Config), layout.config_dir.clone()));
                if has(Ssl) {
                    out.push(mv(staged_new(&st, Ssl), layout.ssl_dir.clone()));
                } else {
                    out.push(mv(staged_old(&st, Ssl), layout.ssl_dir.clone()));
                }
            }
            p @ Placement::Contents(_) => {
                // ssl/ stays where it is unless it is restored too.
                swap(&mut out, Config, &p, &["ssl"])?;
                if has(Ssl) {
                    swap(&mut out, Ssl, &at(Ssl), &[])?;
                }
            }
        }
    } else if has(Ssl) {
        swap(&mut out, Ssl, &at(Ssl), &[])?;
    }
    for c in [
        Component::State,
        Component::Database,
        Component::Logs,
        Component::Custom,
    ] {
        if has(c) {
            swap(&mut out, c, &at(c), &[])?;
        }
    }
    Ok(out)
}

/// Entries that are not regular files or directories, with their kind.
type Others = Vec<(PathBuf, &'static str)>;

/// Current regular files of a component (relative paths) and what else is
/// there (links, sockets...), without following links.
fn current_files(dir: &Path, exclude_top: &[&str]) -> Result<(BTreeMap<String, PathBuf>, Others)> {
    let mut files = BTreeMap::new();
    let mut others = Vec::new();
    fn walk(
        base: &Path,
        dir: &Path,
        exclude_top: &[&str],
        files: &mut BTreeMap<String, PathBuf>,
        others: &mut Vec<(PathBuf, &'static str)>,
    ) -> Result<()> {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                return Err(
                    crate::error::Error::from(e).hint(format!("cannot read {}", dir.display()))
                );
            }
        };
        for e in entries {
            let e = e.with_context(|| format!("cannot read {}", dir.display()))?;
            let path = e.path();
            if dir == base
                && let Some(n) = e.file_name().to_str()
                && exclude_top.contains(&n)
            {
                continue;
            }
            let meta = std::fs::symlink_metadata(&path)?;
            if meta.is_dir() {
                walk(base, &path, exclude_top, files, others)?;
            } else if meta.is_file() {
                let rel = path
                    .strip_prefix(base)
                    .expect("under base")
                    .to_string_lossy()
                    .into_owned();
                files.insert(rel, path);
            } else {
                others.push((path, super::create::kind_name(&meta)));
            }
        }
        Ok(())
    }
    walk(dir, dir, exclude_top, &mut files, &mut others)?;
    Ok((files, others))
}

/// Per-file changes of restoring `components` of an archive with this
/// `manifest` into `layout`.
pub fn changes(
    layout: &Layout,
    manifest: &Manifest,
    components: &[Component],
) -> Result<Vec<FileChange>> {
    let mut out = Vec::new();
    for &comp in components {
        let target = layout.component_dir(comp);
        let prefix = comp.prefix();
        let want: BTreeMap<String, &super::ManifestFile> = manifest
            .files
            .iter()
            .filter(|f| component_of(&f.path).ok().flatten() == Some(comp.name()))
            .map(|f| {
                let rel = f.path[prefix.len()..].trim_start_matches('/').to_string();
                (rel, f)
            })
            .collect();
        let link = std::fs::symlink_metadata(&target)
            .map(|m| !m.is_dir())
            .unwrap_or(false);
        let (have, others) = if link {
            out.push(FileChange {
                action: Action::Remove,
                component: comp,
                path: target.clone(),
                note: Some("not a directory (a link is replaced, never followed)".into()),
            });
            (BTreeMap::new(), Vec::new())
        } else {
            let exclude: &[&str] = if comp == Component::Config {
                &["ssl"]
            } else {
                &[]
            };
            current_files(&target, exclude)?
        };
        for (path, kind) in others {
            out.push(FileChange {
                action: Action::Remove,
                component: comp,
                path,
                note: Some(format!("{kind}, not in a backup")),
            });
        }
        // Hash the current files that could be unchanged (same size) on
        // every core first: this is on the way to the swap.
        let same_size: Vec<(&String, &PathBuf)> = want
            .iter()
            .filter_map(|(rel, f)| {
                let p = have.get(rel)?;
                let len = std::fs::symlink_metadata(p).ok()?.len();
                (len == f.size).then_some((rel, p))
            })
            .collect();
        let hashed: BTreeMap<&String, Result<(String, u64)>> = {
            use rayon::prelude::*;
            same_size
                .par_iter()
                .map(|(rel, p)| {
                    (
                        *rel,
                        hash_file(p).with_context(|| format!("cannot read {}", p.display())),
                    )
                })
                .collect::<Vec<_>>()
                .into_iter()
                .collect()
        };
        let mut hashed = hashed;
        for (rel, f) in &want {
            let path = target.join(rel);
            let (action, note) = match have.get(rel) {
                None => (Action::Create, None),
                Some(p) => {
                    let (sum, size) = match hashed.remove(rel) {
                        Some(r) => r?,
                        // Another size: changed, whatever its content.
                        None => (String::new(), u64::MAX),
                    };
                    let mode = std::fs::symlink_metadata(p)?.permissions().mode() & 0o777;
                    if sum != f.checksum || size != f.size {
                        (Action::Overwrite, None)
                    } else if mode != f.mode_bits() {
                        (
                            Action::Overwrite,
                            Some(format!("mode {mode:04o} -> {:04o}", f.mode_bits())),
                        )
                    } else {
                        (Action::Unchanged, None)
                    }
                }
            };
            out.push(FileChange {
                action,
                component: comp,
                path,
                note,
            });
        }
        for (rel, p) in &have {
            // AUDIT_DIR/.lock is an empty lock file, never archived; the next
            // append makes it again.
            if comp == Component::Logs && rel == ".lock" {
                continue;
            }
            if !want.contains_key(rel) {
                out.push(FileChange {
                    action: Action::Remove,
                    component: comp,
                    path: p.clone(),
                    note: None,
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The plan of restoring `components` of `archive` (described by its
/// `manifest`) into `layout`, staged in `staging` and, for components on
/// other file systems, where `place` says (`moves_placed`).
pub fn build_placed(
    layout: &Layout,
    archive: &Path,
    manifest: &Manifest,
    components: &[Component],
    staging: &Path,
    place: &BTreeMap<Component, Placement>,
    aux: Vec<AuxStaging>,
) -> Result<Plan> {
    let changes = changes(layout, manifest, components)?;
    let counts = count(&changes);
    let logs_staging = match place.get(&Component::Logs) {
        Some(Placement::Rename(st) | Placement::Contents(st)) => st.clone(),
        None => staging.to_path_buf(),
    };
    Ok(Plan {
        archive: archive.to_path_buf(),
        root: layout.root.clone(),
        components: components.to_vec(),
        counts,
        changes,
        moves: moves_placed(layout, manifest, components, staging, place)?,
        staging: staging.to_path_buf(),
        aux,
        logs_staging,
        audit: None,
    })
}

fn count(changes: &[FileChange]) -> Counts {
    let mut counts = Counts::default();
    for c in changes {
        match c.action {
            Action::Create => counts.create += 1,
            Action::Overwrite => counts.overwrite += 1,
            Action::Unchanged => counts.unchanged += 1,
            Action::Remove => counts.remove += 1,
        }
    }
    counts
}

/// Decides what happens to the audit chain in place when `logs` is
/// restored, from the backup's `head` (metadata.json's `audit_head`) and
/// whether its chain is empty (`backup_empty`, from manifest.json) and the
/// chain in place: a decision made before the archive is read, so that the
/// plan `--dry-run` shows is the one the restore executes. The restore then
/// checks the backup's chain it staged against `head`.
pub fn decide_audit(
    layout: &Layout,
    head: Option<&super::AuditHead>,
    backup_empty: bool,
    evidence: PathBuf,
) -> Result<AuditChain> {
    use crate::audit::verify::{Anchor, verify_chain};
    let live = &layout.audit_dir;
    let is_dir = std::fs::symlink_metadata(live).is_ok_and(|m| m.is_dir());
    if !is_dir {
        return Ok(AuditChain::Replace {
            reason: "there is no audit chain in place".into(),
            evidence: None,
        });
    }
    let plain = verify_chain(live, &[])?;
    if !plain.ok {
        let why = plain.first_error.map(|e| e.message).unwrap_or_default();
        return Ok(AuditChain::Replace {
            reason: format!("the audit chain in place fails verification ({why})"),
            evidence: Some(evidence),
        });
    }
    if plain.head.is_none() {
        return Ok(AuditChain::Replace {
            reason: "the audit chain in place is empty".into(),
            evidence: None,
        });
    }
    let Some(head) = head else {
        // The backup's chain is empty (the archive names no head and holds
        // no records): anything in place extends it.
        if backup_empty {
            return Ok(AuditChain::Keep {
                newer: plain.records,
            });
        }
        return Ok(AuditChain::Replace {
            reason: "the backup names no audit head to compare the chain in place with".into(),
            evidence: Some(evidence),
        });
    };
    let anchor = Anchor::Record {
        seq: head.seq,
        hash: head.hash.clone(),
    };
    if verify_chain(live, &[anchor])?.ok {
        return Ok(AuditChain::Keep {
            newer: plain.records.saturating_sub(head.seq),
        });
    }
    // Shorter than the backup's, or another chain: telling a prefix of the
    // backup's chain from a fork would need the backup's records, which are
    // read only after the plan is made; the chain in place is kept as
    // evidence either way (docs/backup.md "The audit chain").
    Ok(AuditChain::Replace {
        reason: format!(
            "the audit chain in place ({} records) does not hold the backup's head (seq {})",
            plain.records, head.seq
        ),
        evidence: Some(evidence),
    })
}

impl Plan {
    /// Applies the audit decision: a kept chain is not swapped (its moves
    /// and per-file changes go); a replaced one that is evidence is moved
    /// to its place after the swap, under the journal like every move.
    pub fn set_audit(&mut self, layout: &Layout, decision: AuditChain) {
        match &decision {
            AuditChain::Keep { .. } => {
                let live = &layout.audit_dir;
                let staged_new = staged_new(&self.logs_staging, Component::Logs);
                let staged_old = staged_old(&self.logs_staging, Component::Logs);
                self.moves.retain(|m| {
                    !(m.from.starts_with(live)
                        || m.to.starts_with(live)
                        || m.from.starts_with(&staged_new)
                        || m.to.starts_with(&staged_old))
                });
                // Nothing of logs is staged beside the chain then.
                for a in &mut self.aux {
                    a.components.retain(|&c| c != Component::Logs);
                    a.contents.retain(|&c| c != Component::Logs);
                }
                self.aux.retain(|a| !a.components.is_empty());
                self.changes.retain(|c| c.component != Component::Logs);
                self.counts = count(&self.changes);
            }
            AuditChain::Replace {
                evidence: Some(to), ..
            } => self.moves.push(Move {
                from: staged_old(&self.logs_staging, Component::Logs),
                to: to.clone(),
            }),
            AuditChain::Replace { .. } => {}
        }
        self.audit = Some(decision);
    }
}
