//! Regression tests for interface bugs found in review: each test here
//! failed before its fix.

use crate::common;
use crate::common::install::{Install, Installed};
use std::io::Read;
use std::path::Path;

use crate::common::archive::{d, f, gzip, manifest_json, metadata_json, newest_backup, tar_bytes};
use crate::common::{json_ok, talos_at};

/// The regular files of a backup archive: path → bytes.
fn archive_files(path: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let gz = flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap());
    let mut ar = tar::Archive::new(gz);
    let mut out = std::collections::BTreeMap::new();
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        if e.header().entry_type().is_file() {
            let name = e.path().unwrap().to_string_lossy().into_owned();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            out.insert(name, bytes);
        }
    }
    out
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(bytes)))
}

fn sha(bytes: &[u8]) -> String {
    common::archive::sha256_hex(bytes)
}

// F-8: the manifest lists every regular file except itself, metadata.json
// included.
#[test]
fn backup_manifest_lists_metadata_json() {
    let (dir, _) = Install::sample(0).create_temp();
    let out = tempfile::tempdir().unwrap();
    talos_at(dir.path())
        .args(["backup", "create", "--output-dir"])
        .arg(out.path())
        .assert()
        .success();
    let files = archive_files(&newest_backup(out.path()));
    let manifest = json(&files["manifest.json"]);
    let listed: std::collections::BTreeMap<String, (String, u64)> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                (
                    f["checksum"].as_str().unwrap().to_string(),
                    f["size"].as_u64().unwrap(),
                ),
            )
        })
        .collect();
    let mut want: Vec<&String> = files.keys().filter(|k| *k != "manifest.json").collect();
    want.sort();
    assert_eq!(listed.keys().collect::<Vec<_>>(), want);
    for (p, (sum, size)) in &listed {
        assert_eq!(sum, &sha(&files[p]), "{p}");
        assert_eq!(*size, files[p].len() as u64, "{p}");
    }
    // And talos reads its own archive back.
    talos_at(dir.path())
        .args(["backup", "verify"])
        .arg(newest_backup(out.path()))
        .assert()
        .success();
}

/// A state-only archive whose manifest lists metadata.json with `listed`
/// as its content.
fn state_archive_listing_metadata(listed: &[u8]) -> Vec<u8> {
    let meta = metadata_json(&["state"]);
    let a: &[u8] = b"{\"pending\":[]}";
    gzip(&tar_bytes(&[
        f("metadata.json", &meta),
        f(
            "manifest.json",
            &manifest_json(&[("metadata.json", listed), ("state/task_queue.json", a)]),
        ),
        d("state/"),
        f("state/task_queue.json", a),
    ]))
}

#[test]
fn an_archive_listing_metadata_json_verifies_and_restores() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let work = tempfile::tempdir().unwrap();
    let good = work.path().join("listed.tar.gz");
    std::fs::write(
        &good,
        state_archive_listing_metadata(&metadata_json(&["state"])),
    )
    .unwrap();
    let v = json_ok(
        talos_at(dir.path())
            .args(["backup", "verify", "--json"])
            .arg(&good),
    );
    assert_eq!(v["metadata_in_manifest"], true);
    assert_eq!(v["files"], 1, "component files only");
    talos_at(dir.path())
        .args(["restore", "--yes"])
        .arg(&good)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(layout.task_queue()).unwrap(),
        b"{\"pending\":[]}"
    );

    // Listed with the wrong checksum: tampered, exit 3.
    let bad = work.path().join("bad.tar.gz");
    std::fs::write(
        &bad,
        state_archive_listing_metadata(&metadata_json(&["config"])),
    )
    .unwrap();
    talos_at(dir.path())
        .args(["backup", "verify"])
        .arg(&bad)
        .assert()
        .code(3)
        .stderr(predicates::str::contains("metadata.json does not match"));
}

