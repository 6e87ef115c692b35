//! The committed `completions/` and `man/` trees must be what the current
//! clap tree generates. Regenerate them with
//! `TALOS_REGENERATE=1 cargo test --release --test it generated::`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::talos;
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
         run `TALOS_REGENERATE=1 cargo test --release --test it generated::` and commit the result"
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
        // The script asks talos itself for candidates (live values).
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("COMPLETE=") || text.contains("COMPLETE ="),
            "{shell} script calls `COMPLETE=... talos`:\n{text}"
        );
    }
    talos().args(["completions", "tcsh"]).assert().code(2);
}

/// Each man page has the sections an operator looks for; exit codes are not
/// "EXTRA"; lists, steps and examples stay one per line; no page lists a
/// page that is not generated.
#[test]
fn man_pages_have_their_sections_and_keep_examples_verbatim() {
    let files: BTreeMap<String, Vec<u8>> = generated_files().into_iter().collect();
    for (name, bytes) in files.iter().filter(|(k, _)| k.starts_with("man/")) {
        let page = String::from_utf8_lossy(bytes);
        for section in [
            ".SH NAME",
            ".SH SYNOPSIS",
            ".SH DESCRIPTION",
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            ".SH FILES",
            ".SH \"SEE ALSO\"",
        ] {
            assert!(page.contains(section), "{name} lacks {section}");
        }
        assert!(!page.contains(".SH EXTRA"), "{name} has an EXTRA section");
        for (i, _) in page.match_indices("(1)") {
            let start = page[..i]
                .rfind(|c: char| c.is_whitespace() || c == ',')
                .map_or(0, |s| s + 1);
            let referenced = page[start..i]
                .replace("\\fB", "")
                .replace("\\fR", "")
                .replace("\\-", "-");
            if referenced.starts_with("talos") {
                assert!(
                    files.contains_key(&format!("man/{referenced}.1")),
                    "{name} refers to {referenced}(1), which is not generated"
                );
            }
        }
    }
    let restore = String::from_utf8_lossy(&files["man/talos-restore.1"]);
    let steps = restore
        .find(".nf\n1. Verify")
        .expect("restore's steps kept line by line");
    let end = steps + restore[steps..].find(".fi").unwrap();
    assert!(
        restore[steps..end].contains("\n2. Show the plan"),
        "{restore}"
    );
    let examples = restore.find("Examples:").expect("restore's examples");
    let block = &restore[examples..];
    let first = block.find("talos restore").unwrap();
    let second = first + 1 + block[first + 1..].find("talos restore").unwrap();
    assert!(
        block[first..second].contains('\n'),
        "examples run together:\n{block}"
    );
}
