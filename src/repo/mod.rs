//! Off-host backup repositories: an S3 bucket (AWS S3, MinIO, Ceph RGW) or a
//! directory (an NFS mount, a USB disk), holding
//! `PREFIX/HOSTNAME/backup_YYYYMMDD_HHMMSS.tar.gz[.age]`.
//!
//! A repository only moves finished archive files: `archive::create` writes
//! them (encrypted with age when asked), this module uploads, lists,
//! downloads and prunes them. Uploads are atomic (a temporary name renamed
//! into place, or an S3 multipart upload that is aborted on failure) and
//! checked by sha256 afterwards; downloads are checked against the sha256
//! recorded at upload, and a mismatch is an integrity error (exit 3).
//! Nothing here prints; progress goes through callbacks.

pub mod crypt;
pub mod dir;
pub mod s3;
pub mod transfer;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};

/// Where a repository is, as given with `--repo`, `TALOS_REPO` or
/// `backup.repo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoUrl {
    /// `s3://BUCKET/PREFIX`; the prefix has no leading or trailing `/`.
    S3 { bucket: String, prefix: String },
    /// A directory: a path, or `file:///path`.
    Dir(PathBuf),
}

impl RepoUrl {
    pub fn parse(s: &str) -> Result<RepoUrl> {
        let s = s.trim();
        if s.is_empty() {
            return Err(Error::usage("the repository URL is empty")
                .hint("give s3://BUCKET/PREFIX or a directory with --repo"));
        }
        if let Some(rest) = s.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let valid = (3..=63).contains(&bucket.len())
                && bucket.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
                });
            if !valid {
                return Err(Error::usage(format!(
                    "{s:?}: {bucket:?} is not a valid S3 bucket name"
                ))
                .hint("a bucket name has 3 to 63 lowercase letters, digits, dots and hyphens: s3://BUCKET/PREFIX"));
            }
            let prefix = prefix.trim_matches('/').to_string();
            if prefix.split('/').any(|seg| seg == ".." || seg == ".") {
                return Err(Error::usage(format!(
                    "{s:?}: the prefix has a `.` or `..` segment"
                )));
            }
            return Ok(RepoUrl::S3 {
                bucket: bucket.to_string(),
                prefix,
            });
        }
        if let Some(path) = s.strip_prefix("file://") {
            if !path.starts_with('/') {
                return Err(Error::usage(format!(
                    "{s:?}: a file URL needs an absolute path (file:///path)"
                )));
            }
            return Ok(RepoUrl::Dir(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = s.split_once("://") {
            return Err(
                Error::usage(format!("{s:?}: unknown repository scheme {scheme:?}"))
                    .hint("a repository is s3://BUCKET/PREFIX, a directory path, or file:///path"),
            );
        }
        Ok(RepoUrl::Dir(PathBuf::from(s)))
    }
}

impl std::fmt::Display for RepoUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RepoUrl::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            RepoUrl::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
            RepoUrl::Dir(p) => write!(f, "{}", p.display()),
        }
    }
}

/// One backup in a repository.
#[derive(Debug, Clone, Serialize)]
pub struct Object {
    /// `backup_YYYYMMDD_HHMMSS.tar.gz[.age]`.
    pub name: String,
    pub host: String,
    /// Key in the bucket, or path under the directory.
    pub key: String,
    /// `s3://BUCKET/KEY` or the file's path.
    pub url: String,
    #[serde(rename = "size_bytes")]
    pub size: u64,
    pub created_at: String,
    #[serde(skip)]
    pub ts: jiff::Timestamp,
    pub encrypted: bool,
}

/// What an upload put in the repository.
#[derive(Debug, Clone, Serialize)]
pub struct Uploaded {
    pub url: String,
    pub key: String,
    #[serde(rename = "size_bytes")]
    pub size: u64,
    pub sha256: String,
    /// S3: how many parts the multipart upload had (1: a single PUT).
    pub parts: u32,
}

/// The timestamp of a backup name, plain or `.age`.
pub fn parse_name(name: &str) -> Option<(jiff::Timestamp, bool)> {
    let (plain, encrypted) = match name.strip_suffix(".age") {
        Some(p) => (p, true),
        None => (name, false),
    };
    crate::archive::parse_backup_file_name(plain).map(|ts| (ts, encrypted))
}

/// A host name as a path segment: no `/`, no `..`.
pub fn check_host(host: &str) -> Result<()> {
    if host.is_empty()
        || host == "."
        || host == ".."
        || host.contains('/')
        || host.bytes().any(|b| b < 0x20)
    {
        return Err(Error::usage(format!("{host:?} is not a host name")));
    }
    Ok(())
}

pub enum Repo {
    Dir(dir::DirRepo),
    S3(Box<s3::S3Repo>),
}

impl Repo {
    /// Opens a repository. S3 reads credentials, region and endpoint the way
    /// every S3 tool does (see `s3::Config::from_env`); nothing is sent yet.
    pub fn open(url: &RepoUrl) -> Result<Repo> {
        Ok(match url {
            RepoUrl::Dir(p) => Repo::Dir(dir::DirRepo::new(p.clone())),
            RepoUrl::S3 { bucket, prefix } => Repo::S3(Box::new(s3::S3Repo::new(
                bucket,
                prefix,
                s3::Config::from_env(&crate::config::ProcessEnv)?,
            )?)),
        })
    }

