//! `talos breaker list`.

use clap::Args;

use super::{fetch, sort_urgent};
use crate::cli::{Ctx, ExitStatus};
use crate::error::Result;
use crate::output::table;

/// List the circuit breakers: state, failure count, when they opened.
///
/// Through GET /metrics/circuit_breakers when the daemon answers, otherwise
/// from var/lib/talos/state/circuit_breakers.json (access: offline). An API
/// that answers with an error (401: a rejected token) is reported as such,
/// not read around. Open
/// breakers come first, each with the command that resets it.
///
/// Example: `talos breaker list --json | jq '.breakers[] | select(.state != "closed")'`
///
/// EXIT STATUS: 0 listed (whatever the states); 1 the API answered with an
/// error (e.g. 401); 3 the file is corrupt; 5 with --online when the daemon
/// cannot be reached.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ListArgs {}

pub fn run(ctx: &Ctx, _args: ListArgs) -> Result<ExitStatus> {
    let mut fetched = fetch(ctx)?;
    sort_urgent(&mut fetched.breakers);
    ctx.ui.render(&fetched, |ui| {
        let rows: Vec<Vec<String>> = fetched
            .breakers
            .iter()
            .map(|b| {
                vec![
                    b.name.clone(),
                    b.state.clone(),
                    b.failure_count.map(|n| n.to_string()).unwrap_or("-".into()),
                    b.opened_at.clone().unwrap_or("-".into()),
                    b.last_failure.clone().unwrap_or("-".into()),
                ]
            })
            .collect();
        ui.line(format!("circuit breakers ({})", fetched.access.as_str()))?;
        if let Some(n) = &fetched.note {
            ui.note(n);
        }
        if rows.is_empty() {
            return ui.line("no breakers are recorded");
        }
        ui.line(table(
            &["NAME", "STATE", "FAILURES", "OPENED_AT", "LAST_FAILURE"],
            &rows,
        ))?;
        for b in fetched.breakers.iter() {
            if let Some(f) = &b.forced {
                ui.line(format!("{} is {} {}", b.name, b.state, f.describe()))?;
            }
        }
        let open: Vec<&str> = fetched
            .breakers
            .iter()
            .filter(|b| b.is_open() || b.is_forced())
            .map(|b| b.name.as_str())
            .collect();
        if !open.is_empty() {
            ui.line(format!(
                "{} open or forced: once the dependency is back, `talos breaker reset {}`",
                open.len(),
                open.join(" ")
            ))?;
        }
        Ok(())
    })?;
    Ok(ExitStatus::Ok)
}
