//! Doctor remembers what it found in rotated logs (DATA_DIR cache keyed by
//! file identity, size and modification time): a second run gives the same
//! findings, a changed or new rotation is read again, and a hostile cache
//! file is ignored and never written through. The incident report's
//! timeline is bounded and says what it left out.

use crate::common::install::Install;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::common::talos_at;
use crate::ops::*;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use talos::install::Layout;

const CACHE: &str = "log_check_cache.json";

/// The findings about the logs (malformed lines, log clock), as text.
fn log_findings(root: &Path) -> Vec<String> {
    let out = talos_at(root).args(["doctor", "--json"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "doctor --json is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let mut v: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "jsonl" || f["check"] == "clock")
        .map(|f| format!("{} | {} | {}", f["check"], f["title"], f["evidence"]))
        .collect();
    v.sort();
    v
}

/// A rotation with 3 malformed lines and times going backwards, and a gzip
/// one with 2 malformed lines.
fn rotations(l: &Layout) -> (PathBuf, PathBuf) {
    let now = Timestamp::now();
    let mut text = String::new();
    for k in 0..50 {
        let at = now - SignedDuration::from_hours(5) + SignedDuration::from_secs(k);
        text.push_str(&t2(at, "INFO", "api", "ok", "c1", None));
        if k % 20 == 7 {
            text.push_str("not json at all\n");
        }
    }
    text.push_str(&t2(
        now - SignedDuration::from_hours(6),
        "INFO",
        "api",
        "late",
        "c1",
        None,
    ));
    let one = l.log_dir.join("orchestrator.log.1");
    write(&one, &text, 0o640);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"{broken\n").unwrap();
    gz.write_all(
        t2(
            now - SignedDuration::from_hours(9),
            "INFO",
            "a",
            "m",
            "c",
            None,
        )
        .as_bytes(),
    )
    .unwrap();
    gz.write_all(b"also broken\n").unwrap();
    let two = l.log_dir.join("orchestrator.log.2.gz");
    std::fs::write(&two, gz.finish().unwrap()).unwrap();
    (one, two)
}

fn mtime(p: &Path) -> std::time::SystemTime {
    std::fs::metadata(p).unwrap().modified().unwrap()
}

#[test]
fn a_second_run_gives_the_same_findings_from_the_cache_until_a_file_changes() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let (one, _two) = rotations(&l);
    let cold = log_findings(dir.path());
    assert!(
        cold.iter()
            .any(|f| f.contains("3 malformed line(s)") && f.contains("orchestrator.log.1")),
        "{cold:#?}"
    );
    assert!(
        cold.iter()
            .any(|f| f.contains("2 malformed line(s)") && f.contains("orchestrator.log.2.gz")),
        "{cold:#?}"
    );
    assert!(
        cold.iter().any(|f| f.contains("log times go backwards")),
        "{cold:#?}"
    );
    let cache = l.data_dir.join(CACHE);
    assert!(cache.is_file(), "doctor remembers the rotations it read");
    let warm = log_findings(dir.path());
    assert_eq!(cold, warm);

    // Same inode, size and mtime, other bytes: the answer comes from the
    // cache (that is what makes the second run fast).
    let before = mtime(&one);
    let text = std::fs::read_to_string(&one)
        .unwrap()
        .replace("not json at all", "{\"x\":\"   \"}    ");
    std::fs::write(&one, &text).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&one)
        .unwrap()
        .set_modified(before)
        .unwrap();
    assert_eq!(log_findings(dir.path()), cold, "served from the cache");

    // A changed file (new size and mtime) is read again.
    append(&one, "one more broken line\n");
    let changed = log_findings(dir.path());
    assert!(
        changed
            .iter()
            .any(|f| f.contains("1 malformed line(s)") && f.contains("orchestrator.log.1")),
        "{changed:#?}"
    );

    // Rotated again: .1 becomes .2 (renamed, same file), a new .1 appears.
    std::fs::remove_file(l.log_dir.join("orchestrator.log.2.gz")).unwrap();
    std::fs::rename(&one, l.log_dir.join("orchestrator.log.2")).unwrap();
    write(&one, "garbage\ngarbage\n", 0o640);
    let rotated = log_findings(dir.path());
    assert!(
        rotated
            .iter()
            .any(|f| f.contains("1 malformed line(s)") && f.contains("orchestrator.log.2\"")),
        "{rotated:#?}"
    );
    assert!(
        rotated
            .iter()
            .any(|f| f.contains("2 malformed line(s)") && f.contains("orchestrator.log.1\"")),
        "{rotated:#?}"
    );
    assert!(!rotated.iter().any(|f| f.contains(".gz")), "{rotated:#?}");
}

