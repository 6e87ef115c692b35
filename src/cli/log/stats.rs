//! `talos log stats`: what the logs say at a glance.

use std::path::PathBuf;

use clap::Args;
use jiff::Timestamp;

use super::{files, ms, one_line, report_skipped};
use crate::cli::{Ctx, ExitStatus};
use crate::error::Result;
use crate::logs::runbook;
use crate::logs::stats::StatsReport;
use crate::output::{Ui, table};
use crate::timespec::clap_time;

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

/// Hours shown in the chart.
const CHART_HOURS: i64 = 48;

pub fn run(ctx: &Ctx, args: StatsArgs) -> Result<ExitStatus> {
    let files = files(ctx, &args.files)?;
    let report = runbook::stats(&files, args.since, args.until);
    ctx.ui.render(&report, |ui| human(ui, &report))?;
    Ok(report_skipped(&ctx.ui, &report.summary))
}

fn human(ui: &Ui, r: &StatsReport) -> Result<()> {
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
    if let (Some(&first), Some(&last)) = (r.hours.keys().next(), r.hours.keys().next_back()) {
        ui.line("")?;
        let from = first.max(last - (CHART_HOURS - 1) * 3600);
        let note = if from > first {
            format!(" (last {CHART_HOURS} hours with errors)")
        } else {
            String::new()
        };
        ui.line(ui.bold(&format!("Errors per hour{note}")))?;
        let max = r
            .hours
            .range(from..)
            .map(|(_, n)| *n)
            .max()
            .unwrap_or(1)
            .max(1);
        let mut h = from;
        while h <= last {
            let n = r.hours.get(&h).copied().unwrap_or(0);
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
