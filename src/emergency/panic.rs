//! The `talos panic` runbook as one operation: plan the escalation from the
//! PID file, the settings and the mode, then (after the caller's
//! confirmation) take the emergency lock, escalate, remove a PID file shown
//! stale, preserve the state, record the panic in the audit chain and in
//! panic.log, and return the whole story with its exit status.
//!
//! `--dry-run` renders the `PanicPlan` that `panic` would execute. Nothing
//! here prints: the caller hears each step through `PanicEvent`s.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

use super::escalate::{self, Escalation, Options, PlannedRung};
use super::state::{self, Method, PanicFacts};
use super::{PanicLog, preserve};
use crate::access::{Access, Mode, StopRoute};
use crate::config::Settings;
use crate::error::{Error, ExitStatus, Result};
use crate::install::Layout;
use crate::process::{PidStatus, StaleReason, VerifiedPid, check_pid_file};

/// What the operator asked for.
#[derive(Debug, Clone)]
pub struct PanicOptions {
    /// Why (non-empty; recorded everywhere).
    pub reason: String,
    /// Go ahead without a PID file.
    pub force: bool,
    /// Write a preserve and emergency_state.json (not `--no-state`).
    pub preserve_state: bool,
    pub grace: Duration,
    pub signal_wait: Duration,
    /// `--online` / `--offline` / neither: the route, through `crate::access`.
    pub mode: Mode,
}

/// The escalation as it would run now: worked out without acting (no
/// request, no file, no signal). `--dry-run` shows it; `panic` executes it.
pub struct PanicPlan {
    pub reason: String,
    pub actor: String,
    pub force: bool,
    pub route: StopRoute,
    pub pid_file: PidStatus,
    /// The verified orchestrator, re-checked before each signal.
    pub verified: Option<VerifiedPid>,
    /// Why the real run would refuse before doing anything.
    pub would_refuse: Option<&'static str>,
    pub rungs: Vec<PlannedRung>,
    pub preserve_state: bool,
    pub preserves_dir: PathBuf,
    pub emergency_state: PathBuf,
    started_at: String,
    started_ts: jiff::Timestamp,
    process_match: String,
    escalation: Options,
    api: Option<DaemonApi>,
}

/// What `panic` tells its caller as it goes.
#[derive(Debug)]
pub enum PanicEvent<'a> {
    /// Confirmed and locked: the escalation begins.
    Begun {
        pid_file: &'a PidStatus,
        verified: Option<&'a VerifiedPid>,
    },
    /// A rung began or ended.
    Rung(&'a escalate::Event<'a>),
}

/// The state part of the report.
#[derive(Debug, Default, Serialize)]
pub struct StateReport {
    pub emergency_state: Option<PathBuf>,
    pub preserve: Option<PathBuf>,
    /// `talos` or `daemon`: who wrote the preserve.
    pub preserve_written_by: Option<&'static str>,
    pub task_count: Option<usize>,
    pub files: Option<usize>,
    pub pruned: Vec<PathBuf>,
    pub skipped: Vec<String>,
    pub daemon_record_kept: bool,
}

/// The whole story of one panic (the `--json` document).
#[derive(Debug, Serialize)]
pub struct PanicReport {
    /// docs/format.md §7: `online` when the API stopped the daemon, else
    /// `offline` (`crate::access::StopRoute`).
    pub access: Access,
    pub reason: String,
    pub started_at: String,
    pub pid_file: PidStatus,
    pub escalation: Escalation,
    pub pid_file_removed: Option<String>,
    pub state: Option<StateReport>,
    pub audit_seq: Option<u64>,
    pub panic_log: PathBuf,
    pub warnings: Vec<String>,
    #[serde(
        rename = "exit_code",
        serialize_with = "crate::error::serialize_exit_code"
    )]
    pub exit: ExitStatus,
}

