//! The committed `completions/` and `man/` trees must be what the current
//! clap tree generates. Regenerate them with
//! `TALOS_REGENERATE=1 cargo test --test generated`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::talos;
use talos::cli::completions::{completion_files, generated_files, write_generated};

fn committed(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for sub in ["completions", "man"] {
        let Ok(entries) = std::fs::read_dir(root.join(sub)) else {
            continue;
        };
        for e in entries {
            let e = e.unwrap();
            let rel = format!("{sub}/{}", e.file_name().to_string_lossy());
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

#[test]
fn committed_completions_and_man_pages_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("TALOS_REGENERATE").is_some_and(|v| v == "1") {
        write_generated(root).unwrap();
        eprintln!("regenerated completions/ and man/");
    }
    let want: BTreeMap<String, Vec<u8>> = generated_files().into_iter().collect();
    let have = committed(root);
    let stale: Vec<&String> = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    let extra: Vec<&String> = have.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "completions/ and man/ are out of date (stale or missing: {stale:?}; no longer generated: {extra:?}); \
         run `TALOS_REGENERATE=1 cargo test --test generated` and commit the result"
    );
    assert!(want.contains_key("man/talos.1"));
    assert!(want.contains_key("man/talos-sandbox-init.1"));
    assert!(want.contains_key("man/talos-config-validate.1"));
}

#[test]
fn completions_command_prints_the_committed_script() {
    for (shell, file) in completion_files() {
        let out = talos()
            .args(["completions", &shell.to_string()])
            .output()
            .unwrap();
        assert!(out.status.success(), "completions {shell}");
        let want: Vec<u8> = generated_files()
            .into_iter()
            .find(|(k, _)| *k == format!("completions/{file}"))
            .unwrap()
            .1;
        assert_eq!(out.stdout, want, "completions {shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("sandbox"),
            "{shell} script knows the subcommands"
        );
    }
    talos().args(["completions", "tcsh"]).assert().code(2);
}
