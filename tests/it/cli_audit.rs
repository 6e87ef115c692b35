//! Black-box tests of `talos audit ...` and `talos verify-chain` on sandbox
//! installations: real files, a real tar.gz backup, a real SQLite database.

use crate::common;
use assert_cmd::assert::OutputAssertExt;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::common::talos_at;
use serde_json::Value;
// An independent RFC 6962 implementation (recursive MTH, PATH and
// SUBPROOF), so the CLI's output is checked against the RFC, not against its
// own code.
use talos::audit::merkle::reference::{leaf, mth, path, subproof};
use talos::audit::record::hex;
use talos::audit::{Record, append_in};
use talos::install::Layout;

/// A sandbox root with an audit chain of `n` records (every third by an
/// operator, actions cycling through a few names).
fn sandbox(n: u64) -> (tempfile::TempDir, Layout) {
    let dir = tempfile::tempdir().unwrap();
    let layout = Layout::new(dir.path());
    for i in 1..=n {
        let (actor, action) = match i % 3 {
            0 => ("operator:alice", "breaker_reset"),
            1 => ("orchestrator", "task_started"),
            _ => ("orchestrator", "config_changed"),
        };
        append_in(
            &layout.audit_dir,
            actor,
            action,
            &serde_json::json!({"n": i, "text": "ünïcödé \"quoted\""}),
            &format!("2024-01-15T08:{:02}:00.000Z", i % 60),
        )
        .unwrap();
    }
    (dir, layout)
}

fn audit_file(layout: &Layout, n: u64) -> PathBuf {
    layout.audit_dir.join(format!("audit-{n:06}.jsonl"))
}

fn lines(layout: &Layout) -> Vec<String> {
    std::fs::read_to_string(audit_file(layout, 1))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

/// The `seq` of each record in an `audit query --json` answer.
fn seqs(doc: &Value) -> Vec<u64> {
    doc.as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_u64().unwrap())
        .collect()
}

fn verify_json(root: &Path, extra: &[&str]) -> (i32, Value) {
    let out = talos_at(root)
        .args(["--json", "audit", "verify-chain"])
        .args(extra)
        .output()
        .unwrap();
    (out.status.code().unwrap(), json_of(&out.stdout))
}

#[test]
fn a_clean_chain_verifies_and_the_alias_agrees() {
    let (dir, _layout) = sandbox(12);
    let (code, doc) = verify_json(dir.path(), &[]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["records"], 12);
    assert_eq!(doc["operator_actions"], 4);
    assert_eq!(doc["head"]["seq"], 12);
    assert!(doc["first_error"].is_null());

    let out = talos_at(dir.path()).arg("verify-chain").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("audit chain OK: 12 records"), "{text}");
    assert!(text.contains("operator actions: 4"), "{text}");
}

#[test]
fn a_changed_byte_is_a_hash_mismatch_at_its_line() {
    let (dir, layout) = sandbox(10);
    let mut ls = lines(&layout);
    ls[6] = ls[6].replace("task_started", "task_stopped");
    std::fs::write(audit_file(&layout, 1), ls.join("\n") + "\n").unwrap();
    let (code, doc) = verify_json(dir.path(), &[]);
    assert_eq!(code, 3);
    let e = &doc["first_error"];
    assert_eq!(e["kind"], "hash_mismatch", "{doc}");
    assert_eq!(e["seq"], 7);
    assert_eq!(e["line"], 7);
    assert_eq!(doc["records"], 6);

    let out = talos_at(dir.path())
        .args(["audit", "verify-chain"])
        .assert()
        .code(3);
    let text = String::from_utf8_lossy(&out.get_output().stdout);
    assert!(text.contains("AUDIT CHAIN BROKEN: hash mismatch"), "{text}");
    assert!(text.contains("audit-000001.jsonl line 7 (seq 7)"), "{text}");
    assert!(text.contains("what to do:"), "{text}");
}

#[test]
fn a_torn_last_line_says_how_to_cut_it_and_cutting_it_heals_the_chain() {
    let (dir, layout) = sandbox(5);
    let path = audit_file(&layout, 1);
    let good_len = std::fs::metadata(&path).unwrap().len();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(b"{\"seq\":6,\"timestamp\":\"2024-01-15T08:0")
        .unwrap();
    drop(f);

    let (code, doc) = verify_json(dir.path(), &[]);
    assert_eq!(code, 3);
    let e = &doc["first_error"];
    assert_eq!(e["kind"], "torn_last_line", "{doc}");
    assert_eq!(e["seq"], 6);
    assert_eq!(e["line"], 6);
    assert_eq!(e["offset"], good_len);
    let fix = e["fix"].as_str().unwrap();
    assert!(fix.contains(&format!("truncate -s {good_len}")), "{fix}");
    assert!(fix.contains(".torn"), "{fix}");

    // Follow the advice: keep the torn bytes, cut them, verify again.
    std::fs::copy(&path, path.with_extension("jsonl.torn")).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(good_len)
        .unwrap();
    let (code, doc) = verify_json(dir.path(), &[]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["records"], 5);
}

