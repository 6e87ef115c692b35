//! `talos repair config`

use clap::Args;

use crate::cli::{Ctx, Exit};
use crate::error::{Error, Result};
use crate::repair::config as repair_config;

/// Put back the newest config.yaml.backup* that validates (config corruption, F-006 in docs/runbook.md).
///
/// When config.yaml is missing or does not validate (YAML, top-level keys
/// version, orchestrator and logging), the newest etc/talos/config.yaml.backup*
/// (by modification time) that does validate is written in its place with
/// mode 0600, atomically. The broken file is kept beside it as
/// config.yaml.broken-<UTC timestamp>. When no local backup validates, the
/// command names the backup archive whose config does:
/// `talos restore BACKUP --partial config`.
///
/// Recorded in the audit chain. Asks for confirmation (--yes to skip).
///
/// EXIT STATUS: 0 repaired, or config.yaml already valid; 1 no
/// config.yaml.backup* validates; 4 the confirmation was declined.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ConfigArgs {
    /// Show which backup would be put back; change nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, args: ConfigArgs) -> Result<Exit> {
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
        return Ok(Exit::OK);
    }
    let problem = plan.current_problem.clone().unwrap_or_default();
    let Some(chosen) = plan.chosen.clone() else {
        let mut err = Error::failed(format!(
            "{}: {problem}; and no config.yaml.backup* validates ({} found)",
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
        err = match &plan.archive {
            Some(a) => err.hint(format!("the backup archive's config validates: {}", a.command)),
            None => err.hint(format!(
                "no backup archive in {} holds a valid config either: fix the YAML by hand, then `talos config validate`",
                ctx.settings.backup_dir.value.display()
            )),
        };
        return Err(err);
    };
    if !args.dry_run {
        ctx.ui.confirm(&format!(
            "replace {} with {}?",
            plan.config_file.display(),
            chosen.display()
        ))?;
        repair_config::apply(&plan)?;
        crate::audit::record_operator_action(
            &ctx.layout,
            "repair_config",
            serde_json::json!({
                "config_file": plan.config_file,
                "problem": problem,
                "restored_from": chosen,
                "broken_kept_as": plan.broken_copy,
            }),
        )?;
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
                None if c.path == chosen => ui.green("valid, chosen"),
                None => "valid (older)".to_string(),
                Some(p) => format!("invalid: {p}"),
            };
            ui.line(format!("  {}  {verdict}", c.path.display()))?;
        }
        let (put, kept) = if args.dry_run {
            ("would put back", "would be kept")
        } else {
            ("put back", "kept")
        };
        ui.line(format!(
            "{put} {} as {}",
            chosen.display(),
            plan.config_file.display()
        ))?;
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
    Ok(Exit::OK)
}
