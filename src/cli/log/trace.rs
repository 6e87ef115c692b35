//! `talos log trace ID`: one request as a tree of calls with timings.

use std::path::PathBuf;

use clap::Args;

use super::{files, level_style, ms, one_line, report_skipped};
use crate::cli::{Ctx, ExitStatus};
use crate::error::Result;
use crate::logs::runbook;
use crate::logs::trace::{Span, Step};
use crate::output::Ui;

/// Every line of one request as a call tree, with durations, the slowest step and the errors marked.
///
/// The tree: the root is ID; `ID:child` operations (and `ID:child:grandchild`)
/// hang below it, and so do operations of another id whose
/// context.parent_correlation_id is ID. Inside an operation the lines are in
/// time order, indented by context.call_depth. A step's duration is
/// metadata.duration_ms, else trace.exit_time - trace.entry_time.
///
/// --json prints the tree as one document.
///
/// Example: talos log trace a1b2c3d4e5f67890
///
/// EXIT STATUS: 0 the trace was shown; 1 no line belongs to ID, or a file
/// could not be read (the tree may be incomplete).
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct TraceArgs {
    /// The correlation id of the request
    #[arg(value_name = "ID")]
    pub id: String,
    /// Search these files instead of var/log/talos
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

pub fn run(ctx: &Ctx, args: TraceArgs) -> Result<ExitStatus> {
    let id = args.id.trim().to_string();
    let files = files(ctx, &args.files)?;
    let report = runbook::trace(&files, &id)?;
    let Some(tree) = &report.tree else {
        report_skipped(&ctx.ui, &report.summary);
        return Err(report.no_lines());
    };
    let ui = &ctx.ui;
    ui.render(tree, |ui| {
        let mut head = format!(
            "trace {}: {} line(s) in {} operation(s)",
            ui.bold(&tree.correlation_id),
            tree.lines,
            tree.operations
        );
        if let (Some(s), Some(e)) = (&tree.start, &tree.end) {
            head.push_str(&format!(", {s} → {e}"));
        }
        if let Some(d) = tree.duration_ms {
            head.push_str(&format!(" ({})", ms(d)));
        }
        if tree.errors > 0 {
            head.push_str(&format!(
                ", {}",
                ui.red(&format!("{} error(s)", tree.errors))
            ));
        }
        ui.line(head)?;
        if let Some(s) = &tree.slowest {
            let what = [s.component.as_deref(), s.function.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            ui.line(format!(
                "slowest step: {what} \"{}\" {} at {}",
                one_line(s.message.as_deref().unwrap_or("")),
                ms(s.duration_ms.unwrap_or(0.0)),
                s.timestamp.as_deref().unwrap_or("-")
            ))?;
        }
        ui.line("")?;
        span(ui, &tree.root, 0)
    })?;
    Ok(report_skipped(ui, &report.summary))
}

fn span(ui: &Ui, s: &Span, level: usize) -> Result<()> {
    let pad = "  ".repeat(level);
    let mut head = format!("{pad}{}", ui.bold(&s.correlation_id));
    if let Some(d) = s.duration_ms {
        head.push_str(&format!("  {}", ms(d)));
    }
    head.push_str(&format!("  ({} line(s)", s.steps.len()));
    if s.errors > 0 {
        head.push_str(&format!(", {}", ui.red(&format!("{} error(s)", s.errors))));
    }
    head.push(')');
    ui.line(head)?;
    let min_depth = s
        .steps
        .iter()
        .filter_map(|x| x.call_depth)
        .min()
        .unwrap_or(0);
    for st in &s.steps {
        step(
            ui,
            st,
            &pad,
            st.call_depth
                .map_or(0, |d| (d - min_depth).clamp(0, 20) as usize),
        )?;
    }
    for c in &s.children {
        span(ui, c, level + 1)?;
    }
    Ok(())
}

fn step(ui: &Ui, s: &Step, pad: &str, depth: usize) -> Result<()> {
    let time = s
        .timestamp
        .as_deref()
        .map(|t| t.split_once('T').map_or(t, |x| x.1))
        .unwrap_or("-");
    let mut line = format!(
        "{pad}  {}{time} {} {:<16}",
        "  ".repeat(depth),
        level_style(ui, s.level.as_deref().unwrap_or("-")),
        s.component.as_deref().unwrap_or("-"),
    );
    if let Some(f) = &s.function {
        line.push_str(&format!(" {}", ui.dim(f)));
    }
    line.push_str(&format!(
        "  {}",
        one_line(s.message.as_deref().unwrap_or(""))
    ));
    if let Some(d) = s.duration_ms {
        line.push_str(&format!("  {}", ms(d)));
    }
    if let Some(code) = &s.code {
        let meaning = match (&s.code_meaning, &s.code_response) {
            (Some(m), Some(r)) => format!(" {m} → {r}"),
            _ => String::new(),
        };
        line.push_str(&format!("  {}", ui.bold(&format!("[{code}{meaning}]"))));
    }
    if s.error {
        line.push_str(&format!("  {}", ui.red("✖ error")));
    }
    if s.slowest {
        line.push_str(&format!("  {}", ui.yellow("◀ slowest")));
    }
    // A step of the tree: cut with an ellipsis, so the tree stays a tree.
    ui.row(line)
}
