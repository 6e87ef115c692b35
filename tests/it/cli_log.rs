//! `talos log query|trace|stats` on logs built here: current files, a plain
//! rotation, gzip'd rotations (one of them multi-member), Tier 3, and every
//! kind of malformed line. Query results are checked line for line, in
//! order, against a reference computed with `jq` (when installed) and,
//! always, against an independent one computed here with serde_json.

use assert_cmd::assert::OutputAssertExt;
use predicates::prelude::PredicateBooleanExt;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::{json_ok, talos_at};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

const X: &str = "a1b2c3d4e5f67890";
const COMPONENTS: [&str; 4] = ["orchestrator", "health_check", "web_gui", "task_executor"];
const LEVELS2: [&str; 3] = ["INFO", "WARN", "ERROR"];
const LEVELS3: [&str; 2] = ["DEBUG", "TRACE"];

/// A tiny deterministic generator, so a failure can be replayed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn ts(ms: u64) -> String {
    let t = jiff::Timestamp::from_millisecond(1_705_305_600_000 + ms as i64).unwrap();
    format!("{t:.3}")
}

/// One well-formed line. `n` makes every line unique.
fn line(rng: &mut Rng, n: &mut u64, tier3: bool, t: u64) -> String {
    *n += 1;
    let cid = match rng.below(10) {
        0 | 1 => X.to_string(),
        2 => format!("{X}:{:02}", rng.below(3)),
        3 => format!("{X}:01:{:02}", rng.below(2)),
        4 => format!("{X}ff"), // starts with X but is another id
        _ => format!("{:016x}", rng.next() * 7919),
    };
    let level = if tier3 {
        LEVELS3[rng.below(2) as usize]
    } else {
        LEVELS2[rng.below(3) as usize]
    };
    let mut v = json!({
        "timestamp": ts(t),
        "level": level,
        "component": COMPONENTS[rng.below(4) as usize],
        "message": format!("step {n} of something"),
        "correlation_id": cid,
        "n": *n,
    });
    match rng.below(6) {
        0 => v["context"] = json!({"parent_correlation_id": X, "call_depth": rng.below(4)}),
        1 => v["context"] = json!({"request_id": "x", "call_depth": rng.below(4)}),
        2 => v["message"] = json!(format!("mentions {X} in text {n}")),
        _ => {}
    }
    if rng.below(3) == 0 {
        v["metadata"] = json!({"duration_ms": rng.below(2000) as f64 / 4.0});
    }
    if level == "ERROR" {
        v["error"] = json!({"code": format!("T{:03}", 1 + rng.below(10)), "recoverable": false});
    }
    if rng.below(40) == 0 {
        // Lines without a timestamp sort first.
        v.as_object_mut().unwrap().remove("timestamp");
    }
    if rng.below(25) == 0 {
        v["metadata"] = json!("not an object"); // makes a jq path an error
    }
    v.to_string()
}

/// Lines of one file: times rising with jitter (files overlap in time and
/// lines inside a file are not strictly ordered), equal times across files.
fn file_lines(rng: &mut Rng, n: &mut u64, tier3: bool, from: u64, count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| {
            let t = from + (i as u64) * 50 + rng.below(120);
            // Every 50th line gets a round time shared with other files.
            let t = if i % 50 == 0 { from + i as u64 * 50 } else { t };
            line(rng, n, tier3, t).into_bytes()
        })
        .collect()
}

fn malformed_lines() -> Vec<Vec<u8>> {
    vec![
        format!("not json at all {X}").into_bytes(),
        format!("[\"{X}\", 1]").into_bytes(),
        format!("\"{X}\"").into_bytes(),
        b"42".to_vec(),
        {
            let mut l = format!("{{\"correlation_id\":\"{X}\",\"message\":\"bad ").into_bytes();
            l.extend_from_slice(b"\xff\xfe utf8\"}");
            l
        },
        format!("{{\"correlation_id\":\"{X}\"}} trailing").into_bytes(),
    ]
}

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// Plain copies of the files in search order, for the references.
    plain: Vec<PathBuf>,
}

