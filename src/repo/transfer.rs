//! Moving archives between this host and a repository, as operations that
//! record themselves: `obtain` brings the archive a restore, verify or drill
//! works on into a private staging directory (downloaded and checked,
//! decrypted when it is age-encrypted), `upload` sends a finished backup and
//! prunes the host's old ones. Every repository operation is recorded in the
//! audit chain when there is an installation (`repo_download`,
//! `repo_upload`, `repo_prune`), so every caller gets the record.
//!
//! Nothing here prints: the caller hears progress and warnings through
//! `TransferEvent`s.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use super::{Object, Repo, RepoUrl, Uploaded, crypt};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::install::Layout;

/// The repository in effect: the flag (`--repo`, or `TALOS_REPO`), else
/// `backup.repo`.
pub fn in_effect(flag: Option<&str>, settings: &Settings) -> Result<Option<RepoUrl>> {
    flag.map(str::to_string)
        .or_else(|| settings.backup_repo.value.clone())
        .map(|s| RepoUrl::parse(&s))
        .transpose()
}

/// The host whose backups are meant: the flag (`--host`), else this host.
pub fn host_or_this(flag: Option<&str>) -> Result<String> {
    let h = flag.map_or_else(crate::fsutil::hostname, str::to_string);
    super::check_host(&h)?;
    Ok(h)
}

/// Where the archive to work on comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file on this host (decrypted into staging when encrypted).
    Local(PathBuf),
    /// `which` (`latest` or a backup name) of `host`'s backups in `url`.
    Repo {
        url: RepoUrl,
        host: String,
        which: String,
    },
}

/// A byte-counted step of a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Download,
    Upload,
    Decrypt,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Download => "download",
            Phase::Upload => "upload",
            Phase::Decrypt => "decrypt",
        }
    }
}

/// What a transfer tells its caller as it goes.
#[derive(Debug)]
pub enum TransferEvent<'a> {
    /// A phase of `total` bytes begins (0: the size is not known yet).
    Begin { phase: Phase, total: u64 },
    /// Bytes done in the phase that began last.
    Progress { done: u64, total: u64 },
    /// The phase that began last ended, done or failed.
    End,
    /// An archive was downloaded and its sha256 checked.
    Downloaded {
        url: &'a str,
        size: u64,
        sha256: &'a str,
        /// How long the download and its sha256 check took.
        elapsed_ms: u64,
    },
    /// Something went wrong that does not stop the operation (an audit
    /// record, cleaning unfinished uploads).
    Warning(String),
}

/// A plain `.tar.gz` ready for the local code path, and the staging
/// directory that holds it (removed when this is dropped).
pub struct Fetched {
    pub path: PathBuf,
    pub object: Option<Object>,
    pub sha256: Option<String>,
    pub encrypted: bool,
    /// How long the download (with its sha256 check) took, when there was one.
    pub download_ms: Option<u64>,
    /// What the operator named: the repository object's URL, or the local
    /// file as given (not the staging copy), for reports.
    pub source: String,
    _staging: Option<tempfile::TempDir>,
}

/// The repository part of a report (`--json` `repo`).
#[derive(Debug, Serialize)]
pub struct FetchedDoc {
    pub url: String,
    pub host: String,
    pub name: String,
    #[serde(rename = "size_bytes")]
    pub size: u64,
    pub sha256: Option<String>,
    pub encrypted: bool,
    /// The download itself, sha256 check included (not the decryption).
    pub download_ms: Option<u64>,
}

impl Fetched {
    /// What was downloaded, when the archive came from a repository.
    pub fn doc(&self) -> Option<FetchedDoc> {
        self.object.as_ref().map(|o| FetchedDoc {
            url: o.url.clone(),
            host: o.host.clone(),
            name: o.name.clone(),
            size: o.size,
            sha256: self.sha256.clone(),
            encrypted: self.encrypted,
            download_ms: self.download_ms,
        })
    }
}

