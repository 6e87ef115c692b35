//! An S3 test server on loopback (moto, from PyPI) and a small recording
//! proxy in front of it that checks what real S3 insists on and moto does
//! not: every request with a body says Content-Length, none is chunked.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The moto server binary: TALOS_TEST_MOTO, the CI virtual environment, or
/// PATH. Missing moto fails the test with what to install; only an explicit
/// TALOS_SKIP_S3_TESTS=1 outside CI skips (returns None).
pub fn moto_binary() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("TALOS_TEST_MOTO").map(PathBuf::from),
        Some(PathBuf::from("/opt/talos-ci-venv/bin/moto_server")),
    ];
    for c in candidates.into_iter().flatten() {
        if c.is_file() {
            return Some(c);
        }
    }
    if let Ok(out) = Command::new("sh")
        .args(["-c", "command -v moto_server"])
        .output()
        && out.status.success()
    {
        let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !p.is_empty() {
            return Some(PathBuf::from(p));
        }
    }
    if std::env::var("TALOS_SKIP_S3_TESTS").as_deref() == Ok("1") && std::env::var("CI").is_err() {
        eprintln!("TALOS_SKIP_S3_TESTS=1: skipping the S3 repository tests");
        return None;
    }
    panic!(
        "the moto S3 test server is missing: python3 -m venv /opt/talos-ci-venv && /opt/talos-ci-venv/bin/pip install 'moto[server]' (.ci/run does this), or set TALOS_TEST_MOTO to moto_server; TALOS_SKIP_S3_TESTS=1 skips these tests outside CI"
    );
}

pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    pub fn start() -> Option<Moto> {
        let bin = moto_binary()?;
        let port = super::free_port();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut m = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(m);
            }
            if let Ok(Some(st)) = m.child.try_wait() {
                panic!("moto_server exited at start: {st}");
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Creates a bucket (moto does not check signatures, so unsigned).
    pub fn create_bucket(&self, name: &str) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "PUT /{name} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        )
        .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        assert!(resp.starts_with("HTTP/1.1 200"), "create bucket: {resp}");
    }

    /// A raw GET (unsigned) on moto: for checks behind talos's back.
    pub fn get(&self, path: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        )
        .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        resp
    }
}

impl Moto {
    /// The bytes of an object, fetched behind talos's back (unsigned).
    pub fn object(&self, bucket: &str, key: &str) -> Vec<u8> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        write!(
            s,
            "GET /{bucket}/{key} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        )
        .unwrap();
        let mut resp = Vec::new();
        s.read_to_end(&mut resp).unwrap();
        let head_end = resp
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP answer")
            + 4;
        let head = String::from_utf8_lossy(&resp[..head_end]).into_owned();
        assert!(head.starts_with("HTTP/1.1 200"), "GET {key}: {head}");
        resp.split_off(head_end)
    }
}

/// `x-amz-checksum-crc32` of `data`, computed the way S3 does.
pub fn crc32_b64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = crc32fast::hash(data).to_be_bytes();
    let mut out = String::new();
    for chunk in [&b[0..3], &b[3..4]] {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &x)| acc | (x as u32) << (16 - 8 * i));
        let digits = chunk.len() + 1;
        for j in 0..digits {
            out.push(ALPHABET[((n >> (18 - 6 * j)) & 63) as usize] as char);
        }
    }
    out.push_str("==");
    out
}

