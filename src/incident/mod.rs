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
pub mod markdown;
pub mod patterns;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use jiff::{SignedDuration, Timestamp};
use regex::Regex;
use serde::Serialize;
use serde_json::Value;

use crate::config::Settings;
use crate::error::Result;
use crate::install::Layout;
use crate::logfiles;
use crate::timespec::format_ts;

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

/// A Tier 2 line worth a timeline entry (ERROR/WARN, or a breaker
/// transition), copied out of the search's buffers.
struct Tier2 {
    at: Timestamp,
    file: PathBuf,
    offset: u64,
    level: String,
    component: Option<String>,
    code: Option<String>,
    message: String,
    correlation_id: Option<String>,
}

/// What the Tier 2 lines of the window add up to.
#[derive(Default)]
struct Tier2Scan {
    lines: usize,
    no_time: usize,
    levels: BTreeMap<String, usize>,
    components: BTreeMap<String, usize>,
    codes: BTreeMap<String, usize>,
    code_times: BTreeMap<String, (Timestamp, Timestamp)>,
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    per_file: BTreeMap<usize, usize>,
}

/// The timeline as it is gathered: the summary's figures are taken from
/// every event, the events themselves are kept up to [`MAX_TIMELINE`].
struct Timeline {
    cap: usize,
    /// With the order they came in (equal times keep it).
    events: Vec<(u64, Event)>,
    seq: u64,
    total: usize,
    omitted: usize,
    affected: std::collections::BTreeSet<String>,
    first_error: Option<(Timestamp, u64, ErrorRef)>,
    last_error: Option<(Timestamp, u64, ErrorRef)>,
}

impl Timeline {
    fn new(cap: usize) -> Timeline {
        Timeline {
            cap,
            events: Vec::new(),
            seq: 0,
            total: 0,
            omitted: 0,
            affected: Default::default(),
            first_error: None,
            last_error: None,
        }
    }

    fn is_error(e: &Event) -> bool {
        matches!(e.kind, "error" | "event_loop_block")
            || (e.kind == "breaker_transition" && e.code.is_some())
    }

    fn is_problem(e: &Event) -> bool {
        matches!(e.kind, "error" | "warning" | "event_loop_block" | "panic")
            || (e.kind == "breaker_transition" && e.code.is_some())
    }

    fn push(&mut self, e: Event) {
        let seq = self.seq;
        self.seq += 1;
        self.total += 1;
        if Self::is_problem(&e)
            && let Some(c) = &e.component
        {
            self.affected.insert(c.clone());
        }
        if Self::is_error(&e) {
            let r = || ErrorRef {
                timestamp: e.timestamp.clone(),
                component: e.component.clone(),
                code: e.code.clone(),
                message: e.message.clone(),
            };
            if self
                .first_error
                .as_ref()
                .is_none_or(|(t, s, _)| (e.at, seq) < (*t, *s))
            {
                self.first_error = Some((e.at, seq, r()));
            }
            if self
                .last_error
                .as_ref()
                .is_none_or(|(t, s, _)| (e.at, seq) > (*t, *s))
            {
                self.last_error = Some((e.at, seq, r()));
            }
        }
        self.events.push((seq, e));
        if self.events.len() >= 2 * self.cap.max(1) {
            self.shrink();
        }
    }

    /// Keeps the `cap` most relevant, newest events.
    fn shrink(&mut self) {
        if self.events.len() <= self.cap {
            return;
        }
        let relevant = |e: &Event| !matches!(e.kind, "warning" | "audit");
        self.events
            .sort_unstable_by_key(|(s, e)| std::cmp::Reverse((relevant(e), e.at, *s)));
        self.omitted += self.events.len() - self.cap;
        self.events.truncate(self.cap);
    }

    /// The kept events in time order; equal times keep the order they came in.
    fn finish(&mut self) -> Vec<Event> {
        self.shrink();
        self.events.sort_unstable_by_key(|(s, e)| (e.at, *s));
        std::mem::take(&mut self.events)
            .into_iter()
            .map(|(_, e)| e)
            .collect()
    }
}

