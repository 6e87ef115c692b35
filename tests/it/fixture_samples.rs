//! The sample data under fixtures/ (configs, Tier 1/2/3 lines) read by the
//! real binary: each sample means what fixtures/README.md says it means.

use crate::common;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::talos_at;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// An installation holding only `etc/talos/config.yaml` = `config`, with
/// the modes config validate asks for.
fn install_with_config(config: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let etc = dir.path().join("etc/talos");
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::set_permissions(&etc, std::fs::Permissions::from_mode(0o750)).unwrap();
    let file = etc.join("config.yaml");
    std::fs::copy(config, &file).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    dir
}

#[test]
fn each_sample_config_validates_as_its_name_says_and_hostile_ones_stay_bounded() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures().join("configs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 6, "{names:?}");
    let mut failures = Vec::new();
    for config in &names {
        let name = config.file_name().unwrap().to_string_lossy().into_owned();
        let dir = install_with_config(config);
        let out = talos_at(dir.path())
            .args(["--json", "config", "validate"])
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        let doc: serde_json::Value = match serde_json::from_slice(&out.stdout) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("{name}: stdout is not JSON ({e})"));
                continue;
            }
        };
        let want_valid = name.starts_with("valid-");
        let code = out.status.code();
        if doc["valid"] != serde_json::json!(want_valid)
            || code != Some(if want_valid { 0 } else { 3 })
        {
            failures.push(format!("{name}: exit {code:?}, {doc}"));
        }
        if !want_valid {
            let on_config = doc["findings"].as_array().is_some_and(|fs| {
                fs.iter().any(|f| {
                    f["path"]
                        .as_str()
                        .is_some_and(|p| p.ends_with("config.yaml"))
                })
            });
            if !on_config {
                failures.push(format!("{name}: no finding names config.yaml: {doc}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_sample_tier2_and_tier3_lines_hold_one_trace_and_three_malformed_lines() {
    let dir = tempfile::tempdir().unwrap();
    let logs = fixtures().join("logs");
    let t2 = logs.join("orchestrator.log");
    let t3 = logs.join("debug.log");
    let out = talos_at(dir.path())
        .args([
            "--json",
            "log",
            "query",
            "--correlation-id",
            "15faa0dd46b0b00f",
        ])
        .arg(&t2)
        .arg(&t3)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    // 4 Tier 2 lines of the request, 5 Tier 3 lines of its child calls.
    assert_eq!(lines.len(), 9);
    let times: Vec<&str> = lines
        .iter()
        .map(|l| l["timestamp"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "results come in timestamp order");

    // 13 JSON lines in all; the 3 malformed ones are counted and skipped.
    let out = talos_at(dir.path())
        .args(["--json", "log", "query", "--count"])
        .arg(&t2)
        .arg(&t3)
        .timeout(Duration::from_secs(30))
        .assert()
        .code(0)
        .stderr(predicates::str::contains("3 malformed"));
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(doc["count"], 13);
}

#[test]
fn the_sample_tier1_records_are_a_valid_chain() {
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("var/log/talos/audit");
    std::fs::create_dir_all(&audit).unwrap();
    std::fs::copy(
        fixtures().join("logs/audit-000001.jsonl"),
        audit.join("audit-000001.jsonl"),
    )
    .unwrap();
    let doc = common::json_ok(
        talos_at(dir.path())
            .args(["--json", "audit", "verify-chain"])
            .timeout(Duration::from_secs(30)),
    );
    assert_eq!(doc["records"], 3);
    assert_eq!(doc["ok"], true);
}
