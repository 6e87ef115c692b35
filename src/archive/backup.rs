//! The `talos backup create` runbook as one operation: check the
//! installation and the settings, take the backup lock (ordered against
//! restores), remove what killed backups left, write the archive (encrypted
//! when asked), record it in the audit chain, and upload it to the
//! repository in effect. Every caller gets the audit records, the locks and
//! the cleanup.
//!
//! Nothing here prints: the caller hears each step through `BackupEvent`s
//! and renders the `BackupReport`.

use std::path::PathBuf;

use super::create::{CreateOptions, Created, create_encrypted};
use crate::config::Settings;
use crate::error::{Error, ExitStatus, Result};
use crate::install::{Component, Layout};
use crate::repo::transfer::{self, TransferEvent, UploadReport};

/// What the operator asked for; `None` and empty take the settings'
/// default (config.yaml, docs/format.md).
#[derive(Debug, Clone, Default)]
pub struct BackupOptions {
    /// Where to write [default: `backup.dir`].
    pub output_dir: Option<PathBuf>,
    /// Keep the newest N backups in the output directory [default:
    /// `backup.keep`]; given here, also in the repository.
    pub keep: Option<usize>,
    /// Each once; None: every component that exists (a full backup).
    pub components: Option<Vec<Component>>,
    /// The repository to upload to [default: `backup.repo`].
    pub repo: Option<String>,
    /// The host the upload is filed under [default: this host's name].
    pub host: Option<String>,
    /// age recipients [default: `backup.encrypt_to`]; none: not encrypted.
    pub encrypt_to: Vec<String>,
}

/// What `backup` tells its caller as it goes.
#[derive(Debug)]
pub enum BackupEvent<'a> {
    /// What killed backups left was removed (one line each).
    Removed(String),
    /// The database is being snapshotted and the files hashed.
    Archiving,
    /// Bytes written into the archive so far, of `total`.
    Progress { done: u64, total: u64 },
    /// The archive is written (or its writing failed).
    Archived,
    /// Something went wrong that does not undo the backup.
    Warning(String),
    /// The upload to the repository.
    Transfer(TransferEvent<'a>),
}

/// The whole story of one backup.
#[derive(Debug)]
pub struct BackupReport {
    pub created: Created,
    /// Encrypted with age.
    pub encrypted: bool,
    pub uploaded: Option<UploadReport>,
    /// The `backup` record in the audit chain (None when it failed).
    pub audit_seq: Option<u64>,
    pub exit: ExitStatus,
}