#[test]
fn anchors_from_the_command_line_catch_a_rewrite_and_a_cut_end() {
    let (dir, layout) = sandbox(8);
    let ls = lines(&layout);
    let rec5 = Record::parse(ls[4].as_bytes()).unwrap();
    let good = format!("5:{}", rec5.hash);
    let (code, doc) = verify_json(dir.path(), &["--anchor", &good]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["anchors_checked"], 1);

    let bad = format!("5:{}", "ab".repeat(32));
    let (code, doc) = verify_json(dir.path(), &["--anchor", &bad]);
    assert_eq!(code, 3);
    assert_eq!(doc["first_error"]["kind"], "anchor_mismatch");
    assert_eq!(doc["first_error"]["seq"], 5);

    let beyond = format!("9:{}", "cd".repeat(32));
    let (code, doc) = verify_json(dir.path(), &["--anchor", &beyond]);
    assert_eq!(code, 3);
    assert_eq!(doc["first_error"]["kind"], "anchor_beyond_end");
    assert_eq!(doc["first_error"]["seq"], 9);

    talos_at(dir.path())
        .args(["audit", "verify-chain", "--anchor", "nonsense"])
        .assert()
        .code(2);
}

/// Rewrites the whole chain with one record changed and every hash
/// recomputed: what someone with write access to the files could do.
fn rewrite_history(layout: &Layout, seq: u64) {
    let ls = lines(layout);
    let mut prev = talos::audit::GENESIS_HASH.to_string();
    let mut out = String::new();
    for l in ls {
        let mut r = Record::parse(l.as_bytes()).unwrap();
        if r.seq == seq {
            r.details = serde_json::json!({"n": seq, "text": "nothing happened here"});
        }
        let line =
            Record::encode(r.seq, &r.timestamp, &r.actor, &r.action, &r.details, &prev).unwrap();
        prev = Record::parse(line.as_bytes()).unwrap().hash;
        out.push_str(&line);
        out.push('\n');
    }
    std::fs::write(audit_file(layout, 1), out).unwrap();
}

fn write_backup(dir: &Path, name: &str, head: Option<(u64, &str)>) {
    std::fs::create_dir_all(dir).unwrap();
    let meta = serde_json::json!({
        "backup_version": "4.0",
        "created_at": "2024-01-15T08:30:00Z",
        "backup_type": "full",
        "audit_head": head.map(|(seq, hash)| serde_json::json!({"seq": seq, "hash": hash})),
    });
    let bytes = serde_json::to_vec(&meta).unwrap();
    let file = std::fs::File::create(dir.join(name)).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, "metadata.json", &bytes[..])
        .unwrap();
    let other = b"{}";
    let mut header = tar::Header::new_gnu();
    header.set_size(other.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, "manifest.json", &other[..])
        .unwrap();
    tar.into_inner().unwrap().finish().unwrap();
}

#[test]
fn a_backup_audit_head_catches_a_wholesale_rewrite() {
    let (dir, layout) = sandbox(9);
    let head = Record::parse(lines(&layout)[6].as_bytes()).unwrap();
    write_backup(
        &layout.backup_dir,
        "backup_20240115_083000.tar.gz",
        Some((7, &head.hash)),
    );
    write_backup(&layout.backup_dir, "backup_20240114_083000.tar.gz", None);
    let (code, doc) = verify_json(dir.path(), &[]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["anchors_checked"], 1);
    assert!(
        doc["anchors"][0]["source"]
            .as_str()
            .unwrap()
            .contains("backup_20240115_083000.tar.gz")
    );

    rewrite_history(&layout, 3);
    // The rewritten chain is consistent in itself...
    let (code, doc) = verify_json(dir.path(), &["--no-external-anchors"]);
    assert_eq!(code, 0, "{doc}");
    // ...and only the anchor tells.
    let (code, doc) = verify_json(dir.path(), &[]);
    assert_eq!(code, 3);
    let e = &doc["first_error"];
    assert_eq!(e["kind"], "anchor_mismatch", "{doc}");
    assert_eq!(e["seq"], 7);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("backup_20240115_083000")
    );
}