fn gz(parts: &[&[u8]]) -> Vec<u8> {
    // Each part is its own gzip member: MultiGzDecoder must read them all.
    let mut out = Vec::new();
    for p in parts {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(p).unwrap();
        out.extend(e.finish().unwrap());
    }
    out
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let logs = root.join("var/log/talos");
    let refs = root.join("plain");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::create_dir_all(&refs).unwrap();
    std::fs::create_dir_all(logs.join("audit")).unwrap();
    let mut rng = Rng(42);
    let mut n = 0u64;
    let mut files: Vec<(&str, Vec<u8>)> = Vec::new();

    // Tier 2: .2.gz (two gzip members), .1, current (ends half-written).
    let mut o2 = file_lines(&mut rng, &mut n, false, 0, 400);
    o2.insert(100, malformed_lines()[0].clone());
    let o2 = join(&o2);
    let (a, b) = o2.split_at(o2.len() / 3);
    files.push(("orchestrator.log.2.gz", gz(&[a, b])));
    let mut o1 = file_lines(&mut rng, &mut n, false, 15_000, 400);
    for (i, m) in malformed_lines().into_iter().enumerate() {
        o1.insert(30 + i * 40, m);
    }
    files.push(("orchestrator.log.1", join(&o1)));
    let o0 = file_lines(&mut rng, &mut n, false, 30_000, 400);
    let mut current = join(&o0);
    current.extend_from_slice(
        format!(
            "{{\"timestamp\":\"{}\",\"correlation_id\":\"{X}\",\"mess",
            ts(40_000)
        )
        .as_bytes(),
    );
    files.push(("orchestrator.log", current));

    // Tier 3: .1.gz and current with a 10 MB line holding the id.
    let d1 = file_lines(&mut rng, &mut n, true, 10_000, 300);
    files.push(("debug.log.1.gz", gz(&[&join(&d1)])));
    let mut d0 = file_lines(&mut rng, &mut n, true, 25_000, 300);
    let mut big = format!(
        "{{\"timestamp\":\"{}\",\"level\":\"DEBUG\",\"correlation_id\":\"{X}\",\"message\":\"",
        ts(26_000)
    )
    .into_bytes();
    big.extend(std::iter::repeat_n(b'x', 10 << 20));
    big.extend_from_slice(b"\"}");
    d0.insert(150, big);
    files.push(("debug.log", join(&d0)));

    // Not Tier 2/3: must never be searched by default.
    let decoy = format!(
        "{{\"timestamp\":\"{}\",\"level\":\"ERROR\",\"correlation_id\":\"{X}\",\"n\":0}}\n",
        ts(1)
    );
    for name in [
        "panic.log",
        "restore.log",
        "block_events.log",
        "audit/audit-000001.jsonl",
    ] {
        std::fs::write(logs.join(name), &decoy).unwrap();
    }

    let mut plain = Vec::new();
    for (name, bytes) in &files {
        std::fs::write(logs.join(name), bytes).unwrap();
        let text = if name.ends_with(".gz") {
            let mut d = flate2::read::MultiGzDecoder::new(&bytes[..]);
            let mut s = Vec::new();
            std::io::Read::read_to_end(&mut d, &mut s).unwrap();
            s
        } else {
            bytes.clone()
        };
        let p = refs.join(name.trim_end_matches(".gz"));
        std::fs::write(&p, text).unwrap();
        plain.push(p);
    }
    Fixture {
        _dir: dir,
        root,
        plain,
    }
}

/// Independent reference: every line of the plain copies, in search order,
/// that is a UTF-8 JSON object of at most 1 MiB and passes `keep`, stably
/// sorted by timestamp (missing first, like jq's null).
fn reference(fx: &Fixture, keep: impl Fn(&Value) -> bool) -> Vec<Value> {
    let mut out = Vec::new();
    for p in &fx.plain {
        let bytes = std::fs::read(p).unwrap();
        for l in bytes.split(|b| *b == b'\n') {
            if l.len() > talos::logs::MAX_LINE {
                continue;
            }
            let Ok(text) = std::str::from_utf8(l) else {
                continue;
            };
            let Ok(v) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            if v.is_object() && keep(&v) {
                out.push(v);
            }
        }
    }
    out.sort_by(|a, b| {
        let ka = a.get("timestamp").and_then(Value::as_str);
        let kb = b.get("timestamp").and_then(Value::as_str);
        ka.cmp(&kb)
    });
    out
}

