//! One set of findings from one snapshot of the evidence, three views.
//!
//! `diagnose` probes the daemon once (PID file, heartbeat, one `/health`),
//! makes the health report from that probe, and runs the doctor's checks
//! with the same probe and the same measurements (disk, memory). `talos
//! doctor` prints every finding, `talos status` the problems most urgent
//! first, `talos health` the monitoring verdict. The daemon's state is one
//! finding (check `daemon`) whose severity *is* the health report's
//! `orchestrator` check, so status and health cannot disagree about it, and
//! a heartbeat that is not fresh (stale, or dated in the future) counts as
//! not fresh in all three.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::Value;

use crate::access::{self, Access, Mode, Purpose, Way};
use crate::breakers::{Breaker, BreakerFile, list_from_map};
use crate::config::Settings;
use crate::daemon::{Liveness, Verdict};
use crate::doctor::{self, Finding, Severity};
use crate::error::Result;
use crate::health::{self, CheckStatus};
use crate::install::Layout;

/// Everything the three views show, from one probe.
pub struct Diagnosis {
    pub live: Liveness,
    pub access: Access,
    pub health: health::Report,
    /// The doctor's checks, run with `live` and `health` as their evidence.
    pub doctor: doctor::Report,
}

/// Probes the daemon (the API unless `mode` is offline) and diagnoses.
/// `status` probes through `crate::access::probe` instead (exit 5 with
/// `--online` and no answer) and diagnoses with `from_probe`; `health`
/// probes the same way and makes only the health report.
/// `scan_logs`: read every Tier 2/3 line too (doctor does; status does not).
pub fn diagnose(
    settings: &Settings,
    layout: &Layout,
    mode: Mode,
    scan_logs: bool,
    deep: bool,
) -> Result<Diagnosis> {
    let live = Liveness::probe(settings, layout, mode != Mode::Offline)?;
    Ok(from_probe(settings, layout, live, scan_logs, deep))
}

/// Diagnoses from a probe already made. The health report is made on a
/// second thread while doctor runs the checks that do not need it (the
/// audit chain's verification first): its database quick_check and the
/// chain, the two long reads, then share the cores.
pub fn from_probe(
    settings: &Settings,
    layout: &Layout,
    live: Liveness,
    scan_logs: bool,
    deep: bool,
) -> Diagnosis {
    let made: OnceLock<Option<health::Report>> = OnceLock::new();
    let doctor = std::thread::scope(|s| {
        s.spawn(|| {
            // Whatever happens on this thread, doctor never waits forever.
            let _unblock = Unblock(&made);
            let _ = made.set(Some(health::report(&live, layout)));
        });
        doctor::run_opts(
            layout,
            settings,
            &doctor::Options {
                skip_log_scan: !scan_logs,
                live: Some(&live),
                health: Some(doctor::HealthEvidence::Coming(&made)),
                deep,
                database: None,
            },
        )
    });
    // The thread has ended (the scope joined it, and would have passed a
    // panic on): the report is there.
    let health = made
        .into_inner()
        .flatten()
        .unwrap_or_else(|| health::report(&live, layout));
    Diagnosis {
        access: Access::of(&live),
        live,
        health,
        doctor,
    }
}

/// Sets the health report to "none" when the thread making it ends
/// without one, so that nothing waits for it forever.
struct Unblock<'a>(&'a OnceLock<Option<health::Report>>);

impl Drop for Unblock<'_> {
    fn drop(&mut self) {
        let _ = self.0.set(None);
    }
}

impl Diagnosis {
    /// The root is not an installation: the one problem there is.
    pub fn wrong_root(&self) -> bool {
        self.doctor.verdict == "not_an_installation"
    }

    /// The daemon's state as a finding, when it is not up. Its severity is
    /// the health report's `orchestrator` check: a daemon that works but
    /// whose API is slow (fresh heartbeat) warns, a dead or blocked one fails.
    pub fn daemon_finding(&self) -> Option<Finding> {
        if matches!(self.live.verdict, Verdict::Up | Verdict::Running) || self.wrong_root() {
            return None;
        }
        let severity = match self.health.checks.get("orchestrator").map(|c| c.status) {
            Some(CheckStatus::Warn) => Severity::Warn,
            Some(CheckStatus::Pass | CheckStatus::Skip)
                if self.live.verdict == Verdict::Unverified =>
            {
                Severity::Warn
            }
            _ => Severity::Fail,
        };
        let mut f = Finding::new("daemon", severity, self.live.message.clone()).fix(
            self.live
                .next
                .clone()
                .unwrap_or_else(|| "`talos doctor`".into()),
        );
        // The API's answer, unless the message already says it.
        if let Some(e) = self.live.api_error()
            && !self.live.message.contains(&e.message)
        {
            f = f.evidence(format!("API: {}", e.message));
        }
        Some(f)
    }

