//! `talos db checkpoint`

use clap::Args;

use crate::cli::{Ctx, ExitStatus};
use crate::db::{self, CheckpointMode};
use crate::doctor::procs;
use crate::error::Result;
use crate::output::human_bytes;

/// Copy the WAL into the database file and shrink the WAL.
///
/// With the daemon stopped, runs PRAGMA wal_checkpoint(TRUNCATE): every
/// frame is copied and the WAL is reset to zero bytes.
///
/// While the daemon runs (a verified PID file, or an orchestrator process
/// whose command line names this root), only a PASSIVE checkpoint is run,
/// and the command says so. SQLite's rules: a PASSIVE checkpoint is safe
/// alongside any other connection and never blocks the daemon, but it stops
/// at frames a reader still needs and never truncates the file; TRUNCATE
/// (and RESTART) must wait until no reader uses the WAL, which would stall
/// the daemon's writes. Stop the daemon for a full TRUNCATE. `--passive`
/// asks for PASSIVE in any case.
///
/// Recorded in the audit chain.
///
/// EXIT STATUS: 0 done (including "not in WAL mode, nothing to do"); 1 the
/// database does not exist, or the checkpoint could not complete (busy);
/// 3 the file is not a readable database.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CheckpointArgs {
    /// Run a PASSIVE checkpoint even when the daemon is stopped
    #[arg(long)]
    pub passive: bool,
}

pub fn run(ctx: &Ctx, args: CheckpointArgs) -> Result<ExitStatus> {
    let running = procs::running(&ctx.layout, &ctx.settings.process_match.value)?;
    let mode = if args.passive || !running.is_empty() {
        CheckpointMode::Passive
    } else {
        CheckpointMode::Truncate
    };
    let r = db::checkpoint_recorded(&ctx.layout, mode, &running)?;
    let wal = r.journal_mode.eq_ignore_ascii_case("wal");
    let doc = serde_json::json!({"daemon_running": !running.is_empty(), "daemon_pids": running, "result": r});
    ctx.ui.render(&doc, |ui| {
        if !wal {
            return ui.line(format!(
                "{} is in {} journal mode, not WAL: nothing to checkpoint",
                ctx.layout.db.display(),
                r.journal_mode
            ));
        }
        if !running.is_empty() && !args.passive {
            ui.line(format!(
                "{} the daemon is running (PID {}): ran a PASSIVE checkpoint only; stop the daemon for TRUNCATE",
                ui.yellow("note"),
                running.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
            ))?;
        }
        let name = match mode {
            CheckpointMode::Passive => "PASSIVE",
            CheckpointMode::Truncate => "TRUNCATE",
        };
        ui.done(format!(
            "{name} checkpoint: {} of {} WAL frame(s) copied; WAL {} -> {}",
            r.checkpointed_frames,
            r.wal_frames,
            human_bytes(r.wal_bytes_before),
            human_bytes(r.wal_bytes_after)
        ))?;
        if r.busy {
            ui.line(format!(
                "{} another connection kept the checkpoint from completing; try again later or with the daemon stopped",
                ui.yellow("busy")
            ))?;
        }
        Ok(())
    })?;
    Ok(if r.busy {
        ExitStatus::Failed
    } else {
        ExitStatus::Ok
    })
}
