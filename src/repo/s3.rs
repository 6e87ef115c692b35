//! An S3 repository (AWS S3, MinIO, Ceph RGW): requests signed with AWS
//! Signature Version 4 by `rusty-s3` (sans-IO, query-string signing) and
//! sent with `ureq` on plain threads, no async runtime.
//!
//! Uploads: one PUT for an archive up to `PART_SIZE`, else a multipart
//! upload in parts of `PART_SIZE` (S3 wants at least 5 MiB but the last).
//! The file is read once, in order, by one thread that hashes it and hands
//! each part to one of `CONNECTIONS` senders, so memory stays at
//! `CONNECTIONS` part buffers whatever the archive's size; a part that
//! fails in a way that may pass (a broken connection, a 5xx) is sent again.
//! Every request with a body carries `Content-Length` (a byte slice, never
//! a streamed body: real S3 rejects chunked transfer encoding),
//! `Content-Type: application/octet-stream` and `x-amz-checksum-crc32`,
//! which S3 checks on arrival (the multipart upload is created with
//! `x-amz-checksum-algorithm: CRC32`, as the AWS CLI does). The archive's
//! sha256 (known from writing it, else computed first) is stored as the
//! object's `x-amz-meta-sha256` (a signed header); the bytes sent must hash
//! to it before the upload is completed, and a HEAD checks the object
//! after. A failed multipart upload is aborted, so no object gets its final
//! name. Downloads resume with `Range` requests after a broken connection
//! and are checked against `x-amz-meta-sha256`.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use sha2::{Digest, Sha256};

use super::{Object, Uploaded, mismatch, parse_name};
use crate::audit::record::hex;
use crate::config::Env;
use crate::error::{Context, Error, Result};

