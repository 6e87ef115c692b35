//! `talos log query`: search the Tier 2/3 logs.

use std::path::PathBuf;

use clap::Args;
use indicatif::ProgressBar;
use jiff::Timestamp;

use super::{Out, level_style, ms, one_line, report_malformed, report_skipped};
use crate::cli::{Ctx, ExitStatus};
use crate::error::Result;
use crate::logs::jq::JqFilter;
use crate::logs::query::{comma_list, unknown_level};
use crate::logs::runbook::{self, QueryEvent, QueryOptions};
use crate::logs::{Match, Query};
use crate::output::Ui;
use crate::timespec::clap_time;

/// Search Tier 2 and Tier 3 logs: current files, rotations and `.gz` rotations.
///
/// Without FILE, searches every Tier 2 (`orchestrator.log*`) and Tier 3
/// (`debug.log*`) file of var/log/talos, compressed rotations included; `audit/`,
/// `panic.log`, `restore.log` and `block_events.log` only when named as FILE.
///
/// Every filter given must hold. Results come in timestamp order across all
/// files; at equal timestamps the older file first (oldest rotation first,
/// Tier 2 before Tier 3), then the order in the file. Lines without a
/// timestamp sort first and never match --since/--until.
///
/// --json prints JSON lines, not one document: the matching lines exactly as
/// they are in the files, one per line, and nothing else (with --count, the
/// one document `{"count": N}`). "no matching lines" goes to stderr. Malformed lines (not a JSON object, invalid
/// UTF-8, a half-written last line, a line over 1 MiB) are skipped and
/// counted on stderr; with --correlation-id, --code or --contains only the
/// lines containing that text are read, so only those are counted.
///
/// Examples:
///
///   talos log query --correlation-id a1b2c3d4e5f67890
///
///   talos log query --level error,warn --since 2h
///
///   talos log query --filter '.metadata.duration_ms > 1000' --json | jq .message
///
///   talos log query --follow --level error
///
/// EXIT STATUS: 0 the search ran (with or without matches); 1 a file (or the
/// rest of a compressed file) could not be read: the results shown are
/// incomplete, and stderr says which; 2 a bad flag or --filter program.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct QueryArgs {
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Print only the number of matching lines (`{"count": N}` with --json)
    #[arg(long, conflicts_with = "follow")]
    pub count: bool,
    /// Stop after the first N matches in time order
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Keep printing new matching lines as the current files grow, across rotations (Ctrl-C to stop)
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// Search these files instead of var/log/talos (plain or gzip'd)
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct FilterArgs {
    /// Lines of this request: correlation_id equal to ID or starting with `ID:` (child operations), or context.parent_correlation_id equal to ID
    #[arg(long, value_name = "ID")]
    pub correlation_id: Option<String>,
    /// Only these levels, comma-separated, any case (error,warn); the levels are ERROR, WARN, INFO, DEBUG, TRACE
    #[arg(
        long,
        value_name = "L,...",
        value_parser = level_list,
        add = crate::cli::complete::levels()
    )]
    pub level: Vec<String>,
    /// Only these components, comma-separated, any case
    #[arg(long, value_name = "C,...")]
    pub component: Vec<String>,
    /// At or after this time: RFC 3339 or a span back from now (90s, 15m, 2h, 7d)
    #[arg(long, value_name = "T", value_parser = clap_time)]
    pub since: Option<Timestamp>,
    /// Strictly before this time: RFC 3339 or a span back from now
    #[arg(long, value_name = "T", value_parser = clap_time)]
    pub until: Option<Timestamp>,
    /// Only lines whose error.code is this (T007); see `talos log stats` for what each code means
    #[arg(long, value_name = "TNNN")]
    pub code: Option<String>,
    /// Only lines whose message contains TEXT (case-sensitive; the message only, not the whole line)
    #[arg(long, value_name = "TEXT")]
    pub contains: Option<String>,
    /// A jq program run by jaq on each line; the line matches when it yields a value other than false or null
    #[arg(long, value_name = "JQ")]
    pub filter: Option<String>,
}

impl FilterArgs {
    pub fn to_query(&self) -> Result<Query> {
        if let (Some(s), Some(u)) = (self.since, self.until)
            && s >= u
        {
            return Err(crate::error::Error::usage(format!(
                "--since {s} is not before --until {u}: nothing can match"
            )));
        }
        Ok(Query {
            correlation_id: self.correlation_id.as_ref().map(|s| s.trim().to_string()),
            levels: comma_list(&self.level),
            components: comma_list(&self.component),
            since: self.since,
            until: self.until,
            code: self.code.as_ref().map(|s| s.trim().to_string()),
            contains: self.contains.clone(),
            filter: self.filter.as_deref().map(JqFilter::compile).transpose()?,
        })
    }
}

