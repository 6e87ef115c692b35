//! `talos status`: the 3 AM first screen.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;
use serde_json::Value;

use super::{Ctx, Exit, Mode};
use crate::breakers::{Breaker, BreakerFile, list_from_map};
use crate::daemon::{Client, Liveness, Verdict};
use crate::error::Result;
use crate::health::{self, CheckStatus, Overall, Report};
use crate::output::{Ui, human_duration};

/// How many recent ERROR lines of orchestrator.log to show.
const RECENT_ERRORS: usize = 5;
/// A newest backup older than this is a warning.
const BACKUP_MAX_AGE_SECS: i64 = 26 * 3600;

/// The 3 AM first screen: daemon, health, breakers, recovery, backups, audit, errors.
///
/// Is the daemon up (and if not, why), its health, open circuit breakers, a
/// pending recovery (emergency_state.json after a panic, an unfinished
/// restore: var/lib/talos/restore.journal, a SIGNAL_PANIC still waiting in
/// var/lib/talos/), the age of the last backup, the
/// audit chain's head, and the last ERROR lines of orchestrator.log.
///
/// Problems come first, most urgent first, each with the command to run
/// next. Online when the daemon answers; otherwise everything is read from
/// the files (path: offline). Full chain verification is
/// `talos audit verify-chain`; status only reads the chain's head.
///
/// Example: `talos status`, `talos status --json | jq .problems`
///
/// EXIT STATUS: 0 the screen was printed (whatever it shows: use
/// `talos health` for monitoring); 5 with --online when the daemon cannot be
/// reached.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct StatusArgs {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    Warning,
    Info,
}

#[derive(Debug, Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub what: String,
    pub next: String,
}

#[derive(Debug, Serialize)]
struct BreakersPart {
    path: &'static str,
    error: Option<String>,
    open: Vec<String>,
    list: Vec<Breaker>,
}

#[derive(Debug, Serialize)]
struct RecoveryPart {
    emergency_state: Option<Value>,
    restore_journal: Option<PathBuf>,
    /// var/lib/talos/SIGNAL_PANIC when it exists: a panic asked of the daemon.
    signal_panic: Option<PathBuf>,
    /// Temporary files of interrupted operations that nothing owns.
    leftovers: Vec<crate::leftovers::Leftover>,
}

#[derive(Debug, Serialize)]
struct BackupPart {
    dir: PathBuf,
    newest: Option<PathBuf>,
    age_seconds: Option<i64>,
    count: usize,
}