/// Brings the archive `source` names onto this host: a local file is used
/// where it is (decrypted into staging when age-encrypted); a repository's
/// is downloaded into a private staging directory, checked against its
/// sha256, decrypted if needed, and the download recorded.
pub fn obtain(
    layout: &Layout,
    source: &Source,
    identity: Option<&Path>,
    on_event: &mut dyn FnMut(TransferEvent<'_>),
) -> Result<Fetched> {
    match source {
        Source::Local(file) => local(file, identity, on_event),
        Source::Repo { url, host, which } => fetch(layout, url, host, which, identity, on_event),
    }
}

/// Records a repository operation when an installation exists; a failure
/// to record is a warning (the operation itself is done).
fn record(
    layout: &Layout,
    action: &str,
    details: serde_json::Value,
    on_event: &mut dyn FnMut(TransferEvent<'_>),
) {
    if !layout.audit_dir.is_dir() {
        return;
    }
    if let Err(e) = crate::audit::record_operator_action(layout, action, details) {
        on_event(TransferEvent::Warning(format!(
            "cannot record {action} in the audit chain: {}",
            e.message
        )));
    }
}

/// Runs `f` as one phase: `Begin`, its byte counts as `Progress`, `End`.
fn phase<T>(
    phase: Phase,
    total: u64,
    on_event: &mut dyn FnMut(TransferEvent<'_>),
    f: impl FnOnce(&dyn Fn(u64, u64)) -> T,
) -> T {
    on_event(TransferEvent::Begin { phase, total });
    let events = RefCell::new(&mut *on_event);
    let out = f(&|done, total| (events.borrow_mut())(TransferEvent::Progress { done, total }));
    on_event(TransferEvent::End);
    out
}

fn decrypt_into(
    src: &Path,
    staging: &Path,
    name: &str,
    identity: Option<&Path>,
    on_event: &mut dyn FnMut(TransferEvent<'_>),
) -> Result<PathBuf> {
    let Some(id) = identity else {
        return Err(Error::usage(format!(
            "{} is encrypted with age and no identity was given",
            src.display()
        ))
        .hint("pass the age identity with --identity FILE (or TALOS_AGE_IDENTITY); keep it off the host, e.g. on a USB key or in a password manager"));
    };
    let ids = crypt::load_identities(id)?;
    let dest = staging.join(crypt::plain_name(name));
    phase(Phase::Decrypt, 0, on_event, |progress| {
        crypt::decrypt_file(src, &dest, &ids, progress)
    })?;
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
fn local(
    file: &Path,
    identity: Option<&Path>,
    on_event: &mut dyn FnMut(TransferEvent<'_>),
) -> Result<Fetched> {
    if !crypt::is_age(file) {
        return Ok(Fetched {
            path: file.to_path_buf(),
            object: None,
            sha256: None,
            encrypted: false,
            download_ms: None,
            source: absolute(file),
            _staging: None,
        });
    }
    let staging = crypt::staging_dir()?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup.tar.gz.age".into());
    let path = decrypt_into(file, staging.path(), &name, identity, on_event)?;
    Ok(Fetched {
        path,
        object: None,
        sha256: None,
        encrypted: true,
        download_ms: None,
        source: file.display().to_string(),
        _staging: Some(staging),
    })
}

/// Downloads `which` (`latest` or a name) of `host` from the repository into
/// a private staging directory, checks its sha256, decrypts it if needed.
fn fetch(
    layout: &Layout,
    url: &RepoUrl,
    host: &str,
    which: &str,
    identity: Option<&Path>,
    on_event: &mut dyn FnMut(TransferEvent<'_>),
) -> Result<Fetched> {
    let repo = Repo::open(url)?;
    let obj = repo.find(host, which)?;
    let staging = crypt::staging_dir()?;
    let raw = staging.path().join(format!(".download-{}", obj.name));
    let started = Instant::now();
    let res = phase(Phase::Download, obj.size, on_event, |progress| {
        repo.download(&obj, &raw, progress)
    });
    let sha = match res {
        Ok(s) => s,
        Err(e) => {
            record(
                layout,
                "repo_download",
                serde_json::json!({"url": obj.url, "ok": false, "error": e.message}),
                on_event,
            );
            return Err(e);
        }
    };
    let download_ms = started.elapsed().as_millis() as u64;
    record(
        layout,
        "repo_download",
        serde_json::json!({"url": obj.url, "size": obj.size, "sha256": sha, "ok": true}),
        on_event,
    );
    on_event(TransferEvent::Downloaded {
        url: &obj.url,
        size: obj.size,
        sha256: &sha,
        elapsed_ms: download_ms,
    });
    let encrypted = crypt::is_age(&raw);
    let path = if encrypted {
        let p = decrypt_into(&raw, staging.path(), &obj.name, identity, on_event)?;
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
        download_ms: Some(download_ms),
        _staging: Some(staging),
    })
}

/// What an upload did (`--json` `repo` of `backup create`).
#[derive(Debug, Serialize)]
pub struct UploadReport {
    pub repo: String,
    /// Where it went (`url`, `key`, `size_bytes`, `sha256`, `parts`).
    #[serde(flatten)]
    pub uploaded: Uploaded,
    /// How long the upload took (sending, the sha256 check on the way, the
    /// check of the stored object), not the pruning or the cleaning before.
    pub upload_ms: u64,
    pub cleaned_partial: usize,
    pub pruned: Vec<String>,
}

/// Uploads a finished local archive as `host`'s, then with `keep` prunes
/// all but that host's newest `keep` backups in the repository; each
/// upload and prune is recorded. `sha256` is the archive's as it was
/// written (the upload then reads it only once, checking it on the way).
pub fn upload(
    layout: &Layout,
    url: &RepoUrl,
    host: &str,
    local: &Path,
    sha256: Option<&str>,
    keep: Option<usize>,
    on_event: &mut dyn FnMut(TransferEvent<'_>),
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
            on_event(TransferEvent::Warning(format!(
                "cannot clean unfinished uploads in {}: {}",
                repo.url(),
                e.message
            )));
            0
        }
    };
    let len = std::fs::metadata(local).map(|m| m.len()).unwrap_or(0);
    let started = Instant::now();
    let res = phase(Phase::Upload, len, on_event, |progress| {
        repo.upload(local, host, &name, sha256, progress)
    });
    let upload_ms = started.elapsed().as_millis() as u64;
    let up = match res {
        Ok(u) => u,
        Err(e) => {
            record(
                layout,
                "repo_upload",
                serde_json::json!({"repo": repo.url(), "host": host, "name": name, "ok": false, "error": e.message}),
                on_event,
            );
            return Err(e);
        }
    };
    record(
        layout,
        "repo_upload",
        serde_json::json!({"url": up.url, "size": up.size, "sha256": up.sha256, "parts": up.parts, "ok": true}),
        on_event,
    );
    let mut pruned = Vec::new();
    if let Some(k) = keep {
        for o in repo.prune(host, k, &name)? {
            record(
                layout,
                "repo_prune",
                serde_json::json!({"url": o.url}),
                on_event,
            );
            pruned.push(o.url);
        }
    }
    Ok(UploadReport {
        repo: repo.url(),
        uploaded: up,
        upload_ms,
        cleaned_partial: cleaned,
        pruned,
    })
}
