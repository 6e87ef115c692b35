//! Backup and restore, black-box on sample installations.

use crate::common;
use crate::common::install::{Install, Installed};
use assert_cmd::assert::{Assert, OutputAssertExt};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::archive::{backup, components};
use crate::common::{talos_at, tree_hash};
use talos::install::Layout;

/// Components without the database file (a snapshot is a different file
/// from the live one) and the audit dir (a restore appends its record).
fn comparable(layout: &Layout) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut c = components(layout);
    c.remove("logs");
    c.remove("database");
    c
}

fn manifest_of(file: &Path) -> serde_json::Value {
    let out = Command::new("tar")
        .arg("-xzOf")
        .arg(file)
        .arg("manifest.json")
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `talos --root ROOT restore FILE EXTRA...`, to be asserted.
fn restore(root: &Path, file: &Path, extra: &[&str]) -> Assert {
    talos_at(root).arg("restore").arg(file).args(extra).assert()
}

fn damage(layout: &Layout) {
    std::fs::write(&layout.config_file, "garbage: [").unwrap();
    std::fs::remove_file(layout.task_queue()).unwrap();
    std::fs::write(layout.state_dir.join("extra.json"), "{}").unwrap();
    std::fs::write(layout.custom_dir.join("plugins/new.py"), "x = 1\n").unwrap();
}

#[test]
fn backup_then_restore_round_trip_with_rollback() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let audit_before = std::fs::read(layout.audit_dir.join("audit-000001.jsonl")).unwrap();
    let file = backup(dir.path());
    let at_backup = comparable(&layout);
    damage(&layout);
    let damaged = comparable(&layout);
    let out = restore(dir.path(), &file, &["--yes", "--json"]).success();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(doc["result"], "restored");
    assert_eq!(comparable(&layout), at_backup);
    // The database is the backup's copy.
    let m = manifest_of(&file);
    let db = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "database/talos.db")
        .unwrap();
    let bytes = std::fs::read(&layout.db).unwrap();
    assert_eq!(common::archive::sha256_hex(&bytes), db["checksum"]);
    // The audit chain is the backup's, plus the backup's and restore's records.
    let audit = std::fs::read_to_string(layout.audit_dir.join("audit-000001.jsonl")).unwrap();
    assert!(audit.as_bytes().starts_with(&audit_before));
    assert!(
        audit
            .lines()
            .last()
            .unwrap()
            .contains("\"action\":\"restore\"")
    );
    let log = std::fs::read_to_string(layout.restore_log()).unwrap();
    assert!(log.contains("\"action\":\"restore\""));
    // No staging or journal left.
    for e in std::fs::read_dir(&layout.data_dir).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        assert!(
            !n.starts_with(".restore-staging") && n != "restore.journal",
            "{n}"
        );
    }
    // Restoring the rollback archive undoes the restore.
    let rollback = PathBuf::from(doc["outcome"]["rollback"].as_str().unwrap());
    assert!(rollback.starts_with(layout.rollback_dir()));
    // (exit 1: the damaged config fails validation, as it should.)
    restore(dir.path(), &rollback, &["--yes"]).code(predicates::iter::in_iter([0, 1]));
    assert_eq!(comparable(&layout), damaged);
}

