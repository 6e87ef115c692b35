//! `talos log query`: search the Tier 2/3 logs.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use jiff::Timestamp;

use super::{Out, files, level_style, ms, report_malformed, report_skipped};
use crate::cli::{Ctx, ExitStatus};
use crate::error::Result;
use crate::logs::follow::Follower;
use crate::logs::jq::JqFilter;
use crate::logs::query::comma_list;
use crate::logs::{self, Match, Query, SearchOptions};
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

/// How often `--follow` looks for new lines.
const POLL: Duration = Duration::from_millis(250);

pub fn run(ctx: &Ctx, args: QueryArgs) -> Result<ExitStatus> {
    let query = args.filters.to_query()?;
    let files = files(ctx, &args.files)?;
    let ui = &ctx.ui;
    let opts = SearchOptions {
        count_only: args.count,
        limit: args.limit,
        hold_tail: args.follow,
    };
    let mut out = Out::new();
    let mut write_err = None;
    let mut shown = 0usize;
    // A scan (a --filter reads every line) can take a while before the
    // first match: a spinner until then, cleared before any result.
    let spinner = ui.spinner(&format!("searching {} file(s)", files.len()));
    let summary = logs::search(&files, &query, &opts, |m| {
        if shown == 0 {
            spinner.finish_and_clear();
        }
        shown += 1;
        match print_match(ui, &mut out, &m) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                write_err = Some(e);
                ControlFlow::Break(())
            }
        }
    })?;
    spinner.finish_and_clear();
    if let Some(e) = write_err {
        return Err(e);
    }
    if args.count {
        if ui.json {
            out.write(format!("{{\"count\":{}}}\n", summary.matched).as_bytes())?;
        } else {
            out.write(format!("{}\n", summary.matched).as_bytes())?;
        }
    }
    out.flush()?;
    if shown == 0 && !args.count && !args.follow {
        // An empty stdout is the answer; stderr says it was not a failure.
        ui.note("no matching lines");
    }
    let exit = report_skipped(ui, &summary);
    if !args.follow || args.limit.is_some_and(|l| shown >= l) {
        return Ok(exit);
    }
    // Follow the files still being written: the current ones.
    let targets: Vec<_> = if args.files.is_empty() {
        let mut t: Vec<_> = files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.rotation.is_none())
            .map(|(i, f)| (f.path.clone(), i, summary.ends[i]))
            .collect();
        for p in [ctx.layout.orchestrator_log(), ctx.layout.debug_log()] {
            if !t.iter().any(|x| x.0 == p) {
                t.push((p, files.len() + t.len(), None));
            }
        }
        t
    } else {
        files
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.is_gzip().unwrap_or(true))
            .map(|(i, f)| (f.path.clone(), i, summary.ends[i]))
            .collect()
    };
    ui.note(format!(
        "following {} (Ctrl-C to stop)",
        targets
            .iter()
            .map(|t| t.0.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let mut follower = Follower::new(targets);
    let mut remaining = args.limit.map(|l| l - shown);
    loop {
        let mut err = None;
        let report = follower.poll(&query, |m| {
            if err.is_some() || remaining == Some(0) {
                return;
            }
            if let Err(e) = print_match(ui, &mut out, &m) {
                err = Some(e);
            }
            if let Some(r) = &mut remaining {
                *r -= 1;
            }
        });
        if let Some(e) = err {
            return Err(e);
        }
        out.flush()?;
        report_malformed(ui, &report.malformed);
        for p in &report.rotated {
            ui.debug(format!(
                "{} was rotated or truncated; reading the new file",
                p.display()
            ));
        }
        for (p, e) in &report.errors {
            ui.warn(format!("{}: {e}", p.display()));
        }
        if remaining == Some(0) {
            return Ok(exit);
        }
        std::thread::sleep(POLL);
    }
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

/// Messages can hold newlines and terminal escapes; a record stays one line
/// and cannot repaint the operator's terminal.
pub(crate) fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The levels of docs/format.md. A mistyped level would otherwise match
/// nothing and look like "no such lines" at 3 AM.
const LEVELS: [&str; 6] = ["ERROR", "WARN", "WARNING", "INFO", "DEBUG", "TRACE"];

fn level_list(text: &str) -> std::result::Result<String, String> {
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if !LEVELS.iter().any(|l| l.eq_ignore_ascii_case(part)) {
            return Err(format!(
                "unknown level `{part}`: the levels are ERROR, WARN, INFO, DEBUG, TRACE"
            ));
        }
    }
    Ok(text.to_string())
}
