//! The Tier 2 lines of the window, folded as they are scanned: counts, the
//! timeline's ERROR/WARN and breaker lines, and the patterns. The scan is
//! the one of `talos log query` and `talos log stats` (`logs::search::fold_at`):
//! every core, no line held once it is counted, no sorting of the matches.
//! Each unit of work folds into its own [`Tier2`]; the parts are merged,
//! and where the order of the lines decides (equal times, the first of a
//! pattern) the merge order of `log query` (time, file, offset) is used, so
//! the report is the one a pass in time order gives.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use jiff::{SignedDuration, Timestamp};

use super::timeline::{Order, Timeline, tier2_order};
use super::{Event, MAX_TIMELINE, Pattern, SourceRead, breaker_transition, patterns};
use crate::logs::{self, LogFile, Query, Record};
use crate::timespec::format_ts;

/// A rotation last written this long before the window starts is not
/// read: its lines are older still (the same margin as the audit files).
const ROTATED_MARGIN: SignedDuration = SignedDuration::from_hours(1);

/// What the Tier 2 lines of the window add up to.
pub(super) struct Tier2 {
    pub lines: usize,
    pub levels: BTreeMap<String, usize>,
    pub components: BTreeMap<String, usize>,
    pub codes: BTreeMap<String, usize>,
    pub code_times: BTreeMap<String, (Timestamp, Timestamp)>,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    per_file: BTreeMap<usize, usize>,
    pub timeline: Timeline,
    patterns: BTreeMap<String, PatternSeen>,
    /// Breakers a line says opened, and when.
    pub breaker_opens: Vec<(String, Timestamp)>,
    pub malformed: u64,
}

/// Where a line stands in the merge order.
type Key = (Timestamp, Order);

/// A pattern as it is gathered: each value listed with the first line it
/// came from, so parts merge into the order of first appearance.
struct PatternSeen {
    count: usize,
    first: Key,
    last: Timestamp,
    example: String,
    levels: Vec<(String, Key)>,
    components: Vec<(String, Key)>,
    codes: Vec<(String, Key)>,
}

fn note(list: &mut Vec<(String, Key)>, value: &str, key: Key) {
    match list.iter_mut().find(|(v, _)| v == value) {
        Some((_, k)) => *k = (*k).min(key),
        None => list.push((value.to_string(), key)),
    }
}

fn in_order(mut list: Vec<(String, Key)>) -> Vec<String> {
    list.sort_by_key(|(_, k)| *k);
    list.into_iter().map(|(v, _)| v).collect()
}

impl PatternSeen {
    fn merge(&mut self, o: PatternSeen) {
        self.count += o.count;
        if o.first < self.first {
            self.first = o.first;
            self.example = o.example;
        }
        self.last = self.last.max(o.last);
        for (list, other) in [
            (&mut self.levels, o.levels),
            (&mut self.components, o.components),
            (&mut self.codes, o.codes),
        ] {
            for (v, k) in other {
                note(list, &v, k);
            }
        }
    }
}

fn bump(map: &mut BTreeMap<String, usize>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

/// `to_uppercase` without a copy for what is upper case already (most levels).
fn upper(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_lowercase() || !b.is_ascii()) {
        Cow::Owned(s.to_uppercase())
    } else {
        Cow::Borrowed(s)
    }
}

pub(super) fn is_problem(level: &str) -> bool {
    matches!(level, "ERROR" | "WARN" | "WARNING" | "CRITICAL" | "FATAL")
}

/// `breaker_transition`, with the regular expressions run only on a
/// message that names a circuit at all (most lines do not).
fn transition_in(message: &str) -> Option<(String, String)> {
    let named = message
        .as_bytes()
        .windows(7)
        .any(|w| w.eq_ignore_ascii_case(b"circuit"));
    if named {
        breaker_transition(message)
    } else {
        None
    }
}

impl Tier2 {
    fn new() -> Tier2 {
        Tier2 {
            lines: 0,
            levels: BTreeMap::new(),
            components: BTreeMap::new(),
            codes: BTreeMap::new(),
            code_times: BTreeMap::new(),
            first: None,
            last: None,
            per_file: BTreeMap::new(),
            timeline: Timeline::new(MAX_TIMELINE),
            patterns: BTreeMap::new(),
            breaker_opens: Vec::new(),
            malformed: 0,
        }
    }

    /// Counts one line of the window; an ERROR/WARN or breaker line also
    /// goes into the timeline and the patterns.
    fn add(&mut self, r: &Record<'_>, at: Timestamp, file: usize, path: &Path, offset: u64) {
        self.lines += 1;
        *self.per_file.entry(file).or_default() += 1;
        self.first = self.first.min(Some(at)).or(Some(at));
        self.last = self.last.max(Some(at));
        let level = upper(r.level.as_deref().unwrap_or("?"));
        bump(&mut self.levels, &level);
        if let Some(c) = r.component.as_deref() {
            bump(&mut self.components, c);
        }
        if let Some(c) = r.error_code.as_deref() {
            bump(&mut self.codes, c);
            let e = self.code_times.entry(c.to_string()).or_insert((at, at));
            e.0 = e.0.min(at);
            e.1 = e.1.max(at);
        }
        let message = r.message.as_deref().unwrap_or("");
        let transition = transition_in(message);
        let problem = is_problem(&level);
        if !problem && transition.is_none() {
            return;
        }
        let order = tier2_order(file, offset);
        let kind = if let Some((name, to)) = transition {
            if to == "open" {
                self.breaker_opens.push((name, at));
            }
            "breaker_transition"
        } else if matches!(&*level, "ERROR" | "CRITICAL" | "FATAL") {
            "error"
        } else {
            "warning"
        };
        let own = |s: &Option<Cow<'_, str>>| s.as_deref().map(str::to_string);
        let event = Event {
            timestamp: format_ts(at),
            source: "tier2",
            kind,
            level: Some(level.to_string()),
            component: own(&r.component),
            code: own(&r.error_code),
            message: message.to_string(),
            correlation_id: own(&r.correlation_id),
            file: path.to_path_buf(),
            line: None,
            offset: Some(offset),
            at,
        };
        if problem {
            self.add_pattern(&event, (at, order));
        }
        self.timeline.push_at(event, order);
    }

