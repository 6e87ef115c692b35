//! Shell completion with live values, in a real bash: the script from
//! `talos completions bash` is sourced, `complete -p talos` shows it is
//! registered, and its function is called as bash calls it on Tab.

use crate::common::install::{Install, Installed};
use assert_cmd::assert::OutputAssertExt;
use std::path::Path;

use crate::common::{json_ok, talos, talos_at};

/// The candidates bash offers for `words` (the last one is the word being
/// completed), with TALOS_ROOT=root and the built talos first on PATH.
fn complete(root: &Path, words: &[&str]) -> Vec<String> {
    let bin = Path::new(env!("CARGO_BIN_EXE_talos"));
    let out = talos().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("talos.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    let quoted: Vec<String> = words
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', "'\\''")))
        .collect();
    let cword = words.len() - 1;
    let program = format!(
        r#"source '{script}' || exit 90
complete -p talos >/dev/null || exit 91
COMP_WORDS=({words})
COMP_CWORD={cword}
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
COMP_TYPE=9
_clap_complete_talos talos "${{COMP_WORDS[$COMP_CWORD]}}" "${{COMP_WORDS[$((COMP_CWORD-1))]}}"
printf '%s\n' "${{COMPREPLY[@]}}"
"#,
        script = script.display(),
        words = quoted.join(" "),
    );
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .env_clear()
        .env("PATH", path)
        .env("TALOS_ROOT", root)
        .output()
        .expect("bash is needed for the completion tests")
        .assert()
        .success();
    String::from_utf8_lossy(&out.get_output().stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_live_values() {
    let (_g, Installed { root, .. }) = Install::sandbox(3).create_temp();
    // Breaker names from circuit_breakers.json.
    let file = root.join("var/lib/talos/state/circuit_breakers.json");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let mut names: Vec<String> = doc["breakers"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    names.sort();
    assert!(!names.is_empty());
    let mut got = complete(&root, &["talos", "breaker", "reset", ""]);
    got.retain(|c| !c.starts_with('-'));
    got.sort();
    assert_eq!(got, names, "breaker reset <Tab>");
    let first = &names[0][..1];
    let got = complete(&root, &["talos", "breaker", "reset", first]);
    assert!(
        !got.is_empty() && got.iter().all(|c| c.starts_with(first)),
        "{got:?}"
    );

    // Levels and components, comma lists too.
    let got = complete(&root, &["talos", "log", "query", "--level", ""]);
    for l in ["error", "warn", "info", "debug", "trace"] {
        assert!(got.contains(&l.to_string()), "--level <Tab>: {got:?}");
    }
    let got = complete(&root, &["talos", "log", "query", "--level", "error,w"]);
    assert_eq!(got, vec!["error,warn".to_string()]);
    let got = complete(&root, &["talos", "backup", "create", "--partial", "con"]);
    assert_eq!(got, vec!["config".to_string()]);
    let got = complete(&root, &["talos", "restore", "x", "--partial", "config,d"]);
    assert_eq!(got, vec!["config,database".to_string()]);

    // Backup files in the backup directory.
    let made = json_ok(talos_at(&root).args(["--json", "backup", "create", "--partial", "config"]));
    let archive = made["path"].as_str().unwrap().to_string();
    let got = complete(&root, &["talos", "backup", "verify", ""]);
    assert!(got.contains(&archive), "backup verify <Tab>: {got:?}");
    let got = complete(
        &root,
        &["talos", "--root", root.to_str().unwrap(), "restore", ""],
    );
    assert!(got.contains(&archive), "restore <Tab>: {got:?}");

    // Shells.
    let got = complete(&root, &["talos", "completions", ""]);
    for s in ["bash", "zsh", "fish"] {
        assert!(got.contains(&s.to_string()), "completions <Tab>: {got:?}");
    }
}
