//! Health checks with the thresholds of docs/format.md, computed from the
//! installation's files. `talos health` uses them when the daemon does not
//! answer, and `talos-sim` uses the same functions for its `/health`, so both
//! paths report the same shape (docs/format.md).
//!
//! A check is a `Check`: a status (`pass`, `warn`, `fail`, or `unknown` when
//! there is nothing to check), a message (one line for a person), and its
//! measurements as a typed `Detail` (one struct per kind of check). In JSON
//! the measurements sit beside `status` and `message`, under the keys of
//! docs/format.md.

use std::path::Path;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde::Serialize;

use crate::error::ExitStatus;
use serde_json::{Map, Value};

use crate::access::Access;
use crate::api::HealthAnswer;
use crate::daemon::crashloop::{self, CrashLoop};
use crate::daemon::heartbeat::{
    HEARTBEAT_FAIL_SECS, HEARTBEAT_FUTURE_SECS, HEARTBEAT_WARN_SECS, read_heartbeat,
};
use crate::daemon::{Liveness, Verdict};
use crate::install::Layout;
use crate::timespec::format_ts;

/// Database response time: warn above 100 ms, fail above 5 s.
pub const DB_WARN_MS: f64 = 100.0;
pub const DB_FAIL_MS: f64 = 5000.0;
/// Memory used: warn above 70 %, fail above 90 %.
pub const MEMORY_WARN_PERCENT: f64 = 70.0;
pub const MEMORY_FAIL_PERCENT: f64 = 90.0;
/// Disk of DATA_DIR used: warn above 80 %, fail above 95 %.
pub const DISK_WARN_PERCENT: f64 = 80.0;
pub const DISK_FAIL_PERCENT: f64 = 95.0;
/// Certificate: warn when it expires within 30 days, fail within 7 days or expired.
pub const CERT_WARN_DAYS: i64 = 30;
pub const CERT_FAIL_DAYS: i64 = 7;

/// The memory and disk thresholds in force. docs/format.md gives the defaults;
/// an operator can move them in config.yaml (`health.memory_warn_percent`,
/// `health.memory_fail_percent`, `health.disk_warn_percent`,
/// `health.disk_fail_percent`), e.g. on a host whose disk is meant to run full.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limits {
    pub memory_warn_percent: f64,
    pub memory_fail_percent: f64,
    pub disk_warn_percent: f64,
    pub disk_fail_percent: f64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            memory_warn_percent: MEMORY_WARN_PERCENT,
            memory_fail_percent: MEMORY_FAIL_PERCENT,
            disk_warn_percent: DISK_WARN_PERCENT,
            disk_fail_percent: DISK_FAIL_PERCENT,
        }
    }
}

impl Limits {
    /// The limits of an installation: defaults, overridden by config.yaml's
    /// `health` section where it holds numbers. A broken config.yaml leaves
    /// the defaults (health must still answer when the config is the problem).
    pub fn from_config(layout: &Layout) -> Limits {
        let mut limits = Limits::default();
        let Ok(doc) = crate::config::read_config_file(&layout.config_file) else {
            return limits;
        };
        let Some(section) = doc.get("health") else {
            return limits;
        };
        let number = |key: &str| {
            section
                .get(key)
                .and_then(|v| v.as_f64())
                .filter(|v| (0.0..=100.0).contains(v))
        };
        if let Some(v) = number("memory_warn_percent") {
            limits.memory_warn_percent = v;
        }
        if let Some(v) = number("memory_fail_percent") {
            limits.memory_fail_percent = v;
        }
        if let Some(v) = number("disk_warn_percent") {
            limits.disk_warn_percent = v;
        }
        if let Some(v) = number("disk_fail_percent") {
            limits.disk_fail_percent = v;
        }
        limits
    }
}

