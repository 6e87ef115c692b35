//! The `--repo`, `--host` and `--identity` flags shared by `backup
//! create|list|verify`, `restore` and `drill`: turn them into a repository,
//! fetch an archive into a private staging directory (downloaded, checked,
//! decrypted) so the existing local code path restores it, and record every
//! repository operation in the audit chain when there is an installation.

use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use super::Ctx;
use crate::error::{Error, Result};
use crate::repo::{Object, Repo, RepoUrl, crypt};

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
    let s = args
        .repo
        .clone()
        .or_else(|| ctx.settings.backup_repo.value.clone());
    s.map(|s| RepoUrl::parse(&s)).transpose()
}

pub fn host(args: &RepoArgs) -> Result<String> {
    let h = args.host.clone().unwrap_or_else(crate::fsutil::hostname);
    crate::repo::check_host(&h)?;
    Ok(h)
}

pub fn identity_path(arg: &IdentityArg) -> Option<PathBuf> {
    arg.identity.clone().or_else(|| {
        std::env::var_os("TALOS_AGE_IDENTITY")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
}

/// Records a repository operation when an installation exists; a failure
/// to record is a warning (the operation itself is done).
pub fn audit(ctx: &Ctx, action: &str, details: serde_json::Value) {
    if !ctx.layout.audit_dir.is_dir() {
        return;
    }
    if let Err(e) = crate::audit::record_operator_action(&ctx.layout, action, details) {
        ctx.ui.warn(format!(
            "cannot record {action} in the audit chain: {}",
            e.message
        ));
    }
}

/// A plain `.tar.gz` ready for the local code path, and the staging
/// directory that holds it (removed when this is dropped).
pub struct Fetched {
    pub path: PathBuf,
    pub object: Option<Object>,
    pub sha256: Option<String>,
    pub encrypted: bool,
    /// What the operator named: the repository object's URL, or the local
    /// file as given (not the staging copy), for reports.
    pub source: String,
    _staging: Option<tempfile::TempDir>,
}

#[derive(Debug, Serialize)]
pub struct FetchedDoc {
    pub url: String,
    pub host: String,
    pub name: String,
    #[serde(rename = "size_bytes")]
    pub size: u64,
    pub sha256: Option<String>,
    pub encrypted: bool,
}

impl Fetched {
    pub fn doc(&self) -> Option<FetchedDoc> {
        self.object.as_ref().map(|o| FetchedDoc {
            url: o.url.clone(),
            host: o.host.clone(),
            name: o.name.clone(),
            size: o.size,
            sha256: self.sha256.clone(),
            encrypted: self.encrypted,
        })
    }
}

fn decrypt_into(
    ctx: &Ctx,
    src: &Path,
    staging: &Path,
    name: &str,
    identity: &IdentityArg,
) -> Result<PathBuf> {
    let Some(id) = identity_path(identity) else {
        return Err(Error::usage(format!(
            "{} is encrypted with age and no identity was given",
            src.display()
        ))
        .hint("pass the age identity with --identity FILE (or TALOS_AGE_IDENTITY); keep it off the host, e.g. on a USB key or in a password manager"));
    };
    let ids = crypt::load_identities(&id)?;
    let dest = staging.join(crypt::plain_name(name));
    let bar = ctx.ui.progress(0, "decrypt");
    crypt::decrypt_file(src, &dest, &ids, &|n, t| {
        crate::output::advance(&bar, n, t);
    })?;
    bar.finish_and_clear();
    Ok(dest)
}

/// The file as an absolute path (JSON `path` keys are absolute, docs/format.md §7).
fn absolute(file: &Path) -> String {
    std::path::absolute(file)
        .unwrap_or_else(|_| file.to_path_buf())
        .display()
        .to_string()
}

/// A local archive: decrypted into staging when it is age-encrypted,
/// else used where it is.
pub fn local(ctx: &Ctx, file: &Path, identity: &IdentityArg) -> Result<Fetched> {
    if !crypt::is_age(file) {
        return Ok(Fetched {
            path: file.to_path_buf(),
            object: None,
            sha256: None,
            encrypted: false,
            source: absolute(file),
            _staging: None,
        });
    }
    let staging = crypt::staging_dir()?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup.tar.gz.age".into());
    let path = decrypt_into(ctx, file, staging.path(), &name, identity)?;
    Ok(Fetched {
        path,
        object: None,
        sha256: None,
        encrypted: true,
        source: file.display().to_string(),
        _staging: Some(staging),
    })
}

/// Downloads `which` (`latest` or a name) of `host` from the repository into
/// a private staging directory, checks its sha256, decrypts it if needed.
pub fn fetch(
    ctx: &Ctx,
    url: &RepoUrl,
    host: &str,
    which: &str,
    identity: &IdentityArg,
) -> Result<Fetched> {
    let repo = Repo::open(url)?;
    let obj = repo.find(host, which)?;
    let staging = crypt::staging_dir()?;
    let raw = staging.path().join(format!(".download-{}", obj.name));
    let bar = ctx.ui.progress(obj.size, "download");
    let res = repo.download(&obj, &raw, &|n, t| {
        crate::output::advance(&bar, n, t);
    });
    bar.finish_and_clear();
    let sha = match res {
        Ok(s) => s,
        Err(e) => {
            audit(
                ctx,
                "repo_download",
                serde_json::json!({"url": obj.url, "ok": false, "error": e.message}),
            );
            return Err(e);
        }
    };
    audit(
        ctx,
        "repo_download",
        serde_json::json!({"url": obj.url, "size": obj.size, "sha256": sha, "ok": true}),
    );
    ctx.ui.note(format!(
        "downloaded {} ({} bytes, sha256 {sha})",
        obj.url, obj.size
    ));
    let encrypted = crypt::is_age(&raw);
    let path = if encrypted {
        let p = decrypt_into(ctx, &raw, staging.path(), &obj.name, identity)?;
        let _ = std::fs::remove_file(&raw);
        p
    } else {
        let p = staging.path().join(crypt::plain_name(&obj.name));
        std::fs::rename(&raw, &p)?;
        p
    };
    Ok(Fetched {
        path,
        source: obj.url.clone(),
        object: Some(obj),
        sha256: Some(sha),
        encrypted,
        _staging: Some(staging),
    })
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
    let local_file = file.filter(|f| args.repo.is_none() && f.exists());
    if let Some(f) = local_file {
        return local(ctx, f, identity).map(Some);
    }
    match repo_url(ctx, args)? {
        Some(url) => {
            let which = file
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| "latest".into());
            let h = host(args)?;
            fetch(ctx, &url, &h, &which, identity).map(Some)
        }
        None => match file {
            Some(f) => local(ctx, f, identity).map(Some),
            None => Ok(None),
        },
    }
}

#[derive(Debug, Serialize)]
pub struct UploadReport {
    pub repo: String,
    pub url: String,
    pub key: String,
    #[serde(rename = "size_bytes")]
    pub size: u64,
    pub sha256: String,
    pub parts: u32,
    pub cleaned_partial: usize,
    pub pruned: Vec<String>,
}

/// Uploads a finished local archive and prunes the repository.
pub fn upload(
    ctx: &Ctx,
    url: &RepoUrl,
    host: &str,
    local: &Path,
    keep: Option<usize>,
) -> Result<UploadReport> {
    let repo = Repo::open(url)?;
    let name = local
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // What earlier interrupted uploads left; never fatal.
    let cleaned = match repo.clean_partial(host) {
        Ok(n) => n,
        Err(e) => {
            ctx.ui.warn(format!(
                "cannot clean unfinished uploads in {}: {}",
                repo.url(),
                e.message
            ));
            0
        }
    };
    let len = std::fs::metadata(local).map(|m| m.len()).unwrap_or(0);
    let bar = ctx.ui.progress(len, "upload");
    let res = repo.upload(local, host, &name, &|n, t| {
        crate::output::advance(&bar, n, t);
    });
    bar.finish_and_clear();
    let up = match res {
        Ok(u) => u,
        Err(e) => {
            audit(
                ctx,
                "repo_upload",
                serde_json::json!({"repo": repo.url(), "host": host, "name": name, "ok": false, "error": e.message}),
            );
            return Err(e);
        }
    };
    audit(
        ctx,
        "repo_upload",
        serde_json::json!({"url": up.url, "size": up.size, "sha256": up.sha256, "parts": up.parts, "ok": true}),
    );
    let mut pruned = Vec::new();
    if let Some(k) = keep {
        for o in repo.prune(host, k, &name)? {
            audit(ctx, "repo_prune", serde_json::json!({"url": o.url}));
            pruned.push(o.url);
        }
    }
    Ok(UploadReport {
        repo: repo.url(),
        url: up.url,
        key: up.key,
        size: up.size,
        sha256: up.sha256,
        parts: up.parts,
        cleaned_partial: cleaned,
        pruned,
    })
}
