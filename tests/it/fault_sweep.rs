//! The SRE fault sweep (docs/runbook.md, "Fault sweep"): one fault at a
//! time is injected into a copy of one `talos sandbox init` installation;
//! `talos doctor` and `talos status` (human and --json) must name it, print
//! no harmful advice, and the printed fix, run exactly as printed, must
//! clear it (or the fix is advice by design, and says what to do).
//!
//! | fault | check | fix (as printed) |
//! |---|---|---|
//! | DATA_DIR missing | state_files | `talos restore NEWEST --partial state,database` |
//! | config.yaml garbage / empty / huge / missing | config | `talos repair config` |
//! | config.yaml, DATA_DIR, secrets modes too loose | config | `talos doctor --fix` |
//! | admin token missing / empty | admin_token | advice: the secret store |
//! | key.pem truncated / of another certificate | certificate | `talos restore NEWEST --partial ssl` |
//! | cert.pem expired / not valid yet | certificate | advice: renew / check the clock |
//! | state file missing / truncated / binary | state_files, state_json | `talos restore NEWEST --partial state` |
//! | PID file garbage / empty / of a dead PID | pid_file | `talos doctor --fix` |
//! | stale lock of a dead process | locks | `talos doctor --fix` |
//! | database deleted / overwritten / table dropped | database | `talos restore NEWEST --partial database` |
//! | database journal mode not WAL | database | advice: sqlite3 with the daemon stopped |
//! | audit directory deleted | audit_chain | `talos restore NEWEST --partial logs` |
//! | audit last line torn | audit_chain | the printed `cp -a ... && truncate -s N ...` |
//! | audit line deleted / record edited | audit_chain | advice: keep the evidence, never edit in place |
//! | newest backup truncated / none / too old | backup | `talos backup create` |
//! | .gz rotation truncated, malformed lines | jsonl | `talos repair jsonl FILE` |
//! | leftovers of an interrupted restore | leftovers | `talos repair leftovers` |
//! | emergency_state.json pending | emergency | advice: `talos recover` |
//! | breaker open long past its cooldown | breakers | `talos breaker reset NAME` |
//! | log line from the future (clock) | clock | advice: the clock |
//!
//! Beside the table: a write lock held by a live process (named, no
//! restore), false alarms that must not be raised (a lock file of a live
//! process, a config.yaml that is a link to a 0600 file), and a hung daemon
//! (talos-sim stopped with SIGSTOP): named in all three views, the printed
//! panic carries --root/--url, and running it clears the finding. Faults
//! covered in other modules: split brain, a log tail or another root's
//! daemon (diagnosis.rs), a daemon without its PID file, a slow /health, a
//! heartbeat in the future, a 401 (diagnosis.rs), the API port held, the
//! served certificate, a crash loop, panic + recover (diagnosis_more.rs).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::install::Install;
use crate::common::sim::{Sim, wait_for};
use crate::common::talos_at;
use crate::ops::talos_commands;
use serde_json::Value;
use talos::install::Layout;