// F-4: every backup carries the audit head, partial ones without `logs` too.
#[test]
fn a_partial_backup_without_logs_records_the_audit_head() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let out = tempfile::tempdir().unwrap();
    let head = talos::audit::head(&layout.audit_dir).unwrap().unwrap();
    let doc = json_ok(
        talos_at(dir.path())
            .args([
                "backup",
                "create",
                "--partial",
                "config,state",
                "--json",
                "--output-dir",
            ])
            .arg(out.path()),
    );
    assert_eq!(doc["audit_head"]["seq"], head.seq, "{doc}");
    let files = archive_files(&newest_backup(out.path()));
    let meta = json(&files["metadata.json"]);
    assert_eq!(meta["backup_type"], "partial");
    assert_eq!(meta["audit_head"]["seq"], head.seq);
    assert_eq!(meta["audit_head"]["hash"], head.hash.as_str());
    assert!(!files.keys().any(|k| k.starts_with("logs/")));

    // An empty chain: null.
    let (
        dir2,
        Installed {
            layout: layout2, ..
        },
    ) = Install::sample(0).create_temp();
    for e in std::fs::read_dir(&layout2.audit_dir).unwrap().flatten() {
        std::fs::remove_file(e.path()).unwrap();
    }
    let out2 = tempfile::tempdir().unwrap();
    talos_at(dir2.path())
        .args(["backup", "create", "--partial", "config", "--output-dir"])
        .arg(out2.path())
        .assert()
        .success();
    let meta = json(&archive_files(&newest_backup(out2.path()))["metadata.json"]);
    assert!(meta["audit_head"].is_null(), "{meta}");
}

// F-5: the rollback of a full restore holds all six components: "full".
#[test]
fn the_rollback_of_a_full_restore_is_a_full_backup() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let out = tempfile::tempdir().unwrap();
    talos_at(dir.path())
        .args(["backup", "create", "--output-dir"])
        .arg(out.path())
        .assert()
        .success();
    let backup = newest_backup(out.path());
    talos_at(dir.path())
        .args(["restore", "--yes"])
        .arg(&backup)
        .assert()
        .success();
    let rollback = newest_backup(&layout.rollback_dir());
    let meta = json(&archive_files(&rollback)["metadata.json"]);
    assert_eq!(
        meta["components"],
        serde_json::json!(["config", "state", "database", "logs", "custom", "ssl"])
    );
    assert_eq!(meta["backup_type"], "full", "{meta}");

    // A partial restore's rollback stays partial.
    talos_at(dir.path())
        .args(["restore", "--yes", "--partial", "state"])
        .arg(&backup)
        .assert()
        .success();
    let rollback = newest_backup(&layout.rollback_dir());
    let meta = json(&archive_files(&rollback)["metadata.json"]);
    assert_eq!(meta["components"], serde_json::json!(["state"]));
    assert_eq!(meta["backup_type"], "partial");
}

/// A process the PID check accepts as the daemon (`talos-sim` in its
/// command line), killed on drop.
struct FakeDaemon(std::process::Child);

impl FakeDaemon {
    fn start(pid_file: &Path) -> FakeDaemon {
        let child = crate::common::fake_daemon();
        std::fs::write(pid_file, format!("{}\n", child.id())).unwrap();
        FakeDaemon(child)
    }
}

impl Drop for FakeDaemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

// F-3: restore says which path it took and what it did to the daemon.
#[test]
fn restore_reports_the_offline_path_and_the_daemon_it_stopped() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let out = tempfile::tempdir().unwrap();
    talos_at(dir.path())
        .args(["backup", "create", "--output-dir"])
        .arg(out.path())
        .assert()
        .success();
    let backup = newest_backup(out.path());

    // No daemon.
    let doc = json_ok(
        talos_at(dir.path())
            .args(["restore", "--yes", "--json"])
            .arg(&backup),
    );
    assert_eq!(doc["access"], "offline", "{doc}");
    assert_eq!(doc["daemon"]["was_running"], false);
    assert_eq!(doc["daemon"]["stopped"], false);

    // A verified daemon, stopped with --stop-daemon.
    let mut daemon = FakeDaemon::start(&layout.pid_file);
    let pid = daemon.0.id();
    let doc = json_ok(
        talos_at(dir.path())
            .args(["restore", "--yes", "--stop-daemon", "--json"])
            .arg(&backup),
    );
    assert_eq!(doc["access"], "offline", "{doc}");
    assert_eq!(doc["daemon"]["was_running"], true);
    assert_eq!(doc["daemon"]["stopped"], true);
    assert_eq!(doc["daemon"]["pid"], pid);
    let status = daemon.0.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(15));

    // The human report says it too.
    let _daemon = FakeDaemon::start(&layout.pid_file);
    talos_at(dir.path())
        .args(["restore", "--yes", "--stop-daemon"])
        .arg(&backup)
        .assert()
        .success()
        .stdout(predicates::str::contains("access: offline"))
        .stdout(predicates::str::contains("was stopped with SIGTERM"));
}

