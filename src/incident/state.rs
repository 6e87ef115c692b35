//! The state of the installation now, from the files as `talos health`
//! computes it with the daemon down, and doctor's problems. Both run beside
//! the reading of the evidence.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::Value;

use super::{DoctorLine, OpenBreaker, StateNow};
use crate::config::Settings;
use crate::install::Layout;

/// The health check of the database, with its quick_check: made once per
/// report and handed to both health and doctor.
pub(super) fn database_check(layout: &Layout) -> crate::health::Check {
    crate::health::database_check(&layout.db, true, std::time::Duration::from_secs(2))
}

/// doctor's problems. The log lines are searched by the report; doctor need
/// not read them again, nor run its own quick_check (`database`).
pub(super) fn doctor_lines(
    layout: &Layout,
    settings: &Settings,
    database: &crate::doctor::DatabaseCheck<'_>,
) -> Vec<DoctorLine> {
    let opts = crate::doctor::Options {
        skip_log_scan: true,
        database: Some(database),
        ..crate::doctor::Options::default()
    };
    crate::doctor::run_opts(layout, settings, &opts)
        .findings
        .into_iter()
        .filter(|f| f.is_problem())
        .map(|f| DoctorLine {
            severity: f.severity.label().to_lowercase(),
            check: f.check.to_string(),
            title: f.title,
            fix: f.fix,
        })
        .collect()
}

/// Everything of [`StateNow`] but the breakers and doctor's findings.
pub(super) struct Health {
    health: String,
    checks: BTreeMap<String, Value>,
    daemon: String,
    pending_recovery: Option<Value>,
    unfinished_restore: bool,
}

pub(super) fn health(
    layout: &Layout,
    settings: &Settings,
    now: Timestamp,
    database: &crate::doctor::DatabaseCheck<'_>,
) -> Health {
    use crate::health;
    let mut checks = BTreeMap::new();
    checks.insert(
        "orchestrator".to_string(),
        health::heartbeat_check(&layout.heartbeat(), now),
    );
    checks.insert("database".to_string(), database());
    let limits = health::Limits::from_config(layout);
    checks.insert("memory".to_string(), health::memory_check_within(&limits));
    checks.insert(
        "disk".to_string(),
        health::disk_check_within(&layout.data_dir, &limits),
    );
    checks.insert(
        "certificate".to_string(),
        health::certificate_check(&layout.ssl_dir.join("cert.pem"), now),
    );
    let overall = health::Overall::from_checks(checks.values());
    // The report keeps the checks as their JSON (docs/format.md keys).
    let checks: BTreeMap<String, Value> = checks
        .into_iter()
        .map(|(k, v)| (k, serde_json::to_value(v).unwrap_or(Value::Null)))
        .collect();
    let daemon =
        match crate::process::check_pid_file(&layout.pid_file, &settings.process_match.value) {
            Ok(crate::process::PidStatus::Verified { process, .. }) => {
                format!("running (PID {})", process.pid)
            }
            Ok(crate::process::PidStatus::NoPidFile { .. }) => "down (no PID file)".into(),
            Ok(crate::process::PidStatus::Stale { reason, .. }) => {
                format!("down (stale PID file: {reason})")
            }
            Err(e) => format!("unknown ({e})"),
        };
    let pending_recovery =
        crate::fsutil::read_small_string(layout.emergency_state(), crate::fsutil::SMALL_FILE_CAP)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .filter(|v| v.get("recovery_available").and_then(Value::as_bool) == Some(true))
            // A postmortem is widely shared: never copy the daemon's recovery token into it.
            .map(|mut v| {
                crate::emergency::state::redact_secrets(&mut v);
                v
            });
    Health {
        health: overall.as_str().to_string(),
        checks,
        daemon,
        pending_recovery,
        unfinished_restore: layout.data_dir.join("restore.journal").exists(),
    }
}

pub(super) fn state_now(
    h: Health,
    breakers: &[crate::breakers::Breaker],
    doctor: Vec<DoctorLine>,
) -> StateNow {
    StateNow {
        health: h.health,
        health_checks: h.checks,
        daemon: h.daemon,
        open_breakers: breakers
            .iter()
            .filter(|b| b.is_open())
            .map(|b| OpenBreaker {
                name: b.name.clone(),
                state: b.state.clone(),
                failure_count: b.failure_count,
                opened_at: b.opened_at.clone(),
            })
            .collect(),
        pending_recovery: h.pending_recovery,
        unfinished_restore: h.unfinished_restore,
        doctor,
    }
}
