//! An S3 repository (AWS S3, MinIO, Ceph RGW): requests signed with AWS
//! Signature Version 4 by `rusty-s3` (sans-IO, query-string signing) and
//! sent one at a time with `ureq`, no async runtime.
//!
//! Uploads: one PUT for an archive up to `PART_SIZE`, else a multipart
//! upload in parts of `PART_SIZE` (S3 wants at least 5 MiB but the last),
//! each part read into one buffer, so memory stays at one part whatever the
//! archive's size. Every request with a body carries `Content-Length` (a
//! byte slice, never a streamed body: real S3 rejects chunked transfer
//! encoding) and `Content-Type: application/octet-stream`. The archive's
//! sha256, computed before the upload, is stored as the object's
//! `x-amz-meta-sha256` (a signed header) and checked with a HEAD after; a
//! failed multipart upload is aborted, so no object gets its final name.
//! Downloads resume with `Range` requests after a broken connection and are
//! checked against `x-amz-meta-sha256`.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Duration;

use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use sha2::{Digest, Sha256};

use super::{Object, Uploaded, mismatch, parse_name};
use crate::audit::record::hex;
use crate::config::Env;
use crate::error::{Context, Error, Result};

/// Size of each part of a multipart upload (S3's minimum is 5 MiB).
pub const PART_SIZE: usize = 8 * 1024 * 1024;
/// How long a signed request stays valid.
const SIGN_FOR: Duration = Duration::from_secs(3600);
const META_SHA: &str = "x-amz-meta-sha256";
const CONTENT_TYPE: &str = "application/octet-stream";
/// Attempts for one download before giving up (each resumes with Range).
const DOWNLOAD_TRIES: u32 = 5;

/// Credentials, region and endpoint, as the AWS CLI and SDKs read them.
#[derive(Clone)]
pub struct Config {
    pub credentials: Credentials,
    pub region: String,
    /// `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` (path-style addressing).
    pub endpoint: Option<String>,
    /// Where the credentials came from (never the credentials themselves).
    pub credentials_source: String,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("credentials", &"<redacted>")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("credentials_source", &self.credentials_source)
            .finish()
    }
}

/// Sections of an INI file (`~/.aws/credentials`, `~/.aws/config`).
fn ini_section(text: &str, section: &str) -> Vec<(String, String)> {
    let mut cur = None::<String>;
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with(';') {
            continue;
        }
        if let Some(name) = l.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            cur = Some(name.trim().to_string());
            continue;
        }
        if cur.as_deref() == Some(section)
            && let Some((k, v)) = l.split_once('=')
        {
            out.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    out
}

fn get<'a>(kv: &'a [(String, String)], key: &str) -> Option<&'a str> {
    kv.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

impl Config {
    pub fn from_env(env: &dyn Env) -> Result<Config> {
        let home = env.var("HOME").unwrap_or_default();
        let profile = env.var("AWS_PROFILE").unwrap_or_else(|| "default".into());
        let cred_file = env
            .var("AWS_SHARED_CREDENTIALS_FILE")
            .unwrap_or_else(|| format!("{home}/.aws/credentials"));
        let conf_file = env
            .var("AWS_CONFIG_FILE")
            .unwrap_or_else(|| format!("{home}/.aws/config"));
        let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
        let conf_section = if profile == "default" {
            "default".to_string()
        } else {
            format!("profile {profile}")
        };
        let conf = ini_section(&read(&conf_file), &conf_section);

        let (credentials, credentials_source) = match (
            env.var("AWS_ACCESS_KEY_ID"),
            env.var("AWS_SECRET_ACCESS_KEY"),
        ) {
            (Some(k), Some(s)) => (
                match env.var("AWS_SESSION_TOKEN") {
                    Some(t) => Credentials::new_with_token(k, s, t),
                    None => Credentials::new(k, s),
                },
                "environment".to_string(),
            ),
            _ => {
                let creds = ini_section(&read(&cred_file), &profile);
                let pick = |key: &str| get(&creds, key).or_else(|| get(&conf, key));
                match (pick("aws_access_key_id"), pick("aws_secret_access_key")) {
                    (Some(k), Some(s)) => (
                        match pick("aws_session_token") {
                            Some(t) => Credentials::new_with_token(k, s, t),
                            None => Credentials::new(k, s),
                        },
                        format!("profile {profile} in {cred_file}"),
                    ),
                    _ => {
                        return Err(Error::failed("no S3 credentials found").hint(format!(
                            "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a profile in {cred_file}"
                        )));
                    }
                }
            }
        };
        let region = env
            .var("AWS_REGION")
            .or_else(|| env.var("AWS_DEFAULT_REGION"))
            .or_else(|| get(&conf, "region").map(str::to_string))
            .unwrap_or_else(|| "us-east-1".into());
        let endpoint = env
            .var("AWS_ENDPOINT_URL_S3")
            .or_else(|| env.var("AWS_ENDPOINT_URL"))
            .or_else(|| get(&conf, "endpoint_url").map(str::to_string));
        Ok(Config {
            credentials,
            region,
            endpoint,
            credentials_source,
        })
    }
}

