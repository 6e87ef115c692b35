//! A restore stays inside what it owns: the journal is checked before it is
//! acted on, modes never widen, content is checked before the swap, and the
//! audit chain is never rewound (docs/backup.md "Containment").

use crate::common;
use crate::common::install::{Install, Installed};
use assert_cmd::assert::OutputAssertExt;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::archive::{backup, backup_aside, copy_tree, killed_at_crash_point};
use crate::common::mount::{can_mount, tmpfs};
use crate::common::tree_hash;
use crate::common::{talos_at, talos_std};
use talos::install::Layout;

/// Runs a restore killed at crash point `n` (mid-swap), leaving a journal.
fn interrupted_restore(root: &Path, archive: &Path, n: usize) {
    killed_at_crash_point(
        talos_at(root)
            .env("TALOS_TEST_CRASH_AT", n.to_string())
            .args(["restore", "--yes"])
            .arg(archive)
            .assert(),
    );
    assert!(Layout::new(root).data_dir.join("restore.journal").exists());
}

#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn a_copied_installation_does_not_act_on_the_original() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let keep = tempfile::tempdir().unwrap();
    let archive = backup_aside(dir.path(), keep.path());
    std::fs::write(layout.state_dir.join("extra.json"), "{}").unwrap();
    interrupted_restore(dir.path(), &archive, 6);
    let work = tempfile::tempdir().unwrap();
    let copy = work.path().join("R2");
    copy_tree(dir.path(), &copy);
    let original = tree_hash(dir.path());
    let copied = tree_hash(&copy);
    for flag in ["--abort", "--resume"] {
        talos_at(&copy)
            .args(["restore", flag, "--yes"])
            .assert()
            .code(3)
            .stderr(
                contains("does not describe a restore of")
                    .and(contains("hint:").or(contains("Hint:"))),
            );
        assert_eq!(
            tree_hash(dir.path()),
            original,
            "{flag} touched the original"
        );
        assert_eq!(tree_hash(&copy), copied, "{flag} touched the copy");
    }
    // The original still finishes with its own journal.
    let out = talos_std(dir.path())
        .args(["restore", "--abort", "--yes"])
        .output()
        .unwrap();
    out.clone().assert().success();
}

/// One way to tamper with a journal.
type Edit<'a> = Box<dyn Fn(&mut serde_json::Value) + 'a>;

#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn a_crafted_journal_never_deletes_outside_the_installation() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let keep = tempfile::tempdir().unwrap();
    let archive = backup_aside(dir.path(), keep.path());
    interrupted_restore(dir.path(), &archive, 6);
    let victim = tempfile::tempdir().unwrap();
    std::fs::write(victim.path().join("precious"), "data").unwrap();
    std::fs::create_dir(victim.path().join("sub")).unwrap();
    let victim_before = tree_hash(victim.path());
    let jpath = layout.data_dir.join("restore.journal");
    let orig: serde_json::Value = serde_json::from_slice(&std::fs::read(&jpath).unwrap()).unwrap();
    let root = dir.path().canonicalize().unwrap();
    let staging = orig["staging"].as_str().unwrap().to_string();
    let cases: Vec<(&str, Edit)> = vec![
        (
            "staging outside",
            Box::new(|j| j["staging"] = victim.path().to_str().unwrap().into()),
        ),
        (
            "staging with ..",
            Box::new(|j| {
                j["staging"] = format!(
                    "{}/../../../{}",
                    root.join("var/lib/talos").display(),
                    victim.path().display()
                )
                .into()
            }),
        ),
        (
            "a move out of the root",
            Box::new(|j| {
                j["moves"][0]["from"] = victim.path().join("sub").to_str().unwrap().into();
                j["done"] = 0.into();
            }),
        ),
        (
            "a move into staging via ..",
            Box::new(|j| {
                j["moves"][0]["to"] =
                    format!("{staging}/../../../../../{}", victim.path().display()).into();
            }),
        ),
        (
            "a relative root",
            Box::new(|j| j["root"] = "relative/root".into()),
        ),
        (
            "another root",
            Box::new(|j| j["root"] = victim.path().to_str().unwrap().into()),
        ),
    ];
    for (what, edit) in cases {
        let mut j = orig.clone();
        edit(&mut j);
        std::fs::write(&jpath, serde_json::to_vec(&j).unwrap()).unwrap();
        let inside = tree_hash(dir.path());
        for flag in ["--abort", "--resume"] {
            talos_at(dir.path())
                .args(["restore", flag, "--yes"])
                .assert()
                .append_context("journal", what)
                .code(3);
            assert_eq!(tree_hash(victim.path()), victim_before, "{what} {flag}");
            assert_eq!(tree_hash(dir.path()), inside, "{what} {flag}");
        }
    }
    std::fs::write(&jpath, serde_json::to_vec(&orig).unwrap()).unwrap();
    talos_at(dir.path())
        .args(["restore", "--abort", "--yes"])
        .assert()
        .success();
    assert_eq!(tree_hash(victim.path()), victim_before);
}

