//! `talos db check`

use clap::Args;

use crate::cli::{Ctx, ExitStatus};
use crate::db;
use crate::error::{Error, Result};
use crate::output::human_bytes;

/// Check the database: PRAGMA integrity_check, tables, journal mode, WAL size.
///
/// Opens DB (var/lib/talos/db/talos.db) read-only, so it is safe while the
/// daemon runs and never changes the file. Checks that integrity_check says
/// ok, that the tables tasks, sessions and audit_log exist, that the journal
/// mode is WAL, and how big the WAL file has grown (a WAL over 64 MiB means
/// checkpoints are not keeping up: `talos db checkpoint`).
///
/// EXIT STATUS: 0 sound; 1 the database does not exist, or a warning (not in
/// WAL mode, WAL too big); 3 corrupt, not a database, or a required table
/// missing.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {}

pub fn run(ctx: &Ctx, _args: CheckArgs) -> Result<ExitStatus> {
    let db_path = &ctx.layout.db;
    let r = db::check(db_path);
    if !r.exists {
        return Err(
            Error::failed(format!("{} does not exist", db_path.display()))
                .hint("restore it from a backup: `talos restore BACKUP --partial database`"),
        );
    }
    let corrupt = r.corrupt();
    let not_wal = r
        .journal_mode
        .as_deref()
        .is_some_and(|m| !m.eq_ignore_ascii_case("wal"));
    let doc = serde_json::json!({
        "ok": !corrupt && !not_wal && !r.wal_too_big(),
        "corrupt": corrupt,
        "report": r,
    });
    ctx.ui.render(&doc, |ui| {
        ui.line(format!("database {} ({})", r.path.display(), human_bytes(r.size)))?;
        if let Some(e) = &r.open_error {
            ui.line(format!("{} cannot be read as a database: {e}", ui.red("✗")))?;
        } else if r.integrity == ["ok"] {
            ui.line(format!("{} integrity_check: ok", ui.green("✓")))?;
        } else {
            ui.line(format!("{} integrity_check:", ui.red("✗")))?;
            for row in r.integrity.iter().take(20) {
                ui.line(format!("    {row}"))?;
            }
        }
        if r.open_error.is_none() {
            if r.tables_missing.is_empty() {
                ui.line(format!("{} tables: {}", ui.green("✓"), db::REQUIRED_TABLES.join(", ")))?;
            } else {
                ui.line(format!("{} missing tables: {}", ui.red("✗"), r.tables_missing.join(", ")))?;
            }
            let mode = r.journal_mode.as_deref().unwrap_or("?");
            if not_wal {
                ui.line(format!("{} journal mode: {mode} (must be wal)", ui.yellow("!")))?;
            } else {
                ui.line(format!("{} journal mode: {mode}", ui.green("✓")))?;
            }
        }
        let wal = format!("WAL: {}", human_bytes(r.wal_bytes));
        if r.wal_too_big() {
            ui.line(format!("{} {wal} (over {}): run `talos db checkpoint`", ui.yellow("!"), human_bytes(db::WAL_WARN_BYTES)))?;
        } else {
            ui.line(format!("{} {wal}", ui.green("✓")))?;
        }
        if corrupt {
            ui.line("fix: stop the daemon (`talos panic` or your service manager), then restore the database: `talos restore BACKUP --partial database`")?;
        }
        Ok(())
    })?;
    Ok(if corrupt {
        ExitStatus::Integrity
    } else if not_wal || r.wal_too_big() {
        ExitStatus::Failed
    } else {
        ExitStatus::Ok
    })
}