/// Size of each part of a multipart upload (S3's minimum is 5 MiB).
pub const PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts of one multipart upload sent at once, each on its own connection
/// with its own part buffer.
pub const CONNECTIONS: usize = 4;
/// How long a signed request stays valid.
const SIGN_FOR: Duration = Duration::from_secs(3600);
const META_SHA: &str = "x-amz-meta-sha256";
/// Per-part checksums S3 verifies on arrival (what the AWS CLI sends).
const CHECKSUM_ALGORITHM: &str = "x-amz-checksum-algorithm";
const CHECKSUM_CRC32: &str = "x-amz-checksum-crc32";
const CONTENT_TYPE: &str = "application/octet-stream";
/// S3's limit on the parts of one multipart upload.
const MAX_PARTS: u64 = 10_000;
/// Attempts for one part of an upload before the upload is aborted.
const PART_TRIES: u32 = 3;
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
            .max_idle_connections_per_host(CONNECTIONS)
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
        self.try_send(what, method, url, headers, body, ok)
            .map_err(|f| f.error)
    }

    /// `send`, saying whether the failure may pass when the request is
    /// sent again: the connection failed or broke, or S3 answered 5xx
    /// (500 InternalError, 503 SlowDown).
    fn try_send(
        &self,
        what: &str,
        method: rusty_s3::Method,
        url: url::Url,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
        ok: &[u16],
    ) -> std::result::Result<ureq::http::Response<ureq::Body>, SendFailure> {
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
        let mut resp = result.map_err(|e| SendFailure {
            transient: !matches!(e, ureq::Error::HostNotFound),
            error: self.net_error(what, e),
        })?;
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
        Err(SendFailure {
            transient: status >= 500,
            error: S3Error::parse(status, &text).into_error(what, &self.url(), self.bucket.name()),
        })
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

    /// Uploads `local` as `host/name`. `sha256` is the archive's, when the
    /// caller knows it (the backup computed it while writing the archive):
    /// the file is then read once, and the bytes sent are hashed on the way
    /// and must match it before the object is completed. Unknown, it is
    /// computed first.
    pub fn upload(
        &self,
        local: &Path,
        host: &str,
        name: &str,
        sha256: Option<&str>,
        progress: &dyn Fn(u64, u64),
    ) -> Result<Uploaded> {
        let key = self.key(host, name);
        let url_shown = format!("s3://{}/{key}", self.bucket.name());
        let sha = match sha256 {
            Some(s) => s.to_string(),
            None => {
                crate::archive::hash_file(local)
                    .with_context(|| format!("cannot read {}", local.display()))?
                    .0
            }
        };
        let mut file = crate::fsutil::open_regular(local)
            .with_context(|| format!("cannot open {}", local.display()))?;
        let size = file.metadata()?.len();
        let what = format!("uploading {url_shown}");
        let parts = if size <= PART_SIZE as u64 {
            let mut body = Vec::with_capacity(size as usize);
            (&mut file).take(size).read_to_end(&mut body)?;
            check_sent(
                &what,
                &hex(&Sha256::digest(&body)),
                body.len() as u64,
                &sha,
                size,
            )?;
            let crc = crc32_b64(&body);
            let mut a = self.bucket.put_object(self.creds(), &key);
            a.headers_mut().insert("content-type", CONTENT_TYPE);
            a.headers_mut().insert(META_SHA, sha.clone());
            a.headers_mut().insert(CHECKSUM_CRC32, crc.clone());
            let url = a.sign(SIGN_FOR);
            self.send(
                &what,
                rusty_s3::Method::Put,
                url,
                &[
                    ("Content-Type", CONTENT_TYPE),
                    (META_SHA, &sha),
                    (CHECKSUM_CRC32, &crc),
                ],
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

    /// A multipart upload: this thread reads the file once, in order,
    /// hashing it, and hands each part to one of `CONNECTIONS` senders;
    /// at most `CONNECTIONS` part buffers exist at once. Any error (a
    /// part refused, the bytes read not hashing to `sha`, an interrupt)
    /// stops the reading, waits for the parts in flight and aborts the
    /// upload, so no object gets the final name.
    fn multipart(
        &self,
        key: &str,
        what: &str,
        file: &mut File,
        size: u64,
        sha: &str,
        progress: &dyn Fn(u64, u64),
    ) -> Result<u32> {
        if size.div_ceil(PART_SIZE as u64) > MAX_PARTS {
            return Err(Error::failed(format!(
                "{what}: the archive has {size} bytes, more than S3's {MAX_PARTS} parts of {} MiB",
                PART_SIZE >> 20
            )));
        }
        let mut a = self.bucket.create_multipart_upload(self.creds(), key);
        a.headers_mut().insert("content-type", CONTENT_TYPE);
        a.headers_mut().insert(META_SHA, sha.to_string());
        a.headers_mut().insert(CHECKSUM_ALGORITHM, "CRC32");
        let url = a.sign(SIGN_FOR);
        let resp = self.send(
            what,
            rusty_s3::Method::Post,
            url,
            &[
                ("Content-Type", CONTENT_TYPE),
                (META_SHA, sha),
                (CHECKSUM_ALGORITHM, "CRC32"),
            ],
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
        let result = self
            .send_parts(key, what, &upload_id, file, size, sha, progress)
            .and_then(|parts| {
                self.complete(key, what, &upload_id, &parts)?;
                Ok(parts.len() as u32)
            });
        if result.is_err() {
            let _ = self.abort(key, &upload_id);
        }
        result
    }

    /// Sends the parts of `file`; returns what S3 needs to complete the
    /// upload, in part order. Every sender has stopped when this returns,
    /// error or not.
    #[allow(clippy::too_many_arguments)]
    fn send_parts(
        &self,
        key: &str,
        what: &str,
        upload_id: &str,
        file: &mut File,
        size: u64,
        sha: &str,
        progress: &dyn Fn(u64, u64),
    ) -> Result<Vec<SentPart>> {
        let (job_tx, job_rx) = mpsc::sync_channel::<Part>(0);
        let job_rx = Mutex::new(job_rx);
        let (done_tx, done_rx) = mpsc::channel::<(Part, Result<SentPart>)>();
        std::thread::scope(|s| {
            for _ in 0..CONNECTIONS {
                let (job_rx, done_tx) = (&job_rx, done_tx.clone());
                s.spawn(move || {
                    loop {
                        let next = job_rx.lock().map(|rx| rx.recv());
                        let Ok(Ok(part)) = next else { break };
                        let r = self.send_part(key, what, upload_id, &part);
                        if done_tx.send((part, r)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(done_tx);
            let mut sent_parts: Vec<SentPart> = Vec::new();
            let mut free: Vec<Vec<u8>> = Vec::new();
            let mut buffers = 0;
            let mut in_flight = 0;
            let mut hasher = Sha256::new();
            let mut read = 0u64;
            let mut sent = 0u64;
            let mut number: u16 = 1;
            let mut eof = false;
            let mut failed: Option<Error> = None;
            loop {
                let may_read =
                    !eof && failed.is_none() && (!free.is_empty() || buffers < CONNECTIONS);
                if may_read {
                    let mut buf = free.pop().unwrap_or_else(|| {
                        buffers += 1;
                        vec![0u8; PART_SIZE]
                    });
                    let n = match crate::interrupt::check()
                        .and_then(|()| read_full(file, &mut buf).map_err(Error::from))
                    {
                        Ok(n) => n,
                        Err(e) => {
                            failed = Some(e);
                            continue;
                        }
                    };
                    if n == 0 {
                        eof = true;
                        continue;
                    }
                    hasher.update(&buf[..n]);
                    read += n as u64;
                    eof = n < PART_SIZE;
                    let part = Part {
                        number,
                        buf,
                        len: n,
                    };
                    number += 1;
                    if job_tx.send(part).is_err() {
                        failed = Some(Error::failed(format!("{what}: the part senders stopped")));
                        continue;
                    }
                    in_flight += 1;
                    continue;
                }
                if in_flight == 0 {
                    break;
                }
                let Ok((part, r)) = done_rx.recv() else { break };
                in_flight -= 1;
                match r {
                    Ok(p) => {
                        sent += part.len as u64;
                        progress(sent, size);
                        sent_parts.push(p);
                    }
                    Err(e) => {
                        failed.get_or_insert(e);
                    }
                }
                free.push(part.buf);
            }
            drop(job_tx);
            if let Some(e) = failed {
                return Err(e);
            }
            check_sent(what, &hex(&hasher.finalize()), read, sha, size)?;
            sent_parts.sort_by_key(|p| p.number);
            Ok(sent_parts)
        })
    }

    /// One part, with its CRC32 so that S3 checks it on arrival (as the
    /// AWS CLI sends them): a part damaged in transit is refused.
    /// A part that fails in a way that may pass (see `try_send`) is sent
    /// again, up to `PART_TRIES` times in all.
    fn send_part(&self, key: &str, what: &str, upload_id: &str, part: &Part) -> Result<SentPart> {
        let body = &part.buf[..part.len];
        let crc = crc32_b64(body);
        let mut tries = 0;
        let resp = loop {
            tries += 1;
            let mut a = self
                .bucket
                .upload_part(self.creds(), key, part.number, upload_id);
            a.headers_mut().insert(CHECKSUM_CRC32, crc.clone());
            let url = a.sign(SIGN_FOR);
            match self.try_send(
                what,
                rusty_s3::Method::Put,
                url,
                &[("Content-Type", CONTENT_TYPE), (CHECKSUM_CRC32, &crc)],
                Some(body),
                &[200],
            ) {
                Ok(r) => break r,
                Err(f)
                    if f.transient
                        && tries < PART_TRIES
                        && crate::interrupt::received().is_none() =>
                {
                    std::thread::sleep(Duration::from_millis(500 * tries as u64));
                }
                Err(f) => {
                    return Err(if tries > 1 {
                        f.error.hint(format!(
                            "part {} failed {tries} times; the upload was aborted",
                            part.number
                        ))
                    } else {
                        f.error
                    });
                }
            }
        };
        let etag = resp
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                Error::failed(format!(
                    "{what}: part {} was stored without an ETag",
                    part.number
                ))
            })?
            .to_string();
        Ok(SentPart {
            number: part.number,
            etag,
            crc32: crc,
        })
    }

    fn complete(&self, key: &str, what: &str, upload_id: &str, parts: &[SentPart]) -> Result<()> {
        let url = self
            .bucket
            .complete_multipart_upload(
                self.creds(),
                key,
                upload_id,
                parts.iter().map(|p| p.etag.as_str()),
            )
            .sign(SIGN_FOR);
        // rusty-s3's body has no part checksums, which S3 wants when the
        // upload was created with a checksum algorithm.
        let mut body = String::from(
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">",
        );
        for p in parts {
            body.push_str(&format!(
                "<Part><ETag>{}</ETag><PartNumber>{}</PartNumber><ChecksumCRC32>{}</ChecksumCRC32></Part>",
                xml_escape(&p.etag),
                p.number,
                p.crc32
            ));
        }
        body.push_str("</CompleteMultipartUpload>");
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
        Ok(())
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

/// A request that failed; `transient`: sending it again may succeed.
struct SendFailure {
    error: Error,
    transient: bool,
}

/// One part of a multipart upload on its way to a sender.
struct Part {
    number: u16,
    buf: Vec<u8>,
    len: usize,
}

/// A part S3 has stored.
struct SentPart {
    number: u16,
    etag: String,
    /// Base64 of the big-endian CRC32, as S3 wants it.
    crc32: String,
}

/// The `x-amz-checksum-crc32` value of `data`: base64 of its CRC32, big-endian.
fn crc32_b64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = crc32fast::hash(data).to_be_bytes();
    let n = u32::from_be_bytes(b);
    // 4 bytes: 6 significant base64 digits (32 bits) and "==".
    let mut out = String::with_capacity(8);
    for i in 0..6 {
        let shift = 26i32 - 6 * i;
        let idx = if shift >= 0 {
            (n >> shift) & 63
        } else {
            (n << -shift) & 63
        };
        out.push(ALPHABET[idx as usize] as char);
    }
    out.push_str("==");
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Reads until `buf` is full or the file ends; returns the bytes read.
fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The bytes sent must be the archive whose sha256 is recorded with the
/// object: anything else (the file changed or was cut since it was
/// written) fails the upload before the object is completed.
fn check_sent(what: &str, got_sha: &str, got_len: u64, sha: &str, size: u64) -> Result<()> {
    if got_sha == sha && got_len == size {
        return Ok(());
    }
    Err(Error::failed(format!(
        "{what}: the archive changed while it was uploaded (read {got_len} of {size} bytes, sha256 {got_sha}, expected {sha}); the upload was aborted"
    ))
    .hint("nothing was stored under the backup's name; check the local archive (`talos backup verify FILE`) and run the backup again"))
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

    /// The value S3 and the AWS CLI compute: base64 of the big-endian
    /// CRC32 (`python3 -c 'import zlib, base64; ...'` gives the same).
    #[test]
    fn crc32_header_values() {
        assert_eq!(crc32_b64(b"hello world"), "DUoRhQ==");
        assert_eq!(crc32_b64(b""), "AAAAAA==");
        assert_eq!(crc32_b64(b"123456789"), "y/Q5Jg==");
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
