//! Golden screens: the whole human and `--json` output of the operator's
//! main commands on a seeded sandbox, with the clock fixed by `TALOS_NOW`
//! (docs/format.md §8) and the sandbox's path shown as `[ROOT]`.
//!
//! Each screen is a transcript (command, exit code, stdout, stderr) kept in
//! fixtures/screens/. A changed screen fails the test with a diff; to accept
//! the new screens, run
//!
//!     INSTA_UPDATE=always cargo test --release --test it screens::
//!
//! and review `git diff fixtures/screens/` before committing.

use crate::common;
use assert_cmd::assert::OutputAssertExt;
use std::time::Duration;

use crate::common::install::Install;

/// The clock every screen is taken at: five minutes after the sandbox was made.
const NOW: &str = "2026-01-15T10:05:00Z";

struct Screens {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    settings: insta::Settings,
}

impl Screens {
    fn new() -> Screens {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("sandbox");
        Install::sandbox(1).create(&root);

        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/screens"));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        // The sandbox's path, as the shell quotes it and as it is.
        settings.add_filter(&regex::escape(&root.display().to_string()), "[ROOT]");
        settings.add_filter(&regex::escape(&dir.path().display().to_string()), "[TMP]");
        let host = nix::unistd::gethostname()
            .map(|h| h.to_string_lossy().into_owned())
            .unwrap_or_default();
        if host.len() > 1 {
            settings.add_filter(&format!(r"\b{}\b", regex::escape(&host)), "[HOST]");
        }
        for (re, with) in FILTERS {
            settings.add_filter(re, *with);
        }
        Screens {
            _dir: dir,
            root,
            settings,
        }
    }

    /// `talos --root ROOT` at the fixed clock, as operator `tester`, with
    /// an API URL where nothing answers.
    fn talos(&self) -> assert_cmd::Command {
        let mut cmd = common::talos_at(&self.root);
        cmd.env("TALOS_NOW", NOW)
            .env("SUDO_USER", "tester")
            .env("COLUMNS", "80")
            // Port 1 never answers: "connection refused" on every machine,
            // whatever listens on the sandbox's 127.0.0.1:8080.
            .env("TALOS_URL", "http://127.0.0.1:1")
            .timeout(Duration::from_secs(120));
        cmd
    }

