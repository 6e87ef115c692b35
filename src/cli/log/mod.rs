//! `talos log`: search, trace and count the Tier 2 and Tier 3 logs.

pub mod prune;
pub mod query;
pub mod stats;
pub mod trace;

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use super::{Ctx, ExitStatus};
use crate::error::Result;
use crate::logs::{self, LogFile, Malformed, Summary};
use crate::output::Ui;

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    Query(Box<query::QueryArgs>),
    Trace(trace::TraceArgs),
    Stats(stats::StatsArgs),
    Prune(prune::PruneArgs),
}

pub fn run(ctx: &Ctx, cmd: LogCommand) -> Result<ExitStatus> {
    match cmd {
        LogCommand::Query(a) => query::run(ctx, *a),
        LogCommand::Trace(a) => trace::run(ctx, a),
        LogCommand::Stats(a) => stats::run(ctx, a),
        LogCommand::Prune(a) => prune::run(ctx, a),
    }
}

/// The files to search: the ones named, or every Tier 2/3 file of
/// var/log/talos (a note when there is none).
fn files(ctx: &Ctx, named: &[PathBuf]) -> Result<Vec<LogFile>> {
    let dir = &ctx.layout.log_dir;
    let files = logs::runbook::files_to_search(dir, named)?;
    if named.is_empty() && files.is_empty() {
        ctx.ui
            .note(format!("no Tier 2/3 log files in {}", dir.display()));
    }
    Ok(files)
}

/// Reports on stderr what the search skipped: malformed lines, files that
/// could not be read, jq errors. Returns the search's exit status (Failed
/// when part of the input could not be read).
fn report_skipped(ui: &Ui, summary: &Summary) -> ExitStatus {
    report_malformed(ui, &summary.malformed);
    if summary.filter_errors > 0 {
        ui.warn(format!(
            "--filter raised an error on {} line(s), which did not match (first: {})",
            summary.filter_errors,
            summary.first_filter_error.as_deref().unwrap_or("?")
        ));
    }
    for (path, why) in &summary.unreadable {
        ui.warn(format!("{}: {why}", path.display()));
    }
    summary.exit_status()
}

fn report_malformed(ui: &Ui, malformed: &std::collections::BTreeMap<Malformed, u64>) {
    let total: u64 = malformed.values().sum();
    if total == 0 {
        return;
    }
    let parts: Vec<String> = malformed
        .iter()
        .map(|(k, n)| format!("{n} {}", k.as_str()))
        .collect();
    ui.warn(format!(
        "skipped {total} malformed line(s): {}; `talos repair jsonl FILE` drops them for good",
        parts.join(", ")
    ));
}

/// Buffered stdout for results that can run to millions of lines. A reader
/// that went away (`| head`) stops the search (a query changes nothing, so
/// there is nothing to finish) and the run ends quietly with success, as
/// ripgrep does; anything else is an error.
pub(crate) struct Out {
    w: std::io::BufWriter<std::io::StdoutLock<'static>>,
}

impl Out {
    pub(crate) fn new() -> Out {
        Out {
            w: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        }
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) -> Result<()> {
        crate::output::stdout_result(self.w.write_all(bytes))?;
        stop_if_closed()
    }

    pub(crate) fn flush(&mut self) -> Result<()> {
        crate::output::stdout_result(self.w.flush())?;
        stop_if_closed()
    }
}

fn stop_if_closed() -> Result<()> {
    if crate::output::stdout_closed() {
        return Err(crate::output::closed_pipe());
    }
    Ok(())
}

/// Level coloured for a terminal (no-op when colour is off).
fn level_style(ui: &Ui, level: &str) -> String {
    let padded = format!("{level:<5}");
    if level.eq_ignore_ascii_case("ERROR") {
        ui.red(&padded)
    } else if level.eq_ignore_ascii_case("WARN") || level.eq_ignore_ascii_case("WARNING") {
        ui.yellow(&padded)
    } else if level.eq_ignore_ascii_case("INFO") {
        ui.green(&padded)
    } else {
        ui.dim(&padded)
    }
}

/// Messages can hold newlines and terminal escapes; a record stays one line
/// and cannot repaint the operator's terminal (the one rule for query,
/// trace and stats).
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `145 ms`, `1.20 s`.
fn ms(d: f64) -> String {
    if d >= 1000.0 {
        format!("{:.2} s", d / 1000.0)
    } else if d >= 10.0 {
        format!("{d:.0} ms")
    } else {
        format!("{d:.1} ms")
    }
}
