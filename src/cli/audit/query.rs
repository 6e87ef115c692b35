//! `talos audit query [--action A] [--since T] [--last N]`.

use clap::Args;
use jiff::Timestamp;

use super::super::{Ctx, ExitStatus};
use crate::audit::query::{QueryFilter, query};
use crate::error::Result;
use crate::output::table;

/// Read the audit trail: seq, time, actor, action and details of each record.
///
/// Records come in chain order. Reading does not verify: lines that are not
/// intact records are skipped and counted (run `talos audit verify-chain`).
/// With --json, one JSON array of the records.
///
/// Example: talos audit query --action panic,restore --since 7d --last 20
///
/// EXIT STATUS: 0 printed (also when nothing matches, or damaged lines were
/// skipped: the chain's integrity is `talos audit verify-chain`'s job);
/// 1 the audit files cannot be read; 2 usage (e.g. a --since that is not a
/// time).
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct QueryArgs {
    /// Only these actions (comma-separated, exact names)
    #[arg(long, value_name = "A", value_delimiter = ',')]
    pub action: Vec<String>,
    /// Only records at or after T (RFC 3339, or 90s / 15m / 2h / 7d back from now)
    #[arg(long, value_name = "T", value_parser = crate::timespec::clap_time)]
    pub since: Option<Timestamp>,
    /// Only the last N matching records
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
}

pub fn run(ctx: &Ctx, args: QueryArgs) -> Result<ExitStatus> {
    let filter = QueryFilter {
        actions: args.action,
        since: args.since,
        last: args.last,
    };
    let result = query(&ctx.layout.audit_dir, &filter)?;
    if result.damaged > 0 {
        ctx.ui.warn(format!(
            "{} lines are not intact audit records and were skipped; run `talos audit verify-chain`",
            result.damaged
        ));
    }
    ctx.ui.render(&result.records, |ui| {
        if result.records.is_empty() {
            ui.note(format!("no matching records ({} read)", result.scanned));
            return Ok(());
        }
        let rows: Vec<Vec<String>> = result
            .records
            .iter()
            .map(|r| {
                vec![
                    r.seq.to_string(),
                    r.timestamp.clone(),
                    r.actor.clone(),
                    r.action.clone(),
                    short(&r.details.to_string(), 70),
                ]
            })
            .collect();
        ui.line(table(&["SEQ", "TIME", "ACTOR", "ACTION", "DETAILS"], &rows))
    })?;
    Ok(ExitStatus::Ok)
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}