#[test]
fn gnu_tar_lists_our_backup_in_the_documented_layout() {
    let (dir, _) = Install::sample(0).create_temp();
    let file = backup(dir.path());
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        regex::Regex::new(r"^backup_\d{8}_\d{6}\.tar\.gz$")
            .unwrap()
            .is_match(&name)
    );
    let out = Command::new("tar").arg("-tzf").arg(&file).output().unwrap();
    assert!(out.status.success());
    let list = String::from_utf8(out.stdout).unwrap();
    let entries: Vec<&str> = list.lines().collect();
    assert_eq!(&entries[..2], &["metadata.json", "manifest.json"]);
    for e in &entries[2..] {
        let top = e.split('/').next().unwrap();
        assert!(
            ["config", "state", "database", "logs", "custom", "ssl"].contains(&top),
            "{e}"
        );
        assert!(!e.starts_with("config/ssl"), "{e}");
    }
    assert!(entries.contains(&"database/talos.db"));
    assert!(entries.contains(&"logs/audit/audit-000001.jsonl"));
    assert!(entries.contains(&"ssl/key.pem"));
    // The manifest lists exactly the regular files except itself
    // (metadata.json included, docs/format.md).
    let m = manifest_of(&file);
    let mut listed: Vec<String> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    listed.sort();
    let mut files: Vec<String> = entries
        .iter()
        .filter(|e| !e.ends_with('/') && **e != "manifest.json")
        .map(|s| s.to_string())
        .collect();
    files.sort();
    assert_eq!(listed, files);
    let meta: serde_json::Value = serde_json::from_slice(
        &Command::new("tar")
            .arg("-xzOf")
            .arg(&file)
            .arg("metadata.json")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(meta["backup_version"], "4.0");
    assert_eq!(meta["backup_type"], "full");
    assert_eq!(meta["checksum_algorithm"], "sha256");
    assert_eq!(meta["compressed"], true);
    assert!(meta["encryption"].is_null());
    assert_eq!(meta["audit_head"]["seq"], 5);
    assert!(
        meta["created_by"]
            .as_str()
            .unwrap()
            .starts_with("operator:")
    );
}

#[test]
fn an_archive_built_by_gnu_tar_and_sha256sum_restores_into_a_new_root() {
    let (src, Installed { layout, .. }) = Install::sample(0).create_temp();
    let stage = tempfile::tempdir().unwrap();
    let s = stage.path();
    let sh = |script: &str| {
        let st = Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(s)
            .status()
            .unwrap();
        assert!(st.success(), "{script}");
    };
    let r = src.path().display();
    sh(&format!(
        "mkdir -p database logs && cp -a {r}/etc/talos config && mv config/ssl ssl && \
         cp -a {r}/var/lib/talos/state state && cp {r}/var/lib/talos/db/talos.db database/ && \
         cp -a {r}/var/log/talos/audit logs/audit && rm -f logs/audit/.lock && \
         cp -a {r}/opt/talos/custom custom"
    ));
    let sums = Command::new("sh")
        .arg("-c")
        .arg("find config state database logs custom ssl -type f | sort | xargs sha256sum")
        .current_dir(s)
        .output()
        .unwrap();
    let mut files = Vec::new();
    for line in String::from_utf8(sums.stdout).unwrap().lines() {
        let (sum, path) = line.split_once("  ").unwrap();
        let meta = std::fs::metadata(s.join(path)).unwrap();
        files.push(serde_json::json!({
            "path": path,
            "checksum": sum,
            "size": meta.len(),
            "mode": format!("{:04o}", meta.permissions().mode() & 0o7777),
        }));
    }
    std::fs::write(
        s.join("manifest.json"),
        serde_json::to_vec(&serde_json::json!({"algorithm": "sha256", "files": files})).unwrap(),
    )
    .unwrap();
    std::fs::write(
        s.join("metadata.json"),
        br#"{"backup_version":"4.0","created_at":"2024-01-15T08:30:00Z","created_by":"backup_service","hostname":"old","talos_version":"4.0.0","backup_type":"full","compressed":true,"encryption":null,"checksum_algorithm":"sha256"}"#,
    )
    .unwrap();
    sh("tar -czf ../gnu.tar.gz metadata.json manifest.json config state database logs custom ssl");
    let archive = s.parent().unwrap().join("gnu.tar.gz");
    let target = tempfile::tempdir().unwrap();
    let new_root = target.path().join("newroot");
    let out = talos_at(Path::new("/nonexistent"))
        .args(["restore", "--yes", "--new-host", "--target-dir"])
        .arg(&new_root)
        .arg(&archive)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&archive);
    out.clone().assert().success();
    let restored = Layout::new(&new_root);
    let mut want = components(&layout);
    let mut got = components(&restored);
    // The restore appended its record to the restored chain.
    want.remove("logs");
    got.remove("logs");
    assert_eq!(want, got);
    // --new-host: every directory of §1, with its mode.
    for (d, mode) in restored.directories() {
        let m = std::fs::metadata(&d).unwrap_or_else(|_| panic!("{}", d.display()));
        assert_eq!(m.permissions().mode() & 0o777, mode, "{}", d.display());
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("skipped: system user"), "{stdout}");
}

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let file = backup(dir.path());
    damage(&layout);
    let before = tree_hash(dir.path());
    let out = restore(dir.path(), &file, &["--dry-run"]).success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout);
    assert_eq!(tree_hash(dir.path()), before, "dry run changed the tree");
    let line = |action: &str, p: &Path| {
        stdout
            .lines()
            .any(|l| l.contains(action) && l.trim_end().ends_with(&*p.to_string_lossy()))
    };
    assert!(line("overwrite", &layout.config_file), "{stdout}");
    assert!(line("create", &layout.task_queue()), "{stdout}");
    assert!(
        line("remove", &layout.state_dir.join("extra.json")),
        "{stdout}"
    );
    assert!(line("unchanged", &layout.heartbeat()), "{stdout}");
    assert!(stdout.contains("nothing was changed"));
    // JSON plan: one document.
    let out = restore(dir.path(), &file, &["--dry-run", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let removed: Vec<&str> = doc["plan"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] == "remove")
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert!(
        removed.iter().any(|p| p.ends_with("state/extra.json")),
        "{removed:?}"
    );
    assert!(
        removed.iter().any(|p| p.ends_with("plugins/new.py")),
        "{removed:?}"
    );
    assert_eq!(tree_hash(dir.path()), before);
}

