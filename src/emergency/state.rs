//! `DATA_DIR/emergency_state.json` (docs/format.md): what the last panic did and
//! whether there is state to recover.
//!
//! The file is a JSON object. The documented keys (docs/format.md) come first; talos adds a
//! few of its own (`initiated_by`, `talos_version`, `daemon_record`,
//! `recovered_at`, ...) and keeps every key it does not know, so a record the
//! daemon wrote survives a round trip through talos.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::fsutil;

/// How the daemon was stopped: the rung of the escalation that worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Api,
    SignalFile,
    Sigterm,
    Sigkill,
    /// Nothing had to be stopped (the daemon was not running), or nothing worked.
    None,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Api => "api",
            Method::SignalFile => "signal_file",
            Method::Sigterm => "sigterm",
            Method::Sigkill => "sigkill",
            Method::None => "none",
        }
    }
}

/// The record as talos reads it: the documented keys, typed, plus the rest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EmergencyState {
    #[serde(default)]
    pub panic_timestamp: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// A number when talos wrote it; old shell tools wrote a string.
    #[serde(default)]
    pub pid: Value,
    #[serde(default)]
    pub data_dir: Option<String>,
    #[serde(default)]
    pub recovery_available: bool,
    #[serde(default)]
    pub force_shutdown: bool,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub preserve: Option<String>,
    /// Every other key, kept as it was.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl EmergencyState {
    pub fn recovered_at(&self) -> Option<&str> {
        self.extra.get("recovered_at").and_then(Value::as_str)
    }

    /// The preserve archive the record names, if it names one.
    pub fn preserve_path(&self) -> Option<PathBuf> {
        self.preserve
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    }
}

/// Reads the record; `Ok(None)` when there is none. A file that is not a
/// JSON object is an integrity failure (exit 3) naming the file.
/// What a report shows instead of a recovery token.
pub const REDACTED: &str = "(redacted; see emergency_state.json)";

/// Replaces every `recovery_token` in `v` (at any depth, e.g. inside
/// `daemon_record`) with [`REDACTED`]: like the admin token, it stays in the
/// 0600 file and off the screen (docs/format.md; panic keeps it out of
/// panic.log for the same reason).
pub fn redact_secrets(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if k == "recovery_token" && !val.is_null() {
                    *val = Value::String(REDACTED.into());
                } else {
                    redact_secrets(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_secrets),
        _ => {}
    }
}

pub fn read(path: &Path) -> Result<Option<EmergencyState>> {
    let bytes = match crate::fsutil::read_small(path, crate::fsutil::SMALL_FILE_CAP) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::from(e).hint(format!("cannot read {}", path.display()))),
    };
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        Error::integrity(format!("{} is not valid JSON: {e}", path.display()))
            .hint("look at it by hand; `talos recover ARCHIVE` works from a preserve alone")
    })?;
    if !value.is_object() {
        return Err(Error::integrity(format!(
            "{} is not a JSON object",
            path.display()
        )));
    }
    let state = serde_json::from_value(value).map_err(|e| {
        Error::integrity(format!(
            "{} does not have the emergency state format: {e}",
            path.display()
        ))
    })?;
    Ok(Some(state))
}

/// Writes the record atomically (temp file, fsync, rename), mode 0600.
pub fn write(path: &Path, state: &EmergencyState) -> Result<()> {
    fsutil::write_json_atomic(path, state, crate::install::SECRET_FILE_MODE)
}

/// What talos knows about a panic it just ran.
#[derive(Debug, Clone)]
pub struct PanicFacts {
    pub started_at: String,
    pub reason: String,
    pub pid: Option<u32>,
    pub data_dir: PathBuf,
    pub forced: bool,
    pub method: Method,
    pub preserve: Option<PathBuf>,
    pub initiated_by: String,
}

/// Builds the record talos writes after a panic.
///
/// When the daemon wrote its own record during this panic (`daemon_record`),
/// its `panic_timestamp` and `pid` are kept (the daemon knows best when it
/// began and who it was), its whole object is kept under `daemon_record`,
/// and talos's own view wins for `reason`, `method`, `force_shutdown` and
/// `preserve`, since talos knows which rung worked and where its archive is.
/// If the daemon named a preserve of its own, that path is kept as
/// `daemon_preserve`.
///
/// `force_shutdown` is true when the operator gave `--force` or the daemon
/// had to be killed with SIGKILL (it had no chance to save its own state).
pub fn record_for_panic(facts: &PanicFacts, daemon_record: Option<&Value>) -> EmergencyState {
    let daemon = daemon_record.and_then(Value::as_object);
    let from_daemon = |k: &str| daemon.and_then(|d| d.get(k)).filter(|v| !v.is_null());
    let panic_timestamp = from_daemon("panic_timestamp")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| facts.started_at.clone());
    let pid = match (facts.pid, from_daemon("pid")) {
        (_, Some(v)) => v.clone(),
        (Some(p), None) => Value::from(p),
        (None, None) => Value::Null,
    };
    let mut extra = Map::new();
    extra.insert("initiated_by".into(), facts.initiated_by.clone().into());
    extra.insert("talos_version".into(), crate::VERSION.into());
    if let Some(d) = daemon {
        if let Some(p) = d.get("preserve").and_then(Value::as_str)
            && facts.preserve.as_deref() != Some(Path::new(p))
        {
            extra.insert("daemon_preserve".into(), p.into());
        }
        extra.insert("daemon_record".into(), Value::Object(d.clone()));
    }
    EmergencyState {
        panic_timestamp: Some(panic_timestamp),
        reason: Some(facts.reason.clone()),
        pid,
        data_dir: Some(facts.data_dir.display().to_string()),
        recovery_available: true,
        force_shutdown: facts.forced || facts.method == Method::Sigkill,
        method: Some(facts.method.as_str().to_string()),
        preserve: facts.preserve.as_ref().map(|p| p.display().to_string()),
        extra,
    }
}