/// Advice that makes a night worse, whatever the fault: the substrings
/// of fixtures/harmful-advice.txt (comment lines aside).
pub fn harmful() -> impl Iterator<Item = &'static str> {
    include_str!("../../fixtures/harmful-advice.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

enum Fix {
    /// Run, in order, the printed `talos ...` command containing each word.
    Run(&'static [&'static str]),
    /// Run the printed (backticked) shell command containing the word.
    Shell(&'static str),
    /// Advice by design: the fix says this.
    Advice(&'static str),
}

struct Fault {
    name: &'static str,
    inject: fn(&Layout),
    check: &'static str,
    /// Words of the finding's title.
    words: &'static str,
    /// Among status's problems too (status does not scan the Tier 2/3
    /// lines: the log findings are doctor's).
    in_status: bool,
    fix: Fix,
    /// Advice that must not appear for this fault (besides `harmful()`).
    forbid: &'static [&'static str],
}

fn write(p: &Path, bytes: &[u8], mode: u32) {
    crate::ops::write(p, "", mode);
    std::fs::write(p, bytes).unwrap();
}

fn truncate(p: &Path, len: usize) {
    let b = std::fs::read(p).unwrap();
    std::fs::write(p, &b[..len.min(b.len())]).unwrap();
}

fn newest_backup(l: &Layout) -> PathBuf {
    talos::archive::newest_backup(&l.backup_dir)
        .expect("the base has a backup")
        .1
}

fn faults() -> Vec<Fault> {
    use crate::ops::chmod;
    vec![
        Fault {
            name: "DATA_DIR missing",
            inject: |l| std::fs::remove_dir_all(&l.data_dir).unwrap(),
            check: "state_files",
            words: "data directory is missing",
            in_status: true,
            fix: Fix::Run(&["restore"]),
            forbid: &["sandbox init"],
        },
        Fault {
            name: "config.yaml garbage",
            inject: |l| write(&l.config_file, b"\x00\x01garbage: [", 0o600),
            check: "config",
            words: "not valid YAML",
            in_status: true,
            fix: Fix::Run(&["repair config"]),
            forbid: &[],
        },
        Fault {
            name: "config.yaml empty",
            inject: |l| write(&l.config_file, b"", 0o600),
            check: "config",
            words: "not a YAML mapping",
            in_status: true,
            fix: Fix::Run(&["repair config"]),
            forbid: &[],
        },
        Fault {
            name: "config.yaml huge",
            inject: |l| write(&l.config_file, &vec![b'#'; 2 << 20], 0o600),
            check: "config",
            words: "larger than",
            in_status: true,
            fix: Fix::Run(&["repair config"]),
            forbid: &[],
        },
        Fault {
            name: "config.yaml missing",
            inject: |l| std::fs::remove_file(&l.config_file).unwrap(),
            check: "config",
            words: "does not exist",
            in_status: true,
            fix: Fix::Run(&["repair config"]),
            forbid: &[],
        },
        Fault {
            name: "config.yaml mode 0644",
            inject: |l| chmod(&l.config_file, 0o644),
            check: "config",
            words: "mode is 0644",
            in_status: true,
            fix: Fix::Run(&["doctor --fix"]),
            forbid: &[],
        },
        Fault {
            name: "DATA_DIR mode 0755",
            inject: |l| chmod(&l.data_dir, 0o755),
            check: "config",
            words: "mode is 0755",
            in_status: true,
            fix: Fix::Run(&["doctor --fix"]),
            forbid: &[],
        },
        Fault {
            name: "admin token mode 0644",
            inject: |l| chmod(&l.token_file, 0o644),
            check: "config",
            words: "mode is 0644",
            in_status: true,
            fix: Fix::Run(&["doctor --fix"]),
            forbid: &[],
        },
        Fault {
            name: "admin token missing",
            inject: |l| std::fs::remove_file(&l.token_file).unwrap(),
            check: "admin_token",
            words: "missing",
            in_status: true,
            fix: Fix::Advice("secret store"),
            forbid: &[],
        },
        Fault {
            name: "admin token empty",
            inject: |l| write(&l.token_file, b"", 0o600),
            check: "admin_token",
            words: "unreadable",
            in_status: true,
            fix: Fix::Advice("holding the token"),
            forbid: &[],
        },
        Fault {
            name: "key.pem truncated",
            inject: |l| truncate(&l.ssl_dir.join("key.pem"), 100),
            check: "certificate",
            words: "not a readable private key",
            in_status: true,
            fix: Fix::Run(&["restore"]),
            forbid: &[],
        },
        Fault {
            name: "key.pem of another certificate",
            inject: |l| {
                let key = rcgen::KeyPair::generate().unwrap();
                write(
                    &l.ssl_dir.join("key.pem"),
                    key.serialize_pem().as_bytes(),
                    0o600,
                );
            },
            check: "certificate",
            words: "does not match",
            in_status: true,
            fix: Fix::Run(&["restore"]),
            forbid: &[],
        },
        Fault {
            name: "cert.pem expired",
            inject: |l| crate::ops::write_cert(l, -3),
            check: "certificate",
            words: "expired on",
            in_status: true,
            fix: Fix::Advice("renew the certificate"),
            forbid: &[],
        },
        Fault {
            name: "state file missing",
            inject: |l| std::fs::remove_file(l.task_queue()).unwrap(),
            check: "state_files",
            words: "state file missing",
            in_status: true,
            fix: Fix::Run(&["restore"]),
            forbid: &[],
        },
        Fault {
            name: "task_queue.json truncated",
            inject: |l| truncate(&l.task_queue(), 50),
            check: "state_json",
            words: "corrupt JSON",
            in_status: true,
            fix: Fix::Run(&["restore"]),
            forbid: &[],
        },
        Fault {
            name: "orchestrator.json binary",
            inject: |l| {
                let junk: Vec<u8> = (0..300u32).map(|i| (i * 37 % 251) as u8).collect();
                write(&l.state_dir.join("orchestrator.json"), &junk, 0o600)
            },
            check: "state_json",
            words: "corrupt JSON",
            in_status: true,
            fix: Fix::Run(&["restore"]),
            forbid: &[],
        },
        Fault {
            name: "PID file garbage",
            inject: |l| write(&l.pid_file, b"hello\n", 0o644),
            check: "pid_file",
            words: "stale PID file",
            in_status: true,
            fix: Fix::Run(&["doctor --fix"]),
            forbid: &[" panic --"],
        },
        Fault {
            name: "PID file empty",
            inject: |l| write(&l.pid_file, b"", 0o644),
            check: "pid_file",
            words: "stale PID file",
            in_status: true,
            fix: Fix::Run(&["doctor --fix"]),
            forbid: &[" panic --"],
        },
        Fault {
            name: "PID file of a dead process",
            inject: |l| write(&l.pid_file, b"4194303\n", 0o644),
            check: "pid_file",
            words: "stale PID file",
            in_status: true,
            fix: Fix::Run(&["doctor --fix"]),
            forbid: &[" panic --"],
        },
        Fault {
            name: "stale lock of a dead process",
            inject: |l| write(&l.data_dir.join(".restore.lock"), b"4194303\n", 0o600),
            check: "locks",
            words: "stale lock",
            in_status: true,
            fix: Fix::Run(&["doctor --fix"]),
            forbid: &[],
        },
        Fault {
            name: "database deleted",
            inject: |l| {
                for p in [l.db.clone(), talos::db::wal_path(&l.db)] {
                    let _ = std::fs::remove_file(p);
                }
                let _ = std::fs::remove_file(l.db.with_extension("db-shm"));
            },
            check: "database",
            words: "does not exist",
            in_status: true,
            fix: Fix::Run(&["restore"]),
            forbid: &[],
        },
        Fault {
            name: "database overwritten",
            inject: |l| {
                let _ = std::fs::remove_file(talos::db::wal_path(&l.db));
                let _ = std::fs::remove_file(l.db.with_extension("db-shm"));
                write(&l.db, &vec![0x5a; 16384], 0o600)
            },
            check: "database",
            words: "cannot be read",
            in_status: true,
            fix: Fix::Run(&["restore"]),
            forbid: &[],
        },
        Fault {
            name: "database table dropped",
            inject: |l| {
                let c = rusqlite::Connection::open(&l.db).unwrap();
                c.execute_batch("DROP TABLE sessions;").unwrap();
            },
            check: "database",
            words: "required table",
            in_status: true,
            fix: Fix::Run(&["restore"]),
            forbid: &[],
        },
        Fault {
            name: "database journal mode DELETE",
            inject: |l| {
                let c = rusqlite::Connection::open(&l.db).unwrap();
                c.pragma_update(None, "journal_mode", "DELETE").unwrap();
            },
            check: "database",
            words: "journal mode",
            in_status: true,
            fix: Fix::Advice("daemon stopped"),
            forbid: &["--partial database"],
        },
        Fault {
            name: "audit directory deleted",
            inject: |l| std::fs::remove_dir_all(&l.audit_dir).unwrap(),
            check: "audit_chain",
            words: "missing",
            in_status: true,
            fix: Fix::Run(&["restore"]),
            forbid: &["cp -a"],
        },
        Fault {
            name: "audit last line torn",
            inject: |l| {
                let f = last_audit_file(l);
                let n = std::fs::metadata(&f).unwrap().len() as usize;
                truncate(&f, n - 40);
            },
            check: "audit_chain",
            words: "torn last line",
            in_status: true,
            fix: Fix::Shell("truncate -s"),
            forbid: &[],
        },
        Fault {
            name: "audit line deleted",
            inject: |l| {
                let f = last_audit_file(l);
                let text = std::fs::read_to_string(&f).unwrap();
                let kept: Vec<&str> = text
                    .lines()
                    .enumerate()
                    .filter(|(i, _)| *i != 2)
                    .map(|(_, l)| l)
                    .collect();
                std::fs::write(&f, format!("{}\n", kept.join("\n"))).unwrap();
            },
            check: "audit_chain",
            words: "does not verify",
            in_status: true,
            fix: Fix::Advice("evidence"),
            forbid: &["truncate -s", "repair jsonl"],
        },
        Fault {
            name: "audit record edited",
            inject: |l| {
                let f = last_audit_file(l);
                let text = std::fs::read_to_string(&f).unwrap();
                let i = text.find("\"actor\":\"").unwrap() + 9;
                let mut b = text.into_bytes();
                b[i] = if b[i] == b'x' { b'y' } else { b'x' };
                std::fs::write(&f, b).unwrap();
            },
            check: "audit_chain",
            words: "does not verify",
            in_status: true,
            fix: Fix::Advice("evidence"),
            forbid: &["truncate -s", "repair jsonl"],
        },
        Fault {
            name: "newest backup truncated",
            inject: |l| truncate(&newest_backup(l), 2000),
            check: "backup",
            words: "truncated or corrupt",
            in_status: true,
            fix: Fix::Run(&["backup create"]),
            forbid: &[],
        },
        Fault {
            name: "no backup",
            inject: |l| std::fs::remove_file(newest_backup(l)).unwrap(),
            check: "backup",
            words: "no backup",
            in_status: true,
            fix: Fix::Run(&["backup create"]),
            forbid: &[],
        },
        Fault {
            name: "backup three days old",
            inject: |l| {
                let p = newest_backup(l);
                let t = talos::archive::parse_backup_file_name(
                    &p.file_name().unwrap().to_string_lossy(),
                )
                .unwrap()
                    - jiff::SignedDuration::from_hours(72);
                std::fs::rename(&p, p.with_file_name(talos::archive::backup_file_name(t))).unwrap();
            },
            check: "backup",
            words: "old",
            in_status: true,
            fix: Fix::Run(&["backup create"]),
            forbid: &[],
        },
        Fault {
            name: ".gz rotation truncated",
            inject: |l| {
                let f = l.log_dir.join("orchestrator.log.2.gz");
                let n = std::fs::metadata(&f).unwrap().len() as usize;
                truncate(&f, n / 2);
            },
            check: "jsonl",
            words: "truncated or damaged",
            in_status: false,
            fix: Fix::Run(&["repair jsonl"]),
            forbid: &[],
        },
        Fault {
            name: "malformed line in orchestrator.log",
            inject: |l| crate::ops::append(&l.orchestrator_log(), "this is not json\n"),
            check: "jsonl",
            words: "malformed line(s) in",
            in_status: false,
            fix: Fix::Run(&["repair jsonl"]),
            forbid: &[],
        },
        Fault {
            name: "leftovers of an interrupted restore",
            inject: |l| {
                std::fs::create_dir_all(l.data_dir.join(".restore-staging-4194303")).unwrap()
            },
            check: "leftovers",
            words: "interrupted restore",
            in_status: true,
            fix: Fix::Run(&["repair leftovers"]),
            forbid: &[],
        },
        Fault {
            name: "emergency state pending",
            inject: |l| {
                write(
                    &l.emergency_state(),
                    br#"{"panic_timestamp":"2024-01-15T08:30:00Z","reason":"drill","pid":1234,"data_dir":"/var/lib/talos","recovery_available":true,"force_shutdown":false,"method":"api","preserve":null}"#,
                    0o600,
                )
            },
            check: "emergency",
            words: "",
            in_status: true,
            fix: Fix::Advice(" recover` "),
            forbid: &[],
        },
        Fault {
            name: "breaker open long past its cooldown",
            inject: |l| {
                let p = l.breakers_file();
                let mut v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                let b = &mut v["breakers"]["llm_api"];
                b["state"] = "open".into();
                b["failure_count"] = 5.into();
                b["opened_at"] = "2024-01-15T08:24:12Z".into();
                std::fs::write(&p, v.to_string()).unwrap();
            },
            check: "breakers",
            words: "llm_api",
            in_status: true,
            fix: Fix::Run(&["breaker reset"]),
            forbid: &[],
        },
        Fault {
            name: "log line from the future",
            inject: |l| {
                let at = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2);
                crate::ops::append(
                    &l.orchestrator_log(),
                    &crate::ops::t2(
                        at,
                        "INFO",
                        "orchestrator",
                        "later",
                        "00000000000000ff",
                        None,
                    ),
                );
            },
            check: "clock",
            words: "",
            in_status: false,
            fix: Fix::Advice("timedatectl"),
            forbid: &[],
        },
    ]
}