pub struct S3Repo {
    bucket: Bucket,
    prefix: String,
    config: Config,
    agent: ureq::Agent,
    endpoint_shown: String,
}

/// What an S3 error response says.
#[derive(Debug, Default, PartialEq)]
pub struct S3Error {
    pub status: u16,
    pub code: String,
    pub message: String,
}

fn xml_tag<'a>(body: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&close)? + start;
    Some(&body[start..end])
}

fn xml_all<'a>(body: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(s) = rest.find(&open) {
        let after = &rest[s + open.len()..];
        let Some(e) = after.find(&close) else { break };
        out.push(&after[..e]);
        rest = &after[e + close.len()..];
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

impl S3Error {
    pub fn parse(status: u16, body: &str) -> S3Error {
        S3Error {
            status,
            code: xml_tag(body, "Code").map(unescape).unwrap_or_default(),
            message: xml_tag(body, "Message").map(unescape).unwrap_or_default(),
        }
    }

    /// The operator's error: what failed and what to do.
    pub fn into_error(self, what: &str, repo: &str, bucket: &str) -> Error {
        let detail = if self.code.is_empty() {
            format!("HTTP {}", self.status)
        } else if self.message.is_empty() {
            format!("HTTP {} {}", self.status, self.code)
        } else {
            format!("HTTP {} {}: {}", self.status, self.code, self.message)
        };
        let e = Error::failed(format!("{what} in {repo} failed: {detail}"));
        match self.code.as_str() {
            "NoSuchBucket" => e.hint(format!(
                "the bucket {bucket:?} does not exist at this endpoint: create it (aws s3 mb s3://{bucket}) or fix --repo / TALOS_REPO / backup.repo; AWS_ENDPOINT_URL selects a MinIO or Ceph endpoint"
            )),
            "InvalidAccessKeyId" | "SignatureDoesNotMatch" | "ExpiredToken" | "InvalidToken"
            | "TokenRefreshRequired" => e.hint(
                "the S3 credentials were refused: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE and ~/.aws/credentials), AWS_SESSION_TOKEN for temporary credentials, and the host's clock",
            ),
            "AccessDenied" | "AllAccessDisabled" => e.hint(
                "the credentials are valid but may not do this: the bucket policy or IAM policy must allow s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject and s3:AbortMultipartUpload on the prefix",
            ),
            "AuthorizationHeaderMalformed" | "PermanentRedirect" | "IllegalLocationConstraintException" => {
                e.hint("the bucket is in another region: set AWS_REGION to the bucket's region")
            }
            _ if self.status == 403 => e.hint(
                "the S3 endpoint refused the request: check the credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE) and the bucket policy",
            ),
            _ if self.status >= 500 => {
                e.hint("the S3 service failed; run again later (a partial upload is aborted, never left with a final name)")
            }
            _ => e,
        }
    }
}

