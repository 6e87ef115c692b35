//! `talos breaker reset NAME... | --all [--dry-run]`.

use clap::Args;

use crate::access::Access;
use crate::breakers::runbook::{self, Event, ResetOptions, ResetReport, Selection};
use crate::cli::{Ctx, ExitStatus};
use crate::error::Result;

/// Reset circuit breakers to closed (failure_count 0, opened_at null).
///
/// Through the daemon's admin API when it answers. Otherwise on
/// var/lib/talos/state/circuit_breakers.json, and only when the daemon is
/// verified dead (no PID file, or a stale one, and no API answer): a live
/// daemon would overwrite the file. Every other key and every other breaker
/// in the file is kept as it was. Each reset is recorded in the audit chain.
/// A reset is low-risk, so there is no confirmation; --dry-run shows what
/// would change.
///
/// Example: `talos breaker reset llm_api`, `talos breaker reset --all --dry-run`
///
/// EXIT STATUS: 0 reset; 1 a reset failed; 2 an unknown breaker name (the
/// known ones are listed); 3 circuit_breakers.json is corrupt; 4 refused:
/// the daemon is alive but its API does not answer; 5 with --online when the
/// daemon cannot be reached.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ResetArgs {
    /// Breakers to reset
    #[arg(
        value_name = "NAME",
        add = crate::cli::complete::breaker_names(),
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub names: Vec<String>,
    /// Reset every breaker
    #[arg(long)]
    pub all: bool,
    /// Show what would be reset and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, args: ResetArgs) -> Result<ExitStatus> {
    let opts = ResetOptions {
        selection: if args.all {
            Selection::All
        } else {
            Selection::Names(args.names)
        },
        dry_run: args.dry_run,
        mode: ctx.mode,
    };
    let report = runbook::reset(&ctx.settings, &ctx.layout, &opts, |e| match e {
        Event::AuditFailed { name, error } => ctx.ui.warn(format!(
            "breaker {name} was reset, but the audit record failed: {error}"
        )),
    })?;
    finish(ctx, &report)
}

fn finish(ctx: &Ctx, doc: &ResetReport) -> Result<ExitStatus> {
    let failed = doc.status != ExitStatus::Ok;
    ctx.ui.render(doc, |ui| {
        let via = if doc.access == Access::Online {
            "through the API".to_string()
        } else {
            format!("on {}", ctx.layout.breakers_file().display())
        };
        if let Some(n) = &doc.note {
            ui.note(format!("offline: {n}"));
        }
        for o in &doc.results {
            let line = if doc.dry_run {
                format!("would reset {}: {} -> closed", o.name, o.from)
            } else if o.done {
                format!("{} {}: {} -> closed", ui.green("reset"), o.name, o.from)
            } else {
                format!(
                    "{} {}: {}",
                    ui.red("FAILED"),
                    o.name,
                    o.error.as_deref().unwrap_or("?")
                )
            };
            if o.done && !doc.dry_run {
                ui.done(line)?;
            } else {
                ui.line(line)?;
            }
        }
        if doc.dry_run {
            ui.line(format!(
                "dry run ({}, {via}): nothing was changed",
                doc.access.as_str()
            ))?;
        } else if failed {
            ui.line(format!("access: {} ({via})", doc.access.as_str()))?;
        } else {
            ui.done(format!("access: {} ({via})", doc.access.as_str()))?;
        }
        Ok(())
    })?;
    Ok(doc.status)
}
