//! Liveness: is this installation's daemon up, hung, or down, from its
//! PID file (verified as docs/format.md demands), its heartbeat, and one
//! `GET /health` through the admin API client (`crate::api`).
//!
//! ```ignore
//! let live = daemon::Liveness::probe(&ctx.settings, &ctx.layout, true)?;
//! if live.verdict.is_down() { /* safe to work on files */ }
//! ```

pub mod crashloop;
pub mod heartbeat;

use serde::Serialize;

use crate::api::{ApiError, ApiErrorKind, Client, HealthAnswer};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::install::Layout;
use crate::process::{PidStatus, StaleReason};

/// Whether the daemon runs, from the PID file and the API together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The API answers.
    Up,
    /// The PID file names a live orchestrator, but the API does not answer
    /// (timeout, refused, TLS): hung, starting, or a wrong URL.
    Hung,
    /// The PID file names a live orchestrator; the API was not asked
    /// (--offline) or could not be (a bad --url or --cacert).
    Running,
    /// The PID file is stale: its process is dead, or the PID now belongs to
    /// another program; the API does not answer.
    StalePidFile,
    /// No PID file and the API does not answer.
    NotRunning,
    /// The PID file is missing or cannot be verified, but the heartbeat is
    /// fresh: something works on this installation that talos cannot
    /// verify (a `process_match` that does not fit, a PID file removed by
    /// hand). Not down: starting a second daemon or removing its PID file
    /// would hurt.
    Unverified,
}

impl Verdict {
    /// Down for certain: nothing could overwrite the daemon's files.
    pub fn is_down(self) -> bool {
        matches!(self, Verdict::StalePidFile | Verdict::NotRunning)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Up => "up",
            Verdict::Hung => "hung",
            Verdict::Running => "running",
            Verdict::StalePidFile => "stale_pid_file",
            Verdict::NotRunning => "not_running",
            Verdict::Unverified => "unverified",
        }
    }
}

/// What the API said when probed.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ApiProbe {
    NotAsked,
    Answered(HealthAnswer),
    Failed(ApiError),
}

/// Seconds as whole milliseconds (docs/format.md §7: durations are `_ms`).
fn secs_as_ms<S: serde::Serializer>(v: &Option<f64>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(secs) => s.serialize_some(&((secs * 1000.0).round() as i64)),
        None => s.serialize_none(),
    }
}

/// The result of `Liveness::probe`.
#[derive(Debug, Clone, Serialize)]
pub struct Liveness {
    pub verdict: Verdict,
    /// One sentence saying what and why, e.g. "stale PID file: no process has PID 4242".
    pub message: String,
    /// The command to run next, when something is wrong.
    #[serde(rename = "fix")]
    pub next: Option<String>,
    pub pid: Option<u32>,
    pub url: String,
    pub pid_file: PidStatus,
    pub api: ApiProbe,
    /// Age of the heartbeat in seconds, looked at when the verdict is
    /// `Hung` or `Unverified` (in the JSON: `heartbeat_age_ms`).
    #[serde(rename = "heartbeat_age_ms", serialize_with = "secs_as_ms")]
    pub heartbeat_age_s: Option<f64>,
}

impl Liveness {
    /// Checks the PID file (verified as docs/format.md demands) and, when
    /// `ask_api`, `GET /health` once (bounded by the client's timeouts).
    /// Fails only on an invalid `process_match` or an unreadable PID file.
    pub fn probe(settings: &Settings, layout: &Layout, ask_api: bool) -> Result<Liveness> {
        let api = if ask_api {
            match Client::try_new(settings).and_then(|c| c.health()) {
                Ok(h) => ApiProbe::Answered(h),
                Err(e) => ApiProbe::Failed(e),
            }
        } else {
            ApiProbe::NotAsked
        };
        Self::probe_with(settings, layout, api)
    }

