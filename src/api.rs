//! The daemon's admin API client (docs/format.md): HTTP, TLS, the token,
//! timeouts, and what each call answers. Platform: it knows nothing of
//! liveness or health (that is `crate::daemon`, which uses it).
//!
//! Every request is bounded: about 1 s to connect, `settings.timeout`
//! (default 3 s, `--timeout`) for the whole exchange. The token comes from
//! `Settings` (TALOS_TOKEN or secrets/admin_token), is sent only in the
//! `Authorization` header and never appears in an error or a log line.
//!
//! ```ignore
//! let client = api::Client::new(&ctx.settings)?;
//! match client.panic("db on fire", true) {
//!     Ok(accepted) => ...,                        // 202 body
//!     Err(e) if e.is_unreachable() => ...,        // escalate to SIGNAL_PANIC
//!     Err(e) => return Err(e.into()),             // 401, ... (exit codes mapped)
//! }
//! ```

use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::config::{Settings, Token};
use crate::error::{Error, Result};

/// Longest wait for a TCP (and TLS) connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// What went wrong with an API call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiErrorKind {
    /// Nothing listens at the URL (connection refused).
    ConnectionRefused,
    /// No connection or no answer within the timeout.
    Timeout,
    /// Host not found, connection reset, or another network failure.
    Network,
    /// The TLS handshake failed (untrusted or wrong certificate, not TLS...).
    Tls,
    /// The URL or the CA bundle is unusable: a configuration problem.
    Config,
    /// There is no admin token to send.
    NoToken,
    /// 401: the token was rejected.
    Unauthorized,
    /// 404.
    NotFound,
    /// Another unexpected HTTP status.
    Status,
    /// The answer is not the JSON docs/format.md describes.
    BadResponse,
}

/// A failed API call: a kind to act on and a message for the operator.
#[derive(Debug, Clone, Serialize)]
pub struct ApiError {
    pub kind: ApiErrorKind,
    pub message: String,
    /// The HTTP status, when the daemon answered.
    pub status: Option<u16>,
    /// The body the daemon answered with, when it did (JSON if it parsed).
    pub body: Option<Value>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    pub(crate) fn new(kind: ApiErrorKind, message: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            message: message.into(),
            status: None,
            body: None,
        }
    }

    /// True when the daemon could not be reached at all (as opposed to
    /// answering with an error): the caller may fall back to files or signals.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self.kind,
            ApiErrorKind::ConnectionRefused
                | ApiErrorKind::Timeout
                | ApiErrorKind::Network
                | ApiErrorKind::Tls
                | ApiErrorKind::Config
        )
    }

    /// The next thing to try, for a hint line.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self.kind {
            ApiErrorKind::ConnectionRefused => {
                "is the daemon running? `talos status` tells; check --url / TALOS_URL / orchestrator.api_url"
            }
            ApiErrorKind::Timeout => {
                "the daemon may be hung (`talos status`); --timeout SECS waits longer"
            }
            ApiErrorKind::Network => "check --url / TALOS_URL / orchestrator.api_url",
            ApiErrorKind::Tls => {
                "give the CA that signed the daemon's certificate with --cacert FILE (or TALOS_CACERT, orchestrator.cacert)"
            }
            ApiErrorKind::Config => "fix --url / --cacert (see `talos config show`)",
            _ => return None,
        })
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Error {
        let err = match e.kind {
            k if e.is_unreachable() && k != ApiErrorKind::Config => {
                Error::unreachable(e.message.clone())
            }
            ApiErrorKind::Config => Error::usage(e.message.clone()),
            _ => Error::failed(e.message.clone()),
        };
        match e.hint() {
            Some(h) => err.hint(h),
            None => err,
        }
    }
}

/// What `/health` answered (200 or 503 are both answers).
#[derive(Debug, Clone, Serialize)]
pub struct HealthAnswer {
    pub http_status: u16,
    pub body: Value,
    pub elapsed_ms: u64,
}

/// A response body as JSON, or as a string when it is not JSON (not
/// UTF-8: decoded lossily).
fn body_value(body: &[u8]) -> Value {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str::<Value>(text).unwrap_or(Value::String(text.into())),
        Err(_) => Value::String(String::from_utf8_lossy(body).into_owned()),
    }
}

/// The error for a status the API does not answer with on success.
fn unexpected(what: &str, status: u16, body: Value) -> ApiError {
    let detail = body
        .get("message")
        .or_else(|| body.get("error"))
        .and_then(Value::as_str)
        .map(|s| format!(": {s}"))
        .unwrap_or_default();
    ApiError {
        kind: if status == 404 {
            ApiErrorKind::NotFound
        } else {
            ApiErrorKind::Status
        },
        message: format!("{what} answered HTTP {status}{detail}"),
        status: Some(status),
        body: Some(body),
    }
}