impl S3Repo {
    pub fn new(bucket: &str, prefix: &str, config: Config) -> Result<S3Repo> {
        let (endpoint, style) = match &config.endpoint {
            Some(e) => (e.clone(), UrlStyle::Path),
            None => (
                format!("https://s3.{}.amazonaws.com", config.region),
                UrlStyle::VirtualHost,
            ),
        };
        let url: url::Url = endpoint.parse().map_err(|e| {
            Error::usage(format!("the S3 endpoint {endpoint:?} is not a URL: {e}")).hint(
                "AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL take a URL like https://minio.example:9000",
            )
        })?;
        let shown = format!(
            "{}://{}{}",
            url.scheme(),
            url.host_str().unwrap_or(""),
            url.port().map(|p| format!(":{p}")).unwrap_or_default()
        );
        let b =
            Bucket::new(url, style, bucket.to_string(), config.region.clone()).map_err(|e| {
                Error::usage(format!(
                    "cannot address bucket {bucket:?} at {endpoint}: {e:?}"
                ))
            })?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_recv_response(Some(Duration::from_secs(300)))
            .timeout_per_read(Some(Duration::from_secs(120)))
            .max_redirects(0)
            .user_agent(format!("talos/{}", crate::VERSION))
            .build()
            .into();
        Ok(S3Repo {
            bucket: b,
            prefix: prefix.to_string(),
            config,
            agent,
            endpoint_shown: shown,
        })
    }

    pub fn url(&self) -> String {
        if self.prefix.is_empty() {
            format!("s3://{}", self.bucket.name())
        } else {
            format!("s3://{}/{}", self.bucket.name(), self.prefix)
        }
    }

    fn key(&self, host: &str, name: &str) -> String {
        if self.prefix.is_empty() {
            format!("{host}/{name}")
        } else {
            format!("{}/{host}/{name}", self.prefix)
        }
    }

    fn host_prefix(&self, host: Option<&str>) -> String {
        let base = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        match host {
            Some(h) => format!("{base}{h}/"),
            None => base,
        }
    }

    fn creds(&self) -> Option<&Credentials> {
        Some(&self.config.credentials)
    }

    fn net_error(&self, what: &str, e: ureq::Error) -> Error {
        let reach = matches!(
            e,
            ureq::Error::Io(_)
                | ureq::Error::HostNotFound
                | ureq::Error::ConnectionFailed
                | ureq::Error::Timeout(_)
        );
        let err = Error::failed(format!(
            "{what} in {}: cannot reach the S3 endpoint {}: {e}",
            self.url(),
            self.endpoint_shown
        ));
        if reach {
            err.hint("check the network and the endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL for MinIO or Ceph, AWS_REGION for AWS), then run again")
        } else {
            err
        }
    }

    /// Sends one request; an S3 error status becomes an operator error.
    fn send(
        &self,
        what: &str,
        method: rusty_s3::Method,
        url: url::Url,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
        ok: &[u16],
    ) -> Result<ureq::http::Response<ureq::Body>> {
        let u = url.as_str();
        let result = match method {
            rusty_s3::Method::Get | rusty_s3::Method::Head | rusty_s3::Method::Delete => {
                let mut r = match method {
                    rusty_s3::Method::Get => self.agent.get(u),
                    rusty_s3::Method::Head => self.agent.head(u),
                    _ => self.agent.delete(u),
                };
                for (k, v) in headers {
                    r = r.header(*k, *v);
                }
                r.call()
            }
            rusty_s3::Method::Put | rusty_s3::Method::Post => {
                let mut r = match method {
                    rusty_s3::Method::Put => self.agent.put(u),
                    _ => self.agent.post(u),
                };
                for (k, v) in headers {
                    r = r.header(*k, *v);
                }
                // A byte slice: ureq sends Content-Length, never chunked.
                r.send(body.unwrap_or(&[]))
            }
        };
        let mut resp = result.map_err(|e| self.net_error(what, e))?;
        let status = resp.status().as_u16();
        if ok.contains(&status) {
            return Ok(resp);
        }
        let text = resp
            .body_mut()
            .with_config()
            .limit(64 * 1024)
            .read_to_string()
            .unwrap_or_default();
        Err(S3Error::parse(status, &text).into_error(what, &self.url(), self.bucket.name()))
    }