    /// `probe` with the API already asked (or not): the PID file is
    /// checked, the heartbeat watched when nothing verified runs.
    pub fn probe_with(settings: &Settings, layout: &Layout, api: ApiProbe) -> Result<Liveness> {
        let pid_file =
            crate::process::check_pid_file(&layout.pid_file, &settings.process_match.value)?;
        let mut live = Self::judge(settings.api_url.value.clone(), pid_file, api);
        if live.verdict.is_down()
            && let Some(age) =
                heartbeat::heartbeat_alive(&layout.heartbeat(), heartbeat::HEARTBEAT_WATCH)
        {
            // The heartbeat is the daemon's own word that it works: never
            // call that down (a second daemon, or `rm` of its PID file,
            // would follow).
            live.heartbeat_age_s = Some(age);
            live.verdict = Verdict::Unverified;
            live.message = format!(
                "a daemon seems to run: its heartbeat is being rewritten ({age:.1}s old), but {}",
                live.message.trim_start_matches("daemon not running: ")
            );
            live.next = Some(format!(
                "do not start another daemon and do not remove the PID file; find the process (`ps -eo pid,lstart,args | grep -i talos`) and check orchestrator.process_match (`talos config show`){}",
                if matches!(live.api, ApiProbe::Failed(_)) {
                    "; check --url / orchestrator.api_url"
                } else {
                    ""
                }
            ));
        }
        if live.verdict == Verdict::Hung {
            // A stale heartbeat says the event loop is blocked; a fresh one
            // says the process works and only the API is slow or elsewhere.
            let age = heartbeat::read_heartbeat(&layout.heartbeat(), crate::clock::now())
                .ok()
                .map(|(_, age)| age);
            live.heartbeat_age_s = age;
            live.message.push_str(&match age {
                Some(a) if heartbeat::heartbeat_fresh(a) => format!(
                    "; its heartbeat is fresh ({a:.1}s old), so the process works but the API is slow, overloaded or not at --url"
                ),
                Some(a) if a < 0.0 => format!(
                    "; its heartbeat is dated {:.0}s in the future (clock skew), so it cannot tell whether the event loop works",
                    -a
                ),
                Some(a) => format!("; its heartbeat is {a:.0}s old: the event loop looks blocked"),
                None => "; it has no readable heartbeat".to_string(),
            });
            if age.is_some_and(heartbeat::heartbeat_fresh) {
                // Working but slow to answer: DEGRADED, not a reason to stop it.
                live.next = Some(
                    "the daemon works (fresh heartbeat) but its API is slow: `talos health` again in a minute; --timeout SECS waits longer; panic only if the heartbeat goes stale too".into(),
                );
            }
        }
        Ok(live)
    }

    /// The verdict from a PID file status and an API probe.
    pub fn judge(url: String, pid_file: PidStatus, api: ApiProbe) -> Liveness {
        let pid = pid_file.pid();
        let pid_path = match &pid_file {
            PidStatus::NoPidFile { path }
            | PidStatus::Stale { path, .. }
            | PidStatus::Verified { path, .. } => path.display().to_string(),
        };
        let (verdict, message, next) = match (&api, &pid_file) {
            (ApiProbe::Answered(h), _) => {
                let mut msg = format!("API answering at {url} ({} ms)", h.elapsed_ms);
                match &pid_file {
                    PidStatus::Verified { process, .. } => {
                        msg.push_str(&format!(", PID {} verified", process.pid));
                    }
                    PidStatus::NoPidFile { .. } => {
                        msg.push_str(&format!("; but there is no PID file at {pid_path}"));
                    }
                    PidStatus::Stale { reason, .. } => {
                        msg.push_str(&format!("; but the PID file is stale: {reason}"));
                    }
                }
                (Verdict::Up, msg, None)
            }
            (ApiProbe::Failed(e), PidStatus::Verified { process, .. })
                if e.kind == ApiErrorKind::Config =>
            {
                (
                    Verdict::Running,
                    format!(
                        "PID {} is alive; its API could not be asked: {}",
                        process.pid, e.message
                    ),
                    e.hint().map(str::to_string),
                )
            }
            (ApiProbe::Failed(e), PidStatus::Verified { process, .. }) => (
                Verdict::Hung,
                if e.is_unreachable() {
                    format!(
                        "PID {} is alive but its API does not answer: {}",
                        process.pid, e.message
                    )
                } else {
                    format!(
                        "PID {} is alive but its API is not usable: {}",
                        process.pid, e.message
                    )
                },
                Some(match e.kind {
                    ApiErrorKind::Timeout => format!(
                        "the daemon looks hung: `talos panic --reason \"hung\"` stops it (PID {})",
                        process.pid
                    ),
                    _ => e.hint().unwrap_or("check --url").to_string(),
                }),
            ),
            (ApiProbe::NotAsked, PidStatus::Verified { process, .. }) => (
                Verdict::Running,
                format!("PID {} is alive (API not asked: --offline)", process.pid),
                None,
            ),
            (_, PidStatus::Stale { reason, pid, .. }) => {
                // `doctor --fix` removes a PID file only when its process is
                // gone; one whose PID another program now has is removed by
                // hand (as `talos doctor` says).
                let (what, removal) = match reason {
                    StaleReason::NotOrchestrator { .. }
                    | StaleReason::TalosOrAncestor
                    | StaleReason::StartedAfterPidFile { .. } => (
                        format!("stale PID file {pid_path}: {reason}; that process is left alone"),
                        format!("remove the PID file (`rm {pid_path}`), never that process"),
                    ),
                    _ => (
                        match pid {
                            Some(p) => format!("stale PID file {pid_path}: PID {p}: {reason}"),
                            None => format!("stale PID file {pid_path}: {reason}"),
                        },
                        "`talos doctor --fix` removes the stale PID file once its process is verified gone".to_string(),
                    ),
                };
                (
                    Verdict::StalePidFile,
                    format!("daemon not running: {what}"),
                    Some(format!(
                        "the daemon died without cleanup: check `talos log query --level ERROR --since 1h`, then start it (e.g. `systemctl start talos`); {removal}"
                    )),
                )
            }
            (_, PidStatus::NoPidFile { .. }) => {
                let api_note = match &api {
                    ApiProbe::Failed(e) => format!("; {}", e.message),
                    _ => String::new(),
                };
                (
                    Verdict::NotRunning,
                    format!("daemon not running: no PID file at {pid_path}{api_note}"),
                    Some("start the daemon (e.g. `systemctl start talos`); if it runs elsewhere, point --url at it".to_string()),
                )
            }
        };
        Liveness {
            verdict,
            message,
            next,
            pid,
            url,
            pid_file,
            api,
            heartbeat_age_s: None,
        }
    }

