//! `talos repair config`

use clap::Args;

use crate::cli::{Ctx, ExitStatus};
use crate::error::{Error, Result};
use crate::repair::config as repair_config;

/// Put back the newest config that validates (config corruption, F-006 in docs/runbook.md).
///
/// When config.yaml is missing or does not validate (YAML, top-level keys
/// version, orchestrator and logging), the newest valid config among the
/// etc/talos/config.yaml.backup* files (by modification time) and the
/// newest backup archive whose config/config.yaml validates (by the time in
/// its name) is written in its place with mode 0600, atomically. The output
/// says which one and from when, and shows the change as a unified diff
/// (also in --json, as `plan.diff`), so an older config (fewer workers, no
/// breaker settings) is never put back unseen. The broken file is kept
/// beside it as config.yaml.broken-<UTC timestamp>.
///
/// Recorded in the audit chain. Asks for confirmation (--yes to skip).
///
/// EXIT STATUS: 0 repaired, or config.yaml already valid; 1 no valid
/// config found (no config.yaml.backup* and no backup archive validates);
/// 4 the confirmation was declined.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ConfigArgs {
    /// Show which config would be put back and the diff; change nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, args: ConfigArgs) -> Result<ExitStatus> {
    let plan = repair_config::plan(&ctx.layout, &ctx.settings.backup_dir.value)?;
    if !plan.needed() {
        let doc = serde_json::json!({"dry_run": args.dry_run, "repaired": false, "plan": plan});
        ctx.ui.render(&doc, |ui| {
            ui.line(format!(
                "{} {} validates; nothing to repair",
                ui.green("ok"),
                plan.config_file.display()
            ))?;
            ui.line("  (file modes are checked by `talos config validate`)")
        })?;
        return Ok(ExitStatus::Ok);
    }
    let problem = plan.current_problem.clone().unwrap_or_default();
    let Some(chosen) = plan.chosen.clone() else {
        let mut err = Error::failed(format!(
            "{}: {problem}; and no config.yaml.backup* validates ({} found), nor the config of any backup archive",
            plan.config_file.display(),
            plan.candidates.len()
        ));
        for c in &plan.candidates {
            err = err.hint(format!(
                "{}: {}",
                c.path.display(),
                c.problem.as_deref().unwrap_or("valid")
            ));
        }
        err = err.hint(format!(
            "no backup archive in {} holds a valid config either: fix the YAML by hand, then `talos config validate`",
            ctx.settings.backup_dir.value.display()
        ));
        return Err(err);
    };
    let from = describe(&chosen);
    let diff = plan.diff.clone().unwrap_or_default();
    if !args.dry_run {
        // The change is shown before the question (on stderr, with the
        // prompt; the result on stdout shows it again).
        if !ctx.ui.assume_yes && ctx.ui.stdin_tty && ctx.ui.stderr_tty {
            ctx.ui
                .note(format!("will put back {from}:\n{}", diff.trim_end()));
        }
        ctx.ui.confirm(&format!(
            "replace {} with {from}?",
            plan.config_file.display(),
        ))?;
        repair_config::apply(&ctx.layout, &plan)?;
    }
    let doc = serde_json::json!({"dry_run": args.dry_run, "repaired": !args.dry_run, "plan": plan});
    ctx.ui.render(&doc, |ui| {
        ui.line(format!(
            "{} {}: {problem}",
            ui.red("broken"),
            plan.config_file.display()
        ))?;
        for c in &plan.candidates {
            let verdict = match &c.problem {
                None if c.path == chosen.path => ui.green("valid, chosen"),
                None => "valid (older)".to_string(),
                Some(p) => format!("invalid: {p}"),
            };
            ui.line(format!(
                "  {} (modified {})  {verdict}",
                c.path.display(),
                c.modified.as_deref().unwrap_or("?")
            ))?;
        }
        if let Some(a) = &plan.archive {
            let verdict = if a.archive == chosen.path {
                ui.green("valid, chosen")
            } else {
                "valid (older)".to_string()
            };
            ui.line(format!(
                "  {}:config/config.yaml (backup of {})  {verdict}",
                a.archive.display(),
                a.created.as_deref().unwrap_or("?")
            ))?;
        }
        let (put, kept) = if args.dry_run {
            ("would put back", "would be kept")
        } else {
            ("put back", "kept")
        };
        ui.line(format!("{put} {from} as {}", plan.config_file.display()))?;
        ui.line(diff.trim_end())?;
        if let Some(b) = &plan.broken_copy {
            ui.line(format!("the broken file {kept} as {}", b.display()))?;
        }
        if args.dry_run {
            ui.line("dry run: nothing was changed")?;
        } else {
            ui.line("next: `talos config validate`, then `talos restart` so the daemon reads it")?;
        }
        Ok(())
    })?;
    Ok(ExitStatus::Ok)
}

/// "config.yaml.backup (modified 2026-…)" or "config/config.yaml of
/// backup_….tar.gz (backup of 2026-…)".
fn describe(c: &repair_config::Chosen) -> String {
    let when = c.time.as_deref().unwrap_or("unknown time");
    match c.kind {
        "backup_archive" => format!(
            "config/config.yaml of the backup archive {} (backup of {when})",
            c.path.display()
        ),
        _ => format!("{} (modified {when})", c.path.display()),
    }
}