fn is_problem(level: &str) -> bool {
    matches!(level, "ERROR" | "WARN" | "WARNING" | "CRITICAL" | "FATAL")
}

/// Searches the Tier 2 files (rotations and `.gz` included) with the log
/// engine of `talos log query`: in parallel, merged in time order, counting
/// malformed lines. Only the lines the timeline needs are copied.
fn scan_tier2(
    layout: &Layout,
    query: &crate::logs::Query,
    sources: &mut Vec<SourceRead>,
    mut on_kept: impl FnMut(Tier2),
) -> Result<(Tier2Scan, u64)> {
    use crate::logs;
    let files: Vec<logs::LogFile> = match logs::search_order(&layout.log_dir) {
        Ok(f) => f
            .into_iter()
            .filter(|f| f.tier == Some(logs::Tier::Ops))
            .collect(),
        Err(_) => Vec::new(),
    };
    let mut acc = Tier2Scan::default();
    let summary = logs::search(&files, query, &logs::SearchOptions::default(), |m| {
        let Some(r) = m.record() else {
            return std::ops::ControlFlow::Continue(());
        };
        let Some(at) = m.time else {
            acc.no_time += 1;
            return std::ops::ControlFlow::Continue(());
        };
        acc.lines += 1;
        *acc.per_file.entry(m.file).or_default() += 1;
        acc.first = acc.first.min(Some(at)).or(Some(at));
        acc.last = acc.last.max(Some(at));
        let level = r.level.as_deref().unwrap_or("?").to_uppercase();
        *acc.levels.entry(level.clone()).or_default() += 1;
        if let Some(c) = r.component.as_deref() {
            *acc.components.entry(c.to_string()).or_default() += 1;
        }
        if let Some(c) = r.error_code.as_deref() {
            *acc.codes.entry(c.to_string()).or_default() += 1;
            let e = acc.code_times.entry(c.to_string()).or_insert((at, at));
            e.0 = e.0.min(at);
            e.1 = e.1.max(at);
        }
        let message = r.message.as_deref().unwrap_or("");
        if is_problem(&level) || breaker_transition(message).is_some() {
            on_kept(Tier2 {
                at,
                file: files[m.file].path.clone(),
                offset: m.offset,
                level,
                component: r.component.as_deref().map(str::to_string),
                code: r.error_code.as_deref().map(str::to_string),
                message: message.to_string(),
                correlation_id: r.correlation_id.as_deref().map(str::to_string),
            });
        }
        std::ops::ControlFlow::Continue(())
    })?;
    for (i, f) in files.iter().enumerate() {
        let n = acc.per_file.get(&i).copied().unwrap_or(0);
        let unreadable = summary
            .unreadable
            .iter()
            .filter(|(p, _)| *p == f.path)
            .count();
        sources.push(SourceRead {
            file: f.path.clone(),
            lines: n,
            used: n,
            unreadable,
        });
    }
    Ok((acc, summary.malformed_total()))
}

/// Lines of a plain-text (or JSON-lines) log with their time, streamed
/// (each line capped at 1 MiB, a longer one unreadable): `each` gets the
/// line number, time, level, message and the line itself.
fn read_text_log(
    path: &Path,
    sources: &mut Vec<SourceRead>,
    mut each: impl FnMut(usize, Timestamp, Option<String>, String, &str),
) {
    let mut src = SourceRead {
        file: path.to_path_buf(),
        lines: 0,
        used: 0,
        unreadable: 0,
    };
    let mut seen = false;
    let read = logfiles::for_each_line(path, |n, line| {
        seen = true;
        if line.trim_ascii().is_empty() {
            return;
        }
        src.lines += 1;
        match std::str::from_utf8(line)
            .ok()
            .and_then(|l| logfiles::parse_text_line(l).map(|p| (l, p)))
        {
            Some((l, (t, level, msg))) => {
                src.used += 1;
                each(n, t, level, msg, l);
            }
            None => src.unreadable += 1,
        }
    });
    if read.is_ok() || seen {
        sources.push(src);
    }
}