#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test-hooks feature: cargo test --release --features test-hooks"
)]
fn a_relative_target_dir_is_journalled_absolute() {
    let (dir, _) = Install::sample(0).create_temp();
    let keep = tempfile::tempdir().unwrap();
    let archive = backup_aside(dir.path(), keep.path());
    let work = tempfile::tempdir().unwrap();
    let here = work.path().join("here");
    let elsewhere = work.path().join("elsewhere");
    std::fs::create_dir(&here).unwrap();
    std::fs::create_dir(&elsewhere).unwrap();
    copy_tree(dir.path(), &here.join("target"));
    killed_at_crash_point(
        talos_at(dir.path())
            .current_dir(&here)
            .env("TALOS_TEST_CRASH_AT", "6")
            .args(["restore", "--yes", "--target-dir", "target"])
            .arg(&archive)
            .assert(),
    );
    let jpath = here.join("target/var/lib/talos/restore.journal");
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&jpath).unwrap()).unwrap();
    for key in ["root", "staging"] {
        assert!(
            Path::new(j[key].as_str().unwrap()).is_absolute(),
            "{key}: {}",
            j[key]
        );
    }
    for m in j["moves"].as_array().unwrap() {
        assert!(Path::new(m["from"].as_str().unwrap()).is_absolute());
        assert!(Path::new(m["to"].as_str().unwrap()).is_absolute());
    }
    // Resumed from another directory, the relative spelling from there
    // names nothing; the absolute one finishes, and nothing lands in cwd.
    let out = talos_std(dir.path())
        .current_dir(&elsewhere)
        .args(["restore", "--resume", "--yes", "--target-dir"])
        .arg(here.join("target"))
        .output()
        .unwrap();
    out.clone().assert().success();
    assert!(std::fs::read_dir(&elsewhere).unwrap().next().is_none());
    assert!(!jpath.exists());
}

fn verify_chain(root: &Path) -> std::process::Output {
    talos_std(root)
        .args(["audit", "verify-chain"])
        .output()
        .unwrap()
}

#[test]
fn restoring_an_older_backup_never_rewinds_the_audit_chain() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let a = backup(dir.path());
    // Something happens between the two backups.
    talos::audit::append_in(
        &layout.audit_dir,
        "orchestrator",
        "task_completed",
        &serde_json::json!({}),
        "2024-01-16T00:00:00.000Z",
    )
    .unwrap();
    // Time must pass: backup names carry the second, and `b` must be newer.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let _b = backup(dir.path());
    let before = std::fs::read_to_string(layout.audit_dir.join("audit-000001.jsonl")).unwrap();
    let out = talos_std(dir.path())
        .args(["restore", "--yes"])
        .arg(&a)
        .output()
        .unwrap();
    out.clone().assert().success();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("kept:") && text.contains("records newer than the backup"),
        "{text}"
    );
    let after = std::fs::read_to_string(layout.audit_dir.join("audit-000001.jsonl")).unwrap();
    assert!(after.starts_with(&before), "the chain was rewound");
    assert!(
        after
            .lines()
            .last()
            .unwrap()
            .contains("\"action\":\"restore\"")
    );
    let out = verify_chain(dir.path());
    out.clone().assert().success();
}

