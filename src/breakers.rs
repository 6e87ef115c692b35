//! `STATE_DIR/circuit_breakers.json` (docs/format.md): read, reset, rewrite.
//!
//! The file is kept as a JSON value, not a struct, so that a reset changes
//! exactly `state`, `failure_count` and `opened_at` of one breaker and keeps
//! every other key (known to us or not) and every other breaker as it was.
//! The runbooks over it (reset, force open, disable) are in [`runbook`].

pub mod runbook;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::install::SECRET_FILE_MODE;

/// One breaker as `breaker list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Breaker {
    pub name: String,
    pub state: String,
    pub failure_count: Option<u64>,
    pub opened_at: Option<String>,
    pub last_failure: Option<String>,
    /// Who forced the state (`forced_open` or `disabled`), when and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forced: Option<Forced>,
    /// Every key of the breaker as stored.
    pub raw: Value,
}

impl Breaker {
    pub fn from_value(name: &str, v: &Value) -> Breaker {
        Breaker {
            name: name.to_string(),
            state: v
                .get("state")
                .and_then(Value::as_str)
                .unwrap_or("unknown")
                .to_string(),
            failure_count: v.get("failure_count").and_then(Value::as_u64),
            opened_at: v
                .get("opened_at")
                .and_then(Value::as_str)
                .map(str::to_string),
            last_failure: v
                .get("last_failure")
                .and_then(Value::as_str)
                .map(str::to_string),
            forced: Forced::from_value(v),
            raw: v.clone(),
        }
    }

    /// Calls are rejected (or only probed): every state but `closed` and
    /// `disabled` (which lets every call through).
    pub fn is_open(&self) -> bool {
        self.state != "closed" && self.state != Force::Disabled.as_str()
    }

    /// Forced open or disabled by an operator: it stays so until
    /// `talos breaker reset`.
    pub fn is_forced(&self) -> bool {
        Force::from_state(&self.state).is_some()
    }
}

/// The two manual states of resilience4j: FORCED_OPEN rejects every call,
/// DISABLED lets every call through; neither changes on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Force {
    ForcedOpen,
    Disabled,
}

impl Force {
    /// The `state` value in the file and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Force::ForcedOpen => "forced_open",
            Force::Disabled => "disabled",
        }
    }

    /// The admin API's override for this state:
    /// `POST /admin/circuit-breakers/<name>/{force-open,disable}`.
    pub fn api_override(self) -> crate::api::BreakerOverride {
        match self {
            Force::ForcedOpen => crate::api::BreakerOverride::ForceOpen,
            Force::Disabled => crate::api::BreakerOverride::Disable,
        }
    }

    pub fn from_state(state: &str) -> Option<Force> {
        [Force::ForcedOpen, Force::Disabled]
            .into_iter()
            .find(|f| f.as_str() == state)
    }

    pub fn from_api_action(action: &str) -> Option<Force> {
        [Force::ForcedOpen, Force::Disabled]
            .into_iter()
            .find(|f| f.api_override().path_segment() == action)
    }
}

/// Who forced a breaker's state, when and why (`forced_by`, `forced_at`,
/// `forced_reason` beside `state` in the file and the API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forced {
    pub by: Option<String>,
    pub at: Option<String>,
    pub reason: Option<String>,
}

impl Forced {
    fn from_value(v: &Value) -> Option<Forced> {
        let state = v.get("state").and_then(Value::as_str)?;
        Force::from_state(state)?;
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        Some(Forced {
            by: s("forced_by"),
            at: s("forced_at"),
            reason: s("forced_reason"),
        })
    }

    /// `by operator:alice at 2024-... : reason`, for one line of a screen.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        if let Some(by) = &self.by {
            out.push_str(&format!("by {by} "));
        }
        if let Some(at) = &self.at {
            out.push_str(&format!("at {at} "));
        }
        match &self.reason {
            Some(r) => out.push_str(&format!("(reason: {r})")),
            None => out.push_str("(no reason recorded)"),
        }
        out
    }
}

/// The keys a forced state adds; a reset removes them with the state.
const FORCED_KEYS: [&str; 3] = ["forced_by", "forced_at", "forced_reason"];

/// Forces one breaker object into `force`: `state` and the three `forced_*`
/// keys change, every other key is kept.
pub fn force_value(
    breaker: &mut Map<String, Value>,
    force: Force,
    by: &str,
    at: &str,
    reason: &str,
) {
    breaker.insert("state".into(), json!(force.as_str()));
    breaker.insert("forced_by".into(), json!(by));
    breaker.insert("forced_at".into(), json!(at));
    breaker.insert("forced_reason".into(), json!(reason));
}

