//! `talos doctor`: every offline check of an installation, each finding with
//! its severity, the evidence, and the command that fixes it.
//!
//! Doctor only reads: it never repairs, never takes a lock another command
//! could be waiting for, and opens the database read-only. It works the same
//! with the daemon up or down. `doctor --fix` applies the safe fixes the
//! findings carry (`fix::Action`); everything else stays advice.
//!
//! The findings are built once from one snapshot of the evidence (files,
//! processes, one API probe) and are values: `talos doctor` prints them all,
//! `talos status` the problems among them, and metrics can be made of them.

pub mod audit_gone;
pub mod backup_check;
pub mod checks;
pub mod crashloop;
pub mod fix;
pub mod port;
pub mod procs;
pub mod tls;

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::Serialize;

use crate::config::Settings;
use crate::error::ExitStatus;
use crate::install::Layout;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warn,
    Fail,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Fail => "FAIL",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The check that found it (`pid_file`, `database`, ...).
    pub check: &'static str,
    pub severity: Severity,
    /// A corrupt, tampered or unsafe file, chain or database: exit 3.
    pub integrity: bool,
    pub title: String,
    pub evidence: Vec<String>,
    /// The command (or step) that fixes it, as the operator runs it: every
    /// `talos ...` in it carries this run's `--root` / `--url`.
    pub fix: Option<String>,
    pub path: Option<PathBuf>,
    /// What `talos doctor --fix` may do about it, when the fix is safe and
    /// reversible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<fix::Action>,
}

impl Finding {
    pub fn new(check: &'static str, severity: Severity, title: impl Into<String>) -> Finding {
        Finding {
            check,
            severity,
            integrity: false,
            title: title.into(),
            evidence: Vec::new(),
            fix: None,
            path: None,
            action: None,
        }
    }
    pub fn info(check: &'static str, title: impl Into<String>) -> Finding {
        Finding::new(check, Severity::Info, title)
    }
    pub fn warn(check: &'static str, title: impl Into<String>) -> Finding {
        Finding::new(check, Severity::Warn, title)
    }
    pub fn fail(check: &'static str, title: impl Into<String>) -> Finding {
        Finding::new(check, Severity::Fail, title)
    }
    pub fn integrity(mut self) -> Finding {
        self.integrity = true;
        self
    }
    pub fn evidence(mut self, e: impl Into<String>) -> Finding {
        self.evidence.push(e.into());
        self
    }
    pub fn fix(mut self, f: impl Into<String>) -> Finding {
        self.fix = Some(f.into());
        self
    }
    pub fn action(mut self, a: fix::Action) -> Finding {
        self.action = Some(a);
        self
    }
    pub fn path(mut self, p: impl AsRef<Path>) -> Finding {
        self.path = Some(p.as_ref().to_path_buf());
        self
    }
    /// A warning or failure: something to act on (what `talos status`
    /// lists).
    pub fn is_problem(&self) -> bool {
        self.severity >= Severity::Warn
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckStatus {
    pub check: &'static str,
    /// `pass` (nothing, or facts only), `warn` or `fail`: the worst of its
    /// findings (docs/format.md §7).
    pub status: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub root: PathBuf,
    pub generated_at: String,
    /// `clean`, `warnings`, `failures` or `integrity`.
    pub verdict: &'static str,
    #[serde(
        rename = "exit_code",
        serialize_with = "crate::error::serialize_exit_code"
    )]
    pub exit: ExitStatus,
    pub checks: Vec<CheckStatus>,
    /// Most urgent first.
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn problems(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_problem())
    }
}