/// Works out the plan: the PID check, the route and each rung.
pub fn plan(layout: &Layout, settings: &Settings, opts: &PanicOptions) -> Result<PanicPlan> {
    if !layout.data_dir.is_dir() {
        return Err(Error::failed(format!(
            "{} does not exist: no Talos installation under {}",
            layout.data_dir.display(),
            layout.root.display()
        ))
        .hint("check --root / TALOS_ROOT"));
    }
    let started_at = crate::timespec::now_rfc3339();
    let started_ts = crate::clock::now();
    let actor = crate::audit::operator_actor();
    let process_match = settings.process_match.value.clone();
    let pid_file = check_pid_file(&layout.pid_file, &process_match)?;
    let verified = pid_file.verified().map(|v| v.with_match(&process_match));
    let route = StopRoute::of(opts.mode);
    let (escalation, api) = escalation_options(layout, settings, opts, &actor, route);
    let rungs = escalate::plan(layout, &escalation, verified.as_ref());
    let would_refuse = (matches!(pid_file, PidStatus::NoPidFile { .. }) && !opts.force)
        .then_some("no PID file: panic refuses without --force");
    Ok(PanicPlan {
        reason: opts.reason.clone(),
        actor,
        force: opts.force,
        route,
        pid_file,
        verified,
        would_refuse,
        rungs,
        preserve_state: opts.preserve_state,
        preserves_dir: layout.preserves_dir(),
        emergency_state: layout.emergency_state(),
        started_at,
        started_ts,
        process_match,
        escalation,
        api,
    })
}

/// The escalation options and the API client, from the route and settings.
fn escalation_options(
    layout: &Layout,
    settings: &Settings,
    opts: &PanicOptions,
    actor: &str,
    route: StopRoute,
) -> (Options, Option<DaemonApi>) {
    let mut esc = Options::new(&opts.reason, actor);
    esc.preserve_state = opts.preserve_state;
    esc.grace = opts.grace;
    esc.signal_wait = opts.signal_wait;
    esc.api_only = !route.uses_signals();
    let api = if !route.uses_api() {
        esc.api_skip = Some("not tried: --offline".into());
        None
    } else {
        // A broken --cacert must not stand between the operator and the
        // stop: the API rung is skipped and the others still run.
        match DaemonApi::new(settings) {
            Ok(a) => Some(a),
            Err(e) => {
                esc.api_skip = Some(format!("not tried: {}", e.message));
                None
            }
        }
    };
    if esc.api_skip.is_none() && settings.token.value.is_none() {
        esc.api_skip = Some(format!(
            "not tried: no admin token (set TALOS_TOKEN or write {})",
            layout.token_file.display()
        ));
    }
    (esc, api)
}

impl PanicPlan {
    /// The confirmation question for this situation.
    pub fn question(&self) -> String {
        match (&self.pid_file, &self.verified) {
            (_, Some(v)) => format!(
                "EMERGENCY STOP of the Talos daemon (PID {}) — reason: {}. Continue?",
                v.pid(),
                self.reason
            ),
            (PidStatus::Stale { reason: why, .. }, None) => format!(
                "The PID file is stale ({why}); no process will be signalled. Run the panic anyway (API, SIGNAL_PANIC, preserve state)?"
            ),
            _ => "There is no PID file; no process will be signalled. Run the panic anyway (API, SIGNAL_PANIC, preserve state)?".to_string(),
        }
    }

    fn refusal(&self) -> Option<Error> {
        let PidStatus::NoPidFile { path } = &self.pid_file else {
            return None;
        };
        self.would_refuse?;
        Some(Error::refused(format!(
            "no PID file at {}: the daemon may not be running, and talos cannot tell which process it is",
            path.display()
        ))
        .hint("re-run with --force to go ahead: talos will still try the API and SIGNAL_PANIC, and preserve state; it never signals a process it cannot verify")
        .hint("`talos status` shows whether anything answers"))
    }
}