fn have_jq() -> bool {
    Command::new("jq")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The jq reference: `select(COND)` over the raw lines of the plain copies,
/// dropping what jq can read but the contract calls malformed (lines with
/// invalid UTF-8, which jq turns into U+FFFD, and lines over 1 MiB), then
/// `sort_by(.timestamp)`, which is stable.
fn jq_reference(fx: &Fixture, cond: &str) -> Option<Vec<Value>> {
    if !have_jq() {
        crate::common::missing_requirement(
            "jq is not installed (apt-get install -y jq): the jq reference is not checked",
            "TALOS_SKIP_JQ",
        );
        return None;
    }
    let prog = format!(
        "[inputs | select(length <= {}) | (fromjson? // empty) | objects \
         | select(tojson | contains(\"\\ufffd\") | not) | select({cond})] \
         | sort_by(.timestamp) | .[]",
        talos::logs::MAX_LINE
    );
    let out = Command::new("jq")
        .args(["-R", "-n", "-c", &prog])
        .args(&fx.plain)
        .output()
        .unwrap();
    out.clone().assert().success();
    Some(parse_lines(&out.stdout))
}

fn parse_lines(bytes: &[u8]) -> Vec<Value> {
    bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect()
}

/// Runs `talos log query ARGS --json` and checks that every line printed is
/// an input line byte for byte; returns them parsed.
fn query(fx: &Fixture, args: &[&str]) -> (Vec<Value>, String) {
    let out = talos_at(&fx.root)
        .args(["log", "query", "--json"])
        .args(args)
        .output()
        .unwrap();
    out.clone().assert().success();
    let mut inputs = std::collections::HashSet::new();
    for p in &fx.plain {
        for l in std::fs::read(p).unwrap().split(|b| *b == b'\n') {
            inputs.insert(l.to_vec());
        }
    }
    for l in out.stdout.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        assert!(
            inputs.contains(l),
            "not an input line verbatim: {}",
            String::from_utf8_lossy(l)
        );
    }
    (
        parse_lines(&out.stdout),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn ids(v: &[Value]) -> Vec<i64> {
    v.iter().map(|x| x["n"].as_i64().unwrap_or(-1)).collect()
}

fn check(fx: &Fixture, args: &[&str], jq_cond: &str, keep: impl Fn(&Value) -> bool) -> Vec<Value> {
    let (got, _) = query(fx, args);
    let want = reference(fx, keep);
    assert_eq!(ids(&got), ids(&want), "serde_json reference, args {args:?}");
    assert_eq!(got, want);
    if let Some(jq) = jq_reference(fx, jq_cond) {
        // Identity and order by the unique `n` (jq rewrites 105.0 as 105).
        assert_eq!(ids(&got), ids(&jq), "jq reference, args {args:?}");
    }
    got
}

fn belongs(v: &Value) -> bool {
    let cid = v.get("correlation_id").and_then(Value::as_str);
    cid == Some(X)
        || cid.is_some_and(|c| c.starts_with(&format!("{X}:")))
        || v.get("context")
            .and_then(|c| c.get("parent_correlation_id"))
            .and_then(Value::as_str)
            == Some(X)
}

#[test]
fn correlation_id_matches_jq_line_for_line() {
    let fx = fixture();
    let cond = format!(
        ".correlation_id == \"{X}\" or ((.correlation_id | type) == \"string\" and (.correlation_id | startswith(\"{X}:\"))) \
         or ((.context | type) == \"object\" and .context.parent_correlation_id == \"{X}\")"
    );
    let got = check(&fx, &["--correlation-id", X], &cond, belongs);
    assert!(got.len() > 300, "only {} lines", got.len());
    // Ties across files keep file order; lines without a time come first.
    assert!(got[0].get("timestamp").is_none());
}

#[test]
fn level_component_and_time_filters_match_jq() {
    let fx = fixture();
    let up = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::to_ascii_uppercase)
    };
    check(
        &fx,
        &["--level", "error,Warn"],
        "(.level | type) == \"string\" and ((.level | ascii_upcase) == \"ERROR\" or (.level | ascii_upcase) == \"WARN\")",
        |v| matches!(up(v, "level").as_deref(), Some("ERROR" | "WARN")),
    );
    check(
        &fx,
        &["--component", "health_check"],
        ".component == \"health_check\"",
        |v| v.get("component").and_then(Value::as_str) == Some("health_check"),
    );
    let (since, until) = (ts(12_000), ts(31_000));
    let cond = format!(
        "(.timestamp | type) == \"string\" and .timestamp >= \"{since}\" and .timestamp < \"{until}\""
    );
    let got = check(&fx, &["--since", &since, "--until", &until], &cond, |v| {
        v.get("timestamp")
            .and_then(Value::as_str)
            .is_some_and(|t| t >= since.as_str() && t < until.as_str())
    });
    assert!(!got.is_empty());
    // All filters together.
    let cond = format!("({cond}) and .level == \"ERROR\" and .component == \"web_gui\"");
    check(
        &fx,
        &[
            "--since",
            &since,
            "--until",
            &until,
            "--level",
            "ERROR",
            "--component",
            "web_gui",
        ],
        &cond,
        |v| {
            v.get("timestamp")
                .and_then(Value::as_str)
                .is_some_and(|t| t >= since.as_str() && t < until.as_str())
                && v["level"] == "ERROR"
                && v["component"] == "web_gui"
        },
    );
}

