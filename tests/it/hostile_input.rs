//! Hostile files, daemons and terminals (issue 14): the emergency commands
//! still run, memory and time stay bounded, the token never leaks.

use crate::common;
use crate::common::install::Install;
use assert_cmd::assert::{Assert, OutputAssertExt};
use predicates::str::contains;
use std::path::Path;
use std::time::Duration;

use crate::common::{free_port, talos_at};

/// Runs `cmd` with a generous bound: a hung command fails the test instead
/// of hanging the suite.
fn run_bounded(cmd: &mut assert_cmd::Command) -> Assert {
    cmd.timeout(Duration::from_secs(60)).assert()
}

/// `talos --url URL --yes panic --force --reason REASON EXTRA...`, bounded.
fn panic_force(root: &Path, url: &str, reason: &str, extra: &[&str]) -> Assert {
    run_bounded(
        talos_at(root)
            .args([
                "--url", url, "--yes", "panic", "--force", "--reason", reason,
            ])
            .args(extra),
    )
}

/// The same, with the escalation's waits cut to a second each.
fn panic_force_quick(root: &Path, url: &str, reason: &str) -> Assert {
    panic_force(root, url, reason, &["--signal-wait", "1", "--grace", "1"])
}

/// Whether stdout or stderr of the run holds `needle` (where a message
/// goes is not the point of these tests).
fn printed(a: &Assert, needle: &str) -> bool {
    let o = a.get_output();
    [&o.stdout, &o.stderr]
        .iter()
        .any(|b| String::from_utf8_lossy(b).contains(needle))
}

/// Asserts that the run printed `needle` on either stream.
fn says(a: &Assert, needle: &str) {
    assert!(printed(a, needle), "{needle:?} not printed:\n{a}");
}

/// Asserts that the run printed `needle` on neither stream.
fn never_says(a: &Assert, needle: &str) {
    assert!(!printed(a, needle), "{needle:?} printed:\n{a}");
}

fn install() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    Install::minimal().create(&root);
    // Nothing listens here: the API rung fails fast.
    let url = format!("http://127.0.0.1:{}", free_port());
    (dir, root, url)
}

fn write_config(root: &Path, body: &[u8]) {
    std::fs::write(root.join("etc/talos/config.yaml"), body).unwrap();
}

fn deep_flow_sequence() -> Vec<u8> {
    let depth = 200_000;
    let mut s = b"version: \"4.0\"\norchestrator: {}\nlogging: {}\nx: ".to_vec();
    s.extend(std::iter::repeat_n(b'[', depth));
    s.extend(std::iter::repeat_n(b']', depth));
    s.push(b'\n');
    s
}

fn deep_flow_mapping() -> Vec<u8> {
    let depth = 60_000;
    let mut s = b"version: \"4.0\"\norchestrator: {}\nlogging: {}\nx: ".to_vec();
    for _ in 0..depth {
        s.extend_from_slice(b"{a: ");
    }
    s.push(b'1');
    s.extend(std::iter::repeat_n(b'}', depth));
    s.push(b'\n');
    s
}

fn deep_block_sequence() -> Vec<u8> {
    let depth = 150_000;
    let mut s = b"version: \"4.0\"\norchestrator: {}\nlogging: {}\nx:\n".to_vec();
    s.extend(std::iter::repeat_n(&b"- "[..], depth).flatten());
    s.extend_from_slice(b"1\n");
    s
}

