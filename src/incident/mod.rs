//! `talos incident report`: a postmortem draft built only from the evidence
//! on disk, so it works with the daemon dead.
//!
//! Sources, merged in time order: Tier 2 ERROR and WARN lines (with their
//! rotations, `.gz` included), `block_events.log`, `panic.log`,
//! `restore.log`, breaker transitions (Tier 2 lines `Circuit breaker NAME
//! FROM -> TO`, audit records `circuit_breaker_transition`, and the
//! `opened_at` of `circuit_breakers.json`), and the audit records of
//! operators (`operator:*`) and of the system (`system:*`, breakers);
//! users' own records (login, task_submit) are only counted.
//!
//! The window: `--since`/`--until` when given; otherwise the last 24 hours.
//! With `--correlation-id` and no explicit window, every Tier 2 line of
//! that id is taken whatever its time, and the other sources are read over
//! the span of those lines widened by 5 minutes on each side.

pub mod codes;
mod evidence;
pub mod markdown;
pub mod patterns;
mod state;
mod tier2;
mod timeline;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::LazyLock;

use jiff::{SignedDuration, Timestamp};
use regex::Regex;
use serde::Serialize;
use serde_json::Value;

use crate::config::Settings;
use crate::error::Result;
use crate::install::Layout;
use crate::timespec::format_ts;
use evidence::Window;

pub const DEFAULT_WINDOW: SignedDuration = SignedDuration::from_hours(24);
pub const CORRELATION_PAD: SignedDuration = SignedDuration::from_mins(5);
/// Events the timeline keeps (and operator actions listed): memory stays
/// bounded however busy the window. Past this, the most relevant (errors,
/// blocks, panics, breakers, operator actions before warnings and other
/// audit records) and then the newest are kept, and the report says how
/// many were left out (docs/ops.md, "Incident report").
pub const MAX_TIMELINE: usize = 10_000;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub correlation_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub title: String,
    pub host: String,
    pub root: PathBuf,
    #[serde(rename = "window_start_at")]
    pub window_start: String,
    #[serde(rename = "window_end_at")]
    pub window_end: String,
    pub correlation_id: Option<String>,
    pub generated_at: String,
    pub talos_version: String,
}

/// One entry of the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub timestamp: String,
    /// `tier2`, `block_events`, `panic_log`, `restore_log`, `breakers`, `audit`.
    pub source: &'static str,
    /// `error`, `warning`, `event_loop_block`, `panic`, `restore`,
    /// `breaker_transition`, `operator_action`, `audit`.
    pub kind: &'static str,
    pub level: Option<String>,
    pub component: Option<String>,
    pub code: Option<String>,
    pub message: String,
    pub correlation_id: Option<String>,
    pub file: PathBuf,
    /// 1-based line, for the plain-text logs.
    pub line: Option<usize>,
    /// Byte offset of the line in the (decompressed) file, for Tier 2.
    pub offset: Option<u64>,
    #[serde(skip)]
    at: Timestamp,
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorRef {
    pub timestamp: String,
    pub component: Option<String>,
    pub code: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Tier 2 lines in the window (or of the correlation id).
    pub tier2_lines: usize,
    /// Malformed lines met while searching (skipped).
    pub malformed_lines: usize,
    pub by_level: BTreeMap<String, usize>,
    pub by_component: BTreeMap<String, usize>,
    pub by_code: BTreeMap<String, usize>,
    pub affected_components: Vec<String>,
    pub first_error: Option<ErrorRef>,
    pub last_error: Option<ErrorRef>,
    /// From the first error to the last (Tier 2 ERROR lines, event loop
    /// blocks, breakers opening).
    pub duration_ms: Option<i64>,
    pub duration: Option<String>,
    pub timeline_events: usize,
    /// Events counted in `timeline_events` but not listed in the timeline
    /// (it keeps at most [`MAX_TIMELINE`]).
    pub timeline_omitted: usize,
    pub operator_actions: usize,
    /// Operator actions counted but not listed.
    pub operator_actions_omitted: usize,
    /// Audit records of users (login, task_submit, ...) in the window:
    /// counted here, not listed in the timeline.
    pub other_audit_records: usize,
}

#[cfg(test)]
mod tests {
    use super::breaker_transition;

