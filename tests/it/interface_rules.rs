//! Interface rules of docs/format.md that the product once broke: one JSON
//! document with --json, the online/offline path, NO_COLOR, SIGTERM, the
//! secret token, preserve names, config checks; each test pins one.

use crate::common::install::Install;
use assert_cmd::assert::OutputAssertExt;
use std::path::Path;
use std::time::Duration;

use crate::common::sim::Sim;
use crate::common::talos_at;
use serde_json::Value;

/// Stdout must be exactly one JSON document; returns it.
fn one_json_doc(stdout: &[u8]) -> Value {
    let text = std::str::from_utf8(stdout).expect("stdout is UTF-8");
    let mut docs = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let first = docs
        .next()
        .unwrap_or_else(|| panic!("no JSON document on stdout: {text:?}"))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {text:?}"));
    assert!(
        docs.next().is_none(),
        "more than one document on stdout: {text:?}"
    );
    first
}

/// docs/format.md (one JSON document with --json) and §5 (usage error, exit 2):
/// a command line that does not parse still prints an error document.
#[test]
fn usage_error_with_json_prints_one_error_document() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["breaker", "reset", "--json"],
        vec!["--json", "no-such-command"],
        vec!["status", "--no-such-flag", "--json"],
        vec!["log", "query", "--since", "not-a-time", "--json"],
    ] {
        let out = talos_at(dir.path()).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let doc = one_json_doc(&out.stdout);
        assert_eq!(doc["error"]["kind"], "usage", "{args:?}: {doc}");
        assert_eq!(doc["error"]["exit_code"], 2, "{args:?}: {doc}");
        assert!(
            !doc["error"]["message"].as_str().unwrap().is_empty(),
            "{args:?}: {doc}"
        );
    }
    // Without --json a usage error leaves stdout empty.
    let out = talos_at(dir.path())
        .args(["breaker", "reset"])
        .assert()
        .code(2);
    assert!(out.get_output().stdout.is_empty());
}

fn panic_json(root: &Path, extra: &[&str]) -> Value {
    let out = talos_at(root)
        .args(["panic", "--reason", "interface rules", "--yes", "--json"])
        .args(extra)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    out.clone().assert().success();
    one_json_doc(&out.stdout)
}

/// docs/format.md: a command that can act on the daemon says which path it
/// took, `online` (API) or `offline` (files, signals).
#[test]
fn panic_says_which_path_it_took() {
    // Through the API: online.
    let dir = tempfile::tempdir().unwrap();
    Install::minimal().create(dir.path());
    let mut sim = Sim::start(dir.path(), &["--signal-poll", "0.2"]);
    let doc = panic_json(dir.path(), &["--url", &sim.url]);
    assert_eq!(doc["escalation"]["method"], "api", "{doc}");
    assert_eq!(doc["access"], "online", "{doc}");
    assert!(sim.wait_exit(Duration::from_secs(10)).is_some());

    // --offline: the signal file stops it; offline.
    let dir = tempfile::tempdir().unwrap();
    Install::minimal().create(dir.path());
    let mut sim = Sim::start(dir.path(), &["--signal-poll", "0.2"]);
    let doc = panic_json(dir.path(), &["--url", &sim.url, "--offline"]);
    assert_eq!(doc["escalation"]["method"], "signal_file", "{doc}");
    assert_eq!(doc["access"], "offline", "{doc}");
    assert!(sim.wait_exit(Duration::from_secs(10)).is_some());

    // Nothing running (--force): offline.
    let dir = tempfile::tempdir().unwrap();
    Install::minimal().create(dir.path());
    let doc = panic_json(dir.path(), &["--url", "http://127.0.0.1:9", "--force"]);
    assert_eq!(doc["access"], "offline", "{doc}");
}