    /// The checks the daemon itself reports warning or failing (online
    /// only; offline, the doctor's own checks measure the same things).
    /// The certificate is checked locally by the doctor either way.
    pub fn daemon_reported(&self) -> Vec<Finding> {
        if self.access != Access::Online {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (name, c) in self.health.checks.iter() {
            if name == "certificate" || self.doctor.findings.iter().any(|f| f.check == name) {
                continue;
            }
            let severity = match c.status {
                CheckStatus::Fail => Severity::Fail,
                CheckStatus::Warn => Severity::Warn,
                _ => continue,
            };
            let msg = &c.message;
            out.push(
                Finding::new("health", severity, format!("{name}: {msg}"))
                    .evidence(format!(
                        "reported by the daemon's /health at {}",
                        self.live.url
                    ))
                    .fix(
                        health::next_step(name, &self.health)
                            .unwrap_or_else(|| "`talos health`".into()),
                    ),
            );
        }
        out
    }

    /// What `talos status` lists: every warning and failure, most urgent
    /// first (the daemon's state first among equals). A wrong root is the
    /// only one.
    pub fn problems(&self, settings: &Settings) -> Vec<Finding> {
        if self.wrong_root() {
            return self.doctor.problems().cloned().collect();
        }
        let talos = doctor::talos_cmd(settings);
        let mut out: Vec<Finding> = self
            .daemon_finding()
            .into_iter()
            .chain(self.daemon_reported())
            .map(|mut f| {
                f.fix = f.fix.map(|x| doctor::carry_flags(&x, &talos));
                f
            })
            .collect();
        out.extend(self.doctor.problems().cloned());
        let rank = |c: &str| match c {
            "daemon" => 0,
            "health" => 1,
            other => 2 + doctor::rank(other),
        };
        out.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(b.integrity.cmp(&a.integrity))
                .then(rank(a.check).cmp(&rank(b.check)))
        });
        out
    }
}

// ---- the facts status shows besides the problems ----

/// How many recent ERROR lines of orchestrator.log status shows.
pub const RECENT_ERRORS: usize = 5;

/// The circuit breakers, and which way they were read.
#[derive(Debug, Serialize)]
pub struct BreakersPart {
    pub access: Access,
    /// Why they could not be read (or were read from the file).
    pub error: Option<String>,
    pub open: Vec<String>,
    pub list: Vec<Breaker>,
}

/// The breakers by the rule of `crate::access` (a read): through the API
/// when the daemon answered, else from circuit_breakers.json. An API that
/// answers with an error (401) is reported, not replaced by the file.
pub fn breakers(settings: &Settings, layout: &Layout, access: Access) -> BreakersPart {
    let mut part = BreakersPart {
        access: Access::Offline,
        error: None,
        open: Vec::new(),
        list: Vec::new(),
    };
    let mode = match access {
        Access::Online => Mode::Auto,
        Access::Offline => Mode::Offline,
    };
    match access::choose(mode, Purpose::Read, settings, layout, |c| c.breakers()) {
        Ok(Way::Online { value, .. }) => {
            part.access = Access::Online;
            part.list = list_from_map(&value);
        }
        Ok(Way::Offline { note }) => match BreakerFile::load(&layout.breakers_file()) {
            Ok(f) => {
                part.list = f.list();
                part.error = note;
            }
            Err(e) => part.error = Some(e.message),
        },
        Err(e) => part.error = Some(e.message),
    }
    part.open = part
        .list
        .iter()
        .filter(|b| b.is_open())
        .map(|b| b.name.clone())
        .collect();
    part
}

/// A pending recovery: after a panic, an unfinished restore, a waiting
/// SIGNAL_PANIC, leftovers of interrupted operations.
#[derive(Debug, Serialize)]
pub struct RecoveryPart {
    pub emergency_state: Option<Value>,
    pub restore_journal: Option<PathBuf>,
    /// var/lib/talos/SIGNAL_PANIC when it exists: a panic asked of the daemon.
    pub signal_panic: Option<PathBuf>,
    /// Temporary files of interrupted operations that nothing owns.
    pub leftovers: Vec<crate::leftovers::Leftover>,
}

