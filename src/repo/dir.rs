//! A directory repository: `DIR/HOSTNAME/backup_….tar.gz[.age]`, each with
//! a `….sha256` file beside it (sha256sum's format) written before the
//! archive gets its final name. Copies go through a temporary name in the
//! same directory, synced and renamed, so an interrupted copy never leaves a
//! final name; a later upload of the same host removes the leftovers.

use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{Object, Uploaded, mismatch, parse_name};
use crate::audit::record::hex;
use crate::error::{Context, Error, Result};

const TMP_PREFIX: &str = ".tmp-upload-";
/// Leftovers younger than this may belong to an upload still running (two
/// installations with one host name).
const STALE_SECS: u64 = 3600;

pub struct DirRepo {
    pub root: PathBuf,
}

fn sidecar(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".sha256");
    PathBuf::from(s)
}

/// Copies `r` to `w`, hashing, with progress.
pub(crate) fn copy_hashing(
    mut r: impl Read,
    mut w: impl Write,
    total: u64,
    progress: &dyn Fn(u64, u64),
) -> std::io::Result<(String, u64)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1024 * 1024];
    let mut n = 0u64;
    loop {
        let k = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        w.write_all(&buf[..k])?;
        h.update(&buf[..k]);
        n += k as u64;
        progress(n, total);
    }
    w.flush()?;
    Ok((hex(&h.finalize()), n))
}

impl DirRepo {
    pub fn new(root: PathBuf) -> DirRepo {
        DirRepo { root }
    }

    fn check_root(&self) -> Result<()> {
        match std::fs::metadata(&self.root) {
            Ok(m) if m.is_dir() => Ok(()),
            Ok(_) => Err(Error::failed(format!(
                "repository {} is not a directory",
                self.root.display()
            ))),
            Err(e) => Err(Error::failed(format!(
                "repository directory {} cannot be read: {e}",
                self.root.display()
            ))
            .hint(
                "is the file system mounted? create the directory first (mkdir -p), then run again",
            )),
        }
    }

