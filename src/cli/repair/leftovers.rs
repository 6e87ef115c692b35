//! `talos repair leftovers`

use clap::Args;

use crate::cli::{Ctx, ExitStatus};
use crate::error::Result;
use crate::leftovers;
use crate::output::human_bytes;

/// Remove what interrupted operations left behind.
///
/// A backup, restore or drill killed with SIGKILL (or by a crash) cannot
/// remove its temporary files: `.tmp-backup-*` in the backup directory and
/// in var/lib/talos/restore_rollback, `.restore-staging-*` in var/lib/talos, and
/// `talos-drill-*` in the temporary directory. Each is removed only when
/// the operation that owns it is gone (its lock is free); one in use is
/// listed and left alone. The staging of an interrupted restore whose
/// journal is present belongs to `talos restore --resume` / `--abort`.
///
/// EXIT STATUS: 0 done (or nothing to remove).
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct LeftoversArgs {
    /// List what would be removed; change nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, args: LeftoversArgs) -> Result<ExitStatus> {
    let found = leftovers::find(
        &ctx.layout,
        std::slice::from_ref(&ctx.settings.backup_dir.value),
    );
    let removed = if args.dry_run {
        Vec::new()
    } else {
        leftovers::remove_stale(&found)
    };
    let doc = serde_json::json!({
        "dry_run": args.dry_run,
        "found": found,
        "removed": removed,
    });
    ctx.ui.render_success(&doc, !args.dry_run, |ui| {
        if found.is_empty() {
            return ui.line(format!(
                "{} no leftovers of interrupted operations",
                ui.green("ok")
            ));
        }
        for l in &found {
            let state = if l.in_use {
                "in use, left alone"
            } else if args.dry_run {
                "would remove"
            } else if removed.iter().any(|r| r.path == l.path) {
                "removed"
            } else {
                "could not remove"
            };
            ui.line(format!(
                "{:<8} {}  {}  ({state})",
                l.operation,
                l.path.display(),
                human_bytes(l.bytes)
            ))?;
        }
        Ok(())
    })?;
    Ok(ExitStatus::Ok)
}