/// What `GET /health` answered, judged from its HTTP status and body
/// bytes alone (no I/O): 200 and 503 with a JSON object holding a string
/// `status` are an answer; anything else is an error. What
/// `Client::health` does once the body is read (at most 1 MiB, token
/// scrubbed, a 401 already turned away).
pub fn health_answer_of(
    status: u16,
    body: &[u8],
    elapsed_ms: u64,
) -> Result<HealthAnswer, ApiError> {
    health_answer_from(status, body_value(body), elapsed_ms)
}

fn health_answer_from(status: u16, body: Value, elapsed_ms: u64) -> Result<HealthAnswer, ApiError> {
    if (status == 200 || status == 503) && body.get("status").and_then(Value::as_str).is_some() {
        Ok(HealthAnswer {
            http_status: status,
            body,
            elapsed_ms,
        })
    } else if status == 200 || status == 503 {
        Err(ApiError {
            kind: ApiErrorKind::BadResponse,
            message: "GET /health did not answer a JSON object with a `status`".into(),
            status: Some(status),
            body: Some(body),
        })
    } else {
        Err(unexpected("GET /health", status, body))
    }
}

/// The admin API client.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    token: Option<Token>,
    /// Why the token must not be sent to `base`, when it must not.
    token_refusal: Option<String>,
    timeout: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

fn load_ca(path: &std::path::Path) -> Result<Vec<ureq::tls::Certificate<'static>>, ApiError> {
    let pem = crate::fsutil::read_small(path, crate::fsutil::SMALL_FILE_CAP).map_err(|e| {
        ApiError::new(
            ApiErrorKind::Config,
            format!("cannot read the CA bundle {}: {e}", path.display()),
        )
    })?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(e) => {
                return Err(ApiError::new(
                    ApiErrorKind::Config,
                    format!("{} is not a PEM CA bundle: {e}", path.display()),
                ));
            }
        }
    }
    if certs.is_empty() {
        return Err(ApiError::new(
            ApiErrorKind::Config,
            format!("no certificate in the CA bundle {}", path.display()),
        ));
    }
    Ok(certs)
}

/// The overrides the admin API takes for a breaker
/// (`POST /admin/circuit-breakers/<name>/{force-open,disable}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerOverride {
    ForceOpen,
    Disable,
}

impl BreakerOverride {
    /// The last segment of the request path.
    pub fn path_segment(self) -> &'static str {
        match self {
            BreakerOverride::ForceOpen => "force-open",
            BreakerOverride::Disable => "disable",
        }
    }
}

impl Client {
    /// A client for `settings.api_url`, with `settings.cacert` as the only
    /// trusted CA when set. Fails (exit 2) on an unreadable CA bundle.
    pub fn new(settings: &Settings) -> Result<Client> {
        Client::try_new(settings).map_err(Error::from)
    }

    /// `new` with the failure as an `ApiError` (kind `Config`).
    pub fn try_new(settings: &Settings) -> Result<Client, ApiError> {
        let timeout = settings.timeout.value;
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(ca) = &settings.cacert.value {
            let certs = load_ca(ca)?;
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(CONNECT_TIMEOUT.min(timeout)))
            .timeout_global(Some(timeout))
            .max_redirects(0)
            .tls_config(tls.build())
            .user_agent(format!("talos/{}", crate::VERSION))
            .build()
            .into();
        let base = settings.api_url.value.trim_end_matches('/').to_string();
        Ok(Client {
            agent,
            token_refusal: crate::config::token_refusal(settings, &base),
            base,
            token: settings.token.value.clone(),
            timeout,
        })
    }

    /// The base URL.
    pub fn url(&self) -> &str {
        &self.base
    }

