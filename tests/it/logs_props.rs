//! Properties of the log scanner and parser on arbitrary bytes: no panic,
//! the needle only skips lines, cutting a file into slices loses and
//! duplicates nothing. (The cargo-fuzz target `fuzz/fuzz_targets/log_line.rs`
//! drives the same code with coverage guidance.)

use std::ops::ControlFlow;

use memchr::memmem::Finder;
use proptest::prelude::*;
use talos::logs::jq::JqFilter;
use talos::logs::scan::{ScanOptions, scan};
use talos::logs::{Query, Record};

/// Bytes that look like log lines often enough to reach the parser.
fn loggy() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"\n".to_vec()),
        Just(b"{\"correlation_id\":\"ab\",\"level\":\"ERROR\"}".to_vec()),
        Just(b"{\"timestamp\":\"2024-01-15T08:00:00Z\",\"context\":{\"parent_correlation_id\":\"ab\"}}".to_vec()),
        Just(b"{\"metadata\":{\"duration_ms\":1e400},\"error\":{\"code\":[1]}}".to_vec()),
        Just(b"ab".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"{\"a\":\"\\u12".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn lines(data: &[u8], opts: &ScanOptions<'_>) -> Vec<(u64, Vec<u8>)> {
    let mut out = Vec::new();
    scan(data, opts, |l| {
        out.push((l.offset, l.bytes.to_vec()));
        ControlFlow::Continue(())
    })
    .unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn garbage_never_panics(data in prop_oneof![loggy(), proptest::collection::vec(any::<u8>(), 0..600)]) {
        let query = Query {
            correlation_id: Some("ab".into()),
            levels: vec!["error".into()],
            since: "2024-01-01T00:00:00Z".parse().ok(),
            filter: Some(JqFilter::compile(".metadata.duration_ms > 1 or .error.code[0] == 1").unwrap()),
            ..Query::default()
        };
        scan(&data[..], &ScanOptions::default(), |l| {
            if let Ok(r) = Record::parse(l.bytes) {
                let t = r.time();
                let _ = query.test(&r, t, l.bytes);
                let _ = r.duration();
            }
            ControlFlow::Continue(())
        }).unwrap();
    }

    #[test]
    fn needle_only_skips_lines(data in loggy()) {
        let all = lines(&data, &ScanOptions::default());
        let f = Finder::new("ab");
        let some = lines(&data, &ScanOptions { needle: Some(&f), ..ScanOptions::default() });
        let want: Vec<_> = all.into_iter().filter(|(_, l)| f.find(l).is_some()).collect();
        prop_assert_eq!(some, want);
    }

    #[test]
    fn slices_partition_the_lines(data in loggy(), cut in any::<prop::sample::Index>()) {
        let all = lines(&data, &ScanOptions::default());
        let cut = 1 + cut.index(data.len().max(1));
        let cut = cut.min(data.len());
        if cut == 0 { return Ok(()); }
        let mut both = lines(&data, &ScanOptions { end: Some(cut as u64), ..ScanOptions::default() });
        both.extend(lines(&data[cut - 1..], &ScanOptions {
            start: cut as u64 - 1,
            skip_first_partial: true,
            ..ScanOptions::default()
        }));
        prop_assert_eq!(both, all);
    }
}