#[test]
fn deeply_nested_yaml_is_an_invalid_config_and_emergency_commands_go_on() {
    for (name, body) in [
        ("flow sequence", deep_flow_sequence()),
        ("flow mapping", deep_flow_mapping()),
        ("block sequence", deep_block_sequence()),
    ] {
        let (_d, root, url) = install();
        write_config(&root, &body);
        let validate = run_bounded(talos_at(&root).args(["config", "validate"]))
            .append_context("case", name)
            .failure();
        says(&validate, "nest");
        // status ends with an exit code of its own (no crash, no hang).
        run_bounded(talos_at(&root).args(["--url", &url, "status"]))
            .append_context("case", name)
            .code(predicates::constant::always());
        run_bounded(talos_at(&root).args(["--url", &url, "--json", "health"]))
            .append_context("case", name)
            .code(predicates::iter::in_iter(0..=3));
        panic_force(&root, &url, "hostile yaml", &[])
            .append_context("case", name)
            .code(0);
    }
}

#[test]
fn an_oversized_config_is_invalid_not_read_whole() {
    let (_d, root, url) = install();
    let mut body = b"version: \"4.0\"\norchestrator: {}\nlogging: {}\n# ".to_vec();
    body.extend(std::iter::repeat_n(b'x', 3 << 20));
    body.push(b'\n');
    write_config(&root, &body);
    run_bounded(talos_at(&root).args(["config", "validate"])).failure();
    run_bounded(talos_at(&root).args(["--url", &url, "--json", "health"]))
        .code(predicates::iter::in_iter(0..=3));
}

fn pid_file(root: &Path) -> std::path::PathBuf {
    root.join("var/run/talos/orchestrator.pid")
}

#[test]
fn an_unreadable_pid_file_does_not_stop_the_emergency_commands() {
    for kind in ["bytes", "dir", "huge"] {
        let (_d, root, url) = install();
        let pf = pid_file(&root);
        match kind {
            "bytes" => std::fs::write(&pf, b"\xff\xfe\n").unwrap(),
            "dir" => std::fs::create_dir(&pf).unwrap(),
            _ => std::fs::write(&pf, vec![b'7'; 8 << 20]).unwrap(),
        }
        for args in [
            vec!["status"],
            vec!["--json", "health"],
            vec!["--yes", "breaker", "reset", "payments_api"],
            vec!["db", "checkpoint"],
        ] {
            // An exit code, and not 1: the PID file did not stop it.
            run_bounded(talos_at(&root).arg("--url").arg(&url).args(&args))
                .append_context("PID file", kind)
                .code(predicates::ord::ne(1));
        }
        // The signal-file rung ran: it needs no PID.
        let panic = panic_force(&root, &url, "bad pid file", &["--json"])
            .append_context("PID file", kind)
            .code(0)
            .stdout(contains("signal_file"));
        let doc: serde_json::Value = serde_json::from_slice(&panic.get_output().stdout).unwrap();
        assert_eq!(doc["pid_file"]["state"], "stale", "{kind}: {doc}");
    }
}

#[test]
fn a_pid_file_naming_an_ancestor_shell_is_never_signalled() {
    let (_d, root, url) = install();
    let talos = crate::common::talos_bin();
    let pf = pid_file(&root);
    // The shell writes its own PID, then runs talos: with the default
    // process_match `talos`, the shell's command line matches.
    let script = format!(
        "echo $$ > '{}'; '{}' --root '{}' --url '{}' --yes panic --force --reason ancestor --signal-wait 1 --grace 1; echo \"talos exit $?\"; echo survived",
        pf.display(),
        talos.display(),
        root.display(),
        url
    );
    let shell = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .unwrap()
        .assert()
        .code(0)
        .stdout(contains("survived"));
    says(&shell, "parents");
}

/// A listener that accepts every connection and answers `reply(request)`.
fn serve(reply: impl Fn(&str) -> Vec<u8> + Send + 'static) -> String {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = vec![0u8; 65536];
            let mut got = 0;
            while got < buf.len() {
                match s.read(&mut buf[got..]) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got += n,
                }
                if buf[..got].windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            let req = String::from_utf8_lossy(&buf[..got]).into_owned();
            let _ = s.write_all(&reply(&req));
        }
    });
    url
}