/// A JSON-lines record without a `message` (talos's own restore.log:
/// `{"timestamp", "action", "operator", "archive", ...}`) as one line of
/// text: the action, then the other fields as `key=value`.
fn json_summary(raw: &str) -> Option<String> {
    let obj: serde_json::Map<String, Value> = serde_json::from_str(raw.trim()).ok()?;
    if let Some(m) = obj.get("message").and_then(Value::as_str) {
        return Some(m.to_string());
    }
    let head = ["action", "event", "event_type"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str))
        .unwrap_or("event");
    let mut out = head.to_string();
    for (k, v) in &obj {
        if matches!(
            k.as_str(),
            "timestamp" | "ts" | "time" | "action" | "event" | "event_type" | "level"
        ) || v.is_null()
        {
            continue;
        }
        let v = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out.push_str(&format!(" {k}={v}"));
    }
    if out.chars().count() > 400 {
        out = out.chars().take(400).collect::<String>() + "…";
    }
    Some(out)
}

/// One Tier 2 line worth an entry: into the timeline and the patterns.
fn tier2_event(
    l: Tier2,
    timeline: &mut Timeline,
    pattern_map: &mut BTreeMap<String, Pattern>,
    pattern_order: &mut Vec<String>,
    breaker_opens: &mut Vec<(String, Timestamp)>,
) {
    let transition = breaker_transition(&l.message);
    let problem = is_problem(&l.level);
    let kind = if let Some((name, to)) = &transition {
        if to == "open" {
            breaker_opens.push((name.clone(), l.at));
        }
        "breaker_transition"
    } else if l.level == "ERROR" || l.level == "CRITICAL" || l.level == "FATAL" {
        "error"
    } else {
        "warning"
    };
    timeline.push(Event {
        timestamp: format_ts(l.at),
        source: "tier2",
        kind,
        level: Some(l.level.clone()),
        component: l.component.clone(),
        code: l.code.clone(),
        message: l.message.clone(),
        correlation_id: l.correlation_id.clone(),
        file: l.file.clone(),
        line: None,
        offset: Some(l.offset),
        at: l.at,
    });
    if problem {
        let key = patterns::normalise(&l.message);
        let p = pattern_map.entry(key.clone()).or_insert_with(|| {
            pattern_order.push(key.clone());
            Pattern {
                pattern: key.clone(),
                count: 0,
                levels: Vec::new(),
                components: Vec::new(),
                codes: Vec::new(),
                first_seen: format_ts(l.at),
                last_seen: format_ts(l.at),
                example: l.message.clone(),
            }
        });
        p.count += 1;
        push_unique(&mut p.levels, &l.level);
        if let Some(c) = &l.component {
            push_unique(&mut p.components, c);
        }
        if let Some(c) = &l.code {
            push_unique(&mut p.codes, c);
        }
        let ts = format_ts(l.at);
        if ts < p.first_seen {
            p.first_seen = ts.clone();
        }
        if ts > p.last_seen {
            p.last_seen = ts;
        }
    }
}

fn in_window(t: Timestamp, since: Timestamp, until: Timestamp) -> bool {
    t >= since && t <= until
}