/// The tree outside `keep`, minus what every restore writes by contract
/// (restore.log, the audit record, the rollback archive).
fn outside(root: &Path, keep: &Path) -> BTreeMap<String, String> {
    let keep_rel = keep
        .strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .into_owned();
    tree_hash(root)
        .into_iter()
        .filter(|(k, _)| {
            !(k == &keep_rel
                || k.starts_with(&format!("{keep_rel}/"))
                || k == "var/log/talos/restore.log"
                || k.starts_with("var/log/talos/audit/")
                || k.starts_with("var/lib/talos/restore_rollback"))
        })
        .collect()
}

#[test]
fn partial_config_changes_nothing_outside_config_dir() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let file = backup(dir.path());
    damage(&layout);
    std::fs::write(layout.ssl_dir.join("ca.pem"), "new ca").unwrap();
    let before_outside = outside(dir.path(), &layout.config_dir);
    let ssl_before = tree_hash(&layout.ssl_dir);
    restore(dir.path(), &file, &["--yes", "--partial", "config"]).success();
    assert_eq!(outside(dir.path(), &layout.config_dir), before_outside);
    assert_eq!(
        tree_hash(&layout.ssl_dir),
        ssl_before,
        "ssl/ inside config/ kept"
    );
    assert!(
        std::fs::read_to_string(&layout.config_file)
            .unwrap()
            .contains("orchestrator")
    );
}

#[test]
fn a_symlink_planted_in_the_target_is_not_written_through() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let file = backup(dir.path());
    let outside_dir = tempfile::tempdir().unwrap();
    std::fs::write(outside_dir.path().join("task_queue.json"), "precious").unwrap();
    let outside_before = tree_hash(outside_dir.path());
    // The state component replaced by a link pointing outside the root.
    std::fs::remove_dir_all(&layout.state_dir).unwrap();
    std::os::unix::fs::symlink(outside_dir.path(), &layout.state_dir).unwrap();
    restore(dir.path(), &file, &["--yes", "--partial", "state"]).success();
    assert_eq!(tree_hash(outside_dir.path()), outside_before);
    let meta = std::fs::symlink_metadata(&layout.state_dir).unwrap();
    assert!(meta.is_dir() && !meta.file_type().is_symlink());
    assert!(layout.task_queue().exists());

    // A link as an ancestor of a component: refused, nothing written.
    let log_outside = tempfile::tempdir().unwrap();
    std::fs::rename(&layout.log_dir, log_outside.path().join("talos")).unwrap();
    std::os::unix::fs::symlink(log_outside.path().join("talos"), &layout.log_dir).unwrap();
    let before = tree_hash(log_outside.path());
    let root_before = tree_hash(dir.path());
    restore(dir.path(), &file, &["--yes"])
        .code(4)
        .stderr(contains("symbolic link"));
    assert_eq!(tree_hash(log_outside.path()), before);
    assert_eq!(tree_hash(dir.path()), root_before);
}