// F-10: a directory that does not exist is an error, not "no backups".
#[test]
fn backup_list_of_a_missing_directory_exits_1() {
    let (dir, _) = Install::sample(0).create_temp();
    let missing = dir.path().join("no/such/dir");
    talos_at(dir.path())
        .args(["backup", "list", "--dir"])
        .arg(&missing)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("no such directory"));
    let o = talos_at(dir.path())
        .args(["backup", "list", "--json", "--dir"])
        .arg(&missing)
        .assert()
        .code(1);
    assert!(json(&o.get_output().stdout).get("error").is_some());
    // An existing empty directory: an empty list.
    let empty = tempfile::tempdir().unwrap();
    let o = talos_at(dir.path())
        .args(["backup", "list", "--json", "--dir"])
        .arg(empty.path())
        .assert()
        .code(0);
    assert_eq!(
        json(&o.get_output().stdout)["backups"],
        serde_json::json!([])
    );
}

// F-9: a deleted audit directory is not an empty chain.
#[test]
fn verify_chain_with_the_audit_directory_missing() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    std::fs::remove_dir_all(&layout.audit_dir).unwrap();
    let o = talos_at(dir.path())
        .args(["verify-chain", "--json", "--no-external-anchors"])
        .assert()
        .code(3)
        .get_output()
        .clone();

    let doc = json(&o.stdout);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["first_error"]["kind"], "missing_directory", "{doc}");
    talos_at(dir.path())
        .args(["audit", "verify-chain"])
        .assert()
        .code(3)
        .stdout(predicates::str::contains("the audit directory"))
        .stdout(predicates::str::contains("is missing"));
    // status shows it as a problem.
    let o = talos_at(dir.path())
        .args(["status", "--json", "--offline"])
        .output()
        .unwrap();
    let doc = json(&o.stdout);
    assert!(
        doc["audit"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("is missing")),
        "{doc}"
    );
    assert!(
        doc["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p.to_string().contains("directory is missing")),
        "{doc}"
    );

    // An existing empty directory stays "empty", exit 0.
    std::fs::create_dir(&layout.audit_dir).unwrap();
    talos_at(dir.path())
        .args(["verify-chain", "--no-external-anchors"])
        .assert()
        .success()
        .stdout(predicates::str::contains("empty"));

    // A --root that is no installation: exit 1 with a hint about --root.
    let nothing = tempfile::tempdir().unwrap();
    talos_at(&nothing.path().join("typo"))
        .args(["verify-chain"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("not a talos installation"))
        .stderr(predicates::str::contains("TALOS_ROOT"));
}

// F-2: completions --json prints one JSON document.
#[test]
fn completions_json_is_one_document() {
    let o = common::talos()
        .args(["completions", "bash", "--json"])
        .assert()
        .code(0);
    let doc = json(&o.get_output().stdout);
    assert_eq!(doc["shell"], "bash");
    let plain = common::talos()
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert_eq!(
        doc["script"].as_str().unwrap().as_bytes(),
        &plain.stdout[..]
    );
    assert!(!plain.stdout.is_empty());
}

// F-6: every command of the backup/audit areas that can exit non-zero says
// when in its long help.
#[test]
fn long_help_has_an_exit_status_paragraph() {
    let commands: [&[&str]; 13] = [
        &["backup", "create"],
        &["backup", "list"],
        &["backup", "verify"],
        &["restore"],
        &["drill"],
        &["audit", "verify-chain"],
        &["verify-chain"],
        &["audit", "root"],
        &["audit", "prove"],
        &["audit", "verify-proof"],
        &["audit", "query"],
        &["config", "show"],
        &["config", "validate"],
    ];
    let mut missing = Vec::new();
    for c in commands {
        let o = common::talos().args(c).arg("--help").output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{c:?}");
        if !String::from_utf8_lossy(&o.stdout).contains("EXIT STATUS") {
            missing.push(c.join(" "));
        }
    }
    assert!(missing.is_empty(), "no EXIT STATUS in: {missing:?}");
    // drill says when it exits 3.
    let o = common::talos().args(["drill", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("3 the archive failed"));
}