    /// Runs `talos --root ROOT ARGS` and returns the transcript.
    fn run(&self, args: &[&str]) -> String {
        let out = self.talos().args(args).output().unwrap();
        format!(
            "$ talos {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
            args.join(" "),
            out.status
                .code()
                .map_or("signal".to_string(), |c| c.to_string()),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    /// Snapshots `talos ARGS` as `NAME` and `talos --json ARGS` as `NAME_json`.
    fn both(&self, name: &str, args: &[&str]) {
        self.check(name, args);
        let mut json = vec!["--json"];
        json.extend_from_slice(args);
        self.check(&format!("{name}_json"), &json);
    }

    fn check(&self, name: &str, args: &[&str]) {
        let text = self.run(args);
        self.settings
            .bind(|| insta::assert_snapshot!(name.to_string(), text));
    }

    /// `backup create` into the default directory: at the fixed clock its
    /// name is always backup_20260115_100500.tar.gz.
    fn backup(&self) -> String {
        let out = self
            .talos()
            .args(["-q", "backup", "create"])
            .output()
            .unwrap();
        out.clone().assert().success();
        let file = self
            .root
            .join("var/backups/talos/backup_20260115_100500.tar.gz");
        assert!(file.exists(), "{} is missing", file.display());
        file.display().to_string()
    }
}

/// What differs from run to run and machine to machine, not from screen to
/// screen: the durations talos measured, and this machine's memory and disk.
/// Each filter is narrow, so that times and numbers read from the sandbox's
/// logs (`timed out after 10000 ms`) stay in the screens.
const FILTERS: &[(&str, &str)] = &[
    // Measured durations in JSON.
    (
        r#""(response_time_ms|quick_check_ms|elapsed_ms|rto_ms|total_ms|average_ms|min_ms|max_ms)": [0-9.]+"#,
        r#""$1": "[MS]""#,
    ),
    (r#""rto_ms": \[[^\]]*\]"#, r#""rto_ms": ["[MS]"]"#),
    // A restore's staging directory is named after the archive's manifest,
    // which holds the database snapshot's checksum.
    (r"\.restore-staging-[0-9a-f]{12}", ".restore-staging-[ID]"),
    // Measured durations in human text.
    (r"answered in [0-9.]+ ms", "answered in [MS]"),
    (r"\b[0-9]+\.[0-9]{2} s\b", "[S]"),
    // This machine's memory and disk: JSON checks, doctor's check list,
    // health's lines, the incident report's health list.
    (r#""(memory|disk)": \{[^{}]*\}"#, r#""$1": "[MACHINE]""#),
    (
        r#""check": "(memory|disk)",(\s*)"status": "[a-z]+""#,
        r#""check": "$1",$2"status": "[MACHINE]""#,
    ),
    (
        r"(?m)^(\s*)(ok|WARN|FAIL) (\s*)(memory|disk)(\s+).*$",
        "$1[MACHINE] $3$4$5[MACHINE]",
    ),
    (r"(?m)^(\s*)- (memory|disk): .*$", "$1- $2: [MACHINE]"),
    // An archive's compressed size: its metadata.json names this host.
    (r#""size_bytes": [0-9]+"#, r#""size_bytes": "[N]""#),
    (
        r"(?m)^(backup_[0-9]{8}_[0-9]{6}\.tar\.gz +[^ ]+( [a-z]+)? ago +)[0-9.]+ [KMG]?i?B",
        "$1[SIZE]",
    ),
];

#[test]
fn status_screens() {
    let s = Screens::new();
    s.both("status", &["status"]);
}

#[test]
fn doctor_screens() {
    let s = Screens::new();
    s.both("doctor", &["doctor"]);
}

#[test]
fn health_screens() {
    let s = Screens::new();
    s.both("health", &["health", "--offline"]);
}

#[test]
fn panic_without_a_pid_file_refuses_screens() {
    let s = Screens::new();
    s.both(
        "panic_refused",
        &["panic", "--reason", "golden-screen", "--yes", "--offline"],
    );
}

#[test]
fn incident_report_screens() {
    let s = Screens::new();
    s.check("incident_report", &["incident", "report"]);
    s.check(
        "incident_report_json",
        &["incident", "report", "--format", "json"],
    );
}

#[test]
fn backup_list_restore_dry_run_and_drill_screens() {
    let s = Screens::new();
    let file = s.backup();
    s.both("backup_list", &["backup", "list"]);
    s.both("restore_dry_run", &["restore", "--dry-run", &file]);
    s.both("drill", &["drill", "--backup", &file]);
}

/// The seam itself: a fixed TALOS_NOW makes the same screen twice, and
/// moves relative times with it.
#[test]
fn talos_now_fixes_the_clock_for_relative_times() {
    let s = Screens::new();
    let at = |now: &str| {
        let out = s
            .talos()
            .env("TALOS_NOW", now)
            .args(["--json", "log", "query", "--count", "--since", "30m"])
            .output()
            .unwrap();
        out.clone().assert().success();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["count"].as_u64().unwrap()
    };
    let near = at(NOW);
    assert!(near > 0, "the last 30 minutes of the sandbox hold lines");
    assert_eq!(at(NOW), near);
    // A year later, nothing is that recent.
    assert_eq!(at("2027-01-15T10:05:00Z"), 0);
}

/// docs/format.md §7 on the documents of the commands whose keys this
/// suite pins: `path` is an absolute path, `*_at` an RFC 3339 UTC time with
/// milliseconds (or null), `*_ms` whole milliseconds, `severity` one of
/// info/warn/fail, `access` online/offline. `skip` names subtrees that
/// quote another source verbatim (a log line's own fields, health checks).
fn convention_problems(doc: &serde_json::Value, skip: &[&str]) -> Vec<String> {
    fn walk(v: &serde_json::Value, at: &str, skip: &[&str], out: &mut Vec<String>) {
        let time = regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$").unwrap();
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    let here = format!("{at}/{k}");
                    if skip.iter().any(|s| here.ends_with(s)) {
                        continue;
                    }
                    let bad = match k.as_str() {
                        "path" => !(x.is_null() || x.as_str().is_some_and(|p| p.starts_with('/'))),
                        "severity" => !matches!(x.as_str(), Some("info" | "warn" | "fail")),
                        "access" => !matches!(x.as_str(), Some("online" | "offline")),
                        k if k.ends_with("_at") => {
                            !(x.is_null() || x.as_str().is_some_and(|t| time.is_match(t)))
                        }
                        k if k.ends_with("_ms") => {
                            !(x.is_null()
                                || x.is_i64()
                                || x.is_u64()
                                || x.as_array().is_some_and(|a| a.iter().all(|n| n.is_u64())))
                        }
                        _ => false,
                    };
                    if bad {
                        out.push(format!("{here}: {x}"));
                    }
                    walk(x, &here, skip, out);
                }
            }
            serde_json::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, &format!("{at}/{i}"), skip, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, "", skip, &mut out);
    out
}

#[test]
fn json_keys_follow_the_conventions() {
    let s = Screens::new();
    let file = s.backup();
    let json = |args: &[&str]| -> serde_json::Value {
        let run = s.talos().arg("--json").args(args).assert();
        serde_json::from_slice(&run.get_output().stdout)
            .unwrap_or_else(|e| panic!("talos --json {args:?}: {e}\n{run}"))
    };
    let trace = "15faa0dd46b0b00f";
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (vec!["backup", "list"], &[]),
        (vec!["backup", "verify", &file], &[]),
        (vec!["drill", "--backup", &file], &[]),
        // A log line's own metadata.duration_ms is kept as the line has it.
        (vec!["log", "stats"], &["/slowest"]),
        (vec!["log", "trace", trace], &["/steps", "/slowest"]),
        // state_now quotes health's checks (their own keys, docs/format.md §7).
        (
            vec!["incident", "report", "--format", "json"],
            &["/state_now"],
        ),
        (vec!["audit", "root"], &[]),
        (vec!["audit", "verify-chain"], &[]),
        (vec!["db", "check"], &[]),
        (vec!["config", "validate"], &[]),
    ];
    let mut problems = Vec::new();
    for (args, skip) in &cases {
        for p in convention_problems(&json(args), skip) {
            problems.push(format!("talos --json {}: {p}", args.join(" ")));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The renamed keys are there.
    let list = json(&["backup", "list"]);
    let b = &list["backups"][0];
    assert_eq!(b["age_ms"], 0, "{list}");
    assert!(b["size_bytes"].as_u64().unwrap() > 0, "{list}");
    let verify = json(&["backup", "verify", &file]);
    assert!(verify["size_bytes"].as_u64().unwrap() > 0, "{verify}");
    assert_eq!(verify["path"], file.as_str());
    let t = json(&["log", "trace", trace]);
    assert!(
        t["start_at"].is_string() && t["duration_ms"].is_u64(),
        "{t}"
    );
}

/// A TALOS_NOW that is no time is not silently half-used: talos warns and
/// keeps the real clock (so the sandbox's old lines are not "recent").
#[test]
fn an_unreadable_talos_now_is_warned_about_and_ignored() {
    let s = Screens::new();
    let out = s
        .talos()
        .env("TALOS_NOW", "yesterday-ish")
        .args(["--json", "log", "query", "--count", "--since", "30m"])
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "TALOS_NOW=yesterday-ish is not an RFC 3339 time",
        ));
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(doc["count"], 0, "the real clock is months past the sandbox");
}
