//! `talos drill`.

use std::path::PathBuf;

use clap::Args;

use super::repo::TransferView;
use super::{Ctx, ExitStatus};
use crate::archive::drill::{self, Drill, DrillEvent, DrillOptions, Trend};
use crate::error::Result;
use crate::repo::transfer::Source;

/// The CI restore drill: prove a backup restores, and time it.
///
/// Steps, each timed: back up the installation (or take --backup FILE),
/// verify and stage it, swap it into a scratch root as a new host, validate
/// (config, database, modes, certificate, audit chain), compare every
/// restored file with the manifest, and verify the restored audit chain
/// against the head in metadata.json. The RTO is the time from the archive
/// until the installation is restored (verify and stage + swap).
///
/// Each result is appended to var/lib/talos/drill_history.jsonl and the trend of
/// recent RTOs is shown. With no installation at the root (a fresh machine),
/// the drill runs on a fresh sandbox in a temporary directory, so
/// `talos drill` works anywhere. The installation itself is never changed
/// (except its drill history and one audit record).
///
/// Examples:
///   talos drill --junit drill.xml
///   talos drill --backup /var/backups/talos/backup_20240115_083000.tar.gz
///   talos drill --repo s3://acme-backups/talos --host db-1 --identity key.txt
///
/// With --repo (or TALOS_REPO, backup.repo), the newest backup of this host
/// (or --host NAME) is downloaded from the repository, checked and
/// decrypted, and drilled instead of a fresh backup; on a bare host too
/// (docs/repository.md).
///
/// EXIT STATUS: 0 every step passed; 1 a step failed; 3 the archive failed
/// verification (corrupt, tampered or unsafe).
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DrillArgs {
    /// Drill this archive instead of taking a new backup
    #[arg(long, value_name = "FILE", conflicts_with = "repo")]
    pub backup: Option<PathBuf>,
    #[command(flatten)]
    pub repo: super::repo::RepoArgs,
    #[command(flatten)]
    pub identity: super::repo::IdentityArg,
    /// Write a JUnit XML report here (for CI)
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write Prometheus metrics here, for node_exporter's textfile collector
    /// [default: metrics.textfile_dir/talos_drill.prom when configured]
    #[arg(long, value_name = "PATH")]
    pub metrics_file: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: DrillArgs) -> Result<ExitStatus> {
    // A drill that fails before it runs (a missing or corrupt --backup, an
    // unreachable repository...) still writes its metrics, success 0, so
    // an alert fires (docs/monitoring.md).
    let target = crate::cli::metrics_path(ctx, args.metrics_file.as_deref(), "drill");
    let repo = if args.backup.is_none() {
        super::repo::repo_url(ctx, &args.repo)
            .ok()
            .flatten()
            .map(|u| u.to_string())
    } else {
        None
    };
    let started = std::time::Instant::now();
    let mut written = false;
    let result = drill_run(ctx, args, repo.as_deref(), &mut written);
    if result.is_err() && !written {
        let m = crate::metrics::drill(false, started.elapsed().as_secs_f64(), repo.as_deref());
        crate::cli::write_metrics(ctx, target.as_deref(), &m);
    }
    result
}