/// Runs the panic runbook: plans it, asks `confirm` (which returns an error
/// to decline), then executes that plan. A refusal or a declined
/// confirmation is logged to panic.log and returned as the error; anything
/// after the confirmation ends in a `PanicReport`.
pub fn panic(
    layout: &Layout,
    settings: &Settings,
    opts: &PanicOptions,
    confirm: &mut dyn FnMut(&str) -> Result<()>,
    on_event: &mut dyn FnMut(PanicEvent<'_>),
) -> Result<PanicReport> {
    execute(layout, plan(layout, settings, opts)?, confirm, on_event)
}

/// Executes a plan made by `plan`.
pub fn execute(
    layout: &Layout,
    mut plan: PanicPlan,
    confirm: &mut dyn FnMut(&str) -> Result<()>,
    on_event: &mut dyn FnMut(PanicEvent<'_>),
) -> Result<PanicReport> {
    let mut log = PanicLog::new(&layout.panic_log());
    let reason = plan.reason.clone();
    if let Some(err) = plan.refusal() {
        log.warn(&format!(
            "panic refused (reason: {reason}): no PID file at {}",
            layout.pid_file.display()
        ));
        return Err(err);
    }
    if let Err(e) = confirm(&plan.question()) {
        log.warn(&format!(
            "panic not confirmed (reason: {reason}): {}",
            e.message
        ));
        return Err(e);
    }
    let _lock = super::lock(layout, "panic or recover")?;
    log_start(&mut log, &plan);
    on_event(PanicEvent::Begun {
        pid_file: &plan.pid_file,
        verified: plan.verified.as_ref(),
    });

    let esc = escalate::run(
        layout,
        &plan.escalation,
        plan.verified.as_ref(),
        plan.api.as_mut().map(|a| a as &mut dyn escalate::Api),
        &mut log,
        &mut |ev: &escalate::Event| on_event(PanicEvent::Rung(ev)),
    );
    let api_reachable = esc.stopped
        || !plan.route.unreachable(
            !plan
                .api
                .as_mut()
                .is_some_and(|a| escalate::Api::probe(a) != escalate::Probe::Answers),
        );
    let mut warnings = Vec::new();
    let pid_file_removed = remove_stale_pid_file(layout, &plan, &mut log, &mut warnings);
    let (state_report, state_failed) = preserve_step(layout, &plan, &esc, &mut log, &mut warnings);
    let exit = exit_status(&plan, &esc, api_reachable, state_failed);
    let audit_seq = record(
        layout,
        &plan,
        &esc,
        state_report.as_ref(),
        exit,
        &mut log,
        &mut warnings,
    );
    log_end(&mut log, &esc, exit);
    if let Some(f) = log.failure.take() {
        warnings.push(f);
    }
    Ok(PanicReport {
        access: StopRoute::access(esc.method == Method::Api),
        reason,
        started_at: plan.started_at,
        pid_file: plan.pid_file,
        escalation: esc,
        pid_file_removed,
        state: state_report,
        audit_seq,
        panic_log: layout.panic_log(),
        warnings,
        exit,
    })
}

fn log_start(log: &mut PanicLog, plan: &PanicPlan) {
    log.info("=== PANIC SEQUENCE INITIATED ===");
    log.info(&format!(
        "reason: {}; by {}; force: {}; preserve state: {}",
        plan.reason, plan.actor, plan.force, plan.preserve_state
    ));
    match &plan.pid_file {
        PidStatus::Verified { process, .. } => log.info(&format!(
            "verified orchestrator PID {} ({})",
            process.pid, process.cmdline
        )),
        PidStatus::Stale {
            pid, reason: why, ..
        } => log.warn(&format!(
            "stale PID file{}: {why}; it will not be signalled",
            pid.map(|p| format!(" (PID {p})")).unwrap_or_default()
        )),
        PidStatus::NoPidFile { .. } => log.warn("no PID file; going ahead because of --force"),
    }
}

fn log_end(log: &mut PanicLog, esc: &Escalation, exit: ExitStatus) {
    log.info(&format!(
        "=== PANIC SEQUENCE COMPLETE: {} (method {}, exit {}) ===",
        if esc.already_stopped {
            "the daemon was already down"
        } else if esc.stopped {
            "the daemon is down"
        } else {
            "THE DAEMON IS STILL RUNNING"
        },
        esc.method.as_str(),
        exit.code()
    ));
}

/// How the panic ends (docs/format.md, exit codes).
fn exit_status(
    plan: &PanicPlan,
    esc: &Escalation,
    api_reachable: bool,
    state_failed: bool,
) -> ExitStatus {
    if !api_reachable {
        ExitStatus::DaemonUnreachable
    } else if !esc.stopped {
        if plan.verified.is_none() || esc.refused.is_some() {
            ExitStatus::Refused
        } else {
            ExitStatus::Failed
        }
    } else if state_failed {
        ExitStatus::Failed
    } else {
        ExitStatus::Ok
    }
}

/// A PID file is removed only once it is shown stale: checked again now,
/// and only if it still names the same PID.
fn remove_stale_pid_file(
    layout: &Layout,
    plan: &PanicPlan,
    log: &mut PanicLog,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let pid = plan
        .pid_file
        .pid()
        .or(plan.verified.as_ref().map(|v| v.pid()));
    match remove_if_stale(&layout.pid_file, &plan.process_match, pid) {
        Ok(Some(why)) => {
            log.info(&format!("removed the stale PID file: {why}"));
            Some(why)
        }
        Ok(None) => None,
        Err(e) => {
            warnings.push(format!("could not remove the stale PID file: {e}"));
            None
        }
    }
}

/// Removes the PID file if it is (still) stale and names `pid`. Returns
/// why it was stale when it removed it.
fn remove_if_stale(
    pid_file: &std::path::Path,
    process_match: &str,
    pid: Option<u32>,
) -> Result<Option<String>> {
    match check_pid_file(pid_file, process_match)? {
        PidStatus::Stale {
            pid: now, reason, ..
        } if now == pid || matches!(reason, StaleReason::Unreadable { .. }) => {
            std::fs::remove_file(pid_file)?;
            if let Some(dir) = pid_file.parent() {
                let _ = crate::fsutil::sync_dir(dir);
            }
            Ok(Some(reason.to_string()))
        }
        _ => Ok(None),
    }
}

/// The state step: `None` with `--no-state`; a failure is a warning and
/// makes the panic end in 1, never stops it.
fn preserve_step(
    layout: &Layout,
    plan: &PanicPlan,
    esc: &Escalation,
    log: &mut PanicLog,
    warnings: &mut Vec<String>,
) -> (Option<StateReport>, bool) {
    if !plan.preserve_state {
        log.info("state not preserved (--no-state)");
        return (None, false);
    }
    match preserve_state(layout, plan, esc, log) {
        Ok(r) => (Some(r), false),
        Err(e) => {
            log.error(&format!("state could not be preserved: {e}"));
            warnings.push(format!("the state could not be preserved: {e}"));
            (None, true)
        }
    }
}

/// Writes (or adopts) the preserve and writes emergency_state.json.
fn preserve_state(
    layout: &Layout,
    plan: &PanicPlan,
    esc: &Escalation,
    log: &mut PanicLog,
) -> Result<StateReport> {
    // Ordered against a restore (docs/ops.md, "Locks"): never preserve a
    // tree that a running restore is swapping.
    let _install = crate::locks::shared_even_if_interrupted(layout, "the state preserve")?;
    let mut report = StateReport::default();
    let daemon_record = daemon_record(layout, plan.started_ts);
    let pid = plan.verified.as_ref().map(|v| v.pid());
    let preserve_path = match adopt_daemon_preserve(daemon_record.as_ref(), &mut report, log) {
        Some(p) => {
            report.pruned = preserve::prune(&layout.preserves_dir(), preserve::KEEP)?;
            p
        }
        None => {
            let created = preserve::create(
                layout,
                &preserve::Request {
                    reason: plan.reason.clone(),
                    method: esc.method.as_str().to_string(),
                    pid,
                    created_by: plan.actor.clone(),
                    now: crate::clock::now(),
                },
            )?;
            log.info(&format!(
                "state preserved in {} ({} files)",
                created.path.display(),
                created.files.len()
            ));
            report.files = Some(created.files.len());
            report.task_count = created.task_count;
            report.pruned = created.pruned;
            report.skipped = created.skipped;
            report.preserve_written_by = Some("talos");
            created.path
        }
    };
    for p in &report.pruned {
        log.info(&format!(
            "deleted old preserve {} (at most {} are kept)",
            p.display(),
            preserve::KEEP
        ));
    }
    report.preserve = Some(preserve_path.clone());

    // emergency_state.json says recovery is available: only once the daemon
    // is down, or it would describe a stop that did not happen.
    if esc.stopped {
        let facts = PanicFacts {
            started_at: plan.started_at.clone(),
            reason: plan.reason.clone(),
            pid,
            data_dir: layout.data_dir.clone(),
            forced: plan.force,
            method: esc.method,
            preserve: Some(preserve_path),
            initiated_by: plan.actor.clone(),
        };
        let record = state::record_for_panic(&facts, daemon_record.as_ref());
        report.daemon_record_kept = daemon_record.is_some();
        state::write(&layout.emergency_state(), &record)?;
        log.info(&format!(
            "emergency state written to {}",
            layout.emergency_state().display()
        ));
        report.emergency_state = Some(layout.emergency_state());
    }
    Ok(report)
}

/// The daemon's own emergency record, when it was written during this
/// panic (not one left from an earlier one).
fn daemon_record(layout: &Layout, started: jiff::Timestamp) -> Option<Value> {
    std::fs::metadata(layout.emergency_state())
        .ok()
        .and_then(|m| m.modified().ok())
        .filter(|t| {
            jiff::Timestamp::try_from(*t)
                .is_ok_and(|t| t >= started - jiff::SignedDuration::from_secs(1))
        })
        .and_then(|_| {
            crate::fsutil::read_small(layout.emergency_state(), crate::fsutil::SMALL_FILE_CAP).ok()
        })
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .filter(Value::is_object)
}

/// A preserve the daemon wrote during this panic is used when it checks
/// out; otherwise (`None`) talos writes its own.
fn adopt_daemon_preserve(
    daemon_record: Option<&Value>,
    report: &mut StateReport,
    log: &mut PanicLog,
) -> Option<PathBuf> {
    let p = daemon_record
        .and_then(|d| d.get("preserve"))
        .and_then(Value::as_str)
        .map(PathBuf::from)
        .filter(|p| p.is_file())?;
    match preserve::unpack(&p) {
        Ok(u) => {
            log.info(&format!(
                "the daemon preserved its state in {}; using it",
                p.display()
            ));
            report.files = Some(u.files.len());
            report.task_count = u.task_count;
            report.preserve_written_by = Some("daemon");
            Some(p)
        }
        Err(e) => {
            log.warn(&format!(
                "the daemon's preserve {} does not check out ({}); writing a new one",
                p.display(),
                e.message
            ));
            None
        }
    }
}

/// The audit record of the panic (docs/format.md: every action of talos
/// that changes the installation). A failure is a warning: the stop counts
/// more than its record.
fn record(
    layout: &Layout,
    plan: &PanicPlan,
    esc: &Escalation,
    state: Option<&StateReport>,
    exit: ExitStatus,
    log: &mut PanicLog,
    warnings: &mut Vec<String>,
) -> Option<u64> {
    let details = json!({
        "reason": plan.reason,
        "method": esc.method.as_str(),
        "stopped": esc.stopped,
        "already_stopped": esc.already_stopped,
        "pid": plan.verified.as_ref().map(|v| v.pid()),
        "force": plan.force,
        "rungs": esc.rungs.iter().map(|r| json!({"rung": r.rung, "outcome": r.outcome})).collect::<Vec<_>>(),
        "preserve": state.and_then(|s| s.preserve.clone()),
        "exit_code": exit.code(),
    });
    match crate::audit::record_operator_action(layout, "panic", details) {
        Ok(a) => Some(a.seq),
        Err(e) => {
            let w = format!("the panic could not be recorded in the audit chain: {e}");
            log.warn(&w);
            warnings.push(w);
            None
        }
    }
}

/// The escalation's view of the daemon's API, over the shared client
/// (bounded timeouts, TLS with --cacert, the token never shown).
struct DaemonApi {
    client: crate::api::Client,
}

impl DaemonApi {
    fn new(settings: &Settings) -> Result<DaemonApi> {
        Ok(DaemonApi {
            client: crate::api::Client::new(settings)?,
        })
    }
}

impl escalate::Api for DaemonApi {
    fn request_panic(
        &mut self,
        reason: &str,
        preserve_state: bool,
    ) -> std::result::Result<String, String> {
        match self.client.panic(reason, preserve_state) {
            // The recovery token stays out of panic.log and the screen; the
            // daemon keeps it in its own emergency_state.json (mode 0600).
            Ok(body) => Ok(format!(
                "the daemon accepted the panic (state preserved by the daemon: {})",
                body.get("state_preserved")
                    .and_then(Value::as_bool)
                    .map_or("unknown", |b| if b { "yes" } else { "no" })
            )),
            // A 401 or any other answer is the rung's failure, in the
            // report: never silent (crate::access).
            Err(e) => Err(match e.hint() {
                Some(h) => format!("{} ({h})", e.message),
                None => e.message,
            }),
        }
    }

    fn probe(&mut self) -> escalate::Probe {
        use crate::api::ApiErrorKind as K;
        use escalate::Probe;
        match self.client.health() {
            Ok(_) => Probe::Answers,
            Err(e) => match e.kind {
                K::ConnectionRefused | K::Network | K::Config => Probe::Unreachable,
                // Connected, or something answered, but not as a healthy
                // daemon would: never call that "stopped".
                K::Timeout | K::Tls => Probe::Hung,
                K::NoToken | K::Unauthorized | K::NotFound | K::Status | K::BadResponse => {
                    Probe::Answers
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Env, Overrides};
    use crate::emergency::escalate::Rung;

    struct MapEnv(Vec<(&'static str, String)>);
    impl Env for MapEnv {
        fn var(&self, key: &str) -> Option<String> {
            self.0
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
        }
    }

    fn install(token: bool) -> (tempfile::TempDir, Layout, Settings) {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        std::fs::create_dir_all(&layout.data_dir).unwrap();
        let env = MapEnv(if token {
            vec![("TALOS_TOKEN", "unit-test-token".to_string())]
        } else {
            vec![]
        });
        let overrides = Overrides {
            root: Some(dir.path().to_path_buf()),
            url: Some("http://127.0.0.1:9".into()),
            ..Overrides::default()
        };
        let settings = Settings::load_with(&overrides, &env);
        (dir, layout, settings)
    }

    fn opts(mode: Mode) -> PanicOptions {
        PanicOptions {
            reason: "unit test".into(),
            force: false,
            preserve_state: true,
            grace: Duration::from_secs(15),
            signal_wait: Duration::from_secs(10),
            mode,
        }
    }

    fn tried(plan: &PanicPlan) -> Vec<(Rung, bool)> {
        plan.rungs.iter().map(|r| (r.rung, r.would_try)).collect()
    }

    #[test]
    fn without_a_pid_file_the_plan_refuses_unless_forced() {
        let (_d, layout, settings) = install(true);
        let plan = plan(&layout, &settings, &opts(Mode::Auto)).unwrap();
        assert!(matches!(plan.pid_file, PidStatus::NoPidFile { .. }));
        assert!(plan.would_refuse.is_some());
        assert!(plan.refusal().is_some_and(|e| e.exit_code() == 4));
        assert!(plan.question().contains("no PID file"));
        let forced = PanicOptions {
            force: true,
            ..opts(Mode::Auto)
        };
        let plan = super::plan(&layout, &settings, &forced).unwrap();
        assert!(plan.would_refuse.is_none() && plan.refusal().is_none());
    }

    #[test]
    fn the_default_route_tries_the_api_then_the_signal_file() {
        let (_d, layout, settings) = install(true);
        let plan = plan(&layout, &settings, &opts(Mode::Auto)).unwrap();
        assert_eq!(plan.route, StopRoute::ApiThenSignals);
        // No verified PID: the signal rungs are never aimed at a guess.
        assert_eq!(
            tried(&plan),
            [
                (Rung::Api, true),
                (Rung::SignalFile, true),
                (Rung::Sigterm, false),
                (Rung::Sigkill, false)
            ]
        );
    }

    #[test]
    fn offline_skips_the_api_and_online_allows_only_the_api() {
        let (_d, layout, settings) = install(true);
        let off = plan(&layout, &settings, &opts(Mode::Offline)).unwrap();
        assert_eq!(off.route, StopRoute::SignalsOnly);
        assert!(!off.rungs[0].would_try);
        assert!(off.rungs[0].detail.contains("--offline"), "{:?}", off.rungs);
        assert!(off.rungs[1].would_try);

        let on = plan(&layout, &settings, &opts(Mode::Online)).unwrap();
        assert_eq!(on.route, StopRoute::ApiOnly);
        assert_eq!(
            tried(&on),
            [
                (Rung::Api, true),
                (Rung::SignalFile, false),
                (Rung::Sigterm, false),
                (Rung::Sigkill, false)
            ]
        );
        assert!(on.rungs[1].detail.contains("--online"));
    }

    #[test]
    fn without_a_token_the_api_rung_says_why_it_is_skipped() {
        let (_d, layout, settings) = install(false);
        let plan = plan(&layout, &settings, &opts(Mode::Auto)).unwrap();
        assert!(!plan.rungs[0].would_try);
        assert!(
            plan.rungs[0].detail.contains("no admin token"),
            "{}",
            plan.rungs[0].detail
        );
    }

    #[test]
    fn no_installation_is_an_error_before_any_plan() {
        let (d, _layout, settings) = install(true);
        let elsewhere = Layout::new(d.path().join("nothing-here"));
        let err = plan(&elsewhere, &settings, &opts(Mode::Auto))
            .err()
            .expect("no data dir");
        assert!(err.message.contains("no Talos installation"), "{err}");
    }

    #[test]
    fn the_exit_status_follows_the_route_and_the_outcome() {
        let (_d, layout, settings) = install(true);
        let plan = plan(&layout, &settings, &opts(Mode::Auto)).unwrap();
        let esc = |stopped: bool| Escalation {
            rungs: Vec::new(),
            method: Method::None,
            already_stopped: false,
            stopped,
            refused: None,
            signal_file: escalate::SignalFileFate::NotWritten,
            elapsed_ms: 0,
        };
        assert_eq!(exit_status(&plan, &esc(true), true, false), ExitStatus::Ok);
        assert_eq!(
            exit_status(&plan, &esc(true), true, true),
            ExitStatus::Failed
        );
        // Not stopped and no verified PID: nothing could be signalled.
        assert_eq!(
            exit_status(&plan, &esc(false), true, false),
            ExitStatus::Refused
        );
        assert_eq!(
            exit_status(&plan, &esc(false), false, false),
            ExitStatus::DaemonUnreachable
        );
    }
}