pub fn run(ctx: &Ctx, args: QueryArgs) -> Result<ExitStatus> {
    let opts = QueryOptions {
        query: args.filters.to_query()?,
        log_dir: ctx.layout.log_dir.clone(),
        files: args.files,
        count_only: args.count,
        limit: args.limit,
        follow: args.follow,
    };
    let ui = &ctx.ui;
    let mut out = Out::new();
    let mut shown = 0usize;
    // A scan (a --filter reads every line) can take a while before the
    // first match: a spinner until then, cleared before any result.
    let mut spinner = None;
    fn clear(spinner: &mut Option<ProgressBar>) {
        if let Some(s) = spinner.take() {
            s.finish_and_clear();
        }
    }
    let report = runbook::query(&opts, |event| match event {
        QueryEvent::NoLogFiles(dir) => {
            ui.note(format!("no Tier 2/3 log files in {}", dir.display()));
            Ok(())
        }
        QueryEvent::Searching(files) => {
            spinner = Some(ui.spinner(&format!("searching {} file(s)", files.len())));
            Ok(())
        }
        QueryEvent::Match(m) => {
            clear(&mut spinner);
            shown += 1;
            print_match(ui, &mut out, &m)
        }
        QueryEvent::Searched(summary) => {
            clear(&mut spinner);
            if opts.count_only {
                if ui.json {
                    out.write(format!("{{\"count\":{}}}\n", summary.matched).as_bytes())?;
                } else {
                    out.write(format!("{}\n", summary.matched).as_bytes())?;
                }
            }
            out.flush()?;
            if shown == 0 && !opts.count_only && !opts.follow {
                // An empty stdout is the answer; stderr says it was not a failure.
                ui.note("no matching lines");
            }
            report_skipped(ui, summary);
            Ok(())
        }
        QueryEvent::Following(paths) => {
            ui.note(format!(
                "following {} (Ctrl-C to stop)",
                paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            Ok(())
        }
        QueryEvent::Polled(poll) => {
            out.flush()?;
            report_malformed(ui, &poll.malformed);
            for p in &poll.rotated {
                ui.debug(format!(
                    "{} was rotated or truncated; reading the new file",
                    p.display()
                ));
            }
            // Said once each: a file that stays unreadable is retried
            // quietly on every poll (docs/logs.md, "--follow").
            for (p, e) in &poll.errors {
                ui.warn(format!(
                    "{}: {e}; still following it (said again once it can be read)",
                    p.display()
                ));
            }
            for p in &poll.recovered {
                ui.warn(format!("{}: readable again; following it", p.display()));
            }
            Ok(())
        }
    })?;
    Ok(report.exit)
}

/// One record: the original line with --json, else the fields that matter
/// first: time, level, component, correlation id, message, code, duration.
fn print_match(ui: &Ui, out: &mut Out, m: &Match<'_>) -> Result<()> {
    if ui.json {
        out.write(m.line)?;
        return out.write(b"\n");
    }
    let Some(r) = m.record() else {
        return Ok(());
    };
    let mut line = String::with_capacity(160);
    line.push_str(r.timestamp.as_deref().unwrap_or("-"));
    line.push(' ');
    line.push_str(&level_style(ui, r.level.as_deref().unwrap_or("-")));
    line.push(' ');
    line.push_str(&format!("{:<18}", r.component.as_deref().unwrap_or("-")));
    line.push(' ');
    line.push_str(&ui.dim(r.correlation_id.as_deref().unwrap_or("-")));
    line.push_str("  ");
    line.push_str(&one_line(r.message.as_deref().unwrap_or("")));
    if let Some(code) = r.error_code.as_deref() {
        line.push_str("  ");
        line.push_str(&ui.bold(&format!("[{code}]")));
    }
    if let Some(d) = r.duration() {
        line.push_str(&format!("  ({})", ms(d)));
    }
    line.push('\n');
    out.write(line.as_bytes())
}

/// A mistyped level would otherwise match nothing and look like "no such
/// lines" at 3 AM.
fn level_list(text: &str) -> std::result::Result<String, String> {
    match unknown_level(text) {
        Some(part) => Err(format!(
            "unknown level `{part}`: the levels are ERROR, WARN, INFO, DEBUG, TRACE"
        )),
        None => Ok(text.to_string()),
    }
}
