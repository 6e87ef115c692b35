//! `restore --dry-run` shows the very plan the real run executes: one
//! function makes it from the archive's metadata.json and manifest.json and
//! the installation, the real run shows it at its confirmation and reports
//! it; an archive whose content no longer matches what the plan was made
//! from is refused with nothing changed (docs/backup.md "Restore").
//! Component names read from an archive or a journal are typed: an unknown
//! one is a clear integrity error.

use std::path::Path;
use std::process::Stdio;

use crate::common::archive::{
    backup_aside, d, f, gzip, manifest_json, metadata_json, restore_state, tar_bytes,
};
use crate::common::install::{Install, Installed};
use crate::common::{json_ok, talos_at, talos_std};
use talos::install::Layout;

/// Changes every kind of file a plan tells apart: an overwrite, a create,
/// a remove.
fn damage(layout: &Layout) {
    std::fs::write(&layout.config_file, "garbage: [").unwrap();
    std::fs::remove_file(layout.task_queue()).unwrap();
    std::fs::write(layout.state_dir.join("extra.json"), "{}").unwrap();
}

/// Nothing a restore leaves while it runs: no staging, no journal.
fn no_restore_leftovers(root: &Path) {
    let data = Layout::new(root).data_dir;
    for e in std::fs::read_dir(&data).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(
            !name.starts_with(".restore-staging") && name != "restore.journal",
            "{name} left behind"
        );
    }
}

#[test]
fn the_dry_run_plan_is_the_plan_the_restore_shows_and_executes() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let keep = tempfile::tempdir().unwrap();
    let file = backup_aside(dir.path(), keep.path());
    damage(&layout);
    let dry = json_ok(
        talos_at(dir.path())
            .args(["--json", "restore", "--dry-run"])
            .arg(&file),
    );
    let plan = &dry["plan"];
    // config.yaml (and the database, whose snapshot differs from the file).
    assert!(
        plan["counts"]["overwrite"].as_u64().unwrap() >= 1,
        "{plan:#}"
    );
    assert_eq!(plan["counts"]["create"], 1, "{plan:#}");
    assert_eq!(plan["counts"]["remove"], 1, "{plan:#}");
    // The renames name the staging directory the real run makes.
    let moves = plan["moves"].as_array().unwrap();
    assert!(!moves.is_empty());
    assert!(
        moves
            .iter()
            .any(|m| m["to"].as_str().unwrap().contains("/.restore-staging-")),
        "{plan:#}"
    );
    // The human plan line the real run shows before it asks.
    let human_dry = talos_at(dir.path())
        .args(["restore", "--dry-run"])
        .arg(&file)
        .output()
        .unwrap();
    let dry_text = String::from_utf8_lossy(&human_dry.stdout).into_owned();
    let first = |t: &str| {
        t.split("\n  ")
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let copy = tempfile::tempdir().unwrap();
    let other = copy.path().join("root");
    crate::common::archive::copy_tree(dir.path(), &other);
    let real_text = talos_at(&other)
        .args(["--yes", "restore"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(real_text.status.success());
    let real_text = String::from_utf8_lossy(&real_text.stdout).into_owned();
    assert_eq!(
        first(&dry_text).replace(&*dir.path().to_string_lossy(), "ROOT"),
        first(&real_text).replace(&*other.to_string_lossy(), "ROOT"),
        "{dry_text}\n---\n{real_text}"
    );
    // The real run reports the plan it executed: the dry run's, exactly.
    let real = json_ok(
        talos_at(dir.path())
            .args(["--json", "--yes", "restore"])
            .arg(&file),
    );
    assert_eq!(real["result"], "restored");
    assert_eq!(real["plan"], dry["plan"]);
    assert_eq!(real["counts"], dry["plan"]["counts"]);
    no_restore_leftovers(dir.path());
}

#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn an_archive_changed_after_it_was_planned_is_refused_with_nothing_changed() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let keep = tempfile::tempdir().unwrap();
    let planned = backup_aside(dir.path(), keep.path());
    let a = keep.path().join("a.tar.gz");
    std::fs::rename(&planned, &a).unwrap();
    // Another valid backup, of another content.
    std::fs::write(layout.state_dir.join("extra.json"), "{}").unwrap();
    let b = backup_aside(dir.path(), keep.path());
    damage(&layout);
    let before = restore_state(dir.path());
    let archive = keep.path().join("backup.tar.gz");
    std::fs::copy(&a, &archive).unwrap();
    let go = keep.path().join("go");
    let waiting = keep.path().join("go.waiting");
    let child = talos_std(dir.path())
        .env("TALOS_TEST_PAUSE_AFTER_HEAD", &go)
        .args(["--yes", "restore"])
        .arg(&archive)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !waiting.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        waiting.exists(),
        "the restore never read the archive's head"
    );
    // The file is replaced between the plan and the full read.
    std::fs::rename(&b, &archive).unwrap();
    std::fs::write(&go, b"").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("does not hold what the metadata.json and manifest.json"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    assert_eq!(restore_state(dir.path()), before);
    no_restore_leftovers(dir.path());
    assert!(!layout.rollback_dir().exists());
}

#[test]
fn an_unknown_component_in_metadata_is_an_integrity_error() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let before = restore_state(dir.path());
    let files: [(&str, &[u8]); 1] = [("state/task_queue.json", b"{\"pending\":[]}")];
    let entries = vec![
        f("metadata.json", &metadata_json(&["state", "../etc"])),
        f("manifest.json", &manifest_json(&files)),
        d("state/"),
        f(files[0].0, files[0].1),
    ];
    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("hostile.tar.gz");
    std::fs::write(&archive, gzip(&tar_bytes(&entries))).unwrap();
    for extra in [&["--dry-run"][..], &["--yes"][..]] {
        let out = talos_at(dir.path())
            .arg("restore")
            .args(extra)
            .arg(&archive)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{extra:?}: {stderr}");
        assert!(
            stderr.contains("metadata.json is not valid: unknown component \"../etc\""),
            "{stderr}"
        );
    }
    assert_eq!(restore_state(dir.path()), before);
    no_restore_leftovers(dir.path());
    assert!(!layout.restore_journal().exists());
}

#[test]
fn a_journal_naming_an_unknown_component_is_not_acted_on() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let root = dir.path().canonicalize().unwrap();
    let before = restore_state(&root);
    let journal = serde_json::json!({
        "version": 1,
        "pid": 1,
        "started_at": "2024-01-15T08:30:00.000Z",
        "archive": "/x/backup.tar.gz",
        "root": root,
        "components": ["config", "bogus"],
        "staging": root.join("var/lib/talos/.restore-staging-000000000000"),
        "rollback": null,
        "new_host": false,
        "record": true,
        "moves": [],
        "done": 0,
        "state": "swapping",
    });
    std::fs::write(layout.restore_journal(), journal.to_string()).unwrap();
    for flag in ["--resume", "--abort"] {
        let out = talos_at(&root)
            .args(["--yes", "restore", flag])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{flag}: {stderr}");
        assert!(stderr.contains("not a valid restore journal"), "{stderr}");
        assert!(stderr.contains("unknown component \"bogus\""), "{stderr}");
    }
    assert!(layout.restore_journal().exists());
    assert_eq!(restore_state(&root), before);
}
