//! The Tier 1 hash-chained audit log (docs/format.md): the record format, the
//! append every changing command uses, and the head of the chain.

pub mod anchors;
pub mod merkle;
pub mod query;
pub mod record;
pub mod verify;

use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Context, Error, Result};
use crate::fsutil::FileLock;
use crate::install::Layout;

pub use record::{GENESIS_HASH, Record};
pub use verify::{
    Anchor, AnchorFrom, ChainError, ChainErrorKind, ChainReport, TreeHead, VerifyOptions,
    verify_chain, verify_chain_with,
};

/// A new audit file is begun past this size (docs/format.md).
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Audit files in numeric order: `audit-000001.jsonl`, `audit-000002.jsonl`...
pub fn audit_files(audit_dir: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let mut files = Vec::new();
    let entries = match std::fs::read_dir(audit_dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(e) => {
            return Err(
                Error::from(e).hint(format!("check that {} is readable", audit_dir.display()))
            );
        }
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(n) = parse_audit_name(name) {
            files.push((n, entry.path()));
        }
    }
    files.sort();
    Ok(files)
}

/// `audit-000012.jsonl` → 12.
pub fn parse_audit_name(name: &str) -> Option<u64> {
    let digits = name.strip_prefix("audit-")?.strip_suffix(".jsonl")?;
    if digits.len() < 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

pub fn audit_file_name(n: u64) -> String {
    format!("audit-{n:06}.jsonl")
}

/// The last record of the chain: its seq and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Head {
    pub seq: u64,
    pub hash: String,
}

/// Reads the last complete line of a file without reading the whole file.
fn last_line(path: &Path) -> Result<Option<(Vec<u8>, bool)>> {
    let mut f = crate::fsutil::open_regular(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let len = f.metadata()?.len();
    if len == 0 {
        return Ok(None);
    }
    let mut window = 64 * 1024u64;
    loop {
        let start = len.saturating_sub(window);
        f.seek(SeekFrom::Start(start))?;
        let mut buf = Vec::with_capacity((len - start) as usize);
        Read::by_ref(&mut f)
            .take(len - start)
            .read_to_end(&mut buf)?;
        let terminated = buf.last() == Some(&b'\n');
        let body = if terminated {
            &buf[..buf.len() - 1]
        } else {
            &buf[..]
        };
        let line = match memchr::memrchr(b'\n', body) {
            Some(i) => Some(&body[i + 1..]),
            None if start == 0 => Some(body),
            None => None,
        };
        match line {
            Some(l) if l.len() <= verify::MAX_LINE => return Ok(Some((l.to_vec(), terminated))),
            // A record is at most 1 MiB: never read a longer line whole.
            _ if body.len() > verify::MAX_LINE => {
                return Err(Error::integrity(format!(
                    "the last line of {} is longer than 1 MiB: it is not an audit record",
                    path.display()
                ))
                .hint("run `talos audit verify-chain` to see the damage before anything appends to the chain"));
            }
            _ => window *= 4,
        }
    }
}

/// The head of the chain, from the last line of the last non-empty file.
/// Fails with exit 3 when that line is torn or not a record, since appending
/// after it would bury the damage.
pub fn head(audit_dir: &Path) -> Result<Option<Head>> {
    let files = audit_files(audit_dir)?;
    for (_, path) in files.iter().rev() {
        let Some((line, terminated)) = last_line(path)? else {
            continue;
        };
        if !terminated {
            return Err(Error::integrity(format!(
                "the last line of {} has no newline: a torn record ({} bytes) left by an interrupted append",
                path.display(),
                line.len()
            ))
            .hint("`talos repair audit` keeps the torn bytes as evidence, removes that line and records the repair in the chain; then run the command again"));
        }
        let rec = Record::parse(&line).map_err(|e| {
            Error::integrity(format!("the last line of {} is not a valid audit record: {e}", path.display()))
                .hint("run `talos audit verify-chain` to see the damage before anything appends to the chain")
        })?;
        if !terminated {
            return Err(Error::integrity(format!(
                "the last line of {} has no newline: an append was interrupted",
                path.display()
            ))
            .hint("run `talos audit verify-chain` for the details"));
        }
        return Ok(Some(Head {
            seq: rec.seq,
            hash: rec.hash,
        }));
    }
    Ok(None)
}

/// What an append wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Appended {
    pub seq: u64,
    pub hash: String,
    pub file: PathBuf,
}