pub fn build(layout: &Layout, settings: &Settings, opts: &Options) -> Result<Report> {
    let now = crate::clock::now();
    // doctor's offline checks (all but its log scan: the logs are searched
    // here) run beside the reading of the evidence.
    let doctor = {
        let (layout, settings) = (layout.clone(), settings.clone());
        std::thread::spawn(move || doctor_lines(&layout, &settings))
    };
    let mut sources = Vec::new();

    // The window. With a correlation id and no explicit window, the id's
    // lines are taken whatever their time, and the window is their span.
    let explicit = opts.since.is_some() || opts.until.is_some();
    let mut until = opts.until.unwrap_or(now);
    let mut since = opts.since.unwrap_or_else(|| until - DEFAULT_WINDOW);
    let by_id_only = opts.correlation_id.is_some() && !explicit;
    let query = crate::logs::Query {
        correlation_id: opts.correlation_id.clone(),
        since: (!by_id_only).then_some(since),
        // The engine's `until` is exclusive; the window's is inclusive.
        until: (!by_id_only).then(|| until + SignedDuration::from_millis(1)),
        ..Default::default()
    };
    let mut timeline = Timeline::new(MAX_TIMELINE);
    let mut pattern_map: BTreeMap<String, Pattern> = BTreeMap::new();
    let mut pattern_order: Vec<String> = Vec::new();
    let mut breaker_opens: Vec<(String, Timestamp)> = Vec::new();

    let (t2, malformed) = scan_tier2(layout, &query, &mut sources, |l| {
        tier2_event(
            l,
            &mut timeline,
            &mut pattern_map,
            &mut pattern_order,
            &mut breaker_opens,
        )
    })?;
    if by_id_only && let (Some(first), Some(last)) = (t2.first, t2.last) {
        since = first - CORRELATION_PAD;
        until = last + CORRELATION_PAD;
    }

    let by_code = t2.codes.clone();
    let code_times = t2.code_times.clone();

    // block_events.log
    let mut implied: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let block_log = layout.block_events_log();
    read_text_log(&block_log, &mut sources, |line, at, _, _, raw| {
        if !in_window(at, since, until) {
            return;
        }
        let v: Value = serde_json::from_str(raw).unwrap_or(Value::Null);
        let dur = v.get("block_duration_seconds").and_then(Value::as_f64);
        let thr = v.get("threshold_seconds").and_then(Value::as_f64);
        let mut message = match dur {
            Some(d) => format!("Event loop blocked for {d} s"),
            None => "Event loop blocked".to_string(),
        };
        if let Some(t) = thr {
            message.push_str(&format!(" (threshold {t} s)"));
        }
        if let Some(tasks) = v.get("active_tasks").filter(|t| !t.is_null()) {
            let t = tasks.to_string();
            let t: String = t.chars().take(160).collect();
            message.push_str(&format!("; active tasks: {t}"));
        }
        implied
            .entry("T007".into())
            .or_default()
            .push(format!("block_events.log line {line}"));
        timeline.push(Event {
            timestamp: format_ts(at),
            source: "block_events",
            kind: "event_loop_block",
            level: Some("CRITICAL".into()),
            component: Some("watchdog".into()),
            code: Some("T007".into()),
            message,
            correlation_id: None,
            file: block_log.clone(),
            line: Some(line),
            offset: None,
            at,
        });
    });

    // panic.log and restore.log
    for (path, source, kind) in [
        (layout.panic_log(), "panic_log", "panic"),
        (layout.restore_log(), "restore_log", "restore"),
    ] {
        read_text_log(&path, &mut sources, |line, at, level, msg, raw| {
            if !in_window(at, since, until) {
                return;
            }
            let msg = json_summary(raw).unwrap_or(msg);
            timeline.push(Event {
                timestamp: format_ts(at),
                source,
                kind,
                level: level.map(|l| l.to_uppercase()),
                component: None,
                code: None,
                message: msg,
                correlation_id: None,
                file: path.clone(),
                line: Some(line),
                offset: None,
                at,
            });
        });
    }

    // The audit chain: every record in the window.
    let mut operator_actions: Vec<Event> = Vec::new();
    let mut operator_total = 0usize;
    let mut other_audit = 0usize;
    // One record at a time (the chain of a long-lived host holds millions,
    // and a busy window too): only the events the timeline lists are kept.
    let mut from_since = 0usize;
    let _ = crate::audit::query::for_each_since(&layout.audit_dir, Some(since), |rec| {
        match rec.timestamp.parse::<Timestamp>() {
            Ok(t) if t >= since => from_since += 1,
            _ => return,
        }
        let Some(at) = logfiles::parse_ts(&rec.timestamp) else {
            return;
        };
        if !in_window(at, since, until) {
            return;
        }
        // Breaker records: talos-sim's `circuit_breaker_transition`
        // {name, from, to}, or `circuit_breaker_open` / `_close` {breaker}.
        let is_transition = rec.action.starts_with("circuit_breaker");
        let operator = rec.actor.starts_with("operator:");
        let system = rec.actor.starts_with("system:") || rec.actor.starts_with("daemon");
        if !(is_transition || operator || system) {
            // Users' own actions (login, task_submit...) are counted, not listed.
            other_audit += 1;
            return;
        }
        let message = if is_transition {
            let d = &rec.details;
            let s = |k: &str| d.get(k).and_then(Value::as_str).map(str::to_string);
            let name = s("name")
                .or_else(|| s("breaker"))
                .unwrap_or_else(|| "?".into());
            let to = s("to").unwrap_or_else(|| {
                match rec
                    .action
                    .trim_start_matches("circuit_breaker")
                    .trim_start_matches('_')
                {
                    "open" | "opened" => "open".into(),
                    "close" | "closed" => "closed".into(),
                    "half_open" => "half_open".into(),
                    other => other.to_string(),
                }
            });
            if to == "open" {
                breaker_opens.push((name.clone(), at));
            }
            let from = s("from").map(|f| format!("{f} ")).unwrap_or_default();
            format!(
                "Circuit breaker {name} {from}-> {to} (audit seq {}, {})",
                rec.seq, rec.actor
            )
        } else {
            let mut d = rec.details.to_string();
            if d.chars().count() > 240 {
                d = d.chars().take(240).collect::<String>() + "…";
            }
            format!("{} {} {d} (audit seq {})", rec.actor, rec.action, rec.seq)
        };
        let ev = Event {
            timestamp: format_ts(at),
            source: "audit",
            kind: if is_transition {
                "breaker_transition"
            } else if operator {
                "operator_action"
            } else {
                "audit"
            },
            level: None,
            component: None,
            code: None,
            message,
            correlation_id: None,
            file: layout.audit_dir.clone(),
            line: None,
            offset: None,
            at,
        };
        if operator {
            operator_total += 1;
            operator_actions.push(ev.clone());
            if operator_actions.len() >= 2 * MAX_TIMELINE {
                operator_actions.drain(..MAX_TIMELINE);
            }
        }
        timeline.push(ev);
    });
    sources.push(SourceRead {
        file: layout.audit_dir.clone(),
        lines: from_since,
        used: from_since,
        unreadable: 0,
    });

    // circuit_breakers.json: an open breaker's opened_at, unless a logged
    // transition already says so.
    let breakers = crate::breakers::BreakerFile::load(&layout.breakers_file())
        .map(|f| f.list())
        .unwrap_or_default();
    for b in &breakers {
        if !b.is_open() {
            continue;
        }
        implied
            .entry("T010".into())
            .or_default()
            .push(format!("breaker {} is {}", b.name, b.state));
        let Some(at) = b.opened_at.as_deref().and_then(logfiles::parse_ts) else {
            continue;
        };
        if !in_window(at, since, until) {
            continue;
        }
        let logged = breaker_opens.iter().any(|(n, t)| {
            *n == b.name && t.duration_since(at).abs() <= SignedDuration::from_secs(2)
        });
        if logged {
            continue;
        }
        timeline.push(Event {
            timestamp: format_ts(at),
            source: "breakers",
            kind: "breaker_transition",
            level: None,
            component: None,
            code: Some("T010".into()),
            message: format!(
                "Circuit breaker {} opened ({} failure(s); state now {})",
                b.name,
                b.failure_count
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "?".into()),
                b.state
            ),
            correlation_id: None,
            file: layout.breakers_file(),
            line: None,
            offset: None,
            at,
        });
    }

    // Time order; equal times keep source order (logs before the audit).
    let events = timeline.finish();
    let (timeline_events, timeline_omitted) = (timeline.total, timeline.omitted);
    let first_error = timeline.first_error.take();
    let last_error = timeline.last_error.take();
    let affected: Vec<String> = std::mem::take(&mut timeline.affected).into_iter().collect();
    operator_actions.sort_by_key(|e| e.at);
    let operator_omitted = operator_actions.len().saturating_sub(MAX_TIMELINE);
    operator_actions.drain(..operator_omitted);
    let operator_omitted = operator_total - operator_actions.len();
    let duration = match (&first_error, &last_error) {
        (Some(a), Some(b)) => Some(b.0.duration_since(a.0).as_secs()),
        _ => None,
    };
    let summary = Summary {
        tier2_lines: t2.lines,
        malformed_lines: malformed as usize,
        by_level: t2.levels.clone(),
        by_component: t2.components.clone(),
        by_code: by_code.clone(),
        affected_components: affected.clone(),
        first_error: first_error.map(|e| e.2),
        last_error: last_error.map(|e| e.2),
        duration_ms: duration.map(|s| s * 1000),
        duration: duration.map(crate::units::human_duration),
        timeline_events,
        timeline_omitted,
        operator_actions: operator_total,
        operator_actions_omitted: operator_omitted,
        other_audit_records: other_audit,
    };

    // Error codes: counted in Tier 2, or implied by other evidence.
    let mut all_codes: Vec<String> = by_code.keys().cloned().collect();
    for c in implied.keys() {
        push_unique(&mut all_codes, c);
    }
    all_codes.sort();
    let error_codes = all_codes
        .into_iter()
        .map(|c| {
            let info = codes::lookup(&c);
            let times = code_times.get(&c);
            CodeSeen {
                count: by_code.get(&c).copied().unwrap_or(0),
                implied_by: implied.get(&c).cloned().unwrap_or_default(),
                first_seen: times.map(|t| format_ts(t.0)),
                last_seen: times.map(|t| format_ts(t.1)),
                description: info.as_ref().map(|i| i.description.to_string()),
                response: info.as_ref().map(|i| i.response.to_string()),
                procedure: info.as_ref().and_then(|i| i.procedure),
                code: c,
            }
        })
        .collect();

    let mut patterns: Vec<Pattern> = pattern_order
        .into_iter()
        .filter_map(|k| pattern_map.remove(&k))
        .collect();
    patterns.sort_by(|a, b| b.count.cmp(&a.count).then(a.first_seen.cmp(&b.first_seen)));

    let doctor = doctor
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p));
    let state_now = state_now(layout, settings, now, &breakers, doctor);
    let to_fill = to_fill(&summary, &operator_actions, &state_now);
    let title = match &opts.correlation_id {
        Some(id) => format!("Incident report: correlation id {id}"),
        None => format!(
            "Incident report: {} to {}",
            format_ts(since),
            format_ts(until)
        ),
    };
    Ok(Report {
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
        timeline: events,
        error_codes,
        patterns,
        operator_actions,
        state_now,
        to_fill,
        sources,
    })
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

