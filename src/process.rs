//! PIDs and signals. docs/format.md: talos never signals a process it has not
//! verified to be the orchestrator: alive, command line matching
//! `orchestrator.process_match`, and started no later than its PID file.
//!
//! The only way to signal is through a `VerifiedPid`, which can only be made
//! by `check_pid_file`, and which is checked again right before each signal
//! (the process may have died and its PID been reused since).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use nix::sys::signal::Signal;
use serde::Serialize;
use sysinfo::{Pid, ProcessRefreshKind, ProcessStatus, ProcessesToUpdate, System, UpdateKind};

use crate::error::{Error, Result};

/// Process start times are known to the second; a PID file is written just
/// after the process starts. This is the slack allowed between the two.
const START_TOLERANCE_SECS: u64 = 2;

#[derive(Debug, Clone, Serialize)]
pub struct ProcInfo {
    pub pid: u32,
    pub cmdline: String,
    /// Seconds since the epoch.
    pub started_at: u64,
}

/// Why a PID file cannot be trusted.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StaleReason {
    /// The file does not hold a decimal PID.
    Unreadable { content: String },
    /// No process has that PID.
    Dead,
    /// This talos process or one of its ancestors (a shell, sudo, ...).
    TalosOrAncestor,
    /// A live process that is not the orchestrator.
    NotOrchestrator { cmdline: String },
    /// A live orchestrator-looking process that started after the file was
    /// written: the PID was reused.
    StartedAfterPidFile {
        cmdline: String,
        started_at: u64,
        pid_file_mtime: u64,
    },
}

impl std::fmt::Display for StaleReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StaleReason::Unreadable { content } => {
                write!(f, "the PID file does not hold a PID ({content:?})")
            }
            StaleReason::Dead => write!(f, "no process has that PID"),
            StaleReason::TalosOrAncestor => write!(
                f,
                "the PID is this talos command or one of its parents (a shell, sudo, ...)"
            ),
            StaleReason::NotOrchestrator { cmdline } => {
                write!(f, "the PID belongs to another program ({cmdline})")
            }
            StaleReason::StartedAfterPidFile { cmdline, .. } => {
                write!(
                    f,
                    "the process with that PID ({cmdline}) started after the PID file was written: the PID was reused"
                )
            }
        }
    }
}

/// What the PID file says about the daemon.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PidStatus {
    NoPidFile {
        path: PathBuf,
    },
    Stale {
        path: PathBuf,
        pid: Option<u32>,
        reason: StaleReason,
    },
    Verified {
        path: PathBuf,
        process: ProcInfo,
    },
}

impl PidStatus {
    pub fn verified(&self) -> Option<VerifiedPid> {
        match self {
            PidStatus::Verified { path, process } => Some(VerifiedPid {
                pid: process.pid,
                pid_file: path.clone(),
                process_match: None,
                started_at: process.started_at,
                pidfd: crate::pidfd::open_verified(process.pid, process.started_at, |pid| {
                    proc_info(pid).map(|p| p.started_at)
                }),
            }),
            _ => None,
        }
    }
    pub fn pid(&self) -> Option<u32> {
        match self {
            PidStatus::NoPidFile { .. } => None,
            PidStatus::Stale { pid, .. } => *pid,
            PidStatus::Verified { process, .. } => Some(process.pid),
        }
    }
}

fn proc_info(pid: u32) -> Option<ProcInfo> {
    let mut sys = System::new().ok()?;
    let spid = Pid::from_u32(pid);
    sys.refresh_processes_specifics(
        ProcessesToUpdate::Some(&[spid]),
        true,
        ProcessRefreshKind::nothing().with_cmd(UpdateKind::Always),
    );
    let p = sys.process(spid)?;
    // A zombie has exited; only its parent's wait is missing.
    if matches!(p.status(), ProcessStatus::Zombie | ProcessStatus::Dead) {
        return None;
    }
    let cmdline = cmdline_of(p);
    Some(ProcInfo {
        pid,
        cmdline,
        started_at: p.start_time(),
    })
}

/// The command line of `p`, its arguments joined by spaces (lossy UTF-8).
fn cmdline_of(p: &sysinfo::Process) -> String {
    p.cmd()
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn matcher(process_match: &str) -> Result<regex::Regex> {
    regex::Regex::new(process_match).map_err(|e| {
        Error::usage(format!(
            "orchestrator.process_match `{process_match}` is not a valid regex: {e}"
        ))
        .hint("fix orchestrator.process_match in config.yaml")
    })
}

fn mtime_secs(path: &Path) -> Option<u64> {
    let m = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(m.duration_since(UNIX_EPOCH).ok()?.as_secs())
}

/// At most this many bytes of a PID file are read: a PID and a newline fit
/// many times over, and a hostile multi-GB file costs nothing.
const PID_FILE_READ_CAP: u64 = 64;

/// What the PID file holds, read without trusting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PidFileContent {
    Missing,
    /// A decimal PID above 1.
    Pid(u32),
    /// Anything else (not a number, not UTF-8, a directory, unreadable):
    /// the PID cannot be verified, and nothing is ever signalled from it.
    Unverifiable(String),
}

