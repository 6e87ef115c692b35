use crate::common::{talos, talos_at};

#[test]
fn unknown_subcommand_is_usage_error() {
    talos().arg("no-such-command").assert().code(2);
}

#[test]
fn root_flag_and_env_move_the_layout() {
    let dir = tempfile::tempdir().unwrap();
    let out = talos_at(dir.path())
        .args(["config", "show", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let want = dir.path().join("etc/talos/config.yaml");
    assert_eq!(doc["layout"]["config_file"], want.to_str().unwrap());

    let out = talos()
        .env("TALOS_ROOT", dir.path())
        .args(["config", "show", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["layout"]["config_file"], want.to_str().unwrap());
    assert_eq!(doc["settings"][0]["source"], "env");
}

#[test]
fn global_flags_work_after_the_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = talos()
        .args(["config", "show", "--json", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["settings"][0]["source"], "flag");
}