    fn add_pattern(&mut self, e: &Event, key: Key) {
        let name = patterns::normalise(&e.message);
        let p = self.patterns.entry(name).or_insert_with(|| PatternSeen {
            count: 0,
            first: key,
            last: key.0,
            example: e.message.clone(),
            levels: Vec::new(),
            components: Vec::new(),
            codes: Vec::new(),
        });
        p.count += 1;
        if key < p.first {
            p.first = key;
            p.example = e.message.clone();
        }
        p.last = p.last.max(key.0);
        for (list, value) in [
            (&mut p.levels, &e.level),
            (&mut p.components, &e.component),
            (&mut p.codes, &e.code),
        ] {
            if let Some(v) = value {
                note(list, v, key);
            }
        }
    }

    /// Takes in another unit's part.
    fn merge(&mut self, o: Tier2) {
        self.lines += o.lines;
        for (map, other) in [
            (&mut self.levels, o.levels),
            (&mut self.components, o.components),
            (&mut self.codes, o.codes),
        ] {
            for (k, n) in other {
                *map.entry(k).or_default() += n;
            }
        }
        for (k, (a, b)) in o.code_times {
            let e = self.code_times.entry(k).or_insert((a, b));
            e.0 = e.0.min(a);
            e.1 = e.1.max(b);
        }
        self.first = match (self.first, o.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = self.last.max(o.last);
        for (k, n) in o.per_file {
            *self.per_file.entry(k).or_default() += n;
        }
        self.timeline.merge(o.timeline);
        for (k, p) in o.patterns {
            match self.patterns.get_mut(&k) {
                Some(mine) => mine.merge(p),
                None => {
                    self.patterns.insert(k, p);
                }
            }
        }
        self.breaker_opens.extend(o.breaker_opens);
    }

    /// The patterns, most frequent first; ties by first appearance.
    pub fn patterns(&mut self) -> Vec<Pattern> {
        let mut seen: Vec<(String, PatternSeen)> =
            std::mem::take(&mut self.patterns).into_iter().collect();
        seen.sort_by(|(_, a), (_, b)| {
            b.count
                .cmp(&a.count)
                .then(format_ts(a.first.0).cmp(&format_ts(b.first.0)))
                .then(a.first.cmp(&b.first))
        });
        seen.into_iter()
            .map(|(pattern, p)| Pattern {
                pattern,
                count: p.count,
                levels: in_order(p.levels),
                components: in_order(p.components),
                codes: in_order(p.codes),
                first_seen: format_ts(p.first.0),
                last_seen: format_ts(p.last),
                example: p.example,
            })
            .collect()
    }
}

/// A rotation that ended before the window: last written more than
/// [`ROTATED_MARGIN`] before `since`. The current file is always read.
fn ended_before(f: &LogFile, since: Timestamp) -> bool {
    if f.rotation == 0 {
        return false;
    }
    let Ok(modified) = std::fs::metadata(&f.path).and_then(|m| m.modified()) else {
        return false;
    };
    Timestamp::try_from(modified).is_ok_and(|t| t < since - ROTATED_MARGIN)
}

/// Scans the Tier 2 files (rotations and `.gz` included) for `query`.
/// With `skip_before`, rotations that ended before it are not read (nor
/// listed among the sources, nor their malformed lines counted).
pub(super) fn scan(
    log_dir: &Path,
    query: &Query,
    skip_before: Option<Timestamp>,
    sources: &mut Vec<SourceRead>,
) -> Tier2 {
    let files: Vec<LogFile> = match logs::search_order(log_dir) {
        Ok(f) => f
            .into_iter()
            .filter(|f| f.tier == Some(logs::Tier::Ops))
            .filter(|f| skip_before.is_none_or(|since| !ended_before(f, since)))
            .collect(),
        Err(_) => Vec::new(),
    };
    let (parts, summary) = logs::search::fold_at(&files, query, Tier2::new, |acc, r, time, at| {
        // Lines without a time never match a window; by id alone they
        // have no place in the timeline either.
        if let Some(t) = time {
            acc.add(r, t, at.file, &files[at.file].path, at.offset);
        }
    });
    let mut all = Tier2::new();
    for part in parts {
        all.merge(part);
    }
    all.malformed = summary.malformed_total();
    for (i, f) in files.iter().enumerate() {
        let n = all.per_file.get(&i).copied().unwrap_or(0);
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
    all
}