/// Runs `talos backup create`: an error is the operation's failure (nothing
/// left with a final name, docs/format.md), anything else a report.
pub fn backup(
    layout: &Layout,
    settings: &Settings,
    opts: &BackupOptions,
    on_event: &mut dyn FnMut(BackupEvent<'_>),
) -> Result<BackupReport> {
    require_installation(layout)?;
    let output_dir = output_dir(settings, opts)?;
    let keep = opts.keep.or(settings.backup_keep.value).filter(|k| *k > 0);
    // Ordered against restores (docs/ops.md, "Locks"): a backup never
    // archives a half-swapped installation.
    let _install = crate::locks::shared(layout, "backup")?;
    // Ctrl-C / SIGTERM: the temporary archive is removed, locks released.
    let _scope = crate::interrupt::Scope::enter();
    for line in crate::leftovers::describe_removed(&crate::leftovers::remove_stale_of(
        layout,
        std::slice::from_ref(&output_dir),
        "backup",
    )) {
        on_event(BackupEvent::Removed(line));
    }
    let repo_url = transfer::in_effect(opts.repo.as_deref(), settings)?;
    let repo_host = transfer::host_or_this(opts.host.as_deref())?;
    let recipients = recipients(settings, opts)?;
    let created = write_archive(
        layout,
        CreateOptions {
            output_dir,
            components: opts.components.clone(),
            keep,
            rescue: false,
            sources: Default::default(),
        },
        recipients.as_ref(),
        on_event,
    )?;
    let audit_seq = record(layout, &created, on_event);
    #[cfg(feature = "test-hooks")]
    test_tamper_before_upload(&created.path);
    let uploaded = match &repo_url {
        Some(url) => Some(transfer::upload(
            layout,
            url,
            &repo_host,
            &created.path,
            Some(&created.sha256),
            opts.keep,
            &mut |ev| on_event(BackupEvent::Transfer(ev)),
        )?),
        None => None,
    };
    Ok(BackupReport {
        created,
        encrypted: recipients.is_some(),
        uploaded,
        audit_seq,
        exit: ExitStatus::Ok,
    })
}

/// Test-only: with `TALOS_TEST_TAMPER_BEFORE_UPLOAD=1`, the written archive
/// has its last byte flipped before the upload reads it (what a disk or
/// another process could do), to show the upload checks what it sends.
#[cfg(feature = "test-hooks")]
fn test_tamper_before_upload(path: &std::path::Path) {
    use std::io::{Read, Seek, SeekFrom, Write};
    if std::env::var("TALOS_TEST_TAMPER_BEFORE_UPLOAD").is_ok_and(|v| v == "1") {
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .expect("the archive");
        let mut b = [0u8; 1];
        f.seek(SeekFrom::End(-1)).unwrap();
        f.read_exact(&mut b).unwrap();
        f.seek(SeekFrom::End(-1)).unwrap();
        f.write_all(&[b[0] ^ 0xff]).unwrap();
    }
}

fn require_installation(layout: &Layout) -> Result<()> {
    if layout.config_dir.exists() || layout.data_dir.exists() {
        return Ok(());
    }
    Err(Error::failed(format!(
        "no Talos installation at {}: neither {} nor {} exists",
        layout.root.display(),
        layout.config_dir.display(),
        layout.data_dir.display()
    ))
    .hint("pass the installation's root with --root DIR (or TALOS_ROOT)"))
}

/// The output directory asked for, else `backup.dir` when config.yaml
/// gives a usable one.
fn output_dir(settings: &Settings, opts: &BackupOptions) -> Result<PathBuf> {
    if let Some(dir) = &opts.output_dir {
        return Ok(dir.clone());
    }
    if let Some(problem) = &settings.backup_dir_problem {
        return Err(Error::integrity(format!("config.yaml is invalid: {problem}"))
            .hint("fix `backup.dir` in config.yaml (`talos config validate` shows it), or pass --output-dir"));
    }
    Ok(settings.backup_dir.value.clone())
}

fn recipients(
    settings: &Settings,
    opts: &BackupOptions,
) -> Result<Option<crate::repo::crypt::Recipients>> {
    let list = if opts.encrypt_to.is_empty() {
        &settings.backup_encrypt_to.value
    } else {
        &opts.encrypt_to
    };
    if list.is_empty() {
        return Ok(None);
    }
    crate::repo::crypt::parse_recipients(list).map(Some)
}

/// Writes the archive between `Archiving` and `Archived`, then tells what
/// it took over and skipped.
fn write_archive(
    layout: &Layout,
    opts: CreateOptions,
    recipients: Option<&crate::repo::crypt::Recipients>,
    on_event: &mut dyn FnMut(BackupEvent<'_>),
) -> Result<Created> {
    on_event(BackupEvent::Archiving);
    let events = std::cell::RefCell::new(&mut *on_event);
    let created = create_encrypted(layout, &opts, recipients, &|done, total| {
        (events.borrow_mut())(BackupEvent::Progress { done, total })
    });
    on_event(BackupEvent::Archived);
    let created = created?;
    if let Some(pid) = created.lock_taken_over {
        on_event(BackupEvent::Warning(format!(
            "took over the backup lock left by PID {pid}, which is no longer running"
        )));
    }
    for s in &created.skipped {
        on_event(BackupEvent::Warning(format!(
            "skipped {}: {}",
            s.path.display(),
            s.reason
        )));
    }
    Ok(created)
}

/// The `backup` audit record; its failure is a warning (the backup is
/// written).
fn record(
    layout: &Layout,
    created: &Created,
    on_event: &mut dyn FnMut(BackupEvent<'_>),
) -> Option<u64> {
    match crate::audit::record_operator_action(
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
        Ok(rec) => Some(rec.seq),
        Err(e) => {
            on_event(BackupEvent::Warning(format!(
                "the backup is written but its audit record failed: {}",
                e.message
            )));
            None
        }
    }
}