/// Turns a `{"name": {...}}` map (the API's `/metrics/circuit_breakers`, or the
/// file's `breakers`) into a sorted list.
pub fn list_from_map(map: &Map<String, Value>) -> Vec<Breaker> {
    let mut out: Vec<Breaker> = map
        .iter()
        .filter(|(_, v)| v.is_object())
        .map(|(k, v)| Breaker::from_value(k, v))
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Applies the reset of docs/format.md to one breaker object.
/// A forced state's `forced_*` keys go with it (they describe that state).
pub fn reset_value(breaker: &mut Map<String, Value>) {
    breaker.insert("state".into(), json!("closed"));
    breaker.insert("failure_count".into(), json!(0));
    breaker.insert("opened_at".into(), Value::Null);
    for k in FORCED_KEYS {
        breaker.remove(k);
    }
}

/// The whole file, as read.
#[derive(Debug, Clone)]
pub struct BreakerFile {
    pub path: PathBuf,
    pub doc: Value,
}

impl BreakerFile {
    /// Reads the file. Missing: exit 1 with a hint; not JSON or without a
    /// `breakers` object: exit 3 (a corrupt state file).
    pub fn load(path: &Path) -> Result<BreakerFile> {
        let text = match crate::fsutil::read_small_string(path, crate::fsutil::SMALL_FILE_CAP) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::failed(format!(
                    "{} does not exist: no circuit breaker state is recorded",
                    path.display()
                ))
                .hint("the daemon creates it at start; check --root"));
            }
            Err(e) => return Err(Error::from(e)),
        };
        let doc = Self::parse(path, &text)?;
        Ok(BreakerFile {
            path: path.to_path_buf(),
            doc,
        })
    }

    pub fn parse(path: &Path, text: &str) -> Result<Value> {
        let doc: Value = serde_json::from_str(text).map_err(|e| {
            Error::integrity(format!("{} is not valid JSON: {e}", path.display()))
                .hint("`talos doctor` reports corrupt state files; restore the state component from a backup with `talos restore BACKUP --partial state`")
        })?;
        if !doc.get("breakers").is_some_and(Value::is_object) {
            return Err(
                Error::integrity(format!("{} has no `breakers` object", path.display()))
                    .hint("expected {\"breakers\": {\"NAME\": {\"state\": ...}}} (docs/format.md)"),
            );
        }
        Ok(doc)
    }

    pub fn map(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        self.doc
            .get("breakers")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    pub fn list(&self) -> Vec<Breaker> {
        list_from_map(self.map())
    }

    pub fn names(&self) -> Vec<String> {
        self.list().into_iter().map(|b| b.name).collect()
    }

    /// Resets one breaker in memory; an unknown name is a usage error that
    /// lists the known ones.
    pub fn reset(&mut self, name: &str) -> Result<()> {
        let known = self.names();
        let Some(b) = self
            .doc
            .get_mut("breakers")
            .and_then(Value::as_object_mut)
            .and_then(|m| m.get_mut(name))
            .and_then(Value::as_object_mut)
        else {
            return Err(unknown_breaker(name, &known));
        };
        reset_value(b);
        Ok(())
    }

    /// Forces one breaker in memory (see `force_value`); an unknown name is a
    /// usage error that lists the known ones.
    pub fn force(
        &mut self,
        name: &str,
        force: Force,
        by: &str,
        at: &str,
        reason: &str,
    ) -> Result<()> {
        let known = self.names();
        let Some(b) = self
            .doc
            .get_mut("breakers")
            .and_then(Value::as_object_mut)
            .and_then(|m| m.get_mut(name))
            .and_then(Value::as_object_mut)
        else {
            return Err(unknown_breaker(name, &known));
        };
        force_value(b, force, by, at, reason);
        Ok(())
    }

    /// Rewrites the file atomically, keeping its mode (0600 for a new file).
    pub fn save(&self) -> Result<()> {
        let mode = std::fs::metadata(&self.path)
            .map(|m| m.permissions().mode() & 0o7777)
            .unwrap_or(SECRET_FILE_MODE);
        crate::fsutil::write_json_atomic(&self.path, &self.doc, mode)
    }
}

/// The error for a breaker name nobody knows.
pub fn unknown_breaker(name: &str, known: &[String]) -> Error {
    let list = if known.is_empty() {
        "there are no breakers".to_string()
    } else {
        format!("known breakers: {}", known.join(", "))
    };
    Error::usage(format!("unknown circuit breaker `{name}`"))
        .hint(format!("{list}; `talos breaker list` shows them"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_keeps_every_other_key_and_breaker() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("circuit_breakers.json");
        let text = r#"{"version": 3, "breakers": {"llm_api": {"state": "open", "failure_count": 5, "failure_threshold": 5, "recovery_timeout_s": 60, "opened_at": "2024-01-15T08:24:12Z", "last_failure": "2024-01-15T08:24:12Z", "custom": [1,2]}, "db": {"state": "half_open", "failure_count": 2, "opened_at": "x"}}}"#;
        std::fs::write(&path, text).unwrap();
        let mut f = BreakerFile::load(&path).unwrap();
        f.reset("llm_api").unwrap();
        f.save().unwrap();
        let after: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let mut want: Value = serde_json::from_str(text).unwrap();
        want["breakers"]["llm_api"]["state"] = json!("closed");
        want["breakers"]["llm_api"]["failure_count"] = json!(0);
        want["breakers"]["llm_api"]["opened_at"] = Value::Null;
        assert_eq!(after, want);
        let err = f.reset("nope").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.hints[0].contains("db, llm_api"), "{:?}", err.hints);
    }

    #[test]
    fn corrupt_file_is_integrity_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("circuit_breakers.json");
        std::fs::write(&path, "{not json").unwrap();
        assert_eq!(BreakerFile::load(&path).unwrap_err().exit_code(), 3);
        std::fs::write(&path, "[]").unwrap();
        assert_eq!(BreakerFile::load(&path).unwrap_err().exit_code(), 3);
        assert_eq!(
            BreakerFile::load(&dir.path().join("none"))
                .unwrap_err()
                .exit_code(),
            1
        );
    }
}
