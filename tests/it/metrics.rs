//! `--metrics-file` (node_exporter's textfile format): `promtool check
//! metrics` accepts every file, and the values match the `--json` output of
//! the same run. Without promtool (`.ci/run` installs it) the tests fail,
//! unless TALOS_SKIP_PROMTOOL=1 outside CI (README.md, "Development").

use crate::common;
use crate::common::install::Install;
use std::path::Path;
use std::process::Command;

use crate::common::talos_at;
use serde_json::Value;

/// Whether promtool runs here; when it does not, fails (or, with the
/// opt-out, returns false and the caller skips the promtool check).
fn promtool() -> bool {
    let ok = Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        common::missing_requirement(
            "promtool is not installed (apt-get install -y prometheus)",
            "TALOS_SKIP_PROMTOOL",
        );
    }
    ok
}

fn promtool_accepts(file: &Path) {
    if !promtool() {
        return;
    }
    let text = std::fs::read(file).unwrap();
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&text).unwrap();
    assert_cmd::assert::OutputAssertExt::assert(child.wait_with_output().unwrap())
        .append_context("promtool rejects", file.display().to_string())
        .append_context("input", String::from_utf8_lossy(&text).into_owned())
        .success();
}

/// The value of the sample of `name` (with `label` in its label set, if given).
fn sample(file: &Path, name: &str, label: Option<&str>) -> f64 {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(!text.contains("\r"));
    for l in text.lines().filter(|l| !l.starts_with('#')) {
        let (series, v) = l.rsplit_once(' ').unwrap();
        assert!(series.contains("host=\""), "every sample has a host: {l}");
        if series.split('{').next() == Some(name) && label.is_none_or(|x| series.contains(x)) {
            return v.parse().unwrap();
        }
    }
    panic!("no {name} in\n{text}");
}

fn json_run(root: &Path, args: &[&str]) -> (i32, Value) {
    let run = talos_at(root).arg("--json").args(args).assert();
    let out = run.get_output();
    let doc =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{run}"));
    (out.status.code().unwrap(), doc)
}