/// Runs `talos ARGS` on a pseudo-terminal (util-linux `script`), with
/// `NO_COLOR` set or not; returns everything it printed. Fails when `script`
/// is not installed: a terminal test that cannot run must not pass.
fn on_tty(args: &str, no_color: bool) -> Option<String> {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("util-linux `script` is needed for the terminal tests");
    let talos = env!("CARGO_BIN_EXE_talos");
    let mut cmd = std::process::Command::new(script);
    cmd.args(["-qec", &format!("{talos} {args}"), "/dev/null"])
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::null());
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let out = cmd.output().unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// docs/format.md: colour never appears with NO_COLOR set, even on a
/// terminal; progress still does (NO_COLOR removes colour, not progress).
#[test]
fn no_colour_with_no_color_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("inst");
    Install::live().create(&root);
    let out = talos_at(&root)
        .args(["backup", "create", "--yes", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc = one_json_doc(&out.stdout);
    let archive = doc["path"].as_str().unwrap().to_string();
    let root_s = root.display().to_string();
    for args in [
        format!("--root {root_s} backup verify {archive}"),
        format!("--root {root_s} restore {archive} --dry-run"),
        format!("--root {root_s} status"),
    ] {
        let text = on_tty(&args, true)
            .expect("`script` (util-linux) is needed to run talos on a terminal");
        assert!(
            !has_sgr(&text),
            "colour sequences with NO_COLOR for `{args}`: {text:?}"
        );
        assert!(!text.trim().is_empty(), "no output for `{args}`");
    }
    // The other side: on the same terminal without NO_COLOR, colour appears,
    // so the check above is not passing for want of a terminal.
    let args = format!("--root {root_s} status");
    let text =
        on_tty(&args, false).expect("`script` (util-linux) is needed to run talos on a terminal");
    assert!(
        text.contains('\u{1b}'),
        "no colour without NO_COLOR for `{args}`: {text:?}"
    );
}

/// An SGR (colour) sequence, ESC [ digits/; m. Progress uses other escape
/// sequences (erase line, cursor up), which NO_COLOR leaves alone.
fn has_sgr(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len()).any(|i| {
        b[i] == 0x1b && b.get(i + 1) == Some(&b'[') && {
            let n = b[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == b';')
                .count();
            n > 0 && b.get(i + 2 + n) == Some(&b'm')
        }
    })
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// docs/format.md: on SIGTERM the daemon saves state and exits within 15 s;
/// its state (STATE_DIR/orchestrator.json) says it stopped, other keys kept.
#[test]
fn sim_saves_its_state_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    Install::minimal().create(dir.path());
    let state = dir.path().join("var/lib/talos/state/orchestrator.json");
    std::fs::write(&state, r#"{"node_id": "node-7", "status": "unknown"}"#).unwrap();
    let mut sim = Sim::start(dir.path(), &[]);
    let doc = read_json(&state);
    assert_eq!(doc["status"], "running", "{doc}");
    assert_eq!(doc["pid"], sim.pid, "{doc}");
    assert_eq!(doc["node_id"], "node-7", "{doc}");
    let status = sim.terminate(Duration::from_secs(15));
    assert!(status.is_some_and(|s| s.success()), "no clean exit in 15 s");
    let doc = read_json(&state);
    assert_eq!(doc["status"], "stopped", "{doc}");
    assert_eq!(doc["node_id"], "node-7", "{doc}");
    assert!(doc["last_checkpoint"].as_str().is_some(), "{doc}");
    assert!(!sim.pid_file().exists(), "PID file left after a clean exit");
}

/// The entry names of a .tar.gz.
fn tar_names(path: &Path) -> Vec<String> {
    let file = std::fs::File::open(path).unwrap();
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    ar.entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// docs/format.md (the token is never printed or logged) and §3 (emergency
/// preserve: config/, state/, logs/, task_queue.json, metadata.json): the
/// preserve the daemon writes on a panic holds no secrets.
#[test]
fn sim_preserve_holds_no_admin_token() {
    let dir = tempfile::tempdir().unwrap();
    Install::minimal().create(dir.path());
    let mut sim = Sim::start(dir.path(), &[]);
    let doc = panic_json(dir.path(), &["--url", &sim.url]);
    assert_eq!(doc["escalation"]["method"], "api", "{doc}");
    assert_eq!(doc["state"]["preserve_written_by"], "daemon", "{doc}");
    assert!(sim.wait_exit(Duration::from_secs(10)).is_some());
    let preserve = Path::new(doc["state"]["preserve"].as_str().unwrap()).to_path_buf();
    let names = tar_names(&preserve);
    for want in [
        "config/config.yaml",
        "state/circuit_breakers.json",
        "metadata.json",
    ] {
        assert!(
            names.iter().any(|n| n.trim_end_matches('/') == want),
            "{want} missing: {names:?}"
        );
    }
    assert!(
        !names.iter().any(|n| n.contains("secrets")),
        "secrets in the preserve: {names:?}"
    );
}

/// docs/format.md: a preserve is `emergency_YYYYMMDD_HHMMSS.tar.gz`, and the
/// oldest go first. When the name of this second is taken, or a newer
/// preserve exists (clock set back), the daemon still uses that format and
/// its preserve sorts last (so pruning never deletes it first).
#[test]
fn sim_preserve_name_keeps_the_format_and_sorts_last() {
    let dir = tempfile::tempdir().unwrap();
    Install::minimal().create(dir.path());
    let preserves = dir.path().join("var/lib/talos/emergency_preserves");
    std::fs::create_dir_all(&preserves).unwrap();
    let ahead = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(60);
    let fake = format!("emergency_{}.tar.gz", ahead.strftime("%Y%m%d_%H%M%S"));
    std::fs::write(preserves.join(&fake), b"placeholder").unwrap();
    let mut sim = Sim::start(dir.path(), &[]);
    let doc = panic_json(dir.path(), &["--url", &sim.url]);
    assert_eq!(doc["state"]["preserve_written_by"], "daemon", "{doc}");
    assert!(sim.wait_exit(Duration::from_secs(10)).is_some());
    let re = regex::Regex::new(r"^emergency_\d{8}_\d{6}\.tar\.gz$").unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&preserves)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| re.is_match(n)), "{names:?}");
    assert_eq!(
        names[0], fake,
        "the daemon's preserve must sort last: {names:?}"
    );
    let written = Path::new(doc["state"]["preserve"].as_str().unwrap());
    assert_eq!(written.file_name().unwrap().to_str().unwrap(), names[1]);
}

