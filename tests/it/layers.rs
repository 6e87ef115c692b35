//! The layers of ARCHITECTURE.md, checked on the source: a domain module
//! never imports the command layer (`crate::cli`) or the output layer
//! (`crate::output`), a platform module never imports the domain or the
//! command layer, and nothing in the library imports the simulator (`sim`)
//! but the simulator itself.
//!
//! The check reads every `src/**/*.rs` except `main.rs`, `lib.rs` and
//! `bin/` (entry points, which may use everything), drops comment lines,
//! and collects the first segment of each `crate::…` path, including the
//! items of a `use crate::{a::X, b};` group; items of lib.rs itself
//! (`crate::VERSION`) belong to no layer.
//!
//! Also: liveness (`src/daemon.rs`, `src/daemon/`) does not import `health`
//! (health grades liveness, not the other way round) and the admin-API client
//! (`src/api.rs`) imports no domain module.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The layer a top-level module of `src/` belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layer {
    /// `src/cli/`: arguments in, rendering out.
    Command,
    /// What the domain stands on; knows nothing of the runbooks.
    Platform,
    /// The simulated daemon; talos itself never depends on it.
    Tool,
    /// The runbooks: values in, values out, never print.
    Domain,
}

/// The layer table of ARCHITECTURE.md ("Layers"): the platform modules by
/// name; every other module but `cli` and `sim` is domain.
const PLATFORM: &[&str] = &[
    "clock",
    "config",
    "api",
    "error",
    "fsutil",
    "install",
    "interrupt",
    "locks",
    "metrics",
    "output",
    "pidfd",
    "process",
    "timespec",
    "units",
];

fn layer(module: &str) -> Layer {
    match module {
        "cli" => Layer::Command,
        "sim" => Layer::Tool,
        m if PLATFORM.contains(&m) => Layer::Platform,
        _ => Layer::Domain,
    }
}

/// Imports that break the rule on the base this test was written on,
/// as (file under src/, imported module). Each is being removed; when one
/// is, its line goes too (the test fails on an entry that no longer
/// breaks the rule, so the list only shrinks).
const KNOWN_VIOLATIONS: &[(&str, &str)] = &[];

/// The first path segment after each `crate::` in `text`.
fn crate_imports(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> Option<String> {
        let s = s.trim_start();
        let end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        (end > 0).then(|| s[..end].to_string())
    };
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        // `crate::` inside a longer identifier (`mycrate::`) is not a path.
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item_start = 0;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' | ',' if depth == 1 => {
                        out.extend(ident(&group[item_start..j]));
                        item_start = j + 1;
                        if c == '}' {
                            break;
                        }
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
        } else {
            out.extend(ident(rest));
        }
    }
    out
}

/// Whether a module of layer `from` may import module `to`.
fn allowed(from: &str, to: &str) -> bool {
    if from == to {
        return true;
    }
    match (layer(from), layer(to)) {
        (Layer::Command, _) => true,
        (_, Layer::Tool) => layer(from) == Layer::Tool,
        (Layer::Domain, Layer::Command) => false,
        (Layer::Domain, _) => to != "output",
        (Layer::Platform, Layer::Platform) => true,
        (Layer::Platform, _) => false,
        (Layer::Tool, _) => true,
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every (file under src/, imported module) that breaks the rule.
fn violations(src: &Path) -> BTreeSet<(String, String)> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut out = BTreeSet::new();
    for path in files {
        let rel = path
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel == "main.rs" || rel == "lib.rs" || rel.starts_with("bin/") {
            continue;
        }
        let module = rel.split('/').next().unwrap().trim_end_matches(".rs");
        let code: String = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for to in crate_imports(&code) {
            // Items of lib.rs itself (`crate::VERSION`) belong to no layer.
            let is_module = src.join(format!("{to}.rs")).exists() || src.join(&to).is_dir();
            if is_module && !allowed(module, &to) {
                out.insert((rel.clone(), to));
            }
        }
    }
    out
}

#[test]
fn layers_hold_apart_from_the_known_violations() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    let known: BTreeSet<(String, String)> = KNOWN_VIOLATIONS
        .iter()
        .map(|(f, m)| (f.to_string(), m.to_string()))
        .collect();
    let new: Vec<_> = found.difference(&known).collect();
    assert!(
        new.is_empty(),
        "imports across the layers of ARCHITECTURE.md (domain -> cli/output, \
         platform -> domain/cli, anything -> sim): {new:?}"
    );
    let gone: Vec<_> = known.difference(&found).collect();
    assert!(
        gone.is_empty(),
        "these no longer break the layer rule: remove them from KNOWN_VIOLATIONS: {gone:?}"
    );
}

#[test]
fn the_import_parser_sees_paths_and_groups() {
    let code = "use crate::error::Error;\n\
                use crate::{\n    install::Layout,\n    output::{human_bytes, Ui},\n    clock,\n};\n\
                fn f() { crate::cli::run(); mycrate::x(); }\n";
    let got: Vec<String> = crate_imports(code).into_iter().collect();
    assert_eq!(got, ["cli", "clock", "error", "install", "output"]);
}

#[test]
fn the_rule_refuses_each_kind_of_crossing() {
    assert!(!allowed("archive", "cli"), "domain -> command");
    assert!(!allowed("archive", "output"), "domain -> output");
    assert!(!allowed("fsutil", "audit"), "platform -> domain");
    assert!(!allowed("error", "cli"), "platform -> command");
    assert!(!allowed("breakers", "sim"), "domain -> simulator");
    assert!(allowed("archive", "fsutil"), "domain -> platform");
    assert!(allowed("audit", "archive"), "domain -> domain");
    assert!(allowed("cli", "output"), "command -> output");
    assert!(allowed("output", "error"), "platform -> platform");
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

/// ARCHITECTURE.md, "Where side effects happen": every change is recorded
/// in the audit chain by the domain operation that makes it, so a command
/// file never writes an audit record itself (every caller of the operation
/// gets the record, not only the command).
#[test]
fn command_files_never_write_audit_records() {
    let mut cli = Vec::new();
    rust_files(&src().join("cli"), &mut cli);
    for write in ["record_operator_action", "audit::append"] {
        let bad = mentioning(&cli, write);
        assert!(
            bad.is_empty(),
            "{bad:?} call {write}: record in the domain operation"
        );
    }
}
