//! The report as Markdown (CommonMark with GFM tables). Every piece of text
//! that comes from the evidence is escaped, so a `|` in a log message cannot
//! break a table and a `<n>` placeholder is not swallowed as an HTML tag.

use std::fmt::Write;

use super::Report;

/// Rows of the Markdown timeline; the JSON has every event.
pub const MAX_TIMELINE_ROWS: usize = 1000;

/// Escapes text for a Markdown paragraph or table cell.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '<' | '>' | '|' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Escapes talos's own advice: like `text`, but its `code spans` stay.
pub fn advice(s: &str) -> String {
    text(s).replace("\\`", "`")
}

/// A code span for a table cell: backticks chosen so the content cannot
/// close it, and `|` escaped (GFM splits cells before it parses spans).
pub fn code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ").replace('|', "\\|");
    let mut fence = "`".to_string();
    while s.contains(fence.as_str()) {
        fence.push('`');
    }
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map(text).unwrap_or_else(|| "-".into())
}

pub fn render(r: &Report) -> String {
    let mut m = String::new();
    header(&mut m, r);
    summary(&mut m, r);
    timeline(&mut m, r);
    error_codes(&mut m, r);
    patterns(&mut m, r);
    operator_actions(&mut m, r);
    state_now(&mut m, r);
    postmortem(&mut m, r);
    evidence(&mut m, r);
    m
}

/// The title and the table of what the report is about.
fn header(m: &mut String, r: &Report) {
    let h = &r.header;
    let _ = writeln!(m, "# {}\n", text(&h.title));
    let _ = writeln!(m, "| | |\n|---|---|");
    let _ = writeln!(m, "| Host | {} |", text(&h.host));
    let _ = writeln!(
        m,
        "| Installation root | {} |",
        code(&h.root.display().to_string())
    );
    let _ = writeln!(
        m,
        "| Window | {} to {} (UTC) |",
        h.window_start, h.window_end
    );
    if let Some(id) = &h.correlation_id {
        let _ = writeln!(m, "| Correlation id | {} |", code(id));
    }
    let _ = writeln!(
        m,
        "| Generated | {} by talos {} |",
        h.generated_at,
        text(&h.talos_version)
    );
    let _ = writeln!(
        m,
        "| Status | DRAFT: the sections at the end are for a person to write |\n"
    );
}