    fn classify(&self, e: ureq::Error) -> ApiError {
        use ApiErrorKind::*;
        let secs = self.timeout.as_secs_f64();
        match e {
            ureq::Error::Timeout(t) => {
                let what = match t {
                    ureq::Timeout::Connect | ureq::Timeout::Resolve => format!(
                        "could not connect to {} within {:.1}s",
                        self.base,
                        CONNECT_TIMEOUT.min(self.timeout).as_secs_f64()
                    ),
                    _ => format!("{} did not answer within {secs:.1}s", self.base),
                };
                ApiError::new(Timeout, what)
            }
            ureq::Error::Io(io) => {
                if io.kind() == std::io::ErrorKind::ConnectionRefused {
                    return ApiError::new(
                        ConnectionRefused,
                        format!("connection refused at {}: nothing listens there", self.base),
                    );
                }
                if io.kind() == std::io::ErrorKind::TimedOut
                    || io.kind() == std::io::ErrorKind::WouldBlock
                {
                    return ApiError::new(
                        Timeout,
                        format!("{} did not answer within {secs:.1}s", self.base),
                    );
                }
                if matches!(
                    io.kind(),
                    std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::ConnectionAborted
                        | std::io::ErrorKind::UnexpectedEof
                        | std::io::ErrorKind::BrokenPipe
                ) {
                    return ApiError::new(
                        BadResponse,
                        format!(
                            "something at {} accepted the connection but did not answer HTTP ({io})",
                            self.base
                        ),
                    );
                }
                let inner_tls = io
                    .get_ref()
                    .is_some_and(|i| i.downcast_ref::<rustls::Error>().is_some());
                if inner_tls || io.kind() == std::io::ErrorKind::InvalidData {
                    return ApiError::new(
                        Tls,
                        format!("TLS handshake with {} failed: {io}", self.base),
                    );
                }
                ApiError::new(
                    Network,
                    format!("network error talking to {}: {io}", self.base),
                )
            }
            ureq::Error::HostNotFound => {
                ApiError::new(Network, format!("host not found: {}", self.base))
            }
            ureq::Error::ConnectionFailed => {
                ApiError::new(Network, format!("could not connect to {}", self.base))
            }
            ureq::Error::BadUri(u) => {
                ApiError::new(Config, format!("`{}` is not a usable URL: {u}", self.base))
            }
            ureq::Error::Tls(m) => {
                ApiError::new(Tls, format!("TLS with {} failed: {m}", self.base))
            }
            ureq::Error::Rustls(r) => {
                ApiError::new(Tls, format!("TLS handshake with {} failed: {r}", self.base))
            }
            ureq::Error::Pem(p) => ApiError::new(Config, format!("bad PEM: {p}")),
            ureq::Error::Protocol(p) => ApiError::new(
                BadResponse,
                format!("something at {} answered, but not HTTP: {p}", self.base),
            ),
            other => ApiError::new(Network, format!("request to {} failed: {other}", self.base)),
        }
    }

    fn auth_header(&self) -> Result<String, ApiError> {
        if let Some(why) = &self.token_refusal {
            return Err(ApiError::new(ApiErrorKind::Config, why.clone()));
        }
        match &self.token {
            Some(t) => Ok(format!("Bearer {}", t.expose())),
            None => Err(ApiError::new(
                ApiErrorKind::NoToken,
                "no admin token: set TALOS_TOKEN or write it to etc/talos/secrets/admin_token",
            )),
        }
    }

    /// Sends one request; returns the status and the parsed JSON body.
    fn request(
        &self,
        method: &str,
        path: &str,
        auth: bool,
        body: Option<&Value>,
    ) -> Result<(u16, Value, u64), ApiError> {
        let url = format!("{}{}", self.base, path);
        let start = Instant::now();
        let header = if auth {
            Some(self.auth_header()?)
        } else {
            None
        };
        let result = if method == "GET" {
            let mut req = self.agent.get(&url);
            if let Some(h) = &header {
                req = req.header("Authorization", h);
            }
            req.call()
        } else {
            let mut req = self.agent.post(&url);
            if let Some(h) = &header {
                req = req.header("Authorization", h);
            }
            match body {
                Some(b) => req.send_json(b),
                None => req.send_empty(),
            }
        };
        let mut resp = result.map_err(|e| self.classify(e))?;
        let status = resp.status().as_u16();
        let text = resp
            .body_mut()
            .with_config()
            .limit(1024 * 1024)
            .read_to_string()
            .map_err(|e| self.classify(e))?;
        // A daemon (or whatever answers) may echo the Authorization header:
        // nothing it says is printed or stored with the token in it.
        let text = match &self.token {
            Some(t) => crate::config::scrub_token(&text, t).into_owned(),
            None => text,
        };
        let elapsed = start.elapsed().as_millis() as u64;
        let value = body_value(text.as_bytes());
        if status == 401 {
            return Err(ApiError {
                kind: ApiErrorKind::Unauthorized,
                message: "the token was rejected (401): check TALOS_TOKEN or etc/talos/secrets/admin_token".into(),
                status: Some(status),
                body: Some(value),
            });
        }
        Ok((status, value, elapsed))
    }

    /// `GET /health`: 200 (healthy or degraded) and 503 (unhealthy) are
    /// both answers; the body must be a JSON object with a `status`
    /// (see `health_answer_of`).
    pub fn health(&self) -> Result<HealthAnswer, ApiError> {
        let (status, body, elapsed_ms) = self.request("GET", "/health", false, None)?;
        health_answer_from(status, body, elapsed_ms)
    }

    /// `POST /api/v1/emergency/panic`; the 202 body on success.
    pub fn panic(&self, reason: &str, preserve_state: bool) -> Result<Value, ApiError> {
        let body = json!({"reason": reason, "preserve_state": preserve_state});
        let (status, body, _) =
            self.request("POST", "/api/v1/emergency/panic", true, Some(&body))?;
        if status == 202 || status == 200 {
            Ok(body)
        } else {
            Err(unexpected("POST /api/v1/emergency/panic", status, body))
        }
    }

