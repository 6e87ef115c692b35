//! `talos audit verify-chain` (and `talos verify-chain`).

use clap::Args;
use serde::Serialize;

use super::super::{Ctx, ExitStatus};
use crate::audit::anchors::{Anchors, DatabaseAnchors, external_anchors, read_checkpoint};
use crate::audit::{Anchor, AnchorFrom, ChainReport, VerifyOptions, verify_chain_with};
use crate::error::{Error, Result};
use crate::output::human_bytes;

/// Check every record of the audit chain: its hash, its link to the record
/// before it, seq continuity across files, JSON validity, and anchors.
///
/// Reads var/log/talos/audit/audit-NNNNNN.jsonl in numeric order as one sequence, in
/// constant memory, hashing on every core. Anchors come from --anchor, from
/// the audit_head in the metadata.json of every backup in the backup
/// directory, and from the newest row of the database's audit_log table. The
/// first bad record is reported by file, line and seq with its kind (hash
/// mismatch, broken link, seq gap, duplicate or reordered record, truncated
/// file, torn last line, invalid JSON, missing file, anchor mismatch, anchor
/// beyond the end) and what to do about it. The report ends with the tree
/// head (size=N:ROOT) to keep as an anchor.
///
/// Example: talos audit verify-chain --anchor 1234:9f86d081884c7d65...
///
/// A checkpoint (--checkpoint FILE, from `talos audit root --json`) is the
/// auditor's check: the RFC 6962 tree over the checkpoint's first N records
/// is recomputed from today's log and must have the saved root, which is what
/// an RFC 9162 consistency proof from N to today shows, and what a rewrite of
/// the whole chain (every hash recomputed) cannot pass.
///
/// An existing var/log/talos/audit without records is an empty chain (ok). A missing
/// var/log/talos/audit in an installation (var/lib/talos exists) is a failure: the log was
/// deleted. A --root that is no installation at all is an error.
///
/// EXIT STATUS: 0 the chain verifies (or var/log/talos/audit exists and is empty);
/// 3 it does not (damage, tampering, a rewritten or truncated history, the
/// audit directory missing from an installation); 1 the files could not be
/// read, or --root / TALOS_ROOT is not a talos installation.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment, after_long_help = super::ANCHORING)]
pub struct VerifyChainArgs {
    /// An anchor kept outside the log: SEQ:HASH (record SEQ has hash HASH) or
    /// size=N:ROOT (the tree head printed by `talos audit root`); repeatable
    #[arg(long, value_name = "SEQ:HASH", value_parser = parse_anchor)]
    pub anchor: Vec<Anchor>,
    /// Check only the --anchor values, not the backups' and database's
    #[arg(long)]
    pub no_external_anchors: bool,
    /// Also compute the RFC 6962 tree head (size=N:ROOT) over all records, to
    /// keep as an anchor (a second hash per record; `talos audit root` prints
    /// only that)
    #[arg(long)]
    pub tree_head: bool,
    /// A checkpoint saved off the host by `talos audit root --json > FILE`
    /// (or its size=N:ROOT line): exit 3 unless today's log extends it, i.e.
    /// the tree over its first N records still has that root; repeatable
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Vec<std::path::PathBuf>,
    /// Write Prometheus metrics here, for node_exporter's textfile collector
    /// [default: metrics.textfile_dir/talos_audit_chain.prom when configured]
    #[arg(long, value_name = "PATH")]
    pub metrics_file: Option<std::path::PathBuf>,
}

fn parse_anchor(s: &str) -> std::result::Result<Anchor, String> {
    s.parse()
}

#[derive(Serialize)]
struct VerifyOutput<'a> {
    #[serde(flatten)]
    report: &'a ChainReport,
    /// Each named anchor (the operator's, each backup's).
    anchors: &'a [AnchorFrom],
    /// The database's audit_log rows, counted.
    database_anchors: &'a Option<DatabaseAnchors>,
    anchor_warnings: &'a [String],
}

