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
    let _ = talos::daemon::heartbeat::read_heartbeat(&f, jiff::Timestamp::UNIX_EPOCH);
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

/// The calls of fuzz/fuzz_targets/health_answer.rs: the daemon's `/health`
/// answer (status, body bytes) judged, then through the liveness verdict
/// and the health report. Returns whether it was taken as an answer.
fn health_answer(dir: &std::path::Path, status: u16, body: &[u8]) -> bool {
    use talos::daemon::{ApiProbe, Liveness};
    let api = match talos::api::health_answer_of(status, body, 7) {
        Ok(h) => ApiProbe::Answered(h),
        Err(e) => {
            let _ = e.hint();
            let _ = talos::error::Error::from(e.clone());
            ApiProbe::Failed(e)
        }
    };
    let answered = matches!(api, ApiProbe::Answered(_));
    let pid_file = talos::process::PidStatus::NoPidFile {
        path: dir.join("orchestrator.pid"),
    };
    let live = Liveness::judge("http://127.0.0.1:9".into(), pid_file, api);
    assert_eq!(answered, live.verdict == talos::daemon::Verdict::Up);
    let report = talos::health::report(&live, &talos::install::Layout::new(dir));
    let _ = report.status.exit_status();
    serde_json::to_string(&report).unwrap();
    serde_json::to_string(&live).unwrap();
    answered
}

/// What a healthy daemon answers; mutated below.
const HEALTH_BODY: &str = r#"{"status":"healthy","version":"4.0.1","uptime_seconds":12,"checks":{"database":{"status":"healthy","message":"ok"},"llm_api":{"status":"degraded"}}}"#;

/// Near-valid answers: the healthy body with one value replaced by a huge
/// number, a deep nesting, a wrong type or control characters, or cut
/// short, or with a byte changed.
fn near_valid_body() -> impl Strategy<Value = Vec<u8>> {
    let replacement = prop_oneof![
        Just("1e999999".to_string()),
        Just("-1e999999".to_string()),
        Just("18446744073709551616000".to_string()),
        Just("-0".to_string()),
        (1usize..20_000).prop_map(|n| "9".repeat(n)),
        (1usize..5_000).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n))),
        (1usize..5_000).prop_map(|n| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n))),
        Just("1".to_string()),
        Just("[]".to_string()),
        Just("null".to_string()),
        Just("\"x\"".to_string()),
        Just(r#""\u001b]52;c;aGVsbG8=\u0007\u009b2J\u0000""#.to_string()),
        Just("\"\x1b[31mraw\x07\"".to_string()),
        "\\PC{0,40}".prop_map(|s| serde_json::to_string(&s).unwrap()),
    ];
    let slot = prop::sample::select(vec![
        "\"healthy\"",
        "\"4.0.1\"",
        "12",
        "{\"status\":\"healthy\",\"message\":\"ok\"}",
        "{\"status\":\"degraded\"}",
        "\"ok\"",
    ]);
    (slot, replacement, any::<usize>(), any::<u8>(), 0u8..4).prop_map(
        |(slot, with, at, byte, how)| {
            let mut body = HEALTH_BODY.replacen(slot, &with, 1).into_bytes();
            match how {
                0 => body.truncate(at % (body.len() + 1)),
                1 => {
                    let i = at % body.len();
                    body[i] = byte;
                }
                _ => {}
            }
            body
        },
    )
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200u16),
        Just(503),
        Just(401),
        Just(404),
        Just(500),
        any::<u16>()
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn any_health_answer_is_judged_without_panic(status in status(), body in input()) {
        let dir = tempfile::tempdir().unwrap();
        health_answer(dir.path(), status, &body);
    }

    #[test]
    fn a_near_valid_health_answer_is_judged_without_panic(
        status in status(),
        body in near_valid_body(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let answered = health_answer(dir.path(), status, &body);
        // An answer needs an answer's status and a JSON object with a
        // string `status`.
        let parsed: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        let has_status = parsed
            .as_ref()
            .and_then(|v| v.get("status"))
            .is_some_and(serde_json::Value::is_string);
        prop_assert_eq!(answered, (status == 200 || status == 503) && has_status);
    }
}

#[test]
fn the_healthy_answer_is_an_answer_and_garbage_is_not() {
    let dir = tempfile::tempdir().unwrap();
    assert!(health_answer(dir.path(), 200, HEALTH_BODY.as_bytes()));
    assert!(health_answer(dir.path(), 503, HEALTH_BODY.as_bytes()));
    assert!(!health_answer(dir.path(), 500, HEALTH_BODY.as_bytes()));
    assert!(!health_answer(dir.path(), 200, b"\xff\xfe{\"status\":1}"));
    assert!(!health_answer(dir.path(), 200, b"[[[[[[[[[[[[[[[[[[[["));
}