impl Drop for Moto {
    fn drop(&mut self) {
        // Only the process this test started.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub content_length: Option<u64>,
    pub chunked: bool,
    pub content_type: Option<String>,
    /// `x-amz-checksum-crc32` and `x-amz-checksum-algorithm`, as sent.
    pub checksum_crc32: Option<String>,
    pub checksum_algorithm: Option<String>,
    /// The CRC32 of the body that arrived, as S3 would check it (base64 of
    /// the big-endian value).
    pub body_crc32: String,
}

/// What the proxy does besides forwarding.
#[derive(Clone, Default)]
pub struct Behaviour {
    /// Answer everything 403 InvalidAccessKeyId, as AWS does for a wrong key.
    pub deny: bool,
    /// Hold (never answer) requests whose target contains this.
    pub stall_on: Option<String>,
    /// Answer `500 InternalError` to the next N requests whose target
    /// contains the text (what S3 does now and then).
    pub fail_on: Option<(String, usize)>,
}

pub struct Proxy {
    pub port: u16,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub stalled: Arc<AtomicBool>,
    pub behaviour: Arc<Mutex<Behaviour>>,
}

impl Proxy {
    /// A proxy to `upstream` (a port on 127.0.0.1), or to nothing when
    /// `deny` answers everything.
    pub fn start(upstream: u16, behaviour: Behaviour) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stalled = Arc::new(AtomicBool::new(false));
        let behaviour = Arc::new(Mutex::new(behaviour));
        let (s2, st2, b2) = (seen.clone(), stalled.clone(), behaviour.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (s3, st3, b3) = (s2.clone(), st2.clone(), b2.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, upstream, &s3, &st3, &b3);
                });
            }
        });
        Proxy {
            port,
            seen,
            stalled,
            behaviour,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(
    mut client: TcpStream,
    upstream: u16,
    seen: &Mutex<Vec<Seen>>,
    stalled: &AtomicBool,
    behaviour: &Mutex<Behaviour>,
) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(60)))?;
    // Read the head.
    let mut buf = Vec::new();
    let mut tmp = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = client.read(&mut tmp)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&tmp[..n]);
        if buf.len() > 256 * 1024 {
            return Ok(());
        }
    };
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut headers);
    req.parse(&buf[..head_end]).map_err(std::io::Error::other)?;
    let method = req.method.unwrap_or("").to_string();
    let target = req.path.unwrap_or("").to_string();
    let mut content_length = None;
    let mut chunked = false;
    let mut content_type = None;
    let mut checksum_crc32 = None;
    let mut checksum_algorithm = None;
    let mut forward_head = format!("{method} {target} HTTP/1.1\r\n");
    for h in req.headers.iter() {
        let name = h.name.to_ascii_lowercase();
        let value = String::from_utf8_lossy(h.value).into_owned();
        match name.as_str() {
            "x-amz-checksum-crc32" => checksum_crc32 = Some(value.clone()),
            "x-amz-checksum-algorithm" => checksum_algorithm = Some(value.clone()),
            "content-length" => content_length = value.trim().parse().ok(),
            "transfer-encoding" => chunked |= value.to_ascii_lowercase().contains("chunked"),
            "content-type" => content_type = Some(value.clone()),
            "connection" => continue,
            _ => {}
        }
        forward_head.push_str(&format!("{}: {}\r\n", h.name, value));
    }
    forward_head.push_str("Connection: close\r\n\r\n");
    let mut seen_entry = Seen {
        method: method.clone(),
        target: target.clone(),
        content_length,
        chunked,
        content_type,
        checksum_crc32,
        checksum_algorithm,
        body_crc32: String::new(),
    };
    let b = behaviour.lock().unwrap().clone();
    if b.deny {
        seen.lock().unwrap().push(seen_entry);
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message></Error>";
        write!(
            client,
            "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
        return Ok(());
    }
    if let Some(s) = &b.stall_on
        && target.contains(s.as_str())
    {
        seen.lock().unwrap().push(seen_entry);
        stalled.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_secs(60));
        return Ok(());
    }
    if chunked {
        seen.lock().unwrap().push(seen_entry);
        let body = "chunked transfer encoding is not accepted (real S3 rejects it)";
        write!(
            client,
            "HTTP/1.1 411 Length Required\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
        return Ok(());
    }
    let mut body = buf[head_end..].to_vec();
    let want = content_length.unwrap_or(0) as usize;
    while body.len() < want {
        let n = client.read(&mut tmp)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&tmp[..n]);
    }
    seen_entry.body_crc32 = crc32_b64(&body);
    seen.lock().unwrap().push(seen_entry);
    let fail = {
        let mut b = behaviour.lock().unwrap();
        match &mut b.fail_on {
            Some((s, n)) if *n > 0 && target.contains(s.as_str()) => {
                *n -= 1;
                true
            }
            _ => false,
        }
    };
    if fail {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>";
        write!(
            client,
            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
        return Ok(());
    }
    let mut up = TcpStream::connect(("127.0.0.1", upstream))?;
    up.set_read_timeout(Some(Duration::from_secs(60)))?;
    up.write_all(forward_head.as_bytes())?;
    up.write_all(&body)?;
    std::io::copy(&mut up, &mut client)?;
    client.flush()?;
    Ok(())
}
