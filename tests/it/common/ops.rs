//! Helpers of the doctor, incident and repair tests, and the clean,
//! realistic installation of `Install::clean()`: every directory and mode of
//! docs/format.md, a valid config, a WAL database with its tables, Tier 2/3
//! logs, an audit chain, closed breakers, a certificate valid for a year,
//! and a fresh backup archive whose metadata anchors the chain.
#![allow(dead_code)]

use std::io::Write;
use std::os::unix::fs::PermissionsExt;

use assert_cmd::assert::{Assert, OutputAssertExt};
use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};
use talos::install::Layout;

pub fn ts(t: Timestamp) -> String {
    talos::timespec::format_ts(t)
}

pub fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

pub fn write(p: &Path, text: &str, mode: u32) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
    chmod(p, mode);
}

pub fn append(p: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(p)
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

/// A Tier 2 line.
pub fn t2(
    at: Timestamp,
    level: &str,
    component: &str,
    msg: &str,
    cid: &str,
    code: Option<&str>,
) -> String {
    let mut v = serde_json::json!({
        "timestamp": ts(at), "level": level, "component": component,
        "message": msg, "correlation_id": cid,
    });
    if let Some(c) = code {
        v["error"] = serde_json::json!({"code": c, "type": "X", "recoverable": false});
    }
    format!("{v}\n")
}

pub const CONFIG: &str = "version: \"4.0\"\norchestrator:\n  api_url: http://127.0.0.1:9\n  process_match: talos-ops-test-daemon\nlogging:\n  level: INFO\n";

/// A certificate valid from yesterday until `days` from now (negative:
/// already expired), as SSL_DIR/cert.pem and key.pem.
pub fn write_cert(layout: &Layout, days: i64) {
    use rcgen::{CertificateParams, KeyPair, date_time_ymd};
    let ymd = |t: Timestamp| {
        let d = t.to_zoned(jiff::tz::TimeZone::UTC).date();
        date_time_ymd(d.year() as i32, d.month() as u8, d.day() as u8)
    };
    let now = Timestamp::now();
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.not_before = ymd(now - SignedDuration::from_hours(24 * 400));
    params.not_after = ymd(now + SignedDuration::from_hours(24 * days));
    let cert = params.self_signed(&key).unwrap();
    write(&layout.ssl_dir.join("cert.pem"), &cert.pem(), 0o644);
    write(&layout.ssl_dir.join("key.pem"), &key.serialize_pem(), 0o600);
}

/// A backup archive named for `at`, holding metadata.json (with the audit
/// head) and config/config.yaml = `config`.
pub fn write_backup(
    dir: &Path,
    at: Timestamp,
    config: &str,
    head: Option<(u64, String)>,
) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let name = format!(
        "backup_{}.tar.gz",
        at.to_zoned(jiff::tz::TimeZone::UTC)
            .strftime("%Y%m%d_%H%M%S")
    );
    let path = dir.join(name);
    let f = std::fs::File::create(&path).unwrap();
    let gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    let meta = serde_json::json!({
        "backup_version": "4.0", "created_at": ts(at), "backup_type": "full",
        "audit_head": head.map(|(seq, hash)| serde_json::json!({"seq": seq, "hash": hash})),
    })
    .to_string();
    for (p, body) in [
        ("metadata.json", meta.as_str()),
        ("config/config.yaml", config),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(body.len() as u64);
        h.set_mode(0o600);
        h.set_cksum();
        tar.append_data(&mut h, p, body.as_bytes()).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
    path
}

/// `Install::clean()`: builds the clean installation under `root`.
pub fn clean_files(root: &Path) -> Layout {
    let l = Layout::new(root);
    for (d, mode) in l.directories() {
        std::fs::create_dir_all(&d).unwrap();
        chmod(&d, mode);
    }
    write(&l.config_file, CONFIG, 0o600);
    write(&l.token_file, "s3cret-token\n", 0o600);
    write_cert(&l, 365);
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode=WAL;
         CREATE TABLE tasks (id TEXT PRIMARY KEY, status TEXT);
         CREATE TABLE sessions (id TEXT PRIMARY KEY);
         CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, timestamp TEXT, actor TEXT, action TEXT, hash TEXT);
         INSERT INTO tasks VALUES ('task_1', 'done');",
    )
    .unwrap();
    drop(conn);
    chmod(&l.db, 0o600);
    write(
        &l.breakers_file(),
        r#"{"breakers": {"llm_api": {"state": "closed", "failure_count": 0, "failure_threshold": 5, "recovery_timeout_s": 60, "opened_at": null, "last_failure": null}}}"#,
        0o600,
    );
    write(&l.task_queue(), r#"{"tasks": []}"#, 0o600);
    let now = Timestamp::now();
    let mut ops = String::new();
    let mut dbg = String::new();
    for i in 0..20 {
        let at = now - SignedDuration::from_mins(60 - i);
        let cid = format!("{:016x}", 0xabc000 + i);
        ops.push_str(&t2(
            at,
            "INFO",
            "orchestrator",
            "Task execution completed successfully",
            &cid,
            None,
        ));
        dbg.push_str(&t2(
            at,
            "DEBUG",
            "task_executor",
            "Entering task execution pipeline",
            &cid,
            None,
        ));
    }
    write(&l.orchestrator_log(), &ops, 0o640);
    write(&l.debug_log(), &dbg, 0o640);
    let mut head = None;
    for (i, action) in ["daemon_start", "config_change"].iter().enumerate() {
        let at = now - SignedDuration::from_mins(90 - i as i64);
        let a = talos::audit::append_in(
            &l.audit_dir,
            "system:orchestrator",
            action,
            &serde_json::json!({"n": i}),
            &ts(at),
        )
        .unwrap();
        head = Some((a.seq, a.hash));
    }
    write_backup(
        &l.backup_dir,
        now - SignedDuration::from_mins(30),
        CONFIG,
        head,
    );
    l
}

