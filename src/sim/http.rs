//! A deliberately small HTTP/1.1 server for the simulator: one request per
//! connection (`Connection: close`), plain or TLS (rustls), over any stream.
//!
//! Connection threads read and parse the request; the simulator's single
//! event loop answers it. That split is what lets `--fault hang` behave like
//! a real blocked event loop: connections are still accepted and read, and
//! nobody ever answers.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Largest request head and body accepted.
const MAX_HEAD: usize = 16 * 1024;
const MAX_BODY: usize = 64 * 1024;

/// A stream the event loop can answer on.
pub trait Conn: Read + Write + Send {}
impl<T: Read + Write + Send> Conn for T {}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(status: u16, value: &serde_json::Value) -> Response {
        let mut body = serde_json::to_vec(value).unwrap_or_default();
        body.push(b'\n');
        Response { status, body }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Reads one request. `Ok(None)` when the peer closed before sending one.
pub fn read_request(stream: &mut dyn Read) -> io::Result<Option<Request>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let head_len = loop {
        if let Some(i) = memchr::memmem::find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request head too large",
            ));
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            if buf.is_empty() {
                return Ok(None);
            }
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed inside the request head",
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(&buf[..head_len]) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) | Err(_) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "malformed HTTP request",
            ));
        }
    }
    let method = req.method.unwrap_or("").to_string();
    let path = req.path.unwrap_or("/").to_string();
    let headers: Vec<(String, String)> = req
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).trim().to_string(),
            )
        })
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    if length > MAX_BODY {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "request body too large",
        ));
    }
    let mut body = buf[head_len..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed inside the request body",
            ));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Ok(Some(Request {
        method,
        path,
        headers,
        body,
    }))
}

pub fn write_response(stream: &mut dyn Write, resp: &Response) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\nServer: talos-sim/{}\r\n\r\n",
        resp.status,
        reason(resp.status),
        resp.body.len(),
        crate::VERSION
    );
    let mut out = head.into_bytes();
    out.extend_from_slice(&resp.body);
    stream.write_all(&out)?;
    stream.flush()
}

/// Loads a certificate chain and key (PEM) into a rustls server config.
pub fn tls_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("cannot read {}: {e}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot parse {}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("no certificate in {}", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read the private key {}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("certificate and key do not fit together: {e}"))?;
    Ok(Arc::new(config))
}

/// How long to hold a request before handing it on (the `slow-health` fault).
pub type Delay = Arc<dyn Fn(&Request) -> Option<Duration> + Send + Sync>;

/// A parsed request and the stream to answer it on.
pub struct Incoming {
    pub request: Request,
    pub conn: Box<dyn Conn>,
}

/// Accepts connections forever, each on its own thread: TLS handshake (when
/// configured), read the request, optionally `delay` it (per request, for the
/// `slow-health` fault), then hand it to the event loop through `tx`.
pub fn serve(
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    delay: Delay,
    tx: Sender<Incoming>,
) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let tls = tls.clone();
        let tx = tx.clone();
        let delay = Arc::clone(&delay);
        std::thread::spawn(move || {
            let _ = handle(stream, tls, &*delay, tx);
        });
    }
}

fn handle(
    stream: TcpStream,
    tls: Option<Arc<rustls::ServerConfig>>,
    delay: &(dyn Fn(&Request) -> Option<Duration> + Send + Sync),
    tx: Sender<Incoming>,
) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    stream.set_nodelay(true)?;
    let mut conn: Box<dyn Conn> = match tls {
        None => Box::new(stream),
        Some(cfg) => {
            let sc = rustls::ServerConnection::new(cfg).map_err(io::Error::other)?;
            Box::new(TlsConn(rustls::StreamOwned::new(sc, stream)))
        }
    };
    let Some(request) = read_request(&mut *conn)? else {
        return Ok(());
    };
    if let Some(d) = delay(&request) {
        std::thread::sleep(d);
    }
    // A closed channel means the simulator is exiting: just drop the stream.
    let _ = tx.send(Incoming { request, conn });
    Ok(())
}

/// A TLS stream that sends close_notify after the response is flushed.
struct TlsConn(rustls::StreamOwned<rustls::ServerConnection, TcpStream>);

impl Read for TlsConn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for TlsConn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl Drop for TlsConn {
    fn drop(&mut self) {
        self.0.conn.send_close_notify();
        let _ = self.0.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_post_with_body() {
        let raw = b"POST /api/v1/emergency/panic HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer abc\r\nContent-Length: 5\r\n\r\nhello";
        let mut r: &[u8] = raw;
        let req = read_request(&mut r).unwrap().unwrap();
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, "/api/v1/emergency/panic");
        assert_eq!(req.header("authorization"), Some("Bearer abc"));
        assert_eq!(req.body, b"hello");
    }

    #[test]
    fn rejects_garbage_and_handles_eof() {
        let mut r: &[u8] = b"";
        assert!(read_request(&mut r).unwrap().is_none());
        let mut r: &[u8] = b"\x00\x01 nonsense\r\n\r\n";
        assert!(read_request(&mut r).is_err());
    }
}