/// The status of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    #[serde(rename = "unknown")]
    Skip,
    Pass,
    Warn,
    Fail,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            // Not measured (nothing to check, or no way to): the JSON
            // convention's word for it.
            CheckStatus::Skip => "unknown",
            CheckStatus::Pass => "pass",
            CheckStatus::Warn => "warn",
            CheckStatus::Fail => "fail",
        }
    }

    pub fn parse(s: &str) -> Option<CheckStatus> {
        Some(match s {
            "skip" | "unknown" => CheckStatus::Skip,
            "pass" => CheckStatus::Pass,
            "warn" => CheckStatus::Warn,
            "fail" => CheckStatus::Fail,
            _ => return None,
        })
    }

    /// The status of a check object as a daemon reports it; anything
    /// unreadable counts as a failure. The words of the overall status are
    /// taken for their check equivalents.
    pub fn of(check: &Value) -> CheckStatus {
        let word = check.get("status").and_then(Value::as_str);
        match word {
            Some("healthy") => return CheckStatus::Pass,
            Some("degraded") => return CheckStatus::Warn,
            Some("unhealthy") => return CheckStatus::Fail,
            _ => {}
        }
        check
            .get("status")
            .and_then(Value::as_str)
            .and_then(CheckStatus::parse)
            .unwrap_or(CheckStatus::Fail)
    }
}

/// The overall status, with the exit codes of docs/format.md for `health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Overall {
    Healthy,
    Degraded,
    Unhealthy,
    Unknown,
}

impl Overall {
    pub fn exit_status(self) -> ExitStatus {
        match self {
            Overall::Healthy => ExitStatus::Ok,
            Overall::Degraded => ExitStatus::Failed,
            Overall::Unhealthy => ExitStatus::Usage,
            Overall::Unknown => ExitStatus::Integrity,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Overall::Healthy => "healthy",
            Overall::Degraded => "degraded",
            Overall::Unhealthy => "unhealthy",
            Overall::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Overall> {
        Some(match s {
            "healthy" => Overall::Healthy,
            "degraded" => Overall::Degraded,
            "unhealthy" => Overall::Unhealthy,
            "unknown" => Overall::Unknown,
            _ => return None,
        })
    }

    /// Any failing check makes the whole unhealthy, any warning degraded.
    pub fn from_checks<'a>(checks: impl IntoIterator<Item = &'a Check>) -> Overall {
        let worst = checks
            .into_iter()
            .map(|c| c.status)
            .max()
            .unwrap_or(CheckStatus::Skip);
        match worst {
            CheckStatus::Fail => Overall::Unhealthy,
            CheckStatus::Warn => Overall::Degraded,
            CheckStatus::Pass | CheckStatus::Skip => Overall::Healthy,
        }
    }
}

fn grade(value: f64, warn: f64, fail: f64) -> CheckStatus {
    if value > fail {
        CheckStatus::Fail
    } else if value > warn {
        CheckStatus::Warn
    } else {
        CheckStatus::Pass
    }
}

/// One check: how it went, one line for people, and what it measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub status: CheckStatus,
    pub message: String,
    #[serde(flatten)]
    pub detail: Detail,
}

/// What a check measured, by kind; serialized beside `status` and
/// `message` (docs/format.md, `health`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Detail {
    /// Nothing measured (nothing to check, or no way to).
    Nothing(Nothing),
    Heartbeat(Heartbeat),
    Database(Database),
    Memory(Memory),
    Disk(Disk),
    Certificate(Certificate),
    CrashLoop(CrashLoopDetail),
    /// A check as the daemon's `/health` reported it: its other keys, as
    /// they came.
    Reported(Map<String, Value>),
}

/// No measurements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nothing {}

/// `orchestrator`: the heartbeat file, and the daemon's state when the
/// PID file or the API says more than the heartbeat.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Heartbeat {
    /// null when there is no readable heartbeat.
    pub last_heartbeat: Option<String>,
    pub heartbeat_age_ms: Option<i64>,
    /// Dated more than 10 s in the future.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock_skew: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_loop_blocked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_duration_ms: Option<u64>,
    /// The liveness verdict, when it overrides the heartbeat's grade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daemon: Option<Verdict>,
}

/// `database`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Database {
    /// null when the database does not exist.
    pub response_time_ms: Option<f64>,
    /// Busy: another process holds a lock (not damage).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked: Option<bool>,
    /// `ok`, or what PRAGMA quick_check reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quick_check: Option<String>,
    /// How long quick_check took (not graded: it reads the whole file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quick_check_ms: Option<f64>,
    /// The daemon's connection pool (talos-sim reports one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_pool: Option<Value>,
}

/// `memory` of the host.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Memory {
    pub used_mb: u64,
    pub total_mb: u64,
    pub percent: f64,
}

/// `disk` of the file system holding DATA_DIR. `used_gb`/`total_gb` are
/// the daemon's `/health` keys (decimal GB, one decimal); `*_bytes` the
/// exact sizes (docs/format.md §7).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disk {
    pub path: String,
    pub used_gb: f64,
    pub total_gb: f64,
    pub percent: f64,
    pub used_bytes: u64,
    pub total_bytes: u64,
}

