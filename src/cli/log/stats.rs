//! `talos log stats`: what the logs say at a glance.

use std::path::PathBuf;

use clap::Args;
use jiff::Timestamp;
use serde::Serialize;

use super::{files, ms, one_line, report_skipped};
use crate::cli::{Ctx, ExitStatus};
use crate::error::Result;
use crate::logs::stats::{Slow, Stats};
use crate::logs::{self, Query, codes};
use crate::output::{Ui, table};
use crate::timespec::{clap_time, format_ts};

/// Counts by level, component and error code, errors per hour as a chart, and the slowest operations.
///
/// Reads every Tier 2/3 file of var/log/talos (or the FILEs given). Each error code
/// is shown with its meaning and its first response (docs/runbook.md). Errors per hour counts ERROR lines; the chart shows the last 48 hours
/// that have lines. The slowest operations are by metadata.duration_ms.
///
/// Example: talos log stats --since 24h
///
/// EXIT STATUS: 0 done; 1 a file could not be read (the counts are incomplete).
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct StatsArgs {
    /// Only lines at or after this time: RFC 3339 or a span back from now (90s, 15m, 2h, 7d)
    #[arg(long, value_name = "T", value_parser = clap_time)]
    pub since: Option<Timestamp>,
    /// Only lines strictly before this time
    #[arg(long, value_name = "T", value_parser = clap_time)]
    pub until: Option<Timestamp>,
    /// Read these files instead of var/log/talos
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Serialize)]
struct Count {
    name: String,
    count: u64,
}

#[derive(Serialize)]
struct CodeCount {
    code: String,
    count: u64,
    meaning: Option<&'static str>,
    response: Option<&'static str>,
}

#[derive(Serialize)]
struct Hour {
    hour: String,
    errors: u64,
}

#[derive(Serialize)]
struct Report {
    files: usize,
    lines: u64,
    malformed: u64,
    #[serde(rename = "first_at")]
    first: Option<String>,
    #[serde(rename = "last_at")]
    last: Option<String>,
    by_level: Vec<Count>,
    by_component: Vec<Count>,
    by_code: Vec<CodeCount>,
    errors_per_hour: Vec<Hour>,
    slowest: Vec<Slow>,
}

/// Hours shown in the chart.
const CHART_HOURS: i64 = 48;

pub fn run(ctx: &Ctx, args: StatsArgs) -> Result<ExitStatus> {
    let files = files(ctx, &args.files)?;
    let query = Query {
        since: args.since,
        until: args.until,
        ..Query::default()
    };
    let (parts, summary) =
        logs::search::fold(&files, &query, Stats::default, |s, r, t| s.add(r, t));
    let mut stats = Stats::default();
    for p in parts {
        stats.merge(p);
    }
    let by_count = |m: &std::collections::BTreeMap<String, u64>| {
        let mut v: Vec<Count> = m
            .iter()
            .map(|(k, n)| Count {
                name: k.clone(),
                count: *n,
            })
            .collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
        v
    };
    let mut by_code: Vec<CodeCount> = stats
        .by_code
        .iter()
        .map(|(k, n)| {
            let m = codes::lookup(k);
            CodeCount {
                code: k.clone(),
                count: *n,
                meaning: m.map(|m| m.0),
                response: m.map(|m| m.1),
            }
        })
        .collect();
    by_code.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
    let hour = |h: i64| {
        Timestamp::from_second(h)
            .map(|t| t.to_string())
            .unwrap_or_default()
    };
    let report = Report {
        files: files.len(),
        lines: stats.lines,
        malformed: summary.malformed_total(),
        first: stats.first.map(format_ts),
        last: stats.last.map(format_ts),
        by_level: by_count(&stats.by_level),
        by_component: by_count(&stats.by_component),
        by_code,
        errors_per_hour: stats
            .errors_per_hour
            .iter()
            .map(|(h, n)| Hour {
                hour: hour(*h),
                errors: *n,
            })
            .collect(),
        slowest: stats.slowest.clone(),
    };
    ctx.ui.render(&report, |ui| human(ui, &report, &stats))?;
    Ok(report_skipped(&ctx.ui, &summary))
}

