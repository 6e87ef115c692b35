//! `health`, `status`, `restart` and `breaker` against real talos-sim
//! daemons on 127.0.0.1 (free ports, bounded waits, always stopped).

use crate::common;
use crate::common::install::Install;
use assert_cmd::assert::OutputAssertExt;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use std::path::Path;
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use crate::common::sim::{Sim, TOKEN, tls_files, wait_for};
use crate::common::talos_at;
use serde_json::Value;

/// `talos --root ROOT --url URL ARGS...`, with its output and how long it took.
fn run(root: &Path, url: &str, args: &[&str]) -> (Output, Duration) {
    let start = Instant::now();
    let out = talos_at(root)
        .arg("--url")
        .arg(url)
        .args(args)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    (out, start.elapsed())
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}",
            out.clone().assert()
        )
    })
}

/// A URL where nothing listens.
fn dead_url() -> String {
    format!("http://127.0.0.1:{}", common::free_port())
}

fn breakers_file(root: &Path) -> std::path::PathBuf {
    root.join("var/lib/talos/state/circuit_breakers.json")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The actions of every audit record, in order.
fn audit_actions(root: &Path) -> Vec<(String, String)> {
    let dir = root.join("var/log/talos/audit");
    let mut out = Vec::new();
    for (_, path) in talos::audit::audit_files(&dir).unwrap() {
        for line in std::fs::read_to_string(path).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            out.push((
                v["actor"].as_str().unwrap().to_string(),
                v["action"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

/// A `sleep` that is never signalled by talos; killed by the test on drop.
struct Sleeper(Child);

impl Sleeper {
    fn start() -> Sleeper {
        Sleeper(Command::new("sleep").arg("120").spawn().unwrap())
    }
    fn alive(&mut self) -> bool {
        matches!(self.0.try_wait(), Ok(None))
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn health_exit_codes_online() {
    let cases = [
        (vec![], "healthy", 0),
        (vec!["--fault", "degraded"], "degraded", 1),
        (vec!["--fault", "unhealthy"], "unhealthy", 2),
    ];
    let dirs: Vec<_> = cases.iter().map(|_| tempfile::tempdir().unwrap()).collect();
    let sims: Vec<Sim> = cases
        .iter()
        .zip(&dirs)
        .map(|((extra, _, _), d)| {
            Install::minimal().create(d.path());
            Sim::start(d.path(), extra)
        })
        .collect();
    for (((_, want, code), d), sim) in cases.iter().zip(&dirs).zip(&sims) {
        let (out, _) = run(d.path(), &sim.url, &["health", "--json"]);
        let doc = json(&out);
        assert_eq!(doc["access"], "online", "{doc}");
        assert_eq!(doc["status"], *want, "{doc}");
        assert_eq!(out.status.code(), Some(*code), "{doc}");
        for check in ["orchestrator", "database", "memory", "disk", "certificate"] {
            assert!(doc["checks"][check]["status"].is_string(), "{check}: {doc}");
        }
        assert_eq!(doc["daemon"]["state"], "up");
        assert_eq!(doc["daemon"]["pid"], sim.pid);
    }
    // Human output says the path too.
    let (out, _) = run(dirs[2].path(), &sims[2].url, &["health"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("UNHEALTHY (online"), "{text}");
    assert!(text.contains("fault injected: unhealthy"), "{text}");
}

#[test]
fn health_from_files_when_the_daemon_was_killed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let mut sim = Sim::start(root, &[]);
    let url = sim.url.clone();

    // --offline with a live daemon: the files say running and fresh.
    let (out, _) = run(root, &url, &["health", "--offline", "--json"]);
    let doc = json(&out);
    assert_eq!(doc["access"], "offline");
    assert_eq!(doc["daemon"]["state"], "running");
    assert_eq!(doc["checks"]["orchestrator"]["status"], "pass", "{doc}");
    assert_eq!(doc["checks"]["database"]["quick_check"], "ok", "{doc}");

    sim.kill();
    assert!(sim.pid_file().exists(), "SIGKILL leaves the PID file");
    let (out, took) = run(root, &url, &["health", "--json"]);
    let doc = json(&out);
    assert_eq!(doc["access"], "offline", "{doc}");
    assert_eq!(doc["status"], "unhealthy");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(doc["daemon"]["state"], "stale_pid_file");
    assert_eq!(doc["checks"]["orchestrator"]["status"], "fail");
    assert!(
        doc["checks"]["orchestrator"]["message"]
            .as_str()
            .unwrap()
            .contains("no process has that PID"),
        "{doc}"
    );
    // The contract's 2 s, with room for a loaded CI machine.
    assert!(took < Duration::from_secs(4), "took {took:?}");

    // --online cannot be satisfied: exit 5.
    let (out, _) = run(root, &url, &["health", "--online"]);
    out.clone().assert().code(5);
}

#[test]
fn a_hung_daemon_is_answered_within_5_seconds_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let sim = Sim::start(root, &["--fault", "hang"]);
    // The hung sim never rewrites its heartbeat again: age it as if it had
    // been blocked for a minute.
    let old = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(60);
    std::fs::write(
        root.join("var/lib/talos/state/heartbeat"),
        format!("{old}\n"),
    )
    .unwrap();
    let (out, took) = run(root, &sim.url, &["health", "--json"]);
    let doc = json(&out);
    assert!(took < Duration::from_secs(6), "took {took:?}");
    assert_eq!(doc["access"], "offline");
    assert_eq!(doc["daemon"]["state"], "hung", "{doc}");
    let msg = doc["daemon"]["message"].as_str().unwrap();
    assert!(msg.contains("does not answer"), "{msg}");
    assert!(msg.contains("within"), "timeout named: {msg}");
    assert!(msg.contains("event loop looks blocked"), "{msg}");
    assert_eq!(out.status.code(), Some(2));

    let (out, _) = run(root, &sim.url, &["--timeout", "1", "health", "--online"]);
    assert_eq!(out.status.code(), Some(5));
    let (out, _) = run(root, &sim.url, &["--timeout", "1", "restart"]);
    out.assert().code(5).stderr(contains("talos panic"));

    let (out, _) = run(root, &sim.url, &["--timeout", "1", "status"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("daemon HUNG"), "{text}");
    // The printed command carries this run's --root and --url.
    assert!(text.contains(" panic --reason"), "{text}");

    // Offline breaker reset refused: the daemon is alive.
    let before = std::fs::read(breakers_file(root)).unwrap();
    let (out, _) = run(
        root,
        &sim.url,
        &["--timeout", "1", "breaker", "reset", "payments_api"],
    );
    out.clone().assert().code(4);
    assert_eq!(std::fs::read(breakers_file(root)).unwrap(), before);
}

#[test]
fn a_pid_file_naming_an_unrelated_process_is_stale_and_that_process_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let mut sleeper = Sleeper::start();
    std::fs::write(
        root.join("var/run/talos/orchestrator.pid"),
        format!("{}\n", sleeper.0.id()),
    )
    .unwrap();
    let url = dead_url();

    let (out, _) = run(root, &url, &["status", "--json"]);
    let doc = json(&out);
    assert_eq!(doc["daemon"]["state"], "stale_pid_file", "{doc}");
    let msg = doc["daemon"]["message"].as_str().unwrap();
    assert!(msg.contains("another program"), "{msg}");
    assert_eq!(doc["problems"][0]["severity"], "fail");

    let (out, _) = run(root, &url, &["health", "--json"]);
    assert_eq!(json(&out)["daemon"]["state"], "stale_pid_file");

    // Stale means dead: the offline reset may proceed.
    let (out, _) = run(root, &url, &["breaker", "reset", "payments_api"]);
    out.clone().assert().success();
    let (out, _) = run(root, &url, &["restart"]);
    assert_eq!(out.status.code(), Some(5));

    // The pause IS the check: a wrongly sent signal would have killed it
    // by now (the command has exited; there is no condition to wait on).
    std::thread::sleep(Duration::from_millis(200));
    assert!(sleeper.alive(), "the unrelated process was never signalled");
}

#[test]
fn breaker_reset_online_keeps_everything_else() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let sim = Sim::start(root, &["--flaky", "none"]);
    let before = read_json(&breakers_file(root));

    let (out, _) = run(root, &sim.url, &["breaker", "list", "--json"]);
    let doc = json(&out);
    assert_eq!(doc["access"], "online");
    assert_eq!(doc["breakers"].as_array().unwrap().len(), 2);

    let (out, _) = run(root, &sim.url, &["breaker", "reset", "nope"]);
    out.assert()
        .code(2)
        .stderr(contains("llm_api, payments_api"));

    let (out, _) = run(
        root,
        &sim.url,
        &["breaker", "reset", "payments_api", "--dry-run", "--json"],
    );
    assert_eq!(json(&out)["results"][0]["done"], false);
    assert_eq!(
        read_json(&breakers_file(root)),
        before,
        "dry run changes nothing"
    );

    let (out, _) = run(
        root,
        &sim.url,
        &["breaker", "reset", "payments_api", "--json"],
    );
    out.clone().assert().success();
    let doc = json(&out);
    assert_eq!(doc["access"], "online");
    assert_eq!(doc["results"][0]["from"], "open");
    assert_eq!(doc["results"][0]["done"], true);

    let mut want = before.clone();
    want["breakers"]["payments_api"]["state"] = "closed".into();
    want["breakers"]["payments_api"]["failure_count"] = 0.into();
    want["breakers"]["payments_api"]["opened_at"] = Value::Null;
    assert!(
        wait_for(Duration::from_secs(5), || read_json(&breakers_file(root))
            == want),
        "file after the online reset: {}",
        read_json(&breakers_file(root))
    );
    let actions = audit_actions(root);
    assert!(
        actions
            .iter()
            .any(|(actor, a)| actor.starts_with("operator:") && a == "circuit_breaker_reset"),
        "{actions:?}"
    );
    assert!(
        actions
            .iter()
            .any(|(actor, a)| actor == "system:orchestrator" && a == "circuit_breaker_reset"),
        "{actions:?}"
    );
}

#[test]
fn breaker_reset_offline_rewrites_only_what_it_must() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let url = dead_url();
    let file = breakers_file(root);
    let before_bytes = std::fs::read(&file).unwrap();
    let before = read_json(&file);

    let (out, _) = run(root, &url, &["breaker", "reset", "--all", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read(&file).unwrap(), before_bytes);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("would reset payments_api: open -> closed"),
        "{text}"
    );

    let (out, _) = run(root, &url, &["breaker", "list", "--online"]);
    assert_eq!(out.status.code(), Some(5));

    let (out, _) = run(root, &url, &["breaker", "reset", "payments_api", "--json"]);
    out.clone().assert().success();
    let doc = json(&out);
    assert_eq!(doc["access"], "offline");
    assert!(doc["note"].as_str().unwrap().contains("no PID file"));
    let mut want = before.clone();
    want["breakers"]["payments_api"]["state"] = "closed".into();
    want["breakers"]["payments_api"]["failure_count"] = 0.into();
    want["breakers"]["payments_api"]["opened_at"] = Value::Null;
    assert_eq!(read_json(&file), want);
    let after: Vec<String> = read_json(&file)["breakers"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(after, ["llm_api", "payments_api"], "order kept");
    assert!(
        audit_actions(root)
            .iter()
            .any(|(_, a)| a == "circuit_breaker_reset")
    );

    // --offline with a live daemon is refused.
    let sim = Sim::start(root, &["--flaky", "none"]);
    let (out, _) = run(
        root,
        &sim.url,
        &["breaker", "reset", "llm_api", "--offline"],
    );
    out.clone().assert().code(4);
}

#[test]
fn https_with_a_private_ca() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    Install::minimal().create(&root);
    let tls = tls_files(&dir.path().join("tls"));
    let sim = Sim::start(
        &root,
        &[
            "--tls-cert",
            tls.cert.to_str().unwrap(),
            "--tls-key",
            tls.key.to_str().unwrap(),
        ],
    );
    assert!(sim.url.starts_with("https://"), "{}", sim.url);
    let (out, _) = run(
        &root,
        &sim.url,
        &[
            "--cacert",
            tls.ca.to_str().unwrap(),
            "health",
            "--online",
            "--json",
        ],
    );
    out.clone().assert().success();
    assert_eq!(json(&out)["access"], "online");

    let (out, _) = run(
        &root,
        &sim.url,
        &[
            "--cacert",
            tls.ca.to_str().unwrap(),
            "breaker",
            "reset",
            "payments_api",
        ],
    );
    out.clone().assert().success();

    // Without the CA the certificate is not trusted: a TLS error, exit 5.
    let (out, _) = run(&root, &sim.url, &["breaker", "list", "--online"]);
    out.assert()
        .code(5)
        .stderr(contains("TLS").and(contains("--cacert")));
}

#[test]
fn a_wrong_token_gets_a_clear_401_message() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let sim = Sim::start(root, &["--flaky", "none"]);
    let secret = "not-the-right-token-42";
    // No token is printed, on either stream.
    let no_token = || contains(secret).or(contains(TOKEN)).not();
    talos_at(root)
        .env("TALOS_TOKEN", secret)
        .args(["--url", &sim.url, "breaker", "reset", "payments_api"])
        .timeout(Duration::from_secs(30))
        .assert()
        .code(1)
        .stderr(
            contains("the token was rejected")
                .and(contains("TALOS_TOKEN"))
                .and(contains("secrets/admin_token"))
                .and(no_token()),
        )
        .stdout(no_token());

    talos_at(root)
        .env("TALOS_TOKEN", secret)
        .args(["--url", &sim.url, "restart"])
        .timeout(Duration::from_secs(30))
        .assert()
        .code(1)
        .stderr(contains("the token was rejected"));
}

#[test]
fn restart_goes_through_the_api_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let sim = Sim::start(root, &[]);
    let (out, _) = run(root, &sim.url, &["restart", "--json"]);
    out.clone().assert().success();
    let doc = json(&out);
    assert_eq!(doc["access"], "online");
    assert!(doc["answering_again_after_ms"].is_number(), "{doc}");
    let actions = audit_actions(root);
    assert!(
        actions
            .iter()
            .any(|(actor, a)| actor.starts_with("operator:") && a == "daemon_restart"),
        "{actions:?}"
    );
    assert!(
        std::fs::read_to_string(sim.pid_file())
            .unwrap()
            .starts_with(&sim.pid.to_string())
    );
    let (out, _) = run(root, &sim.url, &["restart", "--offline"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn status_reports_a_crash_and_pending_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let mut sim = Sim::start(root, &["--fault", "crash-after=0.3"]);
    assert!(sim.wait_exit(Duration::from_secs(10)).is_some());
    std::fs::write(
        root.join("var/lib/talos/emergency_state.json"),
        r#"{"panic_timestamp": "2024-01-15T08:30:00Z", "reason": "drill", "pid": 1, "data_dir": "/x", "recovery_available": true, "force_shutdown": false, "method": "sigkill", "preserve": null}"#,
    )
    .unwrap();
    std::fs::write(root.join("var/lib/talos/restore.journal"), "{}\n").unwrap();
    let backup = root.join("var/backups/talos/backup_20240101_000000.tar.gz");
    std::fs::write(&backup, b"not checked by status").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&backup)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(3 * 86400))
        .unwrap();
    let (out, _) = run(root, &sim.url, &["status", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let doc = json(&out);
    assert_eq!(doc["access"], "offline");
    let whats: Vec<&str> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert!(
        whats.iter().any(|w| w.contains("a restore did not finish")),
        "{whats:?}"
    );
    assert!(
        // Aged by the time in its name (as doctor and backup list do), not
        // by its mtime.
        whats
            .iter()
            .any(|w| w.contains("the newest backup is") && !w.contains("is 3d")),
        "{whats:?}"
    );
    assert!(doc["backup"]["age_ms"].as_i64().unwrap() >= (3 * 86400 - 10) * 1000);
    assert_eq!(doc["daemon"]["state"], "stale_pid_file", "{doc}");
    let problems = doc["problems"].as_array().unwrap();
    assert!(problems.len() >= 3, "{problems:?}");
    assert_eq!(problems[0]["severity"], "fail");
    assert!(
        problems
            .iter()
            .any(|p| p["fix"].as_str().unwrap_or("").contains(" recover`"))
    );
    assert!(
        problems
            .iter()
            .any(|p| p["title"].as_str().unwrap().contains("payments_api"))
    );
    assert!(doc["audit"]["head"]["seq"].as_u64().unwrap() >= 1);
    // Severities never go back up the list.
    let rank = |s: &str| ["fail", "warn", "info"].iter().position(|x| *x == s);
    let ranks: Vec<_> = problems
        .iter()
        .map(|p| rank(p["severity"].as_str().unwrap()))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");

    let (out, _) = run(root, &sim.url, &["status"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("DOWN (stale PID file)"), "{text}");
    assert!(text.contains("fix:"), "{text}");
}

#[test]
fn health_is_unknown_without_an_installation() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = run(dir.path(), &dead_url(), &["health", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(json(&out)["status"], "unknown");
}

#[test]
fn a_slow_api_with_a_fresh_heartbeat_is_degraded_not_dead() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    let sim = Sim::start(root, &["--fault", "slow-health=10"]);
    let (out, took) = run(root, &sim.url, &["--timeout", "1", "health", "--json"]);
    assert!(took < Duration::from_secs(4), "took {took:?}");
    let doc = json(&out);
    assert_eq!(doc["daemon"]["state"], "hung", "{doc}");
    assert!(
        doc["daemon"]["message"]
            .as_str()
            .unwrap()
            .contains("heartbeat is fresh"),
        "{doc}"
    );
    assert_eq!(doc["checks"]["orchestrator"]["status"], "warn", "{doc}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn health_watch_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    Install::minimal().create(root);
    // Dies after its timeout: assert_cmd kills it, and what it printed stays.
    let out = talos_at(root)
        .args(["--url", &dead_url(), "health", "--watch", "0.3", "--json"])
        .timeout(Duration::from_millis(1500))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let docs: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(docs.len() >= 2, "{text}");
    assert!(docs.iter().all(|d| d["access"] == "offline"));
}