/// `certificate`: SSL_DIR/cert.pem's expiry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Certificate {
    pub not_after: String,
    pub days_remaining: i64,
}

/// `crash_loop`: the daemon's starts within the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrashLoopDetail {
    pub starts: usize,
    pub first_start: String,
    pub last_start: String,
    pub last_start_age_ms: i64,
}

impl Check {
    pub fn new(status: CheckStatus, message: impl Into<String>, detail: Detail) -> Check {
        Check {
            status,
            message: message.into(),
            detail,
        }
    }

    fn nothing(status: CheckStatus, message: impl Into<String>) -> Check {
        Check::new(status, message, Detail::Nothing(Nothing {}))
    }

    /// A check of the daemon's `/health` body: its status read by
    /// `CheckStatus::of`, a message made when it has none, every other key
    /// kept.
    pub fn reported(name: &str, v: &Value) -> Check {
        let status = CheckStatus::of(v);
        let mut rest = v.as_object().cloned().unwrap_or_default();
        rest.remove("status");
        let message = match rest.remove("message") {
            Some(Value::String(m)) => m,
            _ => format!("{name}: {} (reported by the daemon)", status.as_str()),
        };
        Check::new(status, message, Detail::Reported(rest))
    }
}

/// The checks of a report by name, in the order they were made (JSON: one
/// object, a key per check).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checks(Vec<(String, Check)>);

impl Checks {
    pub fn get(&self, name: &str) -> Option<&Check> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    /// Adds a check, replacing one of the same name in its place.
    pub fn insert(&mut self, name: impl Into<String>, check: Check) {
        let name = name.into();
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = check,
            None => self.0.push((name, check)),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Check)> {
        self.0.iter().map(|(n, c)| (n.as_str(), c))
    }

