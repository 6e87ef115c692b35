//! The repairs: `repair jsonl`, `repair config`, `db check`,
//! `db checkpoint`, `log prune`, each on a realistic installation.

use crate::common::install::Install;
use assert_cmd::assert::OutputAssertExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::common::{json_ok, talos_at, tree_hash};
use crate::ops::*;
use jiff::Timestamp;
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", out.clone().assert()))
}

fn audit_actions(root: &Path) -> Vec<String> {
    let dir = root.join("var/log/talos/audit");
    let mut out = Vec::new();
    for (_, f) in talos::audit::audit_files(&dir).unwrap() {
        for line in std::fs::read_to_string(f).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            out.push(v["action"].as_str().unwrap().to_string());
        }
    }
    out
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn repair_jsonl_keeps_the_original_and_drops_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let rot = l.log_dir.join("orchestrator.log.1");
    let good = t2(
        Timestamp::now(),
        "ERROR",
        "orchestrator",
        "kept",
        "00000000000000aa",
        Some("T004"),
    );
    let original = format!("{good}not json at all\n{good}{{\"torn\": \n");
    write(&rot, &original, 0o640);

    // Dry run: counts, changes nothing.
    let out = talos_at(dir.path())
        .args(["repair", "jsonl", "--dry-run", "--json"])
        .arg(&rot)
        .assert()
        .code(0);
    let doc = json(out.get_output());
    assert_eq!(doc["dropped"], 2);
    assert_eq!(std::fs::read_to_string(&rot).unwrap(), original);
    assert!(!l.log_dir.join("orchestrator.log.1.corrupt").exists());

    // No terminal and no --yes: refused, nothing changed.
    talos_at(dir.path())
        .args(["repair", "jsonl"])
        .arg(&rot)
        .assert()
        .code(4);
    assert_eq!(std::fs::read_to_string(&rot).unwrap(), original);

    let doc = json_ok(
        talos_at(dir.path())
            .args(["repair", "jsonl", "--yes", "--json"])
            .arg(&rot),
    );
    assert_eq!(doc["files"][0]["kept"], 2);
    assert_eq!(doc["files"][0]["dropped"], 2);
    assert_eq!(
        std::fs::read_to_string(&rot).unwrap(),
        format!("{good}{good}")
    );
    assert_eq!(mode(&rot), 0o640);
    let corrupt = l.log_dir.join("orchestrator.log.1.corrupt");
    assert_eq!(std::fs::read_to_string(&corrupt).unwrap(), original);
    assert!(audit_actions(dir.path()).contains(&"repair_jsonl".to_string()));

    // A gzip rotation is repaired and stays gzip.
    let gz = l.log_dir.join("orchestrator.log.2.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, format!("{good}garbage\n").as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    talos_at(dir.path())
        .args(["repair", "jsonl", "--yes"])
        .arg(&gz)
        .assert()
        .code(0);
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::MultiGzDecoder::new(std::fs::File::open(&gz).unwrap()),
        &mut text,
    )
    .unwrap();
    assert_eq!(text, good);
}

#[test]
fn repair_jsonl_refuses_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let audit = l.audit_dir.join("audit-000001.jsonl");
    append(&audit, "garbage\n");
    let before = tree_hash(&l.audit_dir);
    // Also through a path with `..` in it.
    let sneaky = l.log_dir.join("audit/../audit/audit-000001.jsonl");
    for p in [&audit, &sneaky] {
        talos_at(dir.path())
            .args(["repair", "jsonl", "--yes"])
            .arg(p)
            .assert()
            .code(4)
            .stderr(predicates::str::contains("verify-chain"));
    }
    assert_eq!(tree_hash(&l.audit_dir), before);
}

