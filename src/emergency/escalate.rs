//! The escalation of `talos panic`: four rungs, stopping at the first that
//! works (docs/format.md).
//!
//! 1. `api`: `POST /api/v1/emergency/panic`, then wait for the process to exit;
//! 2. `signal_file`: write `DATA_DIR/SIGNAL_PANIC`, wait for the watchdog;
//! 3. `sigterm`: SIGTERM to the verified PID, wait the grace;
//! 4. `sigkill`: SIGKILL to the verified PID.
//!
//! Rungs 3 and 4 need a `VerifiedPid`; without one they are skipped, never
//! aimed at a guess. Each signal re-verifies the PID first. "Stopped" means
//! the verified process is gone; without a PID it means nothing listens on
//! the API any more (a port that accepts and never answers is a hung daemon,
//! not a stopped one) and the heartbeat has stopped.

use std::path::Path;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use serde::Serialize;

use super::PanicLog;
use super::state::Method;
use crate::error::ErrorKind;
use crate::fsutil;
use crate::install::Layout;
use crate::process::VerifiedPid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rung {
    Api,
    SignalFile,
    Sigterm,
    Sigkill,
}

impl Rung {
    pub const ALL: [Rung; 4] = [Rung::Api, Rung::SignalFile, Rung::Sigterm, Rung::Sigkill];

    pub fn method(self) -> Method {
        match self {
            Rung::Api => Method::Api,
            Rung::SignalFile => Method::SignalFile,
            Rung::Sigterm => Method::Sigterm,
            Rung::Sigkill => Method::Sigkill,
        }
    }

    pub fn number(self) -> usize {
        self as usize + 1
    }

    pub fn label(self) -> &'static str {
        match self {
            Rung::Api => "API panic",
            Rung::SignalFile => "SIGNAL_PANIC file",
            Rung::Sigterm => "SIGTERM",
            Rung::Sigkill => "SIGKILL",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// This rung stopped the daemon.
    Stopped,
    /// Tried, and the daemon was still running afterwards.
    Failed,
    /// Not tried (an earlier rung worked, or this one cannot be used).
    Skipped,
}

#[derive(Debug, Clone, Serialize)]
pub struct RungReport {
    pub rung: Rung,
    pub outcome: Outcome,
    pub detail: String,
    pub elapsed_ms: u64,
}

/// What the engine tells its caller as it goes.
#[derive(Debug)]
pub enum Event<'a> {
    /// A rung begins; `waiting` is the longest it will wait.
    Started {
        rung: Rung,
        waiting: Option<Duration>,
    },
    Finished(&'a RungReport),
}

/// The daemon's API as the engine uses it. The command implements it over
/// the HTTP client; a run without the API passes `None` instead.
pub trait Api {
    /// Asks the daemon to panic. `Ok(summary)` when it accepted (202).
    fn request_panic(
        &mut self,
        reason: &str,
        preserve_state: bool,
    ) -> std::result::Result<String, String>;
    /// Is anything there? Only `Unreachable` (nothing listening) counts
    /// as gone: a port that accepts but never answers is a hung daemon.
    fn probe(&mut self) -> Probe;
}

/// What a liveness probe of the API found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Probe {
    /// An HTTP answer, whatever its status.
    Answers,
    /// Connected (or tried to) but no answer in time.
    Hung,
    /// Nothing listens there.
    Unreachable,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub reason: String,
    pub preserve_state: bool,
    pub initiated_by: String,
    /// Why the API rung is not used (`--offline`, no token), if it is not.
    pub api_skip: Option<String>,
    /// Only the API rung (`--online`).
    pub api_only: bool,
    pub api_wait: Duration,
    pub signal_wait: Duration,
    pub grace: Duration,
    pub kill_wait: Duration,
}

impl Options {
    pub fn new(reason: &str, initiated_by: &str) -> Options {
        Options {
            reason: reason.to_string(),
            preserve_state: true,
            initiated_by: initiated_by.to_string(),
            api_skip: None,
            api_only: false,
            api_wait: Duration::from_secs(15),
            signal_wait: Duration::from_secs(10),
            grace: Duration::from_secs(15),
            kill_wait: Duration::from_secs(5),
        }
    }
}