#[test]
fn something_that_answers_garbage_without_a_verified_pid_is_refused_not_called_down() {
    for garbage in [&b"garbage\r\n\r\n"[..], b""] {
        let (_d, root, _) = install();
        let g = garbage.to_vec();
        let url = serve(move |_| g.clone());
        panic_force_quick(&root, &url, "garbage").code(4);
    }
}

const TOKEN: &str = common::sim::TOKEN;

fn echo_daemon() -> String {
    serve(|req| {
        let auth = req
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
            .unwrap_or("")
            .to_string();
        let (status, body) = if req.starts_with("GET /health") {
            (
                "200 OK",
                r#"{"status":"healthy","message":"ok \u001b]52;c;aGk=\u0007 \u009b2J"}"#
                    .to_string(),
            )
        } else {
            (
                "500 Internal Server Error",
                serde_json::json!({"error": format!("rejected {auth} \u{1b}]52;c;aGk=\u{7}")})
                    .to_string(),
            )
        };
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    })
}

#[test]
fn an_echoed_token_is_scrubbed_and_control_characters_are_escaped() {
    let (_d, root, _) = install();
    let url = echo_daemon();
    let restart = run_bounded(talos_at(&root).args(["--url", &url, "--yes", "restart"]));
    says(&restart, "rejected");
    never_says(&restart, TOKEN);
    never_says(&restart, "\u{1b}");
    let health = run_bounded(talos_at(&root).args(["--url", &url, "health"]));
    never_says(&health, "\u{1b}");
    never_says(&health, "\u{9b}");
    never_says(&panic_force_quick(&root, &url, "echo"), TOKEN);
    let log = std::fs::read_to_string(root.join("var/log/talos/panic.log")).unwrap();
    assert!(log.contains("rejected"), "{log}");
    assert!(!log.contains(TOKEN), "{log}");
}

#[test]
fn the_token_never_goes_over_plain_http_to_another_host() {
    let (_d, root, _) = install();
    let panic = panic_force(
        &root,
        "http://192.0.2.10:9",
        "plain http",
        &["--timeout", "1", "--signal-wait", "1", "--grace", "1"],
    );
    says(&panic, "refusing to send the admin token");
}

#[test]
fn a_token_file_others_can_read_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let (_d, root, url) = install();
    let tf = root.join("etc/talos/secrets/admin_token");
    std::fs::set_permissions(&tf, std::fs::Permissions::from_mode(0o644)).unwrap();
    run_bounded(talos_at(&root).args(["--url", &url, "status"]))
        .stderr(contains("admin token file"));
}

#[test]
fn a_twenty_gib_line_in_a_small_gz_rotation_takes_little_memory() {
    use std::io::Write;
    let (_d, root, _) = install();
    let log_dir = root.join("var/log/talos");
    std::fs::write(log_dir.join("orchestrator.log"), b"{\"level\":\"INFO\"}\n").unwrap();
    let f = std::fs::File::create(log_dir.join("orchestrator.log.1.gz")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::best());
    let chunk = vec![b'a'; 1 << 20];
    // 256 MiB expanded: enough to show the line is not held (the cap is
    // 1 MiB), small enough to stay quick.
    for _ in 0..256 {
        gz.write_all(&chunk).unwrap();
    }
    gz.write_all(b"\n{\"level\":\"INFO\"}\n").unwrap();
    gz.finish().unwrap();
    let rotation = log_dir.join("orchestrator.log.1.gz");
    let (run, kb) = measured(
        &root,
        &["repair", "jsonl", "--dry-run", rotation.to_str().unwrap()],
    );
    assert!(kb < 100 * 1024, "peak RSS {kb} KB:\n{run}");
}