fn drill_run(
    ctx: &Ctx,
    args: DrillArgs,
    repo: Option<&str>,
    written: &mut bool,
) -> Result<ExitStatus> {
    let ui = &ctx.ui;
    // --backup FILE wins; else the repository in effect (--repo,
    // TALOS_REPO, backup.repo); else a fresh backup as before.
    let source = match &args.backup {
        Some(b) => Some(Source::Local(b.clone())),
        None => super::repo::source(ctx, &args.repo, None)?,
    };
    let opts = DrillOptions {
        source,
        identity: super::repo::identity_path(&args.identity),
    };
    let mut transfer = TransferView::default();
    let mut spinner = None;
    let report = drill::drill(&ctx.layout, &opts, &mut |ev| match ev {
        DrillEvent::Removed(line) => ui.note(line),
        DrillEvent::FreshSandbox { root, sandbox } => ui.note(format!(
            "no installation at {}: drilling on a fresh sandbox in {}",
            root.display(),
            sandbox.display()
        )),
        DrillEvent::Drilling => {
            let what =
                "drilling: backup, verify and stage, swap, validate, compare, audit chain...";
            let s = ui.spinner(what);
            if crate::output::phase_unsaid(&s) {
                ui.note(what);
            }
            spinner = Some(s);
        }
        DrillEvent::Drilled => {
            if let Some(s) = spinner.take() {
                s.finish_and_clear();
            }
        }
        DrillEvent::Warning(w) => ui.warn(w),
        DrillEvent::Transfer(ev) => transfer.show(ui, ev),
    })?;
    let d = &report.drill;
    let m = crate::metrics::drill(d.ok, d.rto_ms as f64 / 1000.0, repo);
    let target = crate::cli::metrics_path(ctx, args.metrics_file.as_deref(), "drill");
    crate::cli::write_metrics(ctx, target.as_deref(), &m);
    *written = true;
    if let Some(path) = &args.junit {
        crate::fsutil::write_atomic(path, drill::junit(d).as_bytes(), 0o644)?;
    }
    let doc = serde_json::json!({
        "repo": report.repo,
        "drill": d,
        "history": report.history,
        "trend": report.trend,
        "junit": args.junit,
    });
    ui.render(&doc, |ui| {
        human(
            ui,
            d,
            report.trend.as_ref(),
            report.installed,
            report.history.as_deref(),
            args.junit.as_deref(),
        )
    })?;
    Ok(report.exit)
}

fn secs(ms: u64) -> String {
    format!("{:.2} s", ms as f64 / 1000.0)
}

fn human(
    ui: &crate::output::Ui,
    d: &Drill,
    trend: Option<&Trend>,
    installed: bool,
    history: Option<&std::path::Path>,
    junit: Option<&std::path::Path>,
) -> Result<()> {
    let what = if d.sandbox {
        "a fresh sandbox (no installation at the root)".to_string()
    } else {
        d.root.display().to_string()
    };
    ui.line(format!("restore drill of {what}"))?;
    for s in &d.steps {
        let mark = if s.ok {
            ui.green("ok  ")
        } else if s.ran {
            ui.red("FAIL")
        } else {
            ui.dim("skip")
        };
        ui.line(format!(
            "  {mark} {:<17} {:>9}  {}",
            s.name,
            secs(s.ms),
            s.detail
        ))?;
    }
    ui.line(format!(
        "RTO {} (verify and stage + swap, until the installation is restored); total {}",
        secs(d.rto_ms),
        secs(d.total_ms)
    ))?;
    match trend {
        Some(t) if t.drills > 1 => {
            let series: Vec<String> = t
                .rto_ms
                .iter()
                .map(|ms| format!("{:.2}", *ms as f64 / 1000.0))
                .collect();
            ui.line(format!(
                "RTO trend, last {} drills (s): {}  avg {} min {} max {}; {} of {} passed",
                t.drills,
                series.join(" "),
                secs(t.average_ms),
                secs(t.min_ms),
                secs(t.max_ms),
                t.passed,
                t.drills
            ))?;
        }
        Some(_) => ui.line(format!(
            "first drill recorded in {}; the trend shows from the next one",
            history.map(|p| p.display().to_string()).unwrap_or_default()
        ))?,
        None if !installed => ui.line("no installation: this drill is not kept in a history")?,
        None => {}
    }
    if let Some(j) = junit {
        ui.line(format!("JUnit report: {}", j.display()))?;
    }
    if d.ok {
        ui.line(ui.green("PASSED"))
    } else {
        ui.line(format!(
            "{} — fix the failing step; `talos backup verify FILE` and `talos restore FILE --dry-run` help",
            ui.red("FAILED")
        ))
    }
}
