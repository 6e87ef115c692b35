//! talos-sim itself: the behaviours of docs/format.md that the other tests
//! (panic, restore, health...) rely on.

use crate::common::install::Install;
use std::io::{Read, Write};
use std::time::Duration;

use crate::common::sim::{Sim, TOKEN, wait_for};
use serde_json::Value;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into()
}

fn get(url: &str) -> (u16, Value) {
    let mut r = agent().get(url).call().unwrap();
    let code = r.status().as_u16();
    (code, r.body_mut().read_json().unwrap())
}

fn post(url: &str, token: Option<&str>, body: &str) -> (u16, Value) {
    let mut req = agent().post(url);
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    let mut r = req.send(body).unwrap();
    let code = r.status().as_u16();
    (code, r.body_mut().read_json().unwrap())
}

fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn pid_heartbeat_logs_and_audit_anchors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let mut sim = Sim::start(root, &["--task-interval", "0.2"]);
    let pid_text = std::fs::read_to_string(sim.pid_file()).unwrap();
    assert_eq!(pid_text, format!("{}\n", sim.pid));

    let hb = root.join("var/lib/talos/state/heartbeat");
    let first = std::fs::read_to_string(&hb).unwrap();
    assert!(first.trim().parse::<jiff::Timestamp>().is_ok(), "{first:?}");
    assert!(wait_for(Duration::from_secs(5), || {
        std::fs::read_to_string(&hb).is_ok_and(|t| t != first)
    }));

    let log = root.join("var/log/talos/orchestrator.log");
    assert!(wait_for(Duration::from_secs(5), || {
        std::fs::read_to_string(&log).is_ok_and(|t| t.lines().count() >= 3)
    }));
    for line in std::fs::read_to_string(&log).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let cid = v["correlation_id"].as_str().unwrap();
        assert_eq!(cid.len(), 16, "{line}");
        assert!(cid.bytes().all(|b| b.is_ascii_hexdigit()));
        for key in ["timestamp", "level", "component", "message"] {
            assert!(v.get(key).is_some(), "{key} missing in {line}");
        }
    }
    let debug = std::fs::read_to_string(root.join("var/log/talos/debug.log")).unwrap();
    assert!(
        debug.lines().any(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["context"]["parent_correlation_id"].is_string()
                && v["correlation_id"].as_str().unwrap().contains(':')
        }),
        "a child operation in debug.log"
    );

    let st = sim
        .terminate(Duration::from_secs(15))
        .expect("exits on SIGTERM");
    assert!(st.success(), "{st:?} {}", sim.stderr());
    assert!(!sim.pid_file().exists(), "PID file removed on clean exit");

    // The chain's records are anchored in the database.
    let head = talos::audit::head(&root.join("var/log/talos/audit"))
        .unwrap()
        .unwrap();
    assert!(head.seq >= 2, "daemon_start and daemon_stop");
    let conn = rusqlite::Connection::open(root.join("var/lib/talos/db/talos.db")).unwrap();
    let (seq, hash): (i64, String) = conn
        .query_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((seq as u64, hash), (head.seq, head.hash));
}

#[test]
fn signal_file_panic_preserves_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let mut sim = Sim::start(root, &["--signal-poll", "0.2"]);
    let signal = root.join("var/lib/talos/SIGNAL_PANIC");
    std::fs::write(
        &signal,
        r#"{"initiated_by": "test", "reason": "drill", "preserve_state": true}"#,
    )
    .unwrap();
    let st = sim.wait_exit(Duration::from_secs(10)).expect("exits");
    assert!(st.success(), "{}", sim.stderr());
    assert!(!signal.exists(), "signal file deleted");
    assert!(!sim.pid_file().exists());
    let state = read_json(&root.join("var/lib/talos/emergency_state.json"));
    assert_eq!(state["method"], "signal_file");
    assert_eq!(state["reason"], "drill");
    assert_eq!(state["pid"], sim.pid);
    assert_eq!(state["recovery_available"], true);
    let preserve = state["preserve"].as_str().expect("a preserve archive");
    let f = std::fs::File::open(preserve).unwrap();
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(f));
    let names: Vec<String> = ar
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().display().to_string())
        .collect();
    for want in [
        "metadata.json",
        "config/config.yaml",
        "state/circuit_breakers.json",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
}

#[test]
fn api_panic_answers_202_then_exits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let mut sim = Sim::start(root, &[]);
    let url = format!("{}/api/v1/emergency/panic", sim.url);
    let (code, body) = post(&url, None, r#"{"reason":"x"}"#);
    assert_eq!(code, 401, "{body}");
    let (code, _) = post(&url, Some("wrong-token"), r#"{"reason":"x"}"#);
    assert_eq!(code, 401);
    assert!(sim.is_running());
    let (code, body) = post(
        &url,
        Some(TOKEN),
        r#"{"reason":"db on fire","preserve_state":false}"#,
    );
    assert_eq!(code, 202, "{body}");
    assert_eq!(body["status"], "accepted");
    assert_eq!(body["shutdown_initiated"], true);
    assert_eq!(body["state_preserved"], false);
    assert!(body["recovery_token"].is_string());
    assert!(body["estimated_completion"].is_string());
    assert!(sim.wait_exit(Duration::from_secs(10)).unwrap().success());
    let state = read_json(&root.join("var/lib/talos/emergency_state.json"));
    assert_eq!(state["method"], "api");
    assert_eq!(state["reason"], "db on fire");
    assert_eq!(state["preserve"], Value::Null);
    assert!(!sim.pid_file().exists());
}

#[test]
fn crash_after_leaves_a_stale_pid_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let mut sim = Sim::start(root, &["--fault", "crash-after=0.3"]);
    let st = sim.wait_exit(Duration::from_secs(10)).expect("crashes");
    assert!(!st.success());
    assert_eq!(
        std::fs::read_to_string(sim.pid_file()).unwrap().trim(),
        sim.pid.to_string()
    );
}