    /// Backups of `host` (all hosts when None), newest first.
    pub fn list(&self, host: Option<&str>) -> Result<Vec<Object>> {
        let mut out = match self {
            Repo::Dir(d) => d.list(host)?,
            Repo::S3(s) => s.list(host)?,
        };
        out.sort_by(|a, b| b.ts.cmp(&a.ts).then(a.host.cmp(&b.host)));
        Ok(out)
    }

    /// Picks `latest` or a backup by name among `host`'s backups.
    pub fn find(&self, host: &str, which: &str) -> Result<Object> {
        let all = self.list(Some(host))?;
        let found = if which == "latest" {
            all.into_iter().next()
        } else {
            all.into_iter()
                .find(|o| o.name == which || o.name.strip_suffix(".age") == Some(which))
        };
        found.ok_or_else(|| {
            if which == "latest" {
                Error::failed(format!("no backups of host {host:?} in {}", self.url()))
                    .hint("`talos backup list --repo URL --all-hosts` shows every host's backups; pick one with --host NAME")
            } else {
                Error::failed(format!("no backup {which:?} of host {host:?} in {}", self.url()))
                    .hint("`talos backup list --repo URL --host NAME` shows the names")
            }
        })
    }

    pub fn url(&self) -> String {
        match self {
            Repo::Dir(d) => d.root.display().to_string(),
            Repo::S3(s) => s.url(),
        }
    }

    /// Uploads a finished archive as `host/name`; checks its sha256 after.
    /// `sha256` is the archive's when the caller knows it (computed while
    /// it was written): the bytes sent must hash to it, else the upload
    /// fails and leaves nothing under the final name.
    pub fn upload(
        &self,
        local: &Path,
        host: &str,
        name: &str,
        sha256: Option<&str>,
        progress: &dyn Fn(u64, u64),
    ) -> Result<Uploaded> {
        check_host(host)?;
        if parse_name(name).is_none() {
            return Err(Error::failed(format!("{name:?} is not a backup name")));
        }
        match self {
            Repo::Dir(d) => d.upload(local, host, name, sha256, progress),
            Repo::S3(s) => s.upload(local, host, name, sha256, progress),
        }
    }

    /// Downloads an object into `dest` (created, mode 0600) and checks it
    /// against the sha256 recorded at upload: a mismatch is exit 3.
    pub fn download(
        &self,
        obj: &Object,
        dest: &Path,
        progress: &dyn Fn(u64, u64),
    ) -> Result<String> {
        match self {
            Repo::Dir(d) => d.download(obj, dest, progress),
            Repo::S3(s) => s.download(obj, dest, progress),
        }
    }

    pub fn delete(&self, obj: &Object) -> Result<()> {
        match self {
            Repo::Dir(d) => d.delete(obj),
            Repo::S3(s) => s.delete(obj),
        }
    }

    /// Removes what interrupted uploads of `host` left (temporary files, or
    /// unfinished multipart uploads). Returns how many.
    pub fn clean_partial(&self, host: &str) -> Result<usize> {
        match self {
            Repo::Dir(d) => d.clean_partial(host),
            Repo::S3(s) => s.clean_partial(host),
        }
    }

    /// Deletes all but the newest `keep` backups of `host`, never `keep_name`.
    pub fn prune(&self, host: &str, keep: usize, keep_name: &str) -> Result<Vec<Object>> {
        let mut pruned = Vec::new();
        for o in self.list(Some(host))?.into_iter().skip(keep) {
            if o.name == keep_name {
                continue;
            }
            self.delete(&o)?;
            pruned.push(o);
        }
        Ok(pruned)
    }
}

/// An integrity error about a downloaded object.
pub(crate) fn mismatch(url: &str, what: impl std::fmt::Display) -> Error {
    Error::integrity(format!("{url}: {what}")).hint(
        "the object in the repository is not what was uploaded: nothing was restored from it; use another backup (`talos backup list --repo URL`)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            RepoUrl::parse("s3://my-bucket/talos/prod/").unwrap(),
            RepoUrl::S3 {
                bucket: "my-bucket".into(),
                prefix: "talos/prod".into()
            }
        );
        assert_eq!(
            RepoUrl::parse("s3://my-bucket").unwrap(),
            RepoUrl::S3 {
                bucket: "my-bucket".into(),
                prefix: "".into()
            }
        );
        assert_eq!(
            RepoUrl::parse("file:///mnt/nfs/talos").unwrap(),
            RepoUrl::Dir("/mnt/nfs/talos".into())
        );
        assert_eq!(
            RepoUrl::parse("/mnt/x").unwrap(),
            RepoUrl::Dir("/mnt/x".into())
        );
        for bad in [
            "s3://A_B/x",
            "s3://",
            "file://relative",
            "ftp://x/y",
            "s3://bkt/a/../b",
        ] {
            assert!(RepoUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        let (_, enc) = parse_name("backup_20240115_083005.tar.gz.age").unwrap();
        assert!(enc);
        let (_, enc) = parse_name("backup_20240115_083005.tar.gz").unwrap();
        assert!(!enc);
        assert!(parse_name("backup_20240115_083005.tar.gz.sha256").is_none());
        assert!(check_host("../x").is_err());
        assert!(check_host("db-1.example").is_ok());
    }
}