    pub fn values(&self) -> impl Iterator<Item = &Check> {
        self.0.iter().map(|(_, c)| c)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Checks {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (n, c) in &self.0 {
            m.serialize_entry(n, c)?;
        }
        m.end()
    }
}

/// The orchestrator check from the heartbeat file alone (warn > 10 s, fail > 30 s).
pub fn heartbeat_check(path: &Path, now: Timestamp) -> Check {
    match read_heartbeat(path, now) {
        Err(e) => Check::new(
            CheckStatus::Fail,
            e,
            Detail::Heartbeat(Heartbeat::default()),
        ),
        Ok((ts, age)) if age < -HEARTBEAT_FUTURE_SECS => Check::new(
            CheckStatus::Warn,
            format!(
                "the heartbeat is dated {:.0}s in the future ({}): clock skew; it cannot tell whether the daemon works",
                -age,
                format_ts(ts)
            ),
            Detail::Heartbeat(Heartbeat {
                last_heartbeat: Some(format_ts(ts)),
                heartbeat_age_ms: Some((age * 1000.0).round() as i64),
                clock_skew: Some(true),
                ..Heartbeat::default()
            }),
        ),
        Ok((ts, age)) => {
            let status = grade(age, HEARTBEAT_WARN_SECS, HEARTBEAT_FAIL_SECS);
            let message = match status {
                CheckStatus::Pass => format!("heartbeat {age:.1}s old"),
                _ => format!(
                    "heartbeat is {age:.0}s old (warn > {HEARTBEAT_WARN_SECS:.0}s, fail > {HEARTBEAT_FAIL_SECS:.0}s): the event loop may be blocked"
                ),
            };
            let blocked = status != CheckStatus::Pass;
            Check::new(
                status,
                message,
                Detail::Heartbeat(Heartbeat {
                    last_heartbeat: Some(format_ts(ts)),
                    heartbeat_age_ms: Some((age * 1000.0).round() as i64),
                    event_loop_blocked: Some(blocked),
                    block_duration_ms: Some(if blocked { (age * 1000.0) as u64 } else { 0 }),
                    ..Heartbeat::default()
                }),
            )
        }
    }
}

/// The database check: opens the DB read-only, reads its schema and
/// grades how long that took (warn > 100 ms, fail > 5 s), then with
/// `quick_check` runs `PRAGMA quick_check` (damage fails the check). A
/// busy database is waited on for at most `busy` before it counts as
/// failed.
pub fn database_check(db: &Path, quick_check: bool, busy: Duration) -> Check {
    if !db.exists() {
        return Check::new(
            CheckStatus::Fail,
            format!("the database {} does not exist", db.display()),
            Detail::Database(Database::default()),
        );
    }
    // The response time is the daemon's kind of ping: open the database
    // and read its schema. quick_check, which reads the whole file, is
    // timed on its own (`quick_check_ms`) and not graded: on a big healthy
    // database it takes far longer than the 100 ms a ping may.
    let start = Instant::now();
    let mut answered_ms = None;
    let mut quick_check_ms = None;
    let result = (|| -> rusqlite::Result<String> {
        let conn = crate::db::open_read_only(db, busy)?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })?;
        answered_ms = Some(start.elapsed().as_secs_f64() * 1000.0);
        if !quick_check {
            return Ok("ok".to_string());
        }
        #[cfg(feature = "test-hooks")]
        crate::db::test_note_self_check("quick_check");
        let checking = Instant::now();
        let mut stmt = conn.prepare("PRAGMA quick_check")?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?;
        quick_check_ms = Some(one_decimal(checking.elapsed().as_secs_f64() * 1000.0));
        Ok(rows.join("; "))
    })();
    // A failure counts all the time it took (a busy wait included).
    let ms = match &result {
        Ok(_) => answered_ms.unwrap_or_default(),
        Err(_) => start.elapsed().as_secs_f64() * 1000.0,
    };
    let ms_rounded = one_decimal(ms);
    match result {
        // Busy or locked: another process holds a lock. Slow, not damaged;
        // whether it lasts past the 5 s limit is not known yet.
        Err(e) if crate::db::is_busy(&e) => Check::new(
            CheckStatus::Warn,
            format!(
                "the database is locked by another process (busy for {ms:.0} ms): a lock, not damage; `talos doctor` names the holder"
            ),
            Detail::Database(Database {
                response_time_ms: Some(ms_rounded),
                locked: Some(true),
                ..Database::default()
            }),
        ),
        Err(e) => Check::new(
            CheckStatus::Fail,
            format!("database query failed after {ms:.0} ms: {e}"),
            Detail::Database(Database {
                response_time_ms: Some(ms_rounded),
                ..Database::default()
            }),
        ),
        Ok(result) if result != "ok" => {
            let short: String = result.chars().take(200).collect();
            Check::new(
                CheckStatus::Fail,
                format!("PRAGMA quick_check reports damage: {short}"),
                Detail::Database(Database {
                    response_time_ms: Some(ms_rounded),
                    quick_check: Some(short),
                    quick_check_ms,
                    ..Database::default()
                }),
            )
        }
        Ok(_) => {
            let status = grade(ms, DB_WARN_MS, DB_FAIL_MS);
            let message = match status {
                CheckStatus::Pass => format!("database answered in {ms:.0} ms"),
                _ => format!(
                    "database answered in {ms:.0} ms (warn > {DB_WARN_MS:.0} ms, fail > {DB_FAIL_MS:.0} ms)"
                ),
            };
            let detail = Database {
                response_time_ms: Some(ms_rounded),
                quick_check: quick_check.then(|| "ok".to_string()),
                quick_check_ms,
                ..Database::default()
            };
            Check::new(status, message, Detail::Database(detail))
        }
    }
}

/// To one decimal, as the reports keep times and percentages.
fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Memory in use on the host, graded by `limits`.
pub fn memory_check_within(limits: &Limits) -> Check {
    let (warn, fail) = (limits.memory_warn_percent, limits.memory_fail_percent);
    let Ok(mut sys) = sysinfo::System::new() else {
        return Check::nothing(
            CheckStatus::Skip,
            "memory cannot be measured on this system",
        );
    };
    sys.refresh_memory();
    let total = sys.total_memory();
    let used = sys.used_memory();
    if total == 0 {
        return Check::nothing(CheckStatus::Skip, "memory size unknown on this system");
    }
    let percent = used as f64 * 100.0 / total as f64;
    let status = grade(percent, warn, fail);
    let mb = |b: u64| b / (1024 * 1024);
    let message = match status {
        CheckStatus::Pass => format!("memory {percent:.0}% used"),
        _ => format!("memory {percent:.0}% used (warn > {warn:.0}%, fail > {fail:.0}%)"),
    };
    Check::new(
        status,
        message,
        Detail::Memory(Memory {
            used_mb: mb(used),
            total_mb: mb(total),
            percent: one_decimal(percent),
        }),
    )
}