#[test]
fn hang_accepts_but_never_answers_and_dies_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let mut sim = Sim::start(root, &["--fault", "hang"]);
    let mut s = std::net::TcpStream::connect(("127.0.0.1", sim.port())).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(1200)))
        .unwrap();
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 16];
    let err = s.read(&mut buf).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
        "{err:?}"
    );
    assert!(
        sim.terminate(Duration::from_secs(5)).is_some(),
        "SIGTERM kills a hung sim"
    );
}

#[test]
fn hang_with_ignore_sigterm_needs_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let mut sim = Sim::start(root, &["--fault", "hang", "--fault", "ignore-sigterm"]);
    assert!(sim.terminate(Duration::from_millis(800)).is_none());
    assert!(sim.is_running());
    sim.kill();
    assert!(sim.pid_file().exists(), "killed without cleanup");
}

#[test]
fn flaky_dependency_opens_its_breaker_and_persists_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    // Always down: five failed calls open the breaker.
    let sim = Sim::start(root, &["--flaky-cycle", "0,100", "--task-interval", "0.1"]);
    let file = root.join("var/lib/talos/state/circuit_breakers.json");
    assert!(
        wait_for(Duration::from_secs(10), || {
            std::fs::read(&file)
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .is_some_and(|v| v["breakers"]["llm_api"]["state"] == "open")
        }),
        "llm_api opens"
    );
    let doc = read_json(&file);
    assert_eq!(doc["schema"], 1, "other top-level keys kept");
    assert_eq!(doc["breakers"]["payments_api"]["note"], "keep me");
    assert!(doc["breakers"]["llm_api"]["opened_at"].is_string());
    let (code, m) = get(&format!("{}/metrics/circuit_breakers", sim.url));
    assert_eq!(code, 200);
    assert_eq!(m["llm_api"]["state"], "open");
    let (code, r) = post(
        &format!("{}/admin/circuit-breakers/nope/reset", sim.url),
        Some(TOKEN),
        "",
    );
    assert_eq!(code, 404, "{r}");
}

#[test]
fn a_second_sim_on_the_same_root_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let _first = Sim::start(root, &[]);
    let err = Sim::try_start(root, &[]).err().expect("refused");
    assert!(err.contains("another daemon"), "{err}");
}

#[test]
fn runs_on_a_sandbox_and_records_tasks_in_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sandbox");
    let token = Install::live().create(&root).token;
    let sim = Sim::start(&root, &["--task-interval", "0.1", "--flaky", "none"]);
    let db = root.join("var/lib/talos/db/talos.db");
    let count = || -> i64 {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row(
            "SELECT count(*) FROM tasks WHERE id LIKE 'task_%' AND status = 'completed'",
            [],
            |r| r.get(0),
        )
        .unwrap_or(0)
    };
    let before = count();
    assert!(wait_for(Duration::from_secs(5), || count() >= before + 3));
    // The sandbox's token opens the API.
    let (code, body) = post(
        &format!("{}/admin/circuit-breakers/llm_api/reset", sim.url),
        Some(&token),
        "",
    );
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        body,
        serde_json::json!({"name": "llm_api", "state": "closed"})
    );
    assert!(
        sim.stderr().lines().all(|l| !l.contains("cannot")),
        "{}",
        sim.stderr()
    );
}

#[test]
fn an_open_breaker_goes_half_open_then_closed_when_the_dependency_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let file = root.join("var/lib/talos/state/circuit_breakers.json");
    let mut doc = read_json(&file);
    doc["breakers"]["llm_api"] = serde_json::json!({
        "state": "open", "failure_count": 5, "failure_threshold": 5,
        "recovery_timeout_s": 1, "opened_at": "2024-01-15T08:24:12Z",
        "last_failure": "2024-01-15T08:24:12Z", "extra": "kept"
    });
    std::fs::write(&file, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    // Always up: the half-open trial call succeeds.
    let _sim = Sim::start(root, &["--flaky-cycle", "100,0", "--task-interval", "0.2"]);
    assert!(wait_for(Duration::from_secs(8), || {
        read_json(&file)["breakers"]["llm_api"]["state"] == "closed"
    }));
    let b = &read_json(&file)["breakers"]["llm_api"];
    assert_eq!(b["failure_count"], 0);
    assert_eq!(b["opened_at"], Value::Null);
    assert_eq!(b["extra"], "kept");
    let transitions = || -> Vec<(String, String)> {
        let audit =
            std::fs::read_to_string(root.join("var/log/talos/audit/audit-000001.jsonl")).unwrap();
        audit
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["action"] == "circuit_breaker_transition")
            .map(|v| {
                (
                    v["details"]["from"].as_str().unwrap().to_string(),
                    v["details"]["to"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    // The record follows the file write: wait for it too.
    assert!(wait_for(Duration::from_secs(3), || transitions().len() >= 2));
    let transitions = transitions();
    assert_eq!(
        transitions,
        [
            ("open".to_string(), "half_open".to_string()),
            ("half_open".to_string(), "closed".to_string())
        ]
    );
}

#[test]
fn a_sim_that_cannot_start_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let err = Sim::try_start(dir.path(), &[])
        .err()
        .expect("not an installation");
    assert!(err.contains("is not an installation"), "{err}");
    let dir2 = tempfile::tempdir().unwrap();
    Install::minimal().create(dir2.path());
    let err = Sim::try_start(dir2.path(), &["--fault", "explode"])
        .err()
        .expect("bad fault");
    assert!(err.contains("unknown fault"), "{err}");
}
