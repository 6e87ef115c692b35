//! `talos-sim`: a stand-in Talos daemon for drills and tests. It behaves as
//! docs/format.md says a live daemon does, over the installation at `--root`:
//! PID file, heartbeat, Tier 2/3 logs of simulated tasks, audit records, a
//! flaky dependency behind a circuit breaker, the admin API, SIGNAL_PANIC,
//! SIGTERM; and it can misbehave on purpose (`--fault`).
//!
//! One thread, the event loop, owns all state and answers every request;
//! connection threads only accept and parse. A blocked event loop (`--fault
//! hang`) therefore looks from outside exactly like a real one: connections
//! open, nobody answers, the heartbeat goes stale.

pub mod http;
pub mod preserve;

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use clap::Parser;
use jiff::Timestamp;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal};
use serde_json::{Map, Value, json};

use crate::health::{self, Overall};
use crate::install::Layout;
use crate::timespec::format_ts;
use http::{Incoming, Request, Response};

/// The actor of every audit record the daemon writes.
pub const ACTOR: &str = "system:orchestrator";

/// A misbehaviour to put on for a drill or a test.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// The event loop blocks right after start: connections are accepted and
    /// never answered, the heartbeat stops. SIGTERM and SIGKILL still kill
    /// it (without cleanup); with `ignore-sigterm` only SIGKILL does.
    Hang,
    /// SIGTERM is logged and ignored.
    IgnoreSigterm,
    /// `/health` answers only after this many seconds.
    SlowHealth(f64),
    /// `/health` reports a failing check (503).
    Unhealthy,
    /// `/health` reports a warning (200, degraded).
    Degraded,
    /// Dies by SIGKILL after this many seconds, leaving its PID file behind.
    CrashAfter(f64),
}

impl Fault {
    pub fn parse(s: &str) -> Result<Fault, String> {
        let secs = |v: &str| -> Result<f64, String> {
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .ok_or_else(|| format!("`{v}` is not a number of seconds"))
        };
        Ok(match s.split_once('=') {
            None => match s {
                "hang" => Fault::Hang,
                "ignore-sigterm" => Fault::IgnoreSigterm,
                "unhealthy" => Fault::Unhealthy,
                "degraded" => Fault::Degraded,
                _ => return Err(Self::usage(s)),
            },
            Some(("slow-health", v)) => Fault::SlowHealth(secs(v)?),
            Some(("crash-after", v)) => Fault::CrashAfter(secs(v)?),
            Some(_) => return Err(Self::usage(s)),
        })
    }

    fn usage(s: &str) -> String {
        format!(
            "unknown fault `{s}`: use hang, ignore-sigterm, slow-health=SECS, unhealthy, degraded or crash-after=SECS"
        )
    }
}

/// talos-sim: a stand-in Talos daemon for drills and tests.
///
/// Serves the admin API of docs/format.md over the installation at --root and
/// prints its base URL as the first line on stdout. Writes the PID file and a
/// heartbeat every second, logs simulated tasks (Tier 2 and 3), records audit
/// events, drives a flaky dependency's circuit breaker, watches SIGNAL_PANIC,
/// and exits cleanly on SIGTERM or a panic.
#[derive(Debug, Parser)]
#[command(name = "talos-sim", version)]
pub struct SimArgs {
    /// Root of the installation (as made by `talos sandbox init`)
    #[arg(long, value_name = "DIR")]
    pub root: PathBuf,
    /// Address to listen on; port 0 picks a free port
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Serve HTTPS with this certificate chain (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// Private key for --tls-cert (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Seconds between checks for var/lib/talos/SIGNAL_PANIC
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    pub signal_poll: f64,
    /// Misbehave: hang, ignore-sigterm, slow-health=SECS, unhealthy, degraded, crash-after=SECS (repeatable)
    #[arg(long = "fault", value_name = "FAULT", value_parser = Fault::parse)]
    pub faults: Vec<Fault>,
    /// The breaker of the simulated flaky dependency, or `none`
    #[arg(long, value_name = "NAME", default_value = "llm_api")]
    pub flaky: String,
    /// Seconds the flaky dependency is up, then down, in a cycle
    #[arg(long, value_name = "UP,DOWN", default_value = "30,15", value_parser = parse_cycle)]
    pub flaky_cycle: (f64, f64),
    /// Seconds between simulated tasks
    #[arg(long, value_name = "SECS", default_value_t = 2.0)]
    pub task_interval: f64,
}

fn parse_cycle(s: &str) -> Result<(f64, f64), String> {
    let (a, b) = s
        .split_once(',')
        .ok_or_else(|| format!("`{s}` is not UP,DOWN"))?;
    let p = |v: &str| {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| format!("`{v}` is not a number of seconds"))
    };
    Ok((p(a)?, p(b)?))
}

static TERM: AtomicBool = AtomicBool::new(false);

extern "C" fn on_term(_: nix::libc::c_int) {
    TERM.store(true, Ordering::SeqCst);
}