/// The figures of the window.
fn summary(m: &mut String, r: &Report) {
    let s = &r.summary;
    let _ = writeln!(m, "## Summary\n");
    let _ = writeln!(
        m,
        "- Tier 2 lines in the window: {} ({} malformed line(s) skipped)",
        s.tier2_lines, s.malformed_lines
    );
    let counts = |map: &std::collections::BTreeMap<String, usize>| {
        if map.is_empty() {
            "none".to_string()
        } else {
            map.iter()
                .map(|(k, v)| format!("{} {v}", text(k)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let _ = writeln!(m, "- By level: {}", counts(&s.by_level));
    let _ = writeln!(m, "- By component: {}", counts(&s.by_component));
    let _ = writeln!(m, "- By error code: {}", counts(&s.by_code));
    let _ = writeln!(
        m,
        "- Affected components: {}",
        if s.affected_components.is_empty() {
            "none".to_string()
        } else {
            text(&s.affected_components.join(", "))
        }
    );
    for (label, e) in [
        ("First error", &s.first_error),
        ("Last error", &s.last_error),
    ] {
        match e {
            Some(e) => {
                let mut who = String::new();
                if let Some(c) = &e.component {
                    who.push(' ');
                    who.push_str(&text(c));
                }
                if let Some(c) = &e.code {
                    let _ = write!(who, " ({c})");
                }
                let _ = writeln!(m, "- {label}: {}{who}: {}", e.timestamp, text(&e.message));
            }
            None => {
                let _ = writeln!(m, "- {label}: none");
            }
        }
    }
    let _ = writeln!(
        m,
        "- Duration (first to last error): {}",
        s.duration.as_deref().unwrap_or("-")
    );
    let _ = writeln!(
        m,
        "- Timeline: {} event(s), {} operator action(s); {} user audit record(s) counted, not listed{}",
        s.timeline_events,
        s.operator_actions,
        s.other_audit_records,
        if s.timeline_omitted + s.operator_actions_omitted == 0 {
            "\n"
        } else {
            ""
        }
    );
    if s.timeline_omitted + s.operator_actions_omitted > 0 {
        let _ = writeln!(
            m,
            "- Left out: {} timeline event(s) and {} operator action(s); the report keeps the {} most relevant, newest (errors, blocks, panics, breakers and operator actions before warnings and other audit records)\n",
            s.timeline_omitted,
            s.operator_actions_omitted,
            super::MAX_TIMELINE
        );
    }
}

/// The timeline, similar consecutive events as one row.
fn timeline(m: &mut String, r: &Report) {
    let _ = writeln!(m, "## Timeline\n");
    if r.timeline.is_empty() {
        let _ = writeln!(m, "No events in the window.\n");
    } else {
        let _ = writeln!(
            m,
            "| Time (UTC) | Source | Kind | Level | Component | Code | Event |"
        );
        let _ = writeln!(m, "|---|---|---|---|---|---|---|");
        // Consecutive events that differ only in their ids and numbers are
        // one row here ("×N until T"); the JSON keeps every event.
        let mut rows = 0;
        let mut i = 0;
        while i < r.timeline.len() {
            let e = &r.timeline[i];
            let key = |x: &super::Event| {
                (
                    x.source,
                    x.kind,
                    x.level.clone(),
                    x.code.clone(),
                    super::patterns::normalise(&x.message),
                )
            };
            let k = key(e);
            let mut j = i + 1;
            while j < r.timeline.len() && key(&r.timeline[j]) == k {
                j += 1;
            }
            let mut msg = text(&e.message);
            if j - i > 1 {
                let _ = write!(
                    msg,
                    " (×{} until {}, similar)",
                    j - i,
                    r.timeline[j - 1].timestamp
                );
            }
            if rows < MAX_TIMELINE_ROWS {
                let _ = writeln!(
                    m,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    e.timestamp,
                    e.source,
                    e.kind.replace('_', " "),
                    opt(&e.level),
                    opt(&e.component),
                    opt(&e.code),
                    msg
                );
            }
            rows += 1;
            i = j;
        }
        m.push('\n');
        if rows > MAX_TIMELINE_ROWS {
            let _ = writeln!(
                m,
                "_{} more row(s) not shown: narrow the window with --since/--until, or use --format json for every event._\n",
                rows - MAX_TIMELINE_ROWS
            );
        }
    }
}

/// The error codes with their runbook response and procedures.
fn error_codes(m: &mut String, r: &Report) {
    let _ = writeln!(m, "## Error codes\n");
    if r.error_codes.is_empty() {
        let _ = writeln!(m, "No error codes in the window.\n");
    } else {
        let _ = writeln!(
            m,
            "| Code | Count | Meaning | Runbook response | Procedure |"
        );
        let _ = writeln!(m, "|---|---|---|---|---|");
        for c in &r.error_codes {
            let count = if c.implied_by.is_empty() {
                c.count.to_string()
            } else {
                format!("{} (+ {})", c.count, text(&c.implied_by.join("; ")))
            };
            let _ = writeln!(
                m,
                "| {} | {count} | {} | {} | {} |",
                text(&c.code),
                opt(&c.description),
                opt(&c.response),
                c.procedure
                    .map(|p| format!("{} {}", p.id, p.title))
                    .unwrap_or_else(|| "-".into())
            );
        }
        m.push('\n');
        let mut seen = Vec::new();
        for p in r.error_codes.iter().filter_map(|c| c.procedure) {
            if seen.contains(&p.id) {
                continue;
            }
            seen.push(p.id);
            let _ = writeln!(
                m,
                "- **{} {}** (docs/runbook.md): {}",
                p.id, p.title, p.steps
            );
        }
        if !seen.is_empty() {
            m.push('\n');
        }
    }
}

/// Errors and warnings grouped by message.
fn patterns(m: &mut String, r: &Report) {
    let _ = writeln!(m, "## Patterns\n");
    if r.patterns.is_empty() {
        let _ = writeln!(m, "No errors or warnings to group.\n");
    } else {
        let _ = writeln!(
            m,
            "| Count | Pattern | Level | Components | Codes | First seen | Last seen |"
        );
        let _ = writeln!(m, "|---|---|---|---|---|---|---|");
        for p in &r.patterns {
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} | {} | {} | {} |",
                p.count,
                code(&p.pattern),
                text(&p.levels.join(", ")),
                text(&p.components.join(", ")),
                text(&p.codes.join(", ")),
                p.first_seen,
                p.last_seen
            );
        }
        m.push('\n');
    }
}

/// The operator actions of the audit chain.
fn operator_actions(m: &mut String, r: &Report) {
    let _ = writeln!(m, "## Operator actions\n");
    if r.operator_actions.is_empty() {
        let _ = writeln!(
            m,
            "No operator action in the audit chain during the window.\n"
        );
    } else {
        for a in &r.operator_actions {
            let _ = writeln!(m, "- {}: {}", a.timestamp, text(&a.message));
        }
        m.push('\n');
    }
}

/// Health, breakers, pending recovery and doctor now.
fn state_now(m: &mut String, r: &Report) {
    let st = &r.state_now;
    let _ = writeln!(m, "## State now\n");
    let _ = writeln!(m, "- Daemon: {}", text(&st.daemon));
    let _ = writeln!(m, "- Health (from files): **{}**", st.health);
    for (name, c) in &st.health_checks {
        let status = c.get("status").and_then(|v| v.as_str()).unwrap_or("?");
        let msg = c.get("message").and_then(|v| v.as_str()).unwrap_or("");
        let _ = writeln!(m, "  - {name}: {status}: {}", text(msg));
    }
    if st.open_breakers.is_empty() {
        let _ = writeln!(m, "- Open circuit breakers: none");
    } else {
        for b in &st.open_breakers {
            let _ = writeln!(
                m,
                "- Open circuit breaker: {} ({}, {} failure(s), opened {}); `talos breaker reset {}` after the cause is fixed",
                text(&b.name),
                text(&b.state),
                b.failure_count
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "?".into()),
                b.opened_at
                    .as_deref()
                    .map(text)
                    .unwrap_or_else(|| "?".into()),
                text(&b.name)
            );
        }
    }
    match &st.pending_recovery {
        Some(v) => {
            let g = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("?").to_string();
            let _ = writeln!(
                m,
                "- Pending emergency recovery: panic at {} ({}); `talos recover`",
                text(&g("panic_timestamp")),
                text(&g("reason"))
            );
        }
        None => {
            let _ = writeln!(m, "- Pending emergency recovery: none");
        }
    }
    let _ = writeln!(
        m,
        "- Unfinished restore: {}",
        if st.unfinished_restore {
            "yes (DATA\\_DIR/restore.journal); see `talos doctor`"
        } else {
            "no"
        }
    );
    if !st.doctor.is_empty() {
        let _ = writeln!(m, "- `talos doctor` findings:");
        for d in &st.doctor {
            let _ = writeln!(
                m,
                "  - {} {}: {}{}",
                d.severity,
                d.check,
                text(&d.title),
                d.fix
                    .as_deref()
                    .map(|f| format!(". Fix: {}", advice(f)))
                    .unwrap_or_default()
            );
        }
    }
    m.push('\n');
}

/// The sections a person fills in.
fn postmortem(m: &mut String, r: &Report) {
    let _ = writeln!(m, "## Postmortem (to fill in)\n");
    for f in &r.to_fill {
        let _ = writeln!(m, "### {}\n", f.section);
        let _ = writeln!(m, "_{}_\n", text(f.prompt));
        if f.section == "Recovery verification" {
            for d in &f.draft {
                let _ = writeln!(m, "- [ ] {d}");
            }
            m.push('\n');
        } else if f.section == "Prevention" {
            let _ = writeln!(
                m,
                "| Action | Type | Owner | Issue |\n|---|---|---|---|\n| | | | |\n"
            );
        } else if f.draft.is_empty() {
            let _ = writeln!(m, "TODO\n");
        } else {
            for d in &f.draft {
                let _ = writeln!(m, "- {}", text(d));
            }
            m.push('\n');
        }
    }
}

/// The files read.
fn evidence(m: &mut String, r: &Report) {
    let _ = writeln!(m, "## Evidence read\n");
    for src in &r.sources {
        let _ = writeln!(
            m,
            "- {}: {} line(s), {} used, {} unreadable",
            code(&src.file.display().to_string()),
            src.lines,
            src.used,
            src.unreadable
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(text("a|b <n> *x*"), "a\\|b \\<n\\> \\*x\\*");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x `y` z"), "``x `y` z``");
        assert_eq!(code("`y`"), "`` `y` ``");
    }
}
