//! One request's lines as a tree of operations: the root id `X`, its child
//! operations `X:a`, `X:a:b` (docs/format.md), and operations of another id
//! whose `context.parent_correlation_id` is `X`. Within an operation the
//! steps keep their time order and are indented by `context.call_depth`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::codes;
use super::record::Record;

/// A whole trace.
#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    pub correlation_id: String,
    pub lines: usize,
    pub operations: usize,
    pub errors: usize,
    #[serde(rename = "start_at")]
    pub start: Option<String>,
    #[serde(rename = "end_at")]
    pub end: Option<String>,
    #[serde(serialize_with = "whole_ms")]
    pub duration_ms: Option<f64>,
    /// The step that took longest (by `metadata.duration_ms`, else
    /// `trace.exit_time - trace.entry_time`).
    pub slowest: Option<Step>,
    pub root: Span,
}

/// A duration talos computed, as whole milliseconds (docs/format.md §7);
/// a step's own `duration_ms` is the log line's value and stays as it was.
fn whole_ms<S: serde::Serializer>(v: &Option<f64>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(d) if d.is_finite() => s.serialize_some(&(d.round() as i64)),
        _ => s.serialize_none(),
    }
}

/// One operation: the lines of one correlation id, and its sub-operations.
#[derive(Debug, Clone, Serialize)]
pub struct Span {
    pub correlation_id: String,
    #[serde(rename = "start_at")]
    pub start: Option<String>,
    #[serde(rename = "end_at")]
    pub end: Option<String>,
    /// From the first to the last line of the operation and its children.
    #[serde(serialize_with = "whole_ms")]
    pub duration_ms: Option<f64>,
    pub errors: usize,
    pub steps: Vec<Step>,
    pub children: Vec<Span>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub timestamp: Option<String>,
    pub level: Option<String>,
    pub component: Option<String>,
    pub message: Option<String>,
    pub correlation_id: Option<String>,
    pub call_depth: Option<i64>,
    pub function: Option<String>,
    pub duration_ms: Option<f64>,
    pub error: bool,
    pub code: Option<String>,
    /// docs/runbook.md: what the code means and the runbook response.
    pub code_meaning: Option<String>,
    pub code_response: Option<String>,
    pub slowest: bool,
}

impl Step {
    fn from(r: &Record<'_>) -> Step {
        let s = |c: &Option<std::borrow::Cow<'_, str>>| c.as_deref().map(str::to_string);
        let meaning = r.error_code.as_deref().and_then(codes::lookup);
        Step {
            timestamp: s(&r.timestamp),
            level: s(&r.level),
            component: s(&r.component),
            message: s(&r.message),
            correlation_id: s(&r.correlation_id),
            call_depth: r.call_depth,
            function: s(&r.function_name),
            duration_ms: r.duration(),
            error: r.is_error(),
            code: s(&r.error_code),
            code_meaning: meaning.map(|m| m.0.to_string()),
            code_response: meaning.map(|m| m.1.to_string()),
            slowest: false,
        }
    }
}

