//! Real `talos-sim` daemons for black-box tests.
//!
//! ```ignore
//! let dir = tempfile::tempdir().unwrap();
//! Install::minimal().create(dir.path());        // or Install::live()
//! let mut d = Sim::start(dir.path(), &["--signal-poll", "0.2"]);
//! talos_at(dir.path()).args(["--url", &d.url, "health"]).assert().code(0);
//! d.kill();                                      // SIGKILL: leaves a stale PID file
//! ```
//!
//! `Sim::start` listens on 127.0.0.1 with a free port (unless the extra
//! arguments give `--listen`), waits at most `START_TIMEOUT` for the URL
//! line, and on drop kills and reaps the child: only that PID, never by
//! name. Its stderr is kept and shown when a start fails (`Sim::stderr`).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// How long a sim may take to print its URL.
pub const START_TIMEOUT: Duration = Duration::from_secs(15);

/// The admin token `Install::minimal()` writes.
pub const TOKEN: &str = "test-admin-token-0123456789abcdef";

/// A running `talos-sim`.
pub struct Sim {
    /// Base URL, e.g. `http://127.0.0.1:41234` (https with --tls-cert).
    pub url: String,
    /// The daemon's PID (also what it wrote to its PID file).
    pub pid: u32,
    pub child: Child,
    pub root: PathBuf,
    stderr: Arc<Mutex<String>>,
}

impl Sim {
    /// Starts `talos-sim --root ROOT --listen 127.0.0.1:0 EXTRA...` and waits
    /// for its URL. Panics (with the sim's stderr) if it does not come up.
    pub fn start(root: &Path, extra: &[&str]) -> Sim {
        match Sim::try_start(root, extra) {
            Ok(s) => s,
            Err(e) => panic!("talos-sim did not start: {e}"),
        }
    }

    /// Like `start`, returning the failure (with the sim's stderr) instead.
    pub fn try_start(root: &Path, extra: &[&str]) -> Result<Sim, String> {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_talos-sim"));
        cmd.arg("--root").arg(root);
        if !extra
            .iter()
            .any(|a| *a == "--listen" || a.starts_with("--listen="))
        {
            cmd.args(["--listen", "127.0.0.1:0"]);
        }
        cmd.args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| format!("cannot spawn: {e}"))?;
        let pid = child.id();

        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });

        // The URL is the first stdout line; read it on a thread so the wait
        // is bounded, then keep draining so the sim never blocks on a pipe.
        let out = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(out);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest);
        });
        let line = rx.recv_timeout(START_TIMEOUT).unwrap_or_default();
        let url = line.trim().to_string();
        let mut sim = Sim {
            url,
            pid,
            child,
            root: root.to_path_buf(),
            stderr,
        };
        if !sim.url.starts_with("http") {
            // Give stderr a moment to arrive for the message.
            let status = sim.wait_exit(Duration::from_millis(500));
            // The stderr pipe is drained on a thread, and unbuffered stderr
            // arrives in several writes: wait for the whole last line.
            wait_for(Duration::from_secs(2), || sim.stderr().ends_with('\n'));
            return Err(format!(
                "no URL within {START_TIMEOUT:?} (exit: {status:?}); stderr:\n{}",
                sim.stderr()
            ));
        }
        Ok(sim)
    }

    /// The port the sim listens on.
    pub fn port(&self) -> u16 {
        self.url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("URL ends with a port")
    }

    /// Everything the sim wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The PID file of the installation.
    pub fn pid_file(&self) -> PathBuf {
        self.root.join("var/run/talos/orchestrator.pid")
    }

    /// True while the child has not exited.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits up to `timeout` for the child to exit; its status if it did.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(st)) => return Some(st),
                Ok(None) if Instant::now() >= deadline => return None,
                Ok(None) => std::thread::sleep(Duration::from_millis(25)),
                Err(_) => return None,
            }
        }
    }

    /// Sends a signal to this child only (nothing if it has exited and been reaped).
    pub fn signal(&mut self, sig: nix::sys::signal::Signal) {
        if self.is_running() {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.pid as i32), sig);
        }
    }

    /// SIGTERM, then wait up to `timeout` for a clean exit.
    pub fn terminate(&mut self, timeout: Duration) -> Option<ExitStatus> {
        self.signal(nix::sys::signal::Signal::SIGTERM);
        self.wait_exit(timeout)
    }

    /// SIGKILL and reap: the daemon dies without cleanup, so its PID file
    /// stays behind, stale.
    pub fn kill(&mut self) {
        if self.is_running() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Waits up to `timeout` for `cond`, polling every 50 ms.
pub fn wait_for(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `Install::minimal()`: config.yaml, secrets/admin_token (`TOKEN`),
/// state/circuit_breakers.json (`llm_api` closed, `payments_api` open,
/// plus an extra top-level key), and db/talos.db with tables tasks, sessions
/// and audit_log. Returns the token.
pub(super) fn minimal_files(root: &Path) -> &'static str {
    use std::os::unix::fs::PermissionsExt;
    let mk = |p: &str, mode: u32| {
        let d = root.join(p);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    mk("etc/talos", 0o750);
    mk("etc/talos/secrets", 0o700);
    mk("etc/talos/ssl", 0o750);
    mk("var/lib/talos", 0o700);
    mk("var/lib/talos/state", 0o700);
    mk("var/lib/talos/db", 0o700);
    mk("var/log/talos/audit", 0o750);
    mk("var/run/talos", 0o755);
    mk("var/backups/talos", 0o700);
    let write = |p: &str, text: &str| {
        let f = root.join(p);
        std::fs::write(&f, text).unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
    };
    write(
        "etc/talos/config.yaml",
        "version: \"4.0\"\norchestrator:\n  process_match: talos\nlogging:\n  level: INFO\n",
    );
    super::ignore_host_limits(root);
    write("etc/talos/secrets/admin_token", &format!("{TOKEN}\n"));
    write(
        "var/lib/talos/state/circuit_breakers.json",
        r#"{
  "schema": 1,
  "breakers": {
    "llm_api": {"state": "closed", "failure_count": 0, "failure_threshold": 5, "recovery_timeout_s": 60, "opened_at": null, "last_failure": null},
    "payments_api": {"state": "open", "failure_count": 7, "failure_threshold": 5, "recovery_timeout_s": 3600, "opened_at": "2024-01-15T08:24:12Z", "last_failure": "2024-01-15T08:24:12Z", "note": "keep me"}
  }
}
"#,
    );
    let db = root.join("var/lib/talos/db/talos.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode=WAL;
         CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, type TEXT NOT NULL, status TEXT NOT NULL, priority INTEGER NOT NULL, correlation_id TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, payload TEXT);
         CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, created_at TEXT);
         CREATE TABLE IF NOT EXISTS audit_log (seq INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, hash TEXT NOT NULL);",
    )
    .unwrap();
    drop(conn);
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
    TOKEN
}

/// Files for an HTTPS sim: a self-signed CA and a server certificate it
/// signed for `127.0.0.1` and `localhost`.
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Writes `ca.pem`, `cert.pem` and `key.pem` into `dir`.
pub fn tls_files(dir: &Path) -> TlsFiles {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    std::fs::create_dir_all(dir).unwrap();
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "talos test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "talos-sim");
    let cert = params.signed_by(&key, &issuer).unwrap();
    let files = TlsFiles {
        ca: dir.join("ca.pem"),
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
    };
    std::fs::write(&files.ca, ca_cert.pem()).unwrap();
    std::fs::write(&files.cert, cert.pem()).unwrap();
    std::fs::write(&files.key, key.serialize_pem()).unwrap();
    files
}