fn last_audit_file(l: &Layout) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(&l.audit_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    files.pop().unwrap()
}

/// The installation every fault starts from: a sandbox whose API URL is a
/// closed port, with one backup an hour old (so a new one is newer).
fn base(dir: &Path) -> PathBuf {
    let root = dir.join("base");
    Install::live().create(&root);
    let l = Layout::new(&root);
    let cfg = std::fs::read_to_string(&l.config_file)
        .unwrap()
        .replace("http://127.0.0.1:8080", "http://127.0.0.1:9");
    std::fs::write(&l.config_file, cfg).unwrap();
    // Its logs without the malformed lines the sandbox plants, so that
    // `doctor --fix` ends clean once the fault is fixed.
    for f in [
        "orchestrator.log",
        "orchestrator.log.1",
        "orchestrator.log.2.gz",
        "debug.log",
    ] {
        let p = l.log_dir.join(f);
        talos_at(&root)
            .args(["repair", "jsonl", "--yes"])
            .arg(&p)
            .assert()
            .success();
        let _ = std::fs::remove_file(l.log_dir.join(format!("{f}.corrupt")));
    }
    talos_at(&root)
        .args(["backup", "create"])
        .assert()
        .success();
    let p = newest_backup(&l);
    let t = talos::archive::parse_backup_file_name(&p.file_name().unwrap().to_string_lossy())
        .unwrap()
        - jiff::SignedDuration::from_hours(1);
    std::fs::rename(&p, p.with_file_name(talos::archive::backup_file_name(t))).unwrap();
    root
}

