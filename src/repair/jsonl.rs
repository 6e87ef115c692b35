//! `talos repair jsonl`: keep only the lines that are JSON objects.
//!
//! The original is kept beside the file as `FILE.corrupt` (the first free
//! of `FILE.corrupt`, `FILE.corrupt.1`, ...), and the repaired content
//! replaces the file atomically with the original's mode. A gzip rotation is
//! written back gzip-compressed. Audit files are never touched: their damage
//! is evidence, and rewriting them would break the chain.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Context, Error, Result};
use crate::fsutil;
use crate::install::Layout;
use crate::logfiles;

/// What repairing one file does (or did).
#[derive(Debug, Clone, Serialize)]
pub struct JsonlPlan {
    pub path: PathBuf,
    pub gzip: bool,
    pub mode: String,
    pub lines: usize,
    pub kept: usize,
    pub dropped: usize,
    pub blank: usize,
    /// 1-based numbers of the first dropped lines (at most 20).
    pub dropped_lines: Vec<usize>,
    /// A .gz rotation cut short (or damaged) after `lines` lines: why it
    /// ends early. The lines before the cut are kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated: Option<String>,
    /// Where the original goes; None when nothing needs to change.
    pub corrupt_copy: Option<PathBuf>,
    #[serde(skip)]
    mode_bits: u32,
}

impl JsonlPlan {
    pub fn changes(&self) -> bool {
        self.dropped + self.blank > 0 || self.truncated.is_some()
    }
}

fn corrupt_name(path: &Path) -> PathBuf {
    let mut base = path.as_os_str().to_owned();
    base.push(".corrupt");
    let first = PathBuf::from(&base);
    if !first.exists() {
        return first;
    }
    (1..)
        .map(|n| {
            let mut s = base.clone();
            s.push(format!(".{n}"));
            PathBuf::from(s)
        })
        .find(|p| !p.exists())
        .expect("an unused name exists")
}

/// Refuses files that are evidence (AUDIT_DIR) before anything is read.
pub fn refuse_audit(layout: &Layout, path: &Path) -> Result<()> {
    if super::is_within(path, &layout.audit_dir) {
        return Err(Error::refused(format!(
            "{} is in the audit log directory: audit records are evidence and are never rewritten",
            path.display()
        ))
        .hint("run `talos audit verify-chain` to see which record is damaged and where"));
    }
    Ok(())
}

