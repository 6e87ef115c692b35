//! `talos log`: search, trace and count the Tier 2 and Tier 3 logs.

pub mod prune;
pub mod query;
pub mod stats;
pub mod trace;

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use super::{Ctx, ExitStatus};
use crate::error::{Error, Result};
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

/// The files to search: the ones named, or every Tier 2/3 file of var/log/talos.
fn files(ctx: &Ctx, named: &[PathBuf]) -> Result<Vec<LogFile>> {
    if !named.is_empty() {
        let mut out = Vec::new();
        for p in named {
            if !p.is_file() {
                return Err(Error::failed(format!("no such log file: {}", p.display()))
                    .hint("name an existing file, or leave FILE out to search every Tier 2/3 file of the log directory"));
            }
            out.push(LogFile::named(p));
        }
        return Ok(out);
    }
    let dir = &ctx.layout.log_dir;
    match logs::discover(dir) {
        Ok(files) => {
            if files.is_empty() {
                ctx.ui
                    .note(format!("no Tier 2/3 log files in {}", dir.display()));
            }
            Ok(files)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::failed(format!(
            "the log directory {} does not exist",
            dir.display()
        ))
        .hint(
            "point --root at the installation (or set TALOS_ROOT), or name the log files to search",
        )),
        Err(e) => Err(
            Error::failed(format!("cannot list the log directory {}", dir.display()))
                .with_source(e),
        ),
    }
}

/// Reports on stderr what the search skipped: malformed lines, files that
/// could not be read, jq errors. Returns the exit code: 1 when part of the
/// input could not be read, 0 otherwise.
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
    if summary.unreadable.is_empty() {
        ExitStatus::Ok
    } else {
        ExitStatus::Failed
    }
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