#[test]
fn repair_config_puts_back_the_newest_valid_backup() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let old_valid = l.config_dir.join("config.yaml.backup.1");
    let newer_valid = l.config_dir.join("config.yaml.backup.20240115");
    let newest_invalid = l.config_dir.join("config.yaml.backup");
    write(
        &old_valid,
        "version: 1\norchestrator: {}\nlogging: {old: true}\n",
        0o600,
    );
    write(
        &newer_valid,
        "version: 2\norchestrator: {}\nlogging: {newer: true}\n",
        0o600,
    );
    write(&newest_invalid, "version: 3\norchestrator: {}\n", 0o600);
    let now = SystemTime::now();
    for (p, age) in [
        (&old_valid, 300),
        (&newer_valid, 200),
        (&newest_invalid, 100),
    ] {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(now - Duration::from_secs(age))
            .unwrap();
    }
    let broken = "version: [oops\n";
    write(&l.config_file, broken, 0o644);

    let out = talos_at(dir.path())
        .args(["repair", "config", "--dry-run", "--json"])
        .assert()
        .code(0);
    let plan = &json(out.get_output())["plan"];
    assert_eq!(plan["chosen"]["path"], newer_valid.to_str().unwrap());
    assert_eq!(plan["chosen"]["kind"], "config_backup");
    assert_eq!(std::fs::read_to_string(&l.config_file).unwrap(), broken);

    talos_at(dir.path())
        .args(["repair", "config", "--yes"])
        .assert()
        .success();

    assert!(
        std::fs::read_to_string(&l.config_file)
            .unwrap()
            .contains("newer: true")
    );
    assert_eq!(mode(&l.config_file), 0o600);
    let kept: Vec<_> = std::fs::read_dir(&l.config_dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("config.yaml.broken-")
        })
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(std::fs::read_to_string(kept[0].path()).unwrap(), broken);
    assert!(audit_actions(dir.path()).contains(&"repair_config".to_string()));
    talos_at(dir.path())
        .args(["config", "validate"])
        .assert()
        .code(0);
    // Valid now: nothing to do.
    talos_at(dir.path())
        .args(["repair", "config", "--yes"])
        .assert()
        .code(0);
}

#[test]
fn repair_config_without_a_valid_backup_puts_back_the_archives() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    write(&l.config_dir.join("config.yaml.backup"), "nope: [\n", 0o600);
    std::fs::remove_file(&l.config_file).unwrap();
    let out = talos_at(dir.path())
        .args(["repair", "config", "--yes"])
        .assert()
        .success()
        .get_output()
        .clone();

    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("config/config.yaml of the backup archive") && text.contains("backup_"),
        "{text}"
    );
    assert_eq!(std::fs::read_to_string(&l.config_file).unwrap(), CONFIG);
}

#[test]
fn db_check_and_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    talos_at(dir.path()).args(["db", "check"]).assert().code(0);

    // Frames in the WAL, then a TRUNCATE checkpoint with the daemon down.
    let c = rusqlite::Connection::open(&l.db).unwrap();
    c.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    c.execute_batch("INSERT INTO tasks VALUES ('task_2', 'queued');")
        .unwrap();
    drop(c);
    let c = rusqlite::Connection::open(&l.db).unwrap();
    c.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    c.execute_batch("INSERT INTO tasks VALUES ('task_3', 'queued');")
        .unwrap();
    let out = talos_at(dir.path())
        .args(["db", "checkpoint", "--json"])
        .output()
        .unwrap();
    drop(c);
    out.clone().assert().success();
    let doc = json(&out);
    assert_eq!(doc["result"]["mode"], "truncate");
    assert_eq!(doc["result"]["wal_bytes_after"], 0);
    assert!(audit_actions(dir.path()).contains(&"db_checkpoint".to_string()));

    std::fs::write(&l.db, vec![0x33; 8192]).unwrap();
    let out = talos_at(dir.path())
        .args(["db", "check", "--json"])
        .assert()
        .code(3);
    assert_eq!(json(out.get_output())["corrupt"], true);
}

fn sized(p: &Path, len: u64, age: Duration) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    let f = std::fs::File::create(p).unwrap();
    f.set_len(len).unwrap();
    f.set_modified(SystemTime::now() - age).unwrap();
}

