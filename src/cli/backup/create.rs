//! `talos backup create`.

use std::path::PathBuf;

use clap::Args;

use crate::archive::create::{CreateOptions, create};
use crate::cli::{Ctx, Exit};
use crate::error::{Error, Result};
use crate::install::parse_components;
use crate::metrics;
use crate::output::{human_bytes, human_duration};

/// Write a backup archive: backup_YYYYMMDD_HHMMSS.tar.gz (CONTRACT §4).
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
/// Example: talos backup create --keep 7
///
/// EXIT STATUS: 0 written; 1 failed (nothing left with a final name);
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
    #[arg(long, value_name = "LIST")]
    pub partial: Option<String>,
    /// Write Prometheus metrics here, for node_exporter's textfile collector
    /// [default: metrics.textfile_dir/talos_backup.prom when configured]
    #[arg(long, value_name = "PATH")]
    pub metrics_file: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: CreateArgs) -> Result<Exit> {
    let target = crate::cli::metrics_path(ctx, args.metrics_file.as_deref(), "backup");
    let started = std::time::Instant::now();
    let result = create_backup(ctx, &args);
    if let Some(path) = &target {
        let m = match &result {
            Ok(c) => metrics::backup(
                true,
                c.duration_ms as f64 / 1000.0,
                Some(c.size),
                Some(metrics::now_seconds()),
            ),
            // A failed run still writes its metrics, so an alert fires; the
            // last success is carried over from the previous file.
            Err(_) => metrics::backup(
                false,
                started.elapsed().as_secs_f64(),
                None,
                metrics::previous_value(path, "talos_backup_last_success_timestamp_seconds"),
            ),
        };
        crate::cli::write_metrics(ctx, Some(path), &m);
    }
    result.map(|_| Exit::OK)
}

fn create_backup(ctx: &Ctx, args: &CreateArgs) -> Result<crate::archive::create::Created> {
    let layout = &ctx.layout;
    let ui = &ctx.ui;
    let components = args.partial.as_deref().map(parse_components).transpose()?;
    if !layout.config_dir.exists() && !layout.data_dir.exists() {
        return Err(Error::failed(format!(
            "no Talos installation at {}: neither {} nor {} exists",
            layout.root.display(),
            layout.config_dir.display(),
            layout.data_dir.display()
        ))
        .hint("pass the installation's root with --root DIR (or TALOS_ROOT)"));
    }
    let output_dir = args
        .output_dir
        .clone()
        .unwrap_or_else(|| ctx.settings.backup_dir.value.clone());
    let keep = args
        .keep
        .map(|k| k as usize)
        .or(ctx.settings.backup_keep.value)
        .filter(|k| *k > 0);
    let bar = ui.progress(0, "backup");
    let created = create(
        layout,
        &CreateOptions {
            output_dir,
            components,
            keep,
            rescue: false,
        },
        &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    )?;
    bar.finish_and_clear();
    if let Some(pid) = created.lock_taken_over {
        ui.warn(format!(
            "took over the backup lock left by PID {pid}, which is no longer running"
        ));
    }
    for s in &created.skipped {
        ui.warn(format!("skipped {}: {}", s.path.display(), s.reason));
    }
    if let Err(e) = crate::audit::record_operator_action(
        layout,
        "backup",
        serde_json::json!({
            "file": created.path,
            "size": created.size,
            "sha256": created.sha256,
            "files": created.files,
            "components": created.components,
            "backup_type": created.backup_type,
            "audit_head": created.audit_head,
        }),
    ) {
        ui.warn(format!(
            "the backup is written but its audit record failed: {}",
            e.message
        ));
    }
    ui.render(&created, |ui| {
        ui.line(format!(
            "backup written: {} ({}, {} files, {})",
            created.path.display(),
            human_bytes(created.size),
            created.files,
            human_duration((created.duration_ms / 1000) as i64)
        ))?;
        if ui.verbose > 0 {
            ui.line(format!("  components: {}", created.components.join(",")))?;
            ui.line(format!("  sha256:     {}", created.sha256))?;
            if let Some(h) = &created.audit_head {
                ui.line(format!("  audit head: seq {} {}", h.seq, h.hash))?;
            }
        }
        Ok(())
    })?;
    for p in &created.pruned {
        ui.note(format!("pruned old backup {}", p.display()));
    }
    Ok(created)
}