/// Appends one record under the exclusive `flock` of AUDIT_DIR/.lock, so the
/// daemon and talos never fork the chain; fsyncs before returning.
pub fn append(
    layout: &Layout,
    actor: &str,
    action: &str,
    details: &serde_json::Value,
) -> Result<Appended> {
    append_in(
        &layout.audit_dir,
        actor,
        action,
        details,
        &crate::timespec::now_rfc3339(),
    )
}

/// `append` with an explicit directory and timestamp (sandbox, simulator, tests).
pub fn append_in(
    audit_dir: &Path,
    actor: &str,
    action: &str,
    details: &serde_json::Value,
    timestamp: &str,
) -> Result<Appended> {
    std::fs::create_dir_all(audit_dir)
        .with_context(|| format!("cannot create {}", audit_dir.display()))?;
    let _lock = FileLock::exclusive_blocking(&audit_dir.join(".lock"))?;
    let files = audit_files(audit_dir)?;
    let prev = head(audit_dir)?;
    let (seq, prev_hash) = match &prev {
        Some(h) => (h.seq + 1, h.hash.clone()),
        None => (1, GENESIS_HASH.to_string()),
    };
    let line = Record::encode(seq, timestamp, actor, action, details, &prev_hash)?;
    // verify-chain treats a line over 1 MiB as damage: never write one.
    if line.len() > verify::MAX_LINE {
        return Err(Error::failed(format!(
            "the audit record for `{action}` would be {} bytes, over the 1 MiB limit of a record: nothing was recorded",
            line.len()
        ))
        .hint("shorten what was given for the record (a --reason or a note) and run the command again"));
    }
    let target = match files.last() {
        None => audit_dir.join(audit_file_name(1)),
        Some((n, path)) => {
            let size = std::fs::metadata(path)?.len();
            if size + line.len() as u64 + 1 > MAX_FILE_BYTES && size > 0 {
                audit_dir.join(audit_file_name(n + 1))
            } else {
                path.clone()
            }
        }
    };
    let mut f = crate::fsutil::open_owned(
        &target,
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o640),
    )?;
    let mut buf = line.into_bytes();
    buf.push(b'\n');
    f.write_all(&buf)
        .with_context(|| format!("cannot append to {}", target.display()))?;
    f.sync_data()
        .with_context(|| format!("cannot sync {}", target.display()))?;
    let rec = Record::parse(&buf[..buf.len() - 1]).map_err(Error::failed)?;
    Ok(Appended {
        seq,
        hash: rec.hash,
        file: target,
    })
}

/// `operator:<user>`, the actor of every record talos writes.
pub fn operator_actor() -> String {
    format!("operator:{}", crate::fsutil::operator_name())
}

/// Records an operator action. Callers for which the action matters more than
/// its record (panic) turn a failure into a warning instead of stopping.
pub fn record_operator_action(
    layout: &Layout,
    action: &str,
    details: serde_json::Value,
) -> Result<Appended> {
    append(layout, &operator_actor(), action, &details)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_over_1_mib_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let audit = dir.path().join("audit");
        let ts = "2026-01-15T12:00:00.000Z";
        append_in(&audit, "tester", "note", &serde_json::json!({"n": 1}), ts).unwrap();
        let before = std::fs::read(audit.join(audit_file_name(1))).unwrap();
        let big = "x".repeat(verify::MAX_LINE + 1);
        let e = append_in(
            &audit,
            "tester",
            "note",
            &serde_json::json!({"reason": big}),
            ts,
        )
        .unwrap_err();
        assert!(e.to_string().contains("1 MiB"), "{e}");
        assert_eq!(
            std::fs::read(audit.join(audit_file_name(1))).unwrap(),
            before
        );
        // The chain still verifies and goes on.
        append_in(&audit, "tester", "note", &serde_json::json!({"n": 2}), ts).unwrap();
        let report = verify::verify_chain(&audit, &[]).unwrap();
        assert!(report.ok, "{:?}", report.first_error);
        assert_eq!(report.records, 2);
    }
}