    fn read_body(&self, what: &str, resp: ureq::http::Response<ureq::Body>) -> Result<String> {
        resp.into_body()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .map_err(|e| self.net_error(what, e))
    }

    pub fn list(&self, host: Option<&str>) -> Result<Vec<Object>> {
        let prefix = self.host_prefix(host);
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut a = self.bucket.list_objects_v2(self.creds());
            a.with_prefix(prefix.clone());
            if let Some(t) = &token {
                a.with_continuation_token(t.clone());
            }
            let url = a.sign(SIGN_FOR);
            let resp = self.send(
                "listing backups",
                rusty_s3::Method::Get,
                url,
                &[],
                None,
                &[200],
            )?;
            let text = self.read_body("listing backups", resp)?;
            let parsed = rusty_s3::actions::ListObjectsV2::parse_response(&text).map_err(|e| {
                Error::failed(format!(
                    "the S3 listing of {} is not understood: {e}",
                    self.url()
                ))
            })?;
            for c in parsed.contents {
                let Some(rest) = c.key.strip_prefix(&self.host_prefix(None)) else {
                    continue;
                };
                let Some((h, name)) = rest.split_once('/') else {
                    continue;
                };
                if name.contains('/') {
                    continue;
                }
                let Some((ts, encrypted)) = parse_name(name) else {
                    continue;
                };
                out.push(Object {
                    url: format!("s3://{}/{}", self.bucket.name(), c.key),
                    name: name.to_string(),
                    host: h.to_string(),
                    key: c.key.clone(),
                    size: c.size.unwrap_or(0),
                    created_at: crate::timespec::format_ts(ts),
                    ts,
                    encrypted,
                });
            }
            match parsed.next_continuation_token {
                Some(t) if !t.is_empty() => token = Some(t),
                _ => break,
            }
        }
        Ok(out)
    }

    /// HEAD: size and recorded sha256 of an object.
    fn head(&self, key: &str) -> Result<(u64, Option<String>)> {
        let url = self.bucket.head_object(self.creds(), key).sign(SIGN_FOR);
        let resp = self.send(
            &format!("checking s3://{}/{key}", self.bucket.name()),
            rusty_s3::Method::Head,
            url,
            &[],
            None,
            &[200],
        )?;
        let len = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let sha = resp
            .headers()
            .get(META_SHA)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok((len, sha))
    }

    pub fn upload(
        &self,
        local: &Path,
        host: &str,
        name: &str,
        progress: &dyn Fn(u64, u64),
    ) -> Result<Uploaded> {
        let key = self.key(host, name);
        let url_shown = format!("s3://{}/{key}", self.bucket.name());
        let (sha, size) = crate::archive::hash_file(local)
            .with_context(|| format!("cannot read {}", local.display()))?;
        let mut file =
            File::open(local).with_context(|| format!("cannot open {}", local.display()))?;
        let what = format!("uploading {url_shown}");
        let parts = if size <= PART_SIZE as u64 {
            let mut body = Vec::with_capacity(size as usize);
            (&mut file).take(size).read_to_end(&mut body)?;
            let mut a = self.bucket.put_object(self.creds(), &key);
            a.headers_mut().insert("content-type", CONTENT_TYPE);
            a.headers_mut().insert(META_SHA, sha.clone());
            let url = a.sign(SIGN_FOR);
            self.send(
                &what,
                rusty_s3::Method::Put,
                url,
                &[("Content-Type", CONTENT_TYPE), (META_SHA, &sha)],
                Some(&body),
                &[200],
            )?;
            progress(size, size);
            1
        } else {
            self.multipart(&key, &what, &mut file, size, &sha, progress)?
        };
        let (got_len, got_sha) = self.head(&key)?;
        if got_len != size || got_sha.as_deref() != Some(sha.as_str()) {
            return Err(Error::failed(format!(
                "{url_shown}: after the upload the object has {got_len} bytes and sha256 {}, expected {size} bytes and {sha}",
                got_sha.as_deref().unwrap_or("(none recorded)")
            ))
            .hint("run the backup again; if it repeats, check what sits between this host and the S3 endpoint"));
        }
        Ok(Uploaded {
            url: url_shown,
            key,
            size,
            sha256: sha,
            parts,
        })
    }

    fn multipart(
        &self,
        key: &str,
        what: &str,
        file: &mut File,
        size: u64,
        sha: &str,
        progress: &dyn Fn(u64, u64),
    ) -> Result<u32> {
        let mut a = self.bucket.create_multipart_upload(self.creds(), key);
        a.headers_mut().insert("content-type", CONTENT_TYPE);
        a.headers_mut().insert(META_SHA, sha.to_string());
        let url = a.sign(SIGN_FOR);
        let resp = self.send(
            what,
            rusty_s3::Method::Post,
            url,
            &[("Content-Type", CONTENT_TYPE), (META_SHA, sha)],
            Some(&[]),
            &[200],
        )?;
        let text = self.read_body(what, resp)?;
        let created =
            rusty_s3::actions::CreateMultipartUpload::parse_response(&text).map_err(|e| {
                Error::failed(format!(
                    "{what}: unexpected answer to the multipart upload: {e}"
                ))
            })?;
        let upload_id = created.upload_id().to_string();
        let result = (|| -> Result<u32> {
            let mut etags = Vec::new();
            let mut buf = vec![0u8; PART_SIZE];
            let mut sent = 0u64;
            let mut number: u16 = 1;
            loop {
                let mut n = 0;
                while n < PART_SIZE {
                    let k = file.read(&mut buf[n..])?;
                    if k == 0 {
                        break;
                    }
                    n += k;
                }
                if n == 0 {
                    break;
                }
                let url = self
                    .bucket
                    .upload_part(self.creds(), key, number, &upload_id)
                    .sign(SIGN_FOR);
                let resp = self.send(
                    what,
                    rusty_s3::Method::Put,
                    url,
                    &[("Content-Type", CONTENT_TYPE)],
                    Some(&buf[..n]),
                    &[200],
                )?;
                let etag = resp
                    .headers()
                    .get("etag")
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| {
                        Error::failed(format!("{what}: part {number} was stored without an ETag"))
                    })?
                    .to_string();
                etags.push(etag);
                sent += n as u64;
                progress(sent, size);
                number += 1;
                if n < PART_SIZE {
                    break;
                }
            }
            if sent != size {
                return Err(Error::failed(format!(
                    "{what}: the archive changed while it was uploaded ({sent} of {size} bytes)"
                )));
            }
            let c = self.bucket.complete_multipart_upload(
                self.creds(),
                key,
                &upload_id,
                etags.iter().map(String::as_str),
            );
            let url = c.sign(SIGN_FOR);
            let body = c.body();
            let resp = self.send(
                what,
                rusty_s3::Method::Post,
                url,
                &[],
                Some(body.as_bytes()),
                &[200],
            )?;
            // S3 can answer 200 and still fail the completion in the body.
            let text = self.read_body(what, resp)?;
            if text.contains("<Error>") {
                return Err(S3Error::parse(500, &text).into_error(
                    what,
                    &self.url(),
                    self.bucket.name(),
                ));
            }
            Ok(etags.len() as u32)
        })();
        if result.is_err() {
            let _ = self.abort(key, &upload_id);
        }
        result
    }

    fn abort(&self, key: &str, upload_id: &str) -> Result<()> {
        let url = self
            .bucket
            .abort_multipart_upload(self.creds(), key, upload_id)
            .sign(SIGN_FOR);
        self.send(
            "aborting an upload",
            rusty_s3::Method::Delete,
            url,
            &[],
            None,
            &[204, 200, 404],
        )?;
        Ok(())
    }

    pub fn download(
        &self,
        obj: &Object,
        dest: &Path,
        progress: &dyn Fn(u64, u64),
    ) -> Result<String> {
        let (size, want) = self.head(&obj.key)?;
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(crate::install::SECRET_FILE_MODE)
            .open(dest)
            .with_context(|| format!("cannot create {}", dest.display()))?;
        let mut hasher = Sha256::new();
        let mut got = 0u64;
        let mut tries = 0;
        let mut buf = vec![0u8; 1024 * 1024];
        let what = format!("downloading {}", obj.url);
        while got < size {
            tries += 1;
            let url = self
                .bucket
                .get_object(self.creds(), &obj.key)
                .sign(SIGN_FOR);
            let range = format!("bytes={got}-");
            let headers: &[(&str, &str)] = if got > 0 { &[("Range", &range)] } else { &[] };
            let resp = match self.send(
                &what,
                rusty_s3::Method::Get,
                url,
                headers,
                None,
                &[200, 206],
            ) {
                Ok(r) => r,
                Err(e)
                    if tries < DOWNLOAD_TRIES
                        && e.kind == crate::error::ErrorKind::Failed
                        && e.message.contains("cannot reach") =>
                {
                    std::thread::sleep(Duration::from_millis(500 * tries as u64));
                    continue;
                }
                Err(e) => return Err(e),
            };
            if got > 0 && resp.status().as_u16() != 206 {
                return Err(Error::failed(format!(
                    "{what}: the endpoint ignored the Range request"
                )));
            }
            let mut r = resp.into_body().into_reader();
            let broke = loop {
                match r.read(&mut buf) {
                    Ok(0) => break None,
                    Ok(k) => {
                        let k = k.min((size - got) as usize);
                        out.write_all(&buf[..k])?;
                        hasher.update(&buf[..k]);
                        got += k as u64;
                        progress(got, size);
                        if got >= size {
                            break None;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => break Some(e),
                }
            };
            if let Some(e) = broke {
                if tries >= DOWNLOAD_TRIES {
                    return Err(Error::failed(format!(
                        "{what}: the connection broke {tries} times, last: {e}"
                    ))
                    .hint("check the network, then run again"));
                }
                std::thread::sleep(Duration::from_millis(500 * tries as u64));
                continue;
            }
            if got < size && tries >= DOWNLOAD_TRIES {
                return Err(Error::failed(format!("{what}: got {got} of {size} bytes")));
            }
        }
        out.sync_all()?;
        let sha = hex(&hasher.finalize());
        match want {
            Some(w) if w != sha => Err(mismatch(
                &obj.url,
                format!("sha256 is {sha}, but {w} was recorded at upload"),
            )),
            _ => Ok(sha),
        }
    }

    pub fn delete(&self, obj: &Object) -> Result<()> {
        let url = self
            .bucket
            .delete_object(self.creds(), &obj.key)
            .sign(SIGN_FOR);
        self.send(
            &format!("deleting {}", obj.url),
            rusty_s3::Method::Delete,
            url,
            &[],
            None,
            &[204, 200],
        )?;
        Ok(())
    }

    /// Aborts the unfinished multipart uploads under this host's prefix
    /// (what a killed upload leaves; they hold storage but no object).
    pub fn clean_partial(&self, host: &str) -> Result<usize> {
        let prefix = self.host_prefix(Some(host));
        let c = &self.config.credentials;
        let url = rusty_s3::signing::sign(
            &jiff::Timestamp::now(),
            rusty_s3::Method::Get,
            self.bucket.base_url().clone(),
            c.key(),
            c.secret(),
            c.token(),
            &self.config.region,
            SIGN_FOR.as_secs(),
            [("uploads", ""), ("prefix", prefix.as_str())].into_iter(),
            std::iter::empty(),
        );
        let resp = self.send(
            "listing unfinished uploads",
            rusty_s3::Method::Get,
            url,
            &[],
            None,
            &[200],
        )?;
        let text = self.read_body("listing unfinished uploads", resp)?;
        let mut n = 0;
        for upload in xml_all(&text, "Upload") {
            if let (Some(key), Some(id)) = (xml_tag(upload, "Key"), xml_tag(upload, "UploadId")) {
                let key = unescape(key);
                if key.starts_with(&prefix) && self.abort(&key, &unescape(id)).is_ok() {
                    n += 1;
                }
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's published example for query-string (presigned) SigV4 requests:
    /// "Authenticating Requests: Using Query Parameters (AWS Signature
    /// Version 4)", Amazon S3 API reference: GET examplebucket/test.txt on
    /// 2013-05-24 with the documentation's example keys, valid 86400 s.
    #[test]
    fn sigv4_matches_the_aws_example() {
        let endpoint: url::Url = "https://s3.amazonaws.com".parse().unwrap();
        let bucket = Bucket::new(
            endpoint,
            UrlStyle::VirtualHost,
            "examplebucket",
            "us-east-1",
        )
        .unwrap();
        let creds = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        );
        let when: jiff::Timestamp = "2013-05-24T00:00:00Z".parse().unwrap();
        let url = bucket
            .get_object(Some(&creds), "test.txt")
            .sign_with_time(Duration::from_secs(86400), &when);
        assert_eq!(
            url.as_str(),
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
    }

    #[test]
    fn errors_carry_hints() {
        let body = "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>";
        let e = S3Error::parse(404, body);
        assert_eq!(e.code, "NoSuchBucket");
        let err = e.into_error("listing", "s3://b", "b");
        assert!(err.hints[0].contains("does not exist"));
        let body = "<Error><Code>InvalidAccessKeyId</Code><Message>x</Message></Error>";
        let err = S3Error::parse(403, body).into_error("listing", "s3://b", "b");
        assert!(err.hints[0].contains("AWS_ACCESS_KEY_ID"));
    }

    struct MapEnv(Vec<(&'static str, String)>);
    impl Env for MapEnv {
        fn var(&self, key: &str) -> Option<String> {
            self.0
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn profiles_from_aws_files() {
        let d = tempfile::tempdir().unwrap();
        let cred = d.path().join("credentials");
        let conf = d.path().join("config");
        std::fs::write(
            &cred,
            "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s1\n\n[backup]\naws_access_key_id=AKIABACKUP\naws_secret_access_key=s2\n",
        )
        .unwrap();
        std::fs::write(&conf, "[profile backup]\nregion = eu-west-3\n").unwrap();
        let env = MapEnv(vec![
            ("AWS_PROFILE", "backup".into()),
            ("AWS_SHARED_CREDENTIALS_FILE", cred.display().to_string()),
            ("AWS_CONFIG_FILE", conf.display().to_string()),
        ]);
        let c = Config::from_env(&env).unwrap();
        assert_eq!(c.credentials.key(), "AKIABACKUP");
        assert_eq!(c.region, "eu-west-3");
        assert!(c.endpoint.is_none());
        assert!(!format!("{c:?}").contains("s2"));
        let env = MapEnv(vec![
            ("AWS_ACCESS_KEY_ID", "AKIAENV".into()),
            ("AWS_SECRET_ACCESS_KEY", "s3".into()),
            ("AWS_DEFAULT_REGION", "us-west-2".into()),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9000".into()),
            ("AWS_SHARED_CREDENTIALS_FILE", cred.display().to_string()),
        ]);
        let c = Config::from_env(&env).unwrap();
        assert_eq!(c.credentials.key(), "AKIAENV");
        assert_eq!(c.region, "us-west-2");
        assert_eq!(c.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        let env = MapEnv(vec![
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent".into()),
            ("HOME", "/nonexistent".into()),
        ]);
        assert!(Config::from_env(&env).is_err());
    }
}