/// What the checks read: the layout, the settings, and one "now".
pub struct Inputs<'a> {
    pub layout: &'a Layout,
    pub settings: &'a Settings,
    pub now: Timestamp,
    /// Read every Tier 2/3 line (malformed lines, clock in the logs); the
    /// slowest check on a big host.
    pub scan_logs: bool,
    /// The daemon as probed once (PID file and, unless offline, the API):
    /// corroborates the process checks. None when not probed.
    pub live: Option<&'a crate::daemon::Liveness>,
    /// `doctor --deep`: verify the newest backup completely.
    pub deep: bool,
    /// The health report made from the same probe: its disk and memory
    /// measurements are the ones the findings grade. None: measure here.
    /// Read it with [`Inputs::health`].
    pub health: Option<HealthEvidence<'a>>,
    /// The health check of the database (with its quick_check) made by the
    /// same run beside doctor (the incident report): asked for instead of
    /// a quick_check of doctor's own; it may wait for the other thread.
    pub database: Option<&'a DatabaseCheck<'a>>,
}

/// A way to get the health check of the database that another part of
/// the same run makes ([`Options::database`]).
pub type DatabaseCheck<'a> = dyn Fn() -> crate::health::Check + Sync + 'a;

/// The health report of the same probe ([`Options::health`]): made
/// already, or still being made on another thread while the checks that do
/// not need it run (status and doctor make it beside the audit chain's
/// verification, so that its database quick_check and the chain share the
/// cores).
#[derive(Clone, Copy)]
pub enum HealthEvidence<'a> {
    Made(&'a crate::health::Report),
    /// Set by the thread that makes it; `None` if that thread failed.
    Coming(&'a std::sync::OnceLock<Option<crate::health::Report>>),
}

impl<'a> HealthEvidence<'a> {
    /// The report, waiting for it if it is still being made.
    pub fn get(self) -> Option<&'a crate::health::Report> {
        match self {
            HealthEvidence::Made(r) => Some(r),
            HealthEvidence::Coming(cell) => cell.wait().as_ref(),
        }
    }
}

impl<'a> Inputs<'a> {
    /// The health report of the same probe, if the caller made one (may
    /// wait for the thread making it).
    pub fn health(&self) -> Option<&'a crate::health::Report> {
        self.health.and_then(HealthEvidence::get)
    }
}

/// What to run: which checks, and the evidence gathered by the caller.
#[derive(Default)]
pub struct Options<'a> {
    pub skip_log_scan: bool,
    pub live: Option<&'a crate::daemon::Liveness>,
    /// Verify the newest backup completely (`doctor --deep`).
    pub deep: bool,
    pub health: Option<HealthEvidence<'a>>,
    /// See [`Inputs::database`].
    pub database: Option<&'a DatabaseCheck<'a>>,
}

/// The `talos` that the printed fixes start with: `talos`, plus `--root DIR`
/// unless the root is `/`, plus `--url URL` when it was given as a flag (an
/// env value or config.yaml is there for the next command too).
pub fn talos_cmd(settings: &Settings) -> String {
    let mut cmd = String::from("talos");
    cmd.push_str(&crate::install::root_flag(&settings.root.value));
    if settings.api_url.source == crate::config::Source::Flag {
        cmd.push_str(" --url ");
        cmd.push_str(&shell_word(&settings.api_url.value));
    }
    cmd
}

pub use crate::install::shell_word;

