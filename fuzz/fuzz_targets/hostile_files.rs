//! Garbage in, no panic out, bounded work: arbitrary bytes as config.yaml,
//! as the PID file, as state JSON files (emergency_state.json, the
//! heartbeat, circuit_breakers.json, the daemon's health answer), and as an
//! archive head (metadata.json search through the expansion cap). The same
//! calls run as a property test in tests/hostile_props.rs, so they compile
//! and run in the normal test suite too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    talos_fuzz_hostile(dir.path(), data);
});

fn talos_fuzz_hostile(dir: &std::path::Path, data: &[u8]) {
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
