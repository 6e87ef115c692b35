//! Black-box tests of `talos sandbox init` and of the installation it makes,
//! checked with small independent readers written here (not the product's
//! code): an audit chain checker, a log line checker, SQLite's own checks.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::common::install::{Install, SANDBOX_NOW};
use crate::common::{talos, talos_at, tree_hash};
use sha2::{Digest, Sha256};

const NOW: &str = SANDBOX_NOW;

/// Makes a small sandbox in a new temp dir and returns (dir, root, summary).
fn sandbox(seed: u64) -> (tempfile::TempDir, PathBuf, serde_json::Value) {
    let (dir, made) = Install::sandbox(seed).create_temp();
    (dir, made.root, made.summary)
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

#[test]
fn same_seed_and_now_give_identical_trees() {
    let (_a, ra, _) = sandbox(7);
    let (_b, rb, _) = sandbox(7);
    let (_c, rc, _) = sandbox(8);
    let ha = tree_hash(&ra);
    assert!(ha.len() > 30, "a sandbox has many entries: {ha:?}");
    assert_eq!(ha, tree_hash(&rb));
    assert_ne!(ha, tree_hash(&rc));
}

#[test]
fn layout_modes_and_files_are_as_docs_format_says() {
    let (_d, root, doc) = sandbox(1);
    assert_eq!(doc["scale"], "small");
    assert!(doc["next"].as_array().is_some_and(|n| !n.is_empty()));
    for (rel, want) in [
        ("etc/talos", 0o750),
        ("var/lib/talos", 0o700),
        ("etc/talos/config.yaml", 0o600),
        ("etc/talos/config.yaml.backup", 0o600),
        ("etc/talos/secrets/admin_token", 0o600),
        ("etc/talos/ssl/key.pem", 0o600),
        ("var/lib/talos/db/talos.db", 0o600),
    ] {
        assert_eq!(mode(&root.join(rel)), want, "mode of {rel}");
    }
    for rel in [
        "etc/talos/ssl/cert.pem",
        "var/lib/talos/state/orchestrator.json",
        "var/lib/talos/state/task_queue.json",
        "var/lib/talos/state/circuit_breakers.json",
        "var/lib/talos/state/heartbeat",
        "var/log/talos/orchestrator.log",
        "var/log/talos/orchestrator.log.1",
        "var/log/talos/orchestrator.log.2.gz",
        "var/log/talos/debug.log",
        "var/log/talos/block_events.log",
        "var/log/talos/audit/audit-000001.jsonl",
        "var/log/talos/audit/audit-000002.jsonl",
    ] {
        assert!(root.join(rel).is_file(), "{rel} is missing");
    }
    for rel in [
        "var/lib/talos/state/sessions",
        "opt/talos/custom/plugins",
        "opt/talos/custom/extensions",
        "var/run/talos",
        "var/backups/talos",
    ] {
        assert!(root.join(rel).is_dir(), "{rel} is missing");
    }
    assert!(
        std::fs::read_dir(root.join("opt/talos/custom/plugins"))
            .unwrap()
            .next()
            .is_some()
    );
    assert!(
        std::fs::read_dir(root.join("var/lib/talos/state/sessions"))
            .unwrap()
            .next()
            .is_some()
    );
    assert_eq!(
        std::fs::read_dir(root.join("var/backups/talos"))
            .unwrap()
            .count(),
        0
    );
    assert!(
        !root.join("var/run/talos/orchestrator.pid").exists(),
        "no daemon runs in a fresh sandbox"
    );
    let token = std::fs::read_to_string(root.join("etc/talos/secrets/admin_token")).unwrap();
    let token = token.lines().next().unwrap();
    assert!(token.len() >= 32 && token.bytes().all(|b| b.is_ascii_hexdigit()));
}

#[test]
fn state_files_hold_breakers_queue_and_heartbeat() {
    let (_d, root, _) = sandbox(1);
    let state = root.join("var/lib/talos/state");
    let read = |n: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(state.join(n)).unwrap()).unwrap()
    };
    let b = read("circuit_breakers.json");
    let breakers = b["breakers"].as_object().unwrap();
    let open: Vec<&String> = breakers
        .iter()
        .filter(|(_, v)| v["state"] == "open")
        .map(|(k, _)| k)
        .collect();
    assert_eq!(open, vec!["llm_api"]);
    assert_eq!(breakers["database"]["state"], "closed");
    for v in breakers.values() {
        for key in [
            "failure_count",
            "failure_threshold",
            "recovery_timeout_s",
            "opened_at",
            "last_failure",
        ] {
            assert!(v.get(key).is_some(), "breaker lacks {key}: {v}");
        }
    }
    let q = read("task_queue.json");
    let tasks = q["tasks"].as_array().unwrap();
    assert!(!tasks.is_empty());
    for t in tasks {
        for key in [
            "id",
            "type",
            "priority",
            "status",
            "created_at",
            "correlation_id",
        ] {
            assert!(t.get(key).is_some(), "task lacks {key}: {t}");
        }
    }
    let o = read("orchestrator.json");
    assert!(o.is_object());
    let hb = std::fs::read_to_string(state.join("heartbeat")).unwrap();
    let hb: jiff::Timestamp = hb.trim().parse().expect("heartbeat is RFC 3339");
    let now: jiff::Timestamp = NOW.parse().unwrap();
    assert!(hb < now && now.duration_since(hb).as_secs() < 60);

    // The certificate is valid for 90 days from --now.
    let pem = std::fs::read(root.join("etc/talos/ssl/cert.pem")).unwrap();
    let (_, pem) = x509_parser::pem::parse_x509_pem(&pem).unwrap();
    let cert = pem.parse_x509().unwrap();
    let v = cert.validity();
    assert_eq!(v.not_before.timestamp(), now.as_second());
    assert_eq!(
        v.not_after.timestamp() - v.not_before.timestamp(),
        90 * 86400
    );
}