#[test]
fn the_database_audit_log_is_an_anchor() {
    let (dir, layout) = sandbox(6);
    let head = Record::parse(lines(&layout)[5].as_bytes()).unwrap();
    std::fs::create_dir_all(&layout.db_dir).unwrap();
    let conn = rusqlite::Connection::open(&layout.db).unwrap();
    conn.execute_batch(
        "CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, timestamp TEXT, actor TEXT, action TEXT, hash TEXT);",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO audit_log VALUES (6, 't', 'a', 'x', ?1)",
        [&head.hash],
    )
    .unwrap();
    drop(conn);
    let (code, doc) = verify_json(dir.path(), &[]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["anchors_checked"], 1);

    // The database has seen a record the files no longer hold.
    let conn = rusqlite::Connection::open(&layout.db).unwrap();
    conn.execute(
        "INSERT INTO audit_log VALUES (7, 't', 'a', 'x', ?1)",
        [&"ef".repeat(32)],
    )
    .unwrap();
    drop(conn);
    let (code, doc) = verify_json(dir.path(), &[]);
    assert_eq!(code, 3);
    assert_eq!(doc["first_error"]["kind"], "anchor_beyond_end", "{doc}");
    assert_eq!(doc["first_error"]["seq"], 7);
}

#[test]
fn root_prove_and_verify_proof_follow_rfc6962() {
    let (dir, layout) = sandbox(11);
    let ls = lines(&layout);
    let leaves: Vec<&[u8]> = ls.iter().map(|l| l.as_bytes()).collect();

    let out = talos_at(dir.path())
        .args(["audit", "root"])
        .assert()
        .code(0);
    let root11 = hex(&mth(&leaves));
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout).trim(),
        format!("size=11:{root11}")
    );
    let out = talos_at(dir.path())
        .args(["--json", "audit", "root", "--size", "6"])
        .output()
        .unwrap();
    let doc = json_of(&out.stdout);
    assert_eq!(doc["size"], 6);
    assert_eq!(doc["root"], hex(&mth(&leaves[..6])));

    // The tree head is itself an anchor for verify-chain.
    let anchor = format!("size=6:{}", hex(&mth(&leaves[..6])));
    let (code, doc) = verify_json(dir.path(), &["--anchor", &anchor]);
    assert_eq!(code, 0, "{doc}");
    let wrong = format!("size=6:{root11}");
    let (code, doc) = verify_json(dir.path(), &["--anchor", &wrong]);
    assert_eq!(code, 3);
    assert_eq!(doc["first_error"]["kind"], "anchor_mismatch");

    talos_at(dir.path())
        .args(["audit", "root", "--size", "12"])
        .assert()
        .code(2);

    for (seq, size) in [(1u64, 11u64), (6, 11), (11, 11), (3, 5), (5, 5)] {
        let out = talos_at(dir.path())
            .args([
                "audit",
                "prove",
                &seq.to_string(),
                "--size",
                &size.to_string(),
            ])
            .assert()
            .code(0);
        let proof = json_of(&out.get_output().stdout);
        let d = &leaves[..size as usize];
        let m = seq as usize - 1;
        assert_eq!(proof["leaf_index"], m);
        assert_eq!(proof["tree_size"], size);
        assert_eq!(proof["leaf_hash"], hex(&leaf(d[m])));
        let expected: Vec<String> = path(m, d).iter().map(|h| hex(h)).collect();
        assert_eq!(proof["audit_path"], serde_json::json!(expected));
        let root = hex(&mth(d));
        assert_eq!(proof["root"], root);

        let file = dir.path().join("proof.json");
        std::fs::write(&file, &out.get_output().stdout).unwrap();
        let ok = talos_at(dir.path())
            .args(["audit", "verify-proof", "--proof"])
            .arg(&file)
            .args(["--root-hash", &root])
            .output()
            .unwrap();
        ok.clone().assert().success();
        // --root stays the installation: with it given, --root-hash
        // (0x allowed) is the hash.
        talos_at(dir.path())
            .args(["audit", "verify-proof", "--proof"])
            .arg(&file)
            .args(["--root-hash", &format!("0x{root}")])
            .assert()
            .success();

        // Without --root-hash, the installation given with --root is not
        // mistaken for the hash.
        talos_at(dir.path())
            .args(["audit", "verify-proof", "--proof"])
            .arg(&file)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("--root-hash"));
        // The hash is never read from --root (the installation), even when
        // it looks like one.
        common::talos()
            .args(["--root", &root, "audit", "verify-proof", "--proof"])
            .arg(&file)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("--root-hash"));
        let other = hex(&mth(&leaves[..size as usize - 1]));
        let bad = common::talos()
            .args(["--json", "audit", "verify-proof", "--proof"])
            .arg(&file)
            .args(["--root-hash", &other])
            .assert()
            .code(3);
        assert_eq!(json_of(&bad.get_output().stdout)["ok"], false);
    }

    // A proof whose record was edited no longer verifies.
    let out = talos_at(dir.path())
        .args(["audit", "prove", "3"])
        .output()
        .unwrap();
    let mut proof = json_of(&out.stdout);
    let record = proof["record"]
        .as_str()
        .unwrap()
        .replace("alice", "mallory");
    proof["record"] = Value::String(record);
    let file = dir.path().join("tampered.json");
    std::fs::write(&file, proof.to_string()).unwrap();
    let bad = common::talos()
        .args(["audit", "verify-proof", "--proof"])
        .arg(&file)
        .args(["--root-hash", &root11])
        .assert()
        .code(3);
    assert!(String::from_utf8_lossy(&bad.get_output().stdout).contains("PROOF INVALID"));
}