#[derive(Debug, Serialize)]
struct AuditPart {
    head: Option<crate::audit::Head>,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct StatusDoc {
    path: &'static str,
    timestamp: String,
    problems: Vec<Problem>,
    daemon: health::DaemonSummary,
    health: Report,
    breakers: BreakersPart,
    recovery: RecoveryPart,
    backup: BackupPart,
    audit: AuditPart,
    recent_errors: Vec<Value>,
}

pub fn run(ctx: &Ctx, _args: StatusArgs) -> Result<Exit> {
    let live = Liveness::probe(&ctx.settings, &ctx.layout, ctx.mode != Mode::Offline)?;
    if ctx.mode == Mode::Online && live.verdict != Verdict::Up {
        return Err(live.unreachable_error());
    }
    let report = health::report(&live, &ctx.layout);
    let breakers = breakers(ctx, &live);
    let recovery = recovery(ctx);
    let backup = backup(ctx);
    let audit_missing =
        std::fs::symlink_metadata(&ctx.layout.audit_dir).is_err() && ctx.layout.data_dir.is_dir();
    let audit = match crate::audit::head(&ctx.layout.audit_dir) {
        // Same rule as `talos audit verify-chain`: a deleted audit
        // directory in an installation is a problem, not an empty chain.
        Ok(_) if audit_missing => AuditPart {
            head: None,
            error: Some(format!(
                "the audit directory {} is missing",
                ctx.layout.audit_dir.display()
            )),
        },
        Ok(head) => AuditPart { head, error: None },
        Err(e) => AuditPart {
            head: None,
            error: Some(e.message),
        },
    };
    let recent_errors = recent_errors(&ctx.layout.orchestrator_log(), RECENT_ERRORS);
    // A wrong --root: that is the problem, and the only one shown (every
    // other would follow from it).
    let problems = match crate::doctor::checks::not_an_installation(&ctx.layout) {
        Some(f) => vec![Problem {
            severity: Severity::Critical,
            what: f.title,
            next: f.fix.unwrap_or_default(),
        }],
        None => problems(ctx, &live, &report, &breakers, &recovery, &backup, &audit),
    };
    let doc = StatusDoc {
        path: report.path,
        timestamp: crate::timespec::now_rfc3339(),
        problems,
        daemon: report.daemon.clone(),
        health: report,
        breakers,
        recovery,
        backup,
        audit,
        recent_errors,
    };
    ctx.ui.render(&doc, |ui| render(ui, &doc))?;
    Ok(Exit::OK)
}

fn breakers(ctx: &Ctx, live: &Liveness) -> BreakersPart {
    let mut part = BreakersPart {
        path: "offline",
        error: None,
        open: Vec::new(),
        list: Vec::new(),
    };
    if live.verdict == Verdict::Up
        && let Ok(map) = Client::new(&ctx.settings).and_then(|c| c.breakers().map_err(Into::into))
    {
        part.path = "online";
        part.list = list_from_map(&map);
    } else {
        match BreakerFile::load(&ctx.layout.breakers_file()) {
            Ok(f) => part.list = f.list(),
            Err(e) => part.error = Some(e.message),
        }
    }
    part.open = part
        .list
        .iter()
        .filter(|b| b.is_open())
        .map(|b| b.name.clone())
        .collect();
    part
}

fn recovery(ctx: &Ctx) -> RecoveryPart {
    let es = ctx.layout.emergency_state();
    // Pending only while `recovery_available` is not false: `talos recover`
    // sets it to false (and adds `recovered_at`) once the state is back.
    let emergency_state = std::fs::read(&es)
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
    let journal = crate::archive::journal::path(&ctx.layout);
    let signal = ctx.layout.signal_panic();
    RecoveryPart {
        emergency_state,
        restore_journal: journal.exists().then_some(journal),
        signal_panic: signal.exists().then_some(signal),
        leftovers: crate::leftovers::find(
            &ctx.layout,
            std::slice::from_ref(&ctx.settings.backup_dir.value),
        )
        .into_iter()
        .filter(|l| !l.in_use)
        .collect(),
    }
}

fn backup(ctx: &Ctx) -> BackupPart {
    let dir = ctx.settings.backup_dir.value.clone();
    let count = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| {
                    crate::doctor::checks::backup_time(&e.file_name().to_string_lossy()).is_some()
                })
                .count()
        })
        .unwrap_or(0);
    // Ranked by the time in the name, as `talos doctor` and `backup list`
    // do: an mtime changes with a copy.
    let newest = crate::doctor::checks::newest_backup(&dir);
    let age_seconds = newest
        .as_ref()
        .map(|(_, t)| jiff::Timestamp::now().duration_since(*t).as_secs().max(0));
    BackupPart {
        dir,
        newest: newest.map(|(p, _)| p),
        age_seconds,
        count,
    }
}

