//! The operator's terminal: every human screen fits its width (80 columns
//! when unknown) without breaking a command; progress shows on a terminal
//! (with NO_COLOR as plain phase lines, nothing drawn), never in a pipe or with -q;
//! `--color` decides colour (docs/format.md, "Output and JSON conventions").

use crate::common::install::Install;
use std::path::{Path, PathBuf};

use crate::common::talos_at;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A sandbox under a long path, so every path on a screen is long.
fn long_sandbox() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir
        .path()
        .join("an-operator-home-with-a-rather-long-directory-name")
        .join("installations-kept-for-practice")
        .join("sandbox");
    Install::sandbox(5).create(&root);
    (dir, root)
}

/// Every line fits `width`, or is one unbreakable word (a path) or a
/// command; no command in backticks is split across lines.
fn assert_fits(screen: &str, width: usize, what: &str) {
    for line in screen.lines() {
        let cols = line.chars().count();
        let body = line.trim();
        let one_word = !body.contains(' ') || (body.starts_with('`') && body.ends_with('`'));
        let command = body.starts_with("talos ") || body.starts_with("$ ");
        assert!(
            cols <= width || one_word || command,
            "{what}: a line of {cols} columns (> {width}):\n{line}\n--- screen:\n{screen}"
        );
        assert!(
            line.matches('`').count() % 2 == 0,
            "{what}: a command in backticks is split across lines:\n{line}\n--- screen:\n{screen}"
        );
    }
}

#[test]
fn screens_fit_80_columns_with_long_paths() {
    let (_g, root) = long_sandbox();
    for args in [
        &["status"][..],
        &["doctor"],
        &["health"],
        &["panic", "--reason", "a reason", "--force", "--dry-run"],
        &["backup", "list"],
        &["audit", "query"],
    ] {
        // A terminal of unknown size counts as 80 columns; COLUMNS says so
        // here, where stdout is a pipe.
        let out = talos_at(&root)
            .env("COLUMNS", "80")
            .args(["--offline"])
            .args(args)
            .output()
            .unwrap();
        let stdout = text(&out.stdout);
        assert!(!stdout.trim().is_empty(), "{args:?} printed nothing");
        assert_fits(&stdout, 80, &format!("{args:?} stdout"));
        assert_fits(&text(&out.stderr), 80, &format!("{args:?} stderr"));
    }
}

/// On a terminal whose size cannot be read (`script` gives a pty of 0
/// columns), the width is 80; in a pipe without COLUMNS, lines stay whole
/// for grep and mail.
#[test]
fn a_terminal_of_unknown_size_is_80_columns_and_a_pipe_is_not_wrapped() {
    let (_g, root) = long_sandbox();
    let screen = on_tty(&root, "--offline status", &[("NO_COLOR", "1")]);
    let screen = screen.replace('\r', "");
    assert!(screen.contains("TALOS"), "{screen}");
    assert_fits(&screen, 80, "status on a terminal");
    let out = talos_at(&root)
        .args(["--offline", "status"])
        .output()
        .unwrap();
    let long = root.join("var/run/talos/orchestrator.pid");
    let whole = text(&out.stdout)
        .lines()
        .any(|l| l.contains(long.to_str().unwrap()) && l.contains("no PID file at"));
    assert!(whole, "a pipe gets whole lines:\n{}", text(&out.stdout));
}

#[test]
fn columns_sets_the_width_and_tables_are_cut_with_an_ellipsis() {
    let (_g, root) = long_sandbox();
    let out = talos_at(&root)
        .env("COLUMNS", "40")
        .args(["audit", "query"])
        .assert()
        .code(0);
    let screen = text(&out.get_output().stdout);
    assert!(screen.contains('…'), "a cut row ends with …:\n{screen}");
    for line in screen.lines() {
        assert!(line.chars().count() <= 40, "row wider than 40:\n{line}");
    }
    // A wrapped line hangs under its label and keeps commands whole.
    let out = talos_at(&root)
        .env("COLUMNS", "60")
        .args(["--offline", "status"])
        .output()
        .unwrap();
    assert_fits(&text(&out.stdout), 60, "status at 60 columns");
}

