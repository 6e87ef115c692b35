//! Helpers for the backup/restore/drill tests (their installation:
//! `Install::sample`): the trees of its components, and hand-made archives.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use talos::install::Layout;

/// Asserts that a run was killed by SIGKILL, as a `TALOS_TEST_CRASH_AT`
/// crash point does (no exit code), showing the run if not.
pub fn killed_at_crash_point(run: assert_cmd::assert::Assert) -> assert_cmd::assert::Assert {
    use std::os::unix::process::ExitStatusExt;
    let run = run.interrupted();
    assert_eq!(run.get_output().status.signal(), Some(9), "{run}");
    run
}

/// Tree hashes of the component directories that a restore owns (config
/// without ssl, ssl, state, db, custom, audit), keyed by component.
pub fn components(layout: &Layout) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for c in talos::install::COMPONENTS {
        let dir = layout.component_dir_named(c).unwrap();
        let mut t = super::tree_hash(&dir);
        if c == "config" {
            t.retain(|k, _| k != "ssl" && !k.starts_with("ssl/"));
        }
        if c == "logs" {
            t.remove(".lock");
        }
        out.insert(c.to_string(), t);
    }
    out
}

/// The newest backup file in a directory (talos's one listing: the time in
/// the name, docs/format.md).
pub fn newest_backup(dir: &Path) -> PathBuf {
    talos::archive::newest_backup(dir).expect("a backup").1
}

/// One entry of a hand-made archive. Names are raw bytes so tests can write
/// what the tar crate's safe API refuses (`..`, absolute, non-UTF-8).
pub enum E {
    File(Vec<u8>, Vec<u8>),
    Dir(Vec<u8>),
    Symlink(Vec<u8>, Vec<u8>),
    Hardlink(Vec<u8>, Vec<u8>),
    Fifo(Vec<u8>),
    Char(Vec<u8>),
}

pub fn f(name: &str, data: &[u8]) -> E {
    E::File(name.as_bytes().to_vec(), data.to_vec())
}
pub fn d(name: &str) -> E {
    E::Dir(name.as_bytes().to_vec())
}

fn raw_header(name: &[u8], kind: tar::EntryType, size: u64, mode: u32) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    {
        let old = h.as_old_mut();
        assert!(
            name.len() <= old.name.len(),
            "name too long for the test helper"
        );
        old.name[..name.len()].copy_from_slice(name);
    }
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(mode);
    h.set_mtime(1_700_000_000);
    h
}

/// The uncompressed tar of `entries`.
pub fn tar_bytes(entries: &[E]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        match e {
            E::File(n, data) => {
                let mut h = raw_header(n, tar::EntryType::Regular, data.len() as u64, 0o600);
                h.set_cksum();
                b.append(&h, &data[..]).unwrap();
            }
            E::Dir(n) => {
                let mut h = raw_header(n, tar::EntryType::Directory, 0, 0o750);
                h.set_cksum();
                b.append(&h, std::io::empty()).unwrap();
            }
            E::Symlink(n, target) | E::Hardlink(n, target) => {
                let kind = if matches!(e, E::Symlink(..)) {
                    tar::EntryType::Symlink
                } else {
                    tar::EntryType::Link
                };
                let mut h = raw_header(n, kind, 0, 0o777);
                h.as_old_mut().linkname[..target.len()].copy_from_slice(target);
                h.set_cksum();
                b.append(&h, std::io::empty()).unwrap();
            }
            E::Fifo(n) | E::Char(n) => {
                let kind = if matches!(e, E::Fifo(..)) {
                    tar::EntryType::Fifo
                } else {
                    tar::EntryType::Char
                };
                let mut h = raw_header(n, kind, 0, 0o600);
                h.set_cksum();
                b.append(&h, std::io::empty()).unwrap();
            }
        }
    }
    b.into_inner().unwrap()
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    talos::audit::record::hex(&sha2::Sha256::digest(bytes))
}

pub fn metadata_json(components: &[&str]) -> Vec<u8> {
    serde_json::to_vec_pretty(&serde_json::json!({
        "backup_version": "4.0",
        "created_at": "2024-01-15T08:30:00.000Z",
        "created_by": "operator:tester",
        "hostname": "test",
        "talos_version": "4.0.0",
        "backup_type": "partial",
        "components": components,
        "compressed": true,
        "encryption": null,
        "checksum_algorithm": "sha256",
    }))
    .unwrap()
}

/// A manifest for `files` (path, content).
pub fn manifest_json(files: &[(&str, &[u8])]) -> Vec<u8> {
    let list: Vec<_> = files
        .iter()
        .map(|(p, data)| {
            serde_json::json!({"path": p, "checksum": sha256_hex(data), "size": data.len(), "mode": "0600"})
        })
        .collect();
    serde_json::to_vec_pretty(&serde_json::json!({"algorithm": "sha256", "files": list})).unwrap()
}

/// A valid state-only archive: metadata, manifest, state/ with two files.
pub fn good_state_entries() -> Vec<E> {
    let files: [(&str, &[u8]); 2] = [
        ("state/task_queue.json", b"{\"pending\":[]}"),
        ("state/orchestrator.json", b"{\"status\":\"stopped\"}"),
    ];
    vec![
        f("metadata.json", &metadata_json(&["state"])),
        f("manifest.json", &manifest_json(&files)),
        d("state/"),
        f(files[0].0, files[0].1),
        f(files[1].0, files[1].1),
    ]
}

/// The components of the installation at `root`, with the audit trail
/// reduced to the records that are not the restore's own (`restore`,
/// `restore_abort`), so the outcomes of a restore compare exactly.
pub fn restore_state(root: &Path) -> BTreeMap<String, String> {
    let layout = Layout::new(root);
    let mut out = BTreeMap::new();
    for (comp, tree) in components(&layout) {
        for (k, v) in tree {
            if comp == "logs" && k.ends_with(".jsonl") {
                let text = std::fs::read_to_string(layout.audit_dir.join(&k)).unwrap();
                let kept: Vec<&str> = text
                    .lines()
                    .filter(|l| !l.contains("\"action\":\"restore"))
                    .collect();
                out.insert(format!("{comp}/{k}"), kept.join("\n"));
            } else {
                out.insert(format!("{comp}/{k}"), v);
            }
        }
    }
    out
}

/// `cp -a FROM TO`: a copy keeping modes, links and times.
pub fn copy_tree(from: &Path, to: &Path) {
    let st = std::process::Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(st.success(), "cp -a {} {}", from.display(), to.display());
}

/// `talos backup create` at `root`: the archive it made.
pub fn backup(root: &Path) -> PathBuf {
    use assert_cmd::assert::OutputAssertExt;
    let out = super::talos_std(root)
        .args(["backup", "create", "--json"])
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    PathBuf::from(doc["path"].as_str().unwrap())
}

/// A backup moved out of the installation into `keep` (so it is not part
/// of the trees the tests hash).
pub fn backup_aside(root: &Path, keep: &Path) -> PathBuf {
    let made = backup(root);
    let to = keep.join(made.file_name().unwrap());
    std::fs::rename(&made, &to).unwrap();
    to
}