/// docs/format.md/§6: a failure names what failed (the archive's path), exit 1,
/// one error document with --json.
#[test]
fn recover_names_a_missing_archive() {
    let dir = tempfile::tempdir().unwrap();
    Install::minimal().create(dir.path());
    let missing = dir.path().join("no-such-preserve.tar.gz");
    let out = talos_at(dir.path())
        .args(["recover", "--yes", "--json"])
        .arg(&missing)
        .assert()
        .code(1);
    let doc = one_json_doc(&out.get_output().stdout);
    let msg = doc["error"]["message"].as_str().unwrap();
    assert!(msg.contains("no-such-preserve.tar.gz"), "{doc}");
}

/// The recovery token the daemon returns stays in the 0600
/// emergency_state.json: `status` and `recover` do not print it (like the
/// admin token, docs/format.md; panic keeps it out of panic.log).
#[test]
fn status_and_recover_do_not_print_the_recovery_token() {
    let dir = tempfile::tempdir().unwrap();
    Install::minimal().create(dir.path());
    let mut sim = Sim::start(dir.path(), &[]);
    let doc = panic_json(dir.path(), &["--url", &sim.url]);
    assert_eq!(doc["escalation"]["method"], "api", "{doc}");
    assert!(sim.wait_exit(Duration::from_secs(10)).is_some());
    let state_text =
        std::fs::read_to_string(dir.path().join("var/lib/talos/emergency_state.json")).unwrap();
    let state: Value = serde_json::from_str(&state_text).unwrap();
    let token = state["daemon_record"]["recovery_token"]
        .as_str()
        .or(state["recovery_token"].as_str())
        .unwrap_or_else(|| panic!("no recovery token recorded: {state}"))
        .to_string();
    assert!(token.len() >= 16);
    for args in [
        vec!["status", "--json", "--offline"],
        vec!["status", "--offline"],
        vec!["recover", "--dry-run", "--json"],
        vec!["recover", "--dry-run"],
    ] {
        let out = talos_at(dir.path())
            .args(&args)
            .args(["--url", "http://127.0.0.1:9"])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains(&token), "{args:?} printed the token: {all}");
    }
}