#[test]
fn refuses_a_non_empty_dir_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
    let out = talos()
        .args(["--json", "sandbox", "init"])
        .arg(dir.path())
        .assert()
        .code(4)
        .stderr(predicates::str::contains("--force"));
    let doc = json_of(out.get_output());
    assert_eq!(doc["error"]["exit_code"], 4);
    assert!(!dir.path().join("etc").exists(), "nothing written");

    // --force makes the sandbox and leaves unrelated files alone; a second
    // --force replaces it with the same tree.
    talos()
        .args(["sandbox", "init", "--force", "--now", NOW])
        .arg(dir.path())
        .assert()
        .code(0);
    let first = tree_hash(dir.path());
    std::fs::write(dir.path().join("var/log/talos/extra.log"), "x").unwrap();
    talos()
        .args(["sandbox", "init", "--force", "--now", NOW])
        .arg(dir.path())
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
        "mine"
    );
    assert_eq!(tree_hash(dir.path()), first);

    talos()
        .args(["sandbox", "init", "--force", "/"])
        .assert()
        .code(4);
}

// ---- settings through `config show --json` --------------------------------

fn setting(doc: &serde_json::Value, name: &str) -> (serde_json::Value, String) {
    let s = doc["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no setting {name} in {doc}"));
    (
        s["value"].clone(),
        s["source"].as_str().unwrap().to_string(),
    )
}

#[test]
fn layout_follows_root_flag_and_env() {
    let (_a, ra, _) = sandbox(1);
    let (_b, rb, _) = sandbox(2);
    let show = |cmd: &mut assert_cmd::Command| json_of(&cmd.output().unwrap());
    let by_env = show(
        talos()
            .env("TALOS_ROOT", &ra)
            .args(["config", "show", "--json"]),
    );
    assert_eq!(
        by_env["layout"]["db"],
        ra.join("var/lib/talos/db/talos.db").to_str().unwrap()
    );
    assert_eq!(setting(&by_env, "root").1, "env");
    // The sandbox's config.yaml is read from under the root.
    assert_eq!(
        setting(&by_env, "orchestrator.process_match"),
        ("talos-sim".into(), "config_file".into())
    );
    // backup.dir from config.yaml is placed under the root.
    assert_eq!(
        setting(&by_env, "backup.dir").0,
        ra.join("var/backups/talos").to_str().unwrap()
    );
    // --root beats TALOS_ROOT.
    let by_flag = show(
        talos()
            .env("TALOS_ROOT", &ra)
            .args(["config", "show", "--json", "--root"])
            .arg(&rb),
    );
    assert_eq!(
        setting(&by_flag, "root"),
        (rb.to_str().unwrap().into(), "flag".into())
    );
    assert_eq!(
        by_flag["layout"]["audit_dir"],
        rb.join("var/log/talos/audit").to_str().unwrap()
    );
}