/// The last `n` ERROR lines of a Tier 2 log, read from its tail.
fn recent_errors(path: &Path, n: usize) -> Vec<Value> {
    let Ok(mut f) = std::fs::File::open(path) else {
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

#[allow(clippy::too_many_arguments)]
fn problems(
    ctx: &Ctx,
    live: &Liveness,
    report: &Report,
    breakers: &BreakersPart,
    recovery: &RecoveryPart,
    backup: &BackupPart,
    audit: &AuditPart,
) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut push = |severity, what: String, next: String| {
        out.push(Problem {
            severity,
            what,
            next,
        })
    };
    let daemon_down = !matches!(live.verdict, Verdict::Up | Verdict::Running);
    // Alive and writing its heartbeat, only the API slow: a warning, as in
    // `talos health`.
    let slow_only =
        live.verdict == Verdict::Hung && live.heartbeat_age_s.is_some_and(health::heartbeat_fresh);
    if daemon_down {
        push(
            if slow_only {
                Severity::Warning
            } else {
                Severity::Critical
            },
            live.message.clone(),
            live.next.clone().unwrap_or_else(|| "`talos doctor`".into()),
        );
    }
    if let Some(es) = &recovery.emergency_state {
        let field = |k: &str| es.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
        push(
            Severity::Critical,
            format!(
                "a panic stopped the daemon at {} (method {}, reason: {}); emergency_state.json is waiting",
                field("panic_timestamp"),
                field("method"),
                field("reason")
            ),
            "`talos recover` shows what was preserved and puts it back".into(),
        );
    }
    if let Some(j) = &recovery.restore_journal {
        push(
            Severity::Critical,
            format!("a restore did not finish ({} exists)", j.display()),
            "`talos restore --resume` finishes it, `talos restore --abort` puts the previous state back; `talos doctor` shows the details".into(),
        );
    }
    if !recovery.leftovers.is_empty() {
        let bytes: u64 = recovery.leftovers.iter().map(|l| l.bytes).sum();
        push(
            Severity::Warning,
            format!(
                "{} leftover(s) of interrupted operations ({}): {}",
                recovery.leftovers.len(),
                crate::output::human_bytes(bytes),
                recovery
                    .leftovers
                    .iter()
                    .map(|l| format!("{} ({})", l.path.display(), l.operation))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "`talos repair leftovers` removes them".into(),
        );
    }
    if let Some(sp) = &recovery.signal_panic {
        if daemon_down {
            push(
                Severity::Critical,
                format!(
                    "{} is waiting: a daemon started now stops again at its first check",
                    sp.display()
                ),
                format!(
                    "once the cause of the panic is fixed: `rm {}`, then start the daemon",
                    sp.display()
                ),
            );
        } else {
            push(
                Severity::Critical,
                format!(
                    "{} exists: the daemon was asked to stop (it checks at least every 5 s)",
                    sp.display()
                ),
                "if it is still up in a minute, `talos panic --reason \"...\"` escalates".into(),
            );
        }
    }
    if let Some(e) = &audit.error {
        push(
            Severity::Critical,
            format!("audit chain: {e}"),
            "`talos audit verify-chain` before anything else appends to it".into(),
        );
    }
    if report.status == Overall::Unknown {
        push(
            Severity::Critical,
            "health is unknown".into(),
            "`talos health -v`; check --root / TALOS_ROOT".into(),
        );
    }
    for (name, c) in &report.checks {
        let st = CheckStatus::of(c);
        if name == "orchestrator" && daemon_down {
            continue;
        }
        let severity = match st {
            CheckStatus::Fail => Severity::Critical,
            CheckStatus::Warn => Severity::Warning,
            _ => continue,
        };
        let msg = c.get("message").and_then(Value::as_str).unwrap_or("");
        push(
            severity,
            format!("{name}: {msg}"),
            health::next_step(name, report).unwrap_or_else(|| "`talos health`".into()),
        );
    }
    if let Some(e) = &breakers.error {
        push(
            Severity::Warning,
            format!("circuit breakers: {e}"),
            "`talos doctor`".into(),
        );
    }
    for b in breakers.list.iter().filter(|b| b.is_forced()) {
        let how = b.forced.as_ref().map(|f| f.describe()).unwrap_or_default();
        push(
            Severity::Warning,
            format!("circuit breaker {} is {} {how}", b.name, b.state),
            format!(
                "it stays so until someone resets it: `talos breaker reset {}` once the reason is gone",
                b.name
            ),
        );
    }
    for b in breakers
        .list
        .iter()
        .filter(|b| b.is_open() && !b.is_forced())
    {
        let since = b
            .opened_at
            .as_deref()
            .map(|t| format!(" since {t}"))
            .unwrap_or_default();
        let fails = b
            .failure_count
            .map(|n| format!(", {n} failures"))
            .unwrap_or_default();
        push(
            Severity::Warning,
            format!("circuit breaker {} is {}{since}{fails}", b.name, b.state),
            format!(
                "wait for its cooldown, or once the dependency is back: `talos breaker reset {}`",
                b.name
            ),
        );
    }
    match (&backup.newest, backup.age_seconds) {
        (None, _) => push(
            Severity::Warning,
            format!("no backup in {}", backup.dir.display()),
            "`talos backup create`".into(),
        ),
        (Some(p), Some(age)) if age > BACKUP_MAX_AGE_SECS => push(
            Severity::Warning,
            format!(
                "the last backup is {} old ({})",
                human_duration(age),
                p.display()
            ),
            "`talos backup create`".into(),
        ),
        _ => {}
    }
    if let Some(p) = &ctx.settings.config_problem {
        push(
            Severity::Warning,
            format!("config.yaml not used: {p}"),
            "`talos config validate`; `talos repair config` puts back the newest good backup"
                .into(),
        );
    }
    out.sort_by_key(|p| p.severity);
    out
}

fn render(ui: &Ui, d: &StatusDoc) -> Result<()> {
    let state = match d.daemon.state {
        Verdict::Up => ui.green("UP"),
        Verdict::Running => ui.yellow("RUNNING (API not asked)"),
        Verdict::Hung => ui.red("HUNG"),
        Verdict::StalePidFile => ui.red("DOWN (stale PID file)"),
        Verdict::NotRunning => ui.red("DOWN"),
        Verdict::Unverified => ui.yellow("UNVERIFIED (heartbeat fresh, PID not verified)"),
    };
    let health = d.health.status.as_str().to_uppercase();
    let health = match d.health.status {
        Overall::Healthy => ui.green(&health),
        Overall::Degraded => ui.yellow(&health),
        _ => ui.red(&health),
    };
    ui.line(format!(
        "{}  daemon {state}  health {health}  ({}) {}",
        ui.bold("TALOS"),
        d.path,
        d.timestamp
    ))?;
    ui.line(format!("  {}", d.daemon.message))?;
    ui.line("")?;
    if d.problems.is_empty() {
        ui.line(format!("{} no problems found", ui.green("ok")))?;
    } else {
        ui.line(ui.bold("PROBLEMS (most urgent first)"))?;
        for p in &d.problems {
            let label = match p.severity {
                Severity::Critical => ui.red("CRITICAL"),
                Severity::Warning => ui.yellow("WARNING "),
                Severity::Info => ui.dim("INFO    "),
            };
            ui.line(format!("  {label}  {}", p.what))?;
            ui.line(format!("            next: {}", p.next))?;
        }
    }
    ui.line("")?;
    let open = if d.breakers.open.is_empty() {
        "none open".to_string()
    } else {
        format!("open: {}", d.breakers.open.join(", "))
    };
    ui.line(format!(
        "breakers:     {} ({open}; {})",
        d.breakers.list.len(),
        d.breakers.path
    ))?;
    let backup = match (&d.backup.newest, d.backup.age_seconds) {
        (Some(p), Some(age)) => format!(
            "{} ago, {} ({} in {})",
            human_duration(age),
            p.file_name().unwrap_or_default().to_string_lossy(),
            d.backup.count,
            d.backup.dir.display()
        ),
        _ => format!("none in {}", d.backup.dir.display()),
    };
    ui.line(format!("last backup:  {backup}"))?;
    let audit = match (&d.audit.head, &d.audit.error) {
        (Some(h), _) => format!(
            "head seq {} ({}…); full check: `talos audit verify-chain`",
            h.seq,
            &h.hash[..h.hash.len().min(12)]
        ),
        (None, Some(e)) => ui.red(e),
        (None, None) => "empty".to_string(),
    };
    ui.line(format!("audit chain:  {audit}"))?;
    if !d.recent_errors.is_empty() {
        ui.line("recent errors (orchestrator.log):")?;
        for e in &d.recent_errors {
            let g = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("");
            let code = e
                .pointer("/error/code")
                .and_then(Value::as_str)
                .map(|c| format!(" {c}"))
                .unwrap_or_default();
            ui.line(format!(
                "  {} {}{code} [{}] {}",
                g("timestamp"),
                g("component"),
                g("correlation_id"),
                g("message")
            ))?;
        }
    }
    Ok(())
}
