//! Counts over the logs: by level, component and error code, errors per
//! hour, and the slowest operations by `metadata.duration_ms`. Each unit of
//! work keeps its own counts and a short top list, so memory does not grow
//! with the input.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;

use super::codes;
use super::record::Record;
use super::search::Summary;

/// How many slow operations are kept.
pub const SLOWEST: usize = 10;

#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub lines: u64,
    pub by_level: BTreeMap<String, u64>,
    pub by_component: BTreeMap<String, u64>,
    pub by_code: BTreeMap<String, u64>,
    /// ERROR lines per hour, keyed by the hour's start (seconds since the epoch).
    pub errors_per_hour: BTreeMap<i64, u64>,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    /// Slowest first.
    pub slowest: Vec<Slow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Slow {
    pub duration_ms: f64,
    pub timestamp: Option<String>,
    pub component: Option<String>,
    pub correlation_id: Option<String>,
    pub message: Option<String>,
}

impl Stats {
    /// Counts one record.
    pub fn add(&mut self, r: &Record<'_>, time: Option<Timestamp>) {
        self.lines += 1;
        let key =
            |c: &Option<std::borrow::Cow<'_, str>>| c.as_deref().unwrap_or("(none)").to_string();
        bump(
            &mut self.by_level,
            r.level
                .as_deref()
                .map(str::to_ascii_uppercase)
                .unwrap_or_else(|| "(none)".into()),
        );
        bump(&mut self.by_component, key(&r.component));
        if let Some(code) = r.error_code.as_deref() {
            bump(&mut self.by_code, code.to_ascii_uppercase());
        }
        if let Some(t) = time {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
            if r.is_error() {
                *self
                    .errors_per_hour
                    .entry(t.as_second().div_euclid(3600) * 3600)
                    .or_default() += 1;
            }
        }
        if let Some(d) = r.duration_ms.filter(|d| d.is_finite())
            && (self.slowest.len() < SLOWEST
                || self.slowest.last().is_some_and(|s| d > s.duration_ms))
        {
            let s = |c: &Option<std::borrow::Cow<'_, str>>| c.as_deref().map(str::to_string);
            self.slowest.push(Slow {
                duration_ms: d,
                timestamp: s(&r.timestamp),
                component: s(&r.component),
                correlation_id: s(&r.correlation_id),
                message: s(&r.message),
            });
            self.slowest
                .sort_by(|a, b| b.duration_ms.total_cmp(&a.duration_ms));
            self.slowest.truncate(SLOWEST);
        }
    }

    /// Adds another unit's counts.
    pub fn merge(&mut self, other: Stats) {
        self.lines += other.lines;
        for (k, v) in other.by_level {
            *self.by_level.entry(k).or_default() += v;
        }
        for (k, v) in other.by_component {
            *self.by_component.entry(k).or_default() += v;
        }
        for (k, v) in other.by_code {
            *self.by_code.entry(k).or_default() += v;
        }
        for (k, v) in other.errors_per_hour {
            *self.errors_per_hour.entry(k).or_default() += v;
        }
        self.first = match (self.first, other.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = match (self.last, other.last) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.slowest.extend(other.slowest);
        self.slowest
            .sort_by(|a, b| b.duration_ms.total_cmp(&a.duration_ms));
        self.slowest.truncate(SLOWEST);
    }
}

/// `talos log stats` as one value: the counts in the order they are shown
/// (most first), the error codes with their runbook meaning, and what the
/// search saw besides. Its JSON is `log stats --json` (docs/logs.md).
#[derive(Debug, Serialize)]
pub struct StatsReport {
    pub files: usize,
    pub lines: u64,
    pub malformed: u64,
    #[serde(rename = "first_at")]
    pub first: Option<String>,
    #[serde(rename = "last_at")]
    pub last: Option<String>,
    pub by_level: Vec<Count>,
    pub by_component: Vec<Count>,
    pub by_code: Vec<CodeCount>,
    pub errors_per_hour: Vec<Hour>,
    pub slowest: Vec<Slow>,
    /// ERROR lines per hour keyed by the hour's start (seconds since the
    /// epoch): `errors_per_hour` for a chart.
    #[serde(skip)]
    pub hours: BTreeMap<i64, u64>,
    /// Malformed lines by kind and the files that could not be read.
    #[serde(skip)]
    pub summary: Summary,
}

#[derive(Debug, Serialize)]
pub struct Count {
    pub name: String,
    pub count: u64,
}

#[derive(Debug, Serialize)]
pub struct CodeCount {
    pub code: String,
    pub count: u64,
    /// docs/runbook.md: what the code means and the first response.
    pub meaning: Option<&'static str>,
    pub response: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Hour {
    pub hour: String,
    pub errors: u64,
}

impl StatsReport {
    /// The report of `stats` counted over `files` files by a search that
    /// saw `summary`.
    pub fn new(files: usize, stats: Stats, summary: Summary) -> StatsReport {
        let by_count = |m: &BTreeMap<String, u64>| {
            let mut v: Vec<Count> = m
                .iter()
                .map(|(k, n)| Count {
                    name: k.clone(),
                    count: *n,
                })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
            v
        };
        let mut by_code: Vec<CodeCount> = stats
            .by_code
            .iter()
            .map(|(k, n)| {
                let m = codes::lookup(k);
                CodeCount {
                    code: k.clone(),
                    count: *n,
                    meaning: m.map(|m| m.0),
                    response: m.map(|m| m.1),
                }
            })
            .collect();
        by_code.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
        let hour = |h: i64| {
            Timestamp::from_second(h)
                .map(|t| t.to_string())
                .unwrap_or_default()
        };
        StatsReport {
            files,
            lines: stats.lines,
            malformed: summary.malformed_total(),
            first: stats.first.map(crate::timespec::format_ts),
            last: stats.last.map(crate::timespec::format_ts),
            by_level: by_count(&stats.by_level),
            by_component: by_count(&stats.by_component),
            by_code,
            errors_per_hour: stats
                .errors_per_hour
                .iter()
                .map(|(h, n)| Hour {
                    hour: hour(*h),
                    errors: *n,
                })
                .collect(),
            slowest: stats.slowest,
            hours: stats.errors_per_hour,
            summary,
        }
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: String) {
    *map.entry(key).or_default() += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_top_list() {
        let mut a = Stats::default();
        let mut b = Stats::default();
        for i in 0..30 {
            let line = format!(
                r#"{{"timestamp":"2024-01-15T0{}:10:00Z","level":"{}","component":"web_gui","metadata":{{"duration_ms":{i}}},"error":{{"code":"T00{}"}}}}"#,
                i % 3,
                if i % 2 == 0 { "ERROR" } else { "info" },
                i % 2
            );
            let r = Record::parse(line.as_bytes()).unwrap();
            let t = r.time();
            if i < 15 { a.add(&r, t) } else { b.add(&r, t) }
        }
        a.merge(b);
        assert_eq!(a.lines, 30);
        assert_eq!(a.by_level["ERROR"], 15);
        assert_eq!(a.by_level["INFO"], 15);
        assert_eq!(a.by_code["T000"], 15);
        assert_eq!(a.errors_per_hour.values().sum::<u64>(), 15);
        assert_eq!(a.errors_per_hour.len(), 3);
        let top: Vec<f64> = a.slowest.iter().map(|s| s.duration_ms).collect();
        assert_eq!(top, (20..30).rev().map(f64::from).collect::<Vec<_>>());
    }
}