#[test]
fn prove_and_root_refuse_a_damaged_chain() {
    let (dir, layout) = sandbox(6);
    let mut ls = lines(&layout);
    ls.remove(2);
    std::fs::write(audit_file(&layout, 1), ls.join("\n") + "\n").unwrap();
    talos_at(dir.path())
        .args(["audit", "root"])
        .assert()
        .code(3);
    talos_at(dir.path())
        .args(["audit", "prove", "1", "--size", "4"])
        .assert()
        .code(3);
    // Before the damage the chain is fine, so a smaller tree still works.
    talos_at(dir.path())
        .args(["audit", "prove", "1", "--size", "2"])
        .assert()
        .code(0);
}

#[test]
fn query_filters_by_action_time_and_last() {
    let (dir, _layout) = sandbox(12);
    let out = talos_at(dir.path())
        .args(["--json", "audit", "query", "--action", "breaker_reset"])
        .assert()
        .code(0);
    assert_eq!(seqs(&json_of(&out.get_output().stdout)), vec![3, 6, 9, 12]);

    let out = talos_at(dir.path())
        .args([
            "--json",
            "audit",
            "query",
            "--action",
            "task_started,config_changed",
            "--last",
            "3",
        ])
        .output()
        .unwrap();
    assert_eq!(seqs(&json_of(&out.stdout)), vec![8, 10, 11]);

    let out = talos_at(dir.path())
        .args([
            "--json",
            "audit",
            "query",
            "--since",
            "2024-01-15T08:10:00Z",
        ])
        .output()
        .unwrap();
    let doc = json_of(&out.stdout);
    assert_eq!(doc.as_array().unwrap().len(), 3);

    let out = talos_at(dir.path())
        .args(["audit", "query", "--last", "2"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(rows[0].starts_with("SEQ"));
    assert!(rows[1].starts_with("11 "));
    assert!(rows[2].contains("operator:alice"));
    assert!(rows[2].contains("breaker_reset"));
}

#[test]
fn a_missing_file_in_the_numbering_is_named() {
    let (dir, layout) = sandbox(3);
    std::fs::rename(audit_file(&layout, 1), audit_file(&layout, 2)).unwrap();
    let (code, doc) = verify_json(dir.path(), &[]);
    assert_eq!(code, 3);
    assert_eq!(doc["first_error"]["kind"], "missing_file");
    assert_eq!(doc["first_error"]["seq"], 1);
    assert!(
        doc["first_error"]["message"]
            .as_str()
            .unwrap()
            .contains("audit-000001.jsonl is missing")
    );
}

#[test]
fn consistency_proofs_and_checkpoints() {
    let (dir, layout) = sandbox(7);
    // The auditor's checkpoint, saved off the host.
    let out = talos_at(dir.path())
        .args(["--json", "audit", "root"])
        .assert()
        .code(0);
    let cp = json_of(&out.get_output().stdout);
    assert_eq!(cp["size"], 7);
    assert!(cp["taken_at"].is_string());
    let checkpoint = dir.path().join("checkpoint.json");
    std::fs::write(&checkpoint, &out.get_output().stdout).unwrap();
    for i in 8..=13u64 {
        append_in(
            &layout.audit_dir,
            "orchestrator",
            "task_started",
            &serde_json::json!({"n": i}),
            "2024-01-16T08:00:00.000Z",
        )
        .unwrap();
    }
    let ls = lines(&layout);
    let leaves: Vec<&[u8]> = ls.iter().map(|l| l.as_bytes()).collect();

    // prove --consistency OLD (NEW defaults to every record) and OLD NEW.
    for (old, new) in [
        (7usize, None),
        (3, Some(13usize)),
        (4, Some(9)),
        (13, Some(13)),
    ] {
        let mut cmd = talos_at(dir.path());
        cmd.args(["audit", "prove", "--consistency", &old.to_string()]);
        if let Some(n) = new {
            cmd.arg(n.to_string());
        }
        let out = cmd.output().unwrap();
        out.clone().assert().success();
        let n = new.unwrap_or(13);
        let proof = json_of(&out.stdout);
        let expected: Vec<String> = if old == n {
            vec![]
        } else {
            subproof(old, &leaves[..n], true)
                .iter()
                .map(|h| hex(h))
                .collect()
        };
        assert_eq!(proof["proof"], serde_json::json!(expected), "{old}..{n}");
        assert_eq!(proof["old_root"], hex(&mth(&leaves[..old])));
        assert_eq!(proof["new_root"], hex(&mth(&leaves[..n])));
        let file = dir.path().join("consistency.json");
        std::fs::write(&file, &out.stdout).unwrap();
        let verify = |old_root: &str| {
            common::talos()
                .args(["audit", "verify-consistency", "--proof"])
                .arg(&file)
                .args(["--old-size", &old.to_string(), "--old-root-hash", old_root])
                .args(["--new-size", &n.to_string(), "--new-root-hash"])
                .arg(proof["new_root"].as_str().unwrap())
                .output()
                .unwrap()
        };
        let ok = verify(proof["old_root"].as_str().unwrap());
        ok.clone().assert().success();
        // The head of a different (rewritten) old tree does not verify.
        let bad = verify(&hex(&mth(&leaves[..old - 1])));
        assert_eq!(bad.status.code(), Some(3));
        assert!(String::from_utf8_lossy(&bad.stdout).contains("NOT CONSISTENT"));
    }
    // Size 0 proves nothing and is refused.
    talos_at(dir.path())
        .args(["audit", "prove", "--consistency", "0"])
        .assert()
        .code(2);
    talos_at(dir.path())
        .args(["audit", "prove", "--consistency", "8", "5"])
        .assert()
        .code(2);

    // Today's log extends the checkpoint (JSON or the size=N:ROOT line).
    let (code, doc) = verify_json(dir.path(), &["--checkpoint", checkpoint.to_str().unwrap()]);
    assert_eq!(code, 0, "{doc}");
    let line = dir.path().join("checkpoint.txt");
    std::fs::write(&line, format!("size=7:{}\n", cp["root"].as_str().unwrap())).unwrap();
    let (code, _) = verify_json(dir.path(), &["--checkpoint", line.to_str().unwrap()]);
    assert_eq!(code, 0);

    // A wholesale rewrite: record 2 edited, and every hash after it
    // recomputed, so the plain chain verifies again.
    let mut records: Vec<Value> = ls
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    records[1]["details"] = serde_json::json!({"n": 2, "text": "rewritten"});
    std::fs::remove_file(audit_file(&layout, 1)).unwrap();
    for r in &records {
        append_in(
            &layout.audit_dir,
            r["actor"].as_str().unwrap(),
            r["action"].as_str().unwrap(),
            &r["details"],
            r["timestamp"].as_str().unwrap(),
        )
        .unwrap();
    }
    let (code, doc) = verify_json(dir.path(), &[]);
    assert_eq!(code, 0, "the rewritten chain is self-consistent: {doc}");
    let (code, doc) = verify_json(dir.path(), &["--checkpoint", checkpoint.to_str().unwrap()]);
    assert_eq!(code, 3, "{doc}");
    assert_eq!(doc["first_error"]["kind"], "anchor_mismatch");
    assert!(
        doc["first_error"]["message"]
            .as_str()
            .unwrap()
            .contains("checkpoint")
    );
    // A file that is not a checkpoint is a usage error.
    std::fs::write(&line, "hello\n").unwrap();
    let (code, _) = verify_json(dir.path(), &["--checkpoint", line.to_str().unwrap()]);
    assert_eq!(code, 2);
}