#[test]
fn each_command_writes_a_valid_file_matching_its_json() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sandbox");
    Install::sandbox(7)
        .now("2024-01-15T09:00:00Z")
        .create(&root);
    let m = dir.path().join("m");
    std::fs::create_dir(&m).unwrap();

    let f = m.join("backup.prom");
    let (code, doc) = json_run(
        &root,
        &["backup", "create", "--metrics-file", f.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{doc}");
    promtool_accepts(&f);
    assert_eq!(sample(&f, "talos_backup_success", None), 1.0);
    assert_eq!(
        sample(&f, "talos_backup_size_bytes", None),
        doc["size_bytes"].as_f64().unwrap()
    );
    assert_eq!(
        sample(&f, "talos_backup_duration_seconds", None),
        doc["duration_ms"].as_f64().unwrap() / 1000.0
    );
    let last = sample(&f, "talos_backup_last_success_timestamp_seconds", None);
    assert!(last > 1.7e9);

    // A failed run still writes its metrics, keeping the last success.
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let (code, _) = json_run(
        &root,
        &[
            "backup",
            "create",
            "--output-dir",
            blocker.to_str().unwrap(),
            "--metrics-file",
            f.to_str().unwrap(),
        ],
    );
    assert_ne!(code, 0);
    promtool_accepts(&f);
    assert_eq!(sample(&f, "talos_backup_success", None), 0.0);
    assert_eq!(
        sample(&f, "talos_backup_last_success_timestamp_seconds", None),
        last
    );

    let f = m.join("chain.prom");
    let (code, doc) = json_run(
        &root,
        &[
            "audit",
            "verify-chain",
            "--metrics-file",
            f.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{doc}");
    promtool_accepts(&f);
    assert_eq!(sample(&f, "talos_audit_chain_valid", None), 1.0);
    assert_eq!(
        sample(&f, "talos_audit_chain_records", None),
        doc["records"].as_f64().unwrap()
    );

    let f = m.join("health.prom");
    let (code, _doc) = json_run(
        &root,
        &["--offline", "health", "--metrics-file", f.to_str().unwrap()],
    );
    promtool_accepts(&f);
    assert_eq!(sample(&f, "talos_health_status", None), f64::from(code));

    let f = m.join("doctor.prom");
    let (_, doc) = json_run(&root, &["doctor", "--metrics-file", f.to_str().unwrap()]);
    promtool_accepts(&f);
    let findings = doc["findings"].as_array().unwrap();
    for (label, sev) in [("fail", "fail"), ("warn", "warn"), ("info", "info")] {
        let n = findings.iter().filter(|f| f["severity"] == sev).count();
        assert_eq!(
            sample(
                &f,
                "talos_doctor_findings",
                Some(&format!("severity=\"{label}\""))
            ),
            n as f64,
            "{sev}"
        );
    }

    // metrics.textfile_dir: talos_<name>.prom without the flag.
    let cfg = root.join("etc/talos/config.yaml");
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    // Under --root, as backup.dir is.
    text.push_str("metrics:\n  textfile_dir: /var/lib/node-exporter\n");
    std::fs::write(&cfg, text).unwrap();
    let m = root.join("var/lib/node-exporter");
    std::fs::create_dir_all(&m).unwrap();
    let (code, doc) = json_run(&root, &["audit", "verify-chain"]);
    assert_eq!(code, 0, "{doc}");
    let f = m.join("talos_audit_chain.prom");
    promtool_accepts(&f);
    assert_eq!(
        sample(&f, "talos_audit_chain_records", None),
        doc["records"].as_f64().unwrap()
    );
}

#[test]
fn the_documented_alert_rules_load() {
    if !promtool() {
        return;
    }
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/monitoring-rules.yml");
    assert_cmd::assert::OutputAssertExt::assert(
        Command::new("promtool")
            .args(["check", "rules"])
            .arg(&rules)
            .output()
            .unwrap(),
    )
    .success();
    // The rules in docs/monitoring.md are the same text.
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/monitoring.md"))
            .unwrap();
    assert!(doc.contains(&std::fs::read_to_string(&rules).unwrap()));
}

/// The labels of the sample of `name`, as written.
fn series(file: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| l.split('{').next() == Some(name))
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
        .to_string()
}

/// Issue 17 §1: a `repo` label where a repository was used; a drill or a
/// verify-chain that fails before it runs still writes its metrics (0).
#[test]
fn repo_label_and_metrics_of_runs_that_fail_early() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sandbox");
    // Made now: a drill validates its certificate.
    let now = jiff::Timestamp::now().to_string();
    Install::sandbox(7).now(&now).create(&root);
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    let m = dir.path().join("m");
    std::fs::create_dir(&m).unwrap();

    // backup create --repo: every sample carries the repository.
    let f = m.join("backup.prom");
    let (code, doc) = json_run(
        &root,
        &[
            "backup",
            "create",
            "--repo",
            repo.to_str().unwrap(),
            "--metrics-file",
            f.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{doc}");
    promtool_accepts(&f);
    let url = doc["repo"]["repo"].as_str().unwrap();
    let label = format!("repo=\"{url}\"");
    assert_eq!(sample(&f, "talos_backup_success", Some(&label)), 1.0);
    assert_eq!(
        sample(&f, "talos_backup_size_bytes", Some(&label)),
        doc["size_bytes"].as_f64().unwrap()
    );

    // drill --repo: the same label, values as in --json.
    let f = m.join("drill.prom");
    let (code, doc) = json_run(
        &root,
        &[
            "drill",
            "--repo",
            repo.to_str().unwrap(),
            "--metrics-file",
            f.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{doc}");
    promtool_accepts(&f);
    assert_eq!(sample(&f, "talos_drill_success", Some(&label)), 1.0);
    assert_eq!(
        sample(&f, "talos_drill_rto_seconds", Some(&label)),
        doc["drill"]["rto_ms"].as_f64().unwrap() / 1000.0
    );

    // A drill whose --backup is missing or corrupt: success 0, no repo label.
    let corrupt = dir.path().join("backup_20240101_000000.tar.gz");
    std::fs::write(&corrupt, b"not a gzip archive").unwrap();
    for backup in [dir.path().join("missing.tar.gz"), corrupt] {
        std::fs::remove_file(&f).unwrap();
        let out = talos_at(&root)
            .args(["drill", "--backup"])
            .arg(&backup)
            .arg("--metrics-file")
            .arg(&f)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{}", backup.display());
        promtool_accepts(&f);
        assert_eq!(sample(&f, "talos_drill_success", None), 0.0);
        assert!(!series(&f, "talos_drill_success").contains("repo="));
    }

    // verify-chain whose checkpoint cannot be read: valid 0.
    let f = m.join("chain.prom");
    let out = talos_at(&root)
        .args(["audit", "verify-chain", "--checkpoint"])
        .arg(dir.path().join("no-such-checkpoint.json"))
        .arg("--metrics-file")
        .arg(&f)
        .output()
        .unwrap();
    assert!(!out.status.success());
    promtool_accepts(&f);
    assert_eq!(sample(&f, "talos_audit_chain_valid", None), 0.0);
}