    pub fn list(&self, host: Option<&str>) -> Result<Vec<Object>> {
        self.check_root()?;
        let hosts: Vec<String> = match host {
            Some(h) => vec![h.to_string()],
            None => {
                let mut hs = Vec::new();
                for e in std::fs::read_dir(&self.root)
                    .with_context(|| format!("cannot read {}", self.root.display()))?
                    .flatten()
                {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if !name.starts_with('.') && e.file_type().map(|t| t.is_dir()).unwrap_or(false)
                    {
                        hs.push(name);
                    }
                }
                hs
            }
        };
        let mut out = Vec::new();
        for h in hosts {
            let dir = self.root.join(&h);
            let entries = match std::fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    return Err(Error::from(e).hint(format!("cannot read {}", dir.display())));
                }
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let Some((ts, encrypted)) = parse_name(&name) else {
                    continue;
                };
                let Ok(meta) = e.metadata() else { continue };
                if !meta.is_file() {
                    continue;
                }
                out.push(Object {
                    key: format!("{h}/{name}"),
                    url: e.path().display().to_string(),
                    name,
                    host: h.clone(),
                    size: meta.len(),
                    created_at: crate::timespec::format_ts(ts),
                    ts,
                    encrypted,
                });
            }
        }
        Ok(out)
    }

    pub fn upload(
        &self,
        local: &Path,
        host: &str,
        name: &str,
        sha256: Option<&str>,
        progress: &dyn Fn(u64, u64),
    ) -> Result<Uploaded> {
        self.check_root()?;
        let dir = self.root.join(host);
        if !dir.exists() {
            crate::fsutil::create_dir_mode(&dir, 0o700)?;
        }
        let src = crate::fsutil::open_regular(local)
            .with_context(|| format!("cannot open {}", local.display()))?;
        let total = src.metadata()?.len();
        let tmp = dir.join(format!("{TMP_PREFIX}{name}-{}", std::process::id()));
        let out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(crate::install::SECRET_FILE_MODE)
            .custom_flags(nix::libc::O_NOFOLLOW)
            .open(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        let result = (|| -> Result<Uploaded> {
            let mut w = std::io::BufWriter::with_capacity(1024 * 1024, &out);
            let (sha, size) = copy_hashing(&src, &mut w, total, progress)
                .with_context(|| format!("cannot copy {} to {}", local.display(), tmp.display()))?;
            drop(w);
            if let Some(want) = sha256
                && (want != sha || size != total)
            {
                return Err(Error::failed(format!(
                    "the archive {} changed while it was copied (sha256 {sha}, expected {want}); the copy was removed",
                    local.display()
                ))
                .hint("check the local archive (`talos backup verify FILE`) and run the backup again"));
            }
            out.sync_all().context("cannot sync the copy")?;
            // Read back what the file system holds.
            let (back, back_len) = crate::archive::hash_file(&tmp)?;
            if back != sha || back_len != size {
                return Err(Error::failed(format!(
                    "the copy in {} does not read back as written",
                    dir.display()
                )));
            }
            let final_path = dir.join(name);
            crate::fsutil::write_atomic(
                &sidecar(&final_path),
                format!("{sha}  {name}\n").as_bytes(),
                crate::install::SECRET_FILE_MODE,
            )?;
            nix::fcntl::renameat2(
                nix::fcntl::AT_FDCWD,
                &tmp,
                nix::fcntl::AT_FDCWD,
                &final_path,
                nix::fcntl::RenameFlags::RENAME_NOREPLACE,
            )
            .map_err(|e| {
                Error::failed(format!(
                    "cannot rename the copy to {}",
                    final_path.display()
                ))
                .with_source(e)
            })?;
            crate::fsutil::sync_dir(&dir)?;
            Ok(Uploaded {
                url: final_path.display().to_string(),
                key: format!("{host}/{name}"),
                size,
                sha256: sha,
                parts: 1,
            })
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    pub fn download(
        &self,
        obj: &Object,
        dest: &Path,
        progress: &dyn Fn(u64, u64),
    ) -> Result<String> {
        let path = self.root.join(&obj.key);
        let src = crate::fsutil::open_regular(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(crate::install::SECRET_FILE_MODE)
            .open(dest)
            .with_context(|| format!("cannot create {}", dest.display()))?;
        let (sha, _) = copy_hashing(&src, std::io::BufWriter::new(&out), obj.size, progress)
            .with_context(|| format!("cannot read {}", path.display()))?;
        match crate::fsutil::read_small_string(sidecar(&path), crate::fsutil::SMALL_FILE_CAP) {
            Ok(text) => {
                let want = text.split_whitespace().next().unwrap_or("");
                if want != sha {
                    return Err(mismatch(
                        &obj.url,
                        format!("sha256 is {sha}, but {want} was recorded at upload"),
                    ));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::from(e)),
        }
        Ok(sha)
    }

    pub fn delete(&self, obj: &Object) -> Result<()> {
        let path = self.root.join(&obj.key);
        std::fs::remove_file(&path).with_context(|| format!("cannot delete {}", path.display()))?;
        let _ = std::fs::remove_file(sidecar(&path));
        if let Some(d) = path.parent() {
            crate::fsutil::sync_dir(d)?;
        }
        Ok(())
    }

    pub fn clean_partial(&self, host: &str) -> Result<usize> {
        let dir = self.root.join(host);
        let mut n = 0;
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(0);
        };
        let now = std::time::SystemTime::now();
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(TMP_PREFIX) {
                continue;
            }
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|d| d.as_secs() > STALE_SECS);
            // Ours from an earlier process of this PID can't be running.
            if old && std::fs::remove_file(e.path()).is_ok() {
                n += 1;
            }
        }
        // A sidecar without its archive is what a killed upload leaves.
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let p = e.path();
                let name = e.file_name().to_string_lossy().into_owned();
                if let Some(archive) = name.strip_suffix(".sha256")
                    && parse_name(archive).is_some()
                    && !dir.join(archive).exists()
                    && std::fs::remove_file(&p).is_ok()
                {
                    n += 1;
                }
            }
        }
        Ok(n)
    }
}
