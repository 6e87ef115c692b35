//! The transparency-dev/merkle reference test vectors (fixtures/merkle/,
//! copied from github.com/transparency-dev/merkle testdata/, Apache-2.0) run
//! against talos's RFC 9162 inclusion and consistency proof checks, through
//! the library and, for the consistency vectors, through the binary.

use crate::common;
use std::path::{Path, PathBuf};

use serde_json::Value;
use talos::audit::merkle::{verify_consistency, verify_inclusion_raw};
use talos::audit::record::hex;

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/merkle")
        .join(kind);
    let mut out = Vec::new();
    let mut dirs = vec![base];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Standard base64 (the vectors' encoding of hashes), strict enough for
/// fixtures we committed ourselves.
fn b64(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = A.iter().position(|&a| a == c).expect("base64") as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    out
}

fn load(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn bytes(v: &Value) -> Vec<u8> {
    v.as_str().map(b64).unwrap_or_default()
}

fn list(v: &Value) -> Vec<Vec<u8>> {
    v.as_array()
        .map(|a| a.iter().map(bytes).collect())
        .unwrap_or_default()
}

#[test]
fn inclusion_vectors() {
    let files = fixtures("inclusion");
    assert!(files.len() > 80, "{} vectors", files.len());
    for f in files {
        let v = load(&f);
        let got = verify_inclusion_raw(
            v["leafIdx"].as_u64().unwrap(),
            v["treeSize"].as_u64().unwrap(),
            &bytes(&v["leafHash"]),
            &list(&v["proof"]),
            &bytes(&v["root"]),
        );
        assert_eq!(
            got.is_err(),
            v["wantErr"].as_bool().unwrap(),
            "{}: {got:?}",
            f.display()
        );
    }
}

/// The one vector where talos is stricter than the reference on purpose: two
/// equal 12-byte "roots" for equal sizes pass the Go reference (it compares
/// bytes), but a root that is not a 32-byte SHA-256 hash is refused here.
const STRICTER: &[&str] = &["sizes-are-equal-one-and-proof-is-empty.json"];

#[test]
fn consistency_vectors() {
    let files = fixtures("consistency");
    assert!(files.len() > 90, "{} vectors", files.len());
    for f in files {
        let v = load(&f);
        let got = verify_consistency(
            v["size1"].as_u64().unwrap(),
            v["size2"].as_u64().unwrap(),
            &bytes(&v["root1"]),
            &bytes(&v["root2"]),
            &list(&v["proof"]),
        );
        let name = f.file_name().unwrap().to_str().unwrap();
        if STRICTER.contains(&name) {
            assert!(bytes(&v["root1"]).len() != 32);
            assert!(got.is_err(), "{name}");
            continue;
        }
        assert_eq!(
            got.is_err(),
            v["wantErr"].as_bool().unwrap(),
            "{}: {got:?}",
            f.display()
        );
    }
}

/// Every consistency vector whose hashes are all 32 bytes, as a proof file
/// for `talos audit verify-consistency`: exit 0 exactly when the reference
/// says the proof is good, 3 otherwise; a vector with a hash of another
/// length is refused before any check (2: not a proof, or 3).
#[test]
fn consistency_vectors_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for f in fixtures("consistency") {
        let v = load(&f);
        let (r1, r2, proof) = (bytes(&v["root1"]), bytes(&v["root2"]), list(&v["proof"]));
        if r1.len() != 32 || r2.len() != 32 {
            continue;
        }
        let doc = serde_json::json!({
            "old_size": v["size1"],
            "new_size": v["size2"],
            "proof": proof.iter().map(|p| hex(p)).collect::<Vec<_>>(),
        });
        let file = dir.path().join("proof.json");
        std::fs::write(&file, doc.to_string()).unwrap();
        let out = common::talos()
            .args(["--json", "audit", "verify-consistency", "--proof"])
            .arg(&file)
            .args(["--old-size", &v["size1"].to_string()])
            .args(["--old-root-hash", &hex(&r1)])
            .args(["--new-size", &v["size2"].to_string()])
            .args(["--new-root-hash", &hex(&r2)])
            .assert()
            .append_context("vector", f.display().to_string());
        if v["wantErr"].as_bool().unwrap() {
            out.code(predicates::iter::in_iter([2, 3]));
        } else {
            out.code(0);
        }
        ran += 1;
    }
    assert!(ran > 50, "{ran}");
}