/// Reads a file (as a stream) and counts which lines stay.
pub fn plan(path: &Path) -> Result<JsonlPlan> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.is_file() {
        return Err(Error::usage(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    // Written back as it was: gzip when the content is, whatever the name.
    let gzip = crate::logs::files::is_gzip(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let (mut lines, mut kept, mut dropped, mut blank) = (0, 0, 0, 0);
    let mut dropped_lines = Vec::new();
    let read = logfiles::for_each_line(path, |n, line| {
        lines += 1;
        if line.trim_ascii().is_empty() {
            blank += 1;
        } else if logfiles::is_json_object(line) {
            kept += 1;
        } else {
            dropped += 1;
            if dropped_lines.len() < 20 {
                dropped_lines.push(n);
            }
        }
    });
    // A .gz rotation cut short: everything before the cut is kept. A plain
    // file that cannot be read, or a .gz with no readable line, is an error.
    let truncated = match read {
        Ok(()) => None,
        Err(e) if gzip && lines > 0 => Some(e.message),
        Err(e) => return Err(Error::integrity(e.message)),
    };
    let mode_bits = meta.permissions().mode() & 0o7777;
    let mut p = JsonlPlan {
        path: path.to_path_buf(),
        gzip,
        mode: format!("{mode_bits:04o}"),
        lines,
        kept,
        dropped,
        blank,
        dropped_lines,
        truncated,
        corrupt_copy: None,
        mode_bits,
    };
    if p.changes() {
        p.corrupt_copy = Some(corrupt_name(path));
    }
    Ok(p)
}

/// Writes the lines that are JSON objects of `path` to `w`; of a
/// truncated rotation (`keep_readable`), those before the cut.
fn copy_objects(path: &Path, w: &mut dyn Write, keep_readable: bool) -> std::io::Result<()> {
    let mut failed: Option<std::io::Error> = None;
    let read = logfiles::for_each_line(path, |_, line| {
        if failed.is_none()
            && !line.trim_ascii().is_empty()
            && logfiles::is_json_object(line)
            && let Err(e) = w.write_all(line).and_then(|_| w.write_all(b"\n"))
        {
            failed = Some(e);
        }
    });
    if let Err(e) = read
        && !keep_readable
    {
        return Err(std::io::Error::other(e.message));
    }
    failed.map_or(Ok(()), Err)
}

/// `talos repair jsonl` on one file: `rewrite`, then the audit record
/// (`repair_jsonl`), so every caller gets it. A plan without changes does
/// nothing and records nothing.
pub fn apply(layout: &crate::install::Layout, plan: &JsonlPlan) -> Result<()> {
    if plan.corrupt_copy.is_none() {
        return Ok(());
    }
    rewrite(plan)?;
    crate::audit::record_operator_action(
        layout,
        "repair_jsonl",
        serde_json::json!({
            "file": plan.path, "lines": plan.lines, "kept": plan.kept,
            "dropped": plan.dropped, "blank": plan.blank,
            "truncated": plan.truncated,
            "original_kept_as": plan.corrupt_copy,
        }),
    )?;
    Ok(())
}

/// Keeps the original as `corrupt_copy`, then replaces the file atomically
/// (both streamed, so a file of any size takes little memory).
fn rewrite(plan: &JsonlPlan) -> Result<()> {
    let Some(copy) = &plan.corrupt_copy else {
        return Ok(());
    };
    fsutil::write_atomic_with(copy, plan.mode_bits, |w| {
        let mut f = crate::fsutil::open_regular(&plan.path)?;
        std::io::copy(&mut f, w)?;
        Ok(())
    })?;
    if plan.gzip {
        fsutil::write_atomic_with(&plan.path, plan.mode_bits, |w| {
            let mut gz = flate2::write::GzEncoder::new(w, flate2::Compression::default());
            copy_objects(&plan.path, &mut gz, plan.truncated.is_some())?;
            gz.finish()?;
            Ok(())
        })
    } else {
        fsutil::write_atomic_with(&plan.path, plan.mode_bits, |w| {
            let mut buf = std::io::BufWriter::with_capacity(1 << 16, w);
            copy_objects(&plan.path, &mut buf, false)?;
            buf.flush()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_objects_and_the_original() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("orchestrator.log.1");
        std::fs::write(&f, "{\"a\":1}\nnot json\n\n[1,2]\n{\"b\":2}\n{\"torn\":").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
        let p = plan(&f).unwrap();
        assert_eq!((p.lines, p.kept, p.dropped, p.blank), (6, 2, 3, 1));
        assert_eq!(p.dropped_lines, vec![2, 4, 6]);
        rewrite(&p).unwrap();
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            "{\"a\":1}\n{\"b\":2}\n"
        );
        let copy = dir.path().join("orchestrator.log.1.corrupt");
        assert!(std::fs::read_to_string(&copy).unwrap().contains("not json"));
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        // A second repair finds nothing to do; a third file name is free.
        assert!(!plan(&f).unwrap().changes());
        assert_eq!(
            corrupt_name(&f),
            dir.path().join("orchestrator.log.1.corrupt.1")
        );
    }

    /// The audit record is part of the repair, not of the command: a
    /// caller of `apply` gets it, and a plan with nothing to drop records
    /// nothing.
    #[test]
    fn apply_records_the_repair() {
        let dir = tempfile::tempdir().unwrap();
        let layout = crate::install::Layout::new(dir.path());
        std::fs::create_dir_all(&layout.log_dir).unwrap();
        let f = layout.log_dir.join("debug.log.2");
        std::fs::write(&f, "{\"a\":1}\nnot json\n").unwrap();
        apply(&layout, &plan(&f).unwrap()).unwrap();
        apply(&layout, &plan(&f).unwrap()).unwrap();
        let files = crate::audit::audit_files(&layout.audit_dir).unwrap();
        let text: String = files
            .iter()
            .map(|(_, p)| std::fs::read_to_string(p).unwrap())
            .collect();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("\"repair_jsonl\""), "{text}");
    }
}
