//! The evidence besides Tier 2, each read as a stream into the timeline:
//! `block_events.log`, `panic.log`, `restore.log`, the audit chain (from
//! the first file that may hold a record of the window) and
//! `circuit_breakers.json`.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use super::timeline::Timeline;
use super::{Event, MAX_TIMELINE, SourceRead};
use crate::install::Layout;
use crate::logfiles;
use crate::timespec::format_ts;

/// Codes implied by evidence other than a Tier 2 line, with that evidence.
pub(super) type Implied = BTreeMap<String, Vec<String>>;

/// The window, both ends included.
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    pub since: Timestamp,
    pub until: Timestamp,
}

impl Window {
    pub fn contains(&self, t: Timestamp) -> bool {
        t >= self.since && t <= self.until
    }
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

/// `block_events.log`: each block of the event loop is a T007.
pub(super) fn block_events(
    layout: &Layout,
    w: Window,
    timeline: &mut Timeline,
    implied: &mut Implied,
    sources: &mut Vec<SourceRead>,
) {
    let block_log = layout.block_events_log();
    read_text_log(&block_log, sources, |line, at, _, _, raw| {
        if !w.contains(at) {
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
}

/// `panic.log` and `restore.log`.
pub(super) fn panic_and_restore_logs(
    layout: &Layout,
    w: Window,
    timeline: &mut Timeline,
    sources: &mut Vec<SourceRead>,
) {
    for (path, source, kind) in [
        (layout.panic_log(), "panic_log", "panic"),
        (layout.restore_log(), "restore_log", "restore"),
    ] {
        read_text_log(&path, sources, |line, at, level, msg, raw| {
            if !w.contains(at) {
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
}

/// What the audit chain adds besides timeline events.
#[derive(Default)]
pub(super) struct AuditSeen {
    /// The newest operator actions (at most [`MAX_TIMELINE`]), in time order.
    pub operator_actions: Vec<Event>,
    pub operator_total: usize,
    /// Users' own records (login, task_submit...): counted, not listed.
    pub other: usize,
}

/// The audit chain: every record in the window, one at a time (the chain
/// of a long-lived host holds millions, and a busy window too); files that
/// end before the window are not read (`audit::query::for_each_since`).
pub(super) fn audit(
    layout: &Layout,
    w: Window,
    timeline: &mut Timeline,
    breaker_opens: &mut Vec<(String, Timestamp)>,
    sources: &mut Vec<SourceRead>,
) -> AuditSeen {
    let mut seen = AuditSeen::default();
    let mut from_since = 0usize;
    let _ = crate::audit::query::for_each_since(&layout.audit_dir, Some(w.since), |rec| {
        match rec.timestamp.parse::<Timestamp>() {
            Ok(t) if t >= w.since => from_since += 1,
            _ => return,
        }
        let Some(at) = logfiles::parse_ts(&rec.timestamp) else {
            return;
        };
        if !w.contains(at) {
            return;
        }
        // Breaker records: talos-sim's `circuit_breaker_transition`
        // {name, from, to}, or `circuit_breaker_open` / `_close` {breaker}.
        let is_transition = rec.action.starts_with("circuit_breaker");
        let operator = rec.actor.starts_with("operator:");
        let system = rec.actor.starts_with("system:") || rec.actor.starts_with("daemon");
        if !(is_transition || operator || system) {
            seen.other += 1;
            return;
        }
        let message = if is_transition {
            let (message, opened) = breaker_record(&rec);
            if let Some(name) = opened {
                breaker_opens.push((name, at));
            }
            message
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
            seen.operator_total += 1;
            seen.operator_actions.push(ev.clone());
            if seen.operator_actions.len() >= 2 * MAX_TIMELINE {
                seen.operator_actions.drain(..MAX_TIMELINE);
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
    seen.operator_actions.sort_by_key(|e| e.at);
    let omitted = seen.operator_actions.len().saturating_sub(MAX_TIMELINE);
    seen.operator_actions.drain(..omitted);
    seen
}

/// A breaker record's timeline message, and the breaker's name when it
/// opened.
fn breaker_record(rec: &crate::audit::Record) -> (String, Option<String>) {
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
    let from = s("from").map(|f| format!("{f} ")).unwrap_or_default();
    let message = format!(
        "Circuit breaker {name} {from}-> {to} (audit seq {}, {})",
        rec.seq, rec.actor
    );
    (message, (to == "open").then_some(name))
}

/// `circuit_breakers.json`: an open breaker implies T010, and its
/// `opened_at` is an event unless a logged transition already says so.
pub(super) fn breaker_file(
    layout: &Layout,
    w: Window,
    breakers: &[crate::breakers::Breaker],
    breaker_opens: &[(String, Timestamp)],
    timeline: &mut Timeline,
    implied: &mut Implied,
) {
    for b in breakers {
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
        if !w.contains(at) {
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
}