    /// The PID as a `VerifiedPid` (the only way to signal it), re-checked
    /// against `process_match` before each signal; None unless the PID file
    /// was verified.
    pub fn verified_pid(&self, process_match: &str) -> Option<crate::process::VerifiedPid> {
        self.pid_file
            .verified()
            .map(|v| v.with_match(process_match))
    }

    /// The /health answer, when the API answered.
    pub fn health(&self) -> Option<&HealthAnswer> {
        match &self.api {
            ApiProbe::Answered(h) => Some(h),
            _ => None,
        }
    }

    /// The API failure, when the API was asked and failed.
    pub fn api_error(&self) -> Option<&ApiError> {
        match &self.api {
            ApiProbe::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// The error for a command that needs the API (`--online`, restart):
    /// exit 5 with why and what next.
    pub fn unreachable_error(&self) -> Error {
        let mut err = Error::unreachable(format!(
            "the daemon's API could not be reached: {}",
            self.message
        ));
        if let Some(n) = &self.next {
            err = err.hint(n.clone());
        }
        err
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::PathBuf;

    fn failed(kind: ApiErrorKind) -> ApiProbe {
        ApiProbe::Failed(ApiError::new(kind, "x"))
    }

    #[test]
    fn verdicts() {
        let url = "http://127.0.0.1:1".to_string();
        let none = PidStatus::NoPidFile {
            path: PathBuf::from("/r/orchestrator.pid"),
        };
        let stale = PidStatus::Stale {
            path: PathBuf::from("/r/orchestrator.pid"),
            pid: Some(42),
            reason: StaleReason::Dead,
        };
        let live = PidStatus::Verified {
            path: PathBuf::from("/r/orchestrator.pid"),
            process: crate::process::ProcInfo {
                pid: 7,
                cmdline: "talos-sim".into(),
                started_at: 0,
            },
        };
        let answered = ApiProbe::Answered(HealthAnswer {
            http_status: 200,
            body: json!({"status": "healthy"}),
            elapsed_ms: 1,
        });
        let j = |p: &PidStatus, a: ApiProbe| Liveness::judge(url.clone(), p.clone(), a).verdict;
        assert_eq!(
            j(&none, failed(ApiErrorKind::ConnectionRefused)),
            Verdict::NotRunning
        );
        assert_eq!(
            j(&stale, failed(ApiErrorKind::ConnectionRefused)),
            Verdict::StalePidFile
        );
        assert_eq!(j(&live, failed(ApiErrorKind::Timeout)), Verdict::Hung);
        assert_eq!(j(&live, ApiProbe::NotAsked), Verdict::Running);
        assert_eq!(j(&none, answered.clone()), Verdict::Up);
        assert_eq!(j(&live, answered), Verdict::Up);
        assert!(Verdict::StalePidFile.is_down() && !Verdict::Hung.is_down());
    }
}
