//! `talos backup verify FILE`.

use std::path::PathBuf;

use clap::Args;

use crate::cli::{Ctx, ExitStatus};
use crate::error::Result;
use crate::output::human_bytes;

/// Check a backup archive completely without writing anything.
///
/// One streaming pass: decompress, check every entry's name and type, hash
/// every file and compare with manifest.json; then the content checks a
/// restore runs before its swap (config.yaml, database integrity and tables,
/// the audit chain against audit_head, the certificate) on a private
/// temporary copy that is removed. Same as `talos restore FILE --verify-only`.
///
/// An age-encrypted archive (….tar.gz.age) is decrypted with --identity
/// into a private staging directory first. With --repo (or TALOS_REPO,
/// backup.repo), NAME or `latest` of this host (or --host) is downloaded,
/// checked against the sha256 recorded at upload, and verified.
///
/// Examples:
///   talos backup verify /var/backups/talos/backup_20240115_083000.tar.gz
///   talos backup verify --repo s3://acme-backups/talos latest --identity key.txt
///
/// EXIT STATUS: 0 the archive is intact; 1 it cannot be read (or the
/// repository cannot be reached); 2 encrypted and no identity; 3 it is
/// corrupt, tampered or unsafe, the identity does not decrypt it, or its
/// sha256 differs from the one recorded at upload, or its content fails a
/// check (the message says what and where).
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct VerifyArgs {
    /// The backup archive (.tar.gz or .tar.gz.age); with --repo, a backup name or `latest` [default with --repo: latest]
    #[arg(required_unless_present = "repo", add = crate::cli::complete::backup_files())]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub repo: crate::cli::repo::RepoArgs,
    #[command(flatten)]
    pub identity: crate::cli::repo::IdentityArg,
}

pub fn run(ctx: &Ctx, args: VerifyArgs) -> Result<ExitStatus> {
    let fetched = crate::cli::repo::resolve(ctx, &args.repo, &args.identity, args.file.as_deref())?
        .ok_or_else(|| {
            crate::error::Error::usage("no archive given")
                .hint("give FILE, or --repo URL [NAME|latest]")
        })?;
    verify_and_report(ctx, &fetched)
}

/// Shared with `restore --verify-only`. Reports what the operator named
/// (the repository object's URL, or the file as given), never the staging
/// copy that was read.
pub fn verify_and_report(ctx: &Ctx, fetched: &crate::cli::repo::Fetched) -> Result<ExitStatus> {
    let ui = &ctx.ui;
    let file = fetched.path.as_path();
    let len = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let bar = ui.progress(len, "verify");
    let v = crate::archive::restore::verify_only(file, &|n| crate::output::advance(&bar, n, len))?;
    bar.finish_and_clear();
    let doc = serde_json::json!({
        "ok": true,
        "path": fetched.source,
        "repo": fetched.doc(),
        "files": v.files,
        "bytes": v.bytes,
        "size_bytes": v.compressed_size,
        "components": v.components,
        "created_at": v.metadata.created_at,
        "audit_head": v.metadata.audit_head,
        "metadata_in_manifest": v.metadata_listed,
        "duration_ms": v.duration_ms,
    });
    ui.render(&doc, |ui| {
        ui.done(format!(
            "{} {}: {} files ({}) match manifest.json; components {}; created {}",
            ui.green("ok"),
            fetched.source,
            v.files,
            human_bytes(v.bytes),
            crate::install::join_components(&v.components),
            v.metadata.created_at
        ))
    })?;
    Ok(ExitStatus::Ok)
}