/// What happened to SIGNAL_PANIC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalFileFate {
    /// talos never wrote it.
    NotWritten,
    /// The daemon consumed it.
    ConsumedByDaemon,
    /// talos removed it after the stop.
    Removed,
    /// Left in place because the daemon is still running: it stops the
    /// daemon as soon as its watchdog runs again.
    LeftInPlace,
    /// Someone else replaced it meanwhile; left alone.
    ReplacedByOther,
}

#[derive(Debug, Clone, Serialize)]
pub struct Escalation {
    pub rungs: Vec<RungReport>,
    /// The rung that stopped it; `none` when nothing had to or nothing did.
    pub method: Method,
    /// The daemon was not running when the escalation began.
    pub already_stopped: bool,
    /// The daemon is gone now.
    pub stopped: bool,
    /// A safety check refused a signal (the PID stopped verifying).
    pub refused: Option<String>,
    pub signal_file: SignalFileFate,
    pub elapsed_ms: u64,
}

/// True when STATE_DIR/heartbeat was rewritten less than `within` ago.
pub fn heartbeat_fresh(layout: &Layout, within: Duration) -> bool {
    std::fs::metadata(layout.heartbeat())
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age < within)
}

/// Is the daemon gone? With a verified PID, the process decides; without
/// one, nothing may listen on the API and the heartbeat must have stopped.
struct Watch<'a, 'b> {
    layout: &'a Layout,
    pid: Option<&'a VerifiedPid>,
    api: Option<&'b mut dyn Api>,
}

impl Watch<'_, '_> {
    fn gone(&mut self) -> bool {
        match self.pid {
            Some(p) => !p.is_alive(),
            None => {
                self.probe() == Probe::Unreachable
                    && !heartbeat_fresh(self.layout, Duration::from_secs(3))
            }
        }
    }

    fn alive_at_start(&mut self) -> bool {
        match self.pid {
            Some(p) => p.is_alive(),
            None => {
                self.probe() != Probe::Unreachable
                    || heartbeat_fresh(self.layout, Duration::from_secs(10))
            }
        }
    }

    fn probe(&mut self) -> Probe {
        self.api.as_mut().map_or(Probe::Unreachable, |a| a.probe())
    }

    /// Waits up to `limit` for the daemon to go; `extra` lets the caller
    /// extend the wait once (e.g. the signal file was consumed).
    fn wait_gone(&mut self, limit: Duration, mut extend: impl FnMut() -> Option<Duration>) -> bool {
        let mut deadline = Instant::now() + limit;
        let mut extended = false;
        let step = if self.pid.is_some() {
            Duration::from_millis(100)
        } else {
            Duration::from_millis(500)
        };
        loop {
            if self.gone() {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                if !extended && let Some(more) = extend() {
                    extended = true;
                    deadline = now + more;
                    continue;
                }
                return false;
            }
            std::thread::sleep(step.min(deadline - now));
        }
    }
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 10.0 {
        format!("{s:.1}s")
    } else {
        format!("{:.0}s", s)
    }
}

