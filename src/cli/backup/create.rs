//! `talos backup create`.

use std::path::PathBuf;

use clap::Args;

use crate::archive::backup::{self, BackupEvent, BackupOptions, BackupReport};
use crate::cli::repo::TransferView;
use crate::cli::{Ctx, ExitStatus};
use crate::error::Result;
use crate::metrics;
use crate::output::{human_bytes, human_duration};

/// Write a backup archive: backup_YYYYMMDD_HHMMSS.tar.gz (docs/format.md).
///
/// The archive holds metadata.json, manifest.json (sha256, size and mode of
/// every file), config/ (without ssl/), state/, database/talos.db, logs/audit/,
/// custom/ and ssl/. The database is copied with SQLite's online backup API,
/// so the copy is consistent while the daemon writes; audit files are cut at
/// the chain head recorded in metadata.json. Symbolic links, sockets and other
/// non-regular files are skipped and reported, never followed.
///
/// The archive is written under a temporary name, synced and renamed, so a
/// killed backup never leaves a file with a final name. Quiet without a
/// terminal (for cron): one result line on stdout, warnings on stderr.
///
/// With --repo (or TALOS_REPO, backup.repo) the archive is then uploaded to
/// PREFIX/HOSTNAME/backup_YYYYMMDD_HHMMSS.tar.gz[.age] in an S3 bucket or a
/// directory (docs/repository.md); --keep N then also prunes that host's
/// backups in the repository. --encrypt-to (or backup.encrypt_to) encrypts
/// the whole archive with age: the file is backup_….tar.gz.age.
///
/// Examples:
///   talos backup create --keep 7
///   talos backup create --repo s3://acme-backups/talos --encrypt-to age1… --keep 14
///
/// EXIT STATUS: 0 written (and uploaded); 1 failed (nothing left with a
/// final name, locally or in the repository; the message says what to do
/// for wrong credentials, a missing bucket or an unreachable endpoint);
/// 3 the audit chain's head is damaged; 4 another backup holds the lock on
/// the output directory.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CreateArgs {
    /// Directory to write into [default: backup.dir from config.yaml, else var/backups/talos]
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// After a successful backup, delete all but the newest N backups in that directory [default: backup.keep]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub keep: Option<u64>,
    /// Back up only these components: comma list of config,state,database,logs,custom,ssl
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        value_parser = crate::cli::component_arg,
        add = crate::cli::complete::components()
    )]
    pub partial: Option<Vec<crate::install::Component>>,
    #[command(flatten)]
    pub repo: crate::cli::repo::RepoArgs,
    /// Encrypt the archive with age to this recipient (age1…); repeatable [default: backup.encrypt_to]
    #[arg(long, value_name = "RECIPIENT")]
    pub encrypt_to: Vec<String>,
    /// Write Prometheus metrics here, for node_exporter's textfile collector
    /// [default: metrics.textfile_dir/talos_backup.prom when configured]
    #[arg(long, value_name = "PATH")]
    pub metrics_file: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: CreateArgs) -> Result<ExitStatus> {
    let target = crate::cli::metrics_path(ctx, args.metrics_file.as_deref(), "backup");
    let started = std::time::Instant::now();
    // The repository in effect labels the metrics (an unparsable one is
    // the run's own error, reported by create_backup).
    let repo = crate::cli::repo::repo_url(ctx, &args.repo)
        .ok()
        .flatten()
        .map(|u| u.to_string());
    let result = create_backup(ctx, &args);
    if let Some(path) = &target {
        let m = match &result {
            Ok(r) => metrics::backup(
                true,
                r.created.duration_ms as f64 / 1000.0,
                Some(r.created.size),
                Some(metrics::now_seconds()),
                repo.as_deref(),
            ),
            // A failed run still writes its metrics, so an alert fires; the
            // last success is carried over from the previous file.
            Err(_) => metrics::backup(
                false,
                started.elapsed().as_secs_f64(),
                None,
                metrics::previous_value(path, "talos_backup_last_success_timestamp_seconds"),
                repo.as_deref(),
            ),
        };
        crate::cli::write_metrics(ctx, Some(path), &m);
    }
    result.map(|r| r.exit)
}

fn create_backup(ctx: &Ctx, args: &CreateArgs) -> Result<BackupReport> {
    let ui = &ctx.ui;
    let opts = BackupOptions {
        output_dir: args.output_dir.clone(),
        keep: args.keep.map(|k| k as usize),
        components: crate::cli::distinct_components(args.partial.clone()),
        repo: args.repo.repo.clone(),
        host: args.repo.host.clone(),
        encrypt_to: args.encrypt_to.clone(),
    };
    let mut bar = None;
    let mut transfer = TransferView::default();
    let report = backup::backup(&ctx.layout, &ctx.settings, &opts, &mut |ev| match ev {
        BackupEvent::Removed(line) => ui.note(line),
        // A spinner while the database is snapshotted and the files hashed;
        // a bar with an ETA once the bytes are being written.
        BackupEvent::Archiving => {
            bar = Some(ui.spinner("backup: snapshotting the database, checksumming files"));
        }
        BackupEvent::Progress { done, total } => {
            if let Some(bar) = &bar {
                if bar.length().is_none() {
                    bar.set_message("backup");
                }
                crate::output::advance(bar, done, total);
            }
        }
        BackupEvent::Archived => {
            if let Some(bar) = bar.take() {
                bar.finish_and_clear();
            }
        }
        BackupEvent::Warning(w) => ui.warn(w),
        BackupEvent::Transfer(ev) => transfer.show(ui, ev),
    })?;
    render(ui, &report)?;
    for p in &report.created.pruned {
        ui.note(format!("pruned old backup {}", p.display()));
    }
    Ok(report)
}

fn render(ui: &crate::output::Ui, report: &BackupReport) -> Result<()> {
    let created = &report.created;
    let uploaded = &report.uploaded;
    let mut doc = serde_json::to_value(created)?;
    doc["encryption"] = if report.encrypted {
        "age".into()
    } else {
        serde_json::Value::Null
    };
    doc["repo"] = serde_json::to_value(uploaded)?;
    ui.render(&doc, |ui| {
        ui.done(format!(
            "backup written: {} ({}, {} files, {})",
            created.path.display(),
            human_bytes(created.size),
            created.files,
            human_duration((created.duration_ms / 1000) as i64)
        ))?;
        if let Some(u) = uploaded {
            ui.line(format!(
                "uploaded: {} ({}, sha256 {}) in {:.1} s",
                u.uploaded.url,
                human_bytes(u.uploaded.size),
                u.uploaded.sha256,
                u.upload_ms as f64 / 1000.0
            ))?;
            for p in &u.pruned {
                ui.line(format!("pruned from the repository: {p}"))?;
            }
        }
        if ui.verbose > 0 {
            ui.line(format!("  components: {}", created.components.join(",")))?;
            ui.line(format!("  sha256:     {}", created.sha256))?;
            if let Some(h) = &created.audit_head {
                ui.line(format!("  audit head: seq {} {}", h.seq, h.hash))?;
            }
        }
        Ok(())
    })
}
