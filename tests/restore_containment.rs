//! A restore stays inside what it owns: the journal is checked before it is
//! acted on, modes never widen, content is checked before the swap, and the
//! audit chain is never rewound (docs/backup.md "Containment").

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::archive::{sample, talos_std};
use common::tree_hash;
use talos::install::Layout;

fn backup(root: &Path) -> PathBuf {
    let out = talos_std(root)
        .args(["backup", "create", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    PathBuf::from(doc["path"].as_str().unwrap())
}

/// A backup moved out of the installation (so it is not part of the trees
/// the tests hash).
fn backup_aside(root: &Path, keep: &Path) -> PathBuf {
    let made = backup(root);
    let to = keep.join(made.file_name().unwrap());
    std::fs::rename(&made, &to).unwrap();
    to
}

fn copy_tree(from: &Path, to: &Path) {
    let st = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(st.success());
}

/// Runs a restore killed at crash point `n` (mid-swap), leaving a journal.
fn interrupted_restore(root: &Path, archive: &Path, n: usize) {
    use std::os::unix::process::ExitStatusExt;
    let out = talos_std(root)
        .env("TALOS_TEST_CRASH_AT", n.to_string())
        .args(["restore", "--yes"])
        .arg(archive)
        .output()
        .unwrap();
    assert_eq!(
        out.status.signal(),
        Some(9),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(Layout::new(root).data_dir.join("restore.journal").exists());
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_copied_installation_does_not_act_on_the_original() {
    let (dir, layout) = sample(0);
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
        let out = talos_std(&copy)
            .args(["restore", flag, "--yes"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{flag}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("does not describe a restore of"),
            "{}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("hint:") || stderr(&out).contains("Hint:"),
            "{}",
            stderr(&out)
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
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_crafted_journal_never_deletes_outside_the_installation() {
    let (dir, layout) = sample(0);
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
    let cases: Vec<(&str, Box<dyn Fn(&mut serde_json::Value)>)> = vec![
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
            let out = talos_std(dir.path())
                .args(["restore", flag, "--yes"])
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(3),
                "{what} {flag}: {}",
                stderr(&out)
            );
            assert_eq!(tree_hash(victim.path()), victim_before, "{what} {flag}");
            assert_eq!(tree_hash(dir.path()), inside, "{what} {flag}");
        }
    }
    std::fs::write(&jpath, serde_json::to_vec(&orig).unwrap()).unwrap();
    let out = talos_std(dir.path())
        .args(["restore", "--abort", "--yes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(tree_hash(victim.path()), victim_before);
}

#[test]
fn a_relative_target_dir_is_journalled_absolute() {
    let (dir, _layout) = sample(0);
    let keep = tempfile::tempdir().unwrap();
    let archive = backup_aside(dir.path(), keep.path());
    let work = tempfile::tempdir().unwrap();
    let here = work.path().join("here");
    let elsewhere = work.path().join("elsewhere");
    std::fs::create_dir(&here).unwrap();
    std::fs::create_dir(&elsewhere).unwrap();
    copy_tree(dir.path(), &here.join("target"));
    use std::os::unix::process::ExitStatusExt;
    let out = talos_std(dir.path())
        .current_dir(&here)
        .env("TALOS_TEST_CRASH_AT", "6")
        .args(["restore", "--yes", "--target-dir", "target"])
        .arg(&archive)
        .output()
        .unwrap();
    assert_eq!(out.status.signal(), Some(9), "{}", stderr(&out));
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
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read_dir(&elsewhere).unwrap().next().is_none());
    assert!(!jpath.exists());
}