/// SIGNAL_PANIC's contents (docs/format.md).
pub fn signal_file_body(opts: &Options) -> Vec<u8> {
    let doc = serde_json::json!({
        "initiated_by": opts.initiated_by,
        "timestamp": crate::timespec::now_rfc3339(),
        "reason": opts.reason,
        "preserve_state": opts.preserve_state,
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Runs the escalation. `pid` is the verified daemon, if there is one;
/// `api` is `None` when the API cannot be used at all. Never prints:
/// `on_event` hears each rung begin and end; panic.log gets every step.
pub fn run(
    layout: &Layout,
    opts: &Options,
    pid: Option<&VerifiedPid>,
    api: Option<&mut dyn Api>,
    log: &mut PanicLog,
    on_event: &mut dyn FnMut(&Event),
) -> Escalation {
    let started = Instant::now();
    let mut watch = Watch { layout, pid, api };
    let mut esc = Escalation {
        rungs: Vec::new(),
        method: Method::None,
        already_stopped: false,
        stopped: false,
        refused: None,
        signal_file: SignalFileFate::NotWritten,
        elapsed_ms: 0,
    };

    if !watch.alive_at_start() {
        nothing_to_stop(pid, log, on_event, &mut esc);
        esc.elapsed_ms = started.elapsed().as_millis() as u64;
        return esc;
    }

    let signal = SignalFile {
        path: layout.signal_panic(),
        body: signal_file_body(opts),
    };
    let mut refused: Option<String> = None;

    for rung in Rung::ALL {
        let t0 = Instant::now();
        let r = if esc.stopped {
            rung_report(
                rung,
                t0,
                Outcome::Skipped,
                "not needed: the daemon had stopped".into(),
            )
        } else if opts.api_only && rung != Rung::Api {
            rung_report(
                rung,
                t0,
                Outcome::Skipped,
                "not tried: --online allows only the API".into(),
            )
        } else {
            match rung {
                Rung::Api => api_rung(&mut watch, opts, log, on_event, t0),
                Rung::SignalFile => signal_file_rung(
                    &mut watch,
                    opts,
                    &signal,
                    &mut esc.signal_file,
                    log,
                    on_event,
                    t0,
                ),
                Rung::Sigterm | Rung::Sigkill => {
                    signal_rung(rung, &mut watch, opts, &mut refused, log, on_event, t0)
                }
            }
        };
        note_outcome(rung, &r, log, &mut esc);
        on_event(&Event::Finished(&r));
        esc.rungs.push(r);
    }
    esc.refused = refused;

    // SIGNAL_PANIC must not outlive the stop, or the next start of the
    // daemon would panic at once. While the daemon still runs it stays: it
    // is the one request a briefly blocked daemon may still act on.
    if matches!(
        esc.signal_file,
        SignalFileFate::LeftInPlace | SignalFileFate::ConsumedByDaemon
    ) {
        esc.signal_file =
            cleanup_signal_file(&signal.path, &signal.body, esc.stopped, esc.signal_file);
        if esc.signal_file == SignalFileFate::Removed {
            log.info("removed SIGNAL_PANIC after the stop");
        }
    }
    esc.elapsed_ms = started.elapsed().as_millis() as u64;
    esc
}

/// DATA_DIR/SIGNAL_PANIC and what this panic writes into it.
struct SignalFile {
    path: std::path::PathBuf,
    body: Vec<u8>,
}

fn rung_report(rung: Rung, t0: Instant, outcome: Outcome, detail: String) -> RungReport {
    RungReport {
        rung,
        outcome,
        detail,
        elapsed_ms: t0.elapsed().as_millis() as u64,
    }
}

/// The daemon was not running when the panic began: every rung is skipped.
fn nothing_to_stop(
    pid: Option<&VerifiedPid>,
    log: &mut PanicLog,
    on_event: &mut dyn FnMut(&Event),
    esc: &mut Escalation,
) {
    esc.already_stopped = true;
    esc.stopped = true;
    let why = match pid {
        Some(p) => format!("PID {} had already exited", p.pid()),
        None => "the daemon is not running (no verified PID, the API does not answer, no fresh heartbeat)".to_string(),
    };
    log.info(&format!("nothing to stop: {why}"));
    for rung in Rung::ALL {
        let r = RungReport {
            rung,
            outcome: Outcome::Skipped,
            detail: "not needed: the daemon was not running".into(),
            elapsed_ms: 0,
        };
        on_event(&Event::Finished(&r));
        esc.rungs.push(r);
    }
}

/// Rung 1: `POST /api/v1/emergency/panic`, then wait for the daemon to go.
fn api_rung(
    watch: &mut Watch<'_, '_>,
    opts: &Options,
    log: &mut PanicLog,
    on_event: &mut dyn FnMut(&Event),
    t0: Instant,
) -> RungReport {
    let report = |outcome, detail| rung_report(Rung::Api, t0, outcome, detail);
    if let Some(why) = &opts.api_skip {
        return report(Outcome::Skipped, why.clone());
    }
    if watch.api.is_none() {
        return report(Outcome::Skipped, "the API is not available".into());
    }
    on_event(&Event::Started {
        rung: Rung::Api,
        waiting: Some(opts.api_wait),
    });
    log.info(&format!(
        "rung 1: POST /api/v1/emergency/panic (reason: {})",
        opts.reason
    ));
    let answer = watch
        .api
        .as_mut()
        .map(|a| a.request_panic(&opts.reason, opts.preserve_state))
        .unwrap_or_else(|| Err("the API is not available".into()));
    match answer {
        Err(why) => report(Outcome::Failed, why),
        Ok(summary) => {
            if watch.wait_gone(opts.api_wait, || None) {
                report(
                    Outcome::Stopped,
                    format!("{summary}; the daemon exited after {}", secs(t0.elapsed())),
                )
            } else {
                report(
                    Outcome::Failed,
                    format!(
                        "{summary}, but the daemon was still running after {}",
                        secs(opts.api_wait)
                    ),
                )
            }
        }
    }
}

/// Rung 2: write SIGNAL_PANIC and wait for the daemon's watchdog to act.
fn signal_file_rung(
    watch: &mut Watch<'_, '_>,
    opts: &Options,
    signal: &SignalFile,
    fate: &mut SignalFileFate,
    log: &mut PanicLog,
    on_event: &mut dyn FnMut(&Event),
    t0: Instant,
) -> RungReport {
    let report = |outcome, detail| rung_report(Rung::SignalFile, t0, outcome, detail);
    on_event(&Event::Started {
        rung: Rung::SignalFile,
        waiting: Some(opts.signal_wait),
    });
    log.info(&format!("rung 2: writing {}", signal.path.display()));
    if let Err(e) =
        fsutil::write_atomic(&signal.path, &signal.body, crate::install::SECRET_FILE_MODE)
    {
        return report(
            Outcome::Failed,
            format!("cannot write {}: {e}", signal.path.display()),
        );
    }
    *fate = SignalFileFate::LeftInPlace;
    let consumed = || !signal.path.exists();
    // The watchdog took the file: give it time to finish preserving state
    // and exit.
    let stopped = watch.wait_gone(opts.signal_wait, || {
        consumed().then_some(Duration::from_secs(10))
    });
    if consumed() {
        *fate = SignalFileFate::ConsumedByDaemon;
    }
    if stopped {
        report(
            Outcome::Stopped,
            format!(
                "the daemon's watchdog acted on SIGNAL_PANIC; it exited after {}",
                secs(t0.elapsed())
            ),
        )
    } else if consumed() {
        report(
            Outcome::Failed,
            "the daemon took SIGNAL_PANIC but was still running".into(),
        )
    } else {
        report(
            Outcome::Failed,
            format!(
                "SIGNAL_PANIC was not picked up within {}: the watchdog is not running",
                secs(opts.signal_wait)
            ),
        )
    }
}

/// Rungs 3 and 4: SIGTERM (then the grace) or SIGKILL to the verified PID,
/// never to a guess. A refusal to signal (`refused`) skips the next rung.
fn signal_rung(
    rung: Rung,
    watch: &mut Watch<'_, '_>,
    opts: &Options,
    refused: &mut Option<String>,
    log: &mut PanicLog,
    on_event: &mut dyn FnMut(&Event),
    t0: Instant,
) -> RungReport {
    let report = |outcome, detail| rung_report(rung, t0, outcome, detail);
    let (sig, wait) = if rung == Rung::Sigterm {
        (Signal::SIGTERM, opts.grace)
    } else {
        (Signal::SIGKILL, opts.kill_wait)
    };
    let p = match (watch.pid, &*refused) {
        (None, _) => {
            return report(
                Outcome::Skipped,
                "no verified PID: talos signals only a process it has verified to be the orchestrator".into(),
            );
        }
        (Some(_), Some(why)) => return report(Outcome::Skipped, why.clone()),
        (Some(p), None) => p,
    };
    on_event(&Event::Started {
        rung,
        waiting: Some(wait),
    });
    log.info(&format!(
        "rung {}: sending {sig} to verified PID {} {}",
        rung.number(),
        p.pid(),
        if p.via_pidfd() {
            "through a pidfd"
        } else {
            "with kill(2): this kernel has no pidfd"
        }
    ));
    match p.signal(sig) {
        Ok(false) => report(
            Outcome::Stopped,
            format!("PID {} had exited before {sig} was sent", p.pid()),
        ),
        Err(e) => {
            if e.kind == ErrorKind::Refused {
                *refused = Some(e.message.clone());
            }
            report(Outcome::Failed, e.message)
        }
        Ok(true) => {
            if watch.wait_gone(wait, || None) {
                report(
                    Outcome::Stopped,
                    format!("PID {} exited {} after {sig}", p.pid(), secs(t0.elapsed())),
                )
            } else {
                report(
                    Outcome::Failed,
                    format!(
                        "PID {} was still running {} after {sig}",
                        p.pid(),
                        secs(wait)
                    ),
                )
            }
        }
    }
}

/// Logs a rung's outcome; the first rung that stopped the daemon is the
/// escalation's method.
fn note_outcome(rung: Rung, r: &RungReport, log: &mut PanicLog, esc: &mut Escalation) {
    match r.outcome {
        Outcome::Stopped => {
            log.info(&format!(
                "rung {} ({}) stopped the daemon: {}",
                rung.number(),
                rung.method().as_str(),
                r.detail
            ));
            esc.stopped = true;
            esc.method = rung.method();
        }
        Outcome::Failed => log.warn(&format!(
            "rung {} ({}) failed: {}",
            rung.number(),
            rung.method().as_str(),
            r.detail
        )),
        Outcome::Skipped => {}
    }
}

fn cleanup_signal_file(
    path: &Path,
    ours: &[u8],
    stopped: bool,
    fate: SignalFileFate,
) -> SignalFileFate {
    match crate::fsutil::read_small(path, crate::fsutil::SMALL_FILE_CAP) {
        Err(_) => fate,
        Ok(content) if content != ours => SignalFileFate::ReplacedByOther,
        Ok(_) if !stopped => SignalFileFate::LeftInPlace,
        Ok(_) => match std::fs::remove_file(path) {
            Ok(()) => {
                if let Some(dir) = path.parent() {
                    let _ = fsutil::sync_dir(dir);
                }
                SignalFileFate::Removed
            }
            Err(_) => SignalFileFate::LeftInPlace,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::{PidStatus, check_pid_file};

    /// A child process we own, killed and reaped on drop.
    struct Child(std::process::Child);
    impl Drop for Child {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    fn setup(script: &str) -> (tempfile::TempDir, Layout, Child, VerifiedPid) {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        std::fs::create_dir_all(&layout.data_dir).unwrap();
        std::fs::create_dir_all(&layout.run_dir).unwrap();
        let child = Child(
            std::process::Command::new("sh")
                .arg("-c")
                .arg(script)
                .spawn()
                .unwrap(),
        );
        // Wait for the exec so the command line is the sleep's.
        let pattern = "^sleep 3[0-9]$";
        let mut verified = None;
        for _ in 0..50 {
            std::fs::write(&layout.pid_file, format!("{}\n", child.0.id())).unwrap();
            if let PidStatus::Verified { .. } = check_pid_file(&layout.pid_file, pattern).unwrap() {
                verified = check_pid_file(&layout.pid_file, pattern)
                    .unwrap()
                    .verified();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let pid = verified.expect("child verified").with_match(pattern);
        (dir, layout, child, pid)
    }

    fn opts() -> Options {
        let mut o = Options::new("unit test", "operator:tester");
        o.api_skip = Some("--offline".into());
        o.signal_wait = Duration::from_millis(300);
        o.grace = Duration::from_secs(5);
        o.kill_wait = Duration::from_secs(5);
        o
    }

    #[test]
    fn sigterm_stops_a_process_that_ignores_the_signal_file() {
        let (_d, layout, mut child, pid) = setup("exec sleep 31");
        let mut log = PanicLog::new(&layout.panic_log());
        let mut events = 0;
        let esc = run(&layout, &opts(), Some(&pid), None, &mut log, &mut |_| {
            events += 1
        });
        let _ = child.0.wait();
        assert!(esc.stopped && !esc.already_stopped);
        assert_eq!(esc.method, Method::Sigterm);
        let outcomes: Vec<Outcome> = esc.rungs.iter().map(|r| r.outcome).collect();
        assert_eq!(
            outcomes,
            [
                Outcome::Skipped,
                Outcome::Failed,
                Outcome::Stopped,
                Outcome::Skipped
            ]
        );
        assert_eq!(esc.signal_file, SignalFileFate::Removed);
        assert!(!layout.signal_panic().exists());
        assert!(events >= 4);
        let logged = std::fs::read_to_string(layout.panic_log()).unwrap();
        assert!(
            logged.contains("sending SIGTERM to verified PID"),
            "{logged}"
        );
    }

    #[test]
    fn sigkill_after_the_grace_when_sigterm_is_ignored() {
        let (_d, layout, mut child, pid) = setup("trap '' TERM; exec sleep 32");
        let mut o = opts();
        o.grace = Duration::from_millis(500);
        let mut log = PanicLog::new(&layout.panic_log());
        let esc = run(&layout, &o, Some(&pid), None, &mut log, &mut |_| {});
        let status = child.0.wait().unwrap();
        assert_eq!(esc.method, Method::Sigkill, "{esc:?}");
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(9)
        );
    }

    #[test]
    fn nothing_alive_means_already_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        let mut log = PanicLog::new(&layout.panic_log());
        let esc = run(&layout, &opts(), None, None, &mut log, &mut |_| {});
        assert!(esc.already_stopped && esc.stopped);
        assert_eq!(esc.method, Method::None);
        assert!(esc.rungs.iter().all(|r| r.outcome == Outcome::Skipped));
        assert!(!layout.signal_panic().exists());
    }

    #[test]
    fn fresh_heartbeat_without_pid_is_not_signalled() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        std::fs::create_dir_all(&layout.state_dir).unwrap();
        std::fs::write(layout.heartbeat(), "now").unwrap();
        let mut log = PanicLog::new(&layout.panic_log());
        let esc = run(&layout, &opts(), None, None, &mut log, &mut |_| {});
        // Nobody consumes SIGNAL_PANIC, and the heartbeat stays "fresh"
        // during the short wait; no signal rung can run without a PID.
        assert!(!esc.stopped);
        assert_eq!(esc.rungs[2].outcome, Outcome::Skipped);
        assert_eq!(esc.rungs[3].outcome, Outcome::Skipped);
        assert_eq!(esc.signal_file, SignalFileFate::LeftInPlace);
        assert!(layout.signal_panic().exists());
    }
}

/// One rung of a plan (`talos panic --dry-run`): what it would do, or why
/// it would not be tried.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedRung {
    pub rung: Rung,
    /// Tried if the rungs before it did not stop the daemon.
    pub would_try: bool,
    pub detail: String,
}

/// The escalation `run` would go through, worked out without acting: no
/// request, no file, no signal. `pid` is the verified orchestrator PID.
pub fn plan(layout: &Layout, opts: &Options, pid: Option<&VerifiedPid>) -> Vec<PlannedRung> {
    Rung::ALL
        .into_iter()
        .map(|rung| {
            let (would_try, detail) = if opts.api_only && rung != Rung::Api {
                (false, "not tried: --online allows only the API".to_string())
            } else {
                match rung {
                    Rung::Api => match &opts.api_skip {
                        Some(why) => (false, why.clone()),
                        None => (
                            true,
                            format!(
                                "POST /api/v1/emergency/panic, then wait up to {} for the daemon to exit",
                                secs(opts.api_wait)
                            ),
                        ),
                    },
                    Rung::SignalFile => (
                        true,
                        format!(
                            "write {} and wait up to {} for the daemon's watchdog",
                            layout.signal_panic().display(),
                            secs(opts.signal_wait)
                        ),
                    ),
                    Rung::Sigterm => match pid {
                        Some(p) => (
                            true,
                            format!(
                                "SIGTERM to verified PID {}, then wait up to {}",
                                p.pid(),
                                secs(opts.grace)
                            ),
                        ),
                        None => (false, "not tried: no verified PID to signal".to_string()),
                    },
                    Rung::Sigkill => match pid {
                        Some(p) => (true, format!("SIGKILL to verified PID {}", p.pid())),
                        None => (false, "not tried: no verified PID to signal".to_string()),
                    },
                }
            };
            PlannedRung {
                rung,
                would_try,
                detail,
            }
        })
        .collect()
}