#[test]
fn a_damaged_chain_is_replaced_and_kept_as_evidence() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let keep = tempfile::tempdir().unwrap();
    let a = backup_aside(dir.path(), keep.path());
    let file = layout.audit_dir.join("audit-000001.jsonl");
    let text = std::fs::read_to_string(&file).unwrap();
    let damaged = text.replacen("\"seq\":1,", "\"seq\":1,\"x\":1,", 1);
    assert_ne!(text, damaged);
    std::fs::write(&file, &damaged).unwrap();
    let out = talos_std(dir.path())
        .args(["restore", "--yes", "--partial", "logs"])
        .arg(&a)
        .output()
        .unwrap();
    out.clone().assert().success();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("kept as evidence"), "{stdout}");
    let evidence: Vec<_> = std::fs::read_dir(layout.data_dir.join("restore_rollback"))
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("audit-replaced-")
        })
        .collect();
    assert_eq!(evidence.len(), 1);
    assert_eq!(
        std::fs::read_to_string(evidence[0].path().join("audit-000001.jsonl")).unwrap(),
        damaged
    );
    let out = verify_chain(dir.path());
    out.clone().assert().success();
}

/// A sample backup rewritten with one file replaced (manifest updated to
/// match), so only the content checks can catch it.
fn with_file(archive: &Path, path: &str, data: &[u8], out: &Path) {
    use std::io::Read;
    let gz = flate2::read::MultiGzDecoder::new(std::fs::File::open(archive).unwrap());
    let mut ar = tar::Archive::new(gz);
    let mut entries: Vec<(tar::Header, Vec<u8>)> = Vec::new();
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        entries.push((e.header().clone(), bytes));
    }
    let name = |h: &tar::Header| {
        String::from_utf8_lossy(&h.path_bytes())
            .trim_start_matches("./")
            .to_string()
    };
    for (h, bytes) in entries.iter_mut() {
        if name(h) == path {
            *bytes = data.to_vec();
        }
    }
    for (h, bytes) in entries.iter_mut() {
        if name(h) == "manifest.json" {
            let mut m: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            for f in m["files"].as_array_mut().unwrap() {
                if f["path"] == path {
                    f["checksum"] = common::archive::sha256_hex(data).into();
                    f["size"] = data.len().into();
                }
            }
            *bytes = serde_json::to_vec(&m).unwrap();
        }
    }
    let mut b = tar::Builder::new(Vec::new());
    for (mut h, bytes) in entries {
        h.set_size(bytes.len() as u64);
        h.set_cksum();
        b.append(&h, &bytes[..]).unwrap();
    }
    std::fs::write(out, common::archive::gzip(&b.into_inner().unwrap())).unwrap();
}

#[test]
fn content_is_checked_before_the_swap_and_by_backup_verify() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let keep = tempfile::tempdir().unwrap();
    let good = backup_aside(dir.path(), keep.path());
    let head_text = std::fs::read_to_string(layout.audit_dir.join("audit-000001.jsonl")).unwrap();
    let mut fake_chain = head_text.clone();
    fake_chain.push_str("{\"seq\":999}\n");
    let bomb = {
        let mut y = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (i, c) in "bcdefghi".chars().enumerate() {
            let prev = (b'a' + i as u8) as char;
            y.push_str(&format!("{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        y
    };
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (
            "junk db",
            "database/talos.db",
            b"this is not sqlite".to_vec(),
            "database",
        ),
        (
            "yaml bomb",
            "config/config.yaml",
            bomb.into_bytes(),
            "config",
        ),
        (
            "config missing keys",
            "config/config.yaml",
            b"version: 1\n".to_vec(),
            "config",
        ),
        (
            "fake chain",
            "logs/audit/audit-000001.jsonl",
            fake_chain.into_bytes(),
            "audit chain",
        ),
        (
            "bad cert",
            "ssl/cert.pem",
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec(),
            "certificate",
        ),
    ];
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("f"), "x").unwrap();
    let outside_before = tree_hash(outside.path());
    for (what, path, data, name) in cases {
        let bad = keep
            .path()
            .join(format!("bad-{}.tar.gz", what.replace(' ', "-")));
        with_file(&good, path, &data, &bad);
        let before = tree_hash(dir.path());
        for args in [
            vec!["backup", "verify"],
            vec!["restore", "--dry-run"],
            vec!["restore", "--verify-only"],
            vec!["restore", "--yes"],
        ] {
            talos_at(dir.path())
                .args(&args)
                .arg(&bad)
                .assert()
                .append_context("archive", what)
                .code(3)
                .stderr(contains(name));
            assert_eq!(
                tree_hash(dir.path()),
                before,
                "{what} {args:?} changed the installation"
            );
        }
    }
    assert_eq!(tree_hash(outside.path()), outside_before);
    // The good one still passes everything.
    let out = talos_std(dir.path())
        .args(["backup", "verify"])
        .arg(&good)
        .output()
        .unwrap();
    out.clone().assert().success();
}