#[test]
fn log_prune_frees_what_it_says_and_never_touches_audit() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    const MB: u64 = 1024 * 1024;
    let old = Duration::from_secs(3600);
    // Tier 2: current ~0, .1 20 MB, .2 20 MB (ring 40 MB), .3.gz 20 MB → over 50 MB: goes; .4 goes.
    sized(&l.log_dir.join("orchestrator.log.1"), 20 * MB, old);
    sized(&l.log_dir.join("orchestrator.log.2"), 20 * MB, old);
    sized(&l.log_dir.join("orchestrator.log.3.gz"), 20 * MB, old);
    sized(&l.log_dir.join("orchestrator.log.4"), MB, old);
    // Tier 3: .1 of 60 MB alone is past the ring.
    sized(&l.log_dir.join("debug.log.1"), 60 * MB, old);
    // Temporary files: old ones go, a fresh one stays.
    sized(&l.data_dir.join("state/x.tmp"), 3 * MB, old);
    sized(
        &l.data_dir.join(".restore-staging-abc/config/config.yaml"),
        MB,
        old,
    );
    for d in [".restore-staging-abc/config", ".restore-staging-abc"] {
        std::fs::File::open(l.data_dir.join(d))
            .unwrap()
            .set_modified(SystemTime::now() - old)
            .unwrap();
    }
    sized(&l.data_dir.join("tmp/scratch"), MB, old);
    sized(
        &l.backup_dir.join(".tmp-backup-abc123/backup.tar.gz"),
        MB,
        old,
    );
    std::fs::File::open(l.backup_dir.join(".tmp-backup-abc123"))
        .unwrap()
        .set_modified(SystemTime::now() - old)
        .unwrap();
    sized(
        &l.backup_dir.join(".backup_20240101_000000.tar.gz.tmp"),
        2 * MB,
        old,
    );
    sized(&l.data_dir.join("fresh.tmp"), MB, Duration::from_secs(5));
    // Bait in AUDIT_DIR.
    sized(&l.audit_dir.join("old.tmp"), MB, old);
    let audit_before = tree_hash(&l.audit_dir);
    let keep = [
        l.orchestrator_log(),
        l.debug_log(),
        l.log_dir.join("orchestrator.log.1"),
        l.log_dir.join("orchestrator.log.2"),
    ];

    let out = talos_at(dir.path())
        .args(["log", "prune", "--dry-run", "--json"])
        .assert()
        .code(0);
    let plan = json(out.get_output());
    let want = (20 + 1 + 60 + 3 + 1 + 1 + 2 + 1) * MB;
    assert_eq!(plan["bytes_to_free"], want, "{plan:#}");
    assert_eq!(plan["bytes_freed"], 0);
    assert!(l.log_dir.join("debug.log.1").exists());

    let doc = json_ok(talos_at(dir.path()).args(["log", "prune", "--yes", "--json"]));
    assert_eq!(doc["bytes_freed"], want);
    for gone in ["orchestrator.log.3.gz", "orchestrator.log.4", "debug.log.1"] {
        assert!(!l.log_dir.join(gone).exists(), "{gone}");
    }
    assert!(!l.data_dir.join("state/x.tmp").exists());
    assert!(!l.data_dir.join(".restore-staging-abc").exists());
    assert!(!l.data_dir.join("tmp/scratch").exists());
    assert!(l.data_dir.join("tmp").is_dir());
    assert!(
        !l.backup_dir
            .join(".backup_20240101_000000.tar.gz.tmp")
            .exists()
    );
    assert!(!l.backup_dir.join(".tmp-backup-abc123").exists());
    assert!(l.data_dir.join("fresh.tmp").exists());
    for k in &keep {
        assert!(k.exists(), "{}", k.display());
    }
    // The audit files are untouched, except for the one new record of the prune.
    let after = tree_hash(&l.audit_dir);
    assert!(l.audit_dir.join("old.tmp").exists());
    assert_eq!(audit_before.get("old.tmp"), after.get("old.tmp"));
    let text = std::fs::read_to_string(l.audit_dir.join("audit-000001.jsonl")).unwrap();
    assert_eq!(text.lines().count(), 3);
    assert!(audit_actions(dir.path()).last().unwrap() == "log_prune");
    let report = talos::audit::verify::verify_chain(&l.audit_dir, &[]).unwrap();
    assert!(report.ok, "{report:?}");
}