#[test]
fn a_hostile_cache_is_ignored_and_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    rotations(&l);
    let cache = l.data_dir.join(CACHE);
    let cold = log_findings(dir.path());
    let good = std::fs::read(&cache).unwrap();

    // Garbage: ignored, rebuilt.
    std::fs::write(&cache, b"\xff\x00{{{ not json").unwrap();
    assert_eq!(log_findings(dir.path()), cold);
    let rebuilt: Value = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    assert!(rebuilt.is_object());

    // Well-formed JSON with lies in it: implausible entries are not trusted.
    let mut lie: Value = serde_json::from_slice(&good).unwrap();
    for (_, e) in lie["entries"].as_object_mut().unwrap() {
        e["malformed"] = serde_json::json!(999_999_999u64);
    }
    std::fs::write(&cache, serde_json::to_vec(&lie).unwrap()).unwrap();
    assert_eq!(log_findings(dir.path()), cold);

    // Huge: ignored without being read whole.
    let mut huge = b"{\"version\":1,\"entries\":{},\"pad\":\"".to_vec();
    huge.resize(3 << 20, b'x');
    huge.extend_from_slice(b"\"}");
    std::fs::write(&cache, &huge).unwrap();
    assert_eq!(log_findings(dir.path()), cold);

    // A link: never followed, never written through, left alone.
    std::fs::remove_file(&cache).unwrap();
    let target = dir.path().join("elsewhere.json");
    std::fs::write(&target, &good).unwrap();
    std::os::unix::fs::symlink(&target, &cache).unwrap();
    // What the link points at would say "clean" if it were believed.
    let mut clean: Value = serde_json::from_slice(&good).unwrap();
    for (_, e) in clean["entries"].as_object_mut().unwrap() {
        e["malformed"] = serde_json::json!(0);
        e["first_bad"] = serde_json::json!([]);
        e["backwards"] = Value::Null;
    }
    let planted = serde_json::to_vec(&clean).unwrap();
    std::fs::write(&target, &planted).unwrap();
    assert_eq!(log_findings(dir.path()), cold);
    assert!(
        std::fs::symlink_metadata(&cache)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&target).unwrap(), planted);
}

#[test]
fn the_incident_timeline_is_bounded_and_says_what_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let now = Timestamp::now();
    let n = 10_250;
    let mut text = String::with_capacity(n * 200);
    for k in 0..n {
        let at = now - SignedDuration::from_mins(50) + SignedDuration::from_millis(k as i64 * 100);
        let level = if k == 3 { "ERROR" } else { "WARNING" };
        text.push_str(&t2(at, level, "api", &format!("slow call {k}"), "c1", None));
    }
    write(&l.log_dir.join("orchestrator.log"), &text, 0o640);
    let out = talos_at(dir.path())
        .args(["incident", "report", "--format", "json", "--since", "1h"])
        .assert()
        .success()
        .get_output()
        .clone();

    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &r["summary"];
    let timeline = r["timeline"].as_array().unwrap();
    assert!(timeline.len() <= 10_000, "{}", timeline.len());
    let total = s["timeline_events"].as_u64().unwrap() as usize;
    assert!(total >= n, "{s:#}");
    assert_eq!(
        s["timeline_omitted"].as_u64().unwrap() as usize,
        total - timeline.len()
    );
    // The error is kept (relevant), and the first error is still the summary's.
    assert!(timeline.iter().any(|e| e["message"] == "slow call 3"));
    assert_eq!(s["first_error"]["message"], "slow call 3");
    // The newest warning is kept, the oldest left out.
    assert!(
        timeline
            .iter()
            .any(|e| e["message"] == format!("slow call {}", n - 1))
    );
    assert!(!timeline.iter().any(|e| e["message"] == "slow call 0"));
    let md = talos_at(dir.path())
        .args(["incident", "report", "--since", "1h"])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("Left out:"), "{md}");
}

// ---- the current files: only what was appended is read again ----

/// `doctor --json` with the clock fixed; the generated time removed.
fn doctor_doc(root: &Path, now: Timestamp) -> Value {
    let out = talos_at(root)
        .env("TALOS_NOW", ts(now))
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    let mut doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "doctor --json is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    doc.as_object_mut().unwrap().remove("generated_at");
    doc
}

