//! Garbage in, no panic out: arbitrary bytes through the line scanner (with
//! and without a needle, whole and cut in two), the record parser, the
//! matcher and the jq filter.
#![no_main]

use std::ops::ControlFlow;

use libfuzzer_sys::fuzz_target;
use memchr::memmem::Finder;
use talos::logs::jq::JqFilter;
use talos::logs::scan::{ScanOptions, scan};
use talos::logs::{Query, Record};

/// Compiled once: compiling jq on every input would make the run slow.
static QUERY: std::sync::LazyLock<Query> = std::sync::LazyLock::new(|| Query {
    correlation_id: Some("a1b2c3d4e5f67890".into()),
    levels: vec!["ERROR".into()],
    contains: Some("x".into()),
    since: "2024-01-01T00:00:00Z".parse().ok(),
    filter: JqFilter::compile(".metadata.duration_ms > 1 or (.a | length) > 2").ok(),
    ..Query::default()
});

fuzz_target!(|data: &[u8]| {
    let query = &*QUERY;
    let finder = Finder::new("a1b2");
    let cut = data.first().map_or(0, |b| *b as usize % (data.len() + 1));
    for opts in [
        ScanOptions::default(),
        ScanOptions { needle: Some(&finder), ..ScanOptions::default() },
        ScanOptions { end: Some(cut as u64), hold_tail: true, ..ScanOptions::default() },
    ] {
        let _ = scan(data, &opts, |line| {
            if let Ok(rec) = Record::parse(line.bytes) {
                let t = rec.time();
                let _ = query.test(&rec, t, line.bytes);
                let _ = rec.duration();
                let _ = rec.belongs_to("a1b2");
            }
            ControlFlow::Continue(())
        });
    }
    if cut > 0 {
        let opts = ScanOptions {
            start: cut as u64 - 1,
            skip_first_partial: true,
            ..ScanOptions::default()
        };
        let _ = scan(&data[cut - 1..], &opts, |_| ControlFlow::Continue(()));
    }
});
