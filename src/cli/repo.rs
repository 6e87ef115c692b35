//! The `--repo`, `--host` and `--identity` flags shared by `backup
//! create|list|verify`, `restore` and `drill`: turn them into a source for
//! `crate::repo::transfer` (which fetches, checks, decrypts and records),
//! and show a transfer's progress and warnings.

use std::path::{Path, PathBuf};

use clap::Args;

use super::Ctx;
use crate::error::Result;
use crate::output::Ui;
use crate::repo::RepoUrl;
use crate::repo::transfer::{self, Source, TransferEvent};

pub use crate::repo::transfer::Fetched;

#[derive(Debug, Clone, Args, Default)]
pub struct RepoArgs {
    /// Off-host repository: s3://BUCKET/PREFIX, a directory, or file:///path [default: TALOS_REPO, else backup.repo]
    #[arg(long, value_name = "URL")]
    pub repo: Option<String>,
    /// Use this host's backups in the repository [default: this host's name]
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,
}

#[derive(Debug, Clone, Args, Default)]
pub struct IdentityArg {
    /// age identity file to decrypt encrypted archives (from age-keygen) [env: TALOS_AGE_IDENTITY]
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,
}

/// The repository in effect: `--repo`, then `TALOS_REPO`, then `backup.repo`.
pub fn repo_url(ctx: &Ctx, args: &RepoArgs) -> Result<Option<RepoUrl>> {
    transfer::in_effect(args.repo.as_deref(), &ctx.settings)
}

/// `--host`, else this host's name.
pub fn host(args: &RepoArgs) -> Result<String> {
    transfer::host_or_this(args.host.as_deref())
}

pub fn identity_path(arg: &IdentityArg) -> Option<PathBuf> {
    arg.identity.clone().or_else(|| {
        std::env::var_os("TALOS_AGE_IDENTITY")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
}

/// Shows a transfer as it goes: a bar (or spinner) per phase on stderr,
/// the download's checksum as a note, warnings.
#[derive(Default)]
pub struct TransferView {
    bar: Option<indicatif::ProgressBar>,
}

impl TransferView {
    pub fn show(&mut self, ui: &Ui, ev: TransferEvent<'_>) {
        match ev {
            TransferEvent::Begin { phase, total } => {
                self.bar = Some(ui.progress(total, phase.as_str()));
            }
            TransferEvent::Progress { done, total } => {
                if let Some(bar) = &self.bar {
                    crate::output::advance(bar, done, total);
                }
            }
            TransferEvent::End => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
            }
            TransferEvent::Downloaded {
                url,
                size,
                sha256,
                elapsed_ms,
            } => {
                ui.note(format!(
                    "downloaded {url} ({size} bytes, sha256 {sha256}) in {:.1} s",
                    elapsed_ms as f64 / 1000.0
                ));
            }
            TransferEvent::Warning(w) => ui.warn(w),
        }
    }
}

/// Where the archive comes from: the repository when one is in effect
/// and `file` does not name an existing file, else the local file.
pub fn source(ctx: &Ctx, args: &RepoArgs, file: Option<&Path>) -> Result<Option<Source>> {
    if let Some(f) = file.filter(|f| args.repo.is_none() && f.exists()) {
        return Ok(Some(Source::Local(f.to_path_buf())));
    }
    match repo_url(ctx, args)? {
        Some(url) => Ok(Some(Source::Repo {
            url,
            which: file
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| "latest".into()),
            host: host(args)?,
        })),
        None => Ok(file.map(|f| Source::Local(f.to_path_buf()))),
    }
}

/// The archive a restore, verify or drill works on: from the repository
/// when one is in effect and `file` does not name an existing file, else
/// the local file (decrypted when encrypted).
pub fn resolve(
    ctx: &Ctx,
    args: &RepoArgs,
    identity: &IdentityArg,
    file: Option<&Path>,
) -> Result<Option<Fetched>> {
    let Some(source) = source(ctx, args, file)? else {
        return Ok(None);
    };
    let mut view = TransferView::default();
    transfer::obtain(
        &ctx.layout,
        &source,
        identity_path(identity).as_deref(),
        &mut |ev| view.show(&ctx.ui, ev),
    )
    .map(Some)
}