/// The findings about one log file, as text.
fn about(doc: &Value, file: &str) -> Vec<String> {
    let mut v: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "jsonl" || f["check"] == "clock")
        .filter(|f| f.to_string().contains(file))
        .map(|f| format!("{} | {} | {}", f["check"], f["title"], f["evidence"]))
        .collect();
    v.sort();
    v
}

/// `n` good Tier 3 lines from `from`, one a second, with a malformed line
/// after every line whose number is in `bad`.
fn lines(from: Timestamp, n: i64, bad: &[i64]) -> String {
    let mut text = String::new();
    for k in 0..n {
        text.push_str(&t2(
            from + SignedDuration::from_secs(k),
            "DEBUG",
            "worker",
            "step",
            "c9",
            None,
        ));
        if bad.contains(&k) {
            text.push_str("{truncated by a crash\n");
        }
    }
    text
}

fn current_entry(l: &Layout) -> Value {
    let c: Value = serde_json::from_slice(&std::fs::read(l.data_dir.join(CACHE)).unwrap()).unwrap();
    let debug = std::fs::metadata(l.log_dir.join("debug.log")).unwrap();
    use std::os::unix::fs::MetadataExt;
    c["current"][format!("{}:{}", debug.dev(), debug.ino())].clone()
}

#[test]
fn a_second_doctor_counts_what_was_appended_to_the_current_log() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let now = Timestamp::now();
    let debug = l.log_dir.join("debug.log");
    let start = now - SignedDuration::from_hours(2);
    write(&debug, &lines(start, 300, &[10, 20]), 0o640);
    let cold = doctor_doc(dir.path(), now);
    assert_eq!(
        about(&cold, "debug.log"),
        [format!(
            "\"jsonl\" | \"2 malformed line(s) in {}\" | [\"lines 12, 23\"]",
            debug.display()
        )]
    );
    // The prefix is remembered up to the end of the file (whole lines).
    let e = current_entry(&l);
    assert_eq!(
        e["offset"].as_u64(),
        Some(std::fs::metadata(&debug).unwrap().len()),
        "{e:#}"
    );

    // Appended: malformed lines, a time going backwards, and an unfinished
    // last line (counted now, not remembered: its end is still coming).
    let more = lines(start + SignedDuration::from_secs(300), 5, &[1, 3]);
    append(&debug, &more);
    append(&debug, &t2(start, "DEBUG", "w", "late", "c9", None));
    let last = t2(now, "DEBUG", "w", "being written", "c9", None);
    let (half, rest) = last.split_at(30);
    append(&debug, half);
    let warm = doctor_doc(dir.path(), now);
    let want = [
        format!(
            "\"clock\" | \"clock skew: log times go backwards\" | [\"{} line 310: {} after {}\"]",
            debug.display(),
            talos::timespec::format_ts(start),
            talos::timespec::format_ts(start + SignedDuration::from_secs(304)),
        ),
        format!(
            "\"jsonl\" | \"5 malformed line(s) in {}\" | [\"lines 12, 23, 305, 308, 311\"]",
            debug.display()
        ),
    ];
    assert_eq!(about(&warm, "debug.log"), want, "{warm:#}");
    let e = current_entry(&l);
    let size = std::fs::metadata(&debug).unwrap().len();
    assert_eq!(
        e["offset"].as_u64(),
        Some(size - half.len() as u64),
        "{e:#}"
    );

    // The same report as a doctor without the cache, and again with it.
    std::fs::remove_file(l.data_dir.join(CACHE)).unwrap();
    assert_eq!(doctor_doc(dir.path(), now), warm);
    assert_eq!(doctor_doc(dir.path(), now), warm);
    // The unfinished line ends: one good line, not a malformed one.
    append(&debug, rest);
    let done = doctor_doc(dir.path(), now);
    assert!(
        about(&done, "debug.log")
            .iter()
            .any(|f| f.contains("4 malformed line(s)") && f.contains("lines 12, 23, 305, 308\"")),
        "{done:#}"
    );
    std::fs::remove_file(l.data_dir.join(CACHE)).unwrap();
    assert_eq!(doctor_doc(dir.path(), now), done);
}

