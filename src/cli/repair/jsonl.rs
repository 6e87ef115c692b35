//! `talos repair jsonl FILE...`

use std::path::PathBuf;

use clap::Args;

use crate::cli::{Ctx, ExitStatus};
use crate::doctor::procs;
use crate::error::{Error, Result};
use crate::output::human_bytes;
use crate::repair::{self, jsonl};

/// Drop the lines of a JSON-lines file that are not JSON objects.
///
/// For each FILE (a Tier 2/3 log, a rotation, a `.gz` rotation, any .jsonl),
/// the original is kept beside it as FILE.corrupt and the file is replaced
/// atomically, with the same mode, by its parseable lines only. Blank lines
/// are dropped too. A file with nothing to drop is left untouched. A .gz
/// rotation cut short (a truncated copy, a full disk during rotation) keeps
/// every line before the cut and is written back as complete gzip.
///
/// Never on the audit log (var/log/talos/audit): a damaged audit record is evidence;
/// `talos audit verify-chain` reports it. The current orchestrator.log and
/// debug.log are refused while the daemon runs (it holds them open and would
/// go on writing into the replaced file); rotations are fine.
///
/// Each repaired file is recorded in the audit chain. Asks for confirmation
/// (--yes to skip).
///
/// EXIT STATUS: 0 repaired or nothing to repair; 3 a .gz rotation with no
/// readable line; 4 an audit file, a current log while the daemon runs, or
/// the confirmation declined (nothing was changed).
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct JsonlArgs {
    /// Files to repair
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Show how many lines would be dropped; change nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, args: JsonlArgs) -> Result<ExitStatus> {
    let layout = &ctx.layout;
    // Refuse before reading anything, so a mixed list changes nothing.
    for f in &args.files {
        jsonl::refuse_audit(layout, f)?;
    }
    let current = [layout.orchestrator_log(), layout.debug_log()];
    let touches_current = args.files.iter().any(|f| {
        current
            .iter()
            .any(|c| repair::resolved(f) == repair::resolved(c))
    });
    if touches_current && !args.dry_run {
        let pids = procs::running(layout, &ctx.settings.process_match.value)?;
        if !pids.is_empty() {
            return Err(Error::refused(format!(
                "the daemon is running (PID {}) and writes to the current log; replacing it now would lose its next lines",
                pids.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
            ))
            .hint("repair the rotations (orchestrator.log.N) now, and the current file after the daemon stops or rotates it"));
        }
    }
    let plans = args
        .files
        .iter()
        .map(|f| jsonl::plan(f))
        .collect::<Result<Vec<_>>>()?;
    let to_change: Vec<&jsonl::JsonlPlan> = plans.iter().filter(|p| p.changes()).collect();
    let dropped: usize = plans.iter().map(|p| p.dropped).sum();

    if !args.dry_run && !to_change.is_empty() {
        ctx.ui.confirm(&format!(
            "drop {dropped} unparseable line(s) from {} file(s) (originals kept as .corrupt)?",
            to_change.len()
        ))?;
        for p in &to_change {
            jsonl::apply(layout, p)?;
        }
    }

    let doc = serde_json::json!({
        "dry_run": args.dry_run,
        "dropped": dropped,
        "files": plans,
    });
    ctx.ui.render(&doc, |ui| {
        // What a real repair did is a success line (-q silences it); a dry
        // run's plan is the output asked for.
        let say = |text: String| {
            if args.dry_run {
                ui.line(text)
            } else {
                ui.done(text)
            }
        };
        for p in &plans {
            let size = std::fs::metadata(&p.path).map(|m| m.len()).unwrap_or(0);
            if !p.changes() {
                say(format!(
                    "{} {}: all {} line(s) parse; nothing to do",
                    ui.green("ok"),
                    p.path.display(),
                    p.lines
                ))?;
                continue;
            }
            let verb = if args.dry_run {
                "would drop"
            } else {
                "dropped"
            };
            say(format!(
                "{} {}: {verb} {} unparseable and {} blank line(s), kept {} of {} ({})",
                ui.yellow("fix"),
                p.path.display(),
                p.dropped,
                p.blank,
                p.kept,
                p.lines,
                human_bytes(size)
            ))?;
            if let Some(why) = &p.truncated {
                say(format!(
                    "  truncated after line {}: {why}; the {} line(s) before the cut are kept",
                    p.lines, p.kept
                ))?;
            }
            if !p.dropped_lines.is_empty() {
                let nums: Vec<String> = p.dropped_lines.iter().map(usize::to_string).collect();
                let more = if p.dropped > p.dropped_lines.len() {
                    ", ..."
                } else {
                    ""
                };
                say(format!("  unparseable lines: {}{more}", nums.join(", ")))?;
            }
            if let Some(c) = &p.corrupt_copy {
                let verb = if args.dry_run {
                    "would be kept"
                } else {
                    "kept"
                };
                say(format!("  original {verb} as {}", c.display()))?;
            }
        }
        if args.dry_run && !to_change.is_empty() {
            ui.line("dry run: nothing was changed; run again without --dry-run to repair")?;
        }
        Ok(())
    })?;
    Ok(ExitStatus::Ok)
}