fn copy_tree(from: &Path, to: &Path) {
    let ok = std::process::Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// What the views say: (doctor --json, status --json, every output as text).
fn views(root: &Path) -> (Value, Value, String) {
    let json = |cmd: &str| -> (Value, String) {
        let run = talos_at(root).args([cmd, "--json"]).assert();
        let out = run.get_output();
        let v = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{cmd} --json is not JSON ({e}):\n{run}"));
        (v, String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (doctor, dj) = json("doctor");
    let (status, sj) = json("status");
    let mut text = dj + &sj;
    for cmd in ["doctor", "status"] {
        let out = talos_at(root).arg(cmd).output().unwrap();
        text.push_str(&String::from_utf8_lossy(&out.stdout));
        text.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    (doctor, status, text)
}

fn find<'a>(list: &'a Value, check: &str, words: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|f| {
        f["check"] == check
            && f["severity"] != "info"
            && f["title"].as_str().unwrap_or("").contains(words)
    })
}

/// Runs a printed shell command exactly as printed (no `talos` in it).
fn run_shell(cmd: &str) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .output()
        .unwrap()
}

/// The backticked commands of a fix (talos or not).
fn quoted(fix: &str) -> Vec<String> {
    fix.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn every_injected_fault_is_named_without_harm_and_its_printed_fix_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let base = base(dir.path());
    let mut failures = Vec::new();
    for (n, c) in faults().iter().enumerate() {
        let root = dir.path().join(format!("f{n}"));
        copy_tree(&base, &root);
        let l = Layout::new(&root);
        (c.inject)(&l);
        if let Err(e) = one_fault(c, &root) {
            failures.push(format!("{}: {e}", c.name));
        }
        let _ = std::fs::remove_dir_all(&root);
        let _ = l;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn one_fault(c: &Fault, root: &Path) -> Result<(), String> {
    let (doctor, status, text) = views(root);
    let Some(f) = find(&doctor["findings"], c.check, c.words) else {
        return Err(format!("doctor does not name it ({}): {doctor:#}", c.check));
    };
    if c.in_status && find(&status["problems"], c.check, c.words).is_none() {
        return Err(format!("status does not list it: {status:#}"));
    }
    for bad in harmful().chain(c.forbid.iter().copied()) {
        if text.contains(bad) {
            return Err(format!("harmful advice {bad:?} printed:\n{text}"));
        }
    }
    let fix = f["fix"].as_str().unwrap_or_default().to_string();
    match &c.fix {
        Fix::Advice(words) => {
            if !fix.contains(words) {
                return Err(format!("the advice lacks {words:?}: {fix}"));
            }
            return Ok(());
        }
        Fix::Shell(word) => {
            let cmd = quoted(&fix)
                .into_iter()
                .find(|q| q.contains(word))
                .ok_or_else(|| format!("no `{word}` command in {fix}"))?;
            use assert_cmd::assert::OutputAssertExt;
            run_shell(&cmd)
                .assert()
                .try_success()
                .map_err(|e| format!("`{cmd}` failed: {e}"))?;
        }
        Fix::Run(words) => {
            let cmds = talos_commands(&fix);
            for word in *words {
                let cmd = cmds
                    .iter()
                    .find(|q| q.contains(&format!(" {word}")))
                    .ok_or_else(|| format!("no `talos ... {word}` in {fix}"))?;
                use assert_cmd::assert::OutputAssertExt;
                crate::ops::run_printed(cmd)
                    .assert()
                    .try_success()
                    .map_err(|e| format!("`{cmd}` failed: {e}"))?;
            }
        }
    }
    let (after, _, _) = views(root);
    if let Some(g) = find(&after["findings"], c.check, c.words) {
        return Err(format!("still named after the fix `{fix}`: {g:#}"));
    }
    Ok(())
}

/// What must not be raised at all: a lock file of a live process (it is
/// in use), a config.yaml that is a link to a 0600 file (the link's own
/// mode means nothing).
#[test]
fn no_false_alarms_for_a_live_lock_or_a_linked_config() {
    let dir = tempfile::tempdir().unwrap();
    let root = base(dir.path());
    let l = Layout::new(&root);
    let mut sleeper = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    let lock = l.data_dir.join(".restore.lock");
    write(&lock, format!("{}\n", sleeper.id()).as_bytes(), 0o600);
    let real = l.config_dir.join("config.real.yaml");
    std::fs::rename(&l.config_file, &real).unwrap();
    std::os::unix::fs::symlink("config.real.yaml", &l.config_file).unwrap();
    let (doctor, _, text) = views(&root);
    let _ = sleeper.kill();
    let _ = sleeper.wait();
    for check in ["locks", "config"] {
        assert!(
            find(&doctor["findings"], check, "").is_none(),
            "{check}: {doctor:#}"
        );
    }
    assert!(!text.contains(&format!("rm {}", lock.display())), "{text}");
}

/// F-003: a process holds the write lock. Named (with its PID), never a
/// restore; once it lets go, the finding is gone.
#[test]
fn a_held_write_lock_is_named_and_never_restored() {
    let dir = tempfile::tempdir().unwrap();
    let root = base(dir.path());
    let l = Layout::new(&root);
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let (doctor, status, text) = views(&root);
    let f = doctor["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "database" && f["severity"] != "info")
        .unwrap_or_else(|| panic!("{doctor:#}"));
    assert!(f["integrity"] == false, "a lock is not damage: {f:#}");
    assert!(
        text.contains(&std::process::id().to_string()),
        "the holder's PID is named:\n{text}"
    );
    assert!(
        find(&status["problems"], "database", "").is_some(),
        "{status:#}"
    );
    for bad in ["--partial database", "restore BACKUP"] {
        let fixes: Vec<&str> = doctor["findings"]
            .as_array()
            .unwrap()
            .iter()
            .chain(status["problems"].as_array().unwrap())
            .filter(|f| f["check"] == "database")
            .filter_map(|f| f["fix"].as_str())
            .collect();
        assert!(!fixes.iter().any(|x| x.contains(bad)), "{fixes:?}");
    }
    conn.execute_batch("ROLLBACK;").unwrap();
    drop(conn);
    let (after, _, _) = views(&root);
    assert!(
        find(&after["findings"], "database", "").is_none(),
        "{after:#}"
    );
}

/// A hung daemon (talos-sim stopped with SIGSTOP): status, doctor and
/// health name it; nobody says start it or remove its PID file; the panic
/// printed (with --root and --url) stops it, and then the finding is gone.
#[test]
fn a_hung_daemon_is_named_and_the_printed_panic_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = base(dir.path());
    let mut sim = Sim::start(&root, &["--signal-poll", "0.2"]);
    let url = sim.url.clone();
    sim.signal(nix::sys::signal::Signal::SIGSTOP);
    // The heartbeat goes stale past the fail threshold (30 s) only slowly;
    // "hung" needs a PID alive and an API that does not answer.
    // Stopped, it writes no heartbeat: date the last one a minute back, as
    // a minute of hanging would (a fresh one means "slow API", not hung).
    let old = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(60);
    std::fs::write(
        Layout::new(&root).heartbeat(),
        talos::timespec::format_ts(old),
    )
    .unwrap();
    let status = |human: bool| {
        let mut cmd = talos_at(&root);
        cmd.args(["--url", &url, "status"]);
        if !human {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let doc: Value = serde_json::from_str(&status(false)).unwrap();
    let daemon = find(&doc["problems"], "daemon", "")
        .unwrap_or_else(|| panic!("{doc:#}"))
        .clone();
    let health = talos_at(&root)
        .args(["--url", &url, "health"])
        .output()
        .unwrap();
    let health = String::from_utf8_lossy(&health.stdout).into_owned();
    let text = format!("{}\n{health}", status(true));
    for bad in ["start the daemon", "systemctl start", "rm ", "doctor --fix"] {
        assert!(
            !text.contains(bad),
            "{bad:?} while the daemon hangs:\n{text}"
        );
    }
    // Every printed command carries the root and the URL.
    let carried = format!("talos --root {} --url {url} ", root.display());
    for cmd in talos_commands(&text) {
        assert!(cmd.starts_with(&carried), "{cmd:?} in:\n{text}");
    }
    let fix = daemon["fix"].as_str().unwrap();
    let panic = talos_commands(fix)
        .into_iter()
        .find(|c| c.contains(" panic "))
        .unwrap_or_else(|| panic!("no panic in {fix}"));
    crate::ops::run_printed_ok(&panic);
    assert!(wait_for(Duration::from_secs(5), || !sim.is_running()));
    let doc: Value = serde_json::from_str(&status(false)).unwrap();
    let still = find(&doc["problems"], "daemon", "")
        .map(|f| f["title"].as_str().unwrap_or("").to_string())
        .unwrap_or_default();
    assert!(!still.contains("does not answer"), "{doc:#}");
}

/// A PID file whose PID another program has now: stale, that program is
/// left alone (no panic, no kill), and the printed `rm` of the PID file
/// clears it; status says the same as doctor (not `doctor --fix`, which
/// removes only a PID file whose process is gone).
#[test]
fn a_pid_file_of_a_reused_pid_is_removed_by_hand_and_the_program_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = base(dir.path());
    let l = Layout::new(&root);
    let mut other = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    write(&l.pid_file, format!("{}\n", other.id()).as_bytes(), 0o644);
    let (doctor, status, text) = views(&root);
    let f = find(&doctor["findings"], "pid_file", "stale PID file")
        .unwrap_or_else(|| panic!("{doctor:#}"))
        .clone();
    let d = find(&status["problems"], "daemon", "")
        .unwrap_or_else(|| panic!("{status:#}"))
        .clone();
    for bad in ["panic", "kill", "doctor --fix"] {
        assert!(
            !f["fix"].as_str().unwrap().contains(bad) && !d["fix"].as_str().unwrap().contains(bad),
            "{bad:?}: {f:#} {d:#}"
        );
    }
    assert!(!text.contains("kill "), "{text}");
    let rm = quoted(f["fix"].as_str().unwrap())
        .into_iter()
        .find(|c| c.starts_with("rm "))
        .unwrap_or_else(|| panic!("{f:#}"));
    assert!(run_shell(&rm).status.success());
    let (after, _, _) = views(&root);
    assert!(
        find(&after["findings"], "pid_file", "").is_none(),
        "{after:#}"
    );
    assert!(
        other.try_wait().unwrap().is_none(),
        "the program is left alone"
    );
    let _ = other.kill();
    let _ = other.wait();
}