/// The `talos ...` commands quoted in a fix.
pub fn talos_commands(fix: &str) -> Vec<String> {
    fix.split('`')
        .skip(1)
        .step_by(2)
        .filter(|c| c.starts_with("talos "))
        .map(str::to_string)
        .collect()
}

/// Runs a printed command exactly as printed (plus `--yes`: no terminal
/// here), with `talos` on PATH and no TALOS_* in the environment: the
/// command itself must carry the root.
pub fn run_printed(cmd: &str) -> std::process::Output {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_talos"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{cmd} --yes"))
        .env_clear()
        .env("PATH", path)
        .env("USER", "tester")
        .output()
        .unwrap()
}

/// `run_printed`, asserted to succeed (assert_cmd shows the command and its
/// output when it does not).
pub fn run_printed_ok(cmd: &str) -> Assert {
    run_printed(cmd)
        .assert()
        .append_context("printed command", cmd.to_string())
        .success()
}

/// `talos [GLOBAL...] doctor [--deep]` twice, `--json` and human: (exit
/// code, document, screen). `--deep` goes after the command, every other
/// argument before it.
pub fn doctor(root: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let (own, global): (Vec<&str>, Vec<&str>) = extra.iter().partition(|a| **a == "--deep");
    let out = crate::common::talos_at(root)
        .args(&global)
        .args(["doctor", "--json"])
        .args(&own)
        .assert();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout)
        .unwrap_or_else(|e| panic!("doctor --json is not JSON ({e}):\n{out}"));
    let human = crate::common::talos_at(root)
        .args(&global)
        .arg("doctor")
        .args(&own)
        .output()
        .unwrap();
    (
        out.get_output().status.code().unwrap(),
        doc,
        String::from_utf8_lossy(&human.stdout).into_owned(),
    )
}

/// Warnings and failures of one check.
pub fn findings<'a>(doc: &'a serde_json::Value, check: &str) -> Vec<&'a serde_json::Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check && f["severity"] != "info")
        .collect()
}

/// `talos health --json`: its exit code and report.
pub fn health_json(root: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = crate::common::talos_at(root)
        .args(extra)
        .args(["health", "--json"])
        .assert();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout)
        .unwrap_or_else(|e| panic!("health --json is not JSON ({e}):\n{out}"));
    (out.get_output().status.code().unwrap(), doc)
}