/// Space used on the file system holding `dir`, graded by `limits`.
pub fn disk_check_within(dir: &Path, limits: &Limits) -> Check {
    let (warn, fail) = (limits.disk_warn_percent, limits.disk_fail_percent);
    // The directory may be missing; measure its nearest existing ancestor.
    let mut probe = dir;
    while !probe.exists() {
        match probe.parent() {
            Some(p) => probe = p,
            None => break,
        }
    }
    match nix::sys::statvfs::statvfs(probe) {
        Err(e) => Check::nothing(
            CheckStatus::Fail,
            format!("cannot measure the disk of {}: {e}", dir.display()),
        ),
        // The field types differ between platforms (u32 or u64).
        #[allow(clippy::unnecessary_cast)]
        Ok(st) => {
            let frag = st.fragment_size() as u64;
            let total = st.blocks() as u64 * frag;
            let avail = st.blocks_available() as u64 * frag;
            let free = st.blocks_free() as u64 * frag;
            let used = total.saturating_sub(free);
            // Like df: the share of the space ordinary users can have.
            let usable = used + avail;
            let percent = if usable == 0 {
                0.0
            } else {
                used as f64 * 100.0 / usable as f64
            };
            let status = grade(percent, warn, fail);
            let gb = |b: u64| one_decimal(b as f64 / 1e9);
            let message = match status {
                CheckStatus::Pass => format!("disk {percent:.0}% used"),
                _ => format!(
                    "disk of {} is {percent:.0}% used (warn > {warn:.0}%, fail > {fail:.0}%): `talos log prune --dry-run` shows what can be freed",
                    dir.display()
                ),
            };
            Check::new(
                status,
                message,
                Detail::Disk(Disk {
                    path: dir.display().to_string(),
                    used_gb: gb(used),
                    total_gb: gb(usable),
                    percent: one_decimal(percent),
                    used_bytes: used,
                    total_bytes: usable,
                }),
            )
        }
    }
}

/// Expiry of SSL_DIR/cert.pem (warn within 30 days, fail within 7 days or
/// expired); `skip` when there is no certificate.
pub fn certificate_check(cert: &Path, now: Timestamp) -> Check {
    let pem = match crate::fsutil::read_small(cert, crate::fsutil::SMALL_FILE_CAP) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Check::nothing(
                CheckStatus::Skip,
                format!("no certificate at {}", cert.display()),
            );
        }
        Err(e) => {
            return Check::nothing(
                CheckStatus::Fail,
                format!("cannot read {}: {e}", cert.display()),
            );
        }
    };
    let parsed = x509_parser::pem::parse_x509_pem(&pem)
        .map_err(|e| e.to_string())
        .and_then(|(_, p)| {
            p.parse_x509()
                .map(|c| c.validity().not_after.timestamp())
                .map_err(|e| e.to_string())
        });
    match parsed {
        Err(e) => Check::nothing(
            CheckStatus::Fail,
            format!("{} is not a readable PEM certificate: {e}", cert.display()),
        ),
        Ok(not_after) => {
            let days = (not_after - now.as_second()).div_euclid(86400);
            let status = if days < CERT_FAIL_DAYS {
                CheckStatus::Fail
            } else if days < CERT_WARN_DAYS {
                CheckStatus::Warn
            } else {
                CheckStatus::Pass
            };
            let expires = Timestamp::from_second(not_after)
                .map(|t| t.to_string())
                .unwrap_or_default();
            let message = if not_after < now.as_second() {
                format!("the certificate expired on {expires}: renew it (T008)")
            } else if status == CheckStatus::Pass {
                format!("certificate valid for {days} more days")
            } else {
                format!("the certificate expires in {days} days ({expires}): renew it")
            };
            Check::new(
                status,
                message,
                Detail::Certificate(Certificate {
                    not_after: expires,
                    days_remaining: days,
                }),
            )
        }
    }
}

/// What `talos health` reports, the same shape online and offline.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub status: Overall,
    /// `online` (the daemon's /health) or `offline` (computed from files).
    pub access: Access,
    /// When this report was made.
    pub checked_at: String,
    pub daemon: DaemonSummary,
    /// The daemon's version and uptime, when it answered.
    pub version: Option<String>,
    pub uptime_seconds: Option<u64>,
    /// `orchestrator`, `database`, `memory`, `disk`, `certificate`, and
    /// `crash_loop` when the daemon's start history shows one.
    pub checks: Checks,
    /// The crash loop evidence the `crash_loop` check grades; doctor and
    /// status make their finding from this same value.
    #[serde(skip)]
    pub crash_loop: Option<CrashLoop>,
}