#[test]
fn recover_keeps_a_valid_queue_over_an_invalid_one_from_the_preserve_and_says_so() {
    let (_d, root, url) = install();
    let queue = root.join("var/lib/talos/state/task_queue.json");
    std::fs::write(&queue, b"{not json").unwrap();
    panic_force(&root, &url, "preserve a broken queue", &[]).code(0);
    std::fs::write(&queue, b"[]").unwrap();
    let recover = run_bounded(talos_at(&root).args(["--yes", "recover"])).code(3);
    says(&recover, "task_queue.json");
    assert_eq!(std::fs::read(&queue).unwrap(), b"[]", "{recover}");
}

/// One `talos --root ROOT ARGS` run under `/usr/bin/time -f %M`: the run,
/// to be asserted, and its peak RSS in KB. Fails when /usr/bin/time is
/// missing (Debian package `time`).
fn measured(root: &Path, args: &[&str]) -> (Assert, u64) {
    assert!(
        Path::new("/usr/bin/time").exists(),
        "/usr/bin/time is missing: install the Debian package `time` to measure peak RSS"
    );
    let mut cmd = std::process::Command::new("/usr/bin/time");
    cmd.arg("-f")
        .arg("maxrss_kb=%M")
        .arg(crate::common::talos_bin())
        .arg("--root")
        .arg(root)
        .args(args);
    let run = run_bounded(&mut assert_cmd::Command::from_std(cmd));
    let kb = String::from_utf8_lossy(&run.get_output().stderr)
        .lines()
        .find_map(|l| l.strip_prefix("maxrss_kb="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no maxrss_kb= line:\n{run}"));
    (run, kb)
}

/// Peak RSS of one talos run, in KB.
fn peak_rss_kb(root: &Path, args: &[&str]) -> u64 {
    measured(root, args).1
}

#[test]
fn doctor_and_incident_report_read_a_long_audit_chain_in_little_memory() {
    use std::io::Write;
    use talos::audit::record::Record;
    let (_d, root, url) = install();
    let audit = root.join("var/log/talos/audit");
    // 100,000 users' records of a dozen small fields, all within the last
    // hour (counted by the incident report, not listed): about 30 MB on
    // disk, several times that as parsed values held at once.
    let now = jiff::Timestamp::now();
    let details = serde_json::json!({
        "a": "x", "b": "y", "c": "z", "d": 1, "e": 2, "f": 3,
        "g": "x", "h": "y", "i": "z", "j": 4, "k": 5, "l": 6,
    });
    let mut prev = "0".repeat(64);
    let mut w = std::io::BufWriter::new(
        std::fs::File::create(audit.join(talos::audit::audit_file_name(1))).unwrap(),
    );
    let n = 100_000u64;
    for seq in 1..=n {
        let ts = now - jiff::SignedDuration::from_millis(((n - seq) * 30) as i64);
        let line = Record::encode(
            seq,
            &talos::timespec::format_ts(ts),
            "user:alice",
            "task_submit",
            &details,
            &prev,
        )
        .unwrap();
        prev = line[line.len() - 66..line.len() - 2].to_string();
        w.write_all(line.as_bytes()).unwrap();
        w.write_all(b"\n").unwrap();
    }
    w.flush().unwrap();
    for args in [
        &["--url", &url, "--offline", "doctor"][..],
        &["--url", &url, "incident", "report", "--since", "2h"][..],
    ] {
        let kb = peak_rss_kb(&root, args);
        assert!(kb < 100 * 1024, "{args:?}: peak RSS {kb} KB");
    }
}

/// Writes records 1..=n of a valid chain to `audit-000001.jsonl`.
fn audit_records(audit: &Path, n: u64) -> std::fs::File {
    use std::io::Write;
    use talos::audit::record::Record;
    let mut f = std::fs::File::create(audit.join(talos::audit::audit_file_name(1))).unwrap();
    let mut prev = "0".repeat(64);
    for seq in 1..=n {
        let line = Record::encode(
            seq,
            "2024-01-15T08:30:00.000Z",
            "orchestrator",
            "a",
            &serde_json::json!({}),
            &prev,
        )
        .unwrap();
        prev = line[line.len() - 66..line.len() - 2].to_string();
        writeln!(f, "{line}").unwrap();
    }
    f
}

#[test]
fn an_audit_line_of_hundreds_of_mib_is_a_broken_record_read_in_little_memory() {
    use std::io::{Seek, SeekFrom, Write};
    let (_d, root, _) = install();
    let audit = root.join("var/log/talos/audit");
    let mut f = audit_records(&audit, 3);
    // Record 4 starts well, then runs on for 300 MiB (a hole: nothing on
    // disk) before its newline; record 5 follows.
    f.write_all(b"{\"seq\":4,\"timestamp\":\"").unwrap();
    let len = f.seek(SeekFrom::End(0)).unwrap() + 300 * 1024 * 1024;
    f.set_len(len).unwrap();
    f.seek(SeekFrom::End(0)).unwrap();
    f.write_all(b"\"}\n{\"seq\":5}\n").unwrap();
    drop(f);
    let (run, kb) = measured(
        &root,
        &["--json", "audit", "verify-chain", "--no-external-anchors"],
    );
    let run = run.code(3);
    let v: serde_json::Value = serde_json::from_slice(&run.get_output().stdout).unwrap();
    let e = &v["first_error"];
    assert_eq!(e["kind"], "invalid_json", "{e}");
    assert_eq!(e["seq"], 4, "{e}");
    assert_eq!(e["found_seq"], 4, "{e}");
    assert_eq!(e["line"], 4, "{e}");
    assert!(
        e["file"].as_str().unwrap().ends_with("audit-000001.jsonl"),
        "{e}"
    );
    assert!(e["message"].as_str().unwrap().contains("1 MiB"), "{e}");
    assert_eq!(v["records"], 3, "{v}");
    assert!(kb < 100 * 1024, "peak RSS {kb} KB:\n{run}");
}

/// A `backup_*.tar.gz` whose first entry, `metadata.json`, claims 20 GiB
/// and inflates to 512 MiB of zeros (far past the 64 MiB head cap): a few
/// MiB on disk, written in chunks.
fn archive_with_a_huge_first_entry(path: &Path) {
    use std::io::Write;
    let f = std::fs::File::create(path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
    let mut header = tar::Header::new_gnu();
    header.set_path("metadata.json").unwrap();
    header.set_size(20 << 30);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    gz.write_all(header.as_bytes()).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..512 {
        gz.write_all(&chunk).unwrap();
    }
    gz.finish().unwrap();
}

#[test]
fn an_archive_whose_first_entry_inflates_past_the_cap_is_named_in_bounded_memory() {
    let (_d, root, url) = install();
    let name = "backup_20240115_083000.tar.gz";
    let archive = root.join("var/backups/talos").join(name);
    archive_with_a_huge_first_entry(&archive);
    let archive_arg = archive.to_str().unwrap();
    // (arguments, the exit codes docs/format.md "Exit codes" allows)
    let cases: [(&[&str], &[i32]); 3] = [
        // A listing still lists; the damaged archive is named, or it fails.
        (&["backup", "list"], &[0, 1, 3]),
        // A corrupt or unsafe backup is an integrity failure.
        (&["backup", "verify", archive_arg], &[3]),
        // doctor reports a finding: a failure verdict, never "healthy".
        (&["--url", &url, "--offline", "doctor"], &[1, 3]),
    ];
    for (args, codes) in cases {
        let (run, kb) = measured(&root, args);
        let run = run.code(predicates::iter::in_iter(codes.iter().copied()));
        says(&run, name);
        if args == ["backup", "list"] {
            says(&run, "UNREADABLE: it inflates to more than");
        }
        assert!(kb < 200 * 1024, "{args:?}: peak RSS {kb} KB");
    }
}

/// Runs `talos --url URL ARGS` on `root` with a generous bound: whether
/// it ended with an exit status (killed at the bound: it did not).
fn finishes<S: AsRef<std::ffi::OsStr>>(root: &Path, url: &str, args: &[S]) -> bool {
    talos_at(root)
        .args(["--url", url])
        .args(args)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap()
        .status
        .code()
        .is_some()
}

/// Each file the diagnosis commands read, replaced in turn by a FIFO
/// (opening one waits for a writer for ever) and by a link to `/dev/zero`
/// (reading it never ends): every command still finishes with an exit
/// status, and one planted where a file is expected is named for what it
/// is.
#[test]
fn a_fifo_or_a_device_planted_for_any_file_never_hangs_the_diagnosis() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("template");
    talos_at(dir.path())
        .args(["-q", "sandbox", "init"])
        .arg(&template)
        .assert()
        .success();
    std::fs::create_dir_all(template.join("var/run/talos")).unwrap();
    std::fs::write(template.join("var/run/talos/orchestrator.pid"), "4194300\n").unwrap();
    let url = format!("http://127.0.0.1:{}", free_port());
    let files = [
        "etc/talos/config.yaml",
        "etc/talos/secrets/admin_token",
        "etc/talos/ssl/cert.pem",
        "var/run/talos/orchestrator.pid",
        "var/lib/talos/state/heartbeat",
        "var/lib/talos/state/circuit_breakers.json",
        "var/lib/talos/state/task_queue.json",
        "var/lib/talos/emergency_state.json",
        "var/lib/talos/restore.journal",
        "var/lib/talos/db/talos.db-wal",
        "var/log/talos/orchestrator.log",
        "var/log/talos/audit/audit-000001.jsonl",
    ];
    let commands: [&[&str]; 6] = [
        &["status"],
        &["health"],
        &["doctor"],
        &["incident", "report", "--since", "24h"],
        &["audit", "verify-chain"],
        &["breaker", "list"],
    ];
    for (i, file) in files.iter().enumerate() {
        for planted in ["fifo", "device"] {
            let root = dir.path().join(format!("{i}-{planted}"));
            let copied = std::process::Command::new("cp")
                .arg("-a")
                .arg(&template)
                .arg(&root)
                .status()
                .unwrap();
            assert!(copied.success());
            let path = root.join(file);
            let _ = std::fs::remove_file(&path);
            if planted == "fifo" {
                nix::unistd::mkfifo(&path, nix::sys::stat::Mode::S_IRWXU).unwrap();
            } else {
                std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
            }
            for args in commands {
                assert!(
                    finishes(&root, &url, args),
                    "`talos {}` with {file} planted as a {planted} did not finish",
                    args.join(" ")
                );
            }
            if *file == "etc/talos/config.yaml" {
                let a = talos_at(&root)
                    .args(["--url", &url, "status"])
                    .timeout(Duration::from_secs(30))
                    .assert();
                let what = if planted == "fifo" {
                    "a FIFO"
                } else {
                    "a device"
                };
                says(&a, &format!("is {what}, not a regular file"));
            }
        }
    }
    // A FIFO where the newest backup should be: listed, never waited on.
    let root = dir.path().join("backup-fifo");
    assert!(
        std::process::Command::new("cp")
            .arg("-a")
            .arg(&template)
            .arg(&root)
            .status()
            .unwrap()
            .success()
    );
    let backups = root.join("var/backups/talos");
    std::fs::create_dir_all(&backups).unwrap();
    let fifo = backups.join("backup_20991231_000000.tar.gz");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    for args in [
        vec!["status".to_string()],
        vec!["doctor".to_string()],
        vec![
            "backup".to_string(),
            "verify".to_string(),
            fifo.display().to_string(),
        ],
        vec![
            "restore".to_string(),
            "--dry-run".to_string(),
            "latest".to_string(),
        ],
    ] {
        assert!(
            finishes(&root, &url, &args),
            "`talos {}` with a FIFO for the newest backup did not finish",
            args.join(" ")
        );
    }
}
