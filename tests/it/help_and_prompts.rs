//! Help, prompts and quiet output as an operator sees them: global flags
//! under their own heading, refusals that suggest only flags the command
//! has, `-q` for cron, and an empty search that says so.

use crate::common;
use crate::common::install::{Install, Installed};
use crate::common::{talos, talos_at};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn global_flags_have_their_own_heading() {
    for cmd in [&["status", "--help"][..], &["backup", "create", "--help"]] {
        let out = talos().args(cmd).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let help = text(&out.stdout);
        let (own, global) = help
            .split_once("Global options:")
            .unwrap_or_else(|| panic!("no Global options heading in {cmd:?}:\n{help}"));
        for flag in ["--root <DIR>", "--json", "--yes", "--quiet", "--timeout"] {
            assert!(global.contains(flag), "{flag} not under Global options");
            let listed = own.lines().any(|l| {
                let l = l.trim_start();
                l.starts_with(flag) || l.contains(&format!(", {flag}"))
            });
            assert!(!listed, "{flag} among the command's own options");
        }
    }
}

#[test]
fn panic_without_a_terminal_suggests_its_dry_run() {
    let (_g, Installed { root, .. }) = Install::sandbox(3).create_temp();
    let out = talos_at(&root)
        .args(["panic", "--reason", "test", "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = text(&out.stderr);
    assert!(err.contains("--yes"), "{err}");
    assert!(
        err.contains("--dry-run"),
        "panic's refusal offers its plan: {err}"
    );
    // ... and that --dry-run exists: it shows the plan, acts on nothing.
    let panic_log = root.join("var/log/talos/panic.log");
    let log_before = std::fs::read(&panic_log).ok();
    let plan = talos_at(&root)
        .args(["panic", "--reason", "test", "--force", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan.stderr));
    let screen = text(&plan.stdout);
    assert!(screen.contains("SIGNAL_PANIC"), "{screen}");
    assert!(screen.contains("Dry run: nothing was done"), "{screen}");
    assert!(!root.join("var/lib/talos/SIGNAL_PANIC").exists());
    assert!(!root.join("var/lib/talos/emergency_state.json").exists());
    assert_eq!(
        std::fs::read(&panic_log).ok(),
        log_before,
        "the plan logs nothing"
    );
    // restore has one, and its refusal says so.
    let doc = common::json_ok(talos_at(&root).args([
        "--json",
        "backup",
        "create",
        "--partial",
        "config",
    ]));
    let out = talos_at(&root)
        .args(["restore", doc["path"].as_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--dry-run"));
}

#[test]
fn quiet_silences_the_success_line() {
    let (_g, Installed { root, .. }) = Install::sandbox(4).create_temp();
    let out = talos_at(&root)
        .args(["-q", "backup", "create", "--partial", "config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "", "-q prints nothing on success");
    let out = talos_at(&root)
        .args(["backup", "create", "--partial", "config"])
        .output()
        .unwrap();
    assert!(text(&out.stdout).contains("backup written:"));
}

#[test]
fn an_empty_log_query_says_so_on_stderr() {
    let (_g, Installed { root, .. }) = Install::sandbox(5).create_temp();
    let out = talos_at(&root)
        .args(["log", "query", "--contains", "no-such-text-anywhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "");
    assert!(text(&out.stderr).contains("no matching lines"));
    // With --json stdout stays empty JSON lines; the note is on stderr only.
    let out = talos_at(&root)
        .args([
            "--json",
            "log",
            "query",
            "--contains",
            "no-such-text-anywhere",
        ])
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn a_sandbox_made_in_the_past_suggests_a_log_query_that_finds_lines() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sb");
    let out = talos()
        .args(["sandbox", "init", "--now", "2024-01-15T08:30:00Z"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let screen = text(&out.stdout);
    let line = screen
        .lines()
        .map(str::trim)
        .find(|l| l.contains("log query"))
        .unwrap_or_else(|| panic!("no log query suggested:\n{screen}"));
    let words: Vec<&str> = line.split_whitespace().skip(1).collect();
    let out = talos().args(&words).arg("--count").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{line}");
    let n: u64 = text(&out.stdout).trim().parse().unwrap();
    assert!(n > 0, "`{line}` finds nothing");
}
