//! Health checks with the thresholds of docs/format.md, computed from the
//! installation's files. `talos health` uses them when the daemon does not
//! answer, and `talos-sim` uses the same functions for its `/health`, so both
//! paths report the same shape (docs/format.md).
//!
//! A check is a JSON object with at least `status` (`pass`, `warn`, `fail`, or
//! `skip` when there is nothing to check) and `message` (one line for a
//! person); the other keys are the check's measurements.

use std::path::Path;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde::Serialize;

use crate::error::ExitStatus;
use serde_json::{Map, Value, json};

use crate::access::Access;
use crate::api::HealthAnswer;
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

    /// The status of a check object; anything unreadable counts as a failure.
    pub fn of(check: &Value) -> CheckStatus {
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
    pub fn from_checks<'a>(checks: impl IntoIterator<Item = &'a Value>) -> Overall {
        let worst = checks
            .into_iter()
            .map(CheckStatus::of)
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

fn check(status: CheckStatus, message: String, mut fields: Map<String, Value>) -> Value {
    let mut out = Map::new();
    out.insert("status".into(), status.as_str().into());
    out.insert("message".into(), message.into());
    out.append(&mut fields);
    Value::Object(out)
}

fn fields(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The orchestrator check from the heartbeat file alone (warn > 10 s, fail > 30 s).
pub fn heartbeat_check(path: &Path, now: Timestamp) -> Value {
    match read_heartbeat(path, now) {
        Err(e) => check(
            CheckStatus::Fail,
            e,
            fields(json!({"last_heartbeat": null, "heartbeat_age_ms": null})),
        ),
        Ok((ts, age)) if age < -HEARTBEAT_FUTURE_SECS => check(
            CheckStatus::Warn,
            format!(
                "the heartbeat is dated {:.0}s in the future ({}): clock skew; it cannot tell whether the daemon works",
                -age,
                format_ts(ts)
            ),
            fields(json!({
                "last_heartbeat": format_ts(ts),
                "heartbeat_age_ms": (age * 1000.0).round() as i64,
                "clock_skew": true,
            })),
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
            check(
                status,
                message,
                fields(json!({
                    "last_heartbeat": format_ts(ts),
                    "heartbeat_age_ms": (age * 1000.0).round() as i64,
                    "event_loop_blocked": blocked,
                    "block_duration_ms": if blocked { (age * 1000.0) as u64 } else { 0 },
                })),
            )
        }
    }
}

/// The database check: opens the DB read-only, runs `query` (default a
/// `PRAGMA quick_check`), and grades its response time (warn > 100 ms,
/// fail > 5 s). A busy database is waited on for at most `busy` before it
/// counts as failed.
pub fn database_check(db: &Path, quick_check: bool, busy: Duration) -> Value {
    if !db.exists() {
        return check(
            CheckStatus::Fail,
            format!("the database {} does not exist", db.display()),
            fields(json!({"response_time_ms": null})),
        );
    }
    let start = Instant::now();
    let result = (|| -> rusqlite::Result<String> {
        let conn = rusqlite::Connection::open_with_flags(
            db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(busy)?;
        if quick_check {
            let mut stmt = conn.prepare("PRAGMA quick_check")?;
            let rows: Vec<String> = stmt
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows.join("; "))
        } else {
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })?;
            Ok("ok".to_string())
        }
    })();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let ms_rounded = (ms * 10.0).round() / 10.0;
    match result {
        // Busy or locked: another process holds a lock. Slow, not damaged;
        // whether it lasts past the 5 s limit is not known yet.
        Err(e) if crate::db::is_busy(&e) => check(
            CheckStatus::Warn,
            format!(
                "the database is locked by another process (busy for {ms:.0} ms): a lock, not damage; `talos doctor` names the holder"
            ),
            fields(json!({"response_time_ms": ms_rounded, "locked": true})),
        ),
        Err(e) => check(
            CheckStatus::Fail,
            format!("database query failed after {ms:.0} ms: {e}"),
            fields(json!({"response_time_ms": ms_rounded})),
        ),
        Ok(result) if result != "ok" => {
            let short: String = result.chars().take(200).collect();
            check(
                CheckStatus::Fail,
                format!("PRAGMA quick_check reports damage: {short}"),
                fields(json!({"response_time_ms": ms_rounded, "quick_check": short})),
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
            let mut f = fields(json!({"response_time_ms": ms_rounded}));
            if quick_check {
                f.insert("quick_check".into(), "ok".into());
            }
            check(status, message, f)
        }
    }
}

/// Memory in use on the host, graded by `limits`.
pub fn memory_check_within(limits: &Limits) -> Value {
    let (warn, fail) = (limits.memory_warn_percent, limits.memory_fail_percent);
    let Ok(mut sys) = sysinfo::System::new() else {
        return check(
            CheckStatus::Skip,
            "memory cannot be measured on this system".into(),
            Map::new(),
        );
    };
    sys.refresh_memory();
    let total = sys.total_memory();
    let used = sys.used_memory();
    if total == 0 {
        return check(
            CheckStatus::Skip,
            "memory size unknown on this system".into(),
            Map::new(),
        );
    }
    let percent = used as f64 * 100.0 / total as f64;
    let status = grade(percent, warn, fail);
    let mb = |b: u64| b / (1024 * 1024);
    let message = match status {
        CheckStatus::Pass => format!("memory {percent:.0}% used"),
        _ => format!("memory {percent:.0}% used (warn > {warn:.0}%, fail > {fail:.0}%)"),
    };
    check(
        status,
        message,
        fields(json!({
            "used_mb": mb(used),
            "total_mb": mb(total),
            "percent": (percent * 10.0).round() / 10.0,
        })),
    )
}

/// Space used on the file system holding `dir`, graded by `limits`.
pub fn disk_check_within(dir: &Path, limits: &Limits) -> Value {
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
        Err(e) => check(
            CheckStatus::Fail,
            format!("cannot measure the disk of {}: {e}", dir.display()),
            Map::new(),
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
            let gb = |b: u64| ((b as f64 / 1e9) * 10.0).round() / 10.0;
            let message = match status {
                CheckStatus::Pass => format!("disk {percent:.0}% used"),
                _ => format!(
                    "disk of {} is {percent:.0}% used (warn > {warn:.0}%, fail > {fail:.0}%): `talos log prune --dry-run` shows what can be freed",
                    dir.display()
                ),
            };
            check(
                status,
                message,
                fields(json!({
                    "path": dir.display().to_string(),
                    "used_gb": gb(used),
                    "total_gb": gb(usable),
                    "percent": (percent * 10.0).round() / 10.0,
                })),
            )
        }
    }
}