#[test]
fn settings_precedence_flag_env_file_default() {
    let (_d, root, _) = sandbox(1);
    let cfg = root.join("etc/talos/config.yaml");
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("http://127.0.0.1:8080", "http://127.0.0.1:18080");
    std::fs::write(&cfg, text).unwrap();
    let show = |cmd: &mut assert_cmd::Command| json_of(&cmd.output().unwrap());

    let doc = show(talos_at(&root).args(["config", "show", "--json"]));
    assert_eq!(
        setting(&doc, "orchestrator.api_url"),
        ("http://127.0.0.1:18080".into(), "config_file".into())
    );
    assert_eq!(setting(&doc, "token").1, "secrets_file");
    assert_eq!(setting(&doc, "token").0, "set", "the token is never shown");
    let doc = show(
        talos_at(&root)
            .env("TALOS_URL", "http://env.example:1")
            .env("TALOS_TOKEN", "from-env")
            .args(["config", "show", "--json"]),
    );
    assert_eq!(
        setting(&doc, "orchestrator.api_url"),
        ("http://env.example:1".into(), "env".into())
    );
    assert_eq!(setting(&doc, "token").1, "env");
    let out = talos_at(&root)
        .env("TALOS_URL", "http://env.example:1")
        .env("TALOS_TOKEN", "from-env")
        .args(["config", "show", "--json", "--url", "http://flag.example:2"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("from-env"));
    let doc = json_of(&out);
    assert_eq!(
        setting(&doc, "orchestrator.api_url"),
        ("http://flag.example:2".into(), "flag".into())
    );
    // Without the key in config.yaml: the default.
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("  api_url: http://127.0.0.1:18080\n", "");
    std::fs::write(&cfg, text).unwrap();
    let doc = show(talos_at(&root).args(["config", "show", "--json"]));
    assert_eq!(
        setting(&doc, "orchestrator.api_url"),
        ("http://127.0.0.1:8080".into(), "default".into())
    );
}

// ---- config validate ------------------------------------------------------

fn validate(root: &Path) -> (i32, serde_json::Value, String) {
    let out = talos_at(root)
        .args(["config", "validate", "--json"])
        .output()
        .unwrap();
    let human = talos_at(root)
        .args(["config", "validate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), human.status.code());
    (
        out.status.code().unwrap(),
        json_of(&out),
        String::from_utf8_lossy(&human.stdout).into_owned(),
    )
}

#[test]
fn config_validate_passes_on_a_fresh_sandbox() {
    let (_d, root, _) = sandbox(1);
    let (code, doc, _) = validate(&root);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["valid"], true);
}

#[test]
fn config_validate_catches_a_missing_key() {
    let (_d, root, _) = sandbox(1);
    let cfg = root.join("etc/talos/config.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let cut = text.find("logging:").unwrap();
    let end = text.find("backup:").unwrap();
    std::fs::write(&cfg, format!("{}{}", &text[..cut], &text[end..])).unwrap();
    let (code, doc, human) = validate(&root);
    assert_eq!(code, 3);
    assert_eq!(doc["valid"], false);
    assert!(
        doc["findings"][0]["problem"]
            .as_str()
            .unwrap()
            .contains("logging")
    );
    assert!(
        human.contains("fix:") && human.contains("logging"),
        "{human}"
    );
}

#[test]
fn config_validate_catches_bad_yaml() {
    let (_d, root, _) = sandbox(1);
    let cfg = root.join("etc/talos/config.yaml");
    std::fs::write(
        &cfg,
        "version: \"4.0\"\norchestrator: [unclosed\nlogging: {}\n",
    )
    .unwrap();
    let (code, doc, human) = validate(&root);
    assert_eq!(code, 3);
    assert!(
        doc["findings"][0]["problem"]
            .as_str()
            .unwrap()
            .contains("YAML")
    );
    assert!(human.contains("talos repair config"), "{human}");
    // A broken config.yaml does not stop `config show` (defaults are used).
    let out = talos_at(&root)
        .args(["config", "show", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(json_of(&out)["config_problem"].is_string());
}

#[test]
fn config_validate_catches_a_world_readable_config() {
    let (_d, root, _) = sandbox(1);
    let cfg = root.join("etc/talos/config.yaml");
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, doc, human) = validate(&root);
    assert_eq!(code, 3);
    let fix = doc["findings"][0]["fix"].as_str().unwrap();
    assert!(fix.contains("chmod 0600"), "{fix}");
    assert!(human.contains("chmod 0600"), "{human}");
}

// ---- the audit chain, checked independently --------------------------------

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A minimal checker of docs/format.md: every line's hash is the SHA-256 of the
/// bytes before `,"hash":"`, each prev_hash is the previous hash (64 zeros
/// first), seq rises by one across files. Returns seq → hash.
fn check_chain(audit_dir: &Path) -> BTreeMap<u64, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(audit_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_str().unwrap();
            n.starts_with("audit-") && n.ends_with(".jsonl")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 2, "the chain spans two files: {files:?}");
    let mut prev = "0".repeat(64);
    let mut want_seq = 1u64;
    let mut hashes = BTreeMap::new();
    let mut last_time = String::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        assert!(
            bytes.ends_with(b"\n"),
            "{} ends with a newline",
            f.display()
        );
        for line in bytes[..bytes.len() - 1].split(|b| *b == b'\n') {
            let marker = b",\"hash\":\"";
            let at = line
                .windows(marker.len())
                .rposition(|w| w == marker)
                .expect("a hash field");
            let claimed = std::str::from_utf8(&line[at + marker.len()..line.len() - 2]).unwrap();
            assert!(line.ends_with(b"\"}"));
            assert_eq!(claimed.len(), 64);
            assert_eq!(
                hex(&Sha256::digest(&line[..at])),
                claimed,
                "hash of seq {want_seq}"
            );
            let v: serde_json::Value = serde_json::from_slice(line).unwrap();
            assert_eq!(v["seq"], want_seq);
            assert_eq!(v["prev_hash"], prev.as_str(), "link of seq {want_seq}");
            assert!(
                v["timestamp"].is_string() && v["actor"].is_string() && v["action"].is_string()
            );
            assert!(v["details"].is_object());
            // All stamps are `...T..:..:..mmmZ`, so text order is time order:
            // a practice chain must not teach doctor's clock-skew warning.
            let time = v["timestamp"].as_str().unwrap().to_string();
            assert!(
                time >= last_time,
                "seq {want_seq}: {time} is before {last_time}"
            );
            last_time = time;
            hashes.insert(want_seq, claimed.to_string());
            prev = claimed.to_string();
            want_seq += 1;
        }
    }
    hashes
}

#[test]
fn audit_chain_checks_out_and_db_anchors_match() {
    let (_d, root, doc) = sandbox(3);
    let hashes = check_chain(&root.join("var/log/talos/audit"));
    assert!(hashes.len() >= 200, "a few hundred records");
    assert_eq!(doc["audit"]["records"], hashes.len() as u64);
    let (last_seq, last_hash) = hashes.iter().next_back().unwrap();
    assert_eq!(doc["audit"]["head"]["seq"], *last_seq);
    assert_eq!(doc["audit"]["head"]["hash"], last_hash.as_str());

    let db = rusqlite::Connection::open(root.join("var/lib/talos/db/talos.db")).unwrap();
    let mut stmt = db
        .prepare("SELECT seq, hash FROM audit_log ORDER BY seq")
        .unwrap();
    let anchors: Vec<(u64, String)> = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(anchors.len() >= 5);
    for (seq, hash) in &anchors {
        assert_eq!(hashes.get(seq), Some(hash), "anchor {seq} is in the chain");
    }
    assert_eq!(anchors.last().unwrap().0, *last_seq, "the head is anchored");
}

// ---- the database -----------------------------------------------------------

#[test]
fn database_is_sound_with_the_three_tables_in_wal_mode() {
    let (_d, root, _) = sandbox(1);
    let dbdir = root.join("var/lib/talos/db");
    let names: BTreeSet<String> = std::fs::read_dir(&dbdir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["talos.db".to_string()]),
        "no -wal/-shm left"
    );
    let db = rusqlite::Connection::open_with_flags(
        dbdir.join("talos.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let ok: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let mode: String = db
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    for (table, cols) in [
        (
            "tasks",
            vec![
                "id",
                "type",
                "status",
                "priority",
                "correlation_id",
                "created_at",
                "updated_at",
                "payload",
            ],
        ),
        (
            "sessions",
            vec!["id", "user_id", "created_at", "last_seen", "data"],
        ),
        (
            "audit_log",
            vec!["seq", "timestamp", "actor", "action", "hash"],
        ),
    ] {
        let mut stmt = db
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap();
        let have: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(have, cols, "columns of {table}");
        let n: i64 = db
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert!(n > 0, "{table} has rows");
    }
    // Tasks of the queue file are in the database with the same correlation id.
    let q: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join("var/lib/talos/state/task_queue.json")).unwrap(),
    )
    .unwrap();
    let t = &q["tasks"][0];
    let cid: String = db
        .query_row(
            "SELECT correlation_id FROM tasks WHERE id = ?1",
            [t["id"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(cid, t["correlation_id"].as_str().unwrap());
}

// ---- the logs ------------------------------------------------------------

const TIER2_COMPONENTS: [&str; 8] = [
    "orchestrator",
    "process_supervisor",
    "health_check",
    "web_gui",
    "config_manager",
    "state_manager",
    "backup_service",
    "watchdog",
];
const TIER3_EXTRA: [&str; 3] = ["event_loop", "task_executor", "llm_client"];

fn is_hex(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn lines_of(path: &Path) -> Vec<String> {
    let file = std::fs::File::open(path).unwrap();
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    BufReader::new(reader).lines().map(Result::unwrap).collect()
}

struct FileCheck {
    malformed: u64,
    first: String,
    last: String,
    codes: BTreeSet<String>,
}

/// Checks every line of one Tier 2 or Tier 3 file against docs/format.md's
/// required fields; counts the lines that are not JSON objects.
fn check_log(path: &Path, tier3: bool) -> FileCheck {
    let mut malformed = 0;
    let mut prev = String::new();
    let mut first = None;
    let mut codes = BTreeSet::new();
    for line in lines_of(path) {
        let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(&line)
        else {
            malformed += 1;
            continue;
        };
        let ts = o["timestamp"].as_str().expect("timestamp").to_string();
        ts.parse::<jiff::Timestamp>().expect("RFC 3339 timestamp");
        assert!(ts.len() == 24 && ts.ends_with('Z'), "millisecond UTC: {ts}");
        assert!(ts >= prev, "{}: {ts} after {prev}", path.display());
        prev = ts.clone();
        first.get_or_insert(ts);
        let level = o["level"].as_str().unwrap();
        let component = o["component"].as_str().unwrap();
        assert!(o["message"].is_string());
        let cid = o["correlation_id"].as_str().unwrap();
        if tier3 {
            assert!(["DEBUG", "TRACE"].contains(&level), "{line}");
            assert!(
                TIER2_COMPONENTS.contains(&component) || TIER3_EXTRA.contains(&component),
                "{line}"
            );
            let mut parts = cid.split(':');
            assert!(is_hex(parts.next().unwrap(), 16), "{cid}");
            assert!(parts.all(|p| is_hex(p, 8)), "{cid}");
            assert!(o["context"]["call_depth"].is_u64(), "{line}");
        } else {
            assert!(["ERROR", "WARN", "INFO"].contains(&level), "{line}");
            assert!(TIER2_COMPONENTS.contains(&component), "{line}");
            assert!(is_hex(cid, 16), "{cid}");
            for k in o.keys() {
                assert!(
                    [
                        "timestamp",
                        "level",
                        "component",
                        "message",
                        "correlation_id",
                        "context",
                        "metadata",
                        "error"
                    ]
                    .contains(&k.as_str()),
                    "Tier 2 has no field {k}"
                );
            }
        }
        if let Some(code) = o.get("error").and_then(|e| e["code"].as_str()) {
            assert!(["ERROR", "WARN"].contains(&level));
            codes.insert(code.to_string());
        }
    }
    FileCheck {
        malformed,
        first: first.unwrap_or_default(),
        last: prev,
        codes,
    }
}

#[test]
fn logs_parse_except_the_deliberate_malformed_lines() {
    let (_d, root, doc) = sandbox(1);
    let dir = root.join("var/log/talos");
    let mut codes = BTreeSet::new();
    let mut spans = Vec::new();
    let mut total_malformed = 0;
    for (name, tier3) in [
        ("orchestrator.log.2.gz", false),
        ("orchestrator.log.1", false),
        ("orchestrator.log", false),
        ("debug.log", true),
    ] {
        let c = check_log(&dir.join(name), tier3);
        assert_eq!(
            c.malformed,
            doc["logs"]["malformed"][name].as_u64().unwrap(),
            "malformed lines of {name}"
        );
        total_malformed += c.malformed;
        codes.extend(c.codes);
        if !tier3 {
            spans.push((c.first, c.last));
        }
    }
    assert!(total_malformed >= 3, "a few malformed lines on purpose");
    // Rotations are older than the file after them.
    for w in spans.windows(2) {
        assert!(w[0].1 <= w[1].0, "rotation order: {spans:?}");
    }
    let want: BTreeSet<String> = (1..=10).map(|n| format!("T{n:03}")).collect();
    assert_eq!(codes, want, "every docs/runbook.md code appears");
    // Lines in the last two hours exist (so `--since 2h` finds something).
    let now: jiff::Timestamp = NOW.parse().unwrap();
    let two_h_ago = now
        .checked_sub(jiff::SignedDuration::from_hours(2))
        .unwrap();
    assert!(spans[2].1.parse::<jiff::Timestamp>().unwrap() > two_h_ago);

    for l in lines_of(&dir.join("block_events.log")) {
        let v: serde_json::Value = serde_json::from_str(&l).unwrap();
        assert_eq!(v["event_type"], "event_loop_blocked");
    }
}

#[test]
fn traces_link_tier2_and_tier3_with_children_and_parents() {
    let (_d, root, doc) = sandbox(1);
    let dir = root.join("var/log/talos");
    let example = doc["stories"]["example_trace"]
        .as_str()
        .unwrap()
        .to_string();
    let belongs = |v: &serde_json::Value| {
        let cid = v["correlation_id"].as_str().unwrap_or("");
        cid == example
            || cid.starts_with(&format!("{example}:"))
            || v["context"]["parent_correlation_id"] == example.as_str()
    };
    let mut tier2 = 0;
    let mut children = 0;
    let mut linked_by_parent = 0;
    let mut depths = BTreeSet::new();
    let mut durations = 0;
    for name in ["orchestrator.log", "debug.log"] {
        for l in lines_of(&dir.join(name)) {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&l) else {
                continue;
            };
            if !belongs(&v) {
                continue;
            }
            let cid = v["correlation_id"].as_str().unwrap();
            if name == "orchestrator.log" {
                tier2 += 1;
                durations += v["metadata"]["duration_ms"].is_number() as u32;
            } else {
                depths.insert(v["context"]["call_depth"].as_u64().unwrap());
                children += cid.contains(':') as u32;
                linked_by_parent += (!cid.starts_with(&example)) as u32;
            }
        }
    }
    assert!(tier2 >= 2, "the trace has Tier 2 lines");
    assert!(durations >= 1, "with a duration");
    assert!(children >= 2, "and child operations");
    assert!(linked_by_parent >= 1, "and a follow-up linked by parent id");
    assert!(depths.len() >= 3, "over several call depths: {depths:?}");

    // The breaker story: the breaker opens in the logs with T010.
    let cid = doc["stories"]["breaker_open"]["correlation_id"]
        .as_str()
        .unwrap();
    let opened = lines_of(&dir.join("orchestrator.log"))
        .into_iter()
        .any(|l| {
            l.contains(cid)
                && l.contains("\"T010\"")
                && l.contains("Circuit breaker llm_api opened")
        });
    assert!(opened);
}

#[test]
fn human_output_names_the_next_commands() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sb");
    let out = talos()
        .args(["sandbox", "init", "--now", NOW])
        .arg(&root)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Try next:"), "{text}");
    assert!(text.contains(&format!("talos --root {} status", root.display())));
    // Made in the past: the way to put the shell's clock at the sandbox's.
    assert!(text.contains("export TALOS_NOW="), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour off a terminal");
}

/// The benchmark-sized sandbox; slow, so only on request:
/// `cargo test --release --test it sandbox:: -- --ignored`.
#[test]
#[ignore]
fn large_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("big");
    let out = talos()
        .args([
            "--json", "sandbox", "init", "--scale", "large", "--now", NOW,
        ])
        .arg(&root)
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc = json_of(&out);
    assert_eq!(doc["audit"]["records"], 1_000_000);
    assert!(doc["logs"]["bytes"].as_u64().unwrap() > 900_000_000);
    assert!(doc["database"]["bytes"].as_u64().unwrap() > 200_000_000);
    check_chain(&root.join("var/log/talos/audit"));
}
