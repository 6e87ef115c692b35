//! The `talos ...` examples in README.md and docs/*.md run: every command
//! line of a ```sh block is run against a seeded sandbox (TALOS_ROOT set as
//! README's practice section says, the clock fixed at the sandbox's "now" by
//! TALOS_NOW so `--since 2h` finds its lines) and must parse and finish as
//! the exit codes of docs/format.md §6 allow for a sandbox: 0, or 1 where
//! the answer is "something is wrong" (status and doctor find the
//! sandbox's planted problems). An example that no longer parses (exit 2)
//! or crashes fails this test.
//!
//! Examples that act on a daemon, on the real host or on placeholders
//! (`panic`, `restart`, `recover`, `breaker reset`, `restore`, `s3://`,
//! `age1…`, `BACKUP`, `--watch`, `sandbox init`, `log prune` without
//! `--dry-run`, `repair`) are skipped: their own tests cover them.

use crate::common::install::{Install, SANDBOX_NOW};
use std::path::{Path, PathBuf};
use std::time::Duration;

const SKIP: &[&str] = &[
    " panic",
    " restart",
    " recover",
    "breaker reset",
    " restore",
    "s3://",
    "/mnt/",
    "age1",
    "BACKUP",
    "--watch",
    "sandbox init",
    " repair",
];

/// The `talos ...` lines of the ```sh blocks of one Markdown file, each cut
/// at its comment, pipe or redirection.
fn examples(md: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(md).unwrap();
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_sh = !in_sh && (line == "```sh" || line == "```bash" || line == "```console");
            continue;
        }
        if !in_sh {
            continue;
        }
        let line = line.trim().trim_start_matches("$ ");
        if !line.starts_with("talos ") {
            continue;
        }
        let cmd = cut_shell_tail(line);
        // "talos doctor: /srv/talos" is output shown in a block, not a command.
        if cmd
            .split_whitespace()
            .nth(1)
            .is_some_and(|w| w.ends_with(':'))
        {
            continue;
        }
        if cmd.split_whitespace().any(|w| w == "prune") && !cmd.contains("--dry-run") {
            continue;
        }
        if SKIP.iter().any(|s| cmd.contains(s)) {
            continue;
        }
        out.push(cmd.to_string());
    }
    out
}

/// The command up to its first comment, pipe or redirection outside quotes.
fn cut_shell_tail(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if prev == ' ' && (c == '#' || c == '|' || c == '>') => return line[..i].trim(),
            None if prev == ' ' && line[i..].starts_with("2>") => return line[..i].trim(),
            None => {}
        }
        prev = c;
    }
    line.trim()
}

/// `health` follows the monitoring-plugin convention (docs/format.md §6):
/// 0 to 3 are all answers. Every other example: 0, or 1 for "found problems".
fn allowed(cmd: &str, code: Option<i32>) -> bool {
    let health = cmd.split_whitespace().nth(1) == Some("health");
    match code {
        Some(0 | 1) => true,
        Some(2 | 3) => health,
        _ => false,
    }
}

#[test]
fn the_talos_examples_in_readme_and_docs_run_against_a_sandbox() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![repo.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sandbox");
    Install::sandbox(1).create(&root);
    let work = dir.path().join("cwd");
    std::fs::create_dir(&work).unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_talos")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let mut ran = 0;
    let mut failures = Vec::new();
    for md in &files {
        for cmd in examples(md) {
            // README's practice section roots talos at /tmp/talos-sandbox.
            let cmd = cmd.replace("/tmp/talos-sandbox", &root.display().to_string());
            let out = assert_cmd::Command::new("sh")
                .arg("-c")
                .arg(&cmd)
                .env_clear()
                .env("PATH", &path)
                .env("USER", "tester")
                .env("TZ", "UTC")
                .env("TALOS_ROOT", &root)
                .env("TALOS_NOW", SANDBOX_NOW)
                .current_dir(&work)
                .timeout(Duration::from_secs(120))
                .output()
                .unwrap();
            ran += 1;
            let code = out.status.code();
            let stderr = String::from_utf8_lossy(&out.stderr);
            if !allowed(&cmd, code) || stderr.contains("panicked") {
                failures.push(format!(
                    "{}: `{cmd}` exited {code:?}:\n{stderr}",
                    md.strip_prefix(repo).unwrap().display()
                ));
            }
        }
    }
    assert!(ran >= 20, "only {ran} examples found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