/// Marks a record as recovered: `recovery_available` false, and when, by
/// whom and from which archive. Every other key is kept.
pub fn mark_recovered(state: &mut EmergencyState, at: &str, by: &str, from: &Path) {
    state.recovery_available = false;
    state.extra.insert("recovered_at".into(), at.into());
    state.extra.insert("recovered_by".into(), by.into());
    state
        .extra
        .insert("recovered_from".into(), from.display().to_string().into());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> PanicFacts {
        PanicFacts {
            started_at: "2026-01-01T00:00:00.000Z".into(),
            reason: "runaway agent".into(),
            pid: Some(4242),
            data_dir: "/r/var/lib/talos".into(),
            forced: false,
            method: Method::SignalFile,
            preserve: Some(
                "/r/var/lib/talos/emergency_preserves/emergency_20260101_000000.tar.gz".into(),
            ),
            initiated_by: "operator:tester".into(),
        }
    }

    #[test]
    fn documented_keys_come_first_and_round_trip() {
        let rec = record_for_panic(&facts(), None);
        let text = serde_json::to_string(&rec).unwrap();
        let keys: Vec<String> = serde_json::from_str::<Map<String, Value>>(&text)
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(
            &keys[..8],
            [
                "panic_timestamp",
                "reason",
                "pid",
                "data_dir",
                "recovery_available",
                "force_shutdown",
                "method",
                "preserve"
            ]
        );
        assert!(text.contains(r#""method":"signal_file""#));
        assert!(text.contains(r#""pid":4242"#));
        let back: EmergencyState = serde_json::from_str(&text).unwrap();
        assert_eq!(back, rec);
    }

    #[test]
    fn daemon_record_is_kept() {
        let daemon = serde_json::json!({
            "panic_timestamp": "2025-12-31T23:59:59Z",
            "reason": "signal file",
            "pid": 77,
            "recovery_available": true,
            "method": "signal_file",
            "preserve": "/elsewhere/p.tar.gz",
            "active_tasks": [1, 2]
        });
        let rec = record_for_panic(&facts(), Some(&daemon));
        assert_eq!(rec.panic_timestamp.as_deref(), Some("2025-12-31T23:59:59Z"));
        assert_eq!(rec.pid, Value::from(77));
        assert_eq!(rec.reason.as_deref(), Some("runaway agent"));
        assert_eq!(rec.extra["daemon_preserve"], "/elsewhere/p.tar.gz");
        assert_eq!(rec.extra["daemon_record"]["active_tasks"][1], 2);
    }

    #[test]
    fn sigkill_means_forced_and_recovered_is_marked() {
        let mut f = facts();
        f.method = Method::Sigkill;
        let mut rec = record_for_panic(&f, None);
        assert!(rec.force_shutdown);
        mark_recovered(
            &mut rec,
            "2026-01-02T00:00:00.000Z",
            "operator:x",
            Path::new("/p"),
        );
        assert!(!rec.recovery_available);
        assert_eq!(rec.recovered_at(), Some("2026-01-02T00:00:00.000Z"));
    }

    #[test]
    fn unknown_keys_survive_and_bad_files_are_integrity_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("emergency_state.json");
        assert!(read(&p).unwrap().is_none());
        std::fs::write(&p, r#"{"reason":"x","pid":"123","weird":{"a":1}}"#).unwrap();
        let st = read(&p).unwrap().unwrap();
        assert_eq!(st.pid, Value::from("123"));
        write(&p, &st).unwrap();
        let again = std::fs::read_to_string(&p).unwrap();
        assert!(again.contains("weird"));
        std::fs::write(&p, "not json").unwrap();
        assert_eq!(read(&p).unwrap_err().exit_code(), 3);
        std::fs::write(&p, "[1]").unwrap();
        assert_eq!(read(&p).unwrap_err().exit_code(), 3);
    }
}
