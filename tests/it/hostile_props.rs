//! The calls of fuzz/fuzz_targets/hostile_files.rs as a property test:
//! arbitrary bytes as config.yaml, PID file, state JSON, archive head never
//! panic (cargo-fuzz needs nightly; this runs everywhere).

use proptest::prelude::*;

fn hostile(dir: &std::path::Path, data: &[u8]) {
    let _ = talos::config::parse_config_text(data);
    let f = dir.join("file");
    std::fs::write(&f, data).unwrap();
    let _ = talos::process::read_pid_file(&f);
    let _ = talos::emergency::state::read(&f);
    let _ = talos::health::read_heartbeat(&f, jiff::Timestamp::UNIX_EPOCH);
    if let Ok(serde_json::Value::Object(m)) = serde_json::from_slice(data) {
        let _ = talos::breakers::list_from_map(&m);
        if let Some(serde_json::Value::Object(b)) = m.get("breakers") {
            let _ = talos::breakers::list_from_map(b);
        }
    }
    let _ = talos::audit::anchors::backup_audit_head(&f);
    let _ = talos::output::escape_controls(&String::from_utf8_lossy(data), true);
}

/// Bytes that look like the inputs: YAML and JSON punctuation, digits,
/// control characters, gzip magic.
fn input() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            any::<u8>(),
            prop::sample::select(b"[]{}:- \n\"'#0123456789\x1b\x9b\xff".to_vec()),
        ],
        0..512,
    )
    .prop_map(|mut v| {
        if v.len() > 3 && v[0] % 7 == 0 {
            v[0] = 0x1f;
            v[1] = 0x8b;
        }
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn hostile_bytes_never_panic(data in input()) {
        let dir = tempfile::tempdir().unwrap();
        hostile(dir.path(), &data);
    }
}

#[test]
fn a_deep_nesting_is_refused_quickly_not_parsed() {
    let mut s = b"x: ".to_vec();
    s.extend(std::iter::repeat_n(b'[', 200_000));
    s.extend(std::iter::repeat_n(b']', 200_000));
    let err = talos::config::parse_config_text(&s).unwrap_err();
    assert!(err.contains("nested"), "{err}");
}