/// A custom-only archive whose manifest and headers ask for wide modes.
fn wide_mode_archive(out: &Path) {
    let script: &[u8] = b"#!/bin/sh\necho hi\n";
    let files: [(&str, &[u8]); 1] = [("custom/plugins/x.sh", script)];
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&common::archive::manifest_json(&files)).unwrap();
    manifest["files"][0]["mode"] = "6777".into();
    let mut b = tar::Builder::new(Vec::new());
    let mut add = |name: &str, kind: tar::EntryType, mode: u32, data: &[u8]| {
        let mut h = tar::Header::new_ustar();
        h.set_path(name).unwrap();
        h.set_entry_type(kind);
        h.set_size(data.len() as u64);
        h.set_mode(mode);
        h.set_mtime(1_700_000_000);
        h.set_cksum();
        b.append(&h, data).unwrap();
    };
    add(
        "metadata.json",
        tar::EntryType::Regular,
        0o600,
        &common::archive::metadata_json(&["custom"]),
    );
    add(
        "manifest.json",
        tar::EntryType::Regular,
        0o600,
        &serde_json::to_vec(&manifest).unwrap(),
    );
    add("custom/", tar::EntryType::Directory, 0o7777, b"");
    add("custom/plugins/", tar::EntryType::Directory, 0o7777, b"");
    add(
        "custom/plugins/x.sh",
        tar::EntryType::Regular,
        0o6777,
        script,
    );
    std::fs::write(out, common::archive::gzip(&b.into_inner().unwrap())).unwrap();
}

#[test]
fn modes_never_widen() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let keep = tempfile::tempdir().unwrap();
    let archive = keep.path().join("wide.tar.gz");
    wide_mode_archive(&archive);
    let out = talos_std(dir.path())
        .args(["restore", "--yes", "--json"])
        .arg(&archive)
        .output()
        .unwrap();
    out.clone().assert().success();
    for p in [
        layout.custom_dir.clone(),
        layout.custom_dir.join("plugins"),
        layout.custom_dir.join("plugins/x.sh"),
    ] {
        let mode = std::fs::symlink_metadata(&p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode & 0o7002, 0, "{} is {mode:o}", p.display());
    }
    // Validation looks at the modes on disk: a world-writable file planted in
    // the restored component after the fact is reported by the next restore
    // of it... here, directly by the validation of a restore that keeps it.
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["outcome"]["validation"]["ok"], true, "{doc}");
}

#[test]
fn a_configured_backup_dir_never_leaves_the_root() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let outside = tempfile::tempdir().unwrap();
    // Looks like a backup to --keep, and must survive.
    std::fs::write(outside.path().join("backup_20200101_000000.tar.gz"), "old").unwrap();
    std::fs::write(outside.path().join("precious"), "data").unwrap();
    let before = tree_hash(outside.path());
    let ups = "/..".repeat(dir.path().components().count() + 2);
    let cfg = std::fs::read_to_string(&layout.config_file)
        .unwrap()
        .replace(
            "backup:\n  keep: 7\n",
            &format!(
                "backup:\n  keep: 7\n  dir: {ups}{}\n",
                outside.path().display()
            ),
        );
    std::fs::write(&layout.config_file, cfg).unwrap();
    let out = talos_at(dir.path())
        .args(["config", "validate"])
        .assert()
        .code(3);
    let o = out.get_output();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(text.contains("backup.dir"), "{out}");
    for args in [
        vec!["backup", "create", "--keep", "1"],
        vec!["backup", "list"],
    ] {
        talos_at(dir.path())
            .args(&args)
            .assert()
            .code(3)
            .stderr(contains("backup.dir"));
        assert_eq!(tree_hash(outside.path()), before, "{args:?}");
    }
    // A path that stays inside after normalisation is fine.
    let cfg = std::fs::read_to_string(&layout.config_file)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("dir:"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace(
            "  keep: 7",
            "  keep: 7\n  dir: /var/./backups/../backups/talos2",
        );
    std::fs::write(&layout.config_file, cfg + "\n").unwrap();
    let out = talos_std(dir.path())
        .args(["backup", "create", "--json"])
        .output()
        .unwrap();
    out.clone().assert().success();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let path = PathBuf::from(doc["path"].as_str().unwrap());
    assert!(
        path.starts_with(dir.path().join("var/backups/talos2")),
        "{}",
        path.display()
    );
    assert_eq!(tree_hash(outside.path()), before);
}

