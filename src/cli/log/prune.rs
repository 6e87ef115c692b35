//! `talos log prune`

use clap::Args;

use crate::cli::{Ctx, ExitStatus};
use crate::error::Result;
use crate::output::human_bytes;
use crate::repair::prune::{self, PruneReason};

/// Free disk space (disk full, F-005 in docs/runbook.md): old log rotations and temporary files.
///
/// Deletes:
///   - Tier 2 (orchestrator.log.N[.gz]) and Tier 3 (debug.log.N[.gz])
///     rotations beyond each tier's 50 MiB ring: the current file counts
///     first, then rotations newest first (.1, .2, ...); the first one that
///     would take the tier past 50 MiB and all older ones go;
///   - temporary files under var/lib/talos (*.tmp, .restore-staging-*, the
///     contents of var/lib/talos/tmp/) and partial backups (.tmp-backup-*,
///     *.tmp) in the backup directory. Anything modified in the last
///     15 minutes is left alone (a backup or restore may be writing it), and
///     restore staging is kept while restore.journal shows an unfinished
///     restore.
///
/// Never touches the audit log (var/log/talos/audit), the current orchestrator.log and
/// debug.log, emergency preserves, restore rollbacks or backups.
///
/// Recorded in the audit chain. Asks for confirmation (--yes to skip).
///
/// EXIT STATUS: 0 done (or nothing to prune); 1 some files could not be
/// deleted; 4 the confirmation was declined.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct PruneArgs {
    /// List what would be deleted and the bytes it would free; delete nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, args: PruneArgs) -> Result<ExitStatus> {
    // Deleting files while a restore swaps the tree: ordered against it.
    let _install = if args.dry_run {
        None
    } else {
        Some(crate::locks::shared(&ctx.layout, "log prune")?)
    };
    let plan = prune::plan(&ctx.layout, &ctx.settings.backup_dir.value)?;
    let mut outcome = None;
    if !args.dry_run && !plan.delete.is_empty() {
        ctx.ui.confirm(&format!(
            "delete {} item(s), freeing {}?",
            plan.delete.len(),
            human_bytes(plan.bytes)
        ))?;
        outcome = Some(prune::apply(&ctx.layout, &plan)?);
    }
    let freed = outcome.as_ref().map(|o| o.freed).unwrap_or(0);
    let failed = outcome
        .as_ref()
        .map(|o| o.failed.clone())
        .unwrap_or_default();
    let doc = serde_json::json!({
        "dry_run": args.dry_run,
        "bytes_to_free": plan.bytes,
        "bytes_freed": freed,
        "plan": plan,
        "failed": failed,
    });
    ctx.ui
        .render_success(&doc, !args.dry_run && failed.is_empty(), |ui| {
            for t in &plan.tiers {
                ui.line(format!(
                    "{:?} tier: {} now, {} after (ring {})",
                    t.tier,
                    human_bytes(t.bytes_before),
                    human_bytes(t.bytes_after),
                    human_bytes(plan.ring_bytes)
                ))?;
            }
            if plan.delete.is_empty() {
                ui.line("nothing to prune")?;
            }
            let verb = if args.dry_run {
                "would delete"
            } else {
                "deleted"
            };
            for item in &plan.delete {
                let why = match item.reason {
                    PruneReason::BeyondRing => "rotation beyond the 50 MiB ring",
                    PruneReason::Temporary => "temporary",
                };
                ui.line(format!(
                    "  {verb} {} ({}, {why})",
                    item.path.display(),
                    human_bytes(item.bytes)
                ))?;
            }
            for s in &plan.skipped {
                ui.line(format!("  kept {}: {}", s.path.display(), s.why))?;
            }
            for s in &failed {
                ui.line(format!(
                    "  {} {}: {}",
                    ui.red("failed"),
                    s.path.display(),
                    s.why
                ))?;
            }
            if args.dry_run {
                ui.line(format!(
                    "dry run: would free {}; nothing was deleted",
                    human_bytes(plan.bytes)
                ))?;
            } else if !plan.delete.is_empty() {
                ui.done(format!("freed {}", human_bytes(freed)))?;
            }
            Ok(())
        })?;
    Ok(if failed.is_empty() {
        ExitStatus::Ok
    } else {
        ExitStatus::Failed
    })
}