#[test]
fn filter_program_matches_jq() {
    let fx = fixture();
    // `try`: where .metadata is a string the path is an error, which
    // talos counts as no match.
    let prog = ".metadata.duration_ms > 300 and .level != \"TRACE\"";
    let got = check(
        &fx,
        &["--filter", prog],
        &format!("try ({prog}) catch false"),
        |v| {
            let d = v
                .get("metadata")
                .and_then(|m| m.as_object())
                .and_then(|m| m.get("duration_ms"))
                .and_then(Value::as_f64);
            d.is_some_and(|d| d > 300.0) && v["level"] != "TRACE"
        },
    );
    assert!(!got.is_empty());
    // Combined with a prefiltered field filter.
    check(
        &fx,
        &["--correlation-id", X, "--filter", ".level == \"ERROR\""],
        &format!(
            ".level == \"ERROR\" and (.correlation_id == \"{X}\" or ((.correlation_id | type) == \"string\" and (.correlation_id | startswith(\"{X}:\"))) or ((.context | type) == \"object\" and .context.parent_correlation_id == \"{X}\"))"
        ),
        |v| belongs(v) && v["level"] == "ERROR",
    );
}

#[test]
fn code_contains_count_limit_and_malformed_report() {
    let fx = fixture();
    check(
        &fx,
        &["--code", "t007"],
        "(.error | type) == \"object\" and .error.code == \"T007\"",
        |v| v.get("error").and_then(|e| e.get("code")) == Some(&json!("T007")),
    );
    check(
        &fx,
        &["--contains", "mentions a1b2"],
        "(.message | type) == \"string\" and (.message | contains(\"mentions a1b2\"))",
        |v| {
            v.get("message")
                .and_then(Value::as_str)
                .is_some_and(|m| m.contains("mentions a1b2"))
        },
    );
    let all = reference(&fx, belongs);
    let (first, _) = query(&fx, &["--correlation-id", X, "--limit", "7"]);
    assert_eq!(first, all[..7].to_vec());

    let out = talos_at(&fx.root)
        .args(["log", "query", "--correlation-id", X, "--count", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc, json!({"count": all.len()}));

    // Without a needle every line is read: every kind of malformed line is
    // counted on stderr, and stdout holds only records.
    let run = talos_at(&fx.root)
        .args(["log", "query", "--json"])
        .assert()
        .success()
        .stderr(
            predicates::str::contains("invalid UTF-8")
                .and(predicates::str::contains("not a JSON object"))
                .and(predicates::str::contains("half-written last line"))
                .and(predicates::str::contains("longer than 1 MiB"))
                .and(predicates::str::contains("skipped 9 malformed")),
        );
    let out = run.get_output();
    assert_eq!(
        parse_lines(&out.stdout).len(),
        reference(&fx, |_| true).len()
    );
}

#[test]
fn human_output_and_explicit_files() {
    let fx = fixture();
    let out = talos_at(&fx.root)
        .args(["log", "query", "--code", "T003", "--limit", "3"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    for l in text.lines() {
        assert!(l.contains("ERROR") && l.contains("[T003]"), "{l}");
        assert!(!l.contains('\x1b'), "no colour off a terminal: {l}");
    }
    // Named files, including one that is not Tier 2/3.
    let logs = fx.root.join("var/log/talos");
    let out = talos_at(&fx.root)
        .args(["log", "query", "--json", "--correlation-id", X])
        .arg(logs.join("panic.log"))
        .arg(logs.join("orchestrator.log.2.gz"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let got = parse_lines(&out.stdout);
    let first_timed = got.iter().find(|v| v.get("timestamp").is_some()).unwrap();
    assert_eq!(
        first_timed["n"], 0,
        "panic.log's line has the earliest time"
    );
    assert!(got.len() > 50);
    // A missing file is an error before any output.
    talos_at(&fx.root)
        .args(["log", "query", "/nonexistent/orchestrator.log"])
        .assert()
        .code(1)
        .stdout("");
}

#[test]
fn bad_filter_is_a_usage_error_with_jaqs_message() {
    let fx = fixture();
    let out = talos_at(&fx.root)
        .args(["log", "query", "--filter", ".level == (", "--json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("expected"));
    let doc: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(doc["error"]["kind"], "usage");
    talos_at(&fx.root)
        .args(["log", "query", "--filter", "nosuch(1)"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("undefined filter `nosuch`"));
}

#[test]
fn unknown_level_is_a_usage_error_not_an_empty_answer() {
    let fx = fixture();
    talos_at(&fx.root)
        .args(["log", "query", "--level", "error,bogus"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown level `bogus`"));
    talos_at(&fx.root)
        .args(["log", "query", "--level", "Error,WARN", "--count"])
        .assert()
        .stderr(predicates::str::contains("unknown level").not());
}

#[test]
fn corrupt_gzip_is_reported_and_the_rest_still_searched() {
    let fx = fixture();
    let logs = fx.root.join("var/log/talos");
    let p = logs.join("debug.log.1.gz");
    let mut bytes = std::fs::read(&p).unwrap();
    let len = bytes.len();
    bytes.truncate(len / 2);
    bytes.extend_from_slice(b"garbage garbage garbage");
    std::fs::write(&p, bytes).unwrap();
    let out = talos_at(&fx.root)
        .args(["log", "query", "--json", "--correlation-id", X])
        .assert()
        .append_context("expected", "1: a partial result")
        .code(1)
        .stderr(predicates::str::contains("debug.log.1.gz"));
    assert!(parse_lines(&out.get_output().stdout).len() > 200);
}

#[test]
fn trace_builds_the_call_tree() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("var/log/talos");
    std::fs::create_dir_all(&logs).unwrap();
    let l = |t: &str, level: &str, cid: &str, extra: &str| {
        format!(
            "{{\"timestamp\":\"2024-01-15T08:23:{t}Z\",\"level\":\"{level}\",\"component\":\"orchestrator\",\"message\":\"m {cid} {t}\",\"correlation_id\":\"{cid}\"{extra}}}\n"
        )
    };
    let ops = [
        l("40.000", "INFO", X, ""),
        l(
            "40.500",
            "ERROR",
            &format!("{X}:db"),
            ",\"error\":{\"code\":\"T002\"}",
        ),
        l("41.000", "INFO", X, ",\"metadata\":{\"duration_ms\":1000}"),
    ]
    .concat();
    let debug = [
        l("40.100", "DEBUG", X, ",\"context\":{\"call_depth\":2}"),
        l("40.200", "TRACE", "ffffffffffffffff", &format!(",\"context\":{{\"parent_correlation_id\":\"{X}\",\"call_depth\":3}},\"trace\":{{\"entry_time\":\"2024-01-15T08:23:38.000Z\",\"exit_time\":\"2024-01-15T08:23:40.200Z\"}}")),
        l("40.300", "DEBUG", &format!("{X}:db:conn"), ""),
        l("40.400", "DEBUG", "0000000000000000", ""),
    ]
    .concat();
    std::fs::write(logs.join("orchestrator.log"), ops).unwrap();
    std::fs::write(logs.join("debug.log"), debug).unwrap();
    let t = json_ok(talos_at(dir.path()).args(["log", "trace", X, "--json"]));
    assert_eq!(t["lines"], 6);
    assert_eq!(t["errors"], 1);
    assert_eq!(t["root"]["correlation_id"], X);
    assert_eq!(t["root"]["steps"].as_array().unwrap().len(), 3);
    let kids: Vec<&str> = t["root"]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["correlation_id"].as_str().unwrap())
        .collect();
    assert_eq!(kids, ["ffffffffffffffff", &format!("{X}:db")]);
    assert_eq!(
        t["root"]["children"][1]["children"][0]["correlation_id"],
        format!("{X}:db:conn")
    );
    assert_eq!(t["slowest"]["duration_ms"], 2200.0);
    assert_eq!(t["root"]["children"][0]["steps"][0]["slowest"], true);
    assert_eq!(
        t["root"]["children"][1]["steps"][0]["code_response"],
        "Check DB file permissions"
    );

    let out = talos_at(dir.path())
        .args(["log", "trace", X])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("slowest") && text.contains("T002 Database connection failed"),
        "{text}"
    );
    talos_at(dir.path())
        .args(["log", "trace", "1234567890abcdef"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("no log line belongs"));
}

#[test]
fn stats_counts_codes_hours_and_slowest() {
    let fx = fixture();
    let out = talos_at(&fx.root)
        .args(["log", "stats", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = reference(&fx, |_| true);
    assert_eq!(s["lines"], all.len());
    assert_eq!(s["malformed"], 9);
    let errors = all.iter().filter(|v| v["level"] == "ERROR").count() as u64;
    let by_level = s["by_level"].as_array().unwrap();
    let err_row = by_level.iter().find(|r| r["name"] == "ERROR").unwrap();
    assert_eq!(err_row["count"], errors);
    let per_hour: u64 = s["errors_per_hour"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["errors"].as_u64().unwrap())
        .sum();
    assert_eq!(
        per_hour,
        errors
            - all
                .iter()
                .filter(|v| v["level"] == "ERROR" && v.get("timestamp").is_none())
                .count() as u64
    );
    let t007 = s["by_code"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "T007")
        .unwrap();
    assert_eq!(t007["meaning"], "Event loop blocked");
    assert_eq!(t007["response"], "Restart container");
    let slow = s["slowest"].as_array().unwrap();
    assert_eq!(slow.len(), 10);
    let max = all
        .iter()
        .filter_map(|v| {
            v.get("metadata")
                .and_then(|m| m.get("duration_ms"))
                .and_then(Value::as_f64)
        })
        .fold(0.0, f64::max);
    assert_eq!(slow[0]["duration_ms"], max);

    let out = talos_at(&fx.root)
        .args(["log", "stats", "--since", &ts(30_000)])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Errors per hour") && text.contains('█'),
        "{text}"
    );
    assert!(
        text.contains("Restart container") || text.contains("Verify API key"),
        "{text}"
    );
}

/// Kills the child on drop, so a failing test leaves nothing running.
struct Child(std::process::Child);
impl Child {
    /// The child's stdout, line by line, from a reader thread (so a test
    /// can wait for a line with a timeout).
    fn stdout_lines(&mut self) -> mpsc::Receiver<String> {
        let (tx, rx) = mpsc::channel();
        let stdout = self.0.stdout.take().unwrap();
        std::thread::spawn(move || {
            for l in std::io::BufReader::new(stdout).lines() {
                let Ok(l) = l else { break };
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        rx
    }
}
impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn append(p: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(p)
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

#[test]
fn follow_prints_new_lines_across_rotation_and_truncation() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("var/log/talos");
    std::fs::create_dir_all(&logs).unwrap();
    let cur = logs.join("orchestrator.log");
    let rec = |n: u32| {
        format!(
            "{{\"timestamp\":\"2024-01-15T08:00:{:02}.000Z\",\"level\":\"INFO\",\"correlation_id\":\"{X}\",\"n\":{n}}}\n",
            n % 60
        )
    };
    let other = "{\"correlation_id\":\"0000000000000000\",\"n\":-1}\n";
    append(&cur, &rec(1));
    // A half-written line at the end: printed once it is finished.
    append(&cur, &rec(2)[..20]);
    let mut child = Child(
        crate::common::talos_std(dir.path())
            .args(["log", "query", "--follow", "--json", "--correlation-id", X])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let rx = child.stdout_lines();
    let next = |want: u32| {
        let deadline = Instant::now() + Duration::from_secs(20);
        let got = rx
            .recv_timeout(deadline - Instant::now())
            .unwrap_or_else(|_| panic!("line {want} not followed"));
        let v: Value = serde_json::from_str(&got).unwrap();
        assert_eq!(v["n"], want, "{got}");
    };
    next(1);
    append(&cur, &rec(2)[20..]);
    next(2);
    append(&cur, other);
    append(&cur, &rec(3));
    next(3);
    // Rotation: the writer finishes a line in the old file after the rename,
    // then opens a new current file.
    std::fs::rename(&cur, logs.join("orchestrator.log.1")).unwrap();
    append(&logs.join("orchestrator.log.1"), &rec(4));
    // The line finished in the renamed file is followed before the writer
    // opens the new current file (a condition, not a fixed pause).
    next(4);
    append(&cur, &rec(5));
    next(5);
    // copytruncate: the file shrinks and starts over (with less than was
    // there, or the shrink cannot be seen, as with `tail -F`).
    std::fs::write(&cur, format!("{{\"correlation_id\":\"{X}\",\"n\":6}}\n")).unwrap();
    next(6);
    // Tier 3 is followed too.
    append(&logs.join("debug.log"), &rec(7));
    next(7);
    assert!(child.0.try_wait().unwrap().is_none(), "still following");
}

/// `--follow` on a named file that turns unreadable (a socket at its name:
/// unreadable even for root) says so once, not at every poll, then once
/// more when it can be read again. Each line printed from the other file is
/// a poll that also tried the unreadable one.
#[test]
fn follow_says_once_that_a_file_is_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    let rec = |n: u32| {
        format!(
            "{{\"timestamp\":\"2024-01-15T08:00:{n:02}.000Z\",\"correlation_id\":\"{X}\",\"n\":{n}}}\n"
        )
    };
    std::fs::write(&a, rec(0)).unwrap();
    std::fs::write(&b, "").unwrap();
    let mut child = Child(
        crate::common::talos_std(dir.path())
            .args(["log", "query", "--follow", "--json", "--limit", "7"])
            .args(["--correlation-id", X])
            .arg(&a)
            .arg(&b)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let rx = child.stdout_lines();
    let next = |want: u32| {
        let got = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("line {want} not followed"));
        let v: Value = serde_json::from_str(&got).unwrap();
        assert_eq!(v["n"], want, "{got}");
    };
    // The search is over (the files are resolved) once line 0 is out.
    next(0);
    std::fs::remove_file(&b).unwrap();
    let socket = std::os::unix::net::UnixListener::bind(&b).unwrap();
    for n in 1..=4 {
        append(&a, &rec(n));
        next(n);
    }
    drop(socket);
    std::fs::remove_file(&b).unwrap();
    append(&b, &rec(5));
    next(5);
    append(&a, &rec(6));
    next(6);
    // --limit 7 reached: talos ends by itself.
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.0.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "follow did not stop at --limit");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.0.stderr.take().unwrap(), &mut stderr).unwrap();
    let said: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(&format!("{}:", b.display())))
        .collect();
    assert_eq!(said.len(), 2, "{stderr}");
    assert!(said[0].contains("still following it"), "{stderr}");
    assert!(said[1].contains("readable again"), "{stderr}");
}

/// Ctrl-C (SIGINT) ends a follow with 130 and says so; stderr is a pipe
/// here, so no terminal escape (showing the cursor again) is written into
/// it, as it would be into a cron or CI log.
#[test]
fn sigint_ends_a_follow_with_130_and_no_escape_on_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.log");
    std::fs::write(
        &a,
        format!(
            "{{\"timestamp\":\"2024-01-15T08:00:00.000Z\",\"correlation_id\":\"{X}\",\"n\":0}}\n"
        ),
    )
    .unwrap();
    let mut child = Child(
        crate::common::talos_std(dir.path())
            .args(["log", "query", "--follow", "--json", "--correlation-id", X])
            .arg(&a)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let rx = child.stdout_lines();
    // Following once the first line is out.
    rx.recv_timeout(Duration::from_secs(20))
        .expect("the line before the follow");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.0.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.0.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "SIGINT did not end the follow");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.0.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("SIGINT"), "{stderr:?}");
    assert!(!stderr.contains('\x1b'), "an escape on a pipe: {stderr:?}");
}

#[test]
fn broken_pipe_exits_quietly() {
    let fx = fixture();
    let mut child = crate::common::talos_std(&fx.root)
        .args(["log", "query", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = [0u8; 10];
    std::io::Read::read_exact(&mut stdout, &mut buf).unwrap();
    drop(stdout);
    child
        .wait_with_output()
        .unwrap()
        .assert()
        .code(0)
        .stderr(predicates::str::contains("panicked").not());
}

/// A link planted in var/log/talos under a log's name is neither listed nor
/// followed; a rotation gzip'd without the `.gz` suffix is still read.
#[test]
fn planted_link_is_not_searched_and_misnamed_gzip_is() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let logs = root.join("var/log/talos");
    std::fs::create_dir_all(&logs).unwrap();
    let at = |ms: u64, what: &str| {
        format!(
            "{{\"timestamp\":\"{}\",\"level\":\"ERROR\",\"correlation_id\":\"{X}\",\"message\":\"{what}\"}}\n",
            ts(ms)
        )
    };
    std::fs::write(logs.join("orchestrator.log"), at(2_000, "current")).unwrap();
    std::fs::write(
        logs.join("orchestrator.log.1"),
        gz(&[at(1_000, "misnamed gzip").as_bytes()]),
    )
    .unwrap();
    let outside = root.join("outside.log");
    std::fs::write(&outside, at(500, "through a link")).unwrap();
    std::os::unix::fs::symlink(&outside, logs.join("orchestrator.log.2")).unwrap();
    std::os::unix::fs::symlink(&outside, logs.join("debug.log")).unwrap();
    let out = talos_at(root)
        .args(["log", "query", "--json", "--correlation-id", X])
        .output()
        .unwrap();
    out.clone().assert().success();
    let got: Vec<String> = parse_lines(&out.stdout)
        .iter()
        .map(|v| v["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, ["misnamed gzip", "current"]);
    // Named on the command line, a link is the operator's choice: read.
    let out = talos_at(root)
        .args(["log", "query", "--json", "--correlation-id", X])
        .arg(logs.join("debug.log"))
        .output()
        .unwrap();
    out.clone().assert().success();
    let got: Vec<String> = parse_lines(&out.stdout)
        .iter()
        .map(|v| v["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, ["through a link"]);
}
