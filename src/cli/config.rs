//! `talos config show` and `talos config validate`.

use clap::Subcommand;
use serde::Serialize;

use super::{Ctx, ExitStatus};
use crate::config::{self, Source};
use crate::error::Result;
use crate::output::table_uncut;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Every effective setting and where it came from (flag, env, config.yaml, default).
    ///
    /// The admin token is shown only as set or unset, never its value.
    ///
    /// EXIT STATUS: 0 printed, also when config.yaml is missing or broken
    /// (shown as config_problem; `talos config validate` exits 1 or 3 for
    /// it); 2 usage error.
    #[command(verbatim_doc_comment)]
    Show,
    /// Check config.yaml (YAML, keys version/orchestrator/logging) and the file modes of the layout.
    ///
    /// The recognised settings, when present, must be usable: orchestrator.api_url
    /// an http(s) URL, orchestrator.process_match a valid regex,
    /// orchestrator.cacert and backup.dir paths, backup.keep a positive number.
    ///
    /// EXIT STATUS: 0 valid; 1 config.yaml missing; 3 invalid YAML, a missing
    /// key, an unusable setting or an unsafe mode (each finding names its fix).
    Validate,
}

pub fn run(ctx: &Ctx, cmd: ConfigCommand) -> Result<ExitStatus> {
    match cmd {
        ConfigCommand::Show => show(ctx),
        ConfigCommand::Validate => validate(ctx),
    }
}

#[derive(Serialize)]
struct ShownSetting {
    name: &'static str,
    value: serde_json::Value,
    source: Source,
}

fn show(ctx: &Ctx) -> Result<ExitStatus> {
    let s = &ctx.settings;
    let l = &ctx.layout;
    let path = |p: &std::path::Path| serde_json::Value::String(p.display().to_string());
    let rows = vec![
        ShownSetting {
            name: "root",
            value: path(&s.root.value),
            source: s.root.source,
        },
        ShownSetting {
            name: "orchestrator.api_url",
            value: s.api_url.value.clone().into(),
            source: s.api_url.source,
        },
        ShownSetting {
            name: "orchestrator.cacert",
            value: s
                .cacert
                .value
                .as_deref()
                .map(path)
                .unwrap_or(serde_json::Value::Null),
            source: s.cacert.source,
        },
        ShownSetting {
            name: "orchestrator.process_match",
            value: s.process_match.value.clone().into(),
            source: s.process_match.source,
        },
        ShownSetting {
            name: "backup.dir",
            value: path(&s.backup_dir.value),
            source: s.backup_dir.source,
        },
        ShownSetting {
            name: "backup.keep",
            value: s
                .backup_keep
                .value
                .map(Into::into)
                .unwrap_or(serde_json::Value::Null),
            source: s.backup_keep.source,
        },
        ShownSetting {
            name: "backup.repo",
            value: s
                .backup_repo
                .value
                .clone()
                .map(Into::into)
                .unwrap_or(serde_json::Value::Null),
            source: s.backup_repo.source,
        },
        ShownSetting {
            name: "backup.encrypt_to",
            value: s.backup_encrypt_to.value.clone().into(),
            source: s.backup_encrypt_to.source,
        },
        ShownSetting {
            name: "token",
            value: if s.token.value.is_some() {
                "set"
            } else {
                "unset"
            }
            .into(),
            source: s.token.source,
        },
        ShownSetting {
            name: "timeout_secs",
            value: s.timeout.value.as_secs_f64().into(),
            source: s.timeout.source,
        },
    ];
    let paths = serde_json::json!({
        "config_dir": l.config_dir, "config_file": l.config_file, "ssl_dir": l.ssl_dir,
        "data_dir": l.data_dir, "state_dir": l.state_dir, "db": l.db, "log_dir": l.log_dir,
        "audit_dir": l.audit_dir, "run_dir": l.run_dir, "pid_file": l.pid_file,
        "custom_dir": l.custom_dir, "backup_dir": l.backup_dir,
    });
    let doc = serde_json::json!({
        "settings": rows,
        "layout": paths,
        "config_problem": s.config_problem,
    });
    ctx.ui.render(&doc, |ui| {
        let table_rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                let v = match &r.value {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => "-".into(),
                    other => other.to_string(),
                };
                vec![r.name.to_string(), v, r.source.to_string()]
            })
            .collect();
        ui.line(table_uncut(&["SETTING", "VALUE", "SOURCE"], &table_rows))?;
        ui.line("")?;
        let layout_rows: Vec<Vec<String>> = paths
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| vec![k.clone(), v.as_str().unwrap_or_default().to_string()])
            .collect();
        ui.line(table_uncut(&["PATH", "LOCATION"], &layout_rows))?;
        if let Some(p) = &s.config_problem {
            ui.warn(format!("config.yaml not used: {p}"));
        }
        Ok(())
    })?;
    Ok(ExitStatus::Ok)
}

fn validate(ctx: &Ctx) -> Result<ExitStatus> {
    let findings = config::validate(&ctx.layout);
    let integrity = findings.iter().any(|f| f.integrity);
    let doc = serde_json::json!({
        "config_file": ctx.layout.config_file,
        "valid": findings.is_empty(),
        "findings": findings,
    });
    ctx.ui.render(&doc, |ui| {
        if findings.is_empty() {
            ui.done(format!(
                "{} {} is valid; modes are as required",
                ui.green("ok"),
                ctx.layout.config_file.display()
            ))?;
        }
        for f in &findings {
            ui.line(format!(
                "{} {}: {}",
                ui.red("✗"),
                f.path.display(),
                f.problem
            ))?;
            ui.line(format!("  fix: {}", f.fix))?;
        }
        Ok(())
    })?;
    // The report is printed; the exit code carries the verdict (a finding
    // is a result, not a crash).
    if findings.is_empty() {
        return Ok(ExitStatus::Ok);
    }
    ctx.ui
        .note("apply the fixes above, then run `talos config validate` again");
    Ok(if integrity {
        ExitStatus::Integrity
    } else {
        ExitStatus::Failed
    })
}