    #[test]
    fn breaker_messages() {
        let t = |m: &str| breaker_transition(m).map(|(n, s)| format!("{n}:{s}"));
        assert_eq!(
            t("Circuit breaker llm_api closed -> open").as_deref(),
            Some("llm_api:open")
        );
        assert_eq!(
            t("Circuit breaker llm_api opened after 5 consecutive failures").as_deref(),
            Some("llm_api:open")
        );
        assert_eq!(
            t("Circuit breaker database half-open probe succeeded; closed").as_deref(),
            Some("database:closed")
        );
        assert_eq!(
            t("Circuit breaker llm_api is open; task task_1 deferred"),
            None
        );
        assert_eq!(t("Task deferred: circuit breaker llm_api is open"), None);
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeSeen {
    pub code: String,
    /// Tier 2 lines with this code.
    pub count: usize,
    /// Other evidence that implies it (a block event for T007, an open
    /// breaker for T010).
    pub implied_by: Vec<String>,
    #[serde(rename = "first_seen_at")]
    pub first_seen: Option<String>,
    #[serde(rename = "last_seen_at")]
    pub last_seen: Option<String>,
    pub description: Option<String>,
    pub response: Option<String>,
    pub procedure: Option<codes::Procedure>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pattern {
    pub pattern: String,
    pub count: usize,
    pub levels: Vec<String>,
    pub components: Vec<String>,
    pub codes: Vec<String>,
    #[serde(rename = "first_seen_at")]
    pub first_seen: String,
    #[serde(rename = "last_seen_at")]
    pub last_seen: String,
    pub example: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenBreaker {
    pub name: String,
    pub state: String,
    pub failure_count: Option<u64>,
    pub opened_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StateNow {
    /// `healthy`, `degraded` or `unhealthy`, computed from the files as
    /// `talos health` does when the daemon is down.
    pub health: String,
    pub health_checks: BTreeMap<String, Value>,
    pub daemon: String,
    pub open_breakers: Vec<OpenBreaker>,
    pub pending_recovery: Option<Value>,
    pub unfinished_restore: bool,
    /// Warnings and failures of `talos doctor`, with their fixes.
    pub doctor: Vec<DoctorLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DoctorLine {
    pub severity: String,
    pub check: String,
    pub title: String,
    pub fix: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ToFill {
    pub section: &'static str,
    pub prompt: &'static str,
    /// What the evidence already says, as a starting point.
    pub draft: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub header: Header,
    pub summary: Summary,
    pub timeline: Vec<Event>,
    pub error_codes: Vec<CodeSeen>,
    pub patterns: Vec<Pattern>,
    pub operator_actions: Vec<Event>,
    pub state_now: StateNow,
    pub to_fill: Vec<ToFill>,
    /// Files read, and lines that could not be used.
    pub sources: Vec<SourceRead>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceRead {
    pub file: PathBuf,
    pub lines: usize,
    pub used: usize,
    pub unreadable: usize,
}

/// `Circuit breaker llm_api closed -> open` (talos-sim).
static BREAKER_ARROW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)circuit[ _-]?breaker\s+(\S+)\s+(\S+)\s*->\s*(\S+)").unwrap());
/// `Circuit breaker llm_api opened after 5 consecutive failures`,
/// `Circuit breaker db half-open probe succeeded; closed` (the sandbox). Not
/// `Circuit breaker llm_api is open; task ... deferred`.
static BREAKER_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)circuit[ _-]?breaker\s+(\S+)\s+(?:[^;]*;\s*)?(opened|closed|reopened|half-opened)\b",
    )
    .unwrap()
});

/// A breaker transition in a log message: (name, state it went to).
pub fn breaker_transition(message: &str) -> Option<(String, String)> {
    if let Some(c) = BREAKER_ARROW.captures(message) {
        return Some((c[1].to_string(), c[3].to_lowercase()));
    }
    let c = BREAKER_VERB.captures(message)?;
    let to = match c[2].to_lowercase().as_str() {
        "opened" | "reopened" => "open",
        "closed" => "closed",
        _ => "half_open",
    };
    Some((c[1].to_string(), to.to_string()))
}

/// Reads the evidence and the state now into a report. doctor's offline
/// checks (all but its log scan: the logs are searched here) and the health
/// checks run beside the reading of the evidence.
pub fn build(layout: &Layout, settings: &Settings, opts: &Options) -> Result<Report> {
    let now = crate::clock::now();
    // One PRAGMA quick_check for health and doctor (it reads the whole
    // database): the first of the two to ask runs it, the other waits for
    // its answer.
    let database = std::sync::OnceLock::new();
    let database_check = || {
        database
            .get_or_init(|| state::database_check(layout))
            .clone()
    };
    std::thread::scope(|s| {
        let doctor = s.spawn(|| state::doctor_lines(layout, settings, &database_check));
        let health = s.spawn(|| state::health(layout, settings, now, &database_check));
        let evidence = gather(layout, opts, now);
        let state_now = state::state_now(joined(health), &evidence.breakers, joined(doctor));
        Ok(assemble(layout, opts, now, evidence, state_now))
    })
}

fn joined<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// Everything read from the files of the window.
struct Evidence {
    window: Window,
    tier2: tier2::Tier2,
    implied: evidence::Implied,
    audit: evidence::AuditSeen,
    breakers: Vec<crate::breakers::Breaker>,
    sources: Vec<SourceRead>,
}

/// The window, then each source in turn: Tier 2 first (its lines may set
/// the window), then the others over the window.
fn gather(layout: &Layout, opts: &Options, now: Timestamp) -> Evidence {
    let mut sources = Vec::new();
    // With a correlation id and no explicit window, the id's lines are
    // taken whatever their time, and the window is their span.
    let explicit = opts.since.is_some() || opts.until.is_some();
    let until = opts.until.unwrap_or(now);
    let since = opts.since.unwrap_or_else(|| until - DEFAULT_WINDOW);
    let by_id_only = opts.correlation_id.is_some() && !explicit;
    let query = crate::logs::Query {
        correlation_id: opts.correlation_id.clone(),
        since: (!by_id_only).then_some(since),
        // The engine's `until` is exclusive; the window's is inclusive.
        until: (!by_id_only).then(|| until + SignedDuration::from_millis(1)),
        ..Default::default()
    };
    let skip_before = (!by_id_only).then_some(since);
    let mut t2 = tier2::scan(&layout.log_dir, &query, skip_before, &mut sources);
    let mut window = Window { since, until };
    if by_id_only && let (Some(first), Some(last)) = (t2.first, t2.last) {
        window = Window {
            since: first - CORRELATION_PAD,
            until: last + CORRELATION_PAD,
        };
    }
    let mut implied = evidence::Implied::new();
    let timeline = &mut t2.timeline;
    evidence::block_events(layout, window, timeline, &mut implied, &mut sources);
    evidence::panic_and_restore_logs(layout, window, timeline, &mut sources);
    let audit = evidence::audit(
        layout,
        window,
        timeline,
        &mut t2.breaker_opens,
        &mut sources,
    );
    let breakers = crate::breakers::BreakerFile::load(&layout.breakers_file())
        .map(|f| f.list())
        .unwrap_or_default();
    let opens = &t2.breaker_opens;
    evidence::breaker_file(layout, window, &breakers, opens, timeline, &mut implied);
    Evidence {
        window,
        tier2: t2,
        implied,
        audit,
        breakers,
        sources,
    }
}

fn assemble(
    layout: &Layout,
    opts: &Options,
    now: Timestamp,
    mut ev: Evidence,
    state_now: StateNow,
) -> Report {
    // Time order; equal times keep source order (logs before the audit).
    let timeline = ev.tier2.timeline.finish();
    let summary = summary(&mut ev.tier2, &ev.audit);
    let error_codes = error_codes(&ev.tier2, &ev.implied);
    let patterns = ev.tier2.patterns();
    let to_fill = to_fill(&summary, &ev.audit.operator_actions, &state_now);
    let Window { since, until } = ev.window;
    let title = match &opts.correlation_id {
        Some(id) => format!("Incident report: correlation id {id}"),
        None => format!(
            "Incident report: {} to {}",
            format_ts(since),
            format_ts(until)
        ),
    };
    Report {
        header: Header {
            title,
            host: crate::fsutil::hostname(),
            root: layout.root.clone(),
            window_start: format_ts(since),
            window_end: format_ts(until),
            correlation_id: opts.correlation_id.clone(),
            generated_at: format_ts(now),
            talos_version: crate::VERSION.to_string(),
        },
        summary,
        timeline,
        error_codes,
        patterns,
        operator_actions: ev.audit.operator_actions,
        state_now,
        to_fill,
        sources: ev.sources,
    }
}

/// The summary's figures; call after the timeline is finished.
fn summary(t2: &mut tier2::Tier2, audit: &evidence::AuditSeen) -> Summary {
    let tl = &mut t2.timeline;
    let first_error = tl.first_error.take();
    let last_error = tl.last_error.take();
    let duration = match (&first_error, &last_error) {
        (Some(a), Some(b)) => Some(b.0.duration_since(a.0).as_secs()),
        _ => None,
    };
    Summary {
        tier2_lines: t2.lines,
        malformed_lines: t2.malformed as usize,
        by_level: t2.levels.clone(),
        by_component: t2.components.clone(),
        by_code: t2.codes.clone(),
        affected_components: tl.affected.iter().cloned().collect(),
        first_error: first_error.map(|e| e.2),
        last_error: last_error.map(|e| e.2),
        duration_ms: duration.map(|s| s * 1000),
        duration: duration.map(crate::units::human_duration),
        timeline_events: tl.total,
        timeline_omitted: tl.omitted,
        operator_actions: audit.operator_total,
        operator_actions_omitted: audit.operator_total - audit.operator_actions.len(),
        other_audit_records: audit.other,
    }
}

/// Error codes: counted in Tier 2, or implied by other evidence.
fn error_codes(t2: &tier2::Tier2, implied: &evidence::Implied) -> Vec<CodeSeen> {
    let mut all_codes: Vec<String> = t2.codes.keys().cloned().collect();
    for c in implied.keys() {
        push_unique(&mut all_codes, c);
    }
    all_codes.sort();
    all_codes
        .into_iter()
        .map(|c| {
            let info = codes::lookup(&c);
            let times = t2.code_times.get(&c);
            CodeSeen {
                count: t2.codes.get(&c).copied().unwrap_or(0),
                implied_by: implied.get(&c).cloned().unwrap_or_default(),
                first_seen: times.map(|t| format_ts(t.0)),
                last_seen: times.map(|t| format_ts(t.1)),
                description: info.as_ref().map(|i| i.description.to_string()),
                response: info.as_ref().map(|i| i.response.to_string()),
                procedure: info.as_ref().and_then(|i| i.procedure),
                code: c,
            }
        })
        .collect()
}

impl Report {
    /// True when a correlation id was asked for and no line carries it.
    pub fn correlation_id_missing(&self) -> bool {
        self.header.correlation_id.is_some() && self.summary.tier2_lines == 0
    }
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

/// The sections a person writes (Google SRE postmortem
/// template), each started with what the evidence already says.
fn to_fill(summary: &Summary, actions: &[Event], state: &StateNow) -> Vec<ToFill> {
    let mut impact = Vec::new();
    if !summary.affected_components.is_empty() {
        impact.push(format!(
            "Affected components: {}",
            summary.affected_components.join(", ")
        ));
    }
    if let Some(d) = &summary.duration {
        impact.push(format!(
            "Errors span {d} (first to last error in the evidence)"
        ));
    }
    impact.push("Data loss: none / minimal / significant".into());
    impact.push("Service downtime: ?; affected users or tasks: ?".into());
    let recovery: Vec<String> = actions
        .iter()
        .map(|a| format!("{}: {}", a.timestamp, a.message))
        .collect();
    let mut verification = vec![
        "`talos doctor` is clean".to_string(),
        "`talos health` says healthy".to_string(),
        "`talos audit verify-chain` verifies".to_string(),
        "a backup was taken after the recovery (`talos backup create`)".to_string(),
    ];
    if !state.open_breakers.is_empty() {
        verification.push("every circuit breaker is closed (`talos breaker list`)".into());
    }
    vec![
        ToFill {
            section: "Severity",
            prompt: "P1 (complete outage) / P2 (core function impaired) / P3 (degraded)",
            draft: Vec::new(),
        },
        ToFill {
            section: "Root cause",
            prompt: "What caused the failure, and why it was possible (the trigger and the underlying weakness)",
            draft: Vec::new(),
        },
        ToFill {
            section: "Impact",
            prompt: "Who and what was affected, for how long, and whether data was lost",
            draft: impact,
        },
        ToFill {
            section: "Recovery actions",
            prompt: "What was done to recover, in order (the operator actions of the audit chain are listed)",
            draft: recovery,
        },
        ToFill {
            section: "Recovery verification",
            prompt: "Tick what has been checked",
            draft: verification,
        },
        ToFill {
            section: "Prevention",
            prompt: "Action items so it does not happen again: action, type (mitigate / prevent / detect), owner, tracking issue",
            draft: Vec::new(),
        },
        ToFill {
            section: "Lessons learned",
            prompt: "What went well; what went wrong; where we got lucky",
            draft: Vec::new(),
        },
    ]
}