/// Reads only the first bytes of the PID file. Never fails: a file that is
/// not a PID is `Unverifiable`, so the emergency commands go on without it.
pub fn read_pid_file(pid_file: &Path) -> PidFileContent {
    use std::io::Read;
    let mut buf = Vec::new();
    let read = crate::fsutil::open_regular(pid_file)
        .and_then(|f| f.take(PID_FILE_READ_CAP).read_to_end(&mut buf));
    match read {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return PidFileContent::Missing,
        Err(e) => return PidFileContent::Unverifiable(format!("cannot be read: {e}")),
        Ok(_) => {}
    }
    let text = String::from_utf8_lossy(&buf);
    let trimmed = text.trim();
    match trimmed.parse::<u32>() {
        Ok(p) if p > 1 && buf.len() < PID_FILE_READ_CAP as usize => PidFileContent::Pid(p),
        _ => PidFileContent::Unverifiable(trimmed.chars().take(40).collect()),
    }
}

/// This process and every ancestor of it, by the `/proc` parent chain. A
/// PID file naming one of them (the shell that runs `talos panic`) is never
/// the daemon, whatever its command line says.
pub fn self_and_ancestors() -> Vec<u32> {
    let mut out = Vec::new();
    let mut cur = std::process::id();
    while cur > 0 && !out.contains(&cur) && out.len() < 4096 {
        out.push(cur);
        cur = parent_of(cur).unwrap_or(0);
    }
    out
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces or ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// Reads and verifies the PID file (docs/format.md).
pub fn check_pid_file(pid_file: &Path, process_match: &str) -> Result<PidStatus> {
    let re = matcher(process_match)?;
    let path = pid_file.to_path_buf();
    let pid = match read_pid_file(pid_file) {
        PidFileContent::Missing => return Ok(PidStatus::NoPidFile { path }),
        PidFileContent::Pid(p) => p,
        PidFileContent::Unverifiable(content) => {
            return Ok(PidStatus::Stale {
                path,
                pid: None,
                reason: StaleReason::Unreadable { content },
            });
        }
    };
    if self_and_ancestors().contains(&pid) {
        return Ok(PidStatus::Stale {
            path,
            pid: Some(pid),
            reason: StaleReason::TalosOrAncestor,
        });
    }
    let Some(info) = proc_info(pid) else {
        return Ok(PidStatus::Stale {
            path,
            pid: Some(pid),
            reason: StaleReason::Dead,
        });
    };
    if !re.is_match(&info.cmdline) {
        return Ok(PidStatus::Stale {
            path,
            pid: Some(pid),
            reason: StaleReason::NotOrchestrator {
                cmdline: info.cmdline,
            },
        });
    }
    let written = mtime_secs(pid_file).unwrap_or(u64::MAX);
    if info.started_at > written.saturating_add(START_TOLERANCE_SECS) {
        return Ok(PidStatus::Stale {
            path,
            pid: Some(pid),
            reason: StaleReason::StartedAfterPidFile {
                cmdline: info.cmdline,
                started_at: info.started_at,
                pid_file_mtime: written,
            },
        });
    }
    Ok(PidStatus::Verified {
        path,
        process: info,
    })
}

/// A PID that passed the checks of docs/format.md. Signals go only through it.
#[derive(Debug, Clone)]
pub struct VerifiedPid {
    pid: u32,
    pid_file: PathBuf,
    process_match: Option<String>,
    started_at: u64,
    /// A pidfd opened at verification (None where the kernel has none):
    /// signals and the wait for exit go through it (src/pidfd.rs).
    pidfd: Option<std::sync::Arc<crate::pidfd::PidFd>>,
}

impl VerifiedPid {
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Remembers the pattern so each signal re-verifies with it.
    pub fn with_match(mut self, process_match: &str) -> Self {
        self.process_match = Some(process_match.to_string());
        self
    }

    /// Whether signals go through a pidfd (false: plain `kill`, the kernel
    /// has no pidfd).
    pub fn via_pidfd(&self) -> bool {
        self.pidfd.is_some()
    }

    /// How signals reach this process, in words for `-v`.
    pub fn signal_path(&self) -> &'static str {
        if self.via_pidfd() {
            "through a pidfd"
        } else {
            "with kill(2): this kernel has no pidfd"
        }
    }

    /// True while the same process (same PID and start time) is alive.
    pub fn is_alive(&self) -> bool {
        if let Some(fd) = &self.pidfd {
            return !fd.has_exited();
        }
        proc_info(self.pid).is_some_and(|p| p.started_at == self.started_at)
    }

    /// Sends a signal after checking again that the PID is still the same
    /// process. Returns Ok(false) if it has already gone.
    pub fn signal(&self, sig: Signal) -> Result<bool> {
        let Some(info) = proc_info(self.pid) else {
            return Ok(false);
        };
        if info.started_at != self.started_at {
            return Ok(false);
        }
        if self_and_ancestors().contains(&self.pid) {
            return Err(Error::refused(format!(
                "PID {} is this talos command or one of its parents; not signalling it",
                self.pid
            )));
        }
        if let Some(m) = &self.process_match
            && !matcher(m)?.is_match(&info.cmdline)
        {
            return Err(Error::refused(format!(
                "PID {} no longer looks like the orchestrator ({}); not signalling it",
                self.pid, info.cmdline
            )));
        }
        if let Some(fd) = &self.pidfd {
            return match fd.send_signal(sig) {
                Ok(sent) => Ok(sent),
                Err(e) => Err(
                    Error::failed(format!("cannot send {sig} to PID {}: {e}", self.pid))
                        .hint("run as the daemon's user or root"),
                ),
            };
        }
        match nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.pid as i32), sig) {
            Ok(()) => Ok(true),
            Err(nix::errno::Errno::ESRCH) => Ok(false),
            Err(e) => Err(
                Error::failed(format!("cannot send {sig} to PID {}: {e}", self.pid))
                    .hint("run as the daemon's user or root"),
            ),
        }
    }

    /// Waits up to `timeout` for the process to exit; true if it did.
    pub fn wait_exit(&self, timeout: Duration) -> bool {
        if let Some(fd) = &self.pidfd {
            return fd.wait_exit(timeout);
        }
        let deadline = Instant::now() + timeout;
        loop {
            if !self.is_alive() {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn pid_file(&self) -> &Path {
        &self.pid_file
    }
}

/// Every live process whose command line matches `process_match`, except
/// this process and its ancestors (a `talos` invocation must not count as
/// an orchestrator).
pub fn find_orchestrators(process_match: &str) -> Result<Vec<ProcInfo>> {
    let re = matcher(process_match)?;
    let Ok(mut sys) = System::new() else {
        return Ok(Vec::new());
    };
    sys.refresh_processes_specifics(
        ProcessesToUpdate::All,
        true,
        ProcessRefreshKind::nothing().with_cmd(UpdateKind::Always),
    );
    let mut excluded = Vec::new();
    let mut cur = Some(Pid::from_u32(std::process::id()));
    while let Some(p) = cur {
        excluded.push(p);
        cur = sys.process(p).and_then(|pr| pr.parent());
    }
    let mut out: Vec<ProcInfo> = sys
        .processes()
        .iter()
        .filter(|(pid, p)| {
            !excluded.contains(pid)
                && !matches!(p.status(), ProcessStatus::Zombie | ProcessStatus::Dead)
                && p.thread_kind().is_none()
        })
        .filter_map(|(pid, p)| {
            let cmdline = cmdline_of(p);
            (!cmdline.is_empty() && re.is_match(&cmdline)).then(|| ProcInfo {
                pid: pid.as_u32(),
                cmdline,
                started_at: p.start_time(),
            })
        })
        .collect();
    out.sort_by_key(|p| p.pid);
    Ok(out)
}

pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_garbage_and_dead_pid_files() {
        let dir = tempfile::tempdir().unwrap();
        let pf = dir.path().join("orchestrator.pid");
        assert!(matches!(
            check_pid_file(&pf, "talos").unwrap(),
            PidStatus::NoPidFile { .. }
        ));
        std::fs::write(&pf, "not a pid\n").unwrap();
        assert!(matches!(
            check_pid_file(&pf, "talos").unwrap(),
            PidStatus::Stale {
                reason: StaleReason::Unreadable { .. },
                ..
            }
        ));
        // PID numbers above pid_max do not exist.
        std::fs::write(&pf, "4194304999\n").unwrap();
        assert!(matches!(
            check_pid_file(&pf, "talos").unwrap(),
            PidStatus::Stale { .. }
        ));
    }

    #[test]
    fn unrelated_live_process_is_stale_not_verified() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let pf = dir.path().join("orchestrator.pid");
        std::fs::write(&pf, format!("{}\n", child.id())).unwrap();
        let st = check_pid_file(&pf, "talos-sim").unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(
            matches!(
                st,
                PidStatus::Stale {
                    reason: StaleReason::NotOrchestrator { .. },
                    ..
                }
            ),
            "{st:?}"
        );
    }
}