#[test]
fn refusals_leave_the_installation_unchanged() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let file = backup(dir.path());
    damage(&layout);
    let before = tree_hash(dir.path());
    // No terminal and no --yes: exit 4.
    restore(dir.path(), &file, &[])
        .code(4)
        .stderr(contains("--yes"));
    // Another restore holds the lock: exit 4.
    {
        let _held = talos::archive::restore::lock(&layout).unwrap();
        restore(dir.path(), &file, &["--yes"])
            .code(4)
            .stderr(contains("another restore"));
    }
    // A verified daemon runs: exit 4, unless --stop-daemon.
    let mut daemon = common::fake_daemon();
    std::fs::write(&layout.pid_file, format!("{}\n", daemon.id())).unwrap();
    let before_daemon = tree_hash(dir.path());
    restore(dir.path(), &file, &["--yes"])
        .code(4)
        .stderr(contains("daemon is running"));
    assert_eq!(tree_hash(dir.path()), before_daemon);
    let out = restore(dir.path(), &file, &["--yes", "--stop-daemon"]);
    let _ = daemon.kill();
    let status = daemon.wait().unwrap();
    out.success();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(15), "stopped with SIGTERM");
    drop(before);
}

/// Issue 17 §4: where the kernel has no pidfd, talos signals with kill(2)
/// and says so with -v (`TALOS_TEST_NO_PIDFD=1` stands for such a kernel).
#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn stop_daemon_says_with_v_whether_it_signals_through_a_pidfd() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let file = backup(dir.path());
    for (no_pidfd, expected) in [
        (true, "with kill(2): this kernel has no pidfd"),
        (false, "through a pidfd"),
    ] {
        let mut daemon = common::fake_daemon();
        std::fs::write(&layout.pid_file, format!("{}\n", daemon.id())).unwrap();
        let mut cmd = talos_at(dir.path());
        cmd.arg("-v")
            .arg("restore")
            .arg(&file)
            .args(["--yes", "--stop-daemon"]);
        if no_pidfd {
            cmd.env("TALOS_TEST_NO_PIDFD", "1");
        } else {
            cmd.env_remove("TALOS_TEST_NO_PIDFD");
        }
        let out = cmd.assert();
        let _ = daemon.kill();
        let status = daemon.wait().unwrap();
        let out = out.success();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(15), "stopped with SIGTERM");
        if no_pidfd {
            out.stderr(contains(expected));
        } else {
            // A kernel without pidfds (pre-5.3) takes the fallback anyway.
            out.stderr(contains(expected).or(contains("kill(2)")));
        }
    }
}