/// The liveness part of a report.
#[derive(Debug, Clone, Serialize)]
pub struct DaemonSummary {
    pub state: Verdict,
    pub pid: Option<u32>,
    pub url: String,
    pub message: String,
    /// What to do about it, when something is wrong.
    pub fix: Option<String>,
}

impl DaemonSummary {
    pub fn of(live: &Liveness) -> DaemonSummary {
        DaemonSummary {
            state: live.verdict,
            pid: live.pid,
            url: live.url.clone(),
            message: live.message.clone(),
            fix: live.next.clone(),
        }
    }
}

/// Busy wait allowed on the database offline: a locked DB must not make
/// `health` miss its 2 s answer.
const OFFLINE_DB_BUSY: Duration = Duration::from_millis(800);

/// The report: from the daemon's /health when it answered, else from files.
/// Either way, the daemon's start history is read on this host: a daemon
/// that answers "healthy, up 1 s" after its fourth start in five minutes is
/// not healthy (check `crash_loop`).
pub fn report(live: &Liveness, layout: &Layout) -> Report {
    let mut r = match live.health() {
        Some(answer) => online_report(live, answer, layout),
        None => offline_report(live, layout),
    };
    if layout.data_dir.is_dir() {
        add_crash_loop(&mut r, crashloop::detect(layout, crate::clock::now()));
    }
    r
}

/// The `crash_loop` check: fail while the loop lasts (newest start within
/// the window), warn for the hour after; absent when there is none.
pub fn crash_loop_check(c: &CrashLoop) -> Check {
    let status = if c.active() {
        CheckStatus::Fail
    } else {
        CheckStatus::Warn
    };
    Check::new(
        status,
        c.title(),
        Detail::CrashLoop(CrashLoopDetail {
            starts: c.starts.len(),
            first_start: format_ts(c.first()),
            last_start: format_ts(c.last()),
            last_start_age_ms: c.newest_age_s.max(0) * 1000,
        }),
    )
}

fn add_crash_loop(r: &mut Report, found: Option<CrashLoop>) {
    if let Some(c) = &found {
        let v = crash_loop_check(c);
        r.status = worst(r.status, Overall::from_checks([&v]));
        r.checks.insert("crash_loop", v);
    }
    r.crash_loop = found;
}

