mod common;

use common::archive::{components, newest_backup, sample};
use common::{talos_at, tree_hash};

#[test]
fn backup_then_restore_round_trip() {
    let (dir, layout) = sample(0);
    let out = talos_at(dir.path())
        .args(["backup", "create", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = std::path::PathBuf::from(doc["path"].as_str().unwrap());
    let before = components(&layout);
    // Damage, then restore.
    std::fs::write(&layout.config_file, "garbage: [").unwrap();
    std::fs::remove_file(layout.task_queue()).unwrap();
    std::fs::write(layout.state_dir.join("extra.json"), "{}").unwrap();
    let out = talos_at(dir.path())
        .args(["restore", "--yes"])
        .arg(&file)
        .output()
        .unwrap();
    eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success());
    let mut after = components(&layout);
    // The restore appended its own audit record; compare the rest.
    after.remove("logs");
    let mut b = before.clone();
    b.remove("logs");
    assert_eq!(b, after);
    let _ = newest_backup(&layout.backup_dir);
    let _ = tree_hash(dir.path());
}