fn human(ui: &Ui, r: &Report, stats: &Stats) -> Result<()> {
    let span = match (&r.first, &r.last) {
        (Some(a), Some(b)) => format!(", {a} → {b}"),
        _ => String::new(),
    };
    ui.line(format!("{} line(s) in {} file(s){span}", r.lines, r.files))?;
    if r.lines == 0 {
        return Ok(());
    }
    // Errors first: they are what the operator is here for.
    if !r.by_code.is_empty() {
        ui.line("")?;
        ui.line(ui.bold("Error codes"))?;
        let rows: Vec<Vec<String>> = r
            .by_code
            .iter()
            .map(|c| {
                vec![
                    c.code.clone(),
                    c.count.to_string(),
                    c.meaning.unwrap_or("(not in the runbook)").to_string(),
                    c.response.unwrap_or("-").to_string(),
                ]
            })
            .collect();
        ui.line(table(&["CODE", "COUNT", "MEANING", "RESPONSE"], &rows))?;
    }
    ui.line("")?;
    ui.line(ui.bold("By level"))?;
    let rows: Vec<Vec<String>> = r
        .by_level
        .iter()
        .map(|c| vec![c.name.clone(), c.count.to_string()])
        .collect();
    ui.line(table(&["LEVEL", "COUNT"], &rows))?;
    ui.line("")?;
    ui.line(ui.bold("By component"))?;
    let rows: Vec<Vec<String>> = r
        .by_component
        .iter()
        .map(|c| vec![c.name.clone(), c.count.to_string()])
        .collect();
    ui.line(table(&["COMPONENT", "COUNT"], &rows))?;
    if let (Some(&first), Some(&last)) = (
        stats.errors_per_hour.keys().next(),
        stats.errors_per_hour.keys().next_back(),
    ) {
        ui.line("")?;
        let from = first.max(last - (CHART_HOURS - 1) * 3600);
        let note = if from > first {
            format!(" (last {CHART_HOURS} hours with errors)")
        } else {
            String::new()
        };
        ui.line(ui.bold(&format!("Errors per hour{note}")))?;
        let max = stats
            .errors_per_hour
            .range(from..)
            .map(|(_, n)| *n)
            .max()
            .unwrap_or(1)
            .max(1);
        let mut h = from;
        while h <= last {
            let n = stats.errors_per_hour.get(&h).copied().unwrap_or(0);
            let width = (n * 40).div_ceil(max) as usize;
            let label = Timestamp::from_second(h)
                .map(|t| t.strftime("%Y-%m-%d %H:00").to_string())
                .unwrap_or_default();
            ui.line(format!("{label}  {:>6}  {}", n, ui.red(&"█".repeat(width))))?;
            h += 3600;
        }
    }
    if !r.slowest.is_empty() {
        ui.line("")?;
        ui.line(ui.bold("Slowest operations (metadata.duration_ms)"))?;
        let rows: Vec<Vec<String>> = r
            .slowest
            .iter()
            .map(|s| {
                vec![
                    ms(s.duration_ms),
                    s.timestamp.clone().unwrap_or_default(),
                    s.component.clone().unwrap_or_default(),
                    s.correlation_id.clone().unwrap_or_default(),
                    one_line(s.message.as_deref().unwrap_or(""))
                        .chars()
                        .take(60)
                        .collect(),
                ]
            })
            .collect();
        ui.line(table(
            &["DURATION", "TIME", "COMPONENT", "CORRELATION ID", "MESSAGE"],
            &rows,
        ))?;
        if let Some(id) = r.slowest.first().and_then(|s| s.correlation_id.as_deref()) {
            ui.line(ui.dim(&format!("next: talos log trace {id}")))?;
        }
    }
    Ok(())
}
