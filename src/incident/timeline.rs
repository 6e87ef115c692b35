//! The timeline as it is gathered: the summary's figures are taken from
//! every event, the events themselves are kept up to a cap. Parts gathered
//! apart (the units of the Tier 2 scan, on every core) are merged into one
//! and give the same timeline as one pass in order would.

use std::collections::BTreeSet;

use jiff::Timestamp;

use super::{ErrorRef, Event};

/// Where an event stands among events of the same time: a Tier 2 line by
/// (file, offset), the merge order of `talos log query`; every later
/// source after all of Tier 2, in the order read.
pub(super) type Order = (u64, u64);

/// The order of a Tier 2 line.
pub(super) fn tier2_order(file: usize, offset: u64) -> Order {
    (file as u64, offset)
}

pub(super) struct Timeline {
    cap: usize,
    events: Vec<(Order, Event)>,
    /// The next order of an event of a later source.
    seq: u64,
    pub total: usize,
    pub omitted: usize,
    pub affected: BTreeSet<String>,
    pub first_error: Option<(Timestamp, Order, ErrorRef)>,
    pub last_error: Option<(Timestamp, Order, ErrorRef)>,
}

impl Timeline {
    pub fn new(cap: usize) -> Timeline {
        Timeline {
            cap,
            events: Vec::new(),
            seq: 0,
            total: 0,
            omitted: 0,
            affected: BTreeSet::new(),
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

    /// An event of a source read after Tier 2.
    pub fn push(&mut self, e: Event) {
        let order = (u64::MAX, self.seq);
        self.seq += 1;
        self.push_at(e, order);
    }

    pub fn push_at(&mut self, e: Event, order: Order) {
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
            self.note_error((e.at, order), r);
        }
        self.events.push((order, e));
        self.shrink_if_full();
    }

    fn note_error(&mut self, key: (Timestamp, Order), r: impl Fn() -> ErrorRef) {
        if self
            .first_error
            .as_ref()
            .is_none_or(|(t, o, _)| key < (*t, *o))
        {
            self.first_error = Some((key.0, key.1, r()));
        }
        if self
            .last_error
            .as_ref()
            .is_none_or(|(t, o, _)| key > (*t, *o))
        {
            self.last_error = Some((key.0, key.1, r()));
        }
    }

    /// Takes in a part gathered apart.
    pub fn merge(&mut self, other: Timeline) {
        self.total += other.total;
        self.omitted += other.omitted;
        self.affected.extend(other.affected);
        for (t, o, r) in other.first_error.into_iter().chain(other.last_error) {
            self.note_error((t, o), || r.clone());
        }
        self.events.extend(other.events);
        self.shrink_if_full();
    }

    fn shrink_if_full(&mut self) {
        if self.events.len() >= 2 * self.cap.max(1) {
            self.shrink();
        }
    }

    /// Keeps the `cap` most relevant, newest events. Which are kept does
    /// not depend on when this runs: the order is total.
    fn shrink(&mut self) {
        if self.events.len() <= self.cap {
            return;
        }
        let relevant = |e: &Event| !matches!(e.kind, "warning" | "audit");
        self.events
            .sort_unstable_by_key(|(o, e)| std::cmp::Reverse((relevant(e), e.at, *o)));
        self.omitted += self.events.len() - self.cap;
        self.events.truncate(self.cap);
    }

    /// The kept events in time order; equal times keep the order above.
    pub fn finish(&mut self) -> Vec<Event> {
        self.shrink();
        self.events.sort_unstable_by_key(|(o, e)| (e.at, *o));
        std::mem::take(&mut self.events)
            .into_iter()
            .map(|(_, e)| e)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &'static str, secs: i64, n: usize) -> Event {
        let at = Timestamp::from_second(secs).unwrap();
        Event {
            timestamp: super::super::format_ts(at),
            source: "tier2",
            kind,
            level: None,
            component: Some(format!("c{}", n % 3)),
            code: None,
            message: format!("m{n}"),
            correlation_id: None,
            file: "f".into(),
            line: None,
            offset: Some(n as u64),
            at,
        }
    }

    fn view(events: &[Event]) -> Vec<(String, String)> {
        events
            .iter()
            .map(|e| (e.timestamp.clone(), e.message.clone()))
            .collect()
    }

    /// Parts gathered in any order and merged give the timeline of one
    /// pass in merge order: the same events kept, counted and omitted.
    #[test]
    fn merged_parts_equal_one_pass() {
        let lines: Vec<(&'static str, i64, usize)> = (0..200)
            .map(|n| {
                let kind = if n % 4 == 0 { "error" } else { "warning" };
                // Many equal times, so the order decides.
                (kind, 1_700_000_000 + (n as i64 * 7) % 13, n)
            })
            .collect();
        let order = |n: usize| tier2_order(n % 2, n as u64);
        let mut sorted = lines.clone();
        sorted.sort_by_key(|(_, t, n)| (*t, order(*n)));
        let mut one = Timeline::new(16);
        for (k, t, n) in &sorted {
            one.push_at(event(k, *t, *n), order(*n));
        }
        let mut merged = Timeline::new(16);
        for chunk in lines.rchunks(37) {
            let mut part = Timeline::new(16);
            for (k, t, n) in chunk {
                part.push_at(event(k, *t, *n), order(*n));
            }
            merged.merge(part);
        }
        assert_eq!(
            (merged.total, merged.affected.clone()),
            (one.total, one.affected.clone())
        );
        let first = |t: &Timeline| t.first_error.as_ref().map(|e| e.2.message.clone());
        let last = |t: &Timeline| t.last_error.as_ref().map(|e| e.2.message.clone());
        assert_eq!(first(&merged), first(&one));
        assert_eq!(last(&merged), last(&one));
        let (a, b) = (merged.finish(), one.finish());
        assert_eq!(view(&a), view(&b));
        assert_eq!(merged.omitted, one.omitted);
        assert_eq!(a.len(), 16);
        assert_eq!(merged.omitted, 200 - 16);
    }
}
