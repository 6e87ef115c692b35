//! `talos repair audit`

use clap::Args;

use crate::cli::{Ctx, ExitStatus};
use crate::error::Result;
use crate::output::human_bytes;
use crate::repair::audit;

/// Remove a torn last audit record left by an interrupted append.
///
/// A crash while a record was appended leaves a final line without a
/// newline; every full backup then stops (exit 3), since nothing may be
/// appended after it. This removes only that unterminated final line of the
/// last audit file: its bytes are kept as evidence in var/log/talos
/// (`audit-NNNNNN.jsonl.torn-TIME`), and the repair is recorded in the chain
/// with their SHA-256. Complete records are never touched; any other damage
/// is left for `talos audit verify-chain` to report.
///
/// Asks for confirmation (--yes to skip).
///
/// EXIT STATUS: 0 repaired or nothing to repair; 3 the tail is not a torn
/// append (too long to be one); 4 a restore runs or was interrupted, a link
/// where the log should be, or the confirmation declined.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct AuditArgs {
    /// Show what would be removed; change nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, args: AuditArgs) -> Result<ExitStatus> {
    let layout = &ctx.layout;
    let torn = audit::find_torn(layout)?;
    let mut repaired = None;
    if let (Some(t), false) = (&torn, args.dry_run) {
        ctx.ui.confirm(&format!(
            "remove the torn last line of {} ({} bytes, kept as evidence)?",
            t.file.display(),
            t.bytes
        ))?;
        repaired = Some(audit::repair(layout, t)?);
    }
    let doc = serde_json::json!({
        "dry_run": args.dry_run,
        "torn": torn,
        "repaired": repaired,
    });
    ctx.ui.render(&doc, |ui| {
        match (&torn, &repaired) {
            (None, _) => ui.line(format!(
                "{} the audit log ends with a complete record; nothing to repair",
                ui.green("ok")
            ))?,
            (Some(t), None) => ui.line(format!(
                "{} {}: would remove a torn last line of {} ({}) at byte {}, keeping it as evidence",
                ui.yellow("fix"),
                t.file.display(),
                t.bytes,
                human_bytes(t.bytes),
                t.offset
            ))?,
            (Some(t), Some(r)) => {
                ui.line(format!(
                    "{} {}: removed a torn last line of {} bytes (sha256 {})",
                    ui.yellow("fixed"),
                    t.file.display(),
                    t.bytes,
                    t.sha256
                ))?;
                ui.line(format!("  evidence kept in {}", r.evidence.display()))?;
                if let Some(seq) = r.record_seq {
                    ui.line(format!("  recorded in the audit chain as seq {seq}"))?;
                }
            }
        }
        Ok(())
    })?;
    Ok(ExitStatus::Ok)
}