pub fn run(ctx: &Ctx, args: VerifyChainArgs) -> Result<ExitStatus> {
    // A run that fails before the chain is read (no installation, an
    // unreadable checkpoint...) still writes its metrics, valid 0, so an
    // alert fires (docs/monitoring.md).
    let metrics_target = crate::cli::metrics_path(ctx, args.metrics_file.as_deref(), "audit_chain");
    let mut written = false;
    let result = verify(ctx, args, &mut written);
    if result.is_err() && !written {
        let m = crate::metrics::audit_chain(false, 0);
        crate::cli::write_metrics(ctx, metrics_target.as_deref(), &m);
    }
    result
}

fn verify(ctx: &Ctx, args: VerifyChainArgs, written: &mut bool) -> Result<ExitStatus> {
    let audit_dir = &ctx.layout.audit_dir;
    if std::fs::symlink_metadata(audit_dir).is_err() && !ctx.layout.data_dir.is_dir() {
        return Err(Error::failed(format!(
            "{} is not a talos installation: neither {} nor {} exists",
            ctx.layout.root.display(),
            audit_dir.display(),
            ctx.layout.data_dir.display()
        ))
        .hint("check --root (or TALOS_ROOT): it names the directory the installation is rooted at, / by default"));
    }
    let mut named: Vec<AnchorFrom> = args
        .anchor
        .iter()
        .map(|a| AnchorFrom {
            anchor: a.clone(),
            source: format!("--anchor {a}"),
        })
        .collect();
    for file in &args.checkpoint {
        let cp = read_checkpoint(file)?;
        let taken = cp
            .taken_at
            .as_deref()
            .map(|t| format!(" taken at {t}"))
            .unwrap_or_default();
        named.push(AnchorFrom {
            anchor: Anchor::TreeHead {
                size: cp.size,
                root: cp.root,
            },
            source: format!("the checkpoint {}{taken}", file.display()),
        });
    }
    let mut anchors = Anchors::named(named);
    let mut anchor_warnings = Vec::new();
    if !args.no_external_anchors {
        let (found, warnings) = external_anchors(&ctx.layout.db, &ctx.settings.backup_dir.value);
        anchors.named.extend(found.named);
        anchors.database = found.database;
        anchor_warnings = warnings;
    }
    let bar = ctx.ui.progress(0, "verifying the audit chain");
    let progress_bar = bar.clone();
    let opts = VerifyOptions {
        tree_root: args.tree_head,
        progress: Some(std::sync::Arc::new(move |done, total| {
            crate::output::advance(&progress_bar, done, total);
        })),
        ..VerifyOptions::default()
    };
    let report = if std::fs::symlink_metadata(audit_dir).is_err() {
        Ok(crate::audit::verify::missing_directory_report(audit_dir))
    } else {
        verify_chain_with(audit_dir, &anchors, &opts)
    };
    bar.finish_and_clear();
    let metrics_target = crate::cli::metrics_path(ctx, args.metrics_file.as_deref(), "audit_chain");
    let report = report?;
    let m = crate::metrics::audit_chain(report.ok, report.records);
    crate::cli::write_metrics(ctx, metrics_target.as_deref(), &m);
    *written = true;
    if !ctx.ui.json {
        for w in &anchor_warnings {
            ctx.ui.warn(w);
        }
    }
    let out = VerifyOutput {
        report: &report,
        anchors: &anchors.named,
        database_anchors: &anchors.database,
        anchor_warnings: &anchor_warnings,
    };
    ctx.ui.render(&out, |ui| human(ui, &report, &anchors))?;
    Ok(if report.ok {
        ExitStatus::Ok
    } else {
        ExitStatus::Integrity
    })
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn human(ui: &crate::output::Ui, r: &ChainReport, anchors: &Anchors) -> Result<()> {
    if let Some(e) = &r.first_error {
        let at = match (&e.file, e.line) {
            (Some(f), Some(l)) => format!(" at {} line {l}", f.display()),
            (Some(f), None) => format!(" in {}", f.display()),
            _ => String::new(),
        };
        ui.line(format!(
            "{} {}{at} (seq {})",
            ui.red("AUDIT CHAIN BROKEN:"),
            e.kind.as_str(),
            e.seq
        ))?;
        ui.line(format!("  {}", e.message))?;
        ui.line(format!("  {} {}", ui.bold("what to do:"), e.fix))?;
        if r.records == 0 {
            ui.line("  no record verified before it")?;
        } else {
            ui.line(format!(
                "  records 1..{} verified before it; {} operator actions among them",
                r.records, r.operator_actions
            ))?;
        }
    } else if r.records == 0 {
        ui.done(format!(
            "{} the audit chain in {} is empty (no records yet)",
            ui.green("ok:"),
            r.audit_dir.display()
        ))?;
    } else {
        ui.done(format!(
            "{} {} in {} ({}) verified: every hash, link and seq",
            ui.green("audit chain OK:"),
            plural(r.records, "record", "records"),
            plural(r.files as u64, "file", "files"),
            human_bytes(r.bytes)
        ))?;
        if let Some(h) = &r.head {
            ui.done(format!("  head:             seq {} hash {}", h.seq, h.hash))?;
        }
        ui.done(format!("  operator actions: {}", r.operator_actions))?;
    }
    let checked = if anchors.is_empty() {
        "none given; a rewritten history cannot be told apart (see `talos audit verify-chain --help`)"
            .to_string()
    } else {
        format!(
            "{} of {} checked ({})",
            r.anchors_checked,
            anchors.len(),
            anchor_sources(anchors)
        )
    };
    // With -q a verified chain prints nothing (its details go with the
    // success line); a broken one keeps every line.
    let say = |t: String| if r.ok { ui.done(t) } else { ui.line(t) };
    say(format!("  anchors:          {checked}"))?;
    if r.ok
        && let Some(t) = &r.tree_root
        && t.size > 0
    {
        say(format!(
            "  tree head:        {t}  (keep it off this host: talos audit verify-chain --anchor {t})"
        ))?;
    }
    if r.ok && r.records > 0 && r.tree_root.is_none() {
        say(format!(
            "  {} `talos audit root` prints a tree head (size=N:ROOT) to keep off this host as an anchor",
            ui.dim("tip:")
        ))?;
    }
    for w in &r.warnings {
        ui.line(format!("  {} {w}", ui.yellow("note:")))?;
    }
    Ok(())
}

/// Where the anchors came from, in one line a terminal can show: a few are
/// named one by one; many (a database holds one per audit_log row) are
/// counted by kind, the operator's own `--anchor`/`--checkpoint` always named.
fn anchor_sources(anchors: &Anchors) -> String {
    const NAMED: usize = 4;
    let rows = anchors.database.as_ref().map_or(&[][..], |d| &d.rows[..]);
    if anchors.len() <= NAMED {
        let mut sources: Vec<String> = anchors.named.iter().map(|a| a.source.clone()).collect();
        if let Some(d) = &anchors.database {
            sources.extend(rows.iter().map(|r| d.source(r.0)));
        }
        return sources.join(", ");
    }
    let mut named = Vec::new();
    let mut backups = 0usize;
    for a in &anchors.named {
        if a.source.starts_with("backup ") {
            backups += 1;
        } else {
            named.push(a.source.clone());
        }
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if backups > 0 {
        named.push(plural(backups, "backup", "backups"));
    }
    if !rows.is_empty() {
        named.push(plural(
            rows.len(),
            "database audit_log row",
            "database audit_log rows",
        ));
    }
    named.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(source: &str) -> AnchorFrom {
        AnchorFrom {
            anchor: Anchor::TreeHead {
                size: 1,
                root: String::new(),
            },
            source: source.to_string(),
        }
    }

    fn database(rows: u64) -> Option<DatabaseAnchors> {
        Some(DatabaseAnchors {
            path: "talos.db".into(),
            rows: (1..=rows).map(|seq| (seq * 25, [0; 32])).collect(),
        })
    }

    #[test]
    fn many_anchors_are_counted_by_kind_in_one_short_line() {
        let mut named = vec![from("--anchor 5:abc")];
        named.extend((0..3).map(|i| from(&format!("backup backup_2026010{i}_000000.tar.gz"))));
        let anchors = Anchors {
            named,
            database: database(40_000),
        };
        let line = anchor_sources(&anchors);
        assert_eq!(
            line,
            "--anchor 5:abc, 3 backups, 40000 database audit_log rows"
        );
    }

    #[test]
    fn a_few_anchors_are_named_one_by_one() {
        let anchors = Anchors {
            named: vec![from("backup a.tar.gz")],
            database: database(1),
        };
        assert_eq!(
            anchor_sources(&anchors),
            "backup a.tar.gz, database audit_log row 25 (talos.db)"
        );
    }
}