/// Builds the tree of `id` from its records, given in time order.
pub fn build(id: &str, records: &[Record<'_>]) -> Trace {
    // Steps grouped by the operation they belong to.
    let mut groups: BTreeMap<String, Vec<Step>> = BTreeMap::new();
    groups.insert(id.to_string(), Vec::new());
    for r in records {
        let op = match r.correlation_id.as_deref() {
            Some(c) if c == id || c.starts_with(&format!("{id}:")) => c.to_string(),
            Some(c) if !c.is_empty() => {
                // Another id whose parent is `id`: a child of the root.
                c.to_string()
            }
            _ => id.to_string(),
        };
        groups.entry(op).or_default().push(Step::from(r));
    }
    // Missing intermediate operations (`X:a` when only `X:a:b` logged).
    let names: Vec<String> = groups.keys().cloned().collect();
    for name in names {
        let mut cur = name.as_str();
        while let Some(parent) = parent_of(id, cur) {
            groups.entry(parent.to_string()).or_default();
            cur = parent;
        }
    }
    // Mark the slowest step.
    let mut slowest: Option<(f64, String, usize)> = None;
    for (name, steps) in &groups {
        for (i, s) in steps.iter().enumerate() {
            if let Some(d) = s.duration_ms
                && slowest.as_ref().is_none_or(|(best, _, _)| d > *best)
            {
                slowest = Some((d, name.clone(), i));
            }
        }
    }
    let mut slowest_step = None;
    if let Some((_, name, i)) = &slowest
        && let Some(step) = groups.get_mut(name).and_then(|v| v.get_mut(*i))
    {
        step.slowest = true;
        slowest_step = Some(step.clone());
    }
    let operations = groups.len();
    let root = assemble(id, id, &mut groups);
    Trace {
        correlation_id: id.to_string(),
        lines: records.len(),
        operations,
        errors: root.errors,
        start: root.start.clone(),
        end: root.end.clone(),
        duration_ms: root.duration_ms,
        slowest: slowest_step,
        root,
    }
}

/// `X:a:b` → `X:a`; `X:a` → `X`; another id → `X`; `X` → None.
fn parent_of<'a>(root: &'a str, op: &'a str) -> Option<&'a str> {
    if op == root {
        return None;
    }
    if op.starts_with(root) && op[root.len()..].starts_with(':') {
        return op.rfind(':').map(|i| &op[..i]);
    }
    Some(root)
}

fn assemble(root: &str, name: &str, groups: &mut BTreeMap<String, Vec<Step>>) -> Span {
    let steps = groups.remove(name).unwrap_or_default();
    let child_names: Vec<String> = groups
        .keys()
        .filter(|k| parent_of(root, k) == Some(name))
        .cloned()
        .collect();
    let mut children: Vec<Span> = child_names
        .iter()
        .map(|c| assemble(root, c, groups))
        .collect();
    children.sort_by(|a, b| a.start.cmp(&b.start));
    let times = steps
        .iter()
        .filter_map(|s| s.timestamp.clone())
        .chain(children.iter().filter_map(|c| c.start.clone()))
        .chain(children.iter().filter_map(|c| c.end.clone()));
    let mut start: Option<(jiff::Timestamp, String)> = None;
    let mut end: Option<(jiff::Timestamp, String)> = None;
    for t in times {
        if let Some(ts) = super::record::parse_ts(&t) {
            if start.as_ref().is_none_or(|s| ts < s.0) {
                start = Some((ts, t.clone()));
            }
            if end.as_ref().is_none_or(|e| ts > e.0) {
                end = Some((ts, t));
            }
        }
    }
    let mut duration_ms = match (&start, &end) {
        (Some(s), Some(e)) => Some(e.0.duration_since(s.0).as_nanos() as f64 / 1e6),
        _ => None,
    };
    // A single-line operation that says how long it took.
    if duration_ms.is_none_or(|d| d == 0.0)
        && let Some(d) = steps.iter().filter_map(|s| s.duration_ms).reduce(f64::max)
    {
        duration_ms = Some(d);
    }
    let errors =
        steps.iter().filter(|s| s.error).count() + children.iter().map(|c| c.errors).sum::<usize>();
    Span {
        correlation_id: name.to_string(),
        start: start.map(|s| s.1),
        end: end.map(|e| e.1),
        duration_ms,
        errors,
        steps,
        children,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(line: &str) -> Record<'static> {
        Record::parse(line.as_bytes()).unwrap().into_owned()
    }

    #[test]
    fn tree_of_children_and_parents() {
        let recs = vec![
            rec(
                r#"{"timestamp":"2024-01-15T08:00:00.000Z","level":"INFO","correlation_id":"aa","message":"start","context":{"call_depth":0}}"#,
            ),
            rec(
                r#"{"timestamp":"2024-01-15T08:00:00.100Z","level":"DEBUG","correlation_id":"aa:db:q","message":"query","metadata":{"duration_ms":90}}"#,
            ),
            rec(
                r#"{"timestamp":"2024-01-15T08:00:00.200Z","level":"ERROR","correlation_id":"bb","message":"llm","context":{"parent_correlation_id":"aa"},"error":{"code":"T003"}}"#,
            ),
            rec(
                r#"{"timestamp":"2024-01-15T08:00:01.000Z","level":"INFO","correlation_id":"aa","message":"done","metadata":{"duration_ms":1000}}"#,
            ),
        ];
        let t = build("aa", &recs);
        assert_eq!(t.lines, 4);
        assert_eq!(t.errors, 1);
        assert_eq!(t.operations, 4); // aa, aa:db, aa:db:q, bb
        assert_eq!(t.duration_ms, Some(1000.0));
        assert_eq!(t.slowest.as_ref().unwrap().message.as_deref(), Some("done"));
        let kids: Vec<&str> = t
            .root
            .children
            .iter()
            .map(|c| c.correlation_id.as_str())
            .collect();
        assert_eq!(kids, ["aa:db", "bb"]);
        assert_eq!(t.root.children[0].children[0].correlation_id, "aa:db:q");
        assert_eq!(
            t.root.children[1].steps[0].code_response.as_deref(),
            Some("Verify API key")
        );
    }
}