fn set_handler(sig: Signal, handler: SigHandler) {
    let action = SigAction::new(handler, SaFlags::SA_RESTART, SigSet::empty());
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        let _ = nix::sys::signal::sigaction(sig, &action);
    }
}

/// Entry point of the `talos-sim` binary.
pub fn main() -> ExitCode {
    let args = SimArgs::parse();
    match Sim::start(args) {
        Ok((sim, rx)) => sim.run(rx),
        Err(e) => {
            eprintln!("talos-sim: {e}");
            ExitCode::from(1)
        }
    }
}

/// Why the event loop stopped.
enum Stop {
    Sigterm,
    Panic {
        method: &'static str,
        reason: String,
        preserve_state: bool,
        recovery_token: String,
    },
}

struct Sim {
    args: SimArgs,
    layout: Layout,
    pid: u32,
    started: Instant,
    started_at: Timestamp,
    restarts: u32,
    breakers: Value,
    db: Option<rusqlite::Connection>,
    rng: u64,
    last_heartbeat: Instant,
    next_task: Instant,
    next_signal_check: Instant,
    crash_at: Option<Instant>,
    /// The tasks table did not take a row once: do not say it again.
    tasks_table_failed: bool,
}

impl Sim {
    fn has(&self, f: &Fault) -> bool {
        self.args.faults.contains(f)
    }

