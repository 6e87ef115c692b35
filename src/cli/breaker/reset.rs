//! `talos breaker reset NAME... | --all [--dry-run]`.

use clap::Args;
use serde::Serialize;
use serde_json::json;

use crate::access::{self, Access, Purpose, Way};
use crate::api::{ApiErrorKind, Client};
use crate::breakers::{Breaker, BreakerFile, list_from_map, unknown_breaker};
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

#[derive(Debug, Serialize)]
struct Outcome {
    name: String,
    from: String,
    to: &'static str,
    done: bool,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct Doc {
    access: Access,
    dry_run: bool,
    note: Option<String>,
    results: Vec<Outcome>,
}

/// The breakers to reset, in the order given; unknown names fail first.
fn select(args: &ResetArgs, known: &[Breaker]) -> Result<Vec<Breaker>> {
    if args.all {
        return Ok(known.to_vec());
    }
    let names: Vec<String> = known.iter().map(|b| b.name.clone()).collect();
    let mut out: Vec<Breaker> = Vec::new();
    for n in &args.names {
        let Some(b) = known.iter().find(|b| &b.name == n) else {
            return Err(unknown_breaker(n, &names));
        };
        if !out.iter().any(|o| o.name == b.name) {
            out.push(b.clone());
        }
    }
    Ok(out)
}

pub fn run(ctx: &Ctx, args: ResetArgs) -> Result<ExitStatus> {
    // A write of the daemon's file: offline only with the daemon verified
    // down (crate::access).
    match access::choose(ctx.mode, Purpose::Write, &ctx.settings, &ctx.layout, |c| {
        c.breakers()
    })? {
        Way::Online { client, value } => online(ctx, &args, &client, &list_from_map(&value)),
        Way::Offline { note } => offline(ctx, &args, note),
    }
}

fn record(ctx: &Ctx, name: &str, from: &str, access: Access) -> Option<String> {
    let details = json!({"name": name, "from": from, "to": "closed", "access": access});
    match crate::audit::record_operator_action(&ctx.layout, "circuit_breaker_reset", details) {
        Ok(_) => None,
        Err(e) => {
            ctx.ui.warn(format!(
                "breaker {name} was reset, but the audit record failed: {e}"
            ));
            Some(e.message)
        }
    }
}

fn online(ctx: &Ctx, args: &ResetArgs, client: &Client, known: &[Breaker]) -> Result<ExitStatus> {
    let chosen = select(args, known)?;
    let mut results = Vec::new();
    let mut failed = false;
    for b in chosen {
        let mut o = Outcome {
            name: b.name.clone(),
            from: b.state.clone(),
            to: "closed",
            done: false,
            error: None,
        };
        if !args.dry_run {
            match client.reset_breaker(&b.name) {
                Ok(_) => {
                    o.done = true;
                    if let Some(e) = record(ctx, &b.name, &b.state, Access::Online) {
                        o.error = Some(format!("audit record failed: {e}"));
                        failed = true;
                    }
                }
                // A rejected token or a vanished daemon fails every reset
                // alike: stop, as an error if nothing was done yet.
                Err(e) if !matches!(e.kind, ApiErrorKind::NotFound | ApiErrorKind::Status) => {
                    if !results.iter().any(|r: &Outcome| r.done) {
                        return Err(e.into());
                    }
                    o.error = Some(e.message);
                    results.push(o);
                    failed = true;
                    break;
                }
                Err(e) => {
                    o.error = Some(e.message);
                    failed = true;
                }
            }
        }
        results.push(o);
    }
    finish(
        ctx,
        Doc {
            access: Access::Online,
            dry_run: args.dry_run,
            note: None,
            results,
        },
        failed,
    )
}

fn offline(ctx: &Ctx, args: &ResetArgs, note: Option<String>) -> Result<ExitStatus> {
    // Two operators resetting at once must not lose each other's change.
    // Held for a read-modify-write only, so waiting is fine; the file keeps
    // no PID, so nothing mistakes it for a stale lock later.
    let _lock = if args.dry_run {
        None
    } else {
        Some(crate::fsutil::FileLock::exclusive_blocking(
            &ctx.layout.run_dir.join("breaker-reset.lock"),
        )?)
    };
    let mut file = BreakerFile::load(&ctx.layout.breakers_file())?;
    let chosen = select(args, &file.list())?;
    let mut results: Vec<Outcome> = chosen
        .iter()
        .map(|b| Outcome {
            name: b.name.clone(),
            from: b.state.clone(),
            to: "closed",
            done: false,
            error: None,
        })
        .collect();
    let mut failed = false;
    if !args.dry_run && !results.is_empty() {
        for b in &chosen {
            file.reset(&b.name)?;
        }
        file.save()?;
        for o in &mut results {
            o.done = true;
            if let Some(e) = record(ctx, &o.name, &o.from, Access::Offline) {
                o.error = Some(format!("audit record failed: {e}"));
                failed = true;
            }
        }
    }
    finish(
        ctx,
        Doc {
            access: Access::Offline,
            dry_run: args.dry_run,
            note,
            results,
        },
        failed,
    )
}

fn finish(ctx: &Ctx, doc: Doc, failed: bool) -> Result<ExitStatus> {
    ctx.ui.render(&doc, |ui| {
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
    Ok(if failed {
        ExitStatus::Failed
    } else {
        ExitStatus::Ok
    })
}