/// A state-only archive with one 24 MiB file; `manifest_first` puts
/// manifest.json before it (as talos writes) or after it (hand-made).
fn big_state_archive(out: &Path, manifest_first: bool) {
    use common::archive::{E, d, f, gzip, manifest_json, metadata_json, tar_bytes};
    let big = vec![0u8; 24 * 1024 * 1024];
    let files: [(&str, &[u8]); 1] = [("state/big.bin", &big)];
    let mut entries: Vec<E> = vec![f("metadata.json", &metadata_json(&["state"]))];
    if manifest_first {
        entries.push(f("manifest.json", &manifest_json(&files)));
    }
    entries.push(d("state/"));
    entries.push(f("state/big.bin", &big));
    if !manifest_first {
        entries.push(f("manifest.json", &manifest_json(&files)));
    }
    std::fs::write(out, gzip(&tar_bytes(&entries))).unwrap();
}

#[test]
fn staging_never_fills_the_file_system() {
    if !can_mount("staging_never_fills_the_file_system") {
        return;
    }
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let keep = tempfile::tempdir().unwrap();
    // DATA_DIR on its own 16 MiB file system.
    let side = keep.path().join("data-side");
    std::fs::rename(&layout.data_dir, &side).unwrap();
    std::fs::create_dir(&layout.data_dir).unwrap();
    let _m = tmpfs(&layout.data_dir, "16m");
    let st = Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", side.display()))
        .arg(&layout.data_dir)
        .status()
        .unwrap();
    assert!(st.success());
    for manifest_first in [true, false] {
        let archive = keep.path().join(format!("big-{manifest_first}.tar.gz"));
        big_state_archive(&archive, manifest_first);
        let before = tree_hash(dir.path());
        talos_at(dir.path())
            .args(["restore", "--yes"])
            .arg(&archive)
            .assert()
            .append_context("manifest first", manifest_first)
            .code(3)
            .stderr(contains("disk space"));
        assert_eq!(
            tree_hash(dir.path()),
            before,
            "manifest first {manifest_first}"
        );
    }
}

#[test]
fn rollback_archives_are_pruned_to_the_configured_number() {
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let keep = tempfile::tempdir().unwrap();
    let archive = backup_aside(dir.path(), keep.path());
    let cfg = std::fs::read_to_string(&layout.config_file).unwrap();
    std::fs::write(
        &layout.config_file,
        format!("{cfg}restore:\n  rollback_keep: 2\n"),
    )
    .unwrap();
    for _ in 0..4 {
        let out = talos_std(dir.path())
            .args(["restore", "--yes", "--partial", "state"])
            .arg(&archive)
            .output()
            .unwrap();
        out.clone().assert().success();
        // Time must pass: rollback names carry the second.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let rollbacks: Vec<_> = std::fs::read_dir(layout.rollback_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("backup_"))
        .collect();
    assert_eq!(rollbacks.len(), 2);
}

#[test]
fn validation_checks_the_modes_on_disk() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, Installed { layout, .. }) = Install::sample(0).create_temp();
    let keep = tempfile::tempdir().unwrap();
    let a = backup_aside(dir.path(), keep.path());
    // The chain in place extends the backup's, so it is kept, not swapped:
    // a world-writable file in it is still on disk after the restore, and
    // validation must see it.
    let f = layout.audit_dir.join("audit-000001.jsonl");
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = talos_std(dir.path())
        .args(["restore", "--yes", "--partial", "logs"])
        .arg(&a)
        .output()
        .unwrap();
    out.clone().assert().code(1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("world-writable"), "{stdout}");
}
