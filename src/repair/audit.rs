//! `talos repair audit`: a torn last record (a crash during an append)
//! stops every backup, since nothing may be appended after it. The repair
//! removes only an unterminated final line of the last audit file, keeps
//! its bytes as evidence beside the log, and records itself in the chain
//! with the evidence's SHA-256. Nothing else is ever rewritten.

use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Context, Error, Result};
use crate::fsutil::{self, FileLock};
use crate::install::Layout;

/// Longest torn tail we take: a record is far shorter; more than this
/// after the last newline is not a torn append and is left to a person.
const MAX_TORN: u64 = 1 << 20;

/// A torn final line found in the chain.
#[derive(Debug, Clone, Serialize)]
pub struct Torn {
    pub file: PathBuf,
    /// Where the torn line starts (the length the file is cut to).
    pub offset: u64,
    pub bytes: u64,
    pub sha256: String,
}

/// What the repair did.
#[derive(Debug, Clone, Serialize)]
pub struct Repaired {
    pub torn: Torn,
    /// The torn bytes, kept beside the audit directory.
    pub evidence: PathBuf,
    /// The repair's own record in the chain.
    pub record_seq: Option<u64>,
}

/// The torn final line of the last non-empty audit file, if any.
pub fn find_torn(layout: &Layout) -> Result<Option<Torn>> {
    let files = crate::audit::audit_files(&layout.audit_dir)?;
    let Some((_, path)) = files
        .iter()
        .rev()
        .find(|(_, p)| std::fs::metadata(p).is_ok_and(|m| m.len() > 0))
    else {
        return Ok(None);
    };
    let (tail, offset) = read_tail(path)?;
    if tail.is_empty() {
        return Ok(None);
    }
    Ok(Some(Torn {
        file: path.clone(),
        offset,
        bytes: tail.len() as u64,
        sha256: crate::audit::record::hex(&Sha256::digest(&tail)),
    }))
}

/// The bytes after the last newline of `path` and where they start.
fn read_tail(path: &Path) -> Result<(Vec<u8>, u64)> {
    let mut f = std::fs::File::options()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let len = f.metadata()?.len();
    let start = len.saturating_sub(MAX_TORN + 1);
    f.seek(SeekFrom::Start(start))?;
    let mut buf = Vec::new();
    f.take(len - start).read_to_end(&mut buf)?;
    match memchr::memrchr(b'\n', &buf) {
        Some(i) => Ok((buf[i + 1..].to_vec(), start + i as u64 + 1)),
        None if start == 0 => Ok((buf, 0)),
        None => Err(Error::integrity(format!(
            "{} ends with more than {} without a newline: not a torn append",
            path.display(),
            crate::units::human_bytes(MAX_TORN)
        ))
        .hint("run `talos audit verify-chain` and have a person look at the file")),
    }
}

/// Cuts the torn line off (under the audit lock, re-checked there), keeps
/// it as evidence, then records the repair in the chain.
pub fn repair(layout: &Layout, torn: &Torn) -> Result<Repaired> {
    let evidence;
    {
        let _lock = FileLock::exclusive_blocking(&layout.audit_lock())?;
        let (tail, offset) = read_tail(&torn.file)?;
        let sha = crate::audit::record::hex(&Sha256::digest(&tail));
        if tail.is_empty() || offset != torn.offset || sha != torn.sha256 {
            return Err(Error::failed(format!(
                "{} changed while the repair was prepared",
                torn.file.display()
            ))
            .hint("run `talos repair audit` again"));
        }
        let stamp = crate::clock::now().strftime("%Y%m%dT%H%M%SZ").to_string();
        let name = torn
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        evidence = layout.log_dir.join(format!("{name}.torn-{stamp}"));
        let mut ev = fsutil::open_owned(
            &evidence,
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(crate::install::SECRET_FILE_MODE),
        )?;
        ev.write_all(&tail)
            .and_then(|()| ev.sync_all())
            .with_context(|| format!("cannot write {}", evidence.display()))?;
        fsutil::sync_dir(&layout.log_dir)?;
        let f = fsutil::open_owned(&torn.file, std::fs::OpenOptions::new().write(true))?;
        f.set_len(offset)
            .and_then(|()| f.sync_all())
            .with_context(|| format!("cannot cut the torn line off {}", torn.file.display()))?;
    }
    let rec = crate::audit::record_operator_action(
        layout,
        "repair",
        serde_json::json!({
            "kind": "audit_torn_record",
            "file": torn.file,
            "offset": torn.offset,
            "removed_bytes": torn.bytes,
            "removed_sha256": torn.sha256,
            "evidence": evidence,
        }),
    )?;
    Ok(Repaired {
        torn: torn.clone(),
        evidence,
        record_seq: Some(rec.seq),
    })
}
