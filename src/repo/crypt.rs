//! age encryption of whole archives (the `age` crate: X25519 recipients
//! `age1…`, identity files as `age-keygen` writes them). Streamed both ways:
//! 64 KiB chunks, each authenticated, so a flipped byte or a truncated file
//! fails on read, and the last chunk is marked so a cut at a chunk boundary
//! fails too. The inner archive is the ordinary `.tar.gz`.

use std::io::{BufReader, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::error::{Context, Error, Result};

/// How an age file starts.
pub const MAGIC: &[u8] = b"age-encryption.org/v1\n";

pub type Recipients = Vec<Box<dyn age::Recipient + Send>>;
pub type Identities = Vec<Box<dyn age::Identity + Send + Sync>>;

/// Parses `age1…` recipients (from `--encrypt-to` or `backup.encrypt_to`).
pub fn parse_recipients(list: &[String]) -> Result<Recipients> {
    let mut out: Recipients = Vec::new();
    for r in list {
        let r = r.trim();
        let rec = age::x25519::Recipient::from_str(r).map_err(|e| {
            Error::usage(format!("{r:?} is not an age recipient: {e}"))
                .hint("an age recipient is the public key `age-keygen` prints, starting with age1")
        })?;
        out.push(Box::new(rec));
    }
    Ok(out)
}

pub fn encryptor(recipients: &Recipients) -> Result<age::Encryptor> {
    age::Encryptor::with_recipients(recipients.iter().map(|r| r.as_ref() as &dyn age::Recipient))
        .map_err(|e| Error::failed(format!("cannot set up age encryption: {e}")))
}

/// Reads an identity file (`age-keygen -o FILE`): one or more `AGE-SECRET-KEY-1…`.
pub fn load_identities(path: &Path) -> Result<Identities> {
    let file = age::IdentityFile::from_file(path.to_string_lossy().into_owned()).map_err(|e| {
        Error::failed(format!(
            "cannot read the age identity {}: {e}",
            path.display()
        ))
        .hint("pass the file `age-keygen -o` wrote, with --identity FILE or TALOS_AGE_IDENTITY")
    })?;
    let ids = file
        .into_identities()
        .map_err(|e| Error::failed(format!("{}: unusable age identity: {e}", path.display())))?;
    if ids.is_empty() {
        return Err(
            Error::failed(format!("{} holds no age identity", path.display()))
                .hint("an identity file has a line starting with AGE-SECRET-KEY-1"),
        );
    }
    Ok(ids)
}

/// Whether a file is age-encrypted (by its first bytes, not its name).
pub fn is_age(path: &Path) -> bool {
    let mut buf = [0u8; 22];
    crate::fsutil::open_regular(path)
        .and_then(|mut f| f.read_exact(&mut buf))
        .is_ok()
        && buf == MAGIC
}

fn bad(src: &Path, what: impl std::fmt::Display) -> Error {
    Error::integrity(format!("{}: {what}", src.display())).hint(
        "the encrypted archive could not be decrypted intact: nothing was restored from it; check --identity, or use another backup",
    )
}

/// Decrypts `src` into a new file `dest` (mode 0600). A wrong identity, a
/// flipped byte or a truncated file is an integrity error (exit 3); the
/// caller owns `dest` and removes it.
pub fn decrypt_file(
    src: &Path,
    dest: &Path,
    identities: &Identities,
    progress: &dyn Fn(u64, u64),
) -> Result<()> {
    let f = crate::fsutil::open_regular(src)
        .with_context(|| format!("cannot open {}", src.display()))?;
    let total = f.metadata()?.len();
    let counting = Counting {
        inner: f,
        n: 0,
        total,
        progress,
    };
    let dec = age::Decryptor::new_buffered(BufReader::with_capacity(256 * 1024, counting))
        .map_err(|e| bad(src, format!("not a readable age file ({e})")))?;
    let mut reader = dec
        .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => bad(
                src,
                "the identity given does not decrypt this archive (it was encrypted to other recipients)",
            ),
            e => bad(src, format!("cannot decrypt ({e})")),
        })?;
    let out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(crate::install::SECRET_FILE_MODE)
        .open(dest)
        .with_context(|| format!("cannot create {}", dest.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1024 * 1024, &out);
    std::io::copy(&mut reader, &mut w).map_err(|e| {
        if e.kind() == std::io::ErrorKind::StorageFull {
            Error::from(e)
        } else {
            bad(src, format!("the ciphertext is corrupt or truncated ({e})"))
        }
    })?;
    use std::io::Write;
    w.flush()?;
    Ok(())
}

struct Counting<'a, R> {
    inner: R,
    n: u64,
    total: u64,
    progress: &'a dyn Fn(u64, u64),
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n += k as u64;
        (self.progress)(self.n, self.total);
        Ok(k)
    }
}

/// A private staging directory (0700, under TMPDIR) for downloaded and
/// decrypted archives; removed with everything in it when dropped.
pub fn staging_dir() -> Result<tempfile::TempDir> {
    let d = tempfile::Builder::new()
        .prefix("talos-repo-")
        .tempdir()
        .context("cannot create a private staging directory (TMPDIR)")?;
    Ok(d)
}

/// The plain `.tar.gz` name for a decrypted archive.
pub fn plain_name(name: &str) -> PathBuf {
    PathBuf::from(name.strip_suffix(".age").unwrap_or(name))
}