#[test]
fn json_is_never_wrapped() {
    let (_g, root) = long_sandbox();
    let out = talos_at(&root)
        .env("COLUMNS", "30")
        .args(["--offline", "--json", "status"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert!(doc.is_object());
}

/// Runs `talos ARGS` on a pseudo-terminal (util-linux `script`) and returns
/// everything it printed. Fails when `script` is missing: a terminal test
/// that cannot run must not pass.
fn on_tty(root: &Path, args: &str, env: &[(&str, &str)]) -> String {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("util-linux `script` is needed for the terminal tests");
    let talos = env!("CARGO_BIN_EXE_talos");
    let mut cmd = std::process::Command::new(script);
    cmd.args([
        "-qec",
        &format!("{talos} --root {} {args}", root.display()),
        "/dev/null",
    ])
    .env_clear()
    .env("PATH", std::env::var("PATH").unwrap_or_default())
    .env("USER", "tester")
    .env("TERM", "xterm")
    .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    text(&out.stdout)
}

/// An SGR (colour) sequence: ESC [ digits/; m.
fn has_colour(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len()).any(|i| {
        b[i] == 0x1b && b.get(i + 1) == Some(&b'[') && {
            let n = b[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == b';')
                .count();
            n > 0 && b.get(i + 2 + n) == Some(&b'm')
        }
    })
}

#[test]
fn progress_is_a_plain_line_with_no_color_and_hidden_with_q() {
    let (_g, root) = long_sandbox();
    let screen = on_tty(&root, "doctor", &[("NO_COLOR", "1")]);
    assert!(
        screen.contains("doctor: checking the installation"),
        "doctor's spinner on a terminal with NO_COLOR:\n{screen}"
    );
    assert!(!has_colour(&screen), "NO_COLOR: no colour:\n{screen:?}");
    // ... and no drawn bar: no line erasing or cursor movement, the phase
    // is one plain line.
    assert!(
        !screen.contains("\x1b[2K") && !screen.contains("\x1b[1A"),
        "NO_COLOR: a drawn bar:\n{screen:?}"
    );
    let drawn = on_tty(&root, "doctor", &[]);
    assert!(
        drawn.contains("\x1b[2K"),
        "without NO_COLOR the spinner is drawn:\n{drawn:?}"
    );
    let screen = on_tty(&root, "backup create --yes", &[("NO_COLOR", "1")]);
    assert!(
        screen.contains("backup: snapshotting the database"),
        "backup create shows its phase:\n{screen}"
    );
    let screen = on_tty(&root, "-q doctor", &[]);
    assert!(
        !screen.contains("doctor: checking"),
        "-q hides progress:\n{screen}"
    );
    // Not on a terminal: never.
    let out = talos_at(&root).args(["doctor"]).output().unwrap();
    assert!(!text(&out.stderr).contains("doctor: checking"));
}

#[test]
fn color_flag_decides_colour() {
    let (_g, root) = long_sandbox();
    // always: even in a pipe.
    let out = talos_at(&root)
        .args(["--offline", "--color", "always", "status"])
        .output()
        .unwrap();
    assert!(has_colour(&text(&out.stdout)), "--color always in a pipe");
    // never: not even on a terminal.
    let screen = on_tty(&root, "--offline --color never status", &[]);
    assert!(!screen.trim().is_empty());
    assert!(!has_colour(&screen), "--color never:\n{screen:?}");
    // auto: colour on a terminal.
    let screen = on_tty(&root, "--offline status", &[]);
    assert!(
        has_colour(&screen),
        "--color auto on a terminal:\n{screen:?}"
    );
    // --json is never coloured.
    let out = talos_at(&root)
        .args(["--offline", "--color", "always", "--json", "status"])
        .output()
        .unwrap();
    assert!(!has_colour(&text(&out.stdout)));
    talos_at(&root)
        .args(["--color", "sometimes", "status"])
        .assert()
        .code(2);
}
