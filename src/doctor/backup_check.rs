//! The newest backup is one a restore can use: by default a cheap check
//! (gzip framing, the length in its trailer, metadata.json readable at its
//! head); with `doctor --deep` the full `talos backup verify`.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::{Finding, Inputs};

/// Why the archive at `path` is visibly truncated or damaged, or None.
///
/// A tar stream is a whole number of 512-byte blocks, so the uncompressed
/// length a gzip trailer records (modulo 2^32) is one too; an archive cut
/// anywhere ends on compressed data instead, whose last four bytes pass
/// this test once in 512.
pub fn cheap_problem(path: &Path) -> Option<String> {
    let mut f = match crate::fsutil::open_regular(path) {
        Ok(f) => f,
        Err(e) => return Some(format!("cannot open it: {e}")),
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len < 18 {
        return Some(format!(
            "it is {len} bytes long: too short to be a gzip file"
        ));
    }
    let mut magic = [0u8; 3];
    if f.read_exact(&mut magic).is_err() || magic != [0x1f, 0x8b, 8] {
        return Some("it does not start as a gzip file".into());
    }
    let mut trailer = [0u8; 4];
    if f.seek(SeekFrom::End(-4)).is_err() || f.read_exact(&mut trailer).is_err() {
        return Some("cannot read its gzip trailer".into());
    }
    let isize = u32::from_le_bytes(trailer);
    if isize % 512 != 0 {
        return Some(format!(
            "its gzip trailer does not close a tar stream (length field {isize} is not a multiple of 512): the file was cut short ({len} bytes)"
        ));
    }
    match crate::audit::anchors::backup_audit_head(path) {
        Ok(_) => None,
        Err(e) => Some(format!("its head is unreadable: {}", e.message)),
    }
}

pub fn newest_backup(i: &Inputs, out: &mut Vec<Finding>) {
    let dir = &i.settings.backup_dir.value;
    let Some((_, path)) = crate::archive::newest_backup(dir) else {
        return; // `backup` names a missing backup
    };
    let encrypted =
        path.extension().is_some_and(|e| e == "age") || crate::repo::crypt::is_age(&path);
    if encrypted {
        return; // no identity here: `backup` says so
    }
    let problem = if i.deep {
        crate::archive::restore::verify_only(&path, &|_| {})
            .err()
            .map(|e| e.message)
    } else {
        cheap_problem(&path)
    };
    let Some(problem) = problem else { return };
    let how = if i.deep {
        "full verify (`doctor --deep`)"
    } else {
        "quick check of its framing and head"
    };
    let older = newest_before(dir, &path)
        .map(|p| {
            format!(
                "; until then the newest usable restore source may be an older archive: `talos backup verify {}`",
                p.display()
            )
        })
        .unwrap_or_default();
    out.push(
        Finding::fail(
            "backup",
            format!(
                "the newest backup is truncated or corrupt: {}",
                path.file_name().unwrap_or_default().to_string_lossy()
            ),
        )
        .integrity()
        .evidence(format!("{how}: {problem}"))
        .evidence(path.display().to_string())
        .path(&path)
        .fix(format!(
            "do not restore from it; make a good backup now: `talos backup create`, then keep the damaged file out of the way for inspection (`mv {} {}.damaged`){older}",
            path.display(),
            path.display()
        )),
    );
}

/// The newest backup archive in `dir` other than `not`.
fn newest_before(dir: &Path, not: &Path) -> Option<std::path::PathBuf> {
    crate::archive::list_backups(dir)
        .ok()?
        .into_iter()
        .map(|(_, p)| p)
        .find(|p| p != not)
}