    /// `GET /metrics/circuit_breakers`: `{"name": {"state": ...}}`.
    pub fn breakers(&self) -> Result<Map<String, Value>, ApiError> {
        let (status, body, _) = self.request("GET", "/metrics/circuit_breakers", false, None)?;
        match (status, body) {
            (200, Value::Object(m)) => Ok(m),
            (200, other) => Err(ApiError {
                kind: ApiErrorKind::BadResponse,
                message: "GET /metrics/circuit_breakers did not answer a JSON object".into(),
                status: Some(200),
                body: Some(other),
            }),
            (s, b) => Err(unexpected("GET /metrics/circuit_breakers", s, b)),
        }
    }

    /// `POST /admin/circuit-breakers/<name>/reset`; kind `NotFound` for an
    /// unknown name.
    pub fn reset_breaker(&self, name: &str) -> Result<Value, ApiError> {
        if !valid_breaker_name(name) {
            return Err(ApiError::new(
                ApiErrorKind::NotFound,
                format!("`{name}` is not a breaker name"),
            ));
        }
        let path = format!("/admin/circuit-breakers/{name}/reset");
        let (status, body, _) = self.request("POST", &path, true, None)?;
        if status == 200 {
            Ok(body)
        } else {
            Err(unexpected(&format!("POST {path}"), status, body))
        }
    }

    /// `POST /admin/circuit-breakers/<name>/{force-open,disable}` with body
    /// `{"reason", "actor"}`; kind `NotFound` for an unknown name.
    pub fn force_breaker(
        &self,
        name: &str,
        force: BreakerOverride,
        reason: &str,
        actor: &str,
    ) -> Result<Value, ApiError> {
        if !valid_breaker_name(name) {
            return Err(ApiError::new(
                ApiErrorKind::NotFound,
                format!("`{name}` is not a breaker name"),
            ));
        }
        let path = format!("/admin/circuit-breakers/{name}/{}", force.path_segment());
        let body = serde_json::json!({"reason": reason, "actor": actor});
        let (status, body, _) = self.request("POST", &path, true, Some(&body))?;
        if status == 200 {
            Ok(body)
        } else {
            Err(unexpected(&format!("POST {path}"), status, body))
        }
    }

    /// `POST /admin/restart`; the 202 body on success.
    pub fn restart(&self) -> Result<Value, ApiError> {
        let (status, body, _) = self.request("POST", "/admin/restart", true, None)?;
        if status == 202 || status == 200 {
            Ok(body)
        } else {
            Err(unexpected("POST /admin/restart", status, body))
        }
    }
}

/// A name that can go into an admin API path as it is.
fn valid_breaker_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoEnv;
    impl crate::config::Env for NoEnv {
        fn var(&self, _: &str) -> Option<String> {
            None
        }
    }

    fn client(url: &str, timeout: f64) -> Client {
        let dir = tempfile::tempdir().unwrap();
        let s = Settings::load_with(
            &crate::config::Overrides {
                root: Some(dir.path().to_path_buf()),
                url: Some(url.to_string()),
                cacert: None,
                timeout_secs: Some(timeout),
            },
            &NoEnv,
        );
        Client::new(&s).unwrap()
    }

    #[test]
    fn failures_are_told_apart() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        let e = client(&format!("http://127.0.0.1:{port}"), 1.0)
            .health()
            .unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::ConnectionRefused, "{e}");

        // Accepted by the kernel, never answered: a timeout, and bounded.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let start = Instant::now();
        let e = client(&url, 0.5).health().unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::Timeout, "{e}");
        assert!(start.elapsed() < Duration::from_secs(3));
        assert!(e.message.contains("did not answer within 0.5s"), "{e}");

        // An answer that is not the documented JSON.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let t = std::thread::spawn(move || {
            use std::io::{Read, Write};
            let (mut s, _) = l.accept().unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
                .unwrap();
        });
        let e = client(&url, 2.0).health().unwrap_err();
        t.join().unwrap();
        assert_eq!(e.kind, ApiErrorKind::BadResponse, "{e}");

        // No token, no request.
        let e = client("http://127.0.0.1:9", 1.0).restart().unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::NoToken);
    }

    #[test]
    fn unreachable_maps_to_exit_5_and_401_to_1() {
        let e: Error = ApiError::new(ApiErrorKind::Timeout, "t").into();
        assert_eq!(e.exit_code(), 5);
        let e: Error = ApiError::new(ApiErrorKind::Unauthorized, "u").into();
        assert_eq!(e.exit_code(), 1);
    }
}