pub fn recovery(settings: &Settings, layout: &Layout) -> RecoveryPart {
    let es = layout.emergency_state();
    // Pending only while `recovery_available` is not false: `talos recover`
    // sets it to false (and adds `recovered_at`) once the state is back.
    let emergency_state = crate::fsutil::read_small(&es, crate::fsutil::SMALL_FILE_CAP)
        .ok()
        .map(|b| {
            serde_json::from_slice::<Value>(&b)
                .unwrap_or_else(|e| serde_json::json!({"unreadable": e.to_string()}))
        })
        .filter(|v| v.get("recovery_available").and_then(Value::as_bool) != Some(false))
        .map(|mut v| {
            crate::emergency::state::redact_secrets(&mut v);
            v
        });
    let journal = crate::archive::journal::path(layout);
    let signal = layout.signal_panic();
    RecoveryPart {
        emergency_state,
        restore_journal: journal.exists().then_some(journal),
        signal_panic: signal.exists().then_some(signal),
        leftovers: crate::leftovers::find(layout, std::slice::from_ref(&settings.backup_dir.value))
            .into_iter()
            .filter(|l| !l.in_use)
            .collect(),
    }
}

/// The newest backup, ranked by the time in its name as `talos doctor` and
/// `backup list` do (an mtime changes with a copy).
#[derive(Debug, Serialize)]
pub struct BackupPart {
    pub dir: PathBuf,
    pub newest: Option<PathBuf>,
    pub age_ms: Option<i64>,
    pub count: usize,
}

pub fn backup(settings: &Settings) -> BackupPart {
    let dir = settings.backup_dir.value.clone();
    // The one listing (time in the name, newest first), as doctor and
    // `backup list` rank backups.
    let backups = crate::archive::list_backups(&dir).unwrap_or_default();
    let count = backups.len();
    let newest = backups.into_iter().next();
    let age_ms = newest
        .as_ref()
        .map(|(t, _)| crate::clock::now().duration_since(*t).as_millis().max(0) as i64);
    BackupPart {
        dir,
        newest: newest.map(|(_, p)| p),
        age_ms,
        count,
    }
}

/// The audit chain's head (status only reads it; `talos audit
/// verify-chain` and doctor verify the whole chain).
#[derive(Debug, Serialize)]
pub struct AuditPart {
    pub head: Option<crate::audit::Head>,
    pub error: Option<String>,
}

pub fn audit(layout: &Layout) -> AuditPart {
    let missing = std::fs::symlink_metadata(&layout.audit_dir).is_err() && layout.data_dir.is_dir();
    match crate::audit::head(&layout.audit_dir) {
        // Same rule as `talos audit verify-chain`: a deleted audit
        // directory in an installation is a problem, not an empty chain.
        Ok(_) if missing => AuditPart {
            head: None,
            error: Some(format!(
                "the audit directory {} is missing",
                layout.audit_dir.display()
            )),
        },
        Ok(head) => AuditPart { head, error: None },
        Err(e) => AuditPart {
            head: None,
            error: Some(e.message),
        },
    }
}

/// The last `n` ERROR lines of the Tier 2 log, read from its tail; when
/// it holds fewer (it was just rotated), the newest rotation's come first.
pub fn recent_errors(path: &Path, n: usize) -> Vec<Value> {
    let mut out = errors_in_tail(path, n);
    if out.len() < n
        && let Some(dir) = path.parent()
        && let Ok(files) = crate::logs::tier_files(dir, crate::logs::Tier::Ops)
        && let Some(prev) = files.iter().find(|f| f.rotation == 1)
    {
        let mut older = if prev.gzip {
            // A rotation is bounded by rotate_mb: read it whole.
            let mut v = Vec::new();
            let _ = crate::logfiles::for_each_line(&prev.path, |_, l| {
                if memchr::memmem::find(l, b"ERROR").is_some()
                    && let Ok(j) = serde_json::from_slice::<Value>(l)
                    && j.get("level").and_then(Value::as_str) == Some("ERROR")
                {
                    v.push(j);
                    if v.len() > n {
                        v.remove(0);
                    }
                }
            });
            v
        } else {
            errors_in_tail(&prev.path, n)
        };
        let skip = older.len().saturating_sub(n - out.len());
        older.drain(..skip);
        older.append(&mut out);
        out = older;
    }
    out
}

/// The last `n` ERROR lines in the last 512 KiB of one plain file.
fn errors_in_tail(path: &Path, n: usize) -> Vec<Value> {
    let Ok(mut f) = crate::fsutil::open_regular(path) else {
        return Vec::new();
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let start = len.saturating_sub(512 * 1024);
    if f.seek(SeekFrom::Start(start)).is_err() {
        return Vec::new();
    }
    let mut buf = Vec::new();
    if f.read_to_end(&mut buf).is_err() {
        return Vec::new();
    }
    let mut out: Vec<Value> = buf
        .split(|b| *b == b'\n')
        .skip(usize::from(start > 0))
        .filter(|l| memchr::memmem::find(l, b"ERROR").is_some())
        .filter_map(|l| serde_json::from_slice::<Value>(l).ok())
        .filter(|v| v.get("level").and_then(Value::as_str) == Some("ERROR"))
        .collect();
    let skip = out.len().saturating_sub(n);
    out.drain(..skip);
    out
}
