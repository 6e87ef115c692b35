//! The layers of ARCHITECTURE.md hold: no domain module imports the output
//! layer (units come from `crate::units`), the admin-API client
//! (`src/api.rs`, platform) imports no domain module, and liveness
//! (`src/daemon.rs`, `src/daemon/`) does not import `health` (health grades
//! liveness, not the other way round).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Files under src/ (relative paths) whose code (comments aside) mentions
/// `needle`.
fn mentioning(files: &[PathBuf], needle: &str) -> Vec<String> {
    files
        .iter()
        .filter(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .any(|l| !l.trim_start().starts_with("//") && l.contains(needle))
        })
        .map(|p| p.strip_prefix(src()).unwrap().display().to_string())
        .collect()
}

#[test]
fn no_domain_module_imports_the_output_layer() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let domain: Vec<PathBuf> = files
        .into_iter()
        .filter(|p| {
            let rel = p.strip_prefix(src()).unwrap();
            !(rel.starts_with("cli")
                || rel.starts_with("bin")
                || rel == Path::new("output.rs")
                || rel == Path::new("main.rs"))
        })
        .collect();
    let bad = mentioning(&domain, "crate::output");
    assert!(bad.is_empty(), "domain modules importing output: {bad:?}");
}

#[test]
fn the_api_client_and_liveness_do_not_import_upwards() {
    let api = vec![src().join("api.rs")];
    for domain in [
        "crate::daemon",
        "crate::health",
        "crate::diagnosis",
        "crate::doctor",
    ] {
        assert!(mentioning(&api, domain).is_empty(), "api.rs uses {domain}");
    }
    let mut live = vec![src().join("daemon.rs")];
    rust_files(&src().join("daemon"), &mut live);
    for upper in [
        "crate::health",
        "crate::diagnosis",
        "crate::doctor",
        "crate::cli",
    ] {
        let bad = mentioning(&live, upper);
        assert!(bad.is_empty(), "{bad:?} use {upper}");
    }
}