    fn start(args: SimArgs) -> Result<(Sim, mpsc::Receiver<Incoming>), String> {
        let layout = Layout::new(&args.root);
        if !layout.data_dir.is_dir() {
            return Err(format!(
                "{} is not an installation: {} does not exist (create one with `talos sandbox init DIR`)",
                args.root.display(),
                layout.data_dir.display()
            ));
        }
        let pid = std::process::id();
        // Never run two daemons on one installation: that is split brain.
        if let Ok(crate::process::PidStatus::Verified { process, .. }) =
            crate::process::check_pid_file(&layout.pid_file, "talos")
            && process.pid != pid
        {
            return Err(format!(
                "another daemon (PID {}) is running on this installation ({})",
                process.pid,
                layout.pid_file.display()
            ));
        }
        let tls = match (&args.tls_cert, &args.tls_key) {
            (Some(c), Some(k)) => Some(http::tls_config(c, k)?),
            _ => None,
        };
        let listener = TcpListener::bind(&args.listen)
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{addr}");

        for dir in [&layout.run_dir, &layout.state_dir, &layout.log_dir] {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let now = Instant::now();
        let seed = u64::from(pid) ^ (Timestamp::now().as_nanosecond() as u64) | 1;
        let crash_at = args.faults.iter().find_map(|f| match f {
            Fault::CrashAfter(s) => Some(now + Duration::from_secs_f64(*s)),
            _ => None,
        });
        let mut sim = Sim {
            layout,
            pid,
            started: now,
            started_at: Timestamp::now(),
            restarts: 0,
            breakers: json!({"breakers": {}}),
            db: None,
            rng: seed,
            last_heartbeat: now,
            next_task: now + Duration::from_secs_f64(args.task_interval.min(1.0)),
            next_signal_check: now,
            crash_at,
            tasks_table_failed: false,
            args,
        };
        sim.load_breakers();
        sim.open_db();
        sim.write_pid_file()?;
        sim.heartbeat();
        sim.save_state("running");

        set_handler(Signal::SIGTERM, SigHandler::Handler(on_term));
        set_handler(Signal::SIGINT, SigHandler::Handler(on_term));

        sim.audit(
            "daemon_start",
            json!({"pid": pid, "url": url, "faults": sim.fault_names()}),
        );
        let cid = new_id(&mut sim.rng);
        sim.log2(
            "INFO",
            "orchestrator",
            &format!("Orchestrator started (pid {pid}, listening on {url})"),
            &cid,
            None,
        );

        let (tx, rx) = mpsc::channel();
        let slow = sim.args.faults.iter().find_map(|f| match f {
            Fault::SlowHealth(s) => Some(Duration::from_secs_f64(*s)),
            _ => None,
        });
        let delay: http::Delay = Arc::new(move |r: &Request| slow.filter(|_| r.path == "/health"));
        std::thread::spawn(move || http::serve(listener, tls, delay, tx));

        // The URL is the first line on stdout: whoever started us waits for it.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{url}");
        let _ = out.flush();
        drop(out);
        eprintln!(
            "talos-sim: pid {pid}, serving {url} for {}",
            sim.layout.root.display()
        );
        Ok((sim, rx))
    }

    fn fault_names(&self) -> Vec<String> {
        self.args.faults.iter().map(|f| format!("{f:?}")).collect()
    }

    fn run(mut self, rx: mpsc::Receiver<Incoming>) -> ExitCode {
        if self.has(&Fault::Hang) {
            self.hang();
        }
        let poll = Duration::from_secs_f64(self.args.signal_poll.max(0.05));
        loop {
            if TERM.swap(false, Ordering::SeqCst) {
                if self.has(&Fault::IgnoreSigterm) {
                    let cid = new_id(&mut self.rng);
                    self.log2(
                        "WARN",
                        "orchestrator",
                        "SIGTERM received and ignored (fault ignore-sigterm)",
                        &cid,
                        None,
                    );
                } else {
                    return self.stop(Stop::Sigterm);
                }
            }
            let now = Instant::now();
            if self.crash_at.is_some_and(|t| now >= t) {
                crash();
            }
            if now.duration_since(self.last_heartbeat) >= Duration::from_secs(1) {
                self.heartbeat();
                self.tick_breaker();
            }
            if now >= self.next_task {
                self.next_task = now + Duration::from_secs_f64(self.args.task_interval.max(0.1));
                self.run_task();
            }
            if now >= self.next_signal_check {
                self.next_signal_check = now + poll;
                if let Some(stop) = self.check_signal_file() {
                    return self.stop(stop);
                }
            }
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(inc) => {
                    if let Some(stop) = self.handle(inc) {
                        return self.stop(stop);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return self.stop(Stop::Sigterm),
            }
        }
    }

    /// The blocked event loop: nothing is answered, the heartbeat stops.
    /// SIGTERM gets its default action (death without cleanup), or is
    /// ignored with `ignore-sigterm`; SIGKILL always works.
    fn hang(&mut self) -> ! {
        let cid = new_id(&mut self.rng);
        self.log2(
            "ERROR",
            "health_check",
            "Event loop blocked (fault hang)",
            &cid,
            Some(json!({"code": "T007", "type": "EventLoopBlocked", "recoverable": false})),
        );
        let ignore = self.has(&Fault::IgnoreSigterm);
        let disposition = if ignore {
            SigHandler::SigIgn
        } else {
            SigHandler::SigDfl
        };
        set_handler(Signal::SIGTERM, disposition);
        set_handler(Signal::SIGINT, SigHandler::SigDfl);
        if TERM.load(Ordering::SeqCst) && !ignore {
            std::process::exit(143);
        }
        loop {
            if let Some(t) = self.crash_at
                && Instant::now() >= t
            {
                crash();
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    // ---- files -------------------------------------------------------------

    fn write_pid_file(&self) -> Result<(), String> {
        crate::fsutil::write_atomic(
            &self.layout.pid_file,
            format!("{}\n", self.pid).as_bytes(),
            0o644,
        )
        .map_err(|e| format!("cannot write the PID file: {e}"))
    }

    fn heartbeat(&mut self) {
        self.last_heartbeat = Instant::now();
        let line = format!("{}\n", format_ts(Timestamp::now()));
        if let Err(e) =
            crate::fsutil::write_atomic(&self.layout.heartbeat(), line.as_bytes(), 0o644)
        {
            eprintln!("talos-sim: cannot write the heartbeat: {e}");
        }
    }

    /// Saves the daemon's own state to STATE_DIR/orchestrator.json (docs/format.md
    /// §2: a stopping daemon saves state): status, PID, start time and the
    /// time of this checkpoint. Every other key of the file is kept.
    fn save_state(&self, status: &str) {
        let path = self.layout.orchestrator_state();
        let mut doc = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .filter(Value::is_object)
            .unwrap_or_else(|| json!({}));
        let map = doc.as_object_mut().expect("object");
        map.insert("status".into(), json!(status));
        map.insert("pid".into(), json!(self.pid));
        map.insert("started_at".into(), json!(format_ts(self.started_at)));
        map.insert("last_checkpoint".into(), json!(format_ts(Timestamp::now())));
        map.insert("active_tasks".into(), json!([]));
        if let Err(e) =
            crate::fsutil::write_json_atomic(&path, &doc, crate::install::SECRET_FILE_MODE)
        {
            eprintln!("talos-sim: cannot save {}: {e}", path.display());
        }
    }

    fn load_breakers(&mut self) {
        let path = self.layout.breakers_file();
        match std::fs::read_to_string(&path) {
            Ok(text) => match crate::breakers::BreakerFile::parse(&path, &text) {
                Ok(doc) => self.breakers = doc,
                Err(e) => {
                    let cid = new_id(&mut self.rng);
                    self.log2(
                        "ERROR",
                        "state_manager",
                        &format!("Cannot read circuit breaker state, starting with none: {e}"),
                        &cid,
                        None,
                    );
                }
            },
            Err(_) => self.breakers = json!({"breakers": {}}),
        }
        let name = self.args.flaky.clone();
        if name != "none" {
            let map = self.breaker_map();
            if !map.contains_key(&name) {
                map.insert(
                    name,
                    json!({"state": "closed", "failure_count": 0, "failure_threshold": 5,
                           "recovery_timeout_s": 60, "opened_at": null, "last_failure": null}),
                );
                self.save_breakers();
            }
        }
    }

    fn breaker_map(&mut self) -> &mut Map<String, Value> {
        if !self.breakers.get("breakers").is_some_and(Value::is_object) {
            self.breakers["breakers"] = json!({});
        }
        self.breakers["breakers"].as_object_mut().expect("object")
    }

    fn save_breakers(&self) {
        let file = crate::breakers::BreakerFile {
            path: self.layout.breakers_file(),
            doc: self.breakers.clone(),
        };
        if let Err(e) = file.save() {
            eprintln!("talos-sim: cannot save circuit breakers: {e}");
        }
    }

    fn open_db(&mut self) {
        if !self.layout.db.is_file() {
            let cid = new_id(&mut self.rng);
            self.log2(
                "ERROR",
                "state_manager",
                &format!("Database {} not found", self.layout.db.display()),
                &cid,
                Some(json!({"code": "T002", "type": "DatabaseMissing", "recoverable": false})),
            );
            return;
        }
        match rusqlite::Connection::open(&self.layout.db).and_then(|c| {
            c.busy_timeout(Duration::from_secs(2))?;
            c.execute_batch(
                "CREATE TABLE IF NOT EXISTS audit_log (seq INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, hash TEXT NOT NULL);",
            )?;
            Ok(c)
        }) {
            Ok(c) => self.db = Some(c),
            Err(e) => eprintln!("talos-sim: cannot open the database: {e}"),
        }
    }

    /// Appends an audit record under the flock of §3, then anchors it in
    /// the database's `audit_log` table.
    fn audit(&mut self, action: &str, details: Value) {
        let ts = format_ts(Timestamp::now());
        match crate::audit::append_in(&self.layout.audit_dir, ACTOR, action, &details, &ts) {
            Ok(a) => {
                if let Some(db) = &self.db
                    && let Err(e) = db.execute(
                        "INSERT OR REPLACE INTO audit_log (seq, timestamp, actor, action, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
                        rusqlite::params![a.seq as i64, ts, ACTOR, action, a.hash],
                    )
                {
                    eprintln!("talos-sim: cannot anchor audit record {}: {e}", a.seq);
                }
            }
            Err(e) => eprintln!("talos-sim: cannot append to the audit log: {e}"),
        }
    }

    fn append(&self, path: PathBuf, line: &Value) {
        let mut text = line.to_string();
        text.push('\n');
        let res = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()));
        if let Err(e) = res {
            eprintln!("talos-sim: cannot write {}: {e}", path.display());
        }
    }

    /// One Tier 2 line (docs/format.md).
    fn log2(&self, level: &str, component: &str, message: &str, cid: &str, error: Option<Value>) {
        let mut line = json!({
            "timestamp": format_ts(Timestamp::now()),
            "level": level,
            "component": component,
            "message": message,
            "correlation_id": cid,
            "context": {"request_id": cid},
            "metadata": {"pid": self.pid},
        });
        if let Some(e) = error {
            line["error"] = e;
        }
        self.append(self.layout.orchestrator_log(), &line);
    }

    // ---- the simulated work --------------------------------------------------

    fn dependency_up(&self) -> bool {
        let (up, down) = self.args.flaky_cycle;
        let period = up + down;
        if period <= 0.0 {
            return true;
        }
        self.started.elapsed().as_secs_f64() % period < up
    }

    /// One task: Tier 3 entry, a call to the flaky dependency (child
    /// correlation id), Tier 2 result; the breaker decides whether the call
    /// is made at all.
    fn run_task(&mut self) {
        let cid = new_id(&mut self.rng);
        let task_id = format!("task_{}", &new_id(&mut self.rng)[..8]);
        let now = Timestamp::now();
        self.append(
            self.layout.debug_log(),
            &json!({
                "timestamp": format_ts(now),
                "level": "DEBUG",
                "component": "task_executor",
                "message": "Entering task execution pipeline",
                "correlation_id": cid,
                "context": {"request_id": cid, "call_depth": 1, "function_name": "execute_task",
                            "file_path": "src/core/task_executor.py", "line_number": 156},
                "payload": {"input_params": {"task_id": task_id, "task_type": "analysis"}},
            }),
        );
        let flaky = self.args.flaky.clone();
        let state = if flaky == "none" {
            "closed".to_string()
        } else {
            self.breaker_map()
                .get(&flaky)
                .and_then(|b| b.get("state"))
                .and_then(Value::as_str)
                .unwrap_or("closed")
                .to_string()
        };
        // A breaker forced open rejects like an open one; a disabled one lets
        // every call through (breaker_result then leaves it alone).
        if state == "open" || state == "forced_open" {
            self.log2(
                "WARN",
                "orchestrator",
                &format!("Task {task_id} deferred: circuit breaker {flaky} is open"),
                &cid,
                Some(json!({"code": "T010", "type": "CircuitBreakerOpen", "recoverable": true})),
            );
            self.record_task(&task_id, &cid, "deferred", now);
            return;
        }
        let ok = self.dependency_up();
        let child = format!("{cid}:{}", &new_id(&mut self.rng)[..8]);
        let ms = 50 + self.rng_next() % 400;
        let entry = now
            .checked_sub(jiff::SignedDuration::from_millis(ms as i64))
            .unwrap_or(now);
        self.append(
            self.layout.debug_log(),
            &json!({
                "timestamp": format_ts(Timestamp::now()),
                "level": "TRACE",
                "component": "llm_client",
                "message": if ok { "LLM API response received" } else { "LLM API call timed out" },
                "correlation_id": child,
                "context": {"parent_correlation_id": cid, "call_depth": 2, "function_name": "_handle_response"},
                "payload": {"intermediate_state": {"response_time_ms": ms, "ok": ok}},
                "trace": {"entry_time": format_ts(entry), "exit_time": format_ts(Timestamp::now())},
            }),
        );
        if ok {
            let line = json!({
                "timestamp": format_ts(Timestamp::now()),
                "level": "INFO",
                "component": "orchestrator",
                "message": "Task execution completed successfully",
                "correlation_id": cid,
                "context": {"request_id": cid},
                "metadata": {"pid": self.pid, "task_id": task_id, "duration_ms": ms as f64 + 12.5},
            });
            self.append(self.layout.orchestrator_log(), &line);
        } else {
            self.log2(
                "ERROR",
                "orchestrator",
                &format!("Task {task_id} failed: {flaky} did not answer in time"),
                &cid,
                Some(json!({"code": "T004", "type": "TaskTimeout", "recoverable": true})),
            );
        }
        self.record_task(&task_id, &cid, if ok { "completed" } else { "failed" }, now);
        if flaky != "none" {
            self.breaker_result(&flaky, ok, &cid);
        }
    }

    /// A row in the database's `tasks` table (the sandbox's schema).
    fn record_task(&mut self, id: &str, cid: &str, status: &str, started: Timestamp) {
        let Some(db) = &self.db else { return };
        let res = db.execute(
            "INSERT OR REPLACE INTO tasks (id, type, status, priority, correlation_id, created_at, updated_at, payload) VALUES (?1, 'analysis', ?2, 5, ?3, ?4, ?5, '{}')",
            rusqlite::params![id, status, cid, format_ts(started), format_ts(Timestamp::now())],
        );
        if let Err(e) = res
            && !self.tasks_table_failed
        {
            self.tasks_table_failed = true;
            eprintln!("talos-sim: not recording tasks in the database: {e}");
        }
    }

    fn rng_next(&mut self) -> u64 {
        // xorshift64: plenty for simulated ids and durations.
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }

    fn breaker_result(&mut self, name: &str, ok: bool, cid: &str) {
        let now = format_ts(Timestamp::now());
        let Some(b) = self
            .breaker_map()
            .get_mut(name)
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        let from = b
            .get("state")
            .and_then(Value::as_str)
            .unwrap_or("closed")
            .to_string();
        if crate::breakers::Force::from_state(&from).is_some() {
            // Forced states change only through the admin API.
            return;
        }
        let threshold = b
            .get("failure_threshold")
            .and_then(Value::as_u64)
            .unwrap_or(5);
        let count = b.get("failure_count").and_then(Value::as_u64).unwrap_or(0);
        let to = match (from.as_str(), ok) {
            ("half_open", true) => {
                crate::breakers::reset_value(b);
                "closed"
            }
            ("half_open", false) => {
                b.insert("state".into(), json!("open"));
                b.insert("opened_at".into(), json!(now));
                b.insert("last_failure".into(), json!(now));
                b.insert("failure_count".into(), json!(count + 1));
                "open"
            }
            (_, true) => {
                if count == 0 {
                    return;
                }
                b.insert("failure_count".into(), json!(0));
                "closed"
            }
            (_, false) => {
                b.insert("failure_count".into(), json!(count + 1));
                b.insert("last_failure".into(), json!(now));
                if count + 1 >= threshold {
                    b.insert("state".into(), json!("open"));
                    b.insert("opened_at".into(), json!(now));
                    "open"
                } else {
                    "closed"
                }
            }
        };
        self.save_breakers();
        if from != to {
            self.transition(name, &from, to, cid);
        }
    }

    /// open → half_open once `recovery_timeout_s` has passed.
    fn tick_breaker(&mut self) {
        let name = self.args.flaky.clone();
        if name == "none" {
            return;
        }
        let now = Timestamp::now();
        let Some(b) = self
            .breaker_map()
            .get_mut(&name)
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        if b.get("state").and_then(Value::as_str) != Some("open") {
            return;
        }
        let timeout = b
            .get("recovery_timeout_s")
            .and_then(Value::as_f64)
            .unwrap_or(60.0);
        let opened: Option<Timestamp> = b
            .get("opened_at")
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok());
        let due = opened.is_none_or(|t| now.duration_since(t).as_secs_f64() >= timeout);
        if due {
            b.insert("state".into(), json!("half_open"));
            self.save_breakers();
            let cid = new_id(&mut self.rng);
            self.transition(&name, "open", "half_open", &cid);
        }
    }

    fn transition(&mut self, name: &str, from: &str, to: &str, cid: &str) {
        let (level, error) = if to == "open" {
            (
                "ERROR",
                Some(json!({"code": "T010", "type": "CircuitBreakerOpen", "recoverable": true})),
            )
        } else {
            ("INFO", None)
        };
        self.log2(
            level,
            "orchestrator",
            &format!("Circuit breaker {name} {from} -> {to}"),
            cid,
            error,
        );
        self.audit(
            "circuit_breaker_transition",
            json!({"name": name, "from": from, "to": to}),
        );
    }

    // ---- SIGNAL_PANIC ------------------------------------------------------

    fn check_signal_file(&mut self) -> Option<Stop> {
        let path = self.layout.signal_panic();
        let text = std::fs::read_to_string(&path).ok()?;
        let doc: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let reason = doc
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("SIGNAL_PANIC file found")
            .to_string();
        let preserve_state = doc
            .get("preserve_state")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        Some(Stop::Panic {
            method: "signal_file",
            reason,
            preserve_state,
            recovery_token: new_id(&mut self.rng),
        })
    }

    // ---- the API -----------------------------------------------------------

    fn authorized(&self, req: &Request) -> Result<(), Response> {
        let token = std::fs::read_to_string(&self.layout.token_file)
            .ok()
            .and_then(|t| t.lines().next().map(|l| l.trim().to_string()))
            .filter(|t| !t.is_empty());
        let given = req
            .header("authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim);
        match (token, given) {
            (_, None) => Err(Response::json(
                401,
                &json!({"error": "unauthorized", "message": "missing Bearer token"}),
            )),
            (Some(t), Some(g)) if constant_time_eq(t.as_bytes(), g.as_bytes()) => Ok(()),
            _ => Err(Response::json(
                401,
                &json!({"error": "unauthorized", "message": "invalid token"}),
            )),
        }
    }

    fn handle(&mut self, inc: Incoming) -> Option<Stop> {
        let Incoming { request, mut conn } = inc;
        let path = request.path.split('?').next().unwrap_or("").to_string();
        let method = request.method.as_str();
        let mut stop = None;
        let resp = match (method, path.as_str()) {
            ("GET", "/health") => self.health(),
            ("GET", "/metrics/circuit_breakers") => {
                Response::json(200, &Value::Object(self.breaker_map().clone()))
            }
            ("POST", "/api/v1/emergency/panic") => match self.authorized(&request) {
                Err(r) => r,
                Ok(()) => match self.panic_request(&request) {
                    Ok((resp, s)) => {
                        stop = Some(s);
                        resp
                    }
                    Err(r) => r,
                },
            },
            ("POST", "/admin/restart") => match self.authorized(&request) {
                Err(r) => r,
                Ok(()) => {
                    let r = Response::json(
                        202,
                        &json!({"status": "accepted", "restart_initiated": true}),
                    );
                    let _ = http::write_response(&mut *conn, &r);
                    drop(conn);
                    self.restart();
                    return None;
                }
            },
            ("POST", p) if p.starts_with("/admin/circuit-breakers/") && p.ends_with("/reset") => {
                match self.authorized(&request) {
                    Err(r) => r,
                    Ok(()) => {
                        let name = p
                            .trim_start_matches("/admin/circuit-breakers/")
                            .trim_end_matches("/reset")
                            .to_string();
                        self.reset_breaker(&name)
                    }
                }
            }
            ("POST", p)
                if p.starts_with("/admin/circuit-breakers/")
                    && (p.ends_with("/force-open") || p.ends_with("/disable")) =>
            {
                match self.authorized(&request) {
                    Err(r) => r,
                    Ok(()) => {
                        let rest = p.trim_start_matches("/admin/circuit-breakers/");
                        let (name, action) = rest.rsplit_once('/').unwrap_or((rest, ""));
                        let force =
                            crate::breakers::Force::from_api_action(action).expect("matched above");
                        self.force_breaker(name, force, &request.body)
                    }
                }
            }
            (
                _,
                "/health"
                | "/metrics/circuit_breakers"
                | "/api/v1/emergency/panic"
                | "/admin/restart",
            ) => Response::json(405, &json!({"error": "method not allowed"})),
            _ => Response::json(404, &json!({"error": "not found", "path": path})),
        };
        let _ = http::write_response(&mut *conn, &resp);
        drop(conn);
        stop
    }

    fn health(&mut self) -> Response {
        let now = Timestamp::now();
        let mut orchestrator = health::heartbeat_check(&self.layout.heartbeat(), now);
        if self.has(&Fault::Unhealthy) {
            orchestrator.status = health::CheckStatus::Fail;
            orchestrator.message = "fault injected: unhealthy".into();
        } else if self.has(&Fault::Degraded) {
            orchestrator.status = health::CheckStatus::Warn;
            orchestrator.message = "fault injected: degraded (event loop lag)".into();
            if let health::Detail::Heartbeat(h) = &mut orchestrator.detail {
                h.event_loop_blocked = Some(false);
                h.block_duration_ms = Some(1500);
            }
        }
        let mut database = health::database_check(&self.layout.db, false, Duration::from_secs(1));
        if let health::Detail::Database(d) = &mut database.detail {
            d.connection_pool = Some(json!({"active": 1, "idle": 0, "max": 1}));
        }
        let limits = health::Limits::from_config(&self.layout);
        let mut checks = health::Checks::default();
        checks.insert("orchestrator", orchestrator);
        checks.insert("database", database);
        checks.insert("memory", health::memory_check_within(&limits));
        checks.insert(
            "disk",
            health::disk_check_within(&self.layout.data_dir, &limits),
        );
        let status = Overall::from_checks(checks.values());
        let code = if status == Overall::Unhealthy {
            503
        } else {
            200
        };
        Response::json(
            code,
            &json!({
                "status": status.as_str(),
                "timestamp": format_ts(now),
                "version": crate::VERSION,
                "checks": checks,
                "uptime_seconds": self.started.elapsed().as_secs(),
                "pid": self.pid,
                "started_at": format_ts(self.started_at),
                "restarts": self.restarts,
            }),
        )
    }

    fn panic_request(&mut self, req: &Request) -> Result<(Response, Stop), Response> {
        let body: Value = if req.body.iter().all(u8::is_ascii_whitespace) {
            json!({})
        } else {
            serde_json::from_slice(&req.body).map_err(|e| {
                Response::json(
                    400,
                    &json!({"error": "bad request", "message": format!("body is not JSON: {e}")}),
                )
            })?
        };
        let reason = body
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("panic requested through the API")
            .to_string();
        let preserve_state = body
            .get("preserve_state")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let token = new_id(&mut self.rng) + &new_id(&mut self.rng);
        let eta = Timestamp::now()
            .checked_add(jiff::SignedDuration::from_secs(5))
            .unwrap_or(Timestamp::now());
        let resp = Response::json(
            202,
            &json!({
                "status": "accepted",
                "shutdown_initiated": true,
                "state_preserved": preserve_state,
                "estimated_completion": format_ts(eta),
                "recovery_token": token,
            }),
        );
        Ok((
            resp,
            Stop::Panic {
                method: "api",
                reason,
                preserve_state,
                recovery_token: token,
            },
        ))
    }

    fn reset_breaker(&mut self, name: &str) -> Response {
        let map = self.breaker_map();
        let Some(b) = map.get_mut(name).and_then(Value::as_object_mut) else {
            let known: Vec<&String> = map.keys().collect();
            return Response::json(
                404,
                &json!({"error": "not found", "message": format!("unknown circuit breaker `{name}`"), "known": known}),
            );
        };
        let from = b
            .get("state")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string();
        crate::breakers::reset_value(b);
        self.save_breakers();
        let cid = new_id(&mut self.rng);
        self.log2(
            "INFO",
            "orchestrator",
            &format!("Circuit breaker {name} reset through the admin API ({from} -> closed)"),
            &cid,
            None,
        );
        self.audit(
            "circuit_breaker_reset",
            json!({"name": name, "from": from, "via": "api"}),
        );
        Response::json(200, &json!({"name": name, "state": "closed"}))
    }

    /// `POST /admin/circuit-breakers/<name>/{force-open,disable}`, body
    /// `{"reason": "...", "actor": "..."}` (reason required).
    fn force_breaker(
        &mut self,
        name: &str,
        force: crate::breakers::Force,
        body: &[u8],
    ) -> Response {
        let bad = |m: String| Response::json(400, &json!({"error": "bad request", "message": m}));
        let body: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return bad(format!("body is not JSON: {e}")),
        };
        let Some(reason) = body
            .get("reason")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string)
        else {
            return bad("a `reason` is required".into());
        };
        let actor = body
            .get("actor")
            .and_then(Value::as_str)
            .unwrap_or("api")
            .to_string();
        let now = format_ts(Timestamp::now());
        let map = self.breaker_map();
        let Some(b) = map.get_mut(name).and_then(Value::as_object_mut) else {
            let known: Vec<&String> = map.keys().collect();
            return Response::json(
                404,
                &json!({"error": "not found", "message": format!("unknown circuit breaker `{name}`"), "known": known}),
            );
        };
        let from = b
            .get("state")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string();
        crate::breakers::force_value(b, force, &actor, &now, &reason);
        let answer = Value::Object(b.clone());
        self.save_breakers();
        let cid = new_id(&mut self.rng);
        self.log2(
            "WARN",
            "orchestrator",
            &format!(
                "Circuit breaker {name} {} through the admin API by {actor} ({from} -> {}): {reason}",
                if force == crate::breakers::Force::ForcedOpen { "forced open" } else { "disabled" },
                force.as_str()
            ),
            &cid,
            None,
        );
        self.audit(
            "circuit_breaker_forced",
            json!({"name": name, "from": from, "to": force.as_str(), "reason": reason, "by": actor, "via": "api"}),
        );
        let mut doc = json!({"name": name, "state": force.as_str()});
        doc["breaker"] = answer;
        Response::json(200, &doc)
    }

    /// A restart in place: stop work, save state, then start again as a
    /// fresh daemon would (re-read breakers, new uptime, PID file and
    /// heartbeat rewritten). The PID stays the same, as after an exec.
    fn restart(&mut self) {
        let cid = new_id(&mut self.rng);
        self.log2(
            "WARN",
            "orchestrator",
            "Restart requested through the admin API",
            &cid,
            None,
        );
        self.save_breakers();
        self.audit("daemon_restart", json!({"pid": self.pid, "via": "api"}));
        std::thread::sleep(Duration::from_millis(300));
        self.load_breakers();
        self.started = Instant::now();
        self.started_at = Timestamp::now();
        self.restarts += 1;
        if let Err(e) = self.write_pid_file() {
            eprintln!("talos-sim: {e}");
        }
        self.heartbeat();
        self.save_state("running");
        self.log2("INFO", "orchestrator", "Orchestrator restarted", &cid, None);
    }

    // ---- stopping ----------------------------------------------------------

    fn stop(mut self, stop: Stop) -> ExitCode {
        self.save_breakers();
        // State first, so an emergency preserve holds the saved state.
        self.save_state(match stop {
            Stop::Sigterm => "stopped",
            Stop::Panic { .. } => "emergency_stopped",
        });
        let cid = new_id(&mut self.rng);
        match stop {
            Stop::Sigterm => {
                self.log2(
                    "INFO",
                    "orchestrator",
                    "SIGTERM received: stopped taking work, state saved, exiting",
                    &cid,
                    None,
                );
                self.audit("daemon_stop", json!({"pid": self.pid, "reason": "sigterm"}));
            }
            Stop::Panic {
                method,
                reason,
                preserve_state,
                recovery_token,
            } => {
                let now = Timestamp::now();
                self.log2(
                    "ERROR",
                    "orchestrator",
                    &format!("Emergency shutdown ({method}): {reason}"),
                    &cid,
                    None,
                );
                let preserve = if preserve_state {
                    match preserve::write(&self.layout, &reason, now) {
                        Ok(p) => Some(p.display().to_string()),
                        Err(e) => {
                            eprintln!("talos-sim: cannot write the emergency preserve: {e}");
                            None
                        }
                    }
                } else {
                    None
                };
                let state = json!({
                    "panic_timestamp": format_ts(now),
                    "reason": reason,
                    "pid": self.pid,
                    "data_dir": self.layout.data_dir.display().to_string(),
                    "recovery_available": true,
                    "force_shutdown": false,
                    "method": method,
                    "preserve": preserve,
                    "recovery_token": recovery_token,
                });
                if let Err(e) = crate::fsutil::write_json_atomic(
                    &self.layout.emergency_state(),
                    &state,
                    crate::install::SECRET_FILE_MODE,
                ) {
                    eprintln!("talos-sim: cannot write emergency_state.json: {e}");
                }
                self.audit(
                    "emergency_panic",
                    json!({"method": method, "reason": reason, "preserve": preserve}),
                );
                if method == "signal_file" {
                    let _ = std::fs::remove_file(self.layout.signal_panic());
                }
            }
        }
        let _ = std::fs::remove_file(&self.layout.pid_file);
        eprintln!("talos-sim: pid {} exited cleanly", self.pid);
        ExitCode::SUCCESS
    }
}

/// Dies at once, as the OOM killer would: no cleanup, PID file left behind.
fn crash() -> ! {
    let _ = nix::sys::signal::raise(Signal::SIGKILL);
    std::process::abort()
}

/// A 16-hex-digit correlation id (docs/format.md).
fn new_id(rng: &mut u64) -> String {
    let mut x = *rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *rng = x;
    format!("{x:016x}")
}

/// Compares secrets without leaking where they differ through timing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse() {
        assert_eq!(Fault::parse("hang").unwrap(), Fault::Hang);
        assert_eq!(
            Fault::parse("slow-health=2.5").unwrap(),
            Fault::SlowHealth(2.5)
        );
        assert_eq!(
            Fault::parse("crash-after=1").unwrap(),
            Fault::CrashAfter(1.0)
        );
        assert!(Fault::parse("crash-after=x").is_err());
        assert!(Fault::parse("explode").is_err());
    }

    #[test]
    fn ids_are_16_hex() {
        let mut rng = 12345;
        let a = new_id(&mut rng);
        let b = new_id(&mut rng);
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn constant_time_eq_works() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