/// Expiry of SSL_DIR/cert.pem (warn within 30 days, fail within 7 days or
/// expired); `skip` when there is no certificate.
pub fn certificate_check(cert: &Path, now: Timestamp) -> Value {
    let pem = match std::fs::read(cert) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return check(
                CheckStatus::Skip,
                format!("no certificate at {}", cert.display()),
                Map::new(),
            );
        }
        Err(e) => {
            return check(
                CheckStatus::Fail,
                format!("cannot read {}: {e}", cert.display()),
                Map::new(),
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
        Err(e) => check(
            CheckStatus::Fail,
            format!("{} is not a readable PEM certificate: {e}", cert.display()),
            Map::new(),
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
            check(
                status,
                message,
                fields(json!({"not_after": expires, "days_remaining": days})),
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
    /// `orchestrator`, `database`, `memory`, `disk`, `certificate`.
    pub checks: Map<String, Value>,
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
pub fn report(live: &Liveness, layout: &Layout) -> Report {
    match live.health() {
        Some(answer) => online_report(live, answer, layout),
        None => offline_report(live, layout),
    }
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
    let mut checks = body
        .get("checks")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    // Give every check of the daemon's a message, for people.
    for (name, c) in checks.iter_mut() {
        if let Some(m) = c.as_object_mut()
            && !m.contains_key("message")
        {
            let st = m.get("status").and_then(Value::as_str).unwrap_or("?");
            m.insert(
                "message".into(),
                format!("{name}: {st} (reported by the daemon)").into(),
            );
        }
    }
    let cert = certificate_check(&layout.ssl_dir.join("cert.pem"), now);
    let cert_overall = Overall::from_checks([&cert]);
    checks.insert("certificate".into(), cert);
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
    }
}

/// Health from files: PID file and heartbeat, database, memory, disk of
/// DATA_DIR, certificate. `unknown` when the root is not an installation.
pub fn offline_report(live: &Liveness, layout: &Layout) -> Report {
    let now = crate::clock::now();
    let mut checks = Map::new();
    if !layout.data_dir.is_dir() {
        checks.insert(
            "installation".into(),
            check(
                CheckStatus::Fail,
                format!(
                    "{} is not an installation ({} is missing): check --root / TALOS_ROOT",
                    layout.root.display(),
                    layout.data_dir.display()
                ),
                Map::new(),
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
        };
    }
    let hb = heartbeat_check(&layout.heartbeat(), now);
    let orchestrator = match live.verdict {
        Verdict::Running | Verdict::Up => hb,
        // Alive with a fresh heartbeat: the API alone is slow, or the PID
        // cannot be verified; a warning.
        Verdict::Hung | Verdict::Unverified if CheckStatus::of(&hb) == CheckStatus::Pass => {
            let mut f = fields(hb);
            f.remove("status");
            f.remove("message");
            f.insert("daemon".into(), live.verdict.as_str().into());
            check(CheckStatus::Warn, live.message.clone(), f)
        }
        _ => {
            let mut f = fields(hb);
            f.remove("status");
            f.remove("message");
            f.insert("daemon".into(), live.verdict.as_str().into());
            check(CheckStatus::Fail, live.message.clone(), f)
        }
    };
    checks.insert("orchestrator".into(), orchestrator);
    checks.insert(
        "database".into(),
        database_check(&layout.db, true, OFFLINE_DB_BUSY),
    );
    let limits = Limits::from_config(layout);
    checks.insert("memory".into(), memory_check_within(&limits));
    checks.insert("disk".into(), disk_check_within(&layout.data_dir, &limits));
    checks.insert(
        "certificate".into(),
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
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(CheckStatus::of(&v), CheckStatus::Fail, "{v}");
        let open = Limits {
            disk_warn_percent: 100.0,
            disk_fail_percent: 100.0,
            ..limits
        };
        assert_eq!(
            CheckStatus::of(&disk_check_within(dir.path(), &open)),
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
        assert_eq!(
            CheckStatus::of(&heartbeat_check(&hb, now)),
            CheckStatus::Fail
        );
        for (content, want) in [
            ("2024-01-15T08:29:55.000Z\n", CheckStatus::Pass),
            ("2024-01-15T08:29:45Z\n", CheckStatus::Warn),
            ("2024-01-15T08:29:00Z", CheckStatus::Fail),
            ("garbage", CheckStatus::Fail),
        ] {
            std::fs::write(&hb, content).unwrap();
            assert_eq!(
                CheckStatus::of(&heartbeat_check(&hb, now)),
                want,
                "{content:?}"
            );
        }
    }

    #[test]
    fn overall_is_the_worst_check() {
        let pass = json!({"status": "pass"});
        let warn = json!({"status": "warn"});
        let fail = json!({"status": "fail"});
        let skip = json!({"status": "skip"});
        assert_eq!(Overall::from_checks([&pass, &skip]), Overall::Healthy);
        assert_eq!(Overall::from_checks([&pass, &warn]), Overall::Degraded);
        assert_eq!(Overall::from_checks([&warn, &fail]), Overall::Unhealthy);
        assert_eq!(
            Overall::from_checks([&json!({"status": "??"})]),
            Overall::Unhealthy
        );
    }

    #[test]
    fn database_check_runs_quick_check() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        assert_eq!(
            CheckStatus::of(&database_check(&db, true, Duration::from_millis(100))),
            CheckStatus::Fail
        );
        rusqlite::Connection::open(&db)
            .unwrap()
            .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
        let c = database_check(&db, true, Duration::from_millis(100));
        assert_ne!(CheckStatus::of(&c), CheckStatus::Fail, "{c}");
        assert_eq!(c["quick_check"], "ok");
        std::fs::write(&db, b"this is not a database at all, not even close....").unwrap();
        let c = database_check(&db, true, Duration::from_millis(100));
        assert_eq!(CheckStatus::of(&c), CheckStatus::Fail, "{c}");
    }

    #[test]
    fn certificate_expiry() {
        let dir = tempfile::tempdir().unwrap();
        let pem_path = dir.path().join("cert.pem");
        let now = crate::clock::now();
        assert_eq!(
            CheckStatus::of(&certificate_check(&pem_path, now)),
            CheckStatus::Skip
        );
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.not_after = rcgen::date_time_ymd(2020, 1, 1);
        params.not_before = rcgen::date_time_ymd(2019, 1, 1);
        std::fs::write(&pem_path, params.self_signed(&key).unwrap().pem()).unwrap();
        let c = certificate_check(&pem_path, now);
        assert_eq!(CheckStatus::of(&c), CheckStatus::Fail, "{c}");
        assert!(c["message"].as_str().unwrap().contains("expired"));
    }
}