/// Every `` `talos ...` `` in a fix, made to run as printed: the root and
/// URL of this run carried (`talos_cmd`).
pub fn carry_flags(text: &str, talos: &str) -> String {
    let Some(flags) = talos.strip_prefix("talos").filter(|f| !f.is_empty()) else {
        return text.to_string();
    };
    // Idempotent: a command that carries them already is left as it is.
    let mut out = String::with_capacity(text.len() + flags.len());
    let mut rest = text;
    while let Some(i) = rest.find("`talos ") {
        let (head, tail) = rest.split_at(i + "`talos".len());
        out.push_str(head);
        if !tail.starts_with(&format!("{flags} ")) {
            out.push_str(flags);
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Every check, in the order they are reported when equally urgent.
pub const CHECKS: [&str; 23] = [
    "installation",
    "pid_file",
    "split_brain",
    "crash_loop",
    "heartbeat",
    "restore",
    "emergency",
    "audit_chain",
    "database",
    "state_json",
    "state_files",
    "admin_token",
    "breakers",
    "jsonl",
    "clock",
    "locks",
    "config",
    "certificate",
    "api_port",
    "read_only",
    "disk",
    "memory",
    "backup",
];

/// Where a check ranks among equally urgent findings (checks not in
/// `CHECKS`, such as those added later, come last).
pub fn rank(check: &str) -> usize {
    CHECKS
        .iter()
        .position(|x| *x == check)
        .unwrap_or(CHECKS.len())
}

/// Runs every check.
pub fn run(layout: &Layout, settings: &Settings) -> Report {
    run_opts(layout, settings, &Options::default())
}

/// Runs every check, or every check but the scan of the Tier 2/3 lines
/// (the incident report has already searched them).
pub fn run_with(layout: &Layout, settings: &Settings, scan_logs: bool) -> Report {
    run_opts(
        layout,
        settings,
        &Options {
            skip_log_scan: !scan_logs,
            ..Options::default()
        },
    )
}

/// Runs the checks `opts` asks for.
pub fn run_opts(layout: &Layout, settings: &Settings, opts: &Options) -> Report {
    let inputs = Inputs {
        layout,
        settings,
        now: crate::clock::now(),
        scan_logs: !opts.skip_log_scan,
        live: opts.live,
        deep: opts.deep,
        health: opts.health,
        database: opts.database,
    };
    // Not an installation: the only finding (every other would be noise
    // caused by this one).
    let mut findings = match checks::not_an_installation(layout) {
        Some(f) => vec![f],
        None => checks::all(&inputs),
    };
    let talos = talos_cmd(settings);
    for f in &mut findings {
        if let Some(fix) = &f.fix {
            f.fix = Some(carry_flags(fix, &talos));
        }
    }
    // Most urgent first; the check order breaks ties.
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.integrity.cmp(&a.integrity))
            .then(rank(a.check).cmp(&rank(b.check)))
    });
    let checks = CHECKS
        .iter()
        .map(|c| {
            let worst = findings
                .iter()
                .filter(|f| f.check == *c)
                .map(|f| f.severity)
                .max();
            CheckStatus {
                check: c,
                status: match worst {
                    None | Some(Severity::Info) => "pass",
                    Some(Severity::Warn) => "warn",
                    Some(Severity::Fail) => "fail",
                },
            }
        })
        .collect();
    let integrity = findings
        .iter()
        .any(|f| f.integrity && f.severity == Severity::Fail);
    let fail = findings.iter().any(|f| f.severity == Severity::Fail);
    let warn = findings.iter().any(|f| f.severity == Severity::Warn);
    let wrong_root = findings.iter().any(|f| f.check == "installation");
    let (verdict, exit) = if wrong_root {
        ("not_an_installation", ExitStatus::Usage)
    } else if integrity {
        ("integrity", ExitStatus::Integrity)
    } else if fail {
        ("failures", ExitStatus::Failed)
    } else if warn {
        ("warnings", ExitStatus::Failed)
    } else {
        ("clean", ExitStatus::Ok)
    };
    Report {
        root: layout.root.clone(),
        generated_at: crate::timespec::format_ts(inputs.now),
        verdict,
        exit,
        checks,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::carry_flags;

    #[test]
    fn carry_flags_adds_the_root_once() {
        let t = "talos --root /r --url http://h:1";
        let once = carry_flags(
            "run `talos panic --reason \"hung\"`, then `talos status`",
            t,
        );
        assert_eq!(
            once,
            "run `talos --root /r --url http://h:1 panic --reason \"hung\"`, then `talos --root /r --url http://h:1 status`"
        );
        assert_eq!(carry_flags(&once, t), once);
        assert_eq!(carry_flags("`talos status`", "talos"), "`talos status`");
    }
}