#[test]
fn keep_prunes_old_backups_and_list_shows_newest_first() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let out_dir = layout.backup_dir.clone();
    // Older backups (names carry the time).
    for n in [
        "backup_20200101_000000.tar.gz",
        "backup_20210101_000000.tar.gz",
    ] {
        std::fs::copy(backup(dir.path()), out_dir.join(n)).unwrap();
    }
    let doc =
        common::json_ok(talos_at(dir.path()).args(["backup", "create", "--keep", "2", "--json"]));
    let names: Vec<String> = talos::archive::list_backups(&out_dir)
        .unwrap()
        .into_iter()
        .map(|(_, p)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?} {doc}");
    assert!(!names.iter().any(|n| n.starts_with("backup_2020")));
    // Two real backups, their two old-named copies and the new one: two remain.
    assert_eq!(doc["pruned"].as_array().unwrap().len(), 3);
    let out = talos_at(dir.path())
        .args(["backup", "list", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = doc["backups"].as_array().unwrap();
    assert!(list[0]["created_at"].as_str() > list[1]["created_at"].as_str());
    assert_eq!(
        list[0]["audit_head"]["seq"], 7,
        "earlier backups recorded themselves in the chain"
    );
    // A lock file left by a dead process is taken over with a warning.
    std::fs::write(out_dir.join(".backup.lock"), "999999\n").unwrap();
    talos_at(dir.path())
        .args(["backup", "create"])
        .assert()
        .success()
        .stderr(contains("took over the backup lock"));
    talos_at(dir.path())
        .args(["backup", "create"])
        .assert()
        .stderr(contains("took over").not());
}

/// `--partial` is parsed by clap into components (docs/format.md): an
/// unknown name is a usage error naming the known ones, a repeat counts once.
#[test]
fn partial_is_a_list_of_known_components() {
    let (dir, _) = Install::sample(0).create_temp();
    talos_at(dir.path())
        .args(["backup", "create", "--partial", "config,bogus"])
        .assert()
        .code(2)
        .stderr(
            contains("unknown component `bogus`")
                .and(contains("config,state,database,logs,custom,ssl")),
        );
    let doc = common::json_ok(talos_at(dir.path()).args([
        "backup",
        "create",
        "--partial",
        "ssl,config,ssl",
        "--json",
    ]));
    assert_eq!(doc["components"], serde_json::json!(["config", "ssl"]));
    let file = doc["path"].as_str().unwrap();
    talos_at(dir.path())
        .args(["restore", file, "--dry-run", "--partial", "database"])
        .assert()
        .code(2)
        .stderr(contains("component database is not in"));
    talos_at(dir.path())
        .args(["restore", file, "--dry-run", "--partial", "cert"])
        .assert()
        .code(2)
        .stderr(contains("unknown component `cert`"));
}

/// One listing orders backups everywhere, by the time in the name
/// (docs/format.md): a copy named older but touched later (cp, rsync) is
/// not the newest for `backup list`, `status`, or the completions.
#[test]
fn the_time_in_the_name_orders_backups_not_the_mtime() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let newest = backup(dir.path());
    let old = layout.backup_dir.join("backup_20200101_000000.tar.gz");
    std::fs::copy(&newest, &old).unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let json = |args: &[&str]| -> serde_json::Value {
        let out = talos_at(dir.path()).args(args).output().unwrap();
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
    };
    let list = json(&["backup", "list", "--json"]);
    let paths: Vec<&str> = list["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [newest.to_str().unwrap(), old.to_str().unwrap()],
        "{list}"
    );
    let status = json(&["status", "--json"]);
    assert_eq!(
        status["backup"]["newest"].as_str(),
        newest.to_str(),
        "{status}"
    );
    assert_eq!(status["backup"]["count"], 2, "{status}");
    assert_eq!(
        crate::common::archive::newest_backup(&layout.backup_dir),
        newest
    );
}