#[test]
fn a_current_log_truncated_and_rewritten_in_place_is_read_again() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let now = Timestamp::now();
    let debug = l.log_dir.join("debug.log");
    let start = now - SignedDuration::from_hours(2);
    write(&debug, &lines(start, 200, &[5, 6, 7]), 0o640);
    let cold = doctor_doc(dir.path(), now);
    assert!(
        about(&cold, "debug.log")[0].contains("3 malformed line(s)"),
        "{cold:#}"
    );
    let ino = std::fs::metadata(&debug).unwrap().ino();

    // Truncated and rewritten through the same inode (as `> debug.log` or
    // a copytruncate rotation followed by new lines), longer than before:
    // one malformed line, elsewhere.
    let new = lines(start + SignedDuration::from_secs(1), 260, &[150]);
    std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&debug)
        .unwrap()
        .write_all(new.as_bytes())
        .unwrap();
    assert_eq!(std::fs::metadata(&debug).unwrap().ino(), ino);
    let after = doctor_doc(dir.path(), now);
    assert_eq!(
        about(&after, "debug.log"),
        [format!(
            "\"jsonl\" | \"1 malformed line(s) in {}\" | [\"lines 152\"]",
            debug.display()
        )],
        "{after:#}"
    );
    std::fs::remove_file(l.data_dir.join(CACHE)).unwrap();
    assert_eq!(doctor_doc(dir.path(), now), after);
}

#[test]
fn a_corrupt_or_lying_current_entry_is_ignored_and_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let now = Timestamp::now();
    let debug = l.log_dir.join("debug.log");
    write(
        &debug,
        &lines(now - SignedDuration::from_hours(1), 100, &[50]),
        0o640,
    );
    let cache = l.data_dir.join(CACHE);
    let cold = doctor_doc(dir.path(), now);
    let good: Value = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    let key = {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(&debug).unwrap();
        format!("{}:{}", m.dev(), m.ino())
    };
    assert!(good["current"][&key].is_object(), "{good:#}");

    // Garbage: ignored, rebuilt.
    std::fs::write(&cache, b"{\"version\":2,\"current\":[1,2").unwrap();
    assert_eq!(doctor_doc(dir.path(), now), cold);
    let rebuilt: Value = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    assert_eq!(rebuilt["current"][&key], good["current"][&key]);

    // Lies that would hide the malformed line: a clean answer with digests
    // that do not match, an offset past the end, more lines than bytes.
    let lies: [fn(&mut Value); 3] = [
        |e| {
            e["answer"]["malformed"] = serde_json::json!(0);
            e["answer"]["first_bad"] = serde_json::json!([]);
            e["tail"] = serde_json::json!("00".repeat(32));
        },
        |e| {
            e["answer"]["malformed"] = serde_json::json!(0);
            e["answer"]["first_bad"] = serde_json::json!([]);
            e["offset"] = serde_json::json!(1u64 << 40);
        },
        |e| e["answer"]["lines"] = serde_json::json!(1u64 << 40),
    ];
    for lie in lies {
        let mut c = good.clone();
        lie(&mut c["current"][&key]);
        std::fs::write(&cache, serde_json::to_vec(&c).unwrap()).unwrap();
        assert_eq!(doctor_doc(dir.path(), now), cold);
        let rewritten: Value = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
        assert_eq!(rewritten["current"][&key], good["current"][&key]);
    }
}

#[test]
fn the_cache_is_replaced_atomically_and_never_written_through_a_link() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let l = Install::clean().create(dir.path()).layout;
    let now = Timestamp::now();
    let debug = l.log_dir.join("debug.log");
    write(
        &debug,
        &lines(now - SignedDuration::from_hours(1), 50, &[3]),
        0o640,
    );
    let cache = l.data_dir.join(CACHE);
    let cold = doctor_doc(dir.path(), now);
    // Replaced, not rewritten in place: a new inode, mode 0600, and no
    // temporary file left beside it.
    let first = std::fs::metadata(&cache).unwrap();
    assert_eq!(first.mode() & 0o777, 0o600);
    append(&debug, &lines(now - SignedDuration::from_mins(30), 5, &[]));
    doctor_doc(dir.path(), now);
    let second = std::fs::metadata(&cache).unwrap();
    assert_ne!(first.ino(), second.ino(), "replaced by a rename");
    let names: Vec<String> = std::fs::read_dir(&l.data_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("log_check_cache"))
        .collect();
    assert_eq!(names, [CACHE], "{names:?}");

    // A link planted where the cache belongs, to a file outside: neither
    // believed nor written through, and the findings are unchanged.
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "victim\n").unwrap();
    std::fs::remove_file(&cache).unwrap();
    std::os::unix::fs::symlink(&victim, &cache).unwrap();
    append(&debug, "one more broken line\n");
    let doc = doctor_doc(dir.path(), now);
    assert!(
        about(&doc, "debug.log")[0].contains("2 malformed line(s)"),
        "{doc:#}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "victim\n");
    assert!(
        std::fs::symlink_metadata(&cache)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_ne!(doc, cold);
}
