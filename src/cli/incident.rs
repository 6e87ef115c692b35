//! `talos incident report`

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use jiff::Timestamp;

use super::{Ctx, ExitStatus};
use crate::error::{Error, Result};
use crate::incident::{self, markdown};

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    Report(ReportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Markdown,
    Json,
}

/// A postmortem draft from the evidence on disk (works with the daemon dead).
///
/// Sections: header (host, window, generated at, talos version); summary
/// (counts by level, component and error code, affected components, first
/// and last error, duration); the timeline, merged in time order, of Tier 2
/// ERROR/WARN lines, block_events.log, panic.log, restore.log, circuit
/// breaker transitions (Tier 2, audit records, circuit_breakers.json) and
/// every audit record (operator actions marked); the error codes seen with
/// their meaning, runbook response (docs/runbook.md) and failure
/// procedure (F-001..F-006); patterns (messages with numbers, hex ids,
/// UUIDs and paths replaced by placeholders, grouped, most frequent first);
/// the state now (health computed from files, daemon, open breakers,
/// pending recovery, unfinished restore, doctor findings); and the sections
/// a person fills in (severity, root cause, impact, recovery actions and
/// verification, prevention, lessons learned).
///
/// Window: --since/--until (RFC 3339 or 90s, 15m, 2h, 7d); by default the
/// last 24 hours. With --correlation-id and no --since/--until, every Tier 2
/// line of that id is taken whatever its time, and the other sources over
/// the span of those lines widened by 5 minutes each side.
///
/// Markdown on stdout by default; --format json (or --json) prints the same
/// content as one JSON document; -o FILE writes it to FILE atomically
/// instead (mode 0640).
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ReportArgs {
    /// Start of the window (RFC 3339, or a span back from now: 90s, 15m, 2h, 7d)
    #[arg(long, value_parser = crate::timespec::clap_time, value_name = "T")]
    pub since: Option<Timestamp>,
    /// End of the window [default: now]
    #[arg(long, value_parser = crate::timespec::clap_time, value_name = "T")]
    pub until: Option<Timestamp>,
    /// Only the lines of this correlation id (and its children)
    #[arg(long, value_name = "ID")]
    pub correlation_id: Option<String>,
    /// Output format [default: markdown; json with --json]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to FILE (atomically) instead of stdout
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, cmd: IncidentCommand) -> Result<ExitStatus> {
    match cmd {
        IncidentCommand::Report(a) => report(ctx, a),
    }
}

fn report(ctx: &Ctx, args: ReportArgs) -> Result<ExitStatus> {
    if let (Some(s), Some(u)) = (args.since, args.until)
        && s > u
    {
        return Err(Error::usage(format!("--since {s} is after --until {u}"))
            .hint("give the start of the window first"));
    }
    let format = args.format.unwrap_or(if ctx.ui.json {
        Format::Json
    } else {
        Format::Markdown
    });
    if ctx.ui.json && format == Format::Markdown && args.output.is_none() {
        return Err(Error::usage(
            "--json prints one JSON document on stdout; Markdown cannot go there too",
        )
        .hint("drop --format markdown, or write the Markdown to a file with -o FILE"));
    }
    let opts = incident::Options {
        since: args.since,
        until: args.until,
        correlation_id: args.correlation_id.clone(),
    };
    let report = incident::build(&ctx.layout, &ctx.settings, &opts)?;
    let body = match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&report)?;
            s.push('\n');
            s
        }
        // Markdown is read in terminals and editors: no raw control
        // characters from log lines or the daemon get into it.
        Format::Markdown => {
            crate::output::escape_controls(&markdown::render(&report), false).into_owned()
        }
    };
    match &args.output {
        None => {
            ctx.ui.raw(body.as_bytes())?;
        }
        Some(path) => {
            crate::fsutil::write_atomic(path, body.as_bytes(), 0o640)?;
            let doc = serde_json::json!({
                "written": path,
                "format": match format { Format::Json => "json", Format::Markdown => "markdown" },
                "timeline_events": report.timeline.len(),
                "error_codes": report.error_codes.iter().map(|c| c.code.clone()).collect::<Vec<_>>(),
            });
            ctx.ui.render(&doc, |ui| {
                ui.line(format!(
                    "incident report written to {} ({} timeline event(s))",
                    path.display(),
                    report.timeline.len()
                ))
            })?;
        }
    }
    if report.correlation_id_missing() {
        ctx.ui.warn(format!(
            "no Tier 2 line belongs to correlation id {}; the report covers the default window",
            args.correlation_id.as_deref().unwrap_or("")
        ));
    }
    Ok(ExitStatus::Ok)
}