#[test]
fn a_killed_backup_never_leaves_a_file_with_a_final_name() {
    let (dir, Installed { layout, .. }) = Install::sample(48 * 1024 * 1024).create_temp();
    let out_dir = layout.backup_dir.clone();
    for delay_ms in [50u64, 400] {
        let mut child = common::talos_std(dir.path())
            .args(["backup", "create"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // The pause IS the test: the backup is killed at varying moments.
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        for (_, p) in talos::archive::list_backups(&out_dir).unwrap() {
            // Any file with a final name is complete.
            talos_at(dir.path())
                .args(["backup", "verify"])
                .arg(&p)
                .assert()
                .success();
        }
    }
    // The next backup cleans the leftovers and succeeds.
    backup(dir.path());
    for e in std::fs::read_dir(&out_dir).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        assert!(!n.starts_with(".tmp-backup"), "{n} left behind");
    }
}

#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn two_restores_at_once_one_gets_exit_4() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let file = backup(dir.path());
    // The first restore pauses (test hook) right after writing its journal,
    // holding the lock.
    let first = common::talos_std(dir.path())
        .env("TALOS_TEST_PAUSE_AT", "2")
        .args(["restore", "--yes"])
        .arg(&file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let journal = layout.data_dir.join("restore.journal");
    assert!(
        common::sim::wait_for(std::time::Duration::from_secs(20), || journal.exists()),
        "the first restore did not start"
    );
    let second = restore(dir.path(), &file, &["--yes"]);
    first.wait_with_output().unwrap().assert().success();
    second
        .code(4)
        .stderr(contains("another restore is running"));
    assert!(!journal.exists());
}

/// A certificate valid from 400 days ago until `days` from now (negative:
/// expired), written as SSL_DIR/cert.pem and key.pem.
fn write_cert(layout: &Layout, days: i64) {
    use rcgen::{CertificateParams, KeyPair, date_time_ymd};
    let ymd = |t: jiff::Timestamp| {
        let d = t.to_zoned(jiff::tz::TimeZone::UTC).date();
        date_time_ymd(d.year() as i32, d.month() as u8, d.day() as u8)
    };
    let now = jiff::Timestamp::now();
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.not_before = ymd(now - jiff::SignedDuration::from_hours(24 * 400));
    params.not_after = ymd(now + jiff::SignedDuration::from_hours(24 * days));
    let cert = params.self_signed(&key).unwrap();
    std::fs::write(layout.ssl_dir.join("cert.pem"), cert.pem()).unwrap();
    std::fs::write(layout.ssl_dir.join("key.pem"), key.serialize_pem()).unwrap();
}

#[test]
fn a_backup_whose_config_lacks_keys_is_refused_before_the_swap() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    std::fs::write(&layout.config_file, "version: 1\n").unwrap();
    let file = backup(dir.path());
    std::fs::write(
        &layout.config_file,
        "version: 1\norchestrator: {}\nlogging: {}\n",
    )
    .unwrap();
    let before = tree_hash(dir.path());
    restore(dir.path(), &file, &["--yes", "--partial", "config"])
        .code(3)
        .stderr(contains("lacks the required key"));
    assert_eq!(tree_hash(dir.path()), before);
}

#[test]
fn a_restore_that_fails_validation_exits_1_with_the_rollback_command() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    // A backup of an expired certificate: it is readable, so it restores,
    // and validation catches the expiry.
    write_cert(&layout, -2);
    let file = backup(dir.path());
    write_cert(&layout, 30);
    let out = restore(dir.path(), &file, &["--yes", "--partial", "ssl"])
        .code(1)
        .stdout(
            contains("validation failed")
                .and(contains("expired"))
                .and(contains("to undo this restore: talos restore")),
        );
    let stdout = String::from_utf8_lossy(&out.get_output().stdout);
    // The rollback command puts the good config back.
    let cmd = stdout
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("to undo this restore: talos restore ")
        })
        .unwrap();
    let rollback = cmd.split_whitespace().next().unwrap();
    restore(dir.path(), Path::new(rollback), &["--yes"]).success();
    restore(dir.path(), &file, &["--dry-run"]).success();
    // The rollback put the valid certificate back: a restore of it validates.
    restore(dir.path(), Path::new(rollback), &["--yes"]).success();
}

#[test]
fn partial_backups_and_usage_errors() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let doc = common::json_ok(talos_at(dir.path()).args([
        "backup",
        "create",
        "--partial",
        "config,ssl",
        "--json",
    ]));
    assert_eq!(doc["backup_type"], "partial");
    assert_eq!(doc["components"], serde_json::json!(["config", "ssl"]));
    let file = PathBuf::from(doc["path"].as_str().unwrap());
    // A component the archive does not hold: usage error, nothing changed.
    let before = tree_hash(dir.path());
    restore(dir.path(), &file, &["--yes", "--partial", "state"])
        .code(2)
        .stderr(contains("not in"));
    assert_eq!(tree_hash(dir.path()), before);
    // Unknown component names are usage errors too.
    talos_at(dir.path())
        .args(["backup", "create", "--partial", "bogus"])
        .assert()
        .code(2);
    // No installation at the root: exit 1 with a hint.
    let empty = tempfile::tempdir().unwrap();
    talos_at(empty.path())
        .args(["backup", "create"])
        .assert()
        .code(1)
        .stderr(contains("no Talos installation"));
    // The partial archive restores only its components.
    std::fs::write(layout.ssl_dir.join("cert.pem"), "broken").unwrap();
    restore(dir.path(), &file, &["--yes"]).success();
    assert!(
        std::fs::read_to_string(layout.ssl_dir.join("cert.pem"))
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );
}