/// doctor's problems. The log lines are searched by the report; doctor need
/// not read them again.
fn doctor_lines(layout: &Layout, settings: &Settings) -> Vec<DoctorLine> {
    crate::doctor::run_with(layout, settings, false)
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

fn state_now(
    layout: &Layout,
    settings: &Settings,
    now: Timestamp,
    breakers: &[crate::breakers::Breaker],
    doctor: Vec<DoctorLine>,
) -> StateNow {
    use crate::health;
    let mut checks = BTreeMap::new();
    checks.insert(
        "orchestrator".to_string(),
        health::heartbeat_check(&layout.heartbeat(), now),
    );
    checks.insert(
        "database".to_string(),
        health::database_check(&layout.db, true, std::time::Duration::from_secs(2)),
    );
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
    let pending_recovery = std::fs::read_to_string(layout.emergency_state())
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .filter(|v| v.get("recovery_available").and_then(Value::as_bool) == Some(true))
        // A postmortem is widely shared: never copy the daemon's recovery token into it.
        .map(|mut v| {
            crate::emergency::state::redact_secrets(&mut v);
            v
        });
    StateNow {
        health: overall.as_str().to_string(),
        health_checks: checks,
        daemon,
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
        pending_recovery,
        unfinished_restore: layout.data_dir.join("restore.journal").exists(),
        doctor,
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