fn worst(a: Overall, b: Overall) -> Overall {
    let rank = |o: Overall| match o {
        Overall::Healthy => 0,
        Overall::Degraded => 1,
        Overall::Unhealthy => 2,
        Overall::Unknown => 3,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// The daemon's answer, plus the certificate check done locally.
pub fn online_report(live: &Liveness, answer: &HealthAnswer, layout: &Layout) -> Report {
    let now = crate::clock::now();
    let body = &answer.body;
    // The daemon's checks as it reported them, each with a message.
    let mut checks = Checks::default();
    for (name, c) in body
        .get("checks")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        checks.insert(name.clone(), Check::reported(name, c));
    }
    let cert = certificate_check(&layout.ssl_dir.join("cert.pem"), now);
    let cert_overall = Overall::from_checks([&cert]);
    checks.insert("certificate", cert);
    let daemon_status = body
        .get("status")
        .and_then(Value::as_str)
        .and_then(Overall::parse)
        .unwrap_or(Overall::Unknown);
    Report {
        status: worst(daemon_status, cert_overall),
        access: Access::Online,
        checked_at: format_ts(now),
        daemon: DaemonSummary::of(live),
        version: body
            .get("version")
            .and_then(Value::as_str)
            .map(str::to_string),
        uptime_seconds: body.get("uptime_seconds").and_then(Value::as_u64),
        checks,
        crash_loop: None,
    }
}

/// Health from files: PID file and heartbeat, database, memory, disk of
/// DATA_DIR, certificate. `unknown` when the root is not an installation.
pub fn offline_report(live: &Liveness, layout: &Layout) -> Report {
    let now = crate::clock::now();
    let mut checks = Checks::default();
    if !layout.data_dir.is_dir() {
        checks.insert(
            "installation",
            Check::nothing(
                CheckStatus::Fail,
                format!(
                    "{} is not an installation ({} is missing): check --root / TALOS_ROOT",
                    layout.root.display(),
                    layout.data_dir.display()
                ),
            ),
        );
        return Report {
            status: Overall::Unknown,
            access: Access::Offline,
            checked_at: format_ts(now),
            daemon: DaemonSummary::of(live),
            version: None,
            uptime_seconds: None,
            checks,
            crash_loop: None,
        };
    }
    let mut orchestrator = heartbeat_check(&layout.heartbeat(), now);
    let overridden = match live.verdict {
        Verdict::Running | Verdict::Up => None,
        // Alive with a fresh heartbeat: the API alone is slow, or the PID
        // cannot be verified; a warning.
        Verdict::Hung | Verdict::Unverified if orchestrator.status == CheckStatus::Pass => {
            Some(CheckStatus::Warn)
        }
        _ => Some(CheckStatus::Fail),
    };
    if let Some(status) = overridden {
        orchestrator.status = status;
        orchestrator.message = live.message.clone();
        if let Detail::Heartbeat(h) = &mut orchestrator.detail {
            h.daemon = Some(live.verdict);
        }
    }
    checks.insert("orchestrator", orchestrator);
    checks.insert(
        "database",
        database_check(&layout.db, true, OFFLINE_DB_BUSY),
    );
    let limits = Limits::from_config(layout);
    checks.insert("memory", memory_check_within(&limits));
    checks.insert("disk", disk_check_within(&layout.data_dir, &limits));
    checks.insert(
        "certificate",
        certificate_check(&layout.ssl_dir.join("cert.pem"), now),
    );
    Report {
        status: Overall::from_checks(checks.values()),
        access: Access::Offline,
        checked_at: format_ts(now),
        daemon: DaemonSummary::of(live),
        version: None,
        uptime_seconds: None,
        checks,
        crash_loop: None,
    }
}

/// The command to run next for a failing or warning check.
pub fn next_step(name: &str, report: &Report) -> Option<String> {
    Some(match name {
        "orchestrator" => report
            .daemon
            .fix
            .clone()
            .unwrap_or_else(|| "`talos status`, then `talos restart` if it does not recover".into()),
        "database" => "`talos doctor` tells a lock (and names the process holding it) from damage; never restore the database for a lock".into(),
        "memory" => "find the memory hog (`ps aux --sort=-%mem | head`); `talos restart` if it is Talos".into(),
        "disk" => "`talos log prune --dry-run` shows what can be freed".into(),
        "certificate" => "renew etc/talos/ssl/cert.pem (T008)".into(),
        "installation" => "check --root / TALOS_ROOT".into(),
        "crash_loop" => "find why the daemon exits before restarting it again: `talos log query --since 1h --level ERROR`; `talos doctor` lists its starts".into(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn limits_come_from_config_yaml() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        assert_eq!(
            Limits::from_config(&layout),
            Limits::default(),
            "no config: defaults"
        );
        std::fs::create_dir_all(&layout.config_dir).unwrap();
        std::fs::write(
            &layout.config_file,
            "version: 1\norchestrator: {}\nlogging: {}\nhealth:\n  disk_warn_percent: 0\n  disk_fail_percent: 0\n  memory_fail_percent: 250\n",
        )
        .unwrap();
        let limits = Limits::from_config(&layout);
        assert_eq!(limits.disk_warn_percent, 0.0);
        assert_eq!(
            limits.memory_fail_percent, MEMORY_FAIL_PERCENT,
            "out of range is ignored"
        );
        // Any used disk is above 0 %: the check fails with these limits.
        let v = disk_check_within(dir.path(), &limits);
        assert_eq!(v.status, CheckStatus::Fail, "{v:?}");
        let open = Limits {
            disk_warn_percent: 100.0,
            disk_fail_percent: 100.0,
            ..limits
        };
        assert_eq!(
            (disk_check_within(dir.path(), &open)).status,
            CheckStatus::Pass
        );
    }

    #[test]
    fn thresholds_are_strictly_above() {
        assert_eq!(grade(10.0, 10.0, 30.0), CheckStatus::Pass);
        assert_eq!(grade(10.5, 10.0, 30.0), CheckStatus::Warn);
        assert_eq!(grade(31.0, 10.0, 30.0), CheckStatus::Fail);
    }

    #[test]
    fn heartbeat_ages() {
        let dir = tempfile::tempdir().unwrap();
        let hb = dir.path().join("heartbeat");
        let now: Timestamp = "2024-01-15T08:30:00Z".parse().unwrap();
        // No heartbeat file at all.
        assert_eq!((heartbeat_check(&hb, now)).status, CheckStatus::Fail);
        for (content, want) in [
            ("2024-01-15T08:29:55.000Z\n", CheckStatus::Pass),
            ("2024-01-15T08:29:45Z\n", CheckStatus::Warn),
            ("2024-01-15T08:29:00Z", CheckStatus::Fail),
            ("garbage", CheckStatus::Fail),
        ] {
            std::fs::write(&hb, content).unwrap();
            assert_eq!((heartbeat_check(&hb, now)).status, want, "{content:?}");
        }
    }

    #[test]
    fn overall_is_the_worst_check() {
        let c = |v: Value| Check::reported("x", &v);
        let pass = c(json!({"status": "pass"}));
        let warn = c(json!({"status": "warn"}));
        let fail = c(json!({"status": "fail"}));
        let skip = c(json!({"status": "skip"}));
        assert_eq!(Overall::from_checks([&pass, &skip]), Overall::Healthy);
        assert_eq!(Overall::from_checks([&pass, &warn]), Overall::Degraded);
        assert_eq!(Overall::from_checks([&warn, &fail]), Overall::Unhealthy);
        assert_eq!(
            Overall::from_checks([&c(json!({"status": "??"}))]),
            Overall::Unhealthy
        );
    }

    #[test]
    fn checks_serialize_to_the_documented_keys() {
        let dir = tempfile::tempdir().unwrap();
        let v = serde_json::to_value(disk_check_within(dir.path(), &Limits::default())).unwrap();
        for key in [
            "status",
            "message",
            "path",
            "used_gb",
            "total_gb",
            "percent",
            "used_bytes",
            "total_bytes",
        ] {
            assert!(v.get(key).is_some(), "{key}: {v}");
        }
        assert!(v["total_bytes"].as_u64().unwrap() > 0, "{v}");
        let hb = serde_json::to_value(heartbeat_check(
            &dir.path().join("none"),
            crate::clock::now(),
        ))
        .unwrap();
        assert_eq!(
            hb,
            json!({"status": "fail", "message": hb["message"], "last_heartbeat": null, "heartbeat_age_ms": null})
        );
        let r = Check::reported("llm_api", &json!({"status": "degraded", "latency_ms": 3}));
        assert_eq!(r.status, CheckStatus::Warn);
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"status": "warn", "message": "llm_api: warn (reported by the daemon)", "latency_ms": 3})
        );
    }

    #[test]
    fn database_check_runs_quick_check() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        assert_eq!(
            (database_check(&db, true, Duration::from_millis(100))).status,
            CheckStatus::Fail
        );
        rusqlite::Connection::open(&db)
            .unwrap()
            .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
        let c = database_check(&db, true, Duration::from_millis(100));
        assert_ne!(c.status, CheckStatus::Fail, "{c:?}");
        // The ping is the response time; quick_check is timed apart.
        assert!(
            matches!(&c.detail, Detail::Database(d) if d.quick_check.as_deref() == Some("ok")
                && d.response_time_ms.is_some() && d.quick_check_ms.is_some()),
            "{c:?}"
        );
        let ping = database_check(&db, false, Duration::from_millis(100));
        assert!(
            matches!(&ping.detail, Detail::Database(d) if d.quick_check.is_none()
                && d.quick_check_ms.is_none() && d.response_time_ms.is_some()),
            "{ping:?}"
        );
        std::fs::write(&db, b"this is not a database at all, not even close....").unwrap();
        let c = database_check(&db, true, Duration::from_millis(100));
        assert_eq!(c.status, CheckStatus::Fail, "{c:?}");
    }

    #[test]
    fn certificate_expiry() {
        let dir = tempfile::tempdir().unwrap();
        let pem_path = dir.path().join("cert.pem");
        let now = crate::clock::now();
        assert_eq!(
            (certificate_check(&pem_path, now)).status,
            CheckStatus::Skip
        );
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.not_after = rcgen::date_time_ymd(2020, 1, 1);
        params.not_before = rcgen::date_time_ymd(2019, 1, 1);
        std::fs::write(&pem_path, params.self_signed(&key).unwrap().pem()).unwrap();
        let c = certificate_check(&pem_path, now);
        assert_eq!(c.status, CheckStatus::Fail, "{c:?}");
        assert!(c.message.contains("expired"));
    }
}
