//! Garbage in, no panic out, bounded work: arbitrary bytes as the daemon's
//! answer to `GET /health` (the first two bytes pick the HTTP status, the
//! rest is the body), judged by `api::health_answer_of`, then through
//! the liveness verdict and the health report built from it. The same
//! calls run as a property test in tests/it/hostile_props.rs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    talos_fuzz_health_answer(dir.path(), data);
});

fn talos_fuzz_health_answer(dir: &std::path::Path, data: &[u8]) {
    use talos::daemon::{ApiProbe, Liveness};
    let (status, body) = match data {
        [a, b, body @ ..] => {
            let raw = u16::from_le_bytes([*a, *b]);
            // Mostly the statuses that are answers, sometimes any other.
            let status = match raw % 4 {
                0 => 200,
                1 => 503,
                _ => raw,
            };
            (status, body)
        }
        _ => (200, data),
    };
    let api = match talos::api::health_answer_of(status, body, 7) {
        Ok(h) => ApiProbe::Answered(h),
        Err(e) => {
            let _ = e.hint();
            let _ = talos::error::Error::from(e.clone());
            ApiProbe::Failed(e)
        }
    };
    let pid_file = talos::process::PidStatus::NoPidFile {
        path: dir.join("orchestrator.pid"),
    };
    let live = Liveness::judge("http://127.0.0.1:9".into(), pid_file, api);
    let report = talos::health::report(&live, &talos::install::Layout::new(dir));
    let _ = report.status.exit_code();
    let _ = serde_json::to_string(&report).unwrap();
    let _ = serde_json::to_string(&live).unwrap();
}