/// docs/format.md (recognised settings) and §7 (`config validate` checks
/// config.yaml): a recognised setting that cannot be used is a finding
/// (exit 3), not silently ignored or left to break every daemon command.
#[test]
fn config_validate_checks_the_recognised_settings() {
    let dir = tempfile::tempdir().unwrap();
    Install::minimal().create(dir.path());
    let cfg = dir.path().join("etc/talos/config.yaml");
    talos_at(dir.path())
        .args(["config", "validate"])
        .assert()
        .code(0);
    std::fs::write(
        &cfg,
        "version: \"4.0\"\norchestrator:\n  api_url: \"not a url\"\n  process_match: \"talos([\"\nlogging: {}\nbackup:\n  keep: seven\n",
    )
    .unwrap();
    let out = talos_at(dir.path())
        .args(["config", "validate", "--json"])
        .assert()
        .code(3);
    let doc = one_json_doc(&out.get_output().stdout);
    assert_eq!(doc["valid"], false, "{doc}");
    let problems: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["problem"].as_str().unwrap().to_string())
        .collect();
    for key in [
        "orchestrator.api_url",
        "orchestrator.process_match",
        "backup.keep",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(key)),
            "{key} not reported: {problems:?}"
        );
    }
    // Numbers written as strings are what the loader accepts too.
    std::fs::write(
        &cfg,
        "version: 1\norchestrator:\n  api_url: https://talos.internal:8443\n  process_match: talos\nlogging: {}\nbackup:\n  keep: \"7\"\n",
    )
    .unwrap();
    talos_at(dir.path())
        .args(["config", "validate"])
        .assert()
        .code(0);
}

/// docs/format.md: a bad number is a usage error (exit 2, one JSON document
/// with --json), never a crash (Rust panics exit 101).
#[test]
fn bad_timeout_or_watch_is_a_usage_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    Install::minimal().create(dir.path());
    for t in ["-1", "0", "nan", "inf", "1e300"] {
        let out = talos_at(dir.path())
            .arg(format!("--timeout={t}"))
            .args(["status", "--json", "--offline"])
            .assert()
            .append_context("case", format!("--timeout={t}"))
            .code(2);
        let doc = one_json_doc(&out.get_output().stdout);
        assert_eq!(doc["error"]["kind"], "usage", "--timeout={t}: {doc}");
    }
    for w in ["-1", "0", "nan", "1e300"] {
        let out = talos_at(dir.path())
            .args(["health", "--json", "--offline"])
            .arg(format!("--watch={w}"))
            .timeout(Duration::from_secs(20))
            .assert()
            .append_context("case", format!("--watch={w}"))
            .code(2);
        one_json_doc(&out.get_output().stdout);
    }
    talos_at(dir.path())
        .args(["--timeout", "0.5", "status", "--offline"])
        .assert()
        .code(0);
}

/// docs/format.md status ("daemon up or down (and why) ... pending recovery"):
/// a SIGNAL_PANIC left in DATA_DIR stops the daemon at its next check
/// (§2), so status names it, with what to do.
#[test]
fn status_names_a_waiting_signal_panic() {
    let dir = tempfile::tempdir().unwrap();
    Install::minimal().create(dir.path());
    let status = |root: &Path| {
        let out = talos_at(root)
            .args(["status", "--json", "--offline"])
            .assert()
            .code(0);
        one_json_doc(&out.get_output().stdout)
    };
    let doc = status(dir.path());
    assert!(doc["recovery"]["signal_panic"].is_null(), "{doc}");
    let signal = dir.path().join("var/lib/talos/SIGNAL_PANIC");
    std::fs::write(&signal, r#"{"reason": "left over"}"#).unwrap();
    let doc = status(dir.path());
    assert_eq!(
        doc["recovery"]["signal_panic"].as_str(),
        Some(signal.to_str().unwrap()),
        "{doc}"
    );
    let problems = doc["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| {
            p["title"].as_str().unwrap().contains("SIGNAL_PANIC")
                && p["fix"].as_str().unwrap_or("").contains("rm ")
        }),
        "{doc}"
    );
}
